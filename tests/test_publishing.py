"""Publishing: the Binder environment, the Italian interface, offline pages, accessible HTML.

Most tests read a fresh build of both editions made once per test session by
``scripts/build_book.py --build-dir <tmp>`` (in a subprocess, so nothing leaks between the
book's build and the test process). ``test_browser.py`` opens the same build.

The Binder environment is checked twice: statically (``binder/requirements.txt`` pins what
``requirements.txt`` pins, and covers every package a notebook imports) and for real, by
building it in a clean virtual environment from ``binder/`` alone, then running a chapter in it.
"""

from __future__ import annotations

import ast
import difflib
import importlib.metadata as metadata
import json
import os
import re
import subprocess
import sys
import textwrap
from functools import cache
from pathlib import Path
from urllib.parse import urlparse

import nbformat
import pytest
import yaml
from bs4 import BeautifulSoup, NavigableString
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from conftest import BOOK, LANGS, ROOT

BINDER = ROOT / "binder"

#: Packages of requirements.txt that build and test the book; readers on Binder do not need them.
BUILD_AND_TEST_TOOLS = frozenset(
    {
        "jupyter-book",
        "pytest-xdist",
        "sphinx-exercise",
        "sphinx-mathjax-offline",
        "nbclient",
        "nbformat",
        "pytest",
        "nbval",
        "selenium",
        "pypdf",
        "hypothesis",
        "pyyaml",
    }
)


# --------------------------------------------------------------------------------------
# The built site (shared with test_browser.py)

_SITE: dict[str, Path] = {}


def build_site(base: Path, *extra_args: str, key: str = "site") -> Path:
    """Build both editions into ``base`` with scripts/build_book.py (once per key); return the site."""
    if key not in _SITE:
        proc = subprocess.run(
            [sys.executable, str(ROOT / "scripts" / "build_book.py"), "--build-dir", str(base), *extra_args],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            output = proc.stdout + proc.stderr
            why = [line for line in output.splitlines() if re.search(r"warning|error", line, re.I)]
            pytest.fail("scripts/build_book.py failed:\n" + "\n".join(why[:20]) + "\n...\n" + output[-1500:])
        _SITE[key] = base / "html"
    return _SITE[key]


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    return build_site(tmp_path_factory.mktemp("book"))


def toc_pages() -> list[str]:
    """Page names of _toc.yml, in reading order."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    pages = [toc["root"]]
    for part in toc.get("parts", []):
        pages += [c["file"] for c in part.get("chapters", [])]
    return pages


def notebook_pages() -> list[str]:
    return [p for p in toc_pages() if (BOOK / "en" / f"{p}.ipynb").exists()]


def html_pages(site: Path, lang: str) -> list[Path]:
    """Every page of an edition (the toc's pages plus the index and search pages)."""
    pages = sorted(site.joinpath(lang).glob("*.html"))
    assert pages, f"no pages in {site / lang}"
    return pages


@cache
def soup(page: Path) -> BeautifulSoup:
    """The parsed page, shared between tests: do not modify it (see fresh_soup)."""
    return fresh_soup(page)


def fresh_soup(page: Path) -> BeautifulSoup:
    return BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")


# --------------------------------------------------------------------------------------
# Binder: the configuration


def pins(path: Path) -> dict[str, Version]:
    """Name -> pinned version of a requirements file; every requirement must be pinned with ==."""
    out = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        req = Requirement(line)
        specs = list(req.specifier)
        assert len(specs) == 1 and specs[0].operator == "==", f"{path.name}: {line!r} is not pinned with =="
        out[canonicalize_name(req.name)] = Version(specs[0].version)
    return out


def test_binder_requirements_pin_what_requirements_txt_pins():
    """binder/requirements.txt is the readers' share of the book's pins: every package it pins,
    at the version of requirements.lock; every reader package of requirements.txt in it; Jupyter
    for a local reader; and no torch (postBuild installs its CPU build, see the next test)."""
    main, lock, binder = pins(ROOT / "requirements.txt"), pins(ROOT / "requirements.lock"), pins(BINDER / "requirements.txt")
    for name, version in binder.items():
        if name in lock:
            assert version == lock[name], f"{name}: binder/requirements.txt pins {version}, requirements.lock {lock[name]}"
    for name in main:
        if name == "torch":
            continue
        assert name in binder or name in BUILD_AND_TEST_TOOLS, (
            f"requirements.txt pins {name}: add it to binder/requirements.in (readers need it) or, if it "
            "only builds or tests the book, to BUILD_AND_TEST_TOOLS in tests/test_publishing.py"
        )
    direct = {
        canonicalize_name(Requirement(line.split("#", 1)[0]).name)
        for line in (BINDER / "requirements.in").read_text(encoding="utf-8").splitlines()
        if line.split("#", 1)[0].strip()
    }
    assert not direct & BUILD_AND_TEST_TOOLS, direct & BUILD_AND_TEST_TOOLS
    assert direct <= set(binder) | {"torch"}, "binder/requirements.txt is older than binder/requirements.in"
    assert "torch" not in binder, "binder/requirements.txt must not install torch (PyPI's default build is the CUDA one)"
    assert "jupyterlab" in binder and "ipykernel" in binder, "a reader who installs binder/ locally needs Jupyter"
    # torch's own dependencies are pinned there, so that postBuild can install torch with --no-deps
    for dependency in ("filelock", "sympy", "networkx", "jinja2", "fsspec", "typing-extensions"):
        assert dependency in binder, f"torch needs {dependency}: binder/requirements.txt does not pin it"
    # No index option: with --extra-index-url, pip asks PyTorch's index about EVERY package.
    options = [line for line in (BINDER / "requirements.txt").read_text().splitlines() if line.startswith("-")]
    assert not options, f"binder/requirements.txt: no pip options (the CPU index is for torch alone): {options}"


def test_binder_runtime_and_post_build():
    runtime = (BINDER / "runtime.txt").read_text().strip()
    requires = _pyproject()["project"]["requires-python"]
    match = re.fullmatch(r"python-(\d+)\.(\d+)", runtime)
    assert match, f"binder/runtime.txt: {runtime!r} is not python-X.Y"
    assert Version(f"{match[1]}.{match[2]}") in _specifier(requires), f"runtime {runtime} vs requires-python {requires}"
    post = BINDER / "postBuild"
    assert os.access(post, os.X_OK), "binder/postBuild must be executable"
    commands = [line.strip() for line in post.read_text().splitlines() if line.strip() and not line.startswith("#")]
    assert commands.index("bash scripts/install_torch.sh python") < commands.index("python -m pip install --no-deps -e .")
    assert (ROOT / "scripts" / "install_torch.sh").is_file()


def _pyproject() -> dict:
    import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _specifier(text: str):
    from packaging.specifiers import SpecifierSet

    return SpecifierSet(text)


def _notebook_code() -> list[ast.Module]:
    trees = []
    for nb_path in sorted(BOOK.glob("*/*.ipynb")):
        for cell in nbformat.read(nb_path, as_version=4).cells:
            if cell.cell_type == "code":
                code = "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!")))
                trees.append(ast.parse(code))
    return trees


def notebook_imports() -> set[str]:
    """Top-level modules imported by the code cells of every notebook of the book."""
    modules = set()
    for tree in _notebook_code():
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    return modules


def relulab_modules_used() -> set[str]:
    """Modules of relulab the notebooks use (``from relulab import x``, ``relulab.x``...)."""
    names = set()
    for tree in _notebook_code():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "relulab":
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("relulab."):
                names.add(node.module.split(".")[1])
            elif isinstance(node, ast.Import):
                names |= {a.name.split(".")[1] for a in node.names if a.name.startswith("relulab.")}
            elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "relulab":
                names.add(node.attr)
    package = ROOT / "src" / "relulab"
    return {f"relulab.{n}" for n in names if (package / f"{n}.py").exists() or (package / n / "__init__.py").exists()}


def third_party_imports() -> set[str]:
    return {m for m in notebook_imports() if m not in sys.stdlib_module_names and m != "relulab"}


def requirement_closure(names: set[str]) -> set[str]:
    """The distributions ``names`` install, with their dependencies (from the installed metadata)."""
    seen, todo = set(), list(names)
    while todo:
        name = canonicalize_name(todo.pop())
        if name in seen:
            continue
        seen.add(name)
        for line in metadata.requires(name) or []:
            req = Requirement(line)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(req.name)
    return seen


def relulab_third_party_imports() -> set[str]:
    """Top-level modules imported anywhere (functions included) by the relulab modules the
    notebooks use, following relulab's own imports."""
    package = ROOT / "src" / "relulab"
    todo, seen, found = ["relulab"] + sorted(relulab_modules_used()), set(), set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        parts = name.split(".")[1:]
        path = package.joinpath(*parts).with_suffix(".py") if parts else package / "__init__.py"
        if not path.exists():
            path = package.joinpath(*parts, "__init__.py")
        if not path.exists():  # "from . import name" of a function, not a module
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {a.name.split(".")[0] for a in node.names}
                todo += [a.name for a in node.names if a.name.startswith("relulab.")]
            elif isinstance(node, ast.ImportFrom):
                if node.level:  # from . import x / from .x import y
                    base = node.module.split(".")[0] if node.module else None
                    todo += [f"relulab.{base}"] if base else [f"relulab.{a.name}" for a in node.names]
                elif node.module:
                    found.add(node.module.split(".")[0])
                    if node.module.startswith("relulab."):
                        todo.append(".".join(node.module.split(".")[:2]))
    return {m for m in found if m not in sys.stdlib_module_names and m not in ("relulab", "__future__")}


def test_binder_environment_covers_every_notebook_import():
    imports = third_party_imports() | relulab_third_party_imports()
    assert {"torch", "numpy", "matplotlib"} <= imports  # the scan sees the chapters' imports
    # binder/requirements.txt is a whole environment; postBuild adds torch and relulab
    provided = set(pins(BINDER / "requirements.txt")) | requirement_closure({"relulab", "torch"})
    dists = metadata.packages_distributions()
    for module in sorted(imports):
        owners = {canonicalize_name(d) for d in dists.get(module, [])}
        assert owners, f"a notebook imports {module!r}, which is not installed at all"
        assert owners & provided, (
            f"a notebook imports {module!r} (from {sorted(owners)}), which binder/requirements.txt does not install"
        )


# --------------------------------------------------------------------------------------
# Binder: the environment itself, built from binder/ in a clean virtual environment


def _run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    if proc.returncode != 0:
        pytest.fail(f"{' '.join(map(str, cmd))} failed ({proc.returncode}):\n{(proc.stdout + proc.stderr)[-4000:]}")
    return proc


def _outputs(nb) -> list[list[str]]:
    """The text a reader sees in each code cell (streams and plain-text results), addresses masked."""
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        texts = []
        for out in cell.outputs:
            if out.output_type == "stream":
                texts.append(out.text)
            elif out.output_type in ("execute_result", "display_data"):
                texts.append(out.get("data", {}).get("text/plain", "") if "image/png" not in out.get("data", {}) else "<image>")
            elif out.output_type == "error":
                texts.append(f"{out.ename}: {out.evalue}")
        cells.append([re.sub(r"0x[0-9a-fA-F]+", "0xADDRESS", t) for t in texts])
    return cells


#: Seconds the Binder environment may take to install here (measured: about a minute on a quiet
#: machine; 7.5 minutes when pip asked PyTorch's unreachable index about every package).
BINDER_INSTALL_BUDGET_S = 240


def test_binder_environment_builds_from_binder_folder_and_runs_a_chapter(tmp_path):
    """What repo2docker does, minus the container: a fresh venv (no system packages), pip install
    -r binder/requirements.txt, binder/postBuild; then every module the notebooks import (third
    party and relulab's) imports there, JupyterLab is there for a local reader, and the first
    chapter runs in that environment's kernel, in each language, and prints what the committed
    notebook shows.

    pip runs with --no-compile (bytecode is compiled on first import instead: about a third of
    the install time); nothing else differs (PIP_NO_COMPILE reaches postBuild's pip too).
    """
    import time

    venv = tmp_path / "binder-env"
    _run([sys.executable, "-m", "venv", str(venv)])
    py = venv / "bin" / "python"
    assert "include-system-site-packages = false" in (venv / "pyvenv.cfg").read_text()
    env = dict(os.environ, PATH=f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}", PIP_NO_COMPILE="1")
    env.pop("PYTHONPATH", None)
    start = time.perf_counter()
    _run([str(py), "-m", "pip", "install", "--quiet", "-r", str(BINDER / "requirements.txt")], env=env)
    _run([str(BINDER / "postBuild")], cwd=tmp_path, env=env)
    took = time.perf_counter() - start
    assert took < BINDER_INSTALL_BUDGET_S, f"the Binder environment took {took:.0f} s to install (is an index retried?)"
    _run([str(py), "-m", "pip", "check"], env=env)
    assert _run([str(venv / "bin" / "jupyter"), "lab", "--version"], env=env).stdout.strip()

    probe = textwrap.dedent(
        f"""
        import importlib, json, sys, torch, relulab
        mods = {sorted(third_party_imports() | relulab_modules_used())!r}
        for m in mods:
            importlib.import_module(m)
        print(json.dumps({{"prefix": sys.prefix, "base": sys.base_prefix, "relulab": relulab.__file__,
                          "torch": torch.__version__, "cuda": torch.version.cuda, "path": sys.path}}))
        """
    )
    info = json.loads(_run([str(py), "-c", probe], env=env, cwd=tmp_path).stdout.strip().splitlines()[-1])
    assert info["prefix"] == str(venv) and info["base"] != str(venv)
    assert not any("site-packages" in p and not p.startswith(str(venv)) for p in info["path"]), info["path"]
    assert info["relulab"] == str(ROOT / "src" / "relulab" / "__init__.py"), info["relulab"]
    assert info["cuda"] is None and info["torch"].endswith("+cpu"), info

    # Run the first chapter, as a Binder reader would, in each edition, in that kernel.
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    spec = tmp_path / "kernels" / "binder-env"
    spec.mkdir(parents=True)
    spec.joinpath("kernel.json").write_text(
        json.dumps({"argv": [str(py), "-m", "ipykernel_launcher", "-f", "{connection_file}"], "display_name": "binder-env", "language": "python"})
    )
    chapter = notebook_pages()[0]
    for lang in LANGS:
        stored = nbformat.read(BOOK / lang / f"{chapter}.ipynb", as_version=4)
        nb = nbformat.read(BOOK / lang / f"{chapter}.ipynb", as_version=4)
        km = KernelManager(kernel_name="binder-env", kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(spec.parent)]))
        NotebookClient(nb, km=km, timeout=300, resources={"metadata": {"path": str(BOOK / lang)}}).execute()
        assert _outputs(nb) == _outputs(stored), f"book/{lang}/{chapter}.ipynb prints something else in the Binder environment"


# --------------------------------------------------------------------------------------
# Launch and download buttons


def test_no_launch_buttons_while_the_repository_is_unset(site):
    """repository.url is empty in _config.yml (the book has no public repository yet): no
    Binder, repository, issue or edit button, and the teacher's guide names the tracker unlinked."""
    assert not yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"]
    for lang in LANGS:
        for page in html_pages(site, lang):
            text = page.read_text(encoding="utf-8")
            assert "mybinder.org" not in text and "launch-buttons" not in text, page
            assert not soup(page).select(".dropdown-source-buttons, .btn-source-edit-button"), page
        assert not soup(site / lang / "teachers.html").select('article a[href$="/issues"]')


# --------------------------------------------------------------------------------------
# Version, build date and licences on every page


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_shows_version_build_date_and_licences(site, lang):
    import datetime

    import build_book

    words = {"en": ("Version", "built on", "MIT licence"), "it": ("Versione", "compilata il", "licenza MIT")}[lang]
    today = build_book.build_date()
    for page in html_pages(site, lang):
        lines = soup(page).select("footer p.book-edition")
        assert len(lines) == 1, f"{lang}/{page.name}: {len(lines)} edition lines in the footer"
        text = " ".join(lines[0].get_text(" ", strip=True).split())
        assert f"{words[0]} {build_book.book_version()}," in text and words[1] in text and words[2] in text, text
        stamp = datetime.date.fromisoformat(lines[0].time["datetime"])
        assert stamp in (today, today - datetime.timedelta(days=1)), stamp  # built earlier in this session
        assert lines[0].time.get_text(strip=True) == build_book.human_date(stamp, lang)
        licence = lines[0].select_one('a[rel="license"]')
        assert licence is not None and licence["href"].startswith("https://creativecommons.org/licenses/by/4.0/")


def test_build_date_follows_source_date_epoch(monkeypatch):
    import datetime

    import build_book

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")  # 2026-09-21 UTC
    assert build_book.build_date() == datetime.date(2026, 9, 21)
    assert build_book.human_date(build_book.build_date(), "it") == "21 settembre 2026"
    footer = build_book.footer("it", repo_url="https://github.com/o/r")
    assert '<time datetime="2026-09-21">21 settembre 2026</time>' in footer
    assert 'href="https://github.com/o/r/blob/main/LICENSE"' in footer


def test_download_button_offers_the_notebook_of_the_page_language(site):
    sys.path.insert(0, str(ROOT / "scripts" / "sphinx_ext"))  # where _config.yml's local_extensions points
    try:
        import book_reader
    finally:
        sys.path.remove(str(ROOT / "scripts" / "sphinx_ext"))
    pages = notebook_pages()
    assert pages
    for lang in LANGS:
        for name in pages:
            doc = soup(site / lang / f"{name}.html")
            link = doc.select_one("a.btn-download-source-button")
            assert link is not None, f"{lang}/{name}.html has no download button"
            assert link["href"] == f"_sources/{name}.ipynb"
            # The student's version of the page's notebook (scripts/sphinx_ext/book_reader.py): the
            # same code cells but those of the solutions, the prose without solutions or MyST roles
            # (tests/test_student_notebook.py checks the prose).
            served = json.loads((site / lang / "_sources" / f"{name}.ipynb").read_text(encoding="utf-8"))
            book = json.loads((BOOK / lang / f"{name}.ipynb").read_text(encoding="utf-8"))
            code = lambda nb: [(c["source"], c.get("outputs")) for c in nb["cells"] if c["cell_type"] == "code"]  # noqa: E731
            assert served["metadata"]["relulab"]["student_version"] is True
            assert code(served) == code(book_reader.student_notebook(book, lang)), f"{lang}/{name}.ipynb"


def test_launch_buttons_open_each_notebook_in_its_own_language(tmp_path):
    """With a repository URL (a placeholder here: the book has none yet), every notebook page
    gets a Binder button for its own notebook, book/<lang>/<page>.ipynb, on the main branch."""
    repo = "https://github.com/example-owner/example-repo"  # placeholder, never contacted
    site = build_site(tmp_path, "--repository-url", repo, key="with-repository")
    for lang in LANGS:
        for name in notebook_pages():
            doc = soup(site / lang / f"{name}.html")
            links = [a["href"] for a in doc.select(".dropdown-launch-buttons a[href]")]
            assert links == [
                f"https://mybinder.org/v2/gh/example-owner/example-repo/main?urlpath=lab/tree/book/{lang}/{name}.ipynb"
            ], links
            assert (BOOK / lang / f"{name}.ipynb").exists()
            label = doc.select_one(".dropdown-launch-buttons a")["title"]
            assert label == {"en": "Launch on Binder", "it": "Apri su Binder"}[lang], label
        for page in html_pages(site, lang):
            text = page.read_text(encoding="utf-8")
            assert "colab" not in text.lower() and "thebe" not in text.lower(), page


def test_repository_buttons_light_up_with_a_repository_and_edit_the_real_sources(tmp_path):
    """With a repository URL, every page gets repository, issue and edit buttons, labelled in its
    language; the edit button opens the file to change (a chapter's .nbsrc, the glossary's YAML),
    and the teacher's guide links the issue tracker."""
    repo = "https://github.com/example-owner/example-repo"  # placeholder, never contacted
    site = build_site(tmp_path, "--repository-url", repo, key="with-repository")
    expected = {name: f"{repo}/edit/main/book/sources/{name}.nbsrc" for name in notebook_pages()}
    expected |= {"glossary": f"{repo}/edit/main/glossary/terms.yaml", "claims": f"{repo}/tree/main/claims"}
    labels = {"en": ("Source repository", "Suggest edit", "Open an issue"),
              "it": ("Repository dei sorgenti", "Suggerisci una modifica", "Segnala un problema")}
    for lang in LANGS:
        for name in toc_pages():
            doc = soup(site / lang / f"{name}.html")
            repo_button, edit, issue = (doc.select_one(f"a.btn-source-{kind}-button") for kind in ("repository", "edit", "issues"))
            assert repo_button["href"] == repo and issue["href"].startswith(f"{repo}/issues/new?"), name
            assert edit["href"] == expected.get(name, f"{repo}/edit/main/book/{lang}/{name}.md"), edit["href"]
            if name in ("claims", "glossary") or name in notebook_pages():
                path = edit["href"].split("/main/", 1)[1]
                assert (ROOT / path).exists(), path
            assert (repo_button["title"], edit["title"], issue["title"]) == labels[lang]
        assert soup(site / lang / "teachers.html").select(f'article a[href="{repo}/issues"]')
        problems = [s for page in html_pages(site, "it") for s in interface_strings(page, "it") if english_ui(s)]
        assert lang == "en" or not problems, sorted(set(problems))[:10]


# --------------------------------------------------------------------------------------
# Italian all the way through

#: English interface text: a text or label that contains one of these phrases...
ENGLISH_UI_PHRASES = (
    "Search this book", "Skip to main content", "Back to top", "Toggle", "Download", "Launch",
    "Fullscreen", "Print to PDF", "Color mode", "System Settings", "Link to this", "Show code cell",
    "Hide code cell", "On this page", "Table of Contents", "Open issue", "Open an issue",
    "Suggest edit", "Edit this page", "Source repositor", "Show source", "Last updated",
    "Created using", "Theme by", "By the", "previous page", "next page", "Solution to",
    "Copyright", "Please activate JavaScript", "Search Results", "Search finished",
    "Your search did not match", "Preparing search", "Hide Search Matches", "Click to show",
    "Click to hide", "Copy to clipboard", "Copied!", "Site navigation", "Version warning",
    "built on", "Text and figures", "MIT licence",
)
#: ... or that is exactly one of these words.
ENGLISH_UI_LABELS = frozenset(
    {"Main", "Page", "Search", "Contents", "Previous", "Next", "Exercise", "Solution", "Index",
     "Light", "Dark", "System", "Copy", "Error", "Navigation", "Language", "Close", "Menu", "Home"}
)
UI_ATTRIBUTES = ("title", "aria-label", "placeholder", "data-tooltip", "value", "alt")


def english_ui(text: str) -> bool:
    text = " ".join(text.split())
    return text in ENGLISH_UI_LABELS or any(p in text for p in ENGLISH_UI_PHRASES)


def interface_strings(page: Path, lang: str) -> list[str]:
    return interface_strings_of(fresh_soup(page), lang)


def interface_strings_of(doc: BeautifulSoup, lang: str) -> list[str]:
    """Texts and labels of a page, without code, program output, formulas, bibliography
    entries and anything marked as being in another language. Modifies ``doc``."""
    for el in doc.select("script, style, pre, code, .math, .cell_output, div.citation, .bibliography"):
        el.decompose()
    for el in doc.select("[lang]"):
        if el.name != "html" and not el["lang"].startswith(lang):
            el.decompose()
    for a in doc.select('a[href*="bibliography.html#"], a[href^="#id"]'):
        a.attrs.pop("title", None)  # citation tooltips: the cited paper's reference
    texts = [t for t in doc.find_all(string=True) if type(t) is NavigableString]  # not comments, doctype...
    out = [s for s in (" ".join(t.split()) for t in texts) if s]
    for el in doc.find_all(True):
        out += [" ".join(str(el[a]).split()) for a in UI_ATTRIBUTES if el.has_attr(a) and el.name != "img"]
    return out


def test_italian_pages_have_no_english_interface_text(site):
    problems = []
    for page in html_pages(site, "it"):
        for s in interface_strings(page, "it"):
            if english_ui(s):
                problems.append(f"it/{page.name}: {s[:80]!r}")
    assert not problems, "English interface text on Italian pages:\n" + "\n".join(sorted(set(problems)))


def test_the_interface_scan_sees_the_english_interface(site):
    """The scan above is not blind: on the English pages it finds the theme's English labels."""
    found = {s for page in html_pages(site, "en") for s in interface_strings(page, "en") if english_ui(s)}
    for expected in ("Search this book...", "Toggle primary sidebar", "Download this page", "previous page", "Main"):
        assert expected in found, expected
    assert "Read this page in English" not in " ".join(interface_strings(site / "it" / "index.html", "it"))


def test_italian_search_messages_are_translated(site):
    js = (site / "it" / "_static" / "translations.js").read_text(encoding="utf-8")
    data = json.loads(js[js.index("{") : js.rindex("}") + 1])
    for msgid in ("Search Results", "Search finished, found ${resultCount} page(s) matching the search query.",
                  "Your search did not match any documents. Please make sure that all words are spelled "
                  "correctly and that you've selected enough categories.", "Preparing search...", "Searching"):
        assert data["messages"].get(msgid), f"no Italian for the search message {msgid!r}"
    assert "${resultCount}" in data["messages"]["Search finished, found ${resultCount} page(s) matching the search query."]


# --------------------------------------------------------------------------------------
# Works offline: no resource from the network, nothing outside the site

RESOURCE_ATTRIBUTES = {
    "script": ("src",), "img": ("src", "srcset"), "source": ("src", "srcset"), "iframe": ("src",),
    "video": ("src", "poster"), "audio": ("src",), "embed": ("src",), "object": ("data",),
    "track": ("src",), "input": ("src",), "link": ("href",),
}
#: <link> relations that name a page rather than load a resource.
NAVIGATION_RELS = {"canonical", "alternate", "author", "license", "help", "next", "prev", "index", "search"}
EXTERNAL = re.compile(r"(?:https?:)?//", re.I)
CSS_EXTERNAL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])\s*(?:https?:)?//""", re.I)


def resources(doc: BeautifulSoup) -> list[tuple[str, str]]:
    """(what, URL) of everything a page loads by itself: scripts, styles, images, frames, fonts."""
    out = []
    for tag, attrs in RESOURCE_ATTRIBUTES.items():
        for el in doc.find_all(tag):
            if tag == "link" and set(el.get("rel") or []) & NAVIGATION_RELS:
                continue
            for attr in attrs:
                if el.has_attr(attr):
                    for url in str(el[attr]).split(",") if attr == "srcset" else [el[attr]]:
                        out.append((f"<{tag} {attr}>", url.strip().split(" ")[0]))
    for el in doc.find_all("script", src=False):
        out += [("inline <script>", m) for m in re.findall(r"https?://[^\s\"'`)]+", el.get_text())]
    for el in doc.find_all(style=True):
        if CSS_EXTERNAL.search(el["style"]):
            out.append(("style attribute", el["style"]))
    for el in doc.find_all("style"):
        if CSS_EXTERNAL.search(el.get_text()):
            out.append(("<style>", el.get_text()[:200]))
    return out


def test_pages_load_nothing_from_the_network(site):
    problems = []
    for lang in LANGS:
        for page in html_pages(site, lang):
            for what, url in resources(soup(page)):
                if EXTERNAL.match(url) or what in ("inline <script>", "style attribute", "<style>"):
                    problems.append(f"{lang}/{page.name}: {what} {url}")
        for css in site.joinpath(lang, "_static").rglob("*.css"):
            if CSS_EXTERNAL.search(css.read_text(encoding="utf-8", errors="replace")):
                problems.append(f"{css.relative_to(site)} imports from the network")
    assert not problems, "\n".join(problems)


def test_the_offline_scan_finds_a_cdn_script():
    """The scan above does see what it must refuse (links to papers are fine)."""
    page = BeautifulSoup(
        '<link rel="stylesheet" href="https://cdn.example/x.css"><script>const U = "https://unpkg.com/x.js"</script>'
        '<a href="https://doi.org/10.1/x">paper</a><link rel="canonical" href="https://example.org/">',
        "html.parser",
    )
    assert [what for what, _ in resources(page)] == ["<link href>", "inline <script>"]


def test_site_is_self_contained(site):
    """Every resource is a relative path to a file of the site: it can be zipped and opened from disk."""
    for lang in LANGS:
        for page in html_pages(site, lang):
            for what, url in resources(soup(page)):
                parsed = urlparse(url)
                if parsed.scheme == "data":
                    continue
                assert not parsed.scheme and not url.startswith("/"), f"{lang}/{page.name}: {what} {url}"
                target = (page.parent / parsed.path).resolve()
                assert target.is_file() and site.resolve() in target.parents, f"{lang}/{page.name}: {what} {url}"


def test_formulas_use_the_mathjax_shipped_with_the_site(site):
    with_math = 0
    for lang in LANGS:
        for page in html_pages(site, lang):
            doc = soup(page)
            if not doc.select(".math"):
                continue
            with_math += 1
            scripts = [s["src"].split("?")[0] for s in doc.find_all("script", src=True) if "mathjax" in s["src"].lower()]
            assert scripts == ["_static/mathjax/tex-chtml.js"], f"{lang}/{page.name}: {scripts}"
        assert site.joinpath(lang, "_static", "mathjax", "output", "chtml", "fonts", "woff-v2").is_dir()
    assert with_math >= 2 * len(notebook_pages())


# --------------------------------------------------------------------------------------
# Accessible

STOPWORDS = {
    "en": set("the of and a an is are to in on with for by from that this its it as at or be which each "
              "against than then while left right shows".split()),
    "it": set("il lo la i gli le di del della dei delle dello degli un una uno e è sono a al alla ai agli "
              "da dal dalla in nel nella nei con per su sul sulla che come più tra fra mentre sinistra "
              "destra mostra ogni".split()),
}


def guess_language(text: str) -> str | None:
    words = re.findall(r"[a-zàèéìòù]+", text.lower())
    hits = {lang: sum(w in stop for w in words) for lang, stop in STOPWORDS.items()}
    best = max(hits, key=hits.get)
    return best if hits[best] > min(hits.values()) else None


def content_images(page: Path) -> list:
    return soup(page).select("article img")


def test_every_image_has_alt_text_in_the_page_language(site):
    problems = []
    for lang in LANGS:
        for page in html_pages(site, lang):
            for img in soup(page).find_all("img"):
                alt = (img.get("alt") or "").strip()
                if not alt:
                    problems.append(f"{lang}/{page.name}: <img src={img.get('src')}> has no alt text")
                elif img.find_parent("article") is not None and guess_language(alt) != lang:
                    problems.append(f"{lang}/{page.name}: alt text not in {lang}: {alt[:70]!r}")
    assert not problems, "\n".join(problems)
    assert guess_language("Two panels: ReLU and its derivative") == "en"
    assert guess_language("Due pannelli: la ReLU e la sua derivata") == "it"


def test_both_editions_have_the_same_figures_with_their_own_alt_text(site):
    figures = 0
    for name in notebook_pages():
        en, it = (content_images(site / lang / f"{name}.html") for lang in LANGS)
        assert len(en) == len(it), f"{name}: {len(en)} images in English, {len(it)} in Italian"
        for a, b in zip(en, it):
            assert a["alt"] != b["alt"], f"{name}: the same alt text in both editions: {a['alt'][:60]!r}"
        figures += len(en)
    assert figures > 0


def test_headings_are_in_order(site):
    problems = []
    for lang in LANGS:
        for page in html_pages(site, lang):
            main = fresh_soup(page).select_one("main#main-content")
            for hidden in main.select(".onlyprint"):  # the table of contents printed on paper only
                hidden.decompose()
            levels = [int(h.name[1]) for h in main.find_all(re.compile(r"^h[1-6]$"))]
            if not levels:
                problems.append(f"{lang}/{page.name}: no heading")
                continue
            if levels[0] != 1 or levels.count(1) != 1:
                problems.append(f"{lang}/{page.name}: {levels.count(1)} <h1>, first heading h{levels[0]}")
            for prev, cur in zip(levels, levels[1:]):
                if cur > prev + 1:
                    problems.append(f"{lang}/{page.name}: h{prev} followed by h{cur}")
    assert not problems, "\n".join(problems)


def test_pages_declare_their_language_and_title(site):
    for lang in LANGS:
        for page in html_pages(site, lang):
            doc = soup(page)
            assert doc.html.get("lang") == lang, page
            assert doc.title and doc.title.get_text(strip=True), page


def citations(page: Path) -> list[str]:
    """Texts of the in-text citations of a page (links into the bibliography)."""
    return [a.get_text(" ", strip=True) for a in soup(page).select('a[href*="bibliography.html#"]')]


def test_citations_use_the_connectives_of_the_page_language(site):
    """'Nair and Hinton' in English, 'Nair e Hinton' in Italian; paper titles stay as published."""
    cited = {lang: [c for page in html_pages(site, lang) for c in citations(page)] for lang in LANGS}
    assert any(" and " in c for c in cited["en"]), "no two-author citation in the English edition"
    assert not [c for c in cited["it"] if " and " in c], [c for c in cited["it"] if " and " in c]
    assert any(" e " in c for c in cited["it"])
    # The reference lists: the same entries, differing only by the connectives' translation.
    entries = {
        lang: [d.get_text(" ", strip=True).split() for d in soup(site / lang / "bibliography.html").select("div.citation")]
        for lang in LANGS
    }
    assert len(entries["en"]) == len(entries["it"]) > 0
    allowed = {(("and",), ("e",)), (("of",), ("di",)), (("editors",), ("(a cura di)",))}
    swaps = 0
    for en, it in zip(entries["en"], entries["it"]):
        for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=en, b=it, autojunk=False).get_opcodes():
            if op == "equal":
                continue
            a, b = tuple(en[i1:i2]), tuple(it[j1:j2])
            # "A, B, and C" -> "A, B e C": the comma before "and" goes too
            if len(a) == 2 and a[1] == "and" and a[0].endswith(",") and b == (a[0][:-1], "e"):
                a, b = ("and",), ("e",)
            # "X and Y, editors" -> "X e Y (a cura di)"
            if len(a) == 2 and a[1].startswith("editor") and a[0].endswith(","):
                tail = a[1][len(a[1].rstrip(",.")) :]
                if b == (a[0][:-1], "(a", "cura", "di)" + tail):
                    a, b = ("editors",), ("(a cura di)",)
            assert (a, b) in allowed, f"Italian reference differs from the English one: {' '.join(a)!r} -> {' '.join(b)!r}"
            swaps += 1
    assert swaps > 0, "the Italian reference list reads exactly like the English one"


def test_italian_citation_style_formats_connectives():
    """The Italian pybtex style, on a made-up entry: authors joined with "e", series with "di"."""
    from pybtex.database import Entry, Person
    from pybtex.plugin import find_plugin

    sys.path.insert(0, str(ROOT / "scripts" / "sphinx_ext"))  # where _config.yml's local_extensions points
    try:
        import book_publishing
    finally:
        sys.path.remove(str(ROOT / "scripts" / "sphinx_ext"))
    book_publishing.register_citation_styles()
    entry = Entry("inproceedings", fields={"title": "Units", "booktitle": "Proc. X", "year": "2000", "volume": "3",
                                           "series": "Lecture Notes", "pages": "1--2"})
    entry.persons["author"] = [Person("Ada Lovelace"), Person("Alan Turing"), Person("Grace Hopper")]
    entry.persons["editor"] = [Person("Emmy Noether"), Person("John von Neumann")]
    text = find_plugin("pybtex.style.formatting", "alpha_it")().format_entry("L", entry).text.render_as("text")
    assert "Ada Lovelace, Alan Turing e Grace Hopper" in text and "volume 3 di Lecture Notes" in text, text
    assert "Emmy Noether e John von Neumann (a cura di)" in text, text
    english = find_plugin("pybtex.style.formatting", "alpha")().format_entry("L", entry).text.render_as("text")
    assert "Ada Lovelace, Alan Turing, and Grace Hopper" in english and "volume 3 of Lecture Notes" in english
    assert "Emmy Noether and John von Neumann, editors" in english, english
