"""Measure what activations cost on a GPU, as ratios to a copy, and print a recorded run with its provenance.

Run it on a machine with a CUDA GPU and keep what it prints:

    python scripts/gpu_bench.py > src/relulab/measurements/activation-cost-<gpu>-<date>.txt

Every activation of ``relulab.bench`` (torch) is timed on a tensor of ``--n``
elements in float32 and bfloat16, out of place and, where torch offers it,
into a preallocated output (``name(out)``) or in place (``name(inplace)``),
against ``y.copy_(x)`` on the same tensor in the same run: CUDA events around
each call, ``--repeats`` calls after ``--warmup`` warm-up calls, medians. Then
the share of a ``Linear`` + activation layer (bf16, batch 8192, 4096 -> 16384,
no grad) that the activation takes, t_act / (t_linear + t_act), and Maxout
layers with k pieces against ``Linear`` + ReLU of the same width.

The output starts with ``#`` provenance lines (device, library versions, date,
command, protocol) and is read back by ``relulab.bench.read_recorded``.
``--device cpu`` runs the same protocol on the CPU (with wall-clock timers),
to check the script where no GPU is at hand; it is not a CPU benchmark (use
the appendix notebook for that).
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import shlex
import statistics
import sys
import time

import numpy as np
import torch
from torch import nn

import relulab
from relulab import bench

LAYER = {"batch": 8192, "d_in": 4096, "d_out": 16384}
LAYER_ACTIVATIONS = ("relu", "gelu", "silu")
MAXOUT_K = (2, 3, 4)


class Timer:
    """Seconds per call of a function: CUDA events on a GPU, ``perf_counter`` on the CPU."""

    def __init__(self, device: torch.device):
        self.cuda = device.type == "cuda"

    def __call__(self, fn) -> float:
        if self.cuda:
            start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            start.record()
            fn()
            end.record()
            end.synchronize()
            return start.elapsed_time(end) / 1e3
        t0 = time.perf_counter()
        fn()
        return time.perf_counter() - t0


def paired(timer: Timer, fn, ref, repeats: int, warmup: int) -> tuple[float, float]:
    """Median seconds of ``fn`` and of ``ref``, called in alternation after a warm-up."""
    for _ in range(warmup):
        ref()
        fn()
    if timer.cuda:
        torch.cuda.synchronize()
    f, r = [], []
    for _ in range(repeats):
        r.append(timer(ref))
        f.append(timer(fn))
    return statistics.median(f), statistics.median(r)


def section(timer, device, dtype, n, repeats, warmup) -> bench.RecordedSection:
    gen = torch.Generator(device="cpu").manual_seed(0)
    x = torch.randn(n, generator=gen).to(device=device, dtype=dtype)
    y = torch.empty_like(x)
    copy = lambda: y.copy_(x)  # noqa: E731
    rows, copies = [], []
    for name, k in bench.kernels("torch").items():
        runs = [(name, lambda k=k: k.new(x))]
        if k.out is not None:
            runs.append((f"{name}(out)", lambda k=k: k.out(x, y)))
        if k.inplace is not None:
            work = x.clone()
            runs.append((f"{name}(inplace)", lambda k=k, w=work: k.inplace(w)))
        for label, fn in runs:
            f, r = paired(timer, fn, copy, repeats, warmup)
            copies.append(r)
            rows.append((label, f, r))
        del runs
    copy_s = statistics.median(copies)  # every copy of the section: steady on a GPU
    itemsize = torch.empty((), dtype=dtype).element_size()
    out_rows = tuple(bench.RecordedRow(label, f * 1e3, f / copy_s) for label, f, _ in rows)
    return bench.RecordedSection(str(dtype).replace("torch.", ""), n, copy_s * 1e3, 2 * n * itemsize / copy_s / 1e9,
                                 out_rows)


def layers(timer, device, repeats, warmup, batch, d_in, d_out):
    dtype = torch.bfloat16
    torch.manual_seed(0)
    lin = nn.Linear(d_in, d_out).to(device=device, dtype=dtype)
    x = torch.randn(batch, d_in, device=device, dtype=dtype)
    out = []
    with torch.no_grad():
        h = lin(x)
        for name in LAYER_ACTIVATIONS:
            k = bench.kernels("torch")[name]
            f, r = paired(timer, lambda k=k: k.new(h), lambda: lin(x), repeats, warmup)
            out.append(bench.RecordedLayer(name, (f + r) * 1e3, 100 * f / (f + r)))
        relu_layer = lambda: torch.relu(lin(x))  # noqa: E731
        maxout = []
        for k in MAXOUT_K:
            wide = nn.Linear(d_in, k * d_out).to(device=device, dtype=dtype)
            fn = lambda wide=wide, k=k: wide(x).view(batch, d_out, k).amax(dim=-1)  # noqa: E731
            f, r = paired(timer, fn, relu_layer, repeats, warmup)
            maxout.append(bench.RecordedMaxout(k, f * 1e3, f / r))
            del wide
    return tuple(out), tuple(maxout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--device", default="cuda", help="cuda (default), cuda:N or cpu (a check of the script)")
    parser.add_argument("--n", type=int, default=2**28, help="elements per tensor (default 2**28)")
    parser.add_argument("--repeats", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--layer", type=int, nargs=3, metavar=("BATCH", "D_IN", "D_OUT"),
                        default=(LAYER["batch"], LAYER["d_in"], LAYER["d_out"]),
                        help="Linear layer shape (default 8192 4096 16384)")
    args = parser.parse_args(argv)
    device = torch.device(args.device)
    if device.type == "cuda" and not torch.cuda.is_available():
        print("no CUDA device here: run this on a GPU machine (or --device cpu to check the script)", file=sys.stderr)
        return 2
    if args.n < 1 or args.repeats < 3 or args.warmup < 0 or min(args.layer) < 1:
        parser.error("--n and --layer must be positive, --repeats at least 3, --warmup at least 0")
    timer = Timer(device)
    if device.type == "cuda":
        name = torch.cuda.get_device_name(device)
        extra = f"CUDA {torch.version.cuda}, driver capability {torch.cuda.get_device_capability(device)}"
        timing = "CUDA events"
    else:
        name = bench.environment()["cpu"]
        extra = f"{bench.environment()['usable cores']} usable cores, {torch.get_num_threads()} torch threads"
        timing = "time.perf_counter"
    secs = tuple(section(timer, device, dtype, args.n, args.repeats, args.warmup)
                 for dtype in (torch.float32, torch.bfloat16))
    lay, mx = layers(timer, device, args.repeats, args.warmup, *args.layer)
    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    n_exp = int(np.log2(args.n)) if args.n & (args.n - 1) == 0 else None
    provenance = (
        f"device: {name} ({device}); {extra}",
        f"torch {torch.__version__}, numpy {np.__version__}, python {platform.python_version()}, "
        f"relulab {relulab.__version__}",
        f"date: {now}",
        "command: " + " ".join(shlex.quote(a) for a in [sys.executable.rsplit('/', 1)[-1], *sys.argv]),
        f"protocol: {timing}, median of {args.repeats} calls after {args.warmup} warm-up calls, tensors of "
        + (f"2^{n_exp}" if n_exp is not None else str(args.n))
        + ' elements; "x copy" = time / median time of y.copy_(x) on the same tensor, timed in alternation'
        " with each activation in the same run.",
        f"Linear layers: bf16, batch {args.layer[0]}, {args.layer[1]} -> {args.layer[2]}, no grad; "
        "activation share = t_act / (t_linear + t_act); Maxout k = Linear(d_in, k*d_out) + max over k, "
        "against Linear + ReLU.",
    )
    device_label = name if device.type == "cuda" else f"CPU {name}"
    rec = bench.Recorded(torch.__version__, device_label, secs, lay, provenance, mx)
    text = bench.format_recorded(rec)
    bench.parse_recorded(text)  # what we print must read back
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
