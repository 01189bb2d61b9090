"""Checkers for the exercises of Chapter 2a, gradients through depth (``02a_depth``)."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import torch

from ..i18n import register, t
from .core import Feedback, Problem, _call, _check_callable, _feedback, _guarded, _show, check_answers, register_exercise

__all__ = [
    "check_depth_predictions",
    "check_clip_function",
    "check_gradient_edge",
]


#: The Leaky ReLU slope of exercise ex-depth-predict, and the depth of its network.
PREDICT_SLOPE, PREDICT_DEPTH = 0.2, 30


def _leaky_derivative_moment(slope: float) -> float:
    """E[φ'(z)²] of Leaky ReLU for a centred, symmetric z: slope² on half the inputs, 1 on the other half."""
    return (1.0 + slope * slope) / 2.0


@_guarded
def check_depth_predictions(*, leaky_factor: object = None, leaky_nv: object = None, sigmoid_log10: object = None) -> Feedback:
    """Exercise ex-depth-predict: three predictions of the backward factor per layer, before measuring it.

    Parameters
    ----------
    leaky_factor:
        The factor by which one layer of Leaky ReLU (slope 0.2) with He weights (n·v = 2) multiplies
        the gradient's RMS, for centred pre-activations (within 0.005).
    leaky_nv:
        The n·v that makes that factor exactly 1 (within 0.01).
    sigmoid_log10:
        The largest possible log10 of the gradient's RMS after 30 sigmoid layers with Xavier weights
        (n·v = 1) over the gradient before them, from σ' ≤ 1/4 (within 0.1).

    The true values follow from the backward factor n·v·E[φ'(z)²] of a layer; a wrong part is
    explained without giving its value away.
    """
    moment = _leaky_derivative_moment(PREDICT_SLOPE)
    truth = {
        "leaky_factor": math.sqrt(2.0 * moment),
        "leaky_nv": 1.0 / moment,
        "sigmoid_log10": PREDICT_DEPTH * math.log10(1.0 * 0.25),
    }
    answers = {k: v for k, v in (("leaky_factor", leaky_factor), ("leaky_nv", leaky_nv),
                                 ("sigmoid_log10", sigmoid_log10)) if v is not None}
    explain = {part: t(f"exercises.depth.why_{part}") for part in truth}
    tolerance = {"leaky_factor": 0.005, "leaky_nv": 0.01, "sigmoid_log10": 0.1}
    parts = [check_answers({k: v}, {k: truth[k]}, explain={k: explain[k]}, rtol=0.0, atol=tolerance[k])
             for k, v in answers.items()]
    problems = [p for fb in parts for p in fb.problems]
    problems += [Problem("missing", t("exercises.answers.missing", part=k)) for k in truth if k not in answers]
    return _feedback(t("exercises.your_answers"), problems, [t("exercises.checks.answers", n=len(truth))])


def _clip_reference(grads: list[torch.Tensor], max_norm: float) -> list[torch.Tensor]:
    """Global-norm clipping as ``torch.nn.utils.clip_grad_norm_`` does it, without its 1e-6 in the denominator."""
    total = math.sqrt(sum(float((g.double() ** 2).sum()) for g in grads))
    scale = min(1.0, max_norm / total) if total > 0 else 1.0
    return [g * scale for g in grads]


def _clip_cases() -> list[tuple[str, list[torch.Tensor], float]]:
    """(name, gradients, max_norm): large, small, zero, and one tensor far larger than the others."""
    gen = torch.Generator().manual_seed(0)
    big = [10 * torch.randn(4, 3, generator=gen, dtype=torch.float64), 10 * torch.randn(5, generator=gen, dtype=torch.float64)]
    small = [0.01 * torch.randn(4, 3, generator=gen, dtype=torch.float64), 0.01 * torch.randn(5, generator=gen, dtype=torch.float64)]
    zero = [torch.zeros(4, 3, dtype=torch.float64), torch.zeros(5, dtype=torch.float64)]
    uneven = [torch.full((2, 2), 0.1, dtype=torch.float64), 100 * torch.randn(6, generator=gen, dtype=torch.float64),
              torch.tensor([3.0], dtype=torch.float64)]
    return [("large", big, 5.0), ("small", small, 5.0), ("uneven", uneven, 1.0), ("zero", zero, 5.0)]


def _clip_diagnosis(got: list[torch.Tensor], grads: list[torch.Tensor], max_norm: float) -> str:
    """Which classic mistake ``got`` is: per-tensor clipping, clamping each value, or always rescaling."""
    def close(a, b):
        return len(a) == len(b) and all(torch.allclose(x, y, rtol=1e-5, atol=1e-9) for x, y in zip(a, b))

    per_tensor = [g * min(1.0, max_norm / max(float(g.norm()), 1e-300)) for g in grads]
    clamped = [g.clamp(-max_norm, max_norm) for g in grads]
    total = math.sqrt(sum(float((g ** 2).sum()) for g in grads))
    always = [g * (max_norm / total) for g in grads] if total > 0 else grads
    for key, candidate in (("per_tensor", per_tensor), ("clamped", clamped), ("always", always)):
        if close(got, candidate):
            return key
    return "value"


@_guarded
def check_clip_function(clip: Callable) -> Feedback:
    """Exercise ex-depth-clip: ``clip(grads, max_norm)`` clips a list of gradients to a global norm.

    ``clip`` takes a list of tensors and a positive float and returns a list of tensors of the same
    shapes: all of them multiplied by ``min(1, max_norm / ‖g‖)``, where ‖g‖ is the norm of all the
    gradients together (as ``torch.nn.utils.clip_grad_norm_`` does, which you should not call);
    the inputs stay unchanged. Checked on four cases: a global norm above ``max_norm``, one below,
    tensors of very different sizes, and all-zero gradients (which must not give ``nan``).

    Problem kinds: ``raised``, ``type``, ``shape``, ``nan``, ``mutated``, ``per_tensor``, ``clamped``,
    ``always``, ``value``.
    """
    _check_callable(clip, "clip")
    name = t("exercises.your_function")
    problems: list[Problem] = []
    for case, grads, max_norm in _clip_cases():
        before = [g.clone() for g in grads]
        try:
            out = _call(clip, list(grads), max_norm)
        except Exception as exc:  # noqa: BLE001 - a student's bug is feedback, not a crash
            problems.append(Problem("raised", t("exercises.depth.clip.raised", case=t(f"exercises.depth.clip.case_{case}"),
                                                exc=type(exc).__name__, msg=str(exc)[:160])))
            break
        if not all(torch.equal(a, b) for a, b in zip(grads, before)):
            problems.append(Problem("mutated", t("exercises.depth.clip.mutated")))
            break
        if not isinstance(out, (list, tuple)) or len(out) != len(grads) or not all(isinstance(o, torch.Tensor) for o in out):
            problems.append(Problem("type", t("exercises.depth.clip.type", got=type(out).__name__, n=len(grads))))
            break
        if any(o.shape != g.shape for o, g in zip(out, grads)):
            problems.append(Problem("shape", t("exercises.depth.clip.shape")))
            break
        out = [o.detach().to(torch.float64) for o in out]
        if not all(bool(torch.isfinite(o).all()) for o in out):
            key = "exercises.depth.clip.nan_zero" if case == "zero" else "exercises.depth.clip.nan"
            problems.append(Problem("nan", t(key)))
            break
        want = _clip_reference(grads, max_norm)
        if all(torch.allclose(o, w, rtol=1e-5, atol=1e-9) for o, w in zip(out, want)):
            continue
        kind = _clip_diagnosis(out, grads, max_norm)
        got_norm = math.sqrt(sum(float((o ** 2).sum()) for o in out))
        problems.append(Problem(kind, t(f"exercises.depth.clip.{kind}", case=t(f"exercises.depth.clip.case_{case}"),
                                        max_norm=_show(max_norm), got=f"{got_norm:.4g}")))
        break
    return _feedback(name, problems, [t("exercises.depth.clip.checks")])


#: The setting of exercise ex-depth-edge: tanh MLPs with Xavier weights times a scale, as in the chapter.
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
    """Exercise ex-depth-edge: where a 30-layer tanh network with Xavier weights × ``s`` stops vanishing.

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

register_exercise("ex-depth-predict", "02a_depth", check_depth_predictions)
register_exercise("ex-depth-clip", "02a_depth", check_clip_function)
register_exercise("ex-depth-edge", "02a_depth", check_gradient_edge)


# --------------------------------------------------------------------------- messages

register(
    {
        "exercises.depth.why_leaky_factor": {
            "en": "Backward, a layer multiplies the gradient's mean square by n·v·E[φ′(z)²]; for Leaky ReLU φ′ is 1 on half the inputs and the slope on the other half. The RMS factor is the square root.",
            "it": "All'indietro uno strato moltiplica il quadrato medio del gradiente per n·v·E[φ′(z)²]; per la Leaky ReLU φ′ vale 1 su metà degli ingressi e la pendenza sull'altra metà. Il fattore dell'RMS è la radice quadrata.",
        },
        "exercises.depth.why_leaky_nv": {
            "en": "The factor is 1 when n·v·E[φ′(z)²] = 1: solve for n·v (for ReLU, E[φ′²] = 1/2 gives He's 2).",
            "it": "Il fattore vale 1 quando n·v·E[φ′(z)²] = 1: ricavate n·v (per la ReLU E[φ′²] = 1/2 dà il 2 di He).",
        },
        "exercises.depth.why_sigmoid_log10": {
            "en": "With n·v = 1 each layer multiplies the RMS by at most √(E[σ′²]) ≤ 1/4; thirty such factors give a log10 of at most 30 · log10(1/4), a negative number.",
            "it": "Con n·v = 1 ogni strato moltiplica l'RMS al più per √(E[σ′²]) ≤ 1/4; trenta fattori così danno un log10 al più pari a 30 · log10(1/4), un numero negativo.",
        },
        "exercises.depth.measured": {
            "en": "Leaky ReLU slope {slope}, n·v = {nv}: predicted factor {pred}, measured {mean} (95% interval {low} to {high}, n = {n} seeds)",
            "it": "Leaky ReLU pendenza {slope}, n·v = {nv}: fattore previsto {pred}, misurato {mean} (intervallo al 95% da {low} a {high}, n = {n} seed)",
        },
        "exercises.depth.sigmoid_bound": {
            "en": "sigmoid, Xavier: log10(first / last layer) {measured} on average; bound over the 29 steps from layer 30 to layer 1: {bound}",
            "it": "sigmoide, Xavier: log10(primo / ultimo strato) {measured} in media; limite sui 29 passi dallo strato 30 allo strato 1: {bound}",
        },
        "exercises.depth.clip_demo": {
            "en": "global norm of the gradient {before}; after clip_global_norm {after}; the same tensors as clip_grad_norm_: {same}",
            "it": "norma globale del gradiente {before}; dopo clip_global_norm {after}; stessi tensori di clip_grad_norm_: {same}",
        },
        "exercises.depth.clip.checks": {
            "en": "a global norm above and below max_norm, tensors of very different sizes, all-zero gradients, inputs unchanged",
            "it": "una norma globale sopra e sotto max_norm, tensori di dimensioni molto diverse, gradienti tutti nulli, ingressi intatti",
        },
        "exercises.depth.clip.case_large": {"en": "gradients of global norm above max_norm", "it": "gradienti di norma globale sopra max_norm"},
        "exercises.depth.clip.case_small": {"en": "gradients of global norm below max_norm", "it": "gradienti di norma globale sotto max_norm"},
        "exercises.depth.clip.case_uneven": {"en": "one tensor much larger than the others", "it": "un tensore molto più grande degli altri"},
        "exercises.depth.clip.case_zero": {"en": "all-zero gradients", "it": "gradienti tutti nulli"},
        "exercises.depth.clip.raised": {
            "en": "on {case} your function raised {exc}: {msg}",
            "it": "con {case} la vostra funzione ha sollevato {exc}: {msg}",
        },
        "exercises.depth.clip.mutated": {
            "en": "it changed the gradients it was given; return new tensors (g * scale), as the exercise asks, instead of scaling in place.",
            "it": "ha modificato i gradienti ricevuti; restituite tensori nuovi (g * scale), come chiede l'esercizio, invece di scalarli sul posto.",
        },
        "exercises.depth.clip.type": {
            "en": "it returned a {got}, not a list of {n} tensors, one per gradient.",
            "it": "ha restituito un {got}, non una lista di {n} tensori, uno per gradiente.",
        },
        "exercises.depth.clip.shape": {
            "en": "a returned tensor has a different shape from its gradient; scale each gradient, do not flatten or concatenate them in the result.",
            "it": "un tensore restituito ha una forma diversa dal suo gradiente; scalate ogni gradiente, senza appiattirli o concatenarli nel risultato.",
        },
        "exercises.depth.clip.nan": {
            "en": "it returned nan or inf.",
            "it": "ha restituito nan o inf.",
        },
        "exercises.depth.clip.nan_zero": {
            "en": "with all-zero gradients it returned nan or inf: the global norm is 0 there, so max_norm / norm divides by zero. Leave gradients below max_norm unchanged (or add a small eps, as PyTorch does).",
            "it": "con gradienti tutti nulli ha restituito nan o inf: lì la norma globale è 0, quindi max_norm / norma divide per zero. Lasciate intatti i gradienti sotto max_norm (o aggiungete un piccolo eps, come fa PyTorch).",
        },
        "exercises.depth.clip.per_tensor": {
            "en": "on {case} each tensor was clipped to norm {max_norm} on its own; the norm to clip is the global one, of all the gradients together, and every tensor is multiplied by the same factor (the result's global norm is {got}).",
            "it": "con {case} ogni tensore è stato riportato a norma {max_norm} da solo; la norma da limitare è quella globale, di tutti i gradienti insieme, e ogni tensore va moltiplicato per lo stesso fattore (la norma globale del risultato è {got}).",
        },
        "exercises.depth.clip.clamped": {
            "en": "on {case} each value was clamped to ±{max_norm}; that changes the gradient's direction. Rescale all the gradients by one factor so that their global norm is at most {max_norm}.",
            "it": "con {case} ogni valore è stato limitato a ±{max_norm}; così cambia la direzione del gradiente. Riscalate tutti i gradienti per un unico fattore in modo che la loro norma globale sia al più {max_norm}.",
        },
        "exercises.depth.clip.always": {
            "en": "on {case} the gradients were rescaled to norm {max_norm} although their global norm was already below it; clipping only shrinks (factor min(1, max_norm / norm)).",
            "it": "con {case} i gradienti sono stati riscalati a norma {max_norm} anche se la loro norma globale era già sotto; il clipping riduce soltanto (fattore min(1, max_norm / norma)).",
        },
        "exercises.depth.clip.value": {
            "en": "on {case} the result is not the gradients times min(1, max_norm / global norm), with max_norm = {max_norm} (the result's global norm is {got}).",
            "it": "con {case} il risultato non è i gradienti per min(1, max_norm / norma globale), con max_norm = {max_norm} (la norma globale del risultato è {got}).",
        },
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
    }
)
