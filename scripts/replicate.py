"""Run the book's verdict-bearing experiments at full scale and store them with provenance.

Usage:
    python scripts/replicate.py --list            # registered experiments, with their state
    python scripts/replicate.py NAME [NAME ...]   # run each at full scale, write src/relulab/records/NAME.json
    python scripts/replicate.py --stale           # run every experiment whose record is missing or stale

Each experiment is defined once in ``src/relulab`` (see :mod:`relulab.replication`): the notebook runs it
at book scale, this script at full scale (≥ 10 seeds, full training sets, tuned rates, to a plateau).
Runs on any CPU or GPU; the record says which machine, which code version and how long it took.
The records are package data of relulab (``src/relulab/records``, shipped in the wheel): this script
imports relulab from this repository's ``src`` (never an installed copy), so it writes them there.
The pinned numerical environment (``relulab.numerics``) is set before torch is imported.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="experiments to run at full scale")
    parser.add_argument("--list", action="store_true", help="list the registered experiments")
    parser.add_argument("--stale", action="store_true", help="run every missing or stale record")
    args = parser.parse_args(argv)

    from relulab import numerics

    if numerics.is_x86_64() and any(os.environ.get(k) != v for k, v in numerics.PINNED.items()):
        # The pins are read by the libraries while they load: restart this script under them.
        os.execve(sys.executable, [sys.executable, *sys.argv], numerics.pinned_env())

    from relulab import replication

    registry = replication.discover()
    folder = ROOT / replication.RECORD_DIR  # this repository's src/relulab/records, whichever relulab is installed
    state = {}
    for name in sorted(registry):
        path = replication.record_path(name, folder)
        if not path.is_file():
            state[name] = "missing"
        else:
            state[name] = "stale" if replication.load(name, folder=folder, allow_stale=True).stale else "current"
    if args.list or not (args.names or args.stale):
        for name, st in state.items():
            print(f"{name:32s} {st}")
        return 0
    names = list(args.names) or [n for n, st in state.items() if st != "current"]
    unknown = [n for n in names if n not in registry]
    if unknown:
        parser.error(f"unknown experiment(s) {unknown}; registered: {sorted(registry)}")
    for name in names:
        command = "python scripts/replicate.py " + shlex.quote(name)
        print(f"[replicate] {name} at full scale ...", flush=True)
        path = replication.record(name, command=command, folder=folder)
        # allow_stale: the record carries the hash of the code as it was when the run started; if a source
        # file was edited during a long run, this process can no longer read its functions' source reliably
        # (their line numbers are those of the import), so freshness is for a new process to judge (--list).
        rec = replication.load(name, folder=folder, allow_stale=True)
        print(f"[replicate] {name}: {rec.provenance['wall_s']} s -> {path.relative_to(ROOT)}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
