"""Small models and one training loop that every chapter's experiments share.

:func:`mlp` builds a multilayer perceptron with any activation and
initialization; :func:`train` trains it with mini-batch SGD, momentum or Adam,
seeded, calling an optional callback after every step; :func:`accuracy`
scores it. Everything runs on the CPU in seconds on the digits data.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import torch
from torch import nn

from ._checks import (
    check_callable,
    check_flag,
    check_inputs_fit,
    check_int_in,
    check_int_list,
    check_labels,
    check_module,
    check_scalar_in,
    check_tensor,
)

__all__ = ["INITS", "OPTIMIZERS", "mlp", "stack_layers", "train", "History", "accuracy"]

#: Initializations of the Linear layers that :func:`mlp` knows.
INITS: tuple[str, ...] = ("default", "he", "xavier", "lecun", "uniform", "normal")
#: Optimizers that :func:`train` knows.
OPTIMIZERS: tuple[str, ...] = ("sgd", "momentum", "adam")


def _init_linear(layer: nn.Linear, init: str, scale: float, bias: float) -> None:
    fan_in = layer.in_features
    with torch.no_grad():
        if init == "he":
            layer.weight.normal_(0.0, math.sqrt(2.0 / fan_in))
        elif init == "xavier":
            layer.weight.normal_(0.0, math.sqrt(2.0 / (fan_in + layer.out_features)))
        elif init == "lecun":
            layer.weight.normal_(0.0, math.sqrt(1.0 / fan_in))
        elif init == "uniform":
            layer.weight.uniform_(-1.0, 1.0)
        elif init == "normal":
            layer.weight.normal_(0.0, 1.0)
        # "default": PyTorch's own (Kaiming-uniform with a = sqrt(5)) is kept
        layer.weight.mul_(scale)
        if init != "default" or bias != 0.0:
            layer.bias.fill_(bias)


def mlp(
    widths: Sequence[int],
    activation: Callable[[], nn.Module] = nn.ReLU,
    *,
    init: str = "default",
    weight_scale: float = 1.0,
    bias: float = 0.0,
    seed: int | None = None,
) -> nn.Sequential:
    """A multilayer perceptron ``widths[0] -> ... -> widths[-1]``.

    Hidden layers are ``Linear`` followed by ``activation()``; the last
    ``Linear`` has no activation. Module names are ``fc1, act1, fc2, act2, ..., out``.

    Parameters
    ----------
    widths:
        Input size, hidden sizes, output size (at least two numbers).
    activation:
        A factory of activation modules (a class such as ``nn.ReLU``, or a lambda).
    init:
        One of :data:`INITS`: ``"default"`` (PyTorch's), ``"he"`` (normal, variance 2/fan_in),
        ``"xavier"`` (normal, variance 2/(fan_in+fan_out)), ``"lecun"`` (normal, 1/fan_in),
        ``"uniform"`` (U(-1, 1)), ``"normal"`` (N(0, 1)).
    weight_scale:
        Multiplies every initial weight (to study bad scales).
    bias:
        Initial value of every bias (with ``init="default"`` and ``bias=0`` PyTorch's
        default uniform biases are kept).
    seed:
        If given, the initialization is drawn from ``torch.manual_seed(seed)``.
    """
    widths = check_int_list(widths, "widths", 1, 1_000_000)
    check_callable(activation, "activation")
    if len(widths) < 2:
        raise ValueError(f"widths needs at least an input and an output size, got {widths}")
    if init not in INITS:
        raise ValueError(f"init must be one of {INITS}, got {init!r}")
    weight_scale = check_scalar_in(weight_scale, "weight_scale", 0.0, 1e6)
    bias = check_scalar_in(bias, "bias", -1e6, 1e6)
    if seed is not None:
        torch.manual_seed(check_int_in(seed, "seed", 0, 2**32 - 1))

    def make_linear(a: int, b: int) -> nn.Linear:
        lin = nn.Linear(a, b)
        _init_linear(lin, init, weight_scale, bias)
        return lin

    return nn.Sequential(stack_layers(widths, make_linear, activation))


def stack_layers(
    widths: Sequence[int],
    make_linear: Callable[[int, int], nn.Module],
    activation: Callable[[], nn.Module],
) -> "OrderedDict[str, nn.Module]":
    """The layers of an MLP ``widths[0] -> ... -> widths[-1]``, named ``fc1, act1, ..., out``.

    ``make_linear(fan_in, fan_out)`` builds each linear layer (in order, so a seeded
    initialization draws the same numbers as a plain loop); ``activation()`` builds
    each activation module and must return an ``nn.Module``.
    """
    widths = check_int_list(widths, "widths", 1, 1_000_000, min_len=2)
    check_callable(make_linear, "make_linear")
    check_callable(activation, "activation")
    layers: OrderedDict[str, nn.Module] = OrderedDict()
    for i, (a, b) in enumerate(zip(widths[:-1], widths[1:]), 1):
        lin = make_linear(a, b)
        if i < len(widths) - 1:
            act = activation()
            if not isinstance(act, nn.Module):
                raise TypeError(f"activation() must return an nn.Module, got {type(act).__name__}")
            layers[f"fc{i}"] = lin
            layers[f"act{i}"] = act
        else:
            layers["out"] = lin
    return layers


@torch.no_grad()
def accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    """Share of ``x`` whose arg-max output equals ``y`` (model in eval mode during the call).

    ``y`` must be a 1-D integer tensor with one class index per row of ``x``;
    the model must return one row of class scores per row of ``x``.
    """
    check_module(model, "model")
    check_inputs_fit(model, x, "x")
    if x.dim() < 1 or x.shape[0] == 0:
        raise ValueError(f"x must hold at least one example (rows), got shape {tuple(x.shape)}")
    check_labels(y, "y", x.shape[0])
    was = model.training
    model.eval()
    try:
        out = model(x)
        if not isinstance(out, torch.Tensor) or out.dim() != 2 or out.shape[0] != x.shape[0]:
            shape = tuple(out.shape) if isinstance(out, torch.Tensor) else type(out).__name__
            raise ValueError(f"model must return scores of shape ({x.shape[0]}, n_classes) for x, got {shape}")
        check_labels(y, "y", x.shape[0], out.shape[1])
        return float((out.argmax(dim=1) == y).float().mean())
    finally:
        model.train(was)


@dataclass
class History:
    """What :func:`train` recorded: loss per step, accuracies per epoch."""

    loss: list[float] = field(default_factory=list)
    train_acc: list[float] = field(default_factory=list)
    test_acc: list[float] = field(default_factory=list)
    diverged: bool = False


class _Optimizer:
    """``torch.optim.SGD`` (optionally with momentum) or ``torch.optim.Adam`` (default betas and eps), written out.

    Each step performs the same operations, in the same order and with the same scalars, as PyTorch's
    single-tensor implementations (the path PyTorch takes for tensors on a CPU), so training gives the same
    bits. Written out because creating a ``torch.optim`` optimizer imports ``torch._dynamo``, which costs a
    chapter about a second; ``tests/test_optimizer_steps.py`` compares the steps with ``torch.optim``.
    Parameters without a gradient are skipped, as ``torch.optim`` skips them.
    """

    def __init__(self, params: Sequence[torch.Tensor], kind: str, *, lr: float, momentum: float = 0.0,
                 weight_decay: float = 0.0, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8):
        if kind not in ("sgd", "adam"):
            raise ValueError(f"kind must be 'sgd' or 'adam', got {kind!r}")
        self.params, self.kind, self.lr = list(params), kind, float(lr)
        self.momentum, self.weight_decay, self.betas, self.eps = float(momentum), float(weight_decay), betas, float(eps)
        self.state: list[dict] = [{} for _ in self.params]

    def zero_grad(self, set_to_none: bool = True) -> None:
        """As ``torch.optim.Optimizer.zero_grad``: drop the gradients, or (``set_to_none=False``) fill them with 0."""
        for p in self.params:
            if p.grad is None:
                continue
            if set_to_none:
                p.grad = None
            else:
                if p.grad.grad_fn is not None:
                    p.grad.detach_()
                else:
                    p.grad.requires_grad_(False)
                p.grad.zero_()

    @torch.no_grad()
    def step(self) -> None:
        for p, st in zip(self.params, self.state):
            if p.grad is None:
                continue
            grad = p.grad
            if self.weight_decay != 0:
                grad = grad.add(p, alpha=self.weight_decay)
            if self.kind == "sgd":
                if self.momentum != 0:
                    if "buf" not in st:
                        st["buf"] = grad.detach().clone()
                    else:
                        st["buf"].mul_(self.momentum).add_(grad, alpha=1)
                    grad = st["buf"]
                p.add_(grad, alpha=-self.lr)
                continue
            beta1, beta2 = self.betas
            if not st:  # torch.optim.Adam counts steps in a float32 tensor; integers are exact there
                st.update(step=0.0, exp_avg=torch.zeros_like(p, memory_format=torch.preserve_format),
                          exp_avg_sq=torch.zeros_like(p, memory_format=torch.preserve_format))
            st["step"] += 1.0
            exp_avg, exp_avg_sq, step = st["exp_avg"], st["exp_avg_sq"], st["step"]
            exp_avg.lerp_(grad, 1 - beta1)
            exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
            bias_correction1 = 1 - beta1**step
            bias_correction2 = 1 - beta2**step
            step_size = self.lr / bias_correction1
            bias_correction2_sqrt = bias_correction2**0.5
            denom = (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(self.eps)
            p.addcdiv_(exp_avg, denom, value=-step_size)


def train(
    model: nn.Module,
    x: torch.Tensor,
    y: torch.Tensor,
    *,
    x_test: torch.Tensor | None = None,
    y_test: torch.Tensor | None = None,
    optimizer: str = "sgd",
    lr: float = 0.1,
    epochs: int = 10,
    batch_size: int = 64,
    weight_decay: float = 0.0,
    seed: int = 0,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] | None = None,
    on_step: Callable[[int, nn.Module], None] | None = None,
    track_accuracy: bool = True,
) -> History:
    """Train ``model`` on ``(x, y)`` for classification (cross-entropy by default).

    Mini-batches are drawn from a generator seeded with ``seed``. ``on_step(step, model)``
    runs after every optimizer step. Training stops early, with ``diverged=True``,
    if the loss becomes non-finite. ``track_accuracy=False`` leaves ``train_acc`` and
    ``test_acc`` of the history empty and saves their forward passes after every epoch
    (the training itself is the same, bit for bit).
    """
    track_accuracy = check_flag(track_accuracy, "track_accuracy")
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {optimizer!r}")
    lr = check_scalar_in(lr, "lr", 0.0, 1e6, low_open=True)
    epochs = check_int_in(epochs, "epochs", 1, 100_000)
    batch_size = check_int_in(batch_size, "batch_size", 1, 10_000_000)
    weight_decay = check_scalar_in(weight_decay, "weight_decay", 0.0, 1e6)
    check_module(model, "model")
    check_inputs_fit(model, x, "x")
    check_tensor(y, "y")
    for fn, name in ((loss_fn, "loss_fn"), (on_step, "on_step")):
        if fn is not None and not callable(fn):
            raise TypeError(f"{name} must be None or a function, got {type(fn).__name__}")
    if loss_fn is None:
        linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
        check_labels(y, "y", x.shape[0], linears[-1].out_features if linears else None)
    if (x_test is None) != (y_test is None):
        raise ValueError("give x_test and y_test together, or neither")
    if x_test is not None:
        check_inputs_fit(model, x_test, "x_test")
        check_labels(y_test, "y_test", x_test.shape[0])
    if x.shape[0] != y.shape[0] or x.shape[0] == 0:
        raise ValueError(f"x and y must have the same, non-zero number of rows, got {x.shape[0]} and {y.shape[0]}")
    params = [p for p in model.parameters() if p.requires_grad]
    if optimizer == "adam":  # torch.optim.Adam(params, lr=lr, weight_decay=weight_decay), step for step
        opt = _Optimizer(params, "adam", lr=lr, weight_decay=weight_decay)
    else:  # torch.optim.SGD(params, lr=lr, momentum=0.9 or 0, weight_decay=weight_decay)
        opt = _Optimizer(params, "sgd", lr=lr, momentum=0.9 if optimizer == "momentum" else 0.0, weight_decay=weight_decay)
    loss_fn = loss_fn or nn.functional.cross_entropy
    gen = torch.Generator().manual_seed(check_int_in(seed, "seed", 0, 2**32 - 1))
    hist = History()
    step = 0
    model.train()
    for _ in range(epochs):
        order = torch.randperm(x.shape[0], generator=gen)
        for i in range(0, x.shape[0], batch_size):
            idx = order[i : i + batch_size]
            opt.zero_grad()
            loss = loss_fn(model(x[idx]), y[idx])
            if not torch.isfinite(loss):
                hist.diverged = True
                return hist
            loss.backward()
            opt.step()
            hist.loss.append(float(loss.detach()))
            step += 1
            if on_step is not None:
                on_step(step, model)
        if not track_accuracy:
            continue
        hist.train_acc.append(accuracy(model, x, y))
        if x_test is not None and y_test is not None:
            hist.test_acc.append(accuracy(model, x_test, y_test))
    return hist
