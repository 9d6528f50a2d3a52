//! placeholder: the pos helpers replace this map.

pub mod bits;
pub mod quality;

pub use quality::quality_string;
