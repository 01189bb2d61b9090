"""Tests of relulab.dying: dead-unit detection, the one-neuron mechanism, batched training, born-dead networks."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
import torch
from torch import nn

from relulab import dying
from relulab.data import digits
from relulab.training import mlp, train


@pytest.fixture(scope="module")
def split():
    return digits()


@pytest.fixture(scope="module")
def small_split():
    d = digits(n_train=200)
    return d


# --------------------------------------------------------------------------- detection


def test_dead_units_finds_exactly_the_killed_units(split):
    model = mlp([64, 16, 12, 10], seed=3)
    killed = dying.kill_units(model, 0.25, seed=1)
    masks = dying.dead_units(model, split.x_train)
    assert list(masks) == ["act1", "act2"]
    for (name, mask), idx in zip(masks.items(), killed):
        assert mask.dtype == torch.bool
        assert sorted(torch.nonzero(mask).flatten().tolist()) == idx, name
    assert [len(i) for i in killed] == [4, 3]


def test_dead_units_over_a_data_loader_matches_one_tensor(split):
    model = mlp([64, 16, 12, 10], seed=0)
    dying.kill_units(model, 0.5, seed=2)
    # make one more unit dead on the data only through its bias
    with torch.no_grad():
        model.fc2.bias[0] = -1e3
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(split.x_train, split.y_train), batch_size=100
    )
    a = dying.dead_units(model, loader)
    b = dying.dead_units(model, split.x_train)
    c = dying.dead_units(model, [split.x_train[:7], split.x_train[7:]])
    for k in a:
        assert torch.equal(a[k], b[k]) and torch.equal(a[k], c[k])
    assert bool(b["act2"][0])


def test_a_unit_alive_on_one_example_only_is_not_dead():
    model = nn.Sequential(nn.Linear(1, 2), nn.ReLU())
    with torch.no_grad():
        model[0].weight[:] = torch.tensor([[1.0], [-1.0]])
        model[0].bias[:] = torch.tensor([-2.5, -10.0])
    x = torch.tensor([[0.0], [1.0], [3.0]])  # unit 0 fires only on x = 3
    assert dying.dead_units(model, x)["1"].tolist() == [False, True]
    assert dying.dead_units(model, x[:2])["1"].tolist() == [True, True]
    frac = dying.dead_fraction(model, x)
    assert frac == {"1": 0.5, "all": 0.5}


def test_dead_units_of_a_convolution_are_channels():
    conv = nn.Sequential(nn.Conv2d(1, 3, 3, padding=1), nn.ReLU())
    with torch.no_grad():
        conv[0].bias[:] = torch.tensor([0.0, -100.0, 0.0])
    x = torch.rand(5, 1, 6, 6)
    mask = dying.dead_units(conv, x)["1"]
    assert mask.shape == (3,) and mask.tolist() == [False, True, False]


def test_dead_units_uses_eval_mode_and_restores_the_mode(split):
    model = dying.make_model(widths=(64, 8, 10), batchnorm=True, seed=0)
    model.train()
    with torch.no_grad():  # running statistics that make unit 0 look very negative in eval mode
        model.bn1.running_mean[0] = 1e3
    assert bool(dying.dead_units(model, split.x_train)["act1"][0])
    assert not bool(dying.dead_units(model, split.x_train, eval_mode=False)["act1"][0])
    assert model.training


def test_dead_units_errors(split):
    model = mlp([64, 8, 10], seed=0)
    with pytest.raises(TypeError, match="nn.Module"):
        dying.dead_units("model", split.x_train)
    with pytest.raises(TypeError, match="iterable of batches"):
        dying.dead_units(model, 3)
    with pytest.raises(ValueError, match="no batch"):
        dying.dead_units(model, [])
    with pytest.raises(TypeError, match="batch 0"):
        dying.dead_units(model, [np.zeros((2, 64))])
    with pytest.raises(ValueError, match="at least one example"):
        dying.dead_units(model, split.x_train[:0])
    with pytest.raises(ValueError, match="unknown layer"):
        dying.dead_units(model, split.x_train, layers=["nope"])
    flat = nn.Sequential(nn.Flatten(0), nn.ReLU())
    with pytest.raises(ValueError, match="dimension 1"):
        dying.dead_units(flat, torch.ones(3, 2))


def test_a_dead_unit_gets_exactly_zero_gradient(split):
    model = mlp([64, 16, 16, 10], seed=4)
    killed = dying.kill_units(model, 0.25, seed=0)
    norms = dying.unit_gradient_norms(model, split.x_train, split.y_train)
    assert set(norms) == {"fc1", "fc2", "out"}
    for name, idx in zip(["fc1", "fc2"], killed):
        assert np.all(norms[name][idx] == 0.0)
        alive = np.setdiff1d(np.arange(16), idx)
        assert np.all(norms[name][alive] > 0.0)
    total = dying.layer_gradient_norms(model, split.x_train, split.y_train)
    assert total["fc2"] == pytest.approx(float(np.sqrt((norms["fc2"] ** 2).sum())))


def test_a_whole_dead_layer_blocks_the_gradient_of_every_layer_below(split):
    model = mlp([64, 16, 16, 16, 10], seed=1)
    with torch.no_grad():
        model.fc2.bias[:] = -1e4  # layer 2 dead for every input, its weights untouched
    g = dying.layer_gradient_norms(model, split.x_train, split.y_train)
    assert g["fc1"] == 0.0 and g["fc2"] == 0.0  # the dead layer and everything below it
    assert g["out"] > 0.0  # above it, biases still learn: the network is a constant
    with torch.no_grad():
        out = model(split.x_train)
    # the same function value for every input, up to the rounding of the matrix product: a BLAS may
    # treat the rows of a block and the leftover rows with different code (MKL's COMPATIBLE branch does)
    torch.testing.assert_close(out, out[:1].expand_as(out), rtol=1e-6, atol=1e-6)
    with pytest.raises(TypeError):
        dying.unit_gradient_norms(object(), split.x_train, split.y_train)
    with pytest.raises(ValueError, match="no Linear"):
        dying.unit_gradient_norms(nn.Sequential(nn.ReLU()), torch.ones(2, 3), torch.zeros(2, dtype=torch.long))


# --------------------------------------------------------------------------- one neuron


def test_one_neuron_small_step_keeps_it_alive_large_step_kills_it():
    small = dying.one_neuron_step(0.05)
    large = dying.one_neuron_step(0.5)
    assert small.active_before == 1.0 and small.active_after == 1.0
    assert small.loss_after < small.loss_before
    assert large.active_after == 0.0
    assert np.all(large.grad_after == 0.0)  # exactly zero: nothing can move it again
    # the loss of a dead neuron is the mean squared target, whatever the step
    assert large.loss_after == pytest.approx(float((large.y**2).mean()))
    # same start, same gradient
    np.testing.assert_array_equal(small.grad_before, large.grad_before)
    np.testing.assert_allclose(large.w_after, large.w_before - 0.5 * large.grad_before[:2])


def test_one_neuron_gradient_matches_the_formula():
    s = dying.one_neuron_step(0.1, n=50, seed=3)
    z = s.x @ s.w_before + s.b_before
    r = 2 * (np.maximum(z, 0) - s.y) * (z > 0)
    expected = np.array([np.mean(r * s.x[:, 0]), np.mean(r * s.x[:, 1]), np.mean(r)])
    np.testing.assert_allclose(s.grad_before, expected, rtol=1e-12)


def test_one_neuron_errors():
    with pytest.raises(ValueError, match="lr"):
        dying.one_neuron_step(0.0)
    with pytest.raises(ValueError, match="two numbers"):
        dying.one_neuron_step(0.1, w=(1.0,))
    with pytest.raises(TypeError):
        dying.plot_one_neuron("step")


def test_plot_one_neuron_draws_two_panels():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    axes = dying.plot_one_neuron(dying.one_neuron_step(0.5))
    assert len(axes) == 2 and len(axes[1].collections) == 2
    plt.close("all")


# --------------------------------------------------------------------------- models


def test_make_model_and_batchnorm_names():
    m = dying.make_model(widths=(64, 8, 8, 10), batchnorm=True, activation="elu", seed=0)
    assert [n for n, _ in m.named_children()] == ["fc1", "bn1", "act1", "fc2", "bn2", "act2", "out"]
    assert isinstance(m.act1, nn.ELU)
    base = mlp([64, 8, 8, 10], nn.ELU, seed=0)
    assert torch.equal(m.fc1.weight, base.fc1.weight)
    with pytest.raises(ValueError, match="activation"):
        dying.make_model(activation="tanh")
    with pytest.raises(TypeError):
        dying.with_batchnorm(nn.Linear(2, 2))
    with pytest.raises(ValueError, match="fraction"):
        dying.kill_units(mlp([4, 4, 2]), 1.5)
    with pytest.raises(ValueError, match="hidden Linear"):
        dying.kill_units(nn.Sequential(), 0.5)


# --------------------------------------------------------------------------- batched training = train()


def _double(model):
    return model.double()


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize("kind", ["plain", "batchnorm", "prelu"])
def test_train_ensemble_reproduces_train(small_split, optimizer, kind):
    lrs = {"sgd": [0.3, 1.5], "momentum": [0.05, 0.2], "adam": [0.003, 0.05]}[optimizer]
    seeds = [5, 6]
    kw = {"plain": {}, "batchnorm": {"batchnorm": True}, "prelu": {"activation": "prelu"}}[kind]
    widths = (64, 12, 10, 10)
    models = [dying.make_model(widths=widths, seed=s, **kw).double() for s in seeds]
    res = dying.train_ensemble(
        models, small_split, lr=lrs, seeds=seeds, optimizer=optimizer, epochs=2, batch_size=32
    )
    x, y = small_split.x_train.double(), small_split.y_train
    xt = small_split.x_test.double()
    # The ensemble multiplies stacked weights (bmm), one model at a time uses mm: the same sums in
    # another order, so results agree to rounding, and rounding depends on the CPU's kernels. In
    # float64 a few steps keep the gap near 1e-15 relative; BatchNorm with Adam is the exception:
    # the biases BatchNorm cancels get pure rounding noise as gradient, which Adam rescales into
    # real steps, and the network's outputs inherit ~1e-9 of it (measured on an AMD EPYC: 1.2e-9;
    # an Intel AVX-512 machine exceeded 1e-9). The tolerance stays ~1e4 below what a wrong
    # trainer gives (a mismatched batch or step moves outputs by 1e-3 or more) on any CPU.
    tol = 1e-5 if (kind == "batchnorm" and optimizer == "adam") else 1e-9
    for r, (seed, lr) in enumerate(zip(seeds, lrs)):
        ref = dying.make_model(widths=widths, seed=seed, **kw).double()
        hist = train(ref, x, y, optimizer=optimizer, lr=lr, epochs=2, batch_size=32, seed=seed)
        assert bool(res.diverged[r]) == hist.diverged
        got = res.model(r)
        ref_sd, got_sd = ref.state_dict(), got.state_dict()
        for k in ref_sd:
            if k.endswith("num_batches_tracked"):
                continue
            if kind == "batchnorm" and optimizer == "adam" and (k.startswith("fc") and k.endswith("bias") or "running_mean" in k):
                # BatchNorm cancels these biases: their gradient is rounding noise, which Adam
                # rescales to full-size steps (the running means follow them); the network's function
                # does not depend on them, and is compared below
                continue
            torch.testing.assert_close(got_sd[k], ref_sd[k], rtol=tol, atol=tol * 1e-2, msg=f"{kind} {optimizer} {k}")
        if hist.diverged:
            continue
        torch.testing.assert_close(got.eval()(xt), ref.eval()(xt), rtol=tol * 10, atol=tol)
        # the recorded dead units and accuracy are those of the trained module
        masks = dying.dead_units(got, x)
        for i, layer in enumerate(res.layers):
            assert np.array_equal(res.dead[i][r, -1], masks[layer].numpy())
        acc = float((got.eval()(small_split.x_test.double()).argmax(1) == small_split.y_test).double().mean())
        assert res.test_acc[r, -1] == pytest.approx(acc)
    assert res.record_steps.tolist() == [0, 7, 14]


def test_warmup_scales_the_first_steps(small_split):
    m = [dying.make_model(widths=(64, 8, 10), seed=0).double() for _ in range(2)]
    n = small_split.x_train.shape[0]  # full batches: one step per epoch
    full = dying.train_ensemble(m, small_split, lr=0.5, seeds=[0, 0], epochs=1, batch_size=n)
    warm = dying.train_ensemble(m, small_split, lr=[0.5, 1.0], seeds=[0, 0], epochs=1, batch_size=n, warmup_epochs=1.0)
    # a one-step warm-up reaches the full rate at its only step
    for k, v in full.model(0).state_dict().items():
        torch.testing.assert_close(warm.model(0).state_dict()[k], v)
    # a two-step warm-up to 1.0 takes a step of 0.5, then a step of 1.0
    two = dying.train_ensemble(m[:1], small_split, lr=1.0, seeds=[0], epochs=2, batch_size=n, warmup_epochs=2.0)
    ref = dying.make_model(widths=(64, 8, 10), seed=0).double()
    x, y = small_split.x_train.double(), small_split.y_train
    train(ref, x, y, lr=0.5, epochs=1, batch_size=n, seed=0)
    train(ref, x, y, lr=1.0, epochs=1, batch_size=n, seed=0)
    for k, v in ref.state_dict().items():
        torch.testing.assert_close(two.model(0).state_dict()[k], v)
    # and differs from two full steps
    plain = dying.train_ensemble(m[:1], small_split, lr=1.0, seeds=[0], epochs=2, batch_size=n)
    assert not torch.allclose(plain.model(0).fc1.weight, two.model(0).fc1.weight)


def test_train_ensemble_errors(small_split):
    m = [dying.make_model(widths=(64, 8, 10), seed=0)]
    with pytest.raises(ValueError, match="optimizer"):
        dying.train_ensemble(m, small_split, lr=0.1, seeds=[0], optimizer="rmsprop")
    with pytest.raises(ValueError, match="one seed per model"):
        dying.train_ensemble(m, small_split, lr=0.1, seeds=[0, 1])
    with pytest.raises(ValueError, match="one number or one per model"):
        dying.train_ensemble(m, small_split, lr=[0.1, 0.2], seeds=[0])
    with pytest.raises(ValueError, match="lr"):
        dying.train_ensemble(m, small_split, lr=-1.0, seeds=[0])
    with pytest.raises(ValueError, match="same layers"):
        dying.train_ensemble(m + [dying.make_model(widths=(64, 8, 8, 10))], small_split, lr=0.1, seeds=[0, 1])
    with pytest.raises(ValueError, match="supported"):
        dying.train_ensemble([nn.Sequential(nn.Linear(64, 4), nn.Tanh(), nn.Linear(4, 10))], small_split, lr=0.1, seeds=[0])
    with pytest.raises(ValueError, match="dtype"):
        dying.train_ensemble(m, small_split, lr=0.1, seeds=[0], dtype=torch.float16)
    with pytest.raises(ValueError, match="empty"):
        dying.train_ensemble([], small_split, lr=0.1, seeds=[])


def test_sgd_never_moves_a_dead_first_layer_unit_and_never_revives_it():
    """A first-layer unit dead on the training set gets zero gradient from every mini-batch: plain SGD leaves it bit for bit."""
    raw = digits(standardize=False, n_train=400)
    res = dying.sweep([{"lr": 0.3}], seeds=[0, 1, 2], split=raw, epochs=3, keep_first_layer=True)
    d1 = res.dead[0]
    checked = 0
    for r in range(len(res)):
        for k in range(d1.shape[1]):
            for u in np.flatnonzero(d1[r, k]):
                assert np.array_equal(res.first_layer[r, k:, u], np.broadcast_to(res.first_layer[r, k, u], res.first_layer[r, k:, u].shape))
                assert d1[r, k:, u].all()  # dead from then on
                checked += 1
    assert checked > 10  # raw, non-negative pixels kill first-layer units at this rate
    dead_then, back = res.revived("act1", since=1)
    assert dead_then.sum() > 0 and back.sum() == 0


def test_sweep_orders_runs_and_summarize_aggregates(small_split):
    settings = [{"lr": 0.1}, {"lr": 0.1, "activation": "elu"}, {"lr": 5.0}]
    res = dying.sweep(settings, seeds=[0, 1], split=small_split, epochs=1)
    assert len(res) == 6
    assert [(s["lr"], s.get("activation", "relu"), s["seed"]) for s in res.settings] == [
        (0.1, "relu", 0), (0.1, "relu", 1), (0.1, "elu", 0), (0.1, "elu", 1), (5.0, "relu", 0), (5.0, "relu", 1)
    ]
    assert res.select(lr=5.0).tolist() == [4, 5]
    # the model of each run is the one trained with its setting
    assert isinstance(res.model(2).act1, nn.ELU) and isinstance(res.model(4).act1, nn.ReLU)
    rows = dying.summarize(res, "lr")
    assert [r["lr"] for r in rows] == [0.1, 5.0] and rows[0]["runs"] == 4
    f = res.dead_fraction("act2")[res.select(lr=5.0), -1]
    assert rows[1]["dead"]["act2"] == pytest.approx((f.mean(), f.std()))
    acc = res.test_acc[res.select(lr=0.1), -1]
    assert rows[0]["acc"] == pytest.approx((acc.mean(), acc.std()))
    allf = res.dead_fraction()
    w = [d.shape[2] for d in res.dead]
    np.testing.assert_allclose(allf, (res.dead_fraction("act1") * w[0] + res.dead_fraction("act2") * w[1]) / sum(w))
    assert res.whole_layer_dead().shape == (6, 2)
    with pytest.raises(ValueError, match="unknown keys"):
        dying.sweep([{"lr": 0.1, "momentum": 0.9}], seeds=[0], split=small_split)
    with pytest.raises(ValueError, match="'lr'"):
        dying.sweep([{"init": "he"}], seeds=[0], split=small_split)
    with pytest.raises(ValueError, match="not in every run"):
        dying.summarize(res, "batchnorm")
    with pytest.raises(ValueError, match="layer"):
        res.dead_fraction("act9")
    with pytest.raises(ValueError):
        res.model(6)


def test_killed_units_stay_dead_through_training_with_any_optimizer(small_split):
    for opt, lr in [("sgd", 0.3), ("momentum", 0.05), ("adam", 0.01)]:
        res = dying.sweep([{"lr": lr, "optimizer": opt, "killed": 0.5}], seeds=[0, 1], split=small_split, epochs=2)
        assert np.all(res.dead_fraction()[:, :] >= 0.5)


# --------------------------------------------------------------------------- born dead


def test_born_dead_probability_values():
    assert dying.born_dead_probability(1, 1) == pytest.approx(0.5)
    assert dying.born_dead_probability(2, 1) == pytest.approx(0.25)
    assert dying.born_dead_probability([1, 1]) == pytest.approx(0.75)
    assert dying.born_dead_probability([3, 2]) == pytest.approx(1 - (1 - 1 / 8) * (1 - 1 / 4))
    assert dying.born_dead_probability(4, 10) == pytest.approx(1 - (15 / 16) ** 10)
    # deeper -> more likely dead; wider -> less likely
    assert dying.born_dead_probability(3, 20) > dying.born_dead_probability(3, 10)
    assert dying.born_dead_probability(6, 20) < dying.born_dead_probability(3, 20)
    assert dying.born_dead_probability(2, 500) == 1.0  # (3/4)**500 is below double precision
    assert dying.born_dead_probability(60, 5) == pytest.approx(5 * 2.0**-60, rel=1e-6)  # no cancellation
    with pytest.raises(ValueError, match="depth"):
        dying.born_dead_probability(3)
    with pytest.raises(ValueError, match="only when"):
        dying.born_dead_probability([3, 3], 2)
    with pytest.raises(ValueError, match="empty"):
        dying.born_dead_probability([])
    with pytest.raises(ValueError):
        dying.born_dead_probability(0, 3)


@pytest.mark.parametrize(
    "width,weights,bias_std",
    [(1, "he", 0.0), (2, "he", 0.0), (3, "uniform", 0.0), (2, "he", 0.5), (4, "uniform", 1.0)],
)
def test_born_dead_formula_matches_monte_carlo_at_one_input(width, weights, bias_std):
    x = np.array([[0.3, -1.2, 0.7]])
    mc = dying.born_dead_monte_carlo(width, 12, x, n_nets=4000, seed=width, weights=weights, bias_std=bias_std)
    exact = np.array([dying.born_dead_probability(width, d) for d in mc.depths])
    se = np.sqrt(exact * (1 - exact) / mc.n_nets)
    z = (mc.p - exact) / np.maximum(se, 1e-12)
    assert np.all(np.abs(z) < 4.5), z  # within the binomial standard error
    assert np.all(np.diff(mc.p) >= 0)  # dead at depth D -> dead at every larger depth


def test_born_dead_on_many_inputs_is_bounded_by_the_formula_and_still_tends_to_one(split):
    x = split.x_train[:50]
    mc = dying.born_dead_monte_carlo(2, 40, x, n_nets=1500, seed=0)
    exact = np.array([dying.born_dead_probability(2, d) for d in mc.depths])
    assert np.all(mc.p <= exact + 3 * np.sqrt(exact * (1 - exact) / mc.n_nets) + 1e-12)
    assert mc.p[0] < exact[0] - 0.1  # 50 inputs make the first layer far less likely to be all zero
    assert mc.p[-1] > 0.9  # but at depth 40 a width-2 network is almost surely dead
    assert mc.n_inputs == 50 and mc.depths.tolist() == list(range(1, 41))


def test_born_dead_monte_carlo_errors():
    with pytest.raises(ValueError, match="weights"):
        dying.born_dead_monte_carlo(2, 3, np.ones((1, 2)), weights="xavier")
    with pytest.raises(ValueError, match="shape"):
        dying.born_dead_monte_carlo(2, 3, np.ones((0, 2)))
    with pytest.raises(ValueError):
        dying.born_dead_monte_carlo(0, 3, np.ones((1, 2)))
    # seeded: the same call gives the same estimate; drawing in chunks changes the draws, not the law
    a = dying.born_dead_monte_carlo(2, 5, np.ones((2, 3)), n_nets=3000, seed=1)
    b = dying.born_dead_monte_carlo(2, 5, np.ones((2, 3)), n_nets=3000, seed=1)
    np.testing.assert_array_equal(a.p, b.p)
    c = dying.born_dead_monte_carlo(2, 5, np.ones((2, 3)), n_nets=3000, seed=1, chunk=70)
    assert not np.array_equal(a.p, c.p)
    assert np.all(np.abs(a.p - c.p) <= 5 * np.sqrt(a.se**2 + c.se**2) + 1e-12)


# --------------------------------------------------------------------------- records, tables and plots


@pytest.fixture(scope="module")
def tiny_sweep(small_split):
    settings = [{"lr": lr} for lr in (0.1, 8.0)] + [{"lr": 0.1, "optimizer": "adam", "label": "adam"}]
    return dying.sweep(settings, seeds=[0, 1], split=small_split, epochs=3, keep_first_layer=True)


def test_record_epochs_keep_only_the_asked_records(small_split):
    full = dying.sweep([{"lr": 0.5}], seeds=[0], split=small_split, epochs=3)
    part = dying.sweep([{"lr": 0.5}], seeds=[0], split=small_split, epochs=3, record_epochs=[0])
    steps = math.ceil(small_split.x_train.shape[0] / 64)
    assert full.record_steps.tolist() == [0, steps, 2 * steps, 3 * steps]
    assert part.record_steps.tolist() == [0, 3 * steps]  # the end is always recorded
    for a, b in zip(full.dead, part.dead):
        np.testing.assert_array_equal(a[:, [0, -1]], b)
    np.testing.assert_allclose(full.test_acc[:, [0, -1]], part.test_acc)
    with pytest.raises(ValueError, match="record_epochs"):
        dying.sweep([{"lr": 0.5}], seeds=[0], split=small_split, epochs=3, record_epochs=[5])


def test_active_share_matches_the_recorder(tiny_sweep, small_split):
    net = tiny_sweep.model(0, dtype=torch.float64)
    from relulab.probes import ActivationRecorder

    with ActivationRecorder(net) as rec, torch.no_grad():
        net(small_split.x_train.double())
    for i, layer in enumerate(tiny_sweep.layers):
        share = (rec.outputs[layer] > 0).double().mean(dim=0).numpy()
        np.testing.assert_allclose(tiny_sweep.active[i][0, -1], share)
        np.testing.assert_array_equal(tiny_sweep.dead[i][0, -1], share == 0)


def test_model_dtype(tiny_sweep):
    assert tiny_sweep.model(0).fc1.weight.dtype == torch.float32
    assert tiny_sweep.model(0, dtype=torch.float64).fc1.weight.dtype == torch.float64
    with pytest.raises(ValueError, match="dtype"):
        tiny_sweep.model(0, dtype=torch.int64)


def test_subset_and_first_layer_after_death(tiny_sweep):
    sub = tiny_sweep.subset([4, 0])
    assert [s["seed"] for s in sub.settings] == [0, 0] and sub.settings[0]["optimizer"] == "adam"
    torch.testing.assert_close(sub.model(0).fc1.weight, tiny_sweep.model(4).fc1.weight)
    torch.testing.assert_close(sub.model(1).fc1.weight, tiny_sweep.model(0).fc1.weight)
    with pytest.raises(ValueError, match="keep_first_layer"):
        dying.sweep([{"lr": 0.1}], seeds=[0], split=digits(n_train=100), epochs=1).first_layer_after_death()
    with pytest.raises(ValueError):
        tiny_sweep.subset([])


def test_first_layer_after_death_sgd_never_moves_adam_does():
    raw = digits(standardize=False, n_train=400)  # non-negative pixels: first-layer units die
    res = dying.sweep([{"lr": 0.3}, {"lr": 0.01, "optimizer": "adam"}], seeds=[0, 1, 2], split=raw, epochs=3,
                      keep_first_layer=True)
    dead, moved, back = res.subset(res.select(optimizer="sgd")).first_layer_after_death(1)
    assert dead > 10 and moved == 0 and back == 0  # the theorem of the chapter
    dead, moved, back = res.subset(res.select(optimizer="adam")).first_layer_after_death(1)
    assert dead > 10 and moved > 0 and back == 0  # Adam's moving averages keep moving dead units
    # "moved" compares every bit: check one moved unit by hand
    d = res.dead[0][res.select(optimizer="adam")]
    w = res.first_layer[res.select(optimizer="adam")]
    r, u = np.argwhere(d[:, 1] & (w[:, -1] != w[:, 1]).any(axis=2))[0]
    assert not np.array_equal(w[r, -1, u], w[r, 1, u])


def test_tables_and_curves(tiny_sweep):
    x, runs = dying.curve(tiny_sweep, "lr", "dead:act2", where={"optimizer": "sgd"})
    assert x.tolist() == [0.1, 8.0] and runs.shape == (2, 2)
    np.testing.assert_allclose(runs[:, 1], tiny_sweep.dead_fraction("act2")[[2, 3], -1])
    _, acc = dying.curve(tiny_sweep, "lr", "acc", where={"optimizer": "sgd"})
    np.testing.assert_allclose(acc[:, 0], tiny_sweep.test_acc[[0, 1], -1])
    with pytest.raises(ValueError, match="quantity"):
        dying.curve(tiny_sweep, "lr", "loss")
    with pytest.raises(ValueError, match="same number of runs"):
        dying.curve(tiny_sweep, "lr", "acc")  # lr 0.1 has 4 runs (sgd and adam), lr 8 has 2
    text = dying.summary_table(tiny_sweep, "lr", where={"optimizer": "sgd"}, columns=["dead:act2", "active0:act2", "acc", "diverged"])
    lines = text.splitlines()
    assert len(lines) == 4 and lines[2].startswith("0.1") and lines[3].startswith("8")
    f = tiny_sweep.dead_fraction("act2")[[2, 3], -1]
    assert not tiny_sweep.diverged.any()
    assert f"{f.mean():.2f} ± {f.std():.2f}" in lines[3] and lines[3].endswith("0/2")
    with pytest.raises(ValueError, match="unknown column"):
        dying.summary_table(tiny_sweep, "lr", columns=["loss"])
    with pytest.raises(ValueError, match="layer"):
        dying.summary_table(tiny_sweep, "lr", columns=["dead:act7"])
    with pytest.raises(ValueError, match="no run matches"):
        dying.summary_table(tiny_sweep, "lr", where={"lr": 3.0})
    both = {"a": tiny_sweep.subset(tiny_sweep.select(optimizer="sgd")), "b": tiny_sweep.subset(tiny_sweep.select(optimizer="sgd"))}
    table = dying.side_by_side(both, "acc")
    assert table.splitlines()[0].split()[-2:] == ["a", "b"]
    rev = dying.revival_table(tiny_sweep, "optimizer")
    assert rev.splitlines()[0].count("act") == 5 and len(rev.splitlines()) == 4
    col = dying.collapse_table([tiny_sweep]).splitlines()
    whole = tiny_sweep.whole_layer_dead()[:, -1]
    assert whole.sum() == 1  # SGD at lr 8, seed 0: all of act2 died
    assert col[3].split()[-4:] == ["1", "0.10", "0.10", "0.10"]  # a constant network: chance accuracy
    assert col[2].split()[-4] == "5"


def test_at_end_keeps_the_matching_runs_that_did_not_diverge(tiny_sweep):
    """``SweepResult.at_end``: the chapter's per-run end-of-training dead share and accuracy."""
    dead, acc = tiny_sweep.at_end("act2", 0.1, optimizer="sgd")
    runs = tiny_sweep.select(lr=0.1, optimizer="sgd")
    np.testing.assert_array_equal(dead, tiny_sweep.dead_fraction("act2")[runs, -1])
    np.testing.assert_array_equal(acc, tiny_sweep.test_acc[runs, -1])
    assert tiny_sweep.at_end("act2", np.float64(0.1))[0].size == 4  # sgd and adam at lr 0.1
    assert tiny_sweep.at_end(None)[0].size == len(tiny_sweep)
    frozen = dataclasses.replace(tiny_sweep, diverged=np.array([True] + [False] * (len(tiny_sweep) - 1)))
    assert frozen.at_end("act2", 0.1, optimizer="sgd")[0].size == 1  # the diverged run is left out
    with pytest.raises(ValueError, match="lr"):
        tiny_sweep.at_end("act2", -1.0)
    with pytest.raises(ValueError, match="layer"):
        tiny_sweep.at_end("act7")


def test_one_neuron_table_has_one_row_per_rate():
    steps = {lr: dying.one_neuron_step(lr) for lr in (0.1, 1.0)}
    lines = dying.one_neuron_table(steps).splitlines()
    rows = [line.split() for line in lines[2:]]  # every cell is one number
    assert len(lines) == 4 and [r[0] for r in rows] == ["0.1", "1"] and all(len(r) == 6 for r in rows)
    assert float(rows[0][2]) == 1 and float(rows[0][-1]) > 0  # alive after a step of 0.1
    assert float(rows[1][2]) == 0 and float(rows[1][-1]) == 0  # dead after a step of 1: inactive, no gradient
    with pytest.raises(TypeError, match="steps"):
        dying.one_neuron_table({0.1: 3})


def test_born_dead_check_table():
    one = [dying.born_dead_monte_carlo(w, 5, np.ones((1, 3)), n_nets=200, seed=w) for w in (2, 3)]
    many = [dying.born_dead_monte_carlo(w, 5, np.random.default_rng(0).normal(size=(10, 3)), n_nets=200, seed=w) for w in (2, 3)]
    table = dying.born_dead_check(one, many, [(2, 3), (3, 5)])
    row = table.splitlines()[2].split()
    assert row[:3] == ["2", "3", f"{dying.born_dead_probability(2, 3):.3f}"]
    with pytest.raises(ValueError, match="width 4"):
        dying.born_dead_check(one, many, [(4, 1)])
    with pytest.raises(ValueError, match="depth"):
        dying.born_dead_check(one, many, [(2, 9)])


def test_plots_draw_without_error(tiny_sweep):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3)
    dying.plot_vs_lr(tiny_sweep, "dead", axes[0], label="x", where={"optimizer": "sgd"})
    assert axes[0].get_xscale() == "log" and len(axes[0].lines) == 1
    dying.plot_dead_over_steps(tiny_sweep, [0.1, 8.0], axes[1], layer="act2")
    assert len(axes[1].lines) == 2 and axes[1].get_ylabel().endswith("layer act2")
    with pytest.raises(ValueError, match="no run"):
        dying.plot_dead_over_steps(tiny_sweep, [0.3], axes[1])
    dying.plot_collapse([tiny_sweep], axes[2])
    assert len(axes[2].collections) == 2
    fig2, ax2 = plt.subplots(1, 2)
    p = np.zeros((3, 2))
    dying.plot_born_dead_maps([1, 2], [1, 2, 3], [("a", p), ("b", p + 1)], ax2)
    with pytest.raises(ValueError, match="shape"):
        dying.plot_born_dead_maps([1, 2], [1, 2, 3], [("a", np.zeros((2, 2)))], ax2)
    x = torch.randn(5, 4)
    one = [dying.born_dead_monte_carlo(n, 3, x[:1], n_nets=20, seed=n) for n in (1, 2)]
    many = [dying.born_dead_monte_carlo(n, 3, x, n_nets=20, seed=10 + n) for n in (1, 2)]
    fig3, ax3 = plt.subplots(1, 3)
    dying.plot_born_dead_comparison(one, many, ax3)
    assert [a.get_title() for a in ax3] == ["formula, one input", "Monte Carlo, one input", "Monte Carlo, 5 digits"]
    assert len(fig3.axes) == 4  # the three maps and their shared colour bar
    with pytest.raises(ValueError, match="same widths"):
        dying.plot_born_dead_comparison(one, many[:1], ax3)
    with pytest.raises(TypeError, match="many"):
        dying.plot_born_dead_comparison(one, [3], ax3)
    plt.close("all")
