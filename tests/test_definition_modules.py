"""relulab.ways, relulab.moments and relulab.expressivity (the code of chapter 1)."""

import math

import numpy as np
import pytest
import torch

from relulab import expressivity as ex
from relulab import moments, ways


def _col(rows, code, j):
    return {r[0]: r[j] for r in rows}[code]


def test_edge_case_disagreements_are_real():
    rows = ways.edge_cases(ways.NUMPY_WAYS)
    nan_col = 1 + ways.EDGE_INPUTS.index(float("nan")) if False else 5  # EDGE_INPUTS[4] is nan
    assert math.isnan(ways.EDGE_INPUTS[4])
    assert _col(rows, "np.maximum(x, 0)", nan_col) == "nan"
    assert _col(rows, "np.where(x > 0, x, 0.0)", nan_col) == "0.0"  # NaN silently becomes 0
    assert _col(rows, "max(0, x)  # Python", nan_col) == "0.0"
    assert _col(rows, "max(x, 0)  # Python", nan_col) == "nan"  # argument order matters
    assert _col(rows, "x * (x > 0)", 7) == "nan"  # -inf * 0 = nan
    assert _col(rows, "x * (x > 0)", 1) == "-0.0"  # -1 * 0 = -0
    trows = ways.edge_cases(ways.TORCH_WAYS)
    assert _col(trows, "torch.relu(x)", 2) == "-0.0"  # torch keeps the sign of -0.0
    assert _col(rows, "np.maximum(x, 0)", 2) == "0.0"  # numpy does not


def test_every_way_agrees_on_ordinary_inputs():
    x = np.linspace(-3, 3, 61).astype(np.float32)
    x = x[x != 0]
    want = np.maximum(x, 0)
    for w in ways.NUMPY_WAYS:
        np.testing.assert_array_equal(w.fn(x.copy()), want)
    for w in ways.TORCH_WAYS:
        np.testing.assert_array_equal(w.fn(torch.from_numpy(x.copy())).numpy(), want)


def test_dtypes_and_memory_tables():
    d = {r[0]: r[1:] for r in ways.dtypes(ways.NUMPY_WAYS)}
    assert d["np.maximum(x, 0)"] == ["int32", "float16", "float32"]
    assert d["max(0, x)  # Python"][1] == "float64"  # Python floats are doubles
    t = {r[0]: r[1:] for r in ways.dtypes(ways.TORCH_WAYS)}
    assert t["torch.maximum(x, torch.tensor(0.0))"][0] == "float32"  # int promoted by a float tensor
    m = {r[0]: r[1:] for r in ways.memory(ways.TORCH_WAYS)}
    assert m["torch.relu_(x)"] == ["True", "True"] and m["torch.relu(x)"] == ["False", "False"]
    with pytest.raises(TypeError, match="sequence of relulab.ways.Way"):
        ways.edge_cases([])


@pytest.mark.parametrize("mu,sigma", [(0.0, 1.0), (0.5, 2.0), (-1.0, 0.7)])
def test_gaussian_moments_against_monte_carlo(mu, sigma):
    exact = moments.relu_gaussian_moments(mu, sigma)
    mc = moments.relu_gaussian_monte_carlo(mu, sigma, n=200_000, seeds=[0, 1])
    for name in ("p_active", "mean", "second_moment"):
        se = getattr(mc, name + "_se")
        assert abs(getattr(mc, name) - getattr(exact, name)) < 5 * se, name


def test_gaussian_moments_centred_values():
    m = moments.relu_gaussian_moments(0.0, 3.0)
    assert m.p_active == 0.5
    assert math.isclose(m.mean, 3.0 / math.sqrt(2 * math.pi))
    assert math.isclose(m.second_moment, 9.0 / 2)
    with pytest.raises(ValueError, match="sigma must be in"):
        moments.relu_gaussian_moments(0.0, 0.0)
    with pytest.raises(ValueError, match="distinct"):
        moments.relu_gaussian_monte_carlo(seeds=[1, 1])


def test_piecewise_linear_constructions():
    x = np.linspace(-2, 2, 401)
    np.testing.assert_allclose(ex.abs_from_relu(x), np.abs(x))
    h = ex.hat(np.array([-1.0, 0.0, 0.25, 0.5, 0.75, 1.0, 2.0]))
    np.testing.assert_allclose(h, [0, 0, 0.5, 1, 0.5, 0, 0])
    xs, ys = [0.0, 1.0, 2.5, 3.0], [1.0, -1.0, 2.0, 0.0]
    f = ex.from_breakpoints(xs, ys)
    np.testing.assert_allclose(f(np.array(xs)), ys)
    assert f.n_units == 2
    with pytest.raises(ValueError, match="strictly increasing"):
        ex.from_breakpoints([0, 0], [1, 2])


@pytest.mark.parametrize("depth", [1, 2, 3, 6])
def test_sawtooth_doubles_pieces(depth):
    x = np.linspace(0, 1, 2**9 + 1)
    assert ex.count_pieces(ex.sawtooth(x, depth), x) == 2**depth
    with pytest.raises(ValueError, match="defined on"):
        ex.sawtooth(np.array([1.5]), 2)


def test_count_pieces_with_kink_inside_a_cell():
    x = np.linspace(-1, 1, 200)  # 0 is not a grid point
    assert ex.count_pieces(np.abs(x - 0.0013), x) == 2
    assert ex.count_pieces(3 * x + 1, x) == 1


def test_fit_shallow_learns_and_breakpoints_bound_pieces():
    fit = ex.fit_shallow(np.sin, 16, seeds=[0, 1], steps=600, lr=0.02)
    assert fit.max_error.shape == (2,) and np.all(fit.rmse < 0.2)
    x = np.linspace(-np.pi, np.pi, 20001)
    for i in range(2):
        k = ex.breakpoints_shallow(fit.w1[i], fit.b1[i], fit.w2[i], (-np.pi, np.pi))
        assert len(k) <= 16
        # kinks closer than two grid cells cannot be told apart on the grid
        resolvable = 1 + int(np.sum(np.diff(k) > 2 * (x[1] - x[0]))) if len(k) else 0
        assert ex.count_pieces(fit.predict(x)[i], x, rtol=1e-7) == resolvable + 1
    with pytest.raises(ValueError, match="width must be"):
        ex.fit_shallow(np.sin, 0)


def test_fit_shallow_widths_trains_each_network_as_if_alone():
    together = ex.fit_shallow_widths(np.sin, [3, 8], seeds=[0, 1], steps=40, lr=0.02, n_points=64)
    for w in (3, 8):
        alone = ex.fit_shallow(np.sin, w, seeds=[0, 1], steps=40, lr=0.02, n_points=64)
        assert together[w].width == w and together[w].w1.shape == (2, w) and together[w].b2.shape == (2,)
        for name in ("w1", "b1", "w2", "b2", "max_error", "rmse"):
            np.testing.assert_allclose(getattr(together[w], name), getattr(alone, name), rtol=1e-9, atol=1e-12)
    # a network's result does not depend on the other widths trained beside it
    bigger = ex.fit_shallow_widths(np.sin, [3, 8, 32], seeds=[0, 1], steps=40, lr=0.02, n_points=64)
    np.testing.assert_allclose(bigger[3].w1, together[3].w1, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("widths, match", [([], "non-empty"), ([4, 4], "distinct"), ([0], r"widths\[0\]")])
def test_fit_shallow_widths_refuses_bad_widths(widths, match):
    with pytest.raises(ValueError, match=match):
        ex.fit_shallow_widths(np.sin, widths, steps=1)


def test_interpolation_error_shrinks_quadratically():
    e = [ex.interpolation_error(np.sin, n, (-np.pi, np.pi)) for n in (8, 16, 32)]
    assert 3.0 < e[0] / e[1] < 5.0 and 3.0 < e[1] / e[2] < 5.0
