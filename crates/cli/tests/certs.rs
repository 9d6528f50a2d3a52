//! `sickle certs init`: a chia root's private CA and node certificates.

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::Command;

fn sickle(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_sickle"))
        .args(args)
        .output()
        .unwrap()
}

fn fixture(name: &str) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../peer/tests/data");
    std::fs::read_to_string(dir.join(name)).unwrap()
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn init_with_an_existing_ca_signs_nodes_that_chain_to_it() {
    let tmp = tempfile::tempdir().unwrap();
    let ca_dir = tmp.path().join("farm-ca");
    std::fs::create_dir_all(&ca_dir).unwrap();
    std::fs::write(ca_dir.join("private_ca.crt"), fixture("ca_a.crt")).unwrap();
    std::fs::write(ca_dir.join("private_ca.key"), fixture("ca_a.key")).unwrap();
    let root = tmp.path().join("root");

    let out = sickle(&[
        "certs",
        "init",
        "--root",
        root.to_str().unwrap(),
        "--ca",
        ca_dir.to_str().unwrap(),
        "--node",
        "harvester",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("using private CA"), "{stdout}");
    assert!(stdout.contains("private_harvester.crt"), "{stdout}");

    let ssl = root.join("config/ssl");
    assert_eq!(
        std::fs::read_to_string(ssl.join("ca/private_ca.crt")).unwrap(),
        fixture("ca_a.crt")
    );
    let crt = std::fs::read_to_string(ssl.join("harvester/private_harvester.crt")).unwrap();
    sickle_peer::verify_cert_chain(&fixture("ca_a.crt"), &crt).unwrap();
    assert!(sickle_peer::verify_cert_chain(&fixture("ca_b.crt"), &crt).is_err());
    sickle_peer::TlsSetup::from_chia_root(&root, "harvester").unwrap();
    #[cfg(unix)]
    {
        assert_eq!(mode(&ssl.join("harvester/private_harvester.key")), 0o600);
        assert_eq!(mode(&ssl.join("harvester/private_harvester.crt")), 0o644);
    }
}

#[test]
fn init_without_ca_creates_one_and_reuses_it() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("root");
    let root_arg = root.to_str().unwrap();
    let out = sickle(&["certs", "init", "--root", root_arg, "--node", "farmer"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("created private CA"));
    let ca_crt = std::fs::read_to_string(root.join("config/ssl/ca/private_ca.crt")).unwrap();
    let farmer =
        std::fs::read_to_string(root.join("config/ssl/farmer/private_farmer.crt")).unwrap();
    sickle_peer::verify_cert_chain(&ca_crt, &farmer).unwrap();

    // A second run keeps the CA; bad node names are refused with one line and no output.
    let out = sickle(&["certs", "init", "--root", root_arg, "--node", "../x"]);
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("error: invalid node name"));
    assert_eq!(
        std::fs::read_to_string(root.join("config/ssl/ca/private_ca.crt")).unwrap(),
        ca_crt
    );
}
