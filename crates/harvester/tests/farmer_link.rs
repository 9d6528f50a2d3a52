//! A scripted farmer talks to the harvester's connection handler over sickle-peer's in-memory
//! pair (real framing and chia handshake): handshake keys load the plots, a signage point gives
//! exactly the proofs sickle-pos finds followed by farming_info, and signature requests are
//! answered with the request's id by shares that verify against the plot public key.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Duration;

use sickle_harvester::farmer_link::{Harvester, serve_farmer};
use sickle_harvester::metrics::serve_metrics;
use sickle_harvester::plot_manager::{PlotManager, open_file};
use sickle_harvester::scan::ScanSettings;
use sickle_harvester::signage::LookupLimits;
use sickle_peer::{Connection, Message, PeerConfig, PeerEvent, pair};
use sickle_pos::consensus::{OverrideValue, pos_challenge};
use sickle_pos::keys::{farmer_sk, master_sk_from_seed, sign_with_plot_key};
use sickle_pos::{ConsensusConstants, Plot};
use sickle_protocol::{
    ChiaProtocolMessage, FarmingInfo, HarvesterHandshake, NewProofOfSpace,
    NewSignagePointHarvester2, PlotSyncIdentifier, PlotSyncPlotList2, PlotSyncResponse,
    RequestPlots, RequestSignatures, RespondPlots2, RespondSignatures,
};
use sickle_streamable::Streamable;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

fn id<T: ChiaProtocolMessage>() -> u8 {
    T::MSG_TYPE as u8
}

/// The next message that is not plot sync; plot sync messages are acknowledged and their type
/// ids recorded in `synced`.
async fn next_message(farmer: &mut Connection, synced: &mut Vec<u8>) -> Message {
    next_or_done(farmer, synced, false).await.unwrap()
}

/// As [`next_message`]; with `until_done`, returns `None` once a `plot_sync_done` was answered.
async fn next_or_done(
    farmer: &mut Connection,
    synced: &mut Vec<u8>,
    until_done: bool,
) -> Option<Message> {
    loop {
        let event = tokio::time::timeout(Duration::from_secs(20), farmer.events.recv())
            .await
            .unwrap()
            .unwrap();
        let PeerEvent::Message(message) = event else {
            panic!("{event:?}");
        };
        if !matches!(message.msg_type, 78..=84 | 112) {
            return Some(message);
        }
        // Every plot sync payload starts with its identifier.
        let identifier = PlotSyncIdentifier::from_bytes(&message.data[..24]).unwrap();
        synced.push(message.msg_type);
        if message.msg_type == 112 {
            let list = PlotSyncPlotList2::from_bytes(&message.data).unwrap();
            assert!(!list.data.is_empty());
            assert!(list.r#final);
        }
        let response = PlotSyncResponse {
            identifier,
            message_type: i16::from(message.msg_type),
            error: None,
        };
        farmer
            .peer
            .notify(id::<PlotSyncResponse>(), response.to_bytes())
            .await
            .unwrap();
        if until_done && message.msg_type == 84 {
            return None;
        }
    }
}

async fn http_get(address: std::net::SocketAddr, path: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream
        .write_all(format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let mut body = String::new();
    stream.read_to_string(&mut body).await.unwrap();
    body
}

fn constants() -> ConsensusConstants {
    let overrides = [
        ("NUMBER_ZERO_BITS_PLOT_FILTER_V1", 0),
        ("DIFFICULTY_CONSTANT_FACTOR", 1 << 42),
    ]
    .map(|(name, value)| (name.to_owned(), OverrideValue::Int(value)));
    ConsensusConstants::for_network("mainnet", &overrides).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn handshake_signage_point_and_signatures() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let mut paths = Vec::new();
    for name in ["k18-solo.plot", "k18-contract.plot"] {
        let path = root.join(name);
        std::fs::copy(sickle_vectors::data_dir().join("plots").join(name), &path).unwrap();
        paths.push(path);
    }
    let scan = ScanSettings {
        directories: vec![root.clone()],
        recursive: false,
        follow_links: false,
    };
    let manager = PlotManager::new(scan, 300, Duration::from_secs(1200), 2, Arc::new(open_file));
    let limits = LookupLimits {
        concurrency: Arc::new(Semaphore::new(4)),
        deadline: Duration::from_secs(30),
    };
    let harvester = Harvester::new(constants(), manager, limits, 300);

    let (harvester_side, mut farmer) = pair(
        &PeerConfig::new("mainnet", 2, 0),
        &PeerConfig::new("mainnet", 3, 8447),
    )
    .await
    .unwrap();
    let shutdown = CancellationToken::new();
    let served = tokio::spawn(serve_farmer(
        Arc::clone(&harvester),
        harvester_side,
        shutdown.clone(),
    ));

    let master = master_sk_from_seed(&(0u8..32).collect::<Vec<_>>()).unwrap();
    let farmer_key = farmer_sk(&master);
    let solo = Plot::open(std::fs::read(&paths[0]).unwrap()).unwrap();
    let handshake = HarvesterHandshake {
        farmer_public_keys: vec![farmer_key.public_key()],
        pool_public_keys: vec![*solo.memo().pool_public_key().unwrap()],
    };
    farmer
        .peer
        .notify(id::<HarvesterHandshake>(), handshake.to_bytes())
        .await
        .unwrap();
    for _ in 0..500 {
        if harvester.plots.snapshot().len() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(harvester.plots.snapshot().len(), 2);
    let mut synced = Vec::new();

    // A signage point with proofs in at least one plot.
    let mut proofs = Vec::new();
    let mut expected_total = 0;
    for seed in 0..6u8 {
        let sp = NewSignagePointHarvester2 {
            challenge_hash: [seed; 32].into(),
            difficulty: 1,
            sub_slot_iters: 64 << 40,
            signage_point_index: 1,
            sp_hash: [seed + 50; 32].into(),
            pool_difficulties: Vec::new(),
            peak_height: 100,
            last_tx_height: 99,
            filter_challenge: None,
        };
        let mut expected = 0;
        for path in &paths {
            let plot = Plot::open(std::fs::File::open(path).unwrap()).unwrap();
            let challenge = pos_challenge(plot.plot_id(), &[seed; 32], &[seed + 50; 32]);
            expected += plot.qualities_for_challenge(&challenge).unwrap().len();
        }
        farmer
            .peer
            .notify(id::<NewSignagePointHarvester2>(), sp.to_bytes())
            .await
            .unwrap();
        let mut got = 0;
        loop {
            let message = next_message(&mut farmer, &mut synced).await;
            if message.msg_type == id::<FarmingInfo>() {
                let info = FarmingInfo::from_bytes(&message.data).unwrap();
                assert_eq!((info.passed, info.total_plots), (2, 2));
                assert_eq!(info.proofs as usize, expected);
                break;
            }
            assert_eq!(message.msg_type, id::<NewProofOfSpace>());
            assert_eq!(message.id, None);
            let proof = NewProofOfSpace::from_bytes(&message.data).unwrap();
            assert_eq!(proof.sp_hash, sp.sp_hash);
            proofs.push(proof);
            got += 1;
        }
        assert_eq!(got, expected, "seed {seed}");
        expected_total += expected;
    }
    assert!(expected_total > 0);

    // Sign the SP hashes of every proof found; the full signature verifies.
    for proof in &proofs {
        let request = RequestSignatures {
            plot_identifier: proof.plot_identifier.clone(),
            challenge_hash: proof.challenge_hash,
            sp_hash: proof.sp_hash,
            messages: vec![proof.sp_hash, [9; 32].into()],
            message_data: None,
            rc_block_unfinished: None,
        };
        let reply = farmer
            .peer
            .request(id::<RequestSignatures>(), request.to_bytes())
            .await
            .unwrap();
        assert_eq!(reply.msg_type, id::<RespondSignatures>());
        let response = RespondSignatures::from_bytes(&reply.data).unwrap();
        assert_eq!(response.plot_identifier, proof.plot_identifier);
        assert_eq!(response.farmer_pk, farmer_key.public_key());
        let plot_pk = proof.proof.plot_public_key;
        let path = std::path::Path::new(&proof.plot_identifier[64..]);
        let memo = harvester
            .plots
            .snapshot()
            .get(path)
            .unwrap()
            .memo()
            .unwrap();
        for (message, share) in &response.message_signatures {
            let message: [u8; 32] = (*message).into();
            let mut full = share.clone() + &sign_with_plot_key(&farmer_key, &message, &plot_pk);
            if let Some(taproot) = memo.taproot_sk() {
                full += &sign_with_plot_key(&taproot, &message, &plot_pk);
            }
            assert!(chia_bls::verify(&full, &plot_pk, message));
        }
    }

    // The refresh after the handshake was synced exactly as chia's sender does it.
    if synced.last() != Some(&84) {
        let unexpected = next_or_done(&mut farmer, &mut synced, true).await;
        assert!(unexpected.is_none(), "{unexpected:?}");
    }
    assert_eq!(synced, vec![78, 112, 80, 81, 82, 83, 84]);
    assert!(!harvester.sync.lock().unwrap().is_active());

    // request_plots lists both plots (respond_plots2 for a current farmer), with the request id.
    let reply = farmer
        .peer
        .request(id::<RequestPlots>(), RequestPlots.to_bytes())
        .await
        .unwrap();
    assert_eq!(reply.msg_type, id::<RespondPlots2>());
    let listed = RespondPlots2::from_bytes(&reply.data).unwrap();
    let mut names: Vec<_> = listed
        .plots
        .iter()
        .map(|plot| plot.filename.clone())
        .collect();
    names.sort();
    let mut want: Vec<_> = paths
        .iter()
        .map(|path| path.display().to_string())
        .collect();
    want.sort();
    assert_eq!(names, want);
    assert!(listed.failed_to_open_filenames.is_empty() && listed.no_key_filenames.is_empty());

    // The metrics reflect what was sent, over the HTTP responder on 127.0.0.1.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let source = Arc::clone(&harvester);
    let render: Arc<dyn Fn() -> String + Send + Sync> =
        Arc::new(move || source.metrics.render(&source.plots.snapshot()));
    let metrics_stop = CancellationToken::new();
    let metrics_server = tokio::spawn(serve_metrics(listener, render, metrics_stop.clone()));
    let body = http_get(address, "/metrics").await;
    assert!(body.starts_with("HTTP/1.1 200 OK\r\n"), "{body}");
    assert!(
        body.contains(&format!("sickle_harvester_proofs_total {}\n", proofs.len())),
        "{body}"
    );
    assert!(
        body.contains("sickle_harvester_plots{state=\"loaded\"} 2\n"),
        "{body}"
    );
    assert!(
        body.contains("sickle_harvester_lookup_seconds_count 6\n"),
        "{body}"
    );
    assert!(
        body.contains(&format!(
            "sickle_harvester_lookup_timeouts_total{{directory=\"{}\"}} 0\n",
            root.display()
        )),
        "{body}"
    );
    assert!(
        http_get(address, "/other")
            .await
            .starts_with("HTTP/1.1 404")
    );
    metrics_stop.cancel();
    metrics_server.await.unwrap();

    shutdown.cancel();
    tokio::time::timeout(Duration::from_secs(10), served)
        .await
        .unwrap()
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plot_sync_follows_the_last_handshake() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let path = root.join("solo.plot");
    std::fs::copy(
        sickle_vectors::data_dir().join("plots/k18-solo.plot"),
        &path,
    )
    .unwrap();
    let scan = ScanSettings {
        directories: vec![root.clone()],
        recursive: false,
        follow_links: false,
    };
    let manager = PlotManager::new(scan, 300, Duration::from_secs(1200), 2, Arc::new(open_file));
    let limits = LookupLimits {
        concurrency: Arc::new(Semaphore::new(2)),
        deadline: Duration::from_secs(30),
    };
    let harvester = Harvester::new(constants(), manager, limits, 300);
    let solo = Plot::open(std::fs::read(&path).unwrap()).unwrap();
    let handshake = HarvesterHandshake {
        farmer_public_keys: vec![*solo.memo().farmer_public_key()],
        pool_public_keys: vec![*solo.memo().pool_public_key().unwrap()],
    };
    let shutdown = CancellationToken::new();
    let mut farmers = Vec::new();
    let mut served = Vec::new();
    for _ in 0..2 {
        let (harvester_side, farmer) = pair(
            &PeerConfig::new("mainnet", 2, 0),
            &PeerConfig::new("mainnet", 3, 8447),
        )
        .await
        .unwrap();
        served.push(tokio::spawn(serve_farmer(
            Arc::clone(&harvester),
            harvester_side,
            shutdown.clone(),
        )));
        farmers.push(farmer);
    }
    let mut synced = [Vec::new(), Vec::new()];
    for index in 0..2 {
        farmers[index]
            .peer
            .notify(id::<HarvesterHandshake>(), handshake.to_bytes())
            .await
            .unwrap();
        let unexpected = next_or_done(&mut farmers[index], &mut synced[index], true).await;
        assert!(unexpected.is_none(), "{unexpected:?}");
    }
    // The first farmer got the first sync; the second handshake moved sync to the second
    // farmer (a full resync there), and nothing more went to the first.
    assert_eq!(synced[0], vec![78, 112, 80, 81, 82, 83, 84]);
    assert_eq!(synced[1], vec![78, 112, 80, 81, 82, 83, 84]);
    let quiet = tokio::time::timeout(Duration::from_millis(300), farmers[0].events.recv()).await;
    assert!(quiet.is_err(), "{quiet:?}");

    shutdown.cancel();
    for task in served {
        tokio::time::timeout(Duration::from_secs(10), task)
            .await
            .unwrap()
            .unwrap();
    }
}
