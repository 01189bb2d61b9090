"""ReLU of a Gaussian input: probability of being active, mean and second moment.

If :math:`X \\sim \\mathcal N(\\mu, \\sigma^2)` and :math:`z = \\mu/\\sigma`, then

.. math::
    P(X > 0) = \\Phi(z), \\qquad
    \\mathbb E[\\mathrm{ReLU}(X)] = \\mu\\,\\Phi(z) + \\sigma\\,\\varphi(z), \\qquad
    \\mathbb E[\\mathrm{ReLU}(X)^2] = (\\mu^2 + \\sigma^2)\\,\\Phi(z) + \\mu\\sigma\\,\\varphi(z),

with :math:`\\Phi` and :math:`\\varphi` the standard normal CDF and density.
For a centred input (:math:`\\mu = 0`) half the units are active and the
second moment is :math:`\\sigma^2/2`: the factor 2 of He initialization.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ._checks import check_int_in, check_scalar_in, check_seeds

__all__ = ["ReluGaussianMoments", "relu_gaussian_moments", "relu_gaussian_monte_carlo"]


@dataclass(frozen=True)
class ReluGaussianMoments:
    """P(active), mean and second moment of ReLU(X); for Monte Carlo also their standard errors."""

    p_active: float
    mean: float
    second_moment: float
    p_active_se: float = 0.0
    mean_se: float = 0.0
    second_moment_se: float = 0.0


def _phi(z: float) -> float:
    return math.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi)


def _Phi(z: float) -> float:
    return 0.5 * math.erfc(-z / math.sqrt(2.0))


def relu_gaussian_moments(mu: float = 0.0, sigma: float = 1.0) -> ReluGaussianMoments:
    """Exact P(X>0), E[ReLU(X)] and E[ReLU(X)^2] for X ~ N(mu, sigma^2) (sigma > 0)."""
    mu = check_scalar_in(mu, "mu", -1e6, 1e6)
    sigma = check_scalar_in(sigma, "sigma", 0.0, 1e6, low_open=True)
    z = mu / sigma
    p = _Phi(z)
    mean = mu * p + sigma * _phi(z)
    second = (mu * mu + sigma * sigma) * p + mu * sigma * _phi(z)
    return ReluGaussianMoments(p, mean, second)


def relu_gaussian_monte_carlo(
    mu: float = 0.0, sigma: float = 1.0, *, n: int = 100_000, seeds: list[int] | int = 0
) -> ReluGaussianMoments:
    """Monte Carlo estimate of the same three quantities, pooled over ``seeds``.

    Each seed draws ``n`` samples; the standard errors are those of the pooled
    sample mean (``std / sqrt(total samples)``).
    """
    mu = check_scalar_in(mu, "mu", -1e6, 1e6)
    sigma = check_scalar_in(sigma, "sigma", 0.0, 1e6, low_open=True)
    n = check_int_in(n, "n", 2, 50_000_000)
    seeds = check_seeds(seeds)
    samples = np.concatenate([np.random.default_rng(s).normal(mu, sigma, n) for s in seeds])
    r = np.maximum(samples, 0.0)
    active = (samples > 0).astype(float)
    sq = r * r
    root_n = math.sqrt(samples.size)
    return ReluGaussianMoments(
        float(active.mean()),
        float(r.mean()),
        float(sq.mean()),
        float(active.std() / root_n),
        float(r.std() / root_n),
        float(sq.std() / root_n),
    )


from .i18n import register as _register  # noqa: E402

_register(
    {
        "moments.mu": {"en": "μ", "it": "μ"},
        "moments.exact": {"en": "formula", "it": "formula"},
        "moments.mc": {"en": "Monte Carlo ± 1.96 s.e.", "it": "Monte Carlo ± 1,96 e.s."},
        "moments.p": {"en": "P(ReLU(X) > 0)", "it": "P(ReLU(X) > 0)"},
        "moments.mean": {"en": "E[ReLU(X)]", "it": "E[ReLU(X)]"},
        "moments.second": {"en": "E[ReLU(X)²]", "it": "E[ReLU(X)²]"},
    }
)
