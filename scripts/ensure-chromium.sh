#!/bin/sh
# Browser tests drive Debian's chromium (never a browser download of Playwright's own).
# Install it when missing and we may; otherwise say why, and the browser tests report
# themselves as skipped with that reason (CI sets CAMPUSEVAL_REQUIRE_BROWSER=1: no skipping).
command -v chromium >/dev/null 2>&1 && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: no apt-get here; browser tests will be skipped" >&2; exit 0
fi
if [ "$(id -u)" = 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
  echo "ensure-chromium: not root and no password-less sudo; browser tests will be skipped" >&2; exit 0
fi
echo "ensure-chromium: installing Debian's chromium for the browser tests"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null 2>&1 \
  || { $SUDO apt-get update -q >/dev/null 2>&1 && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null 2>&1; } \
  || echo "ensure-chromium: could not install chromium; browser tests will be skipped" >&2
exit 0
