"""Label adoption checked against hand labels: the seed gold, and BASIL's quote=yes/no bias spans.

Seeds: every instance of ``data/annotations/label_adoption_gold.csv`` (a
designation among the gold actor mentions, labelled own / reported / distanced
by ``label_adoption_guideline.md``) is classified by
:func:`analysis.measures.label_voice.classify` from the engine's quotation and
scare-quote tables of its article — the gold span, so mention detection (scored
in notebook 30) does not enter — and scored per voice class (precision, recall,
F1) and macro-F1, beside two baselines in the same run: everything ``own``, and
``reported`` inside quotation marks.

BASIL (Fan et al. 2019, development part): each lexical-bias span toward a
target says whether it lies inside quotation marks (``quote`` = yes: a direct or
partial quotation) or not (the author's words, or reported speech without
quotation marks). The classifier's verdict that the words stand inside
quotation marks (its rules :data:`~analysis.measures.label_voice.QUOTATION_MARK_RULES`:
a direct or partial quotation, scare quotes, unattributed quotation marks) is
scored against ``quote = yes``, beside the quotation-mark baseline and "never
quoted". It checks the own-versus-quoted split, not the reported-versus-distanced one
(BASIL does not label that).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.measures import label_voice as lv
from analysis.validation import devset_dir, prf, read_gold

GOLD_FILE = "label_adoption_gold.csv"
SYSTEMS = ("label_voice", "all own", "quotation marks")


def gold() -> pd.DataFrame:
    return read_gold(GOLD_FILE)


def _predict(text: str, spans: pd.DataFrame, quotes: pd.DataFrame, scare: pd.DataFrame) -> dict[str, list[str]]:
    return {"label_voice": lv.classify(text, spans, quotes, scare)["voice"].tolist(),
            "all own": ["own"] * len(spans), "quotation marks": lv.quote_mark_baseline(text, spans)}


def seed_predictions(corpus: pd.DataFrame, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The gold instances with each system's voice (columns ``pred_<system>``)."""
    g = gold()
    texts = dict(zip(corpus["article_id"].astype(str), corpus["text"]))
    parts = []
    for aid, rows in g.groupby("article_id", sort=True):
        q = tables["lead_quotes"][tables["lead_quotes"]["article_id"] == aid]
        sc = tables["scare_quotes"][tables["scare_quotes"]["article_id"] == aid]
        preds = _predict(texts[aid], rows, q, sc)
        parts.append(rows.assign(**{f"pred_{k}": v for k, v in preds.items()}))
    return pd.concat(parts, ignore_index=True)


def score(pred: pd.DataFrame, gold_col: str = "voice", classes=lv.VOICES) -> pd.DataFrame:
    """Per system and class: ``n_gold``, ``n_pred``, precision, recall, F1; then ``macro`` and ``accuracy`` rows."""
    rows = []
    for system in SYSTEMS:
        p = pred[f"pred_{system}"]
        f1s = []
        for c in classes:
            r = prf(pred[gold_col] == c, p == c).row(system=system, label=c)
            rows.append(r)
            f1s.append(r["f1"])
        rows.append({"system": system, "label": "macro", "n_gold": len(pred), "n_pred": len(pred),
                     "precision": np.nan, "recall": np.nan, "f1": round(float(np.mean(f1s)), 4)})
        acc = float((p == pred[gold_col]).mean()) if len(pred) else np.nan
        rows.append({"system": system, "label": "accuracy", "n_gold": len(pred), "n_pred": len(pred),
                     "precision": np.nan, "recall": np.nan, "f1": round(acc, 4)})
    return pd.DataFrame(rows, columns=["system", "label", "n_gold", "n_pred", "precision", "recall", "f1"])


def evaluate_seeds(corpus: pd.DataFrame, tables: dict[str, pd.DataFrame]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(scores, predictions)`` on the seed gold (see the module docstring)."""
    pred = seed_predictions(corpus, tables)
    return score(pred), pred


# --------------------------------------------------------------------------- BASIL

def basil_spans(root: Path | str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(corpus, spans)``: BASIL dev as a corpus (:func:`analysis.validation.events.basil_corpus`) and its
    lexical-bias spans located in the article text (``article_id``, ``start``, ``end``, ``txt``, ``quote``,
    ``target``); a span whose text is not found in its sentence is left out and counted in ``spans.attrs``."""
    from analysis.validation.events import basil_corpus

    folder = devset_dir("basil_dev", root)
    corpus = basil_corpus(root)
    rows, lost = [], 0
    for path in sorted((folder / "articles").glob("*/*.json")):
        art = json.loads(path.read_text(encoding="utf-8"))
        ann_path = folder / "annotations" / path.parent.name / f"{path.stem}_ann.json"
        if not ann_path.exists():
            continue
        ann = json.loads(ann_path.read_text(encoding="utf-8"))
        text = "\n\n".join([art.get("title", "")] + [" ".join(p) for p in art["body-paragraphs"]])
        for a in ann.get("phrase-level-annotations", []):
            if a.get("bias") != "lex" or a.get("quote") not in ("yes", "no"):
                continue
            txt = str(a.get("txt", "")).strip()
            k = text.find(txt) if txt else -1
            if k < 0:
                lost += 1
                continue
            rows.append({"article_id": path.stem, "start": k, "end": k + len(txt), "txt": txt,
                         "quote": a["quote"], "target": a.get("target", "")})
    spans = pd.DataFrame(rows)
    spans.attrs["not_found"] = lost
    return corpus, spans


def evaluate_basil(corpus: pd.DataFrame, spans: pd.DataFrame, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """``quote = yes`` (inside a direct quotation) scored for the classifier and two baselines.

    ``tables`` are the engine's ``quotes`` (``lead_quotes``) and ``scare_quotes``
    of ``corpus`` (plain texts: the whole text is body). Rows: ``system``,
    ``n_gold`` (spans with quote = yes), ``n_pred``, precision, recall, F1, ``n`` (all spans).
    """
    texts = dict(zip(corpus["article_id"].astype(str), corpus["text"]))
    parts = []
    for aid, rows in spans.groupby("article_id", sort=True):
        q = tables["lead_quotes"][tables["lead_quotes"]["article_id"] == aid]
        sc = tables["scare_quotes"][tables["scare_quotes"]["article_id"] == aid]
        v = lv.classify(texts[aid], rows, q, sc)
        parts.append(rows.assign(pred_label_voice=v["rule"].isin(lv.QUOTATION_MARK_RULES).to_numpy(),
                                 **{"pred_quotation marks": np.array(lv.quote_mark_baseline(texts[aid], rows))
                                    == "reported",
                                    "pred_never quoted": False}))
    pred = pd.concat(parts, ignore_index=True)
    gold_yes = pred["quote"] == "yes"
    out = [prf(gold_yes, pred[f"pred_{s}"]).row(system=s, n=len(pred))
           for s in ("label_voice", "quotation marks", "never quoted")]
    return pd.DataFrame(out)
