//! Paired timing of Sickle against chia_rs 0.48: for each operation, rounds alternate between the
//! two implementations on the same bytes and the median of the per-round ratios is printed. On a
//! shared, busy machine this is steadier than comparing two criterion means taken minutes apart.
//!
//! `cargo bench -p sickle-streamable --bench paired` (also run by `cargo xtask bench`).
#![allow(missing_docs, clippy::unwrap_used)] // a bench binary: failures should be loud

use chia_bls::PublicKey;
use chia_traits::Streamable as ChiaStreamable;
use sickle_streamable::Streamable;
use std::hint::black_box;
use std::time::{Duration, Instant};

mod common;
use common::{Handshake, ProofOfSpace, handshake, key, proof_of_space};

const ROUNDS: usize = 31;
const ROUND_TIME: Duration = Duration::from_millis(40);

/// Nanoseconds per call of `op`, timed over about `ROUND_TIME`.
fn time_per_call(iterations: u64, op: &mut dyn FnMut()) -> f64 {
    let start = Instant::now();
    for _ in 0..iterations {
        op();
    }
    start.elapsed().as_nanos() as f64 / iterations as f64
}

/// How many calls of `op` fill one round.
fn calibrate(op: &mut dyn FnMut()) -> u64 {
    let mut iterations = 1u64;
    loop {
        let start = Instant::now();
        for _ in 0..iterations {
            op();
        }
        if start.elapsed() >= ROUND_TIME / 4 || iterations >= 1 << 30 {
            return iterations.saturating_mul(4);
        }
        iterations = iterations.saturating_mul(2);
    }
}

/// Median over rounds of (chia_rs time / Sickle time), and the median times. A non-flag argument
/// (`cargo bench --bench paired -- hash`) keeps only operations whose name contains it.
fn paired(name: &str, ours: &mut dyn FnMut(), theirs: &mut dyn FnMut()) {
    let filter = std::env::args().skip(1).find(|a| !a.starts_with("--"));
    if filter.is_some_and(|f| !name.contains(&f)) {
        return;
    }
    let n_ours = calibrate(ours);
    let n_theirs = calibrate(theirs);
    let mut ratios = Vec::with_capacity(ROUNDS);
    let mut ours_ns = Vec::with_capacity(ROUNDS);
    let mut theirs_ns = Vec::with_capacity(ROUNDS);
    for round in 0..ROUNDS {
        // alternate which side goes first so drift does not favour one
        let (a, b) = if round % 2 == 0 {
            let a = time_per_call(n_ours, ours);
            (a, time_per_call(n_theirs, theirs))
        } else {
            let b = time_per_call(n_theirs, theirs);
            (time_per_call(n_ours, ours), b)
        };
        ours_ns.push(a);
        theirs_ns.push(b);
        ratios.push(b / a);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (lo, hi) = {
        let mut sorted = ratios.clone();
        sorted.sort_by(f64::total_cmp);
        (sorted[ROUNDS / 4], sorted[ROUNDS * 3 / 4])
    };
    println!(
        "{name:<34} {:>12.1} {:>12.1} {:>7.2}x  (quartiles {lo:.2}-{hi:.2})",
        median(&mut ours_ns),
        median(&mut theirs_ns),
        median(&mut ratios)
    );
}

fn compare<T, C>(name: &str, ours: &T)
where
    T: Streamable + PartialEq + std::fmt::Debug,
    C: ChiaStreamable,
{
    let bytes = ours.to_bytes();
    let theirs = C::from_bytes(&bytes).unwrap();
    assert_eq!(
        theirs.to_bytes().unwrap(),
        bytes,
        "{name}: chia_rs encodes differently"
    );
    assert_eq!(ours.hash().0, theirs.hash(), "{name}: hashes differ");
    let bytes = bytes.as_slice();
    paired(
        &format!("{name}_decode"),
        &mut || {
            let _ = black_box(T::from_bytes(black_box(bytes)).unwrap());
        },
        &mut || {
            let _ = black_box(C::from_bytes(black_box(bytes)).unwrap());
        },
    );
    paired(
        &format!("{name}_decode_trusted"),
        &mut || {
            let _ = black_box(T::from_bytes_unchecked(black_box(bytes)).unwrap());
        },
        &mut || {
            let _ = black_box(C::from_bytes_unchecked(black_box(bytes)).unwrap());
        },
    );
    paired(
        &format!("{name}_encode"),
        &mut || {
            let _ = black_box(black_box(ours).to_bytes());
        },
        &mut || {
            let _ = black_box(black_box(&theirs).to_bytes().unwrap());
        },
    );
    paired(
        &format!("{name}_hash"),
        &mut || {
            let _ = black_box(black_box(ours).hash());
        },
        &mut || {
            let _ = black_box(black_box(&theirs).hash());
        },
    );
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing and wants a quick exit.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    println!(
        "{:<34} {:>12} {:>12} {:>8}",
        "operation (paired)", "sickle ns", "chia_rs ns", "ratio"
    );
    compare::<ProofOfSpace, chia_protocol::ProofOfSpace>("proof_of_space", &proof_of_space());
    compare::<Handshake, chia_protocol::Handshake>("handshake", &handshake());
    let keys: Vec<PublicKey> = (0..100).map(key).collect();
    compare::<Vec<PublicKey>, Vec<PublicKey>>("public_keys_100", &keys);
}
