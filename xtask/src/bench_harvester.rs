//! `cargo xtask bench-harvester`: signage point response latency of chia 2.7.5's harvester and
//! Sickle's (release) on the same plots, driven by the same farmer, in one run. Target: Sickle
//! ≤ 0.1× chia's time.
//!
//! 1. Plots: copies of the k=18 solo fixture (or, with `--k`, of the solo plot `gen-plots --k`
//!    makes) with rewritten memo keys and plot ids (`xtask/py/bench_harvester_plots.py`), cached
//!    in `target/bench-harvester/plots` (1,000 k=18 plots ≈ 3.9 GB; one k=26 plot is 1.4 GB) and
//!    hard-linked into the run's plot directory, N at a time, then read once into page cache
//!    when they take at most half of the memory available (both harvesters then start alike).
//! 2. One chia root (`xtask/py/bench_harvester_setup.py`): testnet11 with the plot filter off
//!    (`NUMBER_ZERO_BITS_PLOT_FILTER_V1: 0`), so every plot is looked up at every signage point;
//!    its farmer peer is the driver. Both harvesters read this root.
//! 3. For each plot count, one driver (`crates/farmer/examples/bench_harvester_driver.rs`) and
//!    both harvesters: chia's (`xtask/py/interop_service.py harvester`, bound to 127.0.0.1) and
//!    `sickle-harvester --root`. Both sync their plots; then every signage point (one warm-up,
//!    `--sps` measured, seeded) goes to one harvester at a time while the other is idle, in
//!    alternating order, so load from elsewhere on the machine and the page cache affect both
//!    alike. Both are stopped by pid afterwards.
//!
//! Everything listens on and dials 127.0.0.1 only. The table and `target/bench-harvester.json`
//! give p50/p99/mean per harvester and plot count and the Sickle/chia ratio at p50. Missing the
//! target is reported, not an error; only a failure to run exits non-zero.

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::interop::{Service, TempDir, chia_env, free_ports, tail};
use crate::{cargo, venv};

/// How long a harvester may take to connect and sync its plots.
const SYNC_TIMEOUT_SECS: u64 = 600;
/// What the driver's defaults ask (reported in the JSON).
const DIFFICULTY: u64 = 1_000_000_000;
const SUB_SLOT_ITERS: u64 = 1 << 26;
/// Sickle/chia at p50 that issue #6 asks for.
const TARGET_RATIO: f64 = 0.1;

/// The two harvesters, in the order they run for each plot count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Harvester {
    Chia,
    Sickle,
}

impl Harvester {
    fn label(self) -> &'static str {
        match self {
            Harvester::Chia => "chia",
            Harvester::Sickle => "sickle",
        }
    }
}

/// One driver run: the driver's `RESULT` line as key/value pairs.
#[derive(Debug, Clone)]
struct RunResult {
    fields: Vec<(String, String)>,
}

impl RunResult {
    /// The `RESULT` line of `harvester` in the driver's output.
    fn parse(log: &str, harvester: Harvester) -> Option<Self> {
        let label = format!("label={} ", harvester.label());
        let line = log
            .lines()
            .rev()
            .filter_map(|l| l.strip_prefix("RESULT "))
            .find(|l| l.starts_with(&label))?;
        let fields = line
            .split_whitespace()
            .filter_map(|pair| pair.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        Some(RunResult { fields })
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn number(&self, key: &str) -> Result<f64> {
        let text = self
            .get(key)
            .with_context(|| format!("driver result has no {key}"))?;
        text.parse()
            .with_context(|| format!("driver result {key}={text:?} is not a number"))
    }

    /// The fields as a JSON object: numbers as numbers, `latencies_ms` as an array.
    fn to_json(&self) -> String {
        let values: Vec<String> = self
            .fields
            .iter()
            .map(|(key, value)| {
                let rendered = if key == "latencies_ms" {
                    format!("[{value}]")
                } else if value.parse::<f64>().is_ok() {
                    value.clone()
                } else {
                    json_string(value)
                };
                format!("{}: {rendered}", json_string(key))
            })
            .collect();
        format!("{{{}}}", values.join(", "))
    }
}

fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn parse_counts(plots: &str) -> Result<Vec<usize>> {
    let counts = plots
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| match s.parse::<usize>() {
            Ok(n) if (1..=9999).contains(&n) => Ok(n),
            _ => bail!("plot count {s:?} is not a number from 1 to 9999"),
        })
        .collect::<Result<Vec<_>>>()?;
    if counts.is_empty() {
        bail!("--plots needs at least one count");
    }
    Ok(counts)
}

/// Plot file name of cached plot `index` of size `k` (as `bench_harvester_plots.py` names it).
fn plot_name(k: u32, index: usize) -> String {
    format!("bench-k{k}-{index:04}.plot")
}

/// Empties `dir` and links the first `count` cached plots of size `k` into it.
fn link_plots(cache: &Path, dir: &Path, k: u32, count: usize) -> Result<()> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).with_context(|| format!("emptying {}", dir.display()))?;
    }
    std::fs::create_dir_all(dir)?;
    for index in 0..count {
        let name = plot_name(k, index);
        let (from, to) = (cache.join(&name), dir.join(&name));
        std::fs::hard_link(&from, &to)
            .with_context(|| format!("linking {} to {}", from.display(), to.display()))?;
    }
    Ok(())
}

/// `MemAvailable` of a `/proc/meminfo` text, in bytes.
fn mem_available(meminfo: &str) -> Option<u64> {
    let line = meminfo
        .lines()
        .find_map(|line| line.strip_prefix("MemAvailable:"))?;
    let kib = line.trim().strip_suffix("kB")?.trim().parse::<u64>().ok()?;
    kib.checked_mul(1024)
}

/// Whether `total` bytes of plots should be read into page cache: only when they take at most
/// half of the memory available, so reading them does not push out the rest of the machine.
fn fits_page_cache(total: u64, available: Option<u64>) -> bool {
    available.is_some_and(|available| total <= available / 2)
}

/// Reads every file of `dir` once, so that both harvesters start from plots in page cache (a
/// run right after another k's plots were written would otherwise give the first harvester the
/// disk reads). Skipped, and said, when the plots would not fit.
fn read_into_page_cache(dir: &Path) -> Result<()> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))? {
        let path = entry?.path();
        let len = std::fs::metadata(&path)?.len();
        files.push((path, len));
    }
    let total: u64 = files.iter().map(|(_, len)| len).sum();
    let available = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|text| mem_available(&text));
    let gib = |bytes: u64| bytes as f64 / f64::from(1u32 << 30);
    if !fits_page_cache(total, available) {
        eprintln!(
            "xtask bench-harvester: {:.1} GiB of plots is more than half of the memory available \
             ({:.1} GiB); not reading them into page cache first",
            gib(total),
            gib(available.unwrap_or(0))
        );
        return Ok(());
    }
    let started = std::time::Instant::now();
    for (path, _) in &files {
        let mut file =
            std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
        std::io::copy(&mut file, &mut std::io::sink())
            .with_context(|| format!("reading {}", path.display()))?;
    }
    eprintln!(
        "xtask bench-harvester: read {:.1} GiB of plots into page cache in {:.1} s",
        gib(total),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Everything one run needs.
struct Bench<'a> {
    python: &'a Path,
    workspace: &'a Path,
    tmp: &'a Path,
    chia_root: PathBuf,
    driver_bin: PathBuf,
    harvester_bin: PathBuf,
    driver_port: u16,
    sps: usize,
    seed: u64,
}

impl Bench<'_> {
    fn chia_env(&self, command: &mut Command) {
        chia_env(command, self.tmp, &self.chia_root);
    }

    /// Both harvesters against one driver with `plots` plots in the plot directory; returns
    /// (chia, sickle).
    fn run(&self, plots: usize) -> Result<(RunResult, RunResult)> {
        let mut command = Command::new(&self.driver_bin);
        command
            .arg("--root")
            .arg(&self.chia_root)
            .args(["--port", &self.driver_port.to_string()])
            .args(["--plots", &plots.to_string()])
            .args(["--harvesters", "2"])
            .args(["--sps", &self.sps.to_string()])
            .args(["--seed", &self.seed.to_string()])
            .args(["--difficulty", &DIFFICULTY.to_string()])
            .args(["--sub-slot-iters", &SUB_SLOT_ITERS.to_string()])
            .args(["--sync-timeout", &SYNC_TIMEOUT_SECS.to_string()]);
        let driver_log = self.tmp.join(format!("driver-{plots}.log"));
        let mut driver = Service::spawn("bench driver", command, driver_log)?;
        driver.wait_for_port(SocketAddr::from(([127, 0, 0, 1], self.driver_port)))?;

        let mut command = Command::new(self.python);
        command
            .arg(self.workspace.join("xtask/py/interop_service.py"))
            .arg("harvester");
        self.chia_env(&mut command);
        let chia_log = self.tmp.join(format!("harvester-chia-{plots}.log"));
        let chia = Service::spawn("chia harvester", command, chia_log)?;
        let mut command = Command::new(&self.harvester_bin);
        command.arg("--root").arg(&self.chia_root);
        // Extra flags for experiments, e.g. SICKLE_BENCH_HARVESTER_ARGS="--num-threads 2".
        if let Ok(extra) = std::env::var("SICKLE_BENCH_HARVESTER_ARGS") {
            command.args(extra.split_whitespace());
        }
        self.chia_env(&mut command);
        let sickle_log = self.tmp.join(format!("harvester-sickle-{plots}.log"));
        let sickle = Service::spawn("sickle harvester", command, sickle_log)?;

        // Sync, the warm-up, the measured signage points, and the pacing (25 per minute).
        let limit = Duration::from_secs(SYNC_TIMEOUT_SECS + 60 + 300 * (self.sps as u64 + 1));
        let status = driver.wait_exit(limit);
        let logs = [chia.log.clone(), sickle.log.clone()];
        drop(chia);
        drop(sickle);
        let status = status?;
        let log = std::fs::read_to_string(&driver.log).unwrap_or_default();
        match (
            RunResult::parse(&log, Harvester::Chia),
            RunResult::parse(&log, Harvester::Sickle),
        ) {
            (Some(chia), Some(sickle)) if status.success() => Ok((chia, sickle)),
            _ => bail!(
                "{plots} plots: driver exited with {status}; driver log:\n{}\nchia harvester log:\n{}\nsickle harvester log:\n{}",
                tail(&driver.log),
                tail(&logs[0]),
                tail(&logs[1])
            ),
        }
    }
}

/// Runs the whole benchmark.
pub fn run(plots: &str, k: u32, sps: usize, seed: u64) -> Result<()> {
    let counts = parse_counts(plots)?;
    if sps == 0 {
        bail!("--sps must be at least 1");
    }
    let max = counts.iter().copied().max().unwrap_or(1);
    let python = venv::ensure()?;
    let workspace = venv::workspace_root();
    let target = cargo::target_dir();

    eprintln!("xtask bench-harvester: building sickle-harvester and the driver (release)");
    cargo::build(&[
        "--release",
        "-p",
        "sickle-harvester",
        "--bin",
        "sickle-harvester",
    ])?;
    cargo::build(&[
        "--release",
        "-p",
        "sickle-farmer",
        "--example",
        "bench_harvester_driver",
    ])?;

    let bench_dir = target.join("bench-harvester");
    let cache = bench_dir.join("plots");
    eprintln!(
        "xtask bench-harvester: {max} plots in {} (made once, then reused)",
        cache.display()
    );
    let source = crate::pos::plot_path(k);
    if !source.exists() {
        crate::pos::gen_plots(Some(&k.to_string()))?;
    }
    let max_text = max.to_string();
    venv::run_script(
        &python,
        "bench_harvester_plots.py",
        &[
            &source.display().to_string(),
            &cache.display().to_string(),
            &max_text,
        ],
    )?;

    // Inside target/ so the plot directory can hard-link the cached plots.
    let mut tmp = TempDir {
        path: bench_dir.join(format!("run-{}", std::process::id())),
        keep: true,
    };
    std::fs::create_dir_all(&tmp.path)?;
    let result = measure(
        &python, &workspace, &target, &tmp.path, &cache, k, &counts, sps, seed,
    );
    tmp.keep = result.is_err();
    let rows = result?;
    report(&rows, k, sps, seed, &target.join("bench-harvester.json"))
}

/// Measures every plot count; returns (plots, chia, sickle) per count.
#[allow(clippy::too_many_arguments)]
fn measure(
    python: &Path,
    workspace: &Path,
    target: &Path,
    tmp: &Path,
    cache: &Path,
    k: u32,
    counts: &[usize],
    sps: usize,
    seed: u64,
) -> Result<Vec<(usize, RunResult, RunResult)>> {
    let chia_root = tmp.join("chia-root");
    let plot_dir = tmp.join("plots");
    let ports = free_ports(2)?;
    let [driver_port, spare_port] = ports[..] else {
        bail!("expected two ports");
    };
    let bench = Bench {
        python,
        workspace,
        tmp,
        chia_root,
        driver_bin: target.join("release/examples/bench_harvester_driver"),
        harvester_bin: target.join("release/sickle-harvester"),
        driver_port,
        sps,
        seed,
    };
    let mut setup = Command::new(python);
    setup
        .arg(workspace.join("xtask/py/bench_harvester_setup.py"))
        .arg(&bench.chia_root)
        .arg(driver_port.to_string())
        .arg(&plot_dir)
        .arg(spare_port.to_string());
    bench.chia_env(&mut setup);
    let output = setup.output().context("running bench_harvester_setup.py")?;
    if !output.status.success() {
        bail!(
            "bench_harvester_setup.py failed with {}:\n{}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }

    let mut rows = Vec::new();
    for &plots in counts {
        link_plots(cache, &plot_dir, k, plots)?;
        read_into_page_cache(&plot_dir)?;
        eprintln!(
            "xtask bench-harvester: {plots} plots, chia and sickle harvesters, {sps} signage points each"
        );
        let (chia, sickle) = bench.run(plots)?;
        for result in [&chia, &sickle] {
            eprintln!(
                "xtask bench-harvester:   {}: p50 {} ms, p99 {} ms",
                result.get("label").unwrap_or("?"),
                result.get("p50_ms").unwrap_or("?"),
                result.get("p99_ms").unwrap_or("?"),
            );
        }
        rows.push((plots, chia, sickle));
    }
    Ok(rows)
}

/// Prints the table and writes the JSON summary.
fn report(
    rows: &[(usize, RunResult, RunResult)],
    k: u32,
    sps: usize,
    seed: u64,
    json: &Path,
) -> Result<()> {
    println!(
        "\nbench-harvester: k={k} plots, signage point sent -> farming_info received, {sps} signage \
         points per run after 1 warm-up, plot filter off, no full proofs (difficulty {DIFFICULTY})"
    );
    println!(
        "{:>6} | {:>10} {:>10} {:>10} | {:>10} {:>10} {:>10} | {:>12} | {:>6}",
        "plots",
        "chia p50",
        "chia p99",
        "chia mean",
        "sickle p50",
        "sickle p99",
        "sickle mean",
        "sickle/chia",
        "proofs"
    );
    let mut entries = Vec::new();
    for (plots, chia, sickle) in rows {
        let ratio = sickle.number("p50_ms")? / chia.number("p50_ms")?;
        println!(
            "{plots:>6} | {:>7.2} ms {:>7.2} ms {:>7.2} ms | {:>7.2} ms {:>7.2} ms {:>7.2} ms | {:>11.3}x | {:>2.0}/{:<3.0}",
            chia.number("p50_ms")?,
            chia.number("p99_ms")?,
            chia.number("mean_ms")?,
            sickle.number("p50_ms")?,
            sickle.number("p99_ms")?,
            sickle.number("mean_ms")?,
            ratio,
            chia.number("proofs")?,
            sickle.number("proofs")?,
        );
        let met = ratio <= TARGET_RATIO;
        entries.push(format!(
            "{{\"plots\": {plots}, \"ratio_p50\": {ratio:.4}, \"target_met\": {met}, \"chia\": {}, \"sickle\": {}}}",
            chia.to_json(),
            sickle.to_json()
        ));
    }
    let worst = rows
        .iter()
        .map(|(_, chia, sickle)| Ok(sickle.number("p50_ms")? / chia.number("p50_ms")?))
        .collect::<Result<Vec<f64>>>()?
        .into_iter()
        .fold(0.0_f64, f64::max);
    println!(
        "target sickle/chia <= {TARGET_RATIO} at p50: {} (worst ratio {worst:.3})",
        if worst <= TARGET_RATIO {
            "met"
        } else {
            "not met"
        }
    );
    let text = format!(
        "{{\"benchmark\": \"bench-harvester\", \"reference\": {}, \"measure\": \"new_signage_point_harvester sent -> farming_info received, milliseconds\", \"sps\": {sps}, \"warm_up_sps\": 1, \"seed\": {seed}, \"difficulty\": {DIFFICULTY}, \"sub_slot_iters\": {SUB_SLOT_ITERS}, \"plot_filter_bits\": 0, \"k\": {k}, \"target_ratio_p50\": {TARGET_RATIO}, \"results\": [{}]}}\n",
        json_string(venv::CHIA_BLOCKCHAIN),
        entries.join(", ")
    );
    std::fs::write(json, text).with_context(|| format!("writing {}", json.display()))?;
    println!("wrote {}", json.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_checked() {
        assert_eq!(parse_counts("1, 100,1000").ok(), Some(vec![1, 100, 1000]));
        assert!(parse_counts("").is_err());
        assert!(parse_counts("0").is_err());
        assert!(parse_counts("ten").is_err());
    }

    #[test]
    fn plots_are_read_into_page_cache_only_when_they_fit() {
        let meminfo =
            "MemTotal:       24000000 kB\nMemFree:  100 kB\nMemAvailable:   20000000 kB\n";
        let available = mem_available(meminfo);
        assert_eq!(available, Some(20_000_000 * 1024));
        assert!(fits_page_cache(4 << 30, available));
        assert!(!fits_page_cache(14 << 30, available));
        assert!(!fits_page_cache(1, mem_available("MemTotal: 1 kB\n")));
        assert_eq!(mem_available("MemAvailable: lots kB\n"), None);
    }

    #[test]
    fn result_line_becomes_json() {
        let log = "noise\nRESULT label=chia plots=2 p50_ms=1.500 latencies_ms=1.000,2.000\n";
        let result = RunResult::parse(log, Harvester::Chia).expect("a result line");
        assert_eq!(result.number("p50_ms").ok(), Some(1.5));
        assert_eq!(
            result.to_json(),
            r#"{"label": "chia", "plots": 2, "p50_ms": 1.500, "latencies_ms": [1.000,2.000]}"#
        );
        assert!(RunResult::parse(log, Harvester::Sickle).is_none());
    }
}
