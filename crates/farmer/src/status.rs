//! The status page: `GET /status` (JSON), `GET /plots` (plot ids per harvester, JSON) and
//! `GET /metrics` (Prometheus text) on one small HTTP/1.1 listener. One request per connection,
//! bounded in size and time.

use std::fmt::Write as _;
use std::time::Duration;

use serde::Serialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::service::FarmerService;

/// Largest request head read (request line and headers).
pub const MAX_REQUEST_HEAD: usize = 8 * 1024;
/// Time a client has to send its request.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);
/// Status connections served at once; more wait in the kernel's backlog.
pub const MAX_STATUS_CONNECTIONS: usize = 64;

/// One harvester on the status page.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct HarvesterStatus {
    /// Node id (hex of the certificate hash).
    pub node_id: String,
    /// Remote address.
    pub host: String,
    /// Protocol version it announced.
    pub version: String,
    /// Plots of its last completed plot sync.
    pub plots: usize,
    /// Failed-to-open plots.
    pub failed: usize,
    /// Plots whose keys the farmer does not have.
    pub no_key: usize,
    /// Duplicates the harvester reported.
    pub duplicates: usize,
    /// Its plots that another connected harvester also has (same plot id).
    pub duplicates_across_harvesters: usize,
    /// Σ file sizes of its plots, bytes.
    pub total_plot_size: u64,
    /// Valid proofs it sent.
    pub proofs: u64,
    /// Invalid proofs and undecodable or refused messages it sent.
    pub invalid_proofs: u64,
    /// Unix seconds of its last message.
    pub last_seen: u64,
    /// Unix seconds its last plot sync completed.
    pub last_sync_time: Option<u64>,
    /// A plot sync is in progress.
    pub syncing: bool,
    /// `passed` of its last `FarmingInfo`.
    pub last_farming_info_passed: Option<u32>,
}

/// The farmer's status.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Status {
    /// Network id.
    pub network: String,
    /// Signage points taken.
    pub signage_points: u64,
    /// Valid proofs received.
    pub proofs: u64,
    /// Invalid proofs received.
    pub invalid_proofs: u64,
    /// Aggregate signatures checked.
    pub signatures_verified: u64,
    /// Blocks won.
    pub blocks: u64,
    /// Valid pool partials (self-pooled, or signed and recorded).
    pub partials: u64,
    /// Partials that could not be made.
    pub partials_failed: u64,
    /// Connected harvesters.
    pub harvesters: Vec<HarvesterStatus>,
}

impl Status {
    /// The JSON body of `/status`.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|err| format!("{{\"error\":\"{err}\"}}"))
    }

    /// The Prometheus text body of `/metrics`.
    pub fn to_prometheus(&self) -> String {
        let mut out = String::new();
        let counters = [
            (
                "signage_points",
                "Signage points taken",
                self.signage_points,
            ),
            ("proofs", "Valid proofs received", self.proofs),
            (
                "invalid_proofs",
                "Invalid proofs received",
                self.invalid_proofs,
            ),
            (
                "signatures_verified",
                "Aggregate signatures verified",
                self.signatures_verified,
            ),
            ("blocks", "Blocks won", self.blocks),
            ("partials", "Valid pool partials", self.partials),
            (
                "partials_failed",
                "Pool partials that failed",
                self.partials_failed,
            ),
        ];
        for (name, help, value) in counters {
            let _ = writeln!(out, "# HELP sickle_farmer_{name}_total {help}.");
            let _ = writeln!(out, "# TYPE sickle_farmer_{name}_total counter");
            let _ = writeln!(out, "sickle_farmer_{name}_total {value}");
        }
        let _ = writeln!(out, "# HELP sickle_farmer_harvesters Connected harvesters.");
        let _ = writeln!(out, "# TYPE sickle_farmer_harvesters gauge");
        let _ = writeln!(out, "sickle_farmer_harvesters {}", self.harvesters.len());
        let _ = writeln!(
            out,
            "# HELP sickle_farmer_harvester_plots Plots per harvester."
        );
        let _ = writeln!(out, "# TYPE sickle_farmer_harvester_plots gauge");
        for harvester in &self.harvesters {
            let _ = writeln!(
                out,
                "sickle_farmer_harvester_plots{{node_id=\"{}\"}} {}",
                harvester.node_id, harvester.plots
            );
        }
        out
    }
}

/// Serves `/status` and `/metrics` for `service` until `shutdown`.
pub async fn serve_status(
    listener: TcpListener,
    service: FarmerService,
    shutdown: CancellationToken,
) {
    let tracker = TaskTracker::new();
    let limit = std::sync::Arc::new(tokio::sync::Semaphore::new(MAX_STATUS_CONNECTIONS));
    loop {
        let permit = tokio::select! {
            _ = shutdown.cancelled() => break,
            permit = limit.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
        };
        let stream = tokio::select! {
            _ = shutdown.cancelled() => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(err) => {
                    tracing::warn!(%err, "status accept failed");
                    continue;
                }
            },
        };
        let service = service.clone();
        tracker.spawn(async move {
            if let Err(err) = answer(stream, &service).await {
                tracing::debug!(%err, "status request failed");
            }
            drop(permit);
        });
    }
    tracker.close();
    tracker.wait().await;
}

async fn answer(mut stream: TcpStream, service: &FarmerService) -> std::io::Result<()> {
    let mut head = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    let read_head = async {
        while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < MAX_REQUEST_HEAD {
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                break;
            }
            head.extend_from_slice(chunk.get(..n).unwrap_or_default());
        }
        Ok::<_, std::io::Error>(())
    };
    if tokio::time::timeout(REQUEST_TIMEOUT, read_head)
        .await
        .is_err()
    {
        return respond(
            &mut stream,
            "408 Request Timeout",
            "text/plain",
            "timeout\n",
        )
        .await;
    }
    let line = head.split(|&b| b == b'\r').next().unwrap_or_default();
    let line = String::from_utf8_lossy(line);
    let mut parts = line.split(' ');
    let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    if method != "GET" {
        return respond(
            &mut stream,
            "405 Method Not Allowed",
            "text/plain",
            "GET only\n",
        )
        .await;
    }
    match path {
        "/status" => {
            let body = service.status().to_json();
            respond(&mut stream, "200 OK", "application/json", &body).await
        }
        "/plots" => {
            let body = serde_json::to_string_pretty(&service.plot_ids())
                .unwrap_or_else(|err| format!("{{\"error\":\"{err}\"}}"));
            respond(&mut stream, "200 OK", "application/json", &body).await
        }
        "/metrics" => {
            let body = service.status().to_prometheus();
            respond(&mut stream, "200 OK", "text/plain; version=0.0.4", &body).await
        }
        _ => respond(&mut stream, "404 Not Found", "text/plain", "not found\n").await,
    }
}

async fn respond(
    stream: &mut TcpStream,
    status: &str,
    content_type: &str,
    body: &str,
) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body.as_bytes()).await?;
    stream.shutdown().await
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn status() -> Status {
        Status {
            network: "sim".into(),
            signage_points: 64,
            proofs: 3,
            invalid_proofs: 1,
            signatures_verified: 4,
            blocks: 2,
            partials: 1,
            partials_failed: 0,
            harvesters: vec![HarvesterStatus {
                node_id: "ab".into(),
                host: "127.0.0.1:5000".into(),
                version: "0.0.38".into(),
                plots: 7,
                failed: 1,
                no_key: 0,
                duplicates: 0,
                duplicates_across_harvesters: 0,
                total_plot_size: 100,
                proofs: 3,
                invalid_proofs: 1,
                last_seen: 1_700_000_000,
                last_sync_time: Some(1_699_999_999),
                syncing: false,
                last_farming_info_passed: Some(2),
            }],
        }
    }

    #[test]
    fn json_has_the_issue_fields() {
        let json: serde_json::Value = serde_json::from_str(&status().to_json()).unwrap();
        for field in [
            "network",
            "signage_points",
            "proofs",
            "invalid_proofs",
            "signatures_verified",
            "blocks",
            "partials",
        ] {
            assert!(!json[field].is_null(), "{field}");
        }
        let harvester = &json["harvesters"][0];
        for field in [
            "node_id",
            "host",
            "version",
            "plots",
            "failed",
            "no_key",
            "duplicates",
            "proofs",
            "invalid_proofs",
            "last_seen",
        ] {
            assert!(!harvester[field].is_null(), "{field}");
        }
        assert_eq!(harvester["plots"], 7);
    }

    #[test]
    fn prometheus_text() {
        let text = status().to_prometheus();
        assert!(
            text.contains(
                "# TYPE sickle_farmer_blocks_total counter\nsickle_farmer_blocks_total 2\n"
            )
        );
        assert!(text.contains("sickle_farmer_harvesters 1\n"));
        assert!(text.contains("sickle_farmer_harvester_plots{node_id=\"ab\"} 7\n"));
        assert!(text.contains("sickle_farmer_invalid_proofs_total 1\n"));
    }
}
