"""Tests of the issue-18 additions to relulab.dying: RAI, gradient clipping, intra-epoch records,
the two denominators of the "40% dead" test and the remedies experiment (small sizes)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import torch
from torch import nn

from relulab import dying, replication
from relulab.data import digits


@pytest.fixture(scope="module")
def small_split():
    return digits(n_train=200)


def test_rai_one_positive_entry_per_unit_and_scale():
    model = dying.make_model(init="rai", seed=7, widths=(64, 200, 200, 10))
    default = dying.make_model(seed=7, widths=(64, 200, 200, 10))
    for lin in (model.fc1, model.fc2):
        v = torch.cat([lin.weight, lin.bias.unsqueeze(1)], dim=1).detach().double()
        fan_in = lin.in_features
        # the symmetric part has sd RAI_SIGMA / sqrt(fan_in) (the entries well below the Beta draws)
        sym = v[v.abs() < 0.5]
        assert abs(float(sym.std()) * math.sqrt(fan_in) / dying.RAI_SIGMA - 1) < 0.1
        # every unit has a positive entry (its Beta(2, 1) draw)
        assert bool((v.max(dim=1).values > 0).all())
    # Beta(2, 1) has mean 2/3: with a tiny symmetric part, the largest entry of a row is the Beta draw
    big = dying.make_model(init="rai", seed=1, widths=(2000, 2000, 10))
    v = torch.cat([big.fc1.weight, big.fc1.bias.unsqueeze(1)], dim=1).detach().double()
    assert abs(float(v.max(dim=1).values.mean()) - 2 / 3) < 0.03
    # the output layer keeps PyTorch's default initialization
    assert torch.equal(model.out.weight, default.out.weight)


def test_rai_is_seeded_and_validates():
    a = dying.make_model(init="rai", seed=3)
    b = dying.make_model(init="rai", seed=3)
    c = dying.make_model(init="rai", seed=4)
    assert torch.equal(a.fc1.weight, b.fc1.weight) and not torch.equal(a.fc1.weight, c.fc1.weight)
    with pytest.raises(ValueError, match="weight_scale"):
        dying.make_model(init="rai", weight_scale=2.0)
    with pytest.raises(ValueError, match="seed"):
        dying.rai_init(nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 2)), seed=-1)
    with pytest.raises(ValueError, match="two Linear"):
        dying.rai_init(nn.Sequential(nn.Linear(2, 2)))
    with pytest.raises(TypeError, match="model"):
        dying.rai_init("net")


def test_rai_lowers_born_dead_probability_of_deep_narrow_nets():
    x = torch.randn(200, 2, generator=torch.Generator().manual_seed(0))
    dead = {"default": 0, "rai": 0}
    for init in dead:
        for seed in range(60):
            model = dying.make_model(init=init, seed=seed, widths=(2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 1))
            h = x
            for name, m in model.named_children():
                h = m(h)
                if name.startswith("act") and bool((h == 0).all()):
                    dead[init] += 1
                    break
    assert dead["rai"] < dead["default"], dead


def test_clipping_bounds_every_step(small_split):
    models = [dying.make_model(seed=s) for s in (0, 1)]
    before = [torch.cat([p.detach().flatten() for p in m.parameters()]) for m in models]
    res = dying.train_ensemble(models, small_split, lr=5.0, seeds=[0, 1], epochs=1, batch_size=200, clip=0.01)
    after = [torch.cat([p.detach().flatten() for p in res.model(r, torch.float64).parameters()]) for r in range(2)]
    for b, a in zip(before, after):
        assert float((a - b.double()).norm()) <= 5.0 * 0.01 * (1 + 1e-6) + 1e-6  # one step of length <= lr * clip
    with pytest.raises(ValueError, match="clip"):
        dying.train_ensemble(models, small_split, lr=1.0, seeds=[0, 1], epochs=1, clip=0.0)


def test_clipping_large_bound_changes_nothing(small_split):
    s1 = dying.sweep([{"lr": 0.1}], [0, 1], split=small_split, epochs=1)
    s2 = dying.sweep([{"lr": 0.1, "clip": 1e9}], [0, 1], split=small_split, epochs=1)
    assert np.allclose(s1.test_acc, s2.test_acc)
    assert s2.settings[0]["clip"] == 1e9


def test_record_every_adds_records_inside_epochs(small_split):
    res = dying.sweep([{"lr": 0.5}], [0], split=small_split, epochs=2, batch_size=20, record_every=3)
    steps = res.record_steps.tolist()
    assert steps[0] == 0 and steps[-1] == 20 and 3 in steps and 9 in steps and 10 in steps
    assert steps == sorted(set(steps))
    assert res.dead[0].shape[1] == len(steps)
    with pytest.raises(ValueError, match="record_every"):
        dying.sweep([{"lr": 0.5}], [0], split=small_split, epochs=1, record_every=0)


def test_validation_split_is_disjoint_and_leaves_test_out(small_split):
    tv = dying.validation_split(small_split, fraction=0.25, seed=1)
    assert tv.x_train.shape[0] == 150 and tv.x_test.shape[0] == 50
    rows = {tuple(r.tolist()) for r in tv.x_train}
    assert not any(tuple(r.tolist()) in rows for r in tv.x_test)
    with pytest.raises(ValueError, match="fraction"):
        dying.validation_split(small_split, fraction=0.9)
    with pytest.raises(TypeError, match="split"):
        dying.validation_split((1, 2))


def test_dead_shares_network_is_weighted_by_units(small_split):
    res = dying.sweep([{"lr": 3.0}], [0, 1], split=small_split, epochs=2)
    shares = dying.dead_shares(res, [0, 1])
    for r in range(2):
        expect = (shares["act1"][r] * 32 + shares["act2"][r] * 32) / 64
        assert shares["network"][r] == pytest.approx(expect)
    peak = dying.dead_shares(res, [0, 1], record="peak")
    assert all(p >= e for p, e in zip(peak["act2"], shares["act2"]))


def test_forty_percent_summary_both_levels(small_split):
    res = dying.sweep([{"lr": 0.05}, {"lr": 3.0}], [0, 1, 2], split=small_split, epochs=2)
    out = dying.forty_percent_summary(res)
    assert out["levels"] == ["act1", "act2", "network"]
    assert [r["lr"] for r in out["rows"]] == [0.05, 3.0]
    low = out["rows"][0]
    assert low["network"]["mean"] == pytest.approx(0.0) and low["network"]["contains"] is False
    for row in out["rows"]:
        assert row["network"]["mean"] == pytest.approx((row["act1"]["mean"] + row["act2"]["mean"]) / 2)
        assert row["network"]["low"] <= row["network"]["mean"] <= row["network"]["high"]
    json.dumps(out, allow_nan=False)
    with pytest.raises(ValueError, match="target"):
        dying.forty_percent_summary(res, target=2.0)


def test_remedies_small_is_json_and_paired():
    out = dying.remedies(seeds=2, arms=["relu", "leaky"], lrs=[0.5, 3.0], epochs=1, clip=1.0, shared_lr=2.0,
                         record_every=5)
    json.dumps(out, allow_nan=False)
    assert set(out["per_arm"]) == {"relu", "leaky"}
    assert set(out["clipped"]) == {"relu+clip", "leaky+clip", "relu"}
    relu = out["per_arm"]["relu"]
    assert len(relu["table"]) == 2 and relu["lr_tuned"] in (0.5, 3.0)
    if "tuned_test_acc" in relu:
        assert len(relu["tuned_test_acc"]) == 2
    report = dying.remedies_report(out, out)  # both scales, each titled with its number of seeds
    one = f"2 seeds\n{dying.remedies_table(out)}\n{dying.clipped_table(out)}\n"
    assert report.count(one) == 2 and report.startswith(dying.t("dying.book_scale"))
    with pytest.raises(TypeError, match="full"):
        dying.remedies_report(out, {"seeds": [0]})
    with pytest.raises(ValueError, match="arms"):
        dying.remedies(seeds=2, arms=["leaky"], lrs=[1.0], epochs=1, clip=None, shared_lr=2.0, record_every=None)
    with pytest.raises(ValueError, match="arms"):
        dying.remedies(seeds=2, arms=["relu", "swish"], lrs=[1.0], epochs=1, clip=None, shared_lr=2.0,
                       record_every=None)


def test_experiments_are_registered():
    for name in ("ch4-forty-percent", "ch4-remedies"):
        exp = replication.get(name)
        assert exp.full["seeds"] >= 10 and exp.book["seeds"] >= 5
