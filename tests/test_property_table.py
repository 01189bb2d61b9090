"""Chapter 6's property table (``relulab.variants.family_rows``) checked against the functions themselves.

The flags of :data:`relulab.activations.FAMILY` (C¹ "smooth", monotonic, bounded below, negative
outputs) are printed in the book; this test measures each of them on the numpy function, so that a
wrong entry of the table fails here (issue 17's audit of the property table).
"""

from __future__ import annotations

import numpy as np
import pytest

from relulab import activations as A

X = np.linspace(-60.0, 60.0, 240_001)  # step 5e-4, contains 0, ±1, ±3 and 6 exactly
KINKS = np.array([-3.0, -1.0, 0.0, 1.0, 3.0, 6.0])


def _f(spec, x):
    return np.asarray(spec(x), dtype=np.float64)


@pytest.mark.parametrize("key", A.keys(elementwise=True))
def test_negative_outputs_flag(key):
    spec = A.get(key)
    assert (_f(spec, X).min() < 0) == spec.negative_outputs


@pytest.mark.parametrize("key", A.keys(elementwise=True))
def test_monotonic_flag(key):
    spec = A.get(key)
    assert bool(np.all(np.diff(_f(spec, X)) >= -1e-12)) == spec.monotonic


@pytest.mark.parametrize("key", A.keys(elementwise=True))
def test_bounded_below_flag(key):
    spec = A.get(key)
    far = _f(spec, np.array([-1e3, -1e6]))
    # bounded below: the function stops decreasing far to the left; unbounded: it keeps going down
    assert (far[1] > -10.0) == spec.bounded_below


@pytest.mark.parametrize("key", A.keys(elementwise=True))
def test_smooth_flag_means_continuously_differentiable(key):
    spec = A.get(key)
    h = 1e-6
    pts = np.concatenate([KINKS, np.linspace(-8, 8, 161)])
    left = (_f(spec, pts) - _f(spec, pts - h)) / h
    right = (_f(spec, pts + h) - _f(spec, pts)) / h
    jump = np.max(np.abs(right - left))
    assert (jump < 1e-3) == spec.smooth, f"{key}: largest jump of the derivative {jump:.3g}"


def test_the_check_can_fail():
    # ReLU is not C¹ and has no negative outputs: the measurements must say so
    relu = A.get("relu")
    h = 1e-6
    assert abs((_f(relu, np.array([h]))[0] - 0) / h - (0 - _f(relu, np.array([-h]))[0]) / h) > 0.5
    assert _f(A.get("leaky_relu"), X).min() < 0 and _f(relu, X).min() == 0


def test_non_elementwise_members():
    # Maxout is monotonic in each of its k pre-activations (a max), can be negative, is not C¹;
    # CReLU's second output, max(0, -x), decreases: the pair is not monotonic
    z = np.array([[-2.0, -1.0], [-1.0, 3.0], [0.5, 0.5]])
    out = A.maxout_np(z, k=2).ravel()
    assert out.tolist() == [-1.0, 3.0, 0.5]
    bigger = A.maxout_np(z + np.array([[0.0, 0.1]]), k=2).ravel()
    assert np.all(bigger >= out)
    assert A.get("maxout").monotonic and A.get("maxout").negative_outputs and not A.get("maxout").smooth
    c = np.asarray(A.crelu_np(np.array([-1.0, 1.0])))
    assert not A.get("crelu").monotonic and c.min() >= 0 and not A.get("crelu").negative_outputs
