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
