//! Where signage points come from: the [`SignagePointSource`] trait and the built-in simulated
//! chain, [`SimChain`].
//!
//! A real farmer gets `NewSignagePoint` from a full node (harvester-farmer §2.4); the simulated
//! chain makes the same values without one, deterministically from a seed:
//!
//! ```text
//! sub-slot n:  challenge_n = sha256("sickle-sim sub-slot" || seed || challenge_{n-1})
//!              challenge_0 = sha256("sickle-sim genesis" || seed || GENESIS_CHALLENGE)
//! SP i of n:   cc_sp = challenge_n                                   (i = 0, as a full node does)
//!              cc_sp = sha256("sickle-sim cc" || challenge_n || i)   (i > 0)
//!              rc_sp = sha256("sickle-sim rc" || challenge_n || i)
//!              filter_challenge = challenge_{n-2} for i < 16, challenge_{n-1} otherwise
//!                                 (chia's get_filter_challenge; None before that history exists)
//! heights:     one block every second SP (32 per sub-slot, chia's SLOT_BLOCKS_TARGET);
//!              last_tx_height = peak_height
//! ```
//!
//! The cadence is a property of the source ([`SignagePointSource::interval`]): real time is
//! `SUB_SLOT_TIME_TARGET / NUM_SPS_SUB_SLOT` (9.375 s on mainnet); tests and demos go faster.

use std::time::Duration;

use sha2::{Digest, Sha256};
use sickle_pos::consensus::sp_interval_iters;
use sickle_pos::{ConsensusConstants, ConsensusError};

/// One signage point as the farmer sees it (the fields of chia's `farmer_protocol.NewSignagePoint`
/// that reach harvesters, without the CHIP-22 source data).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignagePoint {
    /// `challenge_hash`: the sub-slot's challenge-chain challenge.
    pub challenge_hash: [u8; 32],
    /// `challenge_chain_sp`: the SP hash harvesters filter and sign with (`sp_hash`).
    pub challenge_chain_sp: [u8; 32],
    /// `reward_chain_sp`: the second message a winning plot signs.
    pub reward_chain_sp: [u8; 32],
    /// `difficulty` of the chain.
    pub difficulty: u64,
    /// `sub_slot_iters` of the chain.
    pub sub_slot_iters: u64,
    /// `signage_point_index`, `0..NUM_SPS_SUB_SLOT`.
    pub signage_point_index: u8,
    /// `peak_height`: the plot filter's height.
    pub peak_height: u32,
    /// `last_tx_height`: the height forks and the v1 phase-out are measured with.
    pub last_tx_height: u32,
    /// `filter_challenge` of the v2 plot filter.
    pub filter_challenge: Option<[u8; 32]>,
}

/// A pool's current difficulty for one plot NFT, sent to harvesters with every signage point as a
/// `PoolDifficulty(difficulty, POOL_SUB_SLOT_ITERS, pool_contract_puzzle_hash)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolDifficultyEntry {
    /// The pool's difficulty for partials.
    pub difficulty: u64,
    /// The plot NFT's pay-to-singleton puzzle hash (the plots' `pool_contract_puzzle_hash`).
    pub pool_contract_puzzle_hash: [u8; 32],
}

/// A block the farmer declared: what it would send a full node as `DeclareProofOfSpace`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WonBlock {
    /// The signage point it answers.
    pub challenge_hash: [u8; 32],
    /// `challenge_chain_sp`.
    pub challenge_chain_sp: [u8; 32],
    /// `signage_point_index`.
    pub signage_point_index: u8,
    /// `peak_height` of the signage point (the new block's height is one more).
    pub peak_height: u32,
    /// The proof's quality string.
    pub quality_string: [u8; 32],
    /// Node id of the harvester that found it.
    pub harvester: [u8; 32],
    /// Where the farmer reward goes.
    pub farmer_puzzle_hash: [u8; 32],
}

/// Something that produces signage points, on a cadence, and takes the blocks farmed on them.
pub trait SignagePointSource: Send {
    /// The network's constants (the filter, iterations and plot sizes follow them).
    fn constants(&self) -> &ConsensusConstants;
    /// Time between two signage points.
    fn interval(&self) -> Duration;
    /// Produces the next signage point.
    fn next_signage_point(&mut self) -> SignagePoint;
    /// Pool difficulties to send with every signage point.
    fn pool_difficulties(&self) -> Vec<PoolDifficultyEntry>;
    /// Takes a block the farmer declared on one of this source's signage points.
    fn submit_block(&mut self, block: WonBlock);
}

/// Settings of the simulated chain.
#[derive(Debug, Clone)]
pub struct SimChainConfig {
    /// Network constants.
    pub constants: ConsensusConstants,
    /// Chain difficulty (default `DIFFICULTY_STARTING`).
    pub difficulty: u64,
    /// Chain sub-slot iterations (default `SUB_SLOT_ITERS_STARTING`; a multiple of 64).
    pub sub_slot_iters: u64,
    /// Height of the first signage point's peak: picks the plot filter's size (§6.2).
    pub start_height: u32,
    /// Time between signage points; `None` = real time
    /// (`SUB_SLOT_TIME_TARGET / NUM_SPS_SUB_SLOT`).
    pub sp_interval: Option<Duration>,
    /// Seed of the chain's hashes.
    pub seed: [u8; 32],
    /// Pool difficulties sent with every signage point.
    pub pool_difficulties: Vec<PoolDifficultyEntry>,
}

impl SimChainConfig {
    /// Defaults for `constants`: starting difficulty and iterations, height 0, real-time cadence.
    pub fn new(constants: ConsensusConstants) -> Self {
        Self {
            difficulty: constants.difficulty_starting,
            sub_slot_iters: constants.sub_slot_iters_starting,
            constants,
            start_height: 0,
            sp_interval: None,
            seed: [0; 32],
            pool_difficulties: Vec::new(),
        }
    }
}

/// How many won blocks the simulated chain remembers (older ones are only counted).
pub const SIM_BLOCK_HISTORY: usize = 1024;

/// The built-in simulated chain.
#[derive(Debug, Clone)]
pub struct SimChain {
    config: SimChainConfig,
    /// Challenges of the current sub-slot and the two before it (newest last).
    challenges: Vec<[u8; 32]>,
    /// Index of the next signage point within the current sub-slot.
    next_index: u8,
    /// SPs produced so far.
    produced: u64,
    blocks: Vec<WonBlock>,
    blocks_total: u64,
}

fn sha256_parts(parts: &[&[u8]]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    hasher.finalize().into()
}

impl SimChain {
    /// A chain at its genesis sub-slot. Fails if `sub_slot_iters` is not a multiple of
    /// `NUM_SPS_SUB_SLOT` (chia would raise on every signage point).
    pub fn new(config: SimChainConfig) -> Result<Self, ConsensusError> {
        sp_interval_iters(&config.constants, config.sub_slot_iters)?;
        let first = sha256_parts(&[
            b"sickle-sim genesis",
            &config.seed,
            &config.constants.genesis_challenge,
        ]);
        Ok(Self {
            config,
            challenges: vec![first],
            next_index: 0,
            produced: 0,
            blocks: Vec::new(),
            blocks_total: 0,
        })
    }

    /// The settings.
    pub fn config(&self) -> &SimChainConfig {
        &self.config
    }

    /// Blocks won so far, oldest first (the last [`SIM_BLOCK_HISTORY`]).
    pub fn blocks(&self) -> &[WonBlock] {
        &self.blocks
    }

    /// Number of blocks won so far.
    pub fn blocks_total(&self) -> u64 {
        self.blocks_total
    }

    /// Signage points produced so far.
    pub fn signage_points_total(&self) -> u64 {
        self.produced
    }

    fn num_sps(&self) -> u8 {
        self.config.constants.num_sps_sub_slot.max(1)
    }

    fn current_challenge(&self) -> [u8; 32] {
        self.challenges.last().copied().unwrap_or_default()
    }

    /// The challenge `back` sub-slots before the current one, if the chain is that old.
    fn challenge_back(&self, back: usize) -> Option<[u8; 32]> {
        let last = self.challenges.len().checked_sub(1 + back)?;
        self.challenges.get(last).copied()
    }

    fn start_next_sub_slot(&mut self) {
        let next = sha256_parts(&[
            b"sickle-sim sub-slot",
            &self.config.seed,
            &self.current_challenge(),
        ]);
        self.challenges.push(next);
        if self.challenges.len() > 3 {
            self.challenges.remove(0);
        }
        self.next_index = 0;
    }
}

impl SignagePointSource for SimChain {
    fn constants(&self) -> &ConsensusConstants {
        &self.config.constants
    }

    fn interval(&self) -> Duration {
        self.config.sp_interval.unwrap_or_else(|| {
            let constants = &self.config.constants;
            Duration::from_secs(u64::from(constants.sub_slot_time_target))
                / u32::from(constants.num_sps_sub_slot.max(1))
        })
    }

    fn next_signage_point(&mut self) -> SignagePoint {
        if self.next_index >= self.num_sps() {
            self.start_next_sub_slot();
        }
        let index = self.next_index;
        let challenge = self.current_challenge();
        let challenge_chain_sp = if index == 0 {
            challenge
        } else {
            sha256_parts(&[b"sickle-sim cc", &challenge, &[index]])
        };
        let reward_chain_sp = sha256_parts(&[b"sickle-sim rc", &challenge, &[index]]);
        let window = self.config.constants.filter_window_size.max(1);
        let filter_challenge = self.challenge_back(if index < window { 2 } else { 1 });
        // One block every second signage point.
        let blocks = u32::try_from(self.produced / 2).unwrap_or(u32::MAX);
        let peak_height = self.config.start_height.saturating_add(blocks);
        self.next_index += 1;
        self.produced += 1;
        SignagePoint {
            challenge_hash: challenge,
            challenge_chain_sp,
            reward_chain_sp,
            difficulty: self.config.difficulty,
            sub_slot_iters: self.config.sub_slot_iters,
            signage_point_index: index,
            peak_height,
            last_tx_height: peak_height,
            filter_challenge,
        }
    }

    fn pool_difficulties(&self) -> Vec<PoolDifficultyEntry> {
        self.config.pool_difficulties.clone()
    }

    fn submit_block(&mut self, block: WonBlock) {
        tracing::info!(
            height = block.peak_height.saturating_add(1),
            sp = block.signage_point_index,
            quality = %hex::encode(block.quality_string),
            "simulated chain: block won"
        );
        if self.blocks.len() >= SIM_BLOCK_HISTORY {
            self.blocks.remove(0);
        }
        self.blocks.push(block);
        self.blocks_total += 1;
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::constants::{SIM_NETWORK, constants_for_network};

    fn chain(seed: u8) -> SimChain {
        let mut config = SimChainConfig::new(constants_for_network(SIM_NETWORK, None).unwrap());
        config.seed = [seed; 32];
        config.start_height = 100;
        SimChain::new(config).unwrap()
    }

    #[test]
    fn sub_slots_of_64_signage_points() {
        let mut chain = chain(1);
        let points: Vec<SignagePoint> = (0..200).map(|_| chain.next_signage_point()).collect();
        let indexes: Vec<u8> = points.iter().map(|sp| sp.signage_point_index).collect();
        assert_eq!(indexes[..3], [0, 1, 2]);
        assert_eq!(indexes[63..66], [63, 0, 1]);
        // One challenge per sub-slot; SP 0 uses it as its cc sp hash, like a full node.
        assert_eq!(points[0].challenge_hash, points[63].challenge_hash);
        assert_ne!(points[63].challenge_hash, points[64].challenge_hash);
        assert_eq!(points[64].challenge_chain_sp, points[64].challenge_hash);
        assert_ne!(points[65].challenge_chain_sp, points[65].challenge_hash);
        // Every SP hash in a run is distinct, and cc differs from rc.
        let mut hashes: Vec<[u8; 32]> = points.iter().map(|sp| sp.challenge_chain_sp).collect();
        hashes.sort_unstable();
        hashes.dedup();
        assert_eq!(hashes.len(), 200);
        assert!(
            points
                .iter()
                .all(|sp| sp.challenge_chain_sp != sp.reward_chain_sp)
        );
        // 32 blocks per sub-slot from the start height.
        assert_eq!(points[0].peak_height, 100);
        assert_eq!(points[64].peak_height, 132);
        assert_eq!(chain.signage_points_total(), 200);
    }

    #[test]
    fn filter_challenge_is_two_or_one_sub_slot_back() {
        let mut chain = chain(2);
        let points: Vec<SignagePoint> = (0..192).map(|_| chain.next_signage_point()).collect();
        assert_eq!(points[0].filter_challenge, None);
        assert_eq!(points[16].filter_challenge, None);
        assert_eq!(points[64].filter_challenge, None);
        assert_eq!(points[80].filter_challenge, Some(points[0].challenge_hash));
        assert_eq!(points[128].filter_challenge, Some(points[0].challenge_hash));
        assert_eq!(points[143].filter_challenge, Some(points[0].challenge_hash));
        assert_eq!(
            points[144].filter_challenge,
            Some(points[64].challenge_hash)
        );
    }

    #[test]
    fn deterministic_per_seed() {
        let run = |seed| {
            let mut chain = chain(seed);
            (0..70)
                .map(|_| chain.next_signage_point())
                .collect::<Vec<_>>()
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7)[0].challenge_hash, run(8)[0].challenge_hash);
    }

    #[test]
    fn cadence_and_blocks() {
        let mainnet = SimChain::new(SimChainConfig::new(ConsensusConstants::mainnet())).unwrap();
        let mut odd = SimChainConfig::new(ConsensusConstants::mainnet());
        odd.sub_slot_iters = 1000;
        assert!(SimChain::new(odd).is_err());
        assert_eq!(mainnet.interval(), Duration::from_millis(9375));
        let mut fast = chain(3);
        fast.config.sp_interval = Some(Duration::from_millis(20));
        assert_eq!(fast.interval(), Duration::from_millis(20));
        let sp = fast.next_signage_point();
        fast.submit_block(WonBlock {
            challenge_hash: sp.challenge_hash,
            challenge_chain_sp: sp.challenge_chain_sp,
            signage_point_index: sp.signage_point_index,
            peak_height: sp.peak_height,
            quality_string: [9; 32],
            harvester: [1; 32],
            farmer_puzzle_hash: [6; 32],
        });
        assert_eq!(fast.blocks_total(), 1);
        assert_eq!(fast.blocks()[0].quality_string, [9; 32]);
    }
}
