//! `sickle proof verify`: check a v1 proof of space like chiapos' `Verifier().validate_proof`.
//!
//! Prints the 32-byte quality string in hex for a valid proof; an invalid one is the error
//! "invalid proof" (exit 1, nothing on stdout).

use crate::CmdResult;
use clap::Subcommand;

/// `sickle proof` subcommands.
#[derive(Subcommand)]
pub enum ProofCommand {
    /// Verify a proof of space and print its quality string.
    Verify {
        /// The plot size k (the verifier accepts 18..=50).
        #[arg(long)]
        k: u8,
        /// The 32-byte plot id in hex.
        #[arg(long, value_name = "HEX")]
        plot_id: String,
        /// The 32-byte proof-of-space challenge in hex (the pos challenge, not the SP hash).
        #[arg(long, value_name = "HEX")]
        challenge: String,
        /// The proof (64 x values of k bits, 8k bytes) in hex.
        #[arg(long, value_name = "HEX")]
        proof: String,
    },
}

/// What can go wrong in `sickle proof`.
#[derive(Debug, thiserror::Error)]
enum ProofError {
    #[error("--{arg}: not hex: {source}")]
    Hex {
        arg: &'static str,
        #[source]
        source: hex::FromHexError,
    },
    #[error("--{arg}: expected 32 bytes, got {got}")]
    Length { arg: &'static str, got: usize },
    #[error("invalid proof")]
    Invalid,
}

fn decode(arg: &'static str, text: &str) -> Result<Vec<u8>, ProofError> {
    let digits = text.trim();
    let digits = digits.strip_prefix("0x").unwrap_or(digits);
    hex::decode(digits).map_err(|source| ProofError::Hex { arg, source })
}

fn decode32(arg: &'static str, text: &str) -> Result<[u8; 32], ProofError> {
    let bytes = decode(arg, text)?;
    let got = bytes.len();
    bytes
        .try_into()
        .map_err(|_| ProofError::Length { arg, got })
}

/// Runs one `sickle proof` subcommand.
pub fn run(cmd: ProofCommand) -> CmdResult {
    match cmd {
        ProofCommand::Verify {
            k,
            plot_id,
            challenge,
            proof,
        } => {
            let plot_id = decode32("plot-id", &plot_id)?;
            let challenge = decode32("challenge", &challenge)?;
            let proof = decode("proof", &proof)?;
            let quality = sickle_pos::validate_proof(&plot_id, k, &challenge, &proof)
                .ok_or(ProofError::Invalid)?;
            println!("{}", hex::encode(quality));
            Ok(())
        }
    }
}
