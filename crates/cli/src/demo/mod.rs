//! `sickle demo`: a whole farm on loopback in one process, with no setup and no network.
//!
//! ```text
//! temp dir ─► private CA + farmer/harvester certificates, the fixture plots (farm.rs)
//! FarmerService (sim network: filter off, difficulty 1, fast SPs) on 127.0.0.1:0
//!    ▲ mutual TLS (sickle-peer)
//! N × sickle-harvester service, each with its own certificate, all farming the same plots
//! live view (view.rs): one line per signage point from the services' own counters
//! Ctrl-C / SIGTERM / --duration ─► no more signage points, a pause for the last one's work,
//!                                  harvesters stop, then the farmer, then the temp dir goes
//! ```
//!
//! The services are the same libraries the `sickle-farmer` and `sickle-harvester` binaries run;
//! only their configuration comes from here instead of a chia root.

mod farm;
mod view;

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use sickle_farmer::{
    Farmer, FarmerService, RewardTargets, SIM_NETWORK, SimChain, SimChainConfig,
    constants_for_network, fingerprint,
};
use sickle_harvester::config::{FarmerPeer, RefreshParameters};
use sickle_harvester::farmer_link::Harvester;
use sickle_harvester::plot_manager::{PlotManager, open_file};
use sickle_harvester::scan::ScanSettings;
use sickle_harvester::signage::LookupLimits;
use sickle_peer::handshake::node_type;
use sickle_peer::{PeerConfig, ServerConfig};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::CmdResult;
use view::{ObservedChain, Totals};

/// Most harvesters `--harvesters` accepts (each gets its own RSA-2048 certificate).
pub const MAX_HARVESTERS: usize = 100;
/// How long the harvesters get to connect before the demo gives up.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);
/// How long stopping may take before the demo stops waiting.
const STOP_TIMEOUT: Duration = Duration::from_secs(10);
/// The interval the farmer service's own ticker gets: longer than any demo.
const IDLE_TICKER: Duration = Duration::from_secs(7 * 24 * 3600);
/// Bounds of the pause between the last signage point and closing the links.
const DRAIN_MIN: Duration = Duration::from_millis(500);
const DRAIN_MAX: Duration = Duration::from_secs(2);
/// Per-plot lookup deadline, as `sickle-harvester`'s default.
const LOOKUP_DEADLINE: Duration = Duration::from_secs(8);

/// `sickle demo` flags.
#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Stop after this many seconds (default: run until Ctrl-C).
    #[arg(long, value_name = "SECONDS")]
    duration: Option<u64>,
    /// Farm the plots in DIR instead of the two bundled k=18 plots (read in place, not copied).
    #[arg(long, value_name = "DIR")]
    plots: Option<PathBuf>,
    /// A key file (24-word mnemonic) for --plots made with your own keys.
    #[arg(long, value_name = "FILE")]
    keys: Option<PathBuf>,
    /// Number of harvesters, each with its own certificate, all farming the same plots.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=MAX_HARVESTERS as i64))]
    harvesters: u16,
    /// Milliseconds between signage points.
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u64).range(50..=600_000))]
    sp_interval_ms: u64,
    /// Keep the farm directory instead of removing it at the end.
    #[arg(long)]
    keep: bool,
    /// Also print the final summary as one JSON object on the last line.
    #[arg(long)]
    json: bool,
}

/// Runs the demo until `--duration`, Ctrl-C or SIGTERM.
pub fn run(args: DemoArgs) -> CmdResult {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    // A second subscriber (never in this binary) would only lose the demo's log lines.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|err| format!("cannot start the runtime: {err}"))?;
    let result = runtime.block_on(demo(args));
    // Lookups run on the blocking pool; do not wait forever for one stuck on a disk.
    runtime.shutdown_timeout(STOP_TIMEOUT);
    result
}

/// Why the demo stopped.
enum Stop {
    Duration,
    Signal(&'static str),
    NoHarvester,
}

/// The running services.
struct Farm {
    farmer: FarmerService,
    harvesters: Vec<Arc<Harvester>>,
    /// Node id (hex) → harvester number (1-based), to name harvesters in the view.
    numbers: BTreeMap<String, usize>,
    farmer_task: JoinHandle<()>,
    farmer_stop: CancellationToken,
    harvester_tasks: Vec<JoinHandle<()>>,
    harvester_stop: CancellationToken,
}

async fn demo(args: DemoArgs) -> CmdResult {
    let harvester_count = usize::from(args.harvesters);
    let mut signals =
        Signals::new().map_err(|err| format!("cannot listen for Ctrl-C and SIGTERM: {err}"))?;
    // Flags first, so a typo fails before anything is created.
    let keys = match &args.keys {
        Some(file) => farm::Keys::from_file(file)?,
        None => farm::Keys::fixture()?,
    };
    let own_plots = match &args.plots {
        Some(plots) if !plots.is_dir() => {
            return Err(format!("--plots {}: not a directory", plots.display()).into());
        }
        Some(plots) => Some(
            std::path::absolute(plots)
                .map_err(|err| format!("--plots {}: {err}", plots.display()))?,
        ),
        None => None,
    };
    let dir = tempfile::Builder::new()
        .prefix("sickle-demo-")
        .tempdir()
        .map_err(|err| format!("cannot create a temporary directory: {err}"))?;
    let root = dir.path().to_path_buf();
    println!("Sickle demo: a farmer and {harvester_count} harvester(s) on 127.0.0.1, network sim");
    println!("farm directory {}", root.display());
    let plot_dir = match own_plots {
        Some(plots) => {
            println!("  plots: {} (read in place)", plots.display());
            plots
        }
        None => {
            let dir = farm::write_fixture_plots(&root)?;
            println!(
                "  plots: {} (k18-solo.plot wins blocks; k18-contract.plot is a plot NFT plot: \
                 blocks and pool partials)",
                dir.display()
            );
            dir
        }
    };
    let farmer_fingerprints: Vec<String> = keys
        .farmer
        .farmer_public_keys()
        .iter()
        .map(|key| fingerprint(key).to_string())
        .collect();
    match &keys.fixture_master {
        Some(master) => println!(
            "  keys: the fixed test keys the bundled plots were made for (harvester-farmer \
             §12.1), master fingerprint {}, farmer key {}",
            fingerprint(&master.public_key()),
            farmer_fingerprints.join(", ")
        ),
        None => println!(
            "  keys: from the key file, farmer key {}",
            farmer_fingerprints.join(", ")
        ),
    }

    let started = Instant::now();
    let certificates = tokio::task::spawn_blocking({
        let root = root.clone();
        move || farm::write_certificates(&root, harvester_count).map_err(|err| err.to_string())
    })
    .await
    .map_err(|err| format!("certificate task failed: {err}"))?;
    certificates.map_err(|err| format!("certificates: {err}"))?;
    println!(
        "  certificates: private CA + {} node certificates (RSA-2048, chia's layout) in {} ms",
        harvester_count + 1,
        started.elapsed().as_millis()
    );

    let (blocks_tx, mut blocks) = mpsc::channel(1024);
    let mut farm = start(&args, &root, &keys, plot_dir, blocks_tx).await?;

    let deadline = args
        .duration
        .map(|seconds| tokio::time::Instant::now() + Duration::from_secs(seconds));
    let connect_deadline = tokio::time::Instant::now() + CONNECT_TIMEOUT;
    let mut tick = tokio::time::interval(Duration::from_millis(200));
    // The demo is the chain's clock (see `start`); the first signage point comes one interval
    // after start, when the harvesters had a chance to connect, as with the service's ticker.
    let sp_interval = Duration::from_millis(args.sp_interval_ms);
    let mut sp_tick =
        tokio::time::interval_at(tokio::time::Instant::now() + sp_interval, sp_interval);
    sp_tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut connected: BTreeMap<String, usize> = BTreeMap::new();
    let mut synced: BTreeMap<String, usize> = BTreeMap::new();
    let mut hinted_keys = false;
    let mut previous: Option<(u64, sickle_farmer::SignagePoint, Totals)> = None;
    let mut count = 0u64;
    // Blocks won since the last signage point line, by harvester number (0: unknown).
    let mut blocks_by: BTreeMap<usize, u64> = BTreeMap::new();
    let mut most_plots = 0u64;
    let run_started = Instant::now();
    println!("{}", view::LEGEND);
    let stop = loop {
        tokio::select! {
            signal = signals.recv() => break Stop::Signal(signal),
            () = sleep_until(deadline) => break Stop::Duration,
            _ = sp_tick.tick() => {
                let now = Totals::read(&farm.farmer, &farm.harvesters);
                if let Some((number, sp, then)) = previous.take() {
                    let line = view::signage_point_line(number, &sp, &now.since(&then));
                    println!("{line}{}", view::blocks_by_harvester(&blocks_by, harvester_count));
                    blocks_by.clear();
                }
                most_plots = most_plots.max(now.plots);
                count += 1;
                let sp = farm.farmer.broadcast_next().await;
                previous = Some((count, sp, now));
            }
            block = blocks.recv() => if let Some(block) = block {
                let number = farm.numbers.get(&hex::encode(block.harvester)).copied();
                *blocks_by.entry(number.unwrap_or(0)).or_default() += 1;
            },
            _ = tick.tick() => {
                let status = farm.farmer.status();
                for harvester in &status.harvesters {
                    let number = farm.numbers.get(&harvester.node_id).copied().unwrap_or(0);
                    if !connected.contains_key(&harvester.node_id) {
                        connected.insert(harvester.node_id.clone(), number);
                        println!(
                            "harvester {number} connected over mutual TLS (node id {}…, protocol {})",
                            harvester.node_id.get(..8).unwrap_or_default(),
                            harvester.version
                        );
                    }
                    if harvester.last_sync_time.is_some()
                        && synced.get(&harvester.node_id) != Some(&harvester.plots)
                    {
                        synced.insert(harvester.node_id.clone(), harvester.plots);
                        println!(
                            "harvester {number} plot sync: {} plots, {} failed, {} without keys, \
                             {} also on another harvester",
                            harvester.plots,
                            harvester.failed,
                            harvester.no_key,
                            harvester.duplicates_across_harvesters
                        );
                        if harvester.no_key > 0 && harvester.plots == 0 && !hinted_keys {
                            hinted_keys = true;
                            println!(
                                "hint: the plots were made for other keys; pass --keys FILE \
                                 with their mnemonic"
                            );
                        }
                    }
                }
                if connected.is_empty() && tokio::time::Instant::now() >= connect_deadline {
                    break Stop::NoHarvester;
                }
            }
        }
    };
    match stop {
        Stop::Duration => println!("stopping: --duration reached"),
        Stop::Signal(name) => println!("stopping: {name}"),
        Stop::NoHarvester => println!(
            "stopping: no harvester connected within {} s",
            CONNECT_TIMEOUT.as_secs()
        ),
    }
    let seconds = run_started.elapsed().as_secs_f64();
    // No more signage points: give the last one's proofs, signatures and partials time to
    // finish, so closing the links cuts nothing off, then stop harvesters and farmer.
    tokio::time::sleep(sp_interval.clamp(DRAIN_MIN, DRAIN_MAX)).await;
    let mut totals = Totals::read(&farm.farmer, &farm.harvesters);
    most_plots = most_plots.max(totals.plots);
    while let Ok(block) = blocks.try_recv() {
        let number = farm.numbers.get(&hex::encode(block.harvester)).copied();
        *blocks_by.entry(number.unwrap_or(0)).or_default() += 1;
    }
    if let Some((number, sp, then)) = previous.take() {
        let line = view::signage_point_line(number, &sp, &totals.since(&then));
        println!(
            "{line}{}",
            view::blocks_by_harvester(&blocks_by, harvester_count)
        );
    }
    stop_farm(&mut farm).await;
    // Anything that still arrived while the links closed counts in the summary.
    totals = Totals::read(&farm.farmer, &farm.harvesters);
    // The harvesters are gone now; report the plots they had.
    totals.plots = most_plots;
    println!("{}", view::summary_text(&totals, harvester_count, seconds));

    if args.keep {
        let kept = dir.keep();
        println!("farm directory kept: {}", kept.display());
    } else {
        let path = dir.path().to_path_buf();
        dir.close()
            .map_err(|err| format!("cannot remove {}: {err}", path.display()))?;
        println!("farm directory {} removed", path.display());
    }
    if args.json {
        println!("{}", view::summary_json(&totals, harvester_count, seconds));
    }
    match stop {
        Stop::NoHarvester => Err("no harvester could connect to the farmer".into()),
        Stop::Duration | Stop::Signal(_) => Ok(()),
    }
}

/// Starts the farmer on 127.0.0.1 and the harvesters dialling it.
async fn start(
    args: &DemoArgs,
    root: &std::path::Path,
    keys: &farm::Keys,
    plot_dir: PathBuf,
    blocks: mpsc::Sender<sickle_farmer::WonBlock>,
) -> CmdResult<Farm> {
    let mut constants = constants_for_network(SIM_NETWORK, None)?;
    // Filter off: every plot is looked up at every signage point.
    constants.number_zero_bits_plot_filter_v1 = 0;

    let mut chain = SimChainConfig::new(constants.clone());
    // The demo ticks the signage points itself (`broadcast_next`, what the service's own ticker
    // calls) so that at the end it can stop the chain first and let the last signage point's
    // work finish before the links close; the service's ticker is left idle.
    chain.sp_interval = Some(IDLE_TICKER);
    chain.seed = constants.genesis_challenge;
    let chain = ObservedChain::new(SimChain::new(chain)?, blocks);
    // Rewards go to fixed puzzle hashes: nothing is ever spent on a simulated chain.
    let targets = RewardTargets {
        farmer: [0x66; 32],
        pool: [0x77; 32],
    };
    let farmer = Farmer::new(constants.clone(), SIM_NETWORK, keys.farmer.clone(), targets);
    let service = FarmerService::new(
        SIM_NETWORK,
        farmer,
        Box::new(chain),
        keys.farmer.pool_public_keys(),
    );
    if let Some(nft) = keys.fixture_plot_nft() {
        service.add_plot_nft(nft);
    }

    let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
        .await
        .map_err(|err| format!("cannot listen on 127.0.0.1: {err}"))?;
    let addr = listener.local_addr()?;
    let farmer_tls = farm::tls_for(root, "farmer")?;
    let server = ServerConfig {
        peer: FarmerService::peer_config(SIM_NETWORK, addr.port()),
        max_connections: MAX_HARVESTERS + 8,
    };
    let farmer_stop = CancellationToken::new();
    let farmer_task = tokio::spawn({
        let service = service.clone();
        let stop = farmer_stop.clone();
        async move { service.run(listener, farmer_tls, server, stop).await }
    });
    println!(
        "farmer listening on {addr} (plot filter off, difficulty 1, a signage point every {} ms)",
        args.sp_interval_ms
    );

    let refresh = RefreshParameters::default();
    let threads = std::thread::available_parallelism().map_or(2, usize::from);
    let harvester_stop = CancellationToken::new();
    let mut harvesters = Vec::new();
    let mut harvester_tasks = Vec::new();
    let mut numbers = BTreeMap::new();
    for index in 0..usize::from(args.harvesters) {
        let tls = farm::tls_for(root, &farm::harvester_node_name(index))?;
        numbers.insert(hex::encode(tls.own_node_id()), index + 1);
        let scan = ScanSettings {
            directories: vec![plot_dir.clone()],
            recursive: false,
            follow_links: false,
        };
        let manager = PlotManager::new(
            scan,
            refresh.batch_size,
            Duration::from_secs(refresh.retry_invalid_seconds),
            threads,
            Arc::new(open_file),
        );
        let limits = LookupLimits {
            concurrency: Arc::new(Semaphore::new(threads)),
            deadline: LOOKUP_DEADLINE,
        };
        let harvester = Harvester::new(constants.clone(), manager, limits, refresh.batch_size);
        harvesters.push(Arc::clone(&harvester));
        let farmers = vec![FarmerPeer {
            host: Ipv4Addr::LOCALHOST.to_string(),
            port: addr.port(),
        }];
        let peer = PeerConfig::new(SIM_NETWORK, node_type::HARVESTER, 0);
        harvester_tasks.push(tokio::spawn(sickle_harvester::service::run(
            harvester,
            farmers,
            tls,
            peer,
            Duration::from_secs(refresh.interval_seconds),
            harvester_stop.clone(),
        )));
    }
    Ok(Farm {
        farmer: service,
        harvesters,
        numbers,
        farmer_task,
        farmer_stop,
        harvester_tasks,
        harvester_stop,
    })
}

/// Harvesters first (they finish in-flight signage points and close their links), then the
/// farmer; each waited for at most [`STOP_TIMEOUT`].
async fn stop_farm(farm: &mut Farm) {
    farm.harvester_stop.cancel();
    for task in &mut farm.harvester_tasks {
        wait_task(task, "harvester").await;
    }
    farm.farmer_stop.cancel();
    wait_task(&mut farm.farmer_task, "farmer").await;
}

async fn wait_task(task: &mut JoinHandle<()>, what: &str) {
    match tokio::time::timeout(STOP_TIMEOUT, &mut *task).await {
        Ok(Ok(())) => {}
        Ok(Err(err)) => eprintln!("warning: the {what} task ended badly: {err}"),
        Err(_) => {
            eprintln!(
                "warning: the {what} did not stop within {} s",
                STOP_TIMEOUT.as_secs()
            );
            task.abort();
        }
    }
}

async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

/// Ctrl-C (SIGINT) and SIGTERM, registered before anything starts so that a signal during
/// start-up still stops the demo cleanly (and removes its directory) instead of killing it.
struct Signals {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl Signals {
    fn new() -> std::io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Self {
                interrupt: signal(SignalKind::interrupt())?,
                terminate: signal(SignalKind::terminate())?,
            })
        }
        #[cfg(not(unix))]
        {
            Ok(Self {})
        }
    }

    /// Resolves at the next signal, naming it.
    async fn recv(&mut self) -> &'static str {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.interrupt.recv() => "Ctrl-C",
                _ = self.terminate.recv() => "SIGTERM",
            }
        }
        #[cfg(not(unix))]
        {
            match tokio::signal::ctrl_c().await {
                Ok(()) => "Ctrl-C",
                Err(err) => {
                    tracing::warn!(%err, "cannot listen for Ctrl-C");
                    std::future::pending().await
                }
            }
        }
    }
}
