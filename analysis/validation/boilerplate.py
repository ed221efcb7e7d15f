"""Validating :mod:`analysis.boilerplate`: seed gold and the extraction benchmark.

Benchmark labels (``extraction_benchmark/``) are derived as its README says: a
non-blank line of ``pageText`` is article text when its normalised form
(NFKC, whitespace collapsed) occurs in the normalised ``articleBody``,
otherwise boilerplate. That rule is noisy — the gold body omits tables, lists
and headlines, some stop at a paywall, and a very short line ("AI") can occur
inside the body by chance — so disagreements should be read before a figure
is trusted (:func:`benchmark_lines` keeps every line for that).

On the benchmark our ``furniture`` (headline, captions, credits) counts as
not-body, since the benchmark's ``articleBody`` leaves those out; the class
scored there is "not article body". On the seeds, the gold has three labels
and the class scored is ``boilerplate`` itself.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import boilerplate as bp
from analysis.validation import devset_dir, prf, read_gold

NAME = "extraction_benchmark"
GOLD_FILE = "boilerplate_gold.csv"
#: A page is taken as English when at least this share of its words are English stopwords.
ENGLISH_MIN_STOPWORDS = 0.25


def _norm(t: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", t).split())


def benchmark_pages(root: Path | str | None = None) -> pd.DataFrame:
    """One row per page: ``page_id``, ``url``, ``page_text``, ``article_body``, ``english``."""
    folder = devset_dir(NAME, root)
    pages = json.loads((folder / "page-text.json").read_text(encoding="utf-8"))
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    missing = sorted(set(pages) ^ set(truth))
    if missing:
        raise ValueError(f"{folder}: page-text.json and ground-truth.json disagree on ids {missing[:3]}")
    stop = bp.stopwords()
    rows = []
    for pid in sorted(pages):
        text = pages[pid]["pageText"]
        words = re.findall(r"[^\W\d_]+", text.lower())
        share = sum(w in stop for w in words) / len(words) if words else 0.0
        rows.append({"page_id": pid, "url": truth[pid].get("url", ""), "page_text": text,
                     "article_body": truth[pid]["articleBody"] or "",
                     "english": share >= ENGLISH_MIN_STOPWORDS})
    return pd.DataFrame(rows)


def benchmark_lines(pages: pd.DataFrame) -> pd.DataFrame:
    """Every non-blank line of every page with its derived gold ``is_body``."""
    parts = []
    for row in pages.itertuples(index=False):
        lines = bp.split_lines(row.page_text)
        body = _norm(row.article_body)
        lines["is_body"] = [_norm(t) in body for t in lines["text"]]
        lines.insert(0, "english", row.english)
        lines.insert(0, "page_id", row.page_id)
        parts.append(lines)
    return pd.concat(parts, ignore_index=True)


def benchmark_features(pages: pd.DataFrame) -> pd.DataFrame:
    """:func:`benchmark_lines` plus the segmenter's line features (what the model is fitted on)."""
    lines = benchmark_lines(pages)
    feats = [bp.line_features(g.reset_index(drop=True)) for _, g in lines.groupby("page_id", sort=False)]
    return pd.concat([lines, pd.concat(feats, ignore_index=True)], axis=1)


def justext_baseline(lines: Sequence[str]) -> list[bool]:
    """jusText (Pomikálek 2011) on the same lines, each as one ``<p>``: True = boilerplate.

    jusText's default English settings; "good" paragraphs are body, everything
    else (bad, short, near-good left after its context pass) is boilerplate.
    """
    import justext

    if not lines:
        return []
    doc = "<html><body>" + "".join(f"<p>{html.escape(t)}</p>" for t in lines) + "</body></html>"
    paras = justext.justext(doc.encode("utf-8"), justext.get_stoplist("English"), encoding="utf-8")
    if len(paras) != len(lines):  # jusText drops nothing we gave it, but check
        raise RuntimeError(f"jusText returned {len(paras)} paragraphs for {len(lines)} lines")
    return [p.is_boilerplate for p in paras]


def score_benchmark(pages: pd.DataFrame, folds: int = 5, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Line-level scores of the not-body class on the benchmark pages.

    Three systems in the same run: the shipped segmenter (its model was fitted
    on these pages, so it is optimistic), the same segmenter with its model
    refitted by page-grouped cross-validation (the honest figure: each page is
    labelled by a model that never saw it), and the jusText baseline.
    Returns ``(scores, lines)``: one row per system × subset (all / English
    pages), and every line with each system's prediction.
    """
    from analysis.validation.boilerplate_model import cross_val_models

    feats = benchmark_features(pages)
    cv_models = cross_val_models(feats, folds=folds, seed=seed)
    preds = {"segmenter (shipped model)": [], "segmenter (cross-validated)": [], "jusText baseline": []}
    order = []
    for pid, g in feats.groupby("page_id", sort=False):
        text = pages.loc[pages["page_id"] == pid, "page_text"].iat[0]
        preds["segmenter (shipped model)"].extend(bp.segment(text)["label"] != "body")
        preds["segmenter (cross-validated)"].extend(bp.segment(text, model=cv_models[pid])["label"] != "body")
        preds["jusText baseline"].extend(justext_baseline(g["text"].tolist()))
        order.append(g)
    lines = pd.concat(order, ignore_index=True)[["page_id", "english", "line_no", "start", "end", "text", "is_body"]]
    for name, p in preds.items():
        lines[name] = p
    rows = []
    for subset, mask in (("all pages", np.ones(len(lines), bool)), ("English pages", lines["english"].to_numpy())):
        sub = lines[mask]
        for name in preds:
            rows.append(prf(~sub["is_body"], sub[name]).row(
                system=name, subset=subset, pages=sub["page_id"].nunique(), lines=len(sub)))
    return pd.DataFrame(rows), lines


def seed_predictions(corpus: pd.DataFrame) -> pd.DataFrame:
    """Gold lines of the seeds beside the segmenter's and jusText's labels."""
    gold = read_gold(GOLD_FILE)
    seg = bp.segment_corpus(corpus)
    merged = gold.merge(seg[["article_id", "start", "end", "label", "reason"]],
                        on=["article_id", "start", "end"], how="outer",
                        suffixes=("_gold", "_pred"), indicator=True)
    if (merged["_merge"] != "both").any():
        bad = merged[merged["_merge"] != "both"][["article_id", "start", "end"]].head()
        raise AssertionError(f"gold and segmenter lines differ:\n{bad}")
    jt = []
    for _, g in merged.groupby("article_id", sort=False):
        jt.extend(justext_baseline(g["text"].tolist()))
    merged["justext_boilerplate"] = jt
    return merged.drop(columns="_merge")


def score_seeds(corpus: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Boilerplate-class and per-label scores on the seed gold; also jusText's."""
    m = seed_predictions(corpus)
    rows = [prf(m["label_gold"] == "boilerplate", m["label_pred"] == "boilerplate").row(
                system="segmenter", label="boilerplate"),
            prf(m["label_gold"] == "boilerplate", m["justext_boilerplate"]).row(
                system="jusText baseline", label="boilerplate"),
            prf(m["label_gold"] != "body", m["label_pred"] != "body").row(
                system="segmenter", label="not body"),
            prf(m["label_gold"] != "body", m["justext_boilerplate"]).row(
                system="jusText baseline", label="not body")]
    for lab in ("body", "furniture"):
        rows.append(prf(m["label_gold"] == lab, m["label_pred"] == lab).row(system="segmenter", label=lab))
    return pd.DataFrame(rows), m
