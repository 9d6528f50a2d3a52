//! Property tests: structured round trips, and arbitrary or mutated bytes that decode either
//! canonically (re-encoding gives the same bytes) or to an error, never a panic.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use chia_bls::{PublicKey, SecretKey};
use proptest::prelude::*;
use sickle_protocol::classes::{decode_class, encode_class};
use sickle_protocol::{
    PROTOCOL_VERSION, PlotSyncIdentifier, PlotSyncPathList, ProofOfSpace, ProofOfSpaceVersion,
    ProtocolVersion, decode,
};
use sickle_streamable::json::{FromJsonDict, ToJsonDict};
use sickle_streamable::{Bytes, Bytes32, Streamable};
use sickle_vectors::{read_json, unhex};

fn key(seed: u8) -> PublicKey {
    SecretKey::from_seed(&[seed; 32]).public_key()
}

prop_compose! {
    fn proof_of_space()(
        challenge in any::<[u8; 32]>(),
        pool in prop::option::of(0u8..4),
        contract in prop::option::of(any::<[u8; 32]>()),
        plot in 0u8..4,
        v2 in any::<bool>(),
        plot_index in any::<u16>(),
        meta_group in any::<u8>(),
        strength in any::<u8>(),
        size in any::<u8>(),
        proof in prop::collection::vec(any::<u8>(), 0..300),
    ) -> ProofOfSpace {
        // v2 needs exactly one pool field: keep the key when both are drawn, add one when none.
        let (pool, contract) = match (v2, pool, contract) {
            (true, Some(p), Some(_)) => (Some(p), None),
            (true, None, None) => (Some(0), None),
            other => (other.1, other.2),
        };
        let version = if v2 { ProofOfSpaceVersion::V2 } else { ProofOfSpaceVersion::V1 };
        ProofOfSpace {
            challenge: Bytes32::new(challenge),
            pool_public_key: pool.map(key),
            pool_contract_puzzle_hash: contract.map(Bytes32::new),
            plot_public_key: key(plot),
            version,
            plot_index: if v2 { plot_index } else { 0 },
            meta_group: if v2 { meta_group } else { 0 },
            strength: if v2 { strength } else { 0 },
            size: if v2 { 0 } else { size },
            proof: Bytes::new(proof),
        }
    }
}

proptest! {
    #[test]
    fn proof_of_space_round_trips(pos in proof_of_space()) {
        let bytes = pos.to_bytes();
        prop_assert_eq!(&ProofOfSpace::from_bytes(&bytes).unwrap(), &pos);
        prop_assert_eq!(&ProofOfSpace::from_json_dict(&pos.to_json_dict()).unwrap(), &pos);
        // The flag byte carries the version in bit 1.
        let flag = bytes[32 + if pos.pool_public_key.is_some() { 49 } else { 1 }];
        prop_assert_eq!(flag >> 1, pos.version.number());
        prop_assert!(ProofOfSpace::from_bytes(&bytes[..bytes.len() - 1]).is_err());
    }

    #[test]
    fn path_lists_round_trip(
        paths in prop::collection::vec(".*", 0..5),
        ids in any::<(u64, u64, u64)>(),
        last in any::<bool>(),
    ) {
        let list = PlotSyncPathList {
            identifier: PlotSyncIdentifier { timestamp: ids.0, sync_id: ids.1, message_id: ids.2 },
            data: paths,
            r#final: last,
        };
        let bytes = list.to_bytes();
        prop_assert_eq!(&PlotSyncPathList::from_bytes(&bytes).unwrap(), &list);
        let json = list.to_json_dict();
        prop_assert_eq!(encode_class("PlotSyncPathList", &json).unwrap().bytes, bytes);
    }

    #[test]
    fn arbitrary_payloads_decode_canonically_or_fail(
        id in any::<u8>(),
        data in prop::collection::vec(any::<u8>(), 0..600),
        old in any::<bool>(),
    ) {
        let version: ProtocolVersion = if old { "0.0.36" } else { PROTOCOL_VERSION }.parse().unwrap();
        if let Ok(message) = decode(id, &version, &data) {
            prop_assert_eq!(message.to_bytes(), data);
            prop_assert_eq!(message.msg_type().id(), id);
        }
    }

    #[test]
    fn mutated_reference_vectors_decode_canonically_or_fail(
        pick in any::<prop::sample::Index>(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..4),
    ) {
        let file = read_json("protocol/messages.json");
        let cases = file["cases"].as_array().unwrap();
        let case = &cases[pick.index(cases.len())];
        let class = case["class"].as_str().unwrap();
        let mut bytes = unhex(case["hex"].as_str().unwrap());
        for (at, byte, op) in edits {
            let i = at.index(bytes.len() + 1);
            match op {
                0 if i < bytes.len() => bytes[i] = byte,
                1 => bytes.insert(i, byte),
                _ if i < bytes.len() => { bytes.remove(i); }
                _ => {}
            }
        }
        if let Ok(decoded) = decode_class(class, &bytes) {
            prop_assert_eq!(decoded.bytes, bytes);
        }
    }
}
