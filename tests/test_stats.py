"""relulab.stats: paired intervals that cover, verdicts that follow the interval, clear errors."""

from __future__ import annotations

import math
import random

import pytest

import relulab
from relulab import stats


@pytest.fixture(autouse=True)
def _english():
    relulab.use_language("en")
    yield
    relulab.use_language("en")


def _coverage(n: int, method: str, sims: int, true_mean: float = 0.3) -> float:
    rng = random.Random(n * 7919 + len(method))
    hits = 0
    for s in range(sims):
        d = [rng.gauss(true_mean, 1.0) for _ in range(n)]
        r = stats.summarize(d, method=method, n_boot=1000, seed=s)
        hits += r.low <= true_mean <= r.high
    return hits / sims


@pytest.mark.parametrize("n", [5, 10])
def test_t_interval_covers_95_percent(n):
    # 1000 simulated experiments: binomial sd of the coverage is 0.007, so ±0.02 is about 3 sd.
    assert 0.93 <= _coverage(n, "t", 1000) <= 0.97


def test_bootstrap_undercovers_with_few_pairs_as_documented():
    # The docstring says about 90% with 10 pairs: the bootstrap is narrower than the t interval.
    cov = _coverage(10, "bootstrap", 600)
    assert 0.86 <= cov <= 0.94
    assert cov < _coverage(10, "t", 600)


def test_summary_matches_hand_computation():
    s = stats.summarize([1.0, 2.0, 3.0, 4.0])
    sd = math.sqrt(sum((x - 2.5) ** 2 for x in [1, 2, 3, 4]) / 3)
    half = 3.182 * sd / 2
    assert s.mean == pytest.approx(2.5)
    assert s.sd == pytest.approx(sd)
    assert (s.low, s.high) == pytest.approx((2.5 - half, 2.5 + half), abs=1e-3)
    assert s.n == 4 and s.method == "t"
    assert s.text(2) == "2.50 [0.45, 4.55] (n = 4, 95% t interval)"


def test_pairing_removes_the_shared_seed_effect():
    # Arm A is arm B plus 0.01 on every seed, while seeds differ by 0.1: the paired interval is tight.
    rng = random.Random(0)
    base = [rng.gauss(0.8, 0.1) for _ in range(8)]
    a = [x + 0.01 + rng.gauss(0, 0.001) for x in base]
    c = stats.compare(a, base, names=("A", "B"))
    assert c.outcome == "a" and 0.009 < c.low < c.high < 0.011
    unpaired_a, unpaired_b = stats.summarize(a), stats.summarize(base)
    assert unpaired_a.low < unpaired_b.high  # side-by-side intervals overlap: they could not show it


def test_verdicts_follow_the_interval_and_direction():
    a, b = [0.91, 0.93, 0.90, 0.94, 0.92], [0.88, 0.90, 0.89, 0.90, 0.89]
    c = stats.compare(a, b, names=("ReLU", "tanh"))
    assert c.verdict() == "ReLU beats tanh by 0.028 [0.014, 0.042], 5 paired seeds (t interval)"
    assert c.effect_size == pytest.approx(0.028 / c.sd)
    # Losses: lower is better, so a higher mean for the first arm means the second wins.
    loss = stats.compare(a, b, names=("ReLU", "tanh"), higher_is_better=False)
    assert loss.outcome == "b"
    assert loss.verdict().startswith("tanh beats ReLU by 0.028 [0.014, 0.042]")
    swapped = stats.compare(b, a, names=("tanh", "ReLU"))
    assert swapped.outcome == "b" and swapped.verdict().startswith("ReLU beats tanh by 0.028 [0.014, 0.042]")
    # An interval across 0 never reads as a win; with a margin that contains it, it reads as equivalence.
    tie = stats.compare([1.0, 2.0, 3.0], [1.1, 1.9, 3.05], names=("A", "B"))
    assert tie.outcome == "unresolved" and "not supported in this setting" in tie.verdict()
    eq = stats.compare([1.0, 2.0, 3.0], [1.1, 1.9, 3.05], names=("A", "B"), margin=1.0)
    assert eq.outcome == "equivalent" and eq.verdict().startswith("A and B are equivalent within ±1.000")
    wide = stats.compare([1.0, 2.0, 3.0], [1.1, 1.9, 3.05], names=("A", "B"), margin=0.01)
    assert wide.outcome == "unresolved"


def test_italian_verdict_uses_decimal_comma():
    relulab.use_language("it")
    c = stats.compare([0.91, 0.93, 0.90, 0.94, 0.92], [0.88, 0.90, 0.89, 0.90, 0.89], names=("ReLU", "tanh"))
    assert c.verdict() == "ReLU supera tanh di 0,028 [0,014; 0,042], 5 seed appaiati (intervallo t)"
    assert stats.summarize([1.0, 2.0, 3.0, 4.0]).text(2) == "2,50 [0,45; 4,55] (n = 4, intervallo t al 95%)"


def test_bootstrap_is_seeded_and_reasonable():
    d = [0.1 * i for i in range(12)]
    assert stats.bootstrap_interval(d, seed=3) == stats.bootstrap_interval(d, seed=3)
    lo, hi = stats.bootstrap_interval(d, seed=3)
    assert lo < sum(d) / len(d) < hi
    s = stats.summarize(d)
    assert s.low < lo and hi < s.high  # narrower than t, as documented


def test_identical_pairs_give_infinite_effect_and_a_win():
    c = stats.compare([2.0, 3.0, 4.0], [1.0, 2.0, 3.0])
    assert c.sd == 0 and c.effect_size == math.inf and c.outcome == "a"
    assert stats.compare([1.0, 2.0], [1.0, 2.0]).effect_size == 0.0


@pytest.mark.parametrize(
    "call, kind, words",
    [
        (lambda: stats.compare([1, 2], [1]), ValueError, "pair up"),
        (lambda: stats.compare([1], [1]), ValueError, "at least 2 seeds"),
        (lambda: stats.compare([1, float("nan")], [1, 2]), ValueError, "a must be finite"),
        (lambda: stats.compare([1, 2], [1, math.inf]), ValueError, "b must be finite"),
        (lambda: stats.compare("12", [1, 2]), TypeError, "a must be a sequence"),
        (lambda: stats.compare([1, "x"], [1, 2]), TypeError, "a must hold real numbers"),
        (lambda: stats.compare([1, 2j], [1, 2]), TypeError, "a must hold real numbers"),
        (lambda: stats.compare([1, True], [1, 2]), TypeError, "a must hold real numbers"),
        (lambda: stats.compare([1, 2], [1, 2], method="z"), ValueError, "method must be one of"),
        (lambda: stats.compare([1, 2, 3], [1, 2, 4], method="bootstrap"), ValueError, "at least 10 pairs"),
        (lambda: stats.compare([1, 2], [1, 2], names=("A",)), TypeError, "names must be two"),
        (lambda: stats.compare([1, 2], [1, 2], higher_is_better=1), TypeError, "higher_is_better"),
        (lambda: stats.compare([1, 2], [1, 2], margin=-1), ValueError, "margin must be a finite number >= 0"),
        (lambda: stats.compare([1, 2], [1, 2], margin="1"), TypeError, "margin must be a number"),
        (lambda: stats.summarize([1.0]), ValueError, "at least 2 numbers"),
        (lambda: stats.summarize(None), TypeError, "values must be a sequence"),
        (lambda: stats.bootstrap_interval([1, 2, 3], n_boot=10), ValueError, "n_boot must be between"),
        (lambda: stats.bootstrap_interval([1, 2, 3], n_boot=1000.0), TypeError, "n_boot must be an int"),
        (lambda: stats.bootstrap_interval([1, 2, 3], seed="s"), TypeError, "seed must be an int"),
    ],
)
def test_bad_input_is_refused_by_name(call, kind, words):
    with pytest.raises(kind, match=words):
        call()


def test_module_example_runs():
    import doctest

    assert doctest.testmod(stats).failed == 0


def test_interval_text_follows_the_language_and_drops_the_sign_of_zero():
    from relulab import use_language
    from relulab.stats import interval_text

    iv = {"mean": 0.1234, "low": -0.0004, "high": 0.25, "n": 5}
    try:
        use_language("en")
        assert interval_text(iv) == "0.123 [0.000, 0.250]"
        assert interval_text(iv, 2, with_n=True) == "0.12 [0.00, 0.25] n=5"
        use_language("it")
        assert interval_text(iv, 2, with_n=True) == "0,12 [0,00; 0,25] n=5"
    finally:
        use_language("en")
    assert interval_text(None) == "-" and interval_text({}) == "-"
    with pytest.raises(ValueError, match="iv must have the keys"):
        interval_text({"mean": 0.1, "low": 0.0, "high": 0.2}, with_n=True)
    with pytest.raises(TypeError, match="iv must be a mapping"):
        interval_text("0.1 [0, 0.2]")
