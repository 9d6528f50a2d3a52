//! Chia's Streamable binary codec, byte-for-byte compatible with chia-blockchain 2.7.5
//! (`chia/util/streamable.py`) and chia_rs 0.48 (`chia-traits`).
//!
//! Encoding is the fields of a value concatenated in declaration order: big-endian integers,
//! `u32` length prefixes for byte strings, strings and lists, a `00`/`01` flag byte for optionals.
//! Decoding is strict: it rejects exactly what chia rejects (non-0/1 flags, invalid UTF-8, invalid
//! BLS points, short input, and, in [`Streamable::from_bytes`], trailing bytes).
//!
//! | module | what |
//! |---|---|
//! | [`Streamable`] (`streamable.rs`) | the trait: `stream`, `parse`, `update_digest`, `from_bytes`, `hash` |
//! | [`Cursor`] (`cursor.rs`) | bounds-checked reader; length prefixes are checked before allocating |
//! | [`Error`] (`error.rs`) | decoding errors with type name and offset |
//! | `primitives.rs` | integers, `bool`, `String` |
//! | `bytes.rs` | [`Bytes`], [`BytesN`] and the `Bytes32`-style aliases |
//! | `composite.rs` | `Vec`, `Option`, tuples, arrays |
//! | `bls.rs` | `chia_bls::PublicKey` (G1) and `chia_bls::Signature` (G2) |
//! | `json` (`json.rs`) | chia's `to_json_dict` form (feature `serde`) |
//! | [`cfg_json!`] | JSON impls gated on this crate's feature |
//!
//! Structs and `#[repr(u8)]` enums get the trait with `#[derive(Streamable)]`:
//!
//! ```
//! use sickle_streamable::{Bytes32, Streamable};
//!
//! #[derive(Streamable, Debug, PartialEq)]
//! struct PoolDifficulty {
//!     difficulty: u64,
//!     sub_slot_iters: u64,
//!     pool_contract_puzzle_hash: Bytes32,
//! }
//!
//! let value = PoolDifficulty {
//!     difficulty: 1000,
//!     sub_slot_iters: 37_600_000_000,
//!     pool_contract_puzzle_hash: Bytes32::new([0x55; 32]),
//! };
//! let bytes = value.to_bytes();
//! assert_eq!(bytes.len(), 48);
//! assert_eq!(PoolDifficulty::from_bytes(&bytes)?, value);
//! # Ok::<(), sickle_streamable::Error>(())
//! ```
//!
//! # Feature flags
//!
//! * `serde` (off by default): the `json` module (`ToJsonDict`, `FromJsonDict`, `JsonError`),
//!   and JSON impls from the derive and from [`cfg_json!`] blocks in downstream crates.

extern crate self as sickle_streamable;

mod bls;
mod bytes;
mod composite;
mod cursor;
mod error;
mod macros;
mod primitives;
mod streamable;

#[cfg(feature = "serde")]
pub mod json;

pub use crate::bytes::{
    Bytes, Bytes4, Bytes8, Bytes32, Bytes48, Bytes96, Bytes100, Bytes480, BytesN,
};
pub use crate::cursor::Cursor;
pub use crate::error::Error;
pub use crate::streamable::Streamable;
pub use chia_bls;
pub use sha2;
pub use sickle_streamable_derive::Streamable;
