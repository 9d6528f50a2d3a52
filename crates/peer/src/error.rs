//! Typed errors of the peer layer: certificates, TLS set-up, and one connection.

use std::path::PathBuf;
use std::time::Duration;

/// Creating, reading or writing chia certificates and keys failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CertError {
    /// A file could not be read or written.
    #[error("certificate file {path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A PEM file could not be parsed.
    #[error("cannot parse {what} as pem: {source}")]
    Pem {
        /// What was being parsed.
        what: &'static str,
        /// The parse error.
        source: std::io::Error,
    },
    /// A PEM file held no certificate.
    #[error("no certificate in {what}")]
    NoCertificate {
        /// What was being parsed.
        what: &'static str,
    },
    /// A key file held no private key.
    #[error("no private key in pem")]
    NoKey,
    /// The private key is not an RSA key in PKCS#1 or PKCS#8 form.
    #[error("private key is not an rsa key in pkcs#1 or pkcs#8 form")]
    NotRsa,
    /// Generating an RSA key failed.
    #[error("rsa key generation failed: {0}")]
    RsaGenerate(rsa::Error),
    /// Encoding a key as PKCS#8 failed.
    #[error("pkcs#8 encoding failed: {0}")]
    Pkcs8(rsa::pkcs8::Error),
    /// Decoding a PKCS#1 key failed.
    #[error("pkcs#1 decoding failed: {0}")]
    Pkcs1(rsa::pkcs1::Error),
    /// rcgen refused the certificate parameters or the key.
    #[error("certificate generation failed: {0}")]
    Rcgen(rcgen::Error),
    /// rustls refused the certificates or key.
    #[error("tls configuration rejected: {0}")]
    Rustls(#[from] rustls::Error),
    /// The CA certificate could not be added as a trust anchor.
    #[error("ca certificate is not a usable trust anchor: {0}")]
    TrustAnchor(String),
}

/// Why a connection failed or ended.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PeerError {
    /// TCP connect or accept failed.
    #[error("tcp to {addr}: {source}")]
    Connect {
        /// The remote address.
        addr: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The TLS handshake failed (wrong CA, no client certificate, not TLS 1.3 …).
    #[error("tls handshake with {addr} failed: {source}")]
    Tls {
        /// The remote address.
        addr: String,
        /// The I/O error rustls reported.
        source: std::io::Error,
    },
    /// The peer presented no certificate.
    #[error("peer presented no certificate")]
    NoPeerCertificate,
    /// The WebSocket upgrade or a WebSocket frame failed.
    #[error("websocket: {0}")]
    WebSocket(Box<tokio_tungstenite::tungstenite::Error>),
    /// A step did not finish in time.
    #[error("{step} timed out after {after:?}")]
    Timeout {
        /// Which step.
        step: &'static str,
        /// The limit.
        after: Duration,
    },
    /// The chia handshake was refused (ours or theirs); the reason says which check failed.
    #[error("handshake failed: {0}")]
    Handshake(#[from] crate::handshake::HandshakeError),
    /// The connection is closed; no more messages can be sent.
    #[error("connection closed")]
    Closed,
    /// A request got no response in time.
    #[error("request type {msg_type} id {id} got no response within {after:?}")]
    RequestTimeout {
        /// Message type of the request.
        msg_type: u8,
        /// Message id used.
        id: u16,
        /// The limit.
        after: Duration,
    },
    /// Every message id of this side's range is pending.
    #[error("no free message id: all 32768 ids of this side are pending")]
    NoFreeId,
    /// A typed request was answered with another message type.
    #[error("expected a response of type {expected}, got type {got}")]
    UnexpectedResponse {
        /// The type the caller asked for.
        expected: u8,
        /// The type that came back.
        got: u8,
    },
    /// A typed response did not decode.
    #[error("response of type {msg_type} does not decode: {source}")]
    Decode {
        /// Its message type.
        msg_type: u8,
        /// What the codec said.
        source: sickle_streamable::Error,
    },
    /// The message is larger than the maximum message size.
    #[error("message of {size} bytes exceeds the maximum of {max}")]
    TooLarge {
        /// Encoded size.
        size: usize,
        /// The limit.
        max: usize,
    },
}

impl From<tokio_tungstenite::tungstenite::Error> for PeerError {
    fn from(err: tokio_tungstenite::tungstenite::Error) -> Self {
        PeerError::WebSocket(Box::new(err))
    }
}
