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
    "02_derivative": {"subgradient", "subdifferential", "automatic-differentiation", "backpropagation", "saturation",
                      "vanishing-gradient", "exploding-gradient", "xavier-initialization", "gradient-clipping",
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
