//! Integers, `bool` and `String`.
//!
//! ```text
//! uN / iN : N/8 bytes big-endian (two's complement for signed)
//! bool    : 00 | 01
//! String  : u32 byte length | UTF-8 bytes (strict)
//! ```

use crate::{Cursor, Error, Streamable};
use sha2::{Digest, Sha256};

macro_rules! streamable_int {
    ($($t:ty => $name:literal),* $(,)?) => {$(
        impl Streamable for $t {
            const MIN_SIZE: usize = size_of::<$t>();

            fn stream(&self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_be_bytes());
            }

            fn parse<const TRUSTED: bool>(input: &mut Cursor<'_>) -> Result<Self, Error> {
                Ok(<$t>::from_be_bytes(input.take_array($name)?))
            }

            fn update_digest(&self, digest: &mut Sha256) {
                digest.update(self.to_be_bytes());
            }
        }
    )*};
}

streamable_int! {
    u8 => "uint8", u16 => "uint16", u32 => "uint32", u64 => "uint64", u128 => "uint128",
    i8 => "int8", i16 => "int16", i32 => "int32", i64 => "int64",
}

impl Streamable for bool {
    const MIN_SIZE: usize = 1;

    fn stream(&self, out: &mut Vec<u8>) {
        out.push(u8::from(*self));
    }

    fn parse<const TRUSTED: bool>(input: &mut Cursor<'_>) -> Result<Self, Error> {
        let offset = input.position();
        match input.take_u8("bool")? {
            0 => Ok(false),
            1 => Ok(true),
            got => Err(Error::InvalidBool { offset, got }),
        }
    }

    fn update_digest(&self, digest: &mut Sha256) {
        digest.update([u8::from(*self)]);
    }
}

/// The u32 length prefix chia writes before `bytes` and `str`. Lengths past `u32::MAX` cannot be
/// encoded; chia raises there too, and nothing on the wire (at most 50 MiB per message) comes near.
pub(crate) fn len_prefix(len: usize) -> [u8; 4] {
    u32::try_from(len).unwrap_or(u32::MAX).to_be_bytes()
}

impl Streamable for String {
    const MIN_SIZE: usize = 4;

    fn stream(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&len_prefix(self.len()));
        out.extend_from_slice(self.as_bytes());
    }

    fn parse<const TRUSTED: bool>(input: &mut Cursor<'_>) -> Result<Self, Error> {
        let len = input.take_len(1, "str")?;
        let offset = input.position();
        let raw = input.take(len, "str")?;
        match std::str::from_utf8(raw) {
            Ok(text) => Ok(text.to_owned()),
            Err(source) => Err(Error::InvalidString { offset, source }),
        }
    }

    fn update_digest(&self, digest: &mut Sha256) {
        update_prefixed(digest, self.as_bytes());
    }
}

/// Feeds `u32 len | bytes` to `digest` (for `bytes` and `str`).
pub(crate) fn update_prefixed(digest: &mut Sha256, bytes: &[u8]) {
    digest.update(len_prefix(bytes.len()));
    digest.update(bytes);
}
