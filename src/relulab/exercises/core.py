"""The feedback core of :mod:`relulab.exercises`, shared by every chapter's checkers.

- :class:`Feedback` and :class:`Problem`, what every checker returns;
- the registry: :class:`Exercise`, :data:`EXERCISES` and :func:`register_exercise`;
- calls of a student's function: the time limit (:data:`relulab.exercises.STUDENT_TIME_LIMIT`,
  read at each call), ``_guarded`` (which turns a timeout into feedback), and the watch for
  names an exercise bans;
- the general checkers :func:`check_elementwise`, :func:`check_answers`, :func:`check_relu` and
  :func:`check_relu_grad`;
- helpers that read and validate a student's answers, and the messages that several chapters share.
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

from ..activations import relu_grad_np, relu_grad_torch, relu_np
from .._checks import check_flag, check_scalar_in
from ..i18n import register, t

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


def _student_time_limit() -> float:
    """:data:`relulab.exercises.STUDENT_TIME_LIMIT`, read at each call, so that setting it on the package takes effect."""
    return sys.modules[__package__].STUDENT_TIME_LIMIT


class _StudentTimeout(BaseException):
    """A student's function ran past :data:`relulab.exercises.STUDENT_TIME_LIMIT` (a ``BaseException``, so ``except Exception`` in
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
    """``fn(*args, **kwargs)`` for a student's ``fn``, under :data:`relulab.exercises.STUDENT_TIME_LIMIT` (numpy warnings silenced)."""
    with _time_limit(_student_time_limit(), what or _name(fn)), np.errstate(all="ignore"):
        return fn(*args, **kwargs)


def _timeout_feedback(exc: _StudentTimeout) -> Feedback:
    text = t("exercises.timeout", what=exc.what, seconds=_show(_student_time_limit()))
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
    """Elementwise agreement: nan matches nan, -0.0 matches 0.0, infinities must match exactly.

    Complex values never agree (casting them to float would drop the imaginary part silently)."""
    if np.iscomplexobj(got) or np.iscomplexobj(want):
        return np.zeros(np.shape(want), dtype=bool)
    try:
        g, w = got.astype(np.float64), want.astype(np.float64)
    except (TypeError, ValueError):  # e.g. an array of strings or objects
        return np.zeros(np.shape(want), dtype=bool)
    with np.errstate(all="ignore"):
        close = np.isclose(g, w, rtol=rtol, atol=atol, equal_nan=True)
    both_inf = np.isinf(g) | np.isinf(w)
    return np.where(both_inf, g == w, close)


def _names_of(values: object, name: str) -> list[str]:
    """``values`` (an iterable of strings, not a string itself) as a list, or ``TypeError`` naming ``name``."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise TypeError(f"{name} must be a list of names (strings), got {type(values).__name__} {values!r}")
    values = list(values)
    if not all(isinstance(v, str) for v in values):
        raise TypeError(f"{name} must hold strings, got {values!r}")
    return values


@_guarded
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
    forbidden = _names_of(forbidden, "forbidden")
    dtypes = tuple(_names_of(dtypes, "dtypes"))
    if autograd is not None:
        check_flag(autograd, "autograd")
    rtol, atol = check_scalar_in(rtol, "rtol", 0.0, 1.0), check_scalar_in(atol, "atol", 0.0, 1.0)
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


@_guarded
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
    for part, want in truth.items():
        try:
            np.asarray(want, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(f"truth[{part!r}] must be a number or an array of numbers, got {want!r}") from None
    if explain is not None and not isinstance(explain, Mapping):
        raise TypeError(f"explain must be a mapping part -> text, got {type(explain).__name__}")
    rtol, atol = check_scalar_in(rtol, "rtol", 0.0, 1.0), check_scalar_in(atol, "atol", 0.0, 1.0)
    signed_zero = check_flag(signed_zero, "signed_zero")
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


@_guarded
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


@_guarded
def check_relu_grad(fn: Callable, *, backend: str = "numpy", at_zero: float = 0.0) -> Feedback:
    """Check a student's derivative of ReLU: 1 for ``x > 0``, 0 for ``x < 0``, ``at_zero`` at 0, ``nan`` for ``nan``.

    ``at_zero`` is the convention the exercise asks for (PyTorch's is 0; any
    value in [0, 1] is a valid subgradient). The result must be floating:
    float64 for integer inputs, the input's dtype for floating ones.
    """
    from .._checks import check_scalar_in

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


# --------------------------------------------------------------------------- helpers the chapters share
# Autograd at given points, and a student's answer read as one finite number.


def _grad_at(fn: Callable[[torch.Tensor], torch.Tensor], values: Sequence[float]) -> np.ndarray:
    """What autograd returns for ``fn`` at ``values`` (float64), summed output."""
    x = torch.tensor(values, dtype=torch.float64, requires_grad=True)
    (g,) = torch.autograd.grad(fn(x).sum(), x)
    return g.numpy()


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
        "exercises.checks.zero": {"en": "0 and -0.0", "it": "0 e `-0.0`"},
        "exercises.checks.special": {"en": "nan, inf and -inf", "it": "nan, inf e -inf"},
        "exercises.checks.shapes": {"en": "1-D, 2-D and empty inputs", "it": "ingressi 1-D, 2-D e vuoti"},
        "exercises.checks.dtypes": {"en": "dtypes {dtypes}", "it": "dtype {dtypes}"},
        "exercises.checks.input": {"en": "input left unchanged", "it": "ingresso lasciato intatto"},
        "exercises.checks.autograd": {"en": "gradient through autograd", "it": "gradiente con autograd"},
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
        "exercises.sparsity.dead_dtype": {
            "en": "a mask is an array of booleans, not of dtype {dtype}.",
            "it": "una maschera è un array di booleani, non di dtype {dtype}.",
        },
        "exercises.timeout": {
            "en": "{what} did not return within {seconds} s: look for a loop that never ends (a `while` whose condition never turns false) or for far more work than the exercise needs.",
            "it": "{what} non ha restituito nulla entro {seconds} s: cercate un ciclo che non finisce mai (un `while` la cui condizione non diventa mai falsa) o molto più lavoro di quanto l'esercizio richieda.",
        },
        "exercises.answers.not_finite": {
            "en": "{part}: {got} is not an answer: write the finite number you predict (nan and inf pass no tolerance test).",
            "it": "{part}: {got} non è una risposta: scrivete il numero finito che prevedete (nan e inf non superano nessun controllo di tolleranza).",
        },
    }
)
