"""The book builds in both languages with warnings as errors, and the built site hangs together."""

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlparse

import pytest
import yaml

import build_book
from conftest import ROOT

SITE = ROOT / "_build" / "html"


@pytest.fixture(scope="module")
def site():
    assert build_book.main([]) == 0  # raises on any Sphinx warning
    return SITE


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.html_lang = [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.html_lang = a.get("lang")
        for key in ("href", "src"):
            if a.get(key) and tag in ("a", "img", "script", "link"):
                self.links.append((tag, a[key]))


def toc_files():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [c["file"] for c in part.get("chapters", [])]
    return files


def test_both_sites_have_every_page_with_the_right_lang(site):
    assert (site / "index.html").exists()
    for lang in ("en", "it"):
        for f in toc_files():
            page = site / lang / f"{f}.html"
            assert page.exists(), page
            p = Links()
            p.feed(page.read_text(encoding="utf-8"))
            assert p.html_lang == lang, f"{page}: lang={p.html_lang}"


def test_internal_links_resolve_and_pages_link_to_the_other_language(site):
    pages = sorted(site.glob("*/*.html"))
    assert pages
    for page in pages:
        p = Links()
        p.feed(page.read_text(encoding="utf-8"))
        for tag, url in p.links:
            parsed = urlparse(url)
            if parsed.scheme or url.startswith(("#", "mailto:", "data:", "//")):
                continue
            target = (page.parent / urldefrag(parsed.path)[0]).resolve()
            assert target.exists(), f"{page.relative_to(site)}: broken {tag} link {url}"
        lang = page.parent.name
        other = "it" if lang == "en" else "en"
        if page.name not in ("genindex.html", "search.html"):
            assert any(url == f"../{other}/{page.name}" for _, url in p.links), f"{page}: no link to the {other} edition"


def test_italian_pages_have_italian_navigation(site):
    text = (site / "it" / "01_definition.html").read_text(encoding="utf-8")
    assert "Capitoli" in text and "Cerca nel libro" in text
    assert "Leggi questa pagina in italiano" in (site / "en" / "01_definition.html").read_text(encoding="utf-8")


def test_bibliography_rendered_in_both_languages(site):
    for lang in ("en", "it"):
        text = (site / lang / "bibliography.html").read_text(encoding="utf-8")
        assert "Nair" in text and "Rectified linear units improve" in text
