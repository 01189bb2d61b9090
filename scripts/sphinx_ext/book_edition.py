"""Sphinx extension: what a published edition says about itself, set by ``scripts/build_book.py``.

Loaded by ``_config.yml`` (``sphinx.local_extensions``) next to ``book_publishing``.

1. **Edit buttons open the page's real source.** Chapters are generated: the notebook behind
   ``book/<lang>/01_definition.ipynb`` is written from ``book/sources/01_definition.nbsrc``, and
   the claims and glossary pages from ``claims/`` and ``glossary/terms.yaml``. The theme would
   send an editor to the generated file; here each page's edit link goes to its source
   (:func:`edit_path`). Only with a repository (``repository.url`` in ``_config.yml``).
2. **A single-page build for the PDF edition.** ``scripts/build_pdf.py`` prints Sphinx's
   ``singlehtml`` build. Sphinx takes a builder's node handlers from its name when any
   extension registers one for that name (sphinx-exercise does, for ``singlehtml``), and then
   ignores those registered for the ``html`` format (myst-nb's hidden cells: "unknown node
   type"); :func:`share_html_handlers` gives ``singlehtml`` the ``html`` ones it lacks.
3. **The PDF edition on the landing page.** When the build includes the PDF edition
   (``scripts/build_pdf.py``), the root page of each edition lists its PDFs.

The footer (version, build date, licences) is a theme option (``extra_footer``) written by
``scripts/build_book.py``.
"""

from __future__ import annotations

import html
from pathlib import Path

from sphinx.application import Sphinx

ROOT = Path(__file__).resolve().parents[2]

#: Pages written by a script from another source (a folder is browsed, a file is edited).
GENERATED_PAGES = {
    "claims": "claims/",  # scripts/render_ledger.py, one YAML file per claim
    "glossary": "glossary/terms.yaml",  # scripts/render_glossary.py
}


def edit_path(pagename: str, lang: str) -> str:
    """The repository path a reader should edit to change ``pagename`` of edition ``lang``."""
    if pagename in GENERATED_PAGES:
        return GENERATED_PAGES[pagename]
    source = ROOT / "book" / "sources" / f"{pagename}.nbsrc"
    if source.is_file():
        return f"book/sources/{pagename}.nbsrc"  # both languages' notebooks come from this file
    return f"book/{lang}/{pagename}.md"


def edit_url(repo_url: str, branch: str, pagename: str, lang: str) -> str:
    path = edit_path(pagename, lang)
    verb = "tree" if path.endswith("/") else "edit"
    return f"{repo_url}/{verb}/{branch}/{path.rstrip('/')}"


def page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    repo = context.get("book_repository")
    if repo:
        url = edit_url(repo, context.get("book_repository_branch") or "main", pagename, app.config.language or "en")
        # pydata-sphinx-theme renders this template when the edit button is drawn (later, at
        # priority 501); it insists on the name file_name, which here is not the source's name.
        context["edit_page_url_template"] = url + "{# file_name: see book_edition.edit_path #}"
    pdfs = context.get("book_pdfs")
    if pdfs and pagename == app.config.root_doc and "body" in context:
        text = context["book_pdf_text"]
        items = "".join(
            f'<li><a class="reference download" href="{html.escape(p["file"])}" type="application/pdf">'
            f"{html.escape(text['pdf_book'] if p['whole'] else p['title'])}</a></li>"
            for p in pdfs
        )
        context["body"] += (
            f'<section id="pdf-edition"><h2>{html.escape(text["pdf_heading"])}</h2>'
            f"<p>{html.escape(text['pdf_intro'])}</p><ul class=\"pdf-edition\">{items}</ul></section>"
        )


def share_html_handlers(app: Sphinx) -> None:
    if app.builder.name != "singlehtml":
        return
    handlers = app.registry.translation_handlers
    single = handlers.setdefault("singlehtml", {})
    for node, visit_depart in handlers.get("html", {}).items():
        single.setdefault(node, visit_depart)


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", share_html_handlers)
    app.connect("html-page-context", page_context, priority=450)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
