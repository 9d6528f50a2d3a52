//! Mirror structs for the benchmarks: the wire shapes of chia_rs' `ProofOfSpace` (v1) and
//! `Handshake`, built with the derive, plus the fixed values both benches time.
#![allow(dead_code)] // each bench uses a different subset

use chia_bls::{PublicKey, SecretKey};
use sickle_streamable::{Bytes, Bytes32, Streamable};

/// `ProofOfSpace` v1 wire shape (chia_rs packs a version into the contract flag; v1 is 0/1).
#[derive(Streamable, Debug, Clone, PartialEq)]
pub struct ProofOfSpace {
    pub challenge: Bytes32,
    pub pool_public_key: Option<PublicKey>,
    pub pool_contract_puzzle_hash: Option<Bytes32>,
    pub plot_public_key: PublicKey,
    pub size: u8,
    pub proof: Bytes,
}

#[derive(Streamable, Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum NodeType {
    FullNode = 1,
    Harvester = 2,
    Farmer = 3,
    Timelord = 4,
    Introducer = 5,
    Wallet = 6,
    DataLayer = 7,
}

#[derive(Streamable, Debug, Clone, PartialEq)]
pub struct Handshake {
    pub network_id: String,
    pub protocol_version: String,
    pub software_version: String,
    pub server_port: u16,
    pub node_type: NodeType,
    pub capabilities: Vec<(u16, String)>,
}

pub fn key(i: u8) -> PublicKey {
    SecretKey::from_seed(&[i; 32]).public_key()
}

pub fn proof_of_space() -> ProofOfSpace {
    ProofOfSpace {
        challenge: Bytes32::new([0x3c; 32]),
        pool_public_key: Some(key(1)),
        pool_contract_puzzle_hash: None,
        plot_public_key: key(2),
        size: 32,
        proof: Bytes::from((0..=255).collect::<Vec<u8>>()),
    }
}

pub fn handshake() -> Handshake {
    Handshake {
        network_id: "mainnet".into(),
        protocol_version: "0.0.38".into(),
        software_version: "2.7.5".into(),
        server_port: 0,
        node_type: NodeType::Harvester,
        capabilities: vec![(1, "1".into()), (2, "1".into()), (3, "1".into())],
    }
}
