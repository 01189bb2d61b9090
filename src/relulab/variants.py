"""Experiments of the chapter on the ReLU family: what each variant fixes and what it costs.

* :class:`SeedBatchMLP` trains one small MLP per seed *at once* (stacked
  weights, batched matrix products): five seeds cost little more than one.
  Every member of :data:`relulab.activations.FAMILY` plugs in, Maxout and
  CReLU included (they change the width the next layer sees).
* SELU: :func:`selu_constants` derives α and λ from the fixed-point
  equations, :func:`selu_moment_map` is the layer-to-layer map of mean and
  variance, :func:`deep_forward_stats` measures mean and variance layer by
  layer in a deep network (initialization and dropout varied).
* :func:`prelu_slopes` trains PReLU networks and returns the learned slopes
  per channel, with and without weight decay on the slopes.
* :func:`leaky_recovery` kills units on purpose and measures whether a
  negative slope brings them back, with SGD and with Adam.
* :func:`compare` trains every variant on the digits in a given network
  (accuracy, dead units, parameters, time per epoch as a ratio to ReLU
  measured in the same process).
* :func:`maxout_pieces`, :func:`two_sided_forward` and :func:`crelu_forward`
  are the small constructions of the Maxout and CReLU sections.

Functions return plain data; the ``plot_*`` functions draw it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from . import activations as A
from ._checks import (
    check_callable,
    check_finite_array,
    check_finite_tensor,
    check_flag,
    check_int_in,
    check_int_list,
    check_range,
    check_scalar_in,
    check_seeds,
    check_sequence,
)
from .data import Split, digits
from .i18n import localize_numbers, register, t
from .plotting import series_style, subplots
from .replication import experiment
from .training import _Optimizer

__all__ = [
    "INITS",
    "second_moment",
    "family_rows",
    "family_headers",
    "SeedBatchMLP",
    "dead_fraction",
    "TrainResult",
    "train_seeds",
    "selu_constants",
    "selu_moment_map",
    "selu_variance_iterates",
    "LayerStats",
    "deep_forward_stats",
    "trained_layer_stats",
    "PReLUSlopes",
    "prelu_slopes",
    "Recovery",
    "leaky_recovery",
    "gelu_tanh_gap",
    "maxout_pieces",
    "maxout_param_count",
    "two_sided_forward",
    "crelu_forward",
    "two_sided_weight_count",
    "Comparison",
    "compare",
    "comparison_rows",
    "plot_family",
    "plot_layer_stats",
    "plot_selu_map",
    "plot_prelu_slopes",
    "plot_recovery",
    "plot_comparison",
]

register(
    {
        "variants.layer": {"en": "layer", "it": "strato"},
        "variants.mean": {"en": "mean of the activations", "it": "media delle attivazioni"},
        "variants.var": {"en": "variance of the activations", "it": "varianza delle attivazioni"},
        "variants.nu_in": {"en": "variance $\\nu$ entering a layer", "it": "varianza $\\nu$ in ingresso a uno strato"},
        "variants.nu_out": {"en": "variance leaving it", "it": "varianza in uscita"},
        "variants.identity": {"en": "no change ($\\tilde\\nu = \\nu$)", "it": "nessun cambiamento ($\\tilde\\nu = \\nu$)"},
        "variants.map": {"en": "SELU layer", "it": "strato SELU"},
        "variants.iterates": {"en": "layer after layer", "it": "strato dopo strato"},
        "variants.slope": {"en": "learned negative slope $a$", "it": "pendenza negativa appresa $a$"},
        "variants.channels": {"en": "channels (units)", "it": "canali (unità)"},
        "variants.epoch": {"en": "epoch", "it": "epoca"},
        "variants.revived": {"en": "killed units active again", "it": "unità uccise di nuovo attive"},
        "variants.test_acc": {"en": "test accuracy (%)", "it": "accuratezza sul test (%)"},
        "variants.dead": {"en": "dead or near-dead units (%)", "it": "unità morte o quasi (%)"},
        "variants.variant": {"en": "variant", "it": "variante"},
        "variants.params": {"en": "parameters", "it": "parametri"},
        "variants.time_ratio": {"en": "time/epoch ÷ ReLU", "it": "tempo/epoca ÷ ReLU"},
        "variants.acc_pm": {"en": "accuracy % (mean ± sd)", "it": "accuratezza % (media ± d.s.)"},
        "variants.min_acc": {"en": "worst seed %", "it": "seed peggiore %"},
        "variants.dead_pct": {"en": "dead %", "it": "morte %"},
        "variants.function": {"en": "function", "it": "funzione"},
        "variants.derivative": {"en": "derivative", "it": "derivata"},
        "variants.wd_none": {"en": "no weight decay", "it": "senza weight decay"},
        "variants.wd_all": {"en": "weight decay on every parameter", "it": "weight decay su tutti i parametri"},
        "variants.wd_weights": {"en": "weight decay, slopes exempt", "it": "weight decay, pendenze escluse"},
        "variants.net_wide": {"en": "MLP 64-32-32-10", "it": "MLP 64-32-32-10"},
        "variants.net_deep": {"en": "deep narrow MLP", "it": "MLP profondo e stretto"},
        "variants.name": {"en": "name", "it": "nome"},
        "variants.init_he": {"en": "he", "it": "He"},
        "variants.init_lecun": {"en": "lecun", "it": "LeCun"},
        "variants.init_gain": {"en": "gain", "it": "guadagno"},
        "variants.init_default": {"en": "default", "it": "predefinita"},
        "variants.dropout_standard": {"en": "standard dropout", "it": "dropout ordinario"},
        "variants.dropout_alpha": {"en": "alpha dropout", "it": "alpha dropout"},
        "variants.nu_after": {"en": "ν after {n} layers", "it": "ν dopo {n} strati"},
        "variants.selu_units": {"en": "{depth} x {width} SELU units:", "it": "{depth} x {width} unità SELU:"},
        "variants.prelu_learned": {"en": "PReLU (learned, from 0.25):", "it": "PReLU (appresa, partendo da 0,25):"},
        "variants.defaults": {"en": "parameters (PyTorch default)", "it": "parametri (predefiniti in PyTorch)"},
        "variants.f0": {"en": "f(0)", "it": "f(0)"},
        "variants.df0": {"en": "f'(0) in PyTorch", "it": "f'(0) in PyTorch"},
        "variants.smooth": {"en": "smooth (C¹)", "it": "liscia (C¹)"},
        "variants.monotonic": {"en": "monotonic", "it": "monotona"},
        "variants.neg_out": {"en": "negative outputs", "it": "uscite negative"},
        "variants.year": {"en": "year", "it": "anno"},
        "variants.yes": {"en": "yes", "it": "sì"},
        "variants.no": {"en": "no", "it": "no"},
        "variants.none": {"en": "none", "it": "nessuno"},
        "variants.check_ok": {"en": "{n} variants: values and derivatives agree with PyTorch",
                              "it": "{n} varianti: valori e derivate coincidono con PyTorch"},
        "variants.optimizer": {"en": "optimizer", "it": "ottimizzatore"},
        "variants.tuned_lr": {"en": "tuned rate", "it": "learning rate scelto"},
        "variants.acc_shared": {"en": "accuracy % at {lr}", "it": "accuratezza % a {lr}"},
        "variants.acc_tuned": {"en": "accuracy %, tuned", "it": "accuratezza %, learning rate scelto"},
        "variants.gain_tuned": {"en": "− ReLU, tuned (points)", "it": "− ReLU, learning rate scelto (punti)"},
        "variants.book_scale": {"en": "book scale (live): {seeds} seeds, {epochs} epochs",
                                "it": "scala del libro (dal vivo): {seeds} seed, {epochs} epoche"},
        "variants.full_scale": {"en": "full scale (recorded {date}, {wall} s): {seeds} seeds, {epochs} epochs",
                                "it": "scala piena (registrata il {date}, {wall} s): {seeds} seed, {epochs} epoche"},
        "variants.setting_shared": {"en": "shared rate", "it": "learning rate comune"},
        "variants.setting_tuned": {"en": "tuned rates", "it": "learning rate scelti"},
        "variants.back_pct": {"en": "% back after {epochs} epochs", "it": "% tornate dopo {epochs} epoche"},
        "variants.acc_short": {"en": "test acc. %", "it": "acc. test %"},
        "variants.killed": {"en": "killed units per network: {k} of {n}; seeds {seeds}",
                            "it": "unità uccise per rete: {k} su {n}; seed {seeds}"},
        "variants.decay_on": {"en": "weight decay", "it": "weight decay"},
        "variants.slope_layer": {"en": "slope a, layer {i}", "it": "pendenza a, strato {i}"},
        "variants.small_slopes": {"en": "% a < 0.05", "it": "% a < 0,05"},
        "variants.slope_range": {"en": "min … max of a", "it": "min … max di a"},
        "variants.training": {"en": "training", "it": "addestramento"},
        "variants.evaluation": {"en": "evaluation", "it": "valutazione"},
        "variants.rrelu_paper": {"en": "test slope in the paper, 1/5.5", "it": "pendenza di test nell'articolo, 1/5,5"},
        "variants.rrelu_mean_inv": {"en": "mean of 1/a for a ~ U(3, 8), ln(8/3)/5", "it": "media di 1/a per a ~ U(3, 8), ln(8/3)/5"},
        "variants.rrelu_torch": {"en": "PyTorch's evaluation slope, 11/48", "it": "pendenza di valutazione di PyTorch, 11/48"},
        "variants.derived": {"en": "derived", "it": "ricavate"},
        "variants.setting": {"en": "setting", "it": "impostazione"},
        "variants.mean_at": {"en": "mean at layer {layer}", "it": "media allo strato {layer}"},
        "variants.var_at": {"en": "variance at layer {layer}", "it": "varianza allo strato {layer}"},
        "variants.var_median": {"en": "variance (median of {n} seeds)", "it": "varianza (mediana di {n} seed)"},
        "variants.formula": {"en": "formula", "it": "formula"},
        "variants.module_count": {"en": "count in nn.Module", "it": "conteggio in nn.Module"},
        "variants.vs_relu": {"en": "vs ReLU layer", "it": "rispetto a uno strato ReLU"},
        "variants.next_weights": {"en": "weights to the next layer", "it": "pesi verso lo strato successivo"},
        "variants.network": {"en": "network", "it": "rete"},
        "variants.ratio": {"en": "ratio", "it": "rapporto"},
        "variants.delta_vs_relu": {"en": "Δ accuracy vs ReLU (points)", "it": "Δ accuratezza vs ReLU (punti)"},
        "variants.seeds_better": {"en": "seeds better than ReLU (of {n})", "it": "seed migliori della ReLU (su {n})"},
        "variants.params_net": {"en": "parameters, {net}", "it": "parametri, {net}"},
        "variants.time_net": {"en": "time ÷ ReLU, {net}", "it": "tempo ÷ ReLU, {net}"},
        "variants.relu_net": {"en": "ReLU network", "it": "rete ReLU"},
        "variants.short_wide": {"en": "MLP", "it": "MLP"},
        "variants.short_deep": {"en": "deep", "it": "profonda"},
    }
)

#: Initializations of :class:`SeedBatchMLP`: normal with variance ``2/fan_in`` (He),
#: ``1/fan_in`` (LeCun), ``1/(fan_in E[f(z)^2])`` with ``z ~ N(0, 1)`` ("gain": the
#: variance-preserving choice for the activation ``f``, see :func:`second_moment`), or
#: PyTorch's default ``Linear`` (uniform, variance ``1/(3 fan_in)``).
INITS: tuple[str, ...] = ("he", "lecun", "gain", "default")


def second_moment(key: str, **params) -> float:
    """``E[f(z)^2]`` for ``z ~ N(0, 1)``: what one layer of activation ``f`` does to a unit second moment.

    He et al. (2015) derived their initialization from it: weights of
    variance ``1/(fan_in E[f(z)^2])`` keep the second moment of the
    pre-activations from layer to layer at initialization — ``2/fan_in`` for
    ReLU (``E = 1/2``), ``2/((1 + a^2) fan_in)`` for Leaky ReLU/PReLU of slope
    ``a``, ``1/fan_in`` (LeCun) for SELU (``E = 1`` by construction) and for
    two-piece Maxout (``E[max(z1, z2)^2] = 1``). CReLU's two outputs have
    ``E = 1/2`` each. RReLU uses its evaluation slope. Computed by quadrature,
    once per key and parameters (a chapter asks for the same ones many times).
    """
    spec = A.get(key)
    p = {**spec.defaults, **params}
    try:
        memo_key = (key, tuple(sorted((k, type(v), v) for k, v in p.items())))
        if memo_key in _SECOND_MOMENTS:
            return _SECOND_MOMENTS[memo_key]
    except TypeError:  # a parameter that cannot be a dictionary key: compute, do not remember
        memo_key = None
    z = np.linspace(-12.0, 12.0, 48_001)
    phi = np.exp(-0.5 * z**2) / math.sqrt(2 * math.pi)
    if key == "maxout":
        from scipy.special import ndtr

        k = check_int_in(p["k"], "k", 1, 64)
        density = k * phi * ndtr(z) ** (k - 1)  # density of the max of k standard normals
        value = float(np.trapezoid(z**2 * density, z))
    elif key == "crelu":
        value = 0.5
    else:
        f = spec.np_fn(z, **p) if key != "rrelu" else A.rrelu_np(z, p["lower"], p["upper"])
        value = float(np.trapezoid(f**2 * phi, z))
    if memo_key is not None:
        _SECOND_MOMENTS[memo_key] = value
    return value


#: Values of :func:`second_moment` already computed, by key and parameters.
_SECOND_MOMENTS: dict[tuple, float] = {}


def family_rows(keys: Sequence[str] | None = None) -> list[list[object]]:
    """One row per variant: name, parameters, f(0) and f'(0) *as PyTorch computes them now*, shape, year.

    f(0) and f'(0) come from calling the ``torch.nn.functional`` counterpart
    (float64) and its autograd at exactly 0, not from the documentation; for
    Maxout and CReLU, which have no PyTorch function and no single value at 0,
    they are left empty.
    """
    yes = lambda b: t("variants.yes") if b else t("variants.no")  # noqa: E731
    rows = []
    for k in _check_keys(keys, "keys") if keys is not None else A.keys():
        s = A.get(k)
        params = ", ".join(f"{n}={v:.4g}" if isinstance(v, float) else f"{n}={v}" for n, v in s.defaults.items())
        if k == "selu":
            params = f"α={A.SELU_ALPHA:.4f}, λ={A.SELU_SCALE:.4f}"
        if s.reference is not None:
            z = torch.zeros(1, dtype=torch.float64, requires_grad=True)
            y = s.reference(z, **s.defaults)
            (g,) = torch.autograd.grad(y.sum(), z)
            f0, df0 = float(y.detach()), float(g)
        else:
            f0, df0 = "-", "-"
        rows.append([s.name, params or t("variants.none"), f0, df0, yes(s.smooth), yes(s.monotonic),
                     yes(s.negative_outputs), s.year])
    return rows


def family_headers() -> list[str]:
    """Translated headers of :func:`family_rows`."""
    return [t(f"variants.{k}") for k in ("name", "defaults", "f0", "df0", "smooth", "monotonic", "neg_out", "year")]


# --------------------------------------------------------------------------- a batch of MLPs, one per seed


def _activation_fn(key: str, params: dict) -> tuple:
    """(function of a pre-activation tensor, pieces per unit, outputs per unit) for a registry key."""
    spec = A.get(key)
    p = {**spec.defaults, **params}
    if key == "relu":
        return torch.relu, 1, 1
    if key == "maxout":
        k = check_int_in(p["k"], "k", 1, 16)
        return (lambda z: z.unflatten(-1, (z.shape[-1] // k, k)).amax(dim=-1)), k, 1
    if key == "crelu":
        return (lambda z: torch.cat([torch.relu(z), torch.relu(-z)], dim=-1)), 1, 2
    if key == "squared_relu":
        return (lambda z: torch.relu(z) ** 2), 1, 1
    if key in ("prelu", "rrelu"):
        return None, 1, 1  # handled by the module (learned slopes / training mode)
    ref = spec.reference
    return (lambda z: ref(z, **p)), 1, 1



def _check_key(key: object, name: str) -> str:
    """``key`` if it names an activation of :mod:`relulab.activations`, else ``ValueError`` naming ``name``."""
    if not isinstance(key, str):
        raise TypeError(f"{name} must be an activation key (a string, see relulab.activations.keys()), got {key!r}")
    if key not in A.keys():
        raise KeyError(f"unknown activation {key!r} for {name}; known: {', '.join(A.keys())}")
    return key


def _check_keys(keys: object, name: str) -> list[str]:
    """``keys`` as a non-empty list of activation keys, else ``TypeError``/``ValueError`` naming ``name``."""
    keys = check_sequence(keys, name)
    for i, k in enumerate(keys):
        _check_key(k, f"{name}[{i}]")
    return keys

class SeedBatchMLP(nn.Module):
    """``len(seeds)`` independent MLPs with the same architecture, evaluated together.

    The weights of layer ``i`` form one tensor of shape ``(S, fan_in, fan_out)``
    and a forward pass is one ``torch.baddbmm`` per layer; seed ``s``'s network
    is initialized from ``torch.Generator().manual_seed(s)``, so its results do
    not depend on which other seeds share the batch.

    Parameters
    ----------
    widths:
        Input size, hidden widths (units), output size.
    activation:
        A key of :data:`relulab.activations.FAMILY`. Maxout's units have
        ``k`` pieces each (the ``Linear`` before it has ``k`` times the
        outputs); CReLU's units have two outputs (the next ``Linear`` has
        twice the inputs). PReLU learns one slope per unit (channel-wise,
        initialized at ``a``); RReLU draws slopes in training mode only.
    seeds:
        One network per seed.
    init:
        One of :data:`INITS`.
    params:
        Parameters of the activation (defaults: PyTorch's).
    dtype:
        ``torch.float64`` (default: printed results reproducible to the last
        digit shown) or ``torch.float32``.
    """

    def __init__(
        self,
        widths: Sequence[int],
        activation: str = "relu",
        seeds: Sequence[int] = (0,),
        *,
        init: str = "he",
        params: dict | None = None,
        dtype: torch.dtype = torch.float64,
    ):
        super().__init__()
        widths = check_int_list(widths, "widths", 1, 100_000)
        if len(widths) < 3:
            raise ValueError(f"widths needs input, at least one hidden width and output, got {widths}")
        _check_key(activation, "activation")
        if params is not None and not isinstance(params, dict):
            raise TypeError(f"params must be None or a dict of activation parameters, got {type(params).__name__}")
        if init not in INITS:
            raise ValueError(f"init must be one of {INITS}, got {init!r}")
        if dtype not in (torch.float32, torch.float64):
            raise ValueError(f"dtype must be torch.float32 or torch.float64, got {dtype}")
        self.seeds = check_seeds(seeds)
        self.key = A.get(activation).key
        self.params = {**A.get(activation).defaults, **(params or {})}
        self.act, self.pieces, self.outs = _activation_fn(self.key, self.params)
        self.widths = widths
        self.init = init
        gain2 = 1.0 / second_moment(self.key, **(params or {})) if init == "gain" else None
        S = len(self.seeds)
        gens = [torch.Generator().manual_seed(s) for s in self.seeds]
        self.weights = nn.ParameterList()
        self.biases = nn.ParameterList()
        self.slopes = nn.ParameterList()
        fan_in = widths[0]
        n_layers = len(widths) - 1
        for i, w in enumerate(widths[1:]):
            hidden = i < n_layers - 1
            fan_out = w * self.pieces if hidden else w
            W = torch.stack([self._draw(g, fan_in, fan_out, init, dtype, gain2) for g in gens])
            if init == "default":
                b = torch.stack([(torch.rand(1, fan_out, generator=g, dtype=dtype) * 2 - 1) / math.sqrt(fan_in) for g in gens])
            else:
                b = torch.zeros(S, 1, fan_out, dtype=dtype)
            self.weights.append(nn.Parameter(W))
            self.biases.append(nn.Parameter(b))
            if hidden and self.key == "prelu":
                a = check_scalar_in(self.params["a"], "a", -1e3, 1e3)
                self.slopes.append(nn.Parameter(torch.full((S, 1, w), a, dtype=dtype)))
            fan_in = w * self.outs if hidden else w

    @staticmethod
    def _draw(g: torch.Generator, fan_in: int, fan_out: int, init: str, dtype, gain2: float | None = None) -> torch.Tensor:
        if init == "gain":
            return torch.randn(fan_in, fan_out, generator=g, dtype=dtype) * math.sqrt(gain2 / fan_in)
        if init == "he":
            return torch.randn(fan_in, fan_out, generator=g, dtype=dtype) * math.sqrt(2.0 / fan_in)
        if init == "lecun":
            return torch.randn(fan_in, fan_out, generator=g, dtype=dtype) * math.sqrt(1.0 / fan_in)
        return (torch.rand(fan_in, fan_out, generator=g, dtype=dtype) * 2 - 1) / math.sqrt(fan_in)

    @property
    def n_seeds(self) -> int:
        return len(self.seeds)

    def activation(self, z: torch.Tensor, layer: int) -> torch.Tensor:
        """The activation of hidden layer ``layer`` applied to its pre-activations ``z`` (shape ``(S, B, n)``)."""
        if self.key == "prelu":
            return torch.where(z > 0, z, self.slopes[layer] * z)
        if self.key == "rrelu":
            return F.rrelu(z, self.params["lower"], self.params["upper"], training=self.training)
        return self.act(z)

    def forward(self, x: torch.Tensor, *, keep: list | None = None) -> torch.Tensor:
        """Logits of shape ``(S, B, classes)`` for ``x`` of shape ``(S, B, in)`` or ``(B, in)``.

        If ``keep`` is a list, the pre-activations of every hidden layer are appended to it.
        """
        h = x if x.dim() == 3 else x.expand(self.n_seeds, *x.shape)
        last = len(self.weights) - 1
        for i, (W, b) in enumerate(zip(self.weights, self.biases)):
            h = torch.baddbmm(b, h.to(W.dtype), W)
            if i < last:
                if keep is not None:
                    keep.append(h)
                h = self.activation(h, i)
        return h

    def parameters_per_seed(self) -> int:
        """Number of trainable numbers in one seed's network."""
        return sum(p.numel() for p in self.parameters()) // self.n_seeds


@dataclass
class TrainResult:
    """What :func:`train_seeds` measured, one entry per seed (``acc``, ``dead``) or per epoch (``epoch_seconds``)."""

    key: str
    seeds: list[int]
    test_acc: np.ndarray
    train_acc: np.ndarray
    dead: np.ndarray
    epoch_seconds: list[float]
    params: int
    diverged: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))


@torch.no_grad()
def _accuracy(model: SeedBatchMLP, x: torch.Tensor, y: torch.Tensor) -> np.ndarray:
    was = model.training
    model.eval()
    try:
        out = model(x)
        return (out.argmax(-1) == y).double().mean(dim=1).numpy()
    finally:
        model.train(was)


def dead_fraction(model: SeedBatchMLP, x: torch.Tensor, *, tol: float = 1e-3, share: float = 0.01) -> np.ndarray:
    """Share of hidden pre-activation units (per seed) through which almost no gradient flows.

    A unit (for Maxout: a piece) counts as dead or near-dead when the
    derivative of the layer's output with respect to its pre-activation is
    below ``tol`` in absolute value on all but at most ``share`` of the
    inputs ``x``. For ReLU that is "(almost) never positive"; for Leaky ReLU
    (slope 0.01 > tol) it never happens; for ELU it needs inputs below
    ln(tol) ≈ −6.9 almost everywhere. Evaluation mode (RReLU at its mean slope).
    """
    if not isinstance(model, SeedBatchMLP):
        raise TypeError(f"model must be a SeedBatchMLP, got {type(model).__name__}")
    check_finite_tensor(x, "x")
    if x.numel() == 0:
        raise ValueError(f"x must hold at least one example, got shape {tuple(x.shape)}")
    tol = check_scalar_in(tol, "tol", 0.0, 1.0, low_open=True)
    share = check_scalar_in(share, "share", 0.0, 1.0)
    was = model.training
    model.eval()
    try:
        pre: list[torch.Tensor] = []
        with torch.no_grad():
            model(x, keep=pre)
        dead, total = np.zeros(model.n_seeds), 0
        for i, z in enumerate(pre):
            z = z.detach().requires_grad_(True)
            out = model.activation(z, i)
            (g,) = torch.autograd.grad(out.sum(), z)
            live = (g.abs() >= tol).double().mean(dim=1)  # (S, units): share of inputs with gradient
            dead += (live <= share).double().sum(dim=1).numpy()
            total += z.shape[-1]
        return dead / total
    finally:
        model.train(was)


class _Groups:
    """Several :class:`training._Optimizer` s stepped as one, as ``torch.optim`` steps its parameter groups."""

    def __init__(self, optimizers: list[_Optimizer]):
        self.optimizers = optimizers

    def zero_grad(self) -> None:
        for opt in self.optimizers:
            opt.zero_grad()

    def step(self) -> None:
        for opt in self.optimizers:
            opt.step()


class _Trainer:
    """The training loop of :func:`train_seeds`, one epoch at a time (so several can be interleaved)."""

    def __init__(self, model, data, *, optimizer, lr, batch_size, weight_decay, decay_slopes, order_seed_offset):
        if not isinstance(model, SeedBatchMLP):
            raise TypeError(f"model must be a SeedBatchMLP, got {type(model).__name__}")
        if optimizer not in ("adam", "sgd", "momentum"):
            raise ValueError(f"optimizer must be 'adam', 'sgd' or 'momentum', got {optimizer!r}")
        lr = check_scalar_in(lr, "lr", 0.0, 100.0, low_open=True)
        self.batch_size = check_int_in(batch_size, "batch_size", 1, 1_000_000)
        weight_decay = check_scalar_in(weight_decay, "weight_decay", 0.0, 10.0)
        self.model, self.data = model, data
        self.dtype = model.weights[0].dtype
        self.x, self.y = data.x_train.to(self.dtype), data.y_train
        slopes = list(model.slopes)
        others = [p for p in model.parameters() if all(p is not s for s in slopes)]
        groups = [(others, weight_decay)]
        if slopes:
            groups.append((slopes, weight_decay if decay_slopes else 0.0))
        # torch.optim.Adam / SGD with one parameter group per entry, written out (training._Optimizer: creating a
        # torch.optim optimizer imports torch._dynamo, about a second of CPU); on a CPU their foreach steps apply
        # the same elementwise operations as the single-tensor ones, so the bits are the same (tests/test_variants.py)
        kind, momentum = ("adam", 0.0) if optimizer == "adam" else ("sgd", 0.9 if optimizer == "momentum" else 0.0)
        self.opt = _Groups([_Optimizer(ps, kind, lr=lr, momentum=momentum, weight_decay=wd) for ps, wd in groups])
        self.gens = [torch.Generator().manual_seed(order_seed_offset + s) for s in model.seeds]
        self.alive = torch.ones(model.n_seeds, dtype=torch.bool)
        self.seconds: list[float] = []

    def epoch(self) -> None:
        model, x, y, S = self.model, self.x, self.y, self.model.n_seeds
        n = x.shape[0]
        model.train()
        t0 = time.perf_counter()
        orders = torch.stack([torch.randperm(n, generator=g) for g in self.gens])
        for i in range(0, n, self.batch_size):
            idx = orders[:, i : i + self.batch_size]
            out = model(x[idx])
            losses = F.cross_entropy(out.flatten(0, 1), y[idx].flatten(), reduction="none").view(S, -1).mean(dim=1)
            self.alive &= torch.isfinite(losses).detach()
            self.opt.zero_grad()
            torch.where(self.alive, losses, torch.zeros_like(losses)).sum().backward()
            if not bool(self.alive.all()):
                for p in model.parameters():
                    if p.grad is not None:
                        p.grad[~self.alive] = 0.0
                        p.data[~self.alive] = torch.nan_to_num(p.data[~self.alive])
            self.opt.step()
        self.seconds.append(time.perf_counter() - t0)

    def result(self, *, measure_all: bool = True) -> TrainResult:
        """Test accuracy and divergence; training accuracy and dead units too unless ``measure_all`` is false (then nan)."""
        model = self.model
        test_acc = _accuracy(model, self.data.x_test.to(self.dtype), self.data.y_test)
        unmeasured = np.full(model.n_seeds, np.nan)
        train_acc = _accuracy(model, self.x, self.y) if measure_all else unmeasured
        dead = dead_fraction(model, self.x) if measure_all else unmeasured.copy()
        diverged = (~self.alive).numpy()
        test_acc[diverged] = np.nan
        return TrainResult(model.key, list(model.seeds), test_acc, train_acc, dead, list(self.seconds),
                           model.parameters_per_seed(), diverged)


def train_seeds(
    model: SeedBatchMLP,
    data: Split,
    *,
    optimizer: str = "adam",
    lr: float = 3e-3,
    epochs: int = 8,
    batch_size: int = 128,
    weight_decay: float = 0.0,
    decay_slopes: bool = True,
    order_seed_offset: int = 10_000,
    on_epoch: Callable[[int, SeedBatchMLP], None] | None = None,
) -> TrainResult:
    """Train every seed's network of ``model`` on ``data`` with mini-batches; measure it.

    Seed ``s`` sees the training examples in the order drawn by
    ``torch.Generator().manual_seed(order_seed_offset + s)`` — the same order
    whatever the activation, so variants are compared on equal terms.
    ``optimizer`` is ``"adam"``, ``"sgd"`` or ``"momentum"`` (SGD, momentum 0.9);
    ``weight_decay`` is the L2 coefficient, applied to PReLU's slopes only if
    ``decay_slopes``. Each seed's loss is its own mean cross-entropy (the sum
    over seeds is minimized, so the seeds do not interact). A seed whose loss
    becomes non-finite is marked ``diverged`` (its accuracy is ``nan``) and its
    parameters frozen. ``on_epoch(epoch, model)`` runs after every epoch
    (epochs count from 1). RReLU draws its training slopes from torch's global
    generator, seeded here with the first seed.
    """
    epochs = check_int_in(epochs, "epochs", 1, 10_000)
    if not isinstance(model, SeedBatchMLP):
        raise TypeError(f"model must be a SeedBatchMLP, got {type(model).__name__}")
    if not isinstance(data, Split):
        raise TypeError(f"data must be a relulab.data.Split, got {type(data).__name__}")
    check_flag(decay_slopes, "decay_slopes")
    check_int_in(order_seed_offset, "order_seed_offset", 0, 2**31)
    if on_epoch is not None:
        check_callable(on_epoch, "on_epoch")
    return _train(model, data, epochs=epochs, on_epoch=on_epoch, optimizer=optimizer, lr=lr, batch_size=batch_size,
                  weight_decay=weight_decay, decay_slopes=decay_slopes, order_seed_offset=order_seed_offset)


def _train(model: SeedBatchMLP, data: Split, *, epochs: int, on_epoch: Callable[[int, SeedBatchMLP], None] | None = None,
           measure_all: bool = True, **options) -> TrainResult:
    """:func:`train_seeds` without its checks (``options``: all of :class:`_Trainer`'s); an experiment that reads only the
    test accuracy passes ``measure_all=False`` and skips the training accuracy and the dead units (left nan)."""
    trainer = _Trainer(model, data, **options)
    torch.manual_seed(model.seeds[0])
    for e in range(1, epochs + 1):
        trainer.epoch()
        if on_epoch is not None:
            on_epoch(e, model)
    return trainer.result(measure_all=measure_all)


# --------------------------------------------------------------------------- SELU


def _Phi(z):
    from scipy.special import ndtr

    return ndtr(z)


def selu_constants() -> tuple[float, float]:
    """α and λ of SELU from the two conditions "mean 0, variance 1 out for N(0, 1) in".

    For ``z ~ N(0, 1)``: ``E[z 1{z>0}] = 1/sqrt(2 pi)``, ``E[e^z 1{z<=0}] = sqrt(e) Phi(-1)``,
    ``E[e^{2z} 1{z<=0}] = e^2 Phi(-2)``. The mean condition gives
    ``alpha = (1/sqrt(2 pi)) / (1/2 - sqrt(e) Phi(-1))``; the variance
    condition then gives ``lambda``. Returns ``(alpha, lambda)``.
    """
    e_pos = 1.0 / math.sqrt(2.0 * math.pi)
    e_exp = math.sqrt(math.e) * float(_Phi(-1.0))
    e_exp2 = math.e**2 * float(_Phi(-2.0))
    alpha = e_pos / (0.5 - e_exp)
    second = 0.5 + alpha**2 * (e_exp2 - 2 * e_exp + 0.5)  # E[z^2 1{z>0}] = 1/2
    return alpha, 1.0 / math.sqrt(second)


def selu_moment_map(
    mu: float | np.ndarray,
    nu: float | np.ndarray,
    *,
    omega: float = 0.0,
    tau: float = 1.0,
    alpha: float = A.SELU_ALPHA,
    scale: float = A.SELU_SCALE,
) -> tuple[np.ndarray, np.ndarray]:
    """Mean and variance after one SELU layer (Klambauer et al. 2017, the map g).

    The inputs of a unit have mean ``mu`` and variance ``nu``; its weights sum
    to ``omega`` and their squares to ``tau`` (LeCun-normal weights: about 0
    and 1). Then, by the central limit theorem, the pre-activation is
    ``z ~ N(mu omega, nu tau)`` and this returns ``(E[selu(z)], Var[selu(z)])``
    in closed form. ``(0, 1)`` is a fixed point for ``omega = 0, tau = 1``.
    """
    from scipy.special import log_ndtr

    alpha = check_scalar_in(alpha, "alpha", -1e3, 1e3)
    scale = check_scalar_in(scale, "scale", -1e3, 1e3)
    m = check_finite_array(mu, "mu").astype(float) * check_scalar_in(omega, "omega", -1e3, 1e3)
    v = check_finite_array(nu, "nu").astype(float) * check_scalar_in(tau, "tau", 0.0, 1e3, low_open=True)
    if np.any(v <= 0):
        raise ValueError("nu must be positive (a variance)")
    s = np.sqrt(v)
    phi = np.exp(-0.5 * (m / s) ** 2) / math.sqrt(2 * math.pi)
    P = _Phi(m / s)
    e_pos = m * P + s * phi  # E[z 1{z>0}]
    e_pos2 = (m**2 + v) * P + m * s * phi  # E[z^2 1{z>0}]
    q = _Phi(-m / s)  # P(z <= 0)
    e1 = np.exp(m + v / 2 + log_ndtr(-(m + v) / s))  # E[e^z 1{z<=0}]
    e2 = np.exp(2 * m + 2 * v + log_ndtr(-(m + 2 * v) / s))  # E[e^{2z} 1{z<=0}]
    mean = scale * (e_pos + alpha * (e1 - q))
    second = scale**2 * (e_pos2 + alpha**2 * (e2 - 2 * e1 + q))
    return mean, second - mean**2


def selu_variance_iterates(nu0: Sequence[float], layers: int = 8) -> np.ndarray:
    """Variance layer by layer under :func:`selu_moment_map` (``omega = 0``, ``tau = 1``): shape ``(len(nu0), layers + 1)``."""
    layers = check_int_in(layers, "layers", 1, 1000)
    rows = []
    for v0 in check_sequence(nu0, "nu0"):
        v = [check_scalar_in(v0, "nu0", 0.0, 1e3, low_open=True)]
        for _ in range(layers):
            v.append(float(selu_moment_map(0.0, v[-1])[1]))
        rows.append(v)
    return np.array(rows)


@dataclass
class LayerStats:
    """Mean and variance of each hidden layer's outputs, one row per seed (shape ``(S, depth)``)."""

    label: str
    mean: np.ndarray
    var: np.ndarray
    seeds: list[int]


def deep_forward_stats(
    activation: str = "selu",
    *,
    init: str = "lecun",
    depth: int = 32,
    width: int = 128,
    dropout: str | None = None,
    p: float = 0.1,
    seeds: Sequence[int] = (0, 1, 2, 3, 4),
    n_inputs: int = 256,
    label: str | None = None,
) -> LayerStats:
    """Push standardized digits through a random deep MLP and record mean and variance after every layer.

    The network has ``depth`` hidden layers of ``width`` units without
    biases, weights drawn by ``init`` (:data:`INITS`), and after every
    activation optionally ``dropout``: ``"standard"`` (``nn.Dropout``: zero
    with probability ``p``, scale the rest by ``1/(1-p)``) or ``"alpha"``
    (``nn.AlphaDropout``, which keeps SELU's mean and variance), in training
    mode. Statistics are over all units and ``n_inputs`` inputs, in float64.
    """
    act = A.get(_check_key(activation, "activation"))
    if label is not None and not isinstance(label, str):
        raise TypeError(f"label must be None or a string, got {type(label).__name__}")
    if init not in INITS:
        raise ValueError(f"init must be one of {INITS}, got {init!r}")
    if dropout not in (None, "standard", "alpha"):
        raise ValueError(f"dropout must be None, 'standard' or 'alpha', got {dropout!r}")
    if not act.elementwise:
        raise ValueError(f"{activation!r} is not elementwise; use one of {A.keys(elementwise=True)}")
    depth = check_int_in(depth, "depth", 1, 1000)
    width = check_int_in(width, "width", 1, 10_000)
    p = check_scalar_in(p, "p", 0.0, 1.0, high_open=True)
    seeds = check_seeds(seeds)
    x0 = digits(seed=0).x_train[: check_int_in(n_inputs, "n_inputs", 2, 1257)].double()
    fn = act.reference if act.reference is not None else act.torch_fn
    params = dict(act.defaults)
    if activation == "rrelu":
        params = {}
    gain2 = 1.0 / second_moment(activation) if init == "gain" else None
    means, variances = [], []
    for s in seeds:
        g = torch.Generator().manual_seed(s)
        h, fan_in, m_row, v_row = x0, x0.shape[1], [], []
        for _ in range(depth):
            W = SeedBatchMLP._draw(g, fan_in, width, init, torch.float64, gain2)
            h = fn(h @ W, **params)
            if dropout == "standard":
                keep = (torch.rand(h.shape, generator=g, dtype=torch.float64) >= p).double()
                h = h * keep / (1 - p)
            elif dropout == "alpha":
                h = _alpha_dropout(h, p, g)
            m_row.append(float(h.mean()))
            v_row.append(float(h.var()))
            fan_in = width
        means.append(m_row)
        variances.append(v_row)
    name = label or f"{act.name}, {t(f'variants.init_{init}')}" + (f", {t(f'variants.dropout_{dropout}')}" if dropout else "")
    return LayerStats(name, np.array(means), np.array(variances), seeds)


def _alpha_dropout(h: torch.Tensor, p: float, g: torch.Generator) -> torch.Tensor:
    """Alpha dropout (Klambauer et al. 2017), as ``nn.AlphaDropout`` computes it, with an explicit generator."""
    a_prime = -A.SELU_SCALE * A.SELU_ALPHA
    q = 1.0 - p
    a = (q + a_prime**2 * q * p) ** -0.5
    b = -a * a_prime * p
    keep = (torch.rand(h.shape, generator=g, dtype=h.dtype) >= p).to(h.dtype)
    return a * (h * keep + a_prime * (1 - keep)) + b


@torch.no_grad()
def trained_layer_stats(model: SeedBatchMLP, x: torch.Tensor, label: str = "") -> LayerStats:
    """Mean and variance of every hidden layer's outputs of a (trained) :class:`SeedBatchMLP` on inputs ``x``."""
    if not isinstance(model, SeedBatchMLP):
        raise TypeError(f"model must be a SeedBatchMLP, got {type(model).__name__}")
    check_finite_tensor(x, "x")
    if x.numel() == 0:
        raise ValueError(f"x must hold at least one example, got shape {tuple(x.shape)}")
    if not isinstance(label, str):
        raise TypeError(f"label must be a string, got {type(label).__name__}")
    was = model.training
    model.eval()
    try:
        pre: list[torch.Tensor] = []
        model(x.to(model.weights[0].dtype), keep=pre)
        outs = [model.activation(z, i) for i, z in enumerate(pre)]
    finally:
        model.train(was)
    mean = np.stack([o.mean(dim=(1, 2)).numpy() for o in outs], axis=1)
    var = np.stack([o.flatten(1).var(dim=1).numpy() for o in outs], axis=1)
    return LayerStats(label or A.get(model.key).name, mean, var, list(model.seeds))


# --------------------------------------------------------------------------- PReLU


@dataclass
class PReLUSlopes:
    """Learned PReLU slopes: ``slopes[config]`` has shape ``(S, hidden layers, width)``; accuracies per seed."""

    configs: list[str]
    slopes: dict[str, np.ndarray]
    test_acc: dict[str, np.ndarray]
    seeds: list[int]
    weight_decay: float

    @classmethod
    def from_result(cls, result: dict) -> PReLUSlopes:
        """The record of a :func:`prelu_scales` result (for the chapter's table and figure)."""
        if not isinstance(result, dict) or "arms" not in result:
            raise ValueError("result must be the dict returned by prelu_scales (with an 'arms' list)")
        arms = result["arms"]
        return cls([a["config"] for a in arms], {a["config"]: np.array(a["slopes"]) for a in arms},
                   {a["config"]: np.array([np.nan if v is None else v for v in a["test_acc"]]) for a in arms},
                   list(result["seeds"]), float(result["weight_decay"]))


def prelu_slopes(
    *,
    widths: Sequence[int] = (64, 64, 64, 10),
    weight_decay: float = 1e-2,
    seeds: Sequence[int] = (0, 1, 2, 3, 4),
    epochs: int = 10,
    lr: float = 0.05,
    data: Split | None = None,
    configs: Sequence[str] = ("none", "all", "weights"),
) -> PReLUSlopes:
    """Train channel-wise PReLU MLPs on the digits three ways and return the slopes they learn.

    ``"none"``: no weight decay; ``"all"``: L2 weight decay on every
    parameter, slopes included (what ``torch.optim.SGD(model.parameters(),
    weight_decay=...)`` does); ``"weights"``: the same decay, slopes exempt
    (He et al. 2015 advise against decaying them). SGD with momentum 0.9;
    slopes start at 0.25. ``configs`` picks which of the three to train.
    """
    if data is not None and not isinstance(data, Split):
        raise TypeError(f"data must be None or a relulab.data.Split, got {type(data).__name__}")
    data = data or digits(seed=0)
    seeds = check_seeds(seeds)
    epochs = check_int_in(epochs, "epochs", 1, 10_000)
    configs = list(check_sequence(configs, "configs"))
    if not configs or any(c not in ("none", "all", "weights") for c in configs) or len(set(configs)) != len(configs):
        raise ValueError(f"configs must be distinct values among 'none', 'all' and 'weights', got {configs!r}")
    slopes, accs = {}, {}
    for cfg in configs:
        model = SeedBatchMLP(widths, "prelu", seeds, init="he")
        res = _train(
            model, data, optimizer="momentum", lr=lr, epochs=epochs, batch_size=64,
            weight_decay=0.0 if cfg == "none" else weight_decay, decay_slopes=cfg == "all", order_seed_offset=10_000,
            measure_all=False,  # the test accuracy is all this experiment reads
        )
        slopes[cfg] = np.stack([s.detach().numpy()[:, 0, :] for s in model.slopes], axis=1)
        accs[cfg] = res.test_acc
    return PReLUSlopes(configs, slopes, accs, seeds, weight_decay)


# --------------------------------------------------------------------------- Leaky ReLU and dead units


@dataclass
class Recovery:
    """Killed units that became active again, per slope and optimizer: ``revived[(optimizer, slope)]`` has shape ``(S, epochs + 1)``."""

    slopes: list[float]
    optimizers: list[str]
    revived: dict[tuple[str, float], np.ndarray]
    test_acc: dict[tuple[str, float], np.ndarray]
    killed: int
    seeds: list[int]

    @classmethod
    def from_result(cls, result: dict) -> Recovery:
        """The record of a :func:`recovery_scales` result (for the chapter's table and figure)."""
        if not isinstance(result, dict) or "arms" not in result:
            raise ValueError("result must be the dict returned by recovery_scales (with an 'arms' list)")
        arms = result["arms"]
        slopes = list(dict.fromkeys(a["slope"] for a in arms))
        optimizers = list(dict.fromkeys(a["optimizer"] for a in arms))
        return cls(slopes, optimizers, {(a["optimizer"], a["slope"]): np.array(a["revived"]) for a in arms},
                   {(a["optimizer"], a["slope"]): np.array([np.nan if v is None else v for v in a["test_acc"]]) for a in arms},
                   int(result["killed"]), list(result["seeds"]))


def _kill(model: SeedBatchMLP, x: torch.Tensor, units: torch.Tensor, margin: float) -> None:
    """Push the first hidden layer's ``units`` below zero on every input of ``x``: bias = -(max pre-activation) - margin."""
    with torch.no_grad():
        z = torch.baddbmm(torch.zeros_like(model.biases[0]), x.expand(model.n_seeds, *x.shape), model.weights[0])
        top = z[:, :, units].amax(dim=1, keepdim=True)  # (S, 1, k)
        model.biases[0][:, :, units] = -top - margin


def _active_share(model: SeedBatchMLP, x: torch.Tensor, units: torch.Tensor) -> np.ndarray:
    """Share of ``units`` of the first hidden layer with a positive pre-activation on at least one input."""
    with torch.no_grad():
        z = torch.baddbmm(model.biases[0], x.expand(model.n_seeds, *x.shape), model.weights[0])[:, :, units]
        return (z > 0).any(dim=1).double().mean(dim=1).numpy()


def leaky_recovery(
    slopes: Sequence[float] = (0.0, 0.01, 0.1),
    optimizers: Sequence[str] = ("momentum", "adam"),
    *,
    widths: Sequence[int] = (64, 64, 64, 10),
    kill: float = 0.5,
    margin: float = 0.5,
    epochs: int = 6,
    lrs: dict | None = None,
    seeds: Sequence[int] = (0, 1, 2, 3, 4),
    data: Split | None = None,
) -> Recovery:
    """Kill a share of the first hidden layer on purpose; train; count the killed units that come back.

    A killed unit's bias is set so that its pre-activation is below
    ``-margin`` on every training input: with ReLU (slope 0) it receives
    exactly zero gradient, and since the first layer's inputs never change,
    it can never come back. With a negative slope ``a`` it receives ``a``
    times the gradient an active unit would. "Active again" means positive
    pre-activation on at least one training input. Learning rates: SGD with
    momentum 0.05, Adam 3e-3 (``lrs`` overrides).
    """
    if data is not None and not isinstance(data, Split):
        raise TypeError(f"data must be None or a relulab.data.Split, got {type(data).__name__}")
    data = data or digits(seed=0)
    seeds = check_seeds(seeds)
    kill = check_scalar_in(kill, "kill", 0.0, 1.0, low_open=True)
    margin = check_scalar_in(margin, "margin", 0.0, 100.0)
    epochs = check_int_in(epochs, "epochs", 1, 1000)
    if lrs is not None and not isinstance(lrs, dict):
        raise TypeError(f"lrs must be None or a dict optimizer -> learning rate, got {type(lrs).__name__}")
    lrs = {"momentum": 0.05, "adam": 3e-3, "sgd": 0.1, **(lrs or {})}
    slopes = [check_scalar_in(a, f"slopes[{i}]", 0.0, 1.0) for i, a in enumerate(check_sequence(slopes, "slopes"))]
    slopes = [A._check_slope(a) for a in slopes]
    optimizers = check_sequence(optimizers, "optimizers")
    if lrs is not None and not isinstance(lrs, dict):
        raise TypeError(f"lrs must be None or a dict optimizer -> learning rate, got {type(lrs).__name__}")
    if not all(o in ("momentum", "adam", "sgd", *(lrs or {})) for o in optimizers):
        raise ValueError(f"optimizers must be among ('momentum', 'adam', 'sgd'), got {optimizers!r}")
    widths = check_int_list(widths, "widths", 1, 100_000)
    width = widths[1]
    units = torch.arange(0, width, max(1, round(1 / kill)))[: max(1, round(kill * width))]
    x = data.x_train.double()
    revived, accs = {}, {}
    for opt in optimizers:
        for a in slopes:
            key = "relu" if a == 0 else "leaky_relu"
            params = {} if a == 0 else {"negative_slope": a}
            model = SeedBatchMLP(widths, key, seeds, init="he", params=params)
            _kill(model, x, units, margin)
            history = [_active_share(model, x, units)]
            res = _train(model, data, optimizer=opt, lr=lrs[opt], epochs=epochs, batch_size=64, weight_decay=0.0,
                         decay_slopes=True, order_seed_offset=10_000, measure_all=False,  # reads the test accuracy only
                         on_epoch=lambda _e, m: history.append(_active_share(m, x, units)))
            revived[(opt, a)] = np.stack(history, axis=1)
            accs[(opt, a)] = res.test_acc
    return Recovery(slopes, list(optimizers), revived, accs, int(units.numel()), seeds)


# --------------------------------------------------------------------------- GELU, Maxout, CReLU


def gelu_tanh_gap(lo: float = -6.0, hi: float = 6.0, n: int = 120_001) -> tuple[float, float]:
    """Largest ``|GELU(x) - GELU_tanh(x)|`` on a grid of ``[lo, hi]`` (float64) and where it occurs."""
    n = check_int_in(n, "n", 3, 10_000_000)
    lo, hi = check_range((lo, hi), "(lo, hi)")
    x = np.linspace(lo, hi, n)
    d = np.abs(A.gelu_np(x) - A.gelu_np(x, approximate="tanh"))
    i = int(np.argmax(d))
    return float(d[i]), float(x[i])


def maxout_pieces(kind: str, slope: float = 0.01) -> tuple[np.ndarray, np.ndarray]:
    """Weights ``w`` and biases ``b`` of a two-piece Maxout unit of one input that equals a familiar function.

    ``max(w[0] x + b[0], w[1] x + b[1])`` is ReLU for ``kind="relu"`` (pieces
    ``x`` and ``0``), ``|x|`` for ``"abs"`` (``x`` and ``-x``), Leaky ReLU for
    ``"leaky"`` (``x`` and ``slope x``, ``0 <= slope <= 1``).
    """
    slope = A._check_slope(slope, "slope")
    if kind == "relu":
        return np.array([1.0, 0.0]), np.zeros(2)
    if kind == "abs":
        return np.array([1.0, -1.0]), np.zeros(2)
    if kind == "leaky":
        return np.array([1.0, slope]), np.zeros(2)
    raise ValueError(f"kind must be 'relu', 'abs' or 'leaky', got {kind!r}")


def maxout_param_count(in_features: int, out_features: int, k: int) -> int:
    """Weights and biases of a Maxout layer: ``k (in_features * out_features + out_features)``."""
    in_features = check_int_in(in_features, "in_features", 1)
    out_features = check_int_in(out_features, "out_features", 1)
    k = check_int_in(k, "k", 1, 1024)
    return k * (in_features * out_features + out_features)


def two_sided_forward(h: np.ndarray, pos: np.ndarray, neg: np.ndarray) -> np.ndarray:
    """The "two-sided ReLU" of the notes: each unit projects its input forward with one of two weight vectors.

    Unit ``j`` with input ``h[..., j]`` sends ``h[..., j] * pos[j]`` to the next
    layer when ``h[..., j] >= 0`` and ``h[..., j] * neg[j]`` when it is
    negative (``pos`` and ``neg`` have shape ``(units, next_units)``: twice the
    weights of one ReLU layer). Returns the next layer's input, ``(..., next_units)``.
    """
    h = A._np_float(h, "h")
    pos, neg = A._np_float(pos, "pos"), A._np_float(neg, "neg")
    if pos.shape != neg.shape or pos.ndim != 2 or pos.shape[0] != h.shape[-1]:
        raise ValueError(
            f"pos and neg must both have shape (units, next_units) with units = {h.shape[-1]}, got {pos.shape} and {neg.shape}"
        )
    chosen = np.where((h >= 0)[..., None], pos, neg)  # (..., units, next)
    return np.einsum("...j,...jk->...k", h, chosen)


def crelu_forward(h: np.ndarray, pos: np.ndarray, neg: np.ndarray) -> np.ndarray:
    """The same map as :func:`two_sided_forward`, written as CReLU followed by one linear layer.

    ``crelu(h) @ [[pos], [-neg]]``, because ``h 1{h>=0} = relu(h)`` and
    ``h 1{h<0} = -relu(-h)``.
    """
    h = A._np_float(h, "h")
    pos, neg = A._np_float(pos, "pos"), A._np_float(neg, "neg")
    if pos.ndim != 2 or neg.shape != pos.shape or pos.shape[0] != h.shape[-1]:
        raise ValueError(f"pos and neg must be (units, next) matrices with units = {h.shape[-1]}, got {pos.shape} and {neg.shape}")
    stacked = np.concatenate([pos, -neg], axis=0)
    return A.crelu_np(h, axis=-1) @ stacked


def two_sided_weight_count(units: int, next_units: int) -> dict[str, int]:
    """Weights from a layer of ``units`` to one of ``next_units``: ReLU versus two-sided (= CReLU) units."""
    units = check_int_in(units, "units", 1)
    next_units = check_int_in(next_units, "next_units", 1)
    return {"relu": units * next_units, "two_sided": 2 * units * next_units}


# --------------------------------------------------------------------------- the comparison


@dataclass
class Comparison:
    """One :class:`TrainResult` per variant, and the network they were trained in."""

    widths: list[int]
    results: dict[str, TrainResult]
    settings: dict
    models: dict[str, SeedBatchMLP] = field(default_factory=dict, repr=False)

    def time_ratio(self, key: str) -> float:
        """Median over epochs of (epoch time of ``key``) / (ReLU's time for the same epoch).

        The variants are trained round robin, epoch by epoch, in one process,
        so each ratio compares two runs made seconds apart under the same load;
        the median discards the epochs that a background process disturbed.
        """
        mine = np.array(self.results[key].epoch_seconds)
        relu = np.array(self.results["relu"].epoch_seconds)
        return float(np.median(mine / relu))


def compare(
    keys: Sequence[str] | None = None,
    *,
    widths: Sequence[int] = (64, 64, 64, 10),
    seeds: Sequence[int] = (0, 1, 2, 3, 4),
    epochs: int = 6,
    lr: float = 1e-2,
    batch_size: int = 128,
    data: Split | None = None,
) -> Comparison:
    """Train every variant in ``keys`` (default: the whole family) in the same network, seeds and batches.

    Adam, the variance-preserving normal initialization of each activation
    (``init="gain"``, :func:`second_moment`: He for ReLU, LeCun for SELU as its
    paper prescribes), zero biases, float64. Maxout has ``k = 2`` pieces per unit
    and CReLU doubles each hidden layer's output: both keep the number of
    *units* and pay in parameters. ReLU is always trained (first), because
    times are reported relative to it; the variants are trained round robin,
    one epoch each in turn (see :meth:`Comparison.time_ratio`).
    """
    keys = _check_keys(keys, "keys") if keys is not None else A.keys()
    for k in keys:
        A.get(k)
    keys = ["relu"] + [k for k in keys if k != "relu"]
    if data is not None and not isinstance(data, Split):
        raise TypeError(f"data must be None or a relulab.data.Split, got {type(data).__name__}")
    data = data or digits(seed=0)
    seeds = check_seeds(seeds)
    epochs = check_int_in(epochs, "epochs", 1, 10_000)
    trainers = {
        k: _Trainer(SeedBatchMLP(widths, k, seeds, init="gain"), data, optimizer="adam", lr=lr, batch_size=batch_size,
                    weight_decay=0.0, decay_slopes=True, order_seed_offset=10_000)
        for k in keys
    }
    torch.manual_seed(seeds[0])
    for _ in range(epochs):  # round robin: epoch e of every variant runs under the same machine load
        for tr in trainers.values():
            tr.epoch()
    results = {k: tr.result() for k, tr in trainers.items()}
    models = {k: tr.model for k, tr in trainers.items()}
    settings = {"epochs": epochs, "lr": lr, "batch_size": batch_size, "optimizer": "adam"}
    return Comparison(list(widths), results, settings, models)


def comparison_rows(comp: Comparison, *, with_time: bool = False) -> list[list[object]]:
    """Table rows: name, accuracy "mean ± sd" (%), worst seed (%), dead %, parameters (and time ratio)."""
    rows = []
    for k, r in comp.results.items():
        acc = r.test_acc * 100
        ok = acc[np.isfinite(acc)]
        acc_txt = f"{ok.mean():.1f} ± {ok.std():.1f}" if ok.size else "diverged"
        if ok.size < acc.size:
            acc_txt += f" ({acc.size - ok.size} div.)"
        row = [A.get(k).name, acc_txt, f"{ok.min():.1f}" if ok.size else "-", f"{100 * r.dead.mean():.0f}", r.params]
        if with_time:
            row.append(f"{comp.time_ratio(k):.2g}")
        rows.append(row)
    return rows


# --------------------------------------------------------------------------- plots


def plot_family(keys: Sequence[str] | None = None, *, x_range: tuple[float, float] = (-4.0, 4.0), ncols: int = 4):
    """One panel per elementwise variant: the function (solid) and its derivative (dashed), PyTorch defaults."""
    keys = _check_keys(keys, "keys") if keys is not None else A.keys(elementwise=True)
    ncols = check_int_in(ncols, "ncols", 1, 12)
    x_range = check_range(x_range, "x_range")
    specs = [A.get(k) for k in keys]
    nrows = math.ceil(len(specs) / ncols)
    fig, axes = subplots(ncols, nrows, width=2.6 * ncols, height=2.1)
    axes = np.atleast_1d(axes)
    x = np.linspace(*x_range, 801)
    for ax, s in zip(axes, specs):
        y, dy = s.np_fn(x, **s.defaults), s.grad_np(x, **s.defaults)
        ax.plot(x, y, color=series_style(0)["color"], linestyle="-", label=t("variants.function"))
        jumps = np.flatnonzero(np.abs(np.diff(dy)) > 0.2) + 1
        for j, (xs, ys) in enumerate(zip(np.split(x, jumps), np.split(dy, jumps))):
            ax.plot(xs, ys, color=series_style(2)["color"], linestyle="--", label=t("variants.derivative") if j == 0 else None)
        ax.set_title(s.name, fontsize=9)
        ax.set_ylim(-2.2, 4.2)
        ax.axhline(0, color="0.6", linewidth=0.6)
        ax.axvline(0, color="0.6", linewidth=0.6)
    for ax in axes[len(specs) :]:
        ax.set_visible(False)
    axes[0].legend(fontsize=8, loc="upper left")
    return axes


def plot_layer_stats(stats: Sequence[LayerStats], axes=None):
    """Mean (left) and variance (right, log scale) layer by layer, mean ± sd over seeds, one line per setting."""
    from .plotting import plot_mean_spread

    if axes is None:
        _, axes = subplots(2, width=10.0, height=3.4)
    for i, s in enumerate(stats):
        layers = np.arange(1, s.mean.shape[1] + 1)
        plot_mean_spread(axes[0], layers, s.mean, label=s.label, index=i)
        plot_mean_spread(axes[1], layers, s.var, label=s.label, index=i)
    axes[0].set(xlabel=t("variants.layer"), ylabel=t("variants.mean"))
    axes[1].set(xlabel=t("variants.layer"), ylabel=t("variants.var"), yscale="log")
    axes[1].legend(fontsize=7, loc="best")
    return axes


def plot_selu_map(nu0: Sequence[float] = (0.25, 3.0), layers: int = 6, ax=None):
    """The variance map of a SELU layer (ω = 0, τ = 1) against the identity, with iterates converging to 1 (a cobweb)."""
    nu0 = check_sequence(nu0, "nu0")
    if ax is not None and not hasattr(ax, "plot"):
        raise TypeError(f"ax must be None or matplotlib axes, got {type(ax).__name__}")
    if ax is None:
        _, ax = subplots(1, width=4.8, height=3.6)
    nu = np.linspace(0.05, 3.5, 300)
    ax.plot(nu, selu_moment_map(0.0, nu)[1], color=series_style(0)["color"], label=t("variants.map"))
    ax.plot(nu, nu, color="0.5", linestyle=":", label=t("variants.identity"))
    its = selu_variance_iterates(nu0, layers)
    for i, row in enumerate(its):
        # cobweb: (v0, 0) -> (v0, v1) -> (v1, v1) -> (v1, v2) -> ...
        xs = np.repeat(row[:-1], 2)
        ys = np.empty_like(xs)
        ys[0::2] = np.r_[0.0, row[1:-1]]
        ys[1::2] = row[1:]
        st = series_style(i + 1)
        ax.plot(xs, ys, color=st["color"], linestyle="--", linewidth=1.2, marker=st["marker"], markersize=3,
                label=t("variants.iterates") if i == 0 else None)
    ax.set(xlabel=t("variants.nu_in"), ylabel=t("variants.nu_out"), xlim=(0, 3.5), ylim=(0, 3.5))
    ax.legend(fontsize=8, loc="upper left")
    return ax


def plot_prelu_slopes(res: PReLUSlopes, axes=None):
    """Histogram of the learned slopes of every channel, hidden layer by layer, one panel per configuration."""
    if axes is None:
        _, axes = subplots(len(res.configs), width=10.0, height=3.0)
    names = {"none": "variants.wd_none", "all": "variants.wd_all", "weights": "variants.wd_weights"}
    bins = np.linspace(-0.4, 1.2, 33)
    for ax, cfg in zip(axes, res.configs):
        sl = res.slopes[cfg]
        for layer in range(sl.shape[1]):
            st = series_style(layer)
            ax.hist(sl[:, layer, :].ravel(), bins=bins, histtype="step", color=st["color"], linestyle=st["linestyle"],
                    linewidth=1.6, label=f"{t('variants.layer')} {layer + 1}")
        ax.axvline(0.25, color="0.5", linestyle=":", linewidth=1)
        ax.set(title=t(names[cfg]), xlabel=t("variants.slope"), ylabel=t("variants.channels"))
    axes[0].legend(fontsize=8)
    return axes


def plot_recovery(rec: Recovery, axes=None):
    """Share of killed units active again after each epoch (mean ± sd over seeds), one panel per optimizer."""
    from .plotting import plot_mean_spread

    if axes is None:
        _, axes = subplots(len(rec.optimizers), width=9.0, height=3.2)
    axes = np.atleast_1d(axes)
    for ax, opt in zip(axes, rec.optimizers):
        for i, a in enumerate(rec.slopes):
            runs = rec.revived[(opt, a)]
            label = "ReLU" if a == 0 else localize_numbers(f"Leaky ReLU, a = {a:g}")
            plot_mean_spread(ax, np.arange(runs.shape[1]), runs, label=label, index=i)
        ax.set(title={"momentum": "SGD + momentum", "adam": "Adam", "sgd": "SGD"}[opt],
               xlabel=t("variants.epoch"), ylabel=t("variants.revived"), ylim=(-0.05, 1.05))
    axes[0].legend(fontsize=8)
    return axes


def plot_comparison(comps: Sequence[Comparison], titles: Sequence[str], axes=None):
    """Test accuracy of every variant, one dot per seed and the mean, one panel per network."""
    if axes is None:
        _, axes = subplots(len(comps), width=10.0, height=4.2)
    axes = np.atleast_1d(axes)
    for ax, comp, title in zip(axes, comps, titles):
        keys = list(comp.results)
        for i, k in enumerate(keys):
            acc = comp.results[k].test_acc * 100
            ax.plot(np.full(acc.size, i), acc, linestyle="none", marker="o", markersize=3, color=series_style(2)["color"], alpha=0.7)
            ax.plot([i - 0.3, i + 0.3], [np.nanmean(acc)] * 2, color="black", linestyle="-", linewidth=2)
        ax.set_xticks(range(len(keys)), [A.get(k).name for k in keys], rotation=60, ha="right", fontsize=8)
        ax.set(title=title, ylabel=t("variants.test_acc"))
    return axes


# --------------------------------------------------------------------------- issue 18: tuned rates, paired intervals

#: Variants of ``ch6b-variants``: ReLU and the variants whose verdicts (C29, C34) rest on the deep network.
TUNED_KEYS: tuple[str, ...] = ("relu", "leaky_relu", "elu", "selu", "prelu", "maxout")

#: Every variant chapter 6b compares (the whole family but CELU and GELU-tanh, duplicates of ELU and GELU): the full scale of ``ch6b-variants``.
COMPARED_KEYS: tuple[str, ...] = ("relu", "leaky_relu", "prelu", "rrelu", "elu", "selu", "gelu", "silu", "mish", "softplus",
                                  "relu6", "hardswish", "squared_relu", "maxout", "crelu")


def _split_for_tuning(val_fraction: float) -> tuple[Split, torch.Tensor, torch.Tensor]:
    """``digits(seed=0)``: its training set split into fitting and validation parts (seeded), and the test set."""
    val_fraction = check_scalar_in(val_fraction, "val_fraction", 0.0, 1.0, low_open=True, high_open=True)
    d = digits(seed=0)
    order = torch.randperm(d.x_train.shape[0], generator=torch.Generator().manual_seed(0))
    n_val = int(round(val_fraction * d.x_train.shape[0]))
    fit, val = order[:-n_val], order[-n_val:]
    return Split(d.x_train[fit], d.y_train[fit], d.x_train[val], d.y_train[val]), d.x_test, d.y_test


@experiment(
    "ch6b-variants",
    book={"seeds": 5, "epochs": 6, "tune_seeds": 2, "keys": ["relu", "leaky_relu", "elu", "selu", "prelu"],
          "rates": [0.01, 0.01585, 0.02512]},
    full={"seeds": 20, "epochs": 12, "tune_seeds": 2, "keys": list(COMPARED_KEYS),
          "rates": [0.002512, 0.003981, 0.006310, 0.01, 0.01585, 0.02512, 0.03981]},
    depends=(_split_for_tuning, _train, _Trainer, SeedBatchMLP, second_moment, _accuracy),
)
def tuned_variants(
    seeds: int = 5,
    epochs: int = 6,
    *,
    keys: Sequence[str] = TUNED_KEYS,
    rates: Sequence[float] = (0.003981, 0.006310, 0.01, 0.01585),
    shared_lr: float = 1e-2,
    tune_seeds: int = 2,
    widths: Sequence[int] = (64, 16, 16, 16, 16, 16, 16, 16, 16, 10),
    batch_size: int = 128,
    val_fraction: float = 0.2,
) -> dict:
    """Variants in the deep narrow MLP with Adam, at one shared rate and each at its own rate tuned on validation.

    The training set of ``digits(seed=0)`` is split into a fitting part and a validation
    part. For every variant and every rate in ``rates`` (plus ``shared_lr``), one batch of
    networks is trained on the fitting part: the tuning seeds ``1000 .. 1000 + tune_seeds - 1``
    and the evaluation seeds ``0 .. seeds - 1`` (each seed its own network, initialization and
    batch order, the same for every variant). A variant's tuned rate is the one with the highest
    mean *validation* accuracy of its tuning seeds; the evaluation seeds report *test* accuracy
    at the shared and at the tuned rate (nan where a run diverged). Returns a JSON-serialisable dict.
    """
    seeds = check_int_in(seeds, "seeds", 2, 1000)
    tune_seeds = check_int_in(tune_seeds, "tune_seeds", 1, 1000)
    epochs = check_int_in(epochs, "epochs", 1, 10_000)
    shared_lr = check_scalar_in(shared_lr, "shared_lr", 0.0, 100.0, low_open=True)
    keys = list(keys)
    if "relu" not in keys:
        raise ValueError(f"keys must include 'relu' (the baseline of every comparison), got {keys}")
    for k in keys:
        A.get(k)
    rates = sorted({check_scalar_in(r, f"rates[{i}]", 0.0, 100.0, low_open=True) for i, r in enumerate(rates)})
    if not rates:
        raise ValueError("rates must hold at least one learning rate")
    split, x_test, y_test = _split_for_tuning(val_fraction)
    evals, tune = list(range(seeds)), list(range(1000, 1000 + tune_seeds))
    arms = []
    for key in keys:
        val_acc, test_acc = {}, {}
        for lr in sorted(set(rates) | {shared_lr}):
            model = SeedBatchMLP(list(widths), key, evals + tune, init="gain")
            res = _train(model, split, optimizer="adam", lr=lr, epochs=epochs, batch_size=batch_size, weight_decay=0.0,
                         decay_slopes=True, order_seed_offset=10_000, measure_all=False)  # reads the test accuracy only
            acc = _accuracy(model, x_test.to(model.weights[0].dtype), y_test)
            acc[res.diverged] = np.nan
            test_acc[lr] = [float(v) if math.isfinite(v) else None for v in acc[: len(evals)]]  # JSON: diverged = None
            val = res.test_acc[len(evals):]  # the Split's "test" part is the validation set
            val_acc[lr] = float(np.mean(np.nan_to_num(val, nan=0.0)))
        tuned = max(rates, key=lambda r: (val_acc[r], -abs(math.log(r / shared_lr))))
        arms.append({"key": key, "tuned_lr": tuned, "rates": rates, "val_acc": [val_acc[r] for r in rates],
                     "shared": test_acc[shared_lr], "tuned": test_acc[tuned]})
    return {"seeds": evals, "tune_seeds": tune, "epochs": epochs, "shared_lr": shared_lr, "widths": list(widths),
            "batch_size": batch_size, "n_fit": int(split.x_train.shape[0]), "n_val": int(split.x_test.shape[0]),
            "n_test": int(x_test.shape[0]), "arms": arms}


def tuned_comparisons(result: dict) -> dict[tuple[str, str], object]:
    """Paired comparisons (``relulab.stats.compare``, in points) of each variant against ReLU in a ``tuned_variants`` result.

    Keys ``(setting, key)``, setting ``"shared"`` or ``"tuned"``; seeds where either run diverged are left out
    (``n`` says how many pairs remain).
    """
    from . import stats

    if not isinstance(result, dict) or "arms" not in result:
        raise ValueError("result must be the dict returned by tuned_variants (with an 'arms' list)")
    arms = {a["key"]: a for a in result["arms"]}
    if "relu" not in arms:
        raise ValueError(f"result has no 'relu' arm, only {sorted(arms)}")
    out = {}
    for setting in ("shared", "tuned"):
        base = arms["relu"][setting]
        for key, arm in arms.items():
            if key == "relu":
                continue
            ok = lambda v: v is not None and math.isfinite(v)  # noqa: E731 (None or nan: a diverged run)
            pairs = [(100 * a, 100 * b) for a, b in zip(arm[setting], base) if ok(a) and ok(b)]
            out[(setting, key)] = stats.compare([p[0] for p in pairs], [p[1] for p in pairs], names=(A.get(key).name, "ReLU"))
    return out


def tuned_rows(result: dict, *, digits: int = 1) -> list[list[str]]:
    """One row per variant of a ``tuned_variants`` result: name, tuned rate, test accuracy (%) at the shared and at
    the tuned rate as mean [95% interval] n, and the paired difference from ReLU at the tuned rate."""
    from . import stats
    from .i18n import current_language, number

    comps = tuned_comparisons(result)

    def cell(values):
        v = [100 * float(x) for x in values if x is not None and math.isfinite(x)]
        if len(v) < 2:
            return f"— (n = {len(v)})"
        sm = stats.summarize(v)
        sep = "; " if current_language() == "it" else ", "  # the Italian decimal comma needs another separator
        return f"{number(sm.mean, digits)} [{number(sm.low, digits)}{sep}{number(sm.high, digits)}] n = {sm.n}"

    comma = current_language() == "it"
    rows = []
    for arm in result["arms"]:
        c = comps.get(("tuned", arm["key"]))
        sep = "; " if comma else ", "
        diff = "—" if c is None else f"{number(c.mean, digits)} [{number(c.low, digits)}{sep}{number(c.high, digits)}]"
        rows.append([A.get(arm["key"]).name, f"{arm['tuned_lr']:.3g}".replace(".", "," if comma else "."),
                     cell(arm["shared"]), cell(arm["tuned"]), diff])
    return rows


# --------------------------------------------------------------------------- issue 18: chapter 6 at two scales


def _tune_rate(val_score: Callable[[float], float], base: float, factors: Sequence[float]) -> tuple[float, list[float]]:
    """The rate ``base * f`` (``f`` in ``factors``) with the highest ``val_score``; ties go to the factor closest to 1.

    With one factor no score is computed (nothing to choose): the rate is ``base * factors[0]``.
    Returns the rate and the scores (empty with one factor).
    """
    rates = [base * f for f in factors]
    if len(rates) == 1:
        return rates[0], []
    scores = [float(val_score(r)) for r in rates]
    best = max(range(len(rates)), key=lambda i: (scores[i], -abs(math.log(factors[i]))))
    return rates[best], scores


def _scale_args(seeds: int, tune_seeds: int, factors: Sequence[float]) -> tuple[list[int], list[int], list[float]]:
    seeds = check_int_in(seeds, "seeds", 2, 1000)
    tune_seeds = check_int_in(tune_seeds, "tune_seeds", 0, 1000)
    factors = [check_scalar_in(f, f"factors[{i}]", 0.0, 1000.0, low_open=True) for i, f in enumerate(check_sequence(factors, "factors"))]
    if not factors:
        raise ValueError("factors must hold at least one multiple of the base learning rate")
    if len(factors) > 1 and tune_seeds < 1:
        raise ValueError(f"tune_seeds must be at least 1 to choose among {len(factors)} rates, got {tune_seeds}")
    return list(range(seeds)), list(range(1000, 1000 + tune_seeds)), factors


def _iv(values: Sequence[float]) -> dict:
    from . import stats

    sm = stats.summarize([float(v) for v in values])
    return {"mean": sm.mean, "low": sm.low, "high": sm.high, "n": sm.n}


def _paired_iv(a: Sequence[float], b: Sequence[float]) -> dict:
    from . import stats

    c = stats.compare([float(v) for v in a], [float(v) for v in b])
    return {"mean": c.mean, "low": c.low, "high": c.high, "n": c.n}


#: Base learning rates of :func:`leaky_recovery` (the book-scale rates); the full scale tunes a factor of them.
RECOVERY_LRS = {"momentum": 0.05, "adam": 3e-3}


@experiment(
    "ch6-leaky-recovery",
    book={"seeds": 5, "epochs": 6, "factors": [1.0], "tune_seeds": 0},
    full={"seeds": 20, "epochs": 12, "factors": [0.25, 0.5, 1.0, 2.0, 4.0], "tune_seeds": 2},
    depends=(leaky_recovery, _kill, _active_share, _tune_rate, _scale_args, _split_for_tuning, _train, _Trainer, SeedBatchMLP),
)
def recovery_scales(
    seeds: int = 5,
    epochs: int = 6,
    *,
    factors: Sequence[float] = (1.0,),
    tune_seeds: int = 0,
    slopes: Sequence[float] = (0.0, 0.01, 0.1),
    optimizers: Sequence[str] = ("momentum", "adam"),
) -> dict:
    """:func:`leaky_recovery`, one arm (optimizer, slope) at a time, each at its own rate tuned on validation data.

    For each arm the rate is ``RECOVERY_LRS[optimizer] * f`` for the factor ``f`` in ``factors`` whose
    tuning seeds (``1000 ..``), trained on the fitting part of the digits' training set, reach the
    highest mean validation accuracy (:func:`_split_for_tuning`, 20 % held out); with one factor no
    tuning runs. The evaluation seeds ``0 .. seeds - 1`` then train on the whole training set at that
    rate. Returns, per arm, the share of killed units active again after every epoch (per seed) and
    the test accuracy (JSON-serialisable).
    """
    evals, tune, factors = _scale_args(seeds, tune_seeds, factors)
    epochs = check_int_in(epochs, "epochs", 1, 1000)
    split = _split_for_tuning(0.2)[0] if tune else None
    arms, killed = [], 0
    for opt in check_sequence(optimizers, "optimizers"):
        if opt not in RECOVERY_LRS:
            raise ValueError(f"optimizers must be among {tuple(RECOVERY_LRS)}, got {opt!r}")
        for a in slopes:
            def val_score(lr: float) -> float:
                rec = leaky_recovery([a], [opt], epochs=epochs, lrs={opt: lr}, seeds=tune, data=split)
                return float(np.mean(np.nan_to_num(rec.test_acc[(opt, float(a))], nan=0.0)))

            lr, scores = _tune_rate(val_score, RECOVERY_LRS[opt], factors)
            rec = leaky_recovery([a], [opt], epochs=epochs, lrs={opt: lr}, seeds=evals)
            key = (opt, rec.slopes[0])
            killed = rec.killed
            arms.append({"optimizer": opt, "slope": rec.slopes[0], "lr": lr, "val_acc": scores,
                         "revived": rec.revived[key].tolist(),
                         "test_acc": [float(v) if math.isfinite(v) else None for v in rec.test_acc[key]]})
    return {"seeds": evals, "tune_seeds": tune, "epochs": epochs, "factors": factors, "killed": killed, "arms": arms}


def recovery_effects(result: dict) -> dict[str, tuple[dict, float]]:
    """The effects behind chapter 6's verdict on Leaky ReLU and dead units, from a ``recovery_scales`` result.

    ``{label: (interval, null)}``, the interval a dict ``mean, low, high, n`` (per cent or points):
    the share of killed units active again after training for each arm, the paired difference
    between the two slopes under Adam, and the test accuracy of each leak minus ReLU's.
    """
    if not isinstance(result, dict) or "arms" not in result:
        raise ValueError("result must be the dict returned by recovery_scales (with an 'arms' list)")
    arms = {(a["optimizer"], a["slope"]): a for a in result["arms"]}
    back = {k: [100 * r[-1] for r in a["revived"]] for k, a in arms.items()}
    acc = {k: [100 * (v if v is not None else math.nan) for v in a["test_acc"]] for k, a in arms.items()}
    out = {}
    for (opt, a) in arms:
        out[t("variants.eff_back", opt=t(f"variants.opt_{opt}"), a=_slope_text(a))] = (_iv(back[(opt, a)]), 0.0)
    if ("adam", 0.01) in arms and ("adam", 0.1) in arms:
        out[t("variants.eff_back_diff", opt=t("variants.opt_adam"))] = (_paired_iv(back[("adam", 0.01)], back[("adam", 0.1)]), 0.0)
    for (opt, a) in arms:
        if a != 0 and (opt, 0.0) in arms:
            out[t("variants.eff_acc_gap", opt=t(f"variants.opt_{opt}"), a=_slope_text(a))] = (_paired_iv(acc[(opt, a)], acc[(opt, 0.0)]), 0.0)
    return out


def _slope_text(a: float) -> str:
    return localize_numbers(f"{a:g}")


@experiment(
    "ch6-prelu-slopes",
    book={"seeds": 5, "epochs": 10, "factors": [1.0], "tune_seeds": 0},
    full={"seeds": 20, "epochs": 20, "factors": [0.25, 0.5, 1.0, 2.0], "tune_seeds": 2},
    depends=(prelu_slopes, _tune_rate, _scale_args, _split_for_tuning, _train, _Trainer, SeedBatchMLP),
)
def prelu_scales(seeds: int = 5, epochs: int = 10, *, factors: Sequence[float] = (1.0,), tune_seeds: int = 0,
                 lr: float = 0.05, weight_decay: float = 1e-2) -> dict:
    """:func:`prelu_slopes`, one setting of weight decay at a time, each at its own rate tuned on validation data.

    Rates ``lr * f`` for ``f`` in ``factors``, chosen as in :func:`recovery_scales`; the evaluation
    seeds train on the whole training set. Returns per setting the learned slopes (per seed:
    hidden layers × channels) and the test accuracy (JSON-serialisable).
    """
    evals, tune, factors = _scale_args(seeds, tune_seeds, factors)
    epochs = check_int_in(epochs, "epochs", 1, 1000)
    lr = check_scalar_in(lr, "lr", 0.0, 10.0, low_open=True)
    split = _split_for_tuning(0.2)[0] if tune else None
    arms = []
    for cfg in ("none", "all", "weights"):
        def val_score(rate: float) -> float:
            ps = prelu_slopes(seeds=tune, epochs=epochs, lr=rate, weight_decay=weight_decay, data=split, configs=[cfg])
            return float(np.mean(np.nan_to_num(ps.test_acc[cfg], nan=0.0)))

        rate, scores = _tune_rate(val_score, lr, factors)
        ps = prelu_slopes(seeds=evals, epochs=epochs, lr=rate, weight_decay=weight_decay, configs=[cfg])
        arms.append({"config": cfg, "lr": rate, "val_acc": scores, "slopes": ps.slopes[cfg].tolist(),
                     "test_acc": [float(v) if math.isfinite(v) else None for v in ps.test_acc[cfg]]})
    return {"seeds": evals, "tune_seeds": tune, "epochs": epochs, "factors": factors, "weight_decay": weight_decay, "arms": arms}


def prelu_effects(result: dict) -> dict[str, tuple[dict, float]]:
    """The effects behind chapter 6's verdict on PReLU (C31), from a ``prelu_scales`` result: ``{label: (interval, null)}``.

    The share of channels whose slope moved more than 0.01 from 0.25 without decay (null 0.75, "over
    three in four"), the mean slope with decay on every parameter and with the slopes exempt as a
    ratio to that without decay (null 1), and the test accuracy of each setting minus no decay (points).
    """
    if not isinstance(result, dict) or "arms" not in result:
        raise ValueError("result must be the dict returned by prelu_scales (with an 'arms' list)")
    arms = {a["config"]: a for a in result["arms"]}
    slopes = {c: np.array(a["slopes"]).reshape(len(a["slopes"]), -1) for c, a in arms.items()}
    acc = {c: [100 * (v if v is not None else math.nan) for v in a["test_acc"]] for c, a in arms.items()}
    out = {t("variants.eff_moved"): (_iv(np.mean(np.abs(slopes["none"] - 0.25) > 0.01, axis=1)), 0.75)}
    for cfg in ("all", "weights"):
        out[t("variants.eff_slope_ratio", cfg=t(f"variants.wd_{cfg}"))] = (_iv(slopes[cfg].mean(1) / slopes["none"].mean(1)), 1.0)
    for cfg in ("all", "weights"):
        out[t("variants.eff_prelu_acc", cfg=t(f"variants.wd_{cfg}"))] = (_paired_iv(acc[cfg], acc["none"]), 0.0)
    return out


#: The settings of chapter 6's SELU experiment: (activation, initialization, dropout).
SELU_SETTINGS: tuple[tuple[str, str, str | None], ...] = (
    ("selu", "lecun", None), ("selu", "lecun", "alpha"), ("selu", "lecun", "standard"),
    ("selu", "he", None), ("selu", "default", None), ("relu", "he", None),
)


@experiment(
    "ch6-selu-init",
    book={"seeds": 5, "n_inputs": 256},
    full={"seeds": 20, "n_inputs": 1257},
    depends=(deep_forward_stats, _alpha_dropout, SeedBatchMLP, second_moment),
)
def selu_scales(seeds: int = 5, n_inputs: int = 256, depth: int = 32, width: int = 128) -> dict:
    """:func:`deep_forward_stats` for every setting of :data:`SELU_SETTINGS`: mean and variance after each layer, per seed.

    No training, hence no learning rate: the full scale has more seeds and every training image.
    """
    evals = list(range(check_int_in(seeds, "seeds", 2, 1000)))
    arms = []
    for act, init, drop in SELU_SETTINGS:
        st = deep_forward_stats(act, init=init, dropout=drop, depth=depth, width=width, seeds=evals, n_inputs=n_inputs)
        arms.append({"activation": act, "init": init, "dropout": drop, "mean": st.mean.tolist(), "var": st.var.tolist()})
    return {"seeds": evals, "n_inputs": n_inputs, "depth": depth, "width": width, "arms": arms}


def _setting_name(setting: tuple[str, str, str | None]) -> str:
    """A SELU_SETTINGS entry ``(activation, init, dropout)`` in words, as :func:`deep_forward_stats` labels it
    (that function, hashed by the ch6-selu-init record, keeps its own copy of this line)."""
    act, init, drop = setting
    return f"{A.get(act).name}, {t(f'variants.init_{init}')}" + (f", {t(f'variants.dropout_{drop}')}" if drop else "")


def describe_scale(result: dict) -> str:
    """The scale of a result of chapter 6's experiments in words (the header of ``replication.compare_scales``).

    A trained experiment (``recovery_scales``, ``prelu_scales``: with ``factors``) gives its seeds and
    epochs, and at full scale the range of learning-rate multiples tuned over; ``selu_scales`` (no
    training) its seeds and number of input images.
    """
    from .i18n import number

    if not isinstance(result, dict) or "seeds" not in result:
        raise ValueError("result must be a dict returned by recovery_scales, prelu_scales or selu_scales (with 'seeds')")
    seeds = len(result["seeds"])
    if "factors" in result and "epochs" in result:
        f = list(result["factors"])
        if len(f) == 1:
            return t("variants.scale_book", seeds=seeds, epochs=result["epochs"])
        return t("variants.scale_full", seeds=seeds, epochs=result["epochs"], k=len(f), lo=number(min(f), 2), hi=number(max(f), 0))
    if "n_inputs" in result:
        return t("variants.scale_selu", seeds=seeds, n=result["n_inputs"])
    raise ValueError(f"result must have 'factors' and 'epochs' (a trained experiment) or 'n_inputs' (selu_scales); got keys {sorted(result)}")


def selu_layer_stats(result: dict) -> list[LayerStats]:
    """The per-layer statistics of a ``selu_scales`` result, one :class:`LayerStats` per setting, in its order.

    The labels are those :func:`deep_forward_stats` gives the same setting, so a figure drawn from a
    recorded or live result reads like one drawn from direct calls (and the experiment runs once).
    """
    if not isinstance(result, dict) or not isinstance(result.get("arms"), list) or "seeds" not in result:
        raise ValueError("result must be the dict returned by selu_scales (with 'seeds' and an 'arms' list)")
    out = []
    for arm in result["arms"]:
        try:
            act, init, drop = arm["activation"], arm["init"], arm["dropout"]
            mean, var = np.asarray(arm["mean"], dtype=float), np.asarray(arm["var"], dtype=float)
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"every arm of result needs activation, init, dropout, mean and var lists; got {arm!r:.80}") from exc
        if mean.ndim != 2 or mean.shape != var.shape or mean.shape[0] != len(result["seeds"]):
            raise ValueError(f"arm {act}/{init}/{drop}: mean and var must be (seeds, depth) arrays of the same shape, "
                             f"got {mean.shape} and {var.shape} for {len(result['seeds'])} seeds")
        out.append(LayerStats(_setting_name((act, init, drop)), mean, var, list(result["seeds"])))
    return out


def selu_effects(result: dict) -> dict[str, tuple[dict, float]]:
    """The effects behind chapter 6's verdict on SELU at initialization (C33), from a ``selu_scales`` result.

    ``{label: (interval, null)}`` at the last layer: SELU/LeCun's mean (null 0) and variance (null 1),
    with alpha dropout likewise, with ordinary dropout the variance (null 1), with He weights
    log10 of the variance (null 1: above means above 10), with PyTorch's default initialization
    log10 of the variance (null -4: below means below 1e-4).
    """
    if not isinstance(result, dict) or "arms" not in result:
        raise ValueError("result must be the dict returned by selu_scales (with an 'arms' list)")
    arms = {(a["activation"], a["init"], a["dropout"]): a for a in result["arms"]}

    def last(setting, what):
        return [row[-1] for row in arms[setting][what]]

    out = {}
    for s in (("selu", "lecun", None), ("selu", "lecun", "alpha")):
        out[t("variants.eff_mean_last", setting=_setting_name(s))] = (_iv(last(s, "mean")), 0.0)
        out[t("variants.eff_var_last", setting=_setting_name(s))] = (_iv(last(s, "var")), 1.0)
    s = ("selu", "lecun", "standard")
    out[t("variants.eff_var_last", setting=_setting_name(s))] = (_iv(last(s, "var")), 1.0)
    for s, null in ((("selu", "he", None), 1.0), (("selu", "default", None), -4.0)):
        out[t("variants.eff_logvar_last", setting=_setting_name(s))] = (_iv(np.log10(last(s, "var"))), null)
    return out


register(
    {
        "variants.opt_momentum": {"en": "SGD + momentum", "it": "SGD con momentum"},
        "variants.opt_adam": {"en": "Adam", "it": "Adam"},
        "variants.eff_back": {"en": "{opt}, a = {a}: % of killed units active again", "it": "{opt}, a = {a}: % di unità uccise di nuovo attive"},
        "variants.eff_back_diff": {"en": "{opt}: a = 0.01 minus a = 0.1, % active again", "it": "{opt}: a = 0,01 meno a = 0,1, % di nuovo attive"},
        "variants.eff_acc_gap": {"en": "{opt}, a = {a} minus ReLU, test accuracy (points)",
                                 "it": "{opt}, a = {a} meno ReLU, accuratezza di test (punti)"},
        "variants.eff_moved": {"en": "no decay: share of slopes moved more than 0.01 from 0.25",
                               "it": "nessun decay: quota di pendenze spostate di oltre 0,01 da 0,25"},
        "variants.eff_slope_ratio": {"en": "{cfg}: mean slope / mean slope without decay",
                                     "it": "{cfg}: pendenza media / pendenza media senza decay"},
        "variants.eff_prelu_acc": {"en": "{cfg} minus no decay, test accuracy (points)",
                                   "it": "{cfg} meno nessun decay, accuratezza di test (punti)"},
        "variants.eff_mean_last": {"en": "{setting}: mean at the last layer", "it": "{setting}: media all'ultimo strato"},
        "variants.eff_var_last": {"en": "{setting}: variance at the last layer", "it": "{setting}: varianza all'ultimo strato"},
        "variants.eff_logvar_last": {"en": "{setting}: log10 of the variance at the last layer",
                                     "it": "{setting}: log10 della varianza all'ultimo strato"},
    }
)

register(
    {
        "variants.scale_book": {"en": "{seeds} seeds, {epochs} epochs, the rates above",
                                "it": "{seeds} seed, {epochs} epoche, i learning rate di sopra"},
        "variants.scale_full": {"en": "{seeds} seeds, {epochs} epochs, each arm at its own rate, chosen on validation data among {k} multiples "
                                      "(×{lo} to ×{hi}) of the rate above",
                                "it": "{seeds} seed, {epochs} epoche, ogni braccio con il suo learning rate, scelto sui dati di validazione "
                                      "fra {k} multipli (da ×{lo} a ×{hi}) di quello di sopra"},
        "variants.scale_selu": {"en": "{seeds} seeds, {n} training images", "it": "{seeds} seed, {n} immagini di addestramento"},
        "variants.tuned_arm": {"en": "  {arm}: tuned rate {lr}", "it": "  {arm}: learning rate scelto {lr}"},
    }
)
