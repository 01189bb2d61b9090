"""Write book/en/glossary.md and book/it/glossary.md from glossary/terms.yaml.

Usage: python scripts/render_glossary.py [--check]   (--check: exit 1 if the pages are out of date)

The YAML file is the one source of truth for the book's terminology (its header documents the
format). Each edition gets a page with a quick English/Italian table and a Sphinx glossary, so a
chapter links a term with {term}`activation function` (English) or
{term}`funzione di attivazione` (Italian). :func:`discouraged_uses` finds, in a chapter's prose,
the phrases the glossary lists as terminology errors (tests/test_glossary.py runs it on every
notebook of both editions).
"""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from generated_pages import main_for

ROOT = Path(__file__).resolve().parent.parent
TERMS_FILE = ROOT / "glossary" / "terms.yaml"
LANGS = ("en", "it")
OTHER = {"en": "it", "it": "en"}

_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_LABEL = re.compile(r"^[A-Za-z0-9_.:-]+$")

#: Text of the page in each language.
PAGE = {
    "en": {
        "label": "book-glossary",
        "title": "Glossary",
        "intro": (
            "The terms this book uses, with their Italian equivalents. The chapters link a term to "
            "its entry here, and both editions use the same term for the same concept. Italian "
            "practitioners keep many English terms (*learning rate*, *batch*, *dying ReLU*, "
            "*overfitting*, *dropout*, *seed*, *embedding*, *token*, *bias*), and so does the "
            "Italian edition."
        ),
        "table_title": "English and Italian at a glance",
        "columns": ("English", "Italian"),
        "definitions": "Definitions",
        "other": "Italian",
        "avoid": "Not to be used for this concept",
        "see": "See",
        "footer": (
            "This page is generated from `glossary/terms.yaml` by `scripts/render_glossary.py`. "
            "A test checks that the prose of every chapter avoids the phrases listed as "
            "*not to be used* (quotations and a gloss in parentheses right after the term excepted)."
        ),
    },
    "it": {
        "label": "book-glossary",
        "title": "Glossario",
        "intro": (
            "I termini che questo libro usa, con i corrispondenti inglesi. I capitoli collegano "
            "ogni termine alla sua voce qui, e le due edizioni usano lo stesso termine per lo "
            "stesso concetto. Chi lavora nel campo in Italia tiene in inglese molti termini "
            "(*learning rate*, *batch*, *dying ReLU*, *overfitting*, *dropout*, *seed*, "
            "*embedding*, *token*, *bias*), e così fa l'edizione italiana."
        ),
        "table_title": "Italiano e inglese a colpo d'occhio",
        "columns": ("Italiano", "Inglese"),
        "definitions": "Definizioni",
        "other": "Inglese",
        "avoid": "Da non usare per questo concetto",
        "see": "Vedi",
        "footer": (
            "Questa pagina è generata da `glossary/terms.yaml` con `scripts/render_glossary.py`. "
            "Un test verifica che la prosa di ogni capitolo eviti le espressioni indicate come "
            "*da non usare* (tranne nelle citazioni e in una glossa fra parentesi subito dopo il "
            "termine)."
        ),
    },
}


@dataclass(frozen=True)
class Entry:
    """One language's side of a glossary term."""

    term: str
    definition: str
    aliases: tuple[str, ...] = ()
    avoid: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.term, *self.aliases)


@dataclass(frozen=True)
class Term:
    """A glossary term in both languages."""

    id: str
    entries: dict[str, Entry]
    see: tuple[str, ...] = field(default_factory=tuple)


def _strings(value: object, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(f"{where} must be a list of non-empty strings, got {value!r}")
    return tuple(v.strip() for v in value)


def _entry(data: object, where: str) -> Entry:
    if not isinstance(data, dict):
        raise ValueError(f"{where} is missing (every term needs an 'en' and an 'it' side)")
    unknown = set(data) - {"term", "definition", "aliases", "avoid"}
    if unknown:
        raise ValueError(f"{where}: unknown fields {sorted(unknown)} (allowed: term, definition, aliases, avoid)")
    for key in ("term", "definition"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise ValueError(f"{where}: '{key}' must be a non-empty string")
    term = data["term"].strip()
    if "\n" in term or " : " in term:
        raise ValueError(f"{where}: term {term!r} must be one line without ' : '")
    return Entry(
        term=term,
        definition=" ".join(data["definition"].split()),
        aliases=_strings(data.get("aliases"), f"{where}.aliases"),
        avoid=_strings(data.get("avoid"), f"{where}.avoid"),
    )


def load_terms(path: Path | str = TERMS_FILE) -> list[Term]:
    """All glossary terms, validated: both languages present, names unique per language."""
    path = Path(path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("terms"), list) or not data["terms"]:
        raise ValueError(f"{path}: expected a mapping with a non-empty list 'terms'")
    terms: list[Term] = []
    seen_ids: set[str] = set()
    for i, raw in enumerate(data["terms"]):
        where = f"{path.name}: terms[{i}]"
        if not isinstance(raw, dict):
            raise ValueError(f"{where} must be a mapping")
        unknown = set(raw) - {"id", "see", "en", "it"}
        if unknown:
            raise ValueError(f"{where}: unknown fields {sorted(unknown)} (allowed: id, see, en, it)")
        tid = raw.get("id")
        if not isinstance(tid, str) or not _ID.match(tid):
            raise ValueError(f"{where}: id must be lowercase words joined by hyphens, got {tid!r}")
        if tid in seen_ids:
            raise ValueError(f"{where}: duplicate id {tid!r}")
        seen_ids.add(tid)
        see = _strings(raw.get("see"), f"{where}.see")
        bad = [s for s in see if not _LABEL.match(s)]
        if bad:
            raise ValueError(f"{where}: 'see' labels {bad} are not valid MyST labels")
        entries = {lang: _entry(raw.get(lang), f"{where} ({tid}).{lang}") for lang in LANGS}
        terms.append(Term(id=tid, entries=entries, see=see))
    for lang in LANGS:
        owner: dict[str, str] = {}
        for t in terms:
            for name in t.entries[lang].names:
                key = name.casefold()
                if key in owner:
                    raise ValueError(
                        f"{path.name}: {lang} name {name!r} is used by both {owner[key]!r} and {t.id!r}"
                    )
                owner[key] = t.id
        for t in terms:
            for phrase in t.entries[lang].avoid:
                if phrase.casefold() in owner:
                    raise ValueError(
                        f"{path.name}: {t.id!r} lists {phrase!r} as a phrase to avoid in {lang}, "
                        f"but it is the glossary name of {owner[phrase.casefold()]!r}"
                    )
    return terms


@dataclass(frozen=True)
class Usage:
    """An Italian usage rule for a word that is not a glossary entry: one choice, the variants it replaces."""

    id: str
    use: str
    avoid: tuple[str, ...] = ()
    avoid_regex: tuple[str, ...] = ()
    note: str = ""

    def patterns(self) -> list[re.Pattern]:
        return [_phrase_pattern(p) for p in self.avoid] + [re.compile(r, re.IGNORECASE) for r in self.avoid_regex]


#: The edition whose prose the usage rules of terms.yaml apply to.
USAGE_LANG = "it"


def load_usage(path: Path | str = TERMS_FILE) -> list[Usage]:
    """The usage rules of terms.yaml (section ``usage``), validated: known fields, compilable patterns."""
    path = Path(path)
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    raw_rules = data.get("usage") or []
    if not isinstance(raw_rules, list):
        raise ValueError(f"{path.name}: 'usage' must be a list, got {type(raw_rules).__name__}")
    rules: list[Usage] = []
    seen: set[str] = set()
    for i, raw in enumerate(raw_rules):
        where = f"{path.name}: usage[{i}]"
        if not isinstance(raw, dict):
            raise ValueError(f"{where} must be a mapping")
        unknown = set(raw) - {"id", "use", "avoid", "avoid_regex", "note"}
        if unknown:
            raise ValueError(f"{where}: unknown fields {sorted(unknown)} (allowed: id, use, avoid, avoid_regex, note)")
        uid = raw.get("id")
        if not isinstance(uid, str) or not _ID.match(uid) or uid in seen:
            raise ValueError(f"{where}: id must be unique lowercase words joined by hyphens, got {uid!r}")
        seen.add(uid)
        use = raw.get("use")
        if not isinstance(use, str) or not use.strip():
            raise ValueError(f"{where} ({uid}): 'use' must be a non-empty string, got {use!r}")
        rule = Usage(id=uid, use=use, avoid=_strings(raw.get("avoid"), f"{where}.avoid"),
                     avoid_regex=_strings(raw.get("avoid_regex"), f"{where}.avoid_regex"),
                     note=str(raw.get("note") or ""))
        for r in rule.avoid_regex:
            try:
                re.compile(r)
            except re.error as exc:
                raise ValueError(f"{where} ({uid}): avoid_regex {r!r} is not a valid regular expression: {exc}") from None
        rules.append(rule)
    return rules


def load_kept_english(path: Path | str = TERMS_FILE) -> tuple[str, ...]:
    """The English terms the Italian edition keeps on purpose (section ``kept_english``)."""
    path = Path(path)
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return _strings(data.get("kept_english"), f"{path.name}: kept_english")


def _sort_key(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text)
    return "".join(c for c in plain if not unicodedata.combining(c)).casefold()


def _in(lang: str, text: str) -> str:
    """``text`` marked as being in ``lang`` (screen readers pronounce it right)."""
    return f'<span lang="{lang}">{text}</span>'


def render_page(lang: str, terms: list[Term] | None = None) -> str:
    """The MyST text of the glossary page in ``lang``."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")
    terms = load_terms() if terms is None else terms
    tx = PAGE[lang]
    other = OTHER[lang]
    ordered = sorted(terms, key=lambda t: _sort_key(t.entries[lang].term))
    out = [
        "<!-- Generated by scripts/render_glossary.py from glossary/terms.yaml: edit that, not this file. -->",
        "",
        f"({tx['label']})=",
        f"# {tx['title']}",
        "",
        tx["intro"],
        "",
        f"## {tx['table_title']}",
        "",
        f"| {tx['columns'][0]} | {tx['columns'][1]} |",
        "| --- | --- |",
    ]
    for t in ordered:
        mine, theirs = t.entries[lang], t.entries[other]
        out.append(f"| {{term}}`{mine.term}` | {_in(other, theirs.term)} |")
    out += ["", f"## {tx['definitions']}", "", "```{glossary}"]
    for t in ordered:
        mine, theirs = t.entries[lang], t.entries[other]
        out += list(mine.names)
        other_names = ", ".join(_in(other, n) for n in theirs.names)
        out.append(f"  *{tx['other']}:* {other_names}")
        out += ["", f"  {mine.definition}"]
        if t.see:
            links = ", ".join(f"{{ref}}`{label}`" for label in t.see)
            out += ["", f"  {tx['see']}: {links}."]
        if mine.avoid:
            out += ["", f"  *{tx['avoid']}:* " + ", ".join(f"“{p}”" for p in mine.avoid)]
        out.append("")
    out[-1:] = ["```", "", tx["footer"]]
    return "\n".join(out).rstrip() + "\n"


# --------------------------------------------------------------------------- terminology check


@dataclass(frozen=True)
class Finding:
    """A phrase the glossary lists as a terminology error, found in prose."""

    phrase: str
    term: str
    term_id: str
    excerpt: str


_FENCE = re.compile(r"^(```+|~~~+)\s*(\S*)", re.M)
_TERM_ROLE = re.compile(r"\{term\}`([^`<]*?)\s*(?:<[^`>]*>)?`")
_CODE_SPAN = re.compile(r"(?:\{[\w:.-]+\})?(`+)(.+?)\1", re.S)
_MATH_BLOCK = re.compile(r"\$\$.+?\$\$", re.S)
_MATH_INLINE = re.compile(r"\$[^$\n]+\$")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_URL = re.compile(r"https?://\S+")
_LABEL_LINE = re.compile(r"^\s*\([\w.:-]+\)=\s*$", re.M)
_OPTION_LINE = re.compile(r"^:[\w-]+:.*$", re.M)
#: Quotations reproduce someone else's words: “…”, «…», "…" (one paragraph at most).
_QUOTES = re.compile(r"“[^”\n]{0,400}”|«[^»\n]{0,400}»|\"[^\"\n]{0,400}\"")


def prose_of(markdown: str) -> str:
    """The prose of a markdown cell: no code, math, comments, URLs, labels, quotations or directive options.

    Fenced code blocks are dropped; MyST directive fences (```{exercise} ...) keep their content,
    which is prose. ``{term}`text <target>`` keeps its text.
    """
    kept: list[str] = []
    directives: list[str] = []  # fences of the open MyST directives
    in_code: str | None = None  # fence of the open code block
    for line in markdown.splitlines():
        m = _FENCE.match(line)
        if in_code is not None:
            if m and m.group(1) == in_code and not m.group(2):
                in_code = None
            continue
        if m:
            fence, info = m.group(1), m.group(2)
            if info.startswith("{"):
                directives.append(fence)  # a directive: its content is prose
            elif not info and directives and fence == directives[-1]:
                directives.pop()
            else:
                in_code = fence  # a code block: skip to its closing fence
            continue
        kept.append(line)
    text = "\n".join(kept)
    text = _COMMENT.sub(" ", text)
    text = _TERM_ROLE.sub(lambda m: m.group(1), text)
    text = _CODE_SPAN.sub(" ", text)
    text = _MATH_BLOCK.sub(" ", text)
    text = _MATH_INLINE.sub(" ", text)
    text = _URL.sub(" ", text)
    text = _LABEL_LINE.sub(" ", text)
    text = _OPTION_LINE.sub(" ", text)
    text = _QUOTES.sub(" ", text)
    return text


def _phrase_pattern(phrase: str) -> re.Pattern:
    words = [re.escape(w) for w in phrase.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


def discouraged_uses(
    markdown: str, lang: str, terms: list[Term] | None = None, usage: list[Usage] | None = None
) -> list[Finding]:
    """Phrases of ``markdown`` (one cell) that the glossary lists as errors in ``lang``.

    A listed phrase is allowed inside a quotation and as a gloss in parentheses right after the
    glossary's term ("learning rate (tasso di apprendimento)").
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")
    terms = load_terms() if terms is None else terms
    text = prose_of(markdown)
    findings: list[Finding] = []
    for t in terms:
        entry = t.entries[lang]
        if not entry.avoid:
            continue
        names = "|".join(r"\s+".join(map(re.escape, n.split())) for n in sorted(entry.names, key=len, reverse=True))
        glossed = re.compile(r"(?<!\w)(" + names + r")\s*\([^()]*\)", re.IGNORECASE)
        scan = glossed.sub(lambda m: m.group(1), text)
        for phrase in entry.avoid:
            for m in _phrase_pattern(phrase).finditer(scan):
                start, end = max(0, m.start() - 40), min(len(scan), m.end() + 40)
                excerpt = " ".join(scan[start:end].split())
                findings.append(Finding(phrase=m.group(0), term=entry.term, term_id=t.id, excerpt=excerpt))
    if lang == USAGE_LANG:
        findings += usage_findings(text, load_usage() if usage is None else usage)
    return findings


def usage_findings(text: str, usage: list[Usage]) -> list[Finding]:
    """Rejected variants of the usage rules in ``text`` (already reduced to prose, or plain output text)."""
    findings: list[Finding] = []
    for rule in usage:
        for pattern in rule.patterns():
            for m in pattern.finditer(text):
                start, end = max(0, m.start() - 40), min(len(text), m.end() + 40)
                excerpt = " ".join(text[start:end].split())
                findings.append(Finding(phrase=m.group(0), term=rule.use, term_id=rule.id, excerpt=excerpt))
    return findings


def main(argv: list[str]) -> int:
    terms = load_terms()
    pages = {ROOT / "book" / lang / "glossary.md": render_page(lang, terms) for lang in LANGS}
    return main_for(pages, argv, root=ROOT, script="scripts/render_glossary.py")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
