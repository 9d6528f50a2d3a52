//! Consensus constants for a network id, built from a chia root's YAML the way chia-blockchain
//! 2.7.5's farmer builds them (chia/farmer/start_farmer.py). The constants, the override rules,
//! Sickle's local `sim` network and the YAML reader live in `sickle-pos`
//! ([`sickle_pos::consensus::yaml`]), shared with the harvester; they are re-exported here.

pub use sickle_pos::consensus::yaml::{ConstantsError, constants_for_network, overrides_from_yaml};
pub use sickle_pos::consensus::{SIM_NETWORK, sim_overrides};
