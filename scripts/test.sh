#!/usr/bin/env bash
# The test command (README). Installs what the tests need that a fresh machine
# lacks — poppler-utils (pdftotext, pdffonts, pdftoppm) and Chromium (for the
# `serve` browser test, driven headless over the DevTools protocol) from Debian,
# and the typst compiler and an SMTP server (aiosmtpd) from PyPI — then runs
# every test.
# With CI=true the tests treat a missing tool as a failure, never a skip.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_need=()
command -v pdftotext >/dev/null 2>&1 || apt_need+=(poppler-utils)
command -v chromium >/dev/null 2>&1 || apt_need+=(chromium)
if [ ${#apt_need[@]} -gt 0 ]; then
  echo "installing ${apt_need[*]} from Debian..." >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${apt_need[@]}" >/dev/null
fi

py_need=()
python3 -c 'import typst' >/dev/null 2>&1 || py_need+=("typst>=0.15,<0.16")
python3 -c 'import aiosmtpd' >/dev/null 2>&1 || py_need+=("aiosmtpd")
if [ ${#py_need[@]} -gt 0 ]; then
  echo "installing ${py_need[*]} from PyPI..." >&2
  python3 -m pip install --quiet --disable-pip-version-check "${py_need[@]}"
fi

exec cargo test "$@"
