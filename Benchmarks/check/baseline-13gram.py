#!/usr/bin/env python3
"""The brute-force baseline a user would write instead of `contam check`: lm-evaluation-harness style
13-gram decontamination (lowercase, ASCII punctuation deleted, whitespace split), building the set of
all 13-grams of the corpus (hashed, to fit in memory) and testing every item. Prints build time, test
time, and dirty count. Usage: baseline-13gram.py CORPUS.jsonl[.zst] ITEMS.jsonl"""
import json, string, subprocess, sys, time
corpus, items_path = sys.argv[1], sys.argv[2]
table = str.maketrans(string.ascii_uppercase, string.ascii_lowercase, string.punctuation)
def ngrams(text, n=13):
    words = text.translate(table).split()
    return (hash(tuple(words[i:i + n])) for i in range(len(words) - n + 1))
start = time.perf_counter()
raw = subprocess.run(["zstd", "-dc", corpus], capture_output=True, check=True).stdout if corpus.endswith(".zst") else open(corpus, "rb").read()
seen = set()
for line in raw.splitlines():
    if line.strip():
        seen.update(ngrams(json.loads(line)["text"]))
built = time.perf_counter()
items = [json.loads(line)["text"] for line in open(items_path) if line.strip()]
dirty = sum(1 for text in items if any(g in seen for g in ngrams(text)))
done = time.perf_counter()
print(f"13-grams: {len(seen)}; build {built - start:.1f} s; test {len(items)} items in {done - built:.3f} s; dirty {dirty}; total {done - start:.1f} s")
