//! What must not compile: each file in `tests/compile_fail/` is a mistake a user
//! could make, with the error they see checked in beside it (`.stderr`).
//! Regenerate the expected errors with `TRYBUILD=overwrite cargo test --test compile_fail`.

#[test]
fn compile_fail() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/compile_fail/*.rs");
}
