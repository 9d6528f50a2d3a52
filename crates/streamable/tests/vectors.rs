//! Every vector chia-blockchain 2.7.5 produced (crates/vectors/data/streamable) against our codec:
//! accepted encodings decode, re-encode identically and hash like `get_hash()`; JSON equals
//! `to_json_dict()` and parses back; rejected encodings are rejected with the expected error.
#![allow(clippy::unwrap_used, clippy::panic)] // tests fail loudly on purpose

use chia_bls::{PublicKey, Signature};
use serde_json::Value;
use sickle_streamable::{
    Bytes, Bytes4, Bytes8, Bytes32, Bytes48, Bytes96, Bytes100, Bytes480, Error, Streamable,
};
use sickle_vectors::{read_json, unhex};

#[cfg(feature = "serde")]
use sickle_streamable::json::{FromJsonDict, ToJsonDict};

/// The codec and (under `serde`) JSON traits, so one dispatch table serves every check.
#[cfg(feature = "serde")]
trait Codec: Streamable + ToJsonDict + FromJsonDict + std::fmt::Debug {}
#[cfg(feature = "serde")]
impl<T: Streamable + ToJsonDict + FromJsonDict + std::fmt::Debug> Codec for T {}
#[cfg(not(feature = "serde"))]
trait Codec: Streamable + std::fmt::Debug {}
#[cfg(not(feature = "serde"))]
impl<T: Streamable + std::fmt::Debug> Codec for T {}

/// Calls `$check::<T>($case)` with the Rust type for chia schema `$schema`.
macro_rules! dispatch {
    ($schema:expr, $check:ident, $case:expr) => {
        match $schema {
            "uint8" => $check::<u8>($case),
            "uint16" => $check::<u16>($case),
            "uint32" => $check::<u32>($case),
            "uint64" => $check::<u64>($case),
            "uint128" => $check::<u128>($case),
            "int8" => $check::<i8>($case),
            "int16" => $check::<i16>($case),
            "int32" => $check::<i32>($case),
            "int64" => $check::<i64>($case),
            "bool" => $check::<bool>($case),
            "str" => $check::<String>($case),
            "bytes" => $check::<Bytes>($case),
            "bytes4" => $check::<Bytes4>($case),
            "bytes8" => $check::<Bytes8>($case),
            "bytes32" => $check::<Bytes32>($case),
            "bytes48" => $check::<Bytes48>($case),
            "bytes96" => $check::<Bytes96>($case),
            "bytes100" => $check::<Bytes100>($case),
            "bytes480" => $check::<Bytes480>($case),
            "G1" => $check::<PublicKey>($case),
            "G2" => $check::<Signature>($case),
            "list[uint8]" => $check::<Vec<u8>>($case),
            "list[uint32]" => $check::<Vec<u32>>($case),
            "list[str]" => $check::<Vec<String>>($case),
            "list[bytes32]" => $check::<Vec<Bytes32>>($case),
            "list[optional[bytes32]]" => $check::<Vec<Option<Bytes32>>>($case),
            "list[list[optional[uint16]]]" => $check::<Vec<Vec<Option<u16>>>>($case),
            "optional[uint8]" => $check::<Option<u8>>($case),
            "optional[uint64]" => $check::<Option<u64>>($case),
            "optional[str]" => $check::<Option<String>>($case),
            "optional[optional[bool]]" => $check::<Option<Option<bool>>>($case),
            "optional[G1]" => $check::<Option<PublicKey>>($case),
            "optional[G2]" => $check::<Option<Signature>>($case),
            "tuple[uint16,str]" => $check::<(u16, String)>($case),
            "tuple[bytes32,G2]" => $check::<(Bytes32, Signature)>($case),
            "tuple[bool,uint8,int64]" => $check::<(bool, u8, i64)>($case),
            "tuple[str,bytes,optional[uint32],list[uint8]]" => {
                $check::<(String, Bytes, Option<u32>, Vec<u8>)>($case)
            }
            "list[tuple[uint16,str]]" => $check::<Vec<(u16, String)>>($case),
            "list[G1]" => $check::<Vec<PublicKey>>($case),
            other => panic!("schema {other:?} has no Rust type in tests/vectors.rs"),
        }
    };
}

fn cases(file: &str) -> Vec<Value> {
    let doc = read_json(file);
    assert_eq!(doc["reference"]["chia-blockchain"], "2.7.5", "{file}");
    doc["cases"].as_array().cloned().unwrap()
}

fn check_accepted<T: Codec>(case: &Value) {
    let bytes = unhex(case["hex"].as_str().unwrap());
    let value = T::from_bytes(&bytes).unwrap_or_else(|e| panic!("{case}: {e}"));
    assert_eq!(value.to_bytes(), bytes, "{case}");
    assert_eq!(T::from_bytes_unchecked(&bytes).unwrap().to_bytes(), bytes);
    assert_eq!(
        value.hash().to_string(),
        case["hash"].as_str().unwrap(),
        "{case}"
    );
    assert!(
        bytes.len() >= T::MIN_SIZE,
        "{case}: MIN_SIZE {}",
        T::MIN_SIZE
    );
    #[cfg(feature = "serde")]
    {
        assert_eq!(value.to_json_dict(), case["json"], "{case}");
        let back = T::from_json_dict(&case["json"]).unwrap_or_else(|e| panic!("{case}: {e}"));
        assert_eq!(back.to_bytes(), bytes, "{case}");
    }
}

#[test]
fn accepted_vectors_round_trip() {
    let all = cases("streamable/accepted.json");
    assert!(all.len() >= 90);
    for case in &all {
        dispatch!(case["schema"].as_str().unwrap(), check_accepted, case);
    }
}

fn error_name(err: &Error) -> &'static str {
    match err {
        Error::EndOfBuffer { .. } => "EndOfBuffer",
        Error::TrailingBytes { .. } => "TrailingBytes",
        Error::InvalidBool { .. } => "InvalidBool",
        Error::InvalidOptional { .. } => "InvalidOptional",
        Error::InvalidString { .. } => "InvalidString",
        Error::InvalidEnum { .. } => "InvalidEnum",
        Error::InvalidG1 { .. } => "InvalidG1",
        Error::InvalidG2 { .. } => "InvalidG2",
        Error::Invalid { .. } => "Invalid",
        _ => "unknown",
    }
}

fn check_rejected<T: Codec>(case: &Value) {
    let bytes = unhex(case["hex"].as_str().unwrap());
    let err = T::from_bytes(&bytes).expect_err(&case.to_string());
    assert_eq!(
        error_name(&err),
        case["rust_error"].as_str().unwrap(),
        "{case}: {err}"
    );
    if let Some(unchecked) = case.get("chia_unchecked") {
        let ours = T::from_bytes_unchecked(&bytes);
        assert_eq!(
            ours.is_ok(),
            unchecked["accepted"] == true,
            "{case}: {ours:?}"
        );
        if let Ok(value) = ours {
            assert_eq!(
                hex::encode(value.to_bytes()),
                unchecked["hex"].as_str().unwrap()
            );
        }
    }
}

#[test]
fn rejected_vectors_are_rejected() {
    let all = cases("streamable/rejected.json");
    assert!(all.len() >= 30);
    for case in &all {
        dispatch!(case["schema"].as_str().unwrap(), check_rejected, case);
    }
}

#[cfg(feature = "serde")]
fn check_json_input<T: Codec>(case: &Value) {
    let ours = T::from_json_dict(&case["json"]);
    let chia = &case["chia"];
    if chia["accepted"] == true {
        let value = ours.unwrap_or_else(|e| panic!("{case}: {e}"));
        assert_eq!(
            hex::encode(value.to_bytes()),
            chia["hex"].as_str().unwrap(),
            "{case}"
        );
    } else {
        assert!(ours.is_err(), "{case}: chia rejects, we accepted {ours:?}");
    }
}

#[cfg(feature = "serde")]
#[test]
fn json_inputs_match_chia_verdicts() {
    let all = cases("streamable/json_inputs.json");
    assert!(all.len() >= 25);
    for case in &all {
        dispatch!(case["schema"].as_str().unwrap(), check_json_input, case);
    }
}
