"""relulab.data: the digits come from the installed scikit-learn, split reproducibly."""

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits

from relulab import data


def test_digits_arrays_are_exactly_sklearns_load_digits():
    x, y = data.digits_arrays()
    bunch = load_digits()
    assert x.dtype == np.float64 and y.dtype == np.int64
    np.testing.assert_array_equal(x, bunch.data)
    np.testing.assert_array_equal(y, bunch.target)
    assert x.shape == (1797, 64) and set(np.unique(y)) == set(range(10))


def test_digits_arrays_parse_the_file_once_and_return_copies(monkeypatch):
    bunch = load_digits()
    x, y = data.digits_arrays()
    x[0, 0], y[0] = -1.0, -1  # a caller that changes its copy changes nothing else
    monkeypatch.setattr(data.np, "loadtxt", lambda *a, **k: pytest.fail("the digits file was parsed again"))
    x2, y2 = data.digits_arrays()
    np.testing.assert_array_equal(x2, bunch.data)
    np.testing.assert_array_equal(y2, bunch.target)
    assert x2 is not x and not np.shares_memory(x2, data.digits_arrays()[0])


def test_digits_arrays_fall_back_to_load_digits_when_the_file_is_missing(monkeypatch):
    monkeypatch.setattr(data.importlib.util, "find_spec", lambda name: None)
    x, y = data.digits_arrays()
    np.testing.assert_array_equal(x, load_digits().data)
    np.testing.assert_array_equal(y, load_digits().target)


def test_split_is_stratified_reproducible_and_standardized():
    a, b = data.digits(seed=1), data.digits(seed=1)
    assert torch.equal(a.x_train, b.x_train) and torch.equal(a.y_test, b.y_test)
    assert a.x_train.shape[0] + a.x_test.shape[0] == 1797
    counts = torch.bincount(a.y_test, minlength=10)
    assert int(counts.min()) >= 50  # 30% of every class (each has 174-183 images)
    assert abs(float(a.x_train.mean())) < 1e-5
    assert not torch.equal(data.digits(seed=2).y_test, a.y_test) or not torch.equal(data.digits(seed=2).x_test, a.x_test)
    raw = data.digits(standardize=False, n_train=100)
    assert raw.x_train.shape == (100, 64) and float(raw.x_train.min()) >= 0 and float(raw.x_train.max()) <= 16


@pytest.mark.parametrize("kwargs, match", [({"seed": -1}, "seed"), ({"test_fraction": 1.0}, "test_fraction"), ({"n_train": 5}, "n_train")])
def test_bad_arguments_are_refused(kwargs, match):
    with pytest.raises(ValueError, match=match):
        data.digits(**kwargs)
