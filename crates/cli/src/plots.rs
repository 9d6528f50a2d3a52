//! `sickle plots …` (placeholder until its issue lands).

use crate::CmdResult;
use clap::Subcommand;

/// `sickle plots` subcommands.
#[derive(Subcommand)]
pub enum PlotsCommand {}

/// Runs one `sickle plots` subcommand.
pub fn run(cmd: PlotsCommand) -> CmdResult {
    match cmd {}
}
