//! Misuse of `#[derive(Streamable)]` is a spanned compile error, never a panic.

#[test]
fn derive_misuse_is_a_compile_error() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
