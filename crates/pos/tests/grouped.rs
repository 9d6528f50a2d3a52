//! Grouped lookups (`qualities_for_challenges`) answer exactly as one plot at a time, whatever the
//! group's size and mix, and a corrupt plot fails only its own answer.

#![allow(clippy::unwrap_used)] // tests may unwrap: a failure is the assertion

use sickle_pos::{Plot, PlotError, PlotHeader, PlotLayout, QualityQuery, qualities_for_challenges};
use std::path::PathBuf;

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../vectors/data/plots")
        .join(name);
    std::fs::read(path).unwrap()
}

fn challenge(i: u32) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    Sha256::digest(i.to_be_bytes()).into()
}

#[test]
fn groups_answer_as_single_lookups() {
    let solo = fixture("k18-solo.plot");
    let contract = fixture("k18-contract.plot");
    let plots = [
        Plot::open(&solo[..]).unwrap(),
        Plot::open(&contract[..]).unwrap(),
    ];
    let mut with_proofs = 0;
    // Groups of 1 to 9 queries over both plots, with repeated plots and challenges.
    for size in 1..=9u32 {
        for round in 0..12u32 {
            let wanted: Vec<(usize, [u8; 32])> = (0..size)
                .map(|j| {
                    let n = round * 31 + j * 7 + size;
                    ((n % 2) as usize, challenge(n % 50))
                })
                .collect();
            let queries: Vec<QualityQuery<'_, [u8]>> = wanted
                .iter()
                .map(|(plot, challenge)| QualityQuery {
                    layout: plots[*plot].layout(),
                    reader: if *plot == 0 { &solo[..] } else { &contract[..] },
                    challenge,
                })
                .collect();
            let grouped = qualities_for_challenges(&queries);
            assert_eq!(grouped.len(), wanted.len());
            for ((plot, challenge), answer) in wanted.iter().zip(grouped) {
                let single = plots[*plot].qualities_for_challenge(challenge).unwrap();
                with_proofs += usize::from(!single.is_empty());
                assert_eq!(answer.unwrap(), single, "plot {plot}, group of {size}");
            }
        }
    }
    assert!(
        with_proofs > 50,
        "too few lookups found proofs: {with_proofs}"
    );
}

#[test]
fn a_corrupt_plot_fails_only_its_own_answer() {
    let solo = fixture("k18-solo.plot");
    let header = PlotHeader::read(&solo[..]).unwrap();
    let layout = PlotLayout::read(&solo[..], &header).unwrap();
    // The same layout over bytes whose tables are zeroed: every park's delta length is 0.
    let mut corrupt = solo.clone();
    let tables = header.table_pointers[0] as usize..corrupt.len();
    corrupt[tables].fill(0);
    let challenges: Vec<[u8; 32]> = (0..40).map(challenge).collect();
    let mut failed = 0;
    for challenge in &challenges {
        let good = QualityQuery {
            layout: &layout,
            reader: &solo[..],
            challenge,
        };
        let bad = QualityQuery {
            layout: &layout,
            reader: &corrupt[..],
            challenge,
        };
        let answers = qualities_for_challenges(&[good, bad, good]);
        let expected = layout
            .qualities_for_challenge(&solo[..], challenge)
            .unwrap();
        assert_eq!(answers[0].as_ref().unwrap(), &expected);
        assert_eq!(answers[2].as_ref().unwrap(), &expected);
        match &answers[1] {
            // Only a target below the smallest f7 (from the good C1 held in the layout) reads
            // nothing.
            Ok(found) => assert!(found.is_empty()),
            Err(error) => {
                failed += 1;
                assert!(
                    matches!(error, PlotError::BadDeltaLength { table: "C3", .. }),
                    "{error}"
                );
            }
        }
    }
    assert!(failed >= 39, "{failed}");
}
