//! Connections over 127.0.0.1 between a Sickle listener and Sickle dialers, plus raw clients that
//! misbehave. Every bad connection must close alone while a good one keeps working.
//!
//! Certificates in `tests/data` were made by chia-blockchain 2.7.5's own `make_ca_cert` and
//! `generate_ca_signed_cert` (see `tests/data/README.md`).

#![allow(clippy::unwrap_used)]

use futures::{SinkExt, StreamExt};
use sickle_peer::handshake::{HandshakeError, node_type};
use sickle_peer::{
    CloseReason, Connection, Message, PeerConfig, PeerError, PeerEvent, ServerConfig, TlsSetup,
    connect, serve,
};
use sickle_streamable::Streamable;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_util::sync::CancellationToken;

const NETWORK: &str = "testnet11";
/// Upper bound for things that should happen at once; only reached when a test fails.
const PATIENCE: Duration = Duration::from_secs(20);

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("data")
        .join(name)
}

fn read(name: &str) -> String {
    std::fs::read_to_string(data(name)).unwrap()
}

fn tls(ca: &str, node: &str) -> TlsSetup {
    TlsSetup::from_files(
        &data(&format!("{ca}.crt")),
        &data(&format!("{node}.crt")),
        &data(&format!("{node}.key")),
    )
    .unwrap()
}

fn farmer_config() -> PeerConfig {
    let mut config = PeerConfig::new(NETWORK, node_type::FARMER, 8447);
    config.keepalive = None;
    config.handshake_timeout = Duration::from_secs(10);
    config
}

fn harvester_config() -> PeerConfig {
    let mut config = PeerConfig::new(NETWORK, node_type::HARVESTER, 0);
    config.handshake_timeout = Duration::from_secs(10);
    config
}

struct TestServer {
    addr: SocketAddr,
    accepted: mpsc::Receiver<Connection>,
    shutdown: CancellationToken,
    task: JoinHandle<()>,
}

async fn start_server(config: PeerConfig) -> TestServer {
    start_limited_server(config, 16).await
}

async fn start_limited_server(config: PeerConfig, max_connections: usize) -> TestServer {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, accepted) = mpsc::channel(8);
    let shutdown = CancellationToken::new();
    let server_config = ServerConfig {
        peer: config,
        max_connections,
    };
    let task = tokio::spawn(serve(
        listener,
        tls("ca_a", "a1"),
        server_config,
        tx,
        shutdown.clone(),
    ));
    TestServer {
        addr,
        accepted,
        shutdown,
        task,
    }
}

async fn within<T>(fut: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(PATIENCE, fut)
        .await
        .expect("test step took too long")
}

async fn next_event(conn: &mut Connection) -> PeerEvent {
    within(conn.events.recv())
        .await
        .expect("event stream ended")
}

/// A good harvester connection plus its server side, proven to work by one request each way.
async fn good_pair(server: &mut TestServer) -> (Connection, Connection) {
    let mut client = within(connect(
        server.addr,
        &tls("ca_a", "a2"),
        &harvester_config(),
    ))
    .await
    .unwrap();
    let mut farmer_side = within(server.accepted.recv()).await.unwrap();
    assert_link_works(&mut client, &mut farmer_side).await;
    (client, farmer_side)
}

async fn assert_link_works(harvester: &mut Connection, farmer: &mut Connection) {
    let request = {
        let peer = farmer.peer.clone();
        tokio::spawn(async move { peer.request(6, vec![1, 2, 3]).await })
    };
    let PeerEvent::Message(msg) = next_event(harvester).await else {
        panic!("expected the request")
    };
    assert_eq!((msg.msg_type, msg.data.as_ref()), (6, &[1u8, 2, 3][..]));
    harvester.peer.respond(&msg, 7, vec![9]).await.unwrap();
    let response = within(request).await.unwrap().unwrap();
    assert_eq!((response.msg_type, response.id), (7, msg.id));
    assert_eq!(response.data.as_ref(), &[9]);
}

#[tokio::test]
async fn handshake_both_ways_and_requests_with_ids() {
    let mut server = start_server(farmer_config()).await;
    let mut client = within(connect(
        server.addr,
        &tls("ca_a", "a2"),
        &harvester_config(),
    ))
    .await
    .unwrap();
    let mut farmer = within(server.accepted.recv()).await.unwrap();

    // What each side learnt.
    let seen_by_harvester = client.peer.info();
    assert_eq!(seen_by_harvester.node_type(), node_type::FARMER);
    assert_eq!(seen_by_harvester.handshake.server_port, 8447);
    assert_eq!(seen_by_harvester.handshake.protocol_version, "0.0.38");
    assert!(seen_by_harvester.outbound);
    let a1_der = rustls_pemfile::certs(&mut read("a1.crt").as_bytes())
        .next()
        .unwrap()
        .unwrap();
    assert_eq!(client.peer.node_id(), sickle_peer::node_id(&a1_der));
    let seen_by_farmer = farmer.peer.info();
    assert_eq!(seen_by_farmer.node_type(), node_type::HARVESTER);
    assert_eq!(seen_by_farmer.handshake.server_port, 0);
    assert!(!seen_by_farmer.outbound && seen_by_farmer.exempt);
    assert_eq!(
        farmer.peer.protocol_version(),
        &"0.0.38".parse::<sickle_peer::ProtocolVersion>().unwrap()
    );
    assert!(
        !seen_by_farmer.handshake.has_capability(7u16),
        "never advertise rate limits v3"
    );

    // The acceptor numbers its requests from 32768.
    let request = {
        let peer = farmer.peer.clone();
        tokio::spawn(async move { peer.request(6, vec![0xaa]).await })
    };
    let PeerEvent::Message(req) = next_event(&mut client).await else {
        panic!("expected request_signatures")
    };
    assert_eq!(req.id, Some(32768));
    client.peer.respond(&req, 7, vec![0xbb]).await.unwrap();
    assert_eq!(within(request).await.unwrap().unwrap().id, Some(32768));

    // The dialler numbers from 0; the answer may be of any type.
    let request = {
        let peer = client.peer.clone();
        tokio::spawn(async move { peer.request(5, vec![0xcc]).await })
    };
    let PeerEvent::Message(req) = next_event(&mut farmer).await else {
        panic!("expected new_proof_of_space")
    };
    assert_eq!((req.msg_type, req.id), (5, Some(0)));
    farmer.peer.respond(&req, 255, vec![]).await.unwrap();
    assert_eq!(within(request).await.unwrap().unwrap().msg_type, 255);

    // A notification arrives as an event without id.
    client.peer.notify(12, vec![1, 2]).await.unwrap();
    let PeerEvent::Message(info) = next_event(&mut farmer).await else {
        panic!("expected farming_info")
    };
    assert_eq!((info.msg_type, info.id), (12, None));

    // Closing one side: both see Closed, and requests fail.
    client.peer.close();
    assert_eq!(
        next_event(&mut client).await,
        PeerEvent::Closed(CloseReason::Local)
    );
    assert!(matches!(
        next_event(&mut farmer).await,
        PeerEvent::Closed(CloseReason::Remote { code: 1000, .. })
    ));
    assert!(matches!(
        farmer.peer.request(6, vec![]).await,
        Err(PeerError::Closed)
    ));
    server.shutdown.cancel();
    within(server.task).await.unwrap();
}

#[tokio::test]
async fn request_timeout_drops_the_pending_entry_and_the_late_answer() {
    let mut server = start_server(farmer_config()).await;
    let (mut client, mut farmer) = good_pair(&mut server).await;
    let err = farmer
        .peer
        .request_with_timeout(6, vec![1], Duration::from_millis(200))
        .await
        .unwrap_err();
    let PeerError::RequestTimeout { id, .. } = err else {
        panic!("expected a timeout, got {err:?}")
    };
    // The harvester answers late: the farmer drops it instead of delivering it as an event.
    let PeerEvent::Message(req) = next_event(&mut client).await else {
        panic!()
    };
    assert_eq!(req.id, Some(id));
    client.peer.respond(&req, 7, vec![2]).await.unwrap();
    // The next request gets a fresh id and its own answer; no stray event in between.
    assert_link_works(&mut client, &mut farmer).await;
    assert!(farmer.events.try_recv().is_err());
    server.shutdown.cancel();
    within(server.task).await.unwrap();
}

#[tokio::test]
async fn wrong_ca_is_refused_both_ways_and_others_keep_working() {
    let mut server = start_server(farmer_config()).await;
    let (mut client, mut farmer) = good_pair(&mut server).await;

    // A client whose certificate comes from another CA.
    let err = within(connect(
        server.addr,
        &tls("ca_a", "b1"),
        &harvester_config(),
    ))
    .await
    .unwrap_err();
    assert!(
        matches!(err, PeerError::Tls { .. } | PeerError::WebSocket(_)),
        "{err:?}"
    );
    // A client that trusts another CA refuses our server's certificate.
    let err = within(connect(
        server.addr,
        &tls("ca_b", "b1"),
        &harvester_config(),
    ))
    .await
    .unwrap_err();
    assert!(matches!(err, PeerError::Tls { .. }), "{err:?}");

    assert_link_works(&mut client, &mut farmer).await;
    server.shutdown.cancel();
    within(server.task).await.unwrap();
}

/// Accepts any server certificate; used only to reach the server without a client certificate.
#[derive(Debug)]
struct AcceptAnything(Arc<rustls::crypto::CryptoProvider>);

impl rustls::client::danger::ServerCertVerifier for AcceptAnything {
    fn verify_server_cert(
        &self,
        _: &rustls::pki_types::CertificateDer<'_>,
        _: &[rustls::pki_types::CertificateDer<'_>],
        _: &rustls::pki_types::ServerName<'_>,
        _: &[u8],
        _: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        m: &[u8],
        c: &rustls::pki_types::CertificateDer<'_>,
        d: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(m, c, d, &self.0.signature_verification_algorithms)
    }
    fn verify_tls13_signature(
        &self,
        m: &[u8],
        c: &rustls::pki_types::CertificateDer<'_>,
        d: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(m, c, d, &self.0.signature_verification_algorithms)
    }
    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

#[tokio::test]
async fn client_without_certificate_is_cut_off() {
    let mut server = start_server(farmer_config()).await;
    let (mut client, mut farmer) = good_pair(&mut server).await;

    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&[&rustls::version::TLS13])
        .unwrap()
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(AcceptAnything(provider)))
        .with_no_client_auth();
    let tcp = TcpStream::connect(server.addr).await.unwrap();
    let name = rustls::pki_types::ServerName::IpAddress(server.addr.ip().into());
    // TLS 1.3: the client may finish its side before the server refuses; the WebSocket upgrade
    // then fails.
    let outcome = within(async {
        let stream = tokio_rustls::TlsConnector::from(Arc::new(config))
            .connect(name, tcp)
            .await?;
        tokio_tungstenite::client_async(format!("wss://{}/ws", server.addr), stream)
            .await
            .map_err(std::io::Error::other)
    })
    .await;
    assert!(outcome.is_err(), "a client without certificate got through");

    assert_link_works(&mut client, &mut farmer).await;
    server.shutdown.cancel();
    within(server.task).await.unwrap();
}

#[tokio::test]
async fn wrong_network_id_closes_with_110() {
    let mut server = start_server(farmer_config()).await;
    let (mut client, mut farmer) = good_pair(&mut server).await;
    let mut mainnet = harvester_config();
    mainnet.identity.network_id = "mainnet".into();
    let err = within(connect(server.addr, &tls("ca_a", "a3"), &mainnet))
        .await
        .unwrap_err();
    match err {
        PeerError::Handshake(HandshakeError::Refused { code, reason }) => {
            assert_eq!((code, reason.as_str()), (1002, "110"));
        }
        other => panic!("expected a 1002/110 close, got {other:?}"),
    }
    assert_link_works(&mut client, &mut farmer).await;
    server.shutdown.cancel();
    within(server.task).await.unwrap();
}

/// TLS + WebSocket with a valid certificate, then whatever the test sends.
async fn raw_client(
    addr: SocketAddr,
) -> tokio_tungstenite::WebSocketStream<tokio_rustls::client::TlsStream<TcpStream>> {
    let tls = tls("ca_a", "a3");
    let tcp = TcpStream::connect(addr).await.unwrap();
    let name = rustls::pki_types::ServerName::IpAddress(addr.ip().into());
    let stream = tokio_rustls::TlsConnector::from(tls.client_config())
        .connect(name, tcp)
        .await
        .unwrap();
    let (ws, _) = tokio_tungstenite::client_async(format!("wss://{addr}/ws"), stream)
        .await
        .unwrap();
    ws
}

/// Sends a valid harvester handshake and reads the farmer's reply.
async fn raw_handshake(
    ws: &mut tokio_tungstenite::WebSocketStream<tokio_rustls::client::TlsStream<TcpStream>>,
) {
    let ours = harvester_config().identity.handshake("0.0.38");
    ws.send(WsMessage::Binary(
        Message::new(1, ours.to_bytes()).to_bytes().into(),
    ))
    .await
    .unwrap();
    let reply = within(ws.next()).await.unwrap().unwrap();
    let WsMessage::Binary(reply) = reply else {
        panic!("expected the handshake reply, got {reply:?}")
    };
    assert_eq!(reply.first(), Some(&1));
}

/// Reads until the server's close frame and returns its code and reason.
async fn close_of(
    ws: &mut tokio_tungstenite::WebSocketStream<tokio_rustls::client::TlsStream<TcpStream>>,
) -> (u16, String) {
    loop {
        match within(ws.next()).await {
            Some(Ok(WsMessage::Close(Some(frame)))) => {
                return (u16::from(frame.code), frame.reason.to_string());
            }
            Some(Ok(_)) => continue,
            other => panic!("expected a close frame, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn bad_frames_close_only_their_connection() {
    let mut small = farmer_config();
    small.max_message_size = 4096;
    let mut server = start_server(small).await;
    let (mut client, mut farmer) = good_pair(&mut server).await;

    // (frame, expected close code and reason)
    let cases: Vec<(WsMessage, u16, &str)> = vec![
        // not a Message envelope
        (WsMessage::Binary(vec![0xff, 0x07].into()), 1002, "-4"),
        // unknown message type 200
        (
            WsMessage::Binary(Message::new(200, vec![]).to_bytes().into()),
            1002,
            "-4",
        ),
        // new_signage_point_harvester is a farmer's message, not a harvester's
        (
            WsMessage::Binary(Message::new(66, vec![]).to_bytes().into()),
            1002,
            "1",
        ),
        // larger than the 4 KiB limit of this server
        (WsMessage::Binary(vec![5u8; 5000].into()), 1009, ""),
        // text frames are not chia messages
        (WsMessage::Text("hello".into()), 1000, ""),
    ];
    for (frame, code, reason) in cases {
        let mut raw = raw_client(server.addr).await;
        raw_handshake(&mut raw).await;
        let mut bad_side = within(server.accepted.recv()).await.unwrap();
        raw.send(frame).await.unwrap();
        assert_eq!(close_of(&mut raw).await, (code, reason.to_string()));
        let PeerEvent::Closed(CloseReason::Protocol {
            code: seen_code, ..
        }) = next_event(&mut bad_side).await
        else {
            panic!("server side must report a protocol close")
        };
        assert_eq!(seen_code, code);
        assert_link_works(&mut client, &mut farmer).await;
    }
    server.shutdown.cancel();
    within(server.task).await.unwrap();
}

#[tokio::test]
async fn stalled_handshakes_time_out_alone() {
    let mut config = farmer_config();
    // Long enough for a real handshake on a loaded CI machine, short enough for a quick test.
    config.handshake_timeout = Duration::from_secs(3);
    let mut server = start_server(config).await;

    // Stalls before TLS, and stalls after the WebSocket upgrade without a chia handshake.
    let mut silent_tcp = TcpStream::connect(server.addr).await.unwrap();
    let mut silent_ws = raw_client(server.addr).await;
    // Meanwhile a good client connects and works.
    let (mut client, mut farmer) = good_pair(&mut server).await;

    let mut buf = [0u8; 64];
    let read = within(tokio::io::AsyncReadExt::read(&mut silent_tcp, &mut buf)).await;
    assert!(
        matches!(read, Ok(0) | Err(_)),
        "server must drop the silent tcp client"
    );
    let end = within(silent_ws.next()).await;
    assert!(
        !matches!(end, Some(Ok(WsMessage::Binary(_)))),
        "no handshake reply for a silent peer"
    );
    assert_link_works(&mut client, &mut farmer).await;
    assert!(
        server.accepted.try_recv().is_err(),
        "stalled peers never become connections"
    );
    server.shutdown.cancel();
    within(server.task).await.unwrap();
}

#[tokio::test]
async fn shutdown_closes_connections_and_waits_for_them() {
    let mut server = start_server(farmer_config()).await;
    let (mut client, mut farmer) = good_pair(&mut server).await;
    server.shutdown.cancel();
    within(server.task).await.unwrap();
    assert_eq!(
        next_event(&mut farmer).await,
        PeerEvent::Closed(CloseReason::Local)
    );
    assert!(matches!(
        next_event(&mut client).await,
        PeerEvent::Closed(CloseReason::Remote { code: 1000, .. })
    ));
}

#[tokio::test]
async fn keepalive_pings_keep_a_live_link_and_detect_a_dead_one() {
    // A live farmer answers pings: over many idle periods nothing closes.
    let mut server = start_server(farmer_config()).await;
    let mut config = harvester_config();
    config.keepalive = Some(sickle_peer::Keepalive {
        idle: Duration::from_millis(50),
        pong: Duration::from_millis(1000),
    });
    let mut client = within(connect(server.addr, &tls("ca_a", "a2"), &config))
        .await
        .unwrap();
    let mut farmer = within(server.accepted.recv()).await.unwrap();
    let quiet = tokio::time::timeout(Duration::from_millis(600), client.events.recv()).await;
    assert!(
        quiet.is_err(),
        "no event expected on an idle link, got {quiet:?}"
    );
    assert_link_works(&mut client, &mut farmer).await;
    server.shutdown.cancel();
    within(server.task).await.unwrap();

    // A "farmer" that completes the handshake and then stops reading never answers a ping.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let dead_farmer = tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.unwrap();
        let stream = tokio_rustls::TlsAcceptor::from(tls("ca_a", "a1").server_config())
            .accept(tcp)
            .await
            .unwrap();
        let mut ws = tokio_tungstenite::accept_async(stream).await.unwrap();
        let _their_handshake = ws.next().await.unwrap().unwrap();
        let reply = farmer_config().identity.handshake("0.0.38");
        ws.send(WsMessage::Binary(
            Message::new(1, reply.to_bytes()).to_bytes().into(),
        ))
        .await
        .unwrap();
        // Hold the socket open without reading until the test ends.
        let _ = stop_rx.await;
        drop(ws);
    });
    config.keepalive = Some(sickle_peer::Keepalive {
        idle: Duration::from_millis(100),
        pong: Duration::from_millis(200),
    });
    let mut client = within(connect(addr, &tls("ca_a", "a2"), &config))
        .await
        .unwrap();
    assert_eq!(
        next_event(&mut client).await,
        PeerEvent::Closed(CloseReason::KeepaliveTimeout)
    );
    let _ = stop_tx.send(());
    within(dead_farmer).await.unwrap();
}

#[tokio::test]
async fn connection_limit_is_taken_before_accept() {
    let mut server = start_limited_server(farmer_config(), 1).await;
    let (mut client, mut farmer) = good_pair(&mut server).await;

    // The only permit is in use: a second client gets no TLS handshake and gives up.
    let mut impatient = harvester_config();
    impatient.handshake_timeout = Duration::from_millis(500);
    let err = within(connect(server.addr, &tls("ca_a", "a3"), &impatient))
        .await
        .unwrap_err();
    assert!(matches!(err, PeerError::Timeout { .. }), "{err:?}");
    assert_link_works(&mut client, &mut farmer).await;

    // Once the first connection ends, its permit admits the next one.
    client.peer.close();
    assert!(matches!(
        next_event(&mut farmer).await,
        PeerEvent::Closed(_)
    ));
    let (_client, _farmer) = good_pair(&mut server).await;
    server.shutdown.cancel();
    within(server.task).await.unwrap();
}

#[tokio::test]
async fn inbound_rate_limit_disconnects_a_non_exempt_peer() {
    let mut strict = farmer_config();
    strict.exempt_loopback = false;
    let mut server = start_server(strict).await;
    let (mut client, mut farmer) = good_pair(&mut server).await;
    // farming_info: 100 per minute at 100 %; the 101st closes the link (code 1000, as chia).
    for _ in 0..101 {
        client.peer.notify(12, vec![0u8; 8]).await.unwrap();
    }
    for _ in 0..100 {
        let PeerEvent::Message(msg) = next_event(&mut farmer).await else {
            panic!("closed before the limit")
        };
        assert_eq!(msg.msg_type, 12);
    }
    let PeerEvent::Closed(CloseReason::Protocol { code, detail, .. }) =
        next_event(&mut farmer).await
    else {
        panic!("expected a rate-limit close")
    };
    assert_eq!(code, 1000);
    assert!(detail.contains("rate limit"), "{detail}");
    assert!(matches!(
        next_event(&mut client).await,
        PeerEvent::Closed(CloseReason::Remote { code: 1000, .. })
    ));
    server.shutdown.cancel();
    within(server.task).await.unwrap();
}

/// Stands in for the protocol crate's strict decoder: farming_info payloads must be 8 bytes here.
fn eight_byte_farming_info(
    msg_type: u8,
    _version: &sickle_peer::ProtocolVersion,
    payload: &[u8],
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    if msg_type == 12 && payload.len() != 8 {
        return Err(format!("expected 8 bytes, got {}", payload.len()).into());
    }
    Ok(())
}

#[tokio::test]
async fn payloads_that_fail_the_check_close_with_1002_1() {
    let mut checked = farmer_config();
    checked.payload_check = Some(eight_byte_farming_info);
    let mut server = start_server(checked).await;
    let (mut client, mut farmer) = good_pair(&mut server).await;
    client.peer.notify(12, vec![0u8; 8]).await.unwrap();
    assert!(matches!(
        next_event(&mut farmer).await,
        PeerEvent::Message(_)
    ));
    client.peer.notify(12, vec![0u8; 7]).await.unwrap();
    let PeerEvent::Closed(CloseReason::Protocol {
        code,
        reason,
        detail,
    }) = next_event(&mut farmer).await
    else {
        panic!("expected a protocol close")
    };
    assert_eq!((code, reason), (1002, "1"));
    assert!(detail.contains("expected 8 bytes"), "{detail}");
    assert_eq!(
        next_event(&mut client).await,
        PeerEvent::Closed(CloseReason::Remote {
            code: 1002,
            reason: "1".into()
        })
    );
    server.shutdown.cancel();
    within(server.task).await.unwrap();
}

#[tokio::test]
async fn only_tls13_and_only_the_ws_path() {
    let mut server = start_server(farmer_config()).await;
    let (mut client, mut farmer) = good_pair(&mut server).await;

    // A TLS 1.2-only client with a valid certificate is refused, as chia's server refuses it.
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let chain: Vec<_> = rustls_pemfile::certs(&mut read("a3.crt").as_bytes())
        .collect::<Result<_, _>>()
        .unwrap();
    let key = rustls_pemfile::private_key(&mut read("a3.key").as_bytes())
        .unwrap()
        .unwrap();
    let tls12 = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&[&rustls::version::TLS12])
        .unwrap()
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(AcceptAnything(provider)))
        .with_client_auth_cert(chain, key)
        .unwrap();
    let tcp = TcpStream::connect(server.addr).await.unwrap();
    let name = rustls::pki_types::ServerName::IpAddress(server.addr.ip().into());
    let refused =
        within(tokio_rustls::TlsConnector::from(Arc::new(tls12)).connect(name, tcp)).await;
    assert!(refused.is_err(), "a TLS 1.2 client got through");

    // Any path but /ws gets HTTP 404 instead of an upgrade.
    let tcp = TcpStream::connect(server.addr).await.unwrap();
    let name = rustls::pki_types::ServerName::IpAddress(server.addr.ip().into());
    let stream = tokio_rustls::TlsConnector::from(tls("ca_a", "a3").client_config())
        .connect(name, tcp)
        .await
        .unwrap();
    let err = within(tokio_tungstenite::client_async(
        format!("wss://{}/other", server.addr),
        stream,
    ))
    .await
    .unwrap_err();
    match err {
        tokio_tungstenite::tungstenite::Error::Http(response) => {
            assert_eq!(response.status().as_u16(), 404)
        }
        other => panic!("expected HTTP 404, got {other:?}"),
    }

    assert_link_works(&mut client, &mut farmer).await;
    server.shutdown.cancel();
    within(server.task).await.unwrap();
}
