#![no_main]
//! Fuzz target `validate`: see `tack_fuzz::validate`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| tack_fuzz::validate(data));
