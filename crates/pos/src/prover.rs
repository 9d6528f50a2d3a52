//! Full proofs: the 64 leaves under one P7 entry, put in proof order and packed (plot-format §10).
//!
//! The plot stores each pair sorted by position (plot order); a proof lists each pair in the order
//! the verifier matches them, which is the order of their f-values. Recovering it means recomputing
//! f1…f7 bottom-up and, at every level, putting the group with the smaller y on the left (strict
//! `<`, so ties put the right-hand group on the left, as chiapos' `ReorderProof` does).

use crate::bits::BitWriter;
use crate::f1::F1Calculator;
use crate::fx::{FxCalculator, Metadata};

/// Packs x values as k-bit MSB-first fields (`64 · k` bits = `8k` bytes for a proof).
pub fn pack_proof(xs: &[u64], k: u8) -> Vec<u8> {
    let mut bits = BitWriter::new();
    for &x in xs {
        bits.push(x, u32::from(k));
    }
    bits.into_bytes()
}

/// Reorders plot-order leaves (any power-of-two count, 64 for a proof) to proof order.
///
/// At each level the adjacent groups (A, B) merge as `f_t(left, right)` with A on the left iff
/// `y_A < y_B`; the x values follow their group.
pub fn proof_order(xs: &[u64], plot_id: &[u8; 32], k: u8) -> Vec<u64> {
    struct Group {
        y: u64,
        metadata: Metadata,
        start: usize,
    }
    let f1 = F1Calculator::new(k, plot_id);
    let mut groups: Vec<Group> = xs
        .iter()
        .enumerate()
        .map(|(start, &x)| Group {
            y: f1.calculate(x),
            metadata: Metadata::from_x(x, k),
            start,
        })
        .collect();
    // `order` holds the x values group by group; each group is a contiguous run of `width`.
    let mut order = xs.to_vec();
    let mut next = Vec::with_capacity(order.len());
    let mut width = 1usize;
    for table in 2..=7u8 {
        if groups.len() < 2 {
            break;
        }
        let fx = FxCalculator::new(k, table);
        let mut merged = Vec::with_capacity(groups.len() / 2);
        next.clear();
        for pair in groups.chunks_exact(2) {
            let (left, right) = match pair {
                [a, b] if a.y < b.y => (a, b),
                [a, b] => (b, a),
                _ => continue,
            };
            let (y, metadata) = fx.calculate(left.y, &left.metadata, &right.metadata);
            let start = next.len();
            for group in [left, right] {
                next.extend(order.iter().skip(group.start).take(width));
            }
            merged.push(Group { y, metadata, start });
        }
        std::mem::swap(&mut order, &mut next);
        groups = merged;
        width *= 2;
    }
    order
}

/// The 64 plot-order leaves of one proof, reordered to proof order and packed.
pub fn proof_from_leaves(xs: &[u64], plot_id: &[u8; 32], k: u8) -> Vec<u8> {
    pack_proof(&proof_order(xs, plot_id, k), k)
}
