#!/usr/bin/env bash
# Runs the whole test suite: first the real-model integration tests of `contam tabular` (they start a small
# language model on loopback; set CONTAM_SKIP_LLM=1 to skip them), the browser test of the web page
# (CONTAM_SKIP_BROWSER=1 skips it) and the Slurm recipe on a local cluster (CONTAM_SKIP_SLURM=1 skips it),
# then every unit test with its oracle and the
# end-to-end tests of the contam binary on corpora/, after a short fuzz run (CONTAM_SKIP_FUZZ=1 skips it). Installs
# what is missing first. Usage: scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# pyarrow (Parquet fixtures and their oracle) and lm-eval's janitor.py, for the tests that compare against them.
CONTAM_TEST_PYTHON=$(scripts/test-python.sh)
export CONTAM_TEST_PYTHON
# The import check makes SwiftPM refuse an import of a target that is not a declared dependency (an
# upward import between the layers in Package.swift), which it would otherwise let through.
swift build --build-tests --explicit-target-dependency-import-check error >&2
if [ "${CONTAM_SKIP_LLM:-0}" != 1 ]; then
  scripts/llm-integration.sh >&2
else
  echo "test: CONTAM_SKIP_LLM=1: real-model integration tests skipped" >&2
fi
# The Slurm recipe of deploy/slurm/ on a throwaway single-node cluster (about a minute; installs slurm-wlm and
# munge if missing, stops every daemon it started): CONTAM_SKIP_SLURM=1 skips it.
if [ "${CONTAM_SKIP_SLURM:-0}" != 1 ]; then
  scripts/slurm-local.sh "$(swift build --show-bin-path)/contam" >&2
else
  echo "test: CONTAM_SKIP_SLURM=1: the local Slurm cluster test skipped" >&2
fi
# The web page of `contam serve` in headless Chromium (scripts/browser-test.sh: a search, a check and a trace
# through the UI; screenshots in .build/artifacts/browser-test/). CONTAM_SKIP_BROWSER=1 skips it.
if [ "${CONTAM_SKIP_BROWSER:-0}" != 1 ]; then
  CONTAM_BIN="$(swift build --show-bin-path)/contam" scripts/browser-test.sh >&2
else
  echo "test: CONTAM_SKIP_BROWSER=1: browser test skipped" >&2
fi
# A short fuzz run of every target (scripts/fuzz.sh; its own release build with libFuzzer and AddressSanitizer,
# about 4-6 minutes on 2 cores, then CONTAM_FUZZ_SECONDS each, default 20); a crash fails the run. CONTAM_SKIP_FUZZ=1 skips it.
if [ "${CONTAM_SKIP_FUZZ:-0}" != 1 ]; then
  scripts/fuzz.sh "${CONTAM_FUZZ_SECONDS:-20}" >&2
else
  echo "test: CONTAM_SKIP_FUZZ=1: fuzzing skipped" >&2
fi
# The full suite last, so its summary is the closing line.
exec swift test --skip-build --disable-xctest
