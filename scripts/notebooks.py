"""Bilingual notebook sources -> executed English and Italian notebooks.

A chapter is written once, in ``book/sources/<name>.nbsrc``: its code cells
are shared, its prose comes in both languages. This script writes
``book/en/<name>.ipynb`` and ``book/it/<name>.ipynb`` from it and executes them
in place, each in a fresh kernel, top to bottom.

Source format: lines beginning with ``%% `` start a cell.

    %% md en                 Markdown cell, English notebook only
    %% md it                 Markdown cell, Italian notebook only
    %% code                  code cell, in both notebooks
    %% code {"tags": ["raises-exception"], "alt": {"en": "...", "it": "..."}}
                             optional JSON: cell tags, and the alt text of the
                             figure the cell draws (one per language)
    %% code {"alt": {...}, "caption": {"en": "...", "it": "..."}, "name": "fig-..."}
                             a cell that draws a figure also gives its caption (one
                             sentence per language: what is shown) and a name unique in
                             the book ("fig-" and lowercase words): myst-nb renders the
                             output as a numbered figure (Figure 4.3 / Figura 4.3) that
                             the prose cites with {numref}`fig-...`

In code cells ``{{LANG}}`` becomes ``en`` or ``it`` (use it only in the line
``relulab.use_language("{{LANG}}")``), and ``{{RELULAB_PIP}}`` the pip requirement that
installs relulab from the book's public repository (``repository.url`` in ``_config.yml``;
empty while there is none): the first code cell of every chapter installs relulab with it
when the notebook runs without the package (a notebook downloaded from the site).

Stored outputs carry no absolute path of the machine that ran them (:func:`sanitize_paths`):
``/home/me/relulab/src/relulab/x.py`` is stored as ``src/relulab/x.py``, a library's file as
``<site-packages>/...``, the standard library's as ``<python>/...``;
``tests/nbval_sanitize.cfg`` maps a fresh run's paths the same way.

Usage:
    python scripts/notebooks.py generate [NAME ...]   # write the .ipynb files (no outputs)
    python scripts/notebooks.py execute [PATH ...]     # execute notebooks in place
    python scripts/notebooks.py build [NAME ...]       # generate, then execute both languages
    python scripts/notebooks.py check                  # exit 1 if a notebook is out of date with its source
    python scripts/notebooks.py refresh [NAME ...]     # regenerate without executing when only prose or
                                                       # cell options changed (every code cell's text is
                                                       # unchanged): outputs are kept; else say "build"
    python scripts/notebooks.py perturbed [PATH ...]   # run copies WITHOUT the pinned numerics; report
                                                       # the code cells whose text changed (0-based)
    python scripts/notebooks.py tag-rounding REPORT    # tag the cells a perturbed run changed
                                                       # (REPORT: _build/perturbed.json) rounding-sensitive
Without NAME/PATH: every source / every notebook of the book.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "book" / "sources"
LANGS = ("en", "it")
HEADER = "%% "
FIGURE_NAME = re.compile(r"fig(-[a-z0-9]+)+")


class SourceError(ValueError):
    """A malformed .nbsrc file."""


def parse_source(text: str, name: str = "<source>") -> list[dict]:
    """Parse a bilingual source into a list of cells: {kind, lang, source, meta}."""
    cells: list[dict] = []
    current: dict | None = None
    for lineno, line in enumerate(text.splitlines(), 1):
        if line.startswith(HEADER):
            head = line[len(HEADER):].strip()
            kind, _, rest = head.partition(" ")
            meta: dict = {}
            lang = None
            if kind == "md":
                lang, _, rest = rest.strip().partition(" ")
                if lang not in LANGS:
                    raise SourceError(f"{name}:{lineno}: '%% md' needs a language, one of {LANGS}")
            elif kind != "code":
                raise SourceError(f"{name}:{lineno}: unknown cell kind {kind!r} (use 'md en', 'md it' or 'code')")
            if rest.strip():
                try:
                    meta = json.loads(rest)
                except json.JSONDecodeError as exc:
                    raise SourceError(f"{name}:{lineno}: cell options must be JSON: {exc}") from None
                unknown = set(meta) - {"tags", "alt", "caption", "name"}
                if unknown:
                    raise SourceError(f"{name}:{lineno}: unknown cell options {sorted(unknown)}")
                for key in ("alt", "caption"):
                    if key in meta and (not isinstance(meta[key], dict) or set(meta[key]) != set(LANGS)):
                        raise SourceError(f"{name}:{lineno}: {key!r} needs a text for each of {LANGS}")
                if ("caption" in meta) != ("name" in meta):
                    raise SourceError(f"{name}:{lineno}: a figure needs both 'caption' and 'name'")
                if "name" in meta and not FIGURE_NAME.fullmatch(str(meta["name"])):
                    raise SourceError(f"{name}:{lineno}: figure name {meta['name']!r} must look like "
                                      "'fig-dying-lr-sweep' (fig- then lowercase words joined by '-')")
            current = {"kind": kind, "lang": lang, "lines": [], "meta": meta, "line": lineno}
            cells.append(current)
        elif current is None:
            if line.strip():
                raise SourceError(f"{name}:{lineno}: text before the first '%% ' cell header")
        else:
            current["lines"].append(line)
    for c in cells:
        c["source"] = "\n".join(c.pop("lines")).strip("\n")
        if not c["source"].strip():
            raise SourceError(f"{name}:{c['line']}: empty cell")
    return cells


def relulab_requirement() -> str:
    """The pip requirement of relulab from the book's public repository, '' without one:
    ``relulab @ https://github.com/<owner>/<name>/archive/refs/heads/<branch>.zip`` (an archive,
    so that installing it needs no git)."""
    import yaml

    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    repo = config.get("repository") or {}
    url = (repo.get("url") or "").strip().rstrip("/")
    if not url:
        return ""
    return f"relulab @ {url}/archive/refs/heads/{repo.get('branch') or 'main'}.zip"


_PATH_RULES: list[tuple[re.Pattern, str]] = []


def sanitize_paths(text: str) -> str:
    """``text`` without the absolute paths of this machine (see the module's docstring)."""
    if not _PATH_RULES:
        stop = "\\s\"'`()\\[\\]<>\\x1b"
        _PATH_RULES.extend([
            (re.compile(rf"/[^{stop}]*/src/relulab/"), "src/relulab/"),
            (re.compile(rf"/[^{stop}]*/(?:site|dist)-packages/"), "<site-packages>/"),
            (re.compile(rf"/[^{stop}]*/lib/python3\.\d+/"), "<python>/"),
            (re.compile(re.escape(str(ROOT)) + "/"), ""),
        ])
    for pattern, replacement in _PATH_RULES:
        text = pattern.sub(replacement, text)
    return text


def sanitize_outputs(outputs: list) -> list:
    """The outputs with :func:`sanitize_paths` applied to their text (streams, tracebacks,
    text results); images untouched."""
    for out in outputs:
        kind = out.get("output_type")
        if kind == "stream":
            out["text"] = sanitize_paths("".join(out["text"]))
        elif kind == "error":
            out["evalue"] = sanitize_paths(out.get("evalue", ""))
            out["traceback"] = [sanitize_paths(line) for line in out.get("traceback", [])]
        elif kind in ("execute_result", "display_data"):
            for mime in ("text/plain", "text/html", "text/markdown"):
                if mime in out.get("data", {}):
                    out["data"][mime] = sanitize_paths("".join(out["data"][mime]))
    return outputs


def make_notebook(cells: list[dict], lang: str, name: str) -> nbformat.NotebookNode:
    """The (unexecuted) notebook of one language."""
    requirement = relulab_requirement()
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
        "relulab": {"language": lang, "source": f"book/sources/{name}.nbsrc"},
    }
    n = 0
    for c in cells:
        if c["kind"] == "md":
            if c["lang"] != lang:
                continue
            cell = nbformat.v4.new_markdown_cell(c["source"])
        else:
            src = c["source"].replace("{{LANG}}", lang).replace("{{RELULAB_PIP}}", requirement)
            cell = nbformat.v4.new_code_cell(src)
            if c["meta"].get("tags"):
                cell.metadata["tags"] = list(c["meta"]["tags"])
            if "alt" in c["meta"]:
                cell.metadata["mystnb"] = {"image": {"alt": c["meta"]["alt"][lang]}}
            if "caption" in c["meta"]:
                cell.metadata.setdefault("mystnb", {})["figure"] = {
                    "caption": c["meta"]["caption"][lang], "name": c["meta"]["name"]}
        n += 1
        cell.id = f"{name.replace('_', '-')}-{n:03d}"[:64]
        nb.cells.append(cell)
    return nb


def source_names() -> list[str]:
    return sorted(p.name[: -len(".nbsrc")] for p in SOURCES.glob("*.nbsrc"))


def generate(name: str) -> list[Path]:
    path = SOURCES / f"{name}.nbsrc"
    if not path.exists():
        raise SystemExit(f"no source {path}; sources: {source_names()}")
    cells = parse_source(path.read_text(encoding="utf-8"), str(path))
    out = []
    for lang in LANGS:
        nb = make_notebook(cells, lang, name)
        target = ROOT / "book" / lang / f"{name}.ipynb"
        nbformat.write(nb, target)
        out.append(target)
    return out


def _numerics():
    """relulab.numerics, loaded from its file (no torch import in this process)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("_relulab_numerics", ROOT / "src" / "relulab" / "numerics.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_notebook(nb: nbformat.NotebookNode, cwd: Path, env: dict[str, str], timeout: int = 600) -> float:
    """Execute ``nb`` in a fresh kernel started with environment ``env``; return seconds."""
    from nbclient import NotebookClient

    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(cwd)}},
        record_timing=False,
        allow_errors=False,
    )
    t0 = time.perf_counter()
    client.execute(env=env)
    seconds = time.perf_counter() - t0
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = sanitize_outputs(coalesce_streams(cell.outputs))
    return seconds


def execute(path: Path, timeout: int = 600) -> float:
    """Execute a notebook in place in a fresh kernel (cwd = its folder) under the book's pinned
    numerical environment (:mod:`relulab.numerics`), record that environment in the notebook's
    metadata, and return the seconds it took."""
    numerics = _numerics()
    nb = nbformat.read(path, as_version=4)
    seconds = run_notebook(nb, path.parent, numerics.pinned_env(), timeout)
    nb.metadata.setdefault("relulab", {})["numerics"] = numerics.record()
    nbformat.write(nb, path)
    return seconds


_ADDRESS = re.compile(r"0x[0-9a-fA-F]+")


def _text_outputs(cell) -> list[str]:
    """What nbval compares of a cell, minus images: stream text and text/plain|html results."""
    out = []
    for o in coalesce_streams(cell.get("outputs", [])):
        if o.get("output_type") == "stream":
            out.append(f"{o['name']}: {''.join(o['text'])}")
        elif o.get("output_type") in ("execute_result", "display_data"):
            data = o.get("data", {})
            out.append("".join(data.get("text/html", "") or data.get("text/plain", "")))
        elif o.get("output_type") == "error":
            out.append(f"error: {o.get('ename')}")
    return [_ADDRESS.sub("0xADDR", t) for t in out]


def perturbed(path: Path, timeout: int = 600) -> dict:
    """Execute a copy of notebook ``path`` WITHOUT the pinned numerical environment (every library
    picks its own code path for this CPU) and compare its text outputs with the stored ones.

    Returns ``{"seconds", "changed": [code-cell indices whose text differs], "error": None | str}``;
    the stored notebook is not touched. A check cell whose conclusion fails makes ``error`` name it.
    """
    numerics = _numerics()
    stored = nbformat.read(path, as_version=4)
    nb = nbformat.read(path, as_version=4)
    error = None
    t0 = time.perf_counter()
    try:
        run_notebook(nb, path.parent, numerics.unpinned_env(), timeout)
    except Exception as exc:  # noqa: BLE001 - reported, not hidden: the caller fails on it
        error = f"{type(exc).__name__}: {str(exc)[-2000:]}"
    seconds = time.perf_counter() - t0
    changed = []
    code_index = 0
    for want, got in zip(stored.cells, nb.cells):
        if want.cell_type != "code":
            continue
        tags = want.metadata.get("tags", [])
        if "nbval-ignore-output" not in tags and got.get("execution_count") is not None:
            if _text_outputs(want) != _text_outputs(got):
                changed.append(code_index)
        code_index += 1
    return {"seconds": seconds, "changed": changed, "error": error}


ROUNDING_TAG = "rounding-sensitive"


def tag_rounding_sensitive(name: str, indices: list[int]) -> int:
    """Make the code cells ``indices`` (0-based, among code cells) of source ``name`` exactly the
    ones tagged ``rounding-sensitive``; rewrite the source's ``%% code`` headers. Returns how many
    headers changed. Run it on the cells a perturbed run reported, then rebuild the notebooks."""
    path = SOURCES / f"{name}.nbsrc"
    lines = path.read_text(encoding="utf-8").split("\n")
    wanted, code, changed = set(indices), 0, 0
    for i, line in enumerate(lines):
        if not line.startswith(HEADER + "code"):
            continue
        rest = line[len(HEADER + "code"):].strip()
        meta = json.loads(rest) if rest else {}
        tags = [t for t in meta.get("tags", []) if t != ROUNDING_TAG]
        if code in wanted:
            tags.append(ROUNDING_TAG)
        if tags:
            meta["tags"] = tags
        else:
            meta.pop("tags", None)
        new = HEADER + "code" + (" " + json.dumps(meta, ensure_ascii=False) if meta else "")
        if new != line:
            lines[i] = new
            changed += 1
        code += 1
    if max(wanted, default=-1) >= code:
        raise SystemExit(f"{name}: code cell {max(wanted)} does not exist (the source has {code} code cells)")
    path.write_text("\n".join(lines), encoding="utf-8")
    _sync_tags(name)
    return changed


def _sync_tags(name: str) -> None:
    """Copy the code cells' tags of source ``name`` into its executed notebooks (tags do not change
    what a cell computes, so the stored outputs stay valid and nothing is re-executed)."""
    cells = [c for c in parse_source((SOURCES / f"{name}.nbsrc").read_text(encoding="utf-8"), name) if c["kind"] == "code"]
    for lang in LANGS:
        target = ROOT / "book" / lang / f"{name}.ipynb"
        if not target.exists():
            continue
        nb = nbformat.read(target, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        if len(code) != len(cells):
            continue  # out of date with its source: `build` it
        for have, want in zip(code, cells):
            if want["meta"].get("tags"):
                have.metadata["tags"] = list(want["meta"]["tags"])
            else:
                have.metadata.pop("tags", None)
        nbformat.write(nb, target)


def refresh(name: str) -> list[Path]:
    """Regenerate the notebooks of source ``name`` keeping the stored outputs, when every code cell's
    text is the same as in the stored notebook (prose, tags, alt texts, captions may differ: they do
    not change what a cell computes). Returns the notebooks written; raises SystemExit naming the
    first notebook whose code changed (run ``build`` for it)."""
    cells = parse_source((SOURCES / f"{name}.nbsrc").read_text(encoding="utf-8"), name)
    written = []
    for lang in LANGS:
        target = ROOT / "book" / lang / f"{name}.ipynb"
        have = nbformat.read(target, as_version=4)
        want = make_notebook(cells, lang, name)
        old = [c for c in have.cells if c.cell_type == "code"]
        new = [c for c in want.cells if c.cell_type == "code"]
        if [c.source for c in old] != [c.source for c in new]:
            raise SystemExit(f"{target.relative_to(ROOT)}: code cells changed, run `build {name}`")
        for o, n in zip(old, new):
            n.outputs, n.execution_count = o.outputs, o.execution_count
        want.metadata = have.metadata
        nbformat.write(want, target)
        written.append(target)
    return written


def coalesce_streams(outputs: list) -> list:
    """Merge consecutive outputs of the same stream (how a cell's prints were split into chunks
    depends on the machine's speed, what they print does not); nbval compares them merged too."""
    merged: list = []
    for out in outputs:
        last = merged[-1] if merged else None
        if out.get("output_type") == "stream" and last is not None and last.get("output_type") == "stream" and last.get("name") == out.get("name"):
            last["text"] = "".join(last["text"]) + "".join(out["text"])
        else:
            merged.append(out)
    return merged


def book_notebooks() -> list[Path]:
    return sorted(
        p for lang in LANGS for p in (ROOT / "book" / lang).rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
    )


def out_of_date() -> list[str]:
    """Notebooks whose cells (sources, tags, alt texts) differ from what their source generates."""
    problems = []
    for name in source_names():
        cells = parse_source((SOURCES / f"{name}.nbsrc").read_text(encoding="utf-8"), name)
        for lang in LANGS:
            target = ROOT / "book" / lang / f"{name}.ipynb"
            if not target.exists():
                problems.append(f"{target.relative_to(ROOT)} is missing")
                continue
            want = make_notebook(cells, lang, name)
            have = nbformat.read(target, as_version=4)
            strip = lambda nb: [(c.cell_type, c.source, c.metadata.get("tags"), c.metadata.get("mystnb")) for c in nb.cells]  # noqa: E731
            if strip(want) != strip(have):
                problems.append(f"{target.relative_to(ROOT)} differs from book/sources/{name}.nbsrc")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["generate", "execute", "build", "check", "refresh", "perturbed", "tag-rounding"])
    parser.add_argument("targets", nargs="*")
    args = parser.parse_args(argv)
    if args.command == "check":
        problems = out_of_date()
        print("\n".join(problems) or "all notebooks match their sources")
        return 1 if problems else 0
    if args.command == "refresh":
        for name in args.targets or source_names():
            print("\n".join(str(p.relative_to(ROOT)) for p in refresh(name)))
        return 0
    if args.command == "tag-rounding":
        report = json.loads(Path(args.targets[0]).read_text()) if args.targets else {}
        if not report:
            raise SystemExit("give the JSON report of a perturbed run (tests/test_perturbed.py writes _build/perturbed.json)")
        for name, result in report.items():
            print(f"{name}: {tag_rounding_sensitive(name, result['changed'])} headers changed")
        return 0
    if args.command == "perturbed":
        paths = [Path(p).resolve() for p in args.targets] or sorted((ROOT / "book" / "en").glob("*.ipynb"))
        failed = 0
        for p in paths:
            r = perturbed(p)
            failed += r["error"] is not None
            print(f"{p.relative_to(ROOT)}: {r['seconds']:.1f} s, code cells changed: {r['changed']}"
                  + (f"\n  FAILED: {r['error']}" if r["error"] else ""), flush=True)
        return 1 if failed else 0
    if args.command == "execute":
        paths = [Path(p).resolve() for p in args.targets] or book_notebooks()
    else:
        names = args.targets or source_names()
        paths = [p for name in names for p in generate(name)]
        if args.command == "generate":
            print("\n".join(str(p.relative_to(ROOT)) for p in paths))
            return 0
    for p in paths:
        print(f"executing {p.relative_to(ROOT)} ...", end=" ", flush=True)
        print(f"{execute(p):.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
