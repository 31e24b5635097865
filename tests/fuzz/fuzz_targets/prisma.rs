//! `drift_syntax::prisma::parse` on arbitrary UTF-8: no panic, every span
//! inside the text.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Err(broken) = drift_syntax::fuzzing::check_prisma(text)
    {
        panic!("Prisma span invariant broken: {broken}");
    }
});
