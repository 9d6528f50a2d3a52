//! Plot sync: how a harvester streams its plot list to the farmer in batches
//! (chia-blockchain: chia/protocols/harvester_protocol.py, chia/plot_sync/).
//!
//! A sync is `start`, then `loaded`/`loaded2`, `removed`, `invalid`, `keys_missing`,
//! `duplicates` batches, then `done`; the farmer answers every one with a [`PlotSyncResponse`].

use sickle_streamable::Streamable;

use crate::harvester::{Plot, Plot2};
use crate::{ChiaProtocolMessage, ProtocolMessageTypes};

/// Names one plot sync message: which sync, and its place in it.
#[derive(Streamable, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PlotSyncIdentifier {
    /// `timestamp`, unix seconds when the message was made.
    pub timestamp: u64,
    /// `sync_id`: the sync this message belongs to.
    pub sync_id: u64,
    /// `message_id`: 0 for `start`, counting up.
    pub message_id: u64,
}

/// `plot_sync_start` (78).
#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
pub struct PlotSyncStart {
    /// `identifier`.
    pub identifier: PlotSyncIdentifier,
    /// `initial`: the first sync since the harvester connected.
    pub initial: bool,
    /// `last_sync_id`: the sync before this one, 0 if none.
    pub last_sync_id: u64,
    /// `plot_file_count`.
    pub plot_file_count: u32,
    /// `harvesting_mode`: a [`HarvestingMode`] value, kept raw because chia accepts any `uint8`
    /// ([`PlotSyncStart::mode`] gives the enum).
    pub harvesting_mode: u8,
}

impl PlotSyncStart {
    /// `harvesting_mode` as a [`HarvestingMode`], `None` for a value chia does not define.
    pub fn mode(&self) -> Option<HarvestingMode> {
        match self.harvesting_mode {
            1 => Some(HarvestingMode::Cpu),
            2 => Some(HarvestingMode::Gpu),
            _ => None,
        }
    }
}

/// How the harvester looks up proofs (chia `HarvestingMode`, chia/plotting/util.py).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
#[non_exhaustive]
pub enum HarvestingMode {
    /// `CPU` (1).
    Cpu = 1,
    /// `GPU` (2).
    Gpu = 2,
}

/// A batch of paths: `plot_sync_removed` (80), `plot_sync_invalid` (81),
/// `plot_sync_keys_missing` (82) or `plot_sync_duplicates` (83). It has no single id, so it does
/// not implement [`ChiaProtocolMessage`].
#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
pub struct PlotSyncPathList {
    /// `identifier`.
    pub identifier: PlotSyncIdentifier,
    /// `data`: plot file paths.
    pub data: Vec<String>,
    /// `final`: the last batch of this kind.
    pub r#final: bool,
}

/// `plot_sync_loaded` (79): a batch of loaded plots for farmers at ≤ 0.0.36.
#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
pub struct PlotSyncPlotList {
    /// `identifier`.
    pub identifier: PlotSyncIdentifier,
    /// `data`.
    pub data: Vec<Plot>,
    /// `final`: the last batch of loaded plots.
    pub r#final: bool,
}

/// `plot_sync_loaded2` (112): a batch of loaded plots for farmers at ≥ 0.0.38.
#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
pub struct PlotSyncPlotList2 {
    /// `identifier`.
    pub identifier: PlotSyncIdentifier,
    /// `data`.
    pub data: Vec<Plot2>,
    /// `final`: the last batch of loaded plots.
    pub r#final: bool,
}

/// `plot_sync_done` (84).
#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
pub struct PlotSyncDone {
    /// `identifier`.
    pub identifier: PlotSyncIdentifier,
    /// `duration`, seconds the sync took.
    pub duration: u64,
}

/// Why the farmer refused a plot sync message.
#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
pub struct PlotSyncError {
    /// `code`: chia's `ErrorCodes` (plot_sync/exceptions.py).
    pub code: i16,
    /// `message`.
    pub message: String,
    /// `expected_identifier`: what the farmer expected instead.
    pub expected_identifier: Option<PlotSyncIdentifier>,
}

/// `plot_sync_response` (85), farmer → harvester, one per plot sync message.
#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
pub struct PlotSyncResponse {
    /// `identifier`, echoed.
    pub identifier: PlotSyncIdentifier,
    /// `message_type`: the id of the message answered.
    pub message_type: i16,
    /// `error`, `None` on success.
    pub error: Option<PlotSyncError>,
}

impl ChiaProtocolMessage for PlotSyncStart {
    const MSG_TYPE: ProtocolMessageTypes = ProtocolMessageTypes::PlotSyncStart;
}

impl ChiaProtocolMessage for PlotSyncPlotList {
    const MSG_TYPE: ProtocolMessageTypes = ProtocolMessageTypes::PlotSyncLoaded;
}

impl ChiaProtocolMessage for PlotSyncPlotList2 {
    const MSG_TYPE: ProtocolMessageTypes = ProtocolMessageTypes::PlotSyncLoaded2;
}

impl ChiaProtocolMessage for PlotSyncDone {
    const MSG_TYPE: ProtocolMessageTypes = ProtocolMessageTypes::PlotSyncDone;
}

impl ChiaProtocolMessage for PlotSyncResponse {
    const MSG_TYPE: ProtocolMessageTypes = ProtocolMessageTypes::PlotSyncResponse;
}
