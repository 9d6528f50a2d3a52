//! F1: the first proof-of-space function, a ChaCha8 keystream read k bits at a time.
//!
//! `f1(x) = S[x·k .. x·k + k) ‖ top 6 bits of x`, where S is the ChaCha8 keystream keyed by
//! `0x01 ‖ plot_id[0..31]` (plot-format §11.1, chiapos `F1Calculator`). Only the first 31 bytes of
//! the plot id reach the key, so the id's last byte never changes F1.
//!
//! The keystream is chiapos' `chacha8.c`: the classic "djb" ChaCha state with a **64-bit block
//! counter in words 12–13** and a zero nonce in words 14–15. The `chacha20` crate's `ChaCha8` is the
//! IETF variant (32-bit counter, 96-bit nonce) and its 64-bit-counter variant exists only for 20
//! rounds; k = 50 needs block counters past 2³², and F1 reads one or two blocks per call, so a
//! small ChaCha8 block function here is both exact and cheaper than a buffered stream cipher. The
//! tests check it against the `chacha20` crate for counters below 2³².

use crate::bits::read_bits;

/// Bits of extra output appended to every f value (`kExtraBits`): f outputs are k + 6 bits.
pub const EXTRA_BITS: u32 = 6;

/// Bits in one ChaCha8 block (`kF1BlockSizeBits`).
const BLOCK_BITS: u64 = 512;

/// `"expand 32-byte k"` as four little-endian words.
const SIGMA: [u32; 4] = [0x6170_7865, 0x3320_646e, 0x7962_2d32, 0x6b20_6574];

/// Evaluates F1 for one plot id and k.
///
/// Cheap to build (no key schedule beyond loading 8 words) and `Copy`-free only because it is
/// usually built once per proof or plot.
#[derive(Debug, Clone)]
pub struct F1Calculator {
    k: u8,
    /// The ChaCha state without the counter words (12 and 13 are filled per block).
    state: [u32; 16],
}

impl F1Calculator {
    /// Keys F1 for `plot_id` and plot size `k`.
    ///
    /// Meaningful for k in 1..=58 (the verifier accepts 18..=50); larger k never panic but give
    /// values truncated to 64 bits.
    pub fn new(k: u8, plot_id: &[u8; 32]) -> Self {
        let mut key = [0u8; 32];
        key[0] = 1;
        key[1..].copy_from_slice(&plot_id[..31]);
        let mut state = [0u32; 16];
        state[..4].copy_from_slice(&SIGMA);
        for (word, chunk) in state[4..12].iter_mut().zip(key.chunks_exact(4)) {
            *word = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
        }
        Self { k, state }
    }

    /// The plot size this calculator was built for.
    pub fn k(&self) -> u8 {
        self.k
    }

    /// `f1(x)`: k + 6 bits. Only the low k bits of `x` are used.
    pub fn calculate(&self, x: u64) -> u64 {
        let k = u32::from(self.k);
        let x = low_bits(x, k);
        let first_bit = u128::from(x) * u128::from(k);
        // x < 2^64 and k < 256, so the block index fits comfortably in u64.
        let counter = (first_bit / u128::from(BLOCK_BITS)) as u64;
        let bit_in_block = (first_bit % u128::from(BLOCK_BITS)) as u64;

        let mut stream = [0u8; 128];
        let (first, second) = stream.split_at_mut(64);
        self.block(counter, first);
        if bit_in_block + u64::from(k) > BLOCK_BITS {
            self.block(counter.wrapping_add(1), second);
        }
        let keystream_bits = read_bits(&stream, bit_in_block, k.min(64)).unwrap_or(0);
        let extra = if k >= EXTRA_BITS {
            x.checked_shr(k - EXTRA_BITS).unwrap_or(0)
        } else {
            x << (EXTRA_BITS - k)
        };
        keystream_bits.checked_shl(EXTRA_BITS).unwrap_or(0) | extra
    }

    /// Writes keystream block `counter` (64 bytes) into `out`.
    fn block(&self, counter: u64, out: &mut [u8]) {
        let mut input = self.state;
        input[12] = counter as u32;
        input[13] = (counter >> 32) as u32;
        let words = chacha8_block(&input);
        for (chunk, word) in out.chunks_exact_mut(4).zip(words) {
            chunk.copy_from_slice(&word.to_le_bytes());
        }
    }
}

/// The low `bits` bits of `value` (all of it for 64 or more).
fn low_bits(value: u64, bits: u32) -> u64 {
    if bits >= 64 {
        value
    } else {
        value & ((1u64 << bits) - 1)
    }
}

/// One ChaCha block with 8 rounds (4 double rounds) and the feed-forward addition.
fn chacha8_block(input: &[u32; 16]) -> [u32; 16] {
    let mut x = *input;
    for _ in 0..4 {
        quarter_round(&mut x, 0, 4, 8, 12);
        quarter_round(&mut x, 1, 5, 9, 13);
        quarter_round(&mut x, 2, 6, 10, 14);
        quarter_round(&mut x, 3, 7, 11, 15);
        quarter_round(&mut x, 0, 5, 10, 15);
        quarter_round(&mut x, 1, 6, 11, 12);
        quarter_round(&mut x, 2, 7, 8, 13);
        quarter_round(&mut x, 3, 4, 9, 14);
    }
    for (out, inp) in x.iter_mut().zip(input) {
        *out = out.wrapping_add(*inp);
    }
    x
}

#[inline(always)]
fn quarter_round(x: &mut [u32; 16], a: usize, b: usize, c: usize, d: usize) {
    x[a] = x[a].wrapping_add(x[b]);
    x[d] = (x[d] ^ x[a]).rotate_left(16);
    x[c] = x[c].wrapping_add(x[d]);
    x[b] = (x[b] ^ x[c]).rotate_left(12);
    x[a] = x[a].wrapping_add(x[b]);
    x[d] = (x[d] ^ x[a]).rotate_left(8);
    x[c] = x[c].wrapping_add(x[d]);
    x[b] = (x[b] ^ x[c]).rotate_left(7);
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap: a failure is the assertion
mod tests {
    use super::*;
    use chacha20::cipher::{KeyIvInit, StreamCipher, StreamCipherSeek};

    fn plot_id() -> [u8; 32] {
        let mut id = [0u8; 32];
        for (i, b) in id.iter_mut().enumerate() {
            *b = (i as u8).wrapping_mul(37).wrapping_add(11);
        }
        id
    }

    /// The IETF ChaCha8 of the `chacha20` crate with nonce = (counter high word, 0, 0) and block
    /// position = counter low word has exactly chiapos' state, so it must give the same blocks.
    #[test]
    fn blocks_match_chacha20_crate() {
        let id = plot_id();
        let f1 = F1Calculator::new(20, &id);
        let mut key = [0u8; 32];
        key[0] = 1;
        key[1..].copy_from_slice(&id[..31]);
        for counter in [
            0u64,
            1,
            2,
            1000,
            0xffff_fffe,
            0x1_0000_0003,
            0x7fff_1234_5678,
        ] {
            let mut ours = [0u8; 64];
            f1.block(counter, &mut ours);
            let mut nonce = [0u8; 12];
            nonce[..4].copy_from_slice(&((counter >> 32) as u32).to_le_bytes());
            let mut cipher = chacha20::ChaCha8::new(&key.into(), &nonce.into());
            cipher.seek(u64::from(counter as u32) * 64);
            let mut theirs = [0u8; 64];
            cipher.apply_keystream(&mut theirs);
            assert_eq!(ours, theirs, "block {counter}");
        }
    }

    #[test]
    fn output_is_keystream_bits_then_top_bits_of_x() {
        let id = plot_id();
        let k = 18u8;
        let f1 = F1Calculator::new(k, &id);
        // Build the first 4 blocks by hand and read x's window directly.
        let mut stream = vec![0u8; 256];
        for (i, chunk) in stream.chunks_exact_mut(64).enumerate() {
            f1.block(i as u64, chunk);
        }
        for x in [0u64, 1, 28, 29, 56, 57, 100, 112] {
            let window = read_bits(&stream, x * 18, 18).unwrap();
            assert_eq!(f1.calculate(x), (window << 6) | (x >> 12), "x = {x}");
        }
        // High bits of x beyond k are ignored.
        assert_eq!(f1.calculate(5 | (1 << 18)), f1.calculate(5));
    }

    #[test]
    fn last_id_byte_does_not_matter() {
        let mut id = plot_id();
        let a = F1Calculator::new(25, &id).calculate(123_456);
        id[31] ^= 0xff;
        assert_eq!(F1Calculator::new(25, &id).calculate(123_456), a);
        id[0] ^= 1;
        assert_ne!(F1Calculator::new(25, &id).calculate(123_456), a);
    }

    #[test]
    fn extreme_k_never_panic() {
        let id = plot_id();
        for k in [0u8, 1, 5, 6, 50, 58, 59, 64, 200, 255] {
            let f1 = F1Calculator::new(k, &id);
            let _ = f1.calculate(u64::MAX);
            let _ = f1.calculate(0);
        }
        let y = F1Calculator::new(50, &id).calculate((1 << 50) - 1);
        assert!(y < 1 << 56);
        assert_eq!(y & 0x3f, 0x3f);
    }
}
