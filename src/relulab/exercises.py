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

Exercise checkers, one or two for each of the book's 30 exercises (every page of
Chapters 1-6 and appendix A1), are listed in :data:`EXERCISES` under the label of
the exercise's ``{exercise}`` directive (a test checks that none is missing). A new
exercise adds its own with :func:`register_exercise` and its messages with
:func:`relulab.i18n.register` (keys ``exercises.<name>...``).
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import math
import os
import signal
import sys
import threading
import types
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
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
    "check_gradient_edge",
    "check_bias_death",
    "check_fixed_slope",
    "check_clamp_timing",
    "check_leaky_traffic",
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


def _brief(value: object) -> str:
    """``repr(value)``, cut to 60 characters (a student may pass anything, e.g. a huge array)."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _numbers(value: object) -> np.ndarray | None:
    """A student's answer as a float64 array, or None if it is not a number or an array of numbers.

    Strings, booleans, complex numbers and ragged lists are not numbers; a
    tensor (even one that requires grad) is read as its values.
    """
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu()
        if value.dtype == torch.bool or value.is_complex():
            return None
        value = value.numpy()
    if isinstance(value, (str, bytes)):
        return None
    try:
        arr = np.asarray(value)
    except Exception:  # noqa: BLE001 - ragged lists, objects that refuse conversion
        return None
    if arr.dtype.kind not in "iuf":
        return None
    return arr.astype(np.float64)


def _check_callable(fn: object, what: str) -> None:
    if not callable(fn):
        raise TypeError(t("exercises.not_callable", what=what, got=type(fn).__name__))


# --------------------------------------------------------------------------- student code: time limit, bans


#: Seconds one call of a student's function may take before the checker gives up on it.
STUDENT_TIME_LIMIT: float = 10.0


class _StudentTimeout(BaseException):
    """A student's function ran past :data:`STUDENT_TIME_LIMIT` (a ``BaseException``, so ``except Exception`` in
    the student's code or the checker's does not swallow it; the checker decorator turns it into feedback)."""

    def __init__(self, what: str):
        super().__init__(what)
        self.what = what


class _Alarm(BaseException):
    """Raised into the running code when the time limit expires."""


_limit_active = False


@contextlib.contextmanager
def _time_limit(seconds: float, what: str) -> Iterator[None]:
    """Run the body under a time limit; raise :class:`_StudentTimeout` if it expires.

    In the main thread (notebooks, scripts, pytest) a ``SIGALRM`` timer interrupts
    even ``time.sleep``; elsewhere a watchdog thread raises the alarm into this
    thread between bytecodes. The alarm repeats every 0.2 s, so a student's bare
    ``except:`` cannot swallow it. Nested limits keep the outer one.
    """
    global _limit_active
    if _limit_active or seconds <= 0:
        yield
        return
    _limit_active = True
    use_signal = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
    disarm: Callable[[], None]
    if use_signal:
        def on_alarm(signum: int, frame: object) -> None:
            raise _Alarm()

        old_handler = signal.signal(signal.SIGALRM, on_alarm)
        signal.setitimer(signal.ITIMER_REAL, seconds, 0.2)

        def disarm() -> None:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old_handler)
    else:
        tid, done, lock = threading.get_ident(), threading.Event(), threading.Lock()
        raise_in = ctypes.pythonapi.PyThreadState_SetAsyncExc

        def watchdog() -> None:
            wait = seconds
            while not done.wait(wait):
                with lock:
                    if done.is_set():
                        return
                    raise_in(ctypes.c_ulong(tid), ctypes.py_object(_Alarm))
                wait = 0.2

        threading.Thread(target=watchdog, daemon=True).start()

        def disarm() -> None:
            with lock:
                done.set()
                raise_in(ctypes.c_ulong(tid), None)  # drop an alarm not yet delivered

    def disarm_safely() -> None:
        while True:  # an alarm may land while disarming: disarm again
            try:
                disarm()
                return
            except _Alarm:
                continue

    try:
        try:
            yield
        finally:
            disarm_safely()
    except _Alarm:
        raise _StudentTimeout(what) from None
    finally:
        _limit_active = False


def _call(fn: Callable, *args: object, what: str | None = None, **kwargs: object) -> object:
    """``fn(*args, **kwargs)`` for a student's ``fn``, under :data:`STUDENT_TIME_LIMIT` (numpy warnings silenced)."""
    with _time_limit(STUDENT_TIME_LIMIT, what or _name(fn)), np.errstate(all="ignore"):
        return fn(*args, **kwargs)


def _timeout_feedback(exc: _StudentTimeout) -> Feedback:
    text = t("exercises.timeout", what=exc.what, seconds=_show(STUDENT_TIME_LIMIT))
    return Feedback(False, "\n".join([t("exercises.fail", name=exc.what), f"- {text}"]), (Problem("timeout", text),))


def _guarded(checker: Callable[..., Feedback]) -> Callable[..., Feedback]:
    """A checker that answers a student's function that never returns with feedback (kind ``timeout``)."""

    @functools.wraps(checker)
    def run(*args: object, **kwargs: object) -> Feedback:
        try:
            return checker(*args, **kwargs)
        except _StudentTimeout as exc:
            return _timeout_feedback(exc)

    return run


#: Files of the libraries whose own calls are never counted against the student (their internals).
_LIBRARY_DIRS: tuple[str, ...] = tuple(
    os.path.dirname(m.__file__) + os.sep for m in (np, torch) if getattr(m, "__file__", None)
)


def _from_student() -> bool:
    """Whether the code that made the current call (the watch's own frames skipped) is outside numpy and torch."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename == __file__ and frame.f_code.co_name in _WATCH_FRAMES:
        frame = frame.f_back
    return frame is None or not frame.f_code.co_filename.startswith(_LIBRARY_DIRS)


def _is_zero(v: object) -> bool:
    """A constant 0 operand (scalar or all-zero array): what ``max(x, 0)``-style ReLUs compare with."""
    if isinstance(v, torch.Tensor):
        return v.numel() > 0 and not v.is_complex() and bool((v.detach() == 0).all())
    try:
        arr = np.asarray(v)
        return arr.size > 0 and arr.dtype.kind in "biuf" and bool((arr == 0).all())
    except Exception:  # anything numpy cannot compare
        return False


class _BanWatch:
    """Records the banned operations a student's function performs, whatever name it reaches them by.

    Three hooks: an ndarray subclass for the input (every ufunc and array
    function applied to it or to arrays derived from it), the attributes of
    ``numpy``, ``torch``, ``torch.nn.functional`` and ``builtins`` with banned
    names replaced by recording wrappers (however they are looked up:
    ``np.maximum``, ``getattr(np, "maxi" + "mum")``, or inside another function
    such as ``relu_np``), and a torch function mode (tensor methods and torch
    functions). Operations inside numpy's and torch's own code are not counted.
    With ``zero_ok`` an operation with a constant 0 operand (a ReLU such as
    ``np.maximum(x, 0)``) is allowed.
    """

    def __init__(self, banned: Iterable[str], *, zero_ok: bool = False):
        self.banned, self.zero_ok = frozenset(banned), zero_ok
        self.used: set[str] = set()

    def note(self, name: str, operands: Sequence[object], *, library_too: bool = True) -> None:
        """Record ``name`` if banned (unless a 0 operand makes it a ReLU with ``zero_ok``); ``library_too=False``
        leaves out calls made by numpy's and torch's own Python code."""
        if name not in self.banned or (self.zero_ok and any(_is_zero(v) for v in operands)):
            return
        if library_too or _from_student():
            self.used.add(name)

    def wrap_input(self, x: np.ndarray) -> np.ndarray:
        watch = self

        class Watched(np.ndarray):
            def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
                watch.note(ufunc.__name__, inputs)
                plain = [a.view(np.ndarray) if isinstance(a, Watched) else a for a in inputs]
                if "out" in kwargs:
                    kwargs["out"] = tuple(o.view(np.ndarray) if isinstance(o, Watched) else o for o in kwargs["out"])
                result = getattr(ufunc, method)(*plain, **kwargs)
                return result.view(Watched) if isinstance(result, np.ndarray) and "out" not in kwargs else result

            def __array_function__(self, func, types, args, kwargs):
                watch.note(func.__name__, _operands(func.__name__, args, kwargs))
                result = super().__array_function__(func, types, args, kwargs)
                return result.view(Watched) if isinstance(result, np.ndarray) else result

        return np.asarray(x).view(Watched)

    @contextlib.contextmanager
    def patched(self) -> Iterator[None]:
        """Replace every banned name of numpy, torch, torch.nn.functional and builtins by a recording wrapper."""
        import builtins

        watch = self
        saved: list[tuple[object, str, object]] = []

        class Spy:
            def __init__(self, name: str, original: Callable):
                self._name, self._original = name, original

            def __call__(self, *args: object, **kwargs: object) -> object:
                watch.note(self._name, _operands(self._name, args, kwargs), library_too=False)
                return self._original(*args, **kwargs)

            def __getattr__(self, attr: str) -> object:  # np.maximum.reduce, ...
                return getattr(self._original, attr)

        for module in (np, torch, torch.nn.functional, builtins):
            for name in self.banned:
                original = module.__dict__.get(name)
                if callable(original):
                    saved.append((module, name, original))
                    setattr(module, name, Spy(name, original))
        try:
            with _TorchWatch(self):
                yield
        finally:
            for module, name, original in reversed(saved):
                setattr(module, name, original)


class _TorchWatch(torch.overrides.TorchFunctionMode):
    """The torch side of :class:`_BanWatch`: every torch function and tensor method the student calls."""

    def __init__(self, watch: _BanWatch):
        super().__init__()
        self.watch = watch

    def __torch_function__(self, func, types, args=(), kwargs=None):
        name = getattr(func, "__name__", "")
        self.watch.note(name, _operands(name, args, kwargs or {}))
        return func(*args, **(kwargs or {}))


def _operands(name: str, args: Sequence[object], kwargs: Mapping[str, object]) -> list[object]:
    """The values an operation selects between or compares (a ``where``'s condition is not one)."""
    values = list(args) + list(kwargs.values())
    return values[1:] if name == "where" else values


#: Frames of the watch itself, skipped when looking for the caller of an operation.
_WATCH_FRAMES = frozenset({"note", "__array_ufunc__", "__array_function__", "__call__", "__torch_function__", "_from_student"})


def _banned_used(fn: Callable, args: Sequence[object], banned: Iterable[str], *, zero_ok: bool = False) -> set[str]:
    """The banned operations ``fn(*args)`` performs (numpy arrays in ``args`` are watched); its errors are ignored."""
    watch = _BanWatch(banned, zero_ok=zero_ok)
    watched = [watch.wrap_input(a) if isinstance(a, np.ndarray) else a for a in args]
    with watch.patched():
        try:
            _call(fn, *watched)
        except Exception:  # noqa: BLE001 - the other checks report the student's errors
            pass
    return watch.used


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
            out = _call(self.fn, x)
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
        ``np.maximum``); found in the code of ``fn`` and of functions nested in it,
        and by behaviour: ``fn`` runs once with the numpy and torch functions of
        those names (and numpy ufuncs on its input) recording their calls, so an
        alias (``r = relu_np``) or ``getattr(np, "maxi" + "mum")`` is caught too.
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

    forbidden = frozenset(forbidden)
    used = sorted((_code_names(fn) & forbidden) | (_banned_used(fn, [probe.make(ORDINARY, "float64")], forbidden)
                                                   if forbidden else set()))
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
            out = _call(fn, xd)
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
        y = _call(probe.fn, x)
        if not isinstance(y, torch.Tensor) or not y.requires_grad:
            probe.add("no_grad", t("exercises.no_grad"))
            return
        (g,) = _call(torch.autograd.grad, y.sum(), x, allow_unused=True, what=_name(probe.fn))
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
        got_arr = _numbers(answers[part])
        if got_arr is None:
            problems.append(Problem("format", t("exercises.answers.format", part=part, got=_brief(answers[part]))))
            continue
        want_arr = np.asarray(want, dtype=np.float64)
        if got_arr.shape != want_arr.shape:
            problems.append(Problem("format", t("exercises.answers.shape", part=part, n=want_arr.size)))
            continue
        if (~np.isfinite(got_arr) & np.isfinite(want_arr)).any():
            problems.append(Problem("format", t("exercises.answers.not_finite", part=part, got=_show_array(got_arr))))
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
            got = np.asarray(_call(pred, grid.copy(), what=key), dtype=np.float64)
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


#: Operations ex-def-investigate (a) does not allow between its two inputs (against 0 they are ReLUs, and fine).
MAX_MIN_BANNED: frozenset[str] = frozenset({
    "maximum", "minimum", "fmax", "fmin", "max", "min", "amax", "amin", "nanmax", "nanmin", "where", "select",
    "choose", "clip", "clamp", "sort", "partition", "greater", "greater_equal", "less", "less_equal",
    "gt", "ge", "lt", "le", "__gt__", "__ge__", "__lt__", "__le__",
})


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
        out = _call(relu6_at, x, 0.0, 0.0)
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
        g = _call(_grad_at, lambda v: relu6_at(v, 0.0, 0.0), away, what=_name(relu6_at))
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
        try:
            gk = _call(_grad_at, lambda v: relu6_at(v, at_0, at_6), [0.0, 6.0], what=_name(relu6_at))
        except Exception as exc:  # the student's function may fail only for some parameters
            problems.append(Problem("raised", t("exercises.relu6.raised_at", a0=_show(at_0), a6=_show(at_6),
                                                exc=type(exc).__name__, msg=str(exc)[:160])))
            break
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


#: The setting of exercise ex-deriv-edge: tanh MLPs with Xavier weights times a scale, as in the chapter.
EDGE_DEPTH, EDGE_WIDTH, EDGE_SEEDS = 30, 32, (0, 1, 2)
#: Choices for the ``where`` part of :func:`check_gradient_edge`.
EDGE_WHERE: tuple[str, ...] = ("below", "at", "above")


def _edge_log_ratio(x: torch.Tensor, y: torch.Tensor, scale: float) -> float:
    """Mean over :data:`EDGE_SEEDS` of log10(gradient RMS at the first hidden layer / at the last), at init.

    The quantity of :func:`relulab.gradients.profile_rows`, from the same
    :class:`~relulab.gradients.MLPEnsemble` that :func:`~relulab.gradients.gradient_profile` builds.
    """
    from . import gradients

    members = gradients.grid(["tanh"], ["xavier"], EDGE_SEEDS, scales=[scale])
    with torch.enable_grad():
        ens = gradients.MLPEnsemble([x.shape[1]] + [EDGE_WIDTH] * EDGE_DEPTH + [int(y.max()) + 1], members)
        out = ens(x, record=True)
        ens.member_losses(out, y).sum().backward()
    first, last = (ens.post[i].grad.pow(2).flatten(1).mean(dim=1).sqrt() for i in (0, -1))
    return float(torch.log10(first / last).mean())


def _edge_switch(x: torch.Tensor, y: torch.Tensor, low: float = 0.5, high: float = 3.0) -> float:
    """The scale where :func:`_edge_log_ratio` changes sign: bisection to 0.02, then linear interpolation."""
    r_low, r_high = _edge_log_ratio(x, y, low), _edge_log_ratio(x, y, high)
    if not r_low < 0 < r_high:
        return math.nan
    while high - low > 0.02:
        mid = (low + high) / 2
        r_mid = _edge_log_ratio(x, y, mid)
        if r_mid < 0:
            low, r_low = mid, r_mid
        else:
            high, r_high = mid, r_mid
    return low + (high - low) * (-r_low) / (r_high - r_low)


def _edge_theory() -> float:
    """The scale s with s² · n·Var(w) · E[tanh'(z)²] = 1 as z → 0 (Xavier, hidden layers of equal width)."""
    from .gradients import derivative_moment

    n_var = EDGE_WIDTH * 2.0 / (EDGE_WIDTH + EDGE_WIDTH)
    return 1.0 / math.sqrt(n_var * derivative_moment("tanh", 1e-6))


def check_gradient_edge(profile: object, x: torch.Tensor, y: torch.Tensor, *, switch: float | None = None,
                        theory: float | None = None, where: str | None = None) -> Feedback:
    """Exercise ex-deriv-edge: where a 30-layer tanh network with Xavier weights × ``s`` stops vanishing.

    ``profile`` is your sweep (a :class:`relulab.gradients.GradientProfile`):
    tanh with Xavier weights, 30 hidden layers, at least three seeds per scale
    and scales on both sides of the switch. ``switch`` is the scale where the
    gradient stops vanishing (the mean over seeds of log10 of the gradient at
    the first hidden layer over the last changes sign); it passes within 0.05
    of the value found live by bisection on ``(x, y)`` with seeds 0, 1, 2.
    ``theory`` is the scale where the backward factor ``n v E[tanh'(z)²]`` is 1
    for pre-activations near 0, within 0.05; ``where`` says whether the measured
    switch is ``"below"``, ``"at"`` (within 0.05) or ``"above"`` that value.

    Problem kinds: ``setup``, ``seeds``, ``depth``, ``range`` (the sweep),
    ``switch``, ``theory``, ``where``, ``missing``.
    """
    from collections import Counter

    from . import gradients
    from ._checks import check_scalar_in, check_tensor

    if not isinstance(profile, gradients.GradientProfile):
        raise TypeError(t("exercises.more.edge.not_profile", got=type(profile).__name__))
    check_tensor(x, "x")
    check_tensor(y, "y")
    if x.dim() != 2 or y.shape != (x.shape[0],):
        raise ValueError(t("exercises.more.edge.data", x=tuple(x.shape), y=tuple(y.shape)))
    if switch is not None:
        switch = check_scalar_in(switch, "switch", 0.0, 1e3, low_open=True)
    if theory is not None:
        theory = check_scalar_in(theory, "theory", 0.0, 1e3, low_open=True)
    if where is not None and where not in EDGE_WHERE:
        raise ValueError(t("exercises.more.edge.where_choice", got=repr(where)))

    problems: list[Problem] = []
    # the student's sweep: setting, seeds per scale, depth, and scales on both sides of the switch
    members = profile.members
    other = sorted({(m.activation, m.init) for m in members} - {("tanh", "xavier")})
    if other:
        problems.append(Problem("setup", t("exercises.more.edge.setup", got=", ".join(f"{a}/{i}" for a, i in other))))
    per_scale = Counter(m.scale for m in members)
    few = sorted(s for s, n in per_scale.items() if n < len(EDGE_SEEDS))
    if few:
        problems.append(Problem("seeds", t("exercises.more.edge.seeds", scale=_show(few[0]), n=per_scale[few[0]],
                                           want=len(EDGE_SEEDS))))
    if profile.signal.shape[1] != EDGE_DEPTH:
        problems.append(Problem("depth", t("exercises.more.edge.depth", got=profile.signal.shape[1], want=EDGE_DEPTH)))
    if not problems:
        log_ratio = np.log10(profile.signal[:, 0] / profile.signal[:, -1])
        means = {s: float(np.mean([r for m, r in zip(members, log_ratio) if m.scale == s])) for s in per_scale}
        if all(v < 0 for v in means.values()) or all(v >= 0 for v in means.values()):
            side = "vanish" if all(v < 0 for v in means.values()) else "grow"
            problems.append(Problem("range", t(f"exercises.more.edge.range_{side}", low=_show(min(means)),
                                               high=_show(max(means)))))

    # the parts, against the switch measured live
    truth = _edge_switch(x, y)
    s_theory = _edge_theory()
    if math.isnan(truth):
        raise ValueError(t("exercises.more.edge.no_switch"))
    if switch is None:
        problems.append(Problem("missing", t("exercises.answers.missing", part="switch")))
    elif abs(switch - truth) > 0.05:
        r = _edge_log_ratio(x, y, switch)
        key = "exercises.more.edge.switch_low" if r < 0 else "exercises.more.edge.switch_high"
        problems.append(Problem("switch", t(key, s=_show(switch), r=f"{r:.2f}")))
    if theory is None:
        problems.append(Problem("missing", t("exercises.answers.missing", part="theory")))
    elif abs(theory - s_theory) > 0.05:
        key = "exercises.more.edge.theory_he" if abs(theory - math.sqrt(2.0)) < 0.05 else "exercises.more.edge.theory"
        problems.append(Problem("theory", t(key, got=_show(theory))))
    want_where = "at" if abs(truth - s_theory) <= 0.05 else ("above" if truth > s_theory else "below")
    if where is None:
        problems.append(Problem("missing", t("exercises.answers.missing", part="where")))
    elif where != want_where:
        text = t("exercises.more.edge.where", got=where, want=want_where, switch=f"{truth:.2f}",
                 theory=_show(round(s_theory, 2)))
        if want_where == "above":
            text = f"{text} {t('exercises.more.edge.why_above')}"
        problems.append(Problem("where", text))
    return _feedback(t("exercises.your_answers"), problems, [t("exercises.more.checks.edge", n=len(members))])


register(
    {
        "exercises.more.edge.not_profile": {
            "en": "profile must be the GradientProfile returned by gradients.gradient_profile, got {got}",
            "it": "profile deve essere il GradientProfile restituito da gradients.gradient_profile, ricevuto {got}",
        },
        "exercises.more.edge.data": {
            "en": "x must be (batch, features) and y (batch,), got shapes {x} and {y}",
            "it": "x deve essere (batch, feature) e y (batch,), ricevute le forme {x} e {y}",
        },
        "exercises.more.edge.where_choice": {
            "en": "where must be 'below', 'at' or 'above', got {got}",
            "it": "where deve essere 'below', 'at' o 'above', ricevuto {got}",
        },
        "exercises.more.edge.no_switch": {
            "en": "on this batch the gradient does not change from vanishing to growing between s = 0.5 and s = 3: pass the chapter's batch_x, batch_y",
            "it": "su questo batch il gradiente non passa da svanire a crescere fra s = 0,5 e s = 3: passate batch_x, batch_y del capitolo",
        },
        "exercises.more.checks.edge": {
            "en": "a sweep of {n} networks, and the switch measured live by bisection with seeds 0, 1, 2",
            "it": "una scansione di {n} reti, e il cambio misurato ora per bisezione con i seed 0, 1, 2",
        },
        "exercises.more.edge.setup": {
            "en": "your sweep contains {got} networks; the exercise is about tanh with Xavier weights (gradients.grid([\"tanh\"], [\"xavier\"], ...)).",
            "it": "la vostra scansione contiene reti {got}; l'esercizio riguarda la tanh con pesi di Xavier (gradients.grid([\"tanh\"], [\"xavier\"], ...)).",
        },
        "exercises.more.edge.seeds": {
            "en": "the scale s = {scale} has {n} seed(s); use at least {want} per value, or one unlucky seed decides the answer.",
            "it": "la scala s = {scale} ha {n} seed; usatene almeno {want} per valore, altrimenti un seed sfortunato decide la risposta.",
        },
        "exercises.more.edge.depth": {
            "en": "your networks have {got} hidden layers, the exercise asks for {want} (depth={want}).",
            "it": "le vostre reti hanno {got} strati nascosti, l'esercizio ne chiede {want} (depth={want}).",
        },
        "exercises.more.edge.range_vanish": {
            "en": "in your sweep (s from {low} to {high}) the gradient vanishes at every scale: add larger scales, or you cannot see where it switches.",
            "it": "nella vostra scansione (s da {low} a {high}) il gradiente svanisce per ogni scala: aggiungete scale più grandi, altrimenti non si vede dove cambia.",
        },
        "exercises.more.edge.range_grow": {
            "en": "in your sweep (s from {low} to {high}) the gradient never vanishes: add smaller scales, or you cannot see where it switches.",
            "it": "nella vostra scansione (s da {low} a {high}) il gradiente non svanisce mai: aggiungete scale più piccole, altrimenti non si vede dove cambia.",
        },
        "exercises.more.edge.switch_low": {
            "en": "switch: at s = {s} the gradient at the first hidden layer is 10^{r} times the one at the last (mean over seeds 0, 1, 2): it still vanishes, so the switch lies at a larger s.",
            "it": "switch: con s = {s} il gradiente al primo strato nascosto è 10^{r} volte quello all'ultimo (media sui seed 0, 1, 2): svanisce ancora, quindi il cambio è a un s più grande.",
        },
        "exercises.more.edge.switch_high": {
            "en": "switch: at s = {s} the gradient at the first hidden layer is already 10^{r} times the one at the last (mean over seeds 0, 1, 2): it no longer vanishes, so the switch lies at a smaller s.",
            "it": "switch: con s = {s} il gradiente al primo strato nascosto è già 10^{r} volte quello all'ultimo (media sui seed 0, 1, 2): non svanisce più, quindi il cambio è a un s più piccolo.",
        },
        "exercises.more.edge.theory": {
            "en": "theory: you answered {got}. With Xavier weights and equal widths n·v = s², and near 0 tanh′ ≈ 1: the factor s² · 1 is 1 at s = 1.",
            "it": "theory: avete risposto {got}. Con pesi di Xavier e ampiezze uguali n·v = s², e vicino a 0 tanh′ ≈ 1: il fattore s² · 1 vale 1 per s = 1.",
        },
        "exercises.more.edge.theory_he": {
            "en": "theory: you answered {got}, He's factor √2 for ReLU, whose E[φ′²] is 1/2. Near 0, tanh′ ≈ 1, so E[tanh′²] ≈ 1 and s² · 1 = 1 gives s = 1.",
            "it": "theory: avete risposto {got}, il fattore √2 di He per la ReLU, che ha E[φ′²] = 1/2. Vicino a 0 tanh′ ≈ 1, quindi E[tanh′²] ≈ 1 e s² · 1 = 1 dà s = 1.",
        },
        "exercises.more.edge.where": {
            "en": "where: you said '{got}', but the measured switch is s ≈ {switch} and the theory gives {theory} ('{want}').",
            "it": "where: avete risposto '{got}', ma il cambio misurato è s ≈ {switch} e la teoria dà {theory} ('{want}').",
        },
        "exercises.more.edge.why_above": {
            "en": "Close to s = 1 the activations shrink only slowly, so over 30 layers tanh′ stays below 1 and the factor s² · E[tanh′²] needs s a little above 1.",
            "it": "Vicino a s = 1 le attivazioni si riducono solo lentamente, quindi in 30 strati tanh′ resta sotto 1 e il fattore s² · E[tanh′²] richiede s un po' sopra 1.",
        },
    }
)


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

    acts_arr = _numbers(acts)
    if acts_arr is None:
        raise TypeError(t("exercises.sparsity.acts_type", got=type(acts).__name__))
    acts_t = torch.as_tensor(acts_arr)
    if acts_t.ndim != 2 or 0 in acts_t.shape:
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
        g = _numbers(got)
        if g is None:
            problems.append(_format_problem(part, got))
        elif not np.isfinite(g).all():
            problems.append(Problem("format", t("exercises.answers.not_finite", part=part, got=_show_array(g))))
        elif g.shape == other_axis.shape != want.shape:
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
        try:
            g = np.asarray(dead.detach().cpu() if isinstance(dead, torch.Tensor) else dead)
        except Exception:  # noqa: BLE001 - a ragged list or an object numpy cannot read
            g = np.zeros(0, dtype=object)
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

    if deeper is not None and (not isinstance(deeper, str) or deeper not in ("more", "fewer")):
        raise ValueError(t("exercises.sparsity.deeper_choice", got=repr(deeper)))
    measured = sparsity.sparsity_at_init(x, depth=5, init="he", bias=-0.25, seeds=seeds)
    first, last = float(measured.zero[:, 0].mean()), float(measured.zero[:, -1].mean())
    problems: list[Problem] = []
    guess = _ch5_answer(problems, "first_layer", first_layer)
    first_right = guess is not None and abs(guess - first) <= 0.03
    if guess is not None and not first_right:
        key = "exercises.sparsity.first_half" if abs(guess - 0.5) < 0.03 else "exercises.sparsity.first"
        problems.append(Problem("first_layer", t(key, got=_show(round(guess, 3)), want=f"{first:.3f}")))
    truth = "more" if last > first else "fewer"
    if deeper is None:
        problems.append(Problem("missing", t("exercises.answers.missing", part="deeper")))
    elif deeper != truth:
        # the first layer's share is the answer to first_layer: shown only once that part is right
        shown_first = f"{first:.3f}" if first_right else t("exercises.sparsity.your_first")
        problems.append(Problem("deeper", t("exercises.sparsity.deeper", got=deeper, want=truth, first=shown_first,
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
            raw = _call(fn, acts, b)
        except Exception as exc:
            problems.append(Problem("raised", t("exercises.union.raised", b=b, exc=type(exc).__name__, msg=str(exc)[:160])))
            break
        if not torch.equal(acts, before):
            problems.append(Problem("mutated", t("exercises.union.mutated")))
            break
        got = _ch5_number(raw, finite=False)
        if got is None:
            problems.append(Problem("type", t("exercises.union.type", b=b, got=_brief(raw))))
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
    truth = _call(dying.dead_units, model, data, what="model")
    problems: list[Problem] = []
    missing, extra = sorted(set(truth) - set(masks)), sorted(set(masks) - set(truth))
    if missing or extra:
        problems.append(Problem("layers", t("exercises.dead.layers", missing=", ".join(missing) or "-",
                                            extra=", ".join(map(str, extra)) or "-", want=", ".join(truth))))
    for name in (n for n in truth if n in masks):
        want = truth[name].numpy()
        try:
            got = np.asarray(masks[name].detach().cpu() if isinstance(masks[name], torch.Tensor) else masks[name])
        except Exception:  # noqa: BLE001 - a ragged list or an object numpy cannot read
            got = np.zeros(0, dtype=object)
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
    from ._checks import check_module

    if isinstance(counts, (str, bytes)) or not isinstance(counts, (Sequence, np.ndarray, torch.Tensor)):
        raise TypeError(t("exercises.fire.not_counts", got=type(counts).__name__))
    if isinstance(models, torch.nn.Module) or not isinstance(models, Sequence):
        raise TypeError(t("exercises.fire.not_models", got=type(models).__name__))
    for i, net in enumerate(models):
        check_module(net, f"models[{i}]")
    counts = list(counts)
    if len(counts) != len(models):
        raise ValueError(t("exercises.fire.length", n=len(counts), m=len(models)))
    problems: list[Problem] = []
    for i, (answer, net) in enumerate(zip(counts, models)):
        got = _ch5_number(answer)
        if got is None or not got.is_integer() or got < 0:
            problems.append(Problem("format", t("exercises.fire.format", i=i, got=_brief(answer))))
            continue
        got = int(got)
        on_train = _call(dying.dead_units, net, x_train, layers=[layer], what=f"models[{i}]")[layer]
        on_test = _call(dying.dead_units, net, x_test, layers=[layer], what=f"models[{i}]")[layer]
        want = int((on_train & ~on_test).sum())
        if got != want:
            if got == int((on_train & on_test).sum()):
                key = "exercises.fire.silent"
            elif int(got) == int(on_train.sum()):
                key = "exercises.fire.all_dead"
            else:
                key = "exercises.fire.value"
            problems.append(Problem("count", t(key, i=i, got=got, want=want, dead=int(on_train.sum()))))
    return _feedback(t("exercises.your_counts"), problems, [t("exercises.checks.fire", n=len(models))])


#: Exercise ex-dying-bias: width, depth and networks of the Monte Carlo, and the bias_std of each comparison
#: (part -> (inputs, bias_std compared, bias_std of reference)).
BIAS_DEATH_NETS: tuple[int, int, int] = (4, 20, 1000)
BIAS_DEATH_PARTS: dict[str, tuple[str, float, float]] = {
    "one_input": ("one", 3.0, 0.0),
    "small": ("many", 0.3, 0.0),
    "large": ("many", 3.0, 0.3),
}
#: Answers of :func:`check_bias_death`.
BIAS_DEATH_CHOICES: tuple[str, ...] = ("more", "less", "same")


def check_bias_death(one: object, many: object, *, one_input: str | None = None, small: str | None = None,
                     large: str | None = None) -> Feedback:
    """Exercise ex-dying-bias: do random biases change the chance that a ReLU network is born dead?

    Each part is ``"more"``, ``"less"`` or ``"same"`` (within three standard
    errors of the difference) and compares two Monte Carlo estimates of
    :func:`relulab.dying.born_dead_monte_carlo` (width 4, depth 20, 1,000
    networks, seed 7 on ``one`` and 8 on ``many``, as in the chapter's solution):

    - ``one_input``: at the single input ``one``, ``bias_std = 3`` against no bias;
    - ``small``: on the inputs ``many`` (100 digits), ``bias_std = 0.3`` against no bias;
    - ``large``: on ``many``, ``bias_std = 3`` against ``bias_std = 0.3``.

    Problem kinds: ``one_input``, ``small``, ``large``, ``missing``.
    """
    from . import dying
    from .i18n import keys as i18n_keys

    inputs = {}
    for name, value, n_min, n_max in (("one", one, 1, 1), ("many", many, 2, None)):
        arr = torch.as_tensor(np.asarray(value.detach() if isinstance(value, torch.Tensor) else value, dtype=np.float64))
        if arr.ndim == 1:
            arr = arr.unsqueeze(0)
        if arr.ndim != 2 or arr.shape[0] < n_min or (n_max is not None and arr.shape[0] > n_max):
            raise ValueError(t(f"exercises.more.bias.shape_{name}", shape=tuple(arr.shape)))
        inputs[name] = arr
    answers = {"one_input": one_input, "small": small, "large": large}
    for part, got in answers.items():
        if got is not None and got not in BIAS_DEATH_CHOICES:
            raise ValueError(t("exercises.more.bias.choice", part=part, got=repr(got)))

    width, depth, n_nets = BIAS_DEATH_NETS
    seeds = {"one": 7, "many": 8}
    estimates: dict[tuple[str, float], tuple[float, float]] = {}

    def estimate(which: str, std: float) -> tuple[float, float]:
        if (which, std) not in estimates:
            mc = dying.born_dead_monte_carlo(width, depth, inputs[which], n_nets=n_nets, seed=seeds[which], bias_std=std)
            estimates[(which, std)] = (float(mc.p[-1]), float(mc.se[-1]))
        return estimates[(which, std)]

    problems: list[Problem] = []
    for part, (which, std, base) in BIAS_DEATH_PARTS.items():
        (p, se), (p0, se0) = estimate(which, std), estimate(which, base)
        want = "same" if abs(p - p0) <= 3 * math.hypot(se, se0) else ("more" if p > p0 else "less")
        got = answers[part]
        if got is None:
            problems.append(Problem("missing", t("exercises.answers.missing", part=part)))
        elif got != want:
            text = t(f"exercises.more.bias.{part}", got=got, want=want, p=f"{p:.3f} ± {se:.3f}", p0=f"{p0:.3f} ± {se0:.3f}",
                     n=inputs[which].shape[0], std=_show(std), base=_show(base))
            why = f"exercises.more.bias.why_{part}_{want}"  # explained where the book explains it
            problems.append(Problem(part, f"{text} {t(why)}" if why in i18n_keys() else text))
    return _feedback(t("exercises.your_answers"), problems,
                     [t("exercises.more.checks.bias", n=n_nets, width=width, depth=depth)])
# --------------------------------------------------------------------------- Chapter 5: Where ReLU fits
# The exercises of the three pages 05_domains, 05b_transformers and 05c_gans.

__all__ += [
    "check_distinct_fraction",
    "check_quantize_prediction",
    "check_dying_thresholds",
    "check_reglu",
    "check_pruning",
    "check_large_lr_prediction",
    "check_mode_coverage",
    "check_dead_mode_correlation",
    "check_slope_prediction",
]


def _ch5_number(value: object, *, finite: bool = True) -> float | None:
    """A student's answer as a float, or None if it is not one real number (``True`` is not a number).

    With ``finite`` (the default) ``nan`` and ``±inf`` are not answers either:
    ``abs(nan - truth) > tol`` is False, so a nan would pass every tolerance test.
    """
    arr = _numbers(value)
    if arr is None or arr.size != 1:
        return None
    number = float(arr.reshape(-1)[0])
    return number if math.isfinite(number) or not finite else None


def _ch5_answer(problems: list[Problem], part: str, answer: object) -> float | None:
    """The number a student answered for ``part``; ``None`` (and a ``missing`` or ``format`` problem) if there is none."""
    if answer is None:
        problems.append(Problem("missing", t("exercises.answers.missing", part=part)))
        return None
    value = _ch5_number(answer)
    if value is None:
        problems.append(_format_problem(part, answer))
    return value


def _format_problem(part: str, answer: object) -> Problem:
    """The ``format`` problem of an answer that is not one finite number (nan and inf get their own message)."""
    loose = _ch5_number(answer, finite=False)
    if loose is not None:
        return Problem("format", t("exercises.answers.not_finite", part=part, got=_show(loose)))
    return Problem("format", t("exercises.answers.format", part=part, got=_brief(answer)))


def _ch5_choice(value: object, part: str, choices: Sequence[object]) -> None:
    """Raise ``ValueError`` unless ``value`` is ``None`` or one of ``choices``."""
    if value is not None and not any(type(value) is type(c) and value == c for c in choices):
        raise ValueError(t("exercises.ch5.choice", part=part, choices=", ".join(repr(c) for c in choices), got=repr(value)))


def _ch5_bool(value: object, part: str) -> None:
    """Raise ``TypeError`` unless ``value`` is ``None``, ``True`` or ``False``."""
    if value is not None and not isinstance(value, (bool, np.bool_)):
        raise TypeError(t("exercises.ch5.not_bool", part=part, got=repr(value)))


def _ch5_same(a: float, b: float, tol: float) -> bool:
    """``a`` and ``b`` agree within ``tol`` (absolute); nan matches nan, inf matches inf."""
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= tol


# ----- 05_domains: ex-domains-distinct


def _distinct_rows(x: np.ndarray) -> int:
    return len({tuple(row) for row in x.tolist()})


#: Small arrays for ex-domains-distinct: each exposes one classic slip.
DISTINCT_CASES: tuple[tuple[tuple[float, ...], ...], ...] = (
    ((1, 0), (1, 0), (2, 3), (5, 4)),  # 3 distinct rows of 4; 6 distinct numbers; rows not sorted
    ((1, 2), (2, 1), (1, 2), (3, 3)),  # the same numbers in another order are another row
    ((0.5, -1.25, 2.0), (0.5, -1.25, 2.0), (0.5, -1.25, 2.0)),  # one float row, three times
    ((7, 7, 7),),  # a single row
)


def _distinct_slips(x: np.ndarray) -> dict[str, float]:
    """What the classic slips of ex-domains-distinct return on ``x`` (kind -> value)."""
    n, d = x.shape
    rows = _distinct_rows(x)
    cols = _distinct_rows(x.T)
    return {
        "count": float(rows),
        "floor": float(rows // n),
        "values": np.unique(x).size / n,
        "size": rows / x.size,
        "order": len({tuple(sorted(row)) for row in x.tolist()}) / n,
        "columns": cols / d,
        "columns_n": cols / n,
        "complement": 1.0 - rows / n,
    }


def check_distinct_fraction(fn: Callable, *data: object) -> Feedback:
    """Exercise ex-domains-distinct: ``fn(x)``, the share of distinct rows of a 2-D numpy array.

    Tried on :data:`DISTINCT_CASES` (integer and float arrays built so that
    counting values instead of rows, comparing rows as sets, counting columns,
    returning a count or using ``//`` give a wrong answer), on a random float
    array with repeated rows, and on every array in ``data`` (e.g. the chapter's
    inputs), against :func:`relulab.heterogeneity.distinct_fraction`. The input
    must be left unchanged.

    Problem kinds: ``raised``, ``type``, ``mutated``, ``count``, ``floor``,
    ``values``, ``size``, ``order``, ``columns``, ``complement``, ``value``.
    """
    from .heterogeneity import distinct_fraction

    _check_callable(fn, "fn")
    arrays = [np.array(c, dtype=np.int64 if all(float(v).is_integer() for row in c for v in row) else np.float64)
              for c in DISTINCT_CASES]
    rng = np.random.default_rng(0)
    unique = rng.standard_normal((50, 4))
    arrays.append(np.concatenate([unique, unique[:10]]))  # 50 distinct rows of 60
    for i, d in enumerate(data):
        arr = np.asarray(d.detach().cpu() if isinstance(d, torch.Tensor) else d)
        if arr.ndim != 2 or arr.shape[0] == 0:
            raise ValueError(t("exercises.ch5.distinct.data", i=i, shape=tuple(arr.shape)))
        arrays.append(arr)
    problems: list[Problem] = []
    for x in arrays:
        shown = _show_array(x)
        before = x.copy()
        try:
            got_raw = _call(fn, x)
        except Exception as exc:  # the student's code may raise anything
            problems.append(Problem("raised", t("exercises.raised", exc=type(exc).__name__, msg=str(exc)[:160], x=shown)))
            break
        if not np.array_equal(before, x):
            problems.append(Problem("mutated", t("exercises.ch5.distinct.mutated", x=shown)))
            break
        got = _ch5_number(got_raw, finite=False)
        if got is None:
            problems.append(Problem("type", t("exercises.ch5.distinct.type", got=type(got_raw).__name__, x=shown)))
            break
        want = distinct_fraction(x)
        if math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12):
            continue
        n, d = x.shape
        kind = next((k for k, v in _distinct_slips(x).items() if math.isclose(got, v, rel_tol=1e-9, abs_tol=1e-12)
                     and not math.isclose(v, want, rel_tol=1e-9, abs_tol=1e-12)), "value")
        kind = "columns" if kind == "columns_n" else kind
        problems.append(Problem(kind, t(f"exercises.ch5.distinct.{kind}", x=shown, got=_show(got), want=_show(want),
                                        n=n, size=x.size)))
        break
    checks = [t("exercises.ch5.checks.distinct", n=len(DISTINCT_CASES) + 1, extra=len(data))]
    return _feedback(_name(fn), problems, checks)


# ----- 05_domains: ex-domains-quantize

#: Seeds and learning rate of exercise ex-domains-quantize.
QUANTIZE_SEEDS: tuple[int, ...] = (0, 1, 2, 3, 4)
QUANTIZE_LR: float = 1.0


def _lambda_max(x: torch.Tensor | np.ndarray) -> float:
    """Largest eigenvalue of the covariance of the rows of ``x`` (as the chapter computes it)."""
    arr = x.numpy() if isinstance(x, torch.Tensor) else np.asarray(x)
    return float(np.linalg.eigvalsh(np.cov(arr, rowvar=False))[-1])


def check_quantize_prediction(patches: object, *, prediction: str | None = None, distinct: Sequence[float] | None = None,
                              n_train: int = 1600, n_test: int = 400, hidden: int = 32, depth: int = 2,
                              steps: int = 300, batch_size: int = 32) -> Feedback:
    """Exercise ex-domains-quantize: your prediction for photo patches quantized to 16 grey levels.

    From ``patches`` (integer 5×5 patches of 256 grey levels, one per row) the
    checker builds the chapter's task and its quantized version
    (``patches // 16``, ``levels=16``), runs :func:`relulab.domains.protocol`
    on both at learning rate 1 with seeds 0–4 (the network is set by the
    keyword arguments, the chapter's by default) and compares:

    - ``prediction``, ``"up"``, ``"down"`` or ``"same"``: the share of dead
      units after training, quantized minus original, paired by seed; a change
      counts only if the mean difference exceeds twice its standard error;
    - ``distinct`` (optional), the pair ``(before, after)`` of distinct
      fractions of the two tasks' inputs (training and test sets together),
      within 0.002.

    Problem kinds: ``missing``, ``prediction``, ``format``, ``not_quantized``, ``distinct``.
    """
    from . import domains
    from .heterogeneity import distinct_fraction

    _ch5_choice(prediction, "prediction", ("up", "down", "same"))
    p = np.asarray(patches)
    if (p.ndim != 2 or p.shape[1] != 25 or not np.issubdtype(p.dtype, np.integer) or p.size == 0
            or p.min() < 0 or p.max() > 255):
        raise ValueError(t("exercises.ch5.quantize.patches", shape=tuple(p.shape), dtype=str(p.dtype)))
    sizes = dict(n_train=n_train, n_test=n_test)
    fine = domains.image_task(p, levels=256, name="fine", **sizes)
    coarse = domains.image_task(p // 16, levels=16, name="coarse", **sizes)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # ten tiny networks: one thread is many times faster than several (see seed_everything)
    try:
        runs = domains.protocol([fine, coarse], lrs=[QUANTIZE_LR], seeds=list(QUANTIZE_SEEDS), hidden=hidden, depth=depth,
                                steps=steps, batch_size=batch_size)
    finally:
        torch.set_num_threads(threads)
    d_fine, d_coarse = (domains.grid(runs, name)[1][:, 0] for name in ("fine", "coarse"))
    diff = (d_coarse - d_fine)[np.isfinite(d_coarse - d_fine)]
    mean = float(diff.mean()) if diff.size else 0.0
    se = float(diff.std(ddof=1) / math.sqrt(diff.size)) if diff.size > 1 else 0.0
    truth = "same" if abs(mean) <= 2 * se else ("up" if mean > 0 else "down")
    problems: list[Problem] = []
    if prediction is None:
        problems.append(Problem("missing", t("exercises.answers.missing", part="prediction")))
    elif prediction != truth:
        text = t("exercises.ch5.quantize.prediction", got=prediction, want=truth, fine=f"{np.nanmean(d_fine):.3f}",
                 coarse=f"{np.nanmean(d_coarse):.3f}", diff=f"{mean:+.3f}", se=f"{se:.3f}",
                 lam_fine=f"{_lambda_max(fine.x_train):.3g}", lam_coarse=f"{_lambda_max(coarse.x_train):.3g}")
        if truth == "same":
            text += " " + t("exercises.ch5.quantize.why_same")
        problems.append(Problem("prediction", text))
    if distinct is not None:
        inputs = lambda task: np.concatenate([task.x_train.numpy(), task.x_test.numpy()])  # noqa: E731
        want = (distinct_fraction(inputs(fine)), distinct_fraction(inputs(coarse)))
        got = [_ch5_number(v) for v in distinct] if isinstance(distinct, Sequence) and not isinstance(distinct, str) else []
        shown_want = f"({want[0]:.4g}, {want[1]:.4g})"
        if len(got) != 2 or None in got:
            problems.append(Problem("format", t("exercises.ch5.quantize.distinct_format", got=repr(distinct))))
        elif abs(got[1] - want[0]) <= 0.002 < abs(got[1] - want[1]):
            problems.append(Problem("not_quantized", t("exercises.ch5.quantize.not_quantized", got=_show(got[1]),
                                                       want=shown_want)))
        elif abs(got[0] - want[0]) > 0.002 or abs(got[1] - want[1]) > 0.002:
            problems.append(Problem("distinct", t("exercises.ch5.quantize.distinct", got=f"({_show(got[0])}, {_show(got[1])})",
                                                  want=shown_want)))
    checks = [t("exercises.ch5.checks.quantize", n=len(QUANTIZE_SEEDS))]
    return _feedback(t("exercises.your_answers"), problems, checks)


# ----- 05_domains: ex-domains-threshold

#: The learning-rate grid, seeds and level of exercise ex-domains-threshold.
THRESHOLD_LRS: tuple[float, ...] = (0.25, 0.5, 1.0, 2.0, 4.0)
THRESHOLD_SEEDS: tuple[int, ...] = (0, 1, 2)
THRESHOLD_LEVEL: float = 0.1


def _first_above(lrs: Sequence[float], values: np.ndarray, level: float) -> float:
    """The first learning rate whose value is above ``level`` (``inf`` if none; nan is never above)."""
    with np.errstate(invalid="ignore"):
        above = values > level
    return next((lr for lr, a in zip(lrs, above) if a), math.inf)


def check_dying_thresholds(sweep: Sequence[object], photo_task: object, prose_task: object, *,
                           photo: float | None = None, prose: float | None = None,
                           lambda_ratio: float | None = None, same_order: bool | None = None) -> Feedback:
    """Exercise ex-domains-threshold: the learning rates at which more than 10 % of the units die, and λmax.

    ``sweep`` is what :func:`relulab.domains.protocol` returned for the two
    tasks on the grid :data:`THRESHOLD_LRS` with seeds 0–2. The checker checks:

    - that the sweep has that grid and those seeds for both tasks (kind ``grid``);
    - ``photo`` and ``prose``: for each task, the smallest learning rate of the
      grid whose share of dead units, averaged over the seeds (diverged runs
      left out), is above 0.1; ``math.inf`` if none is;
    - ``lambda_ratio``: λmax of the photo task's training inputs divided by the
      prose task's (largest eigenvalue of the covariance), within 5 %;
    - ``same_order``: whether the task with the larger λmax has the smaller threshold.

    Problem kinds: ``missing``, ``grid``, ``format``, ``swapped``, ``seeds_max``,
    ``nan``, ``below``, ``photo``, ``prose``, ``inverted``, ``erank``,
    ``smallest``, ``lambda_ratio``, ``same_order``.
    """
    import warnings

    from . import domains
    from .heterogeneity import effective_rank

    if isinstance(sweep, (str, bytes)) or not isinstance(sweep, Sequence) or not all(
            hasattr(r, a) for r in sweep for a in ("domain", "lr", "seed", "dead_end")):
        raise TypeError(t("exercises.ch5.threshold.not_sweep", got=type(sweep).__name__))
    for name, task in (("photo_task", photo_task), ("prose_task", prose_task)):
        if not all(hasattr(task, a) for a in ("name", "x_train")):
            raise TypeError(t("exercises.ch5.threshold.not_task", part=name, got=type(task).__name__))
    _ch5_bool(same_order, "same_order")
    problems: list[Problem] = []
    truth: dict[str, float] = {}
    slips: dict[str, dict[str, float]] = {}
    curves: dict[str, str] = {}
    for part, task in (("photo", photo_task), ("prose", prose_task)):
        sel = [r for r in sweep if r.domain == task.name]
        lrs = sorted({float(r.lr) for r in sel})
        seeds = sorted({int(r.seed) for r in sel})
        if not sel or lrs != list(THRESHOLD_LRS) or seeds != list(THRESHOLD_SEEDS) or len(sel) != len(lrs) * len(seeds):
            problems.append(Problem("grid", t("exercises.ch5.threshold.grid", name=task.name, seeds=seeds,
                                              lrs=_show_array(lrs) if lrs else "[]", want_lrs=_show_array(THRESHOLD_LRS))))
            continue
        order, dead = domains.grid(sel, task.name)
        dead = dead[:, np.argsort(order)]
        with np.errstate(invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a learning rate where every seed diverged
            mean = np.nanmean(dead, axis=0)
            worst = np.nanmax(dead, axis=0)
        truth[part] = _first_above(THRESHOLD_LRS, mean, THRESHOLD_LEVEL)
        below = [lr for lr in THRESHOLD_LRS if lr < truth[part]]
        slips[part] = {
            "seeds_max": _first_above(THRESHOLD_LRS, worst, THRESHOLD_LEVEL),
            "nan": _first_above(THRESHOLD_LRS, dead.mean(axis=0), THRESHOLD_LEVEL),
            "below": below[-1] if below else -1.0,
        }
        curves[part] = f"{task.name}: [" + ", ".join(f"{v:.3f}" for v in mean) + "]"
    answers = {"photo": photo, "prose": prose}
    got: dict[str, float] = {}
    for part, answer in answers.items():
        if answer is None:
            problems.append(Problem("missing", t("exercises.answers.missing", part=part)))
            continue
        value = _ch5_number(answer, finite=False)
        if value is None or not (value in THRESHOLD_LRS or value == math.inf):
            problems.append(Problem("format", t("exercises.ch5.threshold.format", part=part, got=repr(answer),
                                                lrs=_show_array(THRESHOLD_LRS))))
            continue
        got[part] = value
    if (set(got) == {"photo", "prose"} == set(truth) and got["photo"] != truth["photo"]
            and got["photo"] == truth["prose"] and got["prose"] == truth["photo"]):
        problems.append(Problem("swapped", t("exercises.ch5.threshold.swapped")))
    else:
        for part in (p for p in ("photo", "prose") if p in got and p in truth and got[p] != truth[p]):
            kind = next((k for k, v in slips[part].items() if v == got[part] and v != truth[part]), part)
            key = f"exercises.ch5.threshold.{kind}" if kind != part else "exercises.ch5.threshold.value"
            problems.append(Problem(kind, t(key, part=part, got=_show(got[part]), want=_show(truth[part]), curve=curves[part])))
    lam = {part: _lambda_max(task.x_train) for part, task in (("photo", photo_task), ("prose", prose_task))}
    ratio = lam["photo"] / lam["prose"]
    value = _ch5_answer(problems, "lambda_ratio", lambda_ratio)
    if value is not None and not math.isclose(value, ratio, rel_tol=0.05):
        def x_of(task: object) -> np.ndarray:
            return task.x_train.numpy() if isinstance(task.x_train, torch.Tensor) else np.asarray(task.x_train)

        erank = effective_rank(x_of(photo_task)) / effective_rank(x_of(prose_task))
        smallest = [float(np.linalg.eigvalsh(np.cov(x_of(task), rowvar=False))[0]) for task in (photo_task, prose_task)]
        slip = {"inverted": [1 / ratio], "erank": [erank, 1 / erank],
                "smallest": [smallest[0] / smallest[1], smallest[1] / smallest[0]] if min(smallest) > 0 else []}
        kind = next((k for k, vs in slip.items() if any(math.isclose(value, v, rel_tol=0.05) for v in vs)), "lambda_ratio")
        problems.append(Problem(kind, t(f"exercises.ch5.threshold.{kind}", got=f"{value:.3g}", want=f"{ratio:.3g}",
                                        photo=f"{lam['photo']:.3g}", prose=f"{lam['prose']:.3g}")))
    if same_order is None:
        problems.append(Problem("missing", t("exercises.answers.missing", part="same_order")))
    elif set(truth) == {"photo", "prose"}:
        bigger, other = ("photo", "prose") if lam["photo"] >= lam["prose"] else ("prose", "photo")
        order_truth = truth[bigger] < truth[other]
        if bool(same_order) != order_truth:
            key = "exercises.ch5.threshold.order_yes" if order_truth else "exercises.ch5.threshold.order_no"
            problems.append(Problem("same_order", t(key, got=bool(same_order), bigger=bigger, other=other,
                                                    lam_b=f"{lam[bigger]:.3g}", lam_o=f"{lam[other]:.3g}",
                                                    t_b=_show(truth[bigger]), t_o=_show(truth[other]))))
    return _feedback(t("exercises.your_answers"), problems, [t("exercises.ch5.checks.threshold")])


# ----- 05b_transformers: ex-transformers-reglu


def check_reglu(module: object, *, zeros: float | None = None, sparse: str | None = None) -> Feedback:
    """Exercise ex-transformers-reglu: a ReGLU feed-forward module, ``down(max(0, gate(x)) * up(x))``.

    ``module`` is an instance of your ``nn.Module`` with the layers of
    :class:`relulab.transformer.FeedForward` — ``gate`` (no bias), ``up`` and
    ``down``, all ``nn.Linear`` — and a method ``hidden(x)`` that returns the
    gated hidden values. Checked: the hidden width
    (``transformer.ffn_width("swiglu", d)``), the number of weights (equal to
    the book's SwiGLU), ``hidden(x)`` and ``forward(x)`` on 1,000 random inputs
    (seed 0) against the formula computed with your own layers, ``zeros`` (the
    share of exact zeros of the hidden values you measured, within 0.05 of the
    checker's), and ``sparse``: which unit, ``"reglu"`` or ``"swiglu"``, a
    sparse kernel could exploit.

    Problem kinds: ``layers``, ``width``, ``params``, ``raised``, ``smooth_gate``,
    ``relu_of_product``, ``swapped``, ``not_gated``, ``hidden``, ``forward``,
    ``zeros``, ``format``, ``sparse``, ``missing``.
    """
    from .transformer import FeedForward, ffn_width

    if not isinstance(module, torch.nn.Module):
        raise TypeError(t("exercises.ch5.reglu.not_module", got=type(module).__name__))
    _ch5_choice(sparse, "sparse", ("reglu", "swiglu"))
    name = type(module).__name__
    checks = [t("exercises.ch5.checks.reglu")]
    problems: list[Problem] = []
    layers = {n: getattr(module, n, None) for n in ("gate", "up", "down")}
    missing = [f"`{n}`" for n, layer in layers.items() if not isinstance(layer, torch.nn.Linear)]
    if not callable(getattr(module, "hidden", None)):
        missing.append("`hidden(x)`")
    if missing:
        return _feedback(name, [Problem("layers", t("exercises.ch5.reglu.layers", missing=", ".join(missing)))], checks)
    gate, up, down = layers["gate"], layers["up"], layers["down"]
    d = gate.in_features
    h = ffn_width("swiglu", d)
    g_out = gate.out_features
    if (up.in_features, down.out_features, up.out_features, down.in_features) != (d, d, g_out, g_out):
        shapes = t("exercises.ch5.reglu.shapes", d=d, g=g_out, u=tuple(up.weight.shape[::-1]), w=tuple(down.weight.shape[::-1]))
        return _feedback(name, [Problem("layers", shapes)], checks)
    if gate.out_features != h:
        key = "exercises.ch5.reglu.width_relu" if gate.out_features == 4 * d else "exercises.ch5.reglu.width"
        problems.append(Problem("width", t(key, got=gate.out_features, want=h, d=d)))
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        swiglu = FeedForward(d, h, "swiglu").to(gate.weight.dtype)
    params, want_params = sum(p.numel() for p in module.parameters()), sum(p.numel() for p in swiglu.parameters())
    if params != want_params and not problems:
        bias = gate.bias is not None and params - want_params == h
        key = "exercises.ch5.reglu.gate_bias" if bias else "exercises.ch5.reglu.params"
        problems.append(Problem("params", t(key, got=params, want=want_params, h=h)))
    x = torch.randn(1000, d, generator=torch.Generator().manual_seed(0), dtype=torch.float64).to(gate.weight.dtype)
    F = torch.nn.functional
    with torch.no_grad():
        g, u = gate(x), up(x)
        ref = torch.relu(g) * u
        try:
            hid = _call(module.hidden, x.clone(), what=f"{name}.hidden")
            out = _call(module, x.clone(), what=name)
        except Exception as exc:  # the student's code may raise anything
            problems.append(Problem("raised", t("exercises.ch5.reglu.raised", exc=type(exc).__name__, msg=str(exc)[:160])))
            return _feedback(name, problems, checks)

        def close(a: object, b: torch.Tensor) -> bool:
            return isinstance(a, torch.Tensor) and a.shape == b.shape and bool(torch.allclose(a, b, rtol=1e-5, atol=1e-6))

        if not close(hid, ref):
            slips = [("smooth_gate", F.silu(g) * u, "SiLU", "SwiGLU"), ("smooth_gate", F.gelu(g) * u, "GELU", "GEGLU"),
                     ("relu_of_product", torch.relu(g * u), "", ""), ("swapped", torch.relu(u) * g, "", ""),
                     ("not_gated", torch.relu(g), "", ""), ("not_gated", torch.relu(u), "", "")]
            kind, act, unit = next(((k, a, un) for k, v, a, un in slips if close(hid, v)), ("hidden", "", ""))
            shape = tuple(hid.shape) if isinstance(hid, torch.Tensor) else type(hid).__name__
            problems.append(Problem(kind, t(f"exercises.ch5.reglu.{kind}", act=act, unit=unit, shape=shape, want=tuple(ref.shape))))
        own = isinstance(hid, torch.Tensor) and hid.shape == ref.shape and close(out, down(hid.to(ref.dtype)))
        if not close(out, down(ref)) and not own:  # a wrong hidden(x) is reported once, above
            shape = tuple(out.shape) if isinstance(out, torch.Tensor) else type(out).__name__
            problems.append(Problem("forward", t("exercises.ch5.reglu.forward", shape=shape, want=tuple(down(ref).shape))))
        share = float((ref == 0).double().mean())
        swiglu_share = float((swiglu.act(swiglu.gate(x)) * swiglu.up(x) == 0).double().mean())
    value = _ch5_answer(problems, "zeros", zeros)
    if value is not None and abs(value - share) > 0.05:
        problems.append(Problem("zeros", t("exercises.ch5.reglu.zeros", got=_show(value), want=f"{share:.3f}")))
    if sparse is None:
        problems.append(Problem("missing", t("exercises.answers.missing", part="sparse")))
    elif sparse != "reglu":
        problems.append(Problem("sparse", t("exercises.ch5.reglu.sparse", reglu=f"{share:.3f}", swiglu=f"{swiglu_share:.3f}")))
    return _feedback(name, problems, checks)


# ----- 05b_transformers: ex-transformers-prune


def check_pruning(model: object, val_ids: object, *, dead: object = None, dead_changes: bool | None = None,
                  live_changes: bool | None = None) -> Feedback:
    """Exercise ex-transformers-prune: the dead FFN units of the second block and what pruning them does.

    ``model`` is the trained ReLU :class:`relulab.transformer.TinyLM` you
    pruned, ``val_ids`` the validation text. The checker finds the units of
    ``blocks.1.ffn.act`` that are 0 on every token of
    :func:`relulab.transformer.validation_batch` and compares them with
    ``dead`` (unit indices, or a boolean mask over the units). It then zeroes
    their columns of ``blocks[1].ffn.down.weight`` in a copy of the model, and
    as many columns of live units drawn with ``torch.randperm`` (generator
    seed 0) in another, and checks your predictions ``dead_changes`` and
    ``live_changes``: does the validation loss change (``True``) or stay
    exactly the same (``False``)? The model itself is not changed.

    Problem kinds: ``model``, ``missing``, ``format``, ``inverted``, ``block``,
    ``any``, ``dead``, ``dead_changes``, ``live_changes``.
    """
    import copy

    from .probes import record_activations
    from .transformer import validation_batch, validation_loss

    if not isinstance(model, torch.nn.Module) or not hasattr(model, "blocks") or not hasattr(model, "context"):
        raise TypeError(t("exercises.ch5.prune.not_model", got=type(model).__name__))
    if len(model.blocks) < 2:
        raise ValueError(t("exercises.ch5.prune.blocks", n=len(model.blocks)))
    _ch5_bool(dead_changes, "dead_changes")
    _ch5_bool(live_changes, "live_changes")
    checks = [t("exercises.ch5.checks.prune")]
    if getattr(model, "kind", None) != "relu":
        problem = Problem("model", t("exercises.ch5.prune.not_relu", kind=getattr(model, "kind", "?")))
        return _feedback(t("exercises.your_answers"), [problem], checks)
    x_val, _ = validation_batch(val_ids, model.context)
    outs = record_activations(model, x_val, layers=["blocks.0.ffn.act", "blocks.1.ffn.act"])
    act0, act1 = (outs[f"blocks.{i}.ffn.act"].flatten(0, -2) for i in (0, 1))
    truth = ~(act1 > 0).any(dim=0)
    k = int(truth.sum())
    if k == 0:
        return _feedback(t("exercises.your_answers"), [Problem("model", t("exercises.ch5.prune.none_dead"))], checks)
    problems: list[Problem] = []
    n_units = truth.numel()
    if dead is None:
        problems.append(Problem("missing", t("exercises.answers.missing", part="dead")))
    else:
        arr = np.asarray(dead.detach().cpu() if isinstance(dead, torch.Tensor) else dead).reshape(-1)
        mask: np.ndarray | None = None
        if arr.dtype == np.bool_ and arr.size == n_units:
            mask = arr
        elif arr.size == 0 or (np.issubdtype(arr.dtype, np.integer) and arr.min() >= 0 and arr.max() < n_units
                               and np.unique(arr).size == arr.size):
            mask = np.zeros(n_units, dtype=bool)
            mask[arr.astype(np.int64)] = True
        if mask is None:
            problems.append(Problem("format", t("exercises.ch5.prune.format", n=n_units, got=_show_array(arr))))
        else:
            want = truth.numpy()
            if not np.array_equal(mask, want):
                if np.array_equal(mask, ~want):
                    key, kind = "exercises.ch5.prune.inverted", "inverted"
                elif np.array_equal(mask, (~(act0 > 0).any(dim=0)).numpy()):
                    key, kind = "exercises.ch5.prune.block", "block"
                elif np.array_equal(mask, (act1 <= 0).any(dim=0).numpy()):
                    key, kind = "exercises.ch5.prune.any", "any"
                else:
                    key, kind = "exercises.ch5.prune.dead", "dead"
                problems.append(Problem(kind, t(key, got=int(mask.sum()), want=k, units=_show_array(np.flatnonzero(want)))))
    dead_units = torch.nonzero(truth).flatten()
    live = torch.nonzero(~truth).flatten()
    random_live = live[torch.randperm(len(live), generator=torch.Generator().manual_seed(0))[:k]]

    def loss_without(units: torch.Tensor) -> float:
        pruned = copy.deepcopy(model)
        with torch.no_grad():
            pruned.blocks[1].ffn.down.weight[:, units] = 0.0
        return validation_loss(pruned, val_ids)

    base = validation_loss(model, val_ids)
    after = {"dead_changes": loss_without(dead_units), "live_changes": loss_without(random_live)}
    for part, answer in (("dead_changes", dead_changes), ("live_changes", live_changes)):
        changes = after[part] != base
        if answer is None:
            problems.append(Problem("missing", t("exercises.answers.missing", part=part)))
        elif bool(answer) != changes:
            key = f"exercises.ch5.prune.{part}_{'yes' if changes else 'no'}"
            problems.append(Problem(part, t(key, got=bool(answer), k=k, base=f"{base:.6f}", after=f"{after[part]:.6f}")))
    return _feedback(t("exercises.your_answers"), problems, checks)


# ----- 05b_transformers: ex-transformers-steps

#: Learning rates of exercise ex-transformers-steps: the chapter's, and twice it.
STEPS_BASE_LR: float = 1e-2
STEPS_FAST_LR: float = 2e-2


def check_large_lr_prediction(fast: Sequence[object], runs: Sequence[object], *, relu: str | None = None,
                              swiglu: str | None = None) -> Feedback:
    """Exercise ex-transformers-steps: more, the same or fewer dead units in the second block at twice the learning rate?

    ``fast`` holds the runs of :func:`relulab.transformer.compare_ffn` at
    learning rate 0.02 (seed 0), ``runs`` the chapter's runs at 0.01. For
    ``relu`` and ``swiglu`` the prediction ``"more"``, ``"same"`` or ``"fewer"``
    is compared with the dead units of the second FFN block (``ffn[1].dead``)
    of the seed-0 runs: a difference of at most 2 units counts as ``"same"``.

    Problem kinds: ``settings``, ``missing``, ``relu``, ``swiglu``.
    """
    for part, value in (("relu", relu), ("swiglu", swiglu)):
        _ch5_choice(value, part, ("more", "same", "fewer"))
    for part, seq in (("fast", fast), ("runs", runs)):
        if isinstance(seq, (str, bytes)) or not isinstance(seq, Sequence) or not all(
                hasattr(r, a) for r in seq for a in ("kind", "seed", "lr", "ffn", "model")):
            raise TypeError(t("exercises.ch5.steps.not_runs", part=part, got=type(seq).__name__))

    def find(seq: Sequence[object], kind: str, lr: float) -> object | None:
        return next((r for r in seq if r.kind == kind and r.seed == 0 and math.isclose(r.lr, lr, rel_tol=1e-9)), None)

    problems: list[Problem] = []
    for kind, answer in (("relu", relu), ("swiglu", swiglu)):
        new, old = find(fast, kind, STEPS_FAST_LR), find(runs, kind, STEPS_BASE_LR)
        if new is None or old is None:
            part, lr = ("fast", STEPS_FAST_LR) if new is None else ("runs", STEPS_BASE_LR)
            problems.append(Problem("settings", t("exercises.ch5.steps.settings", part=part, kind=kind, lr=_show(lr))))
            continue
        hidden = int(new.model.blocks[1].ffn.up.out_features)
        units_new, units_old = round(new.ffn[1].dead * hidden), round(old.ffn[1].dead * hidden)
        diff = units_new - units_old
        truth = "same" if abs(diff) <= 2 else ("more" if diff > 0 else "fewer")
        if answer is None:
            problems.append(Problem("missing", t("exercises.answers.missing", part=kind)))
        elif answer != truth:
            text = t("exercises.ch5.steps.wrong", part=kind, got=answer, want=truth, new=units_new, old=units_old, hidden=hidden)
            if kind == "relu" and truth == "more":
                text += " " + t("exercises.ch5.steps.why_relu")
            elif kind == "swiglu" and truth != "more":
                text += " " + t("exercises.ch5.steps.why_swiglu")
            problems.append(Problem(kind, text))
    return _feedback(t("exercises.your_predictions"), problems, [t("exercises.ch5.checks.steps")])


# ----- 05c_gans: ex-gans-coverage

#: The GAN's data of the chapter: standard deviation of each mode; a point counts within 3 of them.
COVERAGE_STD: float = 0.1
COVERAGE_MIN_POINTS: int = 10


def _coverage_cases() -> list[tuple[str, dict[str, int], np.ndarray]]:
    """(message key, its fields, 1,000 points) for ex-gans-coverage, each exposing one slip."""
    from .gan import ring_centres

    centres = ring_centres()
    rng = np.random.default_rng(0)

    def at(mode: int, n: int, dist: float) -> np.ndarray:
        angle = rng.uniform(0, 2 * np.pi, n)
        return centres[mode] + dist * np.stack([np.cos(angle), np.sin(angle)], axis=1)

    return [  # the first case has a share of points on a mode (0.6) that is not a whole number
        ("exercises.ch5.modes.case_far", {}, np.concatenate([at(2, 600, 0.05), at(6, 400, 0.5)])),
        ("exercises.ch5.modes.case_two", dict(a=990, b=10), np.concatenate([at(0, 990, 0.05), at(3, 10, 0.05)])),
        ("exercises.ch5.modes.case_two", dict(a=991, b=9), np.concatenate([at(0, 991, 0.05), at(3, 9, 0.05)])),
        ("exercises.ch5.modes.case_ring", {}, np.concatenate([at(1, 500, 0.25), at(5, 500, 0.12)])),
        ("exercises.ch5.modes.case_centre", {}, 0.05 * rng.standard_normal((1000, 2))),
        ("exercises.ch5.modes.case_all", {}, np.concatenate([at(m, 125, 0.05) for m in range(8)])),
    ]


def _coverage(points: np.ndarray, *, radius: float, min_points: int, near_only: bool = True) -> int:
    from .gan import ring_centres

    centres = ring_centres()
    dist = np.linalg.norm(points[:, None, :] - centres[None], axis=2)
    near = dist.min(axis=1) <= radius if near_only else np.ones(len(points), dtype=bool)
    counts = np.bincount(dist.argmin(axis=1)[near], minlength=len(centres))
    return int((counts >= min_points).sum())


def check_mode_coverage(fn: Callable, runs: Sequence[object] | None = None) -> Feedback:
    """Exercise ex-gans-coverage: ``fn(points)``, the number of modes with at least 10 of 1,000 points within 0.3.

    ``points`` is an array ``(1000, 2)``; a point belongs to the nearest centre
    of :func:`relulab.gan.ring_centres` if it lies within 3 standard
    deviations (3 × 0.1) of it. Tried on six point sets built to expose the
    classic slips (a radius of 1 standard deviation, or of 3 × 0.05, the
    default ``std`` of :func:`relulab.gan.mode_coverage`; ``> 10`` instead of
    ``>= 10``; any single point counting; points far from every mode
    counted), then, if ``runs`` (the chapter's :class:`relulab.gan.GanRun`
    list) is given, on the final samples of every run and seed against the
    recorded ``modes_covered``. The points must be left unchanged.

    Problem kinds: ``raised``, ``type``, ``mutated``, ``radius_std``,
    ``radius_default``, ``strict``, ``any_point``, ``no_filter``, ``value``, ``runs``.
    """
    _check_callable(fn, "fn")
    if runs is not None and (isinstance(runs, (str, bytes)) or not isinstance(runs, Sequence) or not all(
            hasattr(r, a) for r in runs for a in ("slope", "seeds", "samples", "modes_covered"))):
        raise TypeError(t("exercises.ch5.gan.not_runs", got=type(runs).__name__))
    problems: list[Problem] = []
    name = _name(fn)
    checks = [t("exercises.ch5.checks.modes", n=6)]

    def call(points: np.ndarray, where: str) -> int | None:
        before = points.copy()
        try:
            got = _call(fn, points)
        except Exception as exc:  # the student's code may raise anything
            problems.append(Problem("raised", t("exercises.ch5.modes.raised", where=where, exc=type(exc).__name__, msg=str(exc)[:160])))
            return None
        if not np.array_equal(before, points):
            problems.append(Problem("mutated", t("exercises.ch5.modes.mutated", where=where)))
            return None
        value = _ch5_number(got, finite=False)
        if value is None or not value.is_integer():
            key = "exercises.ch5.modes.pair" if isinstance(got, tuple) else "exercises.ch5.modes.type"
            problems.append(Problem("type", t(key, where=where, got=repr(got)[:60])))
            return None
        return int(value)

    cases = _coverage_cases()
    r3 = 3 * COVERAGE_STD
    slips = {
        "radius_std": dict(radius=COVERAGE_STD, min_points=COVERAGE_MIN_POINTS),
        "radius_default": dict(radius=3 * 0.05, min_points=COVERAGE_MIN_POINTS),
        "strict": dict(radius=r3, min_points=COVERAGE_MIN_POINTS + 1),
        "any_point": dict(radius=r3, min_points=1),
        "no_filter": dict(radius=r3, min_points=COVERAGE_MIN_POINTS, near_only=False),
    }
    answers = []
    for key, fields, points in cases:
        got = call(points, t(key, **fields))
        if got is None:
            return _feedback(name, problems, checks)
        answers.append(got)
    truth = [_coverage(p, radius=r3, min_points=COVERAGE_MIN_POINTS) for _, _, p in cases]
    if answers != truth:
        kind = next((k for k, kw in slips.items() if answers == [_coverage(p, **kw) for _, _, p in cases]), "value")
        i = next(j for j, (a, w) in enumerate(zip(answers, truth)) if a != w)
        where = t(cases[i][0], **cases[i][1])
        problems.append(Problem(kind, t(f"exercises.ch5.modes.{kind}", where=where, got=answers[i], want=truth[i])))
        return _feedback(name, problems, checks)
    if runs is not None:
        checks.append(t("exercises.ch5.checks.modes_runs", n=sum(len(r.seeds) for r in runs)))
        for r in runs:
            for i, seed in enumerate(r.seeds):
                where = t("exercises.ch5.modes.where_run", slope=_show(r.slope), seed=seed)
                got = call(np.array(r.samples[i], copy=True), where)
                if got is None:
                    return _feedback(name, problems, checks)
                if got != int(r.modes_covered[i]):
                    problems.append(Problem("runs", t("exercises.ch5.modes.runs", where=where, got=got, want=int(r.modes_covered[i]))))
                    return _feedback(name, problems, checks)
    return _feedback(name, problems, checks)


# ----- 05c_gans: ex-gans-correlation


def _pearson(a: np.ndarray, b: np.ndarray) -> float:
    """Pearson's correlation of two samples; nan if either does not vary."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.std() == 0 or b.std() == 0:
        return float("nan")
    return float(np.corrcoef(a, b)[0, 1])


def _check_gan_runs(runs: object, part: str = "runs") -> list:
    if isinstance(runs, (str, bytes)) or not isinstance(runs, Sequence) or not runs or not all(
            hasattr(r, a) for r in runs for a in ("slope", "seeds", "dead_share", "modes_covered", "quality")):
        raise TypeError(t("exercises.ch5.gan.not_runs", got=type(runs).__name__) + f" ({part})")
    return list(runs)


def check_dead_mode_correlation(runs: Sequence[object], *, prediction: str | None = None,
                                correlations: Mapping[object, float] | None = None) -> Feedback:
    """Exercise ex-gans-correlation: the correlation between dead discriminator units and modes covered.

    ``correlations`` maps each slope of ``runs`` (e.g. ``0.0``, ``0.2``) and
    ``"all"`` to Pearson's correlation, over the seeds (over every run for
    ``"all"``), between the *final* share of dead units (``dead_share[:, -1]``)
    and ``modes_covered``; ``nan`` where either does not vary. Values pass
    within 0.01. ``prediction`` is ``"negative"``, ``"positive"`` or
    ``"none"``: the sign of the correlation over every run, or ``"none"`` if
    it cannot be told from zero at the 5 % level: ``|r| < tanh(1.96 / sqrt(n - 3))``
    (Fisher's z) for ``n`` runs.

    Problem kinds: ``missing``, ``unknown``, ``format``, ``not_final``,
    ``quality``, ``sign``, ``constant``, ``value``, ``prediction``.
    """
    runs = _check_gan_runs(runs)
    _ch5_choice(prediction, "prediction", ("negative", "positive", "none"))
    if correlations is not None and not isinstance(correlations, Mapping):
        raise TypeError(t("exercises.ch5.corr.not_mapping"))
    dead = {r.slope: np.asarray(r.dead_share, dtype=np.float64) for r in runs}
    modes = {r.slope: np.asarray(r.modes_covered, dtype=np.float64) for r in runs}
    quality = {r.slope: np.asarray(r.quality, dtype=np.float64) for r in runs}
    pool = lambda d: np.concatenate(list(d.values()))  # noqa: E731
    final = {s: v[:, -1] for s, v in dead.items()}
    overall = {s: v.mean(axis=1) for s, v in dead.items()}
    truth = {s: _pearson(final[s], modes[s]) for s in dead} | {"all": _pearson(pool(final), pool(modes))}
    slips = {
        "not_final": {s: _pearson(overall[s], modes[s]) for s in dead} | {"all": _pearson(pool(overall), pool(modes))},
        "quality": {s: _pearson(final[s], quality[s]) for s in dead} | {"all": _pearson(pool(final), pool(quality))},
    }
    problems: list[Problem] = []
    if correlations is None:
        problems.append(Problem("missing", t("exercises.answers.missing", part="correlations")))
    else:
        unknown = [k for k in correlations if k not in truth]
        if unknown:
            problems.append(Problem("unknown", t("exercises.answers.unknown", parts=", ".join(map(repr, unknown)),
                                                 expected=", ".join(map(repr, truth)))))
        for key, want in truth.items():
            part = repr(key)
            if key not in correlations:
                problems.append(Problem("missing", t("exercises.answers.missing", part=part)))
                continue
            got = _ch5_number(correlations[key], finite=False)  # nan is the answer where a sample does not vary
            if got is None:
                problems.append(Problem("format", t("exercises.answers.format", part=part, got=_brief(correlations[key]))))
                continue
            if _ch5_same(got, want, 0.01):
                continue
            if math.isnan(want):
                kind = "constant"
            else:
                kind = next((k for k, v in slips.items() if _ch5_same(got, v[key], 0.01) and not _ch5_same(v[key], want, 0.01)),
                            "sign" if abs(want) > 0.01 and _ch5_same(got, -want, 0.01) else "value")
            problems.append(Problem(kind, t(f"exercises.ch5.corr.{kind}", part=part, got=_show(round(got, 3)),
                                            want="nan" if math.isnan(want) else f"{want:+.2f}")))
    n = int(pool(modes).size)
    r_all = truth["all"]
    critical = math.tanh(1.96 / math.sqrt(n - 3)) if n > 3 else 1.0
    want_pred = "none" if math.isnan(r_all) or abs(r_all) < critical else ("negative" if r_all < 0 else "positive")
    if prediction is None:
        problems.append(Problem("missing", t("exercises.answers.missing", part="prediction")))
    elif prediction != want_pred:
        text = t("exercises.ch5.corr.prediction", got=prediction, want=want_pred, n=n,
                 r="nan" if math.isnan(r_all) else f"{r_all:+.2f}", critical=f"{critical:.2f}")
        if want_pred == "none":
            text += " " + t("exercises.ch5.corr.why_none")
        problems.append(Problem("prediction", text))
    return _feedback(t("exercises.your_answers"), problems, [t("exercises.ch5.checks.corr", n=n)])


# ----- 05c_gans: ex-gans-slope

#: The discriminator slope of exercise ex-gans-slope.
SMALL_SLOPE: float = 0.01


def check_slope_prediction(small: object, runs: Sequence[object], *, closer_to: float | None = None,
                           dead: float | None = None, modes_within_spread: bool | None = None) -> Feedback:
    """Exercise ex-gans-slope: where a discriminator with slope 0.01 falls between ReLU and slope 0.2.

    ``small`` is the :class:`relulab.gan.GanRun` of slope 0.01 (or the
    one-element list :func:`relulab.gan.train_gan` returns), ``runs`` the
    chapter's runs. Checked:

    - ``closer_to``: the slope of ``runs`` whose mean final share of dead
      units, over the seeds ``small`` shares with it, is nearest to slope 0.01's;
    - ``dead`` (optional): the mean final share of dead units
      (``dead_share[:, -1]``) of slope 0.01 over its seeds, within 0.005;
    - ``modes_within_spread``: whether slope 0.01's mean number of modes
      covered lies within the range (smallest to largest, over every seed) of
      the other runs.

    Problem kinds: ``settings``, ``missing``, ``format``, ``closer_to``,
    ``not_final``, ``dead``, ``modes_within_spread``.
    """
    if isinstance(small, Sequence) and not isinstance(small, (str, bytes)) and len(small) == 1:
        small = small[0]
    (small,) = _check_gan_runs([small], "small")
    runs = _check_gan_runs(runs)
    _ch5_bool(modes_within_spread, "modes_within_spread")
    checks = [t("exercises.ch5.checks.slope")]
    if not math.isclose(small.slope, SMALL_SLOPE):
        problem = Problem("settings", t("exercises.ch5.slope.settings", got=_show(small.slope), want=_show(SMALL_SLOPE)))
        return _feedback(t("exercises.your_answers"), [problem], checks)
    others = [r for r in runs if not math.isclose(r.slope, small.slope)]
    if not others:
        raise ValueError(t("exercises.ch5.slope.no_others", slope=_show(small.slope)))
    slopes = [float(r.slope) for r in others]
    if closer_to is not None and (_ch5_number(closer_to) is None or not any(math.isclose(float(closer_to), s) for s in slopes)):
        raise ValueError(t("exercises.ch5.choice", part="closer_to", choices=", ".join(map(_show, slopes)), got=repr(closer_to)))
    problems: list[Problem] = []
    final_small = np.asarray(small.dead_share, dtype=np.float64)[:, -1]
    means = {}
    shared = []
    for r in others:
        common = [s for s in small.seeds if s in r.seeds]
        if not common:
            raise ValueError(t("exercises.ch5.slope.no_common", slope=_show(r.slope), seeds=list(small.seeds), other=list(r.seeds)))
        shared = common
        pick_small = [list(small.seeds).index(s) for s in common]
        pick = [list(r.seeds).index(s) for s in common]
        means[float(r.slope)] = (float(final_small[pick_small].mean()), float(np.asarray(r.dead_share)[pick, -1].mean()))
    nearest = min(means, key=lambda s: abs(means[s][0] - means[s][1]))
    dead_value = _ch5_number(dead)
    dead_right = dead_value is not None and abs(dead_value - float(final_small.mean())) <= 0.005
    if closer_to is None:
        problems.append(Problem("missing", t("exercises.answers.missing", part="closer_to")))
    elif not math.isclose(float(closer_to), nearest):
        listing = ", ".join(t("exercises.ch5.slope.listing", slope=_show(s), dead=f"{m[1]:.3f}") for s, m in means.items())
        # slope 0.01's own dead share is the answer to `dead`: shown only once that part is right
        small_text = f"{means[nearest][0]:.3f}" if dead_right else t("exercises.ch5.slope.your_dead")
        text = t("exercises.ch5.slope.closer_to", got=_show(float(closer_to)), want=_show(nearest), seeds=shared,
                 small=small_text, others=listing)
        if nearest == min(slopes):
            text += " " + t("exercises.ch5.slope.why_relu")
        problems.append(Problem("closer_to", text))
    if dead is not None:
        value = _ch5_number(dead)
        want = float(final_small.mean())
        if value is None:
            problems.append(_format_problem("dead", dead))
        elif abs(value - want) > 0.005:
            over_time = float(np.asarray(small.dead_share, dtype=np.float64).mean())
            kind = "not_final" if abs(value - over_time) <= 0.005 else "dead"
            problems.append(Problem(kind, t(f"exercises.ch5.slope.{kind}", got=_show(round(value, 4)), want=f"{want:.3f}")))
    all_modes = np.concatenate([np.asarray(r.modes_covered, dtype=np.float64) for r in others])
    lo, hi, m = float(all_modes.min()), float(all_modes.max()), float(np.mean(small.modes_covered))
    within = lo <= m <= hi
    if modes_within_spread is None:
        problems.append(Problem("missing", t("exercises.answers.missing", part="modes_within_spread")))
    elif bool(modes_within_spread) != within:
        key = "exercises.ch5.slope.modes_in" if within else "exercises.ch5.slope.modes_out"
        problems.append(Problem("modes_within_spread", t(key, got=bool(modes_within_spread), m=f"{m:.2f}", lo=_show(lo),
                                                         hi=_show(hi))))
    return _feedback(t("exercises.your_answers"), problems, checks)


register(
    {
        "exercises.more.bias.shape_one": {
            "en": "one must be a single input, shape (1, features), got shape {shape}",
            "it": "one deve essere un solo ingresso, forma (1, feature), ricevuta la forma {shape}",
        },
        "exercises.more.bias.shape_many": {
            "en": "many must be several inputs, shape (n, features) with n ≥ 2, got shape {shape}",
            "it": "many deve contenere più ingressi, forma (n, feature) con n ≥ 2, ricevuta la forma {shape}",
        },
        "exercises.more.bias.choice": {
            "en": "{part} must be 'more', 'less' or 'same', got {got}",
            "it": "{part} deve essere 'more', 'less' o 'same', ricevuto {got}",
        },
        "exercises.more.checks.bias": {
            "en": "three comparisons of Monte Carlo estimates over {n} networks of width {width} and depth {depth}, run live",
            "it": "tre confronti fra stime Monte Carlo su {n} reti di ampiezza {width} e profondità {depth}, eseguite ora",
        },
        "exercises.more.bias.one_input": {
            "en": "one_input: you said '{got}', but at one input P(born dead) is {p} with bias_std = {std} and {p0} without bias ('{want}').",
            "it": "one_input: avete risposto '{got}', ma per un ingresso P(nata morta) è {p} con bias_std = {std} e {p0} senza bias ('{want}').",
        },
        "exercises.more.bias.small": {
            "en": "small: you said '{got}', but on the {n} inputs P(born dead) is {p} with bias_std = {std} and {p0} without bias ('{want}').",
            "it": "small: avete risposto '{got}', ma sui {n} ingressi P(nata morta) è {p} con bias_std = {std} e {p0} senza bias ('{want}').",
        },
        "exercises.more.bias.large": {
            "en": "large: you said '{got}', but on the {n} inputs P(born dead) is {p} with bias_std = {std} and {p0} with bias_std = {base} ('{want}').",
            "it": "large: avete risposto '{got}', ma sui {n} ingressi P(nata morta) è {p} con bias_std = {std} e {p0} con bias_std = {base} ('{want}').",
        },
        "exercises.more.bias.why_one_input_same": {
            "en": "The derivation uses only the symmetry of w·h + b about 0, and a symmetric random bias keeps it.",
            "it": "Il ragionamento usa solo la simmetria di w·h + b attorno a 0, e un bias casuale simmetrico la conserva.",
        },
        "exercises.more.bias.why_small_less": {
            "en": "Without biases an input whose layer is all zero stays zero in every later layer; with biases the next layer outputs max(0, b), rarely all zero, so that input comes back: the network dies only if every input is zero at the same layer.",
            "it": "Senza bias un ingresso il cui strato è tutto nullo resta nullo in ogni strato successivo; con i bias lo strato dopo dà max(0, b), raramente tutto nullo, quindi quell'ingresso torna in vita: la rete muore solo se ogni ingresso è nullo nello stesso strato.",
        },
        "exercises.more.bias.why_large_more": {
            "en": "Large biases swamp the weights' contribution: every input produces almost the same activations, and many inputs behave like one.",
            "it": "I bias grandi sommergono il contributo dei pesi: ogni ingresso produce quasi le stesse attivazioni, e molti ingressi si comportano come uno solo.",
        },
        # ----- shared
        "exercises.ch5.choice": {
            "en": "{part} must be one of {choices}, got {got}",
            "it": "{part} deve essere uno fra {choices}, ricevuto {got}",
        },
        "exercises.ch5.not_bool": {
            "en": "{part} must be True or False, got {got}",
            "it": "{part} deve essere True o False, ricevuto {got}",
        },
        # ----- ex-domains-distinct
        "exercises.ch5.checks.distinct": {
            "en": "{n} small arrays built to catch the usual slips and {extra} arrays of yours, against heterogeneity.distinct_fraction, input unchanged",
            "it": "{n} piccoli array costruiti per cogliere gli errori tipici e {extra} array vostri, confrontati con heterogeneity.distinct_fraction, ingresso intatto",
        },
        "exercises.ch5.distinct.data": {
            "en": "data[{i}] must be a 2-D array with at least one row (rows are inputs), got shape {shape}",
            "it": "data[{i}] deve essere un array 2-D con almeno una riga (le righe sono gli ingressi), ricevuta la forma {shape}",
        },
        "exercises.ch5.distinct.mutated": {
            "en": "on {x} it changed the array it was given (sorted it in place?); work on a copy.",
            "it": "su {x} ha modificato l'array ricevuto (l'ha ordinato sul posto?); lavorate su una copia.",
        },
        "exercises.ch5.distinct.type": {
            "en": "on {x} it returned a {got}, not a number; return the fraction as a float.",
            "it": "su {x} ha restituito un {got}, non un numero; restituite la frazione come float.",
        },
        "exercises.ch5.distinct.count": {
            "en": "on {x} it returned {got}, the number of distinct rows; divide by the number of rows ({n}) to get the fraction {want}.",
            "it": "su {x} ha restituito {got}, il numero di righe distinte; dividete per il numero di righe ({n}) per avere la frazione {want}.",
        },
        "exercises.ch5.distinct.floor": {
            "en": "on {x} it returned {got}, expected {want}: `//` rounds the fraction down to a whole number; use `/`.",
            "it": "su {x} ha restituito {got} invece di {want}: `//` arrotonda la frazione per difetto a un intero; usate `/`.",
        },
        "exercises.ch5.distinct.values": {
            "en": "on {x} it returned {got}, expected {want}: you counted distinct *numbers*; an input is a whole row, so compare rows (as tuples).",
            "it": "su {x} ha restituito {got} invece di {want}: avete contato i *numeri* distinti; un ingresso è una riga intera, quindi confrontate le righe (come tuple).",
        },
        "exercises.ch5.distinct.size": {
            "en": "on {x} it returned {got}, expected {want}: you divided by the number of entries ({size}); divide by the number of rows ({n}).",
            "it": "su {x} ha restituito {got} invece di {want}: avete diviso per il numero di elementi ({size}); dividete per il numero di righe ({n}).",
        },
        "exercises.ch5.distinct.order": {
            "en": "on {x} it returned {got}, expected {want}: rows with the same numbers in another order, like (1, 2) and (2, 1), are different inputs; keep the order (a tuple, not a set or a sorted row).",
            "it": "su {x} ha restituito {got} invece di {want}: righe con gli stessi numeri in un altro ordine, come (1, 2) e (2, 1), sono ingressi diversi; conservate l'ordine (una tupla, non un insieme né una riga ordinata).",
        },
        "exercises.ch5.distinct.columns": {
            "en": "on {x} it returned {got}, expected {want}: you compared the columns; the inputs are the rows.",
            "it": "su {x} ha restituito {got} invece di {want}: avete confrontato le colonne; gli ingressi sono le righe.",
        },
        "exercises.ch5.distinct.complement": {
            "en": "on {x} it returned {got}, expected {want}: that is the share of repeated rows, one minus the distinct fraction.",
            "it": "su {x} ha restituito {got} invece di {want}: è la quota di righe ripetute, uno meno la frazione di distinte.",
        },
        "exercises.ch5.distinct.value": {
            "en": "on {x} it returned {got}, expected {want} (distinct rows divided by the number of rows).",
            "it": "su {x} ha restituito {got} invece di {want} (righe distinte diviso numero di righe).",
        },
        # ----- ex-domains-quantize
        "exercises.ch5.checks.quantize": {
            "en": "the protocol run now on both versions at learning rate 1 over {n} seeds, a change counted beyond two standard errors",
            "it": "il protocollo eseguito ora sulle due versioni con learning rate 1 su {n} seed, un cambiamento contato oltre due errori standard",
        },
        "exercises.ch5.quantize.patches": {
            "en": "patches must be the integer 5×5 photo patches (shape (n, 25), values 0–255), got shape {shape} and dtype {dtype}",
            "it": "patches devono essere le patch di foto 5×5 intere (forma (n, 25), valori 0–255), ricevuti forma {shape} e dtype {dtype}",
        },
        "exercises.ch5.quantize.prediction": {
            "en": "prediction: you said '{got}', the measurement says '{want}'. Share of dead units at learning rate 1, mean over the seeds: {fine} with the photo patches, {coarse} quantized; paired difference {diff} ± {se} (standard error), and a change counts only beyond twice its standard error. λmax of the inputs: {lam_fine} → {lam_coarse}.",
            "it": "prediction: avete risposto '{got}', la misura dice '{want}'. Quota di unità morte con learning rate 1, media sui seed: {fine} con le patch di foto, {coarse} quantizzate; differenza appaiata {diff} ± {se} (errore standard), e un cambiamento conta solo oltre due errori standard. λmax degli ingressi: {lam_fine} → {lam_coarse}.",
        },
        "exercises.ch5.quantize.why_same": {
            "en": "Quantizing removes distinct patches, not the correlation of neighbouring pixels: λmax, what the learning rate is compared with, hardly moves.",
            "it": "Quantizzare toglie patch distinte, non la correlazione fra pixel vicini: λmax, con cui si confronta il learning rate, quasi non si muove.",
        },
        "exercises.ch5.quantize.distinct_format": {
            "en": "distinct must be a pair of numbers (before, after), got {got}.",
            "it": "distinct deve essere una coppia di numeri (prima, dopo), ricevuto {got}.",
        },
        "exercises.ch5.quantize.not_quantized": {
            "en": "distinct: your 'after' value {got} is the one before quantizing (the inputs have {want}): did you measure the quantized task, with `patches // 16` (integer division)?",
            "it": "distinct: il vostro valore 'dopo' {got} è quello prima della quantizzazione (gli ingressi hanno {want}): avete misurato il task quantizzato, con `patches // 16` (divisione intera)?",
        },
        "exercises.ch5.quantize.distinct": {
            "en": "distinct: you answered {got}, the inputs of the two tasks (training and test sets together) have {want}.",
            "it": "distinct: avete risposto {got}, gli ingressi dei due task (training e test insieme) hanno {want}.",
        },
        # ----- ex-domains-threshold
        "exercises.ch5.checks.threshold": {
            "en": "the grid of the sweep, the two thresholds read from it, the ratio of the λmax and the order",
            "it": "la griglia dello sweep, le due soglie lette da esso, il rapporto fra i λmax e l'ordine",
        },
        "exercises.ch5.threshold.not_sweep": {
            "en": "sweep must be the list of runs returned by domains.protocol, got {got}",
            "it": "sweep deve essere la lista di run restituita da domains.protocol, ricevuto {got}",
        },
        "exercises.ch5.threshold.not_task": {
            "en": "{part} must be a task of domains (image_task or text_task), got {got}",
            "it": "{part} deve essere un task di domains (image_task o text_task), ricevuto {got}",
        },
        "exercises.ch5.threshold.grid": {
            "en": "the sweep of '{name}' has learning rates {lrs} and seeds {seeds}; the exercise asks for every learning rate of {want_lrs} with seeds [0, 1, 2], once each. Run domains.protocol on these two tasks.",
            "it": "lo sweep di '{name}' ha learning rate {lrs} e seed {seeds}; l'esercizio chiede ogni learning rate di {want_lrs} con i seed [0, 1, 2], una volta ciascuno. Eseguite domains.protocol su questi due task.",
        },
        "exercises.ch5.threshold.format": {
            "en": "{part}: {got} is not a learning rate of the grid {lrs}; write math.inf if no learning rate of the grid kills more than 10 % of the units.",
            "it": "{part}: {got} non è un learning rate della griglia {lrs}; scrivete math.inf se nessun learning rate della griglia uccide più del 10 % delle unità.",
        },
        "exercises.ch5.threshold.swapped": {
            "en": "photo and prose are swapped: each holds the other domain's threshold.",
            "it": "photo e prose sono scambiati: ciascuno contiene la soglia dell'altro dominio.",
        },
        "exercises.ch5.threshold.seeds_max": {
            "en": "{part}: you answered {got}, the threshold is {want}: at {got} only some seed passes 10 %; average the share over the seeds first. Mean share of dead units per learning rate, {curve}.",
            "it": "{part}: avete risposto {got}, la soglia è {want}: a {got} supera il 10 % solo qualche seed; fate prima la media sui seed. Quota media di unità morte per learning rate, {curve}.",
        },
        "exercises.ch5.threshold.nan": {
            "en": "{part}: you answered {got}, the threshold is {want}: a diverged run has no share of dead units (nan) and a plain mean turns it into nan; leave it out (np.nanmean). Mean share per learning rate, {curve}.",
            "it": "{part}: avete risposto {got}, la soglia è {want}: un run divergente non ha quota di unità morte (nan) e una media semplice diventa nan; escludetelo (np.nanmean). Quota media per learning rate, {curve}.",
        },
        "exercises.ch5.threshold.below": {
            "en": "{part}: you answered {got}, the threshold is {want}: {got} is the last learning rate that stays at or below 10 %; the question asks for the first one above it. Mean share per learning rate, {curve}.",
            "it": "{part}: avete risposto {got}, la soglia è {want}: {got} è l'ultimo learning rate che resta al 10 % o sotto; la domanda chiede il primo sopra. Quota media per learning rate, {curve}.",
        },
        "exercises.ch5.threshold.value": {
            "en": "{part}: you answered {got}, the threshold is {want}. Mean share of dead units over the seeds per learning rate, {curve}.",
            "it": "{part}: avete risposto {got}, la soglia è {want}. Quota media di unità morte sui seed per learning rate, {curve}.",
        },
        "exercises.ch5.threshold.inverted": {
            "en": "lambda_ratio: you answered {got}, the ratio is {want}: you divided the prose's λmax by the photos'; the exercise asks for photos over prose ({photo} / {prose}).",
            "it": "lambda_ratio: avete risposto {got}, il rapporto è {want}: avete diviso il λmax della prosa per quello delle foto; l'esercizio chiede foto su prosa ({photo} / {prose}).",
        },
        "exercises.ch5.threshold.erank": {
            "en": "lambda_ratio: you answered {got}, the ratio is {want}: that is a ratio of effective ranks; λmax is the largest eigenvalue of the covariance, np.linalg.eigvalsh(np.cov(x_train, rowvar=False))[-1] ({photo} and {prose}).",
            "it": "lambda_ratio: avete risposto {got}, il rapporto è {want}: è un rapporto fra ranghi effettivi; λmax è il più grande autovalore della covarianza, np.linalg.eigvalsh(np.cov(x_train, rowvar=False))[-1] ({photo} e {prose}).",
        },
        "exercises.ch5.threshold.smallest": {
            "en": "lambda_ratio: you answered {got}, the ratio is {want}: you took the smallest eigenvalues; np.linalg.eigvalsh sorts them in increasing order, so λmax is the last one ([-1]).",
            "it": "lambda_ratio: avete risposto {got}, il rapporto è {want}: avete preso gli autovalori più piccoli; np.linalg.eigvalsh li ordina in modo crescente, quindi λmax è l'ultimo ([-1]).",
        },
        "exercises.ch5.threshold.lambda_ratio": {
            "en": "lambda_ratio: you answered {got}, the ratio is {want} (λmax {photo} for the photo patches, {prose} for the prose, on the training inputs).",
            "it": "lambda_ratio: avete risposto {got}, il rapporto è {want} (λmax {photo} per le patch di foto, {prose} per la prosa, sugli ingressi di addestramento).",
        },
        "exercises.ch5.threshold.order_yes": {
            "en": "same_order: you answered {got}, but the larger λmax ({bigger}: {lam_b} against {lam_o}) goes with the smaller threshold ({t_b} against {t_o}), as the geometric argument predicts.",
            "it": "same_order: avete risposto {got}, ma il λmax più grande ({bigger}: {lam_b} contro {lam_o}) va con la soglia più piccola ({t_b} contro {t_o}), come prevede l'argomento geometrico.",
        },
        "exercises.ch5.threshold.order_no": {
            "en": "same_order: you answered {got}, but the larger λmax ({bigger}: {lam_b} against {lam_o}) does not go with a smaller threshold ({t_b} against {t_o} for {other}).",
            "it": "same_order: avete risposto {got}, ma il λmax più grande ({bigger}: {lam_b} contro {lam_o}) non va con una soglia più piccola ({t_b} contro {t_o} per {other}).",
        },
        # ----- ex-transformers-reglu
        "exercises.ch5.checks.reglu": {
            "en": "layers, hidden width and number of weights against the book's SwiGLU, hidden(x) and forward(x) on 1,000 random inputs, share of exact zeros, the unit a sparse kernel can use",
            "it": "strati, ampiezza nascosta e numero di pesi confrontati con la SwiGLU del libro, hidden(x) e forward(x) su 1.000 ingressi casuali, quota di zeri esatti, l'unità che un kernel sparso può sfruttare",
        },
        "exercises.ch5.reglu.not_module": {
            "en": "pass an instance of your module (e.g. ReGLU(32, h)), a torch.nn.Module, got {got}",
            "it": "passate un'istanza del vostro modulo (per esempio ReGLU(32, h)), un torch.nn.Module, ricevuto {got}",
        },
        "exercises.ch5.reglu.layers": {
            "en": "missing {missing}: give the module the layers of transformer.FeedForward, `gate` (nn.Linear without bias), `up` and `down` (nn.Linear), and a method `hidden(x)` that returns the gated hidden values.",
            "it": "manca {missing}: date al modulo gli strati di transformer.FeedForward, `gate` (nn.Linear senza bias), `up` e `down` (nn.Linear), e un metodo `hidden(x)` che restituisca i valori nascosti dopo il gate.",
        },
        "exercises.ch5.reglu.shapes": {
            "en": "the layers do not fit together: gate maps {d} → {g}, up {u}, down {w}; up must map d → hidden like gate, and down hidden → d.",
            "it": "gli strati non combaciano: gate va da {d} a {g}, up {u}, down {w}; up deve andare da d all'ampiezza nascosta come gate, e down dall'ampiezza nascosta a d.",
        },
        "exercises.ch5.reglu.width_relu": {
            "en": "hidden width {got} is the ReLU FFN's 4·d; a gated unit has three matrices instead of two, so the book gives it transformer.ffn_width(\"swiglu\", {d}) = {want}, two thirds of it, to keep the number of weights.",
            "it": "l'ampiezza nascosta {got} è il 4·d della FFN con ReLU; un'unità a gate ha tre matrici invece di due, quindi il libro le dà transformer.ffn_width(\"swiglu\", {d}) = {want}, due terzi, per mantenere il numero di pesi.",
        },
        "exercises.ch5.reglu.width": {
            "en": "hidden width {got}, expected transformer.ffn_width(\"swiglu\", {d}) = {want}.",
            "it": "ampiezza nascosta {got}, attesa transformer.ffn_width(\"swiglu\", {d}) = {want}.",
        },
        "exercises.ch5.reglu.gate_bias": {
            "en": "{got} weights, the book's SwiGLU has {want}: your gate has a bias ({h} numbers more); the SwiGLU gate has none (bias=False).",
            "it": "{got} pesi, la SwiGLU del libro ne ha {want}: il vostro gate ha un bias ({h} numeri in più); il gate della SwiGLU non ne ha (bias=False).",
        },
        "exercises.ch5.reglu.params": {
            "en": "{got} weights, the book's SwiGLU has {want}: compare your layers and biases with transformer.FeedForward(d, h, \"swiglu\").",
            "it": "{got} pesi, la SwiGLU del libro ne ha {want}: confrontate i vostri strati e bias con transformer.FeedForward(d, h, \"swiglu\").",
        },
        "exercises.ch5.reglu.raised": {
            "en": "on a batch of 1,000 random inputs it raised {exc}: {msg}",
            "it": "su un batch di 1.000 ingressi casuali ha sollevato {exc}: {msg}",
        },
        "exercises.ch5.reglu.smooth_gate": {
            "en": "hidden(x) is {act}(gate(x)) * up(x), which is {unit}; ReGLU's gate is a ReLU, max(0, gate(x)), which is what makes exact zeros.",
            "it": "hidden(x) è {act}(gate(x)) * up(x), cioè la {unit}; il gate della ReGLU è una ReLU, max(0, gate(x)), ed è questo a produrre zeri esatti.",
        },
        "exercises.ch5.reglu.relu_of_product": {
            "en": "hidden(x) is max(0, gate(x) * up(x)): the ReLU must act on the gate alone, then multiply up(x), which keeps its sign.",
            "it": "hidden(x) è max(0, gate(x) * up(x)): la ReLU deve agire sul solo gate, poi moltiplicare up(x), che conserva il suo segno.",
        },
        "exercises.ch5.reglu.swapped": {
            "en": "hidden(x) is max(0, up(x)) * gate(x): the ReLU is on the wrong branch; it belongs on `gate`, the layer without bias.",
            "it": "hidden(x) è max(0, up(x)) * gate(x): la ReLU è sul ramo sbagliato; va su `gate`, lo strato senza bias.",
        },
        "exercises.ch5.reglu.not_gated": {
            "en": "hidden(x) is a ReLU of one branch only: multiply max(0, gate(x)) by up(x), element by element.",
            "it": "hidden(x) è la ReLU di un solo ramo: moltiplicate max(0, gate(x)) per up(x), elemento per elemento.",
        },
        "exercises.ch5.reglu.hidden": {
            "en": "hidden(x) (shape {shape}) is not max(0, gate(x)) * up(x) (shape {want}).",
            "it": "hidden(x) (forma {shape}) non è max(0, gate(x)) * up(x) (forma {want}).",
        },
        "exercises.ch5.reglu.forward": {
            "en": "forward(x) (shape {shape}) is not down(hidden(x)) (shape {want}).",
            "it": "forward(x) (forma {shape}) non è down(hidden(x)) (forma {want}).",
        },
        "exercises.ch5.reglu.zeros": {
            "en": "zeros: you measured {got}, but on 1,000 random inputs {want} of the hidden values are exactly zero, (hidden(x) == 0).float().mean(): the ReLU gate is off for about half of them.",
            "it": "zeros: avete misurato {got}, ma su 1.000 ingressi casuali {want} dei valori nascosti sono esattamente zero, (hidden(x) == 0).float().mean(): il gate ReLU è spento per circa metà di essi.",
        },
        "exercises.ch5.reglu.sparse": {
            "en": "sparse: a sparse kernel skips exact zeros; on the same inputs ReGLU's hidden values are {reglu} zeros, SwiGLU's {swiglu}: SiLU(g) is 0 only at g = 0 exactly, so only ReGLU offers zeros to skip.",
            "it": "sparse: un kernel sparso salta gli zeri esatti; sugli stessi ingressi i valori nascosti della ReGLU sono zeri per {reglu}, quelli della SwiGLU per {swiglu}: SiLU(g) vale 0 solo in g = 0 esatto, quindi solo la ReGLU offre zeri da saltare.",
        },
        # ----- ex-transformers-prune
        "exercises.ch5.checks.prune": {
            "en": "the dead units of the second block on the validation tokens, and the validation loss with them and with as many live units pruned",
            "it": "le unità morte del secondo blocco sui token di validazione, e la loss di validazione potando loro e altrettante unità vive",
        },
        "exercises.ch5.prune.not_model": {
            "en": "model must be a transformer.TinyLM (e.g. run.model), got {got}",
            "it": "model deve essere un transformer.TinyLM (per esempio run.model), ricevuto {got}",
        },
        "exercises.ch5.prune.blocks": {
            "en": "the model has {n} block(s); the exercise prunes the second block",
            "it": "il modello ha {n} blocco/i; l'esercizio pota il secondo blocco",
        },
        "exercises.ch5.prune.not_relu": {
            "en": "this is a '{kind}' model: take a ReLU run (r.kind == \"relu\"); only ReLU units output exact zeros.",
            "it": "questo è un modello '{kind}': prendete un run ReLU (r.kind == \"relu\"); solo le unità ReLU danno zeri esatti.",
        },
        "exercises.ch5.prune.none_dead": {
            "en": "this model has no dead unit in the second block: take the ReLU run with the most of them, max(..., key=lambda r: r.ffn[1].dead).",
            "it": "questo modello non ha unità morte nel secondo blocco: prendete il run ReLU che ne ha di più, max(..., key=lambda r: r.ffn[1].dead).",
        },
        "exercises.ch5.prune.format": {
            "en": "dead must list unit indices (distinct integers from 0 to {n} - 1) or be a boolean mask of {n} values, got {got}.",
            "it": "dead deve elencare indici di unità (interi distinti da 0 a {n} - 1) o essere una maschera booleana di {n} valori, ricevuto {got}.",
        },
        "exercises.ch5.prune.inverted": {
            "en": "dead: you found {got} units, the dead ones are {want} ({units}): you took the units that fire.",
            "it": "dead: avete trovato {got} unità, quelle morte sono {want} ({units}): avete preso le unità che si accendono.",
        },
        "exercises.ch5.prune.block": {
            "en": "dead: you found {got} units, the dead ones are {want} ({units}): these are the first block's; the exercise asks for the second, blocks.1.ffn.act.",
            "it": "dead: avete trovato {got} unità, quelle morte sono {want} ({units}): queste sono del primo blocco; l'esercizio chiede il secondo, blocks.1.ffn.act.",
        },
        "exercises.ch5.prune.any": {
            "en": "dead: you found {got} units, the dead ones are {want} ({units}): you took the units off on *some* token; a dead unit is off on *every* token.",
            "it": "dead: avete trovato {got} unità, quelle morte sono {want} ({units}): avete preso le unità spente su *qualche* token; un'unità morta è spenta su *ogni* token.",
        },
        "exercises.ch5.prune.dead": {
            "en": "dead: you found {got} units, the dead ones on the validation tokens (transformer.validation_batch) are {want}: {units}.",
            "it": "dead: avete trovato {got} unità, quelle morte sui token di validazione (transformer.validation_batch) sono {want}: {units}.",
        },
        "exercises.ch5.prune.dead_changes_no": {
            "en": "dead_changes: you predicted {got}, but pruning the {k} dead units leaves the validation loss exactly at {base}: their hidden value is 0 on every validation token, so their columns of down.weight only ever multiply 0.",
            "it": "dead_changes: avete previsto {got}, ma potare le {k} unità morte lascia la loss di validazione esattamente a {base}: il loro valore nascosto è 0 su ogni token di validazione, quindi le loro colonne di down.weight moltiplicano sempre 0.",
        },
        "exercises.ch5.prune.dead_changes_yes": {
            "en": "dead_changes: you predicted {got}, but pruning the {k} dead units moves the validation loss from {base} to {after}.",
            "it": "dead_changes: avete previsto {got}, ma potare le {k} unità morte sposta la loss di validazione da {base} a {after}.",
        },
        "exercises.ch5.prune.live_changes_yes": {
            "en": "live_changes: you predicted {got}, but pruning {k} live units (drawn with seed 0) moves the validation loss from {base} to {after}: a live unit contributes on the tokens where it fires.",
            "it": "live_changes: avete previsto {got}, ma potare {k} unità vive (estratte con seed 0) sposta la loss di validazione da {base} a {after}: un'unità viva contribuisce sui token dove si accende.",
        },
        "exercises.ch5.prune.live_changes_no": {
            "en": "live_changes: you predicted {got}, but pruning {k} live units (drawn with seed 0) leaves the validation loss at {base}.",
            "it": "live_changes: avete previsto {got}, ma potare {k} unità vive (estratte con seed 0) lascia la loss di validazione a {base}.",
        },
        # ----- ex-transformers-steps
        "exercises.ch5.checks.steps": {
            "en": "dead units of the second block at learning rates 0.02 and 0.01, seed 0, within 2 units counted as the same",
            "it": "unità morte del secondo blocco con learning rate 0,02 e 0,01, seed 0, entro 2 unità contate come uguali",
        },
        "exercises.ch5.steps.not_runs": {
            "en": "{part} must be a list of runs returned by transformer.compare_ffn, got {got}",
            "it": "{part} deve essere una lista di run restituita da transformer.compare_ffn, ricevuto {got}",
        },
        "exercises.ch5.steps.settings": {
            "en": "{part} has no {kind} run with seed 0 and learning rate {lr}: train it with transformer.compare_ffn(..., kinds=[\"relu\", \"swiglu\"], seeds=[0], lr=...).",
            "it": "{part} non ha un run {kind} con seed 0 e learning rate {lr}: addestratelo con transformer.compare_ffn(..., kinds=[\"relu\", \"swiglu\"], seeds=[0], lr=...).",
        },
        "exercises.ch5.steps.wrong": {
            "en": "{part}: you predicted '{got}', the measurement says '{want}': {new} of {hidden} units of the second block are dead at learning rate 0.02, {old} at 0.01 (seed 0).",
            "it": "{part}: avete previsto '{got}', la misura dice '{want}': {new} unità su {hidden} del secondo blocco sono morte con learning rate 0,02, {old} con 0,01 (seed 0).",
        },
        "exercises.ch5.steps.why_relu": {
            "en": "A larger step can push a unit's pre-activation below zero on every token; a dead ReLU unit then gets no gradient and cannot come back.",
            "it": "Un passo più grande può spingere la pre-attivazione di un'unità sotto zero su ogni token; un'unità ReLU morta non riceve più gradiente e non può tornare.",
        },
        "exercises.ch5.steps.why_swiglu": {
            "en": "A SwiGLU unit's gate SiLU(g) still has a gradient for g < 0, and its up branch keeps learning: units rarely stay off for good.",
            "it": "Il gate SiLU(g) di un'unità SwiGLU ha ancora gradiente per g < 0, e il suo ramo up continua a imparare: le unità restano spente per sempre di rado.",
        },
        # ----- ex-gans-coverage
        "exercises.ch5.gan.not_runs": {
            "en": "pass the list of runs returned by gan.train_gan, got {got}",
            "it": "passate la lista di run restituita da gan.train_gan, ricevuto {got}",
        },
        "exercises.ch5.checks.modes": {
            "en": "{n} sets of 1,000 points built to catch the usual slips, points unchanged",
            "it": "{n} insiemi di 1.000 punti costruiti per cogliere gli errori tipici, punti intatti",
        },
        "exercises.ch5.checks.modes_runs": {
            "en": "the final samples of {n} runs against their recorded modes_covered",
            "it": "i campioni finali di {n} run confrontati con il loro modes_covered registrato",
        },
        "exercises.ch5.modes.case_all": {
            "en": "125 points at 0.05 from each of the 8 centres",
            "it": "125 punti a 0,05 da ciascuno degli 8 centri",
        },
        "exercises.ch5.modes.case_two": {
            "en": "{a} points at 0.05 from centre 0 and {b} at 0.05 from centre 3",
            "it": "{a} punti a 0,05 dal centro 0 e {b} a 0,05 dal centro 3",
        },
        "exercises.ch5.modes.case_ring": {
            "en": "500 points at 0.25 from centre 1 and 500 at 0.12 from centre 5",
            "it": "500 punti a 0,25 dal centro 1 e 500 a 0,12 dal centro 5",
        },
        "exercises.ch5.modes.case_far": {
            "en": "600 points at 0.05 from centre 2 and 400 at 0.5 from centre 6",
            "it": "600 punti a 0,05 dal centro 2 e 400 a 0,5 dal centro 6",
        },
        "exercises.ch5.modes.case_centre": {
            "en": "1,000 points around the origin, 2 away from every centre",
            "it": "1.000 punti intorno all'origine, a 2 da ogni centro",
        },
        "exercises.ch5.modes.where_run": {
            "en": "the samples of slope {slope}, seed {seed}",
            "it": "i campioni della pendenza {slope}, seed {seed}",
        },
        "exercises.ch5.modes.raised": {
            "en": "on {where} it raised {exc}: {msg}",
            "it": "su {where} ha sollevato {exc}: {msg}",
        },
        "exercises.ch5.modes.mutated": {
            "en": "on {where} it changed the points it was given; work on a copy.",
            "it": "su {where} ha modificato i punti ricevuti; lavorate su una copia.",
        },
        "exercises.ch5.modes.pair": {
            "en": "on {where} it returned {got}, a pair: gan.mode_coverage returns (modes, quality); your function must return the number of modes only.",
            "it": "su {where} ha restituito {got}, una coppia: gan.mode_coverage restituisce (mode, qualità); la vostra funzione deve restituire solo il numero di mode.",
        },
        "exercises.ch5.modes.type": {
            "en": "on {where} it returned {got}; return the number of modes covered, a whole number.",
            "it": "su {where} ha restituito {got}; restituite il numero di mode coperte, un intero.",
        },
        "exercises.ch5.modes.radius_std": {
            "en": "on {where} it returned {got}, expected {want}: you kept the points within one standard deviation (0.1) of a centre; the measure keeps those within 3 standard deviations, 0.3.",
            "it": "su {where} ha restituito {got} invece di {want}: avete tenuto i punti entro una deviazione standard (0,1) da un centro; la misura tiene quelli entro 3 deviazioni standard, 0,3.",
        },
        "exercises.ch5.modes.radius_default": {
            "en": "on {where} it returned {got}, expected {want}: you kept the points within 0.15 of a centre, 3 × 0.05, the default std of gan.mode_coverage; the chapter's GAN has std = 0.1, so the radius is 0.3.",
            "it": "su {where} ha restituito {got} invece di {want}: avete tenuto i punti entro 0,15 da un centro, 3 × 0,05, lo std predefinito di gan.mode_coverage; la GAN del capitolo ha std = 0,1, quindi il raggio è 0,3.",
        },
        "exercises.ch5.modes.strict": {
            "en": "on {where} it returned {got}, expected {want}: a mode with exactly 10 points counts ('at least 10': >= 10, not > 10).",
            "it": "su {where} ha restituito {got} invece di {want}: una moda con esattamente 10 punti conta ('almeno 10': >= 10, non > 10).",
        },
        "exercises.ch5.modes.any_point": {
            "en": "on {where} it returned {got}, expected {want}: a mode needs at least 10 points, not one.",
            "it": "su {where} ha restituito {got} invece di {want}: una moda ha bisogno di almeno 10 punti, non di uno.",
        },
        "exercises.ch5.modes.no_filter": {
            "en": "on {where} it returned {got}, expected {want}: you gave every point to its nearest centre, however far; keep only the points within 0.3 of it.",
            "it": "su {where} ha restituito {got} invece di {want}: avete assegnato ogni punto al centro più vicino, per quanto lontano; tenete solo i punti entro 0,3 da esso.",
        },
        "exercises.ch5.modes.value": {
            "en": "on {where} it returned {got}, expected {want}.",
            "it": "su {where} ha restituito {got} invece di {want}.",
        },
        "exercises.ch5.modes.runs": {
            "en": "on {where} you counted {got} modes, the run recorded {want}.",
            "it": "su {where} avete contato {got} mode, il run ne ha registrate {want}.",
        },
        # ----- ex-gans-correlation
        "exercises.ch5.checks.corr": {
            "en": "correlations recomputed from the {n} runs, and the sign against the 5 % critical value",
            "it": "correlazioni ricalcolate dai {n} run, e il segno confrontato con il valore critico al 5 %",
        },
        "exercises.ch5.corr.not_mapping": {
            "en": "correlations must be a dictionary: slope (e.g. 0.0, 0.2) or \"all\" -> correlation",
            "it": "correlations deve essere un dizionario: pendenza (per esempio 0.0, 0.2) o \"all\" -> correlazione",
        },
        "exercises.ch5.corr.not_final": {
            "en": "{part}: you answered {got}, the correlation is {want}: you averaged the dead share over the whole training; use the final one, dead_share[:, -1].",
            "it": "{part}: avete risposto {got}, la correlazione è {want}: avete fatto la media della quota di morte su tutto l'addestramento; usate quella finale, dead_share[:, -1].",
        },
        "exercises.ch5.corr.quality": {
            "en": "{part}: you answered {got}, the correlation is {want}: you used quality (points on a mode); the exercise asks for modes_covered.",
            "it": "{part}: avete risposto {got}, la correlazione è {want}: avete usato quality (punti su una moda); l'esercizio chiede modes_covered.",
        },
        "exercises.ch5.corr.sign": {
            "en": "{part}: you answered {got}, the correlation is {want}: the sign is flipped.",
            "it": "{part}: avete risposto {got}, la correlazione è {want}: il segno è invertito.",
        },
        "exercises.ch5.corr.constant": {
            "en": "{part}: you answered {got}, but one of the two quantities is the same for every seed, so the correlation is undefined: nan.",
            "it": "{part}: avete risposto {got}, ma una delle due grandezze è uguale per ogni seed, quindi la correlazione non è definita: nan.",
        },
        "exercises.ch5.corr.value": {
            "en": "{part}: you answered {got}, the correlation is {want} (Pearson, final dead share against modes covered).",
            "it": "{part}: avete risposto {got}, la correlazione è {want} (Pearson, quota finale di morte contro mode coperte).",
        },
        "exercises.ch5.corr.prediction": {
            "en": "prediction: you said '{got}', the answer is '{want}': over all {n} runs r = {r}, and to differ from 0 at the 5 % level a correlation of {n} points must exceed {critical} in size (Fisher's z: tanh(1.96/√(n − 3))).",
            "it": "prediction: avete risposto '{got}', la risposta è '{want}': sull'insieme dei {n} run r = {r}, e per differire da 0 al livello del 5 % una correlazione su {n} punti deve superare {critical} in valore assoluto (z di Fisher: tanh(1,96/√(n − 3))).",
        },
        "exercises.ch5.corr.why_none": {
            "en": "An association this weak can change sign from one set of seeds to the next.",
            "it": "Un'associazione così debole può cambiare segno da un insieme di seed all'altro.",
        },
        # ----- ex-gans-slope
        "exercises.ch5.checks.slope": {
            "en": "final dead shares over the shared seeds, and modes covered against the range of the other slopes",
            "it": "quote finali di unità morte sui seed in comune, e mode coperte confrontate con l'intervallo delle altre pendenze",
        },
        "exercises.ch5.slope.no_others": {
            "en": "runs holds no slope other than {slope}: pass the chapter's runs (slopes 0.0 and 0.2)",
            "it": "runs non contiene pendenze diverse da {slope}: passate i run del capitolo (pendenze 0.0 e 0.2)",
        },
        "exercises.ch5.slope.no_common": {
            "en": "the run of slope {slope} has seeds {other}, none of the seeds {seeds} of slope 0.01",
            "it": "il run di pendenza {slope} ha i seed {other}, nessuno dei seed {seeds} della pendenza 0,01",
        },
        "exercises.ch5.slope.settings": {
            "en": "this run has slope {got}; the exercise asks for a discriminator of slope {want}: gan.train_gan([0.01], seeds=[0, 1, 2, 3], **setup).",
            "it": "questo run ha pendenza {got}; l'esercizio chiede un discriminatore di pendenza {want}: gan.train_gan([0.01], seeds=[0, 1, 2, 3], **setup).",
        },
        "exercises.ch5.slope.listing": {
            "en": "{dead} with slope {slope}",
            "it": "{dead} con pendenza {slope}",
        },
        "exercises.ch5.slope.closer_to": {
            "en": "closer_to: you said {got}, the answer is {want}: over seeds {seeds} the slope-0.01 discriminator ends with {small} of its units dead, against {others}.",
            "it": "closer_to: avete risposto {got}, la risposta è {want}: sui seed {seeds} il discriminatore con pendenza 0,01 finisce con {small} delle sue unità morte, contro {others}.",
        },
        "exercises.ch5.slope.why_relu": {
            "en": "A small leak does not keep pre-activations positive: the units go negative as with ReLU, they only keep a hundredth of the gradient.",
            "it": "Una piccola perdita non tiene positive le pre-attivazioni: le unità vanno in negativo come con la ReLU, conservano solo un centesimo del gradiente.",
        },
        "exercises.ch5.slope.not_final": {
            "en": "dead: you answered {got}, the mean final share is {want}: you averaged over every checkpoint; take the last one, dead_share[:, -1].",
            "it": "dead: avete risposto {got}, la quota finale media è {want}: avete fatto la media su tutti i punti di controllo; prendete l'ultimo, dead_share[:, -1].",
        },
        "exercises.ch5.slope.dead": {
            "en": "dead: you answered {got}, the mean final share of dead units of slope 0.01 over its seeds is {want}.",
            "it": "dead: avete risposto {got}, la quota finale media di unità morte della pendenza 0,01 sui suoi seed è {want}.",
        },
        "exercises.ch5.slope.modes_in": {
            "en": "modes_within_spread: you answered {got}, but slope 0.01 covers {m} modes on average, within the range {lo}–{hi} of the other runs' seeds.",
            "it": "modes_within_spread: avete risposto {got}, ma la pendenza 0,01 copre in media {m} mode, dentro l'intervallo {lo}–{hi} dei seed degli altri run.",
        },
        "exercises.ch5.slope.modes_out": {
            "en": "modes_within_spread: you answered {got}, but slope 0.01 covers {m} modes on average, outside the range {lo}–{hi} of the other runs' seeds.",
            "it": "modes_within_spread: avete risposto {got}, ma la pendenza 0,01 copre in media {m} mode, fuori dall'intervallo {lo}–{hi} dei seed degli altri run.",
        },
    }
)


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
    from ._checks import check_int_in

    layers = check_int_in(layers, "layers", 1, 10_000)
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
            raw = _call(fn, diff.copy())
        except Exception as exc:
            problems.append(Problem("raised", t("exercises.sign.raised", diff=_show_array(diff), exc=type(exc).__name__, msg=str(exc)[:160])))
            break
        got = _ch5_number(raw, finite=False)
        if got is None:
            problems.append(Problem("type", t("exercises.sign.type", diff=_show_array(diff), got=_brief(raw))))
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
            raise ValueError(t("exercises.widths.no_result", variant=key))
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


#: Exercise ex-variants-compared-2: the fixed negative slope to train, and how close a prediction must come (points).
FIXED_SLOPE: float = 0.25
FIXED_SLOPE_TOLERANCE: float = 5.0
#: Answers of the ``matters`` part of :func:`check_fixed_slope`.
FIXED_SLOPE_CHOICES: tuple[str, ...] = ("size", "learning")


def check_fixed_slope(res: object, deep: object, data: object, *, prediction: float | None = None,
                      matters: str | None = None) -> Feedback:
    """Exercise ex-variants-compared-2: Leaky ReLU with a fixed slope 0.25 in the comparison's network.

    ``res`` is your :class:`relulab.variants.TrainResult`; the checker trains the
    same setting live (the network, seeds, epochs, learning rate and batch size
    of ``deep``, ``init="gain"``, on ``data``) and compares the accuracies
    seed by seed. ``prediction`` is the mean test accuracy you predicted, in
    percent; it passes within 5 points of the measured mean. ``matters`` is
    ``"size"`` if the fixed slope lands closer to PReLU (learned slopes starting
    at 0.25) than to Leaky ReLU with ``a = 0.01``, else ``"learning"``.

    Problem kinds: ``activation``, ``seeds``, ``epochs``, ``slope``, ``setup``
    (your run), ``prediction``, ``matters``, ``missing``.
    """
    from . import variants

    results = getattr(deep, "results", None)
    if not isinstance(results, Mapping) or not hasattr(deep, "widths") or not hasattr(deep, "settings"):
        raise TypeError(t("exercises.widths.not_comparison", got=type(deep).__name__))
    for key in ("relu", "leaky_relu", "prelu"):
        if key not in results:
            raise ValueError(t("exercises.more.slope.no_result", variant=key))
    if not isinstance(res, variants.TrainResult):
        raise TypeError(t("exercises.more.slope.not_result", got=type(res).__name__))
    if not all(hasattr(data, a) for a in ("x_train", "y_train", "x_test", "y_test")):
        raise TypeError(t("exercises.more.slope.not_data", got=type(data).__name__))
    if prediction is not None:
        from ._checks import check_scalar_in

        prediction = check_scalar_in(prediction, "prediction", 0.0, 100.0)
        if prediction <= 1.0:
            raise ValueError(t("exercises.more.slope.percent", got=_show(prediction)))
    if matters is not None and matters not in FIXED_SLOPE_CHOICES:
        raise ValueError(t("exercises.more.slope.choice", got=repr(matters)))

    seeds = list(results["relu"].seeds)
    settings = deep.settings
    model = variants.SeedBatchMLP(deep.widths, "leaky_relu", seeds, init="gain", params={"negative_slope": FIXED_SLOPE})
    truth = variants.train_seeds(model, data, optimizer=settings.get("optimizer", "adam"), epochs=settings["epochs"],
                                 lr=settings["lr"], batch_size=settings["batch_size"])
    problems: list[Problem] = []
    got_acc = np.asarray(res.test_acc, dtype=np.float64)
    if got_acc.shape != truth.test_acc.shape or not np.allclose(got_acc, truth.test_acc, rtol=1e-9, atol=1e-12, equal_nan=True):
        if res.key != "leaky_relu":
            problems.append(Problem("activation", t("exercises.more.slope.activation", got=res.key)))
        elif list(res.seeds) != seeds:
            problems.append(Problem("seeds", t("exercises.more.slope.seeds", got=list(res.seeds), want=seeds)))
        elif len(res.epoch_seconds) != settings["epochs"]:
            problems.append(Problem("epochs", t("exercises.more.slope.epochs", got=len(res.epoch_seconds),
                                                want=settings["epochs"])))
        elif got_acc.shape == results["leaky_relu"].test_acc.shape and np.allclose(got_acc, results["leaky_relu"].test_acc):
            problems.append(Problem("slope", t("exercises.more.slope.default_slope", a=_show(FIXED_SLOPE))))
        else:
            problems.append(Problem("setup", t("exercises.more.slope.setup", lr=_show(settings["lr"]),
                                               batch=settings["batch_size"], widths=deep.widths)))
    mean = 100 * float(np.nanmean(truth.test_acc))
    sd = 100 * float(np.nanstd(truth.test_acc))
    leaky = 100 * float(np.nanmean(results["leaky_relu"].test_acc))
    prelu = 100 * float(np.nanmean(results["prelu"].test_acc))
    numbers = dict(mean=f"{mean:.1f}", sd=f"{sd:.1f}", leaky=f"{leaky:.1f}", prelu=f"{prelu:.1f}")
    if prediction is None:
        problems.append(Problem("missing", t("exercises.answers.missing", part="prediction")))
    elif abs(prediction - mean) > FIXED_SLOPE_TOLERANCE:
        problems.append(Problem("prediction", t("exercises.more.slope.prediction", got=f"{prediction:.1f}",
                                                tol=f"{FIXED_SLOPE_TOLERANCE:g}", n=len(seeds), **numbers)))
    want = "size" if abs(mean - prelu) < abs(mean - leaky) else "learning"
    if matters is None:
        problems.append(Problem("missing", t("exercises.answers.missing", part="matters")))
    elif matters != want:
        problems.append(Problem("matters", t(f"exercises.more.slope.matters_{want}", got=matters, **numbers)))
    return _feedback(t("exercises.your_answers"), problems, [t("exercises.more.checks.slope", n=len(seeds))])


register(
    {
        "exercises.more.slope.no_result": {
            "en": "the comparison has no result for {variant}: pass deep, trained on the whole family",
            "it": "il confronto non ha un risultato per {variant}: passate deep, addestrato su tutta la famiglia",
        },
        "exercises.more.slope.not_result": {
            "en": "res must be the TrainResult returned by V.train_seeds, got {got}",
            "it": "res deve essere il TrainResult restituito da V.train_seeds, ricevuto {got}",
        },
        "exercises.more.slope.not_data": {
            "en": "data must be the digits split the comparison was trained on (relulab.data.digits), got {got}",
            "it": "data deve essere la suddivisione delle cifre su cui è stato addestrato il confronto (relulab.data.digits), ricevuto {got}",
        },
        "exercises.more.slope.percent": {
            "en": "give the predicted accuracy in percent (e.g. 85 for 85 %), got {got}",
            "it": "date l'accuratezza prevista in percentuale (per esempio 85 per l'85 %), ricevuto {got}",
        },
        "exercises.more.slope.choice": {
            "en": "matters must be 'size' or 'learning', got {got}",
            "it": "matters deve essere 'size' o 'learning', ricevuto {got}",
        },
        "exercises.more.checks.slope": {
            "en": "your run against the same setting trained live, {n} seeds, and your two answers",
            "it": "il vostro addestramento confrontato con la stessa configurazione addestrata ora, {n} seed, e le vostre due risposte",
        },
        "exercises.more.slope.activation": {
            "en": "your result is for '{got}'; the exercise trains 'leaky_relu' with a fixed slope.",
            "it": "il vostro risultato è di '{got}'; l'esercizio addestra 'leaky_relu' con una pendenza fissa.",
        },
        "exercises.more.slope.seeds": {
            "en": "your run used the seeds {got}; the comparison used {want}, and a paired comparison needs the same ones.",
            "it": "il vostro addestramento ha usato i seed {got}; il confronto ha usato {want}, e un confronto appaiato richiede gli stessi.",
        },
        "exercises.more.slope.epochs": {
            "en": "your run lasted {got} epochs; the comparison trained for {want}.",
            "it": "il vostro addestramento è durato {got} epoche; il confronto ne ha fatte {want}.",
        },
        "exercises.more.slope.default_slope": {
            "en": "these are the accuracies of Leaky ReLU with the default slope 0.01: pass params={{\"negative_slope\": {a}}}.",
            "it": "queste sono le accuratezze della Leaky ReLU con la pendenza predefinita 0,01: passate params={{\"negative_slope\": {a}}}.",
        },
        "exercises.more.slope.setup": {
            "en": "your accuracies differ from those of the comparison's setting: network {widths}, init=\"gain\", Adam with lr = {lr}, batches of {batch}, the same data.",
            "it": "le vostre accuratezze differiscono da quelle della configurazione del confronto: rete {widths}, init=\"gain\", Adam con lr = {lr}, batch da {batch}, gli stessi dati.",
        },
        "exercises.more.slope.prediction": {
            "en": "prediction: you predicted {got} %, the {n} seeds give {mean} ± {sd} % (within {tol} points counts as right); for reference Leaky ReLU with a = 0.01 reached {leaky} % and PReLU {prelu} %.",
            "it": "prediction: avete previsto {got} %, i {n} seed danno {mean} ± {sd} % (entro {tol} punti la previsione è giusta); per confronto la Leaky ReLU con a = 0,01 ha raggiunto {leaky} % e la PReLU {prelu} %.",
        },
        "exercises.more.slope.matters_size": {
            "en": "matters: you said '{got}', but a fixed slope of 0.25 reaches {mean} %, closer to PReLU ({prelu} %) than to Leaky ReLU with a = 0.01 ({leaky} %): here the size of the slope matters ('size').",
            "it": "matters: avete risposto '{got}', ma una pendenza fissa di 0,25 arriva al {mean} %, più vicino alla PReLU ({prelu} %) che alla Leaky ReLU con a = 0,01 ({leaky} %): qui conta la grandezza della pendenza ('size').",
        },
        "exercises.more.slope.matters_learning": {
            "en": "matters: you said '{got}', but a fixed slope of 0.25 reaches {mean} %, closer to Leaky ReLU with a = 0.01 ({leaky} %) than to PReLU ({prelu} %): here learning the slope matters ('learning').",
            "it": "matters: avete risposto '{got}', ma una pendenza fissa di 0,25 arriva al {mean} %, più vicino alla Leaky ReLU con a = 0,01 ({leaky} %) che alla PReLU ({prelu} %): qui conta che la pendenza sia imparata ('learning').",
        },
    }
)


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


def _clamp_callables(fn: Callable, reference: Callable) -> list[Problem]:
    """What the two timed callables of ex-cost-1 do; each is called once or twice on the student's tensors.

    The reference's output is filled with a sentinel before its second call (a
    copy overwrites it) and given back its first content afterwards.
    """
    from . import bench

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

    from . import bench

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
    }
)


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


# Every public checker answers a student's function that never returns with feedback (kind ``timeout``).
for _checker_name in [n for n in __all__ if n.startswith("check_")]:
    globals()[_checker_name] = _guarded(globals()[_checker_name])
del _checker_name

register_exercise("ex-def-implement", "01_definition", check_my_relu)
register_exercise("ex-def-predict", "01_definition", check_relu_predictions)
register_exercise("ex-def-investigate", "01_definition", check_max_min, check_sawtooth_units)
register_exercise("ex-deriv-relu6", "02_derivative", check_relu6_function)
register_exercise("ex-deriv-predict", "02_derivative", check_kink_gradients)
register_exercise("ex-deriv-edge", "02_derivative", check_gradient_edge)
register_exercise("ex-sparsity-1", "03_sparsity", check_sparsity_measures)
register_exercise("ex-sparsity-2", "03_sparsity", check_bias_shift_prediction)
register_exercise("ex-sparsity-3", "03_sparsity", check_union_active)
register_exercise("ex-dying-find", "04_dying_relu", check_dead_masks)
register_exercise("ex-dying-test", "04_dying_relu", check_fire_on_test)
register_exercise("ex-dying-bias", "04_dying_relu", check_bias_death)
register_exercise("ex-variants-1", "06_variants", check_hard_sigmoid, check_hard_swish)
register_exercise("ex-variants-2", "06_variants", check_variant_gradients)
register_exercise("ex-variants-3", "06_variants", check_selu_fixed_points)
register_exercise("ex-variants-compared-1", "06b_variants_compared", check_sign_test)
register_exercise("ex-variants-compared-2", "06b_variants_compared", check_fixed_slope)
register_exercise("ex-variants-compared-3", "06b_variants_compared", check_equal_param_widths)
register_exercise("ex-cost-1", "A1_cost", check_clamp_timing)
register_exercise("ex-cost-2", "A1_cost", check_leaky_traffic)
register_exercise("ex-cost-3", "A1_cost", check_maximum_edge)
register_exercise("ex-domains-distinct", "05_domains", check_distinct_fraction)
register_exercise("ex-domains-quantize", "05_domains", check_quantize_prediction)
register_exercise("ex-domains-threshold", "05_domains", check_dying_thresholds)
register_exercise("ex-transformers-reglu", "05b_transformers", check_reglu)
register_exercise("ex-transformers-prune", "05b_transformers", check_pruning)
register_exercise("ex-transformers-steps", "05b_transformers", check_large_lr_prediction)
register_exercise("ex-gans-coverage", "05c_gans", check_mode_coverage)
register_exercise("ex-gans-correlation", "05c_gans", check_dead_mode_correlation)
register_exercise("ex-gans-slope", "05c_gans", check_slope_prediction)


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
            "en": "the comparison has no result for {variant}",
            "it": "il confronto non ha un risultato per {variant}",
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


register(
    {
        "exercises.timeout": {
            "en": "{what} did not return within {seconds} s: look for a loop that never ends (a `while` whose condition never turns false) or for far more work than the exercise needs.",
            "it": "{what} non ha restituito nulla entro {seconds} s: cercate un ciclo che non finisce mai (un `while` la cui condizione non diventa mai falsa) o molto più lavoro di quanto l'esercizio richieda.",
        },
        "exercises.answers.not_finite": {
            "en": "{part}: {got} is not an answer: write the finite number you predict (nan and inf pass no tolerance test).",
            "it": "{part}: {got} non è una risposta: scrivete il numero finito che prevedete (nan e inf non superano nessun controllo di tolleranza).",
        },
        "exercises.maxmin.forbidden": {
            "en": "{f} uses {names} between its two inputs: this exercise asks you to build it from ReLUs only (a max, min, comparison or choice against 0, such as np.maximum(x, 0), is a ReLU and is fine).",
            "it": "{f} usa {names} tra i suoi due ingressi: l'esercizio chiede di costruirla solo con ReLU (un massimo, minimo, confronto o scelta rispetto a 0, come np.maximum(x, 0), è una ReLU e va bene).",
        },
        "exercises.maxmin.type": {
            "en": "{f} returned an array of {got}, not of numbers.",
            "it": "{f} ha restituito un array di {got}, non di numeri.",
        },
        "exercises.sparsity.acts_type": {
            "en": "acts must be a matrix of numbers (a tensor or an array, examples × units), got {got}",
            "it": "acts deve essere una matrice di numeri (un tensore o un array, esempi × unità), ricevuto {got}",
        },
        "exercises.sparsity.your_first": {
            "en": "(the share you are asked to predict)",
            "it": "(la quota che dovete prevedere)",
        },
        "exercises.ch5.slope.your_dead": {
            "en": "(the share the `dead` part asks for)",
            "it": "(la quota richiesta dalla parte `dead`)",
        },
        "exercises.fire.format": {
            "en": "counts[{i}]: {got} is not a count; write a whole number of units (0, 1, 2, ...).",
            "it": "counts[{i}]: {got} non è un conteggio; scrivete un numero intero di unità (0, 1, 2, ...).",
        },
        "exercises.fire.not_counts": {
            "en": "counts must be a list with one count per model, got {got}",
            "it": "counts deve essere una lista con un conteggio per modello, ricevuto {got}",
        },
        "exercises.fire.not_models": {
            "en": "models must be a list of torch.nn.Module, got {got}",
            "it": "models deve essere una lista di torch.nn.Module, ricevuto {got}",
        },
        "exercises.relu6.raised_at": {
            "en": "with at_0 = {a0} and at_6 = {a6} your function raised {exc}: {msg}",
            "it": "con at_0 = {a0} e at_6 = {a6} la vostra funzione ha sollevato {exc}: {msg}",
        },
        "exercises.union.type": {
            "en": "with batch size {b} your function returned {got}, not a number.",
            "it": "con batch di {b} la vostra funzione ha restituito {got}, che non è un numero.",
        },
        "exercises.sign.type": {
            "en": "on the differences {diff} your function returned {got}, not a number.",
            "it": "sulle differenze {diff} la vostra funzione ha restituito {got}, che non è un numero.",
        },
        "exercises.more.traffic.answer_all": {
            "en": "(Answer passes, temporaries and copies: then each wrong part lists the operations NumPy ran.)",
            "it": "(Rispondete a passes, temporaries e copies: allora ogni parte sbagliata elenca le operazioni eseguite da NumPy.)",
        },
    }
)

from .exercises_propagation import *  # noqa: E402,F401,F403  (checkers of chapter 02b, registered on import)
