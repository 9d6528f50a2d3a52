//! Chia's peer protocol messages for the harvester–farmer link, byte-for-byte as chia-blockchain
//! 2.7.5 and chia_rs 0.48 encode them.
//!
//! Sans-IO: everything here turns bytes into typed values and back; connections live in
//! `sickle-peer`.
//!
//! ```
//! use sickle_protocol::{decode, HarvesterMessage, Message, PlotSyncDone, PlotSyncIdentifier};
//! use sickle_streamable::Streamable;
//!
//! let identifier = PlotSyncIdentifier { timestamp: 1_700_000_001, sync_id: 1_700_000_000, message_id: 6 };
//! let frame = Message::new(&PlotSyncDone { identifier, duration: 0 }, None).to_bytes();
//! assert_eq!(frame.len(), 6 + 32);
//!
//! let message = Message::from_bytes(&frame)?;
//! let harvester_version = sickle_protocol::ProtocolVersion::current();
//! match decode(message.msg_type, &harvester_version, &message.data)? {
//!     HarvesterMessage::PlotSyncDone(done) => assert_eq!(done.identifier.message_id, 6),
//!     other => panic!("unexpected {other:?}"),
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! | module | what |
//! |---|---|
//! | `message.rs` | [`Message`] envelope, [`ChiaProtocolMessage`] (payload type ↔ id) |
//! | `ids.rs` | [`ProtocolMessageTypes`]: all 113 ids, names, [`allowed_from`] |
//! | `node.rs` | [`NodeType`], [`Capability`], [`default_capabilities`] |
//! | `shared.rs` | [`Handshake`], [`ConfigureWindowSizes`], [`Error`] |
//! | `version.rs` | [`ProtocolVersion`], [`protocol_version_for`], format-by-version rules |
//! | `proof_of_space.rs` | [`ProofOfSpace`] (v1/v2 wire forms), [`PartialProof`] |
//! | `harvester.rs` | harvester_protocol messages: [`NewSignagePointHarvester2`], [`NewProofOfSpace`], … |
//! | `plot_sync.rs` | plot sync messages: [`PlotSyncStart`], [`PlotSyncPlotList2`], … |
//! | `blockchain.rs` | [`RewardChainBlockUnfinished`], [`VDFInfo`], [`FarmingInfo`], … |
//! | `classes.rs` | `classes::decode_class` / `encode_class`: any class by name (with JSON on) |
//! | `decode.rs` | [`decode`]: id + payload → [`HarvesterMessage`] |
//! | `error.rs` | [`ProtocolError`] |
//!
//! # Feature flags
//!
//! * `serde` (off by default): chia's `to_json_dict` / `from_json_dict` for every type, through
//!   `sickle-streamable/serde`, and the by-name `classes` module. The JSON
//!   code follows sickle-streamable's own `serde` feature, so it is also on whenever another crate
//!   in the build turns that on.

mod blockchain;
sickle_streamable::cfg_json! {
    pub mod classes;
}
mod decode;
mod error;
mod harvester;
mod ids;
mod message;
mod node;
mod plot_sync;
mod proof_of_space;
mod shared;
mod version;

pub use crate::blockchain::{
    ClassgroupElement, FarmingInfo, PoolTarget, RewardChainBlockUnfinished, VDFInfo,
};
pub use crate::decode::{HarvesterMessage, decode};
pub use crate::harvester::{
    HarvesterHandshake, NewProofOfSpace, NewSignagePointHarvester, NewSignagePointHarvester2,
    PartialProofsData, Plot, Plot2, PoolDifficulty, ProofOfSpaceFeeInfo, RequestPlots,
    RequestSignatures, RespondPlots, RespondPlots2, RespondSignatures, SignatureRequestSourceData,
    SigningDataKind,
};
pub use crate::plot_sync::{
    HarvestingMode, PlotSyncDone, PlotSyncError, PlotSyncIdentifier, PlotSyncPathList,
    PlotSyncPlotList, PlotSyncPlotList2, PlotSyncResponse, PlotSyncStart,
};
pub use crate::proof_of_space::{PartialProof, ProofOfSpace, ProofOfSpaceVersion};

pub use crate::error::ProtocolError;
pub use crate::ids::{ProtocolMessageTypes, allowed_from};
pub use crate::message::{ChiaProtocolMessage, Message};
pub use crate::node::{Capability, NodeType, default_capabilities};
pub use crate::shared::{ConfigureWindowSizes, Error, Handshake};
pub use crate::version::{
    PROTOCOL_VERSION, ProtocolVersion, SignagePointFormat, plot_sync_loaded_type,
    protocol_version_for, respond_plots_type, signage_point_format,
    supports_new_plot_serialization,
};
