//! The conformance suite over every built-in rule (the tests of this
//! crate), and the generated rule pages they check: see
//! `tests/conformance.rs`. The suite itself is
//! `drift_sdk::testing::conformance`, which a custom rule can run too.
