"""Measure how long each page of the book takes to study, and write the table into the teacher's guide.

Usage:
    python scripts/study_time.py            # rewrite the study-time table of book/en/teachers.md and book/it/teachers.md
    python scripts/study_time.py --check    # exit 1 if either page is out of date (tests/test_study_time.py runs it)
    python scripts/study_time.py --print    # print the English table, change nothing

For every notebook of the book (the chapters and appendices of ``_toc.yml``), in each language:

- **prose words**: the words of the markdown cells that a student reads, without fenced code blocks,
  inline code, math (``$...$``, ``$$...$$``), MyST labels ``(label)=``, directive fences and their
  options (the *body* of an ``{exercise}`` is prose), HTML comments and tags, and the markup of roles:
  ``{term}`text <target>``` counts as ``text``, a reference role without explicit text
  (``{ref}``, ``{cite:p}``, ...) counts as nothing. A word is a run of letters or digits, with inner
  apostrophes, hyphens, points and commas (``1,258``, ``l'unità`` and ``non-zero`` are one word each);
- the words of the **hidden solutions** (between ``{solution-start}`` and ``{solution-end}``),
  counted apart: they are not part of the reading;
- **code lines**: non-blank lines of code cells that are not comments, solutions apart;
- **figures**: image outputs of code cells (outside the solutions);
- **exercises**: ``{exercise}`` directives;
- **execution**: the *total (s)* column (kernel start-up plus every cell, run top to bottom in a fresh
  kernel) of the notebook's row in ``profile/REPORT.md``, written by ``scripts/profile_book.py``.

Reading time is prose words at :data:`WORDS_PER_MINUTE`. The total adds the execution time (rounded up
to a minute) and a stated *allowance* of :data:`MINUTES_PER_EXERCISE` minutes per exercise, which is
not a measurement. The table goes between the markers ``<!-- study-time:start -->`` and
``<!-- study-time:end -->`` of each language's ``teachers.md``, with headers in that language.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
import yaml

from generated_pages import sync_pages

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"
LANGS = ("en", "it")
PROFILE = ROOT / "profile" / "REPORT.md"
TOC = ROOT / "_toc.yml"

#: Reading rate for this dense, technical prose (well below the 238 words per minute of adults'
#: silent reading of English non-fiction, Brysbaert 2019; the guide explains the choice).
WORDS_PER_MINUTE = 150
#: Allowance for one exercise, in minutes: a stated estimate, not a measurement.
MINUTES_PER_EXERCISE = 15

START = "<!-- study-time:start -->"
END = "<!-- study-time:end -->"

# --------------------------------------------------------------------------- markdown prose

#: Directives whose body is code or math, not prose.
NON_PROSE_DIRECTIVES = frozenset({
    "code", "code-block", "code-cell", "sourcecode", "literalinclude", "math", "eval-rst", "raw",
    "glossary", "bibliography", "toctree", "tableofcontents", "image",
})
#: Roles whose content is displayed as written (counted); every other role counts only explicit text.
TEXT_ROLES = frozenset({"term", "sub", "sup", "abbr", "kbd", "guilabel"})

_FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*(.*)$")
_ROLE = re.compile(r"\{([A-Za-z][\w:.-]*)\}`([^`]*)`")
_EXPLICIT = re.compile(r"^(.*?)\s*<([^<>]+)>$", re.S)
_WORD = re.compile(r"[^\W_]+(?:['’.,\-][^\W_]+)*")
_SOLUTION = re.compile(r"^(`{3,})\{solution-(start|end)\}.*?^\1[ \t]*$", re.M | re.S)


def _strip_fences(text: str) -> str:
    """Drop fenced code blocks and directive fences; keep the body of prose directives (nesting included)."""
    out: list[str] = []
    stack: list[tuple[str, bool]] = []  # (fence, body is prose)
    options = False  # right after a directive's opening fence: option lines follow
    for line in text.splitlines():
        m = _FENCE.match(line)
        if stack and m and m.group(2)[0] == stack[-1][0][0] and len(m.group(2)) >= len(stack[-1][0]) and not m.group(3):
            stack.pop()
            options = False
            continue
        prose_here = all(p for _, p in stack)
        if m and prose_here:
            info = m.group(3)
            d = re.match(r"\{([\w:.-]+)\}\s*(.*)$", info)
            if d:
                prose = d.group(1) not in NON_PROSE_DIRECTIVES
                stack.append((m.group(2), prose))
                options = prose
                if prose and d.group(1) in ("admonition", "topic", "sidebar") and d.group(2):
                    out.append(d.group(2))  # a title the reader sees
            else:
                stack.append((m.group(2), False))  # a code block
            continue
        if not prose_here:
            continue
        if options:
            if re.match(r"^\s*:[\w-]+:", line):
                continue
            options = False
        out.append(line)
    return "\n".join(out)


def _role_text(m: re.Match) -> str:
    name, content = m.group(1), m.group(2)
    explicit = _EXPLICIT.fullmatch(content)
    if explicit:
        return explicit.group(1)
    return content if name in TEXT_ROLES else ""


def prose(markdown: str) -> str:
    """The text of a markdown cell that a student reads as prose (see the module docstring)."""
    text = re.sub(r"<!--.*?-->", " ", markdown, flags=re.S)
    text = _strip_fences(text)
    text = re.sub(r"\$\$.*?\$\$", " ", text, flags=re.S)                     # display math
    text = _ROLE.sub(_role_text, text)                                        # roles, before code spans
    text = re.sub(r"(`+)(?:(?!\n\s*\n).)+?\1", " ", text, flags=re.S)         # inline code
    text = re.sub(r"\$(?:(?!\n\s*\n)[^$])+\$", " ", text)                      # inline math
    text = re.sub(r"^\s*\([\w:.-]+\)=\s*$", " ", text, flags=re.M)            # MyST labels
    text = re.sub(r"^\s*(%.*|\+\+\+.*)$", " ", text, flags=re.M)              # MyST comments, block breaks
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", text)                          # images
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)                       # links: their text
    text = re.sub(r"<(?:https?://|mailto:)[^>]*>", " ", text)                   # autolinks
    text = re.sub(r"</?[A-Za-z][^>]*>", " ", text)                              # HTML tags
    return text


def count_words(markdown: str) -> int:
    """Prose words of a markdown text."""
    return len(_WORD.findall(prose(markdown)))


def count_code_lines(source: str) -> int:
    """Non-blank lines of code that are not comments."""
    return sum(1 for line in source.splitlines() if line.strip() and not line.lstrip().startswith("#"))


def count_exercises(markdown: str) -> int:
    return len(re.findall(r"^\s*(`{3,}|~{3,})\{exercise\}", markdown, flags=re.M))


# --------------------------------------------------------------------------- notebooks


@dataclass(frozen=True)
class Counts:
    """What one notebook asks of a student."""

    words: int
    code_lines: int
    figures: int
    exercises: int
    solution_words: int
    solution_code_lines: int


def _split_solutions(cells) -> list[tuple[bool, object, str]]:
    """(inside a hidden solution?, cell, the part of its markdown source) for every cell."""
    parts: list[tuple[bool, object, str]] = []
    inside = False
    for cell in cells:
        if cell.cell_type != "markdown":
            parts.append((inside, cell, cell.source))
            continue
        pos = 0
        for m in _SOLUTION.finditer(cell.source):
            parts.append((inside, cell, cell.source[pos:m.start()]))
            inside = m.group(2) == "start"
            pos = m.end()
        parts.append((inside, cell, cell.source[pos:]))
    return parts


def _has_image(output) -> bool:
    return any(key.startswith("image/") for key in output.get("data", {}))


def count_notebook(nb) -> Counts:
    """Count prose, code, figures, exercises and hidden solutions of a notebook (an ``nbformat`` node)."""
    words = code = figures = exercises = sol_words = sol_code = 0
    for inside, cell, text in _split_solutions(nb.cells):
        if cell.cell_type == "markdown":
            if inside:
                sol_words += count_words(text)
            else:
                words += count_words(text)
                exercises += count_exercises(text)
        elif cell.cell_type == "code":
            if inside:
                sol_code += count_code_lines(cell.source)
            else:
                code += count_code_lines(cell.source)
                figures += sum(1 for o in cell.get("outputs", []) if _has_image(o))
    return Counts(words, code, figures, exercises, sol_words, sol_code)


def reading_minutes(words: int) -> int:
    """Minutes to read ``words`` at :data:`WORDS_PER_MINUTE`, rounded to the nearest minute (at least 1)."""
    return max(1, math.floor(words / WORDS_PER_MINUTE + 0.5)) if words else 0


def pages() -> list[str]:
    """Notebook pages in the order of ``_toc.yml`` (chapters and appendices; not the reference pages)."""
    toc = yaml.safe_load(TOC.read_text(encoding="utf-8"))
    files = [c["file"] for part in toc.get("parts", []) for c in part.get("chapters", [])]
    return [f for f in files if (BOOK / "en" / f"{f}.ipynb").exists()]


# --------------------------------------------------------------------------- the profile


@dataclass(frozen=True)
class Profile:
    """The execution times of ``profile/REPORT.md``."""

    seconds: dict[str, float]  # "book/en/01_definition.ipynb" -> total seconds
    peak_mib: dict[str, float]
    date: str
    cores: str


def parse_profile(text: str) -> Profile:
    """Read the notebook table of a report written by ``scripts/profile_book.py``."""
    lines = text.splitlines()
    header = next((i for i, ln in enumerate(lines) if ln.startswith("| notebook |")), None)
    if header is None:
        raise ValueError("the profile report has no '| notebook |' table")
    cols = [c.strip() for c in lines[header].strip().strip("|").split("|")]
    try:
        i_total, i_peak = cols.index("total (s)"), cols.index("peak RSS (MiB)")
    except ValueError as exc:
        raise ValueError(f"the profile table lacks a column: {exc}") from None
    seconds, peak = {}, {}
    for ln in lines[header + 2:]:
        if not ln.startswith("|"):
            break
        cells = [c.strip() for c in ln.strip().strip("|").split("|")]
        m = re.fullmatch(r"`([^`]+\.ipynb)`", cells[0])
        if not m:
            continue
        try:
            seconds[m.group(1)] = float(cells[i_total])
            peak[m.group(1)] = float(cells[i_peak])
        except ValueError:
            continue  # a notebook that failed: no time
    date = re.search(r"on (\d{4}-\d\d-\d\d[^.]*?UTC)", text)
    cores = re.search(r"^- usable cores: (\S+)", text, flags=re.M) or re.search(r"^- cores: (\S+)", text, flags=re.M)
    return Profile(seconds, peak, date.group(1) if date else "?", cores.group(1) if cores else "?")


def load_profile(path: Path = PROFILE) -> Profile:
    if not path.exists():
        raise SystemExit(f"{path.relative_to(ROOT)} does not exist: run python scripts/profile_book.py")
    return parse_profile(path.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- the table

TEXT = {
    "en": {
        "headers": ("page", "prose words (en / it)", "reading (en / it)", "code lines", "figures",
                    "execution (en / it)", "exercises, with allowance", "hidden solutions: words (en / it), code lines",
                    "total (en / it)"),
        "book": "whole book",
        "min": "min",
        "note": (
            "Reading: prose words at {wpm} words per minute. Execution: total seconds per notebook (kernel "
            "start-up and every cell, top to bottom in a fresh kernel) from `profile/REPORT.md`, profiled on "
            "{date} on a machine with {cores} usable cores; peak memory at most {peak:.0f} MiB. Exercises: an "
            "*allowance* of {per} minutes per exercise, not a measurement. Total: reading + execution rounded up "
            "to a minute + the allowance. Code lines, figures and the hidden solutions are counted, not timed. "
            "Generated by `python scripts/study_time.py`."
        ),
    },
    "it": {
        "headers": ("pagina", "parole di prosa (en / it)", "lettura (en / it)", "righe di codice", "figure",
                    "esecuzione (en / it)", "esercizi, con margine", "soluzioni nascoste: parole (en / it), righe di codice",
                    "totale (en / it)"),
        "book": "tutto il libro",
        "min": "min",
        "note": (
            "Lettura: parole di prosa a {wpm} parole al minuto. Esecuzione: secondi totali per notebook (avvio "
            "del kernel e tutte le celle, dall'inizio alla fine in un kernel nuovo) da `profile/REPORT.md`, "
            "misurati il {date} su una macchina con {cores} core utilizzabili; picco di memoria al massimo "
            "{peak:.0f} MiB. Esercizi: un *margine* di {per} minuti per esercizio, non una misura. Totale: "
            "lettura + esecuzione arrotondata per eccesso al minuto + il margine. Righe di codice, figure e "
            "soluzioni nascoste sono contate, non cronometrate. Generato da `python scripts/study_time.py`."
        ),
    },
}


def _n(v: int | float, lang: str) -> str:
    """A number with the thousands separator of the language (1,258 / 1.258)."""
    s = f"{v:,}" if isinstance(v, int) else f"{v:,.0f}"
    return s.replace(",", ".") if lang == "it" else s


def _pair(a, b, lang: str, unit: str = "") -> str:
    u = f" {unit}" if unit else ""
    return f"{_n(a, lang)}{u} / {_n(b, lang)}{u}"


def _same(a: int, b: int, lang: str) -> str:
    """One number when both editions agree (they share their code cells), both otherwise."""
    return _n(a, lang) if a == b else _pair(a, b, lang)


def _hours(minutes: int) -> str:
    """125 -> '2 h 05'."""
    return f"{minutes // 60} h {minutes % 60:02d}"


def _page_title(name: str, lang: str) -> str:
    """'5b {ref}`Where ReLU fits <ch-domains>`': number from the file name, short title and label from the notebook."""
    nb = nbformat.read(BOOK / lang / f"{name}.ipynb", as_version=4)
    first = next(c.source for c in nb.cells if c.cell_type == "markdown")
    label = re.search(r"^\(([\w:.-]+)\)=", first, flags=re.M)
    title = re.search(r"^#\s+(.+)$", first, flags=re.M)
    if not (label and title):
        raise ValueError(f"book/{lang}/{name}.ipynb: the first markdown cell has no label and title")
    short = title.group(1).split(":")[0].strip()
    m = re.match(r"0*([0-9]+[a-z]?)_|([A-Z][0-9]*)_", name)
    number = (m.group(1) or m.group(2)) if m else ""
    return f"{number} {{ref}}`{short} <{label.group(1)}>`".strip()


@dataclass(frozen=True)
class Row:
    name: str
    counts: dict[str, Counts]  # language -> counts
    seconds: dict[str, float]

    def reading(self, lang: str) -> int:
        return reading_minutes(self.counts[lang].words)

    def total(self, lang: str) -> int:
        c = self.counts[lang]
        return self.reading(lang) + math.ceil(self.seconds[lang] / 60) + c.exercises * MINUTES_PER_EXERCISE


def measure(names: list[str] | None = None, profile: Profile | None = None) -> list[Row]:
    """Count every page in both languages and attach its execution time."""
    profile = profile or load_profile()
    rows = []
    for name in names if names is not None else pages():
        counts, seconds = {}, {}
        for lang in LANGS:
            key = f"book/{lang}/{name}.ipynb"
            counts[lang] = count_notebook(nbformat.read(ROOT / key, as_version=4))
            if key not in profile.seconds:
                raise SystemExit(f"profile/REPORT.md has no time for {key}: run python scripts/profile_book.py")
            seconds[lang] = profile.seconds[key]
        rows.append(Row(name, counts, seconds))
    return rows


def render_table(rows: list[Row], profile: Profile, lang: str) -> str:
    """The study-time block of ``lang``'s teacher's guide (table and note)."""
    tx = TEXT[lang]
    mn = tx["min"]
    lines = ["| " + " | ".join(tx["headers"]) + " |", "| " + " | ".join(["---"] + ["---:"] * 8) + " |"]
    for r in rows:
        en, it = r.counts["en"], r.counts["it"]
        lines.append("| " + " | ".join([
            _page_title(r.name, lang),
            _pair(en.words, it.words, lang),
            _pair(r.reading("en"), r.reading("it"), lang, mn),
            _same(en.code_lines, it.code_lines, lang),
            _same(en.figures, it.figures, lang),
            _pair(round(r.seconds["en"]), round(r.seconds["it"]), lang, "s"),
            f"{_same(en.exercises, it.exercises, lang)} ({en.exercises * MINUTES_PER_EXERCISE} {mn})",
            f"{_pair(en.solution_words, it.solution_words, lang)}; {_same(en.solution_code_lines, it.solution_code_lines, lang)}",
            _pair(r.total("en"), r.total("it"), lang, mn),
        ]) + " |")
    s = lambda f: {la: sum(f(r, la) for r in rows) for la in LANGS}  # noqa: E731
    words, reading, total = s(lambda r, la: r.counts[la].words), s(lambda r, la: r.reading(la)), s(lambda r, la: r.total(la))
    code, figs = s(lambda r, la: r.counts[la].code_lines), s(lambda r, la: r.counts[la].figures)
    ex, secs = s(lambda r, la: r.counts[la].exercises), s(lambda r, la: r.seconds[la])
    sw, sc = s(lambda r, la: r.counts[la].solution_words), s(lambda r, la: r.counts[la].solution_code_lines)
    b = lambda v: f"**{v}**"  # noqa: E731
    lines.append("| " + " | ".join([
        b(tx["book"]),
        b(_pair(words["en"], words["it"], lang)),
        b(_pair(reading["en"], reading["it"], lang, mn)),
        b(_same(code["en"], code["it"], lang)),
        b(_same(figs["en"], figs["it"], lang)),
        b(_pair(round(secs["en"]), round(secs["it"]), lang, "s")),
        b(f"{_same(ex['en'], ex['it'], lang)} ({_n(ex['en'] * MINUTES_PER_EXERCISE, lang)} {mn})"),
        b(f"{_pair(sw['en'], sw['it'], lang)}; {_same(sc['en'], sc['it'], lang)}"),
        b(f"{_pair(total['en'], total['it'], lang, mn)} ({_hours(total['en'])} / {_hours(total['it'])})"),
    ]) + " |")
    peak = max((profile.peak_mib.get(f"book/{la}/{r.name}.ipynb", 0.0) for r in rows for la in LANGS), default=0.0)
    note = tx["note"].format(wpm=WORDS_PER_MINUTE, date=profile.date, cores=profile.cores, peak=peak,
                             per=MINUTES_PER_EXERCISE)
    return "\n".join(lines) + "\n\n" + note + "\n"


def replace_block(page: str, block: str, where: str = "page") -> str:
    """``page`` with the text between the study-time markers replaced by ``block``."""
    if page.count(START) != 1 or page.count(END) != 1 or page.index(START) > page.index(END):
        raise ValueError(f"{where} must contain {START} and then {END}, once each")
    head, rest = page.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{block}{END}{tail}"


def render_pages(rows: list[Row] | None = None, profile: Profile | None = None) -> dict[Path, str]:
    """The new text of each language's teachers.md."""
    profile = profile or load_profile()
    rows = rows if rows is not None else measure(profile=profile)
    out = {}
    for lang in LANGS:
        path = BOOK / lang / "teachers.md"
        out[path] = replace_block(path.read_text(encoding="utf-8"), render_table(rows, profile, lang), str(path))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="exit 1 if a page is out of date; change nothing")
    mode.add_argument("--print", action="store_true", help="print the English table; change nothing")
    args = parser.parse_args(argv)
    profile = load_profile()
    rows = measure(profile=profile)
    if args.print:
        print(render_table(rows, profile, "en"))
        return 0
    stale = sync_pages(render_pages(rows, profile), check=args.check)
    rel = ", ".join(str(p.relative_to(ROOT)) for p in stale)
    if args.check:
        if stale:
            print(f"stale study-time table in {rel}: run python scripts/study_time.py", file=sys.stderr)
            return 1
        print("study-time tables are up to date")
        return 0
    print(f"updated {rel}" if stale else "study-time tables were already up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
