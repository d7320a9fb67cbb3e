#!/usr/bin/env python3
"""Issue 17: contam against infini-gram 2.6.0, side by side in one run, on the bench corpus.

  Benchmarks/infinigram-bench.py [--size small] [--data DIR] [--phrases N] [--repeat R] [--cli-runs K]
                                 [--no-build] [--reuse-indexes]

Both sides index the same documents (the "text" field of bench-SIZE.jsonl.zst): infini-gram as a u8 index over
the raw bytes (its own indexing script, `python -m infini_gram.indexing --token_dtype u8`; the script imports
`transformers` but loads no tokenizer), contam with `contam index` (default options: sketch included). Then,
in this one run:
  build:   wall time, peak RSS of the whole process tree (sampled from /proc every 20 ms), bytes on disk;
  count:   N phrases of 1, 5 and 20 words, each an exact byte span of a document (whitespace as it is in the
           text), timed in-process: contam through `contam-bench phrases` (PhraseQuery.count: tokenize + count
           over all shards), infini-gram through its C++ engine from Python (`Engine_U8.count`, with its default
           prefetch depths and with prefetching off); medians and p99 of per-phrase medians over R runs;
  locate:  10 hits with their text (80 bytes of context each side), for rare phrases (1-3 occurrences) and
           frequent ones (>= 1,000): contam `PhraseQuery.locate(limit: 10)` (its frame cache emptied before every
           call: each is a first query) against infini-gram `search_docs(maxnum=10, max_disp_len = phrase + 160
           bytes)` plus decoding the returned bytes;
  CLI:     wall time of `contam --help`, `contam query IDX count P` and `contam query IDX locate P --limit 10`
           processes (median of K), for the same frequent and rare phrases;
  agreement: how many counts are equal, and for the others the first of these that explains the difference,
           by brute-force regex counts over the raw text: word boundaries (infini-gram matches inside words),
           case (contam folds case), whitespace (contam ignores it), else punctuation/normalization.
--before BINDIR adds the same contam measurements for another build (the branch's base) on its own index.
infini-gram goes into a venv of its own (CONTAM_IG_VENV, default ~/.cache/contam-infinigram), never a dependency
of contam. In 2.6.0 the `u8` wrapper cannot be built with vocabulary 256, so the C++ engine is constructed
directly with vocabulary 255 and EOS 255 (the document separator byte). Prints Markdown tables.
"""
import argparse, json, os, random, re, resource, statistics, subprocess, sys, tempfile, threading, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IG_VERSION = "2.6.0"


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def tree_rss(root_pid):
    """Sum of the RSS (bytes) of root_pid and all its descendants, from /proc."""
    children = {}
    rss = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
            fields = stat[stat.rindex(")") + 2:].split()
            ppid, pages = int(fields[1]), int(fields[21])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
        rss[int(entry)] = pages * os.sysconf("SC_PAGE_SIZE")
    total, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def measured(cmd, **kw):
    """Runs cmd; returns wall seconds and the peak RSS of its process tree (sampled every 20 ms)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, **kw)
    peak = [0]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], tree_rss(proc.pid))
            done.wait(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(cmd)}")
    return seconds, max(peak[0], usage.ru_maxrss * 1024)


def dir_bytes(path):
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(path) for f in files)


def ensure_venv(venv):
    py = os.path.join(venv, "bin", "python")
    if not os.path.exists(py):
        sh([sys.executable, "-m", "venv", venv])
    probe = f"import infini_gram, importlib.metadata as m, transformers, zstandard; assert m.version('infini-gram') == '{IG_VERSION}'"
    if subprocess.run([py, "-c", probe], capture_output=True).returncode != 0:
        sh([py, "-m", "pip", "install", "-q", "--disable-pip-version-check", f"infini-gram=={IG_VERSION}", "transformers", "zstandard"])
    return py


def load_documents(base):
    """The documents of bench-SIZE.bin (each preceded by 0xFF) as bytes objects."""
    with open(base + ".bin", "rb") as f:
        data = f.read()
    return data, data.split(b"\xff")[1:]


def sample_phrases(docs, words, n, rng):
    """n exact byte spans of `words` whitespace-separated words, from random documents (no 0xFF, valid UTF-8)."""
    out, attempts = [], 0
    while len(out) < n and attempts < n * 50:
        attempts += 1
        doc = docs[rng.randrange(len(docs))]
        spans = [m.span() for m in re.finditer(rb"\S+", doc[:200000])]
        if len(spans) < words:
            continue
        i = rng.randrange(len(spans) - words + 1)
        phrase = doc[spans[i][0]:spans[i + words - 1][1]]
        try:
            text = phrase.decode("utf-8")
        except UnicodeDecodeError:
            continue
        if re.search(r"[A-Za-z0-9]", text):
            out.append(text)
    return out


IG_TIMER = r'''
import json, sys, time
from infini_gram import cpp_engine
index_dir, phrases_path, repeat, mode = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
prefetch = (1, 3, 3) if mode == "prefetch" else (0, 0, 0)
# vocabulary 255 and EOS 255: the u8 wrapper of 2.6.0 cannot be built with 256 (see the script's docstring).
engine = cpp_engine.Engine_U8([index_dir], 255, 255, 4, False, *prefetch, set(), 512, False, {})
phrases = [json.loads(line) for line in open(phrases_path, encoding="utf-8")]
for line, (phrase, locate) in enumerate(phrases):
    ids = list(phrase.encode("utf-8"))
    count = engine.count(input_ids=ids).count  # warm-up
    count_times, locate_times, shown = [], [], 0
    for _ in range(repeat):
        t = time.perf_counter_ns()
        count = engine.count(input_ids=ids).count
        count_times.append((time.perf_counter_ns() - t) / 1000)
        if locate:
            t = time.perf_counter_ns()
            result = engine.search_docs(input_ids=ids, maxnum=10, max_disp_len=len(ids) + 160)
            texts = [bytes(d.token_ids).decode("utf-8", "replace") for d in result.docs]
            locate_times.append((time.perf_counter_ns() - t) / 1000)
            shown = sum(len(t) for t in texts)
    med = lambda v: sorted(v)[len(v) // 2] if v else None
    print(json.dumps({"line": line, "count": count, "count_us": med(count_times), "locate_us": med(locate_times), "shown_chars": shown}))
'''


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * q))]


def cli_median(cmd, runs):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def bounded_count(text, needle, words_alnum):
    """Occurrences of needle in text (str.find, overlapping) not inside a longer word at either end."""
    count, i = 0, text.find(needle)
    while i >= 0:
        j = i + len(needle)
        if not (words_alnum[0] and i > 0 and text[i - 1].isalnum()) and not (words_alnum[1] and j < len(text) and text[j].isalnum()):
            count += 1
        i = text.find(needle, i + 1)
    return count


def explain(raw_text, lowered, phrase, ig, contam):
    """The first difference in matching rules that accounts for ig != contam, from brute-force counts."""
    edges = (phrase[:1].isalnum(), phrase[-1:].isalnum())
    if bounded_count(raw_text, phrase, edges) == contam:
        return "word boundaries (infini-gram counts matches inside longer words)"
    if bounded_count(lowered, phrase.lower(), edges) == contam:
        return "case (contam folds case), with word boundaries"
    pattern = r"\s+".join(re.escape(w) for w in phrase.lower().split())
    flexible = sum(1 for m in re.finditer(pattern, lowered)
                   if not (edges[0] and m.start() > 0 and lowered[m.start() - 1].isalnum())
                   and not (edges[1] and m.end() < len(lowered) and lowered[m.end()].isalnum()))
    if flexible == contam:
        return "whitespace (contam ignores the whitespace between tokens: a newline or two spaces match a space)"
    return "punctuation spacing or Unicode normalization (contam ignores spaces around punctuation, folds typography and NFKC)"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", default="small", choices=["small", "large"])
    ap.add_argument("--data", default=os.environ.get("CONTAM_BENCH_DIR", "/tmp/contam-bench"))
    ap.add_argument("--phrases", type=int, default=300, help="phrases of each length")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--cli-runs", type=int, default=15)
    ap.add_argument("--explain", type=int, default=40, help="disagreements explained by brute force")
    ap.add_argument("--no-build", action="store_true", help="use the release build as it is")
    ap.add_argument("--reuse-indexes", action="store_true", help="skip both builds when their indexes exist")
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--before", metavar="BINDIR", help="also time the contam and contam-bench of another release build "
                    "(e.g. the branch's base in a worktree: .build/release), on an index that build makes")
    a = ap.parse_args()
    os.makedirs(a.data, exist_ok=True)
    base = os.path.join(a.data, f"bench-{a.size}")
    if not os.path.exists(base + ".jsonl.zst"):
        sh(["bash", os.path.join(ROOT, "..", "shared", "corpora", "make-bench-corpus.sh"), a.data, a.size])
    py = ensure_venv(os.environ.get("CONTAM_IG_VENV", os.path.expanduser("~/.cache/contam-infinigram")))
    if not a.no_build:
        for product in ("contam", "contam-bench"):
            sh(["swift", "build", "-c", "release", "--product", product], cwd=ROOT)
    binpath = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip()
    contam, bench = os.path.join(binpath, "contam"), os.path.join(binpath, "contam-bench")
    contam_index = os.path.join(a.data, f"ig-bench-{a.size}.contam.idx")
    ig_index = os.path.join(a.data, f"ig-bench-{a.size}.infinigram")
    ig_input = os.path.join(a.data, f"ig-bench-{a.size}.input")
    before_index = os.path.join(a.data, f"ig-bench-{a.size}.before.idx")
    before_contam = os.path.join(a.before, "contam") if a.before else None
    before_bench = os.path.join(a.before, "contam-bench") if a.before else None
    raw, docs = load_documents(base)
    text_bytes = sum(len(d) for d in docs)

    # ---- build
    builds = {}
    if not (a.reuse_indexes and os.path.exists(contam_index)):
        builds["contam"] = measured([contam, "index", base + ".jsonl.zst", "-o", contam_index, "--force", "--quiet"])
    if a.before and not (a.reuse_indexes and os.path.exists(before_index)):
        builds["contam before"] = measured([before_contam, "index", base + ".jsonl.zst", "-o", before_index, "--force", "--quiet"])
    if not (a.reuse_indexes and os.path.exists(os.path.join(ig_index, "table.0"))):
        subprocess.run(["rm", "-rf", ig_index, ig_input], check=True)
        os.makedirs(ig_input)
        os.symlink(base + ".jsonl.zst", os.path.join(ig_input, f"bench-{a.size}.jsonl.zst"))
        mem_gib = max(1, os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") // 2**30 // 2)
        builds["infini-gram"] = measured([py, "-m", "infini_gram.indexing", "--data_dir", ig_input, "--save_dir", ig_index,
                                          "--token_dtype", "u8", "--cpus", str(os.cpu_count()), "--mem", str(mem_gib),
                                          "--ulimit", str(resource.getrlimit(resource.RLIMIT_NOFILE)[1])],
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    print(f"# contam vs infini-gram {IG_VERSION}, bench-{a.size}: {len(docs)} documents, {text_bytes / 1e6:.1f} MB of text\n")
    if builds:
        print("| build | wall | peak RSS (process tree) | on disk | disk / text |")
        print("|---|---:|---:|---:|---:|")
        sizes = {"contam": dir_bytes(contam_index), "infini-gram": dir_bytes(ig_index)}
        if a.before:
            sizes["contam before"] = dir_bytes(before_index)
        for name, (seconds, rss) in builds.items():
            print(f"| {name} | {seconds:.2f} s | {rss / 2**20:.0f} MiB | {sizes[name] / 1e6:.1f} MB | {sizes[name] / text_bytes:.2f}x |")
        if "contam" in builds and "infini-gram" in builds:
            c, g = builds["contam"], builds["infini-gram"]
            print(f"\ncontam / infini-gram: build time {c[0] / g[0]:.2f}x, peak RSS {c[1] / g[1]:.2f}x, disk {sizes['contam'] / sizes['infini-gram']:.2f}x\n")

    # ---- phrases
    rng = random.Random(a.seed)
    lengths = (1, 5, 20)
    phrases = [(n, p) for n in lengths for p in sample_phrases(docs, n, a.phrases, rng)]
    work = tempfile.mkdtemp(prefix="ig-bench-")

    before_results = []

    def run_both(items, locate):
        path = os.path.join(work, "phrases.jsonl")
        with open(path, "w", encoding="utf-8") as f:
            for p in items:
                f.write(json.dumps(p) + "\n")
        ig_path = os.path.join(work, "ig-phrases.jsonl")
        with open(ig_path, "w", encoding="utf-8") as f:
            for p in items:
                f.write(json.dumps([p, locate]) + "\n")
        args = [bench, "phrases", contam_index, path, "--repeat", str(a.repeat)] + (["--cold"] if locate else ["--no-locate"])
        ours = [json.loads(l) for l in subprocess.run(args, check=True, capture_output=True, text=True).stdout.splitlines()]
        if a.before:
            args = [before_bench, "phrases", before_index, path, "--repeat", str(a.repeat)] + ([] if locate else ["--no-locate"])
            before_results[:] = [json.loads(l) for l in subprocess.run(args, check=True, capture_output=True, text=True).stdout.splitlines()]
        theirs = {}
        for mode in ("prefetch", "noprefetch") if not locate else ("prefetch",):
            out = subprocess.run([py, "-c", IG_TIMER, ig_index, ig_path, str(a.repeat), mode], check=True, capture_output=True, text=True).stdout
            theirs[mode] = [json.loads(l) for l in out.splitlines()]
        return ours, theirs

    ours, theirs = run_both([p for _, p in phrases], locate=False)
    print("| count, in-process | contam median | contam p99 | p99/median | infini-gram median | p99 | infini-gram, prefetch off: median | p99 | median: contam / infini-gram (prefetch on, off) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in lengths:
        rows = [i for i, (m, _) in enumerate(phrases) if m == n]
        c = [ours[i]["count_us"] for i in rows]
        g = [theirs["prefetch"][i]["count_us"] for i in rows]
        g0 = [theirs["noprefetch"][i]["count_us"] for i in rows]
        cm, gm, g0m = statistics.median(c), statistics.median(g), statistics.median(g0)
        print(f"| {n}-word phrases ({len(rows)}) | {cm:.1f} us | {percentile(c, 0.99):.1f} us | {percentile(c, 0.99) / cm:.2f} | {gm:.1f} us | {percentile(g, 0.99):.1f} us | {g0m:.1f} us | {percentile(g0, 0.99):.1f} us | {cm / gm:.2f}x, {cm / g0m:.2f}x |")
        if before_results:
            b = [before_results[i]["count_us"] for i in rows]
            print(f"| {n}-word, contam before | {statistics.median(b):.1f} us | {percentile(b, 0.99):.1f} us | {percentile(b, 0.99) / statistics.median(b):.2f} | | | | | |")

    # Count time grows with the phrase's length in tokens (tokenizing it and looking each token up in every shard),
    # and a phrase of 20 words is 20 to 600 tokens (hex dumps, CJK text: a token a character): the tail above is
    # that spread. The same counts by length in tokens, in powers of two:
    print("\n| count by length in tokens (all phrases) | phrases | contam median | p99 | p99/median | infini-gram median | p99 | p99/median |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    bounds = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1 << 30]
    for lo, hi in zip([1] + [b + 1 for b in bounds[:-1]], bounds):
        rows = [i for i in range(len(phrases)) if lo <= ours[i]["tokens"] <= hi]
        if not rows:
            continue
        c = [ours[i]["count_us"] for i in rows]
        g = [theirs["prefetch"][i]["count_us"] for i in rows]
        cm, gm = statistics.median(c), statistics.median(g)
        label = f"{lo}" if lo == hi else (f"{lo}-{hi}" if hi < 1 << 30 else f"{lo}+")
        print(f"| {label} | {len(rows)} | {cm:.1f} us | {percentile(c, 0.99):.1f} us | {percentile(c, 0.99) / cm:.2f} | {gm:.1f} us | {percentile(g, 0.99):.1f} us | {percentile(g, 0.99) / gm:.2f} |")

    # ---- agreement
    agree = sum(1 for i in range(len(phrases)) if ours[i]["count"] == theirs["prefetch"][i]["count"])
    print(f"\ncounts equal: {agree} of {len(phrases)} phrases ({100 * agree / len(phrases):.1f} %)")
    for n in lengths:
        rows = [i for i, (m, _) in enumerate(phrases) if m == n]
        eq = sum(1 for i in rows if ours[i]["count"] == theirs["prefetch"][i]["count"])
        print(f"  {n}-word: {eq} of {len(rows)} equal; contam higher {sum(1 for i in rows if ours[i]['count'] > theirs['prefetch'][i]['count'])}, infini-gram higher {sum(1 for i in rows if ours[i]['count'] < theirs['prefetch'][i]['count'])}")
    differing = [i for i in range(len(phrases)) if ours[i]["count"] != theirs["prefetch"][i]["count"]]
    if differing:
        # Documents joined by a byte infini-gram never matches across (its separator) and contam never does either.
        raw_text = "\x00".join(d.decode("utf-8", "replace") for d in docs)
        lowered = raw_text.lower()
        reasons = {}
        sample = random.Random(a.seed).sample(differing, min(a.explain, len(differing)))
        for i in sample:
            reason = explain(raw_text, lowered, phrases[i][1], theirs["prefetch"][i]["count"], ours[i]["count"])
            reasons[reason] = reasons.get(reason, 0) + 1
        print(f"  why they differ ({len(sample)} of the {len(differing)} differing phrases, brute-force regex counts over the text):")
        for reason, k in sorted(reasons.items(), key=lambda kv: -kv[1]):
            print(f"    {k:4d}  {reason}")

    # ---- locate, rare and frequent
    rare = [p for i, (_, p) in enumerate(phrases) if 1 <= ours[i]["count"] <= 3 and 1 <= theirs["prefetch"][i]["count"] <= 3][:60]
    frequent = [p for i, (n, p) in enumerate(phrases) if n == 1 and ours[i]["count"] >= 1000 and theirs["prefetch"][i]["count"] >= 1000][:60]
    print("\n| locate 10 hits with text, in-process | phrases | contam median | p99 | infini-gram search_docs median | p99 | contam / infini-gram |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    located = {}
    for name, items in (("rare (1-3 occurrences)", rare), ("frequent (>= 1,000, one word)", frequent)):
        if not items:
            print(f"| {name} | 0 | | | | | |")
            continue
        o, t = run_both(items, locate=True)
        c = [r["locate_us"] for r in o]
        g = [r["locate_us"] for r in t["prefetch"]]
        located[name] = items
        print(f"| {name} | {len(items)} | {statistics.median(c):.1f} us | {percentile(c, 0.99):.1f} us | {statistics.median(g):.1f} us | {percentile(g, 0.99):.1f} us | {statistics.median(c) / statistics.median(g):.2f}x |")
        if before_results:
            b = [r["locate_us"] for r in before_results]
            print(f"| {name}, contam before | {len(items)} | {statistics.median(b):.1f} us | {percentile(b, 0.99):.1f} us | | | {statistics.median(b) / statistics.median(g):.2f}x |")

    # ---- CLI cost per command
    print("\n| CLI, whole process (median of %d) | wall |" % a.cli_runs)
    print("|---|---:|")
    help_s = cli_median([contam, "--help"], a.cli_runs)
    print(f"| `contam --help` | {help_s * 1000:.1f} ms |")
    for name, items in located.items():
        phrase = items[0]
        count_s = cli_median([contam, "query", contam_index, "count", phrase], a.cli_runs)
        locate_s = cli_median([contam, "query", contam_index, "locate", phrase, "--limit", "10"], a.cli_runs)
        print(f"| `contam query count`, {name} | {count_s * 1000:.1f} ms |")
        print(f"| `contam query locate --limit 10`, {name} | {locate_s * 1000:.1f} ms (locate - count: {(locate_s - count_s) * 1000:+.1f} ms) |")
        if a.before:
            count_b = cli_median([before_contam, "query", before_index, "count", phrase], a.cli_runs)
            locate_b = cli_median([before_contam, "query", before_index, "locate", phrase, "--limit", "10"], a.cli_runs)
            print(f"| contam before: count / locate, {name} | {count_b * 1000:.1f} ms / {locate_b * 1000:.1f} ms (locate - count: {(locate_b - count_b) * 1000:+.1f} ms) |")
    ig_cli = ("import sys\nfrom infini_gram import cpp_engine\n"
              "e = cpp_engine.Engine_U8([sys.argv[1]], 255, 255, 4, False, 1, 3, 3, set(), 512, False, {})\n"
              "print(e.count(input_ids=list(sys.argv[2].encode())).count)\n")
    if located:
        phrase = next(iter(located.values()))[0]
        ig_s = cli_median([py, "-c", ig_cli, ig_index, phrase], a.cli_runs)
        print(f"| infini-gram, a Python process: import, open the engine, one count | {ig_s * 1000:.1f} ms |")
    subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    main()
