#!/usr/bin/env python3
"""Parquet reading: contam's reader vs pyarrow on the text column of a ~100 MB Parquet file, in one run.

  Benchmarks/parquet-bench.py [--data DIR] [--repeat N] [--python PY]

Writes, from the benchmark corpus (bench-small.jsonl.zst, made by ../shared/corpora/make-bench-corpus.sh when
missing), Parquet files with pyarrow's defaults: `docs` (one row per document, 8 k rows of ~13 KB) and
`paragraphs` (one row per blank-line-separated paragraph, short rows), each with snappy (pyarrow's default) and
zstd, and `docs` uncompressed too (a 105 MB file). Then times, on the warm page cache, the median of N runs of:
  contam:          contam-bench parquet-text FILE --column text   (ParquetFile.forEachString, one Swift String per row)
  pyarrow:         pq.read_table(FILE, columns=['text']) and a Python loop over every string (to_pylist per chunk)
  pyarrow 1 thread: the same with use_threads=False
and contam-bench's peak RSS. Prints a Markdown table.
"""
import argparse, json, os, statistics, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

PYARROW_READ = r"""
import sys, time, pyarrow.parquet as pq
path, threads, repeat = sys.argv[1], sys.argv[2] == "1", int(sys.argv[3])
for _ in range(repeat):
    start = time.perf_counter()
    table = pq.read_table(path, columns=["text"], use_threads=threads)
    rows = 0
    chars = 0
    for chunk in table.column("text").chunks:
        for text in chunk.to_pylist():
            rows += 1
            chars += len(text) if text is not None else 0
    print(rows, time.perf_counter() - start, flush=True)
"""

WRITE = r"""
import json, sys, subprocess, pyarrow as pa, pyarrow.parquet as pq
source, out = sys.argv[1], sys.argv[2]
docs = []
with subprocess.Popen(["zstd", "-dc", source], stdout=subprocess.PIPE) as proc:
    for line in proc.stdout:
        docs.append(json.loads(line)["text"])
paragraphs = [p for d in docs for p in d.split("\n\n") if p.strip()]
for name, rows in [("docs", docs), ("paragraphs", paragraphs)]:
    table = pa.table({"id": pa.array(range(len(rows)), pa.int64()), "text": pa.array(rows, pa.string())})
    for codec in (["snappy", "zstd", "none"] if name == "docs" else ["snappy", "zstd"]):
        pq.write_table(table, f"{out}/{name}-{codec}.parquet", compression=codec)
"""

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.environ.get("CONTAM_BENCH_DIR", "/tmp/contam-bench"))
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--python", default=os.environ.get("CONTAM_TEST_PYTHON", os.path.expanduser("~/.cache/contam-test-python/bin/python")))
    a = ap.parse_args()
    source = os.path.join(a.data, "bench-small.jsonl.zst")
    if not os.path.exists(source):
        subprocess.run(["bash", os.path.join(ROOT, "..", "shared", "corpora", "make-bench-corpus.sh"), a.data, "small"], check=True)
    out = os.path.join(a.data, "parquet")
    os.makedirs(out, exist_ok=True)
    names = ["docs-snappy", "docs-zstd", "docs-none", "paragraphs-snappy", "paragraphs-zstd"]
    if not all(os.path.exists(f"{out}/{n}.parquet") for n in names):
        subprocess.run([a.python, "-c", WRITE, source, out], check=True)
    subprocess.run(["swift", "build", "-c", "release", "--product", "contam-bench"], cwd=ROOT, check=True)
    binpath = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, check=True,
                             capture_output=True, text=True).stdout.strip()
    bench = os.path.join(binpath, "contam-bench")
    print("| file | size | rows | contam (median, min-max) | contam peak RSS | pyarrow, threads | pyarrow, 1 thread | faster pyarrow / contam |")
    print("|---|---|---|---|---|---|---|---|")
    for name in names:
        path = f"{out}/{name}.parquet"
        # Warm the page cache, then time.
        subprocess.run([bench, "parquet-text", path], check=True, capture_output=True)
        proc = subprocess.Popen([bench, "parquet-text", path, "--repeat", str(a.repeat)], stdout=subprocess.PIPE, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"contam-bench failed on {path}")
        runs = [json.loads(line) for line in proc.stdout.read().splitlines()]
        ours = [r["seconds"] for r in runs]
        rows = runs[0]["rows"]
        theirs = {}
        for threads in ["1", "0"]:
            lines = subprocess.run([a.python, "-c", PYARROW_READ, path, threads, str(a.repeat)], check=True,
                                   capture_output=True, text=True).stdout.split("\n")
            results = [line.split() for line in lines if line]
            if any(int(r[0]) != rows for r in results):
                sys.exit(f"row counts differ on {path}: contam {rows}, pyarrow {results[0][0]}")
            theirs[threads] = [float(r[1]) for r in results]
        med = statistics.median
        print(f"| {name} | {os.path.getsize(path) / 1e6:.0f} MB | {rows} | {med(ours):.3f} s ({min(ours):.3f}-{max(ours):.3f}) | "
              f"{usage.ru_maxrss / 1024:.0f} MB | {med(theirs['1']):.3f} s | {med(theirs['0']):.3f} s | {min(med(theirs['1']), med(theirs['0'])) / med(ours):.2f} |")

if __name__ == "__main__":
    main()
