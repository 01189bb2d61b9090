"""Checkers for the exercises of Chapter 3, sparsity (``03_sparsity``)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import torch

from .._checks import check_finite_tensor, check_seeds
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
    _numbers,
    _show,
    _show_array,
    register_exercise,
)

__all__ = [
    "check_sparsity_measures",
    "check_bias_shift_prediction",
    "check_union_active",
]




@_guarded
def check_sparsity_measures(acts: object, *, population: object = None, lifetime: object = None,
                            dead: object = None) -> Feedback:
    """Exercise ex-sparsity-1: population sparsity, lifetime sparsity and dead mask of ``acts`` (examples × units).

    Compared with :func:`relulab.sparsity.population_sparsity`,
    :func:`~relulab.sparsity.lifetime_sparsity` and :func:`~relulab.sparsity.dead_mask`;
    the classic slips (axes swapped, share of active instead of zero outputs,
    ``any`` instead of ``all``) are named.
    """
    from .. import sparsity

    acts_arr = _numbers(acts)
    if acts_arr is None:
        raise TypeError(t("exercises.sparsity.acts_type", got=type(acts).__name__))
    if np.issubdtype(np.asarray(acts_arr).dtype, np.floating) and not np.isfinite(acts_arr).all():
        raise ValueError("acts must be finite (no nan or inf): measure the activations of a network that has not diverged")
    acts_t = torch.as_tensor(acts_arr)
    if acts_t.ndim != 2 or 0 in acts_t.shape:
        raise ValueError(t("exercises.sparsity.acts_shape", shape=tuple(acts_t.shape)))
    off = (acts_t == 0).numpy()
    truth = {
        "population": (population, sparsity.population_sparsity(acts_t), off.mean(axis=0), 1 - off.mean(axis=1)),
        "lifetime": (lifetime, sparsity.lifetime_sparsity(acts_t), off.mean(axis=1), 1 - off.mean(axis=0)),
    }
    problems: list[Problem] = []
    for part, (got, want, other_axis, active) in truth.items():
        if got is None:
            problems.append(Problem("missing", t("exercises.answers.missing", part=part)))
            continue
        g = _numbers(got)
        if g is None:
            problems.append(_format_problem(part, got))
        elif not np.isfinite(g).all():
            problems.append(Problem("format", t("exercises.answers.not_finite", part=part, got=_show_array(g))))
        elif g.shape == other_axis.shape != want.shape:
            problems.append(Problem("axis", t(f"exercises.sparsity.axis_{part}", n=want.size)))
        elif g.shape != want.shape:
            problems.append(Problem("format", t("exercises.answers.shape", part=part, n=want.size)))
        elif np.allclose(g, active) and not np.allclose(g, want):
            problems.append(Problem("active", t("exercises.sparsity.active", part=part)))
        elif not np.allclose(g, want):
            problems.append(Problem(part, t("exercises.answers.wrong", part=part, got=_show_array(g), want=_show_array(want))))
    if dead is None:
        problems.append(Problem("missing", t("exercises.answers.missing", part="dead")))
    else:
        try:
            g = np.asarray(dead.detach().cpu() if isinstance(dead, torch.Tensor) else dead)
        except Exception:  # noqa: BLE001 - a ragged list or an object numpy cannot read
            g = np.zeros(0, dtype=object)
        want = off.all(axis=0)
        if g.shape != want.shape:
            problems.append(Problem("format", t("exercises.answers.shape", part="dead", n=want.size)))
        elif g.dtype != np.bool_:
            problems.append(Problem("dtype", t("exercises.sparsity.dead_dtype", dtype=str(g.dtype))))
        elif not np.array_equal(g, want):
            if np.array_equal(g, off.any(axis=0)):
                problems.append(Problem("any", t("exercises.sparsity.dead_any")))
            elif np.array_equal(g, (~off).all(axis=0)):
                problems.append(Problem("always_on", t("exercises.sparsity.dead_always_on")))
            else:
                problems.append(Problem("dead", t("exercises.answers.wrong", part="dead", got=_show_array(g), want=_show_array(want))))
    return _feedback(t("exercises.your_answers"), problems, [t("exercises.checks.sparsity", shape=tuple(off.shape))])


@_guarded
def check_bias_shift_prediction(x: torch.Tensor, *, first_layer: float | None = None, deeper: str | None = None,
                                seeds: Sequence[int] = (0, 1, 2, 3, 4)) -> Feedback:
    """Exercise ex-sparsity-2: your prediction for He weights and biases -0.25 on the inputs ``x``.

    ``first_layer`` is the predicted share of zeros of the first hidden layer;
    it passes within 0.03 of the mean measured over ``seeds`` with
    :func:`relulab.sparsity.sparsity_at_init` (5 layers of 64). ``deeper`` is
    ``"more"`` or ``"fewer"``: zeros in the fifth layer compared with the first.
    """
    from .. import sparsity

    if deeper is not None and (not isinstance(deeper, str) or deeper not in ("more", "fewer")):
        raise ValueError(t("exercises.sparsity.deeper_choice", got=repr(deeper)))
    check_finite_tensor(x, "x")
    seeds = check_seeds(seeds)
    measured = sparsity.sparsity_at_init(x, depth=5, init="he", bias=-0.25, seeds=seeds)
    first, last = float(measured.zero[:, 0].mean()), float(measured.zero[:, -1].mean())
    problems: list[Problem] = []
    guess = _ch5_answer(problems, "first_layer", first_layer)
    first_right = guess is not None and abs(guess - first) <= 0.03
    if guess is not None and not first_right:
        key = "exercises.sparsity.first_half" if abs(guess - 0.5) < 0.03 else "exercises.sparsity.first"
        problems.append(Problem("first_layer", t(key, got=_show(round(guess, 3)), want=f"{first:.3f}")))
    truth = "more" if last > first else "fewer"
    if deeper is None:
        problems.append(Problem("missing", t("exercises.answers.missing", part="deeper")))
    elif deeper != truth:
        # the first layer's share is the answer to first_layer: shown only once that part is right
        shown_first = f"{first:.3f}" if first_right else t("exercises.sparsity.your_first")
        problems.append(Problem("deeper", t("exercises.sparsity.deeper", got=deeper, want=truth, first=shown_first,
                                            last=f"{last:.3f}")))
    return _feedback(t("exercises.your_predictions"), problems, [t("exercises.checks.bias_shift", n=len(list(seeds)))])


@_guarded
def check_union_active(fn: Callable) -> Feedback:
    """Exercise ex-sparsity-3: ``fn(acts, batch_size)``, the share of units on for at least one example of a batch.

    Averaged over consecutive batches, the last incomplete batch dropped, as
    :func:`relulab.sparsity.union_active_fraction`; tried on random sparse
    activations (seed 0) for batch sizes 1, 3, 16 and 64.
    """
    from .. import sparsity

    _check_callable(fn, "fn")
    g = torch.Generator().manual_seed(0)
    acts = torch.relu(torch.randn(100, 24, generator=g, dtype=torch.float64) - 1.0)
    acts[:, :3] = 0.0  # three dead units
    problems: list[Problem] = []
    for b in (1, 3, 16, 64):
        before = acts.clone()
        try:
            raw = _call(fn, acts, b)
        except Exception as exc:
            problems.append(Problem("raised", t("exercises.union.raised", b=b, exc=type(exc).__name__, msg=str(exc)[:160])))
            break
        if not torch.equal(acts, before):
            problems.append(Problem("mutated", t("exercises.union.mutated")))
            break
        got = _ch5_number(raw, finite=False)
        if got is None:
            problems.append(Problem("type", t("exercises.union.type", b=b, got=_brief(raw))))
            break
        want = sparsity.union_active_fraction(acts, b)
        if not math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12):
            on = acts != 0
            if math.isclose(got, 1 - want, abs_tol=1e-9):
                key = "exercises.union.off"
            elif math.isclose(got, float(on[: b].any(dim=0).double().mean()), abs_tol=1e-9):
                key = "exercises.union.first_batch"
            elif math.isclose(got, float(on.double().mean()), abs_tol=1e-9):
                key = "exercises.union.per_example"
            else:
                key = "exercises.union.value"
            problems.append(Problem("value", t(key, b=b, got=f"{got:.4f}", want=f"{want:.4f}")))
            break
    return _feedback(_name(fn), problems, [t("exercises.checks.union")])


# --------------------------------------------------------------------------- registry

register_exercise("ex-sparsity-1", "03_sparsity", check_sparsity_measures)
register_exercise("ex-sparsity-2", "03_sparsity", check_bias_shift_prediction)
register_exercise("ex-sparsity-3", "03_sparsity", check_union_active)


# --------------------------------------------------------------------------- messages

register(
    {
        "exercises.sparsity.acts_shape": {
            "en": "acts must be a matrix (examples × units), got shape {shape}",
            "it": "acts deve essere una matrice (esempi × unità), ricevuta la forma {shape}",
        },
        "exercises.checks.sparsity": {
            "en": "population and lifetime sparsity and dead mask of a {shape} matrix",
            "it": "sparsità di popolazione e di vita e maschera dei morti di una matrice {shape}",
        },
        "exercises.sparsity.axis_population": {
            "en": "population: population sparsity has one value per input (row), {n} here; you averaged over the inputs (axis 0) instead of over the units (axis 1).",
            "it": "population: la sparsità di popolazione ha un valore per ingresso (riga), qui {n}; avete fatto la media sugli ingressi (asse 0) invece che sulle unità (asse 1).",
        },
        "exercises.sparsity.axis_lifetime": {
            "en": "lifetime: lifetime sparsity has one value per unit (column), {n} here; you averaged over the units (axis 1) instead of over the inputs (axis 0).",
            "it": "lifetime: la sparsità di vita ha un valore per unità (colonna), qui {n}; avete fatto la media sulle unità (asse 1) invece che sugli ingressi (asse 0).",
        },
        "exercises.sparsity.active": {
            "en": "{part}: you computed the share of non-zero outputs; sparsity is the share of zeros.",
            "it": "{part}: avete calcolato la quota di uscite non nulle; la sparsità è la quota di zeri.",
        },
        "exercises.sparsity.dead_any": {
            "en": "dead: you marked the units that are zero on *some* input (`any`); a dead unit is zero on *every* input (`all`).",
            "it": "dead: avete segnato le unità nulle su *qualche* ingresso (`any`); un'unità morta è nulla su *ogni* ingresso (`all`).",
        },
        "exercises.sparsity.dead_always_on": {
            "en": "dead: you marked the units that are never zero (always on), the opposite of dead.",
            "it": "dead: avete segnato le unità che non sono mai nulle (sempre accese), l'opposto delle morte.",
        },
        "exercises.sparsity.deeper_choice": {
            "en": "deeper must be 'more' or 'fewer', got {got}",
            "it": "deeper deve essere 'more' o 'fewer', ricevuto {got}",
        },
        "exercises.checks.bias_shift": {
            "en": "first-layer zeros and the trend with depth, measured live over {n} seeds",
            "it": "zeri del primo strato e andamento con la profondità, misurati ora su {n} seed",
        },
        "exercises.sparsity.first": {
            "en": "first_layer: you predicted {got}, the first layer has {want} zeros (mean over the seeds). Use 1 − Φ(b / (σ_w‖x‖)) with b = −0.25.",
            "it": "first_layer: avete previsto {got}, il primo strato ha {want} di zeri (media sui seed). Usate 1 − Φ(b / (σ_w‖x‖)) con b = −0,25.",
        },
        "exercises.sparsity.first_half": {
            "en": "first_layer: you predicted {got}, the first layer has {want} zeros: one half holds without bias; a negative bias switches more units off.",
            "it": "first_layer: avete previsto {got}, il primo strato ha {want} di zeri: la metà vale senza bias; un bias negativo spegne più unità.",
        },
        "exercises.sparsity.deeper": {
            "en": "deeper: you said '{got}', but the fifth layer has {last} zeros against the first's {first} ('{want}'): each layer's inputs shrink while the bias stays −0.25.",
            "it": "deeper: avete risposto '{got}', ma il quinto strato ha {last} di zeri contro {first} del primo ('{want}'): gli ingressi di ogni strato si riducono mentre il bias resta −0,25.",
        },
        "exercises.checks.union": {
            "en": "batches of 1, 3, 16 and 64 on random sparse activations, input unchanged",
            "it": "batch di 1, 3, 16 e 64 su attivazioni sparse casuali, ingresso intatto",
        },
        "exercises.union.raised": {
            "en": "with batch size {b} it raised {exc}: {msg}",
            "it": "con batch di {b} ha sollevato {exc}: {msg}",
        },
        "exercises.union.mutated": {
            "en": "it changed the activations it was given; work on a copy or on a mask.",
            "it": "ha modificato le attivazioni ricevute; lavorate su una copia o su una maschera.",
        },
        "exercises.union.off": {
            "en": "with batch size {b} it returned {got}, expected {want}: that is the share of units off for the whole batch, the complement.",
            "it": "con batch di {b} ha restituito {got} invece di {want}: è la quota di unità spente per tutto il batch, il complemento.",
        },
        "exercises.union.first_batch": {
            "en": "with batch size {b} it returned {got}, expected {want}: you looked at the first batch only; average over all complete batches.",
            "it": "con batch di {b} ha restituito {got} invece di {want}: avete guardato solo il primo batch; fate la media su tutti i batch completi.",
        },
        "exercises.union.per_example": {
            "en": "with batch size {b} it returned {got}, expected {want}: that is the share of active outputs per example; a unit counts once if it is on for at least one example of the batch (`any` over the batch).",
            "it": "con batch di {b} ha restituito {got} invece di {want}: è la quota di uscite attive per esempio; un'unità conta una volta se è accesa per almeno un esempio del batch (`any` sul batch).",
        },
        "exercises.union.value": {
            "en": "with batch size {b} it returned {got}, expected {want} (consecutive batches, the last incomplete one dropped).",
            "it": "con batch di {b} ha restituito {got} invece di {want} (batch consecutivi, l'ultimo incompleto scartato).",
        },
        "exercises.sparsity.acts_type": {
            "en": "acts must be a matrix of numbers (a tensor or an array, examples × units), got {got}",
            "it": "acts deve essere una matrice di numeri (un tensore o un array, esempi × unità), ricevuto {got}",
        },
        "exercises.sparsity.your_first": {
            "en": "(the share you are asked to predict)",
            "it": "(la quota che dovete prevedere)",
        },
        "exercises.union.type": {
            "en": "with batch size {b} your function returned {got}, not a number.",
            "it": "con batch di {b} la vostra funzione ha restituito {got}, che non è un numero.",
        },
    }
)
