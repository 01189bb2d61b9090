"""Every string the code prints or draws in an Italian notebook is Italian, with a decimal comma.

Issue 21, item 1. The scan (rules and word lists) is ``scripts/scan_italian_outputs.py``; here it
runs on every Italian notebook, the English notebooks must print decimal points and never decimal
commas, and planted violations prove that each rule can fail.
"""

from __future__ import annotations

import nbformat
import pytest

from conftest import BOOK
from scan_italian_outputs import DECIMAL_COMMA, CODE, decimal_points, english_words, output_lines, violations

IT_NOTEBOOKS = sorted((BOOK / "it").glob("*.ipynb"))
EN_NOTEBOOKS = sorted((BOOK / "en").glob("*.ipynb"))


def test_every_chapter_is_scanned():
    assert len(IT_NOTEBOOKS) >= 11 and [p.name for p in IT_NOTEBOOKS] == [p.name for p in EN_NOTEBOOKS]


@pytest.mark.parametrize("path", IT_NOTEBOOKS, ids=lambda p: p.name)
def test_italian_outputs_speak_italian(path):
    found = violations(path)
    assert not found, f"it/{path.name}: {len(found)} output lines leak English or a decimal point:\n" + "\n".join(found)


@pytest.mark.parametrize("path", EN_NOTEBOOKS, ids=lambda p: p.name)
def test_english_outputs_use_decimal_points(path):
    commas = [f"c{i}: {line.strip()[:140]}" for i, line in output_lines(path) if DECIMAL_COMMA.search(CODE.sub(" ", line))]
    assert not commas, f"en/{path.name}: decimal commas in English outputs:\n" + "\n".join(commas)


def test_english_outputs_have_decimal_points_to_check():
    # the English test above is not vacuous: the English book does print decimal numbers
    assert sum(bool(decimal_points(line)) for p in EN_NOTEBOOKS for _, line in output_lines(p)) > 100


@pytest.mark.parametrize(
    "line, words, points",
    [
        ("units: 15 pieces: 16 same function: True", {"units", "pieces", "same", "function"}, []),
        ("Provenance: NVIDIA H100, measured 2026-11-22 with CUDA events", {"provenance", "measured", "with"}, []),
        ("sigmoid      default           0.10 ± 0.00", {"default"}, ["0.10", "0.00"]),
        ("rrelu (training)  15.64 [15.53-15.73]", {"training"}, ["15.64", "15.53", "15.73"]),
        ("clip_grad_norm_ 5,0  1.5   0,21 ± 0,09", set(), ["1.5"]),
        ("PReLU (learned, from 0.25): 90.1", {"learned", "from"}, ["0.25", "90.1"]),
        ("su 1.000 immagini, accuratezza 0.552 e 12.5", set(), ["0.552", "12.5"]),
    ],
)
def test_planted_violations_are_found(line, words, points):
    assert english_words(line) == words
    assert decimal_points(line) == points


@pytest.mark.parametrize(
    "line",
    [
        "F.rrelu(x, training=True)      0   0       U(0.125, 0.333)  —",
        "np.where(x > 0, x, 0.0)  0,0   -0,0  0,0  2",
        "verifica C20: con learning rate 0,3 la loss scende, dropout e batch da 64 — regge",
        "torch 2.11.0+cu130, 1.5e-3, `lr=0.1`, nn.ReLU, zero_init, all'inizializzazione, [0.0, 1.0]",
        "attivazione  sigmoide  tanh  relu  (SGD, Adam, he, xavier)",
        "en      2653    646              «Where ReLU fits: images and text  The co…»",
    ],
)
def test_code_kept_terms_and_italian_are_allowed(line):
    assert english_words(line) == set() and decimal_points(line) == []


def test_planted_violation_fails_the_notebook_scan(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("print(...)", outputs=[
        nbformat.v4.new_output("stream", name="stdout", text="accuratezza 0,91\n"),
        nbformat.v4.new_output("display_data", data={"text/html": "<td>dead units</td><td>0.25</td>"}),
    ])]
    path = tmp_path / "planted.ipynb"
    nbformat.write(nb, path)
    found = violations(path)
    assert len(found) == 2 and "dead" in found[0] and "0.25" in found[1]
    english = [line for _, line in output_lines(path) if DECIMAL_COMMA.search(line)]
    assert english == ["accuratezza 0,91"]  # the English test would flag this line
