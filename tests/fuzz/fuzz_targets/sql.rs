//! `drift_syntax::sql::parse` (squawk, plus the DO-body / EXECUTE-string
//! splicing) on arbitrary UTF-8, with the tree invariants the host relies on.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Err(broken) = drift_syntax::fuzzing::check_sql(text)
    {
        panic!("SQL tree invariant broken: {broken}");
    }
});
