//! The farmer's message types against chia 2.7.5's bytes (wire.md §13).

#![allow(clippy::unwrap_used)]

use chia_bls::PublicKey;
use sickle_farmer::messages::{
    FarmingInfo, HarvesterHandshake, NewProofOfSpace, NewSignagePointHarvester,
    NewSignagePointHarvester2, PlotSyncError, PlotSyncIdentifier, PlotSyncResponse, PoolDifficulty,
    RequestSignatures, RespondSignatures, decode_plot_sync, ids,
};
use sickle_farmer::{PlotSyncBody, ProofKind, ProofOfSpace};
use sickle_pos::keys::{local_sk, master_sk_from_seed, sign_with_plot_key};
use sickle_streamable::Streamable;

const FARMER_PK: &str = "80e748bfd595cae29e16d5328ac08edcc8afa41d16cc0fb394e3941e483d5a9c133d1057bb6d0ec598bf3be6e9e4fd86";
const POOL_PK: &str = "ae85027692de115db72617b4dc48fafb239049b6d7ae9da33aa0ebd7400861e7715900c90be78cceaaee049f80e37efa";
const PLOT_PK: &str = "858d5282b63c0507f33dcea0f17d24ecb0998d790ba9dec10d4fac9e333748ccf07ffe8da5de3271ff757e39f3c3ce7b";

fn pk(text: &str) -> PublicKey {
    let bytes: [u8; 48] = hex::decode(text).unwrap().try_into().unwrap();
    PublicKey::from_bytes(&bytes).unwrap()
}

fn identifier() -> String {
    format!("{}/plots/plot-k32-test.plot", "44".repeat(32))
}

fn v1_proof() -> ProofOfSpace {
    ProofOfSpace {
        challenge: hex::decode("3cf48e12ab0707343b23a3b580e9a72d56c78025c09254334f0bc41d6c1faee7")
            .unwrap()
            .try_into()
            .unwrap(),
        pool_public_key: Some(pk(POOL_PK)),
        pool_contract_puzzle_hash: None,
        plot_public_key: pk(PLOT_PK),
        kind: ProofKind::V1 { k: 32 },
        proof: (0..=255u8).collect(),
    }
}

#[test]
fn harvester_handshake() {
    let message = HarvesterHandshake {
        farmer_public_keys: vec![pk(FARMER_PK)],
        pool_public_keys: vec![pk(POOL_PK)],
    };
    let expected = format!("00000001{FARMER_PK}00000001{POOL_PK}");
    assert_eq!(hex::encode(message.to_bytes()), expected);
    assert_eq!(
        HarvesterHandshake::from_bytes(&message.to_bytes()).unwrap(),
        message
    );
}

#[test]
fn signage_points_in_both_formats() {
    let new = NewSignagePointHarvester2 {
        challenge_hash: [0x11; 32],
        difficulty: 2000,
        sub_slot_iters: 578_813_952,
        signage_point_index: 7,
        sp_hash: [0x22; 32],
        pool_difficulties: vec![PoolDifficulty {
            difficulty: 1000,
            sub_slot_iters: 37_600_000_000,
            pool_contract_puzzle_hash: [0x55; 32],
        }],
        peak_height: 7_000_000,
        last_tx_height: 6_999_998,
        filter_challenge: None,
    };
    let expected = format!(
        "{}00000000000007d0000000002280000007{}0000000100000000000003e800000008c1227800{}006acfc0006acfbe00",
        "11".repeat(32),
        "22".repeat(32),
        "55".repeat(32)
    );
    let bytes = new.to_bytes();
    assert_eq!(hex::encode(&bytes), expected);
    assert_eq!(bytes.len(), 142);
    let with_filter = NewSignagePointHarvester2 {
        pool_difficulties: Vec::new(),
        filter_challenge: Some([0x33; 32]),
        ..new.clone()
    };
    assert_eq!(with_filter.to_bytes().len(), 126);
    let old = NewSignagePointHarvester {
        challenge_hash: new.challenge_hash,
        difficulty: new.difficulty,
        sub_slot_iters: new.sub_slot_iters,
        signage_point_index: new.signage_point_index,
        sp_hash: new.sp_hash,
        pool_difficulties: new.pool_difficulties.clone(),
        filter_prefix_bits: 8,
    };
    let old_bytes = old.to_bytes();
    assert_eq!(old_bytes.len(), 134);
    assert_eq!(old_bytes[..133], bytes[..133]);
    assert_eq!(old_bytes[133], 8);
}

#[test]
fn proof_of_space_v1_and_v2() {
    let proof = v1_proof();
    let bytes = proof.to_bytes();
    assert_eq!(bytes.len(), 391);
    assert_eq!(
        hex::encode(&bytes[..32 + 1 + 48 + 1 + 48 + 1 + 4]),
        format!(
            "3cf48e12ab0707343b23a3b580e9a72d56c78025c09254334f0bc41d6c1faee701{POOL_PK}00{PLOT_PK}2000000100"
        )
    );
    assert_eq!(ProofOfSpace::from_bytes(&bytes).unwrap(), proof);
    let v2 = ProofOfSpace {
        challenge: [1; 32],
        pool_public_key: None,
        pool_contract_puzzle_hash: Some([2; 32]),
        plot_public_key: pk(FARMER_PK),
        kind: ProofKind::V2 {
            plot_index: 258,
            meta_group: 3,
            strength: 2,
        },
        proof: vec![0xaa; 4],
    };
    let expected = format!(
        "{}0003{}{FARMER_PK}0102030200000004aaaaaaaa",
        "01".repeat(32),
        "02".repeat(32)
    );
    assert_eq!(hex::encode(v2.to_bytes()), expected);
    assert_eq!(ProofOfSpace::from_bytes(&v2.to_bytes()).unwrap(), v2);
    // Version 2 (flag byte 4) does not exist; a v2 proof with both pool fields is refused.
    let mut bad = bytes.clone();
    bad[32 + 49] = 4;
    assert!(ProofOfSpace::from_bytes(&bad).is_err());
    let mut both = v2.clone();
    both.pool_public_key = Some(pk(POOL_PK));
    assert!(ProofOfSpace::from_bytes(&both.to_bytes()).is_err());
}

#[test]
fn new_proof_of_space_and_signature_round_trip() {
    let message = NewProofOfSpace {
        challenge_hash: [0x11; 32],
        sp_hash: [0x22; 32],
        plot_identifier: identifier(),
        proof: v1_proof(),
        signage_point_index: 7,
        include_source_signature_data: false,
        farmer_reward_address_override: None,
        fee_info: None,
    };
    let bytes = message.to_bytes();
    assert_eq!(bytes.len(), 552);
    assert_eq!(bytes[bytes.len() - 4..], [7, 0, 0, 0]);
    assert_eq!(NewProofOfSpace::from_bytes(&bytes).unwrap(), message);

    let request = RequestSignatures {
        plot_identifier: identifier(),
        challenge_hash: [0x11; 32],
        sp_hash: [0x22; 32],
        messages: vec![[0x66; 32], [0x77; 32]],
        message_data: None,
    };
    let expected = format!(
        "00000059{}{}{}00000002{}{}0000",
        hex::encode(identifier()),
        "11".repeat(32),
        "22".repeat(32),
        "66".repeat(32),
        "77".repeat(32)
    );
    assert_eq!(hex::encode(request.to_bytes()), expected);
    assert_eq!(request.to_bytes().len(), 235 - 8);
    assert_eq!(
        RequestSignatures::from_bytes(&request.to_bytes()).unwrap(),
        request
    );

    let local = local_sk(&master_sk_from_seed(&[0x42; 32]).unwrap());
    let plot_pk = pk(PLOT_PK);
    let response = RespondSignatures {
        plot_identifier: identifier(),
        challenge_hash: [0x11; 32],
        sp_hash: [0x22; 32],
        local_pk: local.public_key(),
        farmer_pk: pk(FARMER_PK),
        message_signatures: vec![
            (
                [0x66; 32],
                sign_with_plot_key(&local, &[0x66; 32], &plot_pk),
            ),
            (
                [0x77; 32],
                sign_with_plot_key(&local, &[0x77; 32], &plot_pk),
            ),
        ],
        include_source_signature_data: false,
        farmer_reward_address_override: None,
    };
    let bytes = response.to_bytes();
    assert_eq!(bytes.len(), 523 - 8);
    assert!(hex::encode(&bytes).contains(
        "9970fdc2d700449846b47377aefa74458b65c64b419926d0e105dbb254c393c1e83c7ca74507bb0495b38b58405b1d20"
    ));
    assert_eq!(RespondSignatures::from_bytes(&bytes).unwrap(), response);
}

#[test]
fn plot_sync_and_farming_info() {
    let start =
        hex::decode("000000006553f100000000006553f10000000000000000000100000000000000000000000101")
            .unwrap();
    let (id, body) = decode_plot_sync(ids::PLOT_SYNC_START, &start)
        .unwrap()
        .unwrap();
    assert_eq!(
        (id.timestamp, id.sync_id, id.message_id),
        (1_700_000_000, 1_700_000_000, 0)
    );
    assert_eq!(
        body,
        PlotSyncBody::Start {
            initial: true,
            last_sync_id: 0,
            plot_file_count: 1,
            harvesting_mode: 1
        }
    );
    let removed =
        hex::decode("000000006553f101000000006553f10000000000000000020000000001").unwrap();
    let (_, body) = decode_plot_sync(ids::PLOT_SYNC_REMOVED, &removed)
        .unwrap()
        .unwrap();
    assert_eq!(
        body,
        PlotSyncBody::Removed {
            paths: Vec::new(),
            last: true
        }
    );
    let done =
        hex::decode("000000006553f101000000006553f10000000000000000060000000000000000").unwrap();
    let (id, body) = decode_plot_sync(ids::PLOT_SYNC_DONE, &done)
        .unwrap()
        .unwrap();
    assert_eq!(id.message_id, 6);
    assert_eq!(body, PlotSyncBody::Done { duration: 0 });
    assert!(
        decode_plot_sync(ids::PLOT_SYNC_DONE, &done[1..])
            .unwrap()
            .is_err()
    );
    assert!(decode_plot_sync(ids::FARMING_INFO, &done).is_none());

    let ok = PlotSyncResponse {
        identifier: PlotSyncIdentifier {
            timestamp: 1_700_000_000,
            sync_id: 1_700_000_000,
            message_id: 0,
        },
        message_type: 78,
        error: None,
    };
    assert_eq!(
        hex::encode(ok.to_bytes()),
        "000000006553f100000000006553f1000000000000000000004e00"
    );
    let refused = PlotSyncResponse {
        identifier: PlotSyncIdentifier {
            timestamp: 1_700_000_001,
            sync_id: 1_700_000_000,
            message_id: 3,
        },
        message_type: 80,
        error: Some(PlotSyncError {
            code: 2,
            message: "err".into(),
            expected_identifier: Some(PlotSyncIdentifier {
                timestamp: 1_700_000_001,
                sync_id: 1_700_000_000,
                message_id: 2,
            }),
        }),
    };
    assert_eq!(
        hex::encode(refused.to_bytes()),
        "000000006553f101000000006553f100000000000000000300500100020000000365727201000000006553f101000000006553f1000000000000000002"
    );
    let info = format!(
        "{}{}000000006553f100{}{}{}{}",
        "11".repeat(32),
        "22".repeat(32),
        "00000003",
        "00000000",
        "000003e8",
        "0000000000003039"
    );
    let info = FarmingInfo::from_bytes(&hex::decode(info).unwrap()).unwrap();
    assert_eq!(
        (info.passed, info.total_plots, info.lookup_time),
        (3, 1000, 12345)
    );
}
