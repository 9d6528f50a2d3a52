//! The plot header cache over copies of the k18 fixture plots: a restart takes headers from the
//! cache without opening the files, a changed file is read again, and a corrupt, truncated or
//! foreign cache file is ignored with every header read from disk.
#![allow(clippy::unwrap_used)]

mod common;
use common::{CONTRACT, SOLO, fixture, fixture_keys};

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use sickle_harvester::plot_cache::{self, CACHE_VERSION, CacheError, DecodeError};
use sickle_harvester::plot_manager::{FarmerKeys, Opener, PlotManager, PlotReader, open_file};
use sickle_harvester::scan::ScanSettings;
use sickle_pos::Plot;

/// A farm of the two fixture plots and where its cache goes.
struct Farm {
    _guard: tempfile::TempDir,
    plots: PathBuf,
    cache: PathBuf,
    solo: PathBuf,
    contract: PathBuf,
}

fn farm() -> Farm {
    let guard = tempfile::tempdir().unwrap();
    let root = guard.path().canonicalize().unwrap();
    let plots = root.join("plots");
    std::fs::create_dir(&plots).unwrap();
    let solo = plots.join("solo.plot");
    let contract = plots.join("contract.plot");
    std::fs::copy(fixture(SOLO), &solo).unwrap();
    std::fs::copy(fixture(CONTRACT), &contract).unwrap();
    Farm {
        _guard: guard,
        cache: plot_cache::default_cache_path(&root),
        plots,
        solo,
        contract,
    }
}

/// An opener that counts its calls.
fn counting_opener() -> (Opener, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let opener: Opener = Arc::new(move |path: &Path| -> io::Result<PlotReader> {
        counter.fetch_add(1, Ordering::SeqCst);
        open_file(path)
    });
    (opener, calls)
}

fn manager(farm: &Farm, opener: Opener, cache: bool) -> PlotManager {
    let scan = ScanSettings {
        directories: vec![farm.plots.clone()],
        recursive: false,
        follow_links: false,
    };
    let mut manager = PlotManager::new(scan, 300, Duration::from_secs(1200), 2, opener);
    if cache {
        manager = manager.with_cache(farm.cache.clone());
    }
    manager.set_keys(fixture_keys());
    manager
}

fn set_modified(path: &Path, time: SystemTime) {
    File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(time)
        .unwrap();
}

#[test]
fn the_cache_holds_what_was_loaded_and_round_trips() {
    let farm = farm();
    let mut first = manager(&farm, Arc::new(open_file), true);
    assert_eq!(first.cache_path(), Some(farm.cache.as_path()));
    let result = first.refresh(SystemTime::now());
    assert_eq!((result.headers_read, result.headers_from_cache), (2, 0));

    let entries = plot_cache::load(&farm.cache).unwrap();
    let mut paths: Vec<_> = entries.keys().cloned().collect();
    paths.sort();
    assert_eq!(paths, vec![farm.contract.clone(), farm.solo.clone()]);
    for plot in first.loaded() {
        let path = &plot.path;
        let entry = &entries[path];
        assert_eq!(&*entry.data, plot.data());
        assert_eq!(
            (entry.file_size, entry.modified),
            (plot.file_size, plot.modified)
        );
        // The stored bytes are the plot's own: memo, keys, layout.
        let opened = Plot::open(File::open(path).unwrap()).unwrap();
        assert_eq!(entry.data.memo.to_bytes(), opened.header().memo);
        assert_eq!(entry.data.memo.parse().unwrap(), *opened.memo());
        assert_eq!(
            entry.data.plot_public_key().unwrap(),
            opened.memo().plot_public_key()
        );
        assert_eq!(
            entry.data.layout,
            opened.layout().clone().without_c1_cache()
        );
    }
    // Owner-only: each memo holds a plot's local master secret key.
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&farm.cache).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);

    // Nothing changed: no save (the file is not rewritten).
    let before = std::fs::metadata(&farm.cache).unwrap().modified().unwrap();
    set_modified(&farm.cache, before - Duration::from_secs(100));
    first.refresh(SystemTime::now());
    assert_eq!(
        std::fs::metadata(&farm.cache).unwrap().modified().unwrap(),
        before - Duration::from_secs(100)
    );
}

#[test]
fn a_restart_takes_headers_from_the_cache_without_opening_files() {
    let farm = farm();
    manager(&farm, Arc::new(open_file), true).refresh(SystemTime::now());

    let (opener, calls) = counting_opener();
    let mut restarted = manager(&farm, opener, true);
    let result = restarted.refresh(SystemTime::now());
    assert_eq!(calls.load(Ordering::SeqCst), 0, "a header was read");
    assert_eq!((result.headers_read, result.headers_from_cache), (0, 2));
    assert_eq!(result.loaded().count(), 2);

    // The cached plot farms: a lookup opens the file then, and finds chiapos' proofs.
    let plot = restarted.loaded().get(&farm.solo).unwrap();
    let opened = Plot::open(File::open(&farm.solo).unwrap()).unwrap();
    let challenge = [0x5a; 32];
    let reader = plot.open().unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!(
        plot.layout()
            .qualities_for_challenge(&reader, &challenge)
            .unwrap(),
        opened.qualities_for_challenge(&challenge).unwrap()
    );
}

#[test]
fn a_file_whose_size_and_mtime_match_is_not_read_even_if_its_header_changed() {
    let farm = farm();
    manager(&farm, Arc::new(open_file), true).refresh(SystemTime::now());

    // Wreck the header, keep size and modification time.
    let modified = std::fs::metadata(&farm.solo).unwrap().modified().unwrap();
    let file = File::options().write(true).open(&farm.solo).unwrap();
    std::os::unix::fs::FileExt::write_all_at(&file, &[0u8; 64], 0).unwrap();
    file.set_modified(modified).unwrap();
    drop(file);

    let result = manager(&farm, Arc::new(open_file), true).refresh(SystemTime::now());
    assert_eq!(result.loaded().count(), 2);
    assert_eq!(result.headers_from_cache, 2);
    // Without the cache the same file does not load: the cache really stood in for the header.
    let mut uncached = manager(&farm, Arc::new(open_file), false);
    let result = uncached.refresh(SystemTime::now());
    assert_eq!(result.loaded().count(), 1);
    assert_eq!(uncached.failed_to_open().count(), 1);
}

#[test]
fn a_changed_size_or_mtime_reads_the_header_again() {
    let farm = farm();
    manager(&farm, Arc::new(open_file), true).refresh(SystemTime::now());
    let saved = plot_cache::load(&farm.cache).unwrap();

    // New modification time.
    let modified = std::fs::metadata(&farm.solo).unwrap().modified().unwrap();
    set_modified(&farm.solo, modified + Duration::from_secs(7));
    let (opener, calls) = counting_opener();
    let result = manager(&farm, opener, true).refresh(SystemTime::now());
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!((result.headers_read, result.headers_from_cache), (1, 1));
    // The cache now has the new time.
    let entries = plot_cache::load(&farm.cache).unwrap();
    assert_eq!(
        entries[&farm.solo].modified,
        modified + Duration::from_secs(7)
    );
    assert_eq!(entries[&farm.contract], saved[&farm.contract]);

    // New size (a byte appended, mtime put back): read again too.
    let size = std::fs::metadata(&farm.contract).unwrap().len();
    let modified = std::fs::metadata(&farm.contract)
        .unwrap()
        .modified()
        .unwrap();
    let file = File::options().write(true).open(&farm.contract).unwrap();
    file.set_len(size + 1).unwrap();
    file.set_modified(modified).unwrap();
    drop(file);
    let (opener, calls) = counting_opener();
    let result = manager(&farm, opener, true).refresh(SystemTime::now());
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!((result.headers_read, result.headers_from_cache), (1, 1));
    assert_eq!(
        plot_cache::load(&farm.cache).unwrap()[&farm.contract].file_size,
        size + 1
    );
}

#[test]
fn vanished_files_leave_the_cache() {
    let farm = farm();
    let mut running = manager(&farm, Arc::new(open_file), true);
    running.refresh(SystemTime::now());
    std::fs::remove_file(&farm.contract).unwrap();
    let result = running.refresh(SystemTime::now());
    assert_eq!(result.removed, vec![farm.contract.clone()]);
    assert_eq!(
        plot_cache::load(&farm.cache)
            .unwrap()
            .into_keys()
            .collect::<Vec<_>>(),
        vec![farm.solo.clone()]
    );

    // Also when the file is gone before a restart reads the cache.
    std::fs::remove_file(&farm.solo).unwrap();
    let result = manager(&farm, Arc::new(open_file), true).refresh(SystemTime::now());
    assert_eq!(result.plot_file_count, 0);
    assert!(plot_cache::load(&farm.cache).unwrap().is_empty());
}

#[test]
fn headers_of_plots_held_back_for_keys_are_cached_too() {
    let farm = farm();
    let mut no_keys = manager(&farm, Arc::new(open_file), true);
    no_keys.set_keys(FarmerKeys::default());
    no_keys.refresh(SystemTime::now());
    assert_eq!(no_keys.keys_missing().len(), 2);
    assert_eq!(plot_cache::load(&farm.cache).unwrap().len(), 2);

    // The handshake's keys arrive: the plots load from the in-memory cache, no file is opened.
    let (opener, calls) = counting_opener();
    let mut restarted = manager(&farm, opener, true);
    restarted.set_keys(FarmerKeys::default());
    restarted.refresh(SystemTime::now());
    restarted.set_keys(fixture_keys());
    let result = restarted.refresh(SystemTime::now());
    assert_eq!(result.loaded().count(), 2);
    assert_eq!(calls.load(Ordering::SeqCst), 0);
    assert!(restarted.keys_missing().is_empty());
}

/// Loads with a damaged cache file: everything is read from disk and a good cache written.
fn assert_ignored(farm: &Farm, damage: impl FnOnce(&mut Vec<u8>)) {
    let mut bytes = std::fs::read(&farm.cache).unwrap();
    damage(&mut bytes);
    std::fs::write(&farm.cache, &bytes).unwrap();
    assert!(matches!(
        plot_cache::load(&farm.cache),
        Err(CacheError::Decode { .. })
    ));
    let result = manager(farm, Arc::new(open_file), true).refresh(SystemTime::now());
    assert_eq!(result.loaded().count(), 2);
    assert_eq!((result.headers_read, result.headers_from_cache), (2, 0));
    assert_eq!(plot_cache::load(&farm.cache).unwrap().len(), 2);
}

#[test]
fn a_corrupt_truncated_or_foreign_cache_is_ignored() {
    let farm = farm();
    manager(&farm, Arc::new(open_file), true).refresh(SystemTime::now());
    let good = std::fs::read(&farm.cache).unwrap();

    // One flipped bit in an entry.
    assert_ignored(&farm, |bytes| bytes[good.len() / 2] ^= 0x10);
    // Cut short.
    assert_ignored(&farm, |bytes| bytes.truncate(good.len() - 100));
    // Another version.
    assert_ignored(&farm, |bytes| bytes[8] = CACHE_VERSION + 1);
    // Not a cache at all (chia's own file, say).
    assert_ignored(&farm, |bytes| {
        *bytes = b"\x00\x02some other format".to_vec()
    });
    // Empty.
    assert_ignored(&farm, Vec::clear);

    // A cache path that cannot be read (a directory) is logged; headers come from disk.
    let dir_farm = self::farm();
    std::fs::create_dir_all(&dir_farm.cache).unwrap();
    let result = manager(&dir_farm, Arc::new(open_file), true).refresh(SystemTime::now());
    assert_eq!((result.loaded().count(), result.headers_read), (2, 2));
}

#[test]
fn decoding_never_panics_on_damaged_bytes() {
    let farm = farm();
    manager(&farm, Arc::new(open_file), true).refresh(SystemTime::now());
    let good = std::fs::read(&farm.cache).unwrap();
    assert_eq!(plot_cache::decode(&good).unwrap().len(), 2);
    for len in 0..good.len() {
        assert!(plot_cache::decode(&good[..len]).is_err(), "prefix {len}");
    }
    for at in 0..good.len() {
        let mut bytes = good.clone();
        bytes[at] ^= 0x01;
        assert!(plot_cache::decode(&bytes).is_err(), "flip at {at}");
    }
    let mut longer = good.clone();
    longer.push(0);
    assert!(plot_cache::decode(&longer).is_err());
    // Damage behind a correct checksum (a bug, or a hand-edited file): errors or values, no
    // panic, and never a layout a lookup could read out of bounds with.
    use sha2::{Digest, Sha256};
    let body_len = good.len() - 32;
    for at in 9..body_len {
        for flip in [0x01, 0x80] {
            let mut bytes = good[..body_len].to_vec();
            bytes[at] ^= flip;
            let digest = Sha256::digest(&bytes);
            bytes.extend_from_slice(&digest);
            if let Ok(entries) = plot_cache::decode(&bytes) {
                for entry in entries.values() {
                    let layout = &entry.data.layout;
                    assert!(layout.table_pointers()[9] <= layout.file_size());
                }
            }
        }
    }
    // A whole file of another version or format says so (rather than "checksum mismatch").
    let padded = |head: &[u8]| [head, &[0u8; 64]].concat();
    assert!(matches!(
        plot_cache::decode(&padded(b"SICKLEPC\x07")),
        Err(DecodeError::Version { found: 7, .. })
    ));
    assert!(matches!(
        plot_cache::decode(&padded(b"PLOTCACH\x01")),
        Err(DecodeError::BadMagic)
    ));
}
