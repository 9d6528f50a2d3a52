//! JSON in the shape of chia's `to_json_dict` / `from_json_dict` (feature `serde`).
//!
//! | Rust type | JSON |
//! |---|---|
//! | struct | object keyed by field name |
//! | integers | exact numbers (u64 and u128 included) |
//! | `bool`, `String` | boolean, string |
//! | `Bytes`, `BytesN`, G1, G2 | `"0x…"` lower-case hex |
//! | `Option` | `null` or the value |
//! | `Vec`, tuples, arrays | arrays |
//! | `#[repr(u8)]` enum | its integer |
//!
//! Decoding accepts what chia's `from_json_dict` accepts: hex with or without `0x`/`0X`, integers
//! as numbers or decimal strings (chia calls `uint64(item)`), tuples as arrays of the right length.
//! Fields chia does not know are ignored, missing fields are errors.

use chia_bls::{PublicKey, Signature};
pub use serde_json;
use serde_json::{Number, Value};
use thiserror::Error;

use crate::{Bytes, BytesN};

/// Converts a value to chia's JSON form (Python `to_json_dict`).
pub trait ToJsonDict {
    /// The JSON value chia would produce.
    fn to_json_dict(&self) -> Value;
}

/// Builds a value from chia's JSON form (Python `from_json_dict`).
pub trait FromJsonDict: Sized {
    /// Parses `value`; the error names the field path that was wrong.
    fn from_json_dict(value: &Value) -> Result<Self, JsonError>;
}

/// Why a JSON value does not describe a value of a type.
///
/// `path` is where in the document the problem is, e.g. `proof.pool_public_key` or
/// `pool_difficulties[2].difficulty`; it is empty for the top-level value.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum JsonError {
    /// The JSON kind is wrong (e.g. a number where an object was expected).
    #[error("{type_name} at '{path}': expected {expected}, got {got}")]
    WrongKind {
        /// Where in the document.
        path: String,
        /// The Rust type being built.
        type_name: &'static str,
        /// The JSON kind wanted.
        expected: &'static str,
        /// The JSON kind found.
        got: &'static str,
    },
    /// An object lacks a field of the struct.
    #[error("{type_name} at '{path}': missing field '{field}'")]
    MissingField {
        /// Where the object is.
        path: String,
        /// The struct being built.
        type_name: &'static str,
        /// The field that is absent.
        field: &'static str,
    },
    /// A number or numeric string that is not an integer in the type's range.
    #[error("{type_name} at '{path}': '{value}' is not an integer in range")]
    OutOfRange {
        /// Where in the document.
        path: String,
        /// The integer type.
        type_name: &'static str,
        /// The text found.
        value: String,
    },
    /// A string that is not hex.
    #[error("{type_name} at '{path}': invalid hex ({source})")]
    InvalidHex {
        /// Where in the document.
        path: String,
        /// The byte type.
        type_name: &'static str,
        /// What the hex decoder said.
        source: hex::FromHexError,
    },
    /// A list or byte string of the wrong length.
    #[error("{type_name} at '{path}': expected length {expected}, got {got}")]
    WrongLength {
        /// Where in the document.
        path: String,
        /// The type being built.
        type_name: &'static str,
        /// Length required.
        expected: usize,
        /// Length found.
        got: usize,
    },
    /// Hex that decodes but is not a valid BLS point.
    #[error("{type_name} at '{path}': {source}")]
    InvalidPoint {
        /// Where in the document.
        path: String,
        /// `G1Element` or `G2Element`.
        type_name: &'static str,
        /// What chia-bls said.
        source: chia_bls::Error,
    },
    /// A type-specific check failed (e.g. an enum value with no variant).
    #[error("{type_name} at '{path}': {reason}")]
    Invalid {
        /// Where in the document.
        path: String,
        /// The type whose check failed.
        type_name: &'static str,
        /// What was wrong, lower case.
        reason: &'static str,
    },
}

impl JsonError {
    /// An error for a custom check in a hand-written [`FromJsonDict`] impl.
    pub fn invalid(type_name: &'static str, reason: &'static str) -> Self {
        Self::Invalid {
            path: String::new(),
            type_name,
            reason,
        }
    }

    /// A [`JsonError::WrongKind`] for `value`.
    pub fn wrong_kind(type_name: &'static str, expected: &'static str, value: &Value) -> Self {
        Self::WrongKind {
            path: String::new(),
            type_name,
            expected,
            got: kind(value),
        }
    }

    fn path_mut(&mut self) -> &mut String {
        match self {
            Self::WrongKind { path, .. }
            | Self::MissingField { path, .. }
            | Self::OutOfRange { path, .. }
            | Self::InvalidHex { path, .. }
            | Self::WrongLength { path, .. }
            | Self::InvalidPoint { path, .. }
            | Self::Invalid { path, .. } => path,
        }
    }

    /// The path in the document where the error is.
    pub fn path(&self) -> &str {
        match self {
            Self::WrongKind { path, .. }
            | Self::MissingField { path, .. }
            | Self::OutOfRange { path, .. }
            | Self::InvalidHex { path, .. }
            | Self::WrongLength { path, .. }
            | Self::InvalidPoint { path, .. }
            | Self::Invalid { path, .. } => path,
        }
    }

    /// Prefixes the path with a struct field name (used by the derive).
    #[must_use]
    pub fn in_field(mut self, field: &str) -> Self {
        let path = self.path_mut();
        if path.is_empty() || path.starts_with('[') {
            path.insert_str(0, field);
        } else {
            path.insert(0, '.');
            path.insert_str(0, field);
        }
        self
    }

    /// Prefixes the path with a list or tuple index.
    #[must_use]
    pub fn in_index(mut self, index: usize) -> Self {
        let path = self.path_mut();
        let segment = format!("[{index}]");
        if !path.is_empty() && !path.starts_with('[') {
            path.insert(0, '.');
        }
        path.insert_str(0, &segment);
        self
    }
}

/// The JSON kind of `value`, for error messages.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Looks up a struct field in a JSON object; used by the derive.
pub fn field<'v>(
    object: &'v serde_json::Map<String, Value>,
    type_name: &'static str,
    name: &'static str,
) -> Result<&'v Value, JsonError> {
    object.get(name).ok_or(JsonError::MissingField {
        path: String::new(),
        type_name,
        field: name,
    })
}

/// The object behind `value`, or a [`JsonError::WrongKind`]; used by the derive.
pub fn object<'v>(
    value: &'v Value,
    type_name: &'static str,
) -> Result<&'v serde_json::Map<String, Value>, JsonError> {
    value
        .as_object()
        .ok_or_else(|| JsonError::wrong_kind(type_name, "object", value))
}

/// Python `int(text)` for decimal text: surrounding whitespace, an optional sign, and digits with
/// single underscores between them (`" -1_000 "`). Returns `(negative, magnitude)`.
fn python_int_text(text: &str) -> Option<(bool, u128)> {
    let text = text.trim();
    let (negative, digits) = match text.as_bytes().first()? {
        b'-' => (true, text.get(1..)?),
        b'+' => (false, text.get(1..)?),
        _ => (false, text),
    };
    if digits.is_empty()
        || digits.starts_with('_')
        || digits.ends_with('_')
        || digits.contains("__")
    {
        return None;
    }
    let mut magnitude: u128 = 0;
    for ch in digits.chars().filter(|c| *c != '_') {
        let digit = ch.to_digit(10)?;
        magnitude = magnitude.checked_mul(10)?.checked_add(u128::from(digit))?;
    }
    Some((negative, magnitude))
}

/// What Python's `int(item)` gives for a JSON value, as `(negative, magnitude)`: chia converts
/// integer fields with `uint64(item)`, so numbers (floats truncated), `true`/`false` and decimal
/// strings all work. `None` means Python raises.
fn python_int(value: &Value) -> Option<(bool, u128)> {
    match value {
        Value::Bool(b) => Some((false, u128::from(*b))),
        Value::String(s) => python_int_text(s),
        Value::Number(n) => {
            if let Some(parsed) = python_int_text(n.as_str()) {
                return Some(parsed);
            }
            let float = n.as_f64()?.trunc();
            if !float.is_finite() || float.abs() >= 2f64.powi(127) {
                return None;
            }
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let magnitude = float.abs() as u128;
            Some((float < 0.0, magnitude))
        }
        _ => None,
    }
}

macro_rules! json_int {
    ($($t:ty => $name:literal, $from:ident);* $(;)?) => {$(
        impl ToJsonDict for $t {
            fn to_json_dict(&self) -> Value {
                Number::$from((*self).into())
                    .map_or_else(|| Value::String(self.to_string()), Value::Number)
            }
        }

        impl FromJsonDict for $t {
            fn from_json_dict(value: &Value) -> Result<Self, JsonError> {
                if matches!(value, Value::Null | Value::Array(_) | Value::Object(_)) {
                    return Err(JsonError::wrong_kind($name, "integer", value));
                }
                let converted = python_int(value).and_then(|(negative, magnitude)| {
                    if negative {
                        let wide = i128::try_from(magnitude).ok()?.checked_neg()?;
                        <$t>::try_from(wide).ok()
                    } else {
                        <$t>::try_from(magnitude).ok()
                    }
                });
                converted.ok_or_else(|| JsonError::OutOfRange {
                    path: String::new(),
                    type_name: $name,
                    value: match value {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    },
                })
            }
        }
    )*};
}

json_int! {
    u8 => "uint8", from_u128;
    u16 => "uint16", from_u128;
    u32 => "uint32", from_u128;
    u64 => "uint64", from_u128;
    u128 => "uint128", from_u128;
    i8 => "int8", from_i128;
    i16 => "int16", from_i128;
    i32 => "int32", from_i128;
    i64 => "int64", from_i128;
}

impl ToJsonDict for bool {
    fn to_json_dict(&self) -> Value {
        Value::Bool(*self)
    }
}

/// Python truthiness, because chia converts with `bool(item)`: `"false"` is true, `0`, `""`,
/// `null`, `[]` and `{}` are false.
impl FromJsonDict for bool {
    fn from_json_dict(value: &Value) -> Result<Self, JsonError> {
        Ok(match value {
            Value::Null => false,
            Value::Bool(b) => *b,
            Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
            Value::String(s) => !s.is_empty(),
            Value::Array(items) => !items.is_empty(),
            Value::Object(map) => !map.is_empty(),
        })
    }
}

impl ToJsonDict for String {
    fn to_json_dict(&self) -> Value {
        Value::String(self.clone())
    }
}

/// chia converts with `str(item)`: strings as they are, `null` → `"None"`, booleans → `"True"` /
/// `"False"`, integers → their digits. Floats, arrays and objects are refused (Python would use
/// its `repr`, which nothing should rely on).
impl FromJsonDict for String {
    fn from_json_dict(value: &Value) -> Result<Self, JsonError> {
        match value {
            Value::String(s) => Ok(s.clone()),
            Value::Null => Ok("None".to_owned()),
            Value::Bool(true) => Ok("True".to_owned()),
            Value::Bool(false) => Ok("False".to_owned()),
            Value::Number(n) if n.as_i128().is_some() || n.as_u128().is_some() => Ok(n.to_string()),
            other => Err(JsonError::wrong_kind("str", "string", other)),
        }
    }
}

fn to_hex(bytes: &[u8]) -> Value {
    Value::String(format!("0x{}", hex::encode(bytes)))
}

/// Decodes chia's hex form: `0x`/`0X` prefix optional (chia `hexstr_to_bytes`).
fn from_hex(value: &Value, type_name: &'static str) -> Result<Vec<u8>, JsonError> {
    let text = value
        .as_str()
        .ok_or_else(|| JsonError::wrong_kind(type_name, "hex string", value))?;
    let digits = text
        .strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))
        .unwrap_or(text);
    hex::decode(digits).map_err(|source| JsonError::InvalidHex {
        path: String::new(),
        type_name,
        source,
    })
}

fn from_hex_array<const N: usize>(
    value: &Value,
    type_name: &'static str,
) -> Result<[u8; N], JsonError> {
    let bytes = from_hex(value, type_name)?;
    let got = bytes.len();
    bytes.try_into().map_err(|_| JsonError::WrongLength {
        path: String::new(),
        type_name,
        expected: N,
        got,
    })
}

impl ToJsonDict for Bytes {
    fn to_json_dict(&self) -> Value {
        to_hex(&self.0)
    }
}

impl FromJsonDict for Bytes {
    fn from_json_dict(value: &Value) -> Result<Self, JsonError> {
        from_hex(value, "bytes").map(Self)
    }
}

impl<const N: usize> ToJsonDict for BytesN<N> {
    fn to_json_dict(&self) -> Value {
        to_hex(&self.0)
    }
}

impl<const N: usize> FromJsonDict for BytesN<N> {
    fn from_json_dict(value: &Value) -> Result<Self, JsonError> {
        from_hex_array(value, std::any::type_name::<Self>()).map(Self)
    }
}

impl ToJsonDict for PublicKey {
    fn to_json_dict(&self) -> Value {
        to_hex(&self.to_bytes())
    }
}

impl FromJsonDict for PublicKey {
    fn from_json_dict(value: &Value) -> Result<Self, JsonError> {
        let raw = from_hex_array::<48>(value, "G1Element")?;
        Self::from_bytes(&raw).map_err(|source| JsonError::InvalidPoint {
            path: String::new(),
            type_name: "G1Element",
            source,
        })
    }
}

impl ToJsonDict for Signature {
    fn to_json_dict(&self) -> Value {
        to_hex(&self.to_bytes())
    }
}

impl FromJsonDict for Signature {
    fn from_json_dict(value: &Value) -> Result<Self, JsonError> {
        let raw = from_hex_array::<96>(value, "G2Element")?;
        Self::from_bytes(&raw).map_err(|source| JsonError::InvalidPoint {
            path: String::new(),
            type_name: "G2Element",
            source,
        })
    }
}

impl<T: ToJsonDict> ToJsonDict for Option<T> {
    fn to_json_dict(&self) -> Value {
        self.as_ref().map_or(Value::Null, ToJsonDict::to_json_dict)
    }
}

impl<T: FromJsonDict> FromJsonDict for Option<T> {
    fn from_json_dict(value: &Value) -> Result<Self, JsonError> {
        match value {
            Value::Null => Ok(None),
            other => T::from_json_dict(other).map(Some),
        }
    }
}

impl<T: ToJsonDict> ToJsonDict for Vec<T> {
    fn to_json_dict(&self) -> Value {
        Value::Array(self.iter().map(ToJsonDict::to_json_dict).collect())
    }
}

fn array<'v>(value: &'v Value, type_name: &'static str) -> Result<&'v Vec<Value>, JsonError> {
    value
        .as_array()
        .ok_or_else(|| JsonError::wrong_kind(type_name, "array", value))
}

impl<T: FromJsonDict> FromJsonDict for Vec<T> {
    fn from_json_dict(value: &Value) -> Result<Self, JsonError> {
        array(value, "list")?
            .iter()
            .enumerate()
            .map(|(i, item)| T::from_json_dict(item).map_err(|e| e.in_index(i)))
            .collect()
    }
}

impl<T: ToJsonDict, const N: usize> ToJsonDict for [T; N] {
    fn to_json_dict(&self) -> Value {
        Value::Array(self.iter().map(ToJsonDict::to_json_dict).collect())
    }
}

impl<T: FromJsonDict, const N: usize> FromJsonDict for [T; N] {
    fn from_json_dict(value: &Value) -> Result<Self, JsonError> {
        let type_name = std::any::type_name::<Self>();
        let items = array(value, type_name)?;
        if items.len() != N {
            return Err(JsonError::WrongLength {
                path: String::new(),
                type_name,
                expected: N,
                got: items.len(),
            });
        }
        let parsed = items
            .iter()
            .enumerate()
            .map(|(i, item)| T::from_json_dict(item).map_err(|e| e.in_index(i)))
            .collect::<Result<Vec<T>, _>>()?;
        parsed
            .try_into()
            .map_err(|_| JsonError::invalid(type_name, "array length mismatch"))
    }
}

impl ToJsonDict for () {
    fn to_json_dict(&self) -> Value {
        Value::Array(Vec::new())
    }
}

impl FromJsonDict for () {
    fn from_json_dict(value: &Value) -> Result<Self, JsonError> {
        let items = array(value, "()")?;
        if items.is_empty() {
            Ok(())
        } else {
            Err(JsonError::WrongLength {
                path: String::new(),
                type_name: "()",
                expected: 0,
                got: items.len(),
            })
        }
    }
}

macro_rules! json_tuple {
    ($len:literal; $($t:ident . $i:tt . $v:ident),+) => {
        impl<$($t: ToJsonDict),+> ToJsonDict for ($($t,)+) {
            fn to_json_dict(&self) -> Value {
                Value::Array(vec![$(self.$i.to_json_dict()),+])
            }
        }

        impl<$($t: FromJsonDict),+> FromJsonDict for ($($t,)+) {
            fn from_json_dict(value: &Value) -> Result<Self, JsonError> {
                let type_name = std::any::type_name::<Self>();
                let items = array(value, type_name)?;
                match items.as_slice() {
                    [$($v),+] => Ok(($($t::from_json_dict($v).map_err(|e| e.in_index($i))?,)+)),
                    _ => Err(JsonError::WrongLength {
                        path: String::new(),
                        type_name,
                        expected: $len,
                        got: items.len(),
                    }),
                }
            }
        }
    };
}

json_tuple!(1; A.0.a);
json_tuple!(2; A.0.a, B.1.b);
json_tuple!(3; A.0.a, B.1.b, C.2.c);
json_tuple!(4; A.0.a, B.1.b, C.2.c, D.3.d);
