//! The chia `Message` envelope, the one wire shape this layer reads itself
//! (chia-blockchain: chia/protocols/outbound_message.py).
//!
//! ```text
//! Message := type u8 | id Optional<u16> | data (u32 len | bytes)
//!            [type] [00] [len][payload]                no id
//!            [type] [01] [id hi][id lo] [len][payload]  with id
//! ```
//!
//! This layer keeps its own envelope type because the payload is a reference-counted
//! [`bytes::Bytes`]: a farmer sends one signage point to thousands of harvesters without copying it.
//! Every payload, the `Handshake` included, is a `sickle-protocol` type.

use bytes::Bytes;
use sickle_protocol::ProtocolMessageTypes;

pub use sickle_protocol::Handshake;

/// Message type id of `handshake`.
pub const HANDSHAKE: u8 = ProtocolMessageTypes::Handshake as u8;
/// Message type id of `configure_window_sizes`.
pub const CONFIGURE_WINDOW_SIZES: u8 = ProtocolMessageTypes::ConfigureWindowSizes as u8;
/// Message type id of `error`.
pub const ERROR: u8 = ProtocolMessageTypes::Error as u8;

/// One chia message: what one WebSocket binary frame carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Message type id (`ProtocolMessageTypes`).
    pub msg_type: u8,
    /// Request id: present on requests and on the responses to them.
    pub id: Option<u16>,
    /// The payload's Streamable bytes.
    pub data: Bytes,
}

/// The envelope or handshake bytes could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The input ended before the field was complete.
    #[error("{what} at offset {offset}: need {need} bytes, {have} left")]
    Short {
        /// The field being read.
        what: &'static str,
        /// Where it starts.
        offset: usize,
        /// Bytes it needs.
        need: usize,
        /// Bytes remaining.
        have: usize,
    },
    /// An optional flag or bool byte was not 0 or 1.
    #[error("{what} flag at offset {offset} is {got:#04x}, expected 0 or 1")]
    BadFlag {
        /// The field.
        what: &'static str,
        /// Where it is.
        offset: usize,
        /// The byte found.
        got: u8,
    },
    /// Bytes were left after the object.
    #[error("{what}: {extra} bytes not consumed")]
    Trailing {
        /// The object.
        what: &'static str,
        /// How many were left.
        extra: usize,
    },
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, what: &'static str, n: usize) -> Result<&'a [u8], DecodeError> {
        let have = self.buf.len().saturating_sub(self.pos);
        if n > have {
            return Err(DecodeError::Short {
                what,
                offset: self.pos,
                need: n,
                have,
            });
        }
        let out = self
            .buf
            .get(self.pos..self.pos + n)
            .ok_or(DecodeError::Short {
                what,
                offset: self.pos,
                need: n,
                have,
            })?;
        self.pos += n;
        Ok(out)
    }
    fn u8(&mut self, what: &'static str) -> Result<u8, DecodeError> {
        let b = self.take(what, 1)?;
        Ok(b.first().copied().unwrap_or_default())
    }
    fn u16(&mut self, what: &'static str) -> Result<u16, DecodeError> {
        let b = self.take(what, 2)?;
        Ok(u16::from_be_bytes(b.try_into().unwrap_or_default()))
    }
    fn u32(&mut self, what: &'static str) -> Result<u32, DecodeError> {
        let b = self.take(what, 4)?;
        Ok(u32::from_be_bytes(b.try_into().unwrap_or_default()))
    }
    fn flag(&mut self, what: &'static str) -> Result<bool, DecodeError> {
        let offset = self.pos;
        match self.u8(what)? {
            0 => Ok(false),
            1 => Ok(true),
            got => Err(DecodeError::BadFlag { what, offset, got }),
        }
    }
    fn bytes(&mut self, what: &'static str) -> Result<&'a [u8], DecodeError> {
        let len = self.u32(what)? as usize;
        self.take(what, len)
    }
    fn finish(&self, what: &'static str) -> Result<(), DecodeError> {
        let extra = self.buf.len().saturating_sub(self.pos);
        if extra == 0 {
            Ok(())
        } else {
            Err(DecodeError::Trailing { what, extra })
        }
    }
}

fn put_bytes(out: &mut Vec<u8>, data: &[u8]) {
    // Callers bound sizes by the 50 MiB message limit, far below u32::MAX.
    let len = u32::try_from(data.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(data);
}

impl Message {
    /// A message without id (a notification, or a reply to one).
    pub fn new(msg_type: u8, data: impl Into<Bytes>) -> Self {
        Message {
            msg_type,
            id: None,
            data: data.into(),
        }
    }

    /// The envelope's encoded size: 6 bytes of header without id, 8 with, plus the payload.
    pub fn encoded_len(&self) -> usize {
        self.data.len() + if self.id.is_some() { 8 } else { 6 }
    }

    /// Encodes the envelope.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.encoded_len());
        out.push(self.msg_type);
        match self.id {
            None => out.push(0),
            Some(id) => {
                out.push(1);
                out.extend_from_slice(&id.to_be_bytes());
            }
        }
        put_bytes(&mut out, &self.data);
        out
    }

    /// Decodes one envelope that must fill `frame` exactly.
    pub fn from_bytes(frame: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader { buf: frame, pos: 0 };
        let msg_type = r.u8("message type")?;
        let id = if r.flag("message id")? {
            Some(r.u16("message id")?)
        } else {
            None
        };
        let data = Bytes::copy_from_slice(r.bytes("message data")?);
        r.finish("Message")?;
        Ok(Message { msg_type, id, data })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const HARVESTER_HANDSHAKE: &str = "01000000003a000000076d61696e6e657400000006302e302e333800000005322e372e3500000200000003000100000001310002000000013100030000000131";

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn harvester_handshake_vector_round_trips() {
        let frame = unhex(HARVESTER_HANDSHAKE);
        let msg = Message::from_bytes(&frame).unwrap();
        assert_eq!((msg.msg_type, msg.id), (1, None));
        let hs = <Handshake as sickle_streamable::Streamable>::from_bytes(&msg.data).unwrap();
        assert_eq!(hs.network_id, "mainnet");
        assert_eq!(hs.protocol_version, "0.0.38");
        assert_eq!(hs.node_type, 2);
        assert_eq!(hs.server_port, 0);
        assert!(hs.has_capability(3u16) && !hs.has_capability(7u16));
        let payload = sickle_streamable::Streamable::to_bytes(&hs);
        assert_eq!(Message::new(1, payload).to_bytes(), frame);
    }

    #[test]
    fn envelope_with_id_and_strictness() {
        let msg = Message {
            msg_type: 6,
            id: Some(0x8000),
            data: Bytes::from_static(b"abc"),
        };
        let bytes = msg.to_bytes();
        assert_eq!(bytes, unhex("0601800000000003616263"));
        assert_eq!(Message::from_bytes(&bytes).unwrap(), msg);
        let mut long = bytes.clone();
        long.push(0);
        assert!(matches!(
            Message::from_bytes(&long),
            Err(DecodeError::Trailing { extra: 1, .. })
        ));
        assert!(matches!(
            Message::from_bytes(&bytes[..bytes.len() - 1]),
            Err(DecodeError::Short { .. })
        ));
        assert!(matches!(
            Message::from_bytes(&[1, 2]),
            Err(DecodeError::BadFlag { got: 2, .. })
        ));
        // A length prefix claiming 4 GiB must fail without allocating.
        assert!(matches!(
            Message::from_bytes(&[1, 0, 0xff, 0xff, 0xff, 0xff]),
            Err(DecodeError::Short { .. })
        ));
    }
}
