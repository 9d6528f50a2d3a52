//! `sickle`: the operator's tool.
//!
//! | command | module |
//! |---|---|
//! | `sickle certs init` | [`certs`] |
//! | `sickle demo` | [`demo`] |
//! | `sickle msg decode/encode` | [`msg`] |
//! | `sickle plots show/check/prove` | [`plots`] |
//! | `sickle proof verify` | [`proof`] |
//!
//! Every command prints its result on stdout; on bad input it prints one line on stderr and exits 1,
//! with nothing on stdout.

mod certs;
mod demo;
mod msg;
mod plots;
mod proof;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// The error a command ends with: printed as one line, exit code 1.
type CmdResult<T = ()> = Result<T, Box<dyn std::error::Error>>;

#[derive(Parser)]
#[command(
    name = "sickle",
    version,
    about = "Sickle: a Rust Chia farmer and harvester"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create chia-style TLS certificates (private CA and node certificates).
    #[command(subcommand)]
    Certs(certs::CertsCommand),
    /// Run a throwaway farm on loopback: a farmer and harvesters over mutual TLS, live.
    Demo(demo::DemoArgs),
    /// Decode and encode protocol messages (chia's to_json_dict JSON <-> Streamable hex).
    #[command(subcommand)]
    Msg(msg::MsgCommand),
    /// Inspect, prove and check plot files.
    #[command(subcommand)]
    Plots(plots::PlotsCommand),
    /// Verify proofs of space.
    #[command(subcommand)]
    Proof(proof::ProofCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Certs(cmd) => certs::run(cmd),
        Command::Demo(args) => demo::run(args),
        Command::Msg(cmd) => msg::run(cmd),
        Command::Plots(cmd) => plots::run(cmd),
        Command::Proof(cmd) => proof::run(cmd),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}
