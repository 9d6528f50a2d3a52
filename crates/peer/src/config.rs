//! Settings of one connection, with chia's defaults.

use crate::handshake::{LocalIdentity, ProtocolVersion, default_capabilities};
use std::time::Duration;

/// chia's maximum WebSocket message size: 50 MiB.
pub const MAX_MESSAGE_SIZE: usize = 50 * 1024 * 1024;

/// Client keepalive: ping after `idle` without any received frame, fail if no frame within `pong`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keepalive {
    /// Silence before a ping (aiohttp `heartbeat`, 60 s in chia).
    pub idle: Duration,
    /// Time allowed for the pong (heartbeat / 2, 30 s in chia).
    pub pong: Duration,
}

/// chia's client heartbeat: 60 s idle, 30 s for the pong.
pub const CHIA_KEEPALIVE: Keepalive = Keepalive {
    idle: Duration::from_secs(60),
    pong: Duration::from_secs(30),
};

/// Checks an inbound payload before it is delivered: `Err` closes the connection with 1002 `"1"`,
/// as chia does when a handler's strict decode fails. Gets the message type, the peer's protocol
/// version (some types change shape with it) and the payload bytes.
pub type PayloadCheck =
    fn(u8, &ProtocolVersion, &[u8]) -> Result<(), Box<dyn std::error::Error + Send + Sync>>;

/// Settings of a connection.
#[derive(Debug, Clone)]
pub struct PeerConfig {
    /// What we announce in the handshake.
    pub identity: LocalIdentity,
    /// Limit for TCP connect + TLS + WebSocket upgrade + chia handshake (chia: 30 s inbound).
    pub handshake_timeout: Duration,
    /// Default limit for a request's response (chia: 60 s).
    pub request_timeout: Duration,
    /// Keepalive pings; chia clients ping, chia servers only answer.
    pub keepalive: Option<Keepalive>,
    /// Largest WebSocket message accepted; bigger closes with 1009.
    pub max_message_size: usize,
    /// Capacity of the inbound event channel.
    pub event_capacity: usize,
    /// Capacity of the outbound queue.
    pub outbound_capacity: usize,
    /// Inbound rate limit percentage (chia: 100).
    pub inbound_rate_percent: u32,
    /// Outbound rate limit percentage (chia: 30).
    pub outbound_rate_percent: u32,
    /// Whether loopback peers are exempt from rate limits, as chia exempts localhost.
    pub exempt_loopback: bool,
    /// Strict decode of every delivered payload (typically the protocol crate's decoder); `None`
    /// delivers payloads unchecked.
    pub payload_check: Option<PayloadCheck>,
}

impl PeerConfig {
    /// chia's defaults for a node of `node_type` on `network_id`, listening on `server_port`
    /// (0 for a harvester). Keepalive pings are on; a server may turn them off.
    pub fn new(network_id: impl Into<String>, node_type: u8, server_port: u16) -> Self {
        PeerConfig {
            identity: LocalIdentity {
                network_id: network_id.into(),
                node_type,
                server_port,
                software_version: concat!("sickle-", env!("CARGO_PKG_VERSION")).to_string(),
                capabilities: default_capabilities(),
            },
            handshake_timeout: Duration::from_secs(30),
            request_timeout: Duration::from_secs(60),
            keepalive: Some(CHIA_KEEPALIVE),
            max_message_size: MAX_MESSAGE_SIZE,
            event_capacity: 256,
            outbound_capacity: 256,
            inbound_rate_percent: 100,
            outbound_rate_percent: 30,
            exempt_loopback: true,
            payload_check: None,
        }
    }
}
