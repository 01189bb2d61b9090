"""relulab.transformer: the tiny Transformer LM, its pluggable FFN and the FFN probes."""

import numpy as np
import pytest
import torch
from torch import nn

from relulab import transformer as T


def test_char_vocab_round_trip_and_unknown_characters():
    voc = T.char_vocab("banana bread", min_count=2)
    assert voc.chars == ("?", "a", "b", "n")
    ids = voc.encode("bandana!")
    assert voc.decode(ids) == "ban?ana?"
    assert len(voc) == len(voc.chars)
    with pytest.raises(ValueError, match="non-empty"):
        T.char_vocab("")


def test_ffn_widths_match_parameter_counts():
    d = 32
    counts = {}
    for kind in T.FFN_KINDS:
        ffn = T.FeedForward(d, T.ffn_width(kind, d), kind)
        counts[kind] = sum(p.numel() for p in ffn.parameters())
    assert counts["relu"] == counts["gelu"]
    assert abs(counts["swiglu"] - counts["relu"]) / counts["relu"] < 0.02
    assert T.ffn_width("swiglu", d) == round(2 / 3 * 4 * d)
    with pytest.raises(ValueError, match="kind must be one of"):
        T.ffn_width("tanh", d)


def test_ffn_formulas():
    torch.manual_seed(0)
    x = torch.randn(3, 5, 8)
    relu = T.FeedForward(8, 16, "relu")
    torch.testing.assert_close(relu(x), relu.down(torch.clamp_min(relu.up(x), 0)))
    gelu = T.FeedForward(8, 16, "gelu")
    torch.testing.assert_close(gelu(x), gelu.down(nn.functional.gelu(gelu.up(x))))
    sw = T.FeedForward(8, 11, "swiglu")
    g = sw.gate(x)
    torch.testing.assert_close(sw(x), sw.down(g * torch.sigmoid(g) * sw.up(x)))
    assert sw.gate.bias is None


def test_the_model_is_causal():
    torch.manual_seed(1)
    m = T.TinyLM(10, kind="gelu", d_model=8, n_head=2, n_layer=2, context=6).double()
    idx = torch.randint(0, 10, (2, 6))
    out = m(idx)
    changed = idx.clone()
    changed[:, 4] = (changed[:, 4] + 1) % 10
    out2 = m(changed)
    torch.testing.assert_close(out[:, :4], out2[:, :4])
    assert not torch.allclose(out[:, 4:], out2[:, 4:])
    assert m.ffn_layers() == ["blocks.0.ffn.act", "blocks.1.ffn.act"]
    with pytest.raises(ValueError, match="exceeds the context"):
        m(torch.zeros(1, 7, dtype=torch.int64))
    with pytest.raises(ValueError, match="divisible"):
        T.TinyLM(10, d_model=9, n_head=2)


def test_lm_batches_targets_are_inputs_shifted_by_one():
    ids = np.arange(100)
    x, y = T.lm_batches(ids, context=8, batch_size=4, steps=3, seed=0)
    assert x.shape == y.shape == (3, 4, 8)
    torch.testing.assert_close(y, x + 1)
    with pytest.raises(ValueError, match="at least context"):
        T.lm_batches(np.arange(5), context=8, batch_size=1, steps=1, seed=0)


def test_ffn_probe_counts_zeros_off_units_and_dead_units():
    torch.manual_seed(2)
    for kind in T.FFN_KINDS:
        m = T.TinyLM(12, kind=kind, d_model=8, n_head=2, n_layer=1, context=6).double()
        hidden = T.ffn_width(kind, 8)
        with torch.no_grad():
            target = m.blocks[0].ffn.gate if kind == "swiglu" else m.blocks[0].ffn.up
            target.weight[0].zero_()
            if target.bias is not None:
                target.bias[0] = -1.0  # unit 0 never on
        idx = torch.randint(0, 12, (5, 6))
        (st,) = T.ffn_probe(m, idx)
        assert st.dead >= 1 / hidden - 1e-12  # unit 0 (its pre-activation or gate is never positive)
        assert 0 < st.off < 1
        if kind == "relu":
            assert st.exact_zero == st.off
        elif kind == "gelu":
            assert st.exact_zero == 0.0  # GELU(x) = 0 only at x = 0
        else:
            assert st.exact_zero == pytest.approx(1 / hidden)  # SiLU(0) * up = 0: only the zeroed gate
    # the probe leaves the model's mode alone
    m.train()
    T.ffn_probe(m, idx)
    assert m.training


def test_a_short_training_run_learns_a_repeating_text():
    ids = np.array([0, 1, 2, 3] * 200)
    run = T.train_lm(ids, ids, 4, kind="relu", seed=0, steps=60, batch_size=4, d_model=16, context=8, lr=1e-2)
    assert run.train_loss.shape == (60,) and np.isfinite(run.train_loss).all()
    assert run.train_loss[-5:].mean() < 0.5 * run.train_loss[:5].mean()
    assert run.val_loss < 0.5 and len(run.ffn) == 2 and run.kind == "relu" and run.seed == 0


def test_compare_ffn_runs_every_kind_and_seed_and_refuses_unknown_kinds():
    ids = np.array([0, 1, 2] * 100)
    runs = T.compare_ffn(ids, ids, 3, kinds=["relu", "swiglu"], seeds=[0, 1], steps=3, d_model=8, context=4)
    assert [(r.kind, r.seed) for r in runs] == [("relu", 0), ("relu", 1), ("swiglu", 0), ("swiglu", 1)]
    with pytest.raises(ValueError, match="kinds must be"):
        T.compare_ffn(ids, ids, 3, kinds=["tanh"], seeds=[0])


def test_compare_ffn_trains_the_seeds_together_as_train_lm_trains_each_alone():
    rng = np.random.default_rng(0)
    tr, va = rng.integers(0, 6, 600), rng.integers(0, 6, 200)
    cfg = dict(steps=12, batch_size=4, d_model=8, context=6, lr=3e-2)
    for kind in ("relu", "swiglu"):
        together = T.compare_ffn(tr, va, 6, kinds=[kind], seeds=[0, 3], **cfg)
        for run in together:
            alone = T.train_lm(tr, va, 6, kind=kind, seed=run.seed, **cfg)
            assert run.val_loss == pytest.approx(alone.val_loss, rel=1e-10)
            assert np.allclose(run.train_loss, alone.train_loss, rtol=1e-10, atol=0)
            assert [(f.exact_zero, f.dead) for f in run.ffn] == [(f.exact_zero, f.dead) for f in alone.ffn]
            assert run.params == alone.params and not run.model.training
        assert together[0].val_loss != together[1].val_loss


def test_compare_ffn_trains_the_kinds_concurrently_with_the_results_of_one_after_another(monkeypatch):
    rng = np.random.default_rng(1)
    tr, va = rng.integers(0, 6, 600), rng.integers(0, 6, 200)
    cfg = dict(steps=15, batch_size=4, d_model=8, context=6, lr=3e-2)
    threads = torch.get_num_threads()
    for seeds in ([0, 2], [5]):  # the vmapped path and the one-seed path
        monkeypatch.setattr(T.os, "sched_getaffinity", lambda pid: {0, 1, 2}, raising=False)
        threaded = T.compare_ffn(tr, va, 6, seeds=seeds, **cfg)
        monkeypatch.setattr(T.os, "sched_getaffinity", lambda pid: {0}, raising=False)
        serial = T.compare_ffn(tr, va, 6, seeds=seeds, **cfg)
        assert [(r.kind, r.seed) for r in threaded] == [(k, s) for k in T.FFN_KINDS for s in seeds]
        for a, b in zip(threaded, serial):
            assert np.array_equal(a.train_loss, b.train_loss) and a.val_loss == b.val_loss
            assert all(torch.equal(p, q) for p, q in zip(a.model.parameters(), b.model.parameters()))
    assert torch.get_num_threads() == threads  # the caller's thread count is kept


@pytest.mark.parametrize("kind", ["relu", "swiglu"])
def test_the_written_out_adamw_is_torch_optim_adamw_with_its_warm_up_bit_for_bit(kind):
    def train(written_out):
        torch.manual_seed(0)
        model = T.TinyLM(11, kind=kind, d_model=8, context=6).double()
        model.blocks[0].ln1.weight.requires_grad_(False)  # a parameter without a gradient is skipped
        start = [p.detach().clone() for p in model.parameters()]
        if written_out:
            opt, sched = T._adamw_warmup(model.parameters(), 0.03, 40)
        else:
            opt = torch.optim.AdamW(model.parameters(), lr=0.03, weight_decay=0.01, foreach=True)
            sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / 4))
        g = torch.Generator().manual_seed(1)
        for _ in range(40):
            loss = model(torch.randint(0, 11, (4, 6), generator=g)).logsumexp(-1).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
        return start, [p.detach().clone() for p in model.parameters()]

    (start, ours), (_, torchs) = train(True), train(False)
    assert all(torch.equal(a, b) for a, b in zip(ours, torchs))
    names = [n for n, _ in T.TinyLM(11, kind=kind, d_model=8, context=6).named_parameters()]
    moved = {n for n, a, b in zip(names, start, ours) if not torch.equal(a, b)}
    assert moved == set(names) - {"blocks.0.ln1.weight"}  # every trained weight moved, the frozen one did not


def test_validation_loss_and_summary_rows():
    ids = np.array([0, 1, 2, 3] * 60)
    runs = T.compare_ffn(ids, ids, 4, kinds=["relu", "gelu"], seeds=[0, 1], steps=4, d_model=8, context=6, lr=1e-2)
    r = runs[0]
    assert r.lr == 1e-2 and not r.model.training
    assert T.validation_loss(r.model, ids) == pytest.approx(r.val_loss)
    x, y = T.validation_batch(ids, 6)
    assert x.shape == (64, 6) and torch.equal(y[:, :-1], x[:, 1:])
    rows = T.summary_rows(runs)
    assert [row[:2] for row in rows] == [["relu", 1e-2], ["gelu", 1e-2]]
    assert len(rows[0]) == len(T.summary_headers(2)) == 8
    assert " ± " in rows[0][3]
