//! f2…f7: the BLAKE3 proof-of-space functions, their metadata, and the matching rule.
//!
//! `f_t(y_L, m_L, m_R)` hashes the bit string `y_L (k+6) ‖ m_L ‖ m_R` (zero-padded to bytes) with
//! BLAKE3. The new y is the first k + 6 bits of the hash. The new metadata is `m_L ‖ m_R` for
//! tables 2 and 3, the next `kVectorLens[t+1]·k` hash bits for tables 4–6, and nothing for table 7
//! (plot-format §11.2, chiapos `FxCalculator::CalculateBucket`).
//!
//! Two entries match (§11.3, chiapos `FindMatches`) when the right y is in the next bucket of
//! `kBC = 119·127` values and, for the one `m < 64` the B-coordinates allow, the C-coordinates
//! differ by `(2m + parity)²` mod 127.

use crate::bits::read_bits;
use crate::f1::EXTRA_BITS;

/// `kB`: the B group size.
pub const K_B: u64 = 119;
/// `kC`: the C group size.
pub const K_C: u64 = 127;
/// `kBC = kB · kC`: the bucket size for matching.
pub const K_BC: u64 = K_B * K_C;
/// Metadata width in units of k for the inputs of f_t, indexed by table (`kVectorLens`).
pub const VECTOR_LENS: [u8; 8] = [0, 0, 1, 2, 4, 4, 3, 2];

/// Bytes a [`Metadata`] can hold: 4k bits at k = 50 is 200 bits, and a hash slice is at most 256.
const METADATA_BYTES: usize = 32;
/// Bytes of an f input: y (≤ 64 bits) plus two full metadata values.
const INPUT_BYTES: usize = 8 + 2 * METADATA_BYTES;

/// A fixed-capacity MSB-first bit string (chiapos' `Bits` for the sizes f functions need).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct BitBuf<const N: usize> {
    bytes: [u8; N],
    len_bits: u32,
}

impl<const N: usize> BitBuf<N> {
    const EMPTY: Self = Self {
        bytes: [0; N],
        len_bits: 0,
    };

    /// Appends the low `num_bits` (≤ 64) bits of `value`; bits past the capacity are dropped.
    fn push(&mut self, value: u64, num_bits: u32) {
        let mut remaining = num_bits.min(64);
        while remaining > 0 {
            let Some(byte) = self.bytes.get_mut((self.len_bits / 8) as usize) else {
                return;
            };
            let free = 8 - self.len_bits % 8;
            let take = free.min(remaining);
            let chunk = (value >> (remaining - take)) & ((1u64 << take) - 1);
            *byte |= (chunk << (free - take)) as u8;
            self.len_bits += take;
            remaining -= take;
        }
    }

    /// Appends another bit string.
    fn extend<const M: usize>(&mut self, other: &BitBuf<M>) {
        let whole = (other.len_bits / 8) as usize;
        for &b in other.bytes.iter().take(whole) {
            self.push(u64::from(b), 8);
        }
        let tail = other.len_bits % 8;
        if let (true, Some(&b)) = (tail > 0, other.bytes.get(whole)) {
            self.push(u64::from(b >> (8 - tail)), tail);
        }
    }

    /// Appends bits `[offset, offset + num_bits)` of `data`, which must lie inside `data`.
    fn extend_from_slice_bits(&mut self, data: &[u8], offset: u64, num_bits: u32) {
        let mut done = 0u32;
        while done < num_bits {
            let take = (num_bits - done).min(64);
            let value = read_bits(data, offset + u64::from(done), take).unwrap_or(0);
            self.push(value, take);
            done += take;
        }
    }

    /// The bytes that hold the bits (the last one zero-padded).
    fn as_bytes(&self) -> &[u8] {
        let used = self.len_bits.div_ceil(8) as usize;
        self.bytes.get(..used).unwrap_or(&self.bytes)
    }
}

/// The metadata carried from one table to the next: x for table 1, then up to 4k bits.
///
/// A bit string of up to 256 bits (enough for k ≤ 50, where the widest metadata is 200 bits).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Metadata(BitBuf<METADATA_BYTES>);

impl Metadata {
    /// Metadata with no bits (what f7 produces).
    pub const EMPTY: Self = Self(BitBuf::EMPTY);

    /// The metadata of a table-1 entry: x itself, as k bits.
    pub fn from_x(x: u64, k: u8) -> Self {
        let mut buf = BitBuf::EMPTY;
        buf.push(x, u32::from(k));
        Self(buf)
    }

    /// Metadata from a packed MSB-first bit string: bits `[0, len_bits)` of `bytes`.
    ///
    /// Returns `None` if `len_bits` exceeds 256 or `bytes` is too short.
    pub fn from_bits(bytes: &[u8], len_bits: u32) -> Option<Self> {
        if len_bits > (METADATA_BYTES * 8) as u32 || u64::from(len_bits) > bytes.len() as u64 * 8 {
            return None;
        }
        let mut buf = BitBuf::EMPTY;
        buf.extend_from_slice_bits(bytes, 0, len_bits);
        Some(Self(buf))
    }

    /// Number of bits.
    pub fn len_bits(&self) -> u32 {
        self.0.len_bits
    }

    /// The bits packed MSB-first, zero-padded to whole bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    /// `left ‖ right` (the new metadata of f2 and f3).
    fn concat(left: &Self, right: &Self) -> Self {
        let mut buf = left.0;
        buf.extend(&right.0);
        Self(buf)
    }
}

impl std::fmt::Debug for Metadata {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Metadata({} bits, ", self.len_bits())?;
        for b in self.as_bytes() {
            write!(f, "{b:02x}")?;
        }
        write!(f, ")")
    }
}

/// Evaluates f_t for one k and one table t in 2..=7.
#[derive(Debug, Clone, Copy)]
pub struct FxCalculator {
    k: u8,
    table: u8,
}

impl FxCalculator {
    /// A calculator for table `table` (2..=7) of a k plot.
    ///
    /// Other table numbers follow chiapos' own comparisons (`< 4` concatenates, `< 7` slices the
    /// hash, anything else gives empty metadata) and never panic.
    pub fn new(k: u8, table: u8) -> Self {
        Self { k, table }
    }

    /// `f_table(y_left, left, right)`: the new y (k + 6 bits) and the new metadata.
    ///
    /// `y_left` is the y of the left (first) entry of the pair; only its low k + 6 bits are used.
    pub fn calculate(&self, y_left: u64, left: &Metadata, right: &Metadata) -> (u64, Metadata) {
        let k = u32::from(self.k);
        let y_bits = (k + EXTRA_BITS).min(64);
        let mut input: BitBuf<INPUT_BYTES> = BitBuf::EMPTY;
        input.push(y_left, y_bits);
        input.extend(&left.0);
        input.extend(&right.0);
        let hash = blake3::hash(input.as_bytes());
        let hash = hash.as_bytes();

        let y = read_bits(hash, 0, y_bits).unwrap_or(0);
        let metadata = if self.table < 4 {
            Metadata::concat(left, right)
        } else if self.table < 7 {
            let width = VECTOR_LENS
                .get(usize::from(self.table) + 1)
                .map_or(0, |&len| u32::from(len) * k);
            // At k = 50, f4's 200 bits end exactly at the hash's last bit; nothing wider exists.
            let width = width.min(256 - y_bits);
            let mut buf = BitBuf::EMPTY;
            buf.extend_from_slice_bits(hash, u64::from(y_bits), width);
            Metadata(buf)
        } else {
            Metadata::EMPTY
        };
        (y, metadata)
    }
}

/// The bucket of a y value (`y / kBC`).
pub fn bucket(y: u64) -> u64 {
    y / K_BC
}

/// Whether `(y_left, y_right)` is a matching pair, in this order (chiapos `FindMatches` on one
/// entry each, after its `cdiff == 1` check).
///
/// The rule does not depend on k; the parameter keeps call sites explicit about the plot size.
pub fn matches(_k: u8, y_left: u64, y_right: u64) -> bool {
    let left_bucket = bucket(y_left);
    if bucket(y_right).wrapping_sub(left_bucket) != 1 {
        return false;
    }
    let a = y_left % K_BC;
    let b = y_right % K_BC;
    let parity = left_bucket % 2;
    // (a / kC + m) mod kB = b / kC has exactly one solution m in 0..kB; it must be below 64.
    let m = (b / K_C + K_B - a / K_C) % K_B;
    if m >= 64 {
        return false;
    }
    let square = (2 * m + parity) * (2 * m + parity);
    (square + a) % K_C == b % K_C
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap: a failure is the assertion
mod tests {
    use super::*;

    /// chiapos' `L_targets` table, built the way `load_tables` builds it.
    fn l_target(parity: u64, a: u64, m: u64) -> u64 {
        ((a / K_C + m) % K_B) * K_C + ((2 * m + parity) * (2 * m + parity) + a) % K_C
    }

    #[test]
    fn matches_agrees_with_l_targets() {
        // Every left offset in a bucket of each parity, against all 64 targets and some misses.
        for left_bucket in [4u64, 7] {
            let parity = left_bucket % 2;
            for a in (0..K_BC).step_by(7) {
                let y_left = left_bucket * K_BC + a;
                for m in 0..64 {
                    let y_right = (left_bucket + 1) * K_BC + l_target(parity, a, m);
                    assert!(matches(20, y_left, y_right), "a={a} m={m}");
                    // Same offsets, wrong bucket distance.
                    assert!(!matches(20, y_left, y_right + K_BC));
                    assert!(!matches(20, y_left, y_right - K_BC));
                }
                let targets: Vec<u64> = (0..64).map(|m| l_target(parity, a, m)).collect();
                for b in (0..K_BC).step_by(13) {
                    let y_right = (left_bucket + 1) * K_BC + b;
                    assert_eq!(
                        matches(20, y_left, y_right),
                        targets.contains(&b),
                        "a={a} b={b}"
                    );
                }
            }
        }
        // Reversed order never matches (unsigned bucket difference).
        assert!(!matches(20, 5 * K_BC + 3, 4 * K_BC + 3));
        assert!(!matches(20, u64::MAX, 0));
    }

    #[test]
    fn metadata_concatenates_bits() {
        let left = Metadata::from_x(0b101, 3);
        let right = Metadata::from_x(0x1ffff, 17);
        let both = Metadata::concat(&left, &right);
        assert_eq!(both.len_bits(), 20);
        assert_eq!(
            read_bits(both.as_bytes(), 0, 20),
            Some((0b101 << 17) | 0x1ffff)
        );
        assert_eq!(Metadata::from_bits(both.as_bytes(), 20), Some(both));
        assert_eq!(Metadata::from_bits(&[0u8; 40], 257), None);
        assert_eq!(Metadata::from_bits(&[0u8; 2], 17), None);
    }

    #[test]
    fn f2_hashes_y_and_both_xs() {
        let k = 18u8;
        let (y_left, x_left, x_right) = (0xabcdef_u64, 0x1234_u64, 0x3_ffff_u64);
        let f2 = FxCalculator::new(k, 2);
        let (y, meta) = f2.calculate(
            y_left,
            &Metadata::from_x(x_left, k),
            &Metadata::from_x(x_right, k),
        );
        // 24 + 18 + 18 = 60 bits → 8 bytes.
        let packed = ((y_left << 36) | (x_left << 18) | x_right) << 4;
        let hash = blake3::hash(&packed.to_be_bytes());
        let expected_y = u64::from_be_bytes(hash.as_bytes()[..8].try_into().unwrap()) >> 40;
        assert_eq!(y, expected_y);
        assert_eq!(meta.len_bits(), 36);
        assert_eq!(
            read_bits(meta.as_bytes(), 0, 36),
            Some((x_left << 18) | x_right)
        );
    }

    #[test]
    fn f4_to_f7_take_metadata_from_the_hash() {
        let k = 50u8;
        let m = Metadata::from_bits(&[0xa5; 25], 200).unwrap();
        for (table, width) in [(4u8, 200u32), (5, 150), (6, 100), (7, 0)] {
            let (y, meta) = FxCalculator::new(k, table).calculate(1 << 55, &m, &m);
            assert!(y < 1 << 56);
            assert_eq!(meta.len_bits(), width, "table {table}");
        }
        let (y, meta) = FxCalculator::new(k, 5).calculate(7, &m, &m);
        let mut input = vec![0u8; 57];
        let mut buf: BitBuf<INPUT_BYTES> = BitBuf::EMPTY;
        buf.push(7, 56);
        buf.extend(&m.0);
        buf.extend(&m.0);
        input.copy_from_slice(buf.as_bytes());
        let hash = blake3::hash(&input);
        assert_eq!(y, read_bits(hash.as_bytes(), 0, 56).unwrap());
        assert_eq!(
            read_bits(meta.as_bytes(), 0, 64),
            read_bits(hash.as_bytes(), 56, 64)
        );
    }
}
