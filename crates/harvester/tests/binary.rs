//! The `sickle-harvester` binary on a root written by `chia init`.
#![allow(clippy::unwrap_used)]

use std::process::Command;

const CHIA_INIT: &str = include_str!("data/chia-init-config.yaml");

#[test]
fn check_lists_plots_of_the_configured_directories() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    let plots = dir.path().join("plots");
    std::fs::create_dir_all(root.join("config")).unwrap();
    std::fs::create_dir_all(&plots).unwrap();
    let config = CHIA_INIT.replace(
        "  plot_directories: []",
        &format!("  plot_directories:\n    - {}", plots.display()),
    );
    std::fs::write(root.join("config/config.yaml"), config).unwrap();
    let solo = sickle_vectors::data_dir().join("plots/k18-solo.plot");
    std::fs::copy(&solo, plots.join("solo.plot")).unwrap();

    let run = |extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_sickle-harvester"))
            .arg("--root")
            .arg(&root)
            .args(extra)
            .env_remove("CHIA_ROOT")
            .output()
            .unwrap()
    };
    let output = run(&["--check"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(stdout.contains("solo.plot k=18 id="), "{stdout}");
    assert!(stdout.contains("pool=solo"), "{stdout}");
    assert!(
        stdout.contains("1 plot files, 1 opened, 0 failed"),
        "{stdout}"
    );

    std::fs::write(plots.join("broken.plot"), b"nope").unwrap();
    let output = run(&["--check"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("failed "), "{stdout}");

    // --plot-dir replaces the configured directories.
    let empty = dir.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let output = run(&["--check", "--plot-dir", empty.to_str().unwrap()]);
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).contains("0 plot files"));

    // A malformed setting names its key.
    let bad = CHIA_INIT.replace("  num_threads: 30", "  num_threads: lots");
    std::fs::write(root.join("config/config.yaml"), bad).unwrap();
    let output = run(&["--check"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("harvester.num_threads"));
}

fn certs_dir() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/certs")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn farms_for_the_farmer_and_stops_on_sigterm() {
    use sickle_peer::{PeerConfig, PeerEvent, ServerConfig, TlsSetup, serve};
    use sickle_protocol::{ChiaProtocolMessage, HarvesterHandshake};
    use sickle_streamable::Streamable;
    use std::time::Duration;

    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    std::fs::create_dir_all(root.join("config")).unwrap();
    std::fs::write(root.join("config/config.yaml"), CHIA_INIT).unwrap();

    // Without certificates the binary names the problem and stops.
    let output = Command::new(env!("CARGO_BIN_EXE_sickle-harvester"))
        .arg("--root")
        .arg(&root)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("certificates"));

    let ssl = root.join("config/ssl");
    std::fs::create_dir_all(ssl.join("ca")).unwrap();
    std::fs::create_dir_all(ssl.join("harvester")).unwrap();
    std::fs::copy(certs_dir().join("ca_a.crt"), ssl.join("ca/private_ca.crt")).unwrap();
    std::fs::copy(
        certs_dir().join("a2.crt"),
        ssl.join("harvester/private_harvester.crt"),
    )
    .unwrap();
    std::fs::copy(
        certs_dir().join("a2.key"),
        ssl.join("harvester/private_harvester.key"),
    )
    .unwrap();

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (accepted_tx, mut accepted) = tokio::sync::mpsc::channel(4);
    let farmer_shutdown = tokio_util::sync::CancellationToken::new();
    let tls = TlsSetup::from_files(
        &certs_dir().join("ca_a.crt"),
        &certs_dir().join("a1.crt"),
        &certs_dir().join("a1.key"),
    )
    .unwrap();
    let server = tokio::spawn(serve(
        listener,
        tls,
        ServerConfig {
            peer: PeerConfig::new("mainnet", 3, port),
            max_connections: 4,
        },
        accepted_tx,
        farmer_shutdown.clone(),
    ));

    let mut child = Command::new(env!("CARGO_BIN_EXE_sickle-harvester"))
        .arg("--root")
        .arg(&root)
        .arg("--farmer")
        .arg(format!("127.0.0.1:{port}"))
        .env_remove("CHIA_ROOT")
        .spawn()
        .unwrap();
    let mut connection = tokio::time::timeout(Duration::from_secs(30), accepted.recv())
        .await
        .unwrap()
        .unwrap();
    let key = sickle_pos::keys::master_sk_from_seed(&[1; 32])
        .unwrap()
        .public_key();
    let handshake = HarvesterHandshake {
        farmer_public_keys: vec![key],
        pool_public_keys: vec![key],
    };
    connection
        .peer
        .notify(HarvesterHandshake::MSG_TYPE as u8, handshake.to_bytes())
        .await
        .unwrap();
    // No plot directories: the sync starts (78) straight away.
    let event = tokio::time::timeout(Duration::from_secs(30), connection.events.recv())
        .await
        .unwrap()
        .unwrap();
    assert!(
        matches!(event, PeerEvent::Message(ref m) if m.msg_type == 78),
        "{event:?}"
    );

    let killed = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(killed.success());
    let status = tokio::task::spawn_blocking(move || child.wait().unwrap())
        .await
        .unwrap();
    assert!(status.success(), "{status:?}");
    farmer_shutdown.cancel();
    server.await.unwrap();
}
