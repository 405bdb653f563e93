#![no_main]
//! Fuzz target `chart_yaml`: see `tack_fuzz::chart_yaml`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| tack_fuzz::chart_yaml(data));
