//! The plot manager over copies of the committed k18 fixture plots (crates/vectors/data/plots).
#![allow(clippy::unwrap_used)]

mod common;
use common::{CONTRACT, SOLO, fixture, fixture_keys};

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use sickle_harvester::plot_manager::{FarmerKeys, LoadError, PlotManager, open_file};
use sickle_harvester::scan::ScanSettings;

fn copy_to(dir: &Path, fixture_name: &str, as_name: &str) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let path = dir.join(as_name);
    std::fs::copy(fixture(fixture_name), &path).unwrap();
    path
}

fn manager(dirs: &[&Path], batch_size: usize) -> PlotManager {
    let scan = ScanSettings {
        directories: dirs.iter().map(|dir| dir.to_path_buf()).collect(),
        recursive: false,
        follow_links: false,
    };
    let mut manager = PlotManager::new(
        scan,
        batch_size,
        Duration::from_secs(1200),
        4,
        Arc::new(open_file),
    );
    manager.set_keys(fixture_keys());
    manager
}

fn tempdir() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().canonicalize().unwrap();
    (dir, path)
}

#[test]
fn loads_both_fixture_plots_with_their_keys() {
    let (_guard, root) = tempdir();
    let solo = copy_to(&root, SOLO, "solo.plot");
    let contract = copy_to(&root, CONTRACT, "contract.plot");
    let mut manager = manager(&[&root], 300);
    let result = manager.refresh(SystemTime::now());
    assert_eq!(result.plot_file_count, 2);
    assert_eq!(result.processed, 2);
    assert_eq!(result.loaded().count(), 2);
    assert!(result.removed.is_empty());
    let snapshot = manager.shared().snapshot();
    assert_eq!(
        snapshot.paths().map(Path::to_path_buf).collect::<Vec<_>>(),
        vec![contract.clone(), solo.clone()]
    );
    let solo_plot = snapshot.get(&solo).unwrap();
    assert_eq!(solo_plot.k(), 18);
    assert!(solo_plot.pool_public_key().unwrap().is_some());
    assert!(solo_plot.pool_contract_puzzle_hash().is_none());
    assert_eq!(solo_plot.file_size, std::fs::metadata(&solo).unwrap().len());
    let contract_plot = snapshot.get(&contract).unwrap();
    assert!(contract_plot.pool_public_key().unwrap().is_none());
    assert!(contract_plot.pool_contract_puzzle_hash().is_some());
    // The plot public key gives back the header's plot id (sickle-pos checks it at open).
    assert_eq!(
        contract_plot.plot_id(),
        &contract_plot.memo().unwrap().plot_id()
    );

    // A second refresh with nothing changed loads nothing and removes nothing.
    let again = manager.refresh(SystemTime::now());
    assert_eq!(again.loaded().count(), 0);
    assert!(again.removed.is_empty());
    assert!(again.changed.is_empty());
    assert_eq!(manager.loaded().len(), 2);
}

#[test]
fn keys_missing_by_farmer_key_and_by_solo_pool_key() {
    let (_guard, root) = tempdir();
    let solo = copy_to(&root, SOLO, "solo.plot");
    let contract = copy_to(&root, CONTRACT, "contract.plot");
    let mut manager = manager(&[&root], 300);
    let keys = fixture_keys();

    manager.set_keys(FarmerKeys {
        farmer_public_keys: Vec::new(),
        pool_public_keys: keys.pool_public_keys.clone(),
    });
    manager.refresh(SystemTime::now());
    assert!(manager.loaded().is_empty());
    assert_eq!(
        manager.keys_missing().iter().cloned().collect::<Vec<_>>(),
        vec![contract.clone(), solo.clone()]
    );

    // Pool key unknown: only the solo plot is held back; contract plots have no pool-side check.
    manager.set_keys(FarmerKeys {
        farmer_public_keys: keys.farmer_public_keys.clone(),
        pool_public_keys: Vec::new(),
    });
    let result = manager.refresh(SystemTime::now());
    assert_eq!(
        result
            .loaded()
            .map(|plot| plot.path.to_path_buf())
            .collect::<Vec<_>>(),
        vec![contract.clone()]
    );
    assert_eq!(
        manager.keys_missing().iter().cloned().collect::<Vec<_>>(),
        vec![solo.clone()]
    );

    // With both keys the solo plot loads and leaves the keys-missing list.
    manager.set_keys(keys);
    let result = manager.refresh(SystemTime::now());
    assert_eq!(
        result
            .loaded()
            .map(|plot| plot.path.to_path_buf())
            .collect::<Vec<_>>(),
        vec![solo]
    );
    assert!(manager.keys_missing().is_empty());
}

#[test]
fn same_file_name_in_two_directories_is_a_duplicate() {
    let (_guard, root) = tempdir();
    let first = copy_to(&root.join("a"), SOLO, "plot-1.plot");
    let second = copy_to(&root.join("b"), SOLO, "plot-1.plot");
    // A different file name with the same plot id is not a duplicate by chia's rule.
    let renamed = copy_to(&root.join("b"), SOLO, "plot-2.plot");
    let mut manager = manager(&[&root.join("a"), &root.join("b")], 300);
    let result = manager.refresh(SystemTime::now());
    assert_eq!(
        result
            .loaded()
            .map(|plot| plot.path.to_path_buf())
            .collect::<Vec<_>>(),
        vec![first.clone(), renamed.clone()]
    );
    assert_eq!(manager.duplicates(), vec![second.clone()]);

    // The duplicate copy is skipped on later refreshes and stays listed.
    let result = manager.refresh(SystemTime::now());
    assert_eq!(result.loaded().count(), 0);
    assert_eq!(manager.duplicates(), vec![second.clone()]);

    // Removing the loaded copy removes the whole entry; the other copy loads next time.
    std::fs::remove_file(&first).unwrap();
    let result = manager.refresh(SystemTime::now());
    assert_eq!(result.removed, vec![first]);
    assert_eq!(
        result
            .loaded()
            .map(|plot| plot.path.to_path_buf())
            .collect::<Vec<_>>(),
        vec![second]
    );
    assert!(manager.duplicates().is_empty());
}

#[test]
fn invalid_files_are_listed_with_a_reason_and_retried_later() {
    let (_guard, root) = tempdir();
    std::fs::write(root.join("garbage.plot"), b"not a plot at all").unwrap();
    let truncated = std::fs::read(fixture(SOLO)).unwrap();
    std::fs::write(root.join("truncated.plot"), &truncated[..100]).unwrap();
    let mut manager = manager(&[&root], 300);
    let start = SystemTime::now();
    let result = manager.refresh(start);
    assert_eq!(result.plot_file_count, 2);
    assert_eq!(result.loaded().count(), 0);
    let failed: Vec<_> = manager.failed_to_open().collect();
    assert_eq!(failed.len(), 2);
    for (path, error) in &failed {
        assert!(matches!(error, LoadError::Plot { .. }), "{error}");
        assert!(
            error.to_string().contains(&*path.to_string_lossy()),
            "{error}"
        );
    }

    // Fixed on disk, but not retried before retry_invalid_seconds...
    copy_to(&root, SOLO, "garbage.plot");
    let result = manager.refresh(start + Duration::from_secs(60));
    assert_eq!(result.loaded().count(), 0);
    assert_eq!(manager.failed_to_open().count(), 2);
    // ...and loaded after it.
    let result = manager.refresh(start + Duration::from_secs(1201));
    assert_eq!(result.loaded().count(), 1);
    assert_eq!(manager.failed_to_open().count(), 1);

    // A failed file that disappears leaves the list.
    std::fs::remove_file(root.join("truncated.plot")).unwrap();
    manager.refresh(start + Duration::from_secs(1300));
    assert_eq!(manager.failed_to_open().count(), 0);
}

#[test]
fn incremental_refresh_adds_removes_and_notices_changes() {
    let (_guard, root) = tempdir();
    let solo = copy_to(&root, SOLO, "solo.plot");
    let mut manager = manager(&[&root], 300);
    let shared = manager.shared();
    assert!(shared.snapshot().is_empty());
    manager.refresh(SystemTime::now());
    let before = shared.snapshot();
    assert_eq!(before.len(), 1);

    let contract = copy_to(&root, CONTRACT, "contract.plot");
    let result = manager.refresh(SystemTime::now());
    assert_eq!(
        result
            .loaded()
            .map(|plot| plot.path.to_path_buf())
            .collect::<Vec<_>>(),
        vec![contract.clone()]
    );
    // The old snapshot is untouched (lookups in flight keep theirs); the new one has both.
    assert_eq!(before.len(), 1);
    assert_eq!(shared.snapshot().len(), 2);

    let file = std::fs::OpenOptions::new()
        .append(true)
        .open(&solo)
        .unwrap();
    file.set_len(std::fs::metadata(&solo).unwrap().len() + 1)
        .unwrap();
    drop(file);
    let result = manager.refresh(SystemTime::now());
    assert_eq!(result.changed, vec![solo.clone()]);

    std::fs::remove_file(&contract).unwrap();
    let result = manager.refresh(SystemTime::now());
    assert_eq!(result.removed, vec![contract]);
    assert_eq!(result.plot_file_count, 1);
    assert_eq!(
        shared
            .snapshot()
            .paths()
            .map(Path::to_path_buf)
            .collect::<Vec<_>>(),
        vec![solo]
    );
}

#[test]
fn batches_follow_batch_size_and_directories_can_vanish() {
    let (_guard, root) = tempdir();
    let dir = root.join("plots");
    copy_to(&dir, SOLO, "a.plot");
    copy_to(&dir, CONTRACT, "b.plot");
    copy_to(&dir, SOLO, "c.plot2");
    let mut manager = manager(&[&dir], 2);
    let mut calls = 0;
    let result = manager.refresh_with(SystemTime::now(), |_| calls += 1);
    assert_eq!(calls, 2);
    assert_eq!(
        result
            .loaded_batches
            .iter()
            .map(Vec::len)
            .collect::<Vec<_>>(),
        vec![2, 0]
    );
    // sickle-pos reads v1 plots only: a .plot2 file is found and listed as failed.
    let failed: Vec<_> = manager.failed_to_open().collect();
    assert_eq!(failed.len(), 1);
    assert!(matches!(failed[0].1, LoadError::V2Unsupported { .. }));

    std::fs::remove_dir_all(&dir).unwrap();
    let result = manager.refresh(SystemTime::now());
    assert_eq!(result.plot_file_count, 0);
    assert_eq!(result.removed.len(), 2);
    assert!(manager.shared().snapshot().is_empty());
    assert_eq!(manager.failed_to_open().count(), 0);
}

#[test]
fn a_refresh_becomes_a_plot_sync_of_the_directory() {
    use sickle_harvester::plot_sync::{
        HARVESTING_MODE_CPU, PlotSyncSender, RefreshSync, SyncPayload,
    };
    let (_guard, root) = tempdir();
    let solo = copy_to(&root, SOLO, "solo.plot");
    let contract = copy_to(&root, CONTRACT, "contract.plot");
    std::fs::write(root.join("bad.plot"), b"nope").unwrap();
    let mut manager = manager(&[&root], 300);
    let result = manager.refresh(SystemTime::now());
    let sync = RefreshSync::of(&result, &manager);
    assert_eq!(sync.plot_file_count, 3);
    assert_eq!(sync.state.invalid, vec![root.join("bad.plot")]);
    let mut sender = PlotSyncSender::new(300, HARVESTING_MODE_CPU);
    sender.connect(SystemTime::now(), true);
    sender.queue_refresh(SystemTime::now(), sync).unwrap();
    let mut sent = Vec::new();
    while let Some(message) = sender.poll_transmit(SystemTime::now()) {
        let response = sickle_harvester::plot_sync::SyncResponse {
            identifier: message.identifier,
            message_type: i16::from(message.message_type.id()),
            error: None,
        };
        assert!(sender.handle_response(SystemTime::now(), &response));
        sent.push(message);
    }
    let SyncPayload::Plots { plots, last: true } = &sent[1].payload else {
        panic!("{:?}", sent[1]);
    };
    let names: Vec<_> = plots.iter().map(|plot| plot.filename.clone()).collect();
    assert_eq!(
        names,
        vec![contract.display().to_string(), solo.display().to_string()]
    );
    let solo_entry = &plots[1];
    assert_eq!(solo_entry.size, 18);
    assert_eq!(
        solo_entry.file_size,
        std::fs::metadata(&solo).unwrap().len()
    );
    assert!(solo_entry.pool_public_key.is_some());
    assert_eq!(
        sent[3].payload,
        SyncPayload::Paths {
            paths: vec![root.join("bad.plot").display().to_string()],
            last: true
        }
    );
}
