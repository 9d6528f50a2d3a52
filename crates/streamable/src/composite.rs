//! Containers: `Vec<T>` (chia `list`), `Option<T>`, tuples and fixed arrays.
//!
//! ```text
//! Vec<T>    : u32 count | T × count
//! Option<T> : 00 | 01 T
//! (A, B, …) : A B …            (no prefix)
//! [T; N]    : T × N            (no prefix)
//! ```

use crate::{Cursor, Error, Streamable};
use sha2::{Digest, Sha256};

/// Upper bound on the memory reserved up front for a decoded list; the rest grows as elements
/// actually decode, so a forged count cannot make us allocate more than the input can fill.
const MAX_PREALLOC_BYTES: usize = 64 * 1024;

impl<T: Streamable> Streamable for Vec<T> {
    const MIN_SIZE: usize = 4;

    fn stream(&self, out: &mut Vec<u8>) {
        // Exact for fixed-size items (keys, hashes, integers), a lower bound otherwise.
        out.reserve(4 + self.len().saturating_mul(T::MIN_SIZE));
        out.extend_from_slice(&crate::primitives::len_prefix(self.len()));
        for item in self {
            item.stream(out);
        }
    }

    fn parse<const TRUSTED: bool>(input: &mut Cursor<'_>) -> Result<Self, Error> {
        let count = input.take_len(T::MIN_SIZE, "list")?;
        let cap = count.min(MAX_PREALLOC_BYTES / size_of::<T>().max(1));
        let mut items = Vec::with_capacity(cap);
        for _ in 0..count {
            items.push(T::parse::<TRUSTED>(input)?);
        }
        Ok(items)
    }

    fn update_digest(&self, digest: &mut Sha256) {
        digest.update(crate::primitives::len_prefix(self.len()));
        for item in self {
            item.update_digest(digest);
        }
    }
}

impl<T: Streamable> Streamable for Option<T> {
    const MIN_SIZE: usize = 1;

    fn stream(&self, out: &mut Vec<u8>) {
        match self {
            None => out.push(0),
            Some(value) => {
                out.push(1);
                value.stream(out);
            }
        }
    }

    fn parse<const TRUSTED: bool>(input: &mut Cursor<'_>) -> Result<Self, Error> {
        let offset = input.position();
        match input.take_u8("Optional")? {
            0 => Ok(None),
            1 => Ok(Some(T::parse::<TRUSTED>(input)?)),
            got => Err(Error::InvalidOptional {
                type_name: std::any::type_name::<Self>(),
                offset,
                got,
            }),
        }
    }

    fn update_digest(&self, digest: &mut Sha256) {
        match self {
            None => digest.update([0]),
            Some(value) => {
                digest.update([1]);
                value.update_digest(digest);
            }
        }
    }
}

impl Streamable for () {
    fn stream(&self, _out: &mut Vec<u8>) {}

    fn parse<const TRUSTED: bool>(_input: &mut Cursor<'_>) -> Result<Self, Error> {
        Ok(())
    }

    fn update_digest(&self, _digest: &mut Sha256) {}
}

macro_rules! streamable_tuple {
    ($($t:ident . $i:tt),+) => {
        impl<$($t: Streamable),+> Streamable for ($($t,)+) {
            const MIN_SIZE: usize = 0 $(+ $t::MIN_SIZE)+;

            fn stream(&self, out: &mut Vec<u8>) {
                $(self.$i.stream(out);)+
            }

            fn parse<const TRUSTED: bool>(input: &mut Cursor<'_>) -> Result<Self, Error> {
                Ok(($($t::parse::<TRUSTED>(input)?,)+))
            }

            fn update_digest(&self, digest: &mut Sha256) {
                $(self.$i.update_digest(digest);)+
            }
        }
    };
}

streamable_tuple!(A.0);
streamable_tuple!(A.0, B.1);
streamable_tuple!(A.0, B.1, C.2);
streamable_tuple!(A.0, B.1, C.2, D.3);

impl<T: Streamable, const N: usize> Streamable for [T; N] {
    const MIN_SIZE: usize = T::MIN_SIZE * N;

    fn stream(&self, out: &mut Vec<u8>) {
        for item in self {
            item.stream(out);
        }
    }

    fn parse<const TRUSTED: bool>(input: &mut Cursor<'_>) -> Result<Self, Error> {
        let mut items = Vec::with_capacity(N.min(MAX_PREALLOC_BYTES / size_of::<T>().max(1)));
        for _ in 0..N {
            items.push(T::parse::<TRUSTED>(input)?);
        }
        items.try_into().map_err(|_| {
            Error::invalid(
                std::any::type_name::<Self>(),
                input.position(),
                "array length mismatch",
            )
        })
    }

    fn update_digest(&self, digest: &mut Sha256) {
        for item in self {
            item.update_digest(digest);
        }
    }
}
