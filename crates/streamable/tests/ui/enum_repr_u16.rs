use sickle_streamable::Streamable;

#[derive(Streamable)]
#[repr(u16)]
enum Wide {
    A = 1,
}

fn main() {}
