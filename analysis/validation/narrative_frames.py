"""The Narrative Frames Corpus' development half: articles, frames, codebook answers, entity roles.

Frermann, Li, Hamborg & Leidner (2023), *Conflicts, Villains, Resolutions:
Towards models of Narrative Media Framing*, ACL — 203 climate-change articles
(of its 428) in ``../shared/data/narrative_frames_dev`` (never committed):

``articles.tsv``
    ``ID, source, mbfc, date, text`` and the aggregated frames ``RE, HI, CO, MO,
    EC`` (``True``/``False``). One ``EC`` cell reads ``False)``; :func:`load_articles`
    reads it as ``False`` and rejects any other value.
``question_annotations.json``
    per article, the 21 codebook questions, each ``[aggregate, [annotator 1–4]]``
    with ``yes``/``no``/``NO AGREEMENT`` and ``-1`` for "did not annotate".
``entity_roles.tsv``
    ``ID, entity, group, role`` (hero / villain / victim): the entities annotators
    named in an article, with their stakeholder category (``group``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.validation import devset_dir

NAME = "narrative_frames_dev"
#: Corpus column -> the library's frame name (Semetko & Valkenburg 2000 as the corpus operationalises them).
FRAME_CODES = {"CO": "conflict", "RE": "resolution", "EC": "economic", "HI": "human_interest", "MO": "moral"}
#: The codebook questions the corpus' README names as indicators of each frame.
QUESTIONS = {"conflict": ("co1", "co2", "co3"), "economic": ("ec1", "ec2", "ec3"),
             "human_interest": ("hi1", "hi2", "hi5"), "moral": ("mo1", "mo2"), "resolution": ("re1", "re5")}
ROLES = ("hero", "villain", "victim")
_BOOL = {"true": True, "false": False, "false)": False, "true)": True}


def _as_bool(series: pd.Series, where: str) -> pd.Series:
    vals = series.astype(str).str.strip().str.lower()
    bad = sorted(set(vals) - set(_BOOL))
    if bad:
        raise ValueError(f"{where}: values {bad} are not True/False")
    return vals.map(_BOOL).astype(bool)


def load_articles(root=None) -> pd.DataFrame:
    """One row per article: ``id`` (str), ``source``, ``mbfc``, ``text`` and a bool column per frame."""
    folder = devset_dir(NAME, root)
    path = folder / "articles.tsv"
    a = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)
    missing = {"ID", "text", *FRAME_CODES} - set(a.columns)
    if missing:
        raise ValueError(f"{path}: missing columns {sorted(missing)}")
    if a["ID"].duplicated().any():
        raise ValueError(f"{path}: duplicate IDs {a.loc[a['ID'].duplicated(), 'ID'].tolist()[:5]}")
    out = pd.DataFrame({"id": a["ID"].astype(str), "source": a.get("source", ""), "mbfc": a.get("mbfc", ""),
                        "text": a["text"]})
    for code, name in FRAME_CODES.items():
        out[name] = _as_bool(a[code], f"{path} column {code}")
    return out.reset_index(drop=True)


def load_roles(root=None, dedupe: bool = True) -> pd.DataFrame:
    """One row per (article, entity, role) as annotated: ``id``, ``entity``, ``group``, ``role``.

    With ``dedupe``, exact duplicate rows (the same entity given the same role
    twice in an article) are kept once; an entity given two roles keeps both rows.
    """
    path = devset_dir(NAME, root) / "entity_roles.tsv"
    e = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)
    missing = {"ID", "entity", "group", "role"} - set(e.columns)
    if missing:
        raise ValueError(f"{path}: missing columns {sorted(missing)}")
    bad = sorted(set(e["role"]) - set(ROLES))
    if bad:
        raise ValueError(f"{path}: unknown roles {bad}")
    out = e.rename(columns={"ID": "id"})[["id", "entity", "group", "role"]]
    return (out.drop_duplicates() if dedupe else out).reset_index(drop=True)


# --------------------------------------------------------------------------- frames: fit and cross-validate

#: Regularisation (inverse strength) of every sentence-level logistic regression.
FRAME_C = 1.0
#: Whether a frame's score also adds an article-level model on pooled sentence vectors.
ARTICLE_PART = True
#: Folds of the outer and of the inner cross-validation.
FOLDS = 5


def frame_labels(articles: pd.DataFrame) -> np.ndarray:
    """``n × 5`` 0/1 array of the frames, columns :data:`analysis.news_frames.FRAMES`."""
    from analysis.news_frames import FRAMES

    return articles[list(FRAMES)].to_numpy().astype(int)


def question_labels(ids, root=None) -> pd.DataFrame:
    """0/1 per codebook question of :data:`QUESTIONS`: the corpus' aggregate answer is *yes*."""
    path = devset_dir(NAME, root) / "question_annotations.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    codes = [q for qs in QUESTIONS.values() for q in qs]
    return pd.DataFrame([[int(data[str(i)][q][0] == "yes") for q in codes] for i in ids], columns=codes)


def dev_sentences(articles: pd.DataFrame, nlp=None) -> tuple[pd.DataFrame, np.ndarray]:
    """The articles' sentences (``text_id`` = row position) and their MiniLM vectors."""
    from analysis.embeddings import embed_sentences
    from analysis.news_frames import split_sentences

    sent = split_sentences(articles["text"].tolist(), nlp)
    return sent, embed_sentences(sent["text"].tolist())


def _fit_targets(vectors, owner, bags, arts, labels, C):
    """One sentence-level logistic regression per label column, on the sentences of ``arts``
    (each labelled with its article's value; every article weighs the same)."""
    from sklearn.linear_model import LogisticRegression

    mask = np.isin(owner, arts)
    X, who = vectors[mask], owner[mask]
    w = 1.0 / bags[who]
    w = w * len(arts) / w.sum()
    W, b = [], []
    for j in range(labels.shape[1]):
        y = labels[who, j]
        if len(np.unique(y)) < 2:  # a question answered the same way for every article: no information
            W.append(np.zeros(X.shape[1]))
            b.append(0.0)
            continue
        clf = LogisticRegression(C=C, max_iter=2000, class_weight="balanced").fit(X, y, sample_weight=w)
        W.append(clf.coef_[0])
        b.append(clf.intercept_[0])
    return np.asarray(W, np.float32), np.asarray(b, np.float32)


def _parts(scores, arts, targets, frame):
    """The frame model, the mean of its question models (and the article-level model), standardised on ``arts``."""
    out = []
    groups = [[frame], list(QUESTIONS[frame])] + ([[f"article:{frame}"]] if f"article:{frame}" in targets else [])
    for group in groups:
        cols = [targets.index(t) for t in group]
        s = scores[np.ix_(arts, cols)]
        sd = s.std(0)
        out.append({"targets": group, "mean": s.mean(0).tolist(), "std": np.where(sd > 1e-6, sd, 1.0).tolist()})
    return out


def best_threshold(y: np.ndarray, score: np.ndarray) -> float:
    """The score threshold with the highest F1 on ``(y, score)`` (candidates: the scores' 2nd–98th percentiles)."""
    from sklearn.metrics import f1_score

    best, thr = -1.0, float(np.median(score))
    for t in np.quantile(score, np.linspace(0.02, 0.98, 97)):
        f = f1_score(y, score >= t, zero_division=0)
        if f > best:
            best, thr = f, float(t)
    return thr


def _folds(Y: np.ndarray, arts: np.ndarray, seed: int, folds: int = FOLDS):
    """Stratified folds over ``arts`` keyed by the two rare frames (human interest, moral)."""
    from sklearn.model_selection import StratifiedKFold

    key = Y[arts, 3] * 2 + Y[arts, 4]
    key = np.where(np.bincount(key, minlength=4)[key] >= folds, key, 0)
    return [(arts[a], arts[b]) for a, b in StratifiedKFold(folds, shuffle=True, random_state=seed).split(arts, key)]


def _targets_for():
    from analysis.news_frames import FRAMES

    return list(FRAMES) + [q for f in FRAMES for q in QUESTIONS[f]]


#: Regularisation of the article-level models (on pooled sentence vectors), when used.
ARTICLE_C = 10.0


def _raw_model(vectors, owner, bags, arts, L, C, k, article_part):
    from sklearn.linear_model import LogisticRegression

    from analysis import news_frames as nfm

    W, b = _fit_targets(vectors, owner, bags, arts, L, C)
    model = {"W": W, "b": b, "meta": {"targets": _targets_for(), "top_k": k}}
    if article_part:
        pooled = nfm.pool(vectors, bags)
        fits = [LogisticRegression(C=ARTICLE_C, max_iter=3000, class_weight="balanced").fit(pooled[arts], L[arts, f])
                for f in range(len(nfm.FRAMES))]
        model.update(A=np.asarray([m.coef_[0] for m in fits], np.float32),
                     a=np.asarray([m.intercept_[0] for m in fits], np.float32))
        model["meta"]["article_targets"] = [f"article:{f}" for f in nfm.FRAMES]
    scores = nfm.target_scores(vectors, bags, model)
    names = nfm.target_names(model)
    model["meta"]["frames"] = {f: {"parts": _parts(scores, arts, names, f)} for f in nfm.FRAMES}
    return model


def fit_frames(vectors: np.ndarray, owner: np.ndarray, Y: np.ndarray, QY: pd.DataFrame, arts=None,
               C: float = FRAME_C, k: int | None = None, seed: int = 0, article_part: bool | None = None) -> dict:
    """Fit the frame model (:mod:`analysis.news_frames`) on the articles ``arts`` (default: all).

    ``vectors``/``owner``: sentence vectors and the row of the article each
    belongs to; ``Y`` the frames (``n × 5``), ``QY`` the question answers
    (:func:`question_labels`). The thresholds and the calibration
    come from an inner cross-validation on ``arts`` only.
    """
    from sklearn.linear_model import LogisticRegression

    from analysis import news_frames as nfm

    k = k or nfm.TOP_K
    article_part = ARTICLE_PART if article_part is None else article_part
    if len(owner) and (np.diff(owner) < 0).any():
        raise ValueError("sentence vectors must be sorted by article (owner)")
    n = Y.shape[0]
    arts = np.arange(n) if arts is None else np.asarray(arts)
    bags = np.bincount(owner, minlength=n)
    L = np.hstack([Y, QY[_targets_for()[len(nfm.FRAMES):]].to_numpy()])
    oof = np.zeros((n, len(nfm.FRAMES)))
    for tr, te in _folds(Y, arts, seed + 1):
        m = _raw_model(vectors, owner, bags, tr, L, C, k, article_part)
        oof[te] = nfm.frame_scores(nfm.target_scores(vectors, bags, m), m)[te]
    model = _raw_model(vectors, owner, bags, arts, L, C, k, article_part)
    for f, frame in enumerate(nfm.FRAMES):
        thr = best_threshold(Y[arts, f], oof[arts, f])
        platt = LogisticRegression(C=1e4).fit(oof[arts, f][:, None], Y[arts, f])
        model["meta"]["frames"][frame].update(
            threshold=thr, platt=[float(platt.coef_[0, 0]), float(platt.intercept_[0])])
    model["meta"].update(C=C)
    return model


def predict_frames(model: dict, vectors: np.ndarray, owner: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """``(verdicts, probabilities)`` (``n × 5``) of a fitted frame model for every article."""
    from analysis import news_frames as nfm

    bags = np.bincount(owner, minlength=n)
    scores = nfm.frame_scores(nfm.target_scores(vectors, bags, model), model)
    p, v = nfm.calibrate(scores, model)
    return v, p


def _tuned_baseline(X, Y, tr, te, seed, C=1.0):
    """Logistic regression on article features, threshold chosen by inner CV on ``tr``."""
    from sklearn.linear_model import LogisticRegression

    out = np.zeros((len(te), Y.shape[1]), bool)
    for f in range(Y.shape[1]):
        oof = np.zeros(Y.shape[0])
        for itr, ite in _folds(Y, tr, seed + 1):
            oof[ite] = LogisticRegression(C=C, max_iter=2000, class_weight="balanced") \
                .fit(X[itr], Y[itr, f]).decision_function(X[ite])
        thr = best_threshold(Y[tr, f], oof[tr])
        clf = LogisticRegression(C=C, max_iter=2000, class_weight="balanced").fit(X[tr], Y[tr, f])
        s = clf.decision_function(X[te])
        out[:, f] = s >= thr
    return out


def cross_validate_frames(articles: pd.DataFrame, sent: pd.DataFrame, vectors: np.ndarray, QY: pd.DataFrame,
                          seeds=(0,), log=None, C: float = FRAME_C, k: int | None = None,
                          baselines: bool = True, article_part: bool | None = None
                          ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Nested cross-validation of the frame model beside three baselines, on the same folds.

    Systems: ``model`` (:func:`fit_frames`: thresholds and calibration chosen
    inside each training fold), ``minilm-mean-lr`` (the mean of the article's
    MiniLM sentence vectors + logistic regression), ``tfidf-lr`` (TF-IDF of
    words and bigrams + logistic regression) — both with a per-frame threshold
    chosen by inner CV on the training fold — and ``every-frame`` (every
    article has every frame). Returns ``(scores, predictions)``: per system,
    seed and frame precision/recall/F1 plus a ``macro`` row; and the
    out-of-fold verdicts of each system.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import precision_recall_fscore_support

    from analysis.news_frames import FRAMES

    Y = frame_labels(articles)
    n = len(articles)
    owner = sent["text_id"].to_numpy(int)
    bags = np.bincount(owner, minlength=n)
    mean_vec = np.zeros((n, vectors.shape[1]))
    np.add.at(mean_vec, owner, vectors)
    mean_vec /= np.maximum(bags, 1)[:, None]
    rows, preds = [], []
    for seed in seeds:
        P = {s: np.zeros(Y.shape, bool) for s in ("model", "minilm-mean-lr", "tfidf-lr", "every-frame")}
        for fold, (tr, te) in enumerate(_folds(Y, np.arange(n), seed)):
            m = fit_frames(vectors, owner, Y, QY, tr, C=C, k=k, seed=seed, article_part=article_part)
            P["model"][te] = predict_frames(m, vectors, owner, n)[0][te]
            if not baselines:
                continue
            P["minilm-mean-lr"][te] = _tuned_baseline(mean_vec, Y, tr, te, seed)
            tf = TfidfVectorizer(sublinear_tf=True, min_df=2, ngram_range=(1, 2))
            Xt = tf.fit(articles["text"].iloc[tr]).transform(articles["text"])
            P["tfidf-lr"][te] = _tuned_baseline(Xt, Y, tr, te, seed, C=10.0)
            P["every-frame"][te] = True
            if log:
                log(f"seed {seed} fold {fold + 1} done")
        for system, pred in P.items():
            if not baselines and system != "model":
                continue
            f1s = []
            for f, frame in enumerate(FRAMES):
                p, r, f1, _ = precision_recall_fscore_support(Y[:, f], pred[:, f], average="binary", zero_division=0)
                f1s.append(f1)
                rows.append({"system": system, "seed": seed, "frame": frame, "n_gold": int(Y[:, f].sum()),
                             "n_pred": int(pred[:, f].sum()), "precision": p, "recall": r, "f1": f1})
            rows.append({"system": system, "seed": seed, "frame": "macro", "n_gold": int(Y.sum()),
                         "n_pred": int(pred.sum()), "precision": np.nan, "recall": np.nan, "f1": float(np.mean(f1s))})
            preds.append(pd.DataFrame(pred, columns=list(FRAMES)).assign(system=system, seed=seed,
                                                                       id=articles["id"].to_numpy()))
    return pd.DataFrame(rows), pd.concat(preds, ignore_index=True)


# --------------------------------------------------------------------------- roles: fit and cross-validate

#: Regularisation of the role classifier.
ROLE_C = 1.0


def mention_sentences(entity: str, sentences: Sequence[str]) -> list[int]:
    """Positions of the sentences that mention ``entity``: its full string, case-insensitive, or else
    its longest word (of four letters or more) as a whole word."""
    low = [s.lower() for s in sentences]
    e = entity.lower().strip()
    hit = [i for i, s in enumerate(low) if e and e in s]
    if hit:
        return hit
    words = sorted((w for w in re.findall(r"[a-z][a-z'\-]+", e) if len(w) >= 4), key=len, reverse=True)
    if not words:
        return []
    pat = re.compile(rf"\b{re.escape(words[0])}\b")
    return [i for i, s in enumerate(low) if pat.search(s)]


def role_instances(articles: pd.DataFrame, roles: pd.DataFrame, sent: pd.DataFrame,
                   vectors: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    """One row per annotated (article, entity, role) and its features (:func:`analysis.narrative_roles.features`).

    Returns ``(instances, X)``: ``instances`` has ``id``, ``entity``, ``group``,
    ``role``, ``row`` (the article's row) and ``n_sentences`` (sentences found
    mentioning the entity; 0 = the entity string does not occur, only its name
    vector is used).
    """
    from analysis.embeddings import embed_sentences
    from analysis.narrative_roles import features

    row_of = {i: k for k, i in enumerate(articles["id"])}
    unknown = sorted(set(roles["id"]) - set(row_of))
    if unknown:
        raise ValueError(f"entity_roles.tsv: articles {unknown[:5]} are not in articles.tsv")
    by_text = {k: g for k, g in sent.reset_index(drop=True).groupby("text_id").groups.items()}
    names = embed_sentences(roles["entity"].tolist())
    X, found = [], []
    for r, name_vec in zip(roles.itertuples(index=False), names):
        idx = np.asarray(by_text.get(row_of[r.id], []), int)
        hits = mention_sentences(r.entity, sent["text"].to_numpy()[idx].tolist()) if len(idx) else []
        X.append(features(name_vec, vectors[idx[hits]] if hits else np.zeros((0, vectors.shape[1]))))
        found.append(len(hits))
    inst = roles.assign(row=roles["id"].map(row_of).astype(int), n_sentences=found).reset_index(drop=True)
    return inst, np.asarray(X, np.float32)


def _group_onehot(groups: pd.Series, levels: Sequence[str]) -> np.ndarray:
    return np.asarray([[g == lv for lv in levels] for g in groups], np.float32)


def cross_validate_roles(inst: pd.DataFrame, X: np.ndarray, folds: int = FOLDS, seeds=(0,)):
    """Article-grouped cross-validation of the role classifier beside the majority role per group.

    Systems: ``model`` (text only: the entity's name and the sentences that
    mention it; what the library ships), ``model+group`` (plus the corpus'
    stakeholder category, which a new corpus does not have), ``majority-per-group``
    (the most frequent role of the entity's group in the training folds) and
    ``majority`` (the most frequent role overall). Returns per system and seed
    the per-role precision/recall/F1, a ``macro`` row and accuracy.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import precision_recall_fscore_support
    from sklearn.model_selection import GroupKFold

    y = inst["role"].to_numpy()
    levels = sorted(inst["group"].unique())
    Xg = np.hstack([X, _group_onehot(inst["group"], levels)])
    rows = []
    for seed in seeds:
        # GroupKFold with shuffled group labels: a seeded article-grouped split
        rng = np.random.default_rng(seed)
        perm = {a: k for k, a in enumerate(rng.permutation(inst["id"].unique()))}
        groups = inst["id"].map(perm).to_numpy()
        P = {s: np.empty(len(y), object) for s in ("model", "model+group", "majority-per-group", "majority")}
        for tr, te in GroupKFold(folds).split(X, y, groups):
            for name, feats in (("model", X), ("model+group", Xg)):
                clf = LogisticRegression(C=ROLE_C, max_iter=3000, class_weight="balanced").fit(feats[tr], y[tr])
                P[name][te] = clf.predict(feats[te])
            train = inst.iloc[tr]
            overall = train["role"].value_counts().sort_index().idxmax()
            by_group = train.groupby("group")["role"].agg(lambda s: s.value_counts().sort_index().idxmax())
            P["majority-per-group"][te] = inst["group"].iloc[te].map(by_group).fillna(overall).to_numpy()
            P["majority"][te] = overall
        for system, pred in P.items():
            p, r, f, n = precision_recall_fscore_support(y, pred, labels=list(ROLES), zero_division=0)
            for k, role in enumerate(ROLES):
                rows.append({"system": system, "seed": seed, "role": role, "n_gold": int(n[k]),
                             "precision": p[k], "recall": r[k], "f1": f[k]})
            rows.append({"system": system, "seed": seed, "role": "macro", "n_gold": len(y), "precision": np.nan,
                         "recall": np.nan, "f1": float(np.mean(f))})
            rows.append({"system": system, "seed": seed, "role": "accuracy", "n_gold": len(y), "precision": np.nan,
                         "recall": np.nan, "f1": float((pred == y).mean())})
    return pd.DataFrame(rows)


def fit_roles(inst: pd.DataFrame, X: np.ndarray) -> dict:
    """The shipped role classifier (text only), fitted on every instance: ``W``, ``b``, ``meta``."""
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=ROLE_C, max_iter=3000, class_weight="balanced").fit(X, inst["role"].to_numpy())
    return {"W": clf.coef_.astype(np.float32), "b": clf.intercept_.astype(np.float32),
            "meta": {"roles": [str(c) for c in clf.classes_], "C": ROLE_C}}
