"""Checkers for the exercises of Chapter 1, the definition of ReLU (``01_definition``)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import torch

from ..activations import relu_np
from ..expressivity import count_pieces, sawtooth
from ..i18n import register, t
from .core import (
    Feedback,
    Problem,
    _banned_used,
    _brief,
    _call,
    _check_callable,
    _feedback,
    _guarded,
    _numbers,
    _show,
    check_relu,
    register_exercise,
)

__all__ = [
    "check_my_relu",
    "check_relu_predictions",
    "check_max_min",
    "check_sawtooth_units",
]



#: What exercise ex-def-implement forbids (np.maximum, np.clip, np.where and ready-made ReLUs).
MY_RELU_FORBIDDEN: tuple[str, ...] = ("maximum", "fmax", "clip", "where", "relu", "relu_np", "relu_", "clamp")


@_guarded
def check_my_relu(fn: Callable) -> Feedback:
    """Exercise ex-def-implement: a numpy ReLU written without ``np.maximum``, ``np.clip`` or ``np.where``."""
    return check_relu(fn, forbidden=MY_RELU_FORBIDDEN)


#: The inputs of exercise ex-def-predict.
PREDICT_INPUTS: tuple[float, ...] = (float("nan"), -0.0)


def _identical(a: float, b: float) -> bool:
    """Same float, sign of zero and nan included."""
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)


def _why(expr: str, x: float, actual: float) -> str:
    """Why ``expr`` returns ``actual`` on ``x`` (nan or -0.0), explained from what it returned."""
    if math.isnan(x):
        return t("exercises.why.nan_kept" if math.isnan(actual) else "exercises.why.nan_dropped", expr=expr)
    negative = math.copysign(1.0, actual) < 0
    return t("exercises.why.negzero_kept" if negative else "exercises.why.negzero_dropped", expr=expr)


@_guarded
def check_relu_predictions(
    *,
    difference: Callable | None = None,
    total: Callable | None = None,
    where_output: Sequence[float] | None = None,
    relu_output: Sequence[float] | None = None,
) -> Feedback:
    """Exercise ex-def-predict: compare your predictions, written down before running, with what runs.

    Parameters
    ----------
    difference, total:
        Your prediction of ``relu(x) - relu(-x)`` and ``relu(x) + relu(-x)`` as
        functions of a numpy array ``x`` (e.g. ``lambda x: 2 * x``).
    where_output, relu_output:
        Your prediction of ``torch.where(x > 0, x, 0.0)`` and ``torch.relu(x)``
        for ``x = torch.tensor([float("nan"), -0.0])``: two numbers each (write
        ``float("nan")`` and ``-0.0`` where you expect them; the sign of zero counts).

    Parts you leave out are reported as missing; the check passes when all four are right.
    """
    problems: list[Problem] = []
    grid = np.linspace(-3.0, 3.0, 13)
    actual_fns = {
        "difference": ("relu(x) - relu(-x)", difference, relu_np(grid) - relu_np(-grid)),
        "total": ("relu(x) + relu(-x)", total, relu_np(grid) + relu_np(-grid)),
    }
    for key, (expr, pred, actual) in actual_fns.items():
        if pred is None:
            problems.append(Problem("missing", t("exercises.predict.missing", part=key, expr=expr)))
            continue
        _check_callable(pred, key)
        try:
            raw = _call(pred, grid.copy(), what=key)
        except Exception as exc:
            problems.append(Problem("raised", t("exercises.predict.raised", part=key, exc=type(exc).__name__, msg=str(exc)[:160])))
            continue
        got = _numbers(raw)  # real numbers only: a complex or boolean result is not a prediction of real values
        if got is None:
            problems.append(Problem("type", t("exercises.predict.type", part=key, got=_brief(raw))))
            continue
        if got.shape != grid.shape:
            got = np.broadcast_to(got, grid.shape) if got.size == 1 else got
        if got.shape != grid.shape:
            problems.append(Problem("shape", t("exercises.predict.shape", part=key, shape=tuple(got.shape))))
            continue
        bad = np.flatnonzero(~np.isclose(got, actual, rtol=1e-9, atol=1e-12))
        if bad.size:
            i = int(bad[0])
            problems.append(Problem(key, t("exercises.predict.function", part=key, expr=expr, x=_show(grid[i]),
                                           got=_show(got[i]), want=_show(actual[i]))))
    special = torch.tensor(PREDICT_INPUTS)
    actual_values = {
        "where_output": ("torch.where(x > 0, x, 0.0)", torch.where(special > 0, special, 0.0).tolist()),
        "relu_output": ("torch.relu(x)", torch.relu(special).tolist()),
    }
    for key, pred in (("where_output", where_output), ("relu_output", relu_output)):
        expr, actual = actual_values[key]
        if pred is None:
            problems.append(Problem("missing", t("exercises.predict.missing", part=key, expr=expr)))
            continue
        try:
            values = [float(v) for v in pred]
        except (TypeError, ValueError):
            values = []
        if len(values) != len(PREDICT_INPUTS):
            problems.append(Problem("format", t("exercises.predict.format", part=key, n=len(PREDICT_INPUTS))))
            continue
        for x, want, got in zip(PREDICT_INPUTS, actual, values):
            if not _identical(got, want):
                problems.append(Problem(key, t("exercises.predict.value", expr=expr, x=_show(x), got=_show(got),
                                               want=_show(want), why=_why(expr, x, want))))
    checks = [t("exercises.checks.predictions")]
    return _feedback(t("exercises.your_predictions"), problems, checks)


#: Operations ex-def-investigate (a) does not allow between its two inputs (against 0 they are ReLUs, and fine).
MAX_MIN_BANNED: frozenset[str] = frozenset({
    "maximum", "minimum", "fmax", "fmin", "max", "min", "amax", "amin", "nanmax", "nanmin", "where", "select",
    "choose", "clip", "clamp", "sort", "partition", "greater", "greater_equal", "less", "less_equal",
    "gt", "ge", "lt", "le", "__gt__", "__ge__", "__lt__", "__le__",
})


@_guarded
def check_max_min(my_max: Callable | None = None, my_min: Callable | None = None) -> Feedback:
    """Exercise ex-def-investigate (a): ``max(a, b)`` and ``min(a, b)`` built from ReLUs.

    Each function takes two numpy arrays of the same shape. They are compared
    with ``np.maximum`` and ``np.minimum`` on 1,000 random pairs (seed 0), on
    ties and on a 2-D pair; they must not change their inputs. Only ReLUs are
    allowed: a max, min, comparison or selection between the two inputs
    (``np.maximum(a, b)``, ``a > b``, ``np.where``, ``max``, ``sorted``...) is
    caught by running the function with those operations recorded; against 0
    (``np.maximum(x, 0)``, a ReLU) they are fine.
    """
    if my_max is None and my_min is None:
        raise TypeError(t("exercises.maxmin.nothing"))
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=1000), rng.normal(size=1000)
    b[:10] = a[:10]  # ties
    cases = [(a, b), (a.reshape(40, 25), b.reshape(40, 25))]
    problems: list[Problem] = []
    for fn, ref, other, label in ((my_max, np.maximum, np.minimum, "my_max"), (my_min, np.minimum, np.maximum, "my_min")):
        if fn is None:
            continue
        _check_callable(fn, label)
        used = _banned_used(fn, [a[:8].copy(), b[:8].copy()], MAX_MIN_BANNED, zero_ok=True)
        if used:
            problems.append(Problem("forbidden", t("exercises.maxmin.forbidden", f=label,
                                                   names=", ".join(f"`{n}`" for n in sorted(used)))))
        for x, y in cases:
            x0, y0 = x.copy(), y.copy()
            try:
                out = _call(fn, x, y, what=label)
            except Exception as exc:
                problems.append(Problem("raised", t("exercises.maxmin.raised", f=label, exc=type(exc).__name__, msg=str(exc)[:160], shape=x.shape)))
                break
            if not (np.array_equal(x, x0) and np.array_equal(y, y0)):
                problems.append(Problem("mutated", t("exercises.maxmin.mutated", f=label)))
                break
            out = np.asarray(out)
            if out.dtype.kind not in "iuf":
                problems.append(Problem("type", t("exercises.maxmin.type", f=label, got=str(out.dtype))))
                break
            if out.shape != x.shape:
                problems.append(Problem("shape", t("exercises.maxmin.shape", f=label, shape_in=x.shape, shape_out=out.shape)))
                break
            want = ref(x, y)
            bad = np.argwhere(~np.isclose(out, want, rtol=1e-9, atol=1e-12))
            if bad.size:
                idx = tuple(int(k) for k in bad[0])
                key = "exercises.maxmin.swapped" if np.allclose(out, other(x, y)) else "exercises.maxmin.value"
                problems.append(Problem("value", t(key, f=label, a=_show(x[idx]), b=_show(y[idx]), got=_show(out[idx]), want=_show(want[idx]))))
                break
    names = " & ".join(n for n, f in (("my_max", my_max), ("my_min", my_min)) if f is not None)
    return _feedback(names, problems, [t("exercises.checks.maxmin")])


def _fewest_units_one_layer(slopes: np.ndarray, tol: float = 1e-9) -> int:
    """Fewest ReLU units of ONE hidden layer (no linear skip term) that draw a curve with these piece slopes.

    Each interior kink needs its own unit. With exactly that many units every
    unit bends at an interior kink; a unit facing right (w > 0) adds its slope
    change to the right of its kink, one facing left (w < 0) carries minus its
    slope change to the left of it. So the first piece's slope must equal minus
    the sum of the slope changes of the left-facing units: if no subset of the
    slope changes sums to ``-slopes[0]``, one more unit (bending outside the
    interval) is needed.
    """
    jumps = np.diff(slopes)
    jumps = jumps[np.abs(jumps) > tol]
    sums = {0.0}
    for j in jumps:
        sums |= {round(s + j, 9) for s in sums}
    return len(jumps) + (0 if round(-float(slopes[0]), 9) in sums else 1)


@_guarded
def check_sawtooth_units(*, with_linear: int | None = None, without_linear: int | None = None, depth: int = 4) -> Feedback:
    """Exercise ex-def-investigate (b): the fewest units ONE hidden layer needs for the depth-``depth`` sawtooth.

    Parameters
    ----------
    with_linear:
        Your count when the output may also add a linear term $c\\,x$ for free
        (as :func:`relulab.expressivity.from_breakpoints` does).
    without_linear:
        Your count for a plain one-hidden-layer network, ``sum_i v_i ReLU(w_i x + b_i) + c``.

    Both are computed live from the sawtooth on [0, 1] (pieces counted on a grid).
    """
    from .._checks import check_int_in

    depth = check_int_in(depth, "depth", 1, 10)
    grid = np.linspace(0.0, 1.0, 2**12 + 1)
    pieces = count_pieces(sawtooth(grid, depth), grid)
    corners = np.linspace(0.0, 1.0, pieces + 1)
    slopes = np.diff(sawtooth(corners, depth)) / np.diff(corners)
    kinks = pieces - 1
    answers = {"with_linear": (with_linear, kinks), "without_linear": (without_linear, _fewest_units_one_layer(slopes))}
    problems: list[Problem] = []
    for key, (answer, right) in answers.items():
        if answer is None:
            problems.append(Problem("missing", t("exercises.units.missing", part=key)))
            continue
        n = check_int_in(answer, key, 0)
        if n == right:
            continue
        # neither hint gives a count away: the pieces and kinks of the sawtooth are what the student must count
        if n < kinks:
            problems.append(Problem(key, t("exercises.units.too_few", part=key, n=n, most=n + 1)))
        elif n > right:
            problems.append(Problem(key, t("exercises.units.too_many", part=key, n=n)))
        else:  # n == kinks but the first slope cannot be made without one more unit
            jumps = sorted({_show(abs(j)) for j in np.diff(slopes) if abs(j) > 1e-9})
            problems.append(Problem(key, t("exercises.units.first_slope", part=key, n=n, s0=_show(slopes[0]),
                                           jumps=", ".join("±" + j for j in jumps))))
    return _feedback(t("exercises.your_counts"), problems, [t("exercises.checks.units", depth=depth, pieces=pieces)])


# --------------------------------------------------------------------------- registry

register_exercise("ex-def-implement", "01_definition", check_my_relu)
register_exercise("ex-def-predict", "01_definition", check_relu_predictions)
register_exercise("ex-def-investigate", "01_definition", check_max_min, check_sawtooth_units)


# --------------------------------------------------------------------------- messages

register(
    {
        "exercises.checks.predictions": {
            "en": "both identities and the four outputs on nan and -0.0",
            "it": "le due identità e le quattro uscite su nan e `-0.0`",
        },
        "exercises.checks.maxmin": {
            "en": "1,000 random pairs, ties and a 2-D pair, inputs left unchanged",
            "it": "1.000 coppie casuali, pareggi e una coppia 2-D, ingressi lasciati intatti",
        },
        "exercises.checks.units": {
            "en": "both counts for the depth-{depth} sawtooth, {pieces} pieces",
            "it": "entrambi i conteggi per il dente di sega di profondità {depth}, {pieces} tratti",
        },
        "exercises.predict.missing": {
            "en": "no prediction yet for {part} ({expr}).",
            "it": "manca ancora la previsione {part} ({expr}).",
        },
        "exercises.predict.raised": {
            "en": "your function {part} raised {exc}: {msg}",
            "it": "la vostra funzione {part} ha sollevato {exc}: {msg}",
        },
        "exercises.predict.type": {
            "en": "your function {part} returned {got}; it should return real numbers (a float array like x).",
            "it": "la vostra funzione {part} ha restituito {got}; deve restituire numeri reali (un array di float come x).",
        },
        "exercises.predict.shape": {
            "en": "your function {part} returned shape {shape}; it should return one value per element of x.",
            "it": "la vostra funzione {part} ha restituito la forma {shape}; deve restituire un valore per ogni elemento di x.",
        },
        "exercises.predict.function": {
            "en": "{part}: at x = {x} your prediction gives {got}, but {expr} is {want} there.",
            "it": "{part}: in x = {x} la vostra previsione dà {got}, ma {expr} lì vale {want}.",
        },
        "exercises.predict.format": {
            "en": "{part} must be {n} numbers: the output for nan, then for -0.0.",
            "it": "{part} deve essere una lista di {n} numeri: l'uscita per nan, poi per `-0.0`.",
        },
        "exercises.predict.value": {
            "en": "{expr} on {x}: you predicted {got}, it returns {want}. {why}",
            "it": "{expr} su {x}: avete previsto {got}, restituisce {want}. {why}",
        },
        "exercises.why.nan_kept": {
            "en": "{expr} propagates nan.",
            "it": "{expr} propaga nan.",
        },
        "exercises.why.nan_dropped": {
            "en": "`nan > 0` is False, so {expr} takes the 0.0 branch and the nan disappears.",
            "it": "`nan > 0` è False, quindi {expr} prende il ramo `0.0` e il nan sparisce.",
        },
        "exercises.why.negzero_kept": {
            "en": "-0.0 is not below 0, so {expr} returns its input, sign bit included.",
            "it": "`-0.0` non è minore di 0, quindi {expr} restituisce il suo ingresso, bit del segno compreso.",
        },
        "exercises.why.negzero_dropped": {
            "en": "`-0.0 > 0` is False, so {expr} returns the constant 0.0, a positive zero.",
            "it": "`-0.0 > 0` è False, quindi {expr} restituisce la costante `0.0`, uno zero positivo.",
        },
        "exercises.maxmin.nothing": {
            "en": "pass my_max, my_min or both",
            "it": "passate my_max, my_min o entrambe",
        },
        "exercises.maxmin.raised": {
            "en": "{f} raised {exc} on inputs of shape {shape}: {msg}",
            "it": "{f} ha sollevato {exc} su ingressi di forma {shape}: {msg}",
        },
        "exercises.maxmin.mutated": {
            "en": "{f} changed its inputs a or b; work on new arrays.",
            "it": "{f} ha modificato i suoi ingressi a o b; lavorate su array nuovi.",
        },
        "exercises.maxmin.shape": {
            "en": "{f} returned shape {shape_out} for inputs of shape {shape_in}.",
            "it": "{f} ha restituito la forma {shape_out} per ingressi di forma {shape_in}.",
        },
        "exercises.maxmin.value": {
            "en": "{f} on a = {a}, b = {b} returned {got}, expected {want}.",
            "it": "{f} su a = {a}, b = {b} ha restituito {got} invece di {want}.",
        },
        "exercises.maxmin.swapped": {
            "en": "{f} on a = {a}, b = {b} returned {got}, expected {want}: it computes the other one (max and min swapped; check the sign in front of the ReLU).",
            "it": "{f} su a = {a}, b = {b} ha restituito {got} invece di {want}: calcola l'altra (max e min scambiati; controllate il segno davanti alla ReLU).",
        },
        "exercises.units.missing": {
            "en": "no count yet for {part}.",
            "it": "manca ancora il conteggio {part}.",
        },
        "exercises.units.too_few": {
            "en": "{part} = {n}: one hidden layer of {n} units bends at most {n} times, so it draws at most {most} pieces; count the pieces of the sawtooth: it has more.",
            "it": "{part} = {n}: un solo strato nascosto di {n} unità si piega al più {n} volte, quindi disegna al più {most} tratti; contate i tratti del dente di sega: sono di più.",
        },
        "exercises.units.too_many": {
            "en": "{part} = {n} units are enough, but not the fewest: look for a construction with fewer (count the kinks of the sawtooth: each unit can place one).",
            "it": "{part} = {n} unità bastano, ma non sono il minimo: cercate una costruzione con meno unità (contate i punti angolosi del dente di sega: ogni unità può metterne uno).",
        },
        "exercises.units.first_slope": {
            "en": "{part} = {n}: with {n} units every unit must bend at one of the {n} kinks inside (0, 1). Then only units facing left give the first piece a slope, made of their slope changes ({jumps}); no sum of those equals {s0}, the first piece's slope. One more unit is needed.",
            "it": "{part} = {n}: con {n} unità ogni unità deve piegarsi in uno dei {n} punti angolosi dentro (0, 1). Allora solo le unità rivolte a sinistra danno una pendenza al primo tratto, fatta delle loro variazioni di pendenza ({jumps}); nessuna somma di queste vale {s0}, la pendenza del primo tratto. Serve un'unità in più.",
        },
        "exercises.maxmin.forbidden": {
            "en": "{f} uses {names} between its two inputs: this exercise asks you to build it from ReLUs only (a max, min, comparison or choice against 0, such as np.maximum(x, 0), is a ReLU and is fine).",
            "it": "{f} usa {names} tra i suoi due ingressi: l'esercizio chiede di costruirla solo con ReLU (un massimo, minimo, confronto o scelta rispetto a 0, come np.maximum(x, 0), è una ReLU e va bene).",
        },
        "exercises.maxmin.type": {
            "en": "{f} returned an array of {got}, not of numbers.",
            "it": "{f} ha restituito un array di {got}, non di numeri.",
        },
    }
)
