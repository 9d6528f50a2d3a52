//! `sickle msg …` (placeholder until its issue lands).

use crate::CmdResult;
use clap::Subcommand;

/// `sickle msg` subcommands.
#[derive(Subcommand)]
pub enum MsgCommand {}

/// Runs one `sickle msg` subcommand.
pub fn run(cmd: MsgCommand) -> CmdResult {
    match cmd {}
}
