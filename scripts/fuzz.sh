#!/usr/bin/env bash
# Coverage-guided fuzzing of every tack entry point that reads untrusted input, with
# cargo-fuzz (libFuzzer): value files and merging, --set flags, Chart.yaml, releases files,
# tack validate, CRDs' CEL rules, and templates. Each target runs for SECONDS (default 600) with a memory cap
# and a per-input time limit, so crashes, hangs and blow-ups in memory are all findings. No
# sanitizer: tack forbids unsafe code, so speed (more inputs) is worth more than ASan.
#
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]      (targets: see fuzz/Cargo.toml)
#
# cargo-fuzz needs nightly compiler features: it uses the `nightly` toolchain when rustup has
# one, and otherwise the stable toolchain with RUSTC_BOOTSTRAP=1. Install it with
# `cargo install cargo-fuzz`. Findings land in fuzz/artifacts/<target>/; minimise one with
# `cargo fuzz tmin <target> <file>` and keep it in fuzz/regressions/<target>/, where
# `cargo test --test fuzz_regressions` runs it for good.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(values set chart_yaml releases validate crd template)
fi

if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  fuzz=(cargo +nightly fuzz)
else
  export RUSTC_BOOTSTRAP=1
  fuzz=(cargo fuzz)
fi

# Seed corpora: the kept findings, and the repository's own inputs of each kind.
seed() { # target files...
  local dir="fuzz/corpus/$1"; shift
  mkdir -p "$dir"
  for file in "$@"; do [ -f "$file" ] && cp "$file" "$dir/seed-$(echo "$file" | tr '/' '_')"; done
  cp fuzz/regressions/"$(basename "$dir")"/* "$dir/" 2>/dev/null || true
}
seed values charts/*/values.yaml values/*.yaml values/*/*.yaml tests/cases/*/*.yaml
seed set
seed chart_yaml charts/*/Chart.yaml tests/cases/*/chart/Chart.yaml
seed releases tack.yaml tests/cases/*/tack.yaml
seed validate tests/fixtures/validate/*.yaml tests/golden/*/*.yaml
seed template charts/*/templates/*.yaml
seed crd
# The CEL seeds (fuzz/regressions/crd/seed-*: a rule, then a spec) as whole manifests for
# `validate` too: the CRD with the rule, then a Widget with the spec.
seed validate tests/cases/validate-cel-bad-rules/*.yaml tests/cases/validate-crd-*/*.yaml \
  tests/fixtures/crds/*.yaml
for file in fuzz/regressions/crd/seed-*; do
  rule=$(head -n 1 "$file" | sed "s/'/''/g")
  {
    printf 'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n'
    printf 'metadata: {name: widgets.acme.io}\nspec:\n  group: acme.io\n  scope: Namespaced\n'
    printf '  names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}\n'
    printf '  versions:\n    - name: v1\n      served: true\n      storage: true\n'
    printf '      schema:\n        openAPIV3Schema:\n          type: object\n          properties:\n'
    printf '            spec:\n              type: object\n'
    printf '              x-kubernetes-preserve-unknown-fields: true\n'
    printf "              x-kubernetes-validations: [{rule: '%s'}]\n" "$rule"
    printf -- '---\napiVersion: acme.io/v1\nkind: Widget\nmetadata: {name: w}\nspec:\n'
    tail -n +2 "$file" | sed 's/^/  /'
  } > "fuzz/corpus/validate/seed-crd-$(basename "$file")"
done
for flag in 'replicas=3' 'image.tag=1.10,args={a,b}' 'secrets.key.value=x\,y' 'extra.a[0].b=c'; do
  printf '\0%s' "$flag" > "fuzz/corpus/set/seed-$(echo "$flag" | md5sum | cut -c1-8)"
done

status=0
for target in "${targets[@]}"; do
  echo "=== $target: ${seconds}s"
  if ! "${fuzz[@]}" run --sanitizer none "$target" "fuzz/corpus/$target" -- \
      -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len=65536 \
      -print_final_stats=1 2>&1 | tail -n 25; then
    echo "!!! $target found a problem: see fuzz/artifacts/$target/"
    status=1
  fi
done
exit $status
