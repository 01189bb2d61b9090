"""Scan the stored outputs of the Italian notebooks for English words and decimal points (issue 21).

Every string the code prints or draws in an Italian notebook must be Italian, with a decimal comma.
The stored outputs of each notebook (streams, ``text/plain``, ``text/html``, ``text/markdown``) are
scanned line by line for

- English words: a list of common English words that cannot be Italian (:data:`ENGLISH`), after
  removing what is shown as code (:data:`CODE`: calls ``f(x, 0.5)``, ``nn.ReLU``, ``lr=0.1``,
  names with ``_``, Python lists, `backticks`), quotations in caporali (data the book quotes), the
  code names the book prints as such (:data:`CODE_NAMES`) and the English terms the Italian edition
  keeps on purpose (``kept_english`` and the Italian aliases of ``glossary/terms.yaml``:
  *learning rate*, *loss* ...);
- numbers with a decimal point outside code (``0.5`` must print ``0,5``; the Italian thousands
  separator ``1.000`` is allowed, so a three-decimal number such as ``5.516`` slips through).

Cells that print source code (``inspect.getsource``) are code, not text, and are skipped; so is the
``<Figure size ...>`` text of a drawn figure (the reader sees the image).
``tests/test_italian_outputs.py`` runs this scan on every Italian notebook.

Usage: python scripts/scan_italian_outputs.py [--lang it|en] [--verbose]
"""

from __future__ import annotations

import re

import nbformat
import yaml

import render_glossary as rg

#: Common English words that are not Italian words (so an Italian line that has one leaks English).
ENGLISH = set(
    """the and of with without from this that these those is are was were be been has have had not but
    which when where while what who how why than then there their they them its into onto over under
    between after before during each every all any some most more less only also very same other such both
    mean means deviation error width depth layer layers training train trained loss accuracy epoch epochs
    step steps run runs dead alive fraction rate final initial init default uniform normal sample samples
    value values result results time seconds total count ratio gradient gradients norm hidden units unit
    network networks model best worst median passed failed yes true false across within above below first
    last left right top bottom plot figure shows shown measured expected observed difference average
    learned zeroed validation correlation pieces function plain usable cores provenance repetitions calls
    elements memory available only at on to by or if no sigmoid distinct photos photo ratios thresholds
    threshold digits prose random live none label labels images image text whitened usable
    cores copy sparsity zeros weights weight bias_init momentum_sgd optimizer optimizers
    lifetime population active inactive share std""".split()
)
#: English words that also are Italian or that the Italian edition accepts in printed text.
NOT_ENGLISH = {"no", "a", "e", "per", "min", "max", "standard", "test", "input", "output", "seed", "batch", "loss"}
ENGLISH -= NOT_ENGLISH

#: Code names the book prints as they are written in code (function, module and option names).
CODE_NAMES = {"relu", "tanh", "sigmoid", "softplus", "gelu", "elu", "selu", "silu", "celu", "mish", "prelu",
              "rrelu", "leaky", "sgd", "adam", "xavier", "he", "lecun", "kaiming", "nn", "torch", "numpy", "np",
              "true", "false", "none", "nan", "inf", "float", "dtype", "cpu", "cuda", "gpu", "mlp", "ffn", "fc",
              "bf", "swiglu", "reglu", "geglu", "glu", "batchnorm", "linear", "dropout"}

#: What is shown as code: `backticks`, a call with its arguments (one level of nesting), a Python
#: list or array (a range [1.2-1.5] is not code), a tuple of numbers (0.5, 1.0), a token with ``=``,
#: ``_`` or an attribute (``lr=0.1``, ``zero_init``, ``nn.ReLU``).
CODE = re.compile(
    r"`[^`]*`"
    r"|\((?:\s*[-+]?[\d.]+(?:e[-+]?\d+)?\s*,)+\s*(?:[-+]?[\d.]+(?:e[-+]?\d+)?)?\s*\)"
    r"|[A-Za-z_][\w.]*\((?:[^()]|\([^()]*\))*\)"
    r"|\[(?![-+]?\d+(?:\.\d+)?-[-+]?\d+(?:\.\d+)?\])(?:[^\[\]]|\[[^\[\]]*\])*\]"
    r"|[^\s(]*(?:=|_|\b[A-Za-z]\w*\.[A-Za-z_])[^\s)]*"
)
#: A word (letters only, Unicode); one followed by an apostrophe is an Italian elision (all'inizio).
WORD = re.compile(r"\b[^\W\d_]+\b(?!['’])")
#: A number with a decimal point (not a version 2.11.0, not 1.5e-3, not part of a name), except the
#: Italian thousands separator (1.000, 10.000: the dot followed by three digits, no leading zero).
DECIMAL_POINT = re.compile(r"(?<![\w.])(?![1-9]\d{0,2}\.\d{3}(?![\w.]))\d+\.\d+(?![\w.])")
#: A number with a decimal comma (not a thousands separator: not exactly three digits after it).
DECIMAL_COMMA = re.compile(r"(?<![\w.,])\d+,(?:\d{1,2}|\d{4,})(?![\w,])")


def _kept_phrases() -> list[str]:
    """English terms the Italian edition keeps, longest first (so "learning rate" goes before "rate")."""
    data = yaml.safe_load(rg.TERMS_FILE.read_text(encoding="utf-8"))
    kept = set(data["kept_english"]) | {alias for t in rg.load_terms() for alias in t.entries["it"].aliases}
    return sorted(kept, key=len, reverse=True)


KEPT = _kept_phrases()
KEPT_RE = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(k) for k in KEPT) + r")(?!\w)", re.I)


#: A quotation in caporali: data the book quotes (the first words of the English corpus), not its voice.
QUOTE = re.compile(r"«[^»]*»")


def english_words(line: str) -> set[str]:
    """The English words of an Italian output line, outside code, quotations, code names and kept terms."""
    text = KEPT_RE.sub(" ", CODE.sub(" ", QUOTE.sub(" ", line)))
    words = {w.lower() for w in WORD.findall(text)}
    return (words & ENGLISH) - CODE_NAMES


def decimal_points(line: str) -> list[str]:
    """Numbers written with a decimal point outside code."""
    return DECIMAL_POINT.findall(CODE.sub(" ", QUOTE.sub(" ", line)))


def output_lines(path):
    """(cell index, line) of every text line the code cells of a notebook print or display."""
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or "inspect.getsource" in cell.source:
            continue
        for out in cell.get("outputs", []):
            texts = []
            if out.get("output_type") == "stream":
                texts.append(out.get("text", ""))
            else:
                data = out.get("data", {})
                has_image = any(k.startswith("image/") for k in data)
                for mime in ("text/plain", "text/html", "text/markdown"):
                    if mime in data and not (mime == "text/plain" and has_image):
                        text = data[mime]
                        text = "".join(text) if isinstance(text, list) else text
                        texts.append(re.sub(r"<[^>]+>", " ", text) if mime == "text/html" else text)
            for text in texts:
                for line in text.splitlines():
                    yield i, line


def violations(path) -> list[str]:
    found = []
    for i, line in output_lines(path):
        words, points = english_words(line), decimal_points(line)
        if words:
            found.append(f"c{i} English {sorted(words)}: {line.strip()[:140]}")
        if points:
            found.append(f"c{i} decimal point {points}: {line.strip()[:140]}")
    return found




if __name__ == "__main__":
    import pathlib
    import sys

    lang = sys.argv[sys.argv.index("--lang") + 1] if "--lang" in sys.argv else "it"
    total_e = total_d = 0
    for path in sorted((pathlib.Path(__file__).resolve().parent.parent / "book" / lang).glob("*.ipynb")):
        found = violations(path)
        e = sum(" English " in v for v in found)
        total_e, total_d = total_e + e, total_d + len(found) - e
        print(f"{path.name:40s} english-word lines {e:4d}  decimal-point lines {len(found) - e:4d}")
        if "--verbose" in sys.argv:
            print("".join(f"    {v}\n" for v in found), end="")
    print(f"{'TOTAL':40s} english-word lines {total_e:4d}  decimal-point lines {total_d:4d}")
