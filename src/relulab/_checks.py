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
    if isinstance(seeds, (np.ndarray, range)):
        seeds = list(seeds.tolist() if isinstance(seeds, np.ndarray) else seeds)
    if not isinstance(seeds, Sequence) or isinstance(seeds, str) or len(seeds) == 0:
        raise TypeError(f"{name} must be a non-empty sequence of integers, got {seeds!r}")
    out = [check_int_in(s, f"{name}[{i}]", 0, 2**32 - 1) for i, s in enumerate(seeds)]
    if len(set(out)) != len(out):
        raise ValueError(f"{name} must be distinct, got {out}")
    return out


def _is_real_number(v: object) -> bool:
    return not isinstance(v, (bool, np.bool_)) and isinstance(v, (int, float, np.integer, np.floating))


def check_finite_array(x: object, name: str, *, min_size: int = 0) -> np.ndarray:
    """Return ``x`` as a numpy array of finite real numbers with at least ``min_size`` entries."""
    arr = check_array(x, name)
    if arr.size < min_size:
        raise ValueError(f"{name} must hold at least {min_size} number(s), got shape {arr.shape}")
    if np.issubdtype(arr.dtype, np.floating) and not np.isfinite(arr).all():
        bad = arr[~np.isfinite(arr)].reshape(-1)[0]
        raise ValueError(f"{name} must be finite (no nan or inf), found {bad}")
    return arr


def check_finite_tensor(x: object, name: str) -> torch.Tensor:
    """Check that ``x`` is a real torch tensor with finite entries, or raise ``TypeError``/``ValueError``."""
    check_tensor(x, name)
    if x.is_floating_point() and x.numel() and not bool(torch.isfinite(x.detach()).all()):
        bad = x.detach()[~torch.isfinite(x.detach())].reshape(-1)[0].item()
        raise ValueError(f"{name} must be finite (no nan or inf), found {bad}")
    return x


def check_real(value: object, name: str, *, finite: bool = True) -> float:
    """Return ``value`` as a float if it is a real number (finite unless ``finite=False``).

    Zero-dimensional numpy arrays and tensors of a real dtype count as numbers.
    """
    if isinstance(value, torch.Tensor) and value.dim() == 0 and not (value.dtype == torch.bool or value.is_complex()):
        value = value.item()
    elif isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if not _is_real_number(value):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r}")
    v = float(value)
    if finite and not math.isfinite(v):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return v


def check_numbers(values: object, name: str, *, finite: bool = False, min_len: int = 1) -> list[float]:
    """Return ``values`` (a sequence or 1-D array of real numbers) as a list of floats.

    ``finite=True`` also refuses ``nan`` and ``±inf``; ``min_len`` is the fewest values allowed.
    """
    if isinstance(values, torch.Tensor):
        values = values.detach().cpu().reshape(-1).tolist() if values.dim() <= 1 else values
    if isinstance(values, np.ndarray) and values.ndim == 1:
        values = values.tolist()
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise TypeError(f"{name} must be a sequence of real numbers, got {type(values).__name__}")
    out = [check_real(v, f"{name}[{i}]", finite=finite) for i, v in enumerate(values)]
    if len(out) < min_len:
        raise ValueError(f"{name} must not be empty: at least {min_len} number(s), got {len(out)}")
    return out


def check_choice(value: object, name: str, choices: Sequence[object]) -> object:
    """Return ``value`` if it is one of ``choices``, or raise ``ValueError`` listing them."""
    ok = any(type(value) is type(c) and value == c for c in choices)
    if not ok:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}, got {value!r}")
    return value


def check_module(model: object, name: str = "model") -> torch.nn.Module:
    """Check that ``model`` is a ``torch.nn.Module``, or raise ``TypeError``."""
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"{name} must be a torch.nn.Module, got {type(model).__name__}")
    return model


def check_labels(labels: object, name: str, n: int, n_classes: int | None = None) -> torch.Tensor:
    """Check integer class labels: a 1-D integer tensor of length ``n``, values in ``[0, n_classes)``."""
    check_tensor(labels, name)
    if labels.is_floating_point() or labels.shape != (n,):
        raise ValueError(
            f"{name} must be integers: a 1-D tensor of {n} class indices, got {labels.dtype} of shape {tuple(labels.shape)}"
        )
    if n and int(labels.min()) < 0:
        raise ValueError(f"{name} must be non-negative class indices, got {int(labels.min())}")
    if n and n_classes is not None and int(labels.max()) >= n_classes:
        raise ValueError(f"{name} must be below the number of classes {n_classes}, got {int(labels.max())}")
    return labels


def check_range(pair: object, name: str) -> tuple[float, float]:
    """Return ``pair`` as ``(low, high)``: two finite real numbers with ``low < high``."""
    if isinstance(pair, (str, bytes)) or not isinstance(pair, (Sequence, np.ndarray)) or len(pair) != 2:
        raise TypeError(f"{name} must be a pair (low, high) of real numbers, got {pair!r}")
    lo, hi = (check_real(v, f"{name}[{i}]") for i, v in enumerate(pair))
    if not lo < hi:
        raise ValueError(f"{name} must be (low, high) with low < high, got {pair!r}")
    return lo, hi


def check_callable(fn: object, name: str) -> None:
    """Raise ``TypeError`` unless ``fn`` can be called."""
    if not callable(fn):
        raise TypeError(f"{name} must be a function (a callable), got {type(fn).__name__}")


def check_flag(value: object, name: str) -> bool:
    """Return ``value`` if it is ``True`` or ``False`` (a numpy bool too), or raise ``TypeError``."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {type(value).__name__} {value!r}")
    return bool(value)


def check_text(value: object, name: str) -> str:
    """Return ``value`` if it is a ``str``, or raise ``TypeError``."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {type(value).__name__} {value!r}")
    return value


def check_int_list(
    values: object, name: str, low: int = 1, high: int | None = None, *, min_len: int = 1
) -> list[int]:
    """Return ``values`` (a sequence of integers in ``[low, high]``, at least ``min_len`` of them) as a list."""
    if isinstance(values, (str, bytes)) or not isinstance(values, (Sequence, np.ndarray)):
        raise TypeError(f"{name} must be a sequence of integers, got {type(values).__name__} {values!r}")
    if len(values) < min_len:
        raise ValueError(f"{name} must be a non-empty sequence of at least {min_len} integer(s), got {list(values)!r}")
    return [check_int_in(v, f"{name}[{i}]", low, high) for i, v in enumerate(values)]


def check_sequence(values: object, name: str, *, min_len: int = 1) -> list:
    """Return ``values`` (a list, tuple or other non-string sequence with ``min_len`` items or more) as a list."""
    if isinstance(values, (str, bytes)) or not isinstance(values, (Sequence, np.ndarray)):
        raise TypeError(f"{name} must be a sequence (a list or a tuple), got {type(values).__name__} {values!r}")
    if len(values) < min_len:
        raise ValueError(f"{name} must hold at least {min_len} item(s), got {len(values)}")
    return list(values)


def check_inputs_fit(model: torch.nn.Module, x: object, name: str) -> torch.Tensor:
    """Check that ``x`` is a finite real tensor whose last dimension matches the first ``Linear`` layer of ``model``."""
    check_finite_tensor(x, name)
    if x.dim() == 0 or x.shape[0] == 0:
        raise ValueError(f"{name} must hold at least one example along dimension 0, got shape {tuple(x.shape)}")
    # the first module that holds parameters of its own: only a Linear one says how many features x needs
    first = next((m for m in model.modules() if any(True for _ in m.parameters(recurse=False))), None)
    if isinstance(first, torch.nn.Linear) and x.shape[-1] != first.in_features:
        raise ValueError(
            f"{name} must have {first.in_features} features (the model's first Linear layer), got shape {tuple(x.shape)}"
        )
    return x
