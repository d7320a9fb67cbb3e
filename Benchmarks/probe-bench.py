#!/usr/bin/env python3
"""`contam probe extract` throughput and its own cost per probe, against a loopback OpenAI-compatible server.

  Benchmarks/probe-bench.py [--data DIR] [--probes N] [--latency SECONDS] [--concurrency C] [--no-build]

The index is built from DATA/bench-small.jsonl.zst (../shared/corpora/make-bench-corpus.sh DATA small when
missing). A threaded Python server answers every completion request after `--latency` seconds (default 0.05) with
a fixed continuation. Measured in one run, side by side:
  probes:    `contam probe extract INDEX --probes N --concurrency C --no-cache` against the slow server, beside the
             ideal N x latency / C and a plain Python client sending the same N requests with C threads (urllib)
  own work:  the same probe answered entirely from contam's cache (a second run, no request sent): the whole
             process (open the index, sample, count, read the cache, judge, render) divided by N, and the marginal
             cost per probe between N and N/10 probes (the process start-up and the index opening removed)
Targets (issue 14): own work <= 1 ms a probe; the slow-server probe <= 1.2 x the ideal.
"""
import argparse, json, os, shutil, subprocess, sys, tempfile, threading, time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ANSWER = json.dumps({"object": "text_completion", "choices": [{"index": 0, "text": " and so the committee went on to discuss other matters", "finish_reason": "length"}]}).encode()


def server(latency):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            time.sleep(latency)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(ANSWER)))
            self.end_headers()
            self.wfile.write(ANSWER)

        def log_message(self, *args):
            pass

    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer.request_queue_size = 256
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}/v1"


def timed(cmd):
    t = time.perf_counter()
    result = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if result.returncode not in (0, 1):
        sys.exit(f"probe-bench: {' '.join(cmd)} failed ({result.returncode}): {result.stderr}")
    return time.perf_counter() - t, result.stdout


def python_client(url, n, concurrency):
    body = json.dumps({"model": "m", "prompt": "x", "max_tokens": 96, "temperature": 0}).encode()

    def one(_):
        request = urllib.request.Request(url + "/completions", data=body, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request) as response:
            json.loads(response.read())

    t = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, range(n)))
    return time.perf_counter() - t


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default="/tmp/contam-bench")
    parser.add_argument("--probes", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--no-build", action="store_true")
    args = parser.parse_args()
    corpus = os.path.join(args.data, "bench-small.jsonl.zst")
    if not os.path.exists(corpus):
        subprocess.run(["bash", os.path.join(ROOT, "..", "shared", "corpora", "make-bench-corpus.sh"), args.data, "small"], check=True)
    if not args.no_build:
        subprocess.run(["swift", "build", "-c", "release", "--product", "contam"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    contam = os.path.join(subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, check=True,
                                         capture_output=True, text=True).stdout.strip(), "contam")
    work = tempfile.mkdtemp(prefix="probe-bench-")
    try:
        index = os.path.join(work, "index")
        subprocess.run([contam, "index", corpus, "-o", index, "--quiet"], check=True)
        slow, slow_url = server(args.latency)
        fast, fast_url = server(0)
        n, c = args.probes, args.concurrency
        common = ["probe", "extract", index, "--model", "m", "--probes", str(n), "--quiet", "--json"]
        wall_slow, out = timed([contam] + common + ["--endpoint", slow_url, "--concurrency", str(c), "--no-cache"])
        probes = sum(1 for line in out.splitlines() if '"kind":"extract"' in line)
        baseline = python_client(slow_url, probes, c)
        ideal = probes * args.latency / c
        cache = os.path.join(work, "cache")
        small = ["probe", "extract", index, "--model", "m", "--probes", str(max(1, n // 10)), "--quiet", "--json"]
        for command in (common, small):
            timed([contam] + command + ["--endpoint", fast_url, "--concurrency", str(c), "--cache-dir", cache])
        wall_cached, out = timed([contam] + common + ["--endpoint", fast_url, "--cache-dir", cache])
        wall_small, small_out = timed([contam] + small + ["--endpoint", fast_url, "--cache-dir", cache])
        summary = json.loads(out.splitlines()[-1])
        small_probes = json.loads(small_out.splitlines()[-1])["probes"]
        assert summary["requests_sent"] == 0, summary
        rows = [
            ("probe extract, %d probes, %d ms server, concurrency %d" % (probes, args.latency * 1000, c), wall_slow, ideal, baseline),
        ]
        print(f"probes {probes} (asked {n}); buckets " + ", ".join(f"{b['bucket']}: {b['probed']}/{b['available']}" for b in summary["buckets"]))
        print(f"{'workload':58} {'contam s':>9} {'ideal s':>8} {'python s':>9} {'contam/ideal':>13} {'contam/python':>14}")
        for name, wall, ideal_s, python_s in rows:
            print(f"{name:58} {wall:9.2f} {ideal_s:8.2f} {python_s:9.2f} {wall / ideal_s:13.2f} {wall / python_s:14.2f}")
        print(f"own work per probe (whole process, answers from the cache): {1000 * wall_cached / probes:.3f} ms ({wall_cached:.2f} s for {probes})")
        print(f"marginal own work per probe ({probes} vs {small_probes} probes, fixed start-up cost removed): "
              f"{1000 * (wall_cached - wall_small) / (probes - small_probes):.3f} ms ({wall_small:.2f} s for {small_probes})")
        slow.shutdown()
        fast.shutdown()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
