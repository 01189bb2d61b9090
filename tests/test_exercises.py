"""Exercise checkers: reference solutions pass; typical wrong answers fail with the right message, in both languages."""

import itertools
import math
import re

import nbformat
import numpy as np
import pytest
import torch
import torch.nn.functional as F

import relulab
from conftest import BOOK, LANGS
from relulab import activations, data, training
from relulab import exercises as ex
from relulab.activations import relu_grad_np, relu_np
from relulab.exercises import definition as ex_definition
from relulab.i18n import t


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    relulab.use_language("en")


# --------------------------------------------------------------------------- the book's solutions
# The solutions of Chapter 1's exercises, as in the solution cells of book/sources/01_definition.nbsrc.


def my_relu(x):
    out = np.array(x, copy=True)
    out[out < 0] = 0
    return out


def my_max(a, b):
    return b + relu_np(a - b)


def my_min(a, b):
    return a - relu_np(a - b)


@pytest.mark.parametrize("lang", LANGS)
def test_reference_solutions_pass_their_checkers(lang):
    relulab.use_language(lang)
    results = [
        ex.check_my_relu(my_relu),
        ex.check_relu_predictions(difference=lambda x: x, total=np.abs, where_output=[0.0, 0.0],
                                  relu_output=[float("nan"), -0.0]),
        ex.check_max_min(my_max, my_min),
        ex.check_sawtooth_units(with_linear=15, without_linear=16),
    ]
    for fb in results:
        assert fb.passed and bool(fb) and fb.problems == (), fb.message
        assert fb.message.startswith("✓") and "✗" not in fb.message


def test_library_relus_pass_the_general_checkers():
    for fb in (
        ex.check_relu(relu_np),
        ex.check_relu(lambda x: np.maximum(x, 0)),
        ex.check_relu(torch.relu, backend="torch"),
        ex.check_relu(F.relu, backend="torch"),
        ex.check_relu(lambda x: x.clamp_min(0), backend="torch"),
        ex.check_relu_grad(relu_grad_np),
        ex.check_relu_grad(lambda x: relu_grad_np(x, at_zero=0.5), at_zero=0.5),
    ):
        assert fb.passed, fb.message
    # the torch checker also differentiates: it lists that check
    assert t("exercises.checks.autograd") in ex.check_relu(torch.relu, backend="torch").message


# --------------------------------------------------------------------------- typical wrong answers

NAN, INF = float("nan"), float("inf")


def in_place(x):
    return np.maximum(x, 0, out=x)


def returns_input_if_nothing_negative(x):
    return x if not (x < 0).any() else np.maximum(x, 0)


def python_max(x):
    return np.array([max(0, v) for v in x])


def through_numpy(x):
    return torch.tensor(np.maximum(x.detach().numpy(), 0))


# (name, checker call, expected problem kind, expected message key, its fields)
WRONG = [
    ("off by one at 0", lambda: ex.check_relu(lambda x: np.maximum(x, 0) + (x == 0)),
     "zero", "exercises.zero", dict(x="0.0", got="1.0", want="0.0"), "exercises.hint.relu_zero"),
    ("derivative with x >= 0", lambda: ex.check_relu_grad(lambda x: (x >= 0).astype(np.result_type(x.dtype, np.float32) if x.dtype.kind == "f" else float)),
     "zero", "exercises.zero", dict(x="0.0", got="1.0", want="0.0"), "exercises.hint.grad_zero"),
    ("wrong slope sign", lambda: ex.check_relu(lambda x: -np.maximum(x, 0)),
     "slope_pos", "exercises.slope_flipped",
     dict(x="0.5", got="-0.5", want="0.5", side="SIDE_POS", s_got="-1.0", s_want="1.0"), None),
    ("mirrored", lambda: ex.check_relu(lambda x: np.maximum(-x, 0)),
     "mirrored", "exercises.mirrored", dict(x="-3.0", got="3.0", want="0.0"), None),
    ("leaky instead of flat", lambda: ex.check_relu(lambda x: np.where(x > 0, x, 0.01 * x)),
     "slope_neg", "exercises.slope",
     dict(x="-3.0", got="-0.03", want="0.0", side="SIDE_NEG", s_got="0.01", s_want="0.0"), "exercises.hint.relu_slope_neg"),
    ("nan swallowed by where", lambda: ex.check_relu(lambda x: np.where(x > 0, x, 0.0)),
     "nan_lost", "exercises.nan_lost", dict(got="0.0"), "exercises.hint.nan_lost"),
    ("nan created by a mask", lambda: ex.check_relu(lambda x: x * (x > 0)),
     "nan_created", "exercises.nan_created", dict(x="-inf", want="0.0"), "exercises.hint.nan_created"),
    ("in-place mutation (numpy)", lambda: ex.check_relu(in_place),
     "mutated", "exercises.mutated",
     dict(x="[-3.0, -2.0, -1.0, -0.5, 0.5, 1.0, 2.0, 3.0]", i=0, before="-3.0", after="0.0"), "exercises.hint.mutated"),
    ("in-place mutation (torch)", lambda: ex.check_relu(torch.relu_, backend="torch"),
     "mutated", "exercises.mutated",
     dict(x="[-3.0, -2.0, -1.0, -0.5, 0.5, 1.0, 2.0, 3.0]", i=0, before="-3.0", after="0.0"), "exercises.hint.mutated"),
    ("returns its input", lambda: ex.check_relu(returns_input_if_nothing_negative),
     "aliased", "exercises.aliased", dict(x="[0.0]"), "exercises.hint.mutated"),
    ("float64 promotion", lambda: ex.check_relu(lambda x: np.maximum(np.array(x, dtype=float), 0)),
     "dtype", "exercises.dtype", dict(dtype="float32", got="float64", want="float32"), "exercises.hint.dtype"),
    ("int to float (torch.where)", lambda: ex.check_relu(lambda x: torch.where(x > 0, x, 0.0), backend="torch"),
     "dtype", "exercises.dtype", dict(dtype="int32", got="float32", want="int32"), "exercises.hint.dtype"),
    ("flattened", lambda: ex.check_relu(lambda x: np.maximum(x, 0).ravel()),
     "shape", "exercises.shape", dict(shape_in=(2, 3), shape_out=(6,), x="[[-1.5, 2.0, -0.25], [0.75, -3.0, 1.0]]"), None),
    ("a list, not an array", lambda: ex.check_relu(lambda x: [max(0.0, v) for v in x]),
     "type", "exercises.type", dict(got="list", want="numpy.ndarray", x="[-3.0, -2.0, -1.0, -0.5, 0.5, 1.0, 2.0, 3.0]"), None),
    ("forgot return", lambda: ex.check_relu(lambda x: None),
     "type", "exercises.returned_none", dict(x="[-3.0, -2.0, -1.0, -0.5, 0.5, 1.0, 2.0, 3.0]"), None),
    ("strings", lambda: ex.check_relu(lambda x: x.astype(str)),
     "type", "exercises.not_numbers", dict(dtype="<U32", x="[-3.0, -2.0, -1.0, -0.5, 0.5, 1.0, 2.0, 3.0]"), None),
    ("forbidden np.maximum", lambda: ex.check_my_relu(lambda x: np.maximum(x, 0)),
     "forbidden", "exercises.forbidden", dict(names="`maximum`"), None),
    ("graph cut by numpy", lambda: ex.check_relu(through_numpy, backend="torch"),
     "no_grad", "exercises.no_grad", {}, "exercises.hint.no_grad"),
]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("case", WRONG, ids=[w[0] for w in WRONG])
def test_typical_wrong_answers_get_the_right_message(case, lang):
    _, call, kind, key, fields, hint = case
    relulab.use_language(lang)
    fields = {k: t("exercises.side_pos") if v == "SIDE_POS" else t("exercises.side_neg") if v == "SIDE_NEG" else v
              for k, v in fields.items()}
    fb = call()
    assert not fb.passed and not bool(fb)
    assert kind in fb.kinds, fb.message
    text = next(p.text for p in fb.problems if p.kind == kind)
    assert text.startswith(t(key, **fields)), f"{text!r}\ndoes not start with\n{t(key, **fields)!r}"
    if hint:
        assert text.endswith(t(hint)), text
    assert fb.message.startswith("✗") and text in fb.message


def test_messages_follow_the_language():
    wrong = lambda x: np.where(x > 0, x, 0.0)  # noqa: E731
    relulab.use_language("en")
    en = ex.check_relu(wrong).message
    relulab.use_language("it")
    it = ex.check_relu(wrong).message
    assert en != it and "expected nan" in en and "invece di nan" in it
    for key in [k for k in relulab.i18n.keys() if k.startswith("exercises.")]:
        a = relulab.i18n.template(key, "en")
        b = relulab.i18n.template(key, "it")
        assert a and b, key
        if len(a) > 30:
            assert a != b, f"{key}: Italian text is the English one"


def test_several_problems_are_reported_together_and_only_once_per_kind():
    fb = ex.check_relu(python_max)  # nan -> 0, float32 -> float64, and it cannot take a matrix
    assert {"nan_lost", "dtype", "raised"} <= set(fb.kinds)
    assert len(fb.kinds) == len(set(fb.kinds))
    assert "[[-1.5, 2.0, -0.25], [0.75, -3.0, 1.0]]" in fb.message  # the input it raised on


def test_feedback_object():
    good, bad = ex.check_relu(relu_np), ex.check_relu(in_place)
    assert str(good) == good.message and good.kinds == ()
    good.raise_if_failed()
    with pytest.raises(AssertionError, match="x\\[0\\]"):
        bad.raise_if_failed()
    shown = []

    class Printer:
        def text(self, s):
            shown.append(s)

    bad._repr_pretty_(Printer(), False)
    assert shown == [bad.message]


def test_checker_arguments_are_validated():
    with pytest.raises(TypeError, match="must be a function"):
        ex.check_relu(42)
    with pytest.raises(ValueError, match="backend must be 'numpy' or 'torch'"):
        ex.check_elementwise(relu_np, relu_np, backend="jax")
    with pytest.raises(ValueError, match="unsupported dtypes complex64"):
        ex.check_elementwise(relu_np, relu_np, dtypes=("complex64",))
    with pytest.raises(ValueError, match="at_zero must be in"):
        ex.check_relu_grad(relu_grad_np, at_zero=2.0)
    with pytest.raises(TypeError, match="pass my_max, my_min or both"):
        ex.check_max_min()
    with pytest.raises(ValueError, match="with_linear must be an integer >= 0"):
        ex.check_sawtooth_units(with_linear=-1)
    with pytest.raises(TypeError, match="difference must be a function"):
        ex.check_relu_predictions(difference=3.0)
    relulab.use_language("it")
    with pytest.raises(TypeError, match="deve essere una funzione"):
        ex.check_relu("relu")


@pytest.mark.parametrize("lang", LANGS)
def test_answers_checker_for_predict_then_run_exercises(lang):
    relulab.use_language(lang)
    x = torch.zeros(1, requires_grad=True)
    truth = {"relu": torch.autograd.grad(torch.relu(x).sum(), x)[0].item(),
             "clamp_min": torch.autograd.grad(x.clamp_min(0).sum(), x)[0].item()}
    assert truth == {"relu": 0.0, "clamp_min": 1.0}
    assert ex.check_answers({"relu": 0, "clamp_min": 1}, truth).passed
    fb = ex.check_answers({"relu": 0.5, "clamp_mn": 1}, truth, explain={"relu": "WHY"})
    assert fb.kinds == ("unknown", "relu", "missing")
    assert fb.problems[1].text == t("exercises.answers.wrong", part="relu", got="0.5", want="0.0") + " WHY"
    assert ex.check_answers({"v": [NAN, 1.0]}, {"v": [NAN, 1.0]}).passed
    assert ex.check_answers({"v": [1.0]}, {"v": [NAN, 1.0]}).kinds == ("format",)
    assert ex.check_answers({"v": "many"}, {"v": 1.0}).kinds == ("format",)
    assert ex.check_answers({"z": 0.0}, {"z": -0.0}).passed
    assert ex.check_answers({"z": 0.0}, {"z": -0.0}, signed_zero=True).kinds == ("z",)
    with pytest.raises(TypeError, match="dictionar|dizionar"):
        ex.check_answers([1.0], {"v": 1.0})


# --------------------------------------------------------------------------- Chapter 1's exercise checkers


@pytest.mark.parametrize("lang", LANGS)
def test_prediction_checker_explains_each_surprise(lang):
    relulab.use_language(lang)
    fb = ex.check_relu_predictions(difference=lambda x: 0 * x, total=np.abs,
                                   where_output=[NAN, -0.0], relu_output=[0.0, 0.0])
    where, relu = "torch.where(x > 0, x, 0.0)", "torch.relu(x)"
    expected = [
        t("exercises.predict.function", part="difference", expr="relu(x) - relu(-x)", x="-3.0", got="-0.0", want="-3.0"),
        t("exercises.predict.value", expr=where, x="nan", got="nan", want="0.0", why=t("exercises.why.nan_dropped", expr=where)),
        t("exercises.predict.value", expr=where, x="-0.0", got="-0.0", want="0.0", why=t("exercises.why.negzero_dropped", expr=where)),
        t("exercises.predict.value", expr=relu, x="nan", got="0.0", want="nan", why=t("exercises.why.nan_kept", expr=relu)),
        t("exercises.predict.value", expr=relu, x="-0.0", got="0.0", want="-0.0", why=t("exercises.why.negzero_kept", expr=relu)),
    ]
    assert [p.text for p in fb.problems] == expected
    partial = ex.check_relu_predictions(difference=lambda x: x, where_output=[0.0])
    assert partial.kinds == ("missing", "format", "missing")  # total, where_output, relu_output


def test_max_min_checker_catches_swaps_and_mutation():
    fb = ex.check_max_min(my_min, my_max)
    assert fb.kinds == ("value", "value")
    assert "max and min swapped" in fb.problems[0].text

    def mutating_max(a, b):
        a -= b
        return b + relu_np(a)

    assert ex.check_max_min(mutating_max).kinds == ("mutated",)
    assert ex.check_max_min(my_max=my_max).passed


@pytest.mark.parametrize("lang", LANGS)
def test_sawtooth_units_checker(lang):
    relulab.use_language(lang)
    fb = ex.check_sawtooth_units(with_linear=15, without_linear=15)
    assert fb.kinds == ("without_linear",)
    assert fb.problems[0].text == t("exercises.units.first_slope", part="without_linear", n=15, s0="16.0", jumps="±32.0")
    fb = ex.check_sawtooth_units(with_linear=8, without_linear=17)
    assert [p.text for p in fb.problems] == [
        t("exercises.units.too_few", part="with_linear", n=8, most=9, pieces=16),
        t("exercises.units.too_many", part="without_linear", n=17, kinks=15),
    ]
    assert ex.check_sawtooth_units(with_linear=1, without_linear=2, depth=1).passed  # the hat: 2 units


def exact_fit_exists(xs, ys, n_units):
    """Brute force: can sum_i v_i ReLU(s_i (x - k_i)) + c (kinks at the interior points) fit exactly on [x0, xn]?"""
    kinks = xs[1:-1]
    grid = np.linspace(xs[0], xs[-1], 801)
    target = np.interp(grid, xs, ys)
    extra = n_units - len(kinks)  # extra units bend at the left end, facing right
    for signs in itertools.product((1.0, -1.0), repeat=len(kinks)):
        cols = [np.maximum(s * (grid - k), 0) for s, k in zip(signs, kinks)]
        cols += [np.maximum(grid - xs[0], 0)] * extra + [np.ones_like(grid)]
        A = np.stack(cols, axis=1)
        coef, *_ = np.linalg.lstsq(A, target, rcond=None)
        if np.allclose(A @ coef, target, atol=1e-8):
            return True
    return False


def test_fewest_units_rule_agrees_with_brute_force():
    rng = np.random.default_rng(0)
    for trial in range(40):
        k = int(rng.integers(1, 5))
        xs = np.linspace(0.0, 1.0, k + 2)
        slopes = rng.integers(-3, 4, size=k + 1).astype(float)
        if np.any(np.diff(slopes) == 0):
            continue
        ys = np.concatenate([[0.0], np.cumsum(slopes * np.diff(xs))])
        fewest = ex_definition._fewest_units_one_layer(slopes)
        assert fewest in (k, k + 1)
        assert exact_fit_exists(xs, ys, k) == (fewest == k), (slopes, fewest)


# --------------------------------------------------------------------------- registry and chapters


def test_registered_exercises_exist_and_their_solutions_call_the_checkers():
    assert ex.EXERCISES, "no exercise registered"
    for label, exercise in ex.EXERCISES.items():
        source = (BOOK / "sources" / f"{exercise.chapter}.nbsrc")
        if not source.exists():
            pytest.fail(f"{label}: chapter source {source.name} does not exist")
        text = source.read_text(encoding="utf-8")
        assert text.count(f":label: {label}\n") == 2, f"{label}: not an exercise of {source.name} in both languages"
        block = text.split(f"```{{solution-start}} {label}", 1)[1].split("```{solution-end}", 1)[0]
        for checker in exercise.checkers:
            assert f"exercises.{checker.__name__}(" in block, f"{label}: its solution does not call {checker.__name__}"
            statement = text.split(f":label: {label}\n", 2)
            assert all(f"exercises.{checker.__name__}(" in s.split("```", 1)[0] for s in statement[1:]), (
                f"{label}: the exercise text (both languages) must tell the student to call {checker.__name__}"
            )


def test_every_exercise_of_the_book_has_a_checker_and_every_checker_is_public():
    labels = set()
    for source in sorted((BOOK / "sources").glob("*.nbsrc")):
        labels |= set(re.findall(r"^:label: (ex-[\w-]+)$", source.read_text(encoding="utf-8"), flags=re.M))
    assert len(labels) >= 30 and labels == set(ex.EXERCISES), sorted(labels ^ set(ex.EXERCISES))
    checkers = {c.__name__ for e in ex.EXERCISES.values() for c in e.checkers}
    assert checkers <= set(ex.__all__), sorted(checkers - set(ex.__all__))


def test_registry_refuses_bad_entries():
    with pytest.raises(ValueError, match="already registered"):
        ex.register_exercise("ex-def-implement", "01_definition", ex.check_my_relu)
    with pytest.raises(ValueError, match="start with 'ex-'"):
        ex.register_exercise("def-implement", "01_definition", ex.check_my_relu)
    with pytest.raises(TypeError, match="at least one checker"):
        ex.register_exercise("ex-new", "01_definition")


@pytest.mark.parametrize("lang", LANGS)
def test_solution_cells_print_the_checkers_success_in_the_notebooks(lang):
    chapters = {e.chapter for e in ex.EXERCISES.values()}
    for chapter in chapters:
        path = BOOK / lang / f"{chapter}.ipynb"
        cells = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code" and "exercises.check_" in c.source]
        assert cells, f"{path.name}: no cell calls a checker"
        for c in cells:
            out = "".join(o.get("text", "") for o in c.outputs if o.output_type == "stream")
            calls = len(re.findall(r"exercises\.check_\w+\(", c.source))
            assert out.count("✓") == calls and "✗" not in out, f"{path.name}: {out}"
            relulab.use_language(lang)
            assert t("exercises.pass", name="", checks="").split(":")[1].split("(")[0].strip() in out


# --------------------------------------------------------------------------- Chapters 2-6 and appendix A1
# Reference solutions as in the solution cells of the chapter sources, and typical wrong answers.


class ReLU6At(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, at_0, at_6):
        ctx.save_for_backward(x)
        ctx.at_0, ctx.at_6 = at_0, at_6
        return x.clamp(0, 6)

    @staticmethod
    def backward(ctx, grad_out):
        (x,) = ctx.saved_tensors
        slope = ((x > 0) & (x < 6)).to(grad_out.dtype)
        slope = slope.masked_fill(x == 0, ctx.at_0).masked_fill(x == 6, ctx.at_6)
        return grad_out * slope, None, None


class ReLU6Swapped(ReLU6At):
    @staticmethod
    def forward(ctx, x, at_0, at_6):
        return ReLU6At.forward(ctx, x, at_6, at_0)


class ReLU6FlippedSign(ReLU6At):
    @staticmethod
    def backward(ctx, grad_out):
        g, _, _ = ReLU6At.backward(ctx, grad_out)
        return -g, None, None


def hard_sigmoid_np(x):
    return activations.relu6_np(np.asarray(x, dtype=float) + 3) / 6


def sign_test_p(diff):
    wins, n = int((diff > 0).sum()), diff.size
    return sum(math.comb(n, j) for j in range(wins, n + 1)) / 2**n


def union_active(acts, batch_size):
    on = acts != 0
    n = (on.shape[0] // batch_size) * batch_size
    return float(on[:n].reshape(-1, batch_size, on.shape[1]).any(dim=1).double().mean())


ACTS = torch.tensor([[1.0, 0.0, 2.0], [0.0, 0.0, 3.0], [0.5, 0.0, 0.0], [0.0, 0.0, 1.0]])
OFF = ACTS.numpy() == 0


@pytest.fixture(scope="module")
def tiny_net():
    torch.manual_seed(0)
    net = training.mlp([8, 16, 16, 3])
    with torch.no_grad():
        net.fc1.bias[:5] = -100.0  # five first-layer units dead on any data
    x = torch.randn(64, 8, generator=torch.Generator().manual_seed(1))
    return net, x


@pytest.mark.parametrize("lang", LANGS)
def test_later_chapters_reference_solutions_pass(lang, tiny_net):
    from relulab import dying, variants

    relulab.use_language(lang)
    net, x = tiny_net
    masks = {k: v.clone() for k, v in dying.dead_units(net, x).items()}
    comp = variants.Comparison(widths=[64, 64, 10], results={
        "crelu": type("R", (), {"params": 4810})(), "maxout": type("R", (), {"params": 6602})()}, settings={})
    x_test = data.digits().x_test.double()
    results = [
        ex.check_relu6_function(ReLU6At.apply),
        ex.check_kink_gradients(a=0.0, b=0.0, c=2.0, d=0.0),
        ex.check_sparsity_measures(ACTS, population=OFF.mean(1), lifetime=OFF.mean(0), dead=OFF.all(0)),
        ex.check_bias_shift_prediction(x_test, first_layer=0.58, deeper="more"),
        ex.check_union_active(union_active),
        ex.check_dead_masks(masks, net, x),
        ex.check_fire_on_test([int((dying.dead_units(net, x)["act1"] & ~dying.dead_units(net, -x)["act1"]).sum())],
                              [net], x, -x),
        ex.check_hard_sigmoid(hard_sigmoid_np),
        ex.check_hard_swish(lambda v: np.asarray(v, dtype=float) * hard_sigmoid_np(v)),
        ex.check_variant_gradients(hardswish=[0.0, 0.5, 1.0], selu_at_0=1.758),
        ex.check_selu_fixed_points(tau_09=0.674, tau_11=1.399),
        ex.check_sign_test(sign_test_p),
        ex.check_equal_param_widths(comp, crelu=41, maxout=52),
        ex.check_maximum_edge(scalar=[0.0, np.nan, 0.0, 2.0], array=[0.0, np.nan, 0.0, 2.0]),
    ]
    for fb in results:
        assert fb.passed and fb.problems == (), fb.message
        assert fb.message.startswith("✓")


def _wrong_later(tiny_net):
    from relulab import dying

    net, x = tiny_net
    truth = dying.dead_units(net, x)
    comp = type("C", (), {"results": {"crelu": type("R", (), {"params": 4810})(),
                                       "maxout": type("R", (), {"params": 6602})()}})()
    return [
        # (feedback, expected kinds, a phrase of the English message, a phrase of the Italian one)
        (lambda: ex.check_relu6_function(ReLU6Swapped.apply), {"kinks"}, "parameters are swapped", "parametri sono scambiati"),
        (lambda: ex.check_relu6_function(ReLU6FlippedSign.apply), {"grad"}, "sign of the slope is flipped", "segno della pendenza"),
        (lambda: ex.check_relu6_function(lambda v, a, b: v.clamp_(0, 6)), {"mutated", "no_grad"}, "changed its input", "modificato il suo ingresso"),
        (lambda: ex.check_relu6_function(lambda v, a, b: torch.relu(v).detach()), {"value", "no_grad"}, "could not differentiate", "non è riuscito a derivarla"),
        (lambda: ex.check_kink_gradients(a=1.0, b=0.0, c=1.0, d=0.0), {"a", "c"}, "splits the gradient in half", "divide il gradiente a metà"),
        (lambda: ex.check_sparsity_measures(ACTS, population=OFF.mean(0), lifetime=OFF.mean(0), dead=OFF.all(0)),
         {"axis"}, "averaged over the inputs", "media sugli ingressi"),
        (lambda: ex.check_sparsity_measures(ACTS, population=1 - OFF.mean(1), lifetime=OFF.mean(0), dead=OFF.any(0)),
         {"active", "any"}, "share of non-zero outputs", "quota di uscite non nulle"),
        (lambda: ex.check_sparsity_measures(ACTS, population=OFF.mean(1), lifetime=OFF.mean(0), dead=OFF.all(0).astype(int)),
         {"dtype"}, "array of booleans", "array di booleani"),
        (lambda: ex.check_bias_shift_prediction(data.digits().x_test.double(), first_layer=0.5, deeper="fewer"),
         {"first_layer", "deeper"}, "one half holds without bias", "la metà vale senza bias"),
        (lambda: ex.check_union_active(lambda a, b: float((a != 0).double().mean())), {"value"}, "per example", "per esempio"),
        (lambda: ex.check_union_active(lambda a, b: 1 - union_active(a, b)), {"value"}, "the complement", "il complemento"),
        (lambda: ex.check_union_active(lambda a, b: float((a[:b] != 0).any(dim=0).double().mean())), {"value"},
         "first batch only", "solo il primo batch"),
        (lambda: ex.check_dead_masks({k: ~v for k, v in truth.items()}, net, x), {"mask"}, "inverted", "invertita"),
        (lambda: ex.check_dead_masks({k: (net_out == 0).any(dim=0) for k, net_out in _outputs(net, x).items()}, net, x),
         {"mask"}, "not on some (`any`)", "non su qualcuno (`any`)"),
        (lambda: ex.check_dead_masks({"act1": truth["act1"]}, net, x), {"layers"}, "layers do not match", "strati non corrispondono"),
        (lambda: ex.check_fire_on_test([int(truth["act1"].sum())], [net], x, -x), {"count"}, "dead on the training set", "morte sull'insieme di addestramento"),
        (lambda: ex.check_hard_sigmoid(lambda v: activations.relu6_np(np.asarray(v, dtype=float)) / 6), {"zero", "slope_neg"},
         "check the shift x + 3", "controllate lo spostamento x + 3"),
        (lambda: ex.check_hard_swish(hard_sigmoid_np), {"slope_neg", "slope_pos", "zero", "value", "nan_lost"}, "expected", "invece di"),
        (lambda: ex.check_variant_gradients(hardswish=[-0.5, 0.5, 1.5], selu_at_0=1.0507), {"hardswish", "selu_at_0"},
         "outer side at the kinks", "lato esterno"),
        (lambda: ex.check_selu_fixed_points(tau_09=1.0, tau_11=1.0), {"tau_09", "tau_11"}, "new fixed point below 1", "punto fisso sotto 1"),
        (lambda: ex.check_sign_test(lambda d: min(1.0, 2 * sign_test_p(d))), {"value"}, "two-sided", "bilaterale"),
        (lambda: ex.check_sign_test(lambda d: sign_test_p(d) - math.comb(d.size, int((d > 0).sum())) / 2**d.size), {"value"},
         "includes 5 itself", "comprende 5 stesso"),
        (lambda: ex.check_equal_param_widths(comp, crelu=42, maxout=52), {"crelu"}, "count the biases too", "contate anche i bias"),
        (lambda: ex.check_maximum_edge(scalar=[-0.0, 0.0, 0.0, 2.0], array=[0.0, np.nan, 0.0, 2.0]), {"scalar"},
         "propagates nan", "propaga nan"),
    ]


def _outputs(net, x):
    from relulab.probes import ActivationRecorder

    with ActivationRecorder(net, keep="all") as rec, torch.no_grad():
        net(x[:8])  # one small batch only: some units that fire later look dead
    return rec.outputs


@pytest.mark.parametrize("lang", LANGS)
def test_later_chapters_typical_wrong_answers(lang, tiny_net):
    for make, kinds, en, it in _wrong_later(tiny_net):
        relulab.use_language(lang)
        fb = make()
        assert not fb.passed and fb.message.startswith("✗"), fb.message
        assert set(fb.kinds) <= kinds | {"missing"} and set(fb.kinds) & kinds, (fb.kinds, fb.message)
        assert (en if lang == "en" else it) in fb.message, fb.message


def test_later_checkers_validate_their_arguments(tiny_net):
    net, x = tiny_net
    with pytest.raises(ValueError, match="'more' or 'fewer'"):
        ex.check_bias_shift_prediction(x, first_layer=0.5, deeper="same")
    with pytest.raises(ValueError, match="matrix"):
        ex.check_sparsity_measures(np.zeros(3), population=[0.0])
    with pytest.raises(TypeError, match="dict"):
        ex.check_dead_masks([True], net, x)
    with pytest.raises(ValueError, match="one count per model"):
        ex.check_fire_on_test([1, 2], [net], x, x)
    with pytest.raises(TypeError, match="Comparison"):
        ex.check_equal_param_widths(object(), crelu=1, maxout=1)
    only_crelu = type("C", (), {"results": {"crelu": type("R", (), {"params": 4810})()}})()
    with pytest.raises(ValueError, match="no result for maxout"):
        ex.check_equal_param_widths(only_crelu, crelu=41, maxout=52)
    with pytest.raises(TypeError, match="function"):
        ex.check_sign_test(0.5)
    missing = ex.check_kink_gradients(a=0.0)
    assert not missing.passed and missing.kinds.count("missing") == 3


def test_mlp_params_counts_like_torch():
    net = training.mlp([64, 50, 50, 10])
    assert ex.mlp_params([64, 50, 50, 10]) == sum(p.numel() for p in net.parameters())
