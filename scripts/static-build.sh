#!/usr/bin/env bash
# A static tack for the Argo CD sidecar (and any machine): glibc linked statically on the gnu
# target (the musl target is not needed), then checked to need no shared library.
#
#   bash scripts/static-build.sh    -> target/x86_64-unknown-linux-gnu/release/tack
set -euo pipefail
cd "$(dirname "$0")/.."
target=x86_64-unknown-linux-gnu
RUSTFLAGS="-C target-feature=+crt-static -C relocation-model=static" cargo build --release --locked --target "$target"
bash scripts/check-static.sh "target/$target/release/tack"
