"""Validating :mod:`analysis.hedging`: the seed gold and the Szeged uncertainty corpus.

**Seed gold** (``data/annotations/hedges_gold.csv``, ``hedge_sentences_gold.csv``;
guideline beside them). The guideline's scope is the article body plus two
standfirsts, so cues are found in the raw page with everything outside the gold
sentences blanked (:func:`seed_scope_text`): the hedge measure is scored on its
own, not through the boilerplate segmenter. A predicted cue matches a gold cue
when their spans overlap (one-to-one, greedy by overlap); the table also gives
exact-span matches and matches that agree on the category.

**Szeged** (``../shared/data/szeged/wiki.xml``: the Wikipedia part of the Szeged
Uncertainty Corpus, the CoNLL-2010 source; 20,748 sentences). A sentence with
at least one ``ccue`` is uncertain (CoNLL-2010 task 1). The file annotates
*semantic* uncertainty only (epistemic, doxastic, condition, investigation):
in its training part "claim(ed)" (about 240 sentences) and "according to" (106)
are never cues, so the lexicon is scored there with discourse cues switched off
(``include_discourse=False``).

The split is fixed: a document (``DocID``) is **held out** when the SHA-256 of
its UTF-8 id, read as an integer, is divisible by 5 (:func:`is_held_out`) —
about a fifth of the documents, independent of file order and library versions.
The model is fitted on the other documents (and the news gold) only; every Szeged score is on the
held-out part. The keyword baseline is the :data:`N_KEYWORDS` most frequent
one-word cues of the training part, matched as whole words in any case.
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from analysis import hedging
from analysis.validation import PRF, devset_dir, prf, read_gold

NAME = "szeged"
FILE = "wiki.xml"
HELD_OUT_MOD = 5
N_KEYWORDS = 30
GOLD_CUES = "hedges_gold.csv"
GOLD_SENTENCES = "hedge_sentences_gold.csv"


# --------------------------------------------------------------------------- Szeged

def is_held_out(doc_id: str) -> bool:
    """The fixed held-out rule: SHA-256 of the document id divisible by 5."""
    return int(hashlib.sha256(doc_id.encode("utf-8")).hexdigest(), 16) % HELD_OUT_MOD == 0


def _cue_type(t: str | None) -> str:
    return (t or "").strip().rstrip("_").strip()


def szeged_sentences(root: Path | str | None = None) -> pd.DataFrame:
    """Every sentence of ``szeged/wiki.xml``, one row each.

    Columns: ``doc_id``, ``part`` (Title/Text), ``sentence_id``, ``text``, ``cues``
    (cue strings joined by "; "), ``cue_types`` (types with trailing "_"/spaces
    stripped), ``uncertain`` (at least one cue), ``split`` ('train'/'held_out').
    Raises :class:`analysis.validation.DevSetMissing` when the folder is absent.
    """
    folder = devset_dir(NAME, root)
    path = folder / FILE
    if not path.is_file():
        from analysis.validation import DevSetMissing

        raise DevSetMissing(f"{NAME}/{FILE}", path)
    tree = ET.parse(path)
    rows = []
    for doc in tree.getroot().iter("Document"):
        doc_id = (doc.findtext("DocID") or "").strip()
        split = "held_out" if is_held_out(doc_id) else "train"
        for part in doc.iter("DocumentPart"):
            for s in part.iter("Sentence"):
                cues = list(s.iter("ccue"))
                rows.append({"doc_id": doc_id, "part": part.get("type", ""), "sentence_id": s.get("id", ""),
                             "text": "".join(s.itertext()),
                             "cues": "; ".join("".join(c.itertext()) for c in cues),
                             "cue_types": "; ".join(_cue_type(c.get("type")) for c in cues),
                             "uncertain": bool(cues), "split": split})
    return pd.DataFrame(rows)


def keyword_list(train: pd.DataFrame, n: int = N_KEYWORDS) -> list[str]:
    """The ``n`` most frequent one-word cues (lower-cased) of the training sentences."""
    counts: Counter = Counter()
    for cues in train.loc[train["uncertain"], "cues"]:
        for c in cues.split("; "):
            c = c.strip().lower()
            if c and " " not in c:
                counts[c] += 1
    return [w for w, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]]


def keyword_predict(texts: Sequence[str], words: Sequence[str]) -> list[bool]:
    """The plain baseline: a sentence is uncertain if it contains any of ``words`` (whole word)."""
    pat = re.compile(r"\b(?:" + "|".join(map(re.escape, words)) + r")\b", re.IGNORECASE)
    return [bool(pat.search(t)) for t in texts]


def score_szeged(sents: pd.DataFrame | None = None, root: Path | str | None = None,
                 nlp=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sentence-level P/R/F1 on the held-out part: keyword baseline, lexicon, model.

    Returns ``(scores, held_out)``: one row per method (``method``, ``n_sentences``,
    ``n_gold``, ``n_pred``, ``precision``, ``recall``, ``f1``), and the held-out
    sentences with every method's verdict (for reading the errors).
    """
    sents = szeged_sentences(root) if sents is None else sents
    train = sents[sents["split"] == "train"]
    held = sents[sents["split"] == "held_out"].reset_index(drop=True)
    words = keyword_list(train)
    table = hedging.sentence_uncertainty(held["text"], include_discourse=False, nlp=nlp, genre="wiki")
    held = held.assign(keywords=keyword_predict(held["text"].tolist(), words),
                       lexicon=table["lexicon"].to_numpy(), model=table["model"].to_numpy(),
                       p_model=table["p_model"].to_numpy(), found=table["cues"].to_numpy())
    methods = {
        f"keyword baseline ({len(words)} most frequent training cues)": "keywords",
        "lexicon + context rules (semantic cues)": "lexicon",
        "model (logistic regression on the lexicon verdicts, fitted on the training part and the news gold; Wikipedia threshold)": "model",
    }
    rows = []
    for label, col in methods.items():
        rows.append(prf(held["uncertain"], held[col]).row(method=label, n_sentences=len(held)))
    scores = pd.DataFrame(rows)[["method", "n_sentences", "n_gold", "n_pred", "precision", "recall", "f1"]]
    return scores, held


# --------------------------------------------------------------------------- seed gold

def seed_scope_text(text: str, spans: pd.DataFrame) -> str:
    """``text`` with every character outside the gold sentences blanked (length kept)."""
    chars = [c if c in "\r\n" else " " for c in text]
    for s, e in zip(spans["sentence_start"], spans["sentence_end"]):
        chars[s:e] = text[s:e]
    return "".join(chars)


def seed_predictions(corpus: pd.DataFrame, quotes: dict[str, pd.DataFrame] | None = None,
                     nlp=None) -> pd.DataFrame:
    """:func:`analysis.hedging.find_hedges` on each seed's gold scope, with ``article_id``."""
    gold_s = read_gold(GOLD_SENTENCES)
    parts = []
    for row in corpus.itertuples(index=False):
        spans = gold_s[gold_s["article_id"] == row.article_id]
        if spans.empty:
            continue
        scope = seed_scope_text(row.text, spans)
        found = hedging.find_hedges(scope, quotes=(quotes or {}).get(row.article_id), nlp=nlp)
        found.insert(0, "article_id", row.article_id)
        parts.append(found)
    return pd.concat(parts, ignore_index=True)


#: Source citations that come from the study itself (the seed guideline and the issue),
#: which were written with the five seeds in view.
SEED_INFORMED_SOURCES = ("hedges_guideline.md", "project issue")


def seed_informed_entries() -> list[str]:
    """Lexicon entries whose every source is the study's own guideline or issue.

    Their seed scores are partly in-sample; :func:`score_seed_cues` also reports
    the score without them.
    """
    lex = hedging.lexicon()
    out = []
    for cue, source in zip(lex["cue"], lex["source"]):
        parts = [p.strip() for p in source.split(";") if p.strip()]
        if parts and all(p.startswith(SEED_INFORMED_SOURCES) for p in parts):
            out.append(cue)
    return out


def match_cues(gold: pd.DataFrame, pred: pd.DataFrame) -> pd.DataFrame:
    """One-to-one overlap matching of gold and predicted cues, per article.

    Returns every gold and every predicted cue once: matched pairs side by side,
    unmatched ones with the other side empty. Columns ``*_gold``/``*_pred`` for
    start, end, cue, category, in_quote; ``status`` is 'match', 'missed' or 'spurious'.
    """
    rows = []
    keep = ["start", "end", "cue", "category", "in_quote"]
    for aid in sorted(set(gold["article_id"]) | set(pred["article_id"])):
        g = gold[gold["article_id"] == aid].reset_index(drop=True)
        p = pred[pred["article_id"] == aid].reset_index(drop=True)
        pairs = []
        for i, gr in g.iterrows():
            for j, pr in p.iterrows():
                ov = min(gr["end"], pr["end"]) - max(gr["start"], pr["start"])
                if ov > 0:
                    pairs.append((ov, i, j))
        used_g, used_p = set(), set()
        for ov, i, j in sorted(pairs, key=lambda x: (-x[0], x[1], x[2])):
            if i in used_g or j in used_p:
                continue
            used_g.add(i)
            used_p.add(j)
            rows.append({"article_id": aid, "status": "match",
                         **{f"{k}_gold": g.at[i, k] for k in keep}, **{f"{k}_pred": p.at[j, k] for k in keep}})
        for i in set(range(len(g))) - used_g:
            rows.append({"article_id": aid, "status": "missed", **{f"{k}_gold": g.at[i, k] for k in keep}})
        for j in set(range(len(p))) - used_p:
            rows.append({"article_id": aid, "status": "spurious", **{f"{k}_pred": p.at[j, k] for k in keep}})
    cols = ["article_id", "status"] + [f"{k}_{s}" for k in keep for s in ("gold", "pred")]
    out = pd.DataFrame(rows).reindex(columns=cols)
    out["_pos"] = out["start_gold"].fillna(out["start_pred"])
    return out.sort_values(["article_id", "_pos"]).drop(columns="_pos").reset_index(drop=True)


def score_seed_cues(corpus: pd.DataFrame, quotes: dict[str, pd.DataFrame] | None = None,
                    nlp=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cue P/R/F1 against the seed gold: overall (three match criteria) and per gold category.

    Returns ``(scores, matched)`` where ``matched`` is :func:`match_cues`.
    Per category, a true positive is an overlap match where gold and prediction
    both have that category. One more row scores only the entries with a source
    outside the study (:func:`seed_informed_entries` left out).
    """
    gold = read_gold(GOLD_CUES)
    pred = seed_predictions(corpus, quotes, nlp)
    m = match_cues(gold, pred)
    n_gold, n_pred = len(gold), len(pred)
    is_match = m["status"] == "match"
    exact = is_match & (m["start_gold"] == m["start_pred"]) & (m["end_gold"] == m["end_pred"])
    same_cat = is_match & (m["category_gold"] == m["category_pred"])
    rows = []
    for label, tp in (("span overlap", int(is_match.sum())), ("exact span", int(exact.sum())),
                      ("span overlap + same category", int(same_cat.sum()))):
        rows.append(PRF(tp, n_pred - tp, n_gold - tp).row(scope="all cues", match=label))
    # the same without the entries sourced only from the study's own guideline/issue
    informed = set(seed_informed_entries())
    pred_ind = pred[~pred["entry"].isin(informed)]
    m_ind = match_cues(gold, pred_ind)
    tp = int((m_ind["status"] == "match").sum())
    rows.append(PRF(tp, len(pred_ind) - tp, n_gold - tp).row(
        scope="all cues, seed-independent entries only", match="span overlap"))
    for cat in hedging.CATEGORIES:
        ng = int((gold["category"] == cat).sum())
        npred = int((pred["category"] == cat).sum())
        tp = int((same_cat & (m["category_gold"] == cat)).sum())
        rows.append(PRF(tp, npred - tp, ng - tp).row(scope=cat, match="span overlap + same category"))
    cols = ["scope", "match", "n_gold", "n_pred", "precision", "recall", "f1"]
    return pd.DataFrame(rows)[cols], m


def in_quote_agreement(matched: pd.DataFrame) -> pd.DataFrame:
    """Gold × predicted ``in_quote`` for the matched cues (counts)."""
    mm = matched[matched["status"] == "match"]
    return pd.crosstab(mm["in_quote_gold"].rename("gold"), mm["in_quote_pred"].rename("predicted"))


def score_seed_sentences(corpus: pd.DataFrame | None = None, keywords: Sequence[str] | None = None,
                         nlp=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sentence-level uncertainty on the 88 gold sentences of the seeds.

    Methods: the lexicon counting discourse cues (the seed guideline counts
    distancing and vague attribution as uncertain) and the model read as news
    (which learnt those from the news gold); the keyword
    baseline too when ``keywords`` (from :func:`keyword_list`) is given. Returns
    ``(scores, sentences)``.
    """
    gold = read_gold(GOLD_SENTENCES)
    texts = {}
    if corpus is not None:
        texts = dict(zip(corpus["article_id"], corpus["text"]))
    else:
        from analysis.corpus import load_corpus

        c = load_corpus()
        texts = dict(zip(c["article_id"], c["text"]))
    sents = gold.assign(text=[texts[a][s:e] for a, s, e in
                              zip(gold["article_id"], gold["sentence_start"], gold["sentence_end"])])
    table = hedging.sentence_uncertainty(sents["text"], include_discourse=True, nlp=nlp)
    sents = sents.assign(lexicon=table["lexicon"].to_numpy(), model=table["model"].to_numpy(),
                         p_model=table["p_model"].to_numpy(), found=table["cues"].to_numpy())
    gold_flag = sents["uncertain"].astype(int) == 1
    rows = []
    if keywords is not None:
        sents["keywords"] = keyword_predict(sents["text"].tolist(), keywords)
        rows.append(prf(gold_flag, sents["keywords"]).row(method=f"keyword baseline ({len(keywords)} Szeged cues)"))
    rows.append(prf(gold_flag, sents["lexicon"]).row(method="lexicon + context rules"))
    rows.append(prf(gold_flag, sents["model"]).row(method="model (news)"))
    scores = pd.DataFrame(rows)
    scores.insert(1, "n_sentences", len(sents))
    return scores[["method", "n_sentences", "n_gold", "n_pred", "precision", "recall", "f1"]], sents
