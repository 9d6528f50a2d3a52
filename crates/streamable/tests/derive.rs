//! The derive on structs, unit structs and `#[repr(u8)]` enums, checked against bytes chia
//! produced (wire.md §13).
#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

use sickle_streamable::{Bytes, Bytes32, Cursor, Error, Streamable};

#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
struct Handshake {
    network_id: String,
    protocol_version: String,
    software_version: String,
    server_port: u16,
    node_type: u8,
    capabilities: Vec<(u16, String)>,
}

#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
struct RequestPlots;

#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
struct Empty {}

#[derive(Streamable, Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum NodeType {
    FullNode = 1,
    Harvester = 2,
    Farmer = 3,
}

#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
struct ErrorMessage {
    code: i16,
    message: String,
    data: Option<Bytes>,
}

#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
struct Nested {
    kind: NodeType,
    hashes: Vec<Option<Bytes32>>,
    pair: (bool, [u8; 3]),
    unit: RequestPlots,
}

fn harvester_handshake() -> Handshake {
    Handshake {
        network_id: "mainnet".into(),
        protocol_version: "0.0.38".into(),
        software_version: "2.7.5".into(),
        server_port: 0,
        node_type: 2,
        capabilities: vec![(1, "1".into()), (2, "1".into()), (3, "1".into())],
    }
}

const HANDSHAKE_HEX: &str = "000000076d61696e6e657400000006302e302e333800000005322e372e35000002\
                             00000003000100000001310002000000013100030000000131";

#[test]
fn handshake_matches_chia_bytes_and_hash() {
    let value = harvester_handshake();
    let bytes = value.to_bytes();
    assert_eq!(hex::encode(&bytes), HANDSHAKE_HEX);
    assert_eq!(
        value.hash().to_string(),
        "c73807570d4e7e8428efd2ed3804b82ec8ac48b98f753011429e1bb30f9e334c"
    );
    assert_eq!(Handshake::from_bytes(&bytes).unwrap(), value);
    assert_eq!(<Handshake as Streamable>::MIN_SIZE, 4 + 4 + 4 + 2 + 1 + 4);
}

#[test]
fn handshake_rejects_trailing_and_short() {
    let mut bytes = harvester_handshake().to_bytes();
    bytes.push(0);
    assert!(matches!(
        Handshake::from_bytes(&bytes),
        Err(Error::TrailingBytes {
            trailing: 1,
            consumed: 58,
            ..
        })
    ));
    bytes.truncate(57);
    assert!(matches!(
        Handshake::from_bytes(&bytes),
        Err(Error::EndOfBuffer {
            type_name: "str",
            offset: 57,
            needed: 1,
            remaining: 0
        })
    ));
}

#[test]
fn error_message_matches_chia() {
    let value = ErrorMessage {
        code: -6,
        message: "x".into(),
        data: None,
    };
    assert_eq!(hex::encode(value.to_bytes()), "fffa000000017800");
}

#[test]
fn unit_structs_are_zero_bytes() {
    assert!(RequestPlots.to_bytes().is_empty());
    assert!(Empty {}.to_bytes().is_empty());
    assert_eq!(RequestPlots::from_bytes(&[]).unwrap(), RequestPlots);
    assert!(RequestPlots::from_bytes(&[0]).is_err());
}

#[test]
fn enum_is_one_byte_and_rejects_unknown() {
    assert_eq!(NodeType::Farmer.to_bytes(), [3]);
    assert_eq!(NodeType::from_bytes(&[2]).unwrap(), NodeType::Harvester);
    assert_eq!(NodeType::from_bytes(&[1]).unwrap(), NodeType::FullNode);
    assert_eq!(
        NodeType::from_bytes(&[9]),
        Err(Error::InvalidEnum {
            type_name: "NodeType",
            offset: 0,
            got: 9
        })
    );
}

#[test]
fn nested_round_trips_and_digest_matches_stream() {
    let value = Nested {
        kind: NodeType::Harvester,
        hashes: vec![None, Some(Bytes32::new([7; 32]))],
        pair: (true, [1, 2, 3]),
        unit: RequestPlots,
    };
    let bytes = value.to_bytes();
    assert_eq!(bytes.len(), 1 + 4 + 1 + 33 + 1 + 3);
    let mut cursor = Cursor::new(&bytes);
    let parsed = Nested::parse::<false>(&mut cursor).unwrap();
    assert_eq!(parsed, value);
    assert_eq!(cursor.remaining(), 0);
    use sickle_streamable::sha2::{Digest, Sha256};
    assert_eq!(value.hash().0, <[u8; 32]>::from(Sha256::digest(&bytes)));
}
