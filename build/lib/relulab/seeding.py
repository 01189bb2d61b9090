"""One call makes a notebook deterministic: Python, numpy and torch are seeded together."""

from __future__ import annotations

import random

import numpy as np
import torch

from ._checks import check_int_in

__all__ = ["seed_everything", "rng"]


def seed_everything(seed: int = 0, *, threads: int | None = 1) -> np.random.Generator:
    """Seed Python's ``random``, numpy's global generator and torch; return a numpy ``Generator``.

    Parameters
    ----------
    seed:
        A non-negative integer below 2**32.
    threads:
        Number of torch CPU threads (``None`` leaves it alone). The default is 1:
        the book's models are tiny, and on a 2-core machine one thread trains a
        64-64-64-10 MLP on the digits about 15 times faster than two (measured:
        0.12 s against 1.7 s for 200 steps), because splitting a tiny matrix
        product costs more than it saves. One thread also makes float
        reductions run in the same order every time.

    Notes
    -----
    ``torch.use_deterministic_algorithms`` is deliberately not called. The
    operations it makes deterministic are almost all CUDA ones; on one CPU
    thread the book's operations already give the same bits on every run
    (nbval re-runs every notebook and compares its printed outputs). Calling
    it made every ``torch.empty`` fill its memory with NaN (PyTorch's
    ``torch.utils.deterministic.fill_uninitialized_memory``), a cost paid on
    every training step, and imported ``torch._inductor`` (1.2-1.6 s); a
    notebook pays most of that import anyway when it builds its first
    ``torch.optim`` optimizer, which imports ``torch._dynamo``.

    Returns
    -------
    numpy.random.Generator
        A fresh generator seeded with ``seed``, for code that takes an explicit ``rng``.
    """
    seed = check_int_in(seed, "seed", 0, 2**32 - 1)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    if threads is not None:
        torch.set_num_threads(check_int_in(threads, "threads", 1))
    return np.random.default_rng(seed)


def rng(seed: int) -> np.random.Generator:
    """A numpy ``Generator`` for ``seed`` (validated), for functions that take ``rng``."""
    return np.random.default_rng(check_int_in(seed, "seed", 0, 2**32 - 1))
