"""Check the news uncertainty gold and print (or write) its Counts section.

Checks: every sampled unit labelled exactly once; uncertain in {0,1}; a certain unit has no cue
and no category; an uncertain unit has a known category and a cue span inside its sentence that
starts and ends on word boundaries; notes at most 8 words. The cue check needs the external data
($FRAMING_SHARED_DATA, default ../shared/data); without it the offsets are checked only against
the sentence length recorded in the sample (end - start).

Usage:  .venv/bin/python scripts/check_news_uncertainty_gold.py [--write]
        --write replaces the "## Counts" section of data/annotations/news_uncertainty_guideline.md
"""
from __future__ import annotations

import argparse
import collections
import csv
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import sample_news_sentences as sampler  # noqa: E402

ANN = sampler.ROOT / "data" / "annotations"
GOLD = ANN / "news_uncertainty_gold.csv"
GUIDE = ANN / "news_uncertainty_guideline.md"
CATEGORIES = ["speculation", "weasel", "reported_uncertain", "conditional", "hedged_number", "other"]


def check(gold, sample, texts=None):
    ids = [g["unit_id"] for g in gold]
    dup = [i for i, n in collections.Counter(ids).items() if n > 1]
    if dup:
        raise ValueError(f"labelled more than once: {dup}")
    missing = set(sample) - set(ids)
    extra = set(ids) - set(sample)
    if missing or extra:
        raise ValueError(f"missing {sorted(missing)[:5]}, not in sample {sorted(extra)[:5]}")
    for g in gold:
        uid = g["unit_id"]
        if g["uncertain"] not in ("0", "1"):
            raise ValueError(f"{uid}: uncertain={g['uncertain']!r}")
        if len(g["note"].split()) > 8:
            raise ValueError(f"{uid}: note longer than 8 words")
        if g["uncertain"] == "0":
            if g["cue_start"] or g["cue_end"] or g["category"]:
                raise ValueError(f"{uid}: certain unit with a cue or category")
            continue
        if g["category"] not in CATEGORIES:
            raise ValueError(f"{uid}: category {g['category']!r}")
        s, e = int(g["cue_start"]), int(g["cue_end"])
        row = sample[uid]
        length = int(row["end"]) - int(row["start"])
        if not (0 <= s < e <= length):
            raise ValueError(f"{uid}: cue {s}-{e} outside sentence of length {length}")
        if texts is not None:
            t = texts[uid]
            if (s > 0 and t[s - 1].isalnum()) or (e < len(t) and t[e].isalnum()):
                raise ValueError(f"{uid}: cue {s}-{e} does not fall on word boundaries")


def counts_markdown(gold, sample) -> str:
    by_corpus = collections.defaultdict(list)
    for g in gold:
        by_corpus[sample[g["unit_id"]]["corpus"]].append(g)
    groups = [("all", gold)] + [(c, by_corpus[c]) for c in ("polnear", "basil")]
    lines = ["## Counts", "",
             "Computed by `scripts/check_news_uncertainty_gold.py` from `news_uncertainty_gold.csv` "
             "(annotator A; category = that of the first cue).", "",
             "| | units | uncertain | share uncertain | " + " | ".join(CATEGORIES) + " |",
             "|---|---:|---:|---:|" + "---:|" * len(CATEGORIES)]
    for name, rows in groups:
        n = len(rows)
        unc = [r for r in rows if r["uncertain"] == "1"]
        cat = collections.Counter(r["category"] for r in unc)
        lines.append(f"| {name} | {n} | {len(unc)} | {len(unc) / n:.1%} | "
                     + " | ".join(str(cat.get(c, 0)) for c in CATEGORIES) + " |")
    return "\n".join(lines) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--shared", type=Path, default=sampler.shared_default())
    args = ap.parse_args(argv)
    with open(GOLD, encoding="utf-8", newline="") as fh:
        gold = list(csv.DictReader(fh))
    sample = {r["unit_id"]: r for r in sampler.read_sample()}
    texts = None
    if args.shared.is_dir():
        texts = sampler.load_units(args.shared)
    else:
        print(f"note: {args.shared} not found; cue offsets checked against sentence lengths only")
    check(gold, sample, texts)
    md = counts_markdown(gold, sample)
    print(md)
    if args.write:
        text = GUIDE.read_text(encoding="utf-8")
        if "\n## Counts\n" in text:
            head, rest = text.split("\n## Counts\n", 1)
            nxt = rest.find("\n## ")
            tail = rest[nxt:] if nxt >= 0 else "\n"
            text = head + "\n" + md + tail
        else:
            text = text.replace("\n## References\n", "\n" + md + "\n## References\n", 1)
        GUIDE.write_text(text, encoding="utf-8")
        print(f"wrote Counts section to {GUIDE}")


if __name__ == "__main__":
    main()
