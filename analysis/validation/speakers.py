"""Speaker types and within-article speaker coreference, scored against the blind speaker gold.

The gold (``data/annotations/speakers_gold.csv``, guideline ``speakers_guideline.md``)
types 495 quotation sources of PolNeAR dev (its annotators' ``Source`` spans) and
BASIL dev (spans marked by hand), located by ``speakers_units.csv`` (offsets and a
hash of the span; the texts stay in ``../shared/data``). Each unit has a
``speaker_type`` and a ``person`` key shared by every mention of the same entity
in its article.

The system is given the gold span and its article and answers with
:meth:`analysis.measures.actors.speakers.ArticleSpeakers.resolve` (so span
detection, scored elsewhere, does not enter). Scores:

* **type accuracy** and per-type precision/recall/F1 with a confusion table, beside
  two baselines measured in the same run: the majority class (``official``) and
  *registry only* (the speaker surface looked up in the actor registry,
  ``other`` when unknown — how speakers were typed before).
* **ledger rows per person**: for each gold entity with a resolved key, how many
  distinct system keys its mentions get; ``one_row`` is the share of entities
  that are one row (the ledger counts a person once), over all entities and over
  those mentioned at least twice; ``merged`` is the share of system keys that
  cover more than one gold entity. Baseline: the surface string (the registry
  actor where known), as the ledger was keyed before.

The pronoun look-back window and the salience of a speaker as antecedent are chosen by
leave-one-article-out cross-validation (:func:`choose_settings`).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.core.speakers import SPEAKER_TYPES
from analysis.measures.actors import speakers as sp
from analysis.validation import PRF, devset_dir, read_gold

GOLD_FILE = "speakers_gold.csv"
UNITS_FILE = "speakers_units.csv"
#: Pronoun look-back windows (sentences) and speaker saliences the cross-validation chooses from.
WINDOWS = (1, 2, 3, 5, 8)
SPEAKER_WEIGHTS = (0.0, 0.5, 1.5, 2.5)


def basil_text(article: dict) -> tuple[str, dict[tuple[int, int], int]]:
    """A BASIL article's body as one text (sentences joined by a space, paragraphs by a blank line)
    and the offset of each ``(paragraph, sentence)`` in it."""
    parts, where, pos = [], {}, 0
    for p, para in enumerate(article["body-paragraphs"]):
        if p:
            parts.append("\n\n")
            pos += 2
        for s, sent in enumerate(para):
            if s:
                parts.append(" ")
                pos += 1
            where[(p, s)] = pos
            parts.append(sent)
            pos += len(sent)
    return "".join(parts), where


def load(root: Path | str | None = None) -> tuple[pd.DataFrame, dict[str, str]]:
    """The gold units with article offsets and span text, and each article's text (``doc`` → text).

    Raises :class:`analysis.validation.DevSetMissing` when PolNeAR or BASIL dev is
    absent, ``ValueError`` when a span's text does not match its recorded hash.
    The texts are for scoring here only: never write them into the project.
    """
    folders = {"polnear": devset_dir("polnear", root), "basil": devset_dir("basil_dev", root)}
    units = pd.read_csv(paths.annotations_dir() / UNITS_FILE, dtype={"sha1": str})
    gold = read_gold(GOLD_FILE)
    texts: dict[str, str] = {}
    starts, ends, spans = [], [], []
    for r in units.itertuples(index=False):
        if r.doc not in texts:
            if r.corpus == "polnear":
                texts[r.doc] = (folders["polnear"] / r.doc).read_text(encoding="utf-8")
            else:
                art = json.loads((folders["basil"] / r.doc).read_text(encoding="utf-8"))
                texts[r.doc], where = basil_text(art)
                texts[r.doc + "#where"] = where          # removed below
        if r.corpus == "polnear":
            s, e = int(r.start), int(r.end)
        else:
            base = texts[r.doc + "#where"][(int(r.para), int(r.sent))]
            s, e = base + int(r.start), base + int(r.end)
        span = texts[r.doc][s:e]
        if hashlib.sha1(span.encode("utf-8")).hexdigest()[:12] != r.sha1:
            raise ValueError(f"{UNITS_FILE}: {r.unit_id}: the span text does not match its hash "
                             f"({r.doc} {r.start}-{r.end})")
        starts.append(s)
        ends.append(e)
        spans.append(span)
    texts = {k: v for k, v in texts.items() if not k.endswith("#where")}
    out = units[["unit_id", "corpus", "doc"]].assign(start=starts, end=ends, surface=spans)
    missing = set(out["unit_id"]) - set(gold["unit_id"])
    if missing:
        raise ValueError(f"{GOLD_FILE}: no label for units {sorted(missing)[:5]}")
    return out.merge(gold[["unit_id", "speaker_type", "role", "person", "form"]], on="unit_id"), texts


def parses(texts: dict[str, str], nlp=None) -> dict:
    """One :class:`analysis.core.parse.Parse` per article (parse once, score many settings)."""
    from analysis.core.parse import Parse

    return {doc: Parse.of(text, nlp) for doc, text in texts.items()}


def predict(units: pd.DataFrame, texts: dict[str, str], parsed: dict, window: int = sp.PRONOUN_WINDOW,
            registry=None, speaker_weight: float = sp.SPEAKER_WEIGHT) -> pd.DataFrame:
    """``units`` with the system's ``p_type``, ``p_role``, ``p_key`` (and ``p_from``) for every span."""
    from analysis.measures.quotes.attribution import quotation_spans

    rows = []
    for doc, g in units.groupby("doc", sort=False):
        quotes = [(q.start, q.end) for q in quotation_spans(texts[doc])]
        art = sp.ArticleSpeakers(texts[doc], parsed[doc], registry=registry, window=window, quotes=quotes,
                                 speaker_weight=speaker_weight)
        for r in g.itertuples(index=False):
            s = art.resolve(int(r.start), int(r.end))
            rows.append({"unit_id": r.unit_id, "p_type": s.speaker_type, "p_role": s.role, "p_key": s.key,
                         "p_from": s.resolved_from})
    return units.merge(pd.DataFrame(rows), on="unit_id")


def registry_only(units: pd.DataFrame) -> pd.DataFrame:
    """The baseline: the surface looked up in the actor registry (type ``other`` and the surface as key
    when unknown), as quotation speakers were typed and keyed before."""
    from analysis.measures.actors.mentions import SpeakerResolver

    res = SpeakerResolver()
    types, keys = [], []
    for surface in units["surface"]:
        actor, _, stype = res.actor(surface)
        types.append(stype or "other")
        keys.append(actor or sp.slug(surface))
    return units.assign(p_type=types, p_key=keys)


def type_scores(pred: pd.DataFrame, system: str) -> pd.DataFrame:
    """Per type precision/recall/F1 and overall accuracy (``label`` = ``accuracy``) of ``p_type``."""
    rows = []
    g, p = pred["speaker_type"], pred["p_type"]
    for t in SPEAKER_TYPES:
        if not ((g == t) | (p == t)).any():
            continue
        score = PRF(int(((g == t) & (p == t)).sum()), int(((g != t) & (p == t)).sum()),
                    int(((g == t) & (p != t)).sum()))
        rows.append(score.row(system=system, label=t))
    acc = float((g == p).mean()) if len(pred) else 0.0
    rows.append({"system": system, "label": "accuracy", "n_gold": len(pred), "n_pred": len(pred),
                 "precision": round(acc, 4), "recall": round(acc, 4), "f1": round(acc, 4)})
    return pd.DataFrame(rows)


def confusion(pred: pd.DataFrame) -> pd.DataFrame:
    """Gold type (rows) × predicted type (columns), counts."""
    tab = pd.crosstab(pred["speaker_type"], pred["p_type"])
    types = [t for t in SPEAKER_TYPES if t in set(tab.index) | set(tab.columns)]
    return tab.reindex(index=types, columns=types, fill_value=0).rename_axis(index="gold", columns="predicted")


def ledger_rows(pred: pd.DataFrame, system: str) -> pd.DataFrame:
    """Ledger rows per gold person: share of entities that get one system key, and merges."""
    g = pred[pred["person"] != "unresolved"]
    per = g.groupby(["doc", "person"])["p_key"].agg(["nunique", "size"])
    keys = g.groupby(["doc", "p_key"])["person"].nunique()
    rows = []
    for subset, table in (("all persons", per), ("persons mentioned twice or more", per[per["size"] >= 2])):
        rows.append({"system": system, "persons": subset, "n_persons": len(table),
                     "one_row": round(float((table["nunique"] == 1).mean()), 4) if len(table) else 0.0,
                     "rows_per_person": round(float(table["nunique"].mean()), 4) if len(table) else 0.0,
                     "merged": round(float((keys > 1).mean()), 4) if len(keys) else 0.0})
    return pd.DataFrame(rows)


def choose_settings(units: pd.DataFrame, texts: dict[str, str], parsed: dict, windows=WINDOWS,
                    weights=SPEAKER_WEIGHTS) -> tuple[tuple[int, float], pd.DataFrame]:
    """The pronoun window and speaker weight by leave-one-article-out cross-validation.

    For each held-out article, the setting with the best type accuracy + one-row share − merged
    share on the other articles is scored on the held-out one (merges are penalised, or linking
    everything to one key would win). Returns the setting chosen on all articles (the library's
    defaults :data:`analysis.measures.actors.speakers.PRONOUN_WINDOW` and ``SPEAKER_WEIGHT``
    should equal it) and a table per setting (``cv_choice`` = how often each was chosen;
    ``accuracy``, ``one_row``, ``merged`` on all articles; the held-out scores in ``attrs``).
    """
    grid = [(w, sw) for w in windows for sw in weights]
    preds = {g: predict(units, texts, parsed, window=g[0], speaker_weight=g[1]) for g in grid}

    def scores(df):
        led = ledger_rows(df, "").iloc[0]
        return float((df["speaker_type"] == df["p_type"]).mean()), float(led["one_row"]), float(led["merged"])

    def objective(df):
        acc, one, merged = scores(df)
        return acc + one - merged

    chosen, held = {g: 0 for g in grid}, []
    for doc in sorted(units["doc"].unique()):
        best = max(grid, key=lambda g: (round(objective(preds[g][preds[g]["doc"] != doc]), 9), -g[0], -g[1]))
        chosen[best] += 1
        held.append(preds[best][preds[best]["doc"] == doc])
    held = pd.concat(held)
    final = max(grid, key=lambda g: (round(objective(preds[g]), 9), -g[0], -g[1]))
    table = pd.DataFrame([{"window": g[0], "speaker_weight": g[1], "cv_choice": chosen[g],
                           **dict(zip(("accuracy", "one_row", "merged"), (round(v, 4) for v in scores(preds[g]))))}
                          for g in grid])
    acc, one, merged = scores(held)
    table.attrs.update(held_out_accuracy=round(acc, 4), held_out_one_row=round(one, 4),
                       held_out_merged=round(merged, 4))
    return final, table


def evaluate(root: Path | str | None = None, nlp=None) -> dict[str, pd.DataFrame]:
    """Everything of this module in one run: ``types`` (system, text only, registry only, majority),
    ``confusion`` (system), ``ledger`` (system vs surface keys), ``windows`` (the CV table), the chosen
    ``window`` and ``speaker_weight``, and
    ``predictions`` (per unit; holds span text: do not save it)."""
    units, texts = load(root)
    parsed = parses(texts, nlp)
    (window, weight), windows = choose_settings(units, texts, parsed)
    system = predict(units, texts, parsed, window=window, speaker_weight=weight)
    text_only = predict(units, texts, parsed, window=window, speaker_weight=weight, registry=sp.no_registry)
    base = registry_only(units)
    majority = units.assign(p_type=units["speaker_type"].mode().iat[0], p_key="")
    types = pd.concat([type_scores(system, "text + registry override"), type_scores(text_only, "text only"),
                       type_scores(base, "registry only (before)"),
                       type_scores(majority, f"majority class ({majority['p_type'].iat[0]})")],
                      ignore_index=True)
    ledger = pd.concat([ledger_rows(system, "coreference"), ledger_rows(base, "surface string (before)")],
                       ignore_index=True)
    return {"types": types, "confusion": confusion(system), "ledger": ledger, "windows": windows,
            "predictions": system, "window": window, "speaker_weight": weight}
