//! Consensus constants: chia 2.7.5's `DEFAULT_CONSTANTS`, the network overrides of
//! `config.yaml`, and the defaults `update_testnet_overrides` adds (harvester-farmer §10).
//!
//! chia applies `network_overrides.constants[selected_network]` over `DEFAULT_CONSTANTS` by
//! name (`replace_str_to_bytes`): strings are hex bytes, `MIN_PLOT_SIZE`/`MAX_PLOT_SIZE` are old
//! names of the `_V1` constants, and unknown names are ignored. [`ConsensusConstants::for_network`]
//! does the same for the constants a farmer and a harvester use; names of constants Sickle does
//! not model are ignored too ([`OverrideOutcome::Ignored`]).

use super::ConsensusError;

/// One override value as it appears in `config.yaml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OverrideValue {
    /// An integer.
    Int(i128),
    /// A boolean (`TESTNET`).
    Bool(bool),
    /// A string: hex bytes, optionally `0x`-prefixed.
    Str(String),
    /// A list of integers (`PLOT_FILTER_V2_RELATIVE_HEIGHT`).
    IntList(Vec<i128>),
}

/// What [`ConsensusConstants::apply_override`] did with a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverrideOutcome {
    /// The constant was set.
    Applied,
    /// Not a constant Sickle models (chia either ignores it or uses it outside farming).
    Ignored,
}

/// The consensus constants a farmer and a harvester use. Field names are chia's, lower-cased.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConsensusConstants {
    /// `SLOT_BLOCKS_TARGET`.
    pub slot_blocks_target: u32,
    /// `MIN_BLOCKS_PER_CHALLENGE_BLOCK`.
    pub min_blocks_per_challenge_block: u8,
    /// `MAX_SUB_SLOT_BLOCKS`.
    pub max_sub_slot_blocks: u32,
    /// `NUM_SPS_SUB_SLOT`: signage points per sub-slot (64).
    pub num_sps_sub_slot: u8,
    /// `SUB_SLOT_ITERS_STARTING`.
    pub sub_slot_iters_starting: u64,
    /// `DIFFICULTY_CONSTANT_FACTOR` (2^67 on mainnet).
    pub difficulty_constant_factor: u128,
    /// `DIFFICULTY_STARTING`.
    pub difficulty_starting: u64,
    /// `DIFFICULTY_CHANGE_MAX_FACTOR`.
    pub difficulty_change_max_factor: u32,
    /// `SUB_EPOCH_BLOCKS`.
    pub sub_epoch_blocks: u32,
    /// `EPOCH_BLOCKS`.
    pub epoch_blocks: u32,
    /// `SIGNIFICANT_BITS`.
    pub significant_bits: u8,
    /// `NUMBER_ZERO_BITS_PLOT_FILTER_V1`.
    pub number_zero_bits_plot_filter_v1: u8,
    /// `NUMBER_ZERO_BITS_PLOT_FILTER_V2`.
    pub number_zero_bits_plot_filter_v2: u8,
    /// `MIN_PLOT_SIZE_V1` (32 on mainnet, 18 on testnet11).
    pub min_plot_size_v1: u8,
    /// `MAX_PLOT_SIZE_V1`.
    pub max_plot_size_v1: u8,
    /// `PLOT_SIZE_V2`.
    pub plot_size_v2: u8,
    /// `SUB_SLOT_TIME_TARGET` in seconds.
    pub sub_slot_time_target: u16,
    /// `NUM_SP_INTERVALS_EXTRA`.
    pub num_sp_intervals_extra: u8,
    /// `MAX_FUTURE_TIME2` in seconds.
    pub max_future_time2: u32,
    /// `NUMBER_OF_TIMESTAMPS`.
    pub number_of_timestamps: u8,
    /// `GENESIS_CHALLENGE`.
    pub genesis_challenge: [u8; 32],
    /// `AGG_SIG_ME_ADDITIONAL_DATA`.
    pub agg_sig_me_additional_data: [u8; 32],
    /// `GENESIS_PRE_FARM_POOL_PUZZLE_HASH`.
    pub genesis_pre_farm_pool_puzzle_hash: [u8; 32],
    /// `GENESIS_PRE_FARM_FARMER_PUZZLE_HASH`.
    pub genesis_pre_farm_farmer_puzzle_hash: [u8; 32],
    /// `POOL_SUB_SLOT_ITERS`.
    pub pool_sub_slot_iters: u64,
    /// `HARD_FORK_HEIGHT`.
    pub hard_fork_height: u32,
    /// `HARD_FORK2_HEIGHT`.
    pub hard_fork2_height: u32,
    /// `SOFT_FORK8_HEIGHT`.
    pub soft_fork8_height: u32,
    /// `SOFT_FORK9_HEIGHT`.
    pub soft_fork9_height: u32,
    /// `PLOT_V1_PHASE_OUT_EPOCH_BITS`.
    pub plot_v1_phase_out_epoch_bits: u8,
    /// `PLOT_FILTER_128_HEIGHT`.
    pub plot_filter_128_height: u32,
    /// `PLOT_FILTER_64_HEIGHT`.
    pub plot_filter_64_height: u32,
    /// `PLOT_FILTER_32_HEIGHT`.
    pub plot_filter_32_height: u32,
    /// `MIN_PLOT_STRENGTH`.
    pub min_plot_strength: u8,
    /// `MAX_PLOT_STRENGTH`.
    pub max_plot_strength: u8,
    /// `PLOT_FILTER_V2_RELATIVE_HEIGHT` (carried; chia 2.7.5's filter reads a module constant).
    pub plot_filter_v2_relative_height: Vec<u32>,
    /// `FILTER_WINDOW_SIZE` (carried; the filter reads a module constant).
    pub filter_window_size: u8,
    /// `MAX_EFFECTIVE_PLOT_FILTER_BITS` (carried; the filter reads a module constant).
    pub max_effective_plot_filter_bits: u8,
    /// `TESTNET`.
    pub testnet: bool,
}

const fn hex32(s: &str) -> [u8; 32] {
    let bytes = s.as_bytes();
    let mut out = [0u8; 32];
    let mut i = 0;
    while i < 32 {
        out[i] = (nibble(bytes[2 * i]) << 4) | nibble(bytes[2 * i + 1]);
        i += 1;
    }
    out
}

const fn nibble(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        b'A'..=b'F' => c - b'A' + 10,
        _ => 0,
    }
}

/// The mainnet genesis challenge (also `AGG_SIG_ME_ADDITIONAL_DATA` of `DEFAULT_CONSTANTS`).
pub const MAINNET_GENESIS_CHALLENGE: [u8; 32] =
    hex32("ccd5bb71183532bff220ba46c268991a3ff07eb358e8255a65c30a2dce0e5fbb");

impl ConsensusConstants {
    /// chia's `DEFAULT_CONSTANTS`, before any network override (its genesis challenge is
    /// `sha256(b"")`, the value chia's tests run with).
    pub fn default_constants() -> Self {
        Self {
            slot_blocks_target: 32,
            min_blocks_per_challenge_block: 16,
            max_sub_slot_blocks: 128,
            num_sps_sub_slot: 64,
            sub_slot_iters_starting: 1 << 27,
            difficulty_constant_factor: 1 << 67,
            difficulty_starting: 7,
            difficulty_change_max_factor: 3,
            sub_epoch_blocks: 384,
            epoch_blocks: 4608,
            significant_bits: 8,
            number_zero_bits_plot_filter_v1: 9,
            number_zero_bits_plot_filter_v2: 9,
            min_plot_size_v1: 32,
            max_plot_size_v1: 50,
            plot_size_v2: 28,
            sub_slot_time_target: 600,
            num_sp_intervals_extra: 3,
            max_future_time2: 120,
            number_of_timestamps: 11,
            genesis_challenge: hex32(
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            ),
            agg_sig_me_additional_data: MAINNET_GENESIS_CHALLENGE,
            genesis_pre_farm_pool_puzzle_hash: hex32(
                "d23da14695a188ae5708dd152263c4db883eb27edeb936178d4d988b8f3ce5fc",
            ),
            genesis_pre_farm_farmer_puzzle_hash: hex32(
                "3d8765d3a597ec1d99663f6c9816d915b9f68613ac94009884c4addaefcce6af",
            ),
            pool_sub_slot_iters: 37_600_000_000,
            hard_fork_height: 5_496_000,
            hard_fork2_height: 0xFFFF_FFFA,
            soft_fork8_height: 8_655_000,
            soft_fork9_height: 8_655_000,
            plot_v1_phase_out_epoch_bits: 8,
            plot_filter_128_height: 10_542_000,
            plot_filter_64_height: 15_592_000,
            plot_filter_32_height: 20_643_000,
            min_plot_strength: 2,
            max_plot_strength: 17,
            plot_filter_v2_relative_height: super::BASE_FILTER_RELATIVE_HEIGHTS.to_vec(),
            filter_window_size: 16,
            max_effective_plot_filter_bits: 13,
            testnet: false,
        }
    }

    /// Mainnet: `DEFAULT_CONSTANTS` with `initial-config.yaml`'s mainnet overrides.
    pub fn mainnet() -> Self {
        let mut constants = Self::default_constants();
        constants.genesis_challenge = MAINNET_GENESIS_CHALLENGE;
        constants
    }

    /// testnet11 as `chia init` configures it (`initial-config.yaml` plus
    /// `update_testnet_overrides`).
    pub fn testnet11() -> Self {
        // The config's own values; applying them cannot fail.
        Self::for_network("testnet11", &testnet11_overrides()).unwrap_or_else(|_| Self::mainnet())
    }

    /// The constants of `network_id` with the config's `overrides` for it, the way chia's services
    /// build them: `update_testnet_overrides` defaults first, then every override by name.
    pub fn for_network(
        network_id: &str,
        overrides: &[(String, OverrideValue)],
    ) -> Result<Self, ConsensusError> {
        let given = |name: &str| overrides.iter().any(|(n, _)| n == name);
        let mut constants = Self::default_constants();
        if network_id != "mainnet" && !given("TESTNET") {
            constants.testnet = true;
        }
        if matches!(network_id, "testnet11" | "testneta") {
            if !given("PLOT_SIZE_V2") {
                constants.plot_size_v2 = 28;
            }
            if !given("SOFT_FORK8_HEIGHT") {
                constants.soft_fork8_height = 3_755_000;
            }
            if !given("SOFT_FORK9_HEIGHT") {
                constants.soft_fork9_height = 3_924_000;
            }
        }
        if network_id == SIM_NETWORK {
            for (name, value) in sim_overrides() {
                if !given(&name) {
                    constants.apply_override(&name, &value)?;
                }
            }
        }
        if network_id == "testneta" {
            if !given("HARD_FORK_HEIGHT") {
                constants.hard_fork_height = 3_693_395;
            }
            if !given("MIN_PLOT_SIZE_V1") {
                constants.min_plot_size_v1 = 18;
            }
        }
        for (name, value) in overrides {
            // Legacy names lose to the new name when both are given.
            let name = match name.as_str() {
                "MIN_PLOT_SIZE" if given("MIN_PLOT_SIZE_V1") => continue,
                "MAX_PLOT_SIZE" if given("MAX_PLOT_SIZE_V1") => continue,
                "MIN_PLOT_SIZE" => "MIN_PLOT_SIZE_V1",
                "MAX_PLOT_SIZE" => "MAX_PLOT_SIZE_V1",
                other => other,
            };
            constants.apply_override(name, value)?;
        }
        Ok(constants)
    }

    /// Sets the constant called `name` (chia's upper-case name) to `value`.
    pub fn apply_override(
        &mut self,
        name: &str,
        value: &OverrideValue,
    ) -> Result<OverrideOutcome, ConsensusError> {
        macro_rules! int {
            ($field:ident) => {
                self.$field = int_value(name, value)?
            };
        }
        macro_rules! bytes {
            ($field:ident) => {
                self.$field = bytes32_value(name, value)?
            };
        }
        match name {
            "SLOT_BLOCKS_TARGET" => int!(slot_blocks_target),
            "MIN_BLOCKS_PER_CHALLENGE_BLOCK" => int!(min_blocks_per_challenge_block),
            "MAX_SUB_SLOT_BLOCKS" => int!(max_sub_slot_blocks),
            "NUM_SPS_SUB_SLOT" => int!(num_sps_sub_slot),
            "SUB_SLOT_ITERS_STARTING" => int!(sub_slot_iters_starting),
            "DIFFICULTY_CONSTANT_FACTOR" => int!(difficulty_constant_factor),
            "DIFFICULTY_STARTING" => int!(difficulty_starting),
            "DIFFICULTY_CHANGE_MAX_FACTOR" => int!(difficulty_change_max_factor),
            "SUB_EPOCH_BLOCKS" => int!(sub_epoch_blocks),
            "EPOCH_BLOCKS" => int!(epoch_blocks),
            "SIGNIFICANT_BITS" => int!(significant_bits),
            "NUMBER_ZERO_BITS_PLOT_FILTER_V1" => int!(number_zero_bits_plot_filter_v1),
            "NUMBER_ZERO_BITS_PLOT_FILTER_V2" => int!(number_zero_bits_plot_filter_v2),
            "MIN_PLOT_SIZE_V1" => int!(min_plot_size_v1),
            "MAX_PLOT_SIZE_V1" => int!(max_plot_size_v1),
            "PLOT_SIZE_V2" => int!(plot_size_v2),
            "SUB_SLOT_TIME_TARGET" => int!(sub_slot_time_target),
            "NUM_SP_INTERVALS_EXTRA" => int!(num_sp_intervals_extra),
            "MAX_FUTURE_TIME2" => int!(max_future_time2),
            "NUMBER_OF_TIMESTAMPS" => int!(number_of_timestamps),
            "GENESIS_CHALLENGE" => bytes!(genesis_challenge),
            "AGG_SIG_ME_ADDITIONAL_DATA" => bytes!(agg_sig_me_additional_data),
            "GENESIS_PRE_FARM_POOL_PUZZLE_HASH" => bytes!(genesis_pre_farm_pool_puzzle_hash),
            "GENESIS_PRE_FARM_FARMER_PUZZLE_HASH" => bytes!(genesis_pre_farm_farmer_puzzle_hash),
            "POOL_SUB_SLOT_ITERS" => int!(pool_sub_slot_iters),
            "HARD_FORK_HEIGHT" => int!(hard_fork_height),
            "HARD_FORK2_HEIGHT" => int!(hard_fork2_height),
            "SOFT_FORK8_HEIGHT" => int!(soft_fork8_height),
            "SOFT_FORK9_HEIGHT" => int!(soft_fork9_height),
            "PLOT_V1_PHASE_OUT_EPOCH_BITS" => int!(plot_v1_phase_out_epoch_bits),
            "PLOT_FILTER_128_HEIGHT" => int!(plot_filter_128_height),
            "PLOT_FILTER_64_HEIGHT" => int!(plot_filter_64_height),
            "PLOT_FILTER_32_HEIGHT" => int!(plot_filter_32_height),
            "MIN_PLOT_STRENGTH" => int!(min_plot_strength),
            "MAX_PLOT_STRENGTH" => int!(max_plot_strength),
            "FILTER_WINDOW_SIZE" => int!(filter_window_size),
            "MAX_EFFECTIVE_PLOT_FILTER_BITS" => int!(max_effective_plot_filter_bits),
            "PLOT_FILTER_V2_RELATIVE_HEIGHT" => {
                let OverrideValue::IntList(items) = value else {
                    return Err(bad(name, "expected a list of integers"));
                };
                self.plot_filter_v2_relative_height = items
                    .iter()
                    .map(|&item| u32::try_from(item).map_err(|_| bad(name, "out of range")))
                    .collect::<Result<_, _>>()?;
            }
            "TESTNET" => match value {
                OverrideValue::Bool(flag) => self.testnet = *flag,
                _ => return Err(bad(name, "expected a boolean")),
            },
            _ => return Ok(OverrideOutcome::Ignored),
        }
        Ok(OverrideOutcome::Applied)
    }
}

/// The id of Sickle's local simulation network (not a chia network).
pub const SIM_NETWORK: &str = "sim";

/// The defaults of Sickle's `sim` network, applied by [`ConsensusConstants::for_network`] under
/// the root's own overrides: chia's mainnet defaults, but k ≥ 18 plots, 2^26 sub-slot
/// iterations, difficulty 1 and a difficulty constant factor of 2^42 (instead of 2^67), so a
/// k=18 plot that passes the filter usually has a proof good enough for a block. A chia service
/// on a `sim` root needs the same values in its `network_overrides.constants.sim`.
pub fn sim_overrides() -> Vec<(String, OverrideValue)> {
    [
        ("MIN_PLOT_SIZE_V1", 18),
        ("SUB_SLOT_ITERS_STARTING", 1 << 26),
        ("DIFFICULTY_STARTING", 1),
        ("HARD_FORK_HEIGHT", 0),
        ("DIFFICULTY_CONSTANT_FACTOR", 1 << 42),
    ]
    .into_iter()
    .map(|(name, value)| (name.to_owned(), OverrideValue::Int(value)))
    .collect()
}

/// `network_overrides.constants.testnet11` of chia 2.7.5's `initial-config.yaml`.
pub fn testnet11_overrides() -> Vec<(String, OverrideValue)> {
    let hex = |s: &str| OverrideValue::Str(s.to_owned());
    let int = OverrideValue::Int;
    [
        (
            "AGG_SIG_ME_ADDITIONAL_DATA",
            hex("37a90eb5185a9c4439a91ddc98bbadce7b4feba060d50116a067de66bf236615"),
        ),
        ("DIFFICULTY_CONSTANT_FACTOR", int(10_052_721_566_054)),
        ("DIFFICULTY_STARTING", int(30)),
        ("EPOCH_BLOCKS", int(768)),
        (
            "GENESIS_CHALLENGE",
            hex("37a90eb5185a9c4439a91ddc98bbadce7b4feba060d50116a067de66bf236615"),
        ),
        (
            "GENESIS_PRE_FARM_FARMER_PUZZLE_HASH",
            hex("08296fc227decd043aee855741444538e4cc9a31772c4d1a9e6242d1e777e42a"),
        ),
        (
            "GENESIS_PRE_FARM_POOL_PUZZLE_HASH",
            hex("3ef7c233fc0785f3c0cae5992c1d35e7c955ca37a423571c1607ba392a9d12f7"),
        ),
        ("MEMPOOL_BLOCK_BUFFER", int(10)),
        ("MIN_PLOT_SIZE_V1", int(18)),
        ("NETWORK_TYPE", int(1)),
        ("SUB_SLOT_ITERS_STARTING", int(67_108_864)),
        ("HARD_FORK_HEIGHT", int(0)),
        ("SOFT_FORK8_HEIGHT", int(3_755_000)),
        ("SOFT_FORK9_HEIGHT", int(3_924_000)),
        ("PLOT_FILTER_128_HEIGHT", int(6_029_568)),
        ("PLOT_FILTER_64_HEIGHT", int(11_075_328)),
        ("PLOT_FILTER_32_HEIGHT", int(16_121_088)),
    ]
    .into_iter()
    .map(|(name, value)| (name.to_owned(), value))
    .collect()
}

fn bad(name: &str, reason: &'static str) -> ConsensusError {
    ConsensusError::BadOverride {
        name: name.to_owned(),
        reason,
    }
}

fn int_value<T: TryFrom<i128>>(name: &str, value: &OverrideValue) -> Result<T, ConsensusError> {
    match value {
        OverrideValue::Int(n) => T::try_from(*n).map_err(|_| bad(name, "integer out of range")),
        _ => Err(bad(name, "expected an integer")),
    }
}

fn bytes32_value(name: &str, value: &OverrideValue) -> Result<[u8; 32], ConsensusError> {
    let OverrideValue::Str(text) = value else {
        return Err(bad(name, "expected a hex string"));
    };
    let digits = text
        .strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))
        .unwrap_or(text);
    if digits.len() != 64 || !digits.bytes().all(|c| c.is_ascii_hexdigit()) {
        return Err(bad(name, "expected 32 bytes of hex"));
    }
    Ok(hex32(digits))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn testnet11_matches_the_spec_table() {
        let t = ConsensusConstants::testnet11();
        assert_eq!(t.min_plot_size_v1, 18);
        assert_eq!(t.hard_fork_height, 0);
        assert_eq!(t.sub_slot_iters_starting, 1 << 26);
        assert_eq!(t.difficulty_constant_factor, 10_052_721_566_054);
        assert_eq!(t.epoch_blocks, 768);
        assert_eq!(t.soft_fork9_height, 3_924_000);
        assert!(t.testnet);
        assert_eq!(t.genesis_challenge[0], 0x37);
        let m = ConsensusConstants::mainnet();
        assert!(!m.testnet);
        assert_eq!(m.genesis_challenge, MAINNET_GENESIS_CHALLENGE);
    }

    #[test]
    fn overrides_by_name() {
        let overrides = vec![
            ("MIN_PLOT_SIZE".to_owned(), OverrideValue::Int(20)),
            (
                "NUMBER_ZERO_BITS_PLOT_FILTER_V1".to_owned(),
                OverrideValue::Int(0),
            ),
            ("SOMETHING_ELSE".to_owned(), OverrideValue::Int(1)),
            ("TESTNET".to_owned(), OverrideValue::Bool(false)),
        ];
        let c = ConsensusConstants::for_network("custom", &overrides);
        let c = c.ok().filter(|c| c.min_plot_size_v1 == 20);
        assert!(c.is_some_and(|c| c.number_zero_bits_plot_filter_v1 == 0 && !c.testnet));

        let mut c = ConsensusConstants::mainnet();
        assert!(
            c.apply_override("EPOCH_BLOCKS", &OverrideValue::Int(-1))
                .is_err()
        );
        assert!(
            c.apply_override("NUM_SPS_SUB_SLOT", &OverrideValue::Int(256))
                .is_err()
        );
        let short = OverrideValue::Str("0xabcd".to_owned());
        assert!(c.apply_override("GENESIS_CHALLENGE", &short).is_err());
        let prefixed = OverrideValue::Str(format!("0x{}", "11".repeat(32)));
        assert_eq!(
            c.apply_override("GENESIS_CHALLENGE", &prefixed),
            Ok(OverrideOutcome::Applied)
        );
        assert_eq!(c.genesis_challenge, [0x11; 32]);
        assert_eq!(
            c.apply_override("MEMPOOL_BLOCK_BUFFER", &OverrideValue::Int(3)),
            Ok(OverrideOutcome::Ignored)
        );
    }
}
