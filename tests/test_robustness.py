"""Property-based probe of relulab's public functions with bad and edge inputs (Hypothesis).

Every case must end in a correct result or in a ``ValueError``/``TypeError``
whose message names the parameter — never another exception type, a hang
(each call runs under a time limit) or a result of the wrong shape.

- :data:`CALLS`: public functions with a cheap valid call; each scalar
  parameter in turn gets a bad value (nan, ±inf, a string, a complex number,
  a list, ``None``, a bool, a huge or negative number, a fraction for an
  integer);
- every elementwise activation of :data:`relulab.activations.FAMILY`, numpy and
  torch, on generated arrays (any float dtype and shape, nan, ±inf, empty):
  same shape, nan where the input is nan, and bool/complex/string inputs refused;
- the numeric reference functions against mpmath at extreme inputs.

Hypothesis runs derandomized (the same cases on every run).
"""

from __future__ import annotations

import math
import signal
from collections import Counter

import mpmath
import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from relulab import (
    activations,
    data,
    dying,
    expressivity,
    gan,
    gradients,
    i18n,
    moments,
    sparsity,
    tables,
    training,
    transformer,
    variants,
    ways,
)

PROBE = settings(derandomize=True, deadline=None, max_examples=12, database=None,
                 suppress_health_check=list(HealthCheck))
#: Cases run, by test (printed at the end of the session by the report test).
CASES: Counter[str] = Counter()

_X_NP = np.array([-2.0, -0.5, 0.0, 1.5])
_X_T = torch.tensor([[-2.0, -0.5], [0.0, 1.5]])
_Z = np.array([[1.0, -1.0, 2.0, 0.5]])

#: name -> (function, valid keyword arguments, the scalar parameters to spoil: name -> "float" | "int" | "str").
CALLS: dict[str, tuple[object, dict, dict[str, str]]] = {
    "relu_grad_np": (activations.relu_grad_np, {"x": _X_NP}, {"at_zero": "float"}),
    "relu_grad_torch": (activations.relu_grad_torch, {"x": _X_T}, {"at_zero": "float"}),
    "leaky_relu_np": (activations.leaky_relu_np, {"x": _X_NP}, {"negative_slope": "float"}),
    "leaky_relu_torch": (activations.leaky_relu_torch, {"x": _X_T}, {"negative_slope": "float"}),
    "prelu_np": (activations.prelu_np, {"x": _X_NP}, {"a": "float"}),
    "prelu_grad_np": (activations.prelu_grad_np, {"x": _X_NP}, {"a": "float"}),
    "prelu_torch": (activations.prelu_torch, {"x": torch.ones(2, 3)}, {"weight": "float"}),
    "rrelu_np": (activations.rrelu_np, {"x": _X_NP}, {"lower": "float", "upper": "float"}),
    "rrelu_torch": (activations.rrelu_torch, {"x": _X_T}, {"lower": "float", "upper": "float"}),
    "elu_np": (activations.elu_np, {"x": _X_NP}, {"alpha": "float"}),
    "celu_torch": (activations.celu_torch, {"x": _X_T}, {"alpha": "float"}),
    "silu_grad_np": (activations.silu_grad_np, {"x": _X_NP}, {"beta": "float"}),
    "softplus_np": (activations.softplus_np, {"x": _X_NP}, {"beta": "float", "threshold": "float"}),
    "softplus_torch": (activations.softplus_torch, {"x": _X_T}, {"beta": "float", "threshold": "float"}),
    "gelu_np": (activations.gelu_np, {"x": _X_NP}, {"approximate": "str"}),
    "maxout_np": (activations.maxout_np, {"z": _Z}, {"k": "int"}),
    "maxout_torch": (activations.maxout_torch, {"z": torch.from_numpy(_Z)}, {"k": "int"}),
    "crelu_np": (activations.crelu_np, {"x": _Z}, {"axis": "int"}),
    "crelu_torch": (activations.crelu_torch, {"x": torch.from_numpy(_Z)}, {"dim": "int"}),
    "relu_gaussian_moments": (moments.relu_gaussian_moments, {}, {"mu": "float", "sigma": "float"}),
    "relu_gaussian_monte_carlo": (moments.relu_gaussian_monte_carlo, {"n": 100, "seeds": [0]},
                                  {"mu": "float", "sigma": "float", "n": "int"}),
    "gaussian_zero_fraction": (sparsity.gaussian_zero_fraction, {"x": torch.ones(3, 2), "weight_std": 1.0},
                               {"weight_std": "float", "bias": "float"}),
    "gd_steps_to_converge": (sparsity.gd_steps_to_converge, {"second_moment": np.eye(2) * [1.0, 2.0]},
                             {"tol": "float", "max_steps": "int"}),
    "pm": (sparsity.pm, {"values": [1.0, 2.0]}, {"digits": "int"}),
    "relu_condition_number": (sparsity.relu_condition_number, {"n_inputs": 3}, {"n_inputs": "int"}),
    "output_mean": (sparsity.output_mean, {"name": "ReLU", "n": 100}, {"n": "int", "seed": "int", "name": "str"}),
    "class_activation_profile": (sparsity.class_activation_profile,
                                 {"acts": torch.ones(4, 2), "labels": torch.tensor([0, 1, 0, 1])}, {"n_classes": "int"}),
    "digits": (data.digits, {}, {"seed": "int", "test_fraction": "float", "n_train": "int"}),
    "born_dead_probability": (dying.born_dead_probability, {"widths": 3, "depth": 2}, {"widths": "int", "depth": "int"}),
    "one_neuron_step": (dying.one_neuron_step, {}, {"lr": "float", "n": "int", "seed": "int", "b": "float"}),
    "sawtooth": (expressivity.sawtooth, {"x": np.linspace(0, 1, 5), "depth": 2}, {"depth": "int"}),
    "count_pieces": (expressivity.count_pieces, {"y": np.abs(np.linspace(-1, 1, 9)), "x": np.linspace(-1, 1, 9)},
                     {"rtol": "float"}),
    "interpolation_error": (expressivity.interpolation_error,
                            {"target": np.sin, "n_units": 3, "x_range": (0.0, 1.0), "n_eval": 50},
                            {"n_units": "int", "n_eval": "int"}),
    "ring_centres": (gan.ring_centres, {}, {"modes": "int", "radius": "float"}),
    "mode_coverage": (gan.mode_coverage, {"points": np.zeros((10, 2))},
                      {"modes": "int", "radius": "float", "std": "float", "min_share": "float"}),
    "one_sided_derivatives": (gradients.one_sided_derivatives, {"f": np.abs}, {"x0": "float", "h": "float"}),
    "relu_at_zero": (gradients.relu_at_zero, {"x": _X_T}, {"at_zero": "float"}),
    "mean_sd_text": (gradients.mean_sd_text, {"mean": 1.0, "sd": 0.5}, {"mean": "float", "sd": "float", "decimals": "int"}),
    "derivative_moment": (gradients.derivative_moment, {"activation": "relu"}, {"sigma": "float", "nodes": "int",
                                                                                  "activation": "str"}),
    "layer_gain": (gradients.layer_gain, {"activation": "relu", "init": "he"}, {"sigma": "float", "activation": "str",
                                                                                 "init": "str"}),
    "fmt": (tables.fmt, {"value": 1.5}, {"digits": "int"}),
    "mlp": (training.mlp, {"widths": [2, 3, 2]}, {"weight_scale": "float", "bias": "float"}),
    "ffn_width": (transformer.ffn_width, {"kind": "relu", "d_model": 8}, {"d_model": "int", "mult": "int", "kind": "str"}),
    "summary_headers": (transformer.summary_headers, {}, {"n_layer": "int"}),
    "selu_moment_map": (variants.selu_moment_map, {"mu": 0.0, "nu": 1.0},
                        {"mu": "float", "nu": "float", "omega": "float", "tau": "float"}),
    "selu_variance_iterates": (variants.selu_variance_iterates, {"nu0": [1.0]}, {"layers": "int"}),
    "gelu_tanh_gap": (variants.gelu_tanh_gap, {"n": 101}, {"lo": "float", "hi": "float", "n": "int"}),
    "maxout_pieces": (variants.maxout_pieces, {"kind": "relu"}, {"slope": "float", "kind": "str"}),
    "i18n.t": (i18n.t, {"key": "input"}, {"key": "str"}),
    "use_language": (i18n.use_language, {"lang": "en"}, {"lang": "str"}),
}

#: Bad values for each kind of parameter (a valid value never appears here).
BAD: dict[str, list[object]] = {
    "float": [math.nan, math.inf, -math.inf, "0.5", 1 + 2j, [0.5], None, True, 1e300, torch.tensor([0.1, 0.2])],
    "int": [math.nan, 1.5, "3", 1 + 2j, [3], None, True, -(10**6), 10**15, math.inf],
    "str": [None, 3, 1.5, ["en"], b"en", "", "no-such-choice", True],
}
#: Values that are not bad for a given parameter (documented uses), left out of its cases.
ALLOWED: dict[tuple[str, str], tuple[object, ...]] = {
    ("digits", "n_train"): (None,),
    ("class_activation_profile", "n_classes"): (None,),
    ("born_dead_probability", "depth"): (),
    ("mode_coverage", "radius"): (),
    ("crelu_np", "axis"): (-(10**6),),  # refused too, but as an axis error; see the test
    ("gelu_tanh_gap", "lo"): (-math.inf,),
    # documented: PReLU's slopes may be an array (numpy) or a tensor of C slopes (torch, x of shape (N, C))
    ("prelu_np", "a"): ([0.5], 1e300),  # any finite slope: a learned one can leave [0, 1]
    ("prelu_grad_np", "a"): ([0.5], 1e300),
    ("selu_moment_map", "mu"): ([0.5], 1e300),  # documented: arrays of means and variances, any finite
    ("selu_moment_map", "nu"): ([0.5], 1e300),
    ("gelu_tanh_gap", "hi"): (1e300,),  # a valid (if pointless) interval
    # upper bounds, not sizes: a huge one is harmless
    ("gd_steps_to_converge", "max_steps"): (10**15,),
    # plain arithmetic on integers, no allocation
    ("relu_condition_number", "n_inputs"): (10**15,),
    ("ffn_width", "d_model"): (10**15,),
    ("ffn_width", "mult"): (10**15,),
    # documented: "—" where there is no finite value (a diverged run in a table)
    ("mean_sd_text", "mean"): (math.nan, math.inf, -math.inf, 1e300),
    ("mean_sd_text", "sd"): (math.nan, math.inf, -math.inf, 1e300),
}
#: Other documented errors: i18n.t raises KeyError for a key that is not in the catalogue (a lookup).
OTHER_ERRORS: dict[tuple[str, str], type[Exception]] = {("i18n.t", "key"): KeyError}


class _Hang(BaseException):
    pass


def _alarm(signum, frame):
    raise _Hang()


def _run(fn, kwargs, seconds: float = 20.0):
    """``fn(**kwargs)`` under a time limit: a hang fails the test instead of stopping the suite."""
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return fn(**kwargs)
    except _Hang:
        pytest.fail(f"{getattr(fn, '__name__', fn)}({kwargs}) did not return within {seconds} s")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


_SPOILS = [(name, param, kind) for name, (_, _, params) in CALLS.items() for param, kind in params.items()]


@pytest.mark.parametrize(("name", "param", "kind"), _SPOILS, ids=[f"{n}-{p}" for n, p, _ in _SPOILS])
def test_a_bad_parameter_raises_a_clear_error(name, param, kind):
    fn, base, _ = CALLS[name]
    for bad in BAD[kind]:
        if any(bad is a or (type(bad) is type(a) and (bad == a or bad != bad and a != a))
               for a in ALLOWED.get((name, param), ())):
            continue
        CASES["bad parameter"] += 1
        kwargs = dict(base, **{param: bad})
        try:
            result = _run(fn, kwargs)
        except (ValueError, TypeError) as exc:
            assert type(exc) in (ValueError, TypeError), f"{name}({param}={bad!r}): {type(exc).__name__}"
            assert param in str(exc), f"{name}({param}={bad!r}) raised {exc!r}, not naming {param}"
        except OTHER_ERRORS.get((name, param), ()) as exc:
            assert param in str(exc) or repr(bad) in str(exc), exc
        except Exception as exc:  # noqa: BLE001 - any other type is the failure being looked for
            pytest.fail(f"{name}({param}={bad!r}) raised {type(exc).__name__}: {exc}")
        else:
            pytest.fail(f"{name}({param}={bad!r}) was accepted: it returned {str(result)[:80]}")


def test_the_valid_calls_of_the_probe_work():
    """The base calls are valid: a spoiled parameter is what the previous test blames."""
    for name, (fn, base, _) in CALLS.items():
        if name in ("digits", "one_neuron_step"):
            continue  # slow-ish and covered by their own tests
        CASES["valid call"] += 1
        _run(fn, dict(base))


_ELEMENTWISE = [key for key in activations.keys() if activations.get(key).elementwise]

# values exact in float16 (so every dtype holds them), nan and ±inf among them; any shape, empty included
_float_arrays = st.builds(
    lambda a, dtype: a.astype(dtype),
    hnp.arrays(np.float64, hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4),
               elements=st.floats(-1e4, 1e4, width=16) | st.sampled_from([math.nan, math.inf, -math.inf])),
    st.sampled_from([np.float16, np.float32, np.float64]),
)


@pytest.mark.parametrize("key", _ELEMENTWISE)
@PROBE
@given(x=_float_arrays)
def test_elementwise_activations_keep_shape_and_nan(key, x):
    spec = activations.get(key)
    CASES["activation arrays"] += 1
    for fn, arg, as_np in ((spec.np_fn, x, np.asarray), (spec.torch_fn, torch.from_numpy(x.copy()),
                                                        lambda t: t.detach().numpy())):
        y = as_np(_run(fn, {"x": arg, **spec.defaults}))
        assert y.shape == x.shape, f"{key}: shape {x.shape} -> {y.shape}"
        assert np.issubdtype(y.dtype, np.floating)
        assert np.isnan(y[np.isnan(x)]).all(), f"{key}: nan in, not nan out"
        finite = np.isfinite(x)
        assert not np.isnan(y[finite]).any(), f"{key}: nan out for a finite input"


@pytest.mark.parametrize("key", _ELEMENTWISE)
@pytest.mark.parametrize("bad", [np.array([True, False]), np.array([1 + 2j]), np.array(["1.0"]), "1.0", None,
                                 np.array([1.0, "a"], dtype=object)])
def test_elementwise_activations_refuse_non_real_input(key, bad):
    spec = activations.get(key)
    CASES["activation garbage"] += 1
    with pytest.raises(TypeError, match="x must"):
        spec.np_fn(bad, **spec.defaults)
    if isinstance(bad, np.ndarray) and bad.dtype.kind in "bc":
        with pytest.raises(TypeError, match="x must"):
            spec.torch_fn(torch.from_numpy(bad), **spec.defaults)


@PROBE
@given(widths=st.lists(st.integers(-3, 5), min_size=0, max_size=4) | st.sampled_from(["abc", None, 3.5, [2.0, 3]]))
def test_born_dead_probability_takes_a_list_of_positive_widths(widths):
    CASES["born dead widths"] += 1
    ok = isinstance(widths, list) and widths and all(isinstance(w, int) and w >= 1 for w in widths)
    if ok:
        assert 0.0 < dying.born_dead_probability(widths) <= 1.0
    else:
        with pytest.raises((ValueError, TypeError), match="widths"):
            dying.born_dead_probability(widths)


@PROBE
@given(values=st.lists(st.floats(allow_nan=True, allow_infinity=True, width=64) | st.integers(-5, 5), max_size=6))
def test_mean_sd_and_pm_never_crash_on_numbers(values):
    CASES["mean_sd"] += 1
    if not values:
        with pytest.raises(ValueError, match="empty"):
            sparsity.mean_sd(values)
        return
    m, s = sparsity.mean_sd(values)
    finite = all(math.isfinite(v) for v in values)
    assert math.isfinite(m) == finite or not finite
    assert (s >= 0) if finite else math.isnan(s)
    assert "±" in sparsity.pm(values)


@PROBE
@given(labels=st.lists(st.integers(-2, 10**9), min_size=4, max_size=4))
def test_class_profile_refuses_bad_labels_without_allocating(labels):
    CASES["class labels"] += 1
    acts = torch.ones(4, 3)
    lab = torch.tensor(labels)
    if min(labels) < 0 or max(labels) >= 300_000:
        with pytest.raises(ValueError, match="labels"):
            sparsity.class_activation_profile(acts, lab)
    else:
        assert sparsity.class_activation_profile(acts, lab).shape == (max(labels) + 1, 3)


def test_accuracy_refuses_labels_of_the_wrong_shape():
    model = training.mlp([4, 3, 2])
    x = torch.randn(5, 4)
    for y in (torch.tensor([[0], [1], [0], [1], [1]]), torch.zeros(5), torch.tensor([0, 1, 0]), torch.tensor([0, 1, 0, 1, 7])):
        CASES["accuracy"] += 1
        with pytest.raises(ValueError, match="y must"):
            training.accuracy(model, x, y)
    assert 0.0 <= training.accuracy(model, x, torch.tensor([0, 1, 0, 1, 1])) <= 1.0


def test_the_reported_bugs_raise_clear_errors():
    cases = [
        (lambda: data.digits(test_fraction=0.999), ValueError, "test_fraction"),
        (lambda: data.digits(test_fraction=0.001), ValueError, "test_fraction"),
        (lambda: activations.prelu_torch(torch.ones(2), torch.tensor([1 + 1j])), TypeError, "weight"),
        (lambda: activations.prelu_grad_np(np.ones(2), a=np.inf), ValueError, "a must be finite"),
        (lambda: expressivity.abs_from_relu(np.array([3 + 4j])), TypeError, "x must"),
        (lambda: ways.edge_cases([ways.NUMPY_WAYS[0], ways.TORCH_WAYS[0]]), ValueError, "mix of ways"),
        (lambda: sparsity.gd_steps_to_converge(np.zeros((0, 0))), ValueError, "second_moment"),
        (lambda: sparsity.gd_steps_to_converge(np.full((2, 2), np.nan)), ValueError, "second_moment"),
        (lambda: i18n.t("gradients.codes"), ValueError, "grad"),
        (lambda: i18n.t("gradients.codes", grad=1), ValueError, "codes"),
        (lambda: i18n.register(None), TypeError, "messages"),
        (lambda: sparsity.gaussian_zero_fraction(torch.tensor([[np.inf, 1.0]]), weight_std=1), ValueError, "x must"),
        (lambda: dying.born_dead_probability(3.0, 2), TypeError, "widths"),
        (lambda: sparsity.mean_sd(["abc"]), TypeError, "values"),
    ]
    for call, exc, text in cases:
        CASES["reported bugs"] += 1
        with pytest.raises(exc, match=text):
            call()
    assert math.isnan(sparsity.mean_sd([float("nan"), 1.0])[1])
    assert sparsity.pm([float("nan"), 1.0]) == "nan ± nan"


# --------------------------------------------------------------------------- numerics against mpmath

mpmath.mp.dps = 50


def _sigmoid(x):
    return 1 / (1 + mpmath.exp(-x))


def _softplus(x):
    return mpmath.log1p(mpmath.exp(x))


REFERENCES = {
    "silu_np": lambda x: x * _sigmoid(x),
    "silu_grad_np": lambda x: _sigmoid(x) * (1 + x * (1 - _sigmoid(x))),
    "softplus_np": _softplus,
    "softplus_grad_np": _sigmoid,
    "mish_np": lambda x: x * mpmath.tanh(_softplus(x)),
    "mish_grad_np": lambda x: mpmath.tanh(_softplus(x)) + x * (1 - mpmath.tanh(_softplus(x)) ** 2) * _sigmoid(x),
}


@pytest.mark.parametrize("name", sorted(REFERENCES))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_reference_functions_are_accurate_at_extreme_inputs(name, dtype):
    """Relative error below a few ulps of the dtype wherever the true value is a normal number of that dtype."""
    info = np.finfo(dtype)
    xs = np.array([-700, -300, -100, -60, -40, -25, -20, -15, -5, -1, -1e-3, 0, 1e-3, 1, 5, 15, 19.5, 25, 60], dtype=dtype)
    fn = getattr(activations, name)
    got = fn(xs)
    for x, g in zip(xs, got):
        if name.startswith("softplus") and x * 1.0 > 20:
            continue  # above the threshold softplus is x itself (and its derivative 1), as in PyTorch
        want = REFERENCES[name](mpmath.mpf(float(x)))
        if abs(want) < info.tiny or abs(want) > info.max:
            continue  # the true value is not a normal number of this dtype
        CASES["mpmath"] += 1
        rel = abs((mpmath.mpf(float(g)) - want) / want)
        assert rel < 64 * info.eps, f"{name}({x}, {np.dtype(dtype)}) = {g}, true {mpmath.nstr(want, 8)}: rel. error {float(rel):.2e}"


@pytest.mark.parametrize("key", ["leaky_relu", "elu", "celu", "selu", "softplus", "hardswish", "relu6", "gelu"])
def test_torch_versions_have_torch_gradients_at_infinity(key):
    spec = activations.get(key)
    reference = getattr(torch.nn.functional, key)
    for v in (math.inf, -math.inf):
        x = torch.tensor([v], dtype=torch.float64, requires_grad=True)
        (g,) = torch.autograd.grad(spec.torch_fn(x, **spec.defaults).sum(), x)
        xr = torch.tensor([v], dtype=torch.float64, requires_grad=True)
        (gr,) = torch.autograd.grad(reference(xr).sum(), xr)
        CASES["gradient at inf"] += 1
        if torch.isnan(gr).any():
            continue  # torch has no limit to compare with here
        assert torch.equal(g, gr), f"{key}: autograd at {v} gives {g.item()}, torch {gr.item()}"


def test_report_counts(capsys):
    """Print how many cases the probe ran (the totals grow as the tests above run first)."""
    with capsys.disabled():
        print(f"\nrobustness probe: {len(CALLS)} functions with spoiled parameters, {len(_ELEMENTWISE)} activations; "
              f"cases: {dict(CASES)}, total {sum(CASES.values())}")
    assert sum(CASES.values()) > 0
