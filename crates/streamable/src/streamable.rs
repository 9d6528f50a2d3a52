//! The [`Streamable`] trait: chia's binary serialization.

use crate::{Bytes32, Cursor, Error};
use sha2::{Digest, Sha256};

/// A type with chia's Streamable encoding: fields concatenated in order, big-endian integers,
/// u32 length prefixes, one flag byte for optionals.
///
/// Mirrors chia_rs `chia_traits::Streamable`: `stream` appends, `parse` reads from a [`Cursor`],
/// `from_bytes` rejects trailing bytes, and `hash` streams the same bytes straight into SHA-256.
pub trait Streamable: Sized {
    /// The fewest bytes any value of this type occupies on the wire. Lists use it to reject a
    /// count that cannot fit in the remaining input before allocating. `0` is always correct.
    const MIN_SIZE: usize = 0;

    /// Appends the encoding of `self` to `out`.
    fn stream(&self, out: &mut Vec<u8>);

    /// Decodes one value from `input`. With `TRUSTED = true` BLS points are not checked for
    /// subgroup membership (the input came from our own database, not the network).
    fn parse<const TRUSTED: bool>(input: &mut Cursor<'_>) -> Result<Self, Error>;

    /// Feeds the encoding of `self` to `digest` without building a buffer.
    fn update_digest(&self, digest: &mut Sha256);

    /// The encoding of `self` (Python `bytes(obj)`).
    fn to_bytes(&self) -> Vec<u8> {
        // One small up-front allocation saves the 8 → 16 → 32 → 64 regrowth steps that most
        // protocol messages would otherwise go through.
        let mut out = Vec::with_capacity(Self::MIN_SIZE.max(64));
        self.stream(&mut out);
        out
    }

    /// Decodes a whole buffer with full validation; bytes left over are an error (Python
    /// `Class.from_bytes`).
    fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        parse_all::<Self, false>(bytes)
    }

    /// Like [`Streamable::from_bytes`] but skips BLS subgroup checks.
    fn from_bytes_unchecked(bytes: &[u8]) -> Result<Self, Error> {
        parse_all::<Self, true>(bytes)
    }

    /// SHA-256 of the encoding (Python `get_hash()`, `std_hash(bytes(obj))`).
    fn hash(&self) -> Bytes32 {
        let mut digest = Sha256::new();
        self.update_digest(&mut digest);
        Bytes32::new(digest.finalize().into())
    }
}

fn parse_all<T: Streamable, const TRUSTED: bool>(bytes: &[u8]) -> Result<T, Error> {
    let mut input = Cursor::new(bytes);
    let value = T::parse::<TRUSTED>(&mut input)?;
    if input.remaining() != 0 {
        return Err(Error::TrailingBytes {
            type_name: std::any::type_name::<T>(),
            consumed: input.position(),
            trailing: input.remaining(),
        });
    }
    Ok(value)
}
