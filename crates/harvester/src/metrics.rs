//! Prometheus text metrics (`--metrics ADDR`): plots by state, signage point lookup latency,
//! proofs found, and lookup errors and timeouts by plot directory. Served by a minimal HTTP/1.1
//! responder: `GET /metrics` answers the text format, anything else 404; one request per
//! connection, bounded in size and time.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::plot_set::PlotSet;
use crate::signage::LookupSummary;

/// Upper bounds (seconds) of the lookup latency histogram buckets.
pub const LATENCY_BUCKETS: [f64; 8] = [0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 8.0];

/// Largest request head accepted.
const MAX_REQUEST: usize = 8 * 1024;
/// How long a client may take to send its request.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);

/// The signage point counters at one moment ([`Metrics::snapshot`]); all totals since start.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MetricsSnapshot {
    /// Signage points answered.
    pub signage_points: u64,
    /// Plots that passed the plot filter, summed over the answered signage points.
    pub plots_passed: u64,
    /// Proofs sent to farmers.
    pub proofs: u64,
    /// Time spent answering signage points, summed, in microseconds.
    pub lookup_micros: u64,
}

/// Counters updated by the service.
#[derive(Debug, Default)]
pub struct Metrics {
    signage_points: AtomicU64,
    plots_passed: AtomicU64,
    proofs: AtomicU64,
    latency_buckets: [AtomicU64; LATENCY_BUCKETS.len()],
    latency_sum_micros: AtomicU64,
    failed_to_open: AtomicU64,
    keys_missing: AtomicU64,
    duplicates: AtomicU64,
}

impl Metrics {
    /// Records one answered signage point.
    pub fn record_signage_point(&self, summary: &LookupSummary) {
        self.signage_points.fetch_add(1, Ordering::Relaxed);
        self.plots_passed
            .fetch_add(u64::from(summary.passed), Ordering::Relaxed);
        self.proofs
            .fetch_add(u64::from(summary.proofs), Ordering::Relaxed);
        let micros = u64::try_from(summary.elapsed.as_micros()).unwrap_or(u64::MAX);
        self.latency_sum_micros.fetch_add(micros, Ordering::Relaxed);
        let seconds = summary.elapsed.as_secs_f64();
        for (bound, bucket) in LATENCY_BUCKETS.iter().zip(&self.latency_buckets) {
            if seconds <= *bound {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// A copy of the signage point counters, for an in-process observer (`sickle demo`'s live
    /// view) that wants numbers rather than the text exposition.
    pub fn snapshot(&self) -> MetricsSnapshot {
        let get = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        MetricsSnapshot {
            signage_points: get(&self.signage_points),
            plots_passed: get(&self.plots_passed),
            proofs: get(&self.proofs),
            lookup_micros: get(&self.latency_sum_micros),
        }
    }

    /// Records the manager's list sizes after a refresh.
    pub fn record_lists(&self, failed_to_open: usize, keys_missing: usize, duplicates: usize) {
        let set = |gauge: &AtomicU64, value: usize| {
            gauge.store(u64::try_from(value).unwrap_or(u64::MAX), Ordering::Relaxed);
        };
        set(&self.failed_to_open, failed_to_open);
        set(&self.keys_missing, keys_missing);
        set(&self.duplicates, duplicates);
    }

    /// The Prometheus text exposition of the counters and of `plots`' per-plot stats.
    pub fn render(&self, plots: &PlotSet) -> String {
        let get = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        let mut out = String::new();
        let _ = writeln!(out, "# HELP sickle_harvester_plots Plot files by state.");
        let _ = writeln!(out, "# TYPE sickle_harvester_plots gauge");
        for (state, value) in [
            ("loaded", plots.len() as u64),
            ("failed_to_open", get(&self.failed_to_open)),
            ("keys_missing", get(&self.keys_missing)),
            ("duplicate", get(&self.duplicates)),
        ] {
            let _ = writeln!(out, "sickle_harvester_plots{{state=\"{state}\"}} {value}");
        }
        let _ = writeln!(
            out,
            "# HELP sickle_harvester_proofs_total Proofs sent to farmers."
        );
        let _ = writeln!(out, "# TYPE sickle_harvester_proofs_total counter");
        let _ = writeln!(out, "sickle_harvester_proofs_total {}", get(&self.proofs));
        let _ = writeln!(
            out,
            "# HELP sickle_harvester_lookup_seconds Time to answer a signage point."
        );
        let _ = writeln!(out, "# TYPE sickle_harvester_lookup_seconds histogram");
        for (bound, bucket) in LATENCY_BUCKETS.iter().zip(&self.latency_buckets) {
            let _ = writeln!(
                out,
                "sickle_harvester_lookup_seconds_bucket{{le=\"{bound}\"}} {}",
                get(bucket)
            );
        }
        let count = get(&self.signage_points);
        let _ = writeln!(
            out,
            "sickle_harvester_lookup_seconds_bucket{{le=\"+Inf\"}} {count}"
        );
        let sum = get(&self.latency_sum_micros) as f64 / 1e6;
        let _ = writeln!(out, "sickle_harvester_lookup_seconds_sum {sum}");
        let _ = writeln!(out, "sickle_harvester_lookup_seconds_count {count}");

        let mut by_directory: BTreeMap<String, (u64, u64)> = BTreeMap::new();
        for plot in plots {
            let directory = plot
                .path
                .parent()
                .map(|dir| dir.display().to_string())
                .unwrap_or_default();
            let entry = by_directory.entry(directory).or_default();
            entry.0 += u64::from(plot.stats.errors.load(Ordering::Relaxed));
            entry.1 += u64::from(plot.stats.timeouts.load(Ordering::Relaxed));
        }
        for (name, help, pick) in [
            ("lookup_errors_total", "Plot lookups that failed.", 0),
            (
                "lookup_timeouts_total",
                "Plot lookups abandoned at their deadline.",
                1,
            ),
        ] {
            let _ = writeln!(out, "# HELP sickle_harvester_{name} {help}");
            let _ = writeln!(out, "# TYPE sickle_harvester_{name} counter");
            for (directory, counts) in &by_directory {
                let value = if pick == 0 { counts.0 } else { counts.1 };
                let directory = directory.replace('\\', "\\\\").replace('"', "\\\"");
                let _ = writeln!(
                    out,
                    "sickle_harvester_{name}{{directory=\"{directory}\"}} {value}"
                );
            }
        }
        out
    }
}

/// Serves `GET /metrics` on `listener` until `shutdown`; `render` builds the body per request.
pub async fn serve_metrics(
    listener: TcpListener,
    render: Arc<dyn Fn() -> String + Send + Sync>,
    shutdown: CancellationToken,
) {
    let tasks = TaskTracker::new();
    loop {
        let accepted = tokio::select! {
            () = shutdown.cancelled() => break,
            accepted = listener.accept() => accepted,
        };
        match accepted {
            Ok((stream, _)) => {
                let render = Arc::clone(&render);
                tasks.spawn(async move {
                    if let Err(error) = answer(stream, render).await {
                        tracing::debug!(%error, "metrics request failed");
                    }
                });
            }
            Err(error) => {
                tracing::warn!(%error, "metrics accept failed");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
    tasks.close();
    tasks.wait().await;
}

async fn answer(
    mut stream: TcpStream,
    render: Arc<dyn Fn() -> String + Send + Sync>,
) -> std::io::Result<()> {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    let read = async {
        while !head.windows(4).any(|window| window == b"\r\n\r\n") {
            let n = stream.read(&mut buf).await?;
            if n == 0 || head.len() + n > MAX_REQUEST {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    "incomplete or oversized request",
                ));
            }
            head.extend_from_slice(buf.get(..n).unwrap_or_default());
        }
        Ok(())
    };
    tokio::time::timeout(REQUEST_TIMEOUT, read)
        .await
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "request too slow"))??;
    let is_metrics = head.starts_with(b"GET /metrics ") || head.starts_with(b"GET /metrics?");
    let (status, content_type, body) = if is_metrics {
        ("200 OK", "text/plain; version=0.0.4", render())
    } else {
        ("404 Not Found", "text/plain", "not found\n".to_owned())
    };
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(response.as_bytes()).await?;
    stream.shutdown().await
}
