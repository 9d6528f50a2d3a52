//! Bech32m addresses (`xch1…`, `txch1…`) to puzzle hashes, as chia-blockchain's
//! `chia/util/bech32m.py` `decode_puzzle_hash` reads `farmer.xch_target_address` and
//! `pool.xch_target_address`.
//!
//! Like chia, the human-readable prefix is not checked against the network: a `txch` address in a
//! mainnet config decodes to the same puzzle hash.

use thiserror::Error;

/// The bech32 alphabet.
const CHARSET: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";
/// The bech32m checksum constant (BIP-350).
const BECH32M_CONST: u32 = 0x2bc8_30a3;
/// chia's `bech32_decode` default maximum length.
const MAX_LENGTH: usize = 90;

/// Why an address does not decode to a puzzle hash.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum AddressError {
    /// Mixed case, a character outside 33..=126, a bad separator position or a bad length.
    #[error("malformed bech32m address {address:?}")]
    Malformed {
        /// The address as given.
        address: String,
    },
    /// A data character outside the bech32 alphabet.
    #[error("address {address:?} has a character outside the bech32 alphabet")]
    BadCharacter {
        /// The address as given.
        address: String,
    },
    /// The bech32m checksum does not match.
    #[error("address {address:?} has a wrong bech32m checksum")]
    BadChecksum {
        /// The address as given.
        address: String,
    },
    /// The payload is not exactly 32 bytes with zero padding.
    #[error("address {address:?} does not hold a 32-byte puzzle hash (got {got_bits} bits)")]
    BadPayload {
        /// The address as given.
        address: String,
        /// Payload bits after the prefix (5 per character).
        got_bits: usize,
    },
}

fn polymod(values: impl Iterator<Item = u8>) -> u32 {
    const GEN: [u32; 5] = [
        0x3b6a_57b2,
        0x2650_8e6d,
        0x1ea1_19fa,
        0x3d42_33dd,
        0x2a14_62b3,
    ];
    values.fold(1u32, |chk, value| {
        let top = chk >> 25;
        let mut chk = ((chk & 0x01ff_ffff) << 5) ^ u32::from(value);
        for (bit, generator) in GEN.iter().enumerate() {
            if (top >> bit) & 1 == 1 {
                chk ^= generator;
            }
        }
        chk
    })
}

fn hrp_expand(hrp: &[u8]) -> impl Iterator<Item = u8> + '_ {
    hrp.iter()
        .map(|c| c >> 5)
        .chain(std::iter::once(0))
        .chain(hrp.iter().map(|c| c & 31))
}

/// Decodes a bech32m address into the 32-byte puzzle hash it carries.
pub fn decode_puzzle_hash(address: &str) -> Result<[u8; 32], AddressError> {
    let malformed = || AddressError::Malformed {
        address: address.to_owned(),
    };
    let bytes = address.as_bytes();
    let has_lower = bytes.iter().any(u8::is_ascii_lowercase);
    let has_upper = bytes.iter().any(u8::is_ascii_uppercase);
    if bytes.iter().any(|&c| !(33..=126).contains(&c)) || (has_lower && has_upper) {
        return Err(malformed());
    }
    let lower = address.to_ascii_lowercase();
    let lower = lower.as_bytes();
    let separator = lower
        .iter()
        .rposition(|&c| c == b'1')
        .ok_or_else(malformed)?;
    if separator < 1 || separator + 7 > lower.len() || lower.len() > MAX_LENGTH {
        return Err(malformed());
    }
    let (hrp, rest) = lower.split_at(separator);
    let data = rest
        .iter()
        .skip(1)
        .map(|c| {
            CHARSET
                .iter()
                .position(|x| x == c)
                .and_then(|p| u8::try_from(p).ok())
        })
        .collect::<Option<Vec<u8>>>()
        .ok_or_else(|| AddressError::BadCharacter {
            address: address.to_owned(),
        })?;
    if polymod(hrp_expand(hrp).chain(data.iter().copied())) != BECH32M_CONST {
        return Err(AddressError::BadChecksum {
            address: address.to_owned(),
        });
    }
    let payload = data.get(..data.len().saturating_sub(6)).unwrap_or_default();
    let bad_payload = || AddressError::BadPayload {
        address: address.to_owned(),
        got_bits: payload.len() * 5,
    };
    // 5-bit groups back to bytes without padding: leftover bits must be fewer than 5 and zero.
    let mut out = Vec::with_capacity(32);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &value in payload {
        acc = ((acc << 5) | u32::from(value)) & 0xfff;
        bits += 5;
        while bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xff) as u8);
        }
    }
    if bits >= 5 || (acc << (8 - bits)) & 0xff != 0 {
        return Err(bad_payload());
    }
    out.try_into().map_err(|_| bad_payload())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    // Computed with chia 2.7.5: encode_puzzle_hash(bytes([0x66] * 32), "xch") and friends.
    const XCH_66: &str = "xch1venxvenxvenxvenxvenxvenxvenxvenxvenxvenxvenxvenxvenqydnpqj";
    const TXCH_77: &str = "txch1wamhwamhwamhwamhwamhwamhwamhwamhwamhwamhwamhwamhwamsjlc6t0";
    const XCH_66_20_BYTES: &str = "xch1venxvenxvenxvenxvenxvenxvenxvenxzvn8je";

    #[test]
    fn decodes_chia_addresses() {
        assert_eq!(decode_puzzle_hash(XCH_66), Ok([0x66; 32]));
        assert_eq!(
            decode_puzzle_hash(&XCH_66.to_ascii_uppercase()),
            Ok([0x66; 32])
        );
        assert_eq!(decode_puzzle_hash(TXCH_77), Ok([0x77; 32]));
        assert!(matches!(
            decode_puzzle_hash(XCH_66_20_BYTES),
            Err(AddressError::BadPayload { got_bits: 160, .. })
        ));
    }

    #[test]
    fn rejects_broken_addresses() {
        let mut flipped = XCH_66.to_owned();
        flipped.replace_range(10..11, "q");
        assert!(matches!(
            decode_puzzle_hash(&flipped),
            Err(AddressError::BadChecksum { .. })
        ));
        assert!(matches!(
            decode_puzzle_hash("xch1Venx"),
            Err(AddressError::Malformed { .. })
        ));
        assert!(matches!(
            decode_puzzle_hash("xch1bbbbbbbbb"),
            Err(AddressError::BadCharacter { .. })
        ));
        assert!(decode_puzzle_hash("").is_err());
    }
}
