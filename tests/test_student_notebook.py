"""The notebook a student downloads from the site stands alone.

The site's ``.ipynb`` download (``_sources/<page>.ipynb``) is rewritten by
``scripts/sphinx_ext/book_reader.py`` (:func:`book_reader.student_notebook`): no exercise solutions,
plain text for MyST roles. Its first code cell installs relulab when it is missing
(``scripts/notebooks.py``), or says in both languages how to install it. The last test runs such a
notebook in a fresh virtual environment, outside the repository, with relulab installed from a
wheel built from the repository, offline: 01_definition, which shows a recorded full-scale replication
(package data of relulab, ``relulab/records``), and 02_derivative.
"""

from __future__ import annotations

import json
import os
import re
import zipfile
import subprocess
import sys
import sysconfig
from pathlib import Path

import nbformat
import pytest

from conftest import BOOK, LANGS, ROOT

sys.path.insert(0, str(ROOT / "scripts" / "sphinx_ext"))
import book_reader  # noqa: E402

NOTEBOOKS = sorted(p.name for p in (BOOK / "en").glob("*.ipynb"))
RAW_ROLE = re.compile(r"\{[a-z]+(?::[a-z]+)*\}`")
SITE_SOURCES = ROOT / "_build" / "html"


@pytest.fixture(scope="module")
def cites():
    return book_reader.load_citations([str(ROOT / "references.bib")])


def student(path: Path, cites) -> dict:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return book_reader.student_notebook(nb, path.parent.name, cites=cites)


def markdown(nb: dict) -> list[str]:
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]


@pytest.mark.parametrize("path", [BOOK / lang / n for n in NOTEBOOKS for lang in LANGS], ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_student_version_has_no_solutions_and_no_raw_myst(path, cites):
    original = json.loads(path.read_text(encoding="utf-8"))
    nb = book_reader.student_notebook(original, path.parent.name, cites=cites)
    text = "\n".join(markdown(nb))
    solution_lines, inside = [], False
    for cell in markdown(original):
        inside = inside or "{solution-start}" in cell
        if inside:
            solution_lines += [line for line in cell.splitlines() if len(line) > 40 and not line.startswith("```")]
        inside = inside and "{solution-end}" not in cell
    assert solution_lines, f"{path.name}: no solution to remove (the test would prove nothing)"
    assert "{solution" not in text and "{exercise}" not in text
    for line in solution_lines:
        assert line not in text, f"{path.name}: a solution's text is still there: {line[:80]!r}"
    assert not RAW_ROLE.findall(text), f"{path.name}: raw MyST roles {RAW_ROLE.findall(text)[:5]}"
    assert not re.search(r"^\([\w.:-]+\)=\s*$", text, re.M), f"{path.name}: raw (label)= targets"
    exercises = sum(c.count("```{exercise}") for c in markdown(original))
    assert text.count(f"**{book_reader.EXERCISE_WORD[path.parent.name]}.**") == exercises
    # Every code cell of the student's version is one of the book's, in the same order.
    code = ["".join(c["source"]) for c in original["cells"] if c["cell_type"] == "code"]
    kept = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    it = iter(code)
    assert all(any(k == c for c in it) for k in kept)
    assert kept[0] == code[0] and "%pip install" in kept[0]


def test_roles_become_readable_text(cites):
    refs = {"sec-kink": "The kink at zero"}
    glued = {"rate": "0.12345", "name": "'ReLU'"}
    text = (
        "A {term}`dead unit <dead ReLU>` and a {term}`kink`; see {ref}`sec-kink` and {ref}`this section <sec-kink>`; "
        "{cite:p}`nair2010rectified` and {cite:t}`nair2010rectified`; {glue:text}`rate:.2f` {glue:text}`name`; {math}`x^2`."
    )
    out = book_reader.plain_roles(text, refs=refs, cites=cites, glued=glued)
    assert out == (
        "A dead unit and a kink; see The kink at zero and this section; "
        "(Nair & Hinton 2010) and Nair & Hinton (2010); 0.12 ReLU; $x^2$."
    ), out


def test_the_first_cell_says_how_to_install_relulab_in_both_languages(tmp_path):
    """Without relulab (and without a repository URL to install it from) the first cell stops
    with a message in English and Italian (a Python without site-packages here); with a URL it runs %pip on the repository's archive."""
    from IPython.core.inputtransformer2 import TransformerManager

    first = next(c for c in nbformat.read(BOOK / "it" / NOTEBOOKS[0], as_version=4).cells if c.cell_type == "code")
    block = first.source.split("\n\n")[0]
    assert block.startswith("try:") and "import relulab" in block
    import notebooks as nbtool

    requirement = nbtool.relulab_requirement()
    assert f'RELULAB = "{requirement}"' in block
    proc = subprocess.run(
        [sys.executable, "-I", "-S", "-c", TransformerManager().transform_cell(block)],
        cwd=tmp_path, capture_output=True, text=True, env={"PATH": os.environ.get("PATH", "")},
    )
    if requirement:
        assert "run_line_magic('pip'" in TransformerManager().transform_cell(block)
    else:
        assert proc.returncode != 0
        assert "pip install" in proc.stderr and "This notebook needs relulab" in proc.stderr
        assert "Questo notebook richiede relulab" in proc.stderr


def test_the_site_offers_the_student_version_for_download():
    """On a built site (tests/test_build.py builds one), the download is the student's version."""
    downloads = sorted(SITE_SOURCES.glob("*/_sources/*.ipynb"))
    if not downloads:
        pytest.skip("no built site in _build/html (scripts/build_book.py, or tests/test_build.py)")
    assert len(downloads) == 2 * len(NOTEBOOKS)
    for path in downloads:
        nb = json.loads(path.read_text(encoding="utf-8"))
        assert nb["metadata"]["relulab"]["student_version"] is True, path
        text = "\n".join(markdown(nb))
        assert "{solution" not in text and not RAW_ROLE.search(text), path


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """relulab's wheel, built as ``%pip install`` builds the repository's archive: from a copy of the files
    git would commit (tracked or not ignored), so no stale ``build/`` or egg-info of this checkout leaks in."""
    out, tree = tmp_path_factory.mktemp("wheel"), tmp_path_factory.mktemp("tree")
    listed = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others", "--exclude-standard",
                             "--", "src", "pyproject.toml", "README.md", "LICENSE*"],
                            capture_output=True, text=True, check=True).stdout.split("\0")
    for rel in filter(None, listed):
        if (ROOT / rel).is_file():
            (tree / rel).parent.mkdir(parents=True, exist_ok=True)
            (tree / rel).write_bytes((ROOT / rel).read_bytes())
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q", "-w", str(out), str(tree)],
        capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    (found,) = out.glob("relulab-*.whl")
    return found


def test_the_wheel_ships_every_recorded_replication(wheel):
    """The chapters' full-scale records are package data (``relulab/records/*.json``, see
    ``relulab.replication.records_folder``): an installed relulab reads them without the repository."""
    from relulab import replication

    records = sorted(p.name for p in (ROOT / replication.RECORD_DIR).glob("*.json"))
    assert records, f"no record in {replication.RECORD_DIR}"
    with zipfile.ZipFile(wheel) as zf:
        shipped = sorted(Path(n).name for n in zf.namelist() if n.startswith("relulab/records/") and n.endswith(".json"))
        assert shipped == records
        for name in records:
            assert zf.read(f"relulab/records/{name}") == (ROOT / replication.RECORD_DIR / name).read_bytes(), name


#: The downloaded chapters run by the last test: 01 shows the recorded full-scale replication
#: ch1-sin-fit (read from the installed wheel), 02 is the chapter that follows it.
DOWNLOADED = ("01_definition.ipynb", "02_derivative.ipynb")


def test_a_downloaded_notebook_runs_in_a_fresh_venv_without_the_repository(tmp_path, wheel, cites):
    """A fresh venv holds the relulab wheel, installed as the first cell's ``%pip install`` installs
    the repository's archive (a built wheel, not an editable install); its other dependencies come from
    this environment's site-packages (added by a .pth line: not processed as a site dir, so this
    environment's editable relulab stays invisible). The notebooks run in a folder outside the
    repository; 01's recorded full-scale result is read from the wheel's ``relulab/records``."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = Path(subprocess.check_output([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], text=True).strip())
    (purelib / "book_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index", "--target", str(purelib), str(wheel)],
        check=True,
    )
    work = tmp_path / "student"
    work.mkdir()
    targets = []
    for name in DOWNLOADED:
        assert name in NOTEBOOKS
        downloaded = SITE_SOURCES / "en" / "_sources" / name
        nb = json.loads(downloaded.read_text(encoding="utf-8")) if downloaded.is_file() else student(BOOK / "en" / name, cites)
        nb = nbformat.from_dict(nb)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        nb.cells.append(nbformat.v4.new_code_cell(
            "import relulab, sys\nfrom relulab import replication\n"
            "print(relulab.__file__)\nprint(sys.prefix)\nprint(replication.records_folder())"))
        targets.append(work / name)
        nbformat.write(nb, targets[-1])
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "RELULAB_BOOK_ROOT", "VIRTUAL_ENV")}
    env["PATH"] = f"{venv / 'bin'}:{env.get('PATH', '')}"
    script = (
        "import sys, nbformat\n"
        "from nbclient import NotebookClient\n"
        "for path in sys.argv[2:]:\n"
        "    nb = nbformat.read(path, as_version=4)\n"
        "    NotebookClient(nb, timeout=300, kernel_name='python3', resources={'metadata': {'path': sys.argv[1]}}).execute()\n"
        "    nbformat.write(nb, path)\n"
    )
    proc = subprocess.run([str(python), "-c", script, str(work), *map(str, targets)], cwd=work, env=env,
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    for target in targets:
        ran = nbformat.read(target, as_version=4)
        last = "".join(o.get("text", "") for o in ran.cells[-1].outputs)
        module, prefix, records = last.split()[:3]
        assert Path(module).is_relative_to(purelib), f"relulab came from {module}, not from the wheel in {purelib}"
        assert Path(prefix) == venv, f"the kernel ran in {prefix}, not in the fresh venv {venv}"
        assert not Path(module).is_relative_to(ROOT)
        assert Path(records) == purelib / "relulab" / "records", records
    # 01 printed the recorded full-scale ch1-sin-fit (date, wall time, seeds), read from the wheel.
    record = json.loads((ROOT / "src" / "relulab" / "records" / "ch1-sin-fit.json").read_text(encoding="utf-8"))
    expected = (f"Full scale (recorded {record['provenance']['date'][:10]}, {round(record['provenance']['wall_s'])} s): "
                f"{len(record['result']['seeds'])} seeds")
    ran = nbformat.read(targets[0], as_version=4)
    printed = "".join(o.get("text", "") for c in ran.cells if c.cell_type == "code" for o in c.outputs)
    assert expected in printed, f"01_definition did not print the recorded full scale {expected!r}"
