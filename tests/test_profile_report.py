"""scripts/profile_book.py: the report states the budgets and the speed targets with what was measured."""

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("profile_book", ROOT / "scripts" / "profile_book.py")
profile_book = importlib.util.module_from_spec(_spec)
sys.modules["profile_book"] = profile_book  # dataclasses look their module up while the class is made
_spec.loader.exec_module(profile_book)


def _report(totals, peaks):
    runs = [profile_book.Run(f"book/en/{i:02d}.ipynb", start_s=1.0, cells_s=t - 1.0, cpu_s=t, peak_mib=m,
                             cells=[(0, t - 1.0, m)]) for i, (t, m) in enumerate(zip(totals, peaks))]
    return profile_book.report(runs, {"cpu": "test"}, date="today", command="test", load_before="0",
                               load_after="0", top=2)


def _row(text, name):
    return next(line for line in text.splitlines() if line.startswith(f"| {name} |"))


def test_the_report_gives_each_speed_target_with_its_measured_value():
    text = _report([4.0, 8.0, 12.0, 30.5], [300.0, 500.0, 700.0, 900.0])
    assert _row(text, "median notebook") == "| median notebook | ≤ 10 s | 10.0 s | yes |"  # (8 + 12) / 2
    assert _row(text, "slowest notebook") == "| slowest notebook | ≤ 20 s | 30.5 s | **no** |"
    assert _row(text, "whole book") == "| whole book | ≤ 180 s | 54.5 s | yes |"
    assert _row(text, "peak RSS of any notebook") == "| peak RSS of any notebook | ≤ 800 MiB | 900 MiB | **no** |"
    assert _row(text, "`book/en/03.ipynb`").endswith("| 900 | **over** (time) |")  # the 30 s / 1 GiB budgets are apart


def test_an_odd_number_of_notebooks_has_a_middle_one():
    text = _report([3.0, 11.0, 5.0], [100.0] * 3)
    assert _row(text, "median notebook") == "| median notebook | ≤ 10 s | 5.0 s | yes |"
