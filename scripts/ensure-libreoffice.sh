#!/bin/sh
# The PDF page-count tests (tests/filings/test_pdf_pages.py) convert the official forms with
# Debian's LibreOffice (headless: the -nogui packages), with a CJK font so that Chinese text
# takes its real width. Installed when missing and we may (CI sets CAMPUSEVAL_REQUIRE_LIBREOFFICE=1:
# no skipping there).
missing=""
command -v soffice >/dev/null 2>&1 || command -v libreoffice >/dev/null 2>&1 \
  || missing="libreoffice-writer-nogui libreoffice-calc-nogui"
[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || missing="$missing fonts-wqy-microhei"
exec "$(dirname "$0")/apt-install-missing.sh" ensure-libreoffice "the PDF page-count tests" $missing
