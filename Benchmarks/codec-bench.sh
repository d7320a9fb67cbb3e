#!/usr/bin/env bash
# Decompression throughput: contam's streaming decoders (DecompressingByteSource, through
# `contam-bench decompress`) against the system tools (zcat, bzcat, xzcat, zstdcat), side by side in the same
# run, on the bench corpus (~105 MB of JSONL text) compressed once by the tools at their default levels.
#
#   Benchmarks/codec-bench.sh [--repeat N] [--formats "gzip bzip2 xz zstd"]
#   CONTAM_BENCH_BIN=.build/release/contam-bench Benchmarks/codec-bench.sh   (no rebuild)
#
# Each run reads the whole file to /dev/null (the tools) or counts the bytes (contam-bench); runs alternate
# between the two so load changes hit both. Prints one Markdown table row per format: median wall seconds
# (min-max), MB/s of decompressed output, and contam / tool. Also checks once that both decode to the same bytes.
set -euo pipefail
cd "$(dirname "$0")/.."
repeat=5
formats="gzip bzip2 xz zstd"
while [ $# -gt 0 ]; do
    case "$1" in
        --repeat) repeat="$2"; shift 2 ;;
        --formats) formats="$2"; shift 2 ;;
        *) echo "usage: $0 [--repeat N] [--formats \"gzip bzip2 xz zstd\"]" >&2; exit 2 ;;
    esac
done

bench=/tmp/contam-bench
[ -f "$bench/bench-small.jsonl.zst" ] || bash ../shared/corpora/make-bench-corpus.sh "$bench" small
work="$bench/codec"
mkdir -p "$work"
plain="$work/bench-small.jsonl"
[ -f "$plain" ] || zstd -dcq "$bench/bench-small.jsonl.zst" > "$plain"
[ -f "$plain.gz" ] || gzip -c "$plain" > "$plain.gz"
[ -f "$plain.bz2" ] || bzip2 -c "$plain" > "$plain.bz2"
[ -f "$plain.xz" ] || xz -c -T2 "$plain" > "$plain.xz"
[ -f "$plain.zst" ] || zstd -qc "$plain" > "$plain.zst"

# CONTAM_BENCH_BIN: an already built contam-bench (skips the release build).
if [ -n "${CONTAM_BENCH_BIN:-}" ]; then
    bin="$CONTAM_BENCH_BIN"
else
    swift build -c release --product contam-bench 2>&1 | grep -E 'error|warning:' || true
    bin="$(swift build -c release --show-bin-path)/contam-bench"
fi

now() { date +%s.%N; }
# Prints the wall seconds of running "$@" with stdout to /dev/null.
timed() { local t0 t1; t0=$(now); "$@" > /dev/null; t1=$(now); echo "$t1 - $t0" | bc -l; }
# median, min, max of the numbers on stdin, formatted "median (min-max)"
summary() { sort -g | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.3f %.3f %.3f\n", m, v[1], v[NR] }'; }

bytes=$(stat -c %s "$plain")
echo "decompressed size: $bytes bytes; $(nproc) cores; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| format | file | tool | tool: median s (min-max) | contam: median s (min-max) | tool MB/s | contam MB/s | contam / tool |"
echo "|---|---|---|---|---|---|---|---|"
for format in $formats; do
    case "$format" in
        gzip) file="$plain.gz"; tool=(gzip -dc) ;;
        bzip2) file="$plain.bz2"; tool=(bzip2 -dc) ;;
        xz) file="$plain.xz"; tool=(xz -dc) ;;
        zstd) file="$plain.zst"; tool=(zstd -dcq) ;;
        *) echo "unknown format $format" >&2; exit 2 ;;
    esac
    # Same bytes, or the figures mean nothing.
    if ! cmp -s <("${tool[@]}" "$file") <("$bin" decompress "$file" --stdout 2>/dev/null); then
        echo "$format: contam-bench and ${tool[*]} decode $file differently" >&2; exit 1
    fi
    tool_times=(); ours_times=()
    for _ in $(seq "$repeat"); do
        tool_times+=("$(timed "${tool[@]}" "$file")")
        ours_times+=("$(timed "$bin" decompress "$file")")
    done
    read -r tm tmin tmax < <(printf '%s\n' "${tool_times[@]}" | summary)
    read -r om omin omax < <(printf '%s\n' "${ours_times[@]}" | summary)
    printf "| %s | %s (%d MB) | %s | %.2f (%.2f-%.2f) | %.2f (%.2f-%.2f) | %.0f | %.0f | %.3f |\n" \
        "$format" "$(basename "$file")" $(( $(stat -c %s "$file") / 1000000 )) "${tool[*]}" \
        "$tm" "$tmin" "$tmax" "$om" "$omin" "$omax" \
        "$(echo "$bytes / $tm / 1000000" | bc -l)" "$(echo "$bytes / $om / 1000000" | bc -l)" "$(echo "$om / $tm" | bc -l)"
done
