"""Real data that ships inside installed packages: nothing is downloaded.

:func:`digits` loads scikit-learn's 1,797 handwritten digits (8×8 pixels,
classes 0–9, bundled with the scikit-learn wheel) and splits them
reproducibly into training and test sets.
"""

from __future__ import annotations

import gzip
import importlib.util
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from ._checks import check_flag, check_int_in, check_scalar_in

__all__ = ["Split", "digits", "digits_arrays"]


@dataclass(frozen=True)
class Split:
    """A train/test split as float32 inputs and int64 labels."""

    x_train: torch.Tensor
    y_train: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor

    @property
    def n_features(self) -> int:
        return int(self.x_train.shape[1])

    @property
    def n_classes(self) -> int:
        return int(torch.cat([self.y_train, self.y_test]).max()) + 1


#: The parsed digits file, by path: :func:`digits_arrays` reads it once per process.
_PARSED: dict[Path, tuple[np.ndarray, np.ndarray]] = {}


def digits_arrays() -> tuple[np.ndarray, np.ndarray]:
    """The 1,797 digits as ``(pixels, labels)``: float64 ``(1797, 64)`` in 0-16 and int64 ``(1797,)``.

    The same arrays as ``sklearn.datasets.load_digits()``, read straight from the
    file that scikit-learn ships (``sklearn/datasets/data/digits.csv.gz``), with
    the same parser (``np.loadtxt``). Importing ``sklearn.datasets`` costs about
    1 s, most of a notebook's data loading; the file is found without importing
    scikit-learn. If the file is not where it is expected (a future layout),
    ``load_digits`` is used instead. The file is parsed once per process (about
    30 ms, which a notebook that draws dozens of splits would otherwise pay each
    time); every call returns fresh copies, so changing them changes nothing else.
    """
    spec = importlib.util.find_spec("sklearn")
    path = Path(spec.origin).parent / "datasets" / "data" / "digits.csv.gz" if spec and spec.origin else None
    if path is not None and path.is_file():
        if path not in _PARSED:
            with gzip.open(path, "rt") as f:
                table = np.loadtxt(f, delimiter=",")
            _PARSED[path] = (table[:, :-1].astype(np.float64), table[:, -1].astype(np.int64))
        x, y = _PARSED[path]
        return x.copy(), y.copy()
    from sklearn.datasets import load_digits

    bunch = load_digits()
    return bunch.data.astype(np.float64), bunch.target.astype(np.int64)


def digits(
    *, seed: int = 0, test_fraction: float = 0.3, n_train: int | None = None, standardize: bool = True
) -> Split:
    """scikit-learn's handwritten digits, split per class (stratified) with ``seed``.

    Parameters
    ----------
    seed:
        Seed of the split (the same seed gives the same split on every machine).
    test_fraction:
        Share of each class held out for testing, in (0, 1).
    n_train:
        If given, keep only this many training examples (the first ones of a
        seeded shuffle), to study small-data regimes; the test set is unchanged.
    standardize:
        Scale pixels (0–16) to zero mean and unit variance using training-set
        statistics (constant pixels are left at 0).
    """
    seed = check_int_in(seed, "seed", 0, 2**32 - 1)
    test_fraction = check_scalar_in(test_fraction, "test_fraction", 0.0, 1.0, low_open=True, high_open=True)
    x, y = digits_arrays()
    rng = np.random.default_rng(seed)
    test_idx, train_idx = [], []
    sizes = np.bincount(y)
    sizes = sizes[sizes > 0]
    if not all(1 <= int(round(test_fraction * n)) <= n - 1 for n in sizes):
        lo = max(0.5 / n for n in sizes)
        raise ValueError(
            f"test_fraction={test_fraction!r} leaves a class with no training or no test example "
            f"(classes have {sizes.min()}-{sizes.max()} examples); use a value in about [{lo:.3f}, {1 - lo:.3f}]"
        )
    for c in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == c))
        k = int(round(test_fraction * idx.size))
        test_idx.append(idx[:k])
        train_idx.append(idx[k:])
    train_idx = rng.permutation(np.concatenate(train_idx))
    test_idx = np.sort(np.concatenate(test_idx))
    if n_train is not None:
        n_train = check_int_in(n_train, "n_train", 10, train_idx.size)
        train_idx = train_idx[:n_train]
    xtr, xte = x[train_idx], x[test_idx]
    if check_flag(standardize, "standardize"):
        mu = xtr.mean(axis=0)
        sd = xtr.std(axis=0)
        sd[sd == 0] = 1.0
        xtr, xte = (xtr - mu) / sd, (xte - mu) / sd
    as_t = lambda a, dt: torch.as_tensor(a, dtype=dt)  # noqa: E731
    return Split(as_t(xtr, torch.float32), as_t(y[train_idx], torch.int64), as_t(xte, torch.float32), as_t(y[test_idx], torch.int64))
