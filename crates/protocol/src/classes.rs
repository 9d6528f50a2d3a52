//! Every payload class by its reference name, for tools that only know the name at run time
//! (`sickle msg`, the vector tests): bytes → re-encoded bytes, hash and JSON, or JSON → bytes.

use sickle_streamable::json::serde_json::Value;
use sickle_streamable::json::{FromJsonDict, JsonError, ToJsonDict};
use sickle_streamable::{Bytes32, Streamable};

use crate::*;

/// A value of some class, in all three of chia's forms.
#[derive(Debug, Clone, PartialEq)]
pub struct Encoded {
    /// `bytes(obj)`.
    pub bytes: Vec<u8>,
    /// `obj.get_hash()` (see [`ProofOfSpace`] for the one v2 difference from chia_rs).
    pub hash: Bytes32,
    /// `obj.to_json_dict()`.
    pub json: Value,
}

impl Encoded {
    fn of<T: Streamable + ToJsonDict>(value: &T) -> Self {
        Self {
            bytes: value.to_bytes(),
            hash: value.hash(),
            json: value.to_json_dict(),
        }
    }
}

/// Why a by-name conversion failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ClassError {
    /// No class of that name (see [`CLASS_NAMES`]).
    #[error("unknown class {0:?}")]
    UnknownClass(String),
    /// The bytes are not a valid encoding of the class.
    #[error("{class}: {source}")]
    Decode {
        /// The class.
        class: &'static str,
        /// What the codec said.
        source: sickle_streamable::Error,
    },
    /// The JSON does not describe a value of the class.
    #[error("{class}: {source}")]
    Json {
        /// The class.
        class: &'static str,
        /// What the JSON decoder said.
        source: JsonError,
    },
}

macro_rules! classes {
    ($($ty:ident),* $(,)?) => {
        /// Every class name [`decode_class`] and [`encode_class`] accept (reference spelling).
        pub const CLASS_NAMES: &[&str] = &[$(stringify!($ty)),*];

        /// Decodes `bytes` (exactly, no trailing bytes) as class `name`.
        pub fn decode_class(name: &str, bytes: &[u8]) -> Result<Encoded, ClassError> {
            match name {
                $(stringify!($ty) => $ty::from_bytes(bytes)
                    .map(|value| Encoded::of(&value))
                    .map_err(|source| ClassError::Decode { class: stringify!($ty), source }),)*
                _ => Err(ClassError::UnknownClass(name.to_owned())),
            }
        }

        /// Builds a value of class `name` from chia's JSON form.
        pub fn encode_class(name: &str, json: &Value) -> Result<Encoded, ClassError> {
            match name {
                $(stringify!($ty) => $ty::from_json_dict(json)
                    .map(|value| Encoded::of(&value))
                    .map_err(|source| ClassError::Json { class: stringify!($ty), source }),)*
                _ => Err(ClassError::UnknownClass(name.to_owned())),
            }
        }
    };
}

classes!(
    Handshake,
    ConfigureWindowSizes,
    Error,
    Message,
    PoolDifficulty,
    HarvesterHandshake,
    NewSignagePointHarvester,
    NewSignagePointHarvester2,
    ProofOfSpaceFeeInfo,
    NewProofOfSpace,
    PartialProofsData,
    SignatureRequestSourceData,
    RequestSignatures,
    RespondSignatures,
    Plot,
    Plot2,
    RequestPlots,
    RespondPlots,
    RespondPlots2,
    PlotSyncIdentifier,
    PlotSyncStart,
    PlotSyncPathList,
    PlotSyncPlotList,
    PlotSyncPlotList2,
    PlotSyncDone,
    PlotSyncError,
    PlotSyncResponse,
    FarmingInfo,
    ProofOfSpace,
    PartialProof,
    RewardChainBlockUnfinished,
    VDFInfo,
    ClassgroupElement,
    PoolTarget,
);
