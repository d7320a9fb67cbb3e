#!/usr/bin/env bash
# Runs the whole test suite: first the real-model integration tests of `contam tabular` (they start a small
# language model on loopback; set CONTAM_SKIP_LLM=1 to skip them), then every unit test with its oracle and the
# end-to-end tests of the contam binary on corpora/. Installs what is missing first. Usage: scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build --build-tests >&2
if [ "${CONTAM_SKIP_LLM:-0}" != 1 ]; then
  scripts/llm-integration.sh >&2
else
  echo "test: CONTAM_SKIP_LLM=1: real-model integration tests skipped" >&2
fi
# The full suite last, so its summary is the closing line.
exec swift test --skip-build --disable-xctest
