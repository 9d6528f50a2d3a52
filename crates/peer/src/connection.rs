//! The task that owns one WebSocket after the handshake: reads frames, routes responses to
//! waiting requests, delivers everything else as [`PeerEvent`]s, writes the outbound queue, pings
//! when idle, enforces rate limits, and closes with chia's codes.

use crate::config::{Keepalive, PayloadCheck, PeerConfig};
use crate::handshake::{CLOSE_PROTOCOL_ERROR, ERR_INVALID_PROTOCOL_MESSAGE, ERR_UNKNOWN};
use crate::limits::{RateLimiter, allowed_sender, is_known_type};
use crate::message::{CONFIGURE_WINDOW_SIZES, ERROR, HANDSHAKE, Message};
use crate::peer::{Peer, PeerInfo, Pending, lock};
use futures::{SinkExt, StreamExt};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::mpsc;
use tokio::time::{Duration, Instant, sleep_until};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_util::sync::CancellationToken;

/// What the connection delivers besides responses to our requests.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PeerEvent {
    /// A message that is not the answer to one of our requests (a notification, or a request the
    /// application should answer with [`Peer::respond`]).
    Message(Message),
    /// The connection ended; always the last event.
    Closed(CloseReason),
}

/// Why a connection ended.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CloseReason {
    /// We closed it ([`Peer::close`], shutdown, or every handle dropped).
    Local,
    /// The peer sent a WebSocket close.
    Remote {
        /// Its close code.
        code: u16,
        /// Its reason (chia: a decimal `Err` code or empty).
        reason: String,
    },
    /// We closed it because the peer broke the protocol; `code`/`reason` are what we sent.
    Protocol {
        /// Close code sent.
        code: u16,
        /// Reason sent.
        reason: &'static str,
        /// What happened, for the log.
        detail: String,
    },
    /// No frame arrived within the keepalive pong time after our ping.
    KeepaliveTimeout,
    /// The transport failed or ended without a close frame.
    Transport(String),
}

/// Starts the connection task's state; `run` drives it. Returns the handle and the event receiver.
pub(crate) fn start<S>(
    ws: WebSocketStream<S>,
    info: PeerInfo,
    config: &PeerConfig,
    cancel: CancellationToken,
) -> (Peer, mpsc::Receiver<PeerEvent>, ConnectionTask<S>)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (out_tx, out_rx) = mpsc::channel(config.outbound_capacity.max(1));
    // One slot more than configured, reserved up front for the final `Closed`, so ending a
    // connection never waits on a consumer that stopped reading.
    let (ev_tx, ev_rx) = mpsc::channel(config.event_capacity.max(1) + 1);
    let closed_slot = ev_tx.clone().try_reserve_owned().ok();
    let pending = Arc::new(Mutex::new(Pending::new(info.outbound)));
    let info = Arc::new(info);
    let peer = Peer {
        info: info.clone(),
        outbound: out_tx,
        pending: pending.clone(),
        cancel: cancel.clone(),
        request_timeout: config.request_timeout,
        max_message_size: config.max_message_size,
    };
    let task = ConnectionTask {
        ws,
        info,
        outbound: out_rx,
        events: ev_tx,
        closed_slot,
        pending,
        cancel,
        keepalive: config.keepalive,
        payload_check: config.payload_check,
        inbound_limit: RateLimiter::new(true, config.inbound_rate_percent),
        outbound_limit: RateLimiter::new(false, config.outbound_rate_percent),
    };
    (peer, ev_rx, task)
}

/// The state of one running connection.
pub(crate) struct ConnectionTask<S> {
    ws: WebSocketStream<S>,
    info: Arc<PeerInfo>,
    outbound: mpsc::Receiver<Message>,
    events: mpsc::Sender<PeerEvent>,
    closed_slot: Option<mpsc::OwnedPermit<PeerEvent>>,
    pending: Arc<Mutex<Pending>>,
    cancel: CancellationToken,
    keepalive: Option<Keepalive>,
    payload_check: Option<PayloadCheck>,
    inbound_limit: RateLimiter,
    outbound_limit: RateLimiter,
}

/// How an inbound frame was handled.
enum Inbound {
    Continue,
    Deliver(Message),
    Close(CloseReason),
}

/// chia re-queues an over-limit outbound message after one second.
const OUTBOUND_RETRY: Duration = Duration::from_secs(1);

impl<S> ConnectionTask<S>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    /// Runs until the connection ends, then fails pending requests and sends `Closed`.
    pub(crate) async fn run(mut self) {
        let reason = self.run_loop().await;
        lock(&self.pending).close();
        self.cancel.cancel();
        match &reason {
            CloseReason::Protocol {
                code,
                reason: why,
                detail,
            } => tracing::warn!(
                node_id = %hex_id(&self.info.node_id), addr = %self.info.remote_addr, code, reason = why, %detail,
                "closing connection: peer broke the protocol"
            ),
            other => tracing::info!(
                node_id = %hex_id(&self.info.node_id), addr = %self.info.remote_addr, reason = ?other,
                "connection closed"
            ),
        }
        match self.closed_slot.take() {
            Some(slot) => {
                slot.send(PeerEvent::Closed(reason));
            }
            // Only when the receiver was dropped before the task started: nobody is listening.
            None => tracing::debug!("no event receiver for the close reason"),
        }
    }

    async fn run_loop(&mut self) -> CloseReason {
        let mut last_rx = Instant::now();
        let mut ping_sent: Option<Instant> = None;
        let mut deferred: Option<(Message, Instant)> = None;
        let mut outbound_open = true;
        // A message read but not yet taken by the consumer: reading pauses (backpressure) while
        // writes, keepalive and close requests go on.
        let mut undelivered: Option<Message> = None;
        // A local handle, so a reserved slot does not borrow `self` across the select arms.
        let events = self.events.clone();
        loop {
            let keepalive_at = self.keepalive.map(|k| match ping_sent {
                Some(at) => at + k.pong,
                None => last_rx + k.idle,
            });
            let far = Instant::now() + Duration::from_secs(86_400);
            tokio::select! {
                biased;
                _ = self.cancel.cancelled() => {
                    self.close(1000, "").await;
                    return CloseReason::Local;
                }
                permit = events.reserve(), if undelivered.is_some() => match permit {
                    Ok(permit) => {
                        if let Some(msg) = undelivered.take() {
                            permit.send(PeerEvent::Message(msg));
                        }
                        // Reading resumes: silence while we were paused says nothing about the peer.
                        last_rx = Instant::now();
                        ping_sent = None;
                    }
                    Err(_) => {
                        // Nobody reads events any more; without handles either, the link is unused.
                        undelivered = None;
                        if !outbound_open {
                            self.close(1000, "").await;
                            return CloseReason::Local;
                        }
                    }
                },
                frame = self.ws.next(), if undelivered.is_none() => {
                    last_rx = Instant::now();
                    ping_sent = None;
                    match self.inbound(frame) {
                        Inbound::Continue => {}
                        Inbound::Deliver(msg) => undelivered = Some(msg),
                        Inbound::Close(reason) => {
                            if let CloseReason::Protocol { code, reason: why, .. } = &reason {
                                self.close(*code, why).await;
                            }
                            return reason;
                        }
                    }
                }
                _ = sleep_until(deferred.as_ref().map_or(far, |(_, at)| *at)), if deferred.is_some() => {
                    if let Some((msg, _)) = deferred.take()
                        && let Some(reason) = self.outbound_one(msg, &mut deferred).await
                    {
                        return reason;
                    }
                }
                next = self.outbound.recv(), if outbound_open && deferred.is_none() => match next {
                    Some(msg) => {
                        if let Some(reason) = self.outbound_one(msg, &mut deferred).await {
                            return reason;
                        }
                    }
                    None => {
                        outbound_open = false;
                        if self.events.is_closed() {
                            self.close(1000, "").await;
                            return CloseReason::Local;
                        }
                    }
                },
                _ = self.events.closed(), if !outbound_open => {
                    self.close(1000, "").await;
                    return CloseReason::Local;
                }
                // Keepalive only while we read: a pong cannot be seen while reading is paused.
                _ = sleep_until(keepalive_at.unwrap_or(far)), if keepalive_at.is_some() && undelivered.is_none() => {
                    if ping_sent.is_some() {
                        return CloseReason::KeepaliveTimeout;
                    }
                    if let Err(err) = self.ws.send(WsMessage::Ping(Default::default())).await {
                        return CloseReason::Transport(format!("sending ping: {err}"));
                    }
                    ping_sent = Some(Instant::now());
                }
            }
        }
    }

    /// Sends one message, or holds it for a second when over the outbound rate limit.
    async fn outbound_one(
        &mut self,
        msg: Message,
        deferred: &mut Option<(Message, Instant)>,
    ) -> Option<CloseReason> {
        if let Err(limited) = self.outbound_limit.check(msg.msg_type, msg.data.len())
            && !self.info.exempt
        {
            tracing::debug!(msg_type = msg.msg_type, %limited, "outbound rate limit: retrying in 1 s");
            *deferred = Some((msg, Instant::now() + OUTBOUND_RETRY));
            return None;
        }
        match self.ws.send(WsMessage::Binary(msg.to_bytes().into())).await {
            Ok(()) => None,
            Err(err) => Some(CloseReason::Transport(format!(
                "sending type {}: {err}",
                msg.msg_type
            ))),
        }
    }

    fn inbound(
        &mut self,
        frame: Option<Result<WsMessage, tokio_tungstenite::tungstenite::Error>>,
    ) -> Inbound {
        use tokio_tungstenite::tungstenite::Error as WsError;
        let frame = match frame {
            None => return Inbound::Close(CloseReason::Transport("stream ended".into())),
            Some(Err(WsError::Capacity(err))) => {
                return Inbound::Close(CloseReason::Protocol {
                    code: 1009,
                    reason: "",
                    detail: format!("message too big: {err}"),
                });
            }
            Some(Err(err)) => return Inbound::Close(CloseReason::Transport(err.to_string())),
            Some(Ok(frame)) => frame,
        };
        match frame {
            WsMessage::Binary(data) => self.inbound_message(&data),
            WsMessage::Text(_) => Inbound::Close(CloseReason::Protocol {
                code: 1000,
                reason: "",
                detail: "unexpected text frame".into(),
            }),
            WsMessage::Close(frame) => Inbound::Close(CloseReason::Remote {
                code: frame.as_ref().map_or(1005, |f| u16::from(f.code)),
                reason: frame.map(|f| f.reason.to_string()).unwrap_or_default(),
            }),
            // Pings are answered by tungstenite on the next read or write.
            WsMessage::Ping(_) | WsMessage::Pong(_) | WsMessage::Frame(_) => Inbound::Continue,
        }
    }

    fn inbound_message(&mut self, data: &[u8]) -> Inbound {
        let protocol_error = |reason, detail: String| {
            Inbound::Close(CloseReason::Protocol {
                code: CLOSE_PROTOCOL_ERROR,
                reason,
                detail,
            })
        };
        let msg = match Message::from_bytes(data) {
            Ok(msg) => msg,
            Err(err) => {
                return protocol_error(
                    ERR_INVALID_PROTOCOL_MESSAGE,
                    format!("undecodable message: {err}"),
                );
            }
        };
        if !is_known_type(msg.msg_type) {
            return protocol_error(
                ERR_INVALID_PROTOCOL_MESSAGE,
                format!("unknown message type {}", msg.msg_type),
            );
        }
        if let Err(limited) = self.inbound_limit.check(msg.msg_type, msg.data.len()) {
            if self.info.exempt {
                tracing::debug!(%limited, "inbound over the rate limit from an exempt peer");
            } else {
                return Inbound::Close(CloseReason::Protocol {
                    code: 1000,
                    reason: "",
                    detail: format!("inbound rate limit: {limited}"),
                });
            }
        }
        let Some(msg) = lock(&self.pending).route(msg) else {
            return Inbound::Continue;
        };
        match msg.msg_type {
            ERROR => {
                tracing::warn!(bytes = msg.data.len(), "peer sent an error message");
                return Inbound::Continue;
            }
            CONFIGURE_WINDOW_SIZES => {
                return match decode_window_sizes(&msg.data) {
                    Ok(entries) => {
                        tracing::debug!(
                            entries,
                            "ignoring configure_window_sizes: rate limits v3 not negotiated"
                        );
                        Inbound::Continue
                    }
                    Err(detail) => protocol_error(ERR_UNKNOWN, detail),
                };
            }
            HANDSHAKE => return protocol_error(ERR_UNKNOWN, "second handshake".into()),
            _ => {}
        }
        if !allowed_sender(msg.msg_type, self.info.node_type()) {
            return protocol_error(
                ERR_UNKNOWN,
                format!(
                    "message type {} not allowed from node type {}",
                    msg.msg_type,
                    self.info.node_type()
                ),
            );
        }
        if let Some(check) = self.payload_check
            && let Err(err) = check(msg.msg_type, &self.info.protocol_version, &msg.data)
        {
            return protocol_error(
                ERR_UNKNOWN,
                format!(
                    "payload of message type {} does not decode: {err}",
                    msg.msg_type
                ),
            );
        }
        Inbound::Deliver(msg)
    }

    async fn close(&mut self, code: u16, reason: &str) {
        let frame = CloseFrame {
            code: CloseCode::from(code),
            reason: reason.to_string().into(),
        };
        // Best effort: the peer may already be gone, and the connection ends either way.
        if let Err(err) = self.ws.close(Some(frame)).await {
            tracing::debug!(%err, "websocket close failed");
        }
    }
}

/// Decodes `ConfigureWindowSizes := list[(u8, u16)]` and applies chia's checks (1..=256 entries);
/// returns the entry count.
pub(crate) fn decode_window_sizes(data: &[u8]) -> Result<usize, String> {
    let (count, rest) = data
        .split_first_chunk::<4>()
        .ok_or_else(|| "configure_window_sizes: truncated count".to_string())?;
    let count = u32::from_be_bytes(*count) as usize;
    if count == 0 || count > 256 {
        return Err(format!(
            "configure_window_sizes: {count} entries, expected 1..=256"
        ));
    }
    if rest.len() != count * 3 {
        return Err(format!(
            "configure_window_sizes: {} bytes for {count} entries, expected {}",
            rest.len(),
            count * 3
        ));
    }
    Ok(count)
}

pub(crate) fn hex_id(id: &[u8; 32]) -> String {
    id.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn window_sizes_checks() {
        assert_eq!(decode_window_sizes(&[0, 0, 0, 1, 26, 0, 2]), Ok(1));
        assert!(decode_window_sizes(&[0, 0, 0, 0]).is_err());
        assert!(decode_window_sizes(&[0, 0, 0, 1, 26, 0]).is_err());
        assert!(decode_window_sizes(&[0, 0, 1, 1]).is_err());
    }
}
