//! A harvester's proof of space and the farmer's check of it: chia-blockchain 2.7.5's
//! `verify_and_get_quality_string` (chia/types/blockchain_format/proof_of_space.py,
//! harvester-farmer §9.3 step 2).
//!
//! Checks, in chia's order: v1 phase-out / v2 activation; exactly one of pool key and contract
//! hash; plot size within the network's limits; the pos challenge recomputed from the plot id; the
//! plot filter; from `SOFT_FORK9_HEIGHT` a proof under 2000 bytes; then the chiapos verifier.

use sickle_pos::consensus::{is_v1_phased_out, passes_plot_filter, pos_challenge, prefix_bits};
use sickle_pos::keys::{plot_id_for_contract, plot_id_for_pool_pk};
use sickle_pos::{ConsensusConstants, validate_proof};
pub use sickle_protocol::{ProofOfSpace, ProofOfSpaceVersion};
use thiserror::Error;

/// Plot parameters of a proof (chia_rs `PlotParam`): the version-dependent fields of a
/// [`ProofOfSpace`] as one value, so a check cannot read a field its version does not carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProofKind {
    /// A v1 (chiapos) plot of size k.
    V1 {
        /// The plot size k.
        k: u8,
    },
    /// A v2 plot (inactive in chia 2.7.5: `HARD_FORK2_HEIGHT` is a placeholder).
    V2 {
        /// `plot_index`.
        plot_index: u16,
        /// `meta_group`.
        meta_group: u8,
        /// `strength`.
        strength: u8,
    },
}

impl ProofKind {
    /// The plot parameters `pos` carries.
    pub fn of(pos: &ProofOfSpace) -> Self {
        match pos.version {
            ProofOfSpaceVersion::V1 => Self::V1 { k: pos.size },
            ProofOfSpaceVersion::V2 => Self::V2 {
                plot_index: pos.plot_index,
                meta_group: pos.meta_group,
                strength: pos.strength,
            },
        }
    }
}

/// The v1 plot id a proof claims (chia `compute_plot_id`); `None` without pool information.
pub fn claimed_plot_id(pos: &ProofOfSpace) -> Option<[u8; 32]> {
    match (&pos.pool_contract_puzzle_hash, &pos.pool_public_key) {
        (Some(hash), _) => Some(plot_id_for_contract(hash, &pos.plot_public_key)),
        (None, Some(pool_pk)) => Some(plot_id_for_pool_pk(pool_pk, &pos.plot_public_key)),
        (None, None) => None,
    }
}

/// Why a proof is invalid (each is a `return None` in chia's verifier).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum InvalidProof {
    /// A v1 proof after the v1 phase-out took it (from `HARD_FORK2_HEIGHT` on).
    #[error("v1 proof has been phased out at last tx height {last_tx_height}")]
    PhasedOut {
        /// The signage point's last transaction height.
        last_tx_height: u32,
    },
    /// A v2 proof before `HARD_FORK2_HEIGHT`.
    #[error("v2 proof support has not yet activated (last tx height {last_tx_height})")]
    V2NotActive {
        /// The signage point's last transaction height.
        last_tx_height: u32,
    },
    /// A v2 proof after the v2 fork: Sickle has no v2 verifier yet.
    #[error("v2 proofs cannot be verified by this farmer")]
    V2Unsupported,
    /// Neither a pool public key nor a contract puzzle hash.
    #[error("expected pool public key or pool contract puzzle hash but got neither")]
    NoPoolInfo,
    /// Both a pool public key and a contract puzzle hash.
    #[error("expected pool public key or pool contract puzzle hash but got both")]
    BothPoolInfo,
    /// k outside `[MIN_PLOT_SIZE_V1, MAX_PLOT_SIZE_V1]`.
    #[error("plot size k={k} outside {min}..={max}")]
    PlotSize {
        /// The proof's k.
        k: u8,
        /// `MIN_PLOT_SIZE_V1`.
        min: u8,
        /// `MAX_PLOT_SIZE_V1`.
        max: u8,
    },
    /// The proof's challenge is not the pos challenge of its plot id and the signage point.
    #[error("pos challenge mismatch: expected {expected}, got {got}")]
    ChallengeMismatch {
        /// Computed, hex.
        expected: String,
        /// In the proof, hex.
        got: String,
    },
    /// The plot does not pass the plot filter for this signage point.
    #[error("did not pass the plot filter ({prefix_bits} prefix bits)")]
    PlotFilter {
        /// The filter's zero bits at the signage point's height.
        prefix_bits: u8,
    },
    /// A proof of 2000 bytes or more after `SOFT_FORK9_HEIGHT`.
    #[error("proof of space too large: {len} bytes")]
    TooLarge {
        /// The proof's length.
        len: usize,
    },
    /// The chiapos verifier rejects the proof.
    #[error("proof does not verify for plot id {plot_id} k={k}")]
    BadProof {
        /// The plot id, hex.
        plot_id: String,
        /// The proof's k.
        k: u8,
    },
    /// The consensus maths refused the constants (e.g. a phase-out mask over one byte).
    #[error("consensus: {0}")]
    Consensus(#[from] sickle_pos::ConsensusError),
}

/// Where the proof is checked: the signage point's challenge, hash, heights.
#[derive(Debug, Clone, Copy)]
pub struct ProofContext<'a> {
    /// The network's constants.
    pub constants: &'a ConsensusConstants,
    /// `challenge_hash` of the `NewProofOfSpace`.
    pub challenge_hash: &'a [u8; 32],
    /// `sp_hash` of the `NewProofOfSpace`.
    pub sp_hash: &'a [u8; 32],
    /// The stored signage point's `peak_height` (the plot filter's height).
    pub height: u32,
    /// The stored signage point's `last_tx_height`.
    pub last_tx_height: u32,
}

/// Verifies a proof and returns its quality string (chia `verify_and_get_quality_string`,
/// not height-agnostic).
pub fn verify_and_get_quality_string(
    pos: &ProofOfSpace,
    context: &ProofContext<'_>,
) -> Result<[u8; 32], InvalidProof> {
    let constants = context.constants;
    let k = match ProofKind::of(pos) {
        ProofKind::V1 { k } => {
            if is_v1_phased_out(constants, &pos.proof, context.last_tx_height)? {
                return Err(InvalidProof::PhasedOut {
                    last_tx_height: context.last_tx_height,
                });
            }
            k
        }
        ProofKind::V2 { .. } => {
            if context.last_tx_height < constants.hard_fork2_height {
                return Err(InvalidProof::V2NotActive {
                    last_tx_height: context.last_tx_height,
                });
            }
            return Err(InvalidProof::V2Unsupported);
        }
    };
    let plot_id = match (&pos.pool_public_key, &pos.pool_contract_puzzle_hash) {
        (None, None) => return Err(InvalidProof::NoPoolInfo),
        (Some(_), Some(_)) => return Err(InvalidProof::BothPoolInfo),
        _ => claimed_plot_id(pos).ok_or(InvalidProof::NoPoolInfo)?,
    };
    if k < constants.min_plot_size_v1 || k > constants.max_plot_size_v1 {
        return Err(InvalidProof::PlotSize {
            k,
            min: constants.min_plot_size_v1,
            max: constants.max_plot_size_v1,
        });
    }
    let expected = pos_challenge(&plot_id, context.challenge_hash, context.sp_hash);
    if expected != pos.challenge.0 {
        return Err(InvalidProof::ChallengeMismatch {
            expected: hex::encode(expected),
            got: hex::encode(pos.challenge),
        });
    }
    let bits = prefix_bits(constants, context.height);
    if !passes_plot_filter(bits, &plot_id, context.challenge_hash, context.sp_hash) {
        return Err(InvalidProof::PlotFilter { prefix_bits: bits });
    }
    if context.last_tx_height >= constants.soft_fork9_height && pos.proof.len() >= 2000 {
        return Err(InvalidProof::TooLarge {
            len: pos.proof.len(),
        });
    }
    validate_proof(&plot_id, k, &pos.challenge, &pos.proof).ok_or_else(|| InvalidProof::BadProof {
        plot_id: hex::encode(plot_id),
        k,
    })
}
