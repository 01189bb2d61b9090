"""One Transformer, two domains: do ReLU feed-forward units die more on text than on images?

The course notes claim that ReLU suits *heterogeneous* data (image patches)
better than *homogeneous* data (text), because on text "dying and rarely-active
units are more of a problem". This module tests that claim with a design in
which **the data are the only difference**:

- **One model.** The small pre-norm decoder of :mod:`relulab.transformer`
  (:class:`~relulab.transformer.TinyLM`: learned token and position
  embeddings, :class:`~relulab.transformer.Block` with causal attention and a
  ReLU feed-forward network, optionally GELU), with the same width, depth,
  context and vocabulary size in every domain. With the same seed the initial
  weights are therefore *identical* across domains, and the runs of two domains
  pair up seed by seed.
- **One task.** Next-token prediction over a vocabulary of ``vocab`` tokens
  (64 by default), on a stream of the same number of tokens in every domain
  (the first 90% for training, the last 10% for validation):

  * ``"text"``: real prose, character by character — the frozen English and
    Italian corpora of chapters 5 and 5b (:func:`relulab.text.book_prose`,
    shipped with the book, no download); the ``vocab - 1`` most frequent
    characters keep their own token, every other character is token 0;
  * ``"digits"``: scikit-learn's 8×8 handwritten digits, each cut into 16
    patches of 2×2 pixels read in raster order (ViT-style: a patch is a token),
    image after image;
  * ``"photos"``: the 19 photographs that ship inside scikit-image
    (:func:`relulab.images.skimage_photographs`: from an astronaut and a cat to
    bricks, coins, cells under a microscope and the Hubble deep field), each a
    grey 156×156 square, cut into 4×4 patches read in raster order, photo after
    photo (1,521 patches each).

  Image patches are turned into tokens by a codebook of ``vocab`` centroids
  (:func:`kmeans_codebook`, fitted on the training patches only), so both
  domains are next-token prediction over vocabularies of the same size.
- **One protocol.** AdamW (weight decay 0.01, 10% linear warm-up, float64),
  the same batch size, steps and seeds; the learning rate of each domain is
  tuned on validation loss from the same grid, on tuning seeds that are never
  reported (:func:`two_domains`), and every domain is also reported at one
  shared rate. :func:`train_models` trains all the models of a grid at once
  (``torch.func.vmap`` over stacked weights; Adam is element-wise, so this is
  exactly independent training, only faster). At full scale every model trains
  to a plateau of validation loss (a stated stopping rule, see
  :func:`train_models`) and is measured at its best evaluation; the same seeds
  also train a GELU and a SwiGLU FFN at each domain's tuned rate, references
  for the loss.

The mechanism is measured on the real FFN inputs and pre-activations of the
trained models, on a fixed validation batch (:func:`ffn_measures`): the
effective rank and the largest eigenvalue share of the covariance of the FFN
input (the LayerNorm output, :func:`relulab.heterogeneity.effective_rank`),
the share of *dead* units (never active on the batch), of *rarely active*
units (active on fewer than 1% of the tokens, dead ones included) and the
per-token activity (the mean share of FFN units active on a token, the
quantity whose smallness Li et al. 2023 call the "lazy neuron phenomenon" and
Mirzadeh et al. 2024 exploit). Validation losses are reported beside unigram
and bigram baselines (:func:`ngram_baselines`) so that one can see whether the
models learned.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from ._checks import check_finite_array, check_int_in, check_scalar_in, check_seeds, check_sequence
from .heterogeneity import covariance_spectrum, effective_rank
from .data import digits_arrays
from .images import SKIMAGE_PHOTOS, digit_images, skimage_photographs
from .i18n import register
from .probes import ActivationRecorder
from .replication import experiment
from .transformer import TinyLM, lm_batches, validation_batch

__all__ = [
    "DOMAINS",
    "RARE",
    "TokenDomain",
    "text_stream",
    "digit_patches",
    "photo_patches",
    "kmeans_codebook",
    "make_domain",
    "ngram_baselines",
    "ffn_measures",
    "train_models",
    "two_domains",
]

#: The domains :func:`make_domain` builds.
DOMAINS: tuple[str, ...] = ("text", "digits", "photos")

#: A unit active on fewer than this share of the validation tokens is "rarely active".
RARE = 0.01

register(
    {
        "twodomains.domain": {"en": "domain", "it": "dominio"},
        "twodomains.text": {"en": "text", "it": "testo"},
        "twodomains.digits": {"en": "digits", "it": "cifre"},
        "twodomains.photos": {"en": "photos", "it": "foto"},
        "twodomains.lr": {"en": "lr", "it": "lr"},
        "twodomains.unigram": {"en": "unigram", "it": "unigramma"},
        "twodomains.bigram": {"en": "bigram", "it": "bigramma"},
        "twodomains.val_loss": {"en": "validation loss", "it": "loss di validazione"},
        "twodomains.tuning_loss": {"en": "tuning loss", "it": "loss di taratura"},
        "twodomains.dead": {"en": "dead", "it": "morte"},
        "twodomains.rare": {"en": "rarely active", "it": "raramente attive"},
        "twodomains.active": {"en": "active per token", "it": "attive per token"},
        "twodomains.eff_rank": {"en": "eff. rank of FFN input", "it": "rango eff. dell'ingresso FFN"},
        "twodomains.lam_max": {"en": "λmax share", "it": "quota di λmax"},
        "twodomains.scale": {"en": "scale", "it": "scala"},
        "twodomains.scale.book": {"en": "book (live)", "it": "libro (dal vivo)"},
        "twodomains.scale.full": {"en": "full (recorded)", "it": "completa (registrata)"},
        "twodomains.setting": {"en": "rate", "it": "learning rate"},
        "twodomains.setting.tuned": {"en": "tuned", "it": "tarato"},
        "twodomains.setting.shared": {"en": "shared", "it": "comune"},
        "twodomains.measure": {"en": "measure", "it": "misura"},
        "twodomains.image": {"en": "images", "it": "immagini"},
        "twodomains.difference": {"en": "text − images [95% CI]", "it": "testo − immagini [IC 95%]"},
        "twodomains.outcome": {"en": "outcome", "it": "esito"},
        "twodomains.outcome.higher": {"en": "text higher", "it": "testo più alto"},
        "twodomains.outcome.lower": {"en": "text lower", "it": "testo più basso"},
        "twodomains.outcome.none": {"en": "not shown", "it": "non dimostrata"},
        "twodomains.seed_axis": {"en": "share of FFN units", "it": "quota di unità della FFN"},
        "twodomains.steps": {"en": "steps", "it": "passi"},
        "twodomains.plateau": {"en": "plateau", "it": "plateau"},
        "twodomains.stop": {"en": "stop", "it": "arresto"},
        "twodomains.best_step": {"en": "best step", "it": "passo migliore"},
        "twodomains.relu_gelu": {"en": "ReLU − GELU loss [95% CI]", "it": "loss ReLU − GELU [IC 95%]"},
        "twodomains.positive": {"en": "positive per token", "it": "positive per token"},
        "twodomains.relu_swiglu": {"en": "ReLU − SwiGLU loss [95% CI]", "it": "loss ReLU − SwiGLU [IC 95%]"},
        "twodomains.interaction_gelu": {"en": "difference of the ReLU − GELU loss gaps [95% CI]",
                                        "it": "differenza degli scarti di loss ReLU − GELU [IC 95%]"},
        "twodomains.interaction_swiglu": {"en": "difference of the ReLU − SwiGLU loss gaps [95% CI]",
                                          "it": "differenza degli scarti di loss ReLU − SwiGLU [IC 95%]"},
        "twodomains.rank_axis": {"en": "effective rank of the FFN input", "it": "rango effettivo dell'ingresso della FFN"},
    }
)


@dataclass(frozen=True)
class TokenDomain:
    """A domain as token streams: ``train`` and ``val`` hold ids in ``[0, vocab)``."""

    name: str
    train: np.ndarray
    val: np.ndarray
    vocab: int


def text_stream(vocab: int = 64) -> np.ndarray:
    """The frozen prose of chapters 5 and 5b (English, then Italian) as character ids in ``[0, vocab)``.

    The ``vocab - 1`` most frequent characters get ids 1, 2, ... (most
    frequent first, ties broken by the character); every other character is 0.
    """
    from .text import book_prose

    vocab = check_int_in(vocab, "vocab", 2, 100_000)
    prose = "\n\n".join(book_prose(lang, ["05_domains", "05b_transformers"]) for lang in ("en", "it"))
    counts: dict[str, int] = {}
    for c in prose:
        counts[c] = counts.get(c, 0) + 1
    kept = sorted(counts, key=lambda c: (-counts[c], c))[: vocab - 1]
    index = {c: i + 1 for i, c in enumerate(kept)}
    return np.fromiter((index.get(c, 0) for c in prose), dtype=np.int64, count=len(prose))


def _patch_grid(img: np.ndarray, patch: int) -> np.ndarray:
    """``(rows, cols)`` image -> ``(rows//patch * cols//patch, patch*patch)`` patches in raster order."""
    r, c = (img.shape[0] // patch) * patch, (img.shape[1] // patch) * patch
    g = img[:r, :c].reshape(r // patch, patch, c // patch, patch).transpose(0, 2, 1, 3)
    return g.reshape(-1, patch * patch)


def digit_patches(patch: int = 2) -> np.ndarray:
    """scikit-learn's digits cut into ``patch × patch`` patches: ``(images * patches, patch**2)``, raster order.

    The digits are :func:`relulab.images.digit_images` (``load_digits().images``, read without importing
    scikit-learn), grey levels divided by 16.
    """
    patch = check_int_in(patch, "patch", 1, 8)
    if 8 % patch:
        raise ValueError(f"patch must divide 8 (the digits are 8×8), got {patch}")
    images = digit_images().astype(np.float64) / 16.0
    return np.concatenate([_patch_grid(im, patch) for im in images])


def photo_patches(patch: int = 4) -> np.ndarray:
    """scikit-image's 19 bundled photographs in grey levels (0..1), cut into ``patch × patch`` patches.

    Each photo is a 156×156 square (:func:`relulab.images.skimage_photographs`),
    read patch by patch in raster order, photo after photo in the order of
    :data:`relulab.images.SKIMAGE_PHOTOS`.
    """
    patch = check_int_in(patch, "patch", 1, 64)
    photos = skimage_photographs(156).values()
    return np.concatenate([_patch_grid(im.astype(np.float64) / 255.0, patch) for im in photos])


def kmeans_codebook(x: np.ndarray, k: int, *, seed: int = 0, iters: int = 25) -> np.ndarray:
    """``k`` centroids of the rows of ``x``: k-means++ seeding (``seed``), then ``iters`` Lloyd steps.

    Plain NumPy, so the codebook is the same on every machine. An empty
    cluster keeps its centroid.
    """
    x = check_finite_array(x, "x").astype(np.float64)
    if x.ndim != 2 or x.shape[0] == 0 or x.shape[1] == 0:
        raise ValueError(f"x must be a 2-D array of patches (one per row), got shape {x.shape}")
    k = check_int_in(k, "k", 1, x.shape[0])
    iters = check_int_in(iters, "iters", 0, 10_000)
    rng = np.random.default_rng(check_int_in(seed, "seed", 0, 2**32 - 1))
    centres = [x[rng.integers(x.shape[0])]]
    d2 = ((x - centres[0]) ** 2).sum(axis=1)
    for _ in range(1, k):
        total = d2.sum()
        i = int(rng.choice(x.shape[0], p=d2 / total)) if total > 0 else int(rng.integers(x.shape[0]))
        centres.append(x[i])
        d2 = np.minimum(d2, ((x - x[i]) ** 2).sum(axis=1))
    c = np.array(centres)
    for _ in range(iters):
        assign = _nearest(x, c)
        counts = np.bincount(assign, minlength=k)
        sums = np.stack([np.bincount(assign, weights=x[:, j], minlength=k) for j in range(x.shape[1])], axis=1)
        full = counts > 0
        c[full] = sums[full] / counts[full, None]
    return c


def _nearest(x: np.ndarray, c: np.ndarray) -> np.ndarray:
    d = (x**2).sum(1)[:, None] - 2 * x @ c.T + (c**2).sum(1)[None, :]
    return d.argmin(axis=1)


def make_domain(name: str, *, vocab: int = 64, tokens: int = 28_000, val_share: float = 0.1) -> TokenDomain:
    """The first ``tokens`` tokens of domain ``name`` (one of :data:`DOMAINS`), split into training and validation.

    The last ``val_share`` of the stream is for validation (for the digits: the
    last images; for the photos, with the default 28,000 tokens: the last
    photos: the last 657 patches of ``page``, ``retina``, ``rocket`` and the first 622
    patches of ``text``, whose other 899 patches are not used). The
    image codebook (``vocab`` centroids) is fitted on the training patches only.
    """
    if name not in DOMAINS:
        raise ValueError(f"name must be one of {DOMAINS}, got {name!r}")
    vocab = check_int_in(vocab, "vocab", 2, 4096)
    tokens = check_int_in(tokens, "tokens", 100, 10_000_000)
    val_share = check_scalar_in(val_share, "val_share", 0.0, 0.5, low_open=True)
    if name == "text":
        stream = text_stream(vocab)
    else:
        patches = digit_patches(2) if name == "digits" else photo_patches(4)
        patches = patches[:tokens]
        cut = len(patches) - int(round(val_share * len(patches)))
        stream = _nearest(patches, kmeans_codebook(patches[:cut], vocab, seed=0)).astype(np.int64)
    if len(stream) < tokens:
        raise ValueError(f"tokens must be at most the length of the {name} stream ({len(stream)}), got {tokens}")
    stream = stream[:tokens]
    cut = len(stream) - int(round(val_share * len(stream)))
    return TokenDomain(name, stream[:cut], stream[cut:], vocab)


def _check_domain(domain: object, name: str = "domain") -> TokenDomain:
    if not isinstance(domain, TokenDomain):
        raise TypeError(f"{name} must be a TokenDomain (see make_domain), got {type(domain).__name__}")
    return domain


def ngram_baselines(domain: TokenDomain, context: int) -> dict[str, float]:
    """Cross-entropy (nats per token) of add-one unigram and bigram models fitted on ``domain.train``.

    Measured on exactly the targets of :func:`relulab.transformer.validation_batch`
    (the tokens on which the models' validation loss is measured); the bigram
    predicts each target from the token before it.
    """
    d = _check_domain(domain)
    context = check_int_in(context, "context", 1, 100_000)
    x, y = validation_batch(d.val, context)
    x, y = x.numpy().ravel(), y.numpy().ravel()
    uni = np.bincount(d.train, minlength=d.vocab) + 1.0
    uni /= uni.sum()
    big = np.ones((d.vocab, d.vocab))
    np.add.at(big, (d.train[:-1], d.train[1:]), 1.0)
    big /= big.sum(axis=1, keepdims=True)
    return {"unigram": float(-np.log(uni[y]).mean()), "bigram": float(-np.log(big[x, y]).mean())}


@torch.no_grad()
def ffn_measures(model: TinyLM, idx: torch.Tensor) -> dict[str, list[float]]:
    """The FFN of every block of ``model`` on the tokens of ``idx`` (``(batch, time)`` ids), one value per layer:

    - ``eff_rank``: effective rank of the covariance of the FFN input (the output of ``ln2``);
    - ``lam_max``: share of that covariance's variance along its first eigenvector;
    - ``dead``: share of FFN units whose pre-activation is never positive (for
      SwiGLU, the gate's pre-activation: the unit's "on" switch);
    - ``rare``: share of units positive on fewer than :data:`RARE` of the tokens (dead ones included);
    - ``active``: mean over tokens of the share of units positive on the token.
    """
    if not isinstance(model, TinyLM):
        raise TypeError(f"model must be a TinyLM, got {type(model).__name__}")
    if not isinstance(idx, torch.Tensor) or idx.is_floating_point() or idx.dim() != 2 or idx.numel() == 0:
        raise ValueError(f"idx must be a 2-D integer tensor of token ids (batch, time), got {idx!r:.60}")
    if idx.shape[1] > model.context or int(idx.min()) < 0 or int(idx.max()) >= model.tok.num_embeddings:
        raise ValueError(f"idx must hold at most {model.context} ids per row, in [0, {model.tok.num_embeddings - 1}]")
    n = len(model.blocks)
    switch = "gate" if model.kind == "swiglu" else "up"  # the projection whose sign turns a unit on
    ins, ups = [f"blocks.{i}.ln2" for i in range(n)], [f"blocks.{i}.ffn.{switch}" for i in range(n)]
    was = model.training
    model.eval()
    try:
        with ActivationRecorder(model, ins + ups) as rec:
            model(idx)
    finally:
        model.train(was)
    out: dict[str, list[float]] = {"eff_rank": [], "lam_max": [], "dead": [], "rare": [], "active": []}
    for name_in, name_up in zip(ins, ups):
        h = rec.outputs[name_in].reshape(-1, rec.outputs[name_in].shape[-1]).double().numpy()
        on = (rec.outputs[name_up] > 0).reshape(-1, rec.outputs[name_up].shape[-1]).double()
        per_unit = on.mean(dim=0)
        out["eff_rank"].append(effective_rank(h))
        out["lam_max"].append(float(covariance_spectrum(h)[0]))
        out["dead"].append(float((per_unit == 0).double().mean()))
        out["rare"].append(float((per_unit < RARE).double().mean()))
        out["active"].append(float(on.mean()))
    return out


def train_models(
    domains: Sequence[TokenDomain],
    runs: Sequence[tuple[int, int, float]],
    *,
    kind: str = "relu",
    steps: int = 200,
    batch_size: int = 8,
    d_model: int = 16,
    n_head: int = 2,
    n_layer: int = 2,
    context: int = 16,
    evals: int = 10,
    patience: int = 0,
    tol: float = 0.0,
) -> list[dict]:
    """Train one :class:`TinyLM` per ``(domain index, seed, lr)`` of ``runs``, all at once, and measure them.

    Each model is what :func:`relulab.transformer.train_lm` would train, in
    float64: ``torch.manual_seed(seed)`` then the model (so the same seed gives
    the same initial weights in every domain), batches from
    :func:`relulab.transformer.lm_batches` with that seed, AdamW (betas 0.9 and
    0.999, eps 1e-8, weight decay 0.01) with the rate warmed up linearly over the
    first 10% of the steps. The models are stacked and trained with one
    vmapped forward pass; Adam is element-wise, so each model follows its own
    trajectory.

    The validation loss is evaluated every ``max(1, steps // evals)``
    steps (and after the last). With ``patience = 0`` every model trains for
    all ``steps`` and is measured as it ends. With ``patience > 0`` a
    model trains **to a plateau of validation loss**: it stops (and leaves the
    vmapped batch) at the first evaluation at which its best validation loss improved by
    less than the relative amount ``tol`` over the last ``patience``
    evaluations, and it is measured at its best evaluation (early stopping);
    the loop ends when every model has stopped, or after ``steps``.

    Returns, per run: ``domain``, ``seed``, ``lr``, ``val_loss`` (nats per
    token on :func:`relulab.transformer.validation_batch`, of the measured
    model), ``val_curve`` (the validation loss at each evaluation until the
    model stopped) and ``val_steps`` (the steps of those evaluations),
    ``plateau`` (whether the model stopped by the rule before the budget
    ran out; always False with ``patience = 0``), ``stop`` (the steps it
    trained), ``best_step`` (the step of the measured model), ``curve`` (the
    mean training loss of each tenth of its steps), ``final_train`` (its last
    value) and the :func:`ffn_measures`.
    """
    from torch.func import functional_call, stack_module_state

    domains = [_check_domain(d, f"domains[{i}]") for i, d in enumerate(check_sequence(domains, "domains"))]
    vocab = domains[0].vocab
    if any(d.vocab != vocab for d in domains):
        raise ValueError(f"domains must share one vocabulary size, got {[d.vocab for d in domains]}")
    runs = check_sequence(runs, "runs")
    checked = []
    for i, r in enumerate(runs):
        if not isinstance(r, (tuple, list)) or len(r) != 3:
            raise TypeError(f"runs[{i}] must be a (domain index, seed, lr) triple, got {r!r}")
        checked.append((check_int_in(r[0], f"runs[{i}][0]", 0, len(domains) - 1), check_int_in(r[1], f"runs[{i}][1]", 0, 2**32 - 1),
                        check_scalar_in(r[2], f"runs[{i}][2]", 0.0, 1.0, low_open=True)))
    steps = check_int_in(steps, "steps", 1, 1_000_000)
    batch_size = check_int_in(batch_size, "batch_size", 1, 100_000)
    context = check_int_in(context, "context", 1, 100_000)
    evals = check_int_in(evals, "evals", 1, 1_000_000)
    patience = check_int_in(patience, "patience", 0, 1_000_000)
    tol = check_scalar_in(tol, "tol", 0.0, 1.0)
    models = []
    for _, seed, _ in checked:
        torch.manual_seed(seed)
        models.append(TinyLM(vocab, kind=kind, d_model=d_model, n_head=n_head, n_layer=n_layer, context=context).double())
    xs, ys = zip(*(lm_batches(domains[d].train, context=context, batch_size=batch_size, steps=steps, seed=s) for d, s, _ in checked))
    xs, ys = torch.stack(xs, 1), torch.stack(ys, 1)  # (steps, models, batch, context)
    params, buffers = stack_module_state(models)
    base = copy.deepcopy(models[0]).to("meta")
    forward = torch.vmap(lambda p, b, x: functional_call(base, (p, b), (x,)))
    names = list(params)
    ps = [params[k] for k in names]
    m1 = [torch.zeros_like(p) for p in ps]
    m2 = [torch.zeros_like(p) for p in ps]
    n_models = len(checked)
    lr = torch.tensor([r[2] for r in checked], dtype=torch.float64)
    warm = max(1, steps // 10)
    every = max(1, steps // evals)
    vx, vy = zip(*(validation_batch(domains[d].val, context) for d, _, _ in checked))
    vx, vy = torch.stack(vx), torch.stack(vy)  # (models, 64, context)

    def val_losses() -> torch.Tensor:  # of the models in the batch
        with torch.no_grad():
            logits = forward(params, buffers, vx[act])
            per = nn.functional.cross_entropy(logits.reshape(-1, vocab), vy[act].reshape(-1), reduction="none")
            per = per.view(len(act), -1).mean(dim=1)
        return torch.where(torch.isfinite(per), per, torch.full_like(per, math.inf))

    act = torch.arange(n_models)  # the models still in the batch (stopped ones leave it)
    stop = torch.full((n_models,), steps, dtype=torch.int64)
    plateau = torch.zeros(n_models, dtype=torch.bool)
    best = torch.full((n_models,), math.inf, dtype=torch.float64)
    best_step = torch.full((n_models,), steps, dtype=torch.int64)
    kept = [p.detach().clone() for p in ps]
    history: list[torch.Tensor] = []  # validation loss at each evaluation (nan: stopped)
    bests: list[torch.Tensor] = []  # best validation loss so far at each evaluation
    at: list[int] = []
    losses = torch.full((steps, n_models), math.nan, dtype=torch.float64)
    for step in range(steps):
        logits = forward(params, buffers, xs[step][act])
        per_model = nn.functional.cross_entropy(logits.reshape(-1, vocab), ys[step][act].reshape(-1), reduction="none")
        per_model = per_model.view(len(act), -1).mean(dim=1)
        grads = torch.autograd.grad(per_model.sum(), ps)
        rate = lr[act] * min(1.0, (step + 1) / warm)
        with torch.no_grad():
            t = step + 1
            for p, g, a, b in zip(ps, grads, m1, m2):
                r = rate.view(-1, *([1] * (p.dim() - 1)))
                p.mul_(1 - r * 0.01)
                a.mul_(0.9).add_(g, alpha=0.1)
                b.mul_(0.999).addcmul_(g, g, value=0.001)
                denom = (b / (1 - 0.999**t)).sqrt_().add_(1e-8)
                p.sub_(r * (a / (1 - 0.9**t)) / denom)
        losses[step, act] = per_model.detach()
        if (step + 1) % every and step + 1 != steps:
            continue
        v = val_losses()
        row = torch.full((n_models,), math.nan, dtype=torch.float64)
        row[act] = v
        history.append(row)
        at.append(step + 1)
        better = v < best[act]
        best[act[better]] = v[better]
        best_step[act[better]] = step + 1
        if patience:
            with torch.no_grad():
                for p, k in zip(ps, kept):
                    k[act[better]] = p[better]
        bests.append(best.clone())
        if not patience or len(bests) <= patience:
            continue
        ref = bests[-1 - patience][act]
        flat = ~((ref - best[act]) > tol * ref)  # the best improved by less than tol over the last evaluations
        stop[act[flat]] = step + 1
        plateau[act[flat]] = True
        if bool(flat.all()):
            break
        if bool(flat.any()):  # the stopped models leave the batch
            keep = ~flat
            act = act[keep]
            ps = [p.detach()[keep].clone().requires_grad_(True) for p in ps]
            params = dict(zip(names, ps))
            buffers = {k: b[keep] for k, b in buffers.items()}
            m1 = [a[keep] for a in m1]
            m2 = [b[keep] for b in m2]
    final = kept if patience else ps
    out = []
    for i, (d, seed, rate) in enumerate(checked):
        model = models[i]
        with torch.no_grad():
            for k, p in zip(names, final):
                model.get_parameter(k).copy_(p[i])
        model.eval()
        x, y = validation_batch(domains[d].val, context)
        with torch.no_grad():
            logits = model(x)
            val = float(nn.functional.cross_entropy(logits.reshape(-1, vocab), y.reshape(-1)))
        trained = int(stop[i])
        n_eval = sum(1 for s_ in at if s_ <= trained)
        curve = [float(part.mean()) for part in np.array_split(losses[:trained, i].numpy(), min(10, trained))]
        curve = [c if math.isfinite(c) else None for c in curve]
        vcurve = [float(h[i]) if math.isfinite(float(h[i])) else None for h in history[:n_eval]]
        out.append({"domain": domains[d].name, "seed": seed, "lr": rate,
                    "val_loss": val if math.isfinite(val) else None, "val_curve": vcurve, "val_steps": at[:n_eval],
                    "plateau": bool(plateau[i]),
                    "stop": trained, "best_step": int(best_step[i]) if patience else trained,
                    "curve": curve, "final_train": curve[-1], **ffn_measures(model, x)})
    return out


def _network(run: dict, key: str) -> float:
    """The network-level value of a per-layer measure: the mean over layers (every FFN has the same width)."""
    return float(np.mean(run[key]))


@experiment(
    "ch5b-two-domains",
    book={"domains": ["text", "digits"], "seeds": 5, "tune_seeds": 1, "lrs": [1e-2, 3e-2, 1e-1], "steps": 120,
          "batch_size": 8, "d_model": 16, "n_layer": 2, "context": 16, "vocab": 32, "tokens": 28_000, "evals": 6},
    full={"domains": ["text", "digits", "photos"], "seeds": 10, "tune_seeds": 2, "lrs": [3e-4, 1e-3, 3e-3, 1e-2, 3e-2],
          "steps": 4000, "batch_size": 8, "d_model": 32, "n_layer": 2, "context": 16, "vocab": 64, "tokens": 28_000,
          "evals": 40, "patience": 4, "tol": 0.01, "references": ["gelu", "swiglu"]},
    depends=(train_models, ffn_measures, make_domain, text_stream, digit_patches, digit_images, digits_arrays, photo_patches,
             skimage_photographs, kmeans_codebook,
             _nearest, _patch_grid, ngram_baselines, _network, TinyLM, lm_batches, validation_batch),
)
def two_domains(domains: Sequence[str], seeds: int, tune_seeds: int, lrs: Sequence[float], steps: int, batch_size: int,
                d_model: int, n_layer: int, context: int, vocab: int, tokens: int, kind: str = "relu", evals: int = 10,
                patience: int = 0, tol: float = 0.0, references: Sequence[str] = ()) -> dict:
    """The same ReLU Transformer on each of ``domains``, each at its own tuned rate and at one shared rate.

    Tuning: every domain and rate of ``lrs`` trains on ``tune_seeds`` seeds
    (1000, 1001, ...) that are never reported; a domain's rate is the one with
    the smallest mean validation loss, the *shared* rate the one with the
    smallest mean over domains of the loss relative to the domain's bigram
    baseline (so that no domain dominates by its scale). Evaluation: seeds
    ``0 .. seeds - 1`` at each domain's tuned rate and at the shared rate (the
    same seed is the same initial model in every domain, so domains pair up
    seed by seed). Returns a JSON-serialisable dict: the
    settings, ``photos`` (the file names of the photographs of the photo
    domain, empty without it), ``baselines`` (domain -> unigram and bigram losses),
    ``criterion`` (domain -> mean tuning loss per rate), ``tune_plateau``
    (domain -> per rate, per tuning seed: whether that tuning run reached the
    plateau rule within ``steps``), ``tuned`` (domain ->
    rate), ``shared`` (rate) and ``runs``: domain -> {"tuned": measures,
    "shared": measures}, each measure a list over seeds (``val_loss``,
    ``final_train``, ``curve``, ``val_curve``, ``val_steps``, ``plateau``,
    ``stop``, ``best_step``; the network-level ``dead``, ``rare``, ``active``,
    ``eff_rank``, ``lam_max``; and ``layers``: the per-layer lists).

    Every model trains with the validation schedule and plateau rule of
    :func:`train_models` (``evals``, ``patience``, ``tol``): with
    ``patience > 0`` it trains until its validation loss has plateaued (or
    ``steps`` run out) and is measured at its best evaluation. For each FFN
    kind of ``references`` (``"gelu"``, ``"swiglu"``) the same seeds also train
    that FFN at each domain's tuned ReLU rate (``runs[domain][kind]``), a
    reference for the loss and for the share of units on the positive side per
    token (a GELU or SwiGLU unit is never exactly zero, so "dead" means a unit
    whose pre-activation, for SwiGLU the gate's, is never positive).
    """
    names = check_sequence(domains, "domains")
    if len(set(names)) != len(names) or any(n not in DOMAINS for n in names):
        raise ValueError(f"domains must be distinct names from {DOMAINS}, got {names!r}")
    seeds = check_int_in(seeds, "seeds", 2)
    tune_seeds = check_int_in(tune_seeds, "tune_seeds", 1)
    lrs = [check_scalar_in(v, f"lrs[{i}]", 0.0, 1.0, low_open=True) for i, v in enumerate(check_sequence(lrs, "lrs"))]
    doms = [make_domain(n, vocab=vocab, tokens=tokens) for n in names]
    tune = [1000 + i for i in range(tune_seeds)]
    seeds_ = list(range(seeds))
    refs = check_sequence(references, "references", min_len=0)
    if any(not isinstance(r, str) for r in refs) or len(set(refs)) != len(refs) or any(
            r not in ("gelu", "swiglu") or r == kind for r in refs):
        raise ValueError(f"references must be distinct FFN kinds from ('gelu', 'swiglu'), other than kind={kind!r}, "
                         f"got {refs!r}")
    common = dict(kind=kind, steps=steps, batch_size=batch_size, d_model=d_model, n_layer=n_layer, context=context,
                  evals=evals, patience=patience, tol=tol)
    by = {(r["domain"], r["lr"], r["seed"]): r
          for r in train_models(doms, [(d, s, v) for d in range(len(doms)) for v in lrs for s in tune], **common)}
    base = {d.name: ngram_baselines(d, context) for d in doms}

    def loss(r: dict) -> float:
        return math.inf if r["val_loss"] is None else r["val_loss"]

    crit = {n: [float(np.mean([loss(by[(n, v, s)]) for s in tune])) for v in lrs] for n in names}
    tuned = {n: lrs[int(np.argmin(crit[n]))] for n in names}
    rel = np.mean([np.array(crit[n]) / base[n]["bigram"] for n in names], axis=0)
    shared = lrs[int(np.argmin(rel))]
    plan = sorted({(d, s, v) for d, n in enumerate(names) for v in (tuned[n], shared) for s in seeds_})
    by.update({(r["domain"], r["lr"], r["seed"]): r for r in train_models(doms, plan, **common)})
    for ref in refs:
        plan = [(d, s, tuned[n]) for d, n in enumerate(names) for s in seeds_]
        by.update({(ref, r["domain"], r["seed"]): r for r in train_models(doms, plan, **{**common, "kind": ref})})

    def measures(n: str, v: float | str) -> dict:
        rows = [by[(v, n, s)] if isinstance(v, str) else by[(n, v, s)] for s in seeds_]
        out: dict = {k: [r[k] for r in rows] for k in ("val_loss", "final_train", "curve", "val_curve", "val_steps",
                                                         "plateau", "stop", "best_step")}
        for k in ("dead", "rare", "active", "eff_rank", "lam_max"):
            out[k] = [_network(r, k) for r in rows]
        out["layers"] = {k: [r[k] for r in rows] for k in ("dead", "rare", "active", "eff_rank", "lam_max")}
        return out

    crit_json = {n: [c if math.isfinite(c) else None for c in vals] for n, vals in crit.items()}
    tune_plateau = {n: [[bool(by[(n, v, s)]["plateau"]) for s in tune] for v in lrs] for n in names}
    arms = {n: {"tuned": measures(n, tuned[n]), "shared": measures(n, shared)} for n in names}
    for ref in refs:
        for n in names:
            arms[n][ref] = measures(n, ref)
    photos = list(SKIMAGE_PHOTOS) if "photos" in names else []  # the photographs behind the photo domain, in order
    return {"domains": names, "kind": kind, "photos": photos, "lrs": lrs, "seeds": seeds_, "tune_seeds": tune, "baselines": base,
            "criterion": crit_json, "tune_plateau": tune_plateau, "tuned": tuned, "shared": shared, "runs": arms}
