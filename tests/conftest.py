"""Shared paths, the offline guard for every notebook kernel the tests start, and the numerics mode.

Numerics (see ``src/relulab/numerics.py`` and issue "portable numerics"): on an x86-64 machine the
kernels that nbval starts get the book's pinned numerical environment, and every stored output is
compared exactly (*reference* mode). Where that environment cannot exist (a CPU that is not x86-64)
or ``RELULAB_NUMERICS=portable`` is set (*portable* mode), cells tagged ``rounding-sensitive`` are
still executed but their digits are not compared: their conclusions are asserted by the check cells
(``check-Cnn`` tags), which fail by name when a conclusion does not hold.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"
LANGS = ("en", "it")
SHARED = ROOT.parent / "shared"
OFFLINE_STARTUP = Path(__file__).resolve().parent / "offline" / "00_block_network.py"

sys.path.insert(0, str(ROOT / "scripts"))

ROUNDING_TAG = "rounding-sensitive"


def _numerics():
    from notebooks import _numerics as load

    return load()


def pytest_configure(config):
    """Point IPython at a profile whose start-up file blocks the network.

    nbval (and nbclient in the tests) start kernels as subprocesses that inherit this
    environment, so every notebook runs with non-local sockets and name lookups refused.
    """
    ipdir = Path(tempfile.mkdtemp(prefix="relulab-ipython-"))
    startup = ipdir / "profile_default" / "startup"
    startup.mkdir(parents=True)
    shutil.copy(OFFLINE_STARTUP, startup / OFFLINE_STARTUP.name)
    os.environ["IPYTHONDIR"] = str(ipdir)
    config._relulab_ipdir = ipdir
    numerics = _numerics()
    if os.environ.get("RELULAB_NUMERICS") not in ("portable", "perturbed"):
        os.environ.update(numerics.PINNED)  # inherited by every kernel nbval starts
    config._relulab_mode = numerics.mode()
    config._relulab_cells = {"strict": 0, "by-checks": 0}


def pytest_collection_modifyitems(session, config, items):
    """In portable mode, rounding-sensitive cells run without comparing their digits."""
    portable = getattr(config, "_relulab_mode", "reference") == "portable"
    for item in items:
        cell = getattr(item, "cell", None)
        if cell is None or type(item).__name__ != "IPyNbCell":
            continue
        options = item.options
        if not options.get("check", True):
            continue
        if portable and ROUNDING_TAG in (cell.metadata.get("tags") or []):
            options["check"] = False
            config._relulab_cells["by-checks"] += 1
        else:
            config._relulab_cells["strict"] += 1


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    runs = getattr(config, "_relulab_perturbed", {})
    if runs:
        total = sum(r["seconds"] for r in runs.values())
        terminalreporter.write_line(f"numerics: perturbed run (unpinned), {len(runs)} notebooks in {total:.0f} s; code cells whose text changed:")
        for name, r in runs.items():
            terminalreporter.write_line(f"  {name}: {r['changed'] or 'none'}" + (" FAILED" if r["error"] else ""))
    mode = getattr(config, "_relulab_mode", None)
    cells = getattr(config, "_relulab_cells", {})
    if mode is None or not sum(cells.values()):
        return
    if mode == "reference":
        how = "x86-64, pinned numerical environment: every stored output compared exactly"
    else:
        how = "portable: rounding-sensitive cells checked by their conclusions, the rest exactly"
    terminalreporter.write_line(
        f"numerics: {mode} mode ({how}); notebook cells compared exactly: {cells['strict']}, "
        f"by their check cells only: {cells['by-checks']}"
    )


def pytest_unconfigure(config):
    ipdir = getattr(config, "_relulab_ipdir", None)
    if ipdir is not None:
        shutil.rmtree(ipdir, ignore_errors=True)
