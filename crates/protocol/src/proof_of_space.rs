//! `ProofOfSpace` with its v1/v2 wire forms, and the v2 `PartialProof` (chia_rs
//! crates/chia-protocol/src/proof_of_space.rs, wire.md §4.5).
//!
//! ```text
//! challenge[32] | pool_pk option (00 | 01 G1[48]) | P | [contract[32] if P & 1] | plot_pk[48]
//!   v1, P = 0x00/0x01: size u8 (k)                                    | proof (u32 len ‖ bytes)
//!   v2, P = 0x02/0x03: plot_index u16 | meta_group u8 | strength u8  | proof (u32 len ‖ bytes)
//! ```
//!
//! The byte that would say "contract hash present" carries the version in bit 1. A v1 encoding
//! is exactly the pre-v2 encoding, so old peers read v1 proofs unchanged.

use chia_bls::PublicKey;
use sickle_streamable::sha2::Sha256;
use sickle_streamable::{Bytes, Bytes32, Cursor, Error, Streamable};

const NAME: &str = "ProofOfSpace";

/// Which plot format a proof comes from (chia_rs `version`: 0 for v1, 1 for v2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ProofOfSpaceVersion {
    /// A chiapos (v1) plot; `size` is its k.
    #[default]
    V1,
    /// A v2 plot; `plot_index`, `meta_group` and `strength` describe it.
    V2,
}

impl ProofOfSpaceVersion {
    /// chia_rs' `version` number: 0 or 1.
    pub fn number(self) -> u8 {
        match self {
            Self::V1 => 0,
            Self::V2 => 1,
        }
    }

    /// The version with chia_rs number `number`, or `None` (chia: `InvalidPoS`).
    pub fn from_number(number: u8) -> Option<Self> {
        match number {
            0 => Some(Self::V1),
            1 => Some(Self::V2),
            _ => None,
        }
    }
}

/// A harvester's proof of space (chia_rs `ProofOfSpace`), as carried by `NewProofOfSpace`,
/// `RewardChainBlockUnfinished` and pool partials.
///
/// The fields a version does not encode are 0 after decoding (`size` for v2, `plot_index`,
/// `meta_group`, `strength` for v1) and are not written when encoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProofOfSpace {
    /// `challenge`: the pos challenge, `sha256(plot_id ‖ challenge_hash ‖ sp_hash)` hashed again.
    pub challenge: Bytes32,
    /// `pool_public_key`: set for solo (OG) plots.
    pub pool_public_key: Option<PublicKey>,
    /// `pool_contract_puzzle_hash`: set for plot NFT plots.
    pub pool_contract_puzzle_hash: Option<Bytes32>,
    /// `plot_public_key`: local key plus farmer key (plus taproot for pool-contract plots).
    pub plot_public_key: PublicKey,
    /// `version`: v1 or v2.
    pub version: ProofOfSpaceVersion,
    /// `plot_index` (v2 only).
    pub plot_index: u16,
    /// `meta_group` (v2 only).
    pub meta_group: u8,
    /// `strength` (v2 only).
    pub strength: u8,
    /// `size`: k of a v1 plot (v1 only).
    pub size: u8,
    /// `proof`: for v1, 64 x-values of k bits (8·k bytes).
    pub proof: Bytes,
}

impl ProofOfSpace {
    /// A v1 proof: the only kind mainnet accepts with chia 2.7.5.
    pub fn v1(
        challenge: Bytes32,
        pool_public_key: Option<PublicKey>,
        pool_contract_puzzle_hash: Option<Bytes32>,
        plot_public_key: PublicKey,
        size: u8,
        proof: Vec<u8>,
    ) -> Self {
        Self {
            challenge,
            pool_public_key,
            pool_contract_puzzle_hash,
            plot_public_key,
            version: ProofOfSpaceVersion::V1,
            plot_index: 0,
            meta_group: 0,
            strength: 0,
            size,
            proof: Bytes::new(proof),
        }
    }

    /// The flag byte `P` of the wire form: bit 0 = contract hash present, bit 1 = v2.
    fn flag_byte(&self) -> u8 {
        (self.version.number() << 1) | u8::from(self.pool_contract_puzzle_hash.is_some())
    }
}

impl Streamable for ProofOfSpace {
    const MIN_SIZE: usize = 32 + 1 + 1 + 48 + 1 + 4;

    fn stream(&self, out: &mut Vec<u8>) {
        self.challenge.stream(out);
        self.pool_public_key.stream(out);
        out.push(self.flag_byte());
        if let Some(hash) = &self.pool_contract_puzzle_hash {
            hash.stream(out);
        }
        self.plot_public_key.stream(out);
        match self.version {
            ProofOfSpaceVersion::V1 => self.size.stream(out),
            ProofOfSpaceVersion::V2 => {
                self.plot_index.stream(out);
                self.meta_group.stream(out);
                self.strength.stream(out);
            }
        }
        self.proof.stream(out);
    }

    fn parse<const TRUSTED: bool>(input: &mut Cursor<'_>) -> Result<Self, Error> {
        let challenge = Bytes32::parse::<TRUSTED>(input)?;
        let pool_public_key = Option::<PublicKey>::parse::<TRUSTED>(input)?;
        let flag_offset = input.position();
        let flag = input.take_u8(NAME)?;
        let version = ProofOfSpaceVersion::from_number(flag >> 1).ok_or(Error::invalid(
            NAME,
            flag_offset,
            "unknown proof of space version (flag byte >= 4)",
        ))?;
        let pool_contract_puzzle_hash = if flag & 1 == 1 {
            Some(Bytes32::parse::<TRUSTED>(input)?)
        } else {
            None
        };
        let plot_public_key = PublicKey::parse::<TRUSTED>(input)?;
        let (size, plot_index, meta_group, strength) = match version {
            ProofOfSpaceVersion::V1 => (u8::parse::<TRUSTED>(input)?, 0, 0, 0),
            ProofOfSpaceVersion::V2 => {
                // chia_rs checks this for v2 only; for v1 it is the verifier's job.
                if pool_public_key.is_some() == pool_contract_puzzle_hash.is_some() {
                    return Err(Error::invalid(
                        NAME,
                        flag_offset,
                        "v2 proof needs exactly one of pool public key and contract hash",
                    ));
                }
                (
                    0,
                    u16::parse::<TRUSTED>(input)?,
                    u8::parse::<TRUSTED>(input)?,
                    u8::parse::<TRUSTED>(input)?,
                )
            }
        };
        let proof = Bytes::parse::<TRUSTED>(input)?;
        Ok(Self {
            challenge,
            pool_public_key,
            pool_contract_puzzle_hash,
            plot_public_key,
            version,
            plot_index,
            meta_group,
            strength,
            size,
            proof,
        })
    }

    /// sha256 of the wire bytes. chia_rs hashes a **v2** proof differently (its quality string in
    /// place of the proof bytes, wire.md §4.4), which needs a v2 solver Sickle does not have; v2
    /// proofs are inactive on mainnet in 2.7.5, and Python containers hash their full bytes anyway.
    fn update_digest(&self, digest: &mut Sha256) {
        use sickle_streamable::sha2::Digest;
        digest.update(self.to_bytes());
    }
}

sickle_streamable::cfg_json! {
    impl sickle_streamable::json::ToJsonDict for ProofOfSpace {
        fn to_json_dict(&self) -> sickle_streamable::json::serde_json::Value {
            let mut map = sickle_streamable::json::serde_json::Map::new();
            map.insert("challenge".into(), self.challenge.to_json_dict());
            map.insert("pool_public_key".into(), self.pool_public_key.to_json_dict());
            map.insert(
                "pool_contract_puzzle_hash".into(),
                self.pool_contract_puzzle_hash.to_json_dict(),
            );
            map.insert("plot_public_key".into(), self.plot_public_key.to_json_dict());
            map.insert("version".into(), self.version.number().to_json_dict());
            map.insert("plot_index".into(), self.plot_index.to_json_dict());
            map.insert("meta_group".into(), self.meta_group.to_json_dict());
            map.insert("strength".into(), self.strength.to_json_dict());
            map.insert("size".into(), self.size.to_json_dict());
            // chia_rs writes empty bytes as "" rather than Python's "0x".
            let proof = if self.proof.is_empty() {
                sickle_streamable::json::serde_json::Value::String(String::new())
            } else {
                self.proof.to_json_dict()
            };
            map.insert("proof".into(), proof);
            map.into()
        }
    }

    impl sickle_streamable::json::FromJsonDict for ProofOfSpace {
        fn from_json_dict(
            value: &sickle_streamable::json::serde_json::Value,
        ) -> Result<Self, sickle_streamable::json::JsonError> {
            use sickle_streamable::json::{field, object, FromJsonDict, JsonError};
            let map = object(value, NAME)?;
            fn get<T: FromJsonDict>(
                map: &sickle_streamable::json::serde_json::Map<
                    String,
                    sickle_streamable::json::serde_json::Value,
                >,
                name: &'static str,
            ) -> Result<T, JsonError> {
                T::from_json_dict(field(map, NAME, name)?).map_err(|e| e.in_field(name))
            }
            let version = ProofOfSpaceVersion::from_number(get(map, "version")?)
                .ok_or_else(|| JsonError::invalid(NAME, "version must be 0 or 1").in_field("version"))?;
            Ok(Self {
                challenge: get(map, "challenge")?,
                pool_public_key: get(map, "pool_public_key")?,
                pool_contract_puzzle_hash: get(map, "pool_contract_puzzle_hash")?,
                plot_public_key: get(map, "plot_public_key")?,
                version,
                plot_index: get(map, "plot_index")?,
                meta_group: get(map, "meta_group")?,
                strength: get(map, "strength")?,
                size: get(map, "size")?,
                proof: get(map, "proof")?,
            })
        }
    }
}

/// A v2 plot's partial proof (chia_rs `PartialProof`): the fragments a solver turns into a full
/// proof. Carried by `PartialProofsData`.
#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
pub struct PartialProof {
    /// `fragments`: always 16, streamed without a length prefix (128 bytes).
    pub fragments: [u64; 16],
}
