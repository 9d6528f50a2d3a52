//! Every case of `crates/vectors/data/protocol/` (made by `xtask/py/gen_protocol.py` with chia
//! 2.7.5's own classes): decode, re-encode, hash and JSON identical to the reference, JSON back to
//! the same bytes, whole frames through `decode`, and every rejected payload refused.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use sickle_protocol::classes::{CLASS_NAMES, decode_class, encode_class};
use sickle_protocol::{Message, PROTOCOL_VERSION, ProtocolVersion, decode};
use sickle_streamable::Streamable;
use sickle_streamable::json::ToJsonDict;
use sickle_vectors::{read_json, unhex};

#[test]
fn every_message_case_matches_the_reference() {
    let file = read_json("protocol/messages.json");
    let cases = file["cases"].as_array().unwrap();
    assert!(cases.len() >= 280, "only {} cases", cases.len());
    let mut hashed = 0;
    for case in cases {
        let class = case["class"].as_str().unwrap();
        let label = case["label"].as_str().unwrap();
        let bytes = unhex(case["hex"].as_str().unwrap());
        let decoded =
            decode_class(class, &bytes).unwrap_or_else(|e| panic!("{class} {label}: {e}"));
        assert_eq!(decoded.bytes, bytes, "{class} {label}: re-encoding");
        assert_eq!(decoded.json, case["json"], "{class} {label}: json");
        assert_eq!(
            hex::encode(decoded.hash),
            case["sha256"].as_str().unwrap(),
            "{class} {label}: sha256"
        );
        if let Some(hash) = case["hash"].as_str() {
            assert_eq!(hex::encode(decoded.hash), hash, "{class} {label}: get_hash");
            hashed += 1;
        }
        let from_json = encode_class(class, &case["json"])
            .unwrap_or_else(|e| panic!("{class} {label} from json: {e}"));
        assert_eq!(from_json.bytes, bytes, "{class} {label}: json -> bytes");
    }
    assert!(hashed + 8 >= cases.len());
    // Every class the generator knows is a class Rust knows, and the reverse (Message aside).
    for name in CLASS_NAMES.iter().filter(|n| **n != "Message") {
        assert!(
            cases.iter().any(|c| c["class"] == *name),
            "no vectors for {name}"
        );
    }
}

#[test]
fn every_frame_decodes_as_chia_made_it() {
    let file = read_json("protocol/frames.json");
    let version: ProtocolVersion = PROTOCOL_VERSION.parse().unwrap();
    for frame in file["frames"].as_array().unwrap() {
        let bytes = unhex(frame["hex"].as_str().unwrap());
        let msg = Message::from_bytes(&bytes).unwrap();
        assert_eq!(msg.to_json_dict(), frame["json"]);
        assert_eq!(msg.to_bytes(), bytes);
        let kind = msg.known_type().unwrap();
        assert_eq!(kind.name(), frame["type_name"].as_str().unwrap());
        let payload = decode(msg.msg_type, &version, &msg.data).unwrap();
        assert_eq!(payload.class_name(), frame["class"].as_str().unwrap());
        assert_eq!(payload.to_json_dict(), frame["payload_json"]);
        assert_eq!(payload.to_bytes(), msg.data.as_slice());
        assert_eq!(payload.msg_type(), kind);
    }
}

#[test]
fn every_rejected_payload_is_refused() {
    let file = read_json("protocol/rejected.json");
    let rejected = file["rejected"].as_array().unwrap();
    assert!(rejected.len() >= 10);
    for case in rejected {
        let class = case["class"].as_str().unwrap();
        let why = case["why"].as_str().unwrap();
        let bytes = unhex(case["hex"].as_str().unwrap());
        assert!(
            decode_class(class, &bytes).is_err(),
            "{class} accepted although chia refuses it: {why}"
        );
    }
}
