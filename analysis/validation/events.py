"""Event grouping checked on real multi-outlet coverage: BASIL's triplets (development part).

``basil_dev`` holds 70 events, each reported by Fox News, The New York Times and
HuffPost (``triplet-uuid`` = the event). :func:`basil_corpus` reads it as a corpus
table (article text = title, then the body paragraphs; ``event`` = the triplet),
so :func:`analysis.events.group_events` runs on it exactly as on the seeds.
:func:`evaluate` scores a grouping by the adjusted Rand index (Hubert & Arabie
1985) against the triplets, beside the baseline of plain TF-IDF cosine with
average linkage at its best threshold, in the same run.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.validation import devset_dir

#: BASIL's ``source`` codes (its README: fox / nyt / hpo; some files spell them in capitals) → outlet names.
BASIL_OUTLETS = {"fox": "Fox News", "nyt": "New York Times", "hpo": "HuffPost"}

#: Thresholds tried for every method (the similarity at which two groups are one event).
THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.05, 0.80, 0.025))


def basil_corpus(root: Path | str | None = None) -> pd.DataFrame:
    """The BASIL development articles as a corpus table (columns of :func:`analysis.corpus.load_corpus`).

    ``outlet`` is the outlet's name (:data:`BASIL_OUTLETS`; the files' codes differ in case),
    ``event`` the triplet, ``main_entities`` BASIL's ``main-entities`` joined by "; ".
    """
    folder = devset_dir("basil_dev", root) / "articles"
    rows = []
    for path in sorted(folder.glob("*/*.json")):
        d = json.loads(path.read_text(encoding="utf-8"))
        paras = [" ".join(p) for p in d["body-paragraphs"]]
        source = str(d["source"])
        rows.append({"article_id": path.stem, "outlet": BASIL_OUTLETS.get(source.lower(), source),
                     "title": d.get("title", ""), "published": str(d.get("date", ""))[:10],
                     "event": d["triplet-uuid"], "main_entities": "; ".join(d.get("main-entities") or []),
                     "text": "\n\n".join([d.get("title", "")] + paras), "year": path.parent.name})
    return pd.DataFrame(rows)


def adjusted_rand(labels, reference) -> float:
    from sklearn.metrics import adjusted_rand_score

    return float(adjusted_rand_score(list(reference), list(labels)))


def sweep(sim: np.ndarray, reference, thresholds=THRESHOLDS) -> pd.DataFrame:
    """ARI of average-linkage clusters of ``sim`` at each threshold."""
    from analysis.events import cluster

    return pd.DataFrame([{"threshold": t, "ari": adjusted_rand(cluster(sim, t), reference)} for t in thresholds])


#: The grid the cross-validation chooses from: weight levels per signal, date scales (days), thresholds.
WEIGHT_LEVELS = (0, 1, 2, 3)
DATE_SCALES = (1.0, 2.0, 3.0, 5.0, 7.0)


def _labels_at(sim: np.ndarray, thresholds) -> list[np.ndarray]:
    """Average-linkage labels of ``sim`` at every threshold (one linkage, cut many times)."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    if len(sim) < 2:
        return [np.ones(len(sim), dtype=int) for _ in thresholds]
    dist = np.clip(1.0 - sim, 0.0, None)
    np.fill_diagonal(dist, 0.0)
    z = linkage(squareform(dist, checks=False), method="average")
    return [fcluster(z, t=1.0 - t, criterion="distance") for t in thresholds]


def _grid(sims, published, thresholds=THRESHOLDS):
    """Every (weights, date scale) of the grid with its combined matrix."""
    import itertools

    from analysis.events import date_similarity

    dates = {sc: date_similarity(published, sims.anchors, sc) for sc in DATE_SCALES}
    for w in itertools.product(WEIGHT_LEVELS, repeat=4):
        if sum(w) == 0:
            continue
        for sc in (DATE_SCALES if w[3] else (DATE_SCALES[0],)):
            wn = np.asarray(w, dtype=float) / sum(w)
            sim = wn[0] * sims.tfidf + wn[1] * sims.entity + wn[2] * sims.place + wn[3] * dates[sc]
            np.fill_diagonal(sim, 1.0)
            yield w, sc, sim


def cross_validate(corpus: pd.DataFrame, sims, folds: str = "year", thresholds=THRESHOLDS) -> pd.DataFrame:
    """Leave-one-``folds``-out choice of the grouping's weights, date scale and threshold.

    For each held-out year: every setting of the grid is scored by the mean ARI
    of clustering each training year on its own (the unit a user groups: a
    stream of coverage), the best setting is applied to the held-out year, and
    the TF-IDF baseline (its threshold chosen the same way) is scored beside it.
    One row per fold: ``fold``, ``weights``, ``date_scale``, ``threshold``,
    ``ari`` (held-out), ``tfidf_threshold``, ``tfidf_ari`` (held-out), ``n``.
    """
    ids = sims.ids
    pos = {a: i for i, a in enumerate(ids)}
    c = corpus.set_index(corpus["article_id"].astype(str)).loc[ids]
    groups = c[folds].astype(str).to_numpy()
    ref = c["event"].astype(str).to_numpy()
    published = c["published"].astype(str).tolist()
    idx = {g: np.flatnonzero(groups == g) for g in sorted(set(groups))}
    # score[setting][group][threshold k] = ARI of that group clustered alone
    settings, scores = [], []
    for w, sc, sim in _grid(sims, published, thresholds):
        per = {g: [adjusted_rand(lab, ref[ix]) for lab in _labels_at(sim[np.ix_(ix, ix)], thresholds)]
               for g, ix in idx.items()}
        settings.append((w, sc))
        scores.append(per)
    tf = {g: [adjusted_rand(lab, ref[ix]) for lab in _labels_at(sims.tfidf[np.ix_(ix, ix)], thresholds)]
          for g, ix in idx.items()}
    rows = []
    for held in idx:
        train = [g for g in idx if g != held]
        best = max(((np.mean([s[g][k] for g in train]), i, k) for i, s in enumerate(scores)
                    for k in range(len(thresholds))))
        _, i, k = best
        tk = int(np.argmax([np.mean([tf[g][kk] for g in train]) for kk in range(len(thresholds))]))
        rows.append({"fold": held, "weights": settings[i][0], "date_scale": settings[i][1],
                     "threshold": thresholds[k], "ari": round(scores[i][held][k], 4),
                     "tfidf_threshold": thresholds[tk], "tfidf_ari": round(tf[held][tk], 4),
                     "n": len(idx[held])})
    _ = pos
    return pd.DataFrame(rows)


def choose(corpus: pd.DataFrame, sims, folds: str = "year", thresholds=THRESHOLDS) -> dict:
    """The setting with the best mean ARI over all ``folds`` groups (each clustered alone): the defaults."""
    c = corpus.set_index(corpus["article_id"].astype(str)).loc[sims.ids]
    groups = c[folds].astype(str).to_numpy()
    ref = c["event"].astype(str).to_numpy()
    idx = [np.flatnonzero(groups == g) for g in sorted(set(groups))]
    best = None
    for w, sc, sim in _grid(sims, c["published"].astype(str).tolist(), thresholds):
        per = np.mean([[adjusted_rand(lab, ref[ix]) for lab in _labels_at(sim[np.ix_(ix, ix)], thresholds)]
                       for ix in idx], axis=0)
        k = int(np.argmax(per))
        if best is None or per[k] > best["ari"]:
            best = {"weights": w, "date_scale": sc, "threshold": thresholds[k], "ari": float(per[k])}
    return best
