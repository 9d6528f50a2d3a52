//! `sickle proof …` (placeholder until its issue lands).

use crate::CmdResult;
use clap::Subcommand;

/// `sickle proof` subcommands.
#[derive(Subcommand)]
pub enum ProofCommand {}

/// Runs one `sickle proof` subcommand.
pub fn run(cmd: ProofCommand) -> CmdResult {
    match cmd {}
}
