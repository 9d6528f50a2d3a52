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
