"""The words a speaker is typed by, and the names a person is keyed by.

``data/speaker_roles.csv`` lists office and title words, agencies, police and
military, courts, party and campaign roles, occupational nouns, groups and
media nouns, each with a ``speaker_type``, a ``role`` (the roles of
``data/annotations/speakers_guideline.md``) and its source;
``data/media_outlets.csv`` lists news organisations with state-controlled media
apart. :func:`described` finds the current roles a description names (a term
after ``former``/``ex-``/``retired``/``then-`` in the same phrase does not count);
:func:`best_type` picks the winning one (strong terms before the weak
:data:`WEAK_TERMS`, then :data:`PRIORITY`). :func:`person_key` is the key of a
person's name in an article and across a corpus. Used by
:mod:`analysis.measures.actors.speakers`.
"""

from __future__ import annotations

import csv
import functools
import re

from analysis import paths

ROLES_FILE = "speaker_roles.csv"
MEDIA_FILE = "media_outlets.csv"

#: Order in which a described entity's types win (guideline rule 2: office > party > campaign).
PRIORITY = (("official", "office"), ("official", "police_military"), ("official", "court"),
            ("official", "agency"), ("official", "party"), ("official", "campaign"),
            ("state_media", "state_media"), ("other_media", "media"), ("expert", "academic"),
            ("expert", "think_tank"), ("expert", "analyst"), ("other", "lawyer"), ("other", "ngo"),
            ("other", "business"), ("other", "celebrity"), ("other", "citizen"),
            ("anonymous", "anonymous"), ("collective", "group"))
#: Terms that name a position inside some body: they give way to the body named beside them.
WEAK_TERMS = frozenset("spokesman spokeswoman spokesperson aide aides adviser advisers advisor official "
                       "officials president chairman chairwoman chair team executive chief executive ceo "
                       "founder press secretary chief of staff director leader member".split()) | {
    "press secretary", "chief of staff", "chief executive"}
#: Words that make the description after them a past one.
PAST_WORDS = frozenset(("former", "ex", "ex-", "retired", "then", "then-", "onetime", "one-time", "late"))
#: Honorifics (dropped from names; their gender helps resolve pronouns).
HONORIFIC_GENDER = {"mr.": "m", "mr": "m", "mrs.": "f", "mrs": "f", "ms.": "f", "ms": "f", "miss": "f"}
HONORIFICS = frozenset(HONORIFIC_GENDER) | {"dr.", "dr", "sir", "dame"}
#: Name particles (part of a surname: ``bin Laden``) and name suffixes (dropped from keys).
NAME_PARTICLES = frozenset("de del della di da van von der al al- el bin ibn la le st. st".split())
SUFFIXES = frozenset("jr jr. sr sr. ii iii iv".split())


@functools.lru_cache(maxsize=1)
def role_terms() -> dict[str, tuple[str, str]]:
    """``data/speaker_roles.csv`` as ``term → (speaker_type, role)`` (terms lower-case)."""
    with open(paths.package_data(ROLES_FILE), encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    _check_rows(rows, ROLES_FILE, ("term", "speaker_type", "role", "source"))
    return {r["term"].lower(): (r["speaker_type"], r["role"]) for r in rows}


@functools.lru_cache(maxsize=1)
def media_names() -> dict[str, str]:
    """``data/media_outlets.csv`` as ``name → speaker_type`` (other_media / state_media)."""
    with open(paths.package_data(MEDIA_FILE), encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    _check_rows(rows, MEDIA_FILE, ("name", "speaker_type", "source"))
    return {r["name"]: r["speaker_type"] for r in rows}


@functools.lru_cache(maxsize=1)
def media_patterns() -> list[tuple[re.Pattern, str, str]]:
    """A name matches as written (capitals matter: *the independent* is no outlet); ``The`` in any case."""
    out = []
    for name, stype in media_names().items():
        body = re.escape(name)
        if name.startswith("The "):
            body = "[Tt]he " + re.escape(name[4:])
        out.append((re.compile(r"(?<![\w.])" + body + r"(?![\w])"), stype, name.lower()))
    return out


@functools.lru_cache(maxsize=1)
def media_literals() -> tuple[str, ...]:
    """For each of :func:`media_patterns`, a string its every match contains (the name, or the name
    after ``The ``): a text without it has no match of that pattern, so it is not searched."""
    return tuple(name[4:] if name.startswith("The ") else name for name in media_names())


@functools.lru_cache(maxsize=65536)
def is_media_name(text: str) -> bool:
    """Whether ``text`` as a whole is a media outlet's name (a :func:`media_patterns` full match)."""
    return any(rx.fullmatch(text) for (rx, _, _), lit in zip(media_patterns(), media_literals()) if lit in text)


def _check_rows(rows: list[dict], name: str, columns: tuple[str, ...]) -> None:
    from analysis.core.speakers import SPEAKER_TYPES

    for i, r in enumerate(rows, 2):
        missing = [c for c in columns if not (r.get(c) or "").strip()]
        if missing:
            raise ValueError(f"{name} line {i}: empty {', '.join(missing)}")
        if r["speaker_type"] not in SPEAKER_TYPES:
            raise ValueError(f"{name} line {i}: unknown speaker_type {r['speaker_type']!r}")


@functools.lru_cache(maxsize=1)
def _term_lengths() -> tuple[int, ...]:
    return tuple(sorted({len(t.split()) for t in role_terms()}, reverse=True))



def _words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z][A-Za-z.\-’']*[A-Za-z.]|[A-Za-z]", text)


def described(text: str, media: bool = True) -> list[tuple[str, str, str]]:
    """Every current ``(speaker_type, role, term)`` a description names, in text order.

    ``"Trump campaign spokesman"`` → campaign and office (weak); terms after a
    past word (``former``) in the same phrase are left out; a media outlet's
    name counts as ``other_media``/``state_media`` when ``media``.
    """
    terms, out = role_terms(), []
    low = text.lower()
    if media:
        for (rx, stype, name), lit in zip(media_patterns(), media_literals()):
            if lit not in text:
                continue
            for m in rx.finditer(text):
                out.append((m.start(), stype, "state_media" if stype == "state_media" else "media", name))
    for clause in re.split(r"[,;()]|\bwho\b|\bwhich\b|\bthat\b", low):
        words = [w.strip("’'").rstrip("’'s") if w.endswith(("’s", "'s")) else w.strip("’'")
                 for w in _words(clause)]
        past, i = False, 0
        base = low.find(clause)
        while i < len(words):
            w = words[i]
            if w in PAST_WORDS or w.startswith(("then-", "ex-")):
                past = True
                if w.startswith(("then-", "ex-")):
                    words[i] = w.split("-", 1)[1]
                    continue
                i += 1
                continue
            for n in _term_lengths():
                cand = " ".join(words[i:i + n])
                if len(words[i:i + n]) == n and cand in terms:
                    if not past:
                        out.append((base + i, *terms[cand], cand))
                    i += n
                    break
            else:
                i += 1
    out.sort(key=lambda t: t[0])
    return [(t[1], t[2], t[3]) for t in out]


def best_type(found: list[tuple[str, str, str]]) -> tuple[str, str] | None:
    """The winning ``(speaker_type, role)`` of :func:`described` output (strong terms first, :data:`PRIORITY`)."""
    if not found:
        return None
    strong = [f for f in found if f[2] not in WEAK_TERMS]
    pool = strong or found
    rank = {p: k for k, p in enumerate(PRIORITY)}
    return min(((t, r) for t, r, _ in pool), key=lambda p: rank.get(p, len(rank)))


# --------------------------------------------------------------------------- names

def name_parts(name: str) -> list[str]:
    """A person's name as lower-case parts, honorifics, titles, middle initials and possessive dropped."""
    terms = role_terms()
    words = [w for w in re.split(r"\s+", name.strip()) if w]
    words = [re.sub(r"['’]s?$", "", w) for w in words]
    while words and (words[0].lower() in HONORIFICS or words[0].lower() in terms or words[0].lower() == "the"):
        words = words[1:]
    parts = [w.lower().strip(".,") for w in words
             if w and not re.fullmatch(r"[A-Z]\.?", w) and not w.startswith(('"', "“", "("))]
    return [p for p in parts if p and p not in SUFFIXES or p in ("jr", "jr.")]


def person_key(name: str) -> str:
    """``"Sen. Jim W. DeMint"`` → ``jim_demint``: the key of a person, in the article and across a corpus.

    First name and surname (with its particles: ``osama_bin_laden``); middle names and initials,
    titles, honorifics and suffixes dropped, so ``Hillary Rodham Clinton`` and ``Hillary Clinton``
    are one key in every article.
    """
    parts = [p for p in name_parts(name) if p not in SUFFIXES]
    if len(parts) >= 3:
        k = len(parts) - 1
        while k > 1 and parts[k - 1] in NAME_PARTICLES:
            k -= 1
        parts = [parts[0]] + parts[k:]
    return re.sub(r"[^0-9a-z]+", "_", " ".join(parts)).strip("_") or "unknown"


def slug(text: str) -> str:
    words = [w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in ("the", "a", "an", "s")]
    return "_".join(words[:6]) or "unknown"


def acronym(name: str) -> str:
    caps = [w[0] for w in re.findall(r"[A-Za-z][\w\-’']*", name) if w[0].isupper() and w.lower() != "the"]
    return "".join(caps).upper()
