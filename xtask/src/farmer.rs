//! `cargo xtask bench-farmer`: the farmer with N simulated harvesters on loopback (real mutual
//! TLS): signage point fan-out latency p50/p99 and proofs verified per second, for each N, in a
//! release build of `crates/farmer/examples/bench_farmer.rs`. Target: p99 < 50 ms at 1,000.

use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::venv;

/// Runs the benchmark once per harvester count in `harvesters` (comma-separated).
pub fn bench(harvesters: &str, sps: usize) -> Result<()> {
    let root = venv::workspace_root();
    for count in harvesters
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let count: usize = count
            .parse()
            .with_context(|| format!("harvester count {count:?}"))?;
        let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .current_dir(&root)
            .args([
                "run",
                "--release",
                "-q",
                "-p",
                "sickle-farmer",
                "--example",
                "bench_farmer",
                "--",
            ])
            .args([
                "--harvesters",
                &count.to_string(),
                "--sps",
                &sps.to_string(),
            ])
            .status()
            .context("running the farmer benchmark")?;
        if !status.success() {
            bail!("bench_farmer with {count} harvesters failed: {status}");
        }
    }
    Ok(())
}
