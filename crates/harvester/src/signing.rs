//! Answering `RequestSignatures` (harvester-farmer.md §7; chia/harvester/harvester_api.py
//! `request_signatures`).
//!
//! The plot is found by the path after the 64-character quality prefix of `plot_identifier`,
//! resolved to an absolute path. Each message is signed with the plot's local secret key,
//! augmented with the plot public key (taproot included for plot NFT plots), in request order.
//! The farmer adds its own share (and the taproot share) and checks the sum. An unknown plot gets
//! no answer at all, as in chia; the caller logs [`SigningError`] and sends nothing.

use std::path::{Path, PathBuf};

use chia_bls::{PublicKey, Signature};
use sickle_pos::keys::sign_with_plot_key;

use crate::plot_set::PlotSet;

/// Length of the quality-string hex prefix of a plot identifier.
pub const QUALITY_PREFIX_LEN: usize = 64;

/// Why a signature request is not answered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SigningError {
    /// The identifier is shorter than its 64-character quality prefix, or splits a character.
    #[error("plot identifier {identifier:?} has no path after its 64-character quality prefix")]
    MalformedIdentifier {
        /// The identifier as received.
        identifier: String,
    },
    /// The plot's memo does not parse (only a tampered cache can cause this).
    #[error("plot {path} has an invalid memo: {source}")]
    BadMemo {
        /// The plot file.
        path: PathBuf,
        /// What is wrong.
        source: sickle_pos::MemoError,
    },
    /// The plot's stored plot public key does not decompress (only a tampered cache can cause
    /// this).
    #[error("plot {path} has an invalid plot public key: {source}")]
    BadPlotKey {
        /// The plot file.
        path: PathBuf,
        /// The BLS error.
        source: chia_bls::Error,
    },
    /// No loaded plot has this path.
    #[error("plot {path} is not loaded; not signing")]
    UnknownPlot {
        /// The resolved path.
        path: PathBuf,
    },
}

/// The contents of `RespondSignatures` besides the echoed fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedMessages {
    /// The plot's local public key (`local_sk · G`).
    pub local_pk: PublicKey,
    /// The memo's farmer public key.
    pub farmer_pk: PublicKey,
    /// `(message, harvester share)` in request order.
    pub message_signatures: Vec<([u8; 32], Signature)>,
}

/// Signs `messages` for the plot named by `plot_identifier`.
pub fn sign_messages(
    plots: &PlotSet,
    plot_identifier: &str,
    messages: &[[u8; 32]],
) -> Result<SignedMessages, SigningError> {
    let path = plot_identifier
        .get(QUALITY_PREFIX_LEN..)
        .filter(|path| !path.is_empty())
        .ok_or_else(|| SigningError::MalformedIdentifier {
            identifier: plot_identifier.to_owned(),
        })?;
    let path = resolve(Path::new(path));
    let plot = plots.get(&path).ok_or(SigningError::UnknownPlot { path })?;
    let memo = plot.memo().map_err(|source| SigningError::BadMemo {
        path: plot.path.to_path_buf(),
        source,
    })?;
    let plot_public_key = plot
        .plot_public_key()
        .map_err(|source| SigningError::BadPlotKey {
            path: plot.path.to_path_buf(),
            source,
        })?;
    let local_sk = memo.local_sk();
    let message_signatures = messages
        .iter()
        .map(|message| {
            (
                *message,
                sign_with_plot_key(&local_sk, message, &plot_public_key),
            )
        })
        .collect();
    Ok(SignedMessages {
        local_pk: local_sk.public_key(),
        farmer_pk: *memo.farmer_public_key(),
        message_signatures,
    })
}

/// `Path.resolve()`: absolute, symlinks resolved where the path exists.
fn resolve(path: &Path) -> PathBuf {
    std::fs::canonicalize(path)
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf())
}
