//! Properties of the envelope and handshake codecs: round trips, canonical bytes, and no panic
//! (only typed errors) on arbitrary input, truncation or an extra byte.

#![allow(clippy::unwrap_used)]

use proptest::prelude::*;
use sickle_peer::{Handshake, Message};
use sickle_streamable::Streamable;

fn any_message() -> impl Strategy<Value = Message> {
    (
        any::<u8>(),
        proptest::option::of(any::<u16>()),
        proptest::collection::vec(any::<u8>(), 0..300),
    )
        .prop_map(|(msg_type, id, data)| Message {
            msg_type,
            id,
            data: data.into(),
        })
}

fn any_handshake() -> impl Strategy<Value = Handshake> {
    (
        ".{0,20}",
        "[0-9.]{0,10}",
        ".{0,40}",
        any::<u16>(),
        any::<u8>(),
        proptest::collection::vec((any::<u16>(), ".{0,4}"), 0..6),
    )
        .prop_map(
            |(
                network_id,
                protocol_version,
                software_version,
                server_port,
                node_type,
                capabilities,
            )| {
                Handshake {
                    network_id,
                    protocol_version,
                    software_version,
                    server_port,
                    node_type,
                    capabilities,
                }
            },
        )
}

proptest! {
    #[test]
    fn message_round_trips_and_rejects_one_byte_more_or_less(msg in any_message()) {
        let bytes = msg.to_bytes();
        prop_assert_eq!(bytes.len(), msg.encoded_len());
        prop_assert_eq!(Message::from_bytes(&bytes).unwrap(), msg);
        let mut longer = bytes.clone();
        longer.push(0);
        prop_assert!(Message::from_bytes(&longer).is_err());
        prop_assert!(Message::from_bytes(&bytes[..bytes.len() - 1]).is_err());
    }

    #[test]
    fn handshake_round_trips_and_rejects_one_byte_more_or_less(hs in any_handshake()) {
        let bytes = hs.to_bytes();
        prop_assert_eq!(Handshake::from_bytes(&bytes).unwrap(), hs);
        let mut longer = bytes.clone();
        longer.push(0);
        prop_assert!(Handshake::from_bytes(&longer).is_err());
        prop_assert!(Handshake::from_bytes(&bytes[..bytes.len() - 1]).is_err());
    }

    #[test]
    fn arbitrary_bytes_decode_canonically_or_fail(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        if let Ok(msg) = Message::from_bytes(&bytes) {
            prop_assert_eq!(msg.to_bytes(), bytes.clone());
        }
        if let Ok(hs) = Handshake::from_bytes(&bytes) {
            prop_assert_eq!(hs.to_bytes(), bytes);
        }
    }
}
