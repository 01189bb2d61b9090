"""Checkers for the exercises of Chapter 6, the ReLU family (``06_variants``) and the variants
compared (``06b_variants_compared``)."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import torch

from .._checks import check_int_list
from ..i18n import register, t
from .core import (
    Feedback,
    Problem,
    _brief,
    _call,
    _ch5_number,
    _check_callable,
    _feedback,
    _grad_at,
    _guarded,
    _name,
    _show,
    _show_array,
    check_answers,
    check_elementwise,
    register_exercise,
)

__all__ = [
    "check_hard_sigmoid",
    "check_hard_swish",
    "check_variant_gradients",
    "check_selu_fixed_points",
    "check_sign_test",
    "check_fixed_slope",
    "mlp_params",
    "check_equal_param_widths",
]




def _hard_sigmoid_reference(x: np.ndarray) -> np.ndarray:
    return torch.nn.functional.hardsigmoid(torch.from_numpy(np.asarray(x, dtype=np.float64))).numpy()


def _hard_swish_reference(x: np.ndarray) -> np.ndarray:
    return torch.nn.functional.hardswish(torch.from_numpy(np.asarray(x, dtype=np.float64))).numpy()


_HARD_HINTS = {"zero": "exercises.hint.hard_zero", "mutated": "exercises.hint.mutated", "aliased": "exercises.hint.mutated",
               "nan_lost": "exercises.hint.nan_lost", "nan_created": "exercises.hint.nan_created"}


@_guarded
def check_hard_sigmoid(fn: Callable) -> Feedback:
    """Exercise ex-variants-1: a numpy Hard-Sigmoid, ``ReLU6(x + 3) / 6``, against ``F.hardsigmoid`` (float64 result)."""
    return check_elementwise(fn, _hard_sigmoid_reference, dtypes=("float64", "int32"), hints=_HARD_HINTS)


@_guarded
def check_hard_swish(fn: Callable) -> Feedback:
    """Exercise ex-variants-1: a numpy Hard-Swish, ``x * HardSigmoid(x)``, against ``F.hardswish`` (float64 result)."""
    return check_elementwise(fn, _hard_swish_reference, dtypes=("float64", "int32"), hints=_HARD_HINTS)


@_guarded
def check_variant_gradients(*, hardswish: Sequence[float] | None = None, selu_at_0: float | None = None) -> Feedback:
    """Exercise ex-variants-2: predicted autograd gradients of Hard-Swish at -3, 0, 3 and of SELU at 0 (computed live)."""
    F = torch.nn.functional
    truth = {"hardswish": _grad_at(F.hardswish, [-3.0, 0.0, 3.0]).tolist(), "selu_at_0": float(_grad_at(F.selu, [0.0])[0])}
    answers = {k: v for k, v in (("hardswish", hardswish), ("selu_at_0", selu_at_0)) if v is not None}
    explain = {"hardswish": t("exercises.variants.why_hardswish"), "selu_at_0": t("exercises.variants.why_selu")}
    return check_answers(answers, truth, explain=explain, rtol=1e-3, atol=1e-3)


@_guarded
def check_selu_fixed_points(*, tau_09: float | None = None, tau_11: float | None = None, layers: int = 200) -> Feedback:
    """Exercise ex-variants-3: where SELU's variance settles after ``layers`` layers from ν = 1, for τ = 0.9 and 1.1.

    Computed live with :func:`relulab.variants.selu_moment_map` (mean 0); an answer passes within 1 %.
    """
    from .. import variants
    from .._checks import check_int_in

    layers = check_int_in(layers, "layers", 1, 10_000)
    truth = {}
    for part, tau in (("tau_09", 0.9), ("tau_11", 1.1)):
        nu = 1.0
        for _ in range(layers):
            nu = float(variants.selu_moment_map(0.0, nu, tau=tau)[1])
        truth[part] = nu
    answers = {k: v for k, v in (("tau_09", tau_09), ("tau_11", tau_11)) if v is not None}
    explain = {p: t("exercises.variants.why_fixed_point", side=t("exercises.variants.below" if p == "tau_09" else "exercises.variants.above"))
               for p in truth}
    return check_answers(answers, truth, explain=explain, rtol=1e-2, atol=1e-3)




@_guarded
def check_sign_test(fn: Callable) -> Feedback:
    """Exercise ex-variants-compared-1: ``fn(diff)``, the one-sided sign-test p-value of paired differences.

    The probability of at least as many positive differences as observed if
    each seed were a fair coin (every seed counts, a tie counts against).
    Tried on differences with 5 of 5, 4 of 5, 0 of 5 and 7 of 10 positive.
    """
    _check_callable(fn, "fn")
    cases = [np.array([0.1, 0.2, 0.05, 0.3, 0.01]), np.array([0.1, -0.2, 0.05, 0.3, 0.01]),
             -np.array([0.1, 0.2, 0.05, 0.3, 0.01]), np.array([1, 2, -1, 3, 4, -2, 5, 6, -3, 7], dtype=float)]
    problems: list[Problem] = []
    for diff in cases:
        n, wins = diff.size, int((diff > 0).sum())
        want = sum(math.comb(n, j) for j in range(wins, n + 1)) / 2**n
        try:
            raw = _call(fn, diff.copy())
        except Exception as exc:
            problems.append(Problem("raised", t("exercises.sign.raised", diff=_show_array(diff), exc=type(exc).__name__, msg=str(exc)[:160])))
            break
        got = _ch5_number(raw, finite=False)
        if got is None:
            problems.append(Problem("type", t("exercises.sign.type", diff=_show_array(diff), got=_brief(raw))))
            break
        if math.isclose(got, want, rel_tol=1e-9):
            continue
        strict = sum(math.comb(n, j) for j in range(wins + 1, n + 1)) / 2**n
        lower = sum(math.comb(n, j) for j in range(0, wins + 1)) / 2**n
        if math.isclose(got, min(1.0, 2 * want), rel_tol=1e-9):
            key = "exercises.sign.two_sided"
        elif math.isclose(got, strict, rel_tol=1e-9, abs_tol=1e-12):
            key = "exercises.sign.strict"
        elif math.isclose(got, lower, rel_tol=1e-9):
            key = "exercises.sign.lower"
        else:
            key = "exercises.sign.value"
        problems.append(Problem("value", t(key, diff=_show_array(diff), wins=wins, n=n, got=f"{got:.4g}", want=f"{want:.4g}")))
        break
    return _feedback(_name(fn), problems, [t("exercises.checks.sign")])


def mlp_params(widths: Sequence[int]) -> int:
    """Parameters (weights and biases) of a fully connected network with these layer widths."""
    widths = check_int_list(widths, "widths", 1, min_len=2)
    return sum(a * b + b for a, b in zip(widths[:-1], widths[1:]))


@_guarded
def check_equal_param_widths(comparison: object, *, crelu: int | None = None, maxout: int | None = None) -> Feedback:
    """Exercise ex-variants-compared-3: the width ``w`` of a ReLU MLP 64-w-w-10 with about the parameters of each variant.

    The targets are the parameter counts stored in ``comparison.results[key].params``;
    the answer is the ``w`` whose count is closest (weights and biases counted).
    """
    results = getattr(comparison, "results", None)
    if not isinstance(results, Mapping):
        raise TypeError(t("exercises.widths.not_comparison", got=type(comparison).__name__))
    problems: list[Problem] = []
    answers = {"crelu": crelu, "maxout": maxout}
    for key, w in answers.items():
        if key not in results:
            raise ValueError(t("exercises.widths.no_result", variant=key))
        target = int(results[key].params)
        best = min(range(1, 1000), key=lambda v: abs(mlp_params([64, v, v, 10]) - target))
        if w is None:
            problems.append(Problem("missing", t("exercises.answers.missing", part=key)))
            continue
        from .._checks import check_int_in

        w = check_int_in(w, key, 1)
        if w != best:
            weights_only = sum(a * b for a, b in zip([64, w, w], [w, w, 10]))
            key_msg = "exercises.widths.no_bias" if abs(weights_only - target) < abs(mlp_params([64, w, w, 10]) - target) else "exercises.widths.value"
            problems.append(Problem(key, t(key_msg, part=key, w=w, params=mlp_params([64, w, w, 10]), target=target)))
    return _feedback(t("exercises.your_answers"), problems, [t("exercises.checks.widths")])


#: Exercise ex-variants-compared-2: the fixed negative slope to train, and how close a prediction must come (points).
FIXED_SLOPE: float = 0.25
FIXED_SLOPE_TOLERANCE: float = 5.0
#: Answers of the ``matters`` part of :func:`check_fixed_slope`.
FIXED_SLOPE_CHOICES: tuple[str, ...] = ("size", "learning")


@_guarded
def check_fixed_slope(res: object, deep: object, data: object, *, prediction: float | None = None,
                      matters: str | None = None) -> Feedback:
    """Exercise ex-variants-compared-2: Leaky ReLU with a fixed slope 0.25 in the comparison's network.

    ``res`` is your :class:`relulab.variants.TrainResult`; the checker trains the
    same setting live (the network, seeds, epochs, learning rate and batch size
    of ``deep``, ``init="gain"``, on ``data``) and compares the accuracies
    seed by seed. ``prediction`` is the mean test accuracy you predicted, in
    percent; it passes within 5 points of the measured mean. ``matters`` is
    ``"size"`` if the fixed slope lands closer to PReLU (learned slopes starting
    at 0.25) than to Leaky ReLU with ``a = 0.01``, else ``"learning"``.

    Problem kinds: ``activation``, ``seeds``, ``epochs``, ``slope``, ``setup``
    (your run), ``prediction``, ``matters``, ``missing``.
    """
    from .. import variants

    results = getattr(deep, "results", None)
    if not isinstance(results, Mapping) or not hasattr(deep, "widths") or not hasattr(deep, "settings"):
        raise TypeError(t("exercises.widths.not_comparison", got=type(deep).__name__))
    for key in ("relu", "leaky_relu", "prelu"):
        if key not in results:
            raise ValueError(t("exercises.more.slope.no_result", variant=key))
    if not isinstance(res, variants.TrainResult):
        raise TypeError(t("exercises.more.slope.not_result", got=type(res).__name__))
    if not all(hasattr(data, a) for a in ("x_train", "y_train", "x_test", "y_test")):
        raise TypeError(t("exercises.more.slope.not_data", got=type(data).__name__))
    if prediction is not None:
        from .._checks import check_scalar_in

        prediction = check_scalar_in(prediction, "prediction", 0.0, 100.0)
        if prediction <= 1.0:
            raise ValueError(t("exercises.more.slope.percent", got=_show(prediction)))
    if matters is not None and matters not in FIXED_SLOPE_CHOICES:
        raise ValueError(t("exercises.more.slope.choice", got=repr(matters)))

    seeds = list(results["relu"].seeds)
    settings = deep.settings
    model = variants.SeedBatchMLP(deep.widths, "leaky_relu", seeds, init="gain", params={"negative_slope": FIXED_SLOPE})
    truth = variants.train_seeds(model, data, optimizer=settings.get("optimizer", "adam"), epochs=settings["epochs"],
                                 lr=settings["lr"], batch_size=settings["batch_size"])
    problems: list[Problem] = []
    got_acc = np.asarray(res.test_acc, dtype=np.float64)
    if got_acc.shape != truth.test_acc.shape or not np.allclose(got_acc, truth.test_acc, rtol=1e-9, atol=1e-12, equal_nan=True):
        if res.key != "leaky_relu":
            problems.append(Problem("activation", t("exercises.more.slope.activation", got=res.key)))
        elif list(res.seeds) != seeds:
            problems.append(Problem("seeds", t("exercises.more.slope.seeds", got=list(res.seeds), want=seeds)))
        elif len(res.epoch_seconds) != settings["epochs"]:
            problems.append(Problem("epochs", t("exercises.more.slope.epochs", got=len(res.epoch_seconds),
                                                want=settings["epochs"])))
        elif got_acc.shape == results["leaky_relu"].test_acc.shape and np.allclose(got_acc, results["leaky_relu"].test_acc):
            problems.append(Problem("slope", t("exercises.more.slope.default_slope", a=_show(FIXED_SLOPE))))
        else:
            problems.append(Problem("setup", t("exercises.more.slope.setup", lr=_show(settings["lr"]),
                                               batch=settings["batch_size"], widths=deep.widths)))
    mean = 100 * float(np.nanmean(truth.test_acc))
    sd = 100 * float(np.nanstd(truth.test_acc))
    leaky = 100 * float(np.nanmean(results["leaky_relu"].test_acc))
    prelu = 100 * float(np.nanmean(results["prelu"].test_acc))
    numbers = dict(mean=f"{mean:.1f}", sd=f"{sd:.1f}", leaky=f"{leaky:.1f}", prelu=f"{prelu:.1f}")
    if prediction is None:
        problems.append(Problem("missing", t("exercises.answers.missing", part="prediction")))
    elif abs(prediction - mean) > FIXED_SLOPE_TOLERANCE:
        problems.append(Problem("prediction", t("exercises.more.slope.prediction", got=f"{prediction:.1f}",
                                                tol=f"{FIXED_SLOPE_TOLERANCE:g}", n=len(seeds), **numbers)))
    want = "size" if abs(mean - prelu) < abs(mean - leaky) else "learning"
    if matters is None:
        problems.append(Problem("missing", t("exercises.answers.missing", part="matters")))
    elif matters != want:
        problems.append(Problem("matters", t(f"exercises.more.slope.matters_{want}", got=matters, **numbers)))
    return _feedback(t("exercises.your_answers"), problems, [t("exercises.more.checks.slope", n=len(seeds))])


# --------------------------------------------------------------------------- registry

register_exercise("ex-variants-1", "06_variants", check_hard_sigmoid, check_hard_swish)
register_exercise("ex-variants-2", "06_variants", check_variant_gradients)
register_exercise("ex-variants-3", "06_variants", check_selu_fixed_points)
register_exercise("ex-variants-compared-1", "06b_variants_compared", check_sign_test)
register_exercise("ex-variants-compared-2", "06b_variants_compared", check_fixed_slope)
register_exercise("ex-variants-compared-3", "06b_variants_compared", check_equal_param_widths)


# --------------------------------------------------------------------------- messages

register(
    {
        "exercises.more.slope.no_result": {
            "en": "the comparison has no result for {variant}: pass deep, trained on the whole family",
            "it": "il confronto non ha un risultato per {variant}: passate deep, addestrato su tutta la famiglia",
        },
        "exercises.more.slope.not_result": {
            "en": "res must be the TrainResult returned by V.train_seeds, got {got}",
            "it": "res deve essere il TrainResult restituito da V.train_seeds, ricevuto {got}",
        },
        "exercises.more.slope.not_data": {
            "en": "data must be the digits split the comparison was trained on (relulab.data.digits), got {got}",
            "it": "data deve essere la suddivisione delle cifre su cui è stato addestrato il confronto (relulab.data.digits), ricevuto {got}",
        },
        "exercises.more.slope.percent": {
            "en": "give the predicted accuracy in percent (e.g. 85 for 85 %), got {got}",
            "it": "date l'accuratezza prevista in percentuale (per esempio 85 per l'85 %), ricevuto {got}",
        },
        "exercises.more.slope.choice": {
            "en": "matters must be 'size' or 'learning', got {got}",
            "it": "matters deve essere 'size' o 'learning', ricevuto {got}",
        },
        "exercises.more.checks.slope": {
            "en": "your run against the same setting trained live, {n} seeds, and your two answers",
            "it": "il vostro addestramento confrontato con la stessa configurazione addestrata ora, {n} seed, e le vostre due risposte",
        },
        "exercises.more.slope.activation": {
            "en": "your result is for '{got}'; the exercise trains 'leaky_relu' with a fixed slope.",
            "it": "il vostro risultato è di '{got}'; l'esercizio addestra 'leaky_relu' con una pendenza fissa.",
        },
        "exercises.more.slope.seeds": {
            "en": "your run used the seeds {got}; the comparison used {want}, and a paired comparison needs the same ones.",
            "it": "il vostro addestramento ha usato i seed {got}; il confronto ha usato {want}, e un confronto appaiato richiede gli stessi.",
        },
        "exercises.more.slope.epochs": {
            "en": "your run lasted {got} epochs; the comparison trained for {want}.",
            "it": "il vostro addestramento è durato {got} epoche; il confronto ne ha fatte {want}.",
        },
        "exercises.more.slope.default_slope": {
            "en": "these are the accuracies of Leaky ReLU with the default slope 0.01: pass params={{\"negative_slope\": {a}}}.",
            "it": "queste sono le accuratezze della Leaky ReLU con la pendenza predefinita 0,01: passate params={{\"negative_slope\": {a}}}.",
        },
        "exercises.more.slope.setup": {
            "en": "your accuracies differ from those of the comparison's setting: network {widths}, init=\"gain\", Adam with lr = {lr}, batches of {batch}, the same data.",
            "it": "le vostre accuratezze differiscono da quelle della configurazione del confronto: rete {widths}, init=\"gain\", Adam con lr = {lr}, batch da {batch}, gli stessi dati.",
        },
        "exercises.more.slope.prediction": {
            "en": "prediction: you predicted {got} %, the {n} seeds give {mean} ± {sd} % (within {tol} points counts as right); for reference Leaky ReLU with a = 0.01 reached {leaky} % and PReLU {prelu} %.",
            "it": "prediction: avete previsto {got} %, i {n} seed danno {mean} ± {sd} % (entro {tol} punti la previsione è giusta); per confronto la Leaky ReLU con a = 0,01 ha raggiunto {leaky} % e la PReLU {prelu} %.",
        },
        "exercises.more.slope.matters_size": {
            "en": "matters: you said '{got}', but a fixed slope of 0.25 reaches {mean} %, closer to PReLU ({prelu} %) than to Leaky ReLU with a = 0.01 ({leaky} %): here the size of the slope matters ('size').",
            "it": "matters: avete risposto '{got}', ma una pendenza fissa di 0,25 arriva al {mean} %, più vicino alla PReLU ({prelu} %) che alla Leaky ReLU con a = 0,01 ({leaky} %): qui conta la grandezza della pendenza ('size').",
        },
        "exercises.more.slope.matters_learning": {
            "en": "matters: you said '{got}', but a fixed slope of 0.25 reaches {mean} %, closer to Leaky ReLU with a = 0.01 ({leaky} %) than to PReLU ({prelu} %): here learning the slope matters ('learning').",
            "it": "matters: avete risposto '{got}', ma una pendenza fissa di 0,25 arriva al {mean} %, più vicino alla Leaky ReLU con a = 0,01 ({leaky} %) che alla PReLU ({prelu} %): qui conta che la pendenza sia imparata ('learning').",
        },
        "exercises.hint.hard_zero": {
            "en": "Hard-Sigmoid(0) = 1/2 and Hard-Swish(0) = 0: check the shift x + 3 inside ReLU6 and the division by 6.",
            "it": "Hard-Sigmoid(0) = 1/2 e Hard-Swish(0) = 0: controllate lo spostamento x + 3 dentro la ReLU6 e la divisione per 6.",
        },
        "exercises.variants.why_hardswish": {
            "en": "Hard-Swish is x(x + 3)/6 on (−3, 3), with derivative (2x + 3)/6; PyTorch's backward takes the outer side at the kinks: 0 at −3 and 1 at 3.",
            "it": "La Hard-Swish è x(x + 3)/6 su (−3, 3), con derivata (2x + 3)/6; il backward di PyTorch prende il lato esterno nei punti angolosi: 0 in −3 e 1 in 3.",
        },
        "exercises.variants.why_selu": {
            "en": "At 0 PyTorch's SELU uses the negative branch λα·eˣ, so λα ≈ 1.758, not λ ≈ 1.051.",
            "it": "In 0 la SELU di PyTorch usa il ramo negativo λα·eˣ, quindi λα ≈ 1,758, non λ ≈ 1,051.",
        },
        "exercises.variants.why_fixed_point": {
            "en": "The map has a new fixed point {side} 1: the variance settles there, it does not drift away.",
            "it": "La mappa ha un nuovo punto fisso {side} 1: la varianza si ferma lì, non si allontana.",
        },
        "exercises.variants.below": {"en": "below", "it": "sotto"},
        "exercises.variants.above": {"en": "above", "it": "sopra"},
        "exercises.checks.sign": {
            "en": "four sets of paired differences, against the exact binomial tail",
            "it": "quattro insiemi di differenze appaiate, confrontati con la coda binomiale esatta",
        },
        "exercises.sign.raised": {
            "en": "on diff = {diff} it raised {exc}: {msg}",
            "it": "su diff = {diff} ha sollevato {exc}: {msg}",
        },
        "exercises.sign.two_sided": {
            "en": "on diff = {diff} ({wins} of {n} positive) it returned {got}, expected {want}: that is the two-sided p-value; the exercise asks for one side, P(at least {wins} wins).",
            "it": "su diff = {diff} ({wins} positive su {n}) ha restituito {got} invece di {want}: è il p-value bilaterale; l'esercizio chiede un lato solo, P(almeno {wins} vittorie).",
        },
        "exercises.sign.strict": {
            "en": "on diff = {diff} ({wins} of {n} positive) it returned {got}, expected {want}: 'at least {wins}' includes {wins} itself (the sum starts at j = wins, not wins + 1).",
            "it": "su diff = {diff} ({wins} positive su {n}) ha restituito {got} invece di {want}: 'almeno {wins}' comprende {wins} stesso (la somma parte da j = wins, non da wins + 1).",
        },
        "exercises.sign.lower": {
            "en": "on diff = {diff} ({wins} of {n} positive) it returned {got}, expected {want}: that is the other tail, P(at most {wins} wins).",
            "it": "su diff = {diff} ({wins} positive su {n}) ha restituito {got} invece di {want}: è l'altra coda, P(al più {wins} vittorie).",
        },
        "exercises.sign.value": {
            "en": "on diff = {diff} ({wins} of {n} positive) it returned {got}, expected {want}.",
            "it": "su diff = {diff} ({wins} positive su {n}) ha restituito {got} invece di {want}.",
        },
        "exercises.checks.widths": {
            "en": "the closest width for each parameter count, weights and biases counted",
            "it": "l'ampiezza più vicina per ogni numero di parametri, pesi e bias contati",
        },
        "exercises.widths.not_comparison": {
            "en": "pass the Comparison returned by variants.compare, got {got}",
            "it": "passate il Comparison restituito da variants.compare, ricevuto {got}",
        },
        "exercises.widths.no_result": {
            "en": "the comparison has no result for {variant}",
            "it": "il confronto non ha un risultato per {variant}",
        },
        "exercises.widths.value": {
            "en": "{part}: 64-{w}-{w}-10 has {params} parameters, and another width comes closer to {target}.",
            "it": "{part}: 64-{w}-{w}-10 ha {params} parametri, e un'altra ampiezza si avvicina di più a {target}.",
        },
        "exercises.widths.no_bias": {
            "en": "{part}: 64-{w}-{w}-10 has {params} parameters with its biases, not {target}: count the biases too (one per unit).",
            "it": "{part}: 64-{w}-{w}-10 ha {params} parametri con i bias, non {target}: contate anche i bias (uno per unità).",
        },
        "exercises.sign.type": {
            "en": "on the differences {diff} your function returned {got}, not a number.",
            "it": "sulle differenze {diff} la vostra funzione ha restituito {got}, che non è un numero.",
        },
    }
)
