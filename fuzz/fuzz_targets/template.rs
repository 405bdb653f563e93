#![no_main]
//! Fuzz target `template`: see `tack_fuzz::template`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| tack_fuzz::template(data));
