"""The installed PyTorch must match the documented table of values and gradients at 0 and at the kinks."""

from __future__ import annotations

import math

import pytest
import torch

from relulab import conventions
from relulab.conventions import EXPECTED, WAYS, Entry, Interval


@pytest.fixture(scope="module")
def live():
    return conventions.live_table()


def test_installed_pytorch_matches_the_documented_table(live):
    # an upgrade of PyTorch that changes a convention must fail here, loudly
    assert conventions.mismatches(live) == []


def test_float64_gives_the_same_table():
    assert conventions.mismatches(conventions.live_table(torch.float64)) == []


def test_the_check_can_fail(live):
    wrong = dict(EXPECTED)
    wrong[("torch.relu(x)", 0.0)] = (0.0, 1.0)
    wrong[("F.rrelu(x, training=True)", 0.0)] = (0.0, Interval(0.2, 0.3))
    del wrong[("F.mish(x)", 0.0)]
    wrong[("F.mish(x)", 1.0)] = (0.865, 1.05)
    problems = conventions.mismatches(live, wrong)
    assert any("torch.relu" in p and "gradient" in p for p in problems)
    assert any("rrelu" in p for p in problems)
    assert any("measured but not documented" in p for p in problems)
    assert any("documented but not measured" in p for p in problems)


def test_every_way_is_documented_at_each_of_its_points():
    assert {(w.code, x) for w in WAYS for x in w.points} == set(EXPECTED)
    assert len({w.code for w in WAYS}) == len(WAYS)


def test_the_issue_list_is_covered():
    codes = " ".join(w.code for w in WAYS)
    for name in ["torch.relu", "F.relu", "nn.ReLU", "torch.maximum", "clamp_min", "clamp(", "x * (x > 0)",
                 "torch.where", "abs", "hardtanh", "relu6", "leaky_relu", "elu", "selu", "celu", "prelu",
                 "rrelu(x, training=True)", "F.rrelu(x)", "gelu", "silu", "softplus", "mish", "hardswish"]:
        assert name in codes, name


def test_ways_marked_relu_compute_relu():
    x = torch.cat([torch.linspace(-5, 5, 1001), torch.tensor([0.0, -0.0, 1e-30, -1e-30])])
    for way in WAYS:
        if way.is_relu:
            assert torch.equal(way.fn(x), torch.relu(x)), way.code


def test_the_relu_ways_disagree_in_three_ways(live):
    groups = conventions.relu_disagreements(live)
    assert sorted(groups) == [0.0, 0.5, 1.0]
    assert "torch.relu(x)" in groups[0.0] and "nn.ReLU()(x)" in groups[0.0]
    assert groups[1.0] == ["x.clamp_min(0)"]
    assert set(groups[0.5]) == {"torch.maximum(x, zeros)", "(x + x.abs()) / 2"}


def test_one_sided_derivatives_are_right(live):
    by_key = {(e.code, e.x): e for e in live}
    relu = by_key[("torch.relu(x)", 0.0)]
    assert relu.left == pytest.approx(0.0, abs=1e-9) and relu.right == pytest.approx(1.0, abs=1e-9)
    selu = by_key[("F.selu(x)", 0.0)]
    assert selu.left == pytest.approx(1.0507009873554805 * 1.6732632423543772, rel=1e-5)
    assert selu.right == pytest.approx(1.0507009873554805, rel=1e-6)
    hs = by_key[("F.hardswish(x)", 3.0)]
    assert (hs.left, hs.right) == (pytest.approx(1.5, abs=1e-5), pytest.approx(1.0, abs=1e-6))
    for e in live:  # smooth points: the two sides agree and autograd returns the derivative
        if e.side == "smooth":
            assert e.left == pytest.approx(e.right, abs=1e-4)
            assert e.grad == pytest.approx(e.left, abs=1e-4)


def test_rrelu_in_training_is_random_and_leaves_the_global_generator_alone():
    torch.manual_seed(123)
    before = torch.get_rng_state()
    table = conventions.live_table()
    assert torch.equal(before, torch.get_rng_state())
    (rrelu,) = [e for e in table if e.code == "F.rrelu(x, training=True)"]
    assert isinstance(rrelu.grad, Interval)
    assert 1 / 8 <= rrelu.grad.lo < rrelu.grad.hi <= 1 / 3
    assert rrelu.side == "random"


@pytest.mark.parametrize(
    ("left", "right", "grad", "side"),
    [
        (0.0, 1.0, 0.0, "left"),
        (0.0, 1.0, 1.0, "right"),
        (0.0, 1.0, 0.5, "midpoint"),
        (0.0, 1.0, 0.25, "between"),
        (0.0, 1.0, 2.0, "outside"),
        (0.5, 0.5, 0.5, "smooth"),
        (0.5, 0.5, 0.0, "outside"),
    ],
)
def test_side_classification(left, right, grad, side):
    assert Entry("f", 0.0, 0.0, grad, left, right).side == side


def test_table_rows_keep_the_sign_of_zero(live):
    rows = conventions.table_rows(live)
    assert len(rows) == len(live) and all(len(r) == 8 for r in rows)
    (hs,) = [r for r in rows if r[0] == "F.hardswish(x)" and r[1] == "-3"]
    assert hs[2] == "-0"  # hardswish(-3) = -3 * 0 / 6 = -0.0
    (rr,) = [r for r in rows if r[0] == "F.rrelu(x, training=True)"]
    assert rr[3].startswith("U(") and rr[4] == "—"


def test_live_table_refuses_other_dtypes():
    with pytest.raises(ValueError, match="float32 or torch.float64"):
        conventions.live_table(torch.float16)


def test_documented_values_are_the_mathematical_ones():
    assert EXPECTED[("F.softplus(x)", 0.0)][0] == pytest.approx(math.log(2))
    assert EXPECTED[("F.mish(x)", 0.0)][1] == pytest.approx(math.tanh(math.log(2)))
    assert EXPECTED[("F.rrelu(x)", 0.0)][1] == pytest.approx((1 / 8 + 1 / 3) / 2)


# PyTorch's documented rule (autograd notes, "Gradients for non-differentiable functions") and where autograd breaks it


@pytest.mark.parametrize(
    ("left", "right", "rule"),
    [
        (0.0, 1.0, 0.0),  # ReLU at 0: convex, 0 is in [0, 1]
        (0.01, 1.0, 0.01),  # leaky ReLU: convex, the end closest to 0
        (-1.0, 1.0, 0.0),  # |x|
        (1.0, 0.0, 0.0),  # clamp at its top: concave, supergradients [0, 1]
        (1.758, 1.051, 1.051),  # SELU at 0: concave, the end closest to 0
        (2.0, 1.0, 1.0),  # ELU, alpha = 2
        (0.0, -0.5, 0.0),  # hard-swish at -3
        (-2.0, -1.0, -1.0),  # both slopes negative
        (0.5, 0.5, 0.5),  # differentiable: the derivative
    ],
)
def test_the_rule_is_the_point_closest_to_zero_between_the_one_sided_slopes(left, right, rule):
    e = Entry("f", 0.0, 0.0, 0.0, left, right)
    assert e.rule == pytest.approx(rule)
    assert e.follows_rule is (abs(rule) < 1e-12)


def test_random_gradients_have_no_rule():
    e = Entry("f", 0.0, 0.0, Interval(0.1, 0.3), None, None)
    assert e.rule is None and e.follows_rule is None


def test_the_rows_that_break_the_rule_are_the_documented_ones(live):
    # every break found by the live table has a reason, and every documented break is measured
    assert conventions.unexplained_breaks(live) == []
    broken = {(e.code, e.x) for e in live if e.follows_rule is False}
    assert broken == set(conventions.RULE_BREAKS)


def test_the_issue_cases_break_the_rule_and_relu_follows_it(live):
    by_key = {(e.code, e.x): e for e in live}
    for key in [("F.selu(x)", 0.0), ("x.clamp(0, 6)", 6.0), ("x.clamp_min(0)", 0.0),
                ("torch.maximum(x, zeros)", 0.0), ("F.elu(x, alpha=2.0)", 0.0)]:
        assert by_key[key].follows_rule is False, key
    for key in [("torch.relu(x)", 0.0), ("F.relu6(x)", 6.0), ("F.leaky_relu(x)", 0.0),
                ("F.elu(x, alpha=0.5)", 0.0), ("F.hardswish(x)", -3.0), ("x.abs()", 0.0)]:
        assert by_key[key].follows_rule is True, key
    # ELU returns alpha (its left slope) at 0 for every alpha; the rule agrees only for alpha <= 1
    assert by_key[("F.elu(x, alpha=0.5)", 0.0)].grad == pytest.approx(0.5)
    assert by_key[("F.elu(x, alpha=2.0)", 0.0)].grad == pytest.approx(2.0)
    assert by_key[("F.elu(x, alpha=2.0)", 0.0)].rule == pytest.approx(1.0, abs=1e-5)
    selu = by_key[("F.selu(x)", 0.0)]
    assert selu.rule == pytest.approx(1.0507009873554805, rel=1e-5)


def test_unexplained_breaks_can_fail(live, monkeypatch):
    monkeypatch.setitem(conventions.RULE_BREAKS, ("torch.relu(x)", 0.0), "clamp_bound")
    monkeypatch.delitem(conventions.RULE_BREAKS, ("F.selu(x)", 0.0))
    problems = conventions.unexplained_breaks(live)
    assert any("torch.relu" in p and "follows it" in p for p in problems)
    assert any("F.selu" in p and "no reason" in p for p in problems)
    rows = conventions.rule_breaks(live)
    (selu,) = [r for r in rows if r[0] == "F.selu(x)"]
    assert "RULE_BREAKS" in selu[4]


def test_rule_breaks_rows(live):
    rows = conventions.rule_breaks(live)
    assert len(rows) == len(conventions.RULE_BREAKS) and all(len(r) == 5 for r in rows)
    (clamp6,) = [r for r in rows if r[0] == "x.clamp(0, 6)" and r[1] == "6"]
    assert clamp6[2:4] == ["1", "0"]
    assert all("RULE_BREAKS" not in r[4] for r in rows)
    follows = {r[0] + "@" + r[1]: r[7] for r in conventions.table_rows(live)}
    assert follows["F.selu(x)@0"] == "no" and follows["torch.relu(x)@0"] == "yes"
    assert follows["F.rrelu(x, training=True)@0"] == "—"
