"""relulab.propagation: closed forms against Monte Carlo, with tolerances derived from the sample size."""

from __future__ import annotations

import math

import numpy as np
import pytest

from relulab import moments
from relulab import propagation as P

N = 400_000  # Monte Carlo samples for the expectations below


def _pair(c: float, q1: float = 1.0, q2: float = 1.0, n: int = N, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    g = np.random.default_rng(seed).standard_normal((2, n))
    u = math.sqrt(q1) * g[0]
    v = math.sqrt(q2) * (c * g[0] + math.sqrt(1 - c * c) * g[1])
    return u, v


def _close(sample: np.ndarray, value: float, k: float = 5.0) -> None:
    """``value`` within ``k`` standard errors of the sample mean (k = 5: false alarm below 1e-6)."""
    se = sample.std() / math.sqrt(sample.size)
    assert abs(sample.mean() - value) <= k * se + 1e-12, (sample.mean(), value, se)


# --------------------------------------------------------------------------- closed forms


@pytest.mark.parametrize("c", [-0.9, -0.3, 0.0, 0.5, 0.95])
@pytest.mark.parametrize("q1,q2", [(1.0, 1.0), (0.5, 3.0)])
def test_arc_cosine_kernel_against_monte_carlo(c, q1, q2):
    u, v = _pair(c, q1, q2)
    _close(np.maximum(u, 0) * np.maximum(v, 0), P.relu_expectation(c, q1, q2))
    _close(((u > 0) & (v > 0)).astype(float), P.relu_step_expectation(c))


def test_kernel_diagonal_is_chapter_one_second_moment():
    for q in [0.1, 1.0, 4.0]:
        assert P.relu_expectation(1.0, q) == pytest.approx(moments.relu_gaussian_moments(0.0, math.sqrt(q)).second_moment, rel=1e-12)
    assert P.relu_step_expectation(1.0) == pytest.approx(0.5)
    assert P.relu_step_expectation(-1.0) == pytest.approx(0.0)


def test_relu_correlation_map_shape():
    assert P.relu_correlation_map(0.0) == pytest.approx(1 / math.pi)
    assert P.relu_correlation_map(1.0) == pytest.approx(1.0)
    assert P.relu_correlation_map(-1.0) == pytest.approx(0.0, abs=1e-12)
    cs = np.linspace(-1, 0.999, 200)
    f = P.relu_correlation_map(cs)
    assert np.all(f >= cs - 1e-12) and np.all(np.diff(f) > 0)  # correlations only grow, and monotonically
    h = 1e-6  # slope 1 at the fixed point c = 1 (marginal: the approach to 1 is not exponential)
    assert (1 - P.relu_correlation_map(1 - h)) / h == pytest.approx(1.0, abs=1e-2)
    # positive homogeneity: with zero biases the map is the same for every weight scale
    for wv in [0.5, 2.0, 3.0]:
        assert P.correlation_map(0.3, "relu", weight_var=wv, q=1.7) == pytest.approx(P.relu_correlation_map(0.3), rel=1e-12)


def test_relu_kernel_matrix_against_monte_carlo():
    rng = np.random.default_rng(1)
    a = rng.standard_normal((4, 6))
    K = a @ a.T / 6
    z = rng.multivariate_normal(np.zeros(4), K, size=N)
    h = np.maximum(z, 0)
    H = P.relu_kernel(K)
    for i in range(4):
        for j in range(4):
            _close(h[:, i] * h[:, j], H[i, j])
    assert np.allclose(P.relu_kernel(np.zeros((2, 2))), 0.0)


@pytest.mark.parametrize("activation", ["relu", "tanh"])
@pytest.mark.parametrize("q,wv,bv", [(0.5, 1.0, 0.0), (2.0, 1.5, 0.1)])
def test_variance_map_against_monte_carlo(activation, q, wv, bv):
    z = math.sqrt(q) * np.random.default_rng(2).standard_normal(N)
    phi = np.maximum(z, 0) if activation == "relu" else np.tanh(z)
    _close(wv * phi**2 + bv, P.variance_map(q, activation, weight_var=wv, bias_var=bv))
    assert P.variance_map(0.0, activation, weight_var=wv, bias_var=bv) == bv


@pytest.mark.parametrize("activation", ["relu", "tanh"])
@pytest.mark.parametrize("c,q,wv,bv", [(0.2, 1.0, 2.0, 0.0), (0.6, 0.7, 1.5, 0.05), (-0.4, 2.0, 3.0, 0.2)])
def test_correlation_map_against_monte_carlo(activation, c, q, wv, bv):
    u, v = _pair(c, q, q)
    f = (lambda x: np.maximum(x, 0)) if activation == "relu" else np.tanh
    q_next = P.variance_map(q, activation, weight_var=wv, bias_var=bv)
    _close((wv * f(u) * f(v) + bv) / q_next, P.correlation_map(c, activation, weight_var=wv, bias_var=bv, q=q))


def test_chi1_and_the_edge_of_chaos():
    assert P.chi1("relu", weight_var=2.0, bias_var=0.3) == 1.0  # He's scale, whatever the bias
    assert P.critical_weight_var("relu", bias_var=0.5) == 2.0
    assert P.chi1("tanh", weight_var=0.8, q=0.0) == pytest.approx(0.8)
    assert P.critical_weight_var("tanh") == 1.0
    z = math.sqrt(0.7) * np.random.default_rng(3).standard_normal(N)
    _close(1.3 / np.cosh(z) ** 4, P.chi1("tanh", weight_var=1.3, q=0.7))
    crit = [P.critical_weight_var("tanh", bias_var=b) for b in (0.01, 0.05, 0.2)]
    assert all(1.0 < a < b for a, b in zip(crit, crit[1:]))
    for b, v in zip((0.01, 0.05, 0.2), crit):
        assert P.chi1("tanh", weight_var=v, bias_var=b) == pytest.approx(1.0, abs=1e-6)


def test_fixed_points_and_depth_scales():
    assert P.fixed_point_variance("relu", weight_var=2.0, q0=3.0) == 3.0
    assert P.fixed_point_variance("relu", weight_var=3.0) == math.inf
    assert P.fixed_point_variance("relu", weight_var=1.0, bias_var=0.1) == pytest.approx(0.2)
    q = P.fixed_point_variance("tanh", weight_var=1.5, bias_var=0.05)
    assert P.variance_map(q, "tanh", weight_var=1.5, bias_var=0.05) == pytest.approx(q, rel=1e-9)
    assert P.correlation_fixed_point("tanh", weight_var=1.2, bias_var=0.05) == 1.0  # ordered
    c = P.correlation_fixed_point("tanh", weight_var=3.0, bias_var=0.05)  # chaotic
    assert 0 < c < 1 and P.correlation_map(c, "tanh", weight_var=3.0, bias_var=0.05, q=P.fixed_point_variance("tanh", weight_var=3.0, bias_var=0.05)) == pytest.approx(c, abs=1e-9)
    assert P.correlation_depth("relu", weight_var=2.0) == math.inf
    near = P.critical_weight_var("tanh", bias_var=0.05)
    depths = [P.correlation_depth("tanh", weight_var=v, bias_var=0.05) for v in (0.5 * near, 0.9 * near, 0.99 * near)]
    assert depths[0] < depths[1] < depths[2]  # the depth scale grows towards the edge of chaos


def test_correlations_through_depth_against_a_wide_random_network():
    depth, width, seeds = 8, 2000, [0, 1, 2, 3]
    for activation, wv, bv in [("relu", 2.0, 0.0), ("tanh", 1.5, 0.05)]:
        theory = P.correlations_through_depth(0.1, depth, activation, weight_var=wv, bias_var=bv)
        sim = P.simulate_pair(0.1, depth, width, activation, weight_var=wv, bias_var=bv, seeds=seeds)
        mean = sim.c.mean(axis=0)
        se = sim.c.std(axis=0, ddof=1) / math.sqrt(len(seeds))
        # seed noise (5 s.e.) plus an O(1/width) finite-width bias with a generous constant
        assert np.all(np.abs(mean - theory) <= 5 * se + 20.0 / width), (activation, mean, theory)
    relu = P.correlations_through_depth(0.0, 200, "relu")
    assert np.all(np.diff(relu) > 0) and relu[-1] < 1  # grows towards 1, slowly
    l = np.arange(1, 201)
    assert 0.5 < ((1 - relu) * l**2)[-1] / (9 * math.pi**2 / 2) < 1.5  # 1 - c ~ 9π²/(2 l²)


# --------------------------------------------------------------------------- predictions against simulation


def test_layer_variances_match_the_books_initializations():
    assert P.layer_variances("he", [64, 32, 32]) == [(2.0, 0.0), (2.0, 0.0)]
    assert P.layer_variances("xavier", [64, 32]) == [(2 * 64 / 96, 0.0)]
    (wv, bv), = P.layer_variances("default", [32, 32])
    assert wv == pytest.approx(1 / 3) and bv == pytest.approx(1 / 96)
    assert P.predicted_gradient_log10_ratio("he", 30, 32) == 0.0
    assert P.predicted_gradient_log10_ratio("xavier", 30, 32) == pytest.approx(29 / 2 * math.log10(0.5))
    assert P.predicted_gradient_log10_ratio("default", 30, 32) == pytest.approx(29 / 2 * math.log10(1 / 6))


def test_kernel_predictions_against_wide_networks():
    rng = np.random.default_rng(4)
    x = rng.standard_normal((12, 16)) + 0.5
    depth, width, seeds = 4, 4096, [0, 1, 2]
    for init in ("he", "default"):
        kernels = P.kernels_through_depth(x, P.layer_variances(init, [16] + [width] * depth))
        sim = P.simulate_layers(x, depth, width, init=init, seeds=seeds)
        for layer, K in enumerate(kernels):
            rms = math.sqrt(np.mean(np.diag(P.relu_kernel(K))))
            # the RMS averages width × inputs values: relative fluctuations ~ 1/sqrt(width)
            assert abs(sim.rms[:, layer].mean() / rms - 1) < 5 / math.sqrt(width) + 0.02
            assert abs(sim.spread[:, layer].mean() - P.predicted_spread(K)) < 0.03
            assert abs(sim.zero[:, layer].mean() - 0.5) < 5 * 0.5 / math.sqrt(width * len(seeds)) + 0.01


def test_dead_share_prediction():
    p, se = P.predicted_dead_share(np.eye(3), samples=40_000)
    assert abs(p - 1 / 8) < 5 * se  # independent inputs: every sign negative with probability 2^-3
    p, _ = P.predicted_dead_share(np.ones((5, 5)), samples=1000)
    assert p == pytest.approx(0.5, abs=0.1)  # identical inputs: off for all of them half of the time
    # against a wide network: share of 4096 units dead on 6 correlated inputs at layer 3
    x = np.random.default_rng(5).standard_normal((6, 8)) + 1.0
    K = P.kernels_through_depth(x, P.layer_variances("he", [8, 4096, 4096, 4096]))[-1]
    p, se = P.predicted_dead_share(K, samples=40_000)
    sim = P.simulate_layers(x, 3, 4096, init="he", seeds=[0, 1, 2])
    units = 3 * 4096
    assert abs(sim.dead[:, -1].mean() - p) < 5 * math.sqrt(p * (1 - p) / units) + 5 * se + 0.02


def test_zero_share_with_a_constant_bias():
    x = np.random.default_rng(6).standard_normal((10, 32))
    pred = P.predicted_zero_share_with_bias(x, 6, bias=-0.3)
    norms = np.linalg.norm(x, axis=1)
    first = np.mean([1 - moments.relu_gaussian_moments(-0.3, math.sqrt(2 / 32) * n).p_active for n in norms])
    assert pred[0] == pytest.approx(first, rel=1e-12)
    assert np.all(np.diff(pred) > 0)  # a negative bias switches more units off at every layer
    assert np.all(P.predicted_zero_share_with_bias(x, 6, bias=0.3) < 0.5)  # a positive bias keeps most units on
    # against a wide network with every bias equal to -0.3 (simulated here directly)
    rng = np.random.default_rng(7)
    h, width, zeros = x, 4096, []
    for _ in range(6):
        w = rng.standard_normal((h.shape[1], width)) * math.sqrt(2 / h.shape[1])
        h = np.maximum(h @ w - 0.3, 0)
        zeros.append(float((h == 0).mean()))
    assert np.all(np.abs(np.array(zeros) - pred) < 5 * 0.5 / math.sqrt(width * 10) + 0.01)


def test_simulators_return_plain_arrays_of_the_right_shape():
    sim = P.simulate_pair(0.5, 5, 64, seeds=[0, 1])
    assert all(isinstance(a, np.ndarray) and a.shape == (2, 5) for a in (sim.q1, sim.q2, sim.c, sim.active))
    assert np.allclose(sim.c[:, 0], 0.5, atol=0.3)
    lay = P.simulate_layers(np.ones((3, 4)), 2, 8, seeds=[0])
    assert lay.spread.shape == lay.dead.shape == (1, 2)
    mean, half = P.mean_ci([1.0, 2.0, 3.0])
    assert mean == 2.0 and half == pytest.approx(4.303 * 1.0 / math.sqrt(3))
    assert P.ci_text([1.0, 2.0, 3.0], 1) == "2.0 ± 2.5"


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    "call,error,match",
    [
        (lambda: P.relu_expectation(1.5), ValueError, "c must hold correlations"),
        (lambda: P.relu_expectation(0.5, q1=-1.0), ValueError, "q1 must be in"),
        (lambda: P.variance_map(1.0, "sigmoid"), ValueError, "activation must be one of"),
        (lambda: P.variance_map("1", "relu"), TypeError, "q must be a real number"),
        (lambda: P.correlation_map(0.5, weight_var=-1.0), ValueError, "weight_var must be in"),
        (lambda: P.relu_kernel(np.ones((2, 3))), ValueError, "K must be a square matrix"),
        (lambda: P.relu_kernel(np.array([[1.0, 0.5], [0.2, 1.0]])), ValueError, "symmetric"),
        (lambda: P.layer_variances("lecun", [3, 3]), ValueError, "init must be one of"),
        (lambda: P.layer_variances("he", [3]), ValueError, "at least two entries"),
        (lambda: P.kernels_through_depth(np.ones(3), [(2.0, 0.0)]), ValueError, "x must be"),
        (lambda: P.kernels_through_depth(np.ones((2, 3)), []), ValueError, "at least one layer"),
        (lambda: P.predicted_dead_share(np.eye(2), samples=10), ValueError, "samples must be"),
        (lambda: P.simulate_pair(0.5, 0, 10), ValueError, "depth must be"),
        (lambda: P.simulate_layers(np.ones((2, 2)), 2, 4, seeds=[1, 1]), ValueError, "distinct"),
        (lambda: P.critical_weight_var("tanh", bias_var=0.05, low=5.0, high=6.0), ValueError, "no edge of chaos"),
        (lambda: P.correlations_through_depth(0.0, 5, "relu", weight_var=2.0, q0=0.0), ValueError, "q0 must be in"),
    ],
)
def test_inputs_are_validated(call, error, match):
    with pytest.raises(error, match=match):
        call()


# --------------------------------------------------------------------------- the chapter's exercise checkers


@pytest.mark.parametrize("lang", ["en", "it"])
def test_exercise_checkers_pass_right_answers_and_explain_wrong_ones(lang):
    import relulab
    from relulab import exercises

    relulab.use_language(lang)
    try:
        assert exercises.check_propagation_predictions(one_layer=1 / math.pi, zeros_layer_five=0.5, xavier_changes_correlation=False)
        wrong = exercises.check_propagation_predictions(one_layer=0.0, zeros_layer_five=0.5, xavier_changes_correlation=True)
        assert not wrong and len(wrong.problems) == 2
        assert exercises.check_tanh_critical(P.critical_weight_var("tanh", bias_var=0.05))
        assert exercises.check_tanh_critical(1.0).kinds == ("no_bias",)
        assert exercises.check_tanh_critical(2.0).kinds == ("relu",)
        assert exercises.check_tanh_critical(1.5).kinds == ("value",)
        assert exercises.check_tanh_critical().kinds == ("missing",)

        def leaky_map(c, a):
            k1 = (math.sqrt(1 - c * c) + (math.pi - math.acos(c)) * c) / (2 * math.pi)
            return (a * a * c + a * (1 - a) * c + (1 - a) ** 2 * k1) / ((1 + a * a) / 2)

        assert exercises.check_leaky_correlation_map(leaky_map, critical=2 / 1.04)
        bad = exercises.check_leaky_correlation_map(lambda c, a: leaky_map(c, a) * (1 + a * a) / 2, critical=2)
        assert bad.kinds == ("value", "critical")
        assert exercises.check_leaky_correlation_map(42, critical=2 / 1.04).kinds == ("not_callable",)
    finally:
        relulab.use_language("en")


def test_leaky_reference_against_monte_carlo():
    from relulab.exercises.propagation import _leaky_reference

    for c, a in [(-0.9, 0.0), (0.3, 0.2), (0.95, 0.01)]:
        u, v = _pair(c)
        f = lambda x: np.where(x > 0, x, a * x)  # noqa: E731
        _close(f(u) * f(v) / ((1 + a * a) / 2), _leaky_reference(c, a))


def test_chapter_2b_figures_and_tables_draw_themselves_in_the_current_language():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from relulab import i18n

    theory = P.correlations_through_depth(0.0, 6, "relu")
    pair = P.simulate_pair(0.0, 6, 64, "relu", seeds=[0, 1, 2])
    try:
        for lang, word in (("en", "layer"), ("it", "strato")):
            i18n.use_language(lang)
            ax1, ax2 = P.plot_correlation_maps(theory, pair, width=64)
            assert ax2.get_xlabel() == word
            # the formula's curve is the theory, the Monte Carlo points every third layer
            np.testing.assert_array_equal(ax2.lines[0].get_ydata(), theory)
            assert len(ax1.get_legend().get_texts()) == 5  # diagonal, ReLU, two tanh, fixed point
            table = P.correlation_table(theory, pair, width=64, layers=(2, 6))
            assert table.splitlines()[0].split()[0] == word.capitalize() or word in table.splitlines()[0]
            assert f"{theory[5]:.3f}".replace(".", "," if lang == "it" else ".") in table
            (a1, a2), crit = P.plot_phases(bias_var=0.05)
            assert crit == P.critical_weight_var("tanh", bias_var=0.05) and a2.get_yscale() == "log"
            assert a2.lines[1].get_xdata()[0] == crit  # the critical weight variance, dotted
            phases = P.phase_table((1.0, 2.0), bias_var=0.05)
            assert len(phases.splitlines()) == 4 and "ξ_c" in phases
            plt.close("all")
    finally:
        i18n.use_language("en")
    with pytest.raises(ValueError, match="one value per layer"):
        P.correlation_table(theory[:3], pair, width=64)
    with pytest.raises(ValueError, match="layers"):
        P.correlation_table(theory, pair, width=64, layers=(7,))
