"""Sphinx extension: numbered figures, per chapter and in the edition's language.

Loaded by ``_config.yml`` (``sphinx.local_extensions``). A code cell that draws a figure carries
myst-nb's figure options in its metadata (``mystnb.figure.caption`` and ``.name``, written by
``scripts/notebooks.py`` from the cell's ``"caption"`` and ``"name"`` in the chapter's source), so
its output is a ``figure`` node with a caption and a label that the prose cites with
``{numref}`fig-...```.

- Sphinx's ``numfig`` is on (``_config.yml``); the word before the number is the edition's:
  "Figure 4.3" in English, "Figura 4.3" in Italian (Sphinx's own Italian catalogue says "Fig.").
- The book's chapters are not numbered in the table of contents, so Sphinx would number figures
  1, 2, ... through the whole book. They are numbered per chapter instead, after the number the
  prose gives each chapter: its file name's prefix without leading zeros (``04_dying_relu`` ->
  4, ``02b_propagation`` -> 2b, ``A1_cost`` -> A1). Figure 4.3 is the third figure of chapter 4.
  A page without such a prefix keeps numbers of its own (1, 2, ...).
"""

from __future__ import annotations

import re

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment

FIGURE_WORD = {"en": "Figure", "it": "Figura"}

_CHAPTER = re.compile(r"^(?:0*(\d+[a-z]?)|([A-Z]\d*))_")


def chapter_label(docname: str) -> str:
    """The chapter's number as the prose writes it ('4', '2b', 'A1'); '' for other pages."""
    m = _CHAPTER.match(docname.rsplit("/", 1)[-1])
    return (m.group(1) or m.group(2)) if m else ""


def figure_word(config: Config) -> None:
    lang = (config.language or "en").split("_")[0]
    word = FIGURE_WORD.get(lang, FIGURE_WORD["en"])
    config.numfig_format = {**(config.numfig_format or {}), "figure": f"{word} %s"}


def set_figure_word(app: Sphinx, config: Config) -> None:
    figure_word(config)


def renumber(numbers: dict[str, dict[str, tuple]], docname: str) -> dict[str, dict[str, tuple]]:
    """The figure numbers of one page, per chapter: ``{figtype: {id: (label, n)}}``, n = 1, 2, ...
    in the order Sphinx numbered them."""
    label = chapter_label(docname)
    out: dict[str, dict[str, tuple]] = {}
    for figtype, ids in numbers.items():
        if figtype != "figure":
            out[figtype] = ids
            continue
        order = sorted(ids, key=lambda i: ids[i])
        out[figtype] = {i: ((label, n) if label else (n,)) for n, i in enumerate(order, 1)}
    return out


def per_chapter_numbers(app: Sphinx, env: BuildEnvironment) -> list[str]:
    for docname, numbers in list(env.toc_fignumbers.items()):
        env.toc_fignumbers[docname] = renumber(numbers, docname)
    return []


def setup(app: Sphinx) -> dict:
    # before Sphinx's own handler (priority 800) merges its translated defaults under ours
    app.connect("config-inited", set_figure_word, priority=400)
    # after Sphinx's TocTreeCollector (priority 500) has assigned the book-wide numbers
    app.connect("env-get-updated", per_chapter_numbers, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
