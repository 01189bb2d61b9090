"""Tests of the issue-18 regularizer experiment in relulab.sparsity (small sizes)."""

from __future__ import annotations

import json
import math

import pytest
import torch
from torch import nn

from relulab import replication, sparsity
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
