#!/usr/bin/env bash
# The browser test of `contam serve`'s web page: indexes corpora/ (the Python tutorial and the licences), serves
# the index on a free loopback port, and drives the page in headless Chromium (Debian's package, installed by
# scripts/setup.sh) through the DevTools protocol (scripts/browser-test.py, Python's standard library only): a
# search with paging, a check, a trace, the document viewer, the tabs by keyboard, a narrow window and a deep
# link, each asserted on the DOM against the contam CLI's answers on the same index. Screenshots are kept in
# .build/artifacts/browser-test/. The server is always stopped. CONTAM_BIN names the contam binary to use
# (default: a debug build). Usage: scripts/browser-test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || { echo "browser-test: chromium is not installed (scripts/setup.sh installs it unless CONTAM_SKIP_BROWSER=1)" >&2; exit 2; }
contam=${CONTAM_BIN:-}
if [ -z "$contam" ]; then
  swift build --product contam >&2
  contam=$(swift build --show-bin-path)/contam
fi
[ -x "$contam" ] || { echo "browser-test: no contam binary at $contam" >&2; exit 2; }
artifacts=.build/artifacts/browser-test
mkdir -p "$artifacts"
work=$(mktemp -d)
server_pid=""
driver_pid=""
cleanup() {
  # The driver first (it stops its chromium on SIGTERM), then the server.
  if [ -n "$driver_pid" ]; then
    kill "$driver_pid" 2>/dev/null || true
    wait "$driver_pid" 2>/dev/null || true
  fi
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
"$contam" index corpora/python-tutorial.jsonl.zst corpora/licenses -o "$work/corpus.idx" >/dev/null 2>"$work/index.log" \
  || { cat "$work/index.log" >&2; exit 1; }
# Port 0: the server picks a free port and prints its URL on stdout once it listens.
"$contam" serve "corpus=$work/corpus.idx" --host 127.0.0.1 --port 0 >"$work/serve.out" 2>"$work/serve.log" &
server_pid=$!
url=""
for _ in $(seq 300); do
  url=$(grep -m1 -o 'http://[^ ]*' "$work/serve.out" 2>/dev/null || true)
  [ -n "$url" ] && break
  kill -0 "$server_pid" 2>/dev/null || { echo "browser-test: contam serve exited:" >&2; cat "$work/serve.log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "browser-test: contam serve printed no URL within 30 s" >&2; cat "$work/serve.log" >&2; exit 1; }
url=${url%/}
mkdir -p "$work/profile"
# In the background so that a signal reaches the traps at once, not after the driver ends.
python3 scripts/browser-test.py --contam "$contam" --index "$work/corpus.idx" --url "$url" \
  --chromium "$browser" --artifacts "$artifacts" --profile "$work/profile" --items corpora/items &
driver_pid=$!
if ! wait "$driver_pid"; then
  driver_pid=""
  echo "browser-test: the server's log:" >&2
  tail -n 40 "$work/serve.log" >&2
  exit 1
fi
driver_pid=""
