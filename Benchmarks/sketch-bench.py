#!/usr/bin/env python3
"""Issue 4 benchmark: `contam index --sketch-only` against an lm-evaluation-harness style Python 13-gram set, in one run.

  Benchmarks/sketch-bench.py [--corpus /work/bench/bench-small.jsonl.zst] [--out DIR] [--probes N] [--repeat K] [--no-build]

contam:   `contam index CORPUS --sketch-only` (read .jsonl.zst + tokenize + hash 13-grams + Bloom filter at 1 %),
          wall time -> MB/s of document text, peak RSS of that process alone (wait4), filter size, bits per
          n-gram, and the false-positive rate measured by `contam stats --json --fpr-probes N`.
baseline: what lm-evaluation-harness's decontamination does per document: read the JSONL (`zstd -dc` in a
          pipe, as Python has no zstd in its standard library), lowercase, split on whitespace, hash each
          13-gram of words (Python's hash of the joined string) into a Python set. Exact (no false
          positives), but memory grows with the distinct n-grams.
The machine is shared and noisy: compare the two within one run. contam's build runs --repeat times (default 3)
and its median wall time is used (the range is printed); the 20x longer baseline runs once.
"""
import argparse, json, os, shutil, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

BASELINE = r"""
import json, sys
n = 13
grams = set()
occurrences = 0
text_bytes = 0
for line in sys.stdin:
    text = json.loads(line)["text"]
    text_bytes += len(text.encode("utf-8"))
    words = text.lower().split()
    for i in range(len(words) - n + 1):
        grams.add(hash(" ".join(words[i:i + n])))
        occurrences += 1
print(json.dumps({"distinct": len(grams), "occurrences": occurrences, "text_bytes": text_bytes}))
"""

def run_measured(cmd, shell=False):
    """Wall seconds, peak RSS (bytes) of the child (and its children when shell=True) and stdout."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, shell=shell)
    out, _ = proc.communicate()
    seconds = time.perf_counter() - t
    if proc.returncode != 0:
        sys.exit(f"failed: {cmd}")
    return seconds, out

def peak_rss(cmd):
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(cmd)}")
    return seconds, usage.ru_maxrss * 1024, out

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default="/work/bench/bench-small.jsonl.zst")
    ap.add_argument("--out", default="/tmp/contam-sketch-bench")
    ap.add_argument("--probes", type=int, default=100000)
    ap.add_argument("--fpr", type=float, default=0.01)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-build", action="store_true")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    if not a.no_build:
        subprocess.run(["swift", "build", "-c", "release", "--product", "contam"], cwd=ROOT, check=True)
    binpath = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, check=True,
                             capture_output=True, text=True).stdout.strip()
    contam = os.path.join(binpath, "contam")
    index = os.path.join(a.out, "sketch.idx")

    # contam --sketch-only
    def build():
        # A fresh output each time: replacing the previous run's index (--force) would add the deletion of a
        # 200+ MB file to the timed build, which the baseline does not pay either.
        shutil.rmtree(index, ignore_errors=True)
        return peak_rss([contam, "index", a.corpus, "--sketch-only", "--sketch-fpr", str(a.fpr), "-o", index, "--quiet"])
    runs = [build() for _ in range(max(1, a.repeat))]
    times = sorted(r[0] for r in runs)
    c_seconds, c_rss = times[len(times) // 2], max(r[1] for r in runs)
    _, _, stats_out = peak_rss([contam, "stats", index, "--json", "--fpr-probes", str(a.probes)])
    stats = json.loads(stats_out)
    sketch = stats["sketch"]
    text_bytes = stats["textBytes"]

    # Python baseline: zstd -dc | python (the pipe's decompression runs in its own process).
    script = os.path.join(a.out, "lmeval_ngrams.py")
    with open(script, "w") as f:
        f.write(BASELINE)
    t = time.perf_counter()
    zstd = subprocess.Popen(["zstd", "-dc", a.corpus], stdout=subprocess.PIPE)
    py = subprocess.Popen([sys.executable, script], stdin=zstd.stdout, stdout=subprocess.PIPE, text=True)
    zstd.stdout.close()
    py_out = py.stdout.read()
    _, status, usage = os.wait4(py.pid, 0)
    zstd.wait()
    p_seconds = time.perf_counter() - t
    p_rss = usage.ru_maxrss * 1024
    base = json.loads(py_out)

    mb = text_bytes / 1e6
    filter_bytes = sketch["bytes"]
    rows = [
        ("contam index --sketch-only", c_seconds, mb / c_seconds, c_rss, filter_bytes,
         sketch["bitsPerNGram"], sketch["insertedNGrams"], sketch["measuredRandomRate"], sketch["measuredShuffledRate"]),
        ("Python set of hashed 13-grams (lm-eval style)", p_seconds, mb / p_seconds, p_rss, None,
         p_rss * 8 / max(base["occurrences"], 1), base["occurrences"], 0.0, 0.0),
    ]
    print(f"corpus: {a.corpus} ({mb:.1f} MB of document text, {stats['documents']} documents, {stats['tokens']} contam tokens)\n")
    print("| build | seconds | MB/s | peak RSS | filter | bits per n-gram | n-grams | FPR random | FPR shuffled |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, s, rate, rss, fb, bits, grams, fr, fs in rows:
        fbs = f"{fb / 2**20:.1f} MiB" if fb else "-"
        print(f"| {name} | {s:.2f} | {rate:.1f} | {rss / 2**20:.0f} MiB | {fbs} | {bits:.2f} | {grams:,} | {fr:.4f} | {fs:.4f} |")
    print()
    print(f"contam runs: {', '.join(f'{t:.2f}' for t in times)} s (median used)")
    print(f"throughput ratio contam/Python: {(mb / c_seconds) / (mb / p_seconds):.1f}x (target >= 20x; "
          f"{p_seconds / times[-1]:.1f}x-{p_seconds / times[0]:.1f}x over the contam runs)")
    print(f"contam peak RSS - filter size: {(c_rss - filter_bytes) / 2**20:.1f} MiB (target <= 64 MiB)")
    print(f"contam bits per n-gram inserted: {sketch['bitsPerNGram']:.2f} (target <= 10 at 1 %); "
          f"per distinct n-gram (estimated from the fill, ~{sketch['estimatedDistinctNGrams']:,}): "
          f"{filter_bytes * 8 / max(sketch['estimatedDistinctNGrams'], 1):.2f}")
    print(f"target FPR {sketch['targetFalsePositiveRate']}, theoretical from fill {sketch['theoreticalFalsePositiveRate']:.4f}, "
          f"measured {sketch['measuredRandomRate']:.4f} (random) / {sketch['measuredShuffledRate']:.4f} (shuffled) on {a.probes} probes each")
    print(f"Python baseline: {base['occurrences']:,} word 13-grams, {base['distinct']:,} distinct; RSS {p_rss / 2**20:.0f} MiB "
          f"= {p_rss * 8 / max(base['distinct'], 1):.0f} bits per distinct n-gram")

if __name__ == "__main__":
    main()
