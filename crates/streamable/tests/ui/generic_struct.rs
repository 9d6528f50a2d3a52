use sickle_streamable::Streamable;

#[derive(Streamable)]
struct Wrapper<T> {
    inner: T,
}

fn main() {}
