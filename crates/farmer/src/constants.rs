//! The consensus constants the farmer uses, with chia's network overrides applied.
//!
//! chia-blockchain 2.7.5's farmer starts from `DEFAULT_CONSTANTS` (mainnet), then applies
//! `farmer.network_overrides.constants[selected_network]` from the root's config, after
//! `update_testnet_overrides` filled in testnet defaults (chia/farmer/start_farmer.py,
//! chia/consensus/default_constants.py, chia/consensus/constants.py `replace_str_to_bytes`).
//! This module does the same for the subset of constants a farmer needs.
//!
//! Keys chia knows but the farmer does not use are accepted and ignored; keys chia does not know
//! are ignored with a warning, as chia does; a known key with a value of the wrong type is an
//! error naming the key.

use serde_yaml::Value;
use thiserror::Error;

/// A network override that cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ConstantsError {
    /// The value is not a non-negative integer that fits the constant.
    #[error("network override {key}: expected an unsigned integer up to {max}, got {got}")]
    NotAnInteger {
        /// The constant's name, e.g. `MIN_PLOT_SIZE_V1`.
        key: String,
        /// The largest allowed value.
        max: u128,
        /// The value as written in the config.
        got: String,
    },
    /// The value is not a 32-byte hex string.
    #[error("network override {key}: expected 32 bytes of hex, got {got:?}")]
    NotBytes32 {
        /// The constant's name, e.g. `GENESIS_CHALLENGE`.
        key: String,
        /// The value as written in the config.
        got: String,
    },
    /// The value is not a boolean.
    #[error("network override {key}: expected a boolean, got {got}")]
    NotBool {
        /// The constant's name.
        key: String,
        /// The value as written in the config.
        got: String,
    },
    /// The overrides are not a mapping from names to values.
    #[error("network overrides for {network:?} are not a mapping of constant names")]
    NotAMapping {
        /// The network id.
        network: String,
    },
    /// A constant that must be positive (or a multiple of the signage point count) is not.
    #[error("network override {key}: {reason}")]
    Inconsistent {
        /// The constant's name.
        key: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
}

/// The consensus constants that drive farming (names as in chia's `ConsensusConstants`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkConstants {
    /// `NUM_SPS_SUB_SLOT`: signage points per sub-slot (64).
    pub num_sps_sub_slot: u32,
    /// `NUM_SP_INTERVALS_EXTRA` (3).
    pub num_sp_intervals_extra: u32,
    /// `SUB_SLOT_TIME_TARGET` in seconds (600).
    pub sub_slot_time_target: u64,
    /// `SUB_SLOT_ITERS_STARTING` (2^27 on mainnet).
    pub sub_slot_iters_starting: u64,
    /// `DIFFICULTY_STARTING` (7 on mainnet).
    pub difficulty_starting: u64,
    /// `DIFFICULTY_CONSTANT_FACTOR` (2^67 on mainnet).
    pub difficulty_constant_factor: u128,
    /// `NUMBER_ZERO_BITS_PLOT_FILTER_V1` (9).
    pub number_zero_bits_plot_filter_v1: u8,
    /// `MIN_PLOT_SIZE_V1` (32 on mainnet, 18 on testnets).
    pub min_plot_size_v1: u8,
    /// `MAX_PLOT_SIZE_V1` (50).
    pub max_plot_size_v1: u8,
    /// `HARD_FORK_HEIGHT`: from here the v1 filter has 8 bits.
    pub hard_fork_height: u32,
    /// `HARD_FORK2_HEIGHT`: v2 plots and the v1 phase-out start here.
    pub hard_fork2_height: u32,
    /// `PLOT_FILTER_128_HEIGHT`.
    pub plot_filter_128_height: u32,
    /// `PLOT_FILTER_64_HEIGHT`.
    pub plot_filter_64_height: u32,
    /// `PLOT_FILTER_32_HEIGHT`.
    pub plot_filter_32_height: u32,
    /// `SOFT_FORK9_HEIGHT`: from here (by last tx height) v1 proofs must be < 2000 bytes.
    pub soft_fork9_height: u32,
    /// `EPOCH_BLOCKS`.
    pub epoch_blocks: u32,
    /// `PLOT_V1_PHASE_OUT_EPOCH_BITS`.
    pub plot_v1_phase_out_epoch_bits: u8,
    /// `POOL_SUB_SLOT_ITERS`: the sub-slot iterations pools use for partials.
    pub pool_sub_slot_iters: u64,
    /// `GENESIS_CHALLENGE`.
    pub genesis_challenge: [u8; 32],
    /// `TESTNET`.
    pub testnet: bool,
}

/// chia 2.7.5's mainnet genesis challenge.
const MAINNET_GENESIS: [u8; 32] = [
    0xcc, 0xd5, 0xbb, 0x71, 0x18, 0x35, 0x32, 0xbf, 0xf2, 0x20, 0xba, 0x46, 0xc2, 0x68, 0x99, 0x1a,
    0x3f, 0xf0, 0x7e, 0xb3, 0x58, 0xe8, 0x25, 0x5a, 0x65, 0xc3, 0x0a, 0x2d, 0xce, 0x0e, 0x5f, 0xbb,
];

/// Every field name of chia_rs 0.48's `ConsensusConstants`: overrides naming one of these that
/// the farmer does not model are accepted silently, like chia.
const CHIA_CONSTANT_NAMES: &[&str] = &[
    "AGG_SIG_AMOUNT_ADDITIONAL_DATA",
    "AGG_SIG_ME_ADDITIONAL_DATA",
    "AGG_SIG_PARENT_ADDITIONAL_DATA",
    "AGG_SIG_PARENT_AMOUNT_ADDITIONAL_DATA",
    "AGG_SIG_PARENT_PUZZLE_ADDITIONAL_DATA",
    "AGG_SIG_PUZZLE_ADDITIONAL_DATA",
    "AGG_SIG_PUZZLE_AMOUNT_ADDITIONAL_DATA",
    "BLOCKS_CACHE_SIZE",
    "COST_PER_BYTE",
    "DIFFICULTY_CHANGE_MAX_FACTOR",
    "DISCRIMINANT_SIZE_BITS",
    "FILTER_WINDOW_SIZE",
    "GENESIS_PRE_FARM_FARMER_PUZZLE_HASH",
    "GENESIS_PRE_FARM_POOL_PUZZLE_HASH",
    "MAX_BLOCK_COST_CLVM",
    "MAX_BLOCK_COUNT_PER_REQUESTS",
    "MAX_COIN_AMOUNT",
    "MAX_EFFECTIVE_PLOT_FILTER_BITS",
    "MAX_FUTURE_TIME2",
    "MAX_GENERATOR_REF_LIST_SIZE",
    "MAX_PLOT_STRENGTH",
    "MAX_SUB_SLOT_BLOCKS",
    "MAX_VDF_WITNESS_SIZE",
    "MEMPOOL_BLOCK_BUFFER",
    "MIN_BLOCKS_PER_CHALLENGE_BLOCK",
    "MIN_PLOT_STRENGTH",
    "NUMBER_OF_TIMESTAMPS",
    "NUMBER_ZERO_BITS_PLOT_FILTER_V2",
    "PLOT_FILTER_V2_RELATIVE_HEIGHT",
    "PLOT_SIZE_V2",
    "SIGNIFICANT_BITS",
    "SLOT_BLOCKS_TARGET",
    "SOFT_FORK8_HEIGHT",
    "SUB_EPOCH_BLOCKS",
    "WEIGHT_PROOF_RECENT_BLOCKS",
    "WEIGHT_PROOF_THRESHOLD",
    // Removed from chia but still written by old configs; chia ignores it without a warning.
    "NETWORK_TYPE",
];

impl NetworkConstants {
    /// chia 2.7.5's `DEFAULT_CONSTANTS` (mainnet).
    pub fn mainnet() -> Self {
        Self {
            num_sps_sub_slot: 64,
            num_sp_intervals_extra: 3,
            sub_slot_time_target: 600,
            sub_slot_iters_starting: 1 << 27,
            difficulty_starting: 7,
            difficulty_constant_factor: 1 << 67,
            number_zero_bits_plot_filter_v1: 9,
            min_plot_size_v1: 32,
            max_plot_size_v1: 50,
            hard_fork_height: 5_496_000,
            hard_fork2_height: 0xffff_fffa,
            plot_filter_128_height: 10_542_000,
            plot_filter_64_height: 15_592_000,
            plot_filter_32_height: 20_643_000,
            soft_fork9_height: 8_655_000,
            epoch_blocks: 4608,
            plot_v1_phase_out_epoch_bits: 8,
            pool_sub_slot_iters: 37_600_000_000,
            genesis_challenge: MAINNET_GENESIS,
            testnet: false,
        }
    }

    /// The constants of `network` after chia's overrides: `update_testnet_overrides` first, then
    /// every entry of `overrides` (the network's `network_overrides.constants` mapping, or
    /// `None` when the config has none).
    pub fn for_network(network: &str, overrides: Option<&Value>) -> Result<Self, ConstantsError> {
        // "sim" is Sickle's own local network; every other id starts from chia's defaults.
        let mut constants = if network == "sim" {
            Self::sim()
        } else {
            Self::mainnet()
        };
        // update_testnet_overrides: defaults that only apply when the config does not set them.
        if network != "mainnet" {
            constants.testnet = true;
        }
        if network == "testnet11" || network == "testneta" {
            constants.soft_fork9_height = 3_924_000;
        }
        if network == "testneta" {
            constants.hard_fork_height = 3_693_395;
            constants.min_plot_size_v1 = 18;
        }
        let Some(overrides) = overrides else {
            return Ok(constants);
        };
        let map = overrides
            .as_mapping()
            .ok_or_else(|| ConstantsError::NotAMapping {
                network: network.to_owned(),
            })?;
        // Legacy names: MIN_PLOT_SIZE → MIN_PLOT_SIZE_V1 unless the new name is present too.
        let has = |name: &str| map.get(name).is_some();
        for (key, value) in map {
            let Some(key) = key.as_str() else {
                return Err(ConstantsError::NotAMapping {
                    network: network.to_owned(),
                });
            };
            let key = match key {
                "MIN_PLOT_SIZE" if has("MIN_PLOT_SIZE_V1") => continue,
                "MAX_PLOT_SIZE" if has("MAX_PLOT_SIZE_V1") => continue,
                "MIN_PLOT_SIZE" => "MIN_PLOT_SIZE_V1",
                "MAX_PLOT_SIZE" => "MAX_PLOT_SIZE_V1",
                other => other,
            };
            constants.apply(key, value)?;
        }
        constants.check()?;
        Ok(constants)
    }

    /// A local simulation network: testnet-like constants that accept k ≥ 18 plots, no forks
    /// pending (filter at its 9-bit start), and a short sub-slot so tests and demos find proofs.
    pub fn sim() -> Self {
        Self {
            min_plot_size_v1: 18,
            sub_slot_iters_starting: 1 << 26,
            difficulty_starting: 1,
            testnet: true,
            genesis_challenge: [0x5a; 32],
            ..Self::mainnet()
        }
    }

    fn apply(&mut self, key: &str, value: &Value) -> Result<(), ConstantsError> {
        match key {
            "NUM_SPS_SUB_SLOT" => self.num_sps_sub_slot = int(key, value)?,
            "NUM_SP_INTERVALS_EXTRA" => self.num_sp_intervals_extra = int(key, value)?,
            "SUB_SLOT_TIME_TARGET" => self.sub_slot_time_target = int(key, value)?,
            "SUB_SLOT_ITERS_STARTING" => self.sub_slot_iters_starting = int(key, value)?,
            "DIFFICULTY_STARTING" => self.difficulty_starting = int(key, value)?,
            "DIFFICULTY_CONSTANT_FACTOR" => self.difficulty_constant_factor = int(key, value)?,
            "NUMBER_ZERO_BITS_PLOT_FILTER_V1" => {
                self.number_zero_bits_plot_filter_v1 = int(key, value)?;
            }
            "MIN_PLOT_SIZE_V1" => self.min_plot_size_v1 = int(key, value)?,
            "MAX_PLOT_SIZE_V1" => self.max_plot_size_v1 = int(key, value)?,
            "HARD_FORK_HEIGHT" => self.hard_fork_height = int(key, value)?,
            "HARD_FORK2_HEIGHT" => self.hard_fork2_height = int(key, value)?,
            "PLOT_FILTER_128_HEIGHT" => self.plot_filter_128_height = int(key, value)?,
            "PLOT_FILTER_64_HEIGHT" => self.plot_filter_64_height = int(key, value)?,
            "PLOT_FILTER_32_HEIGHT" => self.plot_filter_32_height = int(key, value)?,
            "SOFT_FORK9_HEIGHT" => self.soft_fork9_height = int(key, value)?,
            "EPOCH_BLOCKS" => self.epoch_blocks = int(key, value)?,
            "PLOT_V1_PHASE_OUT_EPOCH_BITS" => self.plot_v1_phase_out_epoch_bits = int(key, value)?,
            "POOL_SUB_SLOT_ITERS" => self.pool_sub_slot_iters = int(key, value)?,
            "GENESIS_CHALLENGE" => self.genesis_challenge = bytes32(key, value)?,
            "TESTNET" => {
                self.testnet = value.as_bool().ok_or_else(|| ConstantsError::NotBool {
                    key: key.to_owned(),
                    got: describe(value),
                })?;
            }
            known if CHIA_CONSTANT_NAMES.contains(&known) => {}
            unknown => {
                tracing::warn!(
                    key = unknown,
                    "invalid key in network configuration, ignoring"
                );
            }
        }
        Ok(())
    }

    fn check(&self) -> Result<(), ConstantsError> {
        if self.num_sps_sub_slot == 0 {
            return Err(ConstantsError::Inconsistent {
                key: "NUM_SPS_SUB_SLOT",
                reason: "must be positive",
            });
        }
        if !self
            .sub_slot_iters_starting
            .is_multiple_of(u64::from(self.num_sps_sub_slot))
        {
            return Err(ConstantsError::Inconsistent {
                key: "SUB_SLOT_ITERS_STARTING",
                reason: "must be a multiple of NUM_SPS_SUB_SLOT",
            });
        }
        if self.min_plot_size_v1 > self.max_plot_size_v1 {
            return Err(ConstantsError::Inconsistent {
                key: "MIN_PLOT_SIZE_V1",
                reason: "must not exceed MAX_PLOT_SIZE_V1",
            });
        }
        Ok(())
    }

    /// Iterations between two signage points: `sub_slot_iters / NUM_SPS_SUB_SLOT`
    /// (chia `calculate_sp_interval_iters`).
    pub fn sp_interval_iters(&self, sub_slot_iters: u64) -> u64 {
        sub_slot_iters / u64::from(self.num_sps_sub_slot.max(1))
    }

    /// The v1 plot filter's prefix bits at `peak_height` (harvester-farmer §6.2).
    pub fn prefix_bits(&self, peak_height: u32) -> u8 {
        let reduction = if peak_height >= self.plot_filter_32_height {
            4
        } else if peak_height >= self.plot_filter_64_height {
            3
        } else if peak_height >= self.plot_filter_128_height {
            2
        } else if peak_height >= self.hard_fork_height {
            1
        } else {
            0
        };
        self.number_zero_bits_plot_filter_v1
            .saturating_sub(reduction)
    }
}

fn describe(value: &Value) -> String {
    serde_yaml::to_string(value)
        .map(|text| text.trim_end().to_owned())
        .unwrap_or_else(|_| "an unprintable value".to_owned())
}

fn int<T: TryFrom<u128>>(key: &str, value: &Value) -> Result<T, ConstantsError> {
    let not_int = || ConstantsError::NotAnInteger {
        key: key.to_owned(),
        max: max_of::<T>(),
        got: describe(value),
    };
    // The YAML reader refuses integers beyond u64 outright, so u64 is the widest value seen here
    // (every value chia's own configs use fits).
    let wide = value.as_u64().map(u128::from).ok_or_else(not_int)?;
    T::try_from(wide).map_err(|_| not_int())
}

fn max_of<T: TryFrom<u128>>() -> u128 {
    // The largest u128 that converts: probe the usual widths from the top.
    [
        u128::MAX,
        u128::from(u64::MAX),
        u128::from(u32::MAX),
        u128::from(u16::MAX),
        255,
    ]
    .into_iter()
    .find(|&candidate| T::try_from(candidate).is_ok())
    .unwrap_or(0)
}

fn bytes32(key: &str, value: &Value) -> Result<[u8; 32], ConstantsError> {
    let not_bytes = || ConstantsError::NotBytes32 {
        key: key.to_owned(),
        got: describe(value),
    };
    let text = value.as_str().ok_or_else(not_bytes)?;
    let text = text.strip_prefix("0x").unwrap_or(text);
    let mut out = [0u8; 32];
    hex::decode_to_slice(text, &mut out).map_err(|_| not_bytes())?;
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Value {
        serde_yaml::from_str(text).unwrap()
    }

    #[test]
    fn mainnet_prefix_bits_follow_the_schedule() {
        // harvester-farmer §12.3.
        let mainnet = NetworkConstants::mainnet();
        let bits: Vec<u8> = [0, 5_495_999, 5_496_000, 10_542_000, 15_592_000, 20_643_000]
            .into_iter()
            .map(|height| mainnet.prefix_bits(height))
            .collect();
        assert_eq!(bits, [9, 9, 8, 7, 6, 5]);
        assert_eq!(mainnet.sp_interval_iters(578_813_952), 9_043_968);
    }

    #[test]
    fn testnet11_overrides_apply() {
        let overrides = yaml(
            "DIFFICULTY_CONSTANT_FACTOR: 10052721566054\nMIN_PLOT_SIZE_V1: 18\nHARD_FORK_HEIGHT: 0\n\
             NETWORK_TYPE: 1\nMEMPOOL_BLOCK_BUFFER: 10\nSOME_FUTURE_KEY: 3\n\
             GENESIS_CHALLENGE: 37a90eb5185a9c4439a91ddc98bbadce7b4feba060d50116a067de66bf236615\n",
        );
        let testnet = NetworkConstants::for_network("testnet11", Some(&overrides)).unwrap();
        assert_eq!(testnet.difficulty_constant_factor, 10_052_721_566_054);
        assert_eq!(testnet.min_plot_size_v1, 18);
        assert_eq!(testnet.hard_fork_height, 0);
        assert_eq!(testnet.soft_fork9_height, 3_924_000);
        assert_eq!(testnet.genesis_challenge[0], 0x37);
        assert!(testnet.testnet);
        assert_eq!(testnet.prefix_bits(0), 8);
    }

    #[test]
    fn legacy_names_and_inexact_values() {
        let overrides = yaml("MIN_PLOT_SIZE: 20\nMAX_PLOT_SIZE: 40\nMAX_PLOT_SIZE_V1: 45");
        let constants = NetworkConstants::for_network("mainnet", Some(&overrides)).unwrap();
        assert_eq!(constants.min_plot_size_v1, 20);
        assert_eq!(constants.max_plot_size_v1, 45);
        assert!(!constants.testnet);
        // Floats are not integers, even where Python would truncate them.
        let overrides = yaml("DIFFICULTY_CONSTANT_FACTOR: 1.5e3");
        let err = NetworkConstants::for_network("mainnet", Some(&overrides)).unwrap_err();
        assert!(matches!(err, ConstantsError::NotAnInteger { .. }));
    }

    #[test]
    fn wrong_types_name_the_key() {
        let err =
            NetworkConstants::for_network("x", Some(&yaml("MIN_PLOT_SIZE_V1: 300"))).unwrap_err();
        assert_eq!(
            err.to_string(),
            "network override MIN_PLOT_SIZE_V1: expected an unsigned integer up to 255, got 300"
        );
        let err =
            NetworkConstants::for_network("x", Some(&yaml("GENESIS_CHALLENGE: abc"))).unwrap_err();
        assert!(
            matches!(err, ConstantsError::NotBytes32 { ref key, .. } if key == "GENESIS_CHALLENGE")
        );
        let err = NetworkConstants::for_network("x", Some(&yaml("TESTNET: 3"))).unwrap_err();
        assert!(matches!(err, ConstantsError::NotBool { .. }));
        let err = NetworkConstants::for_network("x", Some(&yaml("[1, 2]"))).unwrap_err();
        assert!(matches!(err, ConstantsError::NotAMapping { .. }));
        let err = NetworkConstants::for_network("x", Some(&yaml("SUB_SLOT_ITERS_STARTING: 65")))
            .unwrap_err();
        assert!(matches!(err, ConstantsError::Inconsistent { .. }));
    }
}
