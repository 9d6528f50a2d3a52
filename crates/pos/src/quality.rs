//! The quality string: the 32-byte hash that decides whether a proof wins.
//!
//! Both the prover (from the two x values it reaches by walking P6 → P1, plot-format §9) and the
//! verifier (from the pair a proof's last 5 challenge bits select, §11.5) compute the same string,
//! so it lives in one place.

use crate::bits::BitWriter;
use sha2::{Digest, Sha256};

/// `SHA-256(challenge ‖ x_lo (k bits) ‖ x_hi (k bits))`, the two x values packed MSB-first and padded
/// with zero bits to `ceil(2k / 8)` bytes (chiapos `GetQualitiesForChallenge`).
///
/// `x_lo` is the smaller x of the pair. Only the low `k` bits of each value are used.
pub fn quality_string(challenge: &[u8; 32], x_lo: u64, x_hi: u64, k: u8) -> [u8; 32] {
    let mut bits = BitWriter::new();
    bits.push(x_lo, u32::from(k));
    bits.push(x_hi, u32::from(k));
    let mut hasher = Sha256::new();
    hasher.update(challenge);
    hasher.update(bits.into_bytes());
    hasher.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packs_two_k_bit_values_msb_first() {
        // k = 18: 36 bits → 5 bytes. x_lo = 1, x_hi = 2^18 - 1.
        let challenge = [7u8; 32];
        let mut expected_input = challenge.to_vec();
        // 0b00000000_00000000_01 | 11111111_11111111_11 | 0000 (pad)
        expected_input.extend_from_slice(&[0x00, 0x00, 0x7f, 0xff, 0xf0]);
        let expected: [u8; 32] = Sha256::digest(&expected_input).into();
        assert_eq!(quality_string(&challenge, 1, (1 << 18) - 1, 18), expected);
    }
}
