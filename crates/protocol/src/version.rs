//! Protocol version strings and the rules that pick a message format from the peer's version
//! (wire.md §8.4, harvester-farmer.md §3).
//!
//! There is no negotiation: each side keeps the string the other sent and derives formats from it.

use std::fmt;
use std::str::FromStr;

use crate::{NodeType, ProtocolError, ProtocolMessageTypes};

/// What chia 2.7.5 harvesters and farmers send as their own version.
pub const PROTOCOL_VERSION: &str = "0.0.38";

/// The version string chia uses towards a node of type `node` (chia `protocol_version`).
///
/// An acceptor answers with the entry for the *remote* node type, not its own.
pub fn protocol_version_for(node: NodeType) -> &'static str {
    match node {
        NodeType::FullNode | NodeType::Timelord | NodeType::Introducer | NodeType::DataLayer => {
            "0.0.36"
        }
        NodeType::Harvester | NodeType::Farmer | NodeType::Wallet => "0.0.38",
        NodeType::Solver => "0.0.37",
    }
}

/// A parsed protocol version such as `0.0.38`, ordered numerically per component.
///
/// chia compares PEP 440 versions; the versions peers actually send are dotted decimals, so this
/// accepts exactly those and refuses the rest (chia would fail such a handshake). Trailing zero
/// components compare equal, as in PEP 440 (`0.0.38 == 0.0.38.0`).
#[derive(Debug, Clone)]
pub struct ProtocolVersion {
    parts: Vec<u64>,
}

impl ProtocolVersion {
    /// `major.minor.patch` from integers.
    pub fn new(major: u64, minor: u64, patch: u64) -> Self {
        Self {
            parts: vec![major, minor, patch],
        }
    }

    /// The version 2.7.5 harvesters and farmers send, [`PROTOCOL_VERSION`].
    pub fn current() -> Self {
        Self::new(0, 0, 38)
    }

    fn significant(&self) -> &[u64] {
        let end = self
            .parts
            .iter()
            .rposition(|part| *part != 0)
            .map_or(0, |last| last + 1);
        self.parts.get(..end).unwrap_or(&[])
    }
}

impl FromStr for ProtocolVersion {
    type Err = ProtocolError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let invalid = || ProtocolError::InvalidVersion(text.to_owned());
        if text.is_empty() || text.len() > 64 {
            return Err(invalid());
        }
        let parts = text
            .split('.')
            .map(|part| {
                if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(invalid());
                }
                part.parse::<u64>().map_err(|_| invalid())
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self { parts })
    }
}

impl fmt::Display for ProtocolVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for part in &self.parts {
            if !first {
                f.write_str(".")?;
            }
            first = false;
            write!(f, "{part}")?;
        }
        Ok(())
    }
}

impl PartialEq for ProtocolVersion {
    fn eq(&self, other: &Self) -> bool {
        self.significant() == other.significant()
    }
}

impl Eq for ProtocolVersion {}

impl PartialOrd for ProtocolVersion {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ProtocolVersion {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.significant().cmp(other.significant())
    }
}

/// Which signage-point message a farmer sends on id 66.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignagePointFormat {
    /// `NewSignagePointHarvester` with `filter_prefix_bits` (peers ≤ 0.0.36).
    V1,
    /// `NewSignagePointHarvester2` (peers ≥ 0.0.38).
    V2,
}

/// The signage-point format for a harvester that announced `peer`; `None` for 0.0.37 (and
/// anything between 0.0.36 and 0.0.38), which chia deliberately sends nothing.
pub fn signage_point_format(peer: &ProtocolVersion) -> Option<SignagePointFormat> {
    if *peer >= ProtocolVersion::new(0, 0, 38) {
        Some(SignagePointFormat::V2)
    } else if *peer <= ProtocolVersion::new(0, 0, 36) {
        Some(SignagePointFormat::V1)
    } else {
        None
    }
}

/// Whether a farmer at `farmer` gets `Plot2`, `plot_sync_loaded2` and `respond_plots2`
/// (chia `supports_new_plot_serialization`: ≥ 0.0.38).
pub fn supports_new_plot_serialization(farmer: &ProtocolVersion) -> bool {
    *farmer >= ProtocolVersion::new(0, 0, 38)
}

/// The id a harvester sends a batch of loaded plots under for a farmer at `farmer`.
pub fn plot_sync_loaded_type(farmer: &ProtocolVersion) -> ProtocolMessageTypes {
    if supports_new_plot_serialization(farmer) {
        ProtocolMessageTypes::PlotSyncLoaded2
    } else {
        ProtocolMessageTypes::PlotSyncLoaded
    }
}

/// The id a harvester answers `request_plots` with for a farmer at `farmer`.
pub fn respond_plots_type(farmer: &ProtocolVersion) -> ProtocolMessageTypes {
    if supports_new_plot_serialization(farmer) {
        ProtocolMessageTypes::RespondPlots2
    } else {
        ProtocolMessageTypes::RespondPlots
    }
}
