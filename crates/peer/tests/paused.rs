//! Timing behaviour under `tokio::time::pause()`, over an in-memory [`sickle_peer::pair`]: virtual
//! minutes pass instantly and deterministically.

#![allow(clippy::unwrap_used)]

use sickle_peer::handshake::node_type;
use sickle_peer::{CloseReason, Connection, PeerConfig, PeerError, PeerEvent, pair};
use std::time::Duration;
use tokio::time::Instant;

fn harvester() -> PeerConfig {
    PeerConfig::new("testnet11", node_type::HARVESTER, 0)
}

fn farmer() -> PeerConfig {
    let mut config = PeerConfig::new("testnet11", node_type::FARMER, 8447);
    config.keepalive = None;
    config
}

async fn message(conn: &mut Connection) -> sickle_peer::Message {
    match conn.events.recv().await {
        Some(PeerEvent::Message(msg)) => msg,
        other => panic!("expected a message, got {other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn pair_handshakes_like_the_network_path() {
    let (harvester, farmer) = pair(&harvester(), &farmer()).await.unwrap();
    assert_eq!(harvester.peer.info().node_type(), node_type::FARMER);
    assert_eq!(harvester.peer.info().handshake.server_port, 8447);
    assert_eq!(farmer.peer.info().node_type(), node_type::HARVESTER);
    assert_eq!(farmer.peer.protocol_version().to_string(), "0.0.38");
    assert!(harvester.peer.info().outbound && !farmer.peer.info().outbound);
}

#[tokio::test(start_paused = true)]
async fn outbound_over_the_limit_waits_for_the_next_window() {
    let mut remote = harvester();
    remote.exempt_loopback = false; // chia's 30 % outbound: 30 new_proof_of_space per minute
    let (harvester, mut farmer) = pair(&remote, &farmer()).await.unwrap();
    let started = Instant::now();
    for _ in 0..31 {
        harvester.peer.notify(5, vec![0u8; 100]).await.unwrap();
    }
    for _ in 0..30 {
        assert_eq!(message(&mut farmer).await.msg_type, 5);
    }
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(message(&mut farmer).await.msg_type, 5);
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_secs(60) && waited < Duration::from_secs(62),
        "31st message sent after {waited:?}, expected at the next minute"
    );
}

#[tokio::test(start_paused = true)]
async fn silent_peer_fails_the_keepalive_after_60_plus_30_seconds() {
    // The farmer's reader stalls: its one-slot event queue is full and nobody drains it, so it
    // stops reading frames and never answers the harvester's ping.
    let mut stalled = farmer();
    stalled.event_capacity = 1;
    let (mut harvester, _farmer) = pair(&harvester(), &stalled).await.unwrap();
    for _ in 0..3 {
        harvester.peer.notify(12, vec![0u8; 8]).await.unwrap();
    }
    let started = Instant::now();
    assert_eq!(
        harvester.events.recv().await,
        Some(PeerEvent::Closed(CloseReason::KeepaliveTimeout))
    );
    let after = started.elapsed();
    assert!(
        after >= Duration::from_secs(90) && after < Duration::from_secs(91),
        "closed after {after:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn requests_time_out_after_chias_60_seconds() {
    let (mut harvester, farmer) = pair(&harvester(), &farmer()).await.unwrap();
    let started = Instant::now();
    let request = tokio::spawn({
        let peer = farmer.peer.clone();
        async move { peer.request(6, vec![1]).await }
    });
    let asked = message(&mut harvester).await;
    assert_eq!(asked.id, Some(32768));
    let err = request.await.unwrap().unwrap_err();
    assert!(
        matches!(err, PeerError::RequestTimeout { id: 32768, .. }),
        "{err:?}"
    );
    assert_eq!(started.elapsed(), Duration::from_secs(60));
    // The pending entry is gone: the next request uses a fresh id.
    let request = tokio::spawn({
        let peer = farmer.peer.clone();
        async move { peer.request(6, vec![2]).await }
    });
    let asked = message(&mut harvester).await;
    assert_eq!(asked.id, Some(32769));
    harvester.peer.respond(&asked, 7, vec![3]).await.unwrap();
    assert_eq!(request.await.unwrap().unwrap().data.as_ref(), &[3]);
}

#[tokio::test(start_paused = true)]
async fn dropping_a_request_future_frees_its_id() {
    let (mut harvester, farmer) = pair(&harvester(), &farmer()).await.unwrap();
    let abandoned = tokio::spawn({
        let peer = farmer.peer.clone();
        async move { peer.request(6, vec![1]).await }
    });
    let first = message(&mut harvester).await;
    abandoned.abort();
    assert!(abandoned.await.unwrap_err().is_cancelled());
    // Answering the abandoned request now delivers it as an ordinary message, not to a waiter.
    harvester.peer.respond(&first, 7, vec![9]).await.unwrap();
    let mut farmer = farmer;
    let stray = message(&mut farmer).await;
    assert_eq!((stray.msg_type, stray.id), (7, first.id));
}

#[tokio::test(start_paused = true)]
async fn close_finishes_while_the_consumer_is_not_reading() {
    let mut small = farmer();
    small.event_capacity = 1;
    let (mut harvester, mut farmer) = pair(&harvester(), &small).await.unwrap();
    for _ in 0..3 {
        harvester.peer.notify(12, vec![0u8; 8]).await.unwrap();
    }
    // Let the farmer's task fill its queue and pause reading, then close without draining.
    tokio::time::sleep(Duration::from_millis(10)).await;
    farmer.peer.close();
    let limit = Duration::from_secs(30);
    let mut last = None;
    while let Some(event) = tokio::time::timeout(limit, farmer.events.recv())
        .await
        .unwrap()
    {
        last = Some(event);
    }
    assert_eq!(last, Some(PeerEvent::Closed(CloseReason::Local)));
    assert!(matches!(
        tokio::time::timeout(limit, harvester.events.recv())
            .await
            .unwrap(),
        Some(PeerEvent::Closed(CloseReason::Remote { code: 1000, .. }))
    ));
}

#[tokio::test(start_paused = true)]
async fn a_slow_consumer_is_not_mistaken_for_a_dead_peer() {
    // The harvester's own consumer is slow (one-slot queue, not drained for five minutes): its
    // reading pauses, but the keepalive must not blame the farmer for the silence.
    let mut slow = harvester();
    slow.event_capacity = 1;
    let (mut harvester, farmer) = pair(&slow, &farmer()).await.unwrap();
    for _ in 0..3 {
        farmer.peer.notify(66, vec![0u8; 8]).await.unwrap();
    }
    tokio::time::sleep(Duration::from_secs(300)).await;
    for _ in 0..3 {
        assert_eq!(message(&mut harvester).await.msg_type, 66);
    }
    assert!(!harvester.peer.is_closed());
    // The link still works both ways.
    harvester.peer.notify(12, vec![0u8; 8]).await.unwrap();
    let mut farmer = farmer;
    assert_eq!(message(&mut farmer).await.msg_type, 12);
}
