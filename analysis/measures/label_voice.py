"""Measure ``label_voice``: in whose voice each label for an actor stands — own, reported or distanced.

For every actor mention (:mod:`analysis.measures.actors`) the outlet either uses
the word itself (``own``), reports a source's word (``reported``: inside a
direct quotation, or inside the content of an indirect quotation or
attribution), or marks the word as not its own (``distanced``: scare quotes
around the label or one of its words, or a distancing marker — *so-called*,
*self-styled*, *alleged*, *what X calls* — from ``data/distancing_markers.csv``,
each entry with its source). The classes and their ties follow
``data/annotations/label_adoption_guideline.md``:

1. inside a direct quotation → ``reported`` (a speaker's own scare quotes or
   *so-called* are reported with the quotation);
2. scare-quoted (a ``scare_quotes`` row overlapping the mention, or a pair of
   quotation marks inside the mention's own span) → ``distanced``, unless the
   mention is in the content of an indirect quotation whose cue is a verb of
   saying (a reporting verb of neutral stance in ``data/reporting_verbs.csv``,
   or *according to*): then it is a partial quotation, ``reported``;
3. inside a pair of quotation marks holding more than a scare quote's words
   that no attribution was found for → ``reported`` (an unattributed quotation);
4. a marker of the lexicon right before the mention (or *as X calls them*
   right after it) in the same sentence → ``distanced``;
5. inside the content of an indirect quotation → ``reported``;
6. otherwise → ``own``.

A span is first trimmed of the quotation marks and punctuation at its edges
(a span handed over as ``“utterly irresponsible.”`` is the words inside).

``designation`` says whether the mention names its actor by a common noun (a
word wholly in lower case other than a determiner, preposition, conjunction or
possessive: *terrorists*, *the regime*, *key ally Putin*) rather than by a name
or metonym (*Assad*, *the Kremlin*): the labels whose adoption is the question.
In a headline-case line or at a sentence's start, where capitals say nothing, a
capitalised word the actor registry writes in lower case counts too
(*Rebels Might Have Lost Aleppo*).
How to read the outlet table (:func:`adoption_table`): the share of an actor's
designations, per label, in each voice — *terrorists* at 1.0 own means the
outlet uses the word itself every time.

Quotation spans are the quotes measure's ``lead_quotes`` (body, headline and
standfirst, the text mentions are found in); scare quotes its ``scare_quotes``.
"""

from __future__ import annotations

import bisect
import csv
import functools
import re

import numpy as np
import pandas as pd

from analysis import paths
from analysis.core.marks import Mark, tooltip
from analysis.engine.contract import Measure, Table, register
from analysis.measures.quotes.attribution import reporting_verbs

MARKERS_FILE = "distancing_markers.csv"
VOICES = ("own", "reported", "distanced")
#: Words that do not make a mention a designation (guideline §1), and the lower-case particles of
#: names (*bin*, *al*, *van*), which are no common nouns either.
FUNCTION_WORDS = frozenset(("the", "a", "an", "of", "and", "'s", "’s",
                            "bin", "ibn", "al", "el", "de", "da", "van", "von", "der", "du", "la", "le"))
QUOTE_MARKS = "\"“”'‘’«»„"
#: How far before (or after) a mention a distancing marker may stand, in characters.
MARKER_WINDOW = 60
#: A line longer than this is no headline (its case is not read).
HEADLINE_CHARS = 300
#: What :func:`classify`'s ``rule`` column can say, in the order the rules are tried.
RULES = ("direct quotation", "partial quotation", "scare quotes", "quotation marks", "distancing marker",
         "indirect quotation", "own prose")
#: The rules that find the words inside quotation marks (of a speaker, unattributed, or scare quotes).
QUOTATION_MARK_RULES = ("direct quotation", "partial quotation", "scare quotes", "quotation marks")
_EDGE = QUOTE_MARKS + " \t\n,.;:!?"

COLUMNS = (("actor", "str"), ("actor_type", "str"), ("surface", "str"), ("label", "str"),
           ("start", "int"), ("end", "int"), ("designation", "bool"), ("voice", "str"), ("rule", "str"),
           ("cue", "str"), ("cue_start", "int"), ("cue_end", "int"), ("quote_speaker", "str"))
LABEL_VOICE = Table(COLUMNS)


@functools.lru_cache(maxsize=1)
def markers() -> pd.DataFrame:
    """The distancing-marker lexicon: ``marker``, ``pattern`` (a regular expression), ``position``, ``source``."""
    path = paths.package_data(MARKERS_FILE)
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    bad = [r.get("marker") for r in rows if r.get("position") not in ("before", "after") or not r.get("pattern")]
    if bad:
        raise ValueError(f"{path}: rows {bad} need a pattern and a position of 'before' or 'after'")
    return pd.DataFrame(rows)


@functools.lru_cache(maxsize=1)
def _marker_res() -> tuple[re.Pattern, re.Pattern]:
    m = markers()
    before = "|".join(f"(?:{p})" for p in m.loc[m["position"] == "before", "pattern"])
    after = "|".join(f"(?:{p})" for p in m.loc[m["position"] == "after", "pattern"])
    # before: the marker ends the window (a determiner or quote mark may stand between)
    return (re.compile(rf"\b(?:{before})\s*(?:the\s+|a\s+|an\s+)?[{QUOTE_MARKS}]?\s*$", re.I),
            re.compile(rf"^[\s,]*(?:{after})\b", re.I))


@functools.lru_cache(maxsize=1)
def saying_verbs() -> frozenset[str]:
    """Verbs of saying: the reporting verbs of neutral stance, and *according to* (guideline §2)."""
    rv = reporting_verbs()
    return frozenset(rv.loc[rv["stance"] == "neutral", "lemma"]) | {"according to"}


@functools.lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Words written in lower case in the actor registry's aliases (*rebels*, *regime*, *president*):
    a capitalised one is still a common noun where case says nothing (headline case, a sentence's start)."""
    from analysis.measures.actors.mentions import registry

    return frozenset(w for a in registry()["alias"] for w in str(a).split()
                     if w == w.lower() and re.search(r"[^\W\d_]", w))


def is_designation(surface: str, case_free: str = "") -> bool:
    """Whether a mention names its actor by a common noun (guideline §1).

    ``case_free`` says where capitals say nothing: ``"all"`` (a line in headline
    case), ``"first"`` (the mention opens a sentence: its first word); there a
    capitalised word counts when the registry writes it in lower case
    (:func:`common_words`).
    """
    ws = [w.strip(QUOTE_MARKS + ",.;:()[]") for w in str(surface).split()]
    ws = [w for w in ws if w.lower() not in FUNCTION_WORDS and re.search(r"[^\W\d_]", w)]
    # at a sentence's start only a bare common noun phrase: "Rebels", not "President Putin"
    first_free = case_free == "first" and all(w == w.lower() for w in ws[1:])
    for k, w in enumerate(ws):
        free = case_free == "all" or (first_free and k == 0)
        if w == w.lower() or (free and w.lower() in common_words()):
            return True
    return False


def headline_case(line: str) -> bool:
    """Whether a line is in headline case: at least 3 words of 4+ letters, 80% of them capitalised."""
    long_words = [w for w in re.findall(r"[^\W\d_]{4,}", line)]
    return len(long_words) >= 3 and sum(w[0].isupper() for w in long_words) >= 0.8 * len(long_words)


def _case_free(text: str, mentions: pd.DataFrame) -> list[str]:
    out = []
    first = mentions["sentence_start"] if "sentence_start" in mentions.columns else pd.Series([-1] * len(mentions))
    for s, ss in zip(mentions["start"].astype(int).tolist(), first.tolist()):
        # a headline is short: only a line of at most HEADLINE_CHARS is read for its case
        lo, hi = max(0, s - HEADLINE_CHARS), min(len(text), s + HEADLINE_CHARS)
        ls, le = text.rfind("\n", lo, s), text.find("\n", s, hi)
        short = (ls >= 0 or lo == 0) and (le >= 0 or hi == len(text))
        line = text[ls + 1:le if le >= 0 else hi] if short else ""
        at_start = pd.notna(ss) and int(ss) == s or (short and not text[ls + 1:s].strip())
        out.append("all" if headline_case(line) else "first" if at_start else "")
    return out


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The line around a mention, cut at sentence ends: markers never reach across a sentence.

    Only :data:`MARKER_WINDOW` characters either side are read (a huge paragraph costs no more)."""
    lo, hi = max(0, start - MARKER_WINDOW - 2), min(len(text), end + MARKER_WINDOW + 2)
    ls = text.rfind("\n", lo, start) + 1 or lo
    le = text.find("\n", end, hi)
    le = hi if le < 0 else le
    cut = max((m.end() for m in re.finditer(r"[.!?][\"”’']?\s", text[ls:start])), default=0)
    after = re.search(r"[.!?][\"”’']?(?:\s|$)", text[end:le])
    return ls + cut, end + after.start() if after else le


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` without the quotation marks, punctuation and space at its edges."""
    s, e = start, end
    while s < e and text[s] in _EDGE:
        s += 1
    while e > s and text[e - 1] in _EDGE:
        e -= 1
    return (s, e) if e > s else (start, end)


def _has_inner_pair(surface: str) -> bool:
    """Whether a pair of quotation marks, opening then closing, stands inside ``surface``."""
    m = re.search(r"[\"“«„]\s*[^\W\d_][^\"“”«»]*[\"”»]", surface)
    return m is not None


def _containing(spans: list[tuple[int, int, int]], start: int, end: int) -> int:
    """Index of the shortest span containing [start, end), or -1."""
    best, size = -1, None
    for k, (s, e, _) in enumerate(spans):
        if s <= start and end <= e and (size is None or e - s < size):
            best, size = k, e - s
    return best


def classify(text: str, spans: pd.DataFrame, quotes: pd.DataFrame, scare: pd.DataFrame) -> pd.DataFrame:
    """The voice of each span of ``spans`` (columns ``start``, ``end``) in ``text``.

    ``quotes`` is a quotes table over ``text`` (``kind``, ``start``, ``end``,
    ``cue``, ``cue_start``, ``cue_end``, ``cue_lemma``, ``speaker``, ``actor``),
    ``scare`` a scare-quotes table (``start``, ``end``). Returns one row per span,
    in order: ``voice``, ``rule`` (which step of the module's order decided),
    ``cue``, ``cue_start``, ``cue_end`` (the words that decided; −1 for none),
    ``quote_speaker``.
    """
    q = quotes.reset_index(drop=True)
    direct = [(int(s), int(e), k) for k, (s, e, kind) in enumerate(zip(q["start"], q["end"], q["kind"]))
              if kind == "direct"]
    indirect = [(int(s), int(e), k) for k, (s, e, kind) in enumerate(zip(q["start"], q["end"], q["kind"]))
                if kind != "direct"]
    sc = sorted(zip(scare["start"].astype(int).tolist(), scare["end"].astype(int).tolist()))
    sc_starts = [s for s, _ in sc]
    before_re, after_re = _marker_res()
    saying = saying_verbs()
    rows = []

    # the quotations' columns read once as lists (not a row Series per span)
    def col(name: str, missing=None) -> list | None:
        return q[name].tolist() if name in q.columns else missing

    q_actor, q_cue, q_lemma = col("actor"), col("cue"), col("cue_lemma")
    q_cs, q_ce, q_speaker = col("cue_start"), col("cue_end"), col("speaker", [""] * len(q))

    def from_quote(k: int, rule: str, voice: str = "reported") -> dict:
        speaker = q_actor[k] if isinstance(q_actor[k], str) and q_actor[k] else q_speaker[k]
        return {"voice": voice, "rule": rule, "cue": str(q_cue[k] or ""), "cue_start": int(q_cs[k]),
                "cue_end": int(q_ce[k]), "quote_speaker": str(speaker or "")}

    from analysis.measures.quotes.attribution import SCARE_MAX_WORDS, quotation_spans

    marked = sorted((sp.start, sp.end) for sp in quotation_spans(text)) if len(spans) else []
    marked_starts = [s for s, _ in marked]
    for start0, end0 in zip(spans["start"].astype(int).tolist(), spans["end"].astype(int).tolist()):
        none = {"cue": "", "cue_start": -1, "cue_end": -1, "quote_speaker": ""}
        start, end = _trimmed(text, start0, end0)
        kd = _containing(direct, start, end)
        if kd >= 0:
            rows.append(from_quote(direct[kd][2], "direct quotation"))
            continue
        ki = _containing(indirect, start, end)
        lemma = str(q_lemma[indirect[ki][2]] or "").lower() if ki >= 0 else ""
        i = bisect.bisect_left(sc_starts, start - MARKER_WINDOW)
        scare_hit = next(((s, e) for s, e in sc[i:] if s < end and e > start), None)
        if scare_hit is None and _has_inner_pair(text[start0:end0]):
            scare_hit = (start0, end0)
        if scare_hit is not None:
            if ki >= 0 and lemma in saying:
                rows.append(from_quote(indirect[ki][2], "partial quotation"))
            else:
                s0, e0 = scare_hit
                s0 = s0 - 1 if s0 > 0 and text[s0 - 1] in QUOTE_MARKS else s0
                e0 = e0 + 1 if e0 < len(text) and text[e0] in QUOTE_MARKS else e0
                rows.append({"voice": "distanced", "rule": "scare quotes", "cue": text[s0:e0],
                             "cue_start": s0, "cue_end": e0, "quote_speaker": ""})
            continue
        k = bisect.bisect_right(marked_starts, start) - 1       # quotations do not nest: the last one opening
        inside = marked[k] if k >= 0 and end <= marked[k][1] else None   # before the span is the only candidate
        if inside is not None and len(text[inside[0]:inside[1]].split()) > SCARE_MAX_WORDS:
            rows.append({"voice": "reported", "rule": "quotation marks", "cue": text[inside[0] - 1:inside[0]],
                         "cue_start": inside[0] - 1, "cue_end": inside[0], "quote_speaker": ""})
            continue
        ss, se = _sentence_bounds(text, start, end)
        lo = max(ss, start - MARKER_WINDOW)
        m = before_re.search(text, lo, start)
        if m is None:  # a marker the mention's span took in as a modifier ("so-called rebels" → "called rebels")
            first = re.match(r"\S+", text[start:end])
            m = before_re.search(text, lo, start + first.end()) if first else None
        if m is None:
            m = after_re.match(text, end, min(se, end + MARKER_WINDOW))
        if m is not None:
            cs, ce = m.start(), m.end()
            while ce > cs and (text[ce - 1].isspace() or text[ce - 1] in QUOTE_MARKS):
                ce -= 1
            while cs < ce and text[cs] in " ,":
                cs += 1
            rows.append({"voice": "distanced", "rule": "distancing marker", "cue": text[cs:ce],
                         "cue_start": cs, "cue_end": ce, "quote_speaker": ""})
            continue
        if ki >= 0:
            rows.append(from_quote(indirect[ki][2], "indirect quotation"))
            continue
        rows.append({"voice": "own", "rule": "own prose", **none})
    return pd.DataFrame(rows, columns=["voice", "rule", "cue", "cue_start", "cue_end", "quote_speaker"])


def quote_mark_baseline(text: str, spans: pd.DataFrame) -> list[str]:
    """Baseline: ``reported`` when the span overlaps a pair of quotation marks' content, else ``own``."""
    from analysis.measures.quotes.attribution import quotation_spans

    qs = [(sp.start, sp.end) for sp in quotation_spans(text)]
    return ["reported" if any(s < e_ and e > s_ for s_, e_ in qs) else "own"
            for s, e in zip(spans["start"].astype(int), spans["end"].astype(int))]


def label_voice(text: str, mentions: pd.DataFrame, quotes: pd.DataFrame, scare: pd.DataFrame) -> pd.DataFrame:
    """The ``label_voice`` table: every mention of ``mentions`` with its designation flag and voice."""
    if not len(mentions):
        return LABEL_VOICE.empty()
    voice = classify(text, mentions, quotes, scare)
    m = mentions.reset_index(drop=True)
    free = _case_free(text, mentions)
    cols = {c: m[c] for c in ("actor", "actor_type", "surface", "label")}
    cols.update(start=m["start"].astype("int64"), end=m["end"].astype("int64"),
                designation=np.array([is_designation(s, f) for s, f in zip(m["surface"].tolist(), free)],
                                     dtype=bool))
    cols.update({c: voice[c] for c in voice.columns})
    cols.update(cue_start=voice["cue_start"].astype("int64"), cue_end=voice["cue_end"].astype("int64"))
    return pd.DataFrame(cols)  # one frame, not a selection, an assign, a concat and a cast


def adoption_table(table: pd.DataFrame, by=("outlet", "actor", "label"), designations_only: bool = True
                   ) -> pd.DataFrame:
    """Per ``by`` group: mentions in each voice (``own``, ``reported``, ``distanced``), ``n`` and shares.

    ``table`` is the corpus ``label_voice`` table (with ``outlet``). Columns: the
    ``by`` columns, ``n``, one count and one ``share_<voice>`` column per voice.
    """
    t = table[table["designation"]] if designations_only else table
    by = list(by)
    counts = (t.groupby(by + ["voice"]).size().unstack("voice", fill_value=0)
              .reindex(columns=list(VOICES), fill_value=0)) if len(t) else \
        pd.DataFrame(columns=list(VOICES))
    counts = counts.reset_index() if len(t) else pd.DataFrame(columns=by + list(VOICES))
    counts["n"] = counts[list(VOICES)].sum(axis=1).astype(int)
    for v in VOICES:
        counts[f"share_{v}"] = (counts[v] / counts["n"].where(counts["n"] > 0)).astype(float)
    return counts[by + ["n", *VOICES, *[f"share_{v}" for v in VOICES]]].reset_index(drop=True)


def run(article, tables):
    return {"label_voice": label_voice(article.lead_text, tables["mentions"], tables["lead_quotes"],
                                       tables["scare_quotes"])}


def counts(article, tables) -> dict:
    t = tables["label_voice"]
    voices = [v for v, d in zip(t["voice"].tolist(), t["designation"].tolist()) if d]
    return {"designations": len(voices), **{f"designations_{v}": voices.count(v) for v in VOICES}}


def marks(tables) -> list[Mark]:
    t = tables["label_voice"]
    return [Mark(int(r.start), int(r.end), "label_voice", "label", f"lv{i}", ("vw-label", f"vw-lv-{r.voice}"),
                 tooltip(label=r.label, actor=r.actor, voice=r.voice, rule=r.rule, cue=r.cue,
                         quote_speaker=r.quote_speaker),
                 tag=r.voice, attrs={"data-voice": r.voice})
            for i, r in enumerate(t[t["designation"]].itertuples(index=False), 1)]


MEASURE = register(Measure(
    name="label_voice", tables={"label_voice": LABEL_VOICE}, run=run,
    needs=("mentions", "lead_quotes", "scare_quotes"), counts=counts,
    count_columns=("designations", *[f"designations_{v}" for v in VOICES]), marks=marks, layer="label_voice",
    doc="labels for actors: own word, a source's word, or a word held at a distance"))
