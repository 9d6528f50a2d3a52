//! `cargo xtask fuzz`: runs every cargo-fuzz target in `fuzz/` for a fixed time.
//!
//! Needs `cargo install cargo-fuzz`. cargo-fuzz wants nightly flags (`-Z sanitizer`), so it runs with
//! `RUSTC_BOOTSTRAP=1` on the stable toolchain.

use crate::venv::workspace_root;
use anyhow::{Context, Result, bail};
use std::process::Command;

/// The targets `cargo fuzz list` reports for `fuzz/`.
fn targets() -> Result<Vec<String>> {
    let output = Command::new("cargo")
        .args(["fuzz", "list"])
        .current_dir(workspace_root())
        .output()
        .context("running cargo fuzz list (install it with `cargo install cargo-fuzz`)")?;
    if !output.status.success() {
        bail!(
            "cargo fuzz list failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect())
}

/// Runs `only` (or every target) for `seconds` each; fails on the first target that finds a crash.
pub fn run(seconds: u64, only: Option<&str>) -> Result<()> {
    let all = targets()?;
    let chosen: Vec<&String> = match only {
        Some(name) => all.iter().filter(|t| t.as_str() == name).collect(),
        None => all.iter().collect(),
    };
    if chosen.is_empty() {
        bail!("no fuzz target matches {only:?}; targets: {all:?}");
    }
    let mut failed = Vec::new();
    for target in chosen {
        eprintln!("xtask: fuzzing {target} for {seconds} s");
        let status = Command::new("cargo")
            .args(["fuzz", "run", target.as_str(), "--"])
            .arg(format!("-max_total_time={seconds}"))
            .env("RUSTC_BOOTSTRAP", "1")
            .current_dir(workspace_root())
            .status()
            .with_context(|| format!("running cargo fuzz run {target}"))?;
        if !status.success() {
            failed.push(target.clone());
        }
    }
    if !failed.is_empty() {
        bail!("fuzz targets found problems: {failed:?} (artifacts in fuzz/artifacts/)");
    }
    Ok(())
}
