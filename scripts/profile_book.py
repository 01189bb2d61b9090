"""Profile the book: execute every notebook of both languages in a fresh kernel; report time and memory.

Usage:
    python scripts/profile_book.py                      # every notebook, both languages -> profile/REPORT.md
    python scripts/profile_book.py A1_cost --lang en    # some notebooks, some languages
    python scripts/profile_book.py --out /tmp/p.md --cells 10

For each notebook: a fresh kernel (working directory: the notebook's folder, as when the book is
built) runs every cell top to bottom; the report gives the kernel's start-up time, the time of its
cells, and the peak resident memory of the kernel process (VmHWM from /proc, Linux), with the
machine's core count, load and library versions, and the slowest cells. Notebooks are executed in
memory: the committed files are never modified.

This is a benchmark, not a test: it reports the book's budgets (each notebook under 30 s and 1 GiB
on 2 cores, the whole book under 4 minutes) and marks what is over, but its exit status is 0 unless a
notebook fails to execute (then 1).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
LANGS = ("en", "it")
BUDGET_NOTEBOOK_S = 30.0
BUDGET_NOTEBOOK_MIB = 1024.0
BUDGET_BOOK_S = 240.0
# Speed targets (the speed issue): stricter than the budgets, reported but not enforced.
TARGET_MEDIAN_S = 10.0
TARGET_SLOWEST_S = 20.0
TARGET_BOOK_S = 180.0
TARGET_MIB = 800.0


@dataclass
class Run:
    """One notebook executed in a fresh kernel."""

    path: str
    start_s: float = float("nan")
    cells_s: float = float("nan")
    cpu_s: float = float("nan")
    peak_mib: float = float("nan")
    cells: list[tuple[int, float, float]] = field(default_factory=list)  # (cell index, seconds, peak MiB so far)
    error: str = ""

    @property
    def total_s(self) -> float:
        return self.start_s + self.cells_s


def _proc_cpu_s(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` so far (from /proc/<pid>/stat); nan where unknown."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return float("nan")


def _proc_status_mib(pid: int, key: str) -> float:
    """A memory field (VmRSS, VmHWM) of /proc/<pid>/status in MiB; nan where there is no /proc."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def _pinned_env() -> dict[str, str]:
    """The book's pinned numerical environment (what nbval and the notebook build use)."""
    from notebooks import _numerics

    return _numerics().pinned_env()


async def _execute(path: Path, timeout: int) -> Run:
    from nbclient import NotebookClient

    run = Run(str(path.relative_to(ROOT)))
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=False,
                            resources={"metadata": {"path": str(path.parent)}})
    client.reset_execution_trackers()
    t0 = time.perf_counter()
    try:
        async with client.async_setup_kernel(env=_pinned_env()):
            run.start_s = time.perf_counter() - t0
            pid = client.km.provisioner.pid
            t1 = time.perf_counter()
            for index, cell in enumerate(nb.cells):
                tc = time.perf_counter()
                await client.async_execute_cell(cell, index, execution_count=client.code_cells_executed + 1)
                if cell.cell_type == "code":
                    run.cells.append((index, time.perf_counter() - tc, _proc_status_mib(pid, "VmHWM")))
            run.cells_s = time.perf_counter() - t1
            run.cpu_s = _proc_cpu_s(pid)
            run.peak_mib = _proc_status_mib(pid, "VmHWM")
    except Exception as exc:  # a failing notebook is reported, and makes the exit status 1
        run.error = f"{type(exc).__name__}: {str(exc).strip().splitlines()[-1] if str(exc).strip() else ''}"
    return run


def notebooks(names: list[str], langs: list[str]) -> list[Path]:
    """The notebooks to run: book/<lang>/<name>.ipynb for the given names, or all of them."""
    paths = []
    for lang in langs:
        folder = ROOT / "book" / lang
        if names:
            for name in names:
                p = folder / f"{name}.ipynb"
                if not p.exists():
                    raise SystemExit(f"no notebook {p.relative_to(ROOT)}")
                paths.append(p)
        else:
            paths += sorted(p for p in folder.glob("*.ipynb"))
    return paths


def _machine() -> dict[str, str]:
    cpu = platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            cpu = next((ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name")), cpu)
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 1
    versions = {}
    for mod in ("torch", "numpy", "matplotlib", "sklearn"):
        try:
            versions[mod] = __import__(mod).__version__
        except ImportError:
            versions[mod] = "not installed"
    return {"cpu": cpu, "cores": str(os.cpu_count()), "usable cores": str(usable),
            "python": platform.python_version(), **versions}


def _load() -> str:
    try:
        return " ".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:
        return "n/a"


def _f(v: float, digits: int = 1) -> str:
    return "n/a" if v != v else f"{v:.{digits}f}"


def _targets(ok: list[Run], total: float, peak: float) -> list[str]:
    """The speed targets, each with the measured value and whether it is met (a table of Markdown lines)."""
    if not ok:
        return ["No notebook ran."]
    times = sorted(r.total_s for r in ok)
    mid = len(times) // 2
    median = times[mid] if len(times) % 2 else (times[mid - 1] + times[mid]) / 2
    rows = [("median notebook", f"≤ {TARGET_MEDIAN_S:.0f} s", f"{_f(median)} s", median <= TARGET_MEDIAN_S),
            ("slowest notebook", f"≤ {TARGET_SLOWEST_S:.0f} s", f"{_f(times[-1])} s", times[-1] <= TARGET_SLOWEST_S),
            ("whole book", f"≤ {TARGET_BOOK_S:.0f} s", f"{_f(total)} s", total <= TARGET_BOOK_S),
            ("peak RSS of any notebook", f"≤ {TARGET_MIB:.0f} MiB", f"{_f(peak, 0)} MiB", peak <= TARGET_MIB)]
    return ["| target | goal | measured | met |", "|---|---|---:|---|",
            *[f"| {name} | {goal} | {value} | {'yes' if met else '**no**'} |" for name, goal, value, met in rows]]


def report(runs: list[Run], machine: dict[str, str], *, date: str, command: str, load_before: str,
           load_after: str, top: int = 10) -> str:
    """The Markdown report of a profile."""
    ok = [r for r in runs if not r.error]
    total = sum(r.total_s for r in ok)
    peak = max((r.peak_mib for r in ok if r.peak_mib == r.peak_mib), default=float("nan"))
    over = lambda r: [w for w, bad in (("time", r.total_s > BUDGET_NOTEBOOK_S),  # noqa: E731
                                       ("memory", r.peak_mib > BUDGET_NOTEBOOK_MIB)) if bad]
    lines = [
        "# Book profile",
        "",
        f"Generated by `{command}` on {date}. A benchmark, not a test: wall times depend on the",
        "machine and on what else it runs (see the load average), so compare them with the budgets,",
        "not with each other to the second.",
        "",
        "## Machine",
        "",
        *[f"- {k}: {v}" for k, v in machine.items()],
        f"- load average (1, 5, 15 min) before: {load_before}; after: {load_after}",
        "",
        "## Budgets",
        "",
        f"- every notebook under {BUDGET_NOTEBOOK_S:.0f} s and {BUDGET_NOTEBOOK_MIB:.0f} MiB peak memory on 2 cores",
        f"- the whole book, both languages, under {BUDGET_BOOK_S / 60:.0f} minutes",
        "",
        "## Notebooks",
        "",
        "Each notebook runs in a fresh kernel; *start* is the kernel's start-up, *cells* the wall time of",
        "all its cells, *CPU* the kernel's user + system CPU time (start-up included; less sensitive to a",
        "busy machine than wall time), *peak RSS* the kernel process's peak resident memory (VmHWM).",
        "",
        "| notebook | start (s) | cells (s) | total (s) | CPU (s) | peak RSS (MiB) | within budget |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in runs:
        if r.error:
            lines.append(f"| `{r.path}` | | | | | | **failed**: {r.error} |")
        else:
            bad = over(r)
            verdict = "yes" if not bad else "**over** (" + ", ".join(bad) + ")"
            lines.append(f"| `{r.path}` | {_f(r.start_s)} | {_f(r.cells_s)} | {_f(r.total_s)} | {_f(r.cpu_s)} | "
                         f"{_f(r.peak_mib, 0)} | {verdict} |")
    within = "yes" if total <= BUDGET_BOOK_S else "**over**"
    lines += [
        f"| **total** ({len(ok)} notebooks) | | | **{_f(total)}** | {_f(sum(r.cpu_s for r in ok))} | "
        f"max {_f(peak, 0)} | {within} |",
        "",
        f"Whole book: {_f(total)} s ({_f(total / 60, 2)} min) against a budget of {BUDGET_BOOK_S / 60:.0f} min; "
        f"{sum(1 for r in ok if not over(r))} of {len(runs)} notebooks within their budgets"
        + (f"; {len(runs) - len(ok)} failed." if len(ok) < len(runs) else "."),
        "",
        "## Speed targets",
        "",
        *_targets(ok, total, peak),
        "",
        f"## Slowest cells (top {top})",
        "",
        "| notebook | cell | seconds | peak RSS so far (MiB) |",
        "|---|---:|---:|---:|",
    ]
    cells = sorted(((r.path, i, s, m) for r in ok for i, s, m in r.cells), key=lambda c: -c[2])[:top]
    lines += [f"| `{p}` | {i} | {_f(s, 2)} | {_f(m, 0)} |" for p, i, s, m in cells]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="notebook names (e.g. 01_definition); default: all")
    parser.add_argument("--lang", nargs="+", choices=LANGS, default=list(LANGS))
    parser.add_argument("--out", default=str(ROOT / "profile" / "REPORT.md"))
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell before giving up")
    parser.add_argument("--cells", type=int, default=10, help="how many of the slowest cells to list")
    args = parser.parse_args(argv)
    paths = notebooks(args.names, args.lang)
    if not paths:
        raise SystemExit("no notebooks to profile")
    load_before = _load()
    date = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    runs = []
    for p in paths:
        print(f"profiling {p.relative_to(ROOT)} ...", end=" ", flush=True)
        run = asyncio.run(_execute(p, args.timeout))
        print(run.error or f"{run.total_s:.1f} s ({run.cpu_s:.1f} s CPU), {run.peak_mib:.0f} MiB", flush=True)
        runs.append(run)
    command = "python scripts/profile_book.py" + "".join(f" {a}" for a in (argv if argv is not None else sys.argv[1:]))
    text = report(runs, _machine(), date=date, command=command, load_before=load_before, load_after=_load(),
                  top=args.cells)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out}")
    return 1 if any(r.error for r in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
