"""Two scales, one code: verdict-bearing experiments at book scale and at full scale.

A chapter runs each experiment that carries a verdict *live*, at **book scale**
(small enough for the notebook's 30 s budget, at least 5 seeds). The same
function, called with larger arguments (≥ 10 seeds, full training sets, tuned
rates, trained to a plateau), is the **full-scale replication**: it runs once,
outside the book, through ``scripts/replicate.py``, and its result is stored in
``data/replications/<name>.json`` with its provenance. The chapter shows the
live result beside the recorded one and says whether they agree.

An experiment is registered where it is defined::

    from relulab.replication import experiment

    @experiment("ch4-remedies", book={"seeds": 5, "epochs": 6}, full={"seeds": 20, "epochs": 40},
                depends=(train_runs, dead_fraction))
    def remedies(seeds: int, epochs: int) -> dict:
        ...
        return {"arms": [...], "diff": [...]}   # JSON-serialisable

The *source hash* of an experiment is the SHA-256 of the source of the function
and of every function in ``depends`` (the code whose change would change the
result). A recorded replication stores it; :func:`load` refuses a record whose
hash differs from today's code, so a chapter can never show a full-scale result
made by a different version of the experiment (``tests/test_replications.py``
checks every record).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import importlib
import inspect
import json
import os
import platform
import pkgutil
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._paths import book_root, missing

#: Folder (relative to the book's root) of the recorded full-scale results.
RECORD_DIR = Path("data") / "replications"

SCALES = ("book", "full")


class StaleReplication(RuntimeError):
    """A recorded replication was made by a different version of the experiment's code."""


@dataclass(frozen=True)
class Experiment:
    """A registered experiment: the function, its two scales and the code it depends on."""

    name: str
    fn: Callable[..., dict]
    book: Mapping[str, Any]
    full: Mapping[str, Any]
    depends: tuple[Callable[..., Any], ...] = field(default=())

    def source_hash(self) -> str:
        """SHA-256 of the source of the experiment and of the functions it depends on."""
        return source_hash((self.fn, *self.depends))

    def run(self, scale: str = "book", **overrides: Any) -> dict:
        """Run at ``scale`` ("book" or "full"); keyword ``overrides`` replace the scale's arguments."""
        if scale not in SCALES:
            raise ValueError(f"scale must be one of {SCALES}, got {scale!r}")
        kwargs = {**(self.book if scale == "book" else self.full), **overrides}
        result = self.fn(**kwargs)
        if not isinstance(result, dict):
            raise TypeError(f"experiment {self.name!r} must return a dict, got {type(result).__name__}")
        return result


#: Every registered experiment, by name (filled by :func:`experiment` at import time).
EXPERIMENTS: dict[str, Experiment] = {}


def _source(fn: Callable[..., Any]) -> str:
    target = inspect.unwrap(fn)
    try:
        return inspect.getsource(target)
    except (OSError, TypeError) as exc:
        raise TypeError(f"cannot read the source of {fn!r}: depends must name Python functions or classes") from exc


def source_hash(functions: Sequence[Callable[..., Any]]) -> str:
    """SHA-256 (hex) of the concatenated source code of ``functions``, in the order given."""
    if isinstance(functions, (str, bytes)) or not isinstance(functions, Sequence) or not functions:
        raise TypeError(f"functions must be a non-empty sequence of functions, got {functions!r}")
    digest = hashlib.sha256()
    for fn in functions:
        if not callable(fn):
            raise TypeError(f"functions must hold callables, got {fn!r}")
        digest.update(f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', '?')}\n".encode())
        digest.update(_source(fn).encode())
    return digest.hexdigest()


def experiment(
    name: str,
    *,
    book: Mapping[str, Any],
    full: Mapping[str, Any],
    depends: Sequence[Callable[..., Any]] = (),
) -> Callable[[Callable[..., dict]], Callable[..., dict]]:
    """Register the decorated function as the experiment ``name`` (see the module's docstring)."""
    if not isinstance(name, str) or not name or any(c in name for c in "/\\ "):
        raise ValueError(f"name must be a non-empty string without spaces or slashes, got {name!r}")
    for label, kwargs in (("book", book), ("full", full)):
        if not isinstance(kwargs, Mapping):
            raise TypeError(f"{label} must be a mapping of keyword arguments, got {type(kwargs).__name__}")
    if isinstance(depends, (str, bytes)) or not isinstance(depends, Sequence) or not all(callable(f) for f in depends):
        raise TypeError(f"depends must be a sequence of functions, got {depends!r}")

    def register(fn: Callable[..., dict]) -> Callable[..., dict]:
        if name in EXPERIMENTS and EXPERIMENTS[name].fn.__qualname__ != fn.__qualname__:
            raise ValueError(f"experiment name {name!r} is already used by {EXPERIMENTS[name].fn.__qualname__}")
        EXPERIMENTS[name] = Experiment(name, fn, dict(book), dict(full), tuple(depends))
        return fn

    return register


def discover() -> dict[str, Experiment]:
    """Import every module of :mod:`relulab` (so every experiment registers) and return the registry."""
    import relulab

    for info in pkgutil.walk_packages(relulab.__path__, "relulab."):
        importlib.import_module(info.name)
    return dict(EXPERIMENTS)


def get(name: str) -> Experiment:
    """The registered experiment ``name`` (importing every module first if needed)."""
    if not isinstance(name, str):
        raise TypeError(f"name must be a string, got {type(name).__name__}")
    if name not in EXPERIMENTS:
        discover()
    if name not in EXPERIMENTS:
        raise ValueError(f"no experiment named {name!r}; registered: {sorted(EXPERIMENTS)}")
    return EXPERIMENTS[name]


def _git_version(root: Path) -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "describe", "--always", "--dirty"],
            capture_output=True, text=True, timeout=10, check=True,
        )
        return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def _machine() -> dict[str, Any]:
    import torch

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    info: dict[str, Any] = {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "platform": platform.platform(),
    }
    if torch.cuda.is_available():
        info["gpu"] = torch.cuda.get_device_name(0)
    return info


def record_path(name: str, root: Path | None = None) -> Path:
    """Where the full-scale record of ``name`` lives."""
    if not isinstance(name, str) or not name or any(c in name for c in "/\\ "):
        raise ValueError(f"name must be a non-empty string without spaces or slashes, got {name!r}")
    if root is not None and not isinstance(root, (str, Path)):
        raise TypeError(f"root must be None or a path (str or Path), got {type(root).__name__}")
    return (book_root() if root is None else Path(root)) / RECORD_DIR / f"{name}.json"


def record(name: str, *, command: str, root: Path | None = None, **overrides: Any) -> Path:
    """Run ``name`` at full scale and store result and provenance in ``data/replications/<name>.json``."""
    exp = get(name)
    start = time.perf_counter()
    result = exp.run("full", **overrides)
    wall = time.perf_counter() - start
    base = book_root() if root is None else Path(root)
    payload = {
        "name": name,
        "arguments": {**exp.full, **overrides},
        "result": result,
        "provenance": {
            "command": command,
            "code_version": _git_version(base),
            "source_hash": exp.source_hash(),
            "functions": [f"{f.__module__}.{f.__qualname__}" for f in (exp.fn, *exp.depends)],
            "machine": _machine(),
            "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            "wall_s": round(wall, 1),
        },
    }
    path = record_path(name, base)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=1, sort_keys=False, allow_nan=False) + "\n", encoding="utf-8")
    return path


@dataclass(frozen=True)
class Recorded:
    """A stored full-scale result with its provenance."""

    name: str
    arguments: dict
    result: dict
    provenance: dict

    @property
    def stale(self) -> bool:
        """True when today's code of the experiment differs from the code that made the record."""
        return self.provenance.get("source_hash") != get(self.name).source_hash()


def load(name: str, *, root: Path | None = None, allow_stale: bool = False) -> Recorded:
    """The recorded full-scale result of ``name``; :class:`StaleReplication` if its code changed since."""
    path = record_path(name, root)
    if not path.is_file():
        raise missing(path, f"recorded replication {name!r} (make it with scripts/replicate.py {name})")
    data = json.loads(path.read_text(encoding="utf-8"))
    rec = Recorded(data["name"], data["arguments"], data["result"], data["provenance"])
    if rec.name != name:
        raise ValueError(f"{path} records {rec.name!r}, not {name!r}")
    if not allow_stale and rec.stale:
        raise StaleReplication(
            f"the record {path.name} was made by a different version of the code of experiment {name!r} "
            f"(source hash {rec.provenance.get('source_hash', '?')[:12]} vs today's {get(name).source_hash()[:12]}); "
            f"re-run: python scripts/replicate.py {name}"
        )
    return rec
