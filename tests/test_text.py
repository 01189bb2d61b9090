"""relulab.text: prose from the chapter sources, words, n-grams, embeddings and the synthetic Zipf language."""

import numpy as np
import pytest

from relulab import text

SOURCE = """%% md en
(sec-x)=
# A title
Some *prose* with $x^2$ maths, a {cite:p}`nair2010rectified` citation and [a link](http://x.org).
%% md it
# Un titolo
Della *prosa* italiana: l'idea.
%% code
print("code is not prose")
%% md en
```{exercise}
:label: ex-1
Write the word banana.
```
```python
import not_prose
```
$$
a = b
$$
"""


def test_markdown_cells_pick_one_language_and_skip_code():
    en = text.markdown_cells(SOURCE, "en")
    it = text.markdown_cells(SOURCE, "it")
    assert len(en) == 2 and len(it) == 1
    assert "Un titolo" in it[0] and "code is not prose" not in "".join(en + it)


def test_clean_markdown_keeps_prose_and_drops_markup():
    en = " ".join(text.clean_markdown(c) for c in text.markdown_cells(SOURCE, "en"))
    for kept in ("A title", "prose", "a link", "Write the word banana"):
        assert kept in en
    for dropped in ("sec-x", "nair2010", "x^2", "http", ":label:", "not_prose", "a = b", "{exercise}", "*", "#"):
        assert dropped not in en


def test_clean_markdown_keeps_the_words_a_role_shows():
    md = ("A {term}`dead unit` stays off; {term}`units <unit>` fire; see {ref}`the ledger <claims-ledger>` "
          "and {ref}`sec-x` {cite:p}`nair2010rectified`.")
    assert text.clean_markdown(md) == "A dead unit stays off; units fire; see the ledger and ."


def test_markdown_cells_and_clean_markdown_refuse_bad_input():
    with pytest.raises(ValueError, match="lang must be one of"):
        text.markdown_cells(SOURCE, "fr")
    with pytest.raises(TypeError, match="source must be"):
        text.markdown_cells(b"bytes", "en")
    with pytest.raises(TypeError, match="md must be a str"):
        text.clean_markdown(None)


def test_book_prose_reads_named_sources(tmp_path):
    (tmp_path / "a.nbsrc").write_text(SOURCE, encoding="utf-8")
    (tmp_path / "b.nbsrc").write_text("%% md en\nSecond chapter.\n%% md it\nSecondo capitolo.\n", encoding="utf-8")
    en = text.book_prose("en", ["a", "b"], directory=tmp_path)
    assert en.index("A title") < en.index("Second chapter")
    assert "Secondo" in text.book_prose("it", ["b"], directory=tmp_path)
    with pytest.raises(FileNotFoundError, match=r"available: \['a', 'b'\]"):
        text.book_prose("en", ["missing"], directory=tmp_path)
    with pytest.raises(TypeError, match="non-empty list"):
        text.book_prose("en", "a", directory=tmp_path)
    with pytest.raises(TypeError, match="non-empty list"):
        text.book_prose("en", [], directory=tmp_path)


@pytest.mark.parametrize("chapter, min_words", [("05_domains", 2002), ("05b_transformers", 1000), ("05c_gans", 1000)])
def test_book_prose_of_this_chapter_exists_in_both_languages(chapter, min_words):
    # 05_domains feeds 2,000 next-word windows (+2 words of context) to text_task: its prose must stay that long
    en = text.book_prose("en", [chapter])
    it = text.book_prose("it", [chapter])
    assert len(text.words(en)) >= min_words and len(text.words(it)) >= min_words
    assert "the" in text.words(en) and "della" in text.words(it)
    assert "import" not in text.words(en)  # code cells are not prose


def test_words_split_on_apostrophes_digits_and_punctuation():
    assert text.words("L'idea: ReLU è max(0, x)!") == ["l", "idea", "relu", "è", "max", "x"]
    assert text.words("Don't stop 2day") == ["don", "t", "stop", "day"]
    with pytest.raises(TypeError):
        text.words(["a"])


def test_encode_orders_by_frequency_breaks_ties_alphabetically_and_maps_the_rest_to_unk():
    enc = text.encode(["b", "a", "c", "a", "b", "d", "a"], 3)
    assert enc.vocab == ("a", "b", text.UNK)
    assert enc.ids.tolist() == [1, 0, 2, 0, 1, 2, 0]
    assert enc.unk_share == pytest.approx(2 / 7)
    with pytest.raises(ValueError, match="empty"):
        text.encode([], 3)
    with pytest.raises(TypeError, match="sequence of words"):
        text.encode("a string", 3)
    with pytest.raises(ValueError, match="size"):
        text.encode(["a"], 1)


def test_ngrams_are_overlapping_windows():
    got = text.ngrams(np.array([5, 6, 7, 8]), 3)
    assert got.tolist() == [[5, 6, 7], [6, 7, 8]]
    with pytest.raises(ValueError, match="at least n"):
        text.ngrams([1, 2], 3)
    with pytest.raises(TypeError, match="integers"):
        text.ngrams(np.array([0.5, 1.5]), 1)


def test_embed_ngrams_concatenates_fixed_embeddings():
    ctx = np.array([[0, 1], [1, 0], [0, 1]])
    e = text.embed_ngrams(ctx, 3, 4, seed=7)
    assert e.shape == (3, 8) and e.dtype == np.float64
    np.testing.assert_array_equal(e[0], e[2])
    np.testing.assert_array_equal(e[0, :4], e[1, 4:])
    np.testing.assert_array_equal(e, text.embed_ngrams(ctx, 3, 4, seed=7))
    assert not np.allclose(e, text.embed_ngrams(ctx, 3, 4, seed=8))
    with pytest.raises(ValueError, match=r"ids must be in \[0, 2\]"):
        text.embed_ngrams(np.array([[3]]), 3, 4, seed=0)


def test_zipf_probabilities():
    p = text.zipf_probabilities(10, 1.5)
    assert p.sum() == pytest.approx(1.0)
    assert p[0] / p[3] == pytest.approx(4**1.5)
    np.testing.assert_allclose(text.zipf_probabilities(5, 0.0), 0.2)
    with pytest.raises(ValueError, match="exponent"):
        text.zipf_probabilities(5, -1.0)


def test_zipf_markov_tokens_follow_zipf_successor_laws():
    n, v, s = 40_000, 20, 1.0
    ids = text.zipf_markov_tokens(n, v, s, seed=3)
    assert ids.min() >= 0 and ids.max() < v
    np.testing.assert_array_equal(ids, text.zipf_markov_tokens(n, v, s, seed=3))
    # the most frequent successor of each word has probability p_1 (Monte Carlo, within 4 standard errors)
    pairs = text.ngrams(ids, 2)
    top = []
    for w in range(v):
        nxt = pairs[pairs[:, 0] == w, 1]
        top.append(np.bincount(nxt, minlength=v).max() / nxt.size)
    p1 = text.zipf_probabilities(v, s)[0]
    se = np.sqrt(p1 * (1 - p1) / (n / v))
    assert abs(np.mean(top) - p1) < 4 * se + 0.01  # max over words is biased up by at most ~1 point


def test_repetition_grows_with_the_exponent():
    from relulab.heterogeneity import distinct_fraction

    for seed in (0, 1, 2):
        fr = [distinct_fraction(text.ngrams(text.zipf_markov_tokens(3000, 100, s, seed=seed), 3)) for s in (0.0, 1.0, 2.0, 4.0)]
        assert fr == sorted(fr, reverse=True), fr
        assert fr[0] > 0.95 and fr[-1] < 0.2


@pytest.mark.parametrize("chapter", ["05_domains", "05b_transformers"])
@pytest.mark.parametrize("lang", ["en", "it"])
def test_book_prose_of_a_corpus_chapter_is_the_frozen_snapshot(chapter, lang):
    # editing the prose of 05/05b must not move the numbers of the notebooks trained on it
    snapshot = text.CORPUS_DIR / f"{chapter}.{lang}.txt"
    assert snapshot.is_file(), f"missing frozen corpus {snapshot}"
    frozen = snapshot.read_text(encoding="utf-8").removesuffix("\n")
    assert len(text.words(frozen)) >= 1000 and "import" not in text.words(frozen)
    assert text.book_prose(lang, [chapter]) == frozen
    assert text.book_prose(lang, [chapter, chapter]) == frozen + "\n\n" + frozen
    with pytest.raises(ValueError, match="lang must be one of"):
        text.book_prose("fr", [chapter])
