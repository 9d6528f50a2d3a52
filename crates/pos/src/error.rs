//! Errors from opening and reading a plot file.
//!
//! Every failure on input from disk ends here with the context needed to find the bad bytes: the
//! offset, the table, what was expected and what was found. Nothing in the reader panics on a corrupt
//! file.

use crate::fse::FseError;

/// Why a plot could not be opened or a lookup failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PlotError {
    /// The underlying positional read failed (including a short read).
    #[error("reading {len} bytes at offset {offset}: {source}")]
    Io {
        /// Byte offset of the read.
        offset: u64,
        /// Bytes requested.
        len: usize,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A read would run past the end of the file.
    #[error("plot truncated: {what} needs bytes {offset}..{end} but the file has {size} bytes")]
    Truncated {
        /// What was being read.
        what: &'static str,
        /// First byte needed.
        offset: u64,
        /// One past the last byte needed.
        end: u64,
        /// File size.
        size: u64,
    },
    /// Neither the v1 magic `Proof of Space Plot` nor the v2 magic `PLOT`.
    #[error("bad plot magic: not a chia plot file")]
    BadMagic,
    /// A v1 format description other than `v1.0`.
    #[error("unsupported plot format description {found:?} (expected \"v1.0\")")]
    BadFormatDescription {
        /// The description found, lossily decoded.
        found: String,
    },
    /// A v2 header with a version other than 2.
    #[error("unsupported v2 plot version {0} (expected 2)")]
    UnsupportedVersion(u32),
    /// A bladebit-compressed plot.
    #[error("compressed plots (level {0}) are not supported yet")]
    Compressed(u8),
    /// k outside what any plotter produces.
    #[error("plot size k={0} is outside 18..=50")]
    AbsurdK(u8),
    /// A table pointer outside the file or out of order.
    #[error("table pointer {table} = {pointer} is out of range (must lie in {min}..={max})")]
    BadPointer {
        /// Table name (`P1`…`P7`, `C1`…`C3`).
        table: &'static str,
        /// The pointer's value.
        pointer: u64,
        /// Smallest allowed value (end of the header or of the previous table).
        min: u64,
        /// Largest allowed value (the file size).
        max: u64,
    },
    /// A table too small to hold what it must (C1/C2 terminators, C3 parks).
    #[error("table {table} is too small: {got} bytes, need at least {need}")]
    TableTooSmall {
        /// Table name.
        table: &'static str,
        /// Bytes the table spans.
        got: u64,
        /// Minimum bytes needed.
        need: u64,
    },
    /// A back-pointer or position that lies past the end of its table.
    #[error("position {position} is past the end of table {table} ({parks} parks)")]
    PositionOutOfRange {
        /// Table name.
        table: &'static str,
        /// Entry position.
        position: u64,
        /// Parks in the table.
        parks: u64,
    },
    /// A park's delta stream length is impossible (`0x8000` raw flag, zero, or larger than the room).
    #[error("table {table} park {park}: delta length {len} outside 1..={max}")]
    BadDeltaLength {
        /// Table name.
        table: &'static str,
        /// Park index.
        park: u64,
        /// Stored length (raw, including any flag bit).
        len: u16,
        /// Largest allowed length.
        max: u64,
    },
    /// A park's FSE delta stream does not decode.
    #[error("table {table} park {park}: {source}")]
    CorruptDeltas {
        /// Table name.
        table: &'static str,
        /// Park index.
        park: u64,
        /// The decoder's complaint.
        #[source]
        source: FseError,
    },
    /// A line point whose decoded entry is impossible (deltas too short for the entry, or too big).
    #[error("table {table} park {park}: entry {entry} is past the {decoded} decoded deltas")]
    EntryPastDeltas {
        /// Table name.
        table: &'static str,
        /// Park index.
        park: u64,
        /// Entry index in the park.
        entry: u64,
        /// Deltas the stream holds.
        decoded: u64,
    },
    /// The header's plot id differs from the id recomputed from the memo keys.
    #[error("plot id mismatch: header says {header}, memo keys give {memo}")]
    PlotIdMismatch {
        /// Hex id from the header.
        header: String,
        /// Hex id recomputed from the memo.
        memo: String,
    },
    /// The memo is not a valid chia plot memo.
    #[error("invalid plot memo: {0}")]
    Memo(#[from] crate::memo::MemoError),
    /// `full_proof` was asked for an index past the qualities found.
    #[error("no proof of space at index {index} for this challenge ({found} found)")]
    NoProof {
        /// Requested index.
        index: usize,
        /// Proofs that exist.
        found: usize,
    },
}
