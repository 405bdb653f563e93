#!/usr/bin/env bash
# Whole-process benchmarks of the release binary, for the figures in DESIGN.md section 8:
#   1. `tack render` of the example chart, cold process, validation on: median wall time
#      over many runs, and peak memory (max RSS);
#   2. 1,000 releases rendered and validated in one run (`tack render -r`);
#   3. `tack validate` of a 20,000-document stream of Deployments.
# In-process figures (per-document costs) come from `cargo bench`.
# Usage: scripts/bench.sh [runs]   (default 200 runs for the median)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-200}

cargo build --release --quiet
tack=target/release/tack
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

median_ms() { # command... -> median wall milliseconds over $runs runs
  python3 - "$runs" "$@" <<'PY'
import subprocess, sys, time, statistics
runs = int(sys.argv[1]); cmd = sys.argv[2:]
times = []
for _ in range(runs):
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    times.append((time.perf_counter() - t) * 1000)
print(f"median {statistics.median(times):.2f} ms  (p10 {sorted(times)[len(times)//10]:.2f}, p90 {sorted(times)[len(times)*9//10]:.2f}, {runs} runs)")
PY
}

peak_kb() { /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -1; }

echo "== process start alone (tack --version), for reference"
echo "  $(median_ms $tack --version)"
echo "== render of the example chart (whole process, validation on)"
for file in values/canary.yaml values/blue-green.yaml; do
  echo "  $file: $(median_ms $tack render charts/model-serving -f $file)"
  echo "  $file: peak memory $(peak_kb $tack render charts/model-serving -f $file) KB"
done
echo "  (python's process spawn adds about 0.5 ms to each figure: compare with tack --version)"
echo "== render of the template chart (mnist-pipeline: schemas compiled for its 4 template kinds)"
echo "  $(median_ms $tack render charts/mnist-pipeline -f values/mnist-pipeline/prod.yaml)"
echo "  peak memory $(peak_kb $tack render charts/mnist-pipeline -f values/mnist-pipeline/prod.yaml) KB"

echo "== 1,000 releases in one run"
releases_file=.bench-releases.yaml   # in the repository: releases files may only name files below them
trap 'rm -rf "$work" "$releases_file"' EXIT
python3 - "$releases_file" "." <<'PY'
import sys
path, root = sys.argv[1], sys.argv[2]
files = ["rolling-update", "recreate", "blue-green", "canary", "canary-ingress", "routing"]
with open(path, "w") as out:
    out.write("releases:\n")
    for i in range(1000):
        if i % 7 == 6:
            out.write(f"  - {{name: pipeline-{i}, namespace: ns-{i}, chart: charts/mnist-pipeline, values: [values/mnist-pipeline/prod.yaml]}}\n")
        else:
            f = files[i % len(files)]
            out.write(f"  - {{name: app-{i}, namespace: ns-{i}, chart: charts/model-serving, values: [values/{f}.yaml]}}\n")
PY
runs_saved=$runs; runs=5
echo "  $(median_ms $tack render -r "$releases_file")"
echo "  peak memory $(peak_kb $tack render -r "$releases_file") KB"
runs=$runs_saved

echo "== validate a stream of 20,000 Deployment documents"
$tack render charts/model-serving -f values/rolling-update.yaml --format yaml \
  | python3 -c "
import sys
text = sys.stdin.read()
docs = [d for d in text.split('---\n') if 'kind: Deployment' in d]
doc = docs[0]
out = []
for i in range(20000):
    out.append('---\n' + doc.replace('  name: mnist\n', '  name: mnist-%d\n' % i, 1))
sys.stdout.write(''.join(out))" > "$work/deployments.yaml"
if $tack validate --help >/dev/null 2>&1; then
  runs_saved=$runs; runs=5
  echo "  $(median_ms $tack validate "$work/deployments.yaml")"
  echo "  peak memory $(peak_kb $tack validate "$work/deployments.yaml") KB"
  runs=$runs_saved
else
  echo "  (this build has no tack validate)"
fi
