"""Input validation shared by the public functions of ``relulab``.

Every check raises an error that says what was wrong and what is allowed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import torch


def check_array(x: object, name: str) -> np.ndarray:
    """Return ``x`` as a numpy array of real numbers, or raise ``TypeError``."""
    if isinstance(x, torch.Tensor):
        raise TypeError(f"{name} must be a numpy array or a number, not a torch.Tensor; use the torch version")
    arr = np.asarray(x)
    if arr.dtype == bool or not (
        np.issubdtype(arr.dtype, np.floating) or np.issubdtype(arr.dtype, np.integer)
    ):
        raise TypeError(
            f"{name} must hold real numbers (integer or floating dtype), got dtype {arr.dtype}"
        )
    return arr


def check_tensor(x: object, name: str) -> torch.Tensor:
    """Check that ``x`` is a real torch tensor, or raise ``TypeError``."""
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(x).__name__}")
    if x.dtype == torch.bool or x.is_complex():
        raise TypeError(f"{name} must hold real numbers (integer or floating dtype), got {x.dtype}")
    return x


def check_scalar_in(
    value: object, name: str, low: float, high: float, *, low_open: bool = False, high_open: bool = False
) -> float:
    """Return ``value`` as a float if it is a finite real number in the given interval."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    v = float(value)
    lo_ok = v > low if low_open else v >= low
    hi_ok = v < high if high_open else v <= high
    if math.isnan(v) or not (lo_ok and hi_ok):
        lb = "(" if low_open else "["
        rb = ")" if high_open else "]"
        raise ValueError(f"{name} must be in {lb}{low}, {high}{rb}, got {value!r}")
    return v


def check_int_in(value: object, name: str, low: int, high: int | None = None) -> int:
    """Return ``value`` if it is an integer ``>= low`` (and ``<= high`` if given)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    v = int(value)
    if v < low or (high is not None and v > high):
        allowed = f">= {low}" if high is None else f"in [{low}, {high}]"
        raise ValueError(f"{name} must be an integer {allowed}, got {v}")
    return v


def check_seeds(seeds: object, name: str = "seeds") -> list[int]:
    """Return a non-empty list of distinct non-negative integer seeds."""
    if isinstance(seeds, (int, np.integer)) and not isinstance(seeds, bool):
        seeds = [int(seeds)]
    if not isinstance(seeds, Sequence) or isinstance(seeds, str) or len(seeds) == 0:
        raise TypeError(f"{name} must be a non-empty sequence of integers, got {seeds!r}")
    out = [check_int_in(s, f"{name}[{i}]", 0, 2**32 - 1) for i, s in enumerate(seeds)]
    if len(set(out)) != len(out):
        raise ValueError(f"{name} must be distinct, got {out}")
    return out
