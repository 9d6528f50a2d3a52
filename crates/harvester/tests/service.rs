//! The service dials a scripted farmer over real mutual TLS on 127.0.0.1 (certificates of one
//! private CA from tests/data/certs), syncs its plots, and dials again after the farmer drops it.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use sickle_harvester::config::FarmerPeer;
use sickle_harvester::farmer_link::Harvester;
use sickle_harvester::plot_manager::{PlotManager, open_file};
use sickle_harvester::scan::ScanSettings;
use sickle_harvester::service::run;
use sickle_harvester::signage::LookupLimits;
use sickle_peer::{Connection, PeerConfig, PeerEvent, ServerConfig, TlsSetup, serve};
use sickle_pos::{ConsensusConstants, Plot};
use sickle_protocol::{
    ChiaProtocolMessage, HarvesterHandshake, PlotSyncIdentifier, PlotSyncPathList,
    PlotSyncPlotList2, PlotSyncResponse,
};
use sickle_streamable::Streamable;
use tokio::sync::{Semaphore, mpsc};
use tokio_util::sync::CancellationToken;

fn tls(node: &str) -> TlsSetup {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/certs");
    TlsSetup::from_files(
        &dir.join("ca_a.crt"),
        &dir.join(format!("{node}.crt")),
        &dir.join(format!("{node}.key")),
    )
    .unwrap()
}

/// Sends the handshake (if `greet`) and acknowledges one plot sync; returns the loaded and the
/// removed paths it listed.
async fn farm(
    connection: &mut Connection,
    handshake: &HarvesterHandshake,
    greet: bool,
) -> (Vec<String>, Vec<String>) {
    if greet {
        connection
            .peer
            .notify(HarvesterHandshake::MSG_TYPE as u8, handshake.to_bytes())
            .await
            .unwrap();
    }
    let mut loaded = Vec::new();
    let mut removed = Vec::new();
    loop {
        let event = tokio::time::timeout(Duration::from_secs(30), connection.events.recv())
            .await
            .unwrap()
            .unwrap();
        let PeerEvent::Message(message) = event else {
            panic!("{event:?}");
        };
        assert!(matches!(message.msg_type, 78..=84 | 112), "{message:?}");
        if message.msg_type == 112 {
            let list = PlotSyncPlotList2::from_bytes(&message.data).unwrap();
            loaded.extend(list.data.into_iter().map(|plot| plot.filename));
        }
        if message.msg_type == 80 {
            removed.extend(PlotSyncPathList::from_bytes(&message.data).unwrap().data);
        }
        let response = PlotSyncResponse {
            identifier: PlotSyncIdentifier::from_bytes(&message.data[..24]).unwrap(),
            message_type: i16::from(message.msg_type),
            error: None,
        };
        connection
            .peer
            .notify(PlotSyncResponse::MSG_TYPE as u8, response.to_bytes())
            .await
            .unwrap();
        if message.msg_type == 84 {
            return (loaded, removed);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dials_syncs_and_redials_over_tls() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let plot_path = root.join("solo.plot");
    std::fs::copy(
        sickle_vectors::data_dir().join("plots/k18-solo.plot"),
        &plot_path,
    )
    .unwrap();
    let plot = Plot::open(std::fs::read(&plot_path).unwrap()).unwrap();
    let handshake = HarvesterHandshake {
        farmer_public_keys: vec![*plot.memo().farmer_public_key()],
        pool_public_keys: vec![*plot.memo().pool_public_key().unwrap()],
    };

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (accepted_tx, mut accepted) = mpsc::channel(4);
    let farmer_shutdown = CancellationToken::new();
    let server = tokio::spawn(serve(
        listener,
        tls("a1"),
        ServerConfig {
            peer: PeerConfig::new("mainnet", 3, port),
            max_connections: 4,
        },
        accepted_tx,
        farmer_shutdown.clone(),
    ));

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
    let harvester = Harvester::new(ConsensusConstants::mainnet(), manager, limits, 300);
    let shutdown = CancellationToken::new();
    let service = tokio::spawn(run(
        harvester,
        vec![FarmerPeer {
            host: "127.0.0.1".into(),
            port,
        }],
        tls("a2"),
        PeerConfig::new("mainnet", 2, 0),
        Duration::from_millis(300),
        shutdown.clone(),
    ));

    let mut first = tokio::time::timeout(Duration::from_secs(30), accepted.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.peer.info().node_type(), 2);
    let (loaded, _) = farm(&mut first, &handshake, true).await;
    assert_eq!(loaded, vec![plot_path.display().to_string()]);

    // Periodic refreshes sync added and removed files incrementally.
    let added = root.join("contract.plot");
    std::fs::copy(
        sickle_vectors::data_dir().join("plots/k18-contract.plot"),
        &added,
    )
    .unwrap();
    let mut seen_added = false;
    for _ in 0..20 {
        let (loaded, _) = farm(&mut first, &handshake, false).await;
        if !loaded.is_empty() {
            assert_eq!(loaded, vec![added.display().to_string()]);
            seen_added = true;
            break;
        }
    }
    assert!(seen_added);
    std::fs::remove_file(&added).unwrap();
    let mut seen_removed = false;
    for _ in 0..20 {
        let (_, removed) = farm(&mut first, &handshake, false).await;
        if !removed.is_empty() {
            assert_eq!(removed, vec![added.display().to_string()]);
            seen_removed = true;
            break;
        }
    }
    assert!(seen_removed);

    // The farmer drops the link; the harvester dials again and resyncs everything.
    first.peer.close();
    drop(first);
    let mut second = tokio::time::timeout(Duration::from_secs(30), accepted.recv())
        .await
        .unwrap()
        .unwrap();
    let (loaded, _) = farm(&mut second, &handshake, true).await;
    assert_eq!(loaded, vec![plot_path.display().to_string()]);

    shutdown.cancel();
    tokio::time::timeout(Duration::from_secs(10), service)
        .await
        .unwrap()
        .unwrap();
    farmer_shutdown.cancel();
    server.await.unwrap();
}
