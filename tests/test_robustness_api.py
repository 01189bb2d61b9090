"""Every public callable of ``relulab`` probed with bad arguments (issue 16).

:data:`ROWS` has one row per public function or class of every ``relulab``
module (``relulab.exercises.*`` included): a valid call and, for each parameter,
the kind of bad values to feed it (:data:`BAD`: wrong type, complex or bool
dtype, wrong shape, nan/inf, empty, out of range, huge sizes). Result records
(dataclasses) and exception classes are in :data:`EXEMPT`, with the reason.
Callables whose valid call needs a trained model or a long experiment are in
:data:`UNPROBED` with the reason (their module's tests cover them).

Each bad case must end in a ``ValueError``/``TypeError`` whose message names the
parameter — never another exception type, a hang (a time limit stops each call)
or an accepted value. A new public function without a row fails
:func:`test_every_public_callable_has_a_row`, whose message says how to add one.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import math
import pkgutil
import signal
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import relulab
from relulab import (  # noqa: F401 - every module, for the table
    activations,
    bench,
    checks,
    conventions,
    data,
    domains,
    dying,
    exercises,
    expressivity,
    gan,
    gradients,
    heterogeneity,
    i18n,
    images,
    ledger,
    moments,
    numerics,
    plotting,
    probes,
    propagation,
    replication,
    seeding,
    sparsity,
    stats,
    tables,
    text,
    training,
    transformer,
    twodomains,
    variants,
    ways,
)
from relulab.exercises import core as _ex_core  # noqa: F401

# ----------------------------------------------------------------------------- bad values by kind

NAN, INF = math.nan, math.inf
_NOT_A_NUMBER = ["0.5", 1 + 2j, None, True, [0.5]]
_NOT_AN_INT = [1.5, "3", None, True, NAN, 1 + 2j, [3]]
BAD: dict[str, list[object]] = {
    # any finite real number
    "float": [NAN, INF, -INF, *_NOT_A_NUMBER],
    # a positive real number
    "pos": [NAN, INF, -INF, 0.0, -1.0, *_NOT_A_NUMBER],
    # a variance or a scale that may be 0
    "nonneg": [NAN, INF, -INF, -1.0, *_NOT_A_NUMBER],
    # a probability or a share, in [0, 1]
    "prob": [NAN, INF, -0.1, 1.5, *_NOT_A_NUMBER],
    # an integer (any sign allowed)
    "int": _NOT_AN_INT,
    # a count of steps, repeats, layers: a positive integer
    "count": [*_NOT_AN_INT, 0, -1],
    # a size that allocates memory: a positive integer, and not a huge one
    "size": [*_NOT_AN_INT, 0, -1, 10**12],
    "seed": [*_NOT_AN_INT, -1],
    "seeds": ["abc", None, [], [-1], [1.5], [0, 0], 1.5],
    "str": [None, 3, 1.5, b"relu", "", "no-such-choice", ["relu"]],
    "lang": [None, 3, "fr", "", ["en"]],
    "bool": ["yes", None, 1.5, 2],
    # a numpy array (or number) of real numbers; nan/inf allowed
    "array": [None, "abc", np.array([1 + 2j]), np.array(["a"]), np.array([True, False]),
              np.array([1.0, "a"], dtype=object)],
    # the same, finite and not empty
    "farray": [None, "abc", np.array([1 + 2j]), np.array(["a"]), np.array([True, False]),
               np.array([NAN, 1.0]), np.array([1.0, INF]), np.array([])],
    # a real torch tensor; nan/inf allowed
    "tensor": [None, "abc", np.ones((2, 2)), torch.tensor([1 + 2j]), torch.tensor([True, False])],
    # the same, finite and not empty
    "ftensor": [None, "abc", np.ones((2, 2)), torch.tensor([1 + 2j]), torch.tensor([True, False]),
                torch.tensor([[NAN, 1.0]]), torch.tensor([[INF, 1.0]]), torch.ones(0, 4)],
    "model": [None, "mlp", 3, torch.ones(2)],
    "callable": [None, 3, "relu"],
    # a sequence of positive integers (layer widths, sizes)
    "ints": ["abc", None, [], [0, 3], [2.5, 3], [-1, 2], 3.5],
    # a non-empty sequence of finite real numbers
    "floats": ["abc", None, [], ["a"], [1 + 2j], [NAN], [INF]],
    # activations: a real tensor without nan (a nan unit is neither zero nor active; inf is active), not empty
    "ntensor": [None, "abc", np.ones((2, 2)), torch.tensor([1 + 2j]), torch.tensor([True, False]),
                torch.tensor([[NAN, 1.0]]), torch.ones(0, 4)],
    # any object of the wrong type
    "object": [None, 3, "abc"],
}


class New:
    """A fixture built afresh for each call (a model a function may change)."""

    def __init__(self, make):
        self.make = make

    def __repr__(self) -> str:
        return f"New({getattr(self.make, '__qualname__', self.make)})"


@dataclass
class R:
    """A row of the table: the function, a valid call, and the bad kinds of its parameters.

    ``bad`` maps a parameter to a kind of :data:`BAD` or to an explicit list of bad values;
    ``allow`` lists, for a parameter, values of its kind that are valid for this function
    (a documented use); ``valid=False`` leaves the valid call out of
    :func:`test_the_valid_calls_work` (slow: its module's tests run it).
    """

    fn: object
    call: dict
    bad: dict
    allow: dict = field(default_factory=dict)
    valid: bool = True


_G = torch.Generator().manual_seed(0)
_PAIR3 = propagation.simulate_pair(0.0, 3, 8, "relu", seeds=[0, 1])
_THEORY3 = propagation.correlations_through_depth(0.0, 3, "relu")
X_NP = np.array([-2.0, -0.5, 0.0, 1.5])
X_T = torch.tensor([[-2.0, -0.5], [0.0, 1.5]])
Z = np.array([[1.0, -1.0, 2.0, 0.5]])
XM = torch.randn(6, 4, generator=_G)
Y = torch.tensor([0, 1, 0, 1, 1, 0])
ACTS = torch.relu(torch.randn(6, 4, generator=_G))
LABELS = Y
MODEL = New(lambda: training.mlp([4, 3, 2], seed=0))
MODEL1 = New(lambda: training.mlp([1, 3, 1], seed=0))
X1 = torch.randn(6, 1, generator=_G)
PROFILE = np.array([[0.2, 0.5, 0.0], [0.8, 0.5, 1.0]])
SPLIT = New(lambda: data.Split(XM.float(), Y, XM.float(), Y))

PATCHES = (np.arange(40 * 9) % 7).reshape(40, 9)
IDS = np.arange(40) % 5
NBSRC = "```{lang} en\n# Title\n\nText.\n```\n"
#: Bad class labels for 6 inputs: a column, floats, too few, out of range, negative.
Y_BAD = [None, "abc", torch.tensor([[0], [1], [0], [1], [1], [0]]), torch.zeros(6), torch.tensor([0, 1, 0]),
         torch.tensor([0, 1, 0, 1, 1, 10**9]), torch.tensor([0, 1, 0, 1, 1, -1])]
#: Bad (low, high) ranges.
RANGE_BAD = [None, "ab", (1.0,), (1.0, 0.0), (0.0, NAN), (-INF, 1.0), ("a", 1.0)]
#: Bad samples of points of the plane: not (n, 2), not finite, not real.
POINTS_BAD = [*BAD["farray"], np.zeros((0, 2)), np.zeros((4, 3)), np.zeros(4), np.array([[1 + 2j, 0.0]])]
WAYS_BAD = [None, "abc", [], [3], [ways.NUMPY_WAYS[0], ways.TORCH_WAYS[0]]]
TINY_LM = New(lambda: transformer.TinyLM(5, d_model=8, context=4))
TOY_DOMAIN = twodomains.TokenDomain("toy", IDS, IDS, 5)
#: Bad (domain index, seed, lr) plans for twodomains.train_models.
RUNS_BAD = [None, "abc", [], [(0, 0)], [(5, 0, 0.01)], [(0, -1, 0.01)], [(0, 0, NAN)], [(0, 0, 2.0)], [("a", 0, 0.01)]]
SEED_MLP = New(lambda: variants.SeedBatchMLP([4, 3, 2], seeds=(0, 1)))
_CLAMP_X = torch.randn(1000, generator=_G)
CLAMP_CALL = dict(fn=lambda: torch.clamp(_CLAMP_X, min=0), reference=lambda: _CLAMP_X.clone(), f=[1.0, 1.1, 1.2], r=[1.0, 1.0, 1.0])


class _ReLU6At(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.clamp(0, 6)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * ((x > 0) & (x < 6)).to(g.dtype)


RELU6_AT = _ReLU6At.apply
CLIP = lambda grads, max_norm: [g * min(1.0, max_norm / (float(sum((x ** 2).sum() for x in grads)) ** 0.5 + 1e-6)) for g in grads]  # noqa: E731

ROWS: dict[str, R] = {
    # ---- relulab.activations (numpy versions take arrays with nan/inf: nan in, nan out)
    "activations.relu_np": R(activations.relu_np, dict(x=X_NP), {"x": "array", "out": [np.zeros(3), "abc", np.zeros(4, dtype=int)]}),
    "activations.relu_grad_np": R(activations.relu_grad_np, dict(x=X_NP), {"x": "array", "at_zero": "float"}),
    "activations.relu_torch": R(activations.relu_torch, dict(x=X_T), {"x": "tensor", "inplace": "bool"}),
    "activations.relu_grad_torch": R(activations.relu_grad_torch, dict(x=X_T), {"x": "tensor", "at_zero": "float"}),
    "activations.leaky_relu_np": R(activations.leaky_relu_np, dict(x=X_NP), {"x": "array", "negative_slope": "float"}),
    "activations.leaky_relu_grad_np": R(activations.leaky_relu_grad_np, dict(x=X_NP), {"x": "array", "negative_slope": "float"}),
    "activations.leaky_relu_torch": R(activations.leaky_relu_torch, dict(x=X_T), {"x": "tensor", "negative_slope": "float"}),
    "activations.prelu_np": R(activations.prelu_np, dict(x=X_NP), {"x": "array", "a": "float"}, allow={"a": ([0.5],)}),
    "activations.prelu_grad_np": R(activations.prelu_grad_np, dict(x=X_NP), {"x": "array", "a": "float"}, allow={"a": ([0.5],)}),
    "activations.prelu_torch": R(activations.prelu_torch, dict(x=torch.ones(2, 3)), {"x": "tensor", "weight": "float"}),
    "activations.rrelu_np": R(activations.rrelu_np, dict(x=X_NP), {"x": "array", "lower": "float", "upper": "float", "training": "bool", "rng": "object"}, allow={"rng": (None,)}),
    "activations.rrelu_grad_np": R(activations.rrelu_grad_np, dict(x=X_NP), {"x": "array", "lower": "float", "upper": "float"}),
    "activations.rrelu_torch": R(activations.rrelu_torch, dict(x=X_T), {"x": "tensor", "lower": "float", "upper": "float", "training": "bool", "generator": "object"}, allow={"generator": (None,)}),
    "activations.elu_np": R(activations.elu_np, dict(x=X_NP), {"x": "array", "alpha": "float"}),
    "activations.elu_grad_np": R(activations.elu_grad_np, dict(x=X_NP), {"x": "array", "alpha": "float"}),
    "activations.elu_torch": R(activations.elu_torch, dict(x=X_T), {"x": "tensor", "alpha": "float"}),
    "activations.celu_np": R(activations.celu_np, dict(x=X_NP), {"x": "array", "alpha": "pos"}),
    "activations.celu_grad_np": R(activations.celu_grad_np, dict(x=X_NP), {"x": "array", "alpha": "pos"}),
    "activations.celu_torch": R(activations.celu_torch, dict(x=X_T), {"x": "tensor", "alpha": "pos"}),
    "activations.selu_np": R(activations.selu_np, dict(x=X_NP), {"x": "array"}),
    "activations.selu_grad_np": R(activations.selu_grad_np, dict(x=X_NP), {"x": "array"}),
    "activations.selu_torch": R(activations.selu_torch, dict(x=X_T), {"x": "tensor"}),
    "activations.gelu_np": R(activations.gelu_np, dict(x=X_NP), {"x": "array", "approximate": "str"}),
    "activations.gelu_grad_np": R(activations.gelu_grad_np, dict(x=X_NP), {"x": "array", "approximate": "str"}),
    "activations.gelu_torch": R(activations.gelu_torch, dict(x=X_T), {"x": "tensor", "approximate": "str"}),
    "activations.silu_np": R(activations.silu_np, dict(x=X_NP), {"x": "array", "beta": "float"}),
    "activations.silu_grad_np": R(activations.silu_grad_np, dict(x=X_NP), {"x": "array", "beta": "float"}),
    "activations.silu_torch": R(activations.silu_torch, dict(x=X_T), {"x": "tensor", "beta": "float"}),
    "activations.mish_np": R(activations.mish_np, dict(x=X_NP), {"x": "array"}),
    "activations.mish_grad_np": R(activations.mish_grad_np, dict(x=X_NP), {"x": "array"}),
    "activations.mish_torch": R(activations.mish_torch, dict(x=X_T), {"x": "tensor"}),
    "activations.softplus_np": R(activations.softplus_np, dict(x=X_NP), {"x": "array", "beta": "pos", "threshold": "float"}),
    "activations.softplus_grad_np": R(activations.softplus_grad_np, dict(x=X_NP), {"x": "array", "beta": "pos", "threshold": "float"}),
    "activations.softplus_torch": R(activations.softplus_torch, dict(x=X_T), {"x": "tensor", "beta": "pos", "threshold": "float"}),
    "activations.relu6_np": R(activations.relu6_np, dict(x=X_NP), {"x": "array"}),
    "activations.relu6_grad_np": R(activations.relu6_grad_np, dict(x=X_NP), {"x": "array"}),
    "activations.relu6_torch": R(activations.relu6_torch, dict(x=X_T), {"x": "tensor"}),
    "activations.hardswish_np": R(activations.hardswish_np, dict(x=X_NP), {"x": "array"}),
    "activations.hardswish_grad_np": R(activations.hardswish_grad_np, dict(x=X_NP), {"x": "array"}),
    "activations.hardswish_torch": R(activations.hardswish_torch, dict(x=X_T), {"x": "tensor"}),
    "activations.squared_relu_np": R(activations.squared_relu_np, dict(x=X_NP), {"x": "array"}),
    "activations.squared_relu_grad_np": R(activations.squared_relu_grad_np, dict(x=X_NP), {"x": "array"}),
    "activations.squared_relu_torch": R(activations.squared_relu_torch, dict(x=X_T), {"x": "tensor"}),
    "activations.maxout_np": R(activations.maxout_np, dict(z=Z), {"z": [*BAD["array"], np.ones((1, 3)), np.float64(1.0)], "k": "count"}),
    "activations.maxout_grad_np": R(activations.maxout_grad_np, dict(z=Z), {"z": [*BAD["array"], np.ones((1, 3))], "k": "count"}),
    "activations.maxout_torch": R(activations.maxout_torch, dict(z=torch.from_numpy(Z)), {"z": [*BAD["tensor"], torch.ones(1, 3)], "k": "count"}),
    "activations.crelu_np": R(activations.crelu_np, dict(x=Z), {"x": "array", "axis": [1.5, "0", None, 5, -3]}),
    "activations.crelu_grad_np": R(activations.crelu_grad_np, dict(x=Z), {"x": "array", "axis": [1.5, "0", None, 5, -3]}),
    "activations.crelu_torch": R(activations.crelu_torch, dict(x=torch.from_numpy(Z)), {"x": "tensor", "dim": [1.5, "0", None, 5, -3]}),
    "activations.SquaredReLU": R(activations.SquaredReLU, dict(), {}),
    "activations.MaxoutActivation": R(activations.MaxoutActivation, dict(), {"k": "count"}),
    "activations.Maxout": R(activations.Maxout, dict(in_features=4, out_features=3), {"in_features": "size", "out_features": "size", "k": "count"}),
    "activations.CReLU": R(activations.CReLU, dict(), {"dim": _NOT_AN_INT}),
    "activations.keys": R(activations.keys, dict(), {"elementwise": "bool"}, allow={"elementwise": (None,)}),
    "activations.get": R(activations.get, dict(key="relu"), {"key": "str"}),
    # ---- relulab.bench (timings: tiny sizes, one repeat)
    "bench.kernels": R(bench.kernels, dict(), {"library": "str"}),
    "bench.names": R(bench.names, dict(), {"library": "str"}),
    "bench.placements": R(bench.placements, dict(name="relu"), {"name": "str", "library": "str"}),
    "bench.paired_ratios": R(bench.paired_ratios, dict(fn=lambda: None, reference=lambda: None, repeats=3, warmup=0, min_time=1e-4),
                             {"fn": "callable", "reference": "callable", "repeats": "count", "warmup": "int", "min_time": "pos"}),
    "bench.measure": R(bench.measure, dict(name="relu", n=1000, repeats=3, warmup=0, min_time=1e-4),
                       {"name": "str", "library": "str", "n": "size", "dtype": "str", "mode": "str", "placement": "str",
                        "repeats": "count", "warmup": "int", "min_time": "pos", "threads": "count", "seed": "seed"}),
    "bench.measure_many": R(bench.measure_many, dict(names_=["relu"], n=1000, repeats=3, warmup=0, min_time=1e-4),
                            {"names_": ["relu", None, [], ["no-such-kernel"], 3], "placements_": ["new", None, [], ["nowhere"]], "fallback": [3, "nowhere"]}),
    "bench.size_sweep": R(bench.size_sweep, dict(names_=["relu"], sizes=[100, 1000], repeats=3, warmup=0, min_time=1e-4),
                          {"names_": ["relu", None, [], ["no-such-kernel"]], "sizes": "ints"}),
    "bench.page_faults": R(bench.page_faults, dict(fn=lambda: None, calls=2), {"fn": "callable", "calls": "count", "warmup": "int"}),
    "bench.layer_share": R(bench.layer_share, dict(name="relu", batch=4, d_in=4, d_out=4, repeats=3, warmup=0, min_time=1e-4),
                           {"name": "str", "batch": "size", "d_in": "size", "d_out": "size", "dtype": "str", "repeats": "count",
                            "warmup": "int", "min_time": "pos", "threads": "count", "seed": "seed"}),
    "bench.maxout_cost": R(bench.maxout_cost, dict(k=2, batch=4, d_in=4, d_out=4, repeats=3, warmup=0, min_time=1e-4),
                           {"k": "count", "batch": "size", "d_in": "size", "d_out": "size", "mode": "str", "dtype": "str",
                            "repeats": "count", "warmup": "int", "min_time": "pos", "threads": "count", "seed": "seed"}),
    "bench.environment": R(bench.environment, dict(), {}),
    "bench.parse_recorded": R(bench.parse_recorded, dict(text=New(lambda: open(bench.read_recorded.__defaults__[0], encoding="utf-8").read())),
                              {"text": [None, 3, b"x", "", "no table here"], "where": [None, 3]}),
    "bench.read_recorded": R(bench.read_recorded, dict(), {"path": [None, 3, "/no/such/file.txt"]}),
    "bench.format_recorded": R(bench.format_recorded, dict(rec=New(bench.read_recorded)), {"rec": "object"}),
    "bench.provenance_text": R(bench.provenance_text, dict(rec=New(bench.read_recorded)), {"rec": "object"}),
    "bench.environment_labels": R(bench.environment_labels, dict(), {}),
    # ---- relulab.checks
    "checks.conclude": R(checks.conclude, dict(claims="C01", holds=True, en="ok", it="ok"),
                         {"claims": [None, 3, ""], "holds": ["yes", None, 1.5, np.array([True, False])], "en": [None, 3], "it": [None, 3]}),
    "checks.t_quantile": R(checks.t_quantile, dict(df=3), {"df": "count"}),
    "checks.paired": R(checks.paired, dict(a=[1.0, 2.0, 4.0]), {"a": "floats", "b": ["abc", None, ["a"], [1.0]]}),
    "checks.count": R(checks.count, dict(values=[1.0, 2.0, 4.0], predicate=lambda v: v > 1), {"values": [None, 3], "predicate": "callable"}),
    "checks.in_band": R(checks.in_band, dict(value=1.0, low=0.0, high=2.0), {"value": _NOT_A_NUMBER, "low": "float", "high": "float"}),
    # ---- relulab.conventions
    "conventions.live_table": R(conventions.live_table, dict(), {"dtype": [None, "float32", torch.int32, torch.bool]}),
    "conventions.mismatches": R(conventions.mismatches, dict(), {"live": [3, "abc"], "expected": [3, "abc"], "tol": "nonneg"}, allow={"live": (None,)}),
    "conventions.table_rows": R(conventions.table_rows, dict(entries=New(conventions.live_table)), {"entries": "object"}),
    "conventions.relu_disagreements": R(conventions.relu_disagreements, dict(entries=New(conventions.live_table)), {"entries": "object"}),
    "conventions.rule_breaks": R(conventions.rule_breaks, dict(entries=New(conventions.live_table)), {"entries": [*BAD["object"], [3]]}),
    "conventions.unexplained_breaks": R(conventions.unexplained_breaks, dict(entries=New(conventions.live_table)), {"entries": [*BAD["object"], [3]]}),
    # ---- relulab.data
    "data.digits_arrays": R(data.digits_arrays, dict(), {}),
    "data.digits": R(data.digits, dict(), {"seed": "seed", "test_fraction": "prob", "n_train": "size", "standardize": "bool"},
                     allow={"n_train": (None,)}, valid=False),
    # ---- relulab.domains
    "domains.image_task": R(domains.image_task, dict(patches=PATCHES, levels=7, n_classes=4, n_train=20, n_test=10),
                            {"patches": "farray", "levels": "count", "n_classes": "count", "n_train": "size", "n_test": "size", "seed": "seed", "name": "str"}, allow={"name": ("", "no-such-choice")}),
    "domains.text_task": R(domains.text_task, dict(ids=IDS, vocab_size=5, n_train=20, n_test=10),
                           {"ids": "farray", "vocab_size": "size", "context": "count", "dim": "size", "n_classes": "count", "n_train": "size",
                            "n_test": "size", "seed": "seed", "name": "str"}, allow={"name": ("", "no-such-choice")}),
    "domains.whiten": R(domains.whiten, dict(task=New(lambda: domains.text_task(IDS, 5, n_train=20, n_test=10))),
                        {"task": "object", "name": [3, b"x"], "eps": "pos"}),
    "domains.BatchedLinear": R(domains.BatchedLinear, dict(d_in=4, d_out=3, generators=[torch.Generator().manual_seed(0)]),
                               {"d_in": "size", "d_out": "size", "generators": [None, [], [3], "abc"]}),
    "domains.BatchedMLP": R(domains.BatchedMLP, dict(widths=[4, 3, 2], activation=torch.nn.ReLU, seeds=[0]), {"widths": "ints", "activation": "callable", "seeds": "seeds"},
                             allow={"seeds": ([0, 0],)}),  # documented: seeds may repeat (one per learning rate)
    "domains.dead_units": R(domains.dead_units, dict(model=MODEL, x=XM), {"model": "model", "x": "ftensor", "chunk": "size"}, allow={"chunk": (10**12,)}),
    "domains.pm": R(domains.pm, dict(values=[1.0, 2.0, 4.0]), {"values": ["abc", None, [], ["a"], [1 + 2j]], "digits": "int"}),
    "domains.summary_headers": R(domains.summary_headers, dict(), {}),
    # ---- relulab.dying
    "dying.dead_units": R(dying.dead_units, dict(model=MODEL, data=XM), {"model": "model", "data": [*BAD["ftensor"], torch.ones(3, 5), [], [torch.ones(3, 5)], [(torch.full((2, 4), NAN), Y[:2])], [torch.ones(0, 4)], ["abc"]],
                                                                     "layers": [3, ["no-such-layer"]], "eval_mode": "bool"}),
    "dying.dead_fraction": R(dying.dead_fraction, dict(model=MODEL, data=XM), {"model": "model", "data": [None, "abc", torch.ones(3, 5)]}),
    "dying.one_neuron_step": R(dying.one_neuron_step, dict(), {"lr": "pos", "n": "size", "seed": "seed", "w": ["abc", None, [1.0], [NAN, 1.0], [1.0, "a"]], "b": "float"}, valid=False),
    "dying.one_neuron_table": R(dying.one_neuron_table, dict(steps={0.5: dying.one_neuron_step(0.5, n=20)}), {"steps": [None, 3, "abc", {}, {0.5: 3}]}),
    "dying.with_batchnorm": R(dying.with_batchnorm, dict(model=MODEL), {"model": "model"}),
    "dying.kill_units": R(dying.kill_units, dict(model=MODEL, fraction=0.5), {"model": "model", "fraction": "prob", "seed": "seed"}),
    "dying.make_model": R(dying.make_model, dict(widths=[4, 3, 2]), {"widths": "ints", "activation": "str", "init": "str", "weight_scale": "float",
                                                                    "bias": "float", "batchnorm": "bool", "killed": "prob", "seed": "seed"}),
    "dying.born_dead_probability": R(dying.born_dead_probability, dict(widths=[4, 3, 2]), {"widths": "ints", "depth": _NOT_AN_INT}, allow={"depth": (None,)}),
    "dying.born_dead_monte_carlo": R(dying.born_dead_monte_carlo, dict(width=3, max_depth=2, x=XM, n_nets=10),
                                     {"width": "size", "max_depth": "count", "x": BAD["ftensor"][:2] + BAD["ftensor"][3:-1] + ["abc"], "n_nets": "size", "seed": "seed", "weights": "str",
                                      "bias_std": "float", "chunk": "size"}),
    "dying.unit_gradient_norms": R(dying.unit_gradient_norms, dict(model=MODEL, x=XM, y=Y), {"model": "model", "x": "ftensor", "y": Y_BAD}),
    "dying.layer_gradient_norms": R(dying.layer_gradient_norms, dict(model=MODEL, x=XM, y=Y), {"model": "model", "x": "ftensor", "y": Y_BAD}),
    "dying.rai_init": R(dying.rai_init, dict(model=MODEL), {"model": [*BAD["model"], torch.nn.Linear(4, 2), torch.nn.ReLU()], "seed": "seed"}),
    "dying.setting_label": R(dying.setting_label, dict(key="optimizer", value="sgd"), {"key": "str"}, allow={"key": ("", "no-such-choice")}),  # any other key: the value as it is
    "dying.validation_split": R(dying.validation_split, dict(split=SPLIT), {"split": "object", "fraction": [*BAD["prob"], 0.0, 0.6], "seed": "seed"}),
    # ---- relulab.exercises (the checkers' own answers are probed in tests/test_checker_robustness.py)
    "exercises.core.check_elementwise": R(exercises.check_elementwise, dict(fn=activations.relu_np, reference=activations.relu_np),
                                          {"fn": "callable", "reference": "callable", "backend": "str", "forbidden": [3, None], "dtypes": [3, ["float1"], "float1"],
                                           "autograd": ["yes", 1.5], "rtol": "nonneg", "atol": "nonneg"}),
    "exercises.core.check_answers": R(exercises.check_answers, dict(answers={"a": 1.0}, truth={"a": 1.0}),
                                      {"answers": [None, 3, "a", [1.0]], "truth": [None, 3, "a", {"a": "x"}], "explain": [3, "abc"], "rtol": "nonneg", "atol": "nonneg", "signed_zero": "bool"}),
    "exercises.core.check_relu": R(exercises.check_relu, dict(fn=activations.relu_np), {"fn": "callable", "backend": "str", "forbidden": [3, None]}),
    "exercises.core.check_relu_grad": R(exercises.check_relu_grad, dict(fn=activations.relu_grad_np), {"fn": "callable", "backend": "str", "at_zero": "float"}),
    "exercises.cost.check_maximum_edge": R(exercises.check_maximum_edge, dict(), {}),
    "exercises.cost.check_clamp_timing": R(exercises.check_clamp_timing, CLAMP_CALL, {"fn": "callable", "reference": "callable"}),
    "exercises.cost.check_leaky_traffic": R(exercises.check_leaky_traffic, dict(), {}),
    "exercises.definition.check_my_relu": R(exercises.check_my_relu, dict(fn=activations.relu_np), {"fn": "callable"}),
    "exercises.definition.check_relu_predictions": R(exercises.check_relu_predictions, dict(), {}),
    "exercises.definition.check_max_min": R(exercises.check_max_min, dict(my_max=lambda a, b: a + activations.relu_np(b - a)), {"my_max": "callable", "my_min": [3, "min"]}),
    "exercises.definition.check_sawtooth_units": R(exercises.check_sawtooth_units, dict(), {"depth": "count"}),
    "exercises.derivative.check_relu6_function": R(exercises.check_relu6_function, dict(relu6_at=RELU6_AT), {"relu6_at": "callable"}),
    "exercises.derivative.check_kink_gradients": R(exercises.check_kink_gradients, dict(), {}),
    "exercises.derivative.check_kink_quotients": R(exercises.check_kink_quotients, dict(), {}),
    "exercises.depth.check_depth_predictions": R(exercises.check_depth_predictions, dict(), {}),
    "exercises.depth.check_clip_function": R(exercises.check_clip_function, dict(clip=CLIP), {"clip": "callable"}),
    "exercises.domains.check_distinct_fraction": R(exercises.check_distinct_fraction, dict(fn=heterogeneity.distinct_fraction), {"fn": "callable"}),
    "exercises.domains.check_reglu": R(exercises.check_reglu, dict(module=New(lambda: transformer.FeedForward(8, transformer.ffn_width("swiglu", 8), "swiglu"))), {"module": "object"}),
    "exercises.domains.check_mode_coverage": R(exercises.check_mode_coverage, dict(fn=gan.mode_coverage), {"fn": "callable"}),
    "exercises.dying.check_dead_masks": R(exercises.check_dead_masks, dict(masks={}, model=MODEL, data=XM), {"masks": [None, 3, "abc"], "model": "model"}),
    "exercises.propagation.check_propagation_predictions": R(exercises.check_propagation_predictions, dict(), {}),
    "exercises.propagation.check_tanh_critical": R(exercises.check_tanh_critical, dict(), {"bias_var": "float"}),
    "exercises.propagation.check_leaky_correlation_map": R(exercises.check_leaky_correlation_map, dict(), {}),
    "exercises.sparsity.check_sparsity_measures": R(exercises.check_sparsity_measures, dict(acts=ACTS), {"acts": [b for b in BAD["ftensor"] if not isinstance(b, np.ndarray)]}),
    "exercises.sparsity.check_bias_shift_prediction": R(exercises.check_bias_shift_prediction, dict(x=XM, seeds=[0]), {"x": "ftensor", "seeds": "seeds"}),
    "exercises.sparsity.check_union_active": R(exercises.check_union_active, dict(fn=sparsity.union_active_fraction), {"fn": "callable"}),
    "exercises.variants.check_hard_sigmoid": R(exercises.check_hard_sigmoid, dict(fn=np.abs), {"fn": "callable"}),
    "exercises.variants.check_hard_swish": R(exercises.check_hard_swish, dict(fn=activations.hardswish_np), {"fn": "callable"}),
    "exercises.variants.check_variant_gradients": R(exercises.check_variant_gradients, dict(), {}),
    "exercises.variants.check_selu_fixed_points": R(exercises.check_selu_fixed_points, dict(), {"layers": [*_NOT_AN_INT, 0, -5, 10**9]}),
    "exercises.variants.check_sign_test": R(exercises.check_sign_test, dict(fn=np.abs), {"fn": "callable"}),
    "exercises.variants.mlp_params": R(exercises.mlp_params, dict(widths=[4, 3, 2]), {"widths": "ints"}),
    # ---- relulab.expressivity
    "expressivity.relu": R(expressivity.relu, dict(x=X_NP), {"x": "array"}),
    "expressivity.abs_from_relu": R(expressivity.abs_from_relu, dict(x=X_NP), {"x": "array"}),
    "expressivity.hat": R(expressivity.hat, dict(x=X_NP), {"x": "array"}),
    "expressivity.sawtooth": R(expressivity.sawtooth, dict(x=np.linspace(0, 1, 5), depth=2), {"x": "array", "depth": [*_NOT_AN_INT, -1, 10**6]}),
    "expressivity.from_breakpoints": R(expressivity.from_breakpoints, dict(xs=[0.0, 1.0], ys=[0.0, 1.0]),
                                       {"xs": [*BAD["floats"], [1.0, 0.0], [0.0, 0.0], [0.0, 1.0, 2.0]], "ys": [*BAD["floats"], [0.0]]}),
    "expressivity.count_pieces": R(expressivity.count_pieces, dict(y=np.abs(np.linspace(-1, 1, 9)), x=np.linspace(-1, 1, 9)),
                                   {"y": [*BAD["farray"], np.ones(3)], "x": [*BAD["farray"], np.ones(9), np.linspace(1, -1, 9)], "rtol": "nonneg"}),
    "expressivity.fit_shallow": R(expressivity.fit_shallow, dict(target=np.sin, width=2, seeds=[0], n_points=8, steps=2),
                                  {"target": "callable", "width": "size", "seeds": "seeds", "x_range": RANGE_BAD, "n_points": "size", "steps": "count", "lr": "pos"}),
    "expressivity.fit_shallow_widths": R(expressivity.fit_shallow_widths, dict(target=np.sin, widths=[2], seeds=[0], n_points=8, steps=2),
                                         {"target": "callable", "widths": "ints", "seeds": "seeds", "x_range": RANGE_BAD, "n_points": "size", "steps": "count", "lr": "pos"}),
    "expressivity.breakpoints_shallow": R(expressivity.breakpoints_shallow, dict(w1=np.array([1.0, -1.0]), b1=np.array([0.0, 0.5]), w2=np.array([1.0, 1.0]), x_range=(-1.0, 1.0)),
                                          {"w1": [*BAD["farray"], np.ones(3)], "b1": [*BAD["farray"], np.ones(3)], "w2": [*BAD["farray"], np.ones(3)], "x_range": RANGE_BAD}),
    "expressivity.interpolation_error": R(expressivity.interpolation_error, dict(target=np.sin, n_units=3, x_range=(0.0, 1.0), n_eval=50),
                                          {"target": "callable", "n_units": [*_NOT_AN_INT, -1], "x_range": RANGE_BAD, "n_eval": "size"}),
    # ---- relulab.gan
    "gan.ring_centres": R(gan.ring_centres, dict(), {"modes": "count", "radius": "pos"}),
    "gan.ring_of_gaussians": R(gan.ring_of_gaussians, dict(n=10, rng=np.random.default_rng(0)),
                               {"n": "size", "modes": "count", "radius": "pos", "std": "pos", "rng": [None, 3, "abc"]}),
    "gan.mode_coverage": R(gan.mode_coverage, dict(points=np.zeros((10, 2))),
                           {"points": [*BAD["farray"], np.zeros((10, 3)), np.zeros(10)], "modes": "count", "radius": "pos", "std": "pos", "min_share": "prob"}),
    "gan.grid_centres": R(gan.grid_centres, dict(side=3), {"side": "size", "spacing": "pos"}),
    "gan.mixture_of_gaussians": R(gan.mixture_of_gaussians, dict(n=10, centres=np.zeros((3, 2)), rng=np.random.default_rng(0)),
                                  {"n": "size", "centres": POINTS_BAD, "std": "pos", "rng": [None, 3, "abc", np.random.RandomState(0)]}),
    "gan.energy_distance": R(gan.energy_distance, dict(x=np.eye(2), y=np.ones((3, 2))), {"x": [*POINTS_BAD, np.ones((1, 2))], "y": [*POINTS_BAD, np.ones((1, 2))]}),
    "gan.sliced_wasserstein": R(gan.sliced_wasserstein, dict(x=np.eye(2), y=np.ones((3, 2))), {"x": POINTS_BAD, "y": POINTS_BAD, "projections": "size"}),
    "gan.BatchedLeakyReLU": R(gan.BatchedLeakyReLU, dict(slopes=[0.0, 0.2]), {"slopes": "floats"}),
    "gan.train_gan": R(gan.train_gan, dict(slopes=[0.2], seeds=[0], steps=2, batch_size=4, hidden=4, every=1, n_eval=10),
                       {"slopes": "floats", "seeds": "seeds", "steps": "count", "batch_size": "size", "hidden": "size", "z_dim": "size",
                        "lr": "pos", "std": "pos", "every": "count", "n_eval": "size"}, valid=False),
    # ---- relulab.gradients
    "gradients.difference_quotients": R(gradients.difference_quotients, dict(f=np.abs), {"f": "callable", "x0": "float", "hs": [*BAD["floats"], [0.0], [-1.0]]}),
    "gradients.one_sided_derivatives": R(gradients.one_sided_derivatives, dict(f=np.abs), {"f": "callable", "x0": "float", "h": "pos"}),
    "gradients.is_subgradient": R(gradients.is_subgradient, dict(f=np.abs, x0=0.0, slope=0.5), {"f": "callable", "x0": "float", "slope": "float", "xs": [*BAD["farray"][:-1]]}, allow={"xs": (None,)}),
    "gradients.ReLUAtZeroFunction": R(gradients.ReLUAtZeroFunction, dict(), {}),
    "gradients.relu_at_zero": R(gradients.relu_at_zero, dict(x=X_T), {"x": "tensor", "at_zero": "float"}),
    "gradients.ReLUAtZero": R(gradients.ReLUAtZero, dict(), {"at_zero": "float"}),
    "gradients.gradcheck_rows": R(gradients.gradcheck_rows, dict(points=[1.0], at_zeros=[0.0]), {"points": "floats", "at_zeros": "floats", "eps": "pos", "atol": "nonneg"}),
    "gradients.ZeroCounter": R(gradients.ZeroCounter, dict(model=MODEL), {"model": "model", "types": [None, 3, (3,)]}),
    "gradients.exact_zero_rows": R(gradients.exact_zero_rows, dict(x=XM, width=4, seeds=[0]), {"x": "ftensor", "width": "size", "seeds": "seeds"}),
    "gradients.at_zero_experiment": R(gradients.at_zero_experiment, dict(setup="standard", seeds=[0], epochs=1),
                                      {"setup": "str", "at_zeros": "floats", "seeds": "seeds", "epochs": "count", "lr": "pos"}, valid=False),
    "gradients.second_derivative": R(gradients.second_derivative, dict(fn=torch.relu, x=torch.tensor([1.0, -1.0])), {"fn": "callable", "x": "tensor"}),
    "gradients.input_curvature": R(gradients.input_curvature, dict(model=MODEL1, x=X1), {"model": "model", "x": [*BAD["ftensor"], XM]}),
    "gradients.curvature_loss_gradient_norm": R(gradients.curvature_loss_gradient_norm, dict(model=MODEL1, x=X1, target=torch.randn(6, 1, generator=_G)),
                                                {"model": "model", "x": [*BAD["ftensor"], XM], "target": [*BAD["ftensor"][:-1], torch.ones(6, 3)]}),
    "gradients.output_hessian": R(gradients.output_hessian, dict(model=MODEL1, x=X1), {"model": "model", "x": "ftensor"}),
    "gradients.grid": R(gradients.grid, dict(), {"activations": [None, 3, ["no-such-activation"], []], "inits": [None, 3, ["no-such-init"], []],
                                                 "seeds": "seeds", "scales": [None, 3, ["a"], [NAN], []]}),
    "gradients.MLPEnsemble": R(gradients.MLPEnsemble, dict(widths=[4, 3, 2], members=New(lambda: gradients.grid(seeds=[0, 1]))),
                               {"widths": "ints", "members": [None, 3, [], ["abc"]], "batchnorm": "bool", "dtype": [None, "float64", torch.int32]}),
    "gradients.mean_sd_text": R(gradients.mean_sd_text, dict(mean=1.0, sd=0.5), {"mean": _NOT_A_NUMBER, "sd": _NOT_A_NUMBER, "decimals": [*_NOT_AN_INT, -1]}),
    "gradients.derivative_moment": R(gradients.derivative_moment, dict(activation="relu"), {"activation": "str", "sigma": "pos", "nodes": "size"}),
    "gradients.layer_gain": R(gradients.layer_gain, dict(activation="relu", init="he"), {"activation": "str", "init": "str", "sigma": "pos"}),
    "gradients.label": R(gradients.label, dict(name="sigmoid"), {"name": "str"}),
    "gradients.rate_grid": R(gradients.rate_grid, dict(low=0.01, high=1.0, per_decade=2), {"low": [*BAD["pos"], 1e3], "high": [*BAD["pos"], 1e3, 0.001], "per_decade": "size"}),
    "gradients.validation_split": R(gradients.validation_split, dict(x=XM, y=Y),
                                    {"x": [*BAD["ftensor"], torch.full((6, 4), NAN), torch.tensor(1.0), torch.ones(3, 4)], "y": [*BAD["tensor"], torch.tensor(1), torch.zeros(3)],
                                     "fraction": [*BAD["prob"], 0.0, 1.0], "seed": "seed"}),
    "gradients.digits_split_for_tuning": R(gradients.digits_split_for_tuning, dict(), {"val_fraction": [*BAD["prob"], 0.0, 1.0]}),
    # ---- relulab.heterogeneity
    "heterogeneity.as_rows": R(heterogeneity.as_rows, dict(x=Z), {"x": [*BAD["farray"], np.ones((2, 2, 2))], "name": [None, 3]}),
    "heterogeneity.distinct_fraction": R(heterogeneity.distinct_fraction, dict(x=Z), {"x": "farray"}),
    "heterogeneity.entropy_bits": R(heterogeneity.entropy_bits, dict(x=Z), {"x": "farray"}),
    "heterogeneity.normalized_entropy": R(heterogeneity.normalized_entropy, dict(x=Z), {"x": "farray"}),
    "heterogeneity.covariance_spectrum": R(heterogeneity.covariance_spectrum, dict(x=np.eye(3)), {"x": "farray"}),
    "heterogeneity.effective_rank": R(heterogeneity.effective_rank, dict(x=np.eye(3)), {"x": "farray"}),
    "heterogeneity.participation_ratio": R(heterogeneity.participation_ratio, dict(x=np.eye(3)), {"x": "farray"}),
    "heterogeneity.measure": R(heterogeneity.measure, dict(x=np.eye(3)), {"x": "farray", "name": [None, 3]}),
    # ---- relulab.i18n
    "i18n.use_language": R(i18n.use_language, dict(lang="en"), {"lang": "lang"}),
    "i18n.current_language": R(i18n.current_language, dict(), {}),
    "i18n.register": R(i18n.register, dict(messages={}), {"messages": [None, 3, "abc", {"k": "v"}, {"k": {"fr": "x"}}, {"k": {"en": 3}}]}),
    "i18n.t": R(i18n.t, dict(key="input"), {"key": [None, 3, 1.5, b"input", ["input"]]}),
    "i18n.template": R(i18n.template, dict(key="input"), {"key": [None, 3, 1.5, b"input", ["input"]], "lang": [3, "fr", "", ["en"]]}),
    "i18n.keys": R(i18n.keys, dict(), {}),
    "i18n.number": R(i18n.number, dict(x=1.5), {"x": _NOT_A_NUMBER, "digits": [*_NOT_AN_INT, -1, 10**6], "lang": [3, "fr", "", ["en"]]}),
    "i18n.significant": R(i18n.significant, dict(x=1.5), {"x": _NOT_A_NUMBER, "digits": [*_NOT_AN_INT, 0, 18, 10**6], "lang": [3, "fr", "", ["en"]]}),
    "i18n.echo": R(i18n.echo, dict(), {"sep": [None, 3, b" ", [" "]], "end": [None, 3, b"\n", ["\n"]]}),
    "i18n.localize_numbers": R(i18n.localize_numbers, dict(text="x = 0.5"), {"text": [None, 3, 0.5, b"0.5", ["0.5"]], "lang": [3, "fr", "", ["en"]]}),
    "i18n.localized_value": R(i18n.localized_value, dict(value=0.5, text="0.5"), {"text": [None, 3, 0.5, b"0.5", ["0.5"]]}),  # value: any object
    # ---- relulab.images
    "images.photographs": R(images.photographs, dict(), {}),
    "images.skimage_photographs": R(images.skimage_photographs, dict(side=8), {"side": "size"}),
    "images.digit_images": R(images.digit_images, dict(), {}),
    "images.patches": R(images.patches, dict(images=[np.ones((8, 8))], size=4, n=3, seed=0),
                        {"images": [None, "abc", [], [np.ones((2, 2))], [np.array([[1 + 2j] * 8] * 8)], [np.full((8, 8), NAN)]], "size": "size", "n": "size", "seed": "seed"}),
    "images.BatchedCNN": R(images.BatchedCNN, dict(activation=torch.nn.ReLU, seeds=[0]), {"activation": "callable", "seeds": "seeds", "c1": "size", "c2": "size"}),
    # ---- relulab.ledger
    "ledger.load_claims": R(ledger.load_claims, dict(), {"directory": [None, 3, "/no/such/dir"]}),
    "ledger.render_page": R(ledger.render_page, dict(lang="en"), {"lang": "lang", "claims": [3, "abc", [3]]}),
    # ---- relulab.moments
    "moments.relu_gaussian_moments": R(moments.relu_gaussian_moments, dict(), {"mu": "float", "sigma": "pos"}),
    "moments.relu_gaussian_monte_carlo": R(moments.relu_gaussian_monte_carlo, dict(n=100, seeds=[0]), {"mu": "float", "sigma": "pos", "n": "size", "seeds": "seeds"}),
    # ---- relulab.numerics
    "numerics.is_x86_64": R(numerics.is_x86_64, dict(), {"machine": [3, b"x86_64", ["x86_64"]]}),
    "numerics.pinned_env": R(numerics.pinned_env, dict(), {"base": [3, "abc", {"A": 3}]}),
    "numerics.unpinned_env": R(numerics.unpinned_env, dict(), {"base": [3, "abc", {"A": 3}]}),
    "numerics.problems": R(numerics.problems, dict(), {"env": [3, "abc", {"A": 3}]}),
    "numerics.mode": R(numerics.mode, dict(), {"env": [3, "abc", {"A": 3}]}),
    "numerics.record": R(numerics.record, dict(), {}),
    # ---- relulab.plotting
    "plotting.series_style": R(plotting.series_style, dict(i=0), {"i": [*_NOT_AN_INT, -1]}),
    "plotting.use_house_style": R(plotting.use_house_style, dict(), {}),
    "plotting.subplots": R(plotting.subplots, dict(), {"ncols": "count", "nrows": "count", "width": "pos", "height": "pos"}, allow={"width": (None,)}),
    "plotting.plot_function_and_derivative": R(plotting.plot_function_and_derivative, dict(f=np.abs, df=np.sign, name="abs", n=11),
                                               {"f": "callable", "df": "callable", "name": [None, 3], "x_range": RANGE_BAD, "n": "size", "axes": [3, "abc", []]}),
    "plotting.localize_ticks": R(plotting.localize_ticks, dict(fig=New(lambda: plotting.subplots()[0])), {"fig": [*BAD["object"], New(lambda: plotting.subplots()[1])]}),
    # ---- relulab.probes
    "probes.activation_layers": R(probes.activation_layers, dict(model=MODEL), {"model": "model", "types": [3, "abc", [3]]}),
    "probes.resolve_layers": R(probes.resolve_layers, dict(model=MODEL), {"model": "model", "layers": [3, ["no-such-layer"], "act1"]}),
    "probes.ForwardHooks": R(probes.ForwardHooks, dict(), {}),
    "probes.ActivationRecorder": R(probes.ActivationRecorder, dict(model=MODEL), {"model": "model", "layers": [3, ["no-such-layer"]], "keep": "str"}),
    "probes.record_activations": R(probes.record_activations, dict(model=MODEL, data=XM),
                                   {"model": "model", "data": [None, "abc", torch.ones(3, 5)], "layers": [3, ["no-such-layer"]], "batch_size": "size"},
                                   allow={"batch_size": (None, 10**12)}),
    # ---- relulab.propagation
    "propagation.relu_expectation": R(propagation.relu_expectation, dict(c=0.5), {"c": [*BAD["farray"][:-1], 1.5, -2.0], "q1": "nonneg", "q2": "nonneg"}, allow={"q2": (None,)}),
    "propagation.relu_step_expectation": R(propagation.relu_step_expectation, dict(c=0.5), {"c": [*BAD["farray"][:-1], 1.5, -2.0]}),
    "propagation.relu_correlation_map": R(propagation.relu_correlation_map, dict(c=0.5), {"c": [*BAD["farray"][:-1], 1.5, -2.0]}),
    "propagation.relu_kernel": R(propagation.relu_kernel, dict(K=np.eye(2)), {"K": [*BAD["farray"], np.ones((2, 3)), np.array([[1.0, 2.0], [0.0, 1.0]])]}),
    "propagation.variance_map": R(propagation.variance_map, dict(q=1.0), {"q": "nonneg", "activation": "str", "weight_var": "nonneg", "bias_var": "float"}),
    "propagation.fixed_point_variance": R(propagation.fixed_point_variance, dict(activation="tanh"), {"activation": "str", "weight_var": "nonneg", "bias_var": "float", "q0": "nonneg", "tol": "pos", "max_iter": "count"}),
    "propagation.correlation_map": R(propagation.correlation_map, dict(c=0.5), {"c": [*_NOT_A_NUMBER, NAN, 1.5, -2.0], "activation": "str", "weight_var": "nonneg", "bias_var": "float", "q": "nonneg"},
                                     allow={"c": ([0.5],), "q": (None,)}),
    "propagation.correlation_fixed_point": R(propagation.correlation_fixed_point, dict(), {"activation": "str", "weight_var": "nonneg", "bias_var": "float", "tol": "pos"}),
    "propagation.chi1": R(propagation.chi1, dict(), {"activation": "str", "weight_var": "nonneg", "bias_var": "float", "q": "nonneg"}, allow={"q": (None,)}),
    "propagation.chi_c": R(propagation.chi_c, dict(), {"activation": "str", "weight_var": "nonneg", "bias_var": "float"}),
    "propagation.critical_weight_var": R(propagation.critical_weight_var, dict(), {"activation": "str", "bias_var": "float", "low": "pos", "high": "pos", "tol": "pos"}),
    "propagation.correlation_depth": R(propagation.correlation_depth, dict(), {"activation": "str", "weight_var": "nonneg", "bias_var": "float"}),
    "propagation.correlations_through_depth": R(propagation.correlations_through_depth, dict(c0=0.5, depth=3),
                                                {"c0": [*_NOT_A_NUMBER, NAN, 1.5], "depth": "count", "activation": "str", "weight_var": "nonneg", "bias_var": "float", "q0": "nonneg"}, allow={"c0": ([0.5],)}),
    "propagation.layer_variances": R(propagation.layer_variances, dict(init="he", widths=[4, 3, 2]), {"init": "str", "widths": "ints"}),
    "propagation.kernels_through_depth": R(propagation.kernels_through_depth, dict(x=Z, variances=[(2.0, 0.0)]),
                                           {"x": "farray", "variances": [None, 3, [], [(2.0,)], [(NAN, 0.0)], [(-1.0, 0.0)]]}),
    "propagation.predicted_spread": R(propagation.predicted_spread, dict(K=np.eye(2)), {"K": [*BAD["farray"], np.ones((2, 3))]}),
    "propagation.predicted_dead_share": R(propagation.predicted_dead_share, dict(K=np.eye(2), samples=100), {"K": [*BAD["farray"], np.ones((2, 3))], "samples": "size", "seed": "seed"}),
    "propagation.predicted_zero_share_with_bias": R(propagation.predicted_zero_share_with_bias, dict(x=Z, depth=3, bias=0.1),
                                                    {"x": "farray", "depth": "count", "bias": "float", "weight_var": "pos"}),
    "propagation.predicted_gradient_log10_ratio": R(propagation.predicted_gradient_log10_ratio, dict(init="he", depth=3, width=8),
                                                    {"init": "str", "depth": "count", "width": "size"}, allow={"width": (10**12,)}),
    "propagation.simulate_pair": R(propagation.simulate_pair, dict(c0=0.5, depth=2, width=8, seeds=[0]),
                                   {"c0": [*_NOT_A_NUMBER, NAN, 1.5], "depth": "count", "width": "size", "activation": "str", "weight_var": "nonneg", "bias_var": "float", "seeds": "seeds"}, allow={"c0": ([0.5],)}),
    "propagation.simulate_layers": R(propagation.simulate_layers, dict(x=Z, depth=2, width=8, seeds=[0]),
                                     {"x": "farray", "depth": "count", "width": "size", "init": "str", "seeds": "seeds", "float32": "bool"}),
    "propagation.mean_ci": R(propagation.mean_ci, dict(values=[1.0, 2.0, 4.0]), {"values": "floats"}),
    "propagation.plot_correlation_maps": R(propagation.plot_correlation_maps, dict(theory=_THEORY3, pair=_PAIR3, width=8),
                                           {"theory": [*BAD["farray"], np.ones((3, 2)), np.ones(4)], "pair": [None, 3, "x", _THEORY3],
                                            "width": "count", "tanh_weight_vars": [[-1.0], [NAN], ["a"], None, 3], "bias_var": "nonneg"}),
    "propagation.correlation_table": R(propagation.correlation_table, dict(theory=_THEORY3, pair=_PAIR3, width=8, layers=[1, 3]),
                                       {"theory": BAD["farray"], "pair": [None, 3, "x"], "width": "count",
                                        "layers": [[0], [4], "x", None, [1.5], []]}),
    "propagation.plot_phases": R(propagation.plot_phases, dict(bias_var=0.05), {"bias_var": "nonneg"}),
    "propagation.phase_table": R(propagation.phase_table, dict(weight_vars=[1.0, 2.0], bias_var=0.05),
                                 {"weight_vars": [[], [-1.0], [0.0], [NAN], "x", None, 3], "bias_var": "nonneg"}),
    "propagation.ci_text": R(propagation.ci_text, dict(values=[1.0, 2.0, 4.0]), {"values": "floats", "decimals": [*_NOT_AN_INT, -1]}),
    # ---- relulab.replication
    "replication.source_hash": R(replication.source_hash, dict(functions=[training.mlp]), {"functions": [None, 3, "abc", [], [3]]}),
    "replication.experiment": R(replication.experiment, dict(name="probe-only", book={}, full={}),
                                {"name": [None, 3, "", "a b", "a/b"], "book": [None, 3, "abc"], "full": [None, 3, "abc"], "depends": [3, "abc", [3]]}),
    "replication.discover": R(replication.discover, dict(), {}),
    "replication.get": R(replication.get, dict(name="no-such-experiment"), {"name": [None, 3, ["x"], "no-such-experiment"]}, valid=False),
    "replication.record_path": R(replication.record_path, dict(name="x"), {"name": [None, 3, "", "a/b"], "folder": [3, b"x"]}),
    "replication.records_folder": R(replication.records_folder, dict(), {}),
    "replication.agreements": R(replication.agreements, dict(book={"e": ({"mean": 1.0, "low": 0.5, "high": 1.5}, 0.0)}, full={"e": ({"mean": 0.2, "low": -0.1, "high": 0.5}, 0.0)}),
                                {"book": [None, 3, "abc", {}, {"e": 3}, {"x": ({"mean": 1.0, "low": 0.5, "high": 1.5}, 0.0)}], "full": [None, 3, "abc", {}, {"e": (1, 2, 3)}, {"e": ({"mean": 1.0, "low": 0.5, "high": 1.5}, 1.0)}]}),
    "replication.agreement": R(replication.agreement, dict(book={"mean": 1.0, "low": 0.5, "high": 1.5}, full={"mean": 0.2, "low": -0.1, "high": 0.5}),
                               {"book": [None, 3, "abc", {"mean": 0.1}, {"mean": NAN, "low": 0.0, "high": 1.0}, {"mean": 5.0, "low": 0.0, "high": 1.0}],
                                "full": [None, 3, "abc", {"mean": 0.1}, {"mean": 0.5, "low": -INF, "high": 1.0}],
                                "null": [*_NOT_A_NUMBER[:-1], NAN, INF]}),
    # ---- relulab.seeding
    "seeding.seed_everything": R(seeding.seed_everything, dict(), {"seed": "seed", "threads": [*_NOT_AN_INT[:-1], 0, -1]}, allow={"threads": (None,)}, valid=False),
    "seeding.rng": R(seeding.rng, dict(seed=0), {"seed": "seed"}),
    # ---- relulab.sparsity
    "sparsity.inactive_mask": R(sparsity.inactive_mask, dict(acts=ACTS), {"acts": "tensor"}),
    "sparsity.zero_fraction": R(sparsity.zero_fraction, dict(acts=ACTS), {"acts": "ntensor"}),
    "sparsity.population_sparsity": R(sparsity.population_sparsity, dict(acts=ACTS), {"acts": "ntensor"}),
    "sparsity.lifetime_sparsity": R(sparsity.lifetime_sparsity, dict(acts=ACTS), {"acts": "ntensor"}),
    "sparsity.dead_mask": R(sparsity.dead_mask, dict(acts=ACTS), {"acts": "ntensor"}),
    "sparsity.always_on_mask": R(sparsity.always_on_mask, dict(acts=ACTS), {"acts": "ntensor"}),
    "sparsity.layer_sparsity": R(sparsity.layer_sparsity, dict(model=MODEL, data=XM), {"model": "model", "data": [None, "abc", torch.ones(3, 5)], "layers": [3, ["no-such-layer"]]}),
    "sparsity.init_network": R(sparsity.init_network, dict(widths=[4, 3, 2]), {"widths": "ints", "init": "str", "bias": [None, "no-such-bias", NAN, INF, 1 + 2j],
                                                                             "weight_shift": "float", "seed": "seed", "activation": "callable"}),
    "sparsity.sparsity_at_init": R(sparsity.sparsity_at_init, dict(x=XM, depth=2, width=4, seeds=[0]),
                                   {"x": "ftensor", "depth": "count", "width": "size", "init": "str", "bias": [None, "no-such-bias", NAN, INF], "weight_shift": "float", "seeds": "seeds"}),
    "sparsity.gaussian_zero_fraction": R(sparsity.gaussian_zero_fraction, dict(x=XM, weight_std=1.0), {"x": "ftensor", "weight_std": "pos", "bias": "float"}),
    "sparsity.ActivationL1": R(sparsity.ActivationL1, dict(model=MODEL, lam=0.1), {"model": "model", "lam": [*_NOT_A_NUMBER, NAN, INF, -1.0], "layers": [3, ["no-such-layer"]]}),
    "sparsity.train_probed": R(sparsity.train_probed, dict(split=SPLIT, widths=[4, 3, 2], epochs=1),
                               {"split": "object", "widths": "ints", "seed": "seed", "epochs": "count", "lr": "pos", "optimizer": "str", "batch_size": "size",
                                "activation": "callable", "init": "str", "bias": [None, "no-such-bias", NAN], "l1": [*_NOT_A_NUMBER, NAN, INF, -1.0],
                                "dropout": "prob", "flips": "bool", "every_epoch": "bool"}, valid=False),
    "sparsity.train_probed_seeds": R(sparsity.train_probed_seeds, dict(split=SPLIT, seeds=[0, 1], widths=[4, 3, 2], epochs=1),
                                     {"split": "object", "seeds": "seeds", "widths": "ints", "epochs": "count", "lr": "pos", "batch_size": "size",
                                      "activation": "callable", "init": "str", "bias": [None, "no-such-bias", NAN], "flips": "bool", "every_epoch": "bool"},
                                     valid=False),
    "sparsity.mean_sd": R(sparsity.mean_sd, dict(values=[1.0, 2.0, 4.0]), {"values": ["abc", None, [], ["a"], [1 + 2j]]}),
    "sparsity.pm": R(sparsity.pm, dict(values=[1.0, 2.0, 4.0]), {"values": ["abc", None, [], ["a"], [1 + 2j]], "digits": [*_NOT_AN_INT, -1]}),
    "sparsity.flip_rate": R(sparsity.flip_rate, dict(before=ACTS, after=ACTS), {"before": [*BAD["tensor"], torch.ones(6, 3)], "after": [*BAD["tensor"], torch.ones(6, 3)]}),
    "sparsity.noise_flip_rate": R(sparsity.noise_flip_rate, dict(model=MODEL, x=XM, sigma=0.1), {"model": "model", "x": "ftensor", "sigma": "nonneg", "seed": "seed"}),
    "sparsity.pairwise_disagreement": R(sparsity.pairwise_disagreement, dict(acts=ACTS), {"acts": "ntensor", "labels": Y_BAD}, allow={"labels": (None, Y_BAD[5], Y_BAD[6])}),  # labels only group the examples
    "sparsity.class_activation_profile": R(sparsity.class_activation_profile, dict(acts=ACTS, labels=LABELS), {"acts": "ntensor", "labels": Y_BAD, "n_classes": [*_NOT_AN_INT[:-1], 0, 1, 10**12]}, allow={"n_classes": (None,)}),
    "sparsity.top_class_share": R(sparsity.top_class_share, dict(profile=PROFILE), {"profile": [*BAD["farray"], np.ones(3), -np.ones((2, 2))]}),
    "sparsity.count_patterns": R(sparsity.count_patterns, dict(acts=ACTS), {"acts": [*BAD["tensor"], [], {}, [ACTS, torch.ones(5, 4)]]}),
    "sparsity.median_top_class_share": R(sparsity.median_top_class_share, dict(model=MODEL, x=XM, y=Y), {"model": "model", "x": "ftensor", "y": Y_BAD}),
    "sparsity.union_active_fraction": R(sparsity.union_active_fraction, dict(acts=ACTS, batch_size=2), {"acts": "ntensor", "batch_size": [*_NOT_AN_INT, 0, -1, 7]}),
    "sparsity.time_products": R(sparsity.time_products, dict(n_in=8, n_out=8, repeats=2), {"n_in": "size", "n_out": "size", "batch": "size", "zero_fraction": "prob", "repeats": "count", "seed": "seed"}),
    "sparsity.output_mean": R(sparsity.output_mean, dict(name="ReLU", n=100), {"name": "str", "n": "size", "seed": "seed"}),
    "sparsity.exact_output_mean": R(sparsity.exact_output_mean, dict(name="ReLU"), {"name": "str"}),
    "sparsity.same_sign_share": R(sparsity.same_sign_share, dict(grad=XM), {"grad": "ntensor"}),
    "sparsity.grad_sign_share": R(sparsity.grad_sign_share, dict(model=MODEL, x=XM, y=Y, layer="fc1", batch_sizes=[2], n_batches=2),
                                  {"model": "model", "x": "ftensor", "y": Y_BAD, "layer": "str", "batch_sizes": "ints", "n_batches": "count", "seed": "seed"}),
    "sparsity.batchnorm_variant": R(sparsity.batchnorm_variant, dict(model=MODEL, where="before", calibrate=XM), {"model": "model", "where": "str", "calibrate": "ftensor"}, allow={"calibrate": (None,)}),
    "sparsity.output_moments": R(sparsity.output_moments, dict(name="ReLU", n=100), {"name": "str", "n": "size", "seed": "seed"}),
    "sparsity.input_second_moment": R(sparsity.input_second_moment, dict(name="ReLU", n_inputs=3), {"name": "str", "n_inputs": "size"}),
    "sparsity.input_condition_number": R(sparsity.input_condition_number, dict(name="ReLU", n_inputs=3), {"name": "str", "n_inputs": "size"}),
    "sparsity.relu_condition_number": R(sparsity.relu_condition_number, dict(n_inputs=3), {"n_inputs": [*_NOT_AN_INT, 0, -1]}),
    "sparsity.test_nll": R(sparsity.test_nll, dict(model=MODEL, split=SPLIT),
                           {"model": [*BAD["model"], torch.nn.ReLU(), New(lambda: training.mlp([5, 3, 2], seed=0))],
                            "split": [*BAD["object"], New(lambda: data.Split(XM, Y, torch.full((6, 4), NAN), Y)), New(lambda: data.Split(XM, Y, XM, Y + 5))]}),
    "sparsity.gd_steps_to_converge": R(sparsity.gd_steps_to_converge, dict(second_moment=np.eye(2) * [1.0, 2.0]),
                                       {"second_moment": [*BAD["farray"], np.ones((2, 3)), np.zeros((0, 0)), -np.eye(2)], "tol": "pos", "max_steps": [*_NOT_AN_INT, 0, -1]}),
    "sparsity.sgd_path": R(sparsity.sgd_path, dict(activation="ReLU", steps=3), {"activation": "str", "target": "floats", "steps": "count", "lr": "pos", "seed": "seed"}),
    "sparsity.class_profile_order": R(sparsity.class_profile_order, dict(profile=PROFILE), {"profile": [*BAD["farray"], np.ones(3)]}),
    "sparsity.plot_class_profile": R(sparsity.plot_class_profile, dict(profile=PROFILE), {"profile": [*BAD["farray"], np.ones(3)], "title": [3, b"x"]}),
    # ---- relulab.stats
    "stats.bootstrap_interval": R(stats.bootstrap_interval, dict(values=[1.0, 2.0, 4.0], n_boot=1000), {"values": "floats", "n_boot": "size", "seed": "seed"}),
    "stats.interval_text": R(stats.interval_text, dict(iv={"mean": 0.1, "low": 0.0, "high": 0.2, "n": 5}, with_n=True),
                             {"iv": ["abc", 3, {"mean": 0.1}, {"mean": 0.1, "low": 0.0, "high": 0.2}], "digits": "int", "with_n": "bool"}),
    "stats.summarize": R(stats.summarize, dict(values=[1.0, 2.0, 4.0], n_boot=1000), {"values": "floats", "method": "str", "n_boot": "size", "seed": "seed"}),
    "stats.compare": R(stats.compare, dict(a=[1.0, 2.0, 4.0], b=[1.5, 2.0, 3.0], n_boot=1000),
                       {"a": "floats", "b": [*BAD["floats"], [1.0]], "names": [None, "AB", ("A",), (1, 2)], "higher_is_better": "bool", "method": "str",
                        "margin": [*_NOT_A_NUMBER, NAN, INF, -1.0], "n_boot": "size", "seed": "seed"}),
    # ---- relulab.tables
    "tables.fmt": R(tables.fmt, dict(value=1.5), {"digits": [*_NOT_AN_INT, -1, 10**6]}),
    "tables.format_table": R(tables.format_table, dict(rows=[[1, 2.5]], headers=["a", "b"]),
                             {"rows": [None, 3, "abc", [[1]], [3]], "headers": [None, 3, "ab", ["a"]], "digits": [*_NOT_AN_INT, -1]}),
    # ---- relulab.text
    "text.markdown_cells": R(text.markdown_cells, dict(source=NBSRC, lang="en"), {"source": [None, 3, b"x"], "lang": "lang"}),
    "text.sources_folder": R(text.sources_folder, dict(), {}),
    "text.clean_markdown": R(text.clean_markdown, dict(md="# Title\n\nSome *text*."), {"md": [None, 3, b"x"]}),
    "text.book_prose": R(text.book_prose, dict(lang="en", chapters=["01_definition"]), {"lang": "lang", "chapters": [None, 3, "01_definition", [], [3]],
                                                                                        "directory": [3, "/no/such/dir"]}),
    "text.words": R(text.words, dict(text="a b c"), {"text": [None, 3, b"x", ["a"]]}),
    "text.encode": R(text.encode, dict(tokens=["a", "b", "a"], size=2), {"tokens": [None, 3, "abc", [], [3]], "size": "size"}, allow={"size": (10**12,)}),
    "text.ngrams": R(text.ngrams, dict(ids=np.arange(6), n=2), {"ids": [*BAD["farray"], np.array([0.5, 1.5]), np.array([-1, 2])], "n": [*_NOT_AN_INT, 0, -1, 7]}),
    "text.embed_ngrams": R(text.embed_ngrams, dict(contexts=np.array([[0, 1], [1, 2]]), vocab_size=3, dim=2, seed=0),
                           {"contexts": [*BAD["farray"], np.array([[0, 5]]), np.array([[0.5, 1.0]])], "vocab_size": "size", "dim": "size", "seed": "seed"}),
    "text.zipf_probabilities": R(text.zipf_probabilities, dict(n=5, exponent=1.0), {"n": "size", "exponent": "nonneg"}),
    "text.zipf_markov_tokens": R(text.zipf_markov_tokens, dict(n_tokens=20, vocab_size=5, exponent=1.0, seed=0),
                                 {"n_tokens": "size", "vocab_size": "size", "exponent": "nonneg", "seed": "seed"}),
    # ---- relulab.training
    "training.mlp": R(training.mlp, dict(widths=[4, 3, 2]), {"widths": "ints", "activation": "callable", "init": "str", "weight_scale": "float", "bias": "float", "seed": "seed"}, allow={"seed": (None,)}),
    "training.stack_layers": R(training.stack_layers, dict(widths=[4, 3, 2], make_linear=torch.nn.Linear, activation=torch.nn.ReLU),
                               {"widths": "ints", "make_linear": "callable", "activation": "callable"}),
    "training.accuracy": R(training.accuracy, dict(model=MODEL, x=XM, y=Y), {"model": "model", "x": "ftensor", "y": Y_BAD}),
    "training.train": R(training.train, dict(model=MODEL, x=XM, y=Y, epochs=1),
                        {"model": "model", "x": "ftensor", "y": Y_BAD, "x_test": BAD["ftensor"][1:], "y_test": Y_BAD[1:], "optimizer": "str", "lr": "pos",
                         "epochs": "count", "batch_size": "size", "weight_decay": [*_NOT_A_NUMBER, NAN, INF, -1.0], "seed": "seed",
                         "loss_fn": [3, "mse"], "on_step": [3, "print"], "track_accuracy": "bool"}),
    # ---- relulab.transformer
    "transformer.char_vocab": R(transformer.char_vocab, dict(text="abcab"), {"text": [None, 3, b"x", ""], "min_count": [*_NOT_AN_INT, 0, -1]}),
    "transformer.ffn_width": R(transformer.ffn_width, dict(kind="relu", d_model=8), {"kind": "str", "d_model": [*_NOT_AN_INT, 0, -1], "mult": [*_NOT_AN_INT, 0, -1]}),
    "transformer.FeedForward": R(transformer.FeedForward, dict(d_model=8, hidden=6, kind="relu"), {"d_model": "size", "hidden": "size", "kind": "str"}),
    "transformer.Block": R(transformer.Block, dict(d_model=8, n_head=2, hidden=6, kind="relu", context=4),
                           {"d_model": "size", "n_head": [*_NOT_AN_INT, 0, -1, 3], "hidden": "size", "kind": "str", "context": "size"}),
    "transformer.TinyLM": R(transformer.TinyLM, dict(vocab=5, d_model=8, context=4),
                            {"vocab": "size", "kind": "str", "d_model": "size", "n_head": [*_NOT_AN_INT, 0, -1, 3], "n_layer": "count", "context": "size", "mult": "count"}),
    "transformer.lm_batches": R(transformer.lm_batches, dict(ids=IDS, context=4, batch_size=2, steps=2, seed=0),
                                {"ids": [*BAD["farray"], np.array([0.5, 1.5] * 10), np.arange(3)], "context": "size", "batch_size": "size", "steps": "count", "seed": "seed"}),
    "transformer.ffn_probe": R(transformer.ffn_probe, dict(model=TINY_LM, idx=torch.tensor([[0, 1, 2, 3]])),
                               {"model": "model", "idx": [*BAD["tensor"], torch.tensor([[0, 9]]), torch.tensor([[0.5, 1.0]]), torch.zeros(1, 9, dtype=torch.long)]}),
    "transformer.validation_batch": R(transformer.validation_batch, dict(val_ids=IDS, context=4), {"val_ids": [*BAD["farray"], np.arange(3)], "context": "size"}),
    "transformer.validation_loss": R(transformer.validation_loss, dict(model=TINY_LM, val_ids=IDS), {"model": "model", "val_ids": [*BAD["farray"], np.array([0, 99] * 10)]}),
    "transformer.train_lm": R(transformer.train_lm, dict(train_ids=IDS, val_ids=IDS, vocab=5, kind="relu", seed=0, steps=2, batch_size=2, d_model=8, context=4),
                              {"train_ids": "farray", "val_ids": "farray", "vocab": "size", "kind": "str", "seed": "seed", "steps": "count", "batch_size": "size",
                               "lr": "pos", "d_model": "size", "n_head": [*_NOT_AN_INT, 0, 3], "n_layer": "count", "context": "size"}, valid=False),
    "transformer.compare_ffn": R(transformer.compare_ffn, dict(train_ids=IDS, val_ids=IDS, vocab=5, seeds=[0], steps=2, batch_size=2, d_model=8, context=4),
                                 {"train_ids": "farray", "val_ids": "farray", "vocab": "size", "kinds": [None, "relu", [], ["no-such-kind"]], "seeds": "seeds"}, valid=False),
    "transformer.summary_headers": R(transformer.summary_headers, dict(), {"n_layer": [*_NOT_AN_INT, -1]}),
    "twodomains.text_stream": R(twodomains.text_stream, dict(vocab=8), {"vocab": "size"}),
    "twodomains.digit_patches": R(twodomains.digit_patches, dict(patch=4), {"patch": [*_NOT_AN_INT, 0, -1, 3, 10**12]}),
    "twodomains.photo_patches": R(twodomains.photo_patches, dict(patch=64), {"patch": "size"}),
    "twodomains.kmeans_codebook": R(twodomains.kmeans_codebook, dict(x=np.eye(3), k=1), {"x": [*BAD["farray"], np.ones(3)], "k": "size", "seed": "seed", "iters": [*_NOT_AN_INT, -1, 10**12]}),
    "twodomains.make_domain": R(twodomains.make_domain, dict(name="text", vocab=8, tokens=500), {"name": "str", "vocab": "size", "tokens": "size", "val_share": "prob"}),
    "twodomains.ngram_baselines": R(twodomains.ngram_baselines, dict(domain=TOY_DOMAIN, context=4), {"domain": "object", "context": "size"}),
    "twodomains.ffn_measures": R(twodomains.ffn_measures, dict(model=TINY_LM, idx=torch.tensor([[0, 1, 2, 3]])), {"model": "model", "idx": "tensor"}),
    "twodomains.train_models": R(twodomains.train_models, dict(domains=[TOY_DOMAIN], runs=[(0, 0, 0.01)], steps=2, batch_size=2, d_model=8, context=4),
                                 {"domains": "object", "runs": RUNS_BAD, "kind": "str", "steps": "count", "batch_size": "size", "d_model": "size",
                                  "n_head": "size", "n_layer": "size", "context": "size", "evals": "count", "patience": "seed",
                                  "tol": "prob"}),
    # ---- relulab.variants
    "variants.second_moment": R(variants.second_moment, dict(key="relu"), {"key": "str"}),
    "variants.family_rows": R(variants.family_rows, dict(keys=["relu"]), {"keys": [3, "relu", [], ["no-such-key"]]}),
    "variants.family_headers": R(variants.family_headers, dict(), {}),
    "variants.SeedBatchMLP": R(variants.SeedBatchMLP, dict(widths=[4, 3, 2]), {"widths": "ints", "activation": "str", "seeds": "seeds", "init": "str",
                                                                             "params": [3, "abc"], "dtype": [None, "float64", torch.int32]}),
    "variants.dead_fraction": R(variants.dead_fraction, dict(model=SEED_MLP, x=XM), {"model": "model", "x": "ftensor", "tol": "pos", "share": "prob"}),
    "variants.train_seeds": R(variants.train_seeds, dict(model=SEED_MLP, data=SPLIT, epochs=1),
                              {"model": "model", "data": "object", "optimizer": "str", "lr": "pos", "epochs": "count", "batch_size": "size",
                               "weight_decay": [*_NOT_A_NUMBER, NAN, INF, -1.0], "decay_slopes": "bool", "order_seed_offset": [*_NOT_AN_INT, -1], "on_epoch": [3, "print"]}),
    "variants.selu_constants": R(variants.selu_constants, dict(), {}),
    "variants.selu_moment_map": R(variants.selu_moment_map, dict(mu=0.0, nu=1.0), {"mu": BAD["farray"][:-1], "nu": [*BAD["farray"][:-1], -1.0],
                                                                                  "omega": "float", "tau": "pos", "alpha": "float", "scale": "float"}),
    "variants.selu_variance_iterates": R(variants.selu_variance_iterates, dict(nu0=[1.0]), {"nu0": [*BAD["floats"], [-1.0]], "layers": "count"}),
    "variants.deep_forward_stats": R(variants.deep_forward_stats, dict(depth=2, width=4, seeds=[0], n_inputs=8),
                                     {"activation": "str", "init": "str", "depth": "count", "width": "size", "dropout": [3, "no-such-dropout"], "p": "prob",
                                      "seeds": "seeds", "n_inputs": "size", "label": [3, b"x"]}),
    "variants.trained_layer_stats": R(variants.trained_layer_stats, dict(model=SEED_MLP, x=XM), {"model": "model", "x": "ftensor", "label": [None, 3]}),
    "variants.prelu_slopes": R(variants.prelu_slopes, dict(widths=[4, 3, 2], seeds=[0], epochs=1, data=SPLIT),
                               {"widths": "ints", "weight_decay": [*_NOT_A_NUMBER, NAN, INF, -1.0], "seeds": "seeds", "epochs": "count", "lr": "pos", "data": [3, "abc"]}, valid=False),
    "variants.leaky_recovery": R(variants.leaky_recovery, dict(slopes=[0.0], optimizers=["adam"], widths=[4, 3, 2], seeds=[0], epochs=1, data=SPLIT),
                                 {"slopes": "floats", "optimizers": [None, "adam", [], ["no-such-optimizer"]], "widths": "ints", "kill": "prob", "margin": "float",
                                  "epochs": "count", "lrs": [3, "abc"], "seeds": "seeds", "data": [3, "abc"]}, valid=False),
    "variants.gelu_tanh_gap": R(variants.gelu_tanh_gap, dict(n=101), {"lo": [*_NOT_A_NUMBER, NAN, INF, 7.0], "hi": [*_NOT_A_NUMBER, NAN, -INF, -7.0], "n": "size"}),
    "variants.maxout_pieces": R(variants.maxout_pieces, dict(kind="relu"), {"kind": "str", "slope": "float"}),
    "variants.maxout_param_count": R(variants.maxout_param_count, dict(in_features=4, out_features=3, k=2), {"in_features": "count", "out_features": "count", "k": "count"}),
    "variants.two_sided_forward": R(variants.two_sided_forward, dict(h=Z, pos=np.ones((4, 2)), neg=np.ones((4, 2))),
                                    {"h": [*BAD["farray"], np.ones((1, 3))], "pos": [*BAD["farray"], np.ones((3, 2))], "neg": [*BAD["farray"], np.ones((4, 3))]}),
    "variants.crelu_forward": R(variants.crelu_forward, dict(h=Z, pos=np.ones((4, 2)), neg=np.ones((4, 2))),
                                {"h": [*BAD["farray"], np.ones((1, 3))], "pos": [*BAD["farray"], np.ones((3, 2))], "neg": [*BAD["farray"], np.ones((4, 3))]}),
    "variants.two_sided_weight_count": R(variants.two_sided_weight_count, dict(units=4, next_units=3), {"units": "count", "next_units": "count"}),
    "variants.compare": R(variants.compare, dict(keys=["relu"], widths=[4, 3, 2], seeds=[0], epochs=1, data=SPLIT),
                          {"keys": [3, "relu", [], ["no-such-key"]], "widths": "ints", "seeds": "seeds", "epochs": "count", "lr": "pos", "batch_size": "size", "data": [3, "abc"]}, valid=False),
    "variants.plot_family": R(variants.plot_family, dict(keys=["relu"], ncols=1), {"keys": [3, "relu", [], ["no-such-key"]], "x_range": RANGE_BAD, "ncols": "count"}),
    "variants.plot_selu_map": R(variants.plot_selu_map, dict(layers=2), {"nu0": [*BAD["floats"], [-1.0]], "layers": "count", "ax": [3, "abc"]}),
    # ---- relulab.ways
    "ways.edge_cases": R(ways.edge_cases, dict(ways=ways.NUMPY_WAYS[:2]), {"ways": WAYS_BAD, "inputs": ["abc", None, [], ["a"], [1 + 2j]]}),
    "ways.dtypes": R(ways.dtypes, dict(ways=ways.NUMPY_WAYS[:2]), {"ways": WAYS_BAD}),
    "ways.memory": R(ways.memory, dict(ways=ways.NUMPY_WAYS[:2]), {"ways": WAYS_BAD}),
}

#: Public callables whose valid call needs a trained model, a finished experiment or its result
#: objects (minutes of training, or the objects only an experiment makes): their module's
#: tests and the notebooks run them; the checkers among them are probed in
#: tests/test_checker_robustness.py.
UNPROBED: dict[str, str] = {
    **{f"dying.{n}": "runs a verdict-bearing experiment (seconds to minutes of training) or formats its result dict; exercised at small sizes by its unit tests and, at both scales, by the chapter and scripts/replicate.py"
       for n in ('forty_percent', 'remedies', 'remedies_analysis', 'dead_shares', 'forty_percent_summary', 'forty_percent_table', 'clipped_table', 'remedies_table',
                 'remedies_report')},
    **{f"gan.{n}": "runs a verdict-bearing experiment (seconds to minutes of training) or formats its result dict; exercised at small sizes by its unit tests and, at both scales, by the chapter and scripts/replicate.py"
       for n in ('grid_comparison', 'train_gan_arms')},
    **{f"gradients.{n}": "runs a verdict-bearing experiment (seconds to minutes of training) or formats its result dict; exercised at small sizes by its unit tests and, at both scales, by the chapter and scripts/replicate.py"
       for n in ('activation_training', 'activation_comparisons', 'activation_rows', 'activation_scales')},
    **{f"sparsity.{n}": "runs a verdict-bearing experiment (seconds to minutes of training) or formats its result dict; exercised at small sizes by its unit tests and, at both scales, by the chapter and scripts/replicate.py"
       for n in ('regularizers', 'sparsity_training', 'regularizer_summary', 'regularizer_table', 'dropout_table', 'sparsity_training_table',
                 'tune_regularizer_rates', 'tuned_runs', 'regularizer_comparison', 'tuning_table', 'tuned_shared_table',
                 'regularizer_agreement', 'regularizer_agreement_table')},
    **{f"variants.{n}": "runs a verdict-bearing experiment (seconds to minutes of training) or formats its result dict; exercised at small sizes by its unit tests and, at both scales, by the chapter and scripts/replicate.py"
       for n in ('tuned_variants', 'tuned_comparisons', 'tuned_rows', 'recovery_scales', 'recovery_effects', 'prelu_scales',
                 'prelu_effects', 'selu_scales', 'selu_effects', 'selu_layer_stats', 'describe_scale')},
    **{f"expressivity.{n}": "runs chapter 1's verdict-bearing fit of sin x (seconds to minutes) or reads its result dict; exercised at small sizes by tests/test_scales_ch1_ch6.py and, at both scales, by the chapter and scripts/replicate.py"
       for n in ('sin_fit_scales', 'sin_fit_effects')},
    **{f"bench.{n}": "needs measurements of a timing run" for n in ("rows", "plot_ratios", "plot_sweep", "plot_recorded")},
    **{f"domains.{n}": "trains a batch of networks on a next-symbol task, or reads its results"
       for n in ("train_batched", "protocol", "summary_rows", "grid")},
    **{f"dying.{n}": "reads the result of a training sweep (SweepResult, BornDead, OneNeuronStep)"
       for n in ("plot_one_neuron", "train_ensemble", "sweep", "summarize", "summary_table", "revival_table", "side_by_side",
                 "collapse_table", "born_dead_check", "plot_collapse", "curve", "plot_vs_lr", "plot_dead_over_steps",
                 "plot_born_dead_maps", "plot_born_dead_comparison")},
    **{f"exercises.{n}": "a checker of a trained experiment's result: see tests/test_checker_robustness.py"
       for n in ("depth.check_gradient_edge", "domains.check_quantize_prediction", "domains.check_dying_thresholds",
                 "domains.check_pruning", "domains.check_large_lr_prediction", "domains.check_dead_mode_correlation",
                 "domains.check_slope_prediction", "dying.check_fire_on_test", "dying.check_bias_death",
                 "variants.check_equal_param_widths", "variants.check_fixed_slope")},
    **{f"gradients.{n}": "trains or profiles an ensemble of deep networks, or reads its result"
       for n in ("gradient_profile", "train_ensemble", "summarize", "profile_rows", "train_rows", "plot_layers")},
    "exercises.core.register_exercise": "changes the global registry of exercises (tests/test_exercises.py checks its refusals)",
    "replication.record": "runs an experiment at full scale (minutes to hours)",
    "replication.load": "reads a full-scale record of an experiment",
    "replication.compare_scales": "reads a full-scale record and runs its effects function (tests/test_replications.py checks its refusals)",
    "images.cnn_digits": "trains convolutional networks on the digits",
    "plotting.plot_mean_spread": "draws the runs of an experiment on given axes",
    **{f"sparsity.{n}": "trains probed networks, or reads their runs"
       for n in ("small_data_runs", "compare_runs", "switching_values", "switching_rows", "sign_shares", "sign_share_table",
                 "sign_share_rows", "plot_init_depth", "plot_training", "plot_gap_vs_sparsity", "plot_sgd_paths")},
    "transformer.summary_rows": "reads the runs of trained language models",
    "twodomains.two_domains": "runs a verdict-bearing experiment (seconds to minutes of training); exercised at small sizes by its unit tests and, at both scales, by the chapter and scripts/replicate.py",
    **{f"variants.{n}": "reads the result of a training comparison"
       for n in ("comparison_rows", "plot_layer_stats", "plot_prelu_slopes", "plot_recovery", "plot_comparison")},
}

RECORD = "a result record (dataclass): built by the library from checked values, its fields are data"
EXCEPTION = "an exception class"
#: Result records and exception classes: no arguments of their own to check.
EXEMPT: dict[str, str] = {
    "gan.GridArm": RECORD,
    "plotting.DecimalCommaFormatter": "a matplotlib tick formatter class: matplotlib calls it with tick values",
    "replication.StaleReplication": EXCEPTION,
    "twodomains.TokenDomain": RECORD,
    "replication.Experiment": RECORD,
    "replication.Recorded": RECORD,
    "replication.ScaleComparison": RECORD,
    "gradients.ActivationScales": RECORD,
    "replication.Agreement": RECORD,
    "activations.Activation": RECORD,
    "bench.Kernel": RECORD,
    "bench.Measurement": RECORD,
    "bench.LayerShare": RECORD,
    "bench.MaxoutCost": RECORD,
    "bench.RecordedRow": RECORD,
    "bench.RecordedSection": RECORD,
    "bench.RecordedLayer": RECORD,
    "bench.RecordedMaxout": RECORD,
    "bench.Recorded": RECORD,
    "checks.ConclusionFailed": EXCEPTION,
    "checks.Paired": RECORD,
    "conventions.Way": RECORD,
    "conventions.Interval": RECORD,
    "conventions.Entry": RECORD,
    "data.Split": RECORD,
    "domains.NextSymbolTask": RECORD,
    "domains.RunResult": RECORD,
    "dying.OneNeuronStep": RECORD,
    "dying.SweepResult": RECORD,
    "dying.BornDead": RECORD,
    "exercises.core.Problem": RECORD,
    "exercises.core.Feedback": RECORD,
    "exercises.core.Exercise": RECORD,
    "expressivity.ShallowFit": RECORD,
    "gan.GanRun": RECORD,
    "gradients.DifferenceQuotients": RECORD,
    "gradients.AtZeroResult": RECORD,
    "gradients.Member": RECORD,
    "gradients.GradientProfile": RECORD,
    "gradients.TrainRun": RECORD,
    "heterogeneity.Heterogeneity": RECORD,
    "images.CNNResult": RECORD,
    "ledger.Claim": RECORD,
    "moments.ReluGaussianMoments": RECORD,
    "propagation.PairSimulation": RECORD,
    "propagation.LayerSimulation": RECORD,
    "sparsity.LayerSparsity": RECORD,
    "sparsity.InitSparsity": RECORD,
    "sparsity.ProbedRun": RECORD,
    "sparsity.Switching": RECORD,
    "sparsity.ProductTimings": RECORD,
    "sparsity.SGDPath": RECORD,
    "stats.Summary": RECORD,
    "stats.Comparison": RECORD,
    "text.Encoded": RECORD,
    "training.History": RECORD,
    "transformer.CharVocab": RECORD,
    "transformer.FFNStats": RECORD,
    "transformer.LMRun": RECORD,
    "variants.TrainResult": RECORD,
    "variants.LayerStats": RECORD,
    "variants.PReLUSlopes": RECORD,
    "variants.Recovery": RECORD,
    "variants.Comparison": RECORD,
    "ways.Way": RECORD,
}

#: Failures the probe still finds, by row: parameter -> why it is not fixed yet. A ratchet: an entry that
#: no longer fails must be removed (test_bad_arguments_raise_clear_errors says so), and a new public callable
#: gets a row, not an entry.
KNOWN_GAPS: dict[str, dict[str, str]] = {}

#: Cases run, by test (printed by test_report_counts).
CASES: Counter[str] = Counter()
FAILURES_SEEN: set[tuple[str, str]] = set()


class _Hang(BaseException):
    pass


def _alarm(signum, frame):
    raise _Hang()


def _materialize(kwargs: dict) -> dict:
    return {k: (v.make() if isinstance(v, New) else v) for k, v in kwargs.items()}


def _run(fn, kwargs, seconds: float):
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return fn(**kwargs)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _public_callables() -> dict[str, object]:
    """``"module.name"`` (without ``relulab.``) -> object, for every public callable defined in a public module."""
    found = {}
    for info in pkgutil.walk_packages(relulab.__path__, "relulab."):
        if info.name.rsplit(".", 1)[-1].startswith("_"):
            continue
        mod = importlib.import_module(info.name)
        # what __all__ exports, and any other name without a leading underscore
        names = set(getattr(mod, "__all__", ())) | {k for k in vars(mod) if not k.startswith("_")}
        for k in sorted(names):
            v = getattr(mod, k, None)
            if callable(v) and getattr(v, "__module__", None) == info.name:
                found[f"{info.name.removeprefix('relulab.')}.{k}"] = v
    return found


def _same(a, b) -> bool:
    if a is b:
        return True
    if type(a) is not type(b):
        return False
    try:
        return bool(a == b) or (a != a and b != b)
    except Exception:  # noqa: BLE001 - arrays and tensors compare elementwise
        return False


def _bad_values(row: R, param: str) -> list[object]:
    kind = row.bad[param]
    values = BAD[kind] if isinstance(kind, str) else kind
    allowed = row.allow.get(param, ())
    return [v for v in values if not any(_same(v, a) for a in allowed)]


def _probe(name: str, row: R, param: str, bad: object) -> str | None:
    """``None`` if the bad value is refused clearly, else what went wrong."""
    kwargs = _materialize(dict(row.call, **{param: bad}))
    try:
        result = _run(row.fn, kwargs, 10.0)
    except _Hang:
        return "did not return within 10 s"
    except (ValueError, TypeError) as exc:
        if param not in str(exc):
            return f"{type(exc).__name__} not naming {param}: {str(exc)[:120]}"
        return None
    except (KeyError, FileNotFoundError) as exc:
        # a lookup (a name not in a registry, a file that is not there) may say so with these types,
        # as long as the message quotes the value or names the parameter
        if repr(bad) in str(exc) or str(bad) in str(exc) or param in str(exc):
            return None
        return f"{type(exc).__name__} not quoting {bad!r}: {str(exc)[:120]}"
    except Exception as exc:  # noqa: BLE001 - any other type is what the probe looks for
        return f"{type(exc).__name__}: {str(exc)[:120]}"
    return f"accepted: returned {str(result)[:60]!r}"


def test_every_public_callable_has_a_row():
    listed = set(ROWS) | set(UNPROBED) | set(EXEMPT)
    missing = sorted(set(_public_callables()) - listed)
    assert not missing, (
        f"public callables without a row in tests/test_robustness_api.py: {missing}. For each, add to ROWS\n"
        '    "module.name": R(module.name, dict(<a valid, cheap call>), {"<param>": "<kind>", ...}),\n'
        f"with a kind of BAD for every parameter ({', '.join(BAD)}), or an explicit list of bad values; "
        "valid=False if the valid call is slow. A result dataclass or an exception class goes in EXEMPT instead "
        "(RECORD or EXCEPTION), a function that needs a trained result in UNPROBED with the reason."
    )
    stale = sorted(listed - set(_public_callables()))
    assert not stale, f"rows for callables that are no longer public: {stale}"
    assert not set(ROWS) & set(UNPROBED) and not set(ROWS) & set(EXEMPT)


def test_rows_name_real_parameters():
    for name, row in ROWS.items():
        params = inspect.signature(row.fn).parameters
        for p in list(row.bad) + list(row.call):
            assert p in params or any(q.kind is q.VAR_KEYWORD for q in params.values()), f"{name}: no parameter {p!r}"
        for p, kind in row.bad.items():
            assert not isinstance(kind, str) or kind in BAD, f"{name}: unknown kind {kind!r}"


_VALID = [n for n, r in ROWS.items() if r.valid]


@pytest.mark.parametrize("name", _VALID)
def test_the_valid_calls_work(name):
    """The base calls are valid, so a spoiled parameter is what a bad case blames."""
    row = ROWS[name]
    CASES["valid calls"] += 1
    try:
        _run(row.fn, _materialize(row.call), 20.0)
    except _Hang:
        pytest.fail(f"{name}: the valid call did not return within 20 s")
    finally:
        import matplotlib.pyplot as plt

        plt.close("all")


_SPOILED = [n for n, r in ROWS.items() if r.bad]


@pytest.mark.parametrize("name", _SPOILED)
def test_bad_arguments_raise_clear_errors(name):
    row = ROWS[name]
    failures: dict[str, list[str]] = {}
    for param in row.bad:
        for bad in _bad_values(row, param):
            CASES["bad arguments"] += 1
            why = _probe(name, row, param, bad)
            if why is not None:
                failures.setdefault(param, []).append(f"{param}={str(bad)[:40]!r}: {why}")
    import matplotlib.pyplot as plt

    plt.close("all")
    FAILURES_SEEN.update((name, p) for p in failures)
    known = KNOWN_GAPS.get(name, {})
    new = {p: f for p, f in failures.items() if p not in known}
    assert not new, f"{name}: " + "; ".join(m for f in new.values() for m in f)
    fixed = sorted(set(known) - set(failures))
    assert not fixed, f"{name}: {fixed} now refused clearly: remove them from KNOWN_GAPS"


# ----------------------------------------------------------------------------- generated arrays (Hypothesis)

#: Rows whose array parameter must be finite: generated arrays of any float dtype and shape, with nan,
#: inf and empty ones among them, must give a result or a clear error — never another exception.
_FARRAY = [(n, p) for n, r in ROWS.items() for p, k in r.bad.items() if k == "farray"]
_gen_arrays = st.builds(
    lambda a, dtype: a.astype(dtype),
    hnp.arrays(np.float64, hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4),
               elements=st.floats(-1e6, 1e6, width=32) | st.sampled_from([NAN, INF, -INF])),
    st.sampled_from([np.float32, np.float64]),
)


@pytest.mark.parametrize(("name", "param"), _FARRAY, ids=[f"{n}-{p}" for n, p in _FARRAY])
@settings(derandomize=True, deadline=None, max_examples=15, database=None, suppress_health_check=list(HealthCheck))
@given(x=_gen_arrays)
def test_generated_arrays_give_a_result_or_a_clear_error(name, param, x):
    row = ROWS[name]
    CASES["generated arrays"] += 1
    kwargs = dict(_materialize(row.call), **{param: x})
    try:
        _run(row.fn, kwargs, 10.0)
    except _Hang:
        pytest.fail(f"{name}({param} of shape {x.shape}) did not return within 10 s")
    except (ValueError, TypeError) as exc:
        assert param in str(exc), f"{name}({param} of shape {x.shape}): {exc}"
        if not np.isfinite(x).all():
            return
    except Exception as exc:  # noqa: BLE001
        pytest.fail(f"{name}({param}={x!r}): {type(exc).__name__}: {exc}")
    else:
        assert np.isfinite(x).all() and x.size, f"{name} accepted {param}={x!r} (nan, inf or empty)"


def test_report_counts(capsys):
    """How many callables the probe covers and how many cases ran (the closing note quotes it)."""
    public = _public_callables()
    classes = sum(inspect.isclass(v) for v in public.values())
    with capsys.disabled():
        print(f"\nAPI probe: {len(public)} public callables ({len(public) - classes} functions, {classes} classes); "
              f"{len(ROWS)} probed, {len(UNPROBED)} unprobed (need a trained result), {len(EXEMPT)} exempt; "
              f"bad-argument kinds per row {sum(len(r.bad) for r in ROWS.values())} parameters; cases {dict(CASES)}; "
              f"known gaps {sum(len(v) for v in KNOWN_GAPS.values())}")
    assert len(ROWS) > 0
