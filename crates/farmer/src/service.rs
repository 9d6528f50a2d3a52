//! The farmer service: harvesters connect over sickle-peer's mutual TLS, the signage point source
//! ticks, and every inbound message goes through the sans-IO state ([`Farmer`],
//! [`PlotSyncReceiver`]).
//!
//! ```text
//! serve(listener) ─► Connection ─► per-harvester task: HarvesterHandshake, then events
//!                                     plot sync → receiver → PlotSyncResponse
//!                                     new_proof_of_space → Farmer → RequestSignatures
//!                                     respond_signatures → Farmer → block → source
//! ticker(source.interval) ─► next SP ─► Farmer stores it ─► fan-out in each peer's format
//! ```
//!
//! State lives behind one `std::sync::Mutex` that is never held across an `.await`: handlers
//! lock, decide, unlock, then send. A harvester whose message chia would raise on is
//! disconnected; the others are unaffected.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chia_bls::PublicKey;
use sickle_peer::handshake::node_type;
use sickle_peer::{
    Connection, Message, Peer, PeerConfig, PeerEvent, ServerConfig, TlsSetup, serve,
};
use sickle_pos::consensus::prefix_bits;
use sickle_protocol::{SignagePointFormat, signage_point_format};
use sickle_streamable::Streamable;
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::chain::{SignagePoint, SignagePointSource};
use crate::farming::{Farmer, FarmerCounters, ProofOutcome};
use crate::messages::{
    FarmingInfo, HarvesterHandshake, NewProofOfSpace, NewSignagePointHarvester,
    NewSignagePointHarvester2, PlotSyncResponse, PoolDifficulty, RequestSignatures,
    RespondSignatures, decode_plot_sync, ids,
};
use crate::partials::{PartialDecision, PendingPartial};
use crate::plot_sync::{PlotSyncReceiver, duplicates_across};
use crate::status::{HarvesterStatus, Status};

/// Longest one signage point send to one harvester may wait for queue space; the wait is also
/// capped at half the signage point interval, so a stuck harvester cannot slow the chain.
pub const FAN_OUT_SEND_TIMEOUT: Duration = Duration::from_secs(5);

/// One connected harvester.
#[derive(Debug)]
struct HarvesterEntry {
    peer: Peer,
    host: String,
    version: String,
    /// Which `new_signage_point_harvester` it gets; `None` for 0.0.37 (harvester-farmer §3).
    format: Option<SignagePointFormat>,
    receiver: PlotSyncReceiver,
    proofs: u64,
    invalid_proofs: u64,
    last_seen: u64,
    farming_info: Option<FarmingInfo>,
}

struct Shared {
    network: String,
    farmer: Farmer,
    source: Box<dyn SignagePointSource>,
    harvesters: HashMap<[u8; 32], HarvesterEntry>,
    /// Blocks the source took (the simulated chain's count).
    blocks_recorded: u64,
}

/// The running farmer, shared by its tasks; clone it to read the status from a test.
#[derive(Clone)]
pub struct FarmerService {
    shared: Arc<Mutex<Shared>>,
    handshake: Arc<Vec<u8>>,
    /// Partial-signing exchanges, which outlive the message that started them; `run` waits for
    /// them before it returns.
    partial_tasks: TaskTracker,
}

impl std::fmt::Debug for FarmerService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FarmerService").finish_non_exhaustive()
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .unwrap_or(0)
}

impl FarmerService {
    /// A service for `farmer` fed by `source`; `pool_public_keys` is `farmer.pool_public_keys`.
    pub fn new(
        network: &str,
        farmer: Farmer,
        source: Box<dyn SignagePointSource>,
        pool_public_keys: Vec<PublicKey>,
    ) -> Self {
        let handshake = HarvesterHandshake {
            farmer_public_keys: farmer.keys().handshake_farmer_public_keys(),
            pool_public_keys,
        };
        Self {
            shared: Arc::new(Mutex::new(Shared {
                network: network.to_owned(),
                farmer,
                source,
                harvesters: HashMap::new(),
                blocks_recorded: 0,
            })),
            handshake: Arc::new(handshake.to_bytes()),
            partial_tasks: TaskTracker::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Shared> {
        // A panic while holding the lock leaves consistent-enough counters; keep serving.
        self.shared
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Plot ids (hex, sorted) per harvester node id (hex), from the last completed plot syncs.
    pub fn plot_ids(&self) -> std::collections::BTreeMap<String, Vec<String>> {
        let shared = self.lock();
        shared
            .harvesters
            .iter()
            .map(|(node_id, entry)| {
                let mut ids: Vec<String> = entry
                    .receiver
                    .plots()
                    .values()
                    .map(|plot| hex::encode(plot.plot_id))
                    .collect();
                ids.sort_unstable();
                (hex::encode(node_id), ids)
            })
            .collect()
    }

    /// Pool partials signed and recorded so far (oldest first).
    pub fn partials(&self) -> Vec<crate::partials::PostPartialRequest> {
        self.lock().farmer.partials().to_vec()
    }

    /// Adds a plot NFT the farmer pools with (its difficulty joins every signage point).
    pub fn add_plot_nft(&self, nft: crate::partials::PlotNft) {
        self.lock().farmer.add_plot_nft(nft);
    }

    /// A snapshot for `/status` and `/metrics`.
    pub fn status(&self) -> Status {
        let shared = self.lock();
        let counters: FarmerCounters = shared.farmer.counters();
        let across = duplicates_across(
            shared
                .harvesters
                .iter()
                .map(|(node_id, entry)| (node_id, &entry.receiver)),
        );
        let mut harvesters: Vec<HarvesterStatus> = shared
            .harvesters
            .iter()
            .map(|(node_id, entry)| {
                let shared_plots = entry
                    .receiver
                    .plots()
                    .values()
                    .filter(|plot| across.contains_key(&plot.plot_id))
                    .count();
                HarvesterStatus {
                    node_id: hex::encode(node_id),
                    host: entry.host.clone(),
                    version: entry.version.clone(),
                    plots: entry.receiver.plots().len(),
                    failed: entry.receiver.invalid().len(),
                    no_key: entry.receiver.keys_missing().len(),
                    duplicates: entry.receiver.duplicates().len(),
                    duplicates_across_harvesters: shared_plots,
                    total_plot_size: entry.receiver.total_plot_size(),
                    proofs: entry.proofs,
                    invalid_proofs: entry.invalid_proofs,
                    last_seen: entry.last_seen,
                    last_sync_time: entry.receiver.last_sync().time_done,
                    syncing: entry.receiver.current_sync().sync_id != 0,
                    last_farming_info_passed: entry.farming_info.as_ref().map(|i| i.passed),
                }
            })
            .collect();
        harvesters.sort_by(|a, b| a.node_id.cmp(&b.node_id));
        Status {
            network: shared.network.clone(),
            signage_points: counters.signage_points,
            proofs: counters.proofs,
            invalid_proofs: counters.invalid_proofs,
            signatures_verified: counters.signatures_verified,
            blocks: shared.blocks_recorded,
            partials: counters.partials,
            partials_failed: counters.partials_failed,
            harvesters,
        }
    }

    /// Serves harvesters on `listener` and signage points from the source until `shutdown`;
    /// returns once every connection is closed.
    pub async fn run(
        &self,
        listener: TcpListener,
        tls: TlsSetup,
        config: ServerConfig,
        shutdown: CancellationToken,
    ) {
        let tracker = TaskTracker::new();
        let (accepted_tx, mut accepted) = mpsc::channel::<Connection>(64);
        tracker.spawn(serve(listener, tls, config, accepted_tx, shutdown.clone()));
        let ticker = self.clone();
        let tick_shutdown = shutdown.clone();
        tracker.spawn(async move { ticker.signage_points(tick_shutdown).await });
        loop {
            let connection = tokio::select! {
                _ = shutdown.cancelled() => break,
                connection = accepted.recv() => match connection {
                    Some(connection) => connection,
                    None => break,
                },
            };
            let service = self.clone();
            tracker.spawn(async move { service.harvester(connection).await });
        }
        tracker.close();
        tracker.wait().await;
        // The connections are closed, so a pending signature request fails at once.
        self.partial_tasks.close();
        self.partial_tasks.wait().await;
    }

    /// The settings chia's farmer uses for harvester connections on `network`.
    /// Every inbound payload of a harvester-link type is strictly decoded before it is delivered
    /// (sickle-peer's `harvester_link_check`): one that does not decode closes the connection with
    /// 1002, as chia's handlers do.
    pub fn peer_config(network: &str, port: u16) -> PeerConfig {
        let mut config = PeerConfig::new(network, node_type::FARMER, port);
        config.payload_check = Some(sickle_peer::harvester_link_check);
        config
    }

    async fn signage_points(&self, shutdown: CancellationToken) {
        let interval = self.lock().source.interval();
        let interval = interval.max(Duration::from_millis(1));
        // The first signage point comes one interval after start, when harvesters had a chance
        // to connect.
        let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + interval, interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = shutdown.cancelled() => return,
                _ = ticker.tick() => {}
            }
            self.broadcast_next().await;
        }
    }

    /// Takes the next signage point from the source and sends it to every harvester; returns it.
    pub async fn broadcast_next(&self) -> SignagePoint {
        let (sp, sends, wait) = {
            let mut shared = self.lock();
            let wait = (shared.source.interval() / 2)
                .clamp(Duration::from_millis(10), FAN_OUT_SEND_TIMEOUT);
            let sp = shared.source.next_signage_point();
            shared.farmer.add_signage_point(sp.clone(), unix_now());
            shared.farmer.prune(unix_now());
            let mut entries = shared.farmer.pool_difficulties();
            entries.extend(shared.source.pool_difficulties());
            let pool_difficulties: Vec<PoolDifficulty> = entries
                .into_iter()
                .map(|entry| PoolDifficulty {
                    difficulty: entry.difficulty,
                    sub_slot_iters: shared.farmer.constants().pool_sub_slot_iters,
                    pool_contract_puzzle_hash: entry.pool_contract_puzzle_hash.into(),
                })
                .collect();
            let new = NewSignagePointHarvester2 {
                challenge_hash: sp.challenge_hash.into(),
                difficulty: sp.difficulty,
                sub_slot_iters: sp.sub_slot_iters,
                signage_point_index: sp.signage_point_index,
                sp_hash: sp.challenge_chain_sp.into(),
                pool_difficulties: pool_difficulties.clone(),
                peak_height: sp.peak_height,
                last_tx_height: sp.last_tx_height,
                filter_challenge: sp.filter_challenge.map(Into::into),
            }
            .to_bytes();
            let old = NewSignagePointHarvester {
                challenge_hash: sp.challenge_hash.into(),
                difficulty: sp.difficulty,
                sub_slot_iters: sp.sub_slot_iters,
                signage_point_index: sp.signage_point_index,
                sp_hash: sp.challenge_chain_sp.into(),
                pool_difficulties,
                filter_prefix_bits: prefix_bits(shared.farmer.constants(), sp.peak_height),
            }
            .to_bytes();
            let (new, old) = (bytes::Bytes::from(new), bytes::Bytes::from(old));
            let sends: Vec<(Peer, bytes::Bytes)> = shared
                .harvesters
                .values()
                .filter_map(|entry| match entry.format {
                    Some(SignagePointFormat::V2) => Some((entry.peer.clone(), new.clone())),
                    Some(SignagePointFormat::V1) => Some((entry.peer.clone(), old.clone())),
                    None => None,
                })
                .collect();
            (sp, sends, wait)
        };
        let sends = sends.into_iter().map(|(peer, payload)| async move {
            let send = peer.notify(ids::NEW_SIGNAGE_POINT_HARVESTER, payload);
            match tokio::time::timeout(wait, send).await {
                Ok(Ok(())) => {}
                Ok(Err(err)) => tracing::debug!(%err, "signage point not sent"),
                Err(_) => tracing::warn!(
                    node_id = %hex::encode(peer.node_id()),
                    ?wait,
                    "harvester queue stayed full; signage point dropped for it"
                ),
            }
        });
        futures::future::join_all(sends).await;
        sp
    }

    async fn harvester(&self, connection: Connection) {
        let Connection { peer, mut events } = connection;
        let info = peer.info().clone();
        let node_id = info.node_id;
        if info.node_type() != node_type::HARVESTER {
            tracing::info!(node_type = info.node_type(), "not a harvester; closing");
            peer.close();
            return;
        }
        {
            let mut shared = self.lock();
            let receiver = PlotSyncReceiver::new(shared.farmer.constants().clone());
            let entry = HarvesterEntry {
                peer: peer.clone(),
                host: info.remote_addr.to_string(),
                version: info.handshake.protocol_version.clone(),
                format: signage_point_format(&info.protocol_version),
                receiver,
                proofs: 0,
                invalid_proofs: 0,
                last_seen: unix_now(),
                farming_info: None,
            };
            if let Some(old) = shared.harvesters.insert(node_id, entry) {
                // A second connection from the same node replaces the first, as in chia.
                old.peer.close();
            }
        }
        tracing::info!(node_id = %hex::encode(node_id), addr = %info.remote_addr, "harvester connected");
        let handshake = bytes::Bytes::from(self.handshake.as_ref().clone());
        if let Err(err) = peer.notify(ids::HARVESTER_HANDSHAKE, handshake).await {
            tracing::info!(%err, "harvester left before the handshake");
        }
        while let Some(event) = events.recv().await {
            match event {
                PeerEvent::Message(message) => {
                    if let Err(reason) = self.on_message(&peer, node_id, &message).await {
                        tracing::warn!(node_id = %hex::encode(node_id), %reason, "closing harvester");
                        peer.close();
                    }
                }
                PeerEvent::Closed(reason) => {
                    tracing::info!(node_id = %hex::encode(node_id), ?reason, "harvester disconnected");
                    break;
                }
                other => tracing::debug!(?other, "ignored peer event"),
            }
        }
        let mut shared = self.lock();
        // Only forget the entry if it is still this connection's.
        if shared
            .harvesters
            .get(&node_id)
            .is_some_and(|entry| entry.peer.is_closed())
        {
            shared.harvesters.remove(&node_id);
        }
    }

    /// Handles one message; `Err` closes the connection (chia raises there).
    async fn on_message(
        &self,
        peer: &Peer,
        node_id: [u8; 32],
        message: &Message,
    ) -> Result<(), String> {
        let payload = message.data.as_ref();
        if let Some(decoded) = decode_plot_sync(message.msg_type, payload) {
            let (identifier, body) =
                decoded.map_err(|err| format!("undecodable plot sync message: {err}"))?;
            let response = {
                let mut shared = self.lock();
                let Some(entry) = shared.harvesters.get_mut(&node_id) else {
                    return Ok(());
                };
                entry.last_seen = unix_now();
                let answer = entry.receiver.handle(identifier, &body, unix_now());
                PlotSyncResponse::from(&answer).to_bytes()
            };
            peer.notify(ids::PLOT_SYNC_RESPONSE, response)
                .await
                .map_err(|err| err.to_string())?;
            return Ok(());
        }
        match message.msg_type {
            ids::NEW_PROOF_OF_SPACE => self.on_proof(peer, node_id, payload).await,
            ids::RESPOND_SIGNATURES => {
                let response = RespondSignatures::from_bytes(payload).map_err(|err| {
                    self.count_invalid(node_id);
                    format!("undecodable respond_signatures: {err}")
                })?;
                let mut shared = self.lock();
                match shared.farmer.respond_signatures(&response) {
                    Ok(Some(block)) => {
                        shared.source.submit_block(block.won);
                        shared.blocks_recorded += 1;
                        Ok(())
                    }
                    Ok(None) => Ok(()),
                    Err(fault) => {
                        if let Some(entry) = shared.harvesters.get_mut(&node_id) {
                            entry.invalid_proofs += 1;
                        }
                        Err(fault.to_string())
                    }
                }
            }
            ids::FARMING_INFO => {
                let info = FarmingInfo::from_bytes(payload)
                    .map_err(|err| format!("undecodable farming_info: {err}"))?;
                let mut shared = self.lock();
                if let Some(entry) = shared.harvesters.get_mut(&node_id) {
                    entry.last_seen = unix_now();
                    entry.farming_info = Some(info);
                }
                Ok(())
            }
            other => {
                tracing::debug!(msg_type = other, "message ignored");
                Ok(())
            }
        }
    }

    fn count_invalid(&self, node_id: [u8; 32]) {
        let mut shared = self.lock();
        shared.farmer.note_invalid_message();
        if let Some(entry) = shared.harvesters.get_mut(&node_id) {
            entry.invalid_proofs += 1;
        }
    }

    async fn on_proof(&self, peer: &Peer, node_id: [u8; 32], payload: &[u8]) -> Result<(), String> {
        let proof = NewProofOfSpace::from_bytes(payload).map_err(|err| {
            self.count_invalid(node_id);
            format!("undecodable new_proof_of_space: {err}")
        })?;
        let (requests, partial) = {
            let mut shared = self.lock();
            let outcome = shared
                .farmer
                .new_proof_of_space(node_id, &proof, unix_now());
            let entry = shared.harvesters.get_mut(&node_id);
            match (outcome, entry) {
                (
                    Ok(ProofOutcome::Valid {
                        requests, partial, ..
                    }),
                    entry,
                ) => {
                    if let Some(entry) = entry {
                        entry.proofs += 1;
                        entry.last_seen = unix_now();
                    }
                    (requests, partial)
                }
                (Ok(ProofOutcome::Invalid(invalid)), entry) => {
                    tracing::error!(
                        node_id = %hex::encode(node_id),
                        plot_identifier = %proof.plot_identifier,
                        %invalid,
                        "invalid proof of space"
                    );
                    if let Some(entry) = entry {
                        entry.invalid_proofs += 1;
                    }
                    (Vec::new(), None)
                }
                (Ok(other), _) => {
                    tracing::info!(?other, "proof not taken");
                    (Vec::new(), None)
                }
                (Err(fault), entry) => {
                    if let Some(entry) = entry {
                        entry.invalid_proofs += 1;
                    }
                    return Err(fault.to_string());
                }
            }
        };
        for request in requests {
            peer.notify(ids::REQUEST_SIGNATURES, request.to_bytes())
                .await
                .map_err(|err| err.to_string())?;
        }
        if let Some(PartialDecision::Sign(pending)) = partial {
            // The harvester answers by id; its other messages keep flowing meanwhile.
            let service = self.clone();
            let peer = peer.clone();
            let request = RequestSignatures {
                plot_identifier: proof.plot_identifier.clone(),
                challenge_hash: proof.challenge_hash,
                sp_hash: proof.sp_hash,
                messages: vec![pending.message.into()],
                message_data: None,
                rc_block_unfinished: None,
            };
            self.partial_tasks
                .spawn(async move { service.sign_partial(peer, request, pending).await });
        }
        Ok(())
    }

    async fn sign_partial(
        &self,
        peer: Peer,
        request: RequestSignatures,
        pending: Box<PendingPartial>,
    ) {
        let answer = peer
            .request(ids::REQUEST_SIGNATURES, request.to_bytes())
            .await;
        let response = match answer {
            Ok(message) if message.msg_type == ids::RESPOND_SIGNATURES => {
                RespondSignatures::from_bytes(&message.data).map_err(|err| err.to_string())
            }
            Ok(message) => Err(format!("answered with message type {}", message.msg_type)),
            Err(err) => Err(err.to_string()),
        };
        let mut shared = self.lock();
        let response = match response {
            Ok(response) => response,
            Err(reason) => {
                tracing::error!(%reason, "invalid partial signature response from harvester");
                shared.farmer.note_partial_failed();
                return;
            }
        };
        match shared.farmer.finish_partial(&pending, &response) {
            Ok(partial) => tracing::info!(
                launcher_id = %hex::encode(partial.payload.launcher_id),
                "partial signed and recorded"
            ),
            Err(error) => {
                tracing::warn!(%error, "partial refused; closing harvester");
                peer.close();
            }
        }
    }
}
