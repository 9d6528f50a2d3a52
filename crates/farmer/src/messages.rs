//! The harvester-protocol messages the farmer sends and receives (harvester-farmer §2,
//! wire.md §6), in chia 2.7.5's field order.
//!
//! The structs are local to the farmer (written before `sickle-protocol` landed; the ids already
//! come from its table). Field names and order are chia's, and `tests/protocol_agreement.rs`
//! checks every one against sickle-protocol's type byte for byte, so swapping them for the shared
//! types changes no bytes.

use chia_bls::{PublicKey, Signature};
use sickle_streamable::{Bytes, Cursor, Error, Streamable};

use crate::plot_sync::{PlotSyncAnswer, PlotSyncBody, SyncIdentifier, SyncedPlot};
use crate::proof::{ProofKind, ProofOfSpace};

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

/// `HarvesterHandshake` (3).
#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
pub struct HarvesterHandshake {
    /// Farmer public keys, then pool public keys (chia's `get_public_keys()`).
    pub farmer_public_keys: Vec<PublicKey>,
    /// `farmer.pool_public_keys` of the config.
    pub pool_public_keys: Vec<PublicKey>,
}

/// `PoolDifficulty` inside a signage point.
#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
pub struct PoolDifficulty {
    /// The pool's difficulty.
    pub difficulty: u64,
    /// `POOL_SUB_SLOT_ITERS`.
    pub sub_slot_iters: u64,
    /// The plot NFT's puzzle hash.
    pub pool_contract_puzzle_hash: [u8; 32],
}

/// `NewSignagePointHarvester` (66), the format for peers ≤ 0.0.36.
#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
pub struct NewSignagePointHarvester {
    /// `challenge_hash`.
    pub challenge_hash: [u8; 32],
    /// `difficulty`.
    pub difficulty: u64,
    /// `sub_slot_iters`.
    pub sub_slot_iters: u64,
    /// `signage_point_index`.
    pub signage_point_index: u8,
    /// `sp_hash` (the challenge-chain SP).
    pub sp_hash: [u8; 32],
    /// `pool_difficulties`.
    pub pool_difficulties: Vec<PoolDifficulty>,
    /// `filter_prefix_bits`, computed by the farmer from the peak height.
    pub filter_prefix_bits: u8,
}

/// `NewSignagePointHarvester2` (66), the format for peers ≥ 0.0.38.
#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
pub struct NewSignagePointHarvester2 {
    /// `challenge_hash`.
    pub challenge_hash: [u8; 32],
    /// `difficulty`.
    pub difficulty: u64,
    /// `sub_slot_iters`.
    pub sub_slot_iters: u64,
    /// `signage_point_index`.
    pub signage_point_index: u8,
    /// `sp_hash` (the challenge-chain SP).
    pub sp_hash: [u8; 32],
    /// `pool_difficulties`.
    pub pool_difficulties: Vec<PoolDifficulty>,
    /// `peak_height`.
    pub peak_height: u32,
    /// `last_tx_height`.
    pub last_tx_height: u32,
    /// `filter_challenge`.
    pub filter_challenge: Option<[u8; 32]>,
}

/// `ProofOfSpaceFeeInfo`.
#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
pub struct ProofOfSpaceFeeInfo {
    /// `applied_fee_threshold`.
    pub applied_fee_threshold: u32,
}

/// `NewProofOfSpace` (5).
#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
pub struct NewProofOfSpace {
    /// `challenge_hash`.
    pub challenge_hash: [u8; 32],
    /// `sp_hash`.
    pub sp_hash: [u8; 32],
    /// `plot_identifier`: quality hex + plot path; echoed in `RequestSignatures`.
    pub plot_identifier: String,
    /// `proof`.
    pub proof: ProofOfSpace,
    /// `signage_point_index`.
    pub signage_point_index: u8,
    /// `include_source_signature_data` (CHIP-22).
    pub include_source_signature_data: bool,
    /// `farmer_reward_address_override` (CHIP-22).
    pub farmer_reward_address_override: Option<[u8; 32]>,
    /// `fee_info` (CHIP-22).
    pub fee_info: Option<ProofOfSpaceFeeInfo>,
}

/// `SignatureRequestSourceData` (CHIP-22).
#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
pub struct SignatureRequestSourceData {
    /// `kind`, a `SigningDataKind`.
    pub kind: u8,
    /// `data`.
    pub data: Bytes,
}

/// `RequestSignatures` (6). The farmer never sends `rc_block_unfinished` to plain harvesters;
/// decoding one that carries it is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestSignatures {
    /// `plot_identifier`, echoed from the proof.
    pub plot_identifier: String,
    /// `challenge_hash`.
    pub challenge_hash: [u8; 32],
    /// `sp_hash`.
    pub sp_hash: [u8; 32],
    /// `messages` to sign, in order.
    pub messages: Vec<[u8; 32]>,
    /// `message_data` (CHIP-22 only).
    pub message_data: Option<Vec<Option<SignatureRequestSourceData>>>,
}

impl Streamable for RequestSignatures {
    fn stream(&self, out: &mut Vec<u8>) {
        self.plot_identifier.stream(out);
        self.challenge_hash.stream(out);
        self.sp_hash.stream(out);
        self.messages.stream(out);
        self.message_data.stream(out);
        // rc_block_unfinished: None.
        out.push(0);
    }

    fn parse<const TRUSTED: bool>(input: &mut Cursor<'_>) -> Result<Self, Error> {
        let value = Self {
            plot_identifier: String::parse::<TRUSTED>(input)?,
            challenge_hash: <[u8; 32]>::parse::<TRUSTED>(input)?,
            sp_hash: <[u8; 32]>::parse::<TRUSTED>(input)?,
            messages: Vec::parse::<TRUSTED>(input)?,
            message_data: Option::parse::<TRUSTED>(input)?,
        };
        let offset = input.position();
        match input.take_u8("RequestSignatures")? {
            0 => Ok(value),
            _ => Err(Error::invalid(
                "RequestSignatures",
                offset,
                "rc_block_unfinished is not supported",
            )),
        }
    }

    fn update_digest(&self, digest: &mut sickle_streamable::sha2::Sha256) {
        use sickle_streamable::sha2::Digest;
        digest.update(self.to_bytes());
    }
}

/// `RespondSignatures` (7).
#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
pub struct RespondSignatures {
    /// `plot_identifier`, echoed.
    pub plot_identifier: String,
    /// `challenge_hash`, echoed.
    pub challenge_hash: [u8; 32],
    /// `sp_hash`, echoed.
    pub sp_hash: [u8; 32],
    /// `local_pk`: the plot's local key.
    pub local_pk: PublicKey,
    /// `farmer_pk`: the farmer key from the plot's memo.
    pub farmer_pk: PublicKey,
    /// `message_signatures`: (message, harvester share) in request order.
    pub message_signatures: Vec<([u8; 32], Signature)>,
    /// `include_source_signature_data`.
    pub include_source_signature_data: bool,
    /// `farmer_reward_address_override`.
    pub farmer_reward_address_override: Option<[u8; 32]>,
}

/// `FarmingInfo` (12).
#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
pub struct FarmingInfo {
    /// `challenge_hash`.
    pub challenge_hash: [u8; 32],
    /// `sp_hash`.
    pub sp_hash: [u8; 32],
    /// `timestamp`, unix seconds.
    pub timestamp: u64,
    /// `passed`: plots that passed the filter.
    pub passed: u32,
    /// `proofs` found.
    pub proofs: u32,
    /// `total_plots`.
    pub total_plots: u32,
    /// `lookup_time`, microseconds.
    pub lookup_time: u64,
}

/// `PlotSyncIdentifier`.
#[derive(Streamable, Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlotSyncIdentifier {
    /// `timestamp`.
    pub timestamp: u64,
    /// `sync_id`.
    pub sync_id: u64,
    /// `message_id`.
    pub message_id: u64,
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

/// `PlotSyncStart` (78).
#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
pub struct PlotSyncStart {
    /// `identifier`.
    pub identifier: PlotSyncIdentifier,
    /// `initial`.
    pub initial: bool,
    /// `last_sync_id`.
    pub last_sync_id: u64,
    /// `plot_file_count`.
    pub plot_file_count: u32,
    /// `harvesting_mode`.
    pub harvesting_mode: u8,
}

/// `Plot`.
#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
pub struct Plot {
    /// `filename`.
    pub filename: String,
    /// `size`.
    pub size: u8,
    /// `plot_id`.
    pub plot_id: [u8; 32],
    /// `pool_public_key`.
    pub pool_public_key: Option<PublicKey>,
    /// `pool_contract_puzzle_hash`.
    pub pool_contract_puzzle_hash: Option<[u8; 32]>,
    /// `plot_public_key`.
    pub plot_public_key: PublicKey,
    /// `file_size`.
    pub file_size: u64,
    /// `time_modified`.
    pub time_modified: u64,
    /// `compression_level`.
    pub compression_level: Option<u8>,
}

/// `Plot2`: `Plot` plus `plot_index` and `meta_group`.
#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
pub struct Plot2 {
    /// `filename`.
    pub filename: String,
    /// `size`.
    pub size: u8,
    /// `plot_id`.
    pub plot_id: [u8; 32],
    /// `pool_public_key`.
    pub pool_public_key: Option<PublicKey>,
    /// `pool_contract_puzzle_hash`.
    pub pool_contract_puzzle_hash: Option<[u8; 32]>,
    /// `plot_public_key`.
    pub plot_public_key: PublicKey,
    /// `file_size`.
    pub file_size: u64,
    /// `time_modified`.
    pub time_modified: u64,
    /// `compression_level`.
    pub compression_level: Option<u8>,
    /// `plot_index`.
    pub plot_index: u16,
    /// `meta_group`.
    pub meta_group: u8,
}

impl From<Plot2> for SyncedPlot {
    fn from(plot: Plot2) -> Self {
        Self {
            filename: plot.filename,
            size: plot.size,
            plot_id: plot.plot_id,
            pool_public_key: plot.pool_public_key.map(|pk| pk.to_bytes()),
            pool_contract_puzzle_hash: plot.pool_contract_puzzle_hash,
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
            plot_id: plot.plot_id,
            pool_public_key: plot.pool_public_key.map(|pk| pk.to_bytes()),
            pool_contract_puzzle_hash: plot.pool_contract_puzzle_hash,
            plot_public_key: plot.plot_public_key.to_bytes(),
            file_size: plot.file_size,
            time_modified: plot.time_modified,
            compression_level: plot.compression_level,
            plot_index: 0,
            meta_group: 0,
        }
    }
}

/// `PlotSyncPlotList` (79).
#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
pub struct PlotSyncPlotList {
    /// `identifier`.
    pub identifier: PlotSyncIdentifier,
    /// `data`.
    pub data: Vec<Plot>,
    /// `final`.
    pub last: bool,
}

/// `PlotSyncPlotList2` (112).
#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
pub struct PlotSyncPlotList2 {
    /// `identifier`.
    pub identifier: PlotSyncIdentifier,
    /// `data`.
    pub data: Vec<Plot2>,
    /// `final`.
    pub last: bool,
}

/// `PlotSyncPathList` (80–83).
#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
pub struct PlotSyncPathList {
    /// `identifier`.
    pub identifier: PlotSyncIdentifier,
    /// `data`.
    pub data: Vec<String>,
    /// `final`.
    pub last: bool,
}

/// `PlotSyncDone` (84).
#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
pub struct PlotSyncDone {
    /// `identifier`.
    pub identifier: PlotSyncIdentifier,
    /// `duration`, seconds.
    pub duration: u64,
}

/// `PlotSyncError`.
#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
pub struct PlotSyncError {
    /// `code`.
    pub code: i16,
    /// `message`.
    pub message: String,
    /// `expected_identifier`.
    pub expected_identifier: Option<PlotSyncIdentifier>,
}

/// `PlotSyncResponse` (85).
#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
pub struct PlotSyncResponse {
    /// `identifier`, echoed.
    pub identifier: PlotSyncIdentifier,
    /// `message_type` answered.
    pub message_type: i16,
    /// `error`.
    pub error: Option<PlotSyncError>,
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
                last: m.last,
                v2: false,
            };
            (m.identifier.into(), body)
        }),
        ids::PLOT_SYNC_LOADED2 => PlotSyncPlotList2::from_bytes(payload).map(|m| {
            let plots = m.data.into_iter().map(SyncedPlot::from).collect();
            let body = PlotSyncBody::Loaded {
                plots,
                last: m.last,
                v2: true,
            };
            (m.identifier.into(), body)
        }),
        ids::PLOT_SYNC_REMOVED => paths(payload).map(|m| {
            let body = PlotSyncBody::Removed {
                paths: m.data,
                last: m.last,
            };
            (m.identifier.into(), body)
        }),
        ids::PLOT_SYNC_INVALID => paths(payload).map(|m| {
            let body = PlotSyncBody::Invalid {
                paths: m.data,
                last: m.last,
            };
            (m.identifier.into(), body)
        }),
        ids::PLOT_SYNC_KEYS_MISSING => paths(payload).map(|m| {
            let body = PlotSyncBody::KeysMissing {
                paths: m.data,
                last: m.last,
            };
            (m.identifier.into(), body)
        }),
        ids::PLOT_SYNC_DUPLICATES => paths(payload).map(|m| {
            let body = PlotSyncBody::Duplicates {
                paths: m.data,
                last: m.last,
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

/// `ProofOfSpace` on the wire (wire.md §4.5): the contract-hash flag byte carries the version in
/// bit 1. See [`ProofOfSpace::to_bytes`] for the layout.
impl Streamable for ProofOfSpace {
    fn stream(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_bytes());
    }

    fn parse<const TRUSTED: bool>(input: &mut Cursor<'_>) -> Result<Self, Error> {
        const NAME: &str = "ProofOfSpace";
        let challenge = <[u8; 32]>::parse::<TRUSTED>(input)?;
        let pool_public_key = Option::<PublicKey>::parse::<TRUSTED>(input)?;
        let flag_offset = input.position();
        let flag = input.take_u8(NAME)?;
        if flag >= 4 {
            return Err(Error::invalid(
                NAME,
                flag_offset,
                "unknown proof of space version",
            ));
        }
        let pool_contract_puzzle_hash = if flag & 1 == 1 {
            Some(<[u8; 32]>::parse::<TRUSTED>(input)?)
        } else {
            None
        };
        let plot_public_key = PublicKey::parse::<TRUSTED>(input)?;
        let kind = if flag >> 1 == 0 {
            ProofKind::V1 {
                k: input.take_u8(NAME)?,
            }
        } else {
            if pool_public_key.is_some() == pool_contract_puzzle_hash.is_some() {
                return Err(Error::invalid(
                    NAME,
                    flag_offset,
                    "v2 proof needs exactly one of pool key and contract hash",
                ));
            }
            ProofKind::V2 {
                plot_index: u16::parse::<TRUSTED>(input)?,
                meta_group: input.take_u8(NAME)?,
                strength: input.take_u8(NAME)?,
            }
        };
        let proof = Bytes::parse::<TRUSTED>(input)?.into_inner();
        Ok(Self {
            challenge,
            pool_public_key,
            pool_contract_puzzle_hash,
            plot_public_key,
            kind,
            proof,
        })
    }

    fn update_digest(&self, digest: &mut sickle_streamable::sha2::Sha256) {
        use sickle_streamable::sha2::Digest;
        digest.update(self.to_bytes());
    }
}

/// `PoolTarget`: where the pool share of a solo plot's block reward goes.
#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
pub struct PoolTarget {
    /// `puzzle_hash`: `pool.xch_target_address`.
    pub puzzle_hash: [u8; 32],
    /// `max_height`: 0 for farmer-made targets.
    pub max_height: u32,
}

/// `DeclareProofOfSpace` (farmer_protocol, 9): what the farmer sends a full node for a block.
#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
pub struct DeclareProofOfSpace {
    /// `challenge_hash`.
    pub challenge_hash: [u8; 32],
    /// `challenge_chain_sp`.
    pub challenge_chain_sp: [u8; 32],
    /// `signage_point_index`.
    pub signage_point_index: u8,
    /// `reward_chain_sp`.
    pub reward_chain_sp: [u8; 32],
    /// `proof_of_space`.
    pub proof_of_space: ProofOfSpace,
    /// `challenge_chain_sp_signature`: full plot signature on the cc SP.
    pub challenge_chain_sp_signature: Signature,
    /// `reward_chain_sp_signature`: full plot signature on the rc SP.
    pub reward_chain_sp_signature: Signature,
    /// `farmer_puzzle_hash`.
    pub farmer_puzzle_hash: [u8; 32],
    /// `pool_target` (solo plots).
    pub pool_target: Option<PoolTarget>,
    /// `pool_signature`: the pool key's signature over `bytes(pool_target)`.
    pub pool_signature: Option<Signature>,
    /// `include_signature_source_data`.
    pub include_signature_source_data: bool,
}
