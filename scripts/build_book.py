"""Build the bilingual book: book/en and book/it as two Sphinx sites, assembled in _build/html.

Usage:  python scripts/build_book.py [--lang en|it] [--build-dir DIR] [--repository-url URL]

Each language is its own Sphinx project built through Jupyter Book 1's Python API
with the shared _config.yml, one _toc.yml (part captions translated here) and the
per-language settings below. Warnings are errors. The result:

    _build/html/index.html   chooses a language (browser preference, plain links too)
    _build/html/en/...       English edition
    _build/html/it/...       Italian edition

(Sphinx's own output, with doctrees and notebook copies, stays in _build/sphinx/<lang>.)
The site is self-contained: MathJax and fonts are copied into it, so it can be served
from any static host, zipped, or opened from disk without a network.

Launch buttons (Binder) appear on notebook pages only when `repository.url` in
_config.yml names the book's public GitHub repository (or --repository-url is given,
e.g. to preview a fork): each page then opens its own notebook, book/<lang>/<page>.ipynb,
in the environment of binder/. The .ipynb download button is always there.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
LANGS = ("en", "it")
#: Providers of launch buttons that sphinx-book-theme knows; all are off without a repository.
LAUNCH_PROVIDERS = ("binderhub_url", "jupyterhub_url", "colab_url", "deepnote_url", "jupyterlite_url")
GITHUB_REPO = re.compile(r"https://github\.com/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")

#: Per-language Sphinx settings.
SETTINGS = {
    "en": {
        "html_title": "ReLU — an executable textbook",
        "search_bar_text": "Search this book...",
        "nb_code_prompt_show": "Show code cell {type}",
        "nb_code_prompt_hide": "Hide code cell {type}",
        "byline": "By the relulab authors",
    },
    "it": {
        "html_title": "ReLU — un libro di testo eseguibile",
        "search_bar_text": "Cerca nel libro...",
        "nb_code_prompt_show": "Mostra {type} della cella di codice",
        "nb_code_prompt_hide": "Nascondi {type} della cella di codice",
        "byline": "A cura degli autori di relulab",
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
<link rel="icon" href="en/_static/favicon.svg">
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


def book_config() -> dict:
    return yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))


def repository_url(override: str | None = None) -> str:
    """The book's public repository (`repository.url` in _config.yml, or the override); '' if none."""
    url = (override if override is not None else (book_config().get("repository") or {}).get("url")) or ""
    url = url.strip().rstrip("/")
    if url and not GITHUB_REPO.fullmatch(url):
        raise SystemExit(
            f"repository URL {url!r}: launch buttons need a GitHub repository, https://github.com/<owner>/<name>"
        )
    return url


def launch_options(repo_url: str) -> dict:
    """Theme options for the launch buttons: those of _config.yml with a repository, none without."""
    if not repo_url:
        return {"launch_buttons": {key: "" for key in LAUNCH_PROVIDERS} | {"thebe": False}}
    return {"repository_url": repo_url, "launch_buttons": book_config().get("launch_buttons") or {}}


def translated_toc(lang: str, build: Path = BUILD) -> Path:
    """Write the _toc.yml for ``lang`` (captions translated) and return its path."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    if lang != "en":
        for part in toc.get("parts", []):
            cap = part.get("caption")
            if cap is not None:
                if cap not in CAPTIONS or lang not in CAPTIONS[cap]:
                    raise SystemExit(f"_toc.yml caption {cap!r} has no {lang} translation in scripts/build_book.py")
                part["caption"] = CAPTIONS[cap][lang]
    out = build / "tocs" / f"{lang}.yml"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(yaml.safe_dump(toc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return out


def confoverrides(lang: str, build: Path = BUILD, repo_url: str = "") -> dict:
    s = SETTINGS[lang]
    return {
        "language": lang,
        "html_title": s["html_title"],
        "external_toc_path": str(translated_toc(lang, build)),
        "templates_path": [str(ROOT / "_templates")],
        "locale_dirs": [str(ROOT / "locales")],
        "bibtex_bibfiles": [str(ROOT / "references.bib")],
        "nb_code_prompt_show": s["nb_code_prompt_show"],
        "nb_code_prompt_hide": s["nb_code_prompt_hide"],
        "html_context": {
            "book_lang": lang,
            "other_lang": "it" if lang == "en" else "en",
            "book_byline": s["byline"],
            # An explicit colour mode (the theme's default is empty: "Got invalid theme mode" in
            # the console). Light: the figures are drawn on white.
            "default_mode": "light",
        },
        "html_sidebars": {
            "**": ["navbar-logo.html", "search-button-field.html", "lang-switch.html", "sbt-sidebar-nav.html"]
        },
        "html_theme_options": {
            "path_to_docs": f"book/{lang}",
            "search_bar_text": s["search_bar_text"],
            "use_download_button": True,
            **launch_options(repo_url),
        },
        # A page icon (the ReLU graph): without one, browsers ask the server for /favicon.ico.
        "html_favicon": str(ROOT / "scripts" / "sphinx_ext" / "favicon.svg"),
        "latex_individualpages": False,
    }


def build(lang: str, *, warnings_as_errors: bool = True, build: Path = BUILD, repo_url: str = "") -> Path:
    """Build one language; return its HTML folder. Raises on any warning."""
    from jupyter_book.sphinx import build_sphinx
    from sphinx import locale

    # Sphinx keeps message catalogues in a module-level dict that outlives a build: without
    # this, an edition built after the other in the same process could inherit its strings.
    locale.translators.clear()
    out = build / "sphinx" / lang
    result = build_sphinx(
        str(ROOT / "book" / lang),
        str(out),
        noconfig=True,
        path_config=str(ROOT / "_config.yml"),
        confoverrides=confoverrides(lang, build, repo_url),
        builder="html",
        warningiserror=warnings_as_errors,
        freshenv=True,
    )
    if result != 0:
        if isinstance(result, BaseException):
            raise result
        raise RuntimeError(f"Sphinx build of {lang} returned {result!r}")
    return out


def assemble(langs: tuple[str, ...], build: Path = BUILD) -> Path:
    site = build / "html"
    site.mkdir(parents=True, exist_ok=True)
    for lang in langs:
        dest = site / lang
        if dest.exists():
            shutil.rmtree(dest)
        shutil.copytree(build / "sphinx" / lang, dest, ignore=shutil.ignore_patterns(".doctrees", "jupyter_execute", ".buildinfo"))
    (site / "index.html").write_text(ROOT_INDEX.replace("en/_static/", f"{langs[0]}/_static/"), encoding="utf-8")
    (site / ".nojekyll").write_text("", encoding="utf-8")
    return site


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lang", choices=LANGS, action="append", help="build only this language (repeatable)")
    parser.add_argument("--build-dir", type=Path, default=BUILD, help="output folder (default: _build)")
    parser.add_argument(
        "--repository-url",
        help="GitHub repository for the launch buttons, instead of repository.url in _config.yml",
    )
    args = parser.parse_args(argv)
    langs = tuple(args.lang) if args.lang else LANGS
    build_dir = args.build_dir.resolve()
    repo_url = repository_url(args.repository_url)
    for lang in langs:
        build(lang, build=build_dir, repo_url=repo_url)
    site = assemble(langs, build_dir)
    print(f"\nThe book is built. Open {site / 'index.html'} in a browser")
    for lang in langs:
        print(f"  {lang}: {site / lang / 'index.html'}")
    if repo_url:
        print(f"Launch buttons open the notebooks of {repo_url} on Binder.")
    else:
        print("No launch buttons: repository.url in _config.yml is empty (download buttons only).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
