"""Where ``relulab`` finds the book's own files (the claims ledger, the live chapter sources).

They live in the book's folder, not in the package, and only the book's tools and tests read
them (:mod:`relulab.ledger`, :func:`relulab.text.book_prose` for a chapter without a frozen
snapshot). What a chapter reads at run time is package data instead (recorded replications,
text corpora, recorded GPU measurements: ``pyproject.toml``), so a notebook downloaded alone runs
with relulab installed from a wheel; ``tests/offline/01_no_repository_files.py`` makes every
notebook that the tests run fail if it opens a file of the repository outside the package.

An installed copy of ``relulab`` (a wheel, ``pip install .``) finds the book through the *book root*:

1. the folder named by the environment variable ``RELULAB_BOOK_ROOT``, if set;
2. the folder two levels above the package, when the package runs from the
   book's source tree (``src/relulab``, an editable install);
3. the current folder or the nearest folder above it that looks like the
   book (it holds ``_toc.yml`` and ``claims/``): a notebook of ``book/en``
   runs inside it.

If none is found, the source-tree location is returned and the functions that
read a file say which one is missing and how to point ``relulab`` at the book.
"""

from __future__ import annotations

import os
from pathlib import Path

#: The environment variable that names the book's root folder.
BOOK_ROOT_ENV = "RELULAB_BOOK_ROOT"

_SOURCE_TREE = Path(__file__).resolve().parents[2]


def _is_book_root(path: Path) -> bool:
    return (path / "_toc.yml").is_file() and (path / "claims").is_dir()


def book_root() -> Path:
    """The book's root folder (see the module's docstring for the search order)."""
    env = os.environ.get(BOOK_ROOT_ENV)
    if env:
        return Path(env).expanduser().resolve()
    if _is_book_root(_SOURCE_TREE):
        return _SOURCE_TREE
    cwd = Path.cwd().resolve()
    return next((p for p in (cwd, *cwd.parents) if _is_book_root(p)), _SOURCE_TREE)


def missing(path: Path, what: str) -> FileNotFoundError:
    """The error for a book file that is not there, saying how to point relulab at the book."""
    return FileNotFoundError(
        f"no {what} at {path}: relulab reads the book's files from its root folder; run inside the book's "
        f"folder or set {BOOK_ROOT_ENV} to it"
    )
