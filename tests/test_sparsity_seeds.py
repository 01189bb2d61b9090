"""sparsity.train_probed_seeds trains several train_probed runs side by side: each must be its seed's run."""

import numpy as np
import pytest
import torch

from relulab import data, sparsity


@pytest.mark.parametrize("flips, every_epoch", [(True, True), (False, False)])
def test_each_run_is_train_probed_of_its_seed(flips, every_epoch):
    split = data.digits(n_train=300)
    kw = dict(widths=(64, 16, 16, 10), epochs=2, flips=flips, every_epoch=every_epoch)
    together = sparsity.train_probed_seeds(split, [3, 0], **kw)
    for run in together:
        alone = sparsity.train_probed(split, seed=run.seed, **kw)
        assert run.layers == alone.layers and run.steps_per_epoch == alone.steps_per_epoch
        assert np.allclose(run.zero, alone.zero, rtol=0, atol=1e-3) and np.allclose(run.dead, alone.dead, rtol=0, atol=1e-3)
        assert run.step_flips.shape == alone.step_flips.shape == ((2 * run.steps_per_epoch,) if flips else (0,))
        assert np.allclose(run.step_flips, alone.step_flips, rtol=0, atol=1e-3)
        assert abs(run.train_acc - alone.train_acc) <= 0.01 and abs(run.test_acc - alone.test_acc) <= 0.01
        for p, q in zip(run.model.parameters(), alone.model.parameters()):
            torch.testing.assert_close(p, q, rtol=1e-9, atol=1e-9)
    assert not np.array_equal(together[0].zero, together[1].zero)  # the seeds did differ
    assert together[0].zero.shape[0] == (3 if every_epoch else 2)


def test_refuses_a_diverging_rate_and_bad_widths():
    split = data.digits(n_train=100)
    with pytest.raises(ValueError, match="widths"):
        sparsity.train_probed_seeds(split, [0], widths=(10, 4, 10))
    x = split.x_train.clone()
    x[5, 0] = float("inf")  # a non-finite input makes the loss non-finite, as a diverging run does
    with pytest.raises(RuntimeError, match="diverged"):
        sparsity.train_probed_seeds(data.Split(x, split.y_train, split.x_test, split.y_test), [0, 1], widths=(64, 8, 10), epochs=1)
