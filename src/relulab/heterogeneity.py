"""How varied is a set of inputs? Three measures that can be computed on any data set.

The source notes claim that image patches are "locally heterogeneous" and text
n-grams are not. "Heterogeneous" has no single meaning, so this module gives
three, each answering a different question about a data set of ``n`` rows
(inputs) and ``d`` columns (features):

- :func:`distinct_fraction` — how many rows are *different*? (1 = all unique,
  ``1/n`` = one row repeated ``n`` times);
- :func:`normalized_entropy` — how *evenly* are the distinct rows used? The
  Shannon entropy of the empirical distribution of rows, divided by its
  maximum ``log n`` (1 = every row different, 0 = one row);
- :func:`effective_rank` — in how many *directions* do the inputs vary? The
  exponential of the entropy of the normalized eigenvalues of the covariance
  matrix (Roy & Vetterli, 2007): ``d`` if the variance is spread evenly over
  all ``d`` directions, 1 if it lies along one line.

A ReLU unit ``max(0, w·x + b)`` is dead on a data set when ``w·x + b ≤ 0`` for
every row: the first two measures say how many different ``x`` it must keep
on the negative side, the third how many directions those ``x`` span.

>>> import numpy as np
>>> x = np.array([[0, 1], [0, 1], [2, 3], [4, 5]])
>>> distinct_fraction(x)
0.75
>>> round(normalized_entropy(x), 3)
0.75
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._checks import check_array
from .i18n import register

__all__ = [
    "as_rows",
    "distinct_fraction",
    "entropy_bits",
    "normalized_entropy",
    "covariance_spectrum",
    "effective_rank",
    "participation_ratio",
    "Heterogeneity",
    "measure",
]

register(
    {
        "heterogeneity.data": {"en": "data", "it": "dati"},
        "heterogeneity.rows": {"en": "rows", "it": "righe"},
        "heterogeneity.dim": {"en": "dim", "it": "dim"},
        "heterogeneity.distinct": {"en": "distinct", "it": "distinte"},
        "heterogeneity.entropy": {"en": "entropy/log n", "it": "entropia/log n"},
        "heterogeneity.eff_rank": {"en": "eff. rank", "it": "rango eff."},
        "heterogeneity.eff_rank_share": {"en": "eff. rank/dim", "it": "rango eff./dim"},
        "heterogeneity.eigen_index": {"en": "eigenvalue index", "it": "indice dell'autovalore"},
        "heterogeneity.variance_share": {"en": "share of the variance", "it": "quota della varianza"},
    }
)


def as_rows(x: object, name: str = "x") -> np.ndarray:
    """``x`` as a 2-D array of real numbers (a 1-D array is one feature per row)."""
    if not isinstance(name, str):
        raise TypeError(f"name must be a string, got {type(name).__name__}")
    arr = check_array(x, name)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise ValueError(f"{name} must be 1-D or 2-D (rows are inputs), got shape {arr.shape}")
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"{name} must have at least one row and one column, got shape {arr.shape}")
    if np.issubdtype(arr.dtype, np.floating) and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return arr


def _row_counts(arr: np.ndarray) -> np.ndarray:
    _, counts = np.unique(arr, axis=0, return_counts=True)
    return counts


def distinct_fraction(x: object) -> float:
    """Number of distinct rows of ``x`` divided by the number of rows, in ``[1/n, 1]``.

    Rows are compared exactly: quantize real-valued data first if near-equal
    rows should count as the same.
    """
    arr = as_rows(x)
    return _row_counts(arr).size / arr.shape[0]


def entropy_bits(x: object) -> float:
    """Shannon entropy, in bits, of the empirical distribution of the rows of ``x``."""
    arr = as_rows(x)
    p = _row_counts(arr) / arr.shape[0]
    return float(-(p * np.log2(p)).sum()) + 0.0  # + 0.0: no -0.0 for a single row


def normalized_entropy(x: object) -> float:
    """:func:`entropy_bits` divided by its maximum ``log2(n)``; 1.0 if all rows differ, 0.0 if all are equal.

    Defined as 0.0 for a single row.
    """
    arr = as_rows(x)
    n = arr.shape[0]
    return 0.0 if n == 1 else entropy_bits(arr) / np.log2(n)


def covariance_spectrum(x: object) -> np.ndarray:
    """Eigenvalues of the covariance matrix of the columns of ``x``, largest first, summing to 1.

    All zeros if ``x`` does not vary at all.
    """
    arr = as_rows(x).astype(np.float64)
    centred = arr - arr.mean(axis=0)
    # singular values of the centred data: no d×d matrix to form, and never negative
    s = np.linalg.svd(centred, compute_uv=False)
    lam = np.zeros(arr.shape[1])
    lam[: s.size] = s**2
    total = lam.sum()
    return lam / total if total > 0 else lam


def effective_rank(x: object) -> float:
    """``exp`` of the Shannon entropy (natural log) of :func:`covariance_spectrum`: between 1 and ``d``.

    Roy & Vetterli's effective rank. 0.0 for data that do not vary.
    """
    lam = covariance_spectrum(x)
    lam = lam[lam > 0]
    if lam.size == 0:
        return 0.0
    return float(np.exp(-(lam * np.log(lam)).sum()))


def participation_ratio(x: object) -> float:
    """``(Σλ)² / Σλ²`` of the covariance eigenvalues: another effective dimension, between 1 and ``d``.

    0.0 for data that do not vary.
    """
    lam = covariance_spectrum(x)
    sq = float((lam**2).sum())
    return 1.0 / sq if sq > 0 else 0.0


@dataclass(frozen=True)
class Heterogeneity:
    """The three measures of one data set (see the module's docstring)."""

    name: str
    rows: int
    dim: int
    distinct: float
    entropy: float
    eff_rank: float

    @property
    def eff_rank_share(self) -> float:
        """Effective rank divided by the dimension: 1 = variance spread over every direction."""
        return self.eff_rank / self.dim

    def row(self) -> list[object]:
        """The values in the order of :meth:`headers`."""
        return [self.name, self.rows, self.dim, self.distinct, self.entropy, self.eff_rank, self.eff_rank_share]

    @staticmethod
    def headers() -> list[str]:
        """Table headers in the current language."""
        from .i18n import t

        keys = ["data", "rows", "dim", "distinct", "entropy", "eff_rank", "eff_rank_share"]
        return [t(f"heterogeneity.{k}") for k in keys]


def measure(x: object, name: str = "") -> Heterogeneity:
    """All three measures of ``x`` (rows = inputs) in one record."""
    if not isinstance(name, str):
        raise TypeError(f"name must be a string, got {type(name).__name__}")
    arr = as_rows(x)
    return Heterogeneity(
        name=str(name),
        rows=int(arr.shape[0]),
        dim=int(arr.shape[1]),
        distinct=distinct_fraction(arr),
        entropy=normalized_entropy(arr),
        eff_rank=effective_rank(arr),
    )
