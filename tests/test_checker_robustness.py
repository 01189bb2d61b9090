"""Checkers under student mistakes: functions that never return, banned operations by any name,
nan/inf/non-numeric answers, functions that fail only on a later call, and answers not yet attempted
(which no message may give away)."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest
import torch

import relulab
from relulab import exercises as ex
from relulab import dying, gan
from relulab.activations import relu_np

LANGS = ["en", "it"]


@pytest.fixture(autouse=True)
def short_limit(monkeypatch):
    monkeypatch.setattr(ex, "STUDENT_TIME_LIMIT", 0.3)
    yield
    relulab.use_language("en")


def forever(*args, **kwargs):
    while True:
        pass


def good_relu(x):
    y = np.array(x, copy=True)
    y[y < 0] = 0
    return y


#: Every checker that calls a student's function, with that function never returning.
HANGING = {
    "check_my_relu": lambda: ex.check_my_relu(forever),
    "check_relu_torch": lambda: ex.check_relu(forever, backend="torch"),
    "check_relu_grad": lambda: ex.check_relu_grad(forever),
    "check_elementwise": lambda: ex.check_elementwise(forever, relu_np),
    "check_hard_sigmoid": lambda: ex.check_hard_sigmoid(forever),
    "check_hard_swish": lambda: ex.check_hard_swish(forever),
    "check_relu_predictions": lambda: ex.check_relu_predictions(difference=forever, total=np.abs,
                                                                where_output=[0.0, 0.0], relu_output=[0.0, 0.0]),
    "check_max_min": lambda: ex.check_max_min(forever, None),
    "check_relu6_function": lambda: ex.check_relu6_function(forever),
    "check_clip_function": lambda: ex.check_clip_function(forever),
    "check_union_active": lambda: ex.check_union_active(forever),
    "check_distinct_fraction": lambda: ex.check_distinct_fraction(forever),
    "check_mode_coverage": lambda: ex.check_mode_coverage(forever),
    "check_sign_test": lambda: ex.check_sign_test(forever),
    "check_clamp_timing": lambda: ex.check_clamp_timing(forever, forever, [1.0] * 3, [1.0] * 3),
}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", sorted(HANGING))
def test_a_function_that_never_returns_gets_feedback(name, lang):
    relulab.use_language(lang)
    start = time.perf_counter()
    fb = HANGING[name]()
    assert not fb.passed and "timeout" in fb.kinds, fb.message
    assert ("did not return within 0.3 s" if lang == "en" else "entro 0,3 s") in fb.message
    assert time.perf_counter() - start < 10


def test_the_time_limit_also_stops_a_loop_that_swallows_exceptions():
    def stubborn(x):
        while True:
            try:
                sum(range(1000))
            except Exception:  # noqa: BLE001 - what a student may write
                pass

    assert ex.check_my_relu(stubborn).kinds == ("timeout",)


def test_selu_fixed_points_refuses_a_layer_count_that_cannot_be_right_or_would_hang():
    for layers in (-5, 0, 10**9):
        with pytest.raises(ValueError, match="layers"):
            ex.check_selu_fixed_points(tau_09=1, tau_11=1, layers=layers)
    assert not ex.check_selu_fixed_points(tau_09=1, tau_11=1)


# --------------------------------------------------------------------------- bans by behaviour

r = relu_np
maximum = np.maximum


@pytest.mark.parametrize("fn", [
    lambda x: r(x),  # an alias of a ready-made ReLU
    lambda x: getattr(np, "maxi" + "mum")(x, 0),  # a name the code never spells
    lambda x: maximum(x, 0),  # bound before the check
    lambda x: torch.relu(torch.from_numpy(x)).numpy(),
    lambda x: x.clip(0),
    lambda x: np.where(x > 0, x, 0.0),
], ids=["alias", "getattr", "bound", "torch", "method", "where"])
def test_my_relu_bans_work_by_behaviour(fn):
    assert "forbidden" in ex.check_my_relu(fn).kinds


def test_my_relu_accepts_a_right_answer_without_banned_operations():
    fb = ex.check_my_relu(good_relu)
    assert fb.passed, fb.message


def test_max_min_allows_only_relus():
    assert ex.check_max_min(np.maximum, np.minimum).kinds == ("forbidden", "forbidden")
    assert "forbidden" in ex.check_max_min(lambda a, b: np.where(a > b, a, b)).kinds
    assert "forbidden" in ex.check_max_min(lambda a, b: np.array([max(u, v) for u, v in zip(a.ravel(), b.ravel())]
                                                                 ).reshape(a.shape)).kinds
    assert "forbidden" in ex.check_max_min(lambda a, b: a * (a > b) + b * (a <= b)).kinds
    fb = ex.check_max_min(lambda a, b: a + relu_np(b - a), lambda a, b: a - np.maximum(a - b, 0))
    assert fb.passed, fb.message


@pytest.mark.parametrize("garbage", [lambda a, b: np.array(["x"] * a.size).reshape(a.shape), lambda a, b: None,
                                     lambda a, b: "max", lambda a, b: a[:1]])
def test_max_min_survives_garbage(garbage):
    fb = ex.check_max_min(garbage)
    assert not fb.passed and fb.kinds[-1] in ("type", "shape", "value")


# --------------------------------------------------------------------------- nan, inf and garbage answers

NOT_NUMBERS = [math.nan, math.inf, "0.5", "abc", [0.5, 0.5], None, 1 + 2j, True]


@pytest.mark.parametrize("answer", NOT_NUMBERS[:-1] + [True])
def test_answers_must_be_finite_numbers(answer):
    fb = ex.check_answers({"a": answer}, {"a": 0.5})
    assert not fb.passed
    if answer is not None:
        assert fb.kinds == ("format",), fb.kinds
        assert "0.5" not in fb.message.replace("'0.5'", "").replace("[0.5, 0.5]", "")  # the truth is not shown


def test_check_answers_reads_a_tensor_that_requires_grad():
    x = torch.tensor(0.5, requires_grad=True)
    assert ex.check_answers({"a": x}, {"a": 0.5}).passed


def test_sparsity_measures_with_garbage_answers_and_acts():
    acts = torch.relu(torch.randn(6, 4, generator=torch.Generator().manual_seed(0)))
    fb = ex.check_sparsity_measures(acts, population="abc", lifetime=[math.nan] * 6, dead=[[1, 2], [3]])
    assert fb.kinds == ("format", "format", "format"), fb.kinds
    for acts_bad in ("abc", None, torch.ones(3, dtype=torch.bool)):
        with pytest.raises((TypeError, ValueError), match="acts"):
            ex.check_sparsity_measures(acts_bad, population=0.5)


@pytest.mark.parametrize("bad", [math.nan, math.inf, "0.5", [0.5, 0.25]])
def test_bias_shift_prediction_refuses_nan_and_does_not_reveal_the_first_layer(bad):
    x = torch.randn(40, 6, generator=torch.Generator().manual_seed(0))
    fb = ex.check_bias_shift_prediction(x, first_layer=bad, seeds=[0])
    assert "format" in fb.kinds
    fb = ex.check_bias_shift_prediction(x, deeper="fewer", seeds=[0])
    measured = relulab.sparsity.sparsity_at_init(x, depth=5, init="he", bias=-0.25, seeds=[0])
    first = f"{float(measured.zero[:, 0].mean()):.3f}"
    if "deeper" in fb.kinds:
        assert first not in fb.message


def _slope_runs():
    def run(slope, final_dead, modes):
        final_dead = np.asarray(final_dead, dtype=float)
        k = len(final_dead)
        dead = np.linspace(0.5 * final_dead, final_dead, 5).T
        return gan.GanRun(slope, tuple(range(k)), np.arange(5), np.ones((k, 5)), dead, np.asarray(modes),
                          np.linspace(0.4, 0.6, k), np.zeros((k, 10, 2)))

    small = run(0.01, [0.14, 0.34, 0.09, 0.2], [8, 8, 8, 8])
    return small, [run(0.0, [0.15, 0.2, 0.05, 0.1], [8, 6, 7, 8]), run(0.2, [0.05, 0.08, 0.02, 0.03], [8, 8, 8, 7])]


def test_slope_prediction_refuses_nan_and_hides_the_dead_share_until_answered():
    small, runs = _slope_runs()
    final = f"{small.dead_share[:, -1].mean():.3f}"
    fb = ex.check_slope_prediction(small, runs, closer_to=0.2, dead=math.nan, modes_within_spread=True)
    assert "format" in fb.kinds and "closer_to" in fb.kinds
    assert final not in fb.message  # the answer of `dead` is not given away by the closer_to hint
    fb = ex.check_slope_prediction(small, runs, closer_to=0.2, modes_within_spread=True)
    assert final not in fb.message
    fb = ex.check_slope_prediction(small, runs, closer_to=0.2, dead=float(final), modes_within_spread=True)
    assert final in fb.message  # once `dead` is right, the hint may use it


def test_fire_on_test_refuses_a_fraction_or_nan():
    torch.manual_seed(0)
    net = dying.make_model(seed=0)
    x = torch.randn(20, net[0].in_features)
    for bad in (1.7, math.nan, "1", -1):
        fb = ex.check_fire_on_test([bad], [net], x, -x)
        assert fb.kinds == ("format",), (bad, fb.kinds)
    with pytest.raises(TypeError, match="models"):
        ex.check_fire_on_test([1], net, x, -x)


# --------------------------------------------------------------------------- failures on a later call


class _Flaky:
    """A student's function that works on its first ``ok`` calls, then raises."""

    def __init__(self, fn, ok):
        self.fn, self.ok, self.calls = fn, ok, 0

    def __call__(self, *args):
        self.calls += 1
        if self.calls > self.ok:
            raise RuntimeError("only works sometimes")
        return self.fn(*args)


@pytest.mark.parametrize("ok", [1, 2, 3])
def test_relu6_function_survives_a_later_failure(ok):
    from tests.test_exercises import ReLU6At

    fb = ex.check_relu6_function(_Flaky(ReLU6At.apply, ok))
    assert "raised" in fb.kinds or "no_grad" in fb.kinds, fb.kinds


def test_clamp_timing_survives_a_later_failure():
    from relulab import bench

    x = torch.randn(bench.LARGE)
    y = torch.empty_like(x)
    reference = lambda: y.copy_(x)  # noqa: E731
    fn = _Flaky(lambda: torch.clamp(x, min=0), 1)  # a new tensor, then an error
    fb = ex.check_clamp_timing(fn, reference, [1.0, 1.1, 1.2], [1.0, 1.0, 1.0], median=1.1, middle=[1.05, 1.15])
    assert "raised" in fb.kinds, fb.kinds
    fb = ex.check_clamp_timing(lambda: torch.clamp(x, min=0, out=y), reference, [1.0, 1.1, 1.2], [1.0, 1.0, 1.0],
                               median=math.nan, middle=[math.nan, 1.0])
    assert "format" in fb.kinds and "middle" in fb.kinds


# --------------------------------------------------------------------------- no part of an unattempted answer


def test_sawtooth_hints_give_no_count_away():
    right = ex.check_sawtooth_units(with_linear=15, without_linear=16)
    assert right.passed, right.message
    for lang in LANGS:
        relulab.use_language(lang)
        for n in (1, 3, 40):
            fb = ex.check_sawtooth_units(with_linear=n, without_linear=n)
            assert "15" not in fb.message and "16" not in fb.message, fb.message


def test_leaky_traffic_lists_operations_only_when_every_part_is_answered():
    fb = ex.check_leaky_traffic(passes=[1, 1])
    assert not fb.passed and "multiply" not in fb.message and "greater" not in fb.message
    fb = ex.check_leaky_traffic(passes=[1, 1], temporaries=[0, 0], copies=[0, 0])
    assert "multiply" in fb.message


# =========================================================================== every registered checker
#
# CHECKERS has one entry per checker registered in relulab.exercises.EXERCISES: a right answer, at least
# two wrong answers (with the problem kinds they must get) and garbage (nan, inf, strings, None, tensors
# that require grad, a student function that loops or raises). A right answer must pass; a wrong one must
# fail with its kinds; garbage must fail with a clear message (feedback, or a TypeError/ValueError whose
# message says what is wrong), never another exception, never a hang. Checkers whose right answer needs a
# trained experiment (minutes of training) point to the test that runs their right and wrong answers;
# their garbage cases run here on cheap stand-ins where the checker reads the answer first.

from dataclasses import dataclass as _dataclass  # noqa: E402
from dataclasses import field as _field  # noqa: E402

from relulab import activations, bench, data, propagation, training  # noqa: E402
from tests import test_exercises as T1  # noqa: E402
from tests import test_exercises_ch5 as T5  # noqa: E402


@_dataclass
class Case:
    right: object = None  # () -> Feedback that must pass
    wrong: list = _field(default_factory=list)  # [(() -> Feedback, {kinds, at least one of which it must get})]
    garbage: list = _field(default_factory=list)  # [() -> Feedback or a clear TypeError/ValueError]
    covered_by: tuple = ()  # tests that run the right and wrong answers (a trained experiment)
    readable: list = _field(default_factory=list)  # [() -> Feedback]: a right answer of an unusual type (a tensor
    # that requires grad), read as its value: it must pass


def _raises(*args, **kwargs):
    raise RuntimeError("a student's bug")


def _grad_tensor(v):
    return torch.tensor(v, dtype=torch.float64, requires_grad=True)


def _tiny_net():
    torch.manual_seed(0)
    net = training.mlp([8, 16, 16, 3])
    with torch.no_grad():
        net.fc1.bias[:5] = -100.0
    return net, torch.randn(64, 8, generator=torch.Generator().manual_seed(1))


def _dead_masks_cases():
    net, x = _tiny_net()
    truth = {k: v.clone() for k, v in dying.dead_units(net, x).items()}
    return net, x, truth


def _fire_count(net, x):
    d_tr, d_te = dying.dead_units(net, x)["act1"], dying.dead_units(net, -x)["act1"]
    return int((d_tr & ~d_te).sum())


_COMP = type("C", (), {"results": {"crelu": type("R", (), {"params": 4810})(),
                                    "maxout": type("R", (), {"params": 6602})()}})()
_XT = lambda: data.digits().x_test.double()  # noqa: E731
_PHOTO = lambda: (T5.fake_task("photo", 5.0, 0), T5.fake_task("prose", 1.0, 1))  # noqa: E731


def _thresholds(**answers):
    photo, prose = _PHOTO()
    sweep = T5.fake_sweep({"photo": T5.PHOTO, "prose": T5.PROSE})
    _, lam = T5.threshold_solution(sweep, (photo, prose))
    ratio = lam["photo"] / lam["prose"]
    kw = dict(photo=1.0, prose=4.0, lambda_ratio=ratio, same_order=True)
    kw.update({k: (v(ratio) if callable(v) else v) for k, v in answers.items()})
    return ex.check_dying_thresholds(sweep, photo, prose, **kw)


def _reglu(zeros_as=float, **answers):
    module = T5.reglu()
    x = torch.randn(1000, 32, generator=torch.Generator().manual_seed(5))
    kw = dict(zeros=zeros_as(float((module.hidden(x) == 0).float().mean())), sparse="reglu")
    kw.update(answers)
    return ex.check_reglu(module, **kw)


def _pruning(**answers):
    model = T5.tiny_lm()
    dead, _, _ = T5.dead_units_solution(model, T5.VAL_IDS)
    kw = dict(dead=dead, dead_changes=False, live_changes=True)
    kw.update(answers)
    return ex.check_pruning(model, T5.VAL_IDS, **kw)


def _large_lr(**answers):
    runs = [T5.lm_run("relu", 1e-2, 3), T5.lm_run("swiglu", 1e-2, 0), T5.lm_run("relu", 1e-2, 9, seed=1)]
    fast = [T5.lm_run("relu", 2e-2, 30), T5.lm_run("swiglu", 2e-2, 1)]
    kw = dict(relu="more", swiglu="same")
    kw.update(answers)
    return ex.check_large_lr_prediction(fast, runs, **kw)


def _correlation(**answers):
    runs = T5.corr_runs()
    dead_all = np.concatenate([r.dead_share[:, -1] for r in runs])
    modes_all = np.concatenate([r.modes_covered for r in runs]).astype(float)
    r_relu = np.corrcoef(runs[0].dead_share[:, -1], runs[0].modes_covered)[0, 1]
    kw = dict(prediction="negative", correlations={0.0: r_relu, 0.2: float("nan"), "all": np.corrcoef(dead_all, modes_all)[0, 1]})
    kw.update(answers)
    return ex.check_dead_mode_correlation(runs, **kw)


def _slope(**answers):
    small, runs = T5.slope_runs()
    kw = dict(closer_to=0.0, dead=small.dead_share[:, -1].mean(), modes_within_spread=True)
    kw.update(answers)
    return ex.check_slope_prediction(small, runs, **kw)


def _sparsity(**answers):
    kw = dict(population=T1.OFF.mean(1), lifetime=T1.OFF.mean(0), dead=T1.OFF.all(0))
    kw.update(answers)
    return ex.check_sparsity_measures(T1.ACTS, **kw)


_CLAMP = dict(protocol=dict(repeats=5, warmup=1, min_time=1e-3))
_F_TIMES = np.array([1.10, 1.02, 1.31, 0.95, 1.05]) * 1e-3
_R_TIMES = np.array([1.00, 1.00, 1.10, 1.00, 0.98]) * 1e-3
_RATIO = _F_TIMES / _R_TIMES


def _clamp(**answers):
    x = torch.randn(bench.LARGE, generator=torch.Generator().manual_seed(0))
    y = torch.empty_like(x)
    kw = dict(_CLAMP, median=float(np.median(_RATIO)), middle=np.percentile(_RATIO, [25, 75]))
    kw.update(answers)
    return ex.check_clamp_timing(lambda: torch.clamp(x, min=0, out=y), lambda: y.copy_(x), _F_TIMES, _R_TIMES, **kw)


def _leaky(**answers):
    kw = dict(passes=(3, 2), temporaries=(2, 1), copies=(3.25, 2.5))
    kw.update(answers)
    return ex.check_leaky_traffic(**kw)


def _leaky_map(c, a):
    k1 = (math.sqrt(1 - c * c) + (math.pi - math.acos(c)) * c) / (2 * math.pi)
    return (a * a * c + a * (1 - a) * c + (1 - a) ** 2 * k1) / ((1 + a * a) / 2)


def _answers(check, right: dict, part: str):
    """Garbage for one part of a checker of predicted numbers: nan, inf, a string, a list, a complex number."""
    return [lambda v=v: check(**dict(right, **{part: v})) for v in (math.nan, math.inf, "abc", [1, 2], 1 + 2j)]


_DEPTH_RIGHT = dict(leaky_factor=1.04 ** 0.5, leaky_nv=2 / 1.04, sigmoid_log10=30 * math.log10(0.25))


def _clip_global(grads, max_norm):
    total = float(sum((g.double() ** 2).sum() for g in grads)) ** 0.5
    return [g * min(1.0, max_norm / (total + 1e-6)) for g in grads]


def _clip_in_place(grads, max_norm):
    for g, c in zip(grads, _clip_global(grads, max_norm)):
        g.copy_(c)
    return grads


CHECKERS: dict[str, Case] = {
    "check_my_relu": Case(
        right=lambda: ex.check_my_relu(T1.my_relu),
        wrong=[(lambda: ex.check_my_relu(lambda x: np.maximum(x, 0)), {"forbidden"}),
               (lambda: ex.check_my_relu(lambda x: -T1.my_relu(x)), {"value", "slope_pos", "slope_neg", "zero", "mirrored"}),
               (lambda: ex.check_my_relu(lambda x: T1.my_relu(x) + (x == 0)), {"zero"})],
        garbage=[lambda: ex.check_my_relu(forever), lambda: ex.check_my_relu(_raises), lambda: ex.check_my_relu(lambda x: "relu"),
                 lambda: ex.check_my_relu(None), lambda: ex.check_my_relu(lambda x: _grad_tensor(1.0))]),
    "check_relu_predictions": Case(
        right=lambda: ex.check_relu_predictions(difference=lambda x: x, total=np.abs, where_output=[0.0, 0.0],
                                                relu_output=[float("nan"), -0.0]),
        wrong=[(lambda: ex.check_relu_predictions(difference=lambda x: 0 * x, total=np.abs, where_output=[0.0, 0.0],
                                                  relu_output=[float("nan"), -0.0]), {"difference"}),
               (lambda: ex.check_relu_predictions(difference=lambda x: x, total=np.abs, where_output=[0.0, 0.0],
                                                  relu_output=[0.0, 0.0]), {"relu_output"})],
        garbage=[lambda: ex.check_relu_predictions(difference=forever), lambda: ex.check_relu_predictions(total=_raises),
                 lambda: ex.check_relu_predictions(where_output="abc"), lambda: ex.check_relu_predictions(relu_output=[None, 1])]),
    "check_max_min": Case(
        right=lambda: ex.check_max_min(T1.my_max, T1.my_min),
        wrong=[(lambda: ex.check_max_min(T1.my_min, T1.my_max), {"value", "swapped"}),
               (lambda: ex.check_max_min(np.maximum, np.minimum), {"forbidden"})],
        garbage=[lambda: ex.check_max_min(forever), lambda: ex.check_max_min(_raises), lambda: ex.check_max_min(lambda a, b: None),
                 lambda: ex.check_max_min("max")]),
    "check_sawtooth_units": Case(
        right=lambda: ex.check_sawtooth_units(with_linear=15, without_linear=16),
        wrong=[(lambda: ex.check_sawtooth_units(with_linear=15, without_linear=15), {"without_linear"}),
               (lambda: ex.check_sawtooth_units(with_linear=8, without_linear=17), {"with_linear", "without_linear"})],
        garbage=[lambda: ex.check_sawtooth_units(with_linear=math.nan, without_linear=16),
                 lambda: ex.check_sawtooth_units(with_linear="15", without_linear=16),
                 lambda: ex.check_sawtooth_units(with_linear=15.5, without_linear=16)]),
    "check_relu6_function": Case(
        right=lambda: ex.check_relu6_function(T1.ReLU6At.apply),
        wrong=[(lambda: ex.check_relu6_function(T1.ReLU6Swapped.apply), {"kinks"}),
               (lambda: ex.check_relu6_function(T1.ReLU6FlippedSign.apply), {"grad"})],
        garbage=[lambda: ex.check_relu6_function(forever), lambda: ex.check_relu6_function(_raises),
                 lambda: ex.check_relu6_function(lambda v, a, b: "x"), lambda: ex.check_relu6_function(None)]),
    "check_kink_gradients": Case(
        right=lambda: ex.check_kink_gradients(a=0.0, b=0.0, c=2.0, d=0.0),
        wrong=[(lambda: ex.check_kink_gradients(a=1.0, b=0.0, c=1.0, d=0.0), {"a", "c"}),
               (lambda: ex.check_kink_gradients(a=0.0, b=1.0, c=2.0, d=0.0), {"b"})],
        garbage=_answers(ex.check_kink_gradients, dict(a=0.0, b=0.0, c=2.0, d=0.0), "a"),
        readable=[lambda: ex.check_kink_gradients(a=_grad_tensor(0.0), b=0.0, c=2.0, d=0.0)]),
    "check_kink_quotients": Case(
        right=lambda: ex.check_kink_quotients(central=0.55, right=0.9, largest_h=0.3),
        wrong=[(lambda: ex.check_kink_quotients(central=0.5, right=0.9, largest_h=0.3), {"central"}),
               (lambda: ex.check_kink_quotients(central=0.55, right=1.0, largest_h=0.15), {"right", "largest_h"})],
        garbage=_answers(ex.check_kink_quotients, dict(central=0.55, right=0.9, largest_h=0.3), "right"),
        readable=[lambda: ex.check_kink_quotients(central=_grad_tensor(0.55), right=0.9, largest_h=0.3)]),
    "check_depth_predictions": Case(
        right=lambda: ex.check_depth_predictions(**_DEPTH_RIGHT),
        wrong=[(lambda: ex.check_depth_predictions(**dict(_DEPTH_RIGHT, leaky_factor=1.0)), {"leaky_factor"}),
               (lambda: ex.check_depth_predictions(**dict(_DEPTH_RIGHT, leaky_nv=2.0, sigmoid_log10=18.06)),
                {"leaky_nv", "sigmoid_log10"})],
        garbage=_answers(ex.check_depth_predictions, _DEPTH_RIGHT, "leaky_nv"),
        readable=[lambda: ex.check_depth_predictions(**dict(_DEPTH_RIGHT, leaky_factor=_grad_tensor(1.04 ** 0.5)))]),
    "check_clip_function": Case(
        right=lambda: ex.check_clip_function(_clip_global),
        wrong=[(lambda: ex.check_clip_function(lambda grads, m: [_clip_global([g], m)[0] for g in grads]), {"per_tensor"}),
               (lambda: ex.check_clip_function(lambda grads, m: [g.clamp(-m, m) for g in grads]), {"clamped"}),
               (lambda: ex.check_clip_function(_clip_in_place), {"mutated"})],
        garbage=[lambda: ex.check_clip_function(forever), lambda: ex.check_clip_function(_raises),
                 lambda: ex.check_clip_function(lambda grads, m: "clipped"), lambda: ex.check_clip_function(None),
                 lambda: ex.check_clip_function(lambda grads, m: [g * math.nan for g in grads]),
                 lambda: ex.check_clip_function(lambda grads, m: [torch.cat([g.flatten() for g in grads])])]),
    "check_gradient_edge": Case(covered_by=("tests/test_exercises_more.py::test_reference_solutions_pass",
                                            "tests/test_exercises_more.py::test_typical_wrong_answers",
                                            "tests/test_exercises_more.py::test_bad_arguments_raise_clear_errors")),
    "check_propagation_predictions": Case(
        right=lambda: ex.check_propagation_predictions(one_layer=1 / math.pi, zeros_layer_five=0.5, xavier_changes_correlation=False),
        wrong=[(lambda: ex.check_propagation_predictions(one_layer=0.0, zeros_layer_five=0.5, xavier_changes_correlation=False),
                {"one_layer"}),
               (lambda: ex.check_propagation_predictions(one_layer=1 / math.pi, zeros_layer_five=0.5, xavier_changes_correlation=True),
                {"xavier_changes_correlation"})],
        garbage=_answers(ex.check_propagation_predictions,
                         dict(one_layer=1 / math.pi, zeros_layer_five=0.5, xavier_changes_correlation=False), "one_layer")
        + [lambda: ex.check_propagation_predictions(one_layer=1 / math.pi, zeros_layer_five=0.5, xavier_changes_correlation="no")]),
    "check_tanh_critical": Case(
        right=lambda: ex.check_tanh_critical(propagation.critical_weight_var("tanh", bias_var=0.05)),
        wrong=[(lambda: ex.check_tanh_critical(1.0), {"no_bias"}), (lambda: ex.check_tanh_critical(2.0), {"relu"}),
               (lambda: ex.check_tanh_critical(1.5), {"value"})],
        garbage=[lambda v=v: ex.check_tanh_critical(v) for v in (math.nan, math.inf, "1.0", [1.0], 1 + 2j)]),
    "check_leaky_correlation_map": Case(
        right=lambda: ex.check_leaky_correlation_map(_leaky_map, critical=2 / 1.04),
        wrong=[(lambda: ex.check_leaky_correlation_map(lambda c, a: _leaky_map(c, a) * (1 + a * a) / 2, critical=2), {"value", "critical"}),
               (lambda: ex.check_leaky_correlation_map(_leaky_map, critical=2.0), {"critical"})],
        garbage=[lambda: ex.check_leaky_correlation_map(forever, critical=2 / 1.04), lambda: ex.check_leaky_correlation_map(_raises),
                 lambda: ex.check_leaky_correlation_map(42), lambda: ex.check_leaky_correlation_map(_leaky_map, critical=math.nan),
                 lambda: ex.check_leaky_correlation_map(_leaky_map, critical="2")]),
    "check_sparsity_measures": Case(
        right=_sparsity,
        wrong=[(lambda: _sparsity(population=T1.OFF.mean(0)), {"population", "axis"}),
               (lambda: _sparsity(population=1 - T1.OFF.mean(1), dead=T1.OFF.any(0)), {"active", "any"})],
        garbage=[lambda: _sparsity(population="abc"), lambda: _sparsity(lifetime=[math.nan] * 3),
                 lambda: _sparsity(dead=[[1, 2], [3]])],
        readable=[lambda: _sparsity(population=_grad_tensor(T1.OFF.mean(1)))]),
    "check_bias_shift_prediction": Case(
        right=lambda: ex.check_bias_shift_prediction(_XT(), first_layer=0.58, deeper="more"),
        wrong=[(lambda: ex.check_bias_shift_prediction(_XT(), first_layer=0.5, deeper="more"), {"first_layer"}),
               (lambda: ex.check_bias_shift_prediction(_XT(), first_layer=0.58, deeper="fewer"), {"deeper"})],
        garbage=[lambda v=v: ex.check_bias_shift_prediction(_XT(), first_layer=v, deeper="more", seeds=[0])
                 for v in (math.nan, math.inf, "0.5", [0.5, 0.5])]
        + [lambda: ex.check_bias_shift_prediction(_XT(), first_layer=0.58, deeper=3, seeds=[0])]),
    "check_union_active": Case(
        right=lambda: ex.check_union_active(T1.union_active),
        wrong=[(lambda: ex.check_union_active(lambda a, b: float((a != 0).double().mean())), {"value"}),
               (lambda: ex.check_union_active(lambda a, b: 1 - T1.union_active(a, b)), {"value"})],
        garbage=[lambda: ex.check_union_active(forever), lambda: ex.check_union_active(_raises),
                 lambda: ex.check_union_active(lambda a, b: "x"), lambda: ex.check_union_active(lambda a, b: math.nan)]),
    "check_dead_masks": Case(
        right=lambda: ex.check_dead_masks(*(lambda n, x, t: (t, n, x))(*_dead_masks_cases())),
        wrong=[(lambda: (lambda n, x, t: ex.check_dead_masks({k: ~v for k, v in t.items()}, n, x))(*_dead_masks_cases()), {"mask"}),
               (lambda: (lambda n, x, t: ex.check_dead_masks({"act1": t["act1"]}, n, x))(*_dead_masks_cases()), {"layers"})],
        garbage=[lambda: (lambda n, x, t: ex.check_dead_masks({k: "abc" for k in t}, n, x))(*_dead_masks_cases()),
                 lambda: (lambda n, x, t: ex.check_dead_masks({k: torch.full(v.shape, math.nan) for k, v in t.items()}, n, x))(*_dead_masks_cases()),
                 lambda: (lambda n, x, t: ex.check_dead_masks([True], n, x))(*_dead_masks_cases())]),
    "check_fire_on_test": Case(
        right=lambda: (lambda n, x: ex.check_fire_on_test([_fire_count(n, x)], [n], x, -x))(*_tiny_net()),
        wrong=[(lambda: (lambda n, x: ex.check_fire_on_test([int(dying.dead_units(n, x)["act1"].sum())], [n], x, -x))(*_tiny_net()), {"count"}),
               (lambda: (lambda n, x: ex.check_fire_on_test([_fire_count(n, x) + 3], [n], x, -x))(*_tiny_net()), {"count"})],
        garbage=[lambda v=v: (lambda n, x: ex.check_fire_on_test([v], [n], x, -x))(*_tiny_net()) for v in (1.7, math.nan, "1", -1, None)]),
    "check_bias_death": Case(covered_by=("tests/test_exercises_more.py::test_reference_solutions_pass",
                                         "tests/test_exercises_more.py::test_typical_wrong_answers",
                                         "tests/test_exercises_more.py::test_missing_parts_are_reported")),
    "check_distinct_fraction": Case(
        right=lambda: ex.check_distinct_fraction(T5.my_distinct_fraction),
        wrong=[(lambda fn=fn: ex.check_distinct_fraction(fn), {kind}) for fn, kind, _, _ in T5.DISTINCT_WRONG[:4]],
        garbage=[lambda: ex.check_distinct_fraction(forever), lambda: ex.check_distinct_fraction(_raises),
                 lambda: ex.check_distinct_fraction(lambda x: "x"), lambda: ex.check_distinct_fraction(lambda x: math.nan)]),
    "check_quantize_prediction": Case(covered_by=("tests/test_exercises_ch5.py::test_quantize_prediction_solution_passes_and_wrong_answers_explained",
                                                  "tests/test_exercises_ch5.py::test_chapter5_checkers_validate_their_arguments")),
    "check_dying_thresholds": Case(
        right=_thresholds,
        wrong=[(lambda: _thresholds(photo=4.0), {"photo", "same_order"}), (lambda: _thresholds(lambda_ratio=lambda r: 2 * r), {"lambda_ratio"})],
        garbage=[lambda: _thresholds(photo=math.nan), lambda: _thresholds(prose="4"), lambda: _thresholds(lambda_ratio=[1.0, 2.0]),
                 lambda: _thresholds(same_order="yes")]),
    "check_reglu": Case(
        right=_reglu,
        wrong=[(lambda: _reglu(zeros=0.1), {"zeros"}), (lambda: _reglu(sparse="swiglu"), {"sparse"})],
        garbage=[lambda: _reglu(zeros=math.nan), lambda: _reglu(zeros="half"), lambda: _reglu(zeros=math.inf),
                 lambda: ex.check_reglu("module"), lambda: ex.check_reglu(None)],
        readable=[lambda: _reglu(zeros_as=_grad_tensor)]),
    "check_pruning": Case(
        right=_pruning,
        wrong=[(lambda: _pruning(dead=[0, 5]), {"dead"}), (lambda: _pruning(dead_changes=True, live_changes=False), {"dead_changes", "live_changes"})],
        garbage=[lambda: _pruning(dead=[0, 500]), lambda: _pruning(dead="all"), lambda: _pruning(dead=[math.nan]),
                 lambda: _pruning(dead_changes="no")]),
    "check_large_lr_prediction": Case(
        right=_large_lr,
        wrong=[(lambda: _large_lr(relu="same"), {"relu"}), (lambda: _large_lr(swiglu="more"), {"swiglu"})],
        garbage=[lambda: _large_lr(relu=math.nan), lambda: _large_lr(relu=3), lambda: _large_lr(swiglu=["same"])]),
    "check_mode_coverage": Case(
        right=lambda: ex.check_mode_coverage(T5.my_modes, T5.ring_runs()),
        wrong=[(lambda fn=fn: ex.check_mode_coverage(fn), {kind}) for fn, kind, _, _ in T5.COVERAGE_WRONG[:3]],
        garbage=[lambda: ex.check_mode_coverage(forever), lambda: ex.check_mode_coverage(_raises),
                 lambda: ex.check_mode_coverage(lambda p: "8"), lambda: ex.check_mode_coverage(lambda p: math.nan)]),
    "check_dead_mode_correlation": Case(
        right=_correlation,
        wrong=[(lambda: _correlation(prediction="positive"), {"prediction"}),
               (lambda: _correlation(correlations={0.0: 0.9, 0.2: float("nan"), "all": 0.9}), {"value"})],
        garbage=[lambda: _correlation(prediction=math.nan), lambda: _correlation(correlations="abc"),
                 lambda: _correlation(correlations={0.0: "x", 0.2: 1.0, "all": 1.0})]),
    "check_slope_prediction": Case(
        right=_slope,
        wrong=[(lambda: _slope(closer_to=0.2), {"closer_to"}), (lambda: _slope(modes_within_spread=False), {"modes_within_spread"})],
        garbage=[lambda: _slope(dead=math.nan), lambda: _slope(closer_to="0"), lambda: _slope(dead=math.inf),
                 lambda: _slope(modes_within_spread="yes")]),
    "check_hard_sigmoid": Case(
        right=lambda: ex.check_hard_sigmoid(T1.hard_sigmoid_np),
        wrong=[(lambda: ex.check_hard_sigmoid(lambda v: activations.relu6_np(np.asarray(v, dtype=float)) / 6), {"zero", "slope_neg"}),
               (lambda: ex.check_hard_sigmoid(lambda v: 2 * T1.hard_sigmoid_np(v)), {"value", "slope_pos", "slope_neg", "zero"})],
        garbage=[lambda: ex.check_hard_sigmoid(forever), lambda: ex.check_hard_sigmoid(_raises),
                 lambda: ex.check_hard_sigmoid(lambda v: "x"), lambda: ex.check_hard_sigmoid(None)]),
    "check_hard_swish": Case(
        right=lambda: ex.check_hard_swish(lambda v: np.asarray(v, dtype=float) * T1.hard_sigmoid_np(v)),
        wrong=[(lambda: ex.check_hard_swish(T1.hard_sigmoid_np), {"slope_neg", "slope_pos", "zero", "value", "nan_lost"}),
               (lambda: ex.check_hard_swish(lambda v: -np.asarray(v, dtype=float) * T1.hard_sigmoid_np(v)), {"slope_neg", "slope_pos", "value", "mirrored"})],
        garbage=[lambda: ex.check_hard_swish(forever), lambda: ex.check_hard_swish(_raises), lambda: ex.check_hard_swish(lambda v: None)]),
    "check_variant_gradients": Case(
        right=lambda: ex.check_variant_gradients(hardswish=[0.0, 0.5, 1.0], selu_at_0=1.758),
        wrong=[(lambda: ex.check_variant_gradients(hardswish=[-0.5, 0.5, 1.5], selu_at_0=1.758), {"hardswish"}),
               (lambda: ex.check_variant_gradients(hardswish=[0.0, 0.5, 1.0], selu_at_0=1.0507), {"selu_at_0"})],
        garbage=_answers(ex.check_variant_gradients, dict(hardswish=[0.0, 0.5, 1.0], selu_at_0=1.758), "selu_at_0")
        + [lambda: ex.check_variant_gradients(hardswish="abc", selu_at_0=1.758)]),
    "check_selu_fixed_points": Case(
        right=lambda: ex.check_selu_fixed_points(tau_09=0.674, tau_11=1.399),
        wrong=[(lambda: ex.check_selu_fixed_points(tau_09=1.0, tau_11=1.399), {"tau_09"}),
               (lambda: ex.check_selu_fixed_points(tau_09=0.674, tau_11=1.0), {"tau_11"})],
        garbage=_answers(ex.check_selu_fixed_points, dict(tau_09=0.674, tau_11=1.399), "tau_09")),
    "check_sign_test": Case(
        right=lambda: ex.check_sign_test(T1.sign_test_p),
        wrong=[(lambda: ex.check_sign_test(lambda d: min(1.0, 2 * T1.sign_test_p(d))), {"value"}),
               (lambda: ex.check_sign_test(lambda d: 1 - T1.sign_test_p(d)), {"value"})],
        garbage=[lambda: ex.check_sign_test(forever), lambda: ex.check_sign_test(_raises), lambda: ex.check_sign_test(lambda d: "p"),
                 lambda: ex.check_sign_test(lambda d: math.nan), lambda: ex.check_sign_test(0.5)]),
    "check_fixed_slope": Case(covered_by=("tests/test_exercises_more.py::test_reference_solutions_pass",
                                          "tests/test_exercises_more.py::test_typical_wrong_answers",
                                          "tests/test_exercises_more.py::test_missing_parts_are_reported")),
    "check_equal_param_widths": Case(
        right=lambda: ex.check_equal_param_widths(_COMP, crelu=41, maxout=52),
        wrong=[(lambda: ex.check_equal_param_widths(_COMP, crelu=42, maxout=52), {"crelu"}),
               (lambda: ex.check_equal_param_widths(_COMP, crelu=41, maxout=64), {"maxout"})],
        garbage=[lambda v=v: ex.check_equal_param_widths(_COMP, crelu=v, maxout=52) for v in (math.nan, "41", 41.5, [41], None)]),
    "check_clamp_timing": Case(
        right=_clamp,
        wrong=[(lambda: _clamp(median=float(np.median(1 / _RATIO))), {"median"}), (lambda: _clamp(median=float(_RATIO.mean())), {"median"})],
        garbage=[lambda: _clamp(median=math.nan), lambda: _clamp(middle=[math.nan, 1.0]), lambda: _clamp(median="1.1"),
                 lambda: ex.check_clamp_timing(forever, forever, [1.0] * 3, [1.0] * 3)]),
    "check_leaky_traffic": Case(
        right=_leaky,
        wrong=[(lambda: _leaky(temporaries=(2, 0)), {"temporaries"}), (lambda: _leaky(copies=(4.0, 2.5)), {"copies"}),
               (lambda: _leaky(passes=(4, 2)), {"passes"})],
        garbage=[lambda: _leaky(passes=3), lambda: _leaky(copies=(math.nan, 2.5)), lambda: _leaky(temporaries="two")]),
    "check_maximum_edge": Case(
        right=lambda: ex.check_maximum_edge(scalar=[0.0, np.nan, 0.0, 2.0], array=[0.0, np.nan, 0.0, 2.0]),
        wrong=[(lambda: ex.check_maximum_edge(scalar=[-0.0, 0.0, 0.0, 2.0], array=[0.0, np.nan, 0.0, 2.0]), {"scalar"}),
               (lambda: ex.check_maximum_edge(scalar=[0.0, np.nan, 0.0, 2.0], array=[0.0, 0.0, 0.0, 2.0]), {"array"})],
        garbage=[lambda: ex.check_maximum_edge(scalar="abc", array=[0.0, np.nan, 0.0, 2.0]),
                 lambda: ex.check_maximum_edge(scalar=[0.0, np.nan], array=[0.0, np.nan, 0.0, 2.0]),
                 lambda: ex.check_maximum_edge(scalar=[None] * 4, array=[0.0, np.nan, 0.0, 2.0])]),
}


def _registered() -> dict[str, str]:
    return {c.__name__: label for label, e in ex.EXERCISES.items() for c in e.checkers}


def test_every_registered_checker_is_in_the_table():
    missing = sorted(set(_registered()) - set(CHECKERS))
    assert not missing, (f"registered checkers without an entry in CHECKERS (tests/test_checker_robustness.py): {missing}; "
                         "add Case(right=..., wrong=[(..., {kinds}), (..., {kinds})], garbage=[...])")
    assert not set(CHECKERS) - set(_registered()), set(CHECKERS) - set(_registered())
    for name, case in CHECKERS.items():
        if case.covered_by:
            for ref in case.covered_by:
                path, test = ref.split("::")
                assert f"def {test}(" in open(path, encoding="utf-8").read(), ref
        else:
            assert case.right and len(case.wrong) >= 2 and len(case.garbage) >= 2, name


_TABLE = [n for n, c in CHECKERS.items() if not c.covered_by]


@pytest.mark.parametrize("name", _TABLE)
def test_right_answer_passes(name):
    fb = CHECKERS[name].right()
    assert fb.passed, fb.message


@pytest.mark.parametrize("name", _TABLE)
def test_wrong_answers_fail_with_the_right_kind(name):
    for call, kinds in CHECKERS[name].wrong:
        fb = call()
        assert not fb.passed and set(fb.kinds) & kinds, (name, fb.kinds, kinds, fb.message)


@pytest.mark.parametrize("name", _TABLE)
def test_garbage_is_refused_clearly(name):
    for call in CHECKERS[name].garbage:
        start = time.perf_counter()
        try:
            fb = call()
        except (TypeError, ValueError) as exc:
            assert len(str(exc)) > 15 and "object has no attribute" not in str(exc), (name, repr(exc))
        else:
            assert not fb.passed, (name, "garbage passed", fb.message)
            assert fb.kinds and fb.message.strip(), (name, fb)
        assert time.perf_counter() - start < 20, name


_READABLE = [n for n in _TABLE if CHECKERS[n].readable]


@pytest.mark.parametrize("name", _READABLE)
def test_right_answers_of_an_unusual_type_are_read_as_their_value(name):
    for call in CHECKERS[name].readable:
        fb = call()
        assert fb.passed, (name, fb.message)


# =========================================================================== every answer spoiled, in every checker
#
# The right call of each checker in CHECKERS, with one answer spoiled at a time: every number made nan, every
# number made complex (with a zero imaginary part: right in value, wrong in type), a list or array cut to its
# first entry (a shape that numpy would broadcast), and each function the student wrote made to return nan, a
# complex copy or a column (n, 1) of its result (which broadcasts against (n,) to (n, n)). None may pass; an
# error must be a TypeError/ValueError with a message.

import inspect as _inspect  # noqa: E402
import numbers as _numbers  # noqa: E402


def _is_real(v):
    return isinstance(v, _numbers.Real) and not isinstance(v, (bool, np.bool_))


def _spoil_answer(v):
    """(what, spoiled value) for an answer ``v``: nan, complex and cut versions of its numbers."""
    out = []
    if _is_real(v):
        out += [("nan", math.nan), ("complex", complex(v, 0.0))]
    elif isinstance(v, np.ndarray) and v.dtype.kind in "fiu" and v.size:
        out += [("nan", np.full(v.shape, np.nan)), ("complex", v.astype(complex))]
        if v.shape[0] > 1:
            out.append(("cut", v[:1]))
    elif isinstance(v, torch.Tensor) and v.dtype != torch.bool and v.numel():
        out += [("nan", torch.full(v.shape, math.nan, dtype=torch.float64)), ("complex", v.to(torch.complex128))]
    elif isinstance(v, (list, tuple)) and v and all(_is_real(u) for u in v):
        out += [("nan", type(v)(math.nan for _ in v)), ("complex", type(v)(complex(u, 0.0) for u in v))]
        if len(v) > 1:
            out.append(("cut", type(v)(v[:1])))
    elif isinstance(v, dict) and v and all(_is_real(u) for u in v.values()):
        out += [("nan", {k: math.nan for k in v}), ("complex", {k: complex(u, 0.0) for k, u in v.items()})]
    return out


def _spoil_result(out, how):
    """The result ``out`` of a student's function spoiled ``how`` (None where that does not apply)."""
    if isinstance(out, np.ndarray) and out.dtype.kind in "fiu":
        return {"nan": np.full(out.shape, np.nan), "complex": out.astype(complex),
                "column": out.reshape(-1, 1) if out.size > 1 else None}[how]
    if isinstance(out, torch.Tensor) and out.dtype.is_floating_point:
        return {"nan": torch.full_like(out, math.nan), "complex": out.to(torch.complex128),
                "column": out.reshape(-1, 1) if out.numel() > 1 else None}[how]
    if _is_real(out):
        return {"nan": math.nan, "complex": complex(out, 0.0), "column": None}[how]
    return None


class _Skip(Exception):
    pass


def _right_call(name, monkeypatch):
    """The arguments of the right call of checker ``name``, bound to its signature."""
    checker = getattr(ex, name)
    seen = []

    def spy(*args, **kwargs):
        seen.append((args, kwargs))
        return checker(*args, **kwargs)

    with monkeypatch.context() as m:
        m.setattr(ex, name, spy)
        assert CHECKERS[name].right().passed
    assert seen, f"{name}: the right call does not go through relulab.exercises.{name}"
    sig = _inspect.signature(checker)
    return checker, sig, sig.bind(*seen[-1][0], **seen[-1][1]).arguments


def _call_with(checker, sig, arguments):
    pos, kw = [], {}
    for n, q in sig.parameters.items():
        if n not in arguments:
            continue
        if q.kind is q.VAR_POSITIONAL:
            pos += list(arguments[n])
        elif q.kind is q.KEYWORD_ONLY:
            kw[n] = arguments[n]
        else:
            pos.append(arguments[n])
    return checker(*pos, **kw)


def _refused(name, what, call):
    try:
        fb = call()
    except (TypeError, ValueError) as exc:
        assert len(str(exc)) > 15, (name, what, repr(exc))
        return 1
    assert not fb.passed, (name, what, "passed")
    assert fb.kinds and fb.message.strip(), (name, what, fb)
    return 1


def _is_answer(sig, param, value):
    """Answers are the parameters a checker leaves None by default, and the student's functions and counts."""
    p = sig.parameters[param]
    return p.default is None or param in ("counts", "weight_var") or (callable(value) and param in ("fn", "relu6_at", "my_max", "my_min"))


@pytest.mark.parametrize("name", _TABLE)
def test_spoiled_answers_never_pass(name, monkeypatch):
    checker, sig, arguments = _right_call(name, monkeypatch)
    n = 0
    for param, value in arguments.items():
        if not _is_answer(sig, param, value):
            continue
        if callable(value) and not isinstance(value, torch.nn.Module):
            if name == "check_clamp_timing":
                continue  # fn must write into a given tensor: its spoiled results are the checker's own cases
            for how in ("nan", "complex", "column"):
                def spoiled(*args, _f=value, _how=how, **kwargs):
                    bad = _spoil_result(_f(*args, **kwargs), _how)
                    if bad is None:
                        raise _Skip(_how)
                    return bad

                fb_or_skip = None
                try:
                    fb_or_skip = _call_with(checker, sig, dict(arguments, **{param: spoiled}))
                except (TypeError, ValueError) as exc:
                    assert len(str(exc)) > 15, (name, param, how, repr(exc))
                    n += 1
                    continue
                if "_Skip" in fb_or_skip.message:
                    continue
                assert not fb_or_skip.passed, (name, f"{param} returning a {how} result", "passed")
                n += 1
        else:
            for how, bad in _spoil_answer(value):
                n += _refused(name, f"{param} {how}", lambda b=bad, p=param: _call_with(checker, sig, dict(arguments, **{p: b})))
    spoilable = [p for p, v in arguments.items() if _is_answer(sig, p, v) and (callable(v) or _spoil_answer(v))]
    assert n >= len(spoilable), f"{name}: {n} spoiled answers for {spoilable}"
