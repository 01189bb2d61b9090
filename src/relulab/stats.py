"""Paired comparisons over seeds: intervals, effect sizes and one-line verdicts.

Every comparison of the book pairs its runs by seed: run ``i`` of arm A and run
``i`` of arm B share the initialization seed and the data order, so the
difference ``a[i] - b[i]`` removes what the two runs have in common and the
interval of the *mean paired difference* is much narrower than two unpaired
intervals side by side.

Two 95% intervals are available, and the book says which one it prints:

* ``"t"`` (the default): Student's t interval of the mean difference. It is
  exact when the differences are normal and close to exact for the 5-20 seeds of
  the book, because a mean of differences of training runs is close to normal;
  it is what a reader can recompute by hand from the printed mean, sd and n.
* ``"bootstrap"``: the percentile bootstrap of the mean difference (resampling
  the pairs, seeded, ``n_boot`` resamples). It makes no normality assumption but
  is too narrow for few pairs: on normal differences it covers about 84% of the
  time with 5 pairs and about 90% with 10, instead of 95% (measured in
  ``tests/test_stats.py``), so it is refused below 10 pairs and offered only as
  a check on the t interval when the differences look skewed.

The effect size is the standardized mean difference of paired data,
``d_z = mean(d) / sd(d)`` (Cohen's d for paired samples): how many
seed-to-seed standard deviations the arms differ by.

>>> c = compare([0.91, 0.93, 0.90, 0.94, 0.92], [0.88, 0.90, 0.89, 0.90, 0.89], names=("ReLU", "tanh"))
>>> c.verdict()  # doctest: +ELLIPSIS
'ReLU beats tanh by 0.028 [0.014, 0.042], 5 paired seeds (t interval)'
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ._checks import check_flag, check_int_in
from .checks import t_quantile
from .i18n import current_language, localize_numbers, number, register, t

__all__ = ["Comparison", "Summary", "summarize", "compare", "bootstrap_interval", "interval_text", "METHODS"]

#: The interval methods :func:`compare` and :func:`summarize` accept.
METHODS: tuple[str, ...] = ("t", "bootstrap")

register(
    {
        "stats.beats": {
            "en": "{a} beats {b} by {diff} [{low}, {high}], {n} paired seeds ({method})",
            "it": "{a} supera {b} di {diff} [{low}; {high}], {n} seed appaiati ({method})",
        },
        "stats.loses": {
            "en": "{b} beats {a} by {diff} [{low}, {high}], {n} paired seeds ({method})",
            "it": "{b} supera {a} di {diff} [{low}; {high}], {n} seed appaiati ({method})",
        },
        "stats.equivalent": {
            "en": "{a} and {b} are equivalent within ±{margin}: difference {diff} [{low}, {high}], {n} paired seeds ({method})",
            "it": "{a} e {b} sono equivalenti entro ±{margin}: differenza {diff} [{low}; {high}], {n} seed appaiati ({method})",
        },
        "stats.unresolved": {
            "en": "no difference shown between {a} and {b}: {diff} [{low}, {high}], {n} paired seeds ({method}) — not supported in this setting",
            "it": "nessuna differenza dimostrata fra {a} e {b}: {diff} [{low}; {high}], {n} seed appaiati ({method}) — non supportato in questo contesto",
        },
        "stats.method.t": {"en": "t interval", "it": "intervallo t"},
        "stats.method.bootstrap": {"en": "bootstrap interval", "it": "intervallo bootstrap"},
        "stats.summary": {
            "en": "{mean} [{low}, {high}] (n = {n}, 95% {method})",
            "it": "{mean} [{low}; {high}] (n = {n}, {method} al 95%)",
        },
    }
)


def _number(value: float, digits: int) -> str:
    """:func:`relulab.i18n.number`, without the sign of a value that rounds to zero ("-0.000")."""
    text = number(value, digits)
    return text[1:] if text.startswith("-") and not text.strip("-0.,") else text


def _values(values: object, name: str) -> list[float]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise TypeError(f"{name} must be a sequence of numbers (one per seed), got {type(values).__name__} {values!r}")
    out: list[float] = []
    for v in values:
        if isinstance(v, bool) or isinstance(v, complex):
            raise TypeError(f"{name} must hold real numbers, got {v!r}")
        try:
            out.append(float(v))
        except (TypeError, ValueError):
            raise TypeError(f"{name} must hold real numbers, got {v!r}") from None
    bad = [v for v in out if not math.isfinite(v)]
    if bad:
        raise ValueError(
            f"{name} must be finite (a diverged run must be excluded, and the n reported, before comparing), got {out}"
        )
    return out


def _resampling(n_boot: object, seed: object) -> tuple[int, int]:
    """``n_boot`` in [1000, 1000000] and ``seed`` in [0, 2**32 - 1], checked even where the t method leaves them unused."""
    if isinstance(n_boot, bool) or not isinstance(n_boot, int):
        raise TypeError(f"n_boot must be an int, got {type(n_boot).__name__} {n_boot!r}")
    if not 1_000 <= n_boot <= 1_000_000:
        raise ValueError(f"n_boot must be between 1000 and 1000000, got {n_boot}")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an int, got {type(seed).__name__} {seed!r}")
    if not 0 <= seed <= 2**32 - 1:
        raise ValueError(f"seed must be in [0, 2**32 - 1], got {seed}")
    return n_boot, seed


def _method(method: object) -> str:
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    return str(method)


def _mean_sd(d: Sequence[float]) -> tuple[float, float]:
    n = len(d)
    mean = math.fsum(d) / n
    sd = math.sqrt(math.fsum((x - mean) ** 2 for x in d) / (n - 1))
    return mean, sd


def bootstrap_interval(values: Iterable[float], *, n_boot: int = 10_000, seed: int = 0) -> tuple[float, float]:
    """The 95% percentile-bootstrap interval of the mean of ``values`` (resampled with replacement, seeded).

    Parameters
    ----------
    values:
        At least 2 finite numbers (e.g. paired differences, one per seed).
    n_boot:
        Number of resamples, 1,000 to 1,000,000.
    seed:
        Seed of the resampling (the interval is reproducible).
    """
    d = _values(values, "values")
    if len(d) < 2:
        raise ValueError(f"values must hold at least 2 numbers, got {len(d)}")
    n_boot, seed = _resampling(n_boot, seed)
    rng = random.Random(seed)
    n = len(d)
    means = sorted(math.fsum(rng.choices(d, k=n)) / n for _ in range(n_boot))
    lo = means[int(math.floor(0.025 * (n_boot - 1)))]
    hi = means[int(math.ceil(0.975 * (n_boot - 1)))]
    return lo, hi


@dataclass(frozen=True)
class Summary:
    """Mean of one arm over seeds with its 95% interval."""

    mean: float
    low: float
    high: float
    sd: float
    n: int
    method: str

    def text(self, digits: int = 3) -> str:
        """``0.912 [0.897, 0.927] (n = 5, 95% t interval)`` in the current language."""
        return t(
            "stats.summary",
            mean=_number(self.mean, digits),
            low=_number(self.low, digits),
            high=_number(self.high, digits),
            n=self.n,
            method=t(f"stats.method.{self.method}"),
        )


def interval_text(iv: Mapping | None, digits: int = 3, *, with_n: bool = False) -> str:
    """``mean [low, high]`` of an interval record (keys ``mean``, ``low``, ``high``, and ``n`` with ``with_n``).

    In the current language: decimal comma and ``;`` between the bounds in Italian, no sign on a
    value that rounds to zero; ``n=N`` appended when ``with_n``; ``"-"`` for a missing record
    (``None`` or empty). The tables of chapters 3 and 4 print their intervals with it.

    >>> interval_text({"mean": 0.1234, "low": -0.0001, "high": 0.25, "n": 5}, 2, with_n=True)
    '0.12 [0.00, 0.25] n=5'
    """
    if iv is not None and not isinstance(iv, Mapping):
        raise TypeError(f"iv must be a mapping with keys mean, low, high (and n), or None; got {type(iv).__name__}")
    digits = check_int_in(digits, "digits", 0, 12)
    with_n = check_flag(with_n, "with_n")
    if not iv:
        return "-"
    keys = ("mean", "low", "high", "n") if with_n else ("mean", "low", "high")
    missing = [k for k in keys if k not in iv]
    if missing:
        raise ValueError(f"iv must have the keys {list(keys)}, missing {missing}")
    sep = "; " if current_language() == "it" else ", "
    text = f"{_number(iv['mean'], digits)} [{_number(iv['low'], digits)}{sep}{_number(iv['high'], digits)}]"
    return f"{text} n={iv['n']}" if with_n else text


def summarize(values: Iterable[float], *, method: str = "t", n_boot: int = 10_000, seed: int = 0) -> Summary:
    """Mean of ``values`` (one per seed) with its 95% interval (``method``: ``"t"`` or ``"bootstrap"``)."""
    method = _method(method)
    n_boot, seed = _resampling(n_boot, seed)
    v = _values(values, "values")
    if len(v) < 2:
        raise ValueError(f"values must hold at least 2 numbers (one per seed), got {len(v)}")
    mean, sd = _mean_sd(v)
    if method == "t":
        half = t_quantile(len(v) - 1) * sd / math.sqrt(len(v))
        low, high = mean - half, mean + half
    else:
        low, high = bootstrap_interval(v, n_boot=n_boot, seed=seed)
    return Summary(mean=mean, low=low, high=high, sd=sd, n=len(v), method=method)


@dataclass(frozen=True)
class Comparison:
    """The paired comparison of arm ``a`` against arm ``b`` (differences ``a[i] - b[i]``)."""

    names: tuple[str, str]
    mean: float
    low: float
    high: float
    sd: float
    n: int
    method: str
    higher_is_better: bool
    margin: float

    @property
    def effect_size(self) -> float:
        """Cohen's d for paired samples, ``mean / sd`` (inf when every pair differs by the same amount)."""
        if self.sd == 0:
            return 0.0 if self.mean == 0 else math.copysign(math.inf, self.mean)
        return self.mean / self.sd

    @property
    def outcome(self) -> str:
        """``"a"`` (a is better), ``"b"``, ``"equivalent"`` (interval inside ±margin) or ``"unresolved"``."""
        if self.low > 0 or self.high < 0:
            a_higher = self.low > 0
            return "a" if a_higher == self.higher_is_better else "b"
        if self.margin > 0 and -self.margin <= self.low and self.high <= self.margin:
            return "equivalent"
        return "unresolved"

    def verdict(self, digits: int = 3) -> str:
        """One line in the current language, e.g. ``ReLU beats tanh by 0.028 [0.014, 0.042], 5 paired seeds (t interval)``.

        "Beats" follows ``higher_is_better``; the number is the size of the advantage
        (positive), with its interval. With a margin, an interval inside ±margin reads
        as equivalence; otherwise a line that straddles 0 says the difference is not shown.
        """
        a, b = (localize_numbers(str(name)) for name in self.names)  # "Leaky ReLU 0.2" -> "0,2" in Italian
        method = t(f"stats.method.{self.method}")
        outcome = self.outcome
        if outcome in ("a", "b"):
            sign = 1 if self.mean > 0 else -1
            lo, hi = sorted((sign * self.low, sign * self.high))
            key = "stats.beats" if outcome == "a" else "stats.loses"
            return t(key, a=a, b=b, diff=_number(abs(self.mean), digits), low=_number(lo, digits),
                     high=_number(hi, digits), n=self.n, method=method)
        fields = dict(a=a, b=b, diff=_number(self.mean, digits), low=_number(self.low, digits),
                      high=_number(self.high, digits), n=self.n, method=method)
        if outcome == "equivalent":
            return t("stats.equivalent", margin=_number(self.margin, digits), **fields)
        return t("stats.unresolved", **fields)


def compare(
    a: Iterable[float],
    b: Iterable[float],
    *,
    names: tuple[str, str] = ("A", "B"),
    higher_is_better: bool = True,
    method: str = "t",
    margin: float = 0.0,
    n_boot: int = 10_000,
    seed: int = 0,
) -> Comparison:
    """Compare two arms run on the same seeds: the 95% interval of the mean paired difference ``a - b``.

    Parameters
    ----------
    a, b:
        One result per seed for each arm, in the same seed order (at least 2 pairs;
        ``method="bootstrap"`` needs at least 10).
    names:
        The arms' names, used by :meth:`Comparison.verdict`.
    higher_is_better:
        True for accuracies, False for losses and error rates.
    method:
        ``"t"`` (Student's t interval) or ``"bootstrap"`` (percentile bootstrap of the pairs).
    margin:
        An equivalence margin (>= 0): an interval inside ±margin reads as "equivalent".
    n_boot, seed:
        Resamples and seed of the bootstrap.
    """
    method = _method(method)
    n_boot, seed = _resampling(n_boot, seed)
    av = _values(a, "a")
    bv = _values(b, "b")
    if len(av) != len(bv):
        raise ValueError(f"a and b must pair up seed by seed: {len(av)} values against {len(bv)}")
    if len(av) < 2:
        raise ValueError(f"a paired comparison needs at least 2 seeds, got {len(av)}")
    if method == "bootstrap" and len(av) < 10:
        raise ValueError(
            f"method='bootstrap' needs at least 10 pairs (with fewer the percentile bootstrap undercovers), "
            f"got {len(av)}; use method='t'"
        )
    if (not isinstance(names, (tuple, list)) or len(names) != 2
            or not all(isinstance(x, str) and x for x in names)):
        raise TypeError(f"names must be two non-empty strings, got {names!r}")
    if not isinstance(higher_is_better, bool):
        raise TypeError(f"higher_is_better must be True or False, got {higher_is_better!r}")
    if isinstance(margin, bool) or not isinstance(margin, (int, float)):
        raise TypeError(f"margin must be a number, got {type(margin).__name__} {margin!r}")
    if not (math.isfinite(margin) and margin >= 0):
        raise ValueError(f"margin must be a finite number >= 0, got {margin!r}")
    d = [x - y for x, y in zip(av, bv)]
    s = summarize(d, method=method, n_boot=n_boot, seed=seed)
    return Comparison(names=(names[0], names[1]), mean=s.mean, low=s.low, high=s.high, sd=s.sd, n=s.n,
                      method=method, higher_is_better=higher_is_better, margin=float(margin))
