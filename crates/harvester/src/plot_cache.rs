//! The plot header cache: what a restart needs to farm every plot without reading its header
//! again (chia/plotting/cache.py, in Sickle's own format).
//!
//! chia keeps `<root>/cache/plot_manager_v2.dat`; Sickle keeps its own file, by default
//! `<root>/cache/sickle_harvester_plots.dat` ([`default_cache_path`]), so neither ever parses
//! the other's format. For each valid plot file it holds the file's size and modification time
//! and the parsed header data a lookup needs ([`PlotData`]). The plot manager uses an entry only
//! while the file's size and modification time still match (chia trusts the path alone) and
//! drops entries of files that are gone.
//!
//! ```text
//! magic "SICKLEPC" (8) | version u8 = 1 | entry count u32
//! entry:   path len u16 | path bytes | file size u64 | mtime seconds i64 | mtime nanoseconds u32
//!          | k u8 | plot id (32) | table pointers 10 × u64 | layout file size u64
//!          | C2 length u32 | C2 entries | memo length u8 (112 or 128) | memo | plot public key (48)
//! trailer: SHA-256 of everything before it (32)
//! ```
//!
//! Integers are big-endian. Every length is checked against what remains before it is used, the
//! checksum before anything is parsed, and each table layout as an open checks it
//! ([`PlotLayout::from_parts`]), so a truncated, corrupt or foreign file is an error (which the
//! manager logs before reading every header from disk), never a panic. The file is replaced
//! atomically (a temporary file in the same directory, then a rename) and is readable by its
//! owner only: like the plot files, each memo holds its plot's local master secret key.

use std::collections::HashMap;
use std::ffi::OsString;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chia_bls::PublicKey;
use sha2::{Digest, Sha256};
use sickle_pos::memo::{MEMO_LEN_CONTRACT, MEMO_LEN_POOL_PK};
use sickle_pos::{MemoError, Plot, PlotError, PlotLayout, PlotMemo, PoolTarget, ReadAt};

/// The cache file's name in `<root>/cache/`.
pub const CACHE_FILE_NAME: &str = "sickle_harvester_plots.dat";
/// The format version this build reads and writes.
pub const CACHE_VERSION: u8 = 1;
const MAGIC: &[u8; 8] = b"SICKLEPC";
const CHECKSUM_LEN: usize = 32;
/// The smallest possible entry: an empty path, no C2 entries, a 112-byte memo.
const MIN_ENTRY_LEN: usize = 2 + 8 + 8 + 4 + 1 + 32 + 80 + 8 + 4 + 1 + MEMO_LEN_CONTRACT + 48;

/// Where the cache lives under a chia root: `<root>/cache/sickle_harvester_plots.dat`.
pub fn default_cache_path(root: &Path) -> PathBuf {
    root.join("cache").join(CACHE_FILE_NAME)
}

/// A plot memo kept as bytes: parsing its keys (a square root per compressed key) is left to the
/// rare moments that need them, so loading many plots from the cache stays cheap.
#[derive(Clone, PartialEq, Eq)]
pub struct MemoBytes {
    /// The pool public key, or the pool contract puzzle hash in the first 32 bytes.
    pool: [u8; 48],
    contract: bool,
    farmer_public_key: [u8; 48],
    local_master_sk: [u8; 32],
}

impl std::fmt::Debug for MemoBytes {
    /// Never shows the local master secret key.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoBytes")
            .field("contract", &self.contract)
            .field("farmer_public_key", &hex::encode(self.farmer_public_key))
            .finish_non_exhaustive()
    }
}

impl MemoBytes {
    /// The bytes of a parsed memo.
    pub fn of(memo: &PlotMemo) -> Self {
        let (pool, contract) = match memo.pool() {
            PoolTarget::PublicKey(key) => (key.to_bytes(), false),
            PoolTarget::ContractPuzzleHash(hash) => {
                let mut pool = [0u8; 48];
                pool[..32].copy_from_slice(hash);
                (pool, true)
            }
        };
        Self {
            pool,
            contract,
            farmer_public_key: memo.farmer_public_key().to_bytes(),
            local_master_sk: memo.local_master_sk().to_bytes(),
        }
    }

    /// Splits a 128-byte (pool public key) or 112-byte (pool contract) memo; `None` for any
    /// other length. The keys are not checked.
    pub fn from_bytes(memo: &[u8]) -> Option<Self> {
        let (pool, contract, rest) = match memo.len() {
            MEMO_LEN_POOL_PK => {
                let (pool, rest) = memo.split_first_chunk::<48>()?;
                (*pool, false, rest)
            }
            MEMO_LEN_CONTRACT => {
                let (hash, rest) = memo.split_first_chunk::<32>()?;
                let mut pool = [0u8; 48];
                pool[..32].copy_from_slice(hash);
                (pool, true, rest)
            }
            _ => return None,
        };
        let (farmer_public_key, rest) = rest.split_first_chunk::<48>()?;
        let local_master_sk = rest.first_chunk::<32>()?;
        Some(Self {
            pool,
            contract,
            farmer_public_key: *farmer_public_key,
            local_master_sk: *local_master_sk,
        })
    }

    /// The memo as stored in the plot header (128 or 112 bytes).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(MEMO_LEN_POOL_PK);
        match self.pool_contract_puzzle_hash() {
            Some(hash) => out.extend_from_slice(hash),
            None => out.extend_from_slice(&self.pool),
        }
        out.extend_from_slice(&self.farmer_public_key);
        out.extend_from_slice(&self.local_master_sk);
        out
    }

    /// The pool public key of a solo plot, compressed.
    pub fn pool_public_key(&self) -> Option<&[u8; 48]> {
        (!self.contract).then_some(&self.pool)
    }

    /// The pool contract puzzle hash of a plot NFT plot.
    pub fn pool_contract_puzzle_hash(&self) -> Option<&[u8; 32]> {
        if self.contract {
            self.pool.first_chunk::<32>()
        } else {
            None
        }
    }

    /// The farmer public key, compressed.
    pub fn farmer_public_key(&self) -> &[u8; 48] {
        &self.farmer_public_key
    }

    /// Parses and fully checks the memo (subgroup checks, secret key range), for signing.
    pub fn parse(&self) -> Result<PlotMemo, MemoError> {
        PlotMemo::parse(&self.to_bytes())
    }
}

/// The parsed header data of a valid plot: everything farming it needs, in a few hundred bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlotData {
    /// k, plot id, table pointers and C2: what a lookup reads the file with.
    pub layout: PlotLayout,
    /// The memo's keys, as bytes.
    pub memo: MemoBytes,
    /// The plot public key (taproot share included for plot NFT plots), compressed.
    pub plot_public_key: [u8; 48],
}

impl PlotData {
    /// The data of a plot opened from disk. The small-C1 copy is left out: one more read per
    /// lookup of a k ≤ 22 plot, and the same data whether a plot came from disk or the cache.
    pub fn of<R: ReadAt>(plot: &Plot<R>) -> Self {
        Self {
            layout: plot.layout().clone().without_c1_cache(),
            memo: MemoBytes::of(plot.memo()),
            plot_public_key: plot.plot_public_key().to_bytes(),
        }
    }

    /// The pool public key of a solo plot. Decompressing costs a square root, so callers ask
    /// only when a proof is found or a plot is synced.
    pub fn pool_public_key(&self) -> Result<Option<PublicKey>, chia_bls::Error> {
        self.memo
            .pool_public_key()
            .map(PublicKey::from_bytes_unchecked)
            .transpose()
    }

    /// The plot public key.
    pub fn plot_public_key(&self) -> Result<PublicKey, chia_bls::Error> {
        PublicKey::from_bytes_unchecked(&self.plot_public_key)
    }
}

/// A valid plot file as it was when its header was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheEntry {
    /// File size in bytes.
    pub file_size: u64,
    /// Modification time.
    pub modified: SystemTime,
    /// The header data, boxed so it moves into a loaded plot without a copy.
    pub data: Box<PlotData>,
}

impl CacheEntry {
    /// Whether the entry still describes a file of this size and modification time.
    pub fn matches(&self, file_size: u64, modified: SystemTime) -> bool {
        self.file_size == file_size && self.modified == modified
    }
}

/// Why the bytes of a cache file cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The file does not start with Sickle's magic.
    #[error("not a sickle plot cache (bad magic)")]
    BadMagic,
    /// Another format version.
    #[error("cache format version {found}, this build reads version {expected}")]
    Version {
        /// The file's version byte.
        found: u8,
        /// [`CACHE_VERSION`].
        expected: u8,
    },
    /// The file ends before something it announces.
    #[error("truncated: {what} needs bytes {offset}..{end} but the file has {size}")]
    Truncated {
        /// What was being read.
        what: &'static str,
        /// First byte needed.
        offset: usize,
        /// One past the last byte needed.
        end: usize,
        /// The file's size.
        size: usize,
    },
    /// The trailer is not the SHA-256 of the rest.
    #[error("checksum mismatch: the file is corrupt")]
    Checksum,
    /// Reading the file failed part way.
    #[error("read error at byte {offset}: {source}")]
    Io {
        /// Bytes read before the error.
        offset: usize,
        /// The I/O error.
        source: io::Error,
    },
    /// Bytes left between the last entry and the trailer.
    #[error("{extra} unexpected bytes after the last entry")]
    TrailingBytes {
        /// How many.
        extra: usize,
    },
    /// An entry's modification time is out of range.
    #[error("entry {index}: modification time {seconds}.{nanos:09} is out of range")]
    Time {
        /// Entry number, from 0.
        index: u32,
        /// Seconds since the epoch.
        seconds: i64,
        /// Nanoseconds.
        nanos: u32,
    },
    /// An entry's memo length is neither 112 nor 128.
    #[error("entry {index}: memo length {got} (expected 112 or 128)")]
    MemoLength {
        /// Entry number, from 0.
        index: u32,
        /// The length found.
        got: u8,
    },
    /// An entry's table layout is inconsistent.
    #[error("entry {index}: {source}")]
    Layout {
        /// Entry number, from 0.
        index: u32,
        /// What `sickle-pos` found wrong.
        source: PlotError,
    },
}

/// Why the cache file could not be loaded or saved.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CacheError {
    /// Reading the file failed.
    #[error("cannot read plot cache {path}: {source}")]
    Read {
        /// The cache file.
        path: PathBuf,
        /// The I/O error.
        source: io::Error,
    },
    /// The file's contents are unusable.
    #[error("ignoring plot cache {path}: {source}")]
    Decode {
        /// The cache file.
        path: PathBuf,
        /// What is wrong.
        source: DecodeError,
    },
    /// Writing the file (or its directory, or the rename) failed.
    #[error("cannot write plot cache {path}: {source}")]
    Write {
        /// The cache file.
        path: PathBuf,
        /// The I/O error.
        source: io::Error,
    },
}

/// Reads the cache at `path`; a missing file is an empty cache.
///
/// The file is decoded as it is read (never held whole in memory: at 100,000 plots it is 45 MB)
/// and its entries are returned only once the checksum at its end matches.
pub fn load(path: &Path) -> Result<HashMap<PathBuf, CacheEntry>, CacheError> {
    let read_error = |source| CacheError::Read {
        path: path.to_path_buf(),
        source,
    };
    let file = match File::open(path) {
        Ok(file) => file,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(HashMap::new()),
        Err(source) => return Err(read_error(source)),
    };
    let size = file.metadata().map_err(read_error)?.len();
    let size = usize::try_from(size).unwrap_or(usize::MAX);
    decode_from(BufReader::with_capacity(1 << 16, file), size).map_err(|source| {
        CacheError::Decode {
            path: path.to_path_buf(),
            source,
        }
    })
}

/// One entry to save, borrowed from wherever the manager keeps it.
#[derive(Debug, Clone, Copy)]
pub struct EntryRef<'a> {
    /// The plot file.
    pub path: &'a Path,
    /// File size in bytes.
    pub file_size: u64,
    /// Modification time.
    pub modified: SystemTime,
    /// The header data.
    pub data: &'a PlotData,
}

/// Replaces the cache at `path` with `entries`: written to a temporary file next to it (mode
/// 0600), flushed to disk, then renamed over it. Creates the directory if needed.
pub fn save(path: &Path, entries: &[EntryRef<'_>]) -> Result<(), CacheError> {
    let write_error = |source| CacheError::Write {
        path: path.to_path_buf(),
        source,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(write_error)?;
    }
    let mut temp_name = path.as_os_str().to_owned();
    temp_name.push(format!(".tmp-{}", std::process::id()));
    let temp = PathBuf::from(temp_name);
    let written = write_file(&temp, entries).and_then(|()| std::fs::rename(&temp, path));
    if let Err(error) = written {
        if let Err(cleanup) = std::fs::remove_file(&temp)
            && cleanup.kind() != io::ErrorKind::NotFound
        {
            tracing::warn!(path = %temp.display(), error = %cleanup, "cannot remove temporary plot cache");
        }
        return Err(write_error(error));
    }
    Ok(())
}

fn write_file(temp: &Path, entries: &[EntryRef<'_>]) -> io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(temp)?;
    let mut out = HashingWriter {
        inner: BufWriter::with_capacity(1 << 16, file),
        hasher: Sha256::new(),
    };
    encode_into(&mut out, entries)?;
    let digest: [u8; 32] = out.hasher.finalize().into();
    let mut inner = out.inner;
    inner.write_all(&digest)?;
    let file: File = inner.into_inner().map_err(io::IntoInnerError::into_error)?;
    file.sync_all()
}

/// The bytes of a cache file holding `entries`.
pub fn encode(entries: &[EntryRef<'_>]) -> Vec<u8> {
    let mut out = HashingWriter {
        inner: Vec::new(),
        hasher: Sha256::new(),
    };
    // Writing to a Vec cannot fail.
    let _infallible = encode_into(&mut out, entries);
    let digest: [u8; 32] = out.hasher.finalize().into();
    let mut bytes = out.inner;
    bytes.extend_from_slice(&digest);
    bytes
}

/// Writes through to `inner` and hashes what it wrote.
struct HashingWriter<W> {
    inner: W,
    hasher: Sha256,
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let written = self.inner.write(buf)?;
        self.hasher.update(buf.get(..written).unwrap_or(buf));
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

fn encode_into(out: &mut impl Write, entries: &[EntryRef<'_>]) -> io::Result<()> {
    let count = u32::try_from(entries.len())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "too many plots to cache"))?;
    out.write_all(MAGIC)?;
    out.write_all(&[CACHE_VERSION])?;
    out.write_all(&count.to_be_bytes())?;
    let mut buf = Vec::with_capacity(1024);
    for entry in entries {
        buf.clear();
        let path = entry.path.as_os_str().as_bytes();
        let path_len = u16::try_from(path.len()).map_err(|_| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "plot path longer than 65535 bytes: {}",
                    entry.path.display()
                ),
            )
        })?;
        buf.extend_from_slice(&path_len.to_be_bytes());
        buf.extend_from_slice(path);
        buf.extend_from_slice(&entry.file_size.to_be_bytes());
        let (seconds, nanos) = split_time(entry.modified);
        buf.extend_from_slice(&seconds.to_be_bytes());
        buf.extend_from_slice(&nanos.to_be_bytes());
        let layout = &entry.data.layout;
        buf.push(layout.k());
        buf.extend_from_slice(layout.plot_id());
        for pointer in layout.table_pointers() {
            buf.extend_from_slice(&pointer.to_be_bytes());
        }
        buf.extend_from_slice(&layout.file_size().to_be_bytes());
        let c2 = layout.c2_entries();
        // At most 2^16 entries of at most 7 bytes: always fits.
        buf.extend_from_slice(&u32::try_from(c2.len()).unwrap_or(u32::MAX).to_be_bytes());
        buf.extend_from_slice(c2);
        let memo = entry.data.memo.to_bytes();
        // 112 or 128.
        buf.push(u8::try_from(memo.len()).unwrap_or(u8::MAX));
        buf.extend_from_slice(&memo);
        buf.extend_from_slice(&entry.data.plot_public_key);
        out.write_all(&buf)?;
    }
    Ok(())
}

/// Parses the bytes of a cache file.
pub fn decode(bytes: &[u8]) -> Result<HashMap<PathBuf, CacheEntry>, DecodeError> {
    decode_from(bytes, bytes.len())
}

/// Parses a cache file of `size` bytes from `reader`, hashing as it goes; the entries are
/// returned only if the trailer matches. Every length is checked against `size` first, so a
/// damaged file allocates no more than it holds.
fn decode_from(
    reader: impl Read,
    size: usize,
) -> Result<HashMap<PathBuf, CacheEntry>, DecodeError> {
    let body_len = size.saturating_sub(CHECKSUM_LEN);
    let mut cursor = Cursor {
        reader,
        hasher: Sha256::new(),
        at: 0,
        end: body_len,
        size,
    };
    if cursor.array::<8>("magic")? != *MAGIC {
        return Err(DecodeError::BadMagic);
    }
    let version = cursor.u8("version")?;
    if version != CACHE_VERSION {
        return Err(DecodeError::Version {
            found: version,
            expected: CACHE_VERSION,
        });
    }
    let count = cursor.u32("entry count")?;
    let most = body_len.saturating_sub(cursor.at) / MIN_ENTRY_LEN;
    if count as usize > most {
        return Err(DecodeError::Truncated {
            what: "entries",
            offset: cursor.at,
            end: cursor
                .at
                .saturating_add((count as usize).saturating_mul(MIN_ENTRY_LEN)),
            size,
        });
    }
    let mut entries = HashMap::with_capacity(count as usize);
    for index in 0..count {
        let (path, entry) = decode_entry(&mut cursor, index)?;
        entries.insert(path, entry);
    }
    let extra = body_len.saturating_sub(cursor.at);
    if extra != 0 {
        return Err(DecodeError::TrailingBytes { extra });
    }
    let digest: [u8; 32] = std::mem::take(&mut cursor.hasher).finalize().into();
    cursor.end = size;
    let mut trailer = [0u8; CHECKSUM_LEN];
    cursor.fill(&mut trailer, "checksum")?;
    if trailer != digest {
        return Err(DecodeError::Checksum);
    }
    Ok(entries)
}

fn decode_entry(
    cursor: &mut Cursor<impl Read>,
    index: u32,
) -> Result<(PathBuf, CacheEntry), DecodeError> {
    let path_len = cursor.u16("path length")?;
    let path = PathBuf::from(OsString::from_vec(
        cursor.bytes(usize::from(path_len), "path")?,
    ));
    let file_size = cursor.u64("file size")?;
    let seconds = cursor.i64("modification time")?;
    let nanos = cursor.u32("modification time")?;
    let modified = join_time(seconds, nanos).ok_or(DecodeError::Time {
        index,
        seconds,
        nanos,
    })?;
    let k = cursor.u8("k")?;
    let plot_id = cursor.array::<32>("plot id")?;
    let mut table_pointers = [0u64; 10];
    for pointer in &mut table_pointers {
        *pointer = cursor.u64("table pointers")?;
    }
    let layout_size = cursor.u64("layout file size")?;
    let c2_len = cursor.u32("C2 length")? as usize;
    let c2 = cursor.bytes(c2_len, "C2 entries")?;
    let layout = PlotLayout::from_parts(k, plot_id, table_pointers, layout_size, c2.into())
        .map_err(|source| DecodeError::Layout { index, source })?;
    let memo_len = cursor.u8("memo length")?;
    let mut memo = [0u8; MEMO_LEN_POOL_PK];
    let memo = memo
        .get_mut(..usize::from(memo_len))
        .ok_or(DecodeError::MemoLength {
            index,
            got: memo_len,
        })?;
    cursor.fill(memo, "memo")?;
    let memo = MemoBytes::from_bytes(memo).ok_or(DecodeError::MemoLength {
        index,
        got: memo_len,
    })?;
    let plot_public_key = cursor.array::<48>("plot public key")?;
    Ok((
        path,
        CacheEntry {
            file_size,
            modified,
            data: Box::new(PlotData {
                layout,
                memo,
                plot_public_key,
            }),
        },
    ))
}

/// A bounds-checked, hashing reader over the cache file: nothing is read past `end`.
struct Cursor<R> {
    reader: R,
    hasher: Sha256,
    /// Bytes consumed.
    at: usize,
    /// Where the bytes to read end (the trailer's start, then the file's end).
    end: usize,
    /// The file's size, for errors.
    size: usize,
}

impl<R: Read> Cursor<R> {
    /// Where `len` more bytes would end, or the error if the file does not hold them.
    fn end_of(&self, len: usize, what: &'static str) -> Result<usize, DecodeError> {
        let end = self.at.saturating_add(len);
        if end > self.end {
            return Err(DecodeError::Truncated {
                what,
                offset: self.at,
                end,
                size: self.size,
            });
        }
        Ok(end)
    }

    fn fill(&mut self, buf: &mut [u8], what: &'static str) -> Result<(), DecodeError> {
        let end = self.end_of(buf.len(), what)?;
        self.reader
            .read_exact(buf)
            .map_err(|source| match source.kind() {
                io::ErrorKind::UnexpectedEof => DecodeError::Truncated {
                    what,
                    offset: self.at,
                    end,
                    size: self.size,
                },
                _ => DecodeError::Io {
                    offset: self.at,
                    source,
                },
            })?;
        self.hasher.update(&*buf);
        self.at = end;
        Ok(())
    }

    fn bytes(&mut self, len: usize, what: &'static str) -> Result<Vec<u8>, DecodeError> {
        // Checked before allocating: a damaged length cannot ask for more than the file holds.
        self.end_of(len, what)?;
        let mut buf = vec![0u8; len];
        self.fill(&mut buf, what)?;
        Ok(buf)
    }

    fn array<const N: usize>(&mut self, what: &'static str) -> Result<[u8; N], DecodeError> {
        let mut buf = [0u8; N];
        self.fill(&mut buf, what)?;
        Ok(buf)
    }

    fn u8(&mut self, what: &'static str) -> Result<u8, DecodeError> {
        let [byte] = self.array::<1>(what)?;
        Ok(byte)
    }

    fn u16(&mut self, what: &'static str) -> Result<u16, DecodeError> {
        self.array(what).map(u16::from_be_bytes)
    }

    fn u32(&mut self, what: &'static str) -> Result<u32, DecodeError> {
        self.array(what).map(u32::from_be_bytes)
    }

    fn u64(&mut self, what: &'static str) -> Result<u64, DecodeError> {
        self.array(what).map(u64::from_be_bytes)
    }

    fn i64(&mut self, what: &'static str) -> Result<i64, DecodeError> {
        self.array(what).map(i64::from_be_bytes)
    }
}

/// A time as whole seconds from the epoch (negative before it) and nanoseconds after those.
fn split_time(time: SystemTime) -> (i64, u32) {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => (
            i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
            after.subsec_nanos(),
        ),
        Err(before) => {
            let before = before.duration();
            let seconds = i64::try_from(before.as_secs()).unwrap_or(i64::MAX);
            match before.subsec_nanos() {
                0 => (-seconds, 0),
                nanos => (-seconds - 1, 1_000_000_000 - nanos),
            }
        }
    }
}

fn join_time(seconds: i64, nanos: u32) -> Option<SystemTime> {
    if nanos >= 1_000_000_000 {
        return None;
    }
    let base = if seconds >= 0 {
        UNIX_EPOCH.checked_add(Duration::from_secs(seconds.unsigned_abs()))?
    } else {
        UNIX_EPOCH.checked_sub(Duration::from_secs(seconds.unsigned_abs()))?
    };
    base.checked_add(Duration::from_nanos(u64::from(nanos)))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn times_round_trip_on_both_sides_of_the_epoch() {
        for time in [
            UNIX_EPOCH,
            UNIX_EPOCH + Duration::new(1_700_000_000, 123_456_789),
            UNIX_EPOCH - Duration::new(5, 0),
            UNIX_EPOCH - Duration::new(5, 250),
        ] {
            let (seconds, nanos) = split_time(time);
            assert_eq!(join_time(seconds, nanos), Some(time));
        }
        assert_eq!(join_time(0, 1_000_000_000), None);
    }

    #[test]
    fn an_empty_cache_round_trips_and_every_shorter_prefix_is_an_error() {
        let bytes = encode(&[]);
        assert!(decode(&bytes).unwrap().is_empty());
        for len in 0..bytes.len() {
            assert!(decode(&bytes[..len]).is_err(), "prefix of {len} bytes");
        }
    }
}
