"""The many ways of writing ReLU, and where they disagree.

Each *way* is a named function of one array or tensor. :func:`edge_cases`
runs them on the inputs where implementations part company (``nan``,
``±inf``, ``-0.0``), :func:`dtypes` shows what each does to integer and
low-precision inputs, and :func:`memory` whether it writes a new array or
overwrites its input.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ._checks import check_numbers
from .i18n import register
from .tables import fmt

__all__ = [
    "Way",
    "NUMPY_WAYS",
    "TORCH_WAYS",
    "EDGE_INPUTS",
    "edge_cases",
    "dtypes",
    "memory",
]


@dataclass(frozen=True)
class Way:
    """One way of writing ReLU: the code a reader would type, and a function that runs it."""

    code: str
    fn: Callable
    inplace: bool = False


def _py_max_0x(x: np.ndarray) -> np.ndarray:
    # Python's max on each element; Python numbers come back as a float64/int64 array
    return np.array([max(0, v) for v in x.tolist()])


def _py_max_x0(x: np.ndarray) -> np.ndarray:
    return np.array([max(v, 0) for v in x.tolist()])


def _np_inplace(x: np.ndarray) -> np.ndarray:
    np.maximum(x, 0, out=x)
    return x


def _torch_inplace(x: torch.Tensor) -> torch.Tensor:
    return torch.relu_(x)


_nn_relu = nn.ReLU()

#: Ways to write ReLU for a numpy array.
NUMPY_WAYS: tuple[Way, ...] = (
    Way("max(0, x)  # Python", _py_max_0x),
    Way("max(x, 0)  # Python", _py_max_x0),
    Way("np.maximum(x, 0)", lambda x: np.maximum(x, 0)),
    Way("np.where(x > 0, x, 0.0)", lambda x: np.where(x > 0, x, 0.0)),
    Way("x * (x > 0)", lambda x: x * (x > 0)),
    Way("np.clip(x, 0, None)", lambda x: np.clip(x, 0, None)),
    Way("np.maximum(x, 0, out=x)", _np_inplace, inplace=True),
)

#: Ways to write ReLU for a torch tensor.
TORCH_WAYS: tuple[Way, ...] = (
    Way("torch.relu(x)", torch.relu),
    Way("F.relu(x)", F.relu),
    Way("nn.ReLU()(x)", _nn_relu),
    Way("x.clamp_min(0)", lambda x: x.clamp_min(0)),
    Way("torch.maximum(x, torch.tensor(0.0))", lambda x: torch.maximum(x, torch.tensor(0.0))),
    Way("x * (x > 0)", lambda x: x * (x > 0)),
    Way("torch.where(x > 0, x, 0.0)", lambda x: torch.where(x > 0, x, 0.0)),
    Way("torch.relu_(x)", _torch_inplace, inplace=True),
)

#: The inputs where implementations disagree, plus two ordinary ones.
EDGE_INPUTS: tuple[float, ...] = (-1.0, -0.0, 0.0, 2.0, float("nan"), float("inf"), float("-inf"))


def _run(way: Way, values: Sequence[float], dtype, backend: str):
    if backend == "numpy":
        x = np.array(values, dtype=dtype)
    else:
        x = torch.tensor(values, dtype=dtype)
    with np.errstate(invalid="ignore"):
        return x, way.fn(x)


def _check_ways(ways: Sequence[Way]) -> str:
    if not ways or not all(isinstance(w, Way) for w in ways):
        raise TypeError("ways must be a non-empty sequence of relulab.ways.Way (e.g. NUMPY_WAYS)")
    # a way of one of the two tuples says its backend; ways written by the reader follow the others
    kinds = {"numpy" if w in NUMPY_WAYS else "torch" if w in TORCH_WAYS else None for w in ways}
    if {"numpy", "torch"} <= kinds:
        raise ValueError("mix of ways: pass NUMPY_WAYS or TORCH_WAYS (or a subset of one), not ways of both")
    return "numpy" if "numpy" in kinds else "torch"


def edge_cases(ways: Sequence[Way], inputs: Sequence[float] = EDGE_INPUTS) -> list[list[str]]:
    """One row per way: its code, then its output on each of ``inputs`` (float32), as text.

    Zeros are printed with their sign (``-0.0``), so every disagreement shows.
    """
    backend = _check_ways(ways)
    inputs = check_numbers(inputs, "inputs")
    rows = []
    for way in ways:
        _, y = _run(way, inputs, np.float32 if backend == "numpy" else torch.float32, backend)
        rows.append([way.code] + [fmt(v) for v in y.tolist()])
    return rows


def dtypes(ways: Sequence[Way]) -> list[list[str]]:
    """One row per way: its code and the output dtype for int32, float16 and float32 inputs."""
    backend = _check_ways(ways)
    kinds = (
        (np.int32, np.float16, np.float32)
        if backend == "numpy"
        else (torch.int32, torch.float16, torch.float32)
    )
    rows = []
    for way in ways:
        row = [way.code]
        for dt in kinds:
            _, y = _run(way, [-1, 2], dt, backend)
            row.append(str(y.dtype).replace("torch.", ""))
        rows.append(row)
    return rows


def memory(ways: Sequence[Way]) -> list[list[str]]:
    """One row per way: its code, whether the result shares memory with the input, and whether the input changed."""
    backend = _check_ways(ways)
    rows = []
    for way in ways:
        x, y = _run(way, [-1.0, 2.0], np.float32 if backend == "numpy" else torch.float32, backend)
        if backend == "numpy":
            shares = bool(np.shares_memory(x, y))
        else:
            shares = x.data_ptr() == y.data_ptr()
        changed = float(x[0]) != -1.0
        rows.append([way.code, str(shares), str(changed)])
    return rows


register(
    {
        "ways.homogeneous": {"en": "a = {a}: ReLU(a x) == a ReLU(x) for every x? {same}", "it": "a = {a}: ReLU(a x) == a ReLU(x) per ogni x? {same}"},
        "ways.largest_weight": {"en": "largest first-layer weight:", "it": "peso più grande del primo strato:"},
        "ways.same_outputs": {"en": "same outputs:", "it": "stesse uscite:"},
        "ways.two_linear": {"en": "two linear layers == one matrix W2 @ W1:", "it": "due strati lineari == una sola matrice W2 @ W1:"},
        "ways.relu_between": {"en": "with ReLU in between, still one matrix? ", "it": "con la ReLU in mezzo, ancora una sola matrice? "},
        "ways.shares": {"en": "shares memory with x", "it": "condivide la memoria con x"},
        "ways.changed": {"en": "x changed", "it": "x modificato"},
        "ways.demo_input": {"en": "input:", "it": "ingresso:"},
        "ways.demo_gradient": {"en": "gradient:", "it": "gradiente:"},
    }
)
