//! The demo's throwaway farm: a directory laid out like a chia root (`config/ssl/…`) with a fresh
//! private CA, one certificate per node, and the plots; plus the farm's BLS keys.
//!
//! ```text
//! <farm>/config/ssl/ca/private_ca.{crt,key}                  the farm's private CA
//! <farm>/config/ssl/farmer/private_farmer.{crt,key}          the farmer's TLS identity
//! <farm>/config/ssl/harvester/private_harvester.{crt,key}    harvester 1
//! <farm>/config/ssl/harvester_<n>/private_harvester_<n>.*    harvesters 2..N
//! <farm>/plots/k18-solo.plot, k18-contract.plot              the bundled fixture plots
//! ```

use std::path::{Path, PathBuf};

use chia_bls::SecretKey;
use sickle_farmer::{FarmerKeys, PlotNft};
use sickle_peer::TlsSetup;
use sickle_pos::keys::{master_sk_from_seed, pool_authentication_sk};

use crate::CmdResult;

/// The solo fixture plot (pool public key memo): its proofs win blocks.
const SOLO_PLOT: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../vectors/data/plots/k18-solo.plot"
));
/// The plot NFT fixture plot (pool contract memo): its proofs win blocks and make pool partials.
const CONTRACT_PLOT: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../vectors/data/plots/k18-contract.plot"
));

/// The master key seed the fixture plots were made for (harvester-farmer §12.1: `key_gen(00 01 …
/// 1f)`, fingerprint 1016162455): its farmer key is in both plots' memos.
const FIXTURE_SEED: [u8; 32] = {
    let mut seed = [0u8; 32];
    let mut i = 0;
    while i < 32 {
        seed[i] = i as u8;
        i += 1;
    }
    seed
};

/// The contract plot's `pool_contract_puzzle_hash` (§12.2: `55 × 32`).
const FIXTURE_CONTRACT_PUZZLE_HASH: [u8; 32] = [0x55; 32];

/// The node name of harvester `index` (0-based) in the farm's `config/ssl`.
pub fn harvester_node_name(index: usize) -> String {
    if index == 0 {
        "harvester".to_owned()
    } else {
        format!("harvester_{}", index + 1)
    }
}

/// Writes the private CA and a certificate for the farmer and each of `harvesters` harvesters
/// under `root/config/ssl`, the way `chia init` lays them out.
pub fn write_certificates(root: &Path, harvesters: usize) -> CmdResult {
    let mut names = vec!["farmer".to_owned()];
    names.extend((0..harvesters).map(harvester_node_name));
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    sickle_peer::init_root(root, None, &names)?;
    Ok(())
}

/// The TLS identity of node `name` from the farm's files.
pub fn tls_for(root: &Path, name: &str) -> CmdResult<TlsSetup> {
    let ca = sickle_peer::certs::ca_dir(root).join("private_ca.crt");
    let (crt, key) = sickle_peer::certs::private_node_paths(root, name);
    Ok(TlsSetup::from_files(&ca, &crt, &key)?)
}

/// Writes the two bundled k=18 plots into `root/plots` and returns that directory.
pub fn write_fixture_plots(root: &Path) -> CmdResult<PathBuf> {
    let dir = root.join("plots");
    std::fs::create_dir_all(&dir).map_err(|err| format!("{}: {err}", dir.display()))?;
    for (name, bytes) in [
        ("k18-solo.plot", SOLO_PLOT),
        ("k18-contract.plot", CONTRACT_PLOT),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, bytes).map_err(|err| format!("{}: {err}", path.display()))?;
    }
    Ok(dir)
}

/// The farm's keys: the fixture master key (farmer and pool key), or a key file's.
pub struct Keys {
    /// What the farmer signs with.
    pub farmer: FarmerKeys,
    /// The fixture master key, when the keys are the fixture's (it also signs partials).
    pub fixture_master: Option<SecretKey>,
}

impl Keys {
    /// The keys the bundled plots were made for.
    pub fn fixture() -> CmdResult<Self> {
        let master = master_sk_from_seed(&FIXTURE_SEED).ok_or("fixture seed too short")?;
        Ok(Self {
            farmer: FarmerKeys::from_master_sk(&master),
            fixture_master: Some(master),
        })
    }

    /// Keys from a key file (a mnemonic, as `sickle-farmer --keys` reads it).
    pub fn from_file(path: &Path) -> CmdResult<Self> {
        Ok(Self {
            farmer: FarmerKeys::from_file(path)?,
            fixture_master: None,
        })
    }

    /// The plot NFT of the contract fixture plot, pooled at difficulty 1 with a pool that is
    /// never contacted, so its proofs become signed partials; `None` for other keys.
    pub fn fixture_plot_nft(&self) -> Option<PlotNft> {
        let master = self.fixture_master.as_ref()?;
        Some(PlotNft {
            launcher_id: [0x4c; 32],
            p2_singleton_puzzle_hash: FIXTURE_CONTRACT_PUZZLE_HASH,
            pool_url: "https://pool.invalid".to_owned(),
            difficulty: Some(1),
            authentication_token_timeout: Some(5),
            authentication_sk: pool_authentication_sk(master, 0, 0),
        })
    }
}
