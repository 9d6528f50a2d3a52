//! harvester-farmer §12.4: a real k=18 proof (chiapos 2.0.12, solo plot of §12.2) checked and
//! signed end to end, compared with what chia 2.7.5's farmer computed for it.

#![allow(clippy::unwrap_used)]

use chia_bls::{PublicKey, SecretKey, Signature};
use sickle_farmer::{
    FarmerKeys, InvalidProof, PlotKeys, ProofContext, ProofOfSpace, ProofOfSpaceVersion,
    SigningError, verify_and_get_quality_string,
};
use sickle_pos::ConsensusConstants;
use sickle_pos::consensus::{PlotSize, calculate_iterations_quality};
use sickle_pos::keys::{local_sk, master_sk_from_seed, sign_with_plot_key};
use sickle_streamable::Streamable;

const CHALLENGE_HASH: &str = "4628b646302039fb72862185cd5b60cb2f19e4bef63c0c4a65e0511410845b5c";
const POS_CHALLENGE: &str = "9e3cad819c98cece0b8dfe70ebbb7d01aff086b96d28490ac2c4b0b408725883";
const PROOF: &str = "28dc7166b7eef05b879fedd40ab4a95065d0517db7ceec115378e9584723c198b323647a5ef14e0288b872ef\
    2f3caedf9de5f127caae178d7f1ed9fbb3cd5d841a697b23cfd8dbdfdc606d44b4b267d19da237021548ccd6\
    21dc12b7b75aac7dfc2f84a6c3a786d0c49ba7d5bebccba20f83a067cbfe630d92040db393c1ce6c587291c5\
    69bcb5e7c61b9a904074d846";
const QUALITY: &str = "d82e9cd54dce78433440632dc1d7977d857562fa2b170272444f5adeffdcc75b";
const PLOT_PK: &str = "858d5282b63c0507f33dcea0f17d24ecb0998d790ba9dec10d4fac9e333748ccf07ffe8da5de3271ff757e39f3c3ce7b";
const HARVESTER_SHARE_SP: &str = "a4485079967b33fa9a4a5f599099e768b4e218104c56d1822078d725b4ab452fc4f7683371d845a94b992ad4a162e165\
    024561cdfd50a3076a5b7b4ffe9971eb76ebea9230c76cad5af6582ee697206e1be377ed2d73e91a4c715876cfb4f561";
const FARMER_SHARE_SP: &str = "8d7749b3ee021d56b044e0df77753a3cc476ae997262ea777d54d1490bc053a215b5748a64ceea3398c4df02cfcd7ddb\
    003ea040220b0728fdc883c6608563be46cac4bcf2cdaa53ea05a41eac4ced2c6c8611e12e659c49b79474b76cd966ff";
const CC_SP_SIGNATURE: &str = "a89409a624a7014a7957e50ce2a1b3986032f87d6904cb445157dcbd3ca7f83b87a19af79c3f64c6e4aca061ff845408\
    0c989063495d2e8a92ed4b78f36c38b18f540f0577c55f8a0db4fc8e7baa30d8f7f63464421cb5e50de9d4289762195e";
const RC_SP_SIGNATURE: &str = "96a73b52e8226c98581aff1d221cb8531a85770d223cfd143479ea49afe96028516399e1f3d0f4903fa26540b7fe33d7\
    012636005af49f5c2d9527e129597b95d30c39b66bc228fcad618293d5965e6b564ca74bffc9f0fd1ac54dcbd87de7bd";
const POOL_SIGNATURE: &str = "a1d31c719114a8c4a2b65cb7f4788e13a20db1e8eff73e1a1034505de0c77fbd53ae2e7af032661800b75192045fcafa\
    1366f1bf6c83a6d2476f1ac21e537babf28030570eb39b9da9174e4d914d1904367defaab5632f7b4d88ed4b490fffb2";

fn bytes32(text: &str) -> [u8; 32] {
    hex::decode(text).unwrap().try_into().unwrap()
}

fn signature(text: &str) -> Signature {
    let bytes: [u8; 96] = hex::decode(text).unwrap().try_into().unwrap();
    Signature::from_bytes(&bytes).unwrap()
}

struct Fixture {
    keys: FarmerKeys,
    farmer_pk: PublicKey,
    pool_pk: PublicKey,
    local_sk: SecretKey,
    proof: ProofOfSpace,
}

fn fixture() -> Fixture {
    let seed: Vec<u8> = (0u8..32).collect();
    let keys = FarmerKeys::from_master_sk(&master_sk_from_seed(&seed).unwrap());
    let farmer_pk = keys.farmer_public_keys()[0];
    let pool_pk = keys.pool_public_keys()[0];
    let local_sk = local_sk(&master_sk_from_seed(&[0x42; 32]).unwrap());
    let plot_public_key = local_sk.public_key() + &farmer_pk;
    assert_eq!(hex::encode(plot_public_key.to_bytes()), PLOT_PK);
    let proof = ProofOfSpace::v1(
        bytes32(POS_CHALLENGE).into(),
        Some(pool_pk),
        None,
        plot_public_key,
        18,
        hex::decode(PROOF).unwrap(),
    );
    Fixture {
        keys,
        farmer_pk,
        pool_pk,
        local_sk,
        proof,
    }
}

fn context<'a>(constants: &'a ConsensusConstants, challenge: &'a [u8; 32]) -> ProofContext<'a> {
    ProofContext {
        constants,
        challenge_hash: challenge,
        sp_hash: &[0x22; 32],
        height: 0,
        last_tx_height: 0,
    }
}

#[test]
fn the_proof_verifies_with_chias_quality_and_iterations() {
    let f = fixture();
    let testnet11 = ConsensusConstants::testnet11();
    let challenge = bytes32(CHALLENGE_HASH);
    let quality =
        verify_and_get_quality_string(&f.proof, &context(&testnet11, &challenge)).unwrap();
    assert_eq!(hex::encode(quality), QUALITY);
    let iters = calculate_iterations_quality(
        &ConsensusConstants::mainnet(),
        &quality,
        PlotSize::V1 { k: 18 },
        1,
        &[0x22; 32],
        0,
    )
    .unwrap();
    assert_eq!(iters, 14_590_541_446_092);
}

#[test]
fn the_proof_is_refused_where_chia_refuses_it() {
    let f = fixture();
    let testnet11 = ConsensusConstants::testnet11();
    let challenge = bytes32(CHALLENGE_HASH);
    // Mainnet does not allow k18.
    let mainnet = ConsensusConstants::mainnet();
    assert!(matches!(
        verify_and_get_quality_string(&f.proof, &context(&mainnet, &challenge)),
        Err(InvalidProof::PlotSize { k: 18, min: 32, .. })
    ));
    // Another challenge hash: the pos challenge no longer matches.
    let other = [0x99; 32];
    assert!(matches!(
        verify_and_get_quality_string(&f.proof, &context(&testnet11, &other)),
        Err(InvalidProof::ChallengeMismatch { .. })
    ));
    // A flipped proof bit.
    let mut bad = f.proof.clone();
    bad.proof[10] ^= 0x04;
    assert!(matches!(
        verify_and_get_quality_string(&bad, &context(&testnet11, &challenge)),
        Err(InvalidProof::BadProof { k: 18, .. })
    ));
    // Pool information: neither, or both.
    let mut neither = f.proof.clone();
    neither.pool_public_key = None;
    assert_eq!(
        verify_and_get_quality_string(&neither, &context(&testnet11, &challenge)),
        Err(InvalidProof::NoPoolInfo)
    );
    let mut both = f.proof.clone();
    both.pool_contract_puzzle_hash = Some([0x55; 32].into());
    assert_eq!(
        verify_and_get_quality_string(&both, &context(&testnet11, &challenge)),
        Err(InvalidProof::BothPoolInfo)
    );
    // A wrong plot key changes the plot id, so the pos challenge.
    let mut wrong_key = f.proof.clone();
    wrong_key.plot_public_key = f.farmer_pk;
    assert!(matches!(
        verify_and_get_quality_string(&wrong_key, &context(&testnet11, &challenge)),
        Err(InvalidProof::ChallengeMismatch { .. })
    ));
    // v2 proofs are not active on this network.
    let mut v2 = f.proof.clone();
    v2.version = ProofOfSpaceVersion::V2;
    v2.size = 0;
    v2.strength = 2;
    assert!(matches!(
        verify_and_get_quality_string(&v2, &context(&testnet11, &challenge)),
        Err(InvalidProof::V2NotActive { .. })
    ));
}

#[test]
fn signatures_aggregate_to_chias_block_signatures() {
    let f = fixture();
    let farmer_sk = f.keys.secret_key_for(&f.farmer_pk).unwrap();
    let local_pk = f.local_sk.public_key();
    let plot = PlotKeys {
        local_pk: &local_pk,
        farmer_pk: &f.farmer_pk,
        farmer_sk,
        include_taproot: false,
        plot_public_key: &f.proof.plot_public_key,
    };
    plot.check().unwrap();
    let cc_sp = [0x22; 32];
    let rc_sp = [0x33; 32];
    // The harvester's share as the real harvester made it, and the farmer's as chia's farmer.
    let harvester_cc = sign_with_plot_key(&f.local_sk, &cc_sp, &f.proof.plot_public_key);
    assert_eq!(harvester_cc, signature(HARVESTER_SHARE_SP));
    assert_eq!(plot.farmer_part(&cc_sp), signature(FARMER_SHARE_SP));
    assert_eq!(
        plot.complete(&cc_sp, &harvester_cc).unwrap(),
        signature(CC_SP_SIGNATURE)
    );
    let harvester_rc = sign_with_plot_key(&f.local_sk, &rc_sp, &f.proof.plot_public_key);
    assert_eq!(
        plot.complete(&rc_sp, &harvester_rc).unwrap(),
        signature(RC_SP_SIGNATURE)
    );
    // The pool signature over PoolTarget(77*32, 0).
    let mut pool_target = vec![0x77; 32];
    pool_target.extend_from_slice(&0u32.to_be_bytes());
    let pool_sk = f.keys.secret_key_for(&f.pool_pk).unwrap();
    assert_eq!(
        chia_bls::sign(pool_sk, &pool_target),
        signature(POOL_SIGNATURE)
    );
}

#[test]
fn lying_shares_and_keys_are_caught() {
    let f = fixture();
    let farmer_sk = f.keys.secret_key_for(&f.farmer_pk).unwrap();
    let local_pk = f.local_sk.public_key();
    let plot = PlotKeys {
        local_pk: &local_pk,
        farmer_pk: &f.farmer_pk,
        farmer_sk,
        include_taproot: false,
        plot_public_key: &f.proof.plot_public_key,
    };
    // A share over another message.
    let wrong = sign_with_plot_key(&f.local_sk, &[0x44; 32], &f.proof.plot_public_key);
    assert!(matches!(
        plot.complete(&[0x22; 32], &wrong),
        Err(SigningError::BadShare { .. })
    ));
    // A local key that does not make the plot key.
    let stranger = f.farmer_pk;
    let lying = PlotKeys {
        local_pk: &stranger,
        ..plot
    };
    assert!(matches!(
        lying.check(),
        Err(SigningError::PlotKeyMismatch { .. })
    ));
    // A pool-contract claim on a solo plot also changes the key.
    let taproot = PlotKeys {
        include_taproot: true,
        ..plot
    };
    assert!(taproot.check().is_err());
}

#[test]
fn proof_wire_form_matches_the_declare_payload() {
    let f = fixture();
    let bytes = f.proof.to_bytes();
    let mut expected = bytes32(POS_CHALLENGE).to_vec();
    expected.push(1);
    expected.extend_from_slice(&f.pool_pk.to_bytes());
    expected.push(0);
    expected.extend_from_slice(&hex::decode(PLOT_PK).unwrap());
    expected.push(18);
    expected.extend_from_slice(&[0, 0, 0, 0x90]);
    expected.extend_from_slice(&hex::decode(PROOF).unwrap());
    assert_eq!(bytes, expected);
    assert_eq!(bytes.len(), 32 + 49 + 1 + 48 + 1 + 4 + 144);
}

mod farmer_flow {
    use super::*;
    use sickle_farmer::messages::{NewProofOfSpace, RespondSignatures};
    use sickle_farmer::{Farmer, HarvesterFault, ProofOutcome, RewardTargets, SignagePoint};
    use sickle_streamable::Streamable;

    fn farmer(keys: FarmerKeys) -> Farmer {
        Farmer::new(
            ConsensusConstants::testnet11(),
            "testnet11",
            keys,
            RewardTargets {
                farmer: [0x66; 32],
                pool: [0x77; 32],
            },
        )
    }

    fn signage_point() -> SignagePoint {
        SignagePoint {
            challenge_hash: bytes32(CHALLENGE_HASH),
            challenge_chain_sp: [0x22; 32],
            reward_chain_sp: [0x33; 32],
            difficulty: 1,
            sub_slot_iters: 1 << 63,
            signage_point_index: 7,
            peak_height: 0,
            last_tx_height: 0,
            filter_challenge: None,
        }
    }

    fn new_proof(proof: ProofOfSpace) -> NewProofOfSpace {
        NewProofOfSpace {
            challenge_hash: bytes32(CHALLENGE_HASH).into(),
            sp_hash: [0x22; 32].into(),
            plot_identifier: format!("{QUALITY}/plots/plot-k18-solo.plot"),
            proof,
            signage_point_index: 7,
            include_source_signature_data: false,
            farmer_reward_address_override: None,
            fee_info: None,
        }
    }

    fn respond(f: &Fixture, messages: [[u8; 32]; 2]) -> RespondSignatures {
        RespondSignatures {
            plot_identifier: format!("{QUALITY}/plots/plot-k18-solo.plot"),
            challenge_hash: bytes32(CHALLENGE_HASH).into(),
            sp_hash: [0x22; 32].into(),
            local_pk: f.local_sk.public_key(),
            farmer_pk: f.farmer_pk,
            message_signatures: messages
                .iter()
                .map(|m| {
                    (
                        (*m).into(),
                        sign_with_plot_key(&f.local_sk, m, &f.proof.plot_public_key),
                    )
                })
                .collect(),
            include_source_signature_data: false,
            farmer_reward_address_override: None,
        }
    }

    #[test]
    fn declare_proof_of_space_is_chias_735_bytes() {
        let f = fixture();
        let mut farmer = farmer(f.keys.clone());
        assert!(farmer.add_signage_point(signage_point(), 100));
        assert!(
            !farmer.add_signage_point(signage_point(), 101),
            "identical SP ignored"
        );
        let outcome = farmer
            .new_proof_of_space([9; 32], &new_proof(f.proof.clone()), 1_700_000_000)
            .unwrap();
        let ProofOutcome::Valid {
            quality,
            requests,
            pool_contract,
            ..
        } = outcome
        else {
            panic!("expected a valid proof, got {outcome:?}");
        };
        assert_eq!(hex::encode(quality), QUALITY);
        assert!(!pool_contract);
        assert_eq!(requests.len(), 1);
        assert_eq!(requests[0].messages, [[0x22; 32], [0x33; 32]]);

        let block = farmer
            .respond_signatures(&respond(&f, [[0x22; 32], [0x33; 32]]))
            .unwrap()
            .unwrap();
        let bytes = block.declare.to_bytes();
        assert_eq!(bytes.len(), 735);
        let expected = format!(
            "{CHALLENGE_HASH}{}07{}{}{CC_SP_SIGNATURE}{RC_SP_SIGNATURE}{}01{}0000000001{POOL_SIGNATURE}00",
            "22".repeat(32),
            "33".repeat(32),
            hex::encode(f.proof.to_bytes()),
            "66".repeat(32),
            "77".repeat(32),
        );
        assert_eq!(hex::encode(bytes), expected);
        assert_eq!(block.won.harvester, [9; 32]);
        let counters = farmer.counters();
        assert_eq!(
            (
                counters.proofs,
                counters.signatures_verified,
                counters.blocks
            ),
            (1, 2, 1)
        );
    }

    #[test]
    fn lying_harvesters_are_refused() {
        let f = fixture();
        let mut farmer = farmer(f.keys.clone());
        // Unknown signage point.
        assert_eq!(
            farmer.new_proof_of_space([1; 32], &new_proof(f.proof.clone()), 1_700_000_000),
            Ok(ProofOutcome::UnknownSignagePoint)
        );
        farmer.add_signage_point(signage_point(), 0);
        // A bad proof is invalid and counted.
        let mut bad = f.proof.clone();
        bad.proof[3] ^= 1;
        assert!(matches!(
            farmer.new_proof_of_space([1; 32], &new_proof(bad), 1_700_000_000),
            Ok(ProofOutcome::Invalid(InvalidProof::BadProof { .. }))
        ));
        assert_eq!(farmer.counters().invalid_proofs, 1);
        // Signatures for a plot that sent no proof.
        assert!(matches!(
            farmer.respond_signatures(&respond(&f, [[0x22; 32], [0x33; 32]])),
            Err(HarvesterFault::UnknownPlot { .. })
        ));
        farmer
            .new_proof_of_space([1; 32], &new_proof(f.proof.clone()), 1_700_000_000)
            .unwrap();
        // Shares over the wrong rc message: the second message is no known rc sp.
        assert_eq!(
            farmer.respond_signatures(&respond(&f, [[0x22; 32], [0x44; 32]])),
            Err(HarvesterFault::NotSignagePointSignatures)
        );
        // A wrong share under the right message.
        let mut wrong_share = respond(&f, [[0x22; 32], [0x33; 32]]);
        wrong_share.message_signatures[1].1 = wrong_share.message_signatures[0].1.clone();
        assert!(matches!(
            farmer.respond_signatures(&wrong_share),
            Err(HarvesterFault::Signing(SigningError::BadShare { .. }))
        ));
        // A local key that does not make the plot key.
        let mut wrong_key = respond(&f, [[0x22; 32], [0x33; 32]]);
        wrong_key.local_pk = f.pool_pk;
        assert!(matches!(
            farmer.respond_signatures(&wrong_key),
            Err(HarvesterFault::Signing(
                SigningError::PlotKeyMismatch { .. }
            ))
        ));
        // Too few signatures.
        let mut short = respond(&f, [[0x22; 32], [0x33; 32]]);
        short.message_signatures.truncate(1);
        assert_eq!(
            farmer.respond_signatures(&short),
            Err(HarvesterFault::TooFewSignatures { got: 1 })
        );
        assert_eq!(farmer.counters().blocks, 0);
        // The honest answer still works afterwards.
        assert!(
            farmer
                .respond_signatures(&respond(&f, [[0x22; 32], [0x33; 32]]))
                .unwrap()
                .is_some()
        );
    }

    #[test]
    fn testnets_cap_proofs_per_signage_point_and_cache_expires() {
        let f = fixture();
        let mut farmer = farmer(f.keys.clone());
        farmer.add_signage_point(signage_point(), 0);
        let mut outcomes = Vec::new();
        for _ in 0..8 {
            outcomes.push(
                farmer
                    .new_proof_of_space([1; 32], &new_proof(f.proof.clone()), 1_700_000_000)
                    .unwrap(),
            );
        }
        // chia counts first and compares with `>`: six are taken, the rest refused.
        assert!(
            outcomes[..6]
                .iter()
                .all(|o| matches!(o, ProofOutcome::Valid { .. }))
        );
        assert!(outcomes[6..].iter().all(|o| *o == ProofOutcome::TooMany));
        farmer.prune(1800);
        farmer.prune(1801);
        assert_eq!(
            farmer.new_proof_of_space([1; 32], &new_proof(f.proof.clone()), 1_700_000_000),
            Ok(ProofOutcome::UnknownSignagePoint)
        );
    }
}
