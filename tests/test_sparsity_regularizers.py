"""Tests of the issue-18 regularizer experiment in relulab.sparsity (small sizes)."""

from __future__ import annotations

import json
import math

import pytest
import torch
from torch import nn

from relulab import dying, replication, sparsity
from relulab.data import digits


def test_test_nll_matches_cross_entropy_and_validates():
    split = digits(n_train=50)
    model = nn.Sequential(nn.Linear(64, 10)).double()
    with torch.no_grad():
        model[0].weight.zero_()
        model[0].bias.zero_()
    assert sparsity.test_nll(model, split) == pytest.approx(math.log(10))  # uniform prediction: log 10 nats
    with pytest.raises(TypeError, match="model"):
        sparsity.test_nll("net", split)
    with pytest.raises(TypeError, match="split"):
        sparsity.test_nll(model, (1, 2))


def test_regularizer_summary_pairs_by_seed_and_has_the_dropout_control():
    configs = {"ReLU": {}, "ReLU + dropout 0.5": {"dropout": 0.5}, "tanh": {"activation": nn.Tanh},
               "tanh + dropout 0.5": {"activation": nn.Tanh, "dropout": 0.5}}
    runs = sparsity.small_data_runs(configs, seeds=[0, 1], n_train=40, widths=(64, 16, 16, 10), epochs=1, lr=1e-2,
                                    batch_size=20)
    out = sparsity.regularizer_summary(runs, n_train=40)
    json.dumps(out, allow_nan=False)
    assert out["seeds"] == [0, 1] and set(out["vs_baseline"]) == set(configs) - {"ReLU"}
    v = out["values"]
    d = out["dropout"]["gap"]
    relu = [a - b for a, b in zip(v["ReLU + dropout 0.5"]["gap"], v["ReLU"]["gap"])]
    tanh = [a - b for a, b in zip(v["tanh + dropout 0.5"]["gap"], v["tanh"]["gap"])]
    assert d["relu_minus_tanh"]["mean"] == pytest.approx(sum(relu) / 2 - sum(tanh) / 2)
    assert d["relu_minus_tanh"]["n"] == 2
    for row in out["vs_baseline"].values():
        for iv in row.values():
            assert iv["low"] <= iv["mean"] <= iv["high"]
    with pytest.raises(ValueError, match="baseline"):
        sparsity.regularizer_summary(runs, n_train=40, baseline="GELU")
    unpaired = {"ReLU": runs["ReLU"], "tanh": runs["tanh"][::-1]}
    with pytest.raises(ValueError, match="pair"):
        sparsity.regularizer_summary(unpaired, n_train=40)


def test_regularizers_experiment_is_registered_and_validates():
    exp = replication.get("ch3-regularizers")
    assert exp.book["seeds"] >= 5 and exp.full["seeds"] >= 10
    # every arm is tuned on 6 to 8 log-spaced rates that include the shared rate; full scale: all 1,258 training images
    shared = sparsity.REGULARIZER_TRAINING["lr"]
    for scale in (exp.book, exp.full):
        rates = scale["rates"]
        assert 6 <= len(rates) <= 8 and shared in rates and scale["tune_seeds"] >= 1
        steps = [b / a for a, b in zip(rates, rates[1:])]
        assert max(steps) / min(steps) == pytest.approx(1.0, rel=1e-3)
    assert exp.full["n_train"] == 1258
    with pytest.raises(ValueError, match="tune_seeds"):
        sparsity.regularizers(seeds=2, n_train=40, epochs=1, tune_seeds=0)


SMALL_NET = dict(widths=(64, 16, 16, 10), epochs=1, batch_size=20)


def test_tune_regularizer_rates_chooses_on_validation_data_only():
    configs = {"ReLU": {}, "ReLU + L1 1": {"l1": 1.0}}
    rates = [1e-3, 1e-2, 1e-1]
    out = sparsity.tune_regularizer_rates(configs, seeds=[1000], n_train=40, rates=rates, **SMALL_NET)
    json.dumps(out, allow_nan=False)
    assert out["rates"] == rates and out["seeds"] == [1000] and (out["n_fit"], out["n_val"]) == (32, 8)
    for label in configs:
        nll = out["val_nll"][label]
        best = min(range(len(rates)), key=lambda i: nll[i])
        assert out["tuned"][label] == rates[best] and out["interior"][label] == (best == 1)
    # the recorded loss is the cross-entropy on the validation part of the training images, not on the test set
    tv = dying.validation_split(digits(seed=1000, n_train=40), fraction=0.2, seed=1000)
    run = sparsity.train_probed(tv, seed=1000, lr=rates[2], l1=1.0, every_epoch=False, **SMALL_NET)
    assert out["val_nll"]["ReLU + L1 1"][2] == pytest.approx(sparsity.test_nll(run.model, tv))
    full = digits(seed=1000, n_train=40)
    assert sparsity.test_nll(run.model, full) != pytest.approx(out["val_nll"]["ReLU + L1 1"][2])
    with pytest.raises(ValueError, match="lr"):
        sparsity.tune_regularizer_rates(configs, seeds=[1000], n_train=40, rates=rates, lr=0.1, **SMALL_NET)
    with pytest.raises(ValueError, match="rates"):
        sparsity.tune_regularizer_rates(configs, seeds=[1000], n_train=40, rates=[-1.0], **SMALL_NET)
    with pytest.raises(ValueError, match="configs"):
        sparsity.tune_regularizer_rates({}, seeds=[1000], n_train=40, rates=rates, **SMALL_NET)


def test_tuned_runs_reuse_the_shared_runs_only_at_the_shared_rate_and_comparison_pairs_them():
    configs = {"ReLU": {}, "tanh": {"activation": nn.Tanh}}
    shared = sparsity.small_data_runs(configs, seeds=[0, 1], n_train=40, lr=1e-2, **SMALL_NET)
    tuned = sparsity.tuned_runs(configs, {"ReLU": 1e-2, "tanh": 1e-3}, seeds=[0, 1], n_train=40, shared=shared, lr=1e-2, **SMALL_NET)
    assert all(a is b for a, b in zip(tuned["ReLU"], shared["ReLU"]))
    again = sparsity.small_data_runs({"tanh": {"activation": nn.Tanh, "lr": 1e-3}}, seeds=[0, 1], n_train=40, **SMALL_NET)["tanh"]
    assert [r.test_acc for r in tuned["tanh"]] == [r.test_acc for r in again]
    assert [r.test_acc for r in tuned["tanh"]] != [r.test_acc for r in shared["tanh"]] or \
        [r.train_acc for r in tuned["tanh"]] != [r.train_acc for r in shared["tanh"]]
    tuning = {"rates": [1e-3, 1e-2], "seeds": [1000], "n_fit": 32, "n_val": 8, "val_nll": {"ReLU": [1.0, 0.5], "tanh": [0.5, 1.0]},
              "tuned": {"ReLU": 1e-2, "tanh": 1e-3}, "interior": {"ReLU": False, "tanh": False}}
    out = sparsity.regularizer_comparison(shared, tuned, tuning, n_train=40, shared_lr=1e-2)
    json.dumps(out, allow_nan=False)
    assert all(iv["mean"] == 0.0 for iv in out["tuned_minus_shared"]["ReLU"].values())
    d = out["tuned_minus_shared"]["tanh"]["gap"]
    expect = sum(a.gap - b.gap for a, b in zip(tuned["tanh"], shared["tanh"])) / 2
    assert d["mean"] == pytest.approx(expect) and d["n"] == 2
    for text in (sparsity.tuning_table(out), sparsity.tuned_shared_table(out)):
        assert "ReLU" in text and "tanh" in text
    assert "0.500*" in sparsity.tuning_table(out) and "1.000*" not in sparsity.tuning_table(out)
    with pytest.raises(ValueError, match="tuned"):
        sparsity.tuned_runs(configs, {"ReLU": 1e-2}, seeds=[0, 1], n_train=40, **SMALL_NET)
    with pytest.raises(ValueError, match="same configurations"):
        sparsity.regularizer_comparison(shared, {"ReLU": tuned["ReLU"]}, tuning, n_train=40, shared_lr=1e-2)


def _iv(mean, low, high):
    return {"mean": mean, "low": low, "high": high, "n": 5}


def test_regularizer_agreement_names_same_strength_and_opposite():
    def result(gap, nll):
        s = {"vs_baseline": {"ReLU + L1 1": {"gap": gap, "test_nll": nll, "test_acc": _iv(0, -1, 1)}}}
        return {"shared": s, "tuned": s}

    book = result(_iv(0.01, -0.01, 0.03), _iv(-0.2, -0.3, -0.1))
    full = result(_iv(0.02, 0.01, 0.03), _iv(0.2, 0.1, 0.3))
    rows = sparsity.regularizer_agreement(book, full)
    assert len(rows) == 4 and {r["setting"] for r in rows} == {"shared", "tuned"}
    by = {(r["setting"], r["measure"]): r for r in rows}
    assert by[("tuned", "gap")]["agree"] == "strength" and by[("tuned", "gap")]["full_outcome"] == "higher"
    assert by[("tuned", "test_nll")]["agree"] == "opposite" and by[("tuned", "test_nll")]["book_outcome"] == "lower"
    assert all(r["agree"] == "same" for r in sparsity.regularizer_agreement(book, book))
    assert "OPPOSITE" in sparsity.regularizer_agreement_table(rows)
    with pytest.raises(ValueError, match="book"):
        sparsity.regularizer_agreement({"shared": {}}, full)
    with pytest.raises(ValueError, match="n_train"):
        sparsity.regularizers(seeds=2, n_train=5, epochs=1)


def test_sparsity_training_small_network_share_is_unit_weighted():
    out = sparsity.sparsity_training(seeds=2, epochs=1, archs=[[64, 8, 24, 10]])
    json.dumps(out, allow_nan=False)
    a = out["archs"][0]
    assert list(a["layers"]) == ["act1", "act2"] and a["widths"] == [64, 8, 24, 10]
    for k in ("start", "end"):
        expect = (a["layers"]["act1"][k]["mean"] * 8 + a["layers"]["act2"][k]["mean"] * 24) / 32
        assert a["network"][k]["mean"] == pytest.approx(expect)
    assert a["network"]["change"]["mean"] == pytest.approx(a["network"]["end"]["mean"] - a["network"]["start"]["mean"])
    with pytest.raises(ValueError, match="archs"):
        sparsity.sparsity_training(seeds=2, epochs=1, archs=[])
    with pytest.raises(ValueError, match="seeds"):
        sparsity.sparsity_training(seeds=1, epochs=1, archs=[[64, 8, 10]])
    assert replication.get("ch3-sparsity-training").book["seeds"] >= 5
