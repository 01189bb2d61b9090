"""relulab.gan: the ring of Gaussians, mode coverage, the per-model Leaky ReLU and the batched GAN."""

import numpy as np
import pytest
import torch

from relulab import gan


def test_ring_centres_lie_on_the_circle_evenly():
    c = gan.ring_centres(8, 2.0)
    np.testing.assert_allclose(np.linalg.norm(c, axis=1), 2.0)
    gaps = np.linalg.norm(np.diff(np.vstack([c, c[:1]]), axis=0), axis=1)
    np.testing.assert_allclose(gaps, 2 * 2.0 * np.sin(np.pi / 8))


def test_ring_of_gaussians_matches_its_definition():
    rng = np.random.default_rng(0)
    n, std = 20_000, 0.05
    x = gan.ring_of_gaussians(n, std=std, rng=rng)
    d = np.linalg.norm(x[:, None] - gan.ring_centres()[None], axis=2).min(axis=1)
    # distance of a 2-D Gaussian point to its centre is Rayleigh(std): mean std*sqrt(pi/2), var (4-pi)/2 std^2
    se = np.sqrt((4 - np.pi) / 2) * std / np.sqrt(n)
    assert abs(d.mean() - std * np.sqrt(np.pi / 2)) < 4 * se
    with pytest.raises(TypeError, match="numpy Generator"):
        gan.ring_of_gaussians(3, rng=0)


def test_mode_coverage():
    rng = np.random.default_rng(1)
    good = gan.ring_of_gaussians(1000, rng=rng)
    modes, quality = gan.mode_coverage(good)
    assert modes == 8 and quality > 0.98
    one = gan.ring_centres()[[0]] + 0.01 * rng.standard_normal((1000, 2))
    assert gan.mode_coverage(one) == (1, 1.0)
    assert gan.mode_coverage(np.zeros((10, 2))) == (0, 0.0)
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        gan.mode_coverage(np.zeros((3, 3)))


def test_batched_leaky_relu_applies_each_models_slope():
    act = gan.BatchedLeakyReLU([0.0, 0.2])
    x = torch.randn(2, 5, 3, dtype=torch.float64)
    y = act(x)
    torch.testing.assert_close(y[0], torch.relu(x[0]))
    torch.testing.assert_close(y[1], torch.nn.functional.leaky_relu(x[1], 0.2))
    with pytest.raises(ValueError, match="2 slopes"):
        act(torch.zeros(3, 1, dtype=torch.float64))
    with pytest.raises(ValueError, match="slopes"):
        gan.BatchedLeakyReLU([1.5])


def test_train_gan_is_deterministic_and_runs_differ_only_by_the_slope():
    a = gan.train_gan([0.0, 0.2], seeds=[0, 1], steps=12, every=5, n_eval=200)
    b = gan.train_gan([0.0, 0.2], seeds=[0, 1], steps=12, every=5, n_eval=200)
    assert [r.slope for r in a] == [0.0, 0.2]
    for r, s in zip(a, b):
        np.testing.assert_array_equal(r.samples, s.samples)
        np.testing.assert_array_equal(r.grad_norm, s.grad_norm)
        assert r.checkpoints.tolist() == [1, 5, 10]
        assert r.grad_norm.shape == r.dead_share.shape == (2, 3)
        assert r.samples.shape == (2, 200, 2)
        assert np.all((0 <= r.modes_covered) & (r.modes_covered <= 8))
    # at step 1 both discriminators had the same weights, so the same generator output
    g = gan.train_gan([0.0, 0.2], seeds=[4], steps=1, n_eval=50)
    assert g[0].grad_norm[0, 0] > 0
    # the same seed gives the same real data and noise: a one-seed run equals the matching seed of a two-seed run
    single = gan.train_gan([0.0], seeds=[1], steps=12, every=5, n_eval=200)[0]
    np.testing.assert_allclose(single.samples[0], a[0].samples[1])


def test_train_gan_refuses_bad_arguments():
    with pytest.raises(ValueError, match="slopes is empty"):
        gan.train_gan([], seeds=[0])
    with pytest.raises(ValueError, match="distinct"):
        gan.train_gan([0.0], seeds=[0, 0])
    with pytest.raises(ValueError, match="lr"):
        gan.train_gan([0.0], seeds=[0], lr=0.0)
