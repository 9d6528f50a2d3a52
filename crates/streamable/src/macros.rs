//! [`cfg_json!`](crate::cfg_json): JSON impls that exist only when this crate's `serde` feature is on.

/// Emits its items when sickle-streamable is built with feature `serde`, nothing otherwise.
///
/// The derive wraps its [`ToJsonDict`](crate::json::ToJsonDict) /
/// [`FromJsonDict`](crate::json::FromJsonDict) impls in it, and hand-written types can do the same,
/// so a downstream crate never needs a `serde` feature of its own: the feature is decided once, here.
#[cfg(feature = "serde")]
#[macro_export]
macro_rules! cfg_json {
    ($($item:item)*) => { $($item)* };
}

/// Emits its items when sickle-streamable is built with feature `serde`, nothing otherwise.
///
/// The derive wraps its JSON impls in it, and hand-written types can do the same, so a downstream
/// crate never needs a `serde` feature of its own: the feature is decided once, here.
#[cfg(not(feature = "serde"))]
#[macro_export]
macro_rules! cfg_json {
    ($($item:item)*) => {};
}
