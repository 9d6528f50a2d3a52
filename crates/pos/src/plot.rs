//! An open plot: the validated header plus where every table lives, and the lookups.
//!
//! Opening reads only the header; each lookup then reads just what it needs with positional reads
//! (a few C1 entries, one or two C3 parks, a slice of one P7 park, one park per table level), so a
//! single handle can serve concurrent lookups without a lock.

use crate::checkpoint::{Checkpoints, c3_park_size};
use crate::error::PlotError;
use crate::header::{PlotHeader, read_exact};
use crate::memo::PlotMemo;
use crate::park::{
    ENTRIES_PER_PARK, byte_align, line_point_in_park, line_point_to_square,
    line_points_in_two_parks, p7_entries, p7_park_size, park_size, table_name,
};
use crate::quality::quality_string;
use crate::read_at::ReadAt;

/// A chiapos v1 (or uncompressed bladebit) plot opened for lookups.
#[derive(Debug)]
pub struct Plot<R> {
    reader: R,
    header: PlotHeader,
    memo: PlotMemo,
    /// Whole parks in P1..P7 (index 0 = P1).
    park_counts: [u64; 7],
    checkpoints: Checkpoints,
}

impl<R: ReadAt> Plot<R> {
    /// Parses and checks the header, the memo and the table layout against the file size.
    ///
    /// The plot id is recomputed from the memo's keys and must equal the header's, as chia's
    /// harvester requires before it farms a plot.
    pub fn open(reader: R) -> Result<Self, PlotError> {
        let header = PlotHeader::read(&reader)?;
        let memo = PlotMemo::parse(&header.memo)?;
        let memo_id = memo.plot_id();
        if memo_id != header.plot_id {
            return Err(PlotError::PlotIdMismatch {
                header: hex_string(&header.plot_id),
                memo: hex_string(&memo_id),
            });
        }
        let k = header.k;
        let ptr = header.table_pointers;
        let span = |i: usize| ptr[i + 1] - ptr[i];
        let mut park_counts = [0u64; 7];
        for (t, count) in park_counts.iter_mut().enumerate() {
            let size = if t == 6 {
                p7_park_size(k)
            } else {
                park_size(k, t as u8 + 1)
            };
            *count = span(t) / size;
        }
        let entry = byte_align(u64::from(k));
        let c1_slots = span(7) / entry;
        if c1_slots < 1 {
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
        let file_size = reader.size();
        if file_size - ptr[9] < 2 {
            return Err(PlotError::TableTooSmall {
                table: "C3",
                got: file_size - ptr[9],
                need: c3_park_size(k),
            });
        }
        let c2 = Checkpoints::read_c2(&reader, k, ptr[8], span(8) / entry)?;
        let mut checkpoints = Checkpoints {
            k,
            c1_start: ptr[7],
            c1_slots,
            c2,
            c1_cache: None,
            c3_start: ptr[9],
            file_size,
        };
        checkpoints.cache_small_c1(&reader)?;
        Ok(Self {
            reader,
            header,
            memo,
            park_counts,
            checkpoints,
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

    /// The P6 positions of every proof whose f7 equals the challenge's first k bits, in P7 order.
    ///
    /// This is a superset of chiapos' answer: it also returns the entries chiapos' C1/C3 walk skips.
    pub fn p6_positions(&self, challenge: &[u8; 32]) -> Result<Vec<u64>, PlotError> {
        let k = self.header.k;
        let target = u64::from_be_bytes([
            challenge[0],
            challenge[1],
            challenge[2],
            challenge[3],
            challenge[4],
            challenge[5],
            challenge[6],
            challenge[7],
        ]) >> (64 - u32::from(k));
        let positions = self.checkpoints.positions(&self.reader, target)?;
        let (Some(&first), Some(&last)) = (positions.first(), positions.last()) else {
            return Ok(Vec::new());
        };
        let width = u64::from(k) + 1;
        let mut out = Vec::with_capacity(positions.len());
        let mut bytes = Vec::new();
        // Positions are consecutive; read each P7 park's slice once.
        let mut position = first;
        while position <= last {
            let park = position / ENTRIES_PER_PARK;
            let in_park = position % ENTRIES_PER_PARK;
            let count = (last - position + 1).min(ENTRIES_PER_PARK - in_park);
            if park >= self.park_counts[6] {
                return Err(PlotError::PositionOutOfRange {
                    table: "P7",
                    position,
                    parks: self.park_counts[6],
                });
            }
            let first_bit = in_park * width;
            let end_bit = first_bit + count * width;
            let offset = self.header.table_pointers[6] + park * p7_park_size(k) + first_bit / 8;
            bytes.resize((byte_align(end_bit) - first_bit / 8) as usize, 0);
            read_exact(&self.reader, offset, &mut bytes, "P7 park")?;
            out.extend(p7_entries(&bytes, k, in_park, count));
            position += count;
        }
        Ok(out)
    }

    /// The quality strings for `challenge`, one per proof, in P7 order.
    pub fn qualities_for_challenge(
        &self,
        challenge: &[u8; 32],
    ) -> Result<Vec<[u8; 32]>, PlotError> {
        let mut park = Vec::new();
        self.p6_positions(challenge)?
            .into_iter()
            .map(|p6| self.quality_for_p6(challenge, p6, &mut park))
            .collect()
    }

    /// The full proof (64 x values of k bits, proof order, `8k` bytes) of the `index`-th quality.
    pub fn full_proof(&self, challenge: &[u8; 32], index: usize) -> Result<Vec<u8>, PlotError> {
        let positions = self.p6_positions(challenge)?;
        let &p6 = positions.get(index).ok_or(PlotError::NoProof {
            index,
            found: positions.len(),
        })?;
        let xs = self.leaves(p6)?;
        Ok(crate::prover::proof_from_leaves(
            &xs,
            &self.header.plot_id,
            self.header.k,
        ))
    }

    fn quality_for_p6(
        &self,
        challenge: &[u8; 32],
        p6: u64,
        park: &mut Vec<u8>,
    ) -> Result<[u8; 32], PlotError> {
        let mut position = p6;
        for table in (2..=6u8).rev() {
            let (larger, smaller) = line_point_to_square(self.line_point(table, position, park)?);
            let bit = (challenge[31] >> (table - 2)) & 1;
            position = if bit == 1 { larger } else { smaller };
        }
        let (x_hi, x_lo) = line_point_to_square(self.line_point(1, position, park)?);
        Ok(quality_string(challenge, x_lo, x_hi, self.header.k))
    }

    /// The 64 x values under P6 entry `p6`, in plot order (`GetInputs`).
    ///
    /// Walks the tree a level at a time (1 P6 entry, 2 in P5, …, 32 in P1) rather than depth
    /// first, so each level's FSE decode table stays hot in cache across its line points. Each
    /// entry expands to (smaller, larger), which keeps chiapos' left-to-right plot order.
    pub fn leaves(&self, p6: u64) -> Result<Vec<u64>, PlotError> {
        let mut parks = [Vec::new(), Vec::new()];
        let mut level = vec![p6];
        let mut next = Vec::with_capacity(64);
        for table in (1..=6u8).rev() {
            next.clear();
            // Two line points at a time: their FSE decodes interleave (see `sum_prefix_two`).
            for pair in level.chunks(2) {
                let line_points = match pair {
                    [a, b] => {
                        let [park_a, park_b] = &mut parks;
                        let index_a = self.read_park(table, *a, park_a)?;
                        let index_b = self.read_park(table, *b, park_b)?;
                        line_points_in_two_parks(
                            [park_a, park_b],
                            self.header.k,
                            table,
                            [index_a, index_b],
                            [a % ENTRIES_PER_PARK, b % ENTRIES_PER_PARK],
                        )?
                        .to_vec()
                    }
                    _ => pair
                        .iter()
                        .map(|&position| self.line_point(table, position, &mut parks[0]))
                        .collect::<Result<Vec<_>, _>>()?,
                };
                for line_point in line_points {
                    let (larger, smaller) = line_point_to_square(line_point);
                    next.push(smaller);
                    next.push(larger);
                }
            }
            std::mem::swap(&mut level, &mut next);
        }
        Ok(level)
    }

    /// Reads the park holding entry `position` of table `table` (1..=6) into `park`; returns the
    /// park's index.
    fn read_park(&self, table: u8, position: u64, park: &mut Vec<u8>) -> Result<u64, PlotError> {
        let index = usize::from(table - 1);
        let park_index = position / ENTRIES_PER_PARK;
        if park_index >= self.park_counts[index] {
            return Err(PlotError::PositionOutOfRange {
                table: table_name(table),
                position,
                parks: self.park_counts[index],
            });
        }
        let size = park_size(self.header.k, table);
        let offset = self.header.table_pointers[index] + park_index * size;
        park.resize(size as usize, 0);
        read_exact(&self.reader, offset, park, "park")?;
        Ok(park_index)
    }

    /// The line point of entry `position` of table `table` (1..=6).
    fn line_point(&self, table: u8, position: u64, park: &mut Vec<u8>) -> Result<u128, PlotError> {
        let park_index = self.read_park(table, position, park)?;
        let entry = position % ENTRIES_PER_PARK;
        line_point_in_park(park, self.header.k, table, park_index, entry)
    }
}

fn hex_string(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
