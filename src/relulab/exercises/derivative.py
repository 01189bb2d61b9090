"""Checkers for the exercises of Chapter 2, ReLU's derivative at its kink (``02_derivative``)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

from ..i18n import register, t
from .core import (
    Feedback,
    Problem,
    _call,
    _check_callable,
    _feedback,
    _grad_at,
    _guarded,
    _name,
    _same,
    _show,
    _show_array,
    check_answers,
    register_exercise,
)

__all__ = [
    "check_relu6_function",
    "check_kink_gradients",
    "check_kink_quotients",
]


@_guarded
def check_relu6_function(relu6_at: Callable) -> Feedback:
    """Exercise ex-deriv-relu6: ``relu6_at(x, at_0, at_6)`` computes ReLU6 with chosen derivatives at 0 and 6.

    ``relu6_at`` is e.g. ``ReLU6At.apply`` of your ``torch.autograd.Function``.
    Checked: the values against ``x.clamp(0, 6)`` (the input left unchanged),
    the gradient away from the kinks (0, 1, 1, 0 at -1, 0.5, 3, 7), and the
    gradient at the kinks for three pairs of parameters.
    """
    _check_callable(relu6_at, "relu6_at")
    problems: list[Problem] = []
    name = t("exercises.your_function")
    grid = [-2.0, -0.5, 0.0, 0.5, 3.0, 6.0, 7.5]
    x = torch.tensor(grid, dtype=torch.float64)
    before = x.clone()
    try:
        out = _call(relu6_at, x, 0.0, 0.0)
    except Exception as exc:
        return _feedback(name, [Problem("raised", t("exercises.relu6.raised", exc=type(exc).__name__, msg=str(exc)[:160]))], [])
    if not torch.equal(x, before):
        problems.append(Problem("mutated", t("exercises.relu6.mutated")))
    if not isinstance(out, torch.Tensor) or out.shape != x.shape or not out.is_floating_point():
        got = f"{type(out).__name__} {out.dtype} {tuple(out.shape)}" if isinstance(out, torch.Tensor) else type(out).__name__
        problems.append(Problem("type", t("exercises.relu6.type", got=got)))
        return _feedback(name, problems, [])
    bad = np.flatnonzero(~_same(out.detach().numpy(), x.clamp(0, 6).numpy(), 1e-9, 1e-12))
    if bad.size:
        i = int(bad[0])
        problems.append(Problem("value", t("exercises.value", x=_show(grid[i]), got=_show(out[i].item()),
                                           want=_show(min(max(grid[i], 0.0), 6.0)))))
    away = [-1.0, 0.5, 3.0, 7.0]
    try:
        g = _call(_grad_at, lambda v: relu6_at(v, 0.0, 0.0), away, what=_name(relu6_at))
    except Exception as exc:
        problems.append(Problem("no_grad", t("exercises.relu6.no_grad", exc=type(exc).__name__, msg=str(exc)[:160])))
        return _feedback(name, problems, [])
    want = np.array([0.0, 1.0, 1.0, 0.0])
    bad = np.flatnonzero(g != want)
    if bad.size:
        i = int(bad[0])
        key = "exercises.relu6.grad_sign" if np.array_equal(g, -want) else "exercises.relu6.grad"
        problems.append(Problem("grad", t(key, x=_show(away[i]), got=_show(g[i]), want=_show(want[i]))))
    for at_0, at_6 in ((0.0, 0.0), (1.0, 1.0), (0.25, 0.75)):
        if problems and problems[-1].kind == "grad":
            break  # the slope is already wrong everywhere
        try:
            gk = _call(_grad_at, lambda v: relu6_at(v, at_0, at_6), [0.0, 6.0], what=_name(relu6_at))
        except Exception as exc:  # the student's function may fail only for some parameters
            problems.append(Problem("raised", t("exercises.relu6.raised_at", a0=_show(at_0), a6=_show(at_6),
                                                exc=type(exc).__name__, msg=str(exc)[:160])))
            break
        if not np.allclose(gk, [at_0, at_6]):
            key = "exercises.relu6.kinks_swapped" if np.allclose(gk, [at_6, at_0]) else "exercises.relu6.kinks"
            problems.append(Problem("kinks", t(key, a0=_show(at_0), a6=_show(at_6), got=_show_array(gk),
                                               want=_show_array([at_0, at_6]))))
            break
    return _feedback(name, problems, [t("exercises.checks.relu6")])


#: The four expressions of exercise ex-deriv-predict, as (part, code, function).
KINK_EXPRESSIONS: tuple[tuple[str, str, Callable], ...] = (
    ("a", "torch.maximum(x, -x)", lambda v: torch.maximum(v, -v)),
    ("b", "torch.relu(x) + torch.relu(-x)", lambda v: torch.relu(v) + torch.relu(-v)),
    ("c", "x.clamp_min(0) - (-x).clamp_min(0)", lambda v: v.clamp_min(0) - (-v).clamp_min(0)),
    ("d", "torch.relu(x) ** 2", lambda v: torch.relu(v) ** 2),
)


@_guarded
def check_kink_gradients(*, a: float | None = None, b: float | None = None, c: float | None = None,
                         d: float | None = None) -> Feedback:
    """Exercise ex-deriv-predict: your predictions of autograd's gradient at ``x = 0`` for the four expressions.

    The true values are computed live with the installed PyTorch; a wrong part
    is explained (a tie splits the gradient, ``clamp_min`` counts its bound as active, ...).
    """
    answers = {k: v for k, v in (("a", a), ("b", b), ("c", c), ("d", d)) if v is not None}
    truth = {part: float(_grad_at(fn, [0.0])[0]) for part, _, fn in KINK_EXPRESSIONS}
    explain = {part: f"({code}) " + t(f"exercises.kinks.why_{part}") for part, code, _ in KINK_EXPRESSIONS}
    return check_answers(answers, truth, explain=explain)


#: The setting of exercise ex-deriv-quotients: (point, step) of each difference quotient asked for.
QUOTIENT_CENTRAL, QUOTIENT_RIGHT, QUOTIENT_POINT = (1e-7, 1e-6), (-1e-7, 1e-6), 0.3


@_guarded
def check_kink_quotients(*, central: float | None = None, right: float | None = None,
                         largest_h: float | None = None) -> Feedback:
    """Exercise ex-deriv-quotients: your predictions of difference quotients of ReLU near its kink.

    ``central`` is the central difference ``(ReLU(x0 + h) - ReLU(x0 - h)) / (2h)`` at ``x0 = 1e-7``
    with ``h = 1e-6`` (the step of ``gradcheck``); ``right`` the right quotient
    ``(ReLU(x0 + h) - ReLU(x0)) / h`` at ``x0 = -1e-7`` with ``h = 1e-6``; ``largest_h`` the largest
    step for which the central difference at ``x0 = 0.3`` equals ReLU's derivative there (in exact
    arithmetic). The quotients are computed live in float64 with
    :func:`relulab.gradients.difference_quotients`; answers pass within 0.001.
    """
    from ..activations import relu_np
    from ..gradients import difference_quotients

    x0, h = QUOTIENT_CENTRAL
    c = float(difference_quotients(relu_np, x0, [h]).central[0])
    x0, h = QUOTIENT_RIGHT
    r = float(difference_quotients(relu_np, x0, [h]).right[0])
    truth = {"central": c, "right": r, "largest_h": abs(QUOTIENT_POINT)}
    answers = {k: v for k, v in (("central", central), ("right", right), ("largest_h", largest_h)) if v is not None}
    explain = {part: t(f"exercises.quotients.why_{part}") for part in truth}
    return check_answers(answers, truth, explain=explain, rtol=0.0, atol=1e-3)


# --------------------------------------------------------------------------- registry

register_exercise("ex-deriv-relu6", "02_derivative", check_relu6_function)
register_exercise("ex-deriv-predict", "02_derivative", check_kink_gradients)
register_exercise("ex-deriv-quotients", "02_derivative", check_kink_quotients)


# --------------------------------------------------------------------------- messages

register(
    {
        "exercises.quotients.why_central": {
            "en": "The step crosses the kink: ReLU(x0 − h) = 0 and ReLU(x0 + h) = x0 + h, so the quotient is (x0 + h)/(2h), neither 0 nor 1.",
            "it": "Il passo scavalca il punto angoloso: ReLU(x0 − h) = 0 e ReLU(x0 + h) = x0 + h, quindi il rapporto è (x0 + h)/(2h), né 0 né 1.",
        },
        "exercises.quotients.why_right": {
            "en": "ReLU(x0) = 0 at a negative x0, and x0 + h is positive: the quotient is (x0 + h)/h, a slope between the two sides.",
            "it": "ReLU(x0) = 0 in un x0 negativo, e x0 + h è positivo: il rapporto è (x0 + h)/h, una pendenza fra i due lati.",
        },
        "exercises.quotients.why_largest_h": {
            "en": "The central difference sees only the line of slope 1 while x0 − h ≥ 0; beyond that it straddles the kink.",
            "it": "La differenza centrale vede solo la retta di pendenza 1 finché x0 − h ≥ 0; oltre, scavalca il punto angoloso.",
        },
        "exercises.checks.relu6": {
            "en": "values against clamp(0, 6), input unchanged, gradient away from the kinks and at 0 and 6 for three pairs of parameters",
            "it": "valori confrontati con clamp(0, 6), ingresso intatto, gradiente lontano dai punti angolosi e in 0 e 6 per tre coppie di parametri",
        },
        "exercises.relu6.raised": {
            "en": "relu6_at(x, 0.0, 0.0) raised {exc}: {msg}",
            "it": "relu6_at(x, 0.0, 0.0) ha sollevato {exc}: {msg}",
        },
        "exercises.relu6.mutated": {
            "en": "it changed its input x; forward must return a new tensor (e.g. `x.clamp(0, 6)`, not `x.clamp_(0, 6)`).",
            "it": "ha modificato il suo ingresso x; forward deve restituire un tensore nuovo (per esempio `x.clamp(0, 6)`, non `x.clamp_(0, 6)`).",
        },
        "exercises.relu6.type": {
            "en": "it returned a {got}, not a floating-point tensor of the input's shape.",
            "it": "ha restituito un {got}, non un tensore in virgola mobile della forma dell'ingresso.",
        },
        "exercises.relu6.no_grad": {
            "en": "autograd could not differentiate it ({exc}: {msg}); does forward return a tensor built from x, and backward one gradient per input of forward (None for the two parameters)?",
            "it": "l'autograd non è riuscito a derivarla ({exc}: {msg}); forward restituisce un tensore costruito da x, e backward un gradiente per ogni ingresso di forward (None per i due parametri)?",
        },
        "exercises.relu6.grad": {
            "en": "at x = {x}, away from the kinks, the gradient is {got}, expected {want}: ReLU6 has slope 1 on (0, 6) and 0 outside.",
            "it": "in x = {x}, lontano dai punti angolosi, il gradiente vale {got} invece di {want}: la ReLU6 ha pendenza 1 su (0, 6) e 0 fuori.",
        },
        "exercises.relu6.grad_sign": {
            "en": "at x = {x} the gradient is {got}, expected {want}: the sign of the slope is flipped (backward must multiply grad_out by the slope, not subtract it).",
            "it": "in x = {x} il gradiente vale {got} invece di {want}: il segno della pendenza è invertito (backward deve moltiplicare grad_out per la pendenza, non sottrarla).",
        },
        "exercises.relu6.kinks": {
            "en": "with at_0 = {a0} and at_6 = {a6} the gradient at (0, 6) is {got}, expected {want}: the two parameters must set the derivative at the kinks.",
            "it": "con at_0 = {a0} e at_6 = {a6} il gradiente in (0, 6) vale {got} invece di {want}: i due parametri devono fissare la derivata nei punti angolosi.",
        },
        "exercises.relu6.kinks_swapped": {
            "en": "with at_0 = {a0} and at_6 = {a6} the gradient at (0, 6) is {got}, expected {want}: the two parameters are swapped.",
            "it": "con at_0 = {a0} e at_6 = {a6} il gradiente in (0, 6) vale {got} invece di {want}: i due parametri sono scambiati.",
        },
        "exercises.kinks.why_a": {
            "en": "At a tie `maximum` splits the gradient in half between its two arguments: ½·1 + ½·(−1).",
            "it": "In caso di parità `maximum` divide il gradiente a metà fra i due argomenti: ½·1 + ½·(−1).",
        },
        "exercises.kinks.why_b": {
            "en": "`torch.relu` has gradient 0 at 0, for x and for −x alike.",
            "it": "`torch.relu` ha gradiente 0 in 0, sia per x sia per −x.",
        },
        "exercises.kinks.why_c": {
            "en": "`clamp_min` counts its bound as active: gradient 1 at 0, once for x and once (times −1 twice) for −x.",
            "it": "`clamp_min` considera attivo il suo estremo: gradiente 1 in 0, una volta per x e una volta (per −1 due volte) per −x.",
        },
        "exercises.kinks.why_d": {
            "en": "The chain rule multiplies by 2·ReLU(0) = 0, whatever ReLU'(0) is.",
            "it": "La regola della catena moltiplica per 2·ReLU(0) = 0, qualunque sia ReLU'(0).",
        },
        "exercises.relu6.raised_at": {
            "en": "with at_0 = {a0} and at_6 = {a6} your function raised {exc}: {msg}",
            "it": "con at_0 = {a0} e at_6 = {a6} la vostra funzione ha sollevato {exc}: {msg}",
        },
    }
)
