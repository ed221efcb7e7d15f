"""Derive attribution-cue verbs from PolNeAR's training split.

    python scripts/build_cue_lexicon.py [--data ../shared/data]

For every verb lemma, counts how often it occurs in the training articles and
how often an annotator marked it (as the head of a cue) as introducing an
attribution. Writes ``analysis/data/attribution_cues.csv`` with the lemmas that
were cues at least ``MIN_CUES`` times and in at least ``MIN_SHARE`` of their
occurrences. Only the train split is read (never dev); the texts themselves are
not stored, only counts.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter

from analysis import paths
from analysis.nlp import load_nlp
from analysis.validation import DevSetMissing, devset_dir
from analysis.validation.quotes import read_ann

MIN_CUES = 3
MIN_SHARE = 0.25
OUT = "attribution_cues.csv"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=None)
    args = ap.parse_args()
    try:
        folder = devset_dir("polnear", args.data) / "train"
    except DevSetMissing as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    nlp = load_nlp(disable=("ner",))
    seen: dict = {}
    for ann in sorted((folder / "attributions").glob("*.ann")):
        seen.setdefault(ann.stem.rpartition("_")[0], ann)
    occurrences, cues = Counter(), Counter()
    names = sorted(seen)
    texts = [(folder / "text" / f"{n}.txt").read_bytes().decode("utf-8") for n in names]
    for name, text, doc in zip(names, texts, nlp.pipe(texts, batch_size=32)):
        cue_starts = set()
        for att in read_ann(seen[name], text):
            for s, e in att["cue"]:
                cue_starts.update(range(s, e))
        for tok in doc:
            if tok.pos_ not in ("VERB",):
                continue
            lemma = tok.lemma_.lower()
            occurrences[lemma] += 1
            if tok.idx in cue_starts:
                cues[lemma] += 1
    rows = [(lem, cues[lem], occurrences[lem], round(cues[lem] / occurrences[lem], 3))
            for lem in cues if cues[lem] >= MIN_CUES and cues[lem] / occurrences[lem] >= MIN_SHARE]
    rows.sort(key=lambda r: (-r[1], r[0]))
    target = paths.package_data(OUT)
    with open(target, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["lemma", "cue_count", "verb_count", "cue_share", "source"])
        for r in rows:
            w.writerow([*r, f"PolNeAR train split ({len(names)} articles): cue in {r[1]} of {r[2]} verb uses"])
    print(f"wrote {target}: {len(rows)} lemmas from {len(names)} training articles")
    return 0


if __name__ == "__main__":
    sys.exit(main())
