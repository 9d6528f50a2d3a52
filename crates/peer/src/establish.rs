//! Opening a connection from either side: TCP → TLS 1.3 (mutual) → WebSocket on `/ws` → chia
//! handshake, all under one timeout. The result is a running connection: a [`Peer`] handle and its
//! event receiver.

use crate::config::PeerConfig;
use crate::connection::{ConnectionTask, PeerEvent, hex_id, start};
use crate::error::PeerError;
use crate::handshake::{
    HandshakeError, LocalIdentity, check_first_frame, parse_peer_version, protocol_version_for,
};
use crate::message::{HANDSHAKE, Message};
use crate::peer::{Peer, PeerInfo};
use crate::tls::{TlsSetup, node_id};
use futures::{SinkExt, StreamExt};
use rustls::pki_types::ServerName;
use sickle_streamable::Streamable;
use std::net::SocketAddr;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::http::StatusCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, WebSocketConfig};
use tokio_util::sync::CancellationToken;

/// A live connection: the handle to talk to the peer and the stream of what it sends.
#[derive(Debug)]
pub struct Connection {
    /// Send, request, close.
    pub peer: Peer,
    /// Unsolicited messages and the final `Closed`; bounded, so a slow reader slows the peer.
    pub events: mpsc::Receiver<PeerEvent>,
}

pub(crate) fn ws_config(config: &PeerConfig) -> WebSocketConfig {
    WebSocketConfig::default()
        .max_message_size(Some(config.max_message_size))
        .max_frame_size(Some(config.max_message_size))
}

/// Dials `addr`, presents our certificate, checks the server's against the CA, upgrades to
/// WebSocket and sends our handshake first. The connection task runs on the current runtime.
pub async fn connect(
    addr: SocketAddr,
    tls: &TlsSetup,
    config: &PeerConfig,
) -> Result<Connection, PeerError> {
    let cancel = CancellationToken::new();
    let (peer, events, task) =
        tokio::time::timeout(config.handshake_timeout, dial(addr, tls, config, cancel))
            .await
            .map_err(|_| PeerError::Timeout {
                step: "outbound connect and handshake",
                after: config.handshake_timeout,
            })??;
    tokio::spawn(task.run());
    Ok(Connection { peer, events })
}

async fn dial(
    addr: SocketAddr,
    tls: &TlsSetup,
    config: &PeerConfig,
    cancel: CancellationToken,
) -> Result<Started<tokio_rustls::client::TlsStream<TcpStream>>, PeerError> {
    let tcp = TcpStream::connect(addr)
        .await
        .map_err(|source| PeerError::Connect {
            addr: addr.to_string(),
            source,
        })?;
    // chia sends no SNI for an IP address; rustls does the same for an IP server name.
    let server_name = ServerName::IpAddress(addr.ip().into());
    let stream = tokio_rustls::TlsConnector::from(tls.client_config())
        .connect(server_name, tcp)
        .await
        .map_err(|source| PeerError::Tls {
            addr: addr.to_string(),
            source,
        })?;
    let cert = stream
        .get_ref()
        .1
        .peer_certificates()
        .and_then(|certs| certs.first())
        .ok_or(PeerError::NoPeerCertificate)?;
    let remote_id = node_id(cert);
    let url = format!("wss://{addr}/ws");
    let (mut ws, _response) =
        tokio_tungstenite::client_async_with_config(url, stream, Some(ws_config(config))).await?;
    if remote_id == tls.own_node_id() {
        close_ws(&mut ws, 1000, "").await;
        return Err(HandshakeError::NoHandshake("connected to ourselves").into());
    }

    let info = dialler_handshake(&mut ws, config, remote_id, addr).await?;
    Ok(start(ws, info, config, cancel))
}

/// A connection after its handshake, before its task is spawned.
pub(crate) type Started<S> = (Peer, mpsc::Receiver<PeerEvent>, ConnectionTask<S>);

/// The dialler's half of the chia handshake over an open WebSocket: send ours, read and check theirs.
pub(crate) async fn dialler_handshake<S>(
    ws: &mut WebSocketStream<S>,
    config: &PeerConfig,
    remote_id: [u8; 32],
    addr: SocketAddr,
) -> Result<PeerInfo, PeerError>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let ours = config
        .identity
        .handshake(config.identity.own_protocol_version());
    ws.send(WsMessage::Binary(
        Message::new(HANDSHAKE, ours.to_bytes()).to_bytes().into(),
    ))
    .await?;
    let frame = read_first_frame(ws).await?;
    let theirs = match check_first_frame(&frame, &config.identity) {
        Ok(theirs) => theirs,
        Err(err) => return Err(fail(ws, err).await),
    };
    if theirs.protocol_version != config.identity.own_protocol_version() {
        tracing::warn!(
            ours = config.identity.own_protocol_version(), theirs = %theirs.protocol_version,
            "peer answered with another protocol version"
        );
    }
    let protocol_version = match parse_peer_version(&theirs) {
        Ok(v) => v,
        Err(err) => return Err(fail(ws, err).await),
    };
    let info = PeerInfo {
        node_id: remote_id,
        remote_addr: addr,
        outbound: true,
        handshake: theirs,
        protocol_version,
        exempt: config.exempt_loopback && addr.ip().is_loopback(),
    };
    tracing::info!(node_id = %hex_id(&remote_id), %addr, version = %info.protocol_version, "outbound handshake done");
    Ok(info)
}

/// Accepts one inbound TCP connection: TLS (client certificate required), WebSocket upgrade on
/// `/ws` (404 otherwise), the peer's handshake, then our reply. Not spawned: the caller decides.
pub(crate) async fn accept(
    tcp: TcpStream,
    addr: SocketAddr,
    tls: &TlsSetup,
    config: &PeerConfig,
    cancel: CancellationToken,
) -> Result<Started<tokio_rustls::server::TlsStream<TcpStream>>, PeerError> {
    let stream = tokio_rustls::TlsAcceptor::from(tls.server_config())
        .accept(tcp)
        .await
        .map_err(|source| PeerError::Tls {
            addr: addr.to_string(),
            source,
        })?;
    let cert = stream
        .get_ref()
        .1
        .peer_certificates()
        .and_then(|certs| certs.first())
        .ok_or(PeerError::NoPeerCertificate)?;
    let remote_id = node_id(cert);
    #[allow(clippy::result_large_err)] // the signature tungstenite's callback requires
    let only_ws_path = |request: &Request, response: Response| -> Result<Response, ErrorResponse> {
        if request.uri().path() == "/ws" {
            Ok(response)
        } else {
            let mut refusal = ErrorResponse::new(Some("not found".into()));
            *refusal.status_mut() = StatusCode::NOT_FOUND;
            Err(refusal)
        }
    };
    let mut ws = tokio_tungstenite::accept_hdr_async_with_config(
        stream,
        only_ws_path,
        Some(ws_config(config)),
    )
    .await?;
    if remote_id == tls.own_node_id() {
        close_ws(&mut ws, 1000, "").await;
        return Err(HandshakeError::NoHandshake("connected to ourselves").into());
    }

    let info = acceptor_handshake(&mut ws, config, remote_id, addr).await?;
    Ok(start(ws, info, config, cancel))
}

/// The acceptor's half of the chia handshake over an open WebSocket: read and check theirs, reply.
pub(crate) async fn acceptor_handshake<S>(
    ws: &mut WebSocketStream<S>,
    config: &PeerConfig,
    remote_id: [u8; 32],
    addr: SocketAddr,
) -> Result<PeerInfo, PeerError>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let frame = read_first_frame(ws).await?;
    let theirs = match check_first_frame(&frame, &config.identity) {
        Ok(theirs) => theirs,
        Err(err) => return Err(fail(ws, err).await),
    };
    let expected = protocol_version_for(theirs.node_type).unwrap_or_default();
    if theirs.protocol_version != expected {
        tracing::warn!(expected, theirs = %theirs.protocol_version, "peer announced another protocol version");
    }
    let reply = reply_for(&config.identity, theirs.node_type);
    ws.send(WsMessage::Binary(
        Message::new(HANDSHAKE, reply.to_bytes()).to_bytes().into(),
    ))
    .await?;
    let protocol_version = match parse_peer_version(&theirs) {
        Ok(v) => v,
        Err(err) => return Err(fail(ws, err).await),
    };
    let info = PeerInfo {
        node_id: remote_id,
        remote_addr: addr,
        outbound: false,
        handshake: theirs,
        protocol_version,
        exempt: config.exempt_loopback && addr.ip().is_loopback(),
    };
    tracing::info!(node_id = %hex_id(&remote_id), %addr, version = %info.protocol_version, "inbound handshake done");
    Ok(info)
}

/// The acceptor's reply: its own fields, but the protocol version chia uses for the remote's type.
fn reply_for(ours: &LocalIdentity, remote_node_type: u8) -> crate::message::Handshake {
    let version = protocol_version_for(remote_node_type).unwrap_or(ours.own_protocol_version());
    ours.handshake(version)
}

/// Reads the first binary frame, skipping control frames.
async fn read_first_frame<S>(ws: &mut WebSocketStream<S>) -> Result<Vec<u8>, PeerError>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    loop {
        match ws.next().await {
            Some(Ok(WsMessage::Binary(data))) => return Ok(data.to_vec()),
            Some(Ok(WsMessage::Ping(_) | WsMessage::Pong(_) | WsMessage::Frame(_))) => continue,
            Some(Ok(WsMessage::Text(_))) => {
                close_ws(ws, 1000, "").await;
                return Err(HandshakeError::NoHandshake("text frame").into());
            }
            Some(Ok(WsMessage::Close(frame))) => {
                return Err(HandshakeError::Refused {
                    code: frame.as_ref().map_or(1005, |f| u16::from(f.code)),
                    reason: frame.map(|f| f.reason.to_string()).unwrap_or_default(),
                }
                .into());
            }
            None => return Err(HandshakeError::NoHandshake("connection closed").into()),
            Some(Err(err)) => return Err(err.into()),
        }
    }
}

/// Closes with the code and reason chia uses for this handshake failure and logs why.
async fn fail<S>(ws: &mut WebSocketStream<S>, err: HandshakeError) -> PeerError
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let (code, reason) = err.close_reason();
    tracing::warn!(code, reason, %err, "handshake refused");
    close_ws(ws, code, reason).await;
    err.into()
}

async fn close_ws<S>(ws: &mut WebSocketStream<S>, code: u16, reason: &str)
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let frame = CloseFrame {
        code: code.into(),
        reason: reason.to_string().into(),
    };
    if let Err(err) = ws.close(Some(frame)).await {
        tracing::debug!(%err, "websocket close during handshake failed");
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::handshake;

    #[test]
    fn acceptor_answers_with_the_remote_types_version() {
        let ours = LocalIdentity {
            network_id: "mainnet".into(),
            node_type: handshake::node_type::FARMER,
            server_port: 8447,
            software_version: "2.7.5".into(),
            capabilities: handshake::default_capabilities(),
        };
        assert_eq!(
            reply_for(&ours, handshake::node_type::HARVESTER).protocol_version,
            "0.0.38"
        );
        assert_eq!(
            reply_for(&ours, handshake::node_type::FULL_NODE).protocol_version,
            "0.0.36"
        );
        assert_eq!(
            reply_for(&ours, handshake::node_type::SOLVER).protocol_version,
            "0.0.37"
        );
        // the farmer reply of wire.md §13.1 (port 8447 = 0x20ff)
        let reply = reply_for(&ours, handshake::node_type::HARVESTER);
        let hex: String = Message::new(1, reply.to_bytes())
            .to_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            hex,
            "01000000003a000000076d61696e6e657400000006302e302e333800000005322e372e3520ff0300000003000100000001310002000000013100030000000131"
        );
    }
}
