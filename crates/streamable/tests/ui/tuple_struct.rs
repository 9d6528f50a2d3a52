use sickle_streamable::Streamable;

#[derive(Streamable)]
struct Pair(u8, u16);

fn main() {}
