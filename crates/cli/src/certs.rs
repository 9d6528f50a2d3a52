//! `sickle certs init`: the private CA and node certificates of a chia root, made like `chia init`.
//!
//! Without `--ca`, an existing `config/ssl/ca/private_ca.*` in the root is reused, or a new CA is
//! made. With `--ca DIR` (like `chia init -c DIR`), `DIR/private_ca.crt/.key` are copied into the
//! root and sign every node certificate, so the new node joins that farm.

use crate::CmdResult;
use clap::Subcommand;
use std::path::PathBuf;

/// `sickle certs` subcommands.
#[derive(Subcommand)]
pub enum CertsCommand {
    /// Create config/ssl/ca/private_ca.* (unless present or given) and a private certificate and key
    /// for every chia node under `config/ssl/<node>/`.
    Init {
        /// The chia root to write into (chia's CHIA_ROOT, e.g. ~/.chia/mainnet).
        #[arg(long)]
        root: PathBuf,
        /// A directory holding an existing farm's private_ca.crt and private_ca.key.
        #[arg(long)]
        ca: Option<PathBuf>,
        /// Only these node names (default: chia's full list).
        #[arg(long = "node", value_name = "NAME")]
        nodes: Vec<String>,
    },
}

/// Runs one `sickle certs` subcommand.
pub fn run(cmd: CertsCommand) -> CmdResult {
    match cmd {
        CertsCommand::Init { root, ca, nodes } => {
            let names: Vec<&str> = if nodes.is_empty() {
                sickle_peer::certs::PRIVATE_NODE_NAMES.to_vec()
            } else {
                nodes.iter().map(String::as_str).collect()
            };
            if let Some(bad) = names.iter().find(|n| {
                n.is_empty() || !n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            }) {
                return Err(
                    format!("invalid node name {bad:?}: letters, digits and _ only").into(),
                );
            }
            let report = sickle_peer::init_root(&root, ca.as_deref(), &names)?;
            let ca_dir = sickle_peer::certs::ca_dir(&root);
            if report.created_ca {
                println!(
                    "created private CA {}",
                    ca_dir.join("private_ca.crt").display()
                );
            } else {
                println!(
                    "using private CA {}",
                    ca_dir.join("private_ca.crt").display()
                );
            }
            for node in &report.nodes {
                let (crt, _key) = sickle_peer::certs::private_node_paths(&root, node);
                println!("wrote {}", crt.display());
            }
            Ok(())
        }
    }
}
