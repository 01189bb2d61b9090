"""Build the bilingual book: book/en and book/it as two Sphinx sites, assembled in _build/html.

Usage:  python scripts/build_book.py [--lang en|it] [--build-dir DIR] [--repository-url URL] [--pdf-dir DIR]

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
in the environment of binder/. The repository, issue and edit buttons light up in the
same way (the edit button opens the page's real source: book/sources/<page>.nbsrc for a
chapter). The .ipynb download button is always there.

Every page's footer gives the book's version (pyproject.toml), the build date
(SOURCE_DATE_EPOCH if set, else today, UTC) and the licences, in the page's language.

--pdf-dir DIR (used by scripts/build_pdf.py): DIR/<lang>/*.pdf, the PDF edition, is copied
into the site (<lang>/pdf/) and listed on each edition's landing page.
"""

from __future__ import annotations

import argparse
import datetime
import html
import os
import re
import shutil
import sys
import tomllib
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
        "edition": "Version {version}, built on {date}.",
        "licence": (
            'Text and figures: <a rel="license" href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>; '
            'code: <a href="{mit}">MIT licence</a>.'
        ),
        "issue_tracker": "issue tracker of the book's repository",
        "pdf_heading": "PDF edition",
        "pdf_intro": "For printing: the whole book, or one chapter at a time (solutions in an appendix of the whole book only).",
        "pdf_book": "The whole book",
        "months": "January February March April May June July August September October November December",
    },
    "it": {
        "html_title": "ReLU — un libro di testo eseguibile",
        "search_bar_text": "Cerca nel libro...",
        "nb_code_prompt_show": "Mostra {type} della cella di codice",
        "nb_code_prompt_hide": "Nascondi {type} della cella di codice",
        "byline": "A cura degli autori di relulab",
        "edition": "Versione {version}, compilata il {date}.",
        "licence": (
            'Testo e figure: <a rel="license" href="https://creativecommons.org/licenses/by/4.0/deed.it">CC BY 4.0</a>; '
            'codice: <a href="{mit}">licenza MIT</a>.'
        ),
        "issue_tracker": "tracker delle issue del repository del libro",
        "pdf_heading": "Edizione PDF",
        "pdf_intro": "Da stampare: il libro intero, o un capitolo alla volta (le soluzioni sono in un'appendice del solo libro intero).",
        "pdf_book": "Il libro intero",
        "months": "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre",
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


#: Buttons that point into the repository: all on with a repository, all off without one
#: (``html:`` in _config.yml keeps them false: Jupyter Book refuses them without a URL).
REPOSITORY_BUTTONS = ("use_repository_button", "use_issues_button", "use_edit_page_button")


def launch_options(repo_url: str) -> dict:
    """Theme options for the launch and repository buttons: those of _config.yml with a
    repository, none without."""
    if not repo_url:
        return {"launch_buttons": {key: "" for key in LAUNCH_PROVIDERS} | {"thebe": False}} | {
            key: False for key in REPOSITORY_BUTTONS
        }
    config = book_config()
    return {
        "repository_url": repo_url,
        "repository_branch": (config.get("repository") or {}).get("branch") or "main",
        "launch_buttons": config.get("launch_buttons") or {},
    } | {key: True for key in REPOSITORY_BUTTONS}


def book_version() -> str:
    """The book's version: relulab's, in pyproject.toml (also in CITATION.cff and CHANGELOG.md)."""
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def build_date() -> datetime.date:
    """SOURCE_DATE_EPOCH (reproducible builds) if set, else today; UTC."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    now = datetime.datetime.fromtimestamp(int(epoch), datetime.UTC) if epoch else datetime.datetime.now(datetime.UTC)
    return now.date()


def human_date(date: datetime.date, lang: str) -> str:
    """'4 December 2026', '4 dicembre 2026'."""
    return f"{date.day} {SETTINGS[lang]['months'].split()[date.month - 1]} {date.year}"


def footer(lang: str, repo_url: str = "", date: datetime.date | None = None) -> str:
    """The footer line of every page: version, build date, licences (HTML, in the page's language)."""
    date = date or build_date()
    s = SETTINGS[lang]
    branch = (book_config().get("repository") or {}).get("branch") or "main"
    mit = f"{repo_url}/blob/{branch}/LICENSE" if repo_url else "https://opensource.org/license/mit"
    edition = s["edition"].format(
        version=html.escape(book_version()),
        date=f'<time datetime="{date.isoformat()}">{human_date(date, lang)}</time>',
    )
    return f'<p class="book-edition">{edition} {s["licence"].format(mit=mit)}</p>'


def pdf_listing(lang: str, pdf_dir: Path | None) -> list[dict]:
    """The PDF edition of ``lang`` ({file, title, page}; page '' for the whole book); [] without one."""
    if pdf_dir is None:
        return []
    index = pdf_dir / lang / "index.yml"
    if not index.is_file():
        raise SystemExit(f"--pdf-dir {pdf_dir}: no {index} (build it with scripts/build_pdf.py)")
    entries = yaml.safe_load(index.read_text(encoding="utf-8"))
    for entry in entries:
        if not (pdf_dir / lang / "site" / "pdf" / entry["file"]).is_file():
            raise SystemExit(f"{index} lists {entry['file']}, which is not there")
    return entries


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


def confoverrides(lang: str, build: Path = BUILD, repo_url: str = "", pdf_dir: Path | None = None) -> dict:
    s = SETTINGS[lang]
    pdfs = pdf_listing(lang, pdf_dir)
    tracker = f"[{s['issue_tracker']}]({repo_url}/issues)" if repo_url else s["issue_tracker"]
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
            # For scripts/sphinx_ext/book_edition.py: edit links, PDF edition on the landing page.
            "book_repository": repo_url,
            "book_repository_branch": (book_config().get("repository") or {}).get("branch") or "main",
            "book_pdfs": [{"file": f"pdf/{e['file']}", "title": e["title"], "whole": not e["page"]} for e in pdfs],
            "book_pdf_text": {k: s[k] for k in ("pdf_heading", "pdf_intro", "pdf_book")},
        },
        # The PDF edition, copied into the site as pdf/*.pdf
        "html_extra_path": [str(pdf_dir / lang / "site")] if pdfs else [],
        "myst_substitutions": {"issue_tracker": tracker},
        "html_sidebars": {
            "**": ["navbar-logo.html", "search-button-field.html", "lang-switch.html", "sbt-sidebar-nav.html"]
        },
        "html_theme_options": {
            "path_to_docs": f"book/{lang}",
            "search_bar_text": s["search_bar_text"],
            "use_download_button": True,
            "extra_footer": footer(lang, repo_url),
            **launch_options(repo_url),
        },
        # A page icon (the ReLU graph): without one, browsers ask the server for /favicon.ico.
        "html_favicon": str(ROOT / "scripts" / "sphinx_ext" / "favicon.svg"),
        "latex_individualpages": False,
    }


def build(
    lang: str,
    *,
    warnings_as_errors: bool = True,
    build: Path = BUILD,
    repo_url: str = "",
    pdf_dir: Path | None = None,
    builder: str = "html",
    out: Path | None = None,
) -> Path:
    """Build one language; return its output folder. Raises on any warning."""
    from jupyter_book.sphinx import build_sphinx
    from sphinx import locale

    # Sphinx keeps message catalogues in a module-level dict that outlives a build: without
    # this, an edition built after the other in the same process could inherit its strings.
    locale.translators.clear()
    out = out or build / "sphinx" / lang
    result = build_sphinx(
        str(ROOT / "book" / lang),
        str(out),
        noconfig=True,
        path_config=str(ROOT / "_config.yml"),
        confoverrides=confoverrides(lang, build, repo_url, pdf_dir),
        builder=builder,
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
    parser.add_argument("--pdf-dir", type=Path, help="the PDF edition to include (written by scripts/build_pdf.py)")
    args = parser.parse_args(argv)
    langs = tuple(args.lang) if args.lang else LANGS
    build_dir = args.build_dir.resolve()
    repo_url = repository_url(args.repository_url)
    pdf_dir = args.pdf_dir.resolve() if args.pdf_dir else None
    for lang in langs:
        build(lang, build=build_dir, repo_url=repo_url, pdf_dir=pdf_dir)
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
