//! The harvester-protocol messages the farmer sends and receives (harvester-farmer §2,
//! wire.md §6): sickle-protocol's types, re-exported, plus what only the farmer needs — the
//! conversions into its plot sync receiver and `DeclareProofOfSpace` (farmer protocol).

use chia_bls::Signature;
use sickle_streamable::{Bytes32, Error, Streamable};

pub use sickle_protocol::{
    FarmingInfo, HarvesterHandshake, NewProofOfSpace, NewSignagePointHarvester,
    NewSignagePointHarvester2, Plot, Plot2, PlotSyncDone, PlotSyncError, PlotSyncIdentifier,
    PlotSyncPathList, PlotSyncPlotList, PlotSyncPlotList2, PlotSyncResponse, PlotSyncStart,
    PoolDifficulty, PoolTarget, ProofOfSpaceFeeInfo, RequestSignatures, RespondSignatures,
    SignatureRequestSourceData,
};

use crate::plot_sync::{PlotSyncAnswer, PlotSyncBody, SyncIdentifier, SyncedPlot};
use crate::proof::ProofOfSpace;

/// Message type ids, taken from sickle-protocol's single table (chia `ProtocolMessageTypes`).
pub mod ids {
    use sickle_protocol::ProtocolMessageTypes as T;

    /// `harvester_handshake`, F→H.
    pub const HARVESTER_HANDSHAKE: u8 = T::HarvesterHandshake as u8;
    /// `new_proof_of_space`, H→F.
    pub const NEW_PROOF_OF_SPACE: u8 = T::NewProofOfSpace as u8;
    /// `request_signatures`, F→H.
    pub const REQUEST_SIGNATURES: u8 = T::RequestSignatures as u8;
    /// `respond_signatures`, H→F.
    pub const RESPOND_SIGNATURES: u8 = T::RespondSignatures as u8;
    /// `farming_info`, H→F.
    pub const FARMING_INFO: u8 = T::FarmingInfo as u8;
    /// `new_signage_point_harvester`, F→H (both formats).
    pub const NEW_SIGNAGE_POINT_HARVESTER: u8 = T::NewSignagePointHarvester as u8;
    /// `plot_sync_start`.
    pub const PLOT_SYNC_START: u8 = T::PlotSyncStart as u8;
    /// `plot_sync_loaded`.
    pub const PLOT_SYNC_LOADED: u8 = T::PlotSyncLoaded as u8;
    /// `plot_sync_removed`.
    pub const PLOT_SYNC_REMOVED: u8 = T::PlotSyncRemoved as u8;
    /// `plot_sync_invalid`.
    pub const PLOT_SYNC_INVALID: u8 = T::PlotSyncInvalid as u8;
    /// `plot_sync_keys_missing`.
    pub const PLOT_SYNC_KEYS_MISSING: u8 = T::PlotSyncKeysMissing as u8;
    /// `plot_sync_duplicates`.
    pub const PLOT_SYNC_DUPLICATES: u8 = T::PlotSyncDuplicates as u8;
    /// `plot_sync_done`.
    pub const PLOT_SYNC_DONE: u8 = T::PlotSyncDone as u8;
    /// `plot_sync_response`, F→H.
    pub const PLOT_SYNC_RESPONSE: u8 = T::PlotSyncResponse as u8;
    /// `plot_sync_loaded2`.
    pub const PLOT_SYNC_LOADED2: u8 = T::PlotSyncLoaded2 as u8;

    #[cfg(test)]
    mod tests {
        #[test]
        fn chias_numbers() {
            assert_eq!(
                [
                    super::HARVESTER_HANDSHAKE,
                    super::NEW_PROOF_OF_SPACE,
                    super::REQUEST_SIGNATURES,
                    super::RESPOND_SIGNATURES,
                    super::FARMING_INFO,
                    super::NEW_SIGNAGE_POINT_HARVESTER,
                    super::PLOT_SYNC_START,
                    super::PLOT_SYNC_LOADED,
                    super::PLOT_SYNC_DONE,
                    super::PLOT_SYNC_RESPONSE,
                    super::PLOT_SYNC_LOADED2,
                ],
                [3, 5, 6, 7, 12, 66, 78, 79, 84, 85, 112]
            );
        }
    }
}

impl From<PlotSyncIdentifier> for SyncIdentifier {
    fn from(id: PlotSyncIdentifier) -> Self {
        Self {
            timestamp: id.timestamp,
            sync_id: id.sync_id,
            message_id: id.message_id,
        }
    }
}

impl From<SyncIdentifier> for PlotSyncIdentifier {
    fn from(id: SyncIdentifier) -> Self {
        Self {
            timestamp: id.timestamp,
            sync_id: id.sync_id,
            message_id: id.message_id,
        }
    }
}

impl From<Plot2> for SyncedPlot {
    fn from(plot: Plot2) -> Self {
        Self {
            filename: plot.filename,
            size: plot.size,
            plot_id: plot.plot_id.0,
            pool_public_key: plot.pool_public_key.map(|pk| pk.to_bytes()),
            pool_contract_puzzle_hash: plot.pool_contract_puzzle_hash.map(|hash| hash.0),
            plot_public_key: plot.plot_public_key.to_bytes(),
            file_size: plot.file_size,
            time_modified: plot.time_modified,
            compression_level: plot.compression_level,
            plot_index: plot.plot_index,
            meta_group: plot.meta_group,
        }
    }
}

impl From<Plot> for SyncedPlot {
    fn from(plot: Plot) -> Self {
        Self {
            filename: plot.filename,
            size: plot.size,
            plot_id: plot.plot_id.0,
            pool_public_key: plot.pool_public_key.map(|pk| pk.to_bytes()),
            pool_contract_puzzle_hash: plot.pool_contract_puzzle_hash.map(|hash| hash.0),
            plot_public_key: plot.plot_public_key.to_bytes(),
            file_size: plot.file_size,
            time_modified: plot.time_modified,
            compression_level: plot.compression_level,
            plot_index: 0,
            meta_group: 0,
        }
    }
}

impl From<&PlotSyncAnswer> for PlotSyncResponse {
    fn from(answer: &PlotSyncAnswer) -> Self {
        Self {
            identifier: answer.identifier.into(),
            message_type: answer.message_type,
            error: answer.error.as_ref().map(|error| PlotSyncError {
                code: error.code.code(),
                message: error.message.clone(),
                expected_identifier: error.expected_identifier.map(Into::into),
            }),
        }
    }
}

/// Decodes a plot sync message of type `msg_type` into the receiver's input, or `None` if the
/// type is not a plot sync message.
pub fn decode_plot_sync(
    msg_type: u8,
    payload: &[u8],
) -> Option<Result<(SyncIdentifier, PlotSyncBody), Error>> {
    let paths = |payload: &[u8]| PlotSyncPathList::from_bytes(payload);
    let decoded = match msg_type {
        ids::PLOT_SYNC_START => PlotSyncStart::from_bytes(payload).map(|m| {
            let body = PlotSyncBody::Start {
                initial: m.initial,
                last_sync_id: m.last_sync_id,
                plot_file_count: m.plot_file_count,
                harvesting_mode: m.harvesting_mode,
            };
            (m.identifier.into(), body)
        }),
        ids::PLOT_SYNC_LOADED => PlotSyncPlotList::from_bytes(payload).map(|m| {
            let plots = m.data.into_iter().map(SyncedPlot::from).collect();
            let body = PlotSyncBody::Loaded {
                plots,
                last: m.r#final,
                v2: false,
            };
            (m.identifier.into(), body)
        }),
        ids::PLOT_SYNC_LOADED2 => PlotSyncPlotList2::from_bytes(payload).map(|m| {
            let plots = m.data.into_iter().map(SyncedPlot::from).collect();
            let body = PlotSyncBody::Loaded {
                plots,
                last: m.r#final,
                v2: true,
            };
            (m.identifier.into(), body)
        }),
        ids::PLOT_SYNC_REMOVED => paths(payload).map(|m| {
            let body = PlotSyncBody::Removed {
                paths: m.data,
                last: m.r#final,
            };
            (m.identifier.into(), body)
        }),
        ids::PLOT_SYNC_INVALID => paths(payload).map(|m| {
            let body = PlotSyncBody::Invalid {
                paths: m.data,
                last: m.r#final,
            };
            (m.identifier.into(), body)
        }),
        ids::PLOT_SYNC_KEYS_MISSING => paths(payload).map(|m| {
            let body = PlotSyncBody::KeysMissing {
                paths: m.data,
                last: m.r#final,
            };
            (m.identifier.into(), body)
        }),
        ids::PLOT_SYNC_DUPLICATES => paths(payload).map(|m| {
            let body = PlotSyncBody::Duplicates {
                paths: m.data,
                last: m.r#final,
            };
            (m.identifier.into(), body)
        }),
        ids::PLOT_SYNC_DONE => PlotSyncDone::from_bytes(payload).map(|m| {
            let body = PlotSyncBody::Done {
                duration: m.duration,
            };
            (m.identifier.into(), body)
        }),
        _ => return None,
    };
    Some(decoded)
}

/// `DeclareProofOfSpace` (farmer_protocol, 9): what the farmer sends a full node for a block.
#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
pub struct DeclareProofOfSpace {
    /// `challenge_hash`.
    pub challenge_hash: Bytes32,
    /// `challenge_chain_sp`.
    pub challenge_chain_sp: Bytes32,
    /// `signage_point_index`.
    pub signage_point_index: u8,
    /// `reward_chain_sp`.
    pub reward_chain_sp: Bytes32,
    /// `proof_of_space`.
    pub proof_of_space: ProofOfSpace,
    /// `challenge_chain_sp_signature`: full plot signature on the cc SP.
    pub challenge_chain_sp_signature: Signature,
    /// `reward_chain_sp_signature`: full plot signature on the rc SP.
    pub reward_chain_sp_signature: Signature,
    /// `farmer_puzzle_hash`.
    pub farmer_puzzle_hash: Bytes32,
    /// `pool_target` (solo plots).
    pub pool_target: Option<PoolTarget>,
    /// `pool_signature`: the pool key's signature over `bytes(pool_target)`.
    pub pool_signature: Option<Signature>,
    /// `include_signature_source_data`.
    pub include_signature_source_data: bool,
}
