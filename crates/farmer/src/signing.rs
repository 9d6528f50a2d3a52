//! Turning a harvester's signature shares into full plot signatures (harvester-farmer §4.6, §9.4):
//! `harvester share + farmer share (+ taproot share for pool contract plots)`, every share made
//! with the plot public key as the augmentation prefix, then verified under that key.
//!
//! chia asserts these checks inside its handler, which closes the harvester's connection on any
//! failure; [`SigningError`] carries the same cases so the service can do the same.

use chia_bls::{PublicKey, SecretKey, Signature};
use sickle_pos::keys::{plot_public_key, sign_with_plot_key, taproot_sk};
use thiserror::Error;

/// Why a harvester's signature response cannot become a block.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum SigningError {
    /// The response's `local_pk` and `farmer_pk` do not add up to the proof's plot public key.
    #[error(
        "plot public key mismatch: local_pk and farmer_pk give {computed}, proof has {expected}"
    )]
    PlotKeyMismatch {
        /// Computed from the response, hex.
        computed: String,
        /// In the proof, hex.
        expected: String,
    },
    /// The aggregate does not verify: the harvester's share is wrong.
    #[error("aggregate signature on message {message} does not verify under the plot public key")]
    BadShare {
        /// The signed message, hex.
        message: String,
    },
    /// Fewer signatures than the request asked for.
    #[error("expected {expected} signatures, got {got}")]
    WrongCount {
        /// Messages requested.
        expected: usize,
        /// Signatures returned.
        got: usize,
    },
    /// The response signs other messages than the ones asked for.
    #[error("signature {index} is for message {got}, expected {expected}")]
    WrongMessage {
        /// Position in the list.
        index: usize,
        /// The requested message, hex.
        expected: String,
        /// The message in the response, hex.
        got: String,
    },
}

/// The plot's keys as a signature response names them.
#[derive(Debug, Clone, Copy)]
pub struct PlotKeys<'a> {
    /// `local_pk` from the harvester.
    pub local_pk: &'a PublicKey,
    /// The farmer key the plot was made for (`farmer_pk` of the response).
    pub farmer_pk: &'a PublicKey,
    /// The farmer's secret key for `farmer_pk`.
    pub farmer_sk: &'a SecretKey,
    /// The plot is a pool contract (plot NFT) plot: add the taproot share.
    pub include_taproot: bool,
    /// The proof's `plot_public_key`.
    pub plot_public_key: &'a PublicKey,
}

impl PlotKeys<'_> {
    /// Checks that the response's keys make the proof's plot public key.
    pub fn check(&self) -> Result<(), SigningError> {
        let computed = plot_public_key(self.local_pk, self.farmer_pk, self.include_taproot);
        if computed == *self.plot_public_key {
            Ok(())
        } else {
            Err(SigningError::PlotKeyMismatch {
                computed: hex::encode(computed.to_bytes()),
                expected: hex::encode(self.plot_public_key.to_bytes()),
            })
        }
    }

    /// The farmer's share plus the taproot share (identity for solo plots) on `message`.
    pub fn farmer_part(&self, message: &[u8]) -> Signature {
        let farmer = sign_with_plot_key(self.farmer_sk, message, self.plot_public_key);
        if self.include_taproot {
            let taproot = taproot_sk(self.local_pk, self.farmer_pk);
            farmer + &sign_with_plot_key(&taproot, message, self.plot_public_key)
        } else {
            farmer
        }
    }

    /// The full signature on `message` from the harvester's share, verified.
    pub fn complete(
        &self,
        message: &[u8; 32],
        harvester_share: &Signature,
    ) -> Result<Signature, SigningError> {
        let full = harvester_share.clone() + &self.farmer_part(message);
        if chia_bls::verify(&full, self.plot_public_key, message) {
            Ok(full)
        } else {
            Err(SigningError::BadShare {
                message: hex::encode(message),
            })
        }
    }
}

/// Checks that `signed` answers `requested` message by message, in order.
pub fn check_messages(
    requested: &[[u8; 32]],
    signed: &[([u8; 32], Signature)],
) -> Result<(), SigningError> {
    if requested.len() != signed.len() {
        return Err(SigningError::WrongCount {
            expected: requested.len(),
            got: signed.len(),
        });
    }
    for (index, (want, (got, _))) in requested.iter().zip(signed).enumerate() {
        if want != got {
            return Err(SigningError::WrongMessage {
                index,
                expected: hex::encode(want),
                got: hex::encode(got),
            });
        }
    }
    Ok(())
}
