//! Typed decoding of a harvester-link payload from its message id: [`decode`] and
//! [`HarvesterMessage`].

use sickle_streamable::Streamable;

use crate::blockchain::FarmingInfo;
use crate::harvester::{
    HarvesterHandshake, NewProofOfSpace, NewSignagePointHarvester, NewSignagePointHarvester2,
    PartialProofsData, RequestPlots, RequestSignatures, RespondPlots, RespondPlots2,
    RespondSignatures,
};
use crate::plot_sync::{
    PlotSyncDone, PlotSyncPathList, PlotSyncPlotList, PlotSyncPlotList2, PlotSyncResponse,
    PlotSyncStart,
};
use crate::shared::{ConfigureWindowSizes, Error, Handshake};
use crate::version::{ProtocolVersion, SignagePointFormat, signage_point_format};
use crate::{ProtocolError, ProtocolMessageTypes};

/// Every message that travels on the harvester–farmer link, decoded.
///
/// Variants holding BLS points are boxed so the enum stays small. The four path-list kinds of plot sync share one payload class, so they are separate variants
/// here; [`HarvesterMessage::msg_type`] gives each one's id back.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum HarvesterMessage {
    /// `handshake` (1).
    Handshake(Handshake),
    /// `configure_window_sizes` (111).
    ConfigureWindowSizes(ConfigureWindowSizes),
    /// `error` (255).
    Error(Error),
    /// `harvester_handshake` (3).
    HarvesterHandshake(HarvesterHandshake),
    /// `new_signage_point_harvester` (66) in the ≤ 0.0.36 format.
    NewSignagePointHarvester(NewSignagePointHarvester),
    /// `new_signage_point_harvester` (66) in the ≥ 0.0.38 format.
    NewSignagePointHarvester2(NewSignagePointHarvester2),
    /// `new_proof_of_space` (5).
    NewProofOfSpace(Box<NewProofOfSpace>),
    /// `partial_proofs` (110).
    PartialProofs(Box<PartialProofsData>),
    /// `request_signatures` (6).
    RequestSignatures(Box<RequestSignatures>),
    /// `respond_signatures` (7).
    RespondSignatures(Box<RespondSignatures>),
    /// `farming_info` (12).
    FarmingInfo(FarmingInfo),
    /// `request_plots` (67).
    RequestPlots(RequestPlots),
    /// `respond_plots` (68).
    RespondPlots(RespondPlots),
    /// `respond_plots2` (113).
    RespondPlots2(RespondPlots2),
    /// `plot_sync_start` (78).
    PlotSyncStart(PlotSyncStart),
    /// `plot_sync_loaded` (79).
    PlotSyncLoaded(PlotSyncPlotList),
    /// `plot_sync_loaded2` (112).
    PlotSyncLoaded2(PlotSyncPlotList2),
    /// `plot_sync_removed` (80).
    PlotSyncRemoved(PlotSyncPathList),
    /// `plot_sync_invalid` (81).
    PlotSyncInvalid(PlotSyncPathList),
    /// `plot_sync_keys_missing` (82).
    PlotSyncKeysMissing(PlotSyncPathList),
    /// `plot_sync_duplicates` (83).
    PlotSyncDuplicates(PlotSyncPathList),
    /// `plot_sync_done` (84).
    PlotSyncDone(PlotSyncDone),
    /// `plot_sync_response` (85).
    PlotSyncResponse(PlotSyncResponse),
}

impl HarvesterMessage {
    /// The id this message travels under.
    pub fn msg_type(&self) -> ProtocolMessageTypes {
        use ProtocolMessageTypes as T;
        match self {
            Self::Handshake(_) => T::Handshake,
            Self::ConfigureWindowSizes(_) => T::ConfigureWindowSizes,
            Self::Error(_) => T::Error,
            Self::HarvesterHandshake(_) => T::HarvesterHandshake,
            Self::NewSignagePointHarvester(_) | Self::NewSignagePointHarvester2(_) => {
                T::NewSignagePointHarvester
            }
            Self::NewProofOfSpace(_) => T::NewProofOfSpace,
            Self::PartialProofs(_) => T::PartialProofs,
            Self::RequestSignatures(_) => T::RequestSignatures,
            Self::RespondSignatures(_) => T::RespondSignatures,
            Self::FarmingInfo(_) => T::FarmingInfo,
            Self::RequestPlots(_) => T::RequestPlots,
            Self::RespondPlots(_) => T::RespondPlots,
            Self::RespondPlots2(_) => T::RespondPlots2,
            Self::PlotSyncStart(_) => T::PlotSyncStart,
            Self::PlotSyncLoaded(_) => T::PlotSyncLoaded,
            Self::PlotSyncLoaded2(_) => T::PlotSyncLoaded2,
            Self::PlotSyncRemoved(_) => T::PlotSyncRemoved,
            Self::PlotSyncInvalid(_) => T::PlotSyncInvalid,
            Self::PlotSyncKeysMissing(_) => T::PlotSyncKeysMissing,
            Self::PlotSyncDuplicates(_) => T::PlotSyncDuplicates,
            Self::PlotSyncDone(_) => T::PlotSyncDone,
            Self::PlotSyncResponse(_) => T::PlotSyncResponse,
        }
    }

    /// The payload's reference class name, e.g. `"PlotSyncPathList"`.
    pub fn class_name(&self) -> &'static str {
        match self {
            Self::Handshake(_) => "Handshake",
            Self::ConfigureWindowSizes(_) => "ConfigureWindowSizes",
            Self::Error(_) => "Error",
            Self::HarvesterHandshake(_) => "HarvesterHandshake",
            Self::NewSignagePointHarvester(_) => "NewSignagePointHarvester",
            Self::NewSignagePointHarvester2(_) => "NewSignagePointHarvester2",
            Self::NewProofOfSpace(_) => "NewProofOfSpace",
            Self::PartialProofs(_) => "PartialProofsData",
            Self::RequestSignatures(_) => "RequestSignatures",
            Self::RespondSignatures(_) => "RespondSignatures",
            Self::FarmingInfo(_) => "FarmingInfo",
            Self::RequestPlots(_) => "RequestPlots",
            Self::RespondPlots(_) => "RespondPlots",
            Self::RespondPlots2(_) => "RespondPlots2",
            Self::PlotSyncStart(_) => "PlotSyncStart",
            Self::PlotSyncLoaded(_) => "PlotSyncPlotList",
            Self::PlotSyncLoaded2(_) => "PlotSyncPlotList2",
            Self::PlotSyncRemoved(_)
            | Self::PlotSyncInvalid(_)
            | Self::PlotSyncKeysMissing(_)
            | Self::PlotSyncDuplicates(_) => "PlotSyncPathList",
            Self::PlotSyncDone(_) => "PlotSyncDone",
            Self::PlotSyncResponse(_) => "PlotSyncResponse",
        }
    }

    /// The payload's Streamable bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        match self {
            Self::Handshake(m) => m.to_bytes(),
            Self::ConfigureWindowSizes(m) => m.to_bytes(),
            Self::Error(m) => m.to_bytes(),
            Self::HarvesterHandshake(m) => m.to_bytes(),
            Self::NewSignagePointHarvester(m) => m.to_bytes(),
            Self::NewSignagePointHarvester2(m) => m.to_bytes(),
            Self::NewProofOfSpace(m) => m.to_bytes(),
            Self::PartialProofs(m) => m.to_bytes(),
            Self::RequestSignatures(m) => m.to_bytes(),
            Self::RespondSignatures(m) => m.to_bytes(),
            Self::FarmingInfo(m) => m.to_bytes(),
            Self::RequestPlots(m) => m.to_bytes(),
            Self::RespondPlots(m) => m.to_bytes(),
            Self::RespondPlots2(m) => m.to_bytes(),
            Self::PlotSyncStart(m) => m.to_bytes(),
            Self::PlotSyncLoaded(m) => m.to_bytes(),
            Self::PlotSyncLoaded2(m) => m.to_bytes(),
            Self::PlotSyncRemoved(m)
            | Self::PlotSyncInvalid(m)
            | Self::PlotSyncKeysMissing(m)
            | Self::PlotSyncDuplicates(m) => m.to_bytes(),
            Self::PlotSyncDone(m) => m.to_bytes(),
            Self::PlotSyncResponse(m) => m.to_bytes(),
        }
    }
}

sickle_streamable::cfg_json! {
    impl sickle_streamable::json::ToJsonDict for HarvesterMessage {
        /// The payload's JSON (the id is not part of it).
        fn to_json_dict(&self) -> sickle_streamable::json::serde_json::Value {
            match self {
                Self::Handshake(m) => m.to_json_dict(),
                Self::ConfigureWindowSizes(m) => m.to_json_dict(),
                Self::Error(m) => m.to_json_dict(),
                Self::HarvesterHandshake(m) => m.to_json_dict(),
                Self::NewSignagePointHarvester(m) => m.to_json_dict(),
                Self::NewSignagePointHarvester2(m) => m.to_json_dict(),
                Self::NewProofOfSpace(m) => m.to_json_dict(),
                Self::PartialProofs(m) => m.to_json_dict(),
                Self::RequestSignatures(m) => m.to_json_dict(),
                Self::RespondSignatures(m) => m.to_json_dict(),
                Self::FarmingInfo(m) => m.to_json_dict(),
                Self::RequestPlots(m) => m.to_json_dict(),
                Self::RespondPlots(m) => m.to_json_dict(),
                Self::RespondPlots2(m) => m.to_json_dict(),
                Self::PlotSyncStart(m) => m.to_json_dict(),
                Self::PlotSyncLoaded(m) => m.to_json_dict(),
                Self::PlotSyncLoaded2(m) => m.to_json_dict(),
                Self::PlotSyncRemoved(m)
                | Self::PlotSyncInvalid(m)
                | Self::PlotSyncKeysMissing(m)
                | Self::PlotSyncDuplicates(m) => m.to_json_dict(),
                Self::PlotSyncDone(m) => m.to_json_dict(),
                Self::PlotSyncResponse(m) => m.to_json_dict(),
            }
        }
    }
}

/// Decodes the payload of a message with id `msg_type` into its typed form.
///
/// `version` is the protocol version the **harvester** announced on this link: chia's farmer
/// picks the format of id 66 from it (≤ 0.0.36 → [`NewSignagePointHarvester`], ≥ 0.0.38 →
/// [`NewSignagePointHarvester2`], 0.0.37 → nothing is ever sent, so decoding one is an error).
/// Every other id has a single format. An unknown id, an id that does not travel on this link,
/// or a payload that does not decode exactly (trailing bytes included) is an error, never a panic.
pub fn decode(
    msg_type: u8,
    version: &ProtocolVersion,
    data: &[u8],
) -> Result<HarvesterMessage, ProtocolError> {
    use HarvesterMessage as M;
    use ProtocolMessageTypes as T;
    let kind =
        ProtocolMessageTypes::from_id(msg_type).ok_or(ProtocolError::UnknownType(msg_type))?;
    let payload = |source| ProtocolError::Payload {
        msg_type: kind,
        source,
    };
    fn parse<P: Streamable>(data: &[u8]) -> Result<P, sickle_streamable::Error> {
        P::from_bytes(data)
    }
    let message = match kind {
        T::Handshake => M::Handshake(parse(data).map_err(payload)?),
        T::ConfigureWindowSizes => M::ConfigureWindowSizes(parse(data).map_err(payload)?),
        T::Error => M::Error(parse(data).map_err(payload)?),
        T::HarvesterHandshake => M::HarvesterHandshake(parse(data).map_err(payload)?),
        T::NewSignagePointHarvester => match signage_point_format(version) {
            Some(SignagePointFormat::V1) => {
                M::NewSignagePointHarvester(parse(data).map_err(payload)?)
            }
            Some(SignagePointFormat::V2) => {
                M::NewSignagePointHarvester2(parse(data).map_err(payload)?)
            }
            None => return Err(ProtocolError::NoSignagePointFormat(version.to_string())),
        },
        T::NewProofOfSpace => M::NewProofOfSpace(Box::new(parse(data).map_err(payload)?)),
        T::PartialProofs => M::PartialProofs(Box::new(parse(data).map_err(payload)?)),
        T::RequestSignatures => M::RequestSignatures(Box::new(parse(data).map_err(payload)?)),
        T::RespondSignatures => M::RespondSignatures(Box::new(parse(data).map_err(payload)?)),
        T::FarmingInfo => M::FarmingInfo(parse(data).map_err(payload)?),
        T::RequestPlots => M::RequestPlots(parse(data).map_err(payload)?),
        T::RespondPlots => M::RespondPlots(parse(data).map_err(payload)?),
        T::RespondPlots2 => M::RespondPlots2(parse(data).map_err(payload)?),
        T::PlotSyncStart => M::PlotSyncStart(parse(data).map_err(payload)?),
        T::PlotSyncLoaded => M::PlotSyncLoaded(parse(data).map_err(payload)?),
        T::PlotSyncLoaded2 => M::PlotSyncLoaded2(parse(data).map_err(payload)?),
        T::PlotSyncRemoved => M::PlotSyncRemoved(parse(data).map_err(payload)?),
        T::PlotSyncInvalid => M::PlotSyncInvalid(parse(data).map_err(payload)?),
        T::PlotSyncKeysMissing => M::PlotSyncKeysMissing(parse(data).map_err(payload)?),
        T::PlotSyncDuplicates => M::PlotSyncDuplicates(parse(data).map_err(payload)?),
        T::PlotSyncDone => M::PlotSyncDone(parse(data).map_err(payload)?),
        T::PlotSyncResponse => M::PlotSyncResponse(parse(data).map_err(payload)?),
        other => return Err(ProtocolError::NotOnLink(other)),
    };
    Ok(message)
}
