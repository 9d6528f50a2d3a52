//! The harvester–farmer messages (chia-blockchain: chia/protocols/harvester_protocol.py), field
//! for field in chia 2.7.5's order. Plot sync messages are in [`crate::plot_sync`].

use chia_bls::{PublicKey, Signature};
use sickle_streamable::{Bytes, Bytes32, Streamable};

use crate::blockchain::RewardChainBlockUnfinished;
use crate::proof_of_space::{PartialProof, ProofOfSpace};
use crate::{ChiaProtocolMessage, ProtocolMessageTypes};

/// The pool difficulty of one plot NFT, inside a signage point.
#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
pub struct PoolDifficulty {
    /// `difficulty`: the pool's partial difficulty.
    pub difficulty: u64,
    /// `sub_slot_iters`: `POOL_SUB_SLOT_ITERS`.
    pub sub_slot_iters: u64,
    /// `pool_contract_puzzle_hash`: the plot NFT's puzzle hash.
    pub pool_contract_puzzle_hash: Bytes32,
}

/// `harvester_handshake` (3), farmer → harvester right after the handshake.
#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
pub struct HarvesterHandshake {
    /// `farmer_public_keys`: a 2.7.5 farmer puts its farmer keys *and* pool keys here.
    pub farmer_public_keys: Vec<PublicKey>,
    /// `pool_public_keys`.
    pub pool_public_keys: Vec<PublicKey>,
}

/// `new_signage_point_harvester` (66) in the format for harvesters at ≤ 0.0.36.
#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
pub struct NewSignagePointHarvester {
    /// `challenge_hash`: the sub-slot challenge.
    pub challenge_hash: Bytes32,
    /// `difficulty`.
    pub difficulty: u64,
    /// `sub_slot_iters`.
    pub sub_slot_iters: u64,
    /// `signage_point_index`, 0..64.
    pub signage_point_index: u8,
    /// `sp_hash`: the challenge-chain signage point.
    pub sp_hash: Bytes32,
    /// `pool_difficulties`.
    pub pool_difficulties: Vec<PoolDifficulty>,
    /// `filter_prefix_bits`: the plot filter's zero bits at the peak height.
    pub filter_prefix_bits: u8,
}

/// `new_signage_point_harvester` (66) in the format for harvesters at ≥ 0.0.38.
#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
pub struct NewSignagePointHarvester2 {
    /// `challenge_hash`: the sub-slot challenge.
    pub challenge_hash: Bytes32,
    /// `difficulty`.
    pub difficulty: u64,
    /// `sub_slot_iters`.
    pub sub_slot_iters: u64,
    /// `signage_point_index`, 0..64.
    pub signage_point_index: u8,
    /// `sp_hash`: the challenge-chain signage point.
    pub sp_hash: Bytes32,
    /// `pool_difficulties`.
    pub pool_difficulties: Vec<PoolDifficulty>,
    /// `peak_height`: the height the plot filter is computed for.
    pub peak_height: u32,
    /// `last_tx_height`: decides v1 phase-out and v2 activation.
    pub last_tx_height: u32,
    /// `filter_challenge`: the v2 plot filter's challenge, when known.
    pub filter_challenge: Option<Bytes32>,
}

/// CHIP-22 fee information a third-party harvester attaches to a proof.
#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
pub struct ProofOfSpaceFeeInfo {
    /// `applied_fee_threshold`.
    pub applied_fee_threshold: u32,
}

/// `new_proof_of_space` (5), harvester → farmer.
#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
pub struct NewProofOfSpace {
    /// `challenge_hash`.
    pub challenge_hash: Bytes32,
    /// `sp_hash`.
    pub sp_hash: Bytes32,
    /// `plot_identifier`: quality hex + plot path; echoed in `RequestSignatures`.
    pub plot_identifier: String,
    /// `proof`.
    pub proof: ProofOfSpace,
    /// `signage_point_index`.
    pub signage_point_index: u8,
    /// `include_source_signature_data` (CHIP-22).
    pub include_source_signature_data: bool,
    /// `farmer_reward_address_override` (CHIP-22).
    pub farmer_reward_address_override: Option<Bytes32>,
    /// `fee_info` (CHIP-22).
    pub fee_info: Option<ProofOfSpaceFeeInfo>,
}

/// `partial_proofs` (110), harvester → farmer: v2 plot fragments for the solver.
#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
pub struct PartialProofsData {
    /// `challenge_hash`.
    pub challenge_hash: Bytes32,
    /// `sp_hash`.
    pub sp_hash: Bytes32,
    /// `plot_identifier`.
    pub plot_identifier: String,
    /// `partial_proofs`.
    pub partial_proofs: Vec<PartialProof>,
    /// `signage_point_index`.
    pub signage_point_index: u8,
    /// `plot_size`.
    pub plot_size: u8,
    /// `plot_index`.
    pub plot_index: u16,
    /// `meta_group`.
    pub meta_group: u8,
    /// `strength`.
    pub strength: u8,
    /// `plot_id`.
    pub plot_id: Bytes32,
    /// `pool_public_key`.
    pub pool_public_key: Option<PublicKey>,
    /// `pool_contract_puzzle_hash`.
    pub pool_contract_puzzle_hash: Option<Bytes32>,
    /// `plot_public_key`.
    pub plot_public_key: PublicKey,
}

/// What a message to sign is (chia `SigningDataKind`), for CHIP-22 harvesters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
#[non_exhaustive]
pub enum SigningDataKind {
    /// `FOLIAGE_BLOCK_DATA` (1).
    FoliageBlockData = 1,
    /// `FOLIAGE_TRANSACTION_BLOCK` (2).
    FoliageTransactionBlock = 2,
    /// `CHALLENGE_CHAIN_VDF` (3).
    ChallengeChainVdf = 3,
    /// `REWARD_CHAIN_VDF` (4).
    RewardChainVdf = 4,
    /// `CHALLENGE_CHAIN_SUB_SLOT` (5).
    ChallengeChainSubSlot = 5,
    /// `REWARD_CHAIN_SUB_SLOT` (6).
    RewardChainSubSlot = 6,
    /// `PARTIAL` (7).
    Partial = 7,
}

impl SigningDataKind {
    /// The kind with value `value`, if chia defines it.
    pub fn from_u8(value: u8) -> Option<Self> {
        Some(match value {
            1 => Self::FoliageBlockData,
            2 => Self::FoliageTransactionBlock,
            3 => Self::ChallengeChainVdf,
            4 => Self::RewardChainVdf,
            5 => Self::ChallengeChainSubSlot,
            6 => Self::RewardChainSubSlot,
            7 => Self::Partial,
            _ => return None,
        })
    }
}

/// The serialized object a signature request's message hashes (CHIP-22).
#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
pub struct SignatureRequestSourceData {
    /// `kind`: a [`SigningDataKind`] value. chia types it as a plain `uint8` and accepts any
    /// value, so the wire field stays `u8`; [`Self::signing_data_kind`] gives the enum.
    pub kind: u8,
    /// `data`: the object's Streamable bytes.
    pub data: Bytes,
}

impl SignatureRequestSourceData {
    /// `kind` as a [`SigningDataKind`], `None` for a value chia does not define.
    pub fn signing_data_kind(&self) -> Option<SigningDataKind> {
        SigningDataKind::from_u8(self.kind)
    }
}

/// `request_signatures` (6), farmer → harvester: sign these messages with the plot's key.
#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
pub struct RequestSignatures {
    /// `plot_identifier`, echoed from the proof.
    pub plot_identifier: String,
    /// `challenge_hash`.
    pub challenge_hash: Bytes32,
    /// `sp_hash`.
    pub sp_hash: Bytes32,
    /// `messages`: the hashes to sign, in order.
    pub messages: Vec<Bytes32>,
    /// `message_data`: the objects behind `messages` (CHIP-22 only).
    pub message_data: Option<Vec<Option<SignatureRequestSourceData>>>,
    /// `rc_block_unfinished`: the block being signed (CHIP-22 only).
    pub rc_block_unfinished: Option<RewardChainBlockUnfinished>,
}

/// `respond_signatures` (7), harvester → farmer.
#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
pub struct RespondSignatures {
    /// `plot_identifier`, echoed.
    pub plot_identifier: String,
    /// `challenge_hash`, echoed.
    pub challenge_hash: Bytes32,
    /// `sp_hash`, echoed.
    pub sp_hash: Bytes32,
    /// `local_pk`: the plot's local key.
    pub local_pk: PublicKey,
    /// `farmer_pk`: the farmer key from the plot's memo.
    pub farmer_pk: PublicKey,
    /// `message_signatures`: (message, harvester's signature share) in request order.
    pub message_signatures: Vec<(Bytes32, Signature)>,
    /// `include_source_signature_data`.
    pub include_source_signature_data: bool,
    /// `farmer_reward_address_override`.
    pub farmer_reward_address_override: Option<Bytes32>,
}

/// One plot as harvesters at ≤ 0.0.36 describe it (plot sync `loaded`, `respond_plots`).
#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
pub struct Plot {
    /// `filename`: full path.
    pub filename: String,
    /// `size`: k for v1; bit 7 set marks a v2 plot with strength in the low bits.
    pub size: u8,
    /// `plot_id`.
    pub plot_id: Bytes32,
    /// `pool_public_key`.
    pub pool_public_key: Option<PublicKey>,
    /// `pool_contract_puzzle_hash`.
    pub pool_contract_puzzle_hash: Option<Bytes32>,
    /// `plot_public_key`.
    pub plot_public_key: PublicKey,
    /// `file_size`, bytes.
    pub file_size: u64,
    /// `time_modified`, unix seconds.
    pub time_modified: u64,
    /// `compression_level`: bladebit compression level, `None` from old harvesters.
    pub compression_level: Option<u8>,
}

/// One plot as harvesters at ≥ 0.0.38 describe it: [`Plot`] plus the v2 plot parameters.
#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
pub struct Plot2 {
    /// `filename`: full path.
    pub filename: String,
    /// `size`: k for v1; bit 7 set marks a v2 plot with strength in the low bits.
    pub size: u8,
    /// `plot_id`.
    pub plot_id: Bytes32,
    /// `pool_public_key`.
    pub pool_public_key: Option<PublicKey>,
    /// `pool_contract_puzzle_hash`.
    pub pool_contract_puzzle_hash: Option<Bytes32>,
    /// `plot_public_key`.
    pub plot_public_key: PublicKey,
    /// `file_size`, bytes.
    pub file_size: u64,
    /// `time_modified`, unix seconds.
    pub time_modified: u64,
    /// `compression_level`: bladebit compression level.
    pub compression_level: Option<u8>,
    /// `plot_index` (v2 plots; 0 for v1).
    pub plot_index: u16,
    /// `meta_group` (v2 plots; 0 for v1).
    pub meta_group: u8,
}

impl From<Plot> for Plot2 {
    fn from(plot: Plot) -> Self {
        Self {
            filename: plot.filename,
            size: plot.size,
            plot_id: plot.plot_id,
            pool_public_key: plot.pool_public_key,
            pool_contract_puzzle_hash: plot.pool_contract_puzzle_hash,
            plot_public_key: plot.plot_public_key,
            file_size: plot.file_size,
            time_modified: plot.time_modified,
            compression_level: plot.compression_level,
            plot_index: 0,
            meta_group: 0,
        }
    }
}

impl From<Plot2> for Plot {
    /// Drops `plot_index` and `meta_group`, as chia does for an old farmer.
    fn from(plot: Plot2) -> Self {
        Self {
            filename: plot.filename,
            size: plot.size,
            plot_id: plot.plot_id,
            pool_public_key: plot.pool_public_key,
            pool_contract_puzzle_hash: plot.pool_contract_puzzle_hash,
            plot_public_key: plot.plot_public_key,
            file_size: plot.file_size,
            time_modified: plot.time_modified,
            compression_level: plot.compression_level,
        }
    }
}

/// `request_plots` (67), farmer → harvester; no fields.
#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
pub struct RequestPlots;

/// `respond_plots` (68), for farmers at ≤ 0.0.36.
#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
pub struct RespondPlots {
    /// `plots`.
    pub plots: Vec<Plot>,
    /// `failed_to_open_filenames`.
    pub failed_to_open_filenames: Vec<String>,
    /// `no_key_filenames`.
    pub no_key_filenames: Vec<String>,
}

/// `respond_plots2` (113), for farmers at ≥ 0.0.38.
#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
pub struct RespondPlots2 {
    /// `plots`.
    pub plots: Vec<Plot2>,
    /// `failed_to_open_filenames`.
    pub failed_to_open_filenames: Vec<String>,
    /// `no_key_filenames`.
    pub no_key_filenames: Vec<String>,
}

macro_rules! message_ids {
    ($($ty:ty => $id:ident,)*) => {
        $(impl ChiaProtocolMessage for $ty {
            const MSG_TYPE: ProtocolMessageTypes = ProtocolMessageTypes::$id;
        })*
    };
}

message_ids! {
    HarvesterHandshake => HarvesterHandshake,
    NewSignagePointHarvester => NewSignagePointHarvester,
    NewSignagePointHarvester2 => NewSignagePointHarvester,
    NewProofOfSpace => NewProofOfSpace,
    PartialProofsData => PartialProofs,
    RequestSignatures => RequestSignatures,
    RespondSignatures => RespondSignatures,
    RequestPlots => RequestPlots,
    RespondPlots => RespondPlots,
    RespondPlots2 => RespondPlots2,
}
