//! JSON from the derive: chia's `to_json_dict` shape, `from_json_dict` coercions and error paths.
#![cfg(feature = "serde")]
#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

use serde_json::json;
use sickle_streamable::json::{FromJsonDict, JsonError, ToJsonDict};
use sickle_streamable::{Bytes, Bytes32, Streamable};

#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
struct PoolDifficulty {
    difficulty: u64,
    sub_slot_iters: u64,
    pool_contract_puzzle_hash: Bytes32,
}

#[derive(Streamable, Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Mode {
    Cpu = 1,
    Gpu = 2,
}

#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
struct Outer {
    name: String,
    mode: Mode,
    data: Option<Bytes>,
    pools: Vec<PoolDifficulty>,
    pair: (u16, String),
}

#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
struct Nothing;

#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
struct RawName {
    r#type: u8,
}

fn outer() -> Outer {
    Outer {
        name: "h".into(),
        mode: Mode::Gpu,
        data: None,
        pools: vec![PoolDifficulty {
            difficulty: u64::MAX,
            sub_slot_iters: 37_600_000_000,
            pool_contract_puzzle_hash: Bytes32::new([0x55; 32]),
        }],
        pair: (3, "1".into()),
    }
}

#[test]
fn derive_emits_chia_shape() {
    let expected = json!({
        "name": "h",
        "mode": 2,
        "data": null,
        "pools": [{
            "difficulty": 18446744073709551615u64,
            "sub_slot_iters": 37600000000u64,
            "pool_contract_puzzle_hash": format!("0x{}", "55".repeat(32)),
        }],
        "pair": [3, "1"],
    });
    assert_eq!(outer().to_json_dict(), expected);
    assert_eq!(Outer::from_json_dict(&expected).unwrap(), outer());
    assert_eq!(Nothing.to_json_dict(), json!({}));
    assert_eq!(
        Nothing::from_json_dict(&json!({"ignored": 1})).unwrap(),
        Nothing
    );
}

#[test]
fn u64_max_survives_text_round_trip() {
    let text = serde_json::to_string(&outer().to_json_dict()).unwrap();
    assert!(text.contains("18446744073709551615"));
    let back: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(Outer::from_json_dict(&back).unwrap(), outer());
}

#[test]
fn extra_fields_are_ignored_missing_fields_named() {
    let mut value = outer().to_json_dict();
    value["unknown"] = json!(1);
    assert_eq!(Outer::from_json_dict(&value).unwrap(), outer());
    value.as_object_mut().unwrap().remove("mode");
    let err = Outer::from_json_dict(&value).unwrap_err();
    assert!(
        matches!(
            &err,
            JsonError::MissingField {
                type_name: "Outer",
                field: "mode",
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn nested_error_names_the_path() {
    let mut value = outer().to_json_dict();
    value["pools"][0]["pool_contract_puzzle_hash"] = json!("0x1234");
    let err = Outer::from_json_dict(&value).unwrap_err();
    assert_eq!(err.path(), "pools[0].pool_contract_puzzle_hash");
    assert!(
        matches!(
            err,
            JsonError::WrongLength {
                expected: 32,
                got: 2,
                ..
            }
        ),
        "{err}"
    );
    let mut value = outer().to_json_dict();
    value["pair"] = json!([70000, "1"]);
    let err = Outer::from_json_dict(&value).unwrap_err();
    assert_eq!(err.path(), "pair[0]");
    assert!(err.to_string().contains("70000"), "{err}");
}

#[test]
fn enum_json_is_its_integer_and_unknown_values_fail() {
    assert_eq!(Mode::Cpu.to_json_dict(), json!(1));
    assert_eq!(Mode::from_json_dict(&json!(2)).unwrap(), Mode::Gpu);
    assert!(matches!(
        Mode::from_json_dict(&json!(3)),
        Err(JsonError::Invalid {
            type_name: "Mode",
            ..
        })
    ));
}

#[test]
fn raw_identifiers_use_the_python_name() {
    assert_eq!(RawName { r#type: 4 }.to_json_dict(), json!({"type": 4}));
    assert_eq!(
        RawName::from_json_dict(&json!({"type": 4})).unwrap(),
        RawName { r#type: 4 }
    );
}

#[test]
fn wrong_kind_is_reported() {
    let err = Outer::from_json_dict(&json!([1, 2])).unwrap_err();
    assert!(
        matches!(
            err,
            JsonError::WrongKind {
                expected: "object",
                got: "array",
                ..
            }
        ),
        "{err}"
    );
}
