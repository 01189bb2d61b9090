"""relulab.twodomains: one small Transformer on text and on image patches, and its FFN measures."""

import numpy as np
import pytest
import torch

from relulab import replication
from relulab import transformer as T
from relulab import twodomains as TD


def test_text_stream_gives_the_most_frequent_characters_the_small_ids():
    ids = TD.text_stream(16)
    assert ids.min() == 0 and ids.max() == 15
    counts = np.bincount(ids, minlength=16)
    assert np.all(np.diff(counts[1:]) <= 0)  # id 1 most frequent, then 2, ...
    assert counts[0] > 0  # rarer characters share id 0
    assert np.array_equal(TD.text_stream(16), ids)


def test_patches_are_read_in_raster_order():
    img = np.arange(16.0).reshape(4, 4)
    p = TD._patch_grid(img, 2)
    assert p.tolist() == [[0, 1, 4, 5], [2, 3, 6, 7], [8, 9, 12, 13], [10, 11, 14, 15]]
    d = TD.digit_patches(2)
    assert d.shape == (1797 * 16, 4) and 0 <= d.min() and d.max() <= 1
    assert TD.digit_patches(4).shape == (1797 * 4, 16)
    with pytest.raises(ValueError, match="patch must divide 8"):
        TD.digit_patches(3)


def test_kmeans_finds_well_separated_clusters_and_is_deterministic():
    rng = np.random.default_rng(0)
    centres = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])
    x = np.concatenate([c + 0.1 * rng.standard_normal((50, 2)) for c in centres])
    c = TD.kmeans_codebook(x, 3, seed=1)
    found = sorted(map(tuple, np.round(c)))
    assert found == sorted(map(tuple, centres))
    assert np.array_equal(c, TD.kmeans_codebook(x, 3, seed=1))
    with pytest.raises(ValueError, match="x must"):
        TD.kmeans_codebook(np.ones(5), 2)
    with pytest.raises(ValueError, match="k must"):
        TD.kmeans_codebook(x, 1000)


@pytest.mark.parametrize("name", ["text", "digits"])
def test_domains_share_the_vocabulary_and_the_split(name):
    d = TD.make_domain(name, vocab=16, tokens=2000)
    assert (len(d.train), len(d.val)) == (1800, 200)
    assert d.vocab == 16 and d.train.max() < 16 and d.val.max() < 16 and d.train.min() >= 0
    assert len(np.unique(d.train)) > 8  # the codebook (or the characters) use most of the vocabulary
    with pytest.raises(ValueError, match="name must be one of"):
        TD.make_domain("audio")
    with pytest.raises(ValueError, match="tokens must be at most"):
        TD.make_domain("digits", tokens=10**6)


def test_ngram_baselines_see_a_deterministic_sequence():
    stream = np.tile(np.arange(4), 200)  # 0 1 2 3 0 1 2 3 ...
    d = TD.TokenDomain("toy", stream[:600], stream[600:], 4)
    b = TD.ngram_baselines(d, 8)
    assert b["unigram"] == pytest.approx(np.log(4), abs=1e-3)  # every token equally frequent
    assert b["bigram"] == pytest.approx(-np.log(150 / 153), abs=1e-3)  # add-one smoothed certainty
    assert b["bigram"] < b["unigram"]


def test_ffn_measures_count_dead_rare_and_active_units():
    torch.manual_seed(0)
    m = T.TinyLM(8, d_model=8, n_head=2, n_layer=2, context=6).double()
    with torch.no_grad():
        m.blocks[0].ffn.up.bias[:4] = -1e3  # 4 of the 32 units of block 0 never fire
        m.blocks[1].ffn.up.bias[:] = 1e3  # every unit of block 1 always fires
    idx = torch.randint(0, 8, (16, 6), generator=torch.Generator().manual_seed(0))
    out = TD.ffn_measures(m, idx)
    assert out["dead"][0] == 4 / 32 and out["dead"][1] == 0
    assert out["rare"][0] >= out["dead"][0] and out["rare"][1] == 0
    assert out["active"][1] == 1.0 and out["active"][0] <= 28 / 32
    assert all(1 <= r <= 8 for r in out["eff_rank"]) and all(0 < v <= 1 for v in out["lam_max"])
    with pytest.raises(ValueError, match="idx"):
        TD.ffn_measures(m, torch.zeros(2, 7, dtype=torch.int64))


def _toy_domains():
    return [TD.make_domain("text", vocab=12, tokens=1200), TD.make_domain("digits", vocab=12, tokens=1200)]


def test_training_together_is_training_apart():
    """The vmapped trainer gives each model what train_lm gives it alone (Adam is element-wise)."""
    doms = _toy_domains()
    cfg = dict(steps=12, batch_size=4, d_model=8, n_head=2, n_layer=2, context=6)
    together = TD.train_models(doms, [(0, 0, 3e-2), (1, 0, 3e-2), (0, 1, 1e-2)], **cfg)
    for run in together:
        dom = doms[0] if run["domain"] == "text" else doms[1]
        alone = T.train_lm(dom.train, dom.val, 12, kind="relu", seed=run["seed"], lr=run["lr"], **cfg)
        assert run["val_loss"] == pytest.approx(alone.val_loss, rel=1e-9)
        assert run["curve"][-1] == pytest.approx(float(np.mean(alone.train_loss[-1:])), rel=1e-9)
    assert together[0]["val_loss"] != together[1]["val_loss"]  # same initial model, other data
    with pytest.raises(ValueError, match="vocabulary"):
        TD.train_models([doms[0], TD.make_domain("digits", vocab=10, tokens=1200)], [(0, 0, 0.01)], **cfg)
    with pytest.raises(ValueError, match=r"runs\[0\]\[0\]"):
        TD.train_models(doms, [(2, 0, 0.01)], **cfg)


def test_models_train_to_a_plateau_of_validation_loss_and_are_measured_at_their_best():
    doms = _toy_domains()
    cfg = dict(steps=300, batch_size=4, d_model=8, n_head=2, n_layer=2, context=6, evals=30)
    plan = [(0, 0, 3e-2), (1, 0, 3e-2), (0, 1, 1e-2), (1, 1, 1e-1)]
    fixed = TD.train_models(doms, plan, **cfg)
    ruled = TD.train_models(doms, plan, patience=3, tol=0.01, **cfg)
    for f, r in zip(fixed, ruled):
        assert f["stop"] == 300 and not f["plateau"] and len(f["val_curve"]) == 30 and f["val_steps"][-1] == 300
        assert r["plateau"] and r["stop"] < 300  # these toy models plateau well before the budget
        assert len(r["val_curve"]) == r["stop"] // 10 and r["val_steps"][-1] == r["stop"]
        assert r["val_loss"] == pytest.approx(min(r["val_curve"]), rel=1e-9)  # measured at the best evaluation
        assert r["val_steps"][int(np.argmin(r["val_curve"]))] == r["best_step"]
        best = [min(r["val_curve"][: i + 1]) for i in range(len(r["val_curve"]))]
        assert best[-4] - best[-1] <= 0.01 * best[-4]  # the rule: < 1% better over the last 3 evaluations
        assert all(best[i - 3] - best[i] > 0.01 * best[i - 3] for i in range(3, len(best) - 1))  # and not earlier
        # until it stopped, a model trained exactly as without the rule (the others leaving the batch change nothing)
        assert r["val_curve"] == pytest.approx(f["val_curve"][: len(r["val_curve"])], rel=1e-9)


def test_the_experiment_tunes_each_domain_and_pairs_the_seeds():
    res = TD.two_domains(["text", "digits"], seeds=2, tune_seeds=1, lrs=[1e-2, 3e-2], steps=4, batch_size=4, d_model=8,
                         n_layer=1, context=6, vocab=12, tokens=1200)
    assert set(res["tuned"].values()) <= {1e-2, 3e-2} and res["shared"] in (1e-2, 3e-2)
    for name in ("text", "digits"):
        crit = res["criterion"][name]
        assert res["tuned"][name] == res["lrs"][int(np.argmin(crit))]
        for arm in ("tuned", "shared"):
            m = res["runs"][name][arm]
            assert len(m["dead"]) == 2 and len(m["layers"]["dead"][0]) == 1 and len(m["curve"][0]) == 4
        assert res["baselines"][name]["bigram"] > 0
    res = TD.two_domains(["text", "digits"], seeds=2, tune_seeds=1, lrs=[1e-2, 3e-2], steps=4, batch_size=4, d_model=8,
                         n_layer=1, context=6, vocab=12, tokens=1200, references=["gelu", "swiglu"])
    for name in ("text", "digits"):
        for ref in ("gelu", "swiglu"):
            m = res["runs"][name][ref]
            assert len(m["active"]) == 2 and m["val_loss"] != res["runs"][name]["tuned"]["val_loss"]
            assert all(0 < a < 1 for a in m["active"])  # a share of units switched on per token, not 0 or 1
        assert res["runs"][name]["gelu"]["val_loss"] != res["runs"][name]["swiglu"]["val_loss"]
    with pytest.raises(TypeError, match="references must be a sequence"):
        TD.two_domains(["text"], seeds=2, tune_seeds=1, lrs=[1e-2], steps=2, batch_size=2, d_model=8, n_layer=1,
                       context=6, vocab=12, tokens=1200, references="gelu")
    for bad in (["gelu", "gelu"], ["relu"], ["tanh"], [["gelu"]]):
        with pytest.raises(ValueError, match="references must be distinct FFN kinds"):
            TD.two_domains(["text"], seeds=2, tune_seeds=1, lrs=[1e-2], steps=2, batch_size=2, d_model=8, n_layer=1,
                           context=6, vocab=12, tokens=1200, references=bad)
    with pytest.raises(ValueError, match="domains must be distinct"):
        TD.two_domains(["text", "text"], seeds=2, tune_seeds=1, lrs=[1e-2], steps=2, batch_size=2, d_model=8,
                       n_layer=1, context=6, vocab=12, tokens=1200)


def test_the_experiment_is_registered_at_two_scales():
    exp = replication.get("ch5b-two-domains")
    assert exp.fn is TD.two_domains
    assert exp.book["seeds"] >= 5 and exp.full["seeds"] >= 10
    assert set(exp.book["domains"]) <= set(exp.full["domains"])
