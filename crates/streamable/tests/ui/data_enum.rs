use sickle_streamable::Streamable;

#[derive(Streamable)]
#[repr(u8)]
enum WithData {
    Empty,
    Full(u32),
}

fn main() {}
