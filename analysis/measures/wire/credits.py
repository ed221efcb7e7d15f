"""Credit lines of news agencies: where a page says its words (or pictures) come from a wire service.

The agencies and their aliases are ``data/news_agencies.csv`` (one row per
alias, with the agency's country and the source of the entry: the agency's own
site and Wikipedia's *List of news agencies*). An alias matches as written
(``AP``, ``SANA`` and ``dpa`` only in that case), not inside a longer word or
after a hyphen (``ITAR-TASS`` is one alias).

Kinds of credit (:data:`KINDS`, tried in this order; a later kind never
overlaps an earlier one):

``byline``
    a line that is only the agency's name, or ``By <name>, <agency>``.
``dateline``
    ``(AP) —``, ``MOSCOW (Reuters) -``: the wire's dateline credit.
``signoff``
    a line ``— AFP``, a closing ``… - Reuters``, ``Associated Press writer X
    contributed``, ``© 2015 The Associated Press``.
``photo``
    a picture credit: ``Credit: AP``, ``(Photo: AP)``, ``AP Photo/…``,
    ``Name/RIA-Novosti/Pool/AP``, ``… Zuma / TASS`` closing a caption.
``attribution``
    the agency cited as a source: ``SANA reported``, ``according to Reuters``,
    ``told Reuters``, ``state news agency SANA``.

How to read them: ``byline``, ``dateline`` and ``signoff`` say the text is the
agency's copy (:data:`COPY_KINDS`); ``photo`` says only the picture is;
``attribution`` says the outlet reports what the agency said (the words
inside that quotation are the agency's, not the whole page).
"""

from __future__ import annotations

import csv
import functools
import re

import pandas as pd

from analysis import paths

AGENCIES_FILE = "news_agencies.csv"
KINDS = ("byline", "dateline", "signoff", "photo", "attribution")
#: Kinds that credit the text itself to the agency.
COPY_KINDS = ("byline", "dateline", "signoff")
COLUMNS = ["agency", "alias", "kind", "start", "end", "text"]


@functools.lru_cache(maxsize=1)
def agencies() -> pd.DataFrame:
    """The lexicon: ``agency`` (id), ``name``, ``alias``, ``country``, ``source``."""
    path = paths.package_data(AGENCIES_FILE)
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    bad = [r for r in rows if not (r.get("agency") and r.get("alias") and r.get("source"))]
    if bad:
        raise ValueError(f"{path}: rows without agency, alias or source: {bad[:3]}")
    return pd.DataFrame(rows)


@functools.lru_cache(maxsize=1)
def _patterns() -> list[tuple[str, re.Pattern]]:
    """``(kind, pattern)`` in the order they are tried (several patterns a kind; lines are ``^…$``)."""
    A = _alias_re().pattern
    dash = "[—–-]{1,2}"
    pats = {
        "byline": rf"^[ \t]*(?:By[ \t]+[^\n]{{1,60}}?[ \t]*(?:,|\||/|{dash})[ \t]*)?(?:The[ \t]+)?{A}"
                  rf"(?:[ \t]+(?:staff|wire|reporters?))?[ \t]*$",
        "dateline": rf"\(\s*{A}\s*\)[ \t]*{dash}",
        "signoff": ((
            rf"^[ \t]*{dash}[ \t]*{A}[ \t.]*$",
            rf"(?<=\S)[ \t]+{dash}[ \t]*{A}[ \t.]*$",
            rf"(?:The\s+)?{A}(?:[ \t]+[\w.'’-]+){{0,6}}?[ \t]+contributed\b",
            rf"(?:©|\(c\)|Copyright)\s*(?:\d{{4}}\s*)?(?:The\s+)?{A}",
        )),
        "photo": ((
            rf"(?:Credits?|Photos?|Photograph|Image|Picture)[ \t]*:[ \t]*(?:[^\n:]{{0,60}}?[/,|][ \t]*)?{A}",
            rf"{A}[ \t]+Photos?\b",
            rf"(?<=/)[ \t]*{A}(?=[ \t]*(?:/|$))",
            rf"(?<=\S)[ \t]*/[ \t]*{A}[ \t]*$",
        )),
        "attribution": ((
            rf"{A}(?:['’]s)?(?:\s+news\s+(?:agency|channel|service))?\s+(?:reported|reports|said|says|quoted|cited"
            rf"|wrote|writes|added|quoting|citing)\b",
            rf"according\s+to\s+(?:the\s+)?(?:[\w-]+\s+){{0,3}}?{A}",
            rf"(?:told|to)\s+(?:[Tt]he\s+)?{A}",
            rf"news\s+agency\s+{A}",
            rf"{A}\s+news\s+agency",
        )),
    }
    return [(kind, re.compile(p, re.M)) for kind in KINDS
            for p in ((pats[kind],) if isinstance(pats[kind], str) else pats[kind])]


def find_credits(text: str) -> pd.DataFrame:
    """Every agency credit in ``text``: ``agency``, ``alias``, ``kind``, ``start``, ``end``, ``text``.

    ``text[start:end]`` is the credit phrase (``(AP) —``, ``Credit: AP``,
    ``SANA reported``); rows in text order.
    """
    if _alias_re().search(text) is None:   # every pattern holds an alias: none, no credit (most texts)
        return _no_credits().copy()
    by_alias = _by_alias()
    taken: list[tuple[int, int]] = []
    rows = []
    for kind, pat in _patterns():
        for m in pat.finditer(text):
            s, e = m.start(), m.end()
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if any(s < te and e > ts for ts, te in taken):
                continue
            alias = " ".join(m.group("alias").split())
            taken.append((s, e))
            rows.append({"agency": by_alias[alias], "alias": alias, "kind": kind, "start": s, "end": e,
                         "text": text[s:e]})
    out = pd.DataFrame(rows, columns=COLUMNS)
    if len(out):
        out = out.sort_values(["start", "end"], kind="stable").reset_index(drop=True)
    return out.astype({"start": "int64", "end": "int64"})


@functools.lru_cache(maxsize=1)
def _no_credits() -> pd.DataFrame:
    """:func:`find_credits`' table without rows (made once; callers get a copy)."""
    return pd.DataFrame([], columns=COLUMNS).astype({"start": "int64", "end": "int64"})


@functools.lru_cache(maxsize=4096)
def agency_named(surface: str) -> str:
    """The agency id an alias in ``surface`` names (a quotation's speaker or channel), or ``""``."""
    m = _alias_re().search(str(surface))
    if m is None:
        return ""
    return _by_alias()[" ".join(m.group("alias").split())]


@functools.lru_cache(maxsize=1)
def _alias_re() -> re.Pattern:
    aliases = sorted(agencies()["alias"], key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?P<alias>" + "|".join(re.escape(x).replace(r"\ ", r"\s+") for x in aliases)
                      + r")(?![\w])")


@functools.lru_cache(maxsize=1)
def _by_alias() -> dict[str, str]:
    return {" ".join(alias.split()): agency for agency, alias in zip(agencies()["agency"], agencies()["alias"])}
