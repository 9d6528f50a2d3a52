//! Signage point handling over copies of the k18 fixture plots: the proofs are exactly what
//! sickle-pos finds, eligibility follows chain and pool difficulty, and a plot whose reads hang
//! is abandoned at its deadline without delaying the other plot's proofs.
#![allow(clippy::unwrap_used)]

mod common;
use common::{CONTRACT, SOLO, constants, fixture, fixture_keys};

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, SystemTime};

use sickle_harvester::LoadedPlot;
use sickle_harvester::plot_manager::{PlotManager, PlotReader, PlotSet, open_file};
use sickle_harvester::scan::ScanSettings;
use sickle_harvester::signage::{
    FoundProof, LookupLimits, PoolDifficulty, SignagePoint, answer_signage_point, lookup_plot,
    lookup_plots, passing_plots,
};
use sickle_pos::consensus::{
    PlotSize, calculate_iterations_quality, passes_plot_filter, pos_challenge,
};
use sickle_pos::{Plot, PlotMemo, ReadAt};
use tokio::sync::{Semaphore, mpsc};

/// Sub-slot iterations so large that every quality is eligible.
const HUGE_SSI: u64 = 64 << 40;

/// Mainnet with no plot filter and chia's sim-style difficulty factor, so k18 plots farm.
/// A file reader that blocks every read while `hang` is set, until `release`.
struct HangingReader {
    file: std::fs::File,
    hang: Arc<AtomicBool>,
    gate: Arc<(Mutex<bool>, Condvar)>,
}

impl ReadAt for HangingReader {
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        if self.hang.load(Ordering::SeqCst) {
            let (lock, released) = &*self.gate;
            let guard = lock.lock().unwrap();
            // Bounded so a broken test cannot hang the process forever.
            let _unused = released
                .wait_timeout_while(guard, Duration::from_secs(20), |open| !*open)
                .unwrap();
        }
        self.file.read_at(offset, buf)
    }
    fn size(&self) -> u64 {
        self.file.size()
    }
}

/// The hang switch and the gate that releases hung reads.
type Hang = (Arc<AtomicBool>, Arc<(Mutex<bool>, Condvar)>);

struct Farm {
    _dir: tempfile::TempDir,
    solo: PathBuf,
    contract: PathBuf,
    plots: Arc<PlotSet>,
}

fn farm(hang: Option<Hang>) -> Farm {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    // Two directories: plots of one directory may share a lookup group (`LOOKUP_GROUP`), and
    // the guarantee is that a hanging plot delays no plot of another directory.
    let (one, two) = (root.join("one"), root.join("two"));
    std::fs::create_dir_all(&one).unwrap();
    std::fs::create_dir_all(&two).unwrap();
    let solo = one.join("solo.plot");
    let contract = two.join("contract.plot");
    std::fs::copy(fixture(SOLO), &solo).unwrap();
    std::fs::copy(fixture(CONTRACT), &contract).unwrap();
    let opener: sickle_harvester::plot_manager::Opener = match hang {
        None => Arc::new(open_file),
        Some((hang, gate)) => {
            let hanging_path = contract.clone();
            Arc::new(move |path: &Path| -> io::Result<PlotReader> {
                if path == hanging_path {
                    Ok(Arc::new(HangingReader {
                        file: std::fs::File::open(path)?,
                        hang: Arc::clone(&hang),
                        gate: Arc::clone(&gate),
                    }))
                } else {
                    open_file(path)
                }
            })
        }
    };
    let plots = load(vec![one, two], opener);
    assert_eq!(plots.len(), 2);
    Farm {
        _dir: dir,
        solo,
        contract,
        plots,
    }
}

/// The plots of `directories` (not recursive), loaded with the fixture keys.
fn load(directories: Vec<PathBuf>, opener: sickle_harvester::plot_manager::Opener) -> Arc<PlotSet> {
    let scan = ScanSettings {
        directories,
        recursive: false,
        follow_links: false,
    };
    let mut manager = PlotManager::new(scan, 300, Duration::from_secs(1200), 2, opener);
    manager.set_keys(fixture_keys());
    manager.refresh(SystemTime::now());
    manager.shared().snapshot()
}

fn signage_point(seed: u8, sub_slot_iters: u64) -> SignagePoint {
    SignagePoint {
        challenge_hash: [seed; 32],
        sp_hash: [seed.wrapping_add(100); 32],
        difficulty: 1,
        sub_slot_iters,
        signage_point_index: 3,
        peak_height: 1000,
        last_tx_height: 999,
        pool_difficulties: Vec::new(),
    }
}

/// What sickle-pos itself finds for `path` at `sp`, every quality taken.
fn expected_proofs(path: &Path, sp: &SignagePoint) -> Vec<(String, Vec<u8>)> {
    let plot = Plot::open(std::fs::File::open(path).unwrap()).unwrap();
    let challenge = pos_challenge(plot.plot_id(), &sp.challenge_hash, &sp.sp_hash);
    plot.qualities_for_challenge(&challenge)
        .unwrap()
        .iter()
        .enumerate()
        .map(|(index, quality)| {
            (
                format!("{}{}", hex::encode(quality), path.display()),
                plot.full_proof(&challenge, index).unwrap(),
            )
        })
        .collect()
}

fn limits(deadline: Duration) -> LookupLimits {
    LookupLimits {
        concurrency: Arc::new(Semaphore::new(4)),
        deadline,
    }
}

async fn answer(
    farm: &Farm,
    sp: SignagePoint,
    limits: &LookupLimits,
) -> (Vec<FoundProof>, sickle_harvester::signage::LookupSummary) {
    let (sender, mut receiver) = mpsc::channel(64);
    let summary = answer_signage_point(
        Arc::new(constants()),
        Arc::new(sp),
        Arc::clone(&farm.plots),
        limits,
        &sender,
    )
    .await;
    drop(sender);
    let mut proofs = Vec::new();
    while let Some(proof) = receiver.recv().await {
        proofs.push(proof);
    }
    (proofs, summary)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proofs_are_exactly_what_sickle_pos_finds() {
    let farm = farm(None);
    let mut total = 0;
    for seed in 0..12u8 {
        let sp = signage_point(seed, HUGE_SSI);
        let mut expected = expected_proofs(&farm.solo, &sp);
        expected.extend(expected_proofs(&farm.contract, &sp));
        expected.sort();
        let (proofs, summary) = answer(&farm, sp.clone(), &limits(Duration::from_secs(30))).await;
        let mut got: Vec<_> = proofs
            .iter()
            .map(|proof| (proof.plot_identifier.clone(), proof.proof.clone()))
            .collect();
        got.sort();
        assert_eq!(got, expected, "seed {seed}");
        assert_eq!(summary.passed, 2);
        assert_eq!(summary.total_plots, 2);
        assert_eq!(summary.proofs as usize, expected.len());
        assert_eq!(summary.timed_out, 0);
        for proof in &proofs {
            let plot = farm
                .plots
                .get(Path::new(&proof.plot_identifier[64..]))
                .unwrap();
            assert_eq!(proof.size, 18);
            assert_eq!(proof.plot_public_key, plot.plot_public_key().unwrap());
            assert_eq!(
                proof.pos_challenge,
                pos_challenge(plot.plot_id(), &sp.challenge_hash, &sp.sp_hash)
            );
            assert_eq!(
                proof.plot_identifier[..64],
                hex::encode(proof.quality_string)
            );
            assert_eq!(proof.pool_public_key, plot.pool_public_key().unwrap());
            assert_eq!(
                proof.pool_contract_puzzle_hash,
                plot.pool_contract_puzzle_hash()
            );
        }
        total += expected.len();
    }
    assert!(total > 0, "no proofs in 12 signage points");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eligibility_uses_chain_or_pool_difficulty() {
    let farm = farm(None);
    let constants = constants();
    // Chain difficulty: keep exactly the qualities with required_iters < ssi / 64.
    let ssi = 64 * 400_000;
    let mut kept_some = false;
    let mut dropped_some = false;
    for seed in 0..24u8 {
        let sp = signage_point(seed, ssi);
        let mut expected = Vec::new();
        for path in [&farm.solo, &farm.contract] {
            let plot = Plot::open(std::fs::File::open(path).unwrap()).unwrap();
            let challenge = pos_challenge(plot.plot_id(), &sp.challenge_hash, &sp.sp_hash);
            for quality in plot.qualities_for_challenge(&challenge).unwrap() {
                let iters = calculate_iterations_quality(
                    &constants,
                    &quality,
                    PlotSize::V1 { k: 18 },
                    1,
                    &sp.sp_hash,
                    sp.peak_height,
                )
                .unwrap();
                if iters < ssi / 64 {
                    expected.push(hex::encode(quality));
                    kept_some = true;
                } else {
                    dropped_some = true;
                }
            }
        }
        expected.sort();
        let (proofs, _) = answer(&farm, sp, &limits(Duration::from_secs(30))).await;
        let mut got: Vec<_> = proofs
            .iter()
            .map(|proof| proof.plot_identifier[..64].to_owned())
            .collect();
        got.sort();
        assert_eq!(got, expected, "seed {seed}");
    }
    assert!(kept_some && dropped_some, "the threshold was not exercised");

    // A pool difficulty for the contract plot's puzzle hash replaces the chain's for that plot.
    let contract_hash = farm
        .plots
        .get(&farm.contract)
        .unwrap()
        .pool_contract_puzzle_hash()
        .unwrap();
    for seed in 0..12u8 {
        let mut sp = signage_point(seed, HUGE_SSI);
        sp.pool_difficulties = vec![PoolDifficulty {
            difficulty: 1,
            sub_slot_iters: 64,
            pool_contract_puzzle_hash: contract_hash,
        }];
        let solo_expected = expected_proofs(&farm.solo, &sp).len();
        let (proofs, _) = answer(&farm, sp, &limits(Duration::from_secs(30))).await;
        assert!(
            proofs
                .iter()
                .all(|proof| proof.pool_contract_puzzle_hash.is_none())
        );
        assert_eq!(proofs.len(), solo_expected);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filter_and_cut_off_decide_who_takes_part() {
    let farm = farm(None);
    let mut constants = constants();
    let sp = signage_point(7, HUGE_SSI);
    assert_eq!(passing_plots(&constants, &sp, &farm.plots).len(), 2);
    // With chia's 9 filter bits, exactly the plots whose filter hash starts with 9 zero bits pass.
    constants.number_zero_bits_plot_filter_v1 = 9;
    for seed in 0..40u8 {
        let sp = signage_point(seed, HUGE_SSI);
        let expected = farm
            .plots
            .iter()
            .filter(|plot| passes_plot_filter(9, plot.plot_id(), &sp.challenge_hash, &sp.sp_hash))
            .count();
        assert_eq!(passing_plots(&constants, &sp, &farm.plots).len(), expected);
    }
    // From the v1 cut-off height on no v1 plot takes part.
    let mut constants = self::constants();
    constants.hard_fork2_height = 0;
    let mut late = signage_point(7, HUGE_SSI);
    late.last_tx_height = u32::MAX - 1;
    assert!(passing_plots(&constants, &late, &farm.plots).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_plot_does_not_delay_the_others() {
    let hang = Arc::new(AtomicBool::new(false));
    let gate = Arc::new((Mutex::new(false), Condvar::new()));
    let farm = farm(Some((Arc::clone(&hang), Arc::clone(&gate))));
    // Find a signage point where the solo plot has proofs.
    let sp = (0..40u8)
        .map(|seed| signage_point(seed, HUGE_SSI))
        .find(|sp| !expected_proofs(&farm.solo, sp).is_empty())
        .unwrap();
    let solo_expected = expected_proofs(&farm.solo, &sp).len();
    hang.store(true, Ordering::SeqCst);
    let limits = limits(Duration::from_millis(500));

    let started = std::time::Instant::now();
    let (proofs, summary) = answer(&farm, sp.clone(), &limits).await;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(proofs.len(), solo_expected);
    assert!(
        proofs
            .iter()
            .all(|proof| proof.plot_identifier.ends_with("solo.plot"))
    );
    assert_eq!(summary.timed_out, 1);
    assert_eq!(summary.passed, 2);
    let stuck = farm.plots.get(&farm.contract).unwrap();
    assert_eq!(stuck.stats.timeouts.load(Ordering::SeqCst), 1);

    // While it is still stuck the next signage point skips it at once.
    let started = std::time::Instant::now();
    let (proofs, summary) = answer(&farm, sp.clone(), &limits).await;
    assert!(
        started.elapsed() < Duration::from_millis(450),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(proofs.len(), solo_expected);
    assert_eq!(summary.timed_out, 1);

    // Released, the plot answers again.
    hang.store(false, Ordering::SeqCst);
    {
        let (lock, released) = &*gate;
        *lock.lock().unwrap() = true;
        released.notify_all();
    }
    for _ in 0..200 {
        if !stuck.stats.in_flight.load(Ordering::SeqCst) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let (proofs, summary) = answer(&farm, sp.clone(), &limits).await;
    assert_eq!(summary.timed_out, 0);
    assert_eq!(
        proofs.len(),
        solo_expected + expected_proofs(&farm.contract, &sp).len()
    );
}

#[test]
fn grouped_lookups_find_what_single_lookups_find() {
    let farm = farm(None);
    let solo = farm.plots.get(&farm.solo).unwrap();
    let contract = farm.plots.get(&farm.contract).unwrap();
    let constants = constants();
    let mut proofs = 0;
    for seed in 0..24u8 {
        let sp = signage_point(seed, HUGE_SSI);
        // Repeats and both plots, in groups of 1 to 5 (workers group up to LOOKUP_GROUP).
        let order = [&solo, &contract, &solo, &contract, &contract];
        let size = 1 + usize::from(seed) % order.len();
        let group: Vec<&LoadedPlot> = order[..size].iter().map(|plot| plot.as_ref()).collect();
        let grouped = lookup_plots(&constants, &sp, &group);
        assert_eq!(grouped.len(), size);
        for (plot, found) in group.iter().zip(grouped) {
            let found = found.unwrap();
            let single = lookup_plot(&constants, &sp, plot).unwrap();
            let key = |proof: &FoundProof| (proof.plot_identifier.clone(), proof.proof.clone());
            assert_eq!(
                found.iter().map(key).collect::<Vec<_>>(),
                single.iter().map(key).collect::<Vec<_>>()
            );
            assert_eq!(
                found.iter().map(key).collect::<Vec<_>>(),
                expected_proofs(&plot.path, &sp)
            );
            proofs += found.len();
        }
    }
    assert!(proofs > 10, "too few proofs to compare: {proofs}");
}

/// A copy of the solo fixture with another master key in its memo, so another plot id (its
/// tables no longer match the id, which a lookup does not check). `n` picks the key.
fn distinct_solo(n: u8) -> Vec<u8> {
    let mut bytes = std::fs::read(fixture(SOLO)).unwrap();
    let format_len = usize::from(u16::from_be_bytes([bytes[52], bytes[53]]));
    let memo_len_at = 54 + format_len;
    let memo_len = usize::from(u16::from_be_bytes([
        bytes[memo_len_at],
        bytes[memo_len_at + 1],
    ]));
    let memo_at = memo_len_at + 2;
    // The master secret key is the memo's last 32 bytes; its low bits keep it a valid key.
    bytes[memo_at + memo_len - 1] ^= n + 1;
    let memo = PlotMemo::parse(&bytes[memo_at..memo_at + memo_len]).unwrap();
    let id = memo.plot_id_for(&memo.plot_public_key());
    bytes[19..51].copy_from_slice(&id);
    bytes
}

/// Reads that wait until `want` readers are inside at once (or 5 s pass), then all go on.
struct Gate {
    inside: Mutex<usize>,
    changed: Condvar,
    want: usize,
    most: std::sync::atomic::AtomicUsize,
    gave_up: AtomicBool,
}

struct GatedReader {
    file: std::fs::File,
    gate: Arc<Gate>,
}

impl ReadAt for GatedReader {
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        let gate = &self.gate;
        let mut inside = gate.inside.lock().unwrap();
        *inside += 1;
        gate.most.fetch_max(*inside, Ordering::SeqCst);
        gate.changed.notify_all();
        let (mut inside, _) = gate
            .changed
            .wait_timeout_while(inside, Duration::from_secs(5), |_| {
                gate.most.load(Ordering::SeqCst) < gate.want && !gate.gave_up.load(Ordering::SeqCst)
            })
            .unwrap();
        // Past the timeout the test has failed; let every read through so it ends quickly.
        gate.gave_up.store(true, Ordering::SeqCst);
        gate.changed.notify_all();
        *inside -= 1;
        drop(inside);
        self.file.read_at(offset, buf)
    }
    fn size(&self) -> u64 {
        self.file.size()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plots_on_slow_disks_all_get_a_worker() {
    // Six plots, each in its own directory, whose reads all wait until six are in flight. A
    // signage point starts two workers per core; on a machine with fewer than three cores only
    // more workers started later (after GROW_AFTER without a report) let the reads through.
    const PLOTS: usize = 6;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let mut directories = Vec::new();
    for n in 0..PLOTS {
        let sub = root.join(format!("disk{n}"));
        std::fs::create_dir_all(&sub).unwrap();
        // Distinct names too: chia (and Sickle) count equal file names as duplicates.
        std::fs::write(sub.join(format!("plot{n}.plot")), distinct_solo(n as u8)).unwrap();
        directories.push(sub);
    }
    let gate = Arc::new(Gate {
        inside: Mutex::new(0),
        changed: Condvar::new(),
        want: PLOTS,
        most: std::sync::atomic::AtomicUsize::new(0),
        gave_up: AtomicBool::new(false),
    });
    let reads_wait = Arc::new(AtomicBool::new(false));
    let opener: sickle_harvester::plot_manager::Opener = {
        let (gate, reads_wait) = (Arc::clone(&gate), Arc::clone(&reads_wait));
        Arc::new(move |path: &Path| -> io::Result<PlotReader> {
            if !reads_wait.load(Ordering::SeqCst) {
                return open_file(path);
            }
            Ok(Arc::new(GatedReader {
                file: std::fs::File::open(path)?,
                gate: Arc::clone(&gate),
            }))
        })
    };
    let plots = load(directories, opener);
    assert_eq!(plots.len(), PLOTS);
    reads_wait.store(true, Ordering::SeqCst);

    let limits = LookupLimits {
        concurrency: Arc::new(Semaphore::new(30)),
        deadline: Duration::from_secs(20),
    };
    let (proofs, _receiver) = mpsc::channel(64);
    let summary = answer_signage_point(
        Arc::new(constants()),
        Arc::new(signage_point(1, HUGE_SSI)),
        plots,
        &limits,
        &proofs,
    )
    .await;
    assert_eq!(gate.most.load(Ordering::SeqCst), PLOTS);
    assert_eq!(summary.passed as usize, PLOTS);
    assert_eq!((summary.errors, summary.timed_out), (0, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plots_of_one_directory_looked_up_in_groups_give_every_proof() {
    // Eight plots in one directory: workers claim them in groups (of up to LOOKUP_GROUP).
    const PLOTS: usize = 8;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    for n in 0..PLOTS {
        std::fs::write(root.join(format!("plot{n}.plot")), distinct_solo(n as u8)).unwrap();
    }
    let plots = load(vec![root], Arc::new(open_file));
    assert_eq!(plots.len(), PLOTS);
    let limits = limits(Duration::from_secs(20));
    let mut total = 0;
    for seed in 0..6u8 {
        let sp = signage_point(seed, HUGE_SSI);
        let (sender, mut receiver) = mpsc::channel(256);
        let summary = answer_signage_point(
            Arc::new(constants()),
            Arc::new(sp.clone()),
            Arc::clone(&plots),
            &limits,
            &sender,
        )
        .await;
        drop(sender);
        let mut got = Vec::new();
        while let Some(proof) = receiver.recv().await {
            got.push((proof.plot_identifier, proof.proof));
        }
        let mut expected: Vec<_> = plots
            .iter()
            .flat_map(|plot| expected_proofs(&plot.path, &sp))
            .collect();
        got.sort();
        expected.sort();
        assert_eq!(got, expected);
        assert_eq!(
            (summary.passed as usize, summary.errors, summary.timed_out),
            (PLOTS, 0, 0)
        );
        total += got.len();
    }
    assert!(total > 10, "too few proofs to compare: {total}");
}
