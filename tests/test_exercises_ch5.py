"""Chapter 5's exercise checkers (05_domains, 05b_transformers, 05c_gans).

Reference solutions (as in the solution cells of the three sources) pass; typical wrong answers fail with the right
problem kind and a message in the chosen language; bad arguments raise clear errors.
"""

import math

import numpy as np
import pytest
import torch
from torch import nn

import relulab
from conftest import LANGS
from relulab import domains, gan, images, text, transformer
from relulab import exercises as ex
from relulab.exercises import domains as ex_domains
from relulab.i18n import t


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    relulab.use_language("en")


def passes(fb):
    assert fb.passed and fb.problems == () and fb.message.startswith("✓"), fb.message


def fails_with(fb, kind, phrase):
    """The check failed, reported ``kind``, and the text of that problem contains ``phrase``."""
    assert not fb.passed and fb.message.startswith("✗"), fb.message
    assert kind in fb.kinds, (fb.kinds, fb.message)
    text_ = " ".join(p.text for p in fb.problems if p.kind == kind)
    assert phrase in text_, f"{phrase!r} not in {text_!r}"


# =========================================================================== 05_domains


def my_distinct_fraction(x):  # the book's solution
    return len({tuple(row) for row in np.asarray(x)}) / len(x)


def sort_in_place(x):
    x.sort(axis=1)
    return my_distinct_fraction(x)


DISTINCT_WRONG = [
    # (function, kind, English phrase, Italian phrase)
    (lambda x: len({tuple(r) for r in x}), "count", "the number of distinct rows", "il numero di righe distinte"),
    (lambda x: len({tuple(r) for r in x}) // len(x), "floor", "use `/`", "usate `/`"),
    (lambda x: np.unique(x).size / len(x), "values", "distinct *numbers*", "i *numeri* distinti"),
    (lambda x: len({tuple(r) for r in x}) / x.size, "size", "number of entries (8)", "numero di elementi (8)"),
    (lambda x: len({frozenset(r) for r in x.tolist()}) / len(x), "order", "keep the order", "conservate l'ordine"),
    (lambda x: len({tuple(c) for c in x.T}) / len(x), "columns", "compared the columns", "confrontato le colonne"),
    (lambda x: 1 - my_distinct_fraction(x), "complement", "share of repeated rows", "quota di righe ripetute"),
    (lambda x: 0.3, "value", "expected 0.75", "invece di 0,75"),
    (sort_in_place, "mutated", "changed the array", "modificato l'array"),
    (lambda x: np.unique(x, axis=0), "type", "not a number", "non un numero"),
    (lambda x: x[10], "raised", "IndexError", "IndexError"),
]


@pytest.mark.parametrize("lang", LANGS)
def test_distinct_fraction_solution_passes_and_slips_are_named(lang):
    relulab.use_language(lang)
    rng = np.random.default_rng(1)
    data = [rng.integers(0, 3, size=(200, 3)), rng.standard_normal((100, 24))]
    passes(ex.check_distinct_fraction(my_distinct_fraction, *data))
    passes(ex.check_distinct_fraction(lambda x: len(np.unique(x, axis=0)) / len(x)))
    for fn, kind, en, it in DISTINCT_WRONG:
        fails_with(ex.check_distinct_fraction(fn), kind, en if lang == "en" else it)
    # a function right on the small arrays but wrong on the data passed: counts the first 50 rows only
    fb = ex.check_distinct_fraction(lambda x: len({tuple(r) for r in x[:50]}) / len(x), *data)
    assert fb.kinds == ("value",) and "<" in fb.message  # the data are shown by shape, not printed


@pytest.fixture(scope="module")
def photo_patches():
    return images.patches(images.photographs(), 5, 2000, seed=0)


SIZES = dict(n_train=1600, n_test=400)
NET = dict(hidden=32, depth=2, steps=300, batch_size=32)


@pytest.mark.parametrize("lang", LANGS)
def test_quantize_prediction_solution_passes_and_wrong_answers_explained(lang, photo_patches):
    relulab.use_language(lang)
    fine = domains.image_task(photo_patches, levels=256, name="p", **SIZES)
    coarse = domains.image_task(photo_patches // 16, levels=16, name="c", **SIZES)
    inputs = lambda task: np.concatenate([task.x_train.numpy(), task.x_test.numpy()])  # noqa: E731
    from relulab.heterogeneity import distinct_fraction

    before, after = distinct_fraction(inputs(fine)), distinct_fraction(inputs(coarse))
    assert before > 0.99 and after < 0.6  # quantizing makes most patches repeat
    passes(ex.check_quantize_prediction(photo_patches, prediction="same", distinct=(before, after), **SIZES, **NET))
    fb = ex.check_quantize_prediction(photo_patches, prediction="down", distinct=(before, before))
    fails_with(fb, "prediction", "'down'")
    fails_with(fb, "prediction", "λmax")
    fails_with(fb, "not_quantized", "`patches // 16`")
    fails_with(fb, "prediction", t("exercises.ch5.quantize.why_same"))
    fb = ex.check_quantize_prediction(photo_patches, distinct=(0.5, 0.1, 0.2))
    assert fb.kinds == ("missing", "format")
    fails_with(ex.check_quantize_prediction(photo_patches, prediction="same", distinct=(0.9, after)), "distinct",
               "(0.999, 0.5485)")


def test_quantize_checker_is_deterministic_and_restores_the_thread_count(photo_patches):
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        a = ex.check_quantize_prediction(photo_patches, prediction="up")
        assert torch.get_num_threads() == 2  # it trains on one thread, then gives the setting back
        b = ex.check_quantize_prediction(photo_patches, prediction="up")
    finally:
        torch.set_num_threads(before)
    assert a.message == b.message and not a.passed


def fake_task(name, scale, seed):
    """A task whose 24 training inputs have variance ``scale**2`` along one direction and 1 along the others."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(400, 24, generator=g, dtype=torch.float64)
    x[:, 0] *= scale
    y = torch.zeros(400, dtype=torch.int64)
    return domains.NextSymbolTask(name, x, y, x[:50], y[:50], 16)


def fake_sweep(curves, diverged=()):
    """RunResults on the exercise's grid: ``curves[name][seed]`` is the dead share per learning rate."""
    runs = []
    for name, per_seed in curves.items():
        for seed, shares in enumerate(per_seed):
            for lr, share in zip(ex_domains.THRESHOLD_LRS, shares):
                nan = (name, seed, lr) in diverged
                runs.append(domains.RunResult(name, lr, seed, 0.0, float("nan") if nan else share, 1.0, nan, np.zeros(1)))
    return runs


PHOTO = [[0.0, 0.2, 0.3, 0.4, 0.5], [0.0, 0.05, 0.3, 0.4, 0.5], [0.0, 0.0, 0.3, 0.4, 0.5]]  # mean crosses 0.1 at 1
PROSE = [[0.0, 0.0, 0.0, 0.05, 0.3], [0.0, 0.0, 0.0, 0.0, 0.4], [0.0, 0.0, 0.0, 0.1, 0.3]]  # mean crosses at 4, no seed above 0.1 before


def threshold_solution(sweep, tasks):
    """The book's solution cell, as a function: (thresholds, lambda_max) by task name."""
    thr, lam = {}, {}
    for task in tasks:
        lrs, dead = domains.grid(sweep, task.name)
        mean = np.nanmean(dead, axis=0)
        thr[task.name] = next((lr for lr, d in zip(lrs, mean) if d > 0.1), math.inf)
        lam[task.name] = np.linalg.eigvalsh(np.cov(task.x_train.numpy(), rowvar=False))[-1]
    return thr, lam


@pytest.mark.parametrize("lang", LANGS)
def test_dying_thresholds(lang):
    relulab.use_language(lang)
    photo, prose = fake_task("photo", 5.0, 0), fake_task("prose", 1.0, 1)
    sweep = fake_sweep({"photo": PHOTO, "prose": PROSE})
    thr, lam = threshold_solution(sweep, (photo, prose))
    assert thr == {"photo": 1.0, "prose": 4.0}
    ratio = lam["photo"] / lam["prose"]
    passes(ex.check_dying_thresholds(sweep, photo, prose, photo=1.0, prose=4.0, lambda_ratio=ratio, same_order=True))
    # nothing crosses 10 %: math.inf
    quiet = fake_sweep({"photo": PHOTO, "prose": [[0.0] * 5] * 3})
    passes(ex.check_dying_thresholds(quiet, photo, prose, photo=1.0, prose=math.inf, lambda_ratio=ratio, same_order=True))
    fb = ex.check_dying_thresholds(sweep, photo, prose, photo=4.0, prose=1.0, lambda_ratio=1 / ratio, same_order=False)
    assert fb.kinds == ("swapped", "inverted", "same_order")
    fails_with(fb, "same_order", "photo: ")
    fb = ex.check_dying_thresholds(sweep, photo, prose, photo=0.5, prose=2.0, lambda_ratio=ratio, same_order=True)
    fails_with(fb, "seeds_max", "[0.000, 0.083, 0.300, 0.400, 0.500]")
    fails_with(fb, "below", "2.0" if lang == "en" else "2,0")
    # a diverged run: nanmean leaves it out, a plain mean turns the column into nan
    diverged = fake_sweep({"photo": PHOTO, "prose": PROSE}, diverged={("photo", 2, 1.0)})
    fails_with(ex.check_dying_thresholds(diverged, photo, prose, photo=2.0, prose=4.0, lambda_ratio=ratio, same_order=True),
               "nan", "np.nanmean")
    fails_with(ex.check_dying_thresholds(sweep, photo, prose, photo=0.3, prose=4.0, lambda_ratio=ratio, same_order=True),
               "format", "math.inf")
    fails_with(ex.check_dying_thresholds(sweep, photo, prose, photo=1.0, prose=4.0, lambda_ratio=ratio * 2, same_order=True),
               "lambda_ratio", relulab.i18n.localize_numbers(f"{lam['photo']:.3g}", lang))
    smallest = [np.linalg.eigvalsh(np.cov(task.x_train.numpy(), rowvar=False))[0] for task in (photo, prose)]
    fails_with(ex.check_dying_thresholds(sweep, photo, prose, photo=1.0, prose=4.0, lambda_ratio=smallest[0] / smallest[1],
                                         same_order=True), "smallest", "[-1]")
    from relulab.heterogeneity import effective_rank

    erank = effective_rank(prose.x_train.numpy()) / effective_rank(photo.x_train.numpy())
    fails_with(ex.check_dying_thresholds(sweep, photo, prose, photo=1.0, prose=4.0, lambda_ratio=erank, same_order=True),
               "erank", "eigvalsh")
    # the chapter's grid is not there
    fb = ex.check_dying_thresholds(sweep[:10], photo, prose, photo=1.0, prose=4.0, lambda_ratio=ratio, same_order=True)
    assert fb.kinds == ("grid", "grid") and "[0, 1];" in fb.message and "[];" in fb.message
    fb = ex.check_dying_thresholds(sweep, photo, prose)
    assert fb.kinds == ("missing",) * 4
    # the order the geometric argument predicts fails when the larger lambda_max dies later
    late = fake_sweep({"photo": PROSE, "prose": PHOTO})
    fails_with(ex.check_dying_thresholds(late, photo, prose, photo=4.0, prose=1.0, lambda_ratio=ratio, same_order=True),
               "same_order", "4.0" if lang == "en" else "4,0")


def test_dying_thresholds_on_the_chapters_tasks():
    """The real protocol on a small grid: the checker reads the sweep as the book's solution does."""
    prose = text.book_prose("en", ["05_domains"])
    enc = text.encode(text.words(prose), 512)
    photo_task = domains.image_task(images.patches(images.photographs(), 5, 2000, seed=0), levels=256, name="photos",
                                    n_train=400, n_test=100)
    prose_task = domains.text_task(enc.ids, len(enc.vocab), name="prose", n_train=400, n_test=100)
    sweep = domains.protocol([photo_task, prose_task], lrs=list(ex_domains.THRESHOLD_LRS), seeds=[0, 1, 2], hidden=16, steps=60)
    thr, lam = threshold_solution(sweep, (photo_task, prose_task))
    order = (thr["photos"] < thr["prose"]) if lam["photos"] > lam["prose"] else (thr["prose"] < thr["photos"])
    passes(ex.check_dying_thresholds(sweep, photo_task, prose_task, photo=thr["photos"], prose=thr["prose"],
                                     lambda_ratio=lam["photos"] / lam["prose"], same_order=bool(order)))


# =========================================================================== 05b_transformers


class ReGLU(nn.Module):  # the book's solution
    def __init__(self, d, hidden, *, gate_bias=False, hidden_fn=None):
        super().__init__()
        self.gate = nn.Linear(d, hidden, bias=gate_bias)
        self.up = nn.Linear(d, hidden)
        self.down = nn.Linear(hidden, d)
        self.hidden_fn = hidden_fn

    def hidden(self, x):
        if self.hidden_fn is not None:
            return self.hidden_fn(self, x)
        return torch.relu(self.gate(x)) * self.up(x)

    def forward(self, x):
        return self.down(self.hidden(x))


class NoDown(ReGLU):
    def forward(self, x):
        return self.hidden(x)


class HiddenShape(ReGLU):  # forward is right, hidden(x) returns something else
    def hidden(self, x):
        return x[:, :10]

    def forward(self, x):
        return self.down(torch.relu(self.gate(x)) * self.up(x))


class NoHidden(nn.Module):
    def __init__(self):
        super().__init__()
        self.gate, self.up, self.down = nn.Linear(4, 5, bias=False), nn.Linear(4, 5), nn.Linear(5, 4)


def reglu(**kw):
    torch.manual_seed(0)
    return ReGLU(32, transformer.ffn_width("swiglu", 32), **kw)


F = torch.nn.functional
REGLU_WRONG = [
    # (module, kind, English phrase, Italian phrase)
    (lambda: ReGLU(32, 128), "width", "two thirds of it", "due terzi"),
    (lambda: ReGLU(32, 60), "width", "= 85", "= 85"),
    (lambda: reglu(gate_bias=True), "params", "bias=False", "bias=False"),
    (lambda: reglu(hidden_fn=lambda m, x: F.silu(m.gate(x)) * m.up(x)), "smooth_gate", "SwiGLU", "SwiGLU"),
    (lambda: reglu(hidden_fn=lambda m, x: F.gelu(m.gate(x)) * m.up(x)), "smooth_gate", "GEGLU", "GEGLU"),
    (lambda: reglu(hidden_fn=lambda m, x: torch.relu(m.gate(x) * m.up(x))), "relu_of_product", "gate alone", "solo gate"),
    (lambda: reglu(hidden_fn=lambda m, x: torch.relu(m.up(x)) * m.gate(x)), "swapped", "wrong branch", "ramo sbagliato"),
    (lambda: reglu(hidden_fn=lambda m, x: torch.relu(m.gate(x))), "not_gated", "one branch only", "un solo ramo"),
    (lambda: reglu(hidden_fn=lambda m, x: torch.relu(m.gate(x)) * m.up(x) + 1), "hidden", "is not max(0", "non è max(0"),
    (lambda: NoDown(32, 85), "forward", "down(hidden(x))", "down(hidden(x))"),
    (lambda: HiddenShape(32, 85), "hidden", "(1000, 10)", "(1000, 10)"),
    (lambda: NoHidden(), "layers", "`hidden(x)`", "`hidden(x)`"),
    (lambda: nn.Linear(3, 3), "layers", "`gate`, `up`, `down`", "`gate`, `up`, `down`"),
    (lambda: reglu(hidden_fn=lambda m, x: x.reshape(7, -1)), "raised", "RuntimeError", "RuntimeError"),
]


@pytest.mark.parametrize("lang", LANGS)
def test_reglu(lang):
    relulab.use_language(lang)
    h = transformer.ffn_width("swiglu", 32)
    module = reglu()
    x = torch.randn(1000, 32, generator=torch.Generator().manual_seed(5))
    zeros = float((module.hidden(x) == 0).float().mean())
    assert abs(zeros - 0.5) < 0.05 and sum(p.numel() for p in module.parameters()) == 8277
    state = torch.get_rng_state()
    passes(ex.check_reglu(module, zeros=zeros, sparse="reglu"))
    assert torch.equal(state, torch.get_rng_state()), "the checker must not move the global random stream"
    passes(ex.check_reglu(ReGLU(16, transformer.ffn_width("swiglu", 16)).double(), zeros=0.5, sparse="reglu"))
    for make, kind, en, it in REGLU_WRONG:
        fails_with(ex.check_reglu(make(), zeros=0.5, sparse="reglu"), kind, en if lang == "en" else it)
    fb = ex.check_reglu(module, zeros=0.1, sparse="swiglu")
    assert fb.kinds == ("zeros", "sparse")
    fails_with(fb, "sparse", "0.000" if lang == "en" else "0,000")
    assert ex.check_reglu(module).kinds == ("missing", "missing")
    assert h == 85


def tiny_lm(kind="relu", dead=(0, 5, 9)):
    torch.manual_seed(0)
    model = transformer.TinyLM(12, kind=kind, d_model=16, n_head=2, n_layer=2, context=8).double().eval()
    with torch.no_grad():
        model.blocks[1].ffn.up.bias[list(dead)] = -1e3  # these units never fire
    return model


VAL_IDS = np.random.default_rng(0).integers(0, 12, size=300)


def dead_units_solution(model, val_ids, block=1):
    """The book's solution cell: units of the block's FFN that never fire on the validation batch."""
    from relulab.probes import ActivationRecorder

    x_val, _ = transformer.validation_batch(val_ids, model.context)
    with torch.no_grad(), ActivationRecorder(model, [f"blocks.{block}.ffn.act"]) as rec:
        model(x_val)
    fired = (rec.outputs[f"blocks.{block}.ffn.act"] > 0).flatten(0, 1).any(dim=0)
    return torch.nonzero(~fired).flatten(), fired, rec.outputs[f"blocks.{block}.ffn.act"]


@pytest.mark.parametrize("lang", LANGS)
def test_pruning(lang):
    relulab.use_language(lang)
    model = tiny_lm()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    dead, fired, acts = dead_units_solution(model, VAL_IDS)
    assert dead.tolist() == [0, 5, 9]
    passes(ex.check_pruning(model, VAL_IDS, dead=dead, dead_changes=False, live_changes=True))
    passes(ex.check_pruning(model, VAL_IDS, dead=~fired, dead_changes=False, live_changes=True))  # a mask works too
    assert all(torch.equal(v, model.state_dict()[k]) for k, v in before.items()), "the checker changed the model"
    fb = ex.check_pruning(model, VAL_IDS, dead=fired, dead_changes=True, live_changes=False)
    assert fb.kinds == ("inverted", "dead_changes", "live_changes")
    fails_with(fb, "inverted", "[0, 5, 9]")
    fails_with(fb, "dead_changes", "down.weight")
    fails_with(fb, "live_changes", "seed 0")
    fails_with(ex.check_pruning(model, VAL_IDS, dead=(acts <= 0).flatten(0, 1).any(dim=0), dead_changes=False,
                                live_changes=True), "any", "*some*" if lang == "en" else "*qualche*")
    block0 = tiny_lm(dead=(0, 5, 9))
    with torch.no_grad():
        block0.blocks[0].ffn.up.bias[[1, 2]] = -1e3
    fails_with(ex.check_pruning(block0, VAL_IDS, dead=[1, 2], dead_changes=False, live_changes=True), "block", "blocks.1.ffn.act")
    fails_with(ex.check_pruning(model, VAL_IDS, dead=[0, 5], dead_changes=False, live_changes=True), "dead", "[0, 5, 9]")
    fails_with(ex.check_pruning(model, VAL_IDS, dead=[0, 500], dead_changes=False, live_changes=True), "format", "64")
    fails_with(ex.check_pruning(model, VAL_IDS, dead=[0, 0], dead_changes=False, live_changes=True), "format", "64")
    fails_with(ex.check_pruning(tiny_lm(dead=()), VAL_IDS, dead=[], dead_changes=False, live_changes=True), "model",
               "r.ffn[1].dead")
    fails_with(ex.check_pruning(tiny_lm("swiglu"), VAL_IDS, dead=dead, dead_changes=False, live_changes=True), "model",
               "'swiglu'")
    assert ex.check_pruning(model, VAL_IDS).kinds == ("missing",) * 3


def lm_run(kind, lr, dead_units, seed=0):
    model = transformer.TinyLM(12, kind=kind, d_model=16, n_head=2, n_layer=2, context=8)
    hidden = model.blocks[1].ffn.up.out_features
    stats = [transformer.FFNStats(f"blocks.{i}.ffn.act", 0.5, 0.5, d / hidden) for i, d in enumerate((0, dead_units))]
    return transformer.LMRun(kind, seed, lr, 1, np.zeros(3), 2.5, stats, model)


@pytest.mark.parametrize("lang", LANGS)
def test_large_lr_prediction(lang):
    relulab.use_language(lang)
    runs = [lm_run("relu", 1e-2, 3), lm_run("swiglu", 1e-2, 0), lm_run("relu", 1e-2, 9, seed=1)]
    fast = [lm_run("relu", 2e-2, 30), lm_run("swiglu", 2e-2, 1)]
    passes(ex.check_large_lr_prediction(fast, runs, relu="more", swiglu="same"))
    fb = ex.check_large_lr_prediction(fast, runs, relu="same", swiglu="more")
    assert fb.kinds == ("relu", "swiglu")
    fails_with(fb, "relu", "30")
    fails_with(fb, "relu", t("exercises.ch5.steps.why_relu"))
    fails_with(fb, "swiglu", t("exercises.ch5.steps.why_swiglu"))
    # fewer: the fast run lost units it had
    passes(ex.check_large_lr_prediction([lm_run("relu", 2e-2, 0), lm_run("swiglu", 2e-2, 0)], runs, relu="fewer",
                                        swiglu="same"))
    # the runs of the wrong learning rate or seed
    fb = ex.check_large_lr_prediction([lm_run("relu", 1e-2, 30), lm_run("swiglu", 2e-2, 0, seed=3)], runs, relu="more",
                                      swiglu="same")
    assert fb.kinds == ("settings", "settings")
    fails_with(fb, "settings", "fast")
    assert ex.check_large_lr_prediction(fast, runs).kinds == ("missing", "missing")


# =========================================================================== 05c_gans


def my_modes(points, centres=gan.ring_centres(), std=0.1):  # the book's solution
    dist = np.linalg.norm(points[:, None, :] - centres[None, :, :], axis=2)
    near = dist.min(axis=1) <= 3 * std
    counts = np.bincount(dist.argmin(axis=1)[near], minlength=len(centres))
    return int((counts >= 10).sum())


def gan_run(slope, seeds, final_dead, modes, *, dead_start=0.0, samples=None):
    """A GanRun whose dead share goes linearly from ``dead_start * final_dead`` to ``final_dead`` over 5 checkpoints."""
    final_dead = np.asarray(final_dead, dtype=float)
    dead = np.linspace(np.asarray(dead_start) * final_dead, final_dead, 5).T
    k = len(seeds)
    if samples is None:
        samples = np.zeros((k, 10, 2))
    return gan.GanRun(slope, tuple(seeds), np.arange(5), np.ones((k, 5)), dead, np.asarray(modes),
                      np.linspace(0.4, 0.6, k), samples)


def ring_runs():
    """Two runs whose samples come from rings with some modes dropped; modes_covered as the chapter computes it."""
    centres = gan.ring_centres()
    out = []
    for slope, drop in ((0.0, [0, 3]), (0.2, [0, 1])):
        samples = []
        for seed, d in enumerate(drop):
            pts = gan.ring_of_gaussians(1000, std=0.1, rng=np.random.default_rng(seed))
            nearest = np.linalg.norm(pts[:, None] - centres[None], axis=2).argmin(axis=1)
            pts[nearest < d] = 0.0  # the first d modes lose their points to the centre of the ring
            samples.append(pts)
        samples = np.stack(samples)
        modes = np.array([gan.mode_coverage(p, std=0.1)[0] for p in samples])
        out.append(gan.GanRun(slope, (0, 1), np.arange(2), np.ones((2, 2)), np.zeros((2, 2)), modes, np.ones(2), samples))
    return out


def doubles_points(points):
    points *= 2
    return my_modes(points)


COVERAGE_WRONG = [
    # (function, kind, English phrase, Italian phrase)
    (lambda p: my_modes(p, std=0.1 / 3), "radius_std", "3 standard deviations", "3 deviazioni standard"),
    (lambda p: gan.mode_coverage(p)[0], "radius_default", "default std", "std predefinito"),
    (lambda p: gan.mode_coverage(p, std=0.1, min_share=0.011)[0], "strict", ">= 10, not > 10", ">= 10, non > 10"),
    (lambda p: gan.mode_coverage(p, std=0.1, min_share=0.001)[0], "any_point", "not one", "non di uno"),
    (lambda p: gan.mode_coverage(p, std=10.0)[0], "no_filter", "however far", "per quanto lontano"),
    (lambda p: gan.mode_coverage(p, std=0.1), "type", "a pair", "una coppia"),
    (lambda p: gan.mode_coverage(p, std=0.1)[1], "type", "a whole number", "un intero"),
    (lambda p: 8, "value", "expected 1", "invece di 1"),
    (doubles_points, "mutated", "changed the points", "modificato i punti"),
    (lambda p: 1 / 0, "raised", "ZeroDivisionError", "ZeroDivisionError"),
]


@pytest.mark.parametrize("lang", LANGS)
def test_mode_coverage(lang):
    relulab.use_language(lang)
    runs = ring_runs()
    assert runs[0].modes_covered.tolist() != runs[1].modes_covered.tolist()  # the runs differ: the check can fail
    passes(ex.check_mode_coverage(my_modes, runs))
    passes(ex.check_mode_coverage(lambda p: gan.mode_coverage(p, std=0.1)[0]))
    for fn, kind, en, it in COVERAGE_WRONG:
        fails_with(ex.check_mode_coverage(fn), kind, en if lang == "en" else it)
    # right on the built cases, wrong on a run: another definition of "near"
    shifted = ring_runs()
    shifted[0].modes_covered[1] += 1
    fails_with(ex.check_mode_coverage(my_modes, shifted), "runs", "seed 1")


def corr_runs():
    relu = gan_run(0.0, range(4), [0.1, 0.2, 0.3, 0.4], [8, 7, 7, 6], dead_start=[0.9, 0.1, 0.5, 0.2])
    leaky = gan_run(0.2, range(4), [0.05, 0.02, 0.04, 0.01], [8, 8, 8, 8])  # modes do not vary: nan
    return [relu, leaky]


@pytest.mark.parametrize("lang", LANGS)
def test_dead_mode_correlation(lang):
    relulab.use_language(lang)
    runs = corr_runs()
    dead_all = np.concatenate([r.dead_share[:, -1] for r in runs])
    modes_all = np.concatenate([r.modes_covered for r in runs]).astype(float)
    r_relu = np.corrcoef(runs[0].dead_share[:, -1], runs[0].modes_covered)[0, 1]
    r_all = np.corrcoef(dead_all, modes_all)[0, 1]
    assert r_all < -math.tanh(1.96 / math.sqrt(8 - 3))  # strong enough to call: "negative"
    right = {0.0: r_relu, 0.2: float("nan"), "all": r_all}
    passes(ex.check_dead_mode_correlation(runs, prediction="negative", correlations=right))
    fb = ex.check_dead_mode_correlation(runs, prediction="none", correlations={0.0: -r_relu, 0.2: 0.0, "all": r_all})
    assert fb.kinds == ("sign", "constant", "prediction")
    fails_with(fb, "prediction", "8")
    quality = np.corrcoef(runs[0].dead_share[:, -1], runs[0].quality)[0, 1]
    overall = np.corrcoef(runs[0].dead_share.mean(axis=1), runs[0].modes_covered)[0, 1]
    assert abs(overall - r_relu) > 0.01 and abs(quality - r_relu) > 0.01
    fails_with(ex.check_dead_mode_correlation(runs, prediction="negative", correlations=right | {0.0: quality}),
               "quality", "modes_covered")
    fails_with(ex.check_dead_mode_correlation(runs, prediction="negative", correlations=right | {0.0: overall}),
               "not_final", "dead_share[:, -1]")
    fb = ex.check_dead_mode_correlation(runs, prediction="negative", correlations={0.0: r_relu, "ReLU": 0.1})
    assert fb.kinds == ("unknown", "missing", "missing")
    # a weak association is "none", whichever its sign
    weak = [gan_run(0.0, range(8), [0.1, 0.2, 0.1, 0.2, 0.1, 0.2, 0.1, 0.2], [8, 7, 7, 8, 8, 7, 7, 8])]
    passes(ex.check_dead_mode_correlation(weak, prediction="none", correlations={0.0: 0.0, "all": 0.0}))
    fb = ex.check_dead_mode_correlation(weak, prediction="negative", correlations={0.0: 0.0, "all": 0.0})
    fails_with(fb, "prediction", t("exercises.ch5.corr.why_none"))


def slope_runs():
    relu = gan_run(0.0, range(8), [0.15, 0.2, 0.05, 0.1, 0.1, 0.1, 0.2, 0.2], [8, 6, 7, 8, 8, 8, 8, 8], dead_start=0.5)
    leaky = gan_run(0.2, range(8), [0.05, 0.08, 0.02, 0.03, 0.06, 0.08, 0.06, 0.0], [8, 8, 8, 8, 8, 8, 7, 8])
    small = gan_run(0.01, range(4), [0.14, 0.34, 0.09, 0.2], [8, 8, 8, 8], dead_start=0.5)
    return small, [relu, leaky]


@pytest.mark.parametrize("lang", LANGS)
def test_slope_prediction(lang):
    relulab.use_language(lang)
    small, runs = slope_runs()
    final = small.dead_share[:, -1].mean()
    passes(ex.check_slope_prediction(small, runs, closer_to=0.0, dead=final, modes_within_spread=True))
    passes(ex.check_slope_prediction([small], runs, closer_to=0.0, dead=round(final, 3), modes_within_spread=True))
    fb = ex.check_slope_prediction(small, runs, closer_to=0.2, dead=small.dead_share.mean(), modes_within_spread=False)
    assert fb.kinds == ("closer_to", "not_final", "modes_within_spread")
    fails_with(fb, "closer_to", "[0, 1, 2, 3]")
    fails_with(fb, "closer_to", t("exercises.ch5.slope.why_relu"))
    fails_with(fb, "modes_within_spread", "6.0–8.0" if lang == "en" else "6,0–8,0")
    fails_with(ex.check_slope_prediction(small, runs, closer_to=0.0, dead=0.5, modes_within_spread=True), "dead",
               relulab.i18n.number(final, 3, lang))
    few = gan_run(0.01, range(4), [0.14, 0.34, 0.09, 0.2], [3, 4, 3, 4])
    fails_with(ex.check_slope_prediction(few, runs, closer_to=0.0, modes_within_spread=True), "modes_within_spread", "3.50" if lang == "en" else "3,50")
    fails_with(ex.check_slope_prediction(runs[1], runs, closer_to=0.0, modes_within_spread=True), "settings", "0.01")
    assert ex.check_slope_prediction(small, runs).kinds == ("missing", "missing")


# =========================================================================== registry and arguments


def test_chapter5_exercises_are_registered():
    chapters = {label: e.chapter for label, e in ex.EXERCISES.items() if e.chapter.startswith("05")}
    assert chapters == {
        "ex-domains-distinct": "05_domains", "ex-domains-quantize": "05_domains", "ex-domains-threshold": "05_domains",
        "ex-transformers-reglu": "05b_transformers", "ex-transformers-prune": "05b_transformers",
        "ex-transformers-steps": "05b_transformers",
        "ex-gans-coverage": "05c_gans", "ex-gans-correlation": "05c_gans", "ex-gans-slope": "05c_gans",
    }
    for name in ex.__all__:
        assert hasattr(ex, name), name


def test_chapter5_checkers_validate_their_arguments(photo_patches):
    photo, prose = fake_task("photo", 5.0, 0), fake_task("prose", 1.0, 1)
    sweep = fake_sweep({"photo": PHOTO, "prose": PROSE})
    small, runs = slope_runs()
    cases = [
        (lambda: ex.check_distinct_fraction(42), TypeError, "must be a function"),
        (lambda: ex.check_distinct_fraction(my_distinct_fraction, np.zeros(3)), ValueError, "2-D array"),
        (lambda: ex.check_quantize_prediction(photo_patches, prediction="maybe"), ValueError, "'up', 'down', 'same'"),
        (lambda: ex.check_quantize_prediction(photo_patches / 16), ValueError, "integer 5×5 photo patches"),
        (lambda: ex.check_dying_thresholds("sweep", photo, prose), TypeError, "domains.protocol"),
        (lambda: ex.check_dying_thresholds(sweep, photo, "prose"), TypeError, "prose_task"),
        (lambda: ex.check_dying_thresholds(sweep, photo, prose, same_order="yes"), TypeError, "True or False"),
        (lambda: ex.check_reglu(object()), TypeError, "torch.nn.Module"),
        (lambda: ex.check_reglu(reglu(), sparse="relu"), ValueError, "'reglu', 'swiglu'"),
        (lambda: ex.check_pruning(nn.Linear(2, 2), VAL_IDS), TypeError, "TinyLM"),
        (lambda: ex.check_pruning(tiny_lm(), VAL_IDS, dead_changes="no"), TypeError, "True or False"),
        (lambda: ex.check_pruning(transformer.TinyLM(12, n_layer=1, context=8), VAL_IDS), ValueError, "second block"),
        (lambda: ex.check_large_lr_prediction([], [], relu="up"), ValueError, "'more', 'same', 'fewer'"),
        (lambda: ex.check_large_lr_prediction([1, 2], []), TypeError, "compare_ffn"),
        (lambda: ex.check_mode_coverage("my_modes"), TypeError, "must be a function"),
        (lambda: ex.check_mode_coverage(my_modes, [1]), TypeError, "gan.train_gan"),
        (lambda: ex.check_dead_mode_correlation([], prediction="none"), TypeError, "gan.train_gan"),
        (lambda: ex.check_dead_mode_correlation(runs, prediction="neg"), ValueError, "'negative', 'positive', 'none'"),
        (lambda: ex.check_dead_mode_correlation(runs, correlations=[0.1]), TypeError, "dictionary"),
        (lambda: ex.check_slope_prediction(small, runs, closer_to=0.5), ValueError, "0.0, 0.2"),
        (lambda: ex.check_slope_prediction(small, [small]), ValueError, "no slope other than"),
        (lambda: ex.check_slope_prediction(small, runs, modes_within_spread=1), TypeError, "True or False"),
        (lambda: ex.check_slope_prediction(small, [gan_run(0.0, [7, 8], [0.1, 0.1], [8, 8])]), ValueError, "none of the seeds"),
    ]
    for call, error, phrase in cases:
        with pytest.raises(error, match=re_escape(phrase)):
            call()
    relulab.use_language("it")
    with pytest.raises(ValueError, match="deve essere uno fra"):
        ex.check_reglu(reglu(), sparse="relu")
    with pytest.raises(TypeError, match="deve essere True o False"):
        ex.check_pruning(tiny_lm(), VAL_IDS, live_changes=1)


def re_escape(phrase):
    import re

    return re.escape(phrase)
