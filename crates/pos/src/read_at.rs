//! Positional reads: the only I/O the prover does.
//!
//! A lookup reads a handful of small ranges at known offsets. Reading them with `pread` instead of
//! `seek` + `read` means one shared handle serves many concurrent lookups with no lock, and the prover
//! stays sans-IO: tests and fuzzers pass a byte slice.

use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::sync::atomic::{AtomicU64, Ordering};

/// A byte source that can fill a buffer from any offset.
pub trait ReadAt {
    /// Fills all of `buf` from `offset`; a short read is an error (`UnexpectedEof`).
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()>;
    /// Total size in bytes.
    fn size(&self) -> u64;
}

impl ReadAt for File {
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        self.read_exact_at(buf, offset)
    }

    /// The file's length; 0 when its metadata cannot be read, so opening it fails as truncated.
    fn size(&self) -> u64 {
        self.metadata().map(|m| m.len()).unwrap_or(0)
    }
}

impl ReadAt for [u8] {
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        let src = usize::try_from(offset)
            .ok()
            .and_then(|start| self.get(start..start.checked_add(buf.len())?))
            .ok_or_else(|| io::Error::from(io::ErrorKind::UnexpectedEof))?;
        buf.copy_from_slice(src);
        Ok(())
    }

    fn size(&self) -> u64 {
        self.len() as u64
    }
}

impl ReadAt for Vec<u8> {
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        self.as_slice().read_at(offset, buf)
    }

    fn size(&self) -> u64 {
        self.len() as u64
    }
}

impl<T: ReadAt + ?Sized> ReadAt for &T {
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        (**self).read_at(offset, buf)
    }

    fn size(&self) -> u64 {
        (**self).size()
    }
}

impl<T: ReadAt + ?Sized> ReadAt for std::sync::Arc<T> {
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        (**self).read_at(offset, buf)
    }

    fn size(&self) -> u64 {
        (**self).size()
    }
}

/// Wraps a [`ReadAt`] and counts read calls and bytes, for benchmarks and read-budget tests.
#[derive(Debug, Default)]
pub struct CountingReader<R> {
    inner: R,
    calls: AtomicU64,
    bytes: AtomicU64,
}

impl<R> CountingReader<R> {
    /// Starts counting from zero.
    pub fn new(inner: R) -> Self {
        Self {
            inner,
            calls: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
        }
    }

    /// `(read calls, bytes read)` since creation or the last [`reset`](Self::reset).
    pub fn counts(&self) -> (u64, u64) {
        (
            self.calls.load(Ordering::Relaxed),
            self.bytes.load(Ordering::Relaxed),
        )
    }

    /// Sets both counters back to zero.
    pub fn reset(&self) {
        self.calls.store(0, Ordering::Relaxed);
        self.bytes.store(0, Ordering::Relaxed);
    }
}

impl<R: ReadAt> ReadAt for CountingReader<R> {
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(buf.len() as u64, Ordering::Relaxed);
        self.inner.read_at(offset, buf)
    }

    fn size(&self) -> u64 {
        self.inner.size()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn slice_reads_are_exact() {
        let data = vec![1u8, 2, 3, 4];
        let mut buf = [0u8; 2];
        data.read_at(2, &mut buf).unwrap();
        assert_eq!(buf, [3, 4]);
        assert!(data.read_at(3, &mut buf).is_err());
        assert!(data.read_at(u64::MAX, &mut buf).is_err());
    }

    #[test]
    fn counting_reader_counts() {
        let reader = CountingReader::new(vec![0u8; 10]);
        let mut buf = [0u8; 3];
        reader.read_at(0, &mut buf).unwrap();
        reader.read_at(5, &mut buf).unwrap();
        assert_eq!(reader.counts(), (2, 6));
        reader.reset();
        assert_eq!(reader.counts(), (0, 0));
    }
}
