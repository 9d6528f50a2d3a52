//! `cargo xtask bench-harvester-scale [--plots N] [--keep]`: the plot manager with N plots.
//!
//! Issue #6's scale targets: N = 100,000 plots loaded from the header cache in under 2 s and
//! under 1 KiB of resident memory per plot, with a full rescan reported too. The files are sparse
//! copies of the k18 fixture's header, each with a distinct valid memo and plot id, written by
//! the measuring binary `crates/harvester/examples/scale.rs` under `target/harvester-scale/`.
//!
//! Each measurement runs the release example in a process of its own, so its `VmRSS` (before and
//! after the refresh, from `/proc/self/status`) and `VmHWM` belong to that run alone:
//!
//! 1. full rescan: no cache file, every header read from disk, the cache written;
//! 2. restart: every header taken from the cache, no plot file opened.
//!
//! Both rows also time the periodic refresh that follows (nothing changed). The page cache is
//! warm in both (the files were just written or read): "full rescan" means no header cache,
//! not cold disks. The files are removed afterwards unless `--keep`, which also reuses a set of
//! the same size left by an earlier `--keep` run.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::cargo;

/// The targets for a restart from the cache.
const TARGET_SECONDS: f64 = 2.0;
const TARGET_BYTES_PER_PLOT: f64 = 1024.0;

/// Runs the benchmark with `plots` plot files, removing them afterwards.
pub fn run(plots: usize) -> Result<()> {
    run_with(plots, false)
}

/// As [`run`]; with `keep`, leaves the plot files for the next run to reuse.
pub fn run_with(plots: usize, keep: bool) -> Result<()> {
    if plots == 0 {
        bail!("--plots must be at least 1");
    }
    let target = cargo::target_dir();
    let work = target.join("harvester-scale");
    let plot_dir = work.join("plots");
    let cache = work.join("cache").join("sickle_harvester_plots.dat");

    cargo::build(&["--release", "-p", "sickle-harvester", "--example", "scale"])?;
    let binary = target.join("release").join("examples").join("scale");

    let generated = Command::new(&binary)
        .arg("generate")
        .arg("--dir")
        .arg(&plot_dir)
        .arg("--plots")
        .arg(plots.to_string())
        .status()
        .with_context(|| format!("running {}", binary.display()))?;
    if !generated.success() {
        bail!("generating {plots} plots failed with {generated}");
    }

    let measured = (|| -> Result<(Run, Run)> {
        let rescan = load(&binary, &plot_dir, &cache, true)?;
        let restart = load(&binary, &plot_dir, &cache, false)?;
        Ok((rescan, restart))
    })();
    if !keep {
        std::fs::remove_dir_all(&work).with_context(|| format!("removing {}", work.display()))?;
    }
    let (rescan, restart) = measured?;
    for (name, run) in [("full rescan", &rescan), ("restart", &restart)] {
        if run.get("loaded")? != plots as f64 || run.get("failed")? != 0.0 {
            bail!(
                "{name}: {} of {plots} plots loaded, {} failed",
                run.get("loaded")?,
                run.get("failed")?
            );
        }
    }
    print_table(plots, &rescan, &restart)?;

    let seconds = restart.get("seconds")?;
    let per_plot = restart.bytes_per_plot(plots)?;
    if seconds >= TARGET_SECONDS || per_plot >= TARGET_BYTES_PER_PLOT {
        bail!(
            "restart from the cache missed its target: {seconds:.2} s (< {TARGET_SECONDS} s), \
             {per_plot:.0} B per plot (< {TARGET_BYTES_PER_PLOT} B)"
        );
    }
    Ok(())
}

/// One `key=value` line of the example.
struct Run(BTreeMap<String, String>);

impl Run {
    fn get(&self, key: &str) -> Result<f64> {
        let value = self
            .0
            .get(key)
            .with_context(|| format!("the scale example printed no {key}"))?;
        value
            .parse()
            .with_context(|| format!("{key}={value} is not a number"))
    }

    /// Resident memory added by the refresh, per plot, in bytes.
    fn bytes_per_plot(&self, plots: usize) -> Result<f64> {
        let added = self.get("rss_after_kib")? - self.get("rss_before_kib")?;
        Ok(added * 1024.0 / plots as f64)
    }

    /// Peak resident memory above the start, per plot, in bytes.
    fn peak_bytes_per_plot(&self, plots: usize) -> Result<f64> {
        let added = self.get("hwm_kib")? - self.get("rss_before_kib")?;
        Ok(added * 1024.0 / plots as f64)
    }
}

fn load(binary: &Path, plot_dir: &Path, cache: &Path, fresh: bool) -> Result<Run> {
    let mut command = Command::new(binary);
    command
        .arg("load")
        .arg("--dir")
        .arg(plot_dir)
        .arg("--cache")
        .arg(cache);
    if fresh {
        command.arg("--fresh");
    }
    let output = command
        .output()
        .with_context(|| format!("running {}", binary.display()))?;
    if !output.status.success() {
        bail!(
            "scale load failed with {}: {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let line = text
        .lines()
        .rev()
        .find(|line| line.starts_with("mode="))
        .context("the scale example printed no result line")?;
    Ok(Run(line
        .split_whitespace()
        .filter_map(|pair| pair.split_once('='))
        .map(|(key, value)| (key.to_owned(), value.to_owned()))
        .collect()))
}

fn print_table(plots: usize, rescan: &Run, restart: &Run) -> Result<()> {
    println!();
    println!("plot manager, {plots} plots (sparse k18 copies), release build, one process per row");
    println!();
    println!(
        "| {:<26} | {:>12} | {:>10} | {:>8} | {:>15} | {:>10} | {:>10} |",
        "run",
        "headers read",
        "from cache",
        "wall s",
        "next refresh s",
        "RSS B/plot",
        "peak B/plot"
    );
    println!(
        "|{}|{}|{}|{}|{}|{}|{}|",
        "-".repeat(28),
        "-".repeat(14),
        "-".repeat(12),
        "-".repeat(10),
        "-".repeat(17),
        "-".repeat(12),
        "-".repeat(13)
    );
    for (name, run) in [
        ("full rescan (no cache)", rescan),
        ("restart from the cache", restart),
    ] {
        println!(
            "| {:<26} | {:>12} | {:>10} | {:>8.3} | {:>15.3} | {:>10.0} | {:>11.0} |",
            name,
            run.get("headers_read")?,
            run.get("from_cache")?,
            run.get("seconds")?,
            run.get("periodic_seconds")?,
            run.bytes_per_plot(plots)?,
            run.peak_bytes_per_plot(plots)?,
        );
    }
    println!();
    let seconds = restart.get("seconds")?;
    let per_plot = restart.bytes_per_plot(plots)?;
    println!(
        "restart from the cache: {seconds:.3} s ({}; target < {TARGET_SECONDS} s), \
         {per_plot:.0} B/plot resident ({}; target < {TARGET_BYTES_PER_PLOT} B)",
        verdict(seconds < TARGET_SECONDS),
        verdict(per_plot < TARGET_BYTES_PER_PLOT),
    );
    println!(
        "full rescan / restart: {:.1}x; cache file {:.1} MB ({:.0} B/plot)",
        rescan.get("seconds")? / seconds,
        restart.get("cache_bytes")? / 1e6,
        restart.get("cache_bytes")? / plots as f64,
    );
    println!(
        "restart breakdown (measured separately, warm): scan {:.3} s, one stat per file {:.3} s, \
         cache file read and decoded {:.3} s",
        restart.get("scan_seconds")?,
        restart.get("stat_seconds")?,
        restart.get("cache_read_seconds")?,
    );
    Ok(())
}

fn verdict(ok: bool) -> &'static str {
    if ok { "ok" } else { "MISSED" }
}
