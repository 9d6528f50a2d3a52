use sickle_streamable::Streamable;

#[derive(Streamable)]
union Bits {
    a: u32,
    b: f32,
}

fn main() {}
