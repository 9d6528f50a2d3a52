//! Certificates made like chia's, accepted by rustls both ways.

#![allow(clippy::unwrap_used)]

use sickle_peer::{TlsSetup, generate_ca, generate_node_cert};
use std::time::Instant;

#[test]
fn generated_ca_signs_node_certs_that_load() {
    let started = Instant::now();
    let ca = generate_ca().unwrap();
    let node = generate_node_cert(&ca).unwrap();
    eprintln!("ca + node generated in {:?}", started.elapsed());
    assert!(ca.cert_pem.starts_with("-----BEGIN CERTIFICATE-----"));
    assert!(node.key_pem.starts_with("-----BEGIN PRIVATE KEY-----"));
    let tls = TlsSetup::from_pem(&ca.cert_pem, &node.cert_pem, &node.key_pem).unwrap();
    assert_ne!(tls.own_node_id(), [0; 32]);
}

#[test]
fn node_cert_signed_with_a_chia_made_ca_verifies_and_others_do_not() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
    let ca_a = sickle_peer::CertKeyPem {
        cert_pem: read("ca_a.crt"),
        key_pem: read("ca_a.key"),
    };
    let ours = generate_node_cert(&ca_a).unwrap();
    sickle_peer::verify_cert_chain(&ca_a.cert_pem, &ours.cert_pem).unwrap();
    // chia's own node certificate verifies the same way; another CA's does not
    sickle_peer::verify_cert_chain(&ca_a.cert_pem, &read("a1.crt")).unwrap();
    assert!(sickle_peer::verify_cert_chain(&ca_a.cert_pem, &read("b1.crt")).is_err());
    assert!(sickle_peer::verify_cert_chain(&read("ca_b.crt"), &ours.cert_pem).is_err());
}
