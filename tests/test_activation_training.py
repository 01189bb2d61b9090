"""Issue 18, chapter 2: per-member learning rates, validation tracking and the ``ch2-activations`` experiment."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from relulab import gradients, replication
from relulab.data import digits


@pytest.fixture(scope="module")
def small():
    d = digits(seed=0)
    return d.x_train[:200], d.y_train[:200], d.x_test[:100], d.y_test[:100]


def test_per_member_rates_equal_separate_runs(small):
    """A sequence of rates trains each member exactly as a separate run at its own rate would."""
    members = gradients.grid(["relu"], ["he"], [0, 1])
    together = gradients.MLPEnsemble([64, 16, 16, 10], members)
    run = gradients.train_ensemble(together, *small, epochs=2, lr=[0.01, 0.05], track_test_loss=True)
    for i, lr in enumerate([0.01, 0.05]):
        alone = gradients.MLPEnsemble([64, 16, 16, 10], [members[i]])
        single = gradients.train_ensemble(alone, *small, epochs=2, lr=lr, track_test_loss=True)
        np.testing.assert_allclose(run.loss[i], single.loss[0], rtol=1e-9)
        np.testing.assert_allclose(run.test_loss[i], single.test_loss[0], rtol=1e-9)
        assert run.test_acc[i] == pytest.approx(single.test_acc[0])
    assert run.test_loss.shape == (2, 2) and np.all(np.isfinite(run.test_loss))


def test_rates_are_validated(small):
    ens = gradients.MLPEnsemble([64, 8, 10], gradients.grid(["relu"], ["he"], [0, 1]))
    with pytest.raises(ValueError, match="one per member"):
        gradients.train_ensemble(ens, *small, epochs=1, lr=[0.1])
    with pytest.raises(ValueError, match=r"lr\[1\]"):
        gradients.train_ensemble(ens, *small, epochs=1, lr=[0.1, -1.0])
    assert gradients.train_ensemble(ens, *small, epochs=1).test_loss is None


def test_rate_grid_and_validation_split():
    assert gradients.rate_grid(0.01, 0.1, 5) == [0.01, 0.01585, 0.02512, 0.03981, 0.06310, 0.1]
    assert gradients.rate_grid(0.003, 1.0, 2) == [0.003162, 0.01, 0.03162, 0.1, 0.3162, 1.0]
    with pytest.raises(ValueError, match="per_decade"):
        gradients.rate_grid(0.01, 0.1, 0)
    x, y = torch.arange(20.0).view(10, 2), torch.arange(10)
    xf, yf, xv, yv = gradients.validation_split(x, y, fraction=0.3, seed=1)
    assert len(xv) == 3 and len(xf) == 7
    assert sorted(torch.cat([yf, yv]).tolist()) == list(range(10))
    with pytest.raises(ValueError, match="fraction"):
        gradients.validation_split(x, y, fraction=1.0)


def test_activation_training_small_runs_pairs_and_tunes():
    r = gradients.activation_training(seeds=2, epochs=1, tune_seeds=1, depth=2, width=8,
                                      rates={"sigmoid/xavier": [0.05, 0.2], "tanh/xavier": [0.05], "relu/xavier": [0.05],
                                             "relu/he": [0.01, 0.05]})
    assert [(a["activation"], a["init"]) for a in r["arms"]] == [("sigmoid", "xavier"), ("tanh", "xavier"), ("relu", "xavier"), ("relu", "he")]
    for arm in r["arms"]:
        assert arm["tuned_lr"] in arm["rates"]
        assert arm["val_loss"][arm["rates"].index(arm["tuned_lr"])] == min(arm["val_loss"])
        assert len(arm["shared"]) == len(arm["tuned"]) == 2
        assert all(0 <= v <= 1 for v in arm["tuned"] if not math.isnan(v))
    comps = gradients.activation_comparisons(r)
    others = ("sigmoid/xavier", "tanh/xavier", "relu/xavier")
    assert set(comps) == {(s, o) for s in ("shared", "tuned") for o in others}
    assert comps[("tuned", "tanh/xavier")].n == 2
    rows = gradients.activation_rows(r)
    assert len(rows) == 4 and "n = 2" in rows[3][3]
    # the two-scale report prints itself (here the same small run stands in for both scales)
    rec = replication.Recorded("ch2-activations", {}, r, {"date": "2026-12-06T00:00:00", "wall_s": 12.4})
    report = gradients.activation_scales(r, rec)
    text = str(report).splitlines()
    assert text[0].startswith("book scale (live): 2 seeds") and "n = 2" in "\n".join(text)
    assert sum(line.endswith("book and full scale agree (" + line.rsplit("(", 1)[-1]) for line in text) == len(comps)
    values = report.glue_values()
    assert values["act_nval"] == r["n_val"] and values["act_book_tuned_tanh_xavier"].endswith("n = 2")
    assert report.full is r and report.comparisons["full"].keys() == comps.keys()
    with pytest.raises(ValueError, match="live"):
        gradients.activation_scales({"arms": []}, rec)
    with pytest.raises(ValueError, match="recorded"):
        gradients.activation_scales(r, replication.Recorded("x", {}, r, {}))
    with pytest.raises(ValueError, match="rates"):
        gradients.activation_training(seeds=2, epochs=1, rates={"relu/he": [0.1]})
    with pytest.raises(ValueError, match="seeds"):
        gradients.activation_training(seeds=1)


def test_coarse_to_fine_search_adds_fine_rates_around_the_coarse_optimum():
    r = gradients.activation_training(seeds=2, epochs=1, tune_seeds=1, depth=1, width=4, coarse=(0.01, 1.0, 1), per_decade=3)
    for arm in r["arms"]:
        assert {0.01, 0.1, 1.0} <= set(arm["rates"]) and len(arm["rates"]) > 3


def test_experiment_is_registered_with_book_and_full_scales():
    exp = replication.discover()["ch2-activations"]
    assert exp.book["seeds"] >= 5 and exp.full["seeds"] >= 20
    assert exp.full["epochs"] > exp.book["epochs"]


def test_tuned_variants_small_pairs_and_tunes_on_validation():
    from relulab import variants as V

    r = V.tuned_variants(seeds=2, epochs=1, tune_seeds=1, keys=["relu", "elu"], rates=[0.005, 0.02],
                         widths=(64, 8, 8, 10))
    assert [a["key"] for a in r["arms"]] == ["relu", "elu"]
    for arm in r["arms"]:
        assert arm["tuned_lr"] in arm["rates"]
        assert arm["val_acc"][arm["rates"].index(arm["tuned_lr"])] == max(arm["val_acc"])
        assert len(arm["shared"]) == len(arm["tuned"]) == 2
    comps = V.tuned_comparisons(r)
    assert set(comps) == {("shared", "elu"), ("tuned", "elu")} and comps[("tuned", "elu")].n == 2
    assert len(V.tuned_rows(r)) == 2
    with pytest.raises(ValueError, match="relu"):
        V.tuned_variants(seeds=2, epochs=1, keys=["elu"])
    with pytest.raises(ValueError, match=r"rates\[0\]"):
        V.tuned_variants(seeds=2, epochs=1, rates=[-1.0])
    exp = replication.discover()["ch6b-variants"]
    assert exp.book["seeds"] >= 5 and exp.full["seeds"] >= 20


def test_diverged_runs_are_left_out_of_comparisons_and_say_so():
    """Recorded results store a diverged run as None (JSON has no nan): comparisons drop those pairs and n shows it."""
    from relulab import variants as V

    fake = {"arms": [{"key": "relu", "tuned_lr": 0.01, "shared": [0.8, 0.7, None, 0.9], "tuned": [0.8, 0.7, 0.75, 0.9]},
                     {"key": "elu", "tuned_lr": 0.01, "shared": [0.9, 0.8, 0.85, 0.95], "tuned": [0.9, None, 0.85, 0.95]}]}
    comps = V.tuned_comparisons(fake)
    assert comps[("shared", "elu")].n == 3 and comps[("tuned", "elu")].n == 3
    assert "n = 3" in V.tuned_rows(fake)[1][3]
    arms = [{"activation": a, "init": i, "tuned_lr": 0.01, "shared": [0.5, None, 0.6], "tuned": [0.5, 0.55, 0.6]}
            for a, i in gradients.ACTIVATION_ARMS]
    comps2 = gradients.activation_comparisons({"arms": arms})
    assert comps2[("shared", "tanh/xavier")].n == 2 and comps2[("tuned", "tanh/xavier")].n == 3
