"""Reference activation functions, in numpy and in torch: ReLU and its family.

This module is the home of ReLU and of every member of its family that later
chapters study. Each function documents its value and derivative at 0 and
what it does with NaN, ±inf and ``-0.0``; the tests check every claim made
here against ``torch.nn.functional`` (to float32 precision) and every
derivative against autograd. :data:`FAMILY` is a registry of the whole family
that other chapters can iterate over (see :class:`Activation`).

ReLU
----
.. math:: \\mathrm{ReLU}(x) = \\max(0, x)

======================  =====================  ==========================
input                   :func:`relu_np`        :func:`relu_torch`
======================  =====================  ==========================
``x > 0``               ``x``                  ``x``
``x < 0``               ``+0.0``               ``+0.0``
``+0.0``                ``+0.0``               ``+0.0``
``-0.0``                ``+0.0``               ``-0.0`` (sign kept)
``nan``                 ``nan`` (propagated)   ``nan`` (propagated)
``+inf`` / ``-inf``     ``+inf`` / ``+0.0``    ``+inf`` / ``+0.0``
======================  =====================  ==========================

The two agree as numbers everywhere (``-0.0 == 0.0``); only the sign bit of
the zero returned for ``-0.0`` differs, because ``np.maximum(-0.0, 0)``
returns its second argument while PyTorch's kernel returns its input.

Derivative: 1 for ``x > 0``, 0 for ``x < 0``; at ``x = 0`` ReLU has no
derivative (left limit 0, right limit 1). Like PyTorch, the functions here
use 0 there unless told otherwise (``at_zero``). The derivative of ``nan`` is
``nan``.

The family
----------
Defaults are PyTorch's. "f'(0)" is what PyTorch's autograd returns at
exactly 0 (at a kink it picks one side); the ``*_grad_np`` functions and
autograd through the ``*_torch`` functions return the same.

=============  ==========================================  =====================  ========  =========  ===========================
key            formula                                     parameters (default)   f(0)      f'(0)      introduced by
=============  ==========================================  =====================  ========  =========  ===========================
leaky_relu     x if x > 0 else a·x                         a = 0.01               0         a          Maas et al. 2013
prelu          x if x > 0 else a·x, a learned              a = 0.25 (init)        0         a          He et al. 2015
rrelu          x if x ≥ 0 else a·x, a ~ U(l, u) in         l = 1/8, u = 1/3       0         (l+u)/2    Xu et al. 2015
               training, a = (l+u)/2 in evaluation                                          (eval)
elu            x if x > 0 else α(eˣ − 1)                   α = 1                  0         α          Clevert et al. 2016
celu           max(0,x) + min(0, α(e^{x/α} − 1))           α = 1                  0         1          Barron 2017
selu           λ·elu(x, α)                                 α ≈ 1.6733,            0         λα ≈ 1.76  Klambauer et al. 2017
                                                           λ ≈ 1.0507 (fixed)
gelu           x·Φ(x)                                      —                      0         1/2        Hendrycks & Gimpel 2016
gelu_tanh      ½x(1 + tanh(√(2/π)(x + 0.044715x³)))        —                      0         1/2        Hendrycks & Gimpel 2016
silu           x·σ(βx)  (Swish; SiLU is β = 1)             β = 1                  0         1/2        Elfwing et al. 2018;
                                                                                                       Ramachandran et al. 2017
mish           x·tanh(softplus(x))                         —                      0         0.6        Misra 2019
softplus       log(1 + e^{βx})/β  (x when βx > threshold)  β = 1, threshold = 20  ln2/β     1/2        Dugas et al. 2001
relu6          min(max(0, x), 6)                           —                      0         0          Krizhevsky 2010
hardswish      x·relu6(x + 3)/6                            —                      0         1/2        Howard et al. 2019
squared_relu   max(0, x)²                                  —                      0         0          So et al. 2021
maxout         max of k linear pieces                      k = 2 (no PyTorch op)  —         —          Goodfellow et al. 2013
crelu          [relu(x), relu(−x)] (doubles the width)     (no PyTorch op)        [0, 0]    [0, 0]     Shang et al. 2016
=============  ==========================================  =====================  ========  =========  ===========================

Special values, for every elementwise member: ``nan`` gives ``nan``; ``±inf``
give the mathematical limits (e.g. ELU(−inf) = −α, GELU(−inf) = 0). PyTorch
agrees on every finite input but returns ``nan`` for GELU(±inf) and for
SiLU, Mish and Hard-Swish at −inf (``-inf * 0``); the tests record these
differences.

Parameters are validated: a negative ELU/CELU α, a non-positive softplus β,
a Leaky-ReLU slope outside [0, 1] or RReLU bounds outside 0 ≤ l ≤ u ≤ 1 raise
``ValueError`` saying what is allowed (PyTorch accepts some of these silently:
``F.elu(x, alpha=-1)`` runs).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from ._checks import (
    check_array,
    check_finite_array,
    check_finite_tensor,
    check_flag,
    check_int_in,
    check_scalar_in,
    check_tensor,
)

__all__ = [
    # ReLU (chapter 1)
    "relu_np",
    "relu_grad_np",
    "relu_torch",
    "relu_grad_torch",
    # constants
    "SELU_ALPHA",
    "SELU_SCALE",
    "GELU_TANH_COEF",
    # the family
    "leaky_relu_np",
    "leaky_relu_grad_np",
    "leaky_relu_torch",
    "prelu_np",
    "prelu_grad_np",
    "prelu_torch",
    "rrelu_np",
    "rrelu_grad_np",
    "rrelu_torch",
    "elu_np",
    "elu_grad_np",
    "elu_torch",
    "celu_np",
    "celu_grad_np",
    "celu_torch",
    "selu_np",
    "selu_grad_np",
    "selu_torch",
    "gelu_np",
    "gelu_grad_np",
    "gelu_torch",
    "silu_np",
    "silu_grad_np",
    "silu_torch",
    "mish_np",
    "mish_grad_np",
    "mish_torch",
    "softplus_np",
    "softplus_grad_np",
    "softplus_torch",
    "relu6_np",
    "relu6_grad_np",
    "relu6_torch",
    "hardswish_np",
    "hardswish_grad_np",
    "hardswish_torch",
    "squared_relu_np",
    "squared_relu_grad_np",
    "squared_relu_torch",
    "maxout_np",
    "maxout_grad_np",
    "maxout_torch",
    "crelu_np",
    "crelu_grad_np",
    "crelu_torch",
    # modules
    "SquaredReLU",
    "MaxoutActivation",
    "Maxout",
    "CReLU",
    # registry
    "Activation",
    "FAMILY",
    "get",
    "keys",
]

#: SELU's α and λ (Klambauer et al. 2017), as PyTorch writes them.
SELU_ALPHA: float = 1.6732632423543772848170429916717
SELU_SCALE: float = 1.0507009873554804934193349852946
#: The cubic coefficient of GELU's tanh approximation (Hendrycks & Gimpel 2016).
GELU_TANH_COEF: float = 0.044715
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)


# --------------------------------------------------------------------------- ReLU


def relu_np(x: np.ndarray | float, *, out: np.ndarray | None = None) -> np.ndarray:
    """ReLU in numpy: ``np.maximum(x, 0)``, element by element.

    Parameters
    ----------
    x:
        Real numbers (any shape, integer or floating dtype; booleans and
        complex numbers are refused).
    out:
        Optional array to write the result into (same shape; may be ``x``
        itself for an in-place ReLU, the fastest mode: no allocation).

    Returns
    -------
    numpy.ndarray
        Same shape and dtype as ``x``. At 0 the value is ``+0.0``
        (also for ``-0.0``); ``nan`` stays ``nan``; ``-inf`` gives ``0``.
    """
    arr = check_array(x, "x")
    if out is not None:
        if not isinstance(out, np.ndarray):
            raise TypeError(f"out must be a numpy array, got {type(out).__name__}")
        if out.shape != arr.shape or out.dtype != arr.dtype:
            raise ValueError(
                f"out must have the shape and dtype of x: x is {arr.shape} {arr.dtype}, "
                f"out is {out.shape} {out.dtype}"
            )
        return np.maximum(arr, 0, out=out)
    return np.maximum(arr, 0)


def relu_grad_np(x: np.ndarray | float, *, at_zero: float = 0.0) -> np.ndarray:
    """Derivative of ReLU in numpy: 1 where ``x > 0``, 0 where ``x < 0``.

    Parameters
    ----------
    x:
        Real numbers (floating or integer dtype).
    at_zero:
        The value used at ``x == 0`` (also ``-0.0``), where ReLU has no
        derivative. Any value in the subdifferential ``[0, 1]`` is a valid
        subgradient; PyTorch uses 0, the default here.

    Returns
    -------
    numpy.ndarray
        Floating array (``x``'s dtype if floating, else float64); ``nan`` where
        ``x`` is ``nan``.
    """
    arr = check_array(x, "x")
    at_zero = check_scalar_in(at_zero, "at_zero", 0.0, 1.0)
    dtype = arr.dtype if np.issubdtype(arr.dtype, np.floating) else np.float64
    grad = np.asarray((arr > 0).astype(dtype))
    grad[arr == 0] = at_zero
    if np.issubdtype(arr.dtype, np.floating):
        grad[np.isnan(arr)] = np.nan
    return grad


def relu_torch(x: torch.Tensor, *, inplace: bool = False) -> torch.Tensor:
    """ReLU in torch (``torch.relu``), differentiable by autograd.

    Parameters
    ----------
    x:
        A real tensor (floating or integer dtype; not bool or complex).
    inplace:
        Overwrite ``x`` (no allocation: the fastest mode). Not allowed on a
        leaf tensor that requires grad.

    Returns
    -------
    torch.Tensor
        Same shape and dtype. ``relu_torch(-0.0)`` is ``-0.0`` (PyTorch keeps
        the sign), ``nan`` stays ``nan``; autograd gives gradient 0 at 0.
        (``torch.clamp_min(x, 0)`` computes the same values but its autograd
        gives 1 at 0: it passes the gradient where ``x >= 0``.)
    """
    check_tensor(x, "x")
    if check_flag(inplace, "inplace"):
        if x.requires_grad and x.is_leaf:
            raise ValueError("inplace=True cannot overwrite a leaf tensor that requires grad")
        return torch.relu_(x)
    return torch.relu(x)


def relu_grad_torch(x: torch.Tensor, *, at_zero: float = 0.0) -> torch.Tensor:
    """Derivative of ReLU for a tensor: 1 where ``x > 0``, 0 where ``x < 0``, ``at_zero`` at 0.

    With the default ``at_zero=0`` this is exactly what PyTorch's autograd
    returns for ``torch.relu``. ``nan`` inputs give ``nan``.
    """
    check_tensor(x, "x")
    at_zero = check_scalar_in(at_zero, "at_zero", 0.0, 1.0)
    dtype = x.dtype if x.is_floating_point() else torch.get_default_dtype()
    grad = (x > 0).to(dtype)
    grad = torch.where(x == 0, torch.tensor(at_zero, dtype=dtype), grad)
    if x.is_floating_point():
        grad = torch.where(torch.isnan(x), torch.tensor(float("nan"), dtype=dtype), grad)
    return grad


# --------------------------------------------------------------------------- helpers


def _np_float(x: object, name: str = "x") -> np.ndarray:
    """``x`` as a floating numpy array (integers become float64)."""
    arr = check_array(x, name)
    if not np.issubdtype(arr.dtype, np.floating):
        arr = arr.astype(np.float64)
    return arr


def _torch_float(x: object, name: str = "x") -> torch.Tensor:
    """``x`` as a floating tensor (integers become the default float dtype)."""
    check_tensor(x, name)
    return x if x.is_floating_point() else x.to(torch.get_default_dtype())


def _limits_np(y: np.ndarray, x: np.ndarray, at_pos_inf: float, at_neg_inf: float) -> np.ndarray:
    y = np.where(np.isposinf(x), at_pos_inf, y)
    return np.asarray(np.where(np.isneginf(x), at_neg_inf, y), dtype=x.dtype)


def _limits_torch(y: torch.Tensor, x: torch.Tensor, at_pos_inf: float, at_neg_inf: float) -> torch.Tensor:
    y = torch.where(torch.isposinf(x), torch.full_like(y, at_pos_inf), y)
    return torch.where(torch.isneginf(x), torch.full_like(y, at_neg_inf), y)


def _check_axis(axis: object, name: str, ndim: int) -> int:
    """An axis of an array with ``ndim`` dimensions (negative counts from the end)."""
    return check_int_in(axis, name, -ndim, ndim - 1)


def _check_slope(a: object, name: str = "negative_slope") -> float:
    return check_scalar_in(a, name, 0.0, 1.0)


def _check_rrelu(lower: object, upper: object) -> tuple[float, float]:
    lo = check_scalar_in(lower, "lower", 0.0, 1.0)
    hi = check_scalar_in(upper, "upper", 0.0, 1.0)
    if lo > hi:
        raise ValueError(f"lower must be <= upper (0 <= lower <= upper <= 1), got lower={lo}, upper={hi}")
    return lo, hi


def _check_alpha(alpha: object) -> float:
    # alpha > 0: the saturation value -alpha of ELU/CELU; alpha < 0 would flip the negative branch upwards
    return check_scalar_in(alpha, "alpha", 0.0, 1e6, low_open=True)


def _check_beta(beta: object) -> float:
    return check_scalar_in(beta, "beta", 0.0, 1e6, low_open=True)


def _check_approximate(approximate: object) -> str:
    if approximate not in ("none", "tanh"):
        raise ValueError(f"approximate must be 'none' (exact, with erf) or 'tanh', got {approximate!r}")
    return str(approximate)


def _sigmoid_np(z: np.ndarray) -> np.ndarray:
    # scipy's expit: exp(z) / (1 + exp(z)) for z < 0 and 1 / (1 + exp(-z)) for z >= 0, so it neither
    # overflows nor loses the tiny values of the far negative side (0.5 * (1 + tanh(z / 2)) rounds
    # them to exactly 0 below about -20 in float32 and -40 in float64)
    from scipy.special import expit

    return expit(z)


def _softplus_core_np(z: np.ndarray) -> np.ndarray:
    # log(1 + e^z) = max(z, 0) + log1p(e^{-|z|}), stable for every finite z
    return np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))


def _softplus_core_torch(z: torch.Tensor) -> torch.Tensor:
    # Both branches are evaluated on clamped inputs, so neither overflows and the
    # unused branch never sends nan into autograd; at z = 0 the z <= 0 branch is
    # used, whose derivative sigmoid(0) = 1/2 is the right one.
    pos = torch.clamp_min(z, 0)
    neg = torch.clamp_max(z, 0)
    return torch.where(z > 0, pos + torch.log1p(torch.exp(-pos)), torch.log1p(torch.exp(neg)))


# --------------------------------------------------------------------------- Leaky ReLU, PReLU, RReLU


def leaky_relu_np(x: np.ndarray | float, negative_slope: float = 0.01) -> np.ndarray:
    """Leaky ReLU: ``x`` for ``x > 0``, ``negative_slope * x`` otherwise (Maas et al. 2013).

    ``negative_slope`` must be in [0, 1] (0 is ReLU, 1 the identity; PyTorch's
    default is 0.01). Value at 0: 0; derivative at 0: ``negative_slope`` (the
    negative side, as in PyTorch). ``-inf`` gives ``-inf`` (0 if the slope is 0).
    """
    a = _check_slope(negative_slope)
    arr = _np_float(x)
    with np.errstate(invalid="ignore"):
        y = np.where(arr > 0, arr, a * arr)
    return _limits_np(y, arr, np.inf, -np.inf if a > 0 else 0.0)


def leaky_relu_grad_np(x: np.ndarray | float, negative_slope: float = 0.01) -> np.ndarray:
    """Derivative of Leaky ReLU: 1 for ``x > 0``, ``negative_slope`` for ``x <= 0``; ``nan`` for ``nan``."""
    a = _check_slope(negative_slope)
    arr = _np_float(x)
    g = np.where(arr > 0, 1.0, a).astype(arr.dtype)
    return np.where(np.isnan(arr), np.nan, g).astype(arr.dtype)


def leaky_relu_torch(x: torch.Tensor, negative_slope: float = 0.01) -> torch.Tensor:
    """Leaky ReLU for tensors, written with ``torch.where`` (autograd: ``negative_slope`` at 0)."""
    a = _check_slope(negative_slope)
    x = _torch_float(x)
    # written so that ±inf need no patching: autograd then gives 1 at +inf and a at -inf, as torch does
    # (with slope 0, x is clamped first so that -inf * 0 gives 0, not nan; nan stays nan)
    neg = x * a if a > 0 else x.clamp_min(torch.finfo(x.dtype).min) * a
    return torch.where(x > 0, x, neg)


def _check_prelu_slopes(a: object, arr: np.ndarray) -> np.ndarray:
    """PReLU's slope(s) ``a``: finite real numbers that broadcast against ``arr``, in ``arr``'s dtype."""
    a_arr = check_finite_array(a, "a")
    try:
        np.broadcast_shapes(a_arr.shape, arr.shape)
    except ValueError:
        raise ValueError(f"a of shape {a_arr.shape} does not broadcast against x of shape {arr.shape}") from None
    return a_arr.astype(arr.dtype)


def prelu_np(x: np.ndarray | float, a: float | np.ndarray = 0.25) -> np.ndarray:
    """PReLU's function for a given slope ``a`` (He et al. 2015): ``x`` if ``x > 0`` else ``a * x``.

    In a network ``a`` is learned (one per channel or one shared); any finite
    value is allowed here (a learned slope can leave [0, 1]). ``a`` may be an
    array that broadcasts against ``x``. PyTorch initializes ``a`` to 0.25.
    Value at 0: 0; derivative at 0: ``a``.
    """
    arr = _np_float(x)
    a_arr = _check_prelu_slopes(a, arr)
    with np.errstate(invalid="ignore"):
        y = np.where(arr > 0, arr, a_arr * arr)
        neg_inf = np.where(a_arr > 0, -np.inf, np.where(a_arr < 0, np.inf, 0.0))
    y = np.where(np.isposinf(arr), np.inf, y)
    return np.asarray(np.where(np.isneginf(arr), neg_inf, y), dtype=arr.dtype)


def prelu_grad_np(x: np.ndarray | float, a: float | np.ndarray = 0.25) -> np.ndarray:
    """Derivative of PReLU with respect to ``x``: 1 for ``x > 0``, ``a`` for ``x <= 0``."""
    arr = _np_float(x)
    a_arr = _check_prelu_slopes(a, arr)
    g = np.where(arr > 0, np.ones_like(arr), a_arr * np.ones_like(arr))
    return np.where(np.isnan(arr), np.nan, g).astype(arr.dtype)


def prelu_torch(x: torch.Tensor, weight: torch.Tensor | float = 0.25) -> torch.Tensor:
    """PReLU for tensors with the slope(s) ``weight``, as ``torch.nn.functional.prelu`` applies them.

    ``weight`` is a float, a one-element tensor (one slope shared by all
    channels) or a tensor of ``C`` slopes for the channels of dimension 1 of
    ``x`` (``x`` of shape ``(N, C, ...)``). Gradients flow to ``weight`` when
    it requires grad.
    """
    x = _torch_float(x)
    if not isinstance(weight, torch.Tensor):
        w = check_scalar_in(weight, "weight", -1e6, 1e6)
        weight = torch.tensor([w], dtype=x.dtype)
    check_finite_tensor(weight, "weight")
    if weight.dim() != 1 or weight.numel() == 0:
        raise ValueError(f"weight must be a 1-D tensor of 1 or C slopes, got shape {tuple(weight.shape)}")
    if weight.numel() == 1:
        a = weight.reshape(())
    else:
        if x.dim() < 2 or x.shape[1] != weight.numel():
            raise ValueError(
                f"weight has {weight.numel()} slopes, and {weight.numel()} slopes need x of shape (N, {weight.numel()}, ...), "
                f"got {tuple(x.shape)}"
            )
        a = weight.reshape([1, -1] + [1] * (x.dim() - 2))
    return torch.where(x > 0, x, a * x)


def rrelu_np(
    x: np.ndarray | float,
    lower: float = 1.0 / 8,
    upper: float = 1.0 / 3,
    *,
    training: bool = False,
    rng: np.random.Generator | None = None,
) -> np.ndarray:
    """Randomized leaky ReLU (Xu et al. 2015).

    In training every negative entry gets its own slope drawn from
    ``U(lower, upper)`` (``rng`` required); in evaluation the slope is the
    mean ``(lower + upper) / 2`` — PyTorch's rule, with its defaults
    ``lower = 1/8``, ``upper = 1/3`` (eval slope 11/48 ≈ 0.229). Requires
    ``0 <= lower <= upper <= 1``.
    """
    lo, hi = _check_rrelu(lower, upper)
    arr = _np_float(x)
    if rng is not None and not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator or None, got {type(rng).__name__}")
    if check_flag(training, "training"):
        if not isinstance(rng, np.random.Generator):
            raise TypeError("training=True needs rng, a numpy.random.Generator (e.g. np.random.default_rng(0))")
        a = rng.uniform(lo, hi, size=arr.shape).astype(arr.dtype)
    else:
        a = np.asarray((lo + hi) / 2, dtype=arr.dtype)
    return prelu_np(arr, a)


def rrelu_grad_np(x: np.ndarray | float, lower: float = 1.0 / 8, upper: float = 1.0 / 3) -> np.ndarray:
    """Derivative of RReLU in evaluation mode: 1 for ``x > 0``, ``(lower + upper) / 2`` for ``x <= 0``."""
    lo, hi = _check_rrelu(lower, upper)
    return prelu_grad_np(x, (lo + hi) / 2)


def rrelu_torch(
    x: torch.Tensor,
    lower: float = 1.0 / 8,
    upper: float = 1.0 / 3,
    *,
    training: bool = False,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """RReLU for tensors: a random slope per negative entry in training, the mean slope in evaluation."""
    lo, hi = _check_rrelu(lower, upper)
    x = _torch_float(x)
    if generator is not None and not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be a torch.Generator or None, got {type(generator).__name__}")
    if check_flag(training, "training"):
        a = torch.empty_like(x).uniform_(lo, hi, generator=generator)
        return torch.where(x >= 0, x, a * x)
    return prelu_torch(x, torch.tensor([(lo + hi) / 2], dtype=x.dtype))


# --------------------------------------------------------------------------- ELU, CELU, SELU


def elu_np(x: np.ndarray | float, alpha: float = 1.0) -> np.ndarray:
    """ELU (Clevert et al. 2016): ``x`` for ``x > 0``, ``alpha * (exp(x) - 1)`` otherwise.

    ``alpha > 0`` (PyTorch's default 1) is the value the negative side
    saturates to: ELU(−inf) = −alpha. Value at 0: 0; derivative at 0:
    ``alpha`` (the negative side; continuous only for ``alpha = 1``).
    """
    al = _check_alpha(alpha)
    arr = _np_float(x)
    with np.errstate(over="ignore", invalid="ignore"):
        y = np.where(arr > 0, arr, al * np.expm1(np.minimum(arr, 0)))
    return _limits_np(y, arr, np.inf, -al)


def elu_grad_np(x: np.ndarray | float, alpha: float = 1.0) -> np.ndarray:
    """Derivative of ELU: 1 for ``x > 0``, ``alpha * exp(x)`` for ``x <= 0`` (``alpha`` at 0)."""
    al = _check_alpha(alpha)
    arr = _np_float(x)
    with np.errstate(over="ignore", invalid="ignore"):
        g = np.where(arr > 0, 1.0, al * np.exp(np.minimum(arr, 0)))
    return np.asarray(g, dtype=arr.dtype)


def elu_torch(x: torch.Tensor, alpha: float = 1.0) -> torch.Tensor:
    """ELU for tensors (the exponential is taken of ``min(x, 0)``, so nothing overflows)."""
    al = _check_alpha(alpha)
    x = _torch_float(x)
    # expm1(-inf) = -1 and the x branch is inf at +inf: no patching, so autograd gives 1 at +inf like torch
    return torch.where(x > 0, x, al * torch.expm1(torch.clamp_max(x, 0)))


def celu_np(x: np.ndarray | float, alpha: float = 1.0) -> np.ndarray:
    """CELU (Barron 2017): ``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``.

    ELU rescaled so that its derivative is continuous for every ``alpha > 0``:
    the derivative at 0 is 1 from both sides. CELU(−inf) = −alpha.
    """
    al = _check_alpha(alpha)
    arr = _np_float(x)
    with np.errstate(over="ignore", invalid="ignore"):
        y = np.where(arr > 0, arr, al * np.expm1(np.minimum(arr, 0) / al))
    return _limits_np(y, arr, np.inf, -al)


def celu_grad_np(x: np.ndarray | float, alpha: float = 1.0) -> np.ndarray:
    """Derivative of CELU: 1 for ``x > 0``, ``exp(x / alpha)`` for ``x <= 0`` (1 at 0)."""
    al = _check_alpha(alpha)
    arr = _np_float(x)
    with np.errstate(over="ignore", invalid="ignore"):
        g = np.where(arr > 0, 1.0, np.exp(np.minimum(arr, 0) / al))
    return np.asarray(g, dtype=arr.dtype)


def celu_torch(x: torch.Tensor, alpha: float = 1.0) -> torch.Tensor:
    """CELU for tensors."""
    al = _check_alpha(alpha)
    x = _torch_float(x)
    return torch.where(x > 0, x, al * torch.expm1(torch.clamp_max(x, 0) / al))


def selu_np(x: np.ndarray | float) -> np.ndarray:
    """SELU (Klambauer et al. 2017): ``SELU_SCALE * elu(x, SELU_ALPHA)``; no free parameter.

    α ≈ 1.6733 and λ ≈ 1.0507 are chosen so that a standard normal input
    gives an output of mean 0 and variance 1 (the fixed point of
    self-normalization). Value at 0: 0; derivative at 0: λα ≈ 1.758 (the
    negative side; the right derivative is λ). SELU(−inf) = −λα.
    """
    return SELU_SCALE * elu_np(x, SELU_ALPHA)


def selu_grad_np(x: np.ndarray | float) -> np.ndarray:
    """Derivative of SELU: λ for ``x > 0``, ``λ α exp(x)`` for ``x <= 0``."""
    return SELU_SCALE * elu_grad_np(x, SELU_ALPHA)


def selu_torch(x: torch.Tensor) -> torch.Tensor:
    """SELU for tensors."""
    return SELU_SCALE * elu_torch(x, SELU_ALPHA)


# --------------------------------------------------------------------------- GELU, SiLU/Swish, Mish, Softplus


def gelu_np(x: np.ndarray | float, approximate: str = "none") -> np.ndarray:
    """GELU (Hendrycks & Gimpel 2016): ``x * Phi(x)``, Phi the standard normal CDF.

    ``approximate="tanh"`` gives the paper's approximation
    ``0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))`` (PyTorch's
    ``approximate`` argument; default ``"none"``). Value at 0: 0; derivative
    at 0: 1/2. GELU is not monotonic: its minimum is about −0.17 near
    x ≈ −0.75. GELU(−inf) = 0, GELU(+inf) = +inf.
    """
    from scipy.special import ndtr

    approx = _check_approximate(approximate)
    arr = _np_float(x)
    with np.errstate(over="ignore", invalid="ignore"):
        if approx == "tanh":
            y = 0.5 * arr * (1.0 + np.tanh(_SQRT_2_OVER_PI * (arr + GELU_TANH_COEF * arr**3)))
        else:
            y = arr * ndtr(arr)
    return _limits_np(y, arr, np.inf, 0.0)


def gelu_grad_np(x: np.ndarray | float, approximate: str = "none") -> np.ndarray:
    """Derivative of GELU: ``Phi(x) + x phi(x)`` (or the derivative of the tanh form)."""
    from scipy.special import ndtr

    approx = _check_approximate(approximate)
    arr = _np_float(x)
    with np.errstate(over="ignore", invalid="ignore"):
        if approx == "tanh":
            inner = _SQRT_2_OVER_PI * (arr + GELU_TANH_COEF * arr**3)
            th = np.tanh(inner)
            g = 0.5 * (1 + th) + 0.5 * arr * (1 - th**2) * _SQRT_2_OVER_PI * (1 + 3 * GELU_TANH_COEF * arr**2)
        else:
            g = ndtr(arr) + arr * np.exp(-0.5 * arr**2) / math.sqrt(2 * math.pi)
    return _limits_np(g, arr, 1.0, 0.0)


def gelu_torch(x: torch.Tensor, approximate: str = "none") -> torch.Tensor:
    """GELU for tensors, exact (with ``erf``) or with the tanh approximation."""
    approx = _check_approximate(approximate)
    x = _torch_float(x)
    if approx == "tanh":
        y = 0.5 * x * (1.0 + torch.tanh(_SQRT_2_OVER_PI * (x + GELU_TANH_COEF * x**3)))
    else:
        y = 0.5 * x * (1.0 + torch.erf(x / math.sqrt(2.0)))
    return _limits_torch(y, x, math.inf, 0.0)


def silu_np(x: np.ndarray | float, beta: float = 1.0) -> np.ndarray:
    """Swish / SiLU: ``x * sigmoid(beta * x)``.

    ``beta = 1`` is SiLU (Elfwing et al. 2018; PyTorch's ``F.silu``), also
    called Swish-1 (Ramachandran et al. 2017, who also let β be learned).
    Value at 0: 0; derivative at 0: 1/2. Minimum ≈ −0.278/β at x ≈ −1.278/β.
    """
    b = _check_beta(beta)
    arr = _np_float(x)
    with np.errstate(over="ignore", invalid="ignore"):
        y = arr * _sigmoid_np(b * arr)
    return _limits_np(y, arr, np.inf, 0.0)


def silu_grad_np(x: np.ndarray | float, beta: float = 1.0) -> np.ndarray:
    """Derivative of Swish: ``s + beta x s (1 - s)`` with ``s = sigmoid(beta x)``."""
    b = _check_beta(beta)
    arr = _np_float(x)
    with np.errstate(over="ignore", invalid="ignore"):
        s = _sigmoid_np(b * arr)
        g = s + b * arr * s * _sigmoid_np(-b * arr)  # 1 - s = sigmoid(-z), without cancellation
    return _limits_np(g, arr, 1.0, 0.0)


def silu_torch(x: torch.Tensor, beta: float = 1.0) -> torch.Tensor:
    """Swish / SiLU for tensors."""
    b = _check_beta(beta)
    x = _torch_float(x)
    return _limits_torch(x * torch.sigmoid(b * x), x, math.inf, 0.0)


def mish_np(x: np.ndarray | float) -> np.ndarray:
    """Mish (Misra 2019): ``x * tanh(softplus(x))``. Value at 0: 0; derivative at 0: tanh(ln 2) = 0.6."""
    arr = _np_float(x)
    with np.errstate(over="ignore", invalid="ignore"):
        y = arr * np.tanh(_softplus_core_np(arr))
    return _limits_np(y, arr, np.inf, 0.0)


def mish_grad_np(x: np.ndarray | float) -> np.ndarray:
    """Derivative of Mish: ``tanh(sp) + x (1 - tanh(sp)^2) sigmoid(x)``, ``sp = softplus(x)``."""
    arr = _np_float(x)
    with np.errstate(over="ignore", invalid="ignore"):
        th = np.tanh(_softplus_core_np(arr))
        g = th + arr * (1 - th**2) * _sigmoid_np(arr)
    return _limits_np(g, arr, 1.0, 0.0)


def mish_torch(x: torch.Tensor) -> torch.Tensor:
    """Mish for tensors."""
    x = _torch_float(x)
    return _limits_torch(x * torch.tanh(_softplus_core_torch(x)), x, math.inf, 0.0)


def softplus_np(x: np.ndarray | float, beta: float = 1.0, threshold: float = 20.0) -> np.ndarray:
    """Softplus, a smooth ReLU: ``log(1 + exp(beta x)) / beta``; ``x`` itself where ``beta x > threshold``.

    The larger ``beta``, the closer to ReLU (the gap is at most ``ln 2 / beta``,
    at 0). PyTorch's defaults: ``beta = 1``, ``threshold = 20`` (above it the
    difference from ``x`` is below float32 precision). Value at 0:
    ``ln 2 / beta`` — softplus is never 0; derivative at 0: 1/2.
    Proposed as an activation by Dugas et al. (2001); compared with ReLU by
    Glorot et al. (2011).
    """
    b = _check_beta(beta)
    th = check_scalar_in(threshold, "threshold", 0.0, 1e6, low_open=True)
    arr = _np_float(x)
    with np.errstate(over="ignore", invalid="ignore"):
        z = b * arr
        y = np.where(z > th, arr, _softplus_core_np(z) / b)
    return _limits_np(y, arr, np.inf, 0.0)


def softplus_grad_np(x: np.ndarray | float, beta: float = 1.0, threshold: float = 20.0) -> np.ndarray:
    """Derivative of softplus: ``sigmoid(beta x)`` (exactly 1 above the threshold, as in PyTorch)."""
    b = _check_beta(beta)
    th = check_scalar_in(threshold, "threshold", 0.0, 1e6, low_open=True)
    arr = _np_float(x)
    with np.errstate(over="ignore", invalid="ignore"):
        z = b * arr
        g = np.where(z > th, 1.0, _sigmoid_np(z))
    return _limits_np(g, arr, 1.0, 0.0)


def softplus_torch(x: torch.Tensor, beta: float = 1.0, threshold: float = 20.0) -> torch.Tensor:
    """Softplus for tensors (stable for every input, exact gradient 1/2 at 0)."""
    b = _check_beta(beta)
    th = check_scalar_in(threshold, "threshold", 0.0, 1e6, low_open=True)
    x = _torch_float(x)
    z = b * x
    # right at ±inf without patching (x at +inf, log1p(0) = 0 at -inf), so autograd gives 1 and 0 there
    return torch.where(z > th, x, _softplus_core_torch(z) / b)


# --------------------------------------------------------------------------- ReLU6, Hard-Swish, squared ReLU


def relu6_np(x: np.ndarray | float) -> np.ndarray:
    """ReLU6: ``min(max(0, x), 6)`` (Krizhevsky 2010; MobileNets). Value at 0: 0.

    Derivative: 1 on (0, 6), 0 elsewhere — PyTorch uses 0 at both kinks, 0 and 6.
    """
    arr = _np_float(x)
    y = np.where(arr <= 0, 0.0, np.where(arr >= 6, 6.0, arr))
    return np.asarray(y, dtype=arr.dtype)


def relu6_grad_np(x: np.ndarray | float) -> np.ndarray:
    """Derivative of ReLU6: 1 for ``0 < x < 6``, else 0; ``nan`` for ``nan``."""
    arr = _np_float(x)
    g = ((arr > 0) & (arr < 6)).astype(arr.dtype)
    return np.where(np.isnan(arr), np.nan, g).astype(arr.dtype)


def relu6_torch(x: torch.Tensor) -> torch.Tensor:
    """ReLU6 for tensors (autograd: 0 at 0 and at 6, like ``F.relu6``)."""
    x = _torch_float(x)
    zero = torch.zeros_like(x)
    return torch.where(x <= 0, zero, torch.where(x >= 6, zero + 6, x))


def hardswish_np(x: np.ndarray | float) -> np.ndarray:
    """Hard-Swish (Howard et al. 2019, MobileNetV3): ``x * relu6(x + 3) / 6``.

    A piecewise-quadratic stand-in for Swish that needs no exponential:
    0 for x <= −3, x for x >= 3, ``x (x + 3) / 6`` between. Value at 0: 0;
    derivative at 0: 1/2. Minimum −3/8 at x = −3/2.
    """
    arr = _np_float(x)
    with np.errstate(invalid="ignore", over="ignore"):
        y = np.where(arr <= -3, 0.0, np.where(arr >= 3, arr, arr * (arr + 3) / 6))
    return _limits_np(y, arr, np.inf, 0.0)


def hardswish_grad_np(x: np.ndarray | float) -> np.ndarray:
    """Derivative of Hard-Swish: 0 for ``x <= -3``, 1 for ``x >= 3``, ``x/3 + 1/2`` between (PyTorch's choice at ±3)."""
    arr = _np_float(x)
    g = np.where(arr <= -3, 0.0, np.where(arr >= 3, 1.0, arr / 3 + 0.5))
    return np.where(np.isnan(arr), np.nan, g).astype(arr.dtype)


def hardswish_torch(x: torch.Tensor) -> torch.Tensor:
    """Hard-Swish for tensors."""
    x = _torch_float(x)
    # the quadratic piece is computed on x clamped to [-3, 3]: at ±inf it is unused, and unclamped its
    # backward would be 0 * inf = nan there (torch's autograd gives 0 at -inf and 1 at +inf)
    xc = x.clamp(-3, 3)
    return torch.where(x <= -3, torch.zeros_like(x), torch.where(x >= 3, x, xc * (xc + 3) / 6))


def squared_relu_np(x: np.ndarray | float) -> np.ndarray:
    """Squared ReLU (So et al. 2021, the Primer Transformer): ``max(0, x)**2``.

    Differentiable everywhere (derivative ``2 max(0, x)``, 0 at 0), unbounded and
    growing quadratically. PyTorch has no function for it: ``F.relu(x) ** 2``.
    """
    arr = _np_float(x)
    return np.maximum(arr, 0) ** 2


def squared_relu_grad_np(x: np.ndarray | float) -> np.ndarray:
    """Derivative of squared ReLU: ``2 max(0, x)``."""
    arr = _np_float(x)
    return 2 * np.maximum(arr, 0)


def squared_relu_torch(x: torch.Tensor) -> torch.Tensor:
    """Squared ReLU for tensors."""
    return torch.relu(_torch_float(x)) ** 2


# --------------------------------------------------------------------------- Maxout, CReLU


def _check_pieces(n: int, k: object) -> int:
    k = check_int_in(k, "k", 1, 1024)
    if n % k:
        raise ValueError(f"z: the last dimension ({n}) must be a multiple of k={k} (k linear pieces per unit)")
    return k


def maxout_np(z: np.ndarray, k: int = 2) -> np.ndarray:
    """Maxout (Goodfellow et al. 2013): the maximum over groups of ``k`` consecutive entries of the last axis.

    ``z`` holds the ``k`` linear pieces of every unit side by side
    (``z[..., j*k:(j+1)*k]`` are the pieces of unit ``j``), as a ``Linear``
    layer with ``k`` times as many outputs computes them; the result has
    ``z.shape[-1] // k`` units. With pieces ``(x, 0)`` it is ReLU, with
    ``(x, -x)`` it is ``|x|``, with ``(x, a x)`` Leaky ReLU.
    """
    arr = _np_float(z, "z")
    if arr.ndim == 0:
        raise ValueError("z must have at least one axis (the pieces)")
    k = _check_pieces(arr.shape[-1], k)
    return arr.reshape(*arr.shape[:-1], arr.shape[-1] // k, k).max(axis=-1)


def maxout_grad_np(z: np.ndarray, k: int = 2) -> np.ndarray:
    """Derivative of Maxout with respect to its pieces: 1 for the piece that wins (the first, on a tie), 0 for the others."""
    arr = _np_float(z, "z")
    if arr.ndim == 0:
        raise ValueError("z must have at least one axis (the pieces)")
    k = _check_pieces(arr.shape[-1], k)
    grouped = arr.reshape(*arr.shape[:-1], arr.shape[-1] // k, k)
    win = grouped.argmax(axis=-1)[..., None]
    onehot = (np.arange(k) == win).astype(arr.dtype)
    return onehot.reshape(arr.shape)


def maxout_torch(z: torch.Tensor, k: int = 2) -> torch.Tensor:
    """Maxout for tensors: ``z.unflatten(-1, (-1, k)).amax(-1)`` (autograd splits the gradient between tied pieces)."""
    z = _torch_float(z, "z")
    if z.dim() == 0:
        raise ValueError("z must have at least one dimension (the pieces)")
    k = _check_pieces(z.shape[-1], k)
    return z.unflatten(-1, (z.shape[-1] // k, k)).amax(dim=-1)


def crelu_np(x: np.ndarray | float, axis: int = -1) -> np.ndarray:
    """CReLU (Shang et al. 2016): ``[relu(x), relu(-x)]`` concatenated along ``axis``.

    Nothing is lost: ``x = relu(x) - relu(-x)`` recovers the input exactly, and
    ``|x| = relu(x) + relu(-x)``. The width doubles, so the next layer needs
    twice as many weights.
    """
    arr = _np_float(x)
    arr = arr.reshape(1) if arr.ndim == 0 else arr
    axis = _check_axis(axis, "axis", arr.ndim)
    return np.concatenate([np.maximum(arr, 0), np.maximum(-arr, 0)], axis=axis)


def crelu_grad_np(x: np.ndarray | float, axis: int = -1) -> np.ndarray:
    """Derivatives of CReLU's two halves: ``[1{x > 0}, -1{x < 0}]`` concatenated along ``axis``."""
    arr = _np_float(x)
    arr = arr.reshape(1) if arr.ndim == 0 else arr
    axis = _check_axis(axis, "axis", arr.ndim)
    return np.concatenate([(arr > 0).astype(arr.dtype), -(arr < 0).astype(arr.dtype)], axis=axis)


def crelu_torch(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    """CReLU for tensors: ``torch.cat([relu(x), relu(-x)], dim)``."""
    x = _torch_float(x)
    x = x.reshape(1) if x.dim() == 0 else x
    dim = _check_axis(dim, "dim", x.dim())
    return torch.cat([torch.relu(x), torch.relu(-x)], dim=dim)


# --------------------------------------------------------------------------- modules


class SquaredReLU(nn.Module):
    """``relu(x) ** 2`` as a layer (PyTorch has none)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(x) ** 2


class MaxoutActivation(nn.Module):
    """Maxout as an activation layer: the maximum over groups of ``k`` features (width divided by ``k``)."""

    def __init__(self, k: int = 2):
        super().__init__()
        self.k = check_int_in(k, "k", 1, 1024)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return z.unflatten(-1, (z.shape[-1] // self.k, self.k)).amax(dim=-1)

    def extra_repr(self) -> str:
        return f"k={self.k}"


class Maxout(nn.Module):
    """A Maxout layer: ``in_features -> out_features`` units, each the max of ``k`` affine pieces.

    It holds a ``Linear(in_features, k * out_features)``: ``k`` times the
    weights and biases of a ``Linear`` + ReLU layer of the same width.
    """

    def __init__(self, in_features: int, out_features: int, k: int = 2):
        super().__init__()
        in_features = check_int_in(in_features, "in_features", 1, 1_000_000)
        out_features = check_int_in(out_features, "out_features", 1, 1_000_000)
        self.k = check_int_in(k, "k", 1, 1024)
        self.linear = nn.Linear(in_features, self.k * out_features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        z = self.linear(x)
        return z.unflatten(-1, (z.shape[-1] // self.k, self.k)).amax(dim=-1)


class CReLU(nn.Module):
    """CReLU as a layer: ``cat([relu(x), relu(-x)], dim)`` (doubles the width)."""

    def __init__(self, dim: int = -1):
        super().__init__()
        self.dim = check_int_in(dim, "dim", -64, 63)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([torch.relu(x), torch.relu(-x)], dim=self.dim)


# --------------------------------------------------------------------------- the registry


def _F():
    import torch.nn.functional as F

    return F


@dataclass(frozen=True)
class Activation:
    """One member of the ReLU family, with everything a chapter needs to use or test it.

    Attributes
    ----------
    key, name:
        Registry key (``"leaky_relu"``) and display name (``"Leaky ReLU"``).
    formula:
        LaTeX of the definition.
    defaults:
        Parameters and their PyTorch defaults (passed as keyword arguments to
        ``np_fn``, ``grad_np`` and ``torch_fn``).
    np_fn, grad_np, torch_fn:
        The reference implementations (numpy value and derivative; torch value).
    reference:
        ``torch.nn.functional`` counterpart taking the same keyword arguments,
        or ``None`` where PyTorch has none (Maxout, CReLU; squared ReLU is
        ``F.relu(x) ** 2``).
    module:
        Factory of an ``nn.Module`` for a hidden layer: ``module(width, **params)``.
    value_at_zero, grad_at_zero:
        f(0) and PyTorch's f'(0), with the default parameters.
    units_in, units_out:
        Pre-activations per unit and outputs per unit: 1 and 1 for elementwise
        functions, ``k`` and 1 for Maxout, 1 and 2 for CReLU.
    smooth, monotonic, bounded_below, negative_outputs:
        Shape properties (``smooth``: continuously differentiable).
    year, cite:
        Year and ``references.bib`` keys of the primary paper(s).
    """

    key: str
    name: str
    formula: str
    defaults: Mapping[str, object]
    np_fn: Callable[..., np.ndarray]
    grad_np: Callable[..., np.ndarray]
    torch_fn: Callable[..., torch.Tensor]
    reference: Callable[..., torch.Tensor] | None
    module: Callable[..., nn.Module]
    value_at_zero: float
    grad_at_zero: float
    smooth: bool
    monotonic: bool
    bounded_below: bool
    negative_outputs: bool
    year: int
    cite: tuple[str, ...]
    units_in: int = 1
    units_out: int = 1

    @property
    def elementwise(self) -> bool:
        return self.units_in == 1 and self.units_out == 1

    def __call__(self, x: np.ndarray | float, **params) -> np.ndarray:
        """The numpy function with the default parameters, updated by ``params``."""
        return self.np_fn(x, **{**self.defaults, **params})


def _act(**kw) -> Activation:
    return Activation(**kw)


def _family() -> dict[str, Activation]:
    F = _F()
    acts = [
        _act(key="relu", name="ReLU", formula=r"\max(0, x)", defaults={},
             np_fn=relu_np, grad_np=relu_grad_np, torch_fn=relu_torch, reference=F.relu,
             module=lambda width=None: nn.ReLU(), value_at_zero=0.0, grad_at_zero=0.0,
             smooth=False, monotonic=True, bounded_below=True, negative_outputs=False,
             year=2010, cite=("nair2010rectified",)),
        _act(key="leaky_relu", name="Leaky ReLU", formula=r"x \text{ if } x > 0 \text{ else } a x",
             defaults={"negative_slope": 0.01}, np_fn=leaky_relu_np, grad_np=leaky_relu_grad_np,
             torch_fn=leaky_relu_torch, reference=lambda x, negative_slope=0.01: F.leaky_relu(x, negative_slope),
             module=lambda width=None, negative_slope=0.01: nn.LeakyReLU(negative_slope),
             value_at_zero=0.0, grad_at_zero=0.01, smooth=False, monotonic=True, bounded_below=False,
             negative_outputs=True, year=2013, cite=("maas2013rectifier",)),
        _act(key="prelu", name="PReLU", formula=r"x \text{ if } x > 0 \text{ else } a x,\ a \text{ learned}",
             defaults={"a": 0.25}, np_fn=prelu_np, grad_np=prelu_grad_np,
             torch_fn=lambda x, a=0.25: prelu_torch(x, a),
             reference=lambda x, a=0.25: F.prelu(x, torch.tensor([a], dtype=x.dtype)),
             module=lambda width=1, a=0.25: nn.PReLU(num_parameters=width, init=a),
             value_at_zero=0.0, grad_at_zero=0.25, smooth=False, monotonic=True, bounded_below=False,
             negative_outputs=True, year=2015, cite=("he2015delving",)),
        _act(key="rrelu", name="RReLU", formula=r"x \text{ if } x \ge 0 \text{ else } a x,\ a \sim U(l, u)",
             defaults={"lower": 1.0 / 8, "upper": 1.0 / 3}, np_fn=rrelu_np, grad_np=rrelu_grad_np,
             torch_fn=rrelu_torch,
             reference=lambda x, lower=1 / 8, upper=1 / 3: F.rrelu(x, lower, upper, training=False),
             module=lambda width=None, lower=1 / 8, upper=1 / 3: nn.RReLU(lower, upper),
             value_at_zero=0.0, grad_at_zero=(1 / 8 + 1 / 3) / 2, smooth=False, monotonic=True,
             bounded_below=False, negative_outputs=True, year=2015, cite=("xu2015empirical",)),
        _act(key="elu", name="ELU", formula=r"x \text{ if } x > 0 \text{ else } \alpha (e^x - 1)",
             defaults={"alpha": 1.0}, np_fn=elu_np, grad_np=elu_grad_np, torch_fn=elu_torch,
             reference=lambda x, alpha=1.0: F.elu(x, alpha),
             module=lambda width=None, alpha=1.0: nn.ELU(alpha),
             value_at_zero=0.0, grad_at_zero=1.0, smooth=True, monotonic=True, bounded_below=True,
             negative_outputs=True, year=2016, cite=("clevert2016fast",)),
        _act(key="celu", name="CELU", formula=r"\max(0,x) + \min(0, \alpha (e^{x/\alpha} - 1))",
             defaults={"alpha": 1.0}, np_fn=celu_np, grad_np=celu_grad_np, torch_fn=celu_torch,
             reference=lambda x, alpha=1.0: F.celu(x, alpha),
             module=lambda width=None, alpha=1.0: nn.CELU(alpha),
             value_at_zero=0.0, grad_at_zero=1.0, smooth=True, monotonic=True, bounded_below=True,
             negative_outputs=True, year=2017, cite=("barron2017continuously",)),
        _act(key="selu", name="SELU", formula=r"\lambda \,(x \text{ if } x > 0 \text{ else } \alpha (e^x - 1))",
             defaults={}, np_fn=selu_np, grad_np=selu_grad_np, torch_fn=selu_torch, reference=F.selu,
             module=lambda width=None: nn.SELU(), value_at_zero=0.0, grad_at_zero=SELU_SCALE * SELU_ALPHA,
             smooth=False, monotonic=True, bounded_below=True, negative_outputs=True, year=2017,
             cite=("klambauer2017self",)),
        _act(key="gelu", name="GELU", formula=r"x\,\Phi(x)", defaults={"approximate": "none"},
             np_fn=gelu_np, grad_np=gelu_grad_np, torch_fn=gelu_torch,
             reference=lambda x, approximate="none": F.gelu(x, approximate=approximate),
             module=lambda width=None, approximate="none": nn.GELU(approximate=approximate),
             value_at_zero=0.0, grad_at_zero=0.5, smooth=True, monotonic=False, bounded_below=True,
             negative_outputs=True, year=2016, cite=("hendrycks2016gaussian",)),
        _act(key="gelu_tanh", name="GELU (tanh)",
             formula=r"\tfrac12 x \left(1 + \tanh\left(\sqrt{2/\pi}\,(x + 0.044715 x^3)\right)\right)",
             defaults={"approximate": "tanh"}, np_fn=gelu_np, grad_np=gelu_grad_np, torch_fn=gelu_torch,
             reference=lambda x, approximate="tanh": F.gelu(x, approximate=approximate),
             module=lambda width=None, approximate="tanh": nn.GELU(approximate=approximate),
             value_at_zero=0.0, grad_at_zero=0.5, smooth=True, monotonic=False, bounded_below=True,
             negative_outputs=True, year=2016, cite=("hendrycks2016gaussian",)),
        _act(key="silu", name="SiLU / Swish", formula=r"x\,\sigma(\beta x)", defaults={"beta": 1.0},
             np_fn=silu_np, grad_np=silu_grad_np, torch_fn=silu_torch,
             reference=lambda x, beta=1.0: F.silu(beta * x) / beta,
             module=lambda width=None: nn.SiLU(), value_at_zero=0.0, grad_at_zero=0.5, smooth=True,
             monotonic=False, bounded_below=True, negative_outputs=True, year=2017,
             cite=("elfwing2018sigmoid", "ramachandran2017searching")),
        _act(key="mish", name="Mish", formula=r"x \tanh(\ln(1 + e^x))", defaults={},
             np_fn=mish_np, grad_np=mish_grad_np, torch_fn=mish_torch, reference=F.mish,
             module=lambda width=None: nn.Mish(), value_at_zero=0.0, grad_at_zero=0.6, smooth=True,
             monotonic=False, bounded_below=True, negative_outputs=True, year=2019, cite=("misra2020mish",)),
        _act(key="softplus", name="Softplus", formula=r"\tfrac{1}{\beta}\ln(1 + e^{\beta x})",
             defaults={"beta": 1.0, "threshold": 20.0}, np_fn=softplus_np, grad_np=softplus_grad_np,
             torch_fn=softplus_torch,
             reference=lambda x, beta=1.0, threshold=20.0: F.softplus(x, beta=beta, threshold=threshold),
             module=lambda width=None, beta=1.0, threshold=20.0: nn.Softplus(beta, threshold),
             value_at_zero=math.log(2.0), grad_at_zero=0.5, smooth=True, monotonic=True, bounded_below=True,
             negative_outputs=False, year=2001, cite=("dugas2001incorporating", "glorot2011deep")),
        _act(key="relu6", name="ReLU6", formula=r"\min(\max(0, x), 6)", defaults={},
             np_fn=relu6_np, grad_np=relu6_grad_np, torch_fn=relu6_torch, reference=F.relu6,
             module=lambda width=None: nn.ReLU6(), value_at_zero=0.0, grad_at_zero=0.0, smooth=False,
             monotonic=True, bounded_below=True, negative_outputs=False, year=2010,
             cite=("krizhevsky2010convolutional",)),
        _act(key="hardswish", name="Hard-Swish", formula=r"x\,\mathrm{ReLU6}(x + 3)/6", defaults={},
             np_fn=hardswish_np, grad_np=hardswish_grad_np, torch_fn=hardswish_torch, reference=F.hardswish,
             module=lambda width=None: nn.Hardswish(), value_at_zero=0.0, grad_at_zero=0.5, smooth=False,
             monotonic=False, bounded_below=True, negative_outputs=True, year=2019, cite=("howard2019searching",)),
        _act(key="squared_relu", name="Squared ReLU", formula=r"\max(0, x)^2", defaults={},
             np_fn=squared_relu_np, grad_np=squared_relu_grad_np, torch_fn=squared_relu_torch,
             reference=lambda x: F.relu(x) ** 2, module=lambda width=None: SquaredReLU(),
             value_at_zero=0.0, grad_at_zero=0.0, smooth=True, monotonic=True, bounded_below=True,
             negative_outputs=False, year=2021, cite=("so2021primer",)),
        _act(key="maxout", name="Maxout", formula=r"\max_{j \le k} (w_j^\top x + b_j)", defaults={"k": 2},
             np_fn=maxout_np, grad_np=maxout_grad_np, torch_fn=maxout_torch, reference=None,
             module=lambda width=None, k=2: MaxoutActivation(k), value_at_zero=math.nan, grad_at_zero=math.nan,
             smooth=False, monotonic=True, bounded_below=False, negative_outputs=True, year=2013,
             cite=("goodfellow2013maxout",), units_in=2),
        _act(key="crelu", name="CReLU", formula=r"[\max(0, x), \max(0, -x)]", defaults={},
             np_fn=crelu_np, grad_np=crelu_grad_np, torch_fn=crelu_torch, reference=None,
             module=lambda width=None: CReLU(), value_at_zero=0.0, grad_at_zero=0.0, smooth=False,
             monotonic=False, bounded_below=True, negative_outputs=False, year=2016,
             cite=("shang2016understanding",), units_out=2),
    ]
    return {a.key: a for a in acts}


#: The ReLU family, in the order the chapter presents it (``relu`` first).
FAMILY: dict[str, Activation] = _family()


def keys(*, elementwise: bool | None = None) -> list[str]:
    """Registry keys in book order; ``elementwise=True`` keeps the functions of one number (not Maxout, CReLU)."""
    if elementwise is not None:
        check_flag(elementwise, "elementwise")
    return [k for k, a in FAMILY.items() if elementwise is None or a.elementwise == elementwise]


def get(key: str) -> Activation:
    """The :class:`Activation` registered under ``key`` (see :func:`keys`)."""
    if not isinstance(key, str):
        raise TypeError(f"key must be a string (see keys()), got {type(key).__name__} {key!r}")
    if key not in FAMILY:
        raise KeyError(f"unknown activation {key!r}; known: {', '.join(FAMILY)}")
    return FAMILY[key]
