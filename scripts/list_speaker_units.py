"""List the units of the speaker-type / coreference gold (data/annotations/speakers_units.csv).

    python scripts/list_speaker_units.py [--data ../shared/data]

Deterministic. It lists spans, offsets and hashes only; it assigns no label of any kind.

Units:
- PolNeAR dev: every human `Source` span of 14 articles. Articles = the distinct stems of
  `polnear/dev/attributions/*.ann` (stem = file name without `_<annotator>.ann`), sorted; every
  6th one from the first (indices 0, 6, 12, ... 78); for an article with several annotators'
  files, the alphabetically first file. Offsets are character offsets into the UTF-8 decoded
  `polnear/dev/text/<stem>.txt`; `para` = 0-based index of the non-blank line holding the span.
- BASIL dev: the speaker spans chosen by hand in data/annotations/speakers_basil_spans.csv
  (doc, para, sent, start, end; offsets into the sentence string of `body-paragraphs`).

Only locations and the first 12 hex digits of sha1(span text) are written; no text.
`load_units(shared_dir)` re-reads the texts and returns the spans, verifying every hash.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
ANN = ROOT / "data" / "annotations"
UNITS_CSV = ANN / "speakers_units.csv"
BASIL_SPANS_CSV = ANN / "speakers_basil_spans.csv"
STEP = 6
N_ARTICLES = 14
COLUMNS = ["unit_id", "corpus", "doc", "para", "sent", "start", "end", "sha1", "ann_file", "ann_id"]


def default_shared() -> Path:
    env = os.environ.get("FRAMING_SHARED_DATA")
    return Path(env) if env else (ROOT.parent / "shared" / "data")


def sha12(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def polnear_articles(shared: Path) -> list[tuple[str, str]]:
    """(stem, ann file name) of the chosen PolNeAR dev articles."""
    att = shared / "polnear" / "dev" / "attributions"
    files = sorted(p.name for p in att.glob("*.ann"))
    first: dict[str, str] = {}
    for name in files:
        stem = re.sub(r"_[0-9a-f]{4}\.ann$", "", name)
        first.setdefault(stem, name)
    stems = sorted(first)
    chosen = stems[::STEP][:N_ARTICLES]
    return [(s, first[s]) for s in chosen]


def _para_index(text: str, start: int) -> int:
    para = -1
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            para += 1
        if pos <= start < pos + len(line) + 1:
            return para
        pos += len(line) + 1
    return para


def polnear_units(shared: Path) -> list[dict]:
    rows = []
    base = shared / "polnear" / "dev"
    for stem, ann in polnear_articles(shared):
        text = (base / "text" / f"{stem}.txt").read_text(encoding="utf-8")
        spans = []
        for line in (base / "attributions" / ann).read_text(encoding="utf-8").splitlines():
            m = re.match(r"^(T\d+)\tSource (\d+) (\d+)\t(.*)$", line)
            if not m:
                continue
            tid, s, e, shown = m.group(1), int(m.group(2)), int(m.group(3)), m.group(4)
            if text[s:e] != shown:
                raise ValueError(f"{ann} {tid}: offsets do not match the text")
            spans.append((s, e, tid))
        for s, e, tid in sorted(spans, key=lambda x: (x[0], x[1], int(x[2][1:]))):
            rows.append(dict(corpus="polnear", doc=f"dev/text/{stem}.txt", para=_para_index(text, s),
                             sent=pd.NA, start=s, end=e, sha1=sha12(text[s:e]),
                             ann_file=f"dev/attributions/{ann}", ann_id=tid))
    return rows


def _basil_sentence(shared: Path, doc: str, para: int, sent: int) -> str:
    d = json.loads((shared / "basil_dev" / doc).read_text(encoding="utf-8"))
    return d["body-paragraphs"][para][sent]


def basil_units(shared: Path) -> list[dict]:
    spans = pd.read_csv(BASIL_SPANS_CSV)
    spans = spans.sort_values(["doc", "para", "sent", "start", "end"], kind="mergesort")
    rows = []
    cache: dict[str, dict] = {}
    for r in spans.itertuples(index=False):
        if r.doc not in cache:
            cache[r.doc] = json.loads((shared / "basil_dev" / r.doc).read_text(encoding="utf-8"))
        sentence = cache[r.doc]["body-paragraphs"][int(r.para)][int(r.sent)]
        span = sentence[int(r.start):int(r.end)]
        if not span or span != span.strip():
            raise ValueError(f"bad BASIL span {tuple(r)}")
        rows.append(dict(corpus="basil", doc=r.doc, para=int(r.para), sent=int(r.sent),
                         start=int(r.start), end=int(r.end), sha1=sha12(span),
                         ann_file=pd.NA, ann_id=pd.NA))
    return rows


def build(shared: Path) -> pd.DataFrame:
    pn = pd.DataFrame(polnear_units(shared))
    pn.insert(0, "unit_id", [f"pn{i:04d}" for i in range(1, len(pn) + 1)])
    rows = [pn]
    if BASIL_SPANS_CSV.exists():
        bs = pd.DataFrame(basil_units(shared))
        bs.insert(0, "unit_id", [f"bs{i:04d}" for i in range(1, len(bs) + 1)])
        rows.append(bs)
    units = pd.concat(rows, ignore_index=True)[COLUMNS]
    units["sent"] = units["sent"].astype("Int64")
    if units.duplicated(["corpus", "doc", "para", "sent", "start", "end", "ann_id"]).any():
        raise ValueError("duplicate units")
    return units


def load_units(shared_dir: str | Path | None = None, units_csv: str | Path = UNITS_CSV) -> pd.DataFrame:
    """The listed units with their span text (column `text`), every sha1 verified.

    Reads the texts from `shared_dir` (default $FRAMING_SHARED_DATA or ../shared/data); raises
    FileNotFoundError with a clear message where that folder is absent, ValueError on a hash mismatch.
    The returned text is for local reading only: never write it into the project.
    """
    shared = Path(shared_dir) if shared_dir else default_shared()
    if not (shared / "polnear").is_dir() or not (shared / "basil_dev").is_dir():
        raise FileNotFoundError(f"shared data not found at {shared} (set FRAMING_SHARED_DATA)")
    units = pd.read_csv(units_csv, dtype={"sha1": str})
    texts, cache = [], {}
    for r in units.itertuples(index=False):
        if r.corpus == "polnear":
            if r.doc not in cache:
                cache[r.doc] = (shared / "polnear" / r.doc).read_text(encoding="utf-8")
            span = cache[r.doc][int(r.start):int(r.end)]
        else:
            span = _basil_sentence(shared, r.doc, int(r.para), int(r.sent))[int(r.start):int(r.end)]
        if sha12(span) != r.sha1:
            raise ValueError(f"{r.unit_id}: hash mismatch ({r.doc} {r.start}-{r.end})")
        texts.append(span)
    units["text"] = texts
    return units


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=None, help="shared data folder (default ../shared/data)")
    args = ap.parse_args(argv)
    shared = Path(args.data) if args.data else default_shared()
    if not (shared / "polnear").is_dir():
        print(f"shared data not found at {shared}; nothing listed", file=sys.stderr)
        return 0
    units = build(shared)
    units.to_csv(UNITS_CSV, index=False)
    load_units(shared)  # round-trip check of every hash
    print(f"{len(units)} units -> {UNITS_CSV.relative_to(ROOT)}")
    print(units.groupby("corpus")["doc"].agg(["size", "nunique"]).to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
