//! The farmer's secret keys, from a key file (`--keys FILE`) instead of chia's keychain.
//!
//! The file holds either a BIP-39 mnemonic (12–24 words, or their 4-letter prefixes, as chia
//! accepts) or a 32-byte farmer secret key in hex. A mnemonic becomes the master key exactly as
//! chia-blockchain 2.7.5's `Keychain.add_key` does (chia/util/keychain.py): the checksum is
//! checked, the seed is PBKDF2-HMAC-SHA512(mnemonic, "mnemonic", 2048 rounds), and the master key
//! is `AugSchemeMPL.key_gen(seed)`. The farmer and pool keys follow (harvester-farmer §4.2).
//!
//! Secret keys never reach a log: [`FarmerKeys`]'s `Debug` shows fingerprints only, and errors
//! never quote the file's contents.

use std::fmt;
use std::path::{Path, PathBuf};

use chia_bls::{PublicKey, SecretKey};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256, Sha512};
use sickle_pos::keys::{farmer_sk, master_sk_from_seed, pool_sk};
use thiserror::Error;

/// The BIP-39 English word list (2048 words; SHA-256 `2f5eed53…24dbda`), as chia ships it.
const WORD_LIST: &str = include_str!("bip39_english.txt");

/// Why a key file cannot be used. Messages never contain key material.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum KeysError {
    /// The file could not be read.
    #[error("cannot read key file {path}: {source}")]
    Read {
        /// The key file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is empty.
    #[error("key file is empty")]
    Empty,
    /// A mnemonic with a word count chia does not accept.
    #[error("mnemonic has {got} words, expected 12, 15, 18, 21 or 24")]
    WordCount {
        /// Words found.
        got: usize,
    },
    /// A word (or 4-letter prefix) that is not in the BIP-39 English list.
    #[error("mnemonic word {position} is not in the BIP-39 English word list")]
    UnknownWord {
        /// 1-based position of the word.
        position: usize,
    },
    /// The mnemonic's checksum bits do not match.
    #[error("mnemonic checksum does not match (words in the wrong order?)")]
    Checksum,
    /// 64 hex characters that are not a valid BLS secret key (not below the group order).
    #[error("farmer secret key is not a valid BLS12-381 scalar")]
    InvalidSecretKey,
}

/// The secret keys the farmer signs with.
#[derive(Clone)]
pub struct FarmerKeys {
    farmer: Vec<SecretKey>,
    pool: Vec<SecretKey>,
}

impl fmt::Debug for FarmerKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fingerprints = |keys: &[SecretKey]| {
            keys.iter()
                .map(|sk| fingerprint(&sk.public_key()))
                .collect()
        };
        let farmer: Vec<u32> = fingerprints(&self.farmer);
        let pool: Vec<u32> = fingerprints(&self.pool);
        f.debug_struct("FarmerKeys")
            .field("farmer_fingerprints", &farmer)
            .field("pool_fingerprints", &pool)
            .finish()
    }
}

/// chia's key fingerprint: the first 4 bytes of SHA-256 of the public key, big-endian.
pub fn fingerprint(pk: &PublicKey) -> u32 {
    let digest = Sha256::digest(pk.to_bytes());
    u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]])
}

impl FarmerKeys {
    /// Reads a key file.
    pub fn from_file(path: &Path) -> Result<Self, KeysError> {
        let text = std::fs::read_to_string(path).map_err(|source| KeysError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(&text)
    }

    /// Parses a key file's contents: 64 hex characters are a farmer secret key, anything else is
    /// read as a mnemonic.
    pub fn parse(text: &str) -> Result<Self, KeysError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(KeysError::Empty);
        }
        let hex_text = text.strip_prefix("0x").unwrap_or(text);
        if hex_text.len() == 64 && hex_text.bytes().all(|b| b.is_ascii_hexdigit()) {
            let mut bytes = [0u8; 32];
            hex::decode_to_slice(hex_text, &mut bytes).map_err(|_| KeysError::InvalidSecretKey)?;
            let sk = SecretKey::from_bytes(&bytes).map_err(|_| KeysError::InvalidSecretKey)?;
            return Ok(Self::from_farmer_sk(sk));
        }
        let seed = mnemonic_to_seed(text)?;
        // A 64-byte seed always satisfies key_gen's 32-byte minimum.
        let master = master_sk_from_seed(&seed).ok_or(KeysError::InvalidSecretKey)?;
        Ok(Self::from_master_sk(&master))
    }

    /// The keys chia derives from one master key: farmer `m/12381/8444/0/0`, pool
    /// `m/12381/8444/1/0`.
    pub fn from_master_sk(master: &SecretKey) -> Self {
        Self {
            farmer: vec![farmer_sk(master)],
            pool: vec![pool_sk(master)],
        }
    }

    /// A farmer secret key alone: no pool key, so solo-plot (OG) blocks cannot get a pool
    /// signature and the handshake lists only this key.
    pub fn from_farmer_sk(sk: SecretKey) -> Self {
        Self {
            farmer: vec![sk],
            pool: Vec::new(),
        }
    }

    /// The farmer public keys of every key, then their pool public keys: what chia's farmer
    /// sends as `HarvesterHandshake.farmer_public_keys` (harvester-farmer §9.1).
    pub fn handshake_farmer_public_keys(&self) -> Vec<PublicKey> {
        self.all_secret_keys().map(SecretKey::public_key).collect()
    }

    /// The farmer public keys alone (`m/12381/8444/0/0`).
    pub fn farmer_public_keys(&self) -> Vec<PublicKey> {
        self.farmer.iter().map(SecretKey::public_key).collect()
    }

    /// The pool public keys alone (`m/12381/8444/1/0`).
    pub fn pool_public_keys(&self) -> Vec<PublicKey> {
        self.pool.iter().map(SecretKey::public_key).collect()
    }

    /// The secret key (farmer or pool, as chia searches both) whose public key is `pk`: used for
    /// the farmer's signature share when a harvester names `pk` as the plot's farmer key.
    pub fn secret_key_for(&self, pk: &PublicKey) -> Option<&SecretKey> {
        self.all_secret_keys().find(|sk| sk.public_key() == *pk)
    }

    fn all_secret_keys(&self) -> impl Iterator<Item = &SecretKey> {
        self.farmer.iter().chain(self.pool.iter())
    }
}

/// A mnemonic's BIP-39 seed, with chia's validation: word count, known words (full or their
/// first 4 letters) and checksum; the seed is taken from the full words.
pub fn mnemonic_to_seed(mnemonic: &str) -> Result<[u8; 64], KeysError> {
    let words: Vec<&str> = WORD_LIST.lines().collect();
    let given: Vec<&str> = mnemonic.split_whitespace().collect();
    if ![12, 15, 18, 21, 24].contains(&given.len()) {
        return Err(KeysError::WordCount { got: given.len() });
    }
    let mut indexes = Vec::with_capacity(given.len());
    for (position, word) in given.iter().enumerate() {
        // chia looks words up by their first 4 letters (all words are unique in them).
        let prefix = word.get(..4.min(word.len())).unwrap_or(word);
        let index = words
            .iter()
            .position(|candidate| candidate.get(..4.min(candidate.len())) == Some(prefix))
            .ok_or(KeysError::UnknownWord {
                position: position + 1,
            })?;
        indexes.push(index);
    }
    check_checksum(&indexes)?;
    let full: Vec<&str> = indexes
        .iter()
        .filter_map(|&index| words.get(index).copied())
        .collect();
    Ok(pbkdf2_sha512(full.join(" ").as_bytes(), b"mnemonic", 2048))
}

/// The entropy and checksum bits of the word indexes (11 bits each, MSB first) must agree:
/// checksum = the first `words / 3` bits of SHA-256(entropy).
fn check_checksum(indexes: &[usize]) -> Result<(), KeysError> {
    let total_bits = indexes.len() * 11;
    let checksum_bits = indexes.len() / 3;
    let entropy_bits = total_bits - checksum_bits;
    let mut bits = Vec::with_capacity(total_bits);
    for &index in indexes {
        bits.extend((0..11).rev().map(|shift| (index >> shift) & 1 == 1));
    }
    let (entropy, checksum) = bits.split_at(entropy_bits);
    let entropy_bytes: Vec<u8> = entropy
        .chunks(8)
        .map(|byte| {
            byte.iter()
                .fold(0u8, |acc, &bit| (acc << 1) | u8::from(bit))
        })
        .collect();
    let digest = Sha256::digest(&entropy_bytes);
    let expected = (0..checksum_bits).map(|i| (digest[i / 8] >> (7 - i % 8)) & 1 == 1);
    if expected.eq(checksum.iter().copied()) {
        Ok(())
    } else {
        Err(KeysError::Checksum)
    }
}

/// PBKDF2-HMAC-SHA512 with one 64-byte output block (all BIP-39 needs).
fn pbkdf2_sha512(password: &[u8], salt: &[u8], rounds: u32) -> [u8; 64] {
    let Ok(keyed) = Hmac::<Sha512>::new_from_slice(password) else {
        // HMAC takes keys of any length; this branch cannot be reached.
        return [0; 64];
    };
    let mut mac = keyed.clone();
    mac.update(salt);
    mac.update(&1u32.to_be_bytes());
    let mut block: [u8; 64] = mac.finalize().into_bytes().into();
    let mut out = block;
    for _ in 1..rounds {
        let mut mac = keyed.clone();
        mac.update(&block);
        block = mac.finalize().into_bytes().into();
        out.iter_mut().zip(block).for_each(|(o, b)| *o ^= b);
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// `bytes_to_mnemonic(bytes(range(32)))` in chia 2.7.5; the keys below come from
    /// `mnemonic_to_seed`, `AugSchemeMPL.key_gen`, `master_sk_to_farmer_sk`/`_pool_sk`.
    const MNEMONIC: &str = "abandon amount liar amount expire adjust cage candy arch gather drum \
        bullet absurd math era live bid rhythm alien crouch range attend journey unaware";
    const SEED: &str = "0a6d060f6242aece4b074e48e7d8166f792a9b2bb7b295fa5ac289eda7647290\
        c3d80e7436d6e9e34e72769c06f6582192d0b57ae4a97e9e24c8972a770a57d9";
    const FARMER_PK: &str = "82cf8d1bde982289c7a77571188e8808df128881c861f84a6299c21265324f80\
        eb71b5de07ca190937c4e40635022e0b";
    const POOL_PK: &str = "b1028629b8641c436c75e382ce7ca64550b181e8c64b4edc0ba5173b33aba072\
        2a2aac93aaeb464f6f3243eac28b4a9c";

    fn pk(hex_text: &str) -> PublicKey {
        let bytes: [u8; 48] = hex::decode(hex_text).unwrap().try_into().unwrap();
        PublicKey::from_bytes(&bytes).unwrap()
    }

    #[test]
    fn mnemonic_gives_chias_seed_and_keys() {
        assert_eq!(hex::encode(mnemonic_to_seed(MNEMONIC).unwrap()), SEED);
        let keys = FarmerKeys::parse(&format!("{MNEMONIC}\n")).unwrap();
        assert_eq!(keys.farmer_public_keys(), [pk(FARMER_PK)]);
        assert_eq!(keys.pool_public_keys(), [pk(POOL_PK)]);
        assert_eq!(
            keys.handshake_farmer_public_keys(),
            [pk(FARMER_PK), pk(POOL_PK)]
        );
        assert!(keys.secret_key_for(&pk(POOL_PK)).is_some());
    }

    #[test]
    fn four_letter_prefixes_are_the_same_mnemonic() {
        let short: Vec<&str> = MNEMONIC
            .split_whitespace()
            .map(|word| word.get(..4).unwrap_or(word))
            .collect();
        assert_eq!(
            hex::encode(mnemonic_to_seed(&short.join(" ")).unwrap()),
            SEED
        );
    }

    #[test]
    fn section_12_1_master_key_paths() {
        // harvester-farmer §12.1: master = key_gen(00 01 … 1f).
        let seed: Vec<u8> = (0u8..32).collect();
        let master = master_sk_from_seed(&seed).unwrap();
        let keys = FarmerKeys::from_master_sk(&master);
        assert_eq!(
            keys.farmer_public_keys(),
            [pk(
                "80e748bfd595cae29e16d5328ac08edcc8afa41d16cc0fb394e3941e483d5a9c\
                 133d1057bb6d0ec598bf3be6e9e4fd86"
            )]
        );
        assert_eq!(
            keys.pool_public_keys(),
            [pk(
                "ae85027692de115db72617b4dc48fafb239049b6d7ae9da33aa0ebd7400861e7\
                 715900c90be78cceaaee049f80e37efa"
            )]
        );
        assert_eq!(fingerprint(&master.public_key()), 1_016_162_455);
    }

    #[test]
    fn hex_farmer_key() {
        let keys =
            FarmerKeys::parse("1711e06ab25728f1e4291e7767746958dd71c0c5ec7ef0a57c193e9cb4cc1c57\n")
                .unwrap();
        assert_eq!(
            keys.handshake_farmer_public_keys(),
            [pk(
                "80e748bfd595cae29e16d5328ac08edcc8afa41d16cc0fb394e3941e483d5a9c\
                 133d1057bb6d0ec598bf3be6e9e4fd86"
            )]
        );
        assert!(keys.pool_public_keys().is_empty());
        let debug = format!("{keys:?}");
        assert!(!debug.contains("1711e06a"), "{debug}");
    }

    #[test]
    fn bad_key_files() {
        assert!(matches!(FarmerKeys::parse("  \n"), Err(KeysError::Empty)));
        assert!(matches!(
            FarmerKeys::parse("abandon abandon"),
            Err(KeysError::WordCount { got: 2 })
        ));
        let swapped = MNEMONIC.replacen("abandon amount", "amount abandon", 1);
        assert!(matches!(
            FarmerKeys::parse(&swapped),
            Err(KeysError::Checksum)
        ));
        let unknown = MNEMONIC.replacen("liar", "zzzz", 1);
        let err = FarmerKeys::parse(&unknown).unwrap_err();
        assert!(matches!(err, KeysError::UnknownWord { position: 3 }));
        assert!(!err.to_string().contains("zzzz"));
        // The group order r and above are not scalars.
        assert!(matches!(
            FarmerKeys::parse("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"),
            Err(KeysError::InvalidSecretKey)
        ));
    }
}
