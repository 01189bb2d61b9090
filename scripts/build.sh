#!/usr/bin/env bash
# Set up the environment and build the HTML book in both languages into _build/html.
# Usage: bash scripts/build.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python scripts/build_book.py
