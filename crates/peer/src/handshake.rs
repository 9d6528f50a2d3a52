//! The chia handshake (chia-blockchain: chia/server/ws_connection.py `perform_handshake`).
//!
//! ```text
//! dialler                                  acceptor
//!   Handshake(our version) ───────────────▶  checks 1–3, 5, 6 (no reply on failure)
//!                          ◀─────────────── Handshake(version_for(remote node type))
//!   checks 1–3, 5, 6, 8                      check 8
//! ```
//!
//! We never advertise RATE_LIMITS_V3 (capability 7) and never add it to a reply, so no
//! `ConfigureWindowSizes` exchange follows with any chia peer.

use crate::message::{DecodeError, HANDSHAKE, Message};
use sickle_protocol::NodeType;
use sickle_streamable::Streamable;

pub use sickle_protocol::{Handshake, ProtocolVersion, default_capabilities};

/// `INVALID_HANDSHAKE` close reason.
pub const ERR_INVALID_HANDSHAKE: &str = "-6";
/// `INCOMPATIBLE_NETWORK_ID` close reason.
pub const ERR_INCOMPATIBLE_NETWORK_ID: &str = "110";
/// `INVALID_PROTOCOL_MESSAGE` close reason.
pub const ERR_INVALID_PROTOCOL_MESSAGE: &str = "-4";
/// `UNKNOWN` close reason (an exception while handling a message).
pub const ERR_UNKNOWN: &str = "1";
/// WebSocket close code chia uses for every protocol error.
pub const CLOSE_PROTOCOL_ERROR: u16 = 1002;

/// Longest `software_version` chia accepts, in UTF-8 bytes.
pub const MAX_SOFTWARE_VERSION_LEN: usize = 128;

/// Node type ids as the `u8` the handshake carries, named after sickle-protocol's [`NodeType`].
pub mod node_type {
    use sickle_protocol::NodeType;

    /// Full node.
    pub const FULL_NODE: u8 = NodeType::FullNode as u8;
    /// Harvester.
    pub const HARVESTER: u8 = NodeType::Harvester as u8;
    /// Farmer.
    pub const FARMER: u8 = NodeType::Farmer as u8;
    /// Timelord.
    pub const TIMELORD: u8 = NodeType::Timelord as u8;
    /// Introducer.
    pub const INTRODUCER: u8 = NodeType::Introducer as u8;
    /// Wallet.
    pub const WALLET: u8 = NodeType::Wallet as u8;
    /// Data layer.
    pub const DATA_LAYER: u8 = NodeType::DataLayer as u8;
    /// Solver.
    pub const SOLVER: u8 = NodeType::Solver as u8;
}

/// The protocol version chia 2.7.5 speaks with a node type given as its handshake `u8`
/// (sickle-protocol's table); `None` for a node type chia does not know.
pub fn protocol_version_for(node_type: u8) -> Option<&'static str> {
    NodeType::from_id(node_type).map(sickle_protocol::protocol_version_for)
}

/// A handshake check failed; [`HandshakeError::close_reason`] gives what chia sends for it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HandshakeError {
    /// The first frame was not a decodable message.
    #[error("handshake frame does not decode: {0}")]
    Envelope(DecodeError),
    /// The first message was not a handshake.
    #[error("expected a handshake (type 1), got type {got}")]
    NotHandshake {
        /// The type received.
        got: u8,
    },
    /// The handshake payload did not decode.
    #[error("handshake payload does not decode: {0}")]
    Payload(sickle_streamable::Error),
    /// The peer is on another network.
    #[error("network id mismatch: ours {ours:?}, theirs {theirs:?}")]
    NetworkMismatch {
        /// Our network.
        ours: String,
        /// Theirs.
        theirs: String,
    },
    /// The node type is not one chia knows.
    #[error("unknown node type {0}")]
    UnknownNodeType(u8),
    /// The software version string is too long.
    #[error("software version of {len} bytes exceeds {MAX_SOFTWARE_VERSION_LEN}")]
    SoftwareVersionTooLong {
        /// Its length.
        len: usize,
    },
    /// The protocol version does not parse.
    #[error("protocol version {0:?} does not parse")]
    BadProtocolVersion(String),
    /// The peer closed the WebSocket instead of completing the handshake.
    #[error("peer closed with code {code} reason {reason:?} during the handshake")]
    Refused {
        /// Close code it sent.
        code: u16,
        /// Reason it sent (chia: a decimal `Err` code).
        reason: String,
    },
    /// The peer sent a text frame, or the stream ended before the handshake.
    #[error("peer did not send a handshake: {0}")]
    NoHandshake(&'static str),
}

impl HandshakeError {
    /// The WebSocket close code and reason chia sends for this failure.
    pub fn close_reason(&self) -> (u16, &'static str) {
        match self {
            HandshakeError::NetworkMismatch { .. } => {
                (CLOSE_PROTOCOL_ERROR, ERR_INCOMPATIBLE_NETWORK_ID)
            }
            HandshakeError::UnknownNodeType(_) | HandshakeError::BadProtocolVersion(_) => {
                (CLOSE_PROTOCOL_ERROR, ERR_UNKNOWN)
            }
            _ => (CLOSE_PROTOCOL_ERROR, ERR_INVALID_HANDSHAKE),
        }
    }
}

/// What we say about ourselves in the handshake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalIdentity {
    /// Our network name (`selected_network`).
    pub network_id: String,
    /// Our node type.
    pub node_type: u8,
    /// Our listening port, 0 if we do not listen.
    pub server_port: u16,
    /// Our software version (≤ 128 bytes).
    pub software_version: String,
    /// Capabilities we advertise; never include 7 (RATE_LIMITS_V3).
    pub capabilities: Vec<(u16, String)>,
}

impl LocalIdentity {
    /// The handshake we send: as dialler with our own version, as acceptor with the version for the
    /// remote node type.
    pub fn handshake(&self, protocol_version: &str) -> Handshake {
        Handshake {
            network_id: self.network_id.clone(),
            protocol_version: protocol_version.to_string(),
            software_version: self.software_version.clone(),
            server_port: self.server_port,
            node_type: self.node_type,
            capabilities: self
                .capabilities
                .iter()
                .filter(|(id, _)| *id != 7)
                .cloned()
                .collect(),
        }
    }

    /// Our own protocol version string (for our node type).
    pub fn own_protocol_version(&self) -> &'static str {
        protocol_version_for(self.node_type).unwrap_or("0.0.38")
    }
}

/// Checks 1–3, 5 and 6 on a received first frame; returns the handshake.
pub fn check_first_frame(frame: &[u8], ours: &LocalIdentity) -> Result<Handshake, HandshakeError> {
    let msg = Message::from_bytes(frame).map_err(HandshakeError::Envelope)?;
    if msg.msg_type != HANDSHAKE {
        return Err(HandshakeError::NotHandshake { got: msg.msg_type });
    }
    let theirs = Handshake::from_bytes(&msg.data).map_err(HandshakeError::Payload)?;
    if theirs.network_id != ours.network_id {
        return Err(HandshakeError::NetworkMismatch {
            ours: ours.network_id.clone(),
            theirs: theirs.network_id,
        });
    }
    if protocol_version_for(theirs.node_type).is_none() {
        return Err(HandshakeError::UnknownNodeType(theirs.node_type));
    }
    if theirs.software_version.len() > MAX_SOFTWARE_VERSION_LEN {
        return Err(HandshakeError::SoftwareVersionTooLong {
            len: theirs.software_version.len(),
        });
    }
    Ok(theirs)
}

/// Check 8: the peer's protocol version must parse.
pub fn parse_peer_version(theirs: &Handshake) -> Result<ProtocolVersion, HandshakeError> {
    theirs
        .protocol_version
        .parse()
        .map_err(|_| HandshakeError::BadProtocolVersion(theirs.protocol_version.clone()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn ours() -> LocalIdentity {
        LocalIdentity {
            network_id: "testnet11".into(),
            node_type: node_type::FARMER,
            server_port: 8447,
            software_version: "x".into(),
            capabilities: vec![(1, "1".into()), (7, "1".into())],
        }
    }

    #[test]
    fn versions_order_numerically() {
        let v = |s: &str| s.parse::<ProtocolVersion>().unwrap();
        assert!(v("0.0.36") < v("0.0.37") && v("0.0.37") < v("0.0.38"));
        assert!(v("0.0.100") > v("0.0.38"));
        assert_eq!(v("1.0"), v("1.0.0"));
        assert!("0.0.x".parse::<ProtocolVersion>().is_err());
        assert!("".parse::<ProtocolVersion>().is_err());
        assert_eq!(v("0.0.38").to_string(), "0.0.38");
    }

    #[test]
    fn checks_and_close_reasons() {
        let id = ours();
        // we never advertise capability 7
        let hs = id.handshake("0.0.38");
        assert!(!hs.has_capability(7u16));
        let frame = Message::new(1, hs.to_bytes()).to_bytes();
        assert_eq!(check_first_frame(&frame, &id).unwrap(), hs);

        let mut other = hs.clone();
        other.network_id = "mainnet".into();
        let err =
            check_first_frame(&Message::new(1, other.to_bytes()).to_bytes(), &id).unwrap_err();
        assert_eq!(err.close_reason(), (1002, "110"));

        let err = check_first_frame(&Message::new(3, hs.to_bytes()).to_bytes(), &id).unwrap_err();
        assert_eq!(err.close_reason(), (1002, "-6"));

        let mut bad_type = hs.clone();
        bad_type.node_type = 9;
        let err =
            check_first_frame(&Message::new(1, bad_type.to_bytes()).to_bytes(), &id).unwrap_err();
        assert_eq!(err.close_reason(), (1002, "1"));

        let mut long = hs.clone();
        long.software_version = "v".repeat(129);
        let err = check_first_frame(&Message::new(1, long.to_bytes()).to_bytes(), &id).unwrap_err();
        assert!(matches!(
            err,
            HandshakeError::SoftwareVersionTooLong { len: 129 }
        ));

        let mut bad_version = hs;
        bad_version.protocol_version = "zero".into();
        assert!(parse_peer_version(&bad_version).is_err());
    }
}
