"""The book's pinned numerical environment: the same bits on every x86-64 CPU.

Floating-point results of the same program differ between CPUs when a library picks its
code path by the instructions the processor has (SSE, AVX2, AVX-512 ...): a fused
multiply-add, a wider register or another blocking of a matrix product rounds differently.
A training run amplifies a last-bit difference, and near the edge of divergence it can turn
a run that converges into one that does not. The book therefore fixes every such choice
*before* numpy and torch are loaded, through environment variables that the libraries read
at start-up:

=============================  =================  ================================================
variable                       value              what it fixes (and the documented guarantee)
=============================  =================  ================================================
``ATEN_CPU_CAPABILITY``        ``avx2``           PyTorch's CPU kernels are compiled several times
                                                  (default, AVX2, AVX-512) and dispatched by the
                                                  CPU; ``avx2`` runs the same AVX2+FMA build on
                                                  every CPU that has it (Intel since 2013, AMD
                                                  since 2015), AVX-512 machines included: same
                                                  vector width, same reduction order, same
                                                  SLEEF maths. (``default``, the SSE build, would
                                                  cover older CPUs too but made training 1.3x
                                                  slower; a CPU without AVX2 falls back to it and
                                                  :func:`problems` says so.)
``MKL_CBWR``                   ``COMPATIBLE``     oneMKL's conditional numerical reproducibility
                                                  (CNR) branch: SSE2 without ``rcpps``/``rsqrtps``,
                                                  the one branch Intel documents as giving the same
                                                  results on Intel and non-Intel (AMD) processors.
                                                  torch's CPU matrix products go through MKL.
``MKL_NUM_THREADS``            ``1``              CNR holds only for a fixed number of threads.
``MKL_DYNAMIC``                ``FALSE``          ... which MKL may not change by itself.
``OMP_NUM_THREADS``            ``1``              one OpenMP thread for torch's parallel loops
                                                  (:func:`relulab.seed_everything` also sets
                                                  ``torch.set_num_threads(1)``).
``ONEDNN_MAX_CPU_ISA``         ``SSE41``          oneDNN (used by torch for convolutions and
                                                  bfloat16 matrix products on CPUs with AVX-512)
                                                  limited to its lowest instruction set, so
                                                  PyTorch falls back to its own kernels.
``NPY_DISABLE_CPU_FEATURES``   every dispatched   numpy's ufuncs run their baseline (SSE3) loops
                               feature            instead of AVX2/AVX-512 ones.
``OPENBLAS_CORETYPE``          ``Prescott``       numpy's and scipy's OpenBLAS use their SSE3
                                                  kernels instead of choosing by CPU model.
``OPENBLAS_NUM_THREADS``       ``1``              one BLAS thread: fixed reduction order.
``GLIBC_TUNABLES``             no AVX2/FMA        the C maths library (``exp``, ``log``, ``sin``...
                                                  that torch's baseline kernels call) picks its
                                                  non-FMA variants on every CPU.
``PYTHONHASHSEED``             ``0``              set and dict iteration orders of strings.
=============================  =================  ================================================

The variables must be in the environment of the process *before* it starts (libraries read
them once, while loading): the book's scripts start every kernel with :func:`pinned_env`, and
:func:`problems` lets a running notebook tell whether it got them. On a CPU that is not x86-64
(an Arm laptop) these settings do not exist; the book then runs in *portable* mode, where the
outputs that depend on rounding are checked by their conclusions instead of their digits
(see :func:`mode`).

>>> sorted(PINNED)[:2]
['ATEN_CPU_CAPABILITY', 'GLIBC_TUNABLES']
"""

from __future__ import annotations

import os
import platform
import sys
from collections.abc import Mapping

__all__ = [
    "PINNED",
    "PINNED_VERSION",
    "pinned_env",
    "unpinned_env",
    "is_x86_64",
    "problems",
    "mode",
    "record",
]

#: numpy's dispatched CPU features (numpy 2.3): disabling them all leaves its baseline loops.
_NUMPY_DISPATCHED = (
    "SSSE3 SSE41 POPCNT SSE42 AVX F16C FMA3 AVX2 AVX512F AVX512CD AVX512_KNL AVX512_KNM "
    "AVX512_SKX AVX512_CLX AVX512_CNL AVX512_ICL AVX512_SPR"
)

#: The pinned environment (variable -> value). Changing it changes the stored outputs:
#: bump :data:`PINNED_VERSION` and re-execute every notebook.
PINNED: dict[str, str] = {
    "ATEN_CPU_CAPABILITY": "avx2",
    "MKL_CBWR": "COMPATIBLE",
    "MKL_NUM_THREADS": "1",
    "MKL_DYNAMIC": "FALSE",
    "OMP_NUM_THREADS": "1",
    "ONEDNN_MAX_CPU_ISA": "SSE41",
    "NPY_DISABLE_CPU_FEATURES": _NUMPY_DISPATCHED,
    "OPENBLAS_CORETYPE": "Prescott",
    "OPENBLAS_NUM_THREADS": "1",
    "GLIBC_TUNABLES": "glibc.cpu.hwcaps=-AVX2,-FMA,-FMA4,-AVX512F",
    "PYTHONHASHSEED": "0",
}

#: Version of :data:`PINNED`, recorded in every executed notebook.
PINNED_VERSION = 1

#: The variables a *perturbed* run removes, so that every library picks its fastest path for
#: the CPU it runs on (what a reader gets without the book's scripts).
_PERTURBED_DROP = tuple(k for k in PINNED if k not in ("PYTHONHASHSEED",))


def _env_map(env: object, name: str) -> Mapping[str, str] | None:
    """``env`` if it is ``None`` or a mapping of strings to strings (an environment), else ``TypeError``."""
    if env is not None and (
        not isinstance(env, Mapping) or not all(isinstance(k, str) and isinstance(v, str) for k, v in env.items())
    ):
        raise TypeError(f"{name} must be None or a mapping of strings to strings (an environment), got {env!r:.80}")
    return env


def is_x86_64(machine: str | None = None) -> bool:
    """Whether ``machine`` (default: this one, ``platform.machine()``) is an x86-64 CPU."""
    if machine is not None and not isinstance(machine, str):
        raise TypeError(f"machine must be None or a string, got {type(machine).__name__}")
    m = (platform.machine() if machine is None else machine).lower()
    return m in ("x86_64", "amd64")


def pinned_env(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """A copy of ``base`` (default ``os.environ``) with the pinned variables set.

    Use it as the ``env`` of a subprocess (a kernel, a test run) that must reproduce the book's
    stored outputs bit for bit.
    """
    env = dict(os.environ if _env_map(base, "base") is None else base)
    env.update(PINNED)
    return env


def unpinned_env(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """A copy of ``base`` (default ``os.environ``) with every pinned variable removed except the
    hash seed: each library dispatches by the CPU (the perturbed run of the test suite)."""
    env = dict(os.environ if _env_map(base, "base") is None else base)
    for key in _PERTURBED_DROP:
        env.pop(key, None)
    env["RELULAB_NUMERICS"] = "perturbed"
    return env


def problems(env: Mapping[str, str] | None = None) -> list[str]:
    """What differs from the pinned environment in ``env`` (default: this process), one line each.

    An empty list means the process started pinned. On a CPU that is not x86-64 the list says
    so: the pinned settings select x86-64 code paths and cannot exist there.
    """
    env = os.environ if _env_map(env, "env") is None else env
    out = []
    if not is_x86_64():
        out.append(f"this CPU is {platform.machine()!r}, not x86-64: the pinned code paths do not exist here")
    for key, want in PINNED.items():
        have = env.get(key)
        if have != want:
            out.append(f"{key}={have!r} (pinned: {want!r})")
    torch = sys.modules.get("torch")
    if env is os.environ and torch is not None and is_x86_64() and not out:
        capability = torch.backends.cpu.get_cpu_capability()
        if capability != "AVX2":
            out.append(f"PyTorch runs its {capability} kernels: this CPU lacks AVX2, so the pinned AVX2 build cannot run")
    return out


def mode(env: Mapping[str, str] | None = None) -> str:
    """``"reference"`` where stored outputs must match digit for digit (x86-64, pinned),
    ``"portable"`` otherwise (rounding-sensitive outputs are then checked by their conclusions).

    ``RELULAB_NUMERICS=portable`` in the environment forces portable mode on any machine.
    """
    env = os.environ if _env_map(env, "env") is None else env
    if env.get("RELULAB_NUMERICS") in ("portable", "perturbed"):
        return "portable"
    return "reference" if not problems(env) else "portable"


def record() -> dict[str, object]:
    """What to store in an executed notebook's metadata: the pinned settings it ran under.

    Deliberately free of anything machine-specific (CPU model, host name): two machines that
    follow the pins write the same record.
    """
    return {"version": PINNED_VERSION, "env": dict(PINNED)}


def _main(argv: list[str] | None = None) -> int:
    """``python src/relulab/numerics.py --export``: print ``export VAR=value`` lines for bash."""
    import argparse
    import shlex

    parser = argparse.ArgumentParser(description="The book's pinned numerical environment.")
    parser.add_argument("--export", action="store_true", help="print export lines for bash (eval them)")
    args = parser.parse_args(argv)
    if args.export:
        print("\n".join(f"export {k}={shlex.quote(v)}" for k, v in PINNED.items()))
    else:
        print("\n".join(problems()) or "pinned")
    return 0


if __name__ == "__main__":
    raise SystemExit(_main())
