//! `validate_proof` throughput, compared with chiapos' `Verifier` on the same proofs.
//!
//! `cargo bench -p sickle-pos --bench verify` times Sickle with criterion on the 360 real proofs
//! of `crates/vectors/data/pos-verify/valid.json` (k = 18, 19, 20), then times chiapos 2.0.12's
//! `Verifier().validate_proof` on the same proofs in the reference venv (`.venv/bin/python`, or
//! `SICKLE_VENV`) and prints the ratio. Without the venv it compares with the time recorded in
//! `timing.json` by the vector generator. Target: Sickle ≤ 0.5× chiapos' time per verification.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark driver: failing loudly is right

use criterion::{Criterion, Throughput};
use sickle_pos::validate_proof;
use std::hint::black_box;
use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

struct Proof {
    plot_id: [u8; 32],
    k: u8,
    challenge: [u8; 32],
    proof: Vec<u8>,
}

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../vectors/data/pos-verify")
}

fn load() -> Vec<Proof> {
    let text = std::fs::read_to_string(data_dir().join("valid.json")).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let b32 = |v: &serde_json::Value| -> [u8; 32] {
        hex::decode(v.as_str().unwrap())
            .unwrap()
            .try_into()
            .unwrap()
    };
    doc["proofs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| Proof {
            plot_id: b32(&row["id"]),
            k: u8::try_from(row["k"].as_u64().unwrap()).unwrap(),
            challenge: b32(&row["c"]),
            proof: hex::decode(row["p"].as_str().unwrap()).unwrap(),
        })
        .collect()
}

fn verify_all(proofs: &[Proof]) -> usize {
    proofs
        .iter()
        .filter(|p| validate_proof(&p.plot_id, p.k, &p.challenge, black_box(&p.proof)).is_some())
        .count()
}

/// Best-of-5 microseconds per verification, Sickle.
fn sickle_us(proofs: &[Proof]) -> f64 {
    (0..5)
        .map(|_| {
            let start = Instant::now();
            assert_eq!(verify_all(proofs), proofs.len());
            start.elapsed().as_secs_f64() * 1e6 / proofs.len() as f64
        })
        .fold(f64::INFINITY, f64::min)
}

/// Best-of-5 microseconds per verification, chiapos, in the reference venv.
fn chiapos_us() -> Option<f64> {
    let venv = std::env::var_os("SICKLE_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../.venv"));
    let python = venv.join("bin/python");
    let script = r#"
import json, sys, time
from chiapos import Verifier
rows = json.load(open(sys.argv[1]))["proofs"]
args = [(bytes.fromhex(r["id"]), r["k"], bytes.fromhex(r["c"]), bytes.fromhex(r["p"])) for r in rows]
v = Verifier()
best = float("inf")
for _ in range(5):
    t = time.perf_counter()
    for a in args:
        assert v.validate_proof(*a) is not None
    best = min(best, (time.perf_counter() - t) / len(args))
print(best * 1e6)
"#;
    let out = Command::new(python)
        .args(["-c", script])
        .arg(data_dir().join("valid.json"))
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    String::from_utf8(out.stdout).ok()?.trim().parse().ok()
}

fn recorded_chiapos_us() -> Option<f64> {
    let text = std::fs::read_to_string(data_dir().join("timing.json")).ok()?;
    let doc: serde_json::Value = serde_json::from_str(&text).ok()?;
    doc["chiapos_validate_proof_us"].as_f64()
}

fn main() {
    let proofs = load();
    let mut criterion = Criterion::default().configure_from_args();
    let mut group = criterion.benchmark_group("validate_proof");
    group.throughput(Throughput::Elements(proofs.len() as u64));
    group.bench_function("k18-20 real proofs", |b| b.iter(|| verify_all(&proofs)));
    group.finish();
    criterion.final_summary();

    let ours = sickle_us(&proofs);
    let (theirs, source) = match chiapos_us() {
        Some(us) => (Some(us), "chiapos, same run"),
        None => (recorded_chiapos_us(), "chiapos, recorded in timing.json"),
    };
    println!(
        "validate_proof: sickle {ours:.1} µs/proof ({:.0} proofs/s)",
        1e6 / ours
    );
    if let Some(theirs) = theirs {
        println!(
            "validate_proof: {source} {theirs:.1} µs/proof; sickle/chiapos = {:.2}",
            ours / theirs
        );
    }
}
