//! The Sickle farmer: serves many harvesters at once (Sickle's and chia 2.7.5's) the way
//! chia-blockchain 2.7.5's farmer does (harvester-farmer §3, §4, §8–§10), with a simulated chain
//! as its source of signage points.
//!
//! The protocol logic is sans-IO; only the service layer uses tokio.
//!
//! A farmer on the simulated chain; [`FarmerService::run`] then serves harvesters on a listener
//! with mutual TLS until its shutdown token fires (`sickle demo` and the `sickle-farmer` binary
//! do exactly that):
//!
//! ```
//! use sickle_farmer::{
//!     Farmer, FarmerKeys, FarmerService, RewardTargets, SIM_NETWORK, SignagePointSource,
//!     SimChain, SimChainConfig, constants_for_network,
//! };
//! use sickle_pos::keys::master_sk_from_seed;
//!
//! let constants = constants_for_network(SIM_NETWORK, None)?;
//! let mut chain = SimChain::new(SimChainConfig::new(constants.clone()))?;
//! let first = chain.next_signage_point();
//! assert_eq!(first.signage_point_index, 0);
//!
//! let master = master_sk_from_seed(&[7; 32]).ok_or("seed too short")?;
//! let keys = FarmerKeys::from_master_sk(&master);
//! let targets = RewardTargets { farmer: [0x66; 32], pool: [0x77; 32] };
//! let farmer = Farmer::new(constants, SIM_NETWORK, keys.clone(), targets);
//! let service = FarmerService::new(SIM_NETWORK, farmer, Box::new(chain), keys.pool_public_keys());
//! let status = service.status();
//! assert_eq!((status.network.as_str(), status.harvesters.len()), ("sim", 0));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! | module | what |
//! |---|---|
//! | [`config`] | the chia root: `farmer:` section, selected network, overrides, certificate paths |
//! | [`constants`] | consensus constants for a network id, with chia's network overrides |
//! | [`address`] | bech32m `xch…` addresses to puzzle hashes |
//! | [`chain`] | the [`SignagePointSource`] trait and the simulated chain ([`SimChain`]) |
//! | [`plot_sync`] | the plot sync receiver, one per harvester ([`PlotSyncReceiver`]) |
//! | [`partials`] | pool partials of plot NFT plots: decision, payload, signatures |
//! | [`proof`] | a harvester's proof of space and chia's checks of it |
//! | [`signing`] | harvester shares + farmer share (+ taproot) → verified plot signatures |
//! | [`messages`] | sickle-protocol's harvester messages, their conversions into the receiver, `DeclareProofOfSpace` |
//! | [`farming`] | proofs → signature requests → declared blocks ([`Farmer`]) |
//! | [`service`] | the tokio service: listener, harvester tasks, signage point fan-out |
//! | [`status`] | `GET /status` (JSON) and `/metrics` (Prometheus) |
//! | [`keys`] | the key file: mnemonic or farmer secret key → farmer and pool keys |
//!
//! # Feature flags
//!
//! None.

pub mod address;
pub mod chain;
pub mod config;
pub mod constants;
pub mod farming;
pub mod keys;
pub mod messages;
pub mod partials;
pub mod plot_sync;
pub mod proof;
pub mod service;
pub mod signing;
pub mod status;

pub use address::{AddressError, decode_puzzle_hash};
pub use chain::{
    PoolDifficultyEntry, SignagePoint, SignagePointSource, SimChain, SimChainConfig, WonBlock,
};
pub use config::{
    CertPaths, ConfigError, ConfigOverrides, DEFAULT_FARMER_PORT, FarmerConfig, resolve_root,
};
pub use constants::{ConstantsError, SIM_NETWORK, constants_for_network, sim_overrides};
pub use farming::{
    DeclaredBlock, Farmer, FarmerCounters, HarvesterFault, ProofOutcome, RewardTargets,
};
pub use keys::{FarmerKeys, KeysError, fingerprint, mnemonic_to_seed};
pub use partials::{
    PartialDecision, PartialError, PendingPartial, PlotNft, PostPartialPayload, PostPartialRequest,
    authentication_token,
};
pub use plot_sync::{
    PlotSyncAnswer, PlotSyncBody, PlotSyncErrorCode, PlotSyncFailure, PlotSyncReceiver,
    SyncIdentifier, SyncProgress, SyncedPlot, duplicates_across,
};
pub use proof::{
    InvalidProof, ProofContext, ProofKind, ProofOfSpace, ProofOfSpaceVersion, claimed_plot_id,
    verify_and_get_quality_string,
};
pub use service::FarmerService;
pub use signing::{PlotKeys, SigningError, check_messages};
pub use status::{HarvesterStatus, Status, serve_status};
