"""Per-text conveniences over the engine: every measure of one text, sharing one parse.

The functions users call on a string (``extract_quotes(text)``,
``find_mentions(text)``, ``find_hedges(text)``, …) take the text as it is —
no boilerplate step, all of it body — and ask :func:`text_tables` for their
table. The last :data:`KEEP` texts are kept with their parse and the tables
computed so far, so calling them one after another on one text parses it once
and runs each measure once.
"""

from __future__ import annotations

import collections

import pandas as pd

from analysis.core.article import Article
from analysis.core.parse import Parse
from analysis.engine.contract import select
from analysis.engine.run import measure_article

#: How many texts are kept with their parse and tables.
KEEP = 4
_kept: collections.OrderedDict = collections.OrderedDict()


def text_article(text: str, nlp=None) -> Article:
    """``text`` as a plain article with its parse (from ``nlp`` when that is a :class:`Parse`)."""
    art = Article.plain(text)
    art.parse = nlp if isinstance(nlp, Parse) else Parse.of(text, nlp)
    return art


def text_tables(text: str, names, nlp=None) -> dict[str, pd.DataFrame]:
    """The tables of the measures ``names`` (and what they need) for the plain text ``text``.

    With ``nlp`` None the text's parse and tables are kept (see :data:`KEEP`);
    with a :class:`Parse` or a spaCy pipeline they are computed for this call.
    """
    measures = [m for m in select(names) if m.parse]
    if nlp is not None:
        return measure_article(text_article(text, nlp), measures)
    key = text
    if key in _kept:
        _kept.move_to_end(key)
        art, tables = _kept[key]
    else:
        art, tables = text_article(text), {}
        _kept[key] = (art, tables)
        while len(_kept) > KEEP:
            _kept.popitem(last=False)
    todo = [m for m in measures if not set(m.tables) <= set(tables)]
    if todo:
        tables.update(measure_article(art, measures, tables))
    return {k: v.copy() for k, v in tables.items()}


def forget() -> None:
    """Drop the kept texts (e.g. after changing a lexicon or the registry in a session)."""
    _kept.clear()
