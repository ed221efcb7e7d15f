"""Speakers: who a speaker mention refers to in its article, and what kind of source it is.

:class:`ArticleSpeakers` reads one article's parse once and answers, for any
speaker span (``resolve(start, end)``), a :class:`Speaker`: a ``key`` shared by
every mention of the same entity in the article, its ``speaker_type`` and
finer ``role`` (the types of :data:`analysis.core.speakers.SPEAKER_TYPES`,
the roles of ``data/annotations/speakers_guideline.md``), the ``name`` the
article gives it, and ``resolved_from`` (the antecedent of a pronoun or role
noun).

Typing from the text
--------------------
Every mention of a person or organisation in the article contributes its
**descriptions**: the words before the name in its noun phrase (``Senate
Majority Leader Harry Reid``, ``Trump campaign spokesman Jason Miller``), an
apposition after it or the noun it is an apposition of (``Kenneth Baer, a
former official``; ``the group's chief executive, Barry Rand``), and a party
tag (``Sen. Ann Roe (D-Ore.)``, ``Rep. Al Moss, R-Texas``: a legislator). The
descriptions of all mentions of an entity count for every mention, earlier or
later, so ``Roe said`` after ``Sen. Ann Roe`` is an official. Descriptions are
matched (:mod:`analysis.measures.actors.roles`) against
``data/speaker_roles.csv`` (office and title words, agencies,
police and military, courts, party and campaign roles, occupational nouns,
groups, media nouns; each term with its source) and organisation names against
``data/media_outlets.csv`` (news organisations, state-controlled media apart).
A term after ``former``/``ex-``/``retired``/``then-`` in the same phrase does
not count (a former senator holds no office). *Weak* terms (``spokesman``,
``aide``, ``president``, ``chairman``…: :data:`WEAK_TERMS`) give way to an
institution named in the same description (``NRSC spokesman`` → the party);
among the rest the first type in :data:`PRIORITY` wins (office over party over
campaign, guideline rule 2). The actor registry (``data/actors.csv``) is an
override only: an entity whose name the registry resolves takes the registry's
``speaker_type``.

Unnamed sources are ``anonymous`` when the head is an official-type or source
noun with no name (``a senior official``, ``two aides``, ``officials``,
``people familiar with …``) or the sentence says so (``on condition of
anonymity``); plural group nouns are ``collective`` (``critics``,
``Democrats``), except a body of office holders (``Senate Republicans``).

Within-article coreference
--------------------------
Names: a person is keyed by the fullest name the article gives (honorifics and
middle initials dropped); a later surname (``DeMint``, ``Mr. DeMint``) or first
name joins the person with that surname mentioned last before it (``Scott`` is
the Bobby Scott of the story until Tim Scott is named); two different first names
with one surname stay two persons (``Donald`` and ``Ivana Trump``); a known
surname the tagger missed is still a mention. An organisation's acronym joins its
full name (``NRSC``); a name ends at a lower-case verb (``Manley put Reid``).
Pronouns: ``he``/``she`` go to the nearest earlier person of that gender (gender
from honorifics and the pronouns that follow a person's mentions), looking back
at most :data:`PRONOUN_WINDOW` sentences, preferring grammatical subjects and
skipping people named inside a quotation when the pronoun is outside one; a
subject pronoun never takes a name inside its own clause (binding principle C:
``People like Scott, he said``, ``Campaigning against Romney, he …``), and one
that attributes a quotation (``"…," he said``) skips persons who were only spoken
of in a speech verb's complement (``He said Obama was …``): the quotation goes on
in the speaker's words. ``they``/``it`` go to the nearest group or organisation;
``who``/``which`` to the noun their clause modifies; ``I`` outside a quotation is
the article's author. Role nouns (``the senator``, ``the agency``, ``the
Democratic nominee``) go to the most recent entity described by the same term; a
common-noun apposition (``Ellie, a high school senior``) is the person it is
apposed to. Unnamed sources are keyed as guideline section 3 says: by their noun
and the name they are attached to (``Clinton aides`` and ``Obama's aides`` are two
groups), ``a source`` and ``another source`` two sources and ``the source`` the
last of them; ``some Democrats`` is a part of the group, not the group. Method:
rule-based, in the
spirit of Raghunathan et al. (2010) multi-pass sieve coreference (exact name,
head match, pronoun passes); scored in :mod:`analysis.validation.speakers`.
"""

from __future__ import annotations

import bisect
import csv
import functools
import re
from dataclasses import dataclass, field

from analysis import paths
from analysis.core.parse import docs as paragraph_docs
from analysis.measures.actors.roles import (  # noqa: F401  (re-exported: the speakers' vocabulary)
    HONORIFIC_GENDER, HONORIFICS, MEDIA_FILE, NAME_PARTICLES, PAST_WORDS, PRIORITY, ROLES_FILE, SUFFIXES,
    WEAK_TERMS, acronym, best_type, described, is_media_name, media_names, media_patterns, name_parts, person_key,
    role_terms, slug)

#: Abbreviated titles and the nouns a later role noun uses for them (``Sen.`` … ``the senator``).
ABBREVIATIONS = {"sen.": "senator", "rep.": "representative", "gov.": "governor", "gen.": "general",
                 "del.": "delegate", "lt. gov.": "governor", "congressman": "representative",
                 "congresswoman": "representative", "justice": "judge", "chairwoman": "chairman",
                 "chair": "chairman", "spokeswoman": "spokesman", "spokesperson": "spokesman"}
#: Role nouns that stand for one person (``the senator``), for the antecedent search by type.
PERSON_NOUNS = frozenset("senator representative governor mayor president nominee candidate judge justice "
                         "secretary minister spokesman spokeswoman businessman chairman lawmaker "
                         "congressman congresswoman sheriff lady billionaire mogul".split())
#: Documents and channels typed and keyed by their issuer (guideline rule 8).
DOCUMENT_NOUNS = frozenset("report poll survey study lawsuit suit brief submission filing complaint statement "
                           "letter website site ad advertisement tweet post email memo ruling order "
                           "opinion analysis data release".split())
#: Documents a later definite noun may name with another word (``a survey`` … ``the study``).
DOCUMENT_KINDS = {"poll": "study", "survey": "study", "study": "study", "research": "study", "analysis": "study",
                  "report": "study", "lawsuit": "suit", "suit": "suit", "complaint": "suit", "filing": "suit",
                  "statement": "statement", "release": "statement", "letter": "statement"}
#: Plural person nouns that may sum up a pair named before (``the two leaders``, ``both men``).
PERSON_PLURALS = frozenset("leaders men women presidents candidates senators officials ministers".split())
#: Bodies a person heads as the noun's possessor or modifier (``the Clinton campaign``).
HEADED_BODIES = frozenset(("campaign", "administration", "team"))
#: Heads that make an unnamed mention an anonymous source (guideline rule 6, amendment A2).
ANON_HEADS = frozenset("source sources official officials aide aides adviser advisers advisor advisors "
                       "insider insiders staff staffer staffers sheriffs officers leaders".split())
#: Determiners that introduce a new unnamed source (``a source``, ``another source``).
INDEFINITE_DETS = frozenset(("a", "an", "another", "one"))
#: Quantifiers that make a group noun a part of the group (``some Democrats``).
PART_QUANTIFIERS = frozenset("some many several few most".split())
#: Plural person nouns whose unnamed use is a body of office holders, not anonymous (``Republican lawmakers``).
BODY_HEADS = frozenset("lawmakers legislators senators representatives congressmen governors "
                       "judges justices".split())
#: Modifiers that turn a party's members into a body of office holders (guideline rule 7).
BODY_MODIFIERS = frozenset("senate house congressional assembly legislative".split())
ANONYMITY_RE = re.compile(r"condition of anonymity|declined to be (?:named|identified)|"
                          r"not authori[sz]ed to (?:speak|comment|discuss)|asked not to be (?:named|identified)|"
                          r"speaking anonymously|requested anonymity|familiar with|close to (?:the|him|her)",
                          re.I)
PARTY_TAG_RE = re.compile(r"\s*(?:\(\s*|,\s*)(?:[DRI]|Dem|Rep)(?:\.|-[A-Z][\w.]*(?:\s[A-Z][\w.]*)?)?\s*\)?",
                          re.M)
PRONOUN_GENDER = {"he": "m", "him": "m", "his": "m", "himself": "m",
                  "she": "f", "her": "f", "hers": "f", "herself": "f"}
PLURAL_PRONOUNS = frozenset("they them their theirs themselves".split())
THING_PRONOUNS = frozenset("it its itself".split())
RELATIVE_PRONOUNS = frozenset("who whom whose which that".split())
#: Sentences a pronoun looks back for its antecedent (chosen by cross-validation on the dev gold,
#: :func:`analysis.validation.speakers.choose_settings`: 5 of 1/2/3/5/8, chosen in 19 of 20 folds;
#: 3 before the clause and quotation rules of :meth:`ArticleSpeakers._pronoun`).
PRONOUN_WINDOW = 5
#: Salience of an antecedent, in sentences of distance it outweighs: subject of a speech verb, any subject.
#: The speaker weight was chosen by cross-validation (:func:`analysis.validation.speakers.choose_settings`:
#: 0.0 of 0/0.5/1.5/2.5 — a higher one links more pronouns to one person but merges more persons).
SPEAKER_WEIGHT = 0.0
SUBJECT_WEIGHT = 0.5


#: Punctuation a subject's noun phrase does not reach back over (an apposition or clause before it).
_PHRASE_BREAKS = frozenset((",", ";", ":", "(", ")", "—", "–"))


@dataclass(frozen=True)
class Speaker:
    """What a speaker mention refers to: ``key`` (one per entity in the article), type and role."""

    key: str
    speaker_type: str
    role: str
    name: str = ""
    resolved_from: str = ""
    registry_actor: str = ""


@functools.lru_cache(maxsize=1)
def _speech_lemmas() -> frozenset[str]:
    with open(paths.package_data("reporting_verbs.csv"), encoding="utf-8", newline="") as fh:
        return frozenset(r["lemma"] for r in csv.DictReader(fh)) | {"say", "tell", "add", "write", "tweet"}


def _speaks(verb) -> bool:
    """Whether a subject of ``verb`` is speaking: a speech verb, or issuing a document (``issued a statement``)."""
    return verb.lemma_.lower() in _speech_lemmas() or any(
        c.dep_ == "dobj" and c.lemma_.lower() in DOCUMENT_NOUNS for c in verb.children)


# --------------------------------------------------------------------------- the article's entities

@dataclass
class _Entity:
    key: str
    kind: str                    # person / org / place / group / thing
    name: str
    plural: bool = False
    found: list = field(default_factory=list)      # (speaker_type, role, term)
    gender: dict = field(default_factory=lambda: {"m": 0, "f": 0})
    registry: tuple = (None, None)

    def typed(self) -> tuple[str, str]:
        if self.registry[1]:
            return self.registry[1], _registry_role(self.registry[1], self.found)
        best = best_type(self.found)
        if best:
            return best
        return {"person": ("other", "other"), "org": ("other", "ngo"), "place": ("official", "office"),
                "group": ("collective", "group")}.get(self.kind, ("other", "other"))

    @property
    def sex(self) -> str | None:
        m, f = self.gender["m"], self.gender["f"]
        return "m" if m > f else "f" if f > m else None


def _registry_role(stype: str, found) -> str:
    roles = [r for t, r, _ in found if t == stype]
    return roles[0] if roles else {"official": "office", "other_media": "media", "state_media": "state_media",
                                   "expert": "analyst", "anonymous": "anonymous",
                                   "collective": "group"}.get(stype, "other")


@dataclass
class _Mention:
    start: int
    end: int
    sent: int
    entity: _Entity
    subject: bool
    speaker: bool = False
    named: bool = True          # False for a common-noun subject (:meth:`ArticleSpeakers._subject_mentions`)
    oblique: bool = False       # the object of a preposition ("peaceful life in Syria"): a place, not a speaker


class ArticleSpeakers:
    """One article's entities and their descriptions, for resolving speaker spans (see the module docstring).

    ``text`` is the text the spans index (the body or the lead text); ``nlp``
    its :class:`analysis.core.parse.Parse` (or a spaCy pipeline; parsed here
    when None). ``registry`` maps a name to ``(actor id, speaker type)`` or
    ``(None, None)`` (default: the actor registry); ``window`` is the pronoun
    look-back in sentences and ``speaker_weight`` the salience of a speaker for it; ``quotes``
    ``(start, end)`` spans of direct quotations (an ``I`` inside one is the speaker, outside one the author).
    """

    def __init__(self, text: str, nlp=None, registry=None, window: int = PRONOUN_WINDOW,
                 quotes: list[tuple[int, int]] | None = None, speaker_weight: float | None = None):
        self.text = text
        self.window = window
        self.speaker_weight = SPEAKER_WEIGHT if speaker_weight is None else speaker_weight
        self._registry = registry if registry is not None else _registry_lookup
        self._quotes = sorted(quotes or [])
        self._quote_starts = [q[0] for q in self._quotes]
        self.tokens: list = []          # (start, end, token, sentence index)
        self.sent_bounds: list = []
        for para, doc in paragraph_docs(text, nlp):
            for sent in doc.sents:
                k = len(self.sent_bounds)
                self.sent_bounds.append((para.start + sent.start_char, para.start + sent.end_char))
                for tok in sent:
                    s = para.start + tok.idx
                    self.tokens.append((s, s + len(tok.text), tok, k))
        self._tok_starts = [t[0] for t in self.tokens]
        self._tok_at = {(id(t[2].doc), t[2].i): n for n, t in enumerate(self.tokens)}
        self.entities: dict[str, _Entity] = {}
        self.mentions: list[_Mention] = []
        self._surnames: dict[str, list[str]] = {}
        self._spoken_for: list = []
        self._term_cache: dict = {}
        self._last_seen: dict[str, int] = {}
        self._seen_at: dict[int, list[int]] = {}        # id(entity) -> starts of its name mentions
        self._collect()

    # ----------------------------------------------------------------- building
    def _abs(self, tok) -> int:
        return self.tokens[self._tok_at[(id(tok.doc), tok.i)]][0]

    def _sent_of(self, tok) -> int:
        return self.tokens[self._tok_at[(id(tok.doc), tok.i)]][3]

    def _collect(self) -> None:
        seen_docs = []
        for _, _, tok, _ in self.tokens:
            if not seen_docs or seen_docs[-1] is not tok.doc:
                seen_docs.append(tok.doc)
        ents = [e for doc in seen_docs for e in doc.ents]
        if self._registry is _registry_lookup:   # the names that need the mention rules: parsed in one batch
            _names().prime(name_span(e).text for e in ents if e.label_ in ("PERSON", "ORG", "GPE", "NORP", "FAC"))
        for ent in ents:                         # persons first, so a surname tagged ORG finds its person
            if ent.label_ == "PERSON":
                self._add_entity_mention(ent)
        for ent in ents:
            if ent.label_ in ("ORG", "GPE", "NORP", "FAC"):
                self._add_entity_mention(ent)
        self._index()
        self._missed_surnames()
        self._index()
        self._joint_mentions()
        self._index()
        self._bodies_spoken_for()
        self._gender_votes()
        self._subject_mentions()

    def _subject_mentions(self) -> None:
        """Common-noun subjects (``The president stepped in``, ``the Clinton campaign said``) as mentions
        of what they resolve to, so a later ``he`` or ``they`` can reach them."""
        for s, _, tok, k in self.tokens:
            if tok.dep_ not in ("nsubj", "nsubjpass") or tok.pos_ != "NOUN" or self._mention_near(s) is not None:
                continue
            toks = [t for t in self._span_tokens(self._abs(tok.left_edge), s + len(tok.text))]
            cut = [i for i, t in enumerate(toks) if t[2].text in _PHRASE_BREAKS or t[2].is_quote]
            toks = toks[cut[-1] + 1:] if cut else toks        # the noun phrase, not an apposition before it
            if not toks:
                continue
            found = self._common(tok, toks, self.text[toks[0][0]:toks[-1][1]])
            if (found.speaker_type, found.role) == ("other", "other"):
                continue                         # "the choice", "his returns": not a source
            ent = self.entities.get(found.key)
            if ent is None:
                kind = "person" if tok.lower_ in PERSON_NOUNS else "group" if tok.tag_ == "NNS" else "org"
                ent = self._entity(found.key, kind, found.name, plural=tok.tag_ == "NNS")
                ent.found.append((found.speaker_type, found.role, tok.lower_))
            m = _Mention(toks[0][0], toks[-1][1], k, ent, True, _speaks(tok.head), named=False)
            k = bisect.bisect_right(self._m_starts, m.start)
            self.mentions.insert(k, m)
            self._m_starts.insert(k, m.start)
            self._longest = max(self._longest, m.end - m.start)
            bisect.insort(self._ent_starts.setdefault(ent.key, []), m.start)

    def _missed_surnames(self) -> None:
        """A known surname the tagger did not tag (``Trump cited …``) as a mention of its person, so a later
        pronoun can reach it."""
        for s, e, tok, k in self.tokens:
            if tok.pos_ != "PROPN" or not tok.text[:1].isupper() or tok.ent_type_ \
                    or tok.lower_ not in self._surnames or self._mention_near(s) is not None:
                continue
            ent = self._by_surname(tok.lower_, s)
            subject = tok.dep_ in ("nsubj", "nsubjpass")
            self.mentions.append(_Mention(s, e, k, ent, subject, subject and _speaks(tok.head),
                                          oblique=tok.dep_ == "pobj"))
            self._seen_at.setdefault(id(ent), []).append(s)

    def _index(self) -> None:
        """Sort the mentions and keep their starts (look-ups by offset in log time)."""
        self.mentions.sort(key=lambda m: m.start)
        self._m_starts = [m.start for m in self.mentions]
        self._longest = max((m.end - m.start for m in self.mentions), default=0)
        self._ent_starts: dict[str, list[int]] = {}
        for m in self.mentions:
            self._ent_starts.setdefault(m.entity.key, []).append(m.start)

    def _before(self, off: int, first_sent: int = 0) -> list:
        """Mentions starting before ``off`` in sentence ``first_sent`` or later, in text order."""
        lo = bisect.bisect_left(self._m_starts, self.sent_bounds[first_sent][0]) if first_sent > 0 else 0
        return self.mentions[lo:bisect.bisect_left(self._m_starts, off)]

    def _joint_mentions(self) -> None:
        """``Obama and Clinton``: one plural mention of the pair (keyed ``a_and_b``), for a later ``they``."""
        by_root = {}
        for m in self.mentions:
            if m.entity.kind == "person":
                by_root[m.start] = m
        for m in list(by_root.values()):
            tok = self.tokens[bisect.bisect_left(self._tok_starts, m.start)][2]
            root = tok.head if tok.dep_ == "compound" else tok
            while root.dep_ == "compound":
                root = root.head
            conj = [c for c in root.children if c.dep_ == "conj"]
            if not conj:
                continue
            other = self._mention_near(self._abs(conj[0]))
            if other is None or other.entity.kind != "person" or other.entity is m.entity:
                continue
            key = "_and_".join(sorted((m.entity.key, other.entity.key)))
            pair = self._entity(key, "group", f"{m.entity.name} and {other.entity.name}", plural=True)
            pair.found = m.entity.found
            pair.registry = m.entity.registry
            self.mentions.append(_Mention(m.start, other.end, m.sent, pair, m.subject, m.speaker))

    def _bodies_spoken_for(self) -> None:
        for found, off in self._spoken_for:
            m = self._mention_near(off)
            if m is not None and m.entity.kind in ("org", "place"):
                t, r = m.entity.typed()
                found.append((t, r, "org"))

    def _add_entity_mention(self, ent) -> None:
        ent = name_span(ent)
        name = ent.text
        bare = re.sub(r"['’]s$", "", name)
        if ent.label_ == "PERSON" and is_media_name(bare):
            entity = self._org(name, "org")                  # "RT" tagged as a person: the outlet
        elif ent.label_ == "PERSON":
            if not name_parts(name):
                return
            entity = self._person(name, self._abs(ent[0]))
        elif ent.label_ == "NORP":
            if not ent.root.tag_.endswith("S"):
                return                           # "Democratic senator": a modifier, not a group
            entity = self._entity(slug(name), "group", name, plural=True)
        elif self._known_person(name, self._abs(ent[0])) is not None:
            entity = self._known_person(name, self._abs(ent[0]))
        else:
            kind = "place" if ent.label_ == "GPE" else "org"
            entity = self._org(name, kind)
        entity.found.extend(self._descriptions(ent))
        if entity.registry == (None, None):
            entity.registry = self._registry(name)
        root = ent.root
        subject = root.dep_ in ("nsubj", "nsubjpass")
        self.mentions.append(_Mention(self._abs(ent[0]), self._abs(ent[-1]) + len(ent[-1].text),
                                      self._sent_of(root), entity, subject, subject and _speaks(root.head),
                                      oblique=root.dep_ == "pobj"))
        self._last_seen[entity.key] = self._abs(ent[0])
        self._seen_at.setdefault(id(entity), []).append(self._abs(ent[0]))

    def _known_person(self, name: str, offset: int) -> _Entity | None:
        """The person a one-word name at ``offset`` (a surname the tagger took for an organisation) stands for."""
        parts = name_parts(name)
        if len(parts) == 1 and parts[0] in self._surnames:
            return self._by_surname(parts[0], offset)
        return None

    def _by_surname(self, last: str, offset: int) -> _Entity:
        """Of the persons with this surname, the one mentioned last before ``offset`` (else the first
        one mentioned after it: ``Scott`` before ``Tim Scott`` is introduced is the Scott named before)."""
        def recency(k):
            starts = self._seen_at.get(id(self.entities[k]), [])
            before = [s for s in starts if s <= offset]
            return (1, max(before)) if before else (0, -min(starts, default=offset))
        keys = self._surnames[last]
        return self.entities[max(keys, key=lambda k: (recency(k), keys.index(k)))]

    def _entity(self, key: str, kind: str, name: str, plural: bool = False) -> _Entity:
        if key not in self.entities:
            self.entities[key] = _Entity(key, kind, name, plural)
        return self.entities[key]

    def _person(self, name: str, offset: int) -> _Entity:
        parts = [p for p in name_parts(name) if p not in SUFFIXES]
        key = person_key(name)
        if len(parts) >= 2 and parts[0] in NAME_PARTICLES:    # "Bin Laden": a surname alone
            parts = [" ".join(parts)]
            if parts[0].split()[-1] in self._surnames:
                return self._by_surname(parts[0].split()[-1], offset)
        if len(parts) >= 2:
            last, first = parts[-1], parts[0]
            for k in reversed(self._surnames.get(last, [])):
                other = self.entities[k]
                oparts = [p for p in name_parts(other.name) if p not in SUFFIXES]
                if len(oparts) == 1 or oparts[0] == first or oparts[0][:1] == first[:1] and len(first) <= 2:
                    if len(oparts) == 1:          # a surname seen first, now the full name: rename
                        return self._rename(other, key, name)
                    return other
            ent = self._entity(key, "person", name)
            self._surnames.setdefault(last, []).append(key)
            return ent
        one = parts[0] if parts else key
        if one in self._surnames:
            return self._by_surname(one, offset)
        for e in reversed(list(self.entities.values())):   # a first name alone ("Hillary")
            if e.kind == "person" and name_parts(e.name)[:1] == [one]:
                return e
        ent = self._entity(key, "person", name)
        self._surnames.setdefault(one, []).append(key)
        return ent

    def _rename(self, ent: _Entity, key: str, name: str) -> _Entity:
        if key in self.entities:
            return self.entities[key]
        old = ent.key
        del self.entities[old]
        ent.key, ent.name = key, name
        self.entities[key] = ent
        for last, keys in self._surnames.items():
            self._surnames[last] = [key if k == old else k for k in keys]
        return ent

    def _org(self, name: str, kind: str) -> _Entity:
        clean = re.sub(r"^(?:the)\s+", "", name.strip(), flags=re.I)
        clean = re.sub(r"['’]s?$", "", clean)
        key = slug(clean)
        if key in self.entities:
            return self.entities[key]
        for e in reversed(list(self.entities.values())):     # "the Post" after "the New York Post"
            if e.kind == "org" and e.key.endswith("_" + key):
                return e
        abbr = clean.upper() if re.fullmatch(r"[A-Z][A-Z.\-&]+", clean) else ""
        for e in self.entities.values():
            if e.kind in ("org", "place") and abbr and acronym(e.name) == abbr.replace(".", ""):
                return e
            if e.kind in ("org", "place") and not abbr and re.fullmatch(r"[A-Z]{2,6}", e.name.strip()) \
                    and acronym(clean) == e.name.strip():
                return self._rename(e, key, clean)
        ent = self._entity(key, kind, clean)
        ent.found.extend(described("the " + clean))     # "Post" is "the Post" of the media list
        return ent

    def _descriptions(self, ent) -> list[tuple[str, str, str]]:
        """Descriptions of one entity mention: its left modifiers, appositions, the noun it is apposed to,
        and a party tag after it."""
        root = ent.root
        pieces = []
        left = [t for c in root.lefts for t in c.subtree if t.i < ent.start and c.dep_ != "punct"]
        if left:
            pieces.append(" ".join(t.text for t in sorted(left, key=lambda t: t.i)))
        for c in root.rights:
            if c.dep_ == "appos":
                pieces.append(" ".join(t.text for t in c.subtree))
        if root.dep_ == "appos" and root.head.pos_ in ("NOUN", "PROPN") and not any(
                t.is_quote for t in root.doc[min(root.i, root.head.i):max(root.i, root.head.i)]):
            h = root.head
            pieces.append(" ".join(t.text for t in sorted(
                [h] + [t for c in h.lefts for t in c.subtree] +
                [t for c in h.rights if c.dep_ == "prep" for t in c.subtree], key=lambda t: t.i)))
        found = [f for p in pieces for f in described(p)]
        # "the Clinton campaign", "Obama's administration": the person heads it
        if ent.label_ == "PERSON" and root.dep_ in ("compound", "poss") and root.head.pos_ == "NOUN":
            own = role_terms().get(root.head.lower_)
            if own and root.head.lower_ in HEADED_BODIES:
                found.append((*own, root.head.lower_))
        # an organisation named in a weak description ("president of the NAACP") is the body spoken for:
        # typed once every entity is known (:meth:`_bodies_spoken_for`)
        if found and all(t in WEAK_TERMS for _, _, t in found):
            scope = {t.i for t in root.subtree} | ({t.i for t in root.head.subtree} if root.dep_ == "appos" else set())
            for p_ent in ent.doc.ents:
                if p_ent.label_ == "ORG" and p_ent.root.i in scope and not (ent.start <= p_ent.root.i < ent.end):
                    self._spoken_for.append((found, self._abs(p_ent.root)))
        end = self._abs(ent[-1]) + len(ent[-1].text)
        past = any(w.lower().strip("-") in PAST_WORDS for p in pieces[:1] for w in p.split())
        if ent.label_ == "PERSON" and not past and PARTY_TAG_RE.match(self.text, end) and \
                re.match(r"\s*[(,]\s*(?:[DRI]\b|[DRI]-)", self.text[end:end + 6]):
            found.append(("official", "office", "party tag"))
        return found

    def _gender_votes(self) -> None:
        """A gendered pronoun votes for the person mentioned last before it (within two sentences)."""
        persons = [m for m in self.mentions if m.entity.kind == "person"]
        starts = [m.start for m in persons]
        for s, _, tok, k in self.tokens:
            g = PRONOUN_GENDER.get(tok.lower_)
            if g is None or tok.pos_ != "PRON":
                continue
            i = bisect.bisect_left(starts, s) - 1
            if i >= 0 and k - persons[i].sent <= 1:
                persons[i].entity.gender[g] += 1
        for e in self.entities.values():
            if e.kind == "person":
                for w in re.split(r"\s+", e.name.lower())[:1]:
                    if w in HONORIFIC_GENDER:
                        e.gender[HONORIFIC_GENDER[w]] += 5

    # ----------------------------------------------------------------- resolving
    def _span_tokens(self, start: int, end: int) -> list:
        i = bisect.bisect_left(self._tok_starts, start)
        while i > 0 and self.tokens[i - 1][1] > start:
            i -= 1
        out = []
        while i < len(self.tokens) and self.tokens[i][0] < end:
            if self.tokens[i][1] > start and not self.tokens[i][2].is_space:
                out.append(self.tokens[i])
            i += 1
        return out

    def resolve(self, start: int, end: int, depth: int = 0) -> Speaker:
        """The :class:`Speaker` of the span ``text[start:end]`` (see the module docstring)."""
        toks = self._span_tokens(start, end)
        if not toks:
            return Speaker(slug(self.text[start:end]), "other", "other", self.text[start:end])
        inside = {t[2].i for t in toks}
        heads = [t for t in toks if t[2].head.i not in inside or t[2].head.i == t[2].i]
        content = [t for t in heads if not t[2].is_punct]
        head = (content or heads or toks)[0][2]
        surface = self.text[start:end]
        low = head.lower_
        if len([t for t in toks if not t[2].is_punct]) <= 3 and (head.pos_ == "PRON" or low in RELATIVE_PRONOUNS
                                                                or low in ("each", "many", "most")):
            found = self._pronoun(head, toks)
            if found is not None:
                return found
        joint = [c for c in head.children if c.dep_ == "conj" and c.i in inside]
        if joint and head.pos_ == "PROPN":
            here = self._mention_at(head)
            pair = [m for m in self.mentions if here is not None and m.start == here.start and "_and_" in m.entity.key]
            if pair:
                return self._speaker_of(pair[0].entity)
            parts = [self._named(head, surface)] + [self._named(c, surface) for c in joint]
            parts = [p for p in parts if p is not None]
            if len(parts) >= 2:
                return Speaker("_and_".join(sorted(p.key for p in parts)), parts[0].speaker_type, parts[0].role,
                               surface)
        own_mention = self._mention_at(head)
        if own_mention is None or own_mention.entity.kind != "person" or any(c.dep_ == "det" for c in head.lefts):
            # "Colorado's attorney general, John Suthers", "another leading Dem, Sen. Ann Roe" (a name with
            # a determiner is a common noun): the name in apposition is the speaker
            for c in head.rights:
                if c.dep_ == "appos" and c.i in inside and c.pos_ == "PROPN":
                    m = self._mention_at(c)
                    if m is not None and m.entity.kind == "person":
                        return self._speaker_of(m.entity)
        if head.pos_ == "NOUN" and head.dep_ == "appos":
            # "his daughter, Ellie, a high school senior": an apposition is the person it is apposed to
            # (or that a sibling apposition names)
            named = [t for t in [head.head, *head.head.children] if t.pos_ == "PROPN" and t.i != head.i
                     and (t is head.head or t.dep_ == "appos")]
            ms = [m for m in map(self._mention_at, named) if m is not None and m.entity.kind == "person"]
            if ms:
                return self._speaker_of(ms[0].entity)
        if head.pos_ == "NOUN":
            if head.lemma_.lower() in DOCUMENT_NOUNS:
                issuer = self._issuer(head, inside, depth)
                if issuer is not None:
                    return issuer
        named = self._named(head, surface)
        if named is not None:
            return named
        return self._common(head, toks, surface, depth)

    def _issuer(self, head, inside, depth: int) -> Speaker | None:
        """Who issued a document (guideline rule 8): its possessor (``his website``, ``Ivana Trump's
        brief``), its ``by``/``from`` phrase, a named body modifying it (``a Fox News poll``), or, for
        a definite one (``the poll``), what an earlier mention of the same noun was resolved to."""
        for c in head.children:
            if c.dep_ == "poss":
                return self._resolve_token(c, depth)
        for c in head.subtree:
            if c.dep_ == "pobj" and c.head.lower_ in ("by", "from") and c.i in inside and c.pos_ == "PROPN":
                return self._resolve_token(c, depth)
        for c in head.lefts:
            if c.dep_ == "compound" and c.pos_ == "PROPN" and self._mention_at(c) is not None:
                return self._speaker_of(self._mention_at(c).entity)
        definite = any(c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in head.lefts)
        sub = list(head.subtree)
        if not definite and depth == 0 and (sub[0].i < min(inside) or sub[-1].i > max(inside)):
            # "A statement posted on the presidency's page": typed by its whole phrase, keyed by the span
            whole = self._resolve_token(head, depth, whole=True)
            if whole is not None and (whole.speaker_type, whole.role) != ("other", "other"):
                alone = self._common(head, [t for t in self.tokens if t[2].i in inside and t[2].doc is head.doc],
                                     head.text, depth + 1)
                return Speaker(alone.key, whole.speaker_type, whole.role, whole.name, "", whole.registry_actor)
        if definite and depth < 3:
            lemma = head.lemma_.lower()
            kind = DOCUMENT_KINDS.get(lemma, lemma)
            here = self._abs(head)
            for start, _, tok, _ in reversed(self.tokens[:bisect.bisect_left(self._tok_starts, here)]):
                if DOCUMENT_KINDS.get(tok.lemma_.lower(), tok.lemma_.lower()) == kind \
                        and tok.pos_ == "NOUN":
                    earlier = self._resolve_token(tok, depth + 1, whole=True)
                    if earlier is None:
                        break
                    if earlier.key in self.entities or earlier.registry_actor:
                        return earlier           # the issuer found for the earlier mention
                    if (earlier.speaker_type, earlier.role) != ("other", "other"):
                        # typed by its description: that type, under the earlier mention's own key
                        alone = self._resolve_token(tok, depth + 1)
                        return Speaker(alone.key if alone else earlier.key, earlier.speaker_type, earlier.role,
                                       earlier.name, earlier.name)
                    break
        return None

    def _resolve_token(self, tok, depth: int, whole: bool = False) -> Speaker | None:
        """Resolve the phrase headed by ``tok`` (its subtree when ``whole``, else the token)."""
        toks = list(tok.subtree) if whole else [tok]
        start, end = self._abs(toks[0]), self._abs(toks[-1]) + len(toks[-1].text)
        return self.resolve(start, end, depth + 1)

    def _mention_at(self, tok) -> _Mention | None:
        return self._mention_near(self._abs(tok))

    def _mention_near(self, off: int, named: bool = False) -> _Mention | None:
        """The shortest mention holding ``off`` (a person before the pair it is part of); ``named``: of a name."""
        best = None
        hi = bisect.bisect_right(self._m_starts, off)
        lo = bisect.bisect_left(self._m_starts, off - self._longest)
        for m in self.mentions[lo:hi]:
            if named and not m.named:
                continue
            if m.start <= off < m.end and (best is None or m.end - m.start < best.end - best.start):
                best = m
        return best

    def _speaker_of(self, ent: _Entity, resolved_from: str = "") -> Speaker:
        stype, role = ent.typed()
        return Speaker(ent.key, stype, role, ent.name, resolved_from, ent.registry[0] or "")

    def _named(self, head, surface: str) -> Speaker | None:
        m = self._mention_at(head)
        here = self._abs(head)
        if m is None and self._known_person(head.text, here) is not None and head.text[:1].isupper():
            return self._speaker_of(self._known_person(head.text, here))
        if m is None:
            if head.pos_ != "PROPN" or not head.text[:1].isupper() or head.lower_ in role_terms() \
                    or described(head.text):           # "RT", "NATO": a body the lexicons know
                return None
            # a name the tagger missed: the person with that surname, else a new person
            ent = self._known_person(head.text, here)
            if ent is None:
                first = [c for c in head.lefts if c.dep_ == "compound" and c.pos_ == "PROPN"]
                name = " ".join([c.text for c in first] + [head.text])
                ent = self._person(name, self._abs(head))
                if ent.registry == (None, None):
                    ent.registry = self._registry(name)
            return self._speaker_of(ent)
        if m.entity.kind == "group" and surface.split()[0].lower() in BODY_MODIFIERS:
            return Speaker(m.entity.key, "official", "office", surface)
        part = [c.lower_ for c in head.lefts if c.dep_ in ("det", "amod") and c.lower_ in PART_QUANTIFIERS]
        if m.entity.kind == "group" and part:     # "some Democrats": a part of the group, not the group
            whole = self._speaker_of(m.entity)
            return Speaker(slug(f"{part[0]} {m.entity.key}"), whole.speaker_type, whole.role, surface)
        return self._speaker_of(m.entity)

    def _common(self, head, toks, surface: str, depth: int = 0) -> Speaker:
        low_words = [t[2].lower_ for t in toks]
        lemma = head.lemma_.lower()
        sent = self.tokens[self._tok_at[(id(head.doc), head.i)]][3]
        s0, s1 = self.sent_bounds[sent]
        has_name = any(t[2].ent_type_ in ("PERSON",) and t[2].head.i == head.i and t[2].dep_ == "compound"
                       for t in toks)
        own = described(surface)
        partitive = [g for c in head.children if c.dep_ == "prep" and c.lower_ == "of"
                     for g in c.children if g.dep_ == "pobj" and g.lower_ in ANON_HEADS]
        if head.pos_ in ("NUM", "PRON", "ADJ", "DET") and partitive:     # "one of the president's aides"
            return Speaker("anon_" + slug(partitive[0].lemma_), "anonymous", "anonymous", surface)
        if head.lower_ in ANON_HEADS and head.tag_ in ("NNS", "NNPS") and head.ent_type_ != "PERSON":
            has_name = False                    # "Clinton aides": the aides are unnamed
        if toks and toks[0][2].lower_ == "the" and head.tag_ == "NNS" and head.lower_ in PERSON_PLURALS:
            has_name = True                      # "the two leaders": people named before, not anonymous
        if (head.lower_ in ANON_HEADS or lemma in ANON_HEADS or ANONYMITY_RE.search(surface)) and not has_name \
                and not (head.lower_ in ("officials", "leaders") and any(w in BODY_MODIFIERS for w in low_words)):
            return Speaker(self._anon_key(head), "anonymous", "anonymous", surface)
        if ANONYMITY_RE.search(self.text, s0, s1) and head.pos_ == "NOUN" and not has_name \
                and head.lower_ not in BODY_HEADS:
            return Speaker(self._anon_key(head), "anonymous", "anonymous", surface)
        # a possessed role noun ("Weiner's spokesman") is someone else: not an anaphor
        possessed = any(t[2].dep_ == "poss" for t in toks)
        definite = (any(t[2].lower_ in ("the", "this", "that") for t in toks[:2]) and not possessed) or \
            (possessed and head.lower_ in HEADED_BODIES)    # "her campaign" is the campaign named before
        if definite and head.tag_ == "NNS" and head.lower_ in PERSON_PLURALS:
            pair = self._recent_pair(head)       # "the two leaders" after "Assad and Putin"
            if pair is not None:
                return self._speaker_of(pair, pair.name)
        if definite and head.tag_ in ("NN", "NNP"):
            ent = self._role_antecedent(head, own)
            if ent is not None:
                return self._speaker_of(ent, ent.name)
        best = best_type(own)
        if head.tag_ in ("NNS", "NNPS") and head.lower_ in role_terms() and best is None:
            best = role_terms()[head.lower_]
        if best is None and head.tag_ in ("NNS", "NNPS"):
            best = ("collective", "group")
        if best and best[0] == "collective" and any(w in BODY_MODIFIERS for w in low_words[:-1]):
            best = ("official", "office")
        if best is None:
            best = ("other", "other")
        return Speaker(slug(" ".join(w for w in low_words if w not in ("a", "an", "the"))), *best, surface)

    def _anon_key(self, head) -> str:
        """The key of an unnamed source (guideline section 3): ``anon_`` + its noun, with the name it is
        attached to (``Clinton aides``, ``Obama's aides``: two groups); an indefinite singular (``a source``,
        ``another source``) is a new source each time (``anon_source_1``, ``anon_source_2``) and a definite
        one (``the source``) the last such source before it."""
        lemma = head.lemma_.lower()
        names = [c for c in head.lefts if c.dep_ in ("poss", "compound") and c.pos_ == "PROPN"]
        base = "anon_" + slug(" ".join([*(c.text for c in names[-1:]), lemma]))
        if head.tag_ != "NN":
            return base
        det = next((c.lower_ for c in head.lefts if c.dep_ in ("det", "nummod")), "")
        if det not in INDEFINITE_DETS | {"the", "this", "that"}:
            return base
        here = self._abs(head)
        earlier = [t for s, _, t, _ in self.tokens[:bisect.bisect_left(self._tok_starts, here)]
                   if t.tag_ == "NN" and t.lemma_.lower() == lemma and
                   any(c.dep_ in ("det", "nummod") and c.lower_ in INDEFINITE_DETS for c in t.lefts)]
        if det in INDEFINITE_DETS:
            return f"{base}_{len(earlier) + 1}"
        return f"{base}_{len(earlier)}" if earlier else base

    def _recent_pair(self, head) -> _Entity | None:
        """The pair (``A and B``) mentioned last within the pronoun window before ``head``."""
        off, sent = self._abs(head), self._sent_of(head)
        pairs = [m for m in self._before(off, max(0, sent - self.window)) if "_and_" in m.entity.key]
        return pairs[-1].entity if pairs else None

    def _role_antecedent(self, head, own) -> _Entity | None:
        """The entity a definite role noun refers to: the most recent one described by the same term;
        else (a person noun, or a body noun of a typed kind) the most recent one of the same type."""
        terms = {ABBREVIATIONS.get(t, t) for t in ({t for _, _, t in own} or {head.lower_})}
        typed = best_type(own)
        off = self._abs(head)
        person_noun = head.lower_ in PERSON_NOUNS
        last = self._last_before(off)              # entity key -> its latest mention start before off
        ents = [self.entities[k] for k in last if k in self.entities]
        passes = [lambda e: (e.kind == "person") == person_noun and bool(terms & self._terms(e))]
        if person_noun and head.ent_type_ == "" and typed is not None:
            passes.append(lambda e: e.kind == "person" and e.typed() == typed)
        if typed and typed[1] in ("agency", "court", "party", "campaign", "ngo", "business", "media"):
            passes.append(lambda e: e.kind in ("org", "place") and e.typed() == typed)
        for fits in passes:
            found = [e for e in ents if fits(e)]
            if found:
                return max(found, key=lambda e: last[e.key])
        return None

    def _terms(self, ent: _Entity) -> frozenset:
        """The description terms of an entity, abbreviations spelled out (cached while ``found`` is unchanged)."""
        key = (ent.key, len(ent.found))
        if key not in self._term_cache:
            self._term_cache[key] = frozenset(ABBREVIATIONS.get(t, t) for _, _, t in ent.found)
        return self._term_cache[key]

    def _last_before(self, off: int) -> dict[str, int]:
        """Entity key → start of its latest mention before ``off``."""
        out = {}
        for key, starts in self._ent_starts.items():
            i = bisect.bisect_left(starts, off)
            if i:
                out[key] = starts[i - 1]
        return out

    def _token_at(self, off: int):
        return self.tokens[bisect.bisect_right(self._tok_starts, off) - 1][2]

    def _commanded(self, m: _Mention, subject) -> bool:
        """Whether mention ``m`` lies in the clause of which ``subject`` (a pronoun) is the subject, so the
        pronoun cannot stand for it (binding principle C: ``People like Scott, he said``; Chomsky 1981)."""
        tok = self._token_at(m.start)
        verb = subject.head
        return tok.doc is subject.doc and tok.i != subject.i and verb.i != subject.i and \
            any(a.i == verb.i for a in tok.ancestors)

    def _reported(self, tok) -> bool:
        """Whether ``tok`` is inside what a speech verb reports (its clausal complement: ``Walsh suggested
        Reid would suffer``), where a person is spoken of rather than speaking."""
        for a in [tok, *tok.ancestors]:
            if a.dep_ == "ccomp" and _speaks(a.head):
                return True
        return False

    def _attributes_quote(self, tok) -> bool:
        """Whether ``tok`` is the subject of a speech verb in a sentence holding a direct quotation
        (``"…," he said``): the quotation goes on in the words of the speaker named before."""
        if tok.dep_ not in ("nsubj", "nsubjpass") or not _speaks(tok.head) or self._reported(tok.head):
            return False
        s0, s1 = self.sent_bounds[self._sent_of(tok)]
        i = bisect.bisect_left(self._quote_starts, s1)
        return any(q1 > s0 for _, q1 in self._quotes[max(0, i - 3):i])

    def _in_quote(self, off: int) -> bool:
        i = bisect.bisect_right(self._quote_starts, off) - 1
        return i >= 0 and self._quotes[i][0] <= off < self._quotes[i][1]

    def _pronoun(self, head, toks) -> Speaker | None:
        low = head.lower_
        off = self._abs(head)
        surface = head.text
        if low in RELATIVE_PRONOUNS or low in ("each", "many", "most"):
            t = head
            while t.dep_ != "relcl" and t.head.i != t.i:
                t = t.head
            if t.dep_ == "relcl":
                ant = t.head
                sub = self._named(ant, ant.text)
                if sub is None:
                    sub = self._common(ant, [x for x in self._span_tokens(self._abs(ant), self._abs(ant) + 1)],
                                       ant.text)
                return Speaker(sub.key, sub.speaker_type, sub.role, sub.name, ant.text, sub.registry_actor)
            pair = self._recent_pair(head) if low == "each" else None
            if pair is not None:                 # "Trump and Clinton vied …, each touting …": one of the pair
                return self._speaker_of(pair, pair.name)
            return None                          # "many": a group noun of its own
        if low in ("i", "me", "my"):
            if self._in_quote(off):
                return None
            return Speaker("article_author", "other_media", "media", surface)
        if low in ("we", "us", "our", "you", "your"):
            return Speaker("we_inclusive" if low in ("we", "us", "our") else "you", "collective", "group", surface)
        sent = self._sent_of(head)
        want = PRONOUN_GENDER.get(low)
        kinds = ("person",) if want else ("org", "place", "group") if low in THING_PRONOUNS else \
            ("group", "org", "place", "person")
        cands = [m for m in self._before(off, max(0, sent - self.window)) if m.entity.kind in kinds]
        if not self._in_quote(off):              # a speaker outside quotation marks is not someone quoted about
            outside = [m for m in cands if not self._in_quote(m.start)]
            cands = outside or cands
        if low in THING_PRONOUNS:                # "… in Syria, it added": a place after a preposition is not it
            cands = [m for m in cands if not m.oblique] or cands
        if head.dep_ in ("nsubj", "nsubjpass"):  # "Campaigning against Romney, he …": not Romney
            cands = [m for m in cands if not self._commanded(m, head)]
        if not cands and want:                  # nobody near: the most mentioned person so far
            earlier = [m for m in self._before(off) if m.entity.kind == "person"
                       and m.entity.sex in (want, None)]
            counts = {}
            for m in earlier:
                counts[m.entity.key] = counts.get(m.entity.key, 0) + 1
            if counts:
                top = max(counts, key=lambda k: (counts[k], self._last_seen.get(k, -1)))
                return self._speaker_of(self.entities[top], self.entities[top].name)
        if want:
            fit = [m for m in cands if m.entity.sex in (want, None)]
            cands = fit or cands
        if low in PLURAL_PRONOUNS:
            plural = [m for m in cands if m.entity.kind != "person" or m.entity.plural]
            cands = plural or cands
        if self._attributes_quote(head):         # "He said Obama was …. '…,' he said": the speaker, not Obama
            plain = [m for m in cands if not self._reported(self._token_at(m.start))]
            cands = plain or cands
        if not cands:
            return None
        # salience: a speaker (subject of a speech verb) or subject counts more, distance less
        best = max(cands, key=lambda m: (self.speaker_weight * m.speaker + SUBJECT_WEIGHT * m.subject
                                         - (sent - m.sent), m.start))
        return self._speaker_of(best.entity, self.text[best.start:best.end])


def name_span(ent):
    """The entity span ``ent`` cut where a name ends: a person's at a lower-case word or a verb, any name at
    a lower-case verb ("Manley put Reid"); ``ent`` itself when nothing is cut."""
    person = ent.label_ == "PERSON"
    k = next((j for j, t in enumerate(ent) if j and t.lower_ not in NAME_PARTICLES and (
        t.text[:1].islower() and t.tag_.startswith("VB") or person and (
            t.text[:1].islower() or t.tag_.startswith("VB")))), len(ent))
    if k == len(ent):
        return ent
    from spacy.tokens import Span

    return Span(ent.doc, ent.start, ent.start + k, label=ent.label_)


@functools.lru_cache(maxsize=1)
def _names():
    """The process's :class:`analysis.measures.actors.mentions.SpeakerResolver` for entity names (bounded):
    an article's names that need the mention rules are parsed in one ``nlp.pipe`` batch
    (:class:`ArticleSpeakers` primes it), not one ``nlp.pipe`` call each."""
    from analysis.measures.actors.mentions import SpeakerResolver

    return SpeakerResolver()


@functools.lru_cache(maxsize=8192)
def _registry_lookup(name: str) -> tuple[str | None, str | None]:
    """``(actor id, speaker type)`` of a name in the actor registry (the actor is
    :func:`analysis.measures.actors.mentions.resolve`'s, the type its first registry row's), Nones when unknown."""
    actor, _atype, stype = _names().actor(name)
    return (None, None) if actor is None else (actor, stype)


def no_registry(name: str) -> tuple[None, None]:
    """A registry that knows nobody: typing from the text alone."""
    return None, None


def direct_spans(quotes) -> list[tuple[int, int]]:
    """``(start, end)`` of the direct quotations of a quotes table (what :class:`ArticleSpeakers` takes
    as ``quotes``)."""
    return [(int(s), int(e)) for s, e, k in zip(quotes["start"], quotes["end"], quotes["kind"]) if k == "direct"]


def assign(text: str, nlp, quotes, resolver=None, speakers: ArticleSpeakers | None = None):
    """``quotes`` (the quotes measure's table) with ``actor``, ``speaker_type`` and ``resolved_from``
    derived by :class:`ArticleSpeakers` over ``text`` (the text the offsets index).

    A speaker surface the actor registry resolves keeps its registry actor and, where the registry
    gives one, its speaker type (the override); every other speaker gets its within-article key
    (one per person: ``Sen. Jim DeMint``, ``DeMint`` and a later ``he`` share ``jim_demint``) and the
    type read from the article. Rows without a speaker are left as they are. ``speakers``: the
    article's :class:`ArticleSpeakers` over ``text`` when already built (for several tables of one
    article), else built here from ``quotes``' direct quotations.
    """
    if not len(quotes):
        return quotes
    art = speakers if speakers is not None else ArticleSpeakers(text, nlp, quotes=direct_spans(quotes))
    actors, types, froms = [], [], []
    # the five columns read, as lists (itertuples would slice every column of the table)
    for s0, s1, speaker, actor, stype, rfrom in zip(
            quotes["speaker_start"].tolist(), quotes["speaker_end"].tolist(), quotes["speaker"].tolist(),
            quotes["actor"].tolist(), quotes["speaker_type"].tolist(), quotes["resolved_from"].tolist()):
        s0, s1 = int(s0), int(s1)
        if s0 < 0 or s1 <= s0:
            actors.append(actor)
            types.append(stype)
            froms.append(rfrom)
            continue
        found = art.resolve(s0, s1)
        pronoun = bool(found.resolved_from) or speaker.lower() in PRONOUN_GENDER or \
            speaker.lower() in PLURAL_PRONOUNS | THING_PRONOUNS | RELATIVE_PRONOUNS
        # the registry override: the speaker's own surface, or a pronoun's antecedent
        said = found.resolved_from if pronoun else speaker
        known, _, rtype = resolver.actor(said) if resolver is not None and said else (None, None, None)
        if known:
            actors.append(known)
            types.append(rtype or found.speaker_type)
        else:
            actors.append(found.registry_actor or found.key)
            types.append(found.speaker_type)
        froms.append(found.resolved_from if pronoun else rfrom)
    return quotes.assign(actor=actors, speaker_type=types, resolved_from=froms)
