"""Printed tables become HTML tables on the site (scripts/sphinx_ext/book_reader.py), the notebook
keeps the text that nbval compares: the parser reads back exactly what relulab.tables printed."""

from __future__ import annotations

import sys

import pytest

from conftest import ROOT
from relulab.tables import format_table

sys.path.insert(0, str(ROOT / "scripts" / "sphinx_ext"))
import book_reader  # noqa: E402

TABLES = [
    ([[1, 2.5, "a b"], [10, -0.0, "c"]], ["n", "x value", "name"]),
    ([["max(0, x)  # Python", float("nan"), float("inf")], ["x * (x > 0)", -0.0, 2]], ["way of writing it", "nan", "inf"]),
    ([["ReLU", 0.123456, ""], ["GELU", 1e-7, "smooth"]], ["activation", "error", "note"]),
    ([[i, i * 0.5] for i in range(12)], ["units", "max error (mean ± std)"]),
]


@pytest.mark.parametrize("rows, headers", TABLES)
def test_a_printed_table_reads_back_as_its_cells(rows, headers):
    text = format_table(rows, headers, digits=3)
    before, after = "C01 is true: the table shows why\n", "\nconclusion: 3 of 3 checks hold"
    pieces = book_reader.split_text_tables(before + text + after)
    assert len(pieces) == 3 and pieces[0] == before.rstrip("\n") and pieces[2].strip() == after.strip()
    got_headers, got_rows = pieces[1]
    assert got_headers == headers
    assert got_rows == [[book_reader_fmt(v) for v in row] for row in rows]
    html = book_reader.table_html(got_headers, got_rows)
    assert html.count("<tr>") == len(rows) + 1 and html.count("<th ") == len(headers)


def book_reader_fmt(value):
    from relulab.tables import fmt

    return fmt(value, 3)


@pytest.mark.parametrize(
    "text",
    [
        "Parameters\n----------\nx:\n    Real numbers",  # a docstring's section (one dash group)
        "a  b\n-- --\n1  2",  # groups one space apart: not format_table's rule
        "just text\n\nmore text",
        "name  value\n----  -----",  # a header without rows
    ],
)
def test_text_that_is_not_a_table_stays_text(text):
    pieces = book_reader.split_text_tables(text)
    assert all(isinstance(p, str) for p in pieces)
    assert "\n".join(pieces) == text


def test_numeric_columns_align_right():
    html = book_reader.table_html(["name", "error"], [["ReLU", "0.12 ± 0.03"], ["GELU", "nan"]])
    assert '<th scope="col">name</th>' in html and '<th scope="col" class="num">error</th>' in html
