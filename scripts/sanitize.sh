#!/usr/bin/env bash
# Builds and runs the whole Swift Testing suite under a sanitizer: `address` (AddressSanitizer: out-of-bounds,
# use-after-free, leaks of unsafe buffers) or `thread` (ThreadSanitizer: data races in the check workers, the
# shard build thread and the model client's concurrency). Each sanitizer has its own scratch directory
# (.build-asan, .build-tsan), so the normal .build is untouched. The real-model tests are not run
# (CONTAM_LLM_URL is unset; scripts/llm-integration.sh is separate). Prints the wall time of the build and of
# the run; exits with the suite's status. Usage: scripts/sanitize.sh address|thread [swift test arguments...]
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
  address) scratch=.build-asan ;;
  thread) scratch=.build-tsan ;;
  *) echo "usage: scripts/sanitize.sh address|thread [swift test arguments...]" >&2; exit 2 ;;
esac
sanitizer=$1
shift
unset CONTAM_LLM_URL
CONTAM_TEST_PYTHON=${CONTAM_TEST_PYTHON:-$(scripts/test-python.sh)}
export CONTAM_TEST_PYTHON
# Swift's own backtracer and the sanitizer's report would both claim the crash: keep the sanitizer's.
export SWIFT_BACKTRACE=enable=no
# Leak checking stays on (ASan default on Linux); a report stops the run with a non-zero status.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:halt_on_error=1}
# Leaks inside the toolchain's own libraries (libcurl under URLSession, Foundation) are suppressed, named in the file.
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/Fuzz/lsan-suppressions.txt:print_suppressions=0}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=0:second_deadlock_stack=1}
start=$(date +%s)
swift build --build-tests --sanitize="$sanitizer" --scratch-path "$scratch" >&2
built=$(date +%s)
echo "sanitize: $sanitizer build took $((built - start)) s" >&2
status=0
swift test --skip-build --sanitize="$sanitizer" --scratch-path "$scratch" --disable-xctest "$@" || status=$?
echo "sanitize: $sanitizer test run took $(($(date +%s) - built)) s, status $status" >&2
exit "$status"
