"""Dying ReLU: finding dead units, watching them die, and measuring whether they come back.

A ReLU unit is *dead on a data set* when its output is zero for every example:
its pre-activation is never positive, so the ReLU passes back a zero gradient
for every example and the unit's incoming weights and bias get exactly zero
gradient.

* :func:`dead_units` / :func:`dead_fraction` find the dead units of every
  activation layer of any ``nn.Module`` over a data set (a tensor or an
  iterable of batches), with the forward hooks of
  :class:`relulab.probes.ActivationRecorder`, one batch at a time.
* :func:`one_neuron_step` is the mechanism in two dimensions: one large
  gradient step pushes a neuron's hyperplane past the whole data cloud.
* :func:`sweep` trains many small MLPs on the digits at once (one batched
  model per architecture and optimizer, the same batches and the same
  update rules as :func:`relulab.training.train`) and records which units
  are dead after every epoch; it drives the learning-rate, optimizer, bias,
  initialization and "fixes" experiments. :class:`SweepResult` holds plain
  arrays and answers "how many died", "how many came back", "how accurate".
* :func:`born_dead_probability` and :func:`born_dead_monte_carlo`: a random
  deep, narrow ReLU network can be *born dead*, constant on the whole data
  set because one of its layers outputs zero everywhere
  (Lu, Shin, Su & Karniadakis 2020).
* :func:`unit_gradient_norms` and :func:`layer_gradient_norms` measure the
  gradients that reach dead units and the layers below them.
* Printed tables (:func:`summary_table`, :func:`side_by_side`,
  :func:`revival_table`, :func:`collapse_table`, :func:`born_dead_check`) and
  figures (:func:`plot_one_neuron`, :func:`plot_vs_lr`,
  :func:`plot_dead_over_steps`, :func:`plot_born_dead_maps`,
  :func:`plot_collapse`) take the plain data above; labels come from
  :mod:`relulab.i18n`.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from ._checks import (
    check_finite_array,
    check_finite_tensor,
    check_flag,
    check_inputs_fit,
    check_int_in,
    check_int_list,
    check_labels,
    check_module,
    check_scalar_in,
    check_seeds,
)
from .i18n import localize_numbers, register, t
from .probes import ActivationRecorder
from .replication import experiment
from .stats import interval_text
from .training import OPTIMIZERS, mlp

__all__ = [
    "setting_label",
    "WIDTHS",
    "EPOCHS",
    "ACTIVATIONS",
    "dead_units",
    "dead_fraction",
    "OneNeuronStep",
    "one_neuron_step",
    "plot_one_neuron",
    "make_model",
    "with_batchnorm",
    "kill_units",
    "SweepResult",
    "train_ensemble",
    "sweep",
    "summarize",
    "summary_table",
    "curve",
    "plot_vs_lr",
    "plot_dead_over_steps",
    "plot_born_dead_maps",
    "plot_born_dead_comparison",
    "revival_table",
    "side_by_side",
    "collapse_table",
    "born_dead_check",
    "plot_collapse",
    "born_dead_probability",
    "BornDead",
    "born_dead_monte_carlo",
    "unit_gradient_norms",
    "layer_gradient_norms",
    "rai_init",
    "RAI_SIGMA",
    "validation_split",
    "dead_shares",
    "forty_percent_summary",
    "forty_percent",
    "REMEDY_ARMS",
    "remedies_analysis",
    "remedies",
    "one_neuron_table",
    "remedies_report",
]

#: The MLP of this chapter's experiments: 64 pixels, two hidden layers of 32 ReLUs, 10 classes.
WIDTHS: tuple[int, ...] = (64, 32, 32, 10)
#: Training epochs of every experiment (20 mini-batches of 64 digits per epoch, 120 steps in all).
EPOCHS: int = 6

#: Activation factories that :func:`make_model` and :func:`sweep` know.
ACTIVATIONS: dict[str, Callable[[], nn.Module]] = {
    "relu": nn.ReLU,
    "leaky_relu": lambda: nn.LeakyReLU(0.01),
    "prelu": nn.PReLU,
    "elu": nn.ELU,
}

register(
    {
        "dying.zero_gradient": {
            "en": "seed {seed}: dead {dead}, zero gradient {zero}, dead and zero gradient {both}, live below 1e-6 {tiny}, median of the others {median}",
            "it": "seed {seed}: morte {dead}, gradiente nullo {zero}, morte e con gradiente nullo {both}, vive sotto 1e-6 {tiny}, mediana delle altre {median}",
        },
        "dying.dead_bands": {
            "en": "{name} runs {runs}: none dead {none}, under 10% {low}, 10-70% {mid}, 70% or more {high}",
            "it": "{name} esecuzioni {runs}: nessuna morta {none}, sotto il 10% {low}, 10-70% {mid}, 70% o più {high}",
        },
        "dying.killed_found": {"en": "{name} killed {killed}  found {found}", "it": "{name} uccise {killed}  trovate {found}"},
        "dying.dead_live_norms": {
            "en": "{fc} largest gradient norm of a dead unit: {dead}  smallest of a live unit: {live}",
            "it": "{fc} norma del gradiente più grande di un'unità morta: {dead}  più piccola di un'unità viva: {live}",
        },
        "dying.lr": {"en": "learning rate", "it": "learning rate"},
        "dying.dead_frac": {"en": "dead units (fraction)", "it": "unità morte (frazione)"},
        "dying.test_acc": {"en": "test accuracy", "it": "accuratezza sul test"},
        "dying.step": {"en": "training step", "it": "passo di addestramento"},
        "dying.layer": {"en": "layer {name}", "it": "strato {name}"},
        "dying.before": {"en": "before the step", "it": "prima del passo"},
        "dying.after": {"en": "after the step", "it": "dopo il passo"},
        "dying.active": {"en": "active ($w\\cdot x+b>0$)", "it": "attivo ($w\\cdot x+b>0$)"},
        "dying.inactive": {"en": "inactive", "it": "inattivo"},
        "dying.boundary": {"en": "$w\\cdot x+b=0$", "it": "$w\\cdot x+b=0$"},
        "dying.x1": {"en": "$x_1$", "it": "$x_1$"},
        "dying.x2": {"en": "$x_2$", "it": "$x_2$"},
        "dying.depth": {"en": "depth (hidden layers)", "it": "profondità (strati nascosti)"},
        "dying.width": {"en": "width (units per layer)", "it": "ampiezza (unità per strato)"},
        "dying.p_dead": {"en": "P(born dead)", "it": "P(nata morta)"},
        "dying.formula": {"en": "formula, one input", "it": "formula, un ingresso"},
        "dying.mc_one": {"en": "Monte Carlo, one input", "it": "Monte Carlo, un ingresso"},
        "dying.mc_data": {"en": "Monte Carlo, {n} digits", "it": "Monte Carlo, {n} cifre"},
        "dying.setting": {"en": "setting", "it": "impostazione"},
        "dying.dead_l1": {"en": "dead act1", "it": "morte act1"},
        "dying.dead_l2": {"en": "dead act2", "it": "morte act2"},
        "dying.acc": {"en": "test acc.", "it": "acc. test"},
        "dying.runs": {"en": "runs", "it": "esecuzioni"},
        "dying.revived": {"en": "revived", "it": "rianimate"},
        "dying.died": {"en": "dead after epoch 1", "it": "morte dopo l'epoca 1"},
        "dying.optimizer": {"en": "optimizer", "it": "ottimizzatore"},
        "dying.grad_norm": {"en": "gradient norm", "it": "norma del gradiente"},
        "dying.unit": {"en": "unit", "it": "unità"},
        "dying.whole_layer_dead": {"en": "a whole layer dead", "it": "uno strato tutto morto"},
        "dying.no_layer_dead": {"en": "no layer entirely dead", "it": "nessuno strato tutto morto"},
        "dying.col.dead0": {"en": "dead {layer} (init)", "it": "morte {layer} (inizio)"},
        "dying.col.dead": {"en": "dead {layer}", "it": "morte {layer}"},
        "dying.col.active0": {"en": "fires {layer} (init)", "it": "si accende {layer} (inizio)"},
        "dying.col.active": {"en": "fires {layer}", "it": "si accende {layer}"},
        "dying.col.died": {"en": "{layer}: dead at epoch 1", "it": "{layer}: morte all'epoca 1"},
        "dying.col.back": {"en": "{layer}: back at the end", "it": "{layer}: tornate alla fine"},
        "dying.col.moved": {"en": "{layer}: dead but moved", "it": "{layer}: morte ma spostate"},
        "dying.group": {"en": "runs", "it": "esecuzioni"},
        "dying.min": {"en": "min", "it": "min"},
        "dying.max": {"en": "max", "it": "max"},
        "dying.width_short": {"en": "width", "it": "ampiezza"},
        "dying.depth_short": {"en": "depth", "it": "profondità"},
        "dying.h.active_before": {"en": "active before", "it": "attivo prima"},
        "dying.h.active_after": {"en": "active after", "it": "attivo dopo"},
        "dying.h.loss_before": {"en": "loss before", "it": "loss prima"},
        "dying.h.loss_after": {"en": "loss after", "it": "loss dopo"},
        "dying.h.grad_after": {"en": "max |gradient| after", "it": "max |gradiente| dopo"},
        "dying.optv.sgd": {"en": "sgd", "it": "SGD"},
        "dying.optv.momentum": {"en": "momentum", "it": "momentum"},
        "dying.optv.adam": {"en": "adam", "it": "Adam"},
        "dying.opt.sgd": {"en": "SGD", "it": "SGD"},
        "dying.opt.momentum": {"en": "SGD + momentum", "it": "SGD con momentum"},
        "dying.opt.adam": {"en": "Adam", "it": "Adam"},
        "dying.fix.harmful": {"en": "harmful: SGD, lr 2.15", "it": "dannosa: SGD, lr 2,15"},
        "dying.fix.lower_lr": {"en": "learning rate / 10", "it": "learning rate / 10"},
        "dying.fix.warmup": {"en": "warm-up (2 epochs)", "it": "warm-up (2 epoche)"},
        "dying.fix.he": {"en": "He initialization", "it": "inizializzazione di He"},
        "dying.fix.bias": {"en": "bias 0.01", "it": "bias 0,01"},
        "dying.fix.batchnorm": {"en": "BatchNorm", "it": "BatchNorm"},
        "dying.fix.adam": {"en": "Adam, lr 0.001", "it": "Adam, lr 0,001"},
        "dying.fix.leaky": {"en": "Leaky ReLU (0.01)", "it": "Leaky ReLU (0,01)"},
        "dying.fix.prelu": {"en": "PReLU", "it": "PReLU"},
        "dying.fix.elu": {"en": "ELU", "it": "ELU"},
        "dying.fix.relu": {"en": "ReLU (default init)", "it": "ReLU (inizializzazione predefinita)"},
        "dying.fix.rai": {"en": "ReLU, RAI init", "it": "ReLU, inizializzazione RAI"},
        "dying.h.name": {"en": "network", "it": "rete"},
        "dying.h.optimizer": {"en": "optimizer", "it": "ottimizzatore"},
        "dying.h.seed": {"en": "seed", "it": "seed"},
        "dying.h.dead_train": {"en": "act1 dead on train", "it": "act1 morte in addestramento"},
        "dying.h.fire_test": {"en": "of which fire on test", "it": "di cui attive sul test"},
        "dying.dead_frac_all": {"en": "dead hidden units (fraction)", "it": "unità nascoste morte (frazione)"},
        "dying.diverged": {"en": "diverged", "it": "divergenti"},
        "dying.network": {"en": "network", "it": "rete"},
        "dying.agree": {"en": "agree", "it": "concordano"},
        "dying.disagree": {"en": "disagree", "it": "non concordano"},
        "dying.level": {"en": "denominator", "it": "denominatore"},
        "dying.book_scale": {"en": "book scale (live)", "it": "scala del libro (dal vivo)"},
        "dying.scale.book": {"en": "book", "it": "del libro"},
        "dying.scale.full": {"en": "full", "it": "piena"},
        "dying.full_scale": {"en": "full scale (recorded)", "it": "scala piena (registrata)"},
        "dying.arm": {"en": "remedy", "it": "rimedio"},
        "dying.largest_rate": {"en": "largest rate, all seeds train", "it": "learning rate massimo, tutti i seed addestrano"},
        "dying.tuned_rate": {"en": "tuned rate (validation)", "it": "learning rate scelto (validazione)"},
        "dying.vs_relu_rate": {"en": "log10 largest rate − ReLU", "it": "log10 learning rate massimo − ReLU"},
        "dying.vs_relu_acc": {"en": "test accuracy − ReLU (tuned)", "it": "accuratezza sul test − ReLU (scelto)"},
        "dying.clip_row": {"en": "{arm}, η = {lr}, clip {clip}", "it": "{arm}, η = {lr}, clipping del gradiente {clip}"},
        "dying.noclip_row": {"en": "{arm}, η = {lr}, no clipping", "it": "{arm}, η = {lr}, senza clipping del gradiente"},
        "dying.peak_act2": {"en": "peak dead act2", "it": "picco morte act2"},
        "dying.key.lr": {"en": "learning rate", "it": "learning rate"},
        "dying.key.bias": {"en": "initial bias", "it": "bias iniziale"},
        "dying.key.weight_scale": {"en": "scale × He", "it": "scala × He"},
        "dying.key.killed": {"en": "killed fraction", "it": "frazione uccisa"},
        "dying.key.optimizer": {"en": "optimizer", "it": "ottimizzatore"},
        "dying.key.fix": {"en": "setting", "it": "impostazione"},
        "dying.key.label": {"en": "setting", "it": "impostazione"},
        "dying.split_sizes": {"en": "train {train}  test {test}", "it": "addestramento {train}  test {test}"},
        "dying.mlp_epochs": {"en": "MLP {widths}  epochs {epochs}", "it": "MLP {widths}  epoche {epochs}"},
        "dying.net.sigmoid": {"en": "sigmoid", "it": "sigmoide"},
        "dying.net.relu": {"en": "ReLU", "it": "ReLU"},
        "dying.net.fc5_dead": {"en": "ReLU, fc5 dead", "it": "ReLU, fc5 morto"},
    }
)


# --------------------------------------------------------------------------- detection


def _batches(data: object, model: nn.Module) -> Iterable[torch.Tensor]:
    """Input tensors from a tensor (one batch) or an iterable of batches (tensors, or tuples whose first item is the input).

    Each batch is checked before ``model`` sees it: a finite real tensor with at least one example
    and, when the model starts with a ``Linear`` layer, as many features as that layer takes."""
    if isinstance(data, torch.Tensor):
        yield check_inputs_fit(model, data, "data")
        return
    if isinstance(data, (str, bytes)) or not isinstance(data, Iterable):
        raise TypeError(
            f"data must be a torch.Tensor or an iterable of batches (e.g. a DataLoader), got {type(data).__name__}"
        )
    for i, batch in enumerate(data):
        if isinstance(batch, (tuple, list)) and batch:
            batch = batch[0]
        if not isinstance(batch, torch.Tensor):
            raise TypeError(f"data: batch {i} must be a tensor or a (inputs, ...) tuple, got {type(batch).__name__}")
        yield check_inputs_fit(model, batch, f"data (batch {i})")


@torch.no_grad()
def dead_units(
    model: nn.Module, data: object, *, layers: Iterable[str] | None = None, eval_mode: bool = True
) -> dict[str, torch.Tensor]:
    """Which units of each activation layer never output a positive value on ``data``.

    Parameters
    ----------
    model:
        Any ``nn.Module``; by default every activation layer is inspected
        (see :data:`relulab.probes.ACTIVATION_TYPES`), or name them with ``layers``.
    data:
        The inputs: one tensor, or an iterable of batches (a ``DataLoader``
        yielding tensors or ``(inputs, targets)`` pairs). Batches are seen one
        at a time, so memory stays that of one batch.
    eval_mode:
        Put the model in evaluation mode during the pass (BatchNorm uses its
        running statistics, dropout is off) and restore its mode afterwards.

    Returns
    -------
    dict
        Layer name -> boolean tensor with one entry per unit (dimension 1 of
        the layer's output: a feature, or a channel of a convolution), ``True``
        where the unit's output is ``<= 0`` for every example (and every
        position). For ReLU this means exactly zero: the unit is dead.
    """
    check_module(model)
    check_flag(eval_mode, "eval_mode")
    was_training = model.training
    if eval_mode:
        model.eval()
    alive: dict[str, torch.Tensor] = {}
    seen = 0
    try:
        with ActivationRecorder(model, layers, keep="last") as rec:
            for batch in _batches(data, model):
                model(batch)
                seen += int(batch.shape[0])
                for name, out in rec.outputs.items():
                    if out.ndim < 2:
                        raise ValueError(
                            f"layer {name!r} outputs shape {tuple(out.shape)}; units must lie along dimension 1"
                        )
                    positive = (out > 0).transpose(0, 1).reshape(out.shape[1], -1).any(dim=1)
                    alive[name] = positive if name not in alive else alive[name] | positive
    finally:
        model.train(was_training)
    if seen == 0:
        raise ValueError("data holds no batch")
    return {name: ~mask for name, mask in alive.items()}


def dead_fraction(model: nn.Module, data: object, **kwargs) -> dict[str, float]:
    """Fraction of dead units per activation layer (see :func:`dead_units`), plus ``"all"`` over every layer."""
    if isinstance(model, nn.Module) and isinstance(data, torch.Tensor):
        check_inputs_fit(model, data, "data")
    masks = dead_units(model, data, **kwargs)
    out = {name: float(m.float().mean()) for name, m in masks.items()}
    total = sum(int(m.numel()) for m in masks.values())
    out["all"] = sum(int(m.sum()) for m in masks.values()) / total
    return out


# --------------------------------------------------------------------------- the mechanism in 2-D


@dataclass(frozen=True)
class OneNeuronStep:
    """One neuron ``relu(w . x + b)`` fitted to ``y`` by squared error, before and after one gradient step."""

    x: np.ndarray
    y: np.ndarray
    lr: float
    w_before: np.ndarray
    b_before: float
    w_after: np.ndarray
    b_after: float
    grad_before: np.ndarray  # (dL/dw1, dL/dw2, dL/db) at the start
    grad_after: np.ndarray  # the same after the step
    active_before: float  # fraction of points with w . x + b > 0
    active_after: float
    loss_before: float
    loss_after: float


def one_neuron_step(
    lr: float = 1.0,
    *,
    n: int = 200,
    seed: int = 0,
    w: Sequence[float] = (1.0, 1.0),
    b: float = 0.5,
) -> OneNeuronStep:
    """One ReLU neuron on a 2-D cloud, one gradient-descent step of size ``lr``.

    The cloud is ``n`` points around (1, 1) (Gaussian, standard deviation 0.5);
    the targets are ``0.2 (x1 + x2)``, smaller than what the neuron outputs at
    the start, so the gradient tells it to shrink ``w`` and ``b``. A small
    step shrinks them a little; a large step overshoots and carries the
    hyperplane ``w . x + b = 0`` past every point: the neuron is dead on the
    data and the gradient after the step is exactly zero. Computed in float64.
    """
    lr = check_scalar_in(lr, "lr", 0.0, 1e6, low_open=True)
    n = check_int_in(n, "n", 2, 1_000_000)
    seed = check_int_in(seed, "seed", 0, 2**32 - 1)
    if isinstance(w, (str, bytes)) or not isinstance(w, (Sequence, np.ndarray)) or len(w) != 2:
        raise ValueError(f"w must hold two numbers, got {w!r}")
    w = [check_scalar_in(v, f"w[{i}]", -1e6, 1e6) for i, v in enumerate(w)]
    b = check_scalar_in(b, "b", -1e6, 1e6)
    rng = np.random.default_rng(seed)
    x = torch.as_tensor(rng.normal(1.0, 0.5, size=(n, 2)), dtype=torch.float64)
    y = 0.2 * x.sum(dim=1)
    params = torch.tensor([*w, b], dtype=torch.float64, requires_grad=True)

    def evaluate(p: torch.Tensor) -> tuple[float, np.ndarray, float]:
        p = p.detach().clone().requires_grad_(True)
        z = x @ p[:2] + p[2]
        loss = ((torch.relu(z) - y) ** 2).mean()
        (g,) = torch.autograd.grad(loss, p)
        return float(loss.detach()), g.numpy().copy(), float((z > 0).double().mean())

    loss0, g0, a0 = evaluate(params)
    after = params.detach() - lr * torch.as_tensor(g0)
    loss1, g1, a1 = evaluate(after)
    p0, p1 = params.detach().numpy(), after.numpy()
    return OneNeuronStep(
        x=x.numpy(), y=y.numpy(), lr=lr,
        w_before=p0[:2].copy(), b_before=float(p0[2]), w_after=p1[:2].copy(), b_after=float(p1[2]),
        grad_before=g0, grad_after=g1, active_before=a0, active_after=a1, loss_before=loss0, loss_after=loss1,
    )  # fmt: skip


def plot_one_neuron(step: OneNeuronStep, axes=None):
    """Two panels: the cloud marked active/inactive and the line ``w . x + b = 0``, before and after the step.

    An arrow from the line points to its positive side (the direction of ``w``).
    """
    from .plotting import series_style, subplots

    if not isinstance(step, OneNeuronStep):
        raise TypeError(f"step must be a OneNeuronStep, got {type(step).__name__}")
    if axes is None:
        _, axes = subplots(2, width=8.0, height=3.4)
    x = step.x
    lo, hi = x.min() - 0.5, x.max() + 0.5
    grid = np.linspace(lo, hi, 2)
    for ax, (w, b, title) in zip(
        axes, [(step.w_before, step.b_before, t("dying.before")), (step.w_after, step.b_after, t("dying.after"))]
    ):
        on = x @ w + b > 0
        ax.scatter(x[on, 0], x[on, 1], s=12, marker="o", color=series_style(2)["color"], label=t("dying.active"))
        ax.scatter(x[~on, 0], x[~on, 1], s=12, marker="x", color=series_style(4)["color"], label=t("dying.inactive"))
        if abs(w[1]) > 1e-12:
            ax.plot(grid, -(b + w[0] * grid) / w[1], color="black", linestyle="--", label=t("dying.boundary"))
        elif abs(w[0]) > 1e-12:
            ax.axvline(-b / w[0], color="black", linestyle="--", label=t("dying.boundary"))
        norm = float(np.hypot(*w))
        if norm > 1e-12:  # an arrow from the boundary towards its positive side, near the cloud
            c = x.mean(axis=0)
            foot = c - (c @ w + b) / norm**2 * w
            ax.annotate("", xy=foot + 0.6 * w / norm, xytext=foot,
                        arrowprops={"arrowstyle": "->", "color": "black", "linewidth": 1.5})
        ax.set(xlim=(lo, hi), ylim=(lo, hi), xlabel=t("dying.x1"), ylabel=t("dying.x2"), title=title)
        ax.set_aspect("equal")
    axes[0].legend(loc="upper left", fontsize=8)
    return axes


# --------------------------------------------------------------------------- models


def with_batchnorm(model: nn.Sequential) -> nn.Sequential:
    """A copy of an :func:`relulab.training.mlp` with ``BatchNorm1d`` between every hidden ``Linear`` and its activation.

    Module names become ``fc1, bn1, act1, fc2, bn2, act2, ..., out``; the
    ``Linear`` weights are copied unchanged.
    """
    if not isinstance(model, nn.Sequential):
        raise TypeError(f"model must be an nn.Sequential built by relulab.training.mlp, got {type(model).__name__}")
    layers: list[tuple[str, nn.Module]] = []
    for name, module in model.named_children():
        if name.startswith("act"):
            prev_name, prev = layers[-1]
            if not isinstance(prev, nn.Linear):
                raise ValueError(f"{name} must follow a Linear layer")
            bn = nn.BatchNorm1d(prev.out_features).to(prev.weight.dtype)
            layers.append((f"bn{name[3:]}", bn))
        layers.append((name, _clone(module)))
    return nn.Sequential(OrderedDict(layers))


def _clone(module: nn.Module) -> nn.Module:
    import copy

    return copy.deepcopy(module)


@torch.no_grad()
def kill_units(model: nn.Sequential, fraction: float, *, seed: int = 0) -> list[list[int]]:
    """Make ``round(fraction * units)`` units of every hidden layer dead for good, in place.

    A killed unit gets zero incoming weights and bias ``-1e4``: its
    pre-activation is ``-1e4`` for every input, its output zero, its gradient
    zero, whatever the optimizer. Returns the killed unit indices per layer.
    """
    check_module(model, "model")
    fraction = check_scalar_in(fraction, "fraction", 0.0, 1.0)
    seed = check_int_in(seed, "seed", 0, 2**32 - 1)
    gen = torch.Generator().manual_seed(seed)
    linears = [m for name, m in model.named_children() if isinstance(m, nn.Linear) and name != "out"]
    if not linears:
        raise ValueError("model has no hidden Linear layer (expected the fc1, fc2, ... of relulab.training.mlp)")
    killed = []
    for lin in linears:
        k = int(round(fraction * lin.out_features))
        idx = torch.randperm(lin.out_features, generator=gen)[:k].sort().values
        lin.weight[idx] = 0.0
        lin.bias[idx] = -1e4
        killed.append(idx.tolist())
    return killed


#: Parameters of the randomized asymmetric initialization (Lu, Shin, Su & Karniadakis 2020, sec. 4):
#: the symmetric part has standard deviation ``RAI_SIGMA / sqrt(fan_in)``, the one positive entry of
#: every unit is drawn from Beta(2, 1).
RAI_SIGMA: float = 0.6007


@torch.no_grad()
def rai_init(model: nn.Module, *, seed: int = 0) -> nn.Module:
    """Randomized asymmetric initialization (RAI) of every ``Linear`` layer of ``model`` but the last, in place.

    For every unit, the vector of its incoming weights and its bias, ``V`` (``fan_in + 1``
    entries), is drawn from ``N(0, RAI_SIGMA**2 / fan_in)``; then one entry of ``V``, chosen
    uniformly at random, is replaced by a draw from Beta(2, 1), which is positive. The output
    layer keeps PyTorch's default. Lu et al. choose the Beta(2, 1) and the variance from a
    second-moment analysis so that the asymmetry lowers the chance of dying without making
    the activations explode. Returns ``model``.
    """
    seed = check_int_in(seed, "seed", 0, 2**32 - 1)
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be an nn.Module, got {type(model).__name__}")
    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    if len(linears) < 2:
        raise ValueError(f"model must have at least two Linear layers (hidden and output), got {len(linears)}")
    gen = torch.Generator().manual_seed(seed)
    for lin in linears[:-1]:
        fan_out, fan_in = lin.weight.shape
        v = torch.randn(fan_out, fan_in + 1, generator=gen, dtype=torch.float64) * (RAI_SIGMA / math.sqrt(fan_in))
        k = torch.randint(0, fan_in + 1, (fan_out,), generator=gen)
        # Beta(2, 1) by inversion: its CDF is u^2, so sqrt(U) with U uniform (seeded by gen)
        v[torch.arange(fan_out), k] = torch.rand(fan_out, generator=gen, dtype=torch.float64).sqrt()
        lin.weight.copy_(v[:, :fan_in].to(lin.weight.dtype))
        lin.bias.copy_(v[:, fan_in].to(lin.bias.dtype))
    return model


def make_model(
    *,
    widths: Sequence[int] = WIDTHS,
    activation: str = "relu",
    init: str = "default",
    weight_scale: float = 1.0,
    bias: float = 0.0,
    batchnorm: bool = False,
    killed: float = 0.0,
    seed: int = 0,
) -> nn.Sequential:
    """An :func:`relulab.training.mlp` with the options this chapter varies.

    ``init`` is one of :data:`relulab.training.INITS` or ``"rai"``, the randomized
    asymmetric initialization of Lu et al. (:func:`rai_init`). ``activation`` is a key of :data:`ACTIVATIONS`; ``batchnorm`` adds
    BatchNorm after every hidden Linear (:func:`with_batchnorm`); ``killed``
    is the fraction of every hidden layer made permanently dead
    (:func:`kill_units`). The initialization is drawn from ``seed``.
    """
    if not isinstance(activation, str) or activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {activation!r}")
    check_int_list(widths, "widths", 1, 1_000_000)
    killed = check_scalar_in(killed, "killed", 0.0, 1.0)
    batchnorm = check_flag(batchnorm, "batchnorm")
    seed = check_int_in(seed, "seed", 0, 2**32 - 1)
    if init == "rai":
        if weight_scale != 1.0 or bias != 0.0:
            raise ValueError(f"init='rai' draws weights and biases itself: weight_scale must be 1 and bias 0, got {weight_scale!r}, {bias!r}")
        model = mlp(widths, ACTIVATIONS[activation], seed=seed)
        rai_init(model, seed=seed)
    else:
        model = mlp(widths, ACTIVATIONS[activation], init=init, weight_scale=weight_scale, bias=bias, seed=seed)
    if killed:
        kill_units(model, killed, seed=seed)
    if batchnorm:
        model = with_batchnorm(model)
    return model


# --------------------------------------------------------------------------- many runs at once


class _Ensemble:
    """``R`` models with the same structure, stacked along a leading run dimension (float64 or float32)."""

    def __init__(self, models: Sequence[nn.Sequential], dtype: torch.dtype):
        if not models:
            raise ValueError("models must not be empty")
        ops, params, buffers = [], [], []
        names = [n for n, _ in models[0].named_children()]
        for m in models:
            if not isinstance(m, nn.Sequential):
                raise TypeError(f"every model must be an nn.Sequential, got {type(m).__name__}")
            if [n for n, _ in m.named_children()] != names:
                raise ValueError("every model must have the same layers (names and order)")
        for name in names:
            mods = [dict(m.named_children())[name] for m in models]
            first = mods[0]
            kind = type(first)
            if any(type(x) is not kind for x in mods):
                raise ValueError(f"layer {name!r} has different types across models")
            if kind is nn.Linear:
                w = torch.stack([x.weight.detach() for x in mods]).to(dtype).clone().requires_grad_(True)
                b = torch.stack([x.bias.detach() for x in mods]).to(dtype).clone().requires_grad_(True)
                ops.append(("linear", name, len(params)))
                params += [w, b]
            elif kind is nn.BatchNorm1d:
                if not (first.affine and first.track_running_stats):
                    raise ValueError("BatchNorm1d layers must be affine and track running statistics")
                g = torch.stack([x.weight.detach() for x in mods]).to(dtype).clone().requires_grad_(True)
                b = torch.stack([x.bias.detach() for x in mods]).to(dtype).clone().requires_grad_(True)
                rm = torch.stack([x.running_mean for x in mods]).to(dtype).clone()
                rv = torch.stack([x.running_var for x in mods]).to(dtype).clone()
                ops.append(("bn", name, len(params), len(buffers), float(first.eps), float(first.momentum)))
                params += [g, b]
                buffers += [rm, rv]
            elif kind is nn.ReLU:
                ops.append(("relu", name))
            elif kind is nn.LeakyReLU:
                slope = float(first.negative_slope)
                if any(float(x.negative_slope) != slope for x in mods):
                    raise ValueError(f"layer {name!r} has different negative slopes across models")
                ops.append(("leaky", name, slope))
            elif kind is nn.ELU:
                alpha = float(first.alpha)
                if any(float(x.alpha) != alpha for x in mods):
                    raise ValueError(f"layer {name!r} has different alphas across models")
                ops.append(("elu", name, alpha))
            elif kind is nn.PReLU:
                a = torch.stack([x.weight.detach() for x in mods]).to(dtype).clone().requires_grad_(True)
                ops.append(("prelu", name, len(params)))
                params.append(a)
            else:
                raise ValueError(
                    f"layer {name!r} is a {kind.__name__}; supported: Linear, BatchNorm1d, ReLU, LeakyReLU, ELU, PReLU"
                )
        if ops[-1][0] != "linear":
            raise ValueError("the last layer must be Linear (the logits)")
        self.ops = ops
        self.params = params
        self.buffers = buffers
        self.R = len(models)
        self.dtype = dtype
        self.act_names = [op[1] for op in ops if op[0] in ("relu", "leaky", "elu", "prelu")]
        # one template is enough: the models share every layer type and shape, and
        # to_module copies every parameter and buffer into it
        self.template = _clone(models[0])

    def forward(self, h: torch.Tensor, *, training: bool, acts: list | None = None) -> torch.Tensor:
        """``h``: (R, n, features) -> logits (R, n, classes); appends activation outputs to ``acts``."""
        P = self.params
        for op in self.ops:
            kind = op[0]
            if kind == "linear":
                w, b = P[op[2]], P[op[2] + 1]
                h = torch.baddbmm(b.unsqueeze(1), h, w.transpose(1, 2))
            elif kind == "bn":
                g, b = P[op[2]], P[op[2] + 1]
                rm, rv = self.buffers[op[3]], self.buffers[op[3] + 1]
                eps, mom = op[4], op[5]
                if training:
                    mean = h.mean(dim=1)
                    var = h.var(dim=1, unbiased=False)
                    with torch.no_grad():
                        n = h.shape[1]
                        rm.mul_(1 - mom).add_(mom * mean.detach())
                        rv.mul_(1 - mom).add_(mom * var.detach() * n / max(n - 1, 1))
                else:
                    mean, var = rm, rv
                h = (h - mean.unsqueeze(1)) / torch.sqrt(var.unsqueeze(1) + eps) * g.unsqueeze(1) + b.unsqueeze(1)
            elif kind == "relu":
                h = torch.relu(h)
            elif kind == "leaky":
                h = nn.functional.leaky_relu(h, op[2])
            elif kind == "elu":
                h = nn.functional.elu(h, op[2])
            elif kind == "prelu":
                a = P[op[2]].unsqueeze(1)  # (R, 1, 1) or (R, 1, features)
                h = torch.where(h >= 0, h, a * h)
            if acts is not None and kind in ("relu", "leaky", "elu", "prelu"):
                acts.append(h.detach())
        return h

    def to_module(self, r: int, dtype: torch.dtype | None = None) -> nn.Sequential:
        """Run ``r`` as an ordinary ``nn.Sequential``, in ``dtype`` (default: that of the models given)."""
        model = _clone(self.template)
        if dtype is not None:
            model = model.to(dtype)
        mods = dict(model.named_children())
        with torch.no_grad():
            for op in self.ops:
                m = mods[op[1]]
                if op[0] in ("linear", "bn"):
                    m.weight.copy_(self.params[op[2]][r])
                    m.bias.copy_(self.params[op[2] + 1][r])
                if op[0] == "bn":
                    m.running_mean.copy_(self.buffers[op[3]][r])
                    m.running_var.copy_(self.buffers[op[3] + 1][r])
                if op[0] == "prelu":
                    m.weight.copy_(self.params[op[2]][r])
        return model


@dataclass(frozen=True)
class SweepResult:
    """What :func:`train_ensemble` / :func:`sweep` recorded, one row per training run.

    Attributes
    ----------
    settings:
        One dict per run (``seed``, ``lr``, ``optimizer`` and the options of the model).
    record_steps:
        Optimizer steps after which the records were taken (0 = at initialization).
    layers:
        Names of the activation layers (``act1``, ``act2``, ...).
    dead:
        One boolean array per layer, shape (runs, records, units): unit never
        positive on the whole training set at that record.
    test_acc:
        (runs, records) test accuracy at every record.
    diverged:
        (runs,) the loss became non-finite (the run was frozen at that step).
    active:
        One array per layer, shape (runs, records, units): share of the
        training examples on which the unit's output is positive.
    first_layer:
        (runs, records, units, inputs + 1) first hidden layer weights and bias
        at every record, if asked for; else ``None``.
    """

    settings: tuple[dict, ...]
    record_steps: np.ndarray
    layers: tuple[str, ...]
    dead: tuple[np.ndarray, ...]
    test_acc: np.ndarray
    diverged: np.ndarray
    active: tuple[np.ndarray, ...] = ()
    first_layer: np.ndarray | None = None
    final: tuple = field(default=(), repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.settings)

    def dead_fraction(self, layer: str | None = None) -> np.ndarray:
        """(runs, records) fraction of dead units in ``layer``, or over all hidden units if ``None``."""
        if layer is None:
            total = sum(d.shape[2] for d in self.dead)
            return sum(d.sum(axis=2) for d in self.dead) / total
        if layer not in self.layers:
            raise ValueError(f"layer must be one of {self.layers}, got {layer!r}")
        return self.dead[self.layers.index(layer)].mean(axis=2)

    def at_end(self, layer: str | None, lr: float | None = None, **where) -> tuple[np.ndarray, np.ndarray]:
        """Per run matching ``lr`` and ``where`` (diverged runs left out): dead share of ``layer`` at the
        end of training (``None``: all hidden units) and test accuracy at the end.

        ``result.at_end("act2", 2.15)`` are the dead shares of act2 and the accuracies of the runs at
        ``lr = 2.15``; other settings filter as in :meth:`select` (``optimizer="adam"``).
        """
        if lr is not None:
            lr = check_scalar_in(lr, "lr", 0.0, 1e6, low_open=True)
        dead = self.dead_fraction(layer)
        runs = [i for i in self.select(**where, **({} if lr is None else {"lr": lr})) if not self.diverged[i]]
        return dead[runs, -1], self.test_acc[runs, -1]

    def whole_layer_dead(self) -> np.ndarray:
        """(runs, records) some hidden layer has every unit dead: the network is constant on the data."""
        return np.any([d.all(axis=2) for d in self.dead], axis=0)

    def revived(self, layer: str, since: int = 1) -> tuple[np.ndarray, np.ndarray]:
        """Per run: units of ``layer`` dead at record ``since``, and how many of them are alive at the last record."""
        if layer not in self.layers:
            raise ValueError(f"layer must be one of {self.layers}, got {layer!r}")
        d = self.dead[self.layers.index(layer)]
        since = check_int_in(since, "since", 0, d.shape[1] - 1)
        dead_then = d[:, since]
        back = dead_then & ~d[:, -1]
        return dead_then.sum(axis=1), back.sum(axis=1)

    def first_layer_after_death(self, since: int = 1) -> tuple[int, int, int]:
        """First-layer units dead at record ``since``: how many, how many of them moved later, how many came back.

        "Moved" means that the unit's weights or bias at some later record
        differ, in any bit, from those at record ``since``; needs
        ``keep_first_layer=True``.
        """
        if self.first_layer is None:
            raise ValueError("train with keep_first_layer=True to keep the first layer's weights")
        d = self.dead[0]
        since = check_int_in(since, "since", 0, d.shape[1] - 1)
        dead_then = d[:, since]  # (runs, units)
        w = self.first_layer  # (runs, records, units, inputs + 1)
        moved = (w[:, since + 1 :] != w[:, since : since + 1]).any(axis=(1, 3))
        back = (~d[:, since + 1 :]).any(axis=1)
        return int(dead_then.sum()), int((dead_then & moved).sum()), int((dead_then & back).sum())

    def subset(self, runs: Sequence[int]) -> "SweepResult":
        """The runs ``runs`` (indices, in that order) as a result of their own."""
        runs = [check_int_in(int(r), "run", 0, len(self) - 1) for r in runs]
        if not runs:
            raise ValueError("runs must not be empty")
        return SweepResult.concat([_slice(self, r, r + 1) for r in runs])

    def select(self, **conditions) -> np.ndarray:
        """Indices of the runs whose settings match every ``key=value``."""
        return np.array(
            [i for i, s in enumerate(self.settings) if all(s.get(k) == v for k, v in conditions.items())], dtype=int
        )

    def model(self, run: int, dtype: torch.dtype | None = None) -> nn.Sequential:
        """The trained network of run ``run`` as an ordinary ``nn.Sequential``.

        In the dtype of the models that were trained (float32 for :func:`sweep`)
        unless ``dtype`` is given: ``torch.float64`` keeps the trained weights exactly.
        """
        run = check_int_in(run, "run", 0, len(self) - 1)
        if dtype not in (None, torch.float32, torch.float64):
            raise ValueError(f"dtype must be None, torch.float32 or torch.float64, got {dtype}")
        for ens, ens_start, count, start in self.final:
            if start <= run < start + count:
                return ens.to_module(ens_start + run - start, dtype)
        raise ValueError("this result keeps no trained weights")

    @staticmethod
    def concat(results: Sequence["SweepResult"]) -> "SweepResult":
        """Join results with the same records and layers."""
        if not results:
            raise ValueError("nothing to join")
        first = results[0]
        for r in results[1:]:
            if r.layers != first.layers or not np.array_equal(r.record_steps, first.record_steps):
                raise ValueError("results must have the same layers and record steps")
        final, offset = [], 0
        for r in results:
            final += [(e, es, c, st + offset) for e, es, c, st in r.final]
            offset += len(r)
        fl = None
        if all(r.first_layer is not None for r in results):
            fl = np.concatenate([r.first_layer for r in results])
        return SweepResult(
            settings=tuple(s for r in results for s in r.settings),
            record_steps=first.record_steps,
            layers=first.layers,
            dead=tuple(np.concatenate([r.dead[i] for r in results]) for i in range(len(first.layers))),
            test_acc=np.concatenate([r.test_acc for r in results]),
            diverged=np.concatenate([r.diverged for r in results]),
            active=tuple(np.concatenate([r.active[i] for r in results]) for i in range(len(first.layers))),
            first_layer=fl,
            final=tuple(final),
        )


def _per_run(lr, R: int, dtype) -> torch.Tensor:
    if isinstance(lr, (int, float, np.integer, np.floating)) and not isinstance(lr, bool):
        lrs = [lr] * R
    else:
        lrs = list(lr)
    if len(lrs) != R:
        raise ValueError(f"lr must be one number or one per model ({R}), got {len(lrs)}")
    return torch.tensor([check_scalar_in(v, "lr", 0.0, 1e6, low_open=True) for v in lrs], dtype=dtype)


def train_ensemble(
    models: Sequence[nn.Sequential],
    split,
    *,
    lr: float | Sequence[float],
    seeds: Sequence[int],
    optimizer: str = "sgd",
    epochs: int = EPOCHS,
    batch_size: int = 64,
    warmup_epochs: float = 0.0,
    dtype: torch.dtype = torch.float64,
    keep_first_layer: bool = False,
    settings: Sequence[dict] | None = None,
    record_epochs: Sequence[int] | None = None,
    clip: float | None = None,
    record_every: int | None = None,
) -> SweepResult:
    """Train ``models`` side by side, each exactly as :func:`relulab.training.train` would.

    Run ``r`` draws its mini-batches from a generator seeded with ``seeds[r]``
    (the same order as ``train(..., seed=seeds[r])``), minimizes the mean
    cross-entropy with plain SGD, SGD with momentum 0.9 or Adam (PyTorch's
    formulas and defaults) at learning rate ``lr[r]``, optionally warmed up
    linearly over ``warmup_epochs``. All runs go through one batched matrix
    product per layer, which is many times faster than training them one by
    one. After every epoch in ``record_epochs`` (default: all; 0 means at
    initialization, and the last epoch is always recorded) it records which
    units are dead on the whole training set, how often each fires, and the
    test accuracy, all in evaluation mode. ``record_every`` (steps) adds a record
    after every that many optimizer steps, to see *when* units die inside an epoch.
    ``clip`` (default: none) rescales each run's gradient, over all its parameters,
    to Euclidean norm at most ``clip`` before the update (global-norm clipping, as
    ``torch.nn.utils.clip_grad_norm_`` applied to each run on its own).
    """
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {optimizer!r}")
    epochs = check_int_in(epochs, "epochs", 1, 10_000)
    batch_size = check_int_in(batch_size, "batch_size", 1, 1_000_000)
    warmup_epochs = check_scalar_in(warmup_epochs, "warmup_epochs", 0.0, float(epochs))
    if dtype not in (torch.float32, torch.float64):
        raise ValueError(f"dtype must be torch.float32 or torch.float64, got {dtype}")
    if clip is not None:
        clip = check_scalar_in(clip, "clip", 0.0, 1e12, low_open=True)
    if record_every is not None:
        record_every = check_int_in(record_every, "record_every", 1, 1_000_000)
    if record_epochs is None:
        record_at = set(range(epochs + 1))
    else:
        record_at = {check_int_in(e, "record_epochs[]", 0, epochs) for e in record_epochs} | {epochs}
    ens = _Ensemble(models, dtype)
    R = ens.R
    seeds = [check_int_in(s, f"seeds[{i}]", 0, 2**32 - 1) for i, s in enumerate(seeds)]
    if len(seeds) != R:
        raise ValueError(f"seeds must give one seed per model ({R}), got {len(seeds)}")
    lrs = _per_run(lr, R, dtype)
    if settings is not None and len(settings) != R:
        raise ValueError(f"settings must give one dict per model ({R}), got {len(settings)}")
    x, y = split.x_train.to(dtype), split.y_train
    xt, yt = split.x_test.to(dtype), split.y_test
    n = x.shape[0]
    steps_per_epoch = math.ceil(n / batch_size)
    warmup_steps = warmup_epochs * steps_per_epoch
    gens = [torch.Generator().manual_seed(s) for s in seeds]
    params = ens.params
    state = [torch.zeros_like(p) for p in params]
    state2 = [torch.zeros_like(p) for p in params] if optimizer == "adam" else []
    live = torch.ones(R, dtype=torch.bool)
    records: list[int] = []
    dead: list[list[np.ndarray]] = []
    active: list[list[np.ndarray]] = []
    accs: list[np.ndarray] = []
    first: list[np.ndarray] = []

    def record(step: int) -> None:
        with torch.no_grad():
            acts: list[torch.Tensor] = []
            ens.forward(x.unsqueeze(0).expand(R, -1, -1), training=False, acts=acts)
            dead.append([(a.amax(dim=1) <= 0).numpy() for a in acts])
            active.append([((a > 0).sum(dim=1) / a.shape[1]).double().numpy() for a in acts])
            logits = ens.forward(xt.unsqueeze(0).expand(R, -1, -1), training=False)
            accs.append((logits.argmax(dim=2) == yt).double().mean(dim=1).numpy())
            if keep_first_layer:
                w, b = params[0], params[1]
                first.append(torch.cat([w, b.unsqueeze(2)], dim=2).numpy().copy())
        records.append(step)

    if 0 in record_at:
        record(0)
    step = 0
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    for epoch in range(1, epochs + 1):
        order = torch.stack([torch.randperm(n, generator=g) for g in gens])
        for i in range(0, n, batch_size):
            idx = order[:, i : i + batch_size]
            logits = ens.forward(x[idx], training=True)
            k = logits.shape[2]
            losses = nn.functional.cross_entropy(
                logits.reshape(-1, k), y[idx].reshape(-1), reduction="none"
            ).reshape(R, -1).mean(dim=1)
            bad = ~torch.isfinite(losses) & live
            if bad.any():
                live &= ~bad
            frozen = not bool(live.all())
            total = torch.where(live, losses, 0.0).sum() if frozen else losses.sum()
            grads = torch.autograd.grad(total, params)
            if clip is not None:
                norms = torch.sqrt(sum((g.reshape(R, -1) ** 2).sum(dim=1) for g in grads))
                factor = torch.clamp(clip / (norms + 1e-6), max=1.0)
                grads = [g * factor.view((-1,) + (1,) * (g.ndim - 1)) for g in grads]
            step += 1
            scale = min(1.0, step / warmup_steps) if warmup_steps > 0 else 1.0
            lr_now = torch.where(live, lrs * scale, 0.0)
            with torch.no_grad():
                for j, (p, g) in enumerate(zip(params, grads)):
                    view = (-1,) + (1,) * (p.ndim - 1)
                    if frozen:
                        g = torch.where(live.view(view), g, 0.0)
                    if optimizer == "sgd":
                        update = g
                    elif optimizer == "momentum":
                        state[j].mul_(0.9).add_(g)
                        update = state[j]
                    else:
                        state[j].mul_(beta1).add_(g, alpha=1 - beta1)
                        state2[j].mul_(beta2).addcmul_(g, g, value=1 - beta2)
                        bc1, bc2 = 1 - beta1**step, 1 - beta2**step
                        update = (state[j] / bc1) / ((state2[j].sqrt() / math.sqrt(bc2)) + eps)
                    p.sub_(lr_now.view(view) * update)
            if record_every is not None and step % record_every == 0 and not (i + batch_size >= n and epoch in record_at):
                record(step)
        if epoch in record_at:
            record(step)
    base = [dict(s) for s in settings] if settings is not None else [{} for _ in range(R)]
    for s, seed, lr_r in zip(base, seeds, lrs.tolist()):
        s.setdefault("seed", seed)
        s.setdefault("lr", lr_r)
        s.setdefault("optimizer", optimizer)
    return SweepResult(
        settings=tuple(base),
        record_steps=np.array(records),
        layers=tuple(ens.act_names),
        dead=tuple(np.stack([d[i] for d in dead], axis=1) for i in range(len(ens.act_names))),
        test_acc=np.stack(accs, axis=1),
        diverged=(~live).numpy(),
        active=tuple(np.stack([a[i] for a in active], axis=1) for i in range(len(ens.act_names))),
        first_layer=np.stack(first, axis=1) if keep_first_layer else None,
        final=((ens, 0, R, 0),),
    )


#: Options of a setting that shape the model (see :func:`make_model`).
_MODEL_KEYS = ("activation", "init", "weight_scale", "bias", "batchnorm", "killed")
#: Options of a setting that shape the training (``label`` only names the setting in tables).
_TRAIN_KEYS = ("lr", "optimizer", "warmup_epochs", "label", "clip")


def sweep(
    settings: Sequence[Mapping[str, object]],
    seeds: Sequence[int],
    *,
    split=None,
    epochs: int = EPOCHS,
    batch_size: int = 64,
    dtype: torch.dtype = torch.float64,
    keep_first_layer: bool = False,
    record_epochs: Sequence[int] | None = None,
    record_every: int | None = None,
) -> SweepResult:
    """Train every setting with every seed; runs are ordered setting by setting, seeds inside.

    A setting is a dict with ``lr`` (required) and any of ``optimizer``
    (default ``"sgd"``), ``warmup_epochs``, ``clip`` (gradient clipping, see :func:`train_ensemble`),
    ``label`` (a name for tables), and the options of
    :func:`make_model` (``activation``, ``init``, ``weight_scale``, ``bias``,
    ``batchnorm``, ``killed``). Settings that share an architecture, an
    optimizer and a warm-up are trained together in one batched model
    (:func:`train_ensemble`, which also explains ``record_epochs``). ``split``
    defaults to :func:`relulab.data.digits`.
    """
    from .data import digits

    seeds = check_seeds(seeds)
    if not settings:
        raise ValueError("settings must not be empty")
    clean = []
    for i, s in enumerate(settings):
        if not isinstance(s, Mapping):
            raise TypeError(f"settings[{i}] must be a dict, got {type(s).__name__}")
        unknown = set(s) - set(_MODEL_KEYS) - set(_TRAIN_KEYS)
        if unknown:
            raise ValueError(f"settings[{i}] has unknown keys {sorted(unknown)}; allowed: {_MODEL_KEYS + _TRAIN_KEYS}")
        if "lr" not in s:
            raise ValueError(f"settings[{i}] needs a learning rate 'lr'")
        clean.append({"optimizer": "sgd", "warmup_epochs": 0.0, **s})
    split = digits() if split is None else split
    groups: dict[tuple, list[int]] = {}
    for i, s in enumerate(clean):
        key = (s.get("activation", "relu"), bool(s.get("batchnorm", False)), s["optimizer"], float(s["warmup_epochs"]),
               s.get("clip"))
        groups.setdefault(key, []).append(i)
    parts: dict[int, tuple[SweepResult, int]] = {}
    for (_, _, opt, warm, clip), members in groups.items():
        models, lrs, run_seeds, run_settings = [], [], [], []
        for i in members:
            s = clean[i]
            kw = {k: s[k] for k in _MODEL_KEYS if k in s}
            for seed in seeds:
                models.append(make_model(seed=seed, **kw))
                lrs.append(s["lr"])
                run_seeds.append(seed)
                run_settings.append({**s, "seed": seed})
        res = train_ensemble(
            models, split, lr=lrs, seeds=run_seeds, optimizer=opt, epochs=epochs, batch_size=batch_size,
            warmup_epochs=warm, dtype=dtype, keep_first_layer=keep_first_layer, settings=run_settings,
            record_epochs=record_epochs, clip=clip, record_every=record_every,
        )  # fmt: skip
        for j, i in enumerate(members):
            parts[i] = (res, j * len(seeds))
    # put the runs back in the order of the settings
    pieces = []
    for i in range(len(clean)):
        res, start = parts[i]
        pieces.append(_slice(res, start, start + len(seeds)))
    return SweepResult.concat(pieces)


def _slice(res: SweepResult, a: int, b: int) -> SweepResult:
    final = []
    for e, es, c, st in res.final:  # keep the part of each ensemble that falls in [a, b)
        lo, hi = max(a, st), min(b, st + c)
        if lo < hi:
            final.append((e, es + lo - st, hi - lo, lo - a))
    final = tuple(final)
    return SweepResult(
        settings=res.settings[a:b],
        record_steps=res.record_steps,
        layers=res.layers,
        dead=tuple(d[a:b] for d in res.dead),
        test_acc=res.test_acc[a:b],
        diverged=res.diverged[a:b],
        active=tuple(x[a:b] for x in res.active),
        first_layer=None if res.first_layer is None else res.first_layer[a:b],
        final=final,
    )


def _runs_where(result: SweepResult, where: Mapping[str, object] | None) -> np.ndarray:
    if where is None:
        return np.arange(len(result))
    if not isinstance(where, Mapping):
        raise TypeError(f"where must be a dict of setting values, got {type(where).__name__}")
    return result.select(**where)


def summarize(
    result: SweepResult, key: str, *, record: int = -1, where: Mapping[str, object] | None = None
) -> list[dict]:
    """Mean and standard deviation over seeds of each value of setting ``key``, in order of first appearance.

    Each row: ``{key: value, "runs": n, "dead": {layer: (mean, std)}, "dead_all": (mean, std),
    "acc": (mean, std), "diverged": count}`` at record ``record`` (default: the end),
    over the runs whose settings match ``where`` (all by default).
    Diverged runs are left out of the means.
    """
    if not isinstance(result, SweepResult):
        raise TypeError(f"result must be a SweepResult, got {type(result).__name__}")
    runs = _runs_where(result, where)
    if runs.size == 0:
        raise ValueError(f"no run matches {where}")
    values = []
    for i in runs:
        s = result.settings[i]
        if key not in s:
            raise ValueError(f"setting key {key!r} is not in every run; keys: {sorted(s)}")
        if s[key] not in values:
            values.append(s[key])
    rows = []
    for v in values:
        idx = np.array([i for i in runs if result.settings[i][key] == v])
        ok = idx[~result.diverged[idx]]
        row: dict = {key: v, "runs": int(idx.size), "diverged": int(idx.size - ok.size)}

        def ms(a: np.ndarray) -> tuple[float, float]:
            return (float(a.mean()), float(a.std())) if a.size else (float("nan"), float("nan"))

        row["dead"] = {layer: ms(result.dead_fraction(layer)[ok, record]) for layer in result.layers}
        row["dead_all"] = ms(result.dead_fraction()[ok, record])
        row["acc"] = ms(result.test_acc[ok, record])
        rows.append(row)
    return rows


def setting_label(key: str, value: object) -> object:
    """How a table shows the value of setting ``key``: an optimizer's name in the current language
    (``"sgd"`` -> ``"SGD"`` in Italian); other values as they are."""
    if not isinstance(key, str):
        raise TypeError(f"key must be a setting name (str), got {type(key).__name__}")
    if key == "optimizer" and f"dying.optv.{value}" in _keys():
        return t(f"dying.optv.{value}")
    return value


def summary_table(
    result: SweepResult,
    key: str,
    *,
    columns: Sequence[str] | None = None,
    where: Mapping[str, object] | None = None,
    labels: Mapping[object, str] | None = None,
) -> str:
    """A printed table, one row per value of setting ``key``, mean ± std over seeds.

    ``columns`` (default: dead fraction of every layer at the end, test
    accuracy, diverged runs) are among ``"dead:<layer>"`` (at the end),
    ``"dead0:<layer>"`` (at initialization), ``"active:<layer>"`` /
    ``"active0:<layer>"`` (mean share of training examples on which a unit
    fires, at the end / at initialization), ``"acc"`` and ``"diverged"``;
    ``"dead:network"`` / ``"dead0:network"`` is the dead share of all hidden units.
    ``labels`` renames the values of ``key``. Diverged runs are left out of
    the means and counted in ``"diverged"``; a cell whose mean leaves runs out says over how many
    (``(n=1)``). "±" is the standard deviation over seeds, the spread of single runs.
    """
    from .tables import format_table

    if not isinstance(result, SweepResult):
        raise TypeError(f"result must be a SweepResult, got {type(result).__name__}")
    if columns is None:
        columns = [f"dead:{layer}" for layer in result.layers] + ["dead:network", "acc", "diverged"]
    runs = _runs_where(result, where)
    if runs.size == 0:
        raise ValueError(f"no run matches {where}")
    values = []
    for i in runs:
        if key not in result.settings[i]:
            raise ValueError(f"setting key {key!r} is not in every run; keys: {sorted(result.settings[i])}")
        if result.settings[i][key] not in values:
            values.append(result.settings[i][key])
    headers = [t(f"dying.key.{key}") if f"dying.key.{key}" in _keys() else key]
    getters = []
    for col in columns:
        kind, _, layer = col.partition(":")
        if kind in ("dead", "dead0") and layer == "network":
            rec = 0 if kind.endswith("0") else -1
            headers.append(t(f"dying.col.{kind}", layer=t("dying.network")))
            getters.append((result.dead_fraction()[:, rec], 2))
        elif kind in ("dead", "dead0", "active", "active0"):
            if layer not in result.layers:
                raise ValueError(f"column {col!r}: layer must be one of {result.layers}")
            rec = 0 if kind.endswith("0") else -1
            li = result.layers.index(layer)
            if kind.startswith("dead"):
                q = result.dead[li][:, rec].mean(axis=1)
            else:
                q = result.active[li][:, rec].mean(axis=1)
            headers.append(t(f"dying.col.{kind}", layer=layer))
            getters.append((q, 3 if kind.startswith("active") else 2))
        elif col == "acc":
            headers.append(t("dying.test_acc"))
            getters.append((result.test_acc[:, -1], 2))
        elif col == "diverged":
            headers.append(t("dying.diverged"))
            getters.append(None)
        else:
            raise ValueError(f"unknown column {col!r}; use dead:<layer>, dead:network, dead0:<layer>, active:<layer>, active0:<layer>, acc, diverged")
    rows = []
    for v in values:
        idx = np.array([i for i in runs if result.settings[i][key] == v])
        ok = idx[~result.diverged[idx]]
        cells: list[object] = [labels.get(v, str(v)) if labels else setting_label(key, v)]
        for q in getters:
            if q is None:
                cells.append(f"{idx.size - ok.size}/{idx.size}")
            elif ok.size == 0:
                cells.append("-")
            else:
                q, d = q
                text = f"{q[ok].mean():.{d}f} ± {q[ok].std():.{d}f}"
                # runs were left out (diverged): say over how many the mean and sd are taken
                cells.append(text if ok.size == idx.size else f"{text} (n={ok.size})")
        rows.append(cells)
    return format_table(rows, headers, digits=3)


def revival_table(result: SweepResult, key: str = "optimizer", *, since: int = 1,
                  labels: Mapping[object, str] | None = None) -> str:
    """A printed table, one row per value of ``key``, summed over seeds: units dead at record ``since``
    and how many of them are alive at the end, per layer; and, if the first layer's weights were kept,
    how many of its dead units moved afterwards (:meth:`SweepResult.first_layer_after_death`)."""
    from .tables import format_table

    values = []
    for s_ in result.settings:
        if key not in s_:
            raise ValueError(f"setting key {key!r} is not in every run")
        if s_[key] not in values:
            values.append(s_[key])
    headers = [t(f"dying.key.{key}") if f"dying.key.{key}" in _keys() else key]
    for layer in result.layers:
        headers += [t("dying.col.died", layer=layer), t("dying.col.back", layer=layer)]
    if result.first_layer is not None:
        headers.append(t("dying.col.moved", layer=result.layers[0]))
    rows = []
    for v in values:
        sub = result.subset(result.select(**{key: v}))
        cells: list[object] = [labels.get(v, str(v)) if labels else setting_label(key, v)]
        for layer in sub.layers:
            dead_then, back = sub.revived(layer, since)
            cells += [int(dead_then.sum()), int(back.sum())]
        if sub.first_layer is not None:
            cells.append(sub.first_layer_after_death(since)[1])
        rows.append(cells)
    return format_table(rows, headers)


def side_by_side(results: Mapping[str, SweepResult], quantity: str = "dead") -> str:
    """A printed table: one row per learning rate, one column per result (e.g. per optimizer), mean ± std of ``quantity``."""
    from .tables import format_table

    if not results:
        raise ValueError("results must not be empty")
    curves = {name: curve(r, "lr", quantity) for name, r in results.items()}
    lrs = next(iter(curves.values()))[0]
    for name, (x, _) in curves.items():
        if not np.array_equal(x, lrs):
            raise ValueError(f"{name!r} was run at other learning rates")
    rows = [[lr] + [f"{runs[:, j].mean():.2f} ± {runs[:, j].std():.2f}" for _, runs in curves.values()]
            for j, lr in enumerate(lrs)]
    return format_table(rows, [t("dying.lr")] + list(results), digits=3)


def collapse_table(results: Sequence[SweepResult]) -> str:
    """Runs grouped by "some hidden layer entirely dead" or not: how many, their test accuracy (mean, min, max)."""
    from .tables import format_table

    acc, whole = [], []
    for r in results:
        ok = ~r.diverged
        acc.append(r.test_acc[ok, -1])
        whole.append(r.whole_layer_dead()[ok, -1])
    acc, whole = np.concatenate(acc), np.concatenate(whole)
    rows = []
    for key, mask in [("dying.no_layer_dead", ~whole), ("dying.whole_layer_dead", whole)]:
        a = acc[mask]
        rows.append([t(key), int(mask.sum())] + ([f"{a.mean():.2f}", f"{a.min():.2f}", f"{a.max():.2f}"] if a.size else ["-"] * 3))
    headers = [t("dying.group"), t("dying.runs"), t("dying.test_acc"), t("dying.min"), t("dying.max")]
    return format_table(rows, headers)


def born_dead_check(one: Sequence[BornDead], many: Sequence[BornDead], cases: Sequence[tuple[int, int]]) -> str:
    """A printed table comparing :func:`born_dead_probability` with Monte Carlo at one input and on many.

    ``one`` and ``many`` are results of :func:`born_dead_monte_carlo` (any order);
    ``cases`` lists ``(width, depth)`` pairs. ``z`` is (Monte Carlo - formula) / standard error.
    """
    from .tables import format_table

    by_one = {r.width: r for r in one}
    by_many = {r.width: r for r in many}
    rows = []
    for width, depth in cases:
        if width not in by_one or width not in by_many:
            raise ValueError(f"no Monte Carlo result for width {width}")
        a, b = by_one[width], by_many[width]
        if not 1 <= depth <= a.depths[-1] or depth > b.depths[-1]:
            raise ValueError(f"depth {depth} is beyond the Monte Carlo runs")
        p = born_dead_probability(width, depth)
        se = math.sqrt(p * (1 - p) / a.n_nets)
        z = (a.p[depth - 1] - p) / se if se > 0 else float("nan")
        rows.append([width, depth, f"{p:.3f}", f"{a.p[depth - 1]:.3f} ± {a.se[depth - 1]:.3f}", f"{z:+.1f}",
                     f"{b.p[depth - 1]:.3f} ± {b.se[depth - 1]:.3f}"])
    n = next(iter(many)).n_inputs
    headers = [t("dying.width_short"), t("dying.depth_short"), t("dying.formula"), t("dying.mc_one"), "z",
               t("dying.mc_data", n=n)]
    return format_table(rows, headers)


def plot_collapse(results: Sequence[SweepResult], ax):
    """Test accuracy against the fraction of dead hidden units, one point per run of ``results``.

    Runs in which some hidden layer died entirely (the network is constant on
    the training set) are drawn as crosses; diverged runs are left out.
    """
    from .plotting import series_style

    dead, acc, whole = [], [], []
    for r in results:
        ok = ~r.diverged
        dead.append(r.dead_fraction()[ok, -1])
        acc.append(r.test_acc[ok, -1])
        whole.append(r.whole_layer_dead()[ok, -1])
    dead, acc, whole = np.concatenate(dead), np.concatenate(acc), np.concatenate(whole)
    for i, (mask, key, marker) in enumerate([(~whole, "dying.no_layer_dead", "o"), (whole, "dying.whole_layer_dead", "x")]):
        style = series_style(2 * i)
        ax.scatter(dead[mask], acc[mask], s=16, marker=marker, color=style["color"], alpha=0.7,
                   label=f"{t(key)} ({int(mask.sum())})")
    ax.set(xlabel=t("dying.dead_frac_all"), ylabel=t("dying.test_acc"), xlim=(-0.03, 1.03), ylim=(0, 1))
    ax.legend(loc="upper right", fontsize=8)
    return ax


def _keys() -> list[str]:
    from .i18n import keys

    return keys()


def curve(result: SweepResult, key: str, quantity: str = "dead", *, record: int = -1,
          where: Mapping[str, object] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``(values, runs)``: the values of setting ``key`` and a (seeds, values) array of ``quantity``.

    ``quantity`` is ``"dead"`` (all hidden units), ``"dead:<layer>"`` or ``"acc"``;
    every value of ``key`` must have the same number of runs (one per seed).
    Ready for :func:`relulab.plotting.plot_mean_spread`.
    """
    runs = _runs_where(result, where)
    values = []
    for i in runs:
        v = result.settings[i].get(key)
        if v not in values:
            values.append(v)
    if quantity == "acc":
        q = result.test_acc[:, record]
    elif quantity == "dead":
        q = result.dead_fraction()[:, record]
    elif quantity.startswith("dead:"):
        q = result.dead_fraction(quantity[5:])[:, record]
    else:
        raise ValueError(f"quantity must be 'dead', 'dead:<layer>' or 'acc', got {quantity!r}")
    cols = [q[[i for i in runs if result.settings[i].get(key) == v]] for v in values]
    if len({c.size for c in cols}) != 1:
        raise ValueError("every value of the key needs the same number of runs")
    return np.array(values), np.stack(cols, axis=1)


def plot_vs_lr(result: SweepResult, quantity: str, ax, *, label: str, index: int = 0,
               where: Mapping[str, object] | None = None):
    """Mean ± std over seeds of ``quantity`` (see :func:`curve`) against the learning rate, log axis."""
    from .plotting import plot_mean_spread

    x, runs = curve(result, "lr", quantity, where=where)
    plot_mean_spread(ax, x, runs, label=label, index=index)
    ax.set_xscale("log")
    ax.set_xlabel(t("dying.lr"))
    ax.set_ylabel(t("dying.test_acc") if quantity == "acc" else t("dying.dead_frac"))
    return ax


def plot_dead_over_steps(result: SweepResult, lrs: Sequence[float], ax, *, layer: str | None = None):
    """Dead fraction (``layer``, or all hidden units) against training step, one band per learning rate;
    the y axis names the layer."""
    from .plotting import plot_mean_spread

    frac = result.dead_fraction(layer)
    for i, lr in enumerate(lrs):
        idx = result.select(lr=lr)
        if idx.size == 0:
            raise ValueError(f"no run with lr={lr}")
        plot_mean_spread(ax, result.record_steps, frac[idx], label=localize_numbers(f"lr = {lr:.3g}"), index=i)
    ylabel = t("dying.dead_frac") if layer is None else f"{t('dying.dead_frac')}, {t('dying.layer', name=layer)}"
    ax.set(xlabel=t("dying.step"), ylabel=ylabel)
    return ax


def plot_born_dead_maps(widths: Sequence[int], depths: Sequence[int], maps: Sequence[tuple[str, np.ndarray]], axes):
    """One panel per ``(title, P[depth, width])`` map: grey levels from 0 (white) to 1 (black), contour at 0.5."""
    widths, depths = np.asarray(widths), np.asarray(depths)
    image = None
    for ax, (title, p) in zip(axes, maps):
        p = np.asarray(p, dtype=float)
        if p.shape != (depths.size, widths.size):
            raise ValueError(f"each map must have shape (depths, widths) = {(depths.size, widths.size)}, got {p.shape}")
        image = ax.pcolormesh(widths, depths, p, cmap="Greys", vmin=0.0, vmax=1.0, shading="nearest")
        cs = ax.contour(widths, depths, p, levels=[0.5], colors=["#E69F00"], linewidths=2)
        ax.clabel(cs, fmt="0.5", fontsize=8)
        ax.set(title=title, xlabel=t("dying.width"))
        ax.grid(False)
    axes[0].set_ylabel(t("dying.depth"))
    return image


def plot_born_dead_comparison(one: Sequence[BornDead], many: Sequence[BornDead], axes):
    """Three maps of P(born dead) over width and depth (see :func:`plot_born_dead_maps`), titled in the
    current language: the formula, the Monte Carlo estimate at one input (``one``) and on many inputs
    (``many``), each a list of :func:`born_dead_monte_carlo` results, one per width, in the same order and
    with the same depths; one colour bar for the three. Returns the image of the last map."""
    for name, runs in (("one", one), ("many", many)):
        if isinstance(runs, (str, bytes)) or not isinstance(runs, Sequence) or not runs or \
                not all(isinstance(r, BornDead) for r in runs):
            raise TypeError(f"{name} must be a non-empty sequence of BornDead (born_dead_monte_carlo), got {runs!r}")
    if [r.width for r in one] != [r.width for r in many] or \
            any(not np.array_equal(r.depths, one[0].depths) for r in (*one, *many)):
        raise ValueError(f"one and many must have the same widths and depths, got widths {[r.width for r in one]} "
                         f"and {[r.width for r in many]}")
    if isinstance(axes, (str, bytes)) or len(axes) != 3:
        raise ValueError(f"axes must hold three matplotlib axes, got {axes!r}")
    widths, depths = [r.width for r in one], one[0].depths
    exact = np.array([[born_dead_probability(n, d) for n in widths] for d in depths])
    maps = [(t("dying.formula"), exact),
            (t("dying.mc_one"), np.stack([m.p for m in one], axis=1)),
            (t("dying.mc_data", n=many[0].n_inputs), np.stack([m.p for m in many], axis=1))]
    image = plot_born_dead_maps(widths, depths, maps, axes)
    axes[0].figure.colorbar(image, ax=list(axes), label=t("dying.p_dead"))
    return image


# --------------------------------------------------------------------------- born dead


def born_dead_probability(widths: int | Sequence[int], depth: int | None = None) -> float:
    """``1 - prod_l (1 - 2**-N_l)``: the chance that some hidden layer outputs all zeros at a given input.

    ``widths`` is the list of hidden widths ``N_1, ..., N_D``, or one width
    repeated ``depth`` times. For weights (and biases, if any) drawn
    independently from continuous distributions symmetric about zero, each
    unit's pre-activation at a fixed input ``x != 0`` is positive with
    probability 1/2, independently of the other units of its layer, given the
    layer below; a layer is all zeros with probability ``2**-N``. This is
    exact for one input and an upper bound on the probability of being born
    dead on any data set holding that input (a network whose layer is zero on
    every example is constant there). It tends to 1 as the depth grows at a
    fixed width, as Lu, Shin, Su & Karniadakis (2020) prove.
    """
    if isinstance(widths, (int, np.integer)) and not isinstance(widths, bool):
        if depth is None:
            raise ValueError("give depth when widths is one number")
        widths = [int(widths)] * check_int_in(depth, "depth", 1, 100_000)
    elif isinstance(widths, (str, bytes)) or not isinstance(widths, (Sequence, np.ndarray)):
        raise TypeError(
            f"widths must be an integer (with depth) or a sequence of integers, got {type(widths).__name__} {widths!r}"
        )
    elif depth is not None:
        raise ValueError(f"give depth only when widths is one integer; got widths={widths!r} and depth={depth!r}")
    widths = [check_int_in(w, f"widths[{i}]", 1, 100_000) for i, w in enumerate(widths)]
    if not widths:
        raise ValueError("widths must not be empty")
    log_alive = sum(math.log1p(-(0.5**w)) for w in widths)
    return -math.expm1(log_alive)


@dataclass(frozen=True)
class BornDead:
    """Monte Carlo estimate of P(born dead) at depths 1..max_depth for one width."""

    width: int
    depths: np.ndarray
    p: np.ndarray  # fraction of networks with a layer that is zero on every input
    se: np.ndarray  # standard error sqrt(p (1 - p) / n_nets)
    n_nets: int
    n_inputs: int


@torch.no_grad()
def born_dead_monte_carlo(
    width: int,
    max_depth: int,
    x: torch.Tensor | np.ndarray,
    *,
    n_nets: int = 1000,
    seed: int = 0,
    weights: str = "he",
    bias_std: float = 0.0,
    chunk: int = 500,
) -> BornDead:
    """Draw ``n_nets`` random ReLU networks of width ``width`` and find the first layer that is zero on all of ``x``.

    The networks are evaluated together with batched matrix products, in
    float64; one pass gives every depth up to ``max_depth`` (a network of
    depth ``D`` is born dead if one of its first ``D`` hidden layers is zero
    on every input). ``weights``: ``"he"`` (normal, variance 2/fan-in) or
    ``"uniform"`` (symmetric uniform with the same variance); ``bias_std``:
    standard deviation of normal biases (0 = no bias).
    """
    width = check_int_in(width, "width", 1, 4096)
    max_depth = check_int_in(max_depth, "max_depth", 1, 10_000)
    n_nets = check_int_in(n_nets, "n_nets", 1, 10_000_000)
    seed = check_int_in(seed, "seed", 0, 2**32 - 1)
    chunk = check_int_in(chunk, "chunk", 1, 10_000_000)
    bias_std = check_scalar_in(bias_std, "bias_std", 0.0, 1e6)
    if weights not in ("he", "uniform"):
        raise ValueError(f"weights must be 'he' or 'uniform', got {weights!r}")
    if isinstance(x, torch.Tensor):
        check_finite_tensor(x, "x")
    else:
        x = check_finite_array(x, "x", min_size=1)
    x = torch.as_tensor(np.asarray(x) if not isinstance(x, torch.Tensor) else x, dtype=torch.float64)
    if x.ndim == 1:
        x = x.unsqueeze(0)
    if x.ndim != 2 or x.shape[0] == 0:
        raise ValueError(f"x must be a (n_inputs, features) array with n_inputs >= 1, got shape {tuple(x.shape)}")
    gen = torch.Generator().manual_seed(seed)

    def draw(b: int, fan_out: int, fan_in: int) -> torch.Tensor:
        std = math.sqrt(2.0 / fan_in)
        if weights == "he":
            return torch.randn(b, fan_out, fan_in, generator=gen, dtype=torch.float64) * std
        half = std * math.sqrt(3.0)
        return (torch.rand(b, fan_out, fan_in, generator=gen, dtype=torch.float64) * 2 - 1) * half

    first_dead = []
    for start in range(0, n_nets, chunk):
        b = min(chunk, n_nets - start)
        dead_at = torch.full((b,), max_depth + 1, dtype=torch.long)
        h = x.unsqueeze(0).expand(b, -1, -1)
        for layer in range(1, max_depth + 1):
            w = draw(b, width, h.shape[2])
            z = torch.bmm(h, w.transpose(1, 2))
            if bias_std > 0:
                z = z + torch.randn(b, 1, width, generator=gen, dtype=torch.float64) * bias_std
            h = torch.relu(z)
            zero = (h == 0).flatten(1).all(dim=1)
            dead_at = torch.where(zero & (dead_at > max_depth), layer, dead_at)
        first_dead.append(dead_at)
    dead_at = torch.cat(first_dead).numpy()
    depths = np.arange(1, max_depth + 1)
    p = (dead_at[None, :] <= depths[:, None]).mean(axis=1)
    return BornDead(width, depths, p, np.sqrt(p * (1 - p) / n_nets), n_nets, int(x.shape[0]))


# --------------------------------------------------------------------------- gradients


def _loss_grads(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> dict[str, torch.Tensor]:
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    check_inputs_fit(model, x, "x")
    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    check_labels(y, "y", x.shape[0], linears[-1].out_features if linears else None)
    was = model.training
    model.eval()
    try:
        model.zero_grad(set_to_none=True)
        nn.functional.cross_entropy(model(x), y).backward()
        return {n: p.grad.detach().clone() if p.grad is not None else torch.zeros_like(p) for n, p in model.named_parameters()}
    finally:
        model.zero_grad(set_to_none=True)
        model.train(was)


def unit_gradient_norms(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> dict[str, np.ndarray]:
    """For every ``Linear`` layer, the norm of the gradient of each unit's incoming weights and bias.

    The loss is the mean cross-entropy over ``(x, y)`` (the whole data set in
    one batch, evaluation mode). A unit dead on ``x`` gets exactly 0.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    if not any(isinstance(m, nn.Linear) for m in model.modules()):
        raise ValueError("model has no Linear layer")
    grads = _loss_grads(model, x, y)
    out = {}
    for name, m in model.named_modules():
        if isinstance(m, nn.Linear):
            g = grads[f"{name}.weight"]
            sq = (g**2).sum(dim=1)
            if m.bias is not None:
                sq = sq + grads[f"{name}.bias"] ** 2
            out[name] = sq.sqrt().double().numpy()
    return out


def layer_gradient_norms(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> dict[str, float]:
    """For every ``Linear`` layer, the norm of the gradient of all its weights and bias (see :func:`unit_gradient_norms`)."""
    return {name: float(np.sqrt((g**2).sum())) for name, g in unit_gradient_norms(model, x, y).items()}


# --------------------------------------------------------------------------- issue 18: denominators and remedies


def validation_split(split, *, fraction: float = 0.2, seed: int = 0):
    """``split`` with a held-out validation set in place of its test set, to choose learning rates on.

    The last ``round(fraction * n)`` examples of a seeded permutation of the training set become
    the "test" set of the returned :class:`relulab.data.Split`; the real test set is not used.
    """
    from .data import Split

    fraction = check_scalar_in(fraction, "fraction", 0.0, 0.5, low_open=True)
    seed = check_int_in(seed, "seed", 0, 2**32 - 1)
    if not isinstance(split, Split):
        raise TypeError(f"split must be a relulab.data.Split, got {type(split).__name__}")
    n = int(split.x_train.shape[0])
    k = int(round(fraction * n))
    if not 1 <= k <= n - 1:
        raise ValueError(f"fraction={fraction!r} leaves no training or no validation example out of {n}")
    order = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    tr, va = order[: n - k], order[n - k :]
    return Split(split.x_train[tr], split.y_train[tr], split.x_train[va], split.y_train[va])


def _interval(values) -> dict:
    from .stats import summarize

    v = [float(x) for x in values]
    if len(v) < 2:
        m = v[0] if v else float("nan")
        return {"mean": m, "low": m, "high": m, "n": len(v)}
    s = summarize(v)
    return {"mean": s.mean, "low": s.low, "high": s.high, "n": s.n}


def dead_shares(result: SweepResult, runs: Sequence[int], *, record: int = -1) -> dict:
    """Dead share of every hidden layer and of the whole network (all hidden units) for ``runs``.

    Returns ``{level: [share per run]}`` with levels ``act1``, ``act2``, ... and ``network``;
    ``record`` picks the record (default: the last), ``"peak"`` the largest share over all records.
    """
    runs = [check_int_in(int(r), "runs[]", 0, len(result) - 1) for r in runs]
    out = {}
    for level in (*result.layers, "network"):
        f = result.dead_fraction(None if level == "network" else level)[runs]
        out[level] = (f.max(axis=1) if record == "peak" else f[:, record]).tolist()
    return out


def forty_percent_summary(result: SweepResult, *, target: float = 0.4) -> dict:
    """The "40% dead" test at both denominators: per learning rate, the dead share of every layer and of the network.

    For every learning rate of ``result`` (diverged runs left out, and counted): the mean dead
    share at the end of training with its 95% t interval over seeds, per layer and for the
    network (all hidden units), and whether the interval contains ``target``.
    """
    target = check_scalar_in(target, "target", 0.0, 1.0)
    rows = []
    for lr in sorted({float(s["lr"]) for s in result.settings}):
        every = result.select(lr=lr)
        runs = [int(i) for i in every if not result.diverged[i]]
        row = {"lr": lr, "n": len(runs), "excluded": len(every) - len(runs)}
        if runs:
            for level, shares in dead_shares(result, runs).items():
                iv = _interval(shares)
                iv["contains"] = bool(iv["low"] <= target <= iv["high"])
                row[level] = iv
        rows.append(row)
    levels = [*result.layers, "network"]
    largest = {lv: max(r[lv]["mean"] for r in rows if lv in r) for lv in levels}
    return {"target": target, "levels": levels, "rows": rows, "largest_mean": largest}


@experiment(
    "ch4-forty-percent",
    book={"seeds": 5, "lrs": [float(x) for x in np.logspace(-2, 1, 10)], "epochs": EPOCHS},
    full={"seeds": 20, "lrs": [round(float(x), 4) for x in np.logspace(-1, 1, 13)], "epochs": 10},
    depends=(forty_percent_summary, dead_shares, _interval, sweep, train_ensemble, make_model, _Ensemble),
)
def forty_percent(seeds: int, lrs: Sequence[float], epochs: int) -> dict:
    """Plain SGD at every rate of ``lrs``, seeds ``0 .. seeds-1``: :func:`forty_percent_summary` of the runs."""
    seeds = check_int_in(seeds, "seeds", 2, 1000)
    if not lrs:
        raise ValueError("lrs must name at least one learning rate")
    result = sweep([{"lr": float(lr)} for lr in lrs], list(range(seeds)), epochs=epochs)
    return forty_percent_summary(result)


#: The remedies of :func:`remedies`: a name and the options of :func:`make_model` it changes.
REMEDY_ARMS: dict[str, dict] = {
    "relu": {},
    "he": {"init": "he"},
    "rai": {"init": "rai"},
    "leaky": {"activation": "leaky_relu"},
    "prelu": {"activation": "prelu"},
    "elu": {"activation": "elu"},
}


def _test_accuracy(result: SweepResult, run: int, split) -> float:
    model = result.model(run, dtype=torch.float64)
    model.eval()
    with torch.no_grad():
        pred = model(split.x_test.to(torch.float64)).argmax(dim=1)
    return float((pred == split.y_test).double().mean())


def remedies_analysis(grid: SweepResult, clipped: SweepResult | None, split, *, arms: Sequence[str],
                      lrs: Sequence[float], seeds: Sequence[int], trains: float = 0.8) -> dict:
    """Matched stability and matched tuning for the remedies (see :func:`remedies`)."""
    from .stats import compare

    trains = check_scalar_in(trains, "trains", 0.0, 1.0)
    out: dict = {"arms": list(arms), "lrs": [float(x) for x in lrs], "seeds": list(seeds), "trains": trains,
                 "record_steps": grid.record_steps.tolist()}
    per_arm: dict = {}
    for arm in arms:
        table = []
        for lr in lrs:
            idx = grid.select(label=arm, lr=float(lr))
            ok = ~grid.diverged[idx]
            val = grid.test_acc[idx, -1]
            table.append({"lr": float(lr), "diverged": int((~ok).sum()), "val_acc": _interval(val[ok]) if ok.any() else None,
                          "dead": {k: _interval(v) for k, v in dead_shares(grid, idx[ok]).items()} if ok.any() else None})
        # per seed: the largest rate at which that seed trains (no divergence, validation accuracy >= trains)
        largest = []
        for s in seeds:
            good = [float(lr) for lr in lrs
                    for i in grid.select(label=arm, lr=float(lr), seed=s)
                    if not grid.diverged[i] and grid.test_acc[i, -1] >= trains]
            largest.append(max(good) if good else None)  # None: this seed trains at no rate of the grid
        # matched stability: every seed at the largest rate at which every seed of the arm trains
        stable = [float(lr) for lr, row in zip(lrs, table)
                  if row["diverged"] == 0 and min(grid.test_acc[grid.select(label=arm, lr=float(lr)), -1]) >= trains]
        lr_stable = max(stable) if stable else None
        # matched tuning: the rate with the best mean validation accuracy among those where no seed diverges
        usable = [(row["val_acc"]["mean"], row["lr"]) for row in table if row["diverged"] == 0]
        lr_tuned = max(usable)[1] if usable else None
        entry = {"table": table, "largest_trains": largest, "lr_stable": lr_stable, "lr_tuned": lr_tuned}
        if lr_stable is not None:
            idx = grid.select(label=arm, lr=lr_stable)
            entry["stable_dead_end"] = dead_shares(grid, idx)
            entry["stable_dead_peak"] = dead_shares(grid, idx, record="peak")
        if lr_tuned is not None:
            idx = grid.select(label=arm, lr=lr_tuned)
            entry["tuned_test_acc"] = [_test_accuracy(grid, int(i), split) for i in idx]
            entry["tuned_dead_end"] = dead_shares(grid, idx)
        per_arm[arm] = entry
    out["per_arm"] = per_arm
    comps = {}
    base = per_arm.get("relu")
    for arm in arms:
        if arm == "relu" or base is None:
            continue
        e = per_arm[arm]
        c: dict = {}
        if None not in e["largest_trains"] and None not in base["largest_trains"]:
            a_l, b_l = np.log10(e["largest_trains"]), np.log10(base["largest_trains"])
            cmp = compare(a_l.tolist(), b_l.tolist(), names=(arm, "relu"))
            c["log10_largest_rate"] = {"mean": cmp.mean, "low": cmp.low, "high": cmp.high, "n": cmp.n}
        if "tuned_test_acc" in e and "tuned_test_acc" in base:
            cmp = compare(e["tuned_test_acc"], base["tuned_test_acc"], names=(arm, "relu"))
            c["tuned_test_acc"] = {"mean": cmp.mean, "low": cmp.low, "high": cmp.high, "n": cmp.n}
        comps[arm] = c
    out["vs_relu"] = comps
    if clipped is not None:
        clip_out = {}
        for label in dict.fromkeys(s["label"] for s in clipped.settings):
            idx = clipped.select(label=label)
            ok = idx[~clipped.diverged[idx]]
            clip_out[label] = {"n": len(ok), "excluded": len(idx) - len(ok),
                               "test_acc": clipped.test_acc[ok, -1].tolist(),
                               "dead_end": dead_shares(clipped, ok) if len(ok) else None,
                               "dead_peak": dead_shares(clipped, ok, record="peak") if len(ok) else None}
        out["clipped"] = clip_out
    return out


@experiment(
    "ch4-remedies",
    book={"seeds": 5, "arms": ["relu", "rai", "leaky"], "lrs": [0.631, 1.0, 1.585, 2.512],
          "epochs": EPOCHS, "clip": 1.0, "shared_lr": 2.154, "record_every": 10},
    full={"seeds": 20, "arms": list(REMEDY_ARMS), "lrs": [0.398, 0.631, 1.0, 1.585, 2.512, 3.981],
          "epochs": EPOCHS, "clip": 1.0, "shared_lr": 2.154, "record_every": 5},
    depends=(remedies_analysis, validation_split, dead_shares, _interval, _test_accuracy, sweep, train_ensemble,
             make_model, rai_init, _Ensemble),
)
def remedies(seeds: int, arms: Sequence[str], lrs: Sequence[float], epochs: int, clip: float | None,
             shared_lr: float, record_every: int | None) -> dict:
    """The dying-ReLU remedies at matched stability and at matched tuning, plus all of them with gradient clipping.

    1. Every arm of ``arms`` (keys of :data:`REMEDY_ARMS`) is trained with plain SGD at every rate
       of ``lrs`` on 80% of the training digits; the other 20% is the validation set that picks
       the rates (the test set is only used for the accuracy at the chosen rate).
       *Matched stability*: each arm at the largest rate at which every seed trains (no
       divergence, validation accuracy at least 0.8), and per seed the largest such rate
       (compared with ReLU's, paired by seed, in log10). *Matched tuning*: each arm at the rate
       with the best mean validation accuracy, where no seed diverged.
    2. If ``clip`` is given, every arm and unclipped ReLU at ``shared_lr`` on the whole training set,
       with each run's gradient clipped to norm ``clip``: no arm can take a step longer than
       ``shared_lr * clip``.
    Dead shares are recorded every ``record_every`` steps (and per layer and for the network).
    """
    from .data import digits

    seeds = list(range(check_int_in(seeds, "seeds", 2, 1000)))
    unknown = [a for a in arms if a not in REMEDY_ARMS]
    if unknown or not arms:
        raise ValueError(f"arms must be a non-empty list of {list(REMEDY_ARMS)}, got {list(arms)!r}")
    if "relu" not in arms:
        raise ValueError(f"arms must include 'relu', the baseline, got {list(arms)!r}")
    if not lrs:
        raise ValueError("lrs must name at least one learning rate")
    split = digits()
    tv = validation_split(split)
    grid = sweep([{**REMEDY_ARMS[a], "lr": float(lr), "label": a} for a in arms for lr in lrs], seeds, split=tv,
                 epochs=epochs, record_every=record_every)
    clipped = None
    if clip is not None:
        settings = [{**REMEDY_ARMS[a], "lr": float(shared_lr), "clip": float(clip), "label": f"{a}+clip"} for a in arms]
        settings.append({"lr": float(shared_lr), "label": "relu"})
        clipped = sweep(settings, seeds, split=split, epochs=epochs, record_every=record_every)
    out = remedies_analysis(grid, clipped, split, arms=arms, lrs=lrs, seeds=seeds)
    out.update({"clip": clip, "shared_lr": float(shared_lr), "epochs": epochs})
    return out


def forty_percent_table(book: Mapping, full: Mapping | None = None, *, lrs: Sequence[float] | None = None) -> str:
    """A printed table of :func:`forty_percent_summary` results: per learning rate and denominator, mean [95% t interval] n.

    ``full`` (a recorded full-scale result) adds a column; rows are the rates of ``book``
    (or ``lrs``); the full-scale column shows the recorded rate nearest to each.
    """
    from .i18n import number
    from .tables import format_table

    rows = []
    for row in book["rows"]:
        if lrs is not None and not any(abs(row["lr"] - float(x)) <= 1e-3 * float(x) for x in lrs):
            continue
        near = None
        if full is not None:
            near = min(full["rows"], key=lambda r: abs(math.log(r["lr"] / row["lr"])))
        for level in book["levels"]:
            name = t("dying.network") if level == "network" else level
            cells = [number(row["lr"], 3), name, interval_text(row.get(level), 2, with_n=True)]
            if full is not None:
                cells.append(f"η = {number(near['lr'], 3)}: {interval_text(near.get(level), 2, with_n=True)}")
            rows.append(cells)
    headers = [t("dying.lr"), t("dying.level"), t("dying.book_scale")] + ([t("dying.full_scale")] if full else [])
    return format_table(rows, headers)


def one_neuron_table(steps: Mapping[float, OneNeuronStep]) -> str:
    """A printed table of :func:`one_neuron_step` results, one row per learning rate: share of points on
    which the neuron is active before and after the step, loss before and after, largest gradient after."""
    from .tables import format_table

    if not isinstance(steps, Mapping) or not steps or not all(isinstance(v, OneNeuronStep) for v in steps.values()):
        raise TypeError(f"steps must be a non-empty mapping learning rate -> OneNeuronStep, got {type(steps).__name__}")
    rows = [[lr, s.active_before, s.active_after, s.loss_before, s.loss_after, np.abs(s.grad_after).max()]
            for lr, s in steps.items()]
    keys = ["dying.lr", "dying.h.active_before", "dying.h.active_after", "dying.h.loss_before",
            "dying.h.loss_after", "dying.h.grad_after"]
    return format_table(rows, [t(k) for k in keys])


def remedies_report(book: Mapping, full: Mapping) -> str:
    """Both scales of a :func:`remedies` result, each under its title with its number of seeds:
    :func:`remedies_table` and :func:`clipped_table` of the live book scale, then of the recorded full scale."""
    parts = []
    for name, (title, res) in (("book", (t("dying.book_scale"), book)), ("full", (t("dying.full_scale"), full))):
        if not isinstance(res, Mapping) or not {"seeds", "arms", "clipped"} <= set(res):
            raise TypeError(f"{name} must be the result dict of dying.remedies (keys seeds, arms, clipped...), got {type(res).__name__}")
        parts.append(f"{title}: {len(res['seeds'])} seeds\n{remedies_table(res)}\n{clipped_table(res)}\n")
    return "\n".join(parts)


def remedies_table(result: Mapping) -> str:
    """A printed table of a :func:`remedies` result: per arm, the largest rate at which every seed trains,
    the tuned rate, and the paired differences from ReLU (mean [95% t interval] n)."""
    from .i18n import number
    from .tables import format_table

    rows = []
    for arm in result["arms"]:
        e = result["per_arm"][arm]
        c = result["vs_relu"].get(arm, {})
        rows.append([t(f"dying.fix.{arm}") if f"dying.fix.{arm}" in _keys() else arm,
                     "-" if e["lr_stable"] is None else number(e["lr_stable"], 3),
                     "-" if e["lr_tuned"] is None else number(e["lr_tuned"], 3),
                     interval_text(c.get("log10_largest_rate"), 2, with_n=True),
                     interval_text(c.get("tuned_test_acc"), 3, with_n=True)])
    headers = [t("dying.arm"), t("dying.largest_rate"), t("dying.tuned_rate"), t("dying.vs_relu_rate"), t("dying.vs_relu_acc")]
    return format_table(rows, headers)


def clipped_table(result: Mapping) -> str:
    """A printed table of the gradient-clipping part of a :func:`remedies` result: dead shares per layer and
    for the network at the end, peak dead share of act2 over the records, test accuracy; mean [95% t interval] n."""
    from .i18n import number
    from .tables import format_table

    rows = []
    for label, e in result["clipped"].items():
        arm, _, clip = label.partition("+")
        name = t(f"dying.fix.{arm}") if f"dying.fix.{arm}" in _keys() else arm
        lr = number(result["shared_lr"], 2)
        title = (t("dying.clip_row", arm=name, lr=lr, clip=number(result["clip"], 1)) if clip
                 else t("dying.noclip_row", arm=name, lr=lr))
        if not e["n"]:
            rows.append([title, "-", "-", "-", "-", "-", f"{e['excluded']}"])
            continue
        ivs = [e["dead_end"]["act1"], e["dead_end"]["act2"], e["dead_end"]["network"], e["dead_peak"]["act2"], e["test_acc"]]
        rows.append([title, *(interval_text(_interval(v), 2, with_n=True) for v in ivs), f"{e['excluded']}"])
    headers = [t("dying.key.fix"), t("dying.col.dead", layer="act1"), t("dying.col.dead", layer="act2"),
               t("dying.col.dead", layer=t("dying.network")), t("dying.peak_act2"), t("dying.test_acc"), t("dying.diverged")]
    return format_table(rows, headers)
