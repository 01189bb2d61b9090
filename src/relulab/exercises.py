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

Exercise checkers (one chapter's exercise each: Chapters 1, 2, 3, 4, 6 and its
comparison notebook, appendix A1) are listed in :data:`EXERCISES`
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
    "check_relu6_function",
    "check_kink_gradients",
    "check_sparsity_measures",
    "check_bias_shift_prediction",
    "check_union_active",
    "check_dead_masks",
    "check_fire_on_test",
    "check_hard_sigmoid",
    "check_hard_swish",
    "check_variant_gradients",
    "check_selu_fixed_points",
    "check_sign_test",
    "mlp_params",
    "check_equal_param_widths",
    "check_maximum_edge",
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


# --------------------------------------------------------------------------- Chapter 2: The derivative


def _grad_at(fn: Callable[[torch.Tensor], torch.Tensor], values: Sequence[float]) -> np.ndarray:
    """What autograd returns for ``fn`` at ``values`` (float64), summed output."""
    x = torch.tensor(values, dtype=torch.float64, requires_grad=True)
    (g,) = torch.autograd.grad(fn(x).sum(), x)
    return g.numpy()


def check_relu6_function(relu6_at: Callable) -> Feedback:
    """Exercise ex-deriv-relu6: ``relu6_at(x, at_0, at_6)`` computes ReLU6 with chosen derivatives at 0 and 6.

    ``relu6_at`` is e.g. ``ReLU6At.apply`` of your ``torch.autograd.Function``.
    Checked: the values against ``x.clamp(0, 6)`` (the input left unchanged),
    the gradient away from the kinks (0, 1, 1, 0 at -1, 0.5, 3, 7), and the
    gradient at the kinks for three pairs of parameters.
    """
    _check_callable(relu6_at, "relu6_at")
    problems: list[Problem] = []
    name = t("exercises.your_function")
    grid = [-2.0, -0.5, 0.0, 0.5, 3.0, 6.0, 7.5]
    x = torch.tensor(grid, dtype=torch.float64)
    before = x.clone()
    try:
        out = relu6_at(x, 0.0, 0.0)
    except Exception as exc:
        return _feedback(name, [Problem("raised", t("exercises.relu6.raised", exc=type(exc).__name__, msg=str(exc)[:160]))], [])
    if not torch.equal(x, before):
        problems.append(Problem("mutated", t("exercises.relu6.mutated")))
    if not isinstance(out, torch.Tensor) or out.shape != x.shape:
        problems.append(Problem("type", t("exercises.relu6.type", got=type(out).__name__)))
        return _feedback(name, problems, [])
    bad = np.flatnonzero(~_same(out.detach().numpy(), x.clamp(0, 6).numpy(), 1e-9, 1e-12))
    if bad.size:
        i = int(bad[0])
        problems.append(Problem("value", t("exercises.value", x=_show(grid[i]), got=_show(out[i].item()),
                                           want=_show(min(max(grid[i], 0.0), 6.0)))))
    away = [-1.0, 0.5, 3.0, 7.0]
    try:
        g = _grad_at(lambda v: relu6_at(v, 0.0, 0.0), away)
    except Exception as exc:
        problems.append(Problem("no_grad", t("exercises.relu6.no_grad", exc=type(exc).__name__, msg=str(exc)[:160])))
        return _feedback(name, problems, [])
    want = np.array([0.0, 1.0, 1.0, 0.0])
    bad = np.flatnonzero(g != want)
    if bad.size:
        i = int(bad[0])
        key = "exercises.relu6.grad_sign" if np.array_equal(g, -want) else "exercises.relu6.grad"
        problems.append(Problem("grad", t(key, x=_show(away[i]), got=_show(g[i]), want=_show(want[i]))))
    for at_0, at_6 in ((0.0, 0.0), (1.0, 1.0), (0.25, 0.75)):
        if problems and problems[-1].kind == "grad":
            break  # the slope is already wrong everywhere
        gk = _grad_at(lambda v: relu6_at(v, at_0, at_6), [0.0, 6.0])
        if not np.allclose(gk, [at_0, at_6]):
            key = "exercises.relu6.kinks_swapped" if np.allclose(gk, [at_6, at_0]) else "exercises.relu6.kinks"
            problems.append(Problem("kinks", t(key, a0=_show(at_0), a6=_show(at_6), got=_show_array(gk),
                                               want=_show_array([at_0, at_6]))))
            break
    return _feedback(name, problems, [t("exercises.checks.relu6")])


#: The four expressions of exercise ex-deriv-predict, as (part, code, function).
KINK_EXPRESSIONS: tuple[tuple[str, str, Callable], ...] = (
    ("a", "torch.maximum(x, -x)", lambda v: torch.maximum(v, -v)),
    ("b", "torch.relu(x) + torch.relu(-x)", lambda v: torch.relu(v) + torch.relu(-v)),
    ("c", "x.clamp_min(0) - (-x).clamp_min(0)", lambda v: v.clamp_min(0) - (-v).clamp_min(0)),
    ("d", "torch.relu(x) ** 2", lambda v: torch.relu(v) ** 2),
)


def check_kink_gradients(*, a: float | None = None, b: float | None = None, c: float | None = None,
                         d: float | None = None) -> Feedback:
    """Exercise ex-deriv-predict: your predictions of autograd's gradient at ``x = 0`` for the four expressions.

    The true values are computed live with the installed PyTorch; a wrong part
    is explained (a tie splits the gradient, ``clamp_min`` counts its bound as active, ...).
    """
    answers = {k: v for k, v in (("a", a), ("b", b), ("c", c), ("d", d)) if v is not None}
    truth = {part: float(_grad_at(fn, [0.0])[0]) for part, _, fn in KINK_EXPRESSIONS}
    explain = {part: f"({code}) " + t(f"exercises.kinks.why_{part}") for part, code, _ in KINK_EXPRESSIONS}
    return check_answers(answers, truth, explain=explain)


# --------------------------------------------------------------------------- Chapter 3: Sparsity


def check_sparsity_measures(acts: object, *, population: object = None, lifetime: object = None,
                            dead: object = None) -> Feedback:
    """Exercise ex-sparsity-1: population sparsity, lifetime sparsity and dead mask of ``acts`` (examples × units).

    Compared with :func:`relulab.sparsity.population_sparsity`,
    :func:`~relulab.sparsity.lifetime_sparsity` and :func:`~relulab.sparsity.dead_mask`;
    the classic slips (axes swapped, share of active instead of zero outputs,
    ``any`` instead of ``all``) are named.
    """
    from . import sparsity

    acts_t = torch.as_tensor(np.asarray(acts.detach() if isinstance(acts, torch.Tensor) else acts, dtype=np.float64))
    if acts_t.ndim != 2:
        raise ValueError(t("exercises.sparsity.acts_shape", shape=tuple(acts_t.shape)))
    off = (acts_t == 0).numpy()
    truth = {
        "population": (population, sparsity.population_sparsity(acts_t), off.mean(axis=0), 1 - off.mean(axis=1)),
        "lifetime": (lifetime, sparsity.lifetime_sparsity(acts_t), off.mean(axis=1), 1 - off.mean(axis=0)),
    }
    problems: list[Problem] = []
    for part, (got, want, other_axis, active) in truth.items():
        if got is None:
            problems.append(Problem("missing", t("exercises.answers.missing", part=part)))
            continue
        g = np.asarray(got, dtype=np.float64)
        if g.shape == other_axis.shape != want.shape:
            problems.append(Problem("axis", t(f"exercises.sparsity.axis_{part}", n=want.size)))
        elif g.shape != want.shape:
            problems.append(Problem("format", t("exercises.answers.shape", part=part, n=want.size)))
        elif np.allclose(g, active) and not np.allclose(g, want):
            problems.append(Problem("active", t("exercises.sparsity.active", part=part)))
        elif not np.allclose(g, want):
            problems.append(Problem(part, t("exercises.answers.wrong", part=part, got=_show_array(g), want=_show_array(want))))
    if dead is None:
        problems.append(Problem("missing", t("exercises.answers.missing", part="dead")))
    else:
        g = np.asarray(dead)
        want = off.all(axis=0)
        if g.shape != want.shape:
            problems.append(Problem("format", t("exercises.answers.shape", part="dead", n=want.size)))
        elif g.dtype != np.bool_:
            problems.append(Problem("dtype", t("exercises.sparsity.dead_dtype", dtype=str(g.dtype))))
        elif not np.array_equal(g, want):
            if np.array_equal(g, off.any(axis=0)):
                problems.append(Problem("any", t("exercises.sparsity.dead_any")))
            elif np.array_equal(g, (~off).all(axis=0)):
                problems.append(Problem("always_on", t("exercises.sparsity.dead_always_on")))
            else:
                problems.append(Problem("dead", t("exercises.answers.wrong", part="dead", got=_show_array(g), want=_show_array(want))))
    return _feedback(t("exercises.your_answers"), problems, [t("exercises.checks.sparsity", shape=tuple(off.shape))])


def check_bias_shift_prediction(x: torch.Tensor, *, first_layer: float | None = None, deeper: str | None = None,
                                seeds: Sequence[int] = (0, 1, 2, 3, 4)) -> Feedback:
    """Exercise ex-sparsity-2: your prediction for He weights and biases -0.25 on the inputs ``x``.

    ``first_layer`` is the predicted share of zeros of the first hidden layer;
    it passes within 0.03 of the mean measured over ``seeds`` with
    :func:`relulab.sparsity.sparsity_at_init` (5 layers of 64). ``deeper`` is
    ``"more"`` or ``"fewer"``: zeros in the fifth layer compared with the first.
    """
    from . import sparsity

    if deeper is not None and deeper not in ("more", "fewer"):
        raise ValueError(t("exercises.sparsity.deeper_choice", got=repr(deeper)))
    measured = sparsity.sparsity_at_init(x, depth=5, init="he", bias=-0.25, seeds=seeds)
    first, last = float(measured.zero[:, 0].mean()), float(measured.zero[:, -1].mean())
    problems: list[Problem] = []
    if first_layer is None:
        problems.append(Problem("missing", t("exercises.answers.missing", part="first_layer")))
    elif abs(float(first_layer) - first) > 0.03:
        key = "exercises.sparsity.first_half" if abs(float(first_layer) - 0.5) < 0.03 else "exercises.sparsity.first"
        problems.append(Problem("first_layer", t(key, got=_show(round(float(first_layer), 3)), want=f"{first:.3f}")))
    truth = "more" if last > first else "fewer"
    if deeper is None:
        problems.append(Problem("missing", t("exercises.answers.missing", part="deeper")))
    elif deeper != truth:
        problems.append(Problem("deeper", t("exercises.sparsity.deeper", got=deeper, want=truth, first=f"{first:.3f}",
                                            last=f"{last:.3f}")))
    return _feedback(t("exercises.your_predictions"), problems, [t("exercises.checks.bias_shift", n=len(list(seeds)))])


def check_union_active(fn: Callable) -> Feedback:
    """Exercise ex-sparsity-3: ``fn(acts, batch_size)``, the share of units on for at least one example of a batch.

    Averaged over consecutive batches, the last incomplete batch dropped, as
    :func:`relulab.sparsity.union_active_fraction`; tried on random sparse
    activations (seed 0) for batch sizes 1, 3, 16 and 64.
    """
    from . import sparsity

    _check_callable(fn, "fn")
    g = torch.Generator().manual_seed(0)
    acts = torch.relu(torch.randn(100, 24, generator=g, dtype=torch.float64) - 1.0)
    acts[:, :3] = 0.0  # three dead units
    problems: list[Problem] = []
    for b in (1, 3, 16, 64):
        before = acts.clone()
        try:
            got = float(fn(acts, b))
        except Exception as exc:
            problems.append(Problem("raised", t("exercises.union.raised", b=b, exc=type(exc).__name__, msg=str(exc)[:160])))
            break
        if not torch.equal(acts, before):
            problems.append(Problem("mutated", t("exercises.union.mutated")))
            break
        want = sparsity.union_active_fraction(acts, b)
        if not math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12):
            on = acts != 0
            if math.isclose(got, 1 - want, abs_tol=1e-9):
                key = "exercises.union.off"
            elif math.isclose(got, float(on[: b].any(dim=0).double().mean()), abs_tol=1e-9):
                key = "exercises.union.first_batch"
            elif math.isclose(got, float(on.double().mean()), abs_tol=1e-9):
                key = "exercises.union.per_example"
            else:
                key = "exercises.union.value"
            problems.append(Problem("value", t(key, b=b, got=f"{got:.4f}", want=f"{want:.4f}")))
            break
    return _feedback(_name(fn), problems, [t("exercises.checks.union")])


# --------------------------------------------------------------------------- Chapter 4: Dying ReLU


def check_dead_masks(masks: Mapping[str, object], model: torch.nn.Module, data: object) -> Feedback:
    """Exercise ex-dying-find: your dead-unit masks (layer name -> bool per unit) against :func:`relulab.dying.dead_units`."""
    from . import dying

    if not isinstance(masks, Mapping):
        raise TypeError(t("exercises.dead.not_mapping", got=type(masks).__name__))
    truth = dying.dead_units(model, data)
    problems: list[Problem] = []
    missing, extra = sorted(set(truth) - set(masks)), sorted(set(masks) - set(truth))
    if missing or extra:
        problems.append(Problem("layers", t("exercises.dead.layers", missing=", ".join(missing) or "-",
                                            extra=", ".join(map(str, extra)) or "-", want=", ".join(truth))))
    for name in (n for n in truth if n in masks):
        want = truth[name].numpy()
        got = np.asarray(masks[name].detach().cpu() if isinstance(masks[name], torch.Tensor) else masks[name])
        if got.shape != want.shape:
            problems.append(Problem("shape", t("exercises.dead.shape", layer=name, got=tuple(got.shape), n=want.size)))
        elif got.dtype != np.bool_:
            problems.append(Problem("dtype", t("exercises.sparsity.dead_dtype", dtype=str(got.dtype))))
        elif not np.array_equal(got, want):
            if np.array_equal(got, ~want):
                key = "exercises.dead.inverted"
            elif (got & ~want).any() and not (want & ~got).any():
                key = "exercises.dead.too_many"
            else:
                key = "exercises.dead.wrong"
            problems.append(Problem("mask", t(key, layer=name, got=int(got.sum()), want=int(want.sum()))))
    return _feedback(t("exercises.your_masks"), problems, [t("exercises.checks.dead", layers=len(truth))])


def check_fire_on_test(counts: Sequence[int], models: Sequence[torch.nn.Module], x_train: torch.Tensor,
                       x_test: torch.Tensor, *, layer: str = "act1") -> Feedback:
    """Exercise ex-dying-test: for each model, how many units of ``layer`` dead on ``x_train`` fire on ``x_test``."""
    from . import dying

    counts = list(counts)
    if len(counts) != len(models):
        raise ValueError(t("exercises.fire.length", n=len(counts), m=len(models)))
    problems: list[Problem] = []
    for i, (got, net) in enumerate(zip(counts, models)):
        on_train = dying.dead_units(net, x_train, layers=[layer])[layer]
        on_test = dying.dead_units(net, x_test, layers=[layer])[layer]
        want = int((on_train & ~on_test).sum())
        if int(got) != want:
            if int(got) == int((on_train & on_test).sum()):
                key = "exercises.fire.silent"
            elif int(got) == int(on_train.sum()):
                key = "exercises.fire.all_dead"
            else:
                key = "exercises.fire.value"
            problems.append(Problem("count", t(key, i=i, got=int(got), want=want, dead=int(on_train.sum()))))
    return _feedback(t("exercises.your_counts"), problems, [t("exercises.checks.fire", n=len(models))])


# --------------------------------------------------------------------------- Chapter 6: The ReLU family


def _hard_sigmoid_reference(x: np.ndarray) -> np.ndarray:
    return torch.nn.functional.hardsigmoid(torch.from_numpy(np.asarray(x, dtype=np.float64))).numpy()


def _hard_swish_reference(x: np.ndarray) -> np.ndarray:
    return torch.nn.functional.hardswish(torch.from_numpy(np.asarray(x, dtype=np.float64))).numpy()


_HARD_HINTS = {"zero": "exercises.hint.hard_zero", "mutated": "exercises.hint.mutated", "aliased": "exercises.hint.mutated",
               "nan_lost": "exercises.hint.nan_lost", "nan_created": "exercises.hint.nan_created"}


def check_hard_sigmoid(fn: Callable) -> Feedback:
    """Exercise ex-variants-1: a numpy Hard-Sigmoid, ``ReLU6(x + 3) / 6``, against ``F.hardsigmoid`` (float64 result)."""
    return check_elementwise(fn, _hard_sigmoid_reference, dtypes=("float64", "int32"), hints=_HARD_HINTS)


def check_hard_swish(fn: Callable) -> Feedback:
    """Exercise ex-variants-1: a numpy Hard-Swish, ``x * HardSigmoid(x)``, against ``F.hardswish`` (float64 result)."""
    return check_elementwise(fn, _hard_swish_reference, dtypes=("float64", "int32"), hints=_HARD_HINTS)


def check_variant_gradients(*, hardswish: Sequence[float] | None = None, selu_at_0: float | None = None) -> Feedback:
    """Exercise ex-variants-2: predicted autograd gradients of Hard-Swish at -3, 0, 3 and of SELU at 0 (computed live)."""
    F = torch.nn.functional
    truth = {"hardswish": _grad_at(F.hardswish, [-3.0, 0.0, 3.0]).tolist(), "selu_at_0": float(_grad_at(F.selu, [0.0])[0])}
    answers = {k: v for k, v in (("hardswish", hardswish), ("selu_at_0", selu_at_0)) if v is not None}
    explain = {"hardswish": t("exercises.variants.why_hardswish"), "selu_at_0": t("exercises.variants.why_selu")}
    return check_answers(answers, truth, explain=explain, rtol=1e-3, atol=1e-3)


def check_selu_fixed_points(*, tau_09: float | None = None, tau_11: float | None = None, layers: int = 200) -> Feedback:
    """Exercise ex-variants-3: where SELU's variance settles after ``layers`` layers from ν = 1, for τ = 0.9 and 1.1.

    Computed live with :func:`relulab.variants.selu_moment_map` (mean 0); an answer passes within 1 %.
    """
    from . import variants

    truth = {}
    for part, tau in (("tau_09", 0.9), ("tau_11", 1.1)):
        nu = 1.0
        for _ in range(layers):
            nu = float(variants.selu_moment_map(0.0, nu, tau=tau)[1])
        truth[part] = nu
    answers = {k: v for k, v in (("tau_09", tau_09), ("tau_11", tau_11)) if v is not None}
    explain = {p: t("exercises.variants.why_fixed_point", side=t("exercises.variants.below" if p == "tau_09" else "exercises.variants.above"))
               for p in truth}
    return check_answers(answers, truth, explain=explain, rtol=1e-2, atol=1e-3)


# --------------------------------------------------------------------------- Chapter 6b: variants compared


def check_sign_test(fn: Callable) -> Feedback:
    """Exercise ex-variants-compared-1: ``fn(diff)``, the one-sided sign-test p-value of paired differences.

    The probability of at least as many positive differences as observed if
    each seed were a fair coin (every seed counts, a tie counts against).
    Tried on differences with 5 of 5, 4 of 5, 0 of 5 and 7 of 10 positive.
    """
    _check_callable(fn, "fn")
    cases = [np.array([0.1, 0.2, 0.05, 0.3, 0.01]), np.array([0.1, -0.2, 0.05, 0.3, 0.01]),
             -np.array([0.1, 0.2, 0.05, 0.3, 0.01]), np.array([1, 2, -1, 3, 4, -2, 5, 6, -3, 7], dtype=float)]
    problems: list[Problem] = []
    for diff in cases:
        n, wins = diff.size, int((diff > 0).sum())
        want = sum(math.comb(n, j) for j in range(wins, n + 1)) / 2**n
        try:
            got = float(fn(diff.copy()))
        except Exception as exc:
            problems.append(Problem("raised", t("exercises.sign.raised", diff=_show_array(diff), exc=type(exc).__name__, msg=str(exc)[:160])))
            break
        if math.isclose(got, want, rel_tol=1e-9):
            continue
        strict = sum(math.comb(n, j) for j in range(wins + 1, n + 1)) / 2**n
        lower = sum(math.comb(n, j) for j in range(0, wins + 1)) / 2**n
        if math.isclose(got, min(1.0, 2 * want), rel_tol=1e-9):
            key = "exercises.sign.two_sided"
        elif math.isclose(got, strict, rel_tol=1e-9, abs_tol=1e-12):
            key = "exercises.sign.strict"
        elif math.isclose(got, lower, rel_tol=1e-9):
            key = "exercises.sign.lower"
        else:
            key = "exercises.sign.value"
        problems.append(Problem("value", t(key, diff=_show_array(diff), wins=wins, n=n, got=f"{got:.4g}", want=f"{want:.4g}")))
        break
    return _feedback(_name(fn), problems, [t("exercises.checks.sign")])


def mlp_params(widths: Sequence[int]) -> int:
    """Parameters (weights and biases) of a fully connected network with these layer widths."""
    return sum(a * b + b for a, b in zip(widths[:-1], widths[1:]))


def check_equal_param_widths(comparison: object, *, crelu: int | None = None, maxout: int | None = None) -> Feedback:
    """Exercise ex-variants-compared-3: the width ``w`` of a ReLU MLP 64-w-w-10 with about the parameters of each variant.

    The targets are the parameter counts stored in ``comparison.results[key].params``;
    the answer is the ``w`` whose count is closest (weights and biases counted).
    """
    results = getattr(comparison, "results", None)
    if not isinstance(results, Mapping):
        raise TypeError(t("exercises.widths.not_comparison", got=type(comparison).__name__))
    problems: list[Problem] = []
    answers = {"crelu": crelu, "maxout": maxout}
    for key, w in answers.items():
        if key not in results:
            raise ValueError(t("exercises.widths.no_result", key=key))
        target = int(results[key].params)
        best = min(range(1, 1000), key=lambda v: abs(mlp_params([64, v, v, 10]) - target))
        if w is None:
            problems.append(Problem("missing", t("exercises.answers.missing", part=key)))
            continue
        from ._checks import check_int_in

        w = check_int_in(w, key, 1)
        if w != best:
            weights_only = sum(a * b for a, b in zip([64, w, w], [w, w, 10]))
            key_msg = "exercises.widths.no_bias" if abs(weights_only - target) < abs(mlp_params([64, w, w, 10]) - target) else "exercises.widths.value"
            problems.append(Problem(key, t(key_msg, part=key, w=w, params=mlp_params([64, w, w, 10]), target=target)))
    return _feedback(t("exercises.your_answers"), problems, [t("exercises.checks.widths")])


# --------------------------------------------------------------------------- Appendix A1: cost

#: The float32 inputs of exercise ex-cost-3's last question.
MAXIMUM_EDGE: tuple[float, ...] = (-0.0, float("nan"), -1.0, 2.0)


def check_maximum_edge(*, scalar: Sequence[float] | None = None, array: Sequence[float] | None = None) -> Feedback:
    """Exercise ex-cost-3: predicted outputs of ``np.maximum(x, 0)`` and ``np.maximum(x, zeros)`` on :data:`MAXIMUM_EDGE`.

    Computed live with the installed NumPy in float32; the sign of zero counts.
    """
    x = np.array(MAXIMUM_EDGE, dtype=np.float32)
    truth = {"scalar": np.maximum(x, 0).tolist(), "array": np.maximum(x, np.zeros_like(x)).tolist()}
    answers = {k: v for k, v in (("scalar", scalar), ("array", array)) if v is not None}
    why = t("exercises.cost.why")
    return check_answers(answers, truth, explain={"scalar": why, "array": why}, signed_zero=True)


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
register_exercise("ex-deriv-relu6", "02_derivative", check_relu6_function)
register_exercise("ex-deriv-predict", "02_derivative", check_kink_gradients)
register_exercise("ex-sparsity-1", "03_sparsity", check_sparsity_measures)
register_exercise("ex-sparsity-2", "03_sparsity", check_bias_shift_prediction)
register_exercise("ex-sparsity-3", "03_sparsity", check_union_active)
register_exercise("ex-dying-find", "04_dying_relu", check_dead_masks)
register_exercise("ex-dying-test", "04_dying_relu", check_fire_on_test)
register_exercise("ex-variants-1", "06_variants", check_hard_sigmoid, check_hard_swish)
register_exercise("ex-variants-2", "06_variants", check_variant_gradients)
register_exercise("ex-variants-3", "06_variants", check_selu_fixed_points)
register_exercise("ex-variants-compared-1", "06b_variants_compared", check_sign_test)
register_exercise("ex-variants-compared-3", "06b_variants_compared", check_equal_param_widths)
register_exercise("ex-cost-3", "A1_cost", check_maximum_edge)


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

register(
    {
        "exercises.your_masks": {"en": "your masks", "it": "le vostre maschere"},
        "exercises.checks.relu6": {
            "en": "values against clamp(0, 6), input unchanged, gradient away from the kinks and at 0 and 6 for three pairs of parameters",
            "it": "valori confrontati con clamp(0, 6), ingresso intatto, gradiente lontano dai punti angolosi e in 0 e 6 per tre coppie di parametri",
        },
        "exercises.relu6.raised": {
            "en": "relu6_at(x, 0.0, 0.0) raised {exc}: {msg}",
            "it": "relu6_at(x, 0.0, 0.0) ha sollevato {exc}: {msg}",
        },
        "exercises.relu6.mutated": {
            "en": "it changed its input x; forward must return a new tensor (e.g. `x.clamp(0, 6)`, not `x.clamp_(0, 6)`).",
            "it": "ha modificato il suo ingresso x; forward deve restituire un tensore nuovo (per esempio `x.clamp(0, 6)`, non `x.clamp_(0, 6)`).",
        },
        "exercises.relu6.type": {
            "en": "it returned a {got}, not a tensor of the input's shape.",
            "it": "ha restituito un {got}, non un tensore della forma dell'ingresso.",
        },
        "exercises.relu6.no_grad": {
            "en": "autograd could not differentiate it ({exc}: {msg}); does forward return a tensor built from x, and backward one gradient per input of forward (None for the two parameters)?",
            "it": "l'autograd non è riuscito a derivarla ({exc}: {msg}); forward restituisce un tensore costruito da x, e backward un gradiente per ogni ingresso di forward (None per i due parametri)?",
        },
        "exercises.relu6.grad": {
            "en": "at x = {x}, away from the kinks, the gradient is {got}, expected {want}: ReLU6 has slope 1 on (0, 6) and 0 outside.",
            "it": "in x = {x}, lontano dai punti angolosi, il gradiente vale {got} invece di {want}: la ReLU6 ha pendenza 1 su (0, 6) e 0 fuori.",
        },
        "exercises.relu6.grad_sign": {
            "en": "at x = {x} the gradient is {got}, expected {want}: the sign of the slope is flipped (backward must multiply grad_out by the slope, not subtract it).",
            "it": "in x = {x} il gradiente vale {got} invece di {want}: il segno della pendenza è invertito (backward deve moltiplicare grad_out per la pendenza, non sottrarla).",
        },
        "exercises.relu6.kinks": {
            "en": "with at_0 = {a0} and at_6 = {a6} the gradient at (0, 6) is {got}, expected {want}: the two parameters must set the derivative at the kinks.",
            "it": "con at_0 = {a0} e at_6 = {a6} il gradiente in (0, 6) vale {got} invece di {want}: i due parametri devono fissare la derivata nei punti angolosi.",
        },
        "exercises.relu6.kinks_swapped": {
            "en": "with at_0 = {a0} and at_6 = {a6} the gradient at (0, 6) is {got}, expected {want}: the two parameters are swapped.",
            "it": "con at_0 = {a0} e at_6 = {a6} il gradiente in (0, 6) vale {got} invece di {want}: i due parametri sono scambiati.",
        },
        "exercises.kinks.why_a": {
            "en": "At a tie `maximum` splits the gradient in half between its two arguments: ½·1 + ½·(−1).",
            "it": "In caso di parità `maximum` divide il gradiente a metà fra i due argomenti: ½·1 + ½·(−1).",
        },
        "exercises.kinks.why_b": {
            "en": "`torch.relu` has gradient 0 at 0, for x and for −x alike.",
            "it": "`torch.relu` ha gradiente 0 in 0, sia per x sia per −x.",
        },
        "exercises.kinks.why_c": {
            "en": "`clamp_min` counts its bound as active: gradient 1 at 0, once for x and once (times −1 twice) for −x.",
            "it": "`clamp_min` considera attivo il suo estremo: gradiente 1 in 0, una volta per x e una volta (per −1 due volte) per −x.",
        },
        "exercises.kinks.why_d": {
            "en": "The chain rule multiplies by 2·ReLU(0) = 0, whatever ReLU'(0) is.",
            "it": "La regola della catena moltiplica per 2·ReLU(0) = 0, qualunque sia ReLU'(0).",
        },
        "exercises.sparsity.acts_shape": {
            "en": "acts must be a matrix (examples × units), got shape {shape}",
            "it": "acts deve essere una matrice (esempi × unità), ricevuta la forma {shape}",
        },
        "exercises.checks.sparsity": {
            "en": "population and lifetime sparsity and dead mask of a {shape} matrix",
            "it": "sparsità di popolazione e di vita e maschera dei morti di una matrice {shape}",
        },
        "exercises.sparsity.axis_population": {
            "en": "population: population sparsity has one value per input (row), {n} here; you averaged over the inputs (axis 0) instead of over the units (axis 1).",
            "it": "population: la sparsità di popolazione ha un valore per ingresso (riga), qui {n}; avete fatto la media sugli ingressi (asse 0) invece che sulle unità (asse 1).",
        },
        "exercises.sparsity.axis_lifetime": {
            "en": "lifetime: lifetime sparsity has one value per unit (column), {n} here; you averaged over the units (axis 1) instead of over the inputs (axis 0).",
            "it": "lifetime: la sparsità di vita ha un valore per unità (colonna), qui {n}; avete fatto la media sulle unità (asse 1) invece che sugli ingressi (asse 0).",
        },
        "exercises.sparsity.active": {
            "en": "{part}: you computed the share of non-zero outputs; sparsity is the share of zeros.",
            "it": "{part}: avete calcolato la quota di uscite non nulle; la sparsità è la quota di zeri.",
        },
        "exercises.sparsity.dead_dtype": {
            "en": "a mask is an array of booleans, not of dtype {dtype}.",
            "it": "una maschera è un array di booleani, non di dtype {dtype}.",
        },
        "exercises.sparsity.dead_any": {
            "en": "dead: you marked the units that are zero on *some* input (`any`); a dead unit is zero on *every* input (`all`).",
            "it": "dead: avete segnato le unità nulle su *qualche* ingresso (`any`); un'unità morta è nulla su *ogni* ingresso (`all`).",
        },
        "exercises.sparsity.dead_always_on": {
            "en": "dead: you marked the units that are never zero (always on), the opposite of dead.",
            "it": "dead: avete segnato le unità che non sono mai nulle (sempre accese), l'opposto delle morte.",
        },
        "exercises.sparsity.deeper_choice": {
            "en": "deeper must be 'more' or 'fewer', got {got}",
            "it": "deeper deve essere 'more' o 'fewer', ricevuto {got}",
        },
        "exercises.checks.bias_shift": {
            "en": "first-layer zeros and the trend with depth, measured live over {n} seeds",
            "it": "zeri del primo strato e andamento con la profondità, misurati ora su {n} seed",
        },
        "exercises.sparsity.first": {
            "en": "first_layer: you predicted {got}, the first layer has {want} zeros (mean over the seeds). Use 1 − Φ(b / (σ_w‖x‖)) with b = −0.25.",
            "it": "first_layer: avete previsto {got}, il primo strato ha {want} di zeri (media sui seed). Usate 1 − Φ(b / (σ_w‖x‖)) con b = −0,25.",
        },
        "exercises.sparsity.first_half": {
            "en": "first_layer: you predicted {got}, the first layer has {want} zeros: one half holds without bias; a negative bias switches more units off.",
            "it": "first_layer: avete previsto {got}, il primo strato ha {want} di zeri: la metà vale senza bias; un bias negativo spegne più unità.",
        },
        "exercises.sparsity.deeper": {
            "en": "deeper: you said '{got}', but the fifth layer has {last} zeros against the first's {first} ('{want}'): each layer's inputs shrink while the bias stays −0.25.",
            "it": "deeper: avete risposto '{got}', ma il quinto strato ha {last} di zeri contro {first} del primo ('{want}'): gli ingressi di ogni strato si riducono mentre il bias resta −0,25.",
        },
        "exercises.checks.union": {
            "en": "batches of 1, 3, 16 and 64 on random sparse activations, input unchanged",
            "it": "batch di 1, 3, 16 e 64 su attivazioni sparse casuali, ingresso intatto",
        },
        "exercises.union.raised": {
            "en": "with batch size {b} it raised {exc}: {msg}",
            "it": "con batch di {b} ha sollevato {exc}: {msg}",
        },
        "exercises.union.mutated": {
            "en": "it changed the activations it was given; work on a copy or on a mask.",
            "it": "ha modificato le attivazioni ricevute; lavorate su una copia o su una maschera.",
        },
        "exercises.union.off": {
            "en": "with batch size {b} it returned {got}, expected {want}: that is the share of units off for the whole batch, the complement.",
            "it": "con batch di {b} ha restituito {got} invece di {want}: è la quota di unità spente per tutto il batch, il complemento.",
        },
        "exercises.union.first_batch": {
            "en": "with batch size {b} it returned {got}, expected {want}: you looked at the first batch only; average over all complete batches.",
            "it": "con batch di {b} ha restituito {got} invece di {want}: avete guardato solo il primo batch; fate la media su tutti i batch completi.",
        },
        "exercises.union.per_example": {
            "en": "with batch size {b} it returned {got}, expected {want}: that is the share of active outputs per example; a unit counts once if it is on for at least one example of the batch (`any` over the batch).",
            "it": "con batch di {b} ha restituito {got} invece di {want}: è la quota di uscite attive per esempio; un'unità conta una volta se è accesa per almeno un esempio del batch (`any` sul batch).",
        },
        "exercises.union.value": {
            "en": "with batch size {b} it returned {got}, expected {want} (consecutive batches, the last incomplete one dropped).",
            "it": "con batch di {b} ha restituito {got} invece di {want} (batch consecutivi, l'ultimo incompleto scartato).",
        },
        "exercises.dead.not_mapping": {
            "en": "masks must be a dict from layer name to a boolean mask, got {got}",
            "it": "masks deve essere un dizionario da nome dello strato a maschera booleana, ricevuto {got}",
        },
        "exercises.checks.dead": {
            "en": "the masks of {layers} activation layers against dying.dead_units",
            "it": "le maschere di {layers} strati di attivazione confrontate con dying.dead_units",
        },
        "exercises.dead.layers": {
            "en": "the layers do not match: missing {missing}, not activation layers {extra}; expected {want}.",
            "it": "gli strati non corrispondono: mancano {missing}, non sono strati di attivazione {extra}; attesi {want}.",
        },
        "exercises.dead.shape": {
            "en": "{layer}: mask of shape {got}, expected one value per unit ({n}); reduce over the examples (dim 0).",
            "it": "{layer}: maschera di forma {got}, atteso un valore per unità ({n}); riducete sugli esempi (dim 0).",
        },
        "exercises.dead.inverted": {
            "en": "{layer}: your mask is inverted ({got} units instead of {want}): you marked the units that are alive.",
            "it": "{layer}: la vostra maschera è invertita ({got} unità invece di {want}): avete segnato le unità vive.",
        },
        "exercises.dead.too_many": {
            "en": "{layer}: {got} units marked dead, {want} are: some of yours fire on some example. Were all batches recorded (`keep=\"all\"`), and is the test `== 0` on every example (`all`), not on some (`any`)?",
            "it": "{layer}: {got} unità segnate come morte, lo sono {want}: alcune delle vostre si accendono su qualche esempio. Avete registrato tutti i batch (`keep=\"all\"`), e il test è `== 0` su ogni esempio (`all`), non su qualcuno (`any`)?",
        },
        "exercises.dead.wrong": {
            "en": "{layer}: {got} units marked dead, expected {want}, and the masks differ.",
            "it": "{layer}: {got} unità segnate come morte invece di {want}, e le maschere differiscono.",
        },
        "exercises.fire.length": {
            "en": "give one count per model: {n} counts for {m} models",
            "it": "date un conteggio per modello: {n} conteggi per {m} modelli",
        },
        "exercises.checks.fire": {
            "en": "counts of {n} models, recomputed live",
            "it": "conteggi di {n} modelli, ricalcolati ora",
        },
        "exercises.fire.silent": {
            "en": "model {i}: you counted {got}, the units dead on the training set that stay silent on the test set; the question asks for those that fire there ({want}).",
            "it": "modello {i}: avete contato {got}, le unità morte sul training set che restano mute sul test set; la domanda chiede quelle che lì si accendono ({want}).",
        },
        "exercises.fire.all_dead": {
            "en": "model {i}: {got} is the number of units dead on the training set; of those, {want} fire on at least one test digit.",
            "it": "modello {i}: {got} è il numero di unità morte sul training set; di queste, {want} si accendono su almeno una cifra di test.",
        },
        "exercises.fire.value": {
            "en": "model {i}: you counted {got}, expected {want} (of {dead} units dead on the training set).",
            "it": "modello {i}: avete contato {got} invece di {want} (su {dead} unità morte sul training set).",
        },
        "exercises.hint.hard_zero": {
            "en": "Hard-Sigmoid(0) = 1/2 and Hard-Swish(0) = 0: check the shift x + 3 inside ReLU6 and the division by 6.",
            "it": "Hard-Sigmoid(0) = 1/2 e Hard-Swish(0) = 0: controllate lo spostamento x + 3 dentro la ReLU6 e la divisione per 6.",
        },
        "exercises.variants.why_hardswish": {
            "en": "Hard-Swish is x(x + 3)/6 on (−3, 3), with derivative (2x + 3)/6; PyTorch's backward takes the outer side at the kinks: 0 at −3 and 1 at 3.",
            "it": "La Hard-Swish è x(x + 3)/6 su (−3, 3), con derivata (2x + 3)/6; il backward di PyTorch prende il lato esterno nei punti angolosi: 0 in −3 e 1 in 3.",
        },
        "exercises.variants.why_selu": {
            "en": "At 0 PyTorch's SELU uses the negative branch λα·eˣ, so λα ≈ 1.758, not λ ≈ 1.051.",
            "it": "In 0 la SELU di PyTorch usa il ramo negativo λα·eˣ, quindi λα ≈ 1,758, non λ ≈ 1,051.",
        },
        "exercises.variants.why_fixed_point": {
            "en": "The map has a new fixed point {side} 1: the variance settles there, it does not drift away.",
            "it": "La mappa ha un nuovo punto fisso {side} 1: la varianza si ferma lì, non si allontana.",
        },
        "exercises.variants.below": {"en": "below", "it": "sotto"},
        "exercises.variants.above": {"en": "above", "it": "sopra"},
        "exercises.checks.sign": {
            "en": "four sets of paired differences, against the exact binomial tail",
            "it": "quattro insiemi di differenze appaiate, confrontati con la coda binomiale esatta",
        },
        "exercises.sign.raised": {
            "en": "on diff = {diff} it raised {exc}: {msg}",
            "it": "su diff = {diff} ha sollevato {exc}: {msg}",
        },
        "exercises.sign.two_sided": {
            "en": "on diff = {diff} ({wins} of {n} positive) it returned {got}, expected {want}: that is the two-sided p-value; the exercise asks for one side, P(at least {wins} wins).",
            "it": "su diff = {diff} ({wins} positive su {n}) ha restituito {got} invece di {want}: è il p-value bilaterale; l'esercizio chiede un lato solo, P(almeno {wins} vittorie).",
        },
        "exercises.sign.strict": {
            "en": "on diff = {diff} ({wins} of {n} positive) it returned {got}, expected {want}: 'at least {wins}' includes {wins} itself (the sum starts at j = wins, not wins + 1).",
            "it": "su diff = {diff} ({wins} positive su {n}) ha restituito {got} invece di {want}: 'almeno {wins}' comprende {wins} stesso (la somma parte da j = wins, non da wins + 1).",
        },
        "exercises.sign.lower": {
            "en": "on diff = {diff} ({wins} of {n} positive) it returned {got}, expected {want}: that is the other tail, P(at most {wins} wins).",
            "it": "su diff = {diff} ({wins} positive su {n}) ha restituito {got} invece di {want}: è l'altra coda, P(al più {wins} vittorie).",
        },
        "exercises.sign.value": {
            "en": "on diff = {diff} ({wins} of {n} positive) it returned {got}, expected {want}.",
            "it": "su diff = {diff} ({wins} positive su {n}) ha restituito {got} invece di {want}.",
        },
        "exercises.checks.widths": {
            "en": "the closest width for each parameter count, weights and biases counted",
            "it": "la larghezza più vicina per ogni numero di parametri, pesi e bias contati",
        },
        "exercises.widths.not_comparison": {
            "en": "pass the Comparison returned by variants.compare, got {got}",
            "it": "passate il Comparison restituito da variants.compare, ricevuto {got}",
        },
        "exercises.widths.no_result": {
            "en": "the comparison has no result for {key}",
            "it": "il confronto non ha un risultato per {key}",
        },
        "exercises.widths.value": {
            "en": "{part}: 64-{w}-{w}-10 has {params} parameters, and another width comes closer to {target}.",
            "it": "{part}: 64-{w}-{w}-10 ha {params} parametri, e un'altra larghezza si avvicina di più a {target}.",
        },
        "exercises.widths.no_bias": {
            "en": "{part}: 64-{w}-{w}-10 has {params} parameters with its biases, not {target}: count the biases too (one per unit).",
            "it": "{part}: 64-{w}-{w}-10 ha {params} parametri con i bias, non {target}: contate anche i bias (uno per unità).",
        },
        "exercises.cost.why": {
            "en": "np.maximum propagates nan, and on equal values (−0.0 and 0) its result depends on the loop the installed NumPy runs.",
            "it": "np.maximum propaga nan, e su valori uguali (−0,0 e 0) il risultato dipende dal ciclo che esegue il NumPy installato.",
        },
    }
)
