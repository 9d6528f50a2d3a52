//! [`Cursor`]: a bounds-checked reader over a borrowed buffer.

use crate::Error;

/// Reads a byte slice front to back, never past its end.
///
/// Every read names the type it is for, so a short buffer reports which value was cut off and where.
#[derive(Debug, Clone)]
pub struct Cursor<'a> {
    data: &'a [u8],
    position: usize,
}

impl<'a> Cursor<'a> {
    /// A cursor at the start of `data`.
    pub fn new(data: &'a [u8]) -> Self {
        Self { data, position: 0 }
    }

    /// Bytes consumed so far.
    pub fn position(&self) -> usize {
        self.position
    }

    /// Bytes not yet consumed.
    pub fn remaining(&self) -> usize {
        self.data.len() - self.position
    }

    /// The unconsumed bytes, without consuming them.
    pub fn rest(&self) -> &'a [u8] {
        self.data.get(self.position..).unwrap_or_default()
    }

    /// Consumes the next `n` bytes, or fails with [`Error::EndOfBuffer`] (consuming nothing) when
    /// fewer remain.
    pub fn take(&mut self, n: usize, type_name: &'static str) -> Result<&'a [u8], Error> {
        let rest = self.rest();
        match rest.get(..n) {
            Some(taken) => {
                self.position += n;
                Ok(taken)
            }
            None => Err(Error::EndOfBuffer {
                type_name,
                offset: self.position,
                needed: n,
                remaining: rest.len(),
            }),
        }
    }

    /// Consumes the next `N` bytes as an array.
    pub fn take_array<const N: usize>(
        &mut self,
        type_name: &'static str,
    ) -> Result<[u8; N], Error> {
        let rest = self.rest();
        match rest.first_chunk::<N>() {
            Some(taken) => {
                self.position += N;
                Ok(*taken)
            }
            None => Err(Error::EndOfBuffer {
                type_name,
                offset: self.position,
                needed: N,
                remaining: rest.len(),
            }),
        }
    }

    /// Consumes one byte.
    pub fn take_u8(&mut self, type_name: &'static str) -> Result<u8, Error> {
        let [byte] = self.take_array::<1>(type_name)?;
        Ok(byte)
    }

    /// Reads a u32 length prefix for a value of `type_name` and checks that at least
    /// `len × min_item_size` bytes follow, so a forged length fails here, before anything is
    /// allocated.
    pub fn take_len(
        &mut self,
        min_item_size: usize,
        type_name: &'static str,
    ) -> Result<usize, Error> {
        let len = u32::from_be_bytes(self.take_array::<4>(type_name)?) as usize;
        let needed = len.saturating_mul(min_item_size);
        if needed > self.remaining() {
            return Err(Error::EndOfBuffer {
                type_name,
                offset: self.position,
                needed,
                remaining: self.remaining(),
            });
        }
        Ok(len)
    }
}
