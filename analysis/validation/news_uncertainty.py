"""The news uncertainty gold: 600 hand-labelled news sentences (PolNeAR and BASIL dev).

``data/annotations/news_uncertainty_sample.csv`` holds where each sentence is
(corpus, document, offsets or paragraph/sentence index) and the first 12 hex
digits of the SHA-1 of its exact text — never the text, which belongs to its
publisher; ``news_uncertainty_gold.csv`` holds annotator A's label per unit
(``uncertain`` 0/1, first cue's offsets and category) under
``news_uncertainty_guideline.md`` (CoNLL-2010 task 1, adapted for news, written
before labelling; labelled without the classifier's verdicts);
``news_uncertainty_gold_b.csv`` a second annotator's labels of 150 units.

:func:`news_sentences` re-reads the texts from the external sets
(``$FRAMING_SHARED_DATA`` or ``../shared/data``; :class:`DevSetMissing` when
absent), checks every hash and returns one row per unit with its label and the
document it comes from (the unit of grouping for cross-validation: sentences of
one article never sit on both sides of a fold).
"""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.validation import DevSetMissing, read_gold

SAMPLE = "news_uncertainty_sample.csv"
GOLD = "news_uncertainty_gold.csv"
GOLD_B = "news_uncertainty_gold_b.csv"
COLUMNS = ["unit_id", "corpus", "doc_id", "text", "uncertain", "category", "cue"]
CORPORA = {"polnear": "polnear", "basil": "basil_dev"}


def sha12(text: str) -> str:
    """First 12 hex digits of the SHA-1 of ``text`` (UTF-8): the sample's text check."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def read_text(path: Path) -> str:
    """A file's text as stored (UTF-8, no newline translation): what the offsets index."""
    with open(path, encoding="utf-8", newline="") as fh:
        return fh.read()


def read_sample(path: Path | str | None = None) -> list[dict]:
    """The sample's rows (locations and hashes), in unit order."""
    path = Path(path) if path is not None else paths.annotations_dir() / SAMPLE
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def unit_text(shared: Path, row: dict) -> str:
    """The exact sentence a sample row points at."""
    if row["corpus"] == "polnear":
        text = read_text(shared / "polnear" / row["doc"])
        return text[int(row["start"]):int(row["end"])]
    if row["corpus"] == "basil":
        art = json.loads(read_text(shared / "basil_dev" / row["doc"]))
        st = art["body-paragraphs"][int(row["para"])][int(row["sent"])]
        return st[int(row["start"]):int(row["end"])]
    raise ValueError(f"{row['unit_id']}: unknown corpus {row['corpus']!r}")


def load_units(root: Path | str | None = None, sample: Path | str | None = None) -> dict[str, str]:
    """``{unit_id: sentence text}`` for every sampled unit, in sample order.

    Raises :class:`DevSetMissing` when a source corpus is absent and ``ValueError``
    naming the unit when a recovered text does not match its hash.
    """
    shared = Path(root) if root is not None else paths.shared_data_dir()
    rows = read_sample(sample)
    for corpus in sorted({r["corpus"] for r in rows}):
        folder = shared / CORPORA.get(corpus, corpus)
        if not folder.is_dir():
            raise DevSetMissing(CORPORA.get(corpus, corpus), folder)
    out = {}
    for row in rows:
        text = unit_text(shared, row)
        if sha12(text) != row["sha1"]:
            raise ValueError(f"{row['unit_id']}: text at {row['corpus']}/{row['doc']} does not match "
                             f"sha1 {row['sha1']} (got {sha12(text)})")
        out[row["unit_id"]] = text
    return out


def document_of(row: dict) -> str:
    """The article a unit comes from (BASIL: the triplet member file, without its paragraph)."""
    return f"{row['corpus']}:{row['doc']}"


def news_sentences(root: Path | str | None = None, gold: str = GOLD) -> pd.DataFrame:
    """One row per gold unit: ``unit_id``, ``corpus``, ``doc_id``, ``text``, ``uncertain``, ``category``, ``cue``.

    ``doc_id`` is ``corpus:document`` (the grouping unit for cross-validation);
    ``category`` and ``cue`` are the first cue's category and text (empty when certain).
    """
    texts = load_units(root)
    sample = {r["unit_id"]: r for r in read_sample()}
    labels = read_gold(gold)
    unknown = sorted(set(labels["unit_id"]) - set(sample))
    if unknown:
        raise ValueError(f"{gold}: unit ids not in {SAMPLE}: {unknown[:5]}")
    rows = []
    for uid, lab, cat, cs, ce in zip(labels["unit_id"], labels["uncertain"], labels["category"],
                                     labels["cue_start"], labels["cue_end"]):
        r, text = sample[uid], texts[uid]
        cue = text[int(cs):int(ce)] if str(cs) != "" and str(ce) != "" else ""
        rows.append({"unit_id": uid, "corpus": r["corpus"], "doc_id": document_of(r), "text": text,
                     "uncertain": bool(int(lab)), "category": str(cat), "cue": cue})
    return pd.DataFrame(rows, columns=COLUMNS)
