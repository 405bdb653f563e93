#![no_main]
//! Fuzz target `values`: see `tack_fuzz::values`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| tack_fuzz::values(data));
