"""The claims ledger: every claim of the source notes is there, valid, and rendered up to date."""

import re

import pytest
import yaml

from conftest import BOOK, ROOT, SHARED
from relulab import ledger


def test_ledger_loads_and_covers_35_claims():
    claims = ledger.load_claims()
    assert [c.id for c in claims] == [f"C{i:02d}" for i in range(1, 36)]


def test_every_claim_of_the_seed_list_is_in_the_ledger():
    seed_list = SHARED / "seed-claims.md"
    if not seed_list.exists():
        pytest.skip("../shared/seed-claims.md is not beside this checkout")
    ids = re.findall(r"^\| (C\d\d) \|", seed_list.read_text(encoding="utf-8"), flags=re.M)
    assert len(ids) == 35
    assert set(ids) == {c.id for c in ledger.load_claims()}


def test_settled_claims_point_into_written_chapters():
    for c in ledger.load_claims():
        nb = ledger.CHAPTERS[c.chapter][0]
        if c.verdict == "pending":
            continue
        for lang in ("en", "it"):
            path = BOOK / lang / f"{nb}.ipynb"
            text = path.read_text(encoding="utf-8")
            for label in c.evidence:
                # the label is defined in at least one of the chapter's notebooks
                defined = f"({label})=" in text or any(
                    f"({label})=" in p.read_text(encoding="utf-8") for p in (BOOK / lang).glob("*.ipynb")
                )
                assert defined, f"{c.id}: label {label} not defined in book/{lang}"


def test_cited_keys_exist_in_bibliography():
    bib = (ROOT / "references.bib").read_text(encoding="utf-8")
    keys = set(re.findall(r"@\w+\{([^,]+),", bib))
    for c in ledger.load_claims():
        assert set(c.cite) <= keys, (c.id, set(c.cite) - keys)


def test_rendered_pages_are_up_to_date():
    for lang in ("en", "it"):
        assert (BOOK / lang / "claims.md").read_text(encoding="utf-8") == ledger.render_page(lang), (
            f"book/{lang}/claims.md is stale: run python scripts/render_ledger.py"
        )


def test_invalid_claims_are_refused(tmp_path):
    good = yaml.safe_load((ROOT / "claims" / "C01.yaml").read_text(encoding="utf-8"))
    cases = [
        ({"verdict": "maybe"}, "verdict must be one of"),
        ({"chapter": "nowhere"}, "chapter must be one of"),
        ({"claim": {"en": "x"}}, "needs non-empty 'en' and 'it'"),
        ({"verdict": "true", "summary": {"en": "a", "it": "b"}, "evidence": []}, "at least one evidence"),
        ({"colour": "red"}, "unknown fields"),
    ]
    for patch, message in cases:
        d = {**good, **patch}
        (tmp_path / "C01.yaml").write_text(yaml.safe_dump(d), encoding="utf-8")
        with pytest.raises(ValueError, match=message):
            ledger.load_claims(tmp_path)
    with pytest.raises(ValueError, match="lang must be one of"):
        ledger.render_page("fr")
