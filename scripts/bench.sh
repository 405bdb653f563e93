#!/usr/bin/env bash
# Whole-process benchmarks of the release binary: prints the README "Performance" table
# (render, template render, releases at 10 to 5,000, validate at 1,000 to 100,000 for
# Deployments and for a mix, one core and two, with `/bin/true` and `tack --version` as
# floors and `helm template` / `kubeconform` columns when they are installed).
# In-process figures (per-document costs) come from `cargo bench`.
# Usage: scripts/bench.sh [--quick]     (HELM=..., KUBECONFORM=... to name the peers)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --locked
exec python3 scripts/bench.py target/release/tack "$@"
