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

__all__ = ["ring_centres", "ring_of_gaussians", "mode_coverage", "BatchedLeakyReLU", "GanRun", "train_gan"]

register(
    {
        "gan.discriminator": {"en": "discriminator", "it": "discriminatore"},
        "gan.grad_norm": {"en": "gradient reaching G", "it": "gradiente che arriva a G"},
        "gan.dead_share": {"en": "dead units of D", "it": "unità morte di D"},
        "gan.modes": {"en": "modes covered", "it": "mode coperte"},
        "gan.quality": {"en": "points on a mode", "it": "punti su una moda"},
        "gan.step": {"en": "training step", "it": "passo di addestramento"},
        "gan.real": {"en": "real", "it": "veri"},
        "gan.fake": {"en": "generated", "it": "generati"},
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


def mode_coverage(points: np.ndarray, *, modes: int = 8, radius: float = 2.0, std: float = 0.05, min_share: float = 0.01) -> tuple[int, float]:
    """``(modes covered, quality)`` of generated ``points`` (see the module's docstring)."""
    pts = check_finite_array(points, "points").astype(np.float64)
    if pts.ndim != 2 or pts.shape[1] != 2 or pts.shape[0] == 0:
        raise ValueError(f"points must have shape (n, 2) with n >= 1, got {pts.shape}")
    min_share = check_scalar_in(min_share, "min_share", 0.0, 1.0)
    std = check_scalar_in(std, "std", 0.0, 1e6, low_open=True)
    centres = ring_centres(modes, radius)
    dist = np.linalg.norm(pts[:, None, :] - centres[None], axis=2)
    near = dist.min(axis=1) <= 3 * std
    nearest = dist.argmin(axis=1)
    counts = np.bincount(nearest[near], minlength=modes)
    return int((counts >= min_share * pts.shape[0]).sum()), float(near.mean())


class BatchedLeakyReLU(nn.Module):
    """Leaky ReLU with one negative slope per model of a batched input ``(M, ...)``.

    Slope 0 is ReLU (``max(0, x)``, exactly), slope 0.2 is DCGAN's Leaky ReLU.
    Lets ReLU and Leaky ReLU discriminators train side by side in one
    :class:`relulab.domains.BatchedMLP`.
    """

    def __init__(self, slopes: Sequence[float]):
        super().__init__()
        vals = [check_scalar_in(v, f"slopes[{i}]", 0.0, 1.0) for i, v in enumerate(check_sequence(slopes, "slopes", min_len=0))]
        if not vals:
            raise ValueError("slopes is empty")
        self.register_buffer("slopes", torch.tensor(vals, dtype=torch.float64))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.shape[0] != self.slopes.numel():
            raise ValueError(f"input has {x.shape[0]} models, the activation has {self.slopes.numel()} slopes")
        slope = self.slopes.to(x.dtype).view(-1, *([1] * (x.dim() - 1)))
        return torch.where(x > 0, x, slope * x)


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
    opt_g = torch.optim.Adam(gen.parameters(), lr=lr, betas=(0.5, 0.999), foreach=True)
    opt_d = torch.optim.Adam(disc.parameters(), lr=lr, betas=(0.5, 0.999), foreach=True)
    bce = nn.functional.binary_cross_entropy_with_logits
    k = len(seeds)

    def per_seed(draw: Callable[[np.random.Generator], np.ndarray], rngs: list[np.random.Generator]) -> torch.Tensor:
        one = torch.as_tensor(np.stack([draw(r) for r in rngs]))  # (seeds, n, d)
        return one.repeat(len(slopes), 1, 1)  # the same draws for every slope

    data_rngs = [np.random.default_rng(x) for x in seeds]
    noise_rngs = [np.random.default_rng(2**31 + x) for x in seeds]

    def real(n: int) -> torch.Tensor:
        return per_seed(lambda r: ring_of_gaussians(n, std=std, rng=r), data_rngs)

    def z(n: int) -> torch.Tensor:
        return per_seed(lambda r: r.standard_normal((n, z_dim)), noise_rngs)

    eval_z, eval_real = z(n_eval), real(n_eval)
    checkpoints, grads, dead = [], [], []
    ones = torch.ones(m, batch_size, 1, dtype=torch.float64)
    for step in range(1, steps + 1):
        fake = gen(z(batch_size)).detach()
        loss_d = bce(disc(real(batch_size)), ones, reduction="none").mean((1, 2)) + bce(disc(fake), 0 * ones, reduction="none").mean((1, 2))
        opt_d.zero_grad()
        loss_d.sum().backward()
        opt_d.step()
        fake = gen(z(batch_size))
        fake.retain_grad()
        loss_g = bce(disc(fake), ones, reduction="none").mean((1, 2))
        opt_g.zero_grad()
        loss_g.sum().backward()
        opt_g.step()
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
