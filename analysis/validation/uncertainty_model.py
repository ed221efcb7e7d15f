"""Fitting and cross-validating the sentence-uncertainty model on news and Wikipedia together.

**Data.** Two development sets labelled under the CoNLL-2010 task 1 definition
(a sentence is uncertain when it holds a cue): the training part of the Szeged
Wikipedia corpus (:func:`analysis.validation.hedging.szeged_sentences`; its
held-out documents are never used here) and the 600 hand-labelled news
sentences of PolNeAR and BASIL dev (:func:`analysis.validation.news_uncertainty.news_sentences`),
whose guideline adds news' own hedges: vague sources ("critics say"),
"reportedly", conditional reporting.

**Model.** A logistic regression over the lexicon's verdicts of the sentence
(:func:`analysis.hedging.sentence_features`: each kept cue, its category and
uncertainty type, each candidate a context rule dropped). With domain
augmentation (Daumé III 2007, "Frustratingly easy domain adaptation", ACL) every
feature appears twice, once shared and once marked with the sentence's genre
(``news:`` / ``wiki:``), so the two corpora share what they agree on — modal
verbs, "possible", "believed" — and each keeps its own weights where they
differ: Szeged never marks "claim" or "according to"; the news guideline marks
vague attribution. Each genre has its own decision threshold.

**Choice.** Every configuration in :data:`CONFIGS` (pooled or augmented
features × regularisation) is scored by document-grouped cross-validation
(:data:`FOLDS` folds; a document's sentences are never split across folds), its
thresholds chosen inside the training folds by an inner cross-validation, so the
out-of-fold F1 is what a new document would get. :func:`nested_scores` goes one
level further for the figure that is reported: in each outer fold the
configuration itself is chosen on the training folds. The baselines are scored on
the same folds: the 30-word keyword list of the Wikipedia training cues, a
30-word list from the news training folds' first cues, and the lexicon's verdict
(semantic cues; news counts discourse cues too).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis import hedging
from analysis.nlp import load_nlp
from analysis.validation import prf
from analysis.validation.hedging import keyword_list, keyword_predict

#: Configurations compared by cross-validation: (feature scheme, inverse regularisation C).
CONFIGS = tuple((scheme, c) for scheme in ("pooled", "augmented") for c in (0.3, 1.0, 3.0))
FOLDS = 5
INNER_FOLDS = 4
THRESHOLDS = np.round(np.arange(0.20, 0.81, 0.02), 2)
N_KEYWORDS = 30
GENRES = {"news": "news", "wiki": "wiki"}


def featurise(texts: Sequence[str], nlp=None) -> list[dict]:
    """:func:`analysis.hedging.sentence_features` of each free-standing sentence (one spaCy pass)."""
    nlp = nlp or load_nlp(disable=("ner",))
    return [hedging.sentence_features(doc) for doc in nlp.pipe(list(texts), batch_size=256)]


def folds_of(doc_ids: Sequence[str], k: int, salt: str = "") -> np.ndarray:
    """A fold number per row, fixed by the SHA-256 of its document id (and ``salt``)."""
    return np.array([int(hashlib.sha256((salt + d).encode("utf-8")).hexdigest()[:8], 16) % k
                     for d in doc_ids], dtype=int)


def _design(feats: Sequence[dict], genres: Sequence[str], scheme: str) -> list[dict]:
    return [hedging.genre_features(f, g if scheme == "augmented" else None) for f, g in zip(feats, genres)]


def _fit(x: list[dict], y: np.ndarray, c: float):
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = DictVectorizer(sparse=True)
    clf = LogisticRegression(C=c, max_iter=5000, solver="lbfgs")
    clf.fit(vec.fit_transform(x), y)
    return vec, clf


def _predict(model, x: list[dict]) -> np.ndarray:
    vec, clf = model
    return clf.predict_proba(vec.transform(x))[:, 1] if x else np.zeros(0)


def best_threshold(y: np.ndarray, p: np.ndarray) -> float:
    """The threshold in :data:`THRESHOLDS` with the best F1 (ties: nearest 0.5)."""
    return max(THRESHOLDS, key=lambda t: (round(prf(y, p >= t).f1, 12), -abs(t - 0.5)))


def _oof(x: list[dict], y: np.ndarray, fold: np.ndarray, c: float) -> np.ndarray:
    p = np.zeros(len(y))
    for k in np.unique(fold):
        tr = fold != k
        model = _fit([x[i] for i in np.flatnonzero(tr)], y[tr], c)
        p[~tr] = _predict(model, [x[i] for i in np.flatnonzero(~tr)])
    return p


def _thresholds(x, y, genres, docs, c) -> dict[str, float]:
    """Per-genre thresholds from an inner cross-validation of the given rows."""
    p = _oof(x, y, folds_of(docs, INNER_FOLDS, salt="inner"), c)
    return {str(g): float(best_threshold(y[genres == g], p[genres == g])) for g in np.unique(genres)}


def fit(feats: Sequence[dict], y: np.ndarray, genres: np.ndarray, docs: np.ndarray,
        scheme: str, c: float) -> dict:
    """One model on the given rows: ``{"vectorizer", "estimator", "thresholds", "scheme", "C"}``."""
    x = _design(feats, genres, scheme)
    vec, clf = _fit(x, y, c)
    return {"vectorizer": vec, "estimator": clf, "thresholds": _thresholds(x, y, genres, docs, c),
            "scheme": scheme, "C": c}


def predict(model: dict, feats: Sequence[dict], genres: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Probabilities and verdicts (each row against its genre's threshold)."""
    x = _design(feats, genres, model["scheme"])
    p = _predict((model["vectorizer"], model["estimator"]), x)
    t = np.array([model["thresholds"][g] for g in genres])
    return p, p >= t


def stack(news: pd.DataFrame, wiki: pd.DataFrame, news_feats: list[dict], wiki_feats: list[dict]):
    """The two sets as one design: features, labels, genres, document ids."""
    feats = list(news_feats) + list(wiki_feats)
    y = np.r_[news["uncertain"].to_numpy(dtype=bool), wiki["uncertain"].to_numpy(dtype=bool)]
    genres = np.array(["news"] * len(news) + ["wiki"] * len(wiki))
    docs = np.r_[("news:" + news["doc_id"].astype(str)).to_numpy(), ("wiki:" + wiki["doc_id"].astype(str)).to_numpy()]
    return feats, y, genres, docs


def news_keywords(news: pd.DataFrame, n: int = N_KEYWORDS) -> list[str]:
    """The ``n`` most frequent one-word first cues of the uncertain news sentences (``cue`` column)."""
    counts = Counter(c.lower() for c in news.loc[news["uncertain"], "cue"] if c and " " not in c)
    return [w for w, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]]


def _choose(feats, y, genres, docs, configs) -> tuple[tuple[str, float], pd.DataFrame]:
    """The configuration with the best out-of-fold news F1 (thresholds chosen in the folds)."""
    fold = folds_of(docs, FOLDS)
    rows, verdicts = [], {}
    for scheme, c in configs:
        pred = np.zeros(len(y), dtype=bool)
        for k in range(FOLDS):
            tr, te = np.flatnonzero(fold != k), np.flatnonzero(fold == k)
            m = fit([feats[i] for i in tr], y[tr], genres[tr], docs[tr], scheme, c)
            pred[te] = predict(m, [feats[i] for i in te], genres[te])[1]
        verdicts[(scheme, c)] = pred
        for g in ("news", "wiki"):
            sel = genres == g
            rows.append(prf(y[sel], pred[sel]).row(scheme=scheme, C=c, genre=g))
    table = pd.DataFrame(rows)
    news_f1 = table[table["genre"] == "news"].set_index(["scheme", "C"])["f1"]
    best = max(configs, key=lambda cfg: (news_f1[cfg], -configs.index(cfg)))
    return best, table


def fit_model(news: pd.DataFrame, wiki: pd.DataFrame, nlp=None, log=print,
              configs: Sequence[tuple[str, float]] = CONFIGS) -> dict:
    """The shipped model: configuration chosen by grouped cross-validation, refitted on all rows.

    ``news`` is :func:`news_sentences`, ``wiki`` the Szeged training part. The bundle
    also records the cross-validation table (``cv``) and the lexicon's digest.
    """
    feats, y, genres, docs = stack(news, wiki, featurise(news["text"], nlp), featurise(wiki["text"], nlp))
    (scheme, c), table = _choose(feats, y, genres, docs, tuple(configs))
    for r in table.itertuples():
        log(f"  {r.scheme:9} C={r.C:<4} {r.genre}: F1 {r.f1:.3f} (P {r.precision:.3f}, R {r.recall:.3f})")
    model = fit(feats, y, genres, docs, scheme, c)
    log(f"chosen: {scheme}, C={c}; thresholds {model['thresholds']}")
    return {**model, "cv": table.to_dict("records"), "lexicon_sha256": hedging.lexicon_sha256()}


def nested_scores(news: pd.DataFrame, wiki: pd.DataFrame, news_feats: list[dict] | None = None,
                  wiki_feats: list[dict] | None = None, nlp=None,
                  configs: Sequence[tuple[str, float]] = CONFIGS) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Out-of-fold P/R/F1 per genre: the model (configuration chosen inside each training fold) and baselines.

    Returns ``(scores, rows)``: ``scores`` has one row per genre × method (``genre``,
    ``method``, ``n_sentences``, ``n_gold``, ``n_pred``, ``precision``, ``recall``,
    ``f1``); ``rows`` every sentence's out-of-fold verdicts (``genre``, ``doc_id``,
    ``uncertain``, ``model``, ``p_model``, ``lexicon``, ``keywords_wiki``,
    ``keywords_news``, ``fold``). Methods:

    * ``keywords (Wikipedia)``: the 30 most frequent one-word cues of the Wikipedia training folds;
    * ``keywords (news)``: the 30 most frequent one-word first cues of the news training folds;
    * ``lexicon``: a kept semantic cue (news: or a discourse cue, as the news guideline counts them);
    * ``model``: :func:`fit` with the configuration and thresholds chosen on the training folds
      (with one configuration in ``configs``, e.g. the shipped model's, only the thresholds are
      chosen there: about 25 fits instead of 750).
    """
    configs = tuple(configs)
    if news_feats is None or wiki_feats is None:
        nlp = nlp or load_nlp(disable=("ner",))
    news_feats = news_feats if news_feats is not None else featurise(news["text"], nlp)
    wiki_feats = wiki_feats if wiki_feats is not None else featurise(wiki["text"], nlp)
    feats, y, genres, docs = stack(news, wiki, news_feats, wiki_feats)
    texts = list(news["text"]) + list(wiki["text"])
    fold = folds_of(docs, FOLDS)
    # the lexicon's verdict is in the features already (a kept cue's uncertainty type): no second parse
    lexicon = np.array([f.get("unc=semantic", 0.0) > 0 or (g == "news" and f.get("unc=discourse", 0.0) > 0)
                        for f, g in zip(feats, genres)], dtype=bool)
    out = {k: np.zeros(len(y), dtype=bool) for k in ("model", "keywords_wiki", "keywords_news")}
    p_model = np.zeros(len(y))
    cue_col = news["cue"] if "cue" in news.columns else pd.Series([""] * len(news))
    for k in range(FOLDS):
        tr, te = np.flatnonzero(fold != k), np.flatnonzero(fold == k)
        sub = [feats[i] for i in tr]
        (scheme, c) = (configs[0] if len(configs) == 1
                       else _choose(sub, y[tr], genres[tr], docs[tr], tuple(configs))[0])
        m = fit(sub, y[tr], genres[tr], docs[tr], scheme, c)
        p_model[te], out["model"][te] = predict(m, [feats[i] for i in te], genres[te])
        wiki_tr = wiki.iloc[[i - len(news) for i in tr if i >= len(news)]]
        news_tr = news.assign(cue=cue_col.to_numpy()).iloc[[i for i in tr if i < len(news)]]
        kw_w, kw_n = keyword_list(wiki_tr, N_KEYWORDS), news_keywords(news_tr, N_KEYWORDS)
        out["keywords_wiki"][te] = keyword_predict([texts[i] for i in te], kw_w)
        out["keywords_news"][te] = keyword_predict([texts[i] for i in te], kw_n)
    rows = pd.DataFrame({"genre": genres, "doc_id": docs, "uncertain": y, "model": out["model"],
                         "p_model": np.round(p_model, 4), "lexicon": lexicon,
                         "keywords_wiki": out["keywords_wiki"], "keywords_news": out["keywords_news"],
                         "fold": fold})
    methods = {"keywords (Wikipedia)": "keywords_wiki", "keywords (news)": "keywords_news",
               "lexicon": "lexicon", "model": "model"}
    scores = []
    for g in ("news", "wiki"):
        sel = rows["genre"] == g
        for label, col in methods.items():
            scores.append(prf(rows.loc[sel, "uncertain"], rows.loc[sel, col])
                          .row(genre=g, method=label, n_sentences=int(sel.sum())))
    cols = ["genre", "method", "n_sentences", "n_gold", "n_pred", "precision", "recall", "f1"]
    return pd.DataFrame(scores)[cols], rows
