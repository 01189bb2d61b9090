"""Sphinx extension: the book as a reader meets it, on a phone, on paper, and as a downloaded notebook.

Loaded by ``_config.yml`` (``sphinx.local_extensions``) next to ``book_publishing`` and ``book_edition``.

1. **Phone navigation** (``book_reader.js``). pydata-sphinx-theme 0.17 draws a second
   ``.primary-toggle`` button in its (hidden) top bar, and binds the drawer to the first
   ``.primary-toggle`` of the page only: the hamburger that sphinx-book-theme shows in the article
   header does nothing on a phone (pydata-sphinx-theme issue 2451). The script forwards a click on
   any other ``.primary-toggle`` to the bound one, so the visible button opens the drawer (table of
   contents and language switch) on a phone and folds the sidebar on a wide screen.
2. **Nothing wider than the screen** (``book_reader.css``). Long inline code wraps; display
   equations, tables, code and printed outputs scroll inside their own box, never the page.
3. **Figures at full size.** Tapping a figure (a notebook's image output or a ``{figure}``) opens it
   at its natural size in an overlay that scrolls both ways; a tap or Escape closes it.
4. **Solutions.** In a solution's title the link to its exercise sits inside the clickable title
   (sphinx-togglebutton): tapping it followed the link and logged ``togglebutton.js: Uncaught
   ReferenceError: button is not defined``. A click anywhere in a collapsible title now toggles
   the block. Printed pages show every solution expanded (print CSS, ``beforeprint``).
5. **Italian typography.** docutils' smart quotes use ``“”`` as the Italian *single* quotes, so the
   apostrophe of "dell'" before a ``{term}`` link (the end of a text node) became ``”``. The Italian
   edition uses ``“”‘’`` (its apostrophe is ``’``), see :func:`italian_quotes`.
6. **Search.** Chapters rank above the pages that gather every topic (claims ledger, glossary,
   bibliography, teachers' guide, home page): ``book_search_scorer.js`` (``html_search_scorer``). Snippets are
   taken from the page's prose without formulas' TeX source, code, or the page's menus.
7. **Tables as tables.** A table that a cell prints with ``relulab.tables.format_table`` (a header
   line, a line of dashes under each column, the rows) is shown as an HTML table that scrolls in its
   own box (:func:`split_text_tables`, on the built page only: the notebook keeps the printed text,
   which nbval compares and a terminal shows). The lines printed around it stay as they were.
8. **The downloadable notebook is a student's version.** The page's ``.ipynb`` download
   (``_sources/<page>.ipynb``) is rewritten at the end of the build by :func:`student_notebook`:
   exercise solutions removed, MyST roles (``{term}``, ``{ref}``, ``{cite:p}``, ``{glue:text}``,
   ...) and directives (``{exercise}``, ``(label)=``) turned into plain Markdown that Jupyter shows
   as text. The notebook's first code cell installs relulab when it is missing
   (``scripts/notebooks.py``).
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"

EXERCISE_WORD = {"en": "Exercise", "it": "Esercizio"}


# --------------------------------------------------------------------------------------
# Italian quotes


def italian_quotes(app: Sphinx) -> None:
    """Italian smart quotes ``“”‘’`` (docutils' default for ``it`` is ``«»“”``)."""
    if (app.config.language or "").startswith("it"):
        locales = [(lang, quotes) for lang, quotes in app.env.settings.get("smartquotes_locales") or [] if lang != "it"]
        app.env.settings["smartquotes_locales"] = [*locales, ("it", "“”‘’")]


# --------------------------------------------------------------------------------------
# The student's notebook

ROLE = re.compile(r"\{(?P<role>[a-z]+(?::[a-z]+)*)\}`(?P<body>[^`]*)`")
TITLED = re.compile(r"^(?P<title>.*?)\s*<(?P<target>[^<>]+)>$", re.S)
LABEL_LINE = re.compile(r"^\([A-Za-z0-9_.:-]+\)=\s*$\n?", re.M)
EXERCISE = re.compile(r"^```\{exercise\}[^\n]*\n(?P<options>(?::[a-z-]+:[^\n]*\n)*)(?P<body>.*?)^```[ \t]*$", re.S | re.M)
SOLUTION = re.compile(r"^```\{solution\}.*?^```[ \t]*$\n?", re.S | re.M)


def _authors(entry) -> str:
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    last = [" ".join(p.last_names) or " ".join(p.first_names) for p in people]
    last = [re.sub(r"[{}]", "", name) for name in last]
    if not last:
        return re.sub(r"[{}]", "", entry.fields.get("title", "?"))
    if len(last) == 1:
        return last[0]
    if len(last) == 2:
        return f"{last[0]} & {last[1]}"
    return f"{last[0]} et al."


def load_citations(bibfiles: list[str]) -> dict[str, tuple[str, str]]:
    """``{key: (authors, year)}`` of the book's BibTeX files."""
    from pybtex.database import parse_file

    out = {}
    for path in bibfiles:
        for key, entry in parse_file(path, bib_format="bibtex").entries.items():
            out[key] = (_authors(entry), entry.fields.get("year", "n.d."))
    return out


def glued_values(nb: dict) -> dict[str, str]:
    """``{name: text/plain}`` of the values a notebook glues (myst-nb ``glue``)."""
    out = {}
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            name = (output.get("metadata") or {}).get("scrapbook", {}).get("name")
            if name and "text/plain" in output.get("data", {}):
                out[name] = "".join(output["data"]["text/plain"])
    return out


def _glue_text(body: str, glued: dict[str, str]) -> str:
    key, _, fmt = body.partition(":")
    if key not in glued:
        return body
    text = glued[key]
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text.strip("'\"")
    if fmt:
        try:
            return format(value, fmt)
        except (TypeError, ValueError):
            pass
    return str(value)


def plain_roles(text: str, *, refs: dict[str, str], cites: dict[str, tuple[str, str]], glued: dict[str, str]) -> str:
    """Markdown ``text`` with every MyST role written as the plain text a reader would see."""

    def one(match: re.Match) -> str:
        role, body = match["role"], match["body"]
        titled = TITLED.match(body)
        if role.startswith("cite"):
            keys = [k.strip() for k in body.split(",") if k.strip()]
            found = [cites.get(k, (k, "")) for k in keys]
            if role == "cite:t":
                return "; ".join(f"{a} ({y})" for a, y in found)
            return "(" + "; ".join(f"{a} {y}".strip() for a, y in found) + ")"
        if role.startswith("glue"):
            return _glue_text(body, glued)
        if role == "math":
            return f"${body}$"
        if titled:
            return titled["title"]
        if role == "numref" and "numref:" + body in refs:  # a figure's number, "Figure 4.3"
            return refs["numref:" + body]
        if role in ("ref", "numref", "doc"):
            return refs.get(body, body.replace("-", " ").replace("_", " "))
        return body.lstrip("~!")

    return ROLE.sub(one, text)


def student_notebook(
    nb: dict,
    lang: str,
    *,
    refs: dict[str, str] | None = None,
    cites: dict[str, tuple[str, str]] | None = None,
) -> dict:
    """The notebook ``nb`` (a dict, as in the .ipynb JSON) as a student downloads it: no
    solutions (cells from ``{solution-start}`` to ``{solution-end}``, ``{solution}`` blocks), plain
    text for MyST roles, exercises as bold headings, no ``(label)=`` targets."""
    refs, cites = refs or {}, cites or {}
    glued = glued_values(nb)
    cells, inside = [], False
    for cell in nb["cells"]:
        source = "".join(cell.get("source", ""))
        if cell["cell_type"] == "markdown" and "{solution-start}" in source:
            inside = True
        if inside:
            if cell["cell_type"] == "markdown" and "{solution-end}" in source:
                inside = False
            continue
        if cell["cell_type"] == "markdown":
            source = SOLUTION.sub("", source)
            source = EXERCISE.sub(lambda m: f"**{EXERCISE_WORD.get(lang, 'Exercise')}.** {m['body'].strip()}", source)
            source = LABEL_LINE.sub("", source)
            source = plain_roles(source, refs=refs, cites=cites, glued=glued)
            if not source.strip():
                continue
            cell = {**cell, "source": source}
        cells.append(cell)
    return {**nb, "cells": cells}


def _ref_titles(app: Sphinx) -> dict[str, str]:
    std = app.env.get_domain("std")
    titles = {label: title for label, (_doc, _id, title) in std.labels.items() if title}
    for label, (docname, _id) in std.anonlabels.items():
        titles.setdefault(label, app.env.titles[docname].astext() if docname in app.env.titles else label)
    figure_format = (app.config.numfig_format or {}).get("figure", "%s")
    for label, (docname, node_id, _title) in std.labels.items():
        number = app.env.toc_fignumbers.get(docname, {}).get("figure", {}).get(node_id)
        if number:
            titles["numref:" + label] = figure_format % ".".join(map(str, number))
    return titles


def write_student_notebooks(app: Sphinx, exception: Exception | None) -> None:
    """Rewrite each notebook page's downloadable ``_sources/<page>.ipynb`` as a student's version."""
    if exception is not None or app.builder.format != "html":
        return
    sources = Path(app.outdir) / "_sources"
    if not sources.is_dir():
        return
    refs = _ref_titles(app)
    bibfiles = [str(Path(app.srcdir) / f) for f in getattr(app.config, "bibtex_bibfiles", [])]
    cites = load_citations([f for f in bibfiles if Path(f).is_file()])
    lang = app.config.language or "en"
    for path in sorted(sources.rglob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        nb = student_notebook(nb, lang, refs=refs, cites=cites)
        nb.setdefault("metadata", {}).setdefault("relulab", {})["student_version"] = True
        path.write_text(json.dumps(nb, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------------------
# Printed tables as HTML tables

DASHES = re.compile(r"-+")
NUMBER = re.compile(r"^[-+]?(?:\d[\d,.']*(?:e[-+]?\d+)?|nan|inf|-inf)%?(?:\s*±\s*[\d.,']+(?:e[-+]?\d+)?%?)?$", re.I)


def _columns(rule: str) -> list[int] | None:
    """Start columns of a ``format_table`` rule line (dash groups two spaces apart), or None."""
    if not rule or set(rule) - {"-", " "}:
        return None
    groups = list(DASHES.finditer(rule))
    if len(groups) < 2 or groups[0].start() != 0:
        return None
    if any(b.start() - a.end() != 2 for a, b in zip(groups, groups[1:])):
        return None
    return [g.start() for g in groups]


def _cells(line: str, starts: list[int]) -> list[str] | None:
    """``line`` cut at ``starts``; None if a gap between columns holds text (not a row)."""
    if any(line[s - 2:s].strip() for s in starts[1:] if s - 2 < len(line)):
        return None
    bounds = [*starts[1:], None]
    return [line[a:b].strip() if b else line[a:].strip() for a, b in zip(starts, bounds)]


def split_text_tables(text: str) -> list[str | tuple[list[str], list[list[str]]]]:
    """Cut printed ``text`` into plain-text pieces and ``(headers, rows)`` tables."""
    lines = text.split("\n")
    pieces: list = []
    plain: list[str] = []
    i = 0
    while i < len(lines):
        starts = _columns(lines[i + 1]) if i + 1 < len(lines) else None
        header = _cells(lines[i], starts) if starts else None
        if header and header[0] and sum(bool(h) for h in header) >= 2:
            rows, j = [], i + 2
            while j < len(lines) and lines[j].strip():
                row = _cells(lines[j], starts)
                if row is None or sum(bool(c) for c in row) < min(2, len(starts)):
                    break
                rows.append(row)
                j += 1
            if rows:
                if plain:
                    pieces.append("\n".join(plain))
                    plain = []
                pieces.append((header, rows))
                i = j
                continue
        plain.append(lines[i])
        i += 1
    if plain and "\n".join(plain).strip():
        pieces.append("\n".join(plain))
    return pieces


def table_html(headers: list[str], rows: list[list[str]]) -> str:
    import html

    numeric = [all(NUMBER.match(r[j]) or not r[j] for r in rows) for j in range(len(headers))]
    cls = lambda j: ' class="num"' if numeric[j] else ""  # noqa: E731
    head = "".join(f'<th scope="col"{cls(j)}>{html.escape(h)}</th>' for j, h in enumerate(headers))
    body = "".join(
        "<tr>" + "".join(f"<td{cls(j)}>{html.escape(c)}</td>" for j, c in enumerate(r)) + "</tr>" for r in rows
    )
    return (
        f'<div class="book-table-wrap"><table class="book-table">'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def html_tables(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if app.builder.format != "html":
        return
    for block in list(doctree.findall(nodes.literal_block)):
        if "output" not in block.get("classes", []):
            continue
        pieces = split_text_tables(block.astext())
        if not any(isinstance(p, tuple) for p in pieces):
            continue
        new = []
        for piece in pieces:
            if isinstance(piece, tuple):
                new.append(nodes.raw("", table_html(*piece), format="html"))
            else:
                new.append(nodes.literal_block(piece, piece, classes=list(block["classes"]), language=block.get("language", "none")))
        block.replace_self(new)


# --------------------------------------------------------------------------------------


def add_static(app: Sphinx) -> None:
    app.config.html_static_path.append(str(STATIC))
    if not app.config.html_search_scorer:
        app.config.html_search_scorer = str(STATIC / "book_search_scorer.js")


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", add_static)
    app.connect("builder-inited", italian_quotes)
    app.add_css_file("book_reader.css")
    app.add_js_file("book_reader.js", loading_method="defer")
    app.connect("build-finished", write_student_notebooks)
    app.connect("doctree-resolved", html_tables)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
