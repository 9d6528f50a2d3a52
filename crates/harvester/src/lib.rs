//! The Sickle harvester: a drop-in for chia-blockchain 2.7.5's harvester service.
//!
//! It reads a chia root's configuration, finds and opens plots, dials its farmers over mutual TLS
//! (`sickle-peer`), keeps them informed with plot sync, and answers their signage points and
//! signature requests with `sickle-pos`. Disk reads run on tokio's blocking pool with a bounded
//! concurrency and a per-plot deadline, so one slow disk cannot stall a farmer link. The
//! `sickle-harvester` binary wires these together from a chia root; `sickle demo` does the same
//! from code.
//!
//! Load a plot directory and answer one signage point for each plot, the blocking core of what the
//! service does for every `new_signage_point_harvester` (values of harvester-farmer §12.4):
//!
//! ```
//! use std::sync::Arc;
//! use std::time::{Duration, SystemTime};
//!
//! use sickle_harvester::plot_manager::{FarmerKeys, PlotManager, open_file};
//! use sickle_harvester::scan::ScanSettings;
//! use sickle_harvester::signage::{SignagePoint, lookup_plot};
//! use sickle_pos::consensus::OverrideValue;
//! use sickle_pos::{ConsensusConstants, Plot};
//!
//! let dir = sickle_vectors::data_dir().join("plots");
//! let scan = ScanSettings { directories: vec![dir.clone()], recursive: false, follow_links: false };
//! let mut manager = PlotManager::new(scan, 300, Duration::from_secs(1200), 2, Arc::new(open_file));
//!
//! // The keys a farmer's harvester_handshake would send: here, those in a plot's own memo.
//! let plot = Plot::open(std::fs::File::open(dir.join("k18-solo.plot"))?)?;
//! manager.set_keys(FarmerKeys {
//!     farmer_public_keys: vec![*plot.memo().farmer_public_key()],
//!     pool_public_keys: plot.memo().pool_public_key().into_iter().copied().collect(),
//! });
//! let refresh = manager.refresh(SystemTime::now());
//! assert_eq!(refresh.loaded().count(), 2);
//!
//! // Mainnet rules with the difficulty factor of Sickle's `sim` network, so k=18 plots qualify.
//! let overrides = [("DIFFICULTY_CONSTANT_FACTOR", 1 << 42), ("MIN_PLOT_SIZE_V1", 18)]
//!     .map(|(name, value)| (name.to_owned(), OverrideValue::Int(value)));
//! let constants = ConsensusConstants::for_network("mainnet", &overrides)?;
//! let mut challenge_hash = [0u8; 32];
//! hex::decode_to_slice(
//!     "4628b646302039fb72862185cd5b60cb2f19e4bef63c0c4a65e0511410845b5c",
//!     &mut challenge_hash,
//! )?;
//! let sp = SignagePoint {
//!     challenge_hash,
//!     sp_hash: [0x22; 32],
//!     difficulty: 1,
//!     sub_slot_iters: 1 << 26,
//!     signage_point_index: 7,
//!     peak_height: 0,
//!     last_tx_height: 0,
//!     pool_difficulties: Vec::new(),
//! };
//! let mut proofs = Vec::new();
//! for plot in manager.loaded() {
//!     proofs.extend(lookup_plot(&constants, &sp, plot)?);
//! }
//! assert!(proofs.iter().all(|found| found.proof.len() == 18 * 8));
//! # assert!(!proofs.is_empty());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! | module | what |
//! |---|---|
//! | [`config`] | chia root resolution and the `harvester:` section of `config.yaml` |
//! | [`scan`] | finding `*.plot` / `*.plot2` files in the plot directories |
//! | [`plot_manager`] | opening headers in parallel, classifying files, incremental refresh, snapshots for lookups |
//! | [`plot_set`] | loaded plots (small), the snapshot lookups read, the plot files lookups keep open |
//! | [`plot_cache`] | the header cache file: a restart loads plots without reading their headers |
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
pub mod plot_cache;
pub mod plot_manager;
pub mod plot_set;
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
pub use plot_cache::{CacheEntry, CacheError, DecodeError, PlotData, default_cache_path};
pub use plot_manager::{FarmerKeys, LoadError, PlotManager, RefreshResult};
pub use plot_set::{LoadedPlot, OpenFiles, PlotSet, SharedPlots};
pub use plot_sync::{
    PlotSyncSender, RefreshSync, SyncMessage, SyncMessageType, SyncPayload, SyncResponse,
    SyncState, SyncedPlot,
};
pub use scan::{ScanSettings, find_plot_files};
pub use signage::{
    FoundProof, LOOKUP_GROUP, LookupLimits, LookupSummary, PoolDifficulty, SignagePoint,
    answer_signage_point,
};
pub use signing::{SignedMessages, SigningError, sign_messages};
