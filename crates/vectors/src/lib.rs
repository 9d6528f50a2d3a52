//! Test vectors and fixture plots produced by the Chia reference implementations
//! (chia-blockchain 2.7.5, chiapos 2.0.12, chia_rs 0.48). Only tests, fuzzers and benches use this
//! crate; nothing here is needed at run time.
//!
//! | path under [`data_dir`] | what | made by |
//! |---|---|---|
//! | `streamable/` | Streamable encodings, hashes, JSON, rejected inputs | `xtask/py/gen_streamable.py` |
//! | `protocol/` | protocol message encodings | `xtask/py/gen_protocol.py` |
//! | `plots/`, `pos/` | k=18 plots and their qualities/proofs | `xtask/py/gen_plots.py` |
//!
//! ```
//! let accepted = sickle_vectors::read_json("streamable/accepted.json");
//! assert!(accepted["cases"].as_array().is_some_and(|cases| !cases.is_empty()));
//! let plot = sickle_vectors::data_dir().join("plots/k18-solo.plot");
//! assert!(plot.is_file());
//! ```
//!
//! See `README.md` for provenance and how to regenerate (`cargo xtask gen-vectors`).
//!
//! # Feature flags
//!
//! None.

use std::path::{Path, PathBuf};

/// The `data/` directory holding every vector file.
pub fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

/// Reads `data/<rel>` whole.
///
/// # Panics
///
/// If the file cannot be read: vectors are committed, so a missing one is a broken checkout and the
/// calling test should fail loudly.
pub fn read(rel: &str) -> Vec<u8> {
    let path = data_dir().join(rel);
    match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(err) => panic!("reading vector file {}: {err}", path.display()),
    }
}

/// Reads and parses `data/<rel>` as JSON.
///
/// # Panics
///
/// If the file cannot be read or is not JSON (see [`read`]).
pub fn read_json(rel: &str) -> serde_json::Value {
    match serde_json::from_slice(&read(rel)) {
        Ok(value) => value,
        Err(err) => panic!("parsing vector file {rel} as json: {err}"),
    }
}

/// Decodes a hex string from a vector file.
///
/// # Panics
///
/// If `text` is not hex (a corrupt vector file).
pub fn unhex(text: &str) -> Vec<u8> {
    match hex::decode(text) {
        Ok(bytes) => bytes,
        Err(err) => panic!("vector hex {text:?}: {err}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_dir_exists_and_streamable_vectors_parse() {
        assert!(data_dir().is_dir());
        let accepted = read_json("streamable/accepted.json");
        assert!(accepted["cases"].as_array().is_some_and(|c| !c.is_empty()));
        assert_eq!(unhex("00ff"), vec![0, 255]);
    }
}
