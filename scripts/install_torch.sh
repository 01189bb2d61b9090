#!/usr/bin/env bash
# Install torch, the one package of the book that comes in several builds, into a Python environment,
# at the version pinned in requirements.lock and WITHOUT its dependencies (the lock files pin them).
#
#   default (RELULAB_TORCH=cpu): the CPU build, torch==X+cpu (about 190 MB, no CUDA libraries):
#     1. from the wheels pip already has locally (pip's find-links, pip's cache: --no-index, so no
#        index is asked and nothing waits on the network), else
#     2. from PyTorch's CPU wheel index (RELULAB_TORCH_INDEX to use a mirror), for torch only.
#   RELULAB_TORCH=cuda: PyPI's default build of torch==X, which on Linux pulls in the CUDA
#     libraries (several GB): only for a machine with an NVIDIA GPU.
#
# Usage: bash scripts/install_torch.sh PYTHON [extra pip arguments, e.g. --dry-run --report FILE]
# Used by scripts/setup.sh (the book's .venv) and binder/postBuild (Binder, readers' environments).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${1:?usage: bash scripts/install_torch.sh PYTHON [pip arguments]}
shift
VERSION=$(sed -n 's/^torch==\([0-9][0-9.]*\)\(+cpu\)\{0,1\}$/\1/p' requirements.lock)
[ -n "$VERSION" ] || { echo "requirements.lock pins no torch==X+cpu" >&2; exit 1; }
INDEX=${RELULAB_TORCH_INDEX:-https://download.pytorch.org/whl/cpu}
case "${RELULAB_TORCH:-cpu}" in
  cpu)
    if "$PY" -m pip install --quiet --no-deps --no-index "$@" "torch==$VERSION+cpu" 2>/dev/null; then
      echo "torch $VERSION+cpu: from a local wheel"
    else
      "$PY" -m pip install --quiet --no-deps --index-url "$INDEX" "$@" "torch==$VERSION+cpu"
      echo "torch $VERSION+cpu: from $INDEX"
    fi
    ;;
  cuda)
    # --force-reinstall --no-deps: replaces a CPU build (torch==X counts X+cpu as installed);
    # then torch's dependencies, the CUDA libraries among them.
    "$PY" -m pip install --quiet --force-reinstall --no-deps "$@" "torch==$VERSION"
    "$PY" -m pip install --quiet "$@" "torch==$VERSION"
    echo "torch $VERSION: PyPI's default build (CUDA on Linux)"
    ;;
  *)
    echo "RELULAB_TORCH must be cpu (default) or cuda, not ${RELULAB_TORCH}" >&2
    exit 1
    ;;
esac
