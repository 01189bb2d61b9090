#!/usr/bin/env bash
# Create (or update) the environment the book needs: .venv with every dependency pinned
# (requirements.lock) and relulab installed in editable mode.
# Works on a fresh Debian machine with Python 3.11. Usage: bash scripts/setup.sh
#
# torch: the CPU build by default (about 190 MB; the book needs no GPU), see scripts/install_torch.sh.
# For PyPI's CUDA build instead (several GB, only useful with an NVIDIA GPU):
#   RELULAB_TORCH=cuda bash scripts/setup.sh
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
bash scripts/install_torch.sh .venv/bin/python
# Everything else, at the versions of the lock (its torch line is the build installed above).
LOCK=$(mktemp)
trap 'rm -f "$LOCK"' EXIT
grep -v '^torch==' requirements.lock > "$LOCK"
.venv/bin/python -m pip install --quiet -r "$LOCK"
.venv/bin/python -m pip install --quiet --no-deps -e .
.venv/bin/python -m pip check
.venv/bin/python -m ipykernel install --sys-prefix --name python3 >/dev/null
echo "environment ready: $(pwd)/.venv"
