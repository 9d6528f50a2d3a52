//! The verifier against every full proof recorded from the committed k = 18 chiapos plots
//! (`crates/vectors/data/pos/k18-*.json`): each proof validates with the quality chiapos gave.
#![allow(clippy::unwrap_used)] // tests may unwrap: a failure is the assertion

use sickle_pos::validate_proof;

fn hex32(value: &serde_json::Value) -> [u8; 32] {
    hex::decode(value.as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap()
}

#[test]
fn recorded_plot_proofs_validate_with_their_qualities() {
    let mut checked = 0;
    for name in ["k18-solo", "k18-contract"] {
        let path = format!(
            "{}/../vectors/data/pos/{name}.json",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(&path).unwrap();
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        let k = u8::try_from(doc["k"].as_u64().unwrap()).unwrap();
        let plot_id = hex32(&doc["plot_id"]);
        for row in doc["challenges"].as_array().unwrap() {
            let challenge = hex32(&row["c"]);
            let qualities = row["q"].as_array().unwrap();
            for (i, proof) in row["p"].as_array().unwrap().iter().enumerate() {
                let proof = hex::decode(proof.as_str().unwrap()).unwrap();
                let quality = validate_proof(&plot_id, k, &challenge, &proof);
                assert_eq!(
                    quality,
                    Some(hex32(&qualities[i])),
                    "{name} challenge {}",
                    row["c"]
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 1500, "only {checked} proofs");
}
