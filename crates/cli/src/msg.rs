//! `sickle msg decode/encode`: protocol payloads between chia's Streamable hex and its
//! `to_json_dict` JSON, by reference class name (`NewProofOfSpace`, `PlotSyncPlotList2`, …), and
//! whole `Message` frames.
//!
//! Output is one line on stdout; bad input is an error (exit 1, nothing on stdout).

use std::io::Read;

use clap::Subcommand;
use sickle_protocol::classes::{ClassError, decode_class, encode_class};
use sickle_protocol::{Message, PROTOCOL_VERSION, ProtocolError, ProtocolVersion, decode};
use sickle_streamable::Streamable;
use sickle_streamable::json::ToJsonDict;

use crate::CmdResult;

/// `sickle msg` subcommands.
#[derive(Subcommand)]
pub enum MsgCommand {
    /// Decode Streamable hex into chia's JSON (one line).
    Decode {
        /// The payload's reference class name, e.g. NewSignagePointHarvester2.
        #[arg(long = "type", value_name = "CLASS", required_unless_present = "frame")]
        class: Option<String>,
        /// The payload in hex; read from stdin when absent.
        #[arg(long, value_name = "HEX", conflicts_with = "frame")]
        hex: Option<String>,
        /// A whole Message envelope in hex: prints its type, id and decoded payload.
        #[arg(long, value_name = "HEX", conflicts_with = "class")]
        frame: Option<String>,
        /// The harvester's protocol version, which decides the format of id 66.
        #[arg(long, value_name = "VERSION", default_value = PROTOCOL_VERSION)]
        peer_version: String,
    },
    /// Encode chia's JSON (read from stdin) as Streamable hex.
    Encode {
        /// The reference class name, e.g. PlotSyncStart.
        #[arg(long = "type", value_name = "CLASS")]
        class: String,
    },
}

/// What can go wrong in `sickle msg`.
#[derive(Debug, thiserror::Error)]
enum MsgError {
    #[error("{what}: not hex: {source}")]
    Hex {
        what: &'static str,
        #[source]
        source: hex::FromHexError,
    },
    #[error("reading stdin: {0}")]
    Stdin(#[from] std::io::Error),
    #[error("stdin is not json: {0}")]
    Json(#[from] serde_json::Error),
    #[error(transparent)]
    Class(#[from] ClassError),
    #[error("frame: {0}")]
    Frame(#[from] sickle_streamable::Error),
    #[error("frame payload: {0}")]
    Payload(#[from] ProtocolError),
}

fn unhex(what: &'static str, text: &str) -> Result<Vec<u8>, MsgError> {
    let digits = text.trim();
    let digits = digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
        .unwrap_or(digits);
    hex::decode(digits).map_err(|source| MsgError::Hex { what, source })
}

fn stdin_text() -> Result<String, MsgError> {
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text)?;
    Ok(text)
}

/// The one-line JSON for a frame: its id, type and payload.
fn frame_json(frame_hex: &str, peer_version: &ProtocolVersion) -> Result<String, MsgError> {
    let message = Message::from_bytes(&unhex("--frame", frame_hex)?)?;
    let payload = decode(message.msg_type, peer_version, &message.data)?;
    let out = serde_json::json!({
        "type": message.msg_type,
        "type_name": payload.msg_type().name(),
        "class": payload.class_name(),
        "id": message.id,
        "data": payload.to_json_dict(),
    });
    Ok(out.to_string())
}

/// Runs one `sickle msg` subcommand.
pub fn run(cmd: MsgCommand) -> CmdResult {
    let line = match cmd {
        MsgCommand::Decode {
            class,
            hex,
            frame,
            peer_version,
        } => {
            let peer_version: ProtocolVersion = peer_version.parse().map_err(MsgError::from)?;
            match (frame, class) {
                (Some(frame), _) => frame_json(&frame, &peer_version)?,
                (None, Some(class)) => {
                    let text = match hex {
                        Some(text) => text,
                        None => stdin_text()?,
                    };
                    let bytes = unhex("payload", &text)?;
                    decode_class(&class, &bytes)
                        .map_err(MsgError::from)?
                        .json
                        .to_string()
                }
                // clap requires one of the two.
                (None, None) => return Err("one of --type or --frame is required".into()),
            }
        }
        MsgCommand::Encode { class } => {
            let json: serde_json::Value =
                serde_json::from_str(&stdin_text()?).map_err(MsgError::from)?;
            hex::encode(encode_class(&class, &json).map_err(MsgError::from)?.bytes)
        }
    };
    println!("{line}");
    Ok(())
}
