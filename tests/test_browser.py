"""The book in a real browser: headless Chromium opens every page of both editions.

Chromium and chromedriver are Debian's packages (``scripts/setup_browser.sh``); nothing is
downloaded. The site is a fresh build (shared with test_publishing.py), served by a local
HTTP server on 127.0.0.1, and Chromium resolves no other host name: a page that needs the
network fails here. For every page: no JavaScript console error, no request outside the
local server, no missing file, every image decoded, every formula typeset by MathJax, the
language switch pointing to the same page of the other edition; on Italian pages, no
English interface text after the scripts have run. A chapter also works opened from disk
(file://). The Italian search finds each chapter from a word of its headings, and one chapter
per language is photographed into ``_build/screenshots/``.
"""

from __future__ import annotations

import base64
import functools
import json
import os
import re
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
import snowballstemmer
from bs4 import BeautifulSoup
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import LANGS, ROOT
from test_publishing import build_site, english_ui, html_pages, interface_strings_of, notebook_pages, soup, toc_pages

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SCREENSHOTS = ROOT / "_build" / "screenshots"

#: Console errors tolerated, exactly. Empty: scripts/sphinx_ext/book_publishing.py removes the
#: duplicated THEBE_JS_URL declaration and scripts/build_book.py sets the theme's colour mode.
ALLOWED_CONSOLE_ERRORS: frozenset[str] = frozenset()
#: Words too common to identify a chapter by its title.
ITALIAN_STOPWORDS = frozenset("della delle degli dello nella nelle sulla come dove perché quanto quando".split())


# --------------------------------------------------------------------------------------
# Fixtures: the site, a local server that records every request, the browser


class Server:
    def __init__(self, root: Path):
        self.requests: list[tuple[str, int]] = []
        recorder = self.requests

        class Handler(SimpleHTTPRequestHandler):
            def log_request(self, code="-", size="-"):
                recorder.append((unquote(urlparse(self.path).path), int(code) if str(code).isdigit() else 0))

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(root)))
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build_site(tmp_path_factory.mktemp("book"))


@pytest.fixture(scope="module")
def server(site):
    with Server(site) as srv:
        yield srv


@pytest.fixture(scope="module")
def browser():
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.fail("Chromium is not installed: run scripts/setup_browser.sh (Debian packages chromium, chromium-driver)")
    options = Options()
    options.binary_location = str(CHROMIUM)
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1280,1400",
        "--lang=en-US",
        # The network is only the local server: any other host name fails to resolve.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-default-apps",
        "--disable-sync",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    # An explicit driver: without it Selenium Manager would try to download one.
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(60)
    yield driver
    driver.quit()


# --------------------------------------------------------------------------------------
# Opening a page


def wait_for_mathjax(driver) -> None:
    """Wait until MathJax (when the page loads it) has typeset the page."""
    if not driver.execute_script("return document.querySelector('.math') !== null"):
        return
    WebDriverWait(driver, 60).until(
        lambda d: d.execute_script("return !!(window.MathJax && MathJax.startup && MathJax.startup.promise)")
    )
    outcome = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "MathJax.startup.promise.then(() => done('ok'), (e) => done('MathJax failed: ' + e));"
    )
    assert outcome == "ok", outcome


def open_page(driver, url: str) -> dict:
    """Load ``url``; return what the browser saw: console messages, requests, problems."""
    driver.get(url)
    WebDriverWait(driver, 60).until(lambda d: d.execute_script("return document.readyState") == "complete")
    wait_for_mathjax(driver)
    console = driver.get_log("browser")
    requests, failures = [], []
    for entry in driver.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        params = msg.get("params", {})
        if msg["method"] == "Network.requestWillBeSent":
            requests.append(params["request"]["url"])
        elif msg["method"] == "Network.responseReceived" and params["response"]["status"] >= 400:
            failures.append(f"{params['response']['status']} {params['response']['url']}")
        elif msg["method"] == "Network.loadingFailed" and not params.get("canceled"):
            failures.append(f"{params.get('errorText')} (request {params.get('requestId')})")
    return {"console": console, "requests": requests, "failures": failures}


def page_problems(driver, base: str, url: str) -> list[str]:
    """Open ``url`` and list what is wrong with it; ``base`` is the address of the site's root."""
    seen = open_page(driver, url)
    problems = []
    for entry in seen["console"]:
        if entry["level"] == "SEVERE" and entry["message"] not in ALLOWED_CONSOLE_ERRORS:
            problems.append(f"console error: {entry['message'][:300]}")
    for req in seen["requests"]:
        if not req.startswith((base, "data:", "blob:", "about:")):
            problems.append(f"request outside the site: {req[:200]}")
    problems += [f"failed to load: {f}" for f in seen["failures"]]
    broken = driver.execute_script(
        "return Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)"
    )
    problems += [f"image not shown: {src}" for src in broken]
    math = driver.execute_script(
        "const m = Array.from(document.querySelectorAll('.math'));"
        "return [m.length, m.filter(e => e.querySelector('mjx-container') === null).length,"
        "        document.querySelectorAll('mjx-merror, [data-mjx-error]').length]"
    )
    if math[1]:
        problems.append(f"{math[1]} of {math[0]} formulas not typeset by MathJax")
    if math[2]:
        problems.append(f"{math[2]} formulas with a MathJax error")
    return problems


# --------------------------------------------------------------------------------------
# The tests


def test_every_page_of_both_editions_in_chromium(browser, server, site):
    problems, checked = [], 0
    for lang in LANGS:
        other = "it" if lang == "en" else "en"
        for page in html_pages(site, lang):
            url = f"{server.base}{lang}/{page.name}"
            found = page_problems(browser, server.base, url)
            checked += 1
            if browser.execute_script("return document.documentElement.lang") != lang:
                found.append("wrong html lang")
            switch = browser.find_elements(By.CSS_SELECTOR, "a.lang-switch-link")
            expected = f"{server.base}{other}/{page.name}"
            if len(switch) != 1 or switch[0].get_attribute("href") != expected:
                found.append(f"language switch: {[s.get_attribute('href') for s in switch]} instead of {expected}")
            elif not (site / other / page.name).is_file():
                found.append(f"language switch leads to a missing page {expected}")
            if lang == "it":
                rendered = BeautifulSoup(browser.page_source, "html.parser")
                found += [f"English interface text: {s[:80]!r}" for s in interface_strings_of(rendered, "it") if english_ui(s)]
            problems += [f"{lang}/{page.name}: {p}" for p in found]
    found = page_problems(browser, server.base, server.base)
    if not browser.current_url.endswith("/en/index.html"):
        found.append(f"the root page did not lead an English browser to en/index.html: {browser.current_url}")
    problems += [f"index.html: {p}" for p in found]
    checked += 1
    print(f"\nchecked {checked} pages in Chromium")
    missing = sorted({path for path, code in server.requests if code >= 400})
    assert not problems, "\n".join(problems)
    assert not missing, f"the server answered 404 for {missing}"
    assert checked >= 2 * len(toc_pages()) + 1


def test_chapters_work_opened_from_disk(browser, site):
    """The site unzipped and opened as files (a lab without network or web server)."""
    base = site.resolve().as_uri() + "/"
    name = notebook_pages()[0]
    for lang in LANGS:
        problems = page_problems(browser, base, f"{base}{lang}/{name}.html")
        assert browser.execute_script("return document.querySelectorAll('mjx-container').length") > 0
        assert not problems, f"{lang}/{name}.html from disk:\n" + "\n".join(problems)


def test_language_switch_click_keeps_the_page(browser, server):
    """Clicking the switch (every page's link target is checked above) on the last chapter."""
    name = notebook_pages()[-1]
    for lang, other in (("en", "it"), ("it", "en")):
        open_page(browser, f"{server.base}{lang}/{name}.html")
        browser.find_element(By.CSS_SELECTOR, "a.lang-switch-link").click()
        WebDriverWait(browser, 30).until(lambda d: d.current_url == f"{server.base}{other}/{name}.html")
        assert browser.execute_script("return document.documentElement.lang") == other


def chapter_headings(site: Path) -> dict[str, list[str]]:
    """Italian headings (h1 first, then sections) of each chapter and appendix."""
    out = {}
    for name in notebook_pages():
        article = soup(site / "it" / f"{name}.html").select_one("article")
        out[name] = [h.get_text(" ", strip=True).rstrip("#").strip() for h in article.find_all(["h1", "h2", "h3"])]
    return out


def search_word(name: str, headings: dict[str, list[str]]) -> str:
    """A word of the chapter's Italian headings (its title if possible) that no other chapter's
    headings share, compared by their Italian stem as Sphinx's search does."""
    stem = snowballstemmer.stemmer("italian").stemWord

    def words(text: str) -> list[str]:
        found = [w.strip(".,:;!?()«»\"").lower() for w in re.split(r"[\s'’/-]+", text)]
        return [w for w in found if len(w) >= 5 and w.isalpha() and w not in ITALIAN_STOPWORDS]

    taken = {stem(w) for other, hs in headings.items() if other != name for h in hs for w in words(h)}
    for heading in headings[name]:  # the title first
        free = [w for w in words(heading) if stem(w) not in taken]
        if free:
            return max(free, key=len)
    raise AssertionError(f"{name}: no heading word that other chapters' headings do not share")


def test_italian_search_finds_each_chapter(browser, server, site):
    headings = chapter_headings(site)
    assert headings
    for name in headings:
        word = search_word(name, headings)
        open_page(browser, f"{server.base}it/search.html?q={word}")
        WebDriverWait(browser, 60).until(
            lambda d: d.execute_script("const s = document.querySelector('#search-results .search-summary'); return s && s.innerText.length > 0")
        )
        results = browser.execute_script(
            "return Array.from(document.querySelectorAll('#search-results ul.search li a')).map(a => a.href)"
        )
        results = [r.split("?")[0].split("#")[0] for r in results]
        summary = browser.find_element(By.CSS_SELECTOR, "#search-results .search-summary").text
        assert results, f"searching {word!r} on the Italian site found nothing ({summary!r})"
        # The chapter comes first: the pages that gather every topic (claims ledger, glossary,
        # bibliography, teachers' guide) rank below the chapters (book_search_scorer.js).
        assert results[:1] == [f"{server.base}it/{name}.html"], f"searching {word!r}: {results[:4]}"
        # Snippets are prose: no TeX source of a formula, no code, no menu text.
        WebDriverWait(browser, 30).until(
            lambda d: d.execute_script("return document.querySelectorAll('#search-results ul.search li p.context').length > 0")
        )
        snippets = browser.execute_script(
            "return Array.from(document.querySelectorAll('#search-results ul.search li p.context')).map(p => p.textContent)"
        )
        for snippet in snippets:
            assert not re.search(r"\\[(\[]|\\mathrm|Leggi questa pagina|Passa ai contenuti", snippet), f"searching {word!r}: snippet {snippet[:200]!r}"
        assert not english_ui(summary) and "Pagine trovate" in summary, summary


def test_screenshots_of_a_chapter_in_each_language(browser, server):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = notebook_pages()[0]
    for lang in LANGS:
        open_page(browser, f"{server.base}{lang}/{name}.html")
        path = SCREENSHOTS / f"{lang}-{name}.png"
        assert browser.save_screenshot(str(path))
        data = path.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000, path
        print(f"\nscreenshot: {path.relative_to(ROOT)}")


# --------------------------------------------------------------------------------------
# A phone (390 px) and a laptop (1280 px): the drawer, the language switch, nothing wider than
# the screen (scripts/sphinx_ext/book_reader.py and its static files)

PHONE, LAPTOP = 390, 1280


def set_viewport(driver, width: int, height: int = 844) -> None:
    """Emulate a screen ``width`` CSS pixels wide; a phone (mobile: the page's viewport meta tag
    counts, and a page wider than the screen would be zoomed out to fit)."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 768},
    )


def too_wide(driver, width: int) -> list[str]:
    """What makes the page wider than the screen: the page's widths and the widest elements."""
    seen = driver.execute_script(
        "const w = arguments[0];"
        "const out = [document.documentElement.scrollWidth, document.body.scrollWidth, window.innerWidth];"
        "const culprits = [];"
        "for (const el of document.querySelectorAll('body *')) {"
        "  const r = el.getBoundingClientRect();"
        "  if (r.width === 0 || r.right <= w + 1) continue;"
        "  let p = el.parentElement, clipped = false;"  # inside a box that scrolls or clips: fine
        "  while (p && p !== document.body) {"
        "    const s = getComputedStyle(p);"
        "    if (['auto', 'scroll', 'hidden', 'clip'].includes(s.overflowX) && p.getBoundingClientRect().right <= w + 1) { clipped = true; break; }"
        "    if (s.position === 'fixed' || s.visibility === 'hidden' || s.display === 'none') { clipped = true; break; }"
        "    p = p.parentElement;"
        "  }"
        "  if (!clipped && getComputedStyle(el).visibility !== 'hidden') culprits.push(el.tagName.toLowerCase() + '.' + el.className + ' ' + Math.round(r.right));"
        "}"
        "return [out, culprits.slice(0, 5)];",
        width,
    )
    (doc, body, inner), culprits = seen
    if max(doc, body, inner) <= width:
        return []
    return [f"page {max(doc, body)} px wide in a {width} px screen (window {inner} px): {culprits}"]


def visible_hamburger(driver):
    buttons = [b for b in driver.find_elements(By.CSS_SELECTOR, ".primary-toggle") if b.is_displayed()]
    assert len(buttons) == 1, f"{len(buttons)} visible sidebar buttons"
    return buttons[0]


@pytest.mark.parametrize("width", [PHONE, LAPTOP])
def test_no_page_is_wider_than_the_screen(browser, server, site, width):
    problems, checked = [], 0
    set_viewport(browser, width)
    try:
        for lang in LANGS:
            for page in html_pages(site, lang):
                found = page_problems(browser, server.base, f"{server.base}{lang}/{page.name}")
                found += too_wide(browser, width)
                problems += [f"{lang}/{page.name} at {width} px: {p}" for p in found]
                checked += 1
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    print(f"\n{checked} pages at {width} px")
    assert checked >= 2 * len(toc_pages())
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("width", [PHONE, LAPTOP])
def test_the_menu_button_and_the_language_switch(browser, server, width):
    """The visible ☰ opens the drawer on a phone (folds the sidebar on a laptop); the language
    switch then leads to the same page of the other edition; no console error on the way."""
    name = notebook_pages()[0]
    set_viewport(browser, width)
    try:
        for lang, other in (("en", "it"), ("it", "en")):
            open_page(browser, f"{server.base}{lang}/{name}.html")
            switch = browser.find_element(By.CSS_SELECTOR, "a.lang-switch-link")
            if width == PHONE:
                assert not switch.is_displayed(), "the language switch shows before the drawer opens"
                visible_hamburger(browser).click()
                WebDriverWait(browser, 10).until(
                    lambda d: d.execute_script("const m = document.getElementById('pst-primary-sidebar-modal'); return !!(m && m.open)")
                )
                switch = browser.find_element(By.CSS_SELECTOR, "a.lang-switch-link")
                WebDriverWait(browser, 10).until(lambda d: switch.is_displayed())
                rect = browser.execute_script("const r = arguments[0].getBoundingClientRect(); return [r.left, r.right]", switch)
                assert 0 <= rect[0] and rect[1] <= width, f"the language switch is off screen: {rect}"
            else:
                assert switch.is_displayed(), "the sidebar (with the language switch) is not shown at 1280 px"
                sidebar = browser.find_element(By.ID, "pst-primary-sidebar")
                visible_hamburger(browser).click()
                WebDriverWait(browser, 10).until(lambda d: not sidebar.is_displayed() or "pst-sidebar-hidden" in sidebar.get_attribute("class"))
                visible_hamburger(browser).click()
                WebDriverWait(browser, 10).until(lambda d: switch.is_displayed())
            switch.click()
            WebDriverWait(browser, 30).until(lambda d: d.current_url == f"{server.base}{other}/{name}.html")
            WebDriverWait(browser, 30).until(lambda d: d.execute_script("return document.readyState") == "complete")
            assert browser.execute_script("return document.documentElement.lang") == other
            errors = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
            assert not errors, errors
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_solution_title_link_toggles_and_figures_open_full_size(browser, server):
    name = notebook_pages()[0]
    for lang in LANGS:
        url = f"{server.base}{lang}/{name}.html"
        open_page(browser, url)
        solution = browser.find_element(By.CSS_SELECTOR, ".admonition.toggle.toggle-hidden")
        link = solution.find_element(By.CSS_SELECTOR, ".admonition-title a")
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", link)
        link.click()
        assert browser.current_url == url, "tapping the exercise link in a solution's title left the solution"
        assert "toggle-hidden" not in solution.get_attribute("class"), "the solution did not open"
        link.click()
        assert "toggle-hidden" in solution.get_attribute("class"), "the solution did not close"
        img = browser.find_element(By.CSS_SELECTOR, "article .cell_output img")
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", img)
        img.click()
        overlay = browser.find_element(By.CSS_SELECTOR, ".book-figure-overlay img")
        natural, shown = browser.execute_script("return [arguments[0].naturalWidth, arguments[0].getBoundingClientRect().width]", overlay)
        assert shown == pytest.approx(natural, abs=1), f"the figure opens {shown} px wide, its size is {natural} px"
        overlay.click()
        assert not browser.find_elements(By.CSS_SELECTOR, ".book-figure-overlay")
        errors = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
        assert not errors, errors


def test_printed_solutions_are_expanded(browser, server):
    name = notebook_pages()[0]
    open_page(browser, f"{server.base}en/{name}.html")
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        hidden = browser.execute_script(
            "return Array.from(document.querySelectorAll('.admonition.toggle-hidden .admonition-title ~ *'))"
            ".filter(e => getComputedStyle(e).visibility === 'hidden' || e.getBoundingClientRect().height === 0).length"
        )
        total = browser.execute_script("return document.querySelectorAll('.admonition.toggle-hidden').length")
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert total > 0 and hidden == 0, f"{hidden} parts of {total} collapsed solutions stay hidden in print"


def test_phone_screenshots_of_a_chapter_with_a_figure_and_a_table(browser, server):
    """One phone screenshot per language: a figure of the chapter and the table printed after it
    (into ``_build/screenshots/``, or the folder named by ``BOOK_SCREENSHOTS``)."""
    name = "01_definition"
    target = Path(os.environ.get("BOOK_SCREENSHOTS", SCREENSHOTS))
    target.mkdir(parents=True, exist_ok=True)
    set_viewport(browser, PHONE)
    try:
        for lang in LANGS:
            open_page(browser, f"{server.base}{lang}/{name}.html")
            top = browser.execute_script(
                "const cells = Array.from(document.querySelectorAll('article .cell'));"
                "for (let i = 0; i < cells.length; i++) {"
                "  const img = cells[i].querySelector('.cell_output img'); if (!img) continue;"
                "  for (const c of cells.slice(i, i + 4)) {"
                "    const t = c.querySelector('.cell_output table, .cell_output pre');"
                "    if (t && (t.tagName === 'TABLE' || /^-{3,}( {2,}-{3,})+ *$/m.test(t.textContent))) {"
                "      const y = img.getBoundingClientRect().top + window.scrollY - 40;"
                "      const bottom = t.getBoundingClientRect().bottom + window.scrollY + 20;"
                "      return [y, Math.min(bottom - y, 2400)];"
                "    }"
                "  }"
                "}"
                "return null;"
            )
            assert top, f"{lang}/{name}: no figure followed by a table"
            shot = browser.execute_cdp_cmd(
                "Page.captureScreenshot",
                {"format": "png", "captureBeyondViewport": True,
                 "clip": {"x": 0, "y": top[0], "width": PHONE, "height": top[1], "scale": 1}},
            )
            path = target / f"phone-{lang}-{name}.png"
            path.write_bytes(base64.b64decode(shot["data"]))
            assert path.stat().st_size > 20_000, path
            print(f"\nphone screenshot: {path}")
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
