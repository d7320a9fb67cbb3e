#!/usr/bin/env bash
# The demo: installs what is missing, builds contam (release), indexes the sample corpus in corpora/,
# and runs a few queries against it. Usage: scripts/demo.sh [OUTDIR]   (default: .demo/ in the repo)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
out=${1:-.demo}
mkdir -p "$out"
echo "== building contam (release)" >&2
swift build -c release --product contam >&2
contam=$(swift build -c release --show-bin-path)/contam
run() { echo; printf "$ contam"; printf " %q" "$@"; echo; "$contam" "$@"; }

run index corpora/licenses corpora/python-tutorial.jsonl.zst corpora/python-faq.csv -o "$out/sample.idx" --force
run stats "$out/sample.idx"
run query "$out/sample.idx" count "the GNU General Public License"
run query "$out/sample.idx" locate "free software foundation" --limit 3
run query "$out/sample.idx" longest "Everyone is permitted to copy and distribute verbatim copies of this license document, but changing it is allowed."
run verify "$out/sample.idx"

# contam check: sample benchmark items (copied, edited and clean) against the sample corpus.
run check "$out/sample.idx" corpora/items/benchmark.jsonl --field question --field answer --method all \
  --html "$out/report.html" --write-clean "$out/benchmark.clean.jsonl"
echo
echo "HTML report: $out/report.html; clean benchmark (flagged items removed): $out/benchmark.clean.jsonl"
