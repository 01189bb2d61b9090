"""Checkers for the exercises of the chapter on signal propagation (``02b_propagation``)."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from .. import propagation as _prop
from .._checks import check_scalar_in
from ..i18n import register, t
from .core import Feedback, Problem, _call, _feedback, _guarded, _StudentTimeout, check_answers, register_exercise

__all__ = ["check_propagation_predictions", "check_tanh_critical", "check_leaky_correlation_map"]


def check_propagation_predictions(
    *, one_layer: object = None, zeros_layer_five: object = None, xavier_changes_correlation: object = None
) -> Feedback:
    """Exercise ex-prop-predict: three predictions for a wide ReLU network with zero biases.

    Parameters
    ----------
    one_layer:
        The correlation of two inputs' pre-activations after one He ReLU layer, when it was 0 before.
    zeros_layer_five:
        The expected share of zeros at layer 5 of a He network with zero biases.
    xavier_changes_correlation:
        ``True`` if replacing He by Xavier changes the correlation at layer 10, ``False`` if not.

    The true values are computed live from :mod:`relulab.propagation`; a wrong first answer is
    shown next to a random network of 1,000 units.
    """
    truth = {
        "one_layer": float(_prop.relu_correlation_map(0.0)),
        "zeros_layer_five": 0.5,
        "xavier_changes_correlation": float(
            abs(_prop.correlations_through_depth(0.0, 10, weight_var=1.0)[-1] - _prop.correlations_through_depth(0.0, 10)[-1]) > 1e-9
        ),
    }
    answers = {"one_layer": one_layer, "zeros_layer_five": zeros_layer_five, "xavier_changes_correlation": xavier_changes_correlation}
    if isinstance(xavier_changes_correlation, (bool, np.bool_)):
        answers["xavier_changes_correlation"] = float(xavier_changes_correlation)
    elif xavier_changes_correlation is not None:
        return _feedback(t("exercises.your_predictions"), [Problem("not_bool", t("exercises.prop.not_bool", got=repr(xavier_changes_correlation)))], [])
    answers = {k: v for k, v in answers.items() if v is not None}
    sim = ""
    if one_layer is not None:
        try:
            wrong = abs(float(one_layer) - truth["one_layer"]) > 0.01
        except (TypeError, ValueError):
            wrong = True
        if wrong:  # show a random network only when it teaches something
            sim = f"{_prop.simulate_pair(0.0, 2, 1000, seeds=[0, 1, 2]).c[:, 1].mean():.3f}"
    explain = {
        "one_layer": t("exercises.prop.one_layer", value=f"{truth['one_layer']:.4f}", sim=sim or "≈ 1/π"),
        "zeros_layer_five": t("exercises.prop.half"),
        "xavier_changes_correlation": t("exercises.prop.homogeneous"),
    }
    return check_answers(answers, truth, explain=explain, rtol=0.0, atol=0.01)


def check_tanh_critical(weight_var: object = None, *, bias_var: float = 0.05) -> Feedback:
    """Exercise ex-prop-critical: the weight variance :math:`\\sigma_w^2` at the edge of chaos of a tanh network.

    ``weight_var`` is your value of :math:`n_\\text{in}\\mathrm{Var}(w)` for biases of variance
    ``bias_var``; right within 0.5% of :func:`relulab.propagation.critical_weight_var`.
    """
    bias_var = check_scalar_in(bias_var, "bias_var", 0.0, 10.0)
    truth = _prop.critical_weight_var("tanh", bias_var=bias_var)
    checks = [t("exercises.checks.critical", bias_var=bias_var)]
    if weight_var is None:
        return _feedback(t("exercises.your_value"), [Problem("missing", t("exercises.answers.missing", part="weight_var"))], checks)
    try:
        value = check_scalar_in(weight_var, "weight_var", 0.0, 1e6, low_open=True)
    except (TypeError, ValueError) as exc:
        return _feedback(t("exercises.your_value"), [Problem("not_number", str(exc))], checks)
    if abs(value - truth) <= 0.005 * truth:
        return _feedback(t("exercises.your_value"), [], checks)
    chi = _prop.chi1("tanh", weight_var=value, bias_var=bias_var)
    if abs(value - 1.0) < 1e-3 and bias_var > 0:
        kind, text = "no_bias", t("exercises.prop.crit_no_bias", chi=f"{chi:.3f}")
    elif abs(value - 2.0) < 1e-3:
        kind, text = "relu", t("exercises.prop.crit_relu", chi=f"{chi:.3f}")
    else:
        side = t("exercises.prop.ordered") if chi < 1 else t("exercises.prop.chaotic")
        kind, text = "value", t("exercises.prop.crit_value", value=f"{value:.4g}", chi=f"{chi:.4f}", side=side)
    return _feedback(t("exercises.your_value"), [Problem(kind, text)], checks)


def _leaky_reference(c: float, slope: float) -> float:
    """Correlation map of Leaky ReLU with zero biases: write it as ``slope·x + (1 − slope)·ReLU(x)`` and
    expand; each term is a Gaussian expectation the library knows (the ReLU one is the arc-cosine kernel)."""
    relu_relu = float(_prop.relu_expectation(c))  # E[ReLU(u) ReLU(v)]
    x_relu = c / 2.0  # E[u ReLU(v)] = E[u v 1(v > 0)] = c / 2 by symmetry
    cross = slope * slope * c + 2 * slope * (1 - slope) * x_relu + (1 - slope) ** 2 * relu_relu
    return cross / ((1 + slope * slope) / 2)


@_guarded
def check_leaky_correlation_map(leaky_map: Callable[[float, float], float] | None = None, *, critical: object = None) -> Feedback:
    """Exercise ex-prop-leaky: your correlation map of Leaky ReLU, and its critical weight variance.

    ``leaky_map(c, slope)`` must return the correlation of the next layer's pre-activations
    (zero biases) for inputs of correlation ``c``; it is compared with a reference at 7
    correlations and the slopes 0, 0.01, 0.2 and 1. ``critical`` is the weight variance that
    keeps the pre-activations' variance constant for slope 0.2.
    """
    problems: list[Problem] = []
    cs = [-0.9, -0.5, 0.0, 0.3, 0.7, 0.95, 1.0]
    slopes = [0.0, 0.01, 0.2, 1.0]
    if leaky_map is None:
        problems.append(Problem("missing", t("exercises.answers.missing", part="leaky_map")))
    elif not callable(leaky_map):
        problems.append(Problem("not_callable", t("exercises.prop.not_callable", got=type(leaky_map).__name__)))
    else:
        for slope in slopes:
            for c in cs:
                want = _leaky_reference(c, slope)
                try:
                    got = float(_call(leaky_map, c, slope, what="leaky_map"))
                except _StudentTimeout:
                    raise
                except Exception as exc:  # noqa: BLE001 - report the student's error
                    problems.append(Problem("raised", t("exercises.prop.raised", c=c, slope=slope, err=f"{type(exc).__name__}: {exc}")))
                    break
                if not math.isfinite(got) or abs(got - want) > 1e-4:
                    hint = t("exercises.prop.hint_unnormalized") if abs(got - want * (1 + slope * slope) / 2) < 1e-4 and slope < 1 else ""
                    problems.append(Problem("value", t("exercises.prop.map_value", c=c, slope=slope, got=f"{got:.5f}", want=f"{want:.5f}") + hint))
                    break
            if problems:
                break
    want_crit = 2.0 / (1 + 0.2**2)
    if critical is None:
        problems.append(Problem("missing", t("exercises.answers.missing", part="critical")))
    else:
        try:
            value = float(critical)
        except (TypeError, ValueError):
            value = math.nan
        if not abs(value - want_crit) <= 1e-3 * want_crit:
            problems.append(Problem("critical", t("exercises.prop.leaky_critical", got=repr(critical))))
    return _feedback(t("exercises.your_function"), problems, [t("exercises.checks.leaky", n=len(cs) * len(slopes))])


register(
    {
        "exercises.your_value": {"en": "your value", "it": "il vostro valore"},
        "exercises.prop.not_bool": {
            "en": "xavier_changes_correlation must be True or False, got {got}.",
            "it": "xavier_changes_correlation deve essere True o False, ricevuto {got}.",
        },
        "exercises.prop.one_layer": {
            "en": "After one layer the correlation is (√(1 − 0²) + (π − arccos 0)·0)/π = 1/π = {value} (a random network of 1,000 units gives {sim}): ReLU makes two unrelated inputs alike, because both outputs are non-negative.",
            "it": "Dopo uno strato la correlazione è (√(1 − 0²) + (π − arccos 0)·0)/π = 1/π = {value} (una rete casuale di 1.000 unità dà {sim}): la ReLU rende simili due ingressi non correlati, perché le due uscite sono non negative.",
        },
        "exercises.prop.half": {
            "en": "With weights symmetric about 0 and zero biases each unit is off with probability exactly 1/2, at every depth (chapter 3).",
            "it": "Con pesi simmetrici rispetto a 0 e bias nulli ogni unità è spenta con probabilità esattamente 1/2, a ogni profondità (capitolo 3).",
        },
        "exercises.prop.homogeneous": {
            "en": "With zero biases the correlation map does not depend on the weights' scale: ReLU is positively homogeneous, so Xavier and He give the same correlations.",
            "it": "Con bias nulli la mappa delle correlazioni non dipende dalla scala dei pesi: la ReLU è positivamente omogenea, quindi Xavier e He danno le stesse correlazioni.",
        },
        "exercises.checks.critical": {
            "en": "χ₁ = 1 for tanh with bias variance {bias_var}, within 0.5%",
            "it": "χ₁ = 1 per la tanh con varianza dei bias {bias_var}, entro lo 0,5%",
        },
        "exercises.prop.crit_no_bias": {
            "en": "1 is the edge of chaos without biases; with biases the fixed point q* is positive, tanh'(z)² < 1 there, and the weights must be larger (χ₁ = {chi} at your value).",
            "it": "1 è il margine del caos senza bias; con i bias il punto fisso q* è positivo, lì tanh'(z)² < 1, e i pesi devono essere più grandi (χ₁ = {chi} con il vostro valore).",
        },
        "exercises.prop.crit_relu": {
            "en": "2 is ReLU's critical value (He); tanh's depends on the bias variance (χ₁ = {chi} at your value).",
            "it": "2 è il valore critico della ReLU (He); quello della tanh dipende dalla varianza dei bias (χ₁ = {chi} con il vostro valore).",
        },
        "exercises.prop.crit_value": {
            "en": "at weight variance {value} the network is {side} (χ₁ = {chi}, not 1): iterate the variance map to q*, then bisect on χ₁ − 1.",
            "it": "con varianza dei pesi {value} la rete è {side} (χ₁ = {chi}, non 1): iterate la mappa delle varianze fino a q*, poi bisezione su χ₁ − 1.",
        },
        "exercises.prop.ordered": {"en": "ordered", "it": "ordinata"},
        "exercises.prop.chaotic": {"en": "chaotic", "it": "caotica"},
        "exercises.prop.not_callable": {
            "en": "leaky_map must be a function (c, slope) -> correlation, got {got}.",
            "it": "leaky_map deve essere una funzione (c, slope) -> correlazione, ricevuto {got}.",
        },
        "exercises.prop.raised": {
            "en": "leaky_map({c}, {slope}) raised {err}.",
            "it": "leaky_map({c}, {slope}) ha sollevato {err}.",
        },
        "exercises.prop.map_value": {
            "en": "leaky_map({c}, {slope}) = {got}, expected {want}.",
            "it": "leaky_map({c}, {slope}) = {got} invece di {want}.",
        },
        "exercises.prop.hint_unnormalized": {
            "en": " You returned E[φ(u)φ(v)]: divide by E[φ(u)²] = (1 + a²)/2 to get a correlation.",
            "it": " Avete restituito E[φ(u)φ(v)]: dividete per E[φ(u)²] = (1 + a²)/2 per ottenere una correlazione.",
        },
        "exercises.prop.leaky_critical": {
            "en": "critical = {got}: the weight variance that keeps the variance constant makes σ_w² · E[φ(z)²] = 1 for z ~ N(0, 1), with slope 0.2.",
            "it": "critical = {got}: la varianza dei pesi che mantiene costante la varianza rende σ_w² · E[φ(z)²] = 1 per z ~ N(0, 1), con pendenza 0,2.",
        },
        "exercises.checks.leaky": {
            "en": "{n} values of the correlation map; the critical weight variance",
            "it": "{n} valori della mappa delle correlazioni; la varianza critica dei pesi",
        },
    }
)

register_exercise("ex-prop-predict", "02b_propagation", check_propagation_predictions)
register_exercise("ex-prop-critical", "02b_propagation", check_tanh_critical)
register_exercise("ex-prop-leaky", "02b_propagation", check_leaky_correlation_map)
