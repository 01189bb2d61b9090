"""The claims ledger: every claim of the source notes, its verdict and where the book settles it.

One YAML file per claim in ``claims/`` at the root of the repository::

    id: C01
    seeds: ["003"]                 # source notes that make the claim
    chapter: definition            # chapter that settles it (a key of CHAPTERS)
    claim:   {en: "...", it: "..."}
    verdict: false                 # see VERDICTS; "pending" until the chapter is written
    summary: {en: "...", it: "..."}   # the verdict's conditions and evidence, in MyST
    evidence: [sec-history]        # MyST labels of the sections whose experiment settles it
    cite: [nair2010rectified]      # keys of references.bib (primary papers)
    checks: [04_dying_relu]        # notebooks whose check cells (tag check-C01) assert the
                                   # verdict's experimental conclusions on every run

:func:`render_page` writes the "Claims and verdicts" page of each language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ._paths import book_root, missing

__all__ = ["VERDICTS", "CHAPTERS", "Claim", "load_claims", "render_page", "LEDGER_DIR"]

LEDGER_DIR = book_root() / "claims"

#: Verdicts and how each language names them.
VERDICTS: dict[str, dict[str, str]] = {
    "true": {"en": "true", "it": "vera"},
    "true-with-conditions": {"en": "true, with conditions", "it": "vera, a certe condizioni"},
    "misleading": {"en": "misleading", "it": "fuorviante"},
    "false": {"en": "false", "it": "falsa"},
    "open": {"en": "open question", "it": "questione aperta"},
    "pending": {"en": "not yet settled", "it": "non ancora valutata"},
}

#: Chapter keys -> (notebook name, title in each language). A chapter not yet
#: written has no notebook (``None``).
CHAPTERS: dict[str, tuple[str | None, dict[str, str]]] = {
    "definition": ("01_definition", {"en": "Definition", "it": "Definizione"}),
    "derivative": ("02_derivative", {"en": "The derivative at the kink", "it": "La derivata nel punto angoloso"}),
    "depth": ("02a_depth", {"en": "Gradients through depth", "it": "I gradienti attraverso la profondità"}),
    "sparsity": ("03_sparsity", {"en": "Sparsity", "it": "Sparsità"}),
    "dying": ("04_dying_relu", {"en": "Dying ReLU", "it": "Dying ReLU"}),
    "domains": ("05_domains", {"en": "Where ReLU fits", "it": "Dove si usa la ReLU"}),
    "variants": ("06_variants", {"en": "The ReLU family", "it": "La famiglia della ReLU"}),
    "cost": ("A1_cost", {"en": "What an activation costs", "it": "Quanto costa un'attivazione"}),
}

_PAGE_TEXT = {
    "en": {
        "title": "Claims and verdicts",
        "label": "claims-ledger",
        "intro": (
            "The course notes this book grew from make {n} claims about ReLU. Each is listed here "
            "with a verdict and a link to the section whose experiment or derivation settles it. "
            "Verdicts rest on the book's experiments and on primary papers, never on the notes. "
            "A verdict is one of: *true*; *true, with conditions* (the conditions are stated); "
            "*misleading*; *false*; *open question*."
        ),
        "pending": "To be settled in the chapter *{chapter}* (not yet written).",
        "evidence": "Evidence",
        "sources": "Sources",
        "notes": "source notes",
        "verdict": "Verdict",
        "checks": "Checked on every run by the check cells of",
    },
    "it": {
        "title": "Affermazioni e verdetti",
        "label": "claims-ledger",
        "intro": (
            "Gli appunti da cui nasce questo libro contengono {n} affermazioni sulla ReLU. Qui "
            "ciascuna ha un verdetto e un collegamento alla sezione che si pronuncia su di essa con "
            "un esperimento o una dimostrazione. I verdetti si basano sugli esperimenti del libro e "
            "sugli articoli originali, mai sugli appunti. I verdetti possibili sono: *vera*; *vera, a "
            "certe condizioni* (le condizioni sono indicate); *fuorviante*; *falsa*; *questione aperta*."
        ),
        "pending": "Sarà valutata nel capitolo *{chapter}* (non ancora scritto).",
        "evidence": "Prove",
        "sources": "Fonti",
        "notes": "appunti di partenza",
        "verdict": "Verdetto",
        "checks": "Verificata a ogni esecuzione dalle celle di verifica di",
    },
}

_ID = re.compile(r"^C\d{2}$")
_LABEL = re.compile(r"^[A-Za-z0-9_.:-]+$")


@dataclass(frozen=True)
class Claim:
    """One claim of the source notes and its verdict."""

    id: str
    seeds: list[str]
    chapter: str
    claim: dict[str, str]
    verdict: str
    summary: dict[str, str] = field(default_factory=dict)
    evidence: list[str] = field(default_factory=list)
    cite: list[str] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)


_NOTEBOOK = re.compile(r"^[0-9A-Z][0-9A-Za-z]*_[a-z0-9_]+$")


def _validate(data: dict, path: Path) -> Claim:
    where = path.name
    required = {"id", "seeds", "chapter", "claim", "verdict"}
    missing = required - set(data)
    if missing:
        raise ValueError(f"{where}: missing fields {sorted(missing)}")
    unknown = set(data) - required - {"summary", "evidence", "cite", "checks"}
    if unknown:
        raise ValueError(f"{where}: unknown fields {sorted(unknown)}")
    if not _ID.match(str(data["id"])) or path.stem != data["id"]:
        raise ValueError(f"{where}: id must look like C01 and match the file name, got {data['id']!r}")
    if data["chapter"] not in CHAPTERS:
        raise ValueError(f"{where}: chapter must be one of {sorted(CHAPTERS)}, got {data['chapter']!r}")
    if data["verdict"] not in VERDICTS:
        raise ValueError(f"{where}: verdict must be one of {sorted(VERDICTS)}, got {data['verdict']!r}")
    for key in ("claim", "summary"):
        texts = data.get(key) or {}
        if key == "claim" or data["verdict"] != "pending":
            if set(texts) != {"en", "it"} or not all(str(v).strip() for v in texts.values()):
                raise ValueError(f"{where}: {key} needs non-empty 'en' and 'it' texts")
    evidence = list(data.get("evidence") or [])
    if data["verdict"] != "pending":
        if not evidence:
            raise ValueError(f"{where}: a settled claim needs at least one evidence label")
        if CHAPTERS[data["chapter"]][0] is None:
            raise ValueError(f"{where}: chapter {data['chapter']!r} has no notebook yet; verdict must be pending")
    bad = [e for e in evidence if not _LABEL.match(str(e))]
    if bad:
        raise ValueError(f"{where}: evidence labels {bad} are not valid MyST labels")
    checks = [str(c) for c in (data.get("checks") or [])]
    bad = [c for c in checks if not _NOTEBOOK.match(c)]
    if bad:
        raise ValueError(f"{where}: checks must name notebooks like 04_dying_relu, got {bad}")
    return Claim(
        id=data["id"],
        seeds=[str(s) for s in data["seeds"]],
        chapter=data["chapter"],
        claim={k: str(v).strip() for k, v in data["claim"].items()},
        verdict=data["verdict"],
        summary={k: str(v).strip() for k, v in (data.get("summary") or {}).items()},
        evidence=evidence,
        cite=[str(c) for c in (data.get("cite") or [])],
        checks=checks,
    )


def load_claims(directory: Path | str = LEDGER_DIR) -> list[Claim]:
    """All claims, validated, sorted by id."""
    if not isinstance(directory, (str, Path)):
        raise TypeError(f"directory must be a path (str or Path), got {type(directory).__name__}")
    directory = Path(directory)
    if not directory.is_dir():
        raise missing(directory, "ledger folder")
    claims = [
        _validate(yaml.safe_load(p.read_text(encoding="utf-8")), p) for p in sorted(directory.glob("C*.yaml"))
    ]
    if not claims:
        raise ValueError(f"{directory} holds no claim files (C01.yaml ...)")
    return claims


def render_page(lang: str, claims: list[Claim] | None = None) -> str:
    """The MyST text of the claims page in ``lang``."""
    if not isinstance(lang, str) or lang not in _PAGE_TEXT:
        raise ValueError(f"lang must be one of {sorted(_PAGE_TEXT)}, got {lang!r}")
    if claims is not None and (not isinstance(claims, (list, tuple)) or not all(isinstance(c, Claim) for c in claims)):
        raise TypeError(f"claims must be None or a list of Claim (see load_claims), got {claims!r:.80}")
    claims = load_claims() if claims is None else claims
    tx = _PAGE_TEXT[lang]
    out = [
        "<!-- Generated by scripts/render_ledger.py from claims/*.yaml: edit those, not this file. -->",
        "",
        f"({tx['label']})=",
        f"# {tx['title']}",
        "",
        tx["intro"].format(n=len(claims)),
        "",
    ]
    for c in claims:
        verdict = VERDICTS[c.verdict][lang]
        out += [f"({c.id.lower()})=", f"## {c.id}: {c.claim[lang]}", ""]
        out.append(f"**{tx['verdict']}: {verdict}.** ")
        if c.verdict == "pending":
            out.append(tx["pending"].format(chapter=CHAPTERS[c.chapter][1][lang]))
        else:
            out.append(c.summary[lang])
            links = ", ".join(f"{{ref}}`{label}`" for label in c.evidence)
            out += ["", f"{tx['evidence']}: {links}."]
            if c.checks:
                docs = ", ".join(f"{{doc}}`{name}`" for name in c.checks)
                out += ["", f"{tx['checks']} {docs}."]
        if c.cite:
            out += ["", f"{tx['sources']}: " + "; ".join(f"{{cite:t}}`{k}`" for k in c.cite) + "."]
        out += ["", f"<small>{tx['notes']}: {', '.join(c.seeds)}</small>", ""]
    return "\n".join(out).rstrip() + "\n"
