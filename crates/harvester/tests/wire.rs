//! The core's values become sickle-protocol messages that decode back to the same fields.
#![allow(clippy::unwrap_used)]

use sickle_harvester::plot_sync::{
    SyncIdentifier, SyncMessage, SyncMessageType, SyncPayload, SyncedPlot,
};
use sickle_harvester::signage::{FoundProof, LookupSummary, SignagePoint};
use sickle_harvester::signing::SignedMessages;
use sickle_harvester::wire;
use sickle_pos::keys::{master_sk_from_seed, sign_with_plot_key};
use sickle_protocol::{
    NewProofOfSpace, PlotSyncDone, PlotSyncError, PlotSyncIdentifier, PlotSyncPathList,
    PlotSyncPlotList, PlotSyncPlotList2, PlotSyncResponse, PlotSyncStart, ProofOfSpaceVersion,
    RequestSignatures,
};
use sickle_streamable::Streamable;

fn sp() -> SignagePoint {
    SignagePoint {
        challenge_hash: [1; 32],
        sp_hash: [2; 32],
        difficulty: 5,
        sub_slot_iters: 64 << 20,
        signage_point_index: 9,
        peak_height: 10,
        last_tx_height: 9,
        pool_difficulties: Vec::new(),
    }
}

#[test]
fn proofs_and_farming_info() {
    let key = master_sk_from_seed(&[3; 32]).unwrap().public_key();
    let found = FoundProof {
        plot_identifier: format!("{}/plots/a.plot", "ab".repeat(32)),
        quality_string: [0xab; 32],
        pos_challenge: [4; 32],
        pool_public_key: None,
        pool_contract_puzzle_hash: Some([5; 32]),
        plot_public_key: key,
        size: 18,
        proof: vec![6; 144],
    };
    let message = wire::new_proof_of_space(&sp(), found.clone());
    let decoded = NewProofOfSpace::from_bytes(&message.to_bytes()).unwrap();
    assert_eq!(decoded, message);
    assert_eq!(decoded.plot_identifier, found.plot_identifier);
    assert_eq!(decoded.signage_point_index, 9);
    assert_eq!(decoded.proof.version, ProofOfSpaceVersion::V1);
    assert_eq!(decoded.proof.size, 18);
    assert_eq!(<[u8; 32]>::from(decoded.proof.challenge), [4; 32]);
    assert_eq!(decoded.proof.proof.0, vec![6; 144]);
    assert!(!decoded.include_source_signature_data && decoded.fee_info.is_none());

    let summary = LookupSummary {
        passed: 3,
        proofs: 1,
        total_plots: 7,
        elapsed: std::time::Duration::from_micros(1234),
        ..LookupSummary::default()
    };
    let info = wire::farming_info(&sp(), &summary, 1_700_000_000);
    assert_eq!(
        (
            info.passed,
            info.proofs,
            info.total_plots,
            info.lookup_time,
            info.timestamp
        ),
        (3, 1, 7, 1234, 1_700_000_000)
    );
}

#[test]
fn signatures_echo_the_request() {
    let sk = master_sk_from_seed(&[8; 32]).unwrap();
    let request = RequestSignatures {
        plot_identifier: "id".into(),
        challenge_hash: [1; 32].into(),
        sp_hash: [2; 32].into(),
        messages: vec![[3; 32].into(), [4; 32].into()],
        message_data: None,
        rc_block_unfinished: None,
    };
    let messages = wire::messages_to_sign(&request);
    assert_eq!(messages, vec![[3; 32], [4; 32]]);
    let signed = SignedMessages {
        local_pk: sk.public_key(),
        farmer_pk: sk.public_key(),
        message_signatures: messages
            .iter()
            .map(|m| (*m, sign_with_plot_key(&sk, m, &sk.public_key())))
            .collect(),
    };
    let response = wire::respond_signatures(&request, signed.clone());
    assert_eq!(response.plot_identifier, "id");
    assert_eq!(response.challenge_hash, request.challenge_hash);
    assert_eq!(response.sp_hash, request.sp_hash);
    assert_eq!(response.message_signatures.len(), 2);
    assert_eq!(response.message_signatures[1].0, request.messages[1]);
    assert_eq!(
        response.message_signatures[1].1,
        signed.message_signatures[1].1
    );
}

#[test]
fn plot_sync_messages_decode_as_chias_types() {
    let key = master_sk_from_seed(&[9; 32]).unwrap().public_key();
    let id = SyncIdentifier {
        timestamp: 11,
        sync_id: 12,
        message_id: 13,
    };
    let wire_id = PlotSyncIdentifier {
        timestamp: 11,
        sync_id: 12,
        message_id: 13,
    };
    let entry = SyncedPlot {
        filename: "/plots/a.plot".into(),
        size: 18,
        plot_id: [7; 32],
        pool_public_key: Some(key.to_bytes()),
        pool_contract_puzzle_hash: None,
        plot_public_key: key.to_bytes(),
        file_size: 99,
        time_modified: 100,
        compression_level: Some(0),
    };
    let send = |message_type, payload| {
        wire::sync_message_bytes(SyncMessage {
            message_type,
            identifier: id,
            payload,
        })
    };

    let (kind, bytes) = send(
        SyncMessageType::Start,
        SyncPayload::Start {
            initial: true,
            last_sync_id: 5,
            plot_file_count: 2,
            harvesting_mode: 1,
        },
    );
    assert_eq!(kind, 78);
    let start = PlotSyncStart::from_bytes(&bytes).unwrap();
    assert_eq!(start.identifier, wire_id);
    assert!(start.initial);
    assert_eq!(
        (
            start.last_sync_id,
            start.plot_file_count,
            start.harvesting_mode
        ),
        (5, 2, 1)
    );

    let plots = SyncPayload::Plots {
        plots: vec![entry.clone()],
        last: true,
    };
    let (kind, bytes) = send(SyncMessageType::Loaded2, plots.clone());
    assert_eq!(kind, 112);
    let loaded2 = PlotSyncPlotList2::from_bytes(&bytes).unwrap();
    assert!(loaded2.r#final);
    assert_eq!(loaded2.data[0].filename, "/plots/a.plot");
    assert_eq!(
        (loaded2.data[0].plot_index, loaded2.data[0].meta_group),
        (0, 0)
    );
    let (kind, bytes) = send(SyncMessageType::Loaded, plots);
    assert_eq!(kind, 79);
    let loaded = PlotSyncPlotList::from_bytes(&bytes).unwrap();
    assert_eq!(loaded.data[0].file_size, 99);
    assert_eq!(loaded.data[0].compression_level, Some(0));
    assert_eq!(loaded.data[0].plot_public_key, key);
    assert_eq!(loaded.data[0].pool_public_key, Some(key));

    // A stored key that does not decompress leaves its plot out instead of failing the message.
    let mut broken = entry.clone();
    broken.plot_public_key = [0xff; 48];
    let (_, bytes) = send(
        SyncMessageType::Loaded2,
        SyncPayload::Plots {
            plots: vec![broken, entry.clone()],
            last: true,
        },
    );
    let loaded2 = PlotSyncPlotList2::from_bytes(&bytes).unwrap();
    assert_eq!(loaded2.data.len(), 1);

    for (message_type, kind) in [
        (SyncMessageType::Removed, 80),
        (SyncMessageType::Invalid, 81),
        (SyncMessageType::KeysMissing, 82),
        (SyncMessageType::Duplicates, 83),
    ] {
        let (got, bytes) = send(
            message_type,
            SyncPayload::Paths {
                paths: vec!["/x.plot".into()],
                last: false,
            },
        );
        assert_eq!(got, kind);
        let list = PlotSyncPathList::from_bytes(&bytes).unwrap();
        assert_eq!(list.data, vec!["/x.plot".to_owned()]);
        assert!(!list.r#final);
    }
    let (kind, bytes) = send(SyncMessageType::Done, SyncPayload::Done { duration: 3 });
    assert_eq!(kind, 84);
    assert_eq!(PlotSyncDone::from_bytes(&bytes).unwrap().duration, 3);

    let response = PlotSyncResponse {
        identifier: wire_id,
        message_type: 84,
        error: Some(PlotSyncError {
            code: 2,
            message: "x".into(),
            expected_identifier: Some(wire_id),
        }),
    };
    let converted = wire::sync_response(&response);
    assert_eq!(converted.identifier, id);
    assert_eq!(converted.message_type, 84);
    assert_eq!(converted.error.unwrap().expected_identifier, Some(id));
}
