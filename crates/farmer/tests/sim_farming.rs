//! A harvester farming a real chiapos k=18 plot (crates/vectors, the solo plot of
//! harvester-farmer §12.2) against the farmer on the simulated `sim` network, over TLS on
//! 127.0.0.1: it filters, looks up qualities, sends eligible proofs and signs; the farmer
//! verifies, aggregates and records won blocks.
//!
//! The harvester here is a minimal script of harvester-farmer §6–§7 built on sickle-pos (the
//! Sickle harvester crate is not written yet).

#![allow(clippy::unwrap_used)]

use std::path::PathBuf;
use std::time::Duration;

use sickle_farmer::messages::{
    NewProofOfSpace, NewSignagePointHarvester2, RequestSignatures, RespondSignatures, ids,
};
use sickle_farmer::{
    Farmer, FarmerKeys, FarmerService, PlotNft, ProofOfSpace, RewardTargets, SIM_NETWORK, SimChain,
    SimChainConfig, constants_for_network,
};
use sickle_peer::handshake::node_type;
use sickle_peer::{PeerConfig, PeerEvent, ServerConfig, TlsSetup, connect};
use sickle_pos::consensus::{
    PlotSize, calculate_iterations_quality, passes_plot_filter, pos_challenge, prefix_bits,
    sp_interval_iters,
};
use sickle_pos::keys::{master_sk_from_seed, pool_authentication_sk, sign_with_plot_key};
use sickle_pos::{ConsensusConstants, Plot};
use sickle_streamable::Streamable;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

fn cert(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/certs")
        .join(name)
}

fn tls(node: &str) -> TlsSetup {
    TlsSetup::from_files(
        &cert("ca_a.crt"),
        &cert(&format!("{node}.crt")),
        &cert(&format!("{node}.key")),
    )
    .unwrap()
}

/// The sim network with a 2-bit filter (1 with HARD_FORK_HEIGHT 0), so a short test sees many
/// passing signage points.
fn constants() -> ConsensusConstants {
    let overrides = serde_yaml::from_str("NUMBER_ZERO_BITS_PLOT_FILTER_V1: 2").unwrap();
    constants_for_network(SIM_NETWORK, Some(&overrides)).unwrap()
}

/// Answers signage points and signature requests for one plot until the connection closes.
async fn harvest(
    addr: std::net::SocketAddr,
    constants: ConsensusConstants,
    file: &'static str,
    node: &'static str,
) -> (u32, u32) {
    let plot = Plot::open(sickle_vectors::read(&format!("plots/{file}"))).unwrap();
    let memo = plot.memo().clone();
    let local_sk = memo.local_sk();
    let plot_public_key = memo.plot_public_key();
    let path = format!("/plots/{file}");
    let mut config = PeerConfig::new(SIM_NETWORK, node_type::HARVESTER, 0);
    config.keepalive = None;
    let mut connection = connect(addr, &tls(node), &config).await.unwrap();
    let (mut passed, mut sent) = (0u32, 0u32);
    while let Some(event) = connection.events.recv().await {
        let PeerEvent::Message(message) = event else {
            break;
        };
        match message.msg_type {
            ids::NEW_SIGNAGE_POINT_HARVESTER => {
                let sp = NewSignagePointHarvester2::from_bytes(&message.data).unwrap();
                let bits = prefix_bits(&constants, sp.peak_height);
                if !passes_plot_filter(bits, plot.plot_id(), &sp.challenge_hash, &sp.sp_hash) {
                    continue;
                }
                passed += 1;
                let challenge = pos_challenge(plot.plot_id(), &sp.challenge_hash, &sp.sp_hash);
                let qualities = plot.qualities_for_challenge(&challenge).unwrap();
                for (index, quality) in qualities.iter().enumerate() {
                    let iters = calculate_iterations_quality(
                        &constants,
                        quality,
                        PlotSize::V1 { k: plot.k() },
                        sp.difficulty,
                        &sp.sp_hash,
                        sp.last_tx_height,
                    )
                    .unwrap();
                    if iters >= sp_interval_iters(&constants, sp.sub_slot_iters).unwrap() {
                        continue;
                    }
                    let proof = ProofOfSpace::v1(
                        challenge.into(),
                        memo.pool_public_key().copied(),
                        memo.pool_contract_puzzle_hash().copied().map(Into::into),
                        plot_public_key,
                        plot.k(),
                        plot.full_proof(&challenge, index).unwrap(),
                    );
                    let message = NewProofOfSpace {
                        challenge_hash: sp.challenge_hash,
                        sp_hash: sp.sp_hash,
                        plot_identifier: format!("{}{path}", hex::encode(quality)),
                        proof,
                        signage_point_index: sp.signage_point_index,
                        include_source_signature_data: false,
                        farmer_reward_address_override: None,
                        fee_info: None,
                    };
                    sent += 1;
                    // The farmer may shut down at any moment once the test has its blocks.
                    let sending = connection
                        .peer
                        .notify(ids::NEW_PROOF_OF_SPACE, message.to_bytes())
                        .await;
                    if sending.is_err() {
                        return (passed, sent);
                    }
                }
            }
            ids::REQUEST_SIGNATURES => {
                let request = RequestSignatures::from_bytes(&message.data).unwrap();
                let response = RespondSignatures {
                    plot_identifier: request.plot_identifier.clone(),
                    challenge_hash: request.challenge_hash,
                    sp_hash: request.sp_hash,
                    local_pk: local_sk.public_key(),
                    farmer_pk: *memo.farmer_public_key(),
                    message_signatures: request
                        .messages
                        .iter()
                        .map(|m| {
                            (
                                *m,
                                sign_with_plot_key(&local_sk, m.as_ref(), &plot_public_key),
                            )
                        })
                        .collect(),
                    include_source_signature_data: false,
                    farmer_reward_address_override: None,
                };
                // Same id as the request (none for SP signatures, one for partials).
                let sending = connection
                    .peer
                    .respond(&message, ids::RESPOND_SIGNATURES, response.to_bytes())
                    .await;
                if sending.is_err() {
                    break;
                }
            }
            _ => {}
        }
    }
    (passed, sent)
}

fn now_minutes() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        / 60
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn solo_and_pool_contract_k18_plots_win_blocks_on_the_simulated_chain() {
    let constants = constants();
    let seed: Vec<u8> = (0u8..32).collect();
    let keys = FarmerKeys::from_master_sk(&master_sk_from_seed(&seed).unwrap());
    let farmer = Farmer::new(
        constants.clone(),
        SIM_NETWORK,
        keys.clone(),
        RewardTargets {
            farmer: [0x66; 32],
            pool: [0x77; 32],
        },
    );
    let mut chain = SimChainConfig::new(constants.clone());
    chain.seed = [7; 32];
    chain.sp_interval = Some(Duration::from_secs(3600));
    let chain = SimChain::new(chain).unwrap();
    let service = FarmerService::new(
        SIM_NETWORK,
        farmer,
        Box::new(chain),
        keys.pool_public_keys(),
    );
    // The contract plot's plot NFT, pooled with a (never contacted) pool at difficulty 1.
    let master = master_sk_from_seed(&seed).unwrap();
    service.add_plot_nft(PlotNft {
        launcher_id: [0x4c; 32],
        p2_singleton_puzzle_hash: [0x55; 32],
        pool_url: "https://pool.invalid".to_owned(),
        difficulty: Some(1),
        authentication_token_timeout: Some(5),
        authentication_sk: pool_authentication_sk(&master, 0, 0),
    });
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let shutdown = CancellationToken::new();
    let mut peer = FarmerService::peer_config(SIM_NETWORK, addr.port());
    peer.keepalive = None;
    let run = {
        let service = service.clone();
        let shutdown = shutdown.clone();
        tokio::spawn(async move {
            let config = ServerConfig {
                peer,
                max_connections: 8,
            };
            service.run(listener, tls("a1"), config, shutdown).await;
        })
    };
    let solo = tokio::spawn(harvest(addr, constants.clone(), "k18-solo.plot", "a2"));
    let contract = tokio::spawn(harvest(addr, constants, "k18-contract.plot", "a3"));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while service.status().harvesters.len() < 2 {
        assert!(tokio::time::Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // Drive signage points until both plots won blocks (a handful of SPs at this filter).
    let mut signage_points = 0;
    let both_won = |status: &sickle_farmer::Status| {
        let contract_proofs = status.partials + status.partials_failed;
        status.blocks >= 3 && status.partials >= 1 && status.proofs > contract_proofs
    };
    while !both_won(&service.status()) {
        assert!(
            tokio::time::Instant::now() < deadline && signage_points < 2000,
            "no blocks after {signage_points} signage points: {:?}",
            service.status()
        );
        service.broadcast_next().await;
        signage_points += 1;
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let status = service.status();
    assert_eq!(status.invalid_proofs, 0, "{status:?}");
    assert!(status.proofs >= status.blocks);
    assert_eq!(status.signatures_verified, 2 * status.blocks);
    assert_eq!(status.partials_failed, 0, "{status:?}");
    // Every recorded partial carries plot signature + authentication signature over
    // sha256(payload), and the payload names the harvester and the plot NFT.
    let partials = service.partials();
    // Partials still being signed when the snapshot was taken may have finished since.
    assert!(partials.len() as u64 >= status.partials);
    let auth_pk = pool_authentication_sk(&master, 0, 0).unwrap().public_key();
    for partial in &partials {
        let message = partial.payload.hash();
        let plot_pk = partial.payload.proof_of_space.plot_public_key;
        assert!(chia_bls::aggregate_verify(
            &partial.aggregate_signature,
            [
                (&plot_pk, message.as_slice()),
                (&auth_pk, message.as_slice())
            ]
        ));
        assert_eq!(partial.payload.launcher_id, [0x4c; 32]);
        assert_eq!(partial.payload.authentication_token, now_minutes() / 5);
    }
    let per_harvester: u64 = status.harvesters.iter().map(|h| h.proofs).sum();
    assert_eq!(per_harvester, status.proofs);
    shutdown.cancel();
    run.await.unwrap();
    let (solo_passed, solo_sent) = solo.await.unwrap();
    let (contract_passed, contract_sent) = contract.await.unwrap();
    assert!(solo_sent >= 1 && contract_sent >= 1);
    eprintln!(
        "{signage_points} signage points: filter passed {solo_passed} (solo) / {contract_passed} \
         (contract), proofs {solo_sent} / {contract_sent}, {} blocks, {} partials",
        status.blocks, status.partials
    );
}
