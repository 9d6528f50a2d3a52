//! The Sickle harvester: a drop-in for chia-blockchain 2.7.5's harvester service.
//!
//! It reads a chia root's configuration, finds and opens plots, and (in later layers) answers a
//! farmer's signage points and signature requests with `sickle-pos`.
//!
//! | module | what |
//! |---|---|
//! | [`config`] | chia root resolution and the `harvester:` section of `config.yaml` |
//! | [`plot_manager`] | plot directory scans, header loading, classification, incremental refresh |
//!
//! # Feature flags
//!
//! None.

pub mod config;
pub mod plot_manager;

pub use config::{
    CertPaths, ConfigError, ConfigOverrides, FarmerPeer, HarvesterConfig, RefreshParameters,
    resolve_root,
};
