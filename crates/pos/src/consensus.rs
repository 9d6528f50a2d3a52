//! The consensus maths a harvester and a farmer need: the plot filters, the proof-of-space
//! challenge, required iterations and signage point iterations (harvester-farmer §6.2–§6.6,
//! chia-blockchain `chia/consensus/pot_iterations.py`, `pos_quality.py` and
//! `chia/types/blockchain_format/proof_of_space.py`).
//!
//! Every function mirrors the Python one it is named after, including where Python raises: those
//! cases return a [`ConsensusError`]. The constants live in [`ConsensusConstants`].

mod constants;
#[cfg(feature = "yaml")]
pub mod yaml;

pub use constants::{
    ConsensusConstants, MAINNET_GENESIS_CHALLENGE, OverrideOutcome, OverrideValue, SIM_NETWORK,
    sim_overrides, testnet11_overrides,
};
use num_bigint::BigUint;
use sha2::{Digest, Sha256};

/// Signage points per filter window of the v2 filter (`FILTER_WINDOW_SIZE`, a module constant in
/// chia 2.7.5's `proof_of_space.py`; the same-named consensus constant is not read).
pub const FILTER_WINDOW_SIZE: u8 = 16;
/// Cap on the v2 filter bits (`MAX_EFFECTIVE_PLOT_FILTER_BITS`, module constant as above).
pub const MAX_EFFECTIVE_PLOT_FILTER_BITS: u8 = 13;
/// Heights after `HARD_FORK2_HEIGHT` at which the v2 base filter loses a bit, largest first
/// (`_BASE_FILTER_RELATIVE_HEIGHTS`, module constant as above).
pub const BASE_FILTER_RELATIVE_HEIGHTS: [u32; 9] = [
    50_494_000, 45_444_000, 40_394_000, 35_343_000, 30_298_000, 25_247_000, 20_197_000, 15_146_000,
    10_101_000,
];

/// Why a consensus computation has no answer (where chia raises).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConsensusError {
    /// A network override with a value of the wrong type or range.
    #[error("network override {name}: {reason}")]
    BadOverride {
        /// The constant's name, as in config.yaml.
        name: String,
        /// What was wrong with the value.
        reason: &'static str,
    },
    /// `sub_slot_iters` is not a multiple of `NUM_SPS_SUB_SLOT`.
    #[error("sub_slot_iters {sub_slot_iters} is not a multiple of NUM_SPS_SUB_SLOT {num_sps}")]
    SubSlotIters {
        /// The sub-slot iterations.
        sub_slot_iters: u64,
        /// `NUM_SPS_SUB_SLOT`.
        num_sps: u8,
    },
    /// A signage point index of `NUM_SPS_SUB_SLOT` or more.
    #[error("signage point index {index} is not below NUM_SPS_SUB_SLOT {num_sps}")]
    SignagePointIndex {
        /// The index.
        index: u8,
        /// `NUM_SPS_SUB_SLOT`.
        num_sps: u8,
    },
    /// Required iterations not in `1..sp_interval_iters` (chia's `calculate_ip_iters`).
    #[error("required iters {required_iters} is not in 1..{sp_interval_iters}")]
    RequiredIters {
        /// The required iterations.
        required_iters: u64,
        /// The signage point interval.
        sp_interval_iters: u64,
    },
    /// A result that does not fit in u64 (chia's `uint64(...)` raises).
    #[error("{what} overflows u64")]
    Overflow {
        /// Which value.
        what: &'static str,
    },
    /// A v2 plot strength below `MIN_PLOT_STRENGTH`.
    #[error("plot strength {strength} is lower than the minimum {min}")]
    StrengthTooLow {
        /// The strength.
        strength: u8,
        /// `MIN_PLOT_STRENGTH`.
        min: u8,
    },
    /// A plot size whose expected size does not fit in u64 (k ≥ 59), or is 0 where it divides.
    #[error("plot size k={0} has no expected plot size")]
    PlotSize(u8),
    /// `EPOCH_BLOCKS` is zero or the phase-out mask exceeds one byte.
    #[error("constants make the v1 phase-out undefined (EPOCH_BLOCKS {epoch_blocks}, bits {bits})")]
    PhaseOut {
        /// `EPOCH_BLOCKS`.
        epoch_blocks: u32,
        /// `PLOT_V1_PHASE_OUT_EPOCH_BITS`.
        bits: u8,
    },
}

/// Which kind of plot a proof comes from (chia_rs `PlotParam`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlotSize {
    /// A v1 (chiapos) plot of size k.
    V1 {
        /// The plot size k.
        k: u8,
    },
    /// A v2 plot of the given strength (its size is the network's `PLOT_SIZE_V2`).
    V2 {
        /// The plot strength.
        strength: u8,
    },
}

fn sha256_parts(parts: &[&[u8]]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    hasher.finalize().into()
}

/// The v1 plot filter's zero bits at `height` (`calculate_prefix_bits`): 9, then one bit fewer at
/// each fork height, floored at 0.
pub fn prefix_bits(constants: &ConsensusConstants, height: u32) -> u8 {
    let reduction = if height >= constants.plot_filter_32_height {
        4
    } else if height >= constants.plot_filter_64_height {
        3
    } else if height >= constants.plot_filter_128_height {
        2
    } else if height >= constants.hard_fork_height {
        1
    } else {
        0
    };
    constants
        .number_zero_bits_plot_filter_v1
        .saturating_sub(reduction)
}

/// `sha256(plot_id ‖ challenge_hash ‖ sp_hash)`: the hash the v1 filter inspects.
pub fn plot_filter_input(
    plot_id: &[u8; 32],
    challenge_hash: &[u8; 32],
    sp_hash: &[u8; 32],
) -> [u8; 32] {
    sha256_parts(&[plot_id, challenge_hash, sp_hash])
}

/// Whether a v1 plot passes the filter: the first `prefix_bits` bits of
/// [`plot_filter_input`] are zero (always true for 0 bits).
pub fn passes_plot_filter(
    prefix_bits: u8,
    plot_id: &[u8; 32],
    challenge_hash: &[u8; 32],
    sp_hash: &[u8; 32],
) -> bool {
    if prefix_bits == 0 {
        return true;
    }
    let hash = plot_filter_input(plot_id, challenge_hash, sp_hash);
    let bits = usize::from(prefix_bits);
    let whole = bits / 8;
    let rest = bits % 8;
    let whole_zero = hash.iter().take(whole).all(|&b| b == 0);
    let rest_zero = rest == 0 || hash.get(whole).is_none_or(|&b| b >> (8 - rest) == 0);
    whole_zero && rest_zero
}

/// The challenge a plot is asked about: `sha256(plot_filter_input(...))`.
pub fn pos_challenge(
    plot_id: &[u8; 32],
    challenge_hash: &[u8; 32],
    sp_hash: &[u8; 32],
) -> [u8; 32] {
    sha256_parts(&[&plot_filter_input(plot_id, challenge_hash, sp_hash)])
}

/// The v2 filter's base bits at `height` (`calculate_base_plot_filter_bits`).
pub fn base_plot_filter_bits(constants: &ConsensusConstants, height: u32) -> u8 {
    let base = constants.number_zero_bits_plot_filter_v2;
    let relative = i64::from(height) - i64::from(constants.hard_fork2_height);
    if relative <= 0 {
        return base;
    }
    for (index, &offset) in BASE_FILTER_RELATIVE_HEIGHTS.iter().enumerate() {
        if relative >= i64::from(offset) {
            let reductions = (BASE_FILTER_RELATIVE_HEIGHTS.len() - index) as u8;
            return base.saturating_sub(reductions);
        }
    }
    base
}

/// The v2 filter bits of a plot group of `strength` (`calculate_plot_filter_bits`).
pub fn plot_filter_bits(
    constants: &ConsensusConstants,
    height: u32,
    strength: u8,
) -> Result<u8, ConsensusError> {
    let delta = strength.checked_sub(constants.min_plot_strength).ok_or(
        ConsensusError::StrengthTooLow {
            strength,
            min: constants.min_plot_strength,
        },
    )?;
    Ok(base_plot_filter_bits(constants, height)
        .saturating_add(delta)
        .min(MAX_EFFECTIVE_PLOT_FILTER_BITS))
}

/// Whether a v2 plot group passes the predictable filter (`passes_plot_filter_v2`).
pub fn passes_plot_filter_v2(
    plot_group_id: &[u8; 32],
    meta_group: u8,
    group_strength: u8,
    filter_challenge: &[u8; 32],
    signage_point_index: u8,
) -> bool {
    let mask = if group_strength >= 64 {
        u64::MAX
    } else {
        (1u64 << group_strength) - 1
    };
    let hash = sha256_parts(&[plot_group_id, filter_challenge]);
    let effective = u64::from(u32::from_be_bytes([hash[0], hash[1], hash[2], hash[3]])) & mask;
    let target = u64::from((signage_point_index % FILTER_WINDOW_SIZE) ^ meta_group) & mask;
    effective == target
}

/// The v1 expected plot size `(2k + 1) · 2^(k−1)` (`_expected_plot_size`).
///
/// k = 0 gives 0, as Python's `uint64(1 * 2**-1)` truncates 0.5.
pub fn expected_plot_size_v1(k: u8) -> Result<u64, ConsensusError> {
    let Some(shift) = u32::from(k).checked_sub(1) else {
        return Ok(0);
    };
    let pow = 1u128
        .checked_shl(shift)
        .ok_or(ConsensusError::PlotSize(k))?;
    let size = (2 * u128::from(k) + 1).checked_mul(pow);
    size.and_then(|s| u64::try_from(s).ok())
        .ok_or(ConsensusError::PlotSize(k))
}

/// The v2 expected plot size: `2^s · (s + 1.46) / 8` in floating point, truncated
/// (`s = PLOT_SIZE_V2`).
pub fn expected_plot_size_v2(constants: &ConsensusConstants) -> Result<u64, ConsensusError> {
    let s = constants.plot_size_v2;
    let value = 2f64.powi(i32::from(s)) * (f64::from(s) + 1.46) / 8.0;
    if !(0.0..18_446_744_073_709_551_616.0).contains(&value) {
        return Err(ConsensusError::Overflow {
            what: "expected plot size",
        });
    }
    Ok(value as u64)
}

/// Required iterations of a quality (`calculate_iterations_quality`):
/// `max(1, difficulty · DIFFICULTY_CONSTANT_FACTOR · sha256(quality ‖ cc_sp_output_hash)
/// / (2^256 · expected_size))`, with unbounded integers. `height` only matters for v2 plots
/// (strength compensation).
pub fn calculate_iterations_quality(
    constants: &ConsensusConstants,
    quality_string: &[u8; 32],
    size: PlotSize,
    difficulty: u64,
    cc_sp_output_hash: &[u8; 32],
    height: u32,
) -> Result<u64, ConsensusError> {
    let sp_quality = sha256_parts(&[quality_string, cc_sp_output_hash]);
    let expected_size = match size {
        PlotSize::V1 { k } => expected_plot_size_v1(k)?,
        PlotSize::V2 { strength } => {
            let base = expected_plot_size_v2(constants)?;
            let base_bits = base_plot_filter_bits(constants, height);
            let effective_bits = plot_filter_bits(constants, height, strength)?;
            let shift = u32::from(effective_bits.saturating_sub(base_bits));
            let shifted = u128::from(base) << shift;
            u64::try_from(shifted).map_err(|_| ConsensusError::Overflow {
                what: "expected plot size",
            })?
        }
    };
    let numerator = BigUint::from(difficulty)
        * BigUint::from(constants.difficulty_constant_factor)
        * BigUint::from_bytes_be(&sp_quality);
    let denominator = BigUint::from(expected_size) << 256u32;
    if denominator == BigUint::ZERO {
        return Err(ConsensusError::PlotSize(0));
    }
    let iters = u64::try_from(numerator / denominator).map_err(|_| ConsensusError::Overflow {
        what: "required iterations",
    })?;
    Ok(iters.max(1))
}

/// Iterations between two signage points: `sub_slot_iters / NUM_SPS_SUB_SLOT`.
pub fn sp_interval_iters(
    constants: &ConsensusConstants,
    sub_slot_iters: u64,
) -> Result<u64, ConsensusError> {
    let num_sps = constants.num_sps_sub_slot;
    let error = ConsensusError::SubSlotIters {
        sub_slot_iters,
        num_sps,
    };
    if num_sps == 0 || !sub_slot_iters.is_multiple_of(u64::from(num_sps)) {
        return Err(error);
    }
    Ok(sub_slot_iters / u64::from(num_sps))
}

/// Iterations from the start of the sub-slot to signage point `index`.
pub fn sp_iters(
    constants: &ConsensusConstants,
    sub_slot_iters: u64,
    signage_point_index: u8,
) -> Result<u64, ConsensusError> {
    check_sp_index(constants, signage_point_index)?;
    Ok(sp_interval_iters(constants, sub_slot_iters)? * u64::from(signage_point_index))
}

/// Iterations from the start of the sub-slot to the infusion point (`calculate_ip_iters`).
pub fn ip_iters(
    constants: &ConsensusConstants,
    sub_slot_iters: u64,
    signage_point_index: u8,
    required_iters: u64,
) -> Result<u64, ConsensusError> {
    let sp = sp_iters(constants, sub_slot_iters, signage_point_index)?;
    let interval = sp_interval_iters(constants, sub_slot_iters)?;
    if required_iters >= interval || required_iters == 0 {
        return Err(ConsensusError::RequiredIters {
            required_iters,
            sp_interval_iters: interval,
        });
    }
    let total = u128::from(sp)
        + u128::from(constants.num_sp_intervals_extra) * u128::from(interval)
        + u128::from(required_iters);
    // sub_slot_iters > 0 here: interval > required_iters ≥ 1.
    Ok((total % u128::from(sub_slot_iters)) as u64)
}

/// Whether a signage point index is in the overflow range (the last `NUM_SP_INTERVALS_EXTRA`).
pub fn is_overflow_block(
    constants: &ConsensusConstants,
    signage_point_index: u8,
) -> Result<bool, ConsensusError> {
    check_sp_index(constants, signage_point_index)?;
    Ok(signage_point_index
        >= constants
            .num_sps_sub_slot
            .saturating_sub(constants.num_sp_intervals_extra))
}

fn check_sp_index(constants: &ConsensusConstants, index: u8) -> Result<(), ConsensusError> {
    if index >= constants.num_sps_sub_slot {
        return Err(ConsensusError::SignagePointIndex {
            index,
            num_sps: constants.num_sps_sub_slot,
        });
    }
    Ok(())
}

/// `2^PLOT_V1_PHASE_OUT_EPOCH_BITS − 1`, which must fit in a byte.
fn phase_out_mask(constants: &ConsensusConstants) -> Result<u8, ConsensusError> {
    let bits = constants.plot_v1_phase_out_epoch_bits;
    let error = ConsensusError::PhaseOut {
        epoch_blocks: constants.epoch_blocks,
        bits,
    };
    let mask = 1u64.checked_shl(u32::from(bits)).ok_or(error.clone())? - 1;
    u8::try_from(mask).map_err(|_| error)
}

/// The height from which v1 proofs are invalid: `HARD_FORK2_HEIGHT + mask · EPOCH_BLOCKS`.
pub fn v1_cut_off_height(constants: &ConsensusConstants) -> Result<u64, ConsensusError> {
    Ok(u64::from(constants.hard_fork2_height)
        + u64::from(phase_out_mask(constants)?) * u64::from(constants.epoch_blocks))
}

/// Whether a v1 proof is phased out at `prev_transaction_block_height` (`is_v1_phased_out`).
pub fn is_v1_phased_out(
    constants: &ConsensusConstants,
    proof: &[u8],
    prev_transaction_block_height: u32,
) -> Result<bool, ConsensusError> {
    if prev_transaction_block_height < constants.hard_fork2_height {
        return Ok(false);
    }
    let mask = phase_out_mask(constants)?;
    if constants.epoch_blocks == 0 {
        return Err(ConsensusError::PhaseOut {
            epoch_blocks: 0,
            bits: constants.plot_v1_phase_out_epoch_bits,
        });
    }
    let remaining =
        i128::from(v1_cut_off_height(constants)?) - i128::from(prev_transaction_block_height);
    let epoch_counter = remaining.div_euclid(i128::from(constants.epoch_blocks));
    if epoch_counter < 0 {
        return Ok(true);
    }
    let proof_value = sha256_parts(&[proof, b"chia proof-of-space v1 phase-out"])[0] & mask;
    Ok(i128::from(proof_value) >= epoch_counter)
}
