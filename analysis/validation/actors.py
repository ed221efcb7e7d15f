"""Score actor mentions and labels against the seed gold (``actor_mentions_gold.csv``).

Matching: a predicted mention matches a gold mention of the **same actor** when
their spans overlap (one-to-one, greedily by largest overlap, then earliest);
``exact`` counts matched pairs with identical offsets. Precision, recall and F1
are computed per actor and pooled (micro) over the main actors. Label accuracy
is the share of matched pairs whose normalised label equals the gold label.

Predictions come from the full pipeline on the raw pages — boilerplate
segmentation (body + headline/standfirst, :func:`analysis.actors.article_text`),
then :func:`analysis.actors.find_mentions` — so segmentation errors count.
"""

from __future__ import annotations

import pandas as pd

from analysis import actors, corpus as corpus_mod
from analysis.validation import PRF, read_gold

GOLD_FILE = "actor_mentions_gold.csv"


def gold() -> pd.DataFrame:
    g = read_gold(GOLD_FILE)
    return g.astype({"start": int, "end": int})


def predict(corpus: pd.DataFrame | None = None, nlp=None) -> pd.DataFrame:
    """Mentions the pipeline finds in the seed articles (registry and NER)."""
    corpus = corpus if corpus is not None else corpus_mod.load_corpus()
    no_quotes = {aid: pd.DataFrame(columns=['start', 'end', 'kind', 'actor']) for aid in corpus["article_id"]}
    return actors.corpus_mentions(corpus, nlp=nlp, quotes=no_quotes)


def match(pred: pd.DataFrame, gold_df: pd.DataFrame) -> pd.DataFrame:
    """One row per gold and per predicted mention, paired where they match.

    Columns: ``article_id``, ``actor``, ``g_start``, ``g_end``, ``g_surface``,
    ``g_label``, ``p_start``, ``p_end``, ``p_surface``, ``p_label``, ``matched``,
    ``exact``, ``label_ok``.
    """
    rows = []
    keys = set(map(tuple, gold_df[["article_id", "actor"]].drop_duplicates().to_numpy())) | \
        set(map(tuple, pred[["article_id", "actor"]].drop_duplicates().to_numpy()))
    for aid, actor in sorted(keys):
        g = gold_df[(gold_df["article_id"] == aid) & (gold_df["actor"] == actor)]
        p = pred[(pred["article_id"] == aid) & (pred["actor"] == actor)]
        pairs = []
        for gi, gr in g.iterrows():
            for pi, pr in p.iterrows():
                ov = min(gr["end"], pr["end"]) - max(gr["start"], pr["start"])
                if ov > 0:
                    pairs.append((-ov, gr["start"], gi, pi))
        pairs.sort()
        used_g, used_p = set(), set()
        for _, _, gi, pi in pairs:
            if gi in used_g or pi in used_p:
                continue
            used_g.add(gi)
            used_p.add(pi)
            gr, pr = g.loc[gi], p.loc[pi]
            rows.append(_row(aid, actor, gr, pr))
        for gi, gr in g.iterrows():
            if gi not in used_g:
                rows.append(_row(aid, actor, gr, None))
        for pi, pr in p.iterrows():
            if pi not in used_p:
                rows.append(_row(aid, actor, None, pr))
    return pd.DataFrame(rows)


def _row(aid, actor, g, p) -> dict:
    return {
        "article_id": aid, "actor": actor,
        "g_start": None if g is None else int(g["start"]), "g_end": None if g is None else int(g["end"]),
        "g_surface": None if g is None else g["surface"], "g_label": None if g is None else g["label"],
        "p_start": None if p is None else int(p["start"]), "p_end": None if p is None else int(p["end"]),
        "p_surface": None if p is None else p["surface"], "p_label": None if p is None else p["label"],
        "matched": g is not None and p is not None,
        "exact": g is not None and p is not None and int(g["start"]) == int(p["start"])
        and int(g["end"]) == int(p["end"]),
        "label_ok": g is not None and p is not None and g["label"] == p["label"],
    }


def scores(pairs: pd.DataFrame, actor_list=None) -> pd.DataFrame:
    """P/R/F1 (overlap), exact-span matches and label accuracy, per actor and overall.

    Columns: ``actor``, ``n_gold``, ``n_pred``, ``precision``, ``recall``, ``f1``,
    ``exact`` (matched pairs with identical spans), ``exact_f1`` (F1 counting only
    exact matches), ``label_accuracy`` (on matched pairs), ``n_matched``.
    """
    if actor_list is None:
        from analysis import study

        actor_list = study.load().main_actors
    out = []
    groups = [(a, pairs[pairs["actor"] == a]) for a in actor_list]
    groups.append(("all main actors", pairs[pairs["actor"].isin(actor_list)]))
    for name, d in groups:
        tp = int(d["matched"].sum())
        fp = int((d["g_start"].isna()).sum())
        fn = int((d["p_start"].isna()).sum())
        ex = int(d["exact"].sum())
        row = PRF(tp, fp, fn).row(actor=name)
        exact = PRF(ex, fp + tp - ex, fn + tp - ex)
        row.update(exact=ex, exact_f1=round(exact.f1, 4), n_matched=tp,
                   label_accuracy=round(d.loc[d["matched"], "label_ok"].mean(), 4) if tp else float("nan"))
        out.append(row)
    return pd.DataFrame(out)


def evaluate(corpus: pd.DataFrame | None = None, nlp=None) -> dict:
    """Predict on the seeds and score: ``{"pairs", "main", "all_registry"}``.

    ``main`` scores the eight main actors; ``all_registry`` every actor of the gold
    plus every registry actor predicted (NER ad-hoc actors are not in the gold
    vocabulary and are left out of both).
    """
    g = gold()
    pred = predict(corpus, nlp)
    pred = pred[pred["source"] == "registry"]
    pairs = match(pred, g)
    every = tuple(sorted(set(g["actor"]) | set(pred["actor"])))
    return {"pairs": pairs, "main": scores(pairs), "all_registry": scores(pairs, every).tail(1)
            .assign(actor="all registry actors"), "predicted": pred}
