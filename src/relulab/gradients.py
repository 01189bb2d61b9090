"""The derivative of ReLU, and what happens to gradients through depth.

Chapter 2 ("The derivative") is built on this module:

* :func:`difference_quotients`, :func:`one_sided_derivatives` and
  :func:`is_subgradient` show that ReLU has a left derivative 0 and a right
  derivative 1 at the origin, that every slope in ``[0, 1]`` is a subgradient
  there, and that a central difference at exactly 0 gives 0.5;
* :func:`relu_at_zero` (a ``torch.autograd.Function``) and :class:`ReLUAtZero`
  (its module) are ReLU with a derivative at 0 of your choice;
  :func:`gradcheck_rows` runs ``torch.autograd.gradcheck`` on it;
* :class:`ZeroCounter`, :func:`exact_zero_rows` and :func:`at_zero_experiment`
  measure how often a pre-activation is *exactly* 0, and whether the
  derivative chosen at 0 changes training;
* :func:`second_derivative`, :func:`input_curvature` and
  :func:`curvature_loss_gradient_norm` show that ReLU has no curvature;
* :class:`MLPEnsemble` holds many deep MLPs (one per seed and configuration)
  and runs them together with batched matrix products;
  :func:`gradient_profile` measures the gradient per layer at initialization,
  :func:`train_ensemble` trains them (optionally with BatchNorm and with
  global gradient-norm clipping, as ``torch.nn.utils.clip_grad_norm_`` does
  for each network), and :func:`summarize` reports mean and spread over seeds;
* :func:`derivative_moment` and :func:`layer_gain` give the per-layer
  factor of the backward pass predicted by the variance argument of Glorot &
  Bengio (2010) and He et al. (2015).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ._checks import (
    check_callable,
    check_choice,
    check_finite_array,
    check_finite_tensor,
    check_flag,
    check_inputs_fit,
    check_int_in,
    check_int_list,
    check_module,
    check_real,
    check_scalar_in,
    check_seeds,
    check_sequence,
    check_tensor,
)
from .i18n import localize_numbers, register
from .replication import experiment
from .training import _Optimizer

__all__ = [
    "DifferenceQuotients",
    "difference_quotients",
    "one_sided_derivatives",
    "is_subgradient",
    "ReLUAtZeroFunction",
    "relu_at_zero",
    "ReLUAtZero",
    "gradcheck_rows",
    "ZeroCounter",
    "exact_zero_rows",
    "AT_ZERO_SETUPS",
    "AtZeroResult",
    "at_zero_experiment",
    "second_derivative",
    "input_curvature",
    "curvature_loss_gradient_norm",
    "output_hessian",
    "ACTIVATIONS",
    "DEPTH_INITS",
    "Member",
    "grid",
    "MLPEnsemble",
    "GradientProfile",
    "gradient_profile",
    "TrainRun",
    "train_ensemble",
    "summarize",
    "mean_sd_text",
    "label",
    "profile_rows",
    "train_rows",
    "plot_layers",
    "derivative_moment",
    "layer_gain",
]


# --------------------------------------------------------------------------------------
# 1. One-sided limits, finite differences, subgradients
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DifferenceQuotients:
    """Difference quotients of a function at ``x0`` for several step sizes ``h``."""

    x0: float
    h: np.ndarray
    left: np.ndarray  #: (f(x0) - f(x0 - h)) / h
    right: np.ndarray  #: (f(x0 + h) - f(x0)) / h
    central: np.ndarray  #: (f(x0 + h) - f(x0 - h)) / (2h)


def _as_float_fn(f: Callable) -> Callable[[np.ndarray], np.ndarray]:
    if not callable(f):
        raise TypeError(f"f must be a function of a float64 numpy array, got {type(f).__name__}")

    def g(x: np.ndarray) -> np.ndarray:
        y = np.asarray(f(np.asarray(x, dtype=np.float64)), dtype=np.float64)
        if y.shape != np.shape(x):
            raise ValueError(f"f must return one value per input: input shape {np.shape(x)}, output {y.shape}")
        return y

    return g


def difference_quotients(
    f: Callable[[np.ndarray], np.ndarray], x0: float = 0.0, hs: Sequence[float] = (1e-1, 1e-3, 1e-6, 1e-9)
) -> DifferenceQuotients:
    """Left, right and central difference quotients of ``f`` at ``x0`` (float64).

    Parameters
    ----------
    f:
        A function of a float64 numpy array, elementwise (e.g. ``relulab.activations.relu_np``).
    x0:
        The point.
    hs:
        Positive step sizes.
    """
    f = _as_float_fn(f)
    x0 = check_scalar_in(x0, "x0", -1e6, 1e6)
    if isinstance(hs, (int, float, str, bytes)) or not isinstance(hs, (Sequence, np.ndarray)) or len(hs) == 0:
        raise TypeError("hs must be a non-empty sequence of positive step sizes")
    h = np.array([check_scalar_in(v, f"hs[{i}]", 0.0, 1e6, low_open=True) for i, v in enumerate(hs)])
    f0 = f(np.full_like(h, x0))
    fp, fm = f(x0 + h), f(x0 - h)
    return DifferenceQuotients(x0, h, (f0 - fm) / h, (fp - f0) / h, (fp - fm) / (2 * h))


def one_sided_derivatives(f: Callable[[np.ndarray], np.ndarray], x0: float = 0.0, h: float = 1e-7) -> tuple[float, float]:
    """Estimates of the left and right derivatives of ``f`` at ``x0`` (one-sided quotients, step ``h``).

    The error is of order ``h`` times the second derivative beside ``x0``: with the default step the
    estimates are good to about 6 digits for the activation functions of this book.
    """
    q = difference_quotients(f, x0, [h])
    return float(q.left[0]), float(q.right[0])


def is_subgradient(
    f: Callable[[np.ndarray], np.ndarray], x0: float, slope: float, xs: np.ndarray | None = None
) -> bool:
    """Whether ``slope`` is a subgradient of ``f`` at ``x0`` on the sample ``xs``.

    ``g`` is a subgradient if the line through ``(x0, f(x0))`` with slope ``g``
    stays below the graph: ``f(x) >= f(x0) + g (x - x0)`` for every ``x`` (here:
    every ``x`` of ``xs``, by default 2,001 points on ``[x0 - 5, x0 + 5]``).
    For a convex function such as ReLU the subgradients at a kink form the
    interval between the left and the right derivative (the *subdifferential*).
    """
    f = _as_float_fn(f)
    x0 = check_scalar_in(x0, "x0", -1e6, 1e6)
    slope = check_scalar_in(slope, "slope", -1e6, 1e6)
    xs = np.linspace(x0 - 5.0, x0 + 5.0, 2001) if xs is None else check_finite_array(xs, "xs").astype(np.float64)
    if xs.ndim != 1 or xs.size == 0:
        raise ValueError("xs must be a non-empty 1-D array of points")
    line = f(np.array([x0]))[0] + slope * (xs - x0)
    return bool(np.all(f(xs) >= line - 1e-12 * (1.0 + np.abs(line))))


# --------------------------------------------------------------------------------------
# 2. ReLU with a chosen derivative at 0
# --------------------------------------------------------------------------------------


class ReLUAtZeroFunction(torch.autograd.Function):
    """ReLU whose backward pass uses ``at_zero`` as the derivative at exactly 0."""

    @staticmethod
    def forward(ctx, x: torch.Tensor, at_zero: float) -> torch.Tensor:
        ctx.save_for_backward(x)
        ctx.at_zero = at_zero
        return x.clamp_min(0)

    @staticmethod
    def backward(ctx, grad_out: torch.Tensor):
        (x,) = ctx.saved_tensors
        slope = (x > 0).to(grad_out.dtype)
        if ctx.at_zero != 0.0:
            slope = slope.masked_fill(x == 0, ctx.at_zero)
        # the slope is a constant of x (a step function): its own derivative is 0,
        # so a double backward through this function gives zeros, like torch.relu
        return grad_out * slope, None


def _check_at_zero(at_zero: object, name: str = "at_zero") -> float:
    return check_scalar_in(at_zero, f"{name} (the derivative used at 0; ReLU's subdifferential there is [0, 1])", 0.0, 1.0)


def relu_at_zero(x: torch.Tensor, at_zero: float = 0.0) -> torch.Tensor:
    """ReLU whose autograd derivative at exactly 0 is ``at_zero``.

    The forward value is ``max(0, x)``. The backward pass multiplies the
    incoming gradient by 1 where ``x > 0``, 0 where ``x < 0`` and ``at_zero``
    where ``x == 0`` (also ``-0.0``). ``at_zero=0`` reproduces ``torch.relu``
    exactly; any value in ``[0, 1]`` is a valid subgradient.
    """
    check_tensor(x, "x")
    if not x.is_floating_point():
        raise TypeError(f"x must be a floating-point tensor to be differentiated, got {x.dtype}")
    return ReLUAtZeroFunction.apply(x, _check_at_zero(at_zero))


class ReLUAtZero(nn.Module):
    """An ``nn.Module`` for :func:`relu_at_zero`: a ReLU layer with a chosen derivative at 0."""

    def __init__(self, at_zero: float = 0.0):
        super().__init__()
        self.at_zero = _check_at_zero(at_zero)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return relu_at_zero(x, self.at_zero)

    def extra_repr(self) -> str:
        return f"at_zero={self.at_zero}"


def gradcheck_rows(points: Sequence[float], at_zeros: Sequence[float], *, eps: float = 1e-6, atol: float = 1e-5) -> list[list]:
    """Run ``torch.autograd.gradcheck`` on :func:`relu_at_zero` at each point, for each ``at_zero``.

    One row per (point, at_zero): the point, ``at_zero``, the derivative autograd
    returns, the central difference ``(f(x+eps) - f(x-eps)) / (2 eps)`` that
    gradcheck compares it with, and whether gradcheck passes (float64, one point at a time).
    """
    eps = check_scalar_in(eps, "eps", 0.0, 1.0, low_open=True)
    atol = check_scalar_in(atol, "atol", 0.0, 1.0)
    points = [check_scalar_in(p, f"points[{i}]", -1e6, 1e6) for i, p in enumerate(check_sequence(points, "points"))]
    at_zeros = [_check_at_zero(a, f"at_zeros[{i}]") for i, a in enumerate(check_sequence(at_zeros, "at_zeros"))]
    rows = []
    for p in points:
        for a in at_zeros:
            x = torch.tensor([p], dtype=torch.float64, requires_grad=True)
            fn = lambda t, a=a: relu_at_zero(t, a)  # noqa: E731
            (g,) = torch.autograd.grad(fn(x).sum(), x)
            numeric = (max(p + eps, 0.0) - max(p - eps, 0.0)) / (2 * eps)
            ok = torch.autograd.gradcheck(fn, (x,), eps=eps, atol=atol, raise_exception=False)
            rows.append([p, a, float(g[0]), numeric, bool(ok)])
    return rows


# --------------------------------------------------------------------------------------
# 3. Exact zeros: how often, and does the derivative at 0 matter?
# --------------------------------------------------------------------------------------


class ZeroCounter:
    """Context manager that counts exact zeros in the *inputs* of ReLU layers during forward passes.

    Parameters
    ----------
    model:
        Any ``nn.Module``.
    types:
        Module types whose inputs are counted (default: ``nn.ReLU`` and :class:`ReLUAtZero`).

    After (or during) the ``with`` block, :attr:`zeros`, :attr:`total` and
    :attr:`fraction` hold the counts over every forward pass made inside it.
    """

    def __init__(self, model: nn.Module, types: tuple[type[nn.Module], ...] = (nn.ReLU, ReLUAtZero)):
        if not isinstance(model, nn.Module):
            raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
        self.layers = [m for m in model.modules() if isinstance(m, types)]
        if not self.layers:
            raise ValueError(f"model has no layer of types {[t.__name__ for t in types]}")
        self.zeros = 0
        self.total = 0
        self._handles: list = []

    def _hook(self, _module, args):
        x = args[0]
        self.zeros += int((x == 0).sum())
        self.total += x.numel()

    def __enter__(self) -> "ZeroCounter":
        self._handles = [m.register_forward_pre_hook(self._hook) for m in self.layers]
        return self

    def __exit__(self, *exc) -> None:
        for h in self._handles:
            h.remove()
        self._handles.clear()

    @property
    def fraction(self) -> float:
        """Share of counted inputs that were exactly 0 (``nan`` before any forward pass)."""
        return self.zeros / self.total if self.total else float("nan")


def _fake_quantize_int8(z: torch.Tensor) -> torch.Tensor:
    scale = float(z.abs().max()) / 127.0
    return torch.fake_quantize_per_tensor_affine(z, scale, 0, -128, 127)


def exact_zero_rows(x: torch.Tensor, *, width: int = 512, seeds: Sequence[int] = (0, 1, 2)) -> list[list]:
    """Count exactly-zero pre-activations ``x @ W`` of one layer in several number formats.

    ``W`` has ``width`` columns drawn from N(0, 1/fan_in), one draw per seed.
    Formats: float64, float32, bfloat16 (PyTorch's matrix product, which
    accumulates in float32 on the CPU), bfloat16 with every addition rounded to
    bfloat16 (low-precision accumulation, done term by term here), and int8
    (values rounded to 255 levels, as in quantized inference). Rows: format, zeros,
    total, fraction.
    """
    check_finite_tensor(x, "x")
    if x.numel() == 0:
        raise ValueError(f"x must hold at least one example, got shape {tuple(x.shape)}")
    if x.dim() != 2:
        raise ValueError(f"x must be a (samples, features) matrix, got shape {tuple(x.shape)}")
    width = check_int_in(width, "width", 1, 100_000)
    seeds = check_seeds(seeds)
    x64 = x.to(torch.float64)
    counts = {k: [0, 0] for k in ("float64", "float32", "bfloat16", "bfloat16_acc", "int8")}
    for s in seeds:
        g = torch.Generator().manual_seed(s)
        w = torch.randn(x.shape[1], width, generator=g, dtype=torch.float64) / math.sqrt(x.shape[1])
        outs = {
            "float64": x64 @ w,
            "float32": x64.float() @ w.float(),
            "bfloat16": x64.bfloat16() @ w.bfloat16(),
            "int8": _fake_quantize_int8((x64.float() @ w.float())),
        }
        xb, wb = x64.bfloat16(), w.bfloat16()
        acc = torch.zeros(x.shape[0], width, dtype=torch.bfloat16)
        for i in range(x.shape[1]):
            acc = acc + xb[:, i : i + 1] * wb[i : i + 1, :]
        outs["bfloat16_acc"] = acc
        for k, z in outs.items():
            counts[k][0] += int((z == 0).sum())
            counts[k][1] += z.numel()
    return [[k, z, n, z / n] for k, (z, n) in counts.items()]


#: Settings of :func:`at_zero_experiment`.
AT_ZERO_SETUPS: tuple[str, ...] = ("standard", "zero_init", "conv_padding")


@dataclass(frozen=True)
class AtZeroResult:
    """What :func:`at_zero_experiment` measured: one entry per (derivative at 0, seed)."""

    setup: str
    at_zeros: tuple[float, ...]
    seeds: tuple[int, ...]
    test_acc: np.ndarray  #: (len(at_zeros), len(seeds))
    zero_fraction: np.ndarray  #: (len(at_zeros), len(seeds)): exact zeros among ReLU inputs during training
    max_param_diff: np.ndarray  #: (len(at_zeros), len(seeds)): largest |difference| from the run with at_zeros[0]


def _at_zero_model(setup: str, at_zero: float, seed: int) -> nn.Module:
    from .training import mlp

    if setup in ("standard", "zero_init"):
        model = mlp([64, 64, 64, 10], lambda: ReLUAtZero(at_zero), seed=seed)
        if setup == "zero_init":
            with torch.no_grad():
                model.fc1.weight.zero_()
                model.fc1.bias.zero_()
        return model
    torch.manual_seed(seed)
    return nn.Sequential(
        nn.Unflatten(1, (1, 8, 8)),
        nn.Conv2d(1, 8, 3, padding=1, bias=False),
        ReLUAtZero(at_zero),
        nn.Conv2d(8, 8, 3, padding=1, bias=False),
        ReLUAtZero(at_zero),
        nn.Flatten(),
        nn.Linear(8 * 64, 10),
    )


def at_zero_experiment(
    setup: str,
    *,
    at_zeros: Sequence[float] = (0.0, 0.5, 1.0),
    seeds: Sequence[int] = (0, 1, 2),
    epochs: int = 2,
    lr: float = 0.1,
) -> AtZeroResult:
    """Train the same network with different derivatives of ReLU at 0, on the digits (float32, plain SGD).

    Setups (:data:`AT_ZERO_SETUPS`):

    ``"standard"``
        a 64-64-64-10 MLP with PyTorch's default initialization on standardized digits;
    ``"zero_init"``
        the same, with the first layer's weights and biases set to 0: at the
        start every first-layer pre-activation is exactly 0;
    ``"conv_padding"``
        two 3×3 convolutions without bias and with zero padding on the raw
        pixels (scaled to [0, 1]), whose black background gives all-zero patches.

    For every seed, the runs with different ``at_zeros`` start from the same
    weights and see the same mini-batches, so any difference comes from the
    derivative at 0 alone.
    """
    from .data import digits
    from .training import accuracy, train

    if setup not in AT_ZERO_SETUPS:
        raise ValueError(f"setup must be one of {AT_ZERO_SETUPS}, got {setup!r}")
    at_zeros = tuple(_check_at_zero(a, f"at_zeros[{i}]") for i, a in enumerate(check_sequence(at_zeros, "at_zeros", min_len=0)))
    if not at_zeros:
        raise ValueError("at_zeros must name at least one derivative at 0")
    seeds = tuple(check_seeds(seeds))
    epochs = check_int_in(epochs, "epochs", 1, 1000)
    split = digits(seed=0, standardize=setup != "conv_padding")
    scale = 16.0 if setup == "conv_padding" else 1.0
    xtr, xte = split.x_train / scale, split.x_test / scale
    acc = np.zeros((len(at_zeros), len(seeds)))
    frac = np.zeros_like(acc)
    diff = np.zeros_like(acc)
    for j, s in enumerate(seeds):
        first = None
        for i, a in enumerate(at_zeros):
            model = _at_zero_model(setup, a, s)
            with ZeroCounter(model) as counter:
                train(model, xtr, split.y_train, lr=lr, epochs=epochs, seed=s, optimizer="sgd")
            acc[i, j] = accuracy(model, xte, split.y_test)
            frac[i, j] = counter.fraction
            params = torch.cat([p.detach().flatten() for p in model.parameters()])
            first = params if first is None else first
            diff[i, j] = float((params - first).abs().max())
    return AtZeroResult(setup, at_zeros, seeds, acc, frac, diff)


# --------------------------------------------------------------------------------------
# 4. Second derivative
# --------------------------------------------------------------------------------------


def second_derivative(fn: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    """The second derivative of an elementwise ``fn`` at the points ``x``, by double backward (float64).

    Where autograd's graph of the first derivative does not depend on ``x`` at
    all (as for ReLU, whose derivative is a step), the result is zeros.
    """
    check_callable(fn, "fn")
    check_tensor(x, "x")
    x = x.detach().to(torch.float64).requires_grad_(True)
    (g,) = torch.autograd.grad(fn(x).sum(), x, create_graph=True)
    if not g.requires_grad:
        return torch.zeros_like(x).detach()
    (g2,) = torch.autograd.grad(g.sum(), x, allow_unused=True)
    return torch.zeros_like(x).detach() if g2 is None else g2.detach()


def _input_derivatives(model: nn.Module, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    check_module(model, "model")
    check_finite_tensor(x, "x")
    if x.dim() != 2 or x.shape[1] != 1:
        raise ValueError(f"x must have shape (points, 1) for a model of one input, got {tuple(x.shape)}")
    x = x.detach().requires_grad_(True)
    u = model(x)
    if u.shape != x.shape:
        raise ValueError(f"the model must map (points, 1) to (points, 1), got output {tuple(u.shape)}")
    (du,) = torch.autograd.grad(u.sum(), x, create_graph=True)
    if du.requires_grad:
        (d2u,) = torch.autograd.grad(du.sum(), x, create_graph=True, allow_unused=True)
    else:
        d2u = None
    if d2u is None:
        d2u = torch.zeros_like(x)
    return u, du, d2u


def input_curvature(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """d²u/dx² of a model ``u`` of one input at the points ``x`` (shape ``(points, 1)``)."""
    return _input_derivatives(model, x)[2].detach()


def curvature_loss_gradient_norm(model: nn.Module, x: torch.Tensor, target: torch.Tensor) -> float:
    """Norm of the gradient, with respect to the parameters, of ``mean((u''(x) - target)^2)``.

    This is the kind of term a physics-informed loss adds (e.g. ``u'' = f`` for
    a Poisson equation). If ``u''`` does not depend on the parameters — as for a
    ReLU network, where it is 0 everywhere — the gradient is 0 and the term
    cannot be reduced by training.
    """
    check_tensor(target, "target")
    _, _, d2u = _input_derivatives(model, x)
    if target.shape != d2u.shape:
        raise ValueError(f"target must have the shape of x, {tuple(d2u.shape)}, got {tuple(target.shape)}")
    loss = ((d2u - target) ** 2).mean()
    params = [p for p in model.parameters() if p.requires_grad]
    if not loss.requires_grad:
        return 0.0
    grads = torch.autograd.grad(loss, params, allow_unused=True)
    return float(torch.sqrt(sum((g**2).sum() for g in grads if g is not None) + torch.zeros((), dtype=x.dtype)))


def output_hessian(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """Hessian of ``model(x).sum()`` with respect to all the model's parameters (flattened, in order).

    For a ReLU network the activation's second derivative is 0, and so is the
    Hessian with respect to the *input*; with respect to the *weights* it is
    not: the output is a product of weights of successive layers along every
    active path, so the mixed second derivatives between two layers are not 0.
    """
    check_module(model, "model")
    check_inputs_fit(model, x, "x")
    names = [n for n, _ in model.named_parameters()]
    params = [p.detach() for _, p in model.named_parameters()]
    if not params:
        raise ValueError("model has no parameters")
    sizes = [p.numel() for p in params]

    def out(flat: torch.Tensor) -> torch.Tensor:
        chunks = torch.split(flat, sizes)
        new = {n: c.view_as(p) for n, c, p in zip(names, chunks, params)}
        return torch.func.functional_call(model, new, (x,)).sum()

    return torch.autograd.functional.hessian(out, torch.cat([p.flatten() for p in params]))


# --------------------------------------------------------------------------------------
# 5. Deep networks: many seeds and configurations at once
# --------------------------------------------------------------------------------------

#: Activations of the depth experiments.
ACTIVATIONS: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
}
_MODULES: dict[str, type[nn.Module]] = {"sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU}

#: Initializations of the depth experiments: PyTorch's default ``nn.Linear`` one
#: (uniform, variance 1/(3 fan_in), random biases), Xavier/Glorot (normal,
#: variance 2/(fan_in + fan_out)) and He/Kaiming (normal, variance 2/fan_in),
#: the last two with zero biases.
DEPTH_INITS: tuple[str, ...] = ("default", "xavier", "he")


@dataclass(frozen=True)
class Member:
    """One network of an :class:`MLPEnsemble`: activation, initialization, seed and a weight scale."""

    activation: str = "relu"
    init: str = "he"
    seed: int = 0
    scale: float = 1.0

    def __post_init__(self):
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {tuple(ACTIVATIONS)}, got {self.activation!r}")
        if self.init not in DEPTH_INITS:
            raise ValueError(f"init must be one of {DEPTH_INITS}, got {self.init!r}")
        check_int_in(self.seed, "seed", 0, 2**32 - 1)
        check_scalar_in(self.scale, "scale", 0.0, 1e3, low_open=True)

    @property
    def config(self) -> tuple[str, str, float]:
        """(activation, init, scale): the member without its seed."""
        return (self.activation, self.init, self.scale)


def grid(
    activations: Iterable[str] = ("relu",),
    inits: Iterable[str] = ("he",),
    seeds: Sequence[int] = (0, 1, 2),
    scales: Iterable[float] = (1.0,),
) -> list[Member]:
    """Every combination of activations × inits × scales × seeds (seeds vary fastest)."""
    seeds = check_seeds(seeds)
    activations, inits, scales = (check_sequence(v, n, min_len=0) for v, n in ((activations, "activations"), (inits, "inits"), (scales, "scales")))
    for i, c in enumerate(scales):
        check_real(c, f"scales[{i}]")
    try:
        out = [Member(a, i, s, float(c)) for a in activations for i in inits for c in scales for s in seeds]
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"grid: a value of activations, inits or scales is not allowed: {exc}") from None
    if not out:
        raise ValueError("the grid is empty: activations, inits and scales must each hold at least one value")
    return out


def _draw_layer(member: Member, gen: torch.Generator, fan_in: int, fan_out: int, dtype) -> tuple[torch.Tensor, torch.Tensor]:
    """Weights (fan_in, fan_out) and biases (1, fan_out) of one layer of one member."""
    if member.init == "default":
        bound = 1.0 / math.sqrt(fan_in)  # nn.Linear: kaiming_uniform_(a=sqrt(5)) and U(-1/sqrt(fan_in), ...) biases
        w = (torch.rand(fan_out, fan_in, generator=gen, dtype=torch.float64) * 2 - 1) * bound
        b = (torch.rand(1, fan_out, generator=gen, dtype=torch.float64) * 2 - 1) * bound
    else:
        var = 2.0 / fan_in if member.init == "he" else 2.0 / (fan_in + fan_out)
        w = torch.randn(fan_out, fan_in, generator=gen, dtype=torch.float64) * math.sqrt(var)
        b = torch.zeros(1, fan_out, dtype=torch.float64)
    return (w.T * member.scale).to(dtype).contiguous(), b.to(dtype)


class MLPEnsemble(nn.Module):
    """Many independent MLPs of the same shape, run together with batched matrix products.

    Member ``m`` is the MLP ``widths[0] -> ... -> widths[-1]`` with hidden layers
    ``Linear -> [BatchNorm] -> activation`` and a final ``Linear``, initialized
    from its own seed (the same seed gives the same random numbers whatever the
    other members are, so configurations can be compared seed by seed). The
    networks share nothing: member ``m``'s outputs and gradients are exactly
    those of :meth:`member_model` ``(m)``, an ordinary ``nn.Sequential``.

    Parameters
    ----------
    widths:
        Input size, hidden sizes, output size.
    members:
        The networks (see :class:`Member` and :func:`grid`).
    batchnorm:
        Put a BatchNorm (batch statistics in training, running statistics in
        evaluation; momentum 0.1, eps 1e-5, like ``nn.BatchNorm1d``) before every activation.
    dtype:
        ``torch.float64`` by default: small deep networks are chaotic, and
        printed results must be the same on every machine.
    """

    def __init__(
        self,
        widths: Sequence[int],
        members: Sequence[Member],
        *,
        batchnorm: bool = False,
        dtype: torch.dtype = torch.float64,
    ):
        super().__init__()
        widths = check_int_list(widths, "widths", 1, 100_000)
        if len(widths) < 3:
            raise ValueError(f"widths needs an input, at least one hidden layer and an output, got {widths}")
        members = check_sequence(members, "members", min_len=0)
        if not members or not all(isinstance(m, Member) for m in members):
            raise TypeError("members must be a non-empty sequence of relulab.gradients.Member (see grid())")
        if dtype not in (torch.float32, torch.float64):
            raise ValueError(f"dtype must be torch.float32 or torch.float64, got {dtype}")
        self.widths = widths
        self.members = tuple(members)
        self.batchnorm = check_flag(batchnorm, "batchnorm")
        self.dtype = dtype
        layers = list(zip(widths[:-1], widths[1:]))
        per_member = []
        for m in self.members:
            gen = torch.Generator().manual_seed(m.seed)
            per_member.append([_draw_layer(m, gen, a, b, dtype) for a, b in layers])
        self.weights = nn.ParameterList([nn.Parameter(torch.stack([pm[l][0] for pm in per_member])) for l in range(len(layers))])
        self.biases = nn.ParameterList([nn.Parameter(torch.stack([pm[l][1] for pm in per_member])) for l in range(len(layers))])
        n_members = len(self.members)
        if self.batchnorm:
            self.bn_weight = nn.ParameterList([nn.Parameter(torch.ones(n_members, 1, w, dtype=dtype)) for w in widths[1:-1]])
            self.bn_bias = nn.ParameterList([nn.Parameter(torch.zeros(n_members, 1, w, dtype=dtype)) for w in widths[1:-1]])
            for l, w in enumerate(widths[1:-1]):
                self.register_buffer(f"running_mean{l}", torch.zeros(n_members, 1, w, dtype=dtype))
                self.register_buffer(f"running_var{l}", torch.ones(n_members, 1, w, dtype=dtype))
        # contiguous runs of members with the same activation
        self._runs: list[tuple[int, int, str]] = []
        for i, m in enumerate(self.members):
            if self._runs and self._runs[-1][2] == m.activation:
                self._runs[-1] = (self._runs[-1][0], i + 1, m.activation)
            else:
                self._runs.append((i, i + 1, m.activation))
        self.pre: list[torch.Tensor] = []
        self.post: list[torch.Tensor] = []

    @property
    def depth(self) -> int:
        """Number of hidden layers."""
        return len(self.widths) - 2

    def _activate(self, z: torch.Tensor) -> torch.Tensor:
        if len(self._runs) == 1:
            return ACTIVATIONS[self._runs[0][2]](z)
        return torch.cat([ACTIVATIONS[a](z[lo:hi]) for lo, hi, a in self._runs], dim=0)

    def _norm(self, z: torch.Tensor, l: int) -> torch.Tensor:
        rm, rv = getattr(self, f"running_mean{l}"), getattr(self, f"running_var{l}")
        if self.training:
            mean = z.mean(dim=1, keepdim=True)
            var = z.var(dim=1, unbiased=False, keepdim=True)
            with torch.no_grad():
                n = z.shape[1]
                rm.mul_(0.9).add_(0.1 * mean)
                rv.mul_(0.9).add_(0.1 * var * (n / max(n - 1, 1)))
        else:
            mean, var = rm, rv
        return (z - mean) / torch.sqrt(var + 1e-5) * self.bn_weight[l] + self.bn_bias[l]

    def forward(self, x: torch.Tensor, *, record: bool = False) -> torch.Tensor:
        """Outputs of every member: ``(members, batch, widths[-1])``.

        ``x`` is ``(batch, widths[0])`` (the same batch for every member) or
        ``(members, batch, widths[0])``. With ``record=True`` the pre-activations
        (after BatchNorm, i.e. the activations' inputs) and the hidden outputs are
        kept in :attr:`pre` and :attr:`post`, with their gradients retained.
        """
        check_tensor(x, "x")
        n_members = len(self.members)
        if x.dim() == 2:
            x = x.unsqueeze(0).expand(n_members, *x.shape)
        if x.dim() != 3 or x.shape[0] != n_members or x.shape[2] != self.widths[0]:
            raise ValueError(
                f"x must be (batch, {self.widths[0]}) or ({n_members}, batch, {self.widths[0]}), got {tuple(x.shape)}"
            )
        h = x.to(self.dtype)
        self.pre, self.post = [], []
        last = len(self.weights) - 1
        for l, (w, b) in enumerate(zip(self.weights, self.biases)):
            z = torch.baddbmm(b, h, w)
            if l == last:
                return z
            if self.batchnorm:
                z = self._norm(z, l)
            h = self._activate(z)
            if record:
                if z.requires_grad:
                    z.retain_grad()
                    h.retain_grad()
                self.pre.append(z)
                self.post.append(h)
        raise AssertionError("unreachable")

    def member_model(self, i: int) -> nn.Sequential:
        """Member ``i`` as an ordinary ``nn.Sequential`` (a copy of its current parameters and statistics)."""
        i = check_int_in(i, "i", 0, len(self.members) - 1)
        mods: list[nn.Module] = []
        last = len(self.weights) - 1
        for l, (w, b) in enumerate(zip(self.weights, self.biases)):
            lin = nn.Linear(w.shape[1], w.shape[2]).to(self.dtype)
            with torch.no_grad():
                lin.weight.copy_(w[i].T)
                lin.bias.copy_(b[i, 0])
            mods.append(lin)
            if l == last:
                break
            if self.batchnorm:
                bn = nn.BatchNorm1d(w.shape[2]).to(self.dtype)
                with torch.no_grad():
                    bn.weight.copy_(self.bn_weight[l][i, 0])
                    bn.bias.copy_(self.bn_bias[l][i, 0])
                    bn.running_mean.copy_(getattr(self, f"running_mean{l}")[i, 0])
                    bn.running_var.copy_(getattr(self, f"running_var{l}")[i, 0])
                mods.append(bn)
            mods.append(_MODULES[self.members[i].activation]())
        model = nn.Sequential(*mods)
        model.train(self.training)
        return model

    def member_losses(self, out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Mean cross-entropy of each member on labels ``y``: shape ``(members,)``."""
        n_members, batch, classes = out.shape
        per = F.cross_entropy(out.reshape(n_members * batch, classes), y.repeat(n_members), reduction="none")
        return per.view(n_members, batch).mean(dim=1)


def _rms(t: torch.Tensor) -> torch.Tensor:
    return t.detach().pow(2).flatten(1).mean(dim=1).sqrt()


@dataclass(frozen=True)
class GradientProfile:
    """Gradients per hidden layer at initialization, for every member (rows) of an ensemble.

    Hidden layers are numbered 1 (next to the input) to ``depth`` (next to the output).
    Every quantity is a root mean square over the batch and the units of a layer.
    """

    members: tuple[Member, ...]
    signal: np.ndarray  #: (M, depth): RMS of dL/dh_l, the gradient reaching the output h_l of hidden layer l
    weight_grad: np.ndarray  #: (M, depth + 1): RMS of dL/dW_l for every Linear layer (the last is the output layer)
    activation_rms: np.ndarray  #: (M, depth): RMS of h_l
    preactivation_rms: np.ndarray  #: (M, depth): RMS of z_l, the input of the activation of layer l
    act_factor: np.ndarray  #: (M, depth): RMS(dL/dz_l) / RMS(dL/dh_l): what the activation's derivative does
    weight_factor: np.ndarray  #: (M, depth - 1): RMS(dL/dh_{l-1}) / RMS(dL/dz_l), l = 2..depth: what W_l^T does
    predicted_act_factor: np.ndarray  #: (M, depth): sqrt(E[φ'(Z)²]) for Z ~ N(0, preactivation_rms²)
    input_spread: np.ndarray  #: (M, depth): RMS over units of the std over the batch of h_l, over RMS(h_l)

    def rows_of(self, config: tuple[str, str, float]) -> np.ndarray:
        """Indices of the members with this (activation, init, scale)."""
        idx = [i for i, m in enumerate(self.members) if m.config == tuple(config)]
        if not idx:
            raise KeyError(f"no member with config {config}; configs: {sorted({m.config for m in self.members})}")
        return np.array(idx)


def gradient_profile(
    members: Sequence[Member],
    x: torch.Tensor,
    y: torch.Tensor,
    *,
    depth: int = 30,
    width: int = 32,
) -> GradientProfile:
    """Forward and backward one batch ``(x, y)`` (cross-entropy) through fresh deep MLPs; measure every layer.

    Each member is an MLP with ``depth`` hidden layers of ``width`` units
    (float64, no BatchNorm), initialized as its :class:`Member` says.
    """
    depth = check_int_in(depth, "depth", 2, 500)
    width = check_int_in(width, "width", 1, 10_000)
    check_tensor(x, "x")
    check_tensor(y, "y")
    if x.dim() != 2 or y.shape != (x.shape[0],):
        raise ValueError(f"x must be (batch, features) and y (batch,), got {tuple(x.shape)} and {tuple(y.shape)}")
    classes = int(y.max()) + 1
    ens = MLPEnsemble([x.shape[1]] + [width] * depth + [classes], members)
    out = ens(x, record=True)
    ens.member_losses(out, y).sum().backward()
    signal = torch.stack([_rms(h.grad) for h in ens.post], dim=1)
    dz = torch.stack([_rms(z.grad) for z in ens.pre], dim=1)
    wgrad = torch.stack([_rms(w.grad) for w in ens.weights], dim=1)
    act = torch.stack([_rms(h) for h in ens.post], dim=1)
    pre = torch.stack([_rms(z) for z in ens.pre], dim=1).numpy()
    spread = torch.stack([_rms(h.detach().std(dim=1, unbiased=False)) / _rms(h) for h in ens.post], dim=1)
    predicted = np.array(
        [[math.sqrt(derivative_moment(m.activation, max(float(sd), 1e-12))) for sd in row] for m, row in zip(members, pre)]
    )
    return GradientProfile(
        tuple(members),
        signal.numpy(),
        wgrad.numpy(),
        act.numpy(),
        pre,
        (dz / signal).numpy(),
        (signal[:, :-1] / dz[:, 1:]).numpy(),
        predicted,
        spread.numpy(),
    )


@dataclass(frozen=True)
class TrainRun:
    """What :func:`train_ensemble` recorded, one row per member."""

    members: tuple[Member, ...]
    batchnorm: bool
    clip_norm: float | None
    loss: np.ndarray  #: (M, epochs): mean training loss of each epoch's mini-batches (nan after divergence)
    test_acc: np.ndarray  #: (M,): test accuracy at the end (nan if diverged)
    diverged: np.ndarray  #: (M,): the loss became inf or nan
    max_grad_norm: np.ndarray  #: (M,): the largest global gradient norm seen (before clipping)
    test_loss: np.ndarray | None = None  #: (M, epochs): loss on the test set after each epoch (``track_test_loss``)


def train_ensemble(
    ens: MLPEnsemble,
    x: torch.Tensor,
    y: torch.Tensor,
    x_test: torch.Tensor,
    y_test: torch.Tensor,
    *,
    epochs: int = 5,
    lr: float | Sequence[float] = 0.02,
    momentum: float = 0.9,
    batch_size: int = 64,
    clip_norm: float | None = None,
    seed: int = 0,
    track_test_loss: bool = False,
) -> TrainRun:
    """Train every member of ``ens`` with SGD + momentum on the same mini-batches (cross-entropy).

    ``clip_norm`` rescales each member's gradient so that its global norm (over
    all of that member's parameters) is at most ``clip_norm``, exactly as
    ``torch.nn.utils.clip_grad_norm_(member.parameters(), clip_norm)`` does for
    one network. A member whose loss becomes inf or nan is frozen and marked
    ``diverged``; the others go on. ``lr`` is one learning rate for every member or
    a sequence of one per member (plain SGD with momentum is linear in the learning
    rate, so each member's gradient is scaled by its own rate and the optimizer's rate is 1).
    ``track_test_loss`` records each member's loss on ``(x_test, y_test)`` after every epoch
    (pass a validation set there to follow the validation loss).
    """
    if not isinstance(ens, MLPEnsemble):
        raise TypeError(f"ens must be an MLPEnsemble, got {type(ens).__name__}")
    epochs = check_int_in(epochs, "epochs", 1, 10_000)
    per_member_lr = None
    if isinstance(lr, (list, tuple, np.ndarray)):
        if len(lr) != len(ens.members):
            raise ValueError(f"lr must be one rate or one per member ({len(ens.members)}), got {len(lr)} rates")
        per_member_lr = torch.tensor([check_scalar_in(v, f"lr[{i}]", 0.0, 100.0, low_open=True) for i, v in enumerate(lr)],
                                     dtype=ens.dtype)
        lr = 1.0
    lr = check_scalar_in(lr, "lr", 0.0, 100.0, low_open=True)
    momentum = check_scalar_in(momentum, "momentum", 0.0, 1.0, high_open=True)
    batch_size = check_int_in(batch_size, "batch_size", 1, 1_000_000)
    if clip_norm is not None:
        clip_norm = check_scalar_in(clip_norm, "clip_norm", 0.0, 1e12, low_open=True)
    for name, t in (("x", x), ("y", y), ("x_test", x_test), ("y_test", y_test)):
        check_tensor(t, name)
    if x.shape[0] != y.shape[0] or x.shape[0] == 0:
        raise ValueError(f"x and y must have the same, non-zero number of rows, got {x.shape[0]} and {y.shape[0]}")
    x, x_test = x.to(ens.dtype), x_test.to(ens.dtype)
    params = list(ens.parameters())
    opt = _Optimizer(params, "sgd", lr=lr, momentum=momentum)  # torch.optim.SGD's steps, bit for bit
    gen = torch.Generator().manual_seed(check_int_in(seed, "seed", 0, 2**32 - 1))
    n_members = len(ens.members)
    alive = torch.ones(n_members, dtype=torch.bool)
    loss_hist = np.full((n_members, epochs), np.nan)
    test_hist = np.full((n_members, epochs), np.nan) if track_test_loss else None
    max_norm = torch.zeros(n_members, dtype=torch.float64)
    ens.train()
    for ep in range(epochs):
        order = torch.randperm(x.shape[0], generator=gen)
        sums = torch.zeros(n_members, dtype=torch.float64)
        steps = 0
        for i in range(0, x.shape[0], batch_size):
            idx = order[i : i + batch_size]
            losses = ens.member_losses(ens(x[idx]), y[idx])
            alive &= torch.isfinite(losses.detach())
            if not alive.any():
                break
            opt.zero_grad(set_to_none=False)
            losses[alive].sum().backward()
            norms = torch.sqrt(sum(p.grad.detach().flatten(1).pow(2).sum(dim=1) for p in params)).to(torch.float64)
            alive &= torch.isfinite(norms)
            max_norm = torch.where(alive, torch.maximum(max_norm, norms), max_norm)
            keep = alive.to(ens.dtype)
            if clip_norm is not None:
                coef = (clip_norm / (norms + 1e-6)).clamp(max=1.0).to(ens.dtype)
                keep = keep * torch.nan_to_num(coef, nan=0.0)
            if per_member_lr is not None:
                keep = keep * per_member_lr
            for p in params:
                p.grad.nan_to_num_(0.0).mul_(keep.view(-1, *([1] * (p.dim() - 1))))
            opt.step()
            sums += losses.detach().to(torch.float64)
            steps += 1
        loss_hist[:, ep] = torch.where(alive, sums / max(steps, 1), torch.tensor(float("nan"), dtype=torch.float64)).numpy()
        if track_test_loss:
            ens.eval()
            with torch.no_grad():
                tl = ens.member_losses(ens(x_test), y_test).to(torch.float64)
            test_hist[:, ep] = torch.where(alive, tl, torch.tensor(float("nan"), dtype=torch.float64)).numpy()
            ens.train()
    ens.eval()
    with torch.no_grad():
        acc = (ens(x_test).argmax(dim=2) == y_test).to(torch.float64).mean(dim=1)
    acc = torch.where(alive, acc, torch.tensor(float("nan"), dtype=torch.float64))
    return TrainRun(ens.members, ens.batchnorm, clip_norm, loss_hist, acc.numpy(), (~alive).numpy(), max_norm.numpy(), test_hist)


def summarize(members: Sequence[Member], values: np.ndarray, *, log: bool = False) -> list[tuple[tuple, float, float, int]]:
    """Mean and standard deviation over seeds of one value per member, for each (activation, init, scale).

    Returns ``[(config, mean, std, n), ...]`` in the order configurations first
    appear. ``nan`` values (e.g. diverged runs) are left out of mean and std;
    ``n`` counts the finite ones. With ``log=True`` mean and std are those of
    ``log10(values)`` (for quantities spread over many orders of magnitude).
    """
    values = np.asarray(values, dtype=float)
    if values.shape != (len(members),):
        raise ValueError(f"values must have one entry per member ({len(members)}), got shape {values.shape}")
    out = []
    for config in dict.fromkeys(m.config for m in members):
        v = values[[i for i, m in enumerate(members) if m.config == config]]
        v = v[np.isfinite(v)]
        if log:
            v = np.log10(v[v > 0])
        mean = float(v.mean()) if v.size else float("nan")
        std = float(v.std()) if v.size else float("nan")
        out.append((config, mean, std, int(v.size)))
    return out


def mean_sd_text(mean: float, sd: float, decimals: int = 2) -> str:
    """``"mean ± sd"`` with ``decimals`` decimals (``"—"`` if there is no finite value)."""
    decimals = check_int_in(decimals, "decimals", 0, 10)
    mean, sd = check_real(mean, "mean", finite=False), check_real(sd, "sd", finite=False)
    if not (math.isfinite(mean) and math.isfinite(sd)):
        return "—"
    m, s = round(mean, decimals) + 0.0, round(sd, decimals) + 0.0
    return localize_numbers(f"{m:.{decimals}f} ± {s:.{decimals}f}")


def label(name: str) -> str:
    """How tables and legends name an activation (``"sigmoid"``) or an initialization (``"default"``)
    of this chapter, in the current language (Italian: ``"sigmoide"``, ``"predefinita"``)."""
    from .i18n import t

    if not isinstance(name, str) or name not in _LABELS:
        raise ValueError(f"name must be one of {sorted(_LABELS)}, got {name!r}")
    return t(f"gradients.name_{name}")


_LABELS = ("sigmoid", "tanh", "relu", "default", "xavier", "he")


def profile_rows(profile: GradientProfile, *, decimals: int = 1) -> list[list]:
    """One row per configuration: activation, init, scale, and (mean ± sd over seeds) the log10 of

    the gradient's RMS at the first hidden layer over that at the last (``-5`` means 100,000 times
    smaller near the input), and of the activations' RMS at the last hidden layer.
    """
    ratio = summarize(profile.members, profile.signal[:, 0] / profile.signal[:, -1], log=True)
    act = summarize(profile.members, profile.activation_rms[:, -1], log=True)
    return [
        [label(c[0]), label(c[1]), c[2], mean_sd_text(m, s, decimals), mean_sd_text(am, asd, decimals)]
        for (c, m, s, _), (_, am, asd, _) in zip(ratio, act)
    ]


def train_rows(run: TrainRun, *, decimals: int = 2) -> list[list]:
    """One row per configuration: activation, init, scale, test accuracy (mean ± sd), mean loss in the

    first and last epoch (over the runs that did not diverge), and how many runs diverged.
    """
    acc = summarize(run.members, run.test_acc)
    first = summarize(run.members, run.loss[:, 0])
    last = summarize(run.members, run.loss[:, -1])
    rows = []
    for (c, m, s, _), (_, l0, _, _), (_, l1, _, _) in zip(acc, first, last):
        idx = [i for i, mm in enumerate(run.members) if mm.config == c]
        rows.append([label(c[0]), label(c[1]), c[2], mean_sd_text(m, s, decimals), f"{l0:.3g}", f"{l1:.3g}", f"{int(run.diverged[idx].sum())}/{len(idx)}"])
    return rows


def plot_layers(ax, profile: GradientProfile, configs: Sequence[tuple[str, str, float]], *, quantity: str = "signal", labels: Sequence[str] | None = None):
    """Plot log10 of a per-layer quantity of ``profile`` (mean over seeds, band = min to max) for each config.

    ``quantity`` is ``"signal"`` (the gradient reaching each hidden layer) or
    ``"activation_rms"`` (the size of each hidden layer's output).
    """
    from .i18n import t
    from .plotting import plot_mean_spread

    if quantity not in ("signal", "activation_rms"):
        raise ValueError(f"quantity must be 'signal' or 'activation_rms', got {quantity!r}")
    configs = [tuple(c) for c in configs]
    labels = [label(c[0]) for c in configs] if labels is None else list(labels)
    if len(labels) != len(configs):
        raise ValueError(f"give one label per config: {len(configs)} configs, {len(labels)} labels")
    values = getattr(profile, quantity)
    layers = np.arange(1, values.shape[1] + 1)
    for k, (config, text) in enumerate(zip(configs, labels)):
        plot_mean_spread(ax, layers, np.log10(values[profile.rows_of(config)]), label=text, index=k, spread="minmax")
    ax.set(xlabel=t("gradients.layer"), ylabel=t(f"gradients.{quantity}_log"))
    return ax


# --------------------------------------------------------------------------------------
# 6. The variance argument
# --------------------------------------------------------------------------------------

_DERIVATIVES: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "relu": lambda z: (z > 0).astype(float),
    "tanh": lambda z: 1.0 - np.tanh(z) ** 2,
    "sigmoid": lambda z: 0.25 * (1.0 - np.tanh(z / 2.0) ** 2),  # σ(1 - σ), without overflow
}


@functools.lru_cache(maxsize=8)
def _hermite_nodes(n: int) -> tuple[np.ndarray, np.ndarray]:
    return np.polynomial.hermite_e.hermegauss(n)


def derivative_moment(activation: str, sigma: float = 1.0, *, nodes: int = 200) -> float:
    """E[φ'(Z)²] for Z ~ N(0, σ²), by Gauss–Hermite quadrature.

    For ReLU this is P(Z > 0) = 1/2 for every σ; for tanh it falls from 1 (σ → 0)
    towards 0; for the sigmoid it is at most 1/16, since σ' ≤ 1/4.
    """
    check_choice(activation, "activation", tuple(_DERIVATIVES))
    sigma = check_scalar_in(sigma, "sigma", 0.0, 1e6, low_open=True)
    nodes = check_int_in(nodes, "nodes", 2, 10_000)
    z, w = _hermite_nodes(nodes)
    return float(np.sum(w * _DERIVATIVES[activation](sigma * z) ** 2) / math.sqrt(2.0 * math.pi))


def layer_gain(activation: str, init: str, sigma: float = 1.0) -> float:
    """Predicted factor by which one layer multiplies the gradient's mean square, fan_in = fan_out = n.

    Backward, ``dL/dh_{l-1} = W_l^T (φ'(z_l) ⊙ dL/dh_l)``: with independent
    zero-mean weights of variance v, the mean square is multiplied by
    ``n · v · E[φ'(z)²]``. ``n·v`` is 1/3 for PyTorch's default
    initialization, 1 for Xavier and 2 for He; ``E[φ'(z)²]`` is
    :func:`derivative_moment` at the pre-activations' scale ``sigma``.
    """
    nv = {"default": 1.0 / 3.0, "xavier": 1.0, "he": 2.0}
    check_choice(init, "init", tuple(nv))
    return nv[init] * derivative_moment(activation, sigma)


register(
    {
        "gradients.same_values": {"en": "same values everywhere:", "it": "stessi valori ovunque:"},
        "gradients.codes": {"en": "gradient {grad}: {codes}", "it": "gradiente {grad}: {codes}"},
        "gradients.grad_at": {"en": "{who} gradient at (-1, 0, 2) = {grad}", "it": "{who} gradiente in (-1, 0, 2) = {grad}"},
        "gradients.odd_at_zero": {"en": "{name} d/dx [ReLU(x) - ReLU(-x)] at 0 = {grad}", "it": "{name} d/dx [ReLU(x) - ReLU(-x)] in 0 = {grad}"},
        "gradients.hessian_nonzero": {
            "en": "{act}: non-zero entries {n} of {total}; within layer 1: {within}, across layers: {across}",
            "it": "{act}: elementi non nulli {n} su {total}; dentro lo strato 1: {within}, fra strati: {across}",
        },
        "gradients.layer_gain": {
            "en": "{init} n·v = {nv}: mean square × {gain} per layer, RMS × {rms}",
            "it": "{init} n·v = {nv}: media dei quadrati × {gain} per strato, RMS × {rms}",
        },
        "gradients.h": {"en": "step h", "it": "passo h"},
        "gradients.left": {"en": "left quotient", "it": "rapporto sinistro"},
        "gradients.right": {"en": "right quotient", "it": "rapporto destro"},
        "gradients.central": {"en": "central difference", "it": "differenza centrale"},
        "gradients.slope": {"en": "slope g", "it": "pendenza g"},
        "gradients.is_subgradient": {"en": "subgradient?", "it": "sottogradiente?"},
        "gradients.valid": {"en": "subgradients (slope in [0, 1])", "it": "sottogradienti (pendenza in [0, 1])"},
        "gradients.invalid": {"en": "not subgradients", "it": "non sottogradienti"},
        "gradients.point": {"en": "x", "it": "x"},
        "gradients.at_zero": {"en": "ReLU'(0)", "it": "ReLU'(0)"},
        "gradients.autograd": {"en": "autograd", "it": "autograd"},
        "gradients.numeric": {"en": "central difference", "it": "differenza centrale"},
        "gradients.gradcheck": {"en": "gradcheck passes", "it": "gradcheck superato"},
        "gradients.format": {"en": "number format", "it": "formato numerico"},
        "gradients.zeros": {"en": "exact zeros", "it": "zeri esatti"},
        "gradients.total": {"en": "pre-activations", "it": "pre-attivazioni"},
        "gradients.fraction": {"en": "fraction", "it": "frazione"},
        "gradients.setup": {"en": "setting", "it": "situazione"},
        "gradients.test_acc": {"en": "test accuracy", "it": "accuratezza di test"},
        "gradients.zero_frac": {"en": "zeros in ReLU inputs", "it": "zeri negli ingressi ReLU"},
        "gradients.max_diff": {"en": "max |Δw| vs 0", "it": "max |Δw| rispetto a 0"},
        "gradients.layer": {"en": "hidden layer (1 = next to the input)", "it": "strato nascosto (1 = vicino all'ingresso)"},
        "gradients.signal_log": {"en": "log₁₀ RMS of dL/dh", "it": "log₁₀ RMS di dL/dh"},
        "gradients.activation_rms_log": {"en": "log₁₀ RMS of h", "it": "log₁₀ RMS di h"},
        "gradients.gradcheck_away": {"en": "gradcheck away from the kinks:", "it": "gradcheck lontano dai punti angolosi:"},
        "gradients.grad_at_kinks": {"en": "gradient at (0, 6):", "it": "gradiente in (0, 6):"},
        "gradients.name_sigmoid": {"en": "sigmoid", "it": "sigmoide"},
        "gradients.name_tanh": {"en": "tanh", "it": "tanh"},
        "gradients.name_relu": {"en": "relu", "it": "ReLU"},
        "gradients.name_default": {"en": "default", "it": "predefinita"},
        "gradients.name_xavier": {"en": "xavier", "it": "Xavier"},
        "gradients.name_he": {"en": "he", "it": "He"},
        "gradients.init_default": {"en": "PyTorch's default init", "it": "inizializzazione predefinita di PyTorch"},
        "gradients.init_xavier": {"en": "Xavier/Glorot init", "it": "inizializzazione di Xavier/Glorot"},
        "gradients.init_he": {"en": "He/Kaiming init", "it": "inizializzazione di He/Kaiming"},
        "gradients.act_last": {"en": "log10 RMS of h, last layer", "it": "log10 RMS di h, ultimo strato"},
        "gradients.activation": {"en": "activation", "it": "attivazione"},
        "gradients.init": {"en": "initialization", "it": "inizializzazione"},
        "gradients.scale": {"en": "weight scale", "it": "scala dei pesi"},
        "gradients.ratio": {"en": "log10 (first / last layer)", "it": "log10 (primo / ultimo strato)"},
        "gradients.gain_theory": {"en": "predicted gain per layer", "it": "guadagno per strato previsto"},
        "gradients.gain_measured": {"en": "measured gain per layer", "it": "guadagno per strato misurato"},
        "gradients.mean_sd": {"en": "mean ± sd", "it": "media ± d.s."},
        "gradients.loss_first": {"en": "loss, epoch 1", "it": "loss, epoca 1"},
        "gradients.loss_last": {"en": "loss, last epoch", "it": "loss, ultima epoca"},
        "gradients.diverged": {"en": "diverged", "it": "divergenti"},
        "gradients.max_grad": {"en": "max grad norm (log10)", "it": "norma max del gradiente (log10)"},
        "gradients.variant": {"en": "training", "it": "addestramento"},
        "gradients.plain": {"en": "plain SGD", "it": "SGD semplice"},
        "gradients.clip": {"en": "clip_grad_norm_ 5.0", "it": "clip_grad_norm_ 5,0"},
        "gradients.bn": {"en": "BatchNorm", "it": "BatchNorm"},
        "gradients.act_part": {"en": "× from φ'", "it": "× da φ'"},
        "gradients.weight_part": {"en": "× from Wᵀ", "it": "× da Wᵀ"},
        "gradients.total_part": {"en": "× per layer", "it": "× per strato"},
        "gradients.second": {"en": "second derivative", "it": "derivata seconda"},
        "gradients.curv_grad": {"en": "|∇θ curvature loss|", "it": "|∇θ loss di curvatura|"},
        "gradients.max_abs_d2u": {"en": "max |u''(x)|", "it": "max |u''(x)|"},
        "gradients.tuned_lr": {"en": "tuned learning rate", "it": "learning rate scelto"},
        "gradients.acc_shared": {"en": "test accuracy at {lr}", "it": "accuratezza di test a {lr}"},
        "gradients.acc_tuned": {"en": "test accuracy, tuned", "it": "accuratezza di test, learning rate scelto"},
        "gradients.book_scale": {"en": "book scale (live): {seeds} seeds, {epochs} epochs",
                                 "it": "scala del libro (dal vivo): {seeds} seed, {epochs} epoche"},
        "gradients.full_scale": {"en": "full scale (recorded {date}, {wall} s): {seeds} seeds, {epochs} epochs",
                                 "it": "scala piena (registrata il {date}, {wall} s): {seeds} seed, {epochs} epoche"},
        "gradients.setting_shared": {"en": "shared rate", "it": "learning rate comune"},
        "gradients.setting_tuned": {"en": "tuned rates", "it": "learning rate scelti"},
        "gradients.val_tail": {"en": "{act}: validation loss {first} after epoch 1, {last} at the end; fall over the last quarter {drop}",
                               "it": "{act}: loss di validazione {first} dopo l'epoca 1, {last} alla fine; calo nell'ultimo quarto {drop}"},
    }
)


# --- Issue 18: the activations of a deep MLP, each at its own tuned learning rate -------------------

#: The arms of ``ch2-activations``: each activation with the initialization made for it, and ReLU with
#: Xavier's (is He's crucial once the rate is tuned?). An arm is named ``"activation/init"``.
ACTIVATION_ARMS: tuple[tuple[str, str], ...] = (("sigmoid", "xavier"), ("tanh", "xavier"), ("relu", "xavier"), ("relu", "he"))


def validation_split(x: torch.Tensor, y: torch.Tensor, *, fraction: float = 0.2, seed: int = 0):
    """Split a training set into ``(x_fit, y_fit, x_val, y_val)``: the last ``fraction`` of a seeded permutation is validation."""
    fraction = check_scalar_in(fraction, "fraction", 0.0, 1.0, low_open=True, high_open=True)
    check_finite_tensor(x, "x")
    check_tensor(y, "y")
    if x.dim() == 0 or y.dim() == 0:
        raise ValueError(f"x and y must have one row per example, got shapes {tuple(x.shape)} and {tuple(y.shape)}")
    if x.shape[0] != y.shape[0] or x.shape[0] < 2:
        raise ValueError(f"x and y must have the same number of rows, at least 2, got {x.shape[0]} and {y.shape[0]}")
    order = torch.randperm(x.shape[0], generator=torch.Generator().manual_seed(check_int_in(seed, "seed", 0, 2**32 - 1)))
    n_val = min(max(1, int(round(fraction * x.shape[0]))), x.shape[0] - 1)
    fit, val = order[:-n_val], order[-n_val:]
    return x[fit], y[fit], x[val], y[val]


def digits_split_for_tuning(val_fraction: float = 0.2):
    """``digits(seed=0)`` with its training set split for tuning: ``(x_fit, y_fit, x_val, y_val, x_test, y_test)``."""
    from .data import digits

    check_scalar_in(val_fraction, "val_fraction", 0.0, 1.0, low_open=True, high_open=True)
    d = digits(seed=0)
    return (*validation_split(d.x_train, d.y_train, fraction=val_fraction, seed=0), d.x_test, d.y_test)


def rate_grid(low: float, high: float, per_decade: int) -> list[float]:
    """Learning rates from ``low`` to ``high`` (both included when on the grid), ``per_decade`` per factor of 10, log-spaced on 10^(k/per_decade)."""
    low = check_scalar_in(low, "low", 0.0, 100.0, low_open=True)
    high = check_scalar_in(high, "high", low, 100.0)
    per_decade = check_int_in(per_decade, "per_decade", 1, 100)
    k_lo, k_hi = math.ceil(round(math.log10(low) * per_decade, 9)), math.floor(round(math.log10(high) * per_decade, 9))
    return [float(f"{10 ** (k / per_decade):.4g}") for k in range(k_lo, k_hi + 1)]


def _train_arms(widths, plan, data, epochs, batch_size):
    """Train every ``(activation, init, lr, seed)`` of ``plan`` in one ensemble on the fitting set.

    Returns, per entry: final validation loss (inf if diverged), test accuracy (nan if
    diverged) and the validation loss after each epoch.
    """
    x_fit, y_fit, x_val, y_val, x_test, y_test = data
    members = [Member(act, init, seed) for act, init, _, seed in plan]
    ens = MLPEnsemble(widths, members)
    run = train_ensemble(ens, x_fit, y_fit, x_val, y_val, epochs=epochs, lr=[lr for _, _, lr, _ in plan],
                         batch_size=batch_size, track_test_loss=True)
    with torch.no_grad():
        test_acc = (ens(x_test.to(ens.dtype)).argmax(dim=2) == y_test).to(torch.float64).mean(dim=1).numpy()
    val_last = run.test_loss[:, -1]
    val_last = np.where(run.diverged | ~np.isfinite(val_last), np.inf, val_last)
    test_acc = np.where(run.diverged, np.nan, test_acc)
    return {key: (float(val_last[i]), float(test_acc[i]), run.test_loss[i]) for i, key in enumerate(plan)}


def _json_number(value) -> float | None:
    """``value`` as a float, or None where it is inf or nan (JSON has neither)."""
    value = float(value)
    return value if math.isfinite(value) else None


def _best_rate(results, arm, rates, seeds) -> float:
    """The rate of ``arm`` with the lowest mean final validation loss over ``seeds`` (a diverged run counts as infinite)."""
    means = [np.mean([results[(*arm, lr, s)][0] for s in seeds]) for lr in rates]
    return rates[int(np.argmin(means))]


@experiment(
    "ch2-activations",
    book={"seeds": 5, "epochs": 4, "tune_seeds": 1,
          "rates": {"sigmoid/xavier": [0.02512, 0.06310, 0.1585], "tanh/xavier": [0.02512, 0.03981, 0.06310, 0.1],
                    "relu/xavier": [0.02512, 0.03981, 0.06310, 0.1], "relu/he": [0.006310, 0.01, 0.01585, 0.02512]}},
    full={"seeds": 20, "epochs": 30, "tune_seeds": 2},
    depends=(_train_arms, _json_number, _best_rate, rate_grid, validation_split, digits_split_for_tuning, train_ensemble, MLPEnsemble, _draw_layer, Member),
)
def activation_training(
    seeds: int = 5,
    epochs: int = 6,
    *,
    tune_seeds: int = 2,
    shared_lr: float = 0.02,
    rates: Mapping[str, Sequence[float]] | None = None,
    coarse: tuple[float, float, int] = (0.003, 1.0, 2),
    per_decade: int = 5,
    depth: int = 12,
    width: int = 32,
    batch_size: int = 64,
    val_fraction: float = 0.2,
) -> dict:
    """Deep MLPs on the digits: sigmoid, tanh and ReLU (:data:`ACTIVATION_ARMS`), at one shared rate and each at its own tuned rate.

    The training set of ``digits(seed=0)`` is split into a fitting part and a
    validation part (``val_fraction``); every network trains on the fitting part for
    ``epochs`` epochs of SGD with momentum 0.9 and batches of ``batch_size``.
    **Tuning** uses its own seeds (``1000 .. 1000 + tune_seeds - 1``): each arm's rate
    is the one with the lowest mean final validation loss, from ``rates[activation]``
    (keyed ``"activation/init"``) when given (a fixed grid), otherwise by a coarse-to-fine search (``coarse = (low,
    high, per_decade)``, then ``per_decade`` rates per decade within one coarse step of
    the coarse optimum). **Evaluation** then trains seeds ``0 .. seeds - 1`` of every
    arm at ``shared_lr`` and at its tuned rate (the same seed gives the same initial
    weights and mini-batches in every arm, so arms pair by seed) and reports test
    accuracy; the test set is used for nothing else. Returns a JSON-serialisable dict.
    """
    seeds = check_int_in(seeds, "seeds", 2, 1000)
    tune_seeds = check_int_in(tune_seeds, "tune_seeds", 1, 1000)
    epochs = check_int_in(epochs, "epochs", 1, 10_000)
    shared_lr = check_scalar_in(shared_lr, "shared_lr", 0.0, 100.0, low_open=True)
    per_decade = check_int_in(per_decade, "per_decade", 1, 100)
    depth = check_int_in(depth, "depth", 1, 100)
    width = check_int_in(width, "width", 1, 4096)
    batch_size = check_int_in(batch_size, "batch_size", 1, 100_000)
    names = [f"{a}/{i}" for a, i in ACTIVATION_ARMS]
    if rates is not None:
        if not isinstance(rates, Mapping) or set(rates) != set(names):
            raise ValueError(f"rates must map each of {names} to a list of learning rates, got {rates!r}")
        rates = {a: sorted({check_scalar_in(v, f"rates[{a!r}]", 0.0, 100.0, low_open=True) for v in rs}) for a, rs in rates.items()}
        if any(not rs for rs in rates.values()):
            raise ValueError(f"rates must give at least one learning rate per activation, got {rates!r}")
    if not (isinstance(coarse, (tuple, list)) and len(coarse) == 3):
        raise ValueError(f"coarse must be (low, high, per_decade), got {coarse!r}")
    split = digits_split_for_tuning(val_fraction)
    widths = [split[0].shape[1]] + [width] * depth + [10]
    arms = ACTIVATION_ARMS
    tune = list(range(1000, 1000 + tune_seeds))
    if rates is not None:
        searched = {arm: rates[f"{arm[0]}/{arm[1]}"] for arm in arms}
        results = _train_arms(widths, [(*arm, lr, s) for arm in arms for lr in searched[arm] for s in tune], split, epochs, batch_size)
    else:
        coarse_grid = rate_grid(*coarse)
        results = _train_arms(widths, [(*arm, lr, s) for arm in arms for lr in coarse_grid for s in tune], split, epochs, batch_size)
        step = 10 ** (1 / coarse[2])
        fine = {}
        for arm in arms:
            best = _best_rate(results, arm, coarse_grid, tune)
            fine[arm] = [r for r in rate_grid(best / step, min(best * step, 100.0), per_decade) if r not in coarse_grid]
        plan = [(*arm, lr, s) for arm in arms for lr in fine[arm] for s in tune]
        if plan:
            results.update(_train_arms(widths, plan, split, epochs, batch_size))
        searched = {arm: sorted(set(coarse_grid) | set(fine[arm])) for arm in arms}
    tuned = {arm: _best_rate(results, arm, searched[arm], tune) for arm in arms}
    evals = list(range(seeds))
    final = _train_arms(widths, [(*arm, lr, s) for arm in arms for lr in sorted({shared_lr, tuned[arm]}) for s in evals],
                        split, epochs, batch_size)
    tail = max(1, epochs // 4)
    out_arms = []
    for arm in arms:
        curve = np.nanmean([final[(*arm, tuned[arm], s)][2] for s in evals], axis=0)
        out_arms.append({
            "activation": arm[0], "init": arm[1], "tuned_lr": tuned[arm], "rates": searched[arm],
            # JSON has no inf or nan: a diverged run (or a rate where every tuning run diverged) is None
            "val_loss": [_json_number(np.mean([results[(*arm, r, s)][0] for s in tune])) for r in searched[arm]],
            "shared": [_json_number(final[(*arm, shared_lr, s)][1]) for s in evals],
            "tuned": [_json_number(final[(*arm, tuned[arm], s)][1]) for s in evals],
            "tuned_val_curve": [_json_number(v) for v in curve],
            # relative fall of the mean validation loss over the last quarter of the epochs: near 0 (or negative) = plateau
            "tuned_tail_drop": _json_number((curve[-1 - tail] - curve[-1]) / curve[-1 - tail]) if epochs > tail else None,
        })
    return {"seeds": evals, "tune_seeds": tune, "epochs": epochs, "shared_lr": shared_lr, "depth": depth, "width": width,
            "batch_size": batch_size, "val_fraction": val_fraction, "n_fit": int(split[0].shape[0]),
            "n_val": int(split[2].shape[0]), "n_test": int(split[4].shape[0]), "arms": out_arms}


def _finite_pairs(a: Sequence[float], b: Sequence[float]) -> tuple[list[float], list[float]]:
    """The seeds where both runs finished (a diverged run is nan): the pairs a comparison may use."""
    ok = lambda v: v is not None and math.isfinite(v)  # noqa: E731 (None: a diverged run in a recorded result)
    keep = [i for i in range(len(a)) if ok(a[i]) and ok(b[i])]
    return [float(a[i]) for i in keep], [float(b[i]) for i in keep]


def activation_comparisons(result: Mapping) -> dict[tuple[str, str], "object"]:
    """Paired comparisons (``relulab.stats.compare``) of ReLU with He against each other arm of an ``activation_training`` result.

    Keys are ``(setting, arm)`` with setting ``"shared"`` or ``"tuned"`` and arm ``"activation/init"``;
    values are :class:`relulab.stats.Comparison` of ReLU/He's test accuracy minus the other arm's, over
    the seeds where both finished (diverged runs are left out, and ``n`` says how many pairs remain).
    """
    from . import stats

    if not isinstance(result, Mapping) or "arms" not in result:
        raise ValueError("result must be the dict returned by activation_training (with an 'arms' list)")
    arms = {f"{a['activation']}/{a['init']}": a for a in result["arms"]}
    if "relu/he" not in arms:
        raise ValueError(f"result has no 'relu/he' arm, only {sorted(arms)}")
    out = {}
    for setting in ("shared", "tuned"):
        for name, arm in arms.items():
            if name == "relu/he":
                continue
            a, b = _finite_pairs(arms["relu/he"][setting], arm[setting])
            out[(setting, name)] = stats.compare(a, b, names=("ReLU/He", name))
    return out


def activation_rows(result: Mapping, *, digits: int = 3) -> list[list[str]]:
    """One row per arm of an ``activation_training`` result: activation, init, tuned rate, and test accuracy
    (mean [95% interval], n finished) at the shared and at the tuned rate."""
    from . import stats
    from .i18n import current_language, number

    if not isinstance(result, Mapping) or "arms" not in result:
        raise ValueError("result must be the dict returned by activation_training (with an 'arms' list)")

    def cell(values):
        v = [float(x) for x in values if x is not None and math.isfinite(x)]
        if len(v) < 2:
            return f"— (n = {len(v)})"
        s = stats.summarize(v)
        sep = "; " if current_language() == "it" else ", "  # the Italian decimal comma needs another separator
        return f"{number(s.mean, digits)} [{number(s.low, digits)}{sep}{number(s.high, digits)}] n = {s.n}"

    comma = current_language() == "it"
    return [[a["activation"], a["init"], f"{a['tuned_lr']:.3g}".replace(".", "," if comma else "."),
             cell(a["shared"]), cell(a["tuned"])] for a in result["arms"]]


@dataclass(frozen=True)
class ActivationScales:
    """Chapter 2's activation experiment at both scales; ``str()`` is what the chapter prints, in its language.

    For each scale a table (one row per arm: tuned rate, test accuracy at the shared and at the tuned
    rate) and the paired comparisons ReLU/He minus each other arm; then the last values of each arm's
    validation curve at full scale (to see the plateau) and, per comparison, whether the two scales
    reach the same outcome.
    """

    live: dict
    recorded: object  # relulab.replication.Recorded
    comparisons: dict  # {"book": {...}, "full": {...}}: activation_comparisons of each scale

    @property
    def full(self) -> dict:
        """The recorded full-scale result."""
        return self.recorded.result

    def __str__(self) -> str:
        from .i18n import number, t
        from .tables import format_table

        headers = [t("gradients.activation"), t("gradients.init"), t("gradients.tuned_lr"),
                   t("gradients.acc_shared", lr=number(self.live["shared_lr"], 2)), t("gradients.acc_tuned")]
        prov, full = self.recorded.provenance, self.full
        scales = [("book", self.live, t("gradients.book_scale", seeds=len(self.live["seeds"]), epochs=self.live["epochs"])),
                  ("full", full, t("gradients.full_scale", date=str(prov["date"])[:10], wall=round(prov["wall_s"]),
                                   seeds=len(full["seeds"]), epochs=full["epochs"]))]
        lines = []
        for scale, res, label in scales:
            lines += [label, format_table(activation_rows(res), headers)]
            lines += [f"  {t('gradients.setting_' + setting)}: {comp.verdict()}" for (setting, _), comp in self.comparisons[scale].items()]
            lines.append("")
        for arm in full["arms"]:
            curve, tail = arm["tuned_val_curve"], arm.get("tuned_tail_drop")
            drop = "—" if tail is None else f"{number(100 * tail, 1)} %"  # None: a curve too short to have a tail
            lines.append(t("gradients.val_tail", act=f"{arm['activation']}/{arm['init']}", first=number(curve[0], 3),
                           last=number(curve[-1], 3), drop=drop))
        for key, comp in self.comparisons["book"].items():
            other = self.comparisons["full"][key]
            words = dict(setting=t("gradients.setting_" + key[0]), arm=key[1])
            if comp.outcome == other.outcome:
                lines.append(t("gradients.scales_agree", outcome=t("gradients.outcome_" + comp.outcome), **words))
            else:
                lines.append(t("gradients.scales_differ", book=t("gradients.outcome_" + comp.outcome),
                               full=t("gradients.outcome_" + other.outcome), **words))
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle: bool) -> None:  # IPython shows the same text
        printer.text(str(self))

    def glue_values(self) -> dict[str, object]:
        """The values the chapter's prose quotes, by glue name: each comparison as "mean [low, high], n = k"
        (``act_<scale>_<setting>_<activation>_<init>``), and the sizes of the fitting and validation splits."""
        from .i18n import number

        out: dict[str, object] = {}
        for scale in ("book", "full"):
            for (setting, arm), comp in self.comparisons[scale].items():
                out[f"act_{scale}_{setting}_{arm.replace('/', '_')}"] = (
                    f"{number(comp.mean, 3)} [{number(comp.low, 3)}, {number(comp.high, 3)}], n = {comp.n}")
        out["act_nval"], out["act_nfit"] = self.live["n_val"], self.live["n_fit"]
        return out


def activation_scales(live: Mapping, recorded: object) -> ActivationScales:
    """``live`` (the book-scale result of ``ch2-activations``) beside ``recorded`` (its full-scale record,
    ``relulab.replication.load("ch2-activations")``), with the paired comparisons of both."""
    for name, res in (("live", live), ("recorded.result", getattr(recorded, "result", None))):
        if not isinstance(res, Mapping) or not isinstance(res.get("arms"), list) or not {"seeds", "epochs", "shared_lr"} <= set(res):
            raise ValueError(f"{name} must be a result of activation_training (with arms, seeds, epochs and shared_lr), got {type(res).__name__}")
    if not isinstance(getattr(recorded, "provenance", None), Mapping) or not {"date", "wall_s"} <= set(recorded.provenance):
        raise ValueError("recorded must be a record of relulab.replication.load (with a provenance holding date and wall_s)")
    if "n_val" not in live or "n_fit" not in live:
        raise ValueError("live must hold n_val and n_fit (the sizes of the validation and fitting splits)")
    comps = {"book": activation_comparisons(live), "full": activation_comparisons(recorded.result)}
    return ActivationScales(dict(live), recorded, comps)


register(
    {
        "gradients.scales_agree": {"en": "{setting}, ReLU/He against {arm}: book and full scale agree ({outcome})",
                                   "it": "{setting}, ReLU/He contro {arm}: scala del libro e scala piena concordano ({outcome})"},
        "gradients.scales_differ": {"en": "{setting}, ReLU/He against {arm}: book and full scale DISAGREE ({book} / {full})",
                                    "it": "{setting}, ReLU/He contro {arm}: scala del libro e scala piena NON concordano ({book} / {full})"},
        "gradients.outcome_a": {"en": "ReLU/He better", "it": "ReLU/He migliore"},
        "gradients.outcome_b": {"en": "ReLU/He worse", "it": "ReLU/He peggiore"},
        "gradients.outcome_unresolved": {"en": "no difference shown", "it": "nessuna differenza dimostrata"},
        "gradients.outcome_equivalent": {"en": "equivalent", "it": "equivalenti"},
    }
)
