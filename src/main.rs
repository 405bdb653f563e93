//! The `tack` command line tool. Everything it does lives in the library ([`tack::cli`]).

/// mimalloc (v3, transparent huge pages off): allocation is a fifth of a render's work, and
/// the parallel paths allocate on several threads. Measured against glibc's allocator on the
/// 2-core machine: `render -r` of 1,000 releases 461 -> 285 ms (one core 868 -> 558 ms),
/// the template chart 9.8 -> 8.5 ms, `validate` of 100,000 objects 7-10% faster; the
/// example render unchanged (3.6 ms); process start 0.5 ms slower and 1-6 MB more peak
/// memory. With huge pages on it cost 4 MB more at start for nothing.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    tack::cli::run()
}
