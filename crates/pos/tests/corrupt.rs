//! A corrupted-plot corpus: truncations and bit flips everywhere that matters must give errors or
//! (for bytes a lookup never reads) answers, never a panic.

#![allow(clippy::unwrap_used)] // tests may unwrap: a failure is the assertion

use sickle_pos::{Plot, PlotError};
use std::path::PathBuf;

fn plot_bytes() -> Vec<u8> {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../vectors/data/plots/k18-solo.plot");
    std::fs::read(path).unwrap()
}

/// Challenges with proofs in the fixture (from its vectors), so lookups reach every table.
fn challenges() -> Vec<[u8; 32]> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../vectors/data/pos/k18-solo.json");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    json["challenges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|row| !row["q"].as_array().unwrap().is_empty())
        .take(2)
        .map(|row| {
            hex::decode(row["c"].as_str().unwrap())
                .unwrap()
                .try_into()
                .unwrap()
        })
        .collect()
}

/// Opens and runs every lookup; returns how many steps failed with an error.
fn exercise(bytes: &[u8], challenges: &[[u8; 32]]) -> usize {
    let plot = match Plot::open(bytes) {
        Ok(plot) => plot,
        Err(_) => return 1,
    };
    let mut errors = 0;
    for challenge in challenges {
        match plot.qualities_for_challenge(challenge) {
            Ok(qualities) => {
                for index in 0..qualities.len() + 1 {
                    errors += usize::from(plot.full_proof(challenge, index).is_err());
                }
            }
            Err(_) => errors += 1,
        }
    }
    errors
}

fn pointers(bytes: &[u8]) -> Vec<u64> {
    let plot = Plot::open(bytes).unwrap();
    plot.header().table_pointers.to_vec()
}

#[test]
fn truncations_are_errors() {
    let bytes = plot_bytes();
    let challenges = challenges();
    let ptr = pointers(&bytes);
    let mut cuts: Vec<u64> = vec![0, 1, 18, 19, 50, 51, 52, 57, 58, 100, 185, 187, 267, 268];
    for &p in &ptr {
        cuts.extend([p.saturating_sub(1), p, p + 1, p + 1000]);
    }
    cuts.extend((1..40).map(|i| bytes.len() as u64 * i / 40));
    cuts.push(bytes.len() as u64 - 1);
    let mut opened_but_failed = 0;
    for cut in cuts {
        let truncated = &bytes[..cut.min(bytes.len() as u64) as usize];
        let errors = exercise(truncated, &challenges);
        if cut < 268 {
            assert!(matches!(
                Plot::open(truncated),
                Err(PlotError::Truncated { .. }) | Err(PlotError::BadPointer { .. })
            ));
        }
        opened_but_failed += usize::from(errors > 0);
    }
    assert!(opened_but_failed > 50, "truncations should mostly fail");
}

#[test]
fn header_fields_are_validated() {
    let bytes = plot_bytes();
    let mut bad = bytes.clone();
    bad[0] ^= 1;
    assert!(matches!(Plot::open(&bad[..]), Err(PlotError::BadMagic)));
    let mut bad = bytes.clone();
    bad[51] = 200;
    assert!(matches!(Plot::open(&bad[..]), Err(PlotError::AbsurdK(200))));
    let mut bad = bytes.clone();
    bad[57] = b'2';
    assert!(matches!(
        Plot::open(&bad[..]),
        Err(PlotError::BadFormatDescription { .. })
    ));
    // The header's plot id must be the one the memo keys give.
    let mut bad = bytes.clone();
    bad[19 + 31] ^= 0x40;
    assert!(matches!(
        Plot::open(&bad[..]),
        Err(PlotError::PlotIdMismatch { .. })
    ));
    // A memo of an impossible length, and one whose farmer key is not a G1 point.
    let mut bad = bytes.clone();
    bad[59] = 100;
    assert!(Plot::open(&bad[..]).is_err());
    let mut bad = bytes.clone();
    bad[60 + 48 + 5] ^= 0x01;
    assert!(matches!(
        Plot::open(&bad[..]),
        Err(PlotError::Memo(_)) | Err(PlotError::PlotIdMismatch { .. })
    ));
    // The P3 pointer past the end of the file.
    let mut bad = bytes.clone();
    bad[188 + 16] = 0xff;
    assert!(matches!(
        Plot::open(&bad[..]),
        Err(PlotError::BadPointer { table: "P3", .. })
    ));
    // A v2 header with compression level 3.
    let mut v2 = b"PLOT".to_vec();
    v2.extend(2u32.to_le_bytes());
    v2.extend([7u8; 32]);
    v2.push(32);
    v2.extend(0u16.to_be_bytes());
    v2.extend(1u32.to_le_bytes());
    v2.push(3);
    v2.resize(400, 0);
    let err = Plot::open(&v2[..]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "compressed plots (level 3) are not supported yet"
    );
}

#[test]
fn bit_flips_never_panic() {
    let mut bytes = plot_bytes();
    let challenges = challenges();
    let ptr = pointers(&bytes);
    // Every header byte except most of the memo (opaque to the reader), which is sampled.
    let mut offsets: Vec<u64> = (0..268)
        .filter(|&o| !(62..182).contains(&o) || o % 16 == 0)
        .collect();
    // Park heads (checkpoint, first stubs), delta lengths and streams of each P table, P7, C1, C3.
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    for (t, window) in ptr.windows(2).enumerate() {
        let (start, end) = (window[0], window[1]);
        for i in 0..12u64 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            offsets.push(start + seed % (end - start).max(1));
            if t < 6 {
                offsets.push(start + i.min(8));
            }
        }
    }
    for i in 0..16 {
        offsets.push(ptr[9] + i);
    }
    let mut failed = 0;
    for offset in offsets {
        let offset = offset as usize;
        for bit in [0u8, 7] {
            bytes[offset] ^= 1 << bit;
            failed += usize::from(exercise(&bytes, &challenges) > 0);
            bytes[offset] ^= 1 << bit;
        }
    }
    assert!(failed > 150, "most flips should fail a lookup: {failed}");
    // The pristine plot answers every challenge.
    assert_eq!(exercise(&bytes, &challenges), challenges.len());
}
