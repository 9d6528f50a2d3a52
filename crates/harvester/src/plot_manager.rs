//! The plot manager: which plot files are farmed, and why the others are not
//! (chia/plotting/manager.py `PlotManager`, harvester-farmer.md §5).
//!
//! A refresh scans the directories, drops what disappeared, then processes the files in sorted
//! order in batches of `batch_size`: headers are read in parallel (at most `open_threads` at a
//! time) and each file ends up in exactly one place:
//!
//! | state | when |
//! |---|---|
//! | loaded | header valid, keys known, first copy of its file name |
//! | failed to open | any error opening the file or its header/memo; retried after `retry_invalid_seconds` |
//! | keys missing | farmer key not in the handshake's farmer keys, or a solo plot's pool key not in its pool keys |
//! | duplicate | another directory already has a loaded plot with the same file name |
//! | skipped | a k ≥ 30 plot smaller than 98 % of its expected size (still being copied); not listed |
//!
//! With a header cache ([`PlotManager::with_cache`], [`crate::plot_cache`]) a file whose size
//! and modification time match its cache entry is not read at all: a restart with many plots
//! farms within seconds. The cache is read at the first refresh and saved after each refresh
//! that read a header from disk or dropped an entry; entries of vanished files are dropped.
//!
//! A loaded plot is small (well under 1 KiB: its [`PlotData`], path and counters) and holds no
//! open file: a lookup opens the file through the manager's [`Opener`], as chiapos' `DiskProver`
//! does, so 100,000 plots need neither 100,000 descriptors nor much memory. BLS keys stay
//! compressed until a proof, a sync or a signature needs them.
//!
//! The manager is owned by the refresh task; lookups never touch it. It publishes an immutable
//! [`PlotSet`] (a sorted list of `Arc`s) through [`SharedPlots`] after a batch that changed
//! something (at most every [`PUBLISH_INTERVAL`]) and at the end of each refresh, so a signage
//! point reads a snapshot with one `Arc` clone and is never delayed by a scan.
//!
//! As in chia, a loaded plot is not reopened when its file changes; the refresh reports such
//! files in [`RefreshResult::changed`] so the service can log them.

use std::borrow::Borrow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::ffi::OsStr;
use std::hash::{Hash, Hasher};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use chia_bls::PublicKey;
use sickle_pos::consensus::expected_plot_size_v1;
use sickle_pos::{Plot, PlotError};

use crate::plot_cache::{self, CacheEntry, EntryRef, MemoBytes, PlotData};
// The loaded-plot types live in `plot_set`; they are part of this module's interface.
pub use crate::plot_set::{
    LoadedPlot, OpenFiles, Opener, PlotFiles, PlotReader, PlotSet, PlotStats, SharedPlots,
    open_file,
};
use crate::scan::{ScanSettings, find_plot_files};

/// chia's `UI_ACTUAL_SPACE_CONSTANT_FACTOR`.
const ACTUAL_SPACE_FACTOR: f64 = 0.78;

/// Least time between two publications of the loaded set within one refresh: each copies the
/// set's index, so publishing after every batch of a 100,000-plot refresh would be quadratic.
pub const PUBLISH_INTERVAL: Duration = Duration::from_millis(500);

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
    /// Valid headers read from disk (new files, changed files, or no cache).
    pub headers_read: usize,
    /// Valid headers taken from the cache without reading the file.
    pub headers_from_cache: usize,
    /// Wall time of the refresh.
    pub duration: Duration,
}

impl RefreshResult {
    /// All newly loaded plots.
    pub fn loaded(&self) -> impl Iterator<Item = &Arc<LoadedPlot>> {
        self.loaded_batches.iter().flatten()
    }
}

/// The header cache as the manager holds it: the entries not held by a loaded plot.
#[derive(Debug)]
struct HeaderCache {
    path: PathBuf,
    /// Whether the file has been read (at the first refresh).
    read: bool,
    /// Entries of files not loaded: not yet seen in this run, keys missing, duplicates.
    entries: HashMap<PathBuf, CacheEntry>,
    /// What would be saved differs from the file.
    dirty: bool,
}

/// A loaded plot, hashed and compared by its file name alone (chia's duplicate rule); also how
/// the manager finds a loaded plot by path without a tree search.
#[derive(Debug, Clone)]
struct ByFileName(Arc<LoadedPlot>);

impl ByFileName {
    fn name(&self) -> &OsStr {
        self.0.path.file_name().unwrap_or_default()
    }
}

impl PartialEq for ByFileName {
    fn eq(&self, other: &Self) -> bool {
        self.name() == other.name()
    }
}

impl Eq for ByFileName {}

impl Hash for ByFileName {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.name().hash(state);
    }
}

impl Borrow<OsStr> for ByFileName {
    fn borrow(&self) -> &OsStr {
        self.name()
    }
}

/// The refresh-side state of the plot manager.
pub struct PlotManager {
    scan: ScanSettings,
    /// The handshake's farmer keys, compressed, for comparing with memo bytes.
    farmer_keys: Vec<[u8; 48]>,
    /// The handshake's pool keys, compressed.
    pool_keys: Vec<[u8; 48]>,
    batch_size: usize,
    retry_invalid: Duration,
    open_threads: usize,
    files: Arc<PlotFiles>,
    shared: SharedPlots,
    /// The loaded plots as last published, shared with that snapshot until the next change.
    loaded: Arc<PlotSet>,
    /// Loaded since the last publication, in scan order.
    pending: Vec<Arc<LoadedPlot>>,
    /// Every loaded plot (published or pending), by file name.
    names: HashSet<ByFileName>,
    /// Copies not loaded because a plot of the same file name is.
    duplicates: BTreeSet<PathBuf>,
    /// Failed paths, with when they failed and why.
    failed: BTreeMap<PathBuf, (SystemTime, Arc<LoadError>)>,
    keys_missing: BTreeSet<PathBuf>,
    cache: Option<HeaderCache>,
}

impl std::fmt::Debug for PlotManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlotManager")
            .field("scan", &self.scan)
            .field("loaded", &self.names.len())
            .field("failed", &self.failed.len())
            .field("keys_missing", &self.keys_missing.len())
            .field("cache", &self.cache.as_ref().map(|cache| &cache.path))
            .finish_non_exhaustive()
    }
}

/// Outcome of reading one file's header (on a worker thread).
// Nearly every file is `Valid`, and its entry moves on into the loaded plot: boxing it would add
// an allocation per plot for nothing.
#[allow(clippy::large_enum_variant)]
enum Opened {
    /// A valid v1 plot, from the cache or from disk.
    Valid {
        entry: CacheEntry,
        from_disk: bool,
    },
    Failed(LoadError),
    Skipped,
}

impl PlotManager {
    /// A manager over `scan` that opens files with `opener`, `batch_size` files per batch, at most
    /// `open_threads` headers at a time, retrying failed files after `retry_invalid`. No header
    /// cache until [`with_cache`](Self::with_cache).
    pub fn new(
        scan: ScanSettings,
        batch_size: usize,
        retry_invalid: Duration,
        open_threads: usize,
        opener: Opener,
    ) -> Self {
        Self {
            scan,
            farmer_keys: Vec::new(),
            pool_keys: Vec::new(),
            batch_size: batch_size.max(1),
            retry_invalid,
            open_threads: open_threads.max(1),
            files: PlotFiles::new(opener, None),
            shared: SharedPlots::default(),
            loaded: Arc::default(),
            pending: Vec::new(),
            names: HashSet::new(),
            duplicates: BTreeSet::new(),
            failed: BTreeMap::new(),
            keys_missing: BTreeSet::new(),
            cache: None,
        }
    }

    /// Keeps a header cache at `path` (usually [`plot_cache::default_cache_path`]): read at the
    /// first refresh, written after refreshes that changed it.
    pub fn with_cache(mut self, path: PathBuf) -> Self {
        self.cache = Some(HeaderCache {
            path,
            read: false,
            entries: HashMap::new(),
            dirty: false,
        });
        self
    }

    /// Lets lookups keep up to `limit` plot files open between signage points ([`OpenFiles`]);
    /// without it, every lookup opens its file.
    pub fn keep_files_open(mut self, limit: usize) -> Self {
        self.files = PlotFiles::new(Arc::clone(self.files.opener()), Some(OpenFiles::new(limit)));
        self
    }

    /// The open-file slots lookups share, if files are kept open.
    pub fn open_files(&self) -> Option<&Arc<OpenFiles>> {
        self.files.open_files()
    }

    /// The header cache file, if any.
    pub fn cache_path(&self) -> Option<&Path> {
        self.cache.as_ref().map(|cache| cache.path.as_path())
    }

    /// The handle lookups read snapshots from.
    pub fn shared(&self) -> SharedPlots {
        self.shared.clone()
    }

    /// Sets the keys of the latest `HarvesterHandshake`; they apply to files processed from now.
    pub fn set_keys(&mut self, keys: FarmerKeys) {
        self.farmer_keys = keys
            .farmer_public_keys
            .iter()
            .map(PublicKey::to_bytes)
            .collect();
        self.pool_keys = keys
            .pool_public_keys
            .iter()
            .map(PublicKey::to_bytes)
            .collect();
    }

    /// The loaded plots (as of the end of the last refresh).
    pub fn loaded(&self) -> &PlotSet {
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
        self.duplicates.iter().cloned().collect()
    }

    /// Scans and processes every file; `now` is the wall clock used for the retry rule.
    pub fn refresh(&mut self, now: SystemTime) -> RefreshResult {
        self.refresh_with(now, |_| {})
    }

    /// As [`refresh`](Self::refresh), calling `between_batches` after each batch
    /// (the service sleeps `batch_sleep_milliseconds` there).
    pub fn refresh_with(
        &mut self,
        now: SystemTime,
        mut between_batches: impl FnMut(&RefreshResult),
    ) -> RefreshResult {
        let started = Instant::now();
        let files = find_plot_files(&self.scan);
        // After the scan, whose sorting buffers are gone by then: a lower peak at 100k plots.
        self.read_cache();
        let mut result = RefreshResult {
            plot_file_count: files.len(),
            ..RefreshResult::default()
        };
        self.forget_missing(&files, &mut result);
        // Grown once, not rehashed (a file-name hash each) while 100,000 plots load.
        self.names
            .reserve(files.len().saturating_sub(self.names.len()));
        let mut unpublished = !result.removed.is_empty();
        let mut last_publish = started;

        // The paths move on into the plots they load as: no copy per file.
        let mut files = files.into_iter();
        loop {
            let batch: Vec<PathBuf> = files.by_ref().take(self.batch_size).collect();
            if batch.is_empty() {
                break;
            }
            result.processed += batch.len();
            let loaded = self.process_batch(batch, now, &mut result);
            unpublished |= !loaded.is_empty();
            result.loaded_batches.push(loaded);
            if unpublished && last_publish.elapsed() >= PUBLISH_INTERVAL {
                self.publish();
                unpublished = false;
                last_publish = Instant::now();
            }
            between_batches(&result);
        }
        if unpublished || result.plot_file_count == 0 {
            self.publish();
        }
        if let Some(cache) = &mut self.cache {
            // After a start from the cache the table is sized for every plot but nearly empty.
            cache.entries.shrink_to_fit();
        }
        self.save_cache();
        result.duration = started.elapsed();
        result
    }

    /// Drops everything about files the scan no longer finds: loaded plots (reported as
    /// removed), failures, keys-missing and duplicate entries, and cache entries.
    fn forget_missing(&mut self, files: &[PathBuf], result: &mut RefreshResult) {
        let present: HashSet<&Path> = files.iter().map(PathBuf::as_path).collect();
        self.failed
            .retain(|path, _| present.contains(path.as_path()));
        self.keys_missing
            .retain(|path| present.contains(path.as_path()));
        self.duplicates
            .retain(|path| present.contains(path.as_path()));
        if let Some(cache) = &mut self.cache {
            let before = cache.entries.len();
            cache
                .entries
                .retain(|path, _| present.contains(path.as_path()));
            cache.dirty |= cache.entries.len() != before;
        }
        if self
            .loaded
            .iter()
            .all(|plot| present.contains(plot.path.as_path()))
        {
            return;
        }
        let mut gone = Vec::new();
        Arc::make_mut(&mut self.loaded).retain(|plot| {
            let keep = present.contains(plot.path.as_path());
            if !keep {
                gone.push(Arc::clone(plot));
            }
            keep
        });
        for plot in gone {
            if let Some(name) = plot.path.file_name() {
                self.names.remove(name);
                // chia drops the whole file-name entry: the other copies load in this refresh.
                self.duplicates
                    .retain(|copy| copy.file_name() != Some(name));
            }
            if let Some(cache) = &mut self.cache {
                cache.dirty = true;
            }
            result.removed.push(plot.path.clone());
        }
    }

    /// Moves the plots loaded since the last publication into the set and publishes it.
    fn publish(&mut self) {
        let pending = std::mem::take(&mut self.pending);
        if !pending.is_empty() {
            Arc::make_mut(&mut self.loaded).merge(pending);
        }
        self.shared.publish(Arc::clone(&self.loaded));
    }

    /// Reads the cache file once, at the first refresh. An unusable file is logged and ignored:
    /// every header is then read from disk and a good cache written.
    fn read_cache(&mut self) {
        let Some(cache) = &mut self.cache else {
            return;
        };
        if cache.read {
            return;
        }
        cache.read = true;
        let started = Instant::now();
        match plot_cache::load(&cache.path) {
            Ok(entries) => {
                tracing::info!(
                    path = %cache.path.display(),
                    entries = entries.len(),
                    ms = started.elapsed().as_millis(),
                    "plot cache loaded"
                );
                cache.entries = entries;
            }
            Err(error) => {
                tracing::warn!(%error, "reading every plot header from disk");
                cache.dirty = true;
            }
        }
    }

    /// Saves the cache if it changed: the loaded plots' headers and the entries kept for files
    /// that are not loaded.
    fn save_cache(&mut self) {
        let Some(cache) = &mut self.cache else {
            return;
        };
        if !cache.dirty {
            return;
        }
        let entries: Vec<EntryRef<'_>> = self
            .loaded
            .iter()
            .map(|plot| EntryRef {
                path: &plot.path,
                file_size: plot.file_size,
                modified: plot.modified,
                data: plot.data(),
            })
            .chain(cache.entries.iter().map(|(path, entry)| EntryRef {
                path,
                file_size: entry.file_size,
                modified: entry.modified,
                data: &entry.data,
            }))
            .collect();
        let started = Instant::now();
        match plot_cache::save(&cache.path, &entries) {
            Ok(()) => {
                tracing::info!(
                    path = %cache.path.display(),
                    entries = entries.len(),
                    ms = started.elapsed().as_millis(),
                    "plot cache saved"
                );
                cache.dirty = false;
            }
            // Still dirty: the next refresh tries again.
            Err(error) => tracing::error!(%error, "plot cache not saved"),
        }
    }

    fn process_batch(
        &mut self,
        batch: Vec<PathBuf>,
        now: SystemTime,
        result: &mut RefreshResult,
    ) -> Vec<Arc<LoadedPlot>> {
        let mut to_open = Vec::new();
        for path in batch {
            let name = path.file_name().unwrap_or_default();
            if let Some(loaded) = self.names.get(name)
                && loaded.0.path == path
            {
                let plot = &loaded.0;
                if let Ok(meta) = std::fs::metadata(&path) {
                    let modified = meta.modified().unwrap_or(plot.modified);
                    if meta.len() != plot.file_size || modified != plot.modified {
                        result.changed.push(path);
                    }
                }
                continue;
            }
            if let Some((failed_at, _)) = self.failed.get(&path) {
                let since = now.duration_since(*failed_at).unwrap_or_default();
                if since < self.retry_invalid {
                    continue;
                }
            }
            if self.duplicates.contains(&path) {
                continue;
            }
            let cached = self
                .cache
                .as_mut()
                .and_then(|cache| cache.entries.remove(&path));
            to_open.push((path, cached));
        }

        let opened = self.open_all(to_open);
        let mut loaded = Vec::new();
        for (path, had_entry, opened) in opened {
            let (entry, from_disk) = match opened {
                Opened::Failed(error) => {
                    tracing::error!(%error, "failed to open plot");
                    self.failed.insert(path, (now, Arc::new(error)));
                    self.mark_cache_dirty(had_entry);
                    continue;
                }
                Opened::Skipped => {
                    self.mark_cache_dirty(had_entry);
                    continue;
                }
                Opened::Valid { entry, from_disk } => (entry, from_disk),
            };
            if from_disk {
                result.headers_read += 1;
                self.mark_cache_dirty(true);
            } else {
                result.headers_from_cache += 1;
            }
            self.failed.remove(&path);
            if self.keys_missing_for(&path, &entry.data.memo) {
                self.keys_missing.insert(path.clone());
                self.keep_in_cache(path, entry);
                continue;
            }
            self.keys_missing.remove(&path);
            let name = path.file_name().unwrap_or_default();
            if let Some(first) = self.names.get(name) {
                tracing::warn!(
                    plot = %name.to_string_lossy(),
                    loaded = %first.0.path.display(),
                    copy = %path.display(),
                    "have multiple copies of the plot"
                );
                self.duplicates.insert(path.clone());
                self.keep_in_cache(path, entry);
                continue;
            }
            let plot = Arc::new(LoadedPlot::new(
                path,
                entry.file_size,
                entry.modified,
                entry.data,
                Arc::clone(&self.files),
            ));
            self.names.insert(ByFileName(Arc::clone(&plot)));
            self.pending.push(Arc::clone(&plot));
            loaded.push(plot);
        }
        loaded
    }

    fn mark_cache_dirty(&mut self, changed: bool) {
        if let Some(cache) = &mut self.cache {
            cache.dirty |= changed;
        }
    }

    /// Keeps the header of a valid plot that is not loaded, so a later refresh (new keys, the
    /// loaded copy gone) and the next start need not read it again.
    fn keep_in_cache(&mut self, path: PathBuf, entry: CacheEntry) {
        if let Some(cache) = &mut self.cache {
            cache.entries.insert(path, entry);
        }
    }

    /// chia's key checks: the farmer key must be the farmer's, a solo plot's pool key the pool's.
    fn keys_missing_for(&self, path: &Path, memo: &MemoBytes) -> bool {
        if !self.farmer_keys.contains(memo.farmer_public_key()) {
            tracing::warn!(path = %path.display(), "plot has a farmer public key that is not in the farmer's pk list");
            return true;
        }
        if let Some(pool_key) = memo.pool_public_key()
            && !self.pool_keys.contains(pool_key)
        {
            tracing::warn!(path = %path.display(), "plot has a pool public key that is not in the farmer's pool pk list");
            return true;
        }
        false
    }

    /// Reads the headers of `files`, or takes their cache entries if size and modification time
    /// still match. A cache hit costs one `stat` and is done right here; header reads go to at
    /// most `open_threads` threads, each taking a contiguous run of files. Returns, in input
    /// order, each path, whether it had a cache entry, and the outcome.
    fn open_all(&self, files: Vec<(PathBuf, Option<CacheEntry>)>) -> Vec<(PathBuf, bool, Opened)> {
        let mut results = Vec::with_capacity(files.len());
        let mut to_read = Vec::new();
        for (index, (path, cached)) in files.into_iter().enumerate() {
            if cached.is_some() {
                let opened = read_header(self.files.opener(), &path, cached);
                results.push(Some((path, true, opened)));
            } else {
                results.push(None);
                to_read.push((index, path));
            }
        }
        let workers = self.open_threads.min(to_read.len());
        let read: Vec<(usize, PathBuf, Opened)> = if workers <= 1 {
            to_read
                .into_iter()
                .map(|(index, path)| {
                    let opened = read_header(self.files.opener(), &path, None);
                    (index, path, opened)
                })
                .collect()
        } else {
            let run = to_read.len().div_ceil(workers);
            let mut runs = Vec::with_capacity(workers);
            let mut to_read = to_read.into_iter();
            loop {
                let chunk: Vec<_> = to_read.by_ref().take(run).collect();
                if chunk.is_empty() {
                    break;
                }
                runs.push(chunk);
            }
            let opener = self.files.opener();
            std::thread::scope(|scope| {
                let handles: Vec<_> = runs
                    .into_iter()
                    .map(|chunk| {
                        scope.spawn(move || {
                            chunk
                                .into_iter()
                                .map(|(index, path)| {
                                    let opened = read_header(opener, &path, None);
                                    (index, path, opened)
                                })
                                .collect::<Vec<_>>()
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .flat_map(|handle| match handle.join() {
                        Ok(read) => read,
                        Err(_) => {
                            tracing::error!(
                                "a header-reading thread panicked; its files are tried again next refresh"
                            );
                            Vec::new()
                        }
                    })
                    .collect()
            })
        };
        for (index, path, opened) in read {
            if let Some(slot) = results.get_mut(index) {
                *slot = Some((path, false, opened));
            }
        }
        results.into_iter().flatten().collect()
    }
}

/// One file: its cache entry if size and modification time still match, else its header.
fn read_header(opener: &Opener, path: &Path, cached: Option<CacheEntry>) -> Opened {
    let io_error = |source| {
        Opened::Failed(LoadError::Io {
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
        return Opened::Failed(LoadError::V2Unsupported {
            path: path.to_path_buf(),
        });
    }
    if let Some(entry) = cached
        && entry.matches(meta.len(), modified)
    {
        return Opened::Valid {
            entry,
            from_disk: false,
        };
    }
    let reader = match opener(path) {
        Ok(reader) => reader,
        Err(source) => return io_error(source),
    };
    let plot = match Plot::open(reader) {
        Ok(plot) => plot,
        Err(source) => {
            return Opened::Failed(LoadError::Plot {
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
            return Opened::Skipped;
        }
    }
    Opened::Valid {
        entry: CacheEntry {
            file_size: meta.len(),
            modified,
            data: Box::new(PlotData::of(&plot)),
        },
        from_disk: true,
    }
}
