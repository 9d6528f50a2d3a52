//! Running cargo from the xtask: where the build lands and building what a runner starts.

use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::venv::workspace_root;

/// The target directory: `CARGO_TARGET_DIR` (relative to the workspace if relative), else
/// `target/` in the workspace.
pub fn target_dir() -> PathBuf {
    let root = workspace_root();
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|dir| {
            if dir.is_absolute() {
                dir
            } else {
                root.join(dir)
            }
        })
        .unwrap_or_else(|| root.join("target"))
}

/// `cargo build --quiet ARGS` in the workspace, with the cargo that runs the xtask.
pub fn build(args: &[&str]) -> Result<()> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--quiet"])
        .args(args)
        .current_dir(workspace_root())
        .status()
        .context("running cargo build")?;
    if !status.success() {
        bail!("cargo build {} failed: {status}", args.join(" "));
    }
    Ok(())
}
