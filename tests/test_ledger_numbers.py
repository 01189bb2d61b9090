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
    ("C20", "04_dying_relu", r"full scale, η = 2\.15: network ([0-9.]+) \[",
     "a share of {} of all hidden units is dead", "è morta una quota {} di tutte le unità nascoste"),
    ("C20", "04_dying_relu", r"full scale, η = 2\.15: network [0-9.]+ \[[0-9., ]+\], inside 0\.25–0\.55, so about 40% of the network is dead; layer act2 ([0-9.]+) \[",
     "a share of {} of the second hidden layer is dead at full scale", "è morta una quota {} del secondo strato nascosto a scala piena"),
    ("C18", "03_sparsity", r"full scale: tanh's test NLL minus ReLU's (-?[0-9.]+) \[",
     "tanh's test NLL minus ReLU's is {}", "la NLL di test della tanh meno quella della ReLU è {}"),
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
