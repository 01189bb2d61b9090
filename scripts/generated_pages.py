"""Generated book pages: write them, or only report which are stale (shared by the scripts that render pages)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path


def sync_pages(pages: Mapping[Path, str], *, check: bool) -> list[Path]:
    """The pages whose file is missing or differs from its text; unless ``check``, write those files."""
    stale = [path for path, text in pages.items() if not path.exists() or path.read_text(encoding="utf-8") != text]
    if not check:
        for path in stale:
            path.write_text(pages[path], encoding="utf-8")
    return stale


def main_for(pages: Mapping[Path, str], argv: list[str], *, root: Path, script: str) -> int:
    """The ``main`` of a page-rendering script: write the pages, or with ``--check`` exit 1 naming the stale ones."""
    check = "--check" in argv
    stale = sync_pages(pages, check=check)
    if stale and check:
        print(f"out of date (run python {script}):", *(str(p.relative_to(root)) for p in stale))
        return 1
    return 0
