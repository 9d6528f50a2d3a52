//! Chia's key tree, plot keys and plot ids (harvester-farmer §4; chia-blockchain
//! `chia/wallet/derive_keys.py` and `chia/types/blockchain_format/proof_of_space.py`).
//!
//! | key | path from the master sk |
//! |---|---|
//! | farmer | hardened `12381/8444/0/0` |
//! | pool (solo pooling) | hardened `12381/8444/1/0` |
//! | wallet | `12381/8444/2/i`, hardened or unhardened |
//! | plot local key | hardened `12381/8444/3/0` of the plot's **own** local master sk |
//! | backup | hardened `12381/8444/4/0` |
//! | plot NFT owner | hardened `12381/8444/5/w` |
//! | pool authentication (v1) | hardened `12381/8444/6/(w·10000 + j)` |
//!
//! Everything a plot key signs is signed with the **plot public key as the augmentation prefix**
//! for every share ([`sign_with_plot_key`]), so the harvester's, the farmer's and (for pool
//! contract plots) the taproot share add up to one augmented signature under the plot public key.

use chia_bls::{DerivableKey, PublicKey, SecretKey, Signature};
use sha2::{Digest, Sha256};

/// The purpose index of the EIP-2334-style paths Chia uses (`12381`).
pub const BLS_SPEC_NUMBER: u32 = 12381;
/// Chia's coin type in the key paths (`8444`).
pub const CHIA_BLOCKCHAIN_NUMBER: u32 = 8444;

/// The master secret key of a seed (BLS `KeyGen`, chia `AugSchemeMPL.key_gen`).
///
/// Returns `None` for seeds shorter than 32 bytes, which `KeyGen` rejects.
pub fn master_sk_from_seed(seed: &[u8]) -> Option<SecretKey> {
    (seed.len() >= 32).then(|| SecretKey::from_seed(seed))
}

/// Hardened derivation along `path`.
pub fn derive_path_hardened(sk: &SecretKey, path: &[u32]) -> SecretKey {
    path.iter()
        .fold(sk.clone(), |key, &index| key.derive_hardened(index))
}

/// Chia's unhardened derivation along `path` (works for secret and public keys alike).
pub fn derive_path_unhardened<K: DerivableKey + Clone>(key: &K, path: &[u32]) -> K {
    path.iter()
        .fold(key.clone(), |key, &index| key.derive_unhardened(index))
}

fn chia_path(purpose: u32, index: u32) -> [u32; 4] {
    [BLS_SPEC_NUMBER, CHIA_BLOCKCHAIN_NUMBER, purpose, index]
}

/// The farmer secret key: `master / 12381 / 8444 / 0 / 0`, hardened.
pub fn farmer_sk(master: &SecretKey) -> SecretKey {
    derive_path_hardened(master, &chia_path(0, 0))
}

/// The pool secret key of solo ("OG") plots: `master / 12381 / 8444 / 1 / 0`, hardened.
pub fn pool_sk(master: &SecretKey) -> SecretKey {
    derive_path_hardened(master, &chia_path(1, 0))
}

/// Hardened wallet key `index`: `master / 12381 / 8444 / 2 / index`.
pub fn wallet_sk(master: &SecretKey, index: u32) -> SecretKey {
    derive_path_hardened(master, &chia_path(2, index))
}

/// Unhardened ("observer") wallet key `index`: `master / 12381 / 8444 / 2 / index`.
pub fn wallet_sk_unhardened(master: &SecretKey, index: u32) -> SecretKey {
    derive_path_unhardened(master, &chia_path(2, index))
}

/// The observer wallet public key `index`, from the master *public* key alone.
pub fn wallet_pk_unhardened(master: &PublicKey, index: u32) -> PublicKey {
    derive_path_unhardened(master, &chia_path(2, index))
}

/// A plot's local secret key: its memo's local master sk `/ 12381 / 8444 / 3 / 0`, hardened.
pub fn local_sk(local_master_sk: &SecretKey) -> SecretKey {
    derive_path_hardened(local_master_sk, &chia_path(3, 0))
}

/// The backup key: `master / 12381 / 8444 / 4 / 0`, hardened.
pub fn backup_sk(master: &SecretKey) -> SecretKey {
    derive_path_hardened(master, &chia_path(4, 0))
}

/// The plot NFT owner (singleton) key for pool wallet `pool_wallet_index`.
pub fn pool_singleton_sk(master: &SecretKey, pool_wallet_index: u32) -> SecretKey {
    derive_path_hardened(master, &chia_path(5, pool_wallet_index))
}

/// The pool-protocol-v1 authentication key; `None` when an index is 10000 or more (chia asserts).
pub fn pool_authentication_sk(
    master: &SecretKey,
    pool_wallet_index: u32,
    index: u32,
) -> Option<SecretKey> {
    if pool_wallet_index >= 10_000 || index >= 10_000 {
        return None;
    }
    Some(derive_path_hardened(
        master,
        &chia_path(6, pool_wallet_index * 10_000 + index),
    ))
}

/// The taproot secret key of a pool contract plot:
/// `key_gen(sha256(bytes(local_pk + farmer_pk) ‖ bytes(local_pk) ‖ bytes(farmer_pk)))`.
///
/// Only public keys go in, so the farmer can compute it without the harvester.
pub fn taproot_sk(local_pk: &PublicKey, farmer_pk: &PublicKey) -> SecretKey {
    let sum = local_pk + farmer_pk;
    let mut hasher = Sha256::new();
    hasher.update(sum.to_bytes());
    hasher.update(local_pk.to_bytes());
    hasher.update(farmer_pk.to_bytes());
    let seed: [u8; 32] = hasher.finalize().into();
    SecretKey::from_seed(&seed)
}

/// The plot public key: `local_pk + farmer_pk`, plus the taproot key for pool contract plots.
pub fn plot_public_key(
    local_pk: &PublicKey,
    farmer_pk: &PublicKey,
    include_taproot: bool,
) -> PublicKey {
    let sum = local_pk + farmer_pk;
    if include_taproot {
        sum + &taproot_sk(local_pk, farmer_pk).public_key()
    } else {
        sum
    }
}

/// v1 plot id of a solo plot: `sha256(pool_public_key ‖ plot_public_key)`.
pub fn plot_id_for_pool_pk(pool_pk: &PublicKey, plot_pk: &PublicKey) -> [u8; 32] {
    sha256_of(&[&pool_pk.to_bytes(), &plot_pk.to_bytes()])
}

/// v1 plot id of a pool contract plot: `sha256(pool_contract_puzzle_hash ‖ plot_public_key)`.
pub fn plot_id_for_contract(puzzle_hash: &[u8; 32], plot_pk: &PublicKey) -> [u8; 32] {
    sha256_of(&[puzzle_hash, &plot_pk.to_bytes()])
}

/// What a v2 plot group is pooled to: the contract puzzle hash if any, else the pool public key.
#[derive(Debug, Clone, Copy)]
pub enum PoolInfo<'a> {
    /// A pool public key (solo plots).
    PublicKey(&'a PublicKey),
    /// A pool contract puzzle hash (plot NFT plots).
    ContractPuzzleHash(&'a [u8; 32]),
}

/// v2 plot group id: `sha256(strength u8 ‖ plot_public_key ‖ pool info)`.
pub fn plot_group_id_v2(strength: u8, plot_pk: &PublicKey, pool: PoolInfo<'_>) -> [u8; 32] {
    let pool_bytes = match pool {
        PoolInfo::PublicKey(pk) => pk.to_bytes().to_vec(),
        PoolInfo::ContractPuzzleHash(ph) => ph.to_vec(),
    };
    sha256_of(&[&[strength], &plot_pk.to_bytes(), &pool_bytes])
}

/// v2 plot id: `sha256(plot_group_id ‖ plot_index u16 BE ‖ meta_group u8)`.
pub fn plot_id_v2(plot_group_id: &[u8; 32], plot_index: u16, meta_group: u8) -> [u8; 32] {
    sha256_of(&[plot_group_id, &plot_index.to_be_bytes(), &[meta_group]])
}

/// One share of a plot-key signature: the augmented-scheme signature of `plot_pk ‖ message` by
/// `sk` (chia's `AugSchemeMPL.sign(sk, message, plot_pk)`).
///
/// The harvester signs with the local sk, the farmer with its farmer sk and, for pool contract
/// plots, the taproot sk; the sum verifies under `plot_pk` with plain `AugSchemeMPL.verify`.
pub fn sign_with_plot_key(sk: &SecretKey, message: &[u8], plot_pk: &PublicKey) -> Signature {
    let mut augmented = plot_pk.to_bytes().to_vec();
    augmented.extend_from_slice(message);
    chia_bls::sign_raw(sk, augmented)
}

fn sha256_of(parts: &[&[u8]]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    hasher.finalize().into()
}
