//! The config reader against configs written by the real chia 2.7.5 (see tests/data/README.md).

#![allow(clippy::unwrap_used)]

use sickle_peer::RootError;
use std::path::{Path, PathBuf};

use sickle_farmer::{
    ConfigError, ConfigOverrides, DEFAULT_FARMER_PORT, FarmerConfig, resolve_root,
};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

#[test]
fn chia_init_mainnet_root() {
    let root = data("chia-init-mainnet");
    let config = FarmerConfig::load(&root).unwrap();
    assert_eq!(config.network, "mainnet");
    assert_eq!(config.port, DEFAULT_FARMER_PORT);
    assert_eq!(config.self_hostname, "localhost");
    assert_eq!(config.farmer_target, None);
    assert_eq!(config.pool_target, None);
    assert!(config.pool_public_keys.is_empty());
    assert_eq!(config.constants.min_plot_size_v1, 32);
    assert_eq!(config.constants.difficulty_constant_factor, 1 << 67);
    assert_eq!(
        hex::encode(config.constants.genesis_challenge),
        "ccd5bb71183532bff220ba46c268991a3ff07eb358e8255a65c30a2dce0e5fbb"
    );
    assert_eq!(
        config.certs.private_ca_crt,
        root.join("config/ssl/ca/private_ca.crt")
    );
    assert_eq!(
        config.certs.private_key,
        root.join("config/ssl/farmer/private_farmer.key")
    );
}

#[test]
fn chia_testnet11_root_takes_constants_from_the_root() {
    let config = FarmerConfig::load(&data("chia-testnet11")).unwrap();
    assert_eq!(config.network, "testnet11");
    assert_eq!(config.port, 18447);
    assert_eq!(config.farmer_target, Some([0x66; 32]));
    assert_eq!(config.pool_target, Some([0x77; 32]));
    assert_eq!(config.pool_public_keys.len(), 1);
    assert_eq!(
        hex::encode(config.pool_public_keys[0].to_bytes()),
        "ae85027692de115db72617b4dc48fafb239049b6d7ae9da33aa0ebd7400861e7715900c90be78cceaaee049f80e37efa"
    );
    let constants = &config.constants;
    assert_eq!(constants.min_plot_size_v1, 18);
    assert_eq!(constants.difficulty_constant_factor, 10_052_721_566_054);
    assert_eq!(constants.sub_slot_iters_starting, 67_108_864);
    assert_eq!(constants.hard_fork_height, 0);
    assert_eq!(constants.plot_filter_128_height, 6_029_568);
    assert!(constants.testnet);
}

#[test]
fn flags_override_the_file() {
    let mut config = FarmerConfig::load(&data("chia-init-mainnet")).unwrap();
    config
        .apply(&ConfigOverrides {
            port: Some(9000),
            network: Some("testnet11".to_owned()),
        })
        .unwrap();
    assert_eq!(config.port, 9000);
    assert_eq!(config.network, "testnet11");
    // The mainnet root still carries testnet11's overrides, so they apply.
    assert_eq!(
        config.constants.difficulty_constant_factor,
        10_052_721_566_054
    );
    config
        .apply(&ConfigOverrides {
            port: None,
            network: Some("sim".to_owned()),
        })
        .unwrap();
    assert_eq!(config.constants.min_plot_size_v1, 18);
}

#[test]
fn root_resolution_order() {
    let home = Path::new("/home/farmer");
    assert_eq!(
        resolve_root(Some(Path::new("/flag")), Some("/env"), Some(home)).unwrap(),
        PathBuf::from("/flag")
    );
    assert_eq!(
        resolve_root(None, Some("/env"), Some(home)).unwrap(),
        PathBuf::from("/env")
    );
    assert_eq!(
        resolve_root(None, Some("~/other"), Some(home)).unwrap(),
        PathBuf::from("/home/farmer/other")
    );
    assert_eq!(
        resolve_root(None, None, Some(home)).unwrap(),
        PathBuf::from("/home/farmer/.chia/mainnet")
    );
    assert!(matches!(
        resolve_root(None, None, None),
        Err(ConfigError::Root(RootError::NoRoot))
    ));
}

#[test]
fn errors_name_the_key() {
    let root = Path::new("/nowhere");
    let check = |yaml: &str, expected: &str| {
        let document: serde_yaml::Value = serde_yaml::from_str(yaml).unwrap();
        let err = FarmerConfig::from_document(root, &document).unwrap_err();
        assert_eq!(err.to_string(), expected, "for {yaml}");
    };
    check("pool: {}", "config key farmer is missing");
    check(
        "farmer: {port: 70000}",
        "config key farmer.port: expected a port number",
    );
    check(
        "farmer: {port: '8447'}",
        "config key farmer.port: expected a port number",
    );
    check(
        "farmer: {xch_target_address: xch1qqq}",
        "config key farmer.xch_target_address: malformed bech32m address \"xch1qqq\"",
    );
    check(
        "farmer: {pool_public_keys: [abcd]}",
        "config key farmer.pool_public_keys: \"abcd\" is not a 48-byte G1 public key in hex",
    );
    check(
        "farmer: {selected_network: testnet11, network_overrides: {constants: {testnet11: {EPOCH_BLOCKS: -1}}}}",
        "config key farmer.network_overrides.constants.testnet11: network override EPOCH_BLOCKS: \
         integer out of range",
    );
    let missing = FarmerConfig::load(root).unwrap_err();
    assert!(matches!(missing, ConfigError::Root(RootError::Read { .. })));
}
