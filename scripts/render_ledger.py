"""Write book/en/claims.md and book/it/claims.md from the ledger in claims/*.yaml.

Usage: python scripts/render_ledger.py [--check]   (--check: exit 1 if the pages are out of date)
"""

from __future__ import annotations

import sys
from pathlib import Path

from relulab.ledger import render_page

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> int:
    stale = []
    for lang in ("en", "it"):
        page = ROOT / "book" / lang / "claims.md"
        text = render_page(lang)
        if "--check" in argv:
            if not page.exists() or page.read_text(encoding="utf-8") != text:
                stale.append(str(page.relative_to(ROOT)))
        else:
            page.write_text(text, encoding="utf-8")
    if stale:
        print("out of date (run python scripts/render_ledger.py):", *stale)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
