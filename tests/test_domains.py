"""relulab.domains: the same next-symbol task on images and text, batched MLPs, dead units."""

import numpy as np
import pytest
import torch
from torch import nn

from relulab import domains


def lone_copy(model: domains.BatchedMLP, m: int) -> nn.Sequential:
    """Model ``m`` of a BatchedMLP as an ordinary nn.Sequential with the same weights."""
    layers = []
    for name, mod in model.named_children():
        if isinstance(mod, domains.BatchedLinear):
            lin = nn.Linear(mod.weight.shape[1], mod.weight.shape[2]).double()
            with torch.no_grad():
                lin.weight.copy_(mod.weight[m].T)
                lin.bias.copy_(mod.bias[m, 0])
            layers.append(lin)
        else:
            layers.append(mod)
    return nn.Sequential(*layers)


def test_batched_mlp_copies_are_independent_mlps_with_pytorch_default_init():
    model = domains.BatchedMLP([5, 7, 3], nn.ReLU, [0, 1, 0])
    x = torch.randn(4, 5, dtype=torch.float64)
    out = model(x.unsqueeze(0).expand(3, -1, -1))
    for m in range(3):
        torch.testing.assert_close(out[m], lone_copy(model, m)(x))
    torch.testing.assert_close(out[0], out[2])  # equal seeds, equal weights
    assert not torch.allclose(out[0], out[1])
    bound = 1 / np.sqrt(5)
    assert model.fc1.weight.abs().max() <= bound and model.fc1.weight.abs().max() > 0.8 * bound
    assert list(dict(model.named_children())) == ["fc1", "act1", "out"]


def test_training_together_equals_training_alone():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(50, 4, generator=g, dtype=torch.float64)
    y = torch.randint(0, 3, (50,), generator=g)
    both = domains.BatchedMLP([4, 8, 3], nn.ReLU, [5, 6])
    domains.train_batched(both, x, y, lrs=[0.1, 0.3], seeds=[5, 6], steps=20, batch_size=8)
    alone = domains.BatchedMLP([4, 8, 3], nn.ReLU, [6])
    domains.train_batched(alone, x, y, lrs=[0.3], seeds=[6], steps=20, batch_size=8)
    for a, b in zip(both.parameters(), alone.parameters()):
        torch.testing.assert_close(a[1:], b)


def test_a_diverging_run_is_frozen_and_reported_without_touching_the_others():
    g = torch.Generator().manual_seed(1)
    x = 100 * torch.randn(40, 4, generator=g, dtype=torch.float64)
    y = torch.randint(0, 3, (40,), generator=g)
    model = domains.BatchedMLP([4, 16, 3], nn.ReLU, [0, 0])
    losses, diverged = domains.train_batched(model, x, y, lrs=[1e-4, 900.0], seeds=[0, 0], steps=60, batch_size=8)
    assert diverged.tolist() == [False, True]
    assert np.isfinite(losses[:, 0]).all() and np.isnan(losses[-1, 1])
    first = np.flatnonzero(np.isnan(losses[:, 1]))[0]
    assert np.isnan(losses[first:, 1]).all()


def test_train_batched_refuses_mismatched_arguments():
    model = domains.BatchedMLP([2, 3, 2], nn.ReLU, [0, 1])
    x, y = torch.zeros(5, 2, dtype=torch.float64), torch.zeros(5, dtype=torch.int64)
    with pytest.raises(ValueError, match="one learning rate and one seed per model"):
        domains.train_batched(model, x, y, lrs=[0.1], seeds=[0, 1], steps=1)
    with pytest.raises(ValueError, match="lrs"):
        domains.train_batched(model, x, y, lrs=[0.1, -1.0], seeds=[0, 1], steps=1)
    with pytest.raises(ValueError, match="give data_index"):
        domains.train_batched(model, torch.zeros(3, 5, 2, dtype=torch.float64), torch.zeros(3, 5, dtype=torch.int64), lrs=[0.1, 0.1], seeds=[0, 1], steps=1)
    with pytest.raises(ValueError, match="data_index must give"):
        domains.train_batched(model, torch.zeros(3, 5, 2, dtype=torch.float64), torch.zeros(3, 5, dtype=torch.int64), lrs=[0.1, 0.1], seeds=[0, 1], steps=1, data_index=[0, 3])
    with pytest.raises(ValueError, match="x must be"):
        domains.train_batched(model, torch.zeros(5, 2, dtype=torch.float64), torch.zeros(4, dtype=torch.int64), lrs=[0.1, 0.1], seeds=[0, 1], steps=1)


def test_models_read_the_training_set_that_data_index_gives_them():
    g = torch.Generator().manual_seed(2)
    xs = torch.randn(2, 40, 4, generator=g, dtype=torch.float64)
    ys = torch.randint(0, 3, (2, 40), generator=g)
    both = domains.BatchedMLP([4, 8, 3], nn.ReLU, [1, 1])
    domains.train_batched(both, xs, ys, lrs=[0.2, 0.2], seeds=[1, 1], steps=15, batch_size=8, data_index=[1, 0])
    for m, k in ((0, 1), (1, 0)):
        alone = domains.BatchedMLP([4, 8, 3], nn.ReLU, [1])
        domains.train_batched(alone, xs[k], ys[k], lrs=[0.2], seeds=[1], steps=15, batch_size=8)
        for a, b in zip(both.parameters(), alone.parameters()):
            torch.testing.assert_close(a[m : m + 1], b)


def test_dead_units_match_a_direct_computation():
    model = domains.BatchedMLP([3, 6, 6, 2], nn.ReLU, [0, 1])
    with torch.no_grad():
        model.fc1.bias[1, 0, 4] = -1e3  # unit 4 of layer 1, model 1: never positive
    x = torch.randn(30, 3, dtype=torch.float64)
    dead = domains.dead_units(model, x)
    assert set(dead) == {"act1", "act2"} and dead["act1"].shape == (2, 6)
    pre = torch.baddbmm(model.fc1.bias, x.expand(2, -1, -1), model.fc1.weight)
    torch.testing.assert_close(dead["act1"], (pre <= 0).all(dim=1))
    assert bool(dead["act1"][1, 4])
    plain = nn.Sequential(nn.Linear(3, 4), nn.ReLU()).double()
    with torch.no_grad():
        plain[0].bias[:] = torch.tensor([-1e3, 1e3, -1e3, 1e3])
        plain[0].weight.zero_()
    assert domains.dead_units(plain, x)["1"].tolist() == [True, False, True, False]


def test_image_task_predicts_the_centre_from_its_neighbours():
    p = np.arange(5 * 9).reshape(5, 9) % 17  # five 3×3 "patches", grey levels 0–16
    task = domains.image_task(p, levels=17, n_classes=4, n_train=3, n_test=2, seed=0)
    assert task.n_features == 8 and task.n_classes == 4
    ys = sorted(task.y_train.tolist() + task.y_test.tolist())
    assert ys == sorted(((p[:, 4] * 4) // 17).tolist())
    torch.testing.assert_close(task.x_train.mean(0), torch.zeros(8, dtype=torch.float64))
    with pytest.raises(ValueError, match="k×k with k odd"):
        domains.image_task(np.zeros((4, 4), dtype=int), levels=2)
    with pytest.raises(ValueError, match="pixel values"):
        domains.image_task(np.full((4, 9), 20), levels=17)
    with pytest.raises(ValueError, match="exceeds"):
        domains.image_task(p, levels=17, n_train=5, n_test=1)


def test_text_task_embeds_the_context_and_caps_the_classes():
    ids = np.array([0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 5, 6])
    task = domains.text_task(ids, 7, context=2, dim=3, n_classes=4, n_train=6, n_test=4, seed=1)
    assert task.n_features == 6
    assert set(task.y_train.tolist() + task.y_test.tolist()) <= {0, 1, 2, 3}
    # every window (a, b) -> c is represented: the targets are the ids from position 2 on, capped at 3
    assert sorted(task.y_train.tolist() + task.y_test.tolist()) == sorted(np.minimum(ids[2:], 3).tolist())


def test_baseline_loss_is_the_entropy_of_training_frequencies_on_the_test_set():
    t = domains.NextSymbolTask("t", torch.zeros(4, 1), torch.tensor([0, 0, 0, 1]), torch.zeros(2, 1), torch.tensor([0, 1]), 2)
    p0, p1 = 4 / 6, 2 / 6  # add-one counts 4 and 2
    assert t.baseline_loss() == pytest.approx(-(np.log(p0) + np.log(p1)) / 2)


def test_whiten_gives_identity_covariance_on_the_training_inputs():
    rng = np.random.default_rng(0)
    patches = rng.integers(0, 256, size=(800, 9))
    patches[:, 1:] = (patches[:, :1] + rng.integers(0, 10, size=(800, 8))) % 256  # strongly correlated
    task = domains.image_task(patches, levels=256, n_train=600, n_test=200)
    w = domains.whiten(task)
    torch.testing.assert_close(torch.cov(w.x_train.T), torch.eye(8, dtype=torch.float64), atol=1e-4, rtol=0)
    assert w.name == "images (whitened)" and domains.whiten(task, name="x").name == "x"
    torch.testing.assert_close(w.y_test, task.y_test)


def test_protocol_runs_every_task_lr_and_seed():
    rng = np.random.default_rng(0)
    a = domains.image_task(rng.integers(0, 16, size=(300, 25)), levels=16, n_train=200, n_test=50, name="a")
    b = domains.image_task(rng.integers(0, 16, size=(300, 25)), levels=16, n_train=200, n_test=50, name="b")
    res = domains.protocol([a, b], lrs=[0.1, 0.5], seeds=[0, 1], steps=30)
    assert [(r.domain, r.lr, r.seed) for r in res] == [(d, lr, s) for d in "ab" for lr in (0.1, 0.5) for s in (0, 1)]
    for r in res:
        assert 0 <= r.dead_init <= 1 and 0 <= r.dead_end <= 1 and r.rel_loss > 0 and r.loss_curve.shape == (30,)
    # the same seed starts from the same weights whatever the task: same dead share at init on equal inputs
    c = domains.NextSymbolTask("c", a.x_train, b.y_train, a.x_test, b.y_test, a.n_classes)
    res2 = domains.protocol([a, c], lrs=[0.1], seeds=[3], steps=1)
    assert res2[0].dead_init == res2[1].dead_init


def test_protocol_refuses_tasks_of_different_shapes():
    rng = np.random.default_rng(0)
    a = domains.image_task(rng.integers(0, 16, size=(300, 25)), levels=16, n_train=200, n_test=50)
    b = domains.image_task(rng.integers(0, 16, size=(300, 9)), levels=16, n_train=200, n_test=50)
    with pytest.raises(ValueError, match="share input size"):
        domains.protocol([a, b], lrs=[0.1], seeds=[0])
    with pytest.raises(ValueError, match="tasks is empty"):
        domains.protocol([], lrs=[0.1], seeds=[0])


def test_pm_summary_rows_and_grid():
    assert domains.pm([0.1, 0.2, np.nan]) == "0.15 ± 0.05"
    assert domains.pm([np.nan]) == "–"
    runs = [
        domains.RunResult("a", lr, s, 0.0, d, 1.0, False, np.zeros(1))
        for lr, s, d in [(0.1, 0, 0.0), (0.1, 1, 0.2), (1.0, 0, 0.5), (1.0, 1, 0.7)]
    ]
    rows = domains.summary_rows(runs)
    assert [r[:2] for r in rows] == [["a", 0.1], ["a", 1.0]]
    assert rows[1][2] == "0.6 ± 0.1" and rows[0][4] == 0
    assert len(domains.summary_headers()) == len(rows[0])
    lrs, values = domains.grid(runs, "a")
    assert lrs == [0.1, 1.0] and values.tolist() == [[0.0, 0.5], [0.2, 0.7]]
    with pytest.raises(ValueError, match="no run of domain"):
        domains.grid(runs, "b")
    with pytest.raises(ValueError, match="field"):
        domains.grid(runs, "a", "loss")


def test_dead_units_in_chunks_equal_dead_units_in_one_pass():
    model = domains.BatchedMLP([3, 8, 8, 2], nn.ReLU, [0, 1, 2])
    with torch.no_grad():
        model.fc1.bias[:, 0, :3] -= 2.0  # make some units nearly dead
    x = torch.randn(101, 3, dtype=torch.float64)
    whole = domains.dead_units(model, x, chunk=1000)
    for chunk in (1, 7, 50):
        parts = domains.dead_units(model, x, chunk=chunk)
        for name in whole:
            assert torch.equal(parts[name], whole[name])
    with pytest.raises(ValueError, match="chunk"):
        domains.dead_units(model, x, chunk=0)
