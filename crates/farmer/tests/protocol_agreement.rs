//! The farmer's local message types (`messages.rs`, written before sickle-protocol landed) agree
//! byte for byte with sickle-protocol's: each message encoded here decodes there and re-encodes to
//! the same bytes. This keeps the later swap to the shared types a no-op on the wire.

#![allow(clippy::unwrap_used)]

use chia_bls::PublicKey;
use sickle_farmer::messages::{
    FarmingInfo, HarvesterHandshake, NewProofOfSpace, NewSignagePointHarvester,
    NewSignagePointHarvester2, PlotSyncError, PlotSyncIdentifier, PlotSyncPathList,
    PlotSyncResponse, PlotSyncStart, PoolDifficulty, RequestSignatures, RespondSignatures,
};
use sickle_farmer::{ProofKind, ProofOfSpace};
use sickle_pos::keys::{local_sk, master_sk_from_seed, sign_with_plot_key};
use sickle_streamable::Streamable;

fn same<Theirs: Streamable>(ours: &impl Streamable) {
    let bytes = ours.to_bytes();
    let theirs = Theirs::from_bytes(&bytes).unwrap();
    assert_eq!(
        theirs.to_bytes(),
        bytes,
        "{}",
        std::any::type_name::<Theirs>()
    );
}

fn pk(seed: u8) -> PublicKey {
    master_sk_from_seed(&[seed; 32]).unwrap().public_key()
}

fn proof(kind: ProofKind, contract: bool) -> ProofOfSpace {
    ProofOfSpace {
        challenge: [1; 32],
        pool_public_key: (!contract).then(|| pk(2)),
        pool_contract_puzzle_hash: contract.then_some([3; 32]),
        plot_public_key: pk(4),
        kind,
        proof: (0..144u8).collect(),
    }
}

#[test]
fn every_message_the_farmer_uses_matches_sickle_protocol() {
    same::<sickle_protocol::HarvesterHandshake>(&HarvesterHandshake {
        farmer_public_keys: vec![pk(1), pk(2)],
        pool_public_keys: vec![pk(2)],
    });
    let pool = vec![PoolDifficulty {
        difficulty: 1000,
        sub_slot_iters: 37_600_000_000,
        pool_contract_puzzle_hash: [0x55; 32],
    }];
    same::<sickle_protocol::NewSignagePointHarvester2>(&NewSignagePointHarvester2 {
        challenge_hash: [0x11; 32],
        difficulty: 7,
        sub_slot_iters: 1 << 27,
        signage_point_index: 63,
        sp_hash: [0x22; 32],
        pool_difficulties: pool.clone(),
        peak_height: 5_496_000,
        last_tx_height: 5_495_998,
        filter_challenge: Some([0x33; 32]),
    });
    same::<sickle_protocol::NewSignagePointHarvester>(&NewSignagePointHarvester {
        challenge_hash: [0x11; 32],
        difficulty: 7,
        sub_slot_iters: 1 << 27,
        signage_point_index: 0,
        sp_hash: [0x11; 32],
        pool_difficulties: pool,
        filter_prefix_bits: 8,
    });
    for proof in [
        proof(ProofKind::V1 { k: 18 }, false),
        proof(ProofKind::V1 { k: 32 }, true),
        proof(
            ProofKind::V2 {
                plot_index: 258,
                meta_group: 3,
                strength: 2,
            },
            true,
        ),
    ] {
        same::<sickle_protocol::ProofOfSpace>(&proof);
        same::<sickle_protocol::NewProofOfSpace>(&NewProofOfSpace {
            challenge_hash: [0x11; 32],
            sp_hash: [0x22; 32],
            plot_identifier: "ab/plots/x.plot".into(),
            proof,
            signage_point_index: 9,
            include_source_signature_data: false,
            farmer_reward_address_override: Some([0x66; 32]),
            fee_info: None,
        });
    }
    same::<sickle_protocol::RequestSignatures>(&RequestSignatures {
        plot_identifier: "ab/plots/x.plot".into(),
        challenge_hash: [0x11; 32],
        sp_hash: [0x22; 32],
        messages: vec![[0x22; 32], [0x33; 32]],
        message_data: None,
    });
    let local = local_sk(&master_sk_from_seed(&[0x42; 32]).unwrap());
    same::<sickle_protocol::RespondSignatures>(&RespondSignatures {
        plot_identifier: "ab/plots/x.plot".into(),
        challenge_hash: [0x11; 32],
        sp_hash: [0x22; 32],
        local_pk: local.public_key(),
        farmer_pk: pk(1),
        message_signatures: vec![([0x22; 32], sign_with_plot_key(&local, &[0x22; 32], &pk(4)))],
        include_source_signature_data: true,
        farmer_reward_address_override: None,
    });
    let id = PlotSyncIdentifier {
        timestamp: 1_700_000_000,
        sync_id: 1_700_000_000,
        message_id: 3,
    };
    same::<sickle_protocol::PlotSyncStart>(&PlotSyncStart {
        identifier: id,
        initial: true,
        last_sync_id: 0,
        plot_file_count: 2,
        harvesting_mode: 1,
    });
    same::<sickle_protocol::PlotSyncPathList>(&PlotSyncPathList {
        identifier: id,
        data: vec!["/a".into(), "/b".into()],
        last: true,
    });
    same::<sickle_protocol::PlotSyncResponse>(&PlotSyncResponse {
        identifier: id,
        message_type: 80,
        error: Some(PlotSyncError {
            code: 2,
            message: "Invalid identifier".into(),
            expected_identifier: Some(id),
        }),
    });
    same::<sickle_protocol::FarmingInfo>(&FarmingInfo {
        challenge_hash: [0x11; 32],
        sp_hash: [0x22; 32],
        timestamp: 1_700_000_000,
        passed: 3,
        proofs: 1,
        total_plots: 1000,
        lookup_time: 12_345,
    });
}
