//! The farmer's proof and signature flow as a sans-IO state machine: chia-blockchain 2.7.5's
//! `FarmerAPI.new_proof_of_space` and `_process_respond_signatures` (harvester-farmer §9.2–§9.6).
//!
//! ```text
//! signage point ─► stored by cc sp hash ─► fan-out (service)
//! NewProofOfSpace ─► verify per stored SP ─► required_iters < sp interval?
//!                                              └► RequestSignatures [cc_sp, rc_sp] (no id)
//! RespondSignatures ─► proof found again, verified again ─► plot key check, shares completed and
//!                      verified ─► pool target signed (solo) ─► DeclareProofOfSpace / won block
//! ```
//!
//! Where chia raises inside a handler (which closes the harvester's connection) this module
//! returns an error so the service can do the same; where chia logs and returns, so does this.

use std::collections::HashMap;

use sickle_pos::consensus::{PlotSize, calculate_iterations_quality, sp_interval_iters};
use sickle_pos::{ConsensusConstants, ConsensusError};
use thiserror::Error;

use crate::chain::{PoolDifficultyEntry, SignagePoint, WonBlock};
use crate::keys::FarmerKeys;
use crate::messages::{
    DeclareProofOfSpace, NewProofOfSpace, PoolTarget, RequestSignatures, RespondSignatures,
};
use crate::partials::{
    PartialDecision, PartialError, PendingPartial, PlotNft, PostPartialRequest,
    authentication_token, complete_partial,
};
use crate::proof::{
    InvalidProof, ProofContext, ProofKind, ProofOfSpace, verify_and_get_quality_string,
};
use crate::signing::{PlotKeys, SigningError};
use sickle_streamable::Streamable;

/// On networks other than mainnet chia stops taking proofs for a signage point after this many.
pub const MAX_PROOFS_PER_SP_TESTNET: u32 = 5;
/// Cache entries older than this many seconds are dropped (chia: 1800 s, checked every 600 s).
pub const CACHE_EXPIRY_SECONDS: u64 = 1800;

/// Where the block rewards go: `farmer.xch_target_address` and `pool.xch_target_address`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RewardTargets {
    /// Farmer reward puzzle hash.
    pub farmer: [u8; 32],
    /// Pool reward puzzle hash of solo (OG) plots.
    pub pool: [u8; 32],
}

/// What became of a `NewProofOfSpace`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProofOutcome {
    /// More than [`MAX_PROOFS_PER_SP_TESTNET`] proofs for this SP on a test network: ignored.
    TooMany,
    /// The signage point is unknown (or expired): ignored.
    UnknownSignagePoint,
    /// The proof is invalid: logged, dropped, counted against the harvester.
    Invalid(InvalidProof),
    /// A valid proof.
    Valid {
        /// Its quality string.
        quality: [u8; 32],
        /// Required iterations at the chain difficulty of the (last) stored SP.
        required_iters: u64,
        /// Signature requests to send the harvester (no id): one per stored SP it wins.
        requests: Vec<RequestSignatures>,
        /// The proof has a pool contract: the pool partial path applies.
        pool_contract: bool,
        /// What the pool partial path decided (pool contract proofs only).
        partial: Option<PartialDecision>,
    },
}

/// A `NewProofOfSpace` or `RespondSignatures` that chia's handler would raise on: the service
/// closes that harvester's connection.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum HarvesterFault {
    /// The consensus maths raise (e.g. iterations overflow u64).
    #[error("consensus: {0}")]
    Consensus(#[from] ConsensusError),
    /// The signatures do not complete or verify.
    #[error("signatures: {0}")]
    Signing(#[from] SigningError),
    /// A response with fewer than two signatures where two are required.
    #[error("respond_signatures carries {got} signatures, needs 2")]
    TooFewSignatures {
        /// Signatures in the response.
        got: usize,
    },
    /// The first message is the SP hash but the second is no stored reward-chain SP.
    #[error("respond_signatures signs the sp hash but no known reward chain sp")]
    NotSignagePointSignatures,
    /// No proof was recorded for this plot identifier at this signage point.
    #[error("respond_signatures for plot {plot_identifier:?}, which sent no winning proof")]
    UnknownPlot {
        /// The identifier in the response.
        plot_identifier: String,
    },
}

/// A block the farmer declared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclaredBlock {
    /// What goes to a full node.
    pub declare: DeclareProofOfSpace,
    /// What the simulated chain records.
    pub won: WonBlock,
}

/// Running totals, for the status page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FarmerCounters {
    /// Signage points taken.
    pub signage_points: u64,
    /// Valid proofs received.
    pub proofs: u64,
    /// Invalid proofs received.
    pub invalid_proofs: u64,
    /// Aggregate signatures completed and verified.
    pub signatures_verified: u64,
    /// Blocks declared.
    pub blocks: u64,
    /// Valid pool partials: self-pooled, or signed and recorded.
    pub partials: u64,
    /// Partials that could not be made (unknown difficulty or token timeout, too weak, bad
    /// signatures).
    pub partials_failed: u64,
}

/// How many finished partials the farmer keeps for inspection.
pub const PARTIAL_HISTORY: usize = 256;

#[derive(Debug, Clone)]
struct StoredProof {
    plot_identifier: String,
    proof: ProofOfSpace,
    harvester: [u8; 32],
}

/// The farmer's state between signage points, proofs and signatures.
#[derive(Debug, Clone)]
pub struct Farmer {
    constants: ConsensusConstants,
    mainnet: bool,
    keys: FarmerKeys,
    targets: RewardTargets,
    sps: HashMap<[u8; 32], Vec<SignagePoint>>,
    responses: HashMap<[u8; 32], u32>,
    proofs: HashMap<[u8; 32], Vec<StoredProof>>,
    added: HashMap<[u8; 32], u64>,
    counters: FarmerCounters,
    plot_nfts: HashMap<[u8; 32], PlotNft>,
    partials: Vec<PostPartialRequest>,
}

impl Farmer {
    /// A farmer on `network` (`"mainnet"` lifts the 5-proofs-per-SP cap, as in chia).
    pub fn new(
        constants: ConsensusConstants,
        network: &str,
        keys: FarmerKeys,
        targets: RewardTargets,
    ) -> Self {
        Self {
            constants,
            mainnet: network == "mainnet",
            keys,
            targets,
            sps: HashMap::new(),
            responses: HashMap::new(),
            proofs: HashMap::new(),
            added: HashMap::new(),
            counters: FarmerCounters::default(),
            plot_nfts: HashMap::new(),
            partials: Vec::new(),
        }
    }

    /// Adds (or replaces) a plot NFT the farmer pools with.
    pub fn add_plot_nft(&mut self, nft: PlotNft) {
        self.plot_nfts.insert(nft.p2_singleton_puzzle_hash, nft);
    }

    /// `PoolDifficulty` entries for the fan-out: plot NFTs with a pool URL and a known difficulty
    /// (chia's `farmer.py` `new_signage_point`).
    pub fn pool_difficulties(&self) -> Vec<PoolDifficultyEntry> {
        let mut entries: Vec<PoolDifficultyEntry> = self
            .plot_nfts
            .values()
            .filter(|nft| !nft.pool_url.is_empty())
            .filter_map(|nft| {
                nft.difficulty.map(|difficulty| PoolDifficultyEntry {
                    difficulty,
                    pool_contract_puzzle_hash: nft.p2_singleton_puzzle_hash,
                })
            })
            .collect();
        entries.sort_by_key(|entry| entry.pool_contract_puzzle_hash);
        entries
    }

    /// Finished partials, oldest first (the last [`PARTIAL_HISTORY`]).
    pub fn partials(&self) -> &[PostPartialRequest] {
        &self.partials
    }

    /// Completes a partial with the harvester's signature and records it.
    pub fn finish_partial(
        &mut self,
        pending: &PendingPartial,
        response: &RespondSignatures,
    ) -> Result<PostPartialRequest, PartialError> {
        let hash = pending
            .payload
            .proof_of_space
            .pool_contract_puzzle_hash
            .unwrap_or_default()
            .0;
        let Some(nft) = self.plot_nfts.get(&hash) else {
            self.counters.partials_failed += 1;
            return Err(PartialError::NoAuthenticationKey);
        };
        match complete_partial(&self.keys, nft, pending, response) {
            Ok(request) => {
                self.counters.partials += 1;
                if self.partials.len() >= PARTIAL_HISTORY {
                    self.partials.remove(0);
                }
                self.partials.push(request.clone());
                Ok(request)
            }
            Err(error) => {
                self.counters.partials_failed += 1;
                Err(error)
            }
        }
    }

    /// Counts a partial the harvester never signed (timeout or closed connection).
    pub fn note_partial_failed(&mut self) {
        self.counters.partials_failed += 1;
    }

    fn partial_decision(
        &mut self,
        harvester: [u8; 32],
        message: &NewProofOfSpace,
        quality: &[u8; 32],
        last_tx_height: u32,
        now: u64,
    ) -> Result<PartialDecision, HarvesterFault> {
        let hash = message
            .proof
            .pool_contract_puzzle_hash
            .unwrap_or_default()
            .0;
        let Some(nft) = self.plot_nfts.get(&hash) else {
            tracing::info!(p2 = %hex::encode(hash), "no pool info for this plot NFT");
            return Ok(PartialDecision::UnknownPlotNft);
        };
        if nft.pool_url.is_empty() {
            self.counters.partials += 1;
            return Ok(PartialDecision::SelfPooled);
        }
        let Some(difficulty) = nft.difficulty else {
            self.counters.partials_failed += 1;
            return Ok(PartialDecision::Missing);
        };
        let size = plot_size(&message.proof);
        let required_iters = calculate_iterations_quality(
            &self.constants,
            quality,
            size,
            difficulty,
            &message.sp_hash,
            last_tx_height,
        )?;
        let pool_interval = sp_interval_iters(&self.constants, self.constants.pool_sub_slot_iters)?;
        if required_iters >= pool_interval {
            self.counters.partials_failed += 1;
            return Ok(PartialDecision::Insufficient { required_iters });
        }
        let Some(token) = nft
            .authentication_token_timeout
            .and_then(|timeout| authentication_token(now, timeout))
        else {
            self.counters.partials_failed += 1;
            return Ok(PartialDecision::Missing);
        };
        Ok(PartialDecision::Sign(Box::new(PendingPartial::new(
            nft,
            token,
            &message.proof,
            message.sp_hash.0,
            message.signage_point_index,
            harvester,
        ))))
    }

    /// The keys.
    pub fn keys(&self) -> &FarmerKeys {
        &self.keys
    }

    /// The constants.
    pub fn constants(&self) -> &ConsensusConstants {
        &self.constants
    }

    /// Running totals.
    pub fn counters(&self) -> FarmerCounters {
        self.counters
    }

    /// Counts a message from a harvester that could not even be decoded as an invalid proof.
    pub fn note_invalid_message(&mut self) {
        self.counters.invalid_proofs += 1;
    }

    /// Stores a signage point; `false` if this exact one is already stored (chia ignores it).
    pub fn add_signage_point(&mut self, sp: SignagePoint, now: u64) -> bool {
        let stored = self.sps.entry(sp.challenge_chain_sp).or_default();
        if stored.contains(&sp) {
            return false;
        }
        self.added.entry(sp.challenge_chain_sp).or_insert(now);
        stored.push(sp);
        self.counters.signage_points += 1;
        true
    }

    /// Drops signage points, proofs and counters older than [`CACHE_EXPIRY_SECONDS`].
    pub fn prune(&mut self, now: u64) {
        let expired: Vec<[u8; 32]> = self
            .added
            .iter()
            .filter(|(_, added)| now.saturating_sub(**added) > CACHE_EXPIRY_SECONDS)
            .map(|(hash, _)| *hash)
            .collect();
        for hash in expired {
            self.added.remove(&hash);
            self.sps.remove(&hash);
            self.responses.remove(&hash);
            self.proofs.remove(&hash);
        }
    }

    /// Handles a `NewProofOfSpace` from `harvester` (chia `new_proof_of_space`); `now` (unix
    /// seconds) dates the pool authentication token.
    pub fn new_proof_of_space(
        &mut self,
        harvester: [u8; 32],
        message: &NewProofOfSpace,
        now: u64,
    ) -> Result<ProofOutcome, HarvesterFault> {
        // chia also counts responses for unknown signage points; only known ones are counted
        // here, so a harvester inventing sp hashes cannot grow the map (the outcome is the same:
        // the proof is ignored).
        let sp_hash = message.sp_hash.0;
        let Some(sps) = self.sps.get(&sp_hash) else {
            return Ok(ProofOutcome::UnknownSignagePoint);
        };
        let responses = self.responses.get(&sp_hash).copied().unwrap_or(0);
        if !self.mainnet && responses > MAX_PROOFS_PER_SP_TESTNET {
            return Ok(ProofOutcome::TooMany);
        }
        let mut requests = Vec::new();
        let mut result = None;
        for sp in sps {
            let context = ProofContext {
                constants: &self.constants,
                challenge_hash: &message.challenge_hash,
                sp_hash: &message.sp_hash,
                height: sp.peak_height,
                last_tx_height: sp.last_tx_height,
            };
            let quality = match verify_and_get_quality_string(&message.proof, &context) {
                Ok(quality) => quality,
                Err(invalid) => {
                    self.counters.invalid_proofs += 1;
                    return Ok(ProofOutcome::Invalid(invalid));
                }
            };
            *self.responses.entry(sp_hash).or_insert(0) += 1;
            let size = plot_size(&message.proof);
            let required_iters = calculate_iterations_quality(
                &self.constants,
                &quality,
                size,
                sp.difficulty,
                &message.sp_hash,
                sp.last_tx_height,
            )?;
            if required_iters < sp_interval_iters(&self.constants, sp.sub_slot_iters)? {
                requests.push(RequestSignatures {
                    plot_identifier: message.plot_identifier.clone(),
                    challenge_hash: message.challenge_hash,
                    sp_hash: message.sp_hash,
                    messages: vec![sp.challenge_chain_sp.into(), sp.reward_chain_sp.into()],
                    message_data: None,
                    rc_block_unfinished: None,
                });
                self.proofs.entry(sp_hash).or_default().push(StoredProof {
                    plot_identifier: message.plot_identifier.clone(),
                    proof: message.proof.clone(),
                    harvester,
                });
            }
            result = Some((quality, required_iters, sp.last_tx_height));
        }
        let Some((quality, required_iters, last_tx_height)) = result else {
            return Ok(ProofOutcome::UnknownSignagePoint);
        };
        self.counters.proofs += 1;
        let pool_contract = message.proof.pool_contract_puzzle_hash.is_some();
        let partial = if pool_contract {
            Some(self.partial_decision(harvester, message, &quality, last_tx_height, now)?)
        } else {
            None
        };
        Ok(ProofOutcome::Valid {
            quality,
            required_iters,
            requests,
            pool_contract,
            partial,
        })
    }

    /// Handles an unsolicited `RespondSignatures` (chia `_process_respond_signatures`, SP path).
    /// `Ok(None)` where chia logs and gives up; `Err` where chia raises.
    pub fn respond_signatures(
        &mut self,
        response: &RespondSignatures,
    ) -> Result<Option<DeclaredBlock>, HarvesterFault> {
        let sp_hash = response.sp_hash.0;
        let Some(sps) = self.sps.get(&sp_hash) else {
            tracing::warn!(sp_hash = %hex::encode(response.sp_hash), "signatures for an unknown signage point");
            return Ok(None);
        };
        let Some(first_sp) = sps.first() else {
            return Ok(None);
        };
        let signatures = &response.message_signatures;
        let Some((first_message, cc_share)) = signatures.first() else {
            return Err(HarvesterFault::TooFewSignatures { got: 0 });
        };
        if *first_message != response.sp_hash {
            // A block (foliage) response: this farmer asks for none, so nothing waits for it.
            tracing::warn!("unsolicited block signatures ignored");
            return Ok(None);
        }
        let Some((rc_message, rc_share)) = signatures.get(1) else {
            return Err(HarvesterFault::TooFewSignatures {
                got: signatures.len(),
            });
        };
        if !sps.iter().any(|sp| sp.reward_chain_sp == rc_message.0) {
            return Err(HarvesterFault::NotSignagePointSignatures);
        }
        let stored = self
            .proofs
            .get(&sp_hash)
            .and_then(|proofs| {
                proofs
                    .iter()
                    .rev()
                    .find(|p| p.plot_identifier == response.plot_identifier)
            })
            .ok_or_else(|| HarvesterFault::UnknownPlot {
                plot_identifier: response.plot_identifier.clone(),
            })?;
        let pos = &stored.proof;
        let context = ProofContext {
            constants: &self.constants,
            challenge_hash: &response.challenge_hash,
            sp_hash: &response.sp_hash,
            height: first_sp.peak_height,
            last_tx_height: first_sp.last_tx_height,
        };
        let quality = match verify_and_get_quality_string(pos, &context) {
            Ok(quality) => quality,
            Err(invalid) => {
                tracing::warn!(%invalid, "stored proof no longer valid");
                return Ok(None);
            }
        };
        let Some(farmer_sk) = self.keys.secret_key_for(&response.farmer_pk) else {
            tracing::warn!("signatures name a farmer key this farmer does not have");
            return Ok(None);
        };
        let plot = PlotKeys {
            local_pk: &response.local_pk,
            farmer_pk: &response.farmer_pk,
            farmer_sk,
            include_taproot: pos.pool_contract_puzzle_hash.is_some(),
            plot_public_key: &pos.plot_public_key,
        };
        plot.check()?;
        let cc_signature = plot.complete(first_message, cc_share)?;
        let rc_signature = plot.complete(rc_message, rc_share)?;
        self.counters.signatures_verified += 2;

        let (pool_target, pool_signature) = match &pos.pool_public_key {
            Some(pool_pk) => {
                let Some(pool_sk) = self.keys.secret_key_for(pool_pk) else {
                    tracing::error!(
                        pool_pk = %hex::encode(pool_pk.to_bytes()),
                        "no private key for the pool key used by the harvester"
                    );
                    return Ok(None);
                };
                let target = PoolTarget {
                    puzzle_hash: self.targets.pool.into(),
                    max_height: 0,
                };
                let signature = chia_bls::sign(pool_sk, target.to_bytes());
                (Some(target), Some(signature))
            }
            None => (None, None),
        };
        let (farmer_puzzle_hash, include_source) = match response.farmer_reward_address_override {
            Some(address) => (address.0, true),
            None => (self.targets.farmer, response.include_source_signature_data),
        };
        let declare = DeclareProofOfSpace {
            challenge_hash: response.challenge_hash,
            challenge_chain_sp: *first_message,
            signage_point_index: first_sp.signage_point_index,
            reward_chain_sp: *rc_message,
            proof_of_space: pos.clone(),
            challenge_chain_sp_signature: cc_signature,
            reward_chain_sp_signature: rc_signature,
            farmer_puzzle_hash: farmer_puzzle_hash.into(),
            pool_target,
            pool_signature,
            include_signature_source_data: include_source,
        };
        let won = WonBlock {
            challenge_hash: response.challenge_hash.0,
            challenge_chain_sp: first_message.0,
            signage_point_index: first_sp.signage_point_index,
            peak_height: first_sp.peak_height,
            quality_string: quality,
            harvester: stored.harvester,
            farmer_puzzle_hash,
        };
        self.counters.blocks += 1;
        Ok(Some(DeclaredBlock { declare, won }))
    }
}

/// The plot size of a proof for the iterations formula.
fn plot_size(pos: &ProofOfSpace) -> PlotSize {
    match ProofKind::of(pos) {
        ProofKind::V1 { k } => PlotSize::V1 { k },
        ProofKind::V2 { strength, .. } => PlotSize::V2 { strength },
    }
}
