//! One connection to a Chia peer, from either side, the way chia-blockchain 2.7.5 makes it:
//! mutual TLS 1.3 against the farm's private CA, a WebSocket on `/ws` carrying one chia `Message`
//! per binary frame, the handshake, then requests matched to responses by id and everything else
//! delivered as events.
//!
//! Two peers after the chia handshake; [`connect`] and [`serve`] do the same over TCP and mutual
//! TLS ([`TlsSetup`]), and [`pair()`] runs the real framing and handshake in memory:
//!
//! ```
//! use sickle_peer::handshake::node_type;
//! use sickle_peer::{PeerConfig, PeerEvent, pair};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let harvester = PeerConfig::new("mainnet", node_type::HARVESTER, 0);
//! let farmer = PeerConfig::new("mainnet", node_type::FARMER, 8447);
//! let (mut dialler, acceptor) = pair(&harvester, &farmer).await?;
//! assert_eq!(acceptor.peer.info().node_type(), node_type::HARVESTER);
//!
//! // harvester_handshake (id 3) with two empty key lists, as a notification (no message id).
//! acceptor.peer.notify(3, vec![0u8; 8]).await?;
//! match dialler.events.recv().await {
//!     Some(PeerEvent::Message(message)) => assert_eq!((message.msg_type, message.id), (3, None)),
//!     other => panic!("expected the message, got {other:?}"),
//! }
//! # Ok(())
//! # }
//! ```
//!
//! | module | what |
//! |---|---|
//! | [`root`] | finding a chia root and reading its `config.yaml` |
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
pub mod root;
pub mod server;
pub mod tls;
pub mod typed;

pub use certs::{CertKeyPem, InitReport, generate_ca, generate_node_cert, init_root};
pub use config::{CHIA_KEEPALIVE, Keepalive, MAX_MESSAGE_SIZE, PayloadCheck, PeerConfig};
pub use connection::{CloseReason, PeerEvent};
pub use error::{CertError, PeerError};
pub use establish::{Connection, connect};
pub use handshake::{HandshakeError, LocalIdentity, ProtocolVersion, protocol_version_for};
pub use message::{Handshake, Message};
pub use pair::pair;
pub use peer::{Peer, PeerInfo};
pub use root::{RootError, resolve_chia_root};
pub use server::{ServerConfig, serve};
pub use tls::{TlsSetup, node_id, verify_cert_chain};
pub use typed::harvester_link_check;
