//! The `sickle-farmer` binary with all its flags together, on a chia root written by chia 2.7.5:
//! a harvester connects over TLS and gets signage points, the status page answers, SIGTERM stops
//! it cleanly.

#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use sickle_farmer::messages::{HarvesterHandshake, NewSignagePointHarvester2, ids};
use sickle_peer::handshake::node_type;
use sickle_peer::{PeerConfig, PeerEvent, TlsSetup, connect};
use sickle_streamable::Streamable;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const MNEMONIC: &str = "abandon amount liar amount expire adjust cage candy arch gather drum \
    bullet absurd math era live bid rhythm alien crouch range attend journey unaware";

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

fn make_root(dir: &Path) {
    let config = dir.join("config");
    std::fs::create_dir_all(config.join("ssl/ca")).unwrap();
    std::fs::create_dir_all(config.join("ssl/farmer")).unwrap();
    std::fs::copy(
        data("chia-testnet11/config/config.yaml"),
        config.join("config.yaml"),
    )
    .unwrap();
    for (from, to) in [
        ("ca_a.crt", "ssl/ca/private_ca.crt"),
        ("ca_a.key", "ssl/ca/private_ca.key"),
        ("a1.crt", "ssl/farmer/private_farmer.crt"),
        ("a1.key", "ssl/farmer/private_farmer.key"),
    ] {
        std::fs::copy(data(&format!("certs/{from}")), config.join(to)).unwrap();
    }
}

async fn get(addr: SocketAddr, path: &str) -> String {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(format!("GET {path} HTTP/1.1\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let mut out = String::new();
    stream.read_to_string(&mut out).await.unwrap();
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flags_work_together_and_sigterm_stops_it() {
    let root = tempfile::tempdir().unwrap();
    make_root(root.path());
    let keys = root.path().join("keys.txt");
    std::fs::write(&keys, format!("{MNEMONIC}\n")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_sickle-farmer"))
        .args(["--root", root.path().to_str().unwrap()])
        .args(["--port", "0", "--host", "127.0.0.1"])
        .args(["--keys", keys.to_str().unwrap()])
        .args(["--status", "127.0.0.1:0", "--sp-interval-ms", "50"])
        .args(["--pool-difficulty", &format!("1000:{}", "55".repeat(32))])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    // "sickle-farmer listening on 127.0.0.1:P, status on 127.0.0.1:S"
    let words: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(words.first(), Some(&"sickle-farmer"), "{line}");
    let farmer: SocketAddr = words[3].trim_end_matches(',').parse().unwrap();
    let status: SocketAddr = words[6].parse().unwrap();

    let tls = TlsSetup::from_files(
        &data("certs/ca_a.crt"),
        &data("certs/a2.crt"),
        &data("certs/a2.key"),
    )
    .unwrap();
    let mut config = PeerConfig::new("testnet11", node_type::HARVESTER, 0);
    config.keepalive = None;
    let mut harvester = connect(farmer, &tls, &config).await.unwrap();
    let mut seen_handshake = None;
    let mut sps = Vec::new();
    while sps.len() < 3 {
        let event = tokio::time::timeout(Duration::from_secs(20), harvester.events.recv())
            .await
            .unwrap()
            .unwrap();
        let PeerEvent::Message(message) = event else {
            panic!("closed: {event:?}");
        };
        match message.msg_type {
            ids::HARVESTER_HANDSHAKE => {
                seen_handshake = Some(HarvesterHandshake::from_bytes(&message.data).unwrap());
            }
            ids::NEW_SIGNAGE_POINT_HARVESTER => {
                sps.push(NewSignagePointHarvester2::from_bytes(&message.data).unwrap());
            }
            other => panic!("unexpected message type {other}"),
        }
    }
    let handshake = seen_handshake.expect("handshake before signage points");
    // The mnemonic's farmer and pool keys (computed with chia 2.7.5, see keys.rs tests).
    assert_eq!(
        hex::encode(handshake.farmer_public_keys[0].to_bytes()),
        "82cf8d1bde982289c7a77571188e8808df128881c861f84a6299c21265324f80eb71b5de07ca190937c4e40635022e0b"
    );
    assert_eq!(handshake.farmer_public_keys.len(), 2);
    assert_eq!(
        handshake.pool_public_keys.len(),
        1,
        "farmer.pool_public_keys of the root"
    );
    // testnet11 from the root: 2^26 sub-slot iterations, difficulty 30.
    assert_eq!(sps[0].sub_slot_iters, 67_108_864);
    assert_eq!(sps[0].difficulty, 30);
    assert_eq!(sps[0].pool_difficulties.len(), 1);
    assert_eq!(sps[0].pool_difficulties[0].difficulty, 1000);
    assert_eq!(sps[0].pool_difficulties[0].sub_slot_iters, 37_600_000_000);
    assert_eq!(
        sps[0].pool_difficulties[0].pool_contract_puzzle_hash,
        [0x55; 32]
    );
    assert_eq!(
        sps.iter()
            .map(|sp| sp.signage_point_index)
            .collect::<Vec<_>>(),
        [0, 1, 2]
    );

    let page = get(status, "/status").await;
    let body = page.split("\r\n\r\n").nth(1).unwrap();
    let json: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!(json["network"], "testnet11");
    assert!(json["signage_points"].as_u64().unwrap() >= 3);
    assert_eq!(json["harvesters"].as_array().unwrap().len(), 1);

    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let exit = loop {
        if let Some(exit) = child.try_wait().unwrap() {
            break exit;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no exit after SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(exit.success(), "{exit:?}");
    // The harvester saw the connection close.
    let closed = tokio::time::timeout(Duration::from_secs(20), async {
        while let Some(event) = harvester.events.recv().await {
            if matches!(event, PeerEvent::Closed(_)) {
                return true;
            }
        }
        true
    })
    .await
    .unwrap();
    assert!(closed);
}

#[test]
fn missing_targets_and_bad_keys_are_reported() {
    let root = tempfile::tempdir().unwrap();
    make_root(root.path());
    // The mainnet root chia init wrote has no reward targets.
    std::fs::copy(
        data("chia-init-mainnet/config/config.yaml"),
        root.path().join("config/config.yaml"),
    )
    .unwrap();
    let keys = root.path().join("keys.txt");
    std::fs::write(&keys, format!("{MNEMONIC}\n")).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_sickle-farmer"))
        .args(["--root", root.path().to_str().unwrap(), "--port", "0"])
        .args(["--keys", keys.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("xch_target_address"), "{stderr}");

    std::fs::write(&keys, "abandon abandon\n").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_sickle-farmer"))
        .args(["--root", root.path().to_str().unwrap(), "--port", "0"])
        .args(["--keys", keys.to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("mnemonic has 2 words"), "{stderr}");
    assert!(
        !stderr.contains("abandon"),
        "key material must not be echoed: {stderr}"
    );
}
