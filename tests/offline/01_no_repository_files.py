"""IPython start-up file used by the test suite: every kernel started by the tests runs it.

A chapter downloaded alone (issue 22) runs with relulab installed from a wheel and no repository
around it, so at run time it may read the files of the ``relulab`` package (its package data:
recorded replications, text corpora, recorded measurements) but no other file of the book's
repository (chapter sources, ``data/``, ``claims/``, ``scripts/``). This guard makes every kernel
that the tests start (nbval over every notebook, the student's notebook test) fail loudly when code
opens such a file, so a chapter that would break once downloaded fails its nbval run.

``tests/conftest.py`` names the repository in ``RELULAB_GUARD_REPOSITORY``; without it the guard
does nothing. Files of the package (``<repository>/src/relulab``) and of the Python environment
(``sys.prefix``, e.g. a ``.venv`` inside the repository, and every site-packages folder on
``sys.path``, e.g. the one a fresh venv borrows its dependencies from) stay allowed. Only opening a file is
refused (reading or writing): listing a folder is not (the import system lists ``sys.path``).
"""

import os as _os
import sys as _sys


def _install_repository_guard():
    root = _os.environ.get("RELULAB_GUARD_REPOSITORY")
    if not root:
        return
    root = _os.path.abspath(root)
    site = [p for p in _sys.path if _os.path.basename(p.rstrip(_os.sep)) in ("site-packages", "dist-packages")]
    allowed = tuple(
        _os.path.join(_os.path.abspath(p), "")
        for p in (_os.path.join(root, "src", "relulab"), _sys.prefix, _sys.base_prefix, _sys.exec_prefix, *site)
    )
    inside = _os.path.join(root, "")

    def guard(event, args):
        if event != "open" or not args or not isinstance(args[0], (str, bytes, _os.PathLike)):
            return
        path = _os.path.abspath(_os.fsdecode(args[0]))
        if path.startswith(inside) and not path.startswith(allowed):
            raise PermissionError(
                f"relulab repository guard: a chapter opened {_os.path.relpath(path, root)}, a file of the book's "
                "repository outside the relulab package; a notebook downloaded alone has no repository. "
                "Make it package data of relulab (pyproject.toml, importlib.resources) or derive it in the package."
            )

    _sys.addaudithook(guard)


_install_repository_guard()
del _install_repository_guard
