#!/usr/bin/env python3
"""Issue 4 benchmark: `contam check` with the n-gram sketch first pass against `--no-first-pass`.

  Benchmarks/first-pass-bench.py [--size small|large] [--data DIR] [--index PATH] [--items PATH] [--count N]
                                 [--method NAMES] [--repeat R]

Uses the benchmark corpus DATA/bench-SIZE.jsonl.zst (DATA: --data, else $CONTAM_BENCH_DIR, else /tmp/contam-bench;
made by make-bench-corpus.sh when missing), indexes it into --index (default /tmp/firstpass-bench-SIZE.idx) when
that does not exist, takes the items from --items, else DATA/items-N.jsonl, else generates them into /tmp with
Benchmarks/check/make-items.py (a third copied, a third edited, a third word salad, ~256 tokens each). Then runs
`contam check INDEX ITEMS --method METHOD` (default lmeval13) with and without `--no-first-pass`: one untimed
warm-up each, then the best of R timed runs (table output to /dev/null), plus one `--json` run each to check
that every verdict agrees. Prints items/s of both, the speed-up and how many items the first pass cleared.
"""
import argparse, json, os, re, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def timed(cmd, repeat):
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)  # warm the page cache
    best, out = None, ""
    for _ in range(repeat):
        t = time.perf_counter()
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        elapsed = time.perf_counter() - t
        if r.returncode not in (0, 1):
            sys.exit(f"{' '.join(cmd)} failed with exit code {r.returncode}")
        if best is None or elapsed < best:
            best, out = elapsed, r.stdout
    return best, out


def verdicts(cmd):
    r = subprocess.run(cmd + ["--json"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    return [(o["id"], o["methods"], "first_pass" in o) for o in map(json.loads, r.stdout.splitlines())]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", default="small", choices=["small", "large"])
    ap.add_argument("--data", default=os.environ.get("CONTAM_BENCH_DIR", "/tmp/contam-bench"))
    ap.add_argument("--index")
    ap.add_argument("--items")
    ap.add_argument("--count", type=int, default=2000)
    ap.add_argument("--method", default="lmeval13")
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    corpus = os.path.join(a.data, f"bench-{a.size}.jsonl.zst")
    if not os.path.exists(corpus):
        os.makedirs(a.data, exist_ok=True)
        subprocess.run(["bash", os.path.join(ROOT, "..", "shared", "corpora", "make-bench-corpus.sh"), a.data, a.size], check=True)
    subprocess.run(["swift", "build", "-c", "release", "--product", "contam"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    binpath = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip()
    contam = os.path.join(binpath, "contam")
    index = a.index or f"/tmp/firstpass-bench-{a.size}.idx"
    if not os.path.exists(index):
        subprocess.run([contam, "index", corpus, "-o", index, "--quiet"], check=True)
    items = a.items or os.path.join(a.data, f"items-{a.count}.jsonl")
    if not os.path.exists(items):
        items = f"/tmp/firstpass-items-{a.count}.jsonl"
        if not os.path.exists(items):
            subprocess.run([sys.executable, os.path.join(ROOT, "Benchmarks", "check", "make-items.py"), corpus, str(a.count), items], check=True)
    with open(items) as f:
        n = sum(1 for line in f if line.strip())

    base = [contam, "check", index, items, "--method", a.method, "--quiet"]
    fast_s, fast_out = timed(base, a.repeat)
    full_s, _ = timed(base + ["--no-first-pass"], a.repeat)
    m = re.search(r"first pass: the (\d+)-gram sketch cleared (\d+|none) of (\d+) items", fast_out)
    fp = re.search(r"(\d+) sketch hits? among them", fast_out)
    sketch_n = m.group(1) if m else "-"
    cleared = 0 if not m or m.group(2) == "none" else int(m.group(2))
    false_positives = int(fp.group(1)) if fp else 0
    fast_v, full_v = verdicts(base), verdicts(base + ["--no-first-pass"])
    agree = [(i, v) for i, v, _ in fast_v] == [(i, v) for i, v, _ in full_v]

    print(f"## contam check first pass: {n} items against bench-{a.size}, --method {a.method}\n")
    print(f"command: `Benchmarks/first-pass-bench.py --size {a.size} --index {index} --items {items} --method {a.method}` "
          f"on {os.cpu_count()} cores, best of {a.repeat}, {time.strftime('%Y-%m-%d')}\n")
    print("| mode | wall time | items/s |")
    print("|---|---|---|")
    print(f"| first pass ({sketch_n}-gram sketch, default) | {fast_s:.2f} s | {n / fast_s:.0f} |")
    print(f"| --no-first-pass | {full_s:.2f} s | {n / full_s:.0f} |")
    print(f"\nspeed-up {full_s / fast_s:.2f}x; cleared {cleared} of {n} items ({100 * cleared / n:.1f}%), "
          f"{false_positives} sketch false positives among them ruled out by the suffix array; "
          f"verdicts {'identical' if agree else 'DIFFER'} in both modes")
    if not agree:
        sys.exit(1)


if __name__ == "__main__":
    main()
