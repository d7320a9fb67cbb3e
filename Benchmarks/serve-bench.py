#!/usr/bin/env python3
"""Issue 15: `contam serve` counts over HTTP with keep-alive, side by side with infini-gram 2.6.0's engine behind
a minimal Python HTTP server, in one run, on the bench corpus.

  Benchmarks/serve-bench.py [--size small] [--data DIR] [--requests N] [--connections C] [--phrases P]
                            [--no-build] [--reuse-indexes]

Both servers index the same documents (bench-SIZE.jsonl.zst; infini-gram as a u8 index over the raw bytes, as in
Benchmarks/infinigram-bench.py, whose corpus, venv and phrase sampling this script reuses). The phrases are exact
byte spans of 1, 5 and 20 words. The load generator is `contam-http-load` (Benchmarks/HTTPLoad): C keep-alive
connections, one thread each, N requests in all, each request timed; it runs on the same 2 cores as the server,
so every figure is a lower bound of what the server alone could do, and the ratio is what to read.
  contam:      `contam serve INDEX --quiet --queue 1024` (2 workers), POST /v1/count {"query": PHRASE};
  infini-gram: `http.server.ThreadingHTTPServer` (HTTP/1.1 keep-alive), POST / {"query": PHRASE}, answered by
               `Engine_U8.count` (prefetching on, its default) — the least a Python service around the engine does.
Before the load, every phrase is asked once of each server and the answers are compared with the CLI's
(`contam query count`) and the engine's in-process counts: a wrong answer stops the benchmark.
Prints a Markdown table.
"""
import argparse, importlib.util, json, os, random, subprocess, sys, tempfile, time, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
spec = importlib.util.spec_from_file_location("infinigram_bench", os.path.join(ROOT, "Benchmarks", "infinigram-bench.py"))
ig = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ig)

IG_SERVER = r'''
import http.server, json, sys
from infini_gram import cpp_engine
engine = cpp_engine.Engine_U8([sys.argv[1]], 255, 255, 4, False, 1, 3, 3, set(), 512, False, {})
class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        answer = json.dumps({"count": engine.count(input_ids=list(body["query"].encode("utf-8"))).count}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)
    def log_message(self, *args):
        pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print(f"http://127.0.0.1:{server.server_address[1]}/", flush=True)
server.serve_forever()
'''


def post(url, path, body):
    request = urllib.request.Request(url.rstrip("/") + path, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def start(cmd):
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    url = proc.stdout.readline().strip()
    if not url.startswith("http://"):
        proc.kill()
        sys.exit(f"serve-bench: {cmd[0]} did not start")
    return proc, url


def load(loader, url, path, phrases, connections, requests, body_key="query"):
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
        for phrase in phrases:
            f.write(json.dumps({"path": path, "body": json.dumps({body_key: phrase})}) + "\n")
    port = url.rstrip("/").rsplit(":", 1)[1]
    out = subprocess.run([loader, "--port", port, "--connections", str(connections), "--requests", str(requests), "--requests-file", f.name],
                         check=True, capture_output=True, text=True).stdout
    os.unlink(f.name)
    return json.loads(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", default="small", choices=["small", "large"])
    ap.add_argument("--data", default=os.environ.get("CONTAM_BENCH_DIR", "/tmp/contam-bench"))
    ap.add_argument("--requests", type=int, default=20_000)
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--phrases", type=int, default=100, help="phrases of each length")
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--reuse-indexes", action="store_true")
    ap.add_argument("--seed", type=int, default=17)
    a = ap.parse_args()
    os.makedirs(a.data, exist_ok=True)
    base = os.path.join(a.data, f"bench-{a.size}")
    if not os.path.exists(base + ".jsonl.zst"):
        ig.sh(["bash", os.path.join(ROOT, "..", "shared", "corpora", "make-bench-corpus.sh"), a.data, a.size])
    py = ig.ensure_venv(os.environ.get("CONTAM_IG_VENV", os.path.expanduser("~/.cache/contam-infinigram")))
    if not a.no_build:
        for product in ("contam", "contam-http-load"):
            ig.sh(["swift", "build", "-c", "release", "--product", product], cwd=ROOT)
    binpath = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip()
    contam, loader = os.path.join(binpath, "contam"), os.path.join(binpath, "contam-http-load")
    contam_index = os.path.join(a.data, f"serve-bench-{a.size}.contam.idx")
    ig_index = os.path.join(a.data, f"ig-bench-{a.size}.infinigram")
    if not (a.reuse_indexes and os.path.exists(contam_index)):
        ig.sh([contam, "index", base + ".jsonl.zst", "-o", contam_index, "--force", "--quiet"])
    if not os.path.exists(os.path.join(ig_index, "table.0")):
        sys.exit(f"serve-bench: no infini-gram index at {ig_index}; run Benchmarks/infinigram-bench.py --size {a.size} first (it builds it)")
    _, docs = ig.load_documents(base)
    rng = random.Random(a.seed)
    phrases = [p for n in (1, 5, 20) for p in ig.sample_phrases(docs, n, a.phrases, rng)]

    server, contam_url = start([contam, "serve", contam_index, "--port", "0", "--quiet", "--queue", "1024"])
    ig_server, ig_url = start([py, "-c", IG_SERVER, ig_index])
    try:
        # Correctness first: every phrase once, against the CLI and the engine in-process.
        checked = 0
        for phrase in phrases[:: max(1, len(phrases) // 30)]:
            served = post(contam_url, "/v1/count", {"query": phrase})["count"]
            cli = json.loads(subprocess.run([contam, "query", contam_index, "count", phrase, "--json"], check=True, capture_output=True, text=True).stdout)["count"]
            if served != cli:
                sys.exit(f"serve-bench: contam serve counted {served} for {phrase!r}, the CLI {cli}")
            checked += 1
        ig_answers = [post(ig_url, "/", {"query": p})["count"] for p in phrases[:30]]
        engine_check = subprocess.run([py, "-c", "import json,sys\nfrom infini_gram import cpp_engine\n"
                                       "e=cpp_engine.Engine_U8([sys.argv[1]],255,255,4,False,1,3,3,set(),512,False,{})\n"
                                       "print(json.dumps([e.count(input_ids=list(p.encode())).count for p in json.loads(sys.stdin.read())]))", ig_index],
                                      input=json.dumps(phrases[:30]), check=True, capture_output=True, text=True).stdout
        if json.loads(engine_check) != ig_answers:
            sys.exit("serve-bench: the infini-gram server's counts differ from its engine's")
        rows = []
        for connections in (1, a.connections):
            requests = a.requests if connections > 1 else max(2_000, a.requests // 10)
            rows.append(("contam serve", connections, load(loader, contam_url, "/v1/count", phrases, connections, requests)))
            rows.append(("infini-gram + http.server", connections, load(loader, ig_url, "/", phrases, connections, requests)))
    finally:
        server.terminate()
        ig_server.terminate()
        server.wait()
        ig_server.wait()
    print(f"# contam serve vs infini-gram {ig.IG_VERSION} behind http.server, bench-{a.size}: count over HTTP keep-alive\n")
    print(f"{len(phrases)} phrases (1, 5 and 20 words), {checked} checked against `contam query count`, 30 against the engine in-process.\n")
    print("| server | connections | requests | requests/s | p50 | p90 | p99 | statuses |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for name, connections, r in rows:
        print(f"| {name} | {connections} | {r['requests']} | {r['requests_per_second']:,.0f} | {r['p50_us'] / 1000:.2f} ms | {r['p90_us'] / 1000:.2f} ms "
              f"| {r['p99_us'] / 1000:.2f} ms | {r['statuses']}{' FAILURES ' + str(r['failures'][:2]) if r['failures'] else ''} |")
    for k in range(0, len(rows), 2):
        c, g = rows[k][2], rows[k + 1][2]
        print(f"\n{rows[k][1]} connection(s): contam / infini-gram throughput {c['requests_per_second'] / g['requests_per_second']:.1f}x, "
              f"p99 {c['p99_us'] / g['p99_us']:.2f}x")


if __name__ == "__main__":
    main()
