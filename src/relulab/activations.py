"""Reference activation functions, in numpy and in torch.

This module is the home of ReLU and of every member of its family that later
chapters study. Each function documents its value and derivative at 0 and
what it does with NaN, ±inf and ``-0.0``; the tests check every claim made
here against ``torch.nn.functional``.

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
``nan`` here; PyTorch's autograd passes the incoming gradient through at a
``nan`` input (it zeroes the gradient only where the output is ``<= 0``, and
``nan <= 0`` is false), so it reports 1 there.
"""

from __future__ import annotations

import numpy as np
import torch

from ._checks import check_array, check_scalar_in, check_tensor

__all__ = [
    "relu_np",
    "relu_grad_np",
    "relu_torch",
    "relu_grad_torch",
]


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
    grad = (arr > 0).astype(dtype)
    grad[arr == 0] = at_zero
    if np.issubdtype(arr.dtype, np.floating):
        grad[np.isnan(arr)] = np.nan
    return grad


def relu_torch(x: torch.Tensor, *, inplace: bool = False) -> torch.Tensor:
    """ReLU in torch: ``torch.clamp_min(x, 0)``, differentiable by autograd.

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
    """
    check_tensor(x, "x")
    if inplace:
        if x.requires_grad and x.is_leaf:
            raise ValueError("inplace=True cannot overwrite a leaf tensor that requires grad")
        return x.clamp_min_(0)
    return torch.clamp_min(x, 0)


def relu_grad_torch(x: torch.Tensor, *, at_zero: float = 0.0) -> torch.Tensor:
    """Derivative of ReLU for a tensor: 1 where ``x > 0``, 0 where ``x < 0``, ``at_zero`` at 0.

    With the default ``at_zero=0`` this is what PyTorch's autograd returns for
    ``torch.relu`` at every number; at ``nan`` it returns ``nan`` (autograd: 1).
    """
    check_tensor(x, "x")
    at_zero = check_scalar_in(at_zero, "at_zero", 0.0, 1.0)
    dtype = x.dtype if x.is_floating_point() else torch.get_default_dtype()
    grad = (x > 0).to(dtype)
    grad = torch.where(x == 0, torch.tensor(at_zero, dtype=dtype), grad)
    if x.is_floating_point():
        grad = torch.where(torch.isnan(x), torch.tensor(float("nan"), dtype=dtype), grad)
    return grad
