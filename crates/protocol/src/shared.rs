//! What every chia link shares: the `Handshake`, `ConfigureWindowSizes` and `Error` payloads
//! (chia-blockchain: chia/protocols/shared_protocol.py).

use sickle_streamable::{Bytes, Streamable};

use crate::{ChiaProtocolMessage, NodeType, ProtocolMessageTypes};

/// The first message each side sends (type 1).
#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
pub struct Handshake {
    /// `network_id`: e.g. `"mainnet"` or `"testnet11"`; must equal ours.
    pub network_id: String,
    /// `protocol_version`, e.g. `"0.0.38"` (see [`crate::ProtocolVersion`]).
    pub protocol_version: String,
    /// `software_version`, e.g. `"2.7.5"`; chia refuses more than 128 UTF-8 bytes.
    pub software_version: String,
    /// `server_port`: the sender's listening port, 0 when it does not listen.
    pub server_port: u16,
    /// `node_type`: a [`NodeType`] id, kept raw so decoding is no stricter than chia's.
    pub node_type: u8,
    /// `capabilities`: `(id, value)`; only value `"1"` enables.
    pub capabilities: Vec<(u16, String)>,
}

impl Handshake {
    /// Whether capability `id` is enabled (value `"1"`).
    pub fn has_capability(&self, id: impl Into<u16>) -> bool {
        let id = id.into();
        self.capabilities
            .iter()
            .any(|(cap, value)| *cap == id && value == "1")
    }

    /// The sender's node type, if it is one chia knows.
    pub fn node(&self) -> Option<NodeType> {
        NodeType::from_id(self.node_type)
    }
}

/// Per-message-type rate windows, exchanged after the handshake when both sides have
/// RATE_LIMITS_V3 (type 111). `(message type, window)`, window 0 = unlimited.
#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
pub struct ConfigureWindowSizes {
    /// `settings`.
    pub settings: Vec<(u8, u16)>,
}

/// An error reply (type 255), sent by chia's `ApiError` to peers at 0.0.35 or later.
#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// `code`: chia's `Err` number.
    pub code: i16,
    /// `message`.
    pub message: String,
    /// `data`.
    pub data: Option<Bytes>,
}

impl ChiaProtocolMessage for Handshake {
    const MSG_TYPE: ProtocolMessageTypes = ProtocolMessageTypes::Handshake;
}

impl ChiaProtocolMessage for ConfigureWindowSizes {
    const MSG_TYPE: ProtocolMessageTypes = ProtocolMessageTypes::ConfigureWindowSizes;
}

impl ChiaProtocolMessage for Error {
    const MSG_TYPE: ProtocolMessageTypes = ProtocolMessageTypes::Error;
}
