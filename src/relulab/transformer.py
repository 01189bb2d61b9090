"""A tiny decoder-only Transformer language model whose feed-forward activation is a parameter.

Every block of a Transformer has two parts: attention, which mixes the
positions of the sequence, and a position-wise feed-forward network (FFN),
which transforms each position on its own. The FFN is where the activation
function lives:

- ``"relu"``: ``FFN(x) = W2 · max(0, W1 x + b1) + b2`` (the original
  Transformer, Vaswani et al., 2017; T5; OPT);
- ``"gelu"``: the same with GELU (BERT, GPT-2);
- ``"swiglu"``: ``FFN(x) = W2 · (SiLU(Wg x) ⊙ (Wu x))``, a gated linear unit
  (Shazeer, 2020; PaLM, LLaMA). It has three weight matrices instead of two,
  so :func:`ffn_width` gives it 2/3 of the hidden width to keep the number of
  parameters equal, as Shazeer and LLaMA do.

:class:`TinyLM` is small enough to train on a CPU in seconds on the book's own
prose, character by character (:func:`char_vocab`). :func:`ffn_probe` reads
the FFN activations with :class:`relulab.probes.ActivationRecorder` and
reports, per layer, the share of exact zeros (what sparse kernels can skip),
the share of units that are "off" (pre-activation, or gate, ``<= 0``) and the
dead units (off on every token). :func:`compare_ffn` runs the whole
experiment: every activation, several seeds, same data and initialization
seed.
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np
import torch
from torch import nn

from ._checks import check_int_in, check_module, check_scalar_in, check_seeds, check_sequence, check_tensor
from .i18n import register
from .probes import ActivationRecorder

__all__ = [
    "FFN_KINDS",
    "CharVocab",
    "char_vocab",
    "ffn_width",
    "FeedForward",
    "Block",
    "TinyLM",
    "lm_batches",
    "FFNStats",
    "ffn_probe",
    "LMRun",
    "validation_batch",
    "validation_loss",
    "train_lm",
    "compare_ffn",
    "summary_rows",
    "summary_headers",
]

#: Feed-forward activations that :class:`FeedForward` knows.
FFN_KINDS: tuple[str, ...] = ("relu", "gelu", "swiglu")

register(
    {
        "transformer.ffn": {"en": "FFN", "it": "FFN"},
        "transformer.weights": {"en": "weights:", "it": "pesi:"},
        "transformer.exact_zeros_reglu": {"en": "exact zeros ReGLU:", "it": "zeri esatti ReGLU:"},
        "transformer.pruned": {"en": "{name} {n} units zeroed: validation loss {loss}",
                               "it": "{name} {n} unità azzerate: loss di validazione {loss}"},
        "transformer.prune_none": {"en": "none", "it": "nessuna"},
        "transformer.prune_dead": {"en": "dead", "it": "morte"},
        "transformer.prune_random_live": {"en": "random live", "it": "vive a caso"},
        "transformer.layer": {"en": "layer", "it": "strato"},
        "transformer.step": {"en": "training step", "it": "passo di addestramento"},
        "transformer.train_loss": {"en": "training loss (nats/char)", "it": "loss di addestramento (nat/carattere)"},
        "transformer.val_loss": {"en": "validation loss", "it": "loss di validazione"},
        "transformer.exact_zero": {"en": "exact zeros", "it": "zeri esatti"},
        "transformer.off": {"en": "units off", "it": "unità spente"},
        "transformer.dead": {"en": "dead units", "it": "unità morte"},
        "transformer.params": {"en": "parameters", "it": "parametri"},
        "transformer.lr": {"en": "lr", "it": "lr"},
        "transformer.ffn_size": {
            "en": "{kind:7s} hidden width {hidden:4d}   weights {weights:6d}",
            "it": "{kind:7s} ampiezza nascosta {hidden:4d}   pesi {weights:6d}",
        },
        "transformer.data_size": {
            "en": "{chars} characters; {train} for training, {val} for validation",
            "it": "{chars} caratteri; {train} per l'addestramento, {val} per la validazione",
        },
    }
)


@dataclass(frozen=True)
class CharVocab:
    """Characters kept by :func:`char_vocab`; every other character becomes ``chars[0]`` (``"?"``)."""

    chars: tuple[str, ...]

    def encode(self, text: str) -> np.ndarray:
        """Ids of the characters of ``text`` (unknown characters -> 0)."""
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, got {type(text).__name__}")
        index = {c: i for i, c in enumerate(self.chars)}
        return np.fromiter((index.get(c, 0) for c in text), dtype=np.int64, count=len(text))

    def decode(self, ids: Sequence[int]) -> str:
        return "".join(self.chars[int(i)] for i in ids)

    def __len__(self) -> int:
        return len(self.chars)


def char_vocab(text: str, *, min_count: int = 1) -> CharVocab:
    """The characters that appear at least ``min_count`` times in ``text``, sorted, after ``"?"`` (unknown)."""
    if not isinstance(text, str) or not text:
        raise ValueError("text must be a non-empty str")
    min_count = check_int_in(min_count, "min_count", 1)
    counts: dict[str, int] = {}
    for c in text:
        counts[c] = counts.get(c, 0) + 1
    kept = sorted(c for c, n in counts.items() if n >= min_count and c != "?")
    return CharVocab(("?",) + tuple(kept))


def ffn_width(kind: str, d_model: int, mult: int = 4) -> int:
    """Hidden width of the FFN: ``mult * d_model``, or ``round(2/3 * mult * d_model)`` for SwiGLU.

    With these widths the three kinds have (almost) the same number of weights:
    ``2 * d_model * h`` for ReLU and GELU, ``3 * d_model * h`` for SwiGLU.
    """
    if kind not in FFN_KINDS:
        raise ValueError(f"kind must be one of {FFN_KINDS}, got {kind!r}")
    h = check_int_in(mult, "mult", 1) * check_int_in(d_model, "d_model", 1)
    return round(2 * h / 3) if kind == "swiglu" else h


class FeedForward(nn.Module):
    """The position-wise FFN of a block; its activation module is ``self.act`` (``nn.ReLU``, ``nn.GELU`` or ``nn.SiLU``).

    For SwiGLU, ``self.act`` is applied to the gate ``Wg x``; a unit is "on"
    when its gate pre-activation is positive, for every kind.
    """

    def __init__(self, d_model: int, hidden: int, kind: str):
        super().__init__()
        d_model = check_int_in(d_model, "d_model", 1, 100_000)
        hidden = check_int_in(hidden, "hidden", 1, 1_000_000)
        if kind not in FFN_KINDS:
            raise ValueError(f"kind must be one of {FFN_KINDS}, got {kind!r}")
        self.kind = kind
        self.up = nn.Linear(d_model, hidden)
        self.gate = nn.Linear(d_model, hidden, bias=False) if kind == "swiglu" else None
        self.act = {"relu": nn.ReLU, "gelu": nn.GELU, "swiglu": nn.SiLU}[kind]()
        self.down = nn.Linear(hidden, d_model)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.gate is not None:
            return self.down(self.act(self.gate(x)) * self.up(x))
        return self.down(self.act(self.up(x)))


class Block(nn.Module):
    """Pre-norm Transformer block: ``x + attn(LN(x))``, then ``x + ffn(LN(x))``, causal attention."""

    def __init__(self, d_model: int, n_head: int, hidden: int, kind: str, context: int):
        super().__init__()
        d_model = check_int_in(d_model, "d_model", 1, 100_000)
        n_head = check_int_in(n_head, "n_head", 1, 1_000)
        context = check_int_in(context, "context", 1, 100_000)
        if d_model % n_head:
            raise ValueError(f"d_model ({d_model}) must be divisible by n_head ({n_head})")
        self.n_head = n_head
        self.ln1, self.ln2 = nn.LayerNorm(d_model), nn.LayerNorm(d_model)
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.proj = nn.Linear(d_model, d_model)
        self.ffn = FeedForward(d_model, hidden, kind)
        self.register_buffer("mask", torch.triu(torch.ones(context, context, dtype=torch.bool), diagonal=1), persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, t, d = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(d, dim=2)
        q, k, v = (u.view(b, t, self.n_head, d // self.n_head).transpose(1, 2) for u in (q, k, v))
        att = (q @ k.transpose(-2, -1)) / math.sqrt(d // self.n_head)
        att = att.masked_fill(self.mask[:t, :t], float("-inf")).softmax(dim=-1)
        x = x + self.proj((att @ v).transpose(1, 2).reshape(b, t, d))
        return x + self.ffn(self.ln2(x))


class TinyLM(nn.Module):
    """Decoder-only character language model: embeddings, ``n_layer`` blocks, final LayerNorm, linear head.

    The FFN activation modules are named ``blocks.<i>.ffn.act``.
    """

    def __init__(self, vocab: int, *, kind: str = "relu", d_model: int = 32, n_head: int = 2, n_layer: int = 2, context: int = 32, mult: int = 4):
        super().__init__()
        vocab = check_int_in(vocab, "vocab", 2, 1_000_000)
        d_model = check_int_in(d_model, "d_model", 1, 100_000)
        n_head = check_int_in(n_head, "n_head", 1, 1_000)
        n_layer = check_int_in(n_layer, "n_layer", 1, 1_000)
        self.context = check_int_in(context, "context", 1, 100_000)
        self.kind = kind
        hidden = ffn_width(kind, d_model, mult)
        self.tok = nn.Embedding(vocab, d_model)
        self.pos = nn.Embedding(self.context, d_model)
        self.blocks = nn.Sequential(*[Block(d_model, n_head, hidden, kind, self.context) for _ in range(n_layer)])
        self.ln = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, vocab)

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        t = idx.shape[1]
        if t > self.context:
            raise ValueError(f"sequence length {t} exceeds the context {self.context}")
        x = self.tok(idx) + self.pos(torch.arange(t, device=idx.device))
        return self.head(self.ln(self.blocks(x)))

    def ffn_layers(self) -> list[str]:
        """Names of the FFN activation modules, first block first."""
        return [f"blocks.{i}.ffn.act" for i in range(len(self.blocks))]


def _check_ids(ids: object, name: str, context: int) -> np.ndarray:
    """``ids`` as a 1-D array of non-negative integer token ids with at least ``context + 2`` entries."""
    if isinstance(ids, torch.Tensor) or isinstance(ids, (str, bytes)) or ids is None:
        raise TypeError(f"{name} must be a 1-D numpy array of integer token ids, got {type(ids).__name__}")
    arr = np.asarray(ids)
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"{name} must hold integer token ids, got dtype {arr.dtype}")
    if arr.ndim != 1 or arr.size < context + 2:
        raise ValueError(f"{name} must be 1-D with at least context + 2 = {context + 2} entries, got shape {arr.shape}")
    if arr.min() < 0:
        raise ValueError(f"{name} must be non-negative token ids, got {arr.min()}")
    return arr


def lm_batches(ids: np.ndarray, *, context: int, batch_size: int, steps: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """``steps`` random batches of windows: inputs and next-character targets, shape ``(steps, batch, context)``."""
    context = check_int_in(context, "context", 1, 100_000)
    ids = _check_ids(ids, "ids", context)
    starts = np.random.default_rng(check_int_in(seed, "seed", 0, 2**32 - 1)).integers(
        0, ids.size - context - 1, size=(check_int_in(steps, "steps", 1, 1_000_000), check_int_in(batch_size, "batch_size", 1, 100_000))
    )
    win = np.lib.stride_tricks.sliding_window_view(ids, context + 1)[starts]
    t = torch.as_tensor(win)
    return t[..., :-1], t[..., 1:]


@dataclass(frozen=True)
class FFNStats:
    """FFN activity of one layer on a set of tokens (see :func:`ffn_probe`)."""

    layer: str
    exact_zero: float
    off: float
    dead: float


@torch.no_grad()
def ffn_probe(model: TinyLM, idx: torch.Tensor) -> list[FFNStats]:
    """Per FFN layer, on the tokens of ``idx`` (``(batch, time)`` ids):

    - ``exact_zero``: share of FFN hidden values that are exactly 0 (for
      SwiGLU, of ``SiLU(gate) * up``);
    - ``off``: share of (token, unit) pairs whose pre-activation (gate for
      SwiGLU) is ``<= 0``;
    - ``dead``: share of units that are off on every token.
    """
    if not isinstance(model, TinyLM):
        raise TypeError(f"model must be a TinyLM, got {type(model).__name__}")
    check_tensor(idx, "idx")
    if idx.is_floating_point() or idx.dim() != 2 or idx.shape[1] > model.context or idx.numel() == 0:
        raise ValueError(f"idx must be a 2-D integer tensor (batch, at most {model.context} tokens), got {idx.dtype} {tuple(idx.shape)}")
    if int(idx.min()) < 0 or int(idx.max()) >= model.tok.num_embeddings:
        raise ValueError(f"idx must hold token ids in [0, {model.tok.num_embeddings - 1}], got [{int(idx.min())}, {int(idx.max())}]")
    was = model.training
    model.eval()
    try:
        names = model.ffn_layers()
        ups = [f"blocks.{i}.ffn.up" for i in range(len(names))]
        with ActivationRecorder(model, names + ups) as rec:
            model(idx)
        out = []
        for name, up in zip(names, ups):
            act = rec.outputs[name].reshape(-1, rec.outputs[name].shape[-1])
            hidden = act * rec.outputs[up].reshape(act.shape) if model.kind == "swiglu" else act
            on = act > 0  # ReLU, GELU and SiLU are positive exactly where their input is
            out.append(FFNStats(name, float((hidden == 0).double().mean()), float((~on).double().mean()), float((~on.any(dim=0)).double().mean())))
        return out
    finally:
        model.train(was)


@dataclass(frozen=True)
class LMRun:
    """One training run of :func:`train_lm` (``model`` is the trained model, in eval mode)."""

    kind: str
    seed: int
    lr: float
    params: int
    train_loss: np.ndarray
    val_loss: float
    ffn: list[FFNStats]
    model: TinyLM = field(repr=False, compare=False)


def validation_batch(val_ids: np.ndarray, context: int) -> tuple[torch.Tensor, torch.Tensor]:
    """The fixed validation windows: 64 windows of ``val_ids`` drawn with seed 0, and their targets."""
    context = check_int_in(context, "context", 1, 100_000)
    _check_ids(val_ids, "val_ids", context)
    xv, yv = lm_batches(val_ids, context=context, batch_size=64, steps=1, seed=0)
    return xv[0], yv[0]


@torch.no_grad()
def validation_loss(model: TinyLM, val_ids: np.ndarray) -> float:
    """Mean cross-entropy (nats per character) of ``model`` on :func:`validation_batch`."""
    if not isinstance(model, TinyLM):
        raise TypeError(f"model must be a TinyLM, got {type(model).__name__}")
    x, y = validation_batch(val_ids, model.context)
    if int(y.max()) >= model.head.out_features:
        raise ValueError(f"val_ids must be token ids below the model's vocabulary ({model.head.out_features}), got {int(y.max())}")
    was = model.training
    model.eval()
    try:
        logits = model(x)
        return float(nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1)))
    finally:
        model.train(was)


def _check_vocab_ids(train_ids: np.ndarray, val_ids: np.ndarray, vocab: int, context: int) -> None:
    """Both id streams are valid for ``context`` and hold only ids below ``vocab``."""
    for ids, name in ((train_ids, "train_ids"), (val_ids, "val_ids")):
        if int(_check_ids(ids, name, context).max()) >= vocab:
            raise ValueError(f"{name} must hold token ids below vocab = {vocab}")


class _AdamWWarmup:
    """``torch.optim.AdamW(params, lr=lr, weight_decay=0.01, foreach=True)`` driven by
    ``torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / warm))``, written out.

    Each :meth:`step` performs the operations of PyTorch's multi-tensor AdamW (the ``foreach`` path), in the
    same order and with the same Python scalars (the step count as a float, the scheduled rate as
    ``lr * min(1.0, (s + 1) / warm)``), so training gives the same bits; :meth:`schedule` is the scheduler's
    step. Written out because creating a ``torch.optim`` optimizer imports ``torch._dynamo``, about a second
    of a chapter; ``tests/test_transformer.py`` compares it with ``torch.optim`` step by step.
    """

    betas = (0.9, 0.999)
    eps = 1e-8
    weight_decay = 0.01

    def __init__(self, params, lr: float, steps: int):
        self.params = list(params)
        self.base_lr, self.warm, self.epoch, self.count = float(lr), max(1, steps // 10), 0, 0.0
        self.exp_avgs = [torch.zeros_like(p, memory_format=torch.preserve_format) for p in self.params]
        self.exp_avg_sqs = [torch.zeros_like(p, memory_format=torch.preserve_format) for p in self.params]

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = None

    @torch.no_grad()
    def step(self) -> None:
        live = [i for i, p in enumerate(self.params) if p.grad is not None]
        if not live:
            return
        params = [self.params[i] for i in live]
        grads = [self.params[i].grad for i in live]
        exp_avgs, exp_avg_sqs = [self.exp_avgs[i] for i in live], [self.exp_avg_sqs[i] for i in live]
        lr = self.base_lr * min(1.0, (self.epoch + 1) / self.warm)
        beta1, beta2 = self.betas
        self.count += 1.0
        torch._foreach_mul_(params, 1 - lr * self.weight_decay)
        torch._foreach_lerp_(exp_avgs, grads, 1 - beta1)
        torch._foreach_mul_(exp_avg_sqs, beta2)
        torch._foreach_addcmul_(exp_avg_sqs, grads, grads, 1 - beta2)
        bias_correction1 = 1 - beta1**self.count
        bias_correction2 = 1 - beta2**self.count
        step_size = (lr / bias_correction1) * -1
        denom = torch._foreach_sqrt(exp_avg_sqs)
        torch._foreach_div_(denom, [bias_correction2**0.5] * len(params))
        torch._foreach_add_(denom, self.eps)
        torch._foreach_addcdiv_(params, exp_avgs, denom, [step_size] * len(params))

    def schedule(self) -> None:
        """The scheduler's step: the next :meth:`step` uses the next scheduled rate."""
        self.epoch += 1


def _adamw_warmup(params, lr: float, steps: int):
    """The language models' optimizer: AdamW (weight decay 0.01), rate warmed up linearly over the first 10% of ``steps``.

    Returns ``(optimizer, scheduler)``, used as ``torch.optim``'s pair: ``optimizer.zero_grad()``,
    ``optimizer.step()``, then ``scheduler.step()``.
    """
    opt = _AdamWWarmup(params, lr, steps)

    class _Scheduler:
        step = staticmethod(opt.schedule)

    return opt, _Scheduler()


def train_lm(
    train_ids: np.ndarray,
    val_ids: np.ndarray,
    vocab: int,
    *,
    kind: str,
    seed: int,
    steps: int = 200,
    batch_size: int = 16,
    lr: float = 3e-3,
    d_model: int = 32,
    n_head: int = 2,
    n_layer: int = 2,
    context: int = 32,
) -> LMRun:
    """Train a :class:`TinyLM` with AdamW (float64, learning rate warmed up over the first 10% of steps).

    ``seed`` fixes the initialization (``torch.manual_seed``) and the batches:
    runs with the same seed and different ``kind`` see the same text in the
    same order. The validation loss (mean cross-entropy, nats per character)
    and :func:`ffn_probe` use 64 windows of ``val_ids`` drawn with seed 0.
    """
    seed = check_int_in(seed, "seed", 0, 2**32 - 1)
    steps = check_int_in(steps, "steps", 1)
    lr = check_scalar_in(lr, "lr", 0.0, 1.0, low_open=True)
    with _INIT_LOCK:  # the global generator must not be shared with a run in another thread (compare_ffn)
        torch.manual_seed(seed)
        model = TinyLM(vocab, kind=kind, d_model=d_model, n_head=n_head, n_layer=n_layer, context=context).double()
    context = check_int_in(context, "context", 1, 100_000)
    batch_size = check_int_in(batch_size, "batch_size", 1, 100_000)
    vocab = check_int_in(vocab, "vocab", 2, 1_000_000)
    _check_vocab_ids(train_ids, val_ids, vocab, context)
    xs, ys = lm_batches(train_ids, context=context, batch_size=batch_size, steps=steps, seed=seed)
    opt, sched = _adamw_warmup(model.parameters(), lr, steps)
    losses = np.empty(steps)
    for step in range(steps):
        logits = model(xs[step])
        loss = nn.functional.cross_entropy(logits.reshape(-1, vocab), ys[step].reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        losses[step] = float(loss.detach())
    model.eval()
    xv, _ = validation_batch(val_ids, context)
    params = sum(p.numel() for p in model.parameters())
    return LMRun(kind, seed, lr, params, losses, validation_loss(model, val_ids), ffn_probe(model, xv), model)


def _train_lm_seeds(
    train_ids: np.ndarray,
    val_ids: np.ndarray,
    vocab: int,
    *,
    kind: str,
    seeds: Sequence[int],
    steps: int = 200,
    batch_size: int = 16,
    lr: float = 3e-3,
    d_model: int = 32,
    n_head: int = 2,
    n_layer: int = 2,
    context: int = 32,
) -> list[LMRun]:
    """:func:`train_lm` for each of ``seeds``, the models trained together (one vmapped forward pass).

    The models are initialized one after the other as :func:`train_lm` would
    (``torch.manual_seed(seed)`` then the model) and stacked; the loss is the
    sum of their mean losses, so each stacked slice gets its own gradient, and
    AdamW, element-wise, updates each slice as it would update the model alone.
    Only the order of floating-point sums can differ from :func:`train_lm`.
    """
    import copy

    from torch.func import functional_call, stack_module_state

    steps = check_int_in(steps, "steps", 1)
    lr = check_scalar_in(lr, "lr", 0.0, 1.0, low_open=True)
    models = []
    with _INIT_LOCK:  # the global generator must not be shared with a run in another thread (compare_ffn)
        for seed in seeds:
            torch.manual_seed(seed)
            models.append(TinyLM(vocab, kind=kind, d_model=d_model, n_head=n_head, n_layer=n_layer, context=context).double())
    context = check_int_in(context, "context", 1, 100_000)
    batch_size = check_int_in(batch_size, "batch_size", 1, 100_000)
    _check_vocab_ids(train_ids, val_ids, vocab, context)
    xs, ys = zip(*(lm_batches(train_ids, context=context, batch_size=batch_size, steps=steps, seed=s) for s in seeds))
    xs, ys = torch.stack(xs, 1), torch.stack(ys, 1)  # (steps, seeds, batch, context)
    params, buffers = stack_module_state(models)
    base = copy.deepcopy(models[0]).to("meta")
    forward = torch.vmap(lambda p, b, x: functional_call(base, (p, b), (x,)))
    opt, sched = _adamw_warmup(list(params.values()), lr, steps)
    losses = np.empty((steps, len(models)))
    for step in range(steps):
        logits = forward(params, buffers, xs[step])
        per = nn.functional.cross_entropy(logits.reshape(-1, vocab), ys[step].reshape(-1), reduction="none")
        per = per.view(len(models), -1).mean(dim=1)
        opt.zero_grad()
        per.sum().backward()
        opt.step()
        sched.step()
        losses[step] = per.detach().numpy()
    xv, _ = validation_batch(val_ids, context)
    out = []
    for i, (seed, model) in enumerate(zip(seeds, models)):
        with torch.no_grad():
            for k, p in params.items():
                model.get_parameter(k).copy_(p[i])
        model.eval()
        n_params = sum(p.numel() for p in model.parameters())
        out.append(LMRun(kind, seed, lr, n_params, losses[:, i].copy(), validation_loss(model, val_ids), ffn_probe(model, xv), model))
    return out


#: Held while a run seeds torch's global generator and initializes its model, so that runs in concurrent threads
#: (:func:`compare_ffn`) get the weights they would get alone. Training itself draws no random numbers.
_INIT_LOCK = threading.Lock()

_T = TypeVar("_T")


def _concurrently(jobs: Sequence[Callable[[], _T]]) -> list[_T]:
    """The results of ``jobs`` in order, run in up to one thread per usable core.

    Each job runs with the caller's torch thread count. torch releases the
    interpreter lock inside its operations, so independent training runs use
    the cores together; every operation still runs on as many threads as
    alone, so each result is the one the job gives alone.
    """
    from concurrent.futures import ThreadPoolExecutor

    workers = min(len(jobs), len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))
    if workers <= 1:
        return [job() for job in jobs]
    threads = torch.get_num_threads()

    def run(job: Callable[[], _T]) -> _T:
        torch.set_num_threads(threads)
        return job()

    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(run, jobs))


def compare_ffn(train_ids: np.ndarray, val_ids: np.ndarray, vocab: int, *, kinds: Sequence[str] = FFN_KINDS, seeds: Sequence[int], **kwargs) -> list[LMRun]:
    """:func:`train_lm` for every FFN kind and seed (keyword arguments are passed on).

    The seeds of one kind train together (vmapped, as :func:`train_lm` would
    train each alone, up to the order of floating-point sums), which is several
    times faster for small models; the kinds train concurrently, one thread
    per usable core (each model is initialized under a lock and training draws
    no random numbers, so the results are those of training the kinds one
    after another, bit for bit).
    """
    for ids, name in ((train_ids, "train_ids"), (val_ids, "val_ids")):
        _check_ids(ids, name, 1)
    vocab = check_int_in(vocab, "vocab", 2, 1_000_000)
    seeds = check_seeds(seeds)
    kinds = check_sequence(kinds, "kinds", min_len=0)
    bad = [k for k in kinds if k not in FFN_KINDS]
    if bad or not kinds:
        raise ValueError(f"kinds must be a non-empty list from {FFN_KINDS}, got {list(kinds)}")
    def job(kind: str) -> Callable[[], list[LMRun]]:
        if len(seeds) == 1:
            return lambda: [train_lm(train_ids, val_ids, vocab, kind=kind, seed=seeds[0], **kwargs)]
        return lambda: _train_lm_seeds(train_ids, val_ids, vocab, kind=kind, seeds=seeds, **kwargs)

    return [run for runs in _concurrently([job(k) for k in kinds]) for run in runs]


def summary_headers(n_layer: int = 2) -> list[str]:
    """Headers of :func:`summary_rows` in the current language."""
    from .i18n import t

    n_layer = check_int_in(n_layer, "n_layer", 0, 10_000)
    out = [t("transformer.ffn"), t("transformer.lr"), t("transformer.params"), t("transformer.val_loss")]
    for i in range(1, n_layer + 1):
        out += [f"{t('transformer.exact_zero')} L{i}", f"{t('transformer.dead')} L{i}"]
    return out


def summary_rows(runs: Sequence[LMRun]) -> list[list[object]]:
    """One row per (FFN kind, learning rate): parameters, validation loss and per-layer exact-zero and dead shares, ``mean ± std`` over seeds."""
    from .domains import pm

    keys = list(dict.fromkeys((r.kind, r.lr) for r in runs))
    rows = []
    for kind, lr in keys:
        sel = [r for r in runs if r.kind == kind and r.lr == lr]
        row: list[object] = [kind, lr, sel[0].params, pm([r.val_loss for r in sel], 3)]
        for i in range(len(sel[0].ffn)):
            row += [pm([r.ffn[i].exact_zero for r in sel]), pm([r.ffn[i].dead for r in sel])]
        rows.append(row)
    return rows
