"""relulab.heterogeneity: distinct rows, entropy and effective rank, against hand computations and numpy."""

import numpy as np
import pytest
import torch

from relulab import heterogeneity as H
from relulab import use_language


def test_distinct_fraction_and_entropy_by_hand():
    x = np.array([[0, 1], [0, 1], [2, 3], [4, 5]])
    assert H.distinct_fraction(x) == 0.75
    # probabilities 1/2, 1/4, 1/4 -> 1.5 bits; log2(4) = 2
    assert H.entropy_bits(x) == pytest.approx(1.5)
    assert H.normalized_entropy(x) == pytest.approx(0.75)


def test_extremes():
    same = np.ones((10, 3))
    assert H.distinct_fraction(same) == pytest.approx(0.1)
    assert H.entropy_bits(same) == 0.0 and H.normalized_entropy(same) == 0.0
    assert H.effective_rank(same) == 0.0 and H.participation_ratio(same) == 0.0
    assert H.normalized_entropy(np.arange(7)) == pytest.approx(1.0)
    assert H.normalized_entropy(np.array([[1.0, 2.0]])) == 0.0


def test_one_dimensional_input_is_one_feature_per_row():
    assert H.as_rows([1, 2, 3]).shape == (3, 1)


def test_covariance_spectrum_matches_numpy():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((200, 5)) @ rng.standard_normal((5, 5))
    lam = np.sort(np.linalg.eigvalsh(np.cov(x, rowvar=False)))[::-1]
    np.testing.assert_allclose(H.covariance_spectrum(x), lam / lam.sum(), rtol=1e-10)


def test_effective_rank_of_known_spectra():
    rng = np.random.default_rng(1)
    iso = rng.standard_normal((20_000, 6))
    assert H.effective_rank(iso) == pytest.approx(6.0, rel=0.01)
    assert H.participation_ratio(iso) == pytest.approx(6.0, rel=0.02)
    line = rng.standard_normal((500, 1)) @ np.array([[1.0, -2.0, 3.0]])
    assert H.effective_rank(line) == pytest.approx(1.0, abs=1e-6)
    # two equal directions and one empty: exp(ln 2) = 2, and (1+1)^2/(1+1) = 2
    two = np.concatenate([rng.standard_normal((50_000, 2)), np.zeros((50_000, 1))], axis=1)
    assert H.effective_rank(two) == pytest.approx(2.0, rel=0.01)
    assert H.participation_ratio(two) == pytest.approx(2.0, rel=0.01)


def test_effective_rank_ignores_scale_and_shift_but_not_correlation():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((1000, 4))
    assert H.effective_rank(3 * x + 7) == pytest.approx(H.effective_rank(x))
    corr = x.copy()
    corr[:, 1:] = x[:, :1] + 0.1 * x[:, 1:]  # four nearly identical features
    assert H.effective_rank(corr) < 1.2 < H.effective_rank(x)


def test_measure_and_headers():
    m = H.measure(np.eye(4), "eye")
    assert (m.rows, m.dim, m.distinct) == (4, 4, 1.0)
    assert m.eff_rank_share == pytest.approx(m.eff_rank / 4)
    assert len(m.row()) == len(H.Heterogeneity.headers()) == 7
    use_language("it")
    try:
        assert H.Heterogeneity.headers()[0] == "dati"
    finally:
        use_language("en")
    assert H.Heterogeneity.headers()[0] == "data"


@pytest.mark.parametrize(
    "bad, err, match",
    [
        (np.zeros((2, 2, 2)), ValueError, "1-D or 2-D"),
        (np.zeros((0, 3)), ValueError, "at least one row"),
        (np.array([[1.0, np.nan]]), ValueError, "NaN"),
        (np.array([True, False]), TypeError, "real numbers"),
        (torch.ones(3), TypeError, "torch.Tensor"),
    ],
)
def test_bad_inputs(bad, err, match):
    with pytest.raises(err, match=match):
        H.measure(bad)
