#!/usr/bin/env bash
# contam index on the same corpus as .jsonl.zst and as .jsonl.gz (gzip -6, as most datasets ship), alternated in
# one run, with the ratio of the medians; plus `zcat` alone on the .gz for the decompression share.
# Target (issue 12): the .gz build within 1.15x of the .zst build.
# Usage: Benchmarks/compressed-index-bench.sh [CORPUS.jsonl.zst] [REPEATS]   (default /tmp/contam-bench/bench-small.jsonl.zst, 3)
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-/tmp/contam-bench/bench-small.jsonl.zst}
repeats=${2:-3}
[ -f "$corpus" ] || { echo "no corpus at $corpus: bash ../shared/corpora/make-bench-corpus.sh /tmp/contam-bench small" >&2; exit 2; }
work=$(mktemp -d /tmp/contam-gzbench.XXXXXX)
trap 'rm -rf "$work"' EXIT
zstd -qdc "$corpus" | gzip -6 > "$work/corpus.jsonl.gz"
cp "$corpus" "$work/corpus.jsonl.zst"
swift build -c release --product contam >&2
bin=.build/release/contam
time_of() { local start end; start=$(date +%s.%N); "$@" >/dev/null 2>&1; end=$(date +%s.%N); echo "$end - $start" | bc; }
zst=(); gz=(); zc=()
for k in $(seq "$repeats"); do
  zst+=("$(time_of "$bin" index "$work/corpus.jsonl.zst" -o "$work/zst.idx" --force --quiet)")
  gz+=("$(time_of "$bin" index "$work/corpus.jsonl.gz" -o "$work/gz.idx" --force --quiet)")
  zc+=("$(time_of sh -c "zcat '$work/corpus.jsonl.gz' > /dev/null")")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
mz=$(median "${zst[@]}"); mg=$(median "${gz[@]}"); mc=$(median "${zc[@]}")
# Shard boundaries may differ (a .zst declares its size, a .gz does not, so the plans differ): compare the totals.
same=no
[ "$("$bin" stats "$work/zst.idx" | grep -E '^(documents|tokens) ')" = "$("$bin" stats "$work/gz.idx" | grep -E '^(documents|tokens) ')" ] && same=yes
echo "index .jsonl.zst: median ${mz}s  (${zst[*]})"
echo "index .jsonl.gz:  median ${mg}s  (${gz[*]})"
echo "zcat alone:       median ${mc}s"
echo "ratio gz/zst: $(echo "scale=3; $mg / $mz" | bc)   same documents and tokens: $same"
