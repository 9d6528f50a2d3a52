//! Decodes arbitrary frames and payloads through `sickle_protocol::decode` for every message id:
//! never a panic, and whatever decodes re-encodes to the same bytes, with one byte more or less
//! refused.
//!
//! Input: a selector byte, then either a whole `Message` frame (even selector) or an id byte and
//! a payload (odd selector). Bit 1 of the selector picks the harvester version that decides the
//! format of id 66 (0.0.38 or 0.0.36).
#![cfg_attr(fuzzing, no_main)]

use sickle_fuzz::check_streamable;
use sickle_protocol::{Message, ProofOfSpace, ProtocolVersion, decode};
use sickle_streamable::Streamable;

fn check_payload(msg_type: u8, version: &ProtocolVersion, payload: &[u8]) {
    let Ok(message) = decode(msg_type, version, payload) else {
        return;
    };
    assert_eq!(message.to_bytes(), payload, "payload re-encoding differs");
    assert_eq!(
        message.msg_type().id(),
        msg_type,
        "decoded under another id"
    );
    let mut longer = payload.to_vec();
    longer.push(0);
    assert!(
        decode(msg_type, version, &longer).is_err(),
        "one extra byte decoded"
    );
    if let Some((_, shorter)) = payload.split_last() {
        assert!(
            decode(msg_type, version, shorter).is_err(),
            "one byte short decoded"
        );
    }
}

fn run(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let version = ProtocolVersion::new(0, 0, if selector & 2 == 0 { 38 } else { 36 });
    if selector & 1 == 0 {
        check_streamable::<Message>(rest);
        if let Ok(frame) = Message::from_bytes(rest) {
            check_payload(frame.msg_type, &version, &frame.data);
        }
    } else if let Some((&msg_type, payload)) = rest.split_first() {
        check_payload(msg_type, &version, payload);
        if selector & 4 != 0 {
            check_streamable::<ProofOfSpace>(payload);
        }
    }
}

#[cfg(fuzzing)]
libfuzzer_sys::fuzz_target!(|data: &[u8]| run(data));

#[cfg(not(fuzzing))]
fn main() {
    sickle_fuzz::replay_args(run);
}
