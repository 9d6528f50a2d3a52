//! Network overrides read from a chia root's `config.yaml` (feature `yaml`): chia builds a
//! service's constants from `DEFAULT_CONSTANTS`, then `update_testnet_overrides`, then
//! `network_overrides.constants[selected_network]` by name (chia/farmer/start_farmer.py and the
//! other `start_*.py`). [`constants_for_network`] does the same from the YAML value of that last
//! mapping, for the farmer and the harvester alike.
//!
//! A known constant with a value of the wrong type is an error naming the key; names Sickle does
//! not model are ignored, as chia ignores names it does not know.

use serde_yaml::Value;
use thiserror::Error;

use super::{ConsensusConstants, ConsensusError, OverrideValue};

/// Network overrides that cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ConstantsError {
    /// The overrides are not a mapping from constant names to values.
    #[error("network overrides for {network:?} are not a mapping of constant names")]
    NotAMapping {
        /// The network id.
        network: String,
    },
    /// A value that is neither an integer, a boolean, a string nor a list of integers.
    #[error("network override {key}: unsupported value {got}")]
    UnsupportedValue {
        /// The constant's name.
        key: String,
        /// The value as YAML.
        got: String,
    },
    /// A value of the wrong type or range for its constant.
    #[error(transparent)]
    Consensus(#[from] ConsensusError),
}

/// The constants of `network` with the YAML `overrides` for it (`None` when the root has none).
pub fn constants_for_network(
    network: &str,
    overrides: Option<&Value>,
) -> Result<ConsensusConstants, ConstantsError> {
    let list = match overrides {
        Some(overrides) => overrides_from_yaml(network, overrides)?,
        None => Vec::new(),
    };
    Ok(ConsensusConstants::for_network(network, &list)?)
}

/// Reads one network's `network_overrides.constants` mapping.
pub fn overrides_from_yaml(
    network: &str,
    overrides: &Value,
) -> Result<Vec<(String, OverrideValue)>, ConstantsError> {
    let not_mapping = || ConstantsError::NotAMapping {
        network: network.to_owned(),
    };
    let map = match overrides {
        Value::Mapping(map) => map,
        Value::Null => return Ok(Vec::new()),
        _ => return Err(not_mapping()),
    };
    map.iter()
        .map(|(key, value)| {
            let key = key.as_str().ok_or_else(not_mapping)?;
            let unsupported = || ConstantsError::UnsupportedValue {
                key: key.to_owned(),
                got: describe(value),
            };
            let value = match value {
                Value::Bool(flag) => OverrideValue::Bool(*flag),
                Value::String(text) => OverrideValue::Str(text.clone()),
                Value::Number(_) => OverrideValue::Int(integer(value).ok_or_else(unsupported)?),
                Value::Sequence(items) => OverrideValue::IntList(
                    items
                        .iter()
                        .map(integer)
                        .collect::<Option<_>>()
                        .ok_or_else(unsupported)?,
                ),
                _ => return Err(unsupported()),
            };
            Ok((key.to_owned(), value))
        })
        .collect()
}

fn integer(value: &Value) -> Option<i128> {
    value
        .as_i64()
        .map(i128::from)
        .or_else(|| value.as_u64().map(i128::from))
}

fn describe(value: &Value) -> String {
    serde_yaml::to_string(value)
        .map(|text| text.trim_end().to_owned())
        .unwrap_or_else(|_| "an unprintable value".to_owned())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::consensus::{SIM_NETWORK, prefix_bits};

    fn yaml(text: &str) -> Value {
        serde_yaml::from_str(text).unwrap()
    }

    #[test]
    fn testnet11_overrides_apply() {
        let overrides = yaml(
            "DIFFICULTY_CONSTANT_FACTOR: 10052721566054\nMIN_PLOT_SIZE_V1: 18\nHARD_FORK_HEIGHT: 0\n\
             NETWORK_TYPE: 1\nMEMPOOL_BLOCK_BUFFER: 10\nSOME_FUTURE_KEY: 3\n\
             GENESIS_CHALLENGE: 37a90eb5185a9c4439a91ddc98bbadce7b4feba060d50116a067de66bf236615\n",
        );
        let testnet = constants_for_network("testnet11", Some(&overrides)).unwrap();
        assert_eq!(testnet.difficulty_constant_factor, 10_052_721_566_054);
        assert_eq!(testnet.min_plot_size_v1, 18);
        assert_eq!(testnet.hard_fork_height, 0);
        assert_eq!(testnet.soft_fork9_height, 3_924_000);
        assert_eq!(testnet.genesis_challenge[0], 0x37);
        assert!(testnet.testnet);
        assert_eq!(prefix_bits(&testnet, 0), 8);
    }

    #[test]
    fn sim_network_allows_small_plots_and_root_overrides_win() {
        let sim = constants_for_network(SIM_NETWORK, None).unwrap();
        assert_eq!(sim.min_plot_size_v1, 18);
        assert_eq!(sim.difficulty_starting, 1);
        assert!(sim.testnet);
        let sim = constants_for_network(SIM_NETWORK, Some(&yaml("MIN_PLOT_SIZE_V1: 20"))).unwrap();
        assert_eq!(sim.min_plot_size_v1, 20);
        let lists = yaml("PLOT_FILTER_V2_RELATIVE_HEIGHT: [1, 2, 3]");
        let sim = constants_for_network(SIM_NETWORK, Some(&lists)).unwrap();
        assert_eq!(sim.plot_filter_v2_relative_height, [1, 2, 3]);
    }

    #[test]
    fn wrong_values_name_the_key() {
        let err = constants_for_network("x", Some(&yaml("MIN_PLOT_SIZE_V1: 300"))).unwrap_err();
        assert!(err.to_string().contains("MIN_PLOT_SIZE_V1"), "{err}");
        let err = constants_for_network("x", Some(&yaml("GENESIS_CHALLENGE: abc"))).unwrap_err();
        assert!(err.to_string().contains("GENESIS_CHALLENGE"), "{err}");
        let err = constants_for_network("x", Some(&yaml("TESTNET: 3"))).unwrap_err();
        assert!(err.to_string().contains("TESTNET"), "{err}");
        let err = constants_for_network("x", Some(&yaml("EPOCH_BLOCKS: 1.5"))).unwrap_err();
        assert_eq!(
            err.to_string(),
            "network override EPOCH_BLOCKS: unsupported value 1.5"
        );
        let err = constants_for_network("x", Some(&yaml("[1, 2]"))).unwrap_err();
        assert!(matches!(err, ConstantsError::NotAMapping { .. }));
    }
}
