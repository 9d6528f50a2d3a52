//! `sickle-harvester`: the Sickle harvester binary.
//!
//! `sickle-harvester --root DIR` farms for the farmer(s) the root's config names: it dials them
//! over mutual TLS with the root's private CA and harvester certificate, redials forever, and
//! stops on SIGINT/SIGTERM after in-flight signage points are answered.
//!
//! Plot headers are cached in `ROOT/cache/sickle_harvester_plots.dat` (`--plot-cache FILE` moves
//! it, `--no-plot-cache` turns it off), so a restart farms many plots within seconds.
//!
//! Each lookup opens its plot's file, as chia's harvester does. `--open-plot-files N` lets up to N
//! plots keep theirs open between lookups (the open-file limit is raised to its hard limit, and
//! N is capped 1024 below it); a deleted plot's space is then freed at the next refresh.
//!
//! `--check` instead scans the plot directories and opens every plot header, printing one line
//! per file, and exits 1 if any file fails to open (it never uses the cache).

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use sickle_harvester::config::{
    ConfigOverrides, FarmerPeer, HarvesterConfig, parse_farmer_peer, resolve_root,
};
use sickle_harvester::farmer_link::Harvester;
use sickle_harvester::metrics::serve_metrics;
use sickle_harvester::plot_manager::{PlotManager, open_file};
use sickle_harvester::scan::{ScanSettings, find_plot_files};
use sickle_harvester::service::run;
use sickle_harvester::signage::LookupLimits;
use sickle_peer::{PeerConfig, TlsSetup};
use sickle_pos::{Plot, PoolTarget};
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

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
    /// Serve Prometheus metrics on this address (e.g. 127.0.0.1:9560); off by default.
    #[arg(long)]
    metrics: Option<std::net::SocketAddr>,
    /// Per-plot lookup deadline in milliseconds; a slower plot is skipped for that signage point.
    #[arg(long, default_value_t = 8000)]
    lookup_deadline_ms: u64,
    /// The plot header cache file (default: ROOT/cache/sickle_harvester_plots.dat).
    #[arg(long, value_name = "FILE", conflicts_with = "no_plot_cache")]
    plot_cache: Option<PathBuf>,
    /// Keep no plot header cache: every start reads every plot header from disk.
    #[arg(long)]
    no_plot_cache: bool,
    /// Plot files lookups may keep open between signage points (default 0: open the file for
    /// every lookup). Saves about 3 µs per lookup; a deleted plot's space is freed at the next
    /// refresh instead of at once.
    #[arg(long, value_name = "N", default_value_t = 0)]
    open_plot_files: usize,
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
        plot_cache: args.plot_cache,
        no_plot_cache: args.no_plot_cache,
    });
    init_tracing(&config.log_level);
    if args.check {
        return check(&config);
    }
    let open_plot_files = match args.open_plot_files {
        0 => 0,
        wanted => open_file_budget(wanted),
    };
    let tls = match TlsSetup::from_files(
        &config.certs.private_ca_crt,
        &config.certs.private_crt,
        &config.certs.private_key,
    ) {
        Ok(tls) => tls,
        Err(error) => {
            eprintln!("error: harvester certificates: {error}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the runtime: {error}");
            return ExitCode::from(2);
        }
    };
    let deadline = Duration::from_millis(args.lookup_deadline_ms);
    runtime.block_on(farm(config, tls, deadline, args.metrics, open_plot_files))
}

async fn farm(
    config: HarvesterConfig,
    tls: TlsSetup,
    deadline: Duration,
    metrics: Option<std::net::SocketAddr>,
    open_plot_files: usize,
) -> ExitCode {
    let scan = ScanSettings {
        directories: config.plot_directories.clone(),
        recursive: config.recursive_plot_scan,
        follow_links: config.recursive_follow_links,
    };
    let mut manager = PlotManager::new(
        scan,
        config.refresh.batch_size,
        Duration::from_secs(config.refresh.retry_invalid_seconds),
        config.num_threads,
        Arc::new(open_file),
    );
    if let Some(path) = &config.plot_cache {
        manager = manager.with_cache(path.clone());
    }
    if open_plot_files > 0 {
        manager = manager.keep_files_open(open_plot_files);
    }
    tracing::debug!(open_plot_files, "plot files lookups may keep open");
    let limits = LookupLimits {
        concurrency: Arc::new(Semaphore::new(config.num_threads)),
        deadline,
    };
    let harvester = Harvester::new(
        config.constants.clone(),
        manager,
        limits,
        config.refresh.batch_size,
    );
    let shutdown = CancellationToken::new();
    let signals = shutdown.clone();
    tokio::spawn(async move {
        wait_for_signal().await;
        tracing::info!("shutting down");
        signals.cancel();
    });
    if let Some(address) = metrics {
        let listener = match tokio::net::TcpListener::bind(address).await {
            Ok(listener) => listener,
            Err(error) => {
                eprintln!("error: cannot listen for metrics on {address}: {error}");
                return ExitCode::from(2);
            }
        };
        let source = Arc::clone(&harvester);
        let render = Arc::new(move || source.metrics.render(&source.plots.snapshot()));
        tokio::spawn(serve_metrics(listener, render, shutdown.clone()));
    }
    tracing::info!(farmers = ?config.farmer_peers, network = %config.network, "harvester starting");
    run(
        harvester,
        config.farmer_peers.clone(),
        tls,
        peer_config(&config.network),
        Duration::from_secs(config.refresh.interval_seconds.max(1)),
        shutdown,
    )
    .await;
    ExitCode::SUCCESS
}

/// chia's `NodeType.HARVESTER`.
const HARVESTER_NODE_TYPE: u8 = 2;

async fn wait_for_signal() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut stream) => {
                stream.recv().await;
            }
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    tokio::select! {
        result = tokio::signal::ctrl_c() => {
            if let Err(error) = result {
                tracing::warn!(%error, "cannot listen for SIGINT");
                std::future::pending::<()>().await;
            }
        }
        () = terminate => {}
    }
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

/// chia's client settings for a harvester, with every inbound harvester-link payload strictly
/// decoded before delivery (a farmer's malformed message closes the link with 1002, as in chia).
fn peer_config(network: &str) -> PeerConfig {
    let mut peer = PeerConfig::new(network, HARVESTER_NODE_TYPE, 0);
    peer.payload_check = Some(sickle_peer::harvester_link_check);
    peer
}

/// Open-file descriptors kept for everything but plot files: sockets, scans, the header cache,
/// logs.
const RESERVED_FILES: u64 = 1024;

/// `wanted` plot files to keep open, within the process's open-file limit (first raised to its
/// hard limit, as Go programs do) less [`RESERVED_FILES`]; none if the limit cannot be read.
fn open_file_budget(wanted: usize) -> usize {
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) => {
            let room = usize::try_from(limit.saturating_sub(RESERVED_FILES)).unwrap_or(usize::MAX);
            if wanted > room {
                eprintln!(
                    "warning: --open-plot-files {wanted} lowered to {room}: the open-file limit is {limit}"
                );
            }
            wanted.min(room)
        }
        Err(error) => {
            eprintln!(
                "warning: cannot read the open-file limit ({error}); plot files are opened per lookup"
            );
            0
        }
    }
}
