"""Packaging: every import is declared, and a built wheel (no editable install) imports and finds the book.

The wheel is built without its dependencies and installed into a temporary
folder; a fresh interpreter imports every module from there, with the
already-installed dependencies visible but the source tree not on its path.
"""

from __future__ import annotations

import ast
import os
import pkgutil
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import relulab

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "relulab"
#: Import name -> distribution name, where they differ.
DISTRIBUTIONS = {"sklearn": "scikit-learn", "yaml": "PyYAML", "PIL": "pillow"}


def _requirements() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, version = line.partition("==")
            pins[name.lower()] = version
    return pins


def _third_party_imports() -> set[str]:
    names: set[str] = set()
    for path in SRC.rglob("*.py"):  # subpackages (relulab.exercises) too
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return {n for n in names if n not in sys.stdlib_module_names and n != "relulab"}


def test_every_import_is_declared_with_the_pin_of_requirements():
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    pins = dict(d.split("==") for d in declared)
    assert all("==" in d for d in declared), declared
    requirements = _requirements()
    imports = _third_party_imports()
    assert imports >= {"numpy", "torch", "matplotlib", "scipy", "sklearn", "yaml"}, imports
    for name in imports:
        dist = DISTRIBUTIONS.get(name, name)
        assert dist in pins, f"{name} is imported but {dist} is not in pyproject.toml's dependencies"
        assert pins[dist] == requirements[dist.lower()], f"{dist}: pyproject pins {pins[dist]}, requirements.txt {requirements[dist.lower()]}"


def test_the_wheel_installs_and_imports_every_module_outside_the_source_tree(tmp_path):
    pytest.importorskip("setuptools")
    wheels, target, elsewhere = tmp_path / "wheels", tmp_path / "site", tmp_path / "elsewhere"
    elsewhere.mkdir()
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    # built from a copy, so that setuptools' build/ and egg-info folders do not land in the working tree
    project = tmp_path / "project"
    shutil.copytree(SRC, project / "src" / "relulab", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, project / name)
    subprocess.run(pip + ["wheel", "--no-deps", "--no-build-isolation", "-w", str(wheels), str(project)],
                   check=True, cwd=tmp_path, capture_output=True)
    (wheel,) = wheels.glob("relulab-*.whl")
    subprocess.run(pip + ["install", "--no-deps", "--no-index", "--no-compile", "--target", str(target), str(wheel)],
                   check=True, capture_output=True)
    modules = sorted(m.name for m in pkgutil.iter_modules(relulab.__path__))
    script = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module('relulab.' + m)\n"
        "import relulab, relulab.ledger, relulab.text, relulab.bench\n"
        "print(relulab.__file__)\n"
        "print(len(relulab.ledger.load_claims()), len(relulab.text.book_prose('en', ['01_definition'])) > 0)\n"
        "print(relulab.bench.read_recorded().device)\n"
        f"print({str(SRC.parent)!r} in sys.path or any('editable' in m for m in sys.modules))\n"
    )
    # -S: no site processing, so the editable install's .pth cannot put the source tree on the path; the
    # dependencies come from the running interpreter's site-packages, the book through RELULAB_BOOK_ROOT
    site_packages = [p for p in sys.path if p.endswith("site-packages")]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | {
        "PYTHONPATH": os.pathsep.join([str(target), *site_packages]), "RELULAB_BOOK_ROOT": str(ROOT)}
    out = subprocess.run([sys.executable, "-S", "-c", script], cwd=elsewhere, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    where, claims, recorded, on_path = out.stdout.splitlines()
    assert Path(where).is_relative_to(target), f"relulab came from {where}, not from the installed wheel"
    assert re.fullmatch(r"\d+ True", claims) and int(claims.split()[0]) > 0
    assert recorded and on_path == "False"


def test_without_a_book_root_the_error_says_how_to_set_it(tmp_path, monkeypatch):
    from relulab import _paths, ledger

    monkeypatch.setenv(_paths.BOOK_ROOT_ENV, str(tmp_path))
    assert _paths.book_root() == tmp_path.resolve()
    with pytest.raises(FileNotFoundError, match=_paths.BOOK_ROOT_ENV):
        ledger.load_claims(tmp_path / "claims")
