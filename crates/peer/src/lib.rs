//! One connection to a Chia peer, from either side, the way chia-blockchain 2.7.5 makes it:
//! mutual TLS 1.3 against the farm's private CA, a WebSocket on `/ws` carrying one chia `Message`
//! per binary frame, the handshake, then requests matched to responses by id and everything else
//! delivered as events.
//!
//! | module | what |
//! |---|---|
//! | [`certs`] | chia-style RSA-2048 CA and node certificates (`sickle certs init`) |
//! | [`tls`] | rustls configurations: CA-only chain check both ways, node ids |
//! | [`message`] | the `Message` envelope (payloads, `Handshake` included, are sickle-protocol types) |
//! | [`handshake`] | handshake checks, protocol versions, close reasons |
//! | [`limits`] | allowed senders per message type, chia's rate limits |
//! | [`config`] | connection settings and chia's defaults |
//! | [`establish`] | dial ([`connect`]) and accept: TCP → TLS → WebSocket → handshake |
//! | [`peer`] | the [`Peer`] handle: send, request/response by id, close |
//! | [`typed`] | `sickle-protocol` payloads on a [`Peer`], strict payload check |
//! | [`connection`] | the per-connection task and its [`PeerEvent`]s |
//! | [`server`] | the listener: connection limit, per-connection tasks, graceful shutdown |
//! | [`mod@pair`] | two peers connected in memory, for service tests |
//!
//! # Feature flags
//!
//! None.

pub mod certs;
pub mod config;
pub mod connection;
pub mod error;
pub mod establish;
pub mod handshake;
pub mod limits;
pub mod message;
pub mod pair;
pub mod peer;
pub mod server;
pub mod tls;
pub mod typed;

pub use certs::{
    CertKeyPem, InitReport, generate_ca, generate_node_cert, init_root, resolve_chia_root,
};
pub use config::{CHIA_KEEPALIVE, Keepalive, MAX_MESSAGE_SIZE, PayloadCheck, PeerConfig};
pub use connection::{CloseReason, PeerEvent};
pub use error::{CertError, PeerError};
pub use establish::{Connection, connect};
pub use handshake::{HandshakeError, LocalIdentity, ProtocolVersion, protocol_version_for};
pub use message::{Handshake, Message};
pub use pair::pair;
pub use peer::{Peer, PeerInfo};
pub use server::{ServerConfig, serve};
pub use tls::{TlsSetup, node_id, verify_cert_chain};
pub use typed::harvester_link_check;
