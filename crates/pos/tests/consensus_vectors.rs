//! The consensus maths against chia-blockchain 2.7.5's own functions, recorded by
//! `xtask/py/gen_consensus.py` (crates/vectors/data/consensus). `null` means chia raised.
#![allow(clippy::unwrap_used)] // tests may unwrap: a failure is the assertion

use serde_json::Value;
use sickle_pos::consensus::{self, ConsensusConstants, OverrideValue, PlotSize};

fn load(name: &str) -> Value {
    let path = format!(
        "{}/../vectors/data/consensus/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn b32(value: &Value) -> [u8; 32] {
    hex::decode(value.as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap()
}

fn int(value: &Value) -> u64 {
    match value {
        Value::String(s) => s.parse().unwrap(),
        other => other.as_u64().unwrap(),
    }
}

fn opt_int(value: &Value) -> Option<u64> {
    (!value.is_null()).then(|| int(value))
}

fn small(value: &Value) -> u8 {
    u8::try_from(value.as_u64().unwrap()).unwrap()
}

/// The networks the generator used: mainnet, testnet11, and mainnet with `HARD_FORK2_HEIGHT` 1000
/// and `EPOCH_BLOCKS` 768 (so the v2 schedule and the v1 phase-out are reachable).
fn network(name: &str) -> ConsensusConstants {
    match name {
        "mainnet" => ConsensusConstants::mainnet(),
        "testnet11" => ConsensusConstants::testnet11(),
        "fork2_at_1000" => {
            let overrides = [
                ("HARD_FORK2_HEIGHT".to_owned(), OverrideValue::Int(1000)),
                ("EPOCH_BLOCKS".to_owned(), OverrideValue::Int(768)),
            ];
            let mut c = ConsensusConstants::for_network("mainnet", &overrides).unwrap();
            c.genesis_challenge = ConsensusConstants::default_constants().genesis_challenge;
            c
        }
        other => panic!("unknown network {other}"),
    }
}

#[test]
fn constants_match_chia() {
    let doc = load("constants.json");
    for net in ["mainnet", "testnet11"] {
        let c = network(net);
        let want = &doc["networks"][net];
        let ints: [(&str, u128); 23] = [
            ("NUM_SPS_SUB_SLOT", c.num_sps_sub_slot.into()),
            ("SUB_SLOT_ITERS_STARTING", c.sub_slot_iters_starting.into()),
            ("DIFFICULTY_CONSTANT_FACTOR", c.difficulty_constant_factor),
            ("DIFFICULTY_STARTING", c.difficulty_starting.into()),
            ("EPOCH_BLOCKS", c.epoch_blocks.into()),
            ("SUB_EPOCH_BLOCKS", c.sub_epoch_blocks.into()),
            (
                "NUMBER_ZERO_BITS_PLOT_FILTER_V1",
                c.number_zero_bits_plot_filter_v1.into(),
            ),
            (
                "NUMBER_ZERO_BITS_PLOT_FILTER_V2",
                c.number_zero_bits_plot_filter_v2.into(),
            ),
            ("MIN_PLOT_SIZE_V1", c.min_plot_size_v1.into()),
            ("MAX_PLOT_SIZE_V1", c.max_plot_size_v1.into()),
            ("PLOT_SIZE_V2", c.plot_size_v2.into()),
            ("SUB_SLOT_TIME_TARGET", c.sub_slot_time_target.into()),
            ("NUM_SP_INTERVALS_EXTRA", c.num_sp_intervals_extra.into()),
            ("POOL_SUB_SLOT_ITERS", c.pool_sub_slot_iters.into()),
            ("HARD_FORK_HEIGHT", c.hard_fork_height.into()),
            ("HARD_FORK2_HEIGHT", c.hard_fork2_height.into()),
            ("SOFT_FORK8_HEIGHT", c.soft_fork8_height.into()),
            ("SOFT_FORK9_HEIGHT", c.soft_fork9_height.into()),
            (
                "PLOT_V1_PHASE_OUT_EPOCH_BITS",
                c.plot_v1_phase_out_epoch_bits.into(),
            ),
            ("PLOT_FILTER_128_HEIGHT", c.plot_filter_128_height.into()),
            ("PLOT_FILTER_64_HEIGHT", c.plot_filter_64_height.into()),
            ("PLOT_FILTER_32_HEIGHT", c.plot_filter_32_height.into()),
            ("MIN_PLOT_STRENGTH", c.min_plot_strength.into()),
        ];
        for (name, got) in ints {
            assert_eq!(want[name].to_string(), got.to_string(), "{net} {name}");
        }
        assert_eq!(
            b32(&want["GENESIS_CHALLENGE"]),
            c.genesis_challenge,
            "{net}"
        );
        assert_eq!(
            b32(&want["AGG_SIG_ME_ADDITIONAL_DATA"]),
            c.agg_sig_me_additional_data
        );
        assert_eq!(want["TESTNET"].as_bool().unwrap(), c.testnet, "{net}");
    }
}

#[test]
fn prefix_bits_and_v1_filter() {
    let doc = load("filter.json");
    for net in ["mainnet", "testnet11"] {
        let c = network(net);
        for row in doc["prefix_bits"][net].as_array().unwrap() {
            let height = u32::try_from(int(&row[0])).unwrap();
            assert_eq!(
                consensus::prefix_bits(&c, height),
                small(&row[1]),
                "{net} {height}"
            );
        }
    }
    let mut passes_9 = 0;
    for row in doc["v1_filter"].as_array().unwrap() {
        let (id, ch, sp) = (b32(&row["id"]), b32(&row["c"]), b32(&row["sp"]));
        assert_eq!(
            consensus::plot_filter_input(&id, &ch, &sp),
            b32(&row["filter"])
        );
        assert_eq!(consensus::pos_challenge(&id, &ch, &sp), b32(&row["pos"]));
        let expected: Vec<u8> = row["passes_bits"]
            .as_array()
            .unwrap()
            .iter()
            .map(small)
            .collect();
        let got: Vec<u8> = (0..=16)
            .filter(|&b| consensus::passes_plot_filter(b, &id, &ch, &sp))
            .collect();
        assert_eq!(got, expected);
        passes_9 += usize::from(got.contains(&9));
    }
    assert!(passes_9 > 5, "vectors should include passing plots");
}

#[test]
fn v2_filter() {
    let doc = load("filter.json");
    for net in ["mainnet", "fork2_at_1000"] {
        let c = network(net);
        for row in doc["v2_base_bits"][net].as_array().unwrap() {
            let height = u32::try_from(int(&row[0])).unwrap();
            assert_eq!(
                consensus::base_plot_filter_bits(&c, height),
                small(&row[1]),
                "{net} {height}"
            );
        }
    }
    let c = network("fork2_at_1000");
    for row in doc["v2_filter_bits_fork2_at_1000"].as_array().unwrap() {
        let height = u32::try_from(int(&row[0])).unwrap();
        let got = consensus::plot_filter_bits(&c, height, small(&row[1])).ok();
        assert_eq!(
            got,
            row[2].as_u64().map(|v| u8::try_from(v).unwrap()),
            "{row}"
        );
    }
    let mut passed = 0;
    for row in doc["v2_filter"].as_array().unwrap() {
        let got = consensus::passes_plot_filter_v2(
            &b32(&row[0]),
            small(&row[1]),
            small(&row[2]),
            &b32(&row[3]),
            small(&row[4]),
        );
        assert_eq!(got, row[5].as_bool().unwrap(), "{row}");
        passed += usize::from(got);
    }
    assert!(passed > 20);
}

#[test]
fn iterations_quality() {
    let doc = load("iterations.json");
    let rows = doc["iterations_quality"].as_array().unwrap();
    let mut overflowed = 0;
    for row in rows {
        let c = network(row["net"].as_str().unwrap());
        let size = match row.get("k") {
            Some(k) => PlotSize::V1 { k: small(k) },
            None => PlotSize::V2 {
                strength: small(&row["strength"]),
            },
        };
        let got = consensus::calculate_iterations_quality(
            &c,
            &b32(&row["q"]),
            size,
            int(&row["difficulty"]),
            &b32(&row["sp"]),
            u32::try_from(int(&row["height"])).unwrap(),
        );
        assert_eq!(
            got.as_ref().ok().copied(),
            opt_int(&row["iters"]),
            "{row} {got:?}"
        );
        overflowed += usize::from(got.is_err());
    }
    assert!(overflowed > 0 && overflowed < rows.len());

    for row in doc["expected_plot_size_v1"].as_array().unwrap() {
        let got = consensus::expected_plot_size_v1(small(&row[0])).ok();
        assert_eq!(got, opt_int(&row[1]), "k={}", row[0]);
    }
    let mainnet = ConsensusConstants::mainnet();
    assert_eq!(
        consensus::expected_plot_size_v2(&mainnet).ok(),
        opt_int(&doc["expected_plot_size_v2"])
    );
}

#[test]
fn signage_point_iterations() {
    let doc = load("iterations.json");
    for row in doc["sp_ip"].as_array().unwrap() {
        let c = network(row["net"].as_str().unwrap());
        let ssi = int(&row["ssi"]);
        let index = small(&row["index"]);
        let required = int(&row["required"]);
        assert_eq!(
            consensus::sp_interval_iters(&c, ssi).ok(),
            opt_int(&row["interval"]),
            "{row}"
        );
        assert_eq!(
            consensus::sp_iters(&c, ssi, index).ok(),
            opt_int(&row["sp_iters"]),
            "{row}"
        );
        assert_eq!(
            consensus::ip_iters(&c, ssi, index, required).ok(),
            opt_int(&row["ip_iters"]),
            "{row}"
        );
        assert_eq!(
            consensus::is_overflow_block(&c, index).ok(),
            row["overflow"].as_bool(),
            "{row}"
        );
    }
}

#[test]
fn v1_phase_out() {
    let doc = load("iterations.json");
    let c = network("fork2_at_1000");
    assert_eq!(
        consensus::v1_cut_off_height(&c).ok(),
        opt_int(&doc["v1_cut_off_height_fork2_at_1000"])
    );
    for row in doc["v1_phase_out_fork2_at_1000"].as_array().unwrap() {
        let proof = hex::decode(row[0].as_str().unwrap()).unwrap();
        let height = u32::try_from(int(&row[1])).unwrap();
        assert_eq!(
            consensus::is_v1_phased_out(&c, &proof, height).ok(),
            row[2].as_bool(),
            "{row}"
        );
    }
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Arbitrary constants (as a config.yaml could set them) and inputs give a value or an
        /// error, never a panic.
        #[test]
        fn consensus_functions(
            num_sps in any::<u8>(),
            extra in any::<u8>(),
            phase_bits in any::<u8>(),
            epoch_blocks in any::<u32>(),
            fork2 in any::<u32>(),
            plot_size_v2 in any::<u8>(),
            factor in any::<u128>(),
            k in any::<u8>(),
            strength in any::<u8>(),
            difficulty in any::<u64>(),
            ssi in any::<u64>(),
            index in any::<u8>(),
            required in any::<u64>(),
            height in any::<u32>(),
            quality in any::<[u8; 32]>(),
        ) {
            let mut c = ConsensusConstants::mainnet();
            c.num_sps_sub_slot = num_sps;
            c.num_sp_intervals_extra = extra;
            c.plot_v1_phase_out_epoch_bits = phase_bits;
            c.epoch_blocks = epoch_blocks;
            c.hard_fork2_height = fork2;
            c.plot_size_v2 = plot_size_v2;
            c.difficulty_constant_factor = factor;
            for size in [PlotSize::V1 { k }, PlotSize::V2 { strength }] {
                let _ = consensus::calculate_iterations_quality(&c, &quality, size, difficulty, &quality, height);
            }
            let _ = consensus::ip_iters(&c, ssi, index, required);
            let _ = consensus::is_overflow_block(&c, index);
            let _ = consensus::is_v1_phased_out(&c, &quality, height);
            let _ = consensus::plot_filter_bits(&c, height, strength);
            let _ = consensus::expected_plot_size_v2(&c);
            let _ = consensus::passes_plot_filter_v2(&quality, index, strength, &quality, index);
            let _ = consensus::passes_plot_filter(strength, &quality, &quality, &quality);
        }
    }
}

#[test]
fn sim_network_defaults_lose_to_the_roots_overrides() {
    let sim = ConsensusConstants::for_network(consensus::SIM_NETWORK, &[]).unwrap();
    assert_eq!(sim.min_plot_size_v1, 18);
    assert_eq!(sim.difficulty_starting, 1);
    assert_eq!(sim.sub_slot_iters_starting, 1 << 26);
    assert_eq!(sim.hard_fork_height, 0);
    assert!(sim.testnet);
    let root = [("MIN_PLOT_SIZE_V1".to_owned(), OverrideValue::Int(20))];
    let sim = ConsensusConstants::for_network(consensus::SIM_NETWORK, &root).unwrap();
    assert_eq!(sim.min_plot_size_v1, 20);
    assert_eq!(sim.difficulty_starting, 1);
    // Other networks do not get the sim defaults.
    let other = ConsensusConstants::for_network("testnet99", &[]).unwrap();
    assert_eq!(
        other.min_plot_size_v1,
        ConsensusConstants::mainnet().min_plot_size_v1
    );
}
