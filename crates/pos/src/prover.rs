//! Full proofs: the 64 leaves under one P7 entry, put in proof order and packed (plot-format §10).
//!
//! The plot stores each pair sorted by position (plot order); a proof lists each pair in the order
//! the verifier matches them, which is the order of their f-values. Recovering it means recomputing
//! f1…f7 bottom-up and, at every level, putting the group with the smaller y on the left (strict
//! `<`, so ties keep the right-hand group on the left as chiapos' `ReorderProof` does).

use crate::bits::BitWriter;

/// Packs x values as k-bit MSB-first fields (`64 · k` bits = `8k` bytes for a proof).
pub fn pack_proof(xs: &[u64], k: u8) -> Vec<u8> {
    let mut bits = BitWriter::new();
    for &x in xs {
        bits.push(x, u32::from(k));
    }
    bits.into_bytes()
}

/// The 64 plot-order leaves of one proof, packed.
///
/// Not yet reordered to proof order: that needs the F functions (`crate::f1`, `crate::fx`), which
/// land separately; until then the leaves stay in plot order.
pub fn proof_from_leaves(xs: &[u64], _plot_id: &[u8; 32], k: u8) -> Vec<u8> {
    pack_proof(xs, k)
}
