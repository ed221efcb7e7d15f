"""Scoring target-dependent sentiment against NewsMTSC (Hamborg & Donnay 2021).

NewsMTSC (*NewsMTSC: (Multi-)Target-dependent Sentiment Classification in
News Articles*, EACL 2021) labels the sentiment of a news sentence *toward a
named target* (a person mention) as negative, neutral or positive. Its files
live in ``<shared data>/newsmtsc/`` (never committed): ``train.jsonl`` is the
only split a model here is fitted on, ``devtest_rw.jsonl`` (the "real-world"
distribution) the only split it is scored on.

The headline figure is macro-F1 over the three classes (the paper's F1m);
per-class precision, recall and F1 are reported beside it, and always next to
the VADER baseline scored in the same run (Hutto & Gilbert 2014, *VADER: A
Parsimonious Rule-based Model for Sentiment Analysis of Social Media Text*,
ICWSM) — VADER reads the whole sentence and cannot tell two targets apart,
which is what a target-dependent model must beat.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.validation import devset_dir

LABELS = ("negative", "neutral", "positive")
#: NewsMTSC's polarity codes.
POLARITY = {2.0: "negative", 4.0: "neutral", 6.0: "positive"}
SPLITS = ("train", "devtest_rw")
#: VADER compound cut-offs (the thresholds recommended by its authors).
VADER_POS = 0.05
VADER_NEG = -0.05


def load_newsmtsc(split: str = "devtest_rw", root: Path | str | None = None) -> pd.DataFrame:
    """One row per target: ``sentence_id``, ``sentence``, ``start``, ``end``, ``mention``, ``label``.

    ``sentence[start:end] == mention`` (``end`` exclusive); ``sentence_id`` is
    the 0-based line of the sentence in the file, so targets of one sentence
    share it. Raises :class:`~analysis.validation.DevSetMissing` when the
    folder is absent, ``ValueError`` for an unknown split or a span that does
    not match its mention.
    """
    if split not in SPLITS:
        raise ValueError(f"unknown NewsMTSC split {split!r}; use one of {SPLITS}")
    path = devset_dir("newsmtsc", root) / f"{split}.jsonl"
    rows = []
    with open(path, encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            rec = json.loads(line)
            sentence = rec["sentence_normalized"]
            for t in rec["targets"]:
                start, end = int(t["from"]), int(t["to"])
                if sentence[start:end] != t["mention"]:
                    raise ValueError(f"{path.name} line {i + 1}: span {start}:{end} is "
                                     f"{sentence[start:end]!r}, not {t['mention']!r}")
                rows.append((i, sentence, start, end, t["mention"], POLARITY[float(t["polarity"])]))
    return pd.DataFrame(rows, columns=["sentence_id", "sentence", "start", "end", "mention", "label"])


def vader_labels(sentences) -> list[str]:
    """VADER on the whole sentence: compound ≥ 0.05 positive, ≤ −0.05 negative, else neutral."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    sia = SentimentIntensityAnalyzer()
    out = []
    for s in sentences:
        c = sia.polarity_scores(s)["compound"]
        out.append("positive" if c >= VADER_POS else "negative" if c <= VADER_NEG else "neutral")
    return out


def score(gold, pred, system: str = "model") -> pd.DataFrame:
    """Per-class P/R/F1 plus a ``macro`` row (unweighted mean over the three classes).

    Columns: ``system``, ``label``, ``n_gold``, ``n_pred``, ``precision``,
    ``recall``, ``f1``. The ``macro`` row's ``f1`` is sklearn's
    ``f1_score(average="macro")`` — the figure NewsMTSC reports as F1m.
    """
    from sklearn.metrics import f1_score, precision_recall_fscore_support

    gold, pred = list(gold), list(pred)
    if len(gold) != len(pred):
        raise ValueError(f"gold has {len(gold)} items, predictions {len(pred)}")
    p, r, f, n = precision_recall_fscore_support(gold, pred, labels=list(LABELS), zero_division=0)
    rows = [{"system": system, "label": lab, "n_gold": int(n[k]),
             "n_pred": int(sum(x == lab for x in pred)), "precision": round(float(p[k]), 4),
             "recall": round(float(r[k]), 4), "f1": round(float(f[k]), 4)}
            for k, lab in enumerate(LABELS)]
    macro = f1_score(gold, pred, labels=list(LABELS), average="macro", zero_division=0)
    rows.append({"system": system, "label": "macro", "n_gold": len(gold), "n_pred": len(pred),
                 "precision": round(float(np.mean(p)), 4), "recall": round(float(np.mean(r)), 4),
                 "f1": round(float(macro), 4)})
    return pd.DataFrame(rows)


def evaluate(split: str = "devtest_rw", root: Path | str | None = None,
             model: dict | None = None) -> pd.DataFrame:
    """Score :func:`analysis.sentiment.classify_targets` and VADER on one split, same run.

    Returns :func:`score`'s table for ``system`` = ``"target-model"`` and
    ``"vader-sentence"`` stacked (eight rows). Read the ``macro`` rows first.
    """
    from analysis.sentiment import classify_targets

    data = load_newsmtsc(split, root)
    pred = classify_targets(data["sentence"].tolist(), list(zip(data["start"], data["end"])),
                            model=model)
    vader = vader_labels(data["sentence"])
    return pd.concat([score(data["label"], pred["label"], "target-model"),
                      score(data["label"], vader, "vader-sentence")], ignore_index=True)


def seed_gold(corpus: pd.DataFrame | None = None) -> pd.DataFrame:
    """The seed target-sentiment gold joined to its sentences: one row per labelled mention.

    Units (``data/annotations/seed_sentiment_units.csv``: the main-actor mentions of
    the five seeds, offsets into the raw text) and labels
    (``seed_sentiment_gold.csv``, guideline ``seed_sentiment_guideline.md``: a reader
    who saw only the sentence and the marked target). Columns: ``unit_id``,
    ``article_id``, ``actor``, ``sentence``, ``start``, ``end`` (the target within
    the sentence), ``label``.
    """
    from analysis.corpus import load_corpus
    from analysis.validation import read_gold

    corpus = load_corpus() if corpus is None else corpus
    texts = dict(zip(corpus["article_id"], corpus["text"]))
    units = read_gold("seed_sentiment_units.csv")
    gold = read_gold("seed_sentiment_gold.csv").set_index("unit_id")["sentiment"]
    rows = []
    for u in units.itertuples(index=False):
        s0, s1 = int(u.sentence_start), int(u.sentence_end)
        rows.append({"unit_id": u.unit_id, "article_id": u.article_id, "actor": u.actor,
                     "sentence": texts[u.article_id][s0:s1], "start": int(u.start) - s0,
                     "end": int(u.end) - s0, "label": gold[u.unit_id]})
    return pd.DataFrame(rows)


def evaluate_seeds(corpus: pd.DataFrame | None = None, model: dict | None = None) -> pd.DataFrame:
    """Score the target model, VADER and an all-neutral baseline on the seed gold, same run.

    In-domain check (conflict news): :func:`score`'s table for ``target-model``,
    ``vader-sentence`` and ``all-neutral``; ``opposite_sign`` on the macro rows is
    the share of mentions given the opposite polarity (negative for positive or the
    reverse).
    """
    from analysis.sentiment import classify_targets

    data = seed_gold(corpus)
    pred = classify_targets(data["sentence"].tolist(), list(zip(data["start"], data["end"])), model=model)
    systems = {"target-model": pred["label"].tolist(), "vader-sentence": vader_labels(data["sentence"]),
               "all-neutral": ["neutral"] * len(data)}
    parts = []
    gold = data["label"].tolist()
    for name, labels in systems.items():
        t = score(gold, labels, name)
        opp = np.mean([{g, p} == {"negative", "positive"} for g, p in zip(gold, labels)]) if gold else np.nan
        t["opposite_sign"] = np.where(t["label"] == "macro", round(float(opp), 4), np.nan)
        parts.append(t)
    return pd.concat(parts, ignore_index=True)


def macro_f1(table: pd.DataFrame, system: str) -> float:
    """The macro-F1 of ``system`` in an :func:`evaluate` table."""
    row = table[(table["system"] == system) & (table["label"] == "macro")]
    return float(row["f1"].iloc[0])


# ---------------------------------------------------------------------------
# Fitting the adapters (used by scripts/train_sentiment.py; train.jsonl only)

#: Hyper-parameters of the shipped model, chosen by sentence-grouped 5-fold
#: cross-validation on train.jsonl (see data/sentiment_model.md).
PARAMS = {"frozen_layers": 4, "rank": 8, "epochs": 4, "lr": 1e-3, "batch_size": 32,
          "dropout": 0.1, "weight_decay": 0.01, "seed": 0}


def lower_states(data: pd.DataFrame, frozen: int, batch_size: int = 128) -> list:
    """Per target: (output of the frozen lower layers, T × 384 float32; target flags).

    Computed once, since those layers never change during fitting.
    """
    import torch

    from analysis import sentiment as S
    from analysis.encoder import load_encoder

    enc = load_encoder()
    lower = S.modules()["Lower"](enc.model, frozen).eval()
    items = list(zip(data["sentence"], data["start"], data["end"]))
    encoded = S.encode_targets(items, enc.tokenizer)
    order = sorted(range(len(encoded)), key=lambda j: len(encoded[j][0]))
    out = [None] * len(encoded)
    with torch.inference_mode():
        for i in range(0, len(order), batch_size):
            idx = order[i:i + batch_size]
            ids, tgt, att = S.pad([encoded[j] for j in idx])
            x = lower(ids, att)
            for k, j in enumerate(idx):
                n = len(encoded[j][0])
                out[j] = (x[k, :n].clone(), tgt[k, :n].clone())
    return out


def _batch(states, idx):
    import torch

    T = max(len(states[j][0]) for j in idx)
    D = states[idx[0]][0].shape[1]
    x = torch.zeros(len(idx), T, D)
    tgt = torch.zeros(len(idx), T, dtype=torch.bool)
    att = torch.zeros(len(idx), T, dtype=torch.bool)
    for k, j in enumerate(idx):
        h, f = states[j]
        x[k, :len(h)] = h
        tgt[k, :len(h)] = f
        att[k, :len(h)] = True
    return x, tgt, att


def fit(states: list, y: np.ndarray, params: dict | None = None, log=None):
    """Fit the adapters and classifier on precomputed :func:`lower_states`.

    Class-weighted cross-entropy (weights ∝ 1 / class frequency), AdamW with a
    one-cycle learning-rate schedule, length-bucketed mini-batches. Returns the
    :class:`analysis.sentiment` head in eval mode (adapters not merged).
    """
    import torch
    import torch.nn.functional as F

    from analysis import sentiment as S
    from analysis.encoder import load_encoder

    p = {**PARAMS, **(params or {})}
    y = np.asarray(y)
    torch.manual_seed(p["seed"])
    rng = np.random.default_rng(p["seed"])
    head = S.modules()["Head"](load_encoder().model, rank=p["rank"], dropout=p["dropout"],
                                frozen=p["frozen_layers"])
    trainable = [w for w in head.parameters() if w.requires_grad]
    opt = torch.optim.AdamW(trainable, lr=p["lr"], weight_decay=p["weight_decay"])
    counts = np.bincount(y, minlength=len(LABELS))
    weight = torch.tensor(len(y) / (len(LABELS) * counts), dtype=torch.float32)
    bs = p["batch_size"]
    chunk = bs * 50
    per_epoch = sum(-(-min(chunk, len(y) - i) // bs) for i in range(0, len(y), chunk))
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=p["lr"], pct_start=0.1,
                                                total_steps=p["epochs"] * per_epoch)
    target = torch.from_numpy(np.array(y, dtype=np.int64))
    for epoch in range(p["epochs"]):
        head.train()
        perm = rng.permutation(len(y))
        # shuffle, then sort by length within chunks of 50 batches: little padding, still random
        batches = []
        for i in range(0, len(perm), chunk):
            part = sorted(perm[i:i + chunk], key=lambda j: len(states[j][0]))
            batches += [part[k:k + bs] for k in range(0, len(part), bs)]
        total = 0.0
        for b in rng.permutation(len(batches)):
            idx = batches[b]
            loss = F.cross_entropy(head(*_batch(states, idx)), target[idx], weight=weight)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * len(idx)
        if log:
            log(f"epoch {epoch + 1}/{p['epochs']}: mean loss {total / len(y):.4f}")
    return head.eval()


def predict_states(head, states: list, batch_size: int = 128) -> np.ndarray:
    """Class probabilities of a fitted (unmerged) head on precomputed states."""
    import torch

    order = sorted(range(len(states)), key=lambda j: len(states[j][0]))
    out = np.zeros((len(states), len(LABELS)))
    with torch.inference_mode():
        for i in range(0, len(order), batch_size):
            idx = order[i:i + batch_size]
            out[idx] = head(*_batch(states, idx)).softmax(-1).numpy()
    return out


def sentence_folds(sentence_ids, folds: int = 5, seed: int = 0) -> np.ndarray:
    """Fold number per target; all targets of one sentence share a fold."""
    sid = np.asarray(sentence_ids)
    uniq = np.unique(sid)
    rng = np.random.default_rng(seed)
    fold_of = dict(zip(rng.permutation(uniq), np.arange(len(uniq)) % folds))
    return np.array([fold_of[s] for s in sid])


def cross_validate(data: pd.DataFrame, states: list, params: dict | None = None,
                   folds: int = 5, seed: int = 0, log=None) -> tuple[np.ndarray, list[float]]:
    """Out-of-fold probabilities and per-fold macro-F1 (sentence-grouped folds)."""
    from sklearn.metrics import f1_score

    y = data["label"].map(LABELS.index).to_numpy()
    fold = sentence_folds(data["sentence_id"], folds, seed)
    probs = np.zeros((len(y), len(LABELS)))
    scores = []
    for k in range(folds):
        tr, te = np.flatnonzero(fold != k), np.flatnonzero(fold == k)
        head = fit([states[j] for j in tr], y[tr], params)
        probs[te] = predict_states(head, [states[j] for j in te])
        scores.append(float(f1_score(y[te], probs[te].argmax(1), average="macro")))
        if log:
            log(f"fold {k + 1}/{folds}: macro-F1 {scores[-1]:.4f}")
    return probs, scores
