//! The plot header: magic, plot id, k, memo and the ten table pointers.
//!
//! ```text
//! v1 (chiapos):  "Proof of Space Plot" (19) | id (32) | k (1) | fmt len (2 BE) | "v1.0" | memo len (2 BE)
//!                | memo | 10 × u64 BE table pointers (P1..P7, C1, C2, C3)
//! v2 (bladebit): "PLOT" | version (4 LE) = 2 | id (32) | k (1) | memo len (2 BE) | memo | flags (4 LE)
//!                | [compression level (1) if flags bit 0] | 10 × u64 BE pointers | 10 × u64 table sizes
//! ```
//!
//! Everything is read with two bounded reads and checked against the file size before use.

use crate::error::PlotError;
use crate::read_at::ReadAt;

/// The v1 magic.
pub const V1_MAGIC: &[u8; 19] = b"Proof of Space Plot";
/// The v2 (bladebit) magic.
pub const V2_MAGIC: &[u8; 4] = b"PLOT";
/// The only v1 format description chiapos accepts.
pub const FORMAT_DESCRIPTION: &[u8; 4] = b"v1.0";
/// Smallest k accepted (chiapos' `kMinPlotSize`).
pub const MIN_K: u8 = 18;
/// Largest k accepted (chiapos' `kMaxPlotSize`).
pub const MAX_K: u8 = 50;

/// Table names in pointer order, for error messages.
pub const TABLE_NAMES: [&str; 10] = ["P1", "P2", "P3", "P4", "P5", "P6", "P7", "C1", "C2", "C3"];

/// Which header layout the file uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum HeaderVersion {
    /// chiapos' layout with the `v1.0` format description.
    V1,
    /// bladebit's layout, uncompressed (level 0).
    V2,
}

/// A parsed, bounds-checked plot header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlotHeader {
    /// Header layout.
    pub version: HeaderVersion,
    /// The 32-byte plot id.
    pub plot_id: [u8; 32],
    /// Plot size parameter k.
    pub k: u8,
    /// The memo (pool key or contract puzzle hash, farmer key, local master secret key).
    pub memo: Vec<u8>,
    /// Absolute offsets of P1..P7, C1, C2, C3, each within the file and non-decreasing.
    pub table_pointers: [u64; 10],
    /// Header length in bytes (where the pointers end).
    pub header_len: u64,
}

impl PlotHeader {
    /// Reads and validates the header of `reader`.
    pub fn read<R: ReadAt + ?Sized>(reader: &R) -> Result<Self, PlotError> {
        let size = reader.size();
        // Fixed part first: enough for either magic, id, k and the lengths that follow.
        let mut fixed = [0u8; 58];
        read_exact(reader, 0, &mut fixed, "plot header")?;
        let (version, plot_id, k, memo_len_at) = if fixed.starts_with(V1_MAGIC) {
            let (id, k) = id_and_k(&fixed, 19);
            let fmt_len = u16::from_be_bytes([fixed[52], fixed[53]]);
            let fmt = &fixed[54..58];
            if usize::from(fmt_len) != FORMAT_DESCRIPTION.len() || fmt != FORMAT_DESCRIPTION {
                let shown = fixed.get(54..54 + usize::from(fmt_len)).unwrap_or(fmt);
                return Err(PlotError::BadFormatDescription {
                    found: String::from_utf8_lossy(shown).into_owned(),
                });
            }
            (HeaderVersion::V1, id, k, 58usize)
        } else if fixed.starts_with(V2_MAGIC) {
            let v = u32::from_le_bytes([fixed[4], fixed[5], fixed[6], fixed[7]]);
            if v != 2 {
                return Err(PlotError::UnsupportedVersion(v));
            }
            let (id, k) = id_and_k(&fixed, 8);
            (HeaderVersion::V2, id, k, 41usize)
        } else {
            return Err(PlotError::BadMagic);
        };
        if !(MIN_K..=MAX_K).contains(&k) {
            return Err(PlotError::AbsurdK(k));
        }
        let mut len_bytes = [0u8; 2];
        read_exact(reader, memo_len_at as u64, &mut len_bytes, "memo length")?;
        let memo_len = usize::from(u16::from_be_bytes(len_bytes));
        let memo_at = memo_len_at + 2;
        // v2 adds flags (4) and maybe a level byte before the pointers.
        let tail = if version == HeaderVersion::V2 { 5 } else { 0 };
        let rest_len = memo_len + tail + 80;
        let available = size.saturating_sub(memo_at as u64);
        let want = (rest_len as u64).min(available);
        let mut rest = vec![0u8; usize::try_from(want).unwrap_or(0)];
        read_exact(reader, memo_at as u64, &mut rest, "memo and table pointers")?;
        let memo = rest
            .get(..memo_len)
            .map(<[u8]>::to_vec)
            .ok_or(PlotError::Truncated {
                what: "memo",
                offset: memo_at as u64,
                end: (memo_at + memo_len) as u64,
                size,
            })?;
        let mut at = memo_len;
        if version == HeaderVersion::V2 {
            let flags = rest
                .get(at..at + 4)
                .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .ok_or(truncated("v2 flags", (memo_at + at) as u64, 4, size))?;
            at += 4;
            if flags & 1 == 1 {
                let level = *rest.get(at).ok_or(truncated(
                    "compression level",
                    (memo_at + at) as u64,
                    1,
                    size,
                ))?;
                at += 1;
                if level != 0 {
                    return Err(PlotError::Compressed(level));
                }
            }
        }
        let pointer_bytes = rest.get(at..at + 80).ok_or(truncated(
            "table pointers",
            (memo_at + at) as u64,
            80,
            size,
        ))?;
        let header_len = (memo_at + at + 80) as u64;
        let mut table_pointers = [0u64; 10];
        for (pointer, chunk) in table_pointers.iter_mut().zip(pointer_bytes.chunks_exact(8)) {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            *pointer = u64::from_be_bytes(word);
        }
        check_table_pointers(&table_pointers, header_len, size)?;
        Ok(Self {
            version,
            plot_id,
            k,
            memo,
            table_pointers,
            header_len,
        })
    }
}

fn id_and_k(fixed: &[u8; 58], at: usize) -> ([u8; 32], u8) {
    let mut id = [0u8; 32];
    id.copy_from_slice(&fixed[at..at + 32]);
    (id, fixed[at + 32])
}

fn truncated(what: &'static str, offset: u64, len: u64, size: u64) -> PlotError {
    PlotError::Truncated {
        what,
        offset,
        end: offset.saturating_add(len),
        size,
    }
}

/// The ten table pointers must not decrease, start at `min` or later and end within the file.
pub(crate) fn check_table_pointers(
    table_pointers: &[u64; 10],
    min: u64,
    file_size: u64,
) -> Result<(), PlotError> {
    let mut min = min;
    for (&pointer, table) in table_pointers.iter().zip(TABLE_NAMES) {
        if pointer < min || pointer > file_size {
            return Err(PlotError::BadPointer {
                table,
                pointer,
                min,
                max: file_size,
            });
        }
        min = pointer;
    }
    Ok(())
}

/// Reads `buf.len()` bytes at `offset`, reporting a range past the end as [`PlotError::Truncated`].
pub(crate) fn read_exact<R: ReadAt + ?Sized>(
    reader: &R,
    offset: u64,
    buf: &mut [u8],
    what: &'static str,
) -> Result<(), PlotError> {
    // The size is asked only when a read fails: for a `File` it is a system call, and a lookup
    // makes eight reads.
    reader.read_at(offset, buf).map_err(|source| {
        let size = reader.size();
        if offset.saturating_add(buf.len() as u64) > size {
            truncated(what, offset, buf.len() as u64, size)
        } else {
            PlotError::Io {
                offset,
                len: buf.len(),
                source,
            }
        }
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// A v2 header: magic, version, id, k, memo, flags, [level], pointers, then `pad` zero bytes.
    fn v2(version: u32, flags: u32, level: Option<u8>, pad: usize) -> Vec<u8> {
        let mut bytes = b"PLOT".to_vec();
        bytes.extend(version.to_le_bytes());
        bytes.extend([9u8; 32]);
        bytes.push(20);
        bytes.extend(3u16.to_be_bytes());
        bytes.extend([1, 2, 3]);
        bytes.extend(flags.to_le_bytes());
        bytes.extend(level);
        let header_len = bytes.len() as u64 + 80;
        for i in 0..10u64 {
            bytes.extend((header_len + i * 10).to_be_bytes());
        }
        bytes.resize(bytes.len() + pad, 0);
        bytes
    }

    #[test]
    fn reads_uncompressed_v2_headers() {
        for (flags, level) in [(0, None), (1, Some(0))] {
            let bytes = v2(2, flags, level, 200);
            let header = PlotHeader::read(&bytes[..]).unwrap();
            assert_eq!(header.version, HeaderVersion::V2);
            assert_eq!(
                (header.k, header.plot_id, header.memo.clone()),
                (20, [9; 32], vec![1, 2, 3])
            );
            assert_eq!(header.table_pointers[0], header.header_len);
            assert_eq!(header.table_pointers[9], header.header_len + 90);
        }
    }

    #[test]
    fn refuses_compressed_and_unknown_v2() {
        let err = PlotHeader::read(&v2(2, 1, Some(7), 200)[..]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "compressed plots (level 7) are not supported yet"
        );
        assert!(matches!(
            PlotHeader::read(&v2(3, 0, None, 200)[..]),
            Err(PlotError::UnsupportedVersion(3))
        ));
        // Pointers past the end of a file cut right after the header.
        assert!(matches!(
            PlotHeader::read(&v2(2, 0, None, 0)[..]),
            Err(PlotError::BadPointer { table: "P2", .. })
        ));
    }
}
