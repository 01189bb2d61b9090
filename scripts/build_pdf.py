"""Build the PDF edition of the book: per language, the whole book and each page of the toc.

Usage:  python scripts/build_pdf.py [--lang en|it] [--build-dir DIR] [--only PAGE ...] [--no-site]

(``bash scripts/build_pdf.sh`` sets up the environment and Chromium, then runs this.)

Offline, with what the book's tests already use: for each language, Sphinx's ``singlehtml``
builder writes the whole edition as one page (same settings as the site, warnings are
errors); Debian's headless Chromium (through Selenium and chromedriver, no browser download)
opens it from disk, waits for MathJax (shipped with the page) to typeset every formula, lays
it out for paper and prints it with Chrome's own PDF printer. For paper:

- each toc page starts on a new sheet; chapters and appendices carry the number the prose gives
  them (1, 2, 2b, ..., A1: the file name's prefix), and figures their numbered caption (Figure 2b.1;
  Figura 2b.1, see ``sphinx_ext/book_figures.py``; an image without one gets the number and its alt text);
- solutions leave the chapters: the whole book collects them in a last appendix, "Solutions"
  ("Soluzioni"), expanded; a single chapter's PDF omits them (a hand-out for students);
- hidden code cells stay hidden, buttons and sidebars go; the title block gives the version,
  build date and licences (the site's footer); the whole book lists its contents after the
  root page's text, and has them as PDF bookmarks too; every sheet is numbered.

Output (DIR defaults to _build):

    DIR/pdf/<lang>/site/pdf/relu-<lang>.pdf        the whole book
    DIR/pdf/<lang>/site/pdf/<page>.pdf             each page of the toc but the root, e.g. 01_definition.pdf
    DIR/pdf/<lang>/index.yml                       file and title of each, in order
    DIR/html/...                                   the site, built again with the PDFs (unless --no-site)

The site built here links the PDFs from each edition's landing page ("PDF edition") and
carries them in <lang>/pdf/.
"""

from __future__ import annotations

import argparse
import base64
import re
import sys
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import build_book  # noqa: E402

ROOT = build_book.ROOT
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"

#: Words the PDF adds, per language.
WORDS = {
    "en": {"figure": "Figure", "solutions": "Solutions", "contents": "Contents"},
    "it": {"figure": "Figura", "solutions": "Soluzioni", "contents": "Indice"},
}

#: Print styles, added to the page before printing.
PRINT_CSS = """
@page { size: A4; margin: 16mm 15mm 18mm 15mm; }
html { font-size: 10.5pt; }
.bd-header, .bd-header-article, .bd-sidebar-primary, .bd-sidebar-secondary, .bd-footer,
.bd-footer-article, .prev-next-footer, .prev-next-area, footer, .lang-switch, .headerlink,
.toggle-button, button, .skip-link, #pdf-edition, .search-button-field, .header-article-items,
.cell details.hide > summary, .onlyprint { display: none !important; }
.bd-main, .bd-content, .bd-article-container, .bd-page-width { max-width: none !important; width: 100% !important;
  padding: 0 !important; margin: 0 !important; }
.bd-container { display: block !important; }
section.pdf-page { break-before: page; }
h1, h2, h3, h4, .admonition-title { break-after: avoid; }
.cell_output img { max-width: 100%; max-height: 190mm; }
.cell_output, pre, .admonition, table, figure { break-inside: avoid; }
p.pdf-caption { text-align: center; font-size: 0.9em; margin: 0.2em 2em 1em; color: #333; }
p.pdf-edition { font-size: 0.9em; color: #333; }
.pdf-number { margin-right: 0.4em; }
a { color: inherit; text-decoration: none; }
.bd-main .bd-content .bd-article h1:first-of-type { display: block !important; }
nav.pdf-toc ol { list-style: none; padding-left: 0; }
nav.pdf-toc li { margin: 0.15em 0; }
pre { white-space: pre-wrap !important; overflow-wrap: anywhere; overflow: visible !important; }
.highlight, .cell_input, .cell_output, .output { overflow: visible !important; }
"""

#: Lays the one-page edition out for one PDF. Arguments: the page to keep (null: the whole
#: book), the words of WORDS, the chapter labels {page: "3"|"A"|""}, the titles {page: title}.
PREPARE_JS = r"""
const [only, words, labels, titles, css] = arguments;
const style = document.createElement("style");
style.textContent = css;
document.head.appendChild(style);
const article = document.querySelector("article.bd-article");
const edition = document.querySelector("p.book-edition");
const pages = [...article.querySelectorAll('span[id^="document-"]')].map((span) => ({
  name: span.id.slice("document-".length), span, section: span.nextElementSibling,
}));
const solutions = [];
for (const {name, section} of pages) {
  section.classList.add("pdf-page");
  const label = labels[name] || "";
  const heading = section.querySelector("h1, h2");
  if (label && heading) {
    const number = document.createElement("span");
    number.className = "pdf-number";
    number.textContent = label;
    heading.prepend(number);
  }
  let n = 0;
  for (const img of section.querySelectorAll(".cell_output img")) {
    const number = img.closest("figure")?.querySelector("figcaption .caption-number");
    if (number) {  // a numbered figure (book_figures): its own number ("Figure 2b.1") and caption
      number.textContent = number.textContent.trim() + ". ";
      continue;
    }
    n += 1;
    const caption = document.createElement("p");
    caption.className = "pdf-caption";
    const alt = (img.getAttribute("alt") || "").trim();
    caption.textContent = `${words.figure} ${label ? label + "." : ""}${n}` + (alt ? `. ${alt}` : "");
    img.after(caption);
  }
  const own = [...section.querySelectorAll(".solution")];
  if (own.length) solutions.push({name, items: own});
  for (const s of own) s.remove();
}
// Solutions, expanded: in an appendix of the whole book; a chapter's PDF has none.
if (!only && solutions.length) {
  const appendix = document.createElement("section");
  appendix.className = "pdf-page";
  appendix.id = "pdf-solutions";
  const h = document.createElement("h2");
  h.textContent = words.solutions;
  appendix.append(h);
  for (const {name, items} of solutions) {
    const sub = document.createElement("h3");
    sub.textContent = (labels[name] ? labels[name] + " " : "") + titles[name];
    appendix.append(sub);
    for (const s of items) {
      s.classList.remove("dropdown", "toggle-hidden");
      for (const el of s.querySelectorAll(".toggle-hidden")) el.classList.remove("toggle-hidden");
      appendix.append(s);
    }
  }
  article.append(appendix);
}
if (!only) {  // the whole book's contents, after the root page's text (links work in the PDF)
  const toc = document.createElement("nav");
  toc.className = "pdf-toc";
  const h = document.createElement("h2");
  h.textContent = words.contents;
  const list = document.createElement("ol");
  const entries = pages.map((p) => [p.section.id, (labels[p.name] ? labels[p.name] + " " : "") + titles[p.name]]);
  if (solutions.length) entries.push(["pdf-solutions", words.solutions]);
  for (const [id, text] of entries) {
    const li = document.createElement("li");
    const a = document.createElement("a");
    a.href = "#" + id;
    a.textContent = text;
    li.append(a);
    list.append(li);
  }
  toc.append(h, list);
  const first = pages.length ? pages[0].span : null;
  if (first) first.before(toc); else article.append(toc);
}
if (only) {
  const keep = pages.find((p) => p.name === only);
  keep.section.classList.remove("pdf-page");
  article.replaceChildren(keep.section);
  document.title = `ReLU — ${titles[only]}`;
}
if (edition) {
  const line = document.createElement("p");
  line.className = "pdf-edition";
  line.innerHTML = edition.innerHTML;
  const heading = article.querySelector("h1, h2");
  heading.after(line);
}
return pages.map((p) => p.name);
"""

FOOTER = (
    '<div style="font-size:8px;width:100%;text-align:center;color:#555;font-family:sans-serif">'
    '<span class="title"></span> · <span class="pageNumber"></span>/<span class="totalPages"></span></div>'
)


def toc_parts() -> list[tuple[str, list[str]]]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    return [(part.get("caption", ""), [c["file"] for c in part.get("chapters", [])]) for part in toc.get("parts", [])]


def chapter_labels() -> dict[str, str]:
    """The number of each chapter and appendix as the prose and the figure numbers give it, the
    file name's prefix ('1', '2b', 'A1': ``book_figures.chapter_label``); '' for the other pages."""
    sys.path.insert(0, str(ROOT / "scripts" / "sphinx_ext"))
    import book_figures

    labels = {}
    for caption, files in toc_parts():
        for name in files:
            labels[name] = book_figures.chapter_label(name) if caption in ("Chapters", "Appendices") else ""
    return labels


def split_pages(single_page: Path) -> tuple[dict[str, str], dict[str, Path]]:
    """Titles of the toc's pages, and for each page a copy of the single-page edition with only
    that page in it (MathJax then typesets only that page). One parse of the page."""
    from bs4 import BeautifulSoup

    text = single_page.read_text(encoding="utf-8")
    doc = BeautifulSoup(text, "html.parser")
    open_tag = re.search(r"<article[^>]*bd-article[^>]*>", text)
    close = text.rindex("</article>")
    if not open_tag or text.count("</article>") != 1:
        raise RuntimeError(f"{single_page}: expected one <article class=bd-article>")
    titles, copies = {}, {}
    for span in doc.select('article.bd-article span[id^="document-"]'):
        name = span["id"][len("document-") :]
        section = span.find_next_sibling("section")
        body = str(span) + str(section)
        heading = section.find(["h1", "h2"])
        for link in heading.select("a.headerlink"):
            link.decompose()
        titles[name] = heading.get_text(" ", strip=True)
        path = single_page.with_name(f"pdf-{name}.html")
        path.write_text(text[: open_tag.end()] + body + text[close:], encoding="utf-8")
        copies[name] = path
    return titles, copies


def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1200,1600"):
        options.add_argument(arg)
    return webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))


def wait_for_math(driver, timeout: float = 120) -> None:
    driver.set_script_timeout(timeout)
    ok = driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        const wait = () => {
          if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
            MathJax.startup.promise.then(() => done(true), (e) => done(String(e)));
          } else if (document.readyState === "complete" && !document.querySelector(".math")) {
            done(true);
          } else { setTimeout(wait, 100); }
        };
        wait();
        """
    )
    if ok is not True:
        raise RuntimeError(f"MathJax failed: {ok}")
    raw = driver.execute_script(
        "return [...document.querySelectorAll('.math')].filter((m) => !m.querySelector('mjx-container')).length"
    )
    if raw:
        raise RuntimeError(f"{raw} formulas were not typeset")


def print_pdfs(lang: str, single_page: Path, out: Path, only: list[str] | None = None) -> list[dict]:
    """Print the whole book and each page of ``lang`` (or just ``only``) into ``out``; return the index."""
    labels = chapter_labels()
    titles, copies = split_pages(single_page)
    names = [n for _, files in toc_parts() for n in files]
    missing = [n for n in names if n not in titles]
    if missing:
        raise RuntimeError(f"{single_page}: no pages {missing}")
    jobs = [(None, f"relu-{lang}.pdf", build_book.SETTINGS[lang]["html_title"])]
    jobs += [(n, f"{n}.pdf", f"{labels[n]} {titles[n]}".strip()) for n in names if only is None or n in only]
    if only is not None:
        jobs = jobs[1:]
    out.mkdir(parents=True, exist_ok=True)
    driver = browser()
    index = []
    try:
        for page, file_name, title in jobs:
            driver.get((single_page if page is None else copies[page]).as_uri())
            wait_for_math(driver)
            driver.execute_script(PREPARE_JS, page, WORDS[lang], labels, titles, PRINT_CSS)
            if page is None:
                driver.execute_script("document.title = arguments[0]", title)
            pdf = driver.execute_cdp_cmd(
                "Page.printToPDF",
                {
                    "paperWidth": 8.27,
                    "paperHeight": 11.69,
                    "marginTop": 0.6,
                    "marginBottom": 0.7,
                    "marginLeft": 0.6,
                    "marginRight": 0.6,
                    "printBackground": True,
                    "displayHeaderFooter": True,
                    "headerTemplate": "<div></div>",
                    "footerTemplate": FOOTER,
                    "generateTaggedPDF": True,
                    "generateDocumentOutline": True,
                },
            )
            (out / file_name).write_bytes(base64.b64decode(pdf["data"]))
            index.append({"file": file_name, "title": title, "page": page or ""})
    finally:
        driver.quit()
    return index


def build_pdfs(lang: str, build_dir: Path, only: list[str] | None = None) -> Path:
    """Single-page build and PDFs of one language; return DIR/pdf/<lang>."""
    base = build_dir / "pdf" / lang
    single = build_book.build(lang, build=build_dir, builder="singlehtml", out=build_dir / "pdf" / "sphinx" / lang)
    out = base / "site" / "pdf"
    if out.exists():
        for old in out.glob("*.pdf"):
            old.unlink()
    index = print_pdfs(lang, single / "index.html", out, only)
    (base / "index.yml").write_text(yaml.safe_dump(index, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return base


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lang", choices=build_book.LANGS, action="append", help="only this language (repeatable)")
    parser.add_argument("--build-dir", type=Path, default=build_book.BUILD, help="output folder (default: _build)")
    parser.add_argument("--only", action="append", metavar="PAGE", help="only this page's PDF (repeatable; no whole book)")
    parser.add_argument("--no-site", action="store_true", help="do not build the site with the PDFs")
    args = parser.parse_args(argv)
    langs = tuple(args.lang) if args.lang else build_book.LANGS
    build_dir = args.build_dir.resolve()
    for lang in langs:
        start = time.perf_counter()
        base = build_pdfs(lang, build_dir, args.only)
        files = sorted((base / "site" / "pdf").glob("*.pdf"))
        size = sum(f.stat().st_size for f in files) / 2**20
        print(f"{lang}: {len(files)} PDFs, {size:.1f} MiB, in {base / 'site' / 'pdf'} ({time.perf_counter() - start:.0f} s)")
    if not args.no_site:
        site_args = ["--build-dir", str(build_dir), "--pdf-dir", str(build_dir / "pdf")]
        for lang in langs:
            site_args += ["--lang", lang]
        build_book.main(site_args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
