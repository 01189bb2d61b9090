"""Two scales, one code: verdict-bearing experiments at book scale and at full scale.

A chapter runs each experiment that carries a verdict *live*, at **book scale**
(small enough for the notebook's 30 s budget, at least 5 seeds). The same
function, called with larger arguments (≥ 10 seeds, full training sets, tuned
rates, trained to a plateau), is the **full-scale replication**: it runs once,
outside the book, through ``scripts/replicate.py``, and its result is stored in
``src/relulab/records/<name>.json`` with its provenance. The chapter shows the
live result beside the recorded one and says whether they agree.

The records are **package data** of relulab (``relulab/records/``, listed in
``pyproject.toml``) and are read through :mod:`importlib.resources`: the same
:func:`load` works from the repository, from an editable install and from a
wheel, so a notebook downloaded alone, with relulab installed from the
repository's archive, shows the recorded full-scale results too.

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
import importlib.resources
import inspect
import json
import math
import os
import platform
import pkgutil
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from .i18n import current_language, number, register, t

#: Where the recorded full-scale results live in the book's repository (relative to its root): the
#: folder ``records`` of the package, shipped in the wheel as package data (see :func:`records_folder`).
RECORD_DIR = Path("src") / "relulab" / "records"

#: The package and the folder inside it that hold the records.
RECORD_PACKAGE, RECORD_SUBDIR = "relulab", "records"

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


def records_folder() -> Traversable:
    """The folder of the recorded full-scale results: ``records`` inside the installed package.

    Read through :mod:`importlib.resources`, so it is ``src/relulab/records`` in the repository
    (and in an editable install) and ``site-packages/relulab/records`` in a wheel install.
    """
    return importlib.resources.files(RECORD_PACKAGE).joinpath(RECORD_SUBDIR)


def record_path(name: str, folder: str | Path | None = None) -> Path | Traversable:
    """Where the full-scale record of ``name`` lives: in ``folder``, or by default in :func:`records_folder`."""
    if not isinstance(name, str) or not name or any(c in name for c in "/\\ "):
        raise ValueError(f"name must be a non-empty string without spaces or slashes, got {name!r}")
    if folder is not None and not isinstance(folder, (str, Path)):
        raise TypeError(f"folder must be None or a path (str or Path), got {type(folder).__name__}")
    return (records_folder() if folder is None else Path(folder)).joinpath(f"{name}.json")


def record(name: str, *, command: str, folder: str | Path | None = None, **overrides: Any) -> Path:
    """Run ``name`` at full scale and store result and provenance in ``<folder>/<name>.json``.

    The source hash, the list of functions and the code version are taken *before* the run, from the
    code that is about to run: an edit saved while the run is under way makes the record stale, never
    a record of the edited code.

    By default ``folder`` is :func:`records_folder`, the package's own ``records`` (``src/relulab/records``
    when ``scripts/replicate.py`` runs it from the repository).
    """
    exp = get(name)
    path = record_path(name, folder)
    if not isinstance(path, Path):
        raise TypeError(f"cannot write the record of {name!r} into {path}: relulab is not installed as plain files; "
                        f"give folder=, or run scripts/replicate.py from the book's repository")
    path.parent.mkdir(parents=True, exist_ok=True)
    # The code that runs is the code on disk when the run starts: hash it (and name its functions) now,
    # so that an edit made while a long run is under way cannot pass for the code that made the record.
    code_hash = exp.source_hash()
    functions = [f"{f.__module__}.{f.__qualname__}" for f in (exp.fn, *exp.depends)]
    version = _git_version(path.parent)
    start = time.perf_counter()
    result = exp.run("full", **overrides)
    wall = time.perf_counter() - start
    payload = {
        "name": name,
        "arguments": {**exp.full, **overrides},
        "result": result,
        "provenance": {
            "command": command,
            "code_version": version,
            "source_hash": code_hash,
            "functions": functions,
            "machine": _machine(),
            "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            "wall_s": round(wall, 1),
        },
    }
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


def load(name: str, *, folder: str | Path | None = None, allow_stale: bool = False) -> Recorded:
    """The recorded full-scale result of ``name`` (from ``folder``, by default :func:`records_folder`);
    :class:`StaleReplication` if its code changed since."""
    path = record_path(name, folder)
    if not path.is_file():
        raise FileNotFoundError(
            f"no recorded replication {name!r} at {path}: make it with python scripts/replicate.py {name} "
            f"(the records ship inside relulab, in {RECORD_DIR.as_posix()} of the book's repository)"
        )
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


# --------------------------------------------------------------------------- do the two scales agree?

#: Where an interval lies with respect to the null value: wholly above it, wholly below it, or around it.
SIDES = ("above", "below", "includes")

AGREEMENT_STATUSES = ("agree", "compatible", "disagree")


def _interval(value: Any, name: str) -> tuple[float, float, float]:
    """``(mean, low, high)`` of a result with a 95% interval: an object with those attributes or a mapping."""
    if isinstance(value, Mapping):
        missing_keys = [k for k in ("mean", "low", "high") if k not in value]
        if missing_keys:
            raise ValueError(f"{name} must have the keys mean, low and high, missing {missing_keys}")
        parts = (value["mean"], value["low"], value["high"])
    elif all(hasattr(value, k) for k in ("mean", "low", "high")):
        parts = (value.mean, value.low, value.high)
    else:
        raise TypeError(f"{name} must be a comparison or summary with mean, low and high (or a mapping with those keys), "
                        f"got {type(value).__name__}")
    out = []
    for part, k in zip(parts, ("mean", "low", "high")):
        if isinstance(part, bool) or not isinstance(part, (int, float)) or not math.isfinite(part):
            raise ValueError(f"{name}.{k} must be a finite real number, got {part!r}")
        out.append(float(part))
    mean, low, high = out
    if not low <= mean <= high:
        raise ValueError(f"{name} must satisfy low <= mean <= high, got mean {mean}, interval [{low}, {high}]")
    return mean, low, high


def _count(value: Any) -> int | None:
    """The number of seeds behind an interval (attribute or key ``n``), or None."""
    n = value.get("n") if isinstance(value, Mapping) else getattr(value, "n", None)
    return n if isinstance(n, int) and not isinstance(n, bool) and n > 0 else None


def _side(low: float, high: float, null: float) -> str:
    return "above" if low > null else "below" if high < null else "includes"


@dataclass(frozen=True)
class Agreement:
    """Whether the book-scale and the full-scale interval of one effect tell the same story (see :func:`agreement`)."""

    book: tuple[float, float, float]
    full: tuple[float, float, float]
    null: float
    book_side: str
    full_side: str
    overlap: bool
    status: str
    n: tuple[int | None, int | None] = (None, None)

    @property
    def agree(self) -> bool:
        """True unless the two scales contradict each other (``status`` ``"agree"`` or ``"compatible"``)."""
        return self.status != "disagree"

    def text(self, what: str = "", digits: int = 1) -> str:
        """One line in the current language, e.g. ``ELU − ReLU: book scale and full scale agree (both above 0) …``."""
        if not isinstance(what, str):
            raise TypeError(f"what must be a string, got {type(what).__name__}")
        if isinstance(digits, bool) or not isinstance(digits, int) or not 0 <= digits <= 12:
            raise ValueError(f"digits must be an int in [0, 12], got {digits!r}")
        null = f"{self.null:g}".replace(".", ",") if _lang_it() else f"{self.null:g}"

        def iv(m: tuple[float, float, float], n: int | None) -> str:
            sep = "; " if _lang_it() else ", "
            text = f"{number(m[0], digits)} [{number(m[1], digits)}{sep}{number(m[2], digits)}]"
            return text if n is None else f"{text} n = {n}"

        fields = dict(what=f"{what}: " if what else "", book=iv(self.book, self.n[0]), full=iv(self.full, self.n[1]),
                      book_side=t(f"replication.side_{self.book_side}", null=null),
                      full_side=t(f"replication.side_{self.full_side}", null=null))
        if self.status == "agree":
            return t("replication.agree", both=t(f"replication.both_{self.book_side}", null=null), **fields)
        return t(f"replication.{self.status}", **fields)


def _lang_it() -> bool:
    return current_language() == "it"


def agreement(book: Any, full: Any, *, null: float = 0.0) -> Agreement:
    """Do the live book-scale result and the recorded full-scale result of one effect agree?

    ``book`` and ``full`` are the same effect measured at the two scales, each a mean with
    its 95% interval: a :class:`relulab.stats.Comparison` or :class:`~relulab.stats.Summary`,
    a :class:`relulab.checks.Paired`, or a mapping with keys ``mean``, ``low`` and ``high``.
    ``null`` is the value of "no effect" (0 for a difference, 1 for a ratio). The number of seeds
    (attribute or key ``n``, when given) is printed by :meth:`Agreement.text`.

    Each interval lies **above** the null, **below** it, or **includes** it. Then:

    - ``"agree"``: both intervals on the same side: both above, both below (the same sign of
      the effect, resolved at both scales), or both include the null (neither scale shows an
      effect);
    - ``"compatible"``: one interval excludes the null and the other includes it, but the two
      intervals overlap: the scales do not contradict each other, one of them resolves what the
      other (usually the smaller) cannot;
    - ``"disagree"``: the intervals lie on opposite sides of the null (opposite signs, both
      resolved), or one excludes the null and the two do not overlap (the book scale claims an
      effect that the full scale places elsewhere, or the reverse).

    :attr:`Agreement.agree` is true for ``"agree"`` and ``"compatible"``: same side of the null,
    or overlapping intervals. Two intervals on the same side agree even when they do not overlap
    (the sign of the effect is the verdict; :attr:`Agreement.overlap` says whether the sizes are
    compatible too).

    >>> agreement({"mean": 2.0, "low": 1.0, "high": 3.0}, {"mean": 0.5, "low": 0.2, "high": 0.8}).status
    'agree'
    >>> agreement({"mean": 1.0, "low": -1.0, "high": 3.0}, {"mean": 0.5, "low": 0.2, "high": 0.8}).status
    'compatible'
    >>> agreement({"mean": 2.0, "low": 1.0, "high": 3.0}, {"mean": -0.5, "low": -0.8, "high": -0.2}).status
    'disagree'
    """
    if isinstance(null, bool) or not isinstance(null, (int, float)) or not math.isfinite(null):
        raise ValueError(f"null must be a finite real number (0 for a difference, 1 for a ratio), got {null!r}")
    b, f = _interval(book, "book"), _interval(full, "full")
    sb, sf = _side(b[1], b[2], null), _side(f[1], f[2], null)
    overlap = max(b[1], f[1]) <= min(b[2], f[2])
    if sb == sf:
        status = "agree"
    elif "includes" in (sb, sf) and overlap:
        status = "compatible"
    else:
        status = "disagree"
    return Agreement(b, f, float(null), sb, sf, overlap, status, (_count(book), _count(full)))


def agreements(book: Mapping[str, tuple[Any, float]], full: Mapping[str, tuple[Any, float]]) -> dict[str, Agreement]:
    """:func:`agreement` for every effect measured at both scales.

    ``book`` and ``full`` map an effect's label to ``(interval, null)`` (what the ``*_effects``
    functions of the experiments return); the result maps each label present in both, in the
    order of ``book``, to its :class:`Agreement`. The null of the book scale is used; both scales
    must give the same one.
    """
    for name, effects in (("book", book), ("full", full)):
        if not isinstance(effects, Mapping) or not effects:
            raise TypeError(f"{name} must be a non-empty mapping label -> (interval, null), got {effects!r}")
        for label, value in effects.items():
            if not isinstance(label, str) or not isinstance(value, tuple) or len(value) != 2:
                raise TypeError(f"{name}[{label!r}] must be a pair (interval, null), got {value!r}")
    out = {}
    for label, (iv, null) in book.items():
        if label not in full:
            continue
        if full[label][1] != null:
            raise ValueError(f"book and full give {label!r} different nulls: {null!r} and {full[label][1]!r}")
        out[label] = agreement(iv, full[label][0], null=null)
    if not out:
        raise ValueError(f"book and full share no effect: {sorted(book)} against {sorted(full)}")
    return out


def _default_describe(result: Mapping[str, Any]) -> str:
    """A result's scale in words: its seeds, and its epochs or steps when it has them."""
    seeds = result.get("seeds") if isinstance(result, Mapping) else None
    if isinstance(seeds, bool) or not isinstance(seeds, (list, tuple, int)):
        raise ValueError(f"a result without a list of 'seeds' needs describe=..., a function result -> words; got keys {sorted(result)}")
    n = len(seeds) if isinstance(seeds, (list, tuple)) else seeds
    words = t("replication.n_seeds", n=n)
    for key in ("epochs", "steps"):
        if isinstance(result, Mapping) and isinstance(result.get(key), int):
            words += ", " + t(f"replication.n_{key}", n=result[key])
    return words


@dataclass(frozen=True)
class ScaleComparison:
    """One verdict-bearing experiment at both scales; it prints itself in the notebook's language.

    ``live`` is the book-scale result computed in the notebook, ``record`` the recorded full scale,
    ``agreements`` one :class:`Agreement` per effect (label -> agreement, in the order of the
    effects). ``str()`` gives what a chapter prints: a header naming both scales and the record's
    provenance (date, command, wall time), then one line per effect.
    """

    name: str
    live: dict
    record: Recorded
    agreements: dict[str, Agreement]
    header: str
    digits: int = 1

    @property
    def full(self) -> dict:
        """The recorded full-scale result."""
        return self.record.result

    @property
    def agreeing(self) -> tuple[int, int]:
        """``(k, n)``: how many of the ``n`` effects agree (same side of the null, or overlapping intervals)."""
        return sum(a.agree for a in self.agreements.values()), len(self.agreements)

    def __str__(self) -> str:
        return "\n".join([self.header] + [a.text(label, self.digits) for label, a in self.agreements.items()])

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:  # IPython shows the same text
        printer.text(str(self))


def compare_scales(
    name: str,
    live: dict,
    effects: Callable[[dict], Mapping[str, tuple[Any, float]]],
    *,
    describe: Callable[[dict], str] | None = None,
    digits: int = 1,
    folder: str | Path | None = None,
) -> ScaleComparison:
    """Experiment ``name`` at both scales: ``live`` (its book-scale result) against its record.

    ``effects`` turns a result into ``{label: (interval, null)}`` (the experiment's ``*_effects``
    function); ``describe`` turns a result into words for the header (default: its seeds and its
    epochs or steps). The record is read with :func:`load` from ``folder`` (default: the records
    that ship with relulab; a stale record raises
    :class:`StaleReplication`). Print the returned :class:`ScaleComparison` to show it.
    """
    if not isinstance(live, dict):
        raise TypeError(f"live must be the dict an experiment returns, got {type(live).__name__}")
    if not callable(effects):
        raise TypeError(f"effects must be a function result -> {{label: (interval, null)}}, got {effects!r}")
    if describe is not None and not callable(describe):
        raise TypeError(f"describe must be None or a function result -> str, got {describe!r}")
    if isinstance(digits, bool) or not isinstance(digits, int) or not 0 <= digits <= 12:
        raise ValueError(f"digits must be an int in [0, 12], got {digits!r}")
    rec = load(name, folder=folder)
    words = describe or _default_describe
    prov = rec.provenance
    header = t("replication.header", book=words(live), full=words(rec.result), date=str(prov.get("date", "?"))[:10],
               command=prov.get("command", "?"), wall=round(float(prov.get("wall_s", float("nan")))))
    return ScaleComparison(name, live, rec, agreements(effects(live), effects(rec.result)), header, digits)


register(
    {
        "replication.side_above": {"en": "above {null}", "it": "sopra {null}"},
        "replication.side_below": {"en": "below {null}", "it": "sotto {null}"},
        "replication.side_includes": {"en": "includes {null}", "it": "include {null}"},
        "replication.both_above": {"en": "both above {null}", "it": "entrambi sopra {null}"},
        "replication.both_below": {"en": "both below {null}", "it": "entrambi sotto {null}"},
        "replication.header": {
            "en": "Book scale (live): {book}. Full scale (recorded {date} by `{command}`, {wall} s): {full}.",
            "it": "Scala del libro (dal vivo): {book}. Scala piena (registrata il {date} da `{command}`, {wall} s): {full}.",
        },
        "replication.n_seeds": {"en": "{n} seeds", "it": "{n} seed"},
        "replication.n_epochs": {"en": "{n} epochs", "it": "{n} epoche"},
        "replication.n_steps": {"en": "{n} steps", "it": "{n} passi"},
        "replication.both_includes": {"en": "both include {null}: no effect shown", "it": "entrambi includono {null}: nessun effetto dimostrato"},
        "replication.agree": {
            "en": "{what}book scale and full scale agree ({both}): book {book}, full {full}",
            "it": "{what}scala del libro e scala piena concordano ({both}): libro {book}, piena {full}",
        },
        "replication.compatible": {
            "en": "{what}book scale and full scale agree within their intervals (they overlap; book {book_side}, "
                  "full {full_side}): book {book}, full {full}",
            "it": "{what}scala del libro e scala piena concordano entro i loro intervalli (si sovrappongono; libro "
                  "{book_side}, piena {full_side}): libro {book}, piena {full}",
        },
        "replication.disagree": {
            "en": "{what}book scale and full scale DISAGREE (book {book_side}, full {full_side}): book {book}, full {full}",
            "it": "{what}scala del libro e scala piena NON concordano (libro {book_side}, piena {full_side}): "
                  "libro {book}, piena {full}",
        },
    }
)
