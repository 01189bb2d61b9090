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


def test_grid_centres_form_a_centred_square_grid():
    c = gan.grid_centres(5, 1.0)
    assert c.shape == (25, 2)
    np.testing.assert_allclose(c.mean(axis=0), 0.0, atol=1e-12)
    assert sorted(set(np.round(c[:, 0], 9))) == [-2.0, -1.0, 0.0, 1.0, 2.0]
    d = np.linalg.norm(c[:, None] - c[None], axis=2)
    np.testing.assert_allclose(np.sort(d + 1e9 * np.eye(25), axis=1)[:, 0], 1.0)  # nearest neighbour at the spacing
    with pytest.raises(ValueError, match="spacing"):
        gan.grid_centres(5, 0.0)


def test_mixture_of_gaussians_puts_equal_shares_on_each_centre():
    rng = np.random.default_rng(2)
    c = gan.grid_centres(3, 1.0)
    x = gan.mixture_of_gaussians(9000, c, std=0.05, rng=rng)
    nearest = np.linalg.norm(x[:, None] - c[None], axis=2).argmin(axis=1)
    counts = np.bincount(nearest, minlength=9)
    # binomial(9000, 1/9): sd 30; every count within 5 sd of 1000
    assert np.all(np.abs(counts - 1000) < 150)
    with pytest.raises(TypeError, match="numpy Generator"):
        gan.mixture_of_gaussians(3, c, rng=1)
    with pytest.raises(ValueError, match="centres"):
        gan.mixture_of_gaussians(3, np.zeros((2, 3)), rng=rng)


def test_mode_coverage_on_given_centres_sees_missing_modes_and_blur():
    rng = np.random.default_rng(3)
    c = gan.grid_centres(5, 1.0)
    x = gan.mixture_of_gaussians(2000, c, std=0.1, rng=rng)
    modes, quality = gan.mode_coverage(x, std=0.1, centres=c)
    assert modes == 25 and quality > 0.98
    half = gan.mixture_of_gaussians(2000, c[:12], std=0.1, rng=rng)
    assert gan.mode_coverage(half, std=0.1, centres=c)[0] == 12
    blur = gan.mixture_of_gaussians(2000, c, std=0.4, rng=rng)
    assert gan.mode_coverage(blur, std=0.1, centres=c)[1] < 0.5  # no ceiling: quality falls with blur


def test_energy_distance_known_values_and_properties():
    rng = np.random.default_rng(4)
    a, b = np.array([1.0, 2.0]), np.array([4.0, 6.0])
    x, y = np.tile(a, (50, 1)), np.tile(b, (40, 1))
    assert gan.energy_distance(x, y) == pytest.approx(2 * 5.0)  # point masses: 2 |a - b|
    c = gan.grid_centres(5, 1.0)
    p = gan.mixture_of_gaussians(800, c, std=0.1, rng=rng)
    q = gan.mixture_of_gaussians(800, c, std=0.1, rng=rng)
    blur = gan.mixture_of_gaussians(800, c, std=0.6, rng=rng)
    same, worse = gan.energy_distance(p, q), gan.energy_distance(p, blur)
    assert abs(same) < 0.002 < worse
    assert gan.energy_distance(p, blur) == pytest.approx(gan.energy_distance(blur, p))
    assert gan.energy_distance(2 * p, 2 * blur) == pytest.approx(2 * worse)  # in the units of the points
    with pytest.raises(ValueError, match="at least 2 points"):
        gan.energy_distance(p, p[:1])
    with pytest.raises(ValueError, match=r"y must have shape \(n, 2\)"):
        gan.energy_distance(p, np.zeros((5, 3)))


def test_sliced_wasserstein_known_values():
    rng = np.random.default_rng(5)
    p = gan.mixture_of_gaussians(2000, gan.grid_centres(5, 1.0), std=0.1, rng=rng)
    assert gan.sliced_wasserstein(p, p) == 0.0
    v = np.array([0.3, -0.4])  # |v| = 0.5
    assert gan.sliced_wasserstein(p, p + v, projections=256) == pytest.approx(2 * 0.5 / np.pi, rel=0.01)
    q = gan.mixture_of_gaussians(2000, gan.grid_centres(5, 1.0), std=0.1, rng=rng)
    assert gan.sliced_wasserstein(p, q) < 0.1 < gan.sliced_wasserstein(p, 1.5 * q)
    with pytest.raises(ValueError, match="projections"):
        gan.sliced_wasserstein(p, q, projections=0)


def test_train_gan_arms_per_arm_rates_and_determinism():
    A = gan.GridArm
    kw = dict(seeds=[0, 1], steps=15, hidden=8, batch_size=16, n_eval=100, spacing=1.0, std=0.1)
    both = gan.train_gan_arms([A(0.0, 1e-3), A(0.2, 5e-3)], **kw)
    again = gan.train_gan_arms([A(0.0, 1e-3), A(0.2, 5e-3)], **kw)
    alone = gan.train_gan_arms([A(0.2, 5e-3)], **kw)
    np.testing.assert_array_equal(both[1]["samples"], again[1]["samples"])
    # an arm trained beside another (other slope, other rate) equals the arm trained alone
    np.testing.assert_allclose(both[1]["samples"], alone[0]["samples"], rtol=1e-5, atol=1e-6)
    slow = gan.train_gan_arms([A(0.0, 1e-9)], **kw)[0]
    fresh = gan.train_gan_arms([A(0.0, 1e-9)], **{**kw, "steps": 1})[0]
    np.testing.assert_allclose(slow["samples"], fresh["samples"], atol=1e-5)  # a near-zero rate leaves G where it was
    for r in both:
        assert len(r["modes"]) == len(r["energy"]) == len(r["dead"]) == 2 and all(r["finite"])
        assert all(0 <= m <= 25 for m in r["modes"]) and all(0 <= d <= 1 for d in r["dead"])
    with pytest.raises(TypeError, match=r"arms\[0\]"):
        gan.train_gan_arms([(0.0, 1e-3)], seeds=[0])
    with pytest.raises(ValueError, match=r"arms\[0\].lr"):
        gan.train_gan_arms([A(0.0, 0.0)], seeds=[0])


def test_grid_comparison_tunes_each_slope_on_the_held_out_criterion():
    from relulab import replication

    exp = replication.get("ch5c-gan")
    assert exp.fn is gan.grid_comparison and exp.full["seeds"] >= 10 and exp.book["seeds"] >= 5
    r = gan.grid_comparison(seeds=2, tune_seeds=1, lrs=[1e-3, 4e-3], steps=10, hidden=8, batch_size=16)
    for slope in ("0.0", "0.2"):
        crit = r["criterion"][slope]
        assert r["tuned"][slope] == r["lrs"][int(np.argmin(crit))]
        assert len(r["runs"][slope]["tuned"]["energy"]) == 2
    mean = np.mean([r["criterion"]["0.0"], r["criterion"]["0.2"]], axis=0)
    assert r["shared"] == r["lrs"][int(np.argmin(mean))]
    with pytest.raises(ValueError, match="lrs"):
        gan.grid_comparison(seeds=2, tune_seeds=1, lrs=[], steps=1, hidden=4, batch_size=4)


@pytest.mark.parametrize("which", ["train_gan", "train_gan_arms"])
def test_written_out_adam_trains_to_torch_optim_adams_bits(monkeypatch, which):
    """gan's optimizers (training._Optimizer, written out to avoid importing torch._dynamo) are
    torch.optim.Adam(betas=(0.5, 0.999), foreach=True), the creator the module used before: same weights, bit for bit."""
    def run(factory):
        made = []

        def make(params, kind, *, lr, betas):
            params = list(params)
            made.append(params)
            return factory(params, kind, lr=lr, betas=betas)

        monkeypatch.setattr(gan, "_Optimizer", make)
        if which == "train_gan":
            gan.train_gan([0.0, 0.2], seeds=[0, 1], steps=25, batch_size=16, hidden=8, every=5, n_eval=50)
        else:
            gan.train_gan_arms([gan.GridArm(0.0, 1e-3), gan.GridArm(0.2, 4e-3)], seeds=[0, 1], steps=25,
                               batch_size=16, hidden=8, side=2, n_eval=50)
        assert len(made) == 2  # the generator's and the discriminator's
        return [p.detach().clone() for ps in made for p in ps]

    written = run(gan._Optimizer)
    reference = run(lambda params, kind, *, lr, betas: torch.optim.Adam(params, lr=lr, betas=betas, foreach=True))
    assert len(written) == len(reference) > 0
    for a, b in zip(written, reference):
        assert torch.equal(a, b)
    init = run(lambda params, kind, *, lr, betas: _NoStep())
    assert not all(torch.equal(a, b) for a, b in zip(written, init))  # training moved the weights


class _NoStep:
    def zero_grad(self):
        pass

    def step(self):
        pass
