//! The decoding error shared by every [`Streamable`](crate::Streamable) implementation.

use thiserror::Error;

/// Why a byte string is not a valid Streamable encoding of a type.
///
/// Every variant names the type being decoded and the offset (bytes consumed from the start of the
/// top-level buffer) where decoding failed, so a log line points at the culprit.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum Error {
    /// The buffer ended before the value did (chia: `AssertionError` / `EndOfBuffer`).
    #[error(
        "{type_name}: end of buffer at offset {offset}: needed {needed} bytes, {remaining} left"
    )]
    EndOfBuffer {
        /// The type whose bytes were being read.
        type_name: &'static str,
        /// Offset of the read that failed.
        offset: usize,
        /// Bytes the read needed.
        needed: usize,
        /// Bytes that were left.
        remaining: usize,
    },
    /// Bytes were left after the top-level value (chia: `ValueError("<Class>: N bytes not consumed")`).
    #[error("{type_name}: {trailing} bytes not consumed after offset {consumed}")]
    TrailingBytes {
        /// The top-level type.
        type_name: &'static str,
        /// Bytes the value used.
        consumed: usize,
        /// Bytes left over.
        trailing: usize,
    },
    /// A `bool` byte other than 0 or 1 (chia: `ValueError("Bool byte must be 0 or 1")`).
    #[error("bool at offset {offset}: byte must be 0 or 1, got {got}")]
    InvalidBool {
        /// Offset of the flag byte.
        offset: usize,
        /// The byte found.
        got: u8,
    },
    /// An `Option` flag other than 0 or 1 (chia: `ValueError("Optional must be 0 or 1")`).
    #[error("{type_name} at offset {offset}: optional flag must be 0 or 1, got {got}")]
    InvalidOptional {
        /// The optional's type.
        type_name: &'static str,
        /// Offset of the flag byte.
        offset: usize,
        /// The byte found.
        got: u8,
    },
    /// A string that is not strict UTF-8 (chia: `UnicodeDecodeError`).
    #[error("string at offset {offset}: invalid utf-8 ({source})")]
    InvalidString {
        /// Offset of the string's first byte (after the length prefix).
        offset: usize,
        /// What the UTF-8 decoder said.
        source: std::str::Utf8Error,
    },
    /// A `#[repr(u8)]` enum byte that names no variant.
    #[error("{type_name} at offset {offset}: no variant with value {got}")]
    InvalidEnum {
        /// The enum type.
        type_name: &'static str,
        /// Offset of the byte.
        offset: usize,
        /// The byte found.
        got: u8,
    },
    /// 48 bytes that are not a valid compressed G1 point (public key).
    #[error("G1Element at offset {offset}: {source}")]
    InvalidG1 {
        /// Offset of the point's first byte.
        offset: usize,
        /// What chia-bls said.
        source: chia_bls::Error,
    },
    /// 96 bytes that are not a valid compressed G2 point (signature).
    #[error("G2Element at offset {offset}: {source}")]
    InvalidG2 {
        /// Offset of the point's first byte.
        offset: usize,
        /// What chia-bls said.
        source: chia_bls::Error,
    },
    /// A type-specific check failed (see [`Error::invalid`]).
    #[error("{type_name} at offset {offset}: {reason}")]
    Invalid {
        /// The type whose check failed.
        type_name: &'static str,
        /// Offset where the offending value starts.
        offset: usize,
        /// What was wrong, lower case.
        reason: &'static str,
    },
}

impl Error {
    /// An error for a custom check in a hand-written [`Streamable`](crate::Streamable) impl, e.g.
    /// `ProofOfSpace`'s version byte.
    pub fn invalid(type_name: &'static str, offset: usize, reason: &'static str) -> Self {
        Self::Invalid {
            type_name,
            offset,
            reason,
        }
    }
}
