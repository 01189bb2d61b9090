"""Signal propagation through wide random networks: a theory that predicts what the chapters measure.

A layer computes :math:`z_{l+1} = W h_l + b`, :math:`h_l = \\varphi(z_l)`, with weights drawn
independently with mean 0 and variance :math:`\\sigma_w^2 / n_\\text{in}` and biases with variance
:math:`\\sigma_b^2`. Throughout, ``weight_var`` is :math:`\\sigma_w^2 = n_\\text{in}\\,\\mathrm{Var}(w)`
(2 for He, 1 for Xavier with equal fan-in and fan-out, 1/3 for PyTorch's default) and ``bias_var``
is :math:`\\sigma_b^2`. When the layers are wide, every pre-activation is Gaussian given the inputs,
and its covariance over pairs of inputs follows a deterministic map from layer to layer:

.. math::
    K_{l+1}(x, x') = \\sigma_w^2\\,\\mathbb E[\\varphi(u)\\varphi(u')] + \\sigma_b^2, \\qquad
    (u, u') \\sim \\mathcal N(0, K_l \\text{ restricted to } x, x').

For ReLU the expectation is the arc-cosine kernel of degree 1 of Cho and Saul (2009),

.. math::
    \\mathbb E[\\mathrm{ReLU}(u)\\,\\mathrm{ReLU}(u')] = \\frac{\\sqrt{q\\,q'}}{2\\pi}\\bigl(\\sin\\theta + (\\pi - \\theta)\\cos\\theta\\bigr),
    \\qquad \\cos\\theta = \\frac{K(x, x')}{\\sqrt{q\\,q'}},

whose diagonal is chapter 1's :math:`q/2` (:mod:`relulab.moments`). For tanh the expectations are
computed by Gauss–Hermite quadrature. The slope of the correlation map at :math:`c = 1`,
:math:`\\chi_1 = \\sigma_w^2\\,\\mathbb E[\\varphi'(z)^2]`, separates the ordered phase
(:math:`\\chi_1 < 1`: inputs become alike, gradients vanish) from the chaotic one
(:math:`\\chi_1 > 1`) (Poole et al. 2016; Schoenholz et al. 2017).

The module has closed forms (:func:`relu_expectation`, :func:`relu_kernel`, :func:`variance_map`,
:func:`correlation_map`, :func:`chi1`, :func:`critical_weight_var`, :func:`correlation_depth`,
:func:`kernels_through_depth`, ...), predictions of what the book measures
(:func:`predicted_spread`, :func:`predicted_dead_share`, :func:`predicted_zero_share_with_bias`,
:func:`predicted_gradient_log10_ratio`), and a Monte Carlo simulator of a random network
(:func:`simulate_pair`, :func:`simulate_layers`) that returns plain numpy arrays.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ._checks import check_array, check_finite_array, check_flag, check_int_in, check_int_list, check_numbers, check_scalar_in, check_seeds
from .moments import relu_gaussian_moments

__all__ = [
    "ACTIVATIONS",
    "INITS",
    "relu_expectation",
    "relu_step_expectation",
    "relu_correlation_map",
    "relu_kernel",
    "variance_map",
    "fixed_point_variance",
    "correlation_map",
    "correlation_fixed_point",
    "chi1",
    "chi_c",
    "critical_weight_var",
    "correlation_depth",
    "correlations_through_depth",
    "layer_variances",
    "kernels_through_depth",
    "predicted_spread",
    "predicted_dead_share",
    "predicted_zero_share_with_bias",
    "predicted_gradient_log10_ratio",
    "PairSimulation",
    "simulate_pair",
    "LayerSimulation",
    "simulate_layers",
    "mean_ci",
    "ci_text",
    "plot_correlation_maps",
    "correlation_table",
    "plot_phases",
    "phase_table",
]

#: Activations the variance and correlation maps know.
ACTIVATIONS: tuple[str, ...] = ("relu", "tanh")
#: Initializations of :func:`layer_variances` (as in :mod:`relulab.gradients`).
INITS: tuple[str, ...] = ("default", "xavier", "he")

_NODES = 60


def _check_activation(activation: object) -> str:
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {ACTIVATIONS}, got {activation!r}")
    return str(activation)


def _check_var(value: object, name: str, *, positive: bool = False) -> float:
    return check_scalar_in(value, name, 0.0, 1e6, low_open=positive)


def _check_corr(c: object, name: str = "c") -> np.ndarray:
    arr = check_array(c, name).astype(float)
    if not np.all(np.isfinite(arr)) or np.any(arr < -1 - 1e-12) or np.any(arr > 1 + 1e-12):
        raise ValueError(f"{name} must hold correlations in [-1, 1], got {c!r}")
    return np.clip(arr, -1.0, 1.0)


# --------------------------------------------------------------------------- closed forms, ReLU


def _check_inputs(x: object) -> np.ndarray:
    """``x``: a finite (inputs, features) matrix with at least one input and one feature."""
    x = check_finite_array(x, "x")
    if x.ndim != 2 or x.shape[0] < 1 or x.shape[1] < 1:
        raise ValueError(f"x must be an (inputs, features) matrix with at least one of each, got shape {x.shape}")
    return x


def relu_expectation(c: float | np.ndarray, q1: float = 1.0, q2: float | None = None) -> float | np.ndarray:
    """:math:`\\mathbb E[\\mathrm{ReLU}(u)\\,\\mathrm{ReLU}(v)]` for centred Gaussians of variances ``q1``, ``q2`` and correlation ``c``.

    The arc-cosine kernel of degree 1 (Cho and Saul, 2009):
    :math:`\\frac{\\sqrt{q_1 q_2}}{2\\pi}(\\sin\\theta + (\\pi - \\theta)\\cos\\theta)`, :math:`\\theta = \\arccos c`.
    At ``c = 1`` and ``q1 = q2 = q`` it is chapter 1's second moment, ``q / 2``.
    """
    c = _check_corr(c)
    q1 = _check_var(q1, "q1")
    q2 = q1 if q2 is None else _check_var(q2, "q2")
    theta = np.arccos(c)
    out = math.sqrt(q1 * q2) / (2.0 * math.pi) * (np.sin(theta) + (math.pi - theta) * c)
    return float(out) if out.ndim == 0 else out


def relu_step_expectation(c: float | np.ndarray) -> float | np.ndarray:
    """:math:`\\mathbb E[\\mathrm{ReLU}'(u)\\,\\mathrm{ReLU}'(v)] = P(u > 0, v > 0) = (\\pi - \\arccos c) / (2\\pi)`.

    The arc-cosine kernel of degree 0: the probability that a unit is active for both of two
    inputs whose pre-activations have correlation ``c`` (any variances).
    """
    c = _check_corr(c)
    out = (math.pi - np.arccos(c)) / (2.0 * math.pi)
    return float(out) if out.ndim == 0 else out


def relu_correlation_map(c: float | np.ndarray) -> float | np.ndarray:
    """The correlation of the next layer's pre-activations, for ReLU with zero biases.

    :math:`c \\mapsto (\\sqrt{1 - c^2} + (\\pi - \\arccos c)\\,c)/\\pi`, whatever the weights' scale
    (positive homogeneity): it maps 0 to :math:`1/\\pi`, has the fixed point 1 with slope 1.
    """
    c = _check_corr(c)
    out = 2.0 * np.asarray(relu_expectation(c))
    return float(out) if out.ndim == 0 else out


def relu_kernel(K: np.ndarray) -> np.ndarray:
    """Post-activation kernel :math:`\\mathbb E[\\mathrm{ReLU}(z_i)\\mathrm{ReLU}(z_j)]` for :math:`z \\sim \\mathcal N(0, K)`.

    ``K`` is a symmetric positive semi-definite matrix (one row per input); inputs of zero
    variance give zero rows.
    """
    K = check_array(K, "K").astype(float)
    if K.ndim != 2 or K.shape[0] != K.shape[1]:
        raise ValueError(f"K must be a square matrix, got shape {K.shape}")
    if not np.all(np.isfinite(K)) or not np.allclose(K, K.T, rtol=1e-10, atol=1e-12 * max(1.0, np.abs(K).max(initial=0))):
        raise ValueError("K must be a finite symmetric matrix")
    d = np.sqrt(np.clip(np.diag(K), 0.0, None))
    norm = np.outer(d, d)
    with np.errstate(invalid="ignore", divide="ignore"):
        c = np.where(norm > 0, K / np.where(norm > 0, norm, 1.0), 1.0)
    c = np.clip(c, -1.0, 1.0)
    theta = np.arccos(c)
    return norm / (2.0 * math.pi) * (np.sin(theta) + (math.pi - theta) * c)


# --------------------------------------------------------------------------- quadrature, any activation


def _phi(activation: str, x: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0.0) if activation == "relu" else np.tanh(x)


def _dphi(activation: str, x: np.ndarray) -> np.ndarray:
    return (x > 0).astype(float) if activation == "relu" else 1.0 / np.cosh(x) ** 2


@functools.lru_cache(maxsize=8)
def _gauss(nodes: int = _NODES) -> tuple[np.ndarray, np.ndarray]:
    z, w = np.polynomial.hermite_e.hermegauss(nodes)
    z.flags.writeable = False
    w = w / math.sqrt(2.0 * math.pi)
    w.flags.writeable = False
    return z, w


def _pair_expectation(f, q: float, c: float, nodes: int = _NODES) -> float:
    """E[f(u) f(v)] for u, v ~ N(0, q) with correlation c, by a 2-d Gauss–Hermite rule."""
    z, w = _gauss(nodes)
    z1, z2 = np.meshgrid(z, z, indexing="ij")
    ww = np.outer(w, w)
    s = math.sqrt(q)
    u = s * z1
    v = s * (c * z1 + math.sqrt(max(0.0, 1.0 - c * c)) * z2)
    return float(np.sum(ww * f(u) * f(v)))


def variance_map(q: float, activation: str = "relu", *, weight_var: float = 2.0, bias_var: float = 0.0) -> float:
    """The next layer's pre-activation variance: :math:`q' = \\sigma_w^2\\,\\mathbb E[\\varphi(\\sqrt q\\,z)^2] + \\sigma_b^2`.

    For ReLU, :math:`\\mathbb E[\\mathrm{ReLU}(\\sqrt q z)^2] = q/2` (chapter 1's moments); for tanh, by
    Gauss–Hermite quadrature.
    """
    activation = _check_activation(activation)
    q = _check_var(q, "q")
    weight_var = _check_var(weight_var, "weight_var")
    bias_var = _check_var(bias_var, "bias_var")
    if q == 0.0:
        return bias_var
    if activation == "relu":
        second = relu_gaussian_moments(0.0, math.sqrt(q)).second_moment
    else:
        z, w = _gauss()
        second = float(np.sum(w * np.tanh(math.sqrt(q) * z) ** 2))
    return weight_var * second + bias_var


def fixed_point_variance(
    activation: str = "tanh", *, weight_var: float = 1.0, bias_var: float = 0.0, q0: float = 1.0, tol: float = 1e-12, max_iter: int = 100_000
) -> float:
    """The fixed point :math:`q^*` of :func:`variance_map`, iterated from ``q0``.

    Returns ``inf`` when the variance grows without bound (ReLU with ``weight_var > 2``, or
    ``weight_var = 2`` with a positive ``bias_var``) and ``q0`` when every variance is fixed
    (ReLU with ``weight_var = 2`` and no bias).
    """
    activation = _check_activation(activation)
    weight_var = _check_var(weight_var, "weight_var")
    bias_var = _check_var(bias_var, "bias_var")
    q0 = _check_var(q0, "q0")
    tol = check_scalar_in(tol, "tol", 0.0, 1.0, low_open=True)
    max_iter = check_int_in(max_iter, "max_iter", 1)
    if activation == "relu":
        slope = weight_var / 2.0
        if slope > 1.0 or (slope == 1.0 and bias_var > 0.0):
            return math.inf
        if slope == 1.0:
            return q0
        return bias_var / (1.0 - slope)
    q = q0
    for _ in range(max_iter):
        new = variance_map(q, "tanh", weight_var=weight_var, bias_var=bias_var)
        if abs(new - q) <= tol * max(1.0, q):
            return new
        q = new
    return q


def correlation_map(
    c: float, activation: str = "relu", *, weight_var: float = 2.0, bias_var: float = 0.0, q: float | None = None
) -> float:
    """The next layer's correlation of two inputs whose pre-activations have variance ``q`` and correlation ``c``.

    :math:`c' = (\\sigma_w^2\\,\\mathbb E[\\varphi(u)\\varphi(v)] + \\sigma_b^2) / q'`, with :math:`q'` from
    :func:`variance_map`. ``q`` defaults to the fixed point :func:`fixed_point_variance` (1 when it
    does not exist). For ReLU the expectation is the arc-cosine kernel (closed form).
    """
    activation = _check_activation(activation)
    c = float(_check_corr(c))
    weight_var = _check_var(weight_var, "weight_var")
    bias_var = _check_var(bias_var, "bias_var")
    if q is None:
        q = fixed_point_variance(activation, weight_var=weight_var, bias_var=bias_var)
        if not math.isfinite(q) or q == 0.0:
            q = 1.0
    q = _check_var(q, "q", positive=True)
    if activation == "relu":
        cross = relu_expectation(c, q)
    else:
        cross = _pair_expectation(np.tanh, q, c)
    q_next = variance_map(q, activation, weight_var=weight_var, bias_var=bias_var)
    return float(np.clip((weight_var * cross + bias_var) / q_next, -1.0, 1.0)) if q_next > 0 else 1.0


def correlation_fixed_point(
    activation: str = "tanh", *, weight_var: float = 1.0, bias_var: float = 0.0, tol: float = 1e-12
) -> float:
    """The stable fixed point :math:`c^*` of :func:`correlation_map` at :math:`q^*`.

    1 in the ordered phase and at the edge of chaos (:math:`\\chi_1 \\le 1`); in the chaotic
    phase the root of :math:`f(c) = c` below 1, found by bisection (:math:`f(c) > c` below it,
    :math:`f(c) < c` between it and 1).
    """
    activation = _check_activation(activation)
    tol = check_scalar_in(tol, "tol", 0.0, 1.0, low_open=True)
    if chi1(activation, weight_var=weight_var, bias_var=bias_var) <= 1.0:
        return 1.0
    q = fixed_point_variance(activation, weight_var=weight_var, bias_var=bias_var)
    if not math.isfinite(q) or q == 0.0:
        q = 1.0
    low, high = -1.0, 1.0 - 1e-6
    if correlation_map(low, activation, weight_var=weight_var, bias_var=bias_var, q=q) <= low:
        return low
    while high - low > tol:
        mid = 0.5 * (low + high)
        if correlation_map(mid, activation, weight_var=weight_var, bias_var=bias_var, q=q) > mid:
            low = mid
        else:
            high = mid
    return 0.5 * (low + high)


def chi1(activation: str = "relu", *, weight_var: float = 2.0, bias_var: float = 0.0, q: float | None = None) -> float:
    """:math:`\\chi_1 = \\sigma_w^2\\,\\mathbb E[\\varphi'(\\sqrt{q} z)^2]`, at the fixed point :math:`q^*` unless ``q`` is given.

    The slope of the correlation map at :math:`c = 1`, and the factor by which one layer
    multiplies the gradient's mean square: below 1 the network is ordered (vanishing
    gradients), above 1 chaotic (exploding gradients), at 1 critical. For ReLU it is
    :math:`\\sigma_w^2 / 2` at every ``q``: critical exactly at He's scale.
    """
    activation = _check_activation(activation)
    weight_var = _check_var(weight_var, "weight_var")
    bias_var = _check_var(bias_var, "bias_var")
    if q is not None:
        q = _check_var(q, "q")
    if activation == "relu":
        return weight_var / 2.0
    if q is None:
        q = fixed_point_variance(activation, weight_var=weight_var, bias_var=bias_var)
    q = _check_var(q, "q")
    z, w = _gauss()
    return weight_var * float(np.sum(w * _dphi("tanh", math.sqrt(q) * z) ** 2))


def chi_c(activation: str = "relu", *, weight_var: float = 2.0, bias_var: float = 0.0) -> float:
    """:math:`\\chi_c = \\sigma_w^2\\,\\mathbb E[\\varphi'(u)\\varphi'(v)]` at the fixed point :math:`(q^*, c^*)`: the slope of the correlation map there."""
    activation = _check_activation(activation)
    c_star = correlation_fixed_point(activation, weight_var=weight_var, bias_var=bias_var)
    if activation == "relu":
        return weight_var * float(relu_step_expectation(c_star))
    q = fixed_point_variance(activation, weight_var=weight_var, bias_var=bias_var)
    if q == 0.0:
        return chi1("tanh", weight_var=weight_var, bias_var=bias_var, q=0.0)
    return weight_var * _pair_expectation(lambda x: _dphi("tanh", x), q, c_star)


def critical_weight_var(activation: str = "tanh", *, bias_var: float = 0.0, low: float = 0.1, high: float = 20.0, tol: float = 1e-10) -> float:
    """The weight variance :math:`\\sigma_w^2` at which :math:`\\chi_1 = 1` (the edge of chaos), by bisection.

    2 for ReLU at every ``bias_var`` (He's scale); for tanh 1 without biases (where the fixed point
    is :math:`q^* = 0` and :math:`\\chi_1 = \\sigma_w^2`), more with them.
    """
    activation = _check_activation(activation)
    bias_var = _check_var(bias_var, "bias_var")
    low = check_scalar_in(low, "low", 0.0, 1e6, low_open=True)
    high = check_scalar_in(high, "high", low, 1e6, low_open=True)
    tol = check_scalar_in(tol, "tol", 0.0, 1.0, low_open=True)
    if activation == "relu":
        return 2.0
    if bias_var == 0.0:
        return 1.0  # q* = 0 up to sigma_w^2 = 1, where chi_1 = sigma_w^2 * tanh'(0)^2 = sigma_w^2

    def excess(v: float) -> float:
        return chi1("tanh", weight_var=v, bias_var=bias_var) - 1.0

    if excess(low) > 0 or excess(high) < 0:
        raise ValueError(f"no edge of chaos between low={low} and high={high} for bias_var={bias_var}")
    while high - low > tol:
        mid = 0.5 * (low + high)
        low, high = (mid, high) if excess(mid) < 0 else (low, mid)
    return 0.5 * (low + high)


def correlation_depth(activation: str = "tanh", *, weight_var: float = 1.0, bias_var: float = 0.0) -> float:
    """Depth scale :math:`\\xi_c = -1/\\ln\\chi_c` over which correlations approach their fixed point (Schoenholz et al., 2017).

    Infinite at the edge of chaos (:math:`\\chi_c = 1`), where the approach is no longer exponential.
    """
    x = chi_c(activation, weight_var=weight_var, bias_var=bias_var)
    if x >= 1.0 - 1e-9:
        return math.inf
    if x <= 0.0:
        return 0.0
    return -1.0 / math.log(x)


def correlations_through_depth(c0: float, depth: int, activation: str = "relu", *, weight_var: float = 2.0, bias_var: float = 0.0, q0: float = 1.0) -> np.ndarray:
    """Correlation of two inputs' pre-activations at layers 1..``depth``; layer 1 has correlation ``c0`` and variance ``q0`` for both."""
    activation = _check_activation(activation)
    depth = check_int_in(depth, "depth", 1, 100_000)
    c = float(_check_corr(c0, "c0"))
    q = _check_var(q0, "q0", positive=True)
    out = [c]
    for _ in range(depth - 1):
        c = correlation_map(c, activation, weight_var=weight_var, bias_var=bias_var, q=q)
        q = variance_map(q, activation, weight_var=weight_var, bias_var=bias_var)
        if not math.isfinite(q) or q <= 0.0:
            raise ValueError("the variance left (0, inf): choose weight_var, bias_var and depth that keep it finite")
        out.append(c)
    return np.array(out)


# --------------------------------------------------------------------------- the book's networks


def layer_variances(init: str, widths: Sequence[int]) -> list[tuple[float, float]]:
    """``(weight_var, bias_var)`` of every Linear layer ``widths[i] -> widths[i+1]`` as :mod:`relulab.gradients` draws them.

    ``weight_var`` is :math:`n_\\text{in}\\mathrm{Var}(w)`: PyTorch's default (uniform on
    :math:`\\pm 1/\\sqrt{n_\\text{in}}`, biases too) gives 1/3 and :math:`1/(3 n_\\text{in})`;
    Xavier :math:`2 n_\\text{in}/(n_\\text{in}+n_\\text{out})` and no bias; He 2 and no bias.
    """
    if init not in INITS:
        raise ValueError(f"init must be one of {INITS}, got {init!r}")
    widths = check_int_list(widths, "widths", 1, 1_000_000)
    if len(widths) < 2:
        raise ValueError(f"widths must have at least two entries (input and output), got {widths}")
    out = []
    for n_in, n_out in zip(widths, widths[1:]):
        if init == "default":
            out.append((1.0 / 3.0, 1.0 / (3.0 * n_in)))
        elif init == "xavier":
            out.append((2.0 * n_in / (n_in + n_out), 0.0))
        else:
            out.append((2.0, 0.0))
    return out


def kernels_through_depth(x: np.ndarray, variances: Sequence[tuple[float, float]]) -> list[np.ndarray]:
    """The wide-network pre-activation kernel of the inputs ``x`` (rows) at every layer.

    ``variances`` gives ``(weight_var, bias_var)`` for each layer (see :func:`layer_variances`); the
    first layer's kernel is :math:`\\sigma_w^2\\,x x^\\top / n_0 + \\sigma_b^2`, each next one
    :math:`\\sigma_w^2\\,\\mathrm{relu\\_kernel}(K) + \\sigma_b^2`. ReLU network, zero-mean weights and biases.
    """
    x = _check_inputs(x).astype(float)
    if x.ndim != 2 or x.shape[0] < 1:
        raise ValueError(f"x must be a (inputs, features) matrix, got shape {x.shape}")
    if isinstance(variances, (str, bytes)) or not isinstance(variances, Sequence):
        raise TypeError(f"variances must be a non-empty list of (weight_var, bias_var) pairs, got {variances!r:.80}")
    if not variances:
        raise ValueError("variances must give at least one layer")
    if not all(isinstance(v, (tuple, list)) and len(v) == 2 for v in variances):
        raise ValueError(f"variances must hold (weight_var, bias_var) pairs, got {variances!r:.80}")
    kernels = []
    K = None
    for i, (wv, bv) in enumerate(variances):
        wv = _check_var(wv, f"variances[{i}] weight_var")
        bv = _check_var(bv, f"variances[{i}] bias_var")
        K = wv * (x @ x.T) / x.shape[1] + bv if K is None else wv * relu_kernel(K) + bv
        kernels.append(K)
    return kernels


def predicted_spread(K: np.ndarray) -> float:
    """The input spread of a layer's ReLU outputs, predicted from its pre-activation kernel ``K``.

    Chapter 2's measure: RMS over units of the standard deviation over the inputs, over the RMS.
    Wide limit: :math:`\\sqrt{1 - \\overline{H} / \\overline{\\mathrm{diag} H}}`, with :math:`H` = :func:`relu_kernel` ``(K)``
    and bars for means over all entries.
    """
    H = relu_kernel(K)
    power = float(np.mean(np.diag(H)))
    if power <= 0:
        return 0.0
    return math.sqrt(max(0.0, 1.0 - float(np.mean(H)) / power))


def predicted_dead_share(K: np.ndarray, *, samples: int = 20_000, seed: int = 0) -> tuple[float, float]:
    """Probability that a unit whose pre-activations on the inputs are :math:`\\mathcal N(0, K)` is off for all of them.

    The share of units dead on the data in a wide network with zero biases; a Gaussian orthant
    probability, estimated from ``samples`` Gaussian vectors. Returns ``(estimate, standard error)``.
    """
    K = check_array(K, "K").astype(float)
    if K.ndim != 2 or K.shape[0] != K.shape[1]:
        raise ValueError(f"K must be a square matrix, got shape {K.shape}")
    samples = check_int_in(samples, "samples", 100, 10_000_000)
    seed = check_int_in(seed, "seed", 0, 2**32 - 1)
    vals, vecs = np.linalg.eigh(0.5 * (K + K.T))
    keep = vals > vals.max(initial=0.0) * 1e-12
    root = vecs[:, keep] * np.sqrt(vals[keep])
    rng = np.random.default_rng(seed)
    hits = 0
    done = 0
    while done < samples:
        m = min(4096, samples - done)
        z = rng.standard_normal((m, int(keep.sum()))) @ root.T
        hits += int(np.count_nonzero((z <= 0).all(axis=1)))
        done += m
    p = hits / samples
    return p, math.sqrt(max(p * (1 - p), 1.0 / samples) / samples)


def predicted_zero_share_with_bias(x: np.ndarray, depth: int, *, bias: float, weight_var: float = 2.0) -> np.ndarray:
    """Share of zeros at layers 1..``depth`` of a wide ReLU network whose biases all equal ``bias``.

    For each input, the pre-activation of every unit is :math:`\\mathcal N(b, q_l)`, a unit is off with
    probability :math:`1 - \\Phi(b/\\sqrt{q_l})`, and :math:`q_{l+1} = \\sigma_w^2\\,\\mathbb E[\\mathrm{ReLU}(z)^2]`,
    :math:`z \\sim \\mathcal N(b, q_l)` — chapter 1's moments with a non-zero mean. Averaged over the inputs.
    """
    x = _check_inputs(x).astype(float)
    if x.ndim != 2:
        raise ValueError(f"x must be a (inputs, features) matrix, got shape {x.shape}")
    depth = check_int_in(depth, "depth", 1, 10_000)
    bias = check_scalar_in(bias, "bias", -1e3, 1e3)
    weight_var = _check_var(weight_var, "weight_var", positive=True)
    shares = np.zeros(depth)
    for norm2 in (x * x).sum(axis=1) / x.shape[1]:
        q = weight_var * norm2
        for layer in range(depth):
            if q <= 0.0:
                shares[layer:] += 0.0 if bias > 0 else 1.0
                break
            if not math.sqrt(q) <= 1e6:
                raise ValueError(f"x is too large: its pre-activations reach a standard deviation of {math.sqrt(q):.3g} (at most 1e6)")
            m = relu_gaussian_moments(bias, math.sqrt(q))
            shares[layer] += 1.0 - m.p_active
            q = weight_var * m.second_moment
    return shares / x.shape[0]


def predicted_gradient_log10_ratio(init: str, depth: int, width: int) -> float:
    """:math:`\\log_{10}` of the gradient's RMS at the first hidden layer over that at the last, wide limit.

    Between hidden layers of equal ``width`` each step back multiplies the mean square by
    :math:`\\sigma_w^2\\,\\mathbb E[\\mathrm{ReLU}'(z)^2] = \\sigma_w^2/2` (symmetric weights and biases
    keep :math:`P(z > 0) = 1/2`); ``depth - 1`` steps.
    """
    depth = check_int_in(depth, "depth", 2, 100_000)
    width = check_int_in(width, "width", 1)
    wv, _ = layer_variances(init, [width, width])[0]
    return (depth - 1) / 2.0 * math.log10(chi1("relu", weight_var=wv))


# --------------------------------------------------------------------------- Monte Carlo


@dataclass(frozen=True)
class PairSimulation:
    """Two inputs through random networks: one row per seed, one column per layer (1..depth)."""

    q1: np.ndarray  #: pre-activation variance of input 1 (mean square over the units)
    q2: np.ndarray  #: same for input 2
    c: np.ndarray  #: empirical correlation of the two pre-activation vectors (cosine over the units)
    active: np.ndarray  #: share of units active for input 1


def simulate_pair(
    c0: float,
    depth: int,
    width: int,
    activation: str = "relu",
    *,
    weight_var: float = 2.0,
    bias_var: float = 0.0,
    seeds: Sequence[int] = (0, 1, 2),
) -> PairSimulation:
    """Propagate two inputs with correlation ``c0`` through random networks of ``depth`` layers of ``width`` units.

    Layer 1's pre-activations are exactly Gaussian with unit variance and correlation ``c0``
    (drawn with the seed); each next layer draws weights :math:`\\mathcal N(0, \\sigma_w^2/n)` and
    biases :math:`\\mathcal N(0, \\sigma_b^2)`. Float64 numpy; one network per seed.
    """
    activation = _check_activation(activation)
    c0 = float(_check_corr(c0, "c0"))
    depth = check_int_in(depth, "depth", 1, 10_000)
    width = check_int_in(width, "width", 2, 100_000)
    weight_var = _check_var(weight_var, "weight_var")
    bias_var = _check_var(bias_var, "bias_var")
    seeds = check_seeds(seeds)
    q1, q2, cc, act = (np.zeros((len(seeds), depth)) for _ in range(4))
    for i, s in enumerate(seeds):
        rng = np.random.default_rng(s)
        g = rng.standard_normal((2, width))
        z = np.stack([g[0], c0 * g[0] + math.sqrt(1 - c0 * c0) * g[1]])
        for layer in range(depth):
            if layer:
                w = rng.standard_normal((width, width)) * math.sqrt(weight_var / width)
                b = rng.standard_normal(width) * math.sqrt(bias_var)
                z = _phi(activation, z) @ w.T + b
            m1, m2 = float(z[0] @ z[0]) / width, float(z[1] @ z[1]) / width
            q1[i, layer], q2[i, layer] = m1, m2
            cc[i, layer] = float(z[0] @ z[1]) / width / math.sqrt(m1 * m2) if m1 > 0 and m2 > 0 else 1.0
            act[i, layer] = float(np.mean(z[0] > 0))
    return PairSimulation(q1, q2, cc, act)


@dataclass(frozen=True)
class LayerSimulation:
    """Inputs through random ReLU networks: one row per seed, one column per hidden layer (1..depth)."""

    spread: np.ndarray  #: chapter 2's input spread of the layer's outputs
    dead: np.ndarray  #: share of units off for every input
    zero: np.ndarray  #: share of zeros (units × inputs)
    rms: np.ndarray  #: RMS of the layer's outputs


def simulate_layers(
    x: np.ndarray, depth: int, width: int, *, init: str = "he", seeds: Sequence[int] = (0, 1, 2), float32: bool = False
) -> LayerSimulation:
    """Run the rows of ``x`` through fresh ReLU MLPs ``x.shape[1] -> width × depth`` (Gaussian weights, ``init`` as in :func:`layer_variances`).

    Weights are normal with the variance of ``init`` (the default's uniform draw is replaced by a
    normal one of the same variance; biases normal too). Returns plain arrays per seed and layer.
    """
    x = _check_inputs(x).astype(np.float32 if check_flag(float32, "float32") else float)
    if x.ndim != 2:
        raise ValueError(f"x must be a (inputs, features) matrix, got shape {x.shape}")
    depth = check_int_in(depth, "depth", 1, 10_000)
    width = check_int_in(width, "width", 1, 100_000)
    seeds = check_seeds(seeds)
    variances = layer_variances(init, [x.shape[1]] + [width] * depth)
    spread, dead, zero, rms = (np.zeros((len(seeds), depth)) for _ in range(4))
    for i, s in enumerate(seeds):
        rng = np.random.default_rng(s)
        h = x
        for layer, (wv, bv) in enumerate(variances):
            n_in = h.shape[1]
            w = (rng.standard_normal((n_in, width)) * math.sqrt(wv / n_in)).astype(h.dtype)
            b = (rng.standard_normal(width) * math.sqrt(bv)).astype(h.dtype)
            h = np.maximum(h @ w + b, 0.0)
            power = float(np.mean(h.astype(float) ** 2))
            rms[i, layer] = math.sqrt(power)
            spread[i, layer] = math.sqrt(float(np.mean(h.astype(float).var(axis=0))) / power) if power > 0 else 0.0
            off = h == 0
            zero[i, layer] = float(off.mean())
            dead[i, layer] = float(off.all(axis=0).mean())
    return LayerSimulation(spread, dead, zero, rms)


def mean_ci(values: Sequence[float] | np.ndarray) -> tuple[float, float]:
    """Mean and half-width of its 95% interval (Student's t) over seeds; needs at least two values."""
    from .checks import paired

    if isinstance(values, np.ndarray):
        values = check_array(values, "values").astype(float).ravel().tolist()
    p = paired(check_numbers(values, "values", finite=True))
    return p.mean, p.half_width


def ci_text(values: Sequence[float] | np.ndarray, decimals: int = 2) -> str:
    """``"mean ± half-width of the 95% interval"`` over seeds, both to ``decimals`` decimals."""
    decimals = check_int_in(decimals, "decimals", 0, 12)
    mean, half = mean_ci(values)
    return f"{mean:.{decimals}f} ± {half:.{decimals}f}"



# --------------------------------------------------------------------------- figures and tables of chapter 2b
# (they draw and print themselves in the current language: the chapter's cells only choose what to show)


def _check_theory_pair(theory: object, pair: object) -> np.ndarray:
    """``theory`` as a finite 1-D array with one value per layer of ``pair`` (a :class:`PairSimulation`)."""
    theory = check_finite_array(theory, "theory")
    if not isinstance(pair, PairSimulation):
        raise TypeError(f"pair must be the PairSimulation of simulate_pair, got {type(pair).__name__}")
    if theory.ndim != 1 or theory.shape[0] != pair.c.shape[1]:
        raise ValueError(f"theory must have one value per layer of pair ({pair.c.shape[1]}), got shape {theory.shape}")
    return theory


def plot_correlation_maps(theory: np.ndarray, pair: PairSimulation, *, width: int, tanh_weight_vars: Sequence[float] = (1.5, 3.0),
                          bias_var: float = 0.05):
    """Two panels, one above the other: the correlation maps (ReLU, tanh at ``tanh_weight_vars``) with the
    tanh fixed point, and the correlation of two inputs through depth, formula (``theory``) against the
    random networks of ``pair`` (mean and 95% interval over its seeds, every third layer). Returns the axes."""
    from .i18n import localize_numbers, t
    from .plotting import OKABE_ITO, series_style, subplots

    theory = _check_theory_pair(theory, pair)
    depth = theory.shape[0]
    width = check_int_in(width, "width", 1)
    weight_vars = [_check_var(v, "tanh_weight_vars[]", positive=True) for v in check_numbers(tanh_weight_vars, "tanh_weight_vars", finite=True)]
    bias_var = _check_var(bias_var, "bias_var")
    cs = np.linspace(-1, 1, 201)
    fig, (ax1, ax2) = subplots(1, 2, width=6.4, height=3.4)
    ax1.plot(cs, cs, color="0.6", linestyle=":", label=t("prop.identity"))
    ax1.plot(cs, relu_correlation_map(cs), label="ReLU", **{**series_style(0), "marker": None})
    for i, wv in enumerate(weight_vars, start=1):
        ax1.plot(cs, [correlation_map(c, "tanh", weight_var=wv, bias_var=bias_var) for c in cs],
                 label=localize_numbers(f"tanh, σ_w² = {wv}, σ_b² = {bias_var}"), **{**series_style(i), "marker": None})
    c_star = correlation_fixed_point("tanh", weight_var=weight_vars[-1], bias_var=bias_var)
    ax1.plot([c_star, 1.0], [c_star, 1.0], "ko", label=t("prop.fixed_point"))
    ax1.set(xlabel=t("prop.correlation_in"), ylabel=t("prop.correlation_out"))
    ax1.legend(fontsize=8)
    layers = np.arange(1, depth + 1)
    ax2.plot(layers, theory, label=t("prop.theory"), **{**series_style(0), "marker": None})
    ci = np.array([mean_ci(pair.c[:, k]) for k in range(depth)])
    ax2.errorbar(layers[::3], ci[::3, 0], yerr=ci[::3, 1], fmt="s", color=OKABE_ITO[1], label=t("prop.mc", width=width))
    ax2.set(xlabel=t("prop.layer"), ylabel=t("prop.correlation"), ylim=(-0.05, 1.02))
    ax2.legend()
    return ax1, ax2


def correlation_table(theory: np.ndarray, pair: PairSimulation, *, width: int, layers: Sequence[int] = (2, 5, 10, 30)) -> str:
    """The correlation at some ``layers`` (1-based): formula against the random networks (mean [95% interval])."""
    from .i18n import t
    from .tables import format_table

    theory = _check_theory_pair(theory, pair)
    layers = check_int_list(layers, "layers")
    for k in layers:
        if not 1 <= k <= theory.shape[0]:
            raise ValueError(f"layers must lie in 1..{theory.shape[0]}, got {k}")
    width = check_int_in(width, "width", 1)
    rows = [[k, f"{theory[k - 1]:.3f}", ci_text(pair.c[:, k - 1], 3)] for k in layers]
    return format_table(rows, [t("prop.layer"), t("prop.theory"), t("prop.mc", width=width)])


def plot_phases(*, bias_var: float = 0.05):
    """Two panels, one above the other: the tanh edge of chaos in the (σ_w², σ_b²) plane with ReLU's
    (σ_w² = 2), and tanh's correlation depth ξ_c against σ_w² at ``bias_var`` (log scale, the critical
    σ_w² dotted). Returns the axes and the critical σ_w² at ``bias_var``."""
    from .i18n import localize_numbers, t
    from .plotting import series_style, subplots

    bias_var = _check_var(bias_var, "bias_var")
    bias_vars = np.linspace(0.0, 0.3, 9)
    edge = [critical_weight_var("tanh", bias_var=b, tol=1e-8) for b in bias_vars]
    weight_vars = np.linspace(0.3, 4.0, 38)
    xi = [correlation_depth("tanh", weight_var=v, bias_var=bias_var) for v in weight_vars]
    fig, (ax1, ax2) = subplots(1, 2, width=6.4, height=3.2)
    ax1.plot(edge, bias_vars, label=t("prop.edge_tanh"), **{**series_style(0), "marker": None})
    ax1.axvline(2.0, label=t("prop.edge_relu"), **{k: v for k, v in series_style(1).items() if k in ("color", "linestyle")})
    ax1.text(0.4, 0.25, t("prop.ordered"))
    ax1.text(2.8, 0.05, t("prop.chaotic"))
    ax1.set(xlabel=t("prop.weight_var"), ylabel=t("prop.bias_var"), xlim=(0, 4))
    ax1.legend(loc="upper right", fontsize=8)
    ax2.plot(weight_vars, np.minimum(xi, 1e4), **{**series_style(0), "marker": None})
    crit = critical_weight_var("tanh", bias_var=bias_var)
    ax2.axvline(crit, color="0.5", linestyle=":")
    ax2.set(yscale="log", xlabel=t("prop.weight_var"), ylabel=t("prop.depth_scale"), title=localize_numbers(f"tanh, σ_b² = {bias_var}"))
    return (ax1, ax2), crit


def phase_table(weight_vars: Sequence[float] = (1.0, 1.5, 2.0, 3.0), *, bias_var: float = 0.05) -> str:
    """tanh at some σ_w² (and ``bias_var``): χ₁, the correlation fixed point c* and the correlation depth ξ_c;
    then ReLU at σ_w² = 2 (He) on one line."""
    from .tables import format_table

    weight_vars = [_check_var(v, "weight_vars[]", positive=True) for v in check_numbers(weight_vars, "weight_vars", finite=True)]
    bias_var = _check_var(bias_var, "bias_var")
    rows = [[v, f"{chi1('tanh', weight_var=v, bias_var=bias_var):.3f}", f"{correlation_fixed_point('tanh', weight_var=v, bias_var=bias_var):.3f}",
             f"{correlation_depth('tanh', weight_var=v, bias_var=bias_var):.1f}"] for v in weight_vars]
    return format_table(rows, ["σ_w²", "χ₁", "c*", "ξ_c"])

from .i18n import register as _register  # noqa: E402

_register(
    {
        "prop.layer": {"en": "layer", "it": "strato"},
        "prop.correlation_in": {"en": "correlation at layer l", "it": "correlazione allo strato l"},
        "prop.correlation_out": {"en": "correlation at layer l + 1", "it": "correlazione allo strato l + 1"},
        "prop.correlation": {"en": "correlation of two inputs", "it": "correlazione fra due ingressi"},
        "prop.identity": {"en": "no change (diagonal)", "it": "nessun cambiamento (diagonale)"},
        "prop.fixed_point": {"en": "fixed point", "it": "punto fisso"},
        "prop.theory": {"en": "theory (wide limit)", "it": "teoria (limite di rete larga)"},
        "prop.mc": {"en": "random network, width {width} (mean, 95% CI)", "it": "rete casuale, ampiezza {width} (media, IC 95%)"},
        "prop.quantity": {"en": "quantity", "it": "grandezza"},
        "prop.predicted": {"en": "predicted", "it": "previsto"},
        "prop.measured": {"en": "measured (mean ± 95% CI)", "it": "misurato (media ± IC 95%)"},
        "prop.init": {"en": "initialization", "it": "inizializzazione"},
        "prop.width": {"en": "width", "it": "ampiezza"},
        "prop.random_network": {"en": "random network:", "it": "rete casuale:"},
        "prop.seeds": {"en": "seeds", "it": "seed"},
        "prop.grad_ratio": {"en": "log10 gradient, layer 1 / layer 30", "it": "log10 gradiente, strato 1 / strato 30"},
        "prop.act_rms": {"en": "log10 RMS of activations, layer 30", "it": "log10 RMS delle attivazioni, strato 30"},
        "prop.spread": {"en": "input spread, layer 30", "it": "variabilità fra ingressi, strato 30"},
        "prop.dead10": {"en": "dead units, layer 10", "it": "unità morte, strato 10"},
        "prop.zeros_layer": {"en": "zeros, layer {k}", "it": "zeri, strato {k}"},
        "prop.bias": {"en": "every bias = {b}", "it": "ogni bias = {b}"},
        "prop.weight_var": {"en": "weight variance σ_w² (× fan-in)", "it": "varianza dei pesi σ_w² (× fan-in)"},
        "prop.bias_var": {"en": "bias variance σ_b²", "it": "varianza dei bias σ_b²"},
        "prop.ordered": {"en": "ordered (χ₁ < 1)", "it": "ordinata (χ₁ < 1)"},
        "prop.chaotic": {"en": "chaotic (χ₁ > 1)", "it": "caotica (χ₁ > 1)"},
        "prop.edge_tanh": {"en": "edge of chaos, tanh", "it": "margine del caos, tanh"},
        "prop.edge_relu": {"en": "edge of chaos, ReLU (He)", "it": "margine del caos, ReLU (He)"},
        "prop.depth_scale": {"en": "correlation depth scale ξ_c (layers)", "it": "scala di profondità ξ_c (strati)"},
        "prop.one_minus_c": {"en": "1 − correlation", "it": "1 − correlazione"},
        "prop.stage": {"en": "stage", "it": "fase"},
        "prop.at_init": {"en": "at initialization", "it": "all'inizializzazione"},
        "prop.trained": {"en": "after training", "it": "dopo l'addestramento"},
        "prop.block": {"en": "nonzero share, block {k}", "it": "quota non nulla, blocco {k}"},
        "prop.live_nonzero": {"en": "nonzero share of live units, block {k}", "it": "quota non nulla delle unità vive, blocco {k}"},
    }
)
