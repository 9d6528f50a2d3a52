//! Signature requests over copies of the k18 fixture plots, whose keys come from the fixed seed of
//! harvester-farmer.md §12.1: the harvester's share plus the farmer's (and the taproot share for
//! the plot NFT plot) verifies against the plot public key.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use sickle_harvester::plot_manager::{FarmerKeys, PlotManager, open_file};
use sickle_harvester::scan::ScanSettings;
use sickle_harvester::signing::{SigningError, sign_messages};
use sickle_pos::Plot;
use sickle_pos::keys::{farmer_sk, master_sk_from_seed, sign_with_plot_key};

fn fixture(name: &str) -> PathBuf {
    sickle_vectors::data_dir().join("plots").join(name)
}

#[test]
fn shares_verify_against_the_plot_public_key() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let mut paths = Vec::new();
    for name in ["k18-solo.plot", "k18-contract.plot"] {
        let path = root.join(name);
        std::fs::copy(fixture(name), &path).unwrap();
        paths.push(path);
    }
    let master = master_sk_from_seed(&(0u8..32).collect::<Vec<_>>()).unwrap();
    let farmer = farmer_sk(&master);
    let solo = Plot::open(std::fs::read(&paths[0]).unwrap()).unwrap();
    assert_eq!(solo.memo().farmer_public_key(), &farmer.public_key());
    let scan = ScanSettings {
        directories: vec![root.clone()],
        recursive: false,
        follow_links: false,
    };
    let mut manager = PlotManager::new(scan, 300, Duration::from_secs(1), 1, Arc::new(open_file));
    manager.set_keys(FarmerKeys {
        farmer_public_keys: vec![farmer.public_key()],
        pool_public_keys: vec![*solo.memo().pool_public_key().unwrap()],
    });
    manager.refresh(SystemTime::now());
    let plots = manager.shared().snapshot();
    assert_eq!(plots.len(), 2);

    let messages = [[0x11; 32], [0x22; 32], [0x11; 32]];
    for path in &paths {
        let plot = plots.get(path).unwrap();
        let memo = plot.memo().unwrap();
        let plot_public_key = plot.plot_public_key().unwrap();
        assert_eq!(plot_public_key, memo.plot_public_key());
        let identifier = format!("{}{}", "ab".repeat(32), path.display());
        let signed = sign_messages(&plots, &identifier, &messages).unwrap();
        assert_eq!(signed.farmer_pk, farmer.public_key());
        assert_eq!(signed.local_pk, memo.local_sk().public_key());
        assert_eq!(signed.message_signatures.len(), 3);
        let taproot = memo.taproot_sk();
        assert_eq!(
            taproot.is_some(),
            plot.pool_contract_puzzle_hash().is_some()
        );
        for ((message, share), expected) in signed.message_signatures.iter().zip(&messages) {
            assert_eq!(message, expected);
            let mut full = share.clone() + &sign_with_plot_key(&farmer, message, &plot_public_key);
            // Without the taproot share only a solo plot's sum verifies.
            assert_eq!(
                chia_bls::verify(&full, &plot_public_key, message),
                taproot.is_none()
            );
            if let Some(taproot) = &taproot {
                full += &sign_with_plot_key(taproot, message, &plot_public_key);
            }
            assert!(chia_bls::verify(&full, &plot_public_key, message));
            assert!(!chia_bls::verify(&full, &plot_public_key, [0x33; 32]));
        }
    }

    // A relative spelling of a loaded path resolves to it.
    let relative = format!("{}{}/./k18-solo.plot", "00".repeat(32), root.display());
    assert!(sign_messages(&plots, &relative, &messages).is_ok());

    let unknown = format!("{}{}", "00".repeat(32), root.join("other.plot").display());
    assert!(matches!(
        sign_messages(&plots, &unknown, &messages),
        Err(SigningError::UnknownPlot { .. })
    ));
    for bad in ["", "abc", &"0".repeat(64)] {
        assert!(matches!(
            sign_messages(&plots, bad, &messages),
            Err(SigningError::MalformedIdentifier { .. })
        ));
    }
    // A multi-byte character across the prefix boundary is malformed, not a panic.
    let split = format!("{}é/x.plot", "0".repeat(63));
    assert!(sign_messages(&plots, &split, &messages).is_err());
}
