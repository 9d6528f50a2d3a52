//! `sickle msg` end to end against chia's own vectors (crates/vectors/data/protocol).
#![allow(clippy::unwrap_used, clippy::indexing_slicing)] // tests may unwrap: a failure is the assertion

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn vectors(name: &str) -> serde_json::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../vectors/data/protocol")
        .join(name);
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn sickle(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sickle"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    pipe.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    drop(pipe);
    child.wait_with_output().unwrap()
}

fn ok_line(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    assert_eq!(text.lines().count(), 1, "{text}");
    text.trim_end().to_owned()
}

fn assert_fails(out: &Output) {
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stdout.is_empty(),
        "stdout: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("error: "), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

/// One case of every class, first by --hex, then by stdin, then back through encode.
#[test]
fn decode_and_encode_every_class() {
    let file = vectors("messages.json");
    let mut seen = std::collections::BTreeSet::new();
    for case in file["cases"].as_array().unwrap() {
        let class = case["class"].as_str().unwrap();
        if !seen.insert(class) {
            continue;
        }
        let hex = case["hex"].as_str().unwrap();
        let line = ok_line(&sickle(
            &["msg", "decode", "--type", class, "--hex", hex],
            None,
        ));
        let json: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(json, case["json"], "{class}");
        let line = ok_line(&sickle(&["msg", "decode", "--type", class], Some(hex)));
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&line).unwrap(),
            case["json"]
        );
        let encoded = ok_line(&sickle(&["msg", "encode", "--type", class], Some(&line)));
        assert_eq!(encoded, hex, "{class}");
    }
    assert!(seen.len() >= 33, "{seen:?}");
}

#[test]
fn decode_frames() {
    let file = vectors("frames.json");
    for frame in file["frames"].as_array().unwrap() {
        let line = ok_line(&sickle(
            &["msg", "decode", "--frame", frame["hex"].as_str().unwrap()],
            None,
        ));
        let out: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(out["type"], frame["json"]["type"]);
        assert_eq!(out["id"], frame["json"]["id"]);
        assert_eq!(out["type_name"], frame["type_name"]);
        assert_eq!(out["class"], frame["class"]);
        assert_eq!(out["data"], frame["payload_json"]);
    }
}

#[test]
fn old_signage_point_needs_the_old_peer_version() {
    let payload = format!(
        "{}00000000000007d0000000002280000007{}0000000008",
        "11".repeat(32),
        "22".repeat(32)
    );
    let frame = format!("4200{:08x}{payload}", payload.len() / 2);
    let line = ok_line(&sickle(
        &[
            "msg",
            "decode",
            "--frame",
            &frame,
            "--peer-version",
            "0.0.36",
        ],
        None,
    ));
    let out: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(out["class"], "NewSignagePointHarvester");
    assert_eq!(out["data"]["filter_prefix_bits"], 8);
    // A 0.0.38 harvester reads id 66 as the new format: these bytes are too short for it.
    assert_fails(&sickle(&["msg", "decode", "--frame", &frame], None));
    assert_fails(&sickle(
        &[
            "msg",
            "decode",
            "--frame",
            &frame,
            "--peer-version",
            "0.0.37",
        ],
        None,
    ));
}

#[test]
fn bad_input_is_one_error_line() {
    let rejected = vectors("rejected.json");
    for case in rejected["rejected"].as_array().unwrap() {
        let class = case["class"].as_str().unwrap();
        let hex = case["hex"].as_str().unwrap();
        assert_fails(&sickle(
            &["msg", "decode", "--type", class, "--hex", hex],
            None,
        ));
    }
    assert_fails(&sickle(
        &["msg", "decode", "--type", "NoSuchClass", "--hex", ""],
        None,
    ));
    assert_fails(&sickle(
        &["msg", "decode", "--type", "PlotSyncDone", "--hex", "zz"],
        None,
    ));
    assert_fails(&sickle(&["msg", "decode", "--frame", "0100"], None));
    assert_fails(&sickle(&["msg", "decode", "--frame", "1400000000"], None)); // new_peak: not on this link
    assert_fails(&sickle(&["msg", "decode", "--frame", "0400000000"], None)); // id 4: unknown
    assert_fails(&sickle(
        &["msg", "encode", "--type", "PlotSyncDone"],
        Some("{"),
    ));
    assert_fails(&sickle(
        &["msg", "encode", "--type", "PlotSyncDone"],
        Some(r#"{"identifier": {"timestamp": 1, "sync_id": 2, "message_id": 3}}"#),
    ));
    assert_fails(&sickle(
        &[
            "msg",
            "decode",
            "--type",
            "RequestPlots",
            "--hex",
            "",
            "--peer-version",
            "x",
        ],
        None,
    ));
}

#[test]
fn empty_class_and_prefixed_hex() {
    assert_eq!(
        ok_line(&sickle(
            &["msg", "decode", "--type", "RequestPlots", "--hex", ""],
            None
        )),
        "{}"
    );
    let line = ok_line(&sickle(
        &[
            "msg",
            "decode",
            "--type",
            "Error",
            "--hex",
            "0xfffa000000017800",
        ],
        None,
    ));
    // Field order is chia's to_json_dict order (json.dumps of Error(-6, "x", None)).
    assert_eq!(line, r#"{"code":-6,"message":"x","data":null}"#);
}
