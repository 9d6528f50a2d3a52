//! The reference venv: `.venv/` at the workspace root with chia-blockchain 2.7.5 (which brings chiapos
//! 2.0.12 and chia_rs). `SICKLE_VENV` overrides the location.

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The pinned reference release; vectors record it.
pub const CHIA_BLOCKCHAIN: &str = "chia-blockchain==2.7.5";

/// The workspace root (the parent of `xtask/`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Creates the venv if it is missing or lacks chia, and returns its python.
pub fn ensure() -> Result<PathBuf> {
    let dir = std::env::var_os("SICKLE_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join(".venv"));
    let python = dir.join("bin").join("python");
    if !python.exists() {
        eprintln!("xtask: creating venv at {}", dir.display());
        let status = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&dir)
            .status()
            .context("running python3 -m venv")?;
        if !status.success() {
            bail!("python3 -m venv failed");
        }
    }
    let has_chia = Command::new(&python)
        .args(["-c", "import chia, chiapos, chia_rs"])
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !has_chia {
        eprintln!("xtask: installing {CHIA_BLOCKCHAIN} into {}", dir.display());
        let status = Command::new(&python)
            .args(["-m", "pip", "install", "--quiet", CHIA_BLOCKCHAIN])
            .status()
            .context("running pip install")?;
        if !status.success() {
            bail!("pip install {CHIA_BLOCKCHAIN} failed");
        }
    }
    Ok(python)
}

/// Runs `xtask/py/<script>` with the venv's python from the workspace root.
pub fn run_script(python: &Path, script: &str, args: &[&str]) -> Result<()> {
    let root = workspace_root();
    let path = root.join("xtask").join("py").join(script);
    eprintln!("xtask: running {}", path.display());
    let status = Command::new(python)
        .arg(&path)
        .args(args)
        .current_dir(&root)
        .status()
        .with_context(|| format!("running {}", path.display()))?;
    if !status.success() {
        bail!("{script} failed with {status}");
    }
    Ok(())
}
