#!/usr/bin/env bash
# Checks that a tack binary needs no shared library: no program interpreter, no NEEDED
# entries, and it runs in an empty root (a chroot holding only the binary) when this runs as
# root. Used by deploy/argocd/Dockerfile and by `scripts/static-build.sh`.
#
#   bash scripts/check-static.sh target/x86_64-unknown-linux-gnu/release/tack
set -euo pipefail
bin="${1:?usage: check-static.sh BINARY}"
if readelf -l "$bin" | grep -q 'Requesting program interpreter'; then
  echo "check-static: $bin asks for a program interpreter (dynamically linked)" >&2
  exit 1
fi
if readelf -d "$bin" | grep -q '(NEEDED)'; then
  echo "check-static: $bin needs shared libraries:" >&2
  readelf -d "$bin" | grep '(NEEDED)' >&2
  exit 1
fi
if [ "$(id -u)" = 0 ] && command -v chroot >/dev/null; then
  root="$(mktemp -d)"
  trap 'rm -rf "$root"' EXIT
  cp "$bin" "$root/tack"
  version="$(chroot "$root" /tack --version)"
  echo "check-static: runs in an empty root: $version"
else
  echo "check-static: no shared library needed (not root: the empty-root run is skipped)"
fi
