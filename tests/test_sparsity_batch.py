"""Issue 24: the runs of one experiment are trained together as one batched model
(sparsity._train_probed_batch); each must equal its separate train_probed run up to rounding."""

import pytest
import torch

from relulab import sparsity
from relulab.data import Split, digits

SEEDS = [0, 1, 2]
COMMON = dict(widths=(64, 32, 32, 10), epochs=3, batch_size=50)


@pytest.fixture(scope="module")
def splits():
    return [digits(seed=s, n_train=120) for s in SEEDS]


def _assert_same_run(a, b, split):
    for p, q in zip(a.model.parameters(), b.model.parameters()):
        torch.testing.assert_close(q.detach(), p.detach(), rtol=0, atol=1e-10)
    assert (a.seed, a.layers, a.steps_per_epoch) == (b.seed, b.layers, b.steps_per_epoch)
    assert (a.train_acc, a.test_acc) == (b.train_acc, b.test_acc)
    assert (a.zero == b.zero).all() and (a.dead == b.dead).all()
    assert sparsity.test_nll(b.model, split) == pytest.approx(sparsity.test_nll(a.model, split), abs=1e-10)


@pytest.mark.parametrize("config", [{}, {"l1": 1.0}, {"activation": torch.nn.Tanh}, {"bias": -1.0}, {"dropout": 0.5},
                                    {"activation": torch.nn.Tanh, "dropout": 0.5}],
                         ids=["relu", "l1", "tanh", "bias", "dropout", "tanh-dropout"])
def test_batched_equals_separate_runs(splits, config):
    lrs = [1e-2, 3e-3, 5e-2]  # a different rate per member: members share nothing
    separate = [sparsity.train_probed(sp, seed=s, lr=lr, every_epoch=False, **COMMON, **config)
                for sp, s, lr in zip(splits, SEEDS, lrs)]
    kw = {k: v for k, v in config.items() if k not in ("l1", "bias")}
    batched = sparsity._train_probed_batch(splits, SEEDS, lrs, [config.get("l1", 0.0)] * 3, [config.get("bias", "own")] * 3,
                                           **COMMON, **kw)
    for a, b, sp in zip(separate, batched, splits):
        _assert_same_run(a, b, sp)


def test_mixed_jobs_keep_their_order(splits):
    """_probed_runs groups batchable jobs (here: ReLU with and without L1 and bias shift in one model, tanh in
    another) and trains the rest one by one (flips), returning the runs in the order of the jobs."""
    kws = [{"l1": 0.3}, {"activation": torch.nn.Tanh}, {"bias": -1.0}, {"flips": True}, {}]
    jobs = [(splits[i % 3], SEEDS[i % 3], {**COMMON, "lr": 1e-2, "every_epoch": False, **kw}) for i, kw in enumerate(kws)]
    runs = sparsity._probed_runs(jobs)
    for (split, seed, kw), run in zip(jobs, runs):
        _assert_same_run(sparsity.train_probed(split, seed=seed, **kw), run, split)
    assert len(runs[3].step_flips) > 0 and all(len(r.step_flips) == 0 for i, r in enumerate(runs) if i != 3)


def test_a_diverged_member_is_none_and_leaves_the_others_alone(splits):
    broken = Split(splits[1].x_train.clone(), splits[1].y_train, splits[1].x_test, splits[1].y_test)
    broken.x_train[:, 0] = float("inf")  # its loss is not finite from the first step (train() itself refuses such data)
    runs = sparsity._train_probed_batch([splits[0], broken], SEEDS[:2], [1e-2, 1e-2], [0.0, 0.0], ["own", "own"], **COMMON)
    alone = sparsity._train_probed_batch(splits[:1], SEEDS[:1], [1e-2], [0.0], ["own"], **COMMON)
    assert runs[1] is None and runs[0] is not None
    _assert_same_run(alone[0], runs[0], splits[0])


def test_batched_rejects_mismatched_inputs(splits):
    with pytest.raises(ValueError, match="equal length"):
        sparsity._train_probed_batch(splits, SEEDS[:2], [1e-2] * 3, [0.0] * 3, ["own"] * 3, **COMMON)
    with pytest.raises(ValueError, match="same number of training images"):
        sparsity._train_probed_batch([splits[0], digits(seed=5, n_train=100)], [0, 5], [1e-2] * 2, [0.0] * 2, ["own"] * 2, **COMMON)
    with pytest.raises(ValueError, match=r"lrs\[1\]"):
        sparsity._train_probed_batch(splits, SEEDS, [1e-2, 0.0, 1e-2], [0.0] * 3, ["own"] * 3, **COMMON)
