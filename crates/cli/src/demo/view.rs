//! The demo's live view: the farmer's status plus the harvesters' metrics read as totals, whose
//! differences make one line per signage point, and the simulated chain wrapped so each won block
//! can be credited to the harvester that found it.
//!
//! ```text
//! demo tick ─► Totals::read (closes the previous SP's line) ─► FarmerService::broadcast_next
//!                 ─► harvesters ─► proofs ─► farmer ─► ObservedChain::submit_block ─► view
//! ```
//!
//! Everything the view prints is a counter the services keep anyway ([`sickle_farmer::Status`],
//! [`sickle_harvester::metrics::MetricsSnapshot`]); the view never reaches into the protocol.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use sickle_farmer::{
    FarmerService, PoolDifficultyEntry, SignagePoint, SignagePointSource, SimChain, WonBlock,
};
use sickle_harvester::farmer_link::Harvester;
use sickle_pos::ConsensusConstants;
use tokio::sync::mpsc;

/// The simulated chain, announcing the blocks it takes on a bounded channel. A full channel
/// drops the announcement (the view misses one credit), never the block.
pub struct ObservedChain {
    chain: SimChain,
    blocks: mpsc::Sender<WonBlock>,
}

impl ObservedChain {
    /// Wraps `chain`.
    pub fn new(chain: SimChain, blocks: mpsc::Sender<WonBlock>) -> Self {
        Self { chain, blocks }
    }
}

impl SignagePointSource for ObservedChain {
    fn constants(&self) -> &ConsensusConstants {
        self.chain.constants()
    }

    fn interval(&self) -> Duration {
        self.chain.interval()
    }

    fn next_signage_point(&mut self) -> SignagePoint {
        self.chain.next_signage_point()
    }

    fn pool_difficulties(&self) -> Vec<PoolDifficultyEntry> {
        self.chain.pool_difficulties()
    }

    fn submit_block(&mut self, block: WonBlock) {
        if let Err(err) = self.blocks.try_send(block.clone()) {
            tracing::debug!(%err, "live view behind; block not credited");
        }
        self.chain.submit_block(block);
    }
}

/// Running totals of the farm, read from the farmer's status and every harvester's metrics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    /// Signage points the farmer took.
    pub signage_points: u64,
    /// Signage points answered, summed over harvesters.
    pub answered: u64,
    /// Plots that passed the filter, summed over harvesters and signage points.
    pub plots_passed: u64,
    /// Proofs the harvesters found and sent.
    pub proofs_found: u64,
    /// Proofs the farmer verified as valid.
    pub proofs_verified: u64,
    /// Proofs the farmer found invalid.
    pub invalid_proofs: u64,
    /// Aggregate signatures the farmer completed and verified.
    pub signatures: u64,
    /// Blocks won.
    pub blocks: u64,
    /// Pool partials signed.
    pub partials: u64,
    /// Pool partials that failed.
    pub partials_failed: u64,
    /// Time the harvesters spent answering signage points, summed, microseconds.
    pub lookup_micros: u64,
    /// Plots the farmer knows from plot sync, summed over harvesters.
    pub plots: u64,
}

impl Totals {
    /// Reads the totals now.
    pub fn read(farmer: &FarmerService, harvesters: &[Arc<Harvester>]) -> Self {
        let status = farmer.status();
        let mut totals = Self {
            signage_points: status.signage_points,
            proofs_verified: status.proofs,
            invalid_proofs: status.invalid_proofs,
            signatures: status.signatures_verified,
            blocks: status.blocks,
            partials: status.partials,
            partials_failed: status.partials_failed,
            plots: status
                .harvesters
                .iter()
                .map(|harvester| harvester.plots as u64)
                .sum(),
            ..Self::default()
        };
        for harvester in harvesters {
            let metrics = harvester.metrics.snapshot();
            totals.answered += metrics.signage_points;
            totals.plots_passed += metrics.plots_passed;
            totals.proofs_found += metrics.proofs;
            totals.lookup_micros += metrics.lookup_micros;
        }
        totals
    }

    /// What happened between `earlier` and `self` (`plots`: the larger of the two counts, so a
    /// harvester that just left still counts).
    pub fn since(&self, earlier: &Self) -> Self {
        Self {
            signage_points: self.signage_points.saturating_sub(earlier.signage_points),
            answered: self.answered.saturating_sub(earlier.answered),
            plots_passed: self.plots_passed.saturating_sub(earlier.plots_passed),
            proofs_found: self.proofs_found.saturating_sub(earlier.proofs_found),
            proofs_verified: self.proofs_verified.saturating_sub(earlier.proofs_verified),
            invalid_proofs: self.invalid_proofs.saturating_sub(earlier.invalid_proofs),
            signatures: self.signatures.saturating_sub(earlier.signatures),
            blocks: self.blocks.saturating_sub(earlier.blocks),
            partials: self.partials.saturating_sub(earlier.partials),
            partials_failed: self.partials_failed.saturating_sub(earlier.partials_failed),
            lookup_micros: self.lookup_micros.saturating_sub(earlier.lookup_micros),
            plots: self.plots.max(earlier.plots),
        }
    }

    /// Mean time to answer one signage point, milliseconds (`None` before any answer).
    pub fn mean_lookup_ms(&self) -> Option<f64> {
        (self.answered > 0).then(|| self.lookup_micros as f64 / self.answered as f64 / 1000.0)
    }
}

/// The legend printed above the signage point lines.
pub const LEGEND: &str = "\
columns: passed = plots through the filter / plots synced to the farmer (all harvesters);
         found = proofs the harvesters found (at difficulty 1 every quality is eligible);
         verified = proofs the farmer checked and took (on test networks chia's farmer takes
         at most 6 per signage point, so with several harvesters found > verified);
         signed = aggregate signatures verified (2 per block: challenge and reward chain);
         lookup = mean time a harvester took to answer the signage point";

/// One signage point's line: `number` counts from 1, `delta` is what followed it.
pub fn signage_point_line(number: u64, sp: &SignagePoint, delta: &Totals) -> String {
    let lookup = match delta.mean_lookup_ms() {
        Some(ms) => format!("{ms:.2} ms"),
        None => "-".to_owned(),
    };
    let mut line = format!(
        "sp {number:>4} (index {:>2}, height {:>5})  passed {}/{}  found {}  verified {}  \
         signed {}  blocks {}  partials {}  lookup {lookup}",
        sp.signage_point_index,
        sp.peak_height,
        delta.plots_passed,
        delta.plots,
        delta.proofs_found,
        delta.proofs_verified,
        delta.signatures,
        delta.blocks,
        delta.partials,
    );
    if delta.invalid_proofs > 0 {
        line.push_str(&format!("  INVALID {}", delta.invalid_proofs));
    }
    if delta.partials_failed > 0 {
        line.push_str(&format!("  partials failed {}", delta.partials_failed));
    }
    line
}

/// `  [blocks by harvester 1: 2, 2: 3]` when several harvesters farm, else nothing.
pub fn blocks_by_harvester(blocks: &BTreeMap<usize, u64>, harvesters: usize) -> String {
    if harvesters < 2 || blocks.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = blocks
        .iter()
        .map(|(number, count)| {
            if *number == 0 {
                format!("other: {count}")
            } else {
                format!("{number}: {count}")
            }
        })
        .collect();
    format!("  [blocks by harvester {}]", parts.join(", "))
}

/// The closing summary in words.
pub fn summary_text(totals: &Totals, harvesters: usize, seconds: f64) -> String {
    let lookup = match totals.mean_lookup_ms() {
        Some(ms) => format!("{ms:.2} ms mean over {} answers", totals.answered),
        None => "no signage point answered".to_owned(),
    };
    format!(
        "summary: {seconds:.1} s, {harvesters} harvester(s), {} signage points, {} plots passed \
         the filter, {} proofs found, {} verified ({} invalid), {} signatures aggregated, {} \
         blocks, {} partials ({} failed), lookup {lookup}",
        totals.signage_points,
        totals.plots_passed,
        totals.proofs_found,
        totals.proofs_verified,
        totals.invalid_proofs,
        totals.signatures,
        totals.blocks,
        totals.partials,
        totals.partials_failed,
    )
}

/// The closing summary as one JSON object (`--json`).
pub fn summary_json(totals: &Totals, harvesters: usize, seconds: f64) -> String {
    serde_json::json!({
        "seconds": seconds,
        "harvesters": harvesters,
        "plots_synced": totals.plots,
        "signage_points": totals.signage_points,
        "signage_points_answered": totals.answered,
        "plots_passed_filter": totals.plots_passed,
        "proofs_found": totals.proofs_found,
        "proofs_verified": totals.proofs_verified,
        "invalid_proofs": totals.invalid_proofs,
        "signatures_aggregated": totals.signatures,
        "blocks": totals.blocks,
        "partials": totals.partials,
        "partials_failed": totals.partials_failed,
        "mean_lookup_ms": totals.mean_lookup_ms(),
    })
    .to_string()
}
