//! Big-endian bit strings, the way chiapos packs them: bit 0 is the most significant bit of byte 0.
//!
//! Plot parks, proofs and the F-function inputs are all MSB-first bit strings. These helpers never
//! panic: a read that runs past the end of the slice returns `None`.

/// Reads `num_bits` (0..=64) bits starting at `bit_offset`, MSB first, as an unsigned integer.
///
/// Returns `None` if `num_bits > 64` or the range runs past the end of `data`.
pub fn read_bits(data: &[u8], bit_offset: u64, num_bits: u32) -> Option<u64> {
    if num_bits > 64 {
        return None;
    }
    if num_bits == 0 {
        return Some(0);
    }
    let end = bit_offset.checked_add(u64::from(num_bits))?;
    if end > (data.len() as u64).checked_mul(8)? {
        return None;
    }
    let first_byte = usize::try_from(bit_offset / 8).ok()?;
    let last_byte = usize::try_from((end - 1) / 8).ok()?;
    // At most 9 bytes cover 64 bits at any alignment; accumulate in a u128.
    let mut acc: u128 = 0;
    for &byte in data.get(first_byte..=last_byte)? {
        acc = (acc << 8) | u128::from(byte);
    }
    let span_bits = (last_byte - first_byte + 1) as u32 * 8;
    let skip_low = span_bits - (bit_offset % 8) as u32 - num_bits;
    let mask = if num_bits == 64 {
        u128::from(u64::MAX)
    } else {
        (1u128 << num_bits) - 1
    };
    Some(((acc >> skip_low) & mask) as u64)
}

/// Appends values of a given bit width, MSB first; the final partial byte is zero-padded.
#[derive(Debug, Default, Clone)]
pub struct BitWriter {
    bytes: Vec<u8>,
    len_bits: u64,
}

impl BitWriter {
    /// An empty writer.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends the low `num_bits` (0..=64) bits of `value`; higher bits of `value` are ignored.
    pub fn push(&mut self, value: u64, num_bits: u32) {
        for i in (0..num_bits.min(64)).rev() {
            let bit = (value >> i) & 1;
            let byte_index = (self.len_bits / 8) as usize;
            if byte_index == self.bytes.len() {
                self.bytes.push(0);
            }
            if bit == 1
                && let Some(byte) = self.bytes.get_mut(byte_index)
            {
                *byte |= 0x80 >> (self.len_bits % 8);
            }
            self.len_bits += 1;
        }
    }

    /// Number of bits written so far.
    pub fn len_bits(&self) -> u64 {
        self.len_bits
    }

    /// The written bits, zero-padded to whole bytes.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_across_byte_boundaries() {
        let data = [0b1010_1100, 0b0101_0011, 0xff];
        assert_eq!(read_bits(&data, 0, 4), Some(0b1010));
        assert_eq!(read_bits(&data, 4, 8), Some(0b1100_0101));
        assert_eq!(read_bits(&data, 12, 12), Some(0b0011_1111_1111));
        assert_eq!(read_bits(&data, 20, 5), None);
        assert_eq!(read_bits(&data, 0, 65), None);
    }

    #[test]
    fn writer_round_trips_with_reader() {
        let values = [(5u64, 3u32), (0x1_2345, 18), (u64::MAX, 64), (0, 7), (1, 1)];
        let mut writer = BitWriter::new();
        for &(value, bits) in &values {
            writer.push(value, bits);
        }
        let bytes = writer.into_bytes();
        let mut offset = 0;
        for &(value, bits) in &values {
            assert_eq!(read_bits(&bytes, offset, bits), Some(value));
            offset += u64::from(bits);
        }
    }
}
