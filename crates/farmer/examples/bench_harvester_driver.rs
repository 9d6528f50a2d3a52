//! The farmer side of `cargo xtask bench-harvester`: accepts chia's harvester and Sickle's (or
//! one of them), lets them sync their plots, then times the same signage points on each.
//!
//! ```text
//! bench_harvester_driver --root CHIA_ROOT --port PORT --plots N [--harvesters 2] [--sps 20]
//!                        [--seed 1] [--difficulty 1000000000] [--sub-slot-iters 67108864]
//! ```
//!
//! 1. Listens on 127.0.0.1:PORT with the root's `private_farmer` certificate (signed by the
//!    root's private CA, which both harvesters check), accepts `--harvesters` harvesters (told
//!    apart by their handshake's software version) and sends each `harvester_handshake` with the
//!    fixture farmer and pool keys (harvester-farmer.md §12.1).
//! 2. Answers plot sync (`plot_sync_response` per message, checked by the farmer's own
//!    [`PlotSyncReceiver`]) until a `plot_sync_done` leaves exactly N plots loaded, none invalid,
//!    without keys or duplicate.
//! 3. Sends one warm-up signage point, then `--sps` measured ones. Each signage point goes to one
//!    harvester at a time, the other idle, and who goes first alternates (chia, Sickle, then
//!    Sickle, chia, …), so both meet the same machine load and page cache. Measured: the time
//!    from sending `new_signage_point_harvester` (0.0.38 format) to receiving that signage point's
//!    `farming_info`, which both harvesters send once every lookup ended. The signage points come
//!    from `--seed`. `new_proof_of_space` messages are counted; with the default difficulty no
//!    quality is good enough for a full proof (chance about 5·10⁻¹⁰ per quality), so both
//!    harvesters do the same work: the qualities of every plot.
//! 4. Prints one `RESULT key=value …` line per harvester (milliseconds) and exits 0.
//!
//! Both harvesters hold back their own `farming_info` beyond 30 per minute (chia's outbound rate
//! limit, 30 % of 100), retrying a second later; the driver therefore sends at most 25 signage
//! points per harvester in any 60 s, and the wait is not measured.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use clap::Parser;
use sha2::{Digest, Sha256};
use sickle_farmer::messages::{
    FarmingInfo, HarvesterHandshake, NewProofOfSpace, NewSignagePointHarvester2, PlotSyncResponse,
    decode_plot_sync, ids,
};
use sickle_farmer::{FarmerKeys, PlotSyncBody, PlotSyncReceiver};
use sickle_peer::handshake::node_type;
use sickle_peer::{
    CertError, Connection, Message, PeerConfig, PeerError, PeerEvent, ServerConfig, TlsSetup,
};
use sickle_pos::ConsensusConstants;
use sickle_pos::keys::master_sk_from_seed;
use sickle_streamable::Streamable;
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;

/// Signage points allowed in any 60 s: below both harvesters' 30 `farming_info` per minute.
const SPS_PER_MINUTE: usize = 25;
/// How long one signage point may take before the run fails.
const SP_TIMEOUT: Duration = Duration::from_secs(120);

#[derive(Debug, Parser)]
#[command(
    name = "bench_harvester_driver",
    about = "Times one harvester's signage point answers"
)]
struct Args {
    /// The chia root whose private CA and farmer certificate to use.
    #[arg(long)]
    root: PathBuf,
    /// Port to listen on (127.0.0.1 only).
    #[arg(long)]
    port: u16,
    /// Network id of the handshake.
    #[arg(long, default_value = "testnet11")]
    network: String,
    /// Plots the harvester must report loaded.
    #[arg(long)]
    plots: usize,
    /// Measured signage points.
    #[arg(long, default_value_t = 20)]
    sps: usize,
    /// Seed of the signage points.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Chain difficulty in every signage point.
    #[arg(long, default_value_t = 1_000_000_000)]
    difficulty: u64,
    /// Sub-slot iterations in every signage point (testnet11's starting value).
    #[arg(long, default_value_t = 1 << 26)]
    sub_slot_iters: u64,
    /// Harvesters to accept (at most one chia and one Sickle harvester, told apart by the
    /// software version of their handshake).
    #[arg(long, default_value_t = 1)]
    harvesters: usize,
    /// Seconds to wait for the harvester to connect and finish its plot sync.
    #[arg(long, default_value_t = 600)]
    sync_timeout: u64,
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
enum DriverError {
    #[error("certificates: {0}")]
    Cert(#[from] CertError),
    #[error("peer: {0}")]
    Peer(#[from] PeerError),
    #[error("listening on 127.0.0.1:{port}: {source}")]
    Listen { port: u16, source: std::io::Error },
    #[error("fixture farmer key could not be derived")]
    Keys,
    #[error("two {0} harvesters connected; expected at most one of each")]
    SameHarvesterTwice(&'static str),
    #[error("no harvester connected within {0:?}")]
    NoHarvester(Duration),
    #[error("{what} did not finish within {limit:?}")]
    Timeout { what: &'static str, limit: Duration },
    #[error("the harvester closed the connection: {0}")]
    Closed(String),
    #[error("message type {msg_type} does not decode: {source}")]
    Decode {
        msg_type: u8,
        source: sickle_streamable::Error,
    },
    #[error("plot sync message refused (code {code}): {message}")]
    PlotSync { code: i16, message: String },
    #[error(
        "plot sync done with {loaded} plots loaded (expected {expected}), {invalid} invalid, \
         {keys_missing} without keys, {duplicates} duplicates"
    )]
    PlotCount {
        expected: usize,
        loaded: usize,
        invalid: usize,
        keys_missing: usize,
        duplicates: usize,
    },
    #[error("farming_info reports {passed} of {total} plots looked up; expected {expected} each")]
    NotAllLookedUp {
        passed: u32,
        total: u32,
        expected: usize,
    },
}

/// One measured signage point.
#[derive(Debug, Clone, Copy)]
struct Sample {
    /// Send to `farming_info` received.
    latency: Duration,
    /// `farming_info.lookup_time`: the harvester's own measure, microseconds (chia sends µs).
    lookup_us: u64,
    /// `new_proof_of_space` messages for this signage point.
    proofs: usize,
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .unwrap_or(0)
}

/// Signage point `index` of the seeded sequence (the warm-up is index 0).
fn signage_point(args: &Args, index: u64) -> NewSignagePointHarvester2 {
    let hash = |what: &[u8]| -> [u8; 32] {
        let mut hasher = Sha256::new();
        hasher.update(b"sickle bench-harvester ");
        hasher.update(what);
        hasher.update(args.seed.to_be_bytes());
        hasher.update(index.to_be_bytes());
        hasher.finalize().into()
    };
    NewSignagePointHarvester2 {
        challenge_hash: hash(b"challenge").into(),
        difficulty: args.difficulty,
        sub_slot_iters: args.sub_slot_iters,
        // 1..=63: never 0, whose signage point is the sub-slot's challenge itself.
        signage_point_index: u8::try_from(index % 63 + 1).unwrap_or(1),
        sp_hash: hash(b"signage point").into(),
        pool_difficulties: Vec::new(),
        peak_height: 0,
        last_tx_height: 0,
        filter_challenge: None,
    }
}

fn decode<T: Streamable>(message: &Message) -> Result<T, DriverError> {
    T::from_bytes(&message.data).map_err(|source| DriverError::Decode {
        msg_type: message.msg_type,
        source,
    })
}

/// Answers one plot sync message: `None` for other messages, `Some(true)` for a `done`.
async fn on_plot_sync(
    connection: &Connection,
    receiver: &mut PlotSyncReceiver,
    message: &Message,
) -> Result<Option<bool>, DriverError> {
    let Some(decoded) = decode_plot_sync(message.msg_type, &message.data) else {
        return Ok(None);
    };
    let (identifier, body) = decoded.map_err(|source| DriverError::Decode {
        msg_type: message.msg_type,
        source,
    })?;
    let answer = receiver.handle(identifier, &body, unix_now());
    let response = PlotSyncResponse::from(&answer);
    connection
        .peer
        .notify(ids::PLOT_SYNC_RESPONSE, response.to_bytes())
        .await?;
    if let Some(error) = answer.error {
        return Err(DriverError::PlotSync {
            code: error.code.code(),
            message: error.message,
        });
    }
    Ok(Some(matches!(body, PlotSyncBody::Done { .. })))
}

/// Receives the next event or fails on close and timeout.
async fn next_message(
    connection: &mut Connection,
    deadline: tokio::time::Instant,
    what: &'static str,
    limit: Duration,
) -> Result<Message, DriverError> {
    loop {
        match tokio::time::timeout_at(deadline, connection.events.recv()).await {
            Ok(Some(PeerEvent::Message(message))) => return Ok(message),
            Ok(Some(PeerEvent::Closed(reason))) => {
                return Err(DriverError::Closed(format!("{reason:?}")));
            }
            Ok(Some(other)) => tracing::debug!(?other, "ignored peer event"),
            Ok(None) => return Err(DriverError::Closed("event channel ended".into())),
            Err(_elapsed) => return Err(DriverError::Timeout { what, limit }),
        }
    }
}

/// Plot sync until `done` leaves exactly `expected` plots; returns the time it took.
async fn sync_plots(
    connection: &mut Connection,
    expected: usize,
    limit: Duration,
) -> Result<Duration, DriverError> {
    let started = Instant::now();
    let deadline = tokio::time::Instant::now() + limit;
    let mut receiver = PlotSyncReceiver::new(ConsensusConstants::testnet11());
    loop {
        let message = next_message(connection, deadline, "plot sync", limit).await?;
        if on_plot_sync(connection, &mut receiver, &message).await? != Some(true) {
            continue;
        }
        let loaded = receiver.plots().len();
        let (invalid, keys_missing, duplicates) = (
            receiver.invalid().len(),
            receiver.keys_missing().len(),
            receiver.duplicates().len(),
        );
        if loaded == expected && invalid == 0 && keys_missing == 0 && duplicates == 0 {
            return Ok(started.elapsed());
        }
        if loaded > expected || invalid + keys_missing + duplicates > 0 {
            return Err(DriverError::PlotCount {
                expected,
                loaded,
                invalid,
                keys_missing,
                duplicates,
            });
        }
        // Fewer plots: a harvester may report a first sync before its refresh found them all.
    }
}

/// Sends one signage point and waits for its `farming_info`.
async fn time_signage_point(
    connection: &mut Connection,
    sp: &NewSignagePointHarvester2,
    expected_plots: usize,
) -> Result<Sample, DriverError> {
    let sent = Instant::now();
    connection.peer.send_msg(sp).await?;
    let deadline = tokio::time::Instant::now() + SP_TIMEOUT;
    let mut proofs = 0;
    loop {
        let message = next_message(connection, deadline, "a signage point", SP_TIMEOUT).await?;
        match message.msg_type {
            ids::FARMING_INFO => {
                let latency = sent.elapsed();
                let info: FarmingInfo = decode(&message)?;
                if info.sp_hash != sp.sp_hash {
                    continue;
                }
                let all = usize::try_from(info.passed).is_ok_and(|p| p == expected_plots)
                    && usize::try_from(info.total_plots).is_ok_and(|t| t == expected_plots);
                if !all {
                    return Err(DriverError::NotAllLookedUp {
                        passed: info.passed,
                        total: info.total_plots,
                        expected: expected_plots,
                    });
                }
                return Ok(Sample {
                    latency,
                    lookup_us: info.lookup_time,
                    proofs,
                });
            }
            ids::NEW_PROOF_OF_SPACE => {
                let proof: NewProofOfSpace = decode(&message)?;
                if proof.sp_hash == sp.sp_hash {
                    proofs += 1;
                }
            }
            other => tracing::debug!(msg_type = other, "ignored during measurement"),
        }
    }
}

/// Keeps the signage point rate under [`SPS_PER_MINUTE`].
struct Pacer {
    sent: VecDeque<Instant>,
}

impl Pacer {
    async fn wait(&mut self) {
        if self.sent.len() >= SPS_PER_MINUTE
            && let Some(oldest) = self.sent.pop_front()
        {
            let free_at = oldest + Duration::from_secs(61);
            tokio::time::sleep_until(free_at.into()).await;
        }
        self.sent.push_back(Instant::now());
    }
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}

/// Nearest-rank percentile of sorted values.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

async fn run(args: Args) -> Result<(), DriverError> {
    let tls = TlsSetup::from_chia_root(&args.root, "farmer")?;
    let seed: Vec<u8> = (0u8..32).collect();
    let keys = FarmerKeys::from_master_sk(&master_sk_from_seed(&seed).ok_or(DriverError::Keys)?);
    let handshake = HarvesterHandshake {
        farmer_public_keys: keys.handshake_farmer_public_keys(),
        pool_public_keys: keys.pool_public_keys(),
    };

    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], args.port)))
        .await
        .map_err(|source| DriverError::Listen {
            port: args.port,
            source,
        })?;
    let mut peer = PeerConfig::new(args.network.clone(), node_type::FARMER, args.port);
    peer.payload_check = Some(sickle_peer::harvester_link_check);
    let shutdown = CancellationToken::new();
    let (accepted_tx, mut accepted) = mpsc::channel(1);
    let server = tokio::spawn(sickle_peer::serve(
        listener,
        tls,
        ServerConfig {
            peer,
            max_connections: args.harvesters + 1,
        },
        accepted_tx,
        shutdown.clone(),
    ));
    let result = drive(&args, &handshake, &mut accepted).await;
    shutdown.cancel();
    if let Err(error) = server.await {
        tracing::warn!(%error, "listener task failed");
    }
    for (link, warm_up, samples) in result? {
        print_result(&args, &link, warm_up, &samples);
    }
    Ok(())
}

/// Accepts `--harvesters` harvesters, waits for their plot syncs, then sends them the same
/// signage points, one harvester at a time, alternating who goes first.
async fn drive(
    args: &Args,
    handshake: &HarvesterHandshake,
    accepted: &mut mpsc::Receiver<Connection>,
) -> Result<Vec<(HarvesterLink, Sample, Vec<Sample>)>, DriverError> {
    let limit = Duration::from_secs(args.sync_timeout);
    let deadline = tokio::time::Instant::now() + limit;
    let mut pending: Vec<PendingLink> = Vec::new();
    for _ in 0..args.harvesters {
        let connection = tokio::time::timeout_at(deadline, accepted.recv())
            .await
            .ok()
            .flatten()
            .ok_or(DriverError::NoHarvester(limit))?;
        let version = connection.peer.info().handshake.software_version.clone();
        let label = if version.starts_with("sickle") {
            "sickle"
        } else {
            "chia"
        };
        if pending.iter().any(|link| link.0 == label) {
            return Err(DriverError::SameHarvesterTwice(label));
        }
        let (synced_tx, synced) = oneshot::channel();
        let (commands, commands_rx) = mpsc::channel(1);
        tokio::spawn(harvester_task(
            connection,
            handshake.clone(),
            args.plots,
            limit,
            synced_tx,
            commands_rx,
        ));
        pending.push((label, version, synced, commands));
    }
    let mut links = Vec::new();
    for (label, version, synced, commands) in pending {
        let sync = synced
            .await
            .map_err(|_| DriverError::Closed(format!("{label} harvester task ended")))??;
        links.push(HarvesterLink {
            label,
            version,
            sync,
            commands,
        });
    }
    links.sort_by_key(|link| link.label);

    let mut pacer = Pacer {
        sent: VecDeque::new(),
    };
    pacer.wait().await;
    let warm_up_sp = signage_point(args, 0);
    let mut warm_ups = Vec::new();
    for link in &links {
        warm_ups.push(link.measure(&warm_up_sp).await?);
    }
    let mut samples: Vec<Vec<Sample>> = links.iter().map(|_| Vec::new()).collect();
    for index in 1..=args.sps as u64 {
        pacer.wait().await;
        let sp = signage_point(args, index);
        let mut order: Vec<usize> = (0..links.len()).collect();
        if index % 2 == 0 {
            order.reverse();
        }
        for i in order {
            let (Some(link), Some(list)) = (links.get(i), samples.get_mut(i)) else {
                continue;
            };
            list.push(link.measure(&sp).await?);
        }
    }
    Ok(links
        .into_iter()
        .zip(warm_ups)
        .zip(samples)
        .map(|((link, warm_up), samples)| (link, warm_up, samples))
        .collect())
}

/// A connected harvester still syncing: label, version, sync result, command channel.
type PendingLink = (
    &'static str,
    String,
    oneshot::Receiver<Result<Duration, DriverError>>,
    mpsc::Sender<Measure>,
);

/// Asks a harvester's task to time one signage point.
struct Measure {
    sp: NewSignagePointHarvester2,
    reply: oneshot::Sender<Result<Sample, DriverError>>,
}

/// One synced harvester.
struct HarvesterLink {
    /// `chia` or `sickle`, from the handshake's software version.
    label: &'static str,
    version: String,
    /// Connection to plot sync done.
    sync: Duration,
    commands: mpsc::Sender<Measure>,
}

impl HarvesterLink {
    async fn measure(&self, sp: &NewSignagePointHarvester2) -> Result<Sample, DriverError> {
        let (reply, answer) = oneshot::channel();
        let ended = || DriverError::Closed(format!("{} harvester task ended", self.label));
        self.commands
            .send(Measure {
                sp: sp.clone(),
                reply,
            })
            .await
            .map_err(|_| ended())?;
        answer.await.map_err(|_| ended())?
    }
}

/// Owns one harvester's connection: handshake and plot sync, then one signage point per command.
async fn harvester_task(
    mut connection: Connection,
    handshake: HarvesterHandshake,
    plots: usize,
    limit: Duration,
    synced: oneshot::Sender<Result<Duration, DriverError>>,
    mut commands: mpsc::Receiver<Measure>,
) {
    let sync = async {
        connection.peer.send_msg(&handshake).await?;
        sync_plots(&mut connection, plots, limit).await
    }
    .await;
    let ok = sync.is_ok();
    if synced.send(sync).is_err() {
        tracing::debug!("driver stopped before the plot sync ended");
    }
    while ok && let Some(Measure { sp, reply }) = commands.recv().await {
        let result = time_signage_point(&mut connection, &sp, plots).await;
        let failed = result.is_err();
        if reply.send(result).is_err() || failed {
            break;
        }
    }
    connection.peer.close();
}

fn print_result(args: &Args, link: &HarvesterLink, warm_up: Sample, samples: &[Sample]) {
    let mut latencies: Vec<f64> = samples.iter().map(|s| millis(s.latency)).collect();
    latencies.sort_by(f64::total_cmp);
    let mean = latencies.iter().sum::<f64>() / latencies.len().max(1) as f64;
    let lookup_mean =
        samples.iter().map(|s| s.lookup_us as f64).sum::<f64>() / samples.len().max(1) as f64;
    let proofs: usize = samples.iter().map(|s| s.proofs).sum();
    let all: Vec<String> = samples
        .iter()
        .map(|s| format!("{:.3}", millis(s.latency)))
        .collect();
    println!(
        "RESULT label={} version={} plots={} sps={} sync_ms={:.0} warmup_ms={:.3} p50_ms={:.3} \
         p99_ms={:.3} mean_ms={:.3} min_ms={:.3} max_ms={:.3} lookup_mean_us={lookup_mean:.1} \
         proofs={proofs} warmup_proofs={} difficulty={} sub_slot_iters={} seed={} latencies_ms={}",
        link.label,
        link.version,
        args.plots,
        samples.len(),
        millis(link.sync),
        millis(warm_up.latency),
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.99),
        mean,
        latencies.first().copied().unwrap_or_default(),
        latencies.last().copied().unwrap_or_default(),
        warm_up.proofs,
        args.difficulty,
        args.sub_slot_iters,
        args.seed,
        all.join(","),
    );
}

fn main() -> ExitCode {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let values: Vec<f64> = (1..=20).map(f64::from).collect();
        assert_eq!(percentile(&values, 0.50), 10.0);
        assert_eq!(percentile(&values, 0.99), 20.0);
        assert_eq!(percentile(&[], 0.5), 0.0);
    }

    #[test]
    fn seeded_signage_points_repeat_and_differ() {
        let args = Args::parse_from([
            "driver", "--root", "/r", "--port", "1", "--plots", "1", "--seed", "7",
        ]);
        assert_eq!(signage_point(&args, 3), signage_point(&args, 3));
        assert_ne!(
            signage_point(&args, 3).sp_hash,
            signage_point(&args, 4).sp_hash
        );
        assert!((1..=63).contains(&signage_point(&args, 62).signage_point_index));
    }
}
