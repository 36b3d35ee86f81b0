#!/bin/sh
# Browser tests drive Debian's chromium (never a browser download of Playwright's own), with a
# CJK font so that screenshots show Chinese. Installed when missing and we may; otherwise the
# browser tests report themselves as skipped with the reason (CI sets
# CAMPUSEVAL_REQUIRE_BROWSER=1: no skipping there).
missing=""
command -v chromium >/dev/null 2>&1 || missing="chromium"
[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || missing="$missing fonts-wqy-microhei"
exec "$(dirname "$0")/apt-install-missing.sh" ensure-chromium "the browser tests" $missing
