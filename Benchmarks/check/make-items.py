#!/usr/bin/env python3
"""Generates benchmark items for `contam check` from a {"id","text"} JSONL(.zst) corpus: a third copied
verbatim (a window of ~256 tokens of a document), a third edited copies (about 10% of the words
substituted, inserted, deleted or case-changed), a third clean (words drawn at random from the whole
corpus vocabulary, so they share words but not word order). Usage: make-items.py CORPUS N OUT.jsonl"""
import json, random, subprocess, sys
corpus, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rng = random.Random(42)
raw = subprocess.run(["zstd", "-dc", corpus], capture_output=True, check=True).stdout if corpus.endswith(".zst") else open(corpus, "rb").read()
docs = [json.loads(line)["text"] for line in raw.splitlines() if line.strip()]
docs = [d for d in docs if len(d.split()) > 400]
vocab = [w for d in rng.sample(docs, min(300, len(docs))) for w in d.split() if any(c.isalpha() for c in w) and len(w) <= 20]
WORDS = 120  # ~256 tokens of contam's tokenizer on this text
def window(doc):
    words = doc.split()
    start = rng.randrange(0, len(words) - WORDS)
    return words[start:start + WORDS]
def edit(words):
    out = []
    for w in words:
        r = rng.random()
        if r < 0.03: out.append(rng.choice(vocab))
        elif r < 0.05: out += [w, rng.choice(vocab)]
        elif r < 0.07: continue
        elif r < 0.10: out.append(w.upper())
        else: out.append(w)
    return out
with open(out, "w") as f:
    for k in range(n):
        kind = k % 3
        if kind == 0: words = window(rng.choice(docs))
        elif kind == 1: words = edit(window(rng.choice(docs)))
        else: words = [rng.choice(vocab) for _ in range(WORDS)]
        f.write(json.dumps({"id": f"{['copied', 'edited', 'clean'][kind]}-{k}", "text": " ".join(words)}) + "\n")
