"""Stored outputs show no absolute path of the machine that ran them.

``scripts/notebooks.py`` stores ``/anywhere/src/relulab/x.py`` as ``src/relulab/x.py``, a library's
file as ``<site-packages>/...`` and the standard library's as ``<python>/...``
(:func:`notebooks.sanitize_paths`); ``tests/nbval_sanitize.cfg`` maps a fresh run's paths the same
way, so that nbval still matches the stored tracebacks and warnings.
"""

from __future__ import annotations

import configparser
import re

import nbformat
import pytest

import notebooks as nbtool
from conftest import BOOK, LANGS, ROOT

NOTEBOOKS = sorted(p.name for p in (BOOK / "en").glob("*.ipynb"))
#: An absolute POSIX path of a user's or a system's folder, or a Windows drive path.
ABSOLUTE = re.compile(r"(?<![\w.<>/])/(?:home|work|Users|usr|opt|tmp|root|var|srv|mnt|private)/|[A-Z]:\\\\(?:Users|Program)")

ANSI = re.compile(r"\x1b\[[0-9;]*m")

FRESH = (
    "File \x1b[32m/home/ada/relulab/src/relulab/gradients.py:204\x1b[39m, in relu_at_zero\n"
    "/opt/conda/envs/x/lib/python3.12/site-packages/torch/nn/modules/module.py:1: UserWarning: careful\n"
    '  File "/usr/lib/python3.12/json/decoder.py", line 3\n'
)
STORED = (
    "File \x1b[32msrc/relulab/gradients.py:204\x1b[39m, in relu_at_zero\n"
    "<site-packages>/torch/nn/modules/module.py:1: UserWarning: careful\n"
    '  File "<python>/json/decoder.py", line 3\n'
)


def output_texts(cell) -> list[str]:
    texts = []
    for out in cell.get("outputs", []):
        if out.output_type == "stream":
            texts.append(out.text)
        elif out.output_type == "error":
            texts += [out.evalue, *out.traceback]
        else:
            texts += ["".join(v) for k, v in out.get("data", {}).items() if k.startswith("text/")]
    return texts


@pytest.mark.parametrize("path", [BOOK / lang / n for n in NOTEBOOKS for lang in LANGS], ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_absolute_path_in_stored_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
        for text in output_texts(cell):
            text = ANSI.sub("", text)
            found = ABSOLUTE.search(text) or (str(ROOT) in text and re.search(re.escape(str(ROOT)), text))
            assert not found, f"{path.name} code cell {i}: absolute path in an output: ...{text[max(0, found.start() - 60):found.end() + 60]!r}"


def test_the_rule_finds_the_paths_the_book_used_to_store():
    old = "\x1b[36mFile \x1b[39m\x1b[32m/work/main/src/relulab/gradients.py:204\x1b[39m"
    assert ABSOLUTE.search(ANSI.sub("", old)) and ABSOLUTE.search(FRESH) and not ABSOLUTE.search(STORED)


def test_some_stored_traceback_names_the_package_file_relative_to_the_repository():
    """The rule above is not vacuous: the book stores tracebacks through relulab's files."""
    relative = 0
    for name in NOTEBOOKS:
        nb = nbformat.read(BOOK / "en" / name, as_version=4)
        for cell in nb.cells:
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error":
                    relative += sum("src/relulab/" in line for line in out.traceback)
    assert relative > 0


def test_sanitize_paths_maps_a_fresh_run_to_the_stored_text():
    assert nbtool.sanitize_paths(FRESH) == STORED
    assert nbtool.sanitize_paths(STORED) == STORED  # idempotent
    assert nbtool.sanitize_paths(f"{ROOT}/book/en/x.ipynb") == "book/en/x.ipynb"


def test_sanitize_outputs_covers_streams_errors_and_results():
    outs = [
        nbformat.v4.new_output("stream", name="stderr", text=FRESH),
        nbformat.v4.new_output("error", ename="ValueError", evalue="bad /usr/lib/python3.12/x.py", traceback=FRESH.splitlines()),
        nbformat.v4.new_output("execute_result", data={"text/plain": FRESH, "image/png": "iVBOR"}, execution_count=1),
    ]
    stream, error, result = nbtool.sanitize_outputs(outs)
    assert stream.text == STORED
    assert error.traceback == STORED.splitlines() and error.evalue == "bad <python>/x.py"
    assert result.data["text/plain"] == STORED and result.data["image/png"] == "iVBOR"


def test_nbval_sanitizes_a_fresh_run_as_the_notebooks_store_it():
    """nbval applies tests/nbval_sanitize.cfg to the stored and the fresh outputs alike: both
    must come out the same."""
    cfg = configparser.ConfigParser(interpolation=None)
    cfg.read(ROOT / "tests" / "nbval_sanitize.cfg", encoding="utf-8")
    rules = [(re.compile(cfg[s]["regex"]), cfg[s]["replace"]) for s in cfg.sections()]
    assert len(rules) >= 4

    def nbval(text: str) -> str:
        for pattern, replacement in rules:
            text = pattern.sub(replacement, text)
        return text

    assert nbval(FRESH) == nbval(STORED) == STORED
