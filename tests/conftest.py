"""Shared paths, the offline and repository guards for every notebook kernel the tests start, and the numerics mode.

Numerics (see ``src/relulab/numerics.py`` and issue "portable numerics"): on an x86-64 machine the
kernels that nbval starts get the book's pinned numerical environment, and every stored output is
compared exactly (*reference* mode). Where that environment cannot exist (a CPU that is not x86-64)
or ``RELULAB_NUMERICS=portable`` is set (*portable* mode), cells tagged ``rounding-sensitive`` are
still executed but their digits are not compared: their conclusions are asserted by the check cells
(``check-Cnn`` tags), which fail by name when a conclusion does not hold.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"
LANGS = ("en", "it")
SHARED = ROOT.parent / "shared"
OFFLINE_STARTUP = Path(__file__).resolve().parent / "offline" / "00_block_network.py"
#: The start-up file that refuses to open a file of this repository outside the relulab package (issue 22:
#: a chapter downloaded alone has no repository); it reads the repository from :data:`GUARD_ENV`.
REPOSITORY_STARTUP = OFFLINE_STARTUP.with_name("01_no_repository_files.py")
GUARD_ENV = "RELULAB_GUARD_REPOSITORY"

sys.path.insert(0, str(ROOT / "scripts"))

ROUNDING_TAG = "rounding-sensitive"
#: Cells whose digits differ between x86-64 CPU models even under the pinned environment (seen: 04's
#: Adam sweep near its divergence threshold, 0.87 on an Intel Xeon, 0.88 on an AMD EPYC, the same
#: conclusion). They run in every mode, and their check cells still assert the conclusion (an
#: exception fails the cell), but their printed digits are not compared, in reference mode either.
CPU_MODEL_TAG = "cpu-model-sensitive"


def _numerics():
    from notebooks import _numerics as load

    return load()


def pytest_configure(config):
    """Point IPython at a profile whose start-up files block the network and the repository's files.

    nbval (and nbclient in the tests) start kernels as subprocesses that inherit this
    environment, so every notebook runs with non-local sockets and name lookups refused, and
    fails if it opens a file of this repository outside the relulab package.
    """
    ipdir = Path(tempfile.mkdtemp(prefix="relulab-ipython-"))
    startup = ipdir / "profile_default" / "startup"
    startup.mkdir(parents=True)
    shutil.copy(OFFLINE_STARTUP, startup / OFFLINE_STARTUP.name)
    shutil.copy(REPOSITORY_STARTUP, startup / REPOSITORY_STARTUP.name)
    os.environ[GUARD_ENV] = str(ROOT)
    os.environ["IPYTHONDIR"] = str(ipdir)
    config._relulab_ipdir = ipdir
    numerics = _numerics()
    if os.environ.get("RELULAB_NUMERICS") not in ("portable", "perturbed"):
        os.environ.update(numerics.PINNED)  # inherited by every kernel nbval starts
    config._relulab_mode = numerics.mode()
    config._relulab_cells = {"strict": 0, "by-checks": 0}


#: Test modules that share state through the file system or a module-level cache run in one
#: xdist group (one worker, collection order): test_build.py builds the site into _build/html that
#: test_student_notebook.py reads; test_browser.py reuses the site that test_publishing.py builds.
SHARED_GROUPS = {
    "test_build.py": "site-in-_build",
    "test_student_notebook.py": "site-in-_build",
    "test_publishing.py": "site-in-tmp",
    "test_browser.py": "site-in-tmp",
}


def xdist_group(item) -> str:
    """The group of a test for ``pytest -n N --dist loadgroup`` (scripts/test.sh).

    The notebooks are independent of each other, so the unit is a file: every cell of one notebook
    runs in order in one kernel on one worker (nbval needs that), every test of one module on one
    worker (module fixtures are built once); modules that share a built site share a group.
    """
    path = Path(str(item.fspath))
    if path.suffix == ".ipynb":
        return f"{path.parent.name}/{path.name}"
    return SHARED_GROUPS.get(path.name, path.name)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session, config, items):
    """Group the tests for a parallel run (before xdist reads the groups, hence ``tryfirst``); in
    portable mode, rounding-sensitive cells run without comparing their digits."""
    for item in items:
        item.add_marker(pytest.mark.xdist_group(xdist_group(item)))
    portable = getattr(config, "_relulab_mode", "reference") == "portable"
    for item in items:
        cell = getattr(item, "cell", None)
        if cell is None or type(item).__name__ != "IPyNbCell":
            continue
        options = item.options
        if not options.get("check", True):
            continue
        tags = cell.metadata.get("tags") or []
        if CPU_MODEL_TAG in tags or (portable and ROUNDING_TAG in tags):
            options["check"] = False
            config._relulab_cells["by-checks"] += 1
        else:
            config._relulab_cells["strict"] += 1


def pytest_sessionfinish(session):
    """On an xdist worker, hand what the summary needs to the controller (``workeroutput``)."""
    out = getattr(session.config, "workeroutput", None)
    if out is not None:
        out["relulab_cells"] = json.dumps(getattr(session.config, "_relulab_cells", {}))
        out["relulab_perturbed"] = json.dumps(getattr(session.config, "_relulab_perturbed", {}))


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """On the xdist controller: merge the workers' reports. Every worker collects every test, so
    each counts all the notebook cells (take one count, not the sum); the perturbed notebooks
    ran on one worker or several (merge them)."""
    out = getattr(node, "workeroutput", None) or {}
    config = node.config
    if "relulab_cells" in out:
        cells = json.loads(out["relulab_cells"])
        if sum(cells.values()):
            config._relulab_cells = cells
        config.__dict__.setdefault("_relulab_perturbed", {}).update(json.loads(out["relulab_perturbed"]))
        if not config._relulab_perturbed:
            del config._relulab_perturbed


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
