"""Text as data: words and n-grams from real prose, and a synthetic language whose repetition is a knob.

The real text is the book's own prose, in both languages: :func:`book_prose`
reads the Markdown cells of the chapter sources in ``book/sources/`` and
:func:`clean_markdown` strips the markup (code, maths, citations, labels), so
nothing is downloaded. The chapters used as training corpora are read from a
frozen snapshot, package data of relulab in ``relulab/corpus/`` (see :data:`CORPUS_DIR`),
so editing the book's prose does not move the experiments' numbers, and a chapter
downloaded alone, with relulab installed from a wheel, reads the same text. :func:`words` splits prose into lower-case words,
:func:`encode` maps them to integer ids (the most frequent words, then one id
for every other word), :func:`ngrams` cuts the id sequence into overlapping
windows, and :func:`embed_ngrams` turns each window's context into a real
vector (the words' embeddings, concatenated), the input a network sees.

The synthetic language is a Markov chain (:func:`zipf_markov_tokens`): after
each word, the next one is drawn from a Zipf law with exponent ``s`` over a
word-specific random ordering of the vocabulary. ``s = 0`` is uniform noise
(every bigram equally likely, maximal variety); as ``s`` grows each word has
one favourite successor and the text repeats the same n-grams over and over.

>>> words("L'eterogeneità delle patch, non del testo!")
['l', 'eterogeneità', 'delle', 'patch', 'non', 'del', 'testo']
>>> zipf_probabilities(4, 1.0).round(3).tolist()
[0.48, 0.24, 0.16, 0.12]
"""

from __future__ import annotations

import importlib.resources
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path

import numpy as np

from ._checks import check_int_in, check_scalar_in
from ._paths import book_root, missing
from .i18n import LANGUAGES, register

__all__ = [
    "CORPUS_DIR",
    "sources_folder",
    "markdown_cells",
    "clean_markdown",
    "book_prose",
    "words",
    "Encoded",
    "encode",
    "ngrams",
    "embed_ngrams",
    "zipf_probabilities",
    "zipf_markov_tokens",
]

#: Frozen snapshots of the cleaned prose, ``<chapter>.<lang>.txt``: :func:`book_prose` reads a
#: chapter from here when a snapshot exists, so copy-editing the prose leaves the corpora unchanged.
#: Package data (``src/relulab/corpus`` in the repository, ``relulab/corpus`` in a wheel), read
#: through :mod:`importlib.resources` like the recorded replications: it needs no book root.
CORPUS_DIR: Traversable = importlib.resources.files("relulab").joinpath("corpus")


def sources_folder() -> Path:
    """Where the chapter sources (``*.nbsrc``) live: ``book/sources`` of the book root (see
    :mod:`relulab._paths`). Only a chapter without a frozen snapshot in :data:`CORPUS_DIR` is read
    from there: the book's repository, not an installed relulab."""
    return book_root() / "book" / "sources"

#: The id that :func:`encode` gives to every word outside the kept vocabulary.
UNK = "<unk>"

register(
    {
        "text.zipf_exponent": {"en": "Zipf exponent $s$", "it": "esponente di Zipf $s$"},
        "text.rank": {"en": "rank of the word", "it": "rango della parola"},
        "text.frequency": {"en": "frequency", "it": "frequenza"},
        "text.lang": {"en": "language", "it": "lingua"},
        "text.words": {"en": "words", "it": "parole"},
        "text.distinct_words": {"en": "distinct words", "it": "parole distinte"},
        "text.start": {"en": "beginning", "it": "inizio"},
        "text.sample": {"en": "{text}...", "it": "«{text}…»"},
    }
)

_CELL = re.compile(r"^%% (\S+)(?: (\S+))?")
_FENCE = re.compile(r"^(```+|:::+)")
_LABEL_LINE = re.compile(r"^\s*\([^()\s]+\)=\s*$")
_OPTION_LINE = re.compile(r"^\s*:[\w-]+:.*$")
_ROLE = re.compile(r"\{([\w:-]+)\}`([^`]*)`")
_TITLED = re.compile(r"^(.*?)\s*<[^<>]*>$", re.S)


def _visible_role_text(m: re.Match) -> str:
    """What a role shows in the built book, as far as it is the author's prose: the explicit title of
    ``{role}`title <target>```, the term itself of ``{term}`word```; nothing for a bare citation or
    reference (Sphinx fills in a citation or a section title there)."""
    role, body = m.group(1), m.group(2)
    titled = _TITLED.match(body)
    if titled:
        return f" {titled.group(1)} "
    return f" {body} " if role == "term" else " "
_DISPLAY_MATH = re.compile(r"\$\$.*?\$\$", re.S)
_INLINE_MATH = re.compile(r"\$[^$\n]+\$")
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def markdown_cells(source: str, lang: str) -> list[str]:
    """The Markdown cells of language ``lang`` in the text of a chapter source (``.nbsrc``).

    A cell starts at a line ``%% md en`` / ``%% md it`` / ``%% code ...`` and
    runs to the next such line; only ``md`` cells of ``lang`` are returned.
    """
    if not isinstance(source, str):
        raise TypeError(f"source must be the text of a .nbsrc file (str), got {type(source).__name__}")
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {LANGUAGES}, got {lang!r}")
    cells: list[str] = []
    current: list[str] | None = None
    for line in source.splitlines():
        m = _CELL.match(line)
        if m:
            if current is not None:
                cells.append("\n".join(current).strip())
            current = [] if (m.group(1) == "md" and m.group(2) == lang) else None
        elif current is not None:
            current.append(line)
    if current is not None:
        cells.append("\n".join(current).strip())
    return [c for c in cells if c]


def clean_markdown(md: str) -> str:
    """Plain prose from MyST Markdown: no code blocks, maths, roles, labels or markup.

    The *contents* of directives (an exercise's text, a note) are kept, their
    fences and ``:option:`` lines dropped; fenced code blocks (```` ```python ````
    and friends without braces) are dropped entirely. Bare citations and
    cross-references (``{cite:p}`key```, ``{ref}`label```) disappear; a glossary
    term (``{term}`sparsity```) and a role with its own title
    (``{ref}`the ledger <claims-ledger>```) keep the words the reader sees; links keep their text,
    maths (``$...$``, ``$$...$$``) and inline code are removed.
    """
    if not isinstance(md, str):
        raise TypeError(f"md must be a str, got {type(md).__name__}")
    md = _DISPLAY_MATH.sub(" ", md)
    out: list[str] = []
    in_code = False
    for line in md.splitlines():
        fence = _FENCE.match(line.strip())
        if fence:
            rest = line.strip()[len(fence.group(1)):].strip()
            if in_code:
                in_code = False
            elif rest and not rest.startswith("{"):
                in_code = True  # ```python ... ```: code, not prose
            continue
        if in_code or _LABEL_LINE.match(line) or _OPTION_LINE.match(line):
            continue
        line = _ROLE.sub(_visible_role_text, line)
        line = _INLINE_MATH.sub(" ", line)
        line = _INLINE_CODE.sub(" ", line)
        line = _LINK.sub(r"\1", line)
        out.append(line)
    text = "\n".join(out)
    text = re.sub(r"[#*_|>]+", " ", text)
    return re.sub(r"[ \t]+", " ", text).strip()


def book_prose(lang: str, chapters: Sequence[str], *, directory: Path | str | None = None) -> str:
    """The cleaned prose of the given chapter sources in language ``lang``.

    Parameters
    ----------
    lang:
        ``"en"`` or ``"it"``.
    chapters:
        Names of sources in ``book/sources`` without the extension (e.g.
        ``["05_domains"]``), read in this order. Naming them keeps a notebook's
        numbers independent of chapters it does not list.
    directory:
        Another folder of ``.nbsrc`` files (for tests). Without it, a chapter
        that has a frozen snapshot ``<chapter>.<lang>.txt`` in :data:`CORPUS_DIR`
        (package data) is read from the snapshot, every other chapter from its
        live source in ``book/sources`` (:func:`sources_folder`).
    """
    if isinstance(chapters, str) or not isinstance(chapters, Sequence) or not chapters:
        raise TypeError(f"chapters must be a non-empty list of source names, got {chapters!r}")
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {list(LANGUAGES)}, got {lang!r}")
    if directory is not None and not isinstance(directory, (str, Path)):
        raise TypeError(f"directory must be None or a path (str or Path), got {type(directory).__name__}")
    if not all(isinstance(c, str) and c for c in chapters):
        raise TypeError(f"chapters must hold source names (strings), got {chapters!r}")
    texts = []
    for name in chapters:
        snapshot = CORPUS_DIR.joinpath(f"{name}.{lang}.txt")
        if directory is None and snapshot.is_file():
            texts.append(snapshot.read_text(encoding="utf-8").removesuffix("\n"))
            continue
        folder = Path(directory) if directory is not None else sources_folder()
        path = folder / f"{name}.nbsrc"
        if not path.is_file():
            have = sorted(p.stem for p in folder.glob("*.nbsrc"))
            if not have:
                raise missing(folder, "chapter sources")
            raise FileNotFoundError(f"no chapter source {path}; available: {have}")
        cells = markdown_cells(path.read_text(encoding="utf-8"), lang)
        texts.extend(clean_markdown(c) for c in cells)
    return "\n\n".join(t for t in texts if t)


def words(text: str) -> list[str]:
    """Lower-case words of ``text``: runs of letters (accented letters included).

    Digits, punctuation and apostrophes separate words, so Italian ``l'idea``
    gives ``['l', 'idea']`` and English ``don't`` gives ``['don', 't']``.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    return [w.lower() for w in _WORD.findall(text)]


@dataclass(frozen=True)
class Encoded:
    """A word sequence as integer ids.

    ``vocab[i]`` is the word with id ``i``; the last id (``len(vocab) - 1``)
    is :data:`UNK`, shared by every word outside the kept vocabulary.
    """

    ids: np.ndarray
    vocab: tuple[str, ...]

    @property
    def unk_share(self) -> float:
        """Share of the tokens that were mapped to :data:`UNK`."""
        return float(np.mean(self.ids == len(self.vocab) - 1)) if self.ids.size else 0.0


def encode(tokens: Sequence[str], size: int) -> Encoded:
    """Ids of ``tokens``: the ``size - 1`` most frequent words, then one id for all others.

    Ties in frequency are broken alphabetically, so the result does not depend
    on the order in which words first appear.
    """
    if isinstance(tokens, str) or not isinstance(tokens, Sequence):
        raise TypeError("tokens must be a sequence of words (use words(text) first)")
    if not tokens:
        raise ValueError("tokens is empty: there is nothing to encode")
    if not all(isinstance(w, str) for w in tokens):
        raise TypeError("tokens must hold words (strings); use words(text) first")
    size = check_int_in(size, "size", 2)
    counts = Counter(tokens)
    kept = [w for w, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[: size - 1]]
    vocab = tuple(kept) + (UNK,)
    index = {w: i for i, w in enumerate(kept)}
    unk = len(vocab) - 1
    ids = np.fromiter((index.get(w, unk) for w in tokens), dtype=np.int64, count=len(tokens))
    return Encoded(ids=ids, vocab=vocab)


def ngrams(ids: Iterable[int] | np.ndarray, n: int) -> np.ndarray:
    """All overlapping windows of ``n`` consecutive ids, shape ``(len(ids) - n + 1, n)``.

    In next-token prediction the first ``n - 1`` columns are the context and
    the last column is the token to predict.
    """
    arr = np.asarray(ids)
    if arr.ndim != 1 or not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"ids must be a 1-D sequence of integers, got shape {arr.shape} and dtype {arr.dtype}")
    if arr.size and arr.min() < 0:
        raise ValueError(f"ids must be non-negative, got {arr.min()}")
    n = check_int_in(n, "n", 1)
    if arr.size < n:
        raise ValueError(f"need at least n = {n} ids, got {arr.size}")
    return np.lib.stride_tricks.sliding_window_view(arr, n).copy()


def embed_ngrams(contexts: np.ndarray, vocab_size: int, dim: int, *, seed: int) -> np.ndarray:
    """Real vectors for integer contexts: each id's fixed random embedding, concatenated.

    The embedding table is ``vocab_size × dim`` standard normal numbers drawn
    with ``seed`` (fixed, not learned: the network's input distribution stays
    the one the heterogeneity measures describe). A context of ``k`` ids gives
    a vector of ``k * dim`` numbers, float64.
    """
    ctx = np.asarray(contexts)
    if ctx.ndim != 2 or not np.issubdtype(ctx.dtype, np.integer):
        raise TypeError(f"contexts must be a 2-D integer array (rows of ids), got shape {ctx.shape}, dtype {ctx.dtype}")
    vocab_size = check_int_in(vocab_size, "vocab_size", 1, 10_000_000)
    dim = check_int_in(dim, "dim", 1, 100_000)
    if ctx.size and (ctx.min() < 0 or ctx.max() >= vocab_size):
        raise ValueError(f"contexts: ids must be in [0, {vocab_size - 1}], got values in [{ctx.min()}, {ctx.max()}]")
    table = np.random.default_rng(check_int_in(seed, "seed", 0, 2**32 - 1)).standard_normal((vocab_size, dim))
    return table[ctx].reshape(ctx.shape[0], -1)


def zipf_probabilities(n: int, exponent: float) -> np.ndarray:
    """Zipf's law on ranks ``1..n``: ``p_k ∝ k^(-exponent)`` (``exponent = 0`` is uniform)."""
    n = check_int_in(n, "n", 1, 100_000_000)
    s = check_scalar_in(exponent, "exponent", 0.0, 50.0)
    p = np.arange(1, n + 1, dtype=np.float64) ** (-s)
    return p / p.sum()


def zipf_markov_tokens(n_tokens: int, vocab_size: int, exponent: float, *, seed: int) -> np.ndarray:
    """A synthetic text of ``n_tokens`` word ids whose repetitiveness grows with ``exponent``.

    Each word ``w`` has its own random ordering of the vocabulary; the word
    after ``w`` is drawn with Zipf probabilities (:func:`zipf_probabilities`)
    along that ordering. The first word is uniform. Everything is drawn from
    one generator seeded with ``seed``.
    """
    n_tokens = check_int_in(n_tokens, "n_tokens", 1, 100_000_000)
    vocab_size = check_int_in(vocab_size, "vocab_size", 2, 10_000_000)
    p = zipf_probabilities(vocab_size, exponent)
    rng = np.random.default_rng(check_int_in(seed, "seed", 0, 2**32 - 1))
    order = np.argsort(rng.random((vocab_size, vocab_size)), axis=1)  # row w: successors of w by rank
    ranks = rng.choice(vocab_size, size=n_tokens, p=p)  # the rank of each next word, drawn up front
    out = np.empty(n_tokens, dtype=np.int64)
    out[0] = rng.integers(vocab_size)
    for i in range(1, n_tokens):
        out[i] = order[out[i - 1], ranks[i]]
    return out
