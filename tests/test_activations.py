"""The ReLU family of relulab.activations against torch.nn.functional and autograd.

Every elementwise member: values (numpy and torch) agree with PyTorch to float32
precision on random and edge inputs, derivatives agree with autograd, the value
and derivative at 0 are the documented ones, infinities give the documented
limits, and bad parameters raise clear errors.
"""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from relulab import activations as A

ELEMENTWISE = A.keys(elementwise=True)
# finite inputs where implementations part company: zeros, tiny, kinks (0, ±3, 6), large, threshold of softplus
EDGE = [0.0, -0.0, 1e-30, -1e-30, 1e-7, -1e-7, 1.5, -1.5, 3.0, -3.0, 6.0, -6.0, 20.0, -20.0,
        20.5, 88.0, -88.0, 100.0, -100.0, 1e4, -1e4]
# non-default parameters, to test that parameters reach the formula
OTHER_PARAMS = {
    "leaky_relu": {"negative_slope": 0.2},
    "prelu": {"a": -0.3},
    "rrelu": {"lower": 0.1, "upper": 0.5},
    "elu": {"alpha": 0.5},
    "celu": {"alpha": 2.5},
    "gelu": {"approximate": "tanh"},
    "silu": {"beta": 2.0},
    "softplus": {"beta": 3.0, "threshold": 5.0},
}


def inputs(dtype):
    g = torch.Generator().manual_seed(0)
    return torch.cat([torch.randn(3000, generator=g, dtype=torch.float64) * 5, torch.tensor(EDGE, dtype=torch.float64)]).to(dtype)


def param_sets(key):
    spec = A.get(key)
    out = [dict(spec.defaults)]
    if key in OTHER_PARAMS:
        out.append({**spec.defaults, **OTHER_PARAMS[key]})
    return out


CASES = [(k, p) for k in ELEMENTWISE for p in param_sets(k)]
IDS = [f"{k}-{'-'.join(f'{n}={v}' for n, v in p.items()) or 'default'}" for k, p in CASES]


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=str)
@pytest.mark.parametrize("key,params", CASES, ids=IDS)
def test_values_match_pytorch(key, params, dtype):
    spec = A.get(key)
    x = inputs(dtype)
    want = spec.reference(x, **params)
    got_torch = spec.torch_fn(x, **params)
    got_np = torch.from_numpy(spec.np_fn(x.numpy(), **params))
    assert got_torch.dtype == dtype and got_np.dtype == dtype
    torch.testing.assert_close(got_torch, want)
    torch.testing.assert_close(got_np, want)


@pytest.mark.parametrize("key,params", CASES, ids=IDS)
def test_derivatives_match_autograd(key, params):
    spec = A.get(key)
    x = inputs(torch.float64)
    xr = x.clone().requires_grad_(True)
    spec.reference(xr, **params).sum().backward()
    xm = x.clone().requires_grad_(True)
    spec.torch_fn(xm, **params).sum().backward()
    grad_np = torch.from_numpy(spec.grad_np(x.numpy(), **params))
    torch.testing.assert_close(xm.grad, xr.grad)
    torch.testing.assert_close(grad_np, xr.grad)


@pytest.mark.parametrize("key", ELEMENTWISE)
def test_documented_value_and_derivative_at_zero(key):
    spec = A.get(key)
    for zero in (0.0, -0.0):
        z = torch.tensor([zero], dtype=torch.float64, requires_grad=True)
        y = spec.reference(z, **spec.defaults)
        (g,) = torch.autograd.grad(y.sum(), z)
        assert float(y.detach()) == pytest.approx(spec.value_at_zero, abs=1e-15)
        assert float(g) == pytest.approx(spec.grad_at_zero, rel=1e-12)
        assert float(spec(np.array([zero]))[0]) == pytest.approx(spec.value_at_zero, abs=1e-15)
        assert float(spec.grad_np(np.array([zero]), **spec.defaults)[0]) == pytest.approx(spec.grad_at_zero, rel=1e-12)


def test_values_at_zero_that_the_text_quotes():
    assert A.get("selu").grad_at_zero == pytest.approx(1.7580993408473766)
    assert A.get("mish").grad_at_zero == pytest.approx(math.tanh(math.log(2)))
    assert A.get("rrelu").grad_at_zero == pytest.approx(11 / 48)
    assert A.softplus_np(np.array([0.0]), beta=4.0)[0] == pytest.approx(math.log(2) / 4)
    # ELU's derivative at 0 is alpha (left side) and 1 on the right: continuous only for alpha = 1
    assert A.elu_grad_np(np.array([0.0, 1e-9]), alpha=2.0).tolist() == pytest.approx([2.0, 1.0])
    # CELU is continuous in the derivative for every alpha
    assert A.celu_grad_np(np.array([-1e-12, 0.0, 1e-12]), alpha=2.0).tolist() == pytest.approx([1.0, 1.0, 1.0])


LIMITS = {  # f(-inf), f(+inf) with default parameters
    "relu": (0.0, math.inf), "leaky_relu": (-math.inf, math.inf), "prelu": (-math.inf, math.inf),
    "rrelu": (-math.inf, math.inf), "elu": (-1.0, math.inf), "celu": (-1.0, math.inf),
    "selu": (-A.SELU_SCALE * A.SELU_ALPHA, math.inf), "gelu": (0.0, math.inf), "gelu_tanh": (0.0, math.inf),
    "silu": (0.0, math.inf), "mish": (0.0, math.inf), "softplus": (0.0, math.inf), "relu6": (0.0, 6.0),
    "hardswish": (0.0, math.inf), "squared_relu": (0.0, math.inf),
}


@pytest.mark.parametrize("key", ELEMENTWISE)
def test_infinities_give_limits_and_nan_propagates(key):
    spec = A.get(key)
    x = np.array([-np.inf, np.inf, np.nan])
    y_np = spec(x)
    y_t = spec.torch_fn(torch.from_numpy(x), **spec.defaults).numpy()
    for y in (y_np, y_t):
        assert y[0] == pytest.approx(LIMITS[key][0]) and y[1] == LIMITS[key][1]
        assert math.isnan(y[2])


def test_where_pytorch_returns_nan_at_infinity():
    """Documented differences: PyTorch computes -inf * 0 = nan where relulab returns the limit 0."""
    inf = torch.tensor([-math.inf, math.inf])
    assert torch.isnan(F.gelu(inf[:1])).all()  # torch 2.13 returns inf for GELU(+inf)
    assert torch.isnan(F.silu(inf[:1])).all() and torch.isnan(F.mish(inf[:1])).all()
    assert torch.isnan(F.hardswish(inf[:1])).all()
    assert A.gelu_torch(inf).tolist() == [0.0, math.inf]


def test_leaky_relu_slope_zero_is_relu_and_one_is_identity():
    x = np.linspace(-3, 3, 61)
    np.testing.assert_array_equal(A.leaky_relu_np(x, 0.0), A.relu_np(x))
    np.testing.assert_array_equal(A.leaky_relu_np(x, 1.0), x)
    assert A.leaky_relu_np(np.array([-np.inf]), 0.0)[0] == 0.0


def test_prelu_per_channel_matches_functional_and_gets_gradients():
    g = torch.Generator().manual_seed(1)
    x = torch.randn(4, 3, 5, generator=g, dtype=torch.float64)
    w = torch.tensor([0.25, -0.1, 1.5], dtype=torch.float64, requires_grad=True)
    w2 = w.detach().clone().requires_grad_(True)
    A.prelu_torch(x, w).sum().backward()
    F.prelu(x, w2).sum().backward()
    torch.testing.assert_close(A.prelu_torch(x, w), F.prelu(x, w2))
    torch.testing.assert_close(w.grad, w2.grad)
    with pytest.raises(ValueError, match=r"3 slopes need x of shape \(N, 3"):
        A.prelu_torch(torch.randn(4, 2, dtype=torch.float64), w.detach())


def test_rrelu_training_slopes_are_uniform_between_bounds():
    lo, hi = 0.1, 0.5
    x = -torch.ones(200_000, dtype=torch.float64)
    slopes = -A.rrelu_torch(x, lo, hi, training=True, generator=torch.Generator().manual_seed(0))
    assert float(slopes.min()) >= lo and float(slopes.max()) <= hi
    se = (hi - lo) / math.sqrt(12) / math.sqrt(x.numel())
    assert abs(float(slopes.mean()) - (lo + hi) / 2) < 5 * se
    slopes_np = -A.rrelu_np(-np.ones(200_000), lo, hi, training=True, rng=np.random.default_rng(0))
    assert slopes_np.min() >= lo and slopes_np.max() <= hi
    assert abs(slopes_np.mean() - (lo + hi) / 2) < 5 * se
    # two training calls differ, evaluation is deterministic and equals PyTorch's
    a = A.rrelu_torch(x[:10], training=True, generator=torch.Generator().manual_seed(1))
    b = A.rrelu_torch(x[:10], training=True, generator=torch.Generator().manual_seed(2))
    assert not torch.equal(a, b)
    torch.testing.assert_close(A.rrelu_torch(x[:10]), F.rrelu(x[:10], training=False))
    # positive inputs are untouched in training too
    assert A.rrelu_torch(torch.tensor([2.0]), training=True).item() == 2.0


def test_selu_constants_are_pytorchs():
    x = torch.tensor([-1.0, 1.0], dtype=torch.float64)
    torch.testing.assert_close(A.selu_torch(x), F.selu(x))
    assert A.SELU_ALPHA == pytest.approx(1.6733, abs=1e-4) and A.SELU_SCALE == pytest.approx(1.0507, abs=1e-4)


def test_softplus_approaches_relu_as_beta_grows():
    x = np.linspace(-5, 5, 1001)
    gaps = [np.max(A.softplus_np(x, beta=b) - A.relu_np(x)) for b in (1.0, 2.0, 10.0)]
    assert gaps == pytest.approx([math.log(2) / b for b in (1.0, 2.0, 10.0)], rel=1e-6)
    assert np.all(A.softplus_np(x) > A.relu_np(x))  # never 0, never below ReLU


def test_shapes_of_the_non_monotonic_members():
    x = np.linspace(-4, 0, 400_001)
    for fn, xmin, ymin in [(A.silu_np, -1.2785, -0.2785), (A.hardswish_np, -1.5, -0.375), (A.gelu_np, -0.7518, -0.1700)]:
        y = fn(x)
        assert x[np.argmin(y)] == pytest.approx(xmin, abs=1e-3) and y.min() == pytest.approx(ymin, abs=1e-3)


def test_integer_inputs_become_float():
    assert A.elu_np(np.array([-1, 2])).dtype == np.float64
    assert A.gelu_torch(torch.tensor([-1, 2])).dtype == torch.get_default_dtype()


def test_relu_torch_autograd_gives_zero_at_zero():
    x = torch.tensor([-1.0, -0.0, 0.0, 2.0], requires_grad=True)
    A.relu_torch(x).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.0, 1.0]


# --------------------------------------------------------------------------- Maxout and CReLU


def test_maxout_matches_a_reference_and_represents_relu_abs_leaky():
    g = torch.Generator().manual_seed(0)
    z = torch.randn(7, 12, generator=g, dtype=torch.float64)
    want = z.view(7, 4, 3).max(dim=-1).values
    torch.testing.assert_close(A.maxout_torch(z, 3), want)
    np.testing.assert_allclose(A.maxout_np(z.numpy(), 3), want.numpy())
    x = np.linspace(-3, 3, 61)
    pieces = lambda a, b: np.stack([a * x, b * x], axis=-1).reshape(-1)  # noqa: E731
    np.testing.assert_allclose(A.maxout_np(pieces(1, 0), 2), A.relu_np(x))
    np.testing.assert_allclose(A.maxout_np(pieces(1, -1), 2), np.abs(x))
    np.testing.assert_allclose(A.maxout_np(pieces(1, 0.01), 2), A.leaky_relu_np(x))


def test_maxout_derivative_matches_autograd_without_ties():
    g = torch.Generator().manual_seed(3)
    z = torch.randn(5, 8, generator=g, dtype=torch.float64, requires_grad=True)
    A.maxout_torch(z, 2).sum().backward()
    np.testing.assert_array_equal(A.maxout_grad_np(z.detach().numpy(), 2), z.grad.numpy())


def test_maxout_layer_parameters():
    layer = A.Maxout(10, 7, k=3)
    assert sum(p.numel() for p in layer.parameters()) == 3 * (10 * 7 + 7)
    assert layer(torch.randn(2, 10)).shape == (2, 7)
    assert A.MaxoutActivation(2)(torch.randn(2, 8)).shape == (2, 4)


def test_crelu_loses_nothing_and_derivative_matches_autograd():
    g = torch.Generator().manual_seed(2)
    x = torch.randn(6, 5, generator=g, dtype=torch.float64, requires_grad=True)
    y = A.crelu_torch(x)
    assert y.shape == (6, 10)
    torch.testing.assert_close(y[:, :5] - y[:, 5:], x)  # x = relu(x) - relu(-x)
    torch.testing.assert_close(y[:, :5] + y[:, 5:], x.abs())
    np.testing.assert_allclose(A.crelu_np(x.detach().numpy()), y.detach().numpy())
    weights = torch.randn(10, generator=g, dtype=torch.float64)
    (y * weights).sum().backward()
    jac = A.crelu_grad_np(x.detach().numpy())  # per-half derivatives
    np.testing.assert_allclose(jac[:, :5] * weights[:5].numpy() + jac[:, 5:] * weights[5:].numpy(), x.grad.numpy())
    assert A.CReLU()(torch.randn(3, 4)).shape == (3, 8)


# --------------------------------------------------------------------------- registry and modules


def test_registry_is_complete_and_ordered():
    want = ["relu", "leaky_relu", "prelu", "rrelu", "elu", "celu", "selu", "gelu", "gelu_tanh", "silu", "mish",
            "softplus", "relu6", "hardswish", "squared_relu", "maxout", "crelu"]
    assert A.keys() == want
    assert A.keys(elementwise=False) == ["maxout", "crelu"]
    for spec in A.FAMILY.values():
        assert spec.cite and spec.year >= 2001 and spec.formula
    with pytest.raises(KeyError, match="unknown activation 'swishy'"):
        A.get("swishy")


@pytest.mark.parametrize("key", ELEMENTWISE)
def test_modules_compute_the_same_function(key):
    spec = A.get(key)
    layer = spec.module(8)
    layer.eval()
    x = inputs(torch.float32)[:800].reshape(100, 8)
    with torch.no_grad():
        torch.testing.assert_close(layer(x), spec.reference(x, **spec.defaults))


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "call,error,match",
    [
        (lambda: A.elu_np(np.ones(2), alpha=-1.0), ValueError, r"alpha must be in \(0.0, 1000000.0\]"),
        (lambda: A.elu_torch(torch.ones(2), alpha=-1.0), ValueError, "alpha must be in"),
        (lambda: A.celu_np(np.ones(2), alpha=0.0), ValueError, "alpha must be in"),
        (lambda: A.softplus_np(np.ones(2), beta=-1.0), ValueError, "beta must be in"),
        (lambda: A.softplus_torch(torch.ones(2), threshold=0.0), ValueError, "threshold must be in"),
        (lambda: A.silu_np(np.ones(2), beta=0.0), ValueError, "beta must be in"),
        (lambda: A.leaky_relu_np(np.ones(2), -0.1), ValueError, r"negative_slope must be in \[0.0, 1.0\]"),
        (lambda: A.leaky_relu_torch(torch.ones(2), 1.5), ValueError, "negative_slope must be in"),
        (lambda: A.rrelu_np(np.ones(2), 0.5, 0.2), ValueError, "lower must be <= upper"),
        (lambda: A.rrelu_np(np.ones(2), training=True), TypeError, "needs rng"),
        (lambda: A.gelu_np(np.ones(2), approximate="fast"), ValueError, "approximate must be 'none'"),
        (lambda: A.maxout_np(np.ones(5), 2), ValueError, "multiple of k=2"),
        (lambda: A.maxout_torch(torch.ones(4), 0), ValueError, r"k must be an integer in \[1, 1024\]"),
        (lambda: A.prelu_np(np.ones(2), np.inf), ValueError, "must be finite"),
        (lambda: A.prelu_torch(torch.ones(2), torch.ones(2, 2)), ValueError, "1-D tensor"),
        (lambda: A.mish_np(torch.ones(2)), TypeError, "torch version"),
        (lambda: A.mish_torch(np.ones(2)), TypeError, "torch.Tensor"),
        (lambda: A.selu_np(np.array([True])), TypeError, "real numbers"),
        (lambda: A.elu_np(np.ones(2), alpha="1"), TypeError, "alpha must be a real number"),
    ],
)
def test_bad_parameters_raise_clear_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_pytorch_accepts_what_relulab_refuses():
    """Why the checks matter: PyTorch silently runs a negative ELU alpha (the negative side then rises)."""
    y = F.elu(torch.tensor([-5.0]), alpha=-1.0)
    assert y.item() > 0
