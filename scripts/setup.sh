#!/usr/bin/env bash
# Installs what contam needs to build on a fresh Debian machine: the codec libraries (zstd, zlib, bzip2, xz,
# lz4, brotli; their -dev packages, with pkg-config), the system codec tools the tests compare against, and
# headless Chromium for the browser test (unless CONTAM_SKIP_BROWSER=1).
# Safe to run repeatedly; does nothing when everything is present.
set -euo pipefail
need=()
for package in libzstd-dev zlib1g-dev libbz2-dev liblzma-dev liblz4-dev libbrotli-dev; do
  dpkg -s "$package" >/dev/null 2>&1 || need+=("$package")
done
dpkg -s pkg-config >/dev/null 2>&1 || command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
command -v zstd >/dev/null 2>&1 || need+=(zstd)
command -v gzip >/dev/null 2>&1 || need+=(gzip)
command -v bzip2 >/dev/null 2>&1 || need+=(bzip2)
command -v xz >/dev/null 2>&1 || need+=(xz-utils)
# deploy/check-deploy.py (the Kubernetes manifests' test) reads YAML with Debian's python3.
/usr/bin/python3 -c 'import yaml' >/dev/null 2>&1 || need+=(python3-yaml)
# Headless Chromium for the browser test of `contam serve`'s page (scripts/browser-test.sh); CONTAM_SKIP_BROWSER=1 skips it.
if [ "${CONTAM_SKIP_BROWSER:-0}" != 1 ]; then
  command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || need+=(chromium fonts-dejavu-core)
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}" >&2
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need[@]}" >/dev/null
fi
command -v swift >/dev/null 2>&1 || { echo "setup: swift is not on PATH (Swift 6 toolchain required)" >&2; exit 1; }
