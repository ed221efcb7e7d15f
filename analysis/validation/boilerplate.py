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

    Four systems in the same run: the shipped segmenter (its model was fitted
    on these pages, so it is optimistic), the same segmenter with its model
    refitted by page-grouped cross-validation (the honest figure: each page is
    labelled by a model that never saw it), that one without its clean-page
    gate (the segmenter as it was before the gate), and the jusText baseline.
    Returns ``(scores, lines)``: one row per system × subset (all / English
    pages), and every line with each system's prediction.
    """
    from analysis.validation.boilerplate_model import cross_val_models

    feats = benchmark_features(pages)
    cv_models = cross_val_models(feats, folds=folds, seed=seed)
    preds = {"segmenter (shipped model)": [], "segmenter (cross-validated)": [],
             "segmenter without the page gate (cross-validated)": [], "jusText baseline": []}
    order = []
    for pid, g in feats.groupby("page_id", sort=False):
        text = pages.loc[pages["page_id"] == pid, "page_text"].iat[0]
        preds["segmenter (shipped model)"].extend(bp.segment(text)["label"] != "body")
        preds["segmenter (cross-validated)"].extend(bp.segment(text, model=cv_models[pid])["label"] != "body")
        preds["segmenter without the page gate (cross-validated)"].extend(
            bp.segment(text, model=cv_models[pid], min_sentence_share=None)["label"] != "body")
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
    """Gold lines of the seeds beside the segmenter's, the segmenter's without its page gate and jusText's labels."""
    gold = read_gold(GOLD_FILE)
    seg = bp.segment_corpus(corpus)
    seg["label_without_gate"] = bp.segment_corpus(corpus, min_sentence_share=None)["label"].to_numpy()
    merged = gold.merge(seg[["article_id", "start", "end", "label", "reason", "label_without_gate"]],
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
    """Boilerplate-class and per-label scores on the seed gold; also without the page gate, and jusText's."""
    m = seed_predictions(corpus)
    rows = [prf(m["label_gold"] == "boilerplate", m["label_pred"] == "boilerplate").row(
                system="segmenter", label="boilerplate"),
            prf(m["label_gold"] == "boilerplate", m["label_without_gate"] == "boilerplate").row(
                system="segmenter without the page gate", label="boilerplate"),
            prf(m["label_gold"] == "boilerplate", m["justext_boilerplate"]).row(
                system="jusText baseline", label="boilerplate"),
            prf(m["label_gold"] != "body", m["label_pred"] != "body").row(
                system="segmenter", label="not body"),
            prf(m["label_gold"] != "body", m["justext_boilerplate"]).row(
                system="jusText baseline", label="not body")]
    for lab in ("body", "furniture"):
        rows.append(prf(m["label_gold"] == lab, m["label_pred"] == lab).row(system="segmenter", label=lab))
    return pd.DataFrame(rows), m


# --------------------------------------------------------------------------------------
# Clean text: corpora with no site chrome, whose every line is article text
# --------------------------------------------------------------------------------------

#: The clean development corpora: name → (folder under the shared data, what it is).
CLEAN_CORPORA = {"BASIL dev": "body paragraphs of 210 news articles (title first)",
                 "PolNeAR dev": "84 news articles' text as the corpus ships it",
                 "PolNeAR train": "840 news articles' text as the corpus ships it"}
_DISCARD_RE = re.compile(r"^T\d+\tDiscard ([\d ;]+)\t", re.MULTILINE)
#: The page gate's thresholds tried by :func:`choose_gate`.
GATE_THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.0, 1.001, 0.05))


def polnear_discards(folder: Path) -> dict[str, list[tuple[int, int]]]:
    """Spans PolNeAR's annotators marked ``Discard`` (bylines, "Read the rest here."), by article, any annotator."""
    out: dict[str, list[tuple[int, int]]] = {}
    for ann in sorted((folder / "attributions").glob("*.ann")):
        name = ann.stem.rpartition("_")[0]
        for m in _DISCARD_RE.finditer(ann.read_text(encoding="utf-8")):
            out.setdefault(name, []).extend(tuple(map(int, part.split())) for part in m.group(1).split(";"))
    return out


def clean_corpora(root: Path | str | None = None) -> dict[str, pd.DataFrame]:
    """The clean corpora of :data:`CLEAN_CORPORA` as corpus tables, plus ``discard``: spans one may cut.

    BASIL's articles are its body paragraphs (:func:`analysis.validation.events.basil_corpus`);
    PolNeAR's are its ``text/`` files, the outlet taken from the file name. Every
    line is article text except what PolNeAR's annotators marked ``Discard``
    (not exhaustive), which is left out of the score.
    """
    from analysis.validation.events import basil_corpus

    basil = basil_corpus(root)[["article_id", "outlet", "text"]]
    basil["discard"] = [[] for _ in range(len(basil))]
    out = {"BASIL dev": basil}
    for split in ("dev", "train"):
        folder = devset_dir("polnear", root) / split
        discards = polnear_discards(folder)
        rows = [{"article_id": p.stem, "outlet": p.stem.split("_")[0],
                 "text": p.read_bytes().decode("utf-8"), "discard": discards.get(p.stem, [])}
                for p in sorted((folder / "text").glob("*.txt"))]
        out[f"PolNeAR {split}"] = pd.DataFrame(rows)
    return out


def _clean_line_table(corpus: pd.DataFrame, min_sentence_share: float | None) -> pd.DataFrame:
    """Every line of a clean corpus with its label, ``scored`` False where it overlaps a Discard span."""
    seg = bp.segment_corpus(corpus[["article_id", "outlet", "text"]], min_sentence_share=min_sentence_share)
    spans = dict(zip(corpus["article_id"], corpus["discard"]))
    seg["scored"] = [not any(s < e2 and s2 < e for s2, e2 in spans.get(a, ()))
                     for a, s, e in zip(seg["article_id"], seg["start"], seg["end"])]
    return seg


def score_clean(corpora: dict[str, pd.DataFrame]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The share of clean lines cut as boilerplate, per corpus, beside the same segmenter without its
    page gate (the behaviour before it) and jusText, in the same run.

    Returns ``(scores, lines)``: one row per corpus × system (``articles``,
    ``lines`` scored, ``cut`` lines labelled boilerplate, ``share_cut``;
    ``not_body`` and ``share_not_body`` count furniture too: a headline,
    standfirst or credit leaves the body as well), and the gated segmenter's
    lines with each system's label. Lower is better: every scored line is
    article text.
    """
    rows, parts = [], []
    for name, corpus in corpora.items():
        gated = _clean_line_table(corpus, bp.CLEAN_MIN_SENTENCE_SHARE)
        ungated = _clean_line_table(corpus, None)
        jt = [v for _, g in gated.groupby("article_id", sort=False) for v in justext_baseline(g["text"].tolist())]
        systems = {"segmenter": gated["label"],
                   "segmenter without the page gate": ungated["label"],
                   "jusText baseline": pd.Series(np.where(jt, "boilerplate", "body"), index=gated.index)}
        scored = gated["scored"].to_numpy()
        for system, labels in systems.items():
            lab = labels.to_numpy()[scored]
            rows.append({"corpus": name, "system": system, "articles": corpus["article_id"].nunique(),
                         "lines": int(scored.sum()), "cut": int((lab == "boilerplate").sum()),
                         "share_cut": round(float((lab == "boilerplate").mean()), 4),
                         "not_body": int((lab != "body").sum()),
                         "share_not_body": round(float((lab != "body").mean()), 4)})
        parts.append(gated.assign(corpus=name, label_without_gate=ungated["label"].to_numpy(),
                                  justext_boilerplate=jt))
    return pd.DataFrame(rows), pd.concat(parts, ignore_index=True)


def gate_pages(corpora: dict[str, pd.DataFrame], bench: pd.DataFrame) -> pd.DataFrame:
    """Each development page's gate evidence and its line errors with and without the page gate.

    One row per page of the clean corpora and of the extraction benchmark
    (``bench``: :func:`benchmark_pages`): ``set``, ``page_id``,
    ``sentence_share`` and ``chrome_hit`` (:func:`analysis.boilerplate.page_evidence`),
    ``errors_web`` (labelled as a web page) and ``errors_clean`` (labelled as a
    clean page when it has no chrome hit). An error on a clean page is a scored
    line cut as boilerplate; on a benchmark page, a line whose body / not-body
    call disagrees with the benchmark.
    """
    rows = []
    sets = {name: (c, None) for name, c in corpora.items()}
    sets["extraction benchmark"] = (bench.rename(columns={"page_id": "article_id", "page_text": "text"})
                                    .assign(outlet=lambda d: d["article_id"]), bench)
    for name, (corpus, pages) in sets.items():
        if pages is None:
            web, clean = _clean_line_table(corpus, None), _clean_line_table(corpus, 0.0)
            web_err = web["scored"] & (web["label"] == "boilerplate")
            clean_err = clean["scored"] & (clean["label"] == "boilerplate")
        else:
            gold = benchmark_lines(pages)
            web = bp.segment_corpus(corpus[["article_id", "outlet", "text"]], min_sentence_share=None)
            clean = bp.segment_corpus(corpus[["article_id", "outlet", "text"]], min_sentence_share=0.0)
            web_err = (web["label"] != "body").to_numpy() == gold["is_body"].to_numpy()
            clean_err = (clean["label"] != "body").to_numpy() == gold["is_body"].to_numpy()
        err = pd.DataFrame({"article_id": web["article_id"], "web": np.asarray(web_err, dtype=int),
                            "clean": np.asarray(clean_err, dtype=int)}).groupby("article_id", sort=False).sum()
        for row in corpus.itertuples(index=False):
            lines = bp.split_lines(row.text)
            share, hit = bp.page_evidence(bp.line_features(lines))
            e = err.loc[row.article_id] if row.article_id in err.index else {"web": 0, "clean": 0}
            rows.append({"set": name, "page_id": row.article_id, "lines": len(lines), "sentence_share": share,
                         "chrome_hit": hit, "errors_web": int(e["web"]), "errors_clean": int(e["clean"])})
    return pd.DataFrame(rows)


def gate_errors(pages: pd.DataFrame, threshold: float) -> int:
    """Line errors of :func:`gate_pages`' pages with the gate at ``threshold``."""
    clean = (pages["sentence_share"] >= threshold) & ~pages["chrome_hit"]
    return int(np.where(clean, pages["errors_clean"], pages["errors_web"]).sum())


#: :func:`best_threshold` takes the most cautious threshold whose errors are within this share of the fewest
#: (the spirit of the one-standard-error rule, Breiman et al. 1984: of near-equal settings, the safer one).
GATE_TOLERANCE = 0.01


def best_threshold(pages: pd.DataFrame, thresholds=GATE_THRESHOLDS, tolerance: float = GATE_TOLERANCE) -> float:
    """The highest threshold (the most cautious gate) with at most ``1 + tolerance`` times the fewest errors."""
    errors = {t: gate_errors(pages, t) for t in thresholds}
    least = min(errors.values())
    return max(t for t, e in errors.items() if e <= least * (1 + tolerance))


def choose_gate(pages: pd.DataFrame, folds: int = 5, seed: int = 0,
                thresholds=GATE_THRESHOLDS) -> pd.DataFrame:
    """Page-grouped K-fold choice of the gate's threshold on :func:`gate_pages`' pages.

    Pages are dealt to folds within each set; for each fold the threshold with
    the fewest errors on the other folds (:func:`best_threshold`) is applied to
    the held-out pages, and their errors with no gate are the baseline. One row
    per fold × set: ``threshold``, ``pages``, ``lines``, ``errors`` (gated),
    ``errors_without_gate``.
    """
    rng = np.random.default_rng(seed)
    fold = np.empty(len(pages), dtype=int)
    for _, ix in pages.groupby("set", sort=False).indices.items():
        fold[ix] = rng.permutation(len(ix)) % folds
    rows = []
    for k in range(folds):
        t = best_threshold(pages[fold != k], thresholds)
        held = pages[fold == k]
        for name, g in held.groupby("set", sort=False):
            rows.append({"fold": k, "set": name, "threshold": t, "pages": len(g), "lines": int(g["lines"].sum()),
                         "errors": gate_errors(g, t), "errors_without_gate": gate_errors(g, 2.0)})
    return pd.DataFrame(rows)
