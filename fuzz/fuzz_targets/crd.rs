#![no_main]
//! Fuzz target `crd`: see `tack_fuzz::crd`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| tack_fuzz::crd(data));
