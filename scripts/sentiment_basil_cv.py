"""Try the BASIL fix for the sentiment model: refit its output layer on NewsMTSC train + BASIL dev spans.

    python scripts/sentiment_basil_cv.py [--data ../shared/data] [--cache /tmp/sentiment-cache]
                                         [--write-model PATH]

The adapters stay as shipped; only the output layer (``out.weight``, ``out.bias``) is refitted on the
pooled features of NewsMTSC ``train.jsonl`` plus BASIL dev's directed pos/neg spans, BASIL rows weighted ``w``
(unquoted and quoted spans as separate rows; the unquoted ones are the units of
:func:`~analysis.validation.sentiment.evaluate_basil`, and only they are scored),
with an L2 pull of strength ``l2`` toward the shipped layer (:func:`~analysis.validation.sentiment.refit_output`).

``w`` and ``l2`` are chosen by 5-fold cross-validation, NewsMTSC folds grouped by sentence and BASIL folds
grouped by event (an event's three articles are never split between fitting and scoring), by this rule fixed
before looking: the highest BASIL agreement on the unquoted spans with opposite-sign ≤ 0.15 and NewsMTSC
cross-validated macro-F1 at most 0.025 below the ``w = 0`` refit at the same ``l2`` (0.025 = the margin the
shipped model has over the 0.74 floor on devtest). NewsMTSC cross-validation here is optimistic (the
adapters saw all of train.jsonl); it guards against a drop, it is not a score.

The chosen candidate is then fitted on everything and scored once on NewsMTSC devtest_rw and on the seed
gold, beside the shipped model; the table goes to ``analysis/data/sentiment_candidates.csv``
(the model card reads it). ``--write-model`` writes the candidate as a model file (same format); the
shipped file is not touched. Nothing here looks at the seed gold before the candidate is fixed.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

WEIGHTS = (0.0, 5.0, 10.0, 20.0, 40.0)
L2S = (1e-3, 1e-2, 3e-2)
FOLDS = 5
MAX_OPPOSITE = 0.15
MAX_NEWSMTSC_DROP = 0.025
TAUS = (0.0, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7)


def softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(1, keepdims=True))
    return e / e.sum(1, keepdims=True)



def main() -> int:
    from analysis import paths
    from analysis import sentiment as S
    from analysis.validation import DevSetMissing
    from analysis.validation import sentiment as vs

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=None, help="shared data folder (default: FRAMING_SHARED_DATA or ../shared/data)")
    ap.add_argument("--cache", default=None, help="folder for the pooled features (reused when present)")
    ap.add_argument("--write-model", default=None, help="write the candidate model file here")
    ap.add_argument("--out", default=str(paths.package_data("sentiment_candidates.csv")))
    args = ap.parse_args()
    import torch

    torch.set_num_threads(1)   # small full-batch fits: one thread is faster on a shared machine
    t0 = time.perf_counter()

    def log(msg):
        print(f"[{time.perf_counter() - t0:7.1f}s] {msg}", flush=True)

    try:
        basil = pd.concat([vs.load_basil_targets(args.data, quote=q) for q in ("no", "yes")], ignore_index=True)
        sets = {"nm_train": vs.load_newsmtsc("train", args.data), "basil_pol": basil,
                "nm_dev": vs.load_newsmtsc("devtest_rw", args.data), "seeds": vs.seed_gold()}
    except DevSetMissing as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    state, meta = S.load_state()
    _, head, _ = S.build(state, meta)
    feats = {}
    for name, data in sets.items():
        cached = Path(args.cache) / f"z_{name}.npy" if args.cache else None
        if cached is not None and cached.is_file():
            feats[name] = np.load(cached)
        else:
            feats[name] = vs.pooled_features(head, vs.lower_states(data, int(meta["frozen_layers"])))
            if cached is not None:
                cached.parent.mkdir(parents=True, exist_ok=True)
                np.save(cached, feats[name])
        log(f"{name}: {len(data)} targets, features {feats[name].shape}")
    w0, b0 = state["out.weight"], state["out.bias"]
    nm, bp = sets["nm_train"], sets["basil_pol"]
    yn, yb = nm["label"].map(S.LABELS.index).to_numpy(), bp["label"].map(S.LABELS.index).to_numpy()
    fn, fb = vs.sentence_folds(nm["sentence_id"], FOLDS), vs.sentence_folds(bp["event"], FOLDS)
    unquoted = (bp["quote"] == "no").to_numpy()

    from sklearn.metrics import f1_score

    def oof(w, l2):
        """Out-of-fold class probabilities on NewsMTSC train and BASIL dev."""
        pn, pb = np.zeros((len(yn), 3)), np.zeros((len(yb), 3))
        for k in range(FOLDS):
            tn, tb = fn != k, fb != k
            W, b = vs.refit_output(np.r_[feats["nm_train"][tn], feats["basil_pol"][tb]], np.r_[yn[tn], yb[tb]],
                                   w0, b0, np.r_[np.ones(tn.sum()), np.full(tb.sum(), w)], l2)
            pn[~tn], pb[~tb] = softmax(feats["nm_train"][~tn] @ W.T + b), softmax(feats["basil_pol"][~tb] @ W.T + b)
        return pn, pb

    rows, probs = [], {}
    for w, l2 in itertools.product(WEIGHTS, L2S):
        probs[w, l2] = oof(w, l2)
        pn, pb = probs[w, l2][0].argmax(1), probs[w, l2][1].argmax(1)
        agree = vs.polarity_agreement(bp["label"][unquoted], [S.LABELS[i] for i in pb[unquoted]])
        rows.append({"w": w, "l2": l2, "newsmtsc_cv_f1": round(float(f1_score(yn, pn, average="macro")), 4),
                     "basil_cv_agreement": agree["agreement"], "basil_cv_opposite": agree["opposite_sign"],
                     "basil_cv_balanced": agree["balanced_agreement"]})
        log(rows[-1])
    grid = pd.DataFrame(rows)
    ref = grid[grid["w"] == 0].set_index("l2")["newsmtsc_cv_f1"]
    grid["newsmtsc_drop"] = (grid["l2"].map(ref) - grid["newsmtsc_cv_f1"]).round(4)
    ok = grid[(grid["w"] > 0) & (grid["basil_cv_opposite"] <= MAX_OPPOSITE) & (grid["newsmtsc_drop"] <= MAX_NEWSMTSC_DROP)]
    print(grid.to_string(index=False))
    if ok.empty:
        print("no candidate meets the rule")
        return 1
    best = ok.sort_values(["basil_cv_agreement", "basil_cv_opposite"], ascending=[False, True]).iloc[0]
    log(f"chosen: w={best.w}, l2={best.l2}")
    pn, pb = probs[best.w, best.l2]
    for tau in TAUS:   # abstain as neutral when the top polar probability is below tau
        an, ab = vs.abstain(pn, tau), vs.abstain(pb, tau)
        agree = vs.polarity_agreement(bp["label"][unquoted], [S.LABELS[i] for i in ab[unquoted]])
        log(f"abstain below {tau}: NewsMTSC CV macro-F1 {f1_score(yn, an, average='macro'):.4f}, "
            f"BASIL CV agreement {agree['agreement']:.4f}, opposite {agree['opposite_sign']:.4f}")

    W, b = vs.refit_output(np.r_[feats["nm_train"], feats["basil_pol"]], np.r_[yn, yb], w0, b0,
                           np.r_[np.ones(len(yn)), np.full(len(yb), best.w)], best.l2)
    shipped = vs.polarity_agreement(bp["label"][unquoted], [S.LABELS[i] for i in
                                    (feats["basil_pol"][unquoted] @ w0.T + b0).argmax(1)])
    out = []
    for system, (ww, bb) in {"shipped": (w0, b0), f"basil-refit w={best.w:g} l2={best.l2:g}": (W, b)}.items():
        dev = vs.score(sets["nm_dev"]["label"], [S.LABELS[i] for i in (feats["nm_dev"] @ ww.T + bb).argmax(1)])
        seed_pred = [S.LABELS[i] for i in (feats["seeds"] @ ww.T + bb).argmax(1)]
        seed = vs.score(sets["seeds"]["label"], seed_pred)
        gold = sets["seeds"]["label"].tolist()
        is_shipped = system == "shipped"
        out.append({"system": system, "newsmtsc_devtest_f1": vs.macro_f1(dev, "model"),
                     "basil_agreement": shipped["agreement"] if is_shipped else best.basil_cv_agreement,
                     "basil_opposite": shipped["opposite_sign"] if is_shipped else best.basil_cv_opposite,
                     "basil_scored": "as shipped (never fitted on BASIL)" if is_shipped else "event-grouped 5-fold CV",
                     "seed_f1": vs.macro_f1(seed, "model"),
                     "seed_opposite": round(float(np.mean([{g, p} == {"negative", "positive"}
                                                           for g, p in zip(gold, seed_pred)])), 4),
                     "seed_negative_precision": float(seed.set_index("label").loc["negative", "precision"])})
    table = pd.DataFrame(out)
    print(table.to_string(index=False))
    table.to_csv(args.out, index=False)
    log(f"wrote {args.out}")
    if args.write_model:
        new = {**state, "out.weight": W.astype(np.float32), "out.bias": b.astype(np.float32)}
        meta2 = {**meta, "output_refit": {"basil_weight": float(best.w), "l2": float(best.l2),
                                          "trained_on": "+ BASIL dev directed pos/neg spans"}}
        import json

        np.savez_compressed(args.write_model, __meta__=np.array(json.dumps(meta2, sort_keys=True)), **new)
        log(f"wrote {args.write_model}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
