"""Check cells (relulab.checks) and the pinned numerical environment (relulab.numerics)."""

from __future__ import annotations

import re

import nbformat
import numpy as np
import pytest

from conftest import BOOK, LANGS, ROOT
from relulab import checks, numerics, use_language
from relulab.ledger import load_claims

NOTEBOOKS = sorted((BOOK / "en").glob("*.ipynb"))
CALL = re.compile(r"\bconclude\(\s*(\[[^\]]*\]|\"C\d{2}\"|'C\d{2}')")
IDS = re.compile(r"C\d{2}")


# --- relulab.checks ---------------------------------------------------------------------------


def test_conclude_prints_in_the_notebook_language_and_raises_by_name(capsys):
    use_language("it")
    try:
        checks.conclude("C20", True, en="share {k}/{n}", it="quota {k}/{n}", k=5, n=5)
        assert capsys.readouterr().out == "verifica C20: quota 5/5 — regge\n"
        with pytest.raises(checks.ConclusionFailed, match=r"C19, C23: quota 2/5 — NON REGGE"):
            checks.conclude(["C19", "C23"], False, en="share {k}/{n}", it="quota {k}/{n}", k=2, n=5)
    finally:
        use_language("en")
    checks.conclude("C01", np.bool_(True), en="fine", it="bene")
    assert capsys.readouterr().out == "check C01: fine — holds\n"


@pytest.mark.parametrize(
    "args, kwargs, error",
    [
        (("C1", True), {"en": "a", "it": "b"}, ValueError),
        ((["C01", "x"], True), {"en": "a", "it": "b"}, ValueError),
        (("C01", 1), {"en": "a", "it": "b"}, TypeError),
        (("C01", True), {"en": "", "it": "b"}, ValueError),
        (("C01", True), {"en": "{missing}", "it": "b"}, ValueError),
    ],
)
def test_conclude_refuses_bad_arguments(args, kwargs, error):
    with pytest.raises(error):
        checks.conclude(*args, **kwargs)


def test_paired_interval_matches_student_t():
    from scipy import stats

    a = [0.71, 0.74, 0.69, 0.80, 0.77]
    b = [0.70, 0.70, 0.66, 0.72, 0.71]
    p = checks.paired(a, b)
    d = np.subtract(a, b)
    half = stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1) / np.sqrt(len(d))
    assert p.n == 5 and p.mean == pytest.approx(d.mean()) and p.half_width == pytest.approx(half, rel=1e-3)
    assert p.above(0) and not p.below(0) and p.within(-0.1, 0.2) and not p.within(0.05, 0.2)
    for df in (1, 4, 29, 30, 31, 60, 200):
        assert checks.t_quantile(df) == pytest.approx(stats.t.ppf(0.975, df), abs=5e-3)


@pytest.mark.parametrize(
    "a, b",
    [([1.0], []), ([1.0, 2.0], [1.0]), ([1.0, float("nan")], []), (["x", 1.0], []), (None, [])],
)
def test_paired_refuses_bad_input(a, b):
    with pytest.raises((ValueError, TypeError)):
        checks.paired(a, b)


def test_count_and_band():
    assert checks.count([0.1, 0.6, 0.9], lambda v: v > 0.5) == (2, 3)
    assert checks.in_band(0.3, 0.25, 0.35) and not checks.in_band(float("nan"), 0, 1)
    with pytest.raises(ValueError):
        checks.count([], bool)
    with pytest.raises(ValueError):
        checks.in_band(0.3, 1, 0)


# --- check cells in the notebooks ---------------------------------------------------------------


def _code_cells(path):
    nb = nbformat.read(path, as_version=4)
    return [c for c in nb.cells if c.cell_type == "code"]


def _check_tags(cell) -> set[str]:
    return {t[len("check-"):] for t in cell.metadata.get("tags", []) if t.startswith("check-")}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_check_cells_are_tagged_with_the_claims_they_serve(path):
    for cell in _code_cells(path):
        called = {i for m in CALL.finditer(cell.source) for i in IDS.findall(m.group(1))}
        tagged = _check_tags(cell)
        assert called == tagged, f"{path.name}: a cell calls conclude for {sorted(called)} but is tagged {sorted(tagged)}"
        if tagged:
            text = "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream")
            assert re.search(r"^check C\d{2}.* — holds$", text, re.M), f"{path.name}: stored check cell output {text!r}"


def test_ledger_lists_exactly_the_notebooks_whose_check_cells_serve_each_claim():
    tagged: dict[str, set[str]] = {}
    for path in NOTEBOOKS:
        for cell in _code_cells(path):
            for claim in _check_tags(cell):
                tagged.setdefault(claim, set()).add(path.stem)
    claims = {c.id: c for c in load_claims()}
    unknown = sorted(set(tagged) - set(claims))
    assert not unknown, f"check cells tagged with claims the ledger does not have: {unknown}"
    for cid, claim in claims.items():
        assert set(claim.checks) == tagged.get(cid, set()), (
            f"claims/{cid}.yaml lists checks {claim.checks}; check cells exist in {sorted(tagged.get(cid, set()))}"
        )


# --- the pinned numerical environment -----------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_every_notebook_was_executed_in_the_pinned_environment(lang):
    want = numerics.record()
    for path in sorted((BOOK / lang).glob("*.ipynb")):
        got = nbformat.read(path, as_version=4).metadata.get("relulab", {}).get("numerics")
        assert got == want, (
            f"{path.relative_to(ROOT)} was executed outside the pinned numerical environment "
            f"(recorded {got}); re-run it with scripts/notebooks.py"
        )


def test_pinned_and_unpinned_environments():
    base = {"PATH": "/bin", "ATEN_CPU_CAPABILITY": "avx512"}
    pinned = numerics.pinned_env(base)
    assert pinned["PATH"] == "/bin" and all(pinned[k] == v for k, v in numerics.PINNED.items())
    assert numerics.problems(pinned) == ([] if numerics.is_x86_64() else numerics.problems(pinned)[:1])
    assert numerics.mode(pinned) == ("reference" if numerics.is_x86_64() else "portable")
    loose = numerics.unpinned_env(pinned)
    assert "ATEN_CPU_CAPABILITY" not in loose and "MKL_CBWR" not in loose
    assert numerics.mode(loose) == "portable"
    assert any(p.startswith("MKL_CBWR=None") for p in numerics.problems(loose))
    assert numerics.mode({**pinned, "RELULAB_NUMERICS": "portable"}) == "portable"
    assert numerics.is_x86_64("AMD64") and not numerics.is_x86_64("arm64") and not numerics.is_x86_64("aarch64")


def test_the_test_command_and_the_notebook_build_use_the_pinned_environment():
    test_sh = (ROOT / "scripts" / "test.sh").read_text()
    assert "numerics.py --export" in test_sh
    from notebooks import execute  # noqa: F401  (scripts/ is on the path)

    src = (ROOT / "scripts" / "notebooks.py").read_text()
    assert "pinned_env()" in src and '["numerics"] = numerics.record()' in src
    assert "_pinned_env()" in (ROOT / "scripts" / "profile_book.py").read_text()


def test_tag_rounding_sensitive_rewrites_only_code_cell_headers(tmp_path, monkeypatch):
    import notebooks

    src = tmp_path / "x_demo.nbsrc"
    src.write_text(
        '%% md en\nHi\n%% md it\nCiao\n%% code\na = 1\n%% code {"tags": ["hide-input"]}\nb = 2\n%% code\nc = 3\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(notebooks, "SOURCES", tmp_path)
    assert notebooks.tag_rounding_sensitive("x_demo", [1, 2]) == 2
    cells = notebooks.parse_source(src.read_text(encoding="utf-8"))
    tags = [c["meta"].get("tags") for c in cells if c["kind"] == "code"]
    assert tags == [None, ["hide-input", "rounding-sensitive"], ["rounding-sensitive"]]
    assert notebooks.tag_rounding_sensitive("x_demo", [0]) == 3
    tags = [c["meta"].get("tags") for c in notebooks.parse_source(src.read_text(encoding="utf-8")) if c["kind"] == "code"]
    assert tags == [["rounding-sensitive"], ["hide-input"], None]
    with pytest.raises(SystemExit):
        notebooks.tag_rounding_sensitive("x_demo", [7])


def _tiny_notebook(path):
    nb = nbformat.v4.new_notebook()
    sensitive = nbformat.v4.new_code_cell("print(0.1 + 0.2)", execution_count=1)
    sensitive.metadata["tags"] = ["rounding-sensitive"]
    sensitive.outputs = [nbformat.v4.new_output("stream", name="stdout", text="0.3\n")]  # not what runs
    exact = nbformat.v4.new_code_cell("print(6 * 7)", execution_count=2)
    exact.outputs = [nbformat.v4.new_output("stream", name="stdout", text="42\n")]
    nb.cells = [sensitive, exact]
    nbformat.write(nb, path)


@pytest.mark.parametrize("mode", ["portable", "reference"])
def test_portable_mode_compares_rounding_sensitive_cells_by_their_checks_only(mode, tmp_path):
    """A rounding-sensitive cell whose digits differ passes in portable mode and fails in reference
    mode; the run says which mode it used and how many cells each way."""
    import os
    import subprocess
    import sys

    if mode == "reference" and not numerics.is_x86_64():
        pytest.skip("reference mode exists only on x86-64")
    folder = ROOT / "tests" / f"_tmp_{mode}_{os.getpid()}"  # under tests/: conftest.py applies
    folder.mkdir()
    try:
        _tiny_notebook(folder / "tiny.ipynb")
        env = numerics.pinned_env()
        env.pop("RELULAB_NUMERICS", None)
        if mode == "portable":
            env["RELULAB_NUMERICS"] = "portable"
        run = subprocess.run(
            [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--nbval", "--nbval-current-env",
             str(folder / "tiny.ipynb"), "-q"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
        )
    finally:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
    out = run.stdout + run.stderr
    if mode == "portable":
        assert run.returncode == 0, out
        assert "numerics: portable mode" in out and "compared exactly: 1, by their check cells only: 1" in out, out
    else:
        assert run.returncode == 1 and "1 failed, 1 passed" in out, out
        assert "numerics: reference mode" in out and "compared exactly: 2, by their check cells only: 0" in out, out


def test_binder_sessions_start_in_the_pinned_environment():
    import subprocess

    start = ROOT / "binder" / "start"
    assert start.stat().st_mode & 0o111, "binder/start must be executable"
    env = {"PATH": "/usr/bin:/bin"}
    run = subprocess.run(["bash", str(start), "env"], cwd="/", env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    got = dict(line.split("=", 1) for line in run.stdout.splitlines() if "=" in line)
    assert {k: got.get(k) for k in numerics.PINNED} == numerics.PINNED
