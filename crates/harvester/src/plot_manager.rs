//! The plot manager: which plot files are farmed, and why the others are not
//! (chia/plotting/manager.py `PlotManager`, harvester-farmer.md §5).
//!
//! A refresh scans the directories, drops what disappeared, then processes the files in sorted
//! order in batches of `batch_size`: headers are opened in parallel (at most `open_threads` at a
//! time) and each file ends up in exactly one place:
//!
//! | state | when |
//! |---|---|
//! | loaded | opened, keys known, first copy of its file name |
//! | failed to open | any error opening the file or its header/memo; retried after `retry_invalid_seconds` |
//! | keys missing | farmer key not in the handshake's farmer keys, or a solo plot's pool key not in its pool keys |
//! | duplicate | another directory already has a loaded plot with the same file name |
//! | skipped | a k ≥ 30 plot smaller than 98 % of its expected size (still being copied); not listed |
//!
//! The manager is owned by the refresh task; lookups never touch it. After each batch it
//! publishes an immutable [`PlotSet`] through [`SharedPlots`], so a signage point reads a
//! snapshot with one `Arc` clone and is never delayed by a scan.
//!
//! As in chia, a loaded plot is not reopened when its file changes; the refresh reports such
//! files in [`RefreshResult::changed`] so the service can log them.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant, SystemTime};

use chia_bls::PublicKey;
use sickle_pos::consensus::expected_plot_size_v1;
use sickle_pos::{Plot, PlotError, ReadAt};

use crate::scan::{ScanSettings, find_plot_files};

/// The positional-read handle a loaded plot reads through (a file, or a test double).
pub type PlotReader = Arc<dyn ReadAt + Send + Sync>;

/// Opens a plot file for reading; [`open_file`] in production, anything in tests.
pub type Opener = Arc<dyn Fn(&Path) -> io::Result<PlotReader> + Send + Sync>;

/// The production [`Opener`]: a read-only [`File`].
pub fn open_file(path: &Path) -> io::Result<PlotReader> {
    Ok(Arc::new(File::open(path)?))
}

/// chia's `UI_ACTUAL_SPACE_CONSTANT_FACTOR`.
const ACTUAL_SPACE_FACTOR: f64 = 0.78;

/// Why a plot file could not be opened.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The file could not be opened or inspected.
    #[error("cannot open plot {path}: {source}")]
    Io {
        /// The plot file.
        path: PathBuf,
        /// The I/O error.
        source: io::Error,
    },
    /// A `*.plot2` file: v2 plots are not farmed before chia's second hard fork
    /// (`HARD_FORK2_HEIGHT` is not scheduled on mainnet) and `sickle-pos` does not read them.
    #[error("v2 plot {path} is not supported")]
    V2Unsupported {
        /// The plot file.
        path: PathBuf,
    },
    /// The header, memo or table layout is invalid.
    #[error("invalid plot {path}: {source}")]
    Plot {
        /// The plot file.
        path: PathBuf,
        /// What `sickle-pos` found wrong.
        source: PlotError,
    },
}

/// The keys from the farmer's `HarvesterHandshake`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FarmerKeys {
    /// `farmer_public_keys`.
    pub farmer_public_keys: Vec<PublicKey>,
    /// `pool_public_keys`.
    pub pool_public_keys: Vec<PublicKey>,
}

/// Counters kept per loaded plot, updated by lookups.
#[derive(Debug, Default)]
pub struct PlotStats {
    /// Quality lookups started.
    pub lookups: AtomicU64,
    /// Lookups that failed with an error.
    pub errors: AtomicU64,
    /// Lookups abandoned because they exceeded the per-plot deadline.
    pub timeouts: AtomicU64,
    /// A lookup of this plot is running on the blocking pool (possibly stuck on its disk).
    pub in_flight: AtomicBool,
}

/// A plot that is farmed (chia's `PlotInfo`).
pub struct LoadedPlot {
    /// Absolute path of the file.
    pub path: PathBuf,
    /// The open plot.
    pub plot: Plot<PlotReader>,
    /// The memo's pool public key (solo plots).
    pub pool_public_key: Option<PublicKey>,
    /// The memo's pool contract puzzle hash (plot NFT plots).
    pub pool_contract_puzzle_hash: Option<[u8; 32]>,
    /// The plot public key (with the taproot share for plot NFT plots).
    pub plot_public_key: PublicKey,
    /// File size in bytes when loaded.
    pub file_size: u64,
    /// Modification time when loaded.
    pub modified: SystemTime,
    /// Lookup counters.
    pub stats: PlotStats,
}

impl std::fmt::Debug for LoadedPlot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadedPlot")
            .field("path", &self.path)
            .field("plot_id", &hex::encode(self.plot_id()))
            .field("k", &self.k())
            .field("file_size", &self.file_size)
            .finish_non_exhaustive()
    }
}

impl LoadedPlot {
    /// The plot id.
    pub fn plot_id(&self) -> &[u8; 32] {
        self.plot.plot_id()
    }

    /// The plot size parameter k.
    pub fn k(&self) -> u8 {
        self.plot.k()
    }
}

/// An immutable snapshot of the loaded plots, keyed by absolute path.
#[derive(Debug, Default)]
pub struct PlotSet {
    /// Loaded plots by path.
    pub plots: BTreeMap<PathBuf, Arc<LoadedPlot>>,
}

/// The current [`PlotSet`], shared between the refresh task (writer) and lookups (readers).
#[derive(Debug, Clone, Default)]
pub struct SharedPlots(Arc<RwLock<Arc<PlotSet>>>);

impl SharedPlots {
    /// The current snapshot. Holds the lock only for one `Arc` clone.
    pub fn snapshot(&self) -> Arc<PlotSet> {
        match self.0.read() {
            Ok(guard) => Arc::clone(&guard),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    fn publish(&self, set: PlotSet) {
        let set = Arc::new(set);
        match self.0.write() {
            Ok(mut guard) => *guard = set,
            Err(poisoned) => *poisoned.into_inner() = set,
        }
    }
}

/// What one refresh did; plot sync (§8) is built from it.
#[derive(Debug, Default)]
pub struct RefreshResult {
    /// Plot files found by the scan.
    pub plot_file_count: usize,
    /// Newly loaded plots, one entry per batch (empty batches included), in batch order.
    pub loaded_batches: Vec<Vec<Arc<LoadedPlot>>>,
    /// Paths of plots that were loaded and are gone from disk or from the config.
    pub removed: Vec<PathBuf>,
    /// Loaded plots whose size or modification time changed since loading (kept, as chia does).
    pub changed: Vec<PathBuf>,
    /// Files processed.
    pub processed: usize,
    /// Wall time of the refresh.
    pub duration: Duration,
}

impl RefreshResult {
    /// All newly loaded plots.
    pub fn loaded(&self) -> impl Iterator<Item = &Arc<LoadedPlot>> {
        self.loaded_batches.iter().flatten()
    }
}

/// The refresh-side state of the plot manager.
pub struct PlotManager {
    scan: ScanSettings,
    keys: FarmerKeys,
    batch_size: usize,
    retry_invalid: Duration,
    open_threads: usize,
    opener: Opener,
    shared: SharedPlots,
    loaded: BTreeMap<PathBuf, Arc<LoadedPlot>>,
    /// Failed paths, with when they failed and why.
    failed: BTreeMap<PathBuf, (SystemTime, Arc<LoadError>)>,
    keys_missing: BTreeSet<PathBuf>,
    /// File name → (directory of the loaded copy, directories of duplicate copies).
    by_file_name: BTreeMap<String, (PathBuf, BTreeSet<PathBuf>)>,
}

impl std::fmt::Debug for PlotManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlotManager")
            .field("scan", &self.scan)
            .field("loaded", &self.loaded.len())
            .field("failed", &self.failed.len())
            .field("keys_missing", &self.keys_missing.len())
            .finish_non_exhaustive()
    }
}

/// Outcome of processing one file.
enum Processed {
    Loaded(Arc<LoadedPlot>),
    Failed(LoadError),
    KeysMissing,
    Skipped,
}

impl PlotManager {
    /// A manager over `scan` that opens files with `opener`, `batch_size` files per batch, at most
    /// `open_threads` headers at a time, retrying failed files after `retry_invalid`.
    pub fn new(
        scan: ScanSettings,
        batch_size: usize,
        retry_invalid: Duration,
        open_threads: usize,
        opener: Opener,
    ) -> Self {
        Self {
            scan,
            keys: FarmerKeys::default(),
            batch_size: batch_size.max(1),
            retry_invalid,
            open_threads: open_threads.max(1),
            opener,
            shared: SharedPlots::default(),
            loaded: BTreeMap::new(),
            failed: BTreeMap::new(),
            keys_missing: BTreeSet::new(),
            by_file_name: BTreeMap::new(),
        }
    }

    /// The handle lookups read snapshots from.
    pub fn shared(&self) -> SharedPlots {
        self.shared.clone()
    }

    /// Sets the keys of the latest `HarvesterHandshake`; they apply to files processed from now.
    pub fn set_keys(&mut self, keys: FarmerKeys) {
        self.keys = keys;
    }

    /// The loaded plots.
    pub fn loaded(&self) -> &BTreeMap<PathBuf, Arc<LoadedPlot>> {
        &self.loaded
    }

    /// Paths that failed to open, with the error.
    pub fn failed_to_open(&self) -> impl Iterator<Item = (&PathBuf, &LoadError)> {
        self.failed
            .iter()
            .map(|(path, (_, error))| (path, &**error))
    }

    /// Paths whose keys are not in the handshake's lists.
    pub fn keys_missing(&self) -> &BTreeSet<PathBuf> {
        &self.keys_missing
    }

    /// Paths of every copy that is not loaded because another copy of the same file name is.
    pub fn duplicates(&self) -> Vec<PathBuf> {
        self.by_file_name
            .iter()
            .flat_map(|(name, (_, copies))| copies.iter().map(move |dir| dir.join(name)))
            .collect()
    }

    /// Scans and processes every file; `now` is the wall clock used for the retry rule.
    pub fn refresh(&mut self, now: SystemTime) -> RefreshResult {
        self.refresh_with(now, |_| {})
    }

    /// As [`refresh`](Self::refresh), calling `between_batches` after each batch is published
    /// (the service sleeps `batch_sleep_milliseconds` there).
    pub fn refresh_with(
        &mut self,
        now: SystemTime,
        mut between_batches: impl FnMut(&RefreshResult),
    ) -> RefreshResult {
        let started = Instant::now();
        let files = find_plot_files(&self.scan);
        let present: BTreeSet<&PathBuf> = files.iter().collect();
        let mut result = RefreshResult {
            plot_file_count: files.len(),
            ..RefreshResult::default()
        };

        self.failed.retain(|path, _| present.contains(path));
        self.keys_missing.retain(|path| present.contains(path));
        let gone: Vec<PathBuf> = self
            .loaded
            .keys()
            .filter(|path| !present.contains(path))
            .cloned()
            .collect();
        for path in gone {
            self.loaded.remove(&path);
            if let Some(name) = file_name(&path) {
                self.by_file_name.remove(&name);
            }
            result.removed.push(path);
        }
        for (name, (_, copies)) in &mut self.by_file_name {
            copies.retain(|dir| present.contains(&dir.join(name)));
        }
        if !result.removed.is_empty() {
            self.publish();
        }

        for batch in files.chunks(self.batch_size) {
            let loaded = self.process_batch(batch, now, &mut result.changed);
            result.processed += batch.len();
            result.loaded_batches.push(loaded);
            self.publish();
            between_batches(&result);
        }
        if files.is_empty() {
            self.publish();
        }
        result.duration = started.elapsed();
        result
    }

    fn publish(&self) {
        self.shared.publish(PlotSet {
            plots: self.loaded.clone(),
        });
    }

    fn process_batch(
        &mut self,
        batch: &[PathBuf],
        now: SystemTime,
        changed: &mut Vec<PathBuf>,
    ) -> Vec<Arc<LoadedPlot>> {
        let mut to_open = Vec::new();
        for path in batch {
            if let Some(plot) = self.loaded.get(path) {
                if let Ok(meta) = std::fs::metadata(path) {
                    let modified = meta.modified().unwrap_or(plot.modified);
                    if meta.len() != plot.file_size || modified != plot.modified {
                        changed.push(path.clone());
                    }
                }
                continue;
            }
            if let Some((failed_at, _)) = self.failed.get(path) {
                let since = now.duration_since(*failed_at).unwrap_or_default();
                if since < self.retry_invalid {
                    continue;
                }
            }
            if let (Some(name), Some(dir)) = (file_name(path), path.parent())
                && let Some((_, copies)) = self.by_file_name.get(&name)
                && copies.contains(dir)
            {
                continue;
            }
            to_open.push(path.clone());
        }

        let opened = self.open_all(&to_open);
        let mut loaded = Vec::new();
        for (path, processed) in to_open.into_iter().zip(opened) {
            match processed {
                Processed::Failed(error) => {
                    tracing::error!(%error, "failed to open plot");
                    self.failed.insert(path, (now, Arc::new(error)));
                }
                Processed::Skipped => {}
                Processed::KeysMissing => {
                    self.keys_missing.insert(path);
                }
                Processed::Loaded(plot) => {
                    self.keys_missing.remove(&path);
                    self.failed.remove(&path);
                    let (Some(name), Some(dir)) = (file_name(&path), path.parent()) else {
                        continue;
                    };
                    if let Some((first, copies)) = self.by_file_name.get_mut(&name) {
                        tracing::warn!(
                            plot = %name,
                            loaded = %first.display(),
                            copy = %dir.display(),
                            "have multiple copies of the plot"
                        );
                        copies.insert(dir.to_path_buf());
                        continue;
                    }
                    self.by_file_name
                        .insert(name, (dir.to_path_buf(), BTreeSet::new()));
                    self.loaded.insert(path, Arc::clone(&plot));
                    loaded.push(plot);
                }
            }
        }
        loaded
    }

    /// Opens `paths` on at most `open_threads` threads; results in input order.
    fn open_all(&self, paths: &[PathBuf]) -> Vec<Processed> {
        let next = Mutex::new(0usize);
        let results: Vec<Mutex<Option<Processed>>> =
            paths.iter().map(|_| Mutex::new(None)).collect();
        let workers = self.open_threads.min(paths.len());
        std::thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(|| {
                    loop {
                        let index = {
                            let Ok(mut next) = next.lock() else { return };
                            let index = *next;
                            *next += 1;
                            index
                        };
                        let (Some(path), Some(slot)) = (paths.get(index), results.get(index))
                        else {
                            return;
                        };
                        let processed = self.process_file(path);
                        if let Ok(mut slot) = slot.lock() {
                            *slot = Some(processed);
                        }
                    }
                });
            }
        });
        results
            .into_iter()
            .map(|slot| {
                slot.into_inner()
                    .ok()
                    .flatten()
                    .unwrap_or(Processed::Skipped)
            })
            .collect()
    }

    fn process_file(&self, path: &Path) -> Processed {
        let io_error = |source| {
            Processed::Failed(LoadError::Io {
                path: path.to_path_buf(),
                source,
            })
        };
        let meta = match std::fs::metadata(path) {
            Ok(meta) => meta,
            Err(source) => return io_error(source),
        };
        let modified = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
        if path.extension().is_some_and(|ext| ext == "plot2") {
            return Processed::Failed(LoadError::V2Unsupported {
                path: path.to_path_buf(),
            });
        }
        let reader = match (self.opener)(path) {
            Ok(reader) => reader,
            Err(source) => return io_error(source),
        };
        let plot = match Plot::open(reader) {
            Ok(plot) => plot,
            Err(source) => {
                return Processed::Failed(LoadError::Plot {
                    path: path.to_path_buf(),
                    source,
                });
            }
        };
        let k = plot.k();
        if k >= 30 {
            let expected = expected_plot_size_v1(k).unwrap_or(u64::MAX) as f64;
            if (meta.len() as f64) < 0.98 * expected * ACTUAL_SPACE_FACTOR {
                tracing::warn!(path = %path.display(), size = meta.len(), "not farming plot: smaller than expected, assumed still being copied");
                return Processed::Skipped;
            }
        }
        let memo = plot.memo();
        if !self
            .keys
            .farmer_public_keys
            .contains(memo.farmer_public_key())
        {
            tracing::warn!(path = %path.display(), "plot has a farmer public key that is not in the farmer's pk list");
            return Processed::KeysMissing;
        }
        if let Some(pool_pk) = memo.pool_public_key()
            && !self.keys.pool_public_keys.contains(pool_pk)
        {
            tracing::warn!(path = %path.display(), "plot has a pool public key that is not in the farmer's pool pk list");
            return Processed::KeysMissing;
        }
        Processed::Loaded(Arc::new(LoadedPlot {
            path: path.to_path_buf(),
            pool_public_key: memo.pool_public_key().cloned(),
            pool_contract_puzzle_hash: memo.pool_contract_puzzle_hash().copied(),
            plot_public_key: memo.plot_public_key(),
            file_size: meta.len(),
            modified,
            stats: PlotStats::default(),
            plot,
        }))
    }
}

fn file_name(path: &Path) -> Option<String> {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
}

impl PlotStats {
    /// Adds one to `counter`.
    pub fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }
}
