//! The typed layer over [`Peer`]: payloads of `sickle-protocol` types, and a strict payload check
//! for [`PeerConfig::payload_check`](crate::PeerConfig::payload_check).
//!
//! Every payload type knows its id (`ChiaProtocolMessage::MSG_TYPE`), so sending and requesting are
//! generic; the bytes are its Streamable encoding.

use crate::error::PeerError;
use crate::handshake::ProtocolVersion;
use crate::message::Message;
use crate::peer::Peer;
use sickle_protocol::{ChiaProtocolMessage, ProtocolError};

impl Peer {
    /// Sends `payload` without id (a notification, or chia's id-less reply to one).
    pub async fn send_msg<T: ChiaProtocolMessage>(&self, payload: &T) -> Result<(), PeerError> {
        self.notify(T::MSG_TYPE.id(), payload.to_bytes()).await
    }

    /// Answers `request` with `payload`, echoing the request's id (none if it had none).
    pub async fn respond_msg<T: ChiaProtocolMessage>(
        &self,
        request: &Message,
        payload: &T,
    ) -> Result<(), PeerError> {
        self.respond(request, T::MSG_TYPE.id(), payload.to_bytes())
            .await
    }

    /// Sends `payload` as a request and decodes the answer as `R`; an answer of another type or
    /// one that does not decode exactly is an error.
    pub async fn request_msg<T, R>(&self, payload: &T) -> Result<R, PeerError>
    where
        T: ChiaProtocolMessage,
        R: ChiaProtocolMessage,
    {
        let response = self.request(T::MSG_TYPE.id(), payload.to_bytes()).await?;
        let expected = R::MSG_TYPE.id();
        if response.msg_type != expected {
            return Err(PeerError::UnexpectedResponse {
                expected,
                got: response.msg_type,
            });
        }
        R::from_bytes(&response.data).map_err(|source| PeerError::Decode {
            msg_type: expected,
            source,
        })
    }
}

/// A [`PayloadCheck`](crate::PayloadCheck) for the harvester–farmer link: every payload of a
/// harvester-link type must decode strictly with `sickle_protocol::decode` (id 66 in the format
/// the peer's version implies), as chia's handlers decode before they run. Types of other links
/// (full node, solver) pass unchecked: the services on those links check their own.
pub fn harvester_link_check(
    msg_type: u8,
    version: &ProtocolVersion,
    payload: &[u8],
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let version: sickle_protocol::ProtocolVersion = version.to_string().parse()?;
    match sickle_protocol::decode(msg_type, &version, payload) {
        Ok(_) | Err(ProtocolError::NotOnLink(_)) => Ok(()),
        Err(err) => Err(err.into()),
    }
}
