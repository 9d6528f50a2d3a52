//! The chia `Message` envelope and the `Handshake` payload, the two wire shapes this layer must read
//! itself (chia-blockchain: chia/protocols/outbound_message.py, chia/protocols/shared_protocol.py).
//!
//! ```text
//! Message   := type u8 | id Optional<u16> | data (u32 len | bytes)
//!              [type] [00] [len][payload]             no id
//!              [type] [01] [id hi][id lo] [len][payload]  with id
//! Handshake := network_id str | protocol_version str | software_version str
//!              | server_port u16 | node_type u8 | capabilities list[(u16, str)]
//! ```
//!
//! Everything past the handshake is opaque bytes here; typed payloads belong to `sickle-protocol`.

use bytes::Bytes;

/// Message type id of `handshake`.
pub const HANDSHAKE: u8 = 1;
/// Message type id of `configure_window_sizes`.
pub const CONFIGURE_WINDOW_SIZES: u8 = 111;
/// Message type id of `error`.
pub const ERROR: u8 = 255;

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
    /// A string was not valid UTF-8.
    #[error("{what} at offset {offset} is not valid utf-8")]
    Utf8 {
        /// The field.
        what: &'static str,
        /// Where it starts.
        offset: usize,
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
    fn string(&mut self, what: &'static str) -> Result<String, DecodeError> {
        let offset = self.pos;
        let raw = self.bytes(what)?;
        std::str::from_utf8(raw)
            .map(str::to_owned)
            .map_err(|_| DecodeError::Utf8 { what, offset })
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

/// The first message each side sends (type 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handshake {
    /// The network name, e.g. `"mainnet"` or `"testnet11"` (chia's `selected_network`).
    pub network_id: String,
    /// Protocol version string, e.g. `"0.0.38"`.
    pub protocol_version: String,
    /// Software version, e.g. `"2.7.5"`; at most 128 UTF-8 bytes.
    pub software_version: String,
    /// The sender's listening port, 0 when it does not listen.
    pub server_port: u16,
    /// The sender's `NodeType`.
    pub node_type: u8,
    /// `(capability id, value)`; only value `"1"` enables.
    pub capabilities: Vec<(u16, String)>,
}

impl Handshake {
    /// Streamable bytes of the payload.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(64);
        put_bytes(&mut out, self.network_id.as_bytes());
        put_bytes(&mut out, self.protocol_version.as_bytes());
        put_bytes(&mut out, self.software_version.as_bytes());
        out.extend_from_slice(&self.server_port.to_be_bytes());
        out.push(self.node_type);
        let count = u32::try_from(self.capabilities.len()).unwrap_or(u32::MAX);
        out.extend_from_slice(&count.to_be_bytes());
        for (id, value) in &self.capabilities {
            out.extend_from_slice(&id.to_be_bytes());
            put_bytes(&mut out, value.as_bytes());
        }
        out
    }

    /// Strict decode: rejects truncation, bad UTF-8 and trailing bytes.
    pub fn from_bytes(payload: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader {
            buf: payload,
            pos: 0,
        };
        let network_id = r.string("network_id")?;
        let protocol_version = r.string("protocol_version")?;
        let software_version = r.string("software_version")?;
        let server_port = r.u16("server_port")?;
        let node_type = r.u8("node_type")?;
        let count = r.u32("capabilities count")? as usize;
        // Each entry takes at least 6 bytes: cap the preallocation by what remains.
        let mut capabilities = Vec::with_capacity(count.min(payload.len() / 6));
        for _ in 0..count {
            let id = r.u16("capability id")?;
            let value = r.string("capability value")?;
            capabilities.push((id, value));
        }
        r.finish("Handshake")?;
        Ok(Handshake {
            network_id,
            protocol_version,
            software_version,
            server_port,
            node_type,
            capabilities,
        })
    }

    /// Whether capability `id` is enabled (value `"1"`).
    pub fn has_capability(&self, id: u16) -> bool {
        self.capabilities.iter().any(|(c, v)| *c == id && v == "1")
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
        let hs = Handshake::from_bytes(&msg.data).unwrap();
        assert_eq!(hs.network_id, "mainnet");
        assert_eq!(hs.protocol_version, "0.0.38");
        assert_eq!(hs.node_type, 2);
        assert_eq!(hs.server_port, 0);
        assert!(hs.has_capability(3) && !hs.has_capability(7));
        assert_eq!(Message::new(1, hs.to_bytes()).to_bytes(), frame);
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
