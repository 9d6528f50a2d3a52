//! [`ProtocolError`]: why a message could not be turned into a typed harvester-link message.

use thiserror::Error;

use crate::ProtocolMessageTypes;

/// Why [`decode`](crate::decode) (or a version string) was refused.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum ProtocolError {
    /// The id is not in chia's `ProtocolMessageTypes`.
    #[error("unknown message type id {0}")]
    UnknownType(u8),
    /// A known id that does not travel on the harvester–farmer link.
    #[error("message type {} ({}) is not a harvester-link message", .0.name(), .0.id())]
    NotOnLink(ProtocolMessageTypes),
    /// Id 66 for a peer at exactly 0.0.37, which chia deliberately does not serve.
    #[error("no signage point format for protocol version {0}")]
    NoSignagePointFormat(String),
    /// The payload does not decode as the type's class.
    #[error("{} payload: {source}", .msg_type.name())]
    Payload {
        /// The message type whose payload was bad.
        msg_type: ProtocolMessageTypes,
        /// What the codec said.
        source: sickle_streamable::Error,
    },
    /// A protocol version string that is not dotted decimal integers.
    #[error("invalid protocol version {0:?}: expected dotted decimal integers such as \"0.0.38\"")]
    InvalidVersion(String),
}
