"""scripts/generated_pages.py: the write-or-check step shared by the scripts that render book pages."""

from generated_pages import main_for, sync_pages


def test_check_reports_stale_and_missing_pages_and_writes_nothing(tmp_path):
    same, stale, missing = tmp_path / "same.md", tmp_path / "stale.md", tmp_path / "missing.md"
    same.write_text("a", encoding="utf-8")
    stale.write_text("old", encoding="utf-8")
    pages = {same: "a", stale: "new", missing: "b"}
    assert sync_pages(pages, check=True) == [stale, missing]
    assert stale.read_text(encoding="utf-8") == "old" and not missing.exists()


def test_write_mode_writes_only_what_differs_and_then_nothing_is_stale(tmp_path):
    same, stale = tmp_path / "same.md", tmp_path / "stale.md"
    same.write_text("a", encoding="utf-8")
    stale.write_text("old", encoding="utf-8")
    mtime = same.stat().st_mtime_ns
    assert sync_pages({same: "a", stale: "new"}, check=False) == [stale]
    assert stale.read_text(encoding="utf-8") == "new" and same.stat().st_mtime_ns == mtime
    assert sync_pages({same: "a", stale: "new"}, check=True) == []


def test_main_for_exits_1_naming_stale_pages_under_check_and_writes_without_it(tmp_path, capsys):
    page = tmp_path / "book" / "page.md"
    page.parent.mkdir()
    page.write_text("old", encoding="utf-8")
    assert main_for({page: "new"}, ["--check"], root=tmp_path, script="scripts/x.py") == 1
    out = capsys.readouterr().out
    assert "run python scripts/x.py" in out and "book/page.md" in out and page.read_text(encoding="utf-8") == "old"
    assert main_for({page: "new"}, [], root=tmp_path, script="scripts/x.py") == 0
    assert page.read_text(encoding="utf-8") == "new"
    assert main_for({page: "new"}, ["--check"], root=tmp_path, script="scripts/x.py") == 0
