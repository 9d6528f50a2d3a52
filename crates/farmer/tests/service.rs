//! The farmer service over real mutual TLS on 127.0.0.1 with scripted harvesters: handshake keys,
//! plot sync, signage point fan-out, the §12.4 proof signed into a block, lying harvesters
//! disconnected without affecting an honest one, and 100 harvesters at once.
//!
//! Certificates: `tests/data/certs` (made by chia 2.7.5's own generators).

#![allow(clippy::unwrap_used)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use chia_bls::{PublicKey, SecretKey};
use sickle_farmer::messages::{
    HarvesterHandshake, NewProofOfSpace, NewSignagePointHarvester2, PlotSyncDone,
    PlotSyncIdentifier, PlotSyncPathList, PlotSyncResponse, PlotSyncStart, RequestSignatures,
    RespondSignatures, ids,
};
use sickle_farmer::{
    Farmer, FarmerKeys, FarmerService, ProofOfSpace, RewardTargets, SignagePoint,
    SignagePointSource, SimChain, SimChainConfig, WonBlock, serve_status,
};
use sickle_peer::handshake::node_type;
use sickle_peer::{Connection, Message, PeerConfig, PeerEvent, ServerConfig, TlsSetup, connect};
use sickle_pos::ConsensusConstants;
use sickle_pos::keys::{local_sk, master_sk_from_seed, sign_with_plot_key};
use sickle_streamable::Streamable;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

const NETWORK: &str = "testnet11";
const PATIENCE: Duration = Duration::from_secs(30);
const CHALLENGE_HASH: &str = "4628b646302039fb72862185cd5b60cb2f19e4bef63c0c4a65e0511410845b5c";
const POS_CHALLENGE: &str = "9e3cad819c98cece0b8dfe70ebbb7d01aff086b96d28490ac2c4b0b408725883";
const PROOF: &str = "28dc7166b7eef05b879fedd40ab4a95065d0517db7ceec115378e9584723c198b323647a5ef14e0288b872ef\
    2f3caedf9de5f127caae178d7f1ed9fbb3cd5d841a697b23cfd8dbdfdc606d44b4b267d19da237021548ccd6\
    21dc12b7b75aac7dfc2f84a6c3a786d0c49ba7d5bebccba20f83a067cbfe630d92040db393c1ce6c587291c5\
    69bcb5e7c61b9a904074d846";
const QUALITY: &str = "d82e9cd54dce78433440632dc1d7977d857562fa2b170272444f5adeffdcc75b";

fn cert(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/certs")
        .join(name)
}

fn tls(ca: &str, node: &str) -> TlsSetup {
    TlsSetup::from_files(
        &cert(&format!("{ca}.crt")),
        &cert(&format!("{node}.crt")),
        &cert(&format!("{node}.key")),
    )
    .unwrap()
}

fn bytes32(text: &str) -> [u8; 32] {
    hex::decode(text).unwrap().try_into().unwrap()
}

/// A source that replays the §12.4 signage point once, then simulated ones; records blocks.
struct Scripted {
    constants: ConsensusConstants,
    first: Option<SignagePoint>,
    sim: SimChain,
    blocks: std::sync::Arc<std::sync::Mutex<Vec<WonBlock>>>,
}

impl SignagePointSource for Scripted {
    fn constants(&self) -> &ConsensusConstants {
        &self.constants
    }
    fn interval(&self) -> Duration {
        // The tests drive signage points by hand.
        Duration::from_secs(3600)
    }
    fn next_signage_point(&mut self) -> SignagePoint {
        self.first
            .take()
            .unwrap_or_else(|| self.sim.next_signage_point())
    }
    fn pool_difficulties(&self) -> Vec<sickle_farmer::PoolDifficultyEntry> {
        Vec::new()
    }
    fn submit_block(&mut self, block: WonBlock) {
        self.blocks.lock().unwrap().push(block);
    }
}

fn section_12_4_sp() -> SignagePoint {
    SignagePoint {
        challenge_hash: bytes32(CHALLENGE_HASH),
        challenge_chain_sp: [0x22; 32],
        reward_chain_sp: [0x33; 32],
        difficulty: 1,
        sub_slot_iters: 1 << 63,
        signage_point_index: 7,
        peak_height: 0,
        last_tx_height: 0,
        filter_challenge: None,
    }
}

struct Harness {
    addr: SocketAddr,
    status_addr: SocketAddr,
    service: FarmerService,
    shutdown: CancellationToken,
    blocks: std::sync::Arc<std::sync::Mutex<Vec<WonBlock>>>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

fn keys() -> FarmerKeys {
    let seed: Vec<u8> = (0u8..32).collect();
    FarmerKeys::from_master_sk(&master_sk_from_seed(&seed).unwrap())
}

async fn start(max_connections: usize) -> Harness {
    let constants = ConsensusConstants::testnet11();
    let farmer = Farmer::new(
        constants.clone(),
        NETWORK,
        keys(),
        RewardTargets {
            farmer: [0x66; 32],
            pool: [0x77; 32],
        },
    );
    let blocks = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let source = Scripted {
        constants: constants.clone(),
        first: Some(section_12_4_sp()),
        sim: SimChain::new(SimChainConfig::new(constants.clone())).unwrap(),
        blocks: blocks.clone(),
    };
    let pool_pk = keys().pool_public_keys()[0];
    let service = FarmerService::new(NETWORK, farmer, Box::new(source), vec![pool_pk]);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let status_listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let status_addr = status_listener.local_addr().unwrap();
    let shutdown = CancellationToken::new();
    let mut peer = FarmerService::peer_config(NETWORK, addr.port());
    peer.keepalive = None;
    let config = ServerConfig {
        peer,
        max_connections,
    };
    let run = {
        let service = service.clone();
        let shutdown = shutdown.clone();
        tokio::spawn(async move {
            service
                .run(listener, tls("ca_a", "a1"), config, shutdown)
                .await;
        })
    };
    let status = tokio::spawn(serve_status(
        status_listener,
        service.clone(),
        shutdown.clone(),
    ));
    Harness {
        addr,
        status_addr,
        service,
        shutdown,
        blocks,
        tasks: vec![run, status],
    }
}

impl Harness {
    async fn stop(self) {
        self.shutdown.cancel();
        for task in self.tasks {
            tokio::time::timeout(PATIENCE, task).await.unwrap().unwrap();
        }
    }

    async fn wait_for(&self, what: &str, check: impl Fn(&sickle_farmer::Status) -> bool) {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            if check(&self.service.status()) {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "timed out waiting for {what}: {:?}",
                self.service.status()
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

/// A scripted harvester: a real sickle-peer connection with node type 2.
struct Harvester {
    connection: Connection,
}

impl Harvester {
    async fn connect(addr: SocketAddr, node: &str) -> Self {
        let mut config = PeerConfig::new(NETWORK, node_type::HARVESTER, 0);
        config.keepalive = None;
        let connection = connect(addr, &tls("ca_a", node), &config).await.unwrap();
        Self { connection }
    }

    async fn next(&mut self) -> Message {
        let event = tokio::time::timeout(PATIENCE, self.connection.events.recv())
            .await
            .expect("no message from the farmer")
            .expect("connection gone");
        match event {
            PeerEvent::Message(message) => message,
            other => panic!("unexpected event {other:?}"),
        }
    }

    async fn expect(&mut self, msg_type: u8) -> Message {
        let message = self.next().await;
        assert_eq!(message.msg_type, msg_type, "got {message:?}");
        message
    }

    async fn send(&self, msg_type: u8, payload: Vec<u8>) {
        self.connection
            .peer
            .notify(msg_type, payload)
            .await
            .unwrap();
    }

    async fn closed(&mut self) -> bool {
        let wait = async {
            while let Some(event) = self.connection.events.recv().await {
                if matches!(event, PeerEvent::Closed(_)) {
                    return true;
                }
            }
            true
        };
        tokio::time::timeout(PATIENCE, wait).await.unwrap_or(false)
    }

    /// An empty plot sync: start, the four path lists, done.
    async fn plot_sync(&mut self, sync_id: u64) {
        let id = |message_id| PlotSyncIdentifier {
            timestamp: 1_700_000_000,
            sync_id,
            message_id,
        };
        let start = PlotSyncStart {
            identifier: id(0),
            initial: true,
            last_sync_id: 0,
            plot_file_count: 0,
            harvesting_mode: 1,
        };
        self.send(ids::PLOT_SYNC_START, start.to_bytes()).await;
        self.ok_response(78).await;
        for (n, msg_type) in [
            ids::PLOT_SYNC_REMOVED,
            ids::PLOT_SYNC_INVALID,
            ids::PLOT_SYNC_KEYS_MISSING,
            ids::PLOT_SYNC_DUPLICATES,
        ]
        .into_iter()
        .enumerate()
        {
            let data = if msg_type == ids::PLOT_SYNC_INVALID {
                vec!["/plots/broken.plot".to_owned()]
            } else {
                Vec::new()
            };
            let list = PlotSyncPathList {
                identifier: id(n as u64 + 1),
                data,
                r#final: true,
            };
            self.send(msg_type, list.to_bytes()).await;
            self.ok_response(i16::from(msg_type)).await;
        }
        let done = PlotSyncDone {
            identifier: id(5),
            duration: 0,
        };
        self.send(ids::PLOT_SYNC_DONE, done.to_bytes()).await;
        self.ok_response(84).await;
    }

    async fn ok_response(&mut self, msg_type: i16) {
        let message = self.expect(ids::PLOT_SYNC_RESPONSE).await;
        assert_eq!(message.id, None);
        let response = PlotSyncResponse::from_bytes(&message.data).unwrap();
        assert_eq!(response.message_type, msg_type);
        assert_eq!(response.error, None);
    }
}

struct Plot {
    local_sk: SecretKey,
    farmer_pk: PublicKey,
    proof: ProofOfSpace,
}

fn plot() -> Plot {
    let keys = keys();
    let farmer_pk = keys.farmer_public_keys()[0];
    let local_sk = local_sk(&master_sk_from_seed(&[0x42; 32]).unwrap());
    let proof = ProofOfSpace::v1(
        bytes32(POS_CHALLENGE).into(),
        Some(keys.pool_public_keys()[0]),
        None,
        local_sk.public_key() + &farmer_pk,
        18,
        hex::decode(PROOF).unwrap(),
    );
    Plot {
        local_sk,
        farmer_pk,
        proof,
    }
}

fn new_proof(proof: ProofOfSpace) -> NewProofOfSpace {
    NewProofOfSpace {
        challenge_hash: bytes32(CHALLENGE_HASH).into(),
        sp_hash: [0x22; 32].into(),
        plot_identifier: format!("{QUALITY}/plots/plot-k18.plot"),
        proof,
        signage_point_index: 7,
        include_source_signature_data: false,
        farmer_reward_address_override: None,
        fee_info: None,
    }
}

fn sign(plot: &Plot, request: &RequestSignatures, wrong: bool) -> RespondSignatures {
    RespondSignatures {
        plot_identifier: request.plot_identifier.clone(),
        challenge_hash: request.challenge_hash,
        sp_hash: request.sp_hash,
        local_pk: plot.local_sk.public_key(),
        farmer_pk: plot.farmer_pk,
        message_signatures: request
            .messages
            .iter()
            .map(|m| {
                let signed = if wrong { [0x99; 32].into() } else { *m };
                let share = sign_with_plot_key(
                    &plot.local_sk,
                    signed.as_ref(),
                    &plot.proof.plot_public_key,
                );
                (*m, share)
            })
            .collect(),
        include_source_signature_data: false,
        farmer_reward_address_override: None,
    }
}

async fn http_get(addr: SocketAddr, path: &str) -> String {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let mut out = String::new();
    stream.read_to_string(&mut out).await.unwrap();
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_harvester_is_synced_and_its_proof_becomes_a_block() {
    let harness = start(16).await;
    let mut harvester = Harvester::connect(harness.addr, "a2").await;
    // The handshake carries [farmer_pk, pool_pk] and the configured pool keys.
    let handshake = harvester.expect(ids::HARVESTER_HANDSHAKE).await;
    let handshake = HarvesterHandshake::from_bytes(&handshake.data).unwrap();
    let keys = keys();
    assert_eq!(
        handshake.farmer_public_keys,
        [keys.farmer_public_keys()[0], keys.pool_public_keys()[0]]
    );
    assert_eq!(handshake.pool_public_keys, keys.pool_public_keys());

    harvester.plot_sync(1_700_000_000).await;
    harness
        .wait_for("plot sync", |s| {
            s.harvesters.first().is_some_and(|h| h.failed == 1)
        })
        .await;

    // The §12.4 signage point reaches the harvester in the 0.0.38 format.
    harness.service.broadcast_next().await;
    let sp = harvester.expect(ids::NEW_SIGNAGE_POINT_HARVESTER).await;
    let sp = NewSignagePointHarvester2::from_bytes(&sp.data).unwrap();
    assert_eq!(sp.sp_hash, [0x22; 32]);
    assert_eq!(sp.signage_point_index, 7);

    let plot = plot();
    harvester
        .send(
            ids::NEW_PROOF_OF_SPACE,
            new_proof(plot.proof.clone()).to_bytes(),
        )
        .await;
    let request = harvester.expect(ids::REQUEST_SIGNATURES).await;
    assert_eq!(
        request.id, None,
        "sp signatures are requested without an id"
    );
    let request = RequestSignatures::from_bytes(&request.data).unwrap();
    assert_eq!(request.messages, [[0x22; 32], [0x33; 32]]);
    harvester
        .send(
            ids::RESPOND_SIGNATURES,
            sign(&plot, &request, false).to_bytes(),
        )
        .await;
    harness.wait_for("a block", |s| s.blocks == 1).await;
    let status = harness.service.status();
    assert_eq!((status.proofs, status.signatures_verified), (1, 2));
    assert_eq!(status.harvesters[0].proofs, 1);
    assert_eq!(
        hex::encode(harness.blocks.lock().unwrap()[0].quality_string),
        QUALITY
    );

    // The status page and metrics over HTTP.
    let page = http_get(harness.status_addr, "/status").await;
    assert!(page.starts_with("HTTP/1.1 200 OK"), "{page}");
    let body = page.split("\r\n\r\n").nth(1).unwrap();
    let json: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!(json["network"], NETWORK);
    assert_eq!(json["blocks"], 1);
    assert_eq!(json["harvesters"][0]["failed"], 1);
    for field in [
        "node_id",
        "host",
        "version",
        "plots",
        "no_key",
        "duplicates",
        "invalid_proofs",
        "last_seen",
    ] {
        assert!(!json["harvesters"][0][field].is_null(), "missing {field}");
    }
    let plots = http_get(harness.status_addr, "/plots").await;
    assert!(plots.starts_with("HTTP/1.1 200 OK"), "{plots}");
    let plots: serde_json::Value =
        serde_json::from_str(plots.split("\r\n\r\n").nth(1).unwrap()).unwrap();
    assert_eq!(
        plots.as_object().unwrap().len(),
        1,
        "one harvester, no plots: {plots}"
    );
    let metrics = http_get(harness.status_addr, "/metrics").await;
    assert!(
        metrics.contains("sickle_farmer_blocks_total 1"),
        "{metrics}"
    );
    assert!(
        http_get(harness.status_addr, "/nope")
            .await
            .starts_with("HTTP/1.1 404")
    );
    harness.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lying_harvesters_are_dropped_and_the_honest_one_keeps_farming() {
    let harness = start(16).await;
    let mut honest = Harvester::connect(harness.addr, "a2").await;
    honest.expect(ids::HARVESTER_HANDSHAKE).await;
    harness
        .wait_for("one harvester", |s| s.harvesters.len() == 1)
        .await;
    harness.service.broadcast_next().await;
    honest.expect(ids::NEW_SIGNAGE_POINT_HARVESTER).await;
    let plot = plot();

    // Liar 1: a bad proof. chia logs and drops it; the connection stays.
    let mut liar = Harvester::connect(harness.addr, "a3").await;
    liar.expect(ids::HARVESTER_HANDSHAKE).await;
    let mut bad = plot.proof.clone();
    bad.proof[5] ^= 0x10;
    liar.send(ids::NEW_PROOF_OF_SPACE, new_proof(bad).to_bytes())
        .await;
    harness
        .wait_for("an invalid proof", |s| s.invalid_proofs == 1)
        .await;

    // Liar 1 again: garbage instead of a proof closes its connection.
    liar.send(ids::NEW_PROOF_OF_SPACE, vec![1, 2, 3]).await;
    assert!(liar.closed().await, "garbage must close the connection");

    // Liar 2: a valid proof, then a wrong signature share: disconnected, no block.
    let mut liar = Harvester::connect(harness.addr, "a3").await;
    liar.expect(ids::HARVESTER_HANDSHAKE).await;
    liar.send(
        ids::NEW_PROOF_OF_SPACE,
        new_proof(plot.proof.clone()).to_bytes(),
    )
    .await;
    let request =
        RequestSignatures::from_bytes(&liar.expect(ids::REQUEST_SIGNATURES).await.data).unwrap();
    liar.send(
        ids::RESPOND_SIGNATURES,
        sign(&plot, &request, true).to_bytes(),
    )
    .await;
    assert!(
        liar.closed().await,
        "a wrong share must close the connection"
    );

    // Liar 3: a wrong plot key (another local key) in the response.
    let mut liar = Harvester::connect(harness.addr, "a3").await;
    liar.expect(ids::HARVESTER_HANDSHAKE).await;
    liar.send(
        ids::NEW_PROOF_OF_SPACE,
        new_proof(plot.proof.clone()).to_bytes(),
    )
    .await;
    let request =
        RequestSignatures::from_bytes(&liar.expect(ids::REQUEST_SIGNATURES).await.data).unwrap();
    let mut response = sign(&plot, &request, false);
    response.local_pk = plot.farmer_pk;
    liar.send(ids::RESPOND_SIGNATURES, response.to_bytes())
        .await;
    assert!(
        liar.closed().await,
        "a wrong plot key must close the connection"
    );
    assert_eq!(harness.service.status().blocks, 0);

    // The honest harvester was never disturbed.
    honest
        .send(
            ids::NEW_PROOF_OF_SPACE,
            new_proof(plot.proof.clone()).to_bytes(),
        )
        .await;
    let request =
        RequestSignatures::from_bytes(&honest.expect(ids::REQUEST_SIGNATURES).await.data).unwrap();
    honest
        .send(
            ids::RESPOND_SIGNATURES,
            sign(&plot, &request, false).to_bytes(),
        )
        .await;
    harness
        .wait_for("the honest block", |s| s.blocks == 1)
        .await;
    harness
        .wait_for("the liars to be gone", |s| s.harvesters.len() == 1)
        .await;
    harness.stop().await;
}

/// `n` node certificates signed by CA `ca_a`, all for the fixture key of `a2` but with distinct
/// serials, so distinct node ids (a node id is the SHA-256 of the certificate).
fn many_tls(n: u64) -> Vec<TlsSetup> {
    use rcgen::{CertificateParams, DnType, KeyPair, PKCS_RSA_SHA256, SerialNumber};
    let read = |name: &str| std::fs::read_to_string(cert(name)).unwrap();
    let (ca_pem, ca_key_pem, key_pem) = (read("ca_a.crt"), read("ca_a.key"), read("a2.key"));
    let ca_key = KeyPair::from_pem_and_sign_algo(&ca_key_pem, &PKCS_RSA_SHA256).unwrap();
    let issuer = CertificateParams::from_ca_cert_pem(&ca_pem)
        .unwrap()
        .self_signed(&ca_key)
        .unwrap();
    let key = KeyPair::from_pem_and_sign_algo(&key_pem, &PKCS_RSA_SHA256).unwrap();
    (1..=n)
        .map(|serial| {
            let mut params = CertificateParams::default();
            params.distinguished_name.push(DnType::CommonName, "Chia");
            params.serial_number = Some(SerialNumber::from_slice(&serial.to_be_bytes()));
            let node = params.signed_by(&key, &issuer, &ca_key).unwrap();
            TlsSetup::from_pem(&ca_pem, &node.pem(), &key_pem).unwrap()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_hundred_harvesters_get_every_signage_point() {
    let harness = start(128).await;
    let mut config = PeerConfig::new(NETWORK, node_type::HARVESTER, 0);
    config.keepalive = None;
    let mut harvesters = Vec::new();
    for tls in many_tls(100) {
        let connection = connect(harness.addr, &tls, &config).await.unwrap();
        harvesters.push(Harvester { connection });
    }
    for harvester in &mut harvesters {
        harvester.expect(ids::HARVESTER_HANDSHAKE).await;
    }
    harness
        .wait_for("100 harvesters", |s| s.harvesters.len() == 100)
        .await;
    let started = std::time::Instant::now();
    let first = harness.service.broadcast_next().await;
    let second = harness.service.broadcast_next().await;
    let fan_out = started.elapsed();
    for harvester in &mut harvesters {
        for expected in [&first, &second] {
            let message = harvester.expect(ids::NEW_SIGNAGE_POINT_HARVESTER).await;
            let sp = NewSignagePointHarvester2::from_bytes(&message.data).unwrap();
            assert_eq!(sp.sp_hash, expected.challenge_chain_sp);
        }
    }
    // Every harvester did a plot sync of its own at the same time.
    for (n, harvester) in harvesters.iter_mut().enumerate() {
        harvester.plot_sync(1_000 + n as u64).await;
    }
    harness
        .wait_for("100 plot syncs", |s| {
            s.harvesters.iter().all(|h| h.failed == 1)
        })
        .await;
    eprintln!("fan-out of 2 signage points to 100 harvesters: {fan_out:?}");
    harness.stop().await;
}
