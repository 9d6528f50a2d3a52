//! `sickle-harvester`: the Sickle harvester binary.
//!
//! `sickle-harvester --root DIR --check` reads the root's configuration, scans the plot
//! directories and opens every plot header, printing one line per file, and exits 1 if any
//! file fails to open. Dialling the farmer is not wired up yet: it needs `sickle-protocol`'s
//! message types, which have not landed; without `--check` the binary says so and exits 2.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use sickle_harvester::config::{
    ConfigOverrides, FarmerPeer, HarvesterConfig, parse_farmer_peer, resolve_root,
};
use sickle_harvester::plot_manager::open_file;
use sickle_harvester::scan::{ScanSettings, find_plot_files};
use sickle_pos::{Plot, PoolTarget};

/// Command-line flags; they override the root's `config.yaml`.
#[derive(Debug, Parser)]
#[command(name = "sickle-harvester", version, about = "The Sickle harvester")]
struct Args {
    /// The chia root (default: $CHIA_ROOT, else ~/.chia/mainnet).
    #[arg(long)]
    root: Option<PathBuf>,
    /// A farmer to dial, HOST:PORT (repeatable; replaces harvester.farmer_peers).
    #[arg(long = "farmer", value_parser = parse_peer)]
    farmers: Vec<FarmerPeer>,
    /// A plot directory (repeatable; replaces harvester.plot_directories).
    #[arg(long = "plot-dir")]
    plot_dirs: Vec<PathBuf>,
    /// Log level (chia's names or tracing's).
    #[arg(long)]
    log_level: Option<String>,
    /// Concurrent plot lookups (harvester.num_threads).
    #[arg(long)]
    num_threads: Option<usize>,
    /// Open every plot header, print one line per file, and exit.
    #[arg(long)]
    check: bool,
}

fn parse_peer(text: &str) -> Result<FarmerPeer, String> {
    parse_farmer_peer(text).ok_or_else(|| format!("expected HOST:PORT, got {text:?}"))
}

fn main() -> ExitCode {
    let args = Args::parse();
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let chia_root = std::env::var("CHIA_ROOT").ok();
    let root = match resolve_root(args.root.as_deref(), chia_root.as_deref(), home.as_deref()) {
        Ok(root) => root,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    let mut config = match HarvesterConfig::load(&root) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    config.apply(&ConfigOverrides {
        farmer_peers: args.farmers,
        plot_directories: args.plot_dirs,
        log_level: args.log_level,
        num_threads: args.num_threads,
    });
    init_tracing(&config.log_level);
    if args.check {
        return check(&config);
    }
    eprintln!(
        "error: farming is not available in this build yet (the farmer link waits for \
         sickle-protocol); use --check to scan and open the plots of {}",
        root.display()
    );
    ExitCode::from(2)
}

/// chia's level names mapped onto tracing's.
fn init_tracing(level: &str) {
    let level = match level.to_ascii_uppercase().as_str() {
        "CRITICAL" | "ERROR" => "error",
        "WARNING" | "WARN" => "warn",
        "INFO" => "info",
        "DEBUG" | "NOTSET" => "debug",
        "TRACE" => "trace",
        _ => "warn",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

fn check(config: &HarvesterConfig) -> ExitCode {
    let files = find_plot_files(&ScanSettings {
        directories: config.plot_directories.clone(),
        recursive: config.recursive_plot_scan,
        follow_links: config.recursive_follow_links,
    });
    let mut failed = 0usize;
    for path in &files {
        let opened = open_file(path)
            .map_err(|error| error.to_string())
            .and_then(|reader| Plot::open(reader).map_err(|error| error.to_string()));
        match opened {
            Ok(plot) => {
                let pool = match plot.memo().pool() {
                    PoolTarget::PublicKey(_) => "solo",
                    PoolTarget::ContractPuzzleHash(_) => "plot-nft",
                };
                println!(
                    "ok {} k={} id={} pool={pool}",
                    path.display(),
                    plot.k(),
                    hex::encode(plot.plot_id())
                );
            }
            Err(reason) => {
                failed += 1;
                println!("failed {}: {reason}", path.display());
            }
        }
    }
    println!(
        "{} plot files, {} opened, {failed} failed",
        files.len(),
        files.len() - failed
    );
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
