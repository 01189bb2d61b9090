"""What an activation costs, in an honest unit: the time of copying the same tensor.

An elementwise function must read every input and write every output, exactly
like a copy; on a large tensor the memory traffic, not the arithmetic, sets
the time. So every timing here is a **ratio to a copy** of the same tensor
(same library, dtype and size), measured in the same process, with the copy
and the function timed in alternation so that a busy machine slows both:

* :func:`measure` times one activation: numpy or torch; ``"forward"`` or
  ``"forward+backward"``; out-of-place (``"new"``: allocates its result),
  into a preallocated output (``"out"``) or overwriting its input
  (``"inplace"``); any size and dtype (float32, float64, bfloat16 in torch);
* :func:`kernels` is the catalogue: every activation of the book (the ReLU
  family, sigmoid, tanh) as numpy or torch computes it, in each placement;
* :func:`size_sweep` repeats it over sizes, from cache-resident to memory-bound;
  :func:`page_faults` counts what a new result costs the operating system;
* :func:`layer_share` measures the share of a ``Linear`` + activation layer
  that the activation takes, and :func:`maxout_cost` what Maxout's ``k``
  linear pieces cost against a ``Linear`` + ReLU layer of the same width;
* :func:`read_recorded` reads GPU measurements recorded by
  ``scripts/gpu_bench.py`` (with their provenance), :func:`format_recorded`
  writes them; the recorded H100 run (:data:`RECORDED_H100`) is package data
  of relulab (``relulab/measurements/``), so a chapter downloaded alone reads it too.

Timings are returned as plain data (:class:`Measurement` and friends); the
``plot_*`` functions draw them. No timing is ever asserted in a test.
"""

from __future__ import annotations

import functools
import gc
import importlib.resources
import math
import os
import platform
import re
import time
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from . import activations as _act
from ._checks import check_int_in, check_scalar_in, check_text
from .i18n import register, t
from .plotting import OKABE_ITO, series_style

__all__ = [
    "LIBRARIES",
    "MODES",
    "PLACEMENTS",
    "DTYPES",
    "SMALL",
    "LARGE",
    "Kernel",
    "Measurement",
    "LayerShare",
    "MaxoutCost",
    "Recorded",
    "RecordedSection",
    "RecordedRow",
    "RecordedLayer",
    "RecordedMaxout",
    "RECORDED_H100",
    "kernels",
    "names",
    "placements",
    "paired_ratios",
    "measure",
    "measure_many",
    "size_sweep",
    "page_faults",
    "layer_share",
    "maxout_cost",
    "environment",
    "environment_labels",
    "provenance_text",
    "read_recorded",
    "parse_recorded",
    "format_recorded",
    "rows",
    "plot_ratios",
    "plot_sweep",
    "plot_recorded",
]

#: Libraries whose activations can be timed.
LIBRARIES: tuple[str, ...] = ("numpy", "torch")
#: What is timed: the function alone, or the function and its gradient (torch only).
MODES: tuple[str, ...] = ("forward", "forward+backward")
#: Where the result goes: a new array (``"new"``), a preallocated one (``"out"``),
#: or the input itself (``"inplace"``, offered only for idempotent functions).
PLACEMENTS: tuple[str, ...] = ("new", "out", "inplace")
#: Dtypes each library can time.
DTYPES: dict[str, tuple[str, ...]] = {
    "numpy": ("float32", "float64"),
    "torch": ("float32", "float64", "bfloat16"),
}
#: A cache-resident tensor on the book's machine: 2**16 float32 = 256 KiB
#: (input + output fit in a 1 MiB L2 cache).
SMALL: int = 2**16
#: A memory-bound tensor: 2**23 float32 = 32 MiB (input + output exceed a 32 MiB L3 cache).
LARGE: int = 2**23

#: The recorded GPU run that ships with the book: package data of relulab (``src/relulab/measurements``
#: in the repository, see its ``README.md``), read through :mod:`importlib.resources`.
RECORDED_H100: Traversable = importlib.resources.files("relulab").joinpath(
    "measurements", "activation-cost-h100-2026-11-22.txt")

_SELU_ALPHA = 1.6732632423543772
_SELU_SCALE = 1.0507009873554805

register(
    {
        "bench.ratio": {"en": "time / time of a copy", "it": "tempo / tempo di una copia"},
        "bench.one_copy": {"en": "one copy", "it": "una copia"},
        "bench.size": {"en": "tensor size (elements)", "it": "dimensione del tensore (elementi)"},
        "bench.new": {"en": "new result (allocates)", "it": "nuovo risultato (alloca)"},
        "bench.out": {"en": "into a preallocated out=", "it": "in un out= già allocato"},
        "bench.inplace": {"en": "in place", "it": "sul posto (in-place)"},
        "bench.small": {
            "en": "small tensor ({n} elements, in cache)",
            "it": "tensore piccolo ({n} elementi, in cache)",
        },
        "bench.large": {
            "en": "large tensor ({n} elements, in memory)",
            "it": "tensore grande ({n} elementi, in memoria)",
        },
        "bench.activation": {"en": "activation", "it": "attivazione"},
        "bench.placement": {"en": "result", "it": "risultato"},
        "bench.mode": {"en": "timed", "it": "misurato"},
        "bench.dtype": {"en": "dtype", "it": "dtype"},
        "bench.library": {"en": "library", "it": "libreria"},
        "bench.n": {"en": "elements", "it": "elementi"},
        "bench.x_copy": {"en": "x copy", "it": "x copia"},
        "bench.spread": {"en": "middle half", "it": "metà centrale"},
        "bench.ms": {"en": "ms", "it": "ms"},
        "bench.copy_gbs": {"en": "copy GB/s", "it": "copia GB/s"},
        "bench.linear_ms": {"en": "Linear ms", "it": "Linear ms"},
        "bench.act_ms": {"en": "activation ms", "it": "attivazione ms"},
        "bench.share": {"en": "activation share", "it": "quota dell'attivazione"},
        "bench.k": {"en": "pieces k", "it": "pezzi k"},
        "bench.params": {"en": "parameters", "it": "parametri"},
        "bench.params_ratio": {"en": "parameters / ReLU layer", "it": "parametri / strato ReLU"},
        "bench.time_ratio": {"en": "time / ReLU layer", "it": "tempo / strato ReLU"},
        "bench.gpu_title": {"en": "{device}, {n} elements", "it": "{device}, {n} elementi"},
        "bench.code": {"en": "code", "it": "codice"},
        "bench.faults": {"en": "page faults per call", "it": "page fault per chiamata"},
        "bench.env.cpu": {"en": "cpu", "it": "CPU"},
        "bench.env.cores": {"en": "cores", "it": "core"},
        "bench.env.usable_cores": {"en": "usable cores", "it": "core utilizzabili"},
        "bench.env.torch_threads": {"en": "torch threads", "it": "thread di torch"},
        "bench.env.python": {"en": "python", "it": "python"},
        "bench.env.numpy": {"en": "numpy", "it": "numpy"},
        "bench.env.torch": {"en": "torch", "it": "torch"},
        "bench.provenance": {
            "en": "Provenance: {device}, torch {torch}, measured {date} with {timer},\n"
                  "{reps} repetitions after {warmup} warm-up calls, tensors of 2^{log2n} elements; \"x copy\" is the time of out.copy_(x)\n"
                  "on the same tensor in the same run (the memory-bandwidth limit). Linear layer: bf16, batch {batch},\n"
                  "{d_in} -> {d_out}, no grad. Use as recorded data only where no GPU is available to re-measure.",
            "it": "Provenienza: {device}, torch {torch}, misurato il {date} con {timer},\n"
                  "{reps} ripetizioni dopo {warmup} chiamate di riscaldamento, tensori di 2^{log2n} elementi; «x copia» è il tempo di out.copy_(x)\n"
                  "sullo stesso tensore nella stessa esecuzione (il limite della banda di memoria). Strato lineare: bf16, batch {batch},\n"
                  "{d_in} -> {d_out}, senza gradiente. Da usare come dati registrati solo dove non c'è una GPU per rimisurare.",
        },
        "bench.training_mode": {"en": "training", "it": "addestramento"},
        "bench.cuda_events": {"en": "CUDA events", "it": "gli eventi CUDA"},
        "bench.provenance_raw": {"en": "Provenance, as recorded:", "it": "Provenienza, come registrata (in inglese):"},
        "bench.pages": {"en": "4 KiB pages in one result", "it": "pagine da 4 KiB in un risultato"},
        "bench.forward": {"en": "forward", "it": "forward"},
        "bench.fwd_bwd": {"en": "forward + backward", "it": "forward + backward"},
        "bench.layer_ms": {"en": "layer ms", "it": "strato ms"},
        "bench.act_copies": {
            "en": "activation, in copies of its output",
            "it": "attivazione, in copie della sua uscita",
        },
        "bench.best": {"en": "best", "it": "migliore"},
    }
)


# ---------------------------------------------------------------------------
# The catalogue: every activation of the book, as the library computes it
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Kernel:
    """One activation as a library computes it, in each placement it offers.

    ``new(x)`` returns a new array; ``out(x, y)`` writes ``f(x)`` into the
    preallocated ``y`` (``None`` if the library offers no such call);
    ``inplace(x)`` overwrites ``x`` with ``f(x)`` (only for idempotent
    functions, ``f(f(x)) = f(x)``, so that timing it again and again on one
    buffer times the same work). ``code`` says what is called.
    """

    name: str
    library: str
    code: str
    new: Callable
    out: Callable | None = None
    inplace: Callable | None = None
    backward: bool = True


def _torch_kernels() -> dict[str, Kernel]:
    aten = torch.ops.aten

    def prelu(x):
        return F.prelu(x, torch.full((1,), 0.25, dtype=x.dtype, device=x.device))

    def squared_relu_out(x, y):
        torch.clamp_min(x, 0, out=y)
        return y.square_()

    def crelu(x):
        return torch.cat([F.relu(x), F.relu(-x)], dim=-1)

    ks = [
        Kernel("relu", "torch", "F.relu(x) | torch.clamp_min(x, 0, out=y) | torch.relu_(x)",
               F.relu, lambda x, y: torch.clamp_min(x, 0, out=y), torch.relu_),
        Kernel("relu (relulab)", "torch", "relu_torch(x) | - | relu_torch(x, inplace=True)",
               _act.relu_torch, None, lambda x: _act.relu_torch(x, inplace=True)),
        Kernel("leaky_relu", "torch", "F.leaky_relu(x, 0.01)",
               F.leaky_relu, lambda x, y: aten.leaky_relu.out(x, 0.01, out=y)),
        Kernel("prelu", "torch", "F.prelu(x, a)  # one slope, 0.25", prelu),
        Kernel("rrelu (training)", "torch", "F.rrelu(x, training=True)",
               lambda x: F.rrelu(x, training=True)),
        Kernel("elu", "torch", "F.elu(x)", F.elu, lambda x, y: aten.elu.out(x, out=y)),
        Kernel("celu", "torch", "F.celu(x)", F.celu, lambda x, y: aten.celu.out(x, out=y)),
        Kernel("selu", "torch", "F.selu(x)", F.selu,
               lambda x, y: aten.elu.out(x, _SELU_ALPHA, _SELU_SCALE, 1.0, out=y)),
        Kernel("gelu", "torch", "F.gelu(x)", F.gelu, lambda x, y: aten.gelu.out(x, out=y)),
        Kernel("gelu_tanh", "torch", "F.gelu(x, approximate='tanh')",
               lambda x: F.gelu(x, approximate="tanh"), lambda x, y: aten.gelu.out(x, approximate="tanh", out=y)),
        Kernel("silu", "torch", "F.silu(x)", F.silu, lambda x, y: aten.silu.out(x, out=y)),
        Kernel("mish", "torch", "F.mish(x)", F.mish, lambda x, y: aten.mish.out(x, out=y)),
        Kernel("softplus", "torch", "F.softplus(x)", F.softplus, lambda x, y: aten.softplus.out(x, out=y)),
        Kernel("relu6", "torch", "F.relu6(x)", F.relu6, lambda x, y: aten.hardtanh.out(x, 0.0, 6.0, out=y),
               lambda x: F.hardtanh_(x, 0.0, 6.0)),
        Kernel("hardswish", "torch", "F.hardswish(x)", F.hardswish, lambda x, y: aten.hardswish.out(x, out=y)),
        Kernel("squared_relu", "torch", "F.relu(x).square()",
               lambda x: F.relu(x).square(), squared_relu_out),
        Kernel("crelu", "torch", "torch.cat([F.relu(x), F.relu(-x)], -1)  # twice the output", crelu),
        Kernel("sigmoid", "torch", "torch.sigmoid(x)", torch.sigmoid, lambda x, y: torch.sigmoid(x, out=y)),
        Kernel("tanh", "torch", "torch.tanh(x)", torch.tanh, lambda x, y: torch.tanh(x, out=y)),
    ]
    return {k.name: k for k in ks}


def _np_sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _np_sigmoid_out(x, y):
    # four passes over y: -x, exp, +1, 1/
    np.negative(x, out=y)
    np.exp(y, out=y)
    np.add(y, 1, out=y)
    return np.reciprocal(y, out=y)


def _np_leaky(x):
    return np.where(x > 0, x, x * x.dtype.type(0.01))


def _np_leaky_out(x, y):
    np.multiply(x, x.dtype.type(0.01), out=y)
    return np.maximum(x, y, out=y)


def _numpy_kernels() -> dict[str, Kernel]:
    ks = [
        Kernel("relu", "numpy", "np.maximum(x, 0)", lambda x: np.maximum(x, 0),
               lambda x, y: np.maximum(x, 0, out=y), lambda x: np.maximum(x, 0, out=x), backward=False),
        Kernel("relu (relulab)", "numpy", "relu_np(x) | relu_np(x, out=y) | relu_np(x, out=x)",
               _act.relu_np, lambda x, y: _act.relu_np(x, out=y), lambda x: _act.relu_np(x, out=x), backward=False),
        Kernel("leaky_relu", "numpy", "np.where(x > 0, x, 0.01 * x) | 2 passes into y",
               _np_leaky, _np_leaky_out, backward=False),
        Kernel("sigmoid", "numpy", "1 / (1 + np.exp(-x)) | 4 passes into y",
               _np_sigmoid, _np_sigmoid_out, backward=False),
        Kernel("tanh", "numpy", "np.tanh(x)", np.tanh, lambda x, y: np.tanh(x, out=y), backward=False),
    ]
    return {k.name: k for k in ks}


_KERNELS: dict[str, dict[str, Kernel]] = {"torch": _torch_kernels(), "numpy": _numpy_kernels()}


def _check_library(library: object) -> str:
    if library not in LIBRARIES:
        raise ValueError(f"library must be one of {LIBRARIES}, got {library!r}")
    return str(library)


def kernels(library: str = "torch") -> dict[str, Kernel]:
    """The activations that can be timed in ``library``, by name."""
    return dict(_KERNELS[_check_library(library)])


def names(library: str = "torch") -> tuple[str, ...]:
    """Names of the activations that can be timed in ``library``."""
    return tuple(_KERNELS[_check_library(library)])


def _kernel(name: object, library: str) -> Kernel:
    table = _KERNELS[_check_library(library)]
    if not isinstance(name, str) or name not in table:
        raise ValueError(f"name: unknown {library} activation {name!r}; choose among {tuple(table)}")
    return table[name]


def placements(name: str, library: str = "torch") -> tuple[str, ...]:
    """The placements (see :data:`PLACEMENTS`) that activation ``name`` offers in ``library``."""
    k = _kernel(name, library)
    return tuple(p for p, fn in (("new", k.new), ("out", k.out), ("inplace", k.inplace)) if fn is not None)


# ---------------------------------------------------------------------------
# Timing
# ---------------------------------------------------------------------------


@contextmanager
def _threads(n: int):
    before = torch.get_num_threads()
    torch.set_num_threads(n)
    gc_was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        torch.set_num_threads(before)
        if gc_was:
            gc.enable()


def _block(fn: Callable[[], object], number: int) -> float:
    t0 = time.perf_counter()
    for _ in range(number):
        fn()
    return (time.perf_counter() - t0) / number


def paired_ratios(
    fn: Callable[[], object],
    reference: Callable[[], object],
    *,
    repeats: int = 7,
    warmup: int = 2,
    min_time: float = 2e-3,
) -> tuple[np.ndarray, np.ndarray]:
    """Time ``fn`` and ``reference`` in alternation; return seconds per call of each, per repeat.

    Both are called ``warmup`` times first (allocator caches, first touch of
    memory). Each repeat times a block of ``number`` calls of ``reference``,
    then the same number of calls of ``fn``; ``number`` is chosen (from the
    last warm-up call) so that a block of ``reference`` lasts at least
    ``min_time`` seconds. Alternating makes the two share whatever else the
    machine is doing, so their ratio (``fn_times / ref_times``, one per
    repeat) is steadier than either time.
    """
    if not callable(fn) or not callable(reference):
        raise TypeError("fn and reference must be callables without arguments")
    repeats = check_int_in(repeats, "repeats", 3, 10_000)
    warmup = check_int_in(warmup, "warmup", 0, 10_000)
    min_time = check_scalar_in(min_time, "min_time", 0.0, 10.0, low_open=True)
    once = None
    for _ in range(warmup):
        once = _block(reference, 1)
        fn()
    if once is None:
        once = _block(reference, 1)
    number = max(1, min(100_000, math.ceil(min_time / max(once, 1e-9))))
    f_times, r_times = [], []
    for _ in range(repeats):
        r_times.append(_block(reference, number))
        f_times.append(_block(fn, number))
    return np.array(f_times), np.array(r_times)


@dataclass(frozen=True)
class Measurement:
    """The time of one activation as a ratio to a copy of the same tensor.

    ``ratio`` is the median over repeats of (time of the function) / (time of
    the copy timed just before it); ``ratio_low`` and ``ratio_high`` are the
    25th and 75th percentiles (the middle half of the repeats). ``seconds``
    and ``copy_seconds`` are medians per call; ``copy_gbs`` is the copy's
    bandwidth (bytes read + bytes written per second, in GB/s).
    ``best_ratio`` is the fastest function block over the fastest copy block:
    on a busy machine interference only ever adds time, so it is the best
    estimate of what the two cost on a quiet one.
    """

    name: str
    library: str
    dtype: str
    n: int
    mode: str
    placement: str
    threads: int
    repeats: int
    ratio: float
    ratio_low: float
    ratio_high: float
    seconds: float
    copy_seconds: float
    best_ratio: float

    @property
    def copy_gbs(self) -> float:
        itemsize = 2 if self.dtype == "bfloat16" else np.dtype(self.dtype).itemsize
        return 2 * self.n * itemsize / self.copy_seconds / 1e9


def _summary(f_times: np.ndarray, r_times: np.ndarray) -> tuple[float, ...]:
    ratios = f_times / r_times
    lo, med, hi = np.percentile(ratios, [25, 50, 75])
    return (float(med), float(lo), float(hi), float(np.median(f_times)), float(np.median(r_times)),
            float(f_times.min() / r_times.min()))


@functools.lru_cache(maxsize=16)
def _normal(n: int, seed: int) -> np.ndarray:
    """``n`` standard-normal float32 numbers from ``seed`` (read-only, cached: drawing 2**23 costs more than timing).

    Sixteen sizes are kept: :func:`size_sweep` goes through all its sizes once per activation, and the
    appendix's seven sizes from 2**11 to 2**23 hold about 45 MB together.
    """
    arr = np.random.default_rng(seed).standard_normal(n, dtype=np.float32)
    arr.flags.writeable = False
    return arr


def _check_dtype(dtype: object, library: str) -> str:
    allowed = DTYPES[library]
    if dtype not in allowed:
        raise ValueError(f"dtype for {library} must be one of {allowed}, got {dtype!r}")
    return str(dtype)


def measure(
    name: str,
    *,
    library: str = "torch",
    n: int = LARGE,
    dtype: str = "float32",
    mode: str = "forward",
    placement: str = "new",
    repeats: int = 7,
    warmup: int = 2,
    min_time: float = 2e-3,
    threads: int = 1,
    seed: int = 0,
) -> Measurement:
    """Time activation ``name`` on ``n`` standard-normal numbers, as a ratio to a copy.

    Parameters
    ----------
    name:
        One of :func:`names` of ``library``.
    library:
        ``"numpy"`` or ``"torch"``.
    n:
        Number of elements (a 1-D array), from 1 to 2**28.
    dtype:
        One of ``DTYPES[library]``.
    mode:
        ``"forward"``, or ``"forward+backward"`` (torch, placement ``"new"``):
        the function and its gradient ``torch.autograd.grad(y, x, g)``. The
        reference stays one copy of the tensor, so a backward that reads two
        tensors and writes one shows up honestly, above 1.
    placement:
        ``"new"`` (the function returns a new array: it allocates),
        ``"out"`` (writes into a preallocated array; the copy writes into one
        too) or ``"inplace"`` (overwrites its input); see :func:`placements`.
    repeats, warmup, min_time:
        See :func:`paired_ratios`.
    threads:
        Torch CPU threads during the timing (restored afterwards). The default 1
        keeps a shared 2-core machine steadier; numpy's elementwise functions
        use one thread anyway.
    seed:
        Seed of the input numbers.

    The copy is ``np.copyto(y, x)`` in numpy and ``y.copy_(x)`` in torch: it
    reads ``n`` numbers and writes ``n`` numbers, the least any elementwise
    function must do.
    """
    library = _check_library(library)
    k = _kernel(name, library)
    n = check_int_in(n, "n", 1, 2**28)
    dtype = _check_dtype(dtype, library)
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    if placement not in PLACEMENTS:
        raise ValueError(f"placement must be one of {PLACEMENTS}, got {placement!r}")
    offered = placements(name, library)
    if placement not in offered:
        raise ValueError(f"{library} {name!r} offers placements {offered}, not {placement!r}")
    if mode == "forward+backward":
        if library != "torch" or not k.backward:
            raise ValueError("mode 'forward+backward' needs library='torch' (numpy has no autograd)")
        if placement != "new":
            raise ValueError("mode 'forward+backward' times the out-of-place function: use placement='new'")
    threads = check_int_in(threads, "threads", 1, 1024)
    seed = check_int_in(seed, "seed", 0, 2**32 - 1)

    base = _normal(n, seed)
    if library == "numpy":
        x = base.astype(dtype)  # a copy: the cached numbers are never touched
        y = np.empty_like(x)

        def copy():
            np.copyto(y, x)
    else:
        # a copy (from_numpy of a fresh copy is several times faster than torch.tensor for float32)
        x = torch.from_numpy(base.copy()) if dtype == "float32" else torch.tensor(base, dtype=getattr(torch, dtype))
        y = torch.empty_like(x)

        def copy():
            y.copy_(x)

    if placement == "new" and mode == "forward":
        fn = lambda: k.new(x)  # noqa: E731
    elif placement == "out":
        fn = lambda: k.out(x, y)  # noqa: E731
    elif placement == "inplace":
        work = x.copy() if library == "numpy" else x.clone()
        fn = lambda: k.inplace(work)  # noqa: E731
    else:  # forward+backward
        xg = x.clone().requires_grad_(True)
        g = torch.ones_like(x)

        def fn():
            out = k.new(xg)
            return torch.autograd.grad(out, xg, torch.ones_like(out) if out.shape != x.shape else g)

    with _threads(threads):
        f_times, r_times = paired_ratios(fn, copy, repeats=repeats, warmup=warmup, min_time=min_time)
    ratio, lo, hi, sec, copy_sec, best = _summary(f_times, r_times)
    return Measurement(name, library, dtype, n, mode, placement, threads, int(repeats), ratio, lo, hi, sec, copy_sec,
                       best)


def measure_many(
    names_: Sequence[str], placements_: Sequence[str] = ("new",), *, fallback: str | None = None, **kwargs
) -> list[Measurement]:
    """:func:`measure` for every name and every placement it offers among ``placements_``.

    Keyword arguments go to :func:`measure`. A name that offers none of the
    placements is measured in ``fallback`` (e.g. ``"new"``) if given, else
    not at all (so a table can show ``-``).
    """
    library = kwargs.get("library", "torch")
    if isinstance(names_, str) or not isinstance(names_, Sequence) or not names_:
        raise TypeError(f"names_ must be a non-empty sequence of activation names, got {names_!r}")
    if not all(isinstance(n, str) and n in _KERNELS.get(library, {}) for n in names_):
        raise ValueError(f"names_ must be activation names of {library} (see names()), got {list(names_)!r}")
    if isinstance(placements_, str) or not isinstance(placements_, Sequence) or not placements_ or any(p not in PLACEMENTS for p in placements_):
        raise ValueError(f"placements_ must be a non-empty sequence of {PLACEMENTS}, got {placements_!r}")
    if fallback is not None and fallback not in PLACEMENTS:
        raise ValueError(f"fallback must be None or one of {PLACEMENTS}, got {fallback!r}")
    out = []
    for name in names_:
        offered = placements(name, library)
        chosen = [p for p in placements_ if p in offered]
        if not chosen and fallback is not None:
            chosen = [fallback]
        out += [measure(name, placement=p, **kwargs) for p in chosen]
    return out


def size_sweep(names_: Sequence[str], sizes: Sequence[int], **kwargs) -> list[Measurement]:
    """:func:`measure` for every name at every size (keyword arguments go to :func:`measure`)."""
    if isinstance(names_, str) or not isinstance(names_, Sequence) or not names_:
        raise TypeError(f"names_ must be a non-empty sequence of activation names, got {names_!r}")
    library = kwargs.get("library", "torch")
    if not all(isinstance(n, str) and n in _KERNELS.get(library, {}) for n in names_):
        raise ValueError(f"names_ must be activation names of {library} (see names()), got {list(names_)!r}")
    if isinstance(sizes, (str, int)) or not isinstance(sizes, Sequence) or not sizes:
        raise TypeError("sizes must be a non-empty sequence of integers")
    sizes = [check_int_in(s, f"sizes[{i}]", 1, 2**28) for i, s in enumerate(sizes)]
    return [measure(name, n=s, **kwargs) for name in names_ for s in sizes]


def page_faults(fn: Callable[[], object], *, calls: int = 5, warmup: int = 1) -> float:
    """Minor page faults per call of ``fn`` (Linux and macOS; ``nan`` where unknown).

    A minor page fault is the operating system mapping a page of fresh memory
    into the process on its first touch: a function that returns a new large
    array pays one per page (4 KiB, or fewer with huge pages) unless the
    allocator reuses memory it already has.
    """
    if not callable(fn):
        raise TypeError("fn must be a callable without arguments")
    calls = check_int_in(calls, "calls", 1, 100_000)
    warmup = check_int_in(warmup, "warmup", 0, 100_000)
    try:
        import resource
    except ImportError:  # Windows
        return float("nan")
    for _ in range(warmup):
        fn()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(calls):
        fn()
    return (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / calls


# ---------------------------------------------------------------------------
# Inside a layer
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LayerShare:
    """Share of a ``Linear`` + activation layer's forward time taken by the activation."""

    name: str
    batch: int
    d_in: int
    d_out: int
    dtype: str
    linear_seconds: float
    activation_seconds: float
    share: float
    share_low: float
    share_high: float


def _check_layer_args(batch, d_in, d_out, dtype):
    batch = check_int_in(batch, "batch", 1, 1_000_000)
    d_in = check_int_in(d_in, "d_in", 1, 1_000_000)
    d_out = check_int_in(d_out, "d_out", 1, 1_000_000)
    if batch * max(d_in, d_out) > 2**26:
        raise ValueError(f"batch * max(d_in, d_out) must be at most 2**26, got {batch * max(d_in, d_out)}")
    dtype = _check_dtype(dtype, "torch")
    return batch, d_in, d_out, getattr(torch, dtype)


def layer_share(
    name: str,
    *,
    batch: int = 256,
    d_in: int = 512,
    d_out: int = 2048,
    dtype: str = "float32",
    repeats: int = 7,
    warmup: int = 2,
    min_time: float = 2e-3,
    threads: int = 1,
    seed: int = 0,
) -> LayerShare:
    """How much of ``Linear(d_in, d_out)`` followed by activation ``name`` the activation takes (torch, forward).

    The ``Linear`` on a ``(batch, d_in)`` input and the activation (out of
    place, as in ``nn.Sequential``) on the ``(batch, d_out)`` result are timed
    in alternation; share = t_act / (t_linear + t_act), median and middle half
    over repeats.
    """
    k = _kernel(name, "torch")
    batch, d_in, d_out, tdtype = _check_layer_args(batch, d_in, d_out, dtype)
    seed = check_int_in(seed, "seed", 0, 2**32 - 1)
    threads = check_int_in(threads, "threads", 1, 1024)
    gen = torch.Generator().manual_seed(seed)
    lin = nn.Linear(d_in, d_out).to(tdtype)
    with torch.no_grad():
        lin.weight.copy_(torch.randn(d_out, d_in, generator=gen) / math.sqrt(d_in))
        x = torch.randn(batch, d_in, generator=gen).to(tdtype)
        h = lin(x)
        with _threads(threads):
            f_times, r_times = paired_ratios(lambda: k.new(h), lambda: lin(x), repeats=repeats, warmup=warmup,
                                             min_time=min_time)
    shares = f_times / (f_times + r_times)
    lo, med, hi = np.percentile(shares, [25, 50, 75])
    return LayerShare(name, batch, d_in, d_out, dtype, float(np.median(r_times)), float(np.median(f_times)),
                      float(med), float(lo), float(hi))


@dataclass(frozen=True)
class MaxoutCost:
    """Maxout with ``k`` pieces against ``Linear`` + ReLU with the same number of outputs."""

    k: int
    mode: str
    params: int
    relu_params: int
    ratio: float
    ratio_low: float
    ratio_high: float

    @property
    def params_ratio(self) -> float:
        return self.params / self.relu_params


def maxout_cost(
    k: int,
    *,
    batch: int = 256,
    d_in: int = 256,
    d_out: int = 256,
    mode: str = "forward",
    dtype: str = "float32",
    repeats: int = 7,
    warmup: int = 2,
    min_time: float = 2e-3,
    threads: int = 1,
    seed: int = 0,
) -> MaxoutCost:
    """Time a Maxout layer against a ReLU layer with the same ``d_out`` outputs (torch).

    Maxout computes ``k`` linear functions per output and keeps the largest:
    ``Linear(d_in, k * d_out)`` then the maximum over each group of ``k``.
    The reference is ``Linear(d_in, d_out)`` followed by ReLU. ``mode`` is
    ``"forward"`` or ``"forward+backward"`` (gradients with respect to the
    input and every parameter). Returns the parameter counts and the time
    ratio (median and middle half over repeats).
    """
    k = check_int_in(k, "k", 1, 64)
    batch, d_in, d_out, tdtype = _check_layer_args(batch, d_in, d_out, dtype)
    if batch * k * d_out > 2**26:
        raise ValueError(f"batch * k * d_out must be at most 2**26, got {batch * k * d_out}")
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    seed = check_int_in(seed, "seed", 0, 2**32 - 1)
    threads = check_int_in(threads, "threads", 1, 1024)
    torch.manual_seed(seed)
    relu_layer = nn.Sequential(nn.Linear(d_in, d_out), nn.ReLU()).to(tdtype)
    wide = nn.Linear(d_in, k * d_out).to(tdtype)

    def maxout(x):
        return wide(x).view(x.shape[0], d_out, k).amax(dim=-1)

    x = torch.randn(batch, d_in, dtype=tdtype)
    if mode == "forward":
        def run(layer):
            with torch.no_grad():
                return layer(x)
    else:
        xg = x.clone().requires_grad_(True)

        def run(layer):
            params = [xg] + [p for p in (relu_layer.parameters() if layer is relu_layer else wide.parameters())]
            y = layer(xg)
            return torch.autograd.grad(y, params, torch.ones_like(y))

    with _threads(threads):
        f_times, r_times = paired_ratios(lambda: run(maxout), lambda: run(relu_layer), repeats=repeats,
                                         warmup=warmup, min_time=min_time)
    ratio, lo, hi, _, _, _ = _summary(f_times, r_times)
    count = lambda m: sum(p.numel() for p in m.parameters())  # noqa: E731
    return MaxoutCost(k, mode, count(wide), count(relu_layer), ratio, lo, hi)


# ---------------------------------------------------------------------------
# The machine
# ---------------------------------------------------------------------------


_PROVENANCE = re.compile(
    r"Provenance: (?P<device>.+?), torch (?P<torch>\S+), measured (?P<date>\S+) with (?P<timer>.+?), "
    r"(?P<reps>\d+) repetitions after (?P<warmup>\d+) warm-up calls, tensors of 2\^(?P<log2n>\d+) elements; "
    r'"x copy" is the time of out\.copy_\(x\) on the same tensor in the same run \(the memory-bandwidth limit\)\. '
    r"Linear layer: bf16, batch (?P<batch>\d+), (?P<d_in>\d+) -> (?P<d_out>\d+), no grad\. "
    r"Use as recorded data only where no GPU is available to re-measure\.$"
)


def provenance_text(rec: Recorded) -> str:
    """The provenance of a recorded run, in the current language.

    The provenance of the book's recorded run (its four ``#`` lines) is a catalogue sentence
    (``bench.provenance``) filled with the device, versions, date and protocol read from those
    lines; a run recorded in another wording is shown as recorded, under a translated heading."""
    if not isinstance(rec, Recorded):
        raise TypeError(f"rec must be a Recorded run (bench.read_recorded), got {type(rec).__name__}")
    m = _PROVENANCE.match(" ".join(rec.provenance))
    if m:
        fields = m.groupdict()
        if fields["timer"] == "CUDA events":
            fields["timer"] = t("bench.cuda_events")
        return t("bench.provenance", **fields)
    return "\n".join([t("bench.provenance_raw"), *rec.provenance])


def environment_labels() -> dict[str, str]:
    """:func:`environment`'s keys -> how the current language names them ("usable cores" -> "core utilizzabili")."""
    return {key: t("bench.env." + key.replace(" ", "_")) for key in ("cpu", "cores", "usable cores", "torch threads", "python", "numpy", "torch")}


def environment() -> dict[str, str]:
    """The machine and libraries behind a measurement: CPU, cores, threads, versions."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        usable = os.cpu_count() or 1
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "usable cores": str(usable),
        "torch threads": str(torch.get_num_threads()),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "torch": torch.__version__,
    }


# ---------------------------------------------------------------------------
# Recorded GPU measurements
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordedRow:
    """One activation in a recorded run: milliseconds per call and ratio to the copy."""

    name: str
    ms: float
    ratio: float


@dataclass(frozen=True)
class RecordedSection:
    """All activations of one dtype and size in a recorded run."""

    dtype: str
    n: int
    copy_ms: float
    gbs: float
    rows: tuple[RecordedRow, ...]

    def ratio(self, name: str) -> float:
        for r in self.rows:
            if r.name == name:
                return r.ratio
        raise KeyError(f"no activation {name!r} in the {self.dtype} section; it has {[r.name for r in self.rows]}")


@dataclass(frozen=True)
class RecordedLayer:
    """A ``Linear`` + activation layer in a recorded run."""

    name: str
    ms: float
    share: float


@dataclass(frozen=True)
class RecordedMaxout:
    """A Maxout layer with ``k`` pieces in a recorded run, against ``Linear`` + ReLU of the same width."""

    k: int
    ms: float
    ratio: float


@dataclass(frozen=True)
class Recorded:
    """A recorded run of ``scripts/gpu_bench.py``: versions, device, sections, layers, provenance."""

    torch_version: str
    device: str
    sections: tuple[RecordedSection, ...]
    layers: tuple[RecordedLayer, ...]
    provenance: tuple[str, ...]
    maxout: tuple[RecordedMaxout, ...] = ()

    def section(self, dtype: str) -> RecordedSection:
        for s in self.sections:
            if s.dtype == dtype:
                return s
        raise KeyError(f"no {dtype!r} section; recorded dtypes: {[s.dtype for s in self.sections]}")


_NUM = r"(\d+(?:\.\d+)?(?:e[-+]?\d+)?)"
_SECTION = re.compile(rf"^torch\.(\w+) n=(\d+): copy {_NUM} ms = {_NUM} GB/s$")
_ROW = re.compile(rf"^  (\S(?:.*?\S)?) +{_NUM} ms +{_NUM}x copy$")
_LAYER = re.compile(rf"^Linear\+(\S+): {_NUM} ms, activation share {_NUM}%$")
_MAXOUT = re.compile(rf"^Maxout k=(\d+): {_NUM} ms, {_NUM}x Linear\+relu$")


def parse_recorded(text: str, where: str = "<text>") -> Recorded:
    """Parse the text that ``scripts/gpu_bench.py`` prints (see :func:`format_recorded`).

    Lines starting with ``#`` are provenance. Every ratio must agree with its
    milliseconds (time / copy time, to the rounding of three printed
    numbers: 1 % and 0.006), else ``ValueError``.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, got {type(text).__name__}")
    check_text(where, "where")
    version = device = None
    sections: list[RecordedSection] = []
    current: dict | None = None
    layers: list[RecordedLayer] = []
    maxout: list[RecordedMaxout] = []
    provenance: list[str] = []

    def close():
        if current is not None:
            if not current["rows"]:
                raise ValueError(f"{where}: section torch.{current['dtype']} has no rows")
            sections.append(RecordedSection(current["dtype"], current["n"], current["copy_ms"], current["gbs"],
                                            tuple(current["rows"])))

    for lineno, line in enumerate(text.splitlines(), 1):
        line = line.rstrip()
        if not line.strip():
            continue
        if line.startswith("#"):
            provenance.append(line.lstrip("#").strip())
            continue
        if version is None:
            parts = line.split(maxsplit=1)
            if len(parts) != 2:
                raise ValueError(f"{where}:{lineno}: first line must be '<torch version> <device>', got {line!r}")
            version, device = parts
            continue
        if m := _SECTION.match(line):
            close()
            current = {"dtype": m[1], "n": int(m[2]), "copy_ms": float(m[3]), "gbs": float(m[4]), "rows": []}
        elif m := _ROW.match(line):
            if current is None:
                raise ValueError(f"{where}:{lineno}: row before any 'torch.<dtype> n=...' line")
            ms, ratio = float(m[2]), float(m[3])
            if abs(ms / current["copy_ms"] - ratio) > 0.006 + 0.011 * ratio:  # rounding of all three
                raise ValueError(
                    f"{where}:{lineno}: ratio {ratio} disagrees with {ms} ms / {current['copy_ms']} ms copy"
                )
            current["rows"].append(RecordedRow(m[1], ms, ratio))
        elif m := _LAYER.match(line):
            layers.append(RecordedLayer(m[1], float(m[2]), float(m[3])))
        elif m := _MAXOUT.match(line):
            maxout.append(RecordedMaxout(int(m[1]), float(m[2]), float(m[3])))
        else:
            raise ValueError(f"{where}:{lineno}: unrecognised line {line!r}")
    close()
    if version is None or not sections:
        raise ValueError(f"{where}: no measurements found")
    return Recorded(version, device, tuple(sections), tuple(layers), tuple(provenance), tuple(maxout))


def read_recorded(path: str | os.PathLike | Traversable = RECORDED_H100) -> Recorded:
    """Read a recorded GPU run (by default the H100 run that ships with relulab, :data:`RECORDED_H100`)."""
    if isinstance(path, (str, os.PathLike)):
        path = Path(path)
    elif not isinstance(path, Traversable):
        raise TypeError(f"path must be a path (str or os.PathLike), got {type(path).__name__}")
    if not path.is_file():
        raise FileNotFoundError(f"no recorded measurements at {path}")
    return parse_recorded(path.read_text(encoding="utf-8"), str(path.name))


def format_recorded(rec: Recorded) -> str:
    """The text :func:`parse_recorded` reads: provenance comments, then the measurements."""
    if not isinstance(rec, Recorded):
        raise TypeError(f"rec must be a Recorded (see read_recorded), got {type(rec).__name__}")
    out = [f"# {p}" if p else "#" for p in rec.provenance]
    out.append(f"{rec.torch_version} {rec.device}")
    ms = lambda v: f"{v:.3f}" if v >= 0.1 else f"{v:.3g}"  # noqa: E731
    for s in rec.sections:
        out += ["", f"torch.{s.dtype} n={s.n}: copy {ms(s.copy_ms)} ms = {s.gbs:.0f} GB/s"]
        out += [f"  {r.name:<12s} {ms(r.ms)} ms  {r.ratio:.2f}x copy" for r in s.rows]
    out += [f"Linear+{la.name}: {ms(la.ms)} ms, activation share {la.share:.1f}%" for la in rec.layers]
    out += [f"Maxout k={mx.k}: {ms(mx.ms)} ms, {mx.ratio:.2f}x Linear+relu" for mx in rec.maxout]
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------
# Tables and figures
# ---------------------------------------------------------------------------


def rows(
    measurements: Sequence[Measurement], placements_: Sequence[str] = PLACEMENTS, digits: int = 2
) -> tuple[list[list[str]], list[str]]:
    """A table (rows, headers): one row per activation, one ratio column per placement (``-`` where none).

    Each cell is ``median [25th-75th percentile]`` of the ratio to a copy.
    """
    if not measurements:
        raise ValueError("measurements must not be empty")
    if isinstance(placements_, str) or any(p not in PLACEMENTS for p in placements_):
        raise ValueError(f"placements_ must be a sequence of {PLACEMENTS}, got {placements_!r}")
    digits = check_int_in(digits, "digits", 0, 6)
    by_name: dict[str, dict[str, Measurement]] = {}
    for m in measurements:
        if m.placement in by_name.setdefault(m.name, {}):
            raise ValueError(f"two measurements of {m.name!r} with placement {m.placement!r}: one row per name")
        by_name[m.name][m.placement] = m

    def cell(m: Measurement | None) -> str:
        if m is None:
            return "-"
        return f"{m.ratio:.{digits}f} [{m.ratio_low:.{digits}f}-{m.ratio_high:.{digits}f}]"

    shown = lambda name: name.replace("(training)", f"({t('bench.training_mode')})")  # noqa: E731
    table = [[shown(name)] + [cell(d.get(p)) for p in placements_] for name, d in by_name.items()]
    headers = [t("bench.activation")] + [f"{t('bench.' + p)}" for p in placements_]
    return table, headers


def plot_ratios(ax, measurements: Sequence[Measurement], *, title: str | None = None, log: bool = False):
    """Horizontal bars: ratio to a copy per activation, one bar per placement, middle half as error bars.

    With ``log=True`` the axis is logarithmic and each bar starts at one copy (1.0)."""
    if not measurements:
        raise ValueError("measurements must not be empty")
    order = list(dict.fromkeys(m.name for m in measurements))
    present = [p for p in PLACEMENTS if any(m.placement == p for m in measurements)]
    height = 0.8 / len(present)
    hatches = ("", "///", "...")
    for j, p in enumerate(present):
        ms = {m.name: m for m in measurements if m.placement == p}
        ys = [i + (j - (len(present) - 1) / 2) * height for i, name in enumerate(order) if name in ms]
        vals = [ms[name] for name in order if name in ms]
        err = np.array([[m.ratio - m.ratio_low for m in vals], [m.ratio_high - m.ratio for m in vals]])
        # on a log axis a bar has no zero to start from: bars start at one copy (the dashed line)
        # and end at the ratio, to the right when slower than a copy, to the left when faster
        base = 1.0 if log else 0.0
        ax.barh(ys, [m.ratio - base for m in vals], left=base, height=height, xerr=err, color=OKABE_ITO[[2, 1, 3][j]],
                hatch=hatches[j], edgecolor="black", linewidth=0.5, label=t(f"bench.{p}"), error_kw={"lw": 0.8})
    ax.axvline(1.0, color="black", linestyle="--", linewidth=1.2, label=t("bench.one_copy"))
    ax.set_yticks(range(len(order)), order)
    ax.invert_yaxis()
    if log:
        ax.set_xscale("log")
    ax.set_xlabel(t("bench.ratio"))
    if title:
        ax.set_title(title)
    return ax


def plot_sweep(ax, measurements: Sequence[Measurement]):
    """Ratio to a copy against tensor size (log-log), one line per activation, middle half shaded."""
    if not measurements:
        raise ValueError("measurements must not be empty")
    for i, name in enumerate(dict.fromkeys(m.name for m in measurements)):
        ms = sorted((m for m in measurements if m.name == name), key=lambda m: m.n)
        n = [m.n for m in ms]
        style = series_style(i)
        ax.plot(n, [m.ratio for m in ms], label=name, **style)
        ax.fill_between(n, [m.ratio_low for m in ms], [m.ratio_high for m in ms], color=style["color"], alpha=0.18,
                        linewidth=0)
    ax.axhline(1.0, color="black", linestyle="--", linewidth=1.0)
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel(t("bench.size"))
    ax.set_ylabel(t("bench.ratio"))
    return ax


def plot_recorded(ax, rec: Recorded):
    """Bars of a recorded GPU run: ratio to a copy per activation, one bar per dtype."""
    order = list(dict.fromkeys(r.name for s in rec.sections for r in s.rows))
    height = 0.8 / len(rec.sections)
    for j, s in enumerate(rec.sections):
        vals = {r.name: r.ratio for r in s.rows}
        ys = [i + (j - (len(rec.sections) - 1) / 2) * height for i, name in enumerate(order) if name in vals]
        ax.barh(ys, [vals[name] for name in order if name in vals], height=height, color=OKABE_ITO[[2, 1, 3][j % 3]],
                hatch=("", "///", "...")[j % 3], edgecolor="black", linewidth=0.5, label=s.dtype)
    ax.axvline(1.0, color="black", linestyle="--", linewidth=1.2, label=t("bench.one_copy"))
    ax.set_yticks(range(len(order)), order)
    ax.invert_yaxis()
    ax.set_xlabel(t("bench.ratio"))
    n = rec.sections[0].n
    ax.set_title(t("bench.gpu_title", device=rec.device, n=f"$2^{{{int(math.log2(n))}}}$" if n & (n - 1) == 0 else n))
    return ax
