//! Two connected peers in memory, for tests of the services built on this crate.
//!
//! The real WebSocket framing, chia handshake and connection tasks run over
//! [`tokio::io::duplex`], without TCP or TLS, so a harvester and a farmer can be tested against
//! each other deterministically, including under `tokio::time::pause()`.

use crate::config::PeerConfig;
use crate::connection::start;
use crate::error::PeerError;
use crate::establish::{Connection, acceptor_handshake, dialler_handshake, ws_config};
use sha2::{Digest, Sha256};
use std::net::SocketAddr;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::protocol::Role;
use tokio_util::sync::CancellationToken;

/// In-memory buffer per direction.
const DUPLEX_BUFFER: usize = 64 * 1024;

/// Connects a dialler and an acceptor in memory and runs the chia handshake between them.
///
/// Both appear to each other at `127.0.0.1` (so `exempt_loopback` decides whether rate limits
/// apply) with node ids `sha256("sickle pair dialler")` and `sha256("sickle pair acceptor")`.
/// Returns `(dialler, acceptor)`; their tasks run on the current runtime.
pub async fn pair(
    dialler: &PeerConfig,
    acceptor: &PeerConfig,
) -> Result<(Connection, Connection), PeerError> {
    let (dialler_io, acceptor_io) = tokio::io::duplex(DUPLEX_BUFFER);
    let mut dialler_ws =
        WebSocketStream::from_raw_socket(dialler_io, Role::Client, Some(ws_config(dialler))).await;
    let mut acceptor_ws =
        WebSocketStream::from_raw_socket(acceptor_io, Role::Server, Some(ws_config(acceptor)))
            .await;
    let dialler_id: [u8; 32] = Sha256::digest(b"sickle pair dialler").into();
    let acceptor_id: [u8; 32] = Sha256::digest(b"sickle pair acceptor").into();
    let acceptor_addr = SocketAddr::from(([127, 0, 0, 1], acceptor.identity.server_port));
    let dialler_addr = SocketAddr::from(([127, 0, 0, 1], 0));
    let (dialler_info, acceptor_info) = tokio::join!(
        dialler_handshake(&mut dialler_ws, dialler, acceptor_id, acceptor_addr),
        acceptor_handshake(&mut acceptor_ws, acceptor, dialler_id, dialler_addr),
    );
    let (dialler_info, acceptor_info) = (dialler_info?, acceptor_info?);
    let (peer, events, task) = start(dialler_ws, dialler_info, dialler, CancellationToken::new());
    tokio::spawn(task.run());
    let dialler_conn = Connection { peer, events };
    let (peer, events, task) = start(
        acceptor_ws,
        acceptor_info,
        acceptor,
        CancellationToken::new(),
    );
    tokio::spawn(task.run());
    Ok((dialler_conn, Connection { peer, events }))
}
