"""Quotes: who speaks in an article, in whose words, and how much space they get.

:func:`extract_quotes` finds

* **direct** quotations — words inside quotation marks attributed to a speaker,
  including quoted fragments inside reported speech — by pairing quotation
  marks (curly, straight and the typewriter ``''…''``; nested single quotes;
  quotations that run over sentences, and over paragraphs when a paragraph ends
  without a closing mark and the next one opens with a new opening mark, the
  news convention); block quotations introduced by a colon ("Reuters
  reports:"), and passages reprinted from an outlet credited in the paragraph
  before them, recognised from their own evidence (:func:`reprint_blocks`:
  editorial brackets, another house style);
* **indirect** quotations — reported speech: a reporting verb from
  ``data/reporting_verbs.csv`` with a clausal complement ("X said that …",
  "…, the statement said"), and "according to X, …". The reported span stops
  at the attribution: a cue closing its sentence reports the words before its
  speaker, an "according to X" at the end becomes the channel, the writer's
  appositive glosses and participial comments at the end are left out, and
  another speaker's report is not part of it (quotation guideline v2 §2).

Each quotation gets its cue (the reporting verb or phrase), its speaker
(the verb's subject; the object of "quoted X as saying", with the subject kept
as ``channel``; the object of "according to"). Who the speaker is (``actor``,
one key per person, pronouns resolved) and its ``speaker_type`` are left to
:func:`analysis.measures.actors.speakers.assign`, which the quotes measure
applies to this table (here every attributed row is ``other`` with no actor).
Attribution uses the spaCy
dependency parse (the approach of the GenderGapTracker's quote extractor, Asr
et al. 2021, with rules of our own for channels, pronouns and continuation).

A direct row's ``fragment`` flag says whether its quotation is a fragment of the writer's sentence
(a mixed report: "called the plan a “disaster”") rather than a whole one: decided by the fitted
model of :mod:`analysis.measures.quotes.fragments` over :func:`fragment_features`, the
hand-written rule (:func:`_is_fragment`) and the evidence around the marks.

:func:`scare_quotes` reports short quoted terms that modify a noun and have no
speaker of their own ("moderate" rebels, the "terrorist" organisations): a
framing device, counted separately and never as a quotation.

All offsets index the text given (usually
:func:`analysis.boilerplate.body_text` of the raw page, so they index the raw
article too). Content offsets exclude the quotation marks.
"""

from __future__ import annotations

import bisect
import collections
import contextvars
import csv
import functools
import math
import re
from dataclasses import dataclass, field

import pandas as pd
from spacy.attrs import LEMMA, POS
from spacy.symbols import AUX as AUX_POS, VERB as VERB_POS

from analysis import frames, paths
from analysis.core.speakers import SPEAKER_TYPES
from analysis.measures.actors import roles
from analysis.measures.quotes import fragments
from analysis.core import words as core_words
from analysis.core.parse import docs as paragraph_docs
from analysis.core.units import paragraph_rows

REPORTING_VERBS_FILE = "reporting_verbs.csv"
ATTRIBUTION_CUES_FILE = "attribution_cues.csv"
#: A verb from the PolNeAR-derived cue list counts when annotators marked it as a cue in at
#: least this share of its uses (scripts/build_cue_lexicon.py); with a clausal complement only.
DERIVED_MIN_SHARE = 0.5
#: … and with a plain object ("criticized the plan") when at least this share.
#: Lower settings admit verbs such as "discuss", "underscore" and "decline" whose objects PolNeAR
#: counts as attributions but which report no speech in this study's sense (guideline v2 §1; on
#: the seed gold all-quotation precision falls from 0.98 to 0.85 at 0.3/0.3), so the study's scope,
#: ``"speech"``, keeps these.
DERIVED_OBJECT_MIN_SHARE = 0.7
#: The shares of the ``"attribution"`` scope: PolNeAR's broader notion (statements, beliefs,
#: intentions, evaluations), every cue of the derived list with a complement or an object. Chosen on
#: PolNeAR train (300 articles, all attributions F1): 0.5/0.7 → 0.609, 0.4/0.4 → 0.644,
#: 0.3/0.3 → 0.654, 0.25/0.25 → 0.657.
ATTRIBUTION_MIN_SHARE = 0.25
#: What counts as a report: ``"speech"`` (this study: what someone said or wrote) or
#: ``"attribution"`` (PolNeAR's attributions, for scoring against it).
SCOPES = {"speech": (DERIVED_MIN_SHARE, DERIVED_OBJECT_MIN_SHARE),
          "attribution": (ATTRIBUTION_MIN_SHARE, ATTRIBUTION_MIN_SHARE)}
_SCOPE = contextvars.ContextVar("quotes_scope", default="speech")

COLUMNS = ["quote_id", "kind", "fragment", "start", "end", "text", "cue", "cue_start", "cue_end",
           "cue_lemma", "speaker", "speaker_start", "speaker_end", "actor", "speaker_type", "channel",
           "channel_start", "channel_end", "resolved_from", "attribution", "paragraph", "sentence"]
SCARE_COLUMNS = ["start", "end", "text", "inside_quote", "paragraph"]

#: A quoted span of at most this many words that directly modifies a noun is a scare quote.
SCARE_MAX_WORDS = 3

OPEN_DOUBLE = "“„«"
CLOSE_DOUBLE = "”»"
OPEN_SINGLE = "‘"
CLOSE_SINGLE = "’"

MASTHEAD_WORDS_FILE = "masthead_words.csv"


@functools.lru_cache(maxsize=1)
def masthead_words() -> frozenset:
    """Capitalised words of news organisations' names ("Gazette", "Times", "News"), from
    ``data/masthead_words.csv``: a proper name holding one is read as an outlet's (a credited
    reprint's source) even when no lexicon lists the outlet."""
    with open(paths.package_data(MASTHEAD_WORDS_FILE), encoding="utf-8", newline="") as fh:
        return frozenset(r["word"] for r in csv.DictReader(fh))


@functools.lru_cache(maxsize=1)
def reporting_verbs() -> pd.DataFrame:
    """Reporting-verb lexicon: ``lemma``, ``stance`` (neutral / tentative / assertive / expressive), ``source``."""
    with open(paths.package_data(REPORTING_VERBS_FILE), encoding="utf-8", newline="") as fh:
        return pd.DataFrame(list(csv.DictReader(fh)))


@functools.lru_cache(maxsize=1)
def attribution_cues() -> pd.DataFrame:
    """Cue verbs derived from PolNeAR's training split, with how often each was a cue."""
    table = pd.read_csv(paths.package_data(ATTRIBUTION_CUES_FILE))
    return table[table["cue_share"] >= DERIVED_MIN_SHARE]


def _verb_lemmas() -> frozenset[str]:
    return _scope_lemmas(_SCOPE.get())[0]


@functools.lru_cache(maxsize=None)
def _scope_lemmas(scope: str) -> tuple[frozenset[str], frozenset[str]]:
    """(cue lemmas, lemmas whose object is their report) of a scope."""
    share, object_share = SCOPES[scope]
    derived = pd.read_csv(paths.package_data(ATTRIBUTION_CUES_FILE))
    verbs = frozenset(reporting_verbs()["lemma"]) | frozenset(derived.loc[derived["cue_share"] >= share, "lemma"])
    roles = cue_complements()
    objects = roles["object_report"] | (frozenset(derived.loc[derived["cue_share"] >= object_share, "lemma"])
                                        - roles["speaker_object"])
    return verbs, objects


@functools.lru_cache(maxsize=1)
def _curated_lemmas() -> frozenset[str]:
    return frozenset(reporting_verbs()["lemma"])


def _object_lemmas() -> frozenset[str]:
    return _scope_lemmas(_SCOPE.get())[1]


# --------------------------------------------------------------------------------------
# quotation marks
# --------------------------------------------------------------------------------------

@dataclass
class _Span:
    start: int          # first character of content (after the opening mark)
    end: int            # end of content (before the closing mark, or end of paragraph)
    open_mark: int      # offset of the opening mark
    close_mark: int | None  # offset of the closing mark (None when unclosed)
    paragraph: int
    inner: list = field(default_factory=list)   # nested single-quoted spans (start, end)


def _is_open_straight(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if before.isspace() or before in "([{—–-/" or i == 0:
        return not after.isspace()
    return False


def quotation_spans(text: str) -> list[_Span]:
    """Pair double quotation marks into spans, paragraph by paragraph.

    Curly marks pair by direction; straight ``"`` marks are read as opening
    when preceded by space or an opening bracket and followed by a non-space,
    otherwise closing. A paragraph that ends inside a quotation continues into
    the next paragraph when that one opens with a quotation mark (the news
    convention); otherwise the quotation ends with its paragraph. Nested single
    quotes (‘…’ or '…') inside a span are recorded in ``inner``.
    """
    text = typewriter_marks(text)
    spans: list[_Span] = []
    carry: _Span | None = None
    for para in paragraph_rows(text):  # the rows of analysis.sentences.paragraphs
        s, e = para.start, para.end
        current: _Span | None = None
        if carry is not None:
            first = text[s]
            if first in OPEN_DOUBLE or (first == '"' and _is_open_straight(text, s)):
                current = carry
                current.end = e  # provisional
                pos = s + 1
            else:
                spans.append(carry)
                pos = s
            carry = None
        else:
            pos = s
        for i in range(pos, e):
            ch = text[i]
            if ch not in OPEN_DOUBLE and ch not in CLOSE_DOUBLE and ch != '"':
                continue
            opening = ch in OPEN_DOUBLE or (ch == '"' and _is_open_straight(text, i))
            if current is None:
                # some outlets open with a closing-shaped mark (”Text…”): accept it when it
                # stands before a word
                if opening or ch == '"' or _is_open_straight(text, i):
                    current = _Span(i + 1, e, i, None, para.paragraph)
            elif not opening or ch in CLOSE_DOUBLE or ch == '"':
                current.end = i
                current.close_mark = i
                spans.append(current)
                current = None
            # an opening mark inside an open quote (mismatched) is ignored
        if current is not None:
            current.end = e
            carry = current
    if carry is not None:
        spans.append(carry)
    for sp in spans:
        sp.inner = _single_quoted(text, sp.start, sp.end)
        # trim whitespace inside the marks
        while sp.start < sp.end and text[sp.start].isspace():
            sp.start += 1
        while sp.end > sp.start and text[sp.end - 1].isspace():
            sp.end -= 1
    return [sp for sp in spans if sp.end > sp.start]


def typewriter_marks(text: str) -> str:
    """``text`` with each pair of apostrophes standing for a double quotation mark (the
    typewriter and wire convention ``''Yes,'' he said.``) written as a space and ``"``: the same
    length, so offsets hold, and the mark pairs like any straight one (the space makes an opening
    pair read as opening, and is trimmed from the content)."""
    return text.replace("''", ' "') if "''" in text else text


#: A quoted title: at most this many words, each of four letters or more capitalised.
TITLE_MAX_WORDS = 8


def is_title(content: str) -> bool:
    """Whether quoted words read as a title or name ("Here’s the Thing", "Doomed to Succeed"):
    1 to :data:`TITLE_MAX_WORDS` words, every word of four letters or more capitalised, not all
    in capitals, and no sentence inside (no final stop)."""
    words = re.findall(r"[^\W\d_][\w’'-]*", content)
    if not words or len(words) > TITLE_MAX_WORDS or content.rstrip().endswith((".", "?", "!")) \
            or content.isupper():
        return False
    return all(w[0].isupper() for w in words if len(w) >= 4) and any(len(w) >= 4 for w in words)


def _single_quoted(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Single-quoted spans inside [start, end): ‘x’ or 'x' with word boundaries outside."""
    out = []
    i = start
    while i < end:
        ch = text[i]
        if ch in OPEN_SINGLE or (ch == "'" and (i == start or not text[i - 1].isalnum())):
            j = i + 1
            while j < end:
                cj = text[j]
                if (cj in CLOSE_SINGLE or cj == "'") and (j + 1 >= end or not text[j + 1].isalnum()):
                    break
                j += 1
            if j < end and j > i + 1:
                out.append((i + 1, j))
                i = j + 1
                continue
            if j >= end:
                # no closing mark up to the end; whether a mark closes does not depend on
                # where the quote opened, so no later opening finds one either (linear time)
                break
        i += 1
    return out


# --------------------------------------------------------------------------------------
# parsing
# --------------------------------------------------------------------------------------

@dataclass
class _Parsed:
    text: str
    docs: list            # (paragraph row, doc)
    sents: list           # (paragraph no, sentence no, start, end, span)
    tokens: list          # (start, end, token, sentence no)
    doc_start: dict = field(default_factory=dict)   # id(doc) -> offset of its paragraph
    sent_starts: list = field(default_factory=list)
    tok_starts: list = field(default_factory=list)
    attributions: dict = field(default_factory=dict)  # (id(doc), token index) -> _Attribution
    resolver: object = None                          # speaker surface -> actor (see extract)
    cue_verbs: dict = field(default_factory=dict)     # sentence number -> its cue tokens
    quoted: list = field(default_factory=list)        # the direct quotation spans (_Span), sorted
    evidence: list | None = None                       # (start, end, fragment features) when asked for

    def attribution(self, tok):
        """One attribution object per cue token, so quotations sharing a cue share it."""
        key = (id(tok.doc), tok.i)
        if key not in self.attributions:
            self.attributions[key] = _attribution_from_verb(tok)
        return self.attributions[key]


def _parse(text: str, nlp=None) -> _Parsed:
    docs = list(paragraph_docs(text, nlp))
    sents, tokens = [], []
    for para, doc in docs:
        for sent in doc.sents:
            k = len(sents) + 1
            sents.append((para.paragraph, k, para.start + sent.start_char, para.start + sent.end_char, sent))
            for tok in sent:
                tokens.append((para.start + tok.idx, para.start + tok.idx + len(tok.text), tok, k))
    return _Parsed(text, docs, sents, tokens, {id(doc): para.start for para, doc in docs},
                   [s[2] for s in sents], [t[0] for t in tokens])


def _offset(parsed: _Parsed, tok) -> int:
    return parsed.doc_start[id(tok.doc)] + tok.idx


def _tok_span(parsed: _Parsed, toks) -> tuple[int, int, str]:
    toks = sorted(toks, key=lambda t: t.i)
    if not toks:
        return -1, -1, ""
    start = _offset(parsed, toks[0])
    end = _offset(parsed, toks[-1]) + len(toks[-1].text)
    return start, end, parsed.text[start:end]


def _sentence_of(parsed: _Parsed, offset: int):
    i = bisect.bisect_right(parsed.sent_starts, offset) - 1
    if i >= 0 and parsed.sents[i][2] <= offset < parsed.sents[i][3]:
        return parsed.sents[i]
    return None


def _speaker_tokens(head) -> list:
    """The speaker noun phrase: the head with its left modifiers and 'of'/'in' phrases,
    without relative clauses, appositions or anything after a comma."""
    keep = [head]
    for child in head.lefts:
        if child.dep_ in ("det", "amod", "compound", "nmod", "poss", "nummod", "quantmod", "advmod", "case"):
            keep.extend(child.subtree)
    for child in head.rights:
        if child.dep_ == "prep" and child.text.lower() in ("of", "in", "at", "for", "from", "with"):
            if any(t.text == "," for t in head.doc[head.i:child.i]):
                break
            keep.extend(child.subtree)
        elif child.dep_ in ("cc", "conj") and head.dep_ in ("nsubj", "nsubjpass"):
            if any(t.text == "," for t in head.doc[head.i:child.i]):
                continue  # "X, president of Y, and a backer of Z": an apposition, not a second speaker
            if child.dep_ == "conj":
                keep.extend(_speaker_tokens(child))
            else:
                keep.append(child)
        elif child.dep_ == "case":
            keep.append(child)
    toks = sorted(set(keep), key=lambda t: t.i)
    # the phrase does not reach back over a comma ("…Vladimir Putin, Syrian and Russian media")
    commas = [t.i for t in toks if t.text == "," and t.i < head.i]
    if commas:
        toks = [t for t in toks if t.i > commas[-1]]
    # … nor forward over one ("a diplomat in the region, who spoke …"), unless it coordinates speakers
    after = [t.i for t in toks if t.text == "," and t.i > head.i]
    if after and not any(t.dep_ == "conj" and t.head.i == head.i for t in toks):
        toks = [t for t in toks if t.i < after[0]]
    # drop a trailing possessive or punctuation
    while toks and toks[-1].dep_ in ("case", "punct"):
        toks.pop()
    while toks and toks[0].dep_ == "punct":
        toks.pop(0)
    if toks and toks[0].i > 0 and toks[0].nbor(-1).text == "[" and any(
            t.text == "]" for t in toks[0].doc[toks[0].i:toks[-1].i]):
        toks.insert(0, toks[0].nbor(-1))  # an editorial bracket ("[Putin] and other officials") stays whole
    return toks


def _speaker_head(head):
    """A common-noun head with a proper-noun apposition names the speaker by the
    apposition: "Assad's other main military ally, Iran, has said" → Iran."""
    if head.pos_ == "NOUN":
        for child in head.rights:
            if child.dep_ == "appos" and child.pos_ == "PROPN":
                return child
    return head


def _appositive(head) -> str:
    for child in head.rights:
        if child.dep_ in ("appos", "relcl", "acl"):
            return " ".join(t.text for t in child.subtree)
    return ""


# --------------------------------------------------------------------------------------
# attribution
# --------------------------------------------------------------------------------------

@dataclass
class _Attribution:
    cue: list          # tokens
    speaker: list      # tokens
    channel: list      # tokens
    extra: str = ""    # appositive text (for speaker typing)
    head: object = None


def _cue_verbs(sent_span):
    """The cue tokens of a sentence, in order: a verb or auxiliary with a cue lemma (the scope's),
    and ``accord`` before ``to``. Found once per doc and scope (:func:`_cue_verb_indices`)."""
    doc = sent_span.doc
    idx = _cue_verb_indices(doc)
    for i in idx[bisect.bisect_left(idx, sent_span.start):bisect.bisect_left(idx, sent_span.end)]:
        yield doc[i]


_CUE_VERBS_KEY = "analysis.quotes.cue_verbs"


def _cue_verb_indices(doc) -> list[int]:
    """Indices of ``doc``'s cue tokens (see :func:`_cue_verbs`) under the current scope's lemmas,
    read from the doc's arrays once and kept in its ``user_data``."""
    scope = _SCOPE.get()
    memo = doc.user_data.get(_CUE_VERBS_KEY)
    if memo is None:
        memo = doc.user_data[_CUE_VERBS_KEY] = {}
    if scope in memo:
        return memo[scope]
    lemmas = _verb_lemmas()
    strings = doc.vocab.strings
    arr = doc.to_array([POS, LEMMA]).tolist() if len(doc) else []
    low = {h: strings[h].lower() for h in {a[1] for a in arr}}   # tok.lemma_.lower(), per lemma
    verbal = (VERB_POS, AUX_POS)
    out = []
    for i, (pos, lem) in enumerate(arr):
        lemma = low[lem]
        if pos in verbal and lemma in lemmas:
            out.append(i)
        elif lemma == "accord" and i + 1 < len(arr) and doc[i + 1].lower_ == "to":
            out.append(i)
    memo[scope] = out
    return out


#: Verbs that report only with an explicit "that" clause and a source-like subject
#: ("a poll shows that …"), never with an event as subject ("the visit suggests …").
_EVIDENCE_VERBS = {"suggest", "indicate", "show", "find"}
_SOURCE_NOUNS = {"poll", "polls", "survey", "surveys", "report", "reports", "study", "studies", "data",
                 "statement", "research", "analysis", "document", "documents", "figures", "records",
                 "analysts", "experts", "officials", "sources", "investigation", "investigators"}


#: "according to the rules / the plan" means compliance, not a source.
_COMPLIANCE_NOUNS = {"rule", "law", "regulation", "plan", "schedule", "custom", "tradition",
                     "protocol", "agreement", "term", "procedure", "guideline", "script"}


def _subject(tok):
    subj = [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")]
    if subj:
        # the nearest: in "“… Sen. John McCain,” Trump said" the parse also hangs the quotation's
        # last noun on the verb as a subject
        return min(subj, key=lambda c: abs(c.i - tok.i))
    agent = [g for c in tok.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
    if agent:
        return agent[0]
    # a coordinated or participial verb takes its governor's subject:
    # "Putin thanked … and added …", "Russia launched strikes, saying …"
    if tok.dep_ in ("conj", "advcl", "xcomp") and tok.head.i != tok.i and tok.head.pos_ in ("VERB", "AUX"):
        return _subject(tok.head)
    # … and a gerund after a preposition the subject of the verb the preposition hangs on:
    # "he hinted at it by mentioning the wall and adding, “…”"
    if tok.dep_ == "pcomp" and tok.tag_ == "VBG" and tok.head.dep_ == "prep" \
            and tok.head.head.pos_ in ("VERB", "AUX") and tok.head.head.i != tok.i:
        return _subject(tok.head.head)
    return None


def _attribution_from_verb(tok) -> _Attribution | None:
    lemma = tok.lemma_.lower()
    if lemma == "accord":  # "according to X"
        to = tok.nbor()
        pobj = [c for c in to.children if c.dep_ == "pobj"]
        if not pobj or pobj[0].lemma_.lower() in _COMPLIANCE_NOUNS:
            return None  # "according to the rules" is compliance, not attribution
        h = _speaker_head(pobj[0])
        return _Attribution([tok, to], _speaker_tokens(h), [], _appositive(h), h)
    if lemma == "say" and tok.dep_ == "pcomp" and tok.head.text.lower() == "as":
        quote = tok.head.head  # "X quoted Y as saying that …"
        if quote.lemma_.lower() == "quote":
            att = _attribution_from_verb(quote)
            if att is not None:
                att.cue = sorted(set(att.cue) | {tok}, key=lambda t: t.i)
            return att
    if lemma == "quote":  # "X quoted Y as saying"
        dobj = [c for c in tok.children if c.dep_ == "dobj"]
        if dobj:
            cue = [tok] + [t for c in tok.rights if c.dep_ == "prep" and c.text == "as" for t in c.subtree
                           if t.dep_ in ("prep", "pcomp") and t.lemma_ in ("as", "say")]
            chan_head = [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")]
            if not chan_head and tok.dep_ == "acl":
                chan_head = [tok.head]
            channel = _speaker_tokens(chan_head[0]) if chan_head else []
            h = _speaker_head(dobj[0])
            return _Attribution(cue, _speaker_tokens(h), channel, _appositive(h), h)
    if tok.dep_ == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children):
        return None  # a purpose ("flew to Paris to thank the president"), not a report
    head = _subject(tok)
    if head is None:
        return None
    if lemma in _EVIDENCE_VERBS and not (head.pos_ == "PROPN" or head.text.lower() in _SOURCE_NOUNS):
        return None
    head = _speaker_head(head)
    cue = [tok] + [c for c in tok.children if c.dep_ in ("aux", "auxpass", "neg", "prt") and c.i > head.i]
    return _Attribution(cue, _speaker_tokens(head), [], _appositive(head), head)


def _attribute(parsed: _Parsed, start: int, end: int, inside) -> _Attribution | None:
    """Find who said the quoted span [start, end)."""
    candidates = []
    order = []
    end_sent = _sentence_of(parsed, max(start, end - 1))
    start_sent = _sentence_of(parsed, start)
    for item in (end_sent, start_sent):
        if item is not None and item not in order:
            order.append(item)
    # the parse may end the sentence at the closing mark ("…, Ohio,'' | Mr. Trump said.") or
    # start it at the opening one ("He said: | “…”"): the neighbouring sentence then holds the cue
    k = bisect.bisect_right(parsed.sent_starts, end) if end_sent is not None else len(parsed.sents)
    if k < len(parsed.sents) and parsed.sents[k][2] - end <= 3 and parsed.text[end - 1] in ",?!—–-" \
            and parsed.sents[k][0] == end_sent[0]:  # not the next paragraph's first sentence
        after = parsed.sents[k]
        if after not in order:
            order.append(after)
    if start_sent is not None and start_sent[1] >= 2:
        before = parsed.sents[start_sent[1] - 2]
        if start - before[3] <= 3 and parsed.text[before[2]:before[3]].rstrip().endswith((":", ",")) \
                and before not in order:
            order.append(before)
    for item in order:
        if item[1] not in parsed.cue_verbs:  # a sentence's cues are found once, not once per quotation
            parsed.cue_verbs[item[1]] = list(_cue_verbs(item[4]))
        for tok in parsed.cue_verbs[item[1]]:
            off = _offset(parsed, tok)
            if inside(off):
                continue
            att = parsed.attribution(tok)
            if att is None or not att.speaker:
                continue
            s0, _, _ = _tok_span(parsed, att.speaker)
            if start <= s0 < end:
                continue
            dist = off - end if off >= end else start - off
            # a curated speech verb beats a corpus-derived cue ("…,” Tester said, referring to X)
            derived = tok.lemma_.lower() not in _curated_lemmas() and tok.lemma_.lower() != "accord"
            candidates.append(((derived, dist), att))
        if candidates:
            break
    if not candidates:
        return None
    best = min(candidates, key=lambda c: c[0])[1]
    return _prefer_verb(best, [a for _, a in candidates])


def _prefer_verb(best: _Attribution, candidates: list) -> _Attribution:
    """In "According to a statement, Putin said …" Putin is the speaker and the
    statement the channel."""
    if best.cue and best.cue[0].lemma_.lower() == "accord":
        verbs = [a for a in candidates if a.cue and a.cue[0].lemma_.lower() != "accord"]
        if verbs:
            v = verbs[0]
            return _Attribution(v.cue, v.speaker, best.speaker, v.extra, v.head)
    return best


class NoResolver:
    """Resolves no speaker to a registry actor (every speaker gets a slug id and a typed guess)."""

    def prime(self, surfaces) -> None:
        pass

    def actor(self, surface: str):
        """``(actor id, actor type, speaker type)`` of a speaker surface, Nones when unknown."""
        return None, None, None


# --------------------------------------------------------------------------------------
# extraction
# --------------------------------------------------------------------------------------

def _is_scare(parsed: _Parsed, text: str, start: int, end: int) -> bool:
    content = text[start:end]
    words = content.split()
    if not words or len(words) > SCARE_MAX_WORDS or re.search(r"[.!?,;:]$", content.strip()):
        return False
    # the token right after the closing mark
    lo = bisect.bisect_left(parsed.tok_starts, start)
    hi = bisect.bisect_left(parsed.tok_starts, end)
    inner = [t[2] for t in parsed.tokens[lo:hi]]
    after = [t[2] for t in parsed.tokens[hi:hi + 3] if t[0] > end][:2]
    if not after or not inner:
        return False
    nxt = after[0] if after[0].text not in CLOSE_DOUBLE + '"’\'' else (after[1] if len(after) > 1 else None)
    if nxt is None:
        return False
    last = inner[-1]
    # an attributive modifier: the quoted word(s) modify the following noun
    return nxt.pos_ in ("NOUN", "PROPN") and last.pos_ in ("ADJ", "NOUN", "PROPN", "VERB") and (
        last.head.i == nxt.i or last.head.head.i == nxt.i or last.dep_ in ("amod", "compound", "nmod"))


def extract(text: str, nlp=None, resolver=None, scope: str = "speech", evidence: list | None = None
            ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Quotations (columns :data:`COLUMNS`) and scare quotes (:data:`SCARE_COLUMNS`) of ``text``.

    ``nlp`` is the article's :class:`analysis.core.parse.Parse` (or a spaCy
    pipeline, which parses ``text`` here); ``resolver`` maps speaker surfaces
    to registry actors (``prime(surfaces)``, ``actor(surface) -> (actor, actor
    type, speaker type)``; default :class:`NoResolver`). ``attribution`` groups
    rows that share one act of speaking; ``resolved_from`` gives the antecedent
    of a pronoun speaker. ``scope`` (:data:`SCOPES`) says what counts as a report:
    ``"speech"``, what someone said or wrote (the study's measure), or
    ``"attribution"``, PolNeAR's broader notion that takes in beliefs, intentions
    and evaluations ("wants to", "endorsed", "the two discussed …"). ``evidence``, a list,
    receives ``(start, end, features)`` for every direct row: what its ``fragment`` flag was
    decided from (:func:`fragment_features`, for fitting :mod:`fragments`; a block without
    quotation marks is decided by the rule, the feature ``rule``).
    """
    if not text.strip():
        return pd.DataFrame(columns=COLUMNS), pd.DataFrame(columns=SCARE_COLUMNS)
    if scope not in SCOPES:
        raise ValueError(f"unknown quotation scope {scope!r}; one of {sorted(SCOPES)}")
    token = _SCOPE.set(scope)
    try:
        return _extract(text, nlp, resolver, evidence)
    finally:
        _SCOPE.reset(token)


def _extract(text: str, nlp, resolver, evidence=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    parsed = _parse(text, nlp)
    parsed.resolver = resolver or NoResolver()
    parsed.evidence = evidence
    spans = quotation_spans(text)
    scare_rows = []
    direct = []
    for sp in spans:
        if _is_scare(parsed, text, sp.start, sp.end):
            scare_rows.append((sp.start, sp.end, text[sp.start:sp.end], "", sp.paragraph))
        else:
            direct.append(sp)
            for (a, b) in sp.inner:
                if _is_scare(parsed, text, a, b) or len(text[a:b].split()) <= SCARE_MAX_WORDS:
                    scare_rows.append((a, b, text[a:b], "direct", sp.paragraph))

    def in_direct(off: int) -> bool:
        return _in_spans(direct, off)

    parsed.quoted = direct

    records = []
    # a paragraph ending "Reuters reports:" introduces the next paragraph as a quotation —
    # unless that paragraph holds quotation marks of its own (then it reports, it is not quoted)
    marks = [d.open_mark for d in direct]
    for (para, doc), (nxt, _ndoc) in zip(parsed.docs, parsed.docs[1:]):
        first_mark = bisect.bisect_left(marks, nxt.start)
        if (not para.text.endswith(":") or nxt.paragraph == para.paragraph  # a piece of one paragraph
                or typewriter_marks(text[nxt.start:nxt.start + 2]).lstrip()[:1] in OPEN_DOUBLE + '"'
                or in_direct(nxt.start)
                or (first_mark < len(marks) and marks[first_mark] < nxt.end)):
            continue
        last = list(doc.sents)[-1]
        for tok in _cue_verbs(last):
            att = parsed.attribution(tok)
            if att is not None and att.speaker:
                block = _Span(nxt.start, nxt.end, nxt.start, None, nxt.paragraph)
                direct.append(block)
                records.append(("direct", nxt.start, nxt.end, att, nxt.paragraph))
                break
    direct.sort(key=lambda d: d.open_mark)
    # a passage reprinted from a source credited in the paragraph before it, shown by its own
    # evidence; its own quotations stay rows of their own, with the reprinting source as channel
    blocks = reprint_blocks(parsed)
    for b_start, b_end, att, para_no in blocks:
        records.append(("direct", b_start, b_end, att, para_no))
    # direct quotations
    prev_att = None
    prev_para = None
    prev_end = -1
    quoting = set()  # cues that introduce a whole quotation ("“A,” she said"; "She said: “A.”")
    for sp in [d for d in direct if d.close_mark is not None or d.open_mark != d.start]:
        if is_title(text[sp.start:sp.end]) and _is_fragment(parsed, sp.start, None):
            continue  # a quoted name inside a sentence (the podcast “Here’s the Thing”), not a quotation
        att = _attribute(parsed, sp.start, sp.end, in_direct)
        if att is None and prev_att is not None and prev_para is not None and sp.paragraph - prev_para <= 1:
            # "“A,” she said. “B.”" (one act of speaking, split by its attribution), or a quotation
            # following an attributed one with no attribution of its own: it continues that speaker's
            # words, one attribution (as PolNeAR annotates it: one cue, discontinuous content)
            att = prev_att
        if att is None and len(text[sp.start:sp.end].split()) <= SCARE_MAX_WORDS:
            # a short quoted term nobody is reported to have said: a scare quote
            scare_rows.append((sp.start, sp.end, text[sp.start:sp.end], "", sp.paragraph))
            continue
        records.append(("direct", sp.start, sp.end, att, sp.paragraph))
        if att is not None:
            prev_att, prev_para, prev_end = att, sp.paragraph, sp.end
            if not _is_fragment(parsed, sp.start, att):
                quoting.add(id(att))
    # indirect quotations
    for para_no, k, s_start, s_end, sent in parsed.sents:
        found = []
        for tok in _cue_verbs(sent):
            off = _offset(parsed, tok)
            if in_direct(off):
                continue
            att = parsed.attribution(tok)
            if att is None or not att.speaker:
                continue
            whole = _indirect_content(tok, att.speaker)
            content, credit = _writer_tail(whole)
            if content and len(content) < len(whole) and in_direct(_offset(parsed, whole[len(content)])):
                content, credit = whole, None  # inside quotation marks the words are the speaker's own
            if not content or (id(att) in quoting and (_offset(parsed, content[-1]) < off
                                                       or not _is_clause(content))):
                # "Asked about it, she replied, “…”", "“…,” he told the cheering crowd": the cue
                # reports the quotation; what else it governs (whom it tells) is no second report
                continue
            if credit is not None and not att.channel:
                pobj = [c for c in credit.nbor().children if c.dep_ == "pobj"]
                att.channel = _speaker_tokens(pobj[0]) if pobj else []
            c_start, c_end, _ = _tok_span(parsed, content)
            # skip complements that are wholly a direct quotation
            if any(d.open_mark <= c_start and c_end <= (d.close_mark or d.end) + 1 for d in direct):
                continue
            found.append((tok, c_start, c_end, att))
        records.extend(("indirect", c0, c1, att, para_no) for _, c0, c1, att in _channels_folded(found))
    for b_start, b_end, att, _ in blocks:
        for _kind, r_start, _r_end, r_att, _para in records:
            if r_att is not None and r_att is not att and not r_att.channel and b_start <= r_start < b_end:
                r_att.channel = att.speaker
    scare = pd.DataFrame(sorted(scare_rows), columns=SCARE_COLUMNS)
    return _to_table(parsed, records), scare


# --------------------------------------------------------------------------------------
# reprinted passages (block quotations without an introducing colon)
# --------------------------------------------------------------------------------------

#: A credited passage is looked for in at most this many paragraphs after the credit.
REPRINT_MAX_PARAGRAPHS = 4
#: An editorial insertion: a bracketed name or word that the sentence runs on from
#: ("[Putin] and other officials", "[W]e encourage", "[sic]"); not a bracketed credit ("[Reuters.]").
_EDITORIAL_BRACKET = re.compile(r"\[(?:sic|…|\.\.\.|[A-Z][\w’'-]*(?: [\w’'-]+){0,3})\](?= ?[\w“\"‘'])")
_COURTESY = re.compile(r"\b(?:Mr|Mrs|Ms|Dr)\.? ([A-Z][\w’'-]+)")
_MEDIA_TYPES = ("other_media", "state_media")


def _media_credit(parsed: _Parsed, doc):
    """The attribution of a paragraph's last sentence to a news outlet that frames it as the
    outlet's report ("According to The Daily Star, …", "…, the Gazette reports."), else None."""
    sents = list(doc.sents)
    if not sents:
        return None
    sent = sents[-1]
    for tok in _cue_verbs(sent):
        lemma = tok.lemma_.lower()
        initial = tok.i - sent.start <= 1
        final = all(t.is_punct for t in doc[tok.i + 1:sent.end])
        if not ((lemma == "accord" and initial) or (lemma in ("report", "write") and final)):
            continue
        att = parsed.attribution(tok)
        if att is None or not att.speaker or not any(t.pos_ == "PROPN" for t in att.speaker):
            continue
        surface = _tok_span(parsed, att.speaker)[2]
        default = parsed.resolver.actor(surface)[2]
        # an outlet of the registry, or a media name or noun of the speaker-role lexicons
        if default in _MEDIA_TYPES or (roles.best_type(roles.described(surface)) or ("",))[0] in _MEDIA_TYPES \
                or any(t.pos_ == "PROPN" and t.text in masthead_words() for t in att.speaker):
            return att
    return None


_NAME = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr)\.? )?\b[A-Z][\w’'-]+")


@dataclass
class _Style:
    """What :func:`reprint_evidence` compares: curly and straight quotation marks, and how often
    each capitalised word stands bare (without a courtesy title)."""
    curly: int = 0
    straight: int = 0
    bare: collections.Counter = field(default_factory=collections.Counter)

    @classmethod
    def of(cls, text: str) -> "_Style":
        bare = collections.Counter(m.group() for m in _NAME.finditer(text) if " " not in m.group())
        return cls(sum(text.count(c) for c in OPEN_DOUBLE + CLOSE_DOUBLE), text.count('"'), bare)

    def __sub__(self, other: "_Style") -> "_Style":
        return _Style(self.curly - other.curly, self.straight - other.straight, self.bare - other.bare)


def reprint_evidence(paragraph: str, rest: str) -> bool:
    """Whether a paragraph shows, by itself, that it is another source's wording, against the
    rest of its page: an editorial bracket; a courtesy title ("Mr. X") for a name the page gives
    bare elsewhere; straight quotation marks on a page otherwise curly, or the reverse
    (quotation guideline v2 §4, evidence 3 and 4)."""
    return _evidence(paragraph, _Style.of(paragraph), _Style.of(rest))


def _evidence(paragraph: str, own: _Style, rest: _Style) -> bool:
    if _EDITORIAL_BRACKET.search(paragraph):
        return True
    if any(rest.bare[m.group(1)] > 0 for m in _COURTESY.finditer(paragraph)):
        return True
    return bool((own.straight and not own.curly and rest.curly >= 2 and not rest.straight) or
                (own.curly and not own.straight and rest.straight >= 2 and not rest.curly))


def reprint_blocks(parsed: _Parsed) -> list[tuple[int, int, "_Attribution", int]]:
    """``(start, end, attribution, paragraph)`` of each passage reprinted from a news outlet
    credited at the end of the paragraph before it: the paragraphs after the credit, through the
    last one (of at most :data:`REPRINT_MAX_PARAGRAPHS`) that carries :func:`reprint_evidence`;
    the run stops at a paragraph with a credit of its own or an introducing colon. A credit with
    no evidence after it is an ordinary attribution, not a reprint."""
    docs = parsed.docs
    page = _Style.of(parsed.text)
    out = []
    k = 0
    while k < len(docs) - 1:
        para, doc = docs[k]
        att = _media_credit(parsed, doc) if not para.text.endswith(":") else None
        if att is None:
            k += 1
            continue
        run = []
        for j in range(k + 1, min(len(docs), k + 1 + REPRINT_MAX_PARAGRAPHS)):
            row, d = docs[j]
            if row.paragraph == para.paragraph or _media_credit(parsed, d) is not None:
                break
            run.append(row)
            if row.text.endswith(":"):
                break
        if not run:
            k += 1
            continue
        styles = [_Style.of(row.text) for row in run]
        rest = page - functools.reduce(lambda a, b: _Style(a.curly + b.curly, a.straight + b.straight,
                                                            a.bare + b.bare), styles)
        last = max((i for i, (row, st) in enumerate(zip(run, styles)) if _evidence(row.text, st, rest)),
                   default=None)
        if last is None:
            k += 1
            continue
        out.append((run[0].start, run[last].end, att, run[0].paragraph))
        k += last + 2
    return out


def _channels_folded(found: list) -> list:
    """In one sentence, "according to X" inside what Y said marks X as Y's channel: one
    quotation by Y with channel X, not two."""
    accords = [f for f in found if f[0].lemma_.lower() == "accord"]
    others = [f for f in found if f[0].lemma_.lower() != "accord"]
    out = list(others)
    for a in accords:
        host = next((o for o in others if o[1] <= a[1] and a[2] <= o[2] + 1), None)
        if host is None:
            out.append(a)
        elif not host[3].channel:
            host[3].channel = a[3].speaker
    return out


CUE_COMPLEMENTS_FILE = "cue_complements.csv"


@functools.lru_cache(maxsize=1)
def cue_complements() -> dict[str, frozenset]:
    """``data/cue_complements.csv`` as ``role → lemmas``: what a cue's complement is.
    ``infinitive_report``: verbs whose report is an infinitive ("officials claim to have flown …");
    ``stance_noun``: an object naming a stated position ("reiterated its position that …");
    ``object_report``: verbs whose report is their object or its "for" phrase ("praised X",
    "criticized X for Y"); ``addressee_object``: cues whose object is whom the speaker addresses,
    not the report ("told reporters, “…”"); ``speaker_object``: cues whose object is the speaker
    ("quoted X as saying")."""
    with open(paths.package_data(CUE_COMPLEMENTS_FILE), encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    out: dict[str, set] = {}
    for r in rows:
        out.setdefault(r["role"], set()).add(r["lemma"])
    return {k: frozenset(v) for k, v in out.items()}


def _address_lemmas() -> frozenset:
    return cue_complements()["addressee_object"]


def _in_spans(spans: list, off: int) -> bool:
    """Whether ``off`` lies within a quotation (marks included); spans sorted by opening mark."""
    starts = [d.open_mark for d in spans]
    i = bisect.bisect_right(starts, off) - 1
    # spans do not nest, but a block span may be appended late: check the neighbours
    for d in spans[max(0, i - 1):i + 1]:
        if d.open_mark <= off <= (d.close_mark if d.close_mark is not None else d.end):
            return True
    return False


def _inverted_content(tok, speaker: list) -> list | None:
    """"…, the agency reported Wednesday, citing officials.": a cue that closes its sentence,
    its speaker set off by a comma, reports every word of the sentence before the speaker
    (read by position, since the parse often hangs such a cue inside the clause it reports)."""
    if not speaker or speaker[-1].i >= tok.i or not any(
            c.dep_ in ("nsubj", "nsubjpass") and c.i < tok.i for c in tok.children):
        return None
    for c in tok.rights:
        if c.dep_ not in ("punct", "npadvmod", "advmod", "prep", "advcl") or (
                c.dep_ == "advcl" and c.tag_ != "VBG"):
            return None
    first = min(t.i for t in speaker)
    sent = tok.sent
    while first > sent.start and tok.doc[first - 1].is_space:
        first -= 1
    if first <= sent.start or tok.doc[first - 1].text not in (",", "—", "–"):
        return None
    toks = _trim([t for t in sent if t.i < first])
    return toks if len(toks) >= 3 else None


def _is_report(tok) -> bool:
    """A reporting verb with a subject of its own: another speaker's report."""
    return tok.lemma_.lower() in _verb_lemmas() and any(c.dep_ in ("nsubj", "nsubjpass") for c in tok.children)


def _writer_tail(toks: list) -> tuple[list, object]:
    """Content without what the writer hangs on its end: an "according to X" credit (returned,
    as the report's channel), an appositive gloss (", one of the last towns held by rebels"), or a
    participial comment (", strengthening his hand") — quotation guideline v2 §2."""
    credit = None
    for k, t in enumerate(toks):
        if k and toks[k - 1].text == "," and t.lower_ == "according" and t.i + 1 < len(t.doc) \
                and t.nbor().lower_ == "to" and all(u in set(t.subtree) or u.is_punct for u in toks[k:]):
            credit = t
            toks = _trim(toks[:k])
            break
    while len(toks) > 3:
        last, members = toks[-1], set(toks)
        cuts = []
        for t in toks:
            if not ((t.dep_ == "appos" and t.head in members)
                    or (t.dep_ == "advcl" and t.tag_ == "VBG" and not _is_report(t))):
                continue
            sub = sorted(t.subtree, key=lambda u: u.i)
            k = toks.index(sub[0]) if sub[0] in members else -1
            if k > 0 and toks[k - 1].text == "," and sub[-1].i >= last.i:
                cuts.append(k)
        if not cuts:
            break
        toks = _trim(toks[:min(cuts)])
    return toks, credit


def _indirect_content(tok, speaker=None) -> list:
    """The reported part of a reporting verb: its clausal complement; an infinitive for
    claim-type verbs; the object (or its "for" phrase) for evaluative verbs; for
    "according to", the rest of the clause; for a cue that closes its sentence, the words
    before its speaker (:func:`_inverted_content`)."""
    lemma = tok.lemma_.lower()
    if lemma == "accord":
        # the clause "according to X" modifies: its governing verb
        root = tok.head
        while root.pos_ not in ("VERB", "AUX") and root.head.i != root.i:
            root = root.head
        if root.lemma_.lower() in _verb_lemmas() and _subject(root) is not None:
            return []  # "According to X, Y said …": X is Y's channel, reported once with Y
        skip = set(tok.subtree)
        toks = [t for t in root.subtree if t not in skip]
        toks = _trim(toks)
        while toks and toks[0].tag_ in ("WDT", "WP"):  # "which according to X has …"
            toks.pop(0)
        return toks
    inverted = _inverted_content(tok, speaker or []) if lemma not in _EVIDENCE_VERBS else None
    if inverted is not None:
        return inverted
    comps = [c for c in tok.children if c.dep_ == "ccomp"]
    if any(c.i > tok.i for c in comps):
        # what the verb reports follows it: a clause before its subject is the writer's
        # ("The visit comes at a tense time — X has said …"); so is another speaker's report
        subj = [c.i for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")]
        comps = [c for c in comps if not (subj and c.i < min(subj))]
        comps = [c for c in comps if not _is_report(c)] or comps
    if lemma in _EVIDENCE_VERBS:  # "SANA showed a photograph of Putin smiling" reports nothing
        comps = [c for c in comps if c.tag_ not in ("VBG", "VBN") or any(a.dep_ == "aux" for a in c.children)]
    if not comps:  # "reiterated their position that …"
        comps = [g for c in tok.children if c.dep_ == "dobj" and c.lemma_.lower() in cue_complements()["stance_noun"]
                 for g in c.children if g.dep_ in ("acl", "ccomp")
                 and any(m.dep_ == "mark" and m.lower_ == "that" for m in g.children)]
    if not comps and tok.dep_ == "conj" and tok.i >= tok.sent.end - 3 and not any(
            c.dep_ in ("dobj", "xcomp") for c in tok.children):
        # "…, Syrian and Russian media reported Wednesday.": the report is the clause before
        own = set(tok.subtree)
        toks = [t for t in tok.head.subtree if t not in own and t.i < tok.i]
        toks = _trim(toks)
        return toks if len(toks) >= 3 else []
    if not comps and lemma in cue_complements()["infinitive_report"]:
        comps = [c for c in tok.children if c.dep_ == "xcomp"]
    if not comps and lemma in _object_lemmas():
        fors = [g for c in tok.children if c.dep_ == "prep" and c.lower_ == "for"
                for g in c.children if g.dep_ in ("pcomp", "pobj")]
        objs = [c for c in tok.children if c.dep_ in ("dobj", "oprd", "xcomp")]
        if fors:  # "criticized X for failing …, and instead striking …"
            fors += [c for c in tok.rights if c.dep_ == "conj" and c.tag_ == "VBG" and c.i > fors[0].i
                     and not any(g.dep_ in ("nsubj", "nsubjpass") for g in c.children)]
        if objs and not fors:  # "praised X since …": the object with its trailing phrases
            objs += [c for c in tok.rights if c.dep_ == "prep" and c.i > objs[0].i]
        comps = fors or objs
        if lemma == "call":
            comps = [c for c in tok.children if c.dep_ in ("oprd", "xcomp", "ccomp")]
    if not comps:
        return []
    toks = sorted({t for c in comps for t in c.subtree}, key=lambda t: t.i)
    toks = _trim(toks)
    return toks if len(toks) >= 3 else []


def _is_clause(toks: list) -> bool:
    """Whether the words are a clause: one of their heads (a word whose head lies outside them)
    is a verb with a subject of its own."""
    members = {t.i for t in toks}
    return any(t.head.i not in members and t.pos_ in ("VERB", "AUX")
               and any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in t.children) for t in toks)


def _trim(toks: list) -> list:
    while toks and (toks[0].dep_ in ("mark", "cc") or toks[0].is_punct or
                    (toks[0].lower_ == "to" and toks[0].dep_ == "aux")):
        toks.pop(0)
    while toks and toks[-1].is_punct:
        toks.pop()
    return toks


def _to_table(parsed: _Parsed, records) -> pd.DataFrame:
    text = parsed.text
    rows = []
    att_ids: dict[int, int] = {}
    records = sorted(records, key=lambda r: (r[1], r[0]))
    # speakers looked up in one batch (same answers as one by one, parsed faster); who a speaker is and
    # its type are set by analysis.measures.actors.speakers.assign
    parsed.resolver.prime(_tok_span(parsed, r[3].speaker)[2] for r in records if r[3] is not None)
    # each direct row's rule verdict, and the rows of each attribution as (kind, start, verdict)
    rules = [kind == "direct" and _is_fragment(parsed, start, att) for kind, start, _e, att, _p in records]
    groups: dict[int, list] = {}
    for (kind, start, _end, att, _para), rule in zip(records, rules):
        if att is not None:
            groups.setdefault(id(att), []).append((kind, start, rule))
    for i, ((kind, start, end, att, para), rule) in enumerate(zip(records, rules)):
        group = tuple(groups[id(att)]) if att is not None else ((kind, start, rule),)
        prev = records[i - 1] if i and para - records[i - 1][4] <= 1 else None
        fragment = kind == "direct" and _fragment(parsed, start, end, att, group, rule, prev)
        cue = speaker = channel = (-1, -1, "")
        if att is not None:
            cue = _tok_span(parsed, att.cue)
            speaker = _tok_span(parsed, att.speaker)
            channel = _tok_span(parsed, att.channel) if att.channel else (-1, -1, "")
            key = id(att)
            att_ids.setdefault(key, len(att_ids) + 1)
        sent = _sentence_of(parsed, start)
        rows.append({
            "kind": kind, "fragment": fragment,
            "start": start, "end": end, "text": text[start:end],
            "cue": cue[2], "cue_start": cue[0], "cue_end": cue[1],
            "cue_lemma": _cue_lemma(att),
            "speaker": speaker[2], "speaker_start": speaker[0], "speaker_end": speaker[1],
            "actor": "", "speaker_type": "other" if att is not None else "",
            "channel": channel[2], "channel_start": channel[0], "channel_end": channel[1],
            "resolved_from": "",
            "attribution": att_ids.get(id(att), 0) if att is not None else 0,
            "paragraph": para, "sentence": sent[1] if sent else 0,
        })
    if not rows:
        out = pd.DataFrame(rows, columns=[c for c in COLUMNS if c != "quote_id"])
        out.insert(0, "quote_id", [])
        return out
    return frames.from_columns({"quote_id": [f"q{i + 1:03d}" for i in range(len(rows))],
                                **{c: [r[c] for r in rows] for c in COLUMNS[1:]}}, COLUMNS)


def _fragment(parsed: _Parsed, start: int, end: int, att, group: tuple, rule: bool, prev) -> bool:
    """Whether a direct row is a fragment: for a quotation in quotation marks, the fitted decision
    (:mod:`fragments`) over its evidence; for a block without marks (a paragraph introduced by
    "Reuters reports:", a passage reprinted from a credited source), the rule's verdict — the model
    was fitted to read what surrounds quotation marks, and such a block is whole by construction."""
    features = fragment_features(parsed, start, end, att, group, rule, prev)
    if parsed.evidence is not None:
        parsed.evidence.append((start, end, features))
    marked = any(d.start == start and d.open_mark < d.start for d in parsed.quoted)
    return not fragments.is_whole(features) if marked else rule


def _cue_lemma(att) -> str:
    """The reporting verb's lemma ("say", "claim", "according to"), for counting verbs."""
    if att is None or not att.cue:
        return ""
    for t in att.cue:
        lemma = t.lemma_.lower()
        if lemma == "accord":
            return "according to"
        if lemma in _verb_lemmas():
            return lemma
    return att.cue[0].lemma_.lower()


def _is_fragment(parsed: _Parsed, start: int, att) -> bool:
    """A direct quotation is a fragment when words other than its attribution precede it
    in its sentence ("called the plan a “disaster”", "The deal “looks out for …,” X wrote"),
    as opposed to a quotation that stands as a sentence or follows its cue ("X said:",
    "X said,", "X said", "chanting “…”", "told reporters “…”"). It is a fragment too when the
    writer's sentence runs on from it after the closing mark (:func:`_runs_on`) or the writer's
    complementizer introduces it ("said that “…”"): PolNeAR counts both as mixed reports."""
    sent = _sentence_of(parsed, start)
    if sent is None:
        return False
    before = [t for t in sent[4] if _offset(parsed, t) < start - 1]
    # words inside an earlier quotation of the sentence are no words of the writer's
    # ("“A,” he said of them, “because B.”": B continues A, it is no fragment)
    before = [t for t in before if not t.is_punct and not t.is_space
              and not _in_spans(parsed.quoted, _offset(parsed, t))]
    own = _own_tokens(att, sent[4].doc) if att is not None else set()
    if att is not None and _runs_on(parsed, start, own):
        return True
    if not before:
        return False
    prefix = typewriter_marks(parsed.text[sent[2]:start]).rstrip().rstrip(OPEN_DOUBLE + '"').rstrip()
    if att is None:
        return True
    if before[-1].lower_ == "that" and before[-1].dep_ == "mark":
        return True  # "He said that “…”": the writer's complementizer makes the report a mixed one
    cue_at = _offset(parsed, att.cue[0])
    rest = [t for t in before if t.i not in own and t.lower_ not in _LINKING_WORDS]
    adverbial = ("advmod", "npadvmod", "prep", "pobj", "det", "amod", "compound")
    # "X said: “…”", "X said on Monday, “…”": the quotation follows its attribution; but in
    # "X said that whatever happens, “…”" the report began before the marks
    reported_before = [t for t in rest if _offset(parsed, t) > cue_at and t.dep_ not in adverbial]
    if _follows_cue(before[-1], att):
        return False  # "chanting “Dump Trump”", "told reporters “…”": the marks frame the whole report
    # "“…,” she said" after words of the sentence's own ("Teachers are “looking …,” said X"): the
    # quotation completes a clause begun before its marks, so it is a fragment of a mixed report
    leads_in = cue_at > start and any(t.dep_ not in adverbial for t in rest)
    if prefix.endswith(":") or (prefix.endswith(",") and not reported_before and not leads_in):
        return False
    return not (not rest or all(t.dep_ in adverbial and _offset(parsed, t) < cue_at for t in rest))


#: Words that join a quotation to the sentence without making it the writer's ("and “…”").
_LINKING_WORDS = ("that", "and", "but", "as")


def _own_tokens(att, doc) -> set:
    """Token indices of the attribution with everything the writer says of the speaker ("X, who
    grew up here, said") and whom the cue tells ("told her supporters, “…”"), in ``doc``."""
    return {t.i for t in att.cue} | {t.i for t in att.speaker} | \
        ({t.i for t in att.head.subtree} if att.head is not None and att.head.doc is doc else set()) | \
        {t.i for c in att.cue if c.lemma_.lower() in _address_lemmas() for o in c.children
         if o.dep_ in ("dobj", "dative") for t in o.subtree}


def _runs_on(parsed: _Parsed, start: int, own: set) -> bool:
    """Whether the writer's sentence runs on into the quotation starting at ``start`` after its
    closing mark: the quotation ends without punctuation of its own, and a word after the mark
    (not the attribution's, not in another quotation) is joined to a word inside the marks by a
    dependency arc — "“This is a test” for the mayor, said X", "“I am tired of …” about
    the budget". The marks then frame part of the writer's clause, a fragment of a mixed
    report. A quotation closed by its own punctuation ("“…,” who then …") has ended its clause."""
    span = next((d for d in parsed.quoted if d.start == start), None)
    if span is None or parsed.text[start:span.end].rstrip()[-1:] in ".,;:!?…":
        return False
    end = span.end
    last = _sentence_of(parsed, max(start, end - 1))
    if last is None:
        return False

    def inside(t) -> bool:
        return t.doc is last[4].doc and start <= _offset(parsed, t) < end

    for t in last[4]:
        at = _offset(parsed, t)
        if at < end or t.is_punct or t.is_space or t.i in own or _in_spans(parsed.quoted, at):
            continue
        if inside(t.head) or any(inside(c) and not c.is_punct for c in t.children):
            return True
    return False


def _follows_cue(tok, att) -> bool:
    """Whether ``tok`` (the last word before an opening mark) is the attribution's cue, a speech
    verb of :data:`REPORTING_VERBS_FILE` whose object is not its report, or whom it tells ("told
    reporters"), so that the quotation is what the cue reports."""
    cue = {t.i for t in att.cue if t.doc is tok.doc and t.lemma_.lower() in _verb_lemmas()
           and (t.lemma_.lower() not in _object_lemmas() or t.lemma_.lower() in _address_lemmas())}
    # ("called him “…”" names, it does not quote)
    return tok.i in cue or (tok.head.i in cue and tok.dep_ in ("dative", "dobj") and tok.pos_ != "PRON")


# --------------------------------------------------------------------------------------
# whole quotation or fragment: the evidence a learned decision weighs
# --------------------------------------------------------------------------------------

#: Dependency labels of a quotation's outward arcs counted as features (any other is "other").
_OUT_ARCS = ("ccomp", "dobj", "pobj", "attr", "conj", "ROOT", "advcl", "xcomp", "nsubj", "appos", "npadvmod",
             "parataxis", "acomp", "oprd")
#: Coarse tags of the writer's last word before the opening mark counted as features.
_LAST_POS = ("VERB", "AUX", "NOUN", "PROPN", "PRON", "ADP", "DET", "ADJ", "ADV", "SCONJ", "CCONJ", "PART")


def fragment_features(parsed: _Parsed, start: int, end: int, att, group: tuple, rule: bool, prev) -> dict:
    """What decides whether the direct quotation ``[start, end)`` frames a whole report or is a
    fragment of the writer's sentence, as numbers (names stable: the fitted weights of
    :mod:`analysis.measures.quotes.fragments` are keyed by them; an absent feature is 0).
    ``att`` is its attribution (or None), ``group`` the ``(kind, start, rule verdict)`` of every
    row sharing that attribution, ``rule`` this row's verdict by :func:`_is_fragment`, ``prev``
    the record before it when it lies in the same or the previous paragraph.

    The hand-written rule (:func:`_is_fragment`) is one of them; the rest describe the writer's
    words around the marks (how many before and after, the punctuation that introduces and
    closes the quotation, the last word's part of speech, the complementizer "that", whether
    the cue introduces it), the quotation itself (length, a capital first word, sentences, a
    clause of its own, how it hangs on the sentence outside it) and its attribution (none, cue
    before or after, a continuation of an earlier quotation, an indirect report in the same
    attribution, and the rule's verdicts on its other rows)."""
    text = parsed.text
    others = [(k, r) for k, s, r in group if s != start]
    f = {"rule": float(rule), "no_attribution": float(att is None),
         "continuation": float(any(s < start for _k, s, _r in group)),
         "group_indirect": float(any(k == "indirect" for k, _r in others)),
         "group_fragment": float(any(k == "direct" and r for k, r in others)),
         "group_whole": float(any(k == "direct" and not r for k, r in others)),
         "group_rows": float(min(len(group), 4))}
    sent = _sentence_of(parsed, start)
    inner = text[start:end]
    words = inner.split()
    f["log_words"] = math.log1p(len(words))
    f["short"] = float(len(words) <= 4)
    first_word = inner.lstrip(" '\"‘“")[:1]
    f["capital"] = float(first_word.isupper())
    f["ends_punct"] = float(inner.rstrip()[-1:] in ".,;:!?…")
    f["ends_comma"] = float(inner.rstrip()[-1:] == ",")
    f["ends_final"] = float(inner.rstrip()[-1:] in ".!?…")
    f["typewriter"] = float("''" in text[max(0, start - 3):start])
    span = next((d for d in parsed.quoted if d.start == start), None)
    f["unclosed"] = float(span is not None and span.close_mark is None)
    if prev is not None:
        p_kind, p_att = prev[0], prev[3]
        same = p_att is att or (p_att is not None and att is not None and [t.lower_ for t in p_att.speaker]
                                == [t.lower_ for t in att.speaker])
        f[f"prev_{p_kind}"] = 1.0
        f[f"prev_{p_kind}_same_speaker"] = float(same and att is not None)
    if sent is None:
        return f
    toks = list(sent[4])
    doc = sent[4].doc
    own = _own_tokens(att, doc) if att is not None else set()
    writer = [t for t in toks if not t.is_punct and not t.is_space and not _in_spans(parsed.quoted, _offset(parsed, t))]
    before = [t for t in writer if _offset(parsed, t) < start - 1]
    after = [t for t in writer if _offset(parsed, t) >= end]
    f["log_before"] = math.log1p(len(before))
    f["log_before_rest"] = math.log1p(len([t for t in before if t.i not in own]))
    f["log_after_rest"] = math.log1p(len([t for t in after if t.i not in own]))
    f["sentence_start"] = float(not before)
    prefix = typewriter_marks(text[sent[2]:start]).rstrip().rstrip(OPEN_DOUBLE + '"').rstrip()
    f["prefix_colon"] = float(prefix.endswith(":"))
    f["prefix_comma"] = float(prefix.endswith(","))
    f["prefix_dash"] = float(prefix.endswith(("—", "–", "-")))
    if before:
        last = before[-1]
        f["that_before"] = float(last.lower_ == "that" and last.dep_ == "mark")
        f["follows_cue"] = float(att is not None and _follows_cue(last, att))
        f["last_own"] = float(last.i in own)
        pos = last.pos_ if last.pos_ in _LAST_POS else "X"
        f[f"last_pos_{pos}"] = 1.0
    if att is not None:
        f["runs_on"] = float(_runs_on(parsed, start, own))
        cue_at = _offset(parsed, att.cue[0])
        f["cue_after"] = float(cue_at > start)
        f["cue_same_sentence"] = float(sent[2] <= cue_at < sent[3])
        lemma = att.cue[0].lemma_.lower()
        f["cue_say"] = float(lemma == "say")
        f["cue_according"] = float(lemma == "accord")
        verbs = _verb_lemmas()
        cue0 = att.cue[0]
        f["nested_cue"] = float(any(a.lemma_.lower() in verbs and a.pos_ in ("VERB", "AUX")
                                    for a in cue0.ancestors))
        f["cue_relcl"] = float(cue0.dep_ in ("relcl", "acl", "advcl", "pcomp"))
        f["other_cues"] = float(sum(1 for t in toks if t.pos_ in ("VERB", "AUX") and t.lemma_.lower() in verbs
                                    and t not in att.cue) > 0)
    inside = [t for t in toks if start <= _offset(parsed, t) < end]
    if not inside:  # a quotation over several sentences: its first sentence's words
        inside = [t for t in toks if _offset(parsed, t) >= start]
    members = {t.i for t in inside}
    f["clause"] = float(_is_clause(inside)) if inside else 0.0
    f["sentences"] = float(min(sum(1 for s in parsed.sents if start <= s[2] < end) + 1, 3))
    for t in inside:
        if t.is_punct or t.head.i in members:
            continue
        dep = t.dep_ if t.dep_ in _OUT_ARCS else "other"
        f[f"out_{dep}"] = 1.0
        if t.head.i != t.i and att is not None and t.head in att.cue:
            f["out_to_cue"] = 1.0
    return f


# --------------------------------------------------------------------------------------
# per corpus: quotations of every article, and the speaker ledger
# --------------------------------------------------------------------------------------

def speaker_ledger(quotes: pd.DataFrame, bodies: dict[str, str]) -> pd.DataFrame:
    """Per outlet and speaker (canonical actor): how much space each source gets.

    Columns: ``outlet``, ``article_id``, ``actor``, ``speaker_type``, ``quotes``
    (rows), ``direct``, ``indirect``, ``words_quoted`` (words inside the speaker's
    quotations, nested fragments counted once), ``body_words`` (of the article),
    ``share_of_body`` (= words_quoted / body_words), ``first_position`` (where the
    speaker is first quoted, as a share of the article: 0 = top, 1 = end), and
    ``cues`` (reporting verbs with counts, most frequent first, e.g. "said×3; argue×1").
    ``bodies`` maps article_id to the body text the quotations were found in
    (:func:`analysis.boilerplate.body_text`). Unattributed quotations appear under
    actor ``(unattributed)``.
    """
    rows = []
    q = quotes.assign(actor=quotes["actor"].replace("", "(unattributed)"))
    for (aid, outlet, actor), g in q.groupby(["article_id", "outlet", "actor"], sort=True):
        text = bodies[aid]
        bw = core_words.count_words(text)
        words = core_words.covered_words(text, zip(g["start"], g["end"]))
        first = int(g["start"].min())
        body_start, body_end = _body_extent(text)
        pos = (first - body_start) / max(1, body_end - body_start)
        cues = g.loc[g["cue_lemma"] != "", "cue_lemma"].value_counts()
        rows.append({
            "outlet": outlet, "article_id": aid, "actor": actor,
            "speaker_type": g["speaker_type"].mode().iat[0] if (g["speaker_type"] != "").any() else "",
            "quotes": len(g), "direct": int((g["kind"] == "direct").sum()),
            "indirect": int((g["kind"] == "indirect").sum()), "words_quoted": words,
            "body_words": bw, "share_of_body": round(words / bw, 4) if bw else 0.0,
            "first_position": round(min(max(pos, 0.0), 1.0), 3),
            "cues": "; ".join(f"{c}×{n}" for c, n in cues.items()),
        })
    return pd.DataFrame(rows)


def _body_extent(text: str) -> tuple[int, int]:
    stripped = text.strip()
    if not stripped:
        return 0, 0
    start = len(text) - len(text.lstrip())
    return start, start + len(stripped)
