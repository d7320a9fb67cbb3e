#!/usr/bin/env bash
# Fuzzes every target of Fuzz/ (libFuzzer, with AddressSanitizer) for SECONDS_PER_TARGET seconds each
# (default 60), starting from the seeds in Fuzz/corpus/<target>/, copied to a working corpus so the repository
# is not changed. Prints per target the executions and whether it crashed (a trap, a sanitizer report, a
# timeout or running out of memory); the inputs that did are kept under the folder it names
# (CONTAM_FUZZ_OUT, default /tmp/contam-fuzz-<date>), with each target's log. Exits 1 if any target crashed.
# Reproduce one: CONTAM_FUZZ_TARGET=<target> SWIFT_BACKTRACE=enable=no .build-fuzz/release/contam-fuzz <input>
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]   (targets: CONTAM_FUZZ_TARGET=list of the binary)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
[ $# -gt 0 ] && shift
# Package.swift declares the fuzz executable only under CONTAM_FUZZ=1: it has no main, so it links only with
# -sanitize=fuzzer (libFuzzer's runtime supplies main). Its own scratch path keeps .build untouched.
CONTAM_FUZZ=1 swift build -c release --product contam-fuzz --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address \
  --scratch-path .build-fuzz >&2
binary=$PWD/.build-fuzz/release/contam-fuzz
export SWIFT_BACKTRACE=enable=no
# Leaks inside the toolchain's own libraries are not findings (the file says which, and why).
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/Fuzz/lsan-suppressions.txt:print_suppressions=0}
if [ $# -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(CONTAM_FUZZ_TARGET=list "$binary" 2>/dev/null)
fi
out=${CONTAM_FUZZ_OUT:-/tmp/contam-fuzz-$(date -u +%Y%m%d-%H%M%S)}
mkdir -p "$out"
echo "fuzz: ${#targets[@]} targets, $seconds s each; logs and crash inputs in $out" >&2
crashed=0
for target in "${targets[@]}"; do
  [ -d "Fuzz/corpus/$target" ] || { echo "fuzz: no seed folder Fuzz/corpus/$target" >&2; exit 2; }
  work=$(mktemp -d "${TMPDIR:-/tmp}/contam-fuzz-work.XXXXXX")
  mkdir -p "$work/corpus" "$out/$target"
  cp -R "Fuzz/corpus/$target/." "$work/corpus/"
  log=$out/$target.log
  status=0
  # TMPDIR: the index target's fixture goes in the working folder, removed below even after a crash.
  TMPDIR=$work CONTAM_FUZZ_TARGET=$target "$binary" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=30 \
    -print_final_stats=1 -artifact_prefix="$out/$target/" "$work/corpus" >"$log" 2>&1 || status=$?
  executions=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  [ -n "$executions" ] || executions=$(grep -o '^#[0-9]*' "$log" | tail -1 | tr -d '#')
  corpus=$(find "$work/corpus" -type f | wc -l)
  rm -rf "$work"
  if [ "$status" -eq 0 ]; then
    echo "fuzz: $target: ${executions:-?} executions, corpus $corpus inputs, no crash"
  else
    crashed=1
    echo "fuzz: $target: ${executions:-?} executions, CRASHED (exit $status): $(ls "$out/$target" | head -3 | tr '\n' ' ')in $out/$target; log $log"
    grep -m1 -E '^(==[0-9]+==ERROR|.*Fatal error|SUMMARY|ERROR: libFuzzer)' "$log" | sed 's/^/fuzz:   /' || true
  fi
done
exit "$crashed"
