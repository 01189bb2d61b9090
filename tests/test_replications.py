"""Full-scale replications: every record is current, complete and made by today's code."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from relulab import replication

ROOT = Path(__file__).resolve().parent.parent
REQUIRED_PROVENANCE = ("command", "code_version", "source_hash", "functions", "machine", "date", "wall_s")
#: Where the records lived before they became package data of relulab (issue 22).
OLD_RECORD_DIR = Path("data") / "replications"


def _records() -> list:
    folder = ROOT / replication.RECORD_DIR
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


@pytest.fixture()
def toy(monkeypatch, tmp_path):
    """A private registry with one toy experiment, recorded in a temporary folder."""
    # import every module first, so that none registers its experiments in the private registry and is lost
    replication.discover()
    monkeypatch.setattr(replication, "EXPERIMENTS", {})

    def helper(x: float) -> float:
        return 2 * x

    @replication.experiment("toy", book={"seeds": 5}, full={"seeds": 10}, depends=(helper,))
    def toy_experiment(seeds: int) -> dict:
        return {"values": [helper(s) for s in range(seeds)]}

    return replication.EXPERIMENTS["toy"], tmp_path


def test_book_and_full_scale_run_the_same_function(toy):
    exp, _ = toy
    assert exp.run("book") == {"values": [0, 2, 4, 6, 8]}
    assert len(exp.run("full")["values"]) == 10
    assert exp.run("book", seeds=2) == {"values": [0, 2]}
    with pytest.raises(ValueError, match="scale"):
        exp.run("huge")


def test_record_then_load_round_trips_with_provenance(toy):
    exp, root = toy
    path = replication.record("toy", command="python scripts/replicate.py toy", folder=root)
    data = json.loads(path.read_text())
    assert set(REQUIRED_PROVENANCE) <= set(data["provenance"])
    assert data["arguments"] == {"seeds": 10}
    rec = replication.load("toy", folder=root)
    assert rec.result["values"][-1] == 18
    assert not rec.stale


def test_record_hashes_the_code_that_ran_not_the_code_on_disk_at_the_end(toy, monkeypatch):
    """An edit saved while a long run is under way must make the record stale, not pass for the code that ran."""
    exp, root = toy
    before = exp.source_hash()
    original = replication._source

    def edit_the_source() -> None:
        # simulate an edit of the experiment's source while it runs: from now on its source reads differently
        monkeypatch.setattr(replication, "_source", lambda fn: original(fn) + "# edited\n")

    real_run = replication.Experiment.run
    monkeypatch.setattr(replication.Experiment, "run",
                        lambda self, scale="book", **kw: (real_run(self, scale, **kw), edit_the_source())[0])
    path = replication.record("toy", command="x", folder=root)
    data = json.loads(path.read_text())
    assert data["provenance"]["source_hash"] == before
    assert replication.get("toy").source_hash() != before  # the code on disk changed during the run ...
    assert replication.load("toy", folder=root, allow_stale=True).stale  # ... so the record is stale
    with pytest.raises(replication.StaleReplication):
        replication.load("toy", folder=root)


def test_a_record_made_by_other_code_is_refused(toy):
    exp, root = toy
    path = replication.record("toy", command="x", folder=root)
    data = json.loads(path.read_text())
    data["provenance"]["source_hash"] = "0" * 64
    path.write_text(json.dumps(data))
    with pytest.raises(replication.StaleReplication, match="replicate.py toy"):
        replication.load("toy", folder=root)
    assert replication.load("toy", folder=root, allow_stale=True).stale


def test_the_hash_follows_the_dependencies_source():
    def a():
        return 1

    def b():
        return 2

    assert replication.source_hash([a]) != replication.source_hash([b])
    assert replication.source_hash([a, b]) != replication.source_hash([a])
    with pytest.raises(TypeError, match="functions"):
        replication.source_hash([])
    with pytest.raises(TypeError, match="callables"):
        replication.source_hash([1])


def test_bad_registrations_are_refused(monkeypatch):
    replication.discover()  # import every real experiment first: a module first imported under the patch would register into it
    monkeypatch.setattr(replication, "EXPERIMENTS", {})
    with pytest.raises(ValueError, match="name"):
        replication.experiment("a b", book={}, full={})
    with pytest.raises(TypeError, match="full"):
        replication.experiment("ok", book={}, full=[1])
    with pytest.raises(ValueError, match="no experiment named"):
        replication.get("nothing-here")


def test_a_missing_record_says_how_to_make_it(toy):
    _, root = toy
    with pytest.raises(FileNotFoundError, match="replicate.py toy"):
        replication.load("toy", folder=root)


def test_every_registered_experiment_has_a_current_record():
    registry = replication.discover()
    for name in registry:
        path = replication.record_path(name)
        assert path.is_file(), f"no full-scale record for {name!r}: run python scripts/replicate.py {name}"
        replication.load(name)  # raises StaleReplication when the code changed since


def test_the_records_are_package_data_of_relulab():
    """The loader reads the records through importlib.resources, from the package's folder records/,
    which is this repository's src/relulab/records here; pyproject.toml ships it in the wheel
    (tests/test_student_notebook.py checks the wheel and runs a downloaded chapter that shows a record)."""
    folder = replication.records_folder()
    assert Path(str(folder)).resolve() == (ROOT / replication.RECORD_DIR).resolve()
    assert _records(), f"no record in {replication.RECORD_DIR}"
    assert {p.name for p in _records()} == {f.name for f in folder.iterdir() if f.name.endswith(".json")}
    assert replication.record_path("ch1-sin-fit").is_file()
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "records/*.json" in pyproject["tool"]["setuptools"]["package-data"]["relulab"]


def test_no_record_is_left_in_the_old_folder():
    """Before issue 22 the records lived in data/replications/, which a wheel does not ship: a record
    that a branch made there must be moved (the message says how) or the chapters would not see it."""
    stray = sorted((ROOT / OLD_RECORD_DIR).glob("*.json"))
    assert not stray, "records in the old folder: " + "; ".join(
        f"git mv {OLD_RECORD_DIR.as_posix()}/{p.name} {replication.RECORD_DIR.as_posix()}/{p.name}" for p in stray
    )


def test_replicate_lists_the_records_of_this_repository():
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "replicate.py"), "--list"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    states = dict(line.split() for line in proc.stdout.splitlines() if line.strip())
    assert set(states) == set(replication.discover())
    assert set(states.values()) == {"current"}, states


@pytest.mark.parametrize("path", _records(), ids=lambda p: p.stem)
def test_every_record_is_registered_complete_and_full_scale(path):
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["name"] == path.stem
    assert data["name"] in replication.discover(), f"{path.name} records an experiment that no longer exists"
    assert set(REQUIRED_PROVENANCE) <= set(data["provenance"])
    assert data["provenance"]["wall_s"] >= 0 and math.isfinite(data["provenance"]["wall_s"])
    seeds = data["arguments"].get("seeds")
    if seeds is not None:
        n = seeds if isinstance(seeds, int) else len(seeds)
        assert n >= 10, f"{path.name}: a full-scale replication uses at least 10 seeds, got {n}"
    replication.load(data["name"])


def _iv(mean, low, high):
    return {"mean": mean, "low": low, "high": high}


@pytest.mark.parametrize(
    ("book", "full", "status", "agree"),
    [
        (_iv(2.0, 1.0, 3.0), _iv(0.5, 0.2, 0.8), "agree", True),  # same side, no overlap: the sign is the verdict
        (_iv(-2.0, -3.0, -1.0), _iv(-2.5, -2.8, -2.2), "agree", True),
        (_iv(0.5, -1.0, 2.0), _iv(-0.1, -0.3, 0.1), "agree", True),  # neither shows an effect
        (_iv(1.0, -1.0, 3.0), _iv(0.5, 0.2, 0.8), "compatible", True),  # the full scale resolves what the book cannot
        (_iv(2.0, 1.0, 3.0), _iv(0.0, -0.5, 0.5), "disagree", False),  # book claims an effect the full scale excludes
        (_iv(2.0, 1.0, 3.0), _iv(-0.5, -0.8, -0.2), "disagree", False),  # opposite signs
    ],
)
def test_agreement_states_whether_the_scales_agree(book, full, status, agree):
    a = replication.agreement(book, full)
    assert a.status == status and a.agree is agree
    assert replication.agreement(full, book).status == status  # symmetric
    text = a.text("effect")
    assert text.startswith("effect: ") and ("DISAGREE" in text) == (not agree)


def test_agreement_takes_comparisons_ratios_and_speaks_italian():
    from relulab import i18n, stats
    from relulab.checks import paired

    comp = stats.compare([1.0, 2.0, 3.5, 2.5], [0.0, 0.5, 1.0, 0.4])
    assert replication.agreement(comp, paired([1.0, 1.2, 0.9, 1.1])).status == "agree"
    assert replication.agreement(_iv(1.5, 1.2, 1.8), _iv(0.9, 0.8, 1.05), null=1.0).status == "disagree"
    assert replication.agreement(_iv(1.5, 1.2, 1.8), _iv(1.1, 0.95, 1.25), null=1.0).status == "compatible"
    i18n.use_language("it")
    try:
        text = replication.agreement(_iv(0.25, 0.1, 0.4), _iv(0.3, 0.2, 0.4)).text(digits=2)
    finally:
        i18n.use_language("en")
    assert "concordano" in text and "0,25 [0,10; 0,40]" in text
    with_n = replication.agreement({**_iv(0.25, 0.1, 0.4), "n": 5}, comp).text()
    assert "0.2 [0.1, 0.4] n = 5" in with_n and "n = 4" in with_n


def test_agreement_refuses_what_is_not_an_interval():
    with pytest.raises(TypeError, match="book"):
        replication.agreement(3.0, _iv(0, -1, 1))
    with pytest.raises(ValueError, match="full must have the keys"):
        replication.agreement(_iv(0, -1, 1), {"mean": 0.0})
    with pytest.raises(ValueError, match="low <= mean <= high"):
        replication.agreement(_iv(0, -1, 1), _iv(5, -1, 1))
    with pytest.raises(ValueError, match="full.low"):
        replication.agreement(_iv(0, -1, 1), _iv(0, math.nan, 1))
    with pytest.raises(ValueError, match="null"):
        replication.agreement(_iv(0, -1, 1), _iv(0, -1, 1), null=math.inf)


def test_the_agreement_docstring_examples_hold():
    import doctest

    assert doctest.testmod(replication).failed == 0


def test_agreements_pairs_the_effects_of_both_scales():
    book = {"x": (_iv(2.0, 1.0, 3.0), 0.0), "only-book": (_iv(0.0, -1.0, 1.0), 0.0), "r": (_iv(1.5, 1.2, 1.8), 1.0)}
    full = {"r": (_iv(0.9, 0.8, 0.95), 1.0), "x": (_iv(1.0, 0.5, 1.5), 0.0)}
    out = replication.agreements(book, full)
    assert list(out) == ["x", "r"]
    assert out["x"].status == "agree" and out["r"].status == "disagree"
    with pytest.raises(ValueError, match="different nulls"):
        replication.agreements(book, {"x": (_iv(1.0, 0.5, 1.5), 1.0)})
    with pytest.raises(ValueError, match="share no effect"):
        replication.agreements(book, {"y": (_iv(1.0, 0.5, 1.5), 0.0)})
    with pytest.raises(TypeError, match="full"):
        replication.agreements(book, {"x": 3.0})


def test_compare_scales_prints_both_scales_in_the_notebook_language(toy):
    from relulab import i18n

    exp, root = toy
    replication.record("toy", command="python scripts/replicate.py toy", folder=root)

    def effects(result):
        v = result["values"]
        return {"mean value": ({"mean": sum(v) / len(v), "low": min(v), "high": max(v), "n": len(v)}, 0.0)}

    live = exp.run("book")
    i18n.use_language("en")
    with pytest.raises(ValueError, match="describe"):  # the toy result has no seeds to describe itself by
        replication.compare_scales("toy", live, effects, folder=root)
    live["seeds"] = list(range(5))
    sc = replication.compare_scales("toy", live, effects, folder=root, describe=lambda r: f"{len(r['values'])} seeds")
    text = str(sc)
    assert sc.full == replication.load("toy", folder=root).result and sc.live is live
    assert sc.agreeing == (1, 1) and list(sc.agreements) == ["mean value"]
    first, line = text.splitlines()
    assert first.startswith("Book scale (live): 5 seeds. Full scale (recorded ") and "python scripts/replicate.py toy" in first
    assert first.endswith(": 10 seeds.")
    assert line == sc.agreements["mean value"].text("mean value", 1)
    i18n.use_language("it")
    try:
        it_text = str(replication.compare_scales("toy", live, effects, folder=root, describe=lambda r: f"{len(r['values'])} valori"))
    finally:
        i18n.use_language("en")
    assert it_text.startswith("Scala del libro (dal vivo): 5 valori. Scala piena") and "concordano" in it_text
    with pytest.raises(TypeError, match="live"):
        replication.compare_scales("toy", [1], effects, folder=root)
    with pytest.raises(TypeError, match="effects"):
        replication.compare_scales("toy", live, None, folder=root)
    with pytest.raises(TypeError, match="describe"):
        replication.compare_scales("toy", live, effects, describe="x", folder=root)
    with pytest.raises(ValueError, match="digits"):
        replication.compare_scales("toy", live, effects, digits=-1, folder=root)
    with pytest.raises(FileNotFoundError):
        replication.compare_scales("toy", live, effects, folder=root / "elsewhere")
