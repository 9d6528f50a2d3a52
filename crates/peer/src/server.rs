//! The listener: accept loop, connection limit, per-connection handshake tasks, graceful shutdown
//! (the shape of mini-redis' `server.rs`).
//!
//! A semaphore permit is taken *before* `accept`, so at most `max_connections` connections (in
//! handshake or running) exist at once. Each accepted socket gets its own task for TLS, WebSocket
//! and the chia handshake, under the handshake timeout; the accept loop never waits on a peer.
//! Shutdown cancels every connection (they close with 1000) and waits for their tasks.

use crate::config::PeerConfig;
use crate::establish::{Connection, accept};
use crate::tls::TlsSetup;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, mpsc};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

/// Listener settings.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Settings for every accepted connection.
    pub peer: PeerConfig,
    /// Most connections alive at once, including those still in their handshake.
    pub max_connections: usize,
}

/// Longest pause after a failing `accept` (e.g. out of file descriptors).
const MAX_ACCEPT_BACKOFF: Duration = Duration::from_secs(1);

/// Accepts connections until `shutdown` is cancelled (or the `accepted` receiver is dropped),
/// handing every connection that completed the chia handshake to `accepted`. Returns once every
/// connection task has finished; on return every connection has been closed.
pub async fn serve(
    listener: TcpListener,
    tls: TlsSetup,
    config: ServerConfig,
    accepted: mpsc::Sender<Connection>,
    shutdown: CancellationToken,
) {
    let limit = Arc::new(Semaphore::new(config.max_connections.max(1)));
    let tracker = TaskTracker::new();
    let peer_config = Arc::new(config.peer);
    let mut backoff = Duration::from_millis(10);
    loop {
        let permit = tokio::select! {
            _ = shutdown.cancelled() => break,
            _ = accepted.closed() => {
                tracing::info!("nobody takes new connections; stopping the listener");
                break;
            }
            permit = limit.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
        };
        let (tcp, addr) = tokio::select! {
            _ = shutdown.cancelled() => break,
            result = listener.accept() => match result {
                Ok(pair) => {
                    backoff = Duration::from_millis(10);
                    pair
                }
                Err(err) => {
                    tracing::warn!(%err, ?backoff, "accept failed");
                    tokio::select! {
                        _ = shutdown.cancelled() => break,
                        _ = tokio::time::sleep(backoff) => {}
                    }
                    backoff = (backoff * 2).min(MAX_ACCEPT_BACKOFF);
                    continue;
                }
            },
        };
        let tls = tls.clone();
        let peer_config = peer_config.clone();
        let accepted = accepted.clone();
        let cancel = shutdown.child_token();
        let tracker_inner = tracker.clone();
        tracker.spawn(async move {
            let limit = peer_config.handshake_timeout;
            let handshake = accept(tcp, addr, &tls, &peer_config, cancel);
            let (peer, events, task) = match tokio::time::timeout(limit, handshake).await {
                Ok(Ok(parts)) => parts,
                Ok(Err(err)) => {
                    tracing::info!(%addr, %err, "inbound connection refused");
                    return;
                }
                Err(_) => {
                    tracing::info!(%addr, ?limit, "inbound handshake timed out");
                    return;
                }
            };
            // The permit lives as long as the connection task.
            tracker_inner.spawn(async move {
                task.run().await;
                drop(permit);
            });
            if accepted
                .send(Connection {
                    peer: peer.clone(),
                    events,
                })
                .await
                .is_err()
            {
                tracing::info!(%addr, "nobody takes new connections; closing");
                peer.close();
            }
        });
    }
    tracker.close();
    shutdown.cancel();
    tracker.wait().await;
}
