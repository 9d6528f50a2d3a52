//! The [`Message`] envelope every frame carries, and [`ChiaProtocolMessage`], which ties a payload
//! type to its id.
//!
//! ```text
//! Message := type u8 | id Optional<u16> | data bytes
//!          = [type] [00]                [u32 len][payload]   (no id, 6 bytes of overhead)
//!          | [type] [01][id hi][id lo]  [u32 len][payload]   (request or its reply, 8 bytes)
//! ```

use sickle_streamable::sha2::Sha256;
use sickle_streamable::{Bytes, Cursor, Error, Streamable};

use crate::ProtocolMessageTypes;

/// One WebSocket frame's content (chia `Message`, wire.md §5).
///
/// `msg_type` stays a raw `u8`: chia decodes an unknown id fine and only rejects it afterwards, so
/// the envelope must too. `data` is the payload's own Streamable bytes. Streamable and JSON are
/// written by hand only because chia calls the first field `type`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Message {
    /// `type`: the [`ProtocolMessageTypes`] id.
    pub msg_type: u8,
    /// `id`: set on requests and echoed on their replies, `None` otherwise.
    pub id: Option<u16>,
    /// `data`: the payload bytes.
    pub data: Bytes,
}

impl Message {
    /// A message carrying `payload`, with request id `id`.
    pub fn new<T: ChiaProtocolMessage>(payload: &T, id: Option<u16>) -> Self {
        Self {
            msg_type: T::MSG_TYPE.id(),
            id,
            data: Bytes::new(payload.to_bytes()),
        }
    }

    /// The type, if chia knows the id.
    pub fn known_type(&self) -> Option<ProtocolMessageTypes> {
        ProtocolMessageTypes::from_id(self.msg_type)
    }

    /// The envelope's encoded size: 6 bytes of header without id, 8 with, plus the payload.
    pub fn encoded_len(&self) -> usize {
        self.data.len() + if self.id.is_some() { 8 } else { 6 }
    }
}

impl Streamable for Message {
    const MIN_SIZE: usize = 6;

    fn stream(&self, out: &mut Vec<u8>) {
        self.msg_type.stream(out);
        self.id.stream(out);
        self.data.stream(out);
    }

    fn parse<const TRUSTED: bool>(input: &mut Cursor<'_>) -> Result<Self, Error> {
        Ok(Self {
            msg_type: u8::parse::<TRUSTED>(input)?,
            id: Option::parse::<TRUSTED>(input)?,
            data: Bytes::parse::<TRUSTED>(input)?,
        })
    }

    fn update_digest(&self, digest: &mut Sha256) {
        self.msg_type.update_digest(digest);
        self.id.update_digest(digest);
        self.data.update_digest(digest);
    }
}

sickle_streamable::cfg_json! {
    impl sickle_streamable::json::ToJsonDict for Message {
        fn to_json_dict(&self) -> sickle_streamable::json::serde_json::Value {
            let mut map = sickle_streamable::json::serde_json::Map::new();
            map.insert("type".into(), self.msg_type.to_json_dict());
            map.insert("id".into(), self.id.to_json_dict());
            map.insert("data".into(), self.data.to_json_dict());
            map.into()
        }
    }

    impl sickle_streamable::json::FromJsonDict for Message {
        fn from_json_dict(
            value: &sickle_streamable::json::serde_json::Value,
        ) -> Result<Self, sickle_streamable::json::JsonError> {
            use sickle_streamable::json::{field, object};
            const NAME: &str = "Message";
            let map = object(value, NAME)?;
            Ok(Self {
                msg_type: u8::from_json_dict(field(map, NAME, "type")?)
                    .map_err(|e| e.in_field("type"))?,
                id: Option::from_json_dict(field(map, NAME, "id")?).map_err(|e| e.in_field("id"))?,
                data: Bytes::from_json_dict(field(map, NAME, "data")?)
                    .map_err(|e| e.in_field("data"))?,
            })
        }
    }
}

/// A payload type with a fixed message id, so `send`/`request` can be generic over it.
pub trait ChiaProtocolMessage: Streamable {
    /// The id this payload is sent under.
    const MSG_TYPE: ProtocolMessageTypes;
}
