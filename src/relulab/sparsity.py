"""Sparsity of ReLU networks: how many units are off, which ones, when, and what that buys.

``acts`` below is what one activation layer outputs for a set of inputs: a
tensor with one row per example and one column per unit (trailing dimensions,
e.g. channels × positions, are flattened into units). A unit is *inactive for
an input* when its output is exactly zero; *dead on a data set* when it is
inactive for every input of that set.

* Definitions: :func:`zero_fraction`, :func:`population_sparsity` (per example),
  :func:`lifetime_sparsity` (per unit), :func:`dead_mask`, :func:`always_on_mask`,
  :func:`layer_sparsity` (one row per activation layer of any model).
* Initialization: :func:`init_network`, :func:`sparsity_at_init` (depth 1 to
  10, any initialization, biases and weight shifts) and
  :func:`gaussian_zero_fraction` (the formula for the first layer).
* Training: :func:`train_probed` trains a :func:`relulab.training.mlp` with
  :func:`relulab.training.train` and records sparsity per layer after every
  epoch and, on request, how many on/off states flip at every step;
  :class:`ActivationL1` adds an L1 penalty on activations;
  :func:`small_data_runs` repeats configurations over seeds on a small
  training set and :func:`compare_runs` tabulates the train/test gap.
* Which units switch: :func:`flip_rate`, :func:`noise_flip_rate`,
  :func:`pairwise_disagreement`, :func:`class_activation_profile`,
  :func:`top_class_share`, :func:`count_patterns`.
* Efficiency: :func:`union_active_fraction` and :func:`time_products` (dense
  against compacted matrix products).
* Not zero-centred: :func:`output_mean`, :func:`same_sign_share`,
  :func:`grad_sign_share`, :func:`batchnorm_variant`,
  :func:`input_condition_number`, :func:`gd_steps_to_converge`,
  :func:`sgd_path`.
"""

from __future__ import annotations

import functools
import math
import statistics
import time
import warnings
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ._checks import (
    check_array,
    check_callable,
    check_choice,
    check_finite_array,
    check_finite_tensor,
    check_flag,
    check_inputs_fit,
    check_int_in,
    check_int_list,
    check_labels,
    check_module,
    check_numbers,
    check_scalar_in,
    check_seeds,
    check_tensor,
)
from .data import Split, digits
from .dying import validation_split
from .gradients import rate_grid
from .i18n import localize_numbers, register, t
from .replication import experiment
from .stats import interval_text
from .moments import relu_gaussian_moments
from .plotting import OKABE_ITO, plot_mean_spread, series_style, subplots
from .probes import ForwardHooks, record_activations, resolve_layers
from .training import INITS, OPTIMIZERS, accuracy, mlp, train

__all__ = [
    "sparsity_training",
    "sparsity_training_table",
    "REGULARIZER_CONFIGS",
    "REGULARIZER_TRAINING",
    "test_nll",
    "regularizer_summary",
    "regularizers",
    "REGULARIZER_RATES",
    "tune_regularizer_rates",
    "tuned_runs",
    "regularizer_comparison",
    "tuning_table",
    "tuned_shared_table",
    "regularizer_agreement",
    "regularizer_agreement_table",
    "zero_fraction",
    "population_sparsity",
    "lifetime_sparsity",
    "inactive_mask",
    "dead_mask",
    "always_on_mask",
    "LayerSparsity",
    "layer_sparsity",
    "init_network",
    "InitSparsity",
    "sparsity_at_init",
    "gaussian_zero_fraction",
    "ActivationL1",
    "ProbedRun",
    "train_probed",
    "small_data_runs",
    "compare_runs",
    "mean_sd",
    "pm",
    "flip_rate",
    "noise_flip_rate",
    "pairwise_disagreement",
    "class_activation_profile",
    "top_class_share",
    "count_patterns",
    "Switching",
    "switching_values",
    "switching_rows",
    "median_top_class_share",
    "union_active_fraction",
    "ProductTimings",
    "time_products",
    "ACTIVATION_FUNCTIONS",
    "output_mean",
    "exact_output_mean",
    "same_sign_share",
    "grad_sign_share",
    "batchnorm_variant",
    "SIGN_SHARE_KINDS",
    "sign_shares",
    "sign_share_table",
    "sign_share_rows",
    "output_moments",
    "input_second_moment",
    "input_condition_number",
    "relu_condition_number",
    "gd_steps_to_converge",
    "SGDPath",
    "sgd_path",
    "plot_init_depth",
    "plot_training",
    "plot_class_profile",
    "plot_gap_vs_sparsity",
    "plot_sgd_paths",
]


# --------------------------------------------------------------------------- definitions


def _as_units(acts: object, name: str = "acts") -> torch.Tensor:
    """``acts`` as a 2-D tensor (examples × units); trailing dimensions are flattened."""
    check_tensor(acts, name)
    if acts.ndim < 2:
        raise ValueError(f"{name} must have one row per example and at least one unit (2 or more dims), got shape {tuple(acts.shape)}")
    if acts.shape[0] == 0 or acts[0].numel() == 0:
        raise ValueError(f"{name} must hold at least one example and one unit, got shape {tuple(acts.shape)}")
    if acts.is_floating_point() and bool(torch.isnan(acts.detach()).any()):
        raise ValueError(f"{name} must not hold nan (a nan unit is neither zero nor active: did the network diverge?)")
    return acts.reshape(acts.shape[0], -1)


def inactive_mask(acts: torch.Tensor) -> torch.Tensor:
    """Boolean tensor (examples × units): ``True`` where the unit's output is exactly zero for that input."""
    return _as_units(acts) == 0


def zero_fraction(acts: torch.Tensor) -> float:
    """Share of exact zeros among all outputs (every example, every unit)."""
    return float(inactive_mask(acts).double().mean())


def population_sparsity(acts: torch.Tensor) -> np.ndarray:
    """For each example, the share of units whose output is zero (how few units describe this input)."""
    return inactive_mask(acts).double().mean(dim=1).numpy()


def lifetime_sparsity(acts: torch.Tensor) -> np.ndarray:
    """For each unit, the share of examples for which its output is zero (how rarely this unit fires)."""
    return inactive_mask(acts).double().mean(dim=0).numpy()


def dead_mask(acts: torch.Tensor) -> np.ndarray:
    """For each unit, ``True`` if its output is zero for *every* example given (dead on this data set)."""
    return inactive_mask(acts).all(dim=0).numpy()


def always_on_mask(acts: torch.Tensor) -> np.ndarray:
    """For each unit, ``True`` if its output is non-zero for every example given (it never switches off)."""
    return (~inactive_mask(acts)).all(dim=0).numpy()


@dataclass(frozen=True)
class LayerSparsity:
    """Sparsity of one activation layer over a data set."""

    layer: str
    units: int
    zero_fraction: float
    dead_fraction: float
    always_on_fraction: float


def layer_sparsity(model: nn.Module, data: object, *, layers: Sequence[str] | None = None) -> list[LayerSparsity]:
    """One :class:`LayerSparsity` per activation layer of ``model`` over ``data`` (a tensor or batches).

    The model runs in evaluation mode (see :func:`relulab.probes.record_activations`).
    """
    out = []
    for name, acts in record_activations(model, data, layers=layers).items():
        a = _as_units(acts)
        out.append(
            LayerSparsity(
                name, int(a.shape[1]), zero_fraction(a), float(dead_mask(a).mean()), float(always_on_mask(a).mean())
            )
        )
    return out


# --------------------------------------------------------------------------- initialization

_BIAS_MODES = ("own", "zero", "random")


def init_network(
    widths: Sequence[int],
    *,
    init: str = "he",
    bias: str | float = "own",
    weight_shift: float = 0.0,
    seed: int = 0,
    activation: Callable[[], nn.Module] = nn.ReLU,
    dtype: torch.dtype = torch.float64,
) -> nn.Sequential:
    """A freshly initialized :func:`relulab.training.mlp`, with control over biases and the weights' mean.

    Parameters
    ----------
    init:
        One of :data:`relulab.training.INITS`.
    bias:
        ``"own"``: what ``init`` does (PyTorch's random uniform biases for
        ``"default"``, zero for the others); ``"zero"``; ``"random"``: uniform on
        :math:`\\pm 1/\\sqrt{\\text{fan-in}}` like PyTorch's default, for every init;
        or a number: every bias equals it (a *bias shift*).
    weight_shift:
        Added to every weight after initialization: a non-zero value makes
        the weights' distribution non-centred (no longer symmetric about 0).
    """
    if init not in INITS:
        raise ValueError(f"init must be one of {INITS}, got {init!r}")
    if isinstance(bias, str):
        if bias not in _BIAS_MODES:
            raise ValueError(f"bias must be one of {_BIAS_MODES} or a number, got {bias!r}")
    else:
        bias = check_scalar_in(bias, "bias", -1e3, 1e3)
    weight_shift = check_scalar_in(weight_shift, "weight_shift", -1e3, 1e3)
    seed = check_int_in(seed, "seed", 0, 2**32 - 1)
    model = mlp(widths, activation, init=init, seed=seed)
    gen = torch.Generator().manual_seed(seed + 1)
    with torch.no_grad():
        for layer in model.modules():
            if not isinstance(layer, nn.Linear):
                continue
            if bias == "zero":
                layer.bias.zero_()
            elif bias == "random":
                bound = 1.0 / math.sqrt(layer.in_features)
                layer.bias.copy_(torch.rand(layer.bias.shape, generator=gen) * 2 * bound - bound)
            elif not isinstance(bias, str):
                layer.bias.fill_(bias)
            layer.weight.add_(weight_shift)
    return model.to(dtype)


@dataclass(frozen=True)
class InitSparsity:
    """Sparsity of freshly initialized networks, one row per seed and one column per hidden layer."""

    seeds: list[int]
    zero: np.ndarray
    dead: np.ndarray
    always_on: np.ndarray

    @property
    def depth(self) -> int:
        return int(self.zero.shape[1])


def sparsity_at_init(
    x: torch.Tensor,
    *,
    depth: int = 10,
    width: int = 64,
    init: str = "he",
    bias: str | float = "own",
    weight_shift: float = 0.0,
    seeds: Sequence[int] = (0, 1, 2, 3, 4),
) -> InitSparsity:
    """Zero fraction, dead fraction and always-on fraction of every hidden layer at initialization.

    Builds one network ``x.shape[1] -> width × depth -> 10`` per seed with
    :func:`init_network` (float64) and runs the inputs ``x`` through it.
    """
    check_finite_tensor(x, "x")
    x = _as_units(x, "x").to(torch.float64)
    depth = check_int_in(depth, "depth", 1, 100)
    width = check_int_in(width, "width", 1, 100_000)
    seeds = check_seeds(seeds)
    zero, dead, on = [], [], []
    for s in seeds:
        model = init_network(
            [x.shape[1]] + [width] * depth + [10], init=init, bias=bias, weight_shift=weight_shift, seed=s
        )
        acts = list(record_activations(model, x).values())
        zero.append([zero_fraction(a) for a in acts])
        dead.append([float(dead_mask(a).mean()) for a in acts])
        on.append([float(always_on_mask(a).mean()) for a in acts])
    return InitSparsity(seeds, np.array(zero), np.array(dead), np.array(on))


def gaussian_zero_fraction(x: torch.Tensor, *, weight_std: float, bias: float = 0.0) -> float:
    """Expected zero fraction of a first ReLU layer with weights iid N(0, weight_std²) and a constant bias.

    For an input :math:`x`, the pre-activation :math:`z = w\\cdot x + b` is
    :math:`\\mathcal N(b, \\sigma_w^2\\lVert x\\rVert^2)`, so the unit is off with
    probability :math:`1 - \\Phi(b / (\\sigma_w \\lVert x\\rVert))`; this averages it
    over the rows of ``x`` (inputs with ``x = 0`` give a zero output iff ``b <= 0``).
    """
    x = check_finite_tensor(_as_units(x, "x"), "x").to(torch.float64)
    weight_std = check_scalar_in(weight_std, "weight_std", 0.0, 1e6, low_open=True)
    bias = check_scalar_in(bias, "bias", -1e6, 1e6)
    fractions = []
    for norm in x.norm(dim=1).tolist():
        if norm == 0.0:
            fractions.append(0.0 if bias > 0 else 1.0)
        else:
            fractions.append(1.0 - relu_gaussian_moments(bias, weight_std * norm).p_active)
    return float(np.mean(fractions))


# --------------------------------------------------------------------------- training with probes


class ActivationL1(ForwardHooks):
    """Cross-entropy plus an L1 penalty on activations, for :func:`relulab.training.train`'s ``loss_fn``.

    ``loss = cross_entropy + lam * sum over activation layers of mean(|a|)``
    (the mean runs over the batch and the layer's units). Forward hooks keep
    the outputs of the activation layers of the last forward pass; the model
    itself is unchanged. Use it as a context manager so the hooks are removed::

        with ActivationL1(model, 0.1) as loss_fn:
            train(model, x, y, loss_fn=loss_fn)
    """

    def __init__(self, model: nn.Module, lam: float, *, layers: Sequence[str] | None = None):
        if not isinstance(model, nn.Module):
            raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
        self.lam = check_scalar_in(lam, "lam", 0.0, 1e6)
        self.layers = resolve_layers(model, layers)
        if not self.layers:
            raise ValueError("model has no activation layer to penalize")
        self._outputs: dict[str, torch.Tensor] = {}
        self._handles: list = []

    def __exit__(self, *exc) -> None:
        super().__exit__(*exc)
        self._outputs.clear()

    def _hook(self, name: str):
        def hook(_module, _inputs, output):
            self._outputs[name] = output

        return hook

    def penalty(self) -> torch.Tensor:
        """``lam`` times the summed mean absolute activation of the last forward pass."""
        if not self._handles:
            raise RuntimeError("use ActivationL1 inside a with-block (the hooks are not registered)")
        if not self._outputs:
            raise RuntimeError("no forward pass recorded yet: call the model first")
        return self.lam * sum(a.abs().mean() for a in self._outputs.values())

    def __call__(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        loss = F.cross_entropy(logits, target)
        return loss + self.penalty() if self.lam > 0 else loss


@dataclass
class ProbedRun:
    """One training run of :func:`train_probed`.

    ``zero`` and ``dead`` have one row per epoch (row 0: at initialization) and
    one column per activation layer, measured on the probe inputs (the test
    set) in evaluation mode. ``step_flips[k]`` is the share of (input, unit)
    on/off states of all layers that changed during optimizer step ``k + 1``.
    """

    seed: int
    layers: list[str]
    zero: np.ndarray
    dead: np.ndarray
    step_flips: np.ndarray
    steps_per_epoch: int
    train_acc: float
    test_acc: float
    model: nn.Module = field(repr=False)

    @property
    def gap(self) -> float:
        """Train accuracy minus test accuracy: how much the network overfits."""
        return self.train_acc - self.test_acc

    @property
    def final_zero(self) -> float:
        """Zero fraction after training, averaged over layers."""
        return float(self.zero[-1].mean())


def _activation_factory(activation: Callable[[], nn.Module], dropout: float) -> Callable[[], nn.Module]:
    if dropout == 0.0:
        return activation
    return lambda: nn.Sequential(activation(), nn.Dropout(dropout))


def train_probed(
    split: Split,
    *,
    widths: Sequence[int] = (64, 64, 64, 10),
    seed: int = 0,
    epochs: int = 20,
    lr: float = 1e-3,
    optimizer: str = "adam",
    batch_size: int = 64,
    activation: Callable[[], nn.Module] = nn.ReLU,
    init: str = "he",
    bias: str | float = "own",
    l1: float = 0.0,
    dropout: float = 0.0,
    flips: bool = False,
    every_epoch: bool = True,
    dtype: torch.dtype = torch.float64,
) -> ProbedRun:
    """Train an MLP on ``split`` with :func:`relulab.training.train` and watch its activations.

    Parameters
    ----------
    widths:
        Input size, hidden sizes, number of classes (``widths[0]`` must equal
        the number of features of ``split``).
    l1:
        Weight of an L1 penalty on the activations (:class:`ActivationL1`).
    dropout:
        Dropout probability after every activation (0: none).
    bias:
        Initial biases, as in :func:`init_network` (a negative number is a bias shift).
    flips:
        Also record, after every step, the share of on/off states that flipped
        on the test inputs (costs one forward pass of the test set per step).
    every_epoch:
        Record sparsity after every epoch (``False``: only at initialization
        and after training, so ``zero`` and ``dead`` have two rows; faster).
    """
    if not isinstance(split, Split):
        raise TypeError(f"split must be a relulab.data.Split, got {type(split).__name__}")
    widths = check_int_list(widths, "widths", 1, 100_000)
    check_callable(activation, "activation")
    l1 = check_scalar_in(l1, "l1", 0.0, 1e6)
    flips, every_epoch = check_flag(flips, "flips"), check_flag(every_epoch, "every_epoch")
    if len(widths) < 3 or widths[0] != split.n_features:
        raise ValueError(
            f"widths must be [n_features={split.n_features}, hidden..., n_classes] with at least one hidden layer, got {widths}"
        )
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {optimizer!r}")
    dropout = check_scalar_in(dropout, "dropout", 0.0, 1.0, high_open=True)
    epochs = check_int_in(epochs, "epochs", 1, 100_000)
    batch_size = check_int_in(batch_size, "batch_size", 1, 10_000_000)
    model = init_network(widths, init=init, bias=bias, seed=seed, activation=_activation_factory(activation, dropout), dtype=dtype)
    x, y = split.x_train.to(dtype), split.y_train
    probe = split.x_test.to(dtype)
    steps_per_epoch = math.ceil(x.shape[0] / batch_size)

    def states() -> dict[str, torch.Tensor]:
        return record_activations(model, probe)

    first = states()
    layers = list(first)
    zero = [[zero_fraction(a) for a in first.values()]]
    dead = [[float(dead_mask(a).mean()) for a in first.values()]]
    flip_log: list[float] = []
    previous = [inactive_mask(a) for a in first.values()] if flips else None

    def on_step(step: int, _model: nn.Module) -> None:
        nonlocal previous
        end_of_epoch = every_epoch and step % steps_per_epoch == 0
        if not (flips or end_of_epoch):
            return
        acts = states()
        if flips:
            masks = [inactive_mask(a) for a in acts.values()]
            changed = sum(int((m != p).sum()) for m, p in zip(masks, previous))
            flip_log.append(changed / sum(m.numel() for m in masks))
            previous = masks
        if end_of_epoch:
            zero.append([zero_fraction(a) for a in acts.values()])
            dead.append([float(dead_mask(a).mean()) for a in acts.values()])

    with ActivationL1(model, l1) as loss_fn:
        hist = train(model, x, y, optimizer=optimizer, lr=lr, epochs=epochs, batch_size=batch_size, seed=seed, loss_fn=loss_fn,
                     on_step=on_step, track_accuracy=False)  # the accuracies that matter are measured below, once
    if hist.diverged:
        raise RuntimeError(f"training diverged (seed {seed}, lr {lr}); lower the learning rate")
    if not every_epoch:
        last = states()
        zero.append([zero_fraction(a) for a in last.values()])
        dead.append([float(dead_mask(a).mean()) for a in last.values()])
    return ProbedRun(
        seed=seed,
        layers=layers,
        zero=np.array(zero),
        dead=np.array(dead),
        step_flips=np.array(flip_log),
        steps_per_epoch=steps_per_epoch,
        train_acc=accuracy(model, x, y),
        test_acc=accuracy(model, probe, split.y_test),
        model=model,
    )



def train_probed_seeds(
    split: Split,
    seeds: Sequence[int],
    *,
    widths: Sequence[int] = (64, 64, 64, 10),
    epochs: int = 20,
    lr: float = 1e-3,
    batch_size: int = 64,
    activation: Callable[[], nn.Module] = nn.ReLU,
    init: str = "he",
    bias: str | float = "own",
    flips: bool = False,
    every_epoch: bool = True,
    dtype: torch.dtype = torch.float64,
) -> list[ProbedRun]:
    """``[train_probed(split, seed=s, ...) for s in seeds]`` (Adam, no penalty, no dropout), trained side by side.

    The runs share nothing but the loop: run ``m`` starts from ``init_network(seed=seeds[m])``, draws its
    mini-batches from ``torch.Generator().manual_seed(seeds[m])`` and takes ``torch.optim.Adam``'s steps, so it
    is :func:`train_probed`'s run of that seed; each layer of all runs is one batched matrix product (weights
    laid out as ``nn.Linear`` lays them out), and the probes that ``flips`` and ``every_epoch`` ask for after
    the steps are one batched forward pass of the test set instead of one per run. Batched products may round
    differently from one-network products (``tests/test_sparsity_seeds.py`` compares the two).
    """
    if not isinstance(split, Split):
        raise TypeError(f"split must be a relulab.data.Split, got {type(split).__name__}")
    seeds = check_seeds(seeds)
    widths = check_int_list(widths, "widths", 1, 100_000)
    check_callable(activation, "activation")
    flips, every_epoch = check_flag(flips, "flips"), check_flag(every_epoch, "every_epoch")
    if len(widths) < 3 or widths[0] != split.n_features:
        raise ValueError(
            f"widths must be [n_features={split.n_features}, hidden..., n_classes] with at least one hidden layer, got {widths}"
        )
    lr = check_scalar_in(lr, "lr", 0.0, 1e6, low_open=True)
    epochs = check_int_in(epochs, "epochs", 1, 100_000)
    batch_size = check_int_in(batch_size, "batch_size", 1, 10_000_000)
    models = [init_network(widths, init=init, bias=bias, seed=s, activation=activation, dtype=dtype) for s in seeds]
    linears = [[mod for mod in model.modules() if isinstance(mod, nn.Linear)] for model in models]
    names = list(record_activations(models[0], split.x_test[:1].to(dtype)))
    acts = [activation() for _ in names]
    weights = [torch.stack([lin[i].weight.detach() for lin in linears]).requires_grad_() for i in range(len(widths) - 1)]
    biases = [torch.stack([lin[i].bias.detach()[None, :] for lin in linears]).requires_grad_() for i in range(len(widths) - 1)]
    params = [p for pair in zip(weights, biases) for p in pair]
    m_count = len(seeds)
    x, y = split.x_train.to(dtype), split.y_train
    probe = split.x_test.to(dtype).expand(m_count, -1, -1)
    n = x.shape[0]
    steps_per_epoch = math.ceil(n / batch_size)

    def forward(h: torch.Tensor, keep: list | None = None) -> torch.Tensor:
        for layer, (w, b) in enumerate(zip(weights, biases)):
            h = torch.baddbmm(b, h, w.transpose(1, 2))
            if layer < len(acts):
                h = acts[layer](h)
                if keep is not None:
                    keep.append(h)
        return h

    def states() -> list[torch.Tensor]:  # per layer (runs, probe inputs, units)
        keep: list[torch.Tensor] = []
        with torch.no_grad():
            forward(probe, keep)
        return keep

    def measure(layers: list[torch.Tensor]) -> tuple[list[list[float]], list[list[float]]]:
        return ([[zero_fraction(a[m]) for a in layers] for m in range(m_count)],
                [[float(dead_mask(a[m]).mean()) for a in layers] for m in range(m_count)])

    first = states()
    zero, dead = measure(first)
    zero, dead = [[row] for row in zero], [[row] for row in dead]
    flip_log: list[list[float]] = [[] for _ in seeds]
    previous = [inactive_mask(a) for a in first] if flips else None
    gens = [torch.Generator().manual_seed(s) for s in seeds]
    beta1, beta2 = _ADAM_BETAS
    exp_avg = [torch.zeros_like(p) for p in params]
    exp_avg_sq = [torch.zeros_like(p) for p in params]
    rows = torch.arange(m_count)[:, None]
    step = 0
    for _ in range(epochs):
        orders = torch.stack([torch.randperm(n, generator=g) for g in gens])
        for i in range(0, n, batch_size):
            idx = orders[:, i : i + batch_size]
            logits = forward(x[idx])
            loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y[idx].reshape(-1), reduction="none").view(m_count, -1).mean(dim=1)
            if not bool(torch.isfinite(loss.detach()).all()):
                bad = [seeds[m] for m in range(m_count) if not bool(torch.isfinite(loss[m].detach()))]
                raise RuntimeError(f"training diverged (seeds {bad}, lr {lr}); lower the learning rate")
            for p in params:
                p.grad = None
            loss.sum().backward()
            step += 1
            with torch.no_grad():  # torch.optim.Adam's single-tensor step, operation for operation
                bias_correction1, bias_correction2 = 1 - beta1 ** float(step), 1 - beta2 ** float(step)
                step_size, bias_correction2_sqrt = lr / bias_correction1, bias_correction2**0.5
                for p, m1, m2 in zip(params, exp_avg, exp_avg_sq):
                    m1.lerp_(p.grad, 1 - beta1)
                    m2.mul_(beta2).addcmul_(p.grad, p.grad, value=1 - beta2)
                    p.addcdiv_(m1, (m2.sqrt() / bias_correction2_sqrt).add_(_ADAM_EPS), value=-step_size)
            end_of_epoch = every_epoch and step % steps_per_epoch == 0
            if not (flips or end_of_epoch):
                continue
            now = states()
            if flips:
                masks = [inactive_mask(a) for a in now]
                for m in range(m_count):
                    changed = sum(int((a[m] != b[m]).sum()) for a, b in zip(masks, previous))
                    flip_log[m].append(changed / sum(a[m].numel() for a in masks))
                previous = masks
            if end_of_epoch:
                for m, (z, d) in enumerate(zip(*measure(now))):
                    zero[m].append(z)
                    dead[m].append(d)
    if not every_epoch:
        for m, (z, d) in enumerate(zip(*measure(states()))):
            zero[m].append(z)
            dead[m].append(d)
    out = []
    with torch.no_grad():
        for m, (model, lin) in enumerate(zip(models, linears)):
            for i, layer in enumerate(lin):
                layer.weight.copy_(weights[i][m])
                layer.bias.copy_(biases[i][m, 0])
            out.append(ProbedRun(
                seed=seeds[m], layers=names, zero=np.array(zero[m]), dead=np.array(dead[m]), step_flips=np.array(flip_log[m]),
                steps_per_epoch=steps_per_epoch, train_acc=accuracy(model, x, y),
                test_acc=accuracy(model, split.x_test.to(dtype), split.y_test), model=model))
    return out

_ADAM_BETAS, _ADAM_EPS = (0.9, 0.999), 1e-8  # torch.optim.Adam's defaults, which train() uses
#: The options of :func:`train_probed` that :func:`_train_probed_batch` reproduces (with ``optimizer="adam"``,
#: ``flips=False`` and ``every_epoch=False``); runs with other options are trained one at a time.
_BATCHABLE = frozenset({"widths", "epochs", "lr", "batch_size", "activation", "init", "bias", "l1", "dropout", "dtype",
                        "optimizer", "flips", "every_epoch"})


def _train_probed_batch(
    splits: Sequence[Split],
    seeds: Sequence[int],
    lrs: Sequence[float],
    l1s: Sequence[float],
    biases: Sequence[str | float],
    *,
    widths: Sequence[int] = (64, 64, 64, 10),
    epochs: int = 20,
    batch_size: int = 64,
    activation: Callable[[], nn.Module] = nn.ReLU,
    init: str = "he",
    dropout: float = 0.0,
    dtype: torch.dtype = torch.float64,
) -> list[ProbedRun | None]:
    """Many :func:`train_probed` runs (Adam, ``every_epoch=False``, no flips) trained side by side as one batched model.

    Member ``m`` is ``train_probed(splits[m], seed=seeds[m], lr=lrs[m], l1=l1s[m], bias=biases[m], ...)``; the
    other options are shared. The weights of layer ``l`` form one tensor ``(M, fan_in, fan_out)`` and a step is one
    ``torch.baddbmm`` per layer. Member ``m`` starts from ``init_network(seed=seeds[m])``, draws its mini-batches
    from ``torch.Generator().manual_seed(seeds[m])`` as :func:`relulab.training.train` does, its dropout masks
    from the random stream that the separate run would use (the global one, as left by its initialization), and
    is updated with ``torch.optim.Adam``'s formulas. Members share nothing, so each equals its separate run up to
    floating-point rounding (batched products round differently; ``tests/test_sparsity_batch.py`` bounds the
    difference). Returns one :class:`ProbedRun` per member, ``None`` where the member's loss became non-finite.
    """
    m_count = len(splits)
    if m_count == 0 or not len(seeds) == len(lrs) == len(l1s) == len(biases) == m_count:
        raise ValueError(f"splits, seeds, lrs, l1s and biases must be non-empty and of equal length, got "
                         f"{m_count}, {len(seeds)}, {len(lrs)}, {len(l1s)}, {len(biases)}")
    sizes = sorted({int(s.x_train.shape[0]) for s in splits})
    if len(sizes) != 1:
        raise ValueError(f"every split must have the same number of training images, got {sizes}")
    n = sizes[0]
    widths = check_int_list(widths, "widths", 1, 100_000)
    if len(widths) < 3 or widths[0] != splits[0].n_features:
        raise ValueError(f"widths must be [n_features={splits[0].n_features}, hidden..., n_classes] with at least one hidden layer, got {widths}")
    for name, values in (("lrs", lrs), ("l1s", l1s)):
        for i, v in enumerate(values):
            check_scalar_in(v, f"{name}[{i}]", 0.0, 1e6, low_open=name == "lrs")
    dropout = check_scalar_in(dropout, "dropout", 0.0, 1.0, high_open=True)
    epochs = check_int_in(epochs, "epochs", 1, 100_000)
    batch_size = check_int_in(batch_size, "batch_size", 1, 10_000_000)
    models, streams = [], []
    for s, b in zip(seeds, biases):
        models.append(init_network(widths, init=init, bias=b, seed=s, activation=_activation_factory(activation, dropout), dtype=dtype))
        if dropout > 0:  # the separate run's dropout draws from the global stream that init_network seeded
            streams.append(torch.Generator().set_state(torch.get_rng_state()))
    linears = [[mod for mod in model.modules() if isinstance(mod, nn.Linear)] for model in models]
    n_layers = len(linears[0])
    acts = [activation() for _ in range(n_layers - 1)]
    weights = [torch.stack([lin[i].weight.detach().T for lin in linears]).contiguous().requires_grad_() for i in range(n_layers)]
    bias_t = [torch.stack([lin[i].bias.detach()[None, :] for lin in linears]).contiguous().requires_grad_() for i in range(n_layers)]
    params = [p for pair in zip(weights, bias_t) for p in pair]
    first = [record_activations(model, s.x_test.to(dtype)) for model, s in zip(models, splits)]
    x = torch.stack([s.x_train.to(dtype) for s in splits])
    y = torch.stack([s.y_train for s in splits])
    gens = [torch.Generator().manual_seed(int(s)) for s in seeds]
    lr = torch.tensor([float(v) for v in lrs], dtype=dtype)[:, None, None]
    lam = torch.tensor([float(v) for v in l1s], dtype=dtype)
    penalized = bool((lam > 0).any())
    exp_avg = [torch.zeros_like(p) for p in params]
    exp_avg_sq = [torch.zeros_like(p) for p in params]
    diverged = torch.zeros(m_count, dtype=torch.bool)
    rows = torch.arange(m_count)[:, None]
    step = 0
    for _ in range(epochs):
        orders = torch.stack([torch.randperm(n, generator=g) for g in gens])
        for i in range(0, n, batch_size):
            idx = orders[:, i : i + batch_size]
            h = x[rows, idx]
            penalty = 0.0
            for layer in range(n_layers):
                h = torch.baddbmm(bias_t[layer], h, weights[layer])
                if layer == n_layers - 1:
                    break
                h = acts[layer](h)
                if dropout > 0:
                    noise = torch.stack([torch.empty(h.shape[1:], dtype=dtype).bernoulli_(1 - dropout, generator=g)
                                         for g in streams]).div_(1 - dropout)
                    h = h * noise
                if penalized:
                    penalty = penalty + h.abs().mean(dim=(1, 2))
            loss = F.cross_entropy(h.reshape(-1, h.shape[-1]), y[rows, idx].reshape(-1), reduction="none").view(m_count, -1).mean(dim=1)
            if penalized:
                loss = loss + lam * penalty
            diverged |= ~torch.isfinite(loss.detach())
            for p in params:
                p.grad = None
            loss.sum().backward()
            step += 1
            bc1, bc2 = 1 - _ADAM_BETAS[0] ** step, 1 - _ADAM_BETAS[1] ** step
            with torch.no_grad():
                for p, m1, m2 in zip(params, exp_avg, exp_avg_sq):
                    m1.lerp_(p.grad, 1 - _ADAM_BETAS[0])
                    m2.mul_(_ADAM_BETAS[1]).addcmul_(p.grad, p.grad, value=1 - _ADAM_BETAS[1])
                    p.sub_(lr / bc1 * m1 / (m2.sqrt() / math.sqrt(bc2)).add_(_ADAM_EPS))
    out: list[ProbedRun | None] = []
    with torch.no_grad():
        for j, (model, lin, split) in enumerate(zip(models, linears, splits)):
            if bool(diverged[j]):
                out.append(None)
                continue
            for i, layer in enumerate(lin):
                layer.weight.copy_(weights[i][j].T)
                layer.bias.copy_(bias_t[i][j, 0])
            probe = split.x_test.to(dtype)
            last = record_activations(model, probe)
            out.append(ProbedRun(
                seed=int(seeds[j]), layers=list(first[j]),
                zero=np.array([[zero_fraction(a) for a in r.values()] for r in (first[j], last)]),
                dead=np.array([[float(dead_mask(a).mean()) for a in r.values()] for r in (first[j], last)]),
                step_flips=np.array([]), steps_per_epoch=math.ceil(n / batch_size),
                train_acc=accuracy(model, split.x_train.to(dtype), split.y_train),
                test_acc=accuracy(model, probe, split.y_test), model=model))
    return out


def _probed_runs(jobs: Sequence[tuple[Split, int, Mapping[str, object]]]) -> list[ProbedRun | None]:
    """``[train_probed(split, seed=seed, **kw) for split, seed, kw in jobs]``, ``None`` for a run that diverged, with
    the runs that :func:`_train_probed_batch` can reproduce trained together: one batched model per group of equal
    architecture, activation, dropout, epochs, batch size, initialization, dtype and training-set size."""
    defaults = {"widths": (64, 64, 64, 10), "epochs": 20, "lr": 1e-3, "optimizer": "adam", "batch_size": 64,
                "activation": nn.ReLU, "init": "he", "bias": "own", "l1": 0.0, "dropout": 0.0, "flips": False,
                "every_epoch": True, "dtype": torch.float64}
    out: list[ProbedRun | None] = [None] * len(jobs)
    groups: dict[tuple, list[int]] = {}
    for j, (split, seed, kw) in enumerate(jobs):
        o = {**defaults, **dict(kw)}
        if (set(kw) <= _BATCHABLE and o["optimizer"] == "adam" and o["flips"] is False and o["every_epoch"] is False
                and not (o["l1"] > 0 and o["dropout"] > 0)):
            key = (tuple(o["widths"]), o["epochs"], o["batch_size"], o["activation"], o["init"], float(o["dropout"]),
                   o["dtype"], int(split.x_train.shape[0]))
            groups.setdefault(key, []).append(j)
            continue
        try:
            out[j] = train_probed(split, seed=seed, **dict(kw))
        except RuntimeError:  # diverged
            out[j] = None
    for key, members in groups.items():
        widths, epochs, batch_size, activation, init, dropout, dtype, _n = key
        opts = [{**defaults, **dict(jobs[j][2])} for j in members]
        runs = _train_probed_batch(
            [jobs[j][0] for j in members], [jobs[j][1] for j in members],
            [o["lr"] for o in opts], [o["l1"] for o in opts], [o["bias"] for o in opts],
            widths=widths, epochs=epochs, batch_size=batch_size, activation=activation, init=init, dropout=dropout, dtype=dtype)
        for j, run in zip(members, runs):
            out[j] = run
    return out


def small_data_runs(
    configs: Mapping[str, Mapping[str, object]],
    *,
    seeds: Sequence[int],
    n_train: int,
    **common: object,
) -> dict[str, list[ProbedRun]]:
    """Train every configuration on a small training set, once per seed.

    Seed ``s`` draws both the training subset (``digits(seed=s, n_train=n_train)``)
    and the network, so the configurations are compared *paired*: the same
    data, initial weights and batch order for every configuration of a seed.
    ``configs`` maps a label to keyword arguments of :func:`train_probed`
    (they override ``common``). Sparsity is recorded at initialization and
    after training only (``every_epoch=False``) unless ``common`` says otherwise.
    """
    seeds = check_seeds(list(seeds))
    if not configs:
        raise ValueError("configs must name at least one configuration")
    splits = {s: digits(seed=s, n_train=n_train) for s in seeds}
    jobs = [(splits[s], s, {"every_epoch": False, **common, **dict(kw)}) for kw in configs.values() for s in seeds]
    runs = iter(_probed_runs(jobs))  # trained together where they can be (see _train_probed_batch)
    out = {label: [next(runs) for _ in seeds] for label in configs}
    for label, rs in out.items():
        for s, r in zip(seeds, rs):
            if r is None:
                raise RuntimeError(f"training diverged ({label}, seed {s}); lower the learning rate")
    return out


def mean_sd(values: Sequence[float]) -> tuple[float, float]:
    """Mean and sample standard deviation (0 for a single value).

    A ``nan`` or infinite value (e.g. a diverged run) gives a ``nan`` spread and
    the mean numpy computes (``nan`` or ``±inf``), so a table still prints.
    """
    vals = check_numbers(values, "values")
    if not all(math.isfinite(v) for v in vals):
        with np.errstate(invalid="ignore"):
            return float(np.mean(vals)), math.nan
    return statistics.fmean(vals), (statistics.stdev(vals) if len(vals) > 1 else 0.0)


def pm(values: Sequence[float], digits: int = 2) -> str:
    """``"mean ± sd"`` of ``values`` with ``digits`` decimals (``-0.00`` printed as ``0.00``), with a
    decimal comma in Italian (``0,47 ± 0,02``)."""
    m, s = mean_sd(values)
    digits = check_int_in(digits, "digits", 0, 15)
    text = f"{m:.{digits}f} ± {s:.{digits}f}"
    return localize_numbers(text.replace("-0." + "0" * digits + " ", "0." + "0" * digits + " "))


def compare_runs(runs: Mapping[str, Sequence[ProbedRun]], *, baseline: str, digits: int = 3) -> list[list[str]]:
    """Table rows: label, zero fraction, train acc., test acc., gap, paired change of the gap against ``baseline``.

    Every cell is ``mean ± sd`` over seeds; the last column is the mean and sd of
    ``gap(config, seed) - gap(baseline, seed)`` over the seeds both share.
    """
    if baseline not in runs:
        raise ValueError(f"baseline {baseline!r} is not one of {list(runs)}")
    base = {r.seed: r.gap for r in runs[baseline]}
    rows = []
    for label, rs in runs.items():
        diffs = [r.gap - base[r.seed] for r in rs if r.seed in base]
        rows.append(
            [
                label,
                pm([r.final_zero for r in rs], 2),
                pm([r.train_acc for r in rs], digits),
                pm([r.test_acc for r in rs], digits),
                pm([r.gap for r in rs], digits),
                pm(diffs, digits) if diffs else "",
            ]
        )
    return rows


# --------------------------------------------------------------------------- which units switch


def flip_rate(before: torch.Tensor, after: torch.Tensor) -> float:
    """Share of (example, unit) entries whose on/off state differs between two activation tensors."""
    a, b = _as_units(before, "before") == 0, _as_units(after, "after") == 0
    if a.shape != b.shape:
        raise ValueError(f"before and after must have the same shape, got {tuple(before.shape)} and {tuple(after.shape)}")
    return float((a != b).double().mean())


def noise_flip_rate(model: nn.Module, x: torch.Tensor, *, sigma: float, seed: int = 0) -> float:
    """Share of on/off states (all activation layers) that flip when N(0, sigma²) noise is added to ``x``."""
    check_module(model, "model")
    check_inputs_fit(model, x, "x")
    check_tensor(x, "x")
    sigma = check_scalar_in(sigma, "sigma", 0.0, 1e6)
    gen = torch.Generator().manual_seed(check_int_in(seed, "seed", 0, 2**32 - 1))
    noisy = x + sigma * torch.randn(x.shape, generator=gen, dtype=x.dtype)
    clean, pert = record_activations(model, x), record_activations(model, noisy)
    changed = sum(int((inactive_mask(clean[n]) != inactive_mask(pert[n])).sum()) for n in clean)
    return changed / sum(inactive_mask(a).numel() for a in clean.values())


def pairwise_disagreement(acts: torch.Tensor, labels: torch.Tensor | None = None) -> dict[str, float]:
    """Mean share of units whose on/off state differs between two distinct examples.

    Exact (every pair, no sampling): with :math:`c_k` of the :math:`n` examples
    switching unit :math:`k` on, the mean over ordered pairs and units is
    :math:`\\sum_k 2 c_k (n - c_k) / (n (n-1) u)`. With ``labels`` it is also
    split into pairs of the same class and pairs of different classes.
    Returns a dict with key ``"all"`` (and ``"same_class"``, ``"other_class"``).
    """
    on = (~inactive_mask(acts)).double()
    n, u = on.shape
    if n < 2:
        raise ValueError(f"acts must hold at least two examples, got {n}")
    c = on.sum(dim=0)
    total = float((2 * c * (n - c)).sum())
    out = {"all": total / (n * (n - 1) * u)}
    if labels is not None:
        check_tensor(labels, "labels")
        if labels.shape != (n,):
            raise ValueError(f"labels must have shape ({n},), got {tuple(labels.shape)}")
        if labels.is_floating_point() or labels.dtype == torch.bool or labels.is_complex():
            raise TypeError(f"labels must be integer class labels, got {labels.dtype}")
        same, same_pairs = 0.0, 0
        for cls in torch.unique(labels):
            sel = on[labels == cls]
            m = sel.shape[0]
            cc = sel.sum(dim=0)
            same += float((2 * cc * (m - cc)).sum())
            same_pairs += m * (m - 1)
        other_pairs = n * (n - 1) - same_pairs
        out["same_class"] = same / (same_pairs * u) if same_pairs else float("nan")
        out["other_class"] = (total - same) / (other_pairs * u) if other_pairs else float("nan")
    return out


#: The most cells (classes × units) :func:`class_activation_profile` builds (8 MB of float64).
_MAX_PROFILE_CELLS = 1_000_000


def class_activation_profile(acts: torch.Tensor, labels: torch.Tensor, n_classes: int | None = None) -> np.ndarray:
    """Array (classes × units): for each class, the share of its examples for which each unit is on."""
    on = (~inactive_mask(acts)).double()
    check_labels(labels, "labels", on.shape[0])
    if on.shape[0] == 0:
        raise ValueError("acts must hold at least one example (row)")
    top = int(labels.max()) + 1
    k = top if n_classes is None else check_int_in(n_classes, "n_classes", top)
    if k * max(on.shape[1], 1) > _MAX_PROFILE_CELLS:
        raise ValueError(
            f"labels go up to {top - 1}, which would make a {k} × {on.shape[1]} profile; "
            f"class indices must be 0..n_classes-1 with at most {_MAX_PROFILE_CELLS:,} cells in all"
        )
    profile = np.full((k, on.shape[1]), np.nan)
    for cls in range(k):
        sel = on[labels == cls]
        if sel.shape[0]:
            profile[cls] = sel.mean(dim=0).numpy()
    return profile


def top_class_share(profile: np.ndarray) -> np.ndarray:
    """For each unit that fires at all, the share of its firing that comes from its favourite class.

    ``profile`` is the output of :func:`class_activation_profile`. A unit that
    fires for one class only scores 1; one that fires equally for all
    :math:`k` classes scores :math:`1/k`. Units that never fire are left out.
    """
    p = check_array(profile, "profile").astype(float)
    if p.ndim != 2 or p.shape[0] < 2:
        raise ValueError(f"profile must be a (classes × units) array with at least two classes, got shape {p.shape}")
    p = np.nan_to_num(p, nan=0.0)
    if np.any(p < 0) or np.any(p > 1):
        raise ValueError("profile must hold shares in [0, 1] (see class_activation_profile), got values outside it")
    totals = p.sum(axis=0)
    live = totals > 0
    return p[:, live].max(axis=0) / totals[live]


def count_patterns(acts: torch.Tensor | Mapping[str, torch.Tensor] | Sequence[torch.Tensor]) -> int:
    """Number of distinct on/off patterns among the examples.

    Given one layer, patterns of that layer; given several (a dict from
    :func:`relulab.probes.record_activations`, or a list), the pattern of the whole
    network: inputs with the same pattern lie in the same *linear region*, where
    the network computes one affine map.
    """
    if isinstance(acts, torch.Tensor):
        parts = [acts]
    elif isinstance(acts, Mapping):
        parts = list(acts.values())
    elif isinstance(acts, (list, tuple)):
        parts = list(acts)
    else:
        raise TypeError(f"acts must be a tensor, a dict of tensors or a list of tensors, got {type(acts).__name__}")
    if not parts:
        raise ValueError("acts holds no layer")
    masks = [(~inactive_mask(a)).numpy() for a in parts]
    n = masks[0].shape[0]
    if any(m.shape[0] != n for m in masks):
        raise ValueError("acts: every layer must have the same number of examples")
    packed = np.packbits(np.concatenate(masks, axis=1), axis=1)
    return int(np.unique(packed, axis=0).shape[0])


@dataclass(frozen=True)
class Switching:
    """Per run of :func:`switching_values`: shares of on/off states that flip (one value per run).

    ``step_first`` / ``step_last``: one optimizer step, averaged over the first / last epoch;
    ``noise[sigma]``: Gaussian noise of that sd added to the inputs; ``same_class`` /
    ``other_class``: another input of the same / another class (averaged over layers).
    """

    step_first: list[float]
    step_last: list[float]
    noise: dict[float, list[float]]
    same_class: list[float]
    other_class: list[float]

    def rows(self) -> list[list[str]]:
        """Table rows "what changes -> share of states flipped", ``mean ± sd`` over the runs."""
        rows = [[t("sparsity.flip_step_first"), pm(self.step_first, 4)], [t("sparsity.flip_step_last"), pm(self.step_last, 4)]]
        rows += [[t("sparsity.flip_noise", s=sigma), pm(v, 4)] for sigma, v in self.noise.items()]
        return rows + [[t("sparsity.flip_same"), pm(self.same_class, 4)], [t("sparsity.flip_other"), pm(self.other_class, 4)]]


def switching_values(
    runs: Sequence[ProbedRun], x: torch.Tensor, y: torch.Tensor, *, sigmas: Sequence[float] = (0.1, 0.5)
) -> Switching:
    """What flips on/off states, one value per run: an optimizer step (first and last epoch, from
    ``step_flips``, which :func:`train_probed` records with ``flips=True``), Gaussian noise of each
    ``sigma`` added to the inputs ``x`` (trained models), another input of the same class or of
    another class (:func:`pairwise_disagreement`, averaged over layers)."""
    if not runs or any(r.step_flips.size == 0 for r in runs):
        raise ValueError("runs must be a non-empty list of train_probed(..., flips=True) results")
    acts = [record_activations(r.model, x) for r in runs]
    pairs = [[pairwise_disagreement(a, y) for a in layer_acts.values()] for layer_acts in acts]
    return Switching(
        step_first=[float(r.step_flips[: r.steps_per_epoch].mean()) for r in runs],
        step_last=[float(r.step_flips[-r.steps_per_epoch :].mean()) for r in runs],
        noise={sigma: [noise_flip_rate(r.model, x, sigma=sigma) for r in runs] for sigma in sigmas},
        same_class=[float(np.mean([p["same_class"] for p in ps])) for ps in pairs],
        other_class=[float(np.mean([p["other_class"] for p in ps])) for ps in pairs],
    )


def switching_rows(
    runs: Sequence[ProbedRun], x: torch.Tensor, y: torch.Tensor, *, sigmas: Sequence[float] = (0.1, 0.5)
) -> list[list[str]]:
    """Table rows "what changes -> share of on/off states that flip", ``mean ± sd`` over ``runs``
    (:func:`switching_values`, then :meth:`Switching.rows`)."""
    return switching_values(runs, x, y, sigmas=sigmas).rows()


def median_top_class_share(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    """Median of :func:`top_class_share` over the units (that fire) of every activation layer of ``model``."""
    check_module(model, "model")
    check_inputs_fit(model, x, "x")
    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    check_labels(y, "y", x.shape[0], linears[-1].out_features if linears else None)
    shares = [top_class_share(class_activation_profile(a, y)) for a in record_activations(model, x).values()]
    flat = np.concatenate(shares)
    if flat.size == 0:
        raise ValueError("no unit of the model fires on x")
    return float(np.median(flat))


# --------------------------------------------------------------------------- efficiency


def union_active_fraction(acts: torch.Tensor, batch_size: int) -> float:
    """Share of units that are on for *at least one* example of a batch, averaged over consecutive batches.

    A dense batched product can skip a unit's weights only if the unit is off
    for every example of the batch; this is the share it cannot skip. The last
    incomplete batch is dropped.
    """
    on = ~inactive_mask(acts)
    batch_size = check_int_in(batch_size, "batch_size", 1, on.shape[0])
    n = (on.shape[0] // batch_size) * batch_size
    batches = on[:n].reshape(-1, batch_size, on.shape[1])
    return float(batches.any(dim=1).double().mean())


@dataclass(frozen=True)
class ProductTimings:
    """Best (smallest) seconds of one product ``h @ W`` computed several ways (see :func:`time_products`)."""

    seconds: dict[str, float]
    active_fraction: float
    max_abs_diff: float


def time_products(
    n_in: int = 1024,
    n_out: int = 1024,
    *,
    batch: int = 1,
    zero_fraction: float = 0.5,
    repeats: int = 50,
    seed: int = 0,
) -> ProductTimings:
    """Time ``h @ W`` (``h``: batch × n_in with about ``zero_fraction`` zeros; ``W``: n_in × n_out).

    Ways (float32, one thread as set by :func:`relulab.seed_everything`):

    * ``"dense"``: the plain product, zeros included;
    * ``"compacted"``: find the units that are on for at least one row of
      ``h``, gather those columns of ``h`` and rows of ``W``, multiply the
      smaller matrices (all the work a real skip needs);
    * ``"pregathered"``: only the product of the already gathered smaller
      matrices (a lower bound that no real input achieves: the active units
      change from input to input);
    * ``"sparse_csr"``: ``h`` stored as a ``torch.sparse_csr_tensor``.

    Returns the fastest of ``repeats`` runs of each way (the run least
    disturbed by other processes); the results of every way are checked to
    agree (``max_abs_diff``). Timings vary from run to run and machine to
    machine: never compare them across machines.
    """
    n_in = check_int_in(n_in, "n_in", 1, 1 << 16)
    n_out = check_int_in(n_out, "n_out", 1, 1 << 16)
    batch = check_int_in(batch, "batch", 1, 1 << 16)
    zero_fraction = check_scalar_in(zero_fraction, "zero_fraction", 0.0, 1.0)
    repeats = check_int_in(repeats, "repeats", 1, 100_000)
    gen = torch.Generator().manual_seed(check_int_in(seed, "seed", 0, 2**32 - 1))
    # |N(0,1)| values, each set to zero with probability zero_fraction (independently)
    h = torch.randn(batch, n_in, generator=gen).abs() * (torch.rand(batch, n_in, generator=gen) >= zero_fraction)
    w = torch.randn(n_in, n_out, generator=gen) / math.sqrt(n_in)

    def compacted() -> torch.Tensor:
        idx = torch.nonzero(h.any(dim=0)).squeeze(1)
        return h.index_select(1, idx) @ w.index_select(0, idx)

    idx = torch.nonzero(h.any(dim=0)).squeeze(1)
    h_small, w_small = h.index_select(1, idx).contiguous(), w.index_select(0, idx).contiguous()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "sparse CSR support is in beta"
        h_csr = h.to_sparse_csr()
    ways: dict[str, Callable[[], torch.Tensor]] = {
        "dense": lambda: h @ w,
        "compacted": compacted,
        "pregathered": lambda: h_small @ w_small,
        "sparse_csr": lambda: h_csr @ w,
    }
    reference = h @ w
    diff = max(float((f() - reference).abs().max()) for f in ways.values())
    seconds = {}
    for name, f in ways.items():
        for _ in range(3):
            f()  # warm-up
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            f()
            times.append(time.perf_counter() - t0)
        seconds[name] = min(times)
    return ProductTimings(seconds, float(idx.numel()) / n_in, diff)


# --------------------------------------------------------------------------- not zero-centred

#: Activations compared in the zero-centring experiments (torch functions of a tensor).
ACTIVATION_FUNCTIONS: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
    "ReLU": torch.relu,
    "ELU": F.elu,
    "tanh": torch.tanh,
}


def _check_activation_name(name: str, label: str = "activation") -> str:
    allowed = list(ACTIVATION_FUNCTIONS) + ["ReLU → BatchNorm"]
    if not isinstance(name, str) or name not in allowed:
        raise ValueError(f"activation must be one of {allowed}, got {name!r}" + ("" if label == "activation" else f" (parameter {label})"))
    return name


def _check_function_name(name: object) -> str:
    """``name`` if it is a key of :data:`ACTIVATION_FUNCTIONS`."""
    return str(check_choice(name, "name", tuple(ACTIVATION_FUNCTIONS)))


def output_mean(name: str, *, n: int = 200_000, seed: int = 0) -> tuple[float, float]:
    """Monte Carlo mean of ``f(Z)``, ``Z ~ N(0, 1)``, and its standard error, for an activation of :data:`ACTIVATION_FUNCTIONS`."""
    _check_function_name(name)
    n = check_int_in(n, "n", 2, 50_000_000)
    gen = torch.Generator().manual_seed(check_int_in(seed, "seed", 0, 2**32 - 1))
    v = ACTIVATION_FUNCTIONS[name](torch.randn(n, generator=gen, dtype=torch.float64))
    return float(v.mean()), float(v.std() / math.sqrt(n))


def exact_output_mean(name: str) -> float:
    """:math:`E[f(Z)]`, :math:`Z \\sim \\mathcal N(0, 1)`, in closed form.

    ReLU: :math:`\\varphi(0) = 1/\\sqrt{2\\pi}`; ELU (:math:`\\alpha = 1`):
    :math:`E[Z; Z>0] + E[e^Z - 1; Z<0] = \\varphi(0) + e^{1/2}\\Phi(-1) - 1/2`; tanh: 0 (odd function).
    """
    _check_function_name(name)
    phi0 = 1.0 / math.sqrt(2.0 * math.pi)
    if name == "ReLU":
        return phi0
    if name == "ELU":
        return phi0 + math.exp(0.5) * 0.5 * math.erfc(1.0 / math.sqrt(2.0)) - 0.5
    return 0.0


def same_sign_share(grad: torch.Tensor) -> float:
    """Share of rows of a weight gradient whose non-zero entries all have the same sign.

    Row :math:`j` holds the gradients of the weights *into* unit :math:`j`.
    Rows with fewer than two non-zero entries say nothing and are left out
    (``nan`` if no row is left).
    """
    g = _as_units(grad, "grad")
    nonzero = (g != 0).sum(dim=1)
    pos, neg = (g > 0).sum(dim=1), (g < 0).sum(dim=1)
    informative = nonzero >= 2
    if not bool(informative.any()):
        return float("nan")
    same = ((pos == 0) | (neg == 0)) & informative
    return float(same.sum()) / float(informative.sum())


def grad_sign_share(
    model: nn.Module,
    x: torch.Tensor,
    y: torch.Tensor,
    *,
    layer: str,
    batch_sizes: Sequence[int] = (1, 8, 64),
    n_batches: int = 20,
    seed: int = 0,
) -> dict[int, float]:
    """:func:`same_sign_share` of the cross-entropy gradient of ``layer.weight``, averaged over random batches.

    For each batch size, ``n_batches`` batches are drawn (seeded) from ``(x, y)``;
    the model is left in evaluation mode for the gradients only and restored.
    """
    check_module(model, "model")
    check_inputs_fit(model, x, "x")
    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    check_labels(y, "y", x.shape[0], linears[-1].out_features if linears else None)
    check_int_list(batch_sizes, "batch_sizes", 1, x.shape[0])
    modules = dict(model.named_modules())
    if not isinstance(layer, str) or layer not in modules or not isinstance(getattr(modules[layer], "weight", None), torch.Tensor):
        raise ValueError(f"layer must name a module with a weight, one of {[n for n, m in modules.items() if isinstance(getattr(m, 'weight', None), torch.Tensor)]}")
    weight = modules[layer].weight
    n_batches = check_int_in(n_batches, "n_batches", 1, 10_000)
    gen = torch.Generator().manual_seed(check_int_in(seed, "seed", 0, 2**32 - 1))
    was = model.training
    model.eval()
    out = {}
    try:
        for b in batch_sizes:
            b = check_int_in(b, "batch_sizes[i]", 1, x.shape[0])
            shares = []
            for _ in range(n_batches):
                idx = torch.randperm(x.shape[0], generator=gen)[:b]
                (g,) = torch.autograd.grad(F.cross_entropy(model(x[idx]), y[idx]), weight)
                shares.append(same_sign_share(g))
            out[b] = float(np.nanmean(shares))
    finally:
        model.train(was)
    return out


def batchnorm_variant(model: nn.Sequential, *, where: str, calibrate: torch.Tensor | None = None) -> nn.Sequential:
    """A copy of a :func:`relulab.training.mlp` with ``BatchNorm1d`` added to every hidden layer.

    ``where="before"``: ``Linear -> BatchNorm -> activation`` (the usual place; the
    activation's outputs stay non-negative); ``where="after"``:
    ``Linear -> activation -> BatchNorm`` (the next layer's inputs are centred).
    Linear weights are copied. With ``calibrate`` (inputs), the running mean
    and variance of every BatchNorm are set to their averages over those
    inputs, so that in evaluation mode (even one example at a time) each
    BatchNorm normalizes with the statistics of the data. The copy is
    returned in evaluation mode.
    """
    import copy

    if where not in ("before", "after"):
        raise ValueError(f"where must be 'before' or 'after', got {where!r}")
    if not isinstance(model, nn.Sequential):
        raise TypeError(f"model must be an nn.Sequential built by relulab.training.mlp, got {type(model).__name__}")
    layers: list[tuple[str, nn.Module]] = []
    width = None
    dtype = next(model.parameters()).dtype
    for name, module in model.named_children():
        module = copy.deepcopy(module)
        if isinstance(module, nn.Linear):
            width = module.out_features
        if name.startswith("act"):
            bn = (f"bn{name[3:]}", nn.BatchNorm1d(width).to(dtype))
            layers += [bn, (name, module)] if where == "before" else [(name, module), bn]
        else:
            layers.append((name, module))
    if not any(n.startswith("bn") for n, _ in layers):
        raise ValueError("model has no activation layer named act1, act2, ... (build it with relulab.training.mlp)")
    out = nn.Sequential(OrderedDict(layers))
    if calibrate is not None:
        check_inputs_fit(model, calibrate, "calibrate")
        bns = [m for m in out.modules() if isinstance(m, nn.BatchNorm1d)]
        for bn in bns:
            bn.reset_running_stats()
            bn.momentum = None  # cumulative average over the calibration pass
        out.train()
        with torch.no_grad():
            out(calibrate.to(dtype))
        for bn in bns:
            bn.momentum = 0.1
    return out.eval()


SIGN_SHARE_KINDS = ("ReLU", "ELU", "tanh", "BatchNorm → ReLU", "ReLU → BatchNorm")


def sign_shares(
    x: torch.Tensor,
    y: torch.Tensor,
    *,
    calibrate: torch.Tensor,
    seeds: Sequence[int] = (0, 1, 2),
    batch_sizes: Sequence[int] = (1, 8, 64),
    n_batches: int = 10,
) -> dict[str, dict[int, list[float]]]:
    """For five networks ``64 -> 64 -> 64 -> 10`` (ReLU, ELU, tanh, BatchNorm before ReLU,
    BatchNorm after ReLU): network -> batch size -> :func:`grad_sign_share` of ``fc2``, one value
    per seed (a freshly initialized network per seed: He, zero biases).
    ``calibrate``: inputs that set the BatchNorm statistics (:func:`batchnorm_variant`).
    """
    seeds = check_seeds(list(seeds))
    shares: dict[str, dict[int, list[float]]] = {k: {b: [] for b in batch_sizes} for k in SIGN_SHARE_KINDS}
    widths = [x.shape[1], 64, 64, 10]
    for s in seeds:
        nets = {
            "ReLU": init_network(widths, bias="zero", seed=s),
            "ELU": init_network(widths, bias="zero", seed=s, activation=nn.ELU),
            "tanh": init_network(widths, bias="zero", seed=s, activation=nn.Tanh),
        }
        nets["BatchNorm → ReLU"] = batchnorm_variant(nets["ReLU"], where="before", calibrate=calibrate)
        nets["ReLU → BatchNorm"] = batchnorm_variant(nets["ReLU"], where="after", calibrate=calibrate)
        for k in SIGN_SHARE_KINDS:
            got = grad_sign_share(nets[k], x, y, layer="fc2", batch_sizes=batch_sizes, n_batches=n_batches, seed=s)
            for b in batch_sizes:
                shares[k][b].append(got[b])
    return shares


def sign_share_table(shares: Mapping[str, Mapping[int, Sequence[float]]]) -> list[list[str]]:
    """Table rows of :func:`sign_shares`: network, then ``mean ± sd`` over seeds for each batch size."""
    return [[k, *(pm(v, 2) for v in by_batch.values())] for k, by_batch in shares.items()]


def sign_share_rows(
    x: torch.Tensor,
    y: torch.Tensor,
    *,
    calibrate: torch.Tensor,
    seeds: Sequence[int] = (0, 1, 2),
    batch_sizes: Sequence[int] = (1, 8, 64),
    n_batches: int = 10,
) -> list[list[str]]:
    """Table rows of :func:`sign_shares` (:func:`sign_share_table`)."""
    return sign_share_table(sign_shares(x, y, calibrate=calibrate, seeds=seeds, batch_sizes=batch_sizes, n_batches=n_batches))


def _inputs(name: str, z: torch.Tensor) -> torch.Tensor:
    """Inputs of the next layer: ``f(z)``; for ``"ReLU → BatchNorm"`` ReLU standardized with its exact mean and sd."""
    if name == "ReLU → BatchNorm":
        m = relu_gaussian_moments(0.0, 1.0)
        return (torch.relu(z) - m.mean) / math.sqrt(m.second_moment - m.mean**2)
    return ACTIVATION_FUNCTIONS[name](z)


def output_moments(name: str, *, n: int = 200_000, seed: int = 0) -> tuple[float, float]:
    """Mean and variance of :math:`f(Z)`, :math:`Z \\sim \\mathcal N(0, 1)`: exact for ``"ReLU"`` and
    ``"ReLU → BatchNorm"`` (0 and 1), Monte Carlo with ``n`` samples for the others (cached)."""
    _check_activation_name(name, "name")
    return _output_moments(name, check_int_in(n, "n", 2, 50_000_000), check_int_in(seed, "seed", 0, 2**32 - 1))


@functools.lru_cache(maxsize=64)
def _output_moments(name: str, n: int, seed: int) -> tuple[float, float]:
    n = check_int_in(n, "n", 2, 50_000_000)
    seed = check_int_in(seed, "seed", 0, 2**32 - 1)
    if name == "ReLU → BatchNorm":
        return 0.0, 1.0
    if name == "ReLU":
        m = relu_gaussian_moments(0.0, 1.0)
        return m.mean, m.second_moment - m.mean**2
    n = check_int_in(n, "n", 2, 50_000_000)
    gen = torch.Generator().manual_seed(check_int_in(seed, "seed", 0, 2**32 - 1))
    v = _inputs(name, torch.randn(n, generator=gen, dtype=torch.float64))
    return float(v.mean()), float(v.var())


def input_second_moment(name: str, n_inputs: int) -> np.ndarray:
    """:math:`E[h h^T]` for inputs :math:`h_i = f(z_i)` with independent :math:`z_i \\sim \\mathcal N(0, 1)`.

    Independence gives :math:`E[hh^T] = \\sigma^2 I + \\mu^2 \\mathbf 1 \\mathbf 1^T` with
    :math:`\\mu, \\sigma^2` the mean and variance of :math:`f(Z)` (:func:`output_moments`).
    This is the Hessian of the squared loss of one linear unit fed by :math:`h`.
    """
    n_inputs = check_int_in(n_inputs, "n_inputs", 1, 10_000)
    mu, var = output_moments(name)
    return var * np.eye(n_inputs) + mu * mu * np.ones((n_inputs, n_inputs))


def input_condition_number(name: str, n_inputs: int) -> float:
    """Condition number of :func:`input_second_moment`: :math:`1 + n\\mu^2/\\sigma^2` (eigenvalues
    :math:`\\sigma^2 + n\\mu^2` along :math:`\\mathbf 1`, :math:`\\sigma^2` across it)."""
    n_inputs = check_int_in(n_inputs, "n_inputs", 1, 10_000)
    mu, var = output_moments(name)
    return 1.0 + n_inputs * mu * mu / var


def relu_condition_number(n_inputs: int) -> float:
    """Exact :func:`input_condition_number` for ReLU: :math:`\\mu = 1/\\sqrt{2\\pi}`,
    :math:`\\sigma^2 = 1/2 - 1/(2\\pi)`, so :math:`1 + n/(\\pi - 1) \\approx 1 + 0.467\\,n`."""
    n_inputs = check_int_in(n_inputs, "n_inputs", 1)
    return 1.0 + n_inputs / (math.pi - 1.0)


def gd_steps_to_converge(second_moment: np.ndarray, *, tol: float = 1e-2, max_steps: int = 100_000) -> int:
    """Gradient-descent steps on :math:`\\tfrac12 (w - w^*)^T C (w - w^*)` until the loss falls below ``tol`` times its start.

    Starts at :math:`w - w^* = -\\mathbf 1 / \\sqrt n` rotated to weight every
    eigen-direction equally, with the best constant step :math:`2/(\\lambda_{\\max}+\\lambda_{\\min})`.
    """
    c = check_finite_array(second_moment, "second_moment").astype(float)
    if c.ndim != 2 or c.shape[0] != c.shape[1] or c.shape[0] == 0:
        raise ValueError(f"second_moment must be a non-empty square matrix, got shape {c.shape}")
    if not np.allclose(c, c.T, rtol=1e-10, atol=1e-12 * float(np.abs(c).max())):
        raise ValueError("second_moment must be symmetric")
    tol = check_scalar_in(tol, "tol", 0.0, 1.0, low_open=True, high_open=True)
    max_steps = check_int_in(max_steps, "max_steps", 1)
    ev, vecs = np.linalg.eigh(c)
    if ev[0] <= 0:
        raise ValueError("second_moment must be positive definite")
    lr = 2.0 / (ev[-1] + ev[0])
    e = vecs @ np.full(c.shape[0], 1.0 / math.sqrt(c.shape[0]))
    start = 0.5 * e @ c @ e
    for step in range(1, max_steps + 1):
        e = e - lr * (c @ e)
        if 0.5 * e @ c @ e <= tol * start:
            return step
    return max_steps


@dataclass(frozen=True)
class SGDPath:
    """Weights of one linear unit after every SGD step (row 0: the start) and their distance to the target."""

    activation: str
    weights: np.ndarray
    distance: np.ndarray
    target: np.ndarray


def sgd_path(
    activation: str,
    *,
    target: Sequence[float] = (1.0, -1.0),
    steps: int = 60,
    lr: float = 0.1,
    seed: int = 0,
) -> SGDPath:
    """Online SGD (one example per step) for a linear unit :math:`y = w\\cdot h` fed by :math:`h = f(z)`.

    Each step draws :math:`z \\sim \\mathcal N(0, I)`, sets :math:`y = w^*\\cdot h` and
    moves :math:`w \\leftarrow w - \\text{lr}\\,(w\\cdot h - y)\\,h`. With ReLU inputs
    (:math:`h \\ge 0`) every step changes all weights in the same direction.
    ``activation``: a key of :data:`ACTIVATION_FUNCTIONS` or ``"ReLU → BatchNorm"``
    (ReLU outputs standardized, as BatchNorm after the ReLU does).
    """
    _check_activation_name(activation)
    w_star = torch.tensor(check_numbers(target, "target", finite=True), dtype=torch.float64)
    if w_star.numel() < 1:
        raise ValueError("target must hold at least one weight")
    steps = check_int_in(steps, "steps", 1, 1_000_000)
    lr = check_scalar_in(lr, "lr", 0.0, 10.0, low_open=True)
    gen = torch.Generator().manual_seed(check_int_in(seed, "seed", 0, 2**32 - 1))
    h_all = _inputs(activation, torch.randn(steps, w_star.numel(), generator=gen, dtype=torch.float64))
    w = torch.zeros_like(w_star)
    path = [w.clone()]
    for h in h_all:
        w = w - lr * (w @ h - w_star @ h) * h
        path.append(w.clone())
    weights = torch.stack(path).numpy()
    return SGDPath(activation, weights, np.linalg.norm(weights - w_star.numpy(), axis=1), w_star.numpy())


# --------------------------------------------------------------------------- plots

register(
    {
        # definitions
        "sparsity.layer": {"en": "layer", "it": "strato"},
        "sparsity.units": {"en": "units", "it": "unità"},
        "sparsity.unit": {"en": "unit", "it": "unità"},
        "sparsity.input_i": {"en": "input", "it": "ingresso"},
        "sparsity.zero_fraction": {"en": "share of zeros", "it": "quota di zeri"},
        "sparsity.population": {"en": "population sparsity (zeros among units)", "it": "sparsità di popolazione (zeri fra le unità)"},
        "sparsity.lifetime": {"en": "lifetime sparsity (zeros among inputs)", "it": "sparsità nel tempo di vita (zeri fra gli ingressi)"},
        "sparsity.dead": {"en": "dead", "it": "morta"},
        "sparsity.always": {"en": "always on", "it": "sempre accesa"},
        "sparsity.yes": {"en": "yes", "it": "sì"},
        "sparsity.no": {"en": "no", "it": "no"},
        "sparsity.dead_fraction": {"en": "share of units dead on the data", "it": "quota di unità morte sui dati"},
        "sparsity.always_on": {"en": "share always on", "it": "quota sempre accese"},
        "sparsity.shapes": {"en": "recorded outputs (inputs × units):", "it": "uscite registrate (ingressi × unità):"},
        # initialization
        "sparsity.hidden_layer": {"en": "hidden layer", "it": "strato nascosto"},
        "sparsity.init": {"en": "initialization", "it": "inizializzazione"},
        "sparsity.bias": {"en": "biases", "it": "bias"},
        "sparsity.bias_zero": {"en": "zero", "it": "nulli"},
        "sparsity.bias_random": {"en": "random ±1/√fan-in", "it": "casuali ±1/√fan-in"},
        "sparsity.zeros_layer": {"en": "zeros, layer {k}", "it": "zeri, strato {k}"},
        "sparsity.dead_layer": {"en": "dead, layer {k}", "it": "morte, strato {k}"},
        "sparsity.same_patterns": {
            "en": "same on/off pattern in all 10 layers for N(0,1), Xavier and He weights:",
            "it": "stesso schema di attivazione in tutti i 10 strati con pesi N(0,1), Xavier e He:",
        },
        "sparsity.case": {"en": "case", "it": "caso"},
        "sparsity.formula_layer1": {"en": "formula, layer 1", "it": "formula, strato 1"},
        "sparsity.case_bias": {"en": "every bias = {b}", "it": "ogni bias = {b}"},
        "sparsity.case_raw": {"en": "symmetric weights, raw pixels ≥ 0", "it": "pesi simmetrici, pixel grezzi ≥ 0"},
        "sparsity.case_shift": {"en": "weights shifted by +0.05, {inputs}", "it": "pesi spostati di +0,05, {inputs}"},
        "sparsity.inputs_std": {"en": "standardized pixels", "it": "pixel standardizzati"},
        "sparsity.inputs_raw": {"en": "raw pixels ≥ 0", "it": "pixel grezzi ≥ 0"},
        "sparsity.init_default": {"en": "default", "it": "predefinita"},
        "sparsity.init_uniform": {"en": "uniform", "it": "uniforme"},
        "sparsity.init_normal": {"en": "normal", "it": "normale"},
        "sparsity.init_xavier": {"en": "xavier", "it": "Xavier"},
        "sparsity.init_he": {"en": "he", "it": "He"},
        "sparsity.label_default": {"en": "PyTorch default (random biases)", "it": "predefinita di PyTorch (bias casuali)"},
        "sparsity.label_xavier": {"en": "Xavier, random biases", "it": "Xavier, bias casuali"},
        "sparsity.label_he": {"en": "He, zero biases", "it": "He, bias nulli"},
        # training
        "sparsity.epoch": {"en": "epoch", "it": "epoca"},
        "sparsity.step": {"en": "optimizer step", "it": "passo dell'ottimizzatore"},
        "sparsity.flips": {"en": "share of on/off states flipped", "it": "quota di stati acceso/spento cambiati"},
        "sparsity.zeros_at_init": {"en": "zeros at init.", "it": "zeri all'inizio"},
        "sparsity.zeros_trained": {"en": "zeros after training", "it": "zeri dopo l'addestramento"},
        "sparsity.dead_trained": {"en": "dead after training", "it": "morte dopo l'addestramento"},
        "sparsity.test_acc_runs": {"en": "test accuracy (3 seeds):", "it": "accuratezza di test (3 seed):"},
        # switching
        "sparsity.what_flips": {"en": "what changes", "it": "che cosa cambia"},
        "sparsity.share_flipped": {"en": "share of states flipped", "it": "quota di stati cambiati"},
        "sparsity.flip_step_first": {"en": "one optimizer step (first epoch)", "it": "un passo dell'ottimizzatore (prima epoca)"},
        "sparsity.flip_step_last": {"en": "one optimizer step (last epoch)", "it": "un passo dell'ottimizzatore (ultima epoca)"},
        "sparsity.flip_noise": {"en": "noise σ = {s} added to the input", "it": "rumore σ = {s} aggiunto all'ingresso"},
        "sparsity.flip_same": {"en": "another image of the same class", "it": "un'altra immagine della stessa classe"},
        "sparsity.flip_other": {"en": "an image of another class", "it": "un'immagine di un'altra classe"},
        "sparsity.class": {"en": "class (digit)", "it": "classe (cifra)"},
        "sparsity.unit_sorted": {"en": "unit (sorted by favourite class)", "it": "unità (ordinate per classe preferita)"},
        "sparsity.p_on": {"en": "share on", "it": "quota accese"},
        "sparsity.width": {"en": "width", "it": "ampiezza"},
        "sparsity.patterns_l1": {"en": "patterns, layer 1", "it": "pattern, strato 1"},
        "sparsity.patterns_all": {"en": "patterns, whole network", "it": "pattern, rete intera"},
        "sparsity.trained": {"en": "trained", "it": "addestrata"},
        # overfitting
        "sparsity.config": {"en": "configuration", "it": "configurazione"},
        "sparsity.train_acc": {"en": "train acc.", "it": "acc. addestramento"},
        "sparsity.test_acc": {"en": "test acc.", "it": "acc. test"},
        "sparsity.gap": {"en": "gap (train - test)", "it": "divario (addestramento - test)"},
        "sparsity.dgap": {"en": "gap change vs ReLU (paired)", "it": "variazione del divario vs ReLU (appaiata)"},
        "sparsity.n_train": {"en": "training images", "it": "immagini di addestramento"},
        "sparsity.test_acc_of": {"en": "test acc., {a}", "it": "acc. test, {a}"},
        "sparsity.gap_of": {"en": "gap, {a}", "it": "divario, {a}"},
        # efficiency and interpretability
        "sparsity.batch": {"en": "batch size", "it": "dimensione del batch"},
        "sparsity.union": {"en": "units on for at least one image", "it": "unità accese per almeno un'immagine"},
        "sparsity.indep": {"en": "independent units: 1 - 2^-B", "it": "unità indipendenti: 1 - 2^-B"},
        "sparsity.way": {"en": "way", "it": "modo"},
        "sparsity.way.dense": {"en": "dense product", "it": "prodotto denso"},
        "sparsity.way.compacted": {"en": "compact, then multiply", "it": "compatta, poi moltiplica"},
        "sparsity.way.pregathered": {"en": "already compact (unrealistic)", "it": "già compatto (irrealistico)"},
        "sparsity.way.sparse_csr": {"en": "sparse CSR format", "it": "formato sparso CSR"},
        "sparsity.microseconds": {"en": "best of 20 runs (µs)", "it": "migliore di 20 prove (µs)"},
        "sparsity.relative": {"en": "relative to dense", "it": "rispetto al denso"},
        "sparsity.top_share": {"en": "median share of firing from the favourite class", "it": "quota mediana di attivazioni dalla classe preferita"},
        # zero-centred
        "sparsity.activation": {"en": "activation", "it": "attivazione"},
        "sparsity.mean_out": {"en": "mean of f(Z), Monte Carlo", "it": "media di f(Z), Monte Carlo"},
        "sparsity.se": {"en": "std. error", "it": "errore standard"},
        "sparsity.exact": {"en": "exact", "it": "esatta"},
        "sparsity.network": {"en": "network", "it": "rete"},
        "sparsity.same_sign": {"en": "one-sign rows, batch {b}", "it": "righe di un solo segno, batch {b}"},
        "sparsity.cond": {"en": "condition no., n = {n}", "it": "num. di condizionamento, n = {n}"},
        "sparsity.gd_steps": {"en": "GD steps, n = {n}", "it": "passi di GD, n = {n}"},
        "sparsity.cond_formula": {"en": "ReLU formula 1 + n/(π - 1):", "it": "formula per la ReLU 1 + n/(π - 1):"},
        "sparsity.distance": {"en": "distance from w* after {k} steps", "it": "distanza da w* dopo {k} passi"},
        "sparsity.w1": {"en": "weight $w_1$", "it": "peso $w_1$"},
        "sparsity.w2": {"en": "weight $w_2$", "it": "peso $w_2$"},
        "sparsity.target": {"en": "target $w^*$", "it": "obiettivo $w^*$"},
        "sparsity.start": {"en": "start", "it": "partenza"},
    }
)


def plot_init_depth(results: Mapping[str, InitSparsity], axes=None):
    """Left: share of zeros per hidden layer; right: share of units dead on the data; mean ± sd over seeds."""
    if not results:
        raise ValueError("results must not be empty")
    if axes is None:
        _, axes = subplots(2, width=9.0, height=3.4)
    for i, (label, r) in enumerate(results.items()):
        depth = np.arange(1, r.depth + 1)
        plot_mean_spread(axes[0], depth, r.zero, label=label, index=i)
        plot_mean_spread(axes[1], depth, r.dead, label=label, index=i)
    axes[0].axhline(0.5, color="grey", linewidth=0.8)
    axes[0].set(xlabel=t("sparsity.hidden_layer"), ylabel=t("sparsity.zero_fraction"), ylim=(0, 1))
    axes[1].set(xlabel=t("sparsity.hidden_layer"), ylabel=t("sparsity.dead_fraction"), ylim=(0, 1))
    axes[1].legend(fontsize=8)
    return axes


def plot_training(runs: Sequence[ProbedRun], axes=None):
    """Left: share of zeros per layer after every epoch; right: flips per step (mean ± sd over runs)."""
    if not runs:
        raise ValueError("runs must not be empty")
    if axes is None:
        _, axes = subplots(2, width=9.0, height=3.4)
    epochs = np.arange(runs[0].zero.shape[0])
    for j, layer in enumerate(runs[0].layers):
        plot_mean_spread(axes[0], epochs, np.stack([r.zero[:, j] for r in runs]), label=f"{t('sparsity.layer')} {layer}", index=j)
    axes[0].set(xlabel=t("sparsity.epoch"), ylabel=t("sparsity.zero_fraction"), ylim=(0, 1))
    axes[0].legend(fontsize=8)
    if runs[0].step_flips.size:
        flips = np.stack([r.step_flips for r in runs])
        steps = np.arange(1, flips.shape[1] + 1)
        plot_mean_spread(axes[1], steps, flips, label=t("sparsity.flips"), index=0)
        for line in axes[1].lines:
            line.set_marker("")
        axes[1].set(xlabel=t("sparsity.step"), ylabel=t("sparsity.flips"), ylim=(0, None))
    return axes


def class_profile_order(profile: np.ndarray) -> tuple[np.ndarray, int, int]:
    """Column order for :func:`plot_class_profile`, and how many units are dead and always on.

    A class-by-unit ``profile`` (share of each class's images that switch each
    unit on) has no favourite class for a unit that never fires (a column of
    zeros) or fires for every image (a column of ones): ``argmax`` would file
    both under class 0. So the order is: the other units, sorted by favourite
    class and then by how often they fire at most; then the always-on units;
    then the dead ones, at the right end. Returns ``(order, n_always_on, n_dead)``.
    """
    p = np.nan_to_num(check_array(profile, "profile").astype(float), nan=0.0)
    if p.ndim != 2 or p.shape[1] == 0:
        raise ValueError(f"profile must be 2-D with at least one unit, got shape {p.shape}")
    if np.any(p < 0) or np.any(p > 1):
        raise ValueError("profile must hold shares in [0, 1], got values outside it")
    dead = p.max(axis=0) == 0
    always = p.min(axis=0) == 1
    rest = np.flatnonzero(~dead & ~always)
    rest = rest[np.lexsort((-p[:, rest].max(axis=0), p[:, rest].argmax(axis=0)))]
    order = np.concatenate([rest, np.flatnonzero(always), np.flatnonzero(dead)])
    return order, int(always.sum()), int(dead.sum())


def plot_class_profile(profile: np.ndarray, ax=None, *, title: str | None = None):
    """Heat map (classes × units): units sorted by their favourite class, then by how often they fire;
    always-on and dead units (no favourite class) set apart at the right end (:func:`class_profile_order`),
    behind dashed lines.

    The colour scale (cividis, readable in grey) runs from 0 (never on for
    this class) to 1 (on for every image of the class).
    """
    p = np.nan_to_num(check_array(profile, "profile").astype(float), nan=0.0)
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be None or a string, got {type(title).__name__}")
    if p.ndim != 2:
        raise ValueError(f"profile must be 2-D, got shape {p.shape}")
    if ax is None:
        _, ax = subplots(1, width=9.0, height=3.2)
    order, n_always, n_dead = class_profile_order(p)
    im = ax.imshow(p[:, order], aspect="auto", cmap="cividis", vmin=0, vmax=1, interpolation="nearest")
    n = p.shape[1]
    for edge in sorted({n - n_dead - n_always, n - n_dead} - {n}):
        ax.axvline(edge - 0.5, color="white", linestyle="--", linewidth=1.0)
    ax.set(xlabel=t("sparsity.unit_sorted"), ylabel=t("sparsity.class"), yticks=range(p.shape[0]))
    if title:
        ax.set_title(title)
    ax.grid(False)
    ax.figure.colorbar(im, ax=ax, label=t("sparsity.p_on"), fraction=0.04, pad=0.01)
    return ax


def plot_gap_vs_sparsity(runs: Mapping[str, Sequence[ProbedRun]], ax=None):
    """Each configuration: mean zero fraction (x) against mean train/test gap (y), ±1 sd bars over seeds."""
    if not runs:
        raise ValueError("runs must not be empty")
    if ax is None:
        _, ax = subplots(1, width=6.4, height=3.6)
    for i, (label, rs) in enumerate(runs.items()):
        (zx, zs), (gy, gs) = mean_sd([r.final_zero for r in rs]), mean_sd([r.gap for r in rs])
        style = series_style(i)
        ax.errorbar(zx, gy, xerr=zs, yerr=gs, label=label, color=style["color"], marker=style["marker"], linestyle="none", capsize=3)
    ax.set(xlabel=t("sparsity.zero_fraction"), ylabel=t("sparsity.gap"))
    ax.legend(fontsize=8, ncol=2)
    return ax


def plot_sgd_paths(paths: Sequence[SGDPath], axes=None):
    """One panel per path: the SGD trajectory of the two weights, from the start to the target."""
    if not paths:
        raise ValueError("paths must not be empty")
    if any(p.weights.shape[1] != 2 for p in paths):
        raise ValueError("plot_sgd_paths draws two-weight paths only")
    if axes is None:
        _, axes = subplots(len(paths), width=min(2.6 * len(paths), 10.0), height=2.9)
    axes = np.atleast_1d(axes)
    for ax, p in zip(axes, paths):
        w = p.weights
        ax.plot(w[:, 0], w[:, 1], color=OKABE_ITO[2], marker=".", markersize=4, linewidth=1.0)
        ax.plot(*w[0], marker="s", color=OKABE_ITO[0], linestyle="none", label=t("sparsity.start"))
        ax.plot(*p.target, marker="*", markersize=12, color=OKABE_ITO[4], linestyle="none", label=t("sparsity.target"))
        ax.set(title=p.activation, xlabel=t("sparsity.w1"))
        ax.set_aspect("equal", adjustable="datalim")
    axes[0].set_ylabel(t("sparsity.w2"))
    axes[0].legend(fontsize=8, loc="upper right")
    return axes


# --------------------------------------------------------------------------- issue 18: regularizers, paired


#: The configurations of the experiment ``ch3-regularizers``: a label and the options of
#: :func:`train_probed` it changes (``activation`` by name: ``"tanh"``).
REGULARIZER_CONFIGS: dict[str, dict] = {
    "ReLU": {},
    "ReLU + L1 0.3": {"l1": 0.3},
    "ReLU + L1 1": {"l1": 1.0},
    "ReLU + L1 3": {"l1": 3.0},
    "ReLU, bias -1": {"bias": -1.0},
    "ReLU + dropout 0.5": {"dropout": 0.5},
    "tanh": {"activation": "tanh"},
    "tanh + dropout 0.5": {"activation": "tanh", "dropout": 0.5},
}

#: The training of ``ch3-regularizers`` besides seeds, training-set size and epochs.
REGULARIZER_TRAINING: dict = {"widths": (64, 128, 128, 10), "lr": 1e-2, "batch_size": 50}


def test_nll(model: nn.Module, split: Split) -> float:
    """Mean cross-entropy (negative log-likelihood, nats) of ``model`` on the test set of ``split``, in eval mode."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be an nn.Module, got {type(model).__name__}")
    if not isinstance(split, Split):
        raise TypeError(f"split must be a relulab.data.Split, got {type(split).__name__}")
    param = next(model.parameters(), None)
    if param is None:
        raise ValueError(f"model must be a network with parameters (a classifier), got a {type(model).__name__} without any")
    x = split.x_test
    check_finite_tensor(x, "split.x_test")
    if x.dim() != 2 or x.shape[0] == 0:
        raise ValueError(f"split.x_test must be a non-empty (examples, features) tensor, got shape {tuple(x.shape)}")
    first = next((m for m in model.modules() if any(True for _ in m.parameters(recurse=False))), None)
    if isinstance(first, nn.Linear) and first.in_features != x.shape[1]:
        raise ValueError(
            f"model must take the split's {x.shape[1]} input features (split.x_test has shape {tuple(x.shape)}), "
            f"got a model whose first Linear layer takes {first.in_features}"
        )
    was = model.training
    model.eval()
    try:
        with torch.no_grad():
            logits = model(x.to(param.dtype))
    finally:
        model.train(was)
    if logits.dim() != 2 or logits.shape[0] != x.shape[0]:
        raise ValueError(
            f"model must map split.x_test {tuple(x.shape)} to logits (examples, classes), got shape {tuple(logits.shape)}"
        )
    check_labels(split.y_test, "split.y_test", x.shape[0], logits.shape[1])
    return float(F.cross_entropy(logits, split.y_test))


def _paired(a: Sequence[float], b: Sequence[float], *, higher_is_better: bool = True) -> dict:
    from .stats import compare

    c = compare(list(a), list(b), higher_is_better=higher_is_better)
    return {"mean": c.mean, "low": c.low, "high": c.high, "n": c.n}


def regularizer_summary(runs: Mapping[str, Sequence[ProbedRun]], *, n_train: int, baseline: str = "ReLU") -> dict:
    """Per configuration: train/test accuracy, gap, test NLL and share of zeros, one value per seed; paired
    95% t intervals of every configuration minus ``baseline``; and the dropout interaction: the change that
    dropout brings to ReLU minus the change it brings to tanh (needs ``tanh`` and both dropout arms)."""
    if baseline not in runs:
        raise ValueError(f"baseline must be one of the configurations {list(runs)}, got {baseline!r}")
    seeds = [r.seed for r in runs[baseline]]
    for label, rs in runs.items():
        if [r.seed for r in rs] != seeds:
            raise ValueError(f"configuration {label!r} was run on seeds {[r.seed for r in rs]}, not {seeds}: cannot pair")
    splits = {s: digits(seed=s, n_train=n_train) for s in seeds}
    values = {}
    for label, rs in runs.items():
        values[label] = {
            "train_acc": [r.train_acc for r in rs],
            "test_acc": [r.test_acc for r in rs],
            "gap": [r.gap for r in rs],
            "test_nll": [test_nll(r.model, splits[r.seed]) for r in rs],
            "zero": [r.final_zero for r in rs],
        }
    better = {"train_acc": True, "test_acc": True, "gap": False, "test_nll": False, "zero": True}
    vs = {label: {k: _paired(v[k], values[baseline][k], higher_is_better=better[k]) for k in ("test_acc", "gap", "test_nll")}
          for label, v in values.items() if label != baseline}
    out = {"seeds": seeds, "n_train": n_train, "baseline": baseline, "values": values, "vs_baseline": vs}
    arms = ("ReLU", "ReLU + dropout 0.5", "tanh", "tanh + dropout 0.5")
    if all(a in values for a in arms):
        inter = {}
        for k in ("test_acc", "gap", "test_nll"):
            d_relu = [x - y for x, y in zip(values[arms[1]][k], values[arms[0]][k])]
            d_tanh = [x - y for x, y in zip(values[arms[3]][k], values[arms[2]][k])]
            inter[k] = {"relu": _paired(d_relu, [0.0] * len(d_relu)), "tanh": _paired(d_tanh, [0.0] * len(d_tanh)),
                        "relu_minus_tanh": _paired(d_relu, d_tanh)}
        out["dropout"] = inter
    return out


#: The learning rates every arm of ``ch3-regularizers`` is tuned over at full scale (Adam): 1e-3 to 1e-1, three
#: per decade (seven rates, the shared rate ``REGULARIZER_TRAINING["lr"]`` among them).
REGULARIZER_RATES: tuple[float, ...] = tuple(rate_grid(1e-3, 1e-1, 3))


def tune_regularizer_rates(
    configs: Mapping[str, Mapping[str, object]],
    *,
    seeds: Sequence[int],
    n_train: int,
    rates: Sequence[float],
    val_fraction: float = 0.2,
    **common: object,
) -> dict:
    """Each configuration's learning rate, chosen on validation data: the rate of ``rates`` with the lowest
    mean validation NLL over the tuning ``seeds``.

    For a tuning seed ``s``, ``digits(seed=s, n_train=n_train)``'s training images are split by
    :func:`relulab.dying.validation_split` (``val_fraction`` of them, seed ``s``) into a fitting part and a
    validation part; every configuration (keyword arguments of :func:`train_probed`, over ``common``)
    trains on the fitting part at every rate, and its cross-entropy on the validation part (without any
    penalty) is recorded. The test images are not used. A diverged run counts as an infinite loss.
    Returns ``{"rates", "seeds", "n_fit", "n_val", "val_nll": {label: [mean per rate, None if a run
    diverged]}, "tuned": {label: rate}, "interior": {label: the tuned rate is not an end of the grid}}``.
    """
    seeds = check_seeds(list(seeds))
    if not configs:
        raise ValueError("configs must name at least one configuration")
    rates = sorted({check_scalar_in(r, f"rates[{i}]", 0.0, 100.0, low_open=True) for i, r in enumerate(rates)})
    if not rates:
        raise ValueError("rates must hold at least one learning rate")
    if "lr" in common:
        raise ValueError("common must not set lr: the rates are the ones tuned over")
    fits = {s: validation_split(digits(seed=s, n_train=n_train), fraction=val_fraction, seed=s) for s in seeds}
    jobs = [(fits[s], s, {"every_epoch": False, **common, **dict(kw), "lr": lr}) for kw in configs.values() for lr in rates for s in seeds]
    runs = iter(_probed_runs(jobs))  # trained together where they can be; None: diverged
    val_nll, tuned, interior = {}, {}, {}
    for label in configs:
        means = []
        for _lr in rates:
            losses = []
            for s in seeds:
                run = next(runs)
                loss = math.inf if run is None else test_nll(run.model, fits[s])  # the split's "test" part is the validation set
                losses.append(loss if math.isfinite(loss) else math.inf)
            means.append(float(np.mean(losses)))
        if not any(math.isfinite(m) for m in means):
            raise RuntimeError(f"configuration {label!r} diverged at every rate of {rates}")
        best = int(np.argmin(means))
        val_nll[label] = [m if math.isfinite(m) else None for m in means]
        tuned[label] = rates[best]
        interior[label] = 0 < best < len(rates) - 1
    first = fits[seeds[0]]
    return {"rates": rates, "seeds": seeds, "n_fit": int(first.x_train.shape[0]), "n_val": int(first.x_test.shape[0]),
            "val_nll": val_nll, "tuned": tuned, "interior": interior}


def tuned_runs(
    configs: Mapping[str, Mapping[str, object]],
    tuned: Mapping[str, float],
    *,
    seeds: Sequence[int],
    n_train: int,
    shared: Mapping[str, Sequence[ProbedRun]] | None = None,
    **common: object,
) -> dict[str, list[ProbedRun]]:
    """:func:`small_data_runs` with every configuration at its own rate ``tuned[label]``.

    Where ``shared`` holds a configuration's runs on the same ``seeds`` at ``common["lr"]`` and its tuned rate
    is that rate, those runs are reused (seed ``s`` gives the same run again: training is deterministic).
    """
    if set(tuned) != set(configs):
        raise ValueError(f"tuned must give a rate for each configuration {list(configs)}, got {list(tuned)}")
    seeds = check_seeds(list(seeds))
    out, todo = {}, {}
    for label, kw in configs.items():
        lr = check_scalar_in(tuned[label], f"tuned[{label!r}]", 0.0, 100.0, low_open=True)
        if shared is not None and label in shared and lr == common.get("lr") and [r.seed for r in shared[label]] == seeds:
            out[label] = list(shared[label])
        else:
            todo[label] = {**dict(kw), "lr": lr}
    new = small_data_runs(todo, seeds=seeds, n_train=n_train, **common) if todo else {}  # in one go: batched where possible
    return {label: out[label] if label in out else new[label] for label in configs}


def regularizer_comparison(
    shared: Mapping[str, Sequence[ProbedRun]],
    tuned: Mapping[str, Sequence[ProbedRun]],
    tuning: Mapping,
    *,
    n_train: int,
    shared_lr: float,
) -> dict:
    """The result of ``ch3-regularizers``: :func:`regularizer_summary` of the runs at the shared rate and at the
    tuned rates, the tuning (:func:`tune_regularizer_rates`), and per configuration the paired change that
    tuning brings (tuned minus shared: test accuracy, gap, test NLL, 95% t intervals)."""
    if set(shared) != set(tuned):
        raise ValueError(f"shared and tuned must hold the same configurations, got {list(shared)} and {list(tuned)}")
    out = {"shared_lr": check_scalar_in(shared_lr, "shared_lr", 0.0, 100.0, low_open=True), "tuning": dict(tuning),
           "shared": regularizer_summary(shared, n_train=n_train), "tuned": regularizer_summary(tuned, n_train=n_train)}
    better = {"test_acc": True, "gap": False, "test_nll": False}
    out["tuned_minus_shared"] = {
        label: {k: _paired(out["tuned"]["values"][label][k], out["shared"]["values"][label][k], higher_is_better=b)
                for k, b in better.items()}
        for label in shared
    }
    return out


_BOOK_RATES = rate_grid(2e-3, 1e-1, 3)  # six rates: the book's time budget leaves out 1e-3, far below every optimum


@experiment(
    "ch3-regularizers",
    book={"seeds": 5, "n_train": 200, "epochs": 10, "tune_seeds": 1, "rates": _BOOK_RATES},
    full={"seeds": 20, "n_train": 1258, "epochs": 10, "tune_seeds": 2, "rates": list(REGULARIZER_RATES)},
    depends=(regularizer_comparison, tuned_runs, tune_regularizer_rates, validation_split, regularizer_summary, _paired,
             test_nll, small_data_runs, _probed_runs, _train_probed_batch, train_probed, init_network, ActivationL1),
)
def regularizers(seeds: int, n_train: int, epochs: int, tune_seeds: int = 1, rates: Sequence[float] = REGULARIZER_RATES,
                 val_fraction: float = 0.2) -> dict:
    """Sparsity (L1 penalties, bias shift), dropout and tanh on a small training set, paired by seed, at one shared
    learning rate and each at its own rate tuned on validation data.

    Every configuration of :data:`REGULARIZER_CONFIGS` is trained with :data:`REGULARIZER_TRAINING` (Adam,
    ``lr`` the shared rate) for ``epochs`` epochs on ``n_train`` images drawn by the seed; seed ``s`` fixes the
    images, the initial weights and the batch order of every configuration. **Tuning**
    (:func:`tune_regularizer_rates`) uses its own seeds ``1000 .. 1000 + tune_seeds - 1`` and a validation part
    (``val_fraction``) of their training images; **evaluation** trains seeds ``0 .. seeds - 1`` on all ``n_train``
    images at the shared rate and at each configuration's tuned rate. Returns :func:`regularizer_comparison`.
    """
    seeds = check_int_in(seeds, "seeds", 2, 1000)
    n_train = check_int_in(n_train, "n_train", 20, 1258)
    epochs = check_int_in(epochs, "epochs", 1, 10_000)
    tune_seeds = check_int_in(tune_seeds, "tune_seeds", 1, 1000)
    configs = {label: {**kw, **({"activation": nn.Tanh} if kw.get("activation") == "tanh" else {})}
               for label, kw in REGULARIZER_CONFIGS.items()}
    common = {k: v for k, v in REGULARIZER_TRAINING.items() if k != "lr"}
    evals = list(range(seeds))
    tuning = tune_regularizer_rates(configs, seeds=range(1000, 1000 + tune_seeds), n_train=n_train, rates=rates,
                                    val_fraction=val_fraction, epochs=epochs, **common)
    shared_lr = REGULARIZER_TRAINING["lr"]
    shared = small_data_runs(configs, seeds=evals, n_train=n_train, epochs=epochs, lr=shared_lr, **common)
    tuned = tuned_runs(configs, tuning["tuned"], seeds=evals, n_train=n_train, shared=shared, epochs=epochs, lr=shared_lr, **common)
    return regularizer_comparison(shared, tuned, tuning, n_train=n_train, shared_lr=shared_lr)


def regularizer_table(result: Mapping) -> str:
    """A printed table of :func:`regularizer_summary`: per configuration, mean test accuracy and test NLL, and the
    paired differences from the baseline (test accuracy, gap, test NLL) with their 95% t intervals; n in the title."""
    from .i18n import number
    from .tables import format_table

    base = result["baseline"]
    rows = []
    for label, v in result["values"].items():
        c = result["vs_baseline"].get(label, {})
        rows.append([label, number(float(np.mean(v["zero"])), 2), number(float(np.mean(v["train_acc"])), 3),
                     number(float(np.mean(v["test_acc"])), 3), number(float(np.mean(v["test_nll"])), 3),
                     interval_text(c.get("test_acc")), interval_text(c.get("gap")), interval_text(c.get("test_nll"))])
    headers = [t("sparsity.config"), t("sparsity.zero_fraction"), t("sparsity.train_acc"), t("sparsity.test_acc"),
               t("sparsity.test_nll"), t("sparsity.d_vs", what=t("sparsity.test_acc"), base=base),
               t("sparsity.d_vs", what=t("sparsity.gap"), base=base), t("sparsity.d_vs", what=t("sparsity.test_nll"), base=base)]
    return t("sparsity.paired_n", n=len(result["seeds"]), n_train=result["n_train"]) + "\n" + format_table(rows, headers)


def dropout_table(result: Mapping) -> str:
    """A printed table of the dropout interaction of :func:`regularizer_summary`: the change dropout brings to
    ReLU, to tanh, and their difference (ReLU minus tanh), per measure, with 95% t intervals."""
    from .tables import format_table

    rows = [[t(f"sparsity.measure.{k}"), *(interval_text(v[arm]) for arm in ("relu", "tanh", "relu_minus_tanh"))]
            for k, v in result["dropout"].items()]
    return format_table(rows, [t("sparsity.measure"), t("sparsity.dropout_on", a="ReLU"), t("sparsity.dropout_on", a="tanh"),
                               t("sparsity.dropout_diff")])


def _rate_text(r: float) -> str:
    from .i18n import current_language

    return f"{r:.3g}".replace(".", "," if current_language() == "it" else ".")


def tuning_table(result: Mapping) -> str:
    """A printed table of the tuning of a ``ch3-regularizers`` result: per configuration, the mean validation NLL
    at every rate of the grid (— where a run diverged) and the rate chosen (marked ``*``)."""
    from .i18n import number
    from .tables import format_table

    tu = result["tuning"]
    rows = []
    for label, nll in tu["val_nll"].items():
        cells = ["—" if v is None else number(v, 3) + ("*" if r == tu["tuned"][label] else "")
                 for r, v in zip(tu["rates"], nll)]
        rows.append([label, *cells, _rate_text(tu["tuned"][label])])
    title = t("sparsity.tuning_n", k=len(tu["seeds"]), fit=tu["n_fit"], val=tu["n_val"])
    return title + "\n" + format_table(rows, [t("sparsity.config"), *(_rate_text(r) for r in tu["rates"]), t("sparsity.tuned_lr")])


def tuned_shared_table(result: Mapping) -> str:
    """A printed table of a ``ch3-regularizers`` result: per configuration, the shared and the tuned rate, mean
    test accuracy at each, and what tuning changes (tuned minus shared, paired 95% t intervals)."""
    from .i18n import number
    from .tables import format_table

    rows = []
    for label, d in result["tuned_minus_shared"].items():
        acc = [number(float(np.mean(result[s]["values"][label]["test_acc"])), 3) for s in ("shared", "tuned")]
        rows.append([label, _rate_text(result["shared_lr"]), _rate_text(result["tuning"]["tuned"][label]), *acc,
                     *(interval_text(d[k]) for k in ("test_acc", "gap", "test_nll"))])
    headers = [t("sparsity.config"), t("sparsity.shared_lr"), t("sparsity.tuned_lr"), t("sparsity.acc_at", s=t("sparsity.shared")),
               t("sparsity.acc_at", s=t("sparsity.tuned")),
               *(t("sparsity.tuning_gain", what=t(f"sparsity.measure.{k}")) for k in ("test_acc", "gap", "test_nll"))]
    n = len(result["shared"]["seeds"])
    return t("sparsity.paired_n", n=n, n_train=result["shared"]["n_train"]) + "\n" + format_table(rows, headers)


def _outcome(iv: Mapping) -> str:
    return "lower" if iv["high"] < 0 else "higher" if iv["low"] > 0 else "unresolved"


def regularizer_agreement(book: Mapping, full: Mapping) -> list[dict]:
    """Book against full scale for two ``ch3-regularizers`` results: for each setting (``"shared"``, ``"tuned"``),
    each configuration against the baseline and the dropout interaction (ReLU minus tanh), and each of gap and
    test NLL, both intervals and their outcomes (``"lower"``: interval below 0, ``"higher"``: above 0,
    ``"unresolved"``: includes 0); ``agree`` is ``"same"`` (equal outcomes), ``"strength"`` (one scale resolves
    a change the other does not) or ``"opposite"``."""
    for name, res in (("book", book), ("full", full)):
        if not isinstance(res, Mapping) or not {"shared", "tuned"} <= set(res):
            raise ValueError(f"{name} must be a ch3-regularizers result (with 'shared' and 'tuned'), got {type(res).__name__}")
    rows = []
    for setting in ("shared", "tuned"):
        b, f = book[setting], full[setting]
        pairs = [(label, b["vs_baseline"][label], f["vs_baseline"][label]) for label in b["vs_baseline"] if label in f["vs_baseline"]]
        if "dropout" in b and "dropout" in f:
            pairs.append((t("sparsity.dropout_diff_row"), {k: v["relu_minus_tanh"] for k, v in b["dropout"].items()},
                          {k: v["relu_minus_tanh"] for k, v in f["dropout"].items()}))
        for label, bi, fi in pairs:
            for measure in ("gap", "test_nll"):
                ob, of = _outcome(bi[measure]), _outcome(fi[measure])
                agree = "same" if ob == of else "opposite" if "unresolved" not in (ob, of) else "strength"
                rows.append({"setting": setting, "config": label, "measure": measure, "book": bi[measure], "full": fi[measure],
                             "book_outcome": ob, "full_outcome": of, "agree": agree})
    return rows


def regularizer_agreement_table(rows: Sequence[Mapping]) -> str:
    """A printed table of :func:`regularizer_agreement`'s rows (one line per setting, configuration and measure)."""
    from .tables import format_table

    body = [[t(f"sparsity.{r['setting']}"), r["config"], t(f"sparsity.measure.{r['measure']}"), interval_text(r["book"]),
             interval_text(r["full"]), t(f"sparsity.agree.{r['agree']}")] for r in rows]
    return format_table(body, [t("sparsity.setting"), t("sparsity.config"), t("sparsity.measure"), t("sparsity.scale.book"),
                               t("sparsity.scale.full"), t("sparsity.agree")])


register(
    {
        "sparsity.tuning_n": {"en": "mean validation NLL over {k} tuning seed(s) ({fit} fitting, {val} validation images); * = chosen",
                              "it": "NLL di validazione media su {k} seed di taratura ({fit} immagini per l'adattamento, {val} di validazione); * = scelto"},
        "sparsity.tuned_lr": {"en": "tuned rate", "it": "learning rate tarato"},
        "sparsity.shared_lr": {"en": "shared rate", "it": "learning rate comune"},
        "sparsity.shared": {"en": "shared", "it": "comune"},
        "sparsity.tuned": {"en": "tuned", "it": "tarato"},
        "sparsity.acc_at": {"en": "test acc. ({s})", "it": "acc. di test ({s})"},
        "sparsity.tuning_gain": {"en": "Δ {what}, tuned − shared", "it": "Δ {what}, tarato − comune"},
        "sparsity.setting": {"en": "rate", "it": "learning rate"},
        "sparsity.dropout_diff_row": {"en": "dropout: ReLU minus tanh", "it": "dropout: ReLU meno tanh"},
        "sparsity.agree": {"en": "book vs full", "it": "libro e scala piena"},
        "sparsity.agree.same": {"en": "agree", "it": "concordano"},
        "sparsity.agree.strength": {"en": "differ in strength", "it": "diversi per forza"},
        "sparsity.agree.opposite": {"en": "OPPOSITE", "it": "OPPOSTI"},
    }
)


register(
    {
        "sparsity.test_nll": {"en": "test NLL", "it": "NLL di test"},
        "sparsity.d_vs": {"en": "Δ {what} vs {base}", "it": "Δ {what} rispetto a {base}"},
        "sparsity.paired_n": {"en": "{n} seeds paired, {n_train} training images; Δ: mean [95% t interval]",
                              "it": "{n} seed appaiati, {n_train} immagini di addestramento; Δ: media [intervallo t al 95%]"},
        "sparsity.measure": {"en": "measure", "it": "misura"},
        "sparsity.measure.test_acc": {"en": "test accuracy", "it": "accuratezza di test"},
        "sparsity.measure.gap": {"en": "gap", "it": "divario"},
        "sparsity.measure.test_nll": {"en": "test NLL", "it": "NLL di test"},
        "sparsity.dropout_on": {"en": "dropout's effect on {a}", "it": "effetto del dropout su {a}"},
        "sparsity.dropout_diff": {"en": "ReLU minus tanh", "it": "ReLU meno tanh"},
        "sparsity.book_scale": {"en": "book scale (live)", "it": "scala del libro (dal vivo)"},
        "sparsity.full_scale": {"en": "full scale (recorded)", "it": "scala piena (registrata)"},
        "sparsity.scale.book": {"en": "book scale", "it": "scala del libro"},
        "sparsity.scale.full": {"en": "full scale", "it": "scala piena"},
    }
)


def _summary_iv(values: Sequence[float]) -> dict:
    from .stats import summarize

    s = summarize([float(v) for v in values])
    return {"mean": s.mean, "low": s.low, "high": s.high, "n": s.n}


@experiment(
    "ch3-sparsity-training",
    book={"seeds": 5, "epochs": 10, "archs": [[64, 64, 64, 10], [64, 128, 128, 10], [64, 32, 32, 32, 10]]},
    full={"seeds": 20, "epochs": 30, "archs": [[64, 64, 64, 10], [64, 128, 128, 10], [64, 32, 32, 32, 10],
                                                 [64, 256, 256, 10]]},
    depends=(_summary_iv, _paired, _probed_runs, _train_probed_batch, train_probed, init_network),
)
def sparsity_training(seeds: int, epochs: int, archs: Sequence[Sequence[int]]) -> dict:
    """Does training make ReLU networks sparser? Share of zeros on the test digits before and after training.

    For every architecture of ``archs`` (widths, input 64 and 10 classes), seeds ``0 .. seeds-1`` train it
    with :func:`train_probed`'s defaults (He initialization, Adam 1e-3, batches of 64) for ``epochs`` epochs
    on the digits. Per layer and for the network (all hidden units, each unit counted once): the share of
    zeros at initialization and at the end, each with its 95% t interval, and the paired change.
    """
    seeds = check_int_in(seeds, "seeds", 2, 1000)
    epochs = check_int_in(epochs, "epochs", 1, 10_000)
    if not archs:
        raise ValueError("archs must name at least one architecture")
    split = digits()
    out = []
    for widths in archs:
        widths = [int(w) for w in widths]
        runs = _probed_runs([(split, s, {"widths": widths, "epochs": epochs, "every_epoch": False}) for s in range(seeds)])
        if any(r is None for r in runs):
            raise RuntimeError(f"training diverged (architecture {widths}); lower the learning rate")
        hidden = widths[1:-1]
        entry: dict = {"widths": widths, "layers": {}, "test_acc": [r.test_acc for r in runs]}
        for j, layer in enumerate(runs[0].layers):
            start, end = [r.zero[0][j] for r in runs], [r.zero[-1][j] for r in runs]
            entry["layers"][layer] = {"start": _summary_iv(start), "end": _summary_iv(end), "change": _paired(end, start)}
        net = [[float(np.dot(r.zero[k], hidden) / sum(hidden)) for r in runs] for k in (0, -1)]
        entry["network"] = {"start": _summary_iv(net[0]), "end": _summary_iv(net[1]), "change": _paired(net[1], net[0])}
        out.append(entry)
    return {"seeds": seeds, "epochs": epochs, "archs": out}


def sparsity_training_table(result: Mapping) -> str:
    """A printed table of :func:`sparsity_training`: per architecture and layer (and network), share of zeros at
    initialization and at the end, and the paired change, mean [95% t interval]."""
    from .tables import format_table

    rows = []
    for a in result["archs"]:
        name = "-".join(str(w) for w in a["widths"])
        for layer, v in [*a["layers"].items(), (t("sparsity.network"), a["network"])]:
            rows.append([name, layer, interval_text(v["start"], 2), interval_text(v["end"], 2), interval_text(v["change"], 3)])
    return (t("sparsity.training_n", n=result["seeds"], epochs=result["epochs"]) + "\n"
            + format_table(rows, [t("sparsity.arch"), t("sparsity.layer"), t("sparsity.zeros_at_init"),
                                  t("sparsity.zeros_trained"), t("sparsity.change")]))


register(
    {
        "sparsity.network": {"en": "network", "it": "rete"},
        "sparsity.arch": {"en": "architecture", "it": "architettura"},
        "sparsity.change": {"en": "paired change", "it": "variazione appaiata"},
        "sparsity.training_n": {"en": "{n} seeds, {epochs} epochs; mean [95% t interval]",
                                "it": "{n} seed, {epochs} epoche; media [intervallo t al 95%]"},
    }
)
