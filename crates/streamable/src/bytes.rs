//! Byte strings: [`Bytes`] (chia `bytes`, length-prefixed) and [`BytesN`] (chia `bytes32` and
//! friends, fixed size, no prefix).

use crate::primitives::len_prefix;
use crate::{Cursor, Error, Streamable};
use sha2::{Digest, Sha256};
use std::fmt;
use std::ops::{Deref, DerefMut};

/// A variable-length byte string: `u32 length | bytes` (chia `bytes`).
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Bytes(pub Vec<u8>);

impl Bytes {
    /// Wraps `bytes`.
    pub fn new(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    /// The bytes as a slice.
    pub fn as_slice(&self) -> &[u8] {
        &self.0
    }

    /// The wrapped vector.
    pub fn into_inner(self) -> Vec<u8> {
        self.0
    }
}

impl From<Vec<u8>> for Bytes {
    fn from(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }
}

impl From<&[u8]> for Bytes {
    fn from(bytes: &[u8]) -> Self {
        Self(bytes.to_vec())
    }
}

impl From<Bytes> for Vec<u8> {
    fn from(bytes: Bytes) -> Self {
        bytes.0
    }
}

impl AsRef<[u8]> for Bytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl Deref for Bytes {
    type Target = Vec<u8>;
    fn deref(&self) -> &Vec<u8> {
        &self.0
    }
}

impl DerefMut for Bytes {
    fn deref_mut(&mut self) -> &mut Vec<u8> {
        &mut self.0
    }
}

impl fmt::Debug for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(&self.0))
    }
}

impl fmt::Display for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(&self.0))
    }
}

impl Streamable for Bytes {
    const MIN_SIZE: usize = 4;

    fn stream(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&len_prefix(self.0.len()));
        out.extend_from_slice(&self.0);
    }

    fn parse<const TRUSTED: bool>(input: &mut Cursor<'_>) -> Result<Self, Error> {
        let len = input.take_len(1, "bytes")?;
        Ok(Self(input.take(len, "bytes")?.to_vec()))
    }

    fn update_digest(&self, digest: &mut Sha256) {
        crate::primitives::update_prefixed(digest, &self.0);
    }
}

/// A fixed-size byte string of `N` bytes, streamed raw (chia `bytes32`, `bytes48`, …).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BytesN<const N: usize>(pub [u8; N]);

/// chia `bytes4`.
pub type Bytes4 = BytesN<4>;
/// chia `bytes8`.
pub type Bytes8 = BytesN<8>;
/// chia `bytes32`: hashes, challenges, plot ids, puzzle hashes.
pub type Bytes32 = BytesN<32>;
/// chia `bytes48`.
pub type Bytes48 = BytesN<48>;
/// chia `bytes96`.
pub type Bytes96 = BytesN<96>;
/// chia `bytes100`: VDF outputs.
pub type Bytes100 = BytesN<100>;
/// chia `bytes480`.
pub type Bytes480 = BytesN<480>;

impl<const N: usize> BytesN<N> {
    /// Wraps `bytes`.
    pub const fn new(bytes: [u8; N]) -> Self {
        Self(bytes)
    }

    /// The bytes as a slice.
    pub fn as_slice(&self) -> &[u8] {
        &self.0
    }

    /// The wrapped array.
    pub const fn to_array(self) -> [u8; N] {
        self.0
    }
}

impl<const N: usize> Default for BytesN<N> {
    fn default() -> Self {
        Self([0; N])
    }
}

impl<const N: usize> From<[u8; N]> for BytesN<N> {
    fn from(bytes: [u8; N]) -> Self {
        Self(bytes)
    }
}

impl<const N: usize> From<BytesN<N>> for [u8; N] {
    fn from(bytes: BytesN<N>) -> Self {
        bytes.0
    }
}

impl<const N: usize> PartialEq<[u8; N]> for BytesN<N> {
    fn eq(&self, other: &[u8; N]) -> bool {
        self.0 == *other
    }
}

impl<const N: usize> PartialEq<BytesN<N>> for [u8; N] {
    fn eq(&self, other: &BytesN<N>) -> bool {
        *self == other.0
    }
}

impl<const N: usize> TryFrom<&[u8]> for BytesN<N> {
    type Error = std::array::TryFromSliceError;
    fn try_from(bytes: &[u8]) -> Result<Self, Self::Error> {
        Ok(Self(bytes.try_into()?))
    }
}

impl<const N: usize> AsRef<[u8]> for BytesN<N> {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl<const N: usize> Deref for BytesN<N> {
    type Target = [u8; N];
    fn deref(&self) -> &[u8; N] {
        &self.0
    }
}

impl<const N: usize> DerefMut for BytesN<N> {
    fn deref_mut(&mut self) -> &mut [u8; N] {
        &mut self.0
    }
}

impl<const N: usize> fmt::Debug for BytesN<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl<const N: usize> fmt::Display for BytesN<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl<const N: usize> Streamable for BytesN<N> {
    const MIN_SIZE: usize = N;

    fn stream(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.0);
    }

    fn parse<const TRUSTED: bool>(input: &mut Cursor<'_>) -> Result<Self, Error> {
        Ok(Self(input.take_array(std::any::type_name::<Self>())?))
    }

    fn update_digest(&self, digest: &mut Sha256) {
        digest.update(self.0);
    }
}
