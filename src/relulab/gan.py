"""A small GAN on a ring of Gaussians: does a Leaky ReLU discriminator help the generator?

The generator learns to turn noise into points of the plane that look like
samples of :func:`ring_of_gaussians` (``modes`` small Gaussian blobs evenly
spaced on a circle); the discriminator learns to tell real points from
generated ones, and the generator learns *only* through the gradient of the
discriminator's output with respect to the generated points. A ReLU unit of
the discriminator that is off at a generated point passes no gradient back
through that point; if it is off everywhere it is dead. DCGAN's authors used
Leaky ReLU (slope 0.2) in the discriminator (Radford et al., 2016); this
module measures what that choice changes, several seeds at once
(:class:`relulab.domains.BatchedMLP`):

- ``grad_norm``: the average length of ``∂ loss_G / ∂ x`` over generated
  points ``x``, the signal that reaches the generator;
- ``dead_share``: the share of the discriminator's hidden units whose
  pre-activation is ``<= 0`` on every real and generated point of an
  evaluation batch;
- ``modes_covered``: how many modes receive at least 1% of 1,000 generated
  points (a point belongs to a mode if it lies within 3 standard deviations
  of its centre); ``quality``: the share of generated points that belong to
  some mode.

The ring has a ceiling (both discriminators cover nearly all of its 8 modes),
so :func:`grid_comparison` (registered experiment ``ch5c-gan``) compares the
two discriminators on a 5 × 5 grid of Gaussians (:func:`grid_centres`), each
at its own learning rate tuned on held-out seeds with
:func:`sliced_wasserstein`, and reports modes covered, the share of points on
a mode and :func:`energy_distance` to fresh target points, paired by seed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from ._checks import check_finite_array, check_int_in, check_range, check_scalar_in, check_seeds, check_sequence
from .domains import BatchedMLP, dead_units
from .i18n import register
from .replication import experiment
from .training import _Optimizer  # torch.optim.Adam written out (creating one imports torch._dynamo)

__all__ = [
    "ring_centres", "ring_of_gaussians", "grid_centres", "mixture_of_gaussians", "mode_coverage", "energy_distance",
    "sliced_wasserstein", "BatchedLeakyReLU", "GanRun", "train_gan", "GridArm", "train_gan_arms", "grid_comparison",
]

register(
    {
        "gan.discriminator": {"en": "discriminator", "it": "discriminatore"},
        "gan.leaky_02": {"en": "Leaky ReLU 0.2", "it": "Leaky ReLU 0,2"},
        "gan.correlation": {"en": "{name} correlation {r}", "it": "{name} correlazione {r}"},
        "gan.all_runs": {"en": "all runs", "it": "tutte le esecuzioni"},
        "gan.grad_norm": {"en": "gradient reaching G", "it": "gradiente che arriva a G"},
        "gan.dead_share": {"en": "dead units of D", "it": "unità morte di D"},
        "gan.modes": {"en": "modes covered", "it": "mode coperte"},
        "gan.quality": {"en": "points on a mode", "it": "punti su una moda"},
        "gan.step": {"en": "training step", "it": "passo di addestramento"},
        "gan.real": {"en": "real", "it": "veri"},
        "gan.fake": {"en": "generated", "it": "generati"},
        "gan.scale": {"en": "scale", "it": "scala"},
        "gan.scale.book": {"en": "book (live)", "it": "libro (dal vivo)"},
        "gan.scale.full": {"en": "full (recorded)", "it": "completa (registrata)"},
        "gan.setting": {"en": "learning rate", "it": "learning rate"},
        "gan.setting.tuned": {"en": "own tuned", "it": "tarato per ciascuno"},
        "gan.setting.shared": {"en": "shared", "it": "comune"},
        "gan.measure": {"en": "measure", "it": "misura"},
        "gan.energy": {"en": "energy distance", "it": "distanza energetica"},
        "gan.modes25": {"en": "modes covered (of 25)", "it": "mode coperte (su 25)"},
        "gan.difference": {"en": "ReLU − Leaky ReLU [95% interval]", "it": "ReLU − Leaky ReLU [intervallo al 95%]"},
        "gan.rates": {
            "en": "{scale}: tuned learning rates ReLU {r}, Leaky ReLU 0.2 {l}; shared {s} (grid {grid})",
            "it": "{scale}: learning rate tarati ReLU {r}, Leaky ReLU 0,2 {l}; comune {s} (griglia {grid})",
        },
    }
)


#: The most modes a ring may have (a ring of more is no longer a ring of separate Gaussians).
MAX_MODES = 10_000


def ring_centres(modes: int = 8, radius: float = 2.0) -> np.ndarray:
    """Centres of ``modes`` points evenly spaced on a circle of ``radius``, shape ``(modes, 2)``."""
    modes = check_int_in(modes, "modes", 1, MAX_MODES)
    radius = check_scalar_in(radius, "radius", 0.0, 1e6, low_open=True)
    angles = 2 * np.pi * np.arange(modes) / modes
    return radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)


def ring_of_gaussians(n: int, *, modes: int = 8, radius: float = 2.0, std: float = 0.05, rng: np.random.Generator) -> np.ndarray:
    """``n`` points from an equal mixture of Gaussians (standard deviation ``std``) centred on :func:`ring_centres`."""
    n = check_int_in(n, "n", 1, 100_000_000)
    std = check_scalar_in(std, "std", 0.0, 1e6, low_open=True)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy Generator (np.random.default_rng(seed)), got {type(rng).__name__}")
    centres = ring_centres(modes, radius)
    which = rng.integers(0, modes, size=n)
    return centres[which] + std * rng.standard_normal((n, 2))


def grid_centres(side: int = 5, spacing: float = 2.0) -> np.ndarray:
    """Centres of a ``side`` × ``side`` square grid with ``spacing`` between neighbours, centred on 0: ``(side**2, 2)``."""
    side = check_int_in(side, "side", 1, 100)
    spacing = check_scalar_in(spacing, "spacing", 0.0, 1e6, low_open=True)
    ticks = spacing * (np.arange(side) - (side - 1) / 2)
    gx, gy = np.meshgrid(ticks, ticks, indexing="ij")
    return np.stack([gx.ravel(), gy.ravel()], axis=1)


def _points(x: object, name: str) -> np.ndarray:
    pts = check_finite_array(x, name).astype(np.float64)
    if pts.ndim != 2 or pts.shape[1] != 2 or pts.shape[0] == 0:
        raise ValueError(f"{name} must have shape (n, 2) with n >= 1, got {pts.shape}")
    return pts


def mixture_of_gaussians(n: int, centres: np.ndarray, *, std: float = 0.05, rng: np.random.Generator) -> np.ndarray:
    """``n`` points from an equal mixture of round Gaussians (standard deviation ``std``) at ``centres`` ``(k, 2)``."""
    n = check_int_in(n, "n", 1, 100_000_000)
    c = _points(centres, "centres")
    std = check_scalar_in(std, "std", 0.0, 1e6, low_open=True)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy Generator (np.random.default_rng(seed)), got {type(rng).__name__}")
    return c[rng.integers(0, len(c), size=n)] + std * rng.standard_normal((n, 2))


def energy_distance(x: np.ndarray, y: np.ndarray) -> float:
    """Energy distance ``2 E|X - Y| - E|X - X'| - E|Y - Y'|`` between two samples of points of the plane.

    ``x`` ``(n, 2)`` and ``y`` ``(m, 2)``, each with at least 2 points; the
    within-sample terms average over distinct pairs (unbiased U-statistics), so
    two samples of one distribution give about 0 (the estimate can dip
    slightly below 0), and the value grows with every way the distributions
    differ (Székely and Rizzo's energy statistic, in the units of the points).
    """
    a, b = _points(x, "x"), _points(y, "y")
    for name, v in (("x", a), ("y", b)):
        if len(v) < 2:
            raise ValueError(f"{name} must hold at least 2 points, got {len(v)}")

    def mean_dist(p: np.ndarray, q: np.ndarray, same: bool) -> float:
        total = 0.0
        for start in range(0, len(p), 500):  # 500 rows of distances at a time: sqrt(dx² + dy²), summed
            dx = p[start : start + 500, 0, None] - q[:, 0]
            dy = p[start : start + 500, 1, None] - q[:, 1]
            dx *= dx
            dy *= dy
            dx += dy
            total += np.sqrt(dx, out=dx).sum()
        return total / (len(p) * (len(q) - 1) if same else len(p) * len(q))

    return float(2 * mean_dist(a, b, False) - mean_dist(a, a, True) - mean_dist(b, b, True))


def sliced_wasserstein(x: np.ndarray, y: np.ndarray, *, projections: int = 64) -> float:
    """Sliced 1-Wasserstein distance between two samples of points of the plane.

    Both samples are projected on ``projections`` directions evenly spaced over
    half a turn; on each line the 1-Wasserstein distance between the two sets of
    projections is the mean gap between matching quantiles (200 quantile levels);
    the result is the mean over directions. A translation by ``v`` gives about
    ``2 |v| / pi``.
    """
    a, b = _points(x, "x"), _points(y, "y")
    projections = check_int_in(projections, "projections", 1, 100_000)
    angles = np.pi * np.arange(projections) / projections
    dirs = np.stack([np.cos(angles), np.sin(angles)])  # (2, P)
    levels = (np.arange(200) + 0.5) / 200
    qa = np.quantile(a @ dirs, levels, axis=0)
    qb = np.quantile(b @ dirs, levels, axis=0)
    return float(np.abs(qa - qb).mean())


def mode_coverage(
    points: np.ndarray, *, modes: int = 8, radius: float = 2.0, std: float = 0.05, min_share: float = 0.01,
    centres: np.ndarray | None = None,
) -> tuple[int, float]:
    """``(modes covered, quality)`` of generated ``points`` (see the module's docstring).

    The modes are the ring's (``modes``, ``radius``) unless ``centres`` ``(k, 2)`` are given.
    """
    pts = _points(points, "points")
    min_share = check_scalar_in(min_share, "min_share", 0.0, 1.0)
    std = check_scalar_in(std, "std", 0.0, 1e6, low_open=True)
    centres = ring_centres(modes, radius) if centres is None else _points(centres, "centres")
    modes = len(centres)
    dist = np.linalg.norm(pts[:, None, :] - centres[None], axis=2)
    near = dist.min(axis=1) <= 3 * std
    nearest = dist.argmin(axis=1)
    counts = np.bincount(nearest[near], minlength=modes)
    return int((counts >= min_share * pts.shape[0]).sum()), float(near.mean())


class BatchedLeakyReLU(nn.Module):
    """Leaky ReLU with one negative slope per model of a batched input ``(M, ...)``.

    Slope 0 is ReLU (``max(0, x)``, exactly), slope 0.2 is DCGAN's Leaky ReLU.
    Lets ReLU and Leaky ReLU discriminators train side by side in one
    :class:`relulab.domains.BatchedMLP`. Models with the same slope next to
    each other share one ``leaky_relu`` call (``x`` where ``x > 0``, else
    ``slope * x``, and the matching gradient).
    """

    def __init__(self, slopes: Sequence[float]):
        super().__init__()
        vals = [check_scalar_in(v, f"slopes[{i}]", 0.0, 1.0) for i, v in enumerate(check_sequence(slopes, "slopes", min_len=0))]
        if not vals:
            raise ValueError("slopes is empty")
        self.register_buffer("slopes", torch.tensor(vals, dtype=torch.float64))
        self._runs: list[tuple[int, int, float]] = []  # (first model, end, slope) of each run of equal slopes
        for i, v in enumerate(vals):
            if self._runs and self._runs[-1][2] == v:
                self._runs[-1] = (self._runs[-1][0], i + 1, v)
            else:
                self._runs.append((i, i + 1, v))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.shape[0] != self.slopes.numel():
            raise ValueError(f"input has {x.shape[0]} models, the activation has {self.slopes.numel()} slopes")
        if len(self._runs) == 1:
            return nn.functional.leaky_relu(x, self._runs[0][2])
        blocks = x.split([b - a for a, b, _ in self._runs])
        return torch.cat([nn.functional.leaky_relu(h, v) for h, (_, _, v) in zip(blocks, self._runs)])


@dataclass(frozen=True)
class GanRun:
    """What :func:`train_gan` measured, one row per seed.

    ``checkpoints`` are the steps at which ``grad_norm`` and ``dead_share``
    (shape ``(seeds, len(checkpoints))``) were measured; ``samples`` are the
    final generated points, shape ``(seeds, n_eval, 2)``.
    """

    slope: float
    seeds: tuple[int, ...]
    checkpoints: np.ndarray
    grad_norm: np.ndarray
    dead_share: np.ndarray
    modes_covered: np.ndarray
    quality: np.ndarray
    samples: np.ndarray


def _adversarial_step(
    gen: nn.Module,
    disc: nn.Module,
    opt_g: _Optimizer,
    opt_d: _Optimizer,
    z: Callable[[int], torch.Tensor],
    real: Callable[[int], torch.Tensor],
    ones: torch.Tensor,
    step_g: Callable[[], None],
    step_d: Callable[[], None],
) -> torch.Tensor:
    """One training step of both players, batched over runs; returns the generator's batch, its gradient kept.

    Non-saturating losses (Goodfellow et al., 2014): the discriminator minimizes
    ``BCE(D(real), 1) + BCE(D(fake), 0)``, then the generator ``BCE(D(fake), 1)``,
    each run's loss the mean over its batch. ``z(n)``/``real(n)`` draw a batch of
    ``n = ones.shape[1]`` points per run; ``step_d``/``step_g`` apply the optimizers'
    updates (the caller may scale them per run).

    Only the gradients that an update uses are computed: the generator's batch for
    the discriminator's step is drawn without a graph, and during the generator's
    step the discriminator's parameters are frozen (the gradient still flows through
    them to the generated points). The updates are exactly those of full backward
    passes, whose extra gradients the next ``zero_grad`` would discard.
    """
    bce = nn.functional.binary_cross_entropy_with_logits
    batch_size = ones.shape[1]
    with torch.no_grad():
        fake = gen(z(batch_size))
    loss_d = bce(disc(real(batch_size)), ones, reduction="none").mean((1, 2)) + bce(disc(fake), 0 * ones, reduction="none").mean((1, 2))
    opt_d.zero_grad()
    loss_d.sum().backward()
    step_d()
    fake = gen(z(batch_size))
    fake.retain_grad()
    disc.requires_grad_(False)
    try:
        loss_g = bce(disc(fake), ones, reduction="none").mean((1, 2))
        opt_g.zero_grad()
        loss_g.sum().backward()
    finally:
        disc.requires_grad_(True)
    step_g()
    return fake


def train_gan(
    slopes: Sequence[float],
    *,
    seeds: Sequence[int],
    steps: int = 600,
    batch_size: int = 64,
    hidden: int = 32,
    z_dim: int = 8,
    lr: float = 2e-3,
    std: float = 0.1,
    every: int = 50,
    n_eval: int = 1000,
) -> list[GanRun]:
    """Train one GAN per discriminator slope and seed, all at once; one :class:`GanRun` per slope.

    The generator uses ReLU; the discriminator's hidden units use Leaky ReLU
    with negative slope ``slopes[i]`` (0 = ReLU). Both networks have two hidden
    layers of ``hidden`` units; losses are the standard non-saturating ones
    (Goodfellow et al., 2014): D minimizes ``BCE(D(real), 1) + BCE(D(fake), 0)``,
    G minimizes ``BCE(D(fake), 1)``. Adam with ``betas = (0.5, 0.999)`` as in
    DCGAN. Seed ``s`` fixes both networks' initial weights, the noise and the
    real samples of its run, whatever the slope: the runs of one seed differ
    only by the discriminator's activation. The data are :func:`ring_of_gaussians`
    with 8 modes, radius 2 and standard deviation ``std``.
    """
    slopes = [check_scalar_in(v, f"slopes[{i}]", 0.0, 1.0) for i, v in enumerate(check_sequence(slopes, "slopes", min_len=0))]
    if not slopes:
        raise ValueError("slopes is empty")
    seeds = check_seeds(seeds)
    steps = check_int_in(steps, "steps", 1)
    batch_size = check_int_in(batch_size, "batch_size", 1, 100_000)
    hidden = check_int_in(hidden, "hidden", 1, 100_000)
    z_dim = check_int_in(z_dim, "z_dim", 1, 100_000)
    lr = check_scalar_in(lr, "lr", 0.0, 1.0, low_open=True)
    std = check_scalar_in(std, "std", 0.0, 1.0, low_open=True)
    every = check_int_in(every, "every", 1)
    n_eval = check_int_in(n_eval, "n_eval", 1, 10_000_000)
    runs = [(a, x) for a in slopes for x in seeds]
    m = len(runs)
    gen = BatchedMLP([z_dim, hidden, hidden, 2], nn.ReLU, [10_000 + x for _, x in runs])
    disc = BatchedMLP([2, hidden, hidden, 1], lambda: BatchedLeakyReLU([a for a, _ in runs]), [x for _, x in runs])
    opt_g = _Optimizer(gen.parameters(), "adam", lr=lr, betas=(0.5, 0.999))
    opt_d = _Optimizer(disc.parameters(), "adam", lr=lr, betas=(0.5, 0.999))
    k = len(seeds)

    def per_seed(draw: Callable[[np.random.Generator], np.ndarray], rngs: list[np.random.Generator]) -> torch.Tensor:
        one = torch.as_tensor(np.stack([draw(r) for r in rngs]))  # (seeds, n, d)
        return one.repeat(len(slopes), 1, 1)  # the same draws for every slope

    data_rngs = [np.random.default_rng(x) for x in seeds]
    noise_rngs = [np.random.default_rng(2**31 + x) for x in seeds]

    centres = ring_centres()

    def real(n: int) -> torch.Tensor:  # ring_of_gaussians(n, std=std, rng=r), its draws in the same order
        return per_seed(lambda r: centres[r.integers(0, len(centres), size=n)] + std * r.standard_normal((n, 2)), data_rngs)

    def z(n: int) -> torch.Tensor:
        return per_seed(lambda r: r.standard_normal((n, z_dim)), noise_rngs)

    eval_z, eval_real = z(n_eval), real(n_eval)
    checkpoints, grads, dead = [], [], []
    ones = torch.ones(m, batch_size, 1, dtype=torch.float64)
    for step in range(1, steps + 1):
        fake = _adversarial_step(gen, disc, opt_g, opt_d, z, real, ones, opt_g.step, opt_d.step)
        if step % every == 0 or step == 1:
            checkpoints.append(step)
            # the gradient of the mean loss, times the batch size, is each point's own gradient
            grads.append((fake.grad * batch_size).norm(dim=2).mean(dim=1).numpy().copy())
            with torch.no_grad():
                d = dead_units(disc, torch.cat([eval_real, gen(eval_z)], dim=1), ["act1", "act2"])
                dead.append(torch.cat(list(d.values()), dim=1).double().mean(dim=1).numpy())
    with torch.no_grad():
        samples = gen(eval_z).numpy()
    cover = [mode_coverage(p, std=std) for p in samples]
    g, dd = np.stack(grads, axis=1), np.stack(dead, axis=1)
    out = []
    for i, a in enumerate(slopes):
        sl = slice(i * k, (i + 1) * k)
        out.append(
            GanRun(
                slope=a,
                seeds=tuple(seeds),
                checkpoints=np.array(checkpoints),
                grad_norm=g[sl],
                dead_share=dd[sl],
                modes_covered=np.array([c[0] for c in cover[sl]]),
                quality=np.array([c[1] for c in cover[sl]]),
                samples=samples[sl],
            )
        )
    return out


@dataclass(frozen=True)
class GridArm:
    """One arm of :func:`train_gan_arms`: a discriminator slope and the learning rate of both networks."""

    slope: float
    lr: float


def train_gan_arms(
    arms: Sequence[GridArm],
    *,
    seeds: Sequence[int],
    steps: int = 1500,
    batch_size: int = 128,
    hidden: int = 64,
    z_dim: int = 8,
    side: int = 5,
    spacing: float = 2.0,
    std: float = 0.05,
    n_eval: int = 1000,
) -> list[dict]:
    """Train one GAN per arm and seed on a ``side`` × ``side`` grid of Gaussians, all at once.

    The networks are those of :func:`train_gan` (two hidden layers of ``hidden``
    units, ReLU generator, Leaky ReLU discriminator of the arm's slope,
    non-saturating losses, Adam with ``betas = (0.5, 0.999)``), but each arm has
    its own learning rate (the same for both networks). Adam's step is computed
    with rate 1 and scaled per model, which is Adam with the model's rate.
    Seed ``s`` fixes the initial weights, the noise and the real samples,
    whatever the arm. Returns, per arm, a dict of per-seed arrays measured at
    the end on ``n_eval`` points generated from fixed noise: ``modes``
    (:func:`mode_coverage` with 1% of the points and 3 ``std``), ``quality``
    (share of points within 3 ``std`` of a centre), ``energy``
    (:func:`energy_distance` to ``n_eval`` fresh target points), ``sliced``
    (:func:`sliced_wasserstein` to another ``n_eval`` fresh target points),
    ``dead`` (share of the discriminator's hidden units never positive on the
    generated and target points), ``grad`` (mean length of the generator loss's
    gradient per generated point over the last 10% of the steps) and ``samples``.
    """
    if isinstance(arms, (str, bytes)) or not isinstance(arms, Sequence) or not arms:
        raise ValueError(f"arms must be a non-empty sequence of GridArm, got {arms!r}")
    for i, a in enumerate(arms):
        if not isinstance(a, GridArm):
            raise TypeError(f"arms[{i}] must be a GridArm(slope, lr), got {type(a).__name__}")
        check_scalar_in(a.slope, f"arms[{i}].slope", 0.0, 1.0)
        check_scalar_in(a.lr, f"arms[{i}].lr", 0.0, 1.0, low_open=True)
    seeds = check_seeds(seeds)
    steps = check_int_in(steps, "steps", 1)
    batch_size = check_int_in(batch_size, "batch_size", 1)
    hidden = check_int_in(hidden, "hidden", 1)
    z_dim = check_int_in(z_dim, "z_dim", 1)
    std = check_scalar_in(std, "std", 0.0, 1.0, low_open=True)
    n_eval = check_int_in(n_eval, "n_eval", 2)
    centres = grid_centres(side, spacing)
    runs = [(a, x) for a in arms for x in seeds]
    m, k = len(runs), len(seeds)
    dtype = torch.float32
    gen = BatchedMLP([z_dim, hidden, hidden, 2], nn.ReLU, [10_000 + x for _, x in runs], dtype=dtype)
    disc = BatchedMLP([2, hidden, hidden, 1], lambda: BatchedLeakyReLU([a.slope for a, _ in runs]), [x for _, x in runs], dtype=dtype)
    opt_g = _Optimizer(gen.parameters(), "adam", lr=1.0, betas=(0.5, 0.999))
    opt_d = _Optimizer(disc.parameters(), "adam", lr=1.0, betas=(0.5, 0.999))
    rates = torch.tensor([a.lr for a, _ in runs], dtype=dtype)

    def step(opt: _Optimizer, group: list[torch.Tensor]) -> None:
        before = [p.detach().clone() for p in group]
        opt.step()
        with torch.no_grad():
            for p, b in zip(group, before):
                p.copy_(b + rates.view(-1, *([1] * (p.dim() - 1))) * (p - b))

    data_rngs = [np.random.default_rng(x) for x in seeds]
    noise_rngs = [np.random.default_rng(2**31 + x) for x in seeds]

    def per_seed(draw: Callable[[np.random.Generator], np.ndarray], rngs: list[np.random.Generator]) -> torch.Tensor:
        one = torch.as_tensor(np.stack([draw(r) for r in rngs]), dtype=dtype)
        return one.repeat(len(arms), 1, 1)

    def real(n: int) -> torch.Tensor:
        return per_seed(lambda r: mixture_of_gaussians(n, centres, std=std, rng=r), data_rngs)

    def z(n: int) -> torch.Tensor:
        return per_seed(lambda r: r.standard_normal((n, z_dim)), noise_rngs)

    eval_z = z(n_eval)
    ones = torch.ones(m, batch_size, 1, dtype=dtype)
    g_params, d_params = list(gen.parameters()), list(disc.parameters())
    grad_sum, grad_count = torch.zeros(m, dtype=torch.float64), 0
    tail = max(1, steps // 10)
    for s in range(1, steps + 1):
        fake = _adversarial_step(gen, disc, opt_g, opt_d, z, real, ones,
                                 lambda: step(opt_g, g_params), lambda: step(opt_d, d_params))
        if s > steps - tail:
            grad_sum += (fake.grad * batch_size).norm(dim=2).mean(dim=1).double()
            grad_count += 1
    eval_rngs = [np.random.default_rng(3 * 2**30 + x) for x in seeds]
    target_e = np.stack([mixture_of_gaussians(n_eval, centres, std=std, rng=r) for r in eval_rngs])
    target_s = np.stack([mixture_of_gaussians(n_eval, centres, std=std, rng=r) for r in eval_rngs])
    with torch.no_grad():
        samples = gen(eval_z).double().numpy()
        both = torch.cat([torch.as_tensor(target_e, dtype=dtype).repeat(len(arms), 1, 1), gen(eval_z)], dim=1)
        d = dead_units(disc, both, ["act1", "act2"])
        dead = torch.cat(list(d.values()), dim=1).double().mean(dim=1).numpy()
    grad = (grad_sum / grad_count).numpy()
    out = []
    for i, a in enumerate(arms):
        rows = range(i * k, (i + 1) * k)
        finite = [bool(np.isfinite(samples[r]).all()) for r in rows]
        cover = [mode_coverage(samples[r], std=std, centres=centres) if f else (0, 0.0) for r, f in zip(rows, finite)]
        out.append(
            {
                "slope": a.slope,
                "lr": a.lr,
                "seeds": list(seeds),
                "finite": finite,
                "modes": [c[0] for c in cover],
                "quality": [c[1] for c in cover],
                "energy": [energy_distance(samples[r], target_e[j]) if f else float("inf") for j, (r, f) in enumerate(zip(rows, finite))],
                "sliced": [sliced_wasserstein(samples[r], target_s[j]) if f else float("inf") for j, (r, f) in enumerate(zip(rows, finite))],
                "dead": [float(dead[r]) for r in rows],
                "grad": [float(grad[r]) for r in rows],
                "samples": samples[i * k : (i + 1) * k],
            }
        )
    return out


#: The two discriminators compared on the grid: ReLU (slope 0) and DCGAN's Leaky ReLU (slope 0.2).
GRID_SLOPES = (0.0, 0.2)


def _grid_run_measures(res: dict) -> dict:
    keep = ("modes", "quality", "energy", "sliced", "dead", "grad", "finite")
    return {key: [v if isinstance(v, bool) or math.isfinite(v) else None for v in res[key]] for key in keep}


@experiment(
    "ch5c-gan",
    book={"seeds": 5, "tune_seeds": 1, "lrs": [1e-3, 2e-3, 4e-3], "steps": 300, "hidden": 32, "batch_size": 64},
    full={"seeds": 12, "tune_seeds": 3, "lrs": [4e-4, 6.3e-4, 1e-3, 1.6e-3, 2.5e-3, 4e-3, 6.3e-3, 1e-2], "steps": 2500,
          "hidden": 32, "batch_size": 64},
    depends=(train_gan_arms, _adversarial_step, mode_coverage, energy_distance, sliced_wasserstein, grid_centres, mixture_of_gaussians,
             BatchedLeakyReLU, BatchedMLP, dead_units, _grid_run_measures),
)
def grid_comparison(seeds: int, tune_seeds: int, lrs: Sequence[float], steps: int, hidden: int, batch_size: int) -> dict:
    """ReLU against Leaky ReLU 0.2 discriminators on the 5 × 5 grid (spacing 1, std 0.1), each at its own tuned rate.

    Tuning: every slope and rate of ``lrs`` trains on ``tune_seeds`` seeds
    (1000, 1001, ...) that are never reported; a slope's rate is the one with
    the smallest mean :func:`sliced_wasserstein` to fresh target points (a
    held-out measure: other seeds, other points, another distance than the
    reported ones; a diverged run counts as infinitely far). The *shared* rate
    is the one with the smallest mean over both slopes. Evaluation: each slope
    at its tuned rate and at the shared rate on seeds ``0 .. seeds - 1``
    (see :func:`train_gan_arms` for the measures). Returns a JSON-serialisable
    dict: ``lrs``, ``criterion`` (slope -> mean tuning distance per rate),
    ``tuned`` (slope -> rate), ``shared`` (rate), and ``runs``: slope -> {"tuned": measures, "shared": measures}.
    """
    seeds = check_int_in(seeds, "seeds", 2)
    tune_seeds = check_int_in(tune_seeds, "tune_seeds", 1)
    if isinstance(lrs, (str, bytes)) or not isinstance(lrs, Sequence) or not lrs:
        raise ValueError(f"lrs must be a non-empty sequence of learning rates, got {lrs!r}")
    lrs = [check_scalar_in(v, f"lrs[{i}]", 0.0, 1.0, low_open=True) for i, v in enumerate(lrs)]
    common = dict(steps=steps, hidden=hidden, batch_size=batch_size, spacing=1.0, std=0.1)
    tuning = train_gan_arms([GridArm(a, v) for a in GRID_SLOPES for v in lrs],
                            seeds=[1000 + i for i in range(tune_seeds)], **common)
    crit: dict[str, list[float]] = {}
    for res in tuning:
        vals = [v if np.isfinite(v) else math.inf for v in res["sliced"]]
        crit.setdefault(str(res["slope"]), []).append(float(np.mean(vals)))
    tuned = {str(a): lrs[int(np.argmin(crit[str(a)]))] for a in GRID_SLOPES}
    both = np.mean([crit[str(a)] for a in GRID_SLOPES], axis=0)
    shared = lrs[int(np.argmin(both))]
    arms = sorted({(a, tuned[str(a)]) for a in GRID_SLOPES} | {(a, shared) for a in GRID_SLOPES})
    evals = train_gan_arms([GridArm(a, v) for a, v in arms], seeds=list(range(seeds)), **common)
    by_arm = {(r["slope"], r["lr"]): _grid_run_measures(r) for r in evals}
    runs = {str(a): {"tuned": by_arm[(a, tuned[str(a)])], "shared": by_arm[(a, shared)]} for a in GRID_SLOPES}
    crit_json = {k: [v if math.isfinite(v) else None for v in vals] for k, vals in crit.items()}
    return {"lrs": lrs, "criterion": crit_json, "tuned": tuned, "shared": shared, "seeds": list(range(seeds)), "runs": runs}
