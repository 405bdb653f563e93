#!/usr/bin/env bash
# A long mutation run over value files, --set flags and templates (tests/robustness.rs):
# every input must render or give an error, never panic. Seeds vary per run unless given.
# Usage: scripts/fuzz.sh [rounds] [seed]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-50000}
seed=${2:-$(date +%s)}
echo "rounds per target: $rounds, seed: $seed (rerun with: scripts/fuzz.sh $rounds $seed)"
TACK_FUZZ_ROUNDS=$rounds TACK_FUZZ_SEED=$seed cargo test --release --test robustness -- --nocapture
