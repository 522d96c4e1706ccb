#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests (test/browser/), unless it is already there.
# playwright-core drives it (`npx playwright install` is not used: its downloads need the internet,
# the Debian package only the apt mirror). Run as root, e.g. from .ci/run before `npm test`.
#
#   scripts/install-browser.sh            installs /usr/bin/chromium if missing
#   NEARDUP_CHROMIUM=/path/to/chromium    the tests use another binary instead (then nothing is installed)
set -euo pipefail

bin="${NEARDUP_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$bin" ]; then
  echo "chromium: $("$bin" --version 2>/dev/null || echo "$bin") (already installed)"
  exit 0
fi
if [ -n "${NEARDUP_CHROMIUM:-}" ]; then
  echo "NEARDUP_CHROMIUM=$NEARDUP_CHROMIUM is not an executable" >&2
  exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "chromium is missing and installing it needs root: sudo $0 (or set NEARDUP_SKIP_BROWSER=1 to skip the browser tests)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium >/dev/null
echo "chromium: $(/usr/bin/chromium --version 2>/dev/null)"
