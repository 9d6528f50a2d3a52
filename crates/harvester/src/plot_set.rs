//! The loaded plots as lookups see them: [`LoadedPlot`] (a few hundred bytes, and the file handle
//! its lookups keep open while [`OpenFiles`] allows), the immutable [`PlotSet`] snapshot and its
//! [`SharedPlots`] handle, and how a lookup opens a plot ([`Opener`], [`open_file`]). The
//! [`crate::plot_manager`] builds and publishes them.

use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError, RwLock};
use std::time::SystemTime;

use chia_bls::PublicKey;
use sickle_pos::{MemoError, PlotLayout, PlotMemo, ReadAt};

use crate::plot_cache::PlotData;

/// The positional-read handle a lookup reads through (a file, or a test double).
pub type PlotReader = Arc<dyn ReadAt + Send + Sync>;

/// Opens a plot file for reading, at load (header) and for each lookup; [`open_file`] in
/// production, anything in tests.
pub type Opener = Arc<dyn Fn(&Path) -> io::Result<PlotReader> + Send + Sync>;

/// The production [`Opener`]: a read-only [`File`]. Its size is asked of the kernel only if
/// wanted (loading a header does; a lookup has it from the plot's layout), once.
pub fn open_file(path: &Path) -> io::Result<PlotReader> {
    Ok(Arc::new(PlotFile {
        file: File::open(path)?,
        size: OnceLock::new(),
    }))
}

/// A plot file and its size when first asked (a `File`'s own `size` asks the kernel each time).
struct PlotFile {
    file: File,
    size: OnceLock<u64>,
}

impl ReadAt for PlotFile {
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        self.file.read_exact_at(buf, offset)
    }

    fn size(&self) -> u64 {
        // `fstat` on an open descriptor does not fail in practice; if it did, the size 0 makes
        // the header read fail as a file too short.
        *self
            .size
            .get_or_init(|| self.file.metadata().map_or(0, |meta| meta.len()))
    }
}

/// How many plot files the loaded plots of one manager may keep open between lookups.
///
/// Opening a plot costs a path walk, an `open` and a `close`: on the test machine about 3 µs of
/// a 50 µs lookup. A plot whose lookup finds a slot keeps its handle until it is
/// unloaded (removed, changed or replaced by a refresh) or a lookup of it fails; plots beyond the
/// limit open their file for each lookup, as chiapos does.
#[derive(Debug)]
pub struct OpenFiles {
    left: AtomicUsize,
}

impl OpenFiles {
    /// Room for `limit` open plot files.
    pub fn new(limit: usize) -> Arc<Self> {
        Arc::new(Self {
            left: AtomicUsize::new(limit),
        })
    }

    /// Slots not taken.
    pub fn available(&self) -> usize {
        self.left.load(Ordering::Acquire)
    }

    fn take(&self) -> bool {
        self.left
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |left| {
                left.checked_sub(1)
            })
            .is_ok()
    }

    fn give_back(&self) {
        self.left.fetch_add(1, Ordering::AcqRel);
    }
}

/// How the plots of one manager open their files: the [`Opener`], and the [`OpenFiles`] budget
/// of files kept open (none: every lookup opens its file). One per manager, shared by its plots.
pub struct PlotFiles {
    opener: Opener,
    open_files: Option<Arc<OpenFiles>>,
}

impl PlotFiles {
    /// Files opened with `opener`, up to `open_files` of them kept open.
    pub fn new(opener: Opener, open_files: Option<Arc<OpenFiles>>) -> Arc<Self> {
        Arc::new(Self { opener, open_files })
    }

    /// The opener.
    pub fn opener(&self) -> &Opener {
        &self.opener
    }

    /// The budget of files kept open, if files are kept open.
    pub fn open_files(&self) -> Option<&Arc<OpenFiles>> {
        self.open_files.as_ref()
    }
}

/// Counters kept per loaded plot, updated by lookups (32 bits: a plot looked up at every signage
/// point wraps after about 1,200 years; a loaded plot stays small, see [`LoadedPlot`]).
#[derive(Debug, Default)]
pub struct PlotStats {
    /// Quality lookups started.
    pub lookups: AtomicU32,
    /// Lookups that failed with an error.
    pub errors: AtomicU32,
    /// Lookups abandoned because they exceeded the per-plot deadline.
    pub timeouts: AtomicU32,
    /// A lookup of this plot is running on the blocking pool (possibly stuck on its disk).
    pub in_flight: AtomicBool,
}

/// A plot that is farmed (chia's `PlotInfo`).
///
/// It is kept small: at most 104 bytes, so that with its `Arc` counts it fits a 128-byte
/// allocation (a test checks). A harvester holds one per plot, and 100,000 plots must stay under
/// 1 KiB of resident memory each, header data included: a version 32 bytes larger measured
/// about 980 B per plot at a restart from the header cache instead of about 825.
pub struct LoadedPlot {
    /// Absolute path of the file.
    pub path: PathBuf,
    /// File size in bytes when loaded.
    pub file_size: u64,
    /// Modification time when loaded.
    pub modified: SystemTime,
    /// Lookup counters.
    pub stats: PlotStats,
    data: Box<PlotData>,
    files: Arc<PlotFiles>,
    /// The handle lookups reuse, once one got a slot (boxed again: a thin pointer keeps the
    /// plot small).
    handle: Mutex<Option<Arc<PlotReader>>>,
}

impl Drop for LoadedPlot {
    fn drop(&mut self) {
        self.close();
    }
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
    /// A plot the manager loaded: `data` from its header or the cache; lookups open it as
    /// `files` says.
    pub(crate) fn new(
        path: PathBuf,
        file_size: u64,
        modified: SystemTime,
        data: Box<PlotData>,
        files: Arc<PlotFiles>,
    ) -> Self {
        Self {
            path,
            file_size,
            modified,
            stats: PlotStats::default(),
            data,
            files,
            handle: Mutex::new(None),
        }
    }

    /// The plot id.
    pub fn plot_id(&self) -> &[u8; 32] {
        self.data.layout.plot_id()
    }

    /// The plot size parameter k.
    pub fn k(&self) -> u8 {
        self.data.layout.k()
    }

    /// Where the tables are: what a lookup reads the file with.
    pub fn layout(&self) -> &PlotLayout {
        &self.data.layout
    }

    /// The header data, as the cache stores it.
    pub fn data(&self) -> &PlotData {
        &self.data
    }

    /// The file for one lookup: the kept handle, else a new one, kept if [`OpenFiles`] has room.
    pub fn open(&self) -> io::Result<PlotReader> {
        if let Some(reader) = self.kept().as_deref() {
            return Ok(Arc::clone(reader));
        }
        let reader = (self.files.opener)(&self.path)?;
        if let Some(open_files) = &self.files.open_files {
            let mut kept = self.kept();
            if kept.is_none() && open_files.take() {
                *kept = Some(Arc::new(Arc::clone(&reader)));
            }
        }
        Ok(reader)
    }

    /// Drops the kept handle, if any, and frees its slot: after a failed lookup, so the next one
    /// opens the file afresh (a remounted disk, a replaced file).
    pub fn close(&self) {
        if self.kept().take().is_some()
            && let Some(open_files) = &self.files.open_files
        {
            open_files.give_back();
        }
    }

    /// Whether a handle is kept open.
    pub fn is_open(&self) -> bool {
        self.kept().is_some()
    }

    fn kept(&self) -> MutexGuard<'_, Option<Arc<PlotReader>>> {
        self.handle.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The memo's pool contract puzzle hash (plot NFT plots).
    pub fn pool_contract_puzzle_hash(&self) -> Option<[u8; 32]> {
        self.data.memo.pool_contract_puzzle_hash().copied()
    }

    /// The memo's pool public key (solo plots), decompressed.
    pub fn pool_public_key(&self) -> Result<Option<PublicKey>, chia_bls::Error> {
        self.data.pool_public_key()
    }

    /// The plot public key (with the taproot share for plot NFT plots), decompressed.
    pub fn plot_public_key(&self) -> Result<PublicKey, chia_bls::Error> {
        self.data.plot_public_key()
    }

    /// The memo, parsed and checked (for signing).
    pub fn memo(&self) -> Result<PlotMemo, MemoError> {
        self.data.memo.parse()
    }
}

/// An immutable snapshot of the loaded plots, sorted by path (`Path`'s order), one per path.
///
/// A list rather than a map: 8 bytes per plot, and a copy for the next snapshot is a `memcpy`
/// plus reference counts.
#[derive(Debug, Default, Clone)]
pub struct PlotSet {
    plots: Vec<Arc<LoadedPlot>>,
}

impl PlotSet {
    /// How many plots are loaded.
    pub fn len(&self) -> usize {
        self.plots.len()
    }

    /// Whether no plot is loaded.
    pub fn is_empty(&self) -> bool {
        self.plots.is_empty()
    }

    /// The plots in path order.
    pub fn iter(&self) -> std::slice::Iter<'_, Arc<LoadedPlot>> {
        self.plots.iter()
    }

    /// The plots' paths in order.
    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        self.plots.iter().map(|plot| plot.path.as_path())
    }

    /// The plot at `path` (a binary search).
    pub fn get(&self, path: &Path) -> Option<&Arc<LoadedPlot>> {
        self.plots
            .binary_search_by(|plot| plot.path.as_path().cmp(path))
            .ok()
            .and_then(|index| self.plots.get(index))
    }

    /// Keeps the plots for which `keep` is true.
    pub(crate) fn retain(&mut self, keep: impl FnMut(&Arc<LoadedPlot>) -> bool) {
        self.plots.retain(keep);
    }

    /// Adds `new` plots, none of whose paths is in the set yet.
    pub(crate) fn merge(&mut self, mut new: Vec<Arc<LoadedPlot>>) {
        if new.is_empty() {
            return;
        }
        // Already in order when they come from one scan: a stable sort only checks that.
        new.sort_by(|a, b| a.path.cmp(&b.path));
        if self
            .plots
            .last()
            .is_none_or(|last| new.first().is_none_or(|first| last.path < first.path))
        {
            self.plots.extend(new);
            return;
        }
        let old = std::mem::take(&mut self.plots);
        let mut merged = Vec::with_capacity(old.len() + new.len());
        let mut old = old.into_iter().peekable();
        let mut new = new.into_iter().peekable();
        loop {
            let take_old = match (old.peek(), new.peek()) {
                (Some(a), Some(b)) => a.path <= b.path,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            let next = if take_old { old.next() } else { new.next() };
            merged.extend(next);
        }
        self.plots = merged;
    }
}

impl<'a> IntoIterator for &'a PlotSet {
    type Item = &'a Arc<LoadedPlot>;
    type IntoIter = std::slice::Iter<'a, Arc<LoadedPlot>>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
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

    pub(crate) fn publish(&self, set: Arc<PlotSet>) {
        match self.0.write() {
            Ok(mut guard) => *guard = set,
            Err(poisoned) => *poisoned.into_inner() = set,
        }
    }
}

impl PlotStats {
    /// Adds one to `counter`.
    pub fn bump(counter: &AtomicU32) {
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::{LoadedPlot, open_file};

    #[test]
    fn a_loaded_plot_fits_a_128_byte_allocation() {
        // `Arc` adds two counts; glibc adds an 8-byte header and rounds to 16.
        let size = std::mem::size_of::<LoadedPlot>();
        assert!(size + 16 + 8 <= 128, "LoadedPlot grew to {size} bytes");
    }

    #[test]
    fn an_opened_file_reads_and_gives_its_size_when_asked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.plot");
        std::fs::write(&path, b"0123456789").unwrap();
        let reader = open_file(&path).unwrap();
        let mut buf = [0u8; 4];
        reader.read_at(3, &mut buf).unwrap();
        assert_eq!(&buf, b"3456");
        // Asked once, then kept: growing the file afterwards does not change the answer.
        assert_eq!(reader.size(), 10);
        std::fs::write(&path, b"0123456789abcdef").unwrap();
        assert_eq!(reader.size(), 10);
        assert_eq!(open_file(&path).unwrap().size(), 16);
    }
}
