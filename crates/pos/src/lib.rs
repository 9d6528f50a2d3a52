//! placeholder: the pos helpers replace this map.

pub mod bits;
