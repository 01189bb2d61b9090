"""scripts/study_time.py: what it counts on small notebooks, and the teacher's guide carries its current table."""

import math

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

import study_time as st
from conftest import BOOK, LANGS

# --------------------------------------------------------------------------- prose words


def test_plain_prose_and_headings_are_counted():
    assert st.count_words("## Two words\n\nThree more words.") == 5
    assert st.count_words("- **bold** and *italic*, [a link](https://example.org) here") == 6


def test_numbers_apostrophes_and_hyphens_make_one_word():
    assert st.count_words("1,258 digits; 1.258 cifre; l'unità non-zero e.g.") == 7


def test_math_is_not_counted():
    assert st.count_words("the slope $a\\,x + b$ is\n\n$$\n\\max(0, x) = y\n$$\n\nzero") == 4
    assert st.count_words("a bound $|a -\nb|$ across a line break") == 6


def test_code_spans_and_code_blocks_are_not_counted():
    assert st.count_words("call `torch.relu(x)` now") == 2
    assert st.count_words("before\n```python\nx = relu(y)  # many words in a comment\n```\nafter") == 2
    assert st.count_words("a ``span with ` inside`` b") == 2


def test_roles_count_only_the_text_a_reader_sees():
    assert st.count_words("a {term}`dead unit` here") == 4                   # the term itself
    assert st.count_words("a {term}`dead units <dead unit>` here") == 4      # its explicit text
    assert st.count_words("see {ref}`sec-deriv-one-sided` now") == 2        # a bare reference: nothing
    assert st.count_words("see {ref}`the first section <sec-x>` now") == 5
    assert st.count_words("as shown {cite:p}`he2015delving`.") == 2
    assert st.count_words("by {cite:t}`glorot2011deep` and others") == 3


def test_labels_comments_and_directive_markup_are_not_counted():
    md = "(sec-label)=\n# Title\n<!-- a hidden comment of five words -->\nOne two."
    assert st.count_words(md) == 3
    exercise = "```{exercise}\n:label: ex-some-label\n:class: dropdown\nWrite a function.\n```"
    assert st.count_words(exercise) == 3                                     # the body is prose
    nested = "````{exercise}\n:label: ex-x\nRun this:\n```python\nprint('not prose at all')\n```\nThen explain.\n````\nAfter."
    assert st.count_words(nested) == 5
    assert st.count_words("```{math}\ny = \\max(0, x)\n```\nonly this") == 2


def test_tables_count_their_cells_not_their_rules():
    assert st.count_words("| claim | verdict |\n|---|---:|\n| C05 | true |") == 4


def test_code_lines_skip_blanks_and_comments():
    assert st.count_code_lines("import numpy as np\n\n# a comment\n   # an indented one\nx = 1  # trailing\n") == 2


def test_reading_minutes_round_to_the_nearest_minute():
    rate = st.WORDS_PER_MINUTE
    assert st.reading_minutes(0) == 0
    assert st.reading_minutes(1) == 1
    assert st.reading_minutes(rate) == 1
    assert st.reading_minutes(int(2.4 * rate)) == 2
    assert st.reading_minutes(int(2.6 * rate)) == 3


# --------------------------------------------------------------------------- notebooks


def png_output():
    return new_output("display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"})


def small_notebook():
    return new_notebook(cells=[
        new_markdown_cell("(ch-x)=\n# A small chapter\n\nFive words of prose here."),   # 8 words
        new_code_cell("import numpy as np\n\n# setup\nx = np.zeros(3)", outputs=[png_output()]),
        new_markdown_cell("```{exercise}\n:label: ex-x-1\nWrite it yourself.\n```"),       # 3 words
        new_markdown_cell("```{solution-start} ex-x-1\n:class: dropdown\n```"),
        new_code_cell("y = x + 1\nprint(y)", outputs=[png_output()]),
        new_markdown_cell("The solution explains four words."),                            # 5 words, hidden
        new_markdown_cell("```{solution-end}\n```"),
        new_markdown_cell("```{exercise}\n:label: ex-x-2\nPredict, then run.\n```"),        # 3 words
        new_markdown_cell("```{solution-start} ex-x-2\n:class: dropdown\n```\nInline answer here.\n```{solution-end}\n```\nBack to prose."),
    ])


def test_a_notebook_separates_prose_from_hidden_solutions():
    c = st.count_notebook(small_notebook())
    assert c.words == 8 + 3 + 3 + 3          # prose, two exercise statements, the text after a solution
    assert c.solution_words == 5 + 3
    assert c.code_lines == 2 and c.solution_code_lines == 2
    assert c.figures == 1                     # the figure of the solution is not counted
    assert c.exercises == 2


def test_every_book_notebook_counts_the_same_code_and_figures_in_both_languages():
    for name in st.pages():
        en, it = (st.count_notebook(nbformat.read(BOOK / lang / f"{name}.ipynb", as_version=4)) for lang in LANGS)
        assert en.words > 500 and it.words > 500, name
        assert (en.code_lines, en.figures, en.exercises, en.solution_code_lines) == (
            it.code_lines, it.figures, it.exercises, it.solution_code_lines), name


# --------------------------------------------------------------------------- the profile


REPORT = """# Book profile

Generated by `python scripts/profile_book.py` on 2026-01-02 03:04 UTC. A benchmark, not a test.

## Machine

- cores: 4
- usable cores: 2

## Notebooks

| notebook | start (s) | cells (s) | total (s) | CPU (s) | peak RSS (MiB) | within budget |
|---|---:|---:|---:|---:|---:|---|
| `book/en/01_definition.ipynb` | 0.6 | 12.5 | 13.1 | 12.3 | 398 | yes |
| `book/it/01_definition.ipynb` | | | | | | **failed**: CellExecutionError |
| **total** (1 notebooks) | | | **13.1** | 12.3 | max 398 | yes |
"""


def test_the_profile_table_is_read_by_column_name():
    p = st.parse_profile(REPORT)
    assert p.seconds == {"book/en/01_definition.ipynb": 13.1}     # the failed notebook has no time
    assert p.peak_mib == {"book/en/01_definition.ipynb": 398.0}
    assert p.date == "2026-01-02 03:04 UTC" and p.cores == "2"
    with pytest.raises(ValueError, match="no '| notebook |' table"):
        st.parse_profile("# Book profile\n")
    with pytest.raises(ValueError, match="lacks a column"):
        st.parse_profile(REPORT.replace("total (s)", "sum (s)"))


def test_a_notebook_missing_from_the_profile_is_an_error():
    with pytest.raises(SystemExit, match="no time for book/it/01_definition.ipynb"):
        st.measure(["01_definition"], st.parse_profile(REPORT))


# --------------------------------------------------------------------------- the pages


def test_the_block_between_the_markers_is_replaced_and_nothing_else():
    page = f"before\n{st.START}\nold table\n{st.END}\nafter\n"
    new = st.replace_block(page, "new table\n")
    assert new == f"before\n{st.START}\nnew table\n{st.END}\nafter\n"
    assert st.replace_block(new, "new table\n") == new
    for bad in ("no markers", f"{st.END}\n{st.START}", f"{st.START}\n{st.START}\n{st.END}"):
        with pytest.raises(ValueError, match="must contain"):
            st.replace_block(bad, "x")


def test_the_table_has_a_row_per_page_and_headers_in_each_language():
    profile = st.load_profile()
    rows = st.measure(profile=profile)
    assert [r.name for r in rows] == st.pages() and len(rows) >= 10
    for lang in LANGS:
        table = st.render_table(rows, profile, lang)
        assert table.splitlines()[0] == "| " + " | ".join(st.TEXT[lang]["headers"]) + " |"
        body = [ln for ln in table.splitlines() if ln.startswith("| ") and "{ref}`" in ln]
        assert len(body) == len(rows)
        assert f"{st.WORDS_PER_MINUTE}" in table and f"{st.MINUTES_PER_EXERCISE}" in table
    r = rows[0]
    c = r.counts["en"]
    assert r.total("en") == st.reading_minutes(c.words) + math.ceil(r.seconds["en"] / 60) + st.MINUTES_PER_EXERCISE * c.exercises


def test_the_teachers_guides_carry_the_current_table():
    assert st.main(["--check"]) == 0, "the study-time table is stale: run python scripts/study_time.py"
    for lang in LANGS:
        text = (BOOK / lang / "teachers.md").read_text(encoding="utf-8")
        assert text.count(st.START) == 1 and text.count(st.END) == 1
        assert "(planned)" not in text and "(previsto)" not in text


def test_check_fails_on_a_stale_page(tmp_path, monkeypatch):
    for lang in LANGS:
        (tmp_path / lang).mkdir()
        page = (BOOK / lang / "teachers.md").read_text(encoding="utf-8")
        stale = st.replace_block(page, "| an old table |\n")
        (tmp_path / lang / "teachers.md").write_text(stale, encoding="utf-8")
        for nb in (BOOK / lang).glob("*.ipynb"):
            (tmp_path / lang / nb.name).symlink_to(nb)
    monkeypatch.setattr(st, "BOOK", tmp_path)
    monkeypatch.setattr(st, "ROOT", tmp_path)
    (tmp_path / "book").symlink_to(tmp_path)
    assert st.main(["--check"]) == 1
    assert "an old table" in (tmp_path / "en" / "teachers.md").read_text(encoding="utf-8")   # --check changes nothing
    assert st.main([]) == 0
    assert st.main(["--check"]) == 0
    assert (tmp_path / "it" / "teachers.md").read_text(encoding="utf-8") == (BOOK / "it" / "teachers.md").read_text(encoding="utf-8")
