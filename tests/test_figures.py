"""Numbered, captioned figures and learning objectives: the book's conventions for a reader.

- Every cell that draws a figure carries myst-nb's figure options (a caption in its notebook's
  language and a name), so the built page shows "Figure 4.3 ..." / "Figura 4.3 ..." under it; the
  names are unique in the book and the prose of the chapter cites each figure by number
  (``{numref}``) in both languages.
- ``scripts/sphinx_ext/book_figures.py`` numbers figures per chapter after the file name's prefix.
- Each chapter opens with its learning objectives, right after the title, in both languages.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "scripts" / "sphinx_ext"))
import book_figures  # noqa: E402
import notebooks as nbtool  # noqa: E402

LANGS = ("en", "it")
CHAPTERS = nbtool.source_names()
NUMREF = re.compile(r"\{numref\}`(?:[^`<]*<)?(?P<name>[^`>]+)>?`")
GLUE_PREFIX = "application/papermill.record/"


def notebook(lang: str, name: str) -> nbformat.NotebookNode:
    return nbformat.read(ROOT / "book" / lang / f"{name}.ipynb", as_version=4)


def figure_cells(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "code"
            and any("image/png" in o.get("data", {}) for o in c.get("outputs", []))]


def figure_name(cell) -> str | None:
    return cell.metadata.get("mystnb", {}).get("figure", {}).get("name")


def shown_outputs(cell) -> list:
    """Outputs that myst-nb renders inside the figure (glue records with display=False are not)."""
    return [o for o in cell.outputs if o.get("output_type") in ("display_data", "execute_result")
            and not all(k.startswith(GLUE_PREFIX) for k in o.get("data", {}))]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", CHAPTERS)
def test_every_figure_is_captioned_and_named(lang, name):
    figures = figure_cells(notebook(lang, name))
    assert figures, f"{lang}/{name}: no figure (a chapter without one would not need this test)"
    for cell in figures:
        where = f"{lang}/{name}, cell {cell.id}"
        figure = cell.metadata.get("mystnb", {}).get("figure", {})
        caption, fig_name = figure.get("caption", ""), figure.get("name", "")
        assert len(caption) >= 30 and caption.rstrip().endswith("."), f"{where}: caption {caption!r} is not a sentence"
        assert nbtool.FIGURE_NAME.fullmatch(fig_name), f"{where}: figure name {fig_name!r}"
        # one figure per cell: myst-nb wraps each shown output in a figure with this name
        assert len(shown_outputs(cell)) == 1, f"{where}: {len(shown_outputs(cell))} outputs would share the name {fig_name}"


def test_figure_names_are_unique_and_the_same_in_both_languages():
    names = {lang: [figure_name(c) for n in CHAPTERS for c in figure_cells(notebook(lang, n))]
             for lang in LANGS}
    for lang in LANGS:
        dupes = sorted({n for n in names[lang] if names[lang].count(n) > 1})
        assert not dupes, f"{lang}: figure names used twice: {dupes}"
    assert names["en"] == names["it"]


@pytest.mark.parametrize("name", CHAPTERS)
def test_captions_are_in_the_notebooks_language(name):
    en, it = (figure_cells(notebook(lang, name)) for lang in LANGS)
    for a, b in zip(en, it):
        ca, cb = a.metadata["mystnb"]["figure"]["caption"], b.metadata["mystnb"]["figure"]["caption"]
        assert ca != cb, f"{name}: the Italian caption is the English one: {ca!r}"
        assert a.metadata["mystnb"]["figure"]["name"] == b.metadata["mystnb"]["figure"]["name"]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", CHAPTERS)
def test_the_prose_cites_every_figure_by_number(lang, name):
    nb = notebook(lang, name)
    cited = {m["name"] for c in nb.cells if c.cell_type == "markdown" for m in NUMREF.finditer(c.source)}
    figures = {figure_name(c) for c in figure_cells(nb)}
    assert figures - cited == set(), f"{lang}/{name}: figures never cited with {{numref}}: {sorted(figures - cited)}"
    # a {numref} to a figure of another chapter is allowed; one to no figure at all is not
    every = {figure_name(c) for n in CHAPTERS for c in figure_cells(notebook(lang, n))}
    assert cited - every == set(), f"{lang}/{name}: {{numref}} to unknown figures {sorted(cited - every)}"


def test_source_options_for_figures_are_checked():
    ok = nbtool.parse_source('%% code {"caption": {"en": "A.", "it": "B."}, "name": "fig-a-b"}\nx = 1\n')
    assert ok[0]["meta"]["name"] == "fig-a-b"
    with pytest.raises(nbtool.SourceError, match="both 'caption' and 'name'"):
        nbtool.parse_source('%% code {"caption": {"en": "A.", "it": "B."}}\nx = 1\n')
    with pytest.raises(nbtool.SourceError, match="'caption' needs a text for each"):
        nbtool.parse_source('%% code {"caption": {"en": "A."}, "name": "fig-a"}\nx = 1\n')
    with pytest.raises(nbtool.SourceError, match="figure name 'Fig_A'"):
        nbtool.parse_source('%% code {"caption": {"en": "A.", "it": "B."}, "name": "Fig_A"}\nx = 1\n')


def test_generated_cells_carry_myst_nb_figure_options():
    cells = nbtool.parse_source('%% code {"alt": {"en": "An alt.", "it": "Un alt."}, '
                                '"caption": {"en": "A caption.", "it": "Una didascalia."}, "name": "fig-x"}\nx = 1\n')
    it = nbtool.make_notebook(cells, "it", "t").cells[0]
    assert it.metadata["mystnb"] == {"image": {"alt": "Un alt."}, "figure": {"caption": "Una didascalia.", "name": "fig-x"}}


@pytest.mark.parametrize("docname, label", [
    ("04_dying_relu", "4"), ("02b_propagation", "2b"), ("02a_depth", "2a"), ("10_more", "10"), ("A1_cost", "A1"),
    ("chapters/05c_gans", "5c"), ("index", ""), ("glossary", ""), ("teachers", ""),
])
def test_chapter_label(docname, label):
    assert book_figures.chapter_label(docname) == label


def test_figures_are_numbered_per_chapter():
    numbers = {"figure": {"id-b": (9,), "id-a": (8,), "id-c": (10,)}, "table": {"t": (3,)}}
    assert book_figures.renumber(numbers, "04_dying_relu") == {
        "figure": {"id-a": ("4", 1), "id-b": ("4", 2), "id-c": ("4", 3)}, "table": {"t": (3,)}}
    assert book_figures.renumber(numbers, "index")["figure"] == {"id-a": (1,), "id-b": (2,), "id-c": (3,)}


@pytest.mark.parametrize("lang, word", [("en", "Figure %s"), ("it", "Figura %s")])
def test_the_figure_word_is_the_editions(lang, word):
    class Config:
        language = lang
        numfig_format = {"table": "Table %s"}

    config = Config()
    book_figures.figure_word(config)
    assert config.numfig_format == {"table": "Table %s", "figure": word}


# --------------------------------------------------------------------------------------
# Learning objectives

OBJECTIVES = {"en": "By the end of this chapter you can", "it": "Alla fine del capitolo saprete"}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", CHAPTERS)
def test_each_chapter_opens_with_its_learning_objectives(lang, name):
    md = [c for c in notebook(lang, name).cells if c.cell_type == "markdown"]
    title, objectives = md[0].source, md[1].source
    assert re.search(r"^# ", title, re.M), f"{lang}/{name}: the first cell is not the title"
    assert objectives.startswith(OBJECTIVES[lang]), f"{lang}/{name}: no learning objectives after the title"
    items = re.findall(r"^- \S.*", objectives, re.M)
    assert 3 <= len(items) <= 5, f"{lang}/{name}: {len(items)} objectives (want 3 to 5)"


def test_the_students_notebook_cites_figures_by_number():
    import book_reader

    refs = {"fig-a": "The caption of figure a", "numref:fig-a": "Figura 4.3"}
    out = book_reader.plain_roles("come mostra la {numref}`fig-a`.", refs=refs, cites={}, glued={})
    assert out == "come mostra la Figura 4.3."
