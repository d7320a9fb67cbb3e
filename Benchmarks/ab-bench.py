#!/usr/bin/env python3
"""Before/after benchmark of a change that must keep performance: two builds of contam, run in turn (A B A B ...).

  Benchmarks/ab-bench.py OLD_CHECKOUT [--new NEW_CHECKOUT] [--data DIR] [--size small|large] [--repeat K] [--items N] [--no-build]

OLD_CHECKOUT and NEW_CHECKOUT (default: this repository) are contam checkouts (e.g. `git worktree add /tmp/old
COMMIT`); each is built with `swift build -c release` unless --no-build. Workloads on the benchmark corpus
DATA/bench-SIZE.jsonl.zst (built by ../shared/corpora/make-bench-corpus.sh when missing):
  index:        `contam index CORPUS -o OUT` (full: tokenize, SA-IS, zstd store, sketch), into a fresh OUT each run
  sketch-only:  `contam index CORPUS -o OUT --sketch-only`
  check:        `contam check INDEX ITEMS --method all` (N items of ~256 tokens, Benchmarks/check/make-items.py)
  first pass:   `contam check INDEX ITEMS --method lmeval13` (the sketch first pass clears most items)
  query:        `contam query INDEX count PHRASE` as a process (opening the index, then one count), and `contam stats`
  count:        `contam-bench count INDEX` median latency of 1-, 5- and 20-token phrases (in-process, warm)
Both builds query the index built by the new one (the format is unchanged). Each workload runs K times per build,
alternating; the table gives medians, peak RSS (wait4) and the new/old ratio of the medians. Output is compared
too: the check reports and the index files must be byte-identical between the two builds.
"""
import argparse, filecmp, json, os, resource, shutil, statistics, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def binaries(checkout, build):
    if build:
        subprocess.run(["swift", "build", "-c", "release"], cwd=checkout, check=True, stdout=subprocess.DEVNULL)
    path = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=checkout, check=True,
                          capture_output=True, text=True).stdout.strip()
    return os.path.join(path, "contam"), os.path.join(path, "contam-bench")


def timed(cmd, out=None):
    """Wall seconds and peak RSS (bytes) of one run of `cmd`; stdout to `out` (a path) or discarded."""
    sink = open(out, "w") if out else subprocess.DEVNULL
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=sink, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    if out:
        sink.close()
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        sys.exit(f"ab-bench: {' '.join(cmd)} exited {os.waitstatus_to_exitcode(status)}")
    return wall, usage.ru_maxrss * 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("old")
    ap.add_argument("--new", default=ROOT)
    ap.add_argument("--data", default=os.environ.get("CONTAM_BENCH_DIR", "/tmp/contam-bench"))
    ap.add_argument("--size", default="small", choices=["small", "large"])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--items", type=int, default=1000)
    ap.add_argument("--no-build", action="store_true")
    a = ap.parse_args()
    corpus = os.path.join(a.data, f"bench-{a.size}.jsonl.zst")
    if not os.path.exists(corpus):
        subprocess.run(["bash", os.path.join(ROOT, "..", "shared", "corpora", "make-bench-corpus.sh"), a.data, a.size], check=True)
    old, old_bench = binaries(os.path.abspath(a.old), not a.no_build)
    new, new_bench = binaries(os.path.abspath(a.new), not a.no_build)
    work = os.path.join(a.data, "ab")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    items = os.path.join(a.data, f"items-{a.items}.jsonl")
    if not os.path.exists(items):
        subprocess.run([sys.executable, os.path.join(ROOT, "Benchmarks", "check", "make-items.py"), corpus, str(a.items), items], check=True)
    index = os.path.join(work, "index")
    subprocess.run([new, "index", corpus, "-o", index, "--quiet"], check=True)

    workloads = [
        ("index (full)", lambda b, k: [b, "index", corpus, "-o", os.path.join(work, f"full-{k}"), "--quiet"], None),
        ("index --sketch-only", lambda b, k: [b, "index", corpus, "-o", os.path.join(work, f"sketch-{k}"), "--sketch-only", "--quiet"], None),
        ("check --method all", lambda b, k: [b, "check", index, items, "--method", "all", "--quiet"], "check-all"),
        ("check --method lmeval13 (first pass)", lambda b, k: [b, "check", index, items, "--method", "lmeval13", "--quiet"], "check-lmeval13"),
        # One process per query: opening the index (manifest, headers, the checks on open) dominates.
        ("query count (a process: open + one count)", lambda b, k: [b, "query", index, "count", "the kernel"], "query-count"),
        ("stats --fpr-probes 0", lambda b, k: [b, "stats", index, "--fpr-probes", "0"], None),
    ]
    rows = []
    same = []
    for name, command, report in workloads:
        figures = {"old": [], "new": []}
        for k in range(a.repeat):
            for label, binary in (("old", old), ("new", new)):
                out = os.path.join(work, f"{report}-{label}.txt") if report else None
                figures[label].append(timed(command(binary, f"{label}-{k}"), out))
                # The first build of each kind is kept to compare the two builds' files; later ones go.
                if k > 0:
                    for kind in ("full", "sketch"):
                        shutil.rmtree(os.path.join(work, f"{kind}-{label}-{k}"), ignore_errors=True)
        if report:
            same.append((name, filecmp.cmp(os.path.join(work, f"{report}-old.txt"), os.path.join(work, f"{report}-new.txt"), shallow=False)))
        rows.append((name, figures))
    # The two builds' indexes, file by file (the manifest records times and the command, so it is left out).
    for kind in ("full", "sketch"):
        old_dir, new_dir = os.path.join(work, f"{kind}-old-0"), os.path.join(work, f"{kind}-new-0")
        files = sorted(os.path.relpath(os.path.join(d, f), old_dir) for d, _, fs in os.walk(old_dir) for f in fs if f != "manifest.json")
        identical = bool(files) and all(filecmp.cmp(os.path.join(old_dir, f), os.path.join(new_dir, f), shallow=False) for f in files)
        same.append((f"index {kind}: {len(files)} files", identical))
    count = {}
    for label, bench in (("old", old_bench), ("new", new_bench)):
        runs = []
        for _ in range(a.repeat):
            out = subprocess.run([bench, "count", index, "--queries", "2000"], capture_output=True, text=True, check=True).stdout
            runs.append({json.loads(l)["tokens"]: json.loads(l)["median_us"] for l in out.splitlines() if l.startswith("{")})
        count[label] = {n: statistics.median(r[n] for r in runs) for n in runs[0]}

    print(f"## Before/after: {a.old} (old) vs {a.new} (new), bench-{a.size}, {a.repeat} runs each, alternating\n")
    print(f"command: `Benchmarks/ab-bench.py {a.old} --size {a.size} --repeat {a.repeat} --items {a.items}` on {os.cpu_count()} cores, {time.strftime('%Y-%m-%d')}\n")
    print("| workload | old: median wall (min-max) | new: median wall (min-max) | new / old | old peak RSS | new peak RSS |")
    print("|---|---|---|---|---|---|")
    for name, figures in rows:
        o = [w for w, _ in figures["old"]]
        n = [w for w, _ in figures["new"]]
        orss = max(r for _, r in figures["old"]) / 1e6
        nrss = max(r for _, r in figures["new"]) / 1e6
        print(f"| {name} | {statistics.median(o):.2f} s ({min(o):.2f}-{max(o):.2f}) | {statistics.median(n):.2f} s ({min(n):.2f}-{max(n):.2f}) | "
              f"{statistics.median(n) / statistics.median(o):.3f} | {orss:.0f} MB | {nrss:.0f} MB |")
    for length in sorted(count["old"]):
        o, n = count["old"][length], count["new"][length]
        print(f"| count, {length}-token phrases (median of medians) | {o:.1f} us | {n:.1f} us | {n / o:.3f} | | |")
    print()
    for name, identical in same:
        print(f"- {name}: {'byte-identical' if identical else 'DIFFERS'} between the two builds")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
