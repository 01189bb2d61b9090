"""Checkers of ex-depth-edge, ex-dying-bias, ex-variants-compared-2, ex-cost-1 and ex-cost-2.

Reference solutions (as in the chapters' solution cells) pass; typical wrong answers fail with the
right problem kind and a message in the chosen language; bad arguments raise clear errors. No test
here times anything: the timing checker is given times made up for the test.
"""

import math
import tracemalloc

import numpy as np
import pytest
import torch

import relulab
from conftest import LANGS
from relulab import bench, gradients
from relulab import exercises as ex
from relulab import variants as V
from relulab.data import digits
from relulab.exercises import cost as ex_cost
from relulab.exercises import depth as ex_depth

DEEP = [64] + [16] * 8 + [10]  # the deep narrow MLP of 06b_variants_compared
SEEDS = [0, 1, 2, 3, 4]
KW = dict(repeats=5, warmup=1, min_time=1e-3)  # the timing protocol of A1_cost
F_TIMES = np.array([1.10, 1.02, 1.31, 0.95, 1.05]) * 1e-3  # made-up times: no timing in tests
R_TIMES = np.array([1.00, 1.00, 1.10, 1.00, 0.98]) * 1e-3
RATIO = F_TIMES / R_TIMES


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as relulab.seed_everything does in every notebook (and much faster here)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(autouse=True)
def english_and_one_thread_afterwards(one_thread):
    yield
    torch.set_num_threads(1)
    relulab.use_language("en")


@pytest.fixture(scope="module")
def batch(one_thread):
    d = digits(seed=0)
    return d.x_train[:128], d.y_train[:128]


@pytest.fixture(scope="module")
def sweep(batch, one_thread):
    members = gradients.grid(["tanh"], ["xavier"], [0, 1, 2], scales=[0.8, 1.1, 1.2, 1.5])
    return gradients.gradient_profile(members, *batch, depth=30, width=32)


@pytest.fixture(scope="module")
def inputs(one_thread):
    split = digits()
    return split.x_train[:1], split.x_train[:100]


@pytest.fixture(scope="module")
def deep(one_thread):
    data = digits(seed=0)
    comp = V.compare(["leaky_relu", "prelu"], widths=DEEP, seeds=SEEDS, epochs=6, lr=1e-2, batch_size=128, data=data)
    model = V.SeedBatchMLP(DEEP, "leaky_relu", SEEDS, init="gain", params={"negative_slope": 0.25})
    res = V.train_seeds(model, data, epochs=6, lr=1e-2, batch_size=128)
    return comp, data, res


@pytest.fixture(scope="module")
def tensors():
    x = torch.randn(bench.LARGE, generator=torch.Generator().manual_seed(0))
    return x, torch.empty_like(x)


def clamp_pair(x, y):
    return (lambda: torch.clamp(x, min=0, out=y)), (lambda: y.copy_(x))


# --------------------------------------------------------------------------- reference solutions


@pytest.mark.parametrize("lang", LANGS)
def test_reference_solutions_pass(lang, batch, sweep, inputs, deep, tensors):
    relulab.use_language(lang)
    comp, data, res = deep
    fn, reference = clamp_pair(*tensors)
    results = [
        ex.check_gradient_edge(sweep, *batch, switch=1.15, theory=1.0, where="above"),
        ex.check_bias_death(*inputs, one_input="same", small="less", large="more"),
        ex.check_fixed_slope(res, comp, data, prediction=90, matters="size"),
        ex.check_clamp_timing(fn, reference, F_TIMES, R_TIMES, protocol=KW, median=np.median(RATIO),
                              middle=np.percentile(RATIO, [25, 75])),
        ex.check_leaky_traffic(passes=(3, 2), temporaries=(2, 1), copies=(3.25, 2.5)),
    ]
    for fb in results:
        assert fb.passed and fb.problems == (), fb.message
        assert fb.message.startswith("✓") and "✗" not in fb.message


def test_the_new_exercises_are_registered():
    want = {"ex-depth-edge": ("02a_depth", ex.check_gradient_edge),
            "ex-dying-bias": ("04_dying_relu", ex.check_bias_death),
            "ex-variants-compared-2": ("06b_variants_compared", ex.check_fixed_slope),
            "ex-cost-1": ("A1_cost", ex.check_clamp_timing),
            "ex-cost-2": ("A1_cost", ex.check_leaky_traffic)}
    for label, (chapter, checker) in want.items():
        assert ex.EXERCISES[label].chapter == chapter and ex.EXERCISES[label].checkers == (checker,)


# --------------------------------------------------------------------------- the truths the checkers compute


def test_edge_switch_is_where_the_books_profile_changes_sign(batch):
    scales = [1.0, 1.1, 1.2, 1.3]
    profile = gradients.gradient_profile(gradients.grid(["tanh"], ["xavier"], [0, 1, 2], scales=scales), *batch,
                                         depth=30, width=32)
    rows = gradients.summarize(profile.members, profile.signal[:, 0] / profile.signal[:, -1], log=True)
    for scale, (_, mean, _, _) in zip(scales, rows):
        assert ex_depth._edge_log_ratio(*batch, scale) == pytest.approx(mean, abs=1e-9)
    switch = ex_depth._edge_switch(*batch)
    assert ex_depth._edge_log_ratio(*batch, switch - 0.02) < 0 < ex_depth._edge_log_ratio(*batch, switch + 0.02)
    assert 1.1 < switch < 1.2  # the bracket the chapter's table shows
    assert ex_depth._edge_theory() == pytest.approx(1.0, abs=1e-6)  # n v = 1 for Xavier, tanh'(0) = 1


def test_leaky_traffic_counts_match_what_numpy_allocates():
    n = 2**16
    x = np.random.default_rng(0).standard_normal(n).astype(np.float32)
    y = np.empty_like(x)
    for _, code, expr in ex_cost.LEAKY_FORMS:
        log, result_is_new = ex_cost._trace_passes(expr, n)
        new_bytes = sum(p.written for p in log if p.new)
        tracemalloc.start()
        try:
            base = tracemalloc.get_traced_memory()[0]
            tracemalloc.reset_peak()
            out = expr(x, y)
            kept, peak = (v - base for v in tracemalloc.get_traced_memory())
        finally:
            tracemalloc.stop()
        assert peak == pytest.approx(new_bytes, rel=0.01), code  # every new array is alive at once here
        assert kept == pytest.approx(out.nbytes if result_is_new else 0, abs=0.01 * n), code
        np.testing.assert_array_equal(out, np.where(x > 0, x, np.float32(0.01) * x))
    # the unit: a copy into an existing array is one pass and one copy of traffic, a sum 1.5 copies
    log, new = ex_cost._trace_passes(lambda v, w: np.multiply(v, 1, out=w))
    assert (len(log), new, (log[0].read + log[0].written) / (2 * log[0].read)) == (1, False, 1.0)
    log, new = ex_cost._trace_passes(lambda v, w: v + v)
    assert (len(log), new, (log[0].read + log[0].written) / log[0].read) == (1, True, 1.5)


# --------------------------------------------------------------------------- typical wrong answers


@pytest.fixture(scope="module")
def wrong_runs(batch, deep):
    """Sweeps and training runs made with a typical slip, shared by both languages."""
    _, data, _ = deep

    def profile(activations, seeds, scales, depth=30):
        return gradients.gradient_profile(gradients.grid(activations, ["xavier"], seeds, scales=scales), *batch,
                                          depth=depth, width=32)

    def train(seeds=SEEDS, init="gain", params=None):
        return V.train_seeds(V.SeedBatchMLP(DEEP, "leaky_relu", seeds, init=init, params=params), data, epochs=6,
                             lr=1e-2, batch_size=128)

    return {
        "relu_sweep": profile(["tanh", "relu"], [0, 1], [0.8, 1.5]),  # another activation, two seeds
        "low_sweep": profile(["tanh"], [0, 1, 2], [0.5, 0.8]),  # never reaches the switch
        "shallow": profile(["tanh"], [0, 1, 2], [0.8, 1.5], depth=10),
        "default_slope": train(),  # a = 0.01
        "he_init": train(init="he", params={"negative_slope": 0.25}),
        "three_seeds": train(seeds=SEEDS[:3], params={"negative_slope": 0.25}),
    }


def _wrong(batch, sweep, inputs, deep, tensors, runs):
    comp, data, res = deep
    x, y = tensors
    fn, reference = clamp_pair(x, y)
    g = torch.Generator().manual_seed(1)
    small_x, small_y = torch.randn(bench.SMALL, generator=g), torch.empty(bench.SMALL)
    other_x, other_y = torch.randn(bench.LARGE, generator=g), torch.zeros(bench.LARGE)
    another_x = torch.randn(bench.LARGE, generator=g)
    relu_sweep, low_sweep, shallow = runs["relu_sweep"], runs["low_sweep"], runs["shallow"]
    default_slope, he_init, three_seeds = runs["default_slope"], runs["he_init"], runs["three_seeds"]
    good = dict(protocol=KW, median=np.median(RATIO), middle=np.percentile(RATIO, [25, 75]))
    edge = dict(switch=1.15, theory=1.0, where="above")
    return [
        # (feedback, expected kinds, a phrase of the English message, a phrase of the Italian one)
        # ex-depth-edge
        (lambda: ex.check_gradient_edge(sweep, *batch, switch=1.0, theory=1.0, where="above"), {"switch"},
         "it still vanishes", "svanisce ancora"),
        (lambda: ex.check_gradient_edge(sweep, *batch, switch=1.4, theory=1.0, where="above"), {"switch"},
         "no longer vanishes", "non svanisce più"),
        (lambda: ex.check_gradient_edge(sweep, *batch, switch=1.15, theory=math.sqrt(2), where="above"), {"theory"},
         "He's factor √2", "fattore √2 di He"),
        (lambda: ex.check_gradient_edge(sweep, *batch, switch=1.15, theory=0.5, where="above"), {"theory"},
         "n·v = s²", "n·v = s²"),
        (lambda: ex.check_gradient_edge(sweep, *batch, switch=1.15, theory=1.0, where="at"), {"where"},
         "activations shrink only slowly", "si riducono solo lentamente"),
        (lambda: ex.check_gradient_edge(relu_sweep, *batch, **edge), {"setup", "seeds"}, "relu/xavier", "relu/xavier"),
        (lambda: ex.check_gradient_edge(low_sweep, *batch, **edge), {"range"}, "add larger scales",
         "aggiungete scale più grandi"),
        (lambda: ex.check_gradient_edge(shallow, *batch, **edge), {"depth"}, "10 hidden layers", "10 strati nascosti"),
        # ex-dying-bias
        (lambda: ex.check_bias_death(*inputs, one_input="less", small="less", large="more"), {"one_input"},
         "symmetric random bias keeps it", "bias casuale simmetrico la conserva"),
        (lambda: ex.check_bias_death(*inputs, one_input="same", small="more", large="more"), {"small"},
         "every input is zero at the same layer", "ogni ingresso è nullo nello stesso strato"),
        (lambda: ex.check_bias_death(*inputs, one_input="same", small="less", large="same"), {"large"},
         "swamp the weights' contribution", "sommergono il contributo dei pesi"),
        # ex-variants-compared-2
        (lambda: ex.check_fixed_slope(default_slope, comp, data, prediction=90, matters="size"), {"slope"},
         "default slope 0.01", "pendenza predefinita 0,01"),
        (lambda: ex.check_fixed_slope(he_init, comp, data, prediction=90, matters="size"), {"setup"},
         'init="gain"', 'init="gain"'),
        (lambda: ex.check_fixed_slope(three_seeds, comp, data, prediction=90, matters="size"), {"seeds"},
         "paired comparison needs the same", "confronto appaiato richiede gli stessi"),
        (lambda: ex.check_fixed_slope(comp.results["prelu"], comp, data, prediction=90, matters="size"), {"activation"},
         "your result is for 'prelu'", "il vostro risultato è di 'prelu'"),
        (lambda: ex.check_fixed_slope(res, comp, data, prediction=75, matters="size"), {"prediction"},
         "within 5 points counts as right", "entro 5 punti la previsione è giusta"),
        (lambda: ex.check_fixed_slope(res, comp, data, prediction=90, matters="learning"), {"matters"},
         "closer to PReLU", "più vicino alla PReLU"),
        # ex-cost-1
        (lambda: ex.check_clamp_timing(lambda: torch.clamp(x, min=0), reference, F_TIMES, R_TIMES, **good), {"alloc"},
         "fn makes a new tensor at every call", "fn crea un nuovo tensore a ogni chiamata"),
        (lambda: ex.check_clamp_timing(fn, lambda: x.clone(), F_TIMES, R_TIMES, **good), {"alloc", "target"},
         "the reference makes a new tensor at every call", "il riferimento crea un nuovo tensore a ogni chiamata"),
        (lambda: ex.check_clamp_timing(lambda: torch.clamp(other_x, min=0, out=other_y), lambda: other_x.copy_(other_y),
                                       F_TIMES, R_TIMES, **good), {"target"}, "the copy reversed", "la copia al contrario"),
        (lambda: ex.check_clamp_timing(lambda: torch.clamp(another_x, min=0, out=y), reference, F_TIMES, R_TIMES, **good),
         {"values"}, "time both on the same x", "misurate entrambi sullo stesso x"),
        (lambda: ex.check_clamp_timing(*clamp_pair(small_x, small_y), F_TIMES, R_TIMES, **good), {"size"},
         "stays in the cache", "resta nella cache"),
        (lambda: ex.check_clamp_timing(fn, lambda: y, F_TIMES, R_TIMES, **good), {"reference"},
         "without writing into it", "senza scriverci"),
        (lambda: ex.check_clamp_timing(fn, lambda: None, F_TIMES, R_TIMES, **good), {"reference"},
         "y.copy_(x)", "y.copy_(x)"),
        (lambda: ex.check_clamp_timing(fn, reference, F_TIMES, R_TIMES, **dict(good, protocol=dict(KW, warmup=0))),
         {"warmup"}, "no warm-up call", "nessuna chiamata di riscaldamento"),
        (lambda: ex.check_clamp_timing(fn, reference, F_TIMES, R_TIMES, **dict(good, protocol=None)), {"protocol"},
         "repeats = 7", "repeats = 7"),
        (lambda: ex.check_clamp_timing(fn, reference, F_TIMES[:2], R_TIMES[:2], **good), {"times"},
         "(≥ 3)", "(≥ 3)"),
        (lambda: ex.check_clamp_timing(fn, reference, F_TIMES, R_TIMES, **dict(good, median=np.median(1 / RATIO))),
         {"median"}, "median of r / f", "mediana di r / f"),
        (lambda: ex.check_clamp_timing(fn, reference, F_TIMES, R_TIMES, **dict(good, median=RATIO.mean())),
         {"median"}, "the mean of f / r", "la media di f / r"),
        (lambda: ex.check_clamp_timing(fn, reference, F_TIMES, R_TIMES,
                                       **dict(good, median=np.median(F_TIMES) / np.median(R_TIMES))),
         {"median"}, "take the ratio per repeat first", "prima il rapporto per ripetizione"),
        (lambda: ex.check_clamp_timing(fn, reference, F_TIMES, R_TIMES, **dict(good, middle=(RATIO.min(), RATIO.max()))),
         {"middle"}, "smallest and largest ratio", "più piccolo e il più grande"),
        (lambda: ex.check_clamp_timing(fn, lambda: 1 / 0, F_TIMES, R_TIMES, **good), {"raised"},
         "ZeroDivisionError", "ZeroDivisionError"),
        # ex-cost-2
        (lambda: ex.check_leaky_traffic(passes=(3, 2), temporaries=(2, 0), copies=(3.25, 2.5)), {"temporaries"},
         "makes a new array in multiply", "crea un nuovo array in multiply"),
        (lambda: ex.check_leaky_traffic(passes=(3, 2), temporaries=(2, 1), copies=(4.0, 2.5)), {"copies"},
         "greater reads 1.0 and writes 0.25", "greater legge 1,0 e scrive 0,25"),
        (lambda: ex.check_leaky_traffic(passes=(4, 2), temporaries=(2, 1), copies=(3.25, 2.5)), {"passes"},
         "runs greater, multiply, where", "esegue greater, multiply, where"),
        (lambda: ex.check_leaky_traffic(passes=3, temporaries=(2, 1), copies=(3.25, 2.5)), {"format"},
         "expected 2", "ne servono 2"),
    ]


@pytest.mark.parametrize("lang", LANGS)
def test_typical_wrong_answers(lang, batch, sweep, inputs, deep, tensors, wrong_runs):
    for make, kinds, en, it in _wrong(batch, sweep, inputs, deep, tensors, wrong_runs):
        relulab.use_language(lang)
        fb = make()
        assert not fb.passed and fb.message.startswith("✗"), fb.message
        assert set(fb.kinds) <= kinds | {"missing"} and set(fb.kinds) & kinds, (fb.kinds, fb.message)
        assert (en if lang == "en" else it) in fb.message, fb.message


def test_timing_checker_catches_more_than_one_thread(tensors):
    torch.set_num_threads(2)
    fb = ex.check_clamp_timing(*clamp_pair(*tensors), F_TIMES, R_TIMES, protocol=KW, median=np.median(RATIO),
                               middle=np.percentile(RATIO, [25, 75]))
    assert fb.kinds == ("threads",) and "torch runs on 2 threads" in fb.message


def test_missing_parts_are_reported(batch, sweep, inputs, deep, tensors):
    comp, data, res = deep
    cases = [
        (ex.check_gradient_edge(sweep, *batch), 3),
        (ex.check_bias_death(*inputs, small="less"), 2),
        (ex.check_fixed_slope(res, comp, data), 2),
        (ex.check_clamp_timing(*clamp_pair(*tensors), F_TIMES, R_TIMES, protocol=KW), 2),
        (ex.check_leaky_traffic(), 3),
    ]
    for fb, n in cases:
        assert not fb.passed and fb.kinds == ("missing",) * n, fb.message
        assert "no answer yet for" in fb.message


# --------------------------------------------------------------------------- bad arguments


def test_bad_arguments_raise_clear_errors(batch, sweep, inputs, deep, tensors):
    comp, data, res = deep
    x, y = batch
    fn, reference = clamp_pair(*tensors)
    one, many = inputs
    with pytest.raises(TypeError, match="GradientProfile"):
        ex.check_gradient_edge(object(), x, y, switch=1.15)
    with pytest.raises(ValueError, match="'below', 'at' or 'above'"):
        ex.check_gradient_edge(sweep, x, y, where="over")
    with pytest.raises(ValueError, match="switch"):
        ex.check_gradient_edge(sweep, x, y, switch=-1.0)
    with pytest.raises(ValueError, match=r"\(batch, features\)"):
        ex.check_gradient_edge(sweep, x[0], y)
    with pytest.raises(ValueError, match="single input"):
        ex.check_bias_death(many, many)
    with pytest.raises(ValueError, match="several inputs"):
        ex.check_bias_death(one, one)
    with pytest.raises(ValueError, match="'more', 'less' or 'same'"):
        ex.check_bias_death(one, many, small="fewer")
    with pytest.raises(TypeError, match="Comparison"):
        ex.check_fixed_slope(res, object(), data)
    with pytest.raises(ValueError, match="no result for prelu: pass deep"):
        ex.check_fixed_slope(res, V.Comparison(DEEP, {"relu": res, "leaky_relu": res}, {}), data)
    with pytest.raises(TypeError, match="TrainResult"):
        ex.check_fixed_slope(object(), comp, data)
    with pytest.raises(TypeError, match="digits"):
        ex.check_fixed_slope(res, comp, None)
    with pytest.raises(ValueError, match="in percent"):
        ex.check_fixed_slope(res, comp, data, prediction=0.9)
    with pytest.raises(ValueError, match="prediction"):
        ex.check_fixed_slope(res, comp, data, prediction=120)
    with pytest.raises(ValueError, match="'size' or 'learning'"):
        ex.check_fixed_slope(res, comp, data, matters="both")
    with pytest.raises(TypeError, match="function"):
        ex.check_clamp_timing(3, reference, F_TIMES, R_TIMES)
    with pytest.raises(TypeError, match="keyword arguments"):
        ex.check_clamp_timing(fn, reference, F_TIMES, R_TIMES, protocol=[5, 1])
    with pytest.raises(ValueError, match="does not take: repeat"):
        ex.check_clamp_timing(fn, reference, F_TIMES, R_TIMES, protocol={"repeat": 5})
    relulab.use_language("it")
    with pytest.raises(ValueError, match="in percentuale"):
        ex.check_fixed_slope(res, comp, data, prediction=0.9)


# --------------------------------------------------------------------------- ex-depth-predict and ex-depth-clip (02a_depth)

DEPTH_RIGHT = dict(leaky_factor=1.04 ** 0.5, leaky_nv=2 / 1.04, sigmoid_log10=30 * math.log10(0.25))


def clip_global(grads, max_norm):
    """The solution cell of ex-depth-clip."""
    total = torch.sqrt(sum((g.double() ** 2).sum() for g in grads))
    scale = min(1.0, max_norm / (float(total) + 1e-6))
    return [g * scale for g in grads]


def test_depth_exercises_are_registered_in_their_chapter():
    assert ex.EXERCISES["ex-depth-predict"].chapter == "02a_depth"
    assert ex.EXERCISES["ex-depth-predict"].checkers == (ex.check_depth_predictions,)
    assert ex.EXERCISES["ex-depth-clip"].checkers == (ex.check_clip_function,)


def test_depth_predictions_truths_follow_from_the_backward_factor():
    # E[φ'²] of Leaky ReLU by Monte Carlo against the closed form the checker uses
    z = torch.randn(400_000, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    mc = float((torch.where(z > 0, 1.0, ex_depth.PREDICT_SLOPE) ** 2).mean())
    assert mc == pytest.approx(ex_depth._leaky_derivative_moment(ex_depth.PREDICT_SLOPE), abs=3e-3)
    assert ex_depth._leaky_derivative_moment(0.0) == 0.5 == pytest.approx(gradients.derivative_moment("relu"), abs=1e-12)
    # the sigmoid's backward factor is at most 1/16 in the mean square: 1/4 in the RMS
    assert gradients.derivative_moment("sigmoid", 1e-3) <= 1 / 16


@pytest.mark.parametrize("lang", LANGS)
def test_depth_predictions_right_wrong_and_missing(lang):
    relulab.use_language(lang)
    assert ex.check_depth_predictions(**DEPTH_RIGHT).passed
    assert ex.check_depth_predictions(leaky_factor=1.021, leaky_nv=1.92, sigmoid_log10=-18.0).passed  # within tolerance
    fb = ex.check_depth_predictions(**dict(DEPTH_RIGHT, leaky_factor=1.0, sigmoid_log10=18.06))
    assert fb.kinds == ("leaky_factor", "sigmoid_log10"), fb.kinds
    assert ("negative number" if lang == "en" else "numero negativo") in fb.message
    # parts not yet answered give nothing away
    fb = ex.check_depth_predictions(leaky_factor=1.0)
    assert set(fb.kinds) == {"leaky_factor", "missing"}
    assert "1.923" not in fb.message and "1,923" not in fb.message and "18.06" not in fb.message and "18,06" not in fb.message
    for bad in (math.nan, math.inf, "1.02", [1.0, 1.0]):
        assert ex.check_depth_predictions(**dict(DEPTH_RIGHT, leaky_nv=bad)).kinds == ("format",)


@pytest.mark.parametrize("lang", LANGS)
def test_clip_function_right_and_typical_mistakes(lang):
    relulab.use_language(lang)
    assert ex.check_clip_function(clip_global).passed
    # the solution agrees with PyTorch's clip_grad_norm_ on the checker's cases
    for _, grads, max_norm in ex_depth._clip_cases():
        params = [torch.nn.Parameter(g.clone()) for g in grads]
        for p in params:
            p.grad = p.detach().clone()
        torch.nn.utils.clip_grad_norm_(params, max_norm)
        assert all(torch.allclose(a, p.grad, rtol=1e-5, atol=1e-12) for a, p in zip(clip_global(grads, max_norm), params))

    def per_tensor(grads, m):
        return [clip_global([g], m)[0] for g in grads]

    def no_eps(grads, m):
        total = torch.sqrt(sum((g ** 2).sum() for g in grads))
        return [g / total * min(float(total), m) for g in grads]  # 0 / 0 for all-zero gradients

    def always(grads, m):
        total = float(sum((g ** 2).sum() for g in grads)) ** 0.5 + 1e-12
        return [g * m / total for g in grads]

    def in_place(grads, m):
        for g, c in zip(grads, clip_global(grads, m)):
            g.copy_(c)
        return grads

    cases = [
        (per_tensor, "per_tensor", "on its own", "da solo"),
        (lambda grads, m: [g.clamp(-m, m) for g in grads], "clamped", "direction", "direzione"),
        (no_eps, "nan", "divides by zero", "divide per zero"),
        (always, "always", "only shrinks", "riduce soltanto"),
        (in_place, "mutated", "in place", "sul posto"),
        (lambda grads, m: tuple(g.flatten() for g in grads), "shape", "flatten", "appiattirli"),
        (lambda grads, m: [g * 0.5 for g in grads], "value", "min(1, max_norm", "min(1, max_norm"),
    ]
    for fn, kind, en, it in cases:
        fb = ex.check_clip_function(fn)
        assert fb.kinds == (kind,), (kind, fb.kinds, fb.message)
        assert (en if lang == "en" else it) in fb.message, fb.message


def test_clip_function_refuses_what_is_not_a_function():
    for bad in (None, 3, "clip"):
        with pytest.raises(TypeError, match="clip"):
            ex.check_clip_function(bad)


# --------------------------------------------------------------------------- ex-deriv-quotients (02_derivative)


@pytest.mark.parametrize("lang", LANGS)
def test_kink_quotients_right_wrong_and_missing(lang):
    relulab.use_language(lang)
    assert ex.EXERCISES["ex-deriv-quotients"].chapter == "02_derivative"
    assert ex.check_kink_quotients(central=(1e-7 + 1e-6) / 2e-6, right=(1e-6 - 1e-7) / 1e-6, largest_h=0.3).passed
    fb = ex.check_kink_quotients(central=0.5, right=1.0, largest_h=0.15)
    assert fb.kinds == ("central", "right", "largest_h"), fb.kinds
    assert ("straddles the kink" if lang == "en" else "scavalca il punto angoloso") in fb.message
    fb = ex.check_kink_quotients(central=0.5)  # parts not yet answered give nothing away
    assert set(fb.kinds) == {"central", "missing"} and "0.9" not in fb.message and "0,9" not in fb.message
    assert ex.check_kink_quotients(central=math.nan, right=0.9, largest_h=0.3).kinds == ("format",)


def test_kink_quotients_truth_is_the_crossing_formula():
    from relulab.activations import relu_np
    for x0, h in [(1e-7, 1e-6), (0.3, 0.6), (0.3, 0.2)]:
        q = gradients.difference_quotients(relu_np, x0, [h])
        assert q.central[0] == pytest.approx(min(1.0, (x0 + h) / (2 * h)), abs=1e-9)
