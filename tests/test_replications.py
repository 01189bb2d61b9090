"""Full-scale replications: every record is current, complete and made by today's code."""

from __future__ import annotations

import json
import math

import pytest

from relulab import replication
from relulab._paths import book_root

REQUIRED_PROVENANCE = ("command", "code_version", "source_hash", "functions", "machine", "date", "wall_s")


def _records() -> list:
    folder = book_root() / replication.RECORD_DIR
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


@pytest.fixture()
def toy(monkeypatch, tmp_path):
    """A private registry with one toy experiment, recorded under a temporary book root."""
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
    path = replication.record("toy", command="python scripts/replicate.py toy", root=root)
    data = json.loads(path.read_text())
    assert set(REQUIRED_PROVENANCE) <= set(data["provenance"])
    assert data["arguments"] == {"seeds": 10}
    rec = replication.load("toy", root=root)
    assert rec.result["values"][-1] == 18
    assert not rec.stale


def test_a_record_made_by_other_code_is_refused(toy):
    exp, root = toy
    path = replication.record("toy", command="x", root=root)
    data = json.loads(path.read_text())
    data["provenance"]["source_hash"] = "0" * 64
    path.write_text(json.dumps(data))
    with pytest.raises(replication.StaleReplication, match="replicate.py toy"):
        replication.load("toy", root=root)
    assert replication.load("toy", root=root, allow_stale=True).stale


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
        replication.load("toy", root=root)


def test_every_registered_experiment_has_a_current_record():
    registry = replication.discover()
    for name in registry:
        path = replication.record_path(name)
        assert path.is_file(), f"no full-scale record for {name!r}: run python scripts/replicate.py {name}"
        replication.load(name)  # raises StaleReplication when the code changed since


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
