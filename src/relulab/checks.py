"""Check cells: a chapter's conclusions, asserted with a statistical margin.

A stochastic experiment prints numbers whose last digits depend on rounding (and so on the
CPU); the *conclusion* the text draws from them must not. Every such conclusion is stated once
more in a check cell, tagged ``check-Cnn`` with the claim it serves, that calls :func:`conclude`:

>>> from relulab.checks import conclude, count
>>> k, n = count([0.81, 0.74, 0.9], lambda v: v > 0.5)
>>> conclude("C20", k == n, en="dead share above 0.5 in {k}/{n} seeds",
...          it="quota morta sopra 0,5 in {k}/{n} seed", k=k, n=n)
check C20: dead share above 0.5 in 3/3 seeds — holds

If the conclusion does not hold, :func:`conclude` raises :class:`ConclusionFailed`, which names
the claim: nbval, the notebook build and the test suite's perturbed run then fail by name, on
any machine. The margins are statistical — a paired difference beyond its 95% interval
(:func:`paired`), a share of seeds (:func:`count`), a value in a stated band (:func:`in_band`) —
never a copy of the printed digits.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from ._checks import check_real
from .i18n import _Localizing, current_language

__all__ = ["ConclusionFailed", "conclude", "Paired", "paired", "count", "in_band", "t_quantile"]

_CLAIM = re.compile(r"^C\d{2}$")
_WORDS = {
    "en": ("check", "holds", "DOES NOT HOLD"),
    "it": ("verifica", "regge", "NON REGGE"),
}

# Two-sided 95% quantiles of Student's t, df = 1..30 (scipy.stats.t.ppf(0.975, df), 3 decimals).
_T975 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)


class ConclusionFailed(AssertionError):
    """A conclusion of the text does not hold for the numbers this run produced."""


def _claims(claims: str | Sequence[str]) -> list[str]:
    if not isinstance(claims, (str, Sequence)):
        raise TypeError(f"claims must be one id like 'C20' or a list of them, got {type(claims).__name__} {claims!r}")
    ids = [claims] if isinstance(claims, str) else list(claims)
    if not ids or not all(isinstance(c, str) and _CLAIM.match(c) for c in ids):
        raise ValueError(f"claims must be one id like 'C20' or a list of them, got {claims!r}")
    return ids


def conclude(claims: str | Sequence[str], holds: bool, *, en: str, it: str, **fields: object) -> None:
    """Print one line stating a conclusion and whether it holds; raise if it does not.

    Parameters
    ----------
    claims:
        The claim (``"C20"``) or claims (``["C19", "C23"]``) the conclusion serves; the cell
        carries a ``check-Cnn`` tag for each.
    holds:
        Whether the conclusion holds for this run's numbers (a Python or numpy bool).
    en, it:
        The conclusion in English and Italian, with ``{placeholders}`` filled from ``fields``;
        the notebook's language (:func:`relulab.use_language`) picks one. Numbers follow the
        language: an Italian line writes a field ``0.25`` as ``0,25`` (code such as ``lr=0.1`` stays).

    Raises
    ------
    ConclusionFailed
        When ``holds`` is false; the message names the claims and the conclusion.
    """
    ids = _claims(claims)
    if not isinstance(holds, bool):
        if type(holds).__module__ == "numpy" and type(holds).__name__ in ("bool", "bool_"):
            holds = bool(holds)
        else:
            raise TypeError(f"holds must be a bool, got {type(holds).__name__}: {holds!r}")
    for name, text in (("en", en), ("it", it)):
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"{name} must be a non-empty sentence, got {text!r}")
    lang = current_language()
    word, yes, no = _WORDS[lang]
    try:
        sentence = _Localizing().format(en if lang == "en" else it, **fields)
    except (KeyError, IndexError) as exc:
        raise ValueError(f"the sentence names a placeholder {exc} that is not among fields {sorted(fields)}") from None
    line = f"{word} {', '.join(ids)}: {sentence} — {yes if holds else no}"
    if not holds:
        raise ConclusionFailed(line)
    print(line)


@dataclass(frozen=True)
class Paired:
    """Mean and 95% interval of paired differences ``a - b`` (Student's t)."""

    mean: float
    half_width: float
    n: int

    @property
    def low(self) -> float:
        return self.mean - self.half_width

    @property
    def high(self) -> float:
        return self.mean + self.half_width

    def above(self, value: float = 0.0) -> bool:
        """Whether the whole interval lies above ``value``."""
        return self.low > value

    def below(self, value: float = 0.0) -> bool:
        """Whether the whole interval lies below ``value``."""
        return self.high < value

    def within(self, low: float, high: float) -> bool:
        """Whether the whole interval lies inside ``[low, high]`` (equivalence within a margin)."""
        return low <= self.low and self.high <= high


def t_quantile(df: int) -> float:
    """The two-sided 95% quantile of Student's t with ``df`` degrees of freedom (df ≥ 1)."""
    if not isinstance(df, int) or isinstance(df, bool) or df < 1:
        raise ValueError(f"df must be a positive integer, got {df!r}")
    return _T975[df - 1] if df <= len(_T975) else 1.96 + 2.4 / df  # within 0.002 of t for df > 30


def _floats(values: Iterable[float], name: str) -> list[float]:
    try:
        out = [float(v) for v in values]
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a sequence of numbers, got {values!r}") from None
    if not all(math.isfinite(v) for v in out):
        raise ValueError(f"{name} must be finite numbers (a diverged run must be handled before the check), got {out}")
    return out


def paired(a: Iterable[float], b: Iterable[float] = ()) -> Paired:
    """The 95% interval of the mean paired difference ``a[i] - b[i]`` (or of ``a`` alone).

    Seeds pair the runs: ``a[i]`` and ``b[i]`` share initialization and data order, so the
    difference removes what the seeds have in common. Needs at least two pairs.
    """
    a = _floats(a, "a")
    b = _floats(b, "b")
    if b and len(a) != len(b):
        raise ValueError(f"a and b must pair up: {len(a)} values against {len(b)}")
    d = [x - y for x, y in zip(a, b)] if b else a
    n = len(d)
    if n < 2:
        raise ValueError(f"a paired interval needs at least 2 pairs, got {n}")
    mean = sum(d) / n
    sd = math.sqrt(sum((x - mean) ** 2 for x in d) / (n - 1))
    return Paired(mean=mean, half_width=t_quantile(n - 1) * sd / math.sqrt(n), n=n)


def count(values: Iterable[object], predicate: Callable[[object], bool]) -> tuple[int, int]:
    """How many of ``values`` satisfy ``predicate``: ``(k, n)``."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise TypeError(f"values must be an iterable of values, got {type(values).__name__} {values!r}")
    values = list(values)
    if not values:
        raise ValueError("count needs at least one value: values is empty")
    if not callable(predicate):
        raise TypeError(f"predicate must be callable, got {predicate!r}")
    return sum(bool(predicate(v)) for v in values), len(values)


def in_band(value: float, low: float, high: float) -> bool:
    """Whether ``low <= value <= high`` (a finite value in a stated band)."""
    value = check_real(value, "value", finite=False)
    low, high = check_real(low, "low"), check_real(high, "high")
    if not low <= high:
        raise ValueError(f"the band must have low <= high, got [{low}, {high}]")
    return math.isfinite(value) and low <= value <= high
