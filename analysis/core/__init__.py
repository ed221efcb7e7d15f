"""The core every measure shares: what an article is, its parse, and what a word is.

* :mod:`analysis.core.words` — the one definition of a body word, used by every
  count of words in the library (textstat's own counts are labelled as its own).
* :mod:`analysis.core.parse` — :class:`~analysis.core.parse.Parse`, the spaCy
  parse of one article, done once and handed to every measure.
* :mod:`analysis.core.article` — :class:`~analysis.core.article.Article`, the raw
  page with its lines, body and parse.

Nothing here knows of any measure, of this study's story, or of the engine.
"""
