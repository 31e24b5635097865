//! The rules.toml loader (`drift_host::config::Config::parse`) on arbitrary
//! UTF-8: no panic, every error position inside the text.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Err(broken) = drift_host::config::fuzzing::check_config(text)
    {
        panic!("rules.toml loader invariant broken: {broken}");
    }
});
