"""Check the speaker-type / coreference gold and print its counts (no labels are made here).

    python scripts/check_speaker_gold.py [--markdown]

Checks: every unit of data/annotations/speakers_units.csv labelled exactly once and no label
without a unit; speaker_type, role and form in their sets; role compatible with the type;
person a snake_case key; note at most 8 words. Prints counts per type, role, form and corpus,
the number of distinct persons per article, and (with --markdown) the same as Markdown tables
for the guideline's Counts section. Reads only the two CSVs: no article text is needed.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
ANN = ROOT / "data" / "annotations"

TYPES = ["official", "state_media", "other_media", "expert", "anonymous", "collective", "other"]
ROLES = {
    "official": {"office", "party", "campaign", "agency", "police_military", "court"},
    "state_media": {"state_media"},
    "other_media": {"media"},
    "expert": {"academic", "think_tank", "analyst", "lawyer"},
    "anonymous": {"anonymous"},
    "collective": {"group"},
    "other": {"business", "ngo", "citizen", "celebrity", "lawyer", "other"},
}
FORMS = ["name", "title_name", "surname", "pronoun", "role_noun", "group_noun", "organisation",
         "anonymous", "other"]
KEY = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)*$")


def check(units: pd.DataFrame, gold: pd.DataFrame) -> list[str]:
    errors = []
    dup = gold[gold.unit_id.duplicated(keep=False)].unit_id.unique()
    if len(dup):
        errors.append(f"labelled more than once: {list(dup)[:10]}")
    missing = sorted(set(units.unit_id) - set(gold.unit_id))
    extra = sorted(set(gold.unit_id) - set(units.unit_id))
    if missing:
        errors.append(f"{len(missing)} units without a label: {missing[:10]}")
    if extra:
        errors.append(f"{len(extra)} labels without a unit: {extra[:10]}")
    for r in gold.itertuples(index=False):
        if r.speaker_type not in TYPES:
            errors.append(f"{r.unit_id}: type {r.speaker_type!r} not in the set")
        elif r.role not in ROLES[r.speaker_type]:
            errors.append(f"{r.unit_id}: role {r.role!r} not allowed for {r.speaker_type}")
        if r.form not in FORMS:
            errors.append(f"{r.unit_id}: form {r.form!r} not in the set")
        if not isinstance(r.person, str) or not KEY.match(r.person):
            errors.append(f"{r.unit_id}: person {r.person!r} not a snake_case key")
        if isinstance(r.note, str) and len(r.note.split()) > 8:
            errors.append(f"{r.unit_id}: note longer than 8 words")
    return errors


def tables(units: pd.DataFrame, gold: pd.DataFrame) -> dict[str, pd.DataFrame]:
    df = units[["unit_id", "corpus", "doc"]].merge(gold, on="unit_id", how="inner")

    def by(col):
        t = pd.crosstab(df[col], df["corpus"])
        t["all"] = t.sum(axis=1)
        return t.sort_values("all", ascending=False)

    tr = pd.crosstab([df["speaker_type"], df["role"]], df["corpus"])
    tr["all"] = tr.sum(axis=1)
    per_doc = (df.groupby(["corpus", "doc"])
                 .agg(units=("unit_id", "size"), persons=("person", "nunique"),
                      unresolved=("person", lambda s: int((s == "unresolved").sum())))
                 .reset_index())
    per_doc["doc"] = per_doc["doc"].str.replace(r"^(dev/text/|articles/)", "", regex=True)
    per_doc["doc"] = per_doc["doc"].str.slice(0, 48)
    distinct = df.assign(key=df["doc"] + "|" + df["person"])
    summary = pd.DataFrame({
        "units": df.groupby("corpus").size(),
        "articles": df.groupby("corpus")["doc"].nunique(),
        "distinct persons (article, person)": distinct.groupby("corpus")["key"].nunique(),
    })
    summary.loc["all"] = [len(df), df["doc"].nunique(), distinct["key"].nunique()]
    return {"summary": summary, "type": by("speaker_type"), "type_role": tr, "form": by("form"),
            "per_article": per_doc}


def to_md(t: pd.DataFrame, index=True) -> str:
    t = t.reset_index() if index else t
    cols = [str(c) for c in t.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for row in t.itertuples(index=False):
        lines.append("| " + " | ".join(str(v) for v in row) + " |")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--markdown", action="store_true")
    args = ap.parse_args(argv)
    units = pd.read_csv(ANN / "speakers_units.csv", dtype={"sha1": str})
    gold = pd.read_csv(ANN / "speakers_gold.csv", keep_default_na=False, na_values=[])
    gold["note"] = gold["note"].replace("", pd.NA)
    errors = check(units, gold)
    for e in errors:
        print("ERROR", e)
    out = tables(units, gold)
    for name, t in out.items():
        print(f"\n## {name}")
        print(to_md(t, index=name != "per_article") if args.markdown else t.to_string())
    print("\nOK" if not errors else f"\n{len(errors)} errors")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
