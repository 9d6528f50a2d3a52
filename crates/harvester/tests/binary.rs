//! The `sickle-harvester` binary on a root written by `chia init`.
#![allow(clippy::unwrap_used)]

use std::process::Command;

const CHIA_INIT: &str = include_str!("data/chia-init-config.yaml");

#[test]
fn check_lists_plots_of_the_configured_directories() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    let plots = dir.path().join("plots");
    std::fs::create_dir_all(root.join("config")).unwrap();
    std::fs::create_dir_all(&plots).unwrap();
    let config = CHIA_INIT.replace(
        "  plot_directories: []",
        &format!("  plot_directories:\n    - {}", plots.display()),
    );
    std::fs::write(root.join("config/config.yaml"), config).unwrap();
    let solo = sickle_vectors::data_dir().join("plots/k18-solo.plot");
    std::fs::copy(&solo, plots.join("solo.plot")).unwrap();

    let run = |extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_sickle-harvester"))
            .arg("--root")
            .arg(&root)
            .args(extra)
            .env_remove("CHIA_ROOT")
            .output()
            .unwrap()
    };
    let output = run(&["--check"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(stdout.contains("solo.plot k=18 id="), "{stdout}");
    assert!(stdout.contains("pool=solo"), "{stdout}");
    assert!(
        stdout.contains("1 plot files, 1 opened, 0 failed"),
        "{stdout}"
    );

    std::fs::write(plots.join("broken.plot"), b"nope").unwrap();
    let output = run(&["--check"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("failed "), "{stdout}");

    // --plot-dir replaces the configured directories.
    let empty = dir.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let output = run(&["--check", "--plot-dir", empty.to_str().unwrap()]);
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).contains("0 plot files"));

    // A malformed setting names its key.
    let bad = CHIA_INIT.replace("  num_threads: 30", "  num_threads: lots");
    std::fs::write(root.join("config/config.yaml"), bad).unwrap();
    let output = run(&["--check"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("harvester.num_threads"));
}
