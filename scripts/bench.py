#!/usr/bin/env python3
"""Whole-process benchmarks of the release binary: prints the table of the README's
"Performance" section (markdown), one row per measurement.

Run through scripts/bench.sh, which builds the binary first. Every figure is a median of
several runs of a fresh process (spawn included, as for the floors `/bin/true` and
`tack --version`); memory is the peak resident set of one run. "1 core" runs pin the
process to CPU 0 (`taskset -c 0`); "2 cores" leave it free. `helm template` and
`kubeconform` columns are filled when those programs are found (`$HELM`, `$KUBECONFORM` or
on `PATH`); rows for the static build are added when scripts/static-build.sh has built it
(or `$TACK_STATIC` names one).

Usage: scripts/bench.py TACK [--quick]
"""

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

TACK = os.path.abspath(sys.argv[1])
QUICK = "--quick" in sys.argv
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
os.chdir(ROOT)
HELM = os.environ.get("HELM") or shutil.which("helm")
KUBECONFORM = os.environ.get("KUBECONFORM") or shutil.which("kubeconform")
TASKSET = shutil.which("taskset")
DEVNULL = os.open(os.devnull, os.O_WRONLY)


def run_once(cmd):
    """Seconds of one run of `cmd` with output discarded; fails loudly on a non-zero exit."""
    start = time.perf_counter()
    pid = os.posix_spawn(cmd[0], cmd, os.environ, file_actions=[
        (os.POSIX_SPAWN_DUP2, DEVNULL, 1), (os.POSIX_SPAWN_DUP2, DEVNULL, 2)])
    _, status = os.waitpid(pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0,):
        raise SystemExit(f"failed ({os.waitstatus_to_exitcode(status)}): {' '.join(cmd)}")
    return elapsed


def median_ms(cmd, runs):
    run_once(cmd)  # page cache and CPU frequency
    return statistics.median(run_once(cmd) for _ in range(runs)) * 1000


def peak_mb(cmd):
    out = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True, check=True)
    return int(out.stderr.strip().splitlines()[-1]) / 1024


def one_core(cmd):
    return [TASKSET, "-c", "0", *cmd] if TASKSET else cmd


def fmt_ms(ms):
    if ms >= 1000:
        return f"{ms / 1000:.2f} s"
    return f"{ms:.2f} ms" if ms < 100 else f"{ms:.0f} ms"


ROWS = []


def row(what, tack, peer="", target=""):
    ROWS.append((what, tack, peer, target))
    print(f"  {what}: {tack}  {peer}", file=sys.stderr, flush=True)


def render_text(args):
    return subprocess.run([TACK, "render", *args], check=True, capture_output=True,
                          text=True).stdout


def write_releases(path, count):
    files = ["rolling-update", "recreate", "blue-green", "canary", "canary-ingress", "routing"]
    with open(path, "w") as out:
        out.write("releases:\n")
        for i in range(count):
            if i % 7 == 6:
                out.write(f"  - {{name: pipeline-{i}, namespace: ns-{i}, chart: charts/mnist-pipeline, "
                          "values: [values/mnist-pipeline/prod.yaml]}\n")
            else:
                out.write(f"  - {{name: app-{i}, namespace: ns-{i}, chart: charts/model-serving, "
                          f"values: [values/{files[i % len(files)]}.yaml]}}\n")


def documents(text):
    return [d for d in text.split("---\n") if d.strip()]


def write_deployments(path, count):
    deployment = next(d for d in documents(render_text(
        ["charts/model-serving", "-f", "values/rolling-update.yaml"])) if "kind: Deployment" in d)
    with open(path, "w") as out:
        for i in range(count):
            out.write("---\n" + deployment.replace("  name: mnist\n", f"  name: mnist-{i}\n", 1))


def write_mix(path, count):
    """Apps of the two bundled charts, each copy in its own namespaces: Deployments, Services,
    Ingresses, a Secret, a ConfigMap, a claim, a Job, a CronJob, a PodDisruptionBudget."""
    app = documents(render_text(["charts/model-serving", "-f", "values/canary-ingress.yaml",
                                 "-n", "bench-ns"]))
    app += documents(render_text(["charts/mnist-pipeline", "-f", "values/mnist-pipeline/prod.yaml",
                                  "-n", "bench-ns-ml"]))
    written = 0
    with open(path, "w") as out:
        copy = 0
        while written < count:
            for doc in app[: count - written]:
                out.write("---\n" + doc.replace("bench-ns", f"ns-{copy}"))
                written += 1
            copy += 1


def main():
    runs = 20 if QUICK else 200
    big_runs = 3 if QUICK else 5
    work = tempfile.mkdtemp(prefix="tack-bench-")
    print(f"tack: {TACK}\nhelm: {HELM or 'not found'}\nkubeconform: {KUBECONFORM or 'not found'}",
          file=sys.stderr)
    try:
        row("`/bin/true` (floor)", fmt_ms(median_ms(["/bin/true"], runs)))
        row("`tack --version` (floor)", fmt_ms(median_ms([TACK, "--version"], runs)))
        static = os.environ.get("TACK_STATIC", "target/x86_64-unknown-linux-gnu/release/tack")
        if os.path.exists(static):  # built by scripts/static-build.sh
            static = os.path.abspath(static)
            row("static build: `tack --version`", fmt_ms(median_ms([static, "--version"], runs)))
            cmd = [static, "render", "charts/model-serving", "-f", "values/canary.yaml"]
            row("static build: render model-serving -f canary",
                f"{fmt_ms(median_ms(cmd, runs))}, {peak_mb(cmd):.1f} MB", "", "under 1.6 ms, under 8 MB")
        helm_chart = "tests/fixtures/helm-create/fraud-detector"
        for label, args, target in [
            ("render model-serving -f canary", ["charts/model-serving", "-f", "values/canary.yaml"],
             "under 1.6 ms, under 8 MB"),
            ("render mnist-pipeline (templates)",
             ["charts/mnist-pipeline", "-f", "values/mnist-pipeline/prod.yaml"], "under 2.5 ms"),
        ]:
            cmd = [TACK, "render", *args]
            peer = ""
            if HELM:
                helm = [HELM, "template", "x", helm_chart]
                peer = f"helm template (helm create chart): {fmt_ms(median_ms(helm, max(runs // 10, 5)))}, {peak_mb(helm):.0f} MB"
            row(label, f"{fmt_ms(median_ms(cmd, runs))}, {peak_mb(cmd):.1f} MB", peer, target)

        sizes = [10, 100, 1000] if QUICK else [10, 100, 1000, 5000]
        for count in sizes:
            releases = f".bench-releases-{count}.yaml"  # releases files name files below them
            write_releases(releases, count)
            try:
                cmd = [TACK, "render", "-r", releases]
                two = median_ms(cmd, big_runs)
                one = median_ms(one_core(cmd), big_runs)
                peer = ""
                if HELM and count == 100:
                    helm = [HELM, "template", "x", helm_chart]
                    peer = f"100 helm template processes: {fmt_ms(100 * median_ms(helm, 5))}"
                row(f"render -r, {count:,} releases",
                    f"2 cores {fmt_ms(two)} ({two * 1000 / count:.0f} µs/release), "
                    f"1 core {fmt_ms(one)} (x{one / two:.2f}), {peak_mb(cmd):.0f} MB", peer,
                    "under 1 s, under 64 MB; 2 cores at least 1.8x one" if count == 5000 else "")
            finally:
                os.remove(releases)

        sizes = [1000, 20000] if QUICK else [1000, 20000, 100000]
        for mix, writer in [("Deployments", write_deployments), ("mix", write_mix)]:
            for count in sizes:
                stream = os.path.join(work, f"{mix}-{count}.yaml")
                writer(stream, count)
                cmd = [TACK, "validate", "--checks", "all,practices", stream]
                two = median_ms(cmd, big_runs)
                one = median_ms(one_core(cmd), big_runs)
                schema = median_ms(one_core([TACK, "validate", "--checks", "schema", stream]), big_runs)
                peer = ""
                if KUBECONFORM:
                    kc = [KUBECONFORM, "-n", "1", "-summary", stream]
                    kc_ms = median_ms(kc, 1)
                    peer = f"kubeconform -n 1: {fmt_ms(kc_ms)} ({count / kc_ms * 1000:,.0f}/s); tack is x{kc_ms / schema:.1f} per core"
                row(f"validate {count:,} {mix}, every check",
                    f"2 cores {fmt_ms(two)} ({two * 1000 / count:.1f} µs/doc), 1 core {fmt_ms(one)}, "
                    f"schema only 1 core {count / schema * 1000:,.0f}/s, {peak_mb(cmd):.0f} MB", peer,
                    ("under 3 s, under 64 MB" if mix == "Deployments" else "under 4 s, under 64 MB")
                    if count == 100000 else "")
                os.remove(stream)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"| what | tack ({time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores) | peer | target |")
    print("|---|---|---|---|")
    for what, tack, peer, target in ROWS:
        print(f"| {what} | {tack} | {peer} | {target} |")


if __name__ == "__main__":
    main()
