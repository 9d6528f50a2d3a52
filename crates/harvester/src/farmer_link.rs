//! One farmer connection, harvester side (chia/harvester/harvester_api.py): the handshake's keys
//! start plot loading, signage points are answered with proofs and `farming_info`, signature
//! requests are signed, `request_plots` is answered in the farmer's format, and the plot sync
//! sender ([`crate::plot_sync`]) is driven after every refresh and answered by the farmer's
//! `plot_sync_response`s.
//!
//! Each signage point runs in its own task so signage points overlap as in chia; shutdown
//! stops reading and waits for those tasks to finish sending.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use sickle_peer::{Connection, Peer, PeerEvent};
use sickle_pos::ConsensusConstants;
use sickle_protocol::{
    ChiaProtocolMessage, FarmingInfo, HarvesterMessage, NewProofOfSpace, RespondSignatures, decode,
    supports_new_plot_serialization,
};
use sickle_streamable::Streamable;
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::metrics::Metrics;
use crate::plot_manager::{FarmerKeys, PlotManager};
use crate::plot_set::SharedPlots;
use crate::plot_sync::{HARVESTING_MODE_CPU, PlotSyncSender, RefreshSync, SyncState};
use crate::signage::{LookupLimits, answer_signage_point};
use crate::signing::sign_messages;
use crate::wire;

/// What every farmer connection shares.
pub struct Harvester {
    /// Consensus constants of the selected network.
    pub constants: Arc<ConsensusConstants>,
    /// The plot manager (used by the refresh only, never by lookups).
    pub manager: Arc<Mutex<PlotManager>>,
    /// The loaded plots lookups read.
    pub plots: SharedPlots,
    /// Lookup concurrency and per-plot deadline.
    pub limits: LookupLimits,
    /// Keys of the last `harvester_handshake`.
    pub keys: Mutex<Option<FarmerKeys>>,
    /// The plot sync sender (follows the connection that sent the last handshake).
    pub sync: Mutex<PlotSyncSender>,
    /// Prometheus counters.
    pub metrics: Metrics,
    /// Wakes the sync driver when there is something to send or a response arrived.
    sync_wake: watch::Sender<u64>,
    /// The connection whose handshake came last: only it carries plot sync (chia's sender
    /// follows the last `harvester_handshake`).
    sync_owner: AtomicU64,
    /// Source of connection numbers (0 = none).
    connections: AtomicU64,
}

impl std::fmt::Debug for Harvester {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Harvester").finish_non_exhaustive()
    }
}

impl Harvester {
    /// Shared state around `manager`.
    pub fn new(
        constants: ConsensusConstants,
        manager: PlotManager,
        limits: LookupLimits,
        sync_batch_size: usize,
    ) -> Arc<Self> {
        let plots = manager.shared();
        Arc::new(Self {
            constants: Arc::new(constants),
            manager: Arc::new(Mutex::new(manager)),
            plots,
            limits,
            keys: Mutex::new(None),
            sync: Mutex::new(PlotSyncSender::new(sync_batch_size, HARVESTING_MODE_CPU)),
            sync_wake: watch::Sender::new(0),
            sync_owner: AtomicU64::new(0),
            connections: AtomicU64::new(0),
            metrics: Metrics::default(),
        })
    }

    /// Wakes every sync driver (a watch, so a wake-up is never lost between two waits).
    fn wake_sync(&self) {
        self.sync_wake
            .send_modify(|count| *count = count.wrapping_add(1));
    }

    fn farming_keys(&self) -> Option<FarmerKeys> {
        let keys = self.keys.lock().ok()?.clone()?;
        (!keys.farmer_public_keys.is_empty() && !keys.pool_public_keys.is_empty()).then_some(keys)
    }
}

/// Runs one plot refresh and queues its plot sync (blocking: call off the runtime).
///
/// Skipped while the previous sync is still running, as chia's refresh waits for it.
pub fn refresh_and_sync(harvester: &Harvester) {
    if harvester.sync.lock().is_ok_and(|sync| sync.is_active()) {
        tracing::debug!("previous plot sync still running; refresh postponed");
        return;
    }
    let Ok(mut manager) = harvester.manager.lock() else {
        return;
    };
    let result = manager.refresh(SystemTime::now());
    tracing::info!(
        loaded = result.loaded().count(),
        removed = result.removed.len(),
        changed = result.changed.len(),
        files = result.plot_file_count,
        ms = result.duration.as_millis(),
        "plot refresh done"
    );
    let sync = RefreshSync::of(&result, &manager);
    drop(manager);
    harvester.metrics.record_lists(
        sync.state.invalid.len(),
        sync.state.keys_missing.len(),
        sync.state.duplicates.len(),
    );
    if let Ok(mut sender) = harvester.sync.lock()
        && let Err(busy) = sender.queue_refresh(SystemTime::now(), sync)
    {
        tracing::warn!(%busy, "refresh not synced");
    }
    harvester.wake_sync();
}

/// Refreshes every `interval` once a handshake delivered keys, until `shutdown`.
pub async fn refresh_loop(
    harvester: Arc<Harvester>,
    interval: std::time::Duration,
    shutdown: CancellationToken,
) {
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = tokio::time::sleep(interval) => {}
        }
        if harvester.farming_keys().is_none() {
            continue;
        }
        let worker = Arc::clone(&harvester);
        if let Err(error) = tokio::task::spawn_blocking(move || refresh_and_sync(&worker)).await {
            tracing::warn!(%error, "plot refresh task failed");
        }
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs())
}

fn id_of<T: ChiaProtocolMessage>() -> u8 {
    T::MSG_TYPE as u8
}

/// Serves one farmer connection until it closes or `shutdown` fires, then waits for in-flight
/// signage points.
pub async fn serve_farmer(
    harvester: Arc<Harvester>,
    mut connection: Connection,
    shutdown: CancellationToken,
) {
    let peer = connection.peer.clone();
    let tasks = TaskTracker::new();
    let version = peer.protocol_version().to_string().parse();
    let new_serialization = match &version {
        Ok(version) => supports_new_plot_serialization(version),
        Err(_) => true,
    };
    let connection_number = harvester.connections.fetch_add(1, Ordering::Relaxed) + 1;
    let driver_stop = CancellationToken::new();
    tasks.spawn(drive_plot_sync(
        Arc::clone(&harvester),
        peer.clone(),
        connection_number,
        driver_stop.clone(),
    ));
    loop {
        let event = tokio::select! {
            () = shutdown.cancelled() => break,
            event = connection.events.recv() => event,
        };
        let message = match event {
            Some(PeerEvent::Message(message)) => message,
            Some(PeerEvent::Closed(reason)) => {
                tracing::info!(?reason, "farmer connection closed");
                break;
            }
            None => break,
            Some(other) => {
                tracing::debug!(?other, "peer event ignored");
                continue;
            }
        };
        let decoded = match &version {
            Ok(version) => decode(message.msg_type, version, &message.data),
            Err(error) => {
                tracing::warn!(%error, "farmer protocol version unusable; closing");
                peer.close();
                break;
            }
        };
        let decoded = match decoded {
            Ok(decoded) => decoded,
            Err(error) => {
                tracing::warn!(msg_type = message.msg_type, %error, "undecodable message from farmer; closing");
                peer.close();
                break;
            }
        };
        match decoded {
            HarvesterMessage::HarvesterHandshake(handshake) => {
                let keys = FarmerKeys {
                    farmer_public_keys: handshake.farmer_public_keys,
                    pool_public_keys: handshake.pool_public_keys,
                };
                if let Ok(mut slot) = harvester.keys.lock() {
                    *slot = Some(keys.clone());
                }
                if let Ok(mut sync) = harvester.sync.lock() {
                    harvester
                        .sync_owner
                        .store(connection_number, Ordering::Release);
                    sync.connect(SystemTime::now(), new_serialization);
                }
                harvester.wake_sync();
                let refresh_harvester = Arc::clone(&harvester);
                tasks.spawn_blocking(move || {
                    if let Ok(mut manager) = refresh_harvester.manager.lock() {
                        manager.set_keys(keys);
                    }
                    refresh_and_sync(&refresh_harvester);
                });
            }
            HarvesterMessage::NewSignagePointHarvester2(message) => {
                if harvester.farming_keys().is_none() {
                    tracing::debug!("signage point before a usable handshake; ignored");
                    continue;
                }
                let sp = wire::signage_point(&message);
                let harvester = Arc::clone(&harvester);
                let peer = peer.clone();
                tasks.spawn(async move { answer(harvester, peer, sp).await });
            }
            HarvesterMessage::RequestSignatures(request) => {
                let plots = harvester.plots.snapshot();
                let messages = wire::messages_to_sign(&request);
                match sign_messages(&plots, &request.plot_identifier, &messages) {
                    Ok(signed) => {
                        let response = wire::respond_signatures(&request, signed);
                        let bytes = response.to_bytes();
                        if let Err(error) = peer
                            .respond(&message, id_of::<RespondSignatures>(), bytes)
                            .await
                        {
                            tracing::warn!(%error, "cannot send respond_signatures");
                        }
                    }
                    Err(error) => tracing::warn!(%error, "request_signatures not answered"),
                }
            }
            HarvesterMessage::PlotSyncResponse(response) => {
                let response = wire::sync_response(&response);
                if harvester.sync_owner.load(Ordering::Acquire) != connection_number {
                    tracing::warn!("plot sync response from a farmer that is not synced; ignored");
                } else if let Ok(mut sync) = harvester.sync.lock() {
                    sync.handle_response(SystemTime::now(), &response);
                }
                harvester.wake_sync();
            }
            HarvesterMessage::RequestPlots(_) => {
                let manager = Arc::clone(&harvester.manager);
                let peer = peer.clone();
                tasks.spawn(async move {
                    let state = tokio::task::spawn_blocking(move || {
                        manager.lock().ok().map(|manager| SyncState::of(&manager))
                    })
                    .await;
                    let Ok(Some(state)) = state else {
                        tracing::warn!("plot manager unavailable; request_plots not answered");
                        return;
                    };
                    let (msg_type, bytes) = wire::respond_plots(&state, new_serialization);
                    if let Err(error) = peer.respond(&message, msg_type, bytes).await {
                        tracing::warn!(%error, "cannot send respond_plots");
                    }
                });
            }
            other => tracing::debug!(?other, "message not handled by the harvester"),
        }
    }
    driver_stop.cancel();
    // As chia: any farmer disconnecting stops plot sync until the next handshake.
    if let Ok(mut sync) = harvester.sync.lock() {
        harvester.sync_owner.store(0, Ordering::Release);
        sync.disconnect();
    }
    tasks.close();
    tasks.wait().await;
}

/// Sends plot sync messages as the sender releases them, and runs its timers.
async fn drive_plot_sync(
    harvester: Arc<Harvester>,
    peer: Peer,
    connection_number: u64,
    stop: CancellationToken,
) {
    let mut wake = harvester.sync_wake.subscribe();
    loop {
        let (next, deadline) = match harvester.sync.lock() {
            Ok(_) if harvester.sync_owner.load(Ordering::Acquire) != connection_number => {
                (None, None)
            }
            Ok(mut sync) => {
                let now = SystemTime::now();
                sync.handle_timeout(now);
                (sync.poll_transmit(now), sync.poll_timeout())
            }
            Err(_) => return,
        };
        if let Some(message) = next {
            // Off the runtime: a plot list decompresses its plots' keys, about 15 µs each, so a
            // message of 300 plots takes several milliseconds.
            let Ok((msg_type, bytes)) =
                tokio::task::spawn_blocking(move || wire::sync_message_bytes(message)).await
            else {
                // The blocking pool is shutting down (the encoder itself does not panic).
                return;
            };
            if let Err(error) = peer.notify(msg_type, bytes).await {
                tracing::warn!(%error, "cannot send plot sync message");
            }
            continue;
        }
        // A deadline already passed is handled at the top of the loop.
        let sleep = deadline.map_or(std::time::Duration::from_secs(3600), |at| {
            at.duration_since(SystemTime::now()).unwrap_or_default()
        });
        tokio::select! {
            () = stop.cancelled() => return,
            changed = wake.changed() => if changed.is_err() { return },
            () = tokio::time::sleep(sleep) => {}
        }
    }
}

async fn answer(harvester: Arc<Harvester>, peer: Peer, sp: crate::signage::SignagePoint) {
    let sp = Arc::new(sp);
    let (sender, mut receiver) = mpsc::channel(64);
    let forward_peer = peer.clone();
    let forward_sp = Arc::clone(&sp);
    let forward = tokio::spawn(async move {
        while let Some(found) = receiver.recv().await {
            let message: NewProofOfSpace = wire::new_proof_of_space(&forward_sp, found);
            if let Err(error) = forward_peer
                .notify(id_of::<NewProofOfSpace>(), message.to_bytes())
                .await
            {
                tracing::warn!(%error, "cannot send new_proof_of_space");
            }
        }
    });
    let summary = answer_signage_point(
        Arc::clone(&harvester.constants),
        Arc::clone(&sp),
        harvester.plots.snapshot(),
        &harvester.limits,
        &sender,
    )
    .await;
    drop(sender);
    if let Err(error) = forward.await {
        tracing::warn!(%error, "proof forwarding task failed");
    }
    tracing::info!(
        passed = summary.passed,
        proofs = summary.proofs,
        total = summary.total_plots,
        timed_out = summary.timed_out,
        ms = summary.elapsed.as_millis(),
        sp = %hex::encode(sp.sp_hash),
        "signage point answered"
    );
    harvester.metrics.record_signage_point(&summary);
    let info: FarmingInfo = wire::farming_info(&sp, &summary, unix_now());
    if let Err(error) = peer.notify(id_of::<FarmingInfo>(), info.to_bytes()).await {
        tracing::warn!(%error, "cannot send farming_info");
    }
}
