//! A harvester's proof of space and the farmer's check of it: chia-blockchain 2.7.5's
//! `verify_and_get_quality_string` (chia/types/blockchain_format/proof_of_space.py,
//! harvester-farmer §9.3 step 2).
//!
//! Checks, in chia's order: v1 phase-out / v2 activation; exactly one of pool key and contract
//! hash; plot size within the network's limits; the pos challenge recomputed from the plot id; the
//! plot filter; from `SOFT_FORK9_HEIGHT` a proof under 2000 bytes; then the chiapos verifier.

use chia_bls::PublicKey;
use sickle_pos::consensus::{is_v1_phased_out, passes_plot_filter, pos_challenge, prefix_bits};
use sickle_pos::keys::{plot_id_for_contract, plot_id_for_pool_pk};
use sickle_pos::{ConsensusConstants, validate_proof};
use thiserror::Error;

/// Plot parameters of a proof (chia_rs `PlotParam`).
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

/// `ProofOfSpace` as a harvester sends it inside `NewProofOfSpace`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProofOfSpace {
    /// `challenge`: the pos challenge, `sha256(sha256(plot_id ‖ challenge_hash ‖ sp_hash))`.
    pub challenge: [u8; 32],
    /// `pool_public_key` (solo plots).
    pub pool_public_key: Option<PublicKey>,
    /// `pool_contract_puzzle_hash` (plot NFT plots).
    pub pool_contract_puzzle_hash: Option<[u8; 32]>,
    /// `plot_public_key`.
    pub plot_public_key: PublicKey,
    /// Version and size parameters.
    pub kind: ProofKind,
    /// `proof`: 64 x values of k bits for v1.
    pub proof: Vec<u8>,
}

impl ProofOfSpace {
    /// The v1 plot id the proof claims (chia `compute_plot_id`); `None` without pool information
    /// or for v2 (whose id is not needed before the v2 fork).
    pub fn plot_id(&self) -> Option<[u8; 32]> {
        match (&self.pool_contract_puzzle_hash, &self.pool_public_key) {
            (Some(hash), _) => Some(plot_id_for_contract(hash, &self.plot_public_key)),
            (None, Some(pool_pk)) => Some(plot_id_for_pool_pk(pool_pk, &self.plot_public_key)),
            (None, None) => None,
        }
    }

    /// The proof's wire form (wire.md §4.5): what `DeclareProofOfSpace` and a pool partial carry.
    ///
    /// ```text
    /// challenge[32] | 00 / 01 pool_pk[48] | P [contract[32] if P & 1] | plot_pk[48]
    ///   v1 (P = 0/1): size u8 | proof (u32 len ‖ bytes)
    ///   v2 (P = 2/3): plot_index u16 | meta_group u8 | strength u8 | proof (u32 len ‖ bytes)
    /// ```
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(32 + 49 + 33 + 48 + 5 + 4 + self.proof.len());
        out.extend_from_slice(&self.challenge);
        match &self.pool_public_key {
            Some(pk) => {
                out.push(1);
                out.extend_from_slice(&pk.to_bytes());
            }
            None => out.push(0),
        }
        let version_bit = match self.kind {
            ProofKind::V1 { .. } => 0,
            ProofKind::V2 { .. } => 2,
        };
        match &self.pool_contract_puzzle_hash {
            Some(hash) => {
                out.push(version_bit | 1);
                out.extend_from_slice(hash);
            }
            None => out.push(version_bit),
        }
        out.extend_from_slice(&self.plot_public_key.to_bytes());
        match self.kind {
            ProofKind::V1 { k } => out.push(k),
            ProofKind::V2 {
                plot_index,
                meta_group,
                strength,
            } => {
                out.extend_from_slice(&plot_index.to_be_bytes());
                out.push(meta_group);
                out.push(strength);
            }
        }
        // A proof longer than u32::MAX bytes cannot arrive in a message; saturate rather than wrap.
        let len = u32::try_from(self.proof.len()).unwrap_or(u32::MAX);
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(&self.proof);
        out
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
    let k = match pos.kind {
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
        _ => pos.plot_id().ok_or(InvalidProof::NoPoolInfo)?,
    };
    if k < constants.min_plot_size_v1 || k > constants.max_plot_size_v1 {
        return Err(InvalidProof::PlotSize {
            k,
            min: constants.min_plot_size_v1,
            max: constants.max_plot_size_v1,
        });
    }
    let expected = pos_challenge(&plot_id, context.challenge_hash, context.sp_hash);
    if expected != pos.challenge {
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

// chia's JSON form of the local `ProofOfSpace`, taken from sickle-protocol's type so the chia_rs JSON
// layout is written once. Needed because any crate that turns on sickle-streamable's `serde` feature
// (the CLI does) makes every derived farmer message require it. Both types enforce the same wire rules
// (flag byte < 4; a v2 proof has exactly one pool field), so a value parsed from the wire always
// converts; a hand-built one that breaks them is shown as an error string instead of being dropped.
sickle_streamable::cfg_json! {
    impl sickle_streamable::json::ToJsonDict for ProofOfSpace {
        fn to_json_dict(&self) -> serde_json::Value {
            use sickle_streamable::Streamable as _;
            match sickle_protocol::ProofOfSpace::from_bytes_unchecked(&self.to_bytes()) {
                Ok(shared) => shared.to_json_dict(),
                Err(err) => serde_json::Value::String(format!("invalid ProofOfSpace: {err}")),
            }
        }
    }

    impl sickle_streamable::json::FromJsonDict for ProofOfSpace {
        fn from_json_dict(
            value: &serde_json::Value,
        ) -> Result<Self, sickle_streamable::json::JsonError> {
            use sickle_streamable::Streamable as _;
            let shared = sickle_protocol::ProofOfSpace::from_json_dict(value)?;
            Self::from_bytes(&shared.to_bytes()).map_err(|_| {
                sickle_streamable::json::JsonError::invalid(
                    "ProofOfSpace",
                    "does not re-encode as a valid proof of space",
                )
            })
        }
    }
}
