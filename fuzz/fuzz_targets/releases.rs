#![no_main]
//! Fuzz target `releases`: see `tack_fuzz::releases`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| tack_fuzz::releases(data));
