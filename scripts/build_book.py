"""Build the bilingual book: book/en and book/it as two Sphinx sites, assembled in _build/html.

Usage:  python scripts/build_book.py [--lang en|it] [--keep-going]

Each language is its own Sphinx project built through Jupyter Book 1's Python API
with the shared _config.yml, one _toc.yml (part captions translated here) and the
per-language settings below. Warnings are errors. The result:

    _build/html/index.html   chooses a language (browser preference, plain links too)
    _build/html/en/...       English edition
    _build/html/it/...       Italian edition

(Sphinx's own output, with doctrees and notebook copies, stays in _build/sphinx/<lang>.)
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
LANGS = ("en", "it")

#: Per-language Sphinx settings.
SETTINGS = {
    "en": {
        "html_title": "ReLU — an executable textbook",
        "search_bar_text": "Search this book...",
        "nb_code_prompt_show": "Show code cell {type}",
        "nb_code_prompt_hide": "Hide code cell {type}",
    },
    "it": {
        "html_title": "ReLU — un libro di testo eseguibile",
        "search_bar_text": "Cerca nel libro...",
        "nb_code_prompt_show": "Mostra {type} della cella di codice",
        "nb_code_prompt_hide": "Nascondi {type} della cella di codice",
    },
}

#: Translations of the part captions of _toc.yml.
CAPTIONS = {
    "Chapters": {"it": "Capitoli"},
    "Appendices": {"it": "Appendici"},
    "Reference": {"it": "Riferimenti"},
    "For teachers": {"it": "Per i docenti"},
}

ROOT_INDEX = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>ReLU — choose a language / scegli la lingua</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<script>
  // Go to the reader's language if the browser says Italian, else English.
  (function () {
    var langs = navigator.languages || [navigator.language || "en"];
    var it = langs.some(function (l) { return String(l).toLowerCase().indexOf("it") === 0; });
    if (!window.location.hash) { window.location.replace((it ? "it" : "en") + "/index.html"); }
  })();
</script>
</head>
<body>
<h1>ReLU</h1>
<ul>
  <li><a href="en/index.html" hreflang="en" lang="en">English edition</a></li>
  <li><a href="it/index.html" hreflang="it" lang="it">Edizione italiana</a></li>
</ul>
</body>
</html>
"""


def translated_toc(lang: str) -> Path:
    """Write the _toc.yml for ``lang`` (captions translated) and return its path."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    if lang != "en":
        for part in toc.get("parts", []):
            cap = part.get("caption")
            if cap is not None:
                if cap not in CAPTIONS or lang not in CAPTIONS[cap]:
                    raise SystemExit(f"_toc.yml caption {cap!r} has no {lang} translation in scripts/build_book.py")
                part["caption"] = CAPTIONS[cap][lang]
    out = BUILD / "tocs" / f"{lang}.yml"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(yaml.safe_dump(toc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return out


def confoverrides(lang: str) -> dict:
    s = SETTINGS[lang]
    return {
        "language": lang,
        "html_title": s["html_title"],
        "external_toc_path": str(translated_toc(lang)),
        "templates_path": [str(ROOT / "_templates")],
        "locale_dirs": [str(ROOT / "locales")],
        "bibtex_bibfiles": [str(ROOT / "references.bib")],
        "nb_code_prompt_show": s["nb_code_prompt_show"],
        "nb_code_prompt_hide": s["nb_code_prompt_hide"],
        "html_context": {"book_lang": lang, "other_lang": "it" if lang == "en" else "en"},
        "html_sidebars": {
            "**": ["navbar-logo.html", "search-button-field.html", "lang-switch.html", "sbt-sidebar-nav.html"]
        },
        "html_theme_options": {
            "path_to_docs": f"book/{lang}",
            "search_bar_text": s["search_bar_text"],
            "use_download_button": True,
        },
        "latex_individualpages": False,
    }


def build(lang: str, *, warnings_as_errors: bool = True) -> Path:
    """Build one language; return its HTML folder. Raises on any warning."""
    from jupyter_book.sphinx import build_sphinx

    out = BUILD / "sphinx" / lang
    result = build_sphinx(
        str(ROOT / "book" / lang),
        str(out),
        noconfig=True,
        path_config=str(ROOT / "_config.yml"),
        confoverrides=confoverrides(lang),
        builder="html",
        warningiserror=warnings_as_errors,
        freshenv=True,
    )
    if result != 0:
        if isinstance(result, BaseException):
            raise result
        raise RuntimeError(f"Sphinx build of {lang} returned {result!r}")
    return out


def assemble(langs: tuple[str, ...]) -> Path:
    site = BUILD / "html"
    site.mkdir(parents=True, exist_ok=True)
    for lang in langs:
        dest = site / lang
        if dest.exists():
            shutil.rmtree(dest)
        shutil.copytree(BUILD / "sphinx" / lang, dest, ignore=shutil.ignore_patterns(".doctrees", "jupyter_execute", ".buildinfo"))
    (site / "index.html").write_text(ROOT_INDEX, encoding="utf-8")
    (site / ".nojekyll").write_text("", encoding="utf-8")
    return site


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lang", choices=LANGS, action="append", help="build only this language (repeatable)")
    args = parser.parse_args(argv)
    langs = tuple(args.lang) if args.lang else LANGS
    for lang in langs:
        build(lang)
    site = assemble(langs)
    print(f"\nThe book is built. Open {site / 'index.html'} in a browser")
    for lang in langs:
        print(f"  {lang}: {site / lang / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
