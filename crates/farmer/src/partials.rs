//! Pool partials for plot NFT plots (harvester-farmer §9.7; chia-blockchain 2.7.5
//! `FarmerAPI.new_proof_of_space`, pool branch): the decision chia makes for each valid proof of a
//! pool contract plot, the `PostPartialPayload` and its signing.
//!
//! ```text
//! unknown plot NFT → stop · pool_url "" → valid (self-pooled) · no difficulty → missing
//! required_iters(pool difficulty) ≥ POOL_SUB_SLOT_ITERS / 64 → insufficient · no token timeout → missing
//! else payload → m = sha256(bytes(payload)) → RequestSignatures([m]) with an id
//!      → plot signature = farmer + harvester + taproot shares (verified) + auth signature
//! ```
//!
//! Sending the partial to the pool's `/partial` is the pool protocol, not done here: the finished
//! `PostPartialRequest` is recorded.

use chia_bls::{SecretKey, Signature};
use sickle_streamable::Streamable;
use thiserror::Error;

use crate::keys::FarmerKeys;
use crate::messages::RespondSignatures;
use crate::proof::ProofOfSpace;
use crate::signing::{PlotKeys, SigningError};

/// A plot NFT the farmer pools with (chia's pool state for one `p2_singleton_puzzle_hash`).
#[derive(Clone)]
pub struct PlotNft {
    /// The singleton's launcher id.
    pub launcher_id: [u8; 32],
    /// The plots' `pool_contract_puzzle_hash`.
    pub p2_singleton_puzzle_hash: [u8; 32],
    /// The pool's URL; empty = self-pooling.
    pub pool_url: String,
    /// The pool's current difficulty, once known.
    pub difficulty: Option<u64>,
    /// The pool's `authentication_token_timeout` (minutes), once known.
    pub authentication_token_timeout: Option<u8>,
    /// The key that signs partials for the pool (the plot NFT's authentication key).
    pub authentication_sk: Option<SecretKey>,
}

impl std::fmt::Debug for PlotNft {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlotNft")
            .field("launcher_id", &hex::encode(self.launcher_id))
            .field("pool_url", &self.pool_url)
            .field("difficulty", &self.difficulty)
            .finish_non_exhaustive()
    }
}

/// `PostPartialPayload` (pool protocol).
#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
pub struct PostPartialPayload {
    /// `launcher_id`.
    pub launcher_id: [u8; 32],
    /// `authentication_token`: `floor(unix minutes / authentication_token_timeout)`.
    pub authentication_token: u64,
    /// `proof_of_space`.
    pub proof_of_space: ProofOfSpace,
    /// `sp_hash`.
    pub sp_hash: [u8; 32],
    /// `end_of_sub_slot`: signage point index 0.
    pub end_of_sub_slot: bool,
    /// `harvester_id`: the harvester's node id.
    pub harvester_id: [u8; 32],
}

/// `PostPartialRequest` (pool protocol): what would be POSTed to the pool's `/partial`.
#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
pub struct PostPartialRequest {
    /// `payload`.
    pub payload: PostPartialPayload,
    /// `aggregate_signature`: plot signature + authentication signature.
    pub aggregate_signature: Signature,
    /// `authentication_token_v2` (empty without a pool login).
    pub authentication_token_v2: String,
}

/// chia's `get_current_authentication_token`; `None` for a zero timeout (chia divides by it).
pub fn authentication_token(unix_seconds: u64, timeout_minutes: u8) -> Option<u64> {
    (timeout_minutes != 0).then(|| unix_seconds / 60 / u64::from(timeout_minutes))
}

/// What chia does with a valid proof of a pool contract plot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartialDecision {
    /// No plot NFT with this puzzle hash: logged, nothing else.
    UnknownPlotNft,
    /// Self-pooling (`pool_url` empty): counted as a valid partial.
    SelfPooled,
    /// Pool difficulty or token timeout not known yet: counted as missing.
    Missing,
    /// Not good enough for the pool's difficulty.
    Insufficient {
        /// Required iterations at the pool difficulty.
        required_iters: u64,
    },
    /// Ask the harvester to sign the payload (boxed: it carries a whole proof).
    Sign(Box<PendingPartial>),
}

/// A partial waiting for the harvester's signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingPartial {
    /// The payload.
    pub payload: PostPartialPayload,
    /// `sha256(bytes(payload))`: the one message the harvester signs.
    pub message: [u8; 32],
}

impl PendingPartial {
    /// Builds the payload for `proof` at `sp_hash`.
    pub fn new(
        nft: &PlotNft,
        token: u64,
        proof: &ProofOfSpace,
        sp_hash: [u8; 32],
        signage_point_index: u8,
        harvester_id: [u8; 32],
    ) -> Self {
        let payload = PostPartialPayload {
            launcher_id: nft.launcher_id,
            authentication_token: token,
            proof_of_space: proof.clone(),
            sp_hash,
            end_of_sub_slot: signage_point_index == 0,
            harvester_id,
        };
        let message = payload.hash().as_slice().try_into().unwrap_or([0; 32]);
        Self { payload, message }
    }
}

/// A harvester answer that cannot complete a partial (chia asserts; the connection closes).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum PartialError {
    /// Not exactly one signature.
    #[error("partial signature response has {got} signatures, expected 1")]
    SignatureCount {
        /// Signatures returned.
        got: usize,
    },
    /// The farmer has no key for the response's `farmer_pk`.
    #[error("no farmer key for the partial's farmer_pk")]
    UnknownFarmerKey,
    /// The plot NFT has no authentication key.
    #[error("no authentication key for the plot NFT")]
    NoAuthenticationKey,
    /// The shares do not verify.
    #[error(transparent)]
    Signing(#[from] SigningError),
}

/// Completes a partial from the harvester's response: plot signature (farmer + harvester +
/// taproot shares, verified under the plot key) plus the authentication key's own signature.
pub fn complete_partial(
    keys: &FarmerKeys,
    nft: &PlotNft,
    pending: &PendingPartial,
    response: &RespondSignatures,
) -> Result<PostPartialRequest, PartialError> {
    let [(_, harvester_share)] = response.message_signatures.as_slice() else {
        return Err(PartialError::SignatureCount {
            got: response.message_signatures.len(),
        });
    };
    let farmer_sk = keys
        .secret_key_for(&response.farmer_pk)
        .ok_or(PartialError::UnknownFarmerKey)?;
    let plot = PlotKeys {
        local_pk: &response.local_pk,
        farmer_pk: &response.farmer_pk,
        farmer_sk,
        // chia always adds the taproot share for partials.
        include_taproot: true,
        plot_public_key: &pending.payload.proof_of_space.plot_public_key,
    };
    plot.check()?;
    let plot_signature = plot.complete(&pending.message, harvester_share)?;
    let auth_sk = nft
        .authentication_sk
        .as_ref()
        .ok_or(PartialError::NoAuthenticationKey)?;
    let authentication_signature = chia_bls::sign(auth_sk, pending.message);
    Ok(PostPartialRequest {
        payload: pending.payload.clone(),
        aggregate_signature: plot_signature + &authentication_signature,
        authentication_token_v2: String::new(),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use sickle_pos::keys::{
        local_sk, master_sk_from_seed, plot_public_key, pool_authentication_sk, sign_with_plot_key,
    };

    #[test]
    fn authentication_token_is_minutes_over_timeout() {
        assert_eq!(authentication_token(1_700_000_000, 5), Some(5_666_666));
        assert_eq!(authentication_token(1_700_000_000, 1), Some(28_333_333));
        assert_eq!(authentication_token(1_700_000_000, 0), None);
    }

    #[test]
    fn partial_signatures_complete_and_verify_or_fail_typed() {
        let seed: Vec<u8> = (0u8..32).collect();
        let master = master_sk_from_seed(&seed).unwrap();
        let keys = FarmerKeys::from_master_sk(&master);
        let farmer_pk = keys.farmer_public_keys()[0];
        let local = local_sk(&master_sk_from_seed(&[0x42; 32]).unwrap());
        // harvester-farmer §12.1: the taproot plot key of the contract plot.
        let plot_pk = plot_public_key(&local.public_key(), &farmer_pk, true);
        assert_eq!(
            hex::encode(plot_pk.to_bytes()),
            "8b5281a7d197cf06174b02dfb07fc72a9364c19639fb979914ef5315c970c64ab2d3d0627ec27126373b61cff5cb7ef4"
        );
        let proof = ProofOfSpace::v1(
            [1; 32].into(),
            None,
            Some([0x55; 32].into()),
            plot_pk,
            18,
            vec![0; 144],
        );
        let auth = pool_authentication_sk(&master, 0, 0).unwrap();
        let nft = PlotNft {
            launcher_id: [0x4c; 32],
            p2_singleton_puzzle_hash: [0x55; 32],
            pool_url: "https://pool.invalid".into(),
            difficulty: Some(1),
            authentication_token_timeout: Some(5),
            authentication_sk: Some(auth.clone()),
        };
        let pending = PendingPartial::new(&nft, 7, &proof, [0x22; 32], 0, [9; 32]);
        assert!(pending.payload.end_of_sub_slot);
        assert_eq!(pending.message, *pending.payload.hash().as_slice());
        let share = sign_with_plot_key(&local, &pending.message, &plot_pk);
        let response = RespondSignatures {
            plot_identifier: "q/p".into(),
            challenge_hash: [0; 32].into(),
            sp_hash: [0x22; 32].into(),
            local_pk: local.public_key(),
            farmer_pk,
            message_signatures: vec![(pending.message.into(), share.clone())],
            include_source_signature_data: false,
            farmer_reward_address_override: None,
        };
        let request = complete_partial(&keys, &nft, &pending, &response).unwrap();
        assert!(chia_bls::aggregate_verify(
            &request.aggregate_signature,
            [
                (&plot_pk, pending.message.as_slice()),
                (&auth.public_key(), pending.message.as_slice())
            ]
        ));
        let bytes = request.to_bytes();
        assert_eq!(PostPartialRequest::from_bytes(&bytes).unwrap(), request);

        let mut two = response.clone();
        two.message_signatures.push((pending.message.into(), share));
        assert_eq!(
            complete_partial(&keys, &nft, &pending, &two),
            Err(PartialError::SignatureCount { got: 2 })
        );
        let mut stranger = response.clone();
        stranger.farmer_pk = local.public_key();
        assert_eq!(
            complete_partial(&keys, &nft, &pending, &stranger),
            Err(PartialError::UnknownFarmerKey)
        );
        let mut wrong = response.clone();
        wrong.message_signatures[0].1 = sign_with_plot_key(&local, &[3; 32], &plot_pk);
        assert!(matches!(
            complete_partial(&keys, &nft, &pending, &wrong),
            Err(PartialError::Signing(SigningError::BadShare { .. }))
        ));
        let keyless = PlotNft {
            authentication_sk: None,
            ..nft
        };
        assert_eq!(
            complete_partial(&keys, &keyless, &pending, &response),
            Err(PartialError::NoAuthenticationKey)
        );
    }
}
