"""One model, one protocol, two domains: does ReLU die more on text than on images?

The source notes claim that ReLU units die on text because n-grams repeat,
and survive on images because patches are varied. To test that, this module
poses the *same* problem in both domains: predict a missing symbol from its
context, with a 24-number input and ``n_classes`` possible answers.

- Images (:func:`image_task`): a 5×5 patch of a grey-level image; the input is
  the 24 pixels around the centre, the target the centre pixel quantized to
  ``n_classes`` grey levels.
- Text (:func:`text_task`): the input is the previous ``context`` words, each
  as a fixed random embedding (:func:`relulab.text.embed_ngrams`), the target
  the next word (one of the ``n_classes - 1`` most frequent words, or "other").

:class:`BatchedMLP` holds many small MLPs at once (one per learning rate and
seed) and :func:`train_batched` trains them together with plain SGD, each with
its own learning rate and its own mini-batches: one tensor operation serves
every run, which is what makes a learning-rate grid × seeds fit in seconds on
a CPU. :func:`dead_units` uses :class:`relulab.probes.ActivationRecorder` to
find the hidden units that output 0 on every input of a data set.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from ._checks import (
    check_array,
    check_callable,
    check_inputs_fit,
    check_int_in,
    check_int_list,
    check_module,
    check_numbers,
    check_scalar_in,
    check_seeds,
    check_text,
)
from .i18n import register, t
from .tables import fmt
from .probes import ActivationRecorder
from .text import embed_ngrams, ngrams
from .training import stack_layers

__all__ = [
    "NextSymbolTask",
    "image_task",
    "text_task",
    "whiten",
    "BatchedLinear",
    "BatchedMLP",
    "train_batched",
    "dead_units",
    "RunResult",
    "protocol",
    "pm",
    "summary_rows",
    "summary_headers",
    "grid",
]

register(
    {
        "domains.domain": {"en": "domain", "it": "dominio"},
        "domains.coarse_photos": {"en": "photos // 16", "it": "foto // 16"},
        "domains.distinct": {"en": "distinct:", "it": "distinti:"},
        "domains.threshold": {"en": "threshold:", "it": "soglia:"},
        "domains.threshold_ratio": {"en": "ratios: thresholds", "it": "rapporti: soglie"},
        "domains.lr": {"en": "learning rate", "it": "learning rate"},
        "domains.dead": {"en": "dead units", "it": "unità morte"},
        "domains.dead_share": {"en": "share of dead units", "it": "quota di unità morte"},
        "domains.rel_loss": {"en": "test loss / frequency baseline", "it": "loss di test / baseline delle frequenze"},
        "domains.diverged": {"en": "diverged", "it": "divergenze"},
        "domains.step": {"en": "SGD step", "it": "passo di SGD"},
        "domains.init": {"en": "at init", "it": "all'inizio"},
        "domains.photos": {"en": "photo patches", "it": "patch di foto"},
        "domains.photos_white": {"en": "photo patches, whitened", "it": "patch di foto, sbiancate"},
        "domains.digits": {"en": "digit patches", "it": "patch di cifre"},
        "domains.text_en": {"en": "English prose", "it": "prosa inglese"},
        "domains.text_it": {"en": "Italian prose", "it": "prosa italiana"},
        "domains.zipf": {"en": "Zipf s = {s}", "it": "Zipf s = {s}"},
        "domains.end": {"en": "after training", "it": "dopo l'addestramento"},
    }
)


@dataclass(frozen=True)
class NextSymbolTask:
    """A classification task with standardized float64 inputs and integer targets."""

    name: str
    x_train: torch.Tensor
    y_train: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor
    n_classes: int

    @property
    def n_features(self) -> int:
        return int(self.x_train.shape[1])

    def baseline_loss(self) -> float:
        """Cross-entropy on the test set of always predicting the training frequencies of the classes.

        A model that learnt nothing from its input can reach this loss; the
        ratio ``loss / baseline_loss()`` is comparable across domains.
        """
        counts = torch.bincount(self.y_train, minlength=self.n_classes).double() + 1.0  # add-one: no log(0)
        logp = torch.log(counts / counts.sum())
        return float(-logp[self.y_test].mean())


def _split_standardize(name: str, x: np.ndarray, y: np.ndarray, n_train: int, n_test: int, n_classes: int, seed: int) -> NextSymbolTask:
    if n_train + n_test > x.shape[0]:
        raise ValueError(f"{name}: n_train + n_test = {n_train + n_test} exceeds the {x.shape[0]} examples available")
    idx = np.random.default_rng(seed).permutation(x.shape[0])
    tr, te = idx[:n_train], idx[n_train : n_train + n_test]
    x = x.astype(np.float64)
    mu, sd = x[tr].mean(axis=0), x[tr].std(axis=0)
    sd[sd == 0] = 1.0
    z = (x - mu) / sd
    as_t = lambda a, dt: torch.as_tensor(np.ascontiguousarray(a), dtype=dt)  # noqa: E731
    return NextSymbolTask(name, as_t(z[tr], torch.float64), as_t(y[tr], torch.int64), as_t(z[te], torch.float64), as_t(y[te], torch.int64), n_classes)


def image_task(
    patches: np.ndarray, *, levels: int, n_classes: int = 16, n_train: int = 3000, n_test: int = 1000, seed: int = 0, name: str = "images"
) -> NextSymbolTask:
    """Predict the centre pixel of square patches from the pixels around it.

    Parameters
    ----------
    patches:
        Integer patches, shape ``(n, k*k)`` with ``k`` odd (see :func:`relulab.images.patches`).
    levels:
        Number of grey levels of the images (256 for photographs, 17 for the digits).
    n_classes:
        The centre pixel ``v`` becomes class ``floor(v * n_classes / levels)``.
    """
    p = np.asarray(patches)
    if p.ndim != 2 or not np.issubdtype(p.dtype, np.integer):
        raise TypeError(f"patches must be a 2-D integer array (one flattened patch per row), got {p.shape}, {p.dtype}")
    k = math.isqrt(p.shape[1])
    if k * k != p.shape[1] or k % 2 == 0 or k < 3:
        raise ValueError(f"patches must be k×k with k odd and >= 3, got {p.shape[1]} pixels per patch")
    levels = check_int_in(levels, "levels", 2)
    check_text(name, "name")
    n_classes = check_int_in(n_classes, "n_classes", 2, levels)
    if p.min() < 0 or p.max() >= levels:
        raise ValueError(f"pixel values must be in [0, {levels - 1}], got [{p.min()}, {p.max()}]")
    centre = p.shape[1] // 2
    x = np.delete(p, centre, axis=1)
    y = (p[:, centre].astype(np.int64) * n_classes) // levels
    return _split_standardize(name, x, y, check_int_in(n_train, "n_train", 1), check_int_in(n_test, "n_test", 1), n_classes, check_int_in(seed, "seed", 0, 2**32 - 1))


def text_task(
    ids: np.ndarray,
    vocab_size: int,
    *,
    context: int = 2,
    dim: int = 12,
    n_classes: int = 16,
    n_train: int = 3000,
    n_test: int = 1000,
    seed: int = 0,
    name: str = "text",
) -> NextSymbolTask:
    """Predict the next word from the ``context`` words before it.

    ``ids`` are word ids ordered by frequency (id 0 the most frequent word, as
    :func:`relulab.text.encode` gives them), below ``vocab_size``. The input is
    the context's fixed random embeddings (``dim`` numbers per word, drawn with
    ``seed``); the target is the next word's id if it is below
    ``n_classes - 1``, else ``n_classes - 1`` ("any other word").
    """
    ids = np.asarray(ids)
    vocab_size = check_int_in(vocab_size, "vocab_size", 2, 1_000_000)
    check_text(name, "name")
    context = check_int_in(context, "context", 1)
    n_classes = check_int_in(n_classes, "n_classes", 2)
    seed = check_int_in(seed, "seed", 0, 2**32 - 1)
    win = ngrams(ids, context + 1)
    x = embed_ngrams(win[:, :-1], vocab_size, check_int_in(dim, "dim", 1, 100_000), seed=seed)
    y = np.minimum(win[:, -1], n_classes - 1)
    return _split_standardize(name, x, y, check_int_in(n_train, "n_train", 1), check_int_in(n_test, "n_test", 1), n_classes, seed)


def whiten(task: NextSymbolTask, *, name: str | None = None, eps: float = 1e-6) -> NextSymbolTask:
    """The same task with decorrelated inputs: ZCA whitening fitted on the training inputs.

    ``x -> (x - mean) @ C^{-1/2}`` with ``C`` the training covariance (plus
    ``eps`` on the diagonal): every direction of the training inputs then has
    variance 1, so the effective rank becomes the dimension, while the
    information in the inputs (and the targets) is unchanged. ``name``
    defaults to the task's name followed by ``" (whitened)"``.
    """
    if not isinstance(task, NextSymbolTask):
        raise TypeError(f"task must be a NextSymbolTask (see image_task, text_task), got {type(task).__name__}")
    if name is not None:
        check_text(name, "name")
    eps = check_scalar_in(eps, "eps", 0.0, 1.0, low_open=True)
    x = task.x_train
    mu = x.mean(dim=0)
    cov = torch.cov((x - mu).T)
    lam, u = torch.linalg.eigh(cov)
    w = u @ torch.diag(1.0 / torch.sqrt(lam.clamp_min(0) + eps)) @ u.T
    return NextSymbolTask(name if name is not None else f"{task.name} (whitened)", (x - mu) @ w, task.y_train, (task.x_test - mu) @ w, task.y_test, task.n_classes)


class BatchedLinear(nn.Module):
    """``M`` independent linear layers applied at once: input ``(M, B, d_in)`` -> ``(M, B, d_out)``.

    Model ``m`` draws its weights and biases, uniform in ``±1/sqrt(d_in)``
    (PyTorch's default for ``nn.Linear``), from ``generators[m]``.
    """

    def __init__(self, d_in: int, d_out: int, generators: Sequence[torch.Generator], dtype: torch.dtype = torch.float64):
        super().__init__()
        d_in, d_out = check_int_in(d_in, "d_in", 1, 100_000), check_int_in(d_out, "d_out", 1, 100_000)
        if isinstance(generators, (str, bytes)) or not isinstance(generators, Sequence) or not generators:
            raise TypeError(f"generators must be a non-empty sequence of torch.Generator, got {generators!r}")
        if not all(isinstance(g, torch.Generator) for g in generators):
            raise TypeError("generators must hold torch.Generator objects")
        bound = 1.0 / math.sqrt(d_in)
        w = [torch.empty(d_in, d_out, dtype=dtype).uniform_(-bound, bound, generator=g) for g in generators]
        b = [torch.empty(1, d_out, dtype=dtype).uniform_(-bound, bound, generator=g) for g in generators]
        self.weight = nn.Parameter(torch.stack(w))
        self.bias = nn.Parameter(torch.stack(b))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.baddbmm(self.bias, x, self.weight)


class BatchedMLP(nn.Sequential):
    """``len(seeds)`` MLPs ``widths[0] -> ... -> widths[-1]`` trained side by side.

    Module names follow :func:`relulab.training.mlp`: ``fc1, act1, fc2, act2,
    ..., out``. Model ``m`` is initialized from ``torch.Generator`` seeded with
    ``seeds[m]``; equal seeds give equal initial weights (seeds may repeat:
    one per learning rate of a grid).
    """

    def __init__(self, widths: Sequence[int], activation: Callable[[], nn.Module], seeds: Sequence[int], *, dtype: torch.dtype = torch.float64):
        widths = check_int_list(widths, "widths", 1, 100_000)
        if len(widths) < 2:
            raise ValueError(f"widths needs at least an input and an output size, got {widths}")
        check_callable(activation, "activation")
        if isinstance(seeds, (int, str)) or not isinstance(seeds, Sequence) or not seeds:
            raise TypeError(f"seeds must be a non-empty sequence of integers, got {seeds!r}")
        gens = [torch.Generator().manual_seed(check_int_in(s, f"seeds[{i}]", 0, 2**32 - 1)) for i, s in enumerate(seeds)]
        super().__init__(stack_layers(widths, lambda a, b: BatchedLinear(a, b, gens, dtype), activation))
        self.n_models = len(seeds)


def _per_model_loss(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    m, b, k = logits.shape
    return nn.functional.cross_entropy(logits.reshape(m * b, k), y.reshape(m * b), reduction="none").view(m, b).mean(dim=1)


def train_batched(
    model: BatchedMLP,
    x: torch.Tensor,
    y: torch.Tensor,
    *,
    lrs: Sequence[float],
    seeds: Sequence[int],
    steps: int,
    batch_size: int = 32,
    data_index: Sequence[int] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Train every model of ``model`` with plain SGD on its own learning rate and mini-batches.

    ``x`` is one training set ``(N, d)`` shared by every model, or a stack of
    ``K`` training sets ``(K, N, d)`` (``y``: ``(N,)`` or ``(K, N)``); then
    model ``m`` trains on set ``data_index[m]`` (by default ``K`` must equal
    the number of models ``M`` and model ``m`` uses set ``m``). Model ``m`` uses
    ``lrs[m]`` and draws its mini-batches (with replacement) from a numpy
    generator seeded with ``seeds[m]``, so runs with the same seed see the
    same examples in the same order. A model whose loss becomes non-finite is
    frozen (its learning rate set to 0) and reported diverged.

    Returns
    -------
    (losses, diverged)
        Training loss per step and model, shape ``(steps, M)`` (NaN after
        divergence), and a boolean array of shape ``(M,)``.
    """
    m = model.n_models
    if len(lrs) != m or len(seeds) != m:
        raise ValueError(f"need one learning rate and one seed per model ({m}), got {len(lrs)} and {len(seeds)}")
    if x.dim() == 2:
        x, y = x.unsqueeze(0), y.unsqueeze(0)
    if x.dim() != 3 or y.shape != x.shape[:2]:
        raise ValueError(f"x must be (N, d) or (K, N, d) with y (N,) or (K, N); got x {tuple(x.shape)}, y {tuple(y.shape)}")
    if data_index is None:
        if x.shape[0] not in (1, m):
            raise ValueError(f"x holds {x.shape[0]} training sets for {m} models: give data_index (one set per model)")
        data_index = [0] * m if x.shape[0] == 1 else list(range(m))
    if len(data_index) != m or not all(0 <= int(i) < x.shape[0] for i in data_index):
        raise ValueError(f"data_index must give, for each of the {m} models, a training set in [0, {x.shape[0] - 1}]")
    sets = torch.as_tensor([int(i) for i in data_index]).view(m, 1)
    lr = torch.tensor([check_scalar_in(v, f"lrs[{i}]", 0.0, 1e3, low_open=True) for i, v in enumerate(lrs)], dtype=torch.float64)
    steps = check_int_in(steps, "steps", 1)
    batch_size = check_int_in(batch_size, "batch_size", 1)
    n = x.shape[1]
    idx = torch.as_tensor(np.stack([np.random.default_rng(check_int_in(s, "seed", 0, 2**32 - 1)).integers(0, n, size=(steps, batch_size)) for s in seeds]))
    params = list(model.parameters())
    losses = np.full((steps, m), np.nan)
    alive = torch.ones(m, dtype=torch.bool)
    first_bad = np.full(m, steps)
    for step in range(steps):
        rows = idx[:, step]
        per = _per_model_loss(model(x[sets, rows]), y[sets, rows])
        ok = torch.isfinite(per.detach())
        if not bool(ok.all()):
            first_bad[(alive & ~ok).numpy()] = step
            alive &= ok
        for p in params:
            p.grad = None
        torch.where(alive, per, torch.zeros_like(per)).sum().backward()
        with torch.no_grad():
            scale = (-lr * alive).view(m, 1, 1)
            for p in params:
                g = p.grad if bool(alive.all()) else torch.nan_to_num(p.grad)
                p.addcmul_(scale, g)
        losses[step] = per.detach().numpy()
    for i in np.flatnonzero(first_bad < steps):
        losses[first_bad[i] :, i] = np.nan
    return losses, ~alive.numpy()


@torch.no_grad()
def dead_units(model: nn.Module, x: torch.Tensor, layers: Sequence[str] | None = None, *, chunk: int = 500) -> dict[str, torch.Tensor]:
    """For each activation layer, which units output nothing positive on any row of ``x``.

    ``x`` is one data set ``(N, d)`` (fed to every model of a :class:`BatchedMLP`)
    or ``(M, N, d)``. Returns, per layer name, a boolean tensor ``(M, units)``
    (``(units,)`` for an ordinary model fed ``(N, d)``): ``True`` where the
    unit is dead, i.e. its output is ``<= 0`` for every row. For ReLU, Leaky
    ReLU and GELU that means its pre-activation is never positive. Rows are
    fed ``chunk`` at a time, so memory does not grow with ``N``.
    """
    chunk = check_int_in(chunk, "chunk", 1)
    check_module(model, "model")
    check_inputs_fit(model, x, "x")
    if isinstance(model, BatchedMLP) and x.dim() == 2:
        x = x.unsqueeze(0).expand(model.n_models, -1, -1)
    alive: dict[str, torch.Tensor] = {}
    with ActivationRecorder(model, layers) as rec:
        for start in range(0, x.shape[-2], chunk):
            model(x[..., start : start + chunk, :])
            for name, out in rec.outputs.items():
                seen = (out > 0).any(dim=-2)
                alive[name] = alive[name] | seen if name in alive else seen
    return {name: ~a for name, a in alive.items()}


@dataclass
class RunResult:
    """One run of :func:`protocol`: a domain, a learning rate and a seed."""

    domain: str
    lr: float
    seed: int
    dead_init: float
    dead_end: float
    rel_loss: float
    diverged: bool
    loss_curve: np.ndarray = field(repr=False)


def protocol(
    tasks: Sequence[NextSymbolTask],
    *,
    lrs: Sequence[float],
    seeds: Sequence[int],
    hidden: int = 32,
    depth: int = 2,
    steps: int = 300,
    batch_size: int = 32,
    activation: Callable[[], nn.Module] = nn.ReLU,
) -> list[RunResult]:
    """Train the same MLP on every task, for every learning rate × seed; measure dead units and loss.

    The MLP is ``n_features -> hidden (× depth) -> n_classes`` with
    ``activation``. Every task must have the same input size, number of
    classes and training-set size: all runs (tasks × learning rates × seeds)
    are then trained together as one :class:`BatchedMLP`, and seed ``s``
    gives the same initial weights and the same mini-batch positions on every
    task. Dead units (:func:`dead_units`, all hidden layers pooled) are
    counted on the union of the task's training and test inputs, at
    initialization and after ``steps`` SGD steps; ``rel_loss`` is the final
    test loss divided by :meth:`NextSymbolTask.baseline_loss`. Both are NaN
    for a run that diverged.
    """
    if not tasks:
        raise ValueError("tasks is empty")
    shapes = {(t.n_features, t.n_classes, int(t.x_train.shape[0]), int(t.x_test.shape[0])) for t in tasks}
    if len(shapes) != 1:
        raise ValueError(f"tasks must share input size, classes, train and test sizes; got {sorted(shapes)}")
    seeds = check_seeds(seeds)
    lrs = [check_scalar_in(v, "lr", 0.0, 1e3, low_open=True) for v in lrs]
    if not lrs:
        raise ValueError("lrs is empty")
    hidden = check_int_in(hidden, "hidden", 1)
    depth = check_int_in(depth, "depth", 1, 10)
    grid = [(task, lr, s) for task in tasks for lr in lrs for s in seeds]
    t0 = tasks[0]
    model = BatchedMLP([t0.n_features] + [hidden] * depth + [t0.n_classes], activation, [g[2] for g in grid])
    # one copy of each task's data; model m reads task data_index[m]
    data_index = torch.as_tensor([k for k in range(len(tasks)) for _ in range(len(lrs) * len(seeds))])
    x_all = torch.stack([torch.cat([t.x_train, t.x_test]) for t in tasks])

    def dead_share() -> torch.Tensor:
        alive = None
        for start in range(0, x_all.shape[1], 200):  # 200 rows at a time: memory stays small
            dead = dead_units(model, x_all[data_index, start : start + 200])
            seen = ~torch.cat(list(dead.values()), dim=1)
            alive = seen if alive is None else alive | seen
        return (~alive).double().mean(dim=1)

    before = dead_share()
    losses, diverged = train_batched(
        model,
        torch.stack([t.x_train for t in tasks]),
        torch.stack([t.y_train for t in tasks]),
        lrs=[g[1] for g in grid],
        seeds=[g[2] for g in grid],
        steps=steps,
        batch_size=batch_size,
        data_index=data_index.tolist(),
    )
    after = dead_share()
    with torch.no_grad():
        x_test, y_test = torch.stack([t.x_test for t in tasks]), torch.stack([t.y_test for t in tasks])
        test = _per_model_loss(model(x_test[data_index]), y_test[data_index]).numpy()
    base = {t.name: t.baseline_loss() for t in tasks}
    return [
        RunResult(
            domain=task.name,
            lr=lr,
            seed=s,
            dead_init=float(before[i]),
            dead_end=float("nan") if diverged[i] else float(after[i]),
            rel_loss=float("nan") if diverged[i] else float(test[i] / base[task.name]),
            diverged=bool(diverged[i]),
            loss_curve=losses[:, i],
        )
        for i, (task, lr, s) in enumerate(grid)
    ]


def pm(values: Sequence[float] | np.ndarray, digits: int = 2) -> str:
    """``"mean ± std"`` of ``values`` (NaNs ignored), the mean to ``digits`` significant digits, the std to 1.

    ``"–"`` if every value is NaN (e.g. every run diverged).
    """
    if isinstance(values, np.ndarray):
        v = check_array(values, "values").astype(np.float64).ravel()
    else:
        v = np.asarray(check_numbers(values, "values"), dtype=np.float64)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return "–"
    return f"{fmt(float(v.mean()), digits)} ± {fmt(float(v.std()), 1)}"


def summary_headers() -> list[str]:
    """Headers of :func:`summary_rows` in the current language."""
    return [t("domains.domain"), t("domains.lr"), t("domains.dead_share"), t("domains.rel_loss"), t("domains.diverged")]


def summary_rows(runs: Sequence[RunResult]) -> list[list[object]]:
    """One row per (domain, learning rate): dead share after training and relative loss as ``mean ± std`` over seeds, and the number of diverged runs."""
    keys = list(dict.fromkeys((r.domain, r.lr) for r in runs))
    rows = []
    for domain, lr in keys:
        sel = [r for r in runs if r.domain == domain and r.lr == lr]
        rows.append([domain, lr, pm([r.dead_end for r in sel]), pm([r.rel_loss for r in sel]), sum(r.diverged for r in sel)])
    return rows


def grid(runs: Sequence[RunResult], domain: str, field: str = "dead_end") -> tuple[list[float], np.ndarray]:
    """``(learning rates, values)`` of one domain: ``values[i, j]`` is ``field`` for seed ``i`` at learning rate ``j``."""
    sel = [r for r in runs if r.domain == domain]
    if not sel:
        raise ValueError(f"no run of domain {domain!r}; domains: {sorted({r.domain for r in runs})}")
    if field not in ("dead_init", "dead_end", "rel_loss"):
        raise ValueError(f"field must be 'dead_init', 'dead_end' or 'rel_loss', got {field!r}")
    lrs = list(dict.fromkeys(r.lr for r in sel))
    seeds = list(dict.fromkeys(r.seed for r in sel))
    values = np.full((len(seeds), len(lrs)), np.nan)
    for r in sel:
        values[seeds.index(r.seed), lrs.index(r.lr)] = getattr(r, field)
    return lrs, values
