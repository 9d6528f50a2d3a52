//! The plot manager at scale: many sparse plot files, a full rescan and a restart from the header
//! cache, with this process's own resident memory. `cargo xtask bench-harvester-scale` runs it
//! (release build) and prints the table; it can also be run by hand:
//!
//! ```text
//! scale generate --dir DIR --plots N          # N sparse copies of the k18 fixture's header
//! scale load --dir DIR --cache FILE --fresh   # full rescan: every header read, cache written
//! scale load --dir DIR --cache FILE           # restart: every header from the cache
//! ```
//!
//! Each generated file is the header of `k18-contract.plot` with a different pool contract
//! puzzle hash in its memo and the plot id recomputed from it as `sickle-pos` does
//! (`sha256(puzzle hash ‖ plot public key)`), so every header is distinct and valid; the rest of
//! the file is a hole (`set_len` to the fixture's size). Varying the puzzle hash rather than the
//! local key keeps generation to one SHA-256 per plot instead of four hardened key derivations.
//! `load` prints one `key=value` line.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use clap::{Parser, Subcommand};
use sha2::{Digest, Sha256};
use sickle_harvester::plot_manager::{FarmerKeys, PlotManager, open_file};
use sickle_harvester::scan::ScanSettings;
use sickle_pos::keys::plot_id_for_contract;
use sickle_pos::{Plot, PoolTarget};

/// Where the plot id and the memo sit in a v1 header with a 112-byte memo.
const ID_AT: usize = 19;
const MEMO_AT: usize = 19 + 32 + 1 + 2 + 4 + 2;

#[derive(Debug, Parser)]
#[command(about = "The plot manager with many sparse plots")]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write N sparse plot files into DIR (kept if DIR already has exactly these N).
    Generate {
        #[arg(long)]
        dir: PathBuf,
        #[arg(long)]
        plots: usize,
    },
    /// Refresh a plot manager over DIR once and report time and resident memory.
    Load {
        #[arg(long)]
        dir: PathBuf,
        #[arg(long)]
        cache: PathBuf,
        /// Delete the cache first: a full rescan that reads every header.
        #[arg(long)]
        fresh: bool,
        /// Header-reading threads (the harvester uses num_threads, 30 by default).
        #[arg(long, default_value_t = 30)]
        threads: usize,
    },
}

type Error = Box<dyn std::error::Error>;

fn main() -> ExitCode {
    let args = Args::parse();
    let result = match args.command {
        Command::Generate { dir, plots } => generate(&dir, plots),
        Command::Load {
            dir,
            cache,
            fresh,
            threads,
        } => load(&dir, &cache, fresh, threads),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn fixture() -> PathBuf {
    sickle_vectors::data_dir().join("plots/k18-contract.plot")
}

fn marker(dir: &Path, plots: usize) -> PathBuf {
    dir.join(format!(".sickle-scale-{plots}"))
}

fn generate(dir: &Path, plots: usize) -> Result<(), Error> {
    if marker(dir, plots).exists() {
        println!("reusing {plots} plots in {}", dir.display());
        return Ok(());
    }
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    std::fs::create_dir_all(dir)?;
    let started = Instant::now();
    let bytes = std::fs::read(fixture())?;
    let file_size = bytes.len() as u64;
    let plot = Plot::open(bytes.as_slice())?;
    let header_len = usize::try_from(plot.header().header_len)?;
    let PoolTarget::ContractPuzzleHash(_) = plot.memo().pool() else {
        return Err("the fixture is not a plot NFT plot".into());
    };
    let header = bytes
        .get(..header_len)
        .ok_or("fixture shorter than its header")?;
    if header.get(MEMO_AT..MEMO_AT + 112) != Some(plot.header().memo.as_slice()) {
        return Err("unexpected header layout".into());
    }
    let plot_public_key = *plot.plot_public_key();
    let mut copy = header.to_vec();
    for index in 0..plots {
        let puzzle_hash: [u8; 32] = Sha256::new()
            .chain_update(b"sickle harvester scale")
            .chain_update((index as u64).to_be_bytes())
            .finalize()
            .into();
        let plot_id = plot_id_for_contract(&puzzle_hash, &plot_public_key);
        copy[ID_AT..ID_AT + 32].copy_from_slice(&plot_id);
        copy[MEMO_AT..MEMO_AT + 32].copy_from_slice(&puzzle_hash);
        // A chia-style name: the id makes it unique, and about as long as a real one.
        let name = format!("plot-k18-2025-01-01-00-00-{}.plot", hex::encode(plot_id));
        let mut file = File::create(dir.join(name))?;
        file.write_all(&copy)?;
        file.set_len(file_size)?;
    }
    // The first copy must open like a plot (the full rescan checks them all).
    let first = std::fs::read_dir(dir)?
        .next()
        .ok_or("no plot written")??
        .path();
    Plot::open(File::open(&first)?)?;
    File::create(marker(dir, plots))?;
    println!(
        "generated {plots} plots in {:.2} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `VmRSS` and `VmHWM` of this process in KiB.
fn memory_kib() -> Result<(u64, u64), Error> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    let field = |name: &str| -> Result<u64, Error> {
        let line = status
            .lines()
            .find(|line| line.starts_with(name))
            .ok_or_else(|| format!("no {name} in /proc/self/status"))?;
        let value = line
            .split_whitespace()
            .nth(1)
            .ok_or_else(|| format!("bad {name} line"))?;
        Ok(value.parse()?)
    };
    Ok((field("VmRSS:")?, field("VmHWM:")?))
}

fn load(dir: &Path, cache: &Path, fresh: bool, threads: usize) -> Result<(), Error> {
    if fresh && cache.exists() {
        std::fs::remove_file(cache)?;
    }
    let fixture = Plot::open(File::open(fixture())?)?;
    let keys = FarmerKeys {
        farmer_public_keys: vec![*fixture.memo().farmer_public_key()],
        pool_public_keys: Vec::new(),
    };
    drop(fixture);
    let scan = ScanSettings {
        directories: vec![std::fs::canonicalize(dir)?],
        recursive: false,
        follow_links: false,
    };
    let mut manager = PlotManager::new(
        scan,
        300,
        Duration::from_secs(1200),
        threads,
        Arc::new(open_file),
    )
    .with_cache(cache.to_path_buf());
    manager.set_keys(keys);

    let (rss_before, _) = memory_kib()?;
    let started = Instant::now();
    let result = manager.refresh(SystemTime::now());
    let seconds = started.elapsed().as_secs_f64();
    let (loaded, read, from_cache) = (
        result.loaded().count(),
        result.headers_read,
        result.headers_from_cache,
    );
    drop(result);
    let (rss_after, hwm) = memory_kib()?;

    // The periodic refresh that follows: nothing changed.
    let started = Instant::now();
    let again = manager.refresh(SystemTime::now());
    let periodic = started.elapsed().as_secs_f64();
    if again.loaded().count() != 0 || !again.removed.is_empty() {
        return Err("the second refresh changed something".into());
    }
    let cache_bytes = std::fs::metadata(cache).map_or(0, |meta| meta.len());
    let failed = manager.failed_to_open().count();
    let keys_missing = manager.keys_missing().len();
    drop(manager);

    // Where a refresh's time goes: the directory scan alone, a stat of every file, the cache file.
    let started = Instant::now();
    let files = sickle_harvester::scan::find_plot_files(&ScanSettings {
        directories: vec![std::fs::canonicalize(dir)?],
        recursive: false,
        follow_links: false,
    });
    let scan_seconds = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let stats = files
        .iter()
        .filter(|path| std::fs::metadata(path).is_ok())
        .count();
    let stat_seconds = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let entries = sickle_harvester::plot_cache::load(cache)?.len();
    let cache_read_seconds = started.elapsed().as_secs_f64();
    if stats != files.len() || entries != files.len() {
        return Err(format!(
            "{} files, {stats} stats, {entries} cache entries",
            files.len()
        )
        .into());
    }

    println!(
        "mode={} loaded={loaded} headers_read={read} from_cache={from_cache} seconds={seconds:.3} \
         periodic_seconds={periodic:.3} rss_before_kib={rss_before} rss_after_kib={rss_after} \
         hwm_kib={hwm} cache_bytes={cache_bytes} failed={failed} keys_missing={keys_missing} \
         scan_seconds={scan_seconds:.3} stat_seconds={stat_seconds:.3} \
         cache_read_seconds={cache_read_seconds:.3}",
        if fresh { "rescan" } else { "cache" },
    );
    Ok(())
}
