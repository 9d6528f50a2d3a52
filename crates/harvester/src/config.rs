//! The harvester's configuration, read from a chia root the way chia-blockchain 2.7.5 reads it.
//!
//! * Root: `--root DIR`, else `$CHIA_ROOT`, else `~/.chia/mainnet` (chia/util/default_root.py).
//! * `config/config.yaml`: the `harvester:` section (chia/harvester/start_harvester.py,
//!   chia/harvester/harvester.py), the root-level `private_ssl_ca` (the one chia's service
//!   reads, not the copy inside `harvester:`), and the section's `selected_network` with its
//!   `network_overrides.constants` entry.
//! * Relative certificate paths are relative to the root; plot directories are resolved against
//!   the working directory, as chia's `Path(str_path).resolve()` does.
//!
//! Missing optional keys take chia's defaults from `initial-config.yaml`; a key whose value has
//! the wrong type is an error naming the dotted key. Flags win over the file
//! ([`HarvesterConfig::apply`]).

use std::path::{Path, PathBuf};

use serde_yaml::{Mapping, Value};
use sickle_peer::RootError;
use sickle_pos::ConsensusConstants;
use sickle_pos::consensus::yaml::{ConstantsError, constants_for_network};
use thiserror::Error;

/// chia's default farmer port, dialled when `farmer_peers` has no port.
pub const DEFAULT_FARMER_PORT: u16 = 8447;

/// A configuration that cannot be used.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The root cannot be found, or its `config.yaml` cannot be read or parsed.
    #[error(transparent)]
    Root(#[from] RootError),
    /// A key chia requires is absent.
    #[error("config key {key} is missing")]
    Missing {
        /// The dotted key, e.g. `harvester.selected_network`.
        key: String,
    },
    /// A key has a value of the wrong type or out of range.
    #[error("config key {key}: expected {expected}, got {got}")]
    WrongType {
        /// The dotted key.
        key: String,
        /// What chia expects there.
        expected: &'static str,
        /// The value found, as YAML.
        got: String,
    },
    /// The selected network's constant overrides cannot be applied.
    #[error("config key harvester.network_overrides.constants.{network}: {source}")]
    Constants {
        /// The selected network.
        network: String,
        /// What is wrong.
        source: ConstantsError,
    },
}

/// One farmer to dial (`harvester.farmer_peers[]` or the legacy `harvester.farmer_peer`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FarmerPeer {
    /// Host name or address.
    pub host: String,
    /// TCP port.
    pub port: u16,
}

/// `harvester.plots_refresh_parameter` (chia/plotting/util.py `PlotsRefreshParameter`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefreshParameters {
    /// Seconds between refreshes (120).
    pub interval_seconds: u64,
    /// Seconds before a file that failed to open is tried again (1200).
    pub retry_invalid_seconds: u64,
    /// Files per refresh batch, and paths per plot sync message (300).
    pub batch_size: usize,
    /// Pause between refresh batches in milliseconds (1).
    pub batch_sleep_milliseconds: u64,
}

impl Default for RefreshParameters {
    fn default() -> Self {
        Self {
            interval_seconds: 120,
            retry_invalid_seconds: 1200,
            batch_size: 300,
            batch_sleep_milliseconds: 1,
        }
    }
}

/// Certificate and key files of the private CA and the harvester's own private certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertPaths {
    /// Root-level `private_ssl_ca.crt`.
    pub private_ca_crt: PathBuf,
    /// Root-level `private_ssl_ca.key`.
    pub private_ca_key: PathBuf,
    /// `harvester.ssl.private_crt`: our certificate, signed by the private CA.
    pub private_crt: PathBuf,
    /// `harvester.ssl.private_key`: our key.
    pub private_key: PathBuf,
}

/// Everything the harvester takes from a chia root.
#[derive(Debug, Clone)]
pub struct HarvesterConfig {
    /// The chia root directory.
    pub root: PathBuf,
    /// `harvester.selected_network`.
    pub network: String,
    /// Consensus constants for `network` with the root's overrides applied.
    pub constants: ConsensusConstants,
    /// Farmers to dial, deduplicated and sorted (chia keeps them in a set).
    pub farmer_peers: Vec<FarmerPeer>,
    /// `harvester.plot_directories`, each made absolute.
    pub plot_directories: Vec<PathBuf>,
    /// `harvester.recursive_plot_scan`.
    pub recursive_plot_scan: bool,
    /// `harvester.recursive_follow_links`.
    pub recursive_follow_links: bool,
    /// `harvester.plots_refresh_parameter` (or the deprecated `plot_loading_frequency_seconds`).
    pub refresh: RefreshParameters,
    /// `harvester.num_threads`: how many plot lookups run at once.
    pub num_threads: usize,
    /// `harvester.parallel_read`: chiapos' full-proof read mode (kept for the record; Sickle's
    /// prover reads the same bytes either way).
    pub parallel_read: bool,
    /// `harvester.logging.log_level` (`WARNING` in a fresh root).
    pub log_level: String,
    /// TLS files, absolute.
    pub certs: CertPaths,
    /// Sickle's plot header cache (not a chia key): `<root>/cache/sickle_harvester_plots.dat`
    /// unless `--plot-cache` moves it or `--no-plot-cache` turns it off.
    pub plot_cache: Option<PathBuf>,
}

/// Values given on the command line, which win over the config file.
#[derive(Debug, Clone, Default)]
pub struct ConfigOverrides {
    /// `--farmer HOST:PORT` (repeatable): replaces `farmer_peers`.
    pub farmer_peers: Vec<FarmerPeer>,
    /// `--plot-dir DIR` (repeatable): replaces `plot_directories`.
    pub plot_directories: Vec<PathBuf>,
    /// `--log-level LEVEL`.
    pub log_level: Option<String>,
    /// `--num-threads N`.
    pub num_threads: Option<usize>,
    /// `--plot-cache FILE`: where the plot header cache lives.
    pub plot_cache: Option<PathBuf>,
    /// `--no-plot-cache`: read every plot header from disk at start, keep no cache file.
    pub no_plot_cache: bool,
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

impl HarvesterConfig {
    /// Reads `root/config/config.yaml`.
    pub fn load(root: &Path) -> Result<Self, ConfigError> {
        Self::from_document(root, &sickle_peer::root::read_config(root)?)
    }

    /// Parses the text of a `config.yaml` belonging to `root`.
    pub fn from_yaml(root: &Path, text: &str) -> Result<Self, ConfigError> {
        Self::from_document(root, &sickle_peer::root::parse_config(root, text)?)
    }

    /// Builds the configuration from an already parsed `config.yaml` of `root`.
    pub fn from_document(root: &Path, document: &Value) -> Result<Self, ConfigError> {
        let top = Section::root(document)?;
        let section = top.section("harvester")?;

        let network = section.string("selected_network")?;
        let constants = constants_for(&section, &network)?;

        let mut farmer_peers = match section.get("farmer_peers") {
            Some(Value::Sequence(items)) => items
                .iter()
                .enumerate()
                .map(|(index, item)| farmer_peer(item, &format!("harvester.farmer_peers[{index}]")))
                .collect::<Result<Vec<_>, _>>()?,
            Some(Value::Null) | None => Vec::new(),
            Some(other) => return Err(wrong("harvester.farmer_peers", "a list", other)),
        };
        if let Some(legacy) = section.get("farmer_peer").filter(|value| !value.is_null()) {
            farmer_peers.push(farmer_peer(legacy, "harvester.farmer_peer")?);
        }
        farmer_peers.sort();
        farmer_peers.dedup();

        let plot_directories = match section.get("plot_directories") {
            Some(Value::Sequence(items)) => items
                .iter()
                .enumerate()
                .map(|(index, item)| match item {
                    Value::String(dir) => Ok(absolute(Path::new(dir))),
                    other => Err(wrong(
                        &format!("harvester.plot_directories[{index}]"),
                        "a path",
                        other,
                    )),
                })
                .collect::<Result<Vec<_>, _>>()?,
            Some(Value::Null) | None => Vec::new(),
            Some(other) => return Err(wrong("harvester.plot_directories", "a list", other)),
        };

        let mut refresh = RefreshParameters::default();
        if let Some(seconds) = section.opt_u64("plot_loading_frequency_seconds")? {
            refresh.interval_seconds = seconds;
        }
        if let Some(parameters) = section.opt_section("plots_refresh_parameter")? {
            let defaults = RefreshParameters::default();
            refresh = RefreshParameters {
                interval_seconds: parameters
                    .opt_u64("interval_seconds")?
                    .unwrap_or(defaults.interval_seconds),
                retry_invalid_seconds: parameters
                    .opt_u64("retry_invalid_seconds")?
                    .unwrap_or(defaults.retry_invalid_seconds),
                batch_size: parameters
                    .opt_positive("batch_size")?
                    .unwrap_or(defaults.batch_size),
                batch_sleep_milliseconds: parameters
                    .opt_u64("batch_sleep_milliseconds")?
                    .unwrap_or(defaults.batch_sleep_milliseconds),
            };
        }

        let log_level = match section.opt_section("logging")? {
            Some(logging) => logging
                .opt_string("log_level")?
                .unwrap_or_else(|| "WARNING".to_owned()),
            None => "WARNING".to_owned(),
        };

        let ca = top.section("private_ssl_ca")?;
        let ssl = section.section("ssl")?;
        let certs = CertPaths {
            private_ca_crt: root.join(ca.string("crt")?),
            private_ca_key: root.join(ca.string("key")?),
            private_crt: root.join(ssl.string("private_crt")?),
            private_key: root.join(ssl.string("private_key")?),
        };

        Ok(Self {
            root: root.to_path_buf(),
            network,
            constants,
            farmer_peers,
            plot_directories,
            recursive_plot_scan: section.opt_bool("recursive_plot_scan")?.unwrap_or(false),
            recursive_follow_links: section.opt_bool("recursive_follow_links")?.unwrap_or(false),
            refresh,
            num_threads: section.opt_positive("num_threads")?.unwrap_or(30),
            parallel_read: section.opt_bool("parallel_read")?.unwrap_or(true),
            log_level,
            certs,
            plot_cache: Some(crate::plot_cache::default_cache_path(root)),
        })
    }

    /// Applies command-line values over the file's.
    pub fn apply(&mut self, overrides: &ConfigOverrides) {
        if !overrides.farmer_peers.is_empty() {
            self.farmer_peers = overrides.farmer_peers.clone();
        }
        if !overrides.plot_directories.is_empty() {
            self.plot_directories = overrides
                .plot_directories
                .iter()
                .map(|dir| absolute(dir))
                .collect();
        }
        if let Some(level) = &overrides.log_level {
            self.log_level = level.clone();
        }
        if let Some(threads) = overrides.num_threads {
            self.num_threads = threads.max(1);
        }
        if let Some(path) = &overrides.plot_cache {
            self.plot_cache = Some(std::path::absolute(path).unwrap_or_else(|_| path.clone()));
        }
        if overrides.no_plot_cache {
            self.plot_cache = None;
        }
    }
}

/// Parses `HOST:PORT` (the last colon splits, so `[::1]:8447` and `::1:8447` both work).
pub fn parse_farmer_peer(text: &str) -> Option<FarmerPeer> {
    let (host, port) = text.rsplit_once(':')?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.is_empty() {
        return None;
    }
    Some(FarmerPeer {
        host: host.to_owned(),
        port: port.parse().ok()?,
    })
}

/// `Path(p).resolve()`: absolute, symlinks resolved where the path exists.
fn absolute(path: &Path) -> PathBuf {
    std::fs::canonicalize(path)
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf())
}

fn farmer_peer(value: &Value, key: &str) -> Result<FarmerPeer, ConfigError> {
    let Value::Mapping(map) = value else {
        return Err(wrong(key, "a mapping with host and port", value));
    };
    let section = Section {
        map,
        key: key.to_owned(),
    };
    let port = match section.get("port") {
        Some(value) => value
            .as_u64()
            .and_then(|port| u16::try_from(port).ok())
            .ok_or_else(|| wrong(&section.child("port"), "a port number", value))?,
        None => return Err(section.missing("port")),
    };
    Ok(FarmerPeer {
        host: section.string("host")?,
        port,
    })
}

/// The constants of `network`: chia's defaults for it, then the section's
/// `network_overrides.constants[network]` by name ([`constants_for_network`]).
fn constants_for(section: &Section<'_>, network: &str) -> Result<ConsensusConstants, ConfigError> {
    let mine = match section.opt_section("network_overrides")? {
        Some(overrides) => match overrides.opt_section("constants")? {
            Some(constants) => constants.get(network),
            None => None,
        },
        None => None,
    };
    constants_for_network(network, mine).map_err(|source| ConfigError::Constants {
        network: network.to_owned(),
        source,
    })
}

fn wrong(key: &str, expected: &'static str, got: &Value) -> ConfigError {
    ConfigError::WrongType {
        key: key.to_owned(),
        expected,
        got: serde_yaml::to_string(got)
            .map(|text| text.trim_end().to_owned())
            .unwrap_or_else(|_| "an unprintable value".to_owned()),
    }
}

/// A mapping in the document together with its dotted key, so errors can name it.
struct Section<'a> {
    map: &'a Mapping,
    key: String,
}

impl<'a> Section<'a> {
    fn root(document: &'a Value) -> Result<Self, ConfigError> {
        match document {
            Value::Mapping(map) => Ok(Self {
                map,
                key: String::new(),
            }),
            other => Err(wrong("(document)", "a mapping", other)),
        }
    }

    fn child(&self, name: &str) -> String {
        if self.key.is_empty() {
            name.to_owned()
        } else {
            format!("{}.{name}", self.key)
        }
    }

    fn missing(&self, name: &str) -> ConfigError {
        ConfigError::Missing {
            key: self.child(name),
        }
    }

    fn get(&self, name: &str) -> Option<&'a Value> {
        self.map.get(name)
    }

    fn opt_section(&self, name: &str) -> Result<Option<Section<'a>>, ConfigError> {
        match self.get(name) {
            Some(Value::Mapping(map)) => Ok(Some(Section {
                map,
                key: self.child(name),
            })),
            Some(Value::Null) | None => Ok(None),
            Some(other) => Err(wrong(&self.child(name), "a mapping", other)),
        }
    }

    fn section(&self, name: &str) -> Result<Section<'a>, ConfigError> {
        self.opt_section(name)?.ok_or_else(|| self.missing(name))
    }

    fn opt_string(&self, name: &str) -> Result<Option<String>, ConfigError> {
        match self.get(name) {
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(Value::Null) | None => Ok(None),
            Some(other) => Err(wrong(&self.child(name), "a string", other)),
        }
    }

    fn string(&self, name: &str) -> Result<String, ConfigError> {
        self.opt_string(name)?.ok_or_else(|| self.missing(name))
    }

    fn opt_bool(&self, name: &str) -> Result<Option<bool>, ConfigError> {
        match self.get(name) {
            Some(Value::Bool(flag)) => Ok(Some(*flag)),
            Some(Value::Null) | None => Ok(None),
            Some(other) => Err(wrong(&self.child(name), "true or false", other)),
        }
    }

    fn opt_u64(&self, name: &str) -> Result<Option<u64>, ConfigError> {
        match self.get(name) {
            Some(Value::Null) | None => Ok(None),
            Some(value) => value
                .as_u64()
                .map(Some)
                .ok_or_else(|| wrong(&self.child(name), "a non-negative integer", value)),
        }
    }

    fn opt_positive(&self, name: &str) -> Result<Option<usize>, ConfigError> {
        match self.get(name) {
            Some(Value::Null) | None => Ok(None),
            Some(value) => value
                .as_u64()
                .and_then(|number| usize::try_from(number).ok())
                .filter(|&number| number > 0)
                .map(Some)
                .ok_or_else(|| wrong(&self.child(name), "a positive integer", value)),
        }
    }
}
