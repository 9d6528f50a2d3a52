//! The proof-of-space verifier: chiapos' `Verifier::ValidateProof`, bit for bit.
//!
//! A proof is 64 x values of k bits each (8k bytes), in *proof order*: the order in which the f
//! functions consume them. Verification recomputes the tree and checks the root against the
//! challenge (plot-format §11.4):
//!
//! ```text
//!  x0 x1 x2 x3 … x63            f1 each x                 64 (y, metadata)
//!  └─┬─┘ └─┬─┘                  match(y0, y1), f2(y0,…)   32
//!    └──┬──┘                    … up to f7                 1 y
//!  top k bits of y == first k bits of the challenge
//! ```
//!
//! The quality string comes from the proof rearranged into *plot order* (§11.5), then
//! [`quality_string`] of the pair the challenge's last 5 bits select.

use crate::bits::read_bits;
use crate::f1::{EXTRA_BITS, F1Calculator};
use crate::fx::{FxCalculator, Metadata, matches};
use crate::quality::quality_string;

/// Smallest k the verifier accepts (`kMinPlotSize`).
pub const MIN_K: u8 = 18;
/// Largest k the verifier accepts (`kMaxPlotSize`).
pub const MAX_K: u8 = 50;
/// x values in a proof.
pub const PROOF_X_COUNT: usize = 64;

/// Validates a v1 proof of space and returns its quality string, or `None` if it is invalid.
///
/// Identical to chiapos 2.0.12's `Verifier().validate_proof(plot_id, k, challenge, proof)`:
/// * k outside 18..=50, or a proof whose length is not exactly 8k bytes, is invalid;
/// * every pair must match in the order given (no swapping), table by table;
/// * the top k bits of the final y must equal the first k bits of `challenge`.
///
/// One quirk is kept on purpose: chiapos' Python binding passes the proof length to C++ as a
/// `uint16_t`, so a proof of `8k + 65536·n` bytes is judged on its first 8k bytes. chia-blockchain
/// relies on that binding (it rejects proofs of 2000 bytes or more only after `SOFT_FORK9_HEIGHT`),
/// so a drop-in verifier must agree.
///
/// At k = 50 chiapos computes f4's output metadata with an 8-bit overflow (the bit count 256 wraps
/// to 0). Reaching f4 needs eight x values that match through three tables, about 2⁵⁰ F1
/// evaluations per match, so no k = 50 input can tell the two apart; this verifier uses the
/// intended 200 bits.
pub fn validate_proof(
    plot_id: &[u8; 32],
    k: u8,
    challenge: &[u8; 32],
    proof: &[u8],
) -> Option<[u8; 32]> {
    if !(MIN_K..=MAX_K).contains(&k) {
        return None;
    }
    // The binding's uint16_t length: only the low 16 bits of the length are seen.
    let seen_len = proof.len() % 65_536;
    if seen_len != usize::from(k) * 8 {
        return None;
    }
    let proof = proof.get(..seen_len)?;
    let xs = proof_xs(proof, k)?;

    let f1 = F1Calculator::new(k, plot_id);
    let mut ys = [0u64; PROOF_X_COUNT];
    let mut metadata = [Metadata::EMPTY; PROOF_X_COUNT];
    for ((y, meta), &x) in ys.iter_mut().zip(metadata.iter_mut()).zip(&xs) {
        *y = f1.calculate(x);
        *meta = Metadata::from_x(x, k);
    }

    let mut count = PROOF_X_COUNT;
    for table in 2..=7u8 {
        let fx = FxCalculator::new(k, table);
        for i in 0..count / 2 {
            let (y_left, y_right) = (*ys.get(2 * i)?, *ys.get(2 * i + 1)?);
            if !matches(k, y_left, y_right) {
                return None;
            }
            let (y, meta) = fx.calculate(y_left, metadata.get(2 * i)?, metadata.get(2 * i + 1)?);
            *ys.get_mut(i)? = y;
            *metadata.get_mut(i)? = meta;
        }
        count /= 2;
    }

    let challenge_prefix = read_bits(challenge, 0, u32::from(k))?;
    if ys[0] >> EXTRA_BITS != challenge_prefix {
        return None;
    }
    Some(quality_from_proof(&xs, k, challenge))
}

/// The quality string of a proof already known to be valid: reorder to plot order, then hash the
/// pair at index `2 · (challenge[31] & 0x1f)` (chiapos `Verifier::GetQualityString`).
pub fn quality_from_proof(xs: &[u64; PROOF_X_COUNT], k: u8, challenge: &[u8; 32]) -> [u8; 32] {
    let plot_order = to_plot_order(xs);
    let index = usize::from(challenge[31] & 0x1f) * 2;
    quality_string(challenge, plot_order[index], plot_order[index + 1], k)
}

/// Rearranges a proof from proof order to plot order.
///
/// At each level (group sizes 1, 2, 4, …, 32) every adjacent pair of groups is put smaller-first,
/// comparing the groups from their **last** element backwards (chiapos `CompareProofBits`); equal
/// groups come out right-first, which changes nothing.
pub fn to_plot_order(xs: &[u64; PROOF_X_COUNT]) -> [u64; PROOF_X_COUNT] {
    let mut order = *xs;
    let mut size = 1;
    while size < PROOF_X_COUNT {
        for pair in order.chunks_exact_mut(2 * size) {
            let (left, right) = pair.split_at_mut(size);
            if !left.iter().rev().lt(right.iter().rev()) {
                left.swap_with_slice(right);
            }
        }
        size *= 2;
    }
    order
}

/// The 64 k-bit x values of an 8k-byte proof.
fn proof_xs(proof: &[u8], k: u8) -> Option<[u64; PROOF_X_COUNT]> {
    let mut xs = [0u64; PROOF_X_COUNT];
    for (i, x) in xs.iter_mut().enumerate() {
        *x = read_bits(proof, i as u64 * u64::from(k), u32::from(k))?;
    }
    Some(xs)
}

/// Packs 64 x values into a proof of 8k bytes (the inverse of reading one), e.g. to build test
/// proofs or to serialise a prover's result.
pub fn pack_proof(xs: &[u64; PROOF_X_COUNT], k: u8) -> Vec<u8> {
    let mut writer = crate::bits::BitWriter::new();
    for &x in xs {
        writer.push(x, u32::from(k));
    }
    writer.into_bytes()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap: a failure is the assertion
mod tests {
    use super::*;

    #[test]
    fn plot_order_compares_from_the_last_element() {
        let mut xs = [0u64; 64];
        for (i, x) in xs.iter_mut().enumerate() {
            *x = 1000 - i as u64;
        }
        let order = to_plot_order(&xs);
        // Descending input: every level swaps, so the result is sorted.
        let mut sorted = xs;
        sorted.sort_unstable();
        assert_eq!(order, sorted);

        // [5, 1] vs [2, 3] at level 2: compare 1 (after level 1: [1,5] and [2,3]) → last: 5 vs 3.
        let mut xs = [0u64; 64];
        xs[..4].copy_from_slice(&[5, 1, 2, 3]);
        let order = to_plot_order(&xs);
        assert_eq!(&order[..4], &[0, 0, 0, 0]);
        let mut xs = [9u64; 64];
        xs[..4].copy_from_slice(&[5, 1, 2, 3]);
        assert_eq!(&to_plot_order(&xs)[..4], &[2, 3, 1, 5]);
    }

    #[test]
    fn rejects_bad_k_and_lengths() {
        let id = [1u8; 32];
        let challenge = [2u8; 32];
        assert_eq!(validate_proof(&id, 17, &challenge, &[0; 136]), None);
        assert_eq!(validate_proof(&id, 51, &challenge, &[0; 408]), None);
        assert_eq!(validate_proof(&id, 18, &challenge, &[0; 143]), None);
        assert_eq!(validate_proof(&id, 18, &challenge, &[0; 145]), None);
        assert_eq!(validate_proof(&id, 18, &challenge, &[]), None);
        assert_eq!(validate_proof(&id, 18, &challenge, &[0; 144]), None);
    }

    #[test]
    fn pack_round_trips() {
        let mut xs = [0u64; 64];
        for (i, x) in xs.iter_mut().enumerate() {
            *x = (i as u64 * 0x9e37_79b9) & ((1 << 21) - 1);
        }
        let proof = pack_proof(&xs, 21);
        assert_eq!(proof.len(), 21 * 8);
        assert_eq!(proof_xs(&proof, 21), Some(xs));
    }
}
