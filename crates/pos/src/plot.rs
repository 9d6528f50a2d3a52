//! An open plot: the validated header plus where every table lives, and the lookups.
//!
//! Opening reads only the header, C2 and (for small plots) C1; each lookup then reads just what
//! it needs with positional reads (a few C1 entries, one or two C3 parks, a slice of one P7 park,
//! one park per table level), so a single handle can serve concurrent lookups without a lock.
//!
//! The lookups themselves live on [`PlotLayout`], which holds no reader and no memo: a harvester
//! with many plots keeps one layout per plot (a few hundred bytes), rebuilt from its own cache
//! with [`PlotLayout::from_parts`], and opens the file only to look up, as chiapos' `DiskProver`
//! does.

use crate::checkpoint::{Checkpoints, MAX_C2, c3_park_size, positions_many};
use crate::error::PlotError;
use crate::header::{MAX_K, MIN_K, PlotHeader, check_table_pointers, read_exact};
use crate::memo::PlotMemo;
use crate::park::{
    ENTRIES_PER_PARK, ParkEntry, byte_align, line_point_to_square, line_points_in_parks,
    p7_entries, p7_park_size, park_size, table_name,
};
use crate::quality::quality_string;
use crate::read_at::ReadAt;
use chia_bls::PublicKey;

/// A chiapos v1 (or uncompressed bladebit) plot opened for lookups.
#[derive(Debug)]
pub struct Plot<R> {
    reader: R,
    header: PlotHeader,
    memo: PlotMemo,
    /// Derived from the memo at open (the id check needs it; deriving costs milliseconds).
    plot_public_key: PublicKey,
    layout: PlotLayout,
}

impl<R: ReadAt> Plot<R> {
    /// Parses and checks the header, the memo and the table layout against the file size.
    ///
    /// The plot id is recomputed from the memo's keys and must equal the header's, as chia's
    /// harvester requires before it farms a plot.
    pub fn open(reader: R) -> Result<Self, PlotError> {
        let header = PlotHeader::read(&reader)?;
        let memo = PlotMemo::parse(&header.memo)?;
        let plot_public_key = memo.plot_public_key();
        let memo_id = memo.plot_id_for(&plot_public_key);
        if memo_id != header.plot_id {
            return Err(PlotError::PlotIdMismatch {
                header: hex_string(&header.plot_id),
                memo: hex_string(&memo_id),
            });
        }
        let layout = PlotLayout::read(&reader, &header)?;
        Ok(Self {
            reader,
            header,
            memo,
            plot_public_key,
            layout,
        })
    }

    /// The parsed header.
    pub fn header(&self) -> &PlotHeader {
        &self.header
    }

    /// The parsed memo: pool target, farmer key, local master secret key.
    pub fn memo(&self) -> &PlotMemo {
        &self.memo
    }

    /// The plot public key the memo gives (taproot share included for plot NFT plots).
    pub fn plot_public_key(&self) -> &PublicKey {
        &self.plot_public_key
    }

    /// Plot size parameter k.
    pub fn k(&self) -> u8 {
        self.header.k
    }

    /// The 32-byte plot id from the header.
    pub fn plot_id(&self) -> &[u8; 32] {
        &self.header.plot_id
    }

    /// The underlying reader.
    pub fn reader(&self) -> &R {
        &self.reader
    }

    /// Where the tables are, and the lookups without the memo.
    pub fn layout(&self) -> &PlotLayout {
        &self.layout
    }

    /// The P6 positions of every proof whose f7 equals the challenge's first k bits, in P7 order.
    ///
    /// This is a superset of chiapos' answer: it also returns the entries chiapos' C1/C3 walk skips.
    pub fn p6_positions(&self, challenge: &[u8; 32]) -> Result<Vec<u64>, PlotError> {
        self.layout.p6_positions(&self.reader, challenge)
    }

    /// The quality strings for `challenge`, one per proof, in P7 order.
    pub fn qualities_for_challenge(
        &self,
        challenge: &[u8; 32],
    ) -> Result<Vec<[u8; 32]>, PlotError> {
        self.layout.qualities_for_challenge(&self.reader, challenge)
    }

    /// The full proof (64 x values of k bits, proof order, `8k` bytes) of the `index`-th quality.
    pub fn full_proof(&self, challenge: &[u8; 32], index: usize) -> Result<Vec<u8>, PlotError> {
        self.layout.full_proof(&self.reader, challenge, index)
    }

    /// The 64 x values under P6 entry `p6`, in plot order (`GetInputs`).
    pub fn leaves(&self, p6: u64) -> Result<Vec<u64>, PlotError> {
        self.layout.leaves(&self.reader, p6)
    }
}

/// Where a plot's tables are, plus its C2 checkpoints: everything a lookup needs besides the
/// file itself. It holds no reader and no memo, so it can be kept per plot and reused with a
/// fresh handle for each lookup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlotLayout {
    k: u8,
    plot_id: [u8; 32],
    /// Absolute offsets of P1..P7, C1, C2, C3, non-decreasing, at most `file_size`.
    table_pointers: [u64; 10],
    file_size: u64,
    /// The C2 entries as on disk (`ceil(k/8)` bytes each), up to the terminator.
    c2: Box<[u8]>,
    /// All of C1, decoded, for plots whose C1 is at most 4 KiB (read at open, saves a read).
    c1_cache: Option<Box<[u64]>>,
}

impl PlotLayout {
    /// Checks the table layout of `header` against `reader`'s size and reads C2 (and C1 when it
    /// is small).
    pub fn read<R: ReadAt + ?Sized>(reader: &R, header: &PlotHeader) -> Result<Self, PlotError> {
        let file_size = reader.size();
        check_tables(header.k, &header.table_pointers, file_size)?;
        let ptr = header.table_pointers;
        let entry = byte_align(u64::from(header.k));
        let c2 = Checkpoints::read_c2(reader, header.k, ptr[8], (ptr[9] - ptr[8]) / entry)?;
        let mut layout = Self {
            k: header.k,
            plot_id: header.plot_id,
            table_pointers: ptr,
            file_size,
            c2: c2.into_boxed_slice(),
            c1_cache: None,
        };
        layout.c1_cache = layout
            .checkpoints()
            .read_small_c1(reader)?
            .map(Vec::into_boxed_slice);
        Ok(layout)
    }

    /// Rebuilds a layout from saved parts without reading the file: the C2 entry bytes as
    /// [`c2_entries`](Self::c2_entries) gave them. Everything is checked as [`read`](Self::read)
    /// checks it, so parts from a corrupt cache give an error, never a panic later.
    pub fn from_parts(
        k: u8,
        plot_id: [u8; 32],
        table_pointers: [u64; 10],
        file_size: u64,
        c2_entries: Box<[u8]>,
    ) -> Result<Self, PlotError> {
        check_tables(k, &table_pointers, file_size)?;
        let entry = byte_align(u64::from(k));
        let slots = (table_pointers[9] - table_pointers[8]) / entry;
        let stored = c2_entries.len() as u64;
        if !stored.is_multiple_of(entry) || stored / entry > slots.saturating_sub(1).min(MAX_C2) {
            return Err(PlotError::TableTooSmall {
                table: "C2",
                got: table_pointers[9] - table_pointers[8],
                need: stored
                    .div_ceil(entry)
                    .saturating_add(1)
                    .saturating_mul(entry),
            });
        }
        Ok(Self {
            k,
            plot_id,
            table_pointers,
            file_size,
            c2: c2_entries,
            c1_cache: None,
        })
    }

    /// The same layout without the in-memory copy of a small C1 (one more read per lookup, less
    /// memory per plot).
    pub fn without_c1_cache(mut self) -> Self {
        self.c1_cache = None;
        self
    }

    /// Plot size parameter k.
    pub fn k(&self) -> u8 {
        self.k
    }

    /// The 32-byte plot id from the header.
    pub fn plot_id(&self) -> &[u8; 32] {
        &self.plot_id
    }

    /// Absolute offsets of P1..P7, C1, C2, C3.
    pub fn table_pointers(&self) -> &[u64; 10] {
        &self.table_pointers
    }

    /// The file size the layout was checked against.
    pub fn file_size(&self) -> u64 {
        self.file_size
    }

    /// The C2 entries kept, as on disk: `ceil(k/8)` bytes each.
    pub fn c2_entries(&self) -> &[u8] {
        &self.c2
    }

    fn checkpoints(&self) -> Checkpoints<'_> {
        let entry = byte_align(u64::from(self.k));
        let ptr = &self.table_pointers;
        Checkpoints {
            k: self.k,
            c1_start: ptr[7],
            c1_slots: (ptr[8] - ptr[7]) / entry,
            c2: &self.c2,
            c1_cache: self.c1_cache.as_deref(),
            c3_start: ptr[9],
            file_size: self.file_size,
        }
    }

    /// The park of table `table` (1..=7) holding entry `position`, if the table has that park.
    fn park_of(&self, table: u8, position: u64) -> Result<u64, PlotError> {
        let index = usize::from(table - 1);
        let span = self.table_pointers[index + 1] - self.table_pointers[index];
        let size = if table == 7 {
            p7_park_size(self.k)
        } else {
            park_size(self.k, table)
        };
        let parks = span / size;
        let park = position / ENTRIES_PER_PARK;
        if park >= parks {
            return Err(PlotError::PositionOutOfRange {
                table: table_name(table),
                position,
                parks,
            });
        }
        Ok(park)
    }

    /// The P6 positions of every proof whose f7 equals the challenge's first k bits, in P7 order.
    ///
    /// This is a superset of chiapos' answer: it also returns the entries chiapos' C1/C3 walk skips.
    pub fn p6_positions<R: ReadAt + ?Sized>(
        &self,
        reader: &R,
        challenge: &[u8; 32],
    ) -> Result<Vec<u64>, PlotError> {
        let query = (self.checkpoints(), reader, self.f7_target(challenge));
        let positions = positions_many(&[query]).pop().unwrap_or(Ok(Vec::new()))?;
        self.p6_of(reader, &positions)
    }

    /// The first k bits of a challenge: the f7 value its proofs have.
    fn f7_target(&self, challenge: &[u8; 32]) -> u64 {
        let mut first = [0u8; 8];
        first.copy_from_slice(&challenge[..8]);
        u64::from_be_bytes(first) >> (64 - u32::from(self.k))
    }

    /// The P6 positions held by consecutive P7 `positions`, reading each P7 park's slice once.
    fn p6_of<R: ReadAt + ?Sized>(
        &self,
        reader: &R,
        positions: &[u64],
    ) -> Result<Vec<u64>, PlotError> {
        let (Some(&first), Some(&last)) = (positions.first(), positions.last()) else {
            return Ok(Vec::new());
        };
        let k = self.k;
        let width = u64::from(k) + 1;
        let mut out = Vec::with_capacity(positions.len());
        let mut bytes = Vec::new();
        let mut position = first;
        while position <= last {
            let park = self.park_of(7, position)?;
            let in_park = position % ENTRIES_PER_PARK;
            let count = (last - position + 1).min(ENTRIES_PER_PARK - in_park);
            let first_bit = in_park * width;
            let end_bit = first_bit + count * width;
            let offset = self.table_pointers[6] + park * p7_park_size(k) + first_bit / 8;
            bytes.resize((byte_align(end_bit) - first_bit / 8) as usize, 0);
            read_exact(reader, offset, &mut bytes, "P7 park")?;
            out.extend(p7_entries(&bytes, k, in_park, count));
            position += count;
        }
        Ok(out)
    }

    /// The quality strings for `challenge`, one per proof, in P7 order.
    pub fn qualities_for_challenge<R: ReadAt + ?Sized>(
        &self,
        reader: &R,
        challenge: &[u8; 32],
    ) -> Result<Vec<[u8; 32]>, PlotError> {
        let query = QualityQuery {
            layout: self,
            reader,
            challenge,
        };
        qualities_for_challenges(&[query])
            .pop()
            .unwrap_or(Ok(Vec::new()))
    }

    /// The full proof (64 x values of k bits, proof order, `8k` bytes) of the `index`-th quality.
    pub fn full_proof<R: ReadAt + ?Sized>(
        &self,
        reader: &R,
        challenge: &[u8; 32],
        index: usize,
    ) -> Result<Vec<u8>, PlotError> {
        let positions = self.p6_positions(reader, challenge)?;
        let &p6 = positions.get(index).ok_or(PlotError::NoProof {
            index,
            found: positions.len(),
        })?;
        let xs = self.leaves(reader, p6)?;
        Ok(crate::prover::proof_from_leaves(&xs, &self.plot_id, self.k))
    }

    /// The 64 x values under P6 entry `p6`, in plot order (`GetInputs`).
    ///
    /// Walks the tree a level at a time (1 P6 entry, 2 in P5, …, 32 in P1), decoding each level's
    /// parks in lockstep ([`line_points_in_parks`]). Each entry expands to (smaller, larger),
    /// which keeps chiapos' left-to-right plot order.
    pub fn leaves<R: ReadAt + ?Sized>(&self, reader: &R, p6: u64) -> Result<Vec<u64>, PlotError> {
        let mut parks = Vec::new();
        let mut level = vec![p6];
        for table in (1..=6u8).rev() {
            let at: Vec<_> = level.iter().map(|&p| (self, reader, p)).collect();
            let line_points = line_points_at(table, &at, &mut parks);
            level = Vec::with_capacity(2 * level.len());
            for line_point in line_points {
                let (larger, smaller) = line_point_to_square(line_point?);
                level.push(smaller);
                level.push(larger);
            }
        }
        Ok(level)
    }

    /// Reads the park holding entry `position` of table `table` (1..=6) into `park`; returns the
    /// park's index.
    fn read_park<R: ReadAt + ?Sized>(
        &self,
        reader: &R,
        table: u8,
        position: u64,
        park: &mut Vec<u8>,
    ) -> Result<u64, PlotError> {
        let index = usize::from(table - 1);
        let park_index = self.park_of(table, position)?;
        let size = park_size(self.k, table);
        let offset = self.table_pointers[index] + park_index * size;
        park.resize(size as usize, 0);
        read_exact(reader, offset, park, "park")?;
        Ok(park_index)
    }
}

/// The layout checks of an open: k in range, pointers in order and within the file, C1 and C2
/// holding at least their terminators, C3 at least a park length.
fn check_tables(k: u8, table_pointers: &[u64; 10], file_size: u64) -> Result<(), PlotError> {
    if !(MIN_K..=MAX_K).contains(&k) {
        return Err(PlotError::AbsurdK(k));
    }
    check_table_pointers(table_pointers, 0, file_size)?;
    let entry = byte_align(u64::from(k));
    let span = |i: usize| table_pointers[i + 1].saturating_sub(table_pointers[i]);
    if span(7) / entry < 1 {
        return Err(PlotError::TableTooSmall {
            table: "C1",
            got: span(7),
            need: entry,
        });
    }
    // chiapos requires at least one C2 value and its terminator ("Invalid C2 table size").
    if span(8) / entry < 2 {
        return Err(PlotError::TableTooSmall {
            table: "C2",
            got: span(8),
            need: 2 * entry,
        });
    }
    let c3 = file_size.saturating_sub(table_pointers[9]);
    if c3 < 2 {
        return Err(PlotError::TableTooSmall {
            table: "C3",
            got: c3,
            need: c3_park_size(k),
        });
    }
    Ok(())
}

fn hex_string(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// One plot's part in [`qualities_for_challenges`].
#[derive(Debug)]
pub struct QualityQuery<'a, R: ?Sized> {
    /// The plot's layout.
    pub layout: &'a PlotLayout,
    /// A handle on the plot's file.
    pub reader: &'a R,
    /// The proof-of-space challenge for this plot.
    pub challenge: &'a [u8; 32],
}

// Only references: copyable whatever the reader type (a derive would ask `R: Copy`).
impl<R: ?Sized> Clone for QualityQuery<'_, R> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<R: ?Sized> Copy for QualityQuery<'_, R> {}

/// The quality strings of several plots, one result per query, in order; each as
/// [`PlotLayout::qualities_for_challenge`] would answer it.
///
/// The plots are walked together, a stage at a time (C3, P7, then P6 down to P1), and at each stage
/// their delta streams are decoded in lockstep, which is faster per symbol than one plot after
/// another (`sickle_pos::fse::sum_lockstep`). Reads stay per plot and an error fails only its
/// own plot; but the plots share one thread, so a read that blocks delays the others in the call.
pub fn qualities_for_challenges<R: ReadAt + ?Sized>(
    queries: &[QualityQuery<'_, R>],
) -> Vec<Result<Vec<[u8; 32]>, PlotError>> {
    let c3: Vec<_> = queries
        .iter()
        .map(|q| {
            (
                q.layout.checkpoints(),
                q.reader,
                q.layout.f7_target(q.challenge),
            )
        })
        .collect();
    let mut results: Vec<Result<Vec<[u8; 32]>, PlotError>> = Vec::with_capacity(queries.len());
    // One chain per proof: (query, position in the table being walked).
    let mut chains: Vec<(usize, u64)> = Vec::new();
    for (i, (query, positions)) in queries.iter().zip(positions_many(&c3)).enumerate() {
        match positions.and_then(|p| query.layout.p6_of(query.reader, &p)) {
            Ok(p6) => {
                chains.extend(p6.into_iter().map(|position| (i, position)));
                results.push(Ok(Vec::new()));
            }
            Err(error) => results.push(Err(error)),
        }
    }
    let mut parks = Vec::new();
    for table in (1..=6u8).rev() {
        let at: Vec<_> = chains
            .iter()
            .map(|&(query, position)| (queries[query].layout, queries[query].reader, position))
            .collect();
        let line_points = line_points_at(table, &at, &mut parks);
        let mut next = Vec::with_capacity(chains.len());
        for (&(query, _), line_point) in chains.iter().zip(line_points) {
            if results[query].is_err() {
                continue;
            }
            match line_point {
                Ok(line_point) if table > 1 => {
                    let (larger, smaller) = line_point_to_square(line_point);
                    let bit = (queries[query].challenge[31] >> (table - 2)) & 1;
                    next.push((query, if bit == 1 { larger } else { smaller }));
                }
                Ok(line_point) => {
                    let (x_hi, x_lo) = line_point_to_square(line_point);
                    let q = &queries[query];
                    if let Ok(found) = &mut results[query] {
                        found.push(quality_string(q.challenge, x_lo, x_hi, q.layout.k));
                    }
                }
                Err(error) => results[query] = Err(error),
            }
        }
        chains = next;
    }
    results
}

/// The line points of table `table` (1..=6) at each `(plot, reader, position)`, one result each;
/// `parks` holds the park buffers, reused across calls. Entries of plots of one k are decoded in
/// lockstep ([`line_points_in_parks`]).
fn line_points_at<R: ReadAt + ?Sized>(
    table: u8,
    at: &[(&PlotLayout, &R, u64)],
    parks: &mut Vec<Vec<u8>>,
) -> Vec<Result<u128, PlotError>> {
    if parks.len() < at.len() {
        parks.resize(at.len(), Vec::new());
    }
    let mut out: Vec<Result<u128, PlotError>> = at
        .iter()
        .zip(parks.iter_mut())
        .map(|(&(layout, reader, position), park)| {
            layout
                .read_park(reader, table, position, park)
                .map(u128::from)
        })
        .collect();
    let mut ks: Vec<u8> = at.iter().map(|(layout, _, _)| layout.k).collect();
    ks.sort_unstable();
    ks.dedup();
    for k in ks {
        // The entries of this k whose park was read (`out` holds the park index for now).
        let slots: Vec<usize> = (0..at.len())
            .filter(|&i| at[i].0.k == k && out[i].is_ok())
            .collect();
        let wanted: Vec<ParkEntry<'_>> = slots
            .iter()
            .map(|&i| ParkEntry {
                park: &parks[i],
                park_index: out[i].as_ref().map_or(0, |&index| index as u64),
                entry: at[i].2 % ENTRIES_PER_PARK,
            })
            .collect();
        for (slot, line_point) in slots
            .into_iter()
            .zip(line_points_in_parks(&wanted, k, table))
        {
            out[slot] = line_point;
        }
    }
    out
}
