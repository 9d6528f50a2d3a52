//! Shared helpers for the fuzz targets.
//!
//! Each target in `fuzz_targets/` is a `cargo fuzz` target when built with `--cfg fuzzing` and a
//! plain binary otherwise, whose `main` feeds every file named on the command line (directories are
//! walked one level) to the same function: `cargo run -p sickle-fuzz --bin streamable -- crash-…`
//! reproduces a finding without libFuzzer.
//!
//! | item | what |
//! |---|---|
//! | [`check_streamable`] | the codec properties every decoded value must satisfy |
//! | [`replay_args`] | the non-fuzzing `main` |
//!
//! # Feature flags
//!
//! None.

use sickle_streamable::sha2::{Digest, Sha256};
use sickle_streamable::{Cursor, Streamable};
use std::fmt::Debug;
use std::path::Path;

/// Decodes `data` as a `T` and asserts chia's codec properties; panics (a fuzz finding) if one
/// fails:
///
/// * decoding never panics (the harness catches that);
/// * a value decoded by `from_bytes` re-encodes to exactly `data` (encodings are canonical), its
///   hash is SHA-256 of `data`, and the trusted decoder agrees;
/// * one byte short fails, one extra byte fails in `from_bytes`;
/// * a prefix decoded by `parse` re-encodes to the bytes it consumed.
pub fn check_streamable<T: Streamable + PartialEq + Debug>(data: &[u8]) {
    let mut cursor = Cursor::new(data);
    if let Ok(prefix) = T::parse::<false>(&mut cursor) {
        let consumed = data.get(..cursor.position()).unwrap_or_default();
        assert_eq!(prefix.to_bytes(), consumed, "prefix re-encoding differs");
    }

    let Ok(value) = T::from_bytes(data) else {
        return;
    };
    assert_eq!(value.to_bytes(), data, "re-encoding differs");
    let digest: [u8; 32] = Sha256::digest(data).into();
    assert_eq!(
        value.hash().0,
        digest,
        "hash differs from sha256 of the bytes"
    );
    match T::from_bytes_unchecked(data) {
        Ok(trusted) => assert_eq!(trusted, value, "trusted decode differs"),
        Err(err) => panic!("validated decode succeeded but trusted failed: {err}"),
    }
    if let Some((_, shorter)) = data.split_last() {
        assert!(T::from_bytes(shorter).is_err(), "one byte short decoded");
    }
    let mut longer = data.to_vec();
    longer.push(0);
    assert!(T::from_bytes(&longer).is_err(), "one extra byte decoded");
}

/// The `main` of a target built without libFuzzer: runs `target` on every file given as an
/// argument (a directory stands for the files in it). With no arguments it does nothing.
pub fn replay_args(target: fn(&[u8])) {
    for arg in std::env::args_os().skip(1) {
        replay_path(Path::new(&arg), target);
    }
}

fn replay_path(path: &Path, target: fn(&[u8])) {
    if path.is_dir() {
        let entries = match std::fs::read_dir(path) {
            Ok(entries) => entries,
            Err(err) => {
                eprintln!("skipping {}: {err}", path.display());
                return;
            }
        };
        let mut files: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        files.sort();
        for file in files.iter().filter(|f| f.is_file()) {
            replay_file(file, target);
        }
    } else {
        replay_file(path, target);
    }
}

fn replay_file(path: &Path, target: fn(&[u8])) {
    match std::fs::read(path) {
        Ok(data) => {
            eprintln!("replaying {} ({} bytes)", path.display(), data.len());
            target(&data);
        }
        Err(err) => eprintln!("skipping {}: {err}", path.display()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_inputs_pass_and_every_prefix_is_handled() {
        let handshake_caps = [0, 0, 0, 1, 0, 3, 0, 0, 0, 1, b'1'];
        for end in 0..=handshake_caps.len() {
            check_streamable::<Vec<(u16, String)>>(&handshake_caps[..end]);
        }
        check_streamable::<Option<u64>>(&[1, 0, 0, 0, 0, 0, 0, 0, 9]);
        check_streamable::<bool>(&[2]);
        check_streamable::<chia_bls::PublicKey>(&[0xc0; 48]);
    }

    #[test]
    #[should_panic(expected = "re-encoding differs")]
    fn a_non_canonical_codec_is_caught() {
        /// Accepts any flag byte but always writes 1: the kind of bug the target exists to find.
        #[derive(Debug, PartialEq)]
        struct Sloppy;
        impl Streamable for Sloppy {
            fn stream(&self, out: &mut Vec<u8>) {
                out.push(1);
            }
            fn parse<const TRUSTED: bool>(
                input: &mut Cursor<'_>,
            ) -> Result<Self, sickle_streamable::Error> {
                input.take_u8("Sloppy").map(|_| Sloppy)
            }
            fn update_digest(&self, digest: &mut Sha256) {
                digest.update([1]);
            }
        }
        check_streamable::<Sloppy>(&[7]);
    }
}
