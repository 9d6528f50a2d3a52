//! Sickle's side of `cargo xtask bench-pos`: quality lookups, full proofs and (when built with the
//! verifier) verifications on one plot, with read calls and bytes per operation.
//!
//! `cargo bench -p sickle-pos --bench prover -- PLOT CHALLENGES_FILE [MAX_PROOFS]` prints one JSON
//! object; `xtask/py/bench_pos.py` runs chiapos on the same inputs and prints the comparison.
//! Without arguments (as `cargo bench` runs it) it benchmarks the k=18 fixture with 500 seeded
//! challenges.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark driver: failing loudly is right

use sickle_pos::{CountingReader, Plot};
use std::fs::File;
use std::path::PathBuf;
use std::time::Instant;

/// Timed runs per measurement; the best is reported.
const ROUNDS: usize = 3;

fn default_challenges(n: usize) -> Vec<[u8; 32]> {
    use sha2::{Digest, Sha256};
    (0..n as u64)
        .map(|i| Sha256::digest(i.to_be_bytes()).into())
        .collect()
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let (plot_path, challenges, max_proofs) = match args.as_slice() {
        [plot, file, rest @ ..] => {
            let text = std::fs::read_to_string(file).expect("challenges file");
            let challenges: Vec<[u8; 32]> = text
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| hex::decode(l.trim()).unwrap().try_into().unwrap())
                .collect();
            let max = rest.first().map_or(500, |m| m.parse().unwrap());
            (PathBuf::from(plot), challenges, max)
        }
        _ => (
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../vectors/data/plots/k18-solo.plot"),
            default_challenges(500),
            500,
        ),
    };
    let plot = Plot::open(CountingReader::new(File::open(&plot_path).unwrap())).unwrap();
    let k = plot.k();
    let plot_id = *plot.plot_id();

    // Warm the page cache and the FSE tables.
    std::fs::read(&plot_path).unwrap();
    for challenge in challenges.iter().take(20) {
        plot.qualities_for_challenge(challenge).unwrap();
    }

    // Each timing is the best of ROUNDS runs, so a busy machine distorts it less.
    let mut found = Vec::new();
    let mut quality_secs = f64::MAX;
    let (mut quality_calls, mut quality_bytes) = (0, 0);
    for _ in 0..ROUNDS {
        found.clear();
        plot.reader().reset();
        let start = Instant::now();
        for challenge in &challenges {
            let qualities = plot.qualities_for_challenge(challenge).unwrap();
            for index in 0..qualities.len() {
                found.push((*challenge, index));
            }
        }
        quality_secs = quality_secs.min(start.elapsed().as_secs_f64());
        (quality_calls, quality_bytes) = plot.reader().counts();
    }

    let total_qualities = found.len();
    found.truncate(max_proofs);
    let mut proofs = Vec::new();
    let mut proof_secs = f64::MAX;
    let (mut proof_calls, mut proof_bytes) = (0, 0);
    for _ in 0..ROUNDS {
        plot.reader().reset();
        let start = Instant::now();
        proofs = found
            .iter()
            .map(|(challenge, index)| plot.full_proof(challenge, *index).unwrap())
            .collect();
        proof_secs = proof_secs.min(start.elapsed().as_secs_f64());
        (proof_calls, proof_bytes) = plot.reader().counts();
    }

    let mut verify_secs = f64::MAX;
    let mut valid = 0usize;
    for _ in 0..ROUNDS {
        valid = 0;
        let start = Instant::now();
        for ((challenge, _), proof) in found.iter().zip(&proofs) {
            valid += usize::from(
                sickle_pos::verifier::validate_proof(&plot_id, k, challenge, proof).is_some(),
            );
        }
        verify_secs = verify_secs.min(start.elapsed().as_secs_f64());
    }
    assert_eq!(valid, proofs.len(), "every proof must verify");

    let n = challenges.len().max(1) as f64;
    let p = proofs.len().max(1) as f64;
    println!(
        "{{\"k\":{k},\"challenges\":{},\"qualities\":{},\"proofs\":{},\
         \"quality_us\":{:.3},\"proof_us\":{:.3},\"verify_us\":{:.3},\
         \"quality_reads\":{:.3},\"quality_bytes\":{:.1},\"proof_reads\":{:.3},\"proof_bytes\":{:.1}}}",
        challenges.len(),
        total_qualities,
        proofs.len(),
        quality_secs * 1e6 / n,
        proof_secs * 1e6 / p,
        verify_secs * 1e6 / p,
        quality_calls as f64 / n,
        quality_bytes as f64 / n,
        proof_calls as f64 / p,
        proof_bytes as f64 / p,
    );
}
