"""Checkers for the exercises of appendix A1, the cost of ReLU (``A1_cost``)."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import torch

from ..i18n import register, t
from .core import (
    Feedback,
    Problem,
    _call,
    _ch5_number,
    _check_callable,
    _feedback,
    _format_problem,
    _guarded,
    _numbers,
    _show,
    _show_array,
    check_answers,
    register_exercise,
)

__all__ = [
    "check_clamp_timing",
    "check_leaky_traffic",
    "check_maximum_edge",
]



#: The float32 inputs of exercise ex-cost-3's last question.
MAXIMUM_EDGE: tuple[float, ...] = (-0.0, float("nan"), -1.0, 2.0)


@_guarded
def check_maximum_edge(*, scalar: Sequence[float] | None = None, array: Sequence[float] | None = None) -> Feedback:
    """Exercise ex-cost-3: predicted outputs of ``np.maximum(x, 0)`` and ``np.maximum(x, zeros)`` on :data:`MAXIMUM_EDGE`.

    Computed live with the installed NumPy in float32; the sign of zero counts.
    """
    x = np.array(MAXIMUM_EDGE, dtype=np.float32)
    truth = {"scalar": np.maximum(x, 0).tolist(), "array": np.maximum(x, np.zeros_like(x)).tolist()}
    answers = {k: v for k, v in (("scalar", scalar), ("array", array)) if v is not None}
    why = t("exercises.cost.why")
    return check_answers(answers, truth, explain={"scalar": why, "array": why}, signed_zero=True)


def _clamp_callables(fn: Callable, reference: Callable) -> list[Problem]:
    """What the two timed callables of ex-cost-1 do; each is called once or twice on the student's tensors.

    The reference's output is filled with a sentinel before its second call (a
    copy overwrites it) and given back its first content afterwards.
    """
    from .. import bench

    def raised(what: str, exc: Exception) -> Problem:
        return Problem("raised", t("exercises.more.clamp.raised", what=what, exc=type(exc).__name__, msg=str(exc)[:160]))

    try:
        out_r = _call(reference, what="reference")
    except Exception as exc:
        return [raised("reference", exc)]
    if not isinstance(out_r, torch.Tensor):
        return [Problem("reference", t("exercises.more.clamp.reference", got=type(out_r).__name__))]
    source = out_r.detach().clone()  # the x the reference copies
    sentinel = 1234.5
    try:
        with torch.no_grad():
            out_r.fill_(sentinel)
        again = _call(reference, what="reference")
    except Exception as exc:
        return [raised("reference", exc)]
    finally:
        wrote = not bool((out_r == sentinel).all()) or bool((source == sentinel).all())
        with torch.no_grad():
            out_r.copy_(source)
    problems: list[Problem] = []
    if not isinstance(again, torch.Tensor) or again.data_ptr() != out_r.data_ptr():
        problems.append(Problem("alloc", t("exercises.more.clamp.alloc_reference")))
    elif not wrote:
        return [Problem("reference", t("exercises.more.clamp.no_copy"))]  # no copy of x to compare fn with
    if source.numel() != bench.LARGE:
        problems.append(Problem("size", t("exercises.more.clamp.size", n=source.numel(), want=bench.LARGE)))
    try:
        out_f = _call(fn, what="fn")
    except Exception as exc:
        return problems + [raised("fn", exc)]
    if not isinstance(out_f, torch.Tensor):
        problems.append(Problem("alloc", t("exercises.more.clamp.fn_type", got=type(out_f).__name__)))
    elif out_f.data_ptr() != out_r.data_ptr():
        try:
            again_f = _call(fn, what="fn")
        except Exception as exc:  # it ran once, then failed
            return problems + [raised("fn", exc)]
        fresh = not isinstance(again_f, torch.Tensor) or again_f.data_ptr() != out_f.data_ptr()
        problems.append(Problem("alloc", t("exercises.more.clamp.alloc_fn")) if fresh
                        else Problem("target", t("exercises.more.clamp.target")))
    elif out_f.shape != source.shape or not torch.equal(out_f, torch.clamp(source, min=0)):
        problems.append(Problem("values", t("exercises.more.clamp.values")))
    return problems


def _protocol_value_ok(key: str, value: object) -> bool:
    """Whether ``value`` can be the ``key`` argument of :func:`relulab.bench.paired_ratios` (no nan, no complex, no bool)."""
    if isinstance(value, (bool, np.bool_)):
        return False
    if key == "min_time":
        return isinstance(value, (int, float, np.integer, np.floating)) and math.isfinite(value) and value > 0
    return isinstance(value, (int, np.integer)) and value >= 0


@_guarded
def check_clamp_timing(fn: Callable, reference: Callable, f: object, r: object, *,
                       protocol: Mapping[str, object] | None = None, median: float | None = None,
                       middle: Sequence[float] | None = None) -> Feedback:
    """Exercise ex-cost-1: the structure of a timing of ``torch.clamp(x, min=0, out=y)`` against a copy.

    ``fn`` and ``reference`` are the two callables you gave
    :func:`relulab.bench.paired_ratios`, ``f`` and ``r`` the times it returned,
    ``protocol`` its keyword arguments (``KW``; default: its defaults), and
    ``median`` and ``middle`` your summary of the ratio. No time is judged,
    only how it was taken: ``reference`` copies a tensor ``x`` of
    ``bench.LARGE`` numbers into an existing ``y``; ``fn`` writes
    ``clamp(x, min=0)`` of the same ``x`` into the same ``y`` (no new tensor);
    torch runs on one thread; at least one warm-up call and ``repeats`` (≥ 3)
    times per function; ``median`` is the median of the per-repeat ratios
    ``f / r`` and ``middle`` their 25th and 75th percentiles. ``fn`` and
    ``reference`` are each called once or twice (on your tensors).

    Problem kinds: ``raised``, ``threads``, ``reference``, ``alloc``, ``target``,
    ``values``, ``size``, ``times``, ``protocol``, ``warmup``, ``median``,
    ``middle``, ``missing``.
    """
    import inspect

    from .. import bench

    _check_callable(fn, "fn")
    _check_callable(reference, "reference")
    defaults = {k: p.default for k, p in inspect.signature(bench.paired_ratios).parameters.items()
                if p.kind is inspect.Parameter.KEYWORD_ONLY}
    if protocol is not None and not isinstance(protocol, Mapping):
        raise TypeError(t("exercises.more.clamp.protocol_type", got=type(protocol).__name__))
    unknown = sorted(set(protocol or {}) - set(defaults))
    if unknown:
        raise ValueError(t("exercises.more.clamp.protocol_keys", got=", ".join(map(str, unknown)), want=", ".join(defaults)))
    proto = {**defaults, **(protocol or {})}
    for key, value in proto.items():
        if not _protocol_value_ok(key, value):
            raise ValueError(t("exercises.more.clamp.protocol_value", name=key, got=repr(value)[:40]))
    problems: list[Problem] = []
    if torch.get_num_threads() != 1:
        problems.append(Problem("threads", t("exercises.more.clamp.threads", n=torch.get_num_threads())))

    problems += _clamp_callables(fn, reference)

    # the times and their summary
    try:
        f_arr, r_arr = np.asarray(f, dtype=np.float64), np.asarray(r, dtype=np.float64)
    except (TypeError, ValueError):
        f_arr = r_arr = np.zeros(0)
    both = np.concatenate([f_arr.ravel(), r_arr.ravel()])
    if f_arr.ndim != 1 or f_arr.shape != r_arr.shape or f_arr.size < 3 or not (np.isfinite(both) & (both > 0)).all():
        problems.append(Problem("times", t("exercises.more.clamp.times")))
        return _feedback(t("exercises.more.your_measurement"), problems, [t("exercises.more.checks.clamp")])
    if int(proto["warmup"]) < 1:
        problems.append(Problem("warmup", t("exercises.more.clamp.warmup")))
    if int(proto["repeats"]) != f_arr.size:
        problems.append(Problem("protocol", t("exercises.more.clamp.repeats", n=f_arr.size, repeats=proto["repeats"])))
    ratio = f_arr / r_arr
    m = _ch5_number(median) if median is not None else None
    if median is not None and m is None:
        problems.append(_format_problem("median", median))
    if median is None:
        problems.append(Problem("missing", t("exercises.answers.missing", part="median")))
    elif m is not None and not math.isclose(m, float(np.median(ratio)), rel_tol=1e-9):
        if math.isclose(m, float(np.median(r_arr / f_arr)), rel_tol=1e-9):
            key = "exercises.more.clamp.median_inverted"
        elif math.isclose(m, float(np.mean(ratio)), rel_tol=1e-9):
            key = "exercises.more.clamp.median_mean"
        elif math.isclose(m, float(np.median(f_arr) / np.median(r_arr)), rel_tol=1e-9):
            key = "exercises.more.clamp.median_of_times"
        else:
            key = "exercises.more.clamp.median"
        problems.append(Problem("median", t(key, got=f"{m:.4g}", want=f"{np.median(ratio):.4g}")))
    want_mid = np.percentile(ratio, [25, 75])
    if middle is None:
        problems.append(Problem("missing", t("exercises.answers.missing", part="middle")))
    else:
        mid = _numbers(middle)
        mid = np.zeros(0) if mid is None or not np.isfinite(mid).all() else mid
        if mid.shape != (2,):
            problems.append(Problem("middle", t("exercises.answers.shape", part="middle", n=2)))
        elif not np.allclose(mid, want_mid, rtol=1e-9, atol=0):
            key = ("exercises.more.clamp.middle_range" if np.allclose(mid, [ratio.min(), ratio.max()], rtol=1e-9, atol=0)
                   else "exercises.more.clamp.middle")
            problems.append(Problem("middle", t(key, got=_show_array(np.round(mid, 4)), want=_show_array(np.round(want_mid, 4)))))
    return _feedback(t("exercises.more.your_measurement"), problems, [t("exercises.more.checks.clamp")])


#: The two Leaky ReLUs of exercise ex-cost-2, as (part, code, function of x and a preallocated y).
LEAKY_FORMS: tuple[tuple[str, str, Callable], ...] = (
    ("where", "np.where(x > 0, x, 0.01 * x)", lambda x, y: np.where(x > 0, x, 0.01 * x)),
    ("maximum", "np.maximum(x, 0.01 * x, out=y)", lambda x, y: np.maximum(x, 0.01 * x, out=y)),
)


@dataclass(frozen=True)
class _Pass:
    """One NumPy operation of a traced expression: bytes read and written, and whether it made a new array."""

    name: str
    read: int
    written: int
    new: bool


def _trace_passes(expr: Callable, n: int = 1024) -> tuple[list[_Pass], bool]:
    """Run ``expr(x, y)`` on float32 arrays of ``n`` numbers, recording every ufunc and array function it calls.

    Returns the passes and whether the expression's result is a new array
    (not ``y``). Every operation is one pass over memory; scalars are not read.
    """
    log: list[_Pass] = []

    def plain(a: object) -> object:
        return a.view(np.ndarray) if isinstance(a, np.ndarray) else a

    def nbytes(args: Iterable[object]) -> int:
        return sum(a.nbytes for a in args if isinstance(a, np.ndarray) and a.ndim > 0)

    class Traced(np.ndarray):
        def __array_ufunc__(self, ufunc, method, *inputs, out=None, **kwargs):
            args = [plain(a) for a in inputs]
            if out is not None:
                kwargs["out"] = tuple(plain(o) for o in out)
            result = getattr(ufunc, method)(*args, **kwargs)
            log.append(_Pass(ufunc.__name__, nbytes(args), result.nbytes, out is None))
            return result.view(Traced) if out is None else out[0]

        def __array_function__(self, func, types, args, kwargs):
            args = [plain(a) for a in args]
            kwargs = {k: plain(v) for k, v in kwargs.items()}
            result = func(*args, **kwargs)
            log.append(_Pass(func.__name__, nbytes(args), np.asarray(result).nbytes, "out" not in kwargs))
            return result.view(Traced) if isinstance(result, np.ndarray) else result

    x = np.random.default_rng(0).standard_normal(n).astype(np.float32).view(Traced)
    y = np.empty(n, dtype=np.float32)
    result = expr(x, y)
    return log, not np.shares_memory(np.asarray(result), y)


@_guarded
def check_leaky_traffic(*, passes: Sequence[float] | None = None, temporaries: Sequence[float] | None = None,
                        copies: Sequence[float] | None = None) -> Feedback:
    """Exercise ex-cost-2: predicted memory work of the two NumPy Leaky ReLUs of :data:`LEAKY_FORMS`.

    Each part is a pair (``np.where`` form, ``np.maximum`` form): ``passes``,
    the NumPy operations (each a pass over memory); ``temporaries``, the new
    arrays that are thrown away (not the result); ``copies``, the bytes read
    and written over those of one copy of ``x`` (read once, write once), a
    boolean taking one byte; within 0.25. The truth is found live by running
    both expressions on an array that records every operation.

    Problem kinds: ``passes``, ``temporaries``, ``copies``, ``format``, ``unknown``, ``missing``.
    """
    truth: dict[str, list[float]] = {"passes": [], "temporaries": [], "copies": []}
    lines: dict[str, list[str]] = {"passes": [], "temporaries": [], "copies": []}
    for _, code, expr in LEAKY_FORMS:
        log, result_is_new = _trace_passes(expr)
        size = log[0].read  # one float32 array of x's size
        new = [p for p in log if p.new]
        temps = len(new) - (1 if result_is_new else 0)
        moved = sum(p.read + p.written for p in log) / (2 * size)
        truth["passes"].append(len(log))
        truth["temporaries"].append(temps)
        truth["copies"].append(moved)
        lines["passes"].append(t("exercises.more.traffic.ops", code=code, ops=", ".join(p.name for p in log)))
        lines["temporaries"].append(t("exercises.more.traffic.new", code=code, ops=", ".join(p.name for p in new) or "-",
                                      temps=temps))
        lines["copies"].append(t("exercises.more.traffic.bytes", code=code, moved=_show(moved), ops="; ".join(
            t("exercises.more.traffic.op_bytes", op=p.name, read=_show(p.read / size), written=_show(p.written / size))
            for p in log)))
    answers = {k: v for k, v in (("passes", passes), ("temporaries", temporaries), ("copies", copies)) if v is not None}
    # the operation lists answer every part at once: shown only when all three were attempted
    if len(answers) == len(truth):
        explain = {k: " ".join(v) for k, v in lines.items()}
    else:
        explain = {k: t("exercises.more.traffic.answer_all") for k in truth}
    found = check_answers(answers, truth, explain=explain, rtol=0.0, atol=0.25)
    return _feedback(t("exercises.your_answers"), found.problems, [t("exercises.more.checks.traffic")])


# --------------------------------------------------------------------------- registry

register_exercise("ex-cost-1", "A1_cost", check_clamp_timing)
register_exercise("ex-cost-2", "A1_cost", check_leaky_traffic)
register_exercise("ex-cost-3", "A1_cost", check_maximum_edge)


# --------------------------------------------------------------------------- messages

register(
    {
        "exercises.more.your_measurement": {"en": "your measurement", "it": "la vostra misura"},
        "exercises.more.checks.clamp": {
            "en": "what the two callables compute and where they write, one thread, warm-up, repeats and the summary of the ratios",
            "it": "che cosa calcolano le due funzioni e dove scrivono, un thread, riscaldamento, ripetizioni e il riassunto dei rapporti",
        },
        "exercises.more.clamp.protocol_type": {
            "en": "protocol must be the dict of keyword arguments given to bench.paired_ratios (e.g. KW), got {got}",
            "it": "protocol deve essere il dizionario degli argomenti passati a bench.paired_ratios (per esempio KW), ricevuto {got}",
        },
        "exercises.more.clamp.protocol_value": {
            "en": "protocol['{name}'] must be a whole number >= 0 (repeats, warmup) or a positive number of seconds (min_time), got {got}",
            "it": "protocol['{name}'] deve essere un numero intero >= 0 (repeats, warmup) o un numero positivo di secondi (min_time), ricevuto {got}",
        },
        "exercises.more.clamp.protocol_keys": {
            "en": "protocol has keys bench.paired_ratios does not take: {got}; it takes {want}",
            "it": "protocol ha chiavi che bench.paired_ratios non accetta: {got}; accetta {want}",
        },
        "exercises.more.clamp.threads": {
            "en": "torch runs on {n} threads: the appendix times on one (relulab.seed_everything or torch.set_num_threads(1)), or the copy and the function share cores differently.",
            "it": "torch usa {n} thread: l'appendice misura con uno solo (relulab.seed_everything o torch.set_num_threads(1)), altrimenti copia e funzione si dividono i core in modo diverso.",
        },
        "exercises.more.clamp.raised": {
            "en": "calling {what}() raised {exc}: {msg}",
            "it": "la chiamata {what}() ha sollevato {exc}: {msg}",
        },
        "exercises.more.clamp.reference": {
            "en": "the reference returned a {got}, not the tensor it writes: use lambda: y.copy_(x), a copy into an existing tensor.",
            "it": "il riferimento ha restituito un {got}, non il tensore in cui scrive: usate lambda: y.copy_(x), una copia in un tensore esistente.",
        },
        "exercises.more.clamp.no_copy": {
            "en": "the reference returns a tensor without writing into it: it must copy x into y at every call, y.copy_(x).",
            "it": "il riferimento restituisce un tensore senza scriverci: deve copiare x in y a ogni chiamata, y.copy_(x).",
        },
        "exercises.more.clamp.alloc_reference": {
            "en": "the reference makes a new tensor at every call (e.g. x.clone()); copy into an existing one, y.copy_(x), so that it moves the same bytes as clamp(..., out=y).",
            "it": "il riferimento crea un nuovo tensore a ogni chiamata (per esempio x.clone()); copiate in uno esistente, y.copy_(x), così che muova gli stessi byte di clamp(..., out=y).",
        },
        "exercises.more.clamp.size": {
            "en": "the tensor has {n} numbers, the exercise asks for bench.LARGE = {want}: a small tensor stays in the cache and measures something else.",
            "it": "il tensore ha {n} numeri, l'esercizio ne chiede bench.LARGE = {want}: un tensore piccolo resta nella cache e misura un'altra cosa.",
        },
        "exercises.more.clamp.fn_type": {
            "en": "fn returned a {got}: return the tensor torch.clamp writes (torch.clamp(x, min=0, out=y) returns y).",
            "it": "fn ha restituito un {got}: restituite il tensore in cui scrive torch.clamp (torch.clamp(x, min=0, out=y) restituisce y).",
        },
        "exercises.more.clamp.alloc_fn": {
            "en": "fn makes a new tensor at every call: write into the tensor the copy writes, torch.clamp(x, min=0, out=y), or the ratio also counts an allocation.",
            "it": "fn crea un nuovo tensore a ogni chiamata: scrivete nel tensore in cui scrive la copia, torch.clamp(x, min=0, out=y), altrimenti il rapporto conta anche un'allocazione.",
        },
        "exercises.more.clamp.target": {
            "en": "fn and the reference write to different tensors: a new result, or the copy reversed (x.copy_(y)). Both must write into the same y, or the ratio compares different work.",
            "it": "fn e il riferimento scrivono in tensori diversi: un nuovo risultato, oppure la copia al contrario (x.copy_(y)). Entrambi devono scrivere nello stesso y, altrimenti il rapporto confronta lavori diversi.",
        },
        "exercises.more.clamp.values": {
            "en": "fn does not write clamp(x, min=0) of the tensor the reference copies: time both on the same x.",
            "it": "fn non scrive clamp(x, min=0) del tensore che il riferimento copia: misurate entrambi sullo stesso x.",
        },
        "exercises.more.clamp.times": {
            "en": "f and r must be the two arrays returned by bench.paired_ratios: the same number (≥ 3) of positive times.",
            "it": "f e r devono essere i due array restituiti da bench.paired_ratios: lo stesso numero (≥ 3) di tempi positivi.",
        },
        "exercises.more.clamp.warmup": {
            "en": "no warm-up call: the first block then pays for the first touch of memory and for the allocator; use warmup ≥ 1.",
            "it": "nessuna chiamata di riscaldamento: il primo blocco paga allora il primo accesso alla memoria e l'allocatore; usate warmup ≥ 1.",
        },
        "exercises.more.clamp.repeats": {
            "en": "f has {n} times but the protocol asks for repeats = {repeats}: pass the protocol you timed with.",
            "it": "f ha {n} tempi ma il protocollo chiede repeats = {repeats}: passate il protocollo usato per misurare.",
        },
        "exercises.more.clamp.median": {
            "en": "median: you gave {got}, the median of f / r is {want}.",
            "it": "median: avete dato {got}, la mediana di f / r è {want}.",
        },
        "exercises.more.clamp.median_inverted": {
            "en": "median: you gave {got}, the median of r / f; the cost in copies is f / r (function over copy), median {want}.",
            "it": "median: avete dato {got}, la mediana di r / f; il costo in copie è f / r (funzione su copia), mediana {want}.",
        },
        "exercises.more.clamp.median_mean": {
            "en": "median: you gave {got}, the mean of f / r; one disturbed repeat moves the mean, the median ({want}) resists it.",
            "it": "median: avete dato {got}, la media di f / r; una ripetizione disturbata sposta la media, la mediana ({want}) no.",
        },
        "exercises.more.clamp.median_of_times": {
            "en": "median: you gave {got}, the median of f over the median of r; take the ratio per repeat first (each time over the copy timed just before it), then the median: {want}.",
            "it": "median: avete dato {got}, la mediana di f divisa per la mediana di r; prima il rapporto per ripetizione (ogni tempo sulla copia misurata subito prima), poi la mediana: {want}.",
        },
        "exercises.more.clamp.middle": {
            "en": "middle: you gave {got}, the 25th and 75th percentiles of f / r are {want}.",
            "it": "middle: avete dato {got}, il 25° e il 75° percentile di f / r sono {want}.",
        },
        "exercises.more.clamp.middle_range": {
            "en": "middle: you gave {got}, the smallest and largest ratio; the middle half runs from the 25th to the 75th percentile, {want}.",
            "it": "middle: avete dato {got}, il rapporto più piccolo e il più grande; la metà centrale va dal 25° al 75° percentile, {want}.",
        },
        "exercises.more.checks.traffic": {
            "en": "passes, temporaries and traffic of both forms, traced live on a float32 array",
            "it": "passate, temporanei e traffico di entrambe le forme, tracciati ora su un array float32",
        },
        "exercises.more.traffic.ops": {
            "en": "`{code}` runs {ops}.",
            "it": "`{code}` esegue {ops}.",
        },
        "exercises.more.traffic.new": {
            "en": "`{code}` makes a new array in {ops}: {temps} of them thrown away.",
            "it": "`{code}` crea un nuovo array in {ops}: {temps} buttati via.",
        },
        "exercises.more.traffic.op_bytes": {
            "en": "{op} reads {read} and writes {written}",
            "it": "{op} legge {read} e scrive {written}",
        },
        "exercises.more.traffic.bytes": {
            "en": "`{code}`, in arrays of x's size: {ops}; in all {moved} copies.",
            "it": "`{code}`, in array della dimensione di x: {ops}; in tutto {moved} copie.",
        },
        "exercises.cost.why": {
            "en": "np.maximum propagates nan, and on equal values (−0.0 and 0) its result depends on the loop the installed NumPy runs.",
            "it": "np.maximum propaga nan, e su valori uguali (−0,0 e 0) il risultato dipende dal ciclo che esegue il NumPy installato.",
        },
        "exercises.more.traffic.answer_all": {
            "en": "(Answer passes, temporaries and copies: then each wrong part lists the operations NumPy ran.)",
            "it": "(Rispondete a passes, temporaries e copies: allora ogni parte sbagliata elenca le operazioni eseguite da NumPy.)",
        },
    }
)
