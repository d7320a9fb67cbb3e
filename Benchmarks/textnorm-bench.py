#!/usr/bin/env python3
"""Tokenizer normalizations, before and after: `contam index` wall time on the benchmark corpus.

  Benchmarks/textnorm-bench.py OLD_CONTAM NEW_CONTAM [--data DIR] [--size small|large] [--repeat K]

OLD_CONTAM and NEW_CONTAM are release builds of contam (before and after typographic folding and
`--normalize lmeval`). Workloads, run in turn K times each (A B C D A B C D ...), on DATA/bench-SIZE.jsonl.zst
(built by ../shared/corpora/make-bench-corpus.sh when missing): the old build's default index, the new build's
default (typography folded), the new build with --no-fold-typography, and the new build with --normalize lmeval.
The table gives median wall time (min-max), median CPU time (user + system: less sensitive than wall time to
other load on a shared machine), peak RSS and the ratios to the old build's medians.
"""
import argparse, os, statistics, subprocess, sys, time, shutil

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def timed(cmd):
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"textnorm-bench: {' '.join(cmd)} exited {os.waitstatus_to_exitcode(status)}")
    return wall, usage.ru_maxrss * 1024, usage.ru_utime + usage.ru_stime


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--data", default=os.environ.get("CONTAM_BENCH_DIR", "/tmp/contam-bench"))
    ap.add_argument("--size", default="small", choices=["small", "large"])
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args()
    corpus = os.path.join(a.data, f"bench-{a.size}.jsonl.zst")
    if not os.path.exists(corpus):
        subprocess.run(["bash", os.path.join(ROOT, "..", "shared", "corpora", "make-bench-corpus.sh"), a.data, a.size], check=True)
    out = os.path.join(a.data, "textnorm-bench.idx")
    workloads = [
        ("old build, default", [a.old, "index", corpus]),
        ("new build, default (typography folded)", [a.new, "index", corpus]),
        ("new build, --no-fold-typography", [a.new, "index", corpus, "--no-fold-typography"]),
        ("new build, --normalize lmeval", [a.new, "index", corpus, "--normalize", "lmeval"]),
    ]
    runs = {name: [] for name, _ in workloads}
    for _ in range(a.repeat):
        for name, cmd in workloads:
            shutil.rmtree(out, ignore_errors=True)
            runs[name].append(timed(cmd + ["-o", out, "-q"]))
    shutil.rmtree(out, ignore_errors=True)
    base = statistics.median(w for w, _, _ in runs[workloads[0][0]])
    base_cpu = statistics.median(c for _, _, c in runs[workloads[0][0]])
    print(f"command: Benchmarks/textnorm-bench.py OLD NEW --size {a.size} --repeat {a.repeat} on {os.cpu_count()} cores, {time.strftime('%Y-%m-%d')}")
    print()
    print("| workload | median wall (min-max) | wall / old | median CPU (min-max) | CPU / old | peak RSS |")
    print("|---|---|---|---|---|---|")
    for name, _ in workloads:
        walls = [w for w, _, _ in runs[name]]
        cpus = [c for _, _, c in runs[name]]
        median, cpu = statistics.median(walls), statistics.median(cpus)
        rss = max(r for _, r, _ in runs[name])
        print(f"| {name} | {median:.2f} s ({min(walls):.2f}-{max(walls):.2f}) | {median / base:.3f} | {cpu:.2f} s ({min(cpus):.2f}-{max(cpus):.2f}) | {cpu / base_cpu:.3f} | {rss / 1e6:.0f} MB |")


if __name__ == "__main__":
    main()
