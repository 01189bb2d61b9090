"""Checkers for the exercises of Chapter 2, ReLU's derivative (``02_derivative``)."""

from __future__ import annotations

import math
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
    "check_gradient_edge",
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


#: The setting of exercise ex-deriv-edge: tanh MLPs with Xavier weights times a scale, as in the chapter.
EDGE_DEPTH, EDGE_WIDTH, EDGE_SEEDS = 30, 32, (0, 1, 2)
#: Choices for the ``where`` part of :func:`check_gradient_edge`.
EDGE_WHERE: tuple[str, ...] = ("below", "at", "above")


def _edge_log_ratio(x: torch.Tensor, y: torch.Tensor, scale: float) -> float:
    """Mean over :data:`EDGE_SEEDS` of log10(gradient RMS at the first hidden layer / at the last), at init.

    The quantity of :func:`relulab.gradients.profile_rows`, from the same
    :class:`~relulab.gradients.MLPEnsemble` that :func:`~relulab.gradients.gradient_profile` builds.
    """
    from .. import gradients

    members = gradients.grid(["tanh"], ["xavier"], EDGE_SEEDS, scales=[scale])
    with torch.enable_grad():
        ens = gradients.MLPEnsemble([x.shape[1]] + [EDGE_WIDTH] * EDGE_DEPTH + [int(y.max()) + 1], members)
        out = ens(x, record=True)
        ens.member_losses(out, y).sum().backward()
    first, last = (ens.post[i].grad.pow(2).flatten(1).mean(dim=1).sqrt() for i in (0, -1))
    return float(torch.log10(first / last).mean())


def _edge_switch(x: torch.Tensor, y: torch.Tensor, low: float = 0.5, high: float = 3.0) -> float:
    """The scale where :func:`_edge_log_ratio` changes sign: bisection to 0.02, then linear interpolation."""
    r_low, r_high = _edge_log_ratio(x, y, low), _edge_log_ratio(x, y, high)
    if not r_low < 0 < r_high:
        return math.nan
    while high - low > 0.02:
        mid = (low + high) / 2
        r_mid = _edge_log_ratio(x, y, mid)
        if r_mid < 0:
            low, r_low = mid, r_mid
        else:
            high, r_high = mid, r_mid
    return low + (high - low) * (-r_low) / (r_high - r_low)


def _edge_theory() -> float:
    """The scale s with s² · n·Var(w) · E[tanh'(z)²] = 1 as z → 0 (Xavier, hidden layers of equal width)."""
    from ..gradients import derivative_moment

    n_var = EDGE_WIDTH * 2.0 / (EDGE_WIDTH + EDGE_WIDTH)
    return 1.0 / math.sqrt(n_var * derivative_moment("tanh", 1e-6))


@_guarded
def check_gradient_edge(profile: object, x: torch.Tensor, y: torch.Tensor, *, switch: float | None = None,
                        theory: float | None = None, where: str | None = None) -> Feedback:
    """Exercise ex-deriv-edge: where a 30-layer tanh network with Xavier weights × ``s`` stops vanishing.

    ``profile`` is your sweep (a :class:`relulab.gradients.GradientProfile`):
    tanh with Xavier weights, 30 hidden layers, at least three seeds per scale
    and scales on both sides of the switch. ``switch`` is the scale where the
    gradient stops vanishing (the mean over seeds of log10 of the gradient at
    the first hidden layer over the last changes sign); it passes within 0.05
    of the value found live by bisection on ``(x, y)`` with seeds 0, 1, 2.
    ``theory`` is the scale where the backward factor ``n v E[tanh'(z)²]`` is 1
    for pre-activations near 0, within 0.05; ``where`` says whether the measured
    switch is ``"below"``, ``"at"`` (within 0.05) or ``"above"`` that value.

    Problem kinds: ``setup``, ``seeds``, ``depth``, ``range`` (the sweep),
    ``switch``, ``theory``, ``where``, ``missing``.
    """
    from collections import Counter

    from .. import gradients
    from .._checks import check_scalar_in, check_tensor

    if not isinstance(profile, gradients.GradientProfile):
        raise TypeError(t("exercises.more.edge.not_profile", got=type(profile).__name__))
    check_tensor(x, "x")
    check_tensor(y, "y")
    if x.dim() != 2 or y.shape != (x.shape[0],):
        raise ValueError(t("exercises.more.edge.data", x=tuple(x.shape), y=tuple(y.shape)))
    if switch is not None:
        switch = check_scalar_in(switch, "switch", 0.0, 1e3, low_open=True)
    if theory is not None:
        theory = check_scalar_in(theory, "theory", 0.0, 1e3, low_open=True)
    if where is not None and where not in EDGE_WHERE:
        raise ValueError(t("exercises.more.edge.where_choice", got=repr(where)))

    problems: list[Problem] = []
    # the student's sweep: setting, seeds per scale, depth, and scales on both sides of the switch
    members = profile.members
    other = sorted({(m.activation, m.init) for m in members} - {("tanh", "xavier")})
    if other:
        problems.append(Problem("setup", t("exercises.more.edge.setup", got=", ".join(f"{a}/{i}" for a, i in other))))
    per_scale = Counter(m.scale for m in members)
    few = sorted(s for s, n in per_scale.items() if n < len(EDGE_SEEDS))
    if few:
        problems.append(Problem("seeds", t("exercises.more.edge.seeds", scale=_show(few[0]), n=per_scale[few[0]],
                                           want=len(EDGE_SEEDS))))
    if profile.signal.shape[1] != EDGE_DEPTH:
        problems.append(Problem("depth", t("exercises.more.edge.depth", got=profile.signal.shape[1], want=EDGE_DEPTH)))
    if not problems:
        log_ratio = np.log10(profile.signal[:, 0] / profile.signal[:, -1])
        means = {s: float(np.mean([r for m, r in zip(members, log_ratio) if m.scale == s])) for s in per_scale}
        if all(v < 0 for v in means.values()) or all(v >= 0 for v in means.values()):
            side = "vanish" if all(v < 0 for v in means.values()) else "grow"
            problems.append(Problem("range", t(f"exercises.more.edge.range_{side}", low=_show(min(means)),
                                               high=_show(max(means)))))

    # the parts, against the switch measured live
    truth = _edge_switch(x, y)
    s_theory = _edge_theory()
    if math.isnan(truth):
        raise ValueError(t("exercises.more.edge.no_switch"))
    if switch is None:
        problems.append(Problem("missing", t("exercises.answers.missing", part="switch")))
    elif abs(switch - truth) > 0.05:
        r = _edge_log_ratio(x, y, switch)
        key = "exercises.more.edge.switch_low" if r < 0 else "exercises.more.edge.switch_high"
        problems.append(Problem("switch", t(key, s=_show(switch), r=f"{r:.2f}")))
    if theory is None:
        problems.append(Problem("missing", t("exercises.answers.missing", part="theory")))
    elif abs(theory - s_theory) > 0.05:
        key = "exercises.more.edge.theory_he" if abs(theory - math.sqrt(2.0)) < 0.05 else "exercises.more.edge.theory"
        problems.append(Problem("theory", t(key, got=_show(theory))))
    want_where = "at" if abs(truth - s_theory) <= 0.05 else ("above" if truth > s_theory else "below")
    if where is None:
        problems.append(Problem("missing", t("exercises.answers.missing", part="where")))
    elif where != want_where:
        text = t("exercises.more.edge.where", got=where, want=want_where, switch=f"{truth:.2f}",
                 theory=_show(round(s_theory, 2)))
        if want_where == "above":
            text = f"{text} {t('exercises.more.edge.why_above')}"
        problems.append(Problem("where", text))
    return _feedback(t("exercises.your_answers"), problems, [t("exercises.more.checks.edge", n=len(members))])


# --------------------------------------------------------------------------- registry

register_exercise("ex-deriv-relu6", "02_derivative", check_relu6_function)
register_exercise("ex-deriv-predict", "02_derivative", check_kink_gradients)
register_exercise("ex-deriv-edge", "02_derivative", check_gradient_edge)


# --------------------------------------------------------------------------- messages

register(
    {
        "exercises.more.edge.not_profile": {
            "en": "profile must be the GradientProfile returned by gradients.gradient_profile, got {got}",
            "it": "profile deve essere il GradientProfile restituito da gradients.gradient_profile, ricevuto {got}",
        },
        "exercises.more.edge.data": {
            "en": "x must be (batch, features) and y (batch,), got shapes {x} and {y}",
            "it": "x deve essere (batch, feature) e y (batch,), ricevute le forme {x} e {y}",
        },
        "exercises.more.edge.where_choice": {
            "en": "where must be 'below', 'at' or 'above', got {got}",
            "it": "where deve essere 'below', 'at' o 'above', ricevuto {got}",
        },
        "exercises.more.edge.no_switch": {
            "en": "on this batch the gradient does not change from vanishing to growing between s = 0.5 and s = 3: pass the chapter's batch_x, batch_y",
            "it": "su questo batch il gradiente non passa da svanire a crescere fra s = 0,5 e s = 3: passate batch_x, batch_y del capitolo",
        },
        "exercises.more.checks.edge": {
            "en": "a sweep of {n} networks, and the switch measured live by bisection with seeds 0, 1, 2",
            "it": "una scansione di {n} reti, e il cambio misurato ora per bisezione con i seed 0, 1, 2",
        },
        "exercises.more.edge.setup": {
            "en": "your sweep contains {got} networks; the exercise is about tanh with Xavier weights (gradients.grid([\"tanh\"], [\"xavier\"], ...)).",
            "it": "la vostra scansione contiene reti {got}; l'esercizio riguarda la tanh con pesi di Xavier (gradients.grid([\"tanh\"], [\"xavier\"], ...)).",
        },
        "exercises.more.edge.seeds": {
            "en": "the scale s = {scale} has {n} seed(s); use at least {want} per value, or one unlucky seed decides the answer.",
            "it": "la scala s = {scale} ha {n} seed; usatene almeno {want} per valore, altrimenti un seed sfortunato decide la risposta.",
        },
        "exercises.more.edge.depth": {
            "en": "your networks have {got} hidden layers, the exercise asks for {want} (depth={want}).",
            "it": "le vostre reti hanno {got} strati nascosti, l'esercizio ne chiede {want} (depth={want}).",
        },
        "exercises.more.edge.range_vanish": {
            "en": "in your sweep (s from {low} to {high}) the gradient vanishes at every scale: add larger scales, or you cannot see where it switches.",
            "it": "nella vostra scansione (s da {low} a {high}) il gradiente svanisce per ogni scala: aggiungete scale più grandi, altrimenti non si vede dove cambia.",
        },
        "exercises.more.edge.range_grow": {
            "en": "in your sweep (s from {low} to {high}) the gradient never vanishes: add smaller scales, or you cannot see where it switches.",
            "it": "nella vostra scansione (s da {low} a {high}) il gradiente non svanisce mai: aggiungete scale più piccole, altrimenti non si vede dove cambia.",
        },
        "exercises.more.edge.switch_low": {
            "en": "switch: at s = {s} the gradient at the first hidden layer is 10^{r} times the one at the last (mean over seeds 0, 1, 2): it still vanishes, so the switch lies at a larger s.",
            "it": "switch: con s = {s} il gradiente al primo strato nascosto è 10^{r} volte quello all'ultimo (media sui seed 0, 1, 2): svanisce ancora, quindi il cambio è a un s più grande.",
        },
        "exercises.more.edge.switch_high": {
            "en": "switch: at s = {s} the gradient at the first hidden layer is already 10^{r} times the one at the last (mean over seeds 0, 1, 2): it no longer vanishes, so the switch lies at a smaller s.",
            "it": "switch: con s = {s} il gradiente al primo strato nascosto è già 10^{r} volte quello all'ultimo (media sui seed 0, 1, 2): non svanisce più, quindi il cambio è a un s più piccolo.",
        },
        "exercises.more.edge.theory": {
            "en": "theory: you answered {got}. With Xavier weights and equal widths n·v = s², and near 0 tanh′ ≈ 1: the factor s² · 1 is 1 at s = 1.",
            "it": "theory: avete risposto {got}. Con pesi di Xavier e ampiezze uguali n·v = s², e vicino a 0 tanh′ ≈ 1: il fattore s² · 1 vale 1 per s = 1.",
        },
        "exercises.more.edge.theory_he": {
            "en": "theory: you answered {got}, He's factor √2 for ReLU, whose E[φ′²] is 1/2. Near 0, tanh′ ≈ 1, so E[tanh′²] ≈ 1 and s² · 1 = 1 gives s = 1.",
            "it": "theory: avete risposto {got}, il fattore √2 di He per la ReLU, che ha E[φ′²] = 1/2. Vicino a 0 tanh′ ≈ 1, quindi E[tanh′²] ≈ 1 e s² · 1 = 1 dà s = 1.",
        },
        "exercises.more.edge.where": {
            "en": "where: you said '{got}', but the measured switch is s ≈ {switch} and the theory gives {theory} ('{want}').",
            "it": "where: avete risposto '{got}', ma il cambio misurato è s ≈ {switch} e la teoria dà {theory} ('{want}').",
        },
        "exercises.more.edge.why_above": {
            "en": "Close to s = 1 the activations shrink only slowly, so over 30 layers tanh′ stays below 1 and the factor s² · E[tanh′²] needs s a little above 1.",
            "it": "Vicino a s = 1 le attivazioni si riducono solo lentamente, quindi in 30 strati tanh′ resta sotto 1 e il fattore s² · E[tanh′²] richiede s un po' sopra 1.",
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
