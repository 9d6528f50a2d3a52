//! The plot sync receiver: one per harvester connection, exactly as chia-blockchain 2.7.5's
//! `chia/plot_sync/receiver.py` (harvester-farmer §8.4), as a sans-IO state machine.
//!
//! ```text
//! start(initial?) → loaded/loaded2 … → removed … → invalid … → keys_missing … → duplicates … → done
//!   every message: identifier.sync_id == current sync_id, message_id == next_message_id
//!   (start: only message_id), answered by PlotSyncResponse(identifier echoed, type, error?)
//! ```
//!
//! Only identifiers are checked, not the order of message kinds; like chia, a batch that fails
//! half way keeps the entries staged before the failing one. Changes reach the visible state only
//! on `done`.

use std::collections::{HashMap, HashSet};

use sickle_pos::consensus::{expected_plot_size_v1, expected_plot_size_v2};
use sickle_pos::{ConsensusConstants, ConsensusError};

/// chia's `UI_ACTUAL_SPACE_CONSTANT_FACTOR`: effective space per expected plot size.
pub const UI_ACTUAL_SPACE_CONSTANT_FACTOR: f64 = 0.78;

/// `PlotSyncIdentifier`: when the message was sent, which sync it belongs to, its position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SyncIdentifier {
    /// `timestamp`, unix seconds.
    pub timestamp: u64,
    /// `sync_id`.
    pub sync_id: u64,
    /// `message_id`.
    pub message_id: u64,
}

/// One plot as a harvester reports it (`Plot` / `Plot2`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncedPlot {
    /// `filename`: the plot's path on the harvester (the key of the farmer's plot map).
    pub filename: String,
    /// `size`: k for a v1 plot, `0x80 | strength` for v2.
    pub size: u8,
    /// `plot_id`.
    pub plot_id: [u8; 32],
    /// `pool_public_key` (48-byte G1), for solo plots.
    pub pool_public_key: Option<[u8; 48]>,
    /// `pool_contract_puzzle_hash`, for plot NFT plots.
    pub pool_contract_puzzle_hash: Option<[u8; 32]>,
    /// `plot_public_key` (48-byte G1).
    pub plot_public_key: [u8; 48],
    /// `file_size` in bytes.
    pub file_size: u64,
    /// `time_modified`, unix seconds.
    pub time_modified: u64,
    /// `compression_level`.
    pub compression_level: Option<u8>,
    /// `plot_index` (`Plot2` only; 0 for `Plot`).
    pub plot_index: u16,
    /// `meta_group` (`Plot2` only; 0 for `Plot`).
    pub meta_group: u8,
}

impl SyncedPlot {
    /// Expected plot size of this plot's parameters (chia `_expected_plot_size(plot.param())`).
    pub fn expected_size(&self, constants: &ConsensusConstants) -> Result<u64, ConsensusError> {
        if self.size & 0x80 != 0 {
            expected_plot_size_v2(constants)
        } else {
            expected_plot_size_v1(self.size)
        }
    }
}

/// What a plot sync message carries after its identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlotSyncBody {
    /// `plot_sync_start` (78).
    Start {
        /// `initial`: the harvester starts over; the farmer forgets this harvester first.
        initial: bool,
        /// `last_sync_id`: the last sync the harvester saw acknowledged.
        last_sync_id: u64,
        /// `plot_file_count`.
        plot_file_count: u32,
        /// `harvesting_mode`: 1 CPU, 2 GPU; anything else is refused.
        harvesting_mode: u8,
    },
    /// `plot_sync_loaded` (79, `v2 = false`) or `plot_sync_loaded2` (112, `v2 = true`).
    Loaded {
        /// The plots newly loaded.
        plots: Vec<SyncedPlot>,
        /// `final`.
        last: bool,
        /// Sent as `PlotSyncPlotList2`.
        v2: bool,
    },
    /// `plot_sync_removed` (80).
    Removed {
        /// Paths of plots gone since the last sync.
        paths: Vec<String>,
        /// `final`.
        last: bool,
    },
    /// `plot_sync_invalid` (81): the complete failed-to-open list.
    Invalid {
        /// Paths.
        paths: Vec<String>,
        /// `final`.
        last: bool,
    },
    /// `plot_sync_keys_missing` (82): the complete keys-missing list.
    KeysMissing {
        /// Paths.
        paths: Vec<String>,
        /// `final`.
        last: bool,
    },
    /// `plot_sync_duplicates` (83): the complete duplicates list.
    Duplicates {
        /// Paths.
        paths: Vec<String>,
        /// `final`.
        last: bool,
    },
    /// `plot_sync_done` (84).
    Done {
        /// `duration` of the refresh, whole seconds.
        duration: u64,
    },
}

impl PlotSyncBody {
    /// The message type id the response echoes.
    pub fn message_type(&self) -> i16 {
        match self {
            Self::Start { .. } => 78,
            Self::Loaded { v2: false, .. } => 79,
            Self::Loaded { v2: true, .. } => 112,
            Self::Removed { .. } => 80,
            Self::Invalid { .. } => 81,
            Self::KeysMissing { .. } => 82,
            Self::Duplicates { .. } => 83,
            Self::Done { .. } => 84,
        }
    }
}

/// chia's plot sync `ErrorCodes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PlotSyncErrorCode {
    /// Any other failure (e.g. a bad harvesting mode).
    Unknown,
    /// `invalid_identifier`.
    InvalidIdentifier,
    /// `invalid_last_sync_id`.
    InvalidLastSyncId,
    /// `plot_already_available`.
    PlotAlreadyAvailable,
    /// `plot_not_available`.
    PlotNotAvailable,
    /// `sync_ids_match`.
    SyncIdsMatch,
}

impl PlotSyncErrorCode {
    /// The `int16` code on the wire.
    pub fn code(self) -> i16 {
        match self {
            Self::Unknown => -1,
            Self::InvalidIdentifier => 2,
            Self::InvalidLastSyncId => 3,
            Self::PlotAlreadyAvailable => 5,
            Self::PlotNotAvailable => 6,
            Self::SyncIdsMatch => 7,
        }
    }
}

/// `PlotSyncError` of a response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlotSyncFailure {
    /// The error code.
    pub code: PlotSyncErrorCode,
    /// Free text, in chia's wording.
    pub message: String,
    /// Only for `invalid_identifier`: (received timestamp, current sync id, next message id).
    pub expected_identifier: Option<SyncIdentifier>,
}

/// `PlotSyncResponse`: sent for every plot sync message, valid or not, without a message id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlotSyncAnswer {
    /// The received identifier, unchanged.
    pub identifier: SyncIdentifier,
    /// The received message's type id.
    pub message_type: i16,
    /// Why the message was refused.
    pub error: Option<PlotSyncFailure>,
}

/// The sync in progress (chia's `Sync`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncProgress {
    /// `sync_id`; 0 = no sync in progress.
    pub sync_id: u64,
    /// The message id expected next.
    pub next_message_id: u64,
    /// Plots and paths processed in this sync.
    pub plots_processed: u32,
    /// `plot_file_count` of the start message.
    pub plots_total: u32,
    /// Unix seconds of `done` (for the last sync).
    pub time_done: Option<u64>,
}

/// A list of paths in arrival order with a set for the repeat checks (chia checks `in` a list,
/// which a large list from a hostile harvester would make quadratic).
#[derive(Debug, Clone, Default)]
struct PathList {
    items: Vec<String>,
    seen: HashSet<String>,
}

impl PathList {
    fn contains(&self, path: &str) -> bool {
        self.seen.contains(path)
    }

    fn push(&mut self, path: &str) {
        self.seen.insert(path.to_owned());
        self.items.push(path.to_owned());
    }
}

#[derive(Debug, Clone, Default)]
struct Staged {
    additions: Vec<SyncedPlot>,
    addition_names: HashSet<String>,
    removals: PathList,
    invalid: PathList,
    keys_missing: PathList,
    duplicates: PathList,
}

/// The farmer's plot sync state for one harvester.
#[derive(Debug, Clone)]
pub struct PlotSyncReceiver {
    constants: ConsensusConstants,
    current: SyncProgress,
    last: SyncProgress,
    staged: Staged,
    plots: HashMap<String, SyncedPlot>,
    /// Insertion order of `plots` (chia's dict order), for the effective size sum.
    order: Vec<String>,
    invalid: Vec<String>,
    keys_missing: Vec<String>,
    duplicates: Vec<String>,
    total_plot_size: u64,
    total_effective_plot_size: u64,
    harvesting_mode: Option<u8>,
}

fn failure(code: PlotSyncErrorCode, message: String) -> PlotSyncFailure {
    PlotSyncFailure {
        code,
        message,
        expected_identifier: None,
    }
}

fn identifier_text(id: &SyncIdentifier) -> String {
    format!(
        "PlotSyncIdentifier(timestamp={}, sync_id={}, message_id={})",
        id.timestamp, id.sync_id, id.message_id
    )
}

impl PlotSyncReceiver {
    /// A receiver for a newly connected harvester.
    pub fn new(constants: ConsensusConstants) -> Self {
        Self {
            constants,
            current: SyncProgress::default(),
            last: SyncProgress::default(),
            staged: Staged::default(),
            plots: HashMap::new(),
            order: Vec::new(),
            invalid: Vec::new(),
            keys_missing: Vec::new(),
            duplicates: Vec::new(),
            total_plot_size: 0,
            total_effective_plot_size: 0,
            harvesting_mode: None,
        }
    }

    /// Forgets everything about the harvester (chia `reset`).
    pub fn reset(&mut self) {
        *self = Self::new(self.constants.clone());
    }

    /// Handles one message; `now` (unix seconds) becomes the sync's completion time on `done`.
    pub fn handle(
        &mut self,
        identifier: SyncIdentifier,
        body: &PlotSyncBody,
        now: u64,
    ) -> PlotSyncAnswer {
        let error = self.process(&identifier, body, now).err();
        if let Some(error) = &error {
            tracing::warn!(
                code = error.code.code(),
                message = %error.message,
                "plot sync message refused"
            );
        }
        PlotSyncAnswer {
            identifier,
            message_type: body.message_type(),
            error,
        }
    }

    fn validate_identifier(
        &self,
        identifier: &SyncIdentifier,
        start: bool,
    ) -> Result<(), PlotSyncFailure> {
        let message_id_match = identifier.message_id == self.current.next_message_id;
        let sync_id_match = identifier.sync_id == self.current.sync_id;
        if message_id_match && (start || sync_id_match) {
            return Ok(());
        }
        let expected = SyncIdentifier {
            timestamp: identifier.timestamp,
            sync_id: self.current.sync_id,
            message_id: self.current.next_message_id,
        };
        Err(PlotSyncFailure {
            code: PlotSyncErrorCode::InvalidIdentifier,
            message: format!(
                "Invalid identifier: Actual {}, Expected {}",
                identifier_text(identifier),
                identifier_text(&expected)
            ),
            expected_identifier: Some(expected),
        })
    }

    fn process(
        &mut self,
        identifier: &SyncIdentifier,
        body: &PlotSyncBody,
        now: u64,
    ) -> Result<(), PlotSyncFailure> {
        match body {
            PlotSyncBody::Start {
                initial,
                last_sync_id,
                plot_file_count,
                harvesting_mode,
            } => {
                if *initial {
                    self.reset();
                }
                self.validate_identifier(identifier, true)?;
                if *last_sync_id != self.last.sync_id {
                    return Err(failure(
                        PlotSyncErrorCode::InvalidLastSyncId,
                        format!(
                            "Invalid last-sync-id: Actual {last_sync_id}, Expected {}",
                            self.last.sync_id
                        ),
                    ));
                }
                if *last_sync_id == identifier.sync_id {
                    return Err(failure(
                        PlotSyncErrorCode::SyncIdsMatch,
                        format!("idle: Sync ids are equal - {last_sync_id}"),
                    ));
                }
                self.current.sync_id = identifier.sync_id;
                self.staged = Staged::default();
                self.current.plots_total = *plot_file_count;
                // chia builds HarvestingMode(mode) after the fields above, so a bad mode leaves
                // them set and the message id unbumped.
                if !matches!(harvesting_mode, 1 | 2) {
                    return Err(failure(
                        PlotSyncErrorCode::Unknown,
                        format!("{harvesting_mode} is not a valid HarvestingMode"),
                    ));
                }
                self.harvesting_mode = Some(*harvesting_mode);
            }
            PlotSyncBody::Loaded { plots, .. } => {
                self.validate_identifier(identifier, false)?;
                for plot in plots {
                    if self.plots.contains_key(&plot.filename)
                        || self.staged.addition_names.contains(&plot.filename)
                    {
                        return Err(failure(
                            PlotSyncErrorCode::PlotAlreadyAvailable,
                            format!("loaded: Plot already available - {}", plot.filename),
                        ));
                    }
                    self.staged.addition_names.insert(plot.filename.clone());
                    self.staged.additions.push(plot.clone());
                    self.current.plots_processed = self.current.plots_processed.saturating_add(1);
                }
            }
            PlotSyncBody::Removed { paths, .. } => {
                self.validate_identifier(identifier, false)?;
                for path in paths {
                    if !self.plots.contains_key(path) || self.staged.removals.contains(path) {
                        return Err(failure(
                            PlotSyncErrorCode::PlotNotAvailable,
                            format!("removed: Plot not available - {path}"),
                        ));
                    }
                    self.staged.removals.push(path);
                }
            }
            PlotSyncBody::Invalid { paths, .. } => {
                self.validate_identifier(identifier, false)?;
                let staged = &mut self.staged.invalid;
                stage_paths(staged, paths, "invalid", &mut self.current.plots_processed)?;
            }
            PlotSyncBody::KeysMissing { paths, .. } => {
                self.validate_identifier(identifier, false)?;
                let staged = &mut self.staged.keys_missing;
                stage_paths(
                    staged,
                    paths,
                    "keys_missing",
                    &mut self.current.plots_processed,
                )?;
            }
            PlotSyncBody::Duplicates { paths, .. } => {
                self.validate_identifier(identifier, false)?;
                let staged = &mut self.staged.duplicates;
                stage_paths(
                    staged,
                    paths,
                    "duplicates",
                    &mut self.current.plots_processed,
                )?;
            }
            PlotSyncBody::Done { .. } => {
                self.validate_identifier(identifier, false)?;
                self.current.time_done = Some(now);
                self.apply_staged()?;
                self.last = std::mem::take(&mut self.current);
                self.staged = Staged::default();
                return Ok(());
            }
        }
        self.current.next_message_id = self.current.next_message_id.saturating_add(1);
        Ok(())
    }

    fn apply_staged(&mut self) -> Result<(), PlotSyncFailure> {
        let staged = std::mem::take(&mut self.staged);
        for plot in staged.additions {
            if self
                .plots
                .insert(plot.filename.clone(), plot.clone())
                .is_none()
            {
                self.order.push(plot.filename);
            }
        }
        for removal in &staged.removals.items {
            self.plots.remove(removal);
        }
        self.order.retain(|name| !staged.removals.contains(name));
        self.invalid = staged.invalid.items;
        self.keys_missing = staged.keys_missing.items;
        self.duplicates = staged.duplicates.items;
        self.total_plot_size = self
            .plots
            .values()
            .fold(0u64, |sum, plot| sum.saturating_add(plot.file_size));
        let mut effective = 0f64;
        for name in &self.order {
            if let Some(plot) = self.plots.get(name) {
                let size = plot
                    .expected_size(&self.constants)
                    .map_err(|error| failure(PlotSyncErrorCode::Unknown, error.to_string()))?;
                effective += UI_ACTUAL_SPACE_CONSTANT_FACTOR * size as f64;
            }
        }
        // Python's int() of a non-negative float: truncation.
        self.total_effective_plot_size = effective as u64;
        Ok(())
    }

    /// Plots of the last completed sync, by filename.
    pub fn plots(&self) -> &HashMap<String, SyncedPlot> {
        &self.plots
    }

    /// The failed-to-open list of the last completed sync.
    pub fn invalid(&self) -> &[String] {
        &self.invalid
    }

    /// The keys-missing list of the last completed sync.
    pub fn keys_missing(&self) -> &[String] {
        &self.keys_missing
    }

    /// The duplicates list of the last completed sync.
    pub fn duplicates(&self) -> &[String] {
        &self.duplicates
    }

    /// Σ `file_size` of the plots.
    pub fn total_plot_size(&self) -> u64 {
        self.total_plot_size
    }

    /// Σ 0.78 · expected size of the plots, truncated.
    pub fn total_effective_plot_size(&self) -> u64 {
        self.total_effective_plot_size
    }

    /// The harvesting mode of the last accepted start (1 CPU, 2 GPU).
    pub fn harvesting_mode(&self) -> Option<u8> {
        self.harvesting_mode
    }

    /// The sync in progress.
    pub fn current_sync(&self) -> &SyncProgress {
        &self.current
    }

    /// The last completed sync (its `time_done` is the last sync time).
    pub fn last_sync(&self) -> &SyncProgress {
        &self.last
    }

    /// No sync has completed yet.
    pub fn initial_sync(&self) -> bool {
        self.last.sync_id == 0
    }
}

fn stage_paths(
    staged: &mut PathList,
    paths: &[String],
    state: &str,
    processed: &mut u32,
) -> Result<(), PlotSyncFailure> {
    for path in paths {
        if staged.contains(path) {
            return Err(failure(
                PlotSyncErrorCode::PlotAlreadyAvailable,
                format!("{state}: Plot already available - {path}"),
            ));
        }
        staged.push(path);
        *processed = processed.saturating_add(1);
    }
    Ok(())
}

/// Plot ids loaded by more than one harvester, with the harvesters holding each: the farmer-wide
/// duplicates a single harvester cannot see. Keys of `harvesters` are node ids.
pub fn duplicates_across<'a>(
    harvesters: impl IntoIterator<Item = (&'a [u8; 32], &'a PlotSyncReceiver)>,
) -> HashMap<[u8; 32], Vec<[u8; 32]>> {
    let mut holders: HashMap<[u8; 32], Vec<[u8; 32]>> = HashMap::new();
    for (node_id, receiver) in harvesters {
        for plot in receiver.plots().values() {
            let entry = holders.entry(plot.plot_id).or_default();
            if !entry.contains(node_id) {
                entry.push(*node_id);
            }
        }
    }
    holders.retain(|_, nodes| nodes.len() > 1);
    holders
}
