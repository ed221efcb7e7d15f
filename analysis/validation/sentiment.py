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

Two in-domain checks sit beside it: :func:`evaluate_seeds` (hand-labelled seed
mentions, conflict news) and :func:`evaluate_basil` (BASIL dev's directed,
unquoted bias spans: does the model give the span's sign to the named target?).
:func:`refit_output` refits only the output layer (how the BASIL fix was first tried;
``scripts/sentiment_basil_cv.py``); :func:`save_states` / :func:`load_states` cache the
frozen layers' outputs so :func:`fit` (sample weights, a warm start) can refit the adapters
cheaply (``scripts/sentiment_adapter_cv.py``).
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


def seed_predictions(corpus: pd.DataFrame | None = None, model: dict | None = None) -> pd.DataFrame:
    """:func:`seed_gold` with the target model's ``pred`` label and its three class probabilities
    (``p_negative``, ``p_neutral``, ``p_positive``) for every labelled mention."""
    from analysis.sentiment import classify_targets

    data = seed_gold(corpus)
    out = classify_targets(data["sentence"].tolist(), list(zip(data["start"], data["end"])), model=model)
    return data.assign(pred=out["label"].to_numpy(), **{c: out[c].to_numpy() for c in PROBABILITIES})


#: The class-probability columns of :func:`seed_predictions`, in :data:`LABELS` order.
PROBABILITIES = ("p_negative", "p_neutral", "p_positive")
#: Confidence floors of :func:`abstention_curve` (0: the plain argmax).
ABSTAIN_FLOORS = (0.0, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def abstention_curve(gold, probs, floors=ABSTAIN_FLOORS) -> pd.DataFrame:
    """Macro-F1 and opposite-sign share when the model abstains as neutral below each confidence floor.

    ``probs``: n × 3 class probabilities (order :data:`LABELS`); ``floors``: the
    values of :func:`abstain`'s ``tau``. Columns: ``floor``, ``f1`` (macro over
    the three classes), ``opposite_sign`` (share of mentions given the opposite
    polarity), ``n_polar`` (mentions still called negative or positive), ``n``.

    How to read it: on an evaluation set the best row is chosen by looking at
    the gold, so it is an *upper bound* on what calibrating by abstention
    (one of issue 18's fixes) could give there, not a method. When no floor beats
    ``0``, the model's errors are confident misreadings, not hesitant ones, and
    no threshold on its confidence will mend them.
    """
    gold = list(gold)
    probs = np.asarray(probs, dtype=float)
    if probs.shape != (len(gold), len(LABELS)):
        raise ValueError(f"probs has shape {probs.shape}; need ({len(gold)}, {len(LABELS)})")
    rows = []
    for floor in floors:
        pred = [LABELS[k] for k in abstain(probs, floor)]
        opp = float(np.mean([{g, q} == {"negative", "positive"} for g, q in zip(gold, pred)])) if gold else np.nan
        rows.append({"floor": float(floor), "f1": macro_f1(score(gold, pred, "model"), "model"),
                     "opposite_sign": round(opp, 4), "n_polar": int(sum(q != "neutral" for q in pred)),
                     "n": len(gold)})
    return pd.DataFrame(rows)


def evaluate_seeds(corpus: pd.DataFrame | None = None, model: dict | None = None) -> pd.DataFrame:
    """Score the target model, VADER and an all-neutral baseline on the seed gold, same run.

    In-domain check (conflict news): :func:`score`'s table for ``target-model``,
    ``vader-sentence`` and ``all-neutral``; ``opposite_sign`` on the macro rows is
    the share of mentions given the opposite polarity (negative for positive or the
    reverse).
    """
    data = seed_predictions(corpus, model)
    systems = {"target-model": data["pred"].tolist(), "vader-sentence": vader_labels(data["sentence"]),
               "all-neutral": ["neutral"] * len(data)}
    parts = []
    gold = data["label"].tolist()
    for name, labels in systems.items():
        t = score(gold, labels, name)
        opp = np.mean([{g, p} == {"negative", "positive"} for g, p in zip(gold, labels)]) if gold else np.nan
        t["opposite_sign"] = np.where(t["label"] == "macro", round(float(opp), 4), np.nan)
        parts.append(t)
    return pd.concat(parts, ignore_index=True)


# ---------------------------------------------------------------------------
# BASIL dev: directed bias spans as polarity toward a named target
#
# BASIL (Fan et al. 2019, *In Plain Sight: Media Bias Through the Lens of Factual
# Reporting*, EMNLP) marks spans of lexical or informational bias in Fox News, New York
# Times and HuffPost articles, each with the entity it is aimed at (``First_Last``), a
# polarity (pos / neg), ``aim`` (``dir`` = at the target itself) and ``quote`` (``no`` =
# the outlet's own words). A directed span toward a target named in its sentence says how
# that sentence casts the target, which is what the target model must read.

#: BASIL's polarity codes.
BASIL_POLARITY = {"neg": "negative", "pos": "positive"}
#: Name parts shorter than this are not matched on their own (initials, "Jr").
MIN_NAME_PART = 3
BASIL_COLUMNS = ["event", "year", "outlet", "doc", "para", "sent", "sentence", "start", "end",
                 "mention", "target", "label", "quote", "n_spans"]


def name_mention(sentence: str, name: str, near: int | None = None) -> tuple[int, int] | None:
    """Where the entity ``name`` (BASIL's ``First_Last``) is mentioned in ``sentence``, or None.

    The general rule: the whole name (``_`` read as a space), case-insensitive, as whole
    words; failing that, each capitalised part of the name of at least
    :data:`MIN_NAME_PART` characters, the last part first (a surname: "Mr. Steele"),
    case-sensitive, as a whole word with an optional plural ``s``. When the first
    successful pattern occurs more than once, the occurrence nearest character ``near``
    (the bias span) is taken, else the first. Pronouns and descriptions ("the
    chairman") are not resolved: such a sentence gives None.
    """
    import re

    words = [w for w in name.replace("_", " ").split() if w]
    if not words:
        return None
    patterns = [re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, words)) + r"(?!\w)", re.I)]
    parts = [w for w in words if w[0].isupper() and len(w) >= MIN_NAME_PART]
    patterns += [re.compile(r"(?<!\w)" + re.escape(w) + r"s?(?!\w)") for w in reversed(parts)]
    for pat in patterns:
        hits = [m.span() for m in pat.finditer(sentence)]
        if hits:
            if near is None:
                return hits[0]
            return min(hits, key=lambda h: (abs(h[0] - near), h[0]))
    return None


def _basil_docs(root):
    folder = devset_dir("basil_dev", root)
    for ann_path in sorted((folder / "annotations").glob("*/*_ann.json")):
        art_path = folder / "articles" / ann_path.parent.name / ann_path.name.replace("_ann.json", ".json")
        if not art_path.is_file():
            raise ValueError(f"{ann_path}: no article file {art_path}")
        ann = json.loads(ann_path.read_text(encoding="utf-8"))
        art = json.loads(art_path.read_text(encoding="utf-8"))
        yield art_path.relative_to(folder).as_posix(), art, ann


def _locate(paras, span) -> tuple[int, int] | None:
    """(paragraph, sentence) whose text has the span's ``txt`` at its offsets (else anywhere)."""
    txt, a, b = span["txt"], int(span["start"]), int(span["end"])
    loose = None
    for pi, para in enumerate(paras):
        for si, sent in enumerate(para):
            if sent[a:b] == txt:
                return pi, si
            if loose is None and txt and txt in sent:
                loose = (pi, si)
    return loose


def load_basil_targets(root: Path | str | None = None, quote: str | None = "no") -> pd.DataFrame:
    """BASIL dev's directed bias spans as target-sentiment units, one row per (sentence, target).

    Spans with ``aim`` = ``dir`` and a pos/neg polarity, of the given ``quote`` value
    (``"no"``: the outlet's own words, the check; ``None``: quoted too). Each span is
    located in its sentence of ``body-paragraphs`` (its offsets are relative to that
    sentence) and its target mapped to a mention there by :func:`name_mention`; spans whose
    target is not named in the sentence are left out, and a sentence with spans of both
    polarities toward one target (mixed) is left out. ``label`` is negative / positive;
    ``n_spans`` counts the spans behind the row. ``event`` is the triplet (for grouped
    folds). BASIL has no neutral label: a sentence without a bias span is not neutral
    toward its actors (BASIL leaves the reported event itself unmarked). Columns :data:`BASIL_COLUMNS`. Raises :class:`~analysis.validation.DevSetMissing`
    without the folder.
    """
    rows = []
    for doc, art, ann in _basil_docs(root):
        paras = art["body-paragraphs"]
        base = {"event": art["triplet-uuid"], "year": doc.split("/")[1], "outlet": art["source"],
                "doc": doc}
        units = {}
        for sp in ann.get("phrase-level-annotations", []):
            if sp.get("aim") != "dir" or sp.get("polarity") not in BASIL_POLARITY:
                continue
            if quote is not None and sp.get("quote") != quote:
                continue
            where = _locate(paras, sp)
            if where is None:
                continue
            sent = paras[where[0]][where[1]]
            hit = name_mention(sent, sp["target"], near=int(sp["start"]))
            if hit is None:
                continue
            key = (*where, sp["target"])
            u = units.setdefault(key, {**base, "para": where[0], "sent": where[1], "sentence": sent,
                                       "start": hit[0], "end": hit[1], "mention": sent[hit[0]:hit[1]],
                                       "target": sp["target"], "labels": set(), "quotes": set(),
                                       "n_spans": 0})
            u["labels"].add(BASIL_POLARITY[sp["polarity"]])
            u["quotes"].add(sp.get("quote", ""))
            u["n_spans"] += 1
        for u in units.values():
            if len(u["labels"]) == 1:
                rows.append({**{k: v for k, v in u.items() if k not in ("labels", "quotes")},
                             "label": u["labels"].pop(), "quote": "/".join(sorted(u["quotes"]))})
    return pd.DataFrame(rows, columns=BASIL_COLUMNS)


def polarity_agreement(gold, pred, system: str = "model") -> dict:
    """How often predictions keep the sign of pos/neg gold: one row of :func:`evaluate_basil`.

    ``agreement`` = share predicted with the same sign (neutral counts as a miss),
    ``opposite_sign`` = share predicted with the opposite sign; ``agreement_negative`` /
    ``agreement_positive`` per gold polarity and ``balanced_agreement`` their mean (an
    all-negative rule gets 0.5 there, whatever the mix).
    """
    g, p = np.asarray(list(gold), dtype=object), np.asarray(list(pred), dtype=object)
    if len(g) != len(p):
        raise ValueError(f"gold has {len(g)} items, predictions {len(p)}")
    if not set(g) <= set(BASIL_POLARITY.values()):
        raise ValueError("polarity gold must be negative or positive only")
    flip = {"negative": "positive", "positive": "negative"}
    per = {lab: float(np.mean(p[g == lab] == lab)) if (g == lab).any() else np.nan
           for lab in ("negative", "positive")}
    return {"system": system, "n": len(g), "n_negative": int((g == "negative").sum()),
            "n_positive": int((g == "positive").sum()),
            "agreement": round(float(np.mean(p == g)), 4) if len(g) else np.nan,
            "opposite_sign": round(float(np.mean(p == np.array([flip[x] for x in g], dtype=object))), 4)
            if len(g) else np.nan,
            "agreement_negative": round(per["negative"], 4), "agreement_positive": round(per["positive"], 4),
            "balanced_agreement": round(float(np.nanmean(list(per.values()))), 4)}


def evaluate_basil(root: Path | str | None = None, model: dict | None = None,
                   predictions=None) -> pd.DataFrame:
    """The target model, VADER and the majority polarity on BASIL dev's unquoted directed spans.

    One :func:`polarity_agreement` row per system, same units, same run. ``predictions``
    (labels in :func:`load_basil_targets` order) replaces the model's, e.g. out-of-fold
    predictions of a model that was fitted on BASIL (see the model card).
    """
    data = load_basil_targets(root)
    if predictions is None:
        from analysis.sentiment import classify_targets

        predictions = classify_targets(data["sentence"].tolist(), list(zip(data["start"], data["end"])),
                                       model=model)["label"].tolist()
    majority = data["label"].mode().iloc[0] if len(data) else "negative"
    rows = [polarity_agreement(data["label"], predictions, "target-model"),
            polarity_agreement(data["label"], vader_labels(data["sentence"]), "vader-sentence"),
            polarity_agreement(data["label"], [majority] * len(data), f"all-{majority}")]
    return pd.DataFrame(rows)


def abstain(p: np.ndarray, tau: float) -> np.ndarray:
    """Argmax class indices of probabilities ``p``, but neutral (1) where the predicted polar class has
    probability below ``tau`` (abstaining as neutral when unsure; ``tau = 0`` is the plain argmax)."""
    lab = np.asarray(p).argmax(1)
    return np.where((lab != 1) & (np.asarray(p).max(1) < tau), 1, lab)


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


def save_states(states: list, path: Path | str, dtype=np.float32) -> None:
    """Write :func:`lower_states` to one ``.npz`` (concatenated vectors, lengths, target flags; no pickle)."""
    lengths = np.array([len(h) for h, _ in states], dtype=np.int64)
    dim = states[0][0].shape[1] if states else 0
    x = np.concatenate([h.numpy() for h, _ in states]).astype(dtype) if states else np.zeros((0, dim), dtype)
    tgt = np.concatenate([f.numpy() for _, f in states]) if states else np.zeros(0, bool)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, x=x, tgt=tgt, lengths=lengths)


def load_states(path: Path | str) -> list:
    """The states :func:`save_states` wrote, as float32 torch tensors (same list shape as :func:`lower_states`)."""
    import torch

    with np.load(path, allow_pickle=False) as z:
        x, tgt, lengths = z["x"], z["tgt"], z["lengths"]
    cuts = np.r_[0, np.cumsum(lengths)]
    return [(torch.from_numpy(x[a:b].astype(np.float32)), torch.from_numpy(tgt[a:b].copy()))
            for a, b in zip(cuts[:-1], cuts[1:])]


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


def fit(states: list, y: np.ndarray, params: dict | None = None, log=None,
        sample_weight: np.ndarray | None = None, init: dict | None = None):
    """Fit the adapters and classifier on precomputed :func:`lower_states`.

    Class-weighted cross-entropy (weights ∝ 1 / class frequency), AdamW with a
    one-cycle learning-rate schedule, length-bucketed mini-batches. ``sample_weight``
    (one per state) multiplies each row's loss (a batch's loss is then the weighted
    mean over its rows); without it the fit is the shipped one. ``init`` (arrays named as
    :func:`analysis.sentiment.adapter_state` writes them, e.g. the shipped model's) starts
    the fit from those parameters instead of from scratch (fine-tuning). Returns the
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
    if init is not None:
        params = dict(head.named_parameters())
        with torch.no_grad():
            for k, arr in init.items():
                params[k].copy_(torch.from_numpy(np.asarray(arr, dtype=np.float32)))
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
    sw = None if sample_weight is None else torch.from_numpy(np.asarray(sample_weight, dtype=np.float32))
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
            if sw is None:
                loss = F.cross_entropy(head(*_batch(states, idx)), target[idx], weight=weight)
            else:
                w_rows = weight[target[idx]] * sw[idx]
                rows = F.cross_entropy(head(*_batch(states, idx)), target[idx], reduction="none")
                loss = (rows * w_rows).sum() / w_rows.sum()
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
    """Fold number per target; all targets of one sentence (or any group id: a BASIL event) share a fold."""
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


# ---------------------------------------------------------------------------
# Refitting only the output layer (cheap; the adapters stay as shipped)

def pooled_features(head, states: list, batch_size: int = 128) -> np.ndarray:
    """The ``[target mean; sentence mean]`` vectors a head's output layer reads (n × 768)."""
    import torch

    order = sorted(range(len(states)), key=lambda j: len(states[j][0]))
    out = None
    with torch.inference_mode():
        for i in range(0, len(order), batch_size):
            idx = order[i:i + batch_size]
            x, tgt, att = _batch(states, idx)
            for layer in head.layers:
                x = layer(x, att)
            tf, af = tgt.to(x.dtype)[..., None], att.to(x.dtype)[..., None]
            z = torch.cat([(x * tf).sum(1) / tf.sum(1), (x * af).sum(1) / af.sum(1)], 1).numpy()
            if out is None:
                out = np.zeros((len(states), z.shape[1]), dtype=np.float32)
            out[idx] = z
    return out if out is not None else np.zeros((0, 0), dtype=np.float32)


def refit_output(X: np.ndarray, y: np.ndarray, weight0: np.ndarray, bias0: np.ndarray,
                 sample_weight: np.ndarray | None = None, l2: float = 0.01) -> tuple[np.ndarray, np.ndarray]:
    """A new output layer fitted on features ``X``, pulled toward the shipped one.

    Minimises the class-balanced, sample-weighted cross-entropy plus
    ``l2 · ||W − W0||²`` (a prior centred on the fitted layer: Chelba & Acero 2006,
    *Adaptation of maximum entropy capitalizer: little data can help a lot*,
    Computer Speech & Language), by full-batch L-BFGS from ``(W0, b0)``.
    Returns ``(W, b)`` as float32 arrays of the shapes of ``weight0``, ``bias0``.
    """
    import torch
    import torch.nn.functional as F

    y = np.asarray(y)
    sw = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, dtype=float)
    counts = np.bincount(y, minlength=len(LABELS))
    sw = sw * (len(y) / (len(LABELS) * np.maximum(counts, 1)))[y]
    w0, b0 = torch.from_numpy(np.asarray(weight0, np.float32)), torch.from_numpy(np.asarray(bias0, np.float32))
    W, b = w0.clone().requires_grad_(True), b0.clone().requires_grad_(True)
    Xt, yt = torch.from_numpy(np.asarray(X, np.float32)), torch.from_numpy(y.astype(np.int64))
    swt = torch.from_numpy(sw / sw.sum()).float()
    opt = torch.optim.LBFGS([W, b], max_iter=200, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = (F.cross_entropy(Xt @ W.T + b, yt, reduction="none") * swt).sum() + l2 * ((W - w0) ** 2).sum()
        loss.backward()
        return loss

    opt.step(closure)
    return W.detach().numpy(), b.detach().numpy()
