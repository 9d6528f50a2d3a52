//! From a challenge to P7 positions: the C1 checkpoints and the C3 delta parks (plot-format §7–§8).
//!
//! ```text
//! C1: one ceil(k/8)-byte left-aligned f7 per 10000 f7 values, then an all-zero terminator
//! C3: one park of C3Size bytes per C1 entry: u16 BE length | FSE (R = 1.0) f7 deltas
//! ```
//!
//! chiapos' walk misses some proofs (the checkpoint entry itself, entries at the end of the previous
//! park, runs ending at park offset 9998/9999). This walk finds every position whose f7 equals the
//! target: search C1 for the last checkpoint ≤ target (reading a small window where the target
//! should be, since f7 values are uniform), step back one park when the checkpoint equals the
//! target, and walk the deltas until the value passes the target.

use crate::error::PlotError;
use crate::fse::{DeltaTable, FseDecoder, FseError, LockstepGoal, sum_lockstep};
use crate::header::read_exact;
use crate::park::byte_align;
use crate::read_at::ReadAt;

/// f7 values per C1 entry and per C3 park (`kCheckpoint1Interval`).
pub const CHECKPOINT1_INTERVAL: u64 = 10_000;
/// C1 entries per C2 entry (`kCheckpoint2Interval`).
pub const CHECKPOINT2_INTERVAL: u64 = 10_000;
/// C2 values read at open at most (a k=50 plot would have ~2^34 / 10^4 ≈ 1.7 M; real plots, k ≤ 35,
/// have at most a few hundred). Past this the C1 search just starts from a wider range.
pub(crate) const MAX_C2: u64 = 1 << 16;
/// C1 entries read around the interpolated position of the target within its C2 block (1 KB at
/// k=32). f7 values are uniform, so the target's place among a block's 10,000 entries lands
/// within about ±50 entries of the estimate; a window that misses narrows the range for the next.
/// chiapos reads the whole block (40 KB at k=32).
const C1_PROBE_ENTRIES: u64 = 256;
/// Bytes of a C3 park read at first; the rest only if its stream is longer.
const C3_FIRST_READ: u64 = 4096;
/// A C1 table this small (k ≤ 22 or so) is kept in memory from open, saving a read per lookup.
pub(crate) const C1_CACHE_BYTES: u64 = 4096;

/// Bytes of one C3 park (`CalculateC3Size`): 8 bits per entry for k < 20, else 2.4 bits.
pub fn c3_park_size(k: u8) -> u64 {
    if k < 20 {
        CHECKPOINT1_INTERVAL
    } else {
        byte_align(24_000)
    }
}

/// Where C1 and C3 live and the C2 values, borrowed from a [`crate::PlotLayout`] for one lookup.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Checkpoints<'a> {
    pub(crate) k: u8,
    pub(crate) c1_start: u64,
    /// C1 slots including the terminator (and any padding, which reads as zero).
    pub(crate) c1_slots: u64,
    /// The C2 values (every 10000th C1 entry) as stored on disk, `ceil(k/8)` bytes each; narrows
    /// the C1 search.
    pub(crate) c2: &'a [u8],
    /// All of C1 (decoded as by [`Self::read_c1`]) when it is at most [`C1_CACHE_BYTES`].
    pub(crate) c1_cache: Option<&'a [u64]>,
    pub(crate) c3_start: u64,
    pub(crate) file_size: u64,
}

impl Checkpoints<'_> {
    fn entry_size(&self) -> u64 {
        byte_align(u64::from(self.k))
    }

    /// All of C1, if it is small enough to keep in memory (k ≤ 22 or so).
    pub(crate) fn read_small_c1<R: ReadAt + ?Sized>(
        &self,
        reader: &R,
    ) -> Result<Option<Vec<u64>>, PlotError> {
        if self.c1_slots * self.entry_size() > C1_CACHE_BYTES {
            return Ok(None);
        }
        let mut all = Vec::new();
        self.read_c1(reader, 0, &mut all, self.c1_slots)?;
        Ok(Some(all))
    }

    /// C1 entries `first..first + out.len()`, with the zero terminator (and padding) mapped to
    /// `u64::MAX` so the sequence stays sorted.
    fn read_c1<R: ReadAt + ?Sized>(
        &self,
        reader: &R,
        first: u64,
        out: &mut Vec<u64>,
        count: u64,
    ) -> Result<(), PlotError> {
        if let Some(cache) = self.c1_cache {
            out.clear();
            let start = usize::try_from(first).unwrap_or(usize::MAX);
            let end = start.saturating_add(usize::try_from(count).unwrap_or(usize::MAX));
            let values = cache.get(start..end).ok_or(PlotError::PositionOutOfRange {
                table: "C1",
                position: first.saturating_add(count),
                parks: cache.len() as u64,
            })?;
            out.extend_from_slice(values);
            return Ok(());
        }
        let size = self.entry_size();
        let mut bytes = vec![0u8; (count * size) as usize];
        read_exact(
            reader,
            self.c1_start + first * size,
            &mut bytes,
            "C1 entries",
        )?;
        out.clear();
        let shift = 8 * size as u32 - u32::from(self.k);
        for (i, chunk) in bytes.chunks_exact(size as usize).enumerate() {
            let value = chunk.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b)) >> shift;
            let index = first + i as u64;
            out.push(if value == 0 && index > 0 {
                u64::MAX
            } else {
                value
            });
        }
        Ok(())
    }

    /// Reads C2 as chiapos does: up to `slots − 1` values, stopping at the zero terminator or the
    /// first value smaller than the one before (bladebit's alignment padding). Returns the kept
    /// entries' bytes as they are on disk, `ceil(k/8)` bytes each.
    pub(crate) fn read_c2<R: ReadAt + ?Sized>(
        reader: &R,
        k: u8,
        c2_start: u64,
        slots: u64,
    ) -> Result<Vec<u8>, PlotError> {
        let size = byte_align(u64::from(k));
        let count = slots.saturating_sub(1).min(MAX_C2);
        let mut bytes = vec![0u8; (count * size) as usize];
        read_exact(reader, c2_start, &mut bytes, "C2 entries")?;
        let mut kept = 0usize;
        let mut previous = None;
        for value in c2_values(&bytes, k) {
            match previous {
                Some(previous) if value < previous || value == 0 => break,
                _ => previous = Some(value),
            }
            kept += 1;
        }
        bytes.truncate(kept * size as usize);
        Ok(bytes)
    }

    fn c1_at<R: ReadAt + ?Sized>(&self, reader: &R, index: u64) -> Result<u64, PlotError> {
        let mut one = Vec::with_capacity(1);
        self.read_c1(reader, index, &mut one, 1)?;
        Ok(one.first().copied().unwrap_or(u64::MAX))
    }

    /// A run of C1 entries `(first index, values)` that holds the last entry ≤ `target` (unless
    /// none is) followed by the first one above it (unless none is), as far as C1 is sorted.
    ///
    /// C2 narrows the search to one block of 10,000 entries whose bounding values it gives. Then,
    /// while the range is longer than `probe`, a window of `probe` entries is read where the
    /// target should be if the values between the bounds are evenly spread (f7 values are
    /// uniform): it either holds the crossing, or it becomes the range's new end. Without bounding
    /// values (a target below C2's first value) the range is halved instead. A range of `probe`
    /// entries or fewer is read whole.
    fn c1_around<R: ReadAt + ?Sized>(
        &self,
        reader: &R,
        target: u64,
        probe: u64,
    ) -> Result<(u64, Vec<u64>), PlotError> {
        let c2 = c2_values(self.c2, self.k);
        let (mut lo, mut hi) = c1_search_range(c2.clone(), target, self.c1_slots);
        // The first C1 index above the target is in [lo, hi]. Known values at lo − 1 (≤ target)
        // and at hi (> target), from C2 (the block's first entry is C2's value) and k.
        let mut c2_from_block = c2.skip((lo / CHECKPOINT2_INTERVAL) as usize);
        let below = c2_from_block.next().filter(|&v| v <= target);
        let mut bounds = below.map(|v| {
            let above = c2_from_block.next().filter(|&v| v > target);
            (v, above.unwrap_or(1u64 << self.k))
        });
        if bounds.is_some() && lo < hi {
            // C1[lo] is the C2 value itself: the crossing is after it.
            lo += 1;
        }
        let mut window = Vec::new();
        while hi - lo > probe {
            let guess = match bounds {
                Some((low, high)) if high > low => {
                    let spread = u128::from(hi - lo);
                    let offset =
                        u128::from(target.saturating_sub(low)) * spread / u128::from(high - low);
                    lo + offset as u64
                }
                _ => lo + (hi - lo) / 2,
            };
            let start = guess.saturating_sub(probe / 2).clamp(lo, hi - probe);
            self.read_c1(reader, start, &mut window, probe)?;
            let at_most = window.iter().take_while(|&&v| v <= target).count() as u64;
            let (first_value, last_value) = match (window.first(), window.last()) {
                (Some(&first), Some(&last)) => (first, last),
                _ => break,
            };
            if at_most == 0 {
                hi = start;
                bounds = bounds.map(|(low, _)| (low, first_value));
            } else if at_most == probe {
                lo = start + probe;
                bounds = bounds.map(|(_, high)| (last_value, high));
            } else {
                return Ok((start, window));
            }
        }
        // Read the range plus the entry before it (the candidate checkpoint).
        let first = lo.saturating_sub(1);
        self.read_c1(reader, first, &mut window, hi - first)?;
        Ok((first, window))
    }

    /// The C3 parks that can hold `target`, with their checkpoint values; `None` when the target
    /// is below the smallest f7.
    fn plan<R: ReadAt + ?Sized>(
        &self,
        reader: &R,
        target: u64,
    ) -> Result<Option<C3Plan>, PlotError> {
        self.plan_with(reader, target, C1_PROBE_ENTRIES)
    }

    /// [`plan`](Self::plan), reading C1 `probe` entries at a time.
    fn plan_with<R: ReadAt + ?Sized>(
        &self,
        reader: &R,
        target: u64,
        probe: u64,
    ) -> Result<Option<C3Plan>, PlotError> {
        let (first, window) = self.c1_around(reader, target, probe.max(2))?;
        let first_greater = first + window.iter().take_while(|&&v| v <= target).count() as u64;
        let Some(last_le) = first_greater.checked_sub(1) else {
            return Ok(None);
        };
        let mut checkpoints = vec![self.c1_value(reader, &window, first, last_le)?];
        // A run equal to the checkpoint may start in earlier parks: walk from the park before
        // the first checkpoint equal to the target.
        let mut first_park = last_le;
        if checkpoints[0] == target {
            while first_park > 0 {
                first_park -= 1;
                let value = self.c1_value(reader, &window, first, first_park)?;
                checkpoints.push(value);
                if value != target {
                    break;
                }
            }
        }
        checkpoints.reverse();
        Ok(Some(C3Plan {
            first_park,
            checkpoints,
        }))
    }

    fn c1_value<R: ReadAt + ?Sized>(
        &self,
        reader: &R,
        window: &[u64],
        first: u64,
        index: u64,
    ) -> Result<u64, PlotError> {
        match index
            .checked_sub(first)
            .and_then(|i| window.get(i as usize))
        {
            Some(&v) => Ok(v),
            None => self.c1_at(reader, index),
        }
    }

    fn read_c3_park<R: ReadAt + ?Sized>(
        &self,
        reader: &R,
        park: u64,
        buf: &mut Vec<u8>,
    ) -> Result<(), PlotError> {
        let offset = self.c3_start + park * c3_park_size(self.k);
        // The final park may be cut short by the file's end (its tail is padding).
        let len = c3_park_size(self.k).min(self.file_size.saturating_sub(offset));
        // Read the start first: the stream is usually far shorter than the park (k < 20 parks
        // are 10000 bytes for a stream of about 2.6 KB).
        let first = len.min(C3_FIRST_READ);
        buf.resize(first as usize, 0);
        read_exact(reader, offset, buf, "C3 park")?;
        let stream_end = match buf.get(..2) {
            Some(b) => 2 + u64::from(u16::from_be_bytes([b[0], b[1]])),
            None => first,
        };
        if stream_end > first {
            // A bad length is reported by `c3_stream`; read no further than the park.
            let end = stream_end.min(len);
            buf.resize(end as usize, 0);
            read_exact(
                reader,
                offset + first,
                &mut buf[first as usize..],
                "C3 park",
            )?;
        }
        Ok(())
    }
}

/// The C3 parks a walk visits: `first_park` on, one per checkpoint value.
#[derive(Debug, PartialEq, Eq)]
struct C3Plan {
    first_park: u64,
    /// C1 values of parks `first_park..first_park + checkpoints.len()`.
    checkpoints: Vec<u64>,
}

/// One target's walk through its C3 parks.
struct Walk {
    target: u64,
    plan: C3Plan,
    /// Index into `plan.checkpoints` of the next park to walk.
    next: usize,
    found: Vec<u64>,
    done: bool,
}

/// For each `(checkpoints, reader, target)`, every P7 position whose f7 equals the target,
/// ascending; one result per query, so a corrupt plot fails only its own.
///
/// Finds every such position, including those chiapos' walk skips (see the module docs). The walks
/// go park by park in rounds; each round decodes the parks of all walks in lockstep
/// ([`sum_lockstep`]), fast while a walk is more than a few deltas short of its target, then one
/// delta at a time up to and just past it.
pub(crate) fn positions_many<R: ReadAt + ?Sized>(
    queries: &[(Checkpoints<'_>, &R, u64)],
) -> Vec<Result<Vec<u64>, PlotError>> {
    let mut walks: Vec<Result<Walk, PlotError>> = queries
        .iter()
        .map(|(checkpoints, reader, target)| {
            let plan = checkpoints.plan(*reader, *target)?;
            Ok(Walk {
                target: *target,
                done: plan.is_none(),
                plan: plan.unwrap_or(C3Plan {
                    first_park: 0,
                    checkpoints: Vec::new(),
                }),
                next: 0,
                found: Vec::new(),
            })
        })
        .collect();
    let mut buffers = vec![Vec::new(); queries.len()];
    loop {
        // Read this round's park of every walk still going.
        let mut round = Vec::new();
        for (i, walk) in walks.iter_mut().enumerate() {
            let Ok(w) = walk else { continue };
            if w.done {
                continue;
            }
            let park = w.plan.first_park + w.next as u64;
            let (checkpoints, reader, _) = &queries[i];
            match checkpoints.read_c3_park(*reader, park, &mut buffers[i]) {
                Ok(()) => round.push((i, park)),
                Err(error) => *walk = Err(error),
            }
        }
        if round.is_empty() {
            break;
        }
        let mut decoders = Vec::with_capacity(round.len());
        let mut lanes = Vec::with_capacity(round.len());
        let mut goals = Vec::with_capacity(round.len());
        for &(i, park) in &round {
            let Ok(w) = &mut walks[i] else { continue };
            let value = w.plan.checkpoints.get(w.next).copied().unwrap_or(u64::MAX);
            let position = park * CHECKPOINT1_INTERVAL;
            if value == w.target {
                w.found.push(position);
            }
            let decoder = c3_stream(&buffers[i], park).and_then(|stream| {
                FseDecoder::new(
                    DeltaTable::R1_0,
                    stream,
                    (CHECKPOINT1_INTERVAL - 1) as usize,
                )
                .map_err(|source| c3_corrupt(park, source))
            });
            match decoder {
                Ok(decoder) if value <= w.target => {
                    decoders.push(decoder);
                    lanes.push((i, park, value, position));
                    goals.push(LockstepGoal {
                        count: usize::MAX,
                        below: w.target - value,
                    });
                }
                Ok(_) => w.done = true,
                Err(error) => walks[i] = Err(error),
            }
        }
        let fast = {
            let mut refs: Vec<&mut FseDecoder<'_>> = decoders.iter_mut().collect();
            sum_lockstep(&mut refs, &goals)
        };
        for ((decoder, (i, park, value, position)), (sum, skipped)) in
            decoders.iter_mut().zip(lanes).zip(fast)
        {
            let Ok(w) = &mut walks[i] else { continue };
            // The fast part stopped below the target, so nothing it passed matches.
            if let Err(error) = w.finish_park(decoder, value + sum, position + skipped as u64) {
                walks[i] = Err(c3_corrupt(park, error));
            }
        }
    }
    walks.into_iter().map(|w| w.map(|w| w.found)).collect()
}

impl Walk {
    /// Walks the rest of one park a delta at a time from `value` at `position`: records matches
    /// and stops just past the target; moves on to the next planned park if this one ends first.
    fn finish_park(
        &mut self,
        decoder: &mut FseDecoder<'_>,
        mut value: u64,
        mut position: u64,
    ) -> Result<(), FseError> {
        let target = self.target;
        let found = &mut self.found;
        let mut passed = false;
        decoder.walk_quads(|delta| {
            value += u64::from(delta);
            position += 1;
            passed = value > target;
            if value == target {
                found.push(position);
            }
            !passed
        });
        if passed {
            self.done = true;
            return Ok(());
        }
        while let Some(delta) = decoder.next_symbol()? {
            value += u64::from(delta);
            position += 1;
            if value > self.target {
                self.done = true;
                return Ok(());
            }
            if value == self.target {
                self.found.push(position);
            }
        }
        self.next += 1;
        self.done = self.next >= self.plan.checkpoints.len();
        Ok(())
    }
}

fn c3_corrupt(park: u64, source: FseError) -> PlotError {
    PlotError::CorruptDeltas {
        table: "C3",
        park,
        source,
    }
}

/// The C1 index range `[lo, hi]` that holds the first C1 entry greater than `target`.
///
/// C2 entry m is C1 entry m·10000, so the last C1 entry ≤ target lies in the C2 block of the last
/// C2 value ≤ target (chiapos' C2 step). Without a C2 value ≤ target the whole table is searched.
fn c1_search_range(
    c2: impl ExactSizeIterator<Item = u64>,
    target: u64,
    c1_slots: u64,
) -> (u64, u64) {
    let count = c2.len();
    let below = c2.take_while(|&v| v <= target).count() as u64;
    match below {
        0 => (0, c1_slots),
        m => {
            let lo = ((m - 1) * CHECKPOINT2_INTERVAL).min(c1_slots);
            let hi = if (m as usize) < count {
                (m * CHECKPOINT2_INTERVAL).min(c1_slots)
            } else {
                c1_slots
            };
            (lo, hi.max(lo))
        }
    }
}

/// The values of C2 entries stored as on disk: `ceil(k/8)` bytes each, left-aligned k bits.
pub(crate) fn c2_values(bytes: &[u8], k: u8) -> impl ExactSizeIterator<Item = u64> + Clone + '_ {
    let size = byte_align(u64::from(k)) as usize;
    let shift = 8 * size as u32 - u32::from(k);
    bytes
        .chunks_exact(size.max(1))
        .map(move |chunk| chunk.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b)) >> shift)
}

/// The FSE stream of one C3 park: a big-endian length, then that many bytes.
fn c3_stream(park_bytes: &[u8], park: u64) -> Result<&[u8], PlotError> {
    let len = match park_bytes.get(..2) {
        Some(b) => u16::from_be_bytes([b[0], b[1]]),
        None => 0,
    };
    let max = park_bytes.len().saturating_sub(2) as u64;
    if len == 0 || u64::from(len) > max {
        return Err(PlotError::BadDeltaLength {
            table: "C3",
            park,
            len,
            max,
        });
    }
    park_bytes
        .get(2..2 + usize::from(len))
        .ok_or(PlotError::BadDeltaLength {
            table: "C3",
            park,
            len,
            max,
        })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn c2_narrows_the_c1_search_to_one_block() {
        let c2 = [5u64, 900, 4000];
        let range = |target, slots| c1_search_range(c2.iter().copied(), target, slots);
        assert_eq!(range(4, 35_000), (0, 35_000));
        assert_eq!(range(5, 35_000), (0, 10_000));
        assert_eq!(range(899, 35_000), (0, 10_000));
        assert_eq!(range(900, 35_000), (10_000, 20_000));
        assert_eq!(range(4000, 35_000), (20_000, 35_000));
        // Corrupt C2 pointing past C1 never gives an inverted range.
        assert_eq!(range(4000, 15_000), (15_000, 15_000));
        assert_eq!(c3_park_size(18), 10_000);
        assert_eq!(c3_park_size(32), 3_000);
    }

    #[test]
    fn c2_values_decode_left_aligned_entries() {
        // k = 18 in 3 bytes: the value is the top 18 bits.
        let bytes = [0xff, 0xff, 0xc0, 0x00, 0x00, 0x40];
        assert_eq!(
            c2_values(&bytes, 18).collect::<Vec<_>>(),
            vec![(1 << 18) - 1, 1]
        );
        assert_eq!(c2_values(&bytes[..5], 18).len(), 1);
    }

    /// Checkpoints of a k=32 plot whose file holds C1 (`c1`) from offset 0, with `c1_slots`
    /// slots and C2 entries `c2`.
    fn k32<'a>(c1: &[u8], c2: &'a [u8], c1_slots: u64) -> Checkpoints<'a> {
        Checkpoints {
            k: 32,
            c1_start: 0,
            c1_slots,
            c2,
            c1_cache: None,
            c3_start: 0,
            file_size: c1.len() as u64,
        }
    }

    /// A C1 table of `entries` sorted values (k = 32, 4 bytes each, then the zero terminator),
    /// with runs of equal values, and its C2; as a file holding C1 from offset 0.
    fn synthetic_c1(entries: u64) -> (Vec<u8>, Vec<u8>, Vec<u64>) {
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut values: Vec<u64> = (0..entries)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                1 + state % ((1u64 << 32) - 1)
            })
            .collect();
        values.sort_unstable();
        // Runs of equal checkpoints, across a C2 boundary too.
        for i in [100, 9_999, 10_000, 10_001, 23_456] {
            if let Some(i) = usize::try_from(i).ok().filter(|&i| i + 3 < values.len()) {
                let v = values[i];
                values[i + 1..i + 4].fill(v);
            }
        }
        let mut c1 = Vec::new();
        for v in &values {
            c1.extend_from_slice(&(*v as u32).to_be_bytes());
        }
        c1.extend_from_slice(&[0; 4]);
        let c2: Vec<u8> = values
            .iter()
            .step_by(CHECKPOINT2_INTERVAL as usize)
            .flat_map(|v| (*v as u32).to_be_bytes())
            .collect();
        (c1, c2, values)
    }

    #[test]
    fn interpolated_c1_windows_find_what_reading_whole_blocks_finds() {
        let (c1, c2, values) = synthetic_c1(35_000);
        let checkpoints = k32(&c1, &c2, values.len() as u64 + 1);
        let reader = crate::read_at::CountingReader::new(c1.clone());
        let mut targets = vec![0, 1, (1 << 32) - 1, values[0] - 1];
        for (i, v) in values.iter().enumerate().step_by(97) {
            targets.extend([v - 1, *v, v + 1, v + (i as u64 % 5_000)]);
        }
        for i in [100, 9_999, 10_000, 10_001, 23_456] {
            targets.extend([values[i] - 1, values[i], values[i] + 1]);
        }
        let (mut probed_bytes, mut whole_bytes) = (0, 0);
        for &target in &targets {
            reader.reset();
            let whole = checkpoints.plan_with(&reader, target, u64::MAX).unwrap();
            whole_bytes += reader.counts().1;
            for probe in [2, 3, 7, 64, C1_PROBE_ENTRIES] {
                reader.reset();
                let probed = checkpoints.plan_with(&reader, target, probe).unwrap();
                assert_eq!(probed, whole, "target {target}, probe {probe}");
                if probe == C1_PROBE_ENTRIES {
                    probed_bytes += reader.counts().1;
                }
            }
        }
        // Whole blocks are 40 KB; the probes read about one window (1 KB) per target.
        let n = targets.len() as u64;
        assert!(
            probed_bytes / n < 2_500 && whole_bytes / n > 30_000,
            "C1 bytes per plan: {} probed, {} whole",
            probed_bytes / n,
            whole_bytes / n
        );
    }

    #[test]
    fn a_c2_pointing_past_c1_gives_an_answer_not_a_panic() {
        let (c1, _, values) = synthetic_c1(15_000);
        // Three C2 values, so the third block would start at entry 20,000: past this C1.
        let c2: Vec<u8> = [values[0], values[10_000], values[14_000]]
            .iter()
            .flat_map(|v| (*v as u32).to_be_bytes())
            .collect();
        let checkpoints = k32(&c1, &c2, values.len() as u64);
        for target in [
            values[14_000],
            values[14_999],
            u32::MAX.into(),
            values[12_000],
        ] {
            for probe in [2, 7, C1_PROBE_ENTRIES, u64::MAX] {
                // Any answer or error will do; the search must end without panicking.
                let _ = checkpoints.plan_with(&c1[..], target, probe);
            }
        }
    }

    proptest::proptest! {
        /// Any C1 bytes (sorted or not), C2 values and slot count: the search ends without
        /// panicking, whatever it answers.
        #[test]
        fn the_c1_search_survives_any_tables(
            c1 in proptest::collection::vec(proptest::num::u8::ANY, 0..3_000),
            c2 in proptest::collection::vec(proptest::num::u32::ANY, 0..5),
            slots in 0u64..40_000,
            target in proptest::num::u32::ANY,
            probe in 2u64..300,
        ) {
            let c2: Vec<u8> = c2.iter().flat_map(|v| v.to_be_bytes()).collect();
            let checkpoints = k32(&c1, &c2, slots);
            let _ = checkpoints.plan_with(&c1[..], u64::from(target), probe);
        }
    }
}
