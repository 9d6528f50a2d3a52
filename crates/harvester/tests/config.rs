//! The harvester reads a root written by chia 2.7.5's own `chia init` (tests/data/README.md).
#![allow(clippy::unwrap_used)]

use sickle_peer::RootError;
use std::path::{Path, PathBuf};

use sickle_harvester::config::{
    ConfigError, ConfigOverrides, FarmerPeer, HarvesterConfig, RefreshParameters,
    parse_farmer_peer, resolve_root,
};
use sickle_pos::ConsensusConstants;

const CHIA_INIT: &str = include_str!("data/chia-init-config.yaml");

fn load(text: &str) -> Result<HarvesterConfig, ConfigError> {
    HarvesterConfig::from_yaml(Path::new("/chia/root"), text)
}

#[test]
fn chia_init_root_gives_chia_defaults() {
    let config = load(CHIA_INIT).unwrap();
    assert_eq!(config.network, "mainnet");
    assert_eq!(config.constants, ConsensusConstants::mainnet());
    assert_eq!(
        config.farmer_peers,
        vec![FarmerPeer {
            host: "localhost".into(),
            port: 8447
        }]
    );
    assert!(config.plot_directories.is_empty());
    assert!(!config.recursive_plot_scan);
    assert!(!config.recursive_follow_links);
    assert_eq!(config.refresh, RefreshParameters::default());
    assert_eq!(config.num_threads, 30);
    assert!(config.parallel_read);
    assert_eq!(config.log_level, "WARNING");
    let root = PathBuf::from("/chia/root");
    assert_eq!(
        config.certs.private_ca_crt,
        root.join("config/ssl/ca/private_ca.crt")
    );
    assert_eq!(
        config.certs.private_ca_key,
        root.join("config/ssl/ca/private_ca.key")
    );
    assert_eq!(
        config.certs.private_crt,
        root.join("config/ssl/harvester/private_harvester.crt")
    );
    assert_eq!(
        config.certs.private_key,
        root.join("config/ssl/harvester/private_harvester.key")
    );
    assert_eq!(
        config.plot_cache,
        Some(root.join("cache/sickle_harvester_plots.dat"))
    );
}

#[test]
fn load_reads_config_yaml_under_the_root() {
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir(root.path().join("config")).unwrap();
    std::fs::write(root.path().join("config/config.yaml"), CHIA_INIT).unwrap();
    let config = HarvesterConfig::load(root.path()).unwrap();
    assert_eq!(config.root, root.path());
    assert!(config.certs.private_crt.starts_with(root.path()));

    let empty = tempfile::tempdir().unwrap();
    let error = HarvesterConfig::load(empty.path()).unwrap_err();
    assert!(
        matches!(error, ConfigError::Root(RootError::Read { .. })),
        "{error}"
    );
}

#[test]
fn testnet11_takes_the_roots_overrides() {
    // `chia configure --testnet true` switches every selected_network through the anchor.
    let text = CHIA_INIT.replace(
        "selected_network: &selected_network \"mainnet\"",
        "selected_network: &selected_network \"testnet11\"",
    );
    assert_ne!(text, CHIA_INIT);
    let config = load(&text).unwrap();
    assert_eq!(config.network, "testnet11");
    assert_eq!(config.constants, ConsensusConstants::testnet11());
    assert_eq!(config.constants.min_plot_size_v1, 18);
}

#[test]
fn harvester_section_settings_are_read() {
    let text = CHIA_INIT
        .replace(
            "  plot_directories: []",
            "  plot_directories:\n    - /no/such/plots\n    - /no/such/more",
        )
        .replace(
            "  recursive_plot_scan: False",
            "  recursive_plot_scan: True",
        )
        .replace("    interval_seconds: 120", "    interval_seconds: 7")
        .replace("    batch_size: 300", "    batch_size: 2")
        .replace(
            "  num_threads: 30",
            "  num_threads: 4\n  farmer_peer:\n    host: farmer.lan\n    port: 9000",
        )
        .replace("  parallel_read: True", "  parallel_read: False");
    let config = load(&text).unwrap();
    assert_eq!(
        config.plot_directories,
        vec![
            PathBuf::from("/no/such/plots"),
            PathBuf::from("/no/such/more")
        ]
    );
    assert!(config.recursive_plot_scan);
    assert_eq!(config.refresh.interval_seconds, 7);
    assert_eq!(config.refresh.batch_size, 2);
    assert_eq!(config.refresh.retry_invalid_seconds, 1200);
    assert_eq!(config.num_threads, 4);
    assert!(!config.parallel_read);
    // The legacy single peer is dialled as well as the list.
    assert_eq!(config.farmer_peers.len(), 2);
    assert!(config.farmer_peers.contains(&FarmerPeer {
        host: "farmer.lan".into(),
        port: 9000
    }));
}

#[test]
fn deprecated_refresh_key_is_honoured_when_the_section_is_absent() {
    let start = CHIA_INIT.find("  plots_refresh_parameter:").unwrap();
    let end = CHIA_INIT[start..].find("\n\n").unwrap() + start;
    let text = format!(
        "{}  plot_loading_frequency_seconds: 42{}",
        &CHIA_INIT[..start],
        &CHIA_INIT[end..]
    );
    let config = load(&text).unwrap();
    assert_eq!(config.refresh.interval_seconds, 42);
}

#[test]
fn malformed_settings_name_their_key() {
    let cases = [
        (
            "  num_threads: 30",
            "  num_threads: many",
            "harvester.num_threads",
        ),
        (
            "  num_threads: 30",
            "  num_threads: 0",
            "harvester.num_threads",
        ),
        (
            "  recursive_plot_scan: False",
            "  recursive_plot_scan: 3",
            "harvester.recursive_plot_scan",
        ),
        (
            "  plot_directories: []",
            "  plot_directories: /plots",
            "harvester.plot_directories",
        ),
        (
            "  plot_directories: []",
            "  plot_directories: [7]",
            "harvester.plot_directories[0]",
        ),
        (
            "      port: 8447\n\n  # If True, starts an RPC server at the following port\n  start_rpc_server: True\n  rpc_port: 8560",
            "      port: 99999\n\n  start_rpc_server: True\n  rpc_port: 8560",
            "harvester.farmer_peers[0].port",
        ),
        (
            "    batch_size: 300",
            "    batch_size: -1",
            "harvester.plots_refresh_parameter.batch_size",
        ),
    ];
    for (from, to, key) in cases {
        let text = CHIA_INIT.replacen(from, to, 1);
        assert_ne!(text, CHIA_INIT, "{from}");
        let error = load(&text).unwrap_err();
        match &error {
            ConfigError::WrongType { key: got, .. } => assert_eq!(got, key, "{error}"),
            other => panic!("{key}: {other}"),
        }
        assert!(error.to_string().contains(key), "{error}");
    }
}

#[test]
fn missing_required_keys_are_named() {
    let text = CHIA_INIT.replace(
        "    private_key: \"config/ssl/harvester/private_harvester.key\"",
        "",
    );
    let error = load(&text).unwrap_err();
    assert!(
        matches!(&error, ConfigError::Missing { key } if key == "harvester.ssl.private_key"),
        "{error}"
    );
    let error = load("full_node: {}\n").unwrap_err();
    assert!(
        matches!(&error, ConfigError::Missing { key } if key == "harvester"),
        "{error}"
    );
    assert!(matches!(
        load(": : :\n- ["),
        Err(ConfigError::Root(RootError::Yaml { .. }))
    ));
}

#[test]
fn bad_network_override_names_the_network() {
    let text = CHIA_INIT.replacen(
        "      GENESIS_CHALLENGE: ccd5bb71183532bff220ba46c268991a3ff07eb358e8255a65c30a2dce0e5fbb",
        "      GENESIS_CHALLENGE: nothex",
        1,
    );
    assert_ne!(text, CHIA_INIT);
    let error = load(&text).unwrap_err();
    assert!(
        matches!(&error, ConfigError::Constants { network, .. } if network == "mainnet"),
        "{error}"
    );
}

#[test]
fn flags_override_the_file() {
    let mut config = load(CHIA_INIT).unwrap();
    config.apply(&ConfigOverrides {
        farmer_peers: vec![parse_farmer_peer("127.0.0.1:18447").unwrap()],
        plot_directories: vec![PathBuf::from("/somewhere")],
        log_level: Some("DEBUG".into()),
        num_threads: Some(2),
        plot_cache: Some(PathBuf::from("/var/cache/plots.dat")),
        no_plot_cache: false,
    });
    assert_eq!(
        config.farmer_peers,
        vec![FarmerPeer {
            host: "127.0.0.1".into(),
            port: 18447
        }]
    );
    assert_eq!(config.plot_directories, vec![PathBuf::from("/somewhere")]);
    assert_eq!(config.log_level, "DEBUG");
    assert_eq!(config.num_threads, 2);
    assert_eq!(
        config.plot_cache,
        Some(PathBuf::from("/var/cache/plots.dat"))
    );
    config.apply(&ConfigOverrides {
        no_plot_cache: true,
        ..ConfigOverrides::default()
    });
    assert_eq!(config.plot_cache, None);
}

#[test]
fn farmer_peer_flags_parse() {
    assert_eq!(
        parse_farmer_peer("[::1]:8447"),
        Some(FarmerPeer {
            host: "::1".into(),
            port: 8447
        })
    );
    assert_eq!(parse_farmer_peer("localhost"), None);
    assert_eq!(parse_farmer_peer(":8447"), None);
    assert_eq!(parse_farmer_peer("host:70000"), None);
}

#[test]
fn root_resolution_order() {
    let home = Path::new("/home/me");
    assert_eq!(
        resolve_root(Some(Path::new("/flag")), Some("/env"), Some(home)).unwrap(),
        PathBuf::from("/flag")
    );
    assert_eq!(
        resolve_root(None, Some("/env"), Some(home)).unwrap(),
        PathBuf::from("/env")
    );
    assert_eq!(
        resolve_root(None, Some("~/x"), Some(home)).unwrap(),
        PathBuf::from("/home/me/x")
    );
    assert_eq!(
        resolve_root(None, None, Some(home)).unwrap(),
        PathBuf::from("/home/me/.chia/mainnet")
    );
    assert!(matches!(
        resolve_root(None, None, None),
        Err(ConfigError::Root(RootError::NoRoot))
    ));
}
