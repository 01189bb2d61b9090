"""relulab.sparsity: definitions, initialization, training probes, flips, efficiency helpers, zero-centring."""

import itertools
import math
from collections import OrderedDict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

from relulab import data, sparsity as sp  # noqa: E402
from relulab.probes import record_activations  # noqa: E402

# 4 examples x 3 units: unit 0 fires for two inputs, unit 1 never (dead), unit 2 always
ACTS = torch.tensor([[1.0, 0.0, 2.0], [0.0, 0.0, 1.0], [3.0, 0.0, 0.5], [0.0, 0.0, 4.0]])


# --------------------------------------------------------------------------- definitions


def test_definitions_on_a_known_tensor():
    assert sp.zero_fraction(ACTS) == pytest.approx(6 / 12)
    np.testing.assert_allclose(sp.population_sparsity(ACTS), [1 / 3, 2 / 3, 1 / 3, 2 / 3])
    np.testing.assert_allclose(sp.lifetime_sparsity(ACTS), [0.5, 1.0, 0.0])
    np.testing.assert_array_equal(sp.dead_mask(ACTS), [False, True, False])
    np.testing.assert_array_equal(sp.always_on_mask(ACTS), [False, False, True])
    # population and lifetime sparsity average to the same overall zero fraction
    assert sp.population_sparsity(ACTS).mean() == pytest.approx(sp.lifetime_sparsity(ACTS).mean())


def test_trailing_dimensions_are_units_and_bad_inputs_are_refused():
    conv_like = ACTS.reshape(4, 3, 1, 1)
    assert sp.zero_fraction(conv_like) == sp.zero_fraction(ACTS)
    np.testing.assert_array_equal(sp.dead_mask(conv_like), sp.dead_mask(ACTS))
    with pytest.raises(ValueError, match="one row per example"):
        sp.zero_fraction(torch.ones(3))
    with pytest.raises(ValueError, match="at least one example"):
        sp.zero_fraction(torch.ones(0, 3))
    with pytest.raises(TypeError, match="torch.Tensor"):
        sp.zero_fraction(np.ones((2, 2)))
    with pytest.raises(TypeError, match="real numbers"):
        sp.zero_fraction(torch.ones(2, 2, dtype=torch.bool))


def test_layer_sparsity_of_a_hand_built_network():
    net = nn.Sequential(OrderedDict(fc=nn.Linear(2, 3), act=nn.ReLU())).double()
    with torch.no_grad():
        net.fc.weight.copy_(torch.tensor([[1.0, 0.0], [0.0, 0.0], [0.0, 0.0]]))
        net.fc.bias.copy_(torch.tensor([0.0, -1.0, 1.0]))  # unit 0 follows x0, unit 1 dead, unit 2 always on
    x = torch.tensor([[1.0, 5.0], [-1.0, 5.0], [2.0, 0.0], [-3.0, 1.0]], dtype=torch.float64)
    (row,) = sp.layer_sparsity(net, x)
    assert row == sp.LayerSparsity("act", 3, 6 / 12, 1 / 3, 1 / 3)


# --------------------------------------------------------------------------- initialization


def test_init_network_biases_and_weight_shift():
    zero = sp.init_network([5, 7, 7, 2], init="he", bias="zero", seed=3)
    own = sp.init_network([5, 7, 7, 2], init="he", bias="own", seed=3)
    rnd = sp.init_network([5, 7, 7, 2], init="he", bias="random", seed=3)
    fill = sp.init_network([5, 7, 7, 2], init="he", bias=-0.25, seed=3)
    shifted = sp.init_network([5, 7, 7, 2], init="he", bias="zero", weight_shift=0.5, seed=3)
    assert all(torch.all(m.bias == 0) for m in zero.modules() if isinstance(m, nn.Linear))
    assert all(torch.all(m.bias == 0) for m in own.modules() if isinstance(m, nn.Linear))  # He: zero biases
    assert all(torch.all(m.bias == -0.25) for m in fill.modules() if isinstance(m, nn.Linear))
    for m in rnd.modules():
        if isinstance(m, nn.Linear):
            assert torch.all(m.bias.abs() <= 1 / math.sqrt(m.in_features)) and torch.any(m.bias != 0)
    torch.testing.assert_close(shifted.fc1.weight, zero.fc1.weight + 0.5)
    default = sp.init_network([5, 7, 2], init="default", seed=3)
    assert torch.any(default.fc1.bias != 0)  # PyTorch's own random biases are kept
    assert zero.fc1.weight.dtype == torch.float64


def test_init_network_errors():
    with pytest.raises(ValueError, match="init must be one of"):
        sp.init_network([3, 3, 2], init="glorot")
    with pytest.raises(ValueError, match="bias must be one of"):
        sp.init_network([3, 3, 2], bias="small")
    with pytest.raises(ValueError, match="bias must be in"):
        sp.init_network([3, 3, 2], bias=float("nan"))


def test_symmetric_weights_switch_off_half_the_units_at_every_depth():
    # Derivation: for ANY fixed input h, w.h with w symmetric about 0 is symmetric about 0,
    # so P(unit off) = 1/2 in every layer -- also in deep layers, whose inputs are all >= 0.
    # Monte Carlo over 40 seeds, including non-centred (raw, positive) pixels as inputs.
    x = data.digits(standardize=False).x_test[:40].double()
    res = sp.sparsity_at_init(x, depth=6, width=32, init="he", bias="zero", seeds=range(40))
    per_layer = res.zero.mean(axis=0)
    se = res.zero.std(axis=0, ddof=1) / math.sqrt(40)
    assert np.all(np.abs(per_layer - 0.5) < 4 * se + 1e-3), (per_layer, se)
    assert res.zero.shape == res.dead.shape == res.always_on.shape == (40, 6) and res.depth == 6


def test_zero_pattern_does_not_depend_on_the_weight_scale_without_bias():
    # positive homogeneity: scaling every weight by c > 0 scales every pre-activation by c^k
    x = data.digits().x_test[:50].double()
    nets = [sp.init_network([64, 16, 16, 16, 10], init=i, bias="zero", seed=7) for i in ("he", "xavier", "lecun", "normal")]
    patterns = [torch.cat([a != 0 for a in record_activations(n, x).values()], dim=1) for n in nets]
    for p in patterns[1:]:
        assert torch.equal(p, patterns[0])


def test_flipping_the_first_layer_signs_complements_its_pattern():
    net = sp.init_network([64, 20, 10], init="he", bias="zero", seed=1)
    x = data.digits().x_test[:30].double()
    a = record_activations(net, x)["act1"]
    with torch.no_grad():
        net.fc1.weight.neg_()
    b = record_activations(net, x)["act1"]
    assert torch.equal(a != 0, b == 0)


@pytest.mark.parametrize("bias", [-0.4, 0.0, 0.3])
def test_gaussian_zero_fraction_against_monte_carlo(bias):
    x = data.digits().x_test[:60].double()
    std = 0.2
    gen = torch.Generator().manual_seed(0)
    fractions = []
    for _ in range(300):
        w = torch.randn(x.shape[1], 64, generator=gen, dtype=torch.float64) * std
        fractions.append(float((x @ w + bias <= 0).double().mean()))
    mc, se = np.mean(fractions), np.std(fractions, ddof=1) / math.sqrt(len(fractions))
    assert abs(sp.gaussian_zero_fraction(x, weight_std=std, bias=bias) - mc) < 4 * se + 1e-4
    assert sp.gaussian_zero_fraction(torch.zeros(3, 4), weight_std=1.0, bias=0.0) == 1.0
    with pytest.raises(ValueError, match="weight_std"):
        sp.gaussian_zero_fraction(x, weight_std=0.0)


def test_bias_shift_and_weight_shift_move_sparsity_the_predicted_way():
    x = data.digits().x_test[:100].double()
    base = sp.sparsity_at_init(x, depth=3, bias="zero", seeds=[0, 1, 2]).zero
    neg = sp.sparsity_at_init(x, depth=3, bias=-0.5, seeds=[0, 1, 2]).zero
    pos = sp.sparsity_at_init(x, depth=3, bias=0.5, seeds=[0, 1, 2]).zero
    assert np.all(neg.mean(0) > base.mean(0)) and np.all(pos.mean(0) < base.mean(0))
    shifted = sp.sparsity_at_init(x, depth=3, bias="zero", weight_shift=0.05, seeds=[0, 1, 2]).zero
    assert shifted.mean(0)[1] < 0.25  # layer 2 sees non-negative inputs: positive mean weights switch it on


# --------------------------------------------------------------------------- training with probes


@pytest.fixture(scope="module")
def small_split():
    return data.digits(n_train=60)


def test_activation_l1_penalty_is_the_mean_absolute_activation():
    net = nn.Sequential(OrderedDict(fc=nn.Linear(2, 3), act=nn.ReLU(), out=nn.Linear(3, 2))).double()
    x = torch.randn(5, 2, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    y = torch.tensor([0, 1, 0, 1, 1])
    with sp.ActivationL1(net, 0.7) as loss_fn:
        logits = net(x)
        want = nn.functional.cross_entropy(logits, y) + 0.7 * torch.relu(net.fc(x)).abs().mean()
        torch.testing.assert_close(loss_fn(logits, y), want)
    assert not net.act._forward_hooks
    with sp.ActivationL1(net, 0.0) as plain:
        logits = net(x)
        torch.testing.assert_close(plain(logits, y), nn.functional.cross_entropy(logits, y))
    with pytest.raises(RuntimeError, match="with-block"):
        sp.ActivationL1(net, 1.0).penalty()
    with sp.ActivationL1(net, 1.0) as fresh, pytest.raises(RuntimeError, match="no forward pass"):
        fresh.penalty()
    with pytest.raises(ValueError, match="lam must be in"):
        sp.ActivationL1(net, -1.0)
    with pytest.raises(ValueError, match="unknown layer names"):
        sp.ActivationL1(net, 1.0, layers=["nope"])


def test_train_probed_records_every_epoch_and_step_and_is_reproducible(small_split):
    kw = dict(widths=(64, 16, 16, 10), epochs=3, batch_size=20, lr=1e-2, flips=True)
    a = sp.train_probed(small_split, seed=4, **kw)
    b = sp.train_probed(small_split, seed=4, **kw)
    assert a.layers == ["act1", "act2"]
    assert a.zero.shape == a.dead.shape == (4, 2)  # initialization + 3 epochs
    assert a.step_flips.shape == (9,)  # 3 epochs x 3 steps
    assert np.all((a.step_flips >= 0) & (a.step_flips <= 1)) and a.step_flips.max() > 0
    np.testing.assert_array_equal(a.zero, b.zero)
    np.testing.assert_array_equal(a.step_flips, b.step_flips)
    assert (a.train_acc, a.test_acc) == (b.train_acc, b.test_acc)
    assert a.gap == pytest.approx(a.train_acc - a.test_acc)
    assert a.final_zero == pytest.approx(a.zero[-1].mean())
    assert a.steps_per_epoch == 3
    no_flips = sp.train_probed(small_split, seed=4, **{**kw, "flips": False})
    assert no_flips.step_flips.size == 0
    np.testing.assert_array_equal(no_flips.zero, a.zero)  # probing does not change training
    ends = sp.train_probed(small_split, seed=4, **{**kw, "every_epoch": False})
    np.testing.assert_array_equal(ends.zero, a.zero[[0, -1]])
    assert ends.step_flips.shape == (9,)


def test_a_strong_l1_penalty_makes_activations_sparser(small_split):
    kw = dict(widths=(64, 32, 32, 10), epochs=10, batch_size=20, lr=1e-2, seed=0)
    plain = sp.train_probed(small_split, **kw)
    sparse = sp.train_probed(small_split, l1=3.0, **kw)
    assert sparse.final_zero > plain.final_zero + 0.1


def test_train_probed_with_dropout_and_tanh(small_split):
    run = sp.train_probed(small_split, widths=(64, 16, 10), epochs=2, batch_size=30, dropout=0.5)
    assert run.layers == ["act1.0"]
    tanh = sp.train_probed(small_split, widths=(64, 16, 10), epochs=2, batch_size=30, activation=nn.Tanh)
    assert tanh.final_zero == 0.0  # tanh has no exact zeros


def test_train_probed_errors(small_split):
    with pytest.raises(ValueError, match="n_features"):
        sp.train_probed(small_split, widths=(10, 5, 10))
    with pytest.raises(ValueError, match="at least one hidden layer"):
        sp.train_probed(small_split, widths=(64, 10))
    with pytest.raises(ValueError, match="dropout must be in"):
        sp.train_probed(small_split, dropout=1.0)
    with pytest.raises(ValueError, match="optimizer must be one of"):
        sp.train_probed(small_split, optimizer="lbfgs")
    with pytest.raises(TypeError, match="relulab.data.Split"):
        sp.train_probed((1, 2))


def test_small_data_runs_are_paired():
    runs = sp.small_data_runs(
        {"a": {}, "b": {"l1": 0.5}}, seeds=[0, 1], n_train=40, widths=(64, 8, 10), epochs=1, batch_size=20
    )
    assert list(runs) == ["a", "b"] and [r.seed for r in runs["b"]] == [0, 1]
    # same seed, same initial weights: the penalty changes nothing before training
    np.testing.assert_array_equal(runs["a"][0].zero[0], runs["b"][0].zero[0])
    with pytest.raises(ValueError, match="at least one configuration"):
        sp.small_data_runs({}, seeds=[0], n_train=40)


def _fake(seed, train, test, zero):
    return sp.ProbedRun(seed, ["act1"], np.array([[0.5], [zero]]), np.zeros((2, 1)), np.array([]), 1, train, test, nn.Identity())


def test_compare_runs_mean_sd_and_pm():
    runs = {
        "base": [_fake(0, 1.0, 0.9, 0.5), _fake(1, 1.0, 0.8, 0.5)],
        "other": [_fake(0, 1.0, 0.95, 0.7), _fake(1, 1.0, 0.85, 0.9)],
    }
    rows = sp.compare_runs(runs, baseline="base")
    assert rows[0] == ["base", "0.50 ± 0.00", "1.000 ± 0.000", "0.850 ± 0.071", "0.150 ± 0.071", "0.000 ± 0.000"]
    assert rows[1][1] == "0.80 ± 0.14" and rows[1][5] == "-0.050 ± 0.000"
    assert sp.mean_sd([1.0, 3.0]) == (2.0, pytest.approx(math.sqrt(2)))
    assert sp.mean_sd([4.0]) == (4.0, 0.0)
    assert sp.pm([-0.0001, 0.0001], 2) == "0.00 ± 0.00"
    with pytest.raises(ValueError, match="baseline"):
        sp.compare_runs(runs, baseline="nope")
    with pytest.raises(ValueError, match="empty"):
        sp.mean_sd([])


# --------------------------------------------------------------------------- which units switch


def test_flip_rate_and_noise_flip_rate():
    before = ACTS
    after = ACTS.clone()
    after[0, 0] = 0.0  # one unit switches off
    after[1, 1] = 2.0  # one switches on
    assert sp.flip_rate(before, after) == pytest.approx(2 / 12)
    assert sp.flip_rate(before, before * 3) == 0.0  # sizes change, states do not
    with pytest.raises(ValueError, match="same shape"):
        sp.flip_rate(before, before[:2])
    net = sp.init_network([64, 20, 20, 10], seed=0)
    x = data.digits().x_test[:50].double()
    assert sp.noise_flip_rate(net, x, sigma=0.0) == 0.0
    small, large = sp.noise_flip_rate(net, x, sigma=0.05), sp.noise_flip_rate(net, x, sigma=2.0)
    assert 0 < small < large < 1


def test_pairwise_disagreement_matches_brute_force():
    gen = torch.Generator().manual_seed(0)
    acts = torch.relu(torch.randn(12, 7, generator=gen))
    labels = torch.tensor([0, 1, 2] * 4)
    on = (acts != 0).numpy()
    pairs = [(i, j) for i, j in itertools.permutations(range(12), 2)]
    brute = np.mean([np.mean(on[i] != on[j]) for i, j in pairs])
    same = np.mean([np.mean(on[i] != on[j]) for i, j in pairs if labels[i] == labels[j]])
    other = np.mean([np.mean(on[i] != on[j]) for i, j in pairs if labels[i] != labels[j]])
    got = sp.pairwise_disagreement(acts, labels)
    assert got["all"] == pytest.approx(brute) and got["same_class"] == pytest.approx(same)
    assert got["other_class"] == pytest.approx(other)
    assert sp.pairwise_disagreement(acts) == {"all": pytest.approx(brute)}
    with pytest.raises(ValueError, match="two examples"):
        sp.pairwise_disagreement(acts[:1])
    with pytest.raises(ValueError, match="labels must have shape"):
        sp.pairwise_disagreement(acts, labels[:3])


def test_class_profile_and_top_class_share():
    labels = torch.tensor([0, 0, 1, 1])
    profile = sp.class_activation_profile(ACTS, labels)
    np.testing.assert_allclose(profile, [[0.5, 0.0, 1.0], [0.5, 0.0, 1.0]])
    acts = torch.tensor([[1.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 1.0, 0.0]])
    share = sp.top_class_share(sp.class_activation_profile(acts, labels))
    np.testing.assert_allclose(share, [1.0, 2 / 3])  # unit 0: class 0 only; unit 1: rates 1/2 and 1; unit 2 never fires: left out
    p3 = sp.class_activation_profile(acts, labels, n_classes=3)
    assert np.isnan(p3[2]).all()  # no example of class 2
    with pytest.raises(ValueError, match="labels must be integers"):
        sp.class_activation_profile(acts, labels.double())
    with pytest.raises(ValueError, match="at least two classes"):
        sp.top_class_share(np.ones((1, 3)))


def test_class_profile_order_sets_dead_and_always_on_units_apart():
    # columns: dead, favours class 1, always on, favours class 0 (rarely), favours class 0 (often), dead
    profile = np.array([[0.0, 0.2, 1.0, 0.3, 0.9, 0.0],
                        [0.0, 0.8, 1.0, 0.1, 0.5, 0.0]])
    order, n_always, n_dead = sp.class_profile_order(profile)
    assert (n_always, n_dead) == (1, 2)
    np.testing.assert_array_equal(order, [4, 3, 1, 2, 0, 5])  # class 0 (most often first), class 1, always on, dead
    assert sorted(order.tolist()) == list(range(6))
    # argmax alone would file the dead and always-on columns under class 0, among the selective units
    assert profile[:, [0, 2, 5]].argmax(axis=0).tolist() == [0, 0, 0]
    order, n_always, n_dead = sp.class_profile_order(np.array([[0.5, 0.0], [0.2, 0.0]]))
    assert (order.tolist(), n_always, n_dead) == ([0, 1], 0, 1)
    with pytest.raises(ValueError, match="2-D"):
        sp.class_profile_order(np.zeros(3))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        sp.class_profile_order(np.array([[1.5], [0.0]]))
    ax = sp.plot_class_profile(profile)
    assert len(ax.lines) == 2  # one dashed edge before the always-on units, one before the dead ones
    plt.close(ax.figure)


def test_count_patterns():
    acts = torch.tensor([[1.0, 0.0], [2.0, 0.0], [0.0, 3.0], [0.0, 0.0]])
    assert sp.count_patterns(acts) == 3
    second = torch.tensor([[1.0], [0.0], [1.0], [1.0]])
    assert sp.count_patterns({"a": acts, "b": second}) == 4  # the second layer separates rows 0 and 1
    assert sp.count_patterns([acts, second]) == 4
    with pytest.raises(ValueError, match="same number of examples"):
        sp.count_patterns([acts, second[:2]])
    with pytest.raises(ValueError, match="no layer"):
        sp.count_patterns([])


# --------------------------------------------------------------------------- efficiency


def test_union_active_fraction():
    acts = torch.tensor([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [5.0, 5.0, 5.0]])
    assert sp.union_active_fraction(acts, 1) == pytest.approx(5 / 15)
    assert sp.union_active_fraction(acts, 2) == pytest.approx((2 / 3 + 0) / 2)  # last row dropped
    # independent units on with probability 1/2: a batch of b leaves 1 - 2**-b of them on
    gen = torch.Generator().manual_seed(0)
    coin = (torch.rand(4000, 200, generator=gen) < 0.5).double()
    for b in (1, 2, 4):
        assert sp.union_active_fraction(coin, b) == pytest.approx(1 - 0.5**b, abs=0.01)
    with pytest.raises(ValueError, match="batch_size"):
        sp.union_active_fraction(acts, 0)


def test_time_products_compute_the_same_product():
    for batch in (1, 16):
        res = sp.time_products(256, 128, batch=batch, repeats=2)
        assert set(res.seconds) == {"dense", "compacted", "pregathered", "sparse_csr"}
        assert all(v > 0 for v in res.seconds.values())  # positive; their sizes are never asserted
        assert res.max_abs_diff < 1e-4
    one = sp.time_products(4000, 8, batch=1, zero_fraction=0.5, repeats=1)
    assert one.active_fraction == pytest.approx(0.5, abs=0.03)
    with pytest.raises(ValueError, match="zero_fraction"):
        sp.time_products(zero_fraction=1.5)


# --------------------------------------------------------------------------- not zero-centred


def test_same_sign_share():
    g = torch.tensor([[1.0, 2.0, 0.0], [-1.0, 2.0, 3.0], [0.0, 0.0, 5.0], [-1.0, -0.5, 0.0]])
    assert sp.same_sign_share(g) == pytest.approx(2 / 3)  # row 2 has one non-zero entry: not counted
    assert math.isnan(sp.same_sign_share(torch.zeros(2, 3)))


def test_one_example_moves_all_weights_into_a_relu_fed_unit_in_one_direction():
    x, y = data.digits().x_test[:64].double(), data.digits().y_test[:64]
    relu_net = sp.init_network([64, 32, 32, 10], seed=0)
    tanh_net = sp.init_network([64, 32, 32, 10], seed=0, activation=nn.Tanh)
    relu = sp.grad_sign_share(relu_net, x, y, layer="fc2", batch_sizes=(1, 64), n_batches=5)
    assert relu[1] == 1.0  # dL/dW_jk = delta_j * h_k with every h_k >= 0
    assert relu[64] < 0.5  # a batch sums examples whose deltas differ in sign
    assert sp.grad_sign_share(tanh_net, x, y, layer="fc2", batch_sizes=(1,), n_batches=5)[1] < 0.1
    # the gradient of one example is an outer product delta h^T
    relu_net.zero_grad()
    nn.functional.cross_entropy(relu_net(x[:1]), y[:1]).backward()
    h = torch.relu(relu_net.fc1(x[:1]))[0]
    g = relu_net.fc2.weight.grad
    delta = g[:, h.argmax()] / h.max()
    torch.testing.assert_close(g, torch.outer(delta, h))
    with pytest.raises(ValueError, match="module with a weight"):
        sp.grad_sign_share(relu_net, x, y, layer="act1")


def test_batchnorm_variants():
    base = sp.init_network([64, 32, 32, 10], seed=0)
    x, y = data.digits().x_train[:300].double(), data.digits().y_train[:300]
    before = sp.batchnorm_variant(base, where="before", calibrate=x)
    after = sp.batchnorm_variant(base, where="after", calibrate=x)
    assert [n for n, _ in before.named_children()] == ["fc1", "bn1", "act1", "fc2", "bn2", "act2", "out"]
    assert [n for n, _ in after.named_children()] == ["fc1", "act1", "bn1", "fc2", "act2", "bn2", "out"]
    assert not after.training
    torch.testing.assert_close(after.fc1.weight, base.fc1.weight)
    with torch.no_grad():
        centred = after.bn1(after.act1(after.fc1(x)))
        positive = before.act1(before.bn1(before.fc1(x)))
    assert centred.mean(dim=0).abs().max() < 1e-6 and (centred < 0).any()
    assert (positive >= 0).all()
    assert sp.grad_sign_share(before, x, y, layer="fc2", batch_sizes=(1,), n_batches=5)[1] == 1.0
    assert sp.grad_sign_share(after, x, y, layer="fc2", batch_sizes=(1,), n_batches=5)[1] < 0.1
    with pytest.raises(ValueError, match="where must be"):
        sp.batchnorm_variant(base, where="inside")
    with pytest.raises(ValueError, match="no activation layer"):
        sp.batchnorm_variant(nn.Sequential(nn.Linear(2, 2)), where="after")


def test_switching_rows_and_top_class_share_of_a_model(small_split):
    runs = [sp.train_probed(small_split, widths=(64, 16, 16, 10), epochs=2, batch_size=20, seed=s, flips=True) for s in (0, 1)]
    x, y = small_split.x_test.double(), small_split.y_test
    rows = sp.switching_rows(runs, x, y, sigmas=(0.1,))
    assert len(rows) == 5 and all(len(r) == 2 and " ± " in r[1] for r in rows)
    values = [float(r[1].split(" ± ")[0]) for r in rows]
    assert all(0 <= v <= 1 for v in values)
    assert values[3] < values[4]  # images of one class share more of their pattern than images of two classes
    sw = sp.switching_values(runs, x, y, sigmas=(0.1,))
    assert sw.rows() == rows and list(sw.noise) == [0.1]
    assert all(len(v) == 2 for v in (sw.step_first, sw.step_last, sw.noise[0.1], sw.same_class, sw.other_class))
    assert sw.step_first == [float(r.step_flips[: r.steps_per_epoch].mean()) for r in runs]
    with pytest.raises(ValueError, match="flips=True"):
        sp.switching_rows([sp.train_probed(small_split, widths=(64, 8, 10), epochs=1)], x, y)
    share = sp.median_top_class_share(runs[0].model, x, y)
    assert 0.1 <= share <= 1.0


def test_sign_share_rows_table():
    d = data.digits()
    rows = sp.sign_share_rows(d.x_test[:100].double(), d.y_test[:100], calibrate=d.x_train[:200].double(), seeds=[0], batch_sizes=(1,), n_batches=3)
    table = {r[0]: r[1] for r in rows}
    assert table["ReLU"] == table["BatchNorm → ReLU"] == "1.00 ± 0.00"
    assert table["tanh"] == "0.00 ± 0.00" and table["ReLU → BatchNorm"] != "1.00 ± 0.00"
    shares = sp.sign_shares(d.x_test[:100].double(), d.y_test[:100], calibrate=d.x_train[:200].double(), seeds=[0, 1], batch_sizes=(1, 8), n_batches=3)
    assert list(shares) == list(sp.SIGN_SHARE_KINDS) and all(list(v) == [1, 8] and len(v[8]) == 2 for v in shares.values())
    assert shares["ReLU"][1] == [1.0, 1.0] and shares["tanh"][1] == [0.0, 0.0] and len(sp.sign_share_table(shares)[0]) == 3


def test_output_means_and_moments():
    mu, var = sp.output_moments("ReLU")
    assert mu == pytest.approx(1 / math.sqrt(2 * math.pi)) and var == pytest.approx(0.5 - 1 / (2 * math.pi))
    phi0, big_phi = 1 / math.sqrt(2 * math.pi), 0.5 * math.erfc(1 / math.sqrt(2))
    elu_exact = phi0 + math.exp(0.5) * big_phi - 0.5  # E[Z; Z>0] + E[e^Z - 1; Z<0]
    for name, exact in [("ReLU", phi0), ("ELU", elu_exact), ("tanh", 0.0)]:
        m, se = sp.output_mean(name)
        assert abs(m - exact) < 4 * se, name
        assert sp.exact_output_mean(name) == pytest.approx(exact)
    with pytest.raises(ValueError, match="name must be one of"):
        sp.exact_output_mean("GELU")
    assert sp.output_moments("ReLU → BatchNorm") == (0.0, 1.0)
    with pytest.raises(ValueError, match="name must be one of"):
        sp.output_mean("GELU")
    with pytest.raises(ValueError, match="activation must be one of"):
        sp.output_moments("GELU")


def test_condition_numbers_formula_and_monte_carlo():
    for n in (1, 2, 20, 100):
        assert sp.input_condition_number("ReLU", n) == pytest.approx(sp.relu_condition_number(n))
    # E[h h^T] for ReLU inputs, Monte Carlo against the formula
    z = torch.randn(400_000, 3, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    h = torch.relu(z)
    np.testing.assert_allclose((h.T @ h / z.shape[0]).numpy(), sp.input_second_moment("ReLU", 3), atol=4e-3)
    assert sp.input_condition_number("tanh", 50) < 1.05 < sp.input_condition_number("ELU", 50) < sp.input_condition_number("ReLU", 50)
    assert sp.input_condition_number("ReLU → BatchNorm", 50) == 1.0


def test_gd_steps_grow_with_the_condition_number():
    assert sp.gd_steps_to_converge(np.eye(4)) == 1
    steps = [sp.gd_steps_to_converge(sp.input_second_moment("ReLU", n)) for n in (2, 20, 100)]
    assert steps[0] < steps[1] < steps[2]
    with pytest.raises(ValueError, match="square"):
        sp.gd_steps_to_converge(np.ones(3))
    with pytest.raises(ValueError, match="positive definite"):
        sp.gd_steps_to_converge(np.zeros((2, 2)))


def test_sgd_path_with_relu_inputs_moves_both_weights_together():
    relu = sp.sgd_path("ReLU", steps=40, seed=0)
    moves = np.diff(relu.weights, axis=0)
    assert np.all(moves[:, 0] * moves[:, 1] >= 0)  # never one up and the other down
    tanh = sp.sgd_path("tanh", steps=40, seed=0)
    assert np.any(np.diff(tanh.weights, axis=0).prod(axis=1) < 0)
    assert relu.weights.shape == (41, 2) and relu.distance[0] == pytest.approx(math.sqrt(2))
    np.testing.assert_array_equal(relu.target, [1.0, -1.0])
    with pytest.raises(ValueError, match="activation must be one of"):
        sp.sgd_path("sigmoid")


# --------------------------------------------------------------------------- plots


def test_plots_draw_and_refuse_empty_input():
    x = data.digits().x_test[:20].double()
    res = {"He": sp.sparsity_at_init(x, depth=2, seeds=[0, 1])}
    axes = sp.plot_init_depth(res)
    assert len(axes[0].lines) >= 1
    runs = [_fake(0, 1.0, 0.9, 0.5)]
    sp.plot_training(runs)
    sp.plot_class_profile(np.random.default_rng(0).random((10, 8)))
    sp.plot_gap_vs_sparsity({"a": runs})
    sp.plot_sgd_paths([sp.sgd_path("ReLU", steps=5), sp.sgd_path("tanh", steps=5)])
    plt.close("all")
    for fn in (sp.plot_init_depth, sp.plot_training, sp.plot_gap_vs_sparsity, sp.plot_sgd_paths):
        with pytest.raises(ValueError, match="must not be empty"):
            fn({} if fn in (sp.plot_init_depth, sp.plot_gap_vs_sparsity) else [])
