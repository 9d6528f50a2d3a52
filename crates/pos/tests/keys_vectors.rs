//! Keys, memos, plot ids and plot-key signatures against chia-blockchain 2.7.5 / chia_rs 0.48
//! (`crates/vectors/data/consensus/keys.json`), and the literal vectors of harvester-farmer.md §12.
#![allow(clippy::unwrap_used)] // tests may unwrap: a failure is the assertion

use chia_bls::{PublicKey, SecretKey, Signature};
use serde_json::Value;
use sickle_pos::consensus::{self, ConsensusConstants, PlotSize};
use sickle_pos::keys::{self, PoolInfo};
use sickle_pos::{MemoError, PlotMemo, validate_proof};

fn h(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap()
}

fn b32(s: &str) -> [u8; 32] {
    h(s).try_into().unwrap()
}

fn pk(s: &str) -> PublicKey {
    PublicKey::from_bytes(&h(s).try_into().unwrap()).unwrap()
}

fn field<'a>(row: &'a Value, name: &str) -> &'a str {
    row[name].as_str().unwrap()
}

#[test]
fn derivations_memos_and_signatures_match_chia() {
    let path = format!(
        "{}/../vectors/data/consensus/keys.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let rows = doc["keys"].as_array().unwrap();
    assert!(rows.len() >= 8);
    for row in rows {
        let sk_hex = |sk: &SecretKey| hex::encode(sk.to_bytes());
        let pk_hex = |pk: &PublicKey| hex::encode(pk.to_bytes());
        let master = keys::master_sk_from_seed(&h(field(row, "seed"))).unwrap();
        assert_eq!(sk_hex(&master), field(row, "master_sk"));
        assert_eq!(pk_hex(&master.public_key()), field(row, "master_pk"));
        assert_eq!(
            u64::from(master.public_key().get_fingerprint()),
            row["fingerprint"].as_u64().unwrap()
        );
        let farmer = keys::farmer_sk(&master);
        let pool = keys::pool_sk(&master);
        assert_eq!(sk_hex(&farmer), field(row, "farmer_sk"));
        assert_eq!(pk_hex(&farmer.public_key()), field(row, "farmer_pk"));
        assert_eq!(sk_hex(&pool), field(row, "pool_sk"));
        assert_eq!(
            sk_hex(&keys::wallet_sk(&master, 0)),
            field(row, "wallet_sk_0")
        );
        assert_eq!(
            sk_hex(&keys::wallet_sk(&master, 5)),
            field(row, "wallet_sk_5")
        );
        assert_eq!(
            sk_hex(&keys::wallet_sk_unhardened(&master, 3)),
            field(row, "wallet_sk_unhardened_3")
        );
        assert_eq!(
            pk_hex(&keys::wallet_pk_unhardened(&master.public_key(), 3)),
            field(row, "wallet_pk_unhardened_3")
        );
        assert_eq!(sk_hex(&keys::backup_sk(&master)), field(row, "backup_sk"));
        assert_eq!(
            sk_hex(&keys::pool_singleton_sk(&master, 2)),
            field(row, "singleton_owner_sk_2")
        );
        assert_eq!(
            sk_hex(&keys::pool_authentication_sk(&master, 2, 0).unwrap()),
            field(row, "pool_auth_sk_2_0")
        );
        assert!(keys::pool_authentication_sk(&master, 10_000, 0).is_none());

        // Memos → local key, plot public key, plot id.
        let solo = PlotMemo::parse(&h(field(row, "memo_solo"))).unwrap();
        let contract = PlotMemo::parse(&h(field(row, "memo_contract"))).unwrap();
        assert_eq!(solo.to_bytes(), h(field(row, "memo_solo")));
        assert_eq!(contract.to_bytes(), h(field(row, "memo_contract")));
        assert_eq!(
            sk_hex(solo.local_master_sk()),
            field(row, "local_master_sk")
        );
        assert_eq!(sk_hex(&solo.local_sk()), field(row, "local_sk"));
        assert_eq!(
            pk_hex(&solo.local_sk().public_key()),
            field(row, "local_pk")
        );
        let plot_pk = solo.plot_public_key();
        let plot_pk_taproot = contract.plot_public_key();
        assert_eq!(pk_hex(&plot_pk), field(row, "plot_pk"));
        assert_eq!(pk_hex(&plot_pk_taproot), field(row, "plot_pk_taproot"));
        assert_eq!(
            sk_hex(&contract.taproot_sk().unwrap()),
            field(row, "taproot_sk")
        );
        assert!(solo.taproot_sk().is_none());
        assert_eq!(hex::encode(solo.plot_id()), field(row, "plot_id_solo"));
        assert_eq!(
            hex::encode(contract.plot_id()),
            field(row, "plot_id_contract")
        );

        // v2 ids.
        let pool_pk = pool.public_key();
        let group = keys::plot_group_id_v2(3, &plot_pk, PoolInfo::PublicKey(&pool_pk));
        assert_eq!(hex::encode(group), field(row, "plot_group_id_v2"));
        let ph = b32(field(row, "contract_ph"));
        let group_c =
            keys::plot_group_id_v2(5, &plot_pk_taproot, PoolInfo::ContractPuzzleHash(&ph));
        assert_eq!(
            hex::encode(group_c),
            field(row, "plot_group_id_v2_contract")
        );
        assert_eq!(
            hex::encode(keys::plot_id_v2(&group, 7, 2)),
            field(row, "plot_id_v2_7_2")
        );

        // Signature shares with the plot public key as the augmentation prefix.
        let message = h(field(row, "message"));
        let sig_hex = |sig: &Signature| hex::encode(sig.to_bytes());
        let local = solo.local_sk();
        let local_share = keys::sign_with_plot_key(&local, &message, &plot_pk);
        let farmer_share = keys::sign_with_plot_key(&farmer, &message, &plot_pk);
        assert_eq!(sig_hex(&local_share), field(row, "sig_local"));
        assert_eq!(sig_hex(&farmer_share), field(row, "sig_farmer"));
        assert!(chia_bls::verify(
            &(local_share + &farmer_share),
            &plot_pk,
            &message
        ));
        let taproot = contract.taproot_sk().unwrap();
        let taproot_share = keys::sign_with_plot_key(&taproot, &message, &plot_pk_taproot);
        assert_eq!(sig_hex(&taproot_share), field(row, "sig_taproot"));
        let full = keys::sign_with_plot_key(&local, &message, &plot_pk_taproot)
            + &keys::sign_with_plot_key(&farmer, &message, &plot_pk_taproot)
            + &taproot_share;
        assert!(chia_bls::verify(&full, &plot_pk_taproot, &message));
        assert_eq!(
            sig_hex(&chia_bls::sign(&pool, &message)),
            field(row, "sig_pool")
        );
    }
}

#[test]
fn memo_errors() {
    assert_eq!(
        PlotMemo::parse(&[0; 127]),
        Err(MemoError::BadLength { got: 127 })
    );
    assert_eq!(PlotMemo::parse(&[]), Err(MemoError::BadLength { got: 0 }));
    // An all-zero 48-byte G1 is not canonical infinity (needs 0xc0), so the pool key fails.
    assert!(matches!(
        PlotMemo::parse(&[0; 128]),
        Err(MemoError::PoolPublicKey(_))
    ));
    assert!(matches!(
        PlotMemo::parse(&[0; 112]),
        Err(MemoError::FarmerPublicKey { offset: 32, .. })
    ));
    let master = keys::master_sk_from_seed(&[1; 32]).unwrap();
    let mut memo = vec![0x55; 32];
    memo.extend_from_slice(&keys::farmer_sk(&master).public_key().to_bytes());
    memo.extend_from_slice(&[0xff; 32]);
    assert!(matches!(
        PlotMemo::parse(&memo),
        Err(MemoError::LocalMasterSk(_))
    ));
    assert!(keys::master_sk_from_seed(&[0; 31]).is_none());
}

// harvester-farmer.md §12.1–§12.4, literally.
const POOL_PK: &str = "ae85027692de115db72617b4dc48fafb239049b6d7ae9da33aa0ebd7400861e7715900c90be78cceaaee049f80e37efa";
const FARMER_PK: &str = "80e748bfd595cae29e16d5328ac08edcc8afa41d16cc0fb394e3941e483d5a9c133d1057bb6d0ec598bf3be6e9e4fd86";
const LOCAL_MASTER_SK: &str = "29ef7bbe972fee8d2da19dc12cf81204d12e782c59a8c15ed890b7e9f41a18e5";

#[test]
fn spec_12_1_keys() {
    let seed: Vec<u8> = (0u8..32).collect();
    let master = keys::master_sk_from_seed(&seed).unwrap();
    let sk = |s: &SecretKey| hex::encode(s.to_bytes());
    let pkh = |p: &PublicKey| hex::encode(p.to_bytes());
    assert_eq!(
        sk(&master),
        "4a18022aa9097511134fcf6c024da289058c76d14de712ba264e50e306b6d6e3"
    );
    assert_eq!(
        pkh(&master.public_key()),
        "8f336467f057b373bb3c43815a10ec131119d1bf50c14fa3f9ad86c0ec074f920f936a5315a8365a37fee0afa34c32c6"
    );
    assert_eq!(master.public_key().get_fingerprint(), 1_016_162_455);
    assert_eq!(
        sk(&keys::farmer_sk(&master)),
        "1711e06ab25728f1e4291e7767746958dd71c0c5ec7ef0a57c193e9cb4cc1c57"
    );
    assert_eq!(pkh(&keys::farmer_sk(&master).public_key()), FARMER_PK);
    assert_eq!(
        sk(&keys::pool_sk(&master)),
        "31100432168a72126790e0989bd1016315eaced2ff00816e92e2bc11d5b13d57"
    );
    assert_eq!(pkh(&keys::pool_sk(&master).public_key()), POOL_PK);
    assert_eq!(
        pkh(&keys::wallet_sk(&master, 0).public_key()),
        "b6fa94e46914bdb08e4b9e0fa72cc13f876f2f9f82991db914f7bea2147046e0e4aeb1b8c358b6a9e3f2e9e60545f7d3"
    );
    assert_eq!(
        pkh(&keys::wallet_pk_unhardened(&master.public_key(), 0)),
        "84bbc78269c02aad32c68a0cccbafb0a8102395922115b1e2374fcb72e224f38d55d98f117d633aae3cecc69fe300dd9"
    );
    // "42*32" in §12 is hex notation: 32 bytes of 0x42.
    let local_master = keys::master_sk_from_seed(&[0x42; 32]).unwrap();
    assert_eq!(sk(&local_master), LOCAL_MASTER_SK);
    let local = keys::local_sk(&local_master);
    assert_eq!(
        sk(&local),
        "5236ef76b2b962f89a4a533ae058273c2ee23c38ab17fccbec94aed5c5370b86"
    );
    assert_eq!(
        pkh(&local.public_key()),
        "b399834c71ee5dcaba56af782d101b8c446a0d61ee33cf31e58e19b4f9da1212b31955bfe86a4acdfe20b32129c1e2cf"
    );
    let farmer_pk = pk(FARMER_PK);
    assert_eq!(
        pkh(&keys::plot_public_key(
            &local.public_key(),
            &farmer_pk,
            false
        )),
        "858d5282b63c0507f33dcea0f17d24ecb0998d790ba9dec10d4fac9e333748ccf07ffe8da5de3271ff757e39f3c3ce7b"
    );
    assert_eq!(
        sk(&keys::taproot_sk(&local.public_key(), &farmer_pk)),
        "1c64288affe7d562c13b662679576342867de148d0115adf4725feca7d8579e3"
    );
    assert_eq!(
        pkh(&keys::plot_public_key(
            &local.public_key(),
            &farmer_pk,
            true
        )),
        "8b5281a7d197cf06174b02dfb07fc72a9364c19639fb979914ef5315c970c64ab2d3d0627ec27126373b61cff5cb7ef4"
    );
}

#[test]
fn spec_12_2_memos_and_plot_ids() {
    let solo = PlotMemo::parse(&h(&format!("{POOL_PK}{FARMER_PK}{LOCAL_MASTER_SK}"))).unwrap();
    assert_eq!(
        hex::encode(solo.plot_id()),
        "bd5f95d8130b92dd1254a709824e93787215e71029d122d979d0c2eb7bb5748f"
    );
    let contract = PlotMemo::parse(&h(&format!(
        "{}{FARMER_PK}{LOCAL_MASTER_SK}",
        "55".repeat(32)
    )))
    .unwrap();
    assert_eq!(
        hex::encode(contract.plot_id()),
        "4e4884dfdd5e5351c1a9ebc8341dcbcdc17d830449887164e9e798e3715e77ab"
    );
    let pool_pk = pk(POOL_PK);
    let group = keys::plot_group_id_v2(2, &solo.plot_public_key(), PoolInfo::PublicKey(&pool_pk));
    assert_eq!(
        hex::encode(group),
        "8b51f566a55f99b7a4b570cd54253cda314433f7cc90cf7f419d100e81f61d7b"
    );
    assert_eq!(
        hex::encode(keys::plot_id_v2(&group, 0, 0)),
        "67d6046ff5fb7142e11fafac9dd367b627a6c73a6547c47df2f8c6782c009366"
    );
    assert_eq!(
        hex::encode(keys::plot_id_v2(&group, 258, 3)),
        "0dcd65383c20fc810ad0ffe13eb48fa347e62f4ef2599ea1382a9402240a8ce3"
    );
}

#[test]
fn spec_12_3_filter_and_iterations() {
    let mainnet = ConsensusConstants::mainnet();
    let plot_id = b32("bd5f95d8130b92dd1254a709824e93787215e71029d122d979d0c2eb7bb5748f");
    let filter = consensus::plot_filter_input(&plot_id, &[0x11; 32], &[0x22; 32]);
    assert_eq!(
        hex::encode(filter),
        "07f6b3efa98faf47cd52fa1e98f2cef3189ef880bc1c48c134a6c9308b2fa1fd"
    );
    assert!(!consensus::passes_plot_filter(
        8,
        &plot_id,
        &[0x11; 32],
        &[0x22; 32]
    ));
    assert!(consensus::passes_plot_filter(
        5,
        &plot_id,
        &[0x11; 32],
        &[0x22; 32]
    ));
    assert_eq!(
        hex::encode(consensus::pos_challenge(&plot_id, &[0x11; 32], &[0x22; 32])),
        "3cf48e12ab0707343b23a3b580e9a72d56c78025c09254334f0bc41d6c1faee7"
    );
    let bits: Vec<u8> = [0, 5_495_999, 5_496_000, 10_542_000, 15_592_000, 20_643_000]
        .iter()
        .map(|&h| consensus::prefix_bits(&mainnet, h))
        .collect();
    assert_eq!(bits, [9, 9, 8, 7, 6, 5]);
    let k32 = PlotSize::V1 { k: 32 };
    for (difficulty, iters) in [
        (1, 989_704_928),
        (2000, 1_979_409_857_627),
        (10_000, 9_897_049_288_137),
    ] {
        let got = consensus::calculate_iterations_quality(
            &mainnet,
            &[0x44; 32],
            k32,
            difficulty,
            &[0x22; 32],
            0,
        );
        assert_eq!(got, Ok(iters));
    }
    assert_eq!(
        consensus::sp_interval_iters(&mainnet, 578_813_952),
        Ok(9_043_968)
    );
    assert_eq!(consensus::expected_plot_size_v2(&mainnet), Ok(988_513_566));
    for (strength, iters) in [(2, 139_754_667_578_554), (3, 69_877_333_789_277)] {
        let got = consensus::calculate_iterations_quality(
            &mainnet,
            &[0x44; 32],
            PlotSize::V2 { strength },
            1000,
            &[0x22; 32],
            0,
        );
        assert_eq!(got, Ok(iters), "strength {strength}");
    }
    let group = b32("8b51f566a55f99b7a4b570cd54253cda314433f7cc90cf7f419d100e81f61d7b");
    for sp_index in 0..64 {
        assert!(!consensus::passes_plot_filter_v2(
            &group,
            0,
            9,
            &[0x33; 32],
            sp_index
        ));
    }
    assert!(consensus::passes_plot_filter_v2(
        &group,
        (258 & 0xff) as u8 ^ 2,
        8,
        &[0x33; 32],
        2
    ));
    let group_bits: Vec<u8> = [2, 3, 6, 17]
        .iter()
        .map(|&s| consensus::plot_filter_bits(&mainnet, 0, s).unwrap())
        .collect();
    assert_eq!(group_bits, [9, 10, 13, 13]);
}

#[test]
fn spec_12_4_real_proof_end_to_end() {
    let testnet = ConsensusConstants::testnet11();
    let memo = PlotMemo::parse(&h(&format!("{POOL_PK}{FARMER_PK}{LOCAL_MASTER_SK}"))).unwrap();
    let plot_id = memo.plot_id();
    let challenge_hash = b32("4628b646302039fb72862185cd5b60cb2f19e4bef63c0c4a65e0511410845b5c");
    let sp_hash = [0x22; 32];
    let filter = consensus::plot_filter_input(&plot_id, &challenge_hash, &sp_hash);
    assert_eq!(
        hex::encode(filter),
        "001f23a445db4be59f464d0d13355b8a5d24e7909c0a67c6735028d486c88d5d"
    );
    assert!(consensus::passes_plot_filter(
        9,
        &plot_id,
        &challenge_hash,
        &sp_hash
    ));
    let pos_challenge = consensus::pos_challenge(&plot_id, &challenge_hash, &sp_hash);
    assert_eq!(
        hex::encode(pos_challenge),
        "9e3cad819c98cece0b8dfe70ebbb7d01aff086b96d28490ac2c4b0b408725883"
    );
    let proof = h(concat!(
        "28dc7166b7eef05b879fedd40ab4a95065d0517db7ceec115378e9584723c198b323647a5ef14e0288b872ef",
        "2f3caedf9de5f127caae178d7f1ed9fbb3cd5d841a697b23cfd8dbdfdc606d44b4b267d19da237021548ccd6",
        "21dc12b7b75aac7dfc2f84a6c3a786d0c49ba7d5bebccba20f83a067cbfe630d92040db393c1ce6c587291c5",
        "69bcb5e7c61b9a904074d846"
    ));
    let quality = validate_proof(&plot_id, 18, &pos_challenge, &proof).unwrap();
    assert_eq!(
        hex::encode(quality),
        "d82e9cd54dce78433440632dc1d7977d857562fa2b170272444f5adeffdcc75b"
    );
    let mainnet = ConsensusConstants::mainnet();
    let iters = consensus::calculate_iterations_quality(
        &mainnet,
        &quality,
        PlotSize::V1 { k: 18 },
        1,
        &sp_hash,
        0,
    );
    assert_eq!(iters, Ok(14_590_541_446_092));
    assert!(testnet.min_plot_size_v1 <= 18);

    let plot_pk = memo.plot_public_key();
    let master = keys::master_sk_from_seed(&(0u8..32).collect::<Vec<_>>()).unwrap();
    let farmer = keys::farmer_sk(&master);
    let sig = |s: &Signature| hex::encode(s.to_bytes());
    let harvester_share = keys::sign_with_plot_key(&memo.local_sk(), &sp_hash, &plot_pk);
    let farmer_share = keys::sign_with_plot_key(&farmer, &sp_hash, &plot_pk);
    assert_eq!(
        sig(&harvester_share),
        "a4485079967b33fa9a4a5f599099e768b4e218104c56d1822078d725b4ab452fc4f7683371d845a94b992ad4a162e165024561cdfd50a3076a5b7b4ffe9971eb76ebea9230c76cad5af6582ee697206e1be377ed2d73e91a4c715876cfb4f561"
    );
    assert_eq!(
        sig(&farmer_share),
        "8d7749b3ee021d56b044e0df77753a3cc476ae997262ea777d54d1490bc053a215b5748a64ceea3398c4df02cfcd7ddb003ea040220b0728fdc883c6608563be46cac4bcf2cdaa53ea05a41eac4ced2c6c8611e12e659c49b79474b76cd966ff"
    );
    assert_eq!(
        sig(&(harvester_share + &farmer_share)),
        "a89409a624a7014a7957e50ce2a1b3986032f87d6904cb445157dcbd3ca7f83b87a19af79c3f64c6e4aca061ff8454080c989063495d2e8a92ed4b78f36c38b18f540f0577c55f8a0db4fc8e7baa30d8f7f63464421cb5e50de9d4289762195e"
    );
    let rc_sp = [0x33; 32];
    let rc = keys::sign_with_plot_key(&memo.local_sk(), &rc_sp, &plot_pk)
        + &keys::sign_with_plot_key(&farmer, &rc_sp, &plot_pk);
    assert_eq!(
        sig(&rc),
        "96a73b52e8226c98581aff1d221cb8531a85770d223cfd143479ea49afe96028516399e1f3d0f4903fa26540b7fe33d7012636005af49f5c2d9527e129597b95d30c39b66bc228fcad618293d5965e6b564ca74bffc9f0fd1ac54dcbd87de7bd"
    );
    let mut pool_target = vec![0x77; 32];
    pool_target.extend_from_slice(&[0, 0, 0, 0]);
    let pool_sig = chia_bls::sign(&keys::pool_sk(&master), &pool_target);
    assert_eq!(
        sig(&pool_sig),
        "a1d31c719114a8c4a2b65cb7f4788e13a20db1e8eff73e1a1034505de0c77fbd53ae2e7af032661800b75192045fcafa1366f1bf6c83a6d2476f1ac21e537babf28030570eb39b9da9174e4d914d1904367defaab5632f7b4d88ed4b490fffb2"
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Any bytes give a memo or a typed error; a parsed memo re-serialises to the same bytes.
    #[test]
    fn memo_parse_never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200)) {
        if let Ok(memo) = PlotMemo::parse(&bytes) {
            proptest::prop_assert_eq!(memo.to_bytes(), bytes);
        }
    }
}
