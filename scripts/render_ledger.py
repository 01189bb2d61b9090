"""Write book/en/claims.md and book/it/claims.md from the ledger in claims/*.yaml.

Usage: python scripts/render_ledger.py [--check]   (--check: exit 1 if the pages are out of date)
"""

from __future__ import annotations

import sys
from pathlib import Path

from relulab.ledger import render_page

from generated_pages import main_for

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> int:
    pages = {ROOT / "book" / lang / "claims.md": render_page(lang) for lang in ("en", "it")}
    return main_for(pages, argv, root=ROOT, script="scripts/render_ledger.py")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
