#![no_main]
//! Fuzz target `set`: see `tack_fuzz::set`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| tack_fuzz::set(data));
