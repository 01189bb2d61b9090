"""One call makes a notebook deterministic: Python, numpy and torch are seeded together."""

from __future__ import annotations

import os
import random
import warnings

import numpy as np
import torch

from . import numerics
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

    The book's stored outputs are written under a pinned numerical environment
    (:mod:`relulab.numerics`), set before the kernel starts. On an x86-64 machine
    where it is missing, this function warns once and names what is missing: the
    experiments still run and their conclusions still hold (the check cells say
    so), but the last printed digits may differ from the book's. Runs that unpin
    it on purpose (``RELULAB_NUMERICS=perturbed``) and other CPUs, where it cannot
    exist, get no warning.

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
    _warn_if_unpinned()
    return np.random.default_rng(seed)


_warned = False


def _warn_if_unpinned() -> None:
    global _warned
    if _warned or not numerics.is_x86_64() or os.environ.get("RELULAB_NUMERICS") in ("perturbed", "portable"):
        return
    missing = numerics.problems()
    if missing:
        _warned = True
        warnings.warn(
            "this kernel did not start in the book's pinned numerical environment, so the last digits of "
            "some results may differ from the book's (conclusions are checked and still hold). Start "
            "Jupyter with the variables of relulab.numerics.PINNED set, e.g. eval \"$(python "
            "src/relulab/numerics.py --export)\" before `jupyter lab`. Differs: " + "; ".join(missing[:3])
            + (f"; and {len(missing) - 3} more" if len(missing) > 3 else ""),
            RuntimeWarning,
            stacklevel=3,
        )


def rng(seed: int) -> np.random.Generator:
    """A numpy ``Generator`` for ``seed`` (validated), for functions that take ``rng``."""
    return np.random.default_rng(check_int_in(seed, "seed", 0, 2**32 - 1))
