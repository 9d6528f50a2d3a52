//! Parks: the fixed-size blocks of tables P1–P7 (plot-format §4, §6).
//!
//! ```text
//! P1..P6 park (ParkSize(k, t) bytes):
//!   checkpoint line point (ceil(2k/8), left-aligned) | 2047 stubs of k−3 bits (MSB-first)
//!   | delta length (u16 LE; 0x8000 = raw, unreadable) | FSE deltas | zero padding
//! P7 park (256·(k+1) bytes): 2048 P6 positions of k+1 bits (MSB-first)
//! ```

use crate::error::PlotError;
use crate::fse::{DeltaTable, FseDecoder, LockstepGoal, sum_lockstep};
use crate::header::TABLE_NAMES;

/// Entries per P1–P7 park (`kEntriesPerPark`).
pub const ENTRIES_PER_PARK: u64 = 2048;
/// Stub width is `k − STUB_MINUS_BITS`.
const STUB_MINUS_BITS: u32 = 3;

/// `ceil(bits / 8)`.
pub(crate) const fn byte_align(bits: u64) -> u64 {
    bits.div_ceil(8)
}

/// Bytes of a park's checkpoint line point.
pub fn line_point_size(k: u8) -> u64 {
    byte_align(2 * u64::from(k))
}

/// Bytes of a park's stubs.
pub fn stubs_size(k: u8) -> u64 {
    byte_align((ENTRIES_PER_PARK - 1) * (u64::from(k) - u64::from(STUB_MINUS_BITS)))
}

/// Bytes reserved for a park's delta length and stream (`CalculateMaxDeltasSize`).
pub fn max_deltas_size(table: u8) -> u64 {
    // trunc(2047 · 5.6) = 11463 and trunc(2047 · 3.5) = 7164 bits.
    if table == 1 {
        byte_align(11_463)
    } else {
        byte_align(7_164)
    }
}

/// Bytes of one park of table `table` (1..=6).
pub fn park_size(k: u8, table: u8) -> u64 {
    line_point_size(k) + stubs_size(k) + max_deltas_size(table)
}

/// Bytes of one P7 park.
pub fn p7_park_size(k: u8) -> u64 {
    byte_align((u64::from(k) + 1) * ENTRIES_PER_PARK)
}

/// The line point of entry `entry` (0..2048) of one P1–P6 park held in `park`.
///
/// `park_index` is only for error messages. Decodes only the deltas before the entry.
pub fn line_point_in_park(
    park: &[u8],
    k: u8,
    table: u8,
    park_index: u64,
    entry: u64,
) -> Result<u128, PlotError> {
    let wanted = ParkEntry {
        park,
        park_index,
        entry,
    };
    let mut found = line_points_in_parks(&[wanted], k, table);
    found.pop().unwrap_or(Err(PlotError::PositionOutOfRange {
        table: table_name(table),
        position: entry,
        parks: 0,
    }))
}

/// One entry to look up in a park held in memory.
#[derive(Debug, Clone, Copy)]
pub struct ParkEntry<'a> {
    /// The park's bytes (`park_size(k, table)`).
    pub park: &'a [u8],
    /// The park's index in its table, for error messages.
    pub park_index: u64,
    /// The entry within the park (0..2048).
    pub entry: u64,
}

/// The line points of several entries of table `table`, one result each, in order.
///
/// Their delta streams are decoded in lockstep ([`sum_lockstep`]), which is faster per symbol
/// than one stream at a time. A corrupt park fails only its own entry.
pub fn line_points_in_parks(
    wanted: &[ParkEntry<'_>],
    k: u8,
    table: u8,
) -> Vec<Result<u128, PlotError>> {
    let mut cursors: Vec<Result<ParkCursor<'_>, PlotError>> = wanted
        .iter()
        .map(|w| ParkCursor::open(w.park, k, table, w.park_index, w.entry))
        .collect();
    let goals: Vec<LockstepGoal> = cursors
        .iter()
        .flatten()
        .map(|c| LockstepGoal::count(c.entry as usize))
        .collect();
    // (sum, symbols) of the lockstep part, one per cursor that opened, in order.
    let mut fast = {
        let mut decoders: Vec<&mut FseDecoder<'_>> = cursors
            .iter_mut()
            .flatten()
            .map(|c| &mut c.decoder)
            .collect();
        sum_lockstep(&mut decoders, &goals).into_iter()
    };
    cursors
        .into_iter()
        .map(|cursor| {
            let mut cursor = cursor?;
            let (sum, decoded) = fast.next().unwrap_or((0, 0));
            let left = (cursor.entry as usize).saturating_sub(decoded);
            let (rest, more) = cursor
                .decoder
                .sum_symbols(left)
                .map_err(|source| cursor.corrupt(source))?;
            cursor.finish(sum + rest, decoded + more)
        })
        .collect()
}

/// A park whose header is checked and whose delta decoder is ready.
struct ParkCursor<'a> {
    park: &'a [u8],
    k: u8,
    name: &'static str,
    park_index: u64,
    entry: u64,
    checkpoint: u128,
    decoder: FseDecoder<'a>,
}

impl<'a> ParkCursor<'a> {
    fn open(
        park: &'a [u8],
        k: u8,
        table: u8,
        park_index: u64,
        entry: u64,
    ) -> Result<Self, PlotError> {
        let name = table_name(table);
        let lp_size = line_point_size(k) as usize;
        let stubs = stubs_size(k) as usize;
        let max_deltas = max_deltas_size(table);
        let delta_table =
            DeltaTable::for_park_table(table).ok_or(PlotError::PositionOutOfRange {
                table: name,
                position: entry,
                parks: 0,
            })?;
        let short = || PlotError::Truncated {
            what: "park",
            offset: 0,
            end: park_size(k, table),
            size: park.len() as u64,
        };
        let checkpoint_bytes = park.get(..lp_size).ok_or_else(short)?;
        let checkpoint = be_u128(checkpoint_bytes) >> (8 * lp_size as u32 - 2 * u32::from(k));
        let len_at = lp_size + stubs;
        let len_bytes = park.get(len_at..len_at + 2).ok_or_else(short)?;
        let len = u16::from_le_bytes([len_bytes[0], len_bytes[1]]);
        // chiapos compares before clearing the raw flag, so a flagged length always fails.
        if len == 0 || u64::from(len) > max_deltas {
            return Err(PlotError::BadDeltaLength {
                table: name,
                park: park_index,
                len,
                max: max_deltas,
            });
        }
        let stream = park
            .get(len_at + 2..len_at + 2 + usize::from(len))
            .ok_or_else(short)?;
        let decoder = FseDecoder::new(delta_table, stream, (ENTRIES_PER_PARK - 1) as usize)
            .map_err(|source| PlotError::CorruptDeltas {
                table: name,
                park: park_index,
                source,
            })?;
        Ok(Self {
            park,
            k,
            name,
            park_index,
            entry,
            checkpoint,
            decoder,
        })
    }

    fn corrupt(&self, source: crate::fse::FseError) -> PlotError {
        PlotError::CorruptDeltas {
            table: self.name,
            park: self.park_index,
            source,
        }
    }

    /// `checkpoint + Σ deltas · 2^(k−3) + Σ stubs` over the entries before this one.
    fn finish(self, delta_sum: u64, decoded: usize) -> Result<u128, PlotError> {
        if (decoded as u64) < self.entry {
            return Err(PlotError::EntryPastDeltas {
                table: self.name,
                park: self.park_index,
                entry: self.entry,
                decoded: decoded as u64,
            });
        }
        let stub_bits = u32::from(self.k) - STUB_MINUS_BITS;
        // The stubs are followed by the delta length and stream, so 8-byte loads near the last
        // stub still read park bytes; only bits of the first `entry` stubs are summed.
        let lp_size = line_point_size(self.k) as usize;
        let stub_area = self.park.get(lp_size..).unwrap_or(&[]);
        let stub_sum = sum_fields(stub_area, stub_bits, self.entry);
        Ok(self.checkpoint + (u128::from(delta_sum) << stub_bits) + stub_sum)
    }
}

/// Sum of the first `count` `width`-bit (1..=57) MSB-first fields of `data`; missing bits read as 0.
///
/// Eight fields take exactly `width` bytes, so whole blocks of eight are summed with the same
/// eight (byte, shift) offsets, each field one unaligned 8-byte load; the loads are independent
/// and pipeline well. Fields near the end of `data` take the padded path.
fn sum_fields(data: &[u8], width: u32, count: u64) -> u128 {
    let w = width as usize;
    let drop = 64 - width;
    let blocks = (count / 8) as usize;
    let (mut sum, block) = sum_blocks(data, w, blocks);
    let mut bit = (block * 8 * w) as u64;
    for _ in (block as u64 * 8)..count {
        let byte = (bit / 8) as usize;
        let word = match data.get(byte..byte + 8) {
            Some(b) => be_u64(b),
            None => load_padded(data, byte),
        };
        sum += (word << (bit % 8)) >> drop;
        bit += u64::from(width);
    }
    u128::from(sum)
}

/// The sum of the fields of the first `blocks` whole blocks of eight, and how many blocks had
/// their bytes in `data`.
fn sum_blocks(data: &[u8], w: usize, blocks: usize) -> (u64, usize) {
    let offsets: [(usize, u32); 8] = std::array::from_fn(|i| (i * w / 8, (i * w % 8) as u32));
    let drop = 64 - w as u32;
    let mut sum = 0u64;
    let mut block = 0usize;
    while block < blocks {
        let Some(bytes) = data.get(block * w..block * w + w + 8) else {
            break;
        };
        for &(byte, shift) in &offsets {
            let word = bytes.get(byte..byte + 8).map_or(0, be_u64);
            sum += (word << shift) >> drop;
        }
        block += 1;
    }
    (sum, block)
}

/// The first 8 bytes of `b` (at least 8 long) as a big-endian integer.
#[inline(always)]
fn be_u64(b: &[u8]) -> u64 {
    u64::from_be_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
}

#[cold]
fn load_padded(data: &[u8], byte: usize) -> u64 {
    let mut padded = [0u8; 8];
    for (dst, src) in padded.iter_mut().zip(data.iter().skip(byte)) {
        *dst = *src;
    }
    u64::from_be_bytes(padded)
}

/// The P6 positions held by entries `first_entry..first_entry + count` of one P7 park.
///
/// `bits` holds the park's bytes from `byte_align(first_entry · (k+1)) ` rounded down, i.e. the
/// caller passes the bytes starting at `(first_entry · (k+1)) / 8`.
pub fn p7_entries(bits: &[u8], k: u8, first_entry: u64, count: u64) -> Vec<u64> {
    let width = u32::from(k) + 1;
    let skip = (first_entry * u64::from(width)) % 8;
    (0..count)
        .map(|i| crate::bits::read_bits(bits, skip + i * u64::from(width), width).unwrap_or(0))
        .collect()
}

/// Splits a line point into its pair `(larger, smaller)` (`LinePointToSquare`).
pub fn line_point_to_square(line_point: u128) -> (u64, u64) {
    // x is the largest integer with x(x−1)/2 ≤ lp, i.e. floor((1 + sqrt(8·lp + 1)) / 2).
    let root = line_point.saturating_mul(8).saturating_add(1).isqrt();
    let mut x = root.div_ceil(2);
    // Guard against the saturated (corrupt, > 2^125) case: step down until the triangle fits.
    while x > 0 && x * (x - 1) / 2 > line_point {
        x -= 1;
    }
    let y = line_point - x * (x - 1) / 2;
    (x as u64, y as u64)
}

/// The (larger, smaller) pair packed into a line point (`SquareToLinePoint`), for tests and fixtures.
pub fn square_to_line_point(a: u64, b: u64) -> u128 {
    let (x, y) = if a > b { (a, b) } else { (b, a) };
    let x = u128::from(x);
    x * (x - 1) / 2 + u128::from(y)
}

fn be_u128(bytes: &[u8]) -> u128 {
    bytes
        .iter()
        .fold(0u128, |acc, &b| (acc << 8) | u128::from(b))
}

pub(crate) fn table_name(table: u8) -> &'static str {
    TABLE_NAMES
        .get(usize::from(table).wrapping_sub(1))
        .copied()
        .unwrap_or("?")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn sizes_match_the_spec_table() {
        // plot-format §1.1 for k = 18, 22, 32.
        assert_eq!(
            (
                line_point_size(18),
                stubs_size(18),
                park_size(18, 1),
                park_size(18, 2)
            ),
            (5, 3839, 5277, 4740)
        );
        assert_eq!(
            (park_size(22, 1), park_size(22, 6), p7_park_size(22)),
            (6301, 5764, 5888)
        );
        assert_eq!(
            (park_size(32, 1), park_size(32, 3), p7_park_size(32)),
            (8862, 8325, 8448)
        );
    }

    #[test]
    fn line_points_round_trip() {
        for (a, b) in [
            (1u64, 0u64),
            (5, 3),
            (3, 5),
            ((1 << 50) - 1, (1 << 50) - 2),
            (1 << 33, 7),
        ] {
            let lp = square_to_line_point(a, b);
            assert_eq!(line_point_to_square(lp), (a.max(b), a.min(b)));
        }
        assert_eq!(line_point_to_square(0), (1, 0));
        // A corrupt huge value must not panic.
        let _ = line_point_to_square(u128::MAX);
    }

    #[test]
    fn sums_stub_fields() {
        let mut w = crate::bits::BitWriter::new();
        for v in [3u64, 0x7fff, 1, 12345] {
            w.push(v, 15);
        }
        let bytes = w.into_bytes();
        assert_eq!(sum_fields(&bytes, 15, 0), 0);
        assert_eq!(sum_fields(&bytes, 15, 2), 3 + 0x7fff);
        assert_eq!(sum_fields(&bytes, 15, 4), 3 + 0x7fff + 1 + 12345);
    }

    /// Bit by bit: field `i` is bits `[i·width, (i+1)·width)`, MSB first, missing bits 0.
    fn naive_sum(data: &[u8], width: u32, count: u64) -> u128 {
        let bit = |n: u64| {
            data.get((n / 8) as usize)
                .map_or(0u64, |b| u64::from(b >> (7 - n % 8) & 1))
        };
        (0..count)
            .map(|i| {
                let start = i * u64::from(width);
                let field = (start..start + u64::from(width)).fold(0u64, |v, n| (v << 1) | bit(n));
                u128::from(field)
            })
            .sum()
    }

    proptest::proptest! {
        /// Whole blocks of eight fields and the field-at-a-time tail agree with a bit-by-bit sum,
        /// also when the data ends before the last field.
        #[test]
        fn stub_sums_match_a_bit_by_bit_sum(
            width in 1u32..=57,
            count in 0u64..300,
            data in proptest::collection::vec(proptest::num::u8::ANY, 0..2200),
        ) {
            proptest::prop_assert_eq!(sum_fields(&data, width, count), naive_sum(&data, width, count));
        }
    }
}
