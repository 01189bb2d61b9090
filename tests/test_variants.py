"""relulab.variants: the experiments of the chapter on the ReLU family (small settings, no timing asserts)."""

import math

import numpy as np
import pytest
import torch

from relulab import activations as A
from relulab import variants as V
from relulab.data import digits


@pytest.fixture(scope="module")
def data():
    return digits(seed=0)


# --------------------------------------------------------------------------- SELU


def test_selu_constants_solve_the_fixed_point_equations():
    alpha, lam = V.selu_constants()
    assert alpha == pytest.approx(A.SELU_ALPHA, rel=1e-12)
    assert lam == pytest.approx(A.SELU_SCALE, rel=1e-12)
    mean, var = V.selu_moment_map(0.0, 1.0)
    assert abs(float(mean)) < 1e-12 and float(var) == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("mu,nu,omega,tau", [(0.0, 1.0, 0.0, 1.0), (0.3, 1.5, 0.5, 0.9), (-0.2, 0.4, 1.0, 1.2)])
def test_selu_moment_map_against_monte_carlo(mu, nu, omega, tau):
    rng = np.random.default_rng(0)
    z = rng.normal(mu * omega, math.sqrt(nu * tau), 400_000)
    y = A.selu_np(z)
    mean, var = V.selu_moment_map(mu, nu, omega=omega, tau=tau)
    assert abs(y.mean() - mean) < 5 * y.std() / math.sqrt(z.size)
    se_var = np.std((y - y.mean()) ** 2) / math.sqrt(z.size)
    assert abs(y.var() - var) < 5 * se_var


def test_selu_variance_iterates_converge_to_one_from_both_sides():
    its = V.selu_variance_iterates([0.25, 3.0], layers=30)
    assert its.shape == (2, 31)
    assert np.all(np.diff(its[0]) > 0) and np.all(np.diff(its[1]) < 0)  # monotone approach
    assert np.allclose(its[:, -1], 1.0, atol=1e-3)
    with pytest.raises(ValueError, match="nu must be positive"):
        V.selu_moment_map(0.0, -1.0)


def test_deep_forward_stats_selu_keeps_zero_one_and_breaks_as_documented():
    kw = dict(depth=12, width=96, seeds=(0, 1, 2), n_inputs=128)
    good = V.deep_forward_stats("selu", init="lecun", **kw)
    assert good.mean.shape == (3, 12)
    assert np.all(np.abs(good.mean[:, -1]) < 0.1) and np.all(np.abs(good.var[:, -1] - 1) < 0.2)
    alpha = V.deep_forward_stats("selu", init="lecun", dropout="alpha", **kw)
    assert np.all(np.abs(alpha.var[:, -1] - 1) < 0.2)
    std = V.deep_forward_stats("selu", init="lecun", dropout="standard", p=0.2, **kw)
    assert np.all(std.var[:, -1] > 1.3)  # ordinary dropout moves the fixed point
    he = V.deep_forward_stats("selu", init="he", **kw)
    assert np.all(he.var[:, -1] > 10)  # explodes
    small = V.deep_forward_stats("selu", init="default", **kw)
    assert np.all(small.var[:, -1] < 1e-2)  # vanishes (by 1/3 per layer)
    with pytest.raises(ValueError, match="dropout must be"):
        V.deep_forward_stats("selu", dropout="gaussian")
    with pytest.raises(ValueError, match="not elementwise"):
        V.deep_forward_stats("maxout")


def test_alpha_dropout_matches_pytorch():
    g = torch.Generator().manual_seed(0)
    h = A.selu_torch(torch.randn(400_000, generator=g, dtype=torch.float64))
    out = V._alpha_dropout(h, 0.1, g)
    assert abs(float(out.mean())) < 0.01 and abs(float(out.var()) - 1) < 0.01
    # on zeros both give exactly two values: b (kept) and a * a' + b (dropped), with the same constants
    zeros = torch.zeros(10_000, dtype=torch.float64)
    mine = np.unique(V._alpha_dropout(zeros, 0.1, g).numpy())
    torch.manual_seed(0)
    ref = np.unique(torch.nn.AlphaDropout(0.1).train()(zeros).numpy())
    np.testing.assert_allclose(mine, ref, rtol=1e-12)


# --------------------------------------------------------------------------- initialization and the batched MLP


def test_second_moments():
    assert V.second_moment("relu") == pytest.approx(0.5, abs=1e-9)
    assert V.second_moment("selu") == pytest.approx(1.0, abs=1e-9)
    assert V.second_moment("leaky_relu", negative_slope=0.3) == pytest.approx((1 + 0.09) / 2, abs=1e-9)
    assert V.second_moment("maxout") == pytest.approx(1.0, abs=1e-9)
    assert V.second_moment("squared_relu") == pytest.approx(1.5, abs=1e-9)
    z = np.random.default_rng(0).normal(size=1_000_000)
    mc = A.gelu_np(z) ** 2
    assert abs(V.second_moment("gelu") - mc.mean()) < 5 * mc.std() / 1000


def test_second_moments_are_remembered_per_key_and_parameters():
    """The memo returns what the quadrature gives, and never one parameter's value for another's."""
    first = V.second_moment("leaky_relu", negative_slope=0.5)
    assert V.second_moment("leaky_relu", negative_slope=0.5) == first == pytest.approx((1 + 0.25) / 2, abs=1e-9)
    assert V.second_moment("leaky_relu") == pytest.approx((1 + 0.01**2) / 2, abs=1e-9)  # the default slope, not 0.5
    assert V.second_moment("elu", alpha=2.0) != V.second_moment("elu")
    V._SECOND_MOMENTS.clear()
    assert V.second_moment("leaky_relu", negative_slope=0.5) == first  # recomputed: the same bits


def test_seed_networks_do_not_depend_on_their_companions():
    a = V.SeedBatchMLP([8, 6, 3], "elu", [0, 1, 2])
    b = V.SeedBatchMLP([8, 6, 3], "elu", [2])
    torch.testing.assert_close(a.weights[0][2], b.weights[0][0])
    x = torch.randn(5, 8, dtype=torch.float64)
    torch.testing.assert_close(a(x)[2], b(x)[0])


@pytest.mark.parametrize("key,params", [("relu", 64 * 16 + 16 + 16 * 10 + 10), ("maxout", 2 * (64 * 16 + 16) + 16 * 10 + 10),
                                        ("crelu", 64 * 16 + 16 + 32 * 10 + 10), ("prelu", 64 * 16 + 16 + 16 + 16 * 10 + 10)])
def test_parameter_counts(key, params):
    m = V.SeedBatchMLP([64, 16, 10], key, [0, 1])
    assert m.parameters_per_seed() == params
    assert m(torch.randn(4, 64, dtype=torch.float64)).shape == (2, 4, 10)


def test_gain_init_keeps_the_second_moment(data):
    for key in ("relu", "selu", "maxout", "crelu", "elu"):
        m = V.SeedBatchMLP([64] + [256] * 6 + [10], key, [0, 1, 2], init="gain")
        pre = []
        with torch.no_grad():
            m(data.x_train[:300], keep=pre)
        second = [float((z**2).mean()) for z in pre]
        assert 0.5 < second[-1] / second[0] < 2.0, key


def test_training_learns_and_is_reproducible():
    runs = []
    for _ in range(2):
        m = V.SeedBatchMLP([64, 32, 10], "silu", [0, 1], init="gain")
        runs.append(V.train_seeds(m, digits(seed=0, n_train=600), epochs=2, lr=1e-2))
    assert np.all(runs[0].test_acc > 0.5)  # chance is 0.1
    np.testing.assert_array_equal(runs[0].test_acc, runs[1].test_acc)
    assert len(runs[0].epoch_seconds) == 2 and runs[0].params == 64 * 32 + 32 + 32 * 10 + 10


def test_divergence_is_flagged_not_hidden(data):
    m = V.SeedBatchMLP([64, 32, 32, 10], "squared_relu", [0, 1], init="he")
    with torch.no_grad():
        for w in m.weights:
            w.mul_(30.0)
    res = V.train_seeds(m, data, epochs=1, lr=1.0, optimizer="sgd")
    assert res.diverged.all() and np.isnan(res.test_acc).all()


def test_dead_fraction_counts_killed_relu_units_and_never_leaky_ones(data):
    x = data.x_train.double()
    units = torch.arange(0, 16, 2)
    for key, params, want in [("relu", {}, 8 / 16 / 2), ("leaky_relu", {"negative_slope": 0.01}, 0.0)]:
        m = V.SeedBatchMLP([64, 16, 16, 10], key, [0, 1], params=params)
        V._kill(m, x, units, margin=1.0)
        frac = V.dead_fraction(m, x)
        if key == "relu":
            assert np.all(frac >= want)  # at least the 8 killed units of 32
        else:
            assert np.all(frac == want)


def test_trained_layer_stats_shapes(data):
    m = V.SeedBatchMLP([64, 16, 16, 10], "selu", [0, 1], init="lecun")
    st = V.trained_layer_stats(m, data.x_test)
    assert st.mean.shape == (2, 2) and st.var.shape == (2, 2) and st.label == "SELU"


def test_bad_arguments(data):
    with pytest.raises(ValueError, match="init must be one of"):
        V.SeedBatchMLP([4, 3, 2], "relu", [0], init="xavier")
    with pytest.raises(ValueError, match="at least one hidden width"):
        V.SeedBatchMLP([4, 2], "relu", [0])
    with pytest.raises(KeyError, match="unknown activation"):
        V.SeedBatchMLP([4, 3, 2], "swishy", [0])
    with pytest.raises(ValueError, match="distinct"):
        V.SeedBatchMLP([4, 3, 2], "relu", [0, 0])
    with pytest.raises(ValueError, match="optimizer must be"):
        V.train_seeds(V.SeedBatchMLP([64, 3, 10], "relu", [0]), data, optimizer="lbfgs")
    with pytest.raises(TypeError, match="SeedBatchMLP"):
        V.train_seeds(torch.nn.Linear(2, 2), data)


# --------------------------------------------------------------------------- PReLU and Leaky ReLU experiments


def test_weight_decay_pulls_prelu_slopes_towards_zero(data):
    small = digits(seed=0, n_train=400)
    res = V.prelu_slopes(widths=(64, 32, 10), seeds=(0, 1), epochs=3, weight_decay=0.3, data=small)
    assert res.slopes["all"].shape == (2, 1, 32)
    decayed = np.abs(res.slopes["all"]).mean()
    exempt = np.abs(res.slopes["weights"]).mean()
    assert decayed < exempt - 0.03


def test_relu_units_killed_in_the_first_layer_never_come_back(data):
    rec = V.leaky_recovery(slopes=(0.0, 0.1), optimizers=("adam",), seeds=(0, 1), epochs=2, widths=(64, 16, 10), data=data)
    assert rec.killed == 8
    relu = rec.revived[("adam", 0.0)]
    assert relu.shape == (2, 3) and np.all(relu == 0)  # exactly zero gradient: impossible to recover
    assert np.all(rec.revived[("adam", 0.1)][:, 0] == 0)  # all killed at the start
    assert rec.revived[("adam", 0.1)][:, -1].max() > 0  # a negative slope lets some come back


# --------------------------------------------------------------------------- GELU, Maxout, CReLU


def test_gelu_tanh_gap_is_small_but_not_zero():
    gap, where = V.gelu_tanh_gap()
    assert 1e-4 < gap < 1e-3 and 1.0 < abs(where) < 4.0


@pytest.mark.parametrize("kind,fn", [("relu", A.relu_np), ("abs", np.abs), ("leaky", A.leaky_relu_np)])
def test_maxout_pieces(kind, fn):
    w, b = V.maxout_pieces(kind)
    x = np.linspace(-3, 3, 121)
    np.testing.assert_allclose(np.max(np.outer(x, w) + b, axis=1), fn(x))
    with pytest.raises(ValueError, match="kind must be"):
        V.maxout_pieces("sigmoid")


def test_maxout_param_count_matches_the_layer():
    for k in (1, 2, 4):
        layer = A.Maxout(20, 8, k)
        assert V.maxout_param_count(20, 8, k) == sum(p.numel() for p in layer.parameters())


def test_two_sided_relu_is_crelu_plus_a_linear_layer():
    rng = np.random.default_rng(0)
    h = rng.normal(size=(50, 6))
    pos, neg = rng.normal(size=(6, 4)), rng.normal(size=(6, 4))
    np.testing.assert_allclose(V.two_sided_forward(h, pos, neg), V.crelu_forward(h, pos, neg))
    # with pos == neg the unit is linear: nothing is lost, the layer is just h @ pos
    np.testing.assert_allclose(V.two_sided_forward(h, pos, pos), h @ pos)
    assert V.two_sided_weight_count(6, 4) == {"relu": 24, "two_sided": 48}
    with pytest.raises(ValueError, match="units, next_units"):
        V.two_sided_forward(h, pos, neg[:3])


# --------------------------------------------------------------------------- the comparison


def test_compare_small(data):
    comp = V.compare(["maxout", "crelu"], widths=(64, 16, 10), seeds=(0, 1), epochs=1, data=data)
    assert list(comp.results) == ["relu", "maxout", "crelu"]
    rows = V.comparison_rows(comp)
    assert [r[0] for r in rows] == ["ReLU", "Maxout", "CReLU"]
    assert rows[1][4] == 2 * (64 * 16 + 16) + 16 * 10 + 10
    assert len(V.comparison_rows(comp, with_time=True)[0]) == 6
    assert comp.time_ratio("relu") == 1.0
    with pytest.raises(KeyError):
        V.compare(["nope"], data=data)


def test_family_rows_report_pytorchs_values_at_zero():
    rows = {r[0]: r for r in V.family_rows()}
    assert rows["SELU"][3] == pytest.approx(A.SELU_SCALE * A.SELU_ALPHA)
    assert rows["Softplus"][2] == pytest.approx(math.log(2))
    assert rows["Maxout"][2] == "-"
    assert len(V.family_headers()) == len(rows["ReLU"])


@pytest.mark.parametrize(("optimizer", "weight_decay", "decay_slopes"),
                         [("adam", 0.0, True), ("adam", 1e-2, False), ("sgd", 1e-2, True), ("momentum", 1e-2, False)])
def test_written_out_optimizers_train_to_torch_optims_bits(monkeypatch, optimizer, weight_decay, decay_slopes):
    """_Trainer's optimizers (training._Optimizer per parameter group, written out to avoid importing torch._dynamo)
    are the torch.optim.Adam / SGD(foreach=True) with parameter groups that it created before: same weights, bit for bit."""
    def torch_optim(opts):
        groups = [{"params": o.params, "weight_decay": o.weight_decay} for o in opts]
        if opts[0].kind == "adam":
            return torch.optim.Adam(groups, lr=opts[0].lr, foreach=True)
        return torch.optim.SGD(groups, lr=opts[0].lr, momentum=opts[0].momentum, foreach=True)

    def run(groups):
        monkeypatch.setattr(V, "_Groups", groups)
        model = V.SeedBatchMLP([64, 12, 10], "prelu", [0, 1])
        init = [p.detach().clone() for p in model.parameters()]
        V.train_seeds(model, digits(seed=0, n_train=200), optimizer=optimizer, lr=0.05 if optimizer != "adam" else 3e-3,
                      epochs=2, batch_size=32, weight_decay=weight_decay, decay_slopes=decay_slopes)
        assert len(model.slopes) > 0
        return init, [p.detach().clone() for p in model.parameters()]

    init, written = run(V._Groups)
    init_ref, reference = run(torch_optim)
    assert all(torch.equal(a, b) for a, b in zip(init, init_ref))
    assert not all(torch.equal(a, b) for a, b in zip(init, written))  # training moved the weights
    for a, b in zip(written, reference):
        assert torch.equal(a, b)
