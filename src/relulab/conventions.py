"""What PyTorch returns at 0, and at the other kinks, for every way of writing ReLU and its relatives.

ReLU has no derivative at 0, yet autograd must return *some* number there.
Which one depends on how the function is written, because autograd
differentiates the code, not the mathematical function: each operation has its
own backward formula. :data:`WAYS` lists the ways a reader may write ReLU and
its family in PyTorch, each with the points where it is evaluated (0 and its
kinks). :func:`live_table` asks the installed PyTorch for the value and the
gradient at each point, together with the left and right derivatives measured
with one-sided difference quotients in float64, and says which of the two
(if either) autograd picked.

:data:`EXPECTED` is the documented table: what PyTorch 2.13 (CPU, float32)
returns. ``tests/test_conventions.py`` asserts that the installed PyTorch still
matches it, so that an upgrade that changes a convention fails loudly.

The backward formulas behind the disagreements (PyTorch's
``tools/autograd/derivatives.yaml``): ``relu``'s gradient is passed where the
*result* is ``> 0``; ``clamp_min``'s where ``self >= min`` (bound included);
``maximum`` gives ``grad / 2`` to each argument when they tie; ``hardtanh``
(and ``relu6``, which is ``hardtanh(x, 0, 6)``) passes it only strictly inside
``(min_val, max_val)``; ``x * (x > 0)`` follows the product rule with the
mask as a constant, and ``torch.where`` sends the gradient to the branch that
was chosen.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ._checks import check_scalar_in
from .i18n import register

__all__ = [
    "Way", "Interval", "Entry", "WAYS", "EXPECTED", "RULE_BREAKS", "live_table", "mismatches", "table_rows",
    "relu_disagreements", "rule_breaks", "unexplained_breaks",
]


@dataclass(frozen=True)
class Way:
    """One way of writing ReLU or a relative: the code a reader types, a function that runs it, its points."""

    code: str
    fn: Callable[[torch.Tensor], torch.Tensor]
    points: tuple[float, ...] = (0.0,)
    random: bool = False  #: the gradient is drawn at random (RReLU in training mode)
    is_relu: bool = False  #: computes exactly max(0, x)


@dataclass(frozen=True)
class Interval:
    """A gradient drawn at random from ``[lo, hi]`` (RReLU's slope in training mode)."""

    lo: float
    hi: float

    def __str__(self) -> str:
        return f"U({self.lo:.3g}, {self.hi:.3g})"


def _zeros(x: torch.Tensor) -> torch.Tensor:
    return torch.zeros_like(x)


#: Every way, in the order of the printed table.
WAYS: tuple[Way, ...] = (
    Way("torch.relu(x)", torch.relu, is_relu=True),
    Way("F.relu(x)", F.relu, is_relu=True),
    Way("nn.ReLU()(x)", nn.ReLU(), is_relu=True),
    Way("x.clamp_min(0)", lambda x: x.clamp_min(0), is_relu=True),
    Way("torch.maximum(x, zeros)", lambda x: torch.maximum(x, _zeros(x)), is_relu=True),
    Way("x * (x > 0)", lambda x: x * (x > 0), is_relu=True),
    Way("torch.where(x > 0, x, 0)", lambda x: torch.where(x > 0, x, 0.0), is_relu=True),
    Way("(x + x.abs()) / 2", lambda x: (x + x.abs()) / 2, is_relu=True),
    Way("x.abs()", torch.abs),
    Way("x.clamp(0, 6)", lambda x: x.clamp(0, 6), points=(0.0, 6.0)),
    Way("F.relu6(x)", F.relu6, points=(0.0, 6.0)),
    Way("F.hardtanh(x)", F.hardtanh, points=(-1.0, 0.0, 1.0)),
    Way("F.leaky_relu(x)", F.leaky_relu),
    Way("F.prelu(x, 0.25)", lambda x: F.prelu(x, torch.full((1,), 0.25, dtype=x.dtype))),
    Way("F.rrelu(x, training=True)", lambda x: F.rrelu(x, training=True), random=True),
    Way("F.rrelu(x)", F.rrelu),
    Way("F.elu(x)", F.elu),
    Way("F.elu(x, alpha=0.5)", lambda x: F.elu(x, alpha=0.5)),
    Way("F.elu(x, alpha=2.0)", lambda x: F.elu(x, alpha=2.0)),
    Way("F.celu(x)", F.celu),
    Way("F.selu(x)", F.selu),
    Way("F.gelu(x)", F.gelu),
    Way('F.gelu(x, approximate="tanh")', lambda x: F.gelu(x, approximate="tanh")),
    Way("F.silu(x)", F.silu),
    Way("F.mish(x)", F.mish),
    Way("F.softplus(x)", F.softplus),
    Way("F.hardswish(x)", F.hardswish, points=(-3.0, 0.0, 3.0)),
)

_SELU = 1.0507009873554804934193349852946 * 1.6732632423543772848170429916717

#: The documented table: (code, x) -> (value, gradient) that PyTorch 2.13 (CPU, float32) returns.
EXPECTED: dict[tuple[str, float], tuple[float, float | Interval]] = {
    # max(0, x) written eight ways: three different gradients at 0
    ("torch.relu(x)", 0.0): (0.0, 0.0),
    ("F.relu(x)", 0.0): (0.0, 0.0),
    ("nn.ReLU()(x)", 0.0): (0.0, 0.0),
    ("x.clamp_min(0)", 0.0): (0.0, 1.0),  # clamp_min passes the gradient where x >= min
    ("torch.maximum(x, zeros)", 0.0): (0.0, 0.5),  # a tie: half the gradient to each argument
    ("x * (x > 0)", 0.0): (0.0, 0.0),  # product rule, the mask (x > 0) is 0 at 0
    ("torch.where(x > 0, x, 0)", 0.0): (0.0, 0.0),  # the condition is False at 0: the constant branch
    ("(x + x.abs()) / 2", 0.0): (0.0, 0.5),  # (1 + sign(0)) / 2
    ("x.abs()", 0.0): (0.0, 0.0),  # sign(0) = 0
    # two kinks: clamp includes its bounds, relu6 (= hardtanh(x, 0, 6)) excludes them
    ("x.clamp(0, 6)", 0.0): (0.0, 1.0),
    ("x.clamp(0, 6)", 6.0): (6.0, 1.0),
    ("F.relu6(x)", 0.0): (0.0, 0.0),
    ("F.relu6(x)", 6.0): (6.0, 0.0),
    ("F.hardtanh(x)", -1.0): (-1.0, 0.0),
    ("F.hardtanh(x)", 0.0): (0.0, 1.0),
    ("F.hardtanh(x)", 1.0): (1.0, 0.0),
    # the leaky family: at 0 the negative side's slope
    ("F.leaky_relu(x)", 0.0): (0.0, 0.01),
    ("F.prelu(x, 0.25)", 0.0): (0.0, 0.25),
    ("F.rrelu(x, training=True)", 0.0): (0.0, Interval(1.0 / 8.0, 1.0 / 3.0)),
    ("F.rrelu(x)", 0.0): (0.0, (1.0 / 8.0 + 1.0 / 3.0) / 2.0),
    # exponential family: ELU and CELU (alpha = 1) are differentiable at 0, SELU is not
    ("F.elu(x)", 0.0): (0.0, 1.0),
    ("F.celu(x)", 0.0): (0.0, 1.0),
    # ELU with alpha != 1 has a corner at 0 (slopes alpha and 1): autograd returns alpha, the left one
    ("F.elu(x, alpha=0.5)", 0.0): (0.0, 0.5),
    ("F.elu(x, alpha=2.0)", 0.0): (0.0, 2.0),
    ("F.selu(x)", 0.0): (0.0, _SELU),  # the left derivative, lambda * alpha
    # smooth relatives: the derivative exists
    ("F.gelu(x)", 0.0): (0.0, 0.5),
    ('F.gelu(x, approximate="tanh")', 0.0): (0.0, 0.5),
    ("F.silu(x)", 0.0): (0.0, 0.5),
    ("F.mish(x)", 0.0): (0.0, 0.6),  # tanh(ln 2) = 3/5
    ("F.softplus(x)", 0.0): (math.log(2.0), 0.5),
    # hard-swish: kinks at -3 and 3, smooth at 0
    ("F.hardswish(x)", -3.0): (0.0, 0.0),
    ("F.hardswish(x)", 0.0): (0.0, 0.5),
    ("F.hardswish(x)", 3.0): (3.0, 1.0),
}


@dataclass(frozen=True)
class Entry:
    """One row of the live table."""

    code: str
    x: float
    value: float
    grad: float | Interval
    left: float | None  #: left derivative (one-sided quotient, float64); None for random ways
    right: float | None  #: right derivative

    @property
    def side(self) -> str:
        """Where autograd's gradient sits: smooth, left, right, midpoint, between, outside or random."""
        if isinstance(self.grad, Interval) or self.left is None or self.right is None:
            return "random"
        close = lambda a, b: abs(a - b) <= 1e-4 * (1.0 + abs(b))  # noqa: E731
        if close(self.left, self.right):
            return "smooth" if close(self.grad, self.left) else "outside"
        if close(self.grad, self.left):
            return "left"
        if close(self.grad, self.right):
            return "right"
        if close(self.grad, (self.left + self.right) / 2):
            return "midpoint"
        lo, hi = sorted((self.left, self.right))
        return "between" if lo < self.grad < hi else "outside"

    @property
    def rule(self) -> float | None:
        """The gradient PyTorch's documented rule asks for here; None for a random gradient.

        The rule (PyTorch's autograd notes, "Gradients for non-differentiable functions"): the
        derivative where it exists; at a locally convex kink the subgradient of minimum norm, at a
        locally concave one the supergradient of minimum norm. In one dimension both are the point
        of the interval between the two one-sided derivatives that is closest to 0.
        """
        if isinstance(self.grad, Interval) or self.left is None or self.right is None:
            return None
        lo, hi = sorted((self.left, self.right))
        if abs(hi - lo) <= 1e-4 * (1.0 + abs(hi)):
            return (lo + hi) / 2
        return min(max(0.0, lo), hi)

    @property
    def follows_rule(self) -> bool | None:
        """Whether autograd's gradient is the one the rule asks for (None for a random gradient)."""
        rule = self.rule
        if rule is None:
            return None
        return abs(self.grad - rule) <= 1e-4 * (1.0 + abs(rule))


def _value_and_grad(way: Way, x: float, dtype: torch.dtype) -> tuple[float, float | Interval]:
    if way.random:
        with torch.random.fork_rng():
            torch.manual_seed(0)
            t = torch.zeros(4096, dtype=dtype, requires_grad=True) + x
            t.retain_grad()
            y = way.fn(t)
            y.sum().backward()
        g = t.grad
        return float(y.detach()[0]), Interval(float(g.min()), float(g.max()))
    t = torch.tensor([x], dtype=dtype, requires_grad=True)
    y = way.fn(t)
    y.sum().backward()
    return float(y.detach()[0]), float(t.grad[0])


def _one_sided(way: Way, x: float, h: float = 1e-7) -> tuple[float, float]:
    f = lambda a: way.fn(torch.as_tensor(a, dtype=torch.float64)).detach().numpy()  # noqa: E731
    f0 = float(f(np.array([x]))[0])
    left = (f0 - float(f(np.array([x - h]))[0])) / h
    right = (float(f(np.array([x + h]))[0]) - f0) / h
    return left, right


def live_table(dtype: torch.dtype = torch.float32) -> list[Entry]:
    """Ask the installed PyTorch: value and autograd gradient of every way at each of its points.

    RReLU in training mode draws its negative slope at random: it is run on 4,096
    zeros with a fixed seed (the global random state is left untouched) and the
    range of the gradients is reported as an :class:`Interval`.
    """
    if dtype not in (torch.float32, torch.float64):
        raise ValueError(f"dtype must be torch.float32 or torch.float64, got {dtype}")
    out = []
    for way in WAYS:
        for x in way.points:
            value, grad = _value_and_grad(way, x, dtype)
            left, right = (None, None) if way.random else _one_sided(way, x)
            out.append(Entry(way.code, x, value, grad, left, right))
    return out


def _entries(entries: object, name: str) -> list[Entry]:
    """``entries`` as a list of :class:`Entry` (what :func:`live_table` returns), or ``TypeError``."""
    if isinstance(entries, (str, bytes)) or not isinstance(entries, (list, tuple)):
        raise TypeError(f"{name} must be a list of Entry (see live_table), got {type(entries).__name__}")
    if not all(isinstance(e, Entry) for e in entries):
        raise TypeError(f"{name} must hold Entry objects (see live_table)")
    return list(entries)


def mismatches(live: list[Entry] | None = None, expected: dict = EXPECTED, *, tol: float = 1e-6) -> list[str]:
    """Differences between the live table and the documented one (empty if they agree).

    For a random gradient the live range must lie inside the documented interval
    and cover at least 90% of it.
    """
    live = live_table() if live is None else _entries(live, "live")
    if not isinstance(expected, dict):
        raise TypeError(f"expected must be a dict (code, x) -> (value, gradient), got {type(expected).__name__}")
    tol = check_scalar_in(tol, "tol", 0.0, 1.0)
    have = {(e.code, e.x): e for e in live}
    problems = [f"{k}: documented but not measured" for k in expected if k not in have]
    problems += [f"{k}: measured but not documented" for k in have if k not in expected]
    for key, (value, grad) in expected.items():
        if key not in have:
            continue
        e = have[key]
        if not math.isclose(e.value, value, rel_tol=tol, abs_tol=tol):
            problems.append(f"{key}: value {e.value!r}, documented {value!r}")
        if isinstance(grad, Interval):
            ok = (
                isinstance(e.grad, Interval)
                and e.grad.lo >= grad.lo - tol
                and e.grad.hi <= grad.hi + tol
                and e.grad.hi - e.grad.lo >= 0.9 * (grad.hi - grad.lo)
            )
            if not ok:
                problems.append(f"{key}: gradient {e.grad}, documented random in {grad}")
        elif isinstance(e.grad, Interval) or not math.isclose(e.grad, grad, rel_tol=tol, abs_tol=tol):
            problems.append(f"{key}: gradient {e.grad!r}, documented {grad!r}")
    return problems


def _num(v: float) -> str:
    """4 significant digits; zeros print as ``0`` or ``-0`` (the sign bit stays visible)."""
    if v == 0.0:
        return "-0" if math.copysign(1.0, v) < 0 else "0"
    return f"{v:.4g}"


def table_rows(entries: list[Entry]) -> list[list[str]]:
    """Rows for :func:`relulab.tables.format_table`: code, x, value, gradient, left, right, where it sits.

    One-sided derivatives are rounded to 4 decimals (they are estimates, good to about 6 digits).
    An eighth column says whether autograd follows PyTorch's documented rule (:attr:`Entry.rule`):
    yes, no, or ``—`` for a random gradient.
    """
    from .i18n import t

    rows = []
    for e in _entries(entries, "entries"):
        grad = str(e.grad) if isinstance(e.grad, Interval) else _num(e.grad)
        left = "—" if e.left is None else _num(round(e.left, 4) + 0.0)
        right = "—" if e.right is None else _num(round(e.right, 4) + 0.0)
        follows = {None: "—", True: t("conventions.yes"), False: t("conventions.no")}[e.follows_rule]
        rows.append([e.code, _num(e.x), _num(e.value), grad, left, right, t(f"conventions.{e.side}"), follows])
    return rows


#: Why autograd departs from PyTorch's documented rule, for each (code, x) where it does
#: (keys of the catalogue, ``conventions.why.*``). ``tests/test_conventions.py`` checks that the
#: rows the live table finds breaking the rule are exactly these.
RULE_BREAKS: dict[tuple[str, float], str] = {
    ("x.clamp_min(0)", 0.0): "clamp_bound",
    ("torch.maximum(x, zeros)", 0.0): "maximum_tie",
    ("(x + x.abs()) / 2", 0.0): "composition",
    ("x.clamp(0, 6)", 0.0): "clamp_bound",
    ("x.clamp(0, 6)", 6.0): "clamp_bound",
    ("F.elu(x, alpha=2.0)", 0.0): "elu_left",
    ("F.selu(x)", 0.0): "selu_left",
}


def rule_breaks(entries: list[Entry]) -> list[list[str]]:
    """The rows of the live table where autograd does not follow the rule: code, x, autograd, rule, why.

    A row that breaks the rule without a documented reason in :data:`RULE_BREAKS` says so.
    """
    from .i18n import t

    rows = []
    for e in _entries(entries, "entries"):
        if e.follows_rule is False:
            why = RULE_BREAKS.get((e.code, e.x))
            reason = t(f"conventions.why.{why}") if why else t("conventions.why.unknown")
            rows.append([e.code, _num(e.x), _num(e.grad), _num(round(e.rule, 4) + 0.0), reason])
    return rows


def unexplained_breaks(entries: list[Entry]) -> list[str]:
    """Differences between the rows that break the rule and :data:`RULE_BREAKS` (empty if they agree)."""
    found = {(e.code, e.x) for e in _entries(entries, "entries") if e.follows_rule is False}
    problems = [f"{k}: breaks the rule, no reason documented" for k in sorted(found - set(RULE_BREAKS))]
    problems += [f"{k}: documented as breaking the rule, but follows it" for k in sorted(set(RULE_BREAKS) - found)]
    return problems


def relu_disagreements(entries: list[Entry]) -> dict[float, list[str]]:
    """For the ways that compute exactly max(0, x): the gradient at 0 -> the ways that return it."""
    relu_codes = {w.code for w in WAYS if w.is_relu}
    out: dict[float, list[str]] = {}
    for e in _entries(entries, "entries"):
        if e.code in relu_codes and e.x == 0.0 and not isinstance(e.grad, Interval):
            out.setdefault(e.grad, []).append(e.code)
    return dict(sorted(out.items()))


register(
    {
        "conventions.code": {"en": "code", "it": "codice"},
        "conventions.x": {"en": "x", "it": "x"},
        "conventions.value": {"en": "value", "it": "valore"},
        "conventions.grad": {"en": "autograd", "it": "autograd"},
        "conventions.left": {"en": "left", "it": "sinistra"},
        "conventions.right": {"en": "right", "it": "destra"},
        "conventions.side": {"en": "autograd picks", "it": "autograd sceglie"},
        "conventions.smooth": {"en": "the derivative", "it": "la derivata"},
        "conventions.midpoint": {"en": "the midpoint", "it": "il punto medio"},
        "conventions.between": {"en": "a value between", "it": "un valore intermedio"},
        "conventions.outside": {"en": "neither side", "it": "nessuno dei due lati"},
        "conventions.random": {"en": "at random", "it": "a caso"},
        "conventions.follows": {"en": "follows the rule?", "it": "segue la regola?"},
        "conventions.yes": {"en": "yes", "it": "sì"},
        "conventions.no": {"en": "no", "it": "no"},
        "conventions.rule": {"en": "the rule asks", "it": "la regola chiede"},
        "conventions.why": {"en": "why", "it": "perché"},
        "conventions.why.clamp_bound": {
            "en": "clamp and clamp_min pass the gradient where min <= x (<= max): the bound counts as inside",
            "it": "clamp e clamp_min fanno passare il gradiente dove min <= x (<= max): l'estremo conta come interno",
        },
        "conventions.why.maximum_tie": {
            "en": "maximum of two tensors: at a tie half the gradient goes to each",
            "it": "massimo di due tensori: in caso di parità metà del gradiente va a ciascuno",
        },
        "conventions.why.composition": {
            "en": "two operations, each following the rule (abs gives 0): the chain rule gives (1 + 0) / 2",
            "it": "due operazioni, ciascuna secondo la regola (abs dà 0): la regola della catena dà (1 + 0) / 2",
        },
        "conventions.why.elu_left": {
            "en": "elu's backward uses the negative side at x <= 0 (slope alpha); for alpha > 1 the kink is "
                  "concave and the minimum-norm supergradient is 1",
            "it": "la formula all'indietro di elu usa il lato negativo per x <= 0 (pendenza alpha); per alpha > 1 "
                  "il punto angoloso è concavo e il sopragradiente di norma minima è 1",
        },
        "conventions.why.selu_left": {
            "en": "selu is elu scaled: the negative side at x <= 0 (slope λα) at a concave kink whose "
                  "minimum-norm supergradient is λ",
            "it": "selu è elu riscalata: il lato negativo per x <= 0 (pendenza λα) in un punto angoloso concavo "
                  "il cui sopragradiente di norma minima è λ",
        },
        "conventions.why.unknown": {
            "en": "not documented in relulab.conventions.RULE_BREAKS",
            "it": "non documentato in relulab.conventions.RULE_BREAKS",
        },
    }
)
