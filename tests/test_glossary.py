"""The glossary: one YAML source, both languages, rendered pages up to date, chapters consistent with it.

Every markdown cell of every notebook of each edition (book/<lang>/*.ipynb, so chapters are checked
as they land) must avoid the phrases the glossary lists as terminology errors, and every
{term} link must lead to a glossary entry of that edition.
"""

import re

import nbformat
import pytest
import yaml

import render_glossary as rg
from conftest import BOOK, LANGS, ROOT

TERMS = rg.load_terms()
NOTEBOOKS = sorted((BOOK / "en").glob("*.ipynb"))
TERM_ROLE = re.compile(r"\{term\}`([^`]*)`")


def markdown_cells(path):
    return [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown"]


def term_targets(text: str) -> list[str]:
    """Targets of the {term} roles in ``text``: 'X' for {term}`X`, 'Y' for {term}`X <Y>`."""
    out = []
    for role in TERM_ROLE.findall(text):
        m = re.fullmatch(r"(.*?)\s*<([^<>]+)>", role, flags=re.S)
        out.append(" ".join((m.group(2) if m else role).split()))
    return out


def names_of(lang):
    return {name.casefold(): t.id for t in TERMS for name in t.entries[lang].names}


# --------------------------------------------------------------------------- the data


def test_every_term_has_both_languages():
    assert len(TERMS) >= 30
    for t in TERMS:
        assert set(t.entries) == set(LANGS), t.id
        for lang in LANGS:
            e = t.entries[lang]
            assert e.term.strip() and len(e.definition) > 30, f"{t.id}: {lang} side incomplete"


def test_key_concepts_have_discouraged_synonyms_that_are_not_glossary_terms():
    with_avoid = [t.id for t in TERMS if any(t.entries[lang].avoid for lang in LANGS)]
    assert {"dead-unit", "dying-relu", "gradient-descent", "learning-rate", "kink"} <= set(with_avoid)
    for lang in LANGS:
        names = names_of(lang)
        for t in TERMS:
            for phrase in t.entries[lang].avoid:
                assert phrase.casefold() not in names, f"{t.id}: {phrase!r} is a glossary term in {lang}"


def write_terms(tmp_path, terms):
    path = tmp_path / "terms.yaml"
    path.write_text(yaml.safe_dump({"terms": terms}, allow_unicode=True), encoding="utf-8")
    return path


def good_term(tid="relu", en="ReLU", it="ReLU"):
    return {
        "id": tid,
        "en": {"term": en, "definition": "The positive part of its input."},
        "it": {"term": it, "definition": "La parte positiva dell'ingresso."},
    }


def test_loader_refuses_incomplete_or_inconsistent_terms(tmp_path):
    assert len(rg.load_terms(write_terms(tmp_path, [good_term()]))) == 1
    no_it = good_term()
    del no_it["it"]
    cases = [
        ([no_it], "needs an 'en' and an 'it' side"),
        ([{**good_term(), "it": {"term": "ReLU", "definition": " "}}], "'definition' must be a non-empty string"),
        ([good_term(), good_term()], "duplicate id"),
        ([good_term(), good_term("other", "relu", "altro")], "is used by both"),
        ([{**good_term(), "colour": "red"}], "unknown fields"),
        ([good_term("Bad_Id")], "id must be lowercase"),
        ([{**good_term(), "see": ["not a label"]}], "not valid MyST labels"),
    ]
    avoid_own_name = good_term()
    avoid_own_name["en"] = {**avoid_own_name["en"], "avoid": ["relu"]}
    cases.append(([avoid_own_name], "is the glossary name of"))
    for terms, message in cases:
        with pytest.raises(ValueError, match=re.escape(message)):
            rg.load_terms(write_terms(tmp_path, terms))


# --------------------------------------------------------------------------- the pages


def test_rendered_pages_are_up_to_date():
    for lang in LANGS:
        page = BOOK / lang / "glossary.md"
        assert page.read_text(encoding="utf-8") == rg.render_page(lang, TERMS), (
            f"book/{lang}/glossary.md is stale: run python scripts/render_glossary.py"
        )
    assert rg.main(["--check"]) == 0


def test_each_page_defines_every_term_of_its_language_next_to_the_other_language():
    for lang in LANGS:
        other = rg.OTHER[lang]
        page = rg.render_page(lang, TERMS)
        block = page.split("```{glossary}", 1)[1].split("\n```", 1)[0]
        term_lines = {line for line in block.splitlines() if line and not line[0].isspace()}
        for t in TERMS:
            assert set(t.entries[lang].names) <= term_lines, f"{t.id}: not defined on the {lang} page"
            assert f"| {{term}}`{t.entries[lang].term}` | <span lang=\"{other}\">{t.entries[other].term}</span> |" in page


def test_see_labels_exist_in_both_editions():
    for lang in LANGS:
        text = "".join(p.read_text(encoding="utf-8") for p in (BOOK / lang).glob("*.ipynb"))
        text += "".join(p.read_text(encoding="utf-8") for p in (BOOK / lang).glob("*.md"))
        for t in TERMS:
            for label in t.see:
                assert f"({label})=" in text, f"{t.id}: label {label} is not defined in book/{lang}"


def test_glossary_page_is_in_the_table_of_contents():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [c["file"] for part in toc["parts"] for c in part.get("chapters", [])]
    assert "glossary" in files


# --------------------------------------------------------------------------- the chapters


@pytest.mark.parametrize("lang", LANGS)
def test_term_links_lead_to_glossary_entries_of_the_same_language(lang):
    names = names_of(lang)
    pages = sorted((BOOK / lang).glob("*.ipynb"))
    texts = {p.name: "\n".join(markdown_cells(p)) for p in pages}
    texts |= {p.name: p.read_text(encoding="utf-8") for p in (BOOK / lang).glob("*.md")}
    bad = [(name, target) for name, text in texts.items() for target in term_targets(text) if target.casefold() not in names]
    assert not bad, f"{{term}} links in book/{lang} to terms its glossary does not define: {bad}"


@pytest.mark.parametrize("rel", [p.name for p in NOTEBOOKS])
def test_both_languages_link_the_same_glossary_entries(rel):
    linked = {}
    for lang in LANGS:
        names = names_of(lang)
        targets = term_targets("\n".join(markdown_cells(BOOK / lang / rel)))
        linked[lang] = {names[t.casefold()] for t in targets if t.casefold() in names}
    assert linked["en"] == linked["it"], (
        f"{rel}: glossary entries linked only in English: {sorted(linked['en'] - linked['it'])}; "
        f"only in Italian: {sorted(linked['it'] - linked['en'])}"
    )


@pytest.mark.parametrize("path", [BOOK / lang / p.name for p in NOTEBOOKS for lang in LANGS], ids=lambda p: f"{p.parent.name}/{p.name}")
def test_chapters_use_the_glossary_terms_not_discouraged_synonyms(path):
    lang = path.parent.name
    problems = []
    for i, cell in enumerate(markdown_cells(path)):
        for f in rg.discouraged_uses(cell, lang, TERMS):
            problems.append(f"markdown cell {i}: {f.phrase!r} -> use {f.term!r} (glossary: {f.term_id}) ... {f.excerpt} ...")
    assert not problems, f"{path.parent.name}/{path.name}:\n" + "\n".join(problems)


# The key concepts each chapter must link to the glossary, in both languages (it may link more).
KEY_TERMS = {
    "01_definition": {"activation-function", "relu", "piecewise-linear", "kink", "positive-homogeneity",
                      "he-initialization", "gradient-descent"},
    "02_derivative": {"subgradient", "subdifferential", "automatic-differentiation", "backpropagation"},
    "02a_depth": {"saturation", "vanishing-gradient", "exploding-gradient", "xavier-initialization", "gradient-clipping",
                  "batch-normalization"},
    "02b_propagation": {"correlation-map", "edge-of-chaos", "positive-homogeneity", "he-initialization",
                        "xavier-initialization", "pre-activation"},
    "03_sparsity": {"sparsity", "dead-unit", "dropout", "overfitting", "linear-region", "pre-activation"},
    "04_dying_relu": {"dying-relu", "dead-unit", "learning-rate", "bias", "momentum", "adam", "leaky-relu"},
    "05_domains": {"language-model", "embedding", "dead-unit", "effective-rank", "dying-relu", "leaky-relu"},
    "05b_transformers": {"transformer", "language-model", "gelu", "gated-linear-unit", "silu", "token", "sparsity",
                         "dead-unit"},
    "05c_gans": {"gan", "leaky-relu", "dead-unit", "loss-function"},
    "06_variants": {"leaky-relu", "prelu", "elu", "selu", "gelu", "silu", "softplus", "maxout", "self-normalization",
                    "saturation"},
    "06b_variants_compared": {"leaky-relu", "prelu", "elu", "selu", "gelu", "silu", "maxout", "dead-unit",
                              "self-normalization"},
    "A1_cost": {"memory-bound", "in-place-operation", "backpropagation", "relu"},
}


@pytest.mark.parametrize("name", sorted(KEY_TERMS))
def test_chapters_link_their_key_terms_in_both_languages(name):
    for lang in LANGS:
        names = names_of(lang)
        linked = {names[t.casefold()] for t in term_targets("\n".join(markdown_cells(BOOK / lang / f"{name}.ipynb")))}
        missing = KEY_TERMS[name] - linked
        assert not missing, f"{lang}/{name}: key terms not linked to the glossary: {sorted(missing)}"


# --------------------------------------------------------------------------- the check itself


def ids_found(text, lang):
    return [f.term_id for f in rg.discouraged_uses(text, lang, TERMS)]


def test_discouraged_phrases_are_found_in_prose():
    assert ids_found("A zombie neuron never fires.", "en") == ["dead-unit"]
    assert ids_found("Un neurone zombie non si accende mai.", "it") == ["dead-unit"]
    assert ids_found("Il tasso di\napprendimento è alto.", "it") == ["learning-rate"]  # across a line break
    assert ids_found("ZOMBIE NEURONS everywhere", "en") == ["dead-unit"]
    assert ids_found("Con l'allenamento la rete migliora.", "it") == ["training"]
    exercise = "```{exercise}\n:label: ex-x\nCount the zombie units.\n```"
    assert ids_found(exercise, "en") == ["dead-unit"]  # directive content is prose
    two = "```{solution-start} ex-x\n:class: dropdown\n```\nA **zombie neuron**.\n```{solution-end}\n```"
    assert ids_found(two, "en") == ["dead-unit"]


def test_discouraged_check_spares_code_math_quotes_glosses_and_variants():
    assert ids_found("Il learning rate (tasso di apprendimento) è alto.", "it") == []
    assert ids_found('Gli appunti parlano della "ReLU morente".', "it") == []
    assert ids_found("Gli appunti parlano della «ReLU morente».", "it") == []
    assert ids_found("Call `zombie_neuron(x)` or `zombie neuron`.", "en") == []
    assert ids_found("```python\nzombie neuron = 1\n```\nfine", "en") == []
    assert ids_found("$\\text{zombie neuron}$ and $$\\text{cusp}$$", "en") == []
    assert ids_found("La funzione d'attivazione e l'addestramento.", "it") == []  # a variant, not an error
    assert ids_found("<!-- zombie neuron -->", "en") == []
    assert ids_found("See {term}`dead units <dead unit>`.", "en") == []
    # the word must stand alone
    assert ids_found("cuspidale", "it") == [] and ids_found("cusp", "en") == ["kink"]


# --------------------------------------------------------------------------- Italian usage rules (issue 21)

USAGE = rg.load_usage()
IT_PAGES = [BOOK / "it" / f"{name}.md" for name in ("index", "claims", "teachers")]
#: Infinitives that are not instructions when they open a sentence (adjectives and nouns in -are/-ere/-ire).
NOT_INSTRUCTIONS = {"lineare", "particolare", "scalare", "regolare", "singolare", "popolare", "similare", "piacere",
                    "potere", "dovere", "parere", "carattere", "sapere", "volere", "avere", "essere", "mare",
                    "molare", "polare", "nucleare", "binare", "solare", "modulare", "cellulare", "tabulare"}
_INFINITIVE_START = re.compile(r"(?:^|(?<=[.!?:]\s)|(?<=^[-*]\s)|(?<=^\d\.\s)|(?<=^\d\d\.\s))([A-ZÀ-Ý][a-zà-ÿ]+(?:are|ere|ire))\b", re.M)
_EXERCISE = re.compile(r"^(```+)\{exercise\}[^\n]*\n(.*?)^\1\s*$", re.M | re.S)


def usage_problems(text, *, prose=True):
    """Rejected Italian variants in ``text``: markdown (reduced to prose) or plain output text."""
    found = rg.discouraged_uses(text, "it", TERMS, USAGE) if prose else rg.usage_findings(text, USAGE)
    return [f"{f.phrase!r} -> use {f.term!r} ({f.term_id}) ... {f.excerpt} ..." for f in found]


def text_outputs(path):
    """The text outputs of the code cells of a notebook (streams, text/plain, text/markdown)."""
    out = []
    for cell in nbformat.read(path, as_version=4).cells:
        for o in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if o.get("output_type") == "stream":
                out.append(o.get("text", ""))
            else:
                data = o.get("data", {})
                out += [data[k] for k in ("text/plain", "text/markdown") if k in data]
    return ["".join(t) if isinstance(t, list) else t for t in out]


def infinitive_instructions(markdown):
    """Sentences of exercises that open with an infinitive ("Implementare.") instead of the *voi* form."""
    bad = []
    for m in _EXERCISE.finditer(markdown):
        body = rg.prose_of(m.group(2)).replace("*", "").replace("_", " ")  # "**Implementare.**" too
        for w in _INFINITIVE_START.findall(body):
            if w.casefold() not in NOT_INSTRUCTIONS:
                bad.append(w)
    return bad


def test_usage_rules_load_and_each_has_a_choice():
    ids = {u.id for u in USAGE}
    assert {"width", "run", "activation-pattern", "lifetime-sparsity", "central-difference", "standard-deviation",
            "standard-error", "sgd-gender", "default"} <= ids
    kept = rg.load_kept_english()
    assert {"learning rate", "seed", "dying ReLU", "momentum", "batch"} <= set(kept)
    it_names = names_of("it")
    for u in USAGE:
        for phrase in u.avoid:
            assert phrase.casefold() not in it_names, f"{u.id}: {phrase!r} is an Italian glossary term"
            assert phrase.casefold() not in {k.casefold() for k in kept}, f"{u.id}: {phrase!r} is kept in English"


def test_loader_refuses_bad_usage_rules(tmp_path):
    for rules, message in [
        ([{"id": "x", "use": "y", "colour": 1}], "unknown fields"),
        ([{"id": "x", "use": " "}], "'use' must be a non-empty string"),
        ([{"id": "x", "use": "y", "avoid_regex": ["("]}], "not a valid regular expression"),
        ([{"id": "x", "use": "y"}, {"id": "x", "use": "z"}], "id must be unique"),
    ]:
        path = tmp_path / "terms.yaml"
        path.write_text(yaml.safe_dump({"terms": [good_term()], "usage": rules}, allow_unicode=True), encoding="utf-8")
        with pytest.raises(ValueError, match=re.escape(message)):
            rg.load_usage(path)


def test_planted_usage_violations_are_found_and_correct_forms_are_not():
    planted = {
        "La larghezza dello strato conta.": "width",
        "Con l'inizializzazione di default di PyTorch.": "default",
        "Ogni run dura dieci secondi.": "run",
        "Il pattern di attivazione cambia.": "activation-pattern",
        "La sparsità nel tempo è alta.": "lifetime-sparsity",
        "Con la differenza centrata si stima la derivata.": "central-difference",
        "Media 0,5 (dev. std. 0,1).": "standard-deviation",
        "Media 0,5 (s.e. 0,1).": "standard-error",
        "L'SGD con momentum.": "sgd-gender",
        "Il capitolo decide queste affermazioni.": "pronounce-on",
        "Le immagini di training sono poche.": "training",
        "SGD con momento 0,9.": "momentum",
        "Le unità a porta moltiplicano.": "gated-linear-unit",
    }
    for text, expected in planted.items():
        assert expected in [f.term_id for f in rg.discouraged_uses(text, "it", TERMS, USAGE)], text
    fine = ("L'ampiezza dello strato e la larghezza di banda della memoria. La sparsità nel tempo di vita, "
            "la differenza centrale, la d.s. e l'e.s. della SGD: il capitolo si pronuncia su tre affermazioni. "
            "Ogni esecuzione usa il momentum 0,9 e l'inizializzazione predefinita; si chiama `run(seed)`.")
    assert usage_problems(fine) == []
    assert usage_problems("Il «training set» del testo originale.") == []  # a quotation
    assert usage_problems("ogni run ha seed 0", prose=False)  # output text is scanned too
    assert rg.discouraged_uses("The run and the training set.", "en", TERMS, USAGE) == []  # Italian only


def test_register_check_flags_infinitive_instructions():
    bad = "```{exercise}\n:label: ex-a\nImplementare la ReLU. Confrontare i risultati.\n```"
    assert infinitive_instructions(bad) == ["Implementare", "Confrontare"]
    assert infinitive_instructions("```{exercise}\n:label: ex-b\n**Implementare.** Scrivete `f`.\n```") == ["Implementare"]
    good = "```{exercise}\n:label: ex-a\nImplementate la ReLU. Una mappa lineare: confrontate i risultati.\n```"
    assert infinitive_instructions(good) == []
    assert infinitive_instructions("Implementare la ReLU è facile.") == []  # not an exercise


@pytest.mark.parametrize("path", [BOOK / "it" / p.name for p in NOTEBOOKS] + IT_PAGES, ids=lambda p: p.name)
def test_italian_prose_follows_the_usage_rules(path):
    if path.suffix == ".md":
        texts = [("page", path.read_text(encoding="utf-8"))]
    else:
        texts = [(f"markdown cell {i}", c) for i, c in enumerate(markdown_cells(path))]
    problems = [f"{where}: {p}" for where, text in texts for p in usage_problems(text)]
    assert not problems, f"it/{path.name}:\n" + "\n".join(problems)


@pytest.mark.parametrize("path", [BOOK / "it" / p.name for p in NOTEBOOKS], ids=lambda p: p.name)
def test_italian_outputs_follow_the_usage_rules(path):
    """What the code prints in Italian (tables, check lines) uses the same words as the prose.

    The catalogue texts that print these words are not all corrected yet (issue 21, item 1):
    ``KNOWN_OUTPUT_DEBT`` lists, per notebook, each rejected word still printed and how often. The
    list is a ratchet: a new violation, or more of a known one, fails; so does a fixed one that is
    still listed (lower the count when you fix it)."""
    import collections

    problems = [p for t in text_outputs(path) for p in usage_problems(t, prose=False)]
    found = collections.Counter(p.split(" -> ")[0] for p in problems)
    known = KNOWN_OUTPUT_DEBT.get(path.name, {})
    worse = {w: n for w, n in found.items() if n > known.get(w, 0)}
    assert not worse, f"it/{path.name}: rejected words printed: {worse}\n" + "\n".join(problems)
    stale = {w: n for w, n in known.items() if found.get(w, 0) < n}
    assert not stale, f"it/{path.name}: fixed, lower KNOWN_OUTPUT_DEBT to what is left: {stale} (now {dict(found)})"


#: Rejected words the Italian notebooks still print (catalogue texts to correct; see the test above).
KNOWN_OUTPUT_DEBT: dict[str, dict[str, int]] = {}


@pytest.mark.parametrize("path", [BOOK / "it" / p.name for p in NOTEBOOKS] + IT_PAGES, ids=lambda p: p.name)
def test_italian_exercises_address_the_student_as_voi(path):
    cells = [path.read_text(encoding="utf-8")] if path.suffix == ".md" else markdown_cells(path)
    bad = [w for c in cells for w in infinitive_instructions(c)]
    assert not bad, f"it/{path.name}: exercises open with an infinitive, use the voi form: {bad}"
