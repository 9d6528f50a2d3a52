//! Blockchain-format types the harvester link carries inside its messages (chia_rs
//! crates/chia-protocol: `ClassgroupElement`, `VDFInfo`, `RewardChainBlockUnfinished`,
//! `PoolTarget`), and `FarmingInfo` (chia/protocols/farmer_protocol.py), which the harvester
//! sends on this link.

use chia_bls::Signature;
use sickle_streamable::{Bytes32, Bytes100, Streamable};

use crate::proof_of_space::ProofOfSpace;
use crate::{ChiaProtocolMessage, ProtocolMessageTypes};

/// A class group element: a VDF output (chia_rs `ClassgroupElement`).
#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
pub struct ClassgroupElement {
    /// `data`: 100 bytes.
    pub data: Bytes100,
}

/// A VDF's challenge, iteration count and output (chia_rs `VDFInfo`).
#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
pub struct VDFInfo {
    /// `challenge`.
    pub challenge: Bytes32,
    /// `number_of_iterations`.
    pub number_of_iterations: u64,
    /// `output`.
    pub output: ClassgroupElement,
}

/// The reward-chain part of an unfinished block (chia_rs `RewardChainBlockUnfinished`), which a
/// CHIP-22 `RequestSignatures` may carry.
#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
pub struct RewardChainBlockUnfinished {
    /// `total_iters`.
    pub total_iters: u128,
    /// `signage_point_index`.
    pub signage_point_index: u8,
    /// `pos_ss_cc_challenge_hash`.
    pub pos_ss_cc_challenge_hash: Bytes32,
    /// `proof_of_space`.
    pub proof_of_space: ProofOfSpace,
    /// `challenge_chain_sp_vdf`: `None` at signage point 0.
    pub challenge_chain_sp_vdf: Option<VDFInfo>,
    /// `challenge_chain_sp_signature`.
    pub challenge_chain_sp_signature: Signature,
    /// `reward_chain_sp_vdf`: `None` at signage point 0.
    pub reward_chain_sp_vdf: Option<VDFInfo>,
    /// `reward_chain_sp_signature`.
    pub reward_chain_sp_signature: Signature,
}

/// Where the pool share of a solo plot's block reward goes (chia_rs `PoolTarget`).
#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
pub struct PoolTarget {
    /// `puzzle_hash`.
    pub puzzle_hash: Bytes32,
    /// `max_height`: 0 for farmer-made targets.
    pub max_height: u32,
}

/// `farming_info` (12), harvester → farmer after each signage point: lookup statistics.
#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
pub struct FarmingInfo {
    /// `challenge_hash`.
    pub challenge_hash: Bytes32,
    /// `sp_hash`.
    pub sp_hash: Bytes32,
    /// `timestamp`, unix seconds.
    pub timestamp: u64,
    /// `passed`: plots that passed the filter.
    pub passed: u32,
    /// `proofs`: proofs found.
    pub proofs: u32,
    /// `total_plots`.
    pub total_plots: u32,
    /// `lookup_time`: microseconds (chia's harvester sends `uint64(time_taken * 1_000_000)`).
    pub lookup_time: u64,
}

impl ChiaProtocolMessage for FarmingInfo {
    const MSG_TYPE: ProtocolMessageTypes = ProtocolMessageTypes::FarmingInfo;
}
