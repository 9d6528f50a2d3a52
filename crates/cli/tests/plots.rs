//! `sickle plots show/prove/check` on the k=18 fixture plots, against the chiapos vectors.

#![allow(clippy::unwrap_used)] // tests may unwrap: a failure is the assertion

use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};

fn data(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../vectors/data")
        .join(path)
}

fn sickle(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sickle"))
        .args(args)
        .output()
        .unwrap()
}

fn stdout_json_lines(output: &Output) -> Vec<Value> {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone())
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

#[test]
fn show_prints_header_memo_and_derived_keys() {
    let plot = data("plots/k18-solo.plot");
    let lines = stdout_json_lines(&sickle(&[
        "plots",
        "show",
        plot.to_str().unwrap(),
        "--json",
    ]));
    let info = &lines[0];
    assert_eq!(info["k"], 18);
    let id = "bd5f95d8130b92dd1254a709824e93787215e71029d122d979d0c2eb7bb5748f";
    assert_eq!(info["plot_id"], id);
    assert_eq!(info["memo"]["plot_id_from_memo"], id);
    // harvester-farmer.md §12.1: the solo plot public key.
    assert_eq!(
        info["memo"]["plot_public_key"],
        "858d5282b63c0507f33dcea0f17d24ecb0998d790ba9dec10d4fac9e333748ccf07ffe8da5de3271ff757e39f3c3ce7b"
    );
    assert_eq!(info["table_pointers"]["P1"], 268);
}

#[test]
fn prove_matches_chiapos_for_recorded_challenges() {
    let vectors: Value =
        serde_json::from_str(&std::fs::read_to_string(data("pos/k18-contract.json")).unwrap())
            .unwrap();
    let rows: Vec<&Value> = vectors["challenges"]
        .as_array()
        .unwrap()
        .iter()
        .take(40)
        .collect();
    let file = std::env::temp_dir().join(format!("sickle-challenges-{}.txt", std::process::id()));
    let text: String = rows
        .iter()
        .map(|row| format!("{}\n", row["c"].as_str().unwrap()))
        .collect();
    std::fs::write(&file, format!("# recorded challenges\n{text}")).unwrap();
    let plot = data("plots/k18-contract.plot");
    let output = sickle(&[
        "plots",
        "prove",
        plot.to_str().unwrap(),
        "--challenges-file",
        file.to_str().unwrap(),
        "--json",
    ]);
    std::fs::remove_file(&file).unwrap();
    let lines = stdout_json_lines(&output);
    assert_eq!(lines.len(), rows.len());
    let mut proofs = 0;
    for (line, row) in lines.iter().zip(rows) {
        assert_eq!(line["challenge"], row["c"]);
        // Random challenges: chiapos and Sickle agree exactly.
        assert_eq!(line["qualities"], row["q"]);
        assert_eq!(line["proofs"], row["p"]);
        proofs += row["p"].as_array().unwrap().len();
    }
    assert!(proofs > 20);
}

#[test]
fn check_passes_good_plots_and_fails_bad_ones() {
    let dir = data("plots");
    let lines = stdout_json_lines(&sickle(&[
        "plots",
        "check",
        dir.to_str().unwrap(),
        "-n",
        "10",
        "--json",
    ]));
    assert_eq!(lines.len(), 2);
    for line in &lines {
        assert_eq!(line["ok"], true);
        assert_eq!(line["invalid"], 0);
        assert!(line["proofs"].as_u64().unwrap() > 0);
    }
    // A truncated copy fails with a reason, and the command exits 1.
    let bytes = std::fs::read(data("plots/k18-solo.plot")).unwrap();
    let bad = std::env::temp_dir().join(format!("sickle-bad-{}.plot", std::process::id()));
    std::fs::write(&bad, &bytes[..bytes.len() / 2]).unwrap();
    let output = sickle(&["plots", "check", bad.to_str().unwrap(), "-n", "5", "--json"]);
    std::fs::remove_file(&bad).unwrap();
    assert!(!output.status.success());
    let line: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(line["ok"], false);
    assert!(
        line["reason"].as_str().unwrap().contains("truncated")
            || line["reason"].as_str().unwrap().contains("pointer")
    );
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn bad_input_is_one_error_line() {
    let output = sickle(&["plots", "prove", "/nonexistent.plot", "--challenge", "zz"]);
    assert!(!output.status.success());
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1);
    assert!(stderr.contains("bad challenge"), "{stderr}");
}
