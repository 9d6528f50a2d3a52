//! Answering a signage point (harvester-farmer.md §6; chia/harvester/harvester_api.py
//! `new_signage_point_harvester`).
//!
//! 1. Every loaded plot counts in `total_plots`. v1 plots are skipped from the v1 cut-off height
//!    on; the others go through the plot filter with the message's `peak_height` (§6.2).
//! 2. Each passing plot is looked up on the blocking pool, by workers that take up to
//!    [`LOOKUP_GROUP`] plots of one directory at a time: two per core at first, more when they
//!    stop reporting (waiting on disks), at most `num_threads` across all signage points.
//!    A lookup is qualities for `pos_challenge`, required iterations with the chain
//!    difficulty (or the plot's pool difficulty), full proofs only for eligible qualities, and the
//!    phase-out rule per proof (§6.5–§6.7).
//! 3. Proofs go out as each plot finishes (completion order); the summary (chia's `FarmingInfo`)
//!    follows once every lookup finished or was abandoned.
//!
//! Unlike chia, a lookup that exceeds the per-plot deadline is abandoned for this signage point
//! and counted, so one slow disk never delays the answer for the plots of another directory (a
//! group shares one thread, so a blocked read holds its group); while it is still stuck, later
//! signage points skip that plot (counted too) instead of piling more blocked threads onto the
//! disk.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chia_bls::PublicKey;
use sickle_pos::consensus::{
    ConsensusError, PlotSize, calculate_iterations_quality, is_v1_phased_out, passes_plot_filter,
    pos_challenge, prefix_bits, sp_interval_iters, v1_cut_off_height,
};
use sickle_pos::{ConsensusConstants, PlotError, QualityQuery, ReadAt, qualities_for_challenges};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, TryAcquireError, mpsc};

use crate::plot_set::{LoadedPlot, PlotReader, PlotSet, PlotStats};

/// chia warns about plots whose lookup takes longer than this.
pub const SLOW_LOOKUP_WARNING: Duration = Duration::from_secs(8);

/// A pool's difficulty for plots of one plot NFT (chia's `PoolDifficulty`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolDifficulty {
    /// The pool's partial difficulty.
    pub difficulty: u64,
    /// The pool's sub-slot iterations (`POOL_SUB_SLOT_ITERS`).
    pub sub_slot_iters: u64,
    /// The plot NFT's pool contract puzzle hash.
    pub pool_contract_puzzle_hash: [u8; 32],
}

/// The parts of `NewSignagePointHarvester2` a v1 lookup uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignagePoint {
    /// The challenge chain challenge.
    pub challenge_hash: [u8; 32],
    /// The challenge chain signage point hash.
    pub sp_hash: [u8; 32],
    /// Chain difficulty.
    pub difficulty: u64,
    /// Chain sub-slot iterations.
    pub sub_slot_iters: u64,
    /// Index of the signage point in its sub-slot.
    pub signage_point_index: u8,
    /// Height of the full node's peak (plot filter).
    pub peak_height: u32,
    /// Height of the last transaction block (fork gating, phase-out).
    pub last_tx_height: u32,
    /// Per-plot-NFT pool difficulties.
    pub pool_difficulties: Vec<PoolDifficulty>,
}

/// One proof to send as `NewProofOfSpace`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundProof {
    /// `quality_string.hex() + absolute path`, echoed back by the farmer in `RequestSignatures`.
    pub plot_identifier: String,
    /// The proof's quality string.
    pub quality_string: [u8; 32],
    /// `ProofOfSpace.challenge`: the plot's pos challenge.
    pub pos_challenge: [u8; 32],
    /// The memo's pool public key (solo plots).
    pub pool_public_key: Option<PublicKey>,
    /// The memo's pool contract puzzle hash (plot NFT plots).
    pub pool_contract_puzzle_hash: Option<[u8; 32]>,
    /// The plot public key.
    pub plot_public_key: PublicKey,
    /// k.
    pub size: u8,
    /// The proof: 64 x values of k bits.
    pub proof: Vec<u8>,
}

/// chia's `FarmingInfo` counts plus Sickle's abandoned-lookup counters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LookupSummary {
    /// Plots that passed the filter and were looked up.
    pub passed: u32,
    /// Proofs sent.
    pub proofs: u32,
    /// Loaded plots.
    pub total_plots: u32,
    /// Lookups abandoned at the deadline, or skipped because the plot was still stuck.
    pub timed_out: u32,
    /// Lookups that failed with an error.
    pub errors: u32,
    /// Time from the start of handling to the last result.
    pub elapsed: Duration,
}

/// Why a plot's lookup gave nothing.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LookupError {
    /// Reading the plot failed.
    #[error("lookup in {path} failed: {source}")]
    Plot {
        /// The plot file.
        path: String,
        /// What failed.
        source: PlotError,
    },
    /// The plot file could not be opened for the lookup.
    #[error("cannot open {path} for a lookup: {source}")]
    Open {
        /// The plot file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A key stored for the plot does not decompress (only a tampered cache can cause this).
    #[error("plot {path} has an invalid key: {source}")]
    Key {
        /// The plot file.
        path: String,
        /// The BLS error.
        source: chia_bls::Error,
    },
    /// The signage point's numbers are unusable (e.g. sub-slot iterations not a multiple of 64).
    #[error("lookup in {path}: {source}")]
    Consensus {
        /// The plot file.
        path: String,
        /// What was wrong.
        source: ConsensusError,
    },
}

/// Limits of the lookup stage.
#[derive(Debug, Clone)]
pub struct LookupLimits {
    /// Shared by every signage point: how many plot lookups run at once (`num_threads`).
    pub concurrency: Arc<Semaphore>,
    /// How long one plot's lookup may take before it is abandoned for this signage point.
    pub deadline: Duration,
}

/// The plots that take part: v1 plots before the cut-off that pass the filter.
pub fn passing_plots(
    constants: &ConsensusConstants,
    sp: &SignagePoint,
    plots: &PlotSet,
) -> Vec<Arc<LoadedPlot>> {
    let cut_off = v1_cut_off_height(constants).unwrap_or(u64::MAX);
    if u64::from(sp.last_tx_height) >= cut_off {
        return Vec::new();
    }
    let bits = prefix_bits(constants, sp.peak_height);
    plots
        .iter()
        .filter(|plot| passes_plot_filter(bits, plot.plot_id(), &sp.challenge_hash, &sp.sp_hash))
        .cloned()
        .collect()
}

/// Plots a worker looks up together, their delta streams decoded in lockstep
/// ([`sickle_pos::qualities_for_challenges`]): about 1.3× less CPU per plot than one at a time.
/// Only plots of one directory (in practice, one disk) share a group, since a read that blocks
/// holds the whole group.
pub const LOOKUP_GROUP: usize = 4;

/// Workers a signage point starts with, per core: one computes while another waits on a read.
const INITIAL_WORKERS_PER_CORE: usize = 2;
/// With plots left to claim and no report for this long, the workers are waiting on disks, and
/// a signage point doubles them (up to `num_threads`). Plots in page cache report every few
/// hundred µs; a lookup on a spinning disk takes tens of milliseconds.
pub const GROW_AFTER: Duration = Duration::from_millis(5);

/// Starts one blocking worker on `batch`.
fn spawn_worker(
    batch: &Arc<Batch>,
    results: &mpsc::UnboundedSender<Vec<(usize, Outcome)>>,
    permit: OwnedSemaphorePermit,
) {
    let (batch, results) = (Arc::clone(batch), results.clone());
    tokio::task::spawn_blocking(move || work(&batch, &results, permit));
}

/// The CPUs lookups can use (asked once: on Linux it reads cgroup files).
fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, usize::from))
}

/// One plot's blocking lookup: qualities, eligibility, full proofs of the eligible ones.
pub fn lookup_plot(
    constants: &ConsensusConstants,
    sp: &SignagePoint,
    plot: &LoadedPlot,
) -> Result<Vec<FoundProof>, LookupError> {
    lookup_plots(constants, sp, &[plot])
        .pop()
        .unwrap_or(Ok(Vec::new()))
}

/// [`lookup_plot`] for several plots on one thread, one result per plot, in order; their quality
/// lookups run together (see [`LOOKUP_GROUP`]). An error fails only its own plot.
pub fn lookup_plots(
    constants: &ConsensusConstants,
    sp: &SignagePoint,
    plots: &[&LoadedPlot],
) -> Vec<Result<Vec<FoundProof>, LookupError>> {
    let challenges: Vec<[u8; 32]> = plots
        .iter()
        .map(|plot| pos_challenge(plot.plot_id(), &sp.challenge_hash, &sp.sp_hash))
        .collect();
    // The plot's kept handle, or one opened for this lookup.
    let mut readers: Vec<Result<PlotReader, LookupError>> = plots
        .iter()
        .map(|plot| {
            plot.open().map_err(|source| LookupError::Open {
                path: plot.path.display().to_string(),
                source,
            })
        })
        .collect();
    let queries: Vec<QualityQuery<'_, dyn ReadAt + Send + Sync>> = plots
        .iter()
        .zip(&readers)
        .zip(&challenges)
        .filter_map(|((plot, reader), challenge)| {
            Some(QualityQuery {
                layout: plot.layout(),
                reader: reader.as_ref().ok()?.as_ref(),
                challenge,
            })
        })
        .collect();
    let mut qualities = qualities_for_challenges(&queries).into_iter();
    plots
        .iter()
        .zip(readers.drain(..))
        .zip(&challenges)
        .map(|((plot, reader), challenge)| {
            let reader = reader?;
            let found = qualities
                .next()
                .unwrap_or(Ok(Vec::new()))
                .map_err(|source| LookupError::Plot {
                    path: plot.path.display().to_string(),
                    source,
                })
                .and_then(|found| {
                    proofs_for(constants, sp, plot, reader.as_ref(), challenge, &found)
                });
            if found.is_err() {
                // The next lookup opens the file afresh (a remounted disk, a replaced file).
                plot.close();
            }
            found
        })
        .collect()
}

/// Eligibility of each quality and the full proofs of the eligible ones.
fn proofs_for(
    constants: &ConsensusConstants,
    sp: &SignagePoint,
    plot: &LoadedPlot,
    reader: &(dyn ReadAt + Send + Sync),
    challenge: &[u8; 32],
    qualities: &[[u8; 32]],
) -> Result<Vec<FoundProof>, LookupError> {
    if qualities.is_empty() {
        return Ok(Vec::new());
    }
    let path = plot.path.display().to_string();
    let plot_error = |source| LookupError::Plot {
        path: path.clone(),
        source,
    };
    let consensus_error = |source| LookupError::Consensus {
        path: path.clone(),
        source,
    };
    let key_error = |source| LookupError::Key {
        path: path.clone(),
        source,
    };
    let challenge = *challenge;
    let layout = plot.layout();
    let (difficulty, sub_slot_iters) = plot
        .pool_contract_puzzle_hash()
        .and_then(|hash| {
            sp.pool_difficulties
                .iter()
                .find(|pool| pool.pool_contract_puzzle_hash == hash)
        })
        .map_or((sp.difficulty, sp.sub_slot_iters), |pool| {
            (pool.difficulty, pool.sub_slot_iters)
        });
    let interval = sp_interval_iters(constants, sub_slot_iters).map_err(consensus_error)?;
    let k = plot.k();
    let pool_contract_puzzle_hash = plot.pool_contract_puzzle_hash();
    // Decompressed once, at the first proof: most lookups find none.
    let mut keys = None;
    let mut found = Vec::new();
    for (index, quality_string) in qualities.iter().enumerate() {
        let required = calculate_iterations_quality(
            constants,
            quality_string,
            PlotSize::V1 { k },
            difficulty,
            &sp.sp_hash,
            sp.peak_height,
        )
        .map_err(consensus_error)?;
        if required >= interval {
            continue;
        }
        let proof = layout
            .full_proof(reader, &challenge, index)
            .map_err(plot_error)?;
        if is_v1_phased_out(constants, &proof, sp.last_tx_height).map_err(consensus_error)? {
            continue;
        }
        let (pool_public_key, plot_public_key) = match keys {
            Some(keys) => keys,
            None => {
                let parsed = (
                    plot.pool_public_key().map_err(key_error)?,
                    plot.plot_public_key().map_err(key_error)?,
                );
                *keys.insert(parsed)
            }
        };
        found.push(FoundProof {
            plot_identifier: format!("{}{}", hex::encode(quality_string), path),
            quality_string: *quality_string,
            pos_challenge: challenge,
            pool_public_key,
            pool_contract_puzzle_hash,
            plot_public_key,
            size: k,
            proof,
        });
    }
    Ok(found)
}

/// Clears a plot's in-flight flag when its lookup ends, however it ends.
struct InFlight(Arc<LoadedPlot>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.stats.in_flight.store(false, Ordering::Release);
    }
}

enum Outcome {
    Proofs(Vec<FoundProof>),
    Failed,
    TimedOut,
}

/// One signage point's lookups, shared by its blocking workers: each worker takes the next plot
/// until none is left or the answer is complete.
struct Batch {
    constants: Arc<ConsensusConstants>,
    sp: Arc<SignagePoint>,
    plots: Vec<Arc<LoadedPlot>>,
    next: AtomicUsize,
    /// Plots per claim: [`LOOKUP_GROUP`], fewer when there are too few plots to keep every core
    /// busy with full groups.
    group_size: usize,
    /// Set once the answer is complete (every plot reported, or the deadline passed).
    closed: AtomicBool,
}

/// A blocking worker: looks up plots on its own thread, up to [`LOOKUP_GROUP`] of one directory
/// at a time, so a lookup costs no hand-off through the async runtime; a plot that hangs holds
/// only this worker (and its group).
fn work(
    batch: &Batch,
    results: &mpsc::UnboundedSender<Vec<(usize, Outcome)>>,
    _permit: OwnedSemaphorePermit,
) {
    while !batch.closed.load(Ordering::Acquire) {
        let group = batch.claim();
        if group.is_empty() {
            return;
        }
        // One report per group: each report wakes the signage point's task.
        let mut report = Vec::with_capacity(group.len());
        let mut ready = Vec::with_capacity(group.len());
        let mut guards = Vec::with_capacity(group.len());
        for index in group {
            let plot = &batch.plots[index];
            if plot.stats.in_flight.swap(true, Ordering::AcqRel) {
                // The previous lookup of this plot is still blocked on its disk.
                PlotStats::bump(&plot.stats.timeouts);
                tracing::warn!(plot = %plot.path.display(), "plot still busy with an earlier lookup; skipped");
                report.push((index, Outcome::TimedOut));
                continue;
            }
            guards.push(InFlight(Arc::clone(plot)));
            PlotStats::bump(&plot.stats.lookups);
            ready.push(index);
        }
        let plots: Vec<&LoadedPlot> = ready.iter().map(|&i| batch.plots[i].as_ref()).collect();
        let found = lookup_plots(&batch.constants, &batch.sp, &plots);
        drop(guards);
        for (index, found) in ready.into_iter().zip(found) {
            let outcome = match found {
                Ok(found) => Outcome::Proofs(found),
                Err(error) => {
                    PlotStats::bump(&batch.plots[index].stats.errors);
                    tracing::error!(%error, "quality lookup failed");
                    Outcome::Failed
                }
            };
            report.push((index, outcome));
        }
        if results.send(report).is_err() {
            return;
        }
    }
}

impl Batch {
    /// The next plots to look up: the next unclaimed one, plus those right after it in the same
    /// directory, up to [`LOOKUP_GROUP`] (the list is sorted by path); empty when none is left.
    fn claim(&self) -> Vec<usize> {
        let first = self.next.fetch_add(1, Ordering::AcqRel);
        let Some(plot) = self.plots.get(first) else {
            return Vec::new();
        };
        let dir = plot.path.parent();
        let mut group = vec![first];
        while group.len() < self.group_size {
            let candidate = self.next.load(Ordering::Acquire);
            match self.plots.get(candidate) {
                Some(next) if next.path.parent() == dir => {}
                _ => break,
            }
            if self
                .next
                .compare_exchange(
                    candidate,
                    candidate + 1,
                    Ordering::AcqRel,
                    Ordering::Acquire,
                )
                .is_ok()
            {
                group.push(candidate);
            }
        }
        group
    }
}

/// Looks up every passing plot of `plots` for `sp`, sending each proof on `proofs` as soon as its
/// plot finishes, and returns the summary once every lookup ended or the deadline passed.
///
/// Blocking workers (permits shared with other signage points) pull plots from the list: two per
/// core at first, doubling whenever none has reported for [`GROW_AFTER`] while plots are left, up
/// to `limits.concurrency`. So plots in page cache are not spread over more threads than the
/// cores can run, and plots on slow disks still get many reads in flight. At `limits.deadline` after the start, plots not yet answered are
/// abandoned for this signage point and counted as timed out; a lookup still running then keeps
/// its plot marked busy, so later signage points skip it until its disk answers.
pub async fn answer_signage_point(
    constants: Arc<ConsensusConstants>,
    sp: Arc<SignagePoint>,
    plots: Arc<PlotSet>,
    limits: &LookupLimits,
    proofs: &mpsc::Sender<FoundProof>,
) -> LookupSummary {
    let started = Instant::now();
    let deadline = tokio::time::Instant::now() + limits.deadline;
    let passing = passing_plots(&constants, &sp, &plots);
    let total = passing.len();
    let mut summary = LookupSummary {
        passed: u32::try_from(total).unwrap_or(u32::MAX),
        total_plots: u32::try_from(plots.len()).unwrap_or(u32::MAX),
        ..LookupSummary::default()
    };
    let batch = Arc::new(Batch {
        constants,
        sp,
        group_size: (total / cores()).clamp(1, LOOKUP_GROUP),
        plots: passing,
        next: AtomicUsize::new(0),
        closed: AtomicBool::new(false),
    });
    let (results, mut reports) = mpsc::unbounded_channel();
    // Enough workers to keep every core busy; more only once they stop reporting (below). Groups
    // never mix directories, so there may be more than this (at most one per plot).
    let groups = total.div_ceil(batch.group_size);
    let mut workers = 0usize;
    let mut shutting_down = false;
    while workers < groups.min(INITIAL_WORKERS_PER_CORE * cores()) {
        let permit = match Arc::clone(&limits.concurrency).try_acquire_owned() {
            Ok(permit) => permit,
            Err(TryAcquireError::NoPermits) if workers == 0 => {
                match tokio::time::timeout_at(
                    deadline,
                    Arc::clone(&limits.concurrency).acquire_owned(),
                )
                .await
                {
                    Ok(Ok(permit)) => permit,
                    Ok(Err(_closed)) => {
                        shutting_down = true;
                        break;
                    }
                    Err(_elapsed) => break,
                }
            }
            Err(TryAcquireError::NoPermits) => break,
            Err(TryAcquireError::Closed) => {
                shutting_down = true;
                break;
            }
        };
        spawn_worker(&batch, &results, permit);
        workers += 1;
    }
    // Kept while plots are unclaimed, to start more workers; dropped after, so that workers all
    // ending with plots unanswered shows as a closed channel.
    let mut results = Some(results);

    let mut settled = vec![false; total];
    let mut remaining = if workers == 0 { 0 } else { total };
    let mut last_report = tokio::time::Instant::now();
    while remaining > 0 {
        if batch.next.load(Ordering::Acquire) >= total {
            results = None;
        }
        let wake = match &results {
            Some(_) if workers < total => deadline.min(last_report + GROW_AFTER),
            _ => deadline,
        };
        let reports = match tokio::time::timeout_at(wake, reports.recv()).await {
            Ok(Some(reports)) => reports,
            // Every worker ended with plots unanswered: a lookup panicked, or the blocking pool
            // refused work at shutdown.
            Ok(None) => break,
            Err(_elapsed) if wake < deadline => {
                // No report for GROW_AFTER with plots left: the workers wait on disks. Double
                // them, as far as the permits shared with other signage points allow.
                if let Some(results) = &results {
                    for _ in 0..workers.min(total - workers) {
                        let Ok(permit) = Arc::clone(&limits.concurrency).try_acquire_owned() else {
                            break;
                        };
                        spawn_worker(&batch, results, permit);
                        workers += 1;
                    }
                }
                last_report = tokio::time::Instant::now();
                continue;
            }
            Err(_elapsed) => break,
        };
        last_report = tokio::time::Instant::now();
        for (index, outcome) in reports {
            let Some(done) = settled.get_mut(index).filter(|done| !**done) else {
                continue;
            };
            *done = true;
            remaining -= 1;
            let took = started.elapsed();
            if took > SLOW_LOOKUP_WARNING {
                tracing::warn!(
                    plot = %batch.plots[index].path.display(),
                    seconds = took.as_secs_f64(),
                    "looking up qualities took longer than 8 seconds; lookups should stay below \
                     8 s to avoid losing rewards"
                );
            }
            match outcome {
                Outcome::Proofs(found) => {
                    for proof in found {
                        if proofs.send(proof).await.is_err() {
                            tracing::debug!("proof receiver gone; dropping proof");
                            continue;
                        }
                        summary.proofs += 1;
                    }
                }
                Outcome::Failed => summary.errors += 1,
                Outcome::TimedOut => summary.timed_out += 1,
            }
        }
    }
    batch.closed.store(true, Ordering::Release);
    if shutting_down {
        tracing::debug!("lookup semaphore closed; shutting down");
    } else {
        // Whatever is not settled now was abandoned at the deadline.
        for (plot, _) in batch.plots.iter().zip(&settled).filter(|(_, done)| !**done) {
            PlotStats::bump(&plot.stats.timeouts);
            summary.timed_out += 1;
            if plot.stats.in_flight.load(Ordering::Acquire) {
                tracing::warn!(
                    plot = %plot.path.display(),
                    deadline_ms = limits.deadline.as_millis(),
                    "plot lookup exceeded its deadline; abandoned for this signage point"
                );
            }
        }
    }
    summary.elapsed = started.elapsed();
    summary
}
