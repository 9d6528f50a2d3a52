//! The committed k18 fixture plots (crates/vectors/data/plots) and their keys, shared by the
//! harvester's integration tests.
#![allow(dead_code, clippy::unwrap_used)]

use std::path::PathBuf;

use sickle_harvester::plot_manager::FarmerKeys;
use sickle_pos::consensus::OverrideValue;
use sickle_pos::{ConsensusConstants, Plot};

/// The solo (pool public key) fixture plot.
pub const SOLO: &str = "k18-solo.plot";
/// The plot NFT (pool contract) fixture plot.
pub const CONTRACT: &str = "k18-contract.plot";

/// The path of a committed fixture plot.
pub fn fixture(name: &str) -> PathBuf {
    sickle_vectors::data_dir().join("plots").join(name)
}

/// The farmer and pool keys of the fixture plots' memos, as a farmer's handshake would send them.
pub fn fixture_keys() -> FarmerKeys {
    let solo = Plot::open(std::fs::read(fixture(SOLO)).unwrap()).unwrap();
    let contract = Plot::open(std::fs::read(fixture(CONTRACT)).unwrap()).unwrap();
    let mut farmer_public_keys = vec![*solo.memo().farmer_public_key()];
    if contract.memo().farmer_public_key() != solo.memo().farmer_public_key() {
        farmer_public_keys.push(*contract.memo().farmer_public_key());
    }
    FarmerKeys {
        farmer_public_keys,
        pool_public_keys: vec![*solo.memo().pool_public_key().unwrap()],
    }
}

/// Mainnet constants with the plot filter off, k=18 allowed and a difficulty factor that makes
/// the fixtures' qualities eligible at difficulty 1.
pub fn constants() -> ConsensusConstants {
    let overrides = [
        ("NUMBER_ZERO_BITS_PLOT_FILTER_V1", 0),
        ("DIFFICULTY_CONSTANT_FACTOR", 1 << 42),
        ("MIN_PLOT_SIZE_V1", 18),
    ]
    .map(|(name, value)| (name.to_owned(), OverrideValue::Int(value)));
    ConsensusConstants::for_network("mainnet", &overrides).unwrap()
}
