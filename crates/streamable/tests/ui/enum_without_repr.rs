use sickle_streamable::Streamable;

#[derive(Streamable)]
enum NodeType {
    Harvester = 2,
    Farmer = 3,
}

fn main() {}
