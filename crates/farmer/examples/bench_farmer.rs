//! Farmer benchmark (`cargo xtask bench-farmer`): N harvesters on loopback over real mutual TLS,
//! signage point fan-out latency (p50/p99, from the farmer starting the fan-out to each harvester
//! decoding the message), and proofs verified per second (the §12.4 k=18 proof through
//! `Farmer::new_proof_of_space`).
//!
//! ```text
//! cargo run --release -p sickle-farmer --example bench_farmer -- --harvesters 1000 --sps 20
//! ```

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sickle_farmer::messages::{NewProofOfSpace, NewSignagePointHarvester2, ids};
use sickle_farmer::{
    Farmer, FarmerKeys, FarmerService, ProofOfSpace, RewardTargets, SignagePoint, SimChain,
    SimChainConfig,
};
use sickle_peer::handshake::node_type;
use sickle_peer::{PeerConfig, PeerEvent, ServerConfig, TlsSetup, connect};
use sickle_pos::ConsensusConstants;
use sickle_pos::keys::{local_sk, master_sk_from_seed};
use sickle_streamable::Streamable;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

const NETWORK: &str = "testnet11";

fn cert(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/certs")
        .join(name)
}

/// Node certificates for one fixture key with distinct serials (distinct node ids).
fn many_tls(n: usize) -> Vec<TlsSetup> {
    use rcgen::{CertificateParams, DnType, KeyPair, PKCS_RSA_SHA256, SerialNumber};
    let read = |name: &str| std::fs::read_to_string(cert(name)).unwrap();
    let (ca_pem, ca_key_pem, key_pem) = (read("ca_a.crt"), read("ca_a.key"), read("a2.key"));
    let ca_key = KeyPair::from_pem_and_sign_algo(&ca_key_pem, &PKCS_RSA_SHA256).unwrap();
    let issuer = CertificateParams::from_ca_cert_pem(&ca_pem)
        .unwrap()
        .self_signed(&ca_key)
        .unwrap();
    let key = KeyPair::from_pem_and_sign_algo(&key_pem, &PKCS_RSA_SHA256).unwrap();
    (1..=n as u64)
        .map(|serial| {
            let mut params = CertificateParams::default();
            params.distinguished_name.push(DnType::CommonName, "Chia");
            params.serial_number = Some(SerialNumber::from_slice(&serial.to_be_bytes()));
            let node = params.signed_by(&key, &issuer, &ca_key).unwrap();
            TlsSetup::from_pem(&ca_pem, &node.pem(), &key_pem).unwrap()
        })
        .collect()
}

fn keys() -> FarmerKeys {
    let seed: Vec<u8> = (0u8..32).collect();
    FarmerKeys::from_master_sk(&master_sk_from_seed(&seed).unwrap())
}

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(index).copied().unwrap_or_default()
}

#[tokio::main]
async fn main() {
    let harvesters = arg("--harvesters", 100);
    let sps = arg("--sps", 20);
    let proofs = arg("--proofs", 200);
    let constants = ConsensusConstants::testnet11();

    let mut sim = SimChainConfig::new(constants.clone());
    sim.sp_interval = Some(Duration::from_secs(3600));
    let farmer = Farmer::new(
        constants.clone(),
        NETWORK,
        keys(),
        RewardTargets {
            farmer: [0x66; 32],
            pool: [0x77; 32],
        },
    );
    let service = FarmerService::new(
        NETWORK,
        farmer,
        Box::new(SimChain::new(sim).unwrap()),
        keys().pool_public_keys(),
    );
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let shutdown = CancellationToken::new();
    let mut peer = FarmerService::peer_config(NETWORK, addr.port());
    peer.keepalive = None;
    let config = ServerConfig {
        peer,
        max_connections: harvesters + 16,
    };
    let farmer_tls =
        TlsSetup::from_files(&cert("ca_a.crt"), &cert("a1.crt"), &cert("a1.key")).unwrap();
    let run = {
        let service = service.clone();
        let shutdown = shutdown.clone();
        tokio::spawn(async move { service.run(listener, farmer_tls, config, shutdown).await })
    };

    let started = Instant::now();
    let certs = many_tls(harvesters);
    let cert_time = started.elapsed();
    let samples: Arc<Mutex<Vec<Instant>>> = Arc::new(Mutex::new(Vec::new()));
    let mut tasks = Vec::new();
    let connecting = Instant::now();
    for tls in certs {
        let mut config = PeerConfig::new(NETWORK, node_type::HARVESTER, 0);
        config.keepalive = None;
        let mut connection = connect(addr, &tls, &config).await.unwrap();
        let samples = samples.clone();
        tasks.push(tokio::spawn(async move {
            while let Some(event) = connection.events.recv().await {
                let PeerEvent::Message(message) = event else {
                    break;
                };
                if message.msg_type == ids::NEW_SIGNAGE_POINT_HARVESTER {
                    NewSignagePointHarvester2::from_bytes(&message.data).unwrap();
                    samples.lock().unwrap().push(Instant::now());
                }
            }
        }));
    }
    while service.status().harvesters.len() < harvesters {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let connect_time = connecting.elapsed();

    let mut latencies = Vec::with_capacity(harvesters * sps);
    for _ in 0..sps {
        samples.lock().unwrap().clear();
        let t0 = Instant::now();
        service.broadcast_next().await;
        let deadline = Instant::now() + Duration::from_secs(30);
        while samples.lock().unwrap().len() < harvesters && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_micros(200)).await;
        }
        let received = samples.lock().unwrap().clone();
        assert_eq!(received.len(), harvesters, "every harvester gets every SP");
        latencies.extend(received.iter().map(|t| t.duration_since(t0)));
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    latencies.sort_unstable();
    let (p50, p99, max) = (
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.99),
        latencies.last().copied().unwrap_or_default(),
    );

    // Proof verification throughput, outside the network: the §12.4 proof, mainnet rules lifted
    // from the per-SP cap by naming the network "mainnet" with testnet11 constants.
    let farmer_pk = keys().farmer_public_keys()[0];
    let local = local_sk(&master_sk_from_seed(&[0x42; 32]).unwrap());
    let proof = ProofOfSpace::v1(
        hex32("9e3cad819c98cece0b8dfe70ebbb7d01aff086b96d28490ac2c4b0b408725883").into(),
        Some(keys().pool_public_keys()[0]),
        None,
        local.public_key() + &farmer_pk,
        18,
        hex::decode(concat!(
            "28dc7166b7eef05b879fedd40ab4a95065d0517db7ceec115378e9584723c198b323647a5ef14e0288b872ef",
            "2f3caedf9de5f127caae178d7f1ed9fbb3cd5d841a697b23cfd8dbdfdc606d44b4b267d19da237021548ccd6",
            "21dc12b7b75aac7dfc2f84a6c3a786d0c49ba7d5bebccba20f83a067cbfe630d92040db393c1ce6c587291c5",
            "69bcb5e7c61b9a904074d846"
        ))
        .unwrap(),
    );
    let mut verifier = Farmer::new(
        constants,
        "mainnet",
        keys(),
        RewardTargets {
            farmer: [0x66; 32],
            pool: [0x77; 32],
        },
    );
    let challenge_hash = hex32("4628b646302039fb72862185cd5b60cb2f19e4bef63c0c4a65e0511410845b5c");
    verifier.add_signage_point(
        SignagePoint {
            challenge_hash,
            challenge_chain_sp: [0x22; 32],
            reward_chain_sp: [0x33; 32],
            difficulty: 1,
            sub_slot_iters: 1 << 63,
            signage_point_index: 7,
            peak_height: 0,
            last_tx_height: 0,
            filter_challenge: None,
        },
        0,
    );
    let message = NewProofOfSpace {
        challenge_hash: challenge_hash.into(),
        sp_hash: [0x22; 32].into(),
        plot_identifier: "bench".into(),
        proof,
        signage_point_index: 7,
        include_source_signature_data: false,
        farmer_reward_address_override: None,
        fee_info: None,
    };
    let verifying = Instant::now();
    for _ in 0..proofs {
        verifier.new_proof_of_space([1; 32], &message, 0).unwrap();
    }
    let per_second = proofs as f64 / verifying.elapsed().as_secs_f64();
    assert_eq!(verifier.counters().proofs, proofs as u64);

    println!(
        "harvesters={harvesters} sps={sps} certs={:.2}s connect={:.2}s fanout_p50_ms={:.3} \
         fanout_p99_ms={:.3} fanout_max_ms={:.3} proofs_verified_per_s={per_second:.0}",
        cert_time.as_secs_f64(),
        connect_time.as_secs_f64(),
        p50.as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3,
        max.as_secs_f64() * 1e3,
    );
    shutdown.cancel();
    run.await.unwrap();
    for task in tasks {
        task.abort();
    }
}

fn hex32(text: &str) -> [u8; 32] {
    hex::decode(text).unwrap().try_into().unwrap()
}
