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

import functools
import json
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
        # The chapter comes first among chapters (the claims ledger and the glossary, which
        # gather every topic, may rank before it).
        chapters = [r for r in results if r.rsplit("/", 1)[-1].removesuffix(".html") in headings]
        assert chapters[:1] == [f"{server.base}it/{name}.html"], f"searching {word!r}: {results[:4]}"
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
