"""The reference ReLU of relulab.activations against PyTorch, on ordinary and edge inputs."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from relulab.activations import relu_grad_np, relu_grad_torch, relu_np, relu_torch

EDGE = [-2.5, -1e-30, -0.0, 0.0, 1e-30, 3.0, float("nan"), float("inf"), float("-inf")]


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.float16, torch.bfloat16])
def test_relu_torch_matches_functional(dtype):
    g = torch.Generator().manual_seed(0)
    x = torch.cat([torch.randn(1000, generator=g), torch.tensor(EDGE)]).to(dtype)
    torch.testing.assert_close(relu_torch(x), F.relu(x), equal_nan=True, rtol=0, atol=0)
    assert relu_torch(x).dtype == dtype


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.int64])
def test_relu_np_matches_functional(dtype):
    rng = np.random.default_rng(0)
    x = (rng.normal(size=500) * 10).astype(dtype)
    y = relu_np(x)
    assert y.dtype == x.dtype and y.shape == x.shape
    np.testing.assert_array_equal(y, F.relu(torch.from_numpy(x)).numpy())


def test_documented_edge_values():
    x = np.array(EDGE, dtype=np.float32)
    y = relu_np(x)
    t = relu_torch(torch.tensor(EDGE))
    # value: x for x > 0, +0 for x <= 0, nan propagated, -inf -> 0
    assert y[0] == 0 and y[5] == 3 and math.isnan(y[6]) and y[7] == np.inf and y[8] == 0
    # sign of zero for -0.0: numpy +0.0, torch keeps -0.0 (both == 0)
    assert not np.signbit(y[2]) and torch.signbit(t[2])
    assert y[2] == 0 and t[2] == 0
    assert math.isnan(float(t[6])) and float(t[8]) == 0.0


def test_grad_matches_autograd_default():
    x = torch.tensor([-1.0, -0.0, 0.0, 2.0], requires_grad=True)
    torch.relu(x).sum().backward()
    torch.testing.assert_close(relu_grad_torch(x.detach()), x.grad)
    np.testing.assert_array_equal(relu_grad_np(x.detach().numpy()), x.grad.numpy())


def test_grad_at_nan_documented_difference():
    # relulab says "undefined" (nan); PyTorch's autograd passes the gradient through (1),
    # because its backward zeroes the gradient only where the output is <= 0.
    x = torch.tensor([float("nan")], requires_grad=True)
    torch.relu(x).sum().backward()
    assert x.grad.item() == 1.0
    assert math.isnan(relu_grad_torch(x.detach()).item())
    assert math.isnan(relu_grad_np(np.array([np.nan]))[0])


@pytest.mark.parametrize("at_zero", [0.0, 0.5, 1.0])
def test_grad_at_zero_choice(at_zero):
    g = relu_grad_np(np.array([-1.0, 0.0, -0.0, 1.0]), at_zero=at_zero)
    np.testing.assert_array_equal(g, [0.0, at_zero, at_zero, 1.0])
    gt = relu_grad_torch(torch.tensor([-1.0, 0.0, 1.0]), at_zero=at_zero)
    assert gt.tolist() == [0.0, at_zero, 1.0]


def test_inplace_and_out():
    x = np.array([-1.0, 2.0])
    out = relu_np(x, out=x)
    assert out is x and x.tolist() == [0.0, 2.0]
    t = torch.tensor([-1.0, 2.0])
    assert relu_torch(t, inplace=True).data_ptr() == t.data_ptr() and t.tolist() == [0.0, 2.0]


def test_positive_homogeneity_property():
    rng = np.random.default_rng(1)
    x = rng.normal(size=1000)
    for a in (0.0, 0.5, 3.0):
        np.testing.assert_allclose(relu_np(a * x), a * relu_np(x))


def test_bad_inputs_have_clear_errors():
    with pytest.raises(TypeError, match="real numbers"):
        relu_np(np.array([True, False]))
    with pytest.raises(TypeError, match="real numbers"):
        relu_np(np.array([1j]))
    with pytest.raises(TypeError, match="torch version"):
        relu_np(torch.ones(2))
    with pytest.raises(TypeError, match="torch.Tensor"):
        relu_torch(np.ones(2))
    with pytest.raises(TypeError, match="real numbers"):
        relu_torch(torch.ones(2, dtype=torch.bool))
    with pytest.raises(ValueError, match=r"at_zero must be in \[0.0, 1.0\]"):
        relu_grad_np(np.ones(2), at_zero=2.0)
    with pytest.raises(ValueError, match="shape and dtype"):
        relu_np(np.ones(3), out=np.ones(2))
    with pytest.raises(ValueError, match="leaf tensor"):
        relu_torch(torch.ones(2, requires_grad=True), inplace=True)
