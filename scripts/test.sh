#!/usr/bin/env bash
# Set up the environment and run the whole test suite: unit tests of relulab, nbval over every
# notebook (strict), notebook parity and execution checks, the ledger, the offline check and the
# book build with warnings as errors. Usage: bash scripts/test.sh [extra pytest args]
#
# The tests run in parallel, one worker per core (pytest-xdist; RELULAB_TEST_WORKERS=N sets the
# number, 0 runs them serially): each notebook, and each test module, is one group that runs on one
# worker in order (tests/conftest.py, xdist_group). Notebook kernels are single-threaded (the pinned
# environment; chapter 5b alone trains its FFN kinds in two threads, with the results of one), so
# workers hardly compete for cores; timing cells are never compared. --durations lists the 20 slowest
# tests at the end (where the suite's time goes).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/setup_browser.sh  # Debian's Chromium for tests/test_browser.py
# The book's pinned numerical environment (src/relulab/numerics.py): read by numpy, torch, MKL,
# OpenBLAS and the C library when they load, so it must be set before Python starts. Kernels that
# nbval starts inherit it; tests/test_perturbed.py deliberately runs the notebooks without it.
eval "$(.venv/bin/python src/relulab/numerics.py --export)"
.venv/bin/python -m pytest -p no:cacheprovider \
  --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg \
  -n "${RELULAB_TEST_WORKERS:-auto}" --dist loadgroup --durations=20 \
  tests book "$@"
