"""The parse of one article, done once and handed to every measure.

spaCy's convention: parse once, pass the parsed document. An article is parsed
piece by piece (:func:`analysis.core.units.piece_rows`: one paragraph, or a
piece of an over-long one), so a :class:`Parse` holds one ``Doc`` per piece,
keyed by where the piece starts in the article and what it says. Every text a
measure reads of the article — the body, or the body with headline and
standfirst — is the raw page with some lines blanked, so its pieces are pieces
of the parsed text at the same offsets and are looked up, not parsed again.

A piece the parse does not hold (a caller handing it some other text) is
parsed on demand with the same pipeline and counted in :attr:`Parse.misses`,
so a measure never gets a wrong parse, only a slower one; the engine's tests
assert that no measure misses.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from analysis.core.units import Row, piece_rows, sentence_spans
from analysis.nlp import load_nlp

SENTENCE_COLUMNS = ["sentence", "paragraph", "start", "end", "text"]


class Parse:
    """The spaCy ``Doc`` of every piece of a text, looked up by offset.

    Build it with :meth:`of` (parses the pieces of a text) or from pieces and
    docs parsed elsewhere (the engine parses a whole chunk of articles in one
    ``nlp.pipe`` stream). :meth:`docs` gives ``(Row, Doc)`` for the pieces of
    any text laid over the same article; :meth:`sentences` its sentence table.
    """

    def __init__(self, pieces: Sequence[Row], docs: Sequence, nlp=None):
        if len(pieces) != len(docs):
            raise ValueError(f"{len(pieces)} pieces but {len(docs)} docs")
        self._docs = {(r.start, r.text): d for r, d in zip(pieces, docs)}
        self._nlp = nlp
        self._rows: dict[str, tuple[Row, ...]] = {}
        self._sentences: dict[str, pd.DataFrame] = {}
        #: Pieces that were not in the parse and had to be parsed on demand.
        self.misses = 0

    @classmethod
    def of(cls, text: str, nlp=None, batch_size: int = 64) -> "Parse":
        """Parse the pieces of ``text`` (one ``nlp.pipe`` batch)."""
        nlp = nlp or load_nlp()
        rows = piece_rows(text)
        return cls(rows, list(nlp.pipe([r.text for r in rows], batch_size=batch_size)), nlp)

    @property
    def nlp(self):
        """The pipeline that made the parse (loaded when first needed)."""
        if self._nlp is None:
            self._nlp = load_nlp()
        return self._nlp

    def rows(self, text: str) -> tuple[Row, ...]:
        """The pieces of ``text`` (computed once per text)."""
        if text not in self._rows:
            self._rows[text] = piece_rows(text)
        return self._rows[text]

    def docs(self, text: str) -> list[tuple[Row, object]]:
        """``(Row, Doc)`` for each piece of ``text``, from the parse (parsed on demand if missing)."""
        rows = self.rows(text)
        out, todo = [], []
        for k, r in enumerate(rows):
            doc = self._docs.get((r.start, r.text))
            out.append((r, doc))
            if doc is None:
                todo.append(k)
        if todo:
            self.misses += len(todo)
            for k, doc in zip(todo, self.nlp.pipe([rows[k].text for k in todo])):
                self._docs[(rows[k].start, rows[k].text)] = doc
                out[k] = (rows[k], doc)
        return out

    def sentences(self, text: str) -> pd.DataFrame:
        """One row per sentence of ``text``: ``sentence`` (1-based), ``paragraph``, ``start``, ``end``, ``text``."""
        if text not in self._sentences:
            rows = []
            for para, doc in self.docs(text):
                for _, start, s in sentence_spans(para, doc):
                    rows.append((len(rows) + 1, para.paragraph, start, start + len(s), s))
            self._sentences[text] = pd.DataFrame(rows, columns=SENTENCE_COLUMNS)
        return self._sentences[text].copy()

    def pipe(self, texts: Iterable[str], batch_size: int | None = None, **kwargs):
        """Parse free-standing ``texts`` (not pieces of the article) with the same pipeline."""
        texts = list(texts)
        return self.nlp.pipe(texts, **({"batch_size": batch_size} if batch_size else {}), **kwargs)


def parse_of(text: str, nlp=None) -> Parse:
    """``nlp`` itself when it is already a :class:`Parse`, else a new parse of ``text``."""
    return nlp if isinstance(nlp, Parse) else Parse.of(text, nlp)


def docs(text: str, nlp=None) -> list[tuple[Row, object]]:
    """``(Row, Doc)`` for each piece of ``text``: looked up when ``nlp`` is a :class:`Parse`,
    else parsed in one ``nlp.pipe`` batch (the default pipeline when ``nlp`` is None)."""
    if isinstance(nlp, Parse):
        return nlp.docs(text)
    nlp = nlp or load_nlp()
    rows = piece_rows(text)
    return list(zip(rows, nlp.pipe([r.text for r in rows])))


def sentences(text: str, nlp=None) -> pd.DataFrame:
    """One row per sentence of ``text`` (:data:`SENTENCE_COLUMNS`), from :func:`docs`."""
    return parse_of(text, nlp).sentences(text)
