//! `sickle-farmer`: the farmer service on a simulated chain.
//!
//! ```text
//! sickle-farmer --root DIR --port P --keys FILE --status ADDR --sp-interval-ms N
//! ```
//!
//! Reads the chia root's `config.yaml` (network, overrides, targets, pool keys, certificates),
//! the key file, listens for harvesters and serves `/status` and `/metrics`. Stops on SIGINT or
//! SIGTERM after closing every connection.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use sickle_farmer::{
    ConfigOverrides, Farmer, FarmerConfig, FarmerKeys, FarmerService, PoolDifficultyEntry,
    RewardTargets, SimChain, SimChainConfig, decode_puzzle_hash, resolve_root, serve_status,
};
use sickle_peer::{ServerConfig, TlsSetup};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

/// Command-line flags; each overrides what the chia root's config says.
#[derive(Debug, Parser)]
#[command(
    name = "sickle-farmer",
    version,
    about = "Sickle farmer on a simulated chain"
)]
struct Args {
    /// Chia root (default: $CHIA_ROOT, else ~/.chia/mainnet).
    #[arg(long)]
    root: Option<PathBuf>,
    /// Port for harvesters (default: farmer.port, 8447).
    #[arg(long)]
    port: Option<u16>,
    /// Address to listen on for harvesters.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::UNSPECIFIED))]
    host: IpAddr,
    /// Key file: a 24-word mnemonic or a farmer secret key in hex.
    #[arg(long)]
    keys: PathBuf,
    /// Address for GET /status and /metrics (off if absent).
    #[arg(long)]
    status: Option<SocketAddr>,
    /// Milliseconds between simulated signage points (default: real time, 9375 on mainnet).
    #[arg(long)]
    sp_interval_ms: Option<u64>,
    /// Network id (default: farmer.selected_network); "sim" allows k >= 18 plots.
    #[arg(long)]
    network: Option<String>,
    /// Chain difficulty (default: DIFFICULTY_STARTING).
    #[arg(long)]
    difficulty: Option<u64>,
    /// Chain sub-slot iterations (default: SUB_SLOT_ITERS_STARTING; a multiple of 64).
    #[arg(long)]
    sub_slot_iters: Option<u64>,
    /// Peak height of the first signage point (picks the plot filter size).
    #[arg(long, default_value_t = 0)]
    start_height: u32,
    /// Zero bits of the v1 plot filter before fork reductions (NUMBER_ZERO_BITS_PLOT_FILTER_V1);
    /// harvesters must use the same value.
    #[arg(long)]
    filter_bits: Option<u8>,
    /// A pool difficulty sent with every signage point, as DIFFICULTY:PUZZLE_HASH_HEX
    /// (repeatable).
    #[arg(long = "pool-difficulty", value_parser = parse_pool_difficulty)]
    pool_difficulties: Vec<PoolDifficultyEntry>,
    /// Reward address for both targets when the config has none.
    #[arg(long)]
    xch_target_address: Option<String>,
    /// Most harvester connections at once.
    #[arg(long, default_value_t = 2000)]
    max_connections: usize,
}

/// A start-up failure, printed as `sickle-farmer: <message>`: every typed error below (config,
/// keys, certificates, sockets) ends here with its own context.
struct Failure(String);

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(error: E) -> Self {
        Failure(error.to_string())
    }
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("sickle-farmer: cannot start the runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(message)) => {
            eprintln!("sickle-farmer: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), Failure> {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let chia_root = std::env::var("CHIA_ROOT").ok();
    let root = resolve_root(args.root.as_deref(), chia_root.as_deref(), home.as_deref())?;
    let mut config = FarmerConfig::load(&root)?;
    config.apply(&ConfigOverrides {
        port: args.port,
        network: args.network.clone(),
    })?;
    let keys = FarmerKeys::from_file(&args.keys)?;
    let fallback = args
        .xch_target_address
        .as_deref()
        .map(decode_puzzle_hash)
        .transpose()?;
    let (Some(farmer_target), Some(pool_target)) = (
        config.farmer_target.or(fallback),
        config.pool_target.or(fallback),
    ) else {
        return Err(Failure(
            "farmer.xch_target_address and pool.xch_target_address must be set (chia's farmer \
             does not farm without them); or pass --xch-target-address"
                .to_owned(),
        ));
    };
    let tls = TlsSetup::from_files(
        &config.certs.private_ca_crt,
        &config.certs.private_crt,
        &config.certs.private_key,
    )?;

    if let Some(bits) = args.filter_bits {
        config.constants.number_zero_bits_plot_filter_v1 = bits;
    }
    let mut chain = SimChainConfig::new(config.constants.clone());
    chain.pool_difficulties.clone_from(&args.pool_difficulties);
    if let Some(difficulty) = args.difficulty {
        chain.difficulty = difficulty;
    }
    if let Some(sub_slot_iters) = args.sub_slot_iters {
        chain.sub_slot_iters = sub_slot_iters;
    }
    chain.start_height = args.start_height;
    chain.sp_interval = args.sp_interval_ms.map(Duration::from_millis);
    chain.seed = config.constants.genesis_challenge;
    let chain = SimChain::new(chain)?;

    let farmer = Farmer::new(
        config.constants.clone(),
        &config.network,
        keys,
        RewardTargets {
            farmer: farmer_target,
            pool: pool_target,
        },
    );
    tracing::info!(keys = ?farmer.keys(), network = %config.network, "farmer keys loaded");
    if config.pool_public_keys.is_empty() {
        // harvester-farmer §6.1: a harvester ignores signage points while either handshake list
        // is empty, exactly as with chia's farmer.
        tracing::warn!(
            "farmer.pool_public_keys is empty: harvesters will answer no signage points until \
             the config lists a pool public key"
        );
    }
    let service = FarmerService::new(
        &config.network,
        farmer,
        Box::new(chain),
        config.pool_public_keys.clone(),
    );

    let listener = TcpListener::bind(SocketAddr::new(args.host, config.port)).await?;
    let addr = listener.local_addr()?;
    let shutdown = CancellationToken::new();
    let mut tasks = Vec::new();
    let mut status_text = String::from("off");
    if let Some(status) = args.status {
        let status_listener = TcpListener::bind(status).await?;
        status_text = status_listener.local_addr()?.to_string();
        tasks.push(tokio::spawn(serve_status(
            status_listener,
            service.clone(),
            shutdown.clone(),
        )));
    }
    // One line on stdout for scripts and tests that start us on port 0.
    println!("sickle-farmer listening on {addr}, status on {status_text}");

    let server = ServerConfig {
        peer: FarmerService::peer_config(&config.network, addr.port()),
        max_connections: args.max_connections,
    };
    let signals = tokio::spawn(wait_for_signal(shutdown.clone()));
    service.run(listener, tls, server, shutdown.clone()).await;
    shutdown.cancel();
    signals.abort();
    for task in tasks {
        if let Err(err) = task.await {
            tracing::warn!(%err, "status task ended badly");
        }
    }
    tracing::info!("stopped");
    Ok(())
}

/// `DIFFICULTY:PUZZLE_HASH_HEX` → a pool difficulty entry.
fn parse_pool_difficulty(text: &str) -> Result<PoolDifficultyEntry, String> {
    let (difficulty, hash) = text
        .split_once(':')
        .ok_or_else(|| format!("{text:?}: expected DIFFICULTY:PUZZLE_HASH_HEX"))?;
    let difficulty = difficulty
        .parse()
        .map_err(|err| format!("difficulty {difficulty:?}: {err}"))?;
    let mut pool_contract_puzzle_hash = [0u8; 32];
    hex::decode_to_slice(hash, &mut pool_contract_puzzle_hash)
        .map_err(|err| format!("puzzle hash {hash:?}: {err}"))?;
    Ok(PoolDifficultyEntry {
        difficulty,
        pool_contract_puzzle_hash,
    })
}

async fn wait_for_signal(shutdown: CancellationToken) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = match signal(SignalKind::terminate()) {
            Ok(term) => term,
            Err(err) => {
                tracing::warn!(%err, "no SIGTERM handler; SIGINT only");
                let _ = tokio::signal::ctrl_c().await;
                shutdown.cancel();
                return;
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => tracing::info!("SIGINT: shutting down"),
            _ = term.recv() => tracing::info!("SIGTERM: shutting down"),
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
    shutdown.cancel();
}
