#!/usr/bin/env python3
"""Issue 2 benchmark: contam index build and count latency against named baselines, in one run.

  Benchmarks/index-bench.py [--size small|large] [--data DIR] [--queries N]

Builds the real benchmark corpus if it is missing (../shared/corpora/make-bench-corpus.sh: Linux and Python
sources from Debian packages), builds contam in release mode, then, in this one run:
  build:   `contam index bench-SIZE.jsonl.zst` (read .jsonl.zst + tokenize + SA-IS + store + write)
           vs pydivsufsort (libdivsufsort) building a byte-level suffix array of bench-SIZE.bin (file read included)
  memory:  peak RSS of contam index vs the corpus size; index size on disk vs the corpus size
  queries: median / p99 latency of in-process `count` (contam-bench, warm) for 1-, 5- and 20-token phrases
           sampled from the corpus, vs `grep -F -c` on the raw file for a sample of the same phrases
Prints a Markdown table with ratios (the machines are noisy: compare within one run).
"""
import argparse, json, os, resource, shutil, statistics, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)

def peak_rss_of(cmd):
    """Wall time, peak RSS (bytes) and stdout of cmd; wait4 gives the RSS of that child alone."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t
    out = proc.stdout.read()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(cmd)}")
    return seconds, usage.ru_maxrss * 1024, out

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", default="small", choices=["small", "large"])
    ap.add_argument("--data", default=os.environ.get("CONTAM_BENCH_DIR", "/tmp/contam-bench"))
    ap.add_argument("--queries", type=int, default=5000)
    ap.add_argument("--grep-phrases", type=int, default=10)
    a = ap.parse_args()
    os.makedirs(a.data, exist_ok=True)
    base = os.path.join(a.data, f"bench-{a.size}")
    if not os.path.exists(base + ".jsonl.zst"):
        sh(["bash", os.path.join(ROOT, "..", "shared", "corpora", "make-bench-corpus.sh"), a.data, a.size])
    sh([os.path.join(ROOT, "scripts", "setup.sh")])
    venv = os.path.join(a.data, "venv")
    py = os.path.join(venv, "bin", "python")
    if not os.path.exists(py):
        sh([sys.executable, "-m", "venv", venv])
    if subprocess.run([py, "-c", "import pydivsufsort, numpy"], capture_output=True).returncode != 0:
        sh([py, "-m", "pip", "install", "-q", "pydivsufsort", "numpy"])
    sh(["swift", "build", "-c", "release", "--product", "contam"], cwd=ROOT)
    sh(["swift", "build", "-c", "release", "--product", "contam-bench"], cwd=ROOT)
    binpath = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip()
    contam = os.path.join(binpath, "contam")
    bench = os.path.join(binpath, "contam-bench")
    corpus_bytes = os.path.getsize(base + ".bin") - sum(1 for _ in open(base + ".files"))  # minus the 0xFF separators
    index = os.path.join(a.data, f"bench-{a.size}.idx")

    # Build: baseline first, then contam (same corpus text; both read their input file).
    divsuf = ("import numpy as np, pydivsufsort, sys\n"
              "data = np.fromfile(sys.argv[1], dtype=np.uint8)\n"
              "sa = pydivsufsort.divsufsort(data)\n"
              "print(len(sa))\n")
    base_s, base_rss, _ = peak_rss_of([py, "-c", divsuf, base + ".bin"])
    contam_s, contam_rss, out = peak_rss_of([contam, "index", base + ".jsonl.zst", "-o", index, "--force", "--quiet"])
    stats = json.loads(subprocess.run([contam, "stats", index, "--json"], check=True, capture_output=True, text=True).stdout)
    tokens = stats["tokens"]
    index_bytes = stats["indexBytes"]

    # Queries: contam in-process, then grep -F -c on the raw bytes for a sample of the same phrases.
    phrases_file = os.path.join(a.data, "phrases.tsv")
    q = subprocess.run([bench, "count", index, "--queries", str(a.queries), "--phrases-out", phrases_file], check=True, capture_output=True, text=True).stdout
    latencies = [json.loads(line) for line in q.splitlines() if line.strip()]
    by_len = {}
    for line in open(phrases_file, encoding="utf-8"):
        n, phrase = line.rstrip("\n").split("\t", 1)
        by_len.setdefault(int(n), []).append(phrase)
    grep_us = {}
    for n, phrases in by_len.items():
        times = []
        for phrase in phrases[: a.grep_phrases]:
            t = time.perf_counter()
            subprocess.run(["grep", "-F", "-c", "-i", "-e", phrase, base + ".bin"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times.append((time.perf_counter() - t) * 1e6)
        grep_us[n] = statistics.median(times)

    mb = corpus_bytes / 1e6
    print(f"## contam index: bench-{a.size} ({mb:.0f} MB of text, {tokens/1e6:.1f} M tokens)\n")
    print(f"command: `Benchmarks/index-bench.py --size {a.size}` on {os.cpu_count()} cores, {time.strftime('%Y-%m-%d')}\n")
    print("| measure | contam | baseline | ratio (contam / baseline) | target |")
    print("|---|---|---|---|---|")
    print(f"| build time | {contam_s:.2f} s ({mb/contam_s:.1f} MB/s, {tokens/contam_s/1e6:.2f} M tokens/s) | pydivsufsort {base_s:.2f} s ({mb/base_s:.1f} MB/s) | {contam_s/base_s:.2f}x | <= 1.0x |")
    print(f"| peak RSS | {contam_rss/1e6:.0f} MB ({contam_rss/corpus_bytes:.2f}x corpus) | pydivsufsort {base_rss/1e6:.0f} MB | {contam_rss/base_rss:.2f}x | <= 3x corpus |")
    sketch_bytes = sum(f["bytes"] for f in stats["files"] if f["file"] == "sketch.bloom")
    print(f"| index size | {index_bytes/1e6:.0f} MB ({index_bytes/corpus_bytes:.2f}x corpus) | byte-level SA 5x corpus | {index_bytes/(5*corpus_bytes):.2f}x | <= 2x corpus |")
    if sketch_bytes:
        rest = index_bytes - sketch_bytes
        print(f"| index size without the n-gram sketch (`--no-sketch`) | {rest/1e6:.0f} MB ({rest/corpus_bytes:.2f}x corpus) | byte-level SA 5x corpus | {rest/(5*corpus_bytes):.2f}x | <= 2x corpus |")
    for entry in latencies:
        n = entry["tokens"]
        g = grep_us.get(n)
        ratio = f"{entry['median_us']/g:.5f}x" if g else "-"
        print(f"| count, {n}-token phrases | median {entry['median_us']:.1f} us, p99 {entry['p99_us']:.1f} us ({entry['queries']} queries) | grep -F -c {g/1000 if g else 0:.1f} ms | {ratio} | median <= 20 us |")
    print()
    print("files:", ", ".join(f"{f['file']} {f['bytes']/1e6:.1f} MB ({f['bytesPerToken']:.2f} B/token)" for f in stats["files"]))

if __name__ == "__main__":
    main()
