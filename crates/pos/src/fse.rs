//! FSE (tANS) decoding of park and C3 deltas with chiapos' fixed tables (plot-format §5).
//!
//! chiapos stores no table in the stream: both sides derive the normalized counts from a constant
//! R per table. The counts are embedded here as the integers chiapos computes (recomputing them in
//! floating point would be a needless risk), and the decode table is built exactly like
//! `FSE_buildDTable` (the spread order matters).
//!
//! The decoder is streaming: symbols come out first to last, so a caller that needs only the first
//! few deltas stops early.

use std::sync::OnceLock;

/// `log2` of the number of decoder states.
const TABLE_LOG: u32 = 14;
const TABLE_SIZE: usize = 1 << TABLE_LOG;

/// Which fixed distribution a stream was encoded with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DeltaTable {
    /// P1, R = 4.7.
    R4_7,
    /// P2 and P3, R = 2.75.
    R2_75,
    /// P4, R = 2.7.
    R2_7,
    /// P5, R = 2.6.
    R2_6,
    /// P6, R = 2.45.
    R2_45,
    /// C3, R = 1.0.
    R1_0,
}

impl DeltaTable {
    /// Every distribution.
    pub const ALL: [DeltaTable; 6] = [
        Self::R4_7,
        Self::R2_75,
        Self::R2_7,
        Self::R2_6,
        Self::R2_45,
        Self::R1_0,
    ];

    /// The distribution of park table `t` (1..=6), or `None` for other tables.
    pub fn for_park_table(t: u8) -> Option<Self> {
        Some(match t {
            1 => Self::R4_7,
            2 | 3 => Self::R2_75,
            4 => Self::R2_7,
            5 => Self::R2_6,
            6 => Self::R2_45,
            _ => return None,
        })
    }

    /// (explicit counts of the first symbols, number of symbols N); the rest of 0..N count −1.
    fn counts(self) -> (&'static [u16], usize) {
        match self {
            Self::R4_7 => (
                &[
                    1504, 2811, 2273, 1837, 1485, 1200, 970, 784, 634, 512, 414, 335, 271, 219,
                    177, 143, 116, 93, 76, 61, 49, 40, 32, 26, 21, 17, 14, 11, 9, 7, 6, 5, 4, 3, 3,
                    2, 2,
                ],
                255,
            ),
            Self::R2_75 => (
                &[
                    2482, 4169, 2898, 2015, 1400, 973, 677, 470, 327, 227, 158, 110, 76, 53, 37,
                    26, 18, 12, 9, 6, 4, 3, 2,
                ],
                255,
            ),
            Self::R2_7 => (
                &[
                    2524, 4219, 2913, 2011, 1389, 959, 662, 457, 316, 218, 151, 104, 72, 50, 34,
                    24, 16, 11, 8, 5, 4, 3, 2,
                ],
                255,
            ),
            Self::R2_6 => (
                &[
                    2613, 4324, 2943, 2004, 1364, 928, 632, 430, 293, 199, 136, 92, 63, 43, 29, 20,
                    14, 9, 6, 4, 3, 2,
                ],
                255,
            ),
            Self::R2_45 => (
                &[
                    2758, 4489, 2985, 1985, 1319, 877, 583, 388, 258, 171, 114, 76, 50, 34, 22, 15,
                    10, 7, 4, 3, 2,
                ],
                255,
            ),
            Self::R1_0 => (&[5989, 6505, 2393, 880, 324, 119, 44, 16, 6, 2], 116),
        }
    }

    fn index(self) -> usize {
        match self {
            Self::R4_7 => 0,
            Self::R2_75 => 1,
            Self::R2_7 => 2,
            Self::R2_6 => 3,
            Self::R2_45 => 4,
            Self::R1_0 => 5,
        }
    }

    fn decode_table(self) -> &'static DecodeTable {
        static TABLES: [OnceLock<DecodeTable>; 6] = [
            OnceLock::new(),
            OnceLock::new(),
            OnceLock::new(),
            OnceLock::new(),
            OnceLock::new(),
            OnceLock::new(),
        ];
        let slot = &TABLES[self.index()];
        slot.get_or_init(|| DecodeTable::build(self))
    }
}

/// One decoder state: the symbol it emits, and how to reach the next state.
#[derive(Debug, Clone, Copy, Default)]
struct Cell {
    symbol: u8,
    nb_bits: u8,
    base: u16,
}

/// The decoder states of one distribution, twice: plain for one-symbol decoding
/// ([`FseDecoder::next_symbol`], each stream's tail), packed for lockstep lanes. The plain cells
/// could be unpacked from the packed ones, but that puts the unpacking on one-symbol decoding's
/// serial dependency chain: tried, it took the `prover` bench's lookups from 41–43 to 54–59 µs.
struct DecodeTable {
    cells: Box<[Cell; TABLE_SIZE]>,
    /// The same cells packed for lockstep lanes ([`Packed`]).
    packed: Box<[Packed; TABLE_SIZE]>,
    /// The largest symbol the table emits.
    max_symbol: u8,
}

/// A cell as lockstep lanes use it: `base` in the high 16 bits and, in the low 16 as an `i16`,
/// `symbol · 64 − nb_bits`, the change to a lane's accumulator (`sum · 64 + bit position`).
/// One add then both sums the symbol and consumes the bits. (255 · 64 fits an `i16`; 255 · 256
/// would not.)
type Packed = u32;

/// A lane's accumulator holds the bit position (below 64) in its low `POS_BITS` bits.
const POS_BITS: u32 = 6;
const POS_MASK: u64 = (1 << POS_BITS) - 1;

fn pack(cell: Cell) -> Packed {
    let step = (i32::from(cell.symbol) << POS_BITS) - i32::from(cell.nb_bits);
    (u32::from(cell.base) << 16) | u32::from(step as i16 as u16)
}

impl DecodeTable {
    /// `FSE_buildDTable`: low-probability symbols at the top, the rest spread with step 10243.
    fn build(table: DeltaTable) -> Self {
        let (explicit, n) = table.counts();
        let mut cells = Box::new([Cell::default(); TABLE_SIZE]);
        let mut next = [0u32; 256];
        let mut high = TABLE_SIZE - 1;
        for (symbol, slot) in next.iter_mut().enumerate().take(n) {
            match explicit.get(symbol) {
                Some(&count) => *slot = u32::from(count),
                None => {
                    cells[high].symbol = symbol as u8;
                    high -= 1;
                    *slot = 1;
                }
            }
        }
        let step = (TABLE_SIZE >> 1) + (TABLE_SIZE >> 3) + 3;
        let mask = TABLE_SIZE - 1;
        let mut pos = 0usize;
        for (symbol, &count) in explicit.iter().enumerate() {
            for _ in 0..count {
                cells[pos].symbol = symbol as u8;
                pos = (pos + step) & mask;
                while pos > high {
                    pos = (pos + step) & mask;
                }
            }
        }
        debug_assert_eq!(pos, 0, "the spread must visit every cell once");
        for cell in cells.iter_mut() {
            let slot = &mut next[usize::from(cell.symbol)];
            let x = *slot;
            *slot += 1;
            let nb_bits = TABLE_LOG - (31 - x.leading_zeros());
            cell.nb_bits = nb_bits as u8;
            cell.base = ((x << nb_bits) - TABLE_SIZE as u32) as u16;
        }
        let max_symbol = (n - 1) as u8;
        let mut packed = Box::new([0; TABLE_SIZE]);
        for (packed, &cell) in packed.iter_mut().zip(cells.iter()) {
            *packed = pack(cell);
        }
        Self {
            cells,
            packed,
            max_symbol,
        }
    }

    fn cell(&self, state: u16) -> Cell {
        self.cells[usize::from(state) & (TABLE_SIZE - 1)]
    }
}

/// Why an FSE stream does not decode.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FseError {
    /// A zero-length stream (`BIT_initDStream` rejects it).
    #[error("empty delta stream")]
    Empty,
    /// The last byte is zero, so the end marker bit is missing.
    #[error("delta stream of {len} bytes has no end marker (last byte is 0)")]
    NoEndMarker {
        /// Stream length.
        len: usize,
    },
    /// The stream holds more symbols than the destination (`dstSize_tooSmall`).
    #[error("delta stream holds more than {capacity} symbols")]
    TooManySymbols {
        /// Symbols allowed.
        capacity: usize,
    },
}

/// Unread bits a quad (four decode steps, two per state) needs: four reads of at most 14 bits.
const QUAD_BITS: i64 = 4 * TABLE_LOG as i64;

/// Most streams [`sum_lockstep`] decodes in one loop.
pub const LOCKSTEP: usize = 4;

/// One stream's share of [`sum_lockstep`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockstepGoal {
    /// Decode at most this many symbols.
    pub count: usize,
    /// Stop before the sum could reach this (`u64::MAX`: no threshold).
    pub below: u64,
}

impl LockstepGoal {
    /// At most `count` symbols, whatever their sum.
    pub fn count(count: usize) -> Self {
        Self {
            count,
            below: u64::MAX,
        }
    }
}

/// One stream's registers in a lockstep decode.
///
/// The bits of a quad sit in `word`, the 8 bytes loaded at bit `word_start`; `acc` holds
/// `sum · 64 + pos`, where `pos` (below 64) counts the word's unread bits. The stream's unread
/// bits are `word_start + pos`.
#[derive(Clone, Copy)]
struct Lane<'a> {
    bytes: &'a [u8],
    word: u64,
    word_start: i64,
    acc: u64,
    own: u16,
    other: u16,
    /// Quads stop once `acc` reaches this (a sum limit times 64): a further quad might pass the
    /// caller's threshold.
    limit: u64,
    /// Symbols this lane may still decode.
    left: usize,
}

impl Lane<'_> {
    /// Unread bits of the stream.
    #[inline(always)]
    fn remaining(&self) -> i64 {
        self.word_start + (self.acc & POS_MASK) as i64
    }

    /// The symbols summed so far.
    fn sum(&self) -> u64 {
        self.acc >> POS_BITS
    }

    /// Loads the bits of the next quad: the 8 bytes ending at the byte that holds the next
    /// unread bit, so 56 to 63 unread bits are in the word (all of them near the stream's start).
    #[inline(always)]
    fn load_word(&mut self) {
        let remaining = self.remaining();
        let byte = (remaining / 8 - 7).max(0);
        self.word = load_le(self.bytes, byte as usize);
        let start = byte * 8;
        self.acc = self.acc - (self.acc & POS_MASK) + (remaining - start) as u64;
        self.word_start = start;
    }

    /// One decode from `state` within the loaded quad; returns the next state. A quad (four
    /// steps, two per state) reads at most `QUAD_BITS`, which the loaded word holds.
    #[inline(always)]
    fn step(&mut self, table: &[Packed; TABLE_SIZE], state: u16) -> u16 {
        let cell = table[usize::from(state) & (TABLE_SIZE - 1)];
        let pos = self.acc & POS_MASK;
        self.acc = self.acc.wrapping_add(cell as u16 as i16 as u64);
        // Bits [new pos, pos) of the word.
        let bits = (self.word & ((1u64 << pos) - 1)) >> (self.acc & POS_MASK);
        ((cell >> 16) as u16).wrapping_add(bits as u16)
    }

    /// A placeholder for an unused slot.
    const IDLE: Lane<'static> = Lane {
        bytes: &[],
        word: 0,
        word_start: 0,
        acc: 0,
        own: 0,
        other: 0,
        limit: 0,
        left: 0,
    };

    /// Quads this lane can surely take before its count or its bits run out (each quad reads at
    /// most `QUAD_BITS`); the sum limit is checked per round.
    #[inline(always)]
    fn safe_quads(&self) -> usize {
        let remaining = self.remaining();
        if self.acc >= self.limit || remaining < QUAD_BITS {
            return 0;
        }
        ((remaining / QUAD_BITS) as usize).min(self.left / 4)
    }
}

/// `lockstepN(table, lanes)`: quads of all N lanes, one per lane per round, until one lane must
/// stop. Written out per N with one variable per lane, and the lanes' steps interleaved one
/// decode at a time, so each lane's state stays in registers and the CPU sees the lanes'
/// independent table loads side by side.
macro_rules! lockstep_fn {
    ($name:ident, $n:literal, [$($l:ident),+]) => {
        fn $name(table: &[Packed; TABLE_SIZE], lanes: &mut [Lane<'_>; $n]) {
            let [$(mut $l),+] = *lanes;
            loop {
                let rounds = [$($l.safe_quads()),+].into_iter().min().unwrap_or(0);
                if rounds == 0 {
                    break;
                }
                let mut ran = 0;
                while ran < rounds {
                    $( $l.load_word(); )+
                    $( $l.own = $l.step(table, $l.own); )+
                    $( $l.other = $l.step(table, $l.other); )+
                    $( $l.own = $l.step(table, $l.own); )+
                    $( $l.other = $l.step(table, $l.other); )+
                    ran += 1;
                    if false $(|| $l.acc >= $l.limit)+ {
                        break;
                    }
                }
                $( $l.left -= 4 * ran; )+
            }
            *lanes = [$($l),+];
        }
    };
}

lockstep_fn!(lockstep1, 1, [a]);
lockstep_fn!(lockstep2, 2, [a, b]);
lockstep_fn!(lockstep3, 3, [a, b, c]);
lockstep_fn!(lockstep4, 4, [a, b, c, d]);

/// Sums the next symbols of up to [`LOCKSTEP`] independent streams of the same table, decoding
/// them in lockstep, and returns `(sum, symbols)` per stream. Finish each stream one symbol at a
/// time ([`FseDecoder::sum_symbols`], [`FseDecoder::next_symbol`]).
///
/// A stream stops short of its goal's count, never past it, and while its sum is still below the
/// goal's threshold by more than one quad's worth of symbols. It also stops near the end of its
/// bits, which it leaves to the caller. So this never fails.
///
/// Why: one stream's next state waits on a load from a 64 KiB table that does not fit L1, and
/// the two states of a stream share one bit position. Several streams in one loop give the CPU
/// independent work during that wait. On the 2-core test machine, summing the k=18 fixture's
/// parks takes 2.6 ns per symbol one stream at a time, 1.5 two at a time and 1.27 four at a time
/// (each lane's sum and bit position share one accumulator, see `Packed`).
pub fn sum_lockstep(
    decoders: &mut [&mut FseDecoder<'_>],
    goals: &[LockstepGoal],
) -> Vec<(u64, usize)> {
    let n = decoders.len().min(goals.len());
    let mut out = vec![(0u64, 0usize); n];
    let chunks = decoders[..n]
        .chunks_mut(LOCKSTEP)
        .zip(goals[..n].chunks(LOCKSTEP))
        .zip(out.chunks_mut(LOCKSTEP));
    for ((decoders, goals), out) in chunks {
        sum_lockstep_chunk(decoders, goals, out);
    }
    out
}

fn sum_lockstep_chunk(
    decoders: &mut [&mut FseDecoder<'_>],
    goals: &[LockstepGoal],
    out: &mut [(u64, usize)],
) {
    let Some(table) = decoders.first().map(|d| d.table) else {
        return;
    };
    let guard = 4 * u64::from(table.max_symbol);
    // Active lanes first: (decoder slot, symbols allowed) and the lane itself. Streams of another
    // table, or already at their end, stay out.
    let mut slots = [(0usize, 0usize); LOCKSTEP];
    let mut lanes = [Lane::IDLE; LOCKSTEP];
    let mut active = 0;
    for (slot, (decoder, goal)) in decoders.iter().zip(goals).enumerate().take(LOCKSTEP) {
        if decoder.last.is_some() || decoder.done || !std::ptr::eq(decoder.table, table) {
            continue;
        }
        let lane = decoder.lane(goal.count, goal.below.saturating_sub(guard));
        slots[active] = (slot, lane.left);
        lanes[active] = lane;
        active += 1;
    }
    let cells = &table.packed;
    loop {
        // Lanes that cannot take another quad hand their state back and leave.
        let mut i = 0;
        while i < active {
            if lanes[i].safe_quads() > 0 {
                i += 1;
                continue;
            }
            let ((slot, allowed), lane) = (slots[i], lanes[i]);
            let done = allowed - lane.left;
            decoders[slot].resume(&lane, done);
            out[slot] = (lane.sum(), done);
            active -= 1;
            slots.swap(i, active);
            lanes.swap(i, active);
        }
        match &mut lanes[..active] {
            [] => break,
            [a] => lockstep1(cells, std::array::from_mut(a)),
            [a, b] => {
                let mut group = [*a, *b];
                lockstep2(cells, &mut group);
                [*a, *b] = group;
            }
            [a, b, c] => {
                let mut group = [*a, *b, *c];
                lockstep3(cells, &mut group);
                [*a, *b, *c] = group;
            }
            [a, b, c, d, ..] => {
                let mut group = [*a, *b, *c, *d];
                lockstep4(cells, &mut group);
                [*a, *b, *c, *d] = group;
            }
        }
    }
}

/// Eight bytes from `byte` on as a little-endian integer, zero-padded past the end.
#[inline]
fn load_le(bytes: &[u8], byte: usize) -> u64 {
    match bytes.get(byte..byte + 8) {
        Some(b) => u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]),
        None => {
            let mut word = [0u8; 8];
            for (dst, src) in word.iter_mut().zip(bytes.iter().skip(byte)) {
                *dst = *src;
            }
            u64::from_le_bytes(word)
        }
    }
}

/// Reads a stream from its last bit toward its first, as FSE's `BIT_DStream` does.
struct BackwardBits<'a> {
    bytes: &'a [u8],
    /// Unread payload bits; negative once the decoder has read past the start (overflow).
    remaining: i64,
}

impl<'a> BackwardBits<'a> {
    fn new(bytes: &'a [u8]) -> Result<Self, FseError> {
        let last = *bytes.last().ok_or(FseError::Empty)?;
        if last == 0 {
            return Err(FseError::NoEndMarker { len: bytes.len() });
        }
        let marker = 7 - i64::from(last.leading_zeros());
        Ok(Self {
            bytes,
            remaining: 8 * (bytes.len() as i64 - 1) + marker,
        })
    }

    /// The next `n` (1..=14) bits, first-read bit most significant; zeros past the start.
    #[inline]
    fn read(&mut self, n: u32) -> u16 {
        let end = self.remaining;
        self.remaining -= i64::from(n);
        let start = self.remaining;
        if start >= 0 {
            // Bits [start, end) of the little-endian integer: one unaligned 8-byte load.
            let byte = (start / 8) as usize;
            let window = match self.bytes.get(byte..byte + 8) {
                Some(b) => u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]),
                None => self.load_tail(byte),
            };
            return ((window >> (start % 8)) & ((1u64 << n) - 1)) as u16;
        }
        // Past the start (the stream's end rule reads at most one field this far): the bits that
        // exist become the high bits, zeros fill the rest.
        let taken = end.max(0) as u32;
        let window = self.load_tail(0);
        let bits = window & ((1u64 << taken) - 1);
        (bits << (i64::from(n) - i64::from(taken))) as u16
    }

    /// Up to 8 bytes from `byte` on, zero-padded past the end.
    #[cold]
    fn load_tail(&self, byte: usize) -> u64 {
        let mut word = [0u8; 8];
        for (dst, src) in word.iter_mut().zip(self.bytes.iter().skip(byte)) {
            *dst = *src;
        }
        u64::from_le_bytes(word)
    }

    fn overflowed(&self) -> bool {
        self.remaining < 0
    }
}

/// Streams the symbols of one FSE stream, first to last.
pub struct FseDecoder<'a> {
    table: &'static DecodeTable,
    bits: BackwardBits<'a>,
    states: [u16; 2],
    turn: usize,
    /// The symbol still owed after the bit stream ran out, then `done`.
    last: Option<u8>,
    done: bool,
    emitted: usize,
    capacity: usize,
}

impl<'a> FseDecoder<'a> {
    /// Starts decoding `stream`, allowing at most `capacity` symbols (2047 for parks, 10000 for C3).
    pub fn new(table: DeltaTable, stream: &'a [u8], capacity: usize) -> Result<Self, FseError> {
        let mut bits = BackwardBits::new(stream)?;
        let s1 = bits.read(TABLE_LOG);
        let s2 = bits.read(TABLE_LOG);
        Ok(Self {
            table: table.decode_table(),
            bits,
            states: [s1, s2],
            turn: 0,
            last: None,
            done: false,
            emitted: 0,
            capacity,
        })
    }

    /// The next symbol, `Ok(None)` at the end of the stream.
    #[inline]
    #[allow(clippy::should_implement_trait)]
    pub fn next_symbol(&mut self) -> Result<Option<u8>, FseError> {
        if self.done {
            return Ok(None);
        }
        if self.emitted >= self.capacity {
            return Err(FseError::TooManySymbols {
                capacity: self.capacity,
            });
        }
        self.emitted += 1;
        if let Some(symbol) = self.last.take() {
            self.done = true;
            return Ok(Some(symbol));
        }
        let cell = self.table.cell(self.states[self.turn]);
        let value = self.bits.read(u32::from(cell.nb_bits));
        self.states[self.turn] = cell.base.wrapping_add(value);
        self.turn ^= 1;
        if self.bits.overflowed() {
            // The stream ends here: the other state still holds one symbol (FSE's tail rule).
            self.last = Some(self.table.cell(self.states[self.turn]).symbol);
        }
        Ok(Some(cell.symbol))
    }

    /// Decodes up to `count` symbols and returns `(their sum, how many there were)`; fewer than
    /// `count` only when the stream ends first. The hot loop of a line-point lookup.
    pub fn sum_symbols(&mut self, count: usize) -> Result<(u64, usize), FseError> {
        let [(mut sum, mut decoded)] = self.sum_fast(LockstepGoal::count(count));
        while decoded < count {
            match self.next_symbol()? {
                Some(symbol) => {
                    sum += u64::from(symbol);
                    decoded += 1;
                }
                None => break,
            }
        }
        Ok((sum, decoded))
    }

    /// Passes the next symbols to `f` in order while it returns `true`, four at a time, and stops
    /// near the end of the stream (finish with [`next_symbol`](Self::next_symbol)); returns how
    /// many symbols `f` saw. The rest of the quad in which `f` returned `false` is consumed unseen.
    pub fn walk_quads(&mut self, mut f: impl FnMut(u8) -> bool) -> usize {
        if self.last.is_some() || self.done {
            return 0;
        }
        let table = &self.table.packed;
        let mut lane = self.lane(usize::MAX, u64::MAX);
        let allowed = lane.left;
        let (mut seen, mut going) = (0usize, true);
        while going && lane.safe_quads() > 0 {
            lane.load_word();
            lane.left -= 4;
            // Each step adds its symbol to the lane's sum: the differences are the symbols.
            let mut sums = [lane.sum(); 5];
            for pair in sums[1..].chunks_exact_mut(2) {
                lane.own = lane.step(table, lane.own);
                pair[0] = lane.sum();
                lane.other = lane.step(table, lane.other);
                pair[1] = lane.sum();
            }
            let symbols: [u8; 4] = std::array::from_fn(|i| (sums[i + 1] - sums[i]) as u8);
            for symbol in symbols {
                seen += 1;
                going = f(symbol);
                if !going {
                    break;
                }
            }
        }
        let done = allowed - lane.left;
        self.resume(&lane, done);
        seen
    }

    /// This stream as a lockstep lane: at most `count` symbols; quads stop once the sum reaches
    /// `limit`.
    fn lane(&self, count: usize, limit: u64) -> Lane<'a> {
        // A stream's payload is far below 2^55 bits, so `acc`'s sum part has room.
        let remaining = self.bits.remaining.max(0);
        Lane {
            bytes: self.bits.bytes,
            word: 0,
            word_start: remaining & !63,
            acc: (remaining & 63) as u64,
            own: self.states[self.turn],
            other: self.states[self.turn ^ 1],
            limit: limit.saturating_mul(1 << POS_BITS),
            left: count.min(self.capacity.saturating_sub(self.emitted)),
        }
    }

    /// Takes back the state of a lane that decoded `done` symbols (whole quads: the turn is
    /// unchanged).
    fn resume(&mut self, lane: &Lane<'_>, done: usize) {
        self.bits.remaining = lane.remaining();
        self.states[self.turn] = lane.own;
        self.states[self.turn ^ 1] = lane.other;
        self.emitted += done;
    }

    /// The fast part of [`sum_lockstep`] for this stream alone.
    fn sum_fast(&mut self, goal: LockstepGoal) -> [(u64, usize); 1] {
        let mut out = [(0, 0)];
        sum_lockstep_chunk(&mut [self], &[goal], &mut out);
        out
    }

    /// Decodes the whole stream into a vector (at most `capacity` symbols).
    pub fn decode_all(mut self) -> Result<Vec<u8>, FseError> {
        let mut out = Vec::with_capacity(self.capacity.min(10_000));
        while let Some(symbol) = self.next_symbol()? {
            out.push(symbol);
        }
        Ok(out)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn counts_sum_to_table_size() {
        for table in DeltaTable::ALL {
            let (explicit, n) = table.counts();
            let total: usize =
                explicit.iter().map(|&c| usize::from(c)).sum::<usize>() + n - explicit.len();
            assert_eq!(total, TABLE_SIZE, "{table:?}");
            // Building checks the spread returns to 0 (debug builds).
            let built = table.decode_table();
            assert!(built.cells.iter().all(|c| (1..=14).contains(&c.nb_bits)));
        }
    }

    #[test]
    fn rejects_empty_and_unterminated_streams() {
        assert_eq!(
            FseDecoder::new(DeltaTable::R1_0, &[], 10).err(),
            Some(FseError::Empty)
        );
        assert_eq!(
            FseDecoder::new(DeltaTable::R1_0, &[1, 0], 10).err(),
            Some(FseError::NoEndMarker { len: 2 })
        );
    }

    #[test]
    fn capacity_is_enforced() {
        let decoder = FseDecoder::new(DeltaTable::R2_75, &[0xAB; 64], 3).unwrap();
        assert_eq!(
            decoder.decode_all(),
            Err(FseError::TooManySymbols { capacity: 3 })
        );
    }

    #[test]
    fn packed_cells_keep_symbol_bits_and_base() {
        let mut largest = 0;
        for table in DeltaTable::ALL {
            let built = table.decode_table();
            for (cell, &packed) in built.cells.iter().zip(built.packed.iter()) {
                let step = i32::from(packed as u16 as i16);
                let nb = i32::from(cell.nb_bits);
                assert_eq!(step, (i32::from(cell.symbol) << POS_BITS) - nb, "{table:?}");
                assert_eq!((packed >> 16) as u16, cell.base, "{table:?}");
                largest = largest.max(cell.symbol);
            }
        }
        // Symbols above 127 exist, so a narrower accumulator layout would fail above.
        assert!(largest > 127, "largest symbol {largest}");
    }
}
