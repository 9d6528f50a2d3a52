//! The handle to one live connection: send, request with matched responses, close.
//!
//! Ids: the dialling side numbers requests 0..=32767, the accepting side 32768..=65535; each counts
//! up, wraps inside its range and skips ids still pending or recently timed out (a late answer to
//! a timed-out request is dropped, never mistaken for a newer one).

use crate::error::PeerError;
use crate::handshake::ProtocolVersion;
use crate::message::{Handshake, Message};
use bytes::Bytes;
use std::collections::{HashMap, HashSet, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;

/// How many timed-out ids are remembered to drop their late answers.
const TIMED_OUT_MEMORY: usize = 1024;

/// What we learnt about the peer during the handshake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerInfo {
    /// SHA-256 of the peer's DER certificate.
    pub node_id: [u8; 32],
    /// The peer's address.
    pub remote_addr: SocketAddr,
    /// Whether we dialled (true) or accepted (false).
    pub outbound: bool,
    /// The peer's handshake as received.
    pub handshake: Handshake,
    /// The peer's protocol version, parsed: what decides message formats (wire.md §8.4).
    pub protocol_version: ProtocolVersion,
    /// Whether rate limits are waived for this peer (loopback, as chia exempts localhost).
    pub exempt: bool,
}

impl PeerInfo {
    /// The peer's node type.
    pub fn node_type(&self) -> u8 {
        self.handshake.node_type
    }
}

/// The pending-request table, shared by the handles and the connection task.
#[derive(Debug)]
pub(crate) struct Pending {
    range_start: u16,
    next: u16,
    waiters: HashMap<u16, oneshot::Sender<Message>>,
    timed_out: HashSet<u16>,
    timed_out_order: VecDeque<u16>,
    closed: bool,
}

/// Ids per side.
const RANGE: u32 = 32768;

impl Pending {
    pub(crate) fn new(outbound: bool) -> Self {
        let range_start = if outbound { 0 } else { 32768 };
        Pending {
            range_start,
            next: 0,
            waiters: HashMap::new(),
            timed_out: HashSet::new(),
            timed_out_order: VecDeque::new(),
            closed: false,
        }
    }

    fn allocate(&mut self, waiter: oneshot::Sender<Message>) -> Result<u16, PeerError> {
        if self.closed {
            return Err(PeerError::Closed);
        }
        for _ in 0..RANGE {
            let id = self.range_start.wrapping_add(self.next);
            self.next = ((u32::from(self.next) + 1) % RANGE) as u16;
            if !self.waiters.contains_key(&id) && !self.timed_out.contains(&id) {
                self.waiters.insert(id, waiter);
                return Ok(id);
            }
        }
        Err(PeerError::NoFreeId)
    }

    fn time_out(&mut self, id: u16) {
        if self.waiters.remove(&id).is_some() {
            self.timed_out.insert(id);
            self.timed_out_order.push_back(id);
            while self.timed_out_order.len() > TIMED_OUT_MEMORY {
                if let Some(old) = self.timed_out_order.pop_front() {
                    self.timed_out.remove(&old);
                }
            }
        }
    }

    /// Routes an inbound message with an id: `Ok(None)` when it completed (or was a late answer to)
    /// one of our requests, `Ok(Some(msg))` when it is not ours and goes to the handler.
    pub(crate) fn route(&mut self, msg: Message) -> Option<Message> {
        let Some(id) = msg.id else {
            return Some(msg);
        };
        if let Some(waiter) = self.waiters.remove(&id) {
            // The requester may have just given up; then the answer is dropped like a late one.
            let _ = waiter.send(msg);
            return None;
        }
        if self.timed_out.remove(&id) {
            self.timed_out_order.retain(|&t| t != id);
            tracing::debug!(id, "dropping late response to a timed-out request");
            return None;
        }
        Some(msg)
    }

    /// Fails every pending request: the connection is gone.
    pub(crate) fn close(&mut self) {
        self.closed = true;
        self.waiters.clear();
    }

    #[cfg(test)]
    fn pending_len(&self) -> usize {
        self.waiters.len()
    }
}

pub(crate) fn lock(pending: &Mutex<Pending>) -> MutexGuard<'_, Pending> {
    // A panic while holding this lock cannot leave the table inconsistent: every update is a
    // single map operation.
    pending
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A cloneable handle to one connection. Dropping every handle and the event receiver closes it.
#[derive(Debug, Clone)]
pub struct Peer {
    pub(crate) info: Arc<PeerInfo>,
    pub(crate) outbound: mpsc::Sender<Message>,
    pub(crate) pending: Arc<Mutex<Pending>>,
    pub(crate) cancel: CancellationToken,
    pub(crate) request_timeout: Duration,
    pub(crate) max_message_size: usize,
}

/// Removes the pending entry however the request ends (answered, timed out, or the future dropped).
struct PendingGuard<'a> {
    pending: &'a Mutex<Pending>,
    id: u16,
    timed_out: bool,
}

impl Drop for PendingGuard<'_> {
    fn drop(&mut self) {
        let mut pending = lock(self.pending);
        if self.timed_out {
            pending.time_out(self.id);
        } else {
            pending.waiters.remove(&self.id);
        }
    }
}

impl Peer {
    /// What the handshake told us about the peer.
    pub fn info(&self) -> &PeerInfo {
        &self.info
    }

    /// The peer's node id (SHA-256 of its certificate).
    pub fn node_id(&self) -> [u8; 32] {
        self.info.node_id
    }

    /// The peer's negotiated protocol version.
    pub fn protocol_version(&self) -> &ProtocolVersion {
        &self.info.protocol_version
    }

    fn check_size(&self, msg: &Message) -> Result<(), PeerError> {
        let size = msg.encoded_len();
        if size > self.max_message_size {
            return Err(PeerError::TooLarge {
                size,
                max: self.max_message_size,
            });
        }
        Ok(())
    }

    /// Queues a message (with or without id) for sending; waits while the outbound queue is full.
    pub async fn send(&self, msg: Message) -> Result<(), PeerError> {
        self.check_size(&msg)?;
        self.outbound.send(msg).await.map_err(|_| PeerError::Closed)
    }

    /// Queues a notification of `msg_type` without id.
    pub async fn notify(&self, msg_type: u8, data: impl Into<Bytes>) -> Result<(), PeerError> {
        self.send(Message::new(msg_type, data)).await
    }

    /// Answers a request: same id as the request.
    pub async fn respond(
        &self,
        request: &Message,
        msg_type: u8,
        data: impl Into<Bytes>,
    ) -> Result<(), PeerError> {
        self.send(Message {
            msg_type,
            id: request.id,
            data: data.into(),
        })
        .await
    }

    /// Sends `msg_type` with a fresh id and waits for the message carrying the same id, for at most
    /// the configured request timeout.
    pub async fn request(
        &self,
        msg_type: u8,
        data: impl Into<Bytes>,
    ) -> Result<Message, PeerError> {
        self.request_with_timeout(msg_type, data, self.request_timeout)
            .await
    }

    /// [`Peer::request`] with an explicit timeout (which also bounds waiting for queue space).
    pub async fn request_with_timeout(
        &self,
        msg_type: u8,
        data: impl Into<Bytes>,
        timeout: Duration,
    ) -> Result<Message, PeerError> {
        let (tx, rx) = oneshot::channel();
        let id = lock(&self.pending).allocate(tx)?;
        let mut guard = PendingGuard {
            pending: &self.pending,
            id,
            timed_out: false,
        };
        let msg = Message {
            msg_type,
            id: Some(id),
            data: data.into(),
        };
        self.check_size(&msg)?;
        let exchange = async {
            self.outbound
                .send(msg)
                .await
                .map_err(|_| PeerError::Closed)?;
            rx.await.map_err(|_| PeerError::Closed)
        };
        match tokio::time::timeout(timeout, exchange).await {
            Ok(result) => result,
            Err(_) => {
                guard.timed_out = true;
                Err(PeerError::RequestTimeout {
                    msg_type,
                    id,
                    after: timeout,
                })
            }
        }
    }

    /// Closes the connection (WebSocket close 1000); pending requests fail with `Closed`.
    pub fn close(&self) {
        self.cancel.cancel();
    }

    /// Resolves once the connection has been asked to close or has closed.
    pub async fn closed(&self) {
        self.cancel.cancelled().await;
    }

    /// Whether the connection has been asked to close or has closed.
    pub fn is_closed(&self) -> bool {
        self.cancel.is_cancelled()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn ids_stay_in_range_wrap_and_skip_pending() {
        let mut pending = Pending::new(false);
        let mut receivers = Vec::new();
        let (tx, rx) = oneshot::channel();
        receivers.push(rx);
        assert_eq!(pending.allocate(tx).unwrap(), 32768);
        pending.next = 32767;
        let (tx, rx) = oneshot::channel();
        receivers.push(rx);
        assert_eq!(pending.allocate(tx).unwrap(), 65535);
        // wraps to the start of the range, skipping the still-pending 32768
        let (tx, rx) = oneshot::channel();
        receivers.push(rx);
        assert_eq!(pending.allocate(tx).unwrap(), 32769);

        let mut dialler = Pending::new(true);
        let (tx, _rx) = oneshot::channel();
        assert_eq!(dialler.allocate(tx).unwrap(), 0);
        dialler.time_out(0);
        dialler.next = 0;
        let (tx, _rx2) = oneshot::channel();
        assert_eq!(dialler.allocate(tx).unwrap(), 1, "timed-out id is skipped");
        // the late answer to id 0 is swallowed, then id 0 is usable again
        assert!(
            dialler
                .route(Message {
                    msg_type: 7,
                    id: Some(0),
                    data: Bytes::new()
                })
                .is_none()
        );
        assert!(
            dialler
                .route(Message {
                    msg_type: 7,
                    id: Some(0),
                    data: Bytes::new()
                })
                .is_some()
        );
        assert_eq!(dialler.pending_len(), 1);
    }

    #[test]
    fn exhausted_range_is_an_error() {
        let mut pending = Pending::new(true);
        let mut keep = Vec::new();
        for _ in 0..RANGE {
            let (tx, rx) = oneshot::channel();
            keep.push(rx);
            pending.allocate(tx).unwrap();
        }
        let (tx, _rx) = oneshot::channel();
        assert!(matches!(pending.allocate(tx), Err(PeerError::NoFreeId)));
        pending.close();
        let (tx, _rx) = oneshot::channel();
        assert!(matches!(pending.allocate(tx), Err(PeerError::Closed)));
    }
}
