"""Self-checking exercises: checkers a student calls on their own function or answer.

Every checker returns a :class:`Feedback`. It says, in the language chosen with
:func:`relulab.use_language`, what is wrong and on which input — or, when all is
right, which checks passed. It is never a bare ``False``::

    from relulab import exercises
    exercises.check_relu(my_relu)           # in a notebook the feedback shows itself
    print(exercises.check_relu(my_relu))    # anywhere else
    exercises.check_relu(my_relu).passed    # for an autograder: a bool

General checkers, for any chapter:

- :func:`check_elementwise` — a function meant to act element by element,
  against a reference: values on ordinary inputs (with a diagnosis of the slope
  on each side of 0), at 0, on ``nan`` and ``±inf``; shapes; dtypes; whether it
  changes or returns its input; names it must not use; with the torch backend,
  the gradient that autograd gets through it.
- :func:`check_answers` — numbers a student predicted against the values
  computed live (for "predict, then run" exercises);
- :func:`check_relu`, :func:`check_relu_grad` — the same with ReLU and its
  derivative as reference, and hints for the classic mistakes (off by one at 0,
  slope of the wrong sign, ``nan`` swallowed, in-place mutation, float64
  promotion).

Exercise checkers (one chapter's exercise each) are listed in :data:`EXERCISES`
under the label of the exercise's ``{exercise}`` directive. A later chapter adds
its own with :func:`register_exercise` and its messages with
:func:`relulab.i18n.register` (keys ``exercises.<name>...``).
"""

from __future__ import annotations

import math
import types
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import torch

from .activations import relu_grad_np, relu_grad_torch, relu_np
from .expressivity import count_pieces, sawtooth
from .i18n import register, t

__all__ = [
    "Feedback",
    "Problem",
    "Exercise",
    "EXERCISES",
    "register_exercise",
    "check_elementwise",
    "check_answers",
    "check_relu",
    "check_relu_grad",
    "check_my_relu",
    "check_relu_predictions",
    "check_max_min",
    "check_sawtooth_units",
]

# --------------------------------------------------------------------------- feedback


@dataclass(frozen=True)
class Problem:
    """One thing that is wrong: a machine-readable ``kind`` and a text for the student."""

    kind: str
    text: str


@dataclass(frozen=True)
class Feedback:
    """What a checker found. ``bool(feedback)`` is ``feedback.passed``.

    ``message`` is written in the language selected when the check ran. In a
    notebook, a feedback object at the end of a cell displays its message.
    """

    passed: bool
    message: str
    problems: tuple[Problem, ...] = ()

    @property
    def kinds(self) -> tuple[str, ...]:
        """The kinds of the problems found (empty when the check passed)."""
        return tuple(p.kind for p in self.problems)

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        return self.message

    def _repr_pretty_(self, printer, cycle: bool) -> None:  # IPython display
        printer.text(self.message)

    def raise_if_failed(self) -> None:
        """Raise ``AssertionError`` with the message if the check failed (for autograders)."""
        if not self.passed:
            raise AssertionError(self.message)


def _feedback(name: str, problems: Sequence[Problem], checks: Sequence[str]) -> Feedback:
    if not problems:
        return Feedback(True, t("exercises.pass", name=name, checks="; ".join(checks)))
    lines = [t("exercises.fail", name=name)] + [f"- {p.text}" for p in problems]
    return Feedback(False, "\n".join(lines), tuple(problems))


def _name(fn: Callable) -> str:
    name = getattr(fn, "__name__", "")
    if not name.isidentifier():  # lambdas, partials, callable objects
        return t("exercises.your_function")
    return f"{name}"


def _show(v: object) -> str:
    """A number as a student would write it: 2.0, -0.0, nan, inf, 3."""
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    try:
        f = float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return repr(v)
    if math.isnan(f):
        return "nan"
    if math.isinf(f):
        return "inf" if f > 0 else "-inf"
    if f == 0.0:
        return "-0.0" if math.copysign(1.0, f) < 0 else "0.0"
    if f.is_integer() and abs(f) < 1e15:
        return f"{f:.1f}"
    return f"{f:.6g}"


def _show_array(a: object) -> str:
    arr = np.asarray(a)
    if arr.ndim == 0:
        return _show(arr.item())
    if arr.size > 8:
        return f"<{t('exercises.array_of_shape')} {tuple(arr.shape)}>"
    if arr.ndim > 1:
        return "[" + ", ".join(_show_array(row) for row in arr) + "]"
    return "[" + ", ".join(_show(v) for v in arr.tolist()) + "]"


def _code_names(fn: Callable) -> set[str]:
    """Global and attribute names used by ``fn``'s code, nested functions and comprehensions included."""
    code = getattr(fn, "__code__", None)
    if code is None:
        code = getattr(getattr(fn, "__call__", None), "__code__", None)
    names: set[str] = set()
    stack = [code] if code is not None else []
    while stack:
        c = stack.pop()
        names.update(c.co_names)
        stack.extend(k for k in c.co_consts if isinstance(k, types.CodeType))
    return names


def _check_callable(fn: object, what: str) -> None:
    if not callable(fn):
        raise TypeError(t("exercises.not_callable", what=what, got=type(fn).__name__))


# --------------------------------------------------------------------------- the elementwise checker

#: Ordinary inputs: both sides of 0, away from it. Slopes are read between 1 and 2, and -2 and -1.
ORDINARY: tuple[float, ...] = (-3.0, -2.0, -1.0, -0.5, 0.5, 1.0, 2.0, 3.0)
#: Inputs where implementations part company.
SPECIAL: tuple[float, ...] = (float("nan"), float("inf"), float("-inf"))
#: Dtypes checked by default (the result must have the reference's dtype).
DTYPES: tuple[str, ...] = ("float64", "float32", "int32")
#: Shapes checked besides 1-D: a matrix and an empty array.
SHAPES: tuple[tuple[int, ...], ...] = ((2, 3), (0,))


#: Problem kinds that already report a wrong value on ordinary inputs.
_VALUE_KINDS: tuple[str, ...] = ("mirrored", "slope_pos", "slope_neg", "value")


class _Probe:
    """Runs the student's function and the reference on the same input and records problems."""

    def __init__(self, fn: Callable, reference: Callable, backend: str, hints: Mapping[str, str]):
        self.fn, self.reference, self.backend, self.hints = fn, reference, backend, hints
        self.problems: list[Problem] = []

    def add(self, kind: str, text: str) -> None:
        if any(p.kind == kind for p in self.problems):
            return  # one report per kind is enough
        hint = self.hints.get(kind)
        if hint:
            text = f"{text} {t(hint)}"
        self.problems.append(Problem(kind, text))

    def has(self, kinds: Iterable[str]) -> bool:
        kinds = set(kinds)
        return any(p.kind in kinds for p in self.problems)

    def make(self, values: Iterable[float] | np.ndarray, dtype: str) -> np.ndarray | torch.Tensor:
        arr = np.array(values, dtype=dtype)
        return arr if self.backend == "numpy" else torch.from_numpy(arr)

    @staticmethod
    def as_numpy(x: object) -> np.ndarray:
        if isinstance(x, torch.Tensor):
            return x.detach().cpu().numpy()
        return np.asarray(x)

    def run(self, x: np.ndarray | torch.Tensor) -> np.ndarray | None:
        """Call the student's function on ``x``; return its result as numpy, or None after a fatal problem."""
        before = self.as_numpy(x).copy()
        shown = _show_array(before)
        try:
            with np.errstate(all="ignore"):
                out = self.fn(x)
        except Exception as exc:  # the student's code may raise anything
            self.add("raised", t("exercises.raised", exc=type(exc).__name__, msg=str(exc)[:160], x=shown))
            return None
        after = self.as_numpy(x)
        if before.shape != after.shape or before.tobytes() != after.tobytes():
            b, a = before.reshape(-1), after.reshape(-1)
            if b.shape == a.shape and b.size:
                changed = (b.view(np.uint8).reshape(b.size, -1) != a.view(np.uint8).reshape(a.size, -1)).any(axis=1)
                i = int(np.flatnonzero(changed)[0])
                self.add("mutated", t("exercises.mutated", x=shown, i=i, before=_show(b[i]), after=_show(a[i])))
            else:
                self.add("mutated", t("exercises.mutated_shape", x=shown, shape=tuple(after.shape)))
        expected_type = np.ndarray if self.backend == "numpy" else torch.Tensor
        if out is None:
            self.add("type", t("exercises.returned_none", x=shown))
            return None
        if not isinstance(out, expected_type):
            self.add("type", t("exercises.type", got=type(out).__name__, want=expected_type.__module__.split(".")[0]
                               + "." + expected_type.__name__, x=shown))
            return None
        if self._shares_memory(x, out) and "mutated" not in [p.kind for p in self.problems]:
            self.add("aliased", t("exercises.aliased", x=shown))
        got = self.as_numpy(out)
        if got.dtype.kind not in "biuf":
            self.add("type", t("exercises.not_numbers", dtype=str(got.dtype), x=shown))
            return None
        if got.shape != before.shape:
            self.add("shape", t("exercises.shape", shape_in=tuple(before.shape), shape_out=tuple(got.shape), x=shown))
            return None
        return got

    @staticmethod
    def _shares_memory(x: object, out: object) -> bool:
        if isinstance(x, torch.Tensor) and isinstance(out, torch.Tensor):
            if x.numel() == 0 or out.numel() == 0:
                return False
            return out.untyped_storage().data_ptr() == x.untyped_storage().data_ptr()
        if isinstance(x, np.ndarray) and isinstance(out, np.ndarray):
            return bool(np.shares_memory(x, out))
        return False

    def want(self, x: np.ndarray | torch.Tensor) -> np.ndarray:
        with np.errstate(all="ignore"):
            return self.as_numpy(self.reference(x))


def _same(got: np.ndarray, want: np.ndarray, rtol: float, atol: float) -> np.ndarray:
    """Elementwise agreement: nan matches nan, -0.0 matches 0.0, infinities must match exactly."""
    try:
        g, w = got.astype(np.float64), want.astype(np.float64)
    except (TypeError, ValueError):  # e.g. an array of strings or objects
        return np.zeros(np.shape(want), dtype=bool)
    with np.errstate(all="ignore"):
        close = np.isclose(g, w, rtol=rtol, atol=atol, equal_nan=True)
    both_inf = np.isinf(g) | np.isinf(w)
    return np.where(both_inf, g == w, close)


def check_elementwise(
    fn: Callable,
    reference: Callable,
    *,
    backend: str = "numpy",
    forbidden: Iterable[str] = (),
    dtypes: Sequence[str] = DTYPES,
    autograd: bool | None = None,
    hints: Mapping[str, str] | None = None,
    rtol: float = 1e-6,
    atol: float = 1e-12,
) -> Feedback:
    """Check a function that should act element by element like ``reference``.

    Parameters
    ----------
    fn:
        The student's function of one array (numpy backend) or tensor (torch backend).
    reference:
        The correct function, for the same backend.
    backend:
        ``"numpy"`` or ``"torch"``.
    forbidden:
        Names the exercise does not allow ``fn`` to use (e.g. ``"maximum"`` for
        ``np.maximum``); found in the code of ``fn`` and of functions nested in it.
    dtypes:
        Input dtypes to try; the result must have the dtype the reference gives.
    autograd:
        Also compare the gradient autograd computes through ``fn`` away from 0
        (default: True with the torch backend).
    hints:
        Problem kind -> message key of a hint appended to that problem's text.
    rtol, atol:
        Tolerance of value comparisons (``nan`` must match ``nan``; ``-0.0``
        matches ``0.0``).

    Returns
    -------
    Feedback
        Problem kinds: ``raised``, ``type``, ``shape``, ``mutated``, ``aliased``,
        ``forbidden``, ``mirrored``, ``slope_pos``, ``slope_neg``, ``value``, ``zero``,
        ``nan_lost``, ``nan_created``, ``inf``, ``dtype``, ``no_grad``, ``grad``.
    """
    _check_callable(fn, "fn")
    _check_callable(reference, "reference")
    if backend not in ("numpy", "torch"):
        raise ValueError(t("exercises.bad_backend", got=repr(backend)))
    dtypes = tuple(dtypes)
    bad = [d for d in dtypes if d not in ("float16", "float32", "float64", "int32", "int64")]
    if bad:
        raise ValueError(t("exercises.bad_dtypes", got=", ".join(map(str, bad))))
    probe = _Probe(fn, reference, backend, hints or {})
    name = _name(fn)
    checks = [t("exercises.checks.values"), t("exercises.checks.zero"), t("exercises.checks.special")]

    used = sorted(_code_names(fn) & set(forbidden))
    if used:
        probe.add("forbidden", t("exercises.forbidden", names=", ".join(f"`{n}`" for n in used)))

    # 1. ordinary inputs; a fatal problem here (raised, wrong type or shape) stops the check
    x = probe.make(ORDINARY, "float64")
    got = probe.run(x)
    if got is None:
        return _feedback(name, probe.problems, checks)
    want = probe.want(probe.make(ORDINARY, "float64"))
    ok = _same(got, want, rtol, atol)
    mirrored = probe.want(probe.make([-v for v in ORDINARY], "float64"))
    if not ok.all() and _same(got, mirrored, rtol, atol).all():
        i = int(np.flatnonzero(~ok)[0])
        probe.add("mirrored", t("exercises.mirrored", x=_show(ORDINARY[i]), got=_show(got[i]), want=_show(want[i])))
    elif not ok.all():
        xs = np.array(ORDINARY)
        at = {v: i for i, v in enumerate(ORDINARY)}
        slope = lambda y, a, b: (float(y[at[b]]) - float(y[at[a]])) / (b - a)  # noqa: E731
        sides = (("slope_pos", 1.0, 2.0, xs > 0), ("slope_neg", -2.0, -1.0, xs < 0))
        slope_found = False
        for kind, a, b, side in sides:
            s_got, s_want = slope(got, a, b), slope(want, a, b)
            if not np.isclose(s_got, s_want, rtol=1e-6, atol=1e-9) or np.isnan(s_got):
                i = int(np.flatnonzero(side & ~ok)[0]) if (side & ~ok).any() else at[b]
                key = "exercises.slope_flipped" if s_want != 0 and np.isclose(s_got, -s_want) else "exercises.slope"
                side_text = t("exercises.side_pos" if kind == "slope_pos" else "exercises.side_neg")
                probe.add(kind, t(key, x=_show(xs[i]), got=_show(got[i]), want=_show(want[i]),
                                  side=side_text, s_got=_show(s_got), s_want=_show(s_want)))
                slope_found = True
        if not slope_found:
            i = int(np.flatnonzero(~ok)[0])
            probe.add("value", t("exercises.value", x=_show(xs[i]), got=_show(got[i]), want=_show(want[i])))

    # 2. zero, both signs
    for v in (0.0, -0.0):
        got0 = probe.run(probe.make([v], "float64"))
        if got0 is None:
            continue
        want0 = probe.want(probe.make([v], "float64"))
        if not _same(got0, want0, rtol, atol).all():
            probe.add("zero", t("exercises.zero", x=_show(v), got=_show(got0[0]), want=_show(want0[0])))

    # 3. nan and infinities
    for v in SPECIAL:
        gots = probe.run(probe.make([v], "float64"))
        if gots is None:
            continue
        wants = probe.want(probe.make([v], "float64"))
        g, w = gots[0], wants[0]
        if _same(gots, wants, rtol, atol).all():
            continue
        if np.isnan(w) and not np.isnan(g):
            probe.add("nan_lost", t("exercises.nan_lost", got=_show(g)))
        elif np.isnan(g):
            probe.add("nan_created", t("exercises.nan_created", x=_show(v), want=_show(w)))
        elif not probe.has(_VALUE_KINDS):
            probe.add("inf", t("exercises.value", x=_show(v), got=_show(g), want=_show(w)))

    # 4. other shapes
    checks.append(t("exercises.checks.shapes"))
    grid = np.array([-1.5, 2.0, -0.25, 0.75, -3.0, 1.0])
    for shape in SHAPES:
        n = int(np.prod(shape))
        values = np.resize(grid, n).reshape(shape)
        gots = probe.run(probe.make(values, "float64"))
        if gots is None:
            continue
        wants = probe.want(probe.make(values, "float64"))
        bad_at = np.argwhere(~_same(gots, wants, rtol, atol))
        if bad_at.size and not probe.has(_VALUE_KINDS + ("nan_lost", "nan_created", "inf", "zero")):
            idx = tuple(int(k) for k in bad_at[0])
            probe.add("value", t("exercises.value_at", shape=shape, idx=idx, x=_show(values[idx]),
                                 got=_show(gots[idx]), want=_show(wants[idx])))

    # 5. dtypes
    if dtypes:
        checks.append(t("exercises.checks.dtypes", dtypes=", ".join(dtypes)))
    for dt in dtypes:
        xd = probe.make([-2, 0, 3], dt)
        before = len(probe.problems)
        try:
            with np.errstate(all="ignore"):
                out = fn(xd)
        except Exception as exc:
            probe.add("raised", t("exercises.raised_dtype", exc=type(exc).__name__, msg=str(exc)[:160], dtype=dt))
            continue
        if len(probe.problems) != before:
            continue
        if isinstance(out, (np.ndarray, torch.Tensor)):
            want_dt = str(probe.want(probe.make([-2, 0, 3], dt)).dtype)
            got_dt = str(probe.as_numpy(out).dtype)
            if got_dt != want_dt:
                probe.add("dtype", t("exercises.dtype", dtype=dt, got=got_dt, want=want_dt))
    checks.append(t("exercises.checks.input"))

    # 6. gradient through autograd (torch), away from 0
    if autograd if autograd is not None else backend == "torch":
        checks.append(t("exercises.checks.autograd"))
        _check_gradient(probe, rtol, atol)

    return _feedback(name, probe.problems, checks)


def _check_gradient(probe: _Probe, rtol: float, atol: float) -> None:
    x = torch.tensor(ORDINARY, dtype=torch.float64, requires_grad=True)
    try:
        y = probe.fn(x)
        if not isinstance(y, torch.Tensor) or not y.requires_grad:
            probe.add("no_grad", t("exercises.no_grad"))
            return
        (g,) = torch.autograd.grad(y.sum(), x, allow_unused=True)
    except Exception as exc:
        probe.add("raised", t("exercises.raised_grad", exc=type(exc).__name__, msg=str(exc)[:160]))
        return
    if g is None:
        probe.add("no_grad", t("exercises.no_grad"))
        return
    xr = x.detach().clone().requires_grad_(True)
    (gr,) = torch.autograd.grad(probe.reference(xr).sum(), xr)
    ok = _same(g.numpy(), gr.numpy(), rtol, atol)
    if not ok.all():
        i = int(np.flatnonzero(~ok)[0])
        probe.add("grad", t("exercises.grad", x=_show(ORDINARY[i]), got=_show(g[i].item()), want=_show(gr[i].item())))


# --------------------------------------------------------------------------- numeric answers


def check_answers(
    answers: Mapping[str, object],
    truth: Mapping[str, object],
    *,
    explain: Mapping[str, str] | None = None,
    rtol: float = 1e-6,
    atol: float = 1e-12,
    signed_zero: bool = False,
) -> Feedback:
    """Compare a student's answers (numbers or sequences of numbers) with the true values.

    Meant for "predict, then run" exercises: the caller computes ``truth`` live
    (e.g. the gradients autograd returns), the student writes ``answers`` first.

    Parameters
    ----------
    answers:
        Part name -> the student's number or list of numbers.
    truth:
        Part name -> the right value; every part must be answered.
    explain:
        Part name -> a text (already in the current language) added to the
        message when that part is wrong.
    rtol, atol:
        Tolerance; ``nan`` matches ``nan``.
    signed_zero:
        Whether ``-0.0`` and ``0.0`` count as different answers.
    """
    if not isinstance(answers, Mapping) or not isinstance(truth, Mapping) or not truth:
        raise TypeError(t("exercises.answers.not_mapping"))
    problems: list[Problem] = []
    unknown = sorted(set(answers) - set(truth))
    if unknown:
        problems.append(Problem("unknown", t("exercises.answers.unknown", parts=", ".join(map(str, unknown)),
                                                  expected=", ".join(map(str, truth)))))
    for part, want in truth.items():
        if part not in answers:
            problems.append(Problem("missing", t("exercises.answers.missing", part=part)))
            continue
        try:
            got_arr = np.asarray(answers[part], dtype=np.float64)
        except (TypeError, ValueError):
            problems.append(Problem("format", t("exercises.answers.format", part=part, got=repr(answers[part]))))
            continue
        want_arr = np.asarray(want, dtype=np.float64)
        if got_arr.shape != want_arr.shape:
            problems.append(Problem("format", t("exercises.answers.shape", part=part, n=want_arr.size)))
            continue
        ok = _same(got_arr, want_arr, rtol, atol)
        if signed_zero:
            ok &= (np.signbit(got_arr) == np.signbit(want_arr)) | np.isnan(want_arr)
        if not ok.all():
            text = t("exercises.answers.wrong", part=part, got=_show_array(got_arr), want=_show_array(want_arr))
            if explain and explain.get(part):
                text = f"{text} {explain[part]}"
            problems.append(Problem(str(part), text))
    return _feedback(t("exercises.your_answers"), problems, [t("exercises.checks.answers", n=len(truth))])


# --------------------------------------------------------------------------- ReLU and its derivative

_RELU_HINTS = {
    "zero": "exercises.hint.relu_zero",
    "slope_neg": "exercises.hint.relu_slope_neg",
    "nan_lost": "exercises.hint.nan_lost",
    "nan_created": "exercises.hint.nan_created",
    "dtype": "exercises.hint.dtype",
    "mutated": "exercises.hint.mutated",
    "aliased": "exercises.hint.mutated",
    "no_grad": "exercises.hint.no_grad",
}


def check_relu(fn: Callable, *, backend: str = "numpy", forbidden: Iterable[str] = ()) -> Feedback:
    """Check a student's ReLU against :func:`relulab.activations.relu_np` (numpy) or ``torch.relu`` (torch).

    Catches, with a message naming the input: a wrong value at 0 (off by one),
    a slope of the wrong sign or a non-zero slope for ``x < 0``, ``nan`` turned
    into a number, ``nan`` created from ``-inf``, a changed or returned input,
    a wrong shape or dtype, and (torch) a result autograd cannot differentiate.
    ``-0.0`` may come back as ``0.0`` or ``-0.0``.
    """
    reference = relu_np if backend == "numpy" else torch.relu
    return check_elementwise(fn, reference, backend=backend, forbidden=forbidden, hints=_RELU_HINTS)


def check_relu_grad(fn: Callable, *, backend: str = "numpy", at_zero: float = 0.0) -> Feedback:
    """Check a student's derivative of ReLU: 1 for ``x > 0``, 0 for ``x < 0``, ``at_zero`` at 0, ``nan`` for ``nan``.

    ``at_zero`` is the convention the exercise asks for (PyTorch's is 0; any
    value in [0, 1] is a valid subgradient). The result must be floating:
    float64 for integer inputs, the input's dtype for floating ones.
    """
    from ._checks import check_scalar_in

    at_zero = check_scalar_in(at_zero, "at_zero", 0.0, 1.0)
    if backend == "numpy":
        reference = lambda x: relu_grad_np(x, at_zero=at_zero)  # noqa: E731
        dtypes: tuple[str, ...] = DTYPES
    else:
        reference = lambda x: relu_grad_torch(x, at_zero=at_zero)  # noqa: E731
        dtypes = ("float64", "float32")  # torch's default float dtype decides for integers
    hints = dict(_RELU_HINTS, zero="exercises.hint.grad_zero")
    hints.pop("slope_neg")
    return check_elementwise(fn, reference, backend=backend, dtypes=dtypes, autograd=False, hints=hints)


# --------------------------------------------------------------------------- Chapter 1: Definition

#: What exercise ex-def-implement forbids (np.maximum, np.clip, np.where and ready-made ReLUs).
MY_RELU_FORBIDDEN: tuple[str, ...] = ("maximum", "fmax", "clip", "where", "relu", "relu_np", "relu_", "clamp")


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
            with np.errstate(all="ignore"):
                got = np.asarray(pred(grid.copy()), dtype=np.float64)
        except Exception as exc:
            problems.append(Problem("raised", t("exercises.predict.raised", part=key, exc=type(exc).__name__, msg=str(exc)[:160])))
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


def check_max_min(my_max: Callable | None = None, my_min: Callable | None = None) -> Feedback:
    """Exercise ex-def-investigate (a): ``max(a, b)`` and ``min(a, b)`` built from ReLUs.

    Each function takes two numpy arrays of the same shape. They are compared
    with ``np.maximum`` and ``np.minimum`` on 1,000 random pairs (seed 0), on
    ties and on a 2-D pair; they must not change their inputs.
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
        for x, y in cases:
            x0, y0 = x.copy(), y.copy()
            try:
                with np.errstate(all="ignore"):
                    out = fn(x, y)
            except Exception as exc:
                problems.append(Problem("raised", t("exercises.maxmin.raised", f=label, exc=type(exc).__name__, msg=str(exc)[:160], shape=x.shape)))
                break
            if not (np.array_equal(x, x0) and np.array_equal(y, y0)):
                problems.append(Problem("mutated", t("exercises.maxmin.mutated", f=label)))
                break
            out = np.asarray(out)
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
    from ._checks import check_int_in

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
        if n < kinks:
            problems.append(Problem(key, t("exercises.units.too_few", part=key, n=n, most=n + 1, pieces=pieces)))
        elif n > right:
            problems.append(Problem(key, t("exercises.units.too_many", part=key, n=n, kinks=kinks)))
        else:  # n == kinks but the first slope cannot be made without one more unit
            jumps = sorted({_show(abs(j)) for j in np.diff(slopes) if abs(j) > 1e-9})
            problems.append(Problem(key, t("exercises.units.first_slope", part=key, n=n, s0=_show(slopes[0]),
                                           jumps=", ".join("±" + j for j in jumps))))
    return _feedback(t("exercises.your_counts"), problems, [t("exercises.checks.units", depth=depth, pieces=pieces)])


# --------------------------------------------------------------------------- registry


@dataclass(frozen=True)
class Exercise:
    """An exercise of the book and the checkers that go with it."""

    label: str
    chapter: str
    checkers: tuple[Callable[..., Feedback], ...]


#: Exercise label (as in the chapter's ``{exercise}`` directive) -> its checkers.
EXERCISES: dict[str, Exercise] = {}


def register_exercise(label: str, chapter: str, *checkers: Callable[..., Feedback]) -> Exercise:
    """Add an exercise and its checkers to :data:`EXERCISES` (a label may be registered once)."""
    if not isinstance(label, str) or not label.startswith("ex-"):
        raise ValueError(f"exercise labels start with 'ex-', got {label!r}")
    if not checkers or not all(callable(c) for c in checkers):
        raise TypeError("register_exercise needs at least one checker function")
    if label in EXERCISES:
        raise ValueError(f"exercise {label!r} is already registered (chapter {EXERCISES[label].chapter})")
    EXERCISES[label] = Exercise(label, chapter, tuple(checkers))
    return EXERCISES[label]


register_exercise("ex-def-implement", "01_definition", check_my_relu)
register_exercise("ex-def-predict", "01_definition", check_relu_predictions)
register_exercise("ex-def-investigate", "01_definition", check_max_min, check_sawtooth_units)


# --------------------------------------------------------------------------- messages

register(
    {
        "exercises.pass": {
            "en": "✓ {name}: all checks passed ({checks}).",
            "it": "✓ {name}: tutte le verifiche superate ({checks}).",
        },
        "exercises.fail": {
            "en": "✗ {name}: something is still wrong.",
            "it": "✗ {name}: c'è ancora qualcosa da correggere.",
        },
        "exercises.your_function": {"en": "your function", "it": "la vostra funzione"},
        "exercises.your_predictions": {"en": "your predictions", "it": "le vostre previsioni"},
        "exercises.your_counts": {"en": "your counts", "it": "i vostri conteggi"},
        "exercises.array_of_shape": {"en": "array of shape", "it": "array di forma"},
        "exercises.not_callable": {
            "en": "{what} must be a function (something you can call), got {got}",
            "it": "{what} deve essere una funzione (qualcosa che si può chiamare), invece è {got}",
        },
        "exercises.bad_backend": {
            "en": "backend must be 'numpy' or 'torch', got {got}",
            "it": "backend deve essere 'numpy' o 'torch', invece è {got}",
        },
        "exercises.bad_dtypes": {
            "en": "unsupported dtypes {got}: use float16, float32, float64, int32 or int64",
            "it": "dtype non supportati {got}: usate float16, float32, float64, int32 o int64",
        },
        "exercises.your_answers": {"en": "your answers", "it": "le vostre risposte"},
        "exercises.checks.answers": {"en": "{n} answers", "it": "{n} risposte"},
        "exercises.answers.not_mapping": {
            "en": "answers and truth must be dictionaries: part name -> value (truth not empty)",
            "it": "answers e truth devono essere dizionari: nome della parte -> valore (truth non vuoto)",
        },
        "exercises.answers.unknown": {
            "en": "there is no part {parts} in this exercise; the parts are: {expected}.",
            "it": "in questo esercizio non c'è la parte {parts}; le parti sono: {expected}.",
        },
        "exercises.answers.missing": {
            "en": "no answer yet for {part}.",
            "it": "manca ancora la risposta {part}.",
        },
        "exercises.answers.format": {
            "en": "{part}: {got} is not a number or a list of numbers.",
            "it": "{part}: {got} non è un numero né una lista di numeri.",
        },
        "exercises.answers.shape": {
            "en": "{part}: wrong number of values (expected {n}).",
            "it": "{part}: numero di valori sbagliato (ne servono {n}).",
        },
        "exercises.answers.wrong": {
            "en": "{part}: you answered {got}, the value is {want}.",
            "it": "{part}: avete risposto {got}, il valore è {want}.",
        },
        "exercises.checks.values": {"en": "values for x < 0 and x > 0", "it": "valori per x < 0 e x > 0"},
        "exercises.checks.zero": {"en": "0 and -0.0", "it": "0 e -0.0"},
        "exercises.checks.special": {"en": "nan, inf and -inf", "it": "nan, inf e -inf"},
        "exercises.checks.shapes": {"en": "1-D, 2-D and empty inputs", "it": "ingressi 1-D, 2-D e vuoti"},
        "exercises.checks.dtypes": {"en": "dtypes {dtypes}", "it": "dtype {dtypes}"},
        "exercises.checks.input": {"en": "input left unchanged", "it": "ingresso lasciato intatto"},
        "exercises.checks.autograd": {"en": "gradient through autograd", "it": "gradiente con autograd"},
        "exercises.checks.predictions": {
            "en": "both identities and the four outputs on nan and -0.0",
            "it": "le due identità e le quattro uscite su nan e -0.0",
        },
        "exercises.checks.maxmin": {
            "en": "1,000 random pairs, ties and a 2-D pair, inputs left unchanged",
            "it": "1.000 coppie casuali, pareggi e una coppia 2-D, ingressi lasciati intatti",
        },
        "exercises.checks.units": {
            "en": "both counts for the depth-{depth} sawtooth, {pieces} pieces",
            "it": "entrambi i conteggi per il dente di sega di profondità {depth}, {pieces} tratti",
        },
        "exercises.raised": {
            "en": "on the input {x} it raised {exc}: {msg}",
            "it": "sull'ingresso {x} ha sollevato {exc}: {msg}",
        },
        "exercises.raised_dtype": {
            "en": "on an input of dtype {dtype} it raised {exc}: {msg}",
            "it": "su un ingresso di dtype {dtype} ha sollevato {exc}: {msg}",
        },
        "exercises.raised_grad": {
            "en": "with an input that requires grad it raised {exc}: {msg}",
            "it": "con un ingresso che richiede il gradiente ha sollevato {exc}: {msg}",
        },
        "exercises.type": {
            "en": "on the input {x} it returned a {got}, not a {want}.",
            "it": "sull'ingresso {x} ha restituito un {got}, non un {want}.",
        },
        "exercises.returned_none": {
            "en": "on the input {x} it returned None: is a `return` missing?",
            "it": "sull'ingresso {x} ha restituito None: manca un `return`?",
        },
        "exercises.not_numbers": {
            "en": "on the input {x} it returned an array of dtype {dtype}, not of numbers.",
            "it": "sull'ingresso {x} ha restituito un array di dtype {dtype}, non di numeri.",
        },
        "exercises.shape": {
            "en": "on an input of shape {shape_in} it returned shape {shape_out}: an elementwise function keeps the shape.",
            "it": "su un ingresso di forma {shape_in} ha restituito la forma {shape_out}: una funzione elemento per elemento conserva la forma.",
        },
        "exercises.mutated": {
            "en": "it changed its input: x was {x}, and after the call x[{i}] is {after} instead of {before}.",
            "it": "ha modificato il suo ingresso: x era {x}, e dopo la chiamata x[{i}] vale {after} invece di {before}.",
        },
        "exercises.mutated_shape": {
            "en": "it changed its input: x was {x}, and after the call it has shape {shape}.",
            "it": "ha modificato il suo ingresso: x era {x}, e dopo la chiamata ha forma {shape}.",
        },
        "exercises.mirrored": {
            "en": "on x = {x} it returned {got}, expected {want}: your function is the right one mirrored left to right (it computes it at -x); check the sign of x.",
            "it": "su x = {x} ha restituito {got} invece di {want}: la vostra funzione è quella giusta specchiata da sinistra a destra (la calcola in -x); controllate il segno di x.",
        },
        "exercises.aliased": {
            "en": "on the input {x} it returned the input itself (or a view of it), not a new array: the caller's data and the result share memory.",
            "it": "sull'ingresso {x} ha restituito l'ingresso stesso (o una sua vista), non un nuovo array: i dati del chiamante e il risultato condividono la memoria.",
        },
        "exercises.forbidden": {
            "en": "it uses {names}, which this exercise asks you not to use.",
            "it": "usa {names}, che questo esercizio chiede di non usare.",
        },
        "exercises.side_pos": {"en": "x > 0", "it": "x > 0"},
        "exercises.side_neg": {"en": "x < 0", "it": "x < 0"},
        "exercises.slope": {
            "en": "on x = {x} it returned {got}, expected {want}: for {side} your slope is {s_got}, it should be {s_want}.",
            "it": "su x = {x} ha restituito {got} invece di {want}: per {side} la vostra pendenza è {s_got}, dovrebbe essere {s_want}.",
        },
        "exercises.slope_flipped": {
            "en": "on x = {x} it returned {got}, expected {want}: for {side} your slope is {s_got} instead of {s_want}, the sign is flipped.",
            "it": "su x = {x} ha restituito {got} invece di {want}: per {side} la vostra pendenza è {s_got} invece di {s_want}, il segno è invertito.",
        },
        "exercises.value": {
            "en": "on x = {x} it returned {got}, expected {want}.",
            "it": "su x = {x} ha restituito {got} invece di {want}.",
        },
        "exercises.value_at": {
            "en": "on an input of shape {shape}, at index {idx} (x = {x}) it returned {got}, expected {want}.",
            "it": "su un ingresso di forma {shape}, all'indice {idx} (x = {x}) ha restituito {got} invece di {want}.",
        },
        "exercises.zero": {
            "en": "at x = {x} it returned {got}, expected {want}.",
            "it": "in x = {x} ha restituito {got} invece di {want}.",
        },
        "exercises.nan_lost": {
            "en": "on nan it returned {got}, expected nan.",
            "it": "su nan ha restituito {got} invece di nan.",
        },
        "exercises.nan_created": {
            "en": "on {x} it returned nan, expected {want}.",
            "it": "su {x} ha restituito nan invece di {want}.",
        },
        "exercises.dtype": {
            "en": "on an input of dtype {dtype} it returned dtype {got}, expected {want}.",
            "it": "su un ingresso di dtype {dtype} ha restituito il dtype {got} invece di {want}.",
        },
        "exercises.no_grad": {
            "en": "its result does not carry a gradient back to the input: autograd cannot differentiate it.",
            "it": "il suo risultato non riporta un gradiente all'ingresso: autograd non può derivarlo.",
        },
        "exercises.grad": {
            "en": "autograd gives gradient {got} at x = {x}, expected {want}.",
            "it": "autograd dà gradiente {got} in x = {x} invece di {want}.",
        },
        "exercises.hint.relu_zero": {
            "en": "ReLU(0) = 0: the kink sits exactly at 0. Check the threshold of your comparison and any +1 or -1 offset.",
            "it": "ReLU(0) = 0: il punto angoloso sta esattamente in 0. Controllate la soglia del confronto ed eventuali +1 o -1 di troppo.",
        },
        "exercises.hint.relu_slope_neg": {
            "en": "ReLU is flat for x < 0 (slope 0); with a non-zero slope there it is another function (slope 0.01: a Leaky ReLU; slope -1: |x|).",
            "it": "La ReLU è piatta per x < 0 (pendenza 0); con una pendenza non nulla lì è un'altra funzione (pendenza 0,01: una Leaky ReLU; pendenza -1: |x|).",
        },
        "exercises.hint.grad_zero": {
            "en": "At 0 the derivative does not exist; this exercise asks for PyTorch's convention. `x >= 0` counts 0 as positive (gives 1); `x > 0` does not (gives 0).",
            "it": "In 0 la derivata non esiste; questo esercizio chiede la convenzione di PyTorch. `x >= 0` conta 0 come positivo (dà 1); `x > 0` no (dà 0).",
        },
        "exercises.hint.nan_lost": {
            "en": "`nan > 0` and `nan < 0` are both False, so comparison-based code (`where`, masks) sends nan to the 0 branch. A nan must come out as nan, so that a problem upstream stays visible.",
            "it": "`nan > 0` e `nan < 0` sono entrambi False, quindi il codice basato su confronti (`where`, maschere) manda nan nel ramo dello 0. Un nan deve uscire come nan, così che un problema a monte resti visibile.",
        },
        "exercises.hint.nan_created": {
            "en": "`-inf * 0` is nan: multiplying by a mask, as in `x * (x > 0)`, creates it.",
            "it": "`-inf * 0` è nan: moltiplicare per una maschera, come in `x * (x > 0)`, lo crea.",
        },
        "exercises.hint.dtype": {
            "en": "Keep the input's dtype: copy with `np.array(x, copy=True)` (or `x.clone()` in torch). `np.array(x, dtype=float)`, a float literal such as `0.0` in `where`, or Python's `max` turn it into float64.",
            "it": "Conservate il dtype dell'ingresso: copiate con `np.array(x, copy=True)` (o `x.clone()` in torch). `np.array(x, dtype=float)`, un letterale float come `0.0` in `where` o il `max` di Python lo trasformano in float64.",
        },
        "exercises.hint.mutated": {
            "en": "Work on a copy: `np.array(x, copy=True)` or `x.clone()`. In-place forms (`np.maximum(x, 0, out=x)`, `out[...] = ` on x itself, `torch.relu_(x)`) overwrite the caller's data.",
            "it": "Lavorate su una copia: `np.array(x, copy=True)` o `x.clone()`. Le forme in-place (`np.maximum(x, 0, out=x)`, `out[...] = ` su x stesso, `torch.relu_(x)`) sovrascrivono i dati del chiamante.",
        },
        "exercises.hint.no_grad": {
            "en": "Stay in torch: going through numpy, `.item()`, `.detach()` or `torch.tensor(...)` cuts the graph.",
            "it": "Restate in torch: passare per numpy, `.item()`, `.detach()` o `torch.tensor(...)` taglia il grafo.",
        },
        "exercises.predict.missing": {
            "en": "no prediction yet for {part} ({expr}).",
            "it": "manca ancora la previsione {part} ({expr}).",
        },
        "exercises.predict.raised": {
            "en": "your function {part} raised {exc}: {msg}",
            "it": "la vostra funzione {part} ha sollevato {exc}: {msg}",
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
            "it": "{part} deve essere una lista di {n} numeri: l'uscita per nan, poi per -0.0.",
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
            "it": "`nan > 0` è False, quindi {expr} prende il ramo 0.0 e il nan sparisce.",
        },
        "exercises.why.negzero_kept": {
            "en": "-0.0 is not below 0, so {expr} returns its input, sign bit included.",
            "it": "-0.0 non è minore di 0, quindi {expr} restituisce il suo ingresso, bit del segno compreso.",
        },
        "exercises.why.negzero_dropped": {
            "en": "`-0.0 > 0` is False, so {expr} returns the constant 0.0, a positive zero.",
            "it": "`-0.0 > 0` è False, quindi {expr} restituisce la costante 0.0, uno zero positivo.",
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
            "en": "{part} = {n}: one hidden layer of {n} units bends at most {n} times, so it draws at most {most} pieces; the sawtooth has {pieces}.",
            "it": "{part} = {n}: un solo strato nascosto di {n} unità si piega al più {n} volte, quindi disegna al più {most} tratti; il dente di sega ne ha {pieces}.",
        },
        "exercises.units.too_many": {
            "en": "{part} = {n} units are enough, but not the fewest: look for a construction with fewer (the sawtooth has {kinks} kinks, and each unit can place one).",
            "it": "{part} = {n} unità bastano, ma non sono il minimo: cercate una costruzione con meno unità (il dente di sega ha {kinks} punti angolosi, e ogni unità può metterne uno).",
        },
        "exercises.units.first_slope": {
            "en": "{part} = {n}: with {n} units every unit must bend at one of the {n} kinks inside (0, 1). Then only units facing left give the first piece a slope, made of their slope changes ({jumps}); no sum of those equals {s0}, the first piece's slope. One more unit is needed.",
            "it": "{part} = {n}: con {n} unità ogni unità deve piegarsi in uno dei {n} punti angolosi dentro (0, 1). Allora solo le unità rivolte a sinistra danno una pendenza al primo tratto, fatta delle loro variazioni di pendenza ({jumps}); nessuna somma di queste vale {s0}, la pendenza del primo tratto. Serve un'unità in più.",
        },
    }
)
