//! `cargo xtask gen-plots` and `cargo xtask bench-pos`: the proof-of-space fixtures and the
//! benchmark against chiapos.

use crate::venv;
use anyhow::{Context, Result, bail};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Makes the k=18 fixture plots and their vectors, or with `ks` larger plots in target/pos-plots.
pub fn gen_plots(ks: Option<&str>) -> Result<()> {
    let python = venv::ensure()?;
    match ks {
        Some(ks) => venv::run_script(&python, "gen_plots.py", &["--k", ks]),
        None => venv::run_script(&python, "gen_plots.py", &[]),
    }
}

/// The solo plot of size `k`: the k=18 fixture, or one `gen_plots` made in target/pos-plots.
pub(crate) fn plot_path(k: u32) -> PathBuf {
    let root = venv::workspace_root();
    if k == 18 {
        root.join("crates/vectors/data/plots/k18-solo.plot")
    } else {
        root.join(format!("target/pos-plots/k{k}-solo.plot"))
    }
}

/// Seeded challenges (splitmix64), one hex line each.
fn write_challenges(path: &Path, n: usize, seed: u64) -> Result<()> {
    let mut state = seed;
    let mut next = || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let mut text = String::new();
    for _ in 0..n {
        for _ in 0..4 {
            write!(text, "{:016x}", next())?;
        }
        text.push('\n');
    }
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}

/// Runs Sickle's release bench and chiapos on the same plots and challenges and prints the table.
pub fn bench_pos(ks: &str, challenges: usize, max_proofs: usize) -> Result<()> {
    let python = venv::ensure()?;
    let root = venv::workspace_root();
    let out_dir = root.join("target/bench-pos");
    std::fs::create_dir_all(&out_dir)?;
    for k in ks.split(',') {
        let k: u32 = k.trim().parse().with_context(|| format!("bad k {k:?}"))?;
        let plot = plot_path(k);
        if !plot.exists() {
            gen_plots(Some(&k.to_string()))?;
        }
        let challenges_file = out_dir.join(format!("challenges-k{k}.txt"));
        write_challenges(&challenges_file, challenges, u64::from(k))?;
        let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["bench", "-p", "sickle-pos", "--bench", "prover", "--"])
            .arg(&plot)
            .arg(&challenges_file)
            .arg(max_proofs.to_string())
            .current_dir(&root)
            .output()
            .context("running cargo bench")?;
        if !output.status.success() {
            bail!(
                "sickle bench failed: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let stdout = String::from_utf8(output.stdout)?;
        let json = stdout
            .lines()
            .rev()
            .find(|l| l.starts_with('{'))
            .context("no JSON line from the sickle bench")?;
        let sickle_json = out_dir.join(format!("sickle-k{k}.json"));
        std::fs::write(&sickle_json, json)?;
        let plot = plot.display().to_string();
        let challenges_file = challenges_file.display().to_string();
        let sickle_json = sickle_json.display().to_string();
        let max = max_proofs.to_string();
        venv::run_script(
            &python,
            "bench_pos.py",
            &[&plot, &challenges_file, &sickle_json, &max],
        )?;
    }
    Ok(())
}
