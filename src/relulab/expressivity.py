"""Piecewise-linear functions from ReLUs: why a piecewise-linear activation makes a network non-linear.

* :func:`abs_from_relu`, :func:`hat` and :func:`from_breakpoints` build |x|,
  a "hat" and any continuous piecewise-linear curve as sums of ReLUs;
* :func:`sawtooth` composes the hat with itself (a deep, 2-unit-wide
  network) and doubles the number of linear pieces with every layer;
* :func:`count_pieces` counts the linear pieces of a sampled function;
* :func:`fit_shallow` trains one-hidden-layer ReLU networks (several seeds at
  once; :func:`fit_shallow_widths` several widths too) and :func:`breakpoints_shallow` lists their kinks exactly.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch

from ._checks import (
    check_array,
    check_callable,
    check_finite_array,
    check_int_in,
    check_range,
    check_scalar_in,
    check_int_list,
    check_seeds,
)

__all__ = [
    "relu",
    "abs_from_relu",
    "hat",
    "sawtooth",
    "from_breakpoints",
    "count_pieces",
    "ShallowFit",
    "fit_shallow",
    "fit_shallow_widths",
    "breakpoints_shallow",
    "interpolation_error",
]


def _reals(x: object, name: str = "x") -> np.ndarray:
    """``x`` as a float64 array of real numbers (complex, bool, strings and tensors are refused)."""
    return check_array(x, name).astype(float)


def relu(x: np.ndarray) -> np.ndarray:
    """``np.maximum(x, 0)`` (the building block of this module)."""
    return np.maximum(_reals(x), 0.0)


def abs_from_relu(x: np.ndarray) -> np.ndarray:
    """|x| = ReLU(x) + ReLU(-x): two ReLU units."""
    x = _reals(x)
    return relu(x) + relu(-x)


def hat(x: np.ndarray) -> np.ndarray:
    """The hat on [0, 1]: 0 at 0, 1 at 1/2, 0 at 1, and 0 outside.

    hat(x) = 2 ReLU(x) - 4 ReLU(x - 1/2) + 2 ReLU(x - 1): three ReLU units.
    """
    x = _reals(x)
    return 2 * relu(x) - 4 * relu(x - 0.5) + 2 * relu(x - 1.0)


def sawtooth(x: np.ndarray, depth: int) -> np.ndarray:
    """The hat composed with itself ``depth`` times, on [0, 1].

    On [0, 1] the hat needs only two units (``2 ReLU(x) - 4 ReLU(x - 1/2)``),
    so this is a network of ``depth`` layers of width 2 with ``2 * depth``
    ReLU units in all; it has ``2**depth`` linear pieces on [0, 1], while a
    single hidden layer of ``n`` units has at most ``n + 1``.
    """
    depth = check_int_in(depth, "depth", 1, 30)
    y = _reals(x)
    outside = ~((y >= 0) & (y <= 1))  # nan is outside too
    if np.any(outside):
        raise ValueError(f"x must lie in [0, 1]: sawtooth is defined on [0, 1], got {y[outside].reshape(-1)[0]}")
    for _ in range(depth):
        y = 2 * relu(y) - 4 * relu(y - 0.5)
    return y


def from_breakpoints(xs: Sequence[float], ys: Sequence[float]) -> Callable[[np.ndarray], np.ndarray]:
    """The continuous piecewise-linear interpolant of points ``(xs, ys)``, written with ReLUs.

    f(x) = ys[0] + s_0 (x - xs[0]) + sum_i (s_i - s_{i-1}) ReLU(x - xs[i]),
    with s_i the slope of piece i: one ReLU per interior breakpoint (plus the
    linear term, itself ReLU(x - xs[0]) - ReLU(xs[0] - x)). Beyond the end
    points the first and last pieces continue straight.
    """
    xs = check_finite_array(xs, "xs").astype(float)
    ys = check_finite_array(ys, "ys").astype(float)
    if xs.ndim != 1 or xs.shape != ys.shape or xs.size < 2:
        raise ValueError("xs and ys must be 1-D of the same length >= 2")
    if np.any(np.diff(xs) <= 0):
        raise ValueError("xs must be strictly increasing")
    slopes = np.diff(ys) / np.diff(xs)
    kinks = xs[1:-1]
    jumps = np.diff(slopes)

    def f(x: np.ndarray) -> np.ndarray:
        x = _reals(x)
        out = ys[0] + slopes[0] * (x - xs[0])
        for k, d in zip(kinks, jumps):
            out = out + d * relu(x - k)
        return out

    f.n_units = int(kinks.size)  # type: ignore[attr-defined]
    return f


def count_pieces(y: np.ndarray, x: np.ndarray, *, rtol: float = 1e-6) -> int:
    """Number of linear pieces of a sampled continuous piecewise-linear function.

    Slopes between neighbouring samples are compared; a kink that falls inside
    a grid cell makes one odd "transition" slope, which is not counted as a
    piece. The grid must be finer than half the shortest piece.
    """
    x = check_finite_array(x, "x").astype(float)
    y = check_finite_array(y, "y").astype(float)
    rtol = check_scalar_in(rtol, "rtol", 0.0, 1.0)
    if x.ndim != 1 or x.shape != y.shape or x.size < 3:
        raise ValueError("x and y must be 1-D arrays of the same length >= 3")
    if np.any(np.diff(x) <= 0):
        raise ValueError("x must be strictly increasing")
    s = np.diff(y) / np.diff(x)
    tol = rtol * max(1.0, float(np.max(np.abs(s))))
    runs = [[s[0], 1]]
    for v in s[1:]:
        if abs(v - runs[-1][0]) <= tol:
            runs[-1][1] += 1
        else:
            runs.append([v, 1])
    # a run of one cell between two longer runs is a kink inside that cell
    pieces = sum(1 for i, (_, n) in enumerate(runs) if n > 1 or i in (0, len(runs) - 1))
    return max(pieces, 1)


@dataclass(frozen=True)
class ShallowFit:
    """Trained one-hidden-layer networks, one per seed (arrays have the seed as first axis)."""

    seeds: list[int]
    width: int
    w1: np.ndarray  # (S, H)
    b1: np.ndarray  # (S, H)
    w2: np.ndarray  # (S, H)
    b2: np.ndarray  # (S,)
    max_error: np.ndarray  # (S,) max |f - target| on the evaluation grid
    rmse: np.ndarray  # (S,)

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Outputs of every seed's network at ``x``: shape (S, len(x))."""
        x = _reals(x)
        if x.ndim != 1:
            raise ValueError(f"x must be 1-D, got shape {x.shape}")
        h = relu(x[None, :, None] * self.w1[:, None, :] + self.b1[:, None, :])
        return np.einsum("snh,sh->sn", h, self.w2) + self.b2[:, None]


def fit_shallow(
    target: Callable[[np.ndarray], np.ndarray],
    width: int,
    *,
    seeds: Sequence[int] = (0, 1, 2),
    x_range: tuple[float, float] = (-np.pi, np.pi),
    n_points: int = 256,
    steps: int = 2000,
    lr: float = 0.01,
) -> ShallowFit:
    """Fit ``target`` on ``x_range`` with one hidden layer of ``width`` ReLUs, full-batch Adam.

    All seeds train at once as a batch of independent networks (Adam acts on
    each parameter separately, so this is the same as training them one by one).
    Initialization: PyTorch's default for ``nn.Linear`` (uniform ±1/sqrt(fan_in)).
    """
    width = check_int_in(width, "width", 1, 4096)
    return fit_shallow_widths(target, [width], seeds=seeds, x_range=x_range, n_points=n_points, steps=steps, lr=lr)[width]


def fit_shallow_widths(
    target: Callable[[np.ndarray], np.ndarray],
    widths: Sequence[int],
    *,
    seeds: Sequence[int] = (0, 1, 2),
    x_range: tuple[float, float] = (-np.pi, np.pi),
    n_points: int = 256,
    steps: int = 2000,
    lr: float = 0.01,
) -> dict[int, ShallowFit]:
    """:func:`fit_shallow` for several widths at once: ``{width: ShallowFit}``.

    Every (width, seed) network is independent and starts from the same
    weights as ``fit_shallow(target, width, seeds=[seed])``; they train side
    by side in one loop. The hidden units of all widths sit on one axis and a
    fixed 0/1 matrix adds each network's units into its own output, so the
    loss is a sum of per-network losses and each network's gradient (hence
    its Adam step) depends only on its own weights. One loop instead of one
    per width: the same arithmetic, a fraction of the Python overhead.
    """
    widths = check_int_list(widths, "widths", 1, 4096)
    if not widths or len(set(widths)) != len(widths):
        raise ValueError(f"widths must be a non-empty list of distinct positive integers, got {widths}")
    seeds = check_seeds(seeds)
    steps = check_int_in(steps, "steps", 1, 200_000)
    n_points = check_int_in(n_points, "n_points", 4, 1_000_000)
    lr = check_scalar_in(lr, "lr", 0.0, 10.0, low_open=True)
    lo, hi = check_range(x_range, "x_range")
    x = torch.linspace(lo, hi, n_points, dtype=torch.float64)
    y = torch.as_tensor(_target_values(target, x.numpy()))

    def init(seed: int, width: int) -> list[torch.Tensor]:
        g = torch.Generator().manual_seed(seed)
        bounds = (1.0, 1.0, 1.0 / np.sqrt(width), 1.0 / np.sqrt(width))
        sizes = (width, width, width, 1)
        return [(torch.rand(n, generator=g, dtype=torch.float64) * 2 - 1) * b for n, b in zip(sizes, bounds)]

    per_seed = [[init(s, w) for w in widths] for s in seeds]  # [seed][width] -> w1, b1, w2, b2
    w1, b1, w2 = (torch.stack([torch.cat([p[i] for p in row]) for row in per_seed]).requires_grad_() for i in range(3))
    b2 = torch.stack([torch.cat([p[3] for p in row]) for row in per_seed]).requires_grad_()  # (S, W)
    ends = np.cumsum(widths)
    owner = torch.zeros(int(ends[-1]), len(widths), dtype=torch.float64)  # unit -> its network's output
    for j, (a, b) in enumerate(zip(ends - widths, ends)):
        owner[a:b, j] = 1.0
    from .training import _Optimizer  # torch.optim.Adam's steps written out, without importing torch._dynamo

    opt = _Optimizer([w1, b1, w2, b2], "adam", lr=lr)

    def forward() -> torch.Tensor:  # (S, n, W)
        h = torch.relu(x[None, :, None] * w1[:, None, :] + b1[:, None, :])
        return (h * w2[:, None, :]) @ owner + b2[:, None, :]

    for _ in range(steps):
        opt.zero_grad()
        loss = ((forward() - y[None, :, None]) ** 2).mean(dim=1).sum()
        loss.backward()
        opt.step()
    with torch.no_grad():
        err = (forward() - y[None, :, None]).abs()  # (S, n, W)
    fits = {}
    for j, (w, a, b) in enumerate(zip(widths, ends - widths, ends)):
        fits[w] = ShallowFit(
            seeds,
            w,
            *(p.detach()[:, a:b].numpy().copy() for p in (w1, b1, w2)),
            b2.detach()[:, j].numpy().copy(),
            err[:, :, j].max(dim=1).values.numpy(),
            err[:, :, j].pow(2).mean(dim=1).sqrt().numpy(),
        )
    return fits


def breakpoints_shallow(w1: np.ndarray, b1: np.ndarray, w2: np.ndarray, x_range: tuple[float, float]) -> np.ndarray:
    """The kinks of one network x -> sum_h w2[h] ReLU(w1[h] x + b1[h]) inside ``x_range`` (sorted, distinct).

    Unit h kinks at x = -b1[h]/w1[h]; units with w1 = 0 or w2 = 0 add no kink.
    The number of linear pieces on ``x_range`` is ``len(result) + 1``.
    """
    w1, b1, w2 = (check_finite_array(a, n).astype(float) for a, n in ((w1, "w1"), (b1, "b1"), (w2, "w2")))
    if not (w1.ndim == 1 and w1.shape == b1.shape == w2.shape):
        raise ValueError(
            f"w1, b1 and w2 must be 1-D arrays of the same length (one network), got shapes {w1.shape}, {b1.shape}, {w2.shape}"
        )
    lo, hi = check_range(x_range, "x_range")
    live = (w1 != 0) & (w2 != 0)
    k = -b1[live] / w1[live]
    k = np.unique(np.round(k[(k > lo) & (k < hi)], 12))
    return k


def interpolation_error(target: Callable[[np.ndarray], np.ndarray], n_units: int, x_range: tuple[float, float], n_eval: int = 4001) -> float:
    """Max error of the ReLU interpolant of ``target`` with ``n_units`` equally spaced interior kinks."""
    n_units = check_int_in(n_units, "n_units", 0, 100_000)
    n_eval = check_int_in(n_eval, "n_eval", 2, 10_000_000)
    lo, hi = check_range(x_range, "x_range")
    xs = np.linspace(lo, hi, n_units + 2)
    f = from_breakpoints(xs, _target_values(target, xs))
    xe = np.linspace(lo, hi, n_eval)
    return float(np.max(np.abs(f(xe) - _target_values(target, xe))))


def _target_values(target: object, x: np.ndarray) -> np.ndarray:
    """``target(x)`` checked: a callable giving one finite real number per input."""
    check_callable(target, "target")
    y = check_finite_array(target(x.copy()), "target(x)").astype(np.float64)
    if y.shape != x.shape:
        raise ValueError(f"target must return one value per input: {x.shape} in, {y.shape} out")
    return y


from .i18n import register as _register  # noqa: E402

_register(
    {
        "expr.trained": {"en": "trained network (mean ± std over seeds)", "it": "rete addestrata (media ± d.s. sui seed)"},
        "expr.interpolant": {"en": "ReLU interpolant, equally spaced kinks", "it": "interpolante ReLU, punti angolosi equispaziati"},
        "expr.slope2": {"en": "slope −2 (error ∝ 1/n²)", "it": "pendenza −2 (errore ∝ 1/n²)"},
        "expr.deep": {"en": "deep: k layers of 2 units (sawtooth)", "it": "profonda: k strati da 2 unità (dente di sega)"},
        "expr.shallow": {"en": "shallow: one layer, best case n + 1", "it": "poco profonda: uno strato, al massimo n + 1"},
        "expr.total_units": {"en": "ReLU units in the network", "it": "unità ReLU nella rete"},
        "expr.width_col": {"en": "units", "it": "unità"},
        "expr.err_col": {"en": "max error (mean ± std)", "it": "errore max (media ± d.s.)"},
        "expr.pieces_col": {"en": "pieces (mean)", "it": "tratti (media)"},
        "expr.interp_col": {"en": "interpolant max error", "it": "errore max interpolante"},
        "expr.depth_col": {"en": "depth k", "it": "profondità k"},
        "expr.deep_pieces": {"en": "pieces, deep (counted)", "it": "tratti, profonda (contati)"},
        "expr.shallow_pieces": {"en": "pieces, one layer (at most)", "it": "tratti, uno strato (al massimo)"},
        "expr.ex_units": {"en": "units: {n} pieces: {pieces} same function: {same}",
                          "it": "unità: {n} tratti: {pieces} stessa funzione: {same}"},
        "expr.ex_plain": {"en": "plain layer: {n} units, same function: {same}",
                          "it": "strato semplice: {n} unità, stessa funzione: {same}"},
    }
)


# --------------------------------------------------------------------------- issue 18: the fit of sin x at two scales

from .replication import experiment  # noqa: E402

#: Widths of chapter 1's fit of sin x (one hidden layer of ReLUs).
SIN_WIDTHS: tuple[int, ...] = (2, 4, 8, 16, 32, 64)


@experiment(
    "ch1-sin-fit",
    book={"seeds": 5, "steps": 1500, "n_points": 128, "factors": [1.0], "tune_seeds": 0},
    full={"seeds": 20, "steps": 5000, "n_points": 256, "factors": [0.25, 0.5, 1.0, 2.0], "tune_seeds": 2},
    depends=(fit_shallow_widths, breakpoints_shallow, interpolation_error, from_breakpoints),
)
def sin_fit_scales(
    seeds: int = 5,
    steps: int = 1500,
    *,
    n_points: int = 128,
    factors: Sequence[float] = (1.0,),
    tune_seeds: int = 0,
    lr: float = 0.02,
    widths: Sequence[int] = SIN_WIDTHS,
) -> dict:
    """Fit sin x on [-π, π] with one hidden layer of ReLUs of every width, each width at its own tuned rate.

    :func:`fit_shallow_widths` on ``n_points`` equally spaced points, full-batch Adam for ``steps``
    steps. The rate of each width is ``lr * f`` for the factor ``f`` in ``factors`` whose tuning
    seeds (``1000 ..``) reach the lowest mean maximum error on the *validation* points, the midpoints
    between the training points (ties: the factor closest to 1); with one factor nothing is tuned.
    For the evaluation seeds ``0 .. seeds - 1`` at that rate: the maximum error on the training
    points, the number of linear pieces on [-π, π] (:func:`breakpoints_shallow`), and the maximum
    error of the interpolant with as many equally spaced kinks (:func:`interpolation_error`).
    Returns a JSON-serialisable dict.
    """
    seeds = check_int_in(seeds, "seeds", 2, 1000)
    tune_seeds = check_int_in(tune_seeds, "tune_seeds", 0, 1000)
    steps = check_int_in(steps, "steps", 1, 200_000)
    n_points = check_int_in(n_points, "n_points", 4, 1_000_000)
    lr = check_scalar_in(lr, "lr", 0.0, 10.0, low_open=True)
    widths = check_int_list(widths, "widths", 1, 4096)
    if not isinstance(factors, (list, tuple)) or not factors:
        raise ValueError(f"factors must be a non-empty list of positive multiples of lr, got {factors!r}")
    factors = [check_scalar_in(f, f"factors[{i}]", 0.0, 1000.0, low_open=True) for i, f in enumerate(factors)]
    if len(factors) > 1 and tune_seeds < 1:
        raise ValueError(f"tune_seeds must be at least 1 to choose among {len(factors)} rates, got {tune_seeds}")
    span = (-np.pi, np.pi)
    evals, tune = list(range(seeds)), list(range(1000, 1000 + (tune_seeds if len(factors) > 1 else 0)))
    grid = np.linspace(span[0], span[1], n_points)
    mid = (grid[1:] + grid[:-1]) / 2
    runs = {f: fit_shallow_widths(np.sin, widths, seeds=evals + tune, steps=steps, lr=lr * f, n_points=n_points)
            for f in factors}
    arms = []
    for w in widths:
        val = {f: float(np.mean(np.abs(runs[f][w].predict(mid)[len(evals):] - np.sin(mid)).max(axis=1))) if tune else 0.0
               for f in factors}
        best = min(factors, key=lambda f: (val[f], abs(np.log(f))))
        fit = runs[best][w]
        pieces = [len(breakpoints_shallow(fit.w1[i], fit.b1[i], fit.w2[i], span)) + 1 for i in range(len(evals))]
        arms.append({"width": w, "lr": lr * best, "val_error": [val[f] for f in factors] if tune else [],
                     "max_error": [float(v) for v in fit.max_error[: len(evals)]], "pieces": pieces,
                     "interp": interpolation_error(np.sin, w, span)})
    return {"seeds": evals, "tune_seeds": tune, "steps": steps, "n_points": n_points, "factors": factors, "arms": arms}


def sin_fit_effects(result: dict) -> dict[str, tuple[dict, float]]:
    """The effects behind chapter 1's verdict on trained ReLU fits (C03), from a ``sin_fit_scales`` result.

    ``{label: (interval, null)}``, each interval a dict ``mean, low, high, n`` over seeds: for each
    width, the trained network's maximum error divided by the interpolant's (null 1: above means
    worse than the interpolant); log10 of the error ratio from 2 to 8 and from 8 to 64 units
    (null 0: above means the error falls with width); the share of units that add no kink on
    [-π, π], averaged over the widths (null 0).
    """
    from . import stats
    from .i18n import t

    if not isinstance(result, dict) or "arms" not in result:
        raise ValueError("result must be the dict returned by sin_fit_scales (with an 'arms' list)")
    arms = {a["width"]: a for a in result["arms"]}
    err = {w: np.array(a["max_error"]) for w, a in arms.items()}

    def iv(values):
        sm = stats.summarize([float(v) for v in values])
        return {"mean": sm.mean, "low": sm.low, "high": sm.high, "n": sm.n}

    out = {t("expr.eff_ratio", w=w): (iv(err[w] / a["interp"]), 1.0) for w, a in arms.items()}
    for a, b in ((2, 8), (8, 64)):
        if a in err and b in err:
            out[t("expr.eff_fall", a=a, b=b)] = (iv(np.log10(err[a] / err[b])), 0.0)
    unused = np.mean([[1 - (p - 1) / w for p in arms[w]["pieces"]] for w in arms], axis=0)
    out[t("expr.eff_unused")] = (iv(unused), 0.0)
    return out


_register(
    {
        "expr.eff_ratio": {"en": "{w} units: max error / interpolant's", "it": "{w} unità: errore max / quello dell'interpolante"},
        "expr.eff_fall": {"en": "log10(max error with {a} units / with {b})", "it": "log10(errore max con {a} unità / con {b})"},
        "expr.eff_unused": {"en": "share of units that add no kink in [−π, π]", "it": "quota di unità che non aggiungono punti angolosi in [−π, π]"},
    }
)
__all__ += ["sin_fit_scales", "sin_fit_effects"]

_register(
    {
        "expr.scales": {"en": "Book scale (live): the fits above. Full scale (recorded {date}, {wall} s): {seeds} seeds, {steps} steps, {points} points, rates tuned per width:",
                        "it": "Scala del libro (dal vivo): le approssimazioni qui sopra. Scala piena (registrata il {date}, {wall} s): {seeds} seed, {steps} passi, {points} punti, learning rate scelti per ampiezza:"},
        "expr.tuned_lr": {"en": "{w} units: {lr}", "it": "{w} unità: {lr}"},
    }
)
