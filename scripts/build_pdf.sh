#!/usr/bin/env bash
# Set up the environment and Chromium, then build the PDF edition (both languages: the whole book
# and each chapter, into _build/pdf/<lang>/site/pdf/) and the HTML site that links it from each
# edition's landing page (_build/html/<lang>/pdf/). Offline. Usage: bash scripts/build_pdf.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/setup_browser.sh  # Debian's Chromium and chromedriver print the pages
.venv/bin/python scripts/build_pdf.py "$@"
