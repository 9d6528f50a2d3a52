//! `sickle proof verify` end to end: the real k = 18 proof of harvester-farmer.md §12.4.
#![allow(clippy::unwrap_used)] // tests may unwrap: a failure is the assertion

use std::process::{Command, Output};

const PLOT_ID: &str = "bd5f95d8130b92dd1254a709824e93787215e71029d122d979d0c2eb7bb5748f";
const CHALLENGE: &str = "9e3cad819c98cece0b8dfe70ebbb7d01aff086b96d28490ac2c4b0b408725883";
const PROOF: &str = concat!(
    "28dc7166b7eef05b879fedd40ab4a95065d0517db7ceec115378e9584723c198b323647a5ef14e0288b872ef",
    "2f3caedf9de5f127caae178d7f1ed9fbb3cd5d841a697b23cfd8dbdfdc606d44b4b267d19da237021548ccd6",
    "21dc12b7b75aac7dfc2f84a6c3a786d0c49ba7d5bebccba20f83a067cbfe630d92040db393c1ce6c587291c5",
    "69bcb5e7c61b9a904074d846"
);
const QUALITY: &str = "d82e9cd54dce78433440632dc1d7977d857562fa2b170272444f5adeffdcc75b";

fn verify(k: &str, plot_id: &str, challenge: &str, proof: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sickle"))
        .args(["proof", "verify", "--k", k, "--plot-id", plot_id])
        .args(["--challenge", challenge, "--proof", proof])
        .output()
        .unwrap()
}

#[test]
fn valid_proof_prints_its_quality() {
    let out = verify("18", PLOT_ID, CHALLENGE, PROOF);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("{QUALITY}\n")
    );
}

#[test]
fn invalid_proof_exits_1_with_nothing_on_stdout() {
    let mut bad = PROOF.to_owned();
    bad.replace_range(0..2, "29");
    let out = verify("18", PLOT_ID, CHALLENGE, &bad);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "error: invalid proof\n"
    );

    let out = verify("19", PLOT_ID, CHALLENGE, PROOF);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("invalid proof")
    );
}

#[test]
fn malformed_arguments_are_reported() {
    let out = verify("18", "abcd", CHALLENGE, PROOF);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("--plot-id: expected 32 bytes, got 2"),
        "{stderr}"
    );

    let out = verify("18", PLOT_ID, CHALLENGE, "xyz");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("--proof: not hex")
    );
}
