//! Plot files kept open between lookups (`PlotManager::keep_files_open`): reused within the
//! limit, dropped after a failed lookup, given back when a plot is unloaded.
#![allow(clippy::unwrap_used)]

mod common;
use common::{CONTRACT, SOLO, constants, fixture, fixture_keys};

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use sickle_harvester::plot_manager::{Opener, PlotManager, PlotReader, open_file};
use sickle_harvester::scan::ScanSettings;
use sickle_harvester::signage::{SignagePoint, lookup_plot};
use sickle_pos::ReadAt;

fn signage_point(seed: u8) -> SignagePoint {
    SignagePoint {
        challenge_hash: [seed; 32],
        sp_hash: [seed.wrapping_add(100); 32],
        difficulty: 1,
        // Every quality is eligible: lookups also read full proofs through the handle.
        sub_slot_iters: 64 << 40,
        signage_point_index: 3,
        peak_height: 1000,
        last_tx_height: 999,
        pool_difficulties: Vec::new(),
    }
}

/// A file whose reads fail while `broken` is set.
struct Flaky {
    file: PlotReader,
    broken: Arc<AtomicBool>,
}

impl ReadAt for Flaky {
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        if self.broken.load(Ordering::SeqCst) {
            return Err(io::Error::other("disk gone"));
        }
        self.file.read_at(offset, buf)
    }
    fn size(&self) -> u64 {
        self.file.size()
    }
}

/// Two fixture plots in a temporary directory, loaded by a manager that keeps up to `limit`
/// files open, with an opener that counts opens per path.
struct Farm {
    _dir: tempfile::TempDir,
    solo: PathBuf,
    contract: PathBuf,
    manager: PlotManager,
    opens: Arc<Mutex<HashMap<PathBuf, usize>>>,
    broken: Arc<AtomicBool>,
}

impl Farm {
    fn new(limit: usize) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let (solo, contract) = (root.join("solo.plot"), root.join("contract.plot"));
        std::fs::copy(fixture(SOLO), &solo).unwrap();
        std::fs::copy(fixture(CONTRACT), &contract).unwrap();
        let opens = Arc::new(Mutex::new(HashMap::new()));
        let broken = Arc::new(AtomicBool::new(false));
        let (counter, flag) = (Arc::clone(&opens), Arc::clone(&broken));
        let opener: Opener = Arc::new(move |path: &Path| -> io::Result<PlotReader> {
            *counter
                .lock()
                .unwrap()
                .entry(path.to_path_buf())
                .or_default() += 1;
            Ok(Arc::new(Flaky {
                file: open_file(path)?,
                broken: Arc::clone(&flag),
            }))
        });
        let scan = ScanSettings {
            directories: vec![root],
            recursive: false,
            follow_links: false,
        };
        let mut manager = PlotManager::new(scan, 300, Duration::from_secs(1200), 2, opener)
            .keep_files_open(limit);
        manager.set_keys(fixture_keys());
        manager.refresh(SystemTime::now());
        // Loading opened each header once; count lookups only.
        opens.lock().unwrap().clear();
        Farm {
            _dir: dir,
            solo,
            contract,
            manager,
            opens,
            broken,
        }
    }

    fn opens(&self, path: &Path) -> usize {
        self.opens.lock().unwrap().get(path).copied().unwrap_or(0)
    }

    /// One lookup of `path` at signage point `seed`: proofs found, or the error's text.
    fn lookup(&self, path: &Path, seed: u8) -> Result<Vec<Vec<u8>>, String> {
        let plots = self.manager.shared().snapshot();
        let plot = plots.get(path).unwrap();
        lookup_plot(&constants(), &signage_point(seed), plot)
            .map(|found| found.into_iter().map(|proof| proof.proof).collect())
            .map_err(|error| error.to_string())
    }

    fn available(&self) -> usize {
        self.manager.open_files().unwrap().available()
    }
}

#[test]
fn plots_within_the_limit_keep_their_file_open_and_find_the_same_proofs() {
    let kept = Farm::new(1);
    let reopened = Farm::new(0);
    let mut proofs = 0;
    for seed in 0..8u8 {
        for path in [&kept.solo, &kept.contract] {
            let name = path.file_name().unwrap();
            let other = reopened.solo.with_file_name(name);
            let found = kept.lookup(path, seed).unwrap();
            assert_eq!(found, reopened.lookup(&other, seed).unwrap());
            proofs += found.len();
        }
    }
    assert!(proofs > 0, "the comparison must cover proofs");
    // The solo plot was looked up first and took the only slot: opened once for 8 lookups. The
    // contract plot found no slot and opened its file for every lookup, as without the limit.
    assert_eq!(kept.opens(&kept.solo), 1);
    assert_eq!(kept.opens(&kept.contract), 8);
    assert_eq!(kept.available(), 0);
    let plots = kept.manager.shared().snapshot();
    assert!(plots.get(&kept.solo).unwrap().is_open());
    assert!(!plots.get(&kept.contract).unwrap().is_open());
    // Without slots nothing is kept.
    assert_eq!(reopened.opens(&reopened.solo), 8);
    assert_eq!(reopened.available(), 0);
}

#[test]
fn a_failed_lookup_closes_the_file_and_the_next_one_opens_it_again() {
    let farm = Farm::new(4);
    farm.lookup(&farm.solo, 1).unwrap();
    farm.lookup(&farm.solo, 2).unwrap();
    assert_eq!((farm.opens(&farm.solo), farm.available()), (1, 3));

    farm.broken.store(true, Ordering::SeqCst);
    let error = farm.lookup(&farm.solo, 3).unwrap_err();
    assert!(error.contains("disk gone"), "{error}");
    let plots = farm.manager.shared().snapshot();
    assert!(!plots.get(&farm.solo).unwrap().is_open());
    assert_eq!(farm.available(), 4, "the slot is given back");

    farm.broken.store(false, Ordering::SeqCst);
    farm.lookup(&farm.solo, 4).unwrap();
    farm.lookup(&farm.solo, 5).unwrap();
    assert_eq!((farm.opens(&farm.solo), farm.available()), (2, 3));
}

#[test]
fn an_unloaded_plot_gives_its_slot_back() {
    let mut farm = Farm::new(2);
    farm.lookup(&farm.solo, 1).unwrap();
    farm.lookup(&farm.contract, 1).unwrap();
    assert_eq!(farm.available(), 0);

    std::fs::remove_file(&farm.contract).unwrap();
    let result = farm.manager.refresh(SystemTime::now());
    assert_eq!(result.removed, vec![farm.contract.clone()]);
    // The manager published a snapshot without the plot, and no lookup holds the old one.
    assert_eq!(farm.manager.shared().snapshot().len(), 1);
    assert_eq!(farm.available(), 1);
}
