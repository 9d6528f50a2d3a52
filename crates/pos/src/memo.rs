//! The plot memo: the keys a plot was made for, stored in its header (harvester-farmer §4.3,
//! chia-blockchain `chia/plotting/util.py parse_plot_info`).
//!
//! ```text
//! 128 B  pool_public_key G1[48]          ‖ farmer_public_key G1[48] ‖ local_master_sk [32]   solo
//! 112 B  pool_contract_puzzle_hash [32]  ‖ farmer_public_key G1[48] ‖ local_master_sk [32]   plot NFT
//! ```
//!
//! From the memo come the local sk, the plot public key (with the taproot share for plot NFT
//! plots) and the v1 plot id, which must equal the id in the header.

use crate::keys;
use chia_bls::{PublicKey, SecretKey};

/// Length of a solo plot memo (pool public key).
pub const MEMO_LEN_POOL_PK: usize = 128;
/// Length of a plot NFT memo (pool contract puzzle hash).
pub const MEMO_LEN_CONTRACT: usize = 112;

/// Why a memo could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MemoError {
    /// Neither 112 nor 128 bytes.
    #[error("plot memo is {got} bytes (expected 112 or 128)")]
    BadLength {
        /// The memo's length.
        got: usize,
    },
    /// The pool public key (bytes 0..48) is not a valid G1 element.
    #[error("plot memo pool public key (bytes 0..48) is invalid: {0}")]
    PoolPublicKey(#[source] chia_bls::Error),
    /// The farmer public key is not a valid G1 element.
    #[error("plot memo farmer public key (bytes {offset}..{end}) is invalid: {source}", end = offset + 48)]
    FarmerPublicKey {
        /// Offset of the key in the memo.
        offset: usize,
        /// The BLS error.
        #[source]
        source: chia_bls::Error,
    },
    /// The local master secret key is not below the group order.
    #[error("plot memo local master secret key (last 32 bytes) is invalid: {0}")]
    LocalMasterSk(#[source] chia_bls::Error),
}

/// Whom a plot pays its pool rewards to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PoolTarget {
    /// A solo ("OG") plot: a pool public key.
    PublicKey(PublicKey),
    /// A plot NFT plot: the pool contract (singleton) puzzle hash.
    ContractPuzzleHash([u8; 32]),
}

/// A parsed plot memo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlotMemo {
    pool: PoolTarget,
    farmer_public_key: PublicKey,
    local_master_sk: SecretKey,
}

impl PlotMemo {
    /// Parses a 128-byte (pool public key) or 112-byte (pool contract) memo.
    ///
    /// Keys are fully validated (G1 subgroup check, sk below the group order), as chia's
    /// `G1Element.from_bytes` and `PrivateKey.from_bytes` do when a harvester loads a plot.
    pub fn parse(memo: &[u8]) -> Result<Self, MemoError> {
        let bad_length = MemoError::BadLength { got: memo.len() };
        let (pool, rest) = match memo.len() {
            MEMO_LEN_POOL_PK => {
                let (pool, rest) = split::<48>(memo).ok_or(bad_length)?;
                let pk = PublicKey::from_bytes(pool).map_err(MemoError::PoolPublicKey)?;
                (PoolTarget::PublicKey(pk), rest)
            }
            MEMO_LEN_CONTRACT => {
                let (ph, rest) = split::<32>(memo).ok_or(bad_length)?;
                (PoolTarget::ContractPuzzleHash(*ph), rest)
            }
            _ => return Err(bad_length),
        };
        let farmer_offset = memo.len() - rest.len();
        let (farmer, rest) = split::<48>(rest).ok_or(MemoError::BadLength { got: memo.len() })?;
        let farmer_public_key =
            PublicKey::from_bytes(farmer).map_err(|source| MemoError::FarmerPublicKey {
                offset: farmer_offset,
                source,
            })?;
        let (sk, _) = split::<32>(rest).ok_or(MemoError::BadLength { got: memo.len() })?;
        let local_master_sk = SecretKey::from_bytes(sk).map_err(MemoError::LocalMasterSk)?;
        Ok(Self {
            pool,
            farmer_public_key,
            local_master_sk,
        })
    }

    /// Builds a memo from its parts (what a plotter writes).
    pub fn new(pool: PoolTarget, farmer_public_key: PublicKey, local_master_sk: SecretKey) -> Self {
        Self {
            pool,
            farmer_public_key,
            local_master_sk,
        }
    }

    /// The memo's bytes (128 or 112).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(MEMO_LEN_POOL_PK);
        match &self.pool {
            PoolTarget::PublicKey(pk) => out.extend_from_slice(&pk.to_bytes()),
            PoolTarget::ContractPuzzleHash(ph) => out.extend_from_slice(ph),
        }
        out.extend_from_slice(&self.farmer_public_key.to_bytes());
        out.extend_from_slice(&self.local_master_sk.to_bytes());
        out
    }

    /// The pool public key or contract puzzle hash.
    pub fn pool(&self) -> &PoolTarget {
        &self.pool
    }

    /// The pool public key of a solo plot.
    pub fn pool_public_key(&self) -> Option<&PublicKey> {
        match &self.pool {
            PoolTarget::PublicKey(pk) => Some(pk),
            PoolTarget::ContractPuzzleHash(_) => None,
        }
    }

    /// The pool contract puzzle hash of a plot NFT plot.
    pub fn pool_contract_puzzle_hash(&self) -> Option<&[u8; 32]> {
        match &self.pool {
            PoolTarget::PublicKey(_) => None,
            PoolTarget::ContractPuzzleHash(ph) => Some(ph),
        }
    }

    /// The farmer public key the plot was made for.
    pub fn farmer_public_key(&self) -> &PublicKey {
        &self.farmer_public_key
    }

    /// The plot's random local master secret key.
    pub fn local_master_sk(&self) -> &SecretKey {
        &self.local_master_sk
    }

    /// The local secret key: local master sk `/ 12381 / 8444 / 3 / 0`, hardened.
    pub fn local_sk(&self) -> SecretKey {
        keys::local_sk(&self.local_master_sk)
    }

    /// The plot public key: `local_pk + farmer_pk`, plus the taproot key for plot NFT plots.
    pub fn plot_public_key(&self) -> PublicKey {
        let include_taproot = matches!(self.pool, PoolTarget::ContractPuzzleHash(_));
        keys::plot_public_key(
            &self.local_sk().public_key(),
            &self.farmer_public_key,
            include_taproot,
        )
    }

    /// The taproot secret key (plot NFT plots only), which the farmer adds as a third share.
    pub fn taproot_sk(&self) -> Option<SecretKey> {
        match self.pool {
            PoolTarget::PublicKey(_) => None,
            PoolTarget::ContractPuzzleHash(_) => Some(keys::taproot_sk(
                &self.local_sk().public_key(),
                &self.farmer_public_key,
            )),
        }
    }

    /// The v1 plot id these keys give; a plot whose header id differs is invalid.
    pub fn plot_id(&self) -> [u8; 32] {
        self.plot_id_for(&self.plot_public_key())
    }

    /// The plot id for `plot_public_key` (what [`plot_public_key`](Self::plot_public_key)
    /// returns) and this memo's pool target: for a caller that already derived the key.
    pub fn plot_id_for(&self, plot_public_key: &PublicKey) -> [u8; 32] {
        match &self.pool {
            PoolTarget::PublicKey(pk) => keys::plot_id_for_pool_pk(pk, plot_public_key),
            PoolTarget::ContractPuzzleHash(ph) => keys::plot_id_for_contract(ph, plot_public_key),
        }
    }
}

/// Splits off the first `N` bytes as an array.
fn split<const N: usize>(data: &[u8]) -> Option<(&[u8; N], &[u8])> {
    let (head, rest) = data.split_at_checked(N)?;
    Some((head.try_into().ok()?, rest))
}
