//! The Sickle harvester: a drop-in for chia-blockchain 2.7.5's harvester service.
//!
//! It reads a chia root's configuration, finds and opens plots, and (in later layers) answers a
//! farmer's signage points and signature requests with `sickle-pos`.
//!
//! | module | what |
//! |---|---|
//! | [`config`] | chia root resolution and the `harvester:` section of `config.yaml` |
//! | [`scan`] | finding `*.plot` / `*.plot2` files in the plot directories |
//! | [`plot_manager`] | opening headers in parallel, classifying files, incremental refresh, snapshots for lookups |
//! | [`plot_sync`] | the plot sync sender: sans-IO stop-and-wait state machine with resends and resync |
//! | [`signing`] | answering `RequestSignatures` with the plot's local key |
//! | [`farmer_link`] | one farmer connection: handshake, signage points, signature requests |
//! | [`metrics`] | Prometheus counters and the tiny HTTP responder behind `--metrics` |
//! | [`service`] | dialling every farmer with backoff, forever, until shutdown |
//! | [`wire`] | conversions to and from `sickle-protocol`'s message types |
//! | [`signage`] | answering a signage point: filter, bounded parallel lookups with a per-plot deadline, proofs |
//!
//! # Feature flags
//!
//! None.

pub mod config;
pub mod farmer_link;
pub mod metrics;
pub mod plot_manager;
pub mod plot_sync;
pub mod scan;
pub mod service;
pub mod signage;
pub mod signing;
pub mod wire;

pub use config::{
    CertPaths, ConfigError, ConfigOverrides, FarmerPeer, HarvesterConfig, RefreshParameters,
    resolve_root,
};
pub use plot_manager::{
    FarmerKeys, LoadError, LoadedPlot, PlotManager, PlotSet, RefreshResult, SharedPlots,
};
pub use plot_sync::{
    PlotSyncSender, RefreshSync, SyncMessage, SyncMessageType, SyncPayload, SyncResponse,
    SyncState, SyncedPlot,
};
pub use scan::{ScanSettings, find_plot_files};
pub use signage::{
    FoundProof, LookupLimits, LookupSummary, PoolDifficulty, SignagePoint, answer_signage_point,
};
pub use signing::{SignedMessages, SigningError, sign_messages};
