//! `cargo xtask bench`: runs the codec benchmark (Sickle vs chia_rs in the same run), prints the
//! speed ratio per operation from criterion's estimates, then runs the paired benchmark, whose
//! alternating rounds give steadier ratios on a busy machine.

use crate::venv::workspace_root;
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Criterion's mean estimate in nanoseconds from `<dir>/new/estimates.json`, read with a plain
/// text search so xtask needs no JSON dependency.
fn mean_ns(dir: &Path) -> Option<f64> {
    let text = std::fs::read_to_string(dir.join("new").join("estimates.json")).ok()?;
    let mean = text.find("\"mean\"")?;
    let after = text.get(mean..)?;
    let key = "\"point_estimate\":";
    let start = after.find(key)? + key.len();
    let number: String = after
        .get(start..)?
        .chars()
        .take_while(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-' | '+'))
        .collect();
    number.parse().ok()
}

fn criterion_dir() -> PathBuf {
    crate::cargo::target_dir().join("criterion")
}

/// Runs `cargo bench -p sickle-streamable --bench codec` and prints `chia_rs / sickle` per
/// benchmark group (above 1.0 means Sickle is faster).
pub fn run(quick: bool) -> Result<()> {
    let mut command = Command::new("cargo");
    command
        .args(["bench", "-p", "sickle-streamable", "--bench", "codec", "--"])
        .current_dir(workspace_root());
    if quick {
        command.args(["--warm-up-time", "1", "--measurement-time", "2"]);
    }
    let status = command.status().context("running cargo bench")?;
    if !status.success() {
        bail!("cargo bench failed with {status}");
    }
    let root = criterion_dir();
    let mut groups: Vec<PathBuf> = std::fs::read_dir(&root)
        .with_context(|| format!("reading {}", root.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("sickle").is_dir() && p.join("chia_rs").is_dir())
        .collect();
    groups.sort();
    println!(
        "{:<40} {:>12} {:>12} {:>8}",
        "operation", "sickle ns", "chia_rs ns", "ratio"
    );
    for group in groups {
        let name = group
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match (
            mean_ns(&group.join("sickle")),
            mean_ns(&group.join("chia_rs")),
        ) {
            (Some(ours), Some(theirs)) if ours > 0.0 => {
                println!(
                    "{name:<40} {ours:>12.1} {theirs:>12.1} {:>7.2}x",
                    theirs / ours
                );
            }
            _ => println!("{name:<40} (no estimates)"),
        }
    }
    println!();
    let status = Command::new("cargo")
        .args(["bench", "-p", "sickle-streamable", "--bench", "paired"])
        .current_dir(workspace_root())
        .status()
        .context("running the paired benchmark")?;
    if !status.success() {
        bail!("paired benchmark failed with {status}");
    }
    Ok(())
}
