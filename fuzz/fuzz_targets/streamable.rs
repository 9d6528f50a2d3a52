//! Decodes arbitrary bytes as one of many Streamable types (chosen by the first byte) and checks
//! the codec properties of `sickle_fuzz::check_streamable`.
#![cfg_attr(fuzzing, no_main)]

use chia_bls::{PublicKey, Signature};
use sickle_fuzz::check_streamable;
use sickle_streamable::{Bytes, Bytes32, Bytes100, Streamable};

/// Handshake-shaped: strings, ints and a list of tuples.
#[derive(Streamable, Debug, PartialEq)]
struct Handshake {
    network_id: String,
    protocol_version: String,
    software_version: String,
    server_port: u16,
    node_type: u8,
    capabilities: Vec<(u16, String)>,
}

/// Plot-shaped: optionals of points and hashes.
#[derive(Streamable, Debug, PartialEq)]
struct Plot {
    filename: String,
    size: u8,
    plot_id: Bytes32,
    pool_public_key: Option<PublicKey>,
    pool_contract_puzzle_hash: Option<Bytes32>,
    plot_public_key: PublicKey,
    file_size: u64,
    time_modified: u64,
}

/// Signatures-shaped: a list of (message, signature) pairs.
#[derive(Streamable, Debug, PartialEq)]
struct RespondSignatures {
    plot_identifier: String,
    challenge_hash: Bytes32,
    local_pk: PublicKey,
    message_signatures: Vec<(Bytes32, Signature)>,
    include_source_signature_data: bool,
}

#[derive(Streamable, Debug, PartialEq)]
#[repr(u8)]
enum NodeType {
    FullNode = 1,
    Harvester = 2,
    Farmer = 3,
}

#[derive(Streamable, Debug, PartialEq)]
struct Empty;

fn run(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    match selector % 24 {
        0 => check_streamable::<u8>(rest),
        1 => check_streamable::<u16>(rest),
        2 => check_streamable::<u64>(rest),
        3 => check_streamable::<u128>(rest),
        4 => check_streamable::<i64>(rest),
        5 => check_streamable::<bool>(rest),
        6 => check_streamable::<String>(rest),
        7 => check_streamable::<Bytes>(rest),
        8 => check_streamable::<Bytes32>(rest),
        9 => check_streamable::<Bytes100>(rest),
        10 => check_streamable::<PublicKey>(rest),
        11 => check_streamable::<Signature>(rest),
        12 => check_streamable::<Vec<Option<u16>>>(rest),
        13 => check_streamable::<(u16, String)>(rest),
        14 => check_streamable::<Option<Option<bool>>>(rest),
        15 => check_streamable::<Vec<Vec<Bytes>>>(rest),
        16 => check_streamable::<[u8; 3]>(rest),
        17 => check_streamable::<Handshake>(rest),
        18 => check_streamable::<Plot>(rest),
        19 => check_streamable::<RespondSignatures>(rest),
        20 => check_streamable::<NodeType>(rest),
        21 => check_streamable::<Empty>(rest),
        22 => check_streamable::<Vec<PublicKey>>(rest),
        _ => check_streamable::<(bool, i8, Option<String>, Vec<u32>)>(rest),
    }
}

#[cfg(fuzzing)]
libfuzzer_sys::fuzz_target!(|data: &[u8]| run(data));

#[cfg(not(fuzzing))]
fn main() {
    sickle_fuzz::replay_args(run);
}
