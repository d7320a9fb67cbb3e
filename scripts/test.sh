#!/usr/bin/env bash
# Runs the whole test suite: unit tests with oracles, and end-to-end tests of the contam binary on corpora/.
# Installs what is missing first. Usage: scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build --build-tests >&2
exec swift test --skip-build --disable-xctest
