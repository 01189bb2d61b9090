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


#: Italian words that end with an apostrophe (elision): l', dell', all', un', quest', ...
ELISION = r"\b(?:[LlDd]|[DdNnSsAa]ell|[AaDdNnSs]ull|[AaDd]all|[Nn]ell|[Uu]n|[Qq]uest|[Qq]uell|[Tt]utt)"


def test_italian_apostrophes_before_links_stay_apostrophes(site):
    """docutils' Italian smart quotes turned the apostrophe of "dell'" before a {term} link (the end
    of a text node) into a closing double quote ”; scripts/sphinx_ext/book_reader.py sets ‘’ as
    the Italian single quotes."""
    bad, good = [], 0
    for page in sorted((site / "it").glob("*.html")):
        text = page.read_text(encoding="utf-8")
        bad += [f"{page.name}: {m.group(0)[:60]}" for m in re.finditer(ELISION + "”<a ", text)]
        good += len(re.findall(ELISION + "’<a ", text))
    assert not bad, bad[:10]
    assert good >= 10, f"only {good} apostrophes before a link: did the pages change?"


def test_the_downloadable_notebooks_are_the_students_version(site):
    """The .ipynb download of every notebook page is rewritten (book_reader.student_notebook)."""
    import json

    for lang in ("en", "it"):
        html = (site / lang / "01_definition.html").read_text(encoding="utf-8")
        assert 'href="_sources/01_definition.ipynb"' in html, "the download button points elsewhere"
        downloads = sorted((site / lang / "_sources").glob("*.ipynb"))
        assert len(downloads) == len(list((ROOT / "book" / lang).glob("*.ipynb")))
        for path in downloads:
            nb = json.loads(path.read_text(encoding="utf-8"))
            assert nb["metadata"]["relulab"]["student_version"] is True
            text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
            assert "{solution" not in text and not re.search(r"\{[a-z]+(:[a-z]+)*\}`", text), path
            first = next(c for c in nb["cells"] if c["cell_type"] == "code")
            assert "import relulab" in "".join(first["source"]) and "%pip install" in "".join(first["source"])


@pytest.mark.parametrize("lang, word", [("en", "Figure"), ("it", "Figura")])
def test_figures_are_numbered_per_chapter_and_cited_by_number(site, lang, word):
    """Figures carry "Figure 4.1", "Figure 4.2", ... (per chapter, book_figures) with their caption,
    and the prose's {numref} links read "Figure 4.2" and lead to the figure."""
    page = (site / lang / "04_dying_relu.html").read_text(encoding="utf-8")
    numbers = re.findall(r'<figcaption>\s*<p><span class="caption-number">(\S+) ([\w.]+) </span>', page)
    assert numbers and all(w == word for w, _ in numbers), numbers[:3]
    assert [n for _, n in numbers] == [f"4.{i}" for i in range(1, len(numbers) + 1)]
    assert re.search(rf'<a class="reference internal" href="#fig-dying-lr-sweep"><span class="std std-numref">{word} 4\.2</span></a>', page)
    appendix = (site / lang / "A1_cost.html").read_text(encoding="utf-8")
    assert f'<span class="caption-number">{word} A1.1 </span>' in appendix
