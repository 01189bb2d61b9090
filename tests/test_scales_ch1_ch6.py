"""The verdict-bearing experiments of chapters 1 and 6 (issue 18), at tiny sizes: one function, two scales."""

from __future__ import annotations

import math

import numpy as np
import pytest

from relulab import expressivity, replication
from relulab import variants as V


def _intervals_ok(effects):
    assert effects
    for label, (iv, null) in effects.items():
        assert isinstance(label, str) and label
        assert iv["low"] <= iv["mean"] <= iv["high"] and iv["n"] >= 2 and math.isfinite(null)


def test_sin_fit_tunes_each_width_on_validation_points():
    res = expressivity.sin_fit_scales(seeds=2, steps=20, n_points=32, factors=[0.5, 1.0], tune_seeds=1, widths=[2, 8, 64])
    assert res["seeds"] == [0, 1] and res["tune_seeds"] == [1000]
    for arm in res["arms"]:
        assert arm["lr"] in (0.01, 0.02) and len(arm["val_error"]) == 2 and len(arm["max_error"]) == 2
        assert all(1 <= p <= arm["width"] + 1 for p in arm["pieces"])
    _intervals_ok(expressivity.sin_fit_effects(res))
    book = expressivity.sin_fit_scales(seeds=2, steps=20, n_points=32, widths=[2, 8, 64])
    assert book["tune_seeds"] == [] and all(a["lr"] == 0.02 and a["val_error"] == [] for a in book["arms"])
    assert set(replication.agreements(expressivity.sin_fit_effects(book), expressivity.sin_fit_effects(res))) == set(
        expressivity.sin_fit_effects(book))


def test_sin_fit_refuses_to_choose_without_tuning_seeds():
    with pytest.raises(ValueError, match="tune_seeds"):
        expressivity.sin_fit_scales(seeds=2, steps=2, factors=[0.5, 1.0], tune_seeds=0)
    with pytest.raises(ValueError, match="factors"):
        expressivity.sin_fit_scales(seeds=2, steps=2, factors=[])
    with pytest.raises(ValueError, match="result"):
        expressivity.sin_fit_effects({"seeds": []})


def test_recovery_scales_tunes_each_arm_and_reports_its_effects():
    res = V.recovery_scales(seeds=2, epochs=1, factors=[0.5, 1.0], tune_seeds=1)
    assert len(res["arms"]) == 6 and res["killed"] == 32
    for arm in res["arms"]:
        assert arm["lr"] in (0.5 * V.RECOVERY_LRS[arm["optimizer"]], V.RECOVERY_LRS[arm["optimizer"]])
        assert len(arm["revived"]) == 2 and len(arm["revived"][0]) == 2
        if arm["slope"] == 0:
            assert max(max(r) for r in arm["revived"]) == 0  # ReLU: a killed unit never comes back
    _intervals_ok(V.recovery_effects(res))
    with pytest.raises(ValueError, match="tune_seeds"):
        V.recovery_scales(seeds=2, epochs=1, factors=[0.5, 1.0])
    with pytest.raises(ValueError, match="optimizers"):
        V.recovery_scales(seeds=2, epochs=1, optimizers=["rmsprop"])


def test_prelu_and_selu_scales_report_their_effects():
    res = V.prelu_scales(seeds=2, epochs=1)
    assert [a["config"] for a in res["arms"]] == ["none", "all", "weights"]
    assert len(res["arms"][0]["slopes"]) == 2  # seeds x layers x channels
    _intervals_ok(V.prelu_effects(res))
    sel = V.selu_scales(seeds=2, n_inputs=8, depth=3, width=8)
    assert len(sel["arms"]) == len(V.SELU_SETTINGS) and len(sel["arms"][0]["var"][0]) == 3
    _intervals_ok(V.selu_effects(sel))
    with pytest.raises(ValueError, match="result"):
        V.selu_effects({})
    # the figure's statistics read from the result equal direct calls of deep_forward_stats, labels included
    stats = V.selu_layer_stats(sel)
    for (act, init, drop), st in zip(V.SELU_SETTINGS, stats, strict=True):
        direct = V.deep_forward_stats(act, init=init, dropout=drop, depth=3, width=8, seeds=[0, 1], n_inputs=8)
        assert st.label == direct.label and st.seeds == direct.seeds == [0, 1]
        np.testing.assert_array_equal(st.var, direct.var)
        np.testing.assert_array_equal(st.mean, direct.mean)
    with pytest.raises(ValueError, match="every arm of result needs"):
        V.selu_layer_stats({"seeds": [0], "arms": [{"activation": "selu"}]})
    with pytest.raises(ValueError, match="selu_scales"):
        V.selu_layer_stats({"arms": []})
    assert V.describe_scale(sel) == f"2 seeds, {sel['n_inputs']} training images" or V.describe_scale(sel).startswith("2 seed")
    assert V.describe_scale(res).startswith("2 seed")
    with pytest.raises(ValueError, match="factors"):
        V.describe_scale({"seeds": [0]})
    with pytest.raises(ValueError, match="same shape"):
        V.selu_layer_stats({"seeds": [0, 1], "arms": [dict(sel["arms"][0], var=[[1.0]])]})
    with pytest.raises(ValueError, match="configs"):
        V.prelu_slopes(seeds=[0], epochs=1, configs=["some"])
