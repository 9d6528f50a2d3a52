//! `validate_proof` against chiapos 2.0.12's `Verifier` verdicts recorded by
//! `xtask/py/gen_pos_verify.py` (crates/vectors/data/pos-verify): real proofs from k = 18–20
//! plots, every single-bit flip of a sample, targeted corruptions, random proofs for k 0–59, and
//! chiapos' own k = 21 vectors.
#![allow(clippy::unwrap_used)] // tests may unwrap: a failure is the assertion

use proptest::prelude::*;
use serde_json::Value;
use sickle_pos::validate_proof;

fn load(name: &str) -> Value {
    let path = format!(
        "{}/../vectors/data/pos-verify/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn bytes32(value: &Value) -> [u8; 32] {
    hex::decode(value.as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap()
}

struct Case {
    plot_id: [u8; 32],
    k: u8,
    challenge: [u8; 32],
    proof: Vec<u8>,
    expected: Option<[u8; 32]>,
}

fn case(row: &Value) -> Case {
    let mut proof = hex::decode(row["p"].as_str().unwrap()).unwrap();
    let pad = row.get("pad").and_then(Value::as_u64).unwrap_or(0);
    proof.resize(proof.len() + usize::try_from(pad).unwrap(), 0);
    Case {
        plot_id: bytes32(&row["id"]),
        k: u8::try_from(row["k"].as_u64().unwrap()).unwrap(),
        challenge: bytes32(&row["c"]),
        proof,
        expected: row["q"].as_str().map(|_| bytes32(&row["q"])),
    }
}

fn check_rows(rows: &[Value]) -> usize {
    for row in rows {
        let c = case(row);
        let got = validate_proof(&c.plot_id, c.k, &c.challenge, &c.proof);
        assert_eq!(
            got, c.expected,
            "k={} kind={} proof={}",
            c.k, row["kind"], row["p"]
        );
    }
    rows.len()
}

#[test]
fn real_proofs_give_chiapos_qualities() {
    let doc = load("valid.json");
    let rows = doc["proofs"].as_array().unwrap();
    assert!(rows.iter().all(|r| r["q"].is_string()));
    assert_eq!(check_rows(rows), 360);
}

#[test]
fn chiapos_own_k21_vectors() {
    let doc = load("chiapos-test-proofs.json");
    assert_eq!(check_rows(doc["proofs"].as_array().unwrap()), 97);
}

#[test]
fn corrupted_proofs_match_chiapos_verdicts() {
    let doc = load("corrupt.json");
    let rows = doc["cases"].as_array().unwrap();
    // Some corruptions keep the proof valid in chiapos (last id byte, 65536 bytes of padding).
    let still_valid = rows.iter().filter(|r| r["q"].is_string()).count();
    assert!(still_valid > 0 && still_valid < rows.len());
    assert_eq!(check_rows(rows), 13 * 30);
}

#[test]
fn random_proofs_match_chiapos_verdicts() {
    let doc = load("random.json");
    assert!(check_rows(doc["cases"].as_array().unwrap()) > 100);
}

#[test]
fn every_single_bit_flip_matches_chiapos() {
    let doc = load("flips.json");
    let mut flips = 0;
    for row in doc["proofs"].as_array().unwrap() {
        let c = case(row);
        assert!(validate_proof(&c.plot_id, c.k, &c.challenge, &c.proof).is_some());
        let still_valid = row["flips_still_valid"].as_object().unwrap();
        for bit in 0..c.proof.len() * 8 {
            let mut proof = c.proof.clone();
            proof[bit / 8] ^= 0x80 >> (bit % 8);
            let expected = still_valid.get(&bit.to_string()).map(bytes32);
            assert_eq!(
                validate_proof(&c.plot_id, c.k, &c.challenge, &proof),
                expected,
                "bit {bit}"
            );
            flips += 1;
        }
    }
    assert!(flips > 10_000, "{flips}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn never_panics_on_arbitrary_input(
        plot_id in any::<[u8; 32]>(),
        k in any::<u8>(),
        challenge in any::<[u8; 32]>(),
        proof in proptest::collection::vec(any::<u8>(), 0..600),
    ) {
        let _ = validate_proof(&plot_id, k, &challenge, &proof);
    }

    #[test]
    fn random_proofs_of_the_right_length_are_rejected(
        plot_id in any::<[u8; 32]>(),
        k in 18u8..=50,
        challenge in any::<[u8; 32]>(),
        seed in any::<u64>(),
    ) {
        let proof: Vec<u8> = (0..usize::from(k) * 8)
            .map(|i| (seed.wrapping_mul(i as u64 + 1) >> 17) as u8)
            .collect();
        prop_assert_eq!(validate_proof(&plot_id, k, &challenge, &proof), None);
    }
}
