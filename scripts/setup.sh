#!/usr/bin/env bash
# Create (or update) the environment the book needs: .venv with every pinned dependency and relulab.
# Works on a fresh Debian machine with Python 3.11. Usage: bash scripts/setup.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  if ! "$PY" -m venv .venv 2>/dev/null; then
    # Debian splits venv out of the interpreter package
    rm -rf .venv
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
    fi
    "$PY" -m venv .venv
  fi
fi
.venv/bin/python -m pip install --quiet --upgrade pip
# torch 2.13.0 CPU: where no local CPU build is found, take it from PyTorch's CPU index (no CUDA packages).
.venv/bin/python -m pip install --quiet torch==2.13.0 2>/dev/null \
  || .venv/bin/python -m pip install --quiet torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu
.venv/bin/python -m pip install --quiet -r requirements.txt
.venv/bin/python -m pip install --quiet --no-deps -e .
.venv/bin/python -m ipykernel install --sys-prefix --name python3 >/dev/null
echo "environment ready: $(pwd)/.venv"
