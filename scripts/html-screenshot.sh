#!/usr/bin/env bash
# Renders a `contam check --html` report in a real browser (Debian's headless chromium) and writes a PNG,
# to check the report the way a reader sees it. Installs chromium when missing (Debian package).
# Usage: scripts/html-screenshot.sh REPORT.html [OUT.png] [WIDTHxHEIGHT]   (default OUT: REPORT.png, 1400x2400)
set -euo pipefail
html=${1:?usage: scripts/html-screenshot.sh REPORT.html [OUT.png] [WIDTHxHEIGHT]}
out=${2:-${html%.html}.png}
size=${3:-1400x2400}
[ -f "$html" ] || { echo "html-screenshot: no such file: $html" >&2; exit 2; }
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "html-screenshot: installing chromium" >&2
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
  browser=$(command -v chromium)
fi
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
# --no-sandbox: chromium refuses to run as root otherwise (containers, CI).
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$profile" \
  --window-size="${size/x/,}" --screenshot="$(realpath -m "$out")" "file://$(realpath "$html")" >/dev/null 2>&1
[ -s "$out" ] || { echo "html-screenshot: chromium wrote no screenshot" >&2; exit 1; }
echo "$out"
