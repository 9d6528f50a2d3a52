//! `sickle demo` as a new user runs it: the built binary as a subprocess, nothing else set up.
//! A farmer and harvesters over mutual TLS on 127.0.0.1 must find, verify and sign proofs of the
//! bundled plots, then stop cleanly and remove their directory.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

fn sickle() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_sickle"));
    // Run from an unrelated directory: the demo must not need the source tree.
    command.current_dir(std::env::temp_dir());
    command.env_remove("RUST_LOG");
    command
}

/// The farm directory the demo announced on its second line.
fn farm_directory(stdout: &str) -> PathBuf {
    let line = stdout
        .lines()
        .find_map(|line| line.strip_prefix("farm directory "))
        .expect("the demo names its farm directory");
    PathBuf::from(line.trim())
}

#[test]
fn demo_finds_verifies_and_signs_proofs_then_cleans_up() {
    let output = sickle()
        .args([
            "demo",
            "--duration",
            "6",
            "--sp-interval-ms",
            "250",
            "--harvesters",
            "2",
            "--json",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "status {:?}\nstdout:\n{stdout}\nstderr:\n{stderr}",
        output.status
    );
    let summary: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    let count = |key: &str| {
        summary[key]
            .as_u64()
            .unwrap_or_else(|| panic!("{key} missing in {summary}"))
    };
    assert_eq!(count("harvesters"), 2, "{stdout}");
    // Both harvesters synced both plots.
    assert_eq!(count("plots_synced"), 4, "{stdout}");
    assert!(count("signage_points") > 0, "{stdout}");
    assert!(count("proofs_found") > 0, "{stdout}");
    assert!(count("proofs_verified") > 0, "{stdout}");
    assert!(count("signatures_aggregated") > 0, "{stdout}");
    assert!(count("blocks") > 0, "{stdout}");
    assert_eq!(count("invalid_proofs"), 0, "{stdout}");
    assert_eq!(count("partials_failed"), 0, "{stdout}");
    assert!(
        stdout.contains("harvester 2 connected over mutual TLS"),
        "{stdout}"
    );
    assert!(stdout.contains("\nsp    1 "), "{stdout}");
    assert!(stdout.contains("stopping: --duration reached"), "{stdout}");
    let farm = farm_directory(&stdout);
    assert!(!farm.exists(), "{} left behind", farm.display());
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_everything_and_removes_the_farm() {
    let mut child = sickle()
        .arg("demo")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (lines_tx, lines) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut seen = Vec::new();
    // Wait until the farm answers signage points, then press Ctrl-C.
    loop {
        match lines.recv_timeout(Duration::from_secs(120)) {
            Ok(line) => {
                let answered = line.starts_with("sp ");
                seen.push(line);
                if answered {
                    break;
                }
            }
            Err(err) => {
                let _ = child.kill();
                panic!(
                    "no signage point line ({err}); output so far:\n{}",
                    seen.join("\n")
                );
            }
        }
    }
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    // The demo must stop on its own after Ctrl-C; kill it if it hangs.
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let exit = loop {
        if let Some(exit) = child.try_wait().unwrap() {
            break exit;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("demo still running 60 s after Ctrl-C");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    reader.join().unwrap();
    seen.extend(lines.try_iter());
    let stdout = seen.join("\n");
    assert!(exit.success(), "{exit:?}\n{stdout}");
    assert!(stdout.contains("stopping: Ctrl-C"), "{stdout}");
    assert!(stdout.contains("summary: "), "{stdout}");
    let farm = farm_directory(&stdout);
    assert!(!farm.exists(), "{} left behind", farm.display());
}

#[test]
fn bad_flags_fail_before_anything_starts() {
    let output = sickle()
        .args(["demo", "--plots", "/nonexistent/sickle-demo-plots"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty(), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("not a directory"), "{stderr}");
}
