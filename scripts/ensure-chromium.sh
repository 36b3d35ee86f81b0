#!/bin/sh
# Browser tests drive Debian's chromium (never a browser download of Playwright's own), with a
# CJK font so that screenshots show Chinese. Install them when missing and we may; otherwise
# say why, and the browser tests report themselves as skipped with that reason (CI sets
# CAMPUSEVAL_REQUIRE_BROWSER=1: no skipping there).
missing=""
command -v chromium >/dev/null 2>&1 || missing="chromium"
[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || missing="$missing fonts-wqy-microhei"
[ -z "$missing" ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: no apt-get here to install$missing" >&2; exit 0
fi
if [ "$(id -u)" = 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
  echo "ensure-chromium: not root and no password-less sudo to install$missing" >&2; exit 0
fi
echo "ensure-chromium: installing$missing for the browser tests"
install() { $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing >/dev/null 2>&1; }
install || { $SUDO apt-get update -q >/dev/null 2>&1 && install; } \
  || echo "ensure-chromium: could not install$missing" >&2
exit 0
