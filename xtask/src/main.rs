//! `cargo xtask …`: Sickle's generators, interop and benchmark runners.
//!
//! Everything that needs the Python references (chia-blockchain 2.7.5, chiapos 2.0.12) lives here, so
//! the library crates and `cargo test --workspace` never need Python. Each generator is a Python script
//! under `xtask/py/`, run inside a venv that this tool creates (see [`venv`]).

mod venv;

use anyhow::Result;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Sickle's generators and runners")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate the Streamable and protocol vectors in crates/vectors/data with chia-blockchain 2.7.5.
    GenVectors,
    /// Print the path of the reference venv's python, creating the venv if needed.
    Venv,
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::GenVectors => {
            let python = venv::ensure()?;
            for script in ["gen_streamable.py", "gen_protocol.py"] {
                venv::run_script(&python, script, &[])?;
            }
            Ok(())
        }
        Command::Venv => {
            println!("{}", venv::ensure()?.display());
            Ok(())
        }
    }
}
