"""An actor registry proposed from any corpus, and one canonical actor per person across it.

:func:`propose_registry` reads every article with
:class:`analysis.measures.actors.speakers.ArticleSpeakers` (spaCy's named
entities, linked within the article: ``Sen. Jim DeMint``, ``DeMint`` and
``Mr. DeMint`` are one person) and clusters the names across articles
(:func:`canonical_names`): a person is ``first_last`` with titles, honorifics,
middle names and initials dropped (``Hillary Rodham Clinton`` and ``Hillary
Clinton`` are one actor), and a surname-only name joins the one full name of
the corpus with that surname (none when two people share it). Each surface form
is an alias row; its ``label`` is the title or honorific the outlet used with
the name (``sen.``, ``mr.``), else the actor id — the word choice, as in
``data/actors.csv``; a role noun the article used for the actor as a subject
(``the GOP chairman``) is a ``descriptor`` row labelled by its head noun (review
these: a descriptor matches any text that uses it); ``source`` says how often and in which outlets it was seen;
``speaker_type`` is the type most often read from the articles.

The output has the columns of ``data/actors.csv`` (:data:`REGISTRY_COLUMNS`)
and is meant to be reviewed and edited, then used as a registry.

Pins and merges (``merges.csv``)
--------------------------------
A user fixes the clustering with a CSV of two required columns, ``alias`` and
``actor``, and an optional ``actor_name``: each row maps an alias (a surface
name as it appears, or a proposed actor id) to the actor id it must belong to.
Mapping two ids to one merges them (``hillary_rodham_clinton,hillary_clinton``);
mapping an alias to a new id pins it apart (``Bobby Scott,bobby_scott``).
:func:`read_merges` checks the file; :func:`apply_merges` applies it to any table
with an ``actor`` column (a quotes or mentions table, a ledger).
"""

from __future__ import annotations

import collections
import csv
import re
from pathlib import Path

import pandas as pd

from analysis.measures.actors import speakers as sp
from analysis.measures.actors.mentions import REGISTRY_COLUMNS

MERGE_COLUMNS = ("alias", "actor")
#: An actor is proposed when seen in at least this many articles (``propose_registry(min_articles=)``).
MIN_ARTICLES = 2
_KIND_TYPE = {"person": "person", "org": "organisation", "place": "state", "group": "collective"}


def canonical_names(names: list[tuple[str, str]]) -> dict[str, str]:
    """``(name, kind)`` pairs → canonical actor id per name (see the module docstring)."""
    out, surnames = {}, collections.defaultdict(set)
    for name, kind in names:
        if kind != "person":
            out[name] = sp.slug(re.sub(r"^the\s+", "", name, flags=re.I))
            continue
        parts = [p for p in sp.name_parts(name) if p not in ("jr", "jr.")]
        if len(parts) >= 2:
            key = sp.person_key(name)
            out[name] = key
            surnames[parts[-1]].add(key)
    for name, kind in names:
        if kind == "person" and name not in out:
            parts = sp.name_parts(name)
            last = parts[-1] if parts else ""
            full = surnames.get(last, set())
            out[name] = next(iter(full)) if len(full) == 1 else sp.slug(last or name)
    return out


def read_merges(path: Path | str) -> dict[str, str]:
    """A merges CSV (columns ``alias``, ``actor``[, ``actor_name``]) as ``alias → actor``."""
    path = Path(path)
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in MERGE_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path}: missing column(s) {', '.join(missing)} (need alias, actor)")
        out = {}
        for i, row in enumerate(reader, 2):
            alias, actor = (row["alias"] or "").strip(), (row["actor"] or "").strip()
            if not alias or not actor:
                raise ValueError(f"{path} line {i}: empty alias or actor")
            if not re.fullmatch(r"[a-z0-9_]+", actor):
                raise ValueError(f"{path} line {i}: actor {actor!r} is not a snake_case id")
            out[alias] = actor
    return out


def apply_merges(table: pd.DataFrame, merges: dict[str, str], column: str = "actor",
                 surface: str | None = None) -> pd.DataFrame:
    """``table`` with ``column`` remapped by ``merges`` (an alias matching ``surface`` wins over the id)."""
    ids = table[column].map(lambda a: merges.get(a, a))
    if surface is not None and surface in table.columns:
        ids = [merges.get(s, i) for s, i in zip(table[surface], ids)]
    return table.assign(**{column: ids})


def _label(surface: str, key: str) -> str:
    first = surface.split()[0].lower() if surface.split() else ""
    if first in sp.HONORIFICS or first in sp.role_terms():
        return first
    return key


def propose_registry(corpus: pd.DataFrame, nlp=None, min_articles: int = MIN_ARTICLES,
                     merges: dict[str, str] | None = None) -> pd.DataFrame:
    """Proposed registry rows (columns :data:`REGISTRY_COLUMNS`) for the actors of ``corpus``.

    ``corpus`` has ``article_id``, ``outlet``, ``text`` (as :func:`analysis.corpus.load_corpus`
    returns). Articles are read as plain text (no boilerplate step). Actors seen in fewer than
    ``min_articles`` articles are left out; ``merges`` (from :func:`read_merges`) is applied last.
    """
    from analysis.core.parse import Parse
    from analysis.nlp import load_nlp

    nlp = nlp or load_nlp()
    seen = []       # (name, kind, surface, outlet, article, speaker_type, named)
    for aid, outlet, text in zip(corpus["article_id"], corpus["outlet"], corpus["text"]):
        art = sp.ArticleSpeakers(str(text), Parse.of(str(text), nlp))
        named = {id(m.entity) for m in art.mentions if m.named}
        for m in art.mentions:
            e = m.entity
            if e.kind == "group" or id(e) not in named:
                continue                         # groups, pairs, and what is never named
            seen.append((e.name, e.kind, text[m.start:m.end], outlet, aid, e.typed()[0], m.named))
    canon = canonical_names(sorted({(n, k) for n, k, *_ in seen}))
    rows = collections.defaultdict(lambda: {"n": 0, "outlets": collections.Counter(), "articles": set()})
    actor_info: dict[str, dict] = collections.defaultdict(lambda: {"names": collections.Counter(),
                                                                    "types": collections.Counter(),
                                                                    "kind": collections.Counter(),
                                                                    "articles": set()})
    for name, kind, surface, outlet, aid, stype, is_name in seen:
        actor = canon[name]
        actor = (merges or {}).get(surface, (merges or {}).get(actor, actor))
        surface = re.sub(r"['’]s$", "", " ".join(surface.split()))
        r = rows[(actor, surface)]
        r["named"] = is_name
        r["n"] += 1
        r["outlets"][outlet] += 1
        r["articles"].add(aid)
        info = actor_info[actor]
        info["names"][name] += 1
        info["types"][stype] += 1
        info["kind"][kind] += 1
        info["articles"].add(aid)
    out, used = [], set()
    for (actor, surface), r in sorted(rows.items(), key=lambda kv: (kv[0][0], -kv[1]["n"], kv[0][1])):
        info = actor_info[actor]
        if len(info["articles"]) < min_articles or surface.lower() in used:
            continue
        used.add(surface.lower())
        kind = info["kind"].most_common(1)[0][0]
        stype = info["types"].most_common(1)[0][0]
        atype = "media" if stype in ("other_media", "state_media") else _KIND_TYPE.get(kind, "organisation")
        fullest = max(info["names"], key=lambda n: (len(sp.name_parts(n)), info["names"][n]))
        outlets = ", ".join(f"{o} {c}" for o, c in sorted(r["outlets"].items()))
        descriptor = not r["named"]              # "the GOP chairman": a label the outlet used for the actor
        out.append({"actor": actor, "actor_name": fullest, "type": atype, "alias": surface,
                    "label": surface.split()[-1].lower() if descriptor else _label(surface, actor),
                    "metonymy": "false", "speaker_type": stype,
                    "source": f"proposed from the corpus: {r['n']} mentions in {len(r['articles'])} articles "
                              f"({outlets})",
                    "form": "descriptor" if descriptor else "name"})
    return pd.DataFrame(out, columns=list(REGISTRY_COLUMNS))
