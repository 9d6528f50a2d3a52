//! The literal vectors of wire.md §13 (chia 2.7.5's own bytes), decoded, re-encoded and checked
//! field by field.

#![allow(clippy::unwrap_used)]

use sickle_protocol::{
    HarvesterMessage, Message, NewSignagePointHarvester2, NodeType, PROTOCOL_VERSION, ProofOfSpace,
    ProofOfSpaceVersion, ProtocolError, ProtocolMessageTypes, ProtocolVersion, decode,
};
use sickle_streamable::Streamable;

const HARVESTER_HANDSHAKE: &str = "01000000003a000000076d61696e6e657400000006302e302e333800000005322e372e3500000200000003000100000001310002000000013100030000000131";
const FARMER_HANDSHAKE: &str = "01000000003a000000076d61696e6e657400000006302e302e333800000005322e372e3520ff0300000003000100000001310002000000013100030000000131";
const FARMER_PK: &str = "80e748bfd595cae29e16d5328ac08edcc8afa41d16cc0fb394e3941e483d5a9c133d1057bb6d0ec598bf3be6e9e4fd86";
const POOL_PK: &str = "ae85027692de115db72617b4dc48fafb239049b6d7ae9da33aa0ebd7400861e7715900c90be78cceaaee049f80e37efa";
const PLOT_PK: &str = "858d5282b63c0507f33dcea0f17d24ecb0998d790ba9dec10d4fac9e333748ccf07ffe8da5de3271ff757e39f3c3ce7b";

fn unhex(s: &str) -> Vec<u8> {
    hex::decode(s.replace([' ', '\n'], "")).unwrap()
}

fn current() -> ProtocolVersion {
    PROTOCOL_VERSION.parse().unwrap()
}

#[test]
fn handshakes_decode_and_hash_as_chia() {
    let frame = unhex(HARVESTER_HANDSHAKE);
    let msg = Message::from_bytes(&frame).unwrap();
    assert_eq!((msg.msg_type, msg.id), (1, None));
    let HarvesterMessage::Handshake(hs) = decode(msg.msg_type, &current(), &msg.data).unwrap()
    else {
        panic!("not a handshake")
    };
    assert_eq!(hs.network_id, "mainnet");
    assert_eq!(hs.protocol_version, "0.0.38");
    assert_eq!(hs.node(), Some(NodeType::Harvester));
    assert!(hs.has_capability(sickle_protocol::Capability::RateLimitsV2));
    assert!(!hs.has_capability(7u16));
    assert_eq!(hs.capabilities, sickle_protocol::default_capabilities());
    assert_eq!(
        hex::encode(hs.hash()),
        "c73807570d4e7e8428efd2ed3804b82ec8ac48b98f753011429e1bb30f9e334c"
    );
    assert_eq!(Message::new(&hs, None).to_bytes(), frame);

    let frame = unhex(FARMER_HANDSHAKE);
    let msg = Message::from_bytes(&frame).unwrap();
    let hs = sickle_protocol::Handshake::from_bytes(&msg.data).unwrap();
    assert_eq!((hs.server_port, hs.node()), (8447, Some(NodeType::Farmer)));
    assert_eq!(msg.to_bytes(), frame);
    assert_eq!(msg.encoded_len(), frame.len());
}

#[test]
fn harvester_handshake_message() {
    let frame = unhex(&format!("03000000006800000001{FARMER_PK}00000001{POOL_PK}"));
    let msg = Message::from_bytes(&frame).unwrap();
    let decoded = decode(msg.msg_type, &current(), &msg.data).unwrap();
    let HarvesterMessage::HarvesterHandshake(hh) = &decoded else {
        panic!("wrong variant")
    };
    assert_eq!(hex::encode(hh.farmer_public_keys[0].to_bytes()), FARMER_PK);
    assert_eq!(hex::encode(hh.pool_public_keys[0].to_bytes()), POOL_PK);
    assert_eq!(decoded.to_bytes(), msg.data.as_slice());
    assert_eq!(decoded.msg_type(), ProtocolMessageTypes::HarvesterHandshake);
}

fn sp2_payload() -> Vec<u8> {
    unhex(&format!(
        "{}00000000000007d0000000002280000007{}00000001{}{}{}006acfc0006acfbe00",
        "11".repeat(32),
        "22".repeat(32),
        "00000000000003e8",
        "00000008c1227800",
        "55".repeat(32)
    ))
}

#[test]
fn signage_point_format_follows_the_harvester_version() {
    let payload = sp2_payload();
    assert_eq!(payload.len(), 142);
    let HarvesterMessage::NewSignagePointHarvester2(sp) = decode(66, &current(), &payload).unwrap()
    else {
        panic!("wrong variant")
    };
    assert_eq!(sp.peak_height, 7_000_000);
    assert_eq!(sp.last_tx_height, 6_999_998);
    assert_eq!(sp.pool_difficulties[0].sub_slot_iters, 37_600_000_000);
    assert_eq!(sp.filter_challenge, None);
    assert_eq!(sp.to_bytes(), payload);

    // The old format: the first 133 bytes, then filter_prefix_bits = 8.
    let mut old = payload[..133].to_vec();
    old.push(8);
    let v36: ProtocolVersion = "0.0.36".parse().unwrap();
    let HarvesterMessage::NewSignagePointHarvester(sp1) = decode(66, &v36, &old).unwrap() else {
        panic!("wrong variant")
    };
    assert_eq!(sp1.filter_prefix_bits, 8);
    assert_eq!(sp1.to_bytes(), old);
    // Old bytes do not parse as the new format, nor the reverse.
    assert!(matches!(
        decode(66, &current(), &old),
        Err(ProtocolError::Payload { .. })
    ));
    assert!(decode(66, &v36, &payload).is_err());
    let v37: ProtocolVersion = "0.0.37".parse().unwrap();
    assert!(matches!(
        decode(66, &v37, &payload),
        Err(ProtocolError::NoSignagePointFormat(_))
    ));

    let with_filter = unhex(
        "111111111111111111111111111111111111111111111111111111111111111100000000000007d0000000002280000007222222222222222222222222222222222222222222222222222222222222222200000000006acfc0006acfbe013333333333333333333333333333333333333333333333333333333333333333",
    );
    let sp = NewSignagePointHarvester2::from_bytes(&with_filter).unwrap();
    assert!(sp.pool_difficulties.is_empty());
    assert_eq!(sp.filter_challenge.unwrap().as_slice(), &[0x33; 32]);
}

fn pos_v1_bytes() -> Vec<u8> {
    let proof: String = (0u8..=255).map(|b| format!("{b:02x}")).collect();
    unhex(&format!(
        "3cf48e12ab0707343b23a3b580e9a72d56c78025c09254334f0bc41d6c1faee701{POOL_PK}00{PLOT_PK}2000000100{proof}"
    ))
}

#[test]
fn proof_of_space_v1_and_v2() {
    let bytes = pos_v1_bytes();
    assert_eq!(bytes.len(), 391);
    let pos = ProofOfSpace::from_bytes(&bytes).unwrap();
    assert_eq!(pos.version, ProofOfSpaceVersion::V1);
    assert_eq!(pos.size, 32);
    assert_eq!(pos.proof.len(), 256);
    assert!(pos.pool_contract_puzzle_hash.is_none());
    assert_eq!(pos.to_bytes(), bytes);

    let v2 = unhex(&format!(
        "{}01{FARMER_PK}02{FARMER_PK}0102030200000004aaaaaaaa",
        "01".repeat(32)
    ));
    let pos = ProofOfSpace::from_bytes(&v2).unwrap();
    assert_eq!(pos.version, ProofOfSpaceVersion::V2);
    assert_eq!(
        (pos.plot_index, pos.meta_group, pos.strength, pos.size),
        (258, 3, 2, 0)
    );
    assert_eq!(pos.to_bytes(), v2);

    let v2_contract = unhex(&format!(
        "{}0003{}{FARMER_PK}0102030200000004aaaaaaaa",
        "01".repeat(32),
        "02".repeat(32)
    ));
    let pos = ProofOfSpace::from_bytes(&v2_contract).unwrap();
    assert_eq!(pos.pool_contract_puzzle_hash.unwrap().as_slice(), &[2; 32]);
    assert_eq!(pos.to_bytes(), v2_contract);

    // Flag byte 4 (version 2) is refused, as chia_rs' InvalidPoS.
    let mut bad = bytes.clone();
    bad[32 + 49] = 4;
    assert!(ProofOfSpace::from_bytes(&bad).is_err());
    // v2 with both a pool key and a contract hash is refused.
    let both = unhex(&format!(
        "{}01{FARMER_PK}03{}{FARMER_PK}0102030200000004aaaaaaaa",
        "01".repeat(32),
        "02".repeat(32)
    ));
    assert!(ProofOfSpace::from_bytes(&both).is_err());
    // v2 with neither is refused too; v1 with neither is accepted (the verifier's job).
    let neither = unhex(&format!(
        "{}0002{FARMER_PK}0102030200000004aaaaaaaa",
        "01".repeat(32)
    ));
    assert!(ProofOfSpace::from_bytes(&neither).is_err());
    let v1_neither = unhex(&format!("{}0000{FARMER_PK}1200000000", "01".repeat(32)));
    assert!(ProofOfSpace::from_bytes(&v1_neither).is_ok());
}

#[test]
fn new_proof_and_signatures() {
    let identifier = format!("{}/plots/plot-k32-test.plot", "44".repeat(32));
    let ident_hex = hex::encode(identifier.as_bytes());
    let payload = unhex(&format!(
        "{}{}00000059{ident_hex}{}07000000",
        "11".repeat(32),
        "22".repeat(32),
        hex::encode(pos_v1_bytes())
    ));
    assert_eq!(payload.len(), 552);
    let HarvesterMessage::NewProofOfSpace(npos) = decode(5, &current(), &payload).unwrap() else {
        panic!("wrong variant")
    };
    assert_eq!(npos.plot_identifier, identifier);
    assert_eq!(npos.signage_point_index, 7);
    assert_eq!(npos.to_bytes(), payload);

    let frame = unhex(&format!(
        "06018000000000e300000059{ident_hex}{}{}00000002{}{}0000",
        "11".repeat(32),
        "22".repeat(32),
        "66".repeat(32),
        "77".repeat(32)
    ));
    assert_eq!(frame.len(), 235);
    let msg = Message::from_bytes(&frame).unwrap();
    assert_eq!(msg.id, Some(0x8000));
    let HarvesterMessage::RequestSignatures(req) = decode(6, &current(), &msg.data).unwrap() else {
        panic!("wrong variant")
    };
    assert_eq!(req.messages.len(), 2);
    assert!(req.message_data.is_none() && req.rc_block_unfinished.is_none());
    assert_eq!(Message::new(req.as_ref(), Some(0x8000)).to_bytes(), frame);

    let resp = unhex(&format!(
        "070180000000020300000059{ident_hex}{}{}b399834c71ee5dcaba56af782d101b8c446a0d61ee33cf31e58e19b4f9da1212b31955bfe86a4acdfe20b32129c1e2cf{FARMER_PK}00000002{}9970fdc2d700449846b47377aefa74458b65c64b419926d0e105dbb254c393c1e83c7ca74507bb0495b38b58405b1d201081f2b9540a7994c1338a384a5093e542d4e926e46bd4f06f117c34cff72e13f927c4e7dd683bf403920f007f00297e{}83014610351e4d8c9a2f5b23228e9f8eda7ff57b5760a91cae41ca52e185fe947b06f6a71789b512fb3478bb063f3d6c02d1797e03c71254cbb6833b1b7b9e08e345fa69d9ccd1cc89b13db7be4a02686043a805d9ddfceceec3729573557626 0000",
        "11".repeat(32),
        "22".repeat(32),
        "66".repeat(32),
        "77".repeat(32)
    ));
    assert_eq!(resp.len(), 523);
    let msg = Message::from_bytes(&resp).unwrap();
    let decoded = decode(msg.msg_type, &current(), &msg.data).unwrap();
    assert!(matches!(decoded, HarvesterMessage::RespondSignatures(_)));
    assert_eq!(decoded.to_bytes(), msg.data.as_slice());
}

#[test]
fn plot_sync_and_others() {
    let v = current();
    for (id, hex_payload) in [
        (
            78u8,
            "000000006553f100000000006553f10000000000000000000100000000000000000000000101",
        ),
        (
            80,
            "000000006553f101000000006553f10000000000000000020000000001",
        ),
        (
            84,
            "000000006553f101000000006553f10000000000000000060000000000000000",
        ),
        (85, "000000006553f100000000006553f1000000000000000000004e00"),
        (
            85,
            "000000006553f101000000006553f100000000000000000300500100020000000365727201000000006553f101000000006553f1000000000000000002",
        ),
        (255, "fffa000000017800"),
        (
            111,
            "000000261d00021e00001f00001a00021b00001c00003300023400003500005600025800005700003c00023e00003d00004600024700004800024900006200026300006400006500026600006700003900023a00003b00003600023700003800001800021900002d00022e00002f0000160003170000",
        ),
    ] {
        let payload = unhex(hex_payload);
        let decoded = decode(id, &v, &payload).unwrap();
        assert_eq!(decoded.msg_type().id(), id);
        assert_eq!(decoded.to_bytes(), payload, "id {id}");
        // One byte more or less is refused.
        let mut long = payload.clone();
        long.push(0);
        assert!(decode(id, &v, &long).is_err());
        assert!(decode(id, &v, &payload[..payload.len() - 1]).is_err());
    }
    let HarvesterMessage::PlotSyncStart(start) = decode(
        78,
        &v,
        &unhex("000000006553f100000000006553f10000000000000000000100000000000000000000000101"),
    )
    .unwrap() else {
        panic!("wrong variant")
    };
    assert!(start.initial);
    assert_eq!(start.mode(), Some(sickle_protocol::HarvestingMode::Cpu));
    let HarvesterMessage::Error(err) = decode(255, &v, &unhex("fffa000000017800")).unwrap() else {
        panic!("wrong variant")
    };
    assert_eq!((err.code, err.message.as_str(), err.data), (-6, "x", None));

    let loaded2 = unhex(&format!(
        "000000006553f101000000006553f100000000000000000100000001000000192f706c6f74732f706c6f742d6b33322d746573742e706c6f7420bd5f95d8130b92dd1254a709824e93787215e71029d122d979d0c2eb7bb5748f01{POOL_PK}00{PLOT_PK}000000195999999a000000006553f1000100000000 01"
    ));
    assert_eq!(loaded2.len(), 210);
    let HarvesterMessage::PlotSyncLoaded2(list) = decode(112, &v, &loaded2).unwrap() else {
        panic!("wrong variant")
    };
    assert!(list.r#final);
    assert_eq!(list.data[0].file_size, 108_877_420_954);
    assert_eq!(list.data[0].compression_level, Some(0));
    // The old list is the same without plot_index and meta_group.
    let old: sickle_protocol::PlotSyncPlotList = sickle_protocol::PlotSyncPlotList {
        identifier: list.identifier,
        data: list.data.iter().cloned().map(Into::into).collect(),
        r#final: true,
    };
    let old_bytes = old.to_bytes();
    assert_eq!(old_bytes.len(), 207);
    assert_eq!(old_bytes[..204], loaded2[..204]);
    assert!(matches!(
        decode(79, &v, &old_bytes).unwrap(),
        HarvesterMessage::PlotSyncLoaded(_)
    ));
}

#[test]
fn unknown_and_foreign_ids_are_errors() {
    let v = current();
    assert!(matches!(
        decode(4, &v, &[]),
        Err(ProtocolError::UnknownType(4))
    ));
    assert!(matches!(
        decode(200, &v, &[]),
        Err(ProtocolError::UnknownType(200))
    ));
    assert!(matches!(
        decode(20, &v, &[]),
        Err(ProtocolError::NotOnLink(ProtocolMessageTypes::NewPeak))
    ));
    assert!(matches!(
        decode(67, &v, &[]).unwrap(),
        HarvesterMessage::RequestPlots(_)
    ));
    assert!(decode(67, &v, &[0]).is_err());
}
