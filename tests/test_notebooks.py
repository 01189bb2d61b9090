"""The committed notebooks: both languages, same code, executed top to bottom, in sync with their sources.

nbval (run by the README's test command) then re-executes each notebook and compares its outputs.
An unexecuted notebook would pass nbval trivially, which is why these checks exist.
"""

import io
import re
import tokenize

import nbformat
import pytest

import notebooks as nbtool
from conftest import BOOK, LANGS

NOTEBOOKS = sorted(p.relative_to(BOOK / "en") for p in (BOOK / "en").glob("*.ipynb"))
LANGUAGE_LINE = re.compile(r"""^\s*relulab\.use_language\(["'](en|it)["']\)\s*$""")


def code_cells(path):
    return [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


def strip_comments(src: str) -> str:
    toks = [t for t in tokenize.generate_tokens(io.StringIO(src).readline) if t.type != tokenize.COMMENT]
    lines = tokenize.untokenize(toks).splitlines()
    return "\n".join(line.rstrip() for line in lines if line.strip())


def test_there_are_notebooks():
    assert NOTEBOOKS, "book/en holds no notebook"


def test_same_files_in_both_languages():
    for lang in LANGS:
        names = sorted(p.relative_to(BOOK / lang) for p in (BOOK / lang).rglob("*") if p.suffix in (".ipynb", ".md"))
        other = sorted(p.relative_to(BOOK / "en") for p in (BOOK / "en").rglob("*") if p.suffix in (".ipynb", ".md"))
        assert names == other, f"book/{lang} and book/en hold different pages"


@pytest.mark.parametrize("rel", NOTEBOOKS, ids=str)
def test_same_code_cells_and_different_prose(rel):
    en, it = (BOOK / lang / rel for lang in LANGS)
    a, b = [strip_comments(c.source) for c in code_cells(en)], [strip_comments(c.source) for c in code_cells(it)]
    assert len(a) == len(b), f"{rel}: {len(a)} code cells in en, {len(b)} in it"
    language_lines = 0
    for i, (x, y) in enumerate(zip(a, b)):
        if x == y:
            continue
        dx = [l for l in x.splitlines() if l not in y.splitlines()]
        dy = [l for l in y.splitlines() if l not in x.splitlines()]
        assert all(LANGUAGE_LINE.match(l) for l in dx + dy), f"{rel}: code cell {i} differs beyond the language line"
        language_lines += 1
    assert language_lines == 1, f"{rel}: the language must be selected exactly once (found {language_lines} differing cells)"
    md = {lang: [c.source for c in nbformat.read(BOOK / lang / rel, as_version=4).cells if c.cell_type == "markdown"] for lang in LANGS}
    assert md["en"] and md["it"], f"{rel}: prose missing"
    assert sum(x.strip() == y.strip() for x, y in zip(md["en"], md["it"])) <= len(md["en"]) // 4, (
        f"{rel}: too many markdown cells identical in both languages (untranslated?)"
    )


@pytest.mark.parametrize("path", [BOOK / lang / rel for rel in NOTEBOOKS for lang in LANGS], ids=lambda p: f"{p.parent.name}/{p.name}")
def test_executed_top_to_bottom_in_a_fresh_kernel(path):
    cells = [c for c in code_cells(path) if c.source.strip()]
    counts = [c.execution_count for c in cells]
    assert None not in counts, f"{path.name}: unexecuted cells"
    assert counts == list(range(1, len(cells) + 1)), f"{path.name}: execution counts {counts} are not 1..n"
    assert sum(bool(c.outputs) for c in cells) >= len(cells) // 2, f"{path.name}: most cells have no output"
    for c in cells:
        for out in c.outputs:
            assert out.output_type != "error" or "raises-exception" in c.metadata.get("tags", []), (
                f"{path.name}: cell {c.execution_count} raised an error"
            )
            text = "".join(out.get("data", {}).get("text/plain", "")) if "data" in out else ""
            assert not re.search(r"at 0x[0-9a-f]+>", text), f"{path.name}: cell {c.execution_count} leaves an object repr"


@pytest.mark.parametrize("path", [BOOK / lang / rel for rel in NOTEBOOKS for lang in LANGS], ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_figure_has_alt_text(path):
    lang = path.parent.name
    for c in code_cells(path):
        has_image = any("image/png" in out.get("data", {}) for out in c.outputs)
        if has_image:
            alt = c.metadata.get("mystnb", {}).get("image", {}).get("alt", "")
            assert len(alt) > 20, f"{path.name}: cell {c.execution_count} draws a figure without alt text ({lang})"
        for out in c.outputs:
            assert "image/svg+xml" not in out.get("data", {}), f"{path.name}: SVG output (nbval compares it); use PNG"


def test_coalesce_streams_merges_consecutive_prints_of_one_stream_only():
    out = [nbformat.v4.new_output("stream", name="stdout", text="a\n"), nbformat.v4.new_output("stream", name="stdout", text="b\n"),
           nbformat.v4.new_output("stream", name="stderr", text="w\n"), nbformat.v4.new_output("stream", name="stdout", text="c\n"),
           nbformat.v4.new_output("execute_result", data={"text/plain": "1"}, execution_count=1)]
    merged = nbtool.coalesce_streams(out)
    assert [(o.output_type, o.get("name"), o.get("text")) for o in merged] == [
        ("stream", "stdout", "a\nb\n"), ("stream", "stderr", "w\n"), ("stream", "stdout", "c\n"), ("execute_result", None, None)]


@pytest.mark.parametrize("path", [BOOK / lang / p for p in NOTEBOOKS for lang in LANGS], ids=lambda p: f"{p.parent.name}/{p.name}")
def test_stored_prints_are_not_split_into_chunks(path):
    for i, cell in enumerate(code_cells(path)):
        kinds = [(o.output_type, o.get("name")) for o in cell.outputs]
        assert all(a != b or a[0] != "stream" for a, b in zip(kinds, kinds[1:])), f"{path.name} code cell {i}: split stream output"


def test_notebooks_match_their_sources():
    assert nbtool.out_of_date() == []


def test_every_notebook_has_a_source_and_exercises():
    names = {p.stem for p in (BOOK / "sources").glob("*.nbsrc")}
    assert {p.stem for p in (BOOK / "en").glob("*.ipynb")} == names
    for name in names:
        text = (BOOK / "sources" / f"{name}.nbsrc").read_text(encoding="utf-8")
        assert text.count("```{exercise}") >= 2 * 3, f"{name}: fewer than three exercises per language"


def test_source_parser_rejects_malformed_sources():
    with pytest.raises(nbtool.SourceError, match="needs a language"):
        nbtool.parse_source("%% md fr\nciao\n")
    with pytest.raises(nbtool.SourceError, match="unknown cell kind"):
        nbtool.parse_source("%% raw\nx\n")
    with pytest.raises(nbtool.SourceError, match="alt"):
        nbtool.parse_source('%% code {"alt": {"en": "a"}}\nx = 1\n')
    with pytest.raises(nbtool.SourceError, match="empty cell"):
        nbtool.parse_source("%% code\n\n%% md en\nx\n")
    cells = nbtool.parse_source('%% md en\nHi\n%% md it\nCiao\n%% code {"tags": ["raises-exception"]}\nrelulab.use_language("{{LANG}}")\n')
    nb = nbtool.make_notebook(cells, "it", "x")
    assert [c.cell_type for c in nb.cells] == ["markdown", "code"]
    assert nb.cells[1].source == 'relulab.use_language("it")' and nb.cells[1].metadata.tags == ["raises-exception"]
