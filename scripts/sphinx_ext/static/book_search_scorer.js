/* Search ranking of the book (scripts/sphinx_ext/book_reader.py, html_search_scorer): the pages that
   gather every topic (claims ledger, glossary, bibliography, teachers' guide) rank below the
   chapters that explain it, however well they match (a glossary term is also an index entry, which
   Sphinx scores up to 100). Loaded after searchtools.js, which defines Scorer. */
if (typeof Scorer !== "undefined") {
  Scorer.score = function (result) {
    var docname = result[0], score = result[4];
    var gathering = ["claims", "glossary", "bibliography", "teachers", "genindex", "index"];
    return gathering.indexOf(docname) >= 0 ? score - 200 : score;
  };
}
