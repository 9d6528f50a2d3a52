//! The typed layer over an in-memory pair: `sickle-protocol` payloads sent, requested and
//! answered by type, and the strict harvester-link payload check.

#![allow(clippy::unwrap_used)]

use sickle_peer::handshake::node_type;
use sickle_peer::{
    CloseReason, Connection, PeerConfig, PeerError, PeerEvent, harvester_link_check, pair,
};
use sickle_protocol::{
    ChiaProtocolMessage, FarmingInfo, HarvesterHandshake, HarvesterMessage, RequestPlots,
    RespondPlots2, decode,
};
use sickle_streamable::{Bytes32, Streamable};

fn harvester() -> PeerConfig {
    PeerConfig::new("testnet11", node_type::HARVESTER, 0)
}

fn farmer() -> PeerConfig {
    let mut config = PeerConfig::new("testnet11", node_type::FARMER, 8447);
    config.keepalive = None;
    config.payload_check = Some(harvester_link_check);
    config
}

fn farming_info() -> FarmingInfo {
    FarmingInfo {
        challenge_hash: Bytes32::new([0x11; 32]),
        sp_hash: Bytes32::new([0x22; 32]),
        timestamp: 1_700_000_000,
        passed: 3,
        proofs: 0,
        total_plots: 1000,
        lookup_time: 12345,
    }
}

async fn next(conn: &mut Connection) -> PeerEvent {
    conn.events.recv().await.unwrap()
}

#[tokio::test(start_paused = true)]
async fn typed_send_and_request_round_trip() {
    let (mut harvester, mut farmer) = pair(&harvester(), &farmer()).await.unwrap();

    let handshake = HarvesterHandshake {
        farmer_public_keys: vec![],
        pool_public_keys: vec![],
    };
    farmer.peer.send_msg(&handshake).await.unwrap();
    let PeerEvent::Message(msg) = next(&mut harvester).await else {
        panic!()
    };
    assert_eq!(msg.msg_type, HarvesterHandshake::MSG_TYPE.id());
    assert_eq!(
        HarvesterHandshake::from_bytes(&msg.data).unwrap(),
        handshake
    );

    // request_plots -> respond_plots2 with the same id, decoded by type.
    let request = tokio::spawn({
        let peer = farmer.peer.clone();
        async move {
            peer.request_msg::<RequestPlots, RespondPlots2>(&RequestPlots)
                .await
        }
    });
    let PeerEvent::Message(asked) = next(&mut harvester).await else {
        panic!()
    };
    assert_eq!(
        (asked.msg_type, asked.id),
        (RequestPlots::MSG_TYPE.id(), Some(32768))
    );
    let answer = RespondPlots2 {
        plots: vec![],
        failed_to_open_filenames: vec!["/plots/bad.plot".into()],
        no_key_filenames: vec![],
    };
    harvester.peer.respond_msg(&asked, &answer).await.unwrap();
    assert_eq!(request.await.unwrap().unwrap(), answer);

    // Answered with the wrong type: a typed error, and the link stays up.
    let request = tokio::spawn({
        let peer = farmer.peer.clone();
        async move {
            peer.request_msg::<RequestPlots, RespondPlots2>(&RequestPlots)
                .await
        }
    });
    let PeerEvent::Message(asked) = next(&mut harvester).await else {
        panic!()
    };
    harvester
        .peer
        .respond_msg(&asked, &farming_info())
        .await
        .unwrap();
    let err = request.await.unwrap().unwrap_err();
    assert!(
        matches!(
            err,
            PeerError::UnexpectedResponse {
                expected: 113,
                got: 12
            }
        ),
        "{err:?}"
    );

    harvester.peer.send_msg(&farming_info()).await.unwrap();
    let PeerEvent::Message(msg) = next(&mut farmer).await else {
        panic!()
    };
    let version = sickle_protocol::ProtocolVersion::new(0, 0, 38);
    assert_eq!(
        decode(msg.msg_type, &version, &msg.data).unwrap(),
        HarvesterMessage::FarmingInfo(farming_info())
    );
}

#[tokio::test(start_paused = true)]
async fn strict_check_closes_on_a_payload_chia_would_reject() {
    let (mut harvester, mut farmer) = pair(&harvester(), &farmer()).await.unwrap();
    harvester.peer.send_msg(&farming_info()).await.unwrap();
    assert!(matches!(next(&mut farmer).await, PeerEvent::Message(_)));
    // farming_info with one byte too many: chia's strict decode fails, so the farmer closes "1".
    let mut bytes = farming_info().to_bytes();
    bytes.push(0);
    harvester.peer.notify(12, bytes).await.unwrap();
    let PeerEvent::Closed(CloseReason::Protocol {
        code,
        reason,
        detail,
    }) = next(&mut farmer).await
    else {
        panic!("expected a protocol close")
    };
    assert_eq!((code, reason), (1002, "1"));
    assert!(detail.contains("type 12"), "{detail}");
    assert_eq!(
        next(&mut harvester).await,
        PeerEvent::Closed(CloseReason::Remote {
            code: 1002,
            reason: "1".into()
        })
    );
}

#[test]
fn check_passes_other_links_and_rejects_junk() {
    let v = "0.0.38".parse::<sickle_peer::ProtocolVersion>().unwrap();
    // new_signage_point (8) belongs to the full-node link: not judged here.
    assert!(harvester_link_check(8, &v, &[1, 2, 3]).is_ok());
    assert!(harvester_link_check(12, &v, &farming_info().to_bytes()).is_ok());
    assert!(harvester_link_check(12, &v, &[0; 3]).is_err());
    assert!(harvester_link_check(200, &v, &[]).is_err());
}
