"""The perturbed run: every English notebook executed WITHOUT the pinned numerical environment.

nbval checks the stored digits under the pinned environment (tests run by scripts/test.sh). Here
each library picks its own code path for this CPU (AVX2 or AVX-512 kernels, MKL's automatic
branch, numpy's dispatched loops), as on a reader's machine: the last digits of some cells change,
and every check cell (``check-Cnn``) must still hold, or the notebook fails here by name. The cells
whose text changed are listed at the end of the run (``numerics: perturbed run``) and written to
``_build/perturbed.json``: they are the rounding-sensitive cells, tagged ``rounding-sensitive``
so that portable mode (a CPU that is not x86-64) compares them by their checks only.
"""

from __future__ import annotations

import json

import pytest

from conftest import BOOK, ROOT
from notebooks import perturbed

NOTEBOOKS = sorted((BOOK / "en").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_conclusions_hold_without_the_pinned_environment(path, request):
    result = perturbed(path)
    report = request.config.__dict__.setdefault("_relulab_perturbed", {})
    report[path.stem] = result
    out = ROOT / "_build" / "perturbed.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=1))
    assert result["error"] is None, f"{path.name} failed without the pinned environment: {result['error']}"
