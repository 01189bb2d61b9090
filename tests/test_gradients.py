"""Tests of relulab.gradients: one-sided limits, ReLU with a chosen derivative at 0, exact zeros,
second derivatives, and the deep-network ensembles (checked against ordinary PyTorch models)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from relulab import gradients as G
from relulab.activations import relu_np


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """Tiny models run much faster on one thread (see relulab.seeding); restore the setting afterwards."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


# ---------------------------------------------------------------- limits and subgradients


def test_difference_quotients_of_relu_at_zero():
    q = G.difference_quotients(relu_np, 0.0, hs=[1e-1, 1e-4, 1e-9])
    np.testing.assert_array_equal(q.left, 0.0)
    np.testing.assert_array_equal(q.right, 1.0)
    np.testing.assert_array_equal(q.central, 0.5)


def test_difference_quotients_away_from_the_kink_and_for_a_smooth_function():
    q = G.difference_quotients(relu_np, 1.0, hs=[0.5, 1e-3])
    np.testing.assert_allclose([q.left, q.right, q.central], 1.0)
    h = np.array([1e-2, 1e-3])
    q = G.difference_quotients(np.sin, 0.3, hs=h)
    # central differences are second-order accurate: error ~ h^2 |f'''| / 6
    assert np.all(np.abs(q.central - math.cos(0.3)) <= h**2 / 6 + 1e-12)
    assert np.all(np.abs(q.right - math.cos(0.3)) <= h)  # one-sided: first order


def test_one_sided_derivatives():
    assert G.one_sided_derivatives(relu_np, 0.0) == (0.0, 1.0)
    assert G.one_sided_derivatives(np.abs, 0.0) == (-1.0, 1.0)
    left, right = G.one_sided_derivatives(lambda x: x**2, 1.0)
    assert left == pytest.approx(2.0, abs=1e-6) and right == pytest.approx(2.0, abs=1e-6)


@pytest.mark.parametrize("g", [0.0, 0.3, 0.5, 1.0])
def test_every_slope_in_0_1_is_a_subgradient_of_relu_at_0(g):
    assert G.is_subgradient(relu_np, 0.0, g)


@pytest.mark.parametrize("g", [-0.01, 1.01, 2.0])
def test_slopes_outside_0_1_are_not(g):
    assert not G.is_subgradient(relu_np, 0.0, g)


def test_subgradients_elsewhere():
    assert G.is_subgradient(np.abs, 0.0, -1.0) and not G.is_subgradient(np.abs, 0.0, -1.1)
    assert G.is_subgradient(relu_np, 2.0, 1.0) and not G.is_subgradient(relu_np, 2.0, 0.9)
    sq = lambda x: x**2  # noqa: E731
    assert G.is_subgradient(sq, 1.0, 2.0) and not G.is_subgradient(sq, 1.0, 2.05)


def test_limit_functions_validate_their_input():
    with pytest.raises(TypeError, match="non-empty sequence"):
        G.difference_quotients(relu_np, 0.0, hs=[])
    with pytest.raises(ValueError, match=r"hs\[1\]"):
        G.difference_quotients(relu_np, 0.0, hs=[0.1, -0.1])
    with pytest.raises(TypeError, match="function"):
        G.difference_quotients("relu", 0.0)
    with pytest.raises(ValueError, match="one value per input"):
        G.difference_quotients(lambda x: np.zeros(3), 0.0, hs=[0.1])
    with pytest.raises(ValueError, match="1-D"):
        G.is_subgradient(relu_np, 0.0, 0.5, xs=np.zeros((2, 2)))


# ---------------------------------------------------------------- ReLU with a chosen derivative at 0


def _with_zeros(n: int = 200) -> torch.Tensor:
    x = torch.randn(n, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    x[::7] = 0.0
    x[3] = -0.0
    return x


def test_relu_at_zero_0_is_exactly_torch_relu():
    x = _with_zeros().requires_grad_(True)
    upstream = torch.randn(x.shape, dtype=torch.float64)
    y = G.relu_at_zero(x, 0.0)
    (g,) = torch.autograd.grad(y, x, upstream)
    x2 = x.detach().clone().requires_grad_(True)
    y2 = torch.relu(x2)
    (g2,) = torch.autograd.grad(y2, x2, upstream)
    assert torch.equal(y, y2) and torch.equal(g, g2)


@pytest.mark.parametrize("a", [0.0, 0.25, 0.5, 1.0])
def test_relu_at_zero_uses_the_chosen_value_only_at_zero(a):
    x = _with_zeros().requires_grad_(True)
    (g,) = torch.autograd.grad(G.relu_at_zero(x, a).sum(), x)
    d = x.detach()
    assert torch.all(g[d == 0] == a)
    assert torch.all(g[d > 0] == 1.0) and torch.all(g[d < 0] == 0.0)


def test_relu_at_zero_module_and_errors():
    m = G.ReLUAtZero(0.5)
    assert "at_zero=0.5" in repr(m)
    x = torch.tensor([0.0], requires_grad=True)
    m(x).sum().backward()
    assert x.grad.item() == 0.5
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        G.relu_at_zero(x, 1.5)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        G.ReLUAtZero(-0.1)
    with pytest.raises(TypeError, match="torch.Tensor"):
        G.relu_at_zero(np.zeros(3))
    with pytest.raises(TypeError, match="floating-point"):
        G.relu_at_zero(torch.zeros(3, dtype=torch.int64))


def test_gradcheck_rows():
    rows = G.gradcheck_rows([-1.0, 0.5, 0.0, 1e-7], [0.0, 0.5, 1.0])
    passed = {(r[0], r[1]): r[4] for r in rows}
    assert all(passed[(p, a)] for p in (-1.0, 0.5) for a in (0.0, 0.5, 1.0))
    assert [passed[(0.0, a)] for a in (0.0, 0.5, 1.0)] == [False, True, False]
    assert not any(passed[(1e-7, a)] for a in (0.0, 0.5, 1.0))
    central = {(r[0], r[1]): r[3] for r in rows}
    assert central[(0.0, 0.0)] == pytest.approx(0.5) and central[(1e-7, 0.0)] == pytest.approx(0.55)


# ---------------------------------------------------------------- exact zeros


def test_zero_counter_counts_inputs_of_relu_layers():
    net = nn.Sequential(nn.Linear(2, 3, bias=False), nn.ReLU(), nn.Linear(3, 2, bias=False), G.ReLUAtZero())
    with torch.no_grad():
        net[0].weight.copy_(torch.tensor([[1.0, -1.0], [1.0, 0.0], [0.0, 0.0]]))
        net[2].weight.fill_(1.0)
    with G.ZeroCounter(net) as c:
        net(torch.tensor([[1.0, 1.0]]))  # first layer -> (0, 1, 0): two zeros; second -> (1, 1)
    assert (c.zeros, c.total) == (2, 5)
    assert c.fraction == pytest.approx(0.4)
    net(torch.tensor([[1.0, 1.0]]))  # outside the block: not counted
    assert c.total == 5
    with pytest.raises(ValueError, match="no layer"):
        G.ZeroCounter(nn.Linear(2, 2))


def test_exact_zero_rows_count_forced_zeros_in_every_format():
    x = torch.randn(50, 8, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    x[0] = 0.0  # a zero input row gives a zero pre-activation row in every format
    rows = G.exact_zero_rows(x, width=16, seeds=[0, 1])
    assert [r[0] for r in rows] == ["float64", "float32", "bfloat16", "bfloat16_acc", "int8"]
    for fmt, zeros, total, frac in rows:
        assert total == 2 * 50 * 16 and zeros >= 2 * 16 and frac == zeros / total
    by = {r[0]: r[1] for r in rows}
    assert by["float64"] == 2 * 16  # continuous random numbers: no other exact zero
    assert by["int8"] > by["float64"]  # rounding to 255 levels makes small values 0
    with pytest.raises(ValueError, match="matrix"):
        G.exact_zero_rows(torch.zeros(3))


def test_at_zero_experiment_standard_and_zero_init():
    std = G.at_zero_experiment("standard", at_zeros=[0.0, 1.0], seeds=[0], epochs=1)
    # if no ReLU input was ever exactly 0, the derivative at 0 was never used: identical runs
    if np.all(std.zero_fraction == 0):
        assert np.all(std.max_param_diff == 0)
    zero = G.at_zero_experiment("zero_init", at_zeros=[0.0, 1.0], seeds=[0], epochs=2)
    assert zero.zero_fraction[0, 0] == pytest.approx(0.5)  # the whole first layer, at every step
    assert zero.max_param_diff[1, 0] > 0
    assert zero.test_acc[0, 0] < 0.2 < 0.5 < zero.test_acc[1, 0]  # frozen at chance vs learning
    with pytest.raises(ValueError, match="setup must be one of"):
        G.at_zero_experiment("bogus")
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        G.at_zero_experiment("standard", at_zeros=[2.0])


def test_zeros_from_all_zero_patches_do_not_change_training():
    r = G.at_zero_experiment("conv_padding", at_zeros=[0.0, 1.0], seeds=[0], epochs=1)
    assert r.zero_fraction[0, 0] > 0.01
    assert np.all(r.max_param_diff == 0)


# ---------------------------------------------------------------- second derivatives


def test_second_derivative():
    x = torch.linspace(-2, 2, 9, dtype=torch.float64)
    assert torch.equal(G.second_derivative(torch.relu, x), torch.zeros_like(x))
    assert torch.equal(G.second_derivative(lambda v: G.relu_at_zero(v, 0.5), x), torch.zeros_like(x))
    s = torch.sigmoid(x)
    torch.testing.assert_close(G.second_derivative(F.softplus, x), s * (1 - s))
    th = torch.tanh(x)
    torch.testing.assert_close(G.second_derivative(torch.tanh, x), -2 * th * (1 - th**2))
    torch.testing.assert_close(G.second_derivative(lambda v: 3 * v, x), torch.zeros_like(x))


def _one_input_net(act) -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(1, 16), act(), nn.Linear(16, 1)).double()


def test_input_curvature_is_zero_for_relu_and_matches_finite_differences_for_tanh():
    xs = torch.linspace(-2, 2, 41, dtype=torch.float64).unsqueeze(1)
    assert torch.equal(G.input_curvature(_one_input_net(nn.ReLU), xs), torch.zeros_like(xs))
    net = _one_input_net(nn.Tanh)
    h = 1e-4
    with torch.no_grad():
        fd = (net(xs + h) - 2 * net(xs) + net(xs - h)) / h**2
    torch.testing.assert_close(G.input_curvature(net, xs), fd, atol=1e-5, rtol=1e-4)


def test_curvature_loss_gradient():
    xs = torch.linspace(-2, 2, 21, dtype=torch.float64).unsqueeze(1)
    target = -torch.sin(xs)
    assert G.curvature_loss_gradient_norm(_one_input_net(nn.ReLU), xs, target) == 0.0
    assert G.curvature_loss_gradient_norm(_one_input_net(nn.Tanh), xs, target) > 1e-3
    with pytest.raises(ValueError, match="shape of x"):
        G.curvature_loss_gradient_norm(_one_input_net(nn.Tanh), xs, target[:5])
    with pytest.raises(ValueError, match=r"\(points, 1\)"):
        G.input_curvature(_one_input_net(nn.Tanh), torch.zeros(4, dtype=torch.float64))


def test_output_hessian_of_a_relu_network():
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(1, 3), nn.ReLU(), nn.Linear(3, 1)).double()
    x = torch.linspace(-1, 1, 8, dtype=torch.float64).unsqueeze(1)
    H = G.output_hessian(net, x)
    assert H.shape == (10, 10)
    torch.testing.assert_close(H, H.T)
    assert torch.count_nonzero(H[:6, :6]) == 0 and torch.count_nonzero(H[6:, 6:]) == 0
    assert torch.count_nonzero(H[:6, 6:]) > 0
    # one mixed entry against a finite difference: d/dv1 of d/dW1[0] (sum of outputs)
    def out(w1, v1):
        with torch.no_grad():
            net2 = nn.Sequential(nn.Linear(1, 3), nn.ReLU(), nn.Linear(3, 1)).double()
            net2.load_state_dict(net.state_dict())
            net2[0].weight[0, 0] = w1
            net2[2].weight[0, 0] = v1
            return net2(x).sum().item()
    w, v, e = net[0].weight[0, 0].item(), net[2].weight[0, 0].item(), 1e-5
    fd = (out(w + e, v + e) - out(w + e, v - e) - out(w - e, v + e) + out(w - e, v - e)) / (4 * e * e)
    assert H[0, 6].item() == pytest.approx(fd, rel=1e-4, abs=1e-6)


# ---------------------------------------------------------------- ensembles of deep networks


def test_member_and_grid_validation():
    with pytest.raises(ValueError, match="activation must be one of"):
        G.Member("gelu")
    with pytest.raises(ValueError, match="init must be one of"):
        G.Member("relu", "orthogonal")
    with pytest.raises(ValueError, match="scale"):
        G.Member("relu", "he", 0, 0.0)
    members = G.grid(["relu", "tanh"], ["he"], [3, 4], scales=[1.0, 2.0])
    assert [(m.activation, m.scale, m.seed) for m in members][:3] == [("relu", 1.0, 3), ("relu", 1.0, 4), ("relu", 2.0, 3)]
    assert len(members) == 8
    with pytest.raises(ValueError, match="distinct"):
        G.grid(seeds=[1, 1])


def _mixed_members():
    return [G.Member("relu", "he", 0), G.Member("tanh", "xavier", 1), G.Member("sigmoid", "default", 2, 1.5), G.Member("relu", "default", 3)]


@pytest.mark.parametrize("batchnorm", [False, True])
def test_ensemble_members_are_ordinary_networks(batchnorm):
    members = _mixed_members()
    ens = G.MLPEnsemble([5, 7, 6, 3], members, batchnorm=batchnorm)
    models = [ens.member_model(i) for i in range(len(members))]
    x = torch.randn(11, 5, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    y = torch.tensor([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1])
    out = ens(x)
    ens.member_losses(out, y).sum().backward()
    for i, model in enumerate(models):
        o = model(x)
        torch.testing.assert_close(out[i], o)
        F.cross_entropy(o, y).backward()
        torch.testing.assert_close(ens.weights[0].grad[i], model[0].weight.grad.T)
        torch.testing.assert_close(ens.biases[-1].grad[i, 0], model[-1].bias.grad)
    if batchnorm:  # running statistics were updated like nn.BatchNorm1d's
        ens.eval()
        for i, model in enumerate(models):
            model.eval()
            torch.testing.assert_close(ens(x)[i], model(x))


def test_initializations_have_the_documented_variance():
    fan = 256
    for init, var in [("he", 2 / fan), ("xavier", 1 / fan), ("default", 1 / (3 * fan))]:
        ens = G.MLPEnsemble([fan, fan, fan, 2], [G.Member("relu", init, 0)])
        w = ens.weights[1].detach().flatten()
        se = var * math.sqrt(2 / w.numel()) * (1.0 if init != "default" else 0.9)
        assert abs(w.var().item() - var) < 4 * se, init
        if init == "default":
            assert w.abs().max().item() <= 1 / math.sqrt(fan)
            assert ens.biases[1].detach().abs().max().item() > 0
        else:
            assert torch.count_nonzero(ens.biases[1]) == 0


def test_a_members_weights_depend_only_on_its_own_seed():
    a = G.MLPEnsemble([4, 5, 3], [G.Member("relu", "he", 7)])
    b = G.MLPEnsemble([4, 5, 3], [G.Member("tanh", "xavier", 1), G.Member("relu", "he", 7)])
    assert torch.equal(a.weights[0][0], b.weights[0][1])
    c = G.MLPEnsemble([4, 5, 3], [G.Member("relu", "he", 7, 2.0)])
    assert torch.equal(c.weights[0][0], 2.0 * a.weights[0][0])


def test_ensemble_validation():
    with pytest.raises(ValueError, match="hidden layer"):
        G.MLPEnsemble([4, 3], [G.Member()])
    with pytest.raises(TypeError, match="Member"):
        G.MLPEnsemble([4, 5, 3], ["relu"])
    ens = G.MLPEnsemble([4, 5, 3], [G.Member()])
    with pytest.raises(ValueError, match=r"\(batch, 4\)"):
        ens(torch.zeros(2, 3))


def _tiny_data(n: int = 32):
    g = torch.Generator().manual_seed(0)
    x = torch.randn(n, 6, generator=g, dtype=torch.float64)
    y = torch.randint(0, 3, (n,), generator=g)
    return x, y


def test_train_ensemble_clipping_equals_clip_grad_norm():
    x, y = _tiny_data()
    members = [G.Member("relu", "he", 0, 3.0), G.Member("tanh", "xavier", 1)]
    ens = G.MLPEnsemble([6, 8, 8, 3], members)
    models = [ens.member_model(i) for i in range(2)]
    run = G.train_ensemble(ens, x, y, x, y, epochs=3, lr=0.1, momentum=0.9, batch_size=len(x), clip_norm=0.5)
    assert run.max_grad_norm[0] > 0.5  # clipping was active for the scaled member
    for i, model in enumerate(models):
        opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        for _ in range(3):  # one full batch per epoch: the order of the examples does not matter
            opt.zero_grad()
            F.cross_entropy(model(x), y).backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 0.5)
            opt.step()
        trained = ens.member_model(i)
        for p, q in zip(model.parameters(), trained.parameters()):
            torch.testing.assert_close(p, q)


def test_a_diverging_member_does_not_affect_the_others():
    x, y = _tiny_data(64)
    ok = G.Member("relu", "he", 0)
    boom = G.Member("relu", "he", 1, 60.0)
    alone = G.train_ensemble(G.MLPEnsemble([6, 16, 16, 16, 3], [ok]), x, y, x, y, epochs=3, lr=0.5, batch_size=16)
    ens = G.MLPEnsemble([6, 16, 16, 16, 3], [ok, boom])
    both = G.train_ensemble(ens, x, y, x, y, epochs=3, lr=0.5, batch_size=16)
    assert both.diverged.tolist() == [False, True]
    assert math.isnan(both.test_acc[1]) and np.all(np.isnan(both.loss[1, -1:]))
    np.testing.assert_allclose(both.loss[0], alone.loss[0])
    assert both.test_acc[0] == alone.test_acc[0]


def test_train_ensemble_validation():
    x, y = _tiny_data()
    ens = G.MLPEnsemble([6, 4, 3], [G.Member()])
    with pytest.raises(ValueError, match="clip_norm"):
        G.train_ensemble(ens, x, y, x, y, clip_norm=0.0)
    with pytest.raises(ValueError, match="same, non-zero number of rows"):
        G.train_ensemble(ens, x, y[:3], x, y)
    with pytest.raises(TypeError, match="MLPEnsemble"):
        G.train_ensemble(nn.Linear(6, 3), x, y, x, y)


def test_gradient_profile_agrees_with_the_variance_argument():
    x, _ = _tiny_data(64)
    y = torch.arange(64) % 4
    members = G.grid(["relu", "tanh", "sigmoid"], ["he", "xavier"], seeds=[0, 1])
    p = G.gradient_profile(members, x.float(), y, depth=8, width=64)
    assert p.signal.shape == (12, 8) and p.weight_grad.shape == (12, 9) and p.weight_factor.shape == (12, 7)
    geo = np.exp(np.log(p.weight_factor).mean(axis=1))
    for m, g in zip(members, geo):  # W^T multiplies the RMS by about sqrt(n v)
        assert g == pytest.approx(math.sqrt(2.0 if m.init == "he" else 1.0), rel=0.12)
    act = np.exp(np.log(p.act_factor).mean(axis=1))
    pred = np.exp(np.log(p.predicted_act_factor).mean(axis=1))
    np.testing.assert_allclose(act, pred, rtol=0.1)
    relu = [i for i, m in enumerate(members) if m.activation == "relu"]
    np.testing.assert_allclose(act[relu], math.sqrt(0.5), rtol=0.1)
    assert np.all(p.input_spread > 0) and np.all(p.input_spread <= 1 + 1e-12)
    with pytest.raises(KeyError, match="no member"):
        p.rows_of(("relu", "default", 1.0))


def test_derivative_moment_and_layer_gain():
    for sigma in (0.1, 1.0, 7.0):
        assert G.derivative_moment("relu", sigma) == pytest.approx(0.5, abs=1e-12)
    assert G.derivative_moment("tanh", 1e-3) == pytest.approx(1.0, abs=1e-5)
    assert G.derivative_moment("sigmoid", 1e-3) == pytest.approx(1 / 16, abs=1e-7)
    assert G.derivative_moment("sigmoid", 1.0) < 1 / 16
    z = np.random.default_rng(0).normal(0.0, 1.5, 400_000)
    mc = (1 - np.tanh(z) ** 2) ** 2
    assert abs(G.derivative_moment("tanh", 1.5) - mc.mean()) < 4 * mc.std() / math.sqrt(z.size)
    assert G.layer_gain("relu", "he") == pytest.approx(1.0)
    assert G.layer_gain("relu", "xavier") == pytest.approx(0.5)
    assert G.layer_gain("relu", "default") == pytest.approx(1 / 6)
    with pytest.raises(ValueError, match="activation must be one of"):
        G.derivative_moment("gelu")
    with pytest.raises(ValueError, match="init must be one of"):
        G.layer_gain("relu", "lecun")


def test_summaries_and_text():
    members = [G.Member("relu", "he", 0), G.Member("relu", "he", 1), G.Member("tanh", "he", 0)]
    out = G.summarize(members, np.array([1.0, 3.0, np.nan]))
    assert out[0] == (("relu", "he", 1.0), 2.0, 1.0, 2)
    assert out[1][0] == ("tanh", "he", 1.0) and math.isnan(out[1][1]) and out[1][3] == 0
    assert G.summarize(members, np.array([10.0, 1000.0, 1.0]), log=True)[0][1] == pytest.approx(2.0)
    with pytest.raises(ValueError, match="one entry per member"):
        G.summarize(members, np.zeros(2))
    assert G.mean_sd_text(0.12345, 0.01) == "0.12 ± 0.01"
    assert G.mean_sd_text(-0.0001, 0.0) == "0.00 ± 0.00"
    assert G.mean_sd_text(float("nan"), 0.0) == "—"


def test_rows_and_plot():
    x, _ = _tiny_data(16)
    y = torch.arange(16) % 3
    members = G.grid(["relu"], ["he", "xavier"], seeds=[0, 1])
    p = G.gradient_profile(members, x, y, depth=3, width=8)
    rows = G.profile_rows(p)
    assert [r[:3] for r in rows] == [["relu", "he", 1.0], ["relu", "xavier", 1.0]]
    run = G.train_ensemble(G.MLPEnsemble([6, 8, 3], members), x, y, x, y, epochs=1)
    assert G.train_rows(run)[0][-1] == "0/2"
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    G.plot_layers(ax, p, [("relu", "he", 1.0)], quantity="activation_rms")
    assert len(ax.lines) == 1
    with pytest.raises(ValueError, match="quantity"):
        G.plot_layers(ax, p, [("relu", "he", 1.0)], quantity="weights")
    with pytest.raises(ValueError, match="one label per config"):
        G.plot_layers(ax, p, [("relu", "he", 1.0)], labels=["a", "b"])
    plt.close(fig)
