//! The farmer's configuration, read from a chia root the way chia-blockchain 2.7.5 reads it.
//!
//! * Root: `--root DIR`, else `$CHIA_ROOT`, else `~/.chia/mainnet` (chia/util/default_root.py).
//! * `config/config.yaml` in the root: the `farmer:` section (port, `xch_target_address`,
//!   `pool_public_keys`, `ssl`), its `selected_network` and `network_overrides` (so testnet11
//!   constants come from the root, chia/farmer/start_farmer.py), `pool.xch_target_address`, and
//!   the root-level `private_ssl_ca` and `self_hostname`.
//! * Relative paths in the config are relative to the root.
//!
//! Flags override what the file says ([`FarmerConfig::apply`]). Missing optional keys take
//! chia's defaults from `initial-config.yaml`; a key of the wrong type is an error naming it.

use std::path::{Path, PathBuf};

use chia_bls::PublicKey;
use serde_yaml::{Mapping, Value};
use sickle_peer::RootError;
use thiserror::Error;

use crate::address::{AddressError, decode_puzzle_hash};
use sickle_pos::ConsensusConstants;

use crate::constants::{ConstantsError, constants_for_network};

/// chia's default farmer port.
pub const DEFAULT_FARMER_PORT: u16 = 8447;

/// A configuration that cannot be used.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The root cannot be found, or its `config.yaml` cannot be read or parsed.
    #[error(transparent)]
    Root(#[from] RootError),
    /// A key has a value of the wrong type.
    #[error("config key {key}: expected {expected}")]
    WrongType {
        /// The dotted key, e.g. `farmer.port`.
        key: String,
        /// What chia expects there.
        expected: &'static str,
    },
    /// A section chia requires is absent.
    #[error("config key {key} is missing")]
    Missing {
        /// The dotted key.
        key: String,
    },
    /// An `xch_target_address` does not decode.
    #[error("config key {key}: {source}")]
    Address {
        /// The dotted key.
        key: String,
        /// Why it does not decode.
        source: AddressError,
    },
    /// A `farmer.pool_public_keys` entry is not a G1 point in hex.
    #[error("config key farmer.pool_public_keys: {value:?} is not a 48-byte G1 public key in hex")]
    PoolPublicKey {
        /// The entry as written.
        value: String,
    },
    /// The selected network's constant overrides are invalid.
    #[error("config key farmer.network_overrides.constants.{network}: {source}")]
    Constants {
        /// The selected network.
        network: String,
        /// What is wrong.
        source: ConstantsError,
    },
}

/// Certificate and key files of the private CA and the farmer's own private certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertPaths {
    /// `private_ssl_ca.crt`: the farm's private CA certificate.
    pub private_ca_crt: PathBuf,
    /// `private_ssl_ca.key`: the farm's private CA key.
    pub private_ca_key: PathBuf,
    /// `farmer.ssl.private_crt`: the farmer's certificate, signed by the private CA.
    pub private_crt: PathBuf,
    /// `farmer.ssl.private_key`: the farmer's key.
    pub private_key: PathBuf,
}

/// Everything the farmer takes from a chia root.
#[derive(Debug, Clone)]
pub struct FarmerConfig {
    /// The chia root directory.
    pub root: PathBuf,
    /// `farmer.selected_network` (falls back to the root-level one, then `mainnet`).
    pub network: String,
    /// Consensus constants for `network` with the root's overrides applied.
    pub constants: ConsensusConstants,
    /// `farmer.port`: where harvesters connect.
    pub port: u16,
    /// `self_hostname`.
    pub self_hostname: String,
    /// `farmer.xch_target_address` decoded; `None` when unset (chia then does not start farming).
    pub farmer_target: Option<[u8; 32]>,
    /// `pool.xch_target_address` decoded; `None` when unset.
    pub pool_target: Option<[u8; 32]>,
    /// `farmer.pool_public_keys`: sent to harvesters as the handshake's pool keys.
    pub pool_public_keys: Vec<PublicKey>,
    /// TLS files, absolute.
    pub certs: CertPaths,
    /// The root's `network_overrides` (kept so `--network` picks constants from the root too).
    pub network_overrides: Option<Value>,
}

/// Values given on the command line, which win over the config file.
#[derive(Debug, Clone, Default)]
pub struct ConfigOverrides {
    /// `--port`.
    pub port: Option<u16>,
    /// `--network`: a network id; its constants come from the root's overrides if it has any.
    pub network: Option<String>,
}

/// Chooses the chia root: the flag, else `CHIA_ROOT`, else `~/.chia/mainnet` under `home`
/// ([`sickle_peer::root::resolve_root`]); an error when a home directory is needed but unknown.
pub fn resolve_root(
    flag: Option<&Path>,
    chia_root_env: Option<&str>,
    home: Option<&Path>,
) -> Result<PathBuf, ConfigError> {
    Ok(sickle_peer::root::resolve_root(flag, chia_root_env, home)?)
}

impl FarmerConfig {
    /// Reads `root/config/config.yaml`.
    pub fn load(root: &Path) -> Result<Self, ConfigError> {
        Self::from_document(root, &sickle_peer::root::read_config(root)?)
    }

    /// Builds the configuration from an already parsed `config.yaml`.
    pub fn from_document(root: &Path, document: &Value) -> Result<Self, ConfigError> {
        let top = as_mapping(document, "(document)")?;
        let farmer = match top.get("farmer") {
            Some(value) => as_mapping(value, "farmer")?,
            None => {
                return Err(ConfigError::Missing {
                    key: "farmer".to_owned(),
                });
            }
        };
        let pool = top
            .get("pool")
            .map(|value| as_mapping(value, "pool"))
            .transpose()?;

        let network = match farmer.get("selected_network") {
            Some(value) => string(value, "farmer.selected_network")?,
            None => match top.get("selected_network") {
                Some(value) => string(value, "selected_network")?,
                None => "mainnet".to_owned(),
            },
        };
        let network_overrides = farmer
            .get("network_overrides")
            .or_else(|| top.get("network_overrides"));
        let constants = constants_for(&network, network_overrides)?;

        let port = match farmer.get("port") {
            Some(value) => value
                .as_u64()
                .and_then(|port| u16::try_from(port).ok())
                .ok_or_else(|| wrong("farmer.port", "a port number"))?,
            None => DEFAULT_FARMER_PORT,
        };
        let self_hostname = match top.get("self_hostname") {
            Some(value) => string(value, "self_hostname")?,
            None => "localhost".to_owned(),
        };
        let farmer_target = target(
            farmer.get("xch_target_address"),
            "farmer.xch_target_address",
        )?;
        let pool_target = target(
            pool.and_then(|pool| pool.get("xch_target_address")),
            "pool.xch_target_address",
        )?;
        let pool_public_keys = match farmer.get("pool_public_keys") {
            Some(value) => pool_keys(value)?,
            None => Vec::new(),
        };

        let ca = top
            .get("private_ssl_ca")
            .map(|value| as_mapping(value, "private_ssl_ca"))
            .transpose()?;
        let ssl = farmer
            .get("ssl")
            .map(|value| as_mapping(value, "farmer.ssl"))
            .transpose()?;
        let path_or = |section: Option<&Mapping>, key: &str, dotted: &str, default: &str| {
            let relative = match section.and_then(|section| section.get(key)) {
                Some(value) => PathBuf::from(string(value, dotted)?),
                None => PathBuf::from(default),
            };
            Ok::<_, ConfigError>(root.join(relative))
        };
        let certs = CertPaths {
            private_ca_crt: path_or(
                ca,
                "crt",
                "private_ssl_ca.crt",
                "config/ssl/ca/private_ca.crt",
            )?,
            private_ca_key: path_or(
                ca,
                "key",
                "private_ssl_ca.key",
                "config/ssl/ca/private_ca.key",
            )?,
            private_crt: path_or(
                ssl,
                "private_crt",
                "farmer.ssl.private_crt",
                "config/ssl/farmer/private_farmer.crt",
            )?,
            private_key: path_or(
                ssl,
                "private_key",
                "farmer.ssl.private_key",
                "config/ssl/farmer/private_farmer.key",
            )?,
        };

        Ok(Self {
            root: root.to_path_buf(),
            network,
            constants,
            port,
            self_hostname,
            farmer_target,
            pool_target,
            pool_public_keys,
            certs,
            network_overrides: network_overrides.cloned(),
        })
    }

    /// A configuration for a root without a `config.yaml`: chia's defaults on `network`.
    pub fn defaults(root: &Path, network: &str) -> Result<Self, ConfigError> {
        let mut document = Mapping::new();
        let mut farmer = Mapping::new();
        farmer.insert("selected_network".into(), network.into());
        document.insert("farmer".into(), Value::Mapping(farmer));
        Self::from_document(root, &Value::Mapping(document))
    }

    /// Applies command-line overrides. A network given by flag takes its constants from the
    /// root's `network_overrides` exactly like a configured one.
    pub fn apply(&mut self, flags: &ConfigOverrides) -> Result<(), ConfigError> {
        if let Some(port) = flags.port {
            self.port = port;
        }
        if let Some(network) = &flags.network {
            self.constants = constants_for(network, self.network_overrides.as_ref())?;
            self.network.clone_from(network);
        }
        Ok(())
    }
}

fn constants_for(
    network: &str,
    network_overrides: Option<&Value>,
) -> Result<ConsensusConstants, ConfigError> {
    let for_network = network_overrides
        .and_then(|overrides| overrides.get("constants"))
        .and_then(|constants| constants.get(network));
    constants_for_network(network, for_network).map_err(|source| ConfigError::Constants {
        network: network.to_owned(),
        source,
    })
}

fn wrong(key: &str, expected: &'static str) -> ConfigError {
    ConfigError::WrongType {
        key: key.to_owned(),
        expected,
    }
}

fn as_mapping<'a>(value: &'a Value, key: &str) -> Result<&'a Mapping, ConfigError> {
    value.as_mapping().ok_or_else(|| wrong(key, "a mapping"))
}

fn string(value: &Value, key: &str) -> Result<String, ConfigError> {
    value
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| wrong(key, "a string"))
}

fn target(value: Option<&Value>, key: &str) -> Result<Option<[u8; 32]>, ConfigError> {
    let Some(value) = value else {
        return Ok(None);
    };
    let address = value
        .as_str()
        .ok_or_else(|| wrong(key, "an address string"))?;
    decode_puzzle_hash(address)
        .map(Some)
        .map_err(|source| ConfigError::Address {
            key: key.to_owned(),
            source,
        })
}

/// `farmer.pool_public_keys` is a YAML `!!set` (a mapping whose keys are the hex keys) in configs
/// chia writes; a plain list is accepted too.
fn pool_keys(value: &Value) -> Result<Vec<PublicKey>, ConfigError> {
    let value = match value {
        Value::Tagged(tagged) => &tagged.value,
        other => other,
    };
    let entries: Vec<&Value> = match value {
        Value::Mapping(map) => map.keys().collect(),
        Value::Sequence(list) => list.iter().collect(),
        Value::Null => Vec::new(),
        _ => {
            return Err(wrong(
                "farmer.pool_public_keys",
                "a set or list of hex keys",
            ));
        }
    };
    entries
        .into_iter()
        .map(|entry| {
            let text = entry
                .as_str()
                .ok_or_else(|| wrong("farmer.pool_public_keys", "hex strings"))?;
            let bad = || ConfigError::PoolPublicKey {
                value: text.to_owned(),
            };
            let mut bytes = [0u8; 48];
            hex::decode_to_slice(text, &mut bytes).map_err(|_| bad())?;
            PublicKey::from_bytes(&bytes).map_err(|_| bad())
        })
        .collect()
}
