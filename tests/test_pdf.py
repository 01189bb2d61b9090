"""The PDF edition (scripts/build_pdf.py): built offline, in each language, linked from the site.

The default test builds one chapter per language (``--only``): the single-page edition of
both languages, the first chapter's PDF and the site with it, into a temporary folder. The
whole edition (every chapter, the whole book with its solutions appendix) takes several
minutes: ``test_whole_book_pdf`` builds it only when RELULAB_TEST_PDF_BOOK=1 (``bash
scripts/build_pdf.sh`` is the same build).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from pypdf import PdfReader

from conftest import LANGS, ROOT
from test_publishing import guess_language

CHAPTER = "01_definition"
TITLES = {"en": "Definition", "it": "Definizione"}
WORDS = {
    "en": {"figure": "Figure", "version": "Version", "solution": "Solution to", "solutions": "Solutions", "pdf": "PDF edition"},
    "it": {"figure": "Figura", "version": "Versione", "solution": "Soluzione a", "solutions": "Soluzioni", "pdf": "Edizione PDF"},
}
#: TeX that would show if a formula were printed untypeset.
RAW_TEX = re.compile(r"\\(?:max|mathrm|frac|begin|\(|\[)|\$\$")


def _build(base: Path, *args: str) -> Path:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_pdf.py"), "--build-dir", str(base), *args],
        cwd=ROOT, capture_output=True, text=True,
    )
    if proc.returncode != 0:
        pytest.fail("scripts/build_pdf.py failed:\n" + (proc.stdout + proc.stderr)[-3000:])
    return base


@pytest.fixture(scope="module")
def chapter_build(tmp_path_factory) -> Path:
    if not Path("/usr/bin/chromium").exists():
        pytest.fail("Chromium is missing: run bash scripts/setup_browser.sh")
    return _build(tmp_path_factory.mktemp("pdf"), "--only", CHAPTER)


def text_of(pdf: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(pdf).pages)


def fonts_of(pdf: Path) -> set[str]:
    names = set()
    for page in PdfReader(pdf).pages:
        fonts = (page.get("/Resources") or {}).get("/Font") or {}
        for font in fonts.values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            # Chrome embeds web fonts (MathJax's among them) as Type 3 fonts, named in their descriptor
            names.add(str(descriptor.get_object().get("/FontName", "")) if descriptor else str(font.get("/BaseFont", "")))
    return names


@pytest.mark.parametrize("lang", LANGS)
def test_chapter_pdf_is_in_its_language_with_title_figures_and_math(chapter_build, lang):
    pdf = chapter_build / "pdf" / lang / "site" / "pdf" / f"{CHAPTER}.pdf"
    assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF-")
    reader = PdfReader(pdf)
    assert len(reader.pages) >= 4
    assert reader.metadata.title == f"ReLU — {TITLES[lang]}"
    text = text_of(pdf)
    first = reader.pages[0].extract_text()
    assert f"1 {TITLES[lang]}" in first.replace("ﬁ", "fi"), first[:300]
    import build_book

    assert f"{WORDS[lang]['version']} {build_book.book_version()}" in first, first[:300]
    assert guess_language(text) == lang
    other = "it" if lang == "en" else "en"
    assert f"{WORDS[other]['figure']} 1.1" not in text
    captions = re.findall(rf"{WORDS[lang]['figure']} 1\.(\d+)\.", text)
    assert captions and [int(n) for n in captions] == list(range(1, len(captions) + 1)), captions
    # Formulas: typeset by MathJax (its fonts are in the PDF), no TeX source left
    assert any("MathJax_Main" in name for name in fonts_of(pdf)), sorted(fonts_of(pdf))
    assert not RAW_TEX.search(text), RAW_TEX.search(text)
    # A chapter's PDF is a hand-out: its solutions are left out (the web page has them)
    assert WORDS[lang]["solution"] not in text
    assert WORDS[lang]["solution"] in BeautifulSoup(
        (chapter_build / "html" / lang / f"{CHAPTER}.html").read_text(encoding="utf-8"), "html.parser"
    ).get_text(" ")
    index = yaml.safe_load((chapter_build / "pdf" / lang / "index.yml").read_text(encoding="utf-8"))
    assert index == [{"file": f"{CHAPTER}.pdf", "title": f"1 {TITLES[lang]}", "page": CHAPTER}]


@pytest.mark.parametrize("lang", LANGS)
def test_landing_page_links_the_pdf_edition(chapter_build, lang):
    site = chapter_build / "html" / lang
    doc = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
    section = doc.select_one("#pdf-edition")
    assert section is not None, f"{lang}/index.html does not list the PDF edition"
    assert section.h2.get_text(strip=True) == WORDS[lang]["pdf"]
    links = [a["href"] for a in section.select("a[href]")]
    assert links == [f"pdf/{CHAPTER}.pdf"], links
    served = site / links[0]
    assert served.read_bytes() == (chapter_build / "pdf" / lang / "site" / "pdf" / f"{CHAPTER}.pdf").read_bytes()
    # only the landing page lists it
    assert "pdf-edition" not in (site / f"{CHAPTER}.html").read_text(encoding="utf-8")


@pytest.mark.skipif(os.environ.get("RELULAB_TEST_PDF_BOOK") != "1", reason="whole PDF edition: set RELULAB_TEST_PDF_BOOK=1")
def test_whole_book_pdf(tmp_path):
    base = _build(tmp_path)
    import build_pdf

    labels = build_pdf.chapter_labels()
    for lang in LANGS:
        folder = base / "pdf" / lang / "site" / "pdf"
        index = yaml.safe_load((base / "pdf" / lang / "index.yml").read_text(encoding="utf-8"))
        assert index[0]["file"] == f"relu-{lang}.pdf" and index[0]["page"] == ""
        assert [e["page"] for e in index[1:]] == list(labels)
        book = text_of(folder / f"relu-{lang}.pdf").replace("ﬁ", "fi").replace("ﬂ", "fl")
        assert guess_language(book) == lang
        at = -1
        for entry in index[1:]:
            title = entry["title"].replace("ﬁ", "fi")
            found = book.find(title.split(" ", 1)[-1] if not labels[entry["page"]] else title, at + 1)
            assert found > at, f"{lang}: {title!r} not in the whole book after position {at}"
            at = found
            assert (folder / entry["file"]).is_file()
        solutions = book.rfind(WORDS[lang]["solutions"])
        assert solutions > 0 and WORDS[lang]["solution"] in book[solutions:], "no solutions appendix"
        assert not RAW_TEX.search(book)
