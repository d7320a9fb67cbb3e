#!/usr/bin/env python3
"""Issue 3 benchmark: `contam check` throughput against the brute-force baseline, in one run.

  Benchmarks/check-bench.py [--size small|large] [--data DIR] [--items N]

Uses the benchmark corpus and index of Benchmarks/index-bench.py (built here if missing), generates N items of
~256 tokens from the corpus (Benchmarks/check/make-items.py: a third copied, a third edited, a third clean), then:
  contam:   `contam check INDEX items --method all` (warm: one untimed run first), table output to /dev/null
  baseline: Benchmarks/check/baseline-13gram.py, the lm-evaluation-harness-style script a user would otherwise
            write (the corpus's hashed 13-gram set, then every item), build time included in its total.
Prints items/s and the ratios as a Markdown table.
"""
import argparse, os, re, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", default="small", choices=["small", "large"])
    ap.add_argument("--data", default=os.environ.get("CONTAM_BENCH_DIR", "/tmp/contam-bench"))
    ap.add_argument("--items", type=int, default=2000)
    a = ap.parse_args()
    os.makedirs(a.data, exist_ok=True)
    base = os.path.join(a.data, f"bench-{a.size}")
    if not os.path.exists(base + ".jsonl.zst"):
        subprocess.run(["bash", os.path.join(ROOT, "..", "shared", "corpora", "make-bench-corpus.sh"), a.data, a.size], check=True)
    subprocess.run([os.path.join(ROOT, "scripts", "setup.sh")], check=True)
    subprocess.run(["swift", "build", "-c", "release", "--product", "contam"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    binpath = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip()
    contam = os.path.join(binpath, "contam")
    index = os.path.join(a.data, f"bench-{a.size}.idx")
    if not os.path.exists(index):
        subprocess.run([contam, "index", base + ".jsonl.zst", "-o", index, "--quiet"], check=True)
    items = os.path.join(a.data, f"items-{a.items}.jsonl")
    if not os.path.exists(items):
        subprocess.run([sys.executable, os.path.join(ROOT, "Benchmarks", "check", "make-items.py"), base + ".jsonl.zst", str(a.items), items], check=True)

    cmd = [contam, "check", index, items, "--method", "all"]
    subprocess.run(cmd, stdout=subprocess.DEVNULL, check=False)  # warm the page cache
    t = time.perf_counter()
    r = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)
    contam_s = time.perf_counter() - t
    summary = [l for l in r.stdout.splitlines() if l.startswith("  ") and "dirty" in l]

    t = time.perf_counter()
    b = subprocess.run([sys.executable, os.path.join(ROOT, "Benchmarks", "check", "baseline-13gram.py"), base + ".jsonl.zst", items], capture_output=True, text=True, check=True).stdout
    base_s = time.perf_counter() - t
    m = re.search(r"build ([\d.]+) s; test (\d+) items in ([\d.]+) s; dirty (\d+)", b)
    build_s, test_s, dirty = float(m.group(1)), float(m.group(3)), int(m.group(4))

    n = a.items
    print(f"## contam check: {n} items of ~256 tokens against bench-{a.size}\n")
    print(f"command: `Benchmarks/check-bench.py --size {a.size} --items {n}` on {os.cpu_count()} cores, {time.strftime('%Y-%m-%d')}\n")
    print("| measure | contam check (all 7 methods) | baseline (lm-eval 13-gram set, Python) | ratio |")
    print("|---|---|---|---|")
    print(f"| wall time | {contam_s:.2f} s ({n/contam_s:.0f} items/s) | {base_s:.1f} s total ({build_s:.1f} s building the 13-gram set, {test_s:.2f} s testing) | {base_s/contam_s:.1f}x faster |")
    print(f"| items/s excluding the baseline's corpus pass | {n/contam_s:.0f} | {n/max(test_s,1e-9):.0f} | {(n/contam_s)/(n/max(test_s,1e-9)):.2f}x |")
    print(f"| dirty (13-gram) | " + "; ".join(s.strip() for s in summary if "lmeval13" in s) + f" | {dirty} | |")
    print("\ncontam summary:\n```")
    print("\n".join(summary))
    print("```")

if __name__ == "__main__":
    main()
