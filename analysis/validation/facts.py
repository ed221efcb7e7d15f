"""Validating :mod:`analysis.facts` against the seed gold (``data/annotations/facts_gold.csv``).

**Scope.** The gold covers the article body: the lines labelled ``body`` in
``boilerplate_gold.csv``. :func:`seed_predictions` runs the fact extractor on
each raw page with everything outside those lines blanked (``scope='gold'``),
so extraction is scored on its own, not through the boilerplate segmenter; with
``scope='predicted'`` it runs on :func:`analysis.boilerplate.corpus_bodies`
instead (the end-to-end numbers a user gets). Event groups for alignment come
from :func:`analysis.events.group_events` (text only).

**Extraction** (:func:`score_extraction`): a predicted fact matches a gold fact
of the same article when their character spans overlap (one-to-one, greedy by
overlap); precision, recall and F1 per ``kind`` and overall, plus how many
matches also agree on the normalised ``value``.

**Alignment** (:func:`score_alignment`): the pairwise clustering measure
(pair-counting precision/recall/F1 as in the coreference/entity-resolution
literature, e.g. Menestrina, Whang & Garcia-Molina 2010): every pair of gold
mentions with one ``fact_id`` is a gold link; every pair of predicted mentions
with one ``fact_id`` is a predicted link, a predicted mention standing for the
gold mention it matched (unmatched ones stand for themselves, so their links
are false). P = shared links / predicted links, R = shared links / gold links.

**Contradictions** (:func:`score_contradictions`): the gold mentions marked
``contradiction = yes`` against the mentions taking part in a predicted
contradiction whose value is the minority value of its fact.
"""

from __future__ import annotations

from itertools import combinations

import pandas as pd

from analysis import facts as facts_mod
from analysis.validation import PRF, read_gold
from analysis.validation.hedging import seed_scope_text

GOLD = "facts_gold.csv"
BOILERPLATE_GOLD = "boilerplate_gold.csv"
KINDS = ("number", "date")


def gold_facts() -> pd.DataFrame:
    """``facts_gold.csv`` (values kept as strings)."""
    g = read_gold(GOLD)
    g["value"] = g["value"].astype(str)
    return g


def gold_scope_bodies(corpus: pd.DataFrame) -> pd.DataFrame:
    """Each page with everything outside its gold body lines blanked (``article_id``, ``outlet``, ``body``)."""
    lines = read_gold(BOILERPLATE_GOLD)
    body = lines[lines["label"] == "body"].rename(columns={"start": "sentence_start",
                                                           "end": "sentence_end"})
    texts = [seed_scope_text(r.text, body[body["article_id"] == r.article_id])
             for r in corpus.itertuples(index=False)]
    return corpus[["article_id", "outlet"]].assign(body=texts).reset_index(drop=True)


def seed_predictions(corpus: pd.DataFrame, scope: str = "gold", claims: bool = False,
                     nlp=None) -> pd.DataFrame:
    """:func:`analysis.facts.align_facts` of the seeds' facts, on the gold or predicted body."""
    from analysis.boilerplate import corpus_bodies
    from analysis.events import group_events

    if scope not in ("gold", "predicted"):
        raise ValueError(f"scope must be 'gold' or 'predicted', not {scope!r}")
    predicted = corpus_bodies(corpus)
    bodies = gold_scope_bodies(corpus) if scope == "gold" else predicted
    events = group_events(corpus, bodies=predicted, nlp=nlp).groups()
    found = facts_mod.corpus_facts(corpus, bodies=bodies, events=events, claims=claims, nlp=nlp)
    return facts_mod.align_facts(found)


def match(gold: pd.DataFrame, pred: pd.DataFrame) -> dict[int, int]:
    """One-to-one overlap matching: predicted row index → gold row index (greedy by overlap)."""
    cands = []
    for gi, g in gold.iterrows():
        same = pred[(pred["article_id"] == g["article_id"]) & (pred["start"] < g["end"])
                    & (pred["end"] > g["start"])]
        for pi, p in same.iterrows():
            cands.append((min(g["end"], p["end"]) - max(g["start"], p["start"]), pi, gi))
    out, used = {}, set()
    for _, pi, gi in sorted(cands, key=lambda c: (-c[0], str(c[1]), str(c[2]))):
        if pi not in out and gi not in used:
            out[pi] = gi
            used.add(gi)
    return out


def score_extraction(gold: pd.DataFrame, pred: pd.DataFrame) -> pd.DataFrame:
    """P/R/F1 of fact spans per ``kind`` and ``all`` (number and date facts only)."""
    pred = pred[pred["kind"].isin(KINDS)]
    rows = []
    for kind in (*KINDS, "all"):
        g = gold if kind == "all" else gold[gold["kind"] == kind]
        p = pred if kind == "all" else pred[pred["kind"] == kind]
        m = match(g, p)
        value_ok = sum(str(p.loc[pi, "value"]) == str(g.loc[gi, "value"]) for pi, gi in m.items())
        rows.append(PRF(len(m), len(p) - len(m), len(g) - len(m)).row(
            measure="extraction", kind=kind, value_agrees=value_ok))
    return pd.DataFrame(rows)


def _links(ids: dict) -> set[frozenset]:
    by: dict[str, list] = {}
    for item, cluster in ids.items():
        by.setdefault(cluster, []).append(item)
    return {frozenset(p) for members in by.values() for p in combinations(sorted(members, key=str), 2)}


def score_alignment(gold: pd.DataFrame, pred: pd.DataFrame) -> pd.DataFrame:
    """Pairwise P/R/F1 of same-fact links (see the module docstring), one row."""
    pred = pred[pred["kind"].isin(KINDS)]
    m = match(gold, pred)
    gold_links = _links({("g", gi): fid for gi, fid in gold["fact_id"].items()})
    pred_links = _links({(("g", m[pi]) if pi in m else ("p", pi)): fid
                         for pi, fid in pred["fact_id"].items()})
    tp = len(gold_links & pred_links)
    return pd.DataFrame([PRF(tp, len(pred_links) - tp, len(gold_links) - tp).row(
        measure="alignment_pairs", kind="all", n_gold_facts=gold["fact_id"].nunique(),
        n_pred_facts=pred["fact_id"].nunique())])


def flagged(pred: pd.DataFrame) -> pd.Index:
    """Predicted mentions that depart from their fact: the minority value of a contradicted fact."""
    c = facts_mod.contradictions(pred)
    out = []
    for fid in c["fact_id"].unique():
        g = pred[pred["fact_id"] == fid]
        groups: list[list] = []
        for i, v in g["value"].items():
            for grp in groups:
                if facts_mod.values_agree(g.loc[i, "kind"], g.loc[grp[0], "value"], v):
                    grp.append(i)
                    break
            else:
                groups.append([i])
        biggest = max(len(x) for x in groups)
        ties = [x for x in groups if len(x) == biggest]
        out += [i for x in groups if len(x) < biggest or len(ties) > 1 for i in x]
    return pd.Index(out)


def score_contradictions(gold: pd.DataFrame, pred: pd.DataFrame) -> pd.DataFrame:
    """P/R/F1 of the mentions flagged as contradicting (gold ``contradiction`` = yes), one row."""
    pred = pred[pred["kind"].isin(KINDS)]
    m = match(gold, pred)
    flag = set(flagged(pred))
    gold_yes = set(gold.index[gold["contradiction"] == "yes"])
    tp = sum(1 for pi in flag if m.get(pi) in gold_yes)
    return pd.DataFrame([PRF(tp, len(flag) - tp, len(gold_yes) - tp).row(
        measure="contradictions", kind="all")])


def validate(corpus: pd.DataFrame, nlp=None) -> pd.DataFrame:
    """Every score on the seeds, both scopes: one tidy table (``scope`` column first)."""
    gold = gold_facts()
    parts = []
    for scope in ("gold", "predicted"):
        pred = seed_predictions(corpus, scope=scope, nlp=nlp)
        for f in (score_extraction, score_alignment, score_contradictions):
            parts.append(f(gold, pred).assign(scope=scope))
    out = pd.concat(parts, ignore_index=True)
    return out[["scope", *[c for c in out.columns if c != "scope"]]]
