//! BLS12-381 points from chia-bls: `G1Element` ([`PublicKey`], 48 bytes) and `G2Element`
//! ([`Signature`], 96 bytes), compressed as in ZCash's format.
//!
//! Validated parsing does what chia does (chia_rs `from_bytes`): the flag bits must be canonical
//! (infinity is exactly `c0 00…00`), the point must decompress, and it must be in the prime-order
//! subgroup. Trusted parsing still decompresses but skips the subgroup check.

use crate::{Cursor, Error, Streamable};
use chia_bls::{PublicKey, Signature};
use sha2::{Digest, Sha256};

impl Streamable for PublicKey {
    const MIN_SIZE: usize = 48;

    fn stream(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_bytes());
    }

    fn parse<const TRUSTED: bool>(input: &mut Cursor<'_>) -> Result<Self, Error> {
        let offset = input.position();
        let raw = input.take_array::<48>("G1Element")?;
        let parsed = if TRUSTED {
            PublicKey::from_bytes_unchecked(&raw)
        } else {
            PublicKey::from_bytes(&raw)
        };
        parsed.map_err(|source| Error::InvalidG1 { offset, source })
    }

    fn update_digest(&self, digest: &mut Sha256) {
        digest.update(self.to_bytes());
    }
}

impl Streamable for Signature {
    const MIN_SIZE: usize = 96;

    fn stream(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_bytes());
    }

    fn parse<const TRUSTED: bool>(input: &mut Cursor<'_>) -> Result<Self, Error> {
        let offset = input.position();
        let raw = input.take_array::<96>("G2Element")?;
        let parsed = if TRUSTED {
            Signature::from_bytes_unchecked(&raw)
        } else {
            Signature::from_bytes(&raw)
        };
        parsed.map_err(|source| Error::InvalidG2 { offset, source })
    }

    fn update_digest(&self, digest: &mut Sha256) {
        digest.update(self.to_bytes());
    }
}
