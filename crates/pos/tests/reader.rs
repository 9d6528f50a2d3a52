//! The reader against chiapos 2.0.12: every recorded challenge of the k=18 fixture plots, and of
//! larger plots on request.
//!
//! Vectors: crates/vectors/data/pos/*.json, made by `cargo xtask gen-plots`. Larger plots: `cargo
//! xtask gen-plots --k 22,26` writes them and their vectors to target/pos-plots; then
//! `SICKLE_POS_PLOTS=target/pos-plots cargo test -p sickle-pos --test reader -- --ignored`.

#![allow(clippy::unwrap_used)] // tests may unwrap: a failure is the assertion

use serde_json::Value;
use sickle_pos::{Plot, ReadAt};
use std::fs::File;
use std::path::PathBuf;

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../vectors/data")
}

struct Row {
    challenge: [u8; 32],
    qualities: Vec<[u8; 32]>,
    proofs: Vec<Vec<u8>>,
}

fn load(name: &str) -> (Value, Vec<Row>) {
    load_at(&data_dir().join("pos").join(format!("{name}.json")))
}

fn load_at(path: &std::path::Path) -> (Value, Vec<Row>) {
    let text = std::fs::read_to_string(path).unwrap();
    let json: Value = serde_json::from_str(&text).unwrap();
    let rows = json["challenges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| Row {
            challenge: hex::decode(row["c"].as_str().unwrap())
                .unwrap()
                .try_into()
                .unwrap(),
            qualities: row["q"]
                .as_array()
                .unwrap()
                .iter()
                .map(|q| {
                    hex::decode(q.as_str().unwrap())
                        .unwrap()
                        .try_into()
                        .unwrap()
                })
                .collect(),
            proofs: row["p"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| hex::decode(p.as_str().unwrap()).unwrap())
                .collect(),
        })
        .collect();
    (json, rows)
}

fn open(name: &str) -> Plot<File> {
    let file = File::open(data_dir().join("plots").join(format!("{name}.plot"))).unwrap();
    Plot::open(file).unwrap()
}

fn check_plot(name: &str) {
    let plot_path = data_dir().join("plots").join(format!("{name}.plot"));
    let json_path = data_dir().join("pos").join(format!("{name}.json"));
    check_plot_at(name, &plot_path, &json_path, 800);
}

/// Every recorded challenge: chiapos' qualities and proofs are a subsequence of ours, each extra
/// proof verifies, and the layout without its in-memory C1 (as the harvester keeps it) answers the
/// same.
fn check_plot_at(name: &str, plot_path: &std::path::Path, json_path: &std::path::Path, min: usize) {
    let (json, rows) = load_at(json_path);
    let plot = Plot::open(File::open(plot_path).unwrap()).unwrap();
    let k = plot.k();
    assert_eq!(u64::from(k), json["k"].as_u64().unwrap());
    assert_eq!(
        hex::encode(plot.plot_id()),
        json["plot_id"].as_str().unwrap()
    );
    assert_eq!(
        hex::encode(&plot.header().memo),
        json["memo"].as_str().unwrap()
    );
    let read_c1 = plot.layout().clone().without_c1_cache();
    let mut reference = 0;
    let mut extra = 0;
    for row in &rows {
        let ours = plot.qualities_for_challenge(&row.challenge).unwrap();
        assert_eq!(
            read_c1
                .qualities_for_challenge(plot.reader(), &row.challenge)
                .unwrap(),
            ours,
            "{name}: reading C1 from the file answers differently"
        );
        // chiapos' answer must be a subsequence of ours, each proof identical.
        let mut next = 0;
        for (quality, proof) in row.qualities.iter().zip(&row.proofs) {
            let index = next
                + ours[next..]
                    .iter()
                    .position(|q| q == quality)
                    .unwrap_or_else(|| {
                        panic!("{name}: chiapos quality {} missing", hex::encode(quality))
                    });
            let ours_proof = plot.full_proof(&row.challenge, index).unwrap();
            assert_eq!(&ours_proof, proof, "{name}: full proof {index} differs");
            next = index + 1;
        }
        // Every quality of ours, the extras included, has a proof the verifier accepts.
        for (index, quality) in ours.iter().enumerate() {
            if row.qualities.contains(quality) {
                continue;
            }
            let proof = plot.full_proof(&row.challenge, index).unwrap();
            let verified = sickle_pos::validate_proof(plot.plot_id(), k, &row.challenge, &proof);
            assert_eq!(
                verified.as_ref(),
                Some(quality),
                "{name}: extra proof fails"
            );
        }
        reference += row.qualities.len();
        extra += ours.len() - row.qualities.len();
    }
    let random = json["random_challenges"].as_u64().unwrap() as usize;
    assert!(rows.len() > random && random >= 1000);
    assert!(
        reference > min,
        "{name}: only {reference} reference qualities"
    );
    eprintln!("{name}: {reference} chiapos qualities matched, {extra} extra found");
}

/// The plots `cargo xtask gen-plots --k …` made in `$SICKLE_POS_PLOTS` (k=22 and up read C1
/// through the interpolated search, which the k=18 fixtures' 27-entry C1 never needs).
#[test]
#[ignore = "needs plots from `cargo xtask gen-plots --k 22,26` and SICKLE_POS_PLOTS set to their directory"]
fn larger_plots_match_chiapos() {
    // Relative to the workspace root (tests run in the crate's directory).
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(std::env::var("SICKLE_POS_PLOTS").expect("SICKLE_POS_PLOTS"));
    let mut checked = 0;
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    entries.sort();
    for json_path in entries {
        let plot_path = json_path.with_extension("plot");
        let name = json_path
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        check_plot_at(&name, &plot_path, &json_path, 800);
        checked += 1;
    }
    assert!(checked > 0, "no plot vectors in {}", dir.display());
}

#[test]
fn solo_plot_matches_chiapos() {
    check_plot("k18-solo");
}

#[test]
fn contract_plot_matches_chiapos() {
    check_plot("k18-contract");
}

#[test]
fn byte_slice_reader_gives_the_same_answers() {
    let bytes = std::fs::read(data_dir().join("plots/k18-solo.plot")).unwrap();
    assert_eq!(bytes.size(), bytes.len() as u64);
    let from_slice = Plot::open(bytes).unwrap();
    let from_file = open("k18-solo");
    let (_, rows) = load("k18-solo");
    for row in rows.iter().take(50) {
        assert_eq!(
            from_slice.qualities_for_challenge(&row.challenge).unwrap(),
            from_file.qualities_for_challenge(&row.challenge).unwrap()
        );
    }
}

#[test]
fn a_layout_rebuilt_from_its_parts_answers_like_the_plot() {
    use sickle_pos::{PlotError, PlotLayout};
    let plot = open("k18-contract");
    assert_eq!(*plot.plot_public_key(), plot.memo().plot_public_key());
    let layout = plot.layout();
    let rebuilt = PlotLayout::from_parts(
        layout.k(),
        *layout.plot_id(),
        *layout.table_pointers(),
        layout.file_size(),
        layout.c2_entries().into(),
    )
    .unwrap();
    assert_eq!(rebuilt, layout.clone().without_c1_cache());
    // A fresh handle per lookup, as a harvester with many plots uses it.
    let (_, rows) = load("k18-contract");
    for row in rows.iter().take(40) {
        let file = File::open(data_dir().join("plots/k18-contract.plot")).unwrap();
        let qualities = rebuilt
            .qualities_for_challenge(&file, &row.challenge)
            .unwrap();
        assert_eq!(
            qualities,
            plot.qualities_for_challenge(&row.challenge).unwrap()
        );
        for index in 0..qualities.len() {
            assert_eq!(
                rebuilt.full_proof(&file, &row.challenge, index).unwrap(),
                plot.full_proof(&row.challenge, index).unwrap()
            );
        }
    }

    // Parts that do not fit together are errors, not panics later.
    let parts = |k, pointers: [u64; 10], size, c2: &[u8]| {
        PlotLayout::from_parts(k, [0; 32], pointers, size, c2.into())
    };
    let pointers = *layout.table_pointers();
    let size = layout.file_size();
    let c2 = layout.c2_entries();
    assert!(matches!(
        parts(17, pointers, size, c2),
        Err(PlotError::AbsurdK(17))
    ));
    let mut swapped = pointers;
    swapped.swap(2, 3);
    assert!(matches!(
        parts(18, swapped, size, c2),
        Err(PlotError::BadPointer { table: "P4", .. })
    ));
    assert!(matches!(
        parts(18, pointers, pointers[9] - 1, c2),
        Err(PlotError::BadPointer { .. })
    ));
    assert!(matches!(
        parts(18, pointers, pointers[9] + 1, c2),
        Err(PlotError::TableTooSmall { table: "C3", .. })
    ));
    assert!(matches!(
        parts(18, pointers, size, &c2[1..]),
        Err(PlotError::TableTooSmall { table: "C2", .. })
    ));
    let too_many = vec![0u8; (pointers[9] - pointers[8]) as usize];
    assert!(matches!(
        parts(18, pointers, size, &too_many),
        Err(PlotError::TableTooSmall { table: "C2", .. })
    ));
}

#[test]
fn one_handle_serves_concurrent_lookups() {
    let plot = std::sync::Arc::new(open("k18-contract"));
    let (_, rows) = load("k18-contract");
    let rows = std::sync::Arc::new(rows);
    let workers: Vec<_> = (0..4)
        .map(|worker| {
            let (plot, rows) = (plot.clone(), rows.clone());
            std::thread::spawn(move || {
                let mut checked = 0;
                for row in rows.iter().skip(worker).step_by(4).take(60) {
                    let ours = plot.qualities_for_challenge(&row.challenge).unwrap();
                    for (quality, proof) in row.qualities.iter().zip(&row.proofs) {
                        let index = ours.iter().position(|q| q == quality).unwrap();
                        assert_eq!(&plot.full_proof(&row.challenge, index).unwrap(), proof);
                        checked += 1;
                    }
                }
                checked
            })
        })
        .collect();
    let checked: usize = workers.into_iter().map(|w| w.join().unwrap()).sum();
    assert!(checked > 150, "only {checked} proofs checked");
}

/// Every f7 of a plot, decoded from C1 and C3 (plot-format §7), to aim challenges at the cases
/// where chiapos' walk loses proofs.
fn all_f7(bytes: &[u8]) -> Vec<u64> {
    use sickle_pos::fse::{DeltaTable, FseDecoder};
    let plot = Plot::open(bytes).unwrap();
    let (k, ptr) = (plot.k(), plot.header().table_pointers);
    let entry = u64::from(k).div_ceil(8) as usize;
    let c3_size = sickle_pos::checkpoint::c3_park_size(k) as usize;
    let c1 = &bytes[ptr[7] as usize..ptr[8] as usize];
    let mut f7 = Vec::new();
    for (park, chunk) in c1.chunks_exact(entry).enumerate() {
        let value = chunk.iter().fold(0u64, |a, &b| (a << 8) | u64::from(b))
            >> (8 * entry - usize::from(k));
        if value == 0 && park > 0 {
            break;
        }
        let start = ptr[9] as usize + park * c3_size;
        let len = usize::from(u16::from_be_bytes([bytes[start], bytes[start + 1]]));
        let stream = &bytes[start + 2..start + 2 + len];
        let deltas = FseDecoder::new(DeltaTable::R1_0, stream, 9999)
            .unwrap()
            .decode_all()
            .unwrap();
        let mut current = value;
        f7.push(current);
        for delta in deltas {
            current += u64::from(delta);
            f7.push(current);
        }
    }
    f7
}

#[test]
fn finds_the_proofs_chiapos_walk_misses() {
    let bytes = std::fs::read(data_dir().join("plots/k18-solo.plot")).unwrap();
    let f7 = all_f7(&bytes);
    let plot = Plot::open(&bytes[..]).unwrap();
    let count = |target: u64| f7.iter().filter(|&&v| v == target).count();
    // plot-format §8: checkpoint values, runs ending at park offsets 9998 and 9999, the last f7.
    let mut targets = Vec::new();
    for park in 0..f7.len() / 10_000 {
        targets.extend([park * 10_000, park * 10_000 + 9_998, park * 10_000 + 9_999]);
    }
    targets.push(f7.len() - 1);
    let mut proofs = 0;
    for position in targets {
        let target = f7[position];
        // The first 18 bits are the target; the rest is an arbitrary pattern.
        let mut challenge = [0x5a; 32];
        let head = (target << 46) | (0x5a5a_5a5a_5a5a_5a5a >> 18);
        challenge[..8].copy_from_slice(&head.to_be_bytes());
        let qualities = plot.qualities_for_challenge(&challenge).unwrap();
        assert_eq!(qualities.len(), count(target), "f7 {target} at {position}");
        for (index, quality) in qualities.iter().enumerate() {
            let proof = plot.full_proof(&challenge, index).unwrap();
            let verified = sickle_pos::validate_proof(plot.plot_id(), 18, &challenge, &proof);
            assert_eq!(verified.as_ref(), Some(quality));
            proofs += 1;
        }
    }
    assert!(proofs >= 3 * 23, "only {proofs} proofs at park edges");
}
