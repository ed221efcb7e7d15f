"""Actors: who is mentioned, by which word (the label), and where.

The knowledge lives in the registry, ``data/actors.csv`` (one row per alias,
each with its source; see ``data/actors.md``). This module applies it to a
text with a few general rules, and falls back on spaCy's named entities for
actors the registry does not know.

Reading the output
------------------
:func:`find_mentions` returns one row per mention: the canonical ``actor``, the
exact ``surface`` (``text[start:end]``), and the ``label`` — the outlet's word
choice, normalised as in ``data/annotations/actors_guideline.md`` §7 (the
Syrian state as ``government`` or ``regime``; the armed opposition as
``rebels``, ``insurgents`` or ``terrorists``). :func:`label_table` counts
labels per outlet and actor: the share of an actor's mentions in an outlet
that use each label (higher ⇒ that word dominates the outlet's naming).

Alias matching (case rules)
---------------------------
* Whitespace in an alias matches any run of whitespace (including U+00A0);
  ``'`` matches ``’``; each word may carry quote marks (``“moderate” rebels``),
  kept in the span only when they come in pairs.
* An alias in capitals (``IS``, ``US``, ``U.S.``, ``SANA``) matches only in
  capitals. An alias starting with a capital (``Assad``, ``Syrian president``)
  needs a capital first letter in the text; the rest is case-insensitive
  (headline case). A lower-case alias (``rebels``) matches in any case.
* A match may not follow a letter or a hyphen (``anti-Assad`` is no mention of
  Assad) and may not be followed by a letter; the possessive ``'s`` is left out.
  The longest alias wins at each position.

General rules (guideline §3-§6)
-------------------------------
* **Titles and honorifics** join a name: ``Syrian President Bashar al-Assad``
  (formal title, capitalised → label ``president``), ``Mr. Assad`` (label
  ``mr. assad``), ``Russian leader Vladimir Putin`` / ``key ally Putin``
  (lower-case epithet → the epithet is the label).
* **State organs:** a nationality adjective or country possessive before an
  organ noun (:data:`ORGAN_HEADS`) is one mention of that state
  (``the Russian military``, ``Russia's foreign and defense ministers``);
  government/regime/presidency are labelled by the head alone, other organs as
  ``<nationality> <head>``.
* **Agency adjectives:** ``Russian airstrikes`` → ``Russian`` (label
  ``russian``) unless the head is a place, event, population, person or media
  noun (:data:`NON_AGENCY_HEADS`: ``the Syrian conflict``, ``Russian television``).
* **Metonymy vs place:** a country, capital or building name is an actor unless
  it is a destination or location: governed by a place preposition (in, from,
  over, of, on, …), by ``to`` after a motion word (flew/trip/visit/return … to),
  the object of *visit*/*tour*, coordinated with such a place
  (``visit Moscow before Tehran``), a locative apposition (``Latakia, Syria``),
  a dateline (``WASHINGTON —``), ``-based``, the modifier of a facility or
  topic noun (``a Damascus suburb``, ``the Russia investigation``) or the
  possessor of a place/event noun (``Syria's war``). A relative clause
  making it act (``in Turkey, which has sent forces``) or subject position
  overrides. As a noun modifier (``the Kremlin campaign``) it is an actor.
* **Determiners and modifiers:** ``the``/``a``/``an`` join the mention unless
  they belong to a following head (``the Moscow military intervention``);
  adjectives join descriptor and group NPs (``the embattled Syrian leader``,
  ``'good' terrorists``) but quantifiers and degree words do not (``the many
  opposition groups`` → ``opposition groups``). Evaluative modifiers
  (:data:`EVALUATIVE_MODIFIERS`) are kept in the label.
* **Possessors inside another actor's NP** (``Syria's Islamic State
  jihadists``, ``Russia's Interfax news agency``) belong to that mention;
  a person possessing an organ (``Assad's forces``) is a mention of the person.
* **Personnel in a capital:** ``leaders in Moscow``, ``the Ayatollahs in
  Tehran`` are one mention of that state.
* **Elliptical coordination:** ``Syrian, Russian presidents`` gives
  ``Syrian`` (→ the Syrian president) and ``Russian presidents``.
* **Bare designations** (``the regime``, ``the government``) resolve to the
  registry's focal state (``syria`` for this study; see ``data/actors.md``),
  unless something else owns them: ``the North Korean regime``, ``the U.S.
  government`` (composed), ``Assad's regime`` (the person is the mention).

NER fallback
------------
spaCy PERSON/ORG/GPE/NORP entities that overlap no registry alias become
ad-hoc actors (``source='ner'``) with ids derived from the name
(``Sergei Lavrov`` → ``sergei_lavrov``). Within one text they are merged by
simple alias rules: case-insensitive, a leading ``the`` and honorifics
(``Mr.``) stripped, and a later surname alone (``Lavrov``) joins the earlier
full name whose last word it is. GPEs pass the same place test as registry
countries; a NORP becomes an actor only as a demonym noun (``the Kurds``) or
before an organ noun (``Egyptian officials``).
"""

from __future__ import annotations

import bisect
import collections
import csv
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

import pandas as pd

from analysis import frames, paths
from analysis.core.speakers import SPEAKER_TYPES
from analysis.core.parse import Parse, docs
from analysis.core.units import MAX_RUN_CHARS, piece_rows, sentence_spans

REGISTRY_FILE = "actors.csv"
REGISTRY_COLUMNS = ("actor", "actor_name", "type", "alias", "label", "metonymy", "speaker_type",
                    "source", "form")
ACTOR_TYPES = ("person", "state", "government", "organisation", "armed_group", "media", "collective")
#: ``form`` says how an alias is used: a proper ``name``; a ``country`` name or a
#: ``metonym`` (capital, building), both subject to the place test; a nationality
#: ``adjective``; a plural ``demonym``; a ``descriptor`` (definite description);
#: a ``group`` noun for an armed group; a ``bare`` state designation; a ``collective``.
FORMS = ("name", "country", "metonym", "adjective", "demonym", "descriptor", "group", "bare",
         "collective")
COLUMNS = ["actor", "actor_type", "surface", "label", "start", "end", "sentence",
           "sentence_start", "sentence_end", "in_quote", "quote_speaker", "source"]

#: Organ nouns of a state: ``<nationality> <head>`` is one mention of the state.
#: ``None`` = labelled by the head alone (the political designation is the signal).
ORGAN_HEADS = {
    "government": None, "regime": None, "presidency": None, "administration": None,
    "authorities": "{adj} authorities", "military": "{adj} military", "army": "{adj} army",
    "forces": "{adj} forces", "troops": "{adj} troops", "marines": "{adj} marines",
    "navy": "{adj} navy", "officials": "{adj} officials", "leadership": "{adj} leadership",
    "leaders": "{adj} leaders", "ministers": "{adj} ministers", "ministry": "{adj} ministry",
    "diplomats": "{adj} diplomats", "generals": "{adj} generals", "commanders": "{adj} commanders",
}
#: Words allowed between the nationality and the organ head (``Russian ground forces``).
ORGAN_MODIFIERS = frozenset("ground foreign and defense defence armed security special air naval "
                            "government senior top state interior military".split())
#: Heads that make a nationality adjective, country noun modifier or possessor *not*
#: an actor: places, events, populations, individual people, media, abstractions.
NON_AGENCY_HEADS = frozenset("""
war wars conflict conflicts crisis revolution uprising rebellion insurgency
people population citizens civilians refugees nationals children families soldiers
territory territories soil border borders city cities town towns capital coast province provinces
region regions countryside desert airspace north south east west side
statehood integrity sovereignty history culture language economy society
media television tv press newspaper newspapers channel channels journalists journalist
president leader general minister diplomat analyst analysts expert experts scholar official
businessman man woman men women
companies company firms firm businesses banks investors
investigation investigations inquiry probe report question issue file
""".split())
#: Facilities and places: a country or capital *modifying* one of these names its location
#: (``Damascus airport``); as a possessor it owns it (``Russia's air base``: an actor).
PLACE_NOUNS = frozenset("airport airports base bases port harbour harbor palace hotel street square "
                        "suburb suburbs outskirts university institute embassy state".split())
#: Person nouns taking a name after them as a title or epithet (``President Putin``).
TITLE_WORDS = frozenset("president leader ally minister premier chancellor general commander "
                        "spokesman spokeswoman spokesperson king queen prince emir sheikh "
                        "ayatollah strongman dictator secretary envoy ambassador chief "
                        "senator governor mayor colonel lieutenant major admiral".split())
#: Words that may precede a title inside it (``Prime Minister``, ``Foreign Minister``).
TITLE_MODIFIERS = frozenset("prime foreign defense defence deputy vice supreme interior "
                            "first former acting de facto".split())
HONORIFICS = {"mr.": "mr.", "mr": "mr.", "mrs.": "mrs.", "mrs": "mrs.", "ms.": "ms.",
              "ms": "ms.", "dr.": "dr.", "dr": "dr."}
#: Quantifiers and degree words: never part of the mention, nor the article before them.
QUANTIFIERS = frozenset("many other more most some several few all both any various numerous "
                        "dozens hundreds thousands less fewer much such another each every".split())
POSSESSIVE_PRONOUNS = frozenset("his her its their our my your whose".split())
DETERMINERS = frozenset(("the", "a", "an"))
#: Evaluative modifiers: kept in the label (the framing signal, guideline §7). Taken from
#: the guideline's examples and common descriptors of leaders and armed groups in the press.
EVALUATIVE_MODIFIERS = frozenset("""
embattled emboldened beleaguered besieged isolated defiant weakened resurgent triumphant
brutal ruthless murderous bloody autocratic authoritarian despotic dictatorial tyrannical
moderate radical extremist hardline hard-line legitimate illegitimate so-called
""".split())
#: Prepositions after which a country or capital is a place, not an actor.
PLACE_PREPS = frozenset("in into inside from over of on across throughout within around near "
                        "outside at via through toward towards onto beyond above below "
                        "about between among".split())
#: Words before ``to`` that make it a destination (``flew to Moscow``, ``visit to Russia``).
MOTION_WORDS = re.compile(
    r"^(?:fl(?:y|ies|ew|own|ying|ight|ights)|travel\w*|trip|trips|visit\w*|journey\w*|return\w*|"
    r"c[ao]me|comes|coming|go|goes|going|went|gone|arriv\w+|head(?:s|ed|ing)?|mov\w+|send\w*|sent|"
    r"deploy\w*|tour\w*|back|way|road|welcom\w+|invit\w+|rush\w*|dispatch\w*|fle[de]|fleeing|"
    r"escap\w+|deliver\w*|relocat\w+|transfer\w*|shipp?\w*|trek\w*|drove|driv\w+|sail\w*)$", re.I)
#: Verbs whose direct object is a destination (``visit Moscow``).
VISIT_VERBS = re.compile(r"^(?:visit\w*|tour\w*|leav\w+|left|reach\w*|enter\w*|toured)$", re.I)
#: Words joining a second place to a first (``visit Moscow before Tehran``).
PLACE_COORD = frozenset("before after and or then than".split())
#: Nouns that turn a state's capital into its personnel (``leaders in Moscow``).
PERSONNEL_NOUNS = frozenset("leaders officials authorities policymakers hardliners diplomats "
                            "generals leadership".split())
#: Nouns naming a medium, allowed around an outlet's name (``Russia's Interfax news agency``).
MEDIA_NOUNS = r"(?:news\s+agency|news\s+channel|news\s+service|newspaper|daily|agency|channel|" \
              r"television|TV|broadcaster|radio)"
#: Group nouns that may follow a group alias (``terrorists elements``).
GROUP_NOUNS = frozenset("elements groups organizations organisations fighters forces cells "
                        "factions units militias".split())
#: Plural title nouns for elliptical coordination (``Syrian, Russian presidents``).
PLURAL_TITLES = {"presidents": "president", "leaders": "leader", "prime ministers": "prime minister",
                 "foreign ministers": "foreign minister"}
NER_LABELS = ("PERSON", "ORG", "GPE", "NORP")
#: Entity types inside which a country/capital/adjective is part of another name.
_CONTAINER_ENTS = frozenset(("ORG", "FAC", "WORK_OF_ART", "EVENT", "LAW", "PRODUCT"))
QUOTE_CHARS = "\"“”'‘’«»"
_QUOTE_OPT = "[\"“”'‘’«»]?"
_APOS = "['’]"


# --------------------------------------------------------------------------- text look-ups without copies
# A paragraph can be a megabyte long: slicing ``text[end:]`` or searching ``text[:start]`` for every
# candidate would copy or scan it once per candidate (quadratic). These give the same matches.

def _match_at(pattern: str, text: str, pos: int, flags: int = 0):
    """``re.match(pattern, text[pos:])``, with offsets into ``text`` (patterns here have no ``^``/lookbehind)."""
    return re.compile(pattern, flags).match(text, pos)


#: How far back :func:`_search_before` looks first.
_TAIL = 1000


def _search_before(pattern: str, text: str, end: int):
    """``re.search(pattern, text[:end])`` for a ``$``-anchored pattern, looking at the last
    :data:`_TAIL` characters first and at all of them only when a match could reach further back."""
    rx = re.compile(pattern)
    start = max(0, end - _TAIL)
    m = rx.search(text, start, end)
    if start == 0:
        return m
    tail = text[start:end]
    if (m is not None and m.start() == start) or (m is None and len(tail) - len(tail.rstrip()) > _TAIL - 100):
        return rx.search(text, 0, end)
    return m


def _blank_before(text: str, pos: int) -> bool:
    """``not text[:pos].strip()`` without the copy."""
    return _NONSPACE.search(text, 0, pos) is None


_NONSPACE = re.compile(r"\S")


# --------------------------------------------------------------------------- registry

@functools.lru_cache(maxsize=1)
def registry() -> pd.DataFrame:
    """The actor registry (``data/actors.csv``): one row per alias, with its source.

    Columns: :data:`REGISTRY_COLUMNS`; ``metonymy`` is boolean. Cached: do not
    modify the returned frame (copy it first).
    """
    path = paths.package_data(REGISTRY_FILE)
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    table = pd.DataFrame(rows, columns=list(REGISTRY_COLUMNS))
    _check_registry(table, path)
    table["metonymy"] = table["metonymy"].str.lower().eq("true")
    return table


def _check_registry(table: pd.DataFrame, path) -> None:
    problems = []
    for col in REGISTRY_COLUMNS:
        if (table[col].fillna("").str.strip() == "").any():
            problems.append(f"empty {col}")
    for col, allowed in (("type", ACTOR_TYPES), ("speaker_type", SPEAKER_TYPES), ("form", FORMS)):
        bad = sorted(set(table[col]) - set(allowed))
        if bad:
            problems.append(f"unknown {col} {bad}")
    if not table["metonymy"].str.lower().isin(["true", "false"]).all():
        problems.append("metonymy must be true/false")
    keys = table["alias"].map(_alias_key)
    dup = table[keys.duplicated(keep=False)]
    if not dup.empty:
        problems.append(f"alias listed twice: {sorted(set(dup['alias']))}")
    per_actor = table.groupby("actor")[["actor_name", "type"]].nunique()
    if (per_actor > 1).any(axis=None):
        problems.append("an actor has more than one actor_name or type")
    if problems:
        raise ValueError(f"{path}: " + "; ".join(problems))


def _is_caps(alias: str) -> bool:
    letters = [c for c in alias if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _norm(s: str) -> str:
    s = s.replace("’", "'").replace("‘", "'")
    s = re.sub(f"[{QUOTE_CHARS.replace(chr(39), '')}]", "", s)
    s = re.sub(r"(?<!\w)'|'(?!\w)", "", s)
    s = re.sub(r"[‐‑–]", "-", s)
    return " ".join(s.split())


def _alias_key(alias: str) -> str:
    a = _norm(alias)
    return a if _is_caps(a) else a.lower()


def _word_pattern(word: str) -> str:
    w = re.escape(word).replace("'", _APOS).replace("\\-", "[-‐‑–]")
    return f"{_QUOTE_OPT}{w}{_QUOTE_OPT}"


def _alias_pattern(alias: str) -> str:
    return r"\s+".join(_word_pattern(w) for w in alias.split())


@dataclass(frozen=True)
class _Compiled:
    caps: re.Pattern
    other: re.Pattern
    by_key: dict
    adjective_of: dict        # actor -> adjective label ("russian")
    adjectives: dict          # lower adjective surface -> actor
    countries: dict           # lower country/metonym surface -> actor
    capitals: dict            # lower metonym surface -> actor
    descriptors: dict         # lower descriptor alias -> row
    focal_state: str


@functools.lru_cache(maxsize=1)
def _compiled() -> _Compiled:
    reg = registry()
    recs = reg.to_dict("records")
    by_key = {_alias_key(r["alias"]): r for r in recs}
    caps = sorted((r["alias"] for r in recs if _is_caps(r["alias"])), key=len, reverse=True)
    other = sorted((r["alias"] for r in recs if not _is_caps(r["alias"])), key=len, reverse=True)
    lead, tail = r"(?<![\w\-‐‑])", r"(?!\w)"

    def alt(aliases, flags):
        return re.compile(lead + "(?:" + "|".join(_alias_pattern(a) for a in aliases) + ")" + tail,
                          flags)

    def alt_by_first_letter(aliases, flags):
        """:func:`alt`, its alternatives grouped by first letter behind a look-ahead for it (in their
        order within a group), so a position tries one group's aliases, not all. Matches the same:
        every alias starts with an optional quote mark and its first letter, and aliases of other
        first (ASCII, case-folded) letters cannot match where a group's letter is. Other first
        characters: :func:`alt` itself."""
        if not all(a[:1].isascii() and a[:1].isalnum() for a in aliases):
            return alt(aliases, flags)
        groups: dict[str, list[str]] = {}
        for a in aliases:
            groups.setdefault(a[0].lower(), []).append(_alias_pattern(a))
        body = "|".join(f"(?={_QUOTE_OPT}{re.escape(k)})(?:" + "|".join(ps) + ")" for k, ps in groups.items())
        return re.compile(lead + "(?:" + body + ")" + tail, flags)

    adjective_of, adjectives, countries, capitals, descriptors = {}, {}, {}, {}, {}
    for r in recs:
        if r["form"] == "adjective":
            adjective_of.setdefault(r["actor"], r["label"])
            adjectives[r["alias"].lower()] = r["actor"]
        if r["form"] in ("country", "metonym"):
            countries[_norm(r["alias"]).lower()] = r["actor"]
        if r["form"] == "metonym":
            capitals[_norm(r["alias"]).lower()] = r["actor"]
        if r["form"] == "descriptor":
            descriptors[_norm(r["alias"]).lower()] = r
    bare = reg.loc[reg["form"] == "bare", "actor"].unique()
    focal = bare[0] if len(bare) else ""
    return _Compiled(alt(caps, 0), alt_by_first_letter(other, re.IGNORECASE), by_key, adjective_of, adjectives,
                     countries, capitals, descriptors, focal)


def actor_info(actor: str) -> dict | None:
    """``actor_name``, ``type`` and default ``speaker_type`` of a registry actor (None if unknown)."""
    reg = registry()
    rows = reg[reg["actor"] == actor]
    if rows.empty:
        return None
    r = rows.iloc[0]
    return {"actor": actor, "actor_name": r["actor_name"], "type": r["type"],
            "speaker_type": r["speaker_type"]}


def adhoc_id(name: str) -> str:
    """An id derived from a name: ``"Sergei Lavrov"`` → ``sergei_lavrov`` (``the`` and honorifics dropped)."""
    words = _norm(name).split()
    while words and (words[0].lower() in DETERMINERS or words[0].lower() in HONORIFICS):
        words = words[1:]
    if words and re.fullmatch(r"['’]s", words[-1]):
        words = words[:-1]
    slug = re.sub(r"[^0-9a-z]+", "_", " ".join(words).lower()).strip("_")
    return slug or "unknown"


# --------------------------------------------------------------------------- candidates

@dataclass
class _Cand:
    start: int                 # paragraph-local character offsets
    end: int
    actor: str
    label: str
    form: str
    kind: str = "registry"     # registry | ner
    poss: bool = False         # followed by the possessive 's
    decided: bool = False      # composition done; no further extension
    actor_type: str = ""
    ner_name: str = ""         # the entity's text, for ad-hoc ids


class _Para:
    """One paragraph's text and parse, with character → token lookup."""

    def __init__(self, text: str, doc):
        self.text = text
        self.doc = doc
        self.places: list[tuple[int, int]] = []
        self.tok_at = [None] * (len(text) + 1)
        for t in doc:
            n = len(t.text)
            self.tok_at[t.idx:t.idx + n] = [t.i] * n

    def first_tok(self, start: int):
        for c in range(start, len(self.text)):
            if self.tok_at[c] is not None:
                return self.doc[self.tok_at[c]]
        return None

    def last_tok(self, end: int):
        for c in range(end - 1, -1, -1):
            if self.tok_at[c] is not None:
                return self.doc[self.tok_at[c]]
        return None

    def prev_tok(self, start: int, skip_adv: bool = False):
        t = self.first_tok(start)
        i = (t.i if t is not None else len(self.doc)) - 1
        while i >= 0 and t is not None and self.doc[i].idx >= start:
            i -= 1
        while i >= 0 and self.doc[i].is_space:
            i -= 1
        while skip_adv and i >= 0 and (self.doc[i].pos_ in ("ADV", "ADJ", "SPACE")
                                       or self.doc[i].lower_ in DETERMINERS
                                       or self.doc[i].lower_ in ("safely", "temporarily", "then",
                                                                 "later", "also")):
            i -= 1
        return self.doc[i] if i >= 0 else None

    def next_tok(self, end: int):
        for t in self.doc:
            if t.idx >= end:
                return t
        return None


def _raw_matches(text: str, comp: _Compiled) -> list[tuple[int, int, dict]]:
    """Registry alias hits (start, end, row), longest first at each position, no overlaps."""
    hits = []
    for pat, caps in ((comp.caps, True), (comp.other, False)):
        for m in pat.finditer(text):
            s, e = m.start(), m.end()
            s, e = _trim_quotes(text, s, e)
            surf = text[s:e]
            key = _norm(surf) if caps else _norm(surf).lower()
            row = comp.by_key.get(key)
            if row is None:
                continue
            alias = row["alias"]
            if alias[0].isupper() and not _norm(surf)[:1].isupper():
                continue
            hits.append((s, e, row))
    hits.sort(key=lambda h: (-(h[1] - h[0]), h[0]))
    taken, out = [], []
    for h in hits:
        if any(h[0] < b and a < h[1] for a, b in taken):
            continue
        taken.append((h[0], h[1]))
        out.append(h)
    return sorted(out, key=lambda h: h[0])


def _trim_quotes(text: str, s: int, e: int) -> tuple[int, int]:
    """Drop quote marks at the edges of a span unless they pair with one inside it."""
    for _ in range(2):
        inner = text[s:e]
        n = sum(inner.count(q) for q in QUOTE_CHARS if q != "'") + len(re.findall(r"(?<!\w)'|'(?!\w)", inner))
        if e - s > 1 and inner[0] in QUOTE_CHARS and n < 2:
            s += 1
        inner = text[s:e]
        n = sum(inner.count(q) for q in QUOTE_CHARS if q != "'") + len(re.findall(r"(?<!\w)'|'(?!\w)", inner))
        if e - s > 1 and inner[-1] in QUOTE_CHARS and n < 2:
            e -= 1
    return s, e


def _possessive_after(text: str, end: int) -> bool:
    return bool(re.match(r"['’]s\b|['’](?!\w)", text[end:end + 2])) and not text[end:end + 3].startswith("'s'")


def _is_modifier_word(t) -> bool:
    if t.tag_ == "VBG":
        # inside a noun phrase ('Syria's existing government'), not a gerund and its
        # object ('along with fighting militants')
        before = t.doc[t.i - 1] if t.i > 0 else None
        return before is not None and (before.tag_ in ("POS", "DT", "JJ", "PRP$")
                                       or before.pos_ == "ADJ")
    if t.pos_ == "VERB" and t.tag_ != "VBN":
        return False
    return (t.pos_ == "ADJ" or t.tag_ in ("JJ", "JJR", "JJS", "VBN") or t.dep_ == "amod"
            or t.text in QUOTE_CHARS)


def _head_noun(p: _Para, end: int):
    """The noun an adjective or noun modifier ending at ``end`` modifies (None if not a modifier)."""
    t = p.last_tok(end)
    if t is None:
        return None
    # walk right over coordinated adjectives / compounds until a noun that is not itself a modifier
    i = t.i + 1
    doc = p.doc
    while i < len(doc):
        u = doc[i]
        if u.text in QUOTE_CHARS or u.lower_ in ("and", "or", ",", "-", "–"):
            i += 1
            continue
        if u.pos_ in ("ADJ",) or (u.pos_ in ("NOUN", "PROPN") and u.dep_ in ("compound",)
                                  and i + 1 < len(doc) and doc[i + 1].pos_ in ("NOUN", "PROPN")):
            i += 1
            continue
        if u.pos_ in ("NOUN", "PROPN") and u.is_lower or (u.pos_ == "NOUN"):
            return u
        return None
    return None


def _candidates(p: _Para, comp: _Compiled) -> tuple[list[_Cand], list[tuple[int, int]]]:
    text = p.text
    raw = _raw_matches(text, comp)
    consumed = [(s, e) for s, e, _ in raw]
    cands: list[_Cand] = []
    for s, e, row in raw:
        c = _Cand(s, e, row["actor"], row["label"], row["form"], actor_type=row["type"])
        c.poss = _possessive_after(text, e)
        cands.append(c)
    cands = _elliptical(p, comp, cands)
    cands = _merge_descriptor_names(p, cands)
    cands = _merge_possessors(p, cands)
    out = []
    for c in cands:
        out.extend(_resolve_cand(p, comp, c))
    out = _personnel_in_capital(p, comp, out)
    out += _personnel_generic(p, comp, out)
    _place_coordination(p, comp, out)
    out = [c for c in out if c.actor]
    out = _drop_inside_entities(p, out)
    return _no_overlaps(out), consumed


def _no_overlaps(cands: list[_Cand]) -> list[_Cand]:
    order = sorted(cands, key=lambda c: (-(c.end - c.start), c.start))
    taken: list[_Cand] = []
    for c in order:
        if any(c.start < t.end and t.start < c.end for t in taken):
            continue
        taken.append(c)
    return sorted(taken, key=lambda c: c.start)


def _elliptical(p: _Para, comp: _Compiled, cands: list[_Cand]) -> list[_Cand]:
    """``Syrian, Russian presidents`` → two descriptor mentions."""
    out = list(cands)
    for i, c in enumerate(cands):
        if c.form != "adjective" or i + 1 >= len(cands):
            continue
        d = cands[i + 1]
        between = p.text[c.end:d.start]
        if d.form != "adjective" or not re.fullmatch(r"\s*(?:,|and|,\s*and)\s*", between):
            continue
        m = _match_at(r"\s+(" + "|".join(PLURAL_TITLES) + r")\b", p.text, d.end, re.I)
        if not m:
            continue
        sing = PLURAL_TITLES[m.group(1).lower()]
        r1 = comp.descriptors.get(f"{p.text[c.start:c.end].lower()} {sing}")
        r2 = comp.descriptors.get(f"{p.text[d.start:d.end].lower()} {sing}")
        if r1 is not None:
            out[i] = _Cand(c.start, c.end, r1["actor"], r1["label"], "descriptor", decided=True,
                           actor_type=r1["type"])
        if r2 is not None:
            out[i + 1] = _Cand(d.start, m.end(), r2["actor"], r2["label"], "descriptor",
                               decided=True, actor_type=r2["type"])
        if r1 is None and r2 is None:     # 'Syrian and Russian media': generic, no actor
            out[i] = replace(c, actor="")
            out[i + 1] = replace(d, actor="")
    return out


def _merge_descriptor_names(p: _Para, cands: list[_Cand]) -> list[_Cand]:
    """A descriptor right before a name of the same actor is its title (``Syrian President Bashar al-Assad``)."""
    out, skip = [], set()
    for i, c in enumerate(cands):
        if i in skip:
            continue
        if (c.form == "descriptor" and i + 1 < len(cands) and cands[i + 1].form == "name"
                and cands[i + 1].actor == c.actor and re.fullmatch(r"\s+", p.text[c.end:cands[i + 1].start])):
            n = cands[i + 1]
            words = p.text[c.start:c.end].split()
            formal = words[-1][:1].isupper() and words[-1].lower() in TITLE_WORDS
            label = words[-1].lower() if formal else c.label
            out.append(_Cand(c.start, n.end, c.actor, label, "name", poss=n.poss, decided=True,
                             actor_type=c.actor_type))
            skip.add(i + 1)
        else:
            out.append(c)
    return out


def _resolve_cand(p: _Para, comp: _Compiled, c: _Cand) -> list[_Cand]:
    """Apply the form's rules to one candidate: extend, compose, or drop (actor '')."""
    text = p.text
    if not c.actor:
        return [c]
    if c.form == "name" and c.actor_type == "person":
        return [_title_extend(p, comp, c) if not c.decided else c]
    if c.form == "adjective":
        return [_adjective(p, comp, c)]
    if c.form == "country" and c.poss:
        organ = _organ_after(p, comp, c, c.end + 2)
        if organ is not None:
            return [organ]
    if c.form == "country" and not c.poss:
        organ = _organ_after(p, comp, c, c.end, adj=c.label)      # 'the U.S. military'
        if organ is not None:
            return [organ]
    if c.form in ("country", "metonym"):
        if _is_place(p, comp, c):
            p.places.append((c.start, c.end))
            return [replace(c, actor="")]
        return [_det_extend(p, c)]
    if c.form == "name" and c.actor_type == "media":
        return [_det_extend(p, _media_extend(p, comp, c))]
    if c.form in ("group", "descriptor", "bare", "name", "collective", "demonym"):
        if c.form == "group":
            m = _match_at(r"\s+(\w+)\b", text, c.end)
            if m and m.group(1).lower() in GROUP_NOUNS:
                c = replace(c, end=m.end())
        if c.form == "bare" and _foreign_owner(p, comp, c):
            return [replace(c, actor="")]
        if c.form in ("group", "descriptor", "bare"):
            return [_left_extend(p, comp, c)]
        return [_det_extend(p, c)]
    return [c]


def _foreign_owner(p: _Para, comp: _Compiled, c: _Cand) -> bool:
    """A bare ``regime``/``government`` that another modifier or possessor owns.

    ``the North Korean regime`` (a nationality the registry does not list), ``Assad's
    regime`` (a person possessor: the person is the mention, guideline §5),
    ``the Obama administration``: not the focal state. Registry nationalities and
    countries are composed elsewhere (``the Russian government``).
    """
    t = p.first_tok(c.start)
    k = (t.i - 1) if t is not None else -1
    doc = p.doc
    while k >= 0 and (doc[k].is_space or (doc[k].pos_ == "ADJ" and doc[k].is_lower)):
        k -= 1
    if k < 0:
        return False
    u = doc[k]
    if u.text in ("'s", "’s"):
        owner = doc[k - 1] if k >= 1 else None
        return owner is not None and owner.lower_ not in comp.countries
    if u.lower_ in comp.adjectives or u.lower_ in comp.countries:
        return False
    return u.ent_type_ in ("NORP", "GPE", "PERSON", "ORG") or (u.pos_ == "PROPN" and u.text[:1].isupper())


def _title_extend(p: _Para, comp: _Compiled, c: _Cand) -> _Cand:
    """Honorific or title before a person's name joins the mention."""
    t = p.first_tok(c.start)
    if t is None or t.i == 0:
        return c
    doc = p.doc
    prev = doc[t.i - 1]
    if prev.lower_ in HONORIFICS:
        return replace(c, start=prev.idx, label=f"{HONORIFICS[prev.lower_]} {c.label}")
    if prev.lower_ not in TITLE_WORDS or prev.idx + len(prev.text) > c.start:
        return c
    title = [prev]
    k = prev.i - 1
    while k >= 0:
        u = doc[k]
        if (u.lower_ in TITLE_MODIFIERS or u.lower_ in comp.adjectives
                or (u.pos_ == "ADJ" and u.lower_ not in QUANTIFIERS and u.lower_ not in DETERMINERS)):
            title.insert(0, u)
            k -= 1
        else:
            break
    formal = prev.text[:1].isupper()
    if formal:
        words = [u.lower_ for u in title if u.lower_ in TITLE_MODIFIERS or u.lower_ in TITLE_WORDS]
    else:
        words = [comp.adjective_of.get(comp.adjectives.get(u.lower_, ""), u.lower_) for u in title]
    return replace(c, start=title[0].idx, label=" ".join(words), decided=True)


def _organ_after(p: _Para, comp: _Compiled, c: _Cand, pos: int, adj: str | None = None) -> _Cand | None:
    """``<nationality>`` / ``<Country's>`` + modifiers + organ head → one state mention."""
    text = p.text
    words = []
    for w in re.finditer(r"\s*([\w\-]+)", text[pos:]):
        word = w.group(1)
        wl = word.lower()
        tok = p.first_tok(pos + w.start(1))
        if wl in ORGAN_HEADS:
            nxt = p.next_tok(pos + w.end(1))
            if tok is not None and tok.pos_ == "ADJ":
                return None               # 'Russian military operations': adjective, not the head
            end = pos + w.end(1)
            modifier = nxt is not None and nxt.pos_ == "NOUN" and nxt.is_lower and not _possessive_after(text, end)
            adj = adj or comp.adjective_of.get(c.actor, text[c.start:c.end].lower())
            tmpl = ORGAN_HEADS[wl]
            label = wl if tmpl is None else tmpl.format(adj=adj)
            out = _Cand(c.start, end, c.actor, label, "organ", poss=_possessive_after(text, end),
                        decided=True, actor_type=c.actor_type)
            return out if modifier else _left_extend(p, comp, out)
        if wl in ORGAN_MODIFIERS or (tok is not None and _is_modifier_word(tok)
                                     and wl not in QUANTIFIERS and wl not in comp.adjectives):
            words.append(word)
            if len(words) > 4:
                return None
            continue
        return None
    return None


def _adjective(p: _Para, comp: _Compiled, c: _Cand) -> _Cand:
    """A nationality adjective: organ NP, agency adjective, or nothing."""
    organ = _organ_after(p, comp, c, c.end)
    if organ is not None:
        return organ
    head = _head_noun(p, c.end)
    t = p.first_tok(c.start)
    if head is None or t is None:
        return replace(c, actor="")
    if head.lower_ in NON_AGENCY_HEADS or head.lemma_.lower() in NON_AGENCY_HEADS:
        return replace(c, actor="")
    if head.lower_ in TITLE_WORDS or head.lemma_.lower() in TITLE_WORDS:
        return replace(c, actor="")
    if t.dep_ not in ("amod", "compound", "nmod", "conj", "npadvmod", "nsubj", "dobj", "pobj") \
            and t.pos_ != "ADJ":
        return replace(c, actor="")
    return replace(c, decided=True)


def _is_place(p: _Para, comp: _Compiled, c: _Cand) -> bool:
    """Destination / location reading of a country or capital (guideline §4)."""
    text = p.text
    last = p.last_tok(c.end)
    if _match_at(r"[-‐‑–](?:based|born|headquartered|bound)\b", text, c.end):
        return True                # 'the Britain-based monitor': a location
    if _blank_before(text, c.start) and _match_at(r"\s*(?:,[^—–\n]{0,30})?\s*(?:[—–]|-\s|\((?:AP|Reuters|AFP)\))",
                                                  text, c.end):
        return True                # dateline: 'WASHINGTON —', 'Moscow (AP) -'
    if _match_at(r"\s+state\b", text, c.end) and c.form == "metonym":
        return True                # 'Washington state'

    # noun modifier ('the Kremlin campaign', 'the Moscow military intervention'): actor,
    # unless the head is a place/event noun ('the Syria conflict')
    if not c.poss:
        head = _head_noun(p, c.end)
        if head is not None and head.idx > c.end and head.is_lower and last is not None \
                and last.dep_ in ("compound", "amod", "nmod"):
            return bool({head.lower_, head.lemma_.lower()} & (NON_AGENCY_HEADS | PLACE_NOUNS))
    # a relative clause that makes it act: 'in Turkey, which has sent forces'
    if _match_at(r"\s*,?\s*(?:which|that)\s+(?:has|have|had|is|was)?\s*(?!been\b)\w+(?:ed|en|t)\b",
                 text, c.end):
        if not _match_at(r"\s*,?\s*(?:which|that)\s+(?:has|have|had|is|was)\s+been\b", text, c.end):
            return False
    if c.poss:
        poss_head = None
        if last is not None:
            for u in p.doc[last.i + 1:]:
                if u.pos_ in ("NOUN", "PROPN") and u.dep_ not in ("compound",) and u.idx > c.end + 1:
                    poss_head = u
                    break
        if poss_head is not None and (poss_head.lower_ in NON_AGENCY_HEADS
                                      or poss_head.lemma_.lower() in NON_AGENCY_HEADS):
            return True
        return False
    prev = p.prev_tok(c.start, skip_adv=True)
    if prev is not None and prev.text == ",":
        before = p.prev_tok(prev.idx)
        nxt = p.next_tok(c.end)
        finite = nxt is not None and (nxt.pos_ == "AUX" or nxt.tag_ in ("VBZ", "VBD", "VBP", "MD"))
        if (before is not None and before.ent_type_ in ("GPE", "LOC", "FAC")
                and before.lower_ not in comp.countries and not finite):
            return True            # 'Latakia, Syria'
    if last is not None and last.dep_ in ("nsubj", "nsubjpass"):
        return False
    if prev is None:
        return False
    pl = prev.lower_
    if pl == "from" and prev.head.pos_ == "NOUN" and not MOTION_WORDS.match(prev.head.lower_) \
            and prev.head.lemma_.lower() not in NON_AGENCY_HEADS:
        return False               # 'action from the United States': the source acts
    if pl in PLACE_PREPS:
        return True
    if pl == "to":
        before = p.prev_tok(prev.idx, skip_adv=True)
        if before is None or before.is_punct:
            return True            # 'To Russia, with love'
        return bool(MOTION_WORDS.match(before.lower_)) or bool(MOTION_WORDS.match(before.lemma_))
    if VISIT_VERBS.match(pl) and prev.pos_ in ("VERB", "PROPN", "NOUN", "AUX"):
        return True
    return False


def _place_coordination(p: _Para, comp: _Compiled, cands: list[_Cand]) -> None:
    """A capital joined to a place use (``visit Moscow before Tehran``) is a place too."""
    text = p.text
    for i, c in enumerate(cands):
        if c.form not in ("country", "metonym") or not c.actor:
            continue
        m = _search_before(r"(\w+)\s+$", text, c.start)
        if not m or m.group(1).lower() not in PLACE_COORD:
            continue
        for s, e in p.places:
            if e <= m.start() and re.fullmatch(r"\s*", text[e:m.start()]):
                cands[i] = replace(c, actor="")


def _det_extend(p: _Para, c: _Cand) -> _Cand:
    """Include a directly preceding the/a/an unless the mention modifies a following noun."""
    if _modifies_next(p, c):
        return c
    m = _search_before(r"(?<![\w\-])(the|The|a|A|an|An)\s+$", p.text, c.start)
    return replace(c, start=m.start(1)) if m else c


def _modifies_next(p: _Para, c: _Cand) -> bool:
    if c.poss:
        return False
    if re.match(r"[-‐‑–]\w", p.text[c.end:c.end + 2]):
        return True                # 'Iran-backed', 'the Britain-based monitor'
    last = p.last_tok(c.end)
    head = _head_noun(p, c.end)
    return (head is not None and last is not None and head.idx > c.end and head.is_lower
            and last.dep_ in ("compound", "amod", "nmod") and last.head.i >= head.i - 2
            and last.head.i > last.i)


def _left_extend(p: _Para, comp: _Compiled, c: _Cand) -> _Cand:
    """Adjectives (and paired quote marks), then one determiner, join a descriptor/group/organ NP."""
    if _modifies_next(p, c):
        return c
    doc = p.doc
    t = p.first_tok(c.start)
    if t is None:
        return c
    k = t.i - 1
    mods = []
    start = c.start
    while k >= 0:
        u = doc[k]
        ul = u.lower_
        if u.is_space:
            k -= 1
            continue
        if ul in QUANTIFIERS or ul in POSSESSIVE_PRONOUNS:
            return _finish_left(p, c, start, mods)
        if ul in DETERMINERS:
            return _finish_left(p, c, u.idx, mods)
        if ul in comp.adjectives or ul in comp.countries or (k + 1 < len(doc) and doc[k + 1].text in ("'s", "’s")
                                                             and ul in comp.countries):
            return _finish_left(p, c, start, mods)
        if u.text in ("'s", "’s"):
            # country possessor of an organ/descriptor NP: 'Syria's existing central government'
            owner = doc[k - 1] if k >= 1 else None
            if owner is not None and owner.lower_ in comp.countries and c.form in ("bare", "organ"):
                actor = comp.countries[owner.lower_]
                if c.form == "bare":
                    c = replace(c, actor=actor, actor_type=_type_of(actor))
                return _finish_left(p, c, owner.idx, mods)
            return _finish_left(p, c, start, mods)
        if _is_modifier_word(u) and not u.is_punct:
            mods.insert(0, ul)
            start = u.idx
            k -= 1
            continue
        if u.text in QUOTE_CHARS:
            start = u.idx
            k -= 1
            continue
        break
    return _finish_left(p, c, start, mods)


def _finish_left(p: _Para, c: _Cand, start: int, mods: list[str]) -> _Cand:
    s, e = _trim_quotes(p.text, start, c.end)
    if s > c.start:
        s = c.start
    keep = [m for m in mods if m.strip(QUOTE_CHARS) in EVALUATIVE_MODIFIERS]
    label = c.label
    for m in reversed(keep):
        m = m.strip(QUOTE_CHARS)
        if not label.startswith(m):
            label = f"{m} {label}"
    return replace(c, start=s, end=max(e, c.end), label=label, decided=True)


def _type_of(actor: str) -> str:
    info = actor_info(actor)
    return info["type"] if info else "state"


def _media_extend(p: _Para, comp: _Compiled, c: _Cand) -> _Cand:
    """``Syrian state news agency SANA``, ``Interfax news agency``: descriptors join the outlet's name."""
    text = p.text
    m = _search_before(r"((?:[A-Z][\w\-]*(?:['’]s)?\s+)?(?:state(?:-run|-owned)?\s+|official\s+|private\s+)?"
                       + MEDIA_NOUNS + r")\s+$", text, c.start)
    start, end = c.start, c.end
    if m:
        first = m.group(1).split()[0].rstrip("'’s").lower() if m.group(1)[:1].isupper() else ""
        start = m.start(1) if (not first or first in comp.adjectives or first in comp.countries
                               or m.group(1).split()[0].lower() in ("state",)) else \
            m.start(1) + len(m.group(1).split()[0]) + 1
    r = _match_at(r"\s+" + MEDIA_NOUNS + r"\b", text, end)
    if r:
        end = r.end()
    return replace(c, start=start, end=end, poss=_possessive_after(text, end))


def _merge_possessors(p: _Para, cands: list[_Cand]) -> list[_Cand]:
    """A country possessive right before another actor's mention belongs to it."""
    out = []
    skip = set()
    for i, c in enumerate(cands):
        if i in skip:
            continue
        if (c.actor and c.poss and c.form == "country" and i + 1 < len(cands) and cands[i + 1].actor
                and cands[i + 1].actor != c.actor and cands[i + 1].actor_type != "person"
                and re.fullmatch(r"['’]s\s+", p.text[c.end:cands[i + 1].start])):
            n = cands[i + 1]
            out.append(replace(n, start=c.start))
            skip.add(i + 1)
        else:
            out.append(c)
    return out


def _personnel_in_capital(p: _Para, comp: _Compiled, cands: list[_Cand]) -> list[_Cand]:
    """``the Ayatollahs in Tehran``: a capital after a personnel mention of its state joins it."""
    out = list(cands)
    for i, c in enumerate(cands):
        if not c.actor or c.form not in ("descriptor", "organ"):
            continue
        m = _match_at(r"\s+in\s+(\w+)\b", p.text, c.end)
        if m and comp.capitals.get(m.group(1).lower()) == c.actor:
            out[i] = replace(c, end=m.end())
    return out


def _personnel_generic(p: _Para, comp: _Compiled, cands: list[_Cand]) -> list[_Cand]:
    """``leaders in Moscow`` (no registry alias for the noun): a mention of the capital's state."""
    out = []
    for m, actor in _personnel_in_capitals(p.text, comp):
        label = f"{m.group(2).lower()} in {m.group(3).lower()}"
        out.append(_Cand(m.start(1), m.end(1), actor, label, "organ", decided=True,
                         actor_type=_type_of(actor)))
    return out


def _personnel_in_capitals(text: str, comp: _Compiled) -> list[tuple[re.Match, str]]:
    """``(match, state)`` for every ``<personnel noun> in <Capital>`` of ``text``."""
    pat = r"(?<!\w)((?:the\s+)?(" + "|".join(sorted(PERSONNEL_NOUNS)) + r")\s+in\s+(\w+))(?!\w)"
    out = []
    for m in re.finditer(pat, text, re.I):
        actor = comp.capitals.get(m.group(3).lower())
        if actor is not None and not m.group(3)[:1].islower():
            out.append((m, actor))
    return out


def _drop_inside_entities(p: _Para, cands: list[_Cand]) -> list[_Cand]:
    """A country/capital/adjective inside a longer organisation, event or work name is no mention."""
    out = []
    for c in cands:
        if c.form in ("country", "metonym", "adjective"):
            inside = any(e.label_ in _CONTAINER_ENTS and e.start_char <= c.start and c.end <= e.end_char
                         and (e.end_char - e.start_char) > (c.end - c.start)
                         and not _norm(e.text).lower().startswith(("the " + _norm(p.text[c.start:c.end]).lower()))
                         and _norm(e.text).lower() != _norm(p.text[c.start:c.end]).lower()
                         for e in p.doc.ents)
            if inside:
                continue
        out.append(c)
    return out


# --------------------------------------------------------------------------- NER fallback

def _ner_candidates(p: _Para, comp: _Compiled, taken: list[_Cand],
                    consumed: list[tuple[int, int]]) -> list[_Cand]:
    """spaCy entities the registry does not cover, as ad-hoc actors (ids merged later)."""
    out = []
    blocked = [(c.start, c.end) for c in taken] + consumed
    for e in p.doc.ents:
        if e.label_ not in NER_LABELS:
            continue
        s, t = e.start_char, e.end_char
        if any(s < b and a < t for a, b in blocked):
            continue
        words = e.text.split()
        if not words or not any(ch.isalpha() for ch in e.text):
            continue
        if e.label_ == "PERSON":
            if len(words) == 1 and words[0][:1].islower():
                continue
            c = _Cand(s, t, "?", "", "name", kind="ner", actor_type="person",
                      poss=_possessive_after(p.text, t), ner_name=e.text)
            # 'Mr.'/titles: reuse the registry's title rule
            c = _title_extend(p, comp, replace(c, label=words[-1].lower()))
            out.append(c)
        elif e.label_ == "ORG":
            c = _Cand(s, t, "?", _norm(e.text).lower(), "name", kind="ner", actor_type="organisation",
                      poss=_possessive_after(p.text, t), ner_name=e.text)
            if c.label.startswith("the "):
                c.label = c.label[4:]
            out.append(_det_extend(p, c))
        elif e.label_ == "GPE":
            c = _Cand(s, t, "?", _norm(e.text).lower(), "country", kind="ner", actor_type="state",
                      poss=_possessive_after(p.text, t), ner_name=e.text)
            if _is_place(p, comp, c):
                continue
            out.append(_det_extend(p, c))
        elif e.label_ == "NORP":
            c = _Cand(s, t, "?", _norm(e.text).lower(), "adjective", kind="ner", actor_type="collective",
                      ner_name=e.text)
            organ = _organ_after(p, comp, c, t)
            if organ is not None:
                out.append(replace(organ, kind="ner", ner_name=e.text, actor_type="state"))
            elif e.root.pos_ in ("NOUN", "PROPN") and e.text.endswith("s") and e.root.tag_ in ("NNPS", "NNS"):
                out.append(_det_extend(p, c))
    return out


#: Words that mark an entity as an organisation rather than a person's name.
_ORG_WORDS = frozenset("council committee ministry agency institute party army front forces news times "
                       "office university union bank group organization organisation company "
                       "corporation association league brigade brigades movement".split())


def _name_like(name: str) -> bool:
    words = _norm(name).split()
    return (2 <= len(words) <= 4 and all(w[:1].isupper() or w.lower() in ("de", "al", "bin", "van",
                                                                             "von", "al-", "el")
                                         for w in words)
            and not any(w.lower() in _ORG_WORDS for w in words))


def _assign_adhoc_ids(cands: list[_Cand]) -> None:
    """Merge ad-hoc actors within one text (one namespace for all entity types).

    Same id when the names agree case-insensitively with ``the`` and honorifics
    stripped; a later one-word name (``Lavrov``, ``Mr. Lavrov``) or a shorter name
    ending in the same word (``De Mistura``) joins the earlier full name whose last
    word it is. An id that is ever a PERSON is typed ``person`` throughout.
    """
    seen: dict[str, str] = {}
    by_last: dict[str, str] = {}
    for c in cands:
        if c.kind != "ner":
            continue
        cid = adhoc_id(c.ner_name)
        last = cid.split("_")[-1]
        if cid in seen:
            c.actor = seen[cid]
        elif last in by_last and (len(cid.split("_")) == 1 or c.actor_type == "person"):
            c.actor = seen.setdefault(cid, by_last[last])
        else:
            c.actor = seen.setdefault(cid, cid)
            if len(cid.split("_")) > 1 and (c.actor_type == "person" or _name_like(c.ner_name)):
                by_last.setdefault(last, cid)
    persons = {c.actor for c in cands if c.kind == "ner" and c.actor_type == "person"}
    for c in cands:
        if c.kind == "ner" and c.actor in persons:
            c.actor_type = "person"


# --------------------------------------------------------------------------- public API

def _sentence_rows(para, doc, first_no: int) -> list[tuple]:
    """Sentences of one paragraph exactly as :func:`analysis.sentences.sentences` numbers them."""
    return [(first_no + k, start, start + len(s))
            for k, (_, start, s) in enumerate(sentence_spans(para, doc))]


def _quotes_for(text: str, quotes) -> tuple[pd.DataFrame, str]:
    if quotes is not None:
        return quotes, "given"
    return _NO_QUOTES, "none given"


def find_mentions(text: str, quotes: pd.DataFrame | None = None, nlp=None,
                  ner: bool = True) -> pd.DataFrame:
    """Every actor mention in ``text``, one row per mention (columns :data:`COLUMNS`).

    ``text`` is usually :func:`article_text` of a raw page (chrome blanked, same
    length), so ``start``/``end`` index the raw page: ``text[start:end] == surface``.
    ``sentence`` is the 1-based index of :func:`analysis.sentences.sentences`.

    ``quotes`` is a table with ``start``, ``end``, ``kind`` (direct/indirect) and
    ``actor`` (the speaker), as :func:`analysis.quotes.extract_quotes` returns.
    A mention inside a quotation's span gets ``in_quote`` = its kind (``direct``
    wins over an overlapping indirect one) and ``quote_speaker`` = the quote's
    actor. When ``quotes`` is None, :func:`analysis.quotes.extract_quotes` finds them.

    ``source`` is ``registry`` or ``ner`` (ad-hoc actor from spaCy entities; set
    ``ner=False`` to skip them).
    """
    rows, qnote = _mention_rows(text, quotes, nlp, ner)
    cols = frames.columns_of(rows, COLUMNS)
    for col in ("start", "end"):
        cols[col] = frames.ints(cols[col])
    for col in ("sentence", "sentence_start", "sentence_end"):
        cols[col] = pd.array(cols[col], dtype="Int64")
    out = frames.from_columns(cols, COLUMNS)
    out.attrs["quotes"] = qnote
    return out


def _mention_rows(text: str, quotes, nlp, ner: bool) -> tuple[list[tuple], str]:
    """:func:`find_mentions`' rows as tuples in :data:`COLUMNS` order, and where its quotations came from.

    Without the table, so :func:`resolve` (called for every new speaker name)
    pays no DataFrame construction.
    """
    comp = _compiled()
    rows, sent_rows, all_cands = [], [], []
    for para, doc in docs(text, nlp):
        sent_rows.extend(_sentence_rows(para, doc, len(sent_rows) + 1))
        p = _Para(para.text, doc)
        cands, consumed = _candidates(p, comp)
        if ner:
            extra = _ner_candidates(p, comp, cands, consumed)
            cands = _no_overlaps(cands + extra)
        for c in cands:
            c.start += para.start
            c.end += para.start
        all_cands.extend(cands)
    _assign_adhoc_ids(all_cands)
    qtab, qnote = _quotes_for(text, quotes)
    qlist = []
    if qtab is not None and len(qtab):
        q_actor = qtab["actor"].tolist() if "actor" in qtab.columns else [None] * len(qtab)
        for q_start, q_end, q_kind, actor in zip(qtab["start"].tolist(), qtab["end"].tolist(),
                                                 qtab["kind"].tolist(), q_actor):
            actor = None if actor is None or (isinstance(actor, float) and pd.isna(actor)) or actor == "" else actor
            qlist.append((int(q_start), int(q_end), str(q_kind), actor, len(qlist)))
    # sorted lookups, so mentions × sentences or quotations is never scanned in full (linear time):
    # sentences do not overlap; a quotation holding [start, end) starts in [end - longest, start]
    sent_starts = [r[1] for r in sent_rows]
    qlist.sort(key=lambda q: q[0])
    q_starts = [q[0] for q in qlist]
    longest = max((q[1] - q[0] for q in qlist), default=0)
    for c in all_cands:
        k = bisect.bisect_right(sent_starts, c.start) - 1
        sent = sent_rows[k] if k >= 0 and sent_rows[k][1] <= c.start < sent_rows[k][2] else None
        near = qlist[bisect.bisect_left(q_starts, c.end - longest):bisect.bisect_right(q_starts, c.start)]
        inside = [q for q in near if q[0] <= c.start and c.end <= q[1]]
        inside.sort(key=lambda q: (q[2] != "direct", q[1] - q[0], q[4]))
        in_quote, speaker = ("no", None) if not inside else (inside[0][2], inside[0][3])
        atype = c.actor_type or _type_of(c.actor)
        rows.append((c.actor, atype, text[c.start:c.end], c.label, c.start, c.end,
                     sent[0] if sent else None, sent[1] if sent else None, sent[2] if sent else None,
                     in_quote, speaker, c.kind))
    return rows, qnote


@functools.lru_cache(maxsize=4096)
def resolve(surface: str) -> tuple[str | None, str | None]:
    """``(actor id, label)`` for a speaker or mention surface, ``(None, None)`` if unknown.

    ``"Syrian President Bashar al-Assad"`` → ``("assad", "president")``;
    ``"the Kremlin"`` → ``("russia", "kremlin")``; ``"Russian officials"`` →
    ``("russia", "russian officials")``; ``"a Western diplomat"`` → ``(None, None)``.
    The string is read as a short text by the same rules as :func:`find_mentions`
    (registry only, no NER). The mention must open the string (after brackets,
    articles, quantifiers): ``"[Putin] and other Russian officials"`` → putin,
    but ``"analysts on Syrian state TV"`` and ``"Critics and the U.S."`` → None
    (the speaker is the analysts, the critics). A lone country or capital is
    never read as a place: a speaker is an actor.
    Unknown names are not invented here: use :func:`adhoc_id` for an id.
    """
    return _resolve(" ".join(str(surface).split()), None)


def _resolve(s: str, nlp) -> tuple[str | None, str | None]:
    """:func:`resolve` of the normalised surface ``s``, reading its parse from ``nlp`` if given."""
    known = _resolve_unparsed(s)
    if known is not _PARSE:
        return known
    comp = _compiled()
    found, _ = _mention_rows(s, _NO_QUOTES, nlp, ner=False)
    if not found:
        # a speaker is never a place: retry the bare country / capital
        hit = _raw_matches(s, comp)
        for _, _, r in hit:
            if r["form"] in ("country", "metonym", "name", "demonym", "collective"):
                return r["actor"], r["label"]
        return None, None
    first = dict(zip(COLUMNS, found[0]))
    lead = s[:int(first["start"])]
    if not re.fullmatch(r"[\[(\"“'‘\s]*(?:(?:the|a|an|other|many|some|several)\s+)*", lead, re.I):
        return None, None         # 'analysts on Syrian state TV': the speaker is not the actor named
    return first["actor"], first["label"]


_NO_QUOTES = pd.DataFrame(columns=["start", "end", "kind", "actor"])
#: :func:`_resolve_unparsed`'s answer when only the mention rules (and so a parse) can tell.
_PARSE = object()


def _resolve_unparsed(s: str):
    """:func:`resolve` of the normalised surface ``s`` where no parse is needed, else :data:`_PARSE`.

    Known without a parse: an empty string; a whole registry alias; and a short
    string (one piece for :mod:`analysis.sentences`) holding no registry alias
    and no "<personnel> in <Capital>": every mention the rules find starts from
    one of those, so the rules would find nothing and the answer is (None, None).
    Most speakers ("a spokesman", "Sen. John Smith") are of that last kind.
    """
    if not s:
        return None, None
    comp = _compiled()
    key = _alias_key(re.sub(r"^(?:the|a|an)\s+", "", s, flags=re.I))
    key = re.sub(r"['’]s$", "", key)
    row = comp.by_key.get(key) or comp.by_key.get(key.lower())
    if row is not None and row["form"] != "adjective":
        return row["actor"], row["label"]
    if len(s) <= MAX_RUN_CHARS and not _raw_matches(s, comp) and not _personnel_in_capitals(s, comp):
        return None, None
    return _PARSE

class SpeakerResolver:
    """Speaker surfaces to registry actors, for :func:`analysis.measures.quotes.attribution.extract`.

    ``actor(surface)`` → ``(actor id, actor type, speaker type)`` from the
    registry (Nones when unknown); the actor is :func:`resolve`'s. ``prime``
    resolves many surfaces at once, parsing those that need the mention rules
    in one ``nlp.pipe`` batch (spaCy parses many short texts at once several
    times faster than one at a time); answers are the same as one by one.
    Keeps the last ``size`` answers.
    """

    def __init__(self, nlp=None, size: int = 4096):
        self._nlp = nlp
        self._size = size
        self._known: collections.OrderedDict = collections.OrderedDict()

    def prime(self, surfaces: Iterable[str]) -> None:
        known = self._known  # (looked up key by key: a set of every known key would cost more than the batch)
        texts = sorted(t for t in {" ".join(str(s).split()) for s in surfaces} if t and t not in known)
        parse = [t for t in texts if _resolve_unparsed(t) is _PARSE]
        primed = {}
        if parse:
            from analysis.nlp import load_nlp

            nlp = self._nlp or load_nlp()
            primed = dict(zip(parse, nlp.pipe(parse)))
        for t in texts:
            rows = piece_rows(t)
            one = t in primed and len(rows) == 1 and rows[0].start == 0 and rows[0].text == t
            self._remember(t, _resolve(t, Parse(rows, [primed[t]]) if one else None))

    def _remember(self, key: str, found) -> None:
        self._known[key] = found
        while len(self._known) > self._size:
            self._known.popitem(last=False)

    def actor(self, surface: str):
        key = " ".join(str(surface).split())
        if key not in self._known:
            self._remember(key, _resolve(key, None))
        actor, _label = self._known[key]
        if actor is None:
            return None, None, None
        info = _registry_types().get(actor, (None, None))
        return actor, info[0], info[1]


@functools.lru_cache(maxsize=1)
def _registry_types() -> dict[str, tuple[str | None, str | None]]:
    """Actor id → (actor type, speaker type) of its first registry row."""
    reg = registry()
    out: dict = {}
    for actor, atype, stype in zip(reg["actor"], reg["type"] if "type" in reg else [None] * len(reg),
                                   reg["speaker_type"] if "speaker_type" in reg else [None] * len(reg)):
        out.setdefault(actor, (atype, stype))
    return out


def label_table(corpus: pd.DataFrame | None = None, mentions: pd.DataFrame | None = None,
                actors: tuple[str, ...] | None = None, exclude_direct_quotes: bool = False,
                nlp=None) -> pd.DataFrame:
    """Labels per outlet × actor: ``count``, ``share`` within outlet × actor, ``n`` mentions.

    Give ``corpus`` (mentions are found with :func:`corpus_mentions`) or an
    already computed ``mentions`` table. Columns: ``outlet``, ``actor``,
    ``label``, ``count``, ``share`` (count / n; the label shares of one outlet ×
    actor sum to 1), ``n`` (mentions of the actor in the outlet), ``in_direct_quote``
    (of ``count``, how many sit inside a direct quotation — someone else's words),
    ``n_articles`` (articles of the outlet; every article counts, with or without mentions).
    ``exclude_direct_quotes=True`` counts only the outlet's own voice.
    ``actors`` restricts the table (default: every actor found).
    """
    if mentions is None:
        if corpus is None:
            raise ValueError("give a corpus or a mentions table")
        raise ValueError("give the mentions table (analysis.actors.corpus_mentions)")
    m = mentions
    if exclude_direct_quotes:
        m = m[m["in_quote"] != "direct"]
    if actors is not None:
        m = m[m["actor"].isin(actors)]
    n_articles = (corpus.groupby("outlet")["article_id"].nunique() if corpus is not None
                  else mentions.groupby("outlet")["article_id"].nunique())
    g = m.assign(direct=m["in_quote"].eq("direct")).groupby(["outlet", "actor", "label"])
    tab = g.agg(count=("label", "size"), in_direct_quote=("direct", "sum")).reset_index()
    tab["n"] = tab.groupby(["outlet", "actor"])["count"].transform("sum")
    tab["share"] = (tab["count"] / tab["n"]).round(4)
    tab["n_articles"] = tab["outlet"].map(n_articles).astype(int)
    tab = tab.sort_values(["outlet", "actor", "count", "label"], ascending=[True, True, False, True])
    return tab[["outlet", "actor", "label", "count", "share", "n", "in_direct_quote",
                "n_articles"]].reset_index(drop=True)


def mention_counts(mentions: pd.DataFrame, corpus: pd.DataFrame | None = None,
                   actors: tuple[str, ...] = ()) -> pd.DataFrame:
    """Mentions per outlet × actor (zeros included for ``actors``), with ``n_articles``."""
    outlets = sorted(set(mentions["outlet"]) | (set(corpus["outlet"]) if corpus is not None else set()))
    grid = pd.MultiIndex.from_product([outlets, list(actors)], names=["outlet", "actor"])
    counts = mentions[mentions["actor"].isin(actors)].groupby(["outlet", "actor"]).size()
    out = counts.reindex(grid, fill_value=0).rename("mentions").reset_index()
    src = corpus if corpus is not None else mentions
    out["n_articles"] = out["outlet"].map(src.groupby("outlet")["article_id"].nunique()).astype(int)
    return out
