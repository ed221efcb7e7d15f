"""Hedges and boosters: how tentatively (or emphatically) an article states what it reports.

A cue is a word or phrase from the lexicon ``data/hedge_lexicon.csv`` that
survives the context rules named in its ``conditions`` column. Every entry
carries its category, the kind of uncertainty it signals and its source:
Hyland (2005, *Metadiscourse*, appendix lists of hedges and boosters); the cue
types of the Szeged Uncertainty Corpus / CoNLL-2010 shared task (Farkas et al.
2010; Vincze et al. 2014); Prince, Frader & Bosk (1982) and Quirk et al. (1985)
for approximators; Wikipedia's weasel-word guideline (the basis of CoNLL-2010's
Wikipedia cues) and the AP Stylebook for journalism's attribution hedges; and
the study's guideline ``data/annotations/hedges_guideline.md``.

Categories (:data:`CATEGORIES`)
    ``epistemic_modal`` may, might, could, would as conjecture;
    ``probability`` likely, probably, possibly, perhaps, unclear;
    ``doxastic`` believe, think, expect, hope, consider, with a named believer;
    ``evidential`` appear, seem, suggest, indicate, signal, point to;
    ``approximator`` about/around/over/more than before a quantity, nearly,
    "an estimated", and adaptors (essentially, largely, a bit of, a certain);
    ``attribution_hedge`` reportedly, allegedly, according to, claim (verb),
    maintain, insist, so-called, and a vague source with a reporting or belief
    verb ("analysts say", "many believe", "is believed");
    ``condition`` if, unless, whether; ``counterfactual`` the modal and the
    ``if`` of a counterfactual conditional (not a hedge: the speaker asserts
    the antecedent is false); ``booster`` clearly, certainly, undoubtedly,
    decisively, in fact, factive "shows".

Context rules (:data:`RULES`; the ``conditions`` column names them)
    "May" the month is not a modal; "about", "around", "over", "more than"
    count only before a quantity; "will" is never a hedge (it is not in the
    lexicon), nor are "can", "should", "must"; "would" is dropped as reported
    future ("said it would"), future-in-the-past ("would later") and volition;
    could/would/might and ``if`` of a counterfactual conditional become
    ``counterfactual``; "claim" counts only as a verb with a clause ("officials
    claim to have ...", not "the claim", not "claimed responsibility");
    "according to" not in the sense "in accordance with" ("according to the
    rules"); "think tank"; "appear" only epistemically ("appears to be", not
    "appeared on television"); "certain" is a booster only predicatively ("a
    certain" is an approximator); "shows" a booster only factively (not
    "showed footage"). When two cues overlap the longer wins ("almost
    certainly" over "certainly", "sources insist" over "insist").

Each cue also says what kind of ``uncertainty`` it signals: ``semantic`` (the
proposition is presented as possible, probable, believed, inferred or
conditional — what the Szeged corpus annotates), ``discourse`` (distancing or
vague attribution — CoNLL-2010's Wikipedia "weasels", which the seed guideline
counts as uncertain but the Szeged ``wiki.xml`` used here does not annotate)
or ``none`` (boosters, approximators, counterfactuals, "according to" a named
source).

Whether a cue sits inside a quotation comes from :mod:`analysis.quotes` when it
is installed, or from the ``quotes`` table the caller passes; see
:func:`quote_spans`.

How to read the values: :func:`hedge_rates` gives cues per 1,000 body words
(higher ⇒ more hedged, or more boosted for ``booster``), separately for the
outlet's own voice and for words inside quotations.
"""

from __future__ import annotations

import bisect
import collections
import csv
import functools
import hashlib
import re
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from analysis import frames, paths
from analysis.core import words as core_words
from analysis.core.parse import docs as piece_docs, sentences as piece_sentences
from analysis.core.units import sentence_spans as _sentence_spans
from analysis.nlp import load_nlp

LEXICON_FILE = "hedge_lexicon.csv"
MODEL_FILE = "uncertainty_model.joblib"

CATEGORIES = ("epistemic_modal", "probability", "doxastic", "evidential", "approximator",
              "attribution_hedge", "condition", "counterfactual", "booster")
#: Categories that hedge (lower the speaker's commitment). Counterfactuals and boosters do not.
HEDGE_CATEGORIES = CATEGORIES[:7]
UNCERTAINTY = ("semantic", "discourse", "none")
VOICES = ("own", "quoted")
QUOTE_KINDS = ("no", "direct", "indirect")

#: Columns of :func:`find_hedges`.
COLUMNS = ["cue", "category", "uncertainty", "start", "end", "sentence", "sentence_start",
           "sentence_end", "in_quote", "quote_actor", "entry", "rule"]

#: Vague, unnamed sources (head of the subject) for "analysts say", "many believe".
VAGUE_SOURCES = frozenset("""analyst analysts critic critics expert experts observer observers
    commentator commentators source sources skeptic skeptics sceptic sceptics many some others
    people""".split())
#: Verbs of saying, arguing and criticising that make a vague subject an attribution hedge
#: (``data/attribution_hedge_verbs.csv``, each with its source; a narrower list than the quotation
#: measure's ``data/reporting_verbs.csv``: it also holds verbs of fearing and doubting).
HEDGE_VERBS_FILE = "attribution_hedge_verbs.csv"


@functools.lru_cache(maxsize=1)
def hedge_verbs() -> frozenset[str]:
    with open(paths.package_data(HEDGE_VERBS_FILE), encoding="utf-8", newline="") as fh:
        return frozenset(row["lemma"].strip().lower() for row in csv.DictReader(fh))

#: Belief verbs whose passive without an agent ("is believed") is an attribution hedge.
PASSIVE_ATTRIBUTION = frozenset("believe think consider regard see view suppose assume suspect".split())
#: Nouns after "according to" meaning "in accordance with", not "as reported by".
ACCORDANCE_NOUNS = frozenset("""rule law plan schedule agreement protocol procedure regulation
    tradition custom constitution charter script instruction term principle standard timetable
    guideline norm practice need wish""".split())
#: Nouns that quantify after "a"/"an" ("over a year", "about a dozen").
UNIT_NOUNS = frozenset("""second minute hour day week month year decade century dozen score
    hundred thousand million billion trillion third quarter half fifth tenth mile kilometre
    kilometer percent""".split())
QUANTITY_WORDS = frozenset("half twice all every dozens hundreds thousands millions billions tens scores".split())
#: Subjects that show pictures rather than demonstrate facts ("TV showed footage").
VISUAL_MEDIA = frozenset("""footage video photo photograph picture image television tv camera
    film map screen broadcast clip""".split())
#: Nouns whose that-clause reports an intention or expectation ("his hope that X would").
REPORTING_NOUNS = frozenset("""hope promise pledge expectation assurance plan intention warning
    threat vow agreement guarantee announcement statement""".split())
_DETERMINERS = frozenset("""a an the this that these those what any some every each no one same
    which his her its their our my your""".split())
_MONTH_PREPS = frozenset("in on of since until till by from early late mid last next this".split())

_COUNTERFACTUAL_RE = re.compile(
    r"\b(?:if\s+(?:it|they|he|she|we|you|i|that|this)\s+(?:were|was)(?:n't|\s+not)\s+for"
    r"|if\s+not\s+for|were\s+it\s+not\s+for|had\s+it\s+not\s+been\s+for"
    r"|if\s+(?:it|they|he|she|we|you|i)\s+had(?:n't|\s+not)\s+been\s+for)\b")


class LexiconError(ValueError):
    """The hedge lexicon file is malformed (names the row and the problem)."""


# --------------------------------------------------------------------------- lexicon

@functools.lru_cache(maxsize=1)
def lexicon() -> pd.DataFrame:
    """The hedge/booster lexicon with its sources, one row per entry (checked on load)."""
    path = paths.package_data(LEXICON_FILE)
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    table = pd.DataFrame(rows)
    need = ["cue", "pattern", "category", "uncertainty", "conditions", "source", "note"]
    if list(table.columns) != need:
        raise LexiconError(f"{LEXICON_FILE}: columns are {list(table.columns)}, expected {need}")
    for i, row in enumerate(rows, start=2):
        where = f"{LEXICON_FILE} line {i} ({row['cue']!r})"
        if row["category"] not in CATEGORIES:
            raise LexiconError(f"{where}: unknown category {row['category']!r}")
        if row["uncertainty"] not in UNCERTAINTY:
            raise LexiconError(f"{where}: unknown uncertainty {row['uncertainty']!r}")
        unknown = [c for c in _conditions(row["conditions"]) if c not in RULES]
        if unknown:
            raise LexiconError(f"{where}: unknown condition(s) {unknown}")
        if not row["source"].strip():
            raise LexiconError(f"{where}: no source")
    if table["cue"].duplicated().any():
        raise LexiconError(f"{LEXICON_FILE}: duplicate cue(s) {sorted(table.loc[table['cue'].duplicated(), 'cue'])}")
    return table


def lexicon_sha256() -> str:
    """Digest of the lexicon file (the shipped model records the one it was fitted with)."""
    return hashlib.sha256(paths.package_data(LEXICON_FILE).read_bytes()).hexdigest()


def _conditions(s: str) -> list[str]:
    return [c.strip() for c in s.split(";") if c.strip()]


@functools.lru_cache(maxsize=1)
def _entries() -> tuple[tuple[str, str, str, tuple[str, ...]], ...]:
    """The lexicon read once, as ``(cue, category, uncertainty, conditions)`` per row."""
    return tuple((r.cue, r.category, r.uncertainty, tuple(_conditions(r.conditions)))
                 for r in lexicon().itertuples(index=False))


@functools.lru_cache(maxsize=1)
def _index() -> dict[str, list[tuple[int, tuple[frozenset, ...]]]]:
    """First token → [(entry row, token alternatives ...)]. Patterns: tokens separated by spaces,
    alternatives within a token by ``|``, alternative patterns by ``;``."""
    out: dict[str, list] = {}
    for k, pat in enumerate(lexicon()["pattern"]):
        for alt in pat.split(";"):
            toks = tuple(frozenset(t.split("|")) for t in alt.strip().lower().split())
            for first in toks[0]:
                out.setdefault(first, []).append((k, toks))
    return out


# --------------------------------------------------------------------------- token helpers

def _norm(tok) -> str:
    return tok.lower_.replace("’", "'")


def _next(tok, k: int = 1):
    """The k-th following non-space token in the same doc, or None."""
    doc, i = tok.doc, tok.i
    while k > 0:
        i += 1
        while i < len(doc) and doc[i].is_space:
            i += 1
        if i >= len(doc):
            return None
        k -= 1
    return doc[i]


def _prev(tok, k: int = 1):
    doc, i = tok.doc, tok.i
    while k > 0:
        i -= 1
        while i >= 0 and doc[i].is_space:
            i -= 1
        if i < 0:
            return None
        k -= 1
    return doc[i]


def _is_verb(tok) -> bool:
    return tok.pos_ in ("VERB", "AUX") or tok.tag_.startswith("VB")


def _is_number(tok) -> bool:
    return tok is not None and (tok.tag_ == "CD" or tok.like_num) and _norm(tok) not in ("n't",)


def _is_quantity(tok) -> bool:
    if tok is None:
        return False
    if _is_number(tok) or _norm(tok) in QUANTITY_WORDS:
        return True
    if tok.text in "$€£" and _is_number(_next(tok)):
        return True
    if _norm(tok) in ("a", "an", "one"):
        nxt = _next(tok)
        return nxt is not None and (nxt.lemma_.lower() in UNIT_NOUNS or _norm(nxt) in UNIT_NOUNS)
    return False


def _clause_head(tok):
    """Climb conjunctions to the first conjunct (shares its dependency with the others)."""
    h = tok
    while h.dep_ == "conj" and h.head is not h:
        h = h.head
    return h


def _subject(verb):
    """(subject token or None, passive?) of ``verb``, looking through conjunctions and xcomp."""
    passive = any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children)
    for c in verb.children:
        if c.dep_ in ("nsubj", "nsubjpass", "expl"):
            return c, passive
    h = verb
    for _ in range(3):
        if h.dep_ in ("conj", "xcomp") and h.head is not h:
            h = h.head
            for c in h.children:
                if c.dep_ in ("nsubj", "nsubjpass"):
                    return c, passive
        else:
            break
    return None, passive


def _has_agent(verb) -> bool:
    return any(c.dep_ == "agent" for c in verb.children)


def _is_vague(tok) -> bool:
    return (tok is not None and (_norm(tok) in VAGUE_SOURCES or tok.lemma_.lower() in VAGUE_SOURCES)
            and not any(c.dep_ == "appos" for c in tok.children))


def _has_clause(verb) -> bool:
    nxt = _next(verb)
    return (any(c.dep_ in ("ccomp", "xcomp") for c in verb.children)
            or (nxt is not None and _norm(nxt) in ("that", "to")))


def _counterfactual_tokens(lowers: Sequence[str], tags: Sequence[str], text: str) -> bool:
    """Whether a sentence (lower-cased tokens, tags, joined text) holds a counterfactual conditional."""
    if _COUNTERFACTUAL_RE.search(text):
        return True
    modal_have = any(lowers[i] in ("would", "could", "might") and i + 2 < len(lowers)
                     and lowers[i + 1] == "have" and tags[i + 2] == "VBN" for i in range(len(lowers)))
    if modal_have and any(w in ("if", "without", "otherwise") for w in lowers):
        return True
    # an if-clause with subjunctive "were" or a past perfect, and a modal elsewhere
    if not any(w in ("would", "could", "might") for w in lowers):
        return False
    for i, w in enumerate(lowers):
        if w != "if":
            continue
        for j in range(i + 1, len(lowers)):
            if lowers[j] in (",", ";", ":", ".", "--", "—"):
                break
            if lowers[j] == "were":
                return True
            if lowers[j] in ("had", "'d") and any(tags[k] == "VBN" for k in range(j + 1, min(j + 4, len(tags)))):
                return True
    return False


def _counterfactual(tok) -> bool:
    """True when ``tok``'s sentence has a counterfactual conditional.

    Triggers: "if it were not for", "were it not for", "had it not been for"; an
    if-clause with subjunctive *were* or a past perfect plus would/could/might;
    would/could/might + have + past participle with *if*, *without* or *otherwise*.
    """
    toks = [t for t in tok.sent if not t.is_space]
    lowers = [_norm(t) for t in toks]
    return _counterfactual_tokens(lowers, [t.tag_ for t in toks], " ".join(lowers).replace(" n't", "n't"))


# --------------------------------------------------------------------------- context rules
# Each rule takes the candidate (a dict with the first and last token, "first"/"last",
# and its "category", "uncertainty", "rule") and returns it (possibly changed) or None.

def _r_not_month(c):
    t = c["first"]
    if t.text == "may":
        return c
    nxt, prv = _next(t), _prev(t)
    month = (_is_number(nxt) or _is_number(prv) or (prv is not None and _norm(prv) in _MONTH_PREPS)
             or t.tag_ != "MD" or (t.text == "May" and not t.is_sent_start))
    return None if month else c


def _r_modal(c):
    t = c["first"]
    if _counterfactual(t):
        return {**c, "category": "counterfactual", "uncertainty": "none", "rule": "counterfactual"}
    return c


def _r_not_negated_ability(c):
    nxt = _next(c["first"])
    return None if nxt is not None and _norm(nxt) in ("not", "n't", "never") else c


def _r_not_reported_future(c):
    """Drop would as reported future ("said it would back"), future-in-the-past, volition."""
    if c["category"] == "counterfactual":
        return c
    t = c["first"]
    nxt = _next(t)
    if nxt is not None and _norm(nxt) in ("like", "love", "prefer", "rather", "later", "eventually",
                                          "subsequently", "go"):
        return None
    v = _clause_head(t.head if t.dep_ in ("aux", "auxpass") else t)
    gov = v.head
    if v.dep_ in ("ccomp", "xcomp") and gov is not v:
        # a direct quotation attached to its speech verb is the speaker's own modal
        lo, hi = sorted((gov.i, t.i))
        if not any(_is_quote_mark(x) for x in t.doc[lo:hi + 1]):
            return None
    if v.dep_ in ("acl", "relcl") and gov.lemma_.lower() in REPORTING_NOUNS:
        return None
    return c


def _is_quote_mark(tok) -> bool:
    return tok.text in ('"', "“", "”", "‘", "’", "''", "``") or tok.tag_ in ("``", "''")


def _r_verb(c):
    return c if _is_verb(c["first"]) else None


def _r_not_think_tank(c):
    nxt = _next(c["first"])
    return None if nxt is not None and _norm(nxt) in ("tank", "tanks") else c


def _r_believer(c):
    """Vague ("many believe") or unexpressed ("is believed") believer → attribution hedge."""
    t = c["first"]
    if not _is_verb(t):
        return c
    subj, passive = _subject(t)
    lemma = t.lemma_.lower()
    if _is_vague(subj) and subj.dep_ != "expl":
        span = {"first": subj, "last": t} if subj.i < t.i else {}
        return {**c, **span, "category": "attribution_hedge", "rule": "vague believer"}
    if passive and not _has_agent(t) and lemma in PASSIVE_ATTRIBUTION:
        return {**c, "category": "attribution_hedge", "rule": "unexpressed believer"}
    if passive and _has_agent(t):
        agent = next(c2 for c2 in t.children if c2.dep_ == "agent")
        if any(_is_vague(p) for p in agent.children if p.dep_ == "pobj"):
            return {**c, "category": "attribution_hedge", "rule": "vague believer"}
    return c


def _r_noun_that(c):
    t = c["last"]
    nxt = _next(t)
    return c if t.pos_ in ("NOUN", "PROPN") and nxt is not None and _norm(nxt) == "that" else None


def _r_verb_or_noun_that(c):
    return c if _is_verb(c["first"]) else _r_noun_that(c)


def _r_opinion_predicate(c):
    t = c["first"]
    if not _is_verb(t):
        return None
    kids = list(t.children)
    if any(k.dep_ in ("oprd", "ccomp", "xcomp", "attr", "acomp") for k in kids):
        return c
    if any(_norm(k) == "as" for k in kids):
        return c
    return None


def _r_as_complement(c):
    t = c["first"]
    if not _is_verb(t):
        return None
    if any(_norm(k) == "as" for k in t.children):
        return c
    # "seen by many as", "regarded widely as": an "as" within the next few tokens
    for k in range(1, 5):
        nxt = _next(t, k)
        if nxt is None or nxt.is_punct:
            break
        if _norm(nxt) == "as" and nxt.head.i in (t.i, *(x.i for x in t.children)):
            return c
    return None


def _r_clausal(c):
    t = c["first"]
    return c if _is_verb(t) and _has_clause(t) else None


def _r_appear_epistemic(c):
    t = c["first"]
    n1, n2 = _next(t), _next(t, 2)
    if n1 is None:
        return None
    w1 = _norm(n1)
    if w1 == "to":
        return c if n2 is not None and n2.tag_ == "VB" else None
    if w1 == "that" or (w1 == "as" and n2 is not None and _norm(n2) in ("if", "though")):
        return c
    if n1.pos_ == "ADJ" or (n1.pos_ == "ADV" and n2 is not None and n2.pos_ == "ADJ"):
        return c
    subj, _ = _subject(t)
    if subj is not None and _norm(subj) in ("it", "there"):
        return c
    return None


def _r_not_enabling_possible(c):
    t = c["first"]
    prv, prv2 = _prev(t), _prev(t, 2)
    if prv is not None and (_norm(prv) in ("as", "whenever", "wherever", "where", "every", "all", "everything")
                            or prv.tag_ == "JJS"):
        return None
    for p in (prv, prv2):
        if p is not None and p.lemma_.lower() == "make":
            return None
    return c


def _r_before_quantity(c):
    return c if _is_quantity(_next(c["last"])) else None


def _r_before_number(c):
    nxt = _next(c["last"])
    return c if _is_number(nxt) and _norm(nxt) not in ("one",) else None


def _r_after_quantity(c):
    prv = _prev(c["first"])
    return c if prv is not None and (_is_number(prv) or prv.lemma_.lower() in UNIT_NOUNS) else None


def _r_not_after_determiner(c):
    prv = _prev(c["first"])
    return None if prv is not None and (_norm(prv) in _DETERMINERS or prv.tag_ == "PRP$") else c


def _r_adjective_or_passive(c):
    t = c["first"]
    nxt = _next(t)
    if t.dep_ == "amod" or any(k.dep_ == "auxpass" for k in t.children):
        return c
    return c if nxt is not None and _norm(nxt) == "as" else None


def _r_as_reported_by(c):
    t = c["last"]
    for k in range(1, 5):
        nxt = _next(t, k)
        if nxt is None or nxt.is_punct:
            break
        if nxt.pos_ in ("NOUN", "PROPN"):
            return None if nxt.lemma_.lower() in ACCORDANCE_NOUNS else c
    return c


def _r_according_without_to(c):
    nxt = _next(c["first"])
    if nxt is None or _norm(nxt) == "to":
        return None
    return c if nxt.pos_ in ("NOUN", "PROPN", "DET", "ADJ") else None


def _r_vague_subject(c):
    """A vague source that is the subject of a reporting verb; the cue spans source … verb."""
    t = c["first"]
    if not _is_vague(t):
        return None
    h = _clause_head(t)
    if h.dep_ not in ("nsubj", "nsubjpass"):
        return None
    verb = h.head
    if verb.lemma_.lower() not in hedge_verbs():
        return None
    first, last = (t, verb) if t.i < verb.i else (verb, t)
    return {**c, "first": first, "last": last, "rule": "vague source"}


def _r_conditional_if(c):
    t = c["first"]
    prv = _prev(t)
    if prv is not None and _norm(prv) == "as":
        return None
    if _counterfactual(t):
        return {**c, "category": "counterfactual", "uncertainty": "none", "rule": "counterfactual"}
    return c


def _r_certain_booster(c):
    t = c["first"]
    nxt = _next(t)
    if t.dep_ == "amod":
        return None
    if t.dep_ in ("acomp", "oprd", "attr", "ccomp", "conj") or (nxt is not None and _norm(nxt) in ("that", "to")):
        return c
    return None


def _r_predicative(c):
    t = c["first"]
    return c if t.pos_ == "ADJ" and t.dep_ != "amod" else None


def _r_not_make_sure(c):
    t = c["first"]
    for k in (1, 2):
        p = _prev(t, k)
        if p is not None and p.lemma_.lower() == "make":
            return None
    return c


def _finite_clause(tok) -> bool:
    """A clause headed by ``tok`` with a finite verb or a "that" complementiser."""
    return (tok.tag_ in ("VBD", "VBZ", "VBP", "MD")
            or any(k.dep_ in ("aux", "auxpass") and k.tag_ in ("VBD", "VBZ", "VBP", "MD") for k in tok.children)
            or any(k.dep_ == "mark" and _norm(k) == "that" for k in tok.children))


def _r_show_factive(c):
    """show/demonstrate/prove as factive assertion: with a finite clause or "to", or in the
    present tense with a non-visual subject ("the visit shows X"); not pictures shown."""
    t = c["first"]
    if not _is_verb(t):
        return None
    nxt = _next(t)
    if nxt is not None and _norm(nxt) in ("up", "off", "around"):
        return None
    subj, passive = _subject(t)
    if subj is not None and subj.lemma_.lower() in VISUAL_MEDIA:
        return None
    if any(k.dep_ == "ccomp" and _finite_clause(k) for k in t.children):
        return c
    if nxt is not None and _norm(nxt) in ("that", "to"):
        return c
    if any(k.dep_ in ("xcomp", "oprd") for k in t.children):
        return c
    if passive:
        return None
    return c if t.tag_ in ("VBZ", "VBP") else None


#: Context rules by the name used in the lexicon's ``conditions`` column.
RULES = {
    "not_month": _r_not_month,
    "modal": _r_modal,
    "not_negated_ability": _r_not_negated_ability,
    "not_reported_future": _r_not_reported_future,
    "verb": _r_verb,
    "not_think_tank": _r_not_think_tank,
    "believer": _r_believer,
    "noun_that": _r_noun_that,
    "verb_or_noun_that": _r_verb_or_noun_that,
    "opinion_predicate": _r_opinion_predicate,
    "as_complement": _r_as_complement,
    "clausal": _r_clausal,
    "appear_epistemic": _r_appear_epistemic,
    "not_enabling_possible": _r_not_enabling_possible,
    "before_quantity": _r_before_quantity,
    "before_number": _r_before_number,
    "after_quantity": _r_after_quantity,
    "not_after_determiner": _r_not_after_determiner,
    "adjective_or_passive": _r_adjective_or_passive,
    "as_reported_by": _r_as_reported_by,
    "according_without_to": _r_according_without_to,
    "vague_subject": _r_vague_subject,
    "conditional_if": _r_conditional_if,
    "certain_booster": _r_certain_booster,
    "predicative": _r_predicative,
    "not_make_sure": _r_not_make_sure,
    "show_factive": _r_show_factive,
}


# --------------------------------------------------------------------------- matching

def candidates(doc) -> list[dict]:
    """Every lexicon match in a spaCy ``doc``, each with the rule outcome.

    Returns dicts with ``first``/``last`` (tokens), ``entry`` (the lexicon cue),
    ``category``, ``uncertainty``, ``kept`` (whether every condition held) and
    ``rule`` (the rule that dropped or re-labelled it, else ``""``).
    """
    memo = doc.user_data.get(_CANDIDATES_KEY)
    if memo is None:
        memo = doc.user_data[_CANDIDATES_KEY] = _candidates(doc)
    return memo


_CANDIDATES_KEY = "analysis.hedging.candidates"


def _candidates(doc) -> list[dict]:
    entries = _entries()
    index = _index()
    toks = [t for t in doc if not t.is_space]
    norms = [_norm(t) for t in toks]
    out = []
    for p, w in enumerate(norms):
        for k, pattern in index.get(w, ()):
            n = len(pattern)
            if p + n > len(toks) or not all(norms[p + q] in pattern[q] for q in range(n)):
                continue
            cue, category, uncertainty, conditions = entries[k]
            cand = {"first": toks[p], "last": toks[p + n - 1], "entry": cue, "order": k,
                    "category": category, "uncertainty": uncertainty, "rule": ""}
            kept = True
            for name in conditions:
                res = RULES[name](cand)
                if res is None:
                    cand = {**cand, "rule": name}
                    kept = False
                    break
                cand = res
            cand["kept"] = kept
            out.append(cand)
    return out


def cues_in_doc(doc, cands: list[dict] | None = None) -> list[dict]:
    """The kept, non-overlapping cues of ``doc`` (longest match wins, then lexicon order).

    ``cands`` are :func:`candidates` of ``doc`` when already computed.
    """
    kept = [c for c in (candidates(doc) if cands is None else cands) if c["kept"]]
    kept.sort(key=lambda c: (-(c["last"].idx + len(c["last"]) - c["first"].idx), c["order"], c["first"].i))
    taken: list[tuple[int, int]] = []
    out = []
    for c in kept:
        a, b = c["first"].idx, c["last"].idx + len(c["last"])
        if any(a < e and s < b for s, e in taken):
            continue
        taken.append((a, b))
        out.append(c)
    return sorted(out, key=lambda c: c["first"].idx)


# --------------------------------------------------------------------------- quotations

def quote_spans(text: str, quotes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Quoted spans of ``text``: ``start``, ``end``, ``kind`` ('direct'/'indirect'), ``actor``.

    ``quotes`` is a table from :func:`analysis.quotes.extract_quotes` (or any table with
    ``start``, ``end``, ``kind`` and optionally ``actor`` or ``speaker``, and the
    attribution cue's ``cue_start``/``cue_end``; -1 where absent). When it is
    None, :func:`analysis.quotes.extract_quotes` finds them.
    """
    if quotes is None:
        quotes = pd.DataFrame(columns=["start", "end", "kind"])
    q = quotes if isinstance(quotes, pd.DataFrame) else pd.DataFrame(quotes)
    for col in ("start", "end", "kind"):
        if col not in q.columns:
            raise ValueError(f"quotes table lacks column {col!r} (has {list(q.columns)})")
    if "actor" in q.columns:
        actor = q["actor"]
    elif "speaker" in q.columns:
        actor = q["speaker"]
    else:
        actor = pd.Series([""] * len(q), index=q.index)
    dtypes = q.dtypes

    def _int(name, coerce):
        # an int64 column is already what the conversions give: its values as they are (no copies)
        if dtypes[name] == np.int64:
            return q[name].to_numpy()
        col = pd.to_numeric(q[name], errors="coerce").fillna(-1) if coerce else q[name]
        return col.astype(int).to_numpy()

    def _col(name):
        return _int(name, True) if name in q.columns else np.full(len(q), -1, dtype=int)

    # columns as arrays (the table's own order), so the frame needs no index alignment
    out = pd.DataFrame({"start": _int("start", False), "end": _int("end", False),
                        "kind": q["kind"].astype(str).array, "actor": actor.fillna("").astype(str).array,
                        "cue_start": _col("cue_start"), "cue_end": _col("cue_end")})
    bad = sorted(set(out["kind"].tolist()) - {"direct", "indirect"})
    if bad:
        raise ValueError(f"quotes table: unknown kind(s) {bad}; expected 'direct' or 'indirect'")
    return out


def _quote_position(spans: pd.DataFrame, start: int, end: int) -> tuple[str, str]:
    """('direct'|'indirect'|'no', actor) for a cue; direct wins, then the widest span.

    A cue that overlaps a quotation's own attribution cue ("according to", "analysts
    say") is the frame of that quotation, not inside it.
    """
    frame = (spans["cue_start"] < end) & (spans["cue_end"] > start)
    inside = spans[(spans["start"] <= start) & (spans["end"] >= end) & ~frame]
    for kind in ("direct", "indirect"):
        k = inside[inside["kind"] == kind]
        if len(k):
            widest = k.assign(w=k["end"] - k["start"]).sort_values("w", ascending=False).iloc[0]
            return kind, widest["actor"]
    return "no", ""


class _SpanIndex(list):
    """Quote span rows sorted by start, so the rows holding ``[start, end)`` are found by bisection."""

    def __init__(self, rows):
        super().__init__(sorted(rows, key=lambda r: r[0]))
        self._starts = [r[0] for r in self]
        self._longest = max((r[1] - r[0] for r in self), default=0)

    def holding(self, start: int, end: int) -> list[tuple]:
        lo = bisect.bisect_left(self._starts, end - self._longest)
        hi = bisect.bisect_right(self._starts, start)
        return [r for r in self[lo:hi] if r[1] >= end and not (r[4] < end and r[5] > start)]


def _quote_position_rows(rows: list[tuple], spans: pd.DataFrame, start: int, end: int) -> tuple[str, str]:
    """:func:`_quote_position` over ``spans`` given also as a list of row tuples (fast path).

    Falls back to :func:`_quote_position` when two spans of the winning kind tie for
    widest, so the choice between them stays exactly the same.
    """
    inside = [r for r in rows if r[0] <= start and r[1] >= end and not (r[4] < end and r[5] > start)] \
        if not isinstance(rows, _SpanIndex) else rows.holding(start, end)
    for kind in ("direct", "indirect"):
        k = [r for r in inside if r[2] == kind]
        if not k:
            continue
        widths = [r[1] - r[0] for r in k]
        if widths.count(max(widths)) > 1:
            return _quote_position(spans, start, end)
        return kind, k[widths.index(max(widths))][3]
    return "no", ""


# --------------------------------------------------------------------------- the measure

def find_hedges(text: str, quotes: pd.DataFrame | None = None, nlp=None) -> pd.DataFrame:
    """One row per hedge/booster cue in ``text`` (columns :data:`COLUMNS`).

    ``category`` is one of :data:`CATEGORIES`, ``uncertainty`` the kind of uncertainty the
    cue signals ('semantic', 'discourse' or 'none'; see the module docstring).
    ``text[start:end] == cue``; ``sentence`` is the 1-based number of the sentence in
    :func:`analysis.sentences.sentences` of the same text, with its ``sentence_start``
    and ``sentence_end``. ``in_quote`` is 'direct', 'indirect' or 'no' and
    ``quote_actor`` the quoted actor where known (see :func:`quote_spans` for where the
    quotations come from). ``entry`` is the lexicon row that matched and ``rule`` the
    context rule that re-labelled it ("counterfactual", "vague believer", ...), if any.
    Pass :func:`analysis.boilerplate.body_text` of a raw page to measure its body only.
    ``nlp`` is the article's :class:`analysis.core.parse.Parse` (or a pipeline);
    ``quotes`` the quotations of ``text`` (none when not given).
    """
    rows = []
    for para, doc in piece_docs(text, nlp):
        for c in cues_in_doc(doc, candidates(doc)):
            start = para.start + c["first"].idx
            end = para.start + c["last"].idx + len(c["last"])
            rows.append((text[start:end], c["category"], c["uncertainty"], start, end,
                         c["entry"], c["rule"]))
    sents = piece_sentences(text, nlp)
    spans = quote_spans(text, quotes)
    # sentences are sorted and do not overlap: the one holding a cue is found by bisection
    sent_rows = list(zip(sents["start"].tolist(), sents["end"].tolist(), sents["sentence"].tolist()))
    sent_starts = [r[0] for r in sent_rows]
    span_rows = _SpanIndex(zip(spans["start"].tolist(), spans["end"].tolist(), spans["kind"].tolist(),
                         spans["actor"].tolist(), spans["cue_start"].tolist(), spans["cue_end"].tolist()))
    s_no, s_start, s_end, kinds, actors = [], [], [], [], []
    for _, _, _, r_start, r_end, _, _ in rows:
        i = bisect.bisect_right(sent_starts, r_start) - 1
        if i >= 0 and sent_rows[i][1] > r_start:
            s_no.append(int(sent_rows[i][2]))
            s_start.append(int(sent_rows[i][0]))
            s_end.append(int(sent_rows[i][1]))
        else:  # pragma: no cover - sentences cover every non-blank character
            s_no.append(-1), s_start.append(-1), s_end.append(-1)
        kind, actor = _quote_position_rows(span_rows, spans, r_start, r_end)
        kinds.append(kind)
        actors.append(actor)
    cols = frames.columns_of(rows, ["cue", "category", "uncertainty", "start", "end", "entry", "rule"])
    return frames.from_columns({**cols, "start": frames.ints(cols["start"]), "end": frames.ints(cols["end"]),
                                "sentence": frames.ints(s_no), "sentence_start": frames.ints(s_start),
                                "sentence_end": frames.ints(s_end),
                                # with no cues these two were float columns (set on an empty frame): kept so
                                "in_quote": kinds or np.array([], dtype=float),
                                "quote_actor": actors or np.array([], dtype=float)}, COLUMNS)


# --------------------------------------------------------------------------- sentence uncertainty

@functools.lru_cache(maxsize=1)
@functools.lru_cache(maxsize=1)
def _model() -> dict:
    """The shipped sentence model: ``{"vectorizer", "estimator", "thresholds", "scheme", ...}``."""
    import joblib

    return joblib.load(paths.package_data(MODEL_FILE))


def model_info() -> dict:
    """What the shipped sentence model is: ``scheme``, ``C``, ``thresholds`` per genre, ``trained_on``."""
    m = _model()
    return {k: m[k] for k in ("scheme", "C", "thresholds", "trained_on")}


#: The genres the model was fitted on; an article is read as news unless told otherwise.
GENRES = ("news", "wiki")


def genre_features(features: dict[str, float], genre: str | None) -> dict[str, float]:
    """``features`` plus a copy of each marked with ``genre`` (domain augmentation; Daumé III 2007).

    With ``genre=None`` the features are returned as they are (the pooled scheme).
    """
    if genre is None:
        return dict(features)
    out = dict(features)
    for k, v in features.items():
        out[f"{genre}:{k}"] = v
    out[f"{genre}:bias"] = 1.0
    return out


def model_verdicts(features: list[dict], genre: str = "news", model: dict | None = None
                   ) -> tuple[np.ndarray, np.ndarray]:
    """The model's probability that each sentence is uncertain, and its verdict for ``genre``.

    ``features`` are :func:`sentence_features`; the verdict is the probability at or
    above the threshold chosen for that genre by cross-validation
    (``scripts/train_uncertainty.py``).
    """
    if genre not in GENRES:
        raise ValueError(f"genre must be one of {GENRES}, not {genre!r}")
    model = model or _model()
    if not features:
        return np.zeros(0), np.zeros(0, dtype=bool)
    marked = genre if model["scheme"] == "augmented" else None
    x = model["vectorizer"].transform([genre_features(f, marked) for f in features])
    p = model["estimator"].predict_proba(x)[:, 1]
    return p, p >= model["thresholds"][genre]


def _sentence_nlp():
    return load_nlp(disable=("ner",))


def sentence_features(doc, cands: list[dict] | None = None) -> dict[str, float]:
    """Features of one sentence for the uncertainty model: the lexicon's verdicts only.

    Each kept cue's entry and category, the count per category, the uncertainty
    types present, and each candidate a context rule dropped, with the rule
    ("dropped=would|not_reported_future"). No words: on the Szeged training part
    adding word unigrams and bigrams raised cross-validated F1 by only 0.004 and
    would carry Wikipedia's topics into news.
    """
    cands = candidates(doc) if cands is None else cands
    f: dict[str, float] = {}
    for c in cues_in_doc(doc, cands):
        f[f"cue={c['entry']}|{c['category']}"] = 1.0
        f[f"cat={c['category']}"] = f.get(f"cat={c['category']}", 0.0) + 1.0
        f[f"unc={c['uncertainty']}"] = 1.0
    for c in cands:
        if not c["kept"]:
            f[f"dropped={c['entry']}|{c['rule']}"] = 1.0
    return f


def _texts(sentences) -> list[str]:
    if isinstance(sentences, pd.DataFrame):
        return sentences["text"].astype(str).tolist()
    if isinstance(sentences, str):
        raise TypeError("uncertain_sentences takes a sequence of sentences, not one string")
    return [str(s) for s in sentences]


def sentence_uncertainty(sentences: Iterable[str] | pd.DataFrame, include_discourse: bool = True,
                         nlp=None, model: dict | None = None, use_model: bool = True,
                         genre: str = "news") -> pd.DataFrame:
    """One row per sentence: the lexicon's cues, the model's probability and both verdicts.

    Columns: ``text``; ``cues`` (kept cues as "cue/category", joined by "; ");
    ``semantic`` / ``discourse`` (a cue of that uncertainty type was found);
    ``lexicon`` (the lexicon verdict: a semantic cue, or with ``include_discourse``
    a discourse cue); ``p_model`` (the shipped model's probability that the
    sentence is uncertain, CoNLL-2010 task 1 as adapted for ``genre``) and
    ``model`` (``p_model`` at or above that genre's threshold; :func:`model_verdicts`).
    The news genre learnt from the news gold when vague attribution and
    distancing make a sentence uncertain; Wikipedia (Szeged) never marks them.
    With ``use_model=False`` the last two are left empty (NaN / False).
    """
    texts = _texts(sentences)
    nlp = nlp or _sentence_nlp()
    rows, feats = [], []
    for text, doc in zip(texts, nlp.pipe(texts, batch_size=256)):
        cands = candidates(doc)
        cues = cues_in_doc(doc, cands)
        if use_model:
            feats.append(sentence_features(doc, cands))
        rows.append({"text": text,
                     "cues": "; ".join(f"{doc.text[c['first'].idx:c['last'].idx + len(c['last'])]}/"
                                       f"{c['category']}" for c in cues),
                     "semantic": any(c["uncertainty"] == "semantic" for c in cues),
                     "discourse": any(c["uncertainty"] == "discourse" for c in cues)})
    out = pd.DataFrame(rows, columns=["text", "cues", "semantic", "discourse"])
    disc = out["discourse"].to_numpy(dtype=bool) & include_discourse
    out["lexicon"] = out["semantic"].to_numpy(dtype=bool) | disc
    if use_model and len(texts):
        p, verdict = model_verdicts(feats, genre, model)
        out["p_model"] = np.round(p, 4)
        out["model"] = verdict
    else:
        out["p_model"] = np.nan
        out["model"] = False
    return out


def sentence_table(text: str, nlp=None) -> pd.DataFrame:
    """Every sentence of ``text`` with its uncertainty verdicts, read from the parse in context.

    Columns: ``sentence``, ``paragraph``, ``start``, ``end``, ``text`` (as
    :func:`analysis.sentences.sentences`) and ``cues``, ``semantic``,
    ``discourse``, ``lexicon``, ``p_model``, ``model`` (as
    :func:`sentence_uncertainty`, discourse cues counted). The lexicon's cues
    and the model's features come from each sentence as parsed inside its
    paragraph — the one definition of a sentence's verdict for an article;
    :func:`sentence_uncertainty` parses free-standing sentences alone and may
    differ where the tagger reads a word differently out of context.
    """
    rows, feats = [], []
    for para, doc in piece_docs(text, nlp):
        cands = candidates(doc)
        by_sent = collections.defaultdict(list)
        for c in cands:
            by_sent[c["first"].sent.start].append(c)
        for sent, start, s in _sentence_spans(para, doc):
            sc = by_sent.get(sent.start, [])
            cues = cues_in_doc(doc, sc)
            feats.append(sentence_features(doc, sc))
            rows.append((len(rows) + 1, para.paragraph, start, start + len(s), s,
                         "; ".join(f"{para.text[c['first'].idx:c['last'].idx + len(c['last'])]}/"
                                   f"{c['category']}" for c in cues),
                         any(c["uncertainty"] == "semantic" for c in cues),
                         any(c["uncertainty"] == "discourse" for c in cues)))
    names = SENTENCE_COLUMNS
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in zip(names, SENTENCE_DTYPES)})
    cols = frames.columns_of(rows, names[:8])
    semantic, discourse = np.array(cols["semantic"], dtype=bool), np.array(cols["discourse"], dtype=bool)
    p, verdict = model_verdicts(feats, "news")
    return frames.from_columns({**cols, "semantic": semantic, "discourse": discourse,
                                "lexicon": semantic | discourse, "p_model": np.round(p, 4),
                                "model": verdict})


SENTENCE_COLUMNS = ["sentence", "paragraph", "start", "end", "text", "cues", "semantic", "discourse",
                    "lexicon", "p_model", "model"]
SENTENCE_DTYPES = ["int64", "int64", "int64", "int64", "object", "object", "bool", "bool", "bool",
                   "float64", "bool"]


def uncertain_sentences(sentences: Iterable[str] | pd.DataFrame, method: str = "model",
                        include_discourse: bool = True, nlp=None) -> list[bool]:
    """Whether each sentence expresses uncertainty (Szeged / CoNLL-2010 task 1 sense).

    ``sentences`` is a sequence of sentence strings or a table with a ``text``
    column (e.g. :func:`analysis.sentences.sentences`). ``method="lexicon"``: a
    sentence is uncertain when it holds a cue whose uncertainty is ``semantic``
    (or ``discourse``, with ``include_discourse``); boosters, approximators,
    counterfactuals and "according to" never count. ``method="model"`` (default):
    the shipped logistic regression over the lexicon's verdicts, fitted on the
    hand-labelled news sentences and the Szeged Wikipedia corpus together by
    ``scripts/train_uncertainty.py`` (:mod:`analysis.validation.uncertainty_model`),
    read as news: it learnt from the news gold when a distancing or vague-source
    cue makes a sentence uncertain (``include_discourse`` then only affects
    ``method="lexicon"``).
    """
    if method not in ("model", "lexicon"):
        raise ValueError(f"method must be 'model' or 'lexicon', not {method!r}")
    table = sentence_uncertainty(sentences, include_discourse, nlp, use_model=method == "model")
    return table[method].astype(bool).tolist()


# --------------------------------------------------------------------------- per article / outlet

def _in_spans(pos: np.ndarray, spans: pd.DataFrame) -> np.ndarray:
    inside = np.zeros(len(pos), dtype=bool)
    for s, e in zip(spans["start"], spans["end"]):
        inside |= (pos >= s) & (pos < e)
    return inside


def article_rates(text: str, quotes: pd.DataFrame | None = None, nlp=None,
                  cues: pd.DataFrame | None = None) -> pd.DataFrame:
    """Cues per 1,000 words of one (body) text, by voice × category.

    One row per voice ('own', 'quoted') × category (:data:`CATEGORIES`), zeros
    included: ``count``, ``words`` (words in that voice), ``sentences`` (sentences
    mostly in that voice), ``per_1000``. 'quoted' is inside any quotation, direct
    or indirect (:func:`quote_spans`). ``cues`` is :func:`find_hedges` of the same
    text and quotations when already computed (found here otherwise).
    """
    spans = quote_spans(text, quotes)
    if cues is None:
        cues = find_hedges(text, quotes=spans, nlp=nlp)
    wpos = core_words.word_starts(text)
    quoted = _in_spans(wpos, spans)
    n_words = {"own": int((~quoted).sum()), "quoted": int(quoted.sum())}
    sents = piece_sentences(text, nlp)
    n_sents = {"own": 0, "quoted": 0}
    # word offsets are in text order: a sentence's words are one slice, found by bisection
    lo = np.searchsorted(wpos, sents["start"].to_numpy(dtype=int), side="left")
    hi = np.searchsorted(wpos, sents["end"].to_numpy(dtype=int), side="left")
    for a, b in zip(lo.tolist(), hi.tolist()):
        share = quoted[a:b].mean() if b > a else 0.0
        n_sents["quoted" if share > 0.5 else "own"] += 1
    counts = collections.Counter(("own" if q == "no" else "quoted", cat)
                                 for q, cat in zip(cues["in_quote"].tolist(), cues["category"].tolist()))
    rows = []
    for voice in VOICES:
        for cat in CATEGORIES:
            n = counts[(voice, cat)]
            w = n_words[voice]
            rows.append({"voice": voice, "category": cat, "count": n, "words": w,
                         "sentences": n_sents[voice], "per_1000": round(1000 * n / w, 3) if w else np.nan})
    return pd.DataFrame(rows)


def outlet_rates(rates: pd.DataFrame) -> pd.DataFrame:
    """Pool :func:`hedge_rates` by outlet: counts, words and sentences summed, rate recomputed.

    Adds ``articles`` (how many articles were pooled).
    """
    words = (rates.drop_duplicates(["article_id", "voice"])
             .groupby(["outlet", "voice"])[["words", "sentences"]].sum())
    arts = rates.groupby("outlet")["article_id"].nunique().rename("articles")
    counts = rates.groupby(["outlet", "voice", "category"], sort=False)["count"].sum().reset_index()
    out = counts.join(words, on=["outlet", "voice"]).join(arts, on="outlet")
    out["per_1000"] = np.where(out["words"] > 0, (1000 * out["count"] / out["words"].where(out["words"] > 0, 1)).round(3), np.nan)
    return out[["outlet", "articles", "voice", "category", "count", "words", "sentences", "per_1000"]]


def summary_rates(rates: pd.DataFrame) -> pd.DataFrame:
    """Hedges (all :data:`HEDGE_CATEGORIES`) and boosters per 1,000 words, by outlet and voice.

    Takes :func:`hedge_rates` (or :func:`outlet_rates`); columns ``outlet``, ``voice``,
    ``group`` ('hedges'/'boosters'), ``count``, ``words``, ``sentences``, ``per_1000``.
    Counterfactuals are neither.
    """
    pooled = outlet_rates(rates) if "article_id" in rates.columns else rates
    group = pooled["category"].map(lambda c: "hedges" if c in HEDGE_CATEGORIES
                                   else "boosters" if c == "booster" else None)
    g = (pooled.assign(group=group).dropna(subset=["group"])
         .groupby(["outlet", "voice", "group"], sort=False)
         .agg(count=("count", "sum"), words=("words", "first"), sentences=("sentences", "first"))
         .reset_index())
    g["per_1000"] = np.where(g["words"] > 0, (1000 * g["count"] / g["words"].where(g["words"] > 0, 1)).round(3), np.nan)
    return g
