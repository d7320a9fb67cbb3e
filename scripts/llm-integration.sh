#!/usr/bin/env bash
# Real-model integration tests of `contam tabular`: starts SmolLM2-135M behind llama.cpp's OpenAI-compatible
# server on loopback (../shared/corpora/llm-server.sh; its first run installs it, about 5 minutes on 2 cores),
# exports its URL as CONTAM_LLM_URL, runs the Swift Testing suite that needs it, checks the CLI end to end
# (a second run must send no request), and stops the server whatever happens. Run from anywhere.
set -euo pipefail
cd "$(dirname "$0")/.."
# ../shared beside the repository (a git worktree one level deeper finds ../../shared).
server=${CONTAM_LLM_SERVER_SCRIPT:-}
if [ -z "$server" ]; then
  for candidate in ../shared/corpora/llm-server.sh ../../shared/corpora/llm-server.sh; do
    if [ -x "$candidate" ]; then server=$candidate; break; fi
  done
fi
[ -n "$server" ] && [ -x "$server" ] || { echo "llm-integration: no ../shared/corpora/llm-server.sh (set CONTAM_LLM_SERVER_SCRIPT)" >&2; exit 2; }

# A free loopback port, so a server someone else runs is never reused or disturbed.
port=${CONTAM_LLM_PORT:-}
if [ -z "$port" ]; then
  for candidate in $(seq 18765 18799); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then port=$candidate; break; fi
  done
fi
[ -n "$port" ] || { echo "llm-integration: no free port in 18765-18799" >&2; exit 2; }

started=$("$server" start "$port")
pid=${started%% *}
url=${started#* }
trap '"$server" stop "$pid"' EXIT
echo "llm-integration: model server pid $pid at $url" >&2
export CONTAM_LLM_URL="$url" CONTAM_LLM_MODEL=smollm2

swift test --disable-xctest --filter 'TabularLLMIntegrationTests|ProbeExtractLLMIntegrationTests|ProbeItemsLLMIntegrationTests|ProbeDistributionLLMIntegrationTests|TabularLearnLLMIntegrationTests'

# The CLI end to end: a report, then the same command again served from the cache.
swift build >/dev/null
cache=$(mktemp -d /tmp/contam-llm-cli.XXXXXX)
trap '"$server" stop "$pid"; rm -rf "$cache"' EXIT
run() {
  .build/debug/contam tabular test corpora/tabular/iris.csv --endpoint "$url" --model smollm2 --completion \
    --tests row,first-token,feature-names --queries 2 --prefix-rows 3 --cache-dir "$cache" --quiet --json
}
first=$(run)
second=$(run)
grep -q '"dataset":"iris"' <<<"$first" || { echo "llm-integration: no iris report: $first" >&2; exit 1; }
grep -q '"requestsSent":0' <<<"$first" && { echo "llm-integration: the first CLI run sent no request" >&2; exit 1; }
grep -q '"requestsSent":0' <<<"$second" || { echo "llm-integration: the second CLI run was not served from the cache: $second" >&2; exit 1; }
echo "llm-integration: CLI report ok, second run served from the cache" >&2

# contam probe extract end to end: the licence texts indexed, their openings probed, then the same command again
# served from the cache.
index="$cache/licenses.idx"
.build/debug/contam index corpora/licenses -o "$index" --quiet
printf 'corpora/licenses/GPL-3.txt\ncorpora/licenses/Apache-2.0.txt\n' >"$cache/ids.txt"
probe() {
  .build/debug/contam probe extract "$index" --documents "$cache/ids.txt" --prefix-tokens 16 --continuation-tokens 16 \
    --endpoint "$url" --model smollm2 --cache-dir "$cache" --quiet --json
}
first=$(probe)
second=$(probe)
grep -q '"kind":"summary"' <<<"$first" || { echo "llm-integration: no probe summary: $first" >&2; exit 1; }
grep -q '"requests_sent":0' <<<"$first" && { echo "llm-integration: the first probe sent no request" >&2; exit 1; }
grep -q '"requests_sent":0' <<<"$second" || { echo "llm-integration: the second probe was not served from the cache: $second" >&2; exit 1; }
echo "llm-integration: probe extract CLI ok, second run served from the cache" >&2
