"""Numbers quoted in the claims ledger (claims/*.yaml) match the stored outputs of the notebooks.

The ledger pages are not notebooks, so myst-nb's glue cannot insert these numbers; this test reads
the executed English notebook and checks that each quoted number is what its check cell printed
(rounded the way the summary rounds it), in the English and in the Italian summary.
"""
import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


def _same(*values: str) -> tuple[str, ...]:
    return values


def _one_decimal(*values: str) -> tuple[str, ...]:
    return tuple(f"{float(v):.1f}" for v in values)


# (claim, chapter, regex over the chapter's stored outputs capturing the number(s), how the summary
#  rounds them, text quoted in the English summary with {} for each number, the same in Italian)
QUOTED = [
    ("C27", "05b_transformers",
     r"with learning rate 0\.02 a good part of the second-block ReLU units die \(([0-9.]+),", _same,
     "{} of them at 0.02 with one", "{} a 0,02 con un seed"),
    ("C26", "05_domains",
     r"photo patches are the least spread inputs: effective rank ([0-9.]+) of 24", _same,
     "effective rank {} of 24", "effettivo {} su 24"),
    # issue 19: the same Transformer on text and on image patches, trained to a plateau (full scale, recorded)
    ("C26", "05b_transformers",
     r"text − images, is (-?[0-9.]+) \[(-?[0-9.]+), (-?[0-9.]+)\] against digits and (-?[0-9.]+) \[(-?[0-9.]+), (-?[0-9.]+)\] "
     r"against photos \(n = 10\), means at or below 0 and upper bounds below 0\.035", _same,
     "text − digits {} [{}, {}], text − photos {} [{}, {}] nats per token, 10 paired seeds",
     "testo − cifre {} [{}; {}], testo − foto {} [{}; {}] nat per token, 10 seed appaiati"),
    ("C26", "05b_transformers",
     r"text − images, is (-?[0-9.]+) \[(-?[0-9.]+), (-?[0-9.]+)\] against digits and (-?[0-9.]+) \[(-?[0-9.]+), (-?[0-9.]+)\] "
     r"against photos \(n = 10\), means at or below 0 and upper bounds below 0\.04:", _same,
     "nor relative to SwiGLU ({} [{}, {}] and {} [{}, {}])", "né rispetto alla SwiGLU ({} [{}; {}] e {} [{}; {}])"),
    ("C27", "05b_transformers",
     r"full \(recorded\)\s+digits\s+tuned\s+dead\s+(-?[0-9.]+) \[(-?[0-9.]+), (-?[0-9.]+)\]", _same,
     "(dead share text − images {} [{}, {}], 10 paired seeds)", "(quota di morte testo − immagini {} [{}; {}], 10 seed appaiati)"),
    ("C05", "05b_transformers",
     r"ReLU − GELU validation loss text (-?[0-9.]+) \[(-?[0-9.]+), (-?[0-9.]+)\]", _same,
     "(ReLU − GELU on text {} [{}, {}], 10 paired seeds)", "(ReLU − GELU sul testo {} [{}; {}], 10 seed appaiati)"),
    ("C29", "06_variants",
     r"SGD with momentum, a = 0\.1: ([0-9]+) % back after six epochs", _same,
     "a = 0.1 brings back only about {} %", "a = 0,1 ne riporta solo circa il {} %"),
    ("C31", "06_variants",
     r"without weight decay the slopes range from (-?[0-9.]+) to (-?[0-9.]+):", _one_decimal,
     "between about {} and {}", "fra circa {} e {}"),
    ("C33", "06_variants",
     r"ordinary dropout moves the fixed point: variance at layer 32 between 1\.3 and 1\.9 in \d+/\d+ seeds "
     r"\(mean ([0-9.]+)\)", _same,
     "(variance settles near {})", "(la varianza si assesta vicino a {})"),
    ("C28", "05c_gans",
     r"no difference is shown: ReLU − Leaky ReLU in modes [^,]+, [^,]+, in share on a mode (-?[0-9.]+) "
     r"\[(-?[0-9.]+), (-?[0-9.]+)\]", _same,
     "on a mode ({} [{}, {}])", "su una moda ({} [{}; {}])"),
    ("C20", "04_dying_relu", r"full scale, η = 2\.15: network ([0-9.]+) \[", _same,
     "a share of {} of all hidden units is dead", "è morta una quota {} di tutte le unità nascoste"),
    ("C20", "04_dying_relu", r"full scale, η = 2\.15: network [0-9.]+ \[[0-9., ]+\], inside 0\.25–0\.55, so about 40% of the network is dead; layer act2 ([0-9.]+) \[", _same,
     "a share of {} of the second hidden layer is dead at full scale", "è morta una quota {} del secondo strato nascosto a scala piena"),
    ("C18", "03_sparsity", r"full scale: tanh's test NLL minus ReLU's (-?[0-9.]+) \[", _same,
     "tanh's test NLL minus ReLU's is {}", "la NLL di test della tanh meno quella della ReLU è {}"),
    # issue 18: the full-scale (recorded) tuned-rate comparisons of chapter 2
    ("C07", "02a_depth",
     r"tuned rates: tanh/xavier beats ReLU/He by ([0-9.]+) \[[0-9.]+, [0-9.]+\], 20 paired", _same,
     "ReLU minus tanh −{} (95 %", "ReLU meno tanh −{} (intervallo"),
    ("C12", "02a_depth",
     r"tuned rates: ReLU/He beats relu/xavier by ([0-9.]+) \[[0-9.]+, [0-9.]+\], 20 paired", _same,
     "but by {} after 30 epochs", "ma di {} dopo 30 epoche"),
    # issue 18: the full-scale (recorded) experiments of chapters 1 and 6
    ("C03", "01_definition", r"at least 1\.5 times in (\d+)/(\d+) runs \(at least half required\)", _same,
     "at least 1.5 times in {} of {} runs", "almeno 1,5 volte in {} esecuzioni su {}"),
    ("C29", "06_variants",
     r"SGD \+ momentum, a = 0\.1: % of killed units active again: [^\n]*full ([0-9.]+) \[([0-9.]+), ([0-9.]+)\]", _same,
     "a = 0.1 brings back {} % (95 % interval {} to {})", "a = 0,1 ne riporta il {} % (intervallo al 95 % da {} a {})"),
    ("C31", "06_variants", r"decay on every parameter pulls them to ReLU \(mean ratio ([0-9.]+), interval below 0\.2; ([0-9]+) % below",
     _same, "mean slope to {} of its value without decay and {} % of the slopes", "pendenza media a {} del suo valore senza decay e il {} % delle"),
    ("C33", "06_variants", r"variance within 0\.9 to 1\.1 at layer 32 \(variance ([0-9.]+), ([0-9.]+) to ([0-9.]+), n = 20\)", _same,
     "has variance {} at layer 32 (95 % interval {} to {})", "ha varianza {} allo strato 32 (intervallo al 95 % da {} a {})"),
]


def _outputs(chapter: str) -> str:
    nb = json.loads((ROOT / "book" / "en" / f"{chapter}.ipynb").read_text(encoding="utf-8"))
    return "\n".join("".join(o.get("text", "")) for c in nb["cells"] if c["cell_type"] == "code"
                     for o in c.get("outputs", []))


def _italian(value: str) -> str:
    return value.replace(".", ",")


@pytest.mark.parametrize(("claim", "chapter", "pattern", "rounding", "en", "it"), QUOTED,
                         ids=[f"{q[0]}-{i}" for i, q in enumerate(QUOTED)])
def test_ledger_number_matches_stored_output(claim, chapter, pattern, rounding, en, it):
    found = re.findall(pattern, _outputs(chapter))
    assert len(found) == 1, f"{chapter}: expected one output matching {pattern!r}, found {found}"
    values = rounding(*(found[0] if isinstance(found[0], tuple) else (found[0],)))
    summary = yaml.safe_load((ROOT / "claims" / f"{claim}.yaml").read_text(encoding="utf-8"))["summary"]
    text_en = " ".join(summary["en"].split())
    text_it = " ".join(summary["it"].split())
    assert en.format(*values) in text_en, f"{claim}: English summary should quote {en.format(*values)!r}"
    quoted_it = it.format(*(_italian(v) for v in values))
    assert quoted_it in text_it, f"{claim}: Italian summary should quote {quoted_it!r}"


def test_rounding_helpers():
    assert _one_decimal("-0.08", "0.62") == ("-0.1", "0.6")
    assert _same("7") == ("7",)
    assert _italian("1.4") == "1,4"


def test_a_wrong_quote_fails():
    # the check can fail: a summary template quoting another number is caught
    claim, chapter, pattern, rounding, en, it = QUOTED[1]
    with pytest.raises(AssertionError, match="English summary"):
        test_ledger_number_matches_stored_output(claim, chapter, pattern, rounding, en.replace("{}", "{}0"), it)
