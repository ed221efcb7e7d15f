"""Build and check the conflict-news contrast set (``data/training/conflict_contrast.csv``).

    python scripts/conflict_contrast.py build SRC [SRC ...] [--out CSV]
    python scripts/conflict_contrast.py check [CSV]
    python scripts/conflict_contrast.py blind [CSV] --frac 0.15 --items OUT.csv
    python scripts/conflict_contrast.py agree [CSV] --relabel OUT.csv

Source files (written by hand, see ``data/training/conflict_contrast_guideline.md``): one item per line,
``LABEL RULE sentence with the {target} in braces``, LABEL one of ``-`` ``0`` ``+``; a blank line ends a
contrast group; lines starting with ``#`` are comments. ``build`` turns them into the CSV with Python ``str``
offsets of the target. ``check`` verifies offsets, labels, rules, uniqueness, group sizes, the label balance,
the share of violent vocabulary and that no banned topic (the evaluation set's story) appears.
``blind`` writes a random sample without labels for a blind re-labelling pass; ``agree`` compares a
re-labelled sample with the set (Cohen's kappa, confusion).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd

DEFAULT = Path(__file__).resolve().parents[1] / "data" / "training" / "conflict_contrast.csv"
LABELS = {"-": "negative", "0": "neutral", "+": "positive"}
RULES = tuple(f"R{k}" for k in range(1, 11))
COLUMNS = ["item_id", "group_id", "sentence", "target", "start", "end", "label", "rule"]
#: The evaluation set's story: none of these may appear (whole words, any case).
BANNED = ("syria", "syrian", "syrians", "assad", "damascus", "aleppo", "idlib", "homs", "latakia", "putin",
          "kremlin", "moscow", "lavrov", "hezbollah", "isis", "isil", "daesh", "nusra")
#: Violent vocabulary (word prefixes) for the balance check.
VIOLENT = ("strike", "airstrike", "air strike", "drone", "attack", "kill", "bomb", "shell", "terror",
           "offensive", "militant", "massacre", "artillery", "rocket", "missile", "gunmen", "gunman", "ambush",
           "war", "fighting", "clash", "raid", "siege", "casualt", "wounded", "explos", "assault", "insurgen",
           "combat", "battle", "troops", "shot", "shoot", "fire", "killing", "dead", "died", "mortar",
           "militia", "armed", "weapon", "jihadist", "kidnap", "hostage", "looting", "violence", "massacr")
MIN_WORDS, MAX_WORDS = 15, 45


def parse(paths) -> pd.DataFrame:
    rows, group, g = [], [], 0
    line_re = re.compile(r"^([-0+])\s+(R\d+)\s+(.+)$")

    def close():
        nonlocal group, g
        if group:
            g += 1
            rows.extend({**r, "group_id": f"g{g:03d}"} for r in group)
            group = []

    for path in paths:
        for n, raw in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
            line = raw.strip()
            if line.startswith("#"):
                continue
            if not line:
                close()
                continue
            m = line_re.match(line)
            if not m:
                raise ValueError(f"{path}:{n}: cannot read {line!r} (need 'LABEL RULE sentence {{target}}')")
            marked = m.group(3)
            if marked.count("{") != 1 or marked.count("}") != 1:
                raise ValueError(f"{path}:{n}: need exactly one {{target}} in {marked!r}")
            start = marked.index("{")
            end = marked.index("}") - 1
            sentence = marked.replace("{", "").replace("}", "")
            group.append({"sentence": sentence, "target": sentence[start:end], "start": start, "end": end,
                          "label": LABELS[m.group(1)], "rule": m.group(2)})
        close()
    table = pd.DataFrame(rows)
    table.insert(0, "item_id", [f"cc{k + 1:04d}" for k in range(len(table))])
    return table[COLUMNS]


def violent(sentence: str) -> bool:
    low = sentence.lower()
    return any(re.search(r"\b" + re.escape(w), low) for w in VIOLENT)


def check(table: pd.DataFrame) -> list[str]:
    """Problems found (empty list: the set passes)."""
    errs = []
    for r in table.itertuples():
        if r.sentence[r.start:r.end] != r.target:
            errs.append(f"{r.item_id}: sentence[{r.start}:{r.end}] != {r.target!r}")
        if r.label not in LABELS.values():
            errs.append(f"{r.item_id}: label {r.label!r}")
        if r.rule not in RULES:
            errs.append(f"{r.item_id}: rule {r.rule!r}")
        words = len(r.sentence.split())
        if not 6 <= words <= MAX_WORDS:
            errs.append(f"{r.item_id}: {words} words")
        hit = [b for b in BANNED if re.search(r"\b" + b + r"\b", r.sentence.lower())]
        if hit:
            errs.append(f"{r.item_id}: banned topic {hit}")
    dup = table[table.duplicated(["sentence", "start", "end"], keep=False)]
    errs += [f"{i}: duplicate item" for i in dup["item_id"]]
    if table["item_id"].duplicated().any():
        errs.append("duplicate item_id")
    sizes = table.groupby("group_id").size()
    errs += [f"group {g}: {n} items (need 2-4)" for g, n in sizes.items() if not 2 <= n <= 4]
    return errs


def summary(table: pd.DataFrame) -> str:
    v = table["sentence"].map(violent)
    short = (table["sentence"].str.split().str.len() < MIN_WORDS).sum()
    share = table["label"].value_counts(normalize=True).round(3).to_dict()
    by_label = table[v]["label"].value_counts().to_dict()
    one_label = (table.groupby("group_id")["label"].nunique() == 1).sum()
    return (f"{len(table)} items, {table['group_id'].nunique()} groups; labels {share}; violent vocabulary "
            f"{v.mean():.3f} (by label {by_label}); under {MIN_WORDS} words (headline style): {short}; "
            f"groups with one label only: {one_label}; rules {table['rule'].value_counts().to_dict()}")


def kappa(a, b) -> float:
    a, b = np.asarray(a), np.asarray(b)
    labs = sorted(set(a) | set(b))
    po = float(np.mean(a == b))
    pe = sum(float(np.mean(a == k)) * float(np.mean(b == k)) for k in labs)
    return (po - pe) / (1 - pe)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("step", choices=("build", "check", "blind", "agree"))
    ap.add_argument("paths", nargs="*")
    ap.add_argument("--out", default=str(DEFAULT))
    ap.add_argument("--frac", type=float, default=0.15)
    ap.add_argument("--seed", type=int, default=18)
    ap.add_argument("--items", help="blind: where to write the unlabelled sample")
    ap.add_argument("--relabel", help="agree: the re-labelled sample (item_id,label)")
    a = ap.parse_args()
    if a.step == "build":
        table = parse(a.paths)
        table.to_csv(a.out, index=False)
        print(f"wrote {a.out}")
    csv = a.out if a.step == "build" else (a.paths[0] if a.paths else str(DEFAULT))
    table = pd.read_csv(csv, keep_default_na=False)
    errs = check(table)
    print("\n".join(errs) if errs else "check: ok")
    print(summary(table))
    if a.step == "blind":
        sample = table.sample(frac=a.frac, random_state=a.seed).sort_values("item_id")
        sample[["item_id", "sentence", "target"]].to_csv(a.items, index=False)
        print(f"wrote {len(sample)} unlabelled items to {a.items}")
    if a.step == "agree":
        re_ = pd.read_csv(a.relabel, keep_default_na=False)
        m = re_.merge(table[["item_id", "label"]], on="item_id", suffixes=("_blind", "_set"))
        print(f"n {len(m)}, raw agreement {np.mean(m['label_blind'] == m['label_set']):.3f}, "
              f"Cohen's kappa {kappa(m['label_set'], m['label_blind']):.3f}")
        print(pd.crosstab(m["label_set"], m["label_blind"], rownames=["set"], colnames=["blind"]))
        print(m[m["label_blind"] != m["label_set"]][["item_id", "label_set", "label_blind"]].to_string(index=False))
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())
