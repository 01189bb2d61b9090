"""Checkers for the exercises of Chapter 4, dying ReLU (``04_dying_relu``)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import torch

from ..i18n import register, t
from .core import Feedback, Problem, _brief, _call, _ch5_number, _feedback, _guarded, _show, register_exercise

__all__ = [
    "check_dead_masks",
    "check_fire_on_test",
    "check_bias_death",
]




@_guarded
def check_dead_masks(masks: Mapping[str, object], model: torch.nn.Module, data: object) -> Feedback:
    """Exercise ex-dying-find: your dead-unit masks (layer name -> bool per unit) against :func:`relulab.dying.dead_units`."""
    from .. import dying

    if not isinstance(masks, Mapping):
        raise TypeError(t("exercises.dead.not_mapping", got=type(masks).__name__))
    truth = _call(dying.dead_units, model, data, what="model")
    problems: list[Problem] = []
    missing, extra = sorted(set(truth) - set(masks)), sorted(set(masks) - set(truth))
    if missing or extra:
        problems.append(Problem("layers", t("exercises.dead.layers", missing=", ".join(missing) or "-",
                                            extra=", ".join(map(str, extra)) or "-", want=", ".join(truth))))
    for name in (n for n in truth if n in masks):
        want = truth[name].numpy()
        try:
            got = np.asarray(masks[name].detach().cpu() if isinstance(masks[name], torch.Tensor) else masks[name])
        except Exception:  # noqa: BLE001 - a ragged list or an object numpy cannot read
            got = np.zeros(0, dtype=object)
        if got.shape != want.shape:
            problems.append(Problem("shape", t("exercises.dead.shape", layer=name, got=tuple(got.shape), n=want.size)))
        elif got.dtype != np.bool_:
            problems.append(Problem("dtype", t("exercises.sparsity.dead_dtype", dtype=str(got.dtype))))
        elif not np.array_equal(got, want):
            if np.array_equal(got, ~want):
                key = "exercises.dead.inverted"
            elif (got & ~want).any() and not (want & ~got).any():
                key = "exercises.dead.too_many"
            else:
                key = "exercises.dead.wrong"
            problems.append(Problem("mask", t(key, layer=name, got=int(got.sum()), want=int(want.sum()))))
    return _feedback(t("exercises.your_masks"), problems, [t("exercises.checks.dead", layers=len(truth))])


@_guarded
def check_fire_on_test(counts: Sequence[int], models: Sequence[torch.nn.Module], x_train: torch.Tensor,
                       x_test: torch.Tensor, *, layer: str = "act1") -> Feedback:
    """Exercise ex-dying-test: for each model, how many units of ``layer`` dead on ``x_train`` fire on ``x_test``."""
    from .. import dying
    from .._checks import check_module

    if isinstance(counts, (str, bytes)) or not isinstance(counts, (Sequence, np.ndarray, torch.Tensor)):
        raise TypeError(t("exercises.fire.not_counts", got=type(counts).__name__))
    if isinstance(models, torch.nn.Module) or not isinstance(models, Sequence):
        raise TypeError(t("exercises.fire.not_models", got=type(models).__name__))
    for i, net in enumerate(models):
        check_module(net, f"models[{i}]")
    counts = list(counts)
    if len(counts) != len(models):
        raise ValueError(t("exercises.fire.length", n=len(counts), m=len(models)))
    problems: list[Problem] = []
    for i, (answer, net) in enumerate(zip(counts, models)):
        got = _ch5_number(answer)
        if got is None or not got.is_integer() or got < 0:
            problems.append(Problem("format", t("exercises.fire.format", i=i, got=_brief(answer))))
            continue
        got = int(got)
        on_train = _call(dying.dead_units, net, x_train, layers=[layer], what=f"models[{i}]")[layer]
        on_test = _call(dying.dead_units, net, x_test, layers=[layer], what=f"models[{i}]")[layer]
        want = int((on_train & ~on_test).sum())
        if got != want:
            if got == int((on_train & on_test).sum()):
                key = "exercises.fire.silent"
            elif int(got) == int(on_train.sum()):
                key = "exercises.fire.all_dead"
            else:
                key = "exercises.fire.value"
            problems.append(Problem("count", t(key, i=i, got=got, want=want, dead=int(on_train.sum()))))
    return _feedback(t("exercises.your_counts"), problems, [t("exercises.checks.fire", n=len(models))])


#: Exercise ex-dying-bias: width, depth and networks of the Monte Carlo, and the bias_std of each comparison
#: (part -> (inputs, bias_std compared, bias_std of reference)).
BIAS_DEATH_NETS: tuple[int, int, int] = (4, 20, 1000)
BIAS_DEATH_PARTS: dict[str, tuple[str, float, float]] = {
    "one_input": ("one", 3.0, 0.0),
    "small": ("many", 0.3, 0.0),
    "large": ("many", 3.0, 0.3),
}
#: Answers of :func:`check_bias_death`.
BIAS_DEATH_CHOICES: tuple[str, ...] = ("more", "less", "same")


@_guarded
def check_bias_death(one: object, many: object, *, one_input: str | None = None, small: str | None = None,
                     large: str | None = None) -> Feedback:
    """Exercise ex-dying-bias: do random biases change the chance that a ReLU network is born dead?

    Each part is ``"more"``, ``"less"`` or ``"same"`` (within three standard
    errors of the difference) and compares two Monte Carlo estimates of
    :func:`relulab.dying.born_dead_monte_carlo` (width 4, depth 20, 1,000
    networks, seed 7 on ``one`` and 8 on ``many``, as in the chapter's solution):

    - ``one_input``: at the single input ``one``, ``bias_std = 3`` against no bias;
    - ``small``: on the inputs ``many`` (100 digits), ``bias_std = 0.3`` against no bias;
    - ``large``: on ``many``, ``bias_std = 3`` against ``bias_std = 0.3``.

    Problem kinds: ``one_input``, ``small``, ``large``, ``missing``.
    """
    from .. import dying
    from ..i18n import keys as i18n_keys

    inputs = {}
    for name, value, n_min, n_max in (("one", one, 1, 1), ("many", many, 2, None)):
        arr = torch.as_tensor(np.asarray(value.detach() if isinstance(value, torch.Tensor) else value, dtype=np.float64))
        if arr.ndim == 1:
            arr = arr.unsqueeze(0)
        if arr.ndim != 2 or arr.shape[0] < n_min or (n_max is not None and arr.shape[0] > n_max):
            raise ValueError(t(f"exercises.more.bias.shape_{name}", shape=tuple(arr.shape)))
        inputs[name] = arr
    answers = {"one_input": one_input, "small": small, "large": large}
    for part, got in answers.items():
        if got is not None and got not in BIAS_DEATH_CHOICES:
            raise ValueError(t("exercises.more.bias.choice", part=part, got=repr(got)))

    width, depth, n_nets = BIAS_DEATH_NETS
    seeds = {"one": 7, "many": 8}
    estimates: dict[tuple[str, float], tuple[float, float]] = {}

    def estimate(which: str, std: float) -> tuple[float, float]:
        if (which, std) not in estimates:
            mc = dying.born_dead_monte_carlo(width, depth, inputs[which], n_nets=n_nets, seed=seeds[which], bias_std=std)
            estimates[(which, std)] = (float(mc.p[-1]), float(mc.se[-1]))
        return estimates[(which, std)]

    problems: list[Problem] = []
    for part, (which, std, base) in BIAS_DEATH_PARTS.items():
        (p, se), (p0, se0) = estimate(which, std), estimate(which, base)
        want = "same" if abs(p - p0) <= 3 * math.hypot(se, se0) else ("more" if p > p0 else "less")
        got = answers[part]
        if got is None:
            problems.append(Problem("missing", t("exercises.answers.missing", part=part)))
        elif got != want:
            text = t(f"exercises.more.bias.{part}", got=got, want=want, p=f"{p:.3f} ± {se:.3f}", p0=f"{p0:.3f} ± {se0:.3f}",
                     n=inputs[which].shape[0], std=_show(std), base=_show(base))
            why = f"exercises.more.bias.why_{part}_{want}"  # explained where the book explains it
            problems.append(Problem(part, f"{text} {t(why)}" if why in i18n_keys() else text))
    return _feedback(t("exercises.your_answers"), problems,
                     [t("exercises.more.checks.bias", n=n_nets, width=width, depth=depth)])


# --------------------------------------------------------------------------- registry

register_exercise("ex-dying-find", "04_dying_relu", check_dead_masks)
register_exercise("ex-dying-test", "04_dying_relu", check_fire_on_test)
register_exercise("ex-dying-bias", "04_dying_relu", check_bias_death)


# --------------------------------------------------------------------------- messages

register(
    {
        "exercises.more.bias.shape_one": {
            "en": "one must be a single input, shape (1, features), got shape {shape}",
            "it": "one deve essere un solo ingresso, forma (1, feature), ricevuta la forma {shape}",
        },
        "exercises.more.bias.shape_many": {
            "en": "many must be several inputs, shape (n, features) with n ≥ 2, got shape {shape}",
            "it": "many deve contenere più ingressi, forma (n, feature) con n ≥ 2, ricevuta la forma {shape}",
        },
        "exercises.more.bias.choice": {
            "en": "{part} must be 'more', 'less' or 'same', got {got}",
            "it": "{part} deve essere 'more', 'less' o 'same', ricevuto {got}",
        },
        "exercises.more.checks.bias": {
            "en": "three comparisons of Monte Carlo estimates over {n} networks of width {width} and depth {depth}, run live",
            "it": "tre confronti fra stime Monte Carlo su {n} reti di ampiezza {width} e profondità {depth}, eseguite ora",
        },
        "exercises.more.bias.one_input": {
            "en": "one_input: you said '{got}', but at one input P(born dead) is {p} with bias_std = {std} and {p0} without bias ('{want}').",
            "it": "one_input: avete risposto '{got}', ma per un ingresso P(nata morta) è {p} con bias_std = {std} e {p0} senza bias ('{want}').",
        },
        "exercises.more.bias.small": {
            "en": "small: you said '{got}', but on the {n} inputs P(born dead) is {p} with bias_std = {std} and {p0} without bias ('{want}').",
            "it": "small: avete risposto '{got}', ma sui {n} ingressi P(nata morta) è {p} con bias_std = {std} e {p0} senza bias ('{want}').",
        },
        "exercises.more.bias.large": {
            "en": "large: you said '{got}', but on the {n} inputs P(born dead) is {p} with bias_std = {std} and {p0} with bias_std = {base} ('{want}').",
            "it": "large: avete risposto '{got}', ma sui {n} ingressi P(nata morta) è {p} con bias_std = {std} e {p0} con bias_std = {base} ('{want}').",
        },
        "exercises.more.bias.why_one_input_same": {
            "en": "The derivation uses only the symmetry of w·h + b about 0, and a symmetric random bias keeps it.",
            "it": "Il ragionamento usa solo la simmetria di w·h + b attorno a 0, e un bias casuale simmetrico la conserva.",
        },
        "exercises.more.bias.why_small_less": {
            "en": "Without biases an input whose layer is all zero stays zero in every later layer; with biases the next layer outputs max(0, b), rarely all zero, so that input comes back: the network dies only if every input is zero at the same layer.",
            "it": "Senza bias un ingresso il cui strato è tutto nullo resta nullo in ogni strato successivo; con i bias lo strato dopo dà max(0, b), raramente tutto nullo, quindi quell'ingresso torna in vita: la rete muore solo se ogni ingresso è nullo nello stesso strato.",
        },
        "exercises.more.bias.why_large_more": {
            "en": "Large biases swamp the weights' contribution: every input produces almost the same activations, and many inputs behave like one.",
            "it": "I bias grandi sommergono il contributo dei pesi: ogni ingresso produce quasi le stesse attivazioni, e molti ingressi si comportano come uno solo.",
        },
        "exercises.your_masks": {"en": "your masks", "it": "le vostre maschere"},
        "exercises.dead.not_mapping": {
            "en": "masks must be a dict from layer name to a boolean mask, got {got}",
            "it": "masks deve essere un dizionario da nome dello strato a maschera booleana, ricevuto {got}",
        },
        "exercises.checks.dead": {
            "en": "the masks of {layers} activation layers against dying.dead_units",
            "it": "le maschere di {layers} strati di attivazione confrontate con dying.dead_units",
        },
        "exercises.dead.layers": {
            "en": "the layers do not match: missing {missing}, not activation layers {extra}; expected {want}.",
            "it": "gli strati non corrispondono: mancano {missing}, non sono strati di attivazione {extra}; attesi {want}.",
        },
        "exercises.dead.shape": {
            "en": "{layer}: mask of shape {got}, expected one value per unit ({n}); reduce over the examples (dim 0).",
            "it": "{layer}: maschera di forma {got}, atteso un valore per unità ({n}); riducete sugli esempi (dim 0).",
        },
        "exercises.dead.inverted": {
            "en": "{layer}: your mask is inverted ({got} units instead of {want}): you marked the units that are alive.",
            "it": "{layer}: la vostra maschera è invertita ({got} unità invece di {want}): avete segnato le unità vive.",
        },
        "exercises.dead.too_many": {
            "en": "{layer}: {got} units marked dead, {want} are: some of yours fire on some example. Were all batches recorded (`keep=\"all\"`), and is the test `== 0` on every example (`all`), not on some (`any`)?",
            "it": "{layer}: {got} unità segnate come morte, lo sono {want}: alcune delle vostre si accendono su qualche esempio. Avete registrato tutti i batch (`keep=\"all\"`), e il test è `== 0` su ogni esempio (`all`), non su qualcuno (`any`)?",
        },
        "exercises.dead.wrong": {
            "en": "{layer}: {got} units marked dead, expected {want}, and the masks differ.",
            "it": "{layer}: {got} unità segnate come morte invece di {want}, e le maschere differiscono.",
        },
        "exercises.fire.length": {
            "en": "give one count per model: {n} counts for {m} models",
            "it": "date un conteggio per modello: {n} conteggi per {m} modelli",
        },
        "exercises.checks.fire": {
            "en": "counts of {n} models, recomputed live",
            "it": "conteggi di {n} modelli, ricalcolati ora",
        },
        "exercises.fire.silent": {
            "en": "model {i}: you counted {got}, the units dead on the training set that stay silent on the test set; the question asks for those that fire there ({want}).",
            "it": "modello {i}: avete contato {got}, le unità morte sull'insieme di addestramento che restano mute sull'insieme di test; la domanda chiede quelle che lì si accendono ({want}).",
        },
        "exercises.fire.all_dead": {
            "en": "model {i}: {got} is the number of units dead on the training set; of those, {want} fire on at least one test digit.",
            "it": "modello {i}: {got} è il numero di unità morte sull'insieme di addestramento; di queste, {want} si accendono su almeno una cifra di test.",
        },
        "exercises.fire.value": {
            "en": "model {i}: you counted {got}, expected {want} (of {dead} units dead on the training set).",
            "it": "modello {i}: avete contato {got} invece di {want} (su {dead} unità morte sull'insieme di addestramento).",
        },
        "exercises.fire.format": {
            "en": "counts[{i}]: {got} is not a count; write a whole number of units (0, 1, 2, ...).",
            "it": "counts[{i}]: {got} non è un conteggio; scrivete un numero intero di unità (0, 1, 2, ...).",
        },
        "exercises.fire.not_counts": {
            "en": "counts must be a list with one count per model, got {got}",
            "it": "counts deve essere una lista con un conteggio per modello, ricevuto {got}",
        },
        "exercises.fire.not_models": {
            "en": "models must be a list of torch.nn.Module, got {got}",
            "it": "models deve essere una lista di torch.nn.Module, ricevuto {got}",
        },
    }
)
