"""Fact coverage: which facts each outlet includes, leaves out, or gets wrong.

Informational framing (Entman 1993, *Framing: toward clarification of a
fractured paradigm*: to frame is to *select* some aspects of a perceived
reality and make them more salient) shows first in which facts a report
carries. This module extracts the checkable facts of each body, aligns the
same fact across articles however it is worded, and flags contradictions.

What is a fact (``kind``; guideline: ``data/annotations/facts_guideline.md``)
--------------------------------------------------------------------------
``number``
    a cardinal quantity written with digits or number words ("250,000",
    "a quarter of a million", "three", "50"), with what it counts. Left out:
    ordinals ("first trip"), bare "one", vague plurals ("millions"),
    numerals inside hyphenated modifiers ("two-front war"), and *referential*
    numerals that point back at things already named ("the two leaders",
    "all three", "the other two").
``date``
    an explicit calendar expression: a year ("2011"), a decade ("the 1980s"),
    a month with a day or year ("Sept. 30", "March 2001"). Weekdays and
    relative dates ("last month", "Tuesday") are not facts: they are anchors
    of the report, not checkable claims.
``claim``
    an own-voice sentence whose grammatical subject is a registry actor
    (:mod:`analysis.actors`): a short statement with its actors. Claims are
    extracted and aligned but have no gold; numbers and dates are scored.

What is counted (``unit``, ``unit_class``, ``what``)
----------------------------------------------------
``unit`` is the lemma of the first noun after the numeral (skipping
modifiers: "50 jets" → jet, "a quarter of a million people" → people).
``unit_class`` maps it through the synonym classes of
``analysis/data/fact_classes.csv`` (each row with its source): jet/helicopter →
aircraft, sortie/mission → sortie. A *generic* unit (people, times, years)
says nothing by itself, so ``what`` adds the nearest event word of the
sentence (kill/dead → kill, flee/displace → displace, war/conflict → war).
For a date ``what`` is the nearest event word, else the nearest noun before
it; classes marked ``keyed_by_actor`` (trip/visit) add the sentence's first
person actor ("Assad's trip since 2011" ≠ "Putin's trip in 2017").

Alignment (``fact_id``)
-----------------------
Two mentions are one fact when they share ``kind`` and ``key``
(:func:`fact_key`) and — for numbers — report the same event (``event_group``
from :func:`analysis.events.group_events`; a death toll is a snapshot, so the
same count in a 2020 report is another fact). Dates of past events do not
change, so dates align across events. Claims are aligned by the cosine of
their class-normalised lemma bags (TF-IDF, Salton & Buckley 1988) within an
event group, average linkage cut at :data:`CLAIM_THRESHOLD`. Values are
normalised first ("a quarter of a million" = 250000; "March 2001" =
2001-03; "Sept. 30" = --09-30), so the same fact worded differently is one.

Contradictions
--------------
Within one fact, two values contradict when numbers differ by more than
:data:`NUMBER_TOLERANCE` (relative; "over 700" and "700" agree) or dates
disagree on a component both give (2011 vs 2001; "Sept. 30" vs "2015" agree).
"""

from __future__ import annotations

import csv
import functools
import re
from itertools import combinations

import numpy as np
import pandas as pd

from analysis import paths
from analysis.sentences import docs

CLASSES_FILE = "fact_classes.csv"
#: Relative difference above which two counts of one fact contradict.
NUMBER_TOLERANCE = 0.10
#: Claims merge while their mean lemma-bag cosine is at least this.
CLAIM_THRESHOLD = 0.35
#: How far (in tokens) an event word may be from the fact to say what it is about.
EVENT_WINDOW = 12

FACT_COLUMNS = ["start", "end", "text", "kind", "value", "qualifier", "unit", "unit_class",
                "what", "actor", "key", "sentence_start", "sentence_end", "sentence"]

_UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
          "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
          "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_FRACTIONS = {"quarter": 0.25, "half": 0.5, "third": 1 / 3}
_MONTHS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
           "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12}
_MONTH_RE = (r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?|"
             r"Aug(?:ust|\.)?|Sept(?:ember|\.)?|Sep\.?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|"
             r"Dec(?:ember|\.)?)")
_WORD_NUM = (r"(?:(?:" + "|".join(_TENS) + r")(?:[- ](?:" + "|".join(list(_UNITS)[:9]) + r"))?|"
             + "|".join(sorted(_UNITS, key=len, reverse=True)) + r")")
_SCALE = r"(?:\s+(?:hundred|thousand|million|billion))"
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
#: Ordered alternatives; the first that matches at a position wins.
_PATTERNS = [
    ("date", "month_day", rf"\b{_MONTH_RE}\s+\d{{1,2}}(?!\d)(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"),
    ("date", "month_year", rf"\b{_MONTH_RE}\s+\d{{4}}\b"),
    ("date", "decade", r"\b(?:1[89]|20)\d0s\b"),
    ("date", "year", r"(?<![\d,.$])(?:1[89]\d\d|20\d\d)(?![\d%]|,\d)"),
    ("number", "fraction", r"\b(?:a|one)\s+(?:quarter|half|third)\s+of\s+an?\s+"
                           r"(?:hundred|thousand|million|billion)\b|\bhalf\s+an?\s+(?:million|billion)\b"),
    ("number", "digits", rf"(?<![\w.,])\$?(?:{_DIGITS}){_SCALE}?(?!\w)%?"),
    ("number", "words", rf"\b{_WORD_NUM}{_SCALE}?\b"),
]
_FACT_RE = re.compile("|".join(f"(?P<{name}>{pat})" for _, name, pat in _PATTERNS), re.I)
_KIND = {name: kind for kind, name, _ in _PATTERNS}
_REFERENTIAL = {"the", "all", "both", "other", "these", "those", "its", "their", "his", "her"}
_QUALIFIERS = [("an estimated", "approx"), ("estimated", "approx"), ("approximately", "approx"),
               ("about", "approx"), ("around", "approx"), ("roughly", "approx"),
               ("nearly", "approx"), ("almost", "approx"), ("some", "approx"),
               ("more than", "over"), ("over", "over"), ("at least", "over"),
               ("fewer than", "under"), ("less than", "under"), ("up to", "under")]
_QUAL_RE = re.compile(r"(?:^|\W)(" + "|".join(q for q, _ in _QUALIFIERS) + r")\s+$", re.I)


# --------------------------------------------------------------------------- classes

@functools.lru_cache(maxsize=1)
def fact_classes() -> pd.DataFrame:
    """The synonym classes (``analysis/data/fact_classes.csv``) with their sources."""
    path = paths.package_data(CLASSES_FILE)
    with open(path, encoding="utf-8", newline="") as fh:
        table = pd.DataFrame(list(csv.DictReader(fh)))
    bad = sorted(set(table["role"]) - {"generic", "unit", "event", "verb"})
    if bad or table["lemma"].duplicated().any() or (table["source"].str.strip() == "").any():
        raise ValueError(f"{path}: unknown role {bad}, duplicate lemma or empty source")
    table["keyed_by_actor"] = table["keyed_by_actor"].str.lower().eq("true")
    return table


def _class_maps() -> tuple[dict, dict, set, set]:
    t = fact_classes()
    cls = dict(zip(t["lemma"], t["class"]))
    role = dict(zip(t["lemma"], t["role"]))
    generic = set(t.loc[t["role"] == "generic", "class"])
    by_actor = set(t.loc[t["keyed_by_actor"], "class"])
    return cls, role, generic, by_actor


# --------------------------------------------------------------------------- values

def number_value(text: str) -> float | None:
    """The value of a numeral: "250,000" → 250000, "a quarter of a million" → 250000,
    "three" → 3, "twenty-five thousand" → 25000, "1.5 million" → 1500000."""
    t = " ".join(text.lower().replace("$", "").replace("%", "").split())
    m = re.fullmatch(r"(?:a|one)\s+(quarter|half|third)\s+of\s+an?\s+(\w+)|half\s+an?\s+(\w+)", t)
    if m:
        scale = _SCALES.get(m.group(2) or m.group(3))
        return _FRACTIONS[m.group(1) or "half"] * scale if scale else None
    words = t.split()
    scale = 1
    while words and words[-1] in _SCALES:
        scale *= _SCALES[words.pop()]
    head = " ".join(words).replace("-", " ")
    if re.fullmatch(r"[\d,]+(?:\.\d+)?", head) and re.search(r"\d", head):  # "," alone is no number
        return float(head.replace(",", "")) * scale
    total = 0
    for w in head.split():
        if w in _TENS:
            total += _TENS[w]
        elif w in _UNITS:
            total += _UNITS[w]
        else:
            return None
    return float(total * scale) if head else None


def date_value(text: str) -> str | None:
    """ISO-like value of a date: "2011", "1980s", "2001-03" (March 2001), "--09-30" (Sept. 30),
    "1941-10-03" (October 3, 1941)."""
    t = " ".join(text.split())
    if re.fullmatch(r"(?:1[89]|20)\d0s", t):
        return t
    if re.fullmatch(r"\d{4}", t):
        return t
    m = re.match(r"([A-Za-z]+)\.?\s+(\d{1,4})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?$", t)
    if not m:
        return None
    month = _MONTHS.get(m.group(1)[:4].lower()) or _MONTHS.get(m.group(1)[:3].lower())
    if month is None:
        return None
    if len(m.group(2)) == 4:
        return f"{m.group(2)}-{month:02d}"
    day = int(m.group(2))
    return f"{m.group(3)}-{month:02d}-{day:02d}" if m.group(3) else f"--{month:02d}-{day:02d}"


def _date_parts(value: str) -> tuple:
    """(year-or-decade, month, day) with None for what the value does not give."""
    if value.endswith("s"):
        return (value, None, None)
    if value.startswith("--"):
        return (None, int(value[2:4]), int(value[5:7]))
    parts = value.split("-")
    return (parts[0], *(int(p) for p in parts[1:]), *([None] * (3 - len(parts))))


def values_agree(kind: str, a: str, b: str, tolerance: float = NUMBER_TOLERANCE) -> bool:
    """Whether two normalised values of one fact are compatible (see the module docstring)."""
    if kind == "number":
        x, y = float(a), float(b)
        return abs(x - y) <= tolerance * max(abs(x), abs(y))
    if kind == "date":
        pa, pb = _date_parts(a), _date_parts(b)
        ya, yb = pa[0], pb[0]
        if ya and yb:
            decade = [y for y in (ya, yb) if y.endswith("s")]
            if decade and not (ya.endswith("s") and yb.endswith("s")):
                other = yb if ya.endswith("s") else ya
                if other[:3] != decade[0][:3]:
                    return False
            elif ya != yb:
                return False
        return all(x is None or y is None or x == y for x, y in zip(pa[1:], pb[1:]))
    return a == b


# --------------------------------------------------------------------------- extraction

def actor_mentions(text: str, nlp=None) -> pd.DataFrame:
    """Registry actor mentions in ``text`` (:func:`analysis.actors.find_mentions`, no NER,
    quotations not looked up: only who is named, and where, is needed here)."""
    from analysis.actors import find_mentions

    return find_mentions(text, quotes=pd.DataFrame(columns=["start", "end", "kind", "actor"]),
                         ner=False, nlp=nlp)


def _candidates(text: str) -> list[tuple[int, int, str, str]]:
    """``(start, end, kind, value)`` of every number/date expression that is a fact."""
    out = []
    for m in _FACT_RE.finditer(text):
        s, e, name = m.start(), m.end(), m.lastgroup
        surface = m.group()
        before, after = text[max(0, s - 1):s], text[e:e + 1]
        if before == "-" or after == "-" or (after and after.isalpha()):
            continue  # hyphenated modifier ("two-front", "8th-century") or ordinal
        kind = _KIND[name]
        if kind == "number":
            if surface.lower() == "one":
                continue
            prev = re.search(r"([A-Za-z]+)\s+$", text[max(0, s - 20):s])
            if prev and prev.group(1).lower() in _REFERENTIAL:
                continue  # "the two leaders", "all three": points back, adds no fact
            value = number_value(surface)
            if value is None:
                continue
            out.append((s, e, kind, f"{value:g}" if value < 1e15 else str(value)))
        else:
            value = date_value(surface)
            if value is not None:
                out.append((s, e, kind, value))
    return out


def _qualifier(text: str, start: int) -> str:
    m = _QUAL_RE.search(text[max(0, start - 20):start])
    return dict(_QUALIFIERS)[m.group(1).lower()] if m else ""


def _nearest(tokens, i0: int, i1: int, pred, window: int = EVENT_WINDOW):
    """The token satisfying ``pred`` nearest to the token span [i0, i1) within ``window``."""
    best, dist = None, window + 1
    for t in tokens:
        if i0 <= t.i < i1:
            continue
        d = i0 - t.i if t.i < i0 else t.i - i1 + 1
        if d < dist and pred(t):
            best, dist = t, d
    return best


def _lemma(t) -> str:
    if t.lemma_.lower() == "break" and any(c.lower_ == "out" for c in t.children):
        return "break_out"
    return t.lemma_.lower()


def extract_facts(text: str, mentions: pd.DataFrame | None = None, nlp=None) -> pd.DataFrame:
    """Number and date facts in ``text`` (usually a body: chrome blanked, offsets kept).

    One row per fact (columns :data:`FACT_COLUMNS`): ``text[start:end]`` is the
    numeral or date; ``value`` its normalised value; ``qualifier`` approx/over/
    under from a preceding "an estimated", "over", "more than" …; ``unit`` /
    ``unit_class`` / ``what`` / ``actor`` say what it counts or dates, and
    ``key`` joins them (:func:`fact_key`). ``mentions`` is
    :func:`analysis.actors.find_mentions` output for ``text``, used only for
    trip-like facts; computed (without NER or quotations) when absent.
    """
    cls, role, generic, by_actor = _class_maps()
    cands = _candidates(text)
    if not cands:
        return pd.DataFrame(columns=FACT_COLUMNS)
    if mentions is None:
        mentions = actor_mentions(text, nlp)
    persons = mentions[mentions["actor_type"] == "person"] if len(mentions) else mentions
    rows = []
    for para, doc in docs(text, nlp):
        local = [c for c in cands if para.start <= c[0] < para.end]
        for s, e, kind, value in local:
            ls, le = s - para.start, e - para.start
            span = doc.char_span(ls, le, alignment_mode="expand")
            if span is None:
                continue
            sent = span.sent
            toks = list(sent)
            unit = ""
            if kind == "number":
                for t in doc[span.end:min(span.end + 5, sent.end)]:
                    if t.pos_ in ("NOUN", "PROPN"):
                        unit = t.lemma_.lower()
                        break
                    if not (t.pos_ in ("ADJ", "ADV", "DET", "NUM") or t.lower_ in ("of", "a", "an")):
                        break
            unit_class = cls.get(unit, unit)
            event_pred = lambda t: role.get(_lemma(t)) == "event"
            what = ""
            if kind == "date" or unit_class in generic or not unit:
                ev = _nearest(toks, span.start, span.end, event_pred)
                if ev is not None:
                    what = cls[_lemma(ev)]
                elif kind == "date":
                    noun = _nearest([t for t in toks if t.i < span.start], span.start, span.end,
                                    lambda t: t.pos_ == "NOUN")
                    what = noun.lemma_.lower() if noun is not None else ""
            actor = ""
            if what in by_actor and len(persons):
                ss, se = para.start + sent.start_char, para.start + sent.end_char
                inside = persons[(persons["start"] >= ss) & (persons["end"] <= se)]
                actor = inside["actor"].iloc[0] if len(inside) else ""
            row = {"start": s, "end": e, "text": text[s:e], "kind": kind, "value": value,
                   "qualifier": _qualifier(text, s) if kind == "number" else "",
                   "unit": unit, "unit_class": unit_class, "what": what, "actor": actor,
                   "sentence_start": para.start + sent.start_char,
                   "sentence_end": para.start + sent.end_char, "sentence": sent.text.strip()}
            row["key"] = fact_key(row)
            rows.append(row)
    return pd.DataFrame(rows, columns=FACT_COLUMNS)


def fact_key(row: dict) -> str:
    """What makes two mentions the same fact (besides the event, for numbers).

    number: ``unit_class`` (+ ``what`` when the unit is generic or missing);
    date: ``what`` (+ ``actor`` for trip-like events). E.g. ``number:aircraft``,
    ``number:people/kill``, ``date:war``, ``date:trip/assad``.
    """
    if row["kind"] == "number":
        parts = [row["unit_class"] or "?"] + ([row["what"]] if row["what"] else [])
    else:
        parts = [row["what"] or "?"] + ([row["actor"]] if row["actor"] else [])
    return f"{row['kind']}:" + "/".join(parts)


# --------------------------------------------------------------------------- claims

def extract_claims(text: str, mentions: pd.DataFrame | None = None, nlp=None) -> pd.DataFrame:
    """Own-voice sentences whose grammatical subject is a registry actor.

    Columns as :data:`FACT_COLUMNS` with ``kind`` = claim: ``start``/``end``
    are the sentence's offsets, ``value`` the subject's actor and the root
    verb's lemma ("assad fly"), ``actor`` every actor named in the sentence,
    ``unit`` the class-normalised content lemmas (for alignment). Sentences
    that open inside a quotation mark are left out (they are someone else's
    words; :mod:`analysis.quotes` measures those).
    """
    cls = _class_maps()[0]
    if mentions is None:
        mentions = actor_mentions(text, nlp)
    rows = []
    for para, doc in docs(text, nlp):
        for sent in doc.sents:
            if sent.text.lstrip()[:1] in "\"“‘'":
                continue
            ss = para.start + sent.start_char
            se = para.start + sent.end_char
            inside = mentions[(mentions["start"] >= ss) & (mentions["end"] <= se)]
            subj = [t for t in sent if t.dep_ in ("nsubj", "nsubjpass") and t.head == sent.root]
            if not len(inside) or not subj:
                continue
            sub = subj[0].subtree
            sub = list(sub)
            s0, s1 = para.start + sub[0].idx, para.start + sub[-1].idx + len(sub[-1])
            who = inside[(inside["start"] < s1) & (inside["end"] > s0)]
            if who.empty:
                continue
            lemmas = [cls.get(_lemma(t), _lemma(t)) for t in sent
                      if t.is_alpha and not t.is_stop and t.pos_ in ("NOUN", "PROPN", "VERB", "ADJ")]
            rows.append({"start": ss, "end": se, "text": text[ss:se], "kind": "claim",
                         "value": f"{who['actor'].iloc[0]} {sent.root.lemma_.lower()}",
                         "qualifier": "", "unit": " ".join(lemmas), "unit_class": "",
                         "what": sent.root.lemma_.lower(),
                         "actor": "; ".join(dict.fromkeys(inside["actor"])),
                         "key": "claim", "sentence_start": ss, "sentence_end": se,
                         "sentence": sent.text.strip()})
    return pd.DataFrame(rows, columns=FACT_COLUMNS)


# --------------------------------------------------------------------------- corpus

def corpus_facts(corpus: pd.DataFrame, bodies: pd.DataFrame | None = None,
                 events: dict[str, str] | None = None, claims: bool = True,
                 nlp=None) -> pd.DataFrame:
    """Facts of every article's body, with ``article_id``, ``outlet`` and ``event_group``.

    ``bodies``: :func:`analysis.boilerplate.corpus_bodies` output (computed when
    absent). ``events``: article_id → event group, by default from
    :func:`analysis.events.group_events` (text only, never the metadata).
    """
    from analysis.boilerplate import corpus_bodies

    bodies = corpus_bodies(corpus) if bodies is None else bodies
    if events is None:
        from analysis.events import group_events
        events = group_events(corpus, bodies=bodies, nlp=nlp).groups()
    parts = []
    for row in bodies.itertuples(index=False):
        mentions = actor_mentions(row.body, nlp)
        found = [extract_facts(row.body, mentions, nlp)]
        if claims:
            found.append(extract_claims(row.body, mentions, nlp))
        f = pd.concat([x for x in found if len(x)] or [found[0]], ignore_index=True)
        f.insert(0, "event_group", events.get(row.article_id, ""))
        f.insert(0, "outlet", row.outlet)
        f.insert(0, "article_id", row.article_id)
        parts.append(f)
    return pd.concat(parts, ignore_index=True)


def _claim_clusters(claims: pd.DataFrame) -> np.ndarray:
    from analysis.events import cluster, identity, tfidf

    labels = np.zeros(len(claims), dtype=int)
    offset = 0
    for _, idx in claims.groupby("event_group", sort=False).groups.items():
        sub = claims.loc[idx]
        sim = tfidf([u.split() for u in sub["unit"]], analyzer=identity)[0]
        same_article = sub["article_id"].to_numpy()[:, None] == sub["article_id"].to_numpy()[None, :]
        sim = np.where(same_article, 0.0, sim)  # one claim per article per fact
        np.fill_diagonal(sim, 1.0)
        lab = cluster(sim, CLAIM_THRESHOLD)
        labels[[claims.index.get_loc(i) for i in idx]] = lab + offset
        offset += lab.max()
    return labels


def align_facts(facts: pd.DataFrame) -> pd.DataFrame:
    """Give every mention a ``fact_id`` shared by the mentions of one fact.

    ``fact_id`` = key (plus ``@event_group`` for numbers and claims), e.g.
    ``number:sortie@E1``, ``date:war``, ``claim:E1-3``. ``n_articles`` is how
    many articles carry the fact; ``fact_label`` a readable description
    (the most common value and what it counts).
    """
    f = facts.reset_index(drop=True).copy()
    ids = np.where(f["kind"] == "date", f["key"], f["key"] + "@" + f["event_group"].astype(str))
    f["fact_id"] = ids
    is_claim = f["kind"] == "claim"
    if is_claim.any():
        lab = _claim_clusters(f[is_claim])
        f.loc[is_claim, "fact_id"] = [f"claim:{g}-{n}" for g, n in zip(f.loc[is_claim, "event_group"], lab)]
    f["n_articles"] = f.groupby("fact_id")["article_id"].transform("nunique")
    label = {}
    for fid, g in f.groupby("fact_id", sort=False):
        if g["kind"].iloc[0] == "claim":
            label[fid] = g["sentence"].iloc[0][:80]
        else:
            val = g["value"].mode().iloc[0]
            label[fid] = f"{val} ({fid.split(':', 1)[1].split('@')[0]})"
    f["fact_label"] = f["fact_id"].map(label)
    return f


def coverage(aligned: pd.DataFrame, corpus: pd.DataFrame | None = None) -> pd.DataFrame:
    """Outlet × fact, long and tidy: one row per article × fact_id.

    ``present`` says whether the article carries the fact; ``values``,
    ``offsets`` ("start-end; …" of the fact mentions) and ``sentences`` give
    what is behind each present cell (empty when absent). Articles of
    ``corpus`` with no fact at all still appear (all absent).
    """
    arts = (corpus[["article_id", "outlet"]] if corpus is not None
            else aligned[["article_id", "outlet"]]).drop_duplicates()
    facts = aligned[["fact_id", "kind", "fact_label", "n_articles"]].drop_duplicates("fact_id")
    grid = arts.merge(facts, how="cross")
    cells = (aligned.groupby(["article_id", "fact_id"], sort=False)
             .agg(n_mentions=("start", "size"),
                  values=("value", lambda v: "; ".join(dict.fromkeys(v))),
                  offsets=("start", lambda s: "; ".join(f"{a}-{b}" for a, b in zip(
                      s, aligned.loc[s.index, "end"]))),
                  sentences=("sentence", lambda s: " | ".join(dict.fromkeys(s))))
             .reset_index())
    out = grid.merge(cells, on=["article_id", "fact_id"], how="left")
    out["present"] = out["n_mentions"].notna()
    out["n_mentions"] = out["n_mentions"].fillna(0).astype(int)
    for c in ("values", "offsets", "sentences"):
        out[c] = out[c].fillna("")
    return out[["article_id", "outlet", "fact_id", "kind", "fact_label", "n_articles", "present",
                "n_mentions", "values", "offsets", "sentences"]]


def coverage_matrix(aligned: pd.DataFrame, corpus: pd.DataFrame | None = None,
                    min_articles: int = 1) -> pd.DataFrame:
    """Wide present/absent matrix (rows outlets, columns fact labels) for the figure.

    Facts carried by fewer than ``min_articles`` articles are dropped (e.g. 2
    to show only facts some outlet shares). The cell sentences are in :func:`coverage`.
    """
    cov = coverage(aligned, corpus)
    cov = cov[cov["n_articles"] >= min_articles]
    return cov.pivot_table(index="outlet", columns="fact_label", values="present",
                           aggfunc="max", sort=False).astype(bool)


CONTRADICTION_COLUMNS = ["fact_id", "kind", "article_a", "outlet_a", "value_a", "start_a", "end_a",
                         "sentence_a", "article_b", "outlet_b", "value_b", "start_b", "end_b",
                         "sentence_b"]


def contradictions(aligned: pd.DataFrame) -> pd.DataFrame:
    """Pairs of mentions of one fact whose values disagree (:func:`values_agree`).

    Numbers and dates only; both mentions may come from one article (an
    article that contradicts itself). One row per disagreeing pair.
    """
    rows = []
    f = aligned[aligned["kind"].isin(["number", "date"])]
    for fid, g in f.groupby("fact_id", sort=False):
        for (_, a), (_, b) in combinations(g.iterrows(), 2):
            if not values_agree(a["kind"], a["value"], b["value"]):
                rows.append((fid, a["kind"], a["article_id"], a["outlet"], a["value"], a["start"],
                             a["end"], a["sentence"], b["article_id"], b["outlet"], b["value"],
                             b["start"], b["end"], b["sentence"]))
    return pd.DataFrame(rows, columns=CONTRADICTION_COLUMNS)
