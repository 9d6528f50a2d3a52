//! The harvester service: one dial loop per configured farmer, reconnecting with backoff forever,
//! each connection served by [`crate::farmer_link::serve_farmer`], and a plot refresh every
//! `interval_seconds` once a farmer sent its keys, until shutdown.

use std::sync::Arc;
use std::time::Duration;

use sickle_peer::{PeerConfig, TlsSetup, connect};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::config::FarmerPeer;
use crate::farmer_link::{Harvester, refresh_loop, serve_farmer};

/// First pause after a failed dial or a closed connection.
pub const MIN_BACKOFF: Duration = Duration::from_secs(1);
/// Longest pause between dials.
pub const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// Keeps a connection to every farmer in `farmers` until `shutdown`; returns when every
/// connection task (and its in-flight signage points) finished.
pub async fn run(
    harvester: Arc<Harvester>,
    farmers: Vec<FarmerPeer>,
    tls: TlsSetup,
    peer_config: PeerConfig,
    refresh_interval: Duration,
    shutdown: CancellationToken,
) {
    let tasks = TaskTracker::new();
    tasks.spawn(refresh_loop(
        Arc::clone(&harvester),
        refresh_interval,
        shutdown.clone(),
    ));
    for farmer in farmers {
        tasks.spawn(dial_loop(
            Arc::clone(&harvester),
            farmer,
            tls.clone(),
            peer_config.clone(),
            shutdown.clone(),
        ));
    }
    tasks.close();
    tasks.wait().await;
}

async fn dial_loop(
    harvester: Arc<Harvester>,
    farmer: FarmerPeer,
    tls: TlsSetup,
    peer_config: PeerConfig,
    shutdown: CancellationToken,
) {
    let mut backoff = MIN_BACKOFF;
    while !shutdown.is_cancelled() {
        let target = format!("{}:{}", farmer.host, farmer.port);
        let addresses = match tokio::net::lookup_host(target.as_str()).await {
            Ok(addresses) => addresses.collect::<Vec<_>>(),
            Err(error) => {
                tracing::warn!(farmer = %target, %error, "cannot resolve farmer");
                Vec::new()
            }
        };
        let mut connected = false;
        for address in addresses {
            let attempt = tokio::select! {
                () = shutdown.cancelled() => return,
                attempt = connect(address, &tls, &peer_config) => attempt,
            };
            match attempt {
                Ok(connection) => {
                    tracing::info!(farmer = %address, "connected to farmer");
                    connected = true;
                    backoff = MIN_BACKOFF;
                    serve_farmer(Arc::clone(&harvester), connection, shutdown.clone()).await;
                    tracing::info!(farmer = %address, "farmer connection ended");
                    break;
                }
                Err(error) => tracing::warn!(farmer = %address, %error, "cannot connect to farmer"),
            }
        }
        if !connected {
            backoff = (backoff * 2).min(MAX_BACKOFF);
        }
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = tokio::time::sleep(backoff) => {}
        }
    }
}
