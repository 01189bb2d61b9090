"""Sphinx extension for the two editions of the book: theme strings in the page's language, no CDN.

Loaded by ``_config.yml`` (``sphinx.local_extensions``) in every build made by
``scripts/build_book.py``. It does three things the theme cannot be configured to do:

1. **Theme strings in the edition's language.** sphinx-book-theme translates its buttons
   from its own catalogue (``booktheme``), which Sphinx's ``locale_dirs`` never reaches,
   and whose Italian file has gaps ("Launch on", "Toggle primary sidebar") and oddities
   ("Lanciare", "taccuino"). ``locales/<lang>/LC_MESSAGES/booktheme.po`` is installed
   here as the first catalogue, the theme's own as its fallback. A few labels are
   hard-coded in templates and scripts (``aria-label="Main"``, ``title="Toggle primary
   sidebar"``...): they are listed in :data:`HARD_CODED` and translated from the same
   catalogue in the written pages. The messages of Sphinx's search page come from
   ``_static/translations.js``, where Sphinx's Italian catalogue leaves some empty; the
   entries of ``locales/<lang>/LC_MESSAGES/sphinx.po`` are merged into it.
2. **No script from a CDN.** Jupyter Book always loads sphinx-thebe, which writes
   ``const THEBE_JS_URL = "https://unpkg.com/..."`` into every page, twice (the second
   copy is a JavaScript error: "Identifier 'THEBE_JS_URL' has already been declared"),
   plus a Binder configuration for an unrelated example repository. The book offers no
   in-page live code (it would need that CDN script and a Binder server): readers use
   the Binder launch button or download the notebook. So sphinx-thebe is switched off.
3. **Citations in the edition's language.** sphinxcontrib-bibtex and pybtex write English
   connectives: "Nair and Hinton [2010]", "volume 49 of Proceedings...". On Italian pages the
   configured styles are replaced by Italian variants registered here (``author_year_it``,
   ``alpha_it``...): "Nair e Hinton", "volume 49 di". Titles of papers stay as published.

Everything that is a setting lives in ``_config.yml`` or ``scripts/build_book.py``.

Missing translations are Sphinx warnings, hence errors in the book's build.
"""

from __future__ import annotations

import gettext
import html
import io
import json
import re
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from sphinx.application import Sphinx
from sphinx.locale import translators
from sphinx.util import logging

logger = logging.getLogger(__name__)

LOCALES = Path(__file__).resolve().parents[2] / "locales"
THEME_CATALOG = "booktheme"

#: English labels hard-coded in templates or scripts of the theme and its extensions,
#: as (HTML attribute, text). Each is translated from ``booktheme.po``.
HARD_CODED: tuple[tuple[str, str], ...] = (
    ("aria-label", "Main"),  # sphinx-book-theme components/sbt-sidebar-nav.html
    ("aria-label", "Page"),  # sphinx-book-theme layout.html (table of contents when printing)
    ("title", "Toggle primary sidebar"),  # sphinx-book-theme components/toggle-primary-sidebar.html
    ("title", "Toggle secondary sidebar"),  # sphinx-book-theme components/toggle-secondary-sidebar.html
    ("aria-label", "Toggle hidden content"),  # myst-nb hidden cells; sphinx-togglebutton's script
)


#: Words of the reference list (pybtex) and of in-text citations, per language.
CITATION_WORDS = {
    "it": {"and": " e ", "of": "di", "in": "in", "Number": "Numero", "number": "numero", "editors": "(a cura di)"},
}


def _italian_formatting_style(base):
    """A pybtex formatting style like ``base`` with the connectives of ``CITATION_WORDS["it"]``."""
    from pybtex.richtext import Symbol
    from pybtex.style.template import field, first_of, join, names, optional, optional_field, sentence, together, words

    w = CITATION_WORDS["it"]

    class Italian(base):
        def format_names(self, role, as_sentence=True):
            formatted = names(role, sep=", ", sep2=w["and"], last_sep=w["and"])
            return sentence[formatted] if as_sentence else formatted

        def format_editor(self, e, as_sentence=True):
            editors = self.format_names("editor", as_sentence=False)
            if "editor" not in e.persons:
                return editors
            result = words[editors, w["editors"]]  # "X e Y (a cura di)" for "X and Y, editors"
            return sentence[result] if as_sentence else result

        def format_volume_and_series(self, e, as_sentence=True):
            volume_and_series = optional[
                words[
                    together["Volume" if as_sentence else "volume", field("volume")],
                    optional[words[w["of"], field("series")]],
                ]
            ]
            number_and_series = optional[
                words[
                    join(sep=Symbol("nbsp"))[w["Number"] if as_sentence else w["number"], field("number")],
                    optional[words[w["in"], field("series")]],
                ]
            ]
            result = first_of[volume_and_series, number_and_series, optional_field("series")]
            return sentence(capfirst=True)[result] if as_sentence else result

    Italian.__name__ = f"Italian{base.__name__}"
    return Italian


def register_citation_styles() -> None:
    """Register ``<style>_it`` variants of pybtex's and sphinxcontrib-bibtex's styles."""
    from dataclasses import dataclass, field

    import pybtex.plugin
    from pybtex.style.formatting import alpha, plain, unsrt, unsrtalpha
    from sphinxcontrib.bibtex.plugin import register_plugin
    from sphinxcontrib.bibtex.style.referencing import PersonStyle
    from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle

    for name, module in (("alpha", alpha), ("plain", plain), ("unsrt", unsrt), ("unsrtalpha", unsrtalpha)):
        pybtex.plugin.register_plugin("pybtex.style.formatting", f"{name}_it", _italian_formatting_style(module.Style))

    and_ = CITATION_WORDS["it"]["and"]

    @dataclass
    class ItalianAuthorYearReferenceStyle(AuthorYearReferenceStyle):
        person: PersonStyle = field(default_factory=lambda: PersonStyle(sep2=and_, last_sep=and_))

    register_plugin("sphinxcontrib.bibtex.style.referencing", "author_year_it", ItalianAuthorYearReferenceStyle)


def use_citation_styles(app: Sphinx, config) -> None:
    """On pages in another language than English, use the Italian variants of the configured styles."""
    lang = _language(app)
    if lang == "en" or lang not in CITATION_WORDS:
        return
    for option, group, registry in (
        ("bibtex_default_style", "pybtex.style.formatting", "pybtex"),
        ("bibtex_reference_style", "sphinxcontrib.bibtex.style.referencing", "bibtex"),
    ):
        current = getattr(config, option, None)
        if current is None or current.endswith(f"_{lang}"):
            continue
        wanted = f"{current}_{lang}"
        if _plugin_exists(registry, group, wanted):
            setattr(config, option, wanted)
        elif _plugin_exists(registry, group, current) and current not in ("label", "super", "foot"):
            logger.warning(f"{option} = {current!r} has no {lang} variant in {__name__}: citations would read English")


def _plugin_exists(registry: str, group: str, name: str) -> bool:
    try:
        if registry == "pybtex":
            import pybtex.plugin

            pybtex.plugin.find_plugin(group, name)
        else:
            from sphinxcontrib.bibtex.plugin import find_plugin

            find_plugin(group, name)
    except Exception:
        return False
    return True


def load_po(path: Path) -> gettext.GNUTranslations:
    """Compile a ``.po`` file in memory (nothing is written next to the sources)."""
    with path.open("rb") as f:
        catalog = read_po(f)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def _po_path(lang: str, domain: str) -> Path:
    return LOCALES / lang / "LC_MESSAGES" / f"{domain}.po"


def _language(app: Sphinx) -> str:
    return app.config.language or "en"


def disable_thebe(app: Sphinx) -> None:
    """Disconnect sphinx-thebe (loaded by Jupyter Book) so that no page mentions its CDN script."""
    for listeners in app.events.listeners.values():
        for listener in list(listeners):
            module = getattr(listener.handler, "__module__", "") or ""
            if module.split(".")[0] == "sphinx_thebe":
                app.disconnect(listener.id)
    app.registry.css_files = [(name, attrs) for name, attrs in app.registry.css_files if name != "sphinx-thebe.css"]


def install_theme_catalog(app: Sphinx, config=None) -> None:
    """Put ``locales/<lang>/LC_MESSAGES/booktheme.po`` in front of the theme's own catalogue."""
    options = app.config.html_theme_options or {}
    if (options.get("launch_buttons") or {}).get("thebe"):
        raise ValueError(
            "launch_buttons.thebe is not supported by this book: in-page live code loads its script from a CDN "
            "(the book works offline); readers use the Binder launch button instead"
        )
    lang = _language(app)
    if lang == "en":
        return
    po = _po_path(lang, THEME_CATALOG)
    if not po.is_file():
        logger.warning(f"no theme catalogue for language {lang!r}: expected {po}")
        return
    ours = load_po(po)
    theirs = translators.get(("general", THEME_CATALOG))
    if theirs is not None:
        ours.add_fallback(theirs)
    translators["general", THEME_CATALOG] = ours
    # sphinx-togglebutton writes its English label from a script when the page loads; this
    # script runs after it (it comes later in the page) and translates the label.
    english = "Toggle hidden content"
    app.add_js_file(
        None,
        body=(
            'document.addEventListener("DOMContentLoaded", () => { for (const e of document.querySelectorAll("[aria-label]")) '
            f'if (e.getAttribute("aria-label") === {json.dumps(english)}) '
            f'e.setAttribute("aria-label", {json.dumps(ours.gettext(english))}); }});'
        ),
    )


def _translate_hard_coded(lang: str, outdir: Path) -> None:
    catalogue = translators.get(("general", THEME_CATALOG))
    if catalogue is None:
        return
    replacements = {}
    for attr, text in HARD_CODED:
        translated = catalogue.gettext(text)
        if translated == text:
            logger.warning(f"{_po_path(lang, THEME_CATALOG)} has no translation of {text!r}")
        replacements[f'{attr}="{text}"'] = f'{attr}="{html.escape(translated)}"'
    pattern = re.compile("|".join(re.escape(k) for k in replacements))
    for page in outdir.rglob("*.html"):
        if "_static" in page.relative_to(outdir).parts:
            continue
        text = page.read_text(encoding="utf-8")
        new = pattern.sub(lambda m: replacements[m.group(0)], text)
        if new != text:
            page.write_text(new, encoding="utf-8")


def _complete_search_messages(lang: str, outdir: Path) -> None:
    """Merge ``locales/<lang>/LC_MESSAGES/sphinx.po`` into the page scripts' catalogue."""
    js = outdir / "_static" / "translations.js"
    po = _po_path(lang, "sphinx")
    if not js.is_file() or not po.is_file():
        return
    text = js.read_text(encoding="utf-8")
    start, end = text.index("{"), text.rindex("}") + 1
    data = json.loads(text[start:end])
    with po.open("rb") as f:
        for message in read_po(f):
            if message.id and isinstance(message.id, str) and message.string:
                data["messages"][message.id] = message.string
    js.write_text(
        text[:start] + json.dumps(data, ensure_ascii=False, indent=4, sort_keys=True) + text[end:], encoding="utf-8"
    )


def finish_pages(app: Sphinx, exception: BaseException | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    lang = _language(app)
    if lang == "en":
        return
    outdir = Path(app.outdir)
    _translate_hard_coded(lang, outdir)
    _complete_search_messages(lang, outdir)


def setup(app: Sphinx) -> dict:
    disable_thebe(app)
    register_citation_styles()
    app.connect("config-inited", use_citation_styles)
    # At config-inited the language is final and the builder does not exist yet: a script added
    # later (builder-inited) would be written twice into every page.
    app.connect("config-inited", install_theme_catalog)
    app.connect("build-finished", finish_pages)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
