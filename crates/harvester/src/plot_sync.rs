//! The plot sync sender as a sans-IO state machine (harvester-farmer.md §8; chia/plot_sync/sender.py).
//!
//! A sync is a queue of messages sharing one `sync_id`: start, loaded (one per refresh batch that
//! loaded something, plus always the last batch), removed, invalid, keys missing, duplicates,
//! done. They go out stop-and-wait: [`PlotSyncSender::poll_transmit`] hands out the next message
//! only when the previous one was answered. Time is passed in as unix time so tests can script
//! the farmer and the clock:
//!
//! * no valid response within 10 s → pause 10 s, then resend the same message (new timestamp);
//! * an error whose expected identifier points into this sync → continue from that message;
//!   `(0, 0)` right after `done` was sent → the farmer finished, the sync is complete;
//! * any other error → unrecoverable: drop the queue, queue a full resync, pause 10 s.
//!
//! The message *contents* are plain Rust values ([`SyncPayload`]); the service turns them into
//! the wire types of `sickle-protocol`.

use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::plot_manager::{PlotManager, RefreshResult};
use crate::plot_set::LoadedPlot;

/// chia's `Constants.message_timeout`: how long to wait for a response, and to pause after.
pub const MESSAGE_TIMEOUT: Duration = Duration::from_secs(10);

/// `harvesting_mode` for CPU harvesting (2 would be GPU).
pub const HARVESTING_MODE_CPU: u8 = 1;

/// `PlotSyncIdentifier`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncIdentifier {
    /// Unix seconds when the message was (re)sent.
    pub timestamp: u64,
    /// The sync's id.
    pub sync_id: u64,
    /// Position in the sync's sequence.
    pub message_id: u64,
}

/// Message type ids of the plot sync messages (chia's `ProtocolMessageTypes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SyncMessageType {
    /// `plot_sync_start` (78).
    Start = 78,
    /// `plot_sync_loaded` (79), for farmers older than protocol 0.0.37.
    Loaded = 79,
    /// `plot_sync_removed` (80).
    Removed = 80,
    /// `plot_sync_invalid` (81).
    Invalid = 81,
    /// `plot_sync_keys_missing` (82).
    KeysMissing = 82,
    /// `plot_sync_duplicates` (83).
    Duplicates = 83,
    /// `plot_sync_done` (84).
    Done = 84,
    /// `plot_sync_loaded2` (112).
    Loaded2 = 112,
}

impl SyncMessageType {
    /// The wire id.
    pub fn id(self) -> u8 {
        self as u8
    }
}

/// One plot as sent in `plot_sync_loaded`/`loaded2` (chia's `Plot`/`Plot2`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncedPlot {
    /// Absolute path of the plot file.
    pub filename: String,
    /// k for v1 plots.
    pub size: u8,
    /// The plot id.
    pub plot_id: [u8; 32],
    /// Solo plots' pool public key, compressed (decompressed only when a message is encoded).
    pub pool_public_key: Option<[u8; 48]>,
    /// Plot NFT plots' contract puzzle hash.
    pub pool_contract_puzzle_hash: Option<[u8; 32]>,
    /// The plot public key, compressed.
    pub plot_public_key: [u8; 48],
    /// File size in bytes.
    pub file_size: u64,
    /// Modification time, whole unix seconds.
    pub time_modified: u64,
    /// Compression level (0: uncompressed, the only kind Sickle loads).
    pub compression_level: Option<u8>,
}

impl SyncedPlot {
    /// The sync entry of a loaded plot.
    pub fn from_loaded(plot: &LoadedPlot) -> Self {
        Self {
            filename: plot.path.display().to_string(),
            size: plot.k(),
            plot_id: *plot.plot_id(),
            pool_public_key: plot.data().memo.pool_public_key().copied(),
            pool_contract_puzzle_hash: plot.pool_contract_puzzle_hash(),
            plot_public_key: plot.data().plot_public_key,
            file_size: plot.file_size,
            time_modified: plot
                .modified
                .duration_since(UNIX_EPOCH)
                .map_or(0, |since| since.as_secs()),
            compression_level: Some(0),
        }
    }
}

/// The content of one plot sync message (its identifier is added when it is sent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncPayload {
    /// `PlotSyncStart`.
    Start {
        /// First sync since start or reset.
        initial: bool,
        /// The last sync the farmer acknowledged (0 after a reset).
        last_sync_id: u64,
        /// Plot files found (loaded plots for a resync).
        plot_file_count: u32,
        /// 1 = CPU, 2 = GPU.
        harvesting_mode: u8,
    },
    /// `PlotSyncPlotList` / `PlotSyncPlotList2` (the type says which).
    Plots {
        /// Newly loaded plots.
        plots: Vec<SyncedPlot>,
        /// Last message of its kind in this sync.
        last: bool,
    },
    /// `PlotSyncPathList` (removed, invalid, keys missing or duplicates).
    Paths {
        /// Paths.
        paths: Vec<String>,
        /// Last message of its kind in this sync.
        last: bool,
    },
    /// `PlotSyncDone`.
    Done {
        /// Refresh time in whole seconds.
        duration: u64,
    },
}

/// A message to send now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncMessage {
    /// Which message.
    pub message_type: SyncMessageType,
    /// Its identifier, stamped at send time.
    pub identifier: SyncIdentifier,
    /// Its content.
    pub payload: SyncPayload,
}

/// `PlotSyncError`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncResponseError {
    /// chia's `ErrorCodes` value.
    pub code: i16,
    /// Free text.
    pub message: String,
    /// Where the farmer wants the sync to continue (only for `invalid_identifier`).
    pub expected_identifier: Option<SyncIdentifier>,
}

/// `PlotSyncResponse`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncResponse {
    /// The identifier of the message answered, echoed.
    pub identifier: SyncIdentifier,
    /// The type id of the message answered.
    pub message_type: i16,
    /// Set when the farmer rejected the message.
    pub error: Option<SyncResponseError>,
}

/// The harvester's lists as a sync reports them, plus the loaded plots for a resync.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncState {
    /// Every loaded plot.
    pub loaded: Vec<SyncedPlot>,
    /// Failed-to-open paths.
    pub invalid: Vec<PathBuf>,
    /// Keys-missing paths.
    pub keys_missing: Vec<PathBuf>,
    /// Duplicate paths.
    pub duplicates: Vec<PathBuf>,
}

impl SyncState {
    /// The manager's current lists.
    pub fn of(manager: &PlotManager) -> Self {
        Self {
            loaded: manager
                .loaded()
                .iter()
                .map(|plot| SyncedPlot::from_loaded(plot))
                .collect(),
            invalid: manager
                .failed_to_open()
                .map(|(path, _)| path.clone())
                .collect(),
            keys_missing: manager.keys_missing().iter().cloned().collect(),
            duplicates: manager.duplicates(),
        }
    }
}

/// What one refresh contributes to a sync.
#[derive(Debug, Clone, Default)]
pub struct RefreshSync {
    /// Plot files found.
    pub plot_file_count: u32,
    /// Newly loaded plots per batch, in order.
    pub loaded_batches: Vec<Vec<SyncedPlot>>,
    /// Paths removed since the last refresh.
    pub removed: Vec<PathBuf>,
    /// Refresh duration.
    pub duration: Duration,
    /// The manager's state after the refresh.
    pub state: SyncState,
}

impl RefreshSync {
    /// The sync of `result`, the refresh `manager` just did.
    pub fn of(result: &RefreshResult, manager: &PlotManager) -> Self {
        Self {
            plot_file_count: u32::try_from(result.plot_file_count).unwrap_or(u32::MAX),
            loaded_batches: result
                .loaded_batches
                .iter()
                .map(|batch| {
                    batch
                        .iter()
                        .map(|plot| SyncedPlot::from_loaded(plot))
                        .collect()
                })
                .collect(),
            removed: result.removed.clone(),
            duration: result.duration,
            state: SyncState::of(manager),
        }
    }
}

/// A new sync was requested while one is still running; chia's refresh waits in this case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("plot sync {sync_id} is still running; a new sync can only start after it completes")]
pub struct SyncBusy {
    /// The running sync.
    pub sync_id: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wait {
    /// Free to send the next message.
    Ready,
    /// Sent, waiting for its response until `deadline`.
    Response {
        identifier: SyncIdentifier,
        message_type: SyncMessageType,
        deadline: Duration,
    },
    /// Paused after a timeout or failure until `until`.
    Pause { until: Duration },
}

/// The sender.
#[derive(Debug)]
pub struct PlotSyncSender {
    batch_size: usize,
    harvesting_mode: u8,
    /// `Some(loaded2)` while a farmer connection is attached.
    connection: Option<bool>,
    sync_id: u64,
    last_sync_id: u64,
    next_message_id: usize,
    messages: Vec<(SyncMessageType, SyncPayload)>,
    wait: Wait,
    /// Whether the first refresh has been queued (chia's `initial_refresh()` is false after it).
    refreshed: bool,
    state: SyncState,
}

fn unix(now: SystemTime) -> Duration {
    now.duration_since(UNIX_EPOCH).unwrap_or_default()
}

impl PlotSyncSender {
    /// A sender chunking lists by `batch_size` and reporting `harvesting_mode`.
    pub fn new(batch_size: usize, harvesting_mode: u8) -> Self {
        Self {
            batch_size: batch_size.max(1),
            harvesting_mode,
            connection: None,
            sync_id: 0,
            last_sync_id: 0,
            next_message_id: 0,
            messages: Vec::new(),
            wait: Wait::Ready,
            refreshed: false,
            state: SyncState::default(),
        }
    }

    /// A `HarvesterHandshake` arrived on a farmer connection: sync with it from now on.
    /// `loaded2` is whether the farmer's protocol version takes `plot_sync_loaded2`.
    ///
    /// As chia's `start`: when a refresh already happened or a sync was unfinished, everything
    /// is sent again as one full resync.
    pub fn connect(&mut self, now: SystemTime, loaded2: bool) {
        self.connection = Some(loaded2);
        if self.refreshed || self.sync_id != 0 {
            self.reset(now);
        }
    }

    /// The farmer connection went away: stop, and forget the queue (chia's `await_closed`).
    pub fn disconnect(&mut self) {
        self.connection = None;
        self.last_sync_id = 0;
        self.sync_id = 0;
        self.next_message_id = 0;
        self.messages.clear();
        self.wait = Wait::Ready;
    }

    /// Whether a sync is queued or running.
    pub fn is_active(&self) -> bool {
        self.sync_id != 0
    }

    /// The last sync the farmer acknowledged completely.
    pub fn last_sync_id(&self) -> u64 {
        self.last_sync_id
    }

    /// Queues the sync of one refresh.
    pub fn queue_refresh(&mut self, now: SystemTime, refresh: RefreshSync) -> Result<(), SyncBusy> {
        if self.is_active() {
            return Err(SyncBusy {
                sync_id: self.sync_id,
            });
        }
        let initial = !self.refreshed;
        self.refreshed = true;
        self.state = refresh.state;
        if self.connection.is_none() {
            // chia queues only while its sender task runs, i.e. with a farmer attached.
            return Ok(());
        }
        self.start_sync(now, refresh.plot_file_count, initial);
        let batches = refresh.loaded_batches.len();
        for (index, batch) in refresh.loaded_batches.into_iter().enumerate() {
            let last = index + 1 == batches;
            if !batch.is_empty() || last {
                self.push_plots(batch, last);
            }
        }
        let removed = paths(&refresh.removed);
        self.finish_sync(removed, refresh.duration.as_secs());
        Ok(())
    }

    /// The next message to send, if one is due now.
    pub fn poll_transmit(&mut self, now: SystemTime) -> Option<SyncMessage> {
        let at = unix(now);
        if self.connection.is_none() || !self.is_active() {
            return None;
        }
        match self.wait {
            Wait::Response { .. } => return None,
            Wait::Pause { until } if at < until => return None,
            Wait::Pause { .. } | Wait::Ready => {}
        }
        let (message_type, payload) = self.messages.get(self.next_message_id)?.clone();
        let identifier = SyncIdentifier {
            timestamp: at.as_secs(),
            sync_id: self.sync_id,
            message_id: self.next_message_id as u64,
        };
        self.wait = Wait::Response {
            identifier,
            message_type,
            deadline: at + MESSAGE_TIMEOUT,
        };
        Some(SyncMessage {
            message_type,
            identifier,
            payload,
        })
    }

    /// When [`handle_timeout`](Self::handle_timeout) should next be called.
    pub fn poll_timeout(&self) -> Option<SystemTime> {
        if self.connection.is_none() || !self.is_active() {
            return None;
        }
        match self.wait {
            Wait::Response { deadline, .. } => Some(UNIX_EPOCH + deadline),
            Wait::Pause { until } => Some(UNIX_EPOCH + until),
            Wait::Ready => None,
        }
    }

    /// Advances timers: a response overdue by 10 s starts the 10 s pause before the resend.
    pub fn handle_timeout(&mut self, now: SystemTime) {
        let at = unix(now);
        if let Wait::Response { deadline, .. } = self.wait
            && at >= deadline
        {
            tracing::info!(
                sync_id = self.sync_id,
                message_id = self.next_message_id,
                "no plot sync response; resending after a pause"
            );
            self.wait = Wait::Pause {
                until: at + MESSAGE_TIMEOUT,
            };
        }
    }

    /// Handles a `PlotSyncResponse`; returns whether it was the expected one.
    pub fn handle_response(&mut self, now: SystemTime, response: &SyncResponse) -> bool {
        let at = unix(now);
        let Wait::Response {
            identifier,
            message_type,
            ..
        } = self.wait
        else {
            tracing::warn!(?response, "unexpected plot sync response skipped");
            return false;
        };
        let age = at.as_secs().saturating_sub(response.identifier.timestamp);
        if age > MESSAGE_TIMEOUT.as_secs()
            || response.identifier.sync_id != identifier.sync_id
            || response.identifier.message_id != identifier.message_id
            || response.message_type != i16::from(message_type.id())
        {
            tracing::warn!(?response, expected = ?identifier, "plot sync response skipped");
            return false;
        }
        self.wait = Wait::Ready;
        if let Some(error) = &response.error {
            let all_sent = self
                .messages
                .last()
                .is_some_and(|(kind, _)| *kind == SyncMessageType::Done)
                && self.next_message_id + 1 == self.messages.len();
            match error.expected_identifier {
                Some(expected) if expected.sync_id == 0 && expected.message_id == 0 && all_sent => {
                    self.finalize();
                }
                Some(expected)
                    if expected.sync_id == self.sync_id
                        && expected.message_id < self.messages.len() as u64 =>
                {
                    self.next_message_id = usize::try_from(expected.message_id).unwrap_or(0);
                }
                _ => {
                    tracing::warn!(
                        ?error,
                        "unrecoverable plot sync error; full resync after a pause"
                    );
                    self.reset(now);
                    self.wait = Wait::Pause {
                        until: at + MESSAGE_TIMEOUT,
                    };
                }
            }
            return true;
        }
        if message_type == SyncMessageType::Done {
            self.finalize();
        } else {
            self.next_message_id += 1;
        }
        true
    }

    fn finalize(&mut self) {
        self.last_sync_id = self.sync_id;
        self.next_message_id = 0;
        self.messages.clear();
        self.sync_id = 0;
    }

    /// chia's `_reset`: forget the acknowledged sync and queue everything as one full resync.
    fn reset(&mut self, now: SystemTime) {
        self.last_sync_id = 0;
        self.sync_id = 0;
        self.next_message_id = 0;
        self.messages.clear();
        self.wait = Wait::Ready;
        let count = u32::try_from(self.state.loaded.len()).unwrap_or(u32::MAX);
        self.start_sync(now, count, true);
        let loaded = self.state.loaded.clone();
        let chunks = loaded.chunks(self.batch_size).count();
        for (index, chunk) in loaded.chunks(self.batch_size).enumerate() {
            self.push_plots(chunk.to_vec(), index + 1 == chunks);
        }
        self.finish_sync(Vec::new(), 0);
    }

    fn start_sync(&mut self, now: SystemTime, plot_file_count: u32, initial: bool) {
        let mut sync_id = unix(now).as_secs().max(1);
        if sync_id == self.last_sync_id {
            sync_id += 1;
        }
        self.sync_id = sync_id;
        self.messages.push((
            SyncMessageType::Start,
            SyncPayload::Start {
                initial,
                last_sync_id: self.last_sync_id,
                plot_file_count,
                harvesting_mode: self.harvesting_mode,
            },
        ));
    }

    fn push_plots(&mut self, plots: Vec<SyncedPlot>, last: bool) {
        let kind = if self.connection == Some(false) {
            SyncMessageType::Loaded
        } else {
            SyncMessageType::Loaded2
        };
        self.messages
            .push((kind, SyncPayload::Plots { plots, last }));
    }

    fn finish_sync(&mut self, removed: Vec<String>, duration: u64) {
        let lists = [
            (SyncMessageType::Removed, removed),
            (SyncMessageType::Invalid, paths(&self.state.invalid)),
            (
                SyncMessageType::KeysMissing,
                paths(&self.state.keys_missing),
            ),
            (SyncMessageType::Duplicates, paths(&self.state.duplicates)),
        ];
        for (kind, list) in lists {
            if list.is_empty() {
                self.messages.push((
                    kind,
                    SyncPayload::Paths {
                        paths: Vec::new(),
                        last: true,
                    },
                ));
                continue;
            }
            let chunks = list.chunks(self.batch_size).count();
            for (index, chunk) in list.chunks(self.batch_size).enumerate() {
                self.messages.push((
                    kind,
                    SyncPayload::Paths {
                        paths: chunk.to_vec(),
                        last: index + 1 == chunks,
                    },
                ));
            }
        }
        self.messages
            .push((SyncMessageType::Done, SyncPayload::Done { duration }));
    }
}

fn paths(list: &[PathBuf]) -> Vec<String> {
    list.iter().map(|path| path.display().to_string()).collect()
}
