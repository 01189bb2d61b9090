"""Numbers quoted in the claims ledger (claims/*.yaml) match the stored outputs of the notebooks.

The ledger pages are not notebooks, so myst-nb's glue cannot insert these numbers; this test reads
the executed English notebook and checks that each quoted number is what its check cell printed.
"""
import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]

# (claim, chapter, regex over the chapter's stored outputs capturing the number, text quoted in the
#  English summary with {} for the number, the same in Italian)
QUOTED = [
    ("C27", "05b_transformers",
     r"with learning rate 0\.02 a good part of the second-block ReLU units die \(([0-9.]+),",
     "{} of them at 0.02 with one", "{} a 0,02 con un seed"),
    # issue 18: the full-scale (recorded) tuned-rate comparisons of chapter 2
    ("C07", "02_derivative",
     r"tuned rates: tanh/xavier beats ReLU/He by ([0-9.]+) \[[0-9.]+, [0-9.]+\], 20 paired",
     "ReLU minus tanh −{} (95 %", "ReLU meno tanh −{} (intervallo"),
    ("C12", "02_derivative",
     r"tuned rates: ReLU/He beats relu/xavier by ([0-9.]+) \[[0-9.]+, [0-9.]+\], 20 paired",
     "but by {} after 30 epochs", "ma di {} dopo 30 epoche"),
]


def _outputs(chapter: str) -> str:
    nb = json.loads((ROOT / "book" / "en" / f"{chapter}.ipynb").read_text(encoding="utf-8"))
    return "\n".join("".join(o.get("text", "")) for c in nb["cells"] if c["cell_type"] == "code"
                     for o in c.get("outputs", []))


@pytest.mark.parametrize(("claim", "chapter", "pattern", "en", "it"), QUOTED, ids=[q[0] for q in QUOTED])
def test_ledger_number_matches_stored_output(claim, chapter, pattern, en, it):
    found = re.findall(pattern, _outputs(chapter))
    assert len(found) == 1, f"{chapter}: expected one output matching {pattern!r}, found {found}"
    value = found[0]
    summary = yaml.safe_load((ROOT / "claims" / f"{claim}.yaml").read_text(encoding="utf-8"))["summary"]
    text_en = " ".join(summary["en"].split())
    text_it = " ".join(summary["it"].split())
    assert en.format(value) in text_en, f"{claim}: English summary should quote {value} as {en.format(value)!r}"
    assert it.format(value.replace(".", ",")) in text_it, f"{claim}: Italian summary should quote {value.replace('.', ',')}"
