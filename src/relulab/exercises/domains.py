"""Checkers for the exercises of Chapter 5, where ReLU fits: its three pages ``05_domains``,
``05b_transformers`` and ``05c_gans``."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import torch

from ..i18n import register, t
from .core import (
    Feedback,
    Problem,
    _brief,
    _call,
    _ch5_answer,
    _ch5_number,
    _check_callable,
    _feedback,
    _format_problem,
    _guarded,
    _name,
    _show,
    _show_array,
    register_exercise,
)

__all__ = [
    "check_distinct_fraction",
    "check_quantize_prediction",
    "check_dying_thresholds",
    "check_reglu",
    "check_pruning",
    "check_large_lr_prediction",
    "check_mode_coverage",
    "check_dead_mode_correlation",
    "check_slope_prediction",
]


def _ch5_choice(value: object, part: str, choices: Sequence[object]) -> None:
    """Raise ``ValueError`` unless ``value`` is ``None`` or one of ``choices``."""
    if value is not None and not any(type(value) is type(c) and value == c for c in choices):
        raise ValueError(t("exercises.ch5.choice", part=part, choices=", ".join(repr(c) for c in choices), got=repr(value)))


def _ch5_bool(value: object, part: str) -> None:
    """Raise ``TypeError`` unless ``value`` is ``None``, ``True`` or ``False``."""
    if value is not None and not isinstance(value, (bool, np.bool_)):
        raise TypeError(t("exercises.ch5.not_bool", part=part, got=repr(value)))


def _ch5_same(a: float, b: float, tol: float) -> bool:
    """``a`` and ``b`` agree within ``tol`` (absolute); nan matches nan, inf matches inf."""
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= tol


# ----- 05_domains: ex-domains-distinct


def _distinct_rows(x: np.ndarray) -> int:
    return len({tuple(row) for row in x.tolist()})


#: Small arrays for ex-domains-distinct: each exposes one classic slip.
DISTINCT_CASES: tuple[tuple[tuple[float, ...], ...], ...] = (
    ((1, 0), (1, 0), (2, 3), (5, 4)),  # 3 distinct rows of 4; 6 distinct numbers; rows not sorted
    ((1, 2), (2, 1), (1, 2), (3, 3)),  # the same numbers in another order are another row
    ((0.5, -1.25, 2.0), (0.5, -1.25, 2.0), (0.5, -1.25, 2.0)),  # one float row, three times
    ((7, 7, 7),),  # a single row
)


def _distinct_slips(x: np.ndarray) -> dict[str, float]:
    """What the classic slips of ex-domains-distinct return on ``x`` (kind -> value)."""
    n, d = x.shape
    rows = _distinct_rows(x)
    cols = _distinct_rows(x.T)
    return {
        "count": float(rows),
        "floor": float(rows // n),
        "values": np.unique(x).size / n,
        "size": rows / x.size,
        "order": len({tuple(sorted(row)) for row in x.tolist()}) / n,
        "columns": cols / d,
        "columns_n": cols / n,
        "complement": 1.0 - rows / n,
    }


@_guarded
def check_distinct_fraction(fn: Callable, *data: object) -> Feedback:
    """Exercise ex-domains-distinct: ``fn(x)``, the share of distinct rows of a 2-D numpy array.

    Tried on :data:`DISTINCT_CASES` (integer and float arrays built so that
    counting values instead of rows, comparing rows as sets, counting columns,
    returning a count or using ``//`` give a wrong answer), on a random float
    array with repeated rows, and on every array in ``data`` (e.g. the chapter's
    inputs), against :func:`relulab.heterogeneity.distinct_fraction`. The input
    must be left unchanged.

    Problem kinds: ``raised``, ``type``, ``mutated``, ``count``, ``floor``,
    ``values``, ``size``, ``order``, ``columns``, ``complement``, ``value``.
    """
    from ..heterogeneity import distinct_fraction

    _check_callable(fn, "fn")
    arrays = [np.array(c, dtype=np.int64 if all(float(v).is_integer() for row in c for v in row) else np.float64)
              for c in DISTINCT_CASES]
    rng = np.random.default_rng(0)
    unique = rng.standard_normal((50, 4))
    arrays.append(np.concatenate([unique, unique[:10]]))  # 50 distinct rows of 60
    for i, d in enumerate(data):
        arr = np.asarray(d.detach().cpu() if isinstance(d, torch.Tensor) else d)
        if arr.ndim != 2 or arr.shape[0] == 0:
            raise ValueError(t("exercises.ch5.distinct.data", i=i, shape=tuple(arr.shape)))
        arrays.append(arr)
    problems: list[Problem] = []
    for x in arrays:
        shown = _show_array(x)
        before = x.copy()
        try:
            got_raw = _call(fn, x)
        except Exception as exc:  # the student's code may raise anything
            problems.append(Problem("raised", t("exercises.raised", exc=type(exc).__name__, msg=str(exc)[:160], x=shown)))
            break
        if not np.array_equal(before, x):
            problems.append(Problem("mutated", t("exercises.ch5.distinct.mutated", x=shown)))
            break
        got = _ch5_number(got_raw, finite=False)
        if got is None:
            problems.append(Problem("type", t("exercises.ch5.distinct.type", got=type(got_raw).__name__, x=shown)))
            break
        want = distinct_fraction(x)
        if math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12):
            continue
        n, d = x.shape
        kind = next((k for k, v in _distinct_slips(x).items() if math.isclose(got, v, rel_tol=1e-9, abs_tol=1e-12)
                     and not math.isclose(v, want, rel_tol=1e-9, abs_tol=1e-12)), "value")
        kind = "columns" if kind == "columns_n" else kind
        problems.append(Problem(kind, t(f"exercises.ch5.distinct.{kind}", x=shown, got=_show(got), want=_show(want),
                                        n=n, size=x.size)))
        break
    checks = [t("exercises.ch5.checks.distinct", n=len(DISTINCT_CASES) + 1, extra=len(data))]
    return _feedback(_name(fn), problems, checks)


# ----- 05_domains: ex-domains-quantize

#: Seeds and learning rate of exercise ex-domains-quantize.
QUANTIZE_SEEDS: tuple[int, ...] = (0, 1, 2, 3, 4)
QUANTIZE_LR: float = 1.0


def _lambda_max(x: torch.Tensor | np.ndarray) -> float:
    """Largest eigenvalue of the covariance of the rows of ``x`` (as the chapter computes it)."""
    arr = x.numpy() if isinstance(x, torch.Tensor) else np.asarray(x)
    return float(np.linalg.eigvalsh(np.cov(arr, rowvar=False))[-1])


@_guarded
def check_quantize_prediction(patches: object, *, prediction: str | None = None, distinct: Sequence[float] | None = None,
                              n_train: int = 1600, n_test: int = 400, hidden: int = 32, depth: int = 2,
                              steps: int = 300, batch_size: int = 32) -> Feedback:
    """Exercise ex-domains-quantize: your prediction for photo patches quantized to 16 grey levels.

    From ``patches`` (integer 5×5 patches of 256 grey levels, one per row) the
    checker builds the chapter's task and its quantized version
    (``patches // 16``, ``levels=16``), runs :func:`relulab.domains.protocol`
    on both at learning rate 1 with seeds 0–4 (the network is set by the
    keyword arguments, the chapter's by default) and compares:

    - ``prediction``, ``"up"``, ``"down"`` or ``"same"``: the share of dead
      units after training, quantized minus original, paired by seed; a change
      counts only if the mean difference exceeds twice its standard error;
    - ``distinct`` (optional), the pair ``(before, after)`` of distinct
      fractions of the two tasks' inputs (training and test sets together),
      within 0.002.

    Problem kinds: ``missing``, ``prediction``, ``format``, ``not_quantized``, ``distinct``.
    """
    from .. import domains
    from ..heterogeneity import distinct_fraction

    _ch5_choice(prediction, "prediction", ("up", "down", "same"))
    p = np.asarray(patches)
    if (p.ndim != 2 or p.shape[1] != 25 or not np.issubdtype(p.dtype, np.integer) or p.size == 0
            or p.min() < 0 or p.max() > 255):
        raise ValueError(t("exercises.ch5.quantize.patches", shape=tuple(p.shape), dtype=str(p.dtype)))
    sizes = dict(n_train=n_train, n_test=n_test)
    fine = domains.image_task(p, levels=256, name="fine", **sizes)
    coarse = domains.image_task(p // 16, levels=16, name="coarse", **sizes)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # ten tiny networks: one thread is many times faster than several (see seed_everything)
    try:
        runs = domains.protocol([fine, coarse], lrs=[QUANTIZE_LR], seeds=list(QUANTIZE_SEEDS), hidden=hidden, depth=depth,
                                steps=steps, batch_size=batch_size)
    finally:
        torch.set_num_threads(threads)
    d_fine, d_coarse = (domains.grid(runs, name)[1][:, 0] for name in ("fine", "coarse"))
    diff = (d_coarse - d_fine)[np.isfinite(d_coarse - d_fine)]
    mean = float(diff.mean()) if diff.size else 0.0
    se = float(diff.std(ddof=1) / math.sqrt(diff.size)) if diff.size > 1 else 0.0
    truth = "same" if abs(mean) <= 2 * se else ("up" if mean > 0 else "down")
    problems: list[Problem] = []
    if prediction is None:
        problems.append(Problem("missing", t("exercises.answers.missing", part="prediction")))
    elif prediction != truth:
        text = t("exercises.ch5.quantize.prediction", got=prediction, want=truth, fine=f"{np.nanmean(d_fine):.3f}",
                 coarse=f"{np.nanmean(d_coarse):.3f}", diff=f"{mean:+.3f}", se=f"{se:.3f}",
                 lam_fine=f"{_lambda_max(fine.x_train):.3g}", lam_coarse=f"{_lambda_max(coarse.x_train):.3g}")
        if truth == "same":
            text += " " + t("exercises.ch5.quantize.why_same")
        problems.append(Problem("prediction", text))
    if distinct is not None:
        inputs = lambda task: np.concatenate([task.x_train.numpy(), task.x_test.numpy()])  # noqa: E731
        want = (distinct_fraction(inputs(fine)), distinct_fraction(inputs(coarse)))
        got = [_ch5_number(v) for v in distinct] if isinstance(distinct, Sequence) and not isinstance(distinct, str) else []
        shown_want = f"({want[0]:.4g}, {want[1]:.4g})"
        if len(got) != 2 or None in got:
            problems.append(Problem("format", t("exercises.ch5.quantize.distinct_format", got=repr(distinct))))
        elif abs(got[1] - want[0]) <= 0.002 < abs(got[1] - want[1]):
            problems.append(Problem("not_quantized", t("exercises.ch5.quantize.not_quantized", got=_show(got[1]),
                                                       want=shown_want)))
        elif abs(got[0] - want[0]) > 0.002 or abs(got[1] - want[1]) > 0.002:
            problems.append(Problem("distinct", t("exercises.ch5.quantize.distinct", got=f"({_show(got[0])}, {_show(got[1])})",
                                                  want=shown_want)))
    checks = [t("exercises.ch5.checks.quantize", n=len(QUANTIZE_SEEDS))]
    return _feedback(t("exercises.your_answers"), problems, checks)


# ----- 05_domains: ex-domains-threshold

#: The learning-rate grid, seeds and level of exercise ex-domains-threshold.
THRESHOLD_LRS: tuple[float, ...] = (0.25, 0.5, 1.0, 2.0, 4.0)
THRESHOLD_SEEDS: tuple[int, ...] = (0, 1, 2)
THRESHOLD_LEVEL: float = 0.1


def _first_above(lrs: Sequence[float], values: np.ndarray, level: float) -> float:
    """The first learning rate whose value is above ``level`` (``inf`` if none; nan is never above)."""
    with np.errstate(invalid="ignore"):
        above = values > level
    return next((lr for lr, a in zip(lrs, above) if a), math.inf)


@_guarded
def check_dying_thresholds(sweep: Sequence[object], photo_task: object, prose_task: object, *,
                           photo: float | None = None, prose: float | None = None,
                           lambda_ratio: float | None = None, same_order: bool | None = None) -> Feedback:
    """Exercise ex-domains-threshold: the learning rates at which more than 10 % of the units die, and λmax.

    ``sweep`` is what :func:`relulab.domains.protocol` returned for the two
    tasks on the grid :data:`THRESHOLD_LRS` with seeds 0–2. The checker checks:

    - that the sweep has that grid and those seeds for both tasks (kind ``grid``);
    - ``photo`` and ``prose``: for each task, the smallest learning rate of the
      grid whose share of dead units, averaged over the seeds (diverged runs
      left out), is above 0.1; ``math.inf`` if none is;
    - ``lambda_ratio``: λmax of the photo task's training inputs divided by the
      prose task's (largest eigenvalue of the covariance), within 5 %;
    - ``same_order``: whether the task with the larger λmax has the smaller threshold.

    Problem kinds: ``missing``, ``grid``, ``format``, ``swapped``, ``seeds_max``,
    ``nan``, ``below``, ``photo``, ``prose``, ``inverted``, ``erank``,
    ``smallest``, ``lambda_ratio``, ``same_order``.
    """
    import warnings

    from .. import domains
    from ..heterogeneity import effective_rank

    if isinstance(sweep, (str, bytes)) or not isinstance(sweep, Sequence) or not all(
            hasattr(r, a) for r in sweep for a in ("domain", "lr", "seed", "dead_end")):
        raise TypeError(t("exercises.ch5.threshold.not_sweep", got=type(sweep).__name__))
    for name, task in (("photo_task", photo_task), ("prose_task", prose_task)):
        if not all(hasattr(task, a) for a in ("name", "x_train")):
            raise TypeError(t("exercises.ch5.threshold.not_task", part=name, got=type(task).__name__))
    _ch5_bool(same_order, "same_order")
    problems: list[Problem] = []
    truth: dict[str, float] = {}
    slips: dict[str, dict[str, float]] = {}
    curves: dict[str, str] = {}
    for part, task in (("photo", photo_task), ("prose", prose_task)):
        sel = [r for r in sweep if r.domain == task.name]
        lrs = sorted({float(r.lr) for r in sel})
        seeds = sorted({int(r.seed) for r in sel})
        if not sel or lrs != list(THRESHOLD_LRS) or seeds != list(THRESHOLD_SEEDS) or len(sel) != len(lrs) * len(seeds):
            problems.append(Problem("grid", t("exercises.ch5.threshold.grid", name=task.name, seeds=seeds,
                                              lrs=_show_array(lrs) if lrs else "[]", want_lrs=_show_array(THRESHOLD_LRS))))
            continue
        order, dead = domains.grid(sel, task.name)
        dead = dead[:, np.argsort(order)]
        with np.errstate(invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a learning rate where every seed diverged
            mean = np.nanmean(dead, axis=0)
            worst = np.nanmax(dead, axis=0)
        truth[part] = _first_above(THRESHOLD_LRS, mean, THRESHOLD_LEVEL)
        below = [lr for lr in THRESHOLD_LRS if lr < truth[part]]
        slips[part] = {
            "seeds_max": _first_above(THRESHOLD_LRS, worst, THRESHOLD_LEVEL),
            "nan": _first_above(THRESHOLD_LRS, dead.mean(axis=0), THRESHOLD_LEVEL),
            "below": below[-1] if below else -1.0,
        }
        curves[part] = f"{task.name}: [" + ", ".join(f"{v:.3f}" for v in mean) + "]"
    answers = {"photo": photo, "prose": prose}
    got: dict[str, float] = {}
    for part, answer in answers.items():
        if answer is None:
            problems.append(Problem("missing", t("exercises.answers.missing", part=part)))
            continue
        value = _ch5_number(answer, finite=False)
        if value is None or not (value in THRESHOLD_LRS or value == math.inf):
            problems.append(Problem("format", t("exercises.ch5.threshold.format", part=part, got=repr(answer),
                                                lrs=_show_array(THRESHOLD_LRS))))
            continue
        got[part] = value
    if (set(got) == {"photo", "prose"} == set(truth) and got["photo"] != truth["photo"]
            and got["photo"] == truth["prose"] and got["prose"] == truth["photo"]):
        problems.append(Problem("swapped", t("exercises.ch5.threshold.swapped")))
    else:
        for part in (p for p in ("photo", "prose") if p in got and p in truth and got[p] != truth[p]):
            kind = next((k for k, v in slips[part].items() if v == got[part] and v != truth[part]), part)
            key = f"exercises.ch5.threshold.{kind}" if kind != part else "exercises.ch5.threshold.value"
            problems.append(Problem(kind, t(key, part=part, got=_show(got[part]), want=_show(truth[part]), curve=curves[part])))
    lam = {part: _lambda_max(task.x_train) for part, task in (("photo", photo_task), ("prose", prose_task))}
    ratio = lam["photo"] / lam["prose"]
    value = _ch5_answer(problems, "lambda_ratio", lambda_ratio)
    if value is not None and not math.isclose(value, ratio, rel_tol=0.05):
        def x_of(task: object) -> np.ndarray:
            return task.x_train.numpy() if isinstance(task.x_train, torch.Tensor) else np.asarray(task.x_train)

        erank = effective_rank(x_of(photo_task)) / effective_rank(x_of(prose_task))
        smallest = [float(np.linalg.eigvalsh(np.cov(x_of(task), rowvar=False))[0]) for task in (photo_task, prose_task)]
        slip = {"inverted": [1 / ratio], "erank": [erank, 1 / erank],
                "smallest": [smallest[0] / smallest[1], smallest[1] / smallest[0]] if min(smallest) > 0 else []}
        kind = next((k for k, vs in slip.items() if any(math.isclose(value, v, rel_tol=0.05) for v in vs)), "lambda_ratio")
        problems.append(Problem(kind, t(f"exercises.ch5.threshold.{kind}", got=f"{value:.3g}", want=f"{ratio:.3g}",
                                        photo=f"{lam['photo']:.3g}", prose=f"{lam['prose']:.3g}")))
    if same_order is None:
        problems.append(Problem("missing", t("exercises.answers.missing", part="same_order")))
    elif set(truth) == {"photo", "prose"}:
        bigger, other = ("photo", "prose") if lam["photo"] >= lam["prose"] else ("prose", "photo")
        order_truth = truth[bigger] < truth[other]
        if bool(same_order) != order_truth:
            key = "exercises.ch5.threshold.order_yes" if order_truth else "exercises.ch5.threshold.order_no"
            problems.append(Problem("same_order", t(key, got=bool(same_order), bigger=bigger, other=other,
                                                    lam_b=f"{lam[bigger]:.3g}", lam_o=f"{lam[other]:.3g}",
                                                    t_b=_show(truth[bigger]), t_o=_show(truth[other]))))
    return _feedback(t("exercises.your_answers"), problems, [t("exercises.ch5.checks.threshold")])


# ----- 05b_transformers: ex-transformers-reglu


@_guarded
def check_reglu(module: object, *, zeros: float | None = None, sparse: str | None = None) -> Feedback:
    """Exercise ex-transformers-reglu: a ReGLU feed-forward module, ``down(max(0, gate(x)) * up(x))``.

    ``module`` is an instance of your ``nn.Module`` with the layers of
    :class:`relulab.transformer.FeedForward` — ``gate`` (no bias), ``up`` and
    ``down``, all ``nn.Linear`` — and a method ``hidden(x)`` that returns the
    gated hidden values. Checked: the hidden width
    (``transformer.ffn_width("swiglu", d)``), the number of weights (equal to
    the book's SwiGLU), ``hidden(x)`` and ``forward(x)`` on 1,000 random inputs
    (seed 0) against the formula computed with your own layers, ``zeros`` (the
    share of exact zeros of the hidden values you measured, within 0.05 of the
    checker's), and ``sparse``: which unit, ``"reglu"`` or ``"swiglu"``, a
    sparse kernel could exploit.

    Problem kinds: ``layers``, ``width``, ``params``, ``raised``, ``smooth_gate``,
    ``relu_of_product``, ``swapped``, ``not_gated``, ``hidden``, ``forward``,
    ``zeros``, ``format``, ``sparse``, ``missing``.
    """
    from ..transformer import FeedForward, ffn_width

    if not isinstance(module, torch.nn.Module):
        raise TypeError(t("exercises.ch5.reglu.not_module", got=type(module).__name__))
    _ch5_choice(sparse, "sparse", ("reglu", "swiglu"))
    name = type(module).__name__
    checks = [t("exercises.ch5.checks.reglu")]
    problems: list[Problem] = []
    layers = {n: getattr(module, n, None) for n in ("gate", "up", "down")}
    missing = [f"`{n}`" for n, layer in layers.items() if not isinstance(layer, torch.nn.Linear)]
    if not callable(getattr(module, "hidden", None)):
        missing.append("`hidden(x)`")
    if missing:
        return _feedback(name, [Problem("layers", t("exercises.ch5.reglu.layers", missing=", ".join(missing)))], checks)
    gate, up, down = layers["gate"], layers["up"], layers["down"]
    d = gate.in_features
    h = ffn_width("swiglu", d)
    g_out = gate.out_features
    if (up.in_features, down.out_features, up.out_features, down.in_features) != (d, d, g_out, g_out):
        shapes = t("exercises.ch5.reglu.shapes", d=d, g=g_out, u=tuple(up.weight.shape[::-1]), w=tuple(down.weight.shape[::-1]))
        return _feedback(name, [Problem("layers", shapes)], checks)
    if gate.out_features != h:
        key = "exercises.ch5.reglu.width_relu" if gate.out_features == 4 * d else "exercises.ch5.reglu.width"
        problems.append(Problem("width", t(key, got=gate.out_features, want=h, d=d)))
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        swiglu = FeedForward(d, h, "swiglu").to(gate.weight.dtype)
    params, want_params = sum(p.numel() for p in module.parameters()), sum(p.numel() for p in swiglu.parameters())
    if params != want_params and not problems:
        bias = gate.bias is not None and params - want_params == h
        key = "exercises.ch5.reglu.gate_bias" if bias else "exercises.ch5.reglu.params"
        problems.append(Problem("params", t(key, got=params, want=want_params, h=h)))
    x = torch.randn(1000, d, generator=torch.Generator().manual_seed(0), dtype=torch.float64).to(gate.weight.dtype)
    F = torch.nn.functional
    with torch.no_grad():
        g, u = gate(x), up(x)
        ref = torch.relu(g) * u
        try:
            hid = _call(module.hidden, x.clone(), what=f"{name}.hidden")
            out = _call(module, x.clone(), what=name)
        except Exception as exc:  # the student's code may raise anything
            problems.append(Problem("raised", t("exercises.ch5.reglu.raised", exc=type(exc).__name__, msg=str(exc)[:160])))
            return _feedback(name, problems, checks)

        def close(a: object, b: torch.Tensor) -> bool:
            return isinstance(a, torch.Tensor) and a.shape == b.shape and bool(torch.allclose(a, b, rtol=1e-5, atol=1e-6))

        if not close(hid, ref):
            slips = [("smooth_gate", F.silu(g) * u, "SiLU", "SwiGLU"), ("smooth_gate", F.gelu(g) * u, "GELU", "GEGLU"),
                     ("relu_of_product", torch.relu(g * u), "", ""), ("swapped", torch.relu(u) * g, "", ""),
                     ("not_gated", torch.relu(g), "", ""), ("not_gated", torch.relu(u), "", "")]
            kind, act, unit = next(((k, a, un) for k, v, a, un in slips if close(hid, v)), ("hidden", "", ""))
            shape = tuple(hid.shape) if isinstance(hid, torch.Tensor) else type(hid).__name__
            problems.append(Problem(kind, t(f"exercises.ch5.reglu.{kind}", act=act, unit=unit, shape=shape, want=tuple(ref.shape))))
        own = isinstance(hid, torch.Tensor) and hid.shape == ref.shape and close(out, down(hid.to(ref.dtype)))
        if not close(out, down(ref)) and not own:  # a wrong hidden(x) is reported once, above
            shape = tuple(out.shape) if isinstance(out, torch.Tensor) else type(out).__name__
            problems.append(Problem("forward", t("exercises.ch5.reglu.forward", shape=shape, want=tuple(down(ref).shape))))
        share = float((ref == 0).double().mean())
        swiglu_share = float((swiglu.act(swiglu.gate(x)) * swiglu.up(x) == 0).double().mean())
    value = _ch5_answer(problems, "zeros", zeros)
    if value is not None and abs(value - share) > 0.05:
        problems.append(Problem("zeros", t("exercises.ch5.reglu.zeros", got=_show(value), want=f"{share:.3f}")))
    if sparse is None:
        problems.append(Problem("missing", t("exercises.answers.missing", part="sparse")))
    elif sparse != "reglu":
        problems.append(Problem("sparse", t("exercises.ch5.reglu.sparse", reglu=f"{share:.3f}", swiglu=f"{swiglu_share:.3f}")))
    return _feedback(name, problems, checks)


# ----- 05b_transformers: ex-transformers-prune


@_guarded
def check_pruning(model: object, val_ids: object, *, dead: object = None, dead_changes: bool | None = None,
                  live_changes: bool | None = None) -> Feedback:
    """Exercise ex-transformers-prune: the dead FFN units of the second block and what pruning them does.

    ``model`` is the trained ReLU :class:`relulab.transformer.TinyLM` you
    pruned, ``val_ids`` the validation text. The checker finds the units of
    ``blocks.1.ffn.act`` that are 0 on every token of
    :func:`relulab.transformer.validation_batch` and compares them with
    ``dead`` (unit indices, or a boolean mask over the units). It then zeroes
    their columns of ``blocks[1].ffn.down.weight`` in a copy of the model, and
    as many columns of live units drawn with ``torch.randperm`` (generator
    seed 0) in another, and checks your predictions ``dead_changes`` and
    ``live_changes``: does the validation loss change (``True``) or stay
    exactly the same (``False``)? The model itself is not changed.

    Problem kinds: ``model``, ``missing``, ``format``, ``inverted``, ``block``,
    ``any``, ``dead``, ``dead_changes``, ``live_changes``.
    """
    import copy

    from ..probes import record_activations
    from ..transformer import validation_batch, validation_loss

    if not isinstance(model, torch.nn.Module) or not hasattr(model, "blocks") or not hasattr(model, "context"):
        raise TypeError(t("exercises.ch5.prune.not_model", got=type(model).__name__))
    if len(model.blocks) < 2:
        raise ValueError(t("exercises.ch5.prune.blocks", n=len(model.blocks)))
    _ch5_bool(dead_changes, "dead_changes")
    _ch5_bool(live_changes, "live_changes")
    checks = [t("exercises.ch5.checks.prune")]
    if getattr(model, "kind", None) != "relu":
        problem = Problem("model", t("exercises.ch5.prune.not_relu", kind=getattr(model, "kind", "?")))
        return _feedback(t("exercises.your_answers"), [problem], checks)
    x_val, _ = validation_batch(val_ids, model.context)
    outs = record_activations(model, x_val, layers=["blocks.0.ffn.act", "blocks.1.ffn.act"])
    act0, act1 = (outs[f"blocks.{i}.ffn.act"].flatten(0, -2) for i in (0, 1))
    truth = ~(act1 > 0).any(dim=0)
    k = int(truth.sum())
    if k == 0:
        return _feedback(t("exercises.your_answers"), [Problem("model", t("exercises.ch5.prune.none_dead"))], checks)
    problems: list[Problem] = []
    n_units = truth.numel()
    if dead is None:
        problems.append(Problem("missing", t("exercises.answers.missing", part="dead")))
    else:
        arr = np.asarray(dead.detach().cpu() if isinstance(dead, torch.Tensor) else dead).reshape(-1)
        mask: np.ndarray | None = None
        if arr.dtype == np.bool_ and arr.size == n_units:
            mask = arr
        elif arr.size == 0 or (np.issubdtype(arr.dtype, np.integer) and arr.min() >= 0 and arr.max() < n_units
                               and np.unique(arr).size == arr.size):
            mask = np.zeros(n_units, dtype=bool)
            mask[arr.astype(np.int64)] = True
        if mask is None:
            problems.append(Problem("format", t("exercises.ch5.prune.format", n=n_units, got=_show_array(arr))))
        else:
            want = truth.numpy()
            if not np.array_equal(mask, want):
                if np.array_equal(mask, ~want):
                    key, kind = "exercises.ch5.prune.inverted", "inverted"
                elif np.array_equal(mask, (~(act0 > 0).any(dim=0)).numpy()):
                    key, kind = "exercises.ch5.prune.block", "block"
                elif np.array_equal(mask, (act1 <= 0).any(dim=0).numpy()):
                    key, kind = "exercises.ch5.prune.any", "any"
                else:
                    key, kind = "exercises.ch5.prune.dead", "dead"
                problems.append(Problem(kind, t(key, got=int(mask.sum()), want=k, units=_show_array(np.flatnonzero(want)))))
    dead_units = torch.nonzero(truth).flatten()
    live = torch.nonzero(~truth).flatten()
    random_live = live[torch.randperm(len(live), generator=torch.Generator().manual_seed(0))[:k]]

    def loss_without(units: torch.Tensor) -> float:
        pruned = copy.deepcopy(model)
        with torch.no_grad():
            pruned.blocks[1].ffn.down.weight[:, units] = 0.0
        return validation_loss(pruned, val_ids)

    base = validation_loss(model, val_ids)
    after = {"dead_changes": loss_without(dead_units), "live_changes": loss_without(random_live)}
    for part, answer in (("dead_changes", dead_changes), ("live_changes", live_changes)):
        changes = after[part] != base
        if answer is None:
            problems.append(Problem("missing", t("exercises.answers.missing", part=part)))
        elif bool(answer) != changes:
            key = f"exercises.ch5.prune.{part}_{'yes' if changes else 'no'}"
            problems.append(Problem(part, t(key, got=bool(answer), k=k, base=f"{base:.6f}", after=f"{after[part]:.6f}")))
    return _feedback(t("exercises.your_answers"), problems, checks)


# ----- 05b_transformers: ex-transformers-steps

#: Learning rates of exercise ex-transformers-steps: the chapter's, and twice it.
STEPS_BASE_LR: float = 1e-2
STEPS_FAST_LR: float = 2e-2


@_guarded
def check_large_lr_prediction(fast: Sequence[object], runs: Sequence[object], *, relu: str | None = None,
                              swiglu: str | None = None) -> Feedback:
    """Exercise ex-transformers-steps: more, the same or fewer dead units in the second block at twice the learning rate?

    ``fast`` holds the runs of :func:`relulab.transformer.compare_ffn` at
    learning rate 0.02 (seed 0), ``runs`` the chapter's runs at 0.01. For
    ``relu`` and ``swiglu`` the prediction ``"more"``, ``"same"`` or ``"fewer"``
    is compared with the dead units of the second FFN block (``ffn[1].dead``)
    of the seed-0 runs: a difference of at most 2 units counts as ``"same"``.

    Problem kinds: ``settings``, ``missing``, ``relu``, ``swiglu``.
    """
    for part, value in (("relu", relu), ("swiglu", swiglu)):
        _ch5_choice(value, part, ("more", "same", "fewer"))
    for part, seq in (("fast", fast), ("runs", runs)):
        if isinstance(seq, (str, bytes)) or not isinstance(seq, Sequence) or not all(
                hasattr(r, a) for r in seq for a in ("kind", "seed", "lr", "ffn", "model")):
            raise TypeError(t("exercises.ch5.steps.not_runs", part=part, got=type(seq).__name__))

    def find(seq: Sequence[object], kind: str, lr: float) -> object | None:
        return next((r for r in seq if r.kind == kind and r.seed == 0 and math.isclose(r.lr, lr, rel_tol=1e-9)), None)

    problems: list[Problem] = []
    for kind, answer in (("relu", relu), ("swiglu", swiglu)):
        new, old = find(fast, kind, STEPS_FAST_LR), find(runs, kind, STEPS_BASE_LR)
        if new is None or old is None:
            part, lr = ("fast", STEPS_FAST_LR) if new is None else ("runs", STEPS_BASE_LR)
            problems.append(Problem("settings", t("exercises.ch5.steps.settings", part=part, kind=kind, lr=_show(lr))))
            continue
        hidden = int(new.model.blocks[1].ffn.up.out_features)
        units_new, units_old = round(new.ffn[1].dead * hidden), round(old.ffn[1].dead * hidden)
        diff = units_new - units_old
        truth = "same" if abs(diff) <= 2 else ("more" if diff > 0 else "fewer")
        if answer is None:
            problems.append(Problem("missing", t("exercises.answers.missing", part=kind)))
        elif answer != truth:
            text = t("exercises.ch5.steps.wrong", part=kind, got=answer, want=truth, new=units_new, old=units_old, hidden=hidden)
            if kind == "relu" and truth == "more":
                text += " " + t("exercises.ch5.steps.why_relu")
            elif kind == "swiglu" and truth != "more":
                text += " " + t("exercises.ch5.steps.why_swiglu")
            problems.append(Problem(kind, text))
    return _feedback(t("exercises.your_predictions"), problems, [t("exercises.ch5.checks.steps")])


# ----- 05c_gans: ex-gans-coverage

#: The GAN's data of the chapter: standard deviation of each mode; a point counts within 3 of them.
COVERAGE_STD: float = 0.1
COVERAGE_MIN_POINTS: int = 10


def _coverage_cases() -> list[tuple[str, dict[str, int], np.ndarray]]:
    """(message key, its fields, 1,000 points) for ex-gans-coverage, each exposing one slip."""
    from ..gan import ring_centres

    centres = ring_centres()
    rng = np.random.default_rng(0)

    def at(mode: int, n: int, dist: float) -> np.ndarray:
        angle = rng.uniform(0, 2 * np.pi, n)
        return centres[mode] + dist * np.stack([np.cos(angle), np.sin(angle)], axis=1)

    return [  # the first case has a share of points on a mode (0.6) that is not a whole number
        ("exercises.ch5.modes.case_far", {}, np.concatenate([at(2, 600, 0.05), at(6, 400, 0.5)])),
        ("exercises.ch5.modes.case_two", dict(a=990, b=10), np.concatenate([at(0, 990, 0.05), at(3, 10, 0.05)])),
        ("exercises.ch5.modes.case_two", dict(a=991, b=9), np.concatenate([at(0, 991, 0.05), at(3, 9, 0.05)])),
        ("exercises.ch5.modes.case_ring", {}, np.concatenate([at(1, 500, 0.25), at(5, 500, 0.12)])),
        ("exercises.ch5.modes.case_centre", {}, 0.05 * rng.standard_normal((1000, 2))),
        ("exercises.ch5.modes.case_all", {}, np.concatenate([at(m, 125, 0.05) for m in range(8)])),
    ]


def _coverage(points: np.ndarray, *, radius: float, min_points: int, near_only: bool = True) -> int:
    from ..gan import ring_centres

    centres = ring_centres()
    dist = np.linalg.norm(points[:, None, :] - centres[None], axis=2)
    near = dist.min(axis=1) <= radius if near_only else np.ones(len(points), dtype=bool)
    counts = np.bincount(dist.argmin(axis=1)[near], minlength=len(centres))
    return int((counts >= min_points).sum())


@_guarded
def check_mode_coverage(fn: Callable, runs: Sequence[object] | None = None) -> Feedback:
    """Exercise ex-gans-coverage: ``fn(points)``, the number of modes with at least 10 of 1,000 points within 0.3.

    ``points`` is an array ``(1000, 2)``; a point belongs to the nearest centre
    of :func:`relulab.gan.ring_centres` if it lies within 3 standard
    deviations (3 × 0.1) of it. Tried on six point sets built to expose the
    classic slips (a radius of 1 standard deviation, or of 3 × 0.05, the
    default ``std`` of :func:`relulab.gan.mode_coverage`; ``> 10`` instead of
    ``>= 10``; any single point counting; points far from every mode
    counted), then, if ``runs`` (the chapter's :class:`relulab.gan.GanRun`
    list) is given, on the final samples of every run and seed against the
    recorded ``modes_covered``. The points must be left unchanged.

    Problem kinds: ``raised``, ``type``, ``mutated``, ``radius_std``,
    ``radius_default``, ``strict``, ``any_point``, ``no_filter``, ``value``, ``runs``.
    """
    _check_callable(fn, "fn")
    if runs is not None and (isinstance(runs, (str, bytes)) or not isinstance(runs, Sequence) or not all(
            hasattr(r, a) for r in runs for a in ("slope", "seeds", "samples", "modes_covered"))):
        raise TypeError(t("exercises.ch5.gan.not_runs", got=type(runs).__name__))
    problems: list[Problem] = []
    name = _name(fn)
    checks = [t("exercises.ch5.checks.modes", n=6)]

    def call(points: np.ndarray, where: str) -> int | None:
        before = points.copy()
        try:
            got = _call(fn, points)
        except Exception as exc:  # the student's code may raise anything
            problems.append(Problem("raised", t("exercises.ch5.modes.raised", where=where, exc=type(exc).__name__, msg=str(exc)[:160])))
            return None
        if not np.array_equal(before, points):
            problems.append(Problem("mutated", t("exercises.ch5.modes.mutated", where=where)))
            return None
        value = _ch5_number(got, finite=False)
        if value is None or not value.is_integer():
            key = "exercises.ch5.modes.pair" if isinstance(got, tuple) else "exercises.ch5.modes.type"
            problems.append(Problem("type", t(key, where=where, got=repr(got)[:60])))
            return None
        return int(value)

    cases = _coverage_cases()
    r3 = 3 * COVERAGE_STD
    slips = {
        "radius_std": dict(radius=COVERAGE_STD, min_points=COVERAGE_MIN_POINTS),
        "radius_default": dict(radius=3 * 0.05, min_points=COVERAGE_MIN_POINTS),
        "strict": dict(radius=r3, min_points=COVERAGE_MIN_POINTS + 1),
        "any_point": dict(radius=r3, min_points=1),
        "no_filter": dict(radius=r3, min_points=COVERAGE_MIN_POINTS, near_only=False),
    }
    answers = []
    for key, fields, points in cases:
        got = call(points, t(key, **fields))
        if got is None:
            return _feedback(name, problems, checks)
        answers.append(got)
    truth = [_coverage(p, radius=r3, min_points=COVERAGE_MIN_POINTS) for _, _, p in cases]
    if answers != truth:
        kind = next((k for k, kw in slips.items() if answers == [_coverage(p, **kw) for _, _, p in cases]), "value")
        i = next(j for j, (a, w) in enumerate(zip(answers, truth)) if a != w)
        where = t(cases[i][0], **cases[i][1])
        problems.append(Problem(kind, t(f"exercises.ch5.modes.{kind}", where=where, got=answers[i], want=truth[i])))
        return _feedback(name, problems, checks)
    if runs is not None:
        checks.append(t("exercises.ch5.checks.modes_runs", n=sum(len(r.seeds) for r in runs)))
        for r in runs:
            for i, seed in enumerate(r.seeds):
                where = t("exercises.ch5.modes.where_run", slope=_show(r.slope), seed=seed)
                got = call(np.array(r.samples[i], copy=True), where)
                if got is None:
                    return _feedback(name, problems, checks)
                if got != int(r.modes_covered[i]):
                    problems.append(Problem("runs", t("exercises.ch5.modes.runs", where=where, got=got, want=int(r.modes_covered[i]))))
                    return _feedback(name, problems, checks)
    return _feedback(name, problems, checks)


# ----- 05c_gans: ex-gans-correlation


def _pearson(a: np.ndarray, b: np.ndarray) -> float:
    """Pearson's correlation of two samples; nan if either does not vary."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.std() == 0 or b.std() == 0:
        return float("nan")
    return float(np.corrcoef(a, b)[0, 1])


def _check_gan_runs(runs: object, part: str = "runs") -> list:
    if isinstance(runs, (str, bytes)) or not isinstance(runs, Sequence) or not runs or not all(
            hasattr(r, a) for r in runs for a in ("slope", "seeds", "dead_share", "modes_covered", "quality")):
        raise TypeError(t("exercises.ch5.gan.not_runs", got=type(runs).__name__) + f" ({part})")
    return list(runs)


@_guarded
def check_dead_mode_correlation(runs: Sequence[object], *, prediction: str | None = None,
                                correlations: Mapping[object, float] | None = None) -> Feedback:
    """Exercise ex-gans-correlation: the correlation between dead discriminator units and modes covered.

    ``correlations`` maps each slope of ``runs`` (e.g. ``0.0``, ``0.2``) and
    ``"all"`` to Pearson's correlation, over the seeds (over every run for
    ``"all"``), between the *final* share of dead units (``dead_share[:, -1]``)
    and ``modes_covered``; ``nan`` where either does not vary. Values pass
    within 0.01. ``prediction`` is ``"negative"``, ``"positive"`` or
    ``"none"``: the sign of the correlation over every run, or ``"none"`` if
    it cannot be told from zero at the 5 % level: ``|r| < tanh(1.96 / sqrt(n - 3))``
    (Fisher's z) for ``n`` runs.

    Problem kinds: ``missing``, ``unknown``, ``format``, ``not_final``,
    ``quality``, ``sign``, ``constant``, ``value``, ``prediction``.
    """
    runs = _check_gan_runs(runs)
    _ch5_choice(prediction, "prediction", ("negative", "positive", "none"))
    if correlations is not None and not isinstance(correlations, Mapping):
        raise TypeError(t("exercises.ch5.corr.not_mapping"))
    dead = {r.slope: np.asarray(r.dead_share, dtype=np.float64) for r in runs}
    modes = {r.slope: np.asarray(r.modes_covered, dtype=np.float64) for r in runs}
    quality = {r.slope: np.asarray(r.quality, dtype=np.float64) for r in runs}
    pool = lambda d: np.concatenate(list(d.values()))  # noqa: E731
    final = {s: v[:, -1] for s, v in dead.items()}
    overall = {s: v.mean(axis=1) for s, v in dead.items()}
    truth = {s: _pearson(final[s], modes[s]) for s in dead} | {"all": _pearson(pool(final), pool(modes))}
    slips = {
        "not_final": {s: _pearson(overall[s], modes[s]) for s in dead} | {"all": _pearson(pool(overall), pool(modes))},
        "quality": {s: _pearson(final[s], quality[s]) for s in dead} | {"all": _pearson(pool(final), pool(quality))},
    }
    problems: list[Problem] = []
    if correlations is None:
        problems.append(Problem("missing", t("exercises.answers.missing", part="correlations")))
    else:
        unknown = [k for k in correlations if k not in truth]
        if unknown:
            problems.append(Problem("unknown", t("exercises.answers.unknown", parts=", ".join(map(repr, unknown)),
                                                 expected=", ".join(map(repr, truth)))))
        for key, want in truth.items():
            part = repr(key)
            if key not in correlations:
                problems.append(Problem("missing", t("exercises.answers.missing", part=part)))
                continue
            got = _ch5_number(correlations[key], finite=False)  # nan is the answer where a sample does not vary
            if got is None:
                problems.append(Problem("format", t("exercises.answers.format", part=part, got=_brief(correlations[key]))))
                continue
            if _ch5_same(got, want, 0.01):
                continue
            if math.isnan(want):
                kind = "constant"
            else:
                kind = next((k for k, v in slips.items() if _ch5_same(got, v[key], 0.01) and not _ch5_same(v[key], want, 0.01)),
                            "sign" if abs(want) > 0.01 and _ch5_same(got, -want, 0.01) else "value")
            problems.append(Problem(kind, t(f"exercises.ch5.corr.{kind}", part=part, got=_show(round(got, 3)),
                                            want="nan" if math.isnan(want) else f"{want:+.2f}")))
    n = int(pool(modes).size)
    r_all = truth["all"]
    critical = math.tanh(1.96 / math.sqrt(n - 3)) if n > 3 else 1.0
    want_pred = "none" if math.isnan(r_all) or abs(r_all) < critical else ("negative" if r_all < 0 else "positive")
    if prediction is None:
        problems.append(Problem("missing", t("exercises.answers.missing", part="prediction")))
    elif prediction != want_pred:
        text = t("exercises.ch5.corr.prediction", got=prediction, want=want_pred, n=n,
                 r="nan" if math.isnan(r_all) else f"{r_all:+.2f}", critical=f"{critical:.2f}")
        if want_pred == "none":
            text += " " + t("exercises.ch5.corr.why_none")
        problems.append(Problem("prediction", text))
    return _feedback(t("exercises.your_answers"), problems, [t("exercises.ch5.checks.corr", n=n)])


# ----- 05c_gans: ex-gans-slope

#: The discriminator slope of exercise ex-gans-slope.
SMALL_SLOPE: float = 0.01


@_guarded
def check_slope_prediction(small: object, runs: Sequence[object], *, closer_to: float | None = None,
                           dead: float | None = None, modes_within_spread: bool | None = None) -> Feedback:
    """Exercise ex-gans-slope: where a discriminator with slope 0.01 falls between ReLU and slope 0.2.

    ``small`` is the :class:`relulab.gan.GanRun` of slope 0.01 (or the
    one-element list :func:`relulab.gan.train_gan` returns), ``runs`` the
    chapter's runs. Checked:

    - ``closer_to``: the slope of ``runs`` whose mean final share of dead
      units, over the seeds ``small`` shares with it, is nearest to slope 0.01's;
    - ``dead`` (optional): the mean final share of dead units
      (``dead_share[:, -1]``) of slope 0.01 over its seeds, within 0.005;
    - ``modes_within_spread``: whether slope 0.01's mean number of modes
      covered lies within the range (smallest to largest, over every seed) of
      the other runs.

    Problem kinds: ``settings``, ``missing``, ``format``, ``closer_to``,
    ``not_final``, ``dead``, ``modes_within_spread``.
    """
    if isinstance(small, Sequence) and not isinstance(small, (str, bytes)) and len(small) == 1:
        small = small[0]
    (small,) = _check_gan_runs([small], "small")
    runs = _check_gan_runs(runs)
    _ch5_bool(modes_within_spread, "modes_within_spread")
    checks = [t("exercises.ch5.checks.slope")]
    if not math.isclose(small.slope, SMALL_SLOPE):
        problem = Problem("settings", t("exercises.ch5.slope.settings", got=_show(small.slope), want=_show(SMALL_SLOPE)))
        return _feedback(t("exercises.your_answers"), [problem], checks)
    others = [r for r in runs if not math.isclose(r.slope, small.slope)]
    if not others:
        raise ValueError(t("exercises.ch5.slope.no_others", slope=_show(small.slope)))
    slopes = [float(r.slope) for r in others]
    if closer_to is not None and (_ch5_number(closer_to) is None or not any(math.isclose(float(closer_to), s) for s in slopes)):
        raise ValueError(t("exercises.ch5.choice", part="closer_to", choices=", ".join(map(_show, slopes)), got=repr(closer_to)))
    problems: list[Problem] = []
    final_small = np.asarray(small.dead_share, dtype=np.float64)[:, -1]
    means = {}
    shared = []
    for r in others:
        common = [s for s in small.seeds if s in r.seeds]
        if not common:
            raise ValueError(t("exercises.ch5.slope.no_common", slope=_show(r.slope), seeds=list(small.seeds), other=list(r.seeds)))
        shared = common
        pick_small = [list(small.seeds).index(s) for s in common]
        pick = [list(r.seeds).index(s) for s in common]
        means[float(r.slope)] = (float(final_small[pick_small].mean()), float(np.asarray(r.dead_share)[pick, -1].mean()))
    nearest = min(means, key=lambda s: abs(means[s][0] - means[s][1]))
    dead_value = _ch5_number(dead)
    dead_right = dead_value is not None and abs(dead_value - float(final_small.mean())) <= 0.005
    if closer_to is None:
        problems.append(Problem("missing", t("exercises.answers.missing", part="closer_to")))
    elif not math.isclose(float(closer_to), nearest):
        listing = ", ".join(t("exercises.ch5.slope.listing", slope=_show(s), dead=f"{m[1]:.3f}") for s, m in means.items())
        # slope 0.01's own dead share is the answer to `dead`: shown only once that part is right
        small_text = f"{means[nearest][0]:.3f}" if dead_right else t("exercises.ch5.slope.your_dead")
        text = t("exercises.ch5.slope.closer_to", got=_show(float(closer_to)), want=_show(nearest), seeds=shared,
                 small=small_text, others=listing)
        if nearest == min(slopes):
            text += " " + t("exercises.ch5.slope.why_relu")
        problems.append(Problem("closer_to", text))
    if dead is not None:
        value = _ch5_number(dead)
        want = float(final_small.mean())
        if value is None:
            problems.append(_format_problem("dead", dead))
        elif abs(value - want) > 0.005:
            over_time = float(np.asarray(small.dead_share, dtype=np.float64).mean())
            kind = "not_final" if abs(value - over_time) <= 0.005 else "dead"
            problems.append(Problem(kind, t(f"exercises.ch5.slope.{kind}", got=_show(round(value, 4)), want=f"{want:.3f}")))
    all_modes = np.concatenate([np.asarray(r.modes_covered, dtype=np.float64) for r in others])
    lo, hi, m = float(all_modes.min()), float(all_modes.max()), float(np.mean(small.modes_covered))
    within = lo <= m <= hi
    if modes_within_spread is None:
        problems.append(Problem("missing", t("exercises.answers.missing", part="modes_within_spread")))
    elif bool(modes_within_spread) != within:
        key = "exercises.ch5.slope.modes_in" if within else "exercises.ch5.slope.modes_out"
        problems.append(Problem("modes_within_spread", t(key, got=bool(modes_within_spread), m=f"{m:.2f}", lo=_show(lo),
                                                         hi=_show(hi))))
    return _feedback(t("exercises.your_answers"), problems, checks)


# --------------------------------------------------------------------------- registry

register_exercise("ex-domains-distinct", "05_domains", check_distinct_fraction)
register_exercise("ex-domains-quantize", "05_domains", check_quantize_prediction)
register_exercise("ex-domains-threshold", "05_domains", check_dying_thresholds)
register_exercise("ex-transformers-reglu", "05b_transformers", check_reglu)
register_exercise("ex-transformers-prune", "05b_transformers", check_pruning)
register_exercise("ex-transformers-steps", "05b_transformers", check_large_lr_prediction)
register_exercise("ex-gans-coverage", "05c_gans", check_mode_coverage)
register_exercise("ex-gans-correlation", "05c_gans", check_dead_mode_correlation)
register_exercise("ex-gans-slope", "05c_gans", check_slope_prediction)


# --------------------------------------------------------------------------- messages

register(
    {
        # ----- shared by the three pages
        "exercises.ch5.choice": {
            "en": "{part} must be one of {choices}, got {got}",
            "it": "{part} deve essere uno fra {choices}, ricevuto {got}",
        },
        "exercises.ch5.not_bool": {
            "en": "{part} must be True or False, got {got}",
            "it": "{part} deve essere True o False, ricevuto {got}",
        },
        # ----- ex-domains-distinct
        "exercises.ch5.checks.distinct": {
            "en": "{n} small arrays built to catch the usual slips and {extra} arrays of yours, against heterogeneity.distinct_fraction, input unchanged",
            "it": "{n} piccoli array costruiti per cogliere gli errori tipici e {extra} array vostri, confrontati con heterogeneity.distinct_fraction, ingresso intatto",
        },
        "exercises.ch5.distinct.data": {
            "en": "data[{i}] must be a 2-D array with at least one row (rows are inputs), got shape {shape}",
            "it": "data[{i}] deve essere un array 2-D con almeno una riga (le righe sono gli ingressi), ricevuta la forma {shape}",
        },
        "exercises.ch5.distinct.mutated": {
            "en": "on {x} it changed the array it was given (sorted it in place?); work on a copy.",
            "it": "su {x} ha modificato l'array ricevuto (l'ha ordinato sul posto?); lavorate su una copia.",
        },
        "exercises.ch5.distinct.type": {
            "en": "on {x} it returned a {got}, not a number; return the fraction as a float.",
            "it": "su {x} ha restituito un {got}, non un numero; restituite la frazione come float.",
        },
        "exercises.ch5.distinct.count": {
            "en": "on {x} it returned {got}, the number of distinct rows; divide by the number of rows ({n}) to get the fraction {want}.",
            "it": "su {x} ha restituito {got}, il numero di righe distinte; dividete per il numero di righe ({n}) per avere la frazione {want}.",
        },
        "exercises.ch5.distinct.floor": {
            "en": "on {x} it returned {got}, expected {want}: `//` rounds the fraction down to a whole number; use `/`.",
            "it": "su {x} ha restituito {got} invece di {want}: `//` arrotonda la frazione per difetto a un intero; usate `/`.",
        },
        "exercises.ch5.distinct.values": {
            "en": "on {x} it returned {got}, expected {want}: you counted distinct *numbers*; an input is a whole row, so compare rows (as tuples).",
            "it": "su {x} ha restituito {got} invece di {want}: avete contato i *numeri* distinti; un ingresso è una riga intera, quindi confrontate le righe (come tuple).",
        },
        "exercises.ch5.distinct.size": {
            "en": "on {x} it returned {got}, expected {want}: you divided by the number of entries ({size}); divide by the number of rows ({n}).",
            "it": "su {x} ha restituito {got} invece di {want}: avete diviso per il numero di elementi ({size}); dividete per il numero di righe ({n}).",
        },
        "exercises.ch5.distinct.order": {
            "en": "on {x} it returned {got}, expected {want}: rows with the same numbers in another order, like (1, 2) and (2, 1), are different inputs; keep the order (a tuple, not a set or a sorted row).",
            "it": "su {x} ha restituito {got} invece di {want}: righe con gli stessi numeri in un altro ordine, come (1, 2) e (2, 1), sono ingressi diversi; conservate l'ordine (una tupla, non un insieme né una riga ordinata).",
        },
        "exercises.ch5.distinct.columns": {
            "en": "on {x} it returned {got}, expected {want}: you compared the columns; the inputs are the rows.",
            "it": "su {x} ha restituito {got} invece di {want}: avete confrontato le colonne; gli ingressi sono le righe.",
        },
        "exercises.ch5.distinct.complement": {
            "en": "on {x} it returned {got}, expected {want}: that is the share of repeated rows, one minus the distinct fraction.",
            "it": "su {x} ha restituito {got} invece di {want}: è la quota di righe ripetute, uno meno la frazione di distinte.",
        },
        "exercises.ch5.distinct.value": {
            "en": "on {x} it returned {got}, expected {want} (distinct rows divided by the number of rows).",
            "it": "su {x} ha restituito {got} invece di {want} (righe distinte diviso numero di righe).",
        },
        # ----- ex-domains-quantize
        "exercises.ch5.checks.quantize": {
            "en": "the protocol run now on both versions at learning rate 1 over {n} seeds, a change counted beyond two standard errors",
            "it": "il protocollo eseguito ora sulle due versioni con learning rate 1 su {n} seed, un cambiamento contato oltre due errori standard",
        },
        "exercises.ch5.quantize.patches": {
            "en": "patches must be the integer 5×5 photo patches (shape (n, 25), values 0–255), got shape {shape} and dtype {dtype}",
            "it": "patches devono essere le patch di foto 5×5 intere (forma (n, 25), valori 0–255), ricevuti forma {shape} e dtype {dtype}",
        },
        "exercises.ch5.quantize.prediction": {
            "en": "prediction: you said '{got}', the measurement says '{want}'. Share of dead units at learning rate 1, mean over the seeds: {fine} with the photo patches, {coarse} quantized; paired difference {diff} ± {se} (standard error), and a change counts only beyond twice its standard error. λmax of the inputs: {lam_fine} → {lam_coarse}.",
            "it": "prediction: avete risposto '{got}', la misura dice '{want}'. Quota di unità morte con learning rate 1, media sui seed: {fine} con le patch di foto, {coarse} quantizzate; differenza appaiata {diff} ± {se} (errore standard), e un cambiamento conta solo oltre due errori standard. λmax degli ingressi: {lam_fine} → {lam_coarse}.",
        },
        "exercises.ch5.quantize.why_same": {
            "en": "Quantizing removes distinct patches, not the correlation of neighbouring pixels: λmax, what the learning rate is compared with, hardly moves.",
            "it": "Quantizzare toglie patch distinte, non la correlazione fra pixel vicini: λmax, con cui si confronta il learning rate, quasi non si muove.",
        },
        "exercises.ch5.quantize.distinct_format": {
            "en": "distinct must be a pair of numbers (before, after), got {got}.",
            "it": "distinct deve essere una coppia di numeri (prima, dopo), ricevuto {got}.",
        },
        "exercises.ch5.quantize.not_quantized": {
            "en": "distinct: your 'after' value {got} is the one before quantizing (the inputs have {want}): did you measure the quantized task, with `patches // 16` (integer division)?",
            "it": "distinct: il vostro valore 'dopo' {got} è quello prima della quantizzazione (gli ingressi hanno {want}): avete misurato il task quantizzato, con `patches // 16` (divisione intera)?",
        },
        "exercises.ch5.quantize.distinct": {
            "en": "distinct: you answered {got}, the inputs of the two tasks (training and test sets together) have {want}.",
            "it": "distinct: avete risposto {got}, gli ingressi dei due task (addestramento e test insieme) hanno {want}.",
        },
        # ----- ex-domains-threshold
        "exercises.ch5.checks.threshold": {
            "en": "the grid of the sweep, the two thresholds read from it, the ratio of the λmax and the order",
            "it": "la griglia dello sweep, le due soglie lette da esso, il rapporto fra i λmax e l'ordine",
        },
        "exercises.ch5.threshold.not_sweep": {
            "en": "sweep must be the list of runs returned by domains.protocol, got {got}",
            "it": "sweep deve essere la lista di esecuzioni restituita da domains.protocol, ricevuto {got}",
        },
        "exercises.ch5.threshold.not_task": {
            "en": "{part} must be a task of domains (image_task or text_task), got {got}",
            "it": "{part} deve essere un task di domains (image_task o text_task), ricevuto {got}",
        },
        "exercises.ch5.threshold.grid": {
            "en": "the sweep of '{name}' has learning rates {lrs} and seeds {seeds}; the exercise asks for every learning rate of {want_lrs} with seeds [0, 1, 2], once each. Run domains.protocol on these two tasks.",
            "it": "lo sweep di '{name}' ha learning rate {lrs} e seed {seeds}; l'esercizio chiede ogni learning rate di {want_lrs} con i seed [0, 1, 2], una volta ciascuno. Eseguite domains.protocol su questi due task.",
        },
        "exercises.ch5.threshold.format": {
            "en": "{part}: {got} is not a learning rate of the grid {lrs}; write math.inf if no learning rate of the grid kills more than 10 % of the units.",
            "it": "{part}: {got} non è un learning rate della griglia {lrs}; scrivete math.inf se nessun learning rate della griglia uccide più del 10 % delle unità.",
        },
        "exercises.ch5.threshold.swapped": {
            "en": "photo and prose are swapped: each holds the other domain's threshold.",
            "it": "photo e prose sono scambiati: ciascuno contiene la soglia dell'altro dominio.",
        },
        "exercises.ch5.threshold.seeds_max": {
            "en": "{part}: you answered {got}, the threshold is {want}: at {got} only some seed passes 10 %; average the share over the seeds first. Mean share of dead units per learning rate, {curve}.",
            "it": "{part}: avete risposto {got}, la soglia è {want}: a {got} supera il 10 % solo qualche seed; fate prima la media sui seed. Quota media di unità morte per learning rate, {curve}.",
        },
        "exercises.ch5.threshold.nan": {
            "en": "{part}: you answered {got}, the threshold is {want}: a diverged run has no share of dead units (nan) and a plain mean turns it into nan; leave it out (np.nanmean). Mean share per learning rate, {curve}.",
            "it": "{part}: avete risposto {got}, la soglia è {want}: un'esecuzione divergente non ha quota di unità morte (nan) e una media semplice diventa nan; escludetelo (np.nanmean). Quota media per learning rate, {curve}.",
        },
        "exercises.ch5.threshold.below": {
            "en": "{part}: you answered {got}, the threshold is {want}: {got} is the last learning rate that stays at or below 10 %; the question asks for the first one above it. Mean share per learning rate, {curve}.",
            "it": "{part}: avete risposto {got}, la soglia è {want}: {got} è l'ultimo learning rate che resta al 10 % o sotto; la domanda chiede il primo sopra. Quota media per learning rate, {curve}.",
        },
        "exercises.ch5.threshold.value": {
            "en": "{part}: you answered {got}, the threshold is {want}. Mean share of dead units over the seeds per learning rate, {curve}.",
            "it": "{part}: avete risposto {got}, la soglia è {want}. Quota media di unità morte sui seed per learning rate, {curve}.",
        },
        "exercises.ch5.threshold.inverted": {
            "en": "lambda_ratio: you answered {got}, the ratio is {want}: you divided the prose's λmax by the photos'; the exercise asks for photos over prose ({photo} / {prose}).",
            "it": "lambda_ratio: avete risposto {got}, il rapporto è {want}: avete diviso il λmax della prosa per quello delle foto; l'esercizio chiede foto su prosa ({photo} / {prose}).",
        },
        "exercises.ch5.threshold.erank": {
            "en": "lambda_ratio: you answered {got}, the ratio is {want}: that is a ratio of effective ranks; λmax is the largest eigenvalue of the covariance, np.linalg.eigvalsh(np.cov(x_train, rowvar=False))[-1] ({photo} and {prose}).",
            "it": "lambda_ratio: avete risposto {got}, il rapporto è {want}: è un rapporto fra ranghi effettivi; λmax è il più grande autovalore della covarianza, np.linalg.eigvalsh(np.cov(x_train, rowvar=False))[-1] ({photo} e {prose}).",
        },
        "exercises.ch5.threshold.smallest": {
            "en": "lambda_ratio: you answered {got}, the ratio is {want}: you took the smallest eigenvalues; np.linalg.eigvalsh sorts them in increasing order, so λmax is the last one ([-1]).",
            "it": "lambda_ratio: avete risposto {got}, il rapporto è {want}: avete preso gli autovalori più piccoli; np.linalg.eigvalsh li ordina in modo crescente, quindi λmax è l'ultimo ([-1]).",
        },
        "exercises.ch5.threshold.lambda_ratio": {
            "en": "lambda_ratio: you answered {got}, the ratio is {want} (λmax {photo} for the photo patches, {prose} for the prose, on the training inputs).",
            "it": "lambda_ratio: avete risposto {got}, il rapporto è {want} (λmax {photo} per le patch di foto, {prose} per la prosa, sugli ingressi di addestramento).",
        },
        "exercises.ch5.threshold.order_yes": {
            "en": "same_order: you answered {got}, but the larger λmax ({bigger}: {lam_b} against {lam_o}) goes with the smaller threshold ({t_b} against {t_o}), as the geometric argument predicts.",
            "it": "same_order: avete risposto {got}, ma il λmax più grande ({bigger}: {lam_b} contro {lam_o}) va con la soglia più piccola ({t_b} contro {t_o}), come prevede l'argomento geometrico.",
        },
        "exercises.ch5.threshold.order_no": {
            "en": "same_order: you answered {got}, but the larger λmax ({bigger}: {lam_b} against {lam_o}) does not go with a smaller threshold ({t_b} against {t_o} for {other}).",
            "it": "same_order: avete risposto {got}, ma il λmax più grande ({bigger}: {lam_b} contro {lam_o}) non va con una soglia più piccola ({t_b} contro {t_o} per {other}).",
        },
        # ----- ex-transformers-reglu
        "exercises.ch5.checks.reglu": {
            "en": "layers, hidden width and number of weights against the book's SwiGLU, hidden(x) and forward(x) on 1,000 random inputs, share of exact zeros, the unit a sparse kernel can use",
            "it": "strati, ampiezza nascosta e numero di pesi confrontati con la SwiGLU del libro, hidden(x) e forward(x) su 1.000 ingressi casuali, quota di zeri esatti, l'unità che un kernel sparso può sfruttare",
        },
        "exercises.ch5.reglu.not_module": {
            "en": "pass an instance of your module (e.g. ReGLU(32, h)), a torch.nn.Module, got {got}",
            "it": "passate un'istanza del vostro modulo (per esempio ReGLU(32, h)), un torch.nn.Module, ricevuto {got}",
        },
        "exercises.ch5.reglu.layers": {
            "en": "missing {missing}: give the module the layers of transformer.FeedForward, `gate` (nn.Linear without bias), `up` and `down` (nn.Linear), and a method `hidden(x)` that returns the gated hidden values.",
            "it": "manca {missing}: date al modulo gli strati di transformer.FeedForward, `gate` (nn.Linear senza bias), `up` e `down` (nn.Linear), e un metodo `hidden(x)` che restituisca i valori nascosti dopo il gate.",
        },
        "exercises.ch5.reglu.shapes": {
            "en": "the layers do not fit together: gate maps {d} → {g}, up {u}, down {w}; up must map d → hidden like gate, and down hidden → d.",
            "it": "gli strati non combaciano: gate va da {d} a {g}, up {u}, down {w}; up deve andare da d all'ampiezza nascosta come gate, e down dall'ampiezza nascosta a d.",
        },
        "exercises.ch5.reglu.width_relu": {
            "en": "hidden width {got} is the ReLU FFN's 4·d; a gated unit has three matrices instead of two, so the book gives it transformer.ffn_width(\"swiglu\", {d}) = {want}, two thirds of it, to keep the number of weights.",
            "it": "l'ampiezza nascosta {got} è il 4·d della FFN con ReLU; un'unità a gate ha tre matrici invece di due, quindi il libro le dà transformer.ffn_width(\"swiglu\", {d}) = {want}, due terzi, per mantenere il numero di pesi.",
        },
        "exercises.ch5.reglu.width": {
            "en": "hidden width {got}, expected transformer.ffn_width(\"swiglu\", {d}) = {want}.",
            "it": "ampiezza nascosta {got}, attesa transformer.ffn_width(\"swiglu\", {d}) = {want}.",
        },
        "exercises.ch5.reglu.gate_bias": {
            "en": "{got} weights, the book's SwiGLU has {want}: your gate has a bias ({h} numbers more); the SwiGLU gate has none (bias=False).",
            "it": "{got} pesi, la SwiGLU del libro ne ha {want}: il vostro gate ha un bias ({h} numeri in più); il gate della SwiGLU non ne ha (bias=False).",
        },
        "exercises.ch5.reglu.params": {
            "en": "{got} weights, the book's SwiGLU has {want}: compare your layers and biases with transformer.FeedForward(d, h, \"swiglu\").",
            "it": "{got} pesi, la SwiGLU del libro ne ha {want}: confrontate i vostri strati e bias con transformer.FeedForward(d, h, \"swiglu\").",
        },
        "exercises.ch5.reglu.raised": {
            "en": "on a batch of 1,000 random inputs it raised {exc}: {msg}",
            "it": "su un batch di 1.000 ingressi casuali ha sollevato {exc}: {msg}",
        },
        "exercises.ch5.reglu.smooth_gate": {
            "en": "hidden(x) is {act}(gate(x)) * up(x), which is {unit}; ReGLU's gate is a ReLU, max(0, gate(x)), which is what makes exact zeros.",
            "it": "hidden(x) è {act}(gate(x)) * up(x), cioè la {unit}; il gate della ReGLU è una ReLU, max(0, gate(x)), ed è questo a produrre zeri esatti.",
        },
        "exercises.ch5.reglu.relu_of_product": {
            "en": "hidden(x) is max(0, gate(x) * up(x)): the ReLU must act on the gate alone, then multiply up(x), which keeps its sign.",
            "it": "hidden(x) è max(0, gate(x) * up(x)): la ReLU deve agire sul solo gate, poi moltiplicare up(x), che conserva il suo segno.",
        },
        "exercises.ch5.reglu.swapped": {
            "en": "hidden(x) is max(0, up(x)) * gate(x): the ReLU is on the wrong branch; it belongs on `gate`, the layer without bias.",
            "it": "hidden(x) è max(0, up(x)) * gate(x): la ReLU è sul ramo sbagliato; va su `gate`, lo strato senza bias.",
        },
        "exercises.ch5.reglu.not_gated": {
            "en": "hidden(x) is a ReLU of one branch only: multiply max(0, gate(x)) by up(x), element by element.",
            "it": "hidden(x) è la ReLU di un solo ramo: moltiplicate max(0, gate(x)) per up(x), elemento per elemento.",
        },
        "exercises.ch5.reglu.hidden": {
            "en": "hidden(x) (shape {shape}) is not max(0, gate(x)) * up(x) (shape {want}).",
            "it": "hidden(x) (forma {shape}) non è max(0, gate(x)) * up(x) (forma {want}).",
        },
        "exercises.ch5.reglu.forward": {
            "en": "forward(x) (shape {shape}) is not down(hidden(x)) (shape {want}).",
            "it": "forward(x) (forma {shape}) non è down(hidden(x)) (forma {want}).",
        },
        "exercises.ch5.reglu.zeros": {
            "en": "zeros: you measured {got}, but on 1,000 random inputs {want} of the hidden values are exactly zero, (hidden(x) == 0).float().mean(): the ReLU gate is off for about half of them.",
            "it": "zeros: avete misurato {got}, ma su 1.000 ingressi casuali {want} dei valori nascosti sono esattamente zero, (hidden(x) == 0).float().mean(): il gate ReLU è spento per circa metà di essi.",
        },
        "exercises.ch5.reglu.sparse": {
            "en": "sparse: a sparse kernel skips exact zeros; on the same inputs ReGLU's hidden values are {reglu} zeros, SwiGLU's {swiglu}: SiLU(g) is 0 only at g = 0 exactly, so only ReGLU offers zeros to skip.",
            "it": "sparse: un kernel sparso salta gli zeri esatti; sugli stessi ingressi i valori nascosti della ReGLU sono zeri per {reglu}, quelli della SwiGLU per {swiglu}: SiLU(g) vale 0 solo in g = 0 esatto, quindi solo la ReGLU offre zeri da saltare.",
        },
        # ----- ex-transformers-prune
        "exercises.ch5.checks.prune": {
            "en": "the dead units of the second block on the validation tokens, and the validation loss with them and with as many live units pruned",
            "it": "le unità morte del secondo blocco sui token di validazione, e la loss di validazione dopo aver potato quelle unità e altrettante unità vive",
        },
        "exercises.ch5.prune.not_model": {
            "en": "model must be a transformer.TinyLM (e.g. run.model), got {got}",
            "it": "model deve essere un transformer.TinyLM (per esempio run.model), ricevuto {got}",
        },
        "exercises.ch5.prune.blocks": {
            "en": "the model has {n} block(s); the exercise prunes the second block",
            "it": "il modello ha {n} blocco/i; l'esercizio pota il secondo blocco",
        },
        "exercises.ch5.prune.not_relu": {
            "en": "this is a '{kind}' model: take a ReLU run (r.kind == \"relu\"); only ReLU units output exact zeros.",
            "it": "questo è un modello '{kind}': prendete un'esecuzione ReLU (r.kind == \"relu\"); solo le unità ReLU danno zeri esatti.",
        },
        "exercises.ch5.prune.none_dead": {
            "en": "this model has no dead unit in the second block: take the ReLU run with the most of them, max(..., key=lambda r: r.ffn[1].dead).",
            "it": "questo modello non ha unità morte nel secondo blocco: prendete l'esecuzione ReLU che ne ha di più, max(..., key=lambda r: r.ffn[1].dead).",
        },
        "exercises.ch5.prune.format": {
            "en": "dead must list unit indices (distinct integers from 0 to {n} - 1) or be a boolean mask of {n} values, got {got}.",
            "it": "dead deve elencare indici di unità (interi distinti da 0 a {n} - 1) o essere una maschera booleana di {n} valori, ricevuto {got}.",
        },
        "exercises.ch5.prune.inverted": {
            "en": "dead: you found {got} units, the dead ones are {want} ({units}): you took the units that fire.",
            "it": "dead: avete trovato {got} unità, quelle morte sono {want} ({units}): avete preso le unità che si accendono.",
        },
        "exercises.ch5.prune.block": {
            "en": "dead: you found {got} units, the dead ones are {want} ({units}): these are the first block's; the exercise asks for the second, blocks.1.ffn.act.",
            "it": "dead: avete trovato {got} unità, quelle morte sono {want} ({units}): queste sono del primo blocco; l'esercizio chiede il secondo, blocks.1.ffn.act.",
        },
        "exercises.ch5.prune.any": {
            "en": "dead: you found {got} units, the dead ones are {want} ({units}): you took the units off on *some* token; a dead unit is off on *every* token.",
            "it": "dead: avete trovato {got} unità, quelle morte sono {want} ({units}): avete preso le unità spente su *qualche* token; un'unità morta è spenta su *ogni* token.",
        },
        "exercises.ch5.prune.dead": {
            "en": "dead: you found {got} units, the dead ones on the validation tokens (transformer.validation_batch) are {want}: {units}.",
            "it": "dead: avete trovato {got} unità, quelle morte sui token di validazione (transformer.validation_batch) sono {want}: {units}.",
        },
        "exercises.ch5.prune.dead_changes_no": {
            "en": "dead_changes: you predicted {got}, but pruning the {k} dead units leaves the validation loss exactly at {base}: their hidden value is 0 on every validation token, so their columns of down.weight only ever multiply 0.",
            "it": "dead_changes: avete previsto {got}, ma potare le {k} unità morte lascia la loss di validazione esattamente a {base}: il loro valore nascosto è 0 su ogni token di validazione, quindi le loro colonne di down.weight moltiplicano sempre 0.",
        },
        "exercises.ch5.prune.dead_changes_yes": {
            "en": "dead_changes: you predicted {got}, but pruning the {k} dead units moves the validation loss from {base} to {after}.",
            "it": "dead_changes: avete previsto {got}, ma potare le {k} unità morte sposta la loss di validazione da {base} a {after}.",
        },
        "exercises.ch5.prune.live_changes_yes": {
            "en": "live_changes: you predicted {got}, but pruning {k} live units (drawn with seed 0) moves the validation loss from {base} to {after}: a live unit contributes on the tokens where it fires.",
            "it": "live_changes: avete previsto {got}, ma potare {k} unità vive (estratte con seed 0) sposta la loss di validazione da {base} a {after}: un'unità viva contribuisce sui token dove si accende.",
        },
        "exercises.ch5.prune.live_changes_no": {
            "en": "live_changes: you predicted {got}, but pruning {k} live units (drawn with seed 0) leaves the validation loss at {base}.",
            "it": "live_changes: avete previsto {got}, ma potare {k} unità vive (estratte con seed 0) lascia la loss di validazione a {base}.",
        },
        # ----- ex-transformers-steps
        "exercises.ch5.checks.steps": {
            "en": "dead units of the second block at learning rates 0.02 and 0.01, seed 0, within 2 units counted as the same",
            "it": "unità morte del secondo blocco con learning rate 0,02 e 0,01, seed 0, entro 2 unità contate come uguali",
        },
        "exercises.ch5.steps.not_runs": {
            "en": "{part} must be a list of runs returned by transformer.compare_ffn, got {got}",
            "it": "{part} deve essere una lista di esecuzioni restituita da transformer.compare_ffn, ricevuto {got}",
        },
        "exercises.ch5.steps.settings": {
            "en": "{part} has no {kind} run with seed 0 and learning rate {lr}: train it with transformer.compare_ffn(..., kinds=[\"relu\", \"swiglu\"], seeds=[0], lr=...).",
            "it": "{part} non ha un'esecuzione {kind} con seed 0 e learning rate {lr}: addestratelo con transformer.compare_ffn(..., kinds=[\"relu\", \"swiglu\"], seeds=[0], lr=...).",
        },
        "exercises.ch5.steps.wrong": {
            "en": "{part}: you predicted '{got}', the measurement says '{want}': {new} of {hidden} units of the second block are dead at learning rate 0.02, {old} at 0.01 (seed 0).",
            "it": "{part}: avete previsto '{got}', la misura dice '{want}': {new} unità su {hidden} del secondo blocco sono morte con learning rate 0,02, {old} con 0,01 (seed 0).",
        },
        "exercises.ch5.steps.why_relu": {
            "en": "A larger step can push a unit's pre-activation below zero on every token; a dead ReLU unit then gets no gradient and cannot come back.",
            "it": "Un passo più grande può spingere la pre-attivazione di un'unità sotto zero su ogni token; un'unità ReLU morta non riceve più gradiente e non può tornare.",
        },
        "exercises.ch5.steps.why_swiglu": {
            "en": "A SwiGLU unit's gate SiLU(g) still has a gradient for g < 0, and its up branch keeps learning: units rarely stay off for good.",
            "it": "Il gate SiLU(g) di un'unità SwiGLU ha ancora gradiente per g < 0, e il suo ramo up continua a imparare: le unità restano spente per sempre di rado.",
        },
        # ----- ex-gans-coverage
        "exercises.ch5.gan.not_runs": {
            "en": "pass the list of runs returned by gan.train_gan, got {got}",
            "it": "passate la lista di esecuzioni restituita da gan.train_gan, ricevuto {got}",
        },
        "exercises.ch5.checks.modes": {
            "en": "{n} sets of 1,000 points built to catch the usual slips, points unchanged",
            "it": "{n} insiemi di 1.000 punti costruiti per cogliere gli errori tipici, punti intatti",
        },
        "exercises.ch5.checks.modes_runs": {
            "en": "the final samples of {n} runs against their recorded modes_covered",
            "it": "i campioni finali di {n} esecuzioni confrontati con il loro modes_covered registrato",
        },
        "exercises.ch5.modes.case_all": {
            "en": "125 points at 0.05 from each of the 8 centres",
            "it": "125 punti a 0,05 da ciascuno degli 8 centri",
        },
        "exercises.ch5.modes.case_two": {
            "en": "{a} points at 0.05 from centre 0 and {b} at 0.05 from centre 3",
            "it": "{a} punti a 0,05 dal centro 0 e {b} a 0,05 dal centro 3",
        },
        "exercises.ch5.modes.case_ring": {
            "en": "500 points at 0.25 from centre 1 and 500 at 0.12 from centre 5",
            "it": "500 punti a 0,25 dal centro 1 e 500 a 0,12 dal centro 5",
        },
        "exercises.ch5.modes.case_far": {
            "en": "600 points at 0.05 from centre 2 and 400 at 0.5 from centre 6",
            "it": "600 punti a 0,05 dal centro 2 e 400 a 0,5 dal centro 6",
        },
        "exercises.ch5.modes.case_centre": {
            "en": "1,000 points around the origin, 2 away from every centre",
            "it": "1.000 punti intorno all'origine, a 2 da ogni centro",
        },
        "exercises.ch5.modes.where_run": {
            "en": "the samples of slope {slope}, seed {seed}",
            "it": "i campioni della pendenza {slope}, seed {seed}",
        },
        "exercises.ch5.modes.raised": {
            "en": "on {where} it raised {exc}: {msg}",
            "it": "su {where} ha sollevato {exc}: {msg}",
        },
        "exercises.ch5.modes.mutated": {
            "en": "on {where} it changed the points it was given; work on a copy.",
            "it": "su {where} ha modificato i punti ricevuti; lavorate su una copia.",
        },
        "exercises.ch5.modes.pair": {
            "en": "on {where} it returned {got}, a pair: gan.mode_coverage returns (modes, quality); your function must return the number of modes only.",
            "it": "su {where} ha restituito {got}, una coppia: gan.mode_coverage restituisce (mode, qualità); la vostra funzione deve restituire solo il numero di mode.",
        },
        "exercises.ch5.modes.type": {
            "en": "on {where} it returned {got}; return the number of modes covered, a whole number.",
            "it": "su {where} ha restituito {got}; restituite il numero di mode coperte, un intero.",
        },
        "exercises.ch5.modes.radius_std": {
            "en": "on {where} it returned {got}, expected {want}: you kept the points within one standard deviation (0.1) of a centre; the measure keeps those within 3 standard deviations, 0.3.",
            "it": "su {where} ha restituito {got} invece di {want}: avete tenuto i punti entro una deviazione standard (0,1) da un centro; la misura tiene quelli entro 3 deviazioni standard, 0,3.",
        },
        "exercises.ch5.modes.radius_default": {
            "en": "on {where} it returned {got}, expected {want}: you kept the points within 0.15 of a centre, 3 × 0.05, the default std of gan.mode_coverage; the chapter's GAN has std = 0.1, so the radius is 0.3.",
            "it": "su {where} ha restituito {got} invece di {want}: avete tenuto i punti entro 0,15 da un centro, 3 × 0,05, lo std predefinito di gan.mode_coverage; la GAN del capitolo ha std = 0,1, quindi il raggio è 0,3.",
        },
        "exercises.ch5.modes.strict": {
            "en": "on {where} it returned {got}, expected {want}: a mode with exactly 10 points counts ('at least 10': >= 10, not > 10).",
            "it": "su {where} ha restituito {got} invece di {want}: una moda con esattamente 10 punti conta ('almeno 10': >= 10, non > 10).",
        },
        "exercises.ch5.modes.any_point": {
            "en": "on {where} it returned {got}, expected {want}: a mode needs at least 10 points, not one.",
            "it": "su {where} ha restituito {got} invece di {want}: una moda ha bisogno di almeno 10 punti, non di uno.",
        },
        "exercises.ch5.modes.no_filter": {
            "en": "on {where} it returned {got}, expected {want}: you gave every point to its nearest centre, however far; keep only the points within 0.3 of it.",
            "it": "su {where} ha restituito {got} invece di {want}: avete assegnato ogni punto al centro più vicino, per quanto lontano; tenete solo i punti entro 0,3 da esso.",
        },
        "exercises.ch5.modes.value": {
            "en": "on {where} it returned {got}, expected {want}.",
            "it": "su {where} ha restituito {got} invece di {want}.",
        },
        "exercises.ch5.modes.runs": {
            "en": "on {where} you counted {got} modes, the run recorded {want}.",
            "it": "su {where} avete contato {got} mode, l'esecuzione ne ha registrate {want}.",
        },
        # ----- ex-gans-correlation
        "exercises.ch5.checks.corr": {
            "en": "correlations recomputed from the {n} runs, and the sign against the 5 % critical value",
            "it": "correlazioni ricalcolate dalle {n} esecuzioni, e il segno confrontato con il valore critico al 5 %",
        },
        "exercises.ch5.corr.not_mapping": {
            "en": "correlations must be a dictionary: slope (e.g. 0.0, 0.2) or \"all\" -> correlation",
            "it": "correlations deve essere un dizionario: pendenza (per esempio `0.0`, `0.2`) o \"all\" -> correlazione",
        },
        "exercises.ch5.corr.not_final": {
            "en": "{part}: you answered {got}, the correlation is {want}: you averaged the dead share over the whole training; use the final one, dead_share[:, -1].",
            "it": "{part}: avete risposto {got}, la correlazione è {want}: avete fatto la media della quota di morte su tutto l'addestramento; usate quella finale, dead_share[:, -1].",
        },
        "exercises.ch5.corr.quality": {
            "en": "{part}: you answered {got}, the correlation is {want}: you used quality (points on a mode); the exercise asks for modes_covered.",
            "it": "{part}: avete risposto {got}, la correlazione è {want}: avete usato quality (punti su una moda); l'esercizio chiede modes_covered.",
        },
        "exercises.ch5.corr.sign": {
            "en": "{part}: you answered {got}, the correlation is {want}: the sign is flipped.",
            "it": "{part}: avete risposto {got}, la correlazione è {want}: il segno è invertito.",
        },
        "exercises.ch5.corr.constant": {
            "en": "{part}: you answered {got}, but one of the two quantities is the same for every seed, so the correlation is undefined: nan.",
            "it": "{part}: avete risposto {got}, ma una delle due grandezze è uguale per ogni seed, quindi la correlazione non è definita: nan.",
        },
        "exercises.ch5.corr.value": {
            "en": "{part}: you answered {got}, the correlation is {want} (Pearson, final dead share against modes covered).",
            "it": "{part}: avete risposto {got}, la correlazione è {want} (Pearson, quota finale di morte contro mode coperte).",
        },
        "exercises.ch5.corr.prediction": {
            "en": "prediction: you said '{got}', the answer is '{want}': over all {n} runs r = {r}, and to differ from 0 at the 5 % level a correlation of {n} points must exceed {critical} in size (Fisher's z: tanh(1.96/√(n − 3))).",
            "it": "prediction: avete risposto '{got}', la risposta è '{want}': sull'insieme delle {n} esecuzioni r = {r}, e per differire da 0 al livello del 5 % una correlazione su {n} punti deve superare {critical} in valore assoluto (z di Fisher: tanh(1,96/√(n − 3))).",
        },
        "exercises.ch5.corr.why_none": {
            "en": "An association this weak can change sign from one set of seeds to the next.",
            "it": "Un'associazione così debole può cambiare segno da un insieme di seed all'altro.",
        },
        # ----- ex-gans-slope
        "exercises.ch5.checks.slope": {
            "en": "final dead shares over the shared seeds, and modes covered against the range of the other slopes",
            "it": "quote finali di unità morte sui seed in comune, e mode coperte confrontate con l'intervallo delle altre pendenze",
        },
        "exercises.ch5.slope.no_others": {
            "en": "runs holds no slope other than {slope}: pass the chapter's runs (slopes 0.0 and 0.2)",
            "it": "runs non contiene pendenze diverse da {slope}: passate le esecuzioni del capitolo (pendenze 0,0 e 0,2)",
        },
        "exercises.ch5.slope.no_common": {
            "en": "the run of slope {slope} has seeds {other}, none of the seeds {seeds} of slope 0.01",
            "it": "l'esecuzione di pendenza {slope} ha i seed {other}, nessuno dei seed {seeds} della pendenza 0,01",
        },
        "exercises.ch5.slope.settings": {
            "en": "this run has slope {got}; the exercise asks for a discriminator of slope {want}: gan.train_gan([0.01], seeds=[0, 1, 2, 3], **setup).",
            "it": "questa esecuzione ha pendenza {got}; l'esercizio chiede un discriminatore di pendenza {want}: gan.train_gan([0.01], seeds=[0, 1, 2, 3], **setup).",
        },
        "exercises.ch5.slope.listing": {
            "en": "{dead} with slope {slope}",
            "it": "{dead} con pendenza {slope}",
        },
        "exercises.ch5.slope.closer_to": {
            "en": "closer_to: you said {got}, the answer is {want}: over seeds {seeds} the slope-0.01 discriminator ends with {small} of its units dead, against {others}.",
            "it": "closer_to: avete risposto {got}, la risposta è {want}: sui seed {seeds} il discriminatore con pendenza 0,01 finisce con {small} delle sue unità morte, contro {others}.",
        },
        "exercises.ch5.slope.why_relu": {
            "en": "A small leak does not keep pre-activations positive: the units go negative as with ReLU, they only keep a hundredth of the gradient.",
            "it": "Una piccola perdita non tiene positive le pre-attivazioni: le unità vanno in negativo come con la ReLU, conservano solo un centesimo del gradiente.",
        },
        "exercises.ch5.slope.not_final": {
            "en": "dead: you answered {got}, the mean final share is {want}: you averaged over every checkpoint; take the last one, dead_share[:, -1].",
            "it": "dead: avete risposto {got}, la quota finale media è {want}: avete fatto la media su tutti i punti di controllo; prendete l'ultimo, dead_share[:, -1].",
        },
        "exercises.ch5.slope.dead": {
            "en": "dead: you answered {got}, the mean final share of dead units of slope 0.01 over its seeds is {want}.",
            "it": "dead: avete risposto {got}, la quota finale media di unità morte della pendenza 0,01 sui suoi seed è {want}.",
        },
        "exercises.ch5.slope.modes_in": {
            "en": "modes_within_spread: you answered {got}, but slope 0.01 covers {m} modes on average, within the range {lo}–{hi} of the other runs' seeds.",
            "it": "modes_within_spread: avete risposto {got}, ma la pendenza 0,01 copre in media {m} mode, dentro l'intervallo {lo}–{hi} dei seed delle altre esecuzioni.",
        },
        "exercises.ch5.slope.modes_out": {
            "en": "modes_within_spread: you answered {got}, but slope 0.01 covers {m} modes on average, outside the range {lo}–{hi} of the other runs' seeds.",
            "it": "modes_within_spread: avete risposto {got}, ma la pendenza 0,01 copre in media {m} mode, fuori dall'intervallo {lo}–{hi} dei seed delle altre esecuzioni.",
        },
        "exercises.ch5.slope.your_dead": {
            "en": "(the share the `dead` part asks for)",
            "it": "(la quota richiesta dalla parte `dead`)",
        },
    }
)
