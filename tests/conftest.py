"""Shared paths, and the offline guard for every notebook kernel the tests start."""

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


def pytest_unconfigure(config):
    ipdir = getattr(config, "_relulab_ipdir", None)
    if ipdir is not None:
        shutil.rmtree(ipdir, ignore_errors=True)
