//! A minimal Sickle node for `cargo xtask interop`: talks to the real chia services.
//!
//! ```text
//! interop_peer certs  ROOT [CA_DIR]               # node certs for ROOT (signed by CA_DIR's CA,
//!                                                 # else by a new Sickle CA)
//! interop_peer dial   ROOT NETWORK ADDR SECONDS [STOP_TYPE]  # as a harvester, to a real farmer
//! interop_peer listen ROOT NETWORK PORT SECONDS   # as a farmer, for a real harvester
//! ```
//!
//! Prints one `key=value` line per fact the xtask checks (`HANDSHAKE …`, `MESSAGE type=…`,
//! `CLOSED …`) and exits 0 once the chia handshake completed.

use sickle_peer::handshake::node_type;
use sickle_peer::{Connection, PeerConfig, PeerEvent, ServerConfig, TlsSetup};
use sickle_protocol::{RequestPlots, RespondPlots2};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn arg(args: &[String], index: usize, what: &str) -> Result<String> {
    args.get(index)
        .cloned()
        .ok_or_else(|| format!("missing argument {index}: {what}").into())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn print_handshake(conn: &Connection) {
    let info = conn.peer.info();
    println!(
        "HANDSHAKE node_type={} protocol_version={} software_version={} server_port={} capabilities={:?} node_id={}",
        info.node_type(),
        info.protocol_version,
        info.handshake.software_version,
        info.handshake.server_port,
        info.handshake.capabilities,
        hex(&info.node_id)
    );
}

/// Prints every event until the connection closes, `seconds` pass, or a message of `stop_type`
/// arrives.
async fn log_events(conn: &mut Connection, seconds: u64, stop_type: Option<u8>) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(seconds);
    loop {
        match tokio::time::timeout_at(deadline, conn.events.recv()).await {
            Ok(Some(PeerEvent::Message(msg))) => {
                println!(
                    "MESSAGE type={} id={:?} bytes={}",
                    msg.msg_type,
                    msg.id,
                    msg.data.len()
                );
                if stop_type == Some(msg.msg_type) {
                    return;
                }
            }
            Ok(Some(PeerEvent::Closed(reason))) => {
                println!("CLOSED reason={reason:?}");
                return;
            }
            Ok(Some(other)) => println!("EVENT {other:?}"),
            Ok(None) | Err(_) => return,
        }
    }
}

async fn run(args: &[String]) -> Result<()> {
    let mode = arg(args, 1, "mode")?;
    let root = PathBuf::from(arg(args, 2, "root")?);
    match mode.as_str() {
        "certs" => {
            let ca = args.get(3).map(PathBuf::from);
            let report = sickle_peer::init_root(&root, ca.as_deref(), &["farmer", "harvester"])?;
            println!("CERTS nodes={:?}", report.nodes);
            Ok(())
        }
        "dial" => {
            let network = arg(args, 3, "network")?;
            let addr: SocketAddr = arg(args, 4, "address")?.parse()?;
            let seconds: u64 = arg(args, 5, "seconds")?.parse()?;
            let stop_type = match args.get(6) {
                Some(text) => Some(text.parse::<u8>()?),
                None => None,
            };
            let tls = TlsSetup::from_chia_root(&root, "harvester")?;
            let mut config = PeerConfig::new(network, node_type::HARVESTER, 0);
            // Every payload from the real farmer must pass Sickle's strict decode.
            config.payload_check = Some(sickle_peer::harvester_link_check);
            let mut conn = sickle_peer::connect(addr, &tls, &config).await?;
            print_handshake(&conn);
            log_events(&mut conn, seconds, stop_type).await;
            conn.peer.close();
            Ok(())
        }
        "listen" => {
            let network = arg(args, 3, "network")?;
            let port: u16 = arg(args, 4, "port")?.parse()?;
            let seconds: u64 = arg(args, 5, "seconds")?.parse()?;
            let tls = TlsSetup::from_chia_root(&root, "farmer")?;
            let mut peer = PeerConfig::new(network, node_type::FARMER, port);
            peer.keepalive = None;
            // Every payload from the real harvester must pass Sickle's strict decode.
            peer.payload_check = Some(sickle_peer::harvester_link_check);
            let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
            let (tx, mut accepted) = mpsc::channel(4);
            let shutdown = CancellationToken::new();
            let server = tokio::spawn(sickle_peer::serve(
                listener,
                tls,
                ServerConfig {
                    peer,
                    max_connections: 8,
                },
                tx,
                shutdown.clone(),
            ));
            println!("LISTENING port={port}");
            let waited = tokio::time::timeout(Duration::from_secs(seconds), accepted.recv()).await;
            let result = match waited {
                Ok(Some(mut conn)) => {
                    print_handshake(&conn);
                    // HarvesterHandshake with no farmer and no pool keys: two empty G1 lists.
                    conn.peer.notify(3, vec![0u8; 8]).await?;
                    println!("SENT harvester_handshake");
                    // request_plots with an id: the typed answer must carry it back and decode.
                    let plots: RespondPlots2 = tokio::time::timeout(
                        Duration::from_secs(30),
                        conn.peer
                            .request_msg::<RequestPlots, RespondPlots2>(&RequestPlots),
                    )
                    .await??;
                    println!(
                        "RESPONSE respond_plots2 matched by request id, plots={} failed={} no_key={}",
                        plots.plots.len(),
                        plots.failed_to_open_filenames.len(),
                        plots.no_key_filenames.len()
                    );
                    log_events(&mut conn, 8, None).await;
                    Ok(())
                }
                Ok(None) => Err("listener stopped".into()),
                Err(_) => Err(format!("no harvester connected within {seconds} s").into()),
            };
            shutdown.cancel();
            server.await?;
            result
        }
        other => Err(format!("unknown mode {other:?}").into()),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    match run(&args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            println!("ERROR {err}");
            ExitCode::FAILURE
        }
    }
}
