"""Every measure over every article of a corpus, streamed in chunks, written as Parquet tables.

:func:`run` reads a corpus (see :func:`iter_articles` for the accepted inputs),
computes the study's measures for each article and writes one Parquet file per
table into an output folder:

``articles``
    one row per input article, in input order: metadata, ``status`` (``ok`` or
    ``error``) and the per-article counts the outlet profile is pooled from
    (:data:`ARTICLE_COUNTS`).
``lines``
    :func:`analysis.boilerplate.segment` — every non-blank line with its label
    (body / furniture / boilerplate); lines repeated across two or more articles
    of the same outlet are chrome, as in :func:`analysis.boilerplate.segment_corpus`.
``quotes``, ``scare_quotes``
    :func:`analysis.quotes.extract_quotes` / ``scare_quotes`` of the body text.
``mentions``
    :func:`analysis.actors.find_mentions` of the body plus headline and
    standfirst (:func:`analysis.actors.article_text`), as
    :func:`analysis.actors.corpus_mentions` reads them.
``hedges``, ``hedge_rates``
    :func:`analysis.hedging.find_hedges` and :func:`analysis.hedging.article_rates`
    of the body (cues per 1,000 words by voice and category).
``sentences``
    every body sentence with its uncertainty verdicts (lexicon and model, as in
    :func:`analysis.hedging.sentence_uncertainty`), read from the shared parse
    of the paragraph the sentence stands in (see :func:`_uncertainty`).
``readability``
    :func:`analysis.readability.readability` of the body.
``sentiment`` (only with ``sentiment=True``)
    :func:`analysis.actor_sentiment.mention_sentiment` of every mention.
``errors``
    one row per article that failed: the ``stage`` where, the exception type and
    message. Such an article keeps its row in ``articles`` (``status`` =
    ``error``) and has no rows in the measure tables; the run goes on.
``outlets``
    the per-outlet profile, pooled from the per-article counts (see
    :func:`outlet_profile` for how to read each column).

Every table but ``outlets`` starts with ``article_id`` and ``outlet``; every
offset (``start``, ``end``, ``sentence_start`` …) indexes the raw article text,
because every measure reads a text of the same length with chrome blanked.
On the data-folder layout the tables equal the per-corpus functions of each
module (``segment_corpus``, ``corpus_quotes``, ``corpus_mentions``,
``corpus_cues``, ``hedge_rates``, ``article_readability``); a test holds that.

**Parsing once.** Each article is parsed once: the paragraphs (non-blank lines)
of its body plus headline and standfirst go through one ``nlp.pipe`` call per
chunk of articles, and every measure receives a :class:`analysis.nlp.SharedParse` in place
of the spaCy pipeline, which hands back those documents instead of parsing
again. The default measures use every component of the model (tagger, parser,
lemmatizer, NER); none can be disabled for them.

**Streaming.** Articles are read, processed and written one chunk at a time
(``chunk_size`` articles), so memory stays flat as the corpus grows; only the
set of article ids and 8-byte hashes of lines (for chrome repeated across an
outlet's articles) are held for the whole corpus.

**Workers.** ``workers=N`` runs chunks in N local processes; ``dask=`` runs them
on a ``dask.distributed`` cluster (an address, a ``Client``, or ``"local"`` for
a ``LocalCluster``). Each worker process loads the spaCy model once
(:func:`analysis.nlp.load_nlp` is cached per process). Chunks are written in
input order, so every kind of run writes identical tables.
"""

from __future__ import annotations

import collections
import csv
import datetime as _dt
import hashlib
import json
import os
import sys
import time
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import frames
from analysis.corpus import CorpusError, check_fields
from analysis.nlp import SharedParse

#: Columns an input file (CSV, JSONL, Parquet) must have, and those it may have.
INPUT_REQUIRED = ("article_id", "outlet", "text")
INPUT_OPTIONAL = ("title", "published", "event")
#: Tables written by :func:`run` (``sentiment`` only when asked for).
TABLES = ("articles", "lines", "quotes", "scare_quotes", "mentions", "hedges", "hedge_rates",
          "sentences", "readability", "sentiment", "errors", "outlets")
#: Columns of the ``errors`` table: where the article is in the input, the stage that failed, the exception.
ERROR_COLUMNS = ["article_id", "outlet", "line", "stage", "error", "message"]
#: Articles per chunk: the unit that is parsed in one ``nlp.pipe`` call and written at once.
CHUNK_SIZE = 64
#: spaCy batch size within a chunk (paragraphs per batch).
BATCH_SIZE = 256
#: Per-article counts in the ``articles`` table (summed per outlet for the profile).
ARTICLE_COUNTS = ("chars", "nonspace_chars", "body_words", "chrome_chars", "boilerplate_chars", "quotes", "direct_quotes",
                  "indirect_quotes", "quoted_words", "sources", "scare_quotes", "mentions",
                  "hedges_own", "hedges_quoted", "boosters_own", "boosters_quoted", "words_own",
                  "words_quoted", "sentences", "uncertain_sentences", "words_textstat",
                  "sentences_textstat", "syllables")


# --------------------------------------------------------------------------------------
# input
# --------------------------------------------------------------------------------------

def _input_kind(path: Path) -> str:
    if path.is_dir():
        return "folder"
    suffix = path.suffix.lower()
    kinds = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet",
             ".pq": "parquet"}
    if not path.exists():
        raise CorpusError(path, "input does not exist")
    if suffix not in kinds:
        raise CorpusError(path, f"unknown input type {suffix!r}: give a corpus folder, "
                                ".csv, .jsonl or .parquet")
    return kinds[suffix]


def iter_articles(path: Path | str) -> Iterator[dict]:
    """Yield the articles of ``path`` one at a time, checked as they are read.

    ``path`` is a corpus folder in the layout of :func:`analysis.corpus.load_corpus`
    (``articles.csv`` + raw texts; all its checks apply), or a ``.csv``,
    ``.jsonl`` or ``.parquet`` file with columns ``article_id``, ``outlet``,
    ``text`` and optionally ``title``, ``published`` (ISO date), ``event``.
    Each yielded dict has those keys plus ``line`` (the CSV/JSONL line or the
    1-based Parquet row). Bad input raises :class:`analysis.corpus.CorpusError`
    naming the file, the line and the problem: a missing column, an empty id or
    outlet, a text that is not a string, a duplicate ``article_id``, a date that
    is not ISO, malformed CSV or JSON.
    """
    path = Path(path)
    kind = _input_kind(path)
    reader = {"folder": _iter_folder, "csv": _iter_csv, "jsonl": _iter_jsonl,
              "parquet": _iter_parquet}[kind]
    seen: dict[str, int] = {}
    for rec in reader(path):
        aid, line = rec["article_id"], rec["line"]
        if aid in seen:
            raise CorpusError(path, f"duplicate article_id {aid!r} (first on line {seen[aid]})", line)
        seen[aid] = line
        yield rec


def _check_record(path: Path, raw: dict, line: int) -> dict:
    missing = [c for c in INPUT_REQUIRED if c not in raw]
    if missing:
        raise CorpusError(path, f"missing column(s) {', '.join(missing)}; has {sorted(raw)}", line)
    rec = {"line": line}
    for col in INPUT_REQUIRED + INPUT_OPTIONAL:
        value = raw.get(col)
        if value is None or (isinstance(value, float) and np.isnan(value)):
            value = ""
        if col == "published" and isinstance(value, (_dt.date, pd.Timestamp)):
            value = value.isoformat()[:10]
        if not isinstance(value, str):
            if col == "text":
                raise CorpusError(path, f"text is {type(value).__name__}, not a string", line)
            value = str(value)
        rec[col] = value if col == "text" else value.strip()
    check_fields(path, rec, ("article_id", "outlet"), line)
    return rec


def _iter_folder(folder: Path) -> Iterator[dict]:
    from analysis import corpus as corpus_mod

    meta = folder / corpus_mod.METADATA_FILE
    for line, rec in corpus_mod._read_metadata(meta):
        rec = dict(rec, text=corpus_mod._read_text(folder, rec, meta, line))
        yield _check_record(meta, rec, line)


def _iter_csv(path: Path) -> Iterator[dict]:
    csv.field_size_limit(sys.maxsize)
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh, strict=True)
            header = [h.strip() for h in next(reader, [])]
            missing = [c for c in INPUT_REQUIRED if c not in header]
            if missing:
                raise CorpusError(path, f"missing column(s) {', '.join(missing)}; header is {header}", 1)
            for row in reader:
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) != len(header):
                    raise CorpusError(path, f"expected {len(header)} fields, found {len(row)} "
                                            "(truncated or malformed row)", reader.line_num)
                yield _check_record(path, dict(zip(header, row)), reader.line_num)
    except csv.Error as exc:
        raise CorpusError(path, f"malformed CSV ({exc})", reader.line_num) from exc
    except UnicodeDecodeError as exc:
        raise CorpusError(path, f"not UTF-8 (invalid byte 0x{exc.object[exc.start]:02x})") from exc


def _iter_jsonl(path: Path) -> Iterator[dict]:
    try:
        with open(path, encoding="utf-8-sig") as fh:
            for line_no, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    raw = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise CorpusError(path, f"not valid JSON ({exc.msg}, column {exc.colno})",
                                      line_no) from None
                if not isinstance(raw, dict):
                    raise CorpusError(path, f"expected a JSON object, found {type(raw).__name__}",
                                      line_no)
                yield _check_record(path, raw, line_no)
    except UnicodeDecodeError as exc:
        raise CorpusError(path, f"not UTF-8 (invalid byte 0x{exc.object[exc.start]:02x})") from exc


def _iter_parquet(path: Path) -> Iterator[dict]:
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises ArrowInvalid and friends
        raise CorpusError(path, f"not a readable Parquet file ({exc})") from exc
    names = pf.schema_arrow.names
    missing = [c for c in INPUT_REQUIRED if c not in names]
    if missing:
        raise CorpusError(path, f"missing column(s) {', '.join(missing)}; columns are {names}")
    cols = [c for c in INPUT_REQUIRED + INPUT_OPTIONAL if c in names]
    row = 0
    for batch in pf.iter_batches(batch_size=1024, columns=cols):
        for raw in batch.to_pylist():
            row += 1
            yield _check_record(path, raw, row)


# --------------------------------------------------------------------------------------
# chrome repeated across an outlet's articles
# --------------------------------------------------------------------------------------

def _template_lines(text: str) -> dict[str, int]:
    """Normalised lines of at least 3 words (the candidates of ``segment_corpus``) → 8-byte hash."""
    from analysis.boilerplate import _normalise, split_lines

    norms = {_normalise(t) for t in split_lines(text)["text"] if len(t.split()) >= 3}
    return {n: int.from_bytes(hashlib.blake2b(n.encode("utf-8"), digest_size=8).digest(), "little")
            for n in norms}


class RepeatedLines:
    """Per outlet, hashes of lines that occur in two or more of its articles.

    Filled by one pass over the corpus (:meth:`add`), holding 8 bytes per line;
    :meth:`of` gives an article's own repeated lines, the ``repeated`` argument
    of :func:`analysis.boilerplate.segment` (equal to what ``segment_corpus``
    passes; a 64-bit hash collision would be needed to differ).
    """

    def __init__(self):
        self._hashes: dict[str, array] = collections.defaultdict(lambda: array("Q"))
        self._repeated: dict[str, set[int]] | None = None

    def add(self, outlet: str, text: str) -> None:
        self._hashes[outlet].extend(_template_lines(text).values())

    def freeze(self) -> None:
        self._repeated = {}
        for outlet, arr in self._hashes.items():
            values, counts = np.unique(np.frombuffer(arr, dtype=np.uint64), return_counts=True)
            self._repeated[outlet] = set(values[counts > 1].tolist())
        self._hashes.clear()

    def of(self, outlet: str, text: str) -> list[str]:
        rep = self._repeated.get(outlet, set())
        return sorted(n for n, h in _template_lines(text).items() if h in rep) if rep else []


# --------------------------------------------------------------------------------------
# the shared parse
# --------------------------------------------------------------------------------------

def _parse_units(text: str) -> list[str]:
    """The texts the measures will ask spaCy to parse for ``text``, each as often as asked at most.

    :mod:`analysis.quotes` parses paragraphs (:func:`analysis.sentences.paragraphs`),
    :func:`analysis.sentences.docs` parses them too, or — where that module splits
    over-long paragraphs — its pieces; for ordinary prose the two are the same texts.
    """
    from analysis import sentences

    paras = collections.Counter(sentences.paragraphs(text)["text"].tolist())
    pieces = getattr(sentences, "pieces", None)
    if pieces is not None:
        for t, n in collections.Counter(pieces(text)["text"].tolist()).items():
            paras[t] = max(paras[t], n)
    return [t for t, n in paras.items() for _ in range(n)]


# --------------------------------------------------------------------------------------
# one chunk
# --------------------------------------------------------------------------------------

@dataclass
class _Article:
    rec: dict
    stage: str = "input"
    error: tuple[str, str] | None = None
    seg: pd.DataFrame | None = None
    body: str = ""
    actor_text: str = ""
    paras: list = field(default_factory=list)
    docs: list = field(default_factory=list)
    counts: dict | None = None


def _fail(art: _Article, exc: BaseException) -> None:
    art.error = (type(exc).__name__, str(exc) or repr(exc))


def process_chunk(records: list[dict], sentiment: bool = False, model: str | None = None,
                  batch_size: int = BATCH_SIZE) -> dict[str, pd.DataFrame]:
    """Every measure for ``records`` (dicts from :func:`iter_articles` plus ``repeated``).

    Returns ``{table name: DataFrame}`` for this chunk (tables of :data:`TABLES`
    except ``outlets``). This is the unit of work a local process or a Dask
    worker runs; the spaCy model is loaded once per process.
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        return _process_chunk(records, sentiment, model, batch_size)


def _process_chunk(records, sentiment, model, batch_size):
    from analysis import actors, boilerplate
    from analysis.nlp import load_nlp

    nlp = load_nlp(model)
    arts = [_Article(r) for r in records]
    for art in arts:
        try:
            art.stage = "boilerplate"
            art.seg = boilerplate.segment(art.rec["text"], repeated=art.rec.get("repeated", ()))
            art.body = boilerplate.body_text(art.rec["text"], art.seg)
            art.actor_text = actors.article_text(art.rec["text"], art.seg)
            art.stage = "parse"
            art.paras = _parse_units(art.actor_text)
        except Exception as exc:  # noqa: BLE001 - kept in the errors table
            _fail(art, exc)
    _parse_all([a for a in arts if a.error is None], nlp, batch_size)
    tables: dict[str, list[pd.DataFrame]] = collections.defaultdict(list)
    owners: dict[str, list[dict]] = collections.defaultdict(list)  # the article of each frame
    article_rows: list[dict] = []
    for art in arts:
        if art.error is None:
            try:
                parts = _measure(art, nlp, sentiment)
            except Exception as exc:  # noqa: BLE001 - kept in the errors table
                _fail(art, exc)
            else:
                for name, frame in parts.items():
                    tables[name].append(frame)
                    owners[name].append(art.rec)
        article_rows.append(_article_row(art))
        if art.error is not None:
            tables["errors"].append(pd.DataFrame([(
                art.rec["article_id"], art.rec["outlet"], art.rec["line"], art.stage, *art.error)],
                columns=ERROR_COLUMNS))
        art.docs = []  # release the parse
    out = {"articles": pd.DataFrame(article_rows)}
    out.update({name: (_stack_with_ids(parts, owners[name]) if name in owners
                       else pd.concat(parts, ignore_index=True))
                for name, parts in tables.items()})
    return out


def _stack_with_ids(parts: list[pd.DataFrame], recs: list[dict]) -> pd.DataFrame:
    """The articles' frames of one table stacked, led by ``article_id`` and ``outlet``.

    The same table as stacking :func:`_with_ids` of each frame, with the two
    columns added once per chunk instead of once per article.
    """
    if not any(len(f) for f in parts):  # keep the column types an empty frame gets
        return pd.concat([_with_ids(f, r) for f, r in zip(parts, recs)], ignore_index=True)
    out = pd.concat(parts, ignore_index=True)  # empty parts too: they take part in the dtypes
    sizes = [len(f) for f in parts]
    out.insert(0, "outlet", pd.array(np.repeat([r["outlet"] for r in recs], sizes).tolist(), dtype="str"))
    out.insert(0, "article_id", pd.array(np.repeat([r["article_id"] for r in recs], sizes).tolist(),
                                         dtype="str"))
    return out


def _parse_all(arts: list[_Article], nlp, batch_size: int) -> None:
    """Parse every article's paragraphs in one ``nlp.pipe`` stream; on failure, article by article."""
    texts = [p for a in arts for p in a.paras]
    try:
        docs = list(nlp.pipe(texts, batch_size=batch_size))
    except Exception:  # noqa: BLE001 - find the article that breaks the parser
        for a in arts:
            try:
                a.docs = list(nlp.pipe(a.paras, batch_size=batch_size))
            except Exception as exc:  # noqa: BLE001
                _fail(a, exc)
        return
    k = 0
    for a in arts:
        a.docs = docs[k:k + len(a.paras)]
        k += len(a.paras)


def _with_ids(frame: pd.DataFrame, rec: dict) -> pd.DataFrame:
    frame = frame.reset_index(drop=True)
    frame.insert(0, "outlet", rec["outlet"])
    frame.insert(0, "article_id", rec["article_id"])
    return frame


def _measure(art: _Article, nlp, sentiment: bool) -> dict[str, pd.DataFrame]:
    from analysis import actors, hedging, quotes
    from analysis.readability import readability

    rec, body = art.rec, art.body
    parse = SharedParse(zip(art.paras, art.docs), nlp)
    art.stage = "quotes"
    qt, scare = quotes._extract(body, parse)
    art.stage = "mentions"
    # actors read body + headline/standfirst and find the quotations in that text
    aq = qt if art.actor_text == body else quotes._extract(art.actor_text, parse)[0]
    mentions = actors.find_mentions(art.actor_text, quotes=aq, nlp=parse)
    art.stage = "sentences"
    cands: dict = {}
    sents = _uncertainty(body, parse, cands)
    art.stage = "hedges"
    cues = hedging.find_hedges(body, quotes=qt, nlp=parse, candidates_of=cands)
    rates = hedging.article_rates(body, quotes=qt, nlp=parse, cues=cues)
    art.stage = "readability"
    read = pd.DataFrame([readability(body, parse)])
    out = {"lines": art.seg, "quotes": qt, "scare_quotes": scare, "mentions": mentions,
           "hedges": cues, "hedge_rates": rates, "sentences": sents, "readability": read}
    if sentiment:
        art.stage = "sentiment"
        out["sentiment"] = _sentiment(mentions, rec)
    art.stage = "summary"
    art.counts = _counts(art, qt, scare, mentions, rates, sents, read)
    return {name: frame.reset_index(drop=True) for name, frame in out.items()}


def _uncertainty(body: str, parse: SharedParse, candidates_of: dict) -> pd.DataFrame:
    """Body sentences with the uncertainty verdicts of :func:`analysis.hedging.sentence_uncertainty`.

    The lexicon's cues and the model's features come from the sentence as parsed
    inside its paragraph (the shared parse), where ``sentence_uncertainty``
    re-parses each sentence alone; the verdicts can differ where the tagger
    reads a word differently in and out of context. Fills ``candidates_of``
    (``id(doc)`` → the lexicon's candidates) for :func:`analysis.hedging.find_hedges`.
    """
    from analysis import hedging
    from analysis.sentences import COLUMNS, docs, sentence_spans

    rows, feats = [], []
    for para, doc in docs(body, parse):
        cands = candidates_of[id(doc)] = hedging.candidates(doc)
        by_sent = collections.defaultdict(list)
        for c in cands:
            by_sent[c["first"].sent.start].append(c)
        for sent, start, s in sentence_spans(para, doc):
            sc = by_sent.get(sent.start, [])
            cues = hedging.cues_in_doc(doc, sc)
            feats.append(hedging.sentence_features(doc, sc))
            rows.append((len(rows) + 1, para.paragraph, start, start + len(s), s,
                         "; ".join(f"{para.text[c['first'].idx:c['last'].idx + len(c['last'])]}/"
                                   f"{c['category']}" for c in cues),
                         any(c["uncertainty"] == "semantic" for c in cues),
                         any(c["uncertainty"] == "discourse" for c in cues)))
    names = COLUMNS + ["cues", "semantic", "discourse"]
    if not rows:
        out = pd.DataFrame(rows, columns=names)
        out["lexicon"] = out["semantic"].astype(bool) | out["discourse"].astype(bool)
        out["p_model"] = pd.Series(dtype=float)
        out["model"] = pd.Series(dtype=bool)
        return out
    cols = frames.columns_of(rows, names)
    semantic, discourse = np.array(cols["semantic"], dtype=bool), np.array(cols["discourse"], dtype=bool)
    model = hedging._model()
    p = model["estimator"].predict_proba(model["vectorizer"].transform(feats))[:, 1]
    return frames.from_columns({**cols, "semantic": semantic, "discourse": discourse,
                                "lexicon": semantic | discourse, "p_model": np.round(p, 4),
                                "model": (p >= model["threshold"]) | discourse})


def _sentiment(mentions: pd.DataFrame, rec: dict) -> pd.DataFrame:
    from analysis.actor_sentiment import mention_sentiment

    m = _with_ids(mentions, rec)
    return mention_sentiment(m, {rec["article_id"]: rec["text"]}).drop(columns=["article_id", "outlet"])


def _counts(art, qt, scare, mentions, rates, sents, read) -> dict:
    from analysis.hedging import HEDGE_CATEGORIES
    from analysis.quotes import SPEAKER_TYPES, _covered_words

    rec, body, seg = art.rec, art.body, art.seg
    chars = collections.Counter()
    for line, label in zip(seg["text"].tolist(), seg["label"].tolist()):
        chars[label] += len("".join(line.split()))  # non-whitespace characters
    spans = collections.defaultdict(list)
    actors_quoted = set()
    for s, e, stype, actor in zip(qt["start"].tolist(), qt["end"].tolist(),
                                  qt["speaker_type"].tolist(), qt["actor"].tolist()):
        spans[stype].append((s, e))
        if actor:
            actors_quoted.add(actor)
    kinds = collections.Counter(qt["kind"].tolist())
    counts = {
        "chars": len(rec["text"]), "nonspace_chars": sum(chars.values()),
        "body_words": len(body.split()), "chrome_chars": chars["furniture"] + chars["boilerplate"],
        "boilerplate_chars": chars["boilerplate"],
        "quotes": len(qt), "direct_quotes": kinds["direct"], "indirect_quotes": kinds["indirect"],
        "quoted_words": _covered_words(body, zip(qt["start"].tolist(), qt["end"].tolist())),
        "sources": len(actors_quoted), "scare_quotes": len(scare), "mentions": len(mentions),
        "sentences": len(sents), "uncertain_sentences": int(sents["model"].sum()),
        **{k: int(read[k].iat[0]) for k in ("words_textstat", "sentences_textstat", "syllables")},
        "hedges_own": 0, "hedges_quoted": 0, "boosters_own": 0, "boosters_quoted": 0,
        "words_own": 0, "words_quoted": 0,
    }
    for voice, cat, n, words in zip(rates["voice"].tolist(), rates["category"].tolist(),
                                    rates["count"].tolist(), rates["words"].tolist()):
        counts[f"words_{voice}"] = int(words)
        if cat in HEDGE_CATEGORIES:
            counts[f"hedges_{voice}"] += int(n)
        elif cat == "booster":
            counts[f"boosters_{voice}"] += int(n)
    for stype in SPEAKER_TYPES:
        counts[f"quoted_words_{stype}"] = _covered_words(body, spans.get(stype, []))
    return counts


def _article_row(art: _Article) -> dict:
    rec = art.rec
    row = {"article_id": rec["article_id"], "outlet": rec["outlet"], "title": rec["title"],
           "published": rec["published"], "event": rec["event"], "line": rec["line"],
           "status": "ok" if art.error is None else "error"}
    counts = art.counts if art.error is None else None
    for name in article_count_columns():
        row[name] = counts[name] if counts else 0
    return row


def article_count_columns() -> list[str]:
    """The count columns of the ``articles`` table: :data:`ARTICLE_COUNTS` and quoted words per speaker type."""
    from analysis.quotes import SPEAKER_TYPES

    return list(ARTICLE_COUNTS) + [f"quoted_words_{t}" for t in SPEAKER_TYPES]


# --------------------------------------------------------------------------------------
# writing
# --------------------------------------------------------------------------------------

def _to_arrow(frame: pd.DataFrame, schema=None):
    """A chunk as an Arrow table; the first chunk of a table fixes its schema (all-null → string)."""
    import pyarrow as pa

    if schema is not None:
        return pa.Table.from_pandas(frame, schema=schema, preserve_index=False)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    fields = [pa.field(f.name, pa.string()) if pa.types.is_null(f.type) else f for f in table.schema]
    return table.cast(pa.schema(fields, metadata=table.schema.metadata))


class _TableWriter:
    """One Parquet file per table, appended chunk by chunk (one row group each).

    Each file is written under a temporary name and moved into place when the
    run ends, so a crash never leaves a half-written table under its real name.
    """

    def __init__(self, folder: Path):
        self.folder = folder
        self.writers: dict = {}
        self.columns: dict[str, pd.DataFrame] = {}
        self.rows: collections.Counter = collections.Counter()

    def _tmp(self, name: str) -> Path:
        return self.folder / f".{name}.parquet.partial"

    def write(self, name: str, frame: pd.DataFrame) -> None:
        import pyarrow.parquet as pq

        self.columns.setdefault(name, frame.iloc[0:0])
        if frame.empty:
            return
        writer = self.writers.get(name)
        try:
            table = _to_arrow(frame, writer.schema if writer is not None else None)
        except Exception as exc:  # pyarrow's errors do not name the table
            raise RuntimeError(f"table {name!r}: a chunk does not fit the table's columns ({exc})") from exc
        if writer is None:
            writer = self.writers[name] = pq.ParquetWriter(self._tmp(name), table.schema)
        writer.write_table(table)
        self.rows[name] += len(frame)

    def close(self, names: Iterable[str]) -> None:
        import pyarrow.parquet as pq

        for name in names:
            if name not in self.writers:  # no rows: an empty table with the columns
                default = ERROR_COLUMNS if name == "errors" else ["article_id", "outlet"]
                empty = self.columns.get(name, pd.DataFrame(columns=default))
                pq.write_table(_to_arrow(empty.astype(object)), self._tmp(name))
                self.rows[name] += 0
            else:
                self.writers.pop(name).close()
            os.replace(self._tmp(name), self.folder / f"{name}.parquet")

    def abort(self) -> None:
        for name, writer in self.writers.items():
            writer.close()
            self._tmp(name).unlink(missing_ok=True)


# --------------------------------------------------------------------------------------
# the per-outlet profile
# --------------------------------------------------------------------------------------

def _outlet_totals(articles: pd.DataFrame) -> pd.DataFrame:
    ok = articles["status"] == "ok"
    cols = article_count_columns()
    sums = articles.loc[ok].groupby("outlet")[cols].sum()
    counts = pd.DataFrame({"articles": ok.groupby(articles["outlet"]).sum(),
                           "failed": (~ok).groupby(articles["outlet"]).sum()})
    return counts.join(sums).fillna(0).astype(np.int64)


def outlet_profile(totals: pd.DataFrame) -> pd.DataFrame:
    """One row per outlet from the summed per-article counts (the ``outlets`` table).

    Pooled over the outlet's articles that ran without error (``articles``;
    ``failed`` counts the others), so every word and sentence weighs the same:

    ``body_words``
        words of article body (chrome excluded).
    ``boilerplate_ratio`` / ``chrome_ratio``
        share of the pages' non-whitespace characters in boilerplate lines / in
        boilerplate or furniture lines (0 = none, 1 = all).
    ``quotes_per_1000_words``, ``direct_share``
        quotations per 1,000 body words; the share of them that are direct.
    ``quoted_word_share``, ``quoted_share_<speaker type>``
        body words inside quotations (overlaps counted once), overall and by the
        speaker's type (official, state_media, …), as shares of body words.
    ``sources_per_article``
        distinct quoted actors per article, averaged.
    ``scare_quotes_per_1000_words``, ``mentions_per_1000_words``.
    ``hedges_per_1000_own`` / ``_quoted``, ``boosters_per_1000_own`` / ``_quoted``
        cues per 1,000 words in the outlet's own voice / inside quotations.
    ``uncertain_sentence_share``
        body sentences the uncertainty model calls uncertain.
    ``flesch_reading_ease``
        Flesch's formula on the pooled textstat counts (words, sentences,
        syllables summed over articles; higher ⇒ easier). It equals textstat on
        the concatenated bodies up to textstat's sentence splitting at article
        joins.

    A rate whose denominator is zero is NaN.
    """
    from analysis.quotes import SPEAKER_TYPES

    t = totals.astype(float)

    def rate(num, den, scale=1.0):
        return (scale * num / den.where(den > 0)).round(4)

    out = pd.DataFrame(index=totals.index)
    out["articles"] = totals["articles"]
    out["failed"] = totals["failed"]
    out["body_words"] = totals["body_words"]
    out["boilerplate_ratio"] = rate(t["boilerplate_chars"], t["nonspace_chars"])
    out["chrome_ratio"] = rate(t["chrome_chars"], t["nonspace_chars"])
    out["quotes_per_1000_words"] = rate(t["quotes"], t["body_words"], 1000)
    out["direct_share"] = rate(t["direct_quotes"], t["quotes"])
    out["quoted_word_share"] = rate(t["quoted_words"], t["body_words"])
    for stype in SPEAKER_TYPES:
        out[f"quoted_share_{stype}"] = rate(t[f"quoted_words_{stype}"], t["body_words"])
    out["sources_per_article"] = rate(t["sources"], t["articles"])
    out["scare_quotes_per_1000_words"] = rate(t["scare_quotes"], t["body_words"], 1000)
    out["mentions_per_1000_words"] = rate(t["mentions"], t["body_words"], 1000)
    for voice in ("own", "quoted"):
        out[f"hedges_per_1000_{voice}"] = rate(t[f"hedges_{voice}"], t[f"words_{voice}"], 1000)
        out[f"boosters_per_1000_{voice}"] = rate(t[f"boosters_{voice}"], t[f"words_{voice}"], 1000)
    out["uncertain_sentence_share"] = rate(t["uncertain_sentences"], t["sentences"])
    words, sents = t["words_textstat"], t["sentences_textstat"]
    out["flesch_reading_ease"] = (206.835 - 1.015 * words / sents.where(sents > 0)
                                  - 84.6 * t["syllables"] / words.where(words > 0)).round(2)
    return out.reset_index(names="outlet")


# --------------------------------------------------------------------------------------
# the run
# --------------------------------------------------------------------------------------

@dataclass
class RunSummary:
    """What a run did: counts, rows per table, time, and where the tables are."""

    out: Path
    articles: int = 0
    failed: int = 0
    words: int = 0
    seconds: float = 0.0
    rows: dict = field(default_factory=dict)

    def as_text(self) -> str:
        rate = self.articles / self.seconds if self.seconds else float("nan")
        wrate = self.words / self.seconds if self.seconds else float("nan")
        lines = [f"{self.articles} articles ({self.failed} failed, see errors.parquet) in "
                 f"{self.seconds:.1f} s: {rate:.2f} articles/s, {wrate:,.0f} body words/s",
                 f"tables in {self.out}:"]
        lines += [f"  {name}.parquet  {n:,} rows" for name, n in self.rows.items()]
        return "\n".join(lines)


def _scan(path: Path) -> tuple[RepeatedLines, int]:
    """First pass: check every record and hash every line (for chrome repeated in an outlet)."""
    repeated = RepeatedLines()
    n = 0
    for rec in iter_articles(path):
        repeated.add(rec["outlet"], rec["text"])
        n += 1
    if n == 0:
        raise CorpusError(path, "no articles")
    repeated.freeze()
    return repeated, n


def _chunks(path: Path, repeated: RepeatedLines, size: int) -> Iterator[list[dict]]:
    chunk = []
    for rec in iter_articles(path):
        rec["repeated"] = repeated.of(rec["outlet"], rec["text"])
        chunk.append(rec)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _in_order(submit: Callable, chunks: Iterable, window: int) -> Iterator:
    """Submit chunks keeping at most ``window`` in flight; yield results in input order."""
    pending: collections.deque = collections.deque()
    for chunk in chunks:
        pending.append(submit(chunk))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


class _Now:
    """A finished 'future' for in-process runs."""

    def __init__(self, value):
        self.value = value

    def result(self):
        return self.value


def run(input_path: Path | str, out: Path | str, workers: int = 1, dask=None,
        chunk_size: int = CHUNK_SIZE, sentiment: bool = False, model: str | None = None,
        progress: bool = True, on_chunk: Callable[[int], None] | None = None) -> RunSummary:
    """Compute every measure for every article of ``input_path``; write the tables into ``out``.

    ``input_path``: see :func:`iter_articles`. ``workers``: local processes (1 =
    this process). ``dask``: a scheduler address, a ``dask.distributed.Client``,
    or ``"local"`` for a ``LocalCluster`` of ``workers`` processes. ``sentiment``
    adds the (slow, transformer-based) target sentiment of every mention.
    ``on_chunk(n)`` is called after each chunk is written with the articles done so far. Raises
    :class:`analysis.corpus.CorpusError` on bad input before anything is written.
    Returns a :class:`RunSummary`.
    """
    from functools import partial

    input_path, out = Path(input_path), Path(out)
    t0 = time.perf_counter()
    repeated, total = _scan(input_path)
    out.mkdir(parents=True, exist_ok=True)
    names = [n for n in TABLES if n != "outlets" and (sentiment or n != "sentiment")]
    task = partial(process_chunk, sentiment=sentiment, model=model)
    writer = _TableWriter(out)
    totals = None
    summary = RunSummary(out)
    chunks = _chunks(input_path, repeated, chunk_size)
    with _executor(workers, dask) as (submit, window):
        bar = _progress(total, progress)
        try:
            for result in _in_order(lambda c: submit(task, c), chunks, window):
                arts = result["articles"]
                for name in names:
                    if name in result:
                        writer.write(name, result[name])
                part = _outlet_totals(arts)
                totals = part if totals is None else totals.add(part, fill_value=0).astype(np.int64)
                summary.articles += len(arts)
                summary.failed += int((arts["status"] != "ok").sum())
                summary.words += int(arts["body_words"].sum())
                bar.update(len(arts))
                if on_chunk is not None:
                    on_chunk(summary.articles)
        except BaseException:
            writer.abort()
            raise
        finally:
            bar.close()
    writer.write("outlets", outlet_profile(totals))
    writer.close(names + ["outlets"])
    summary.rows = {n: writer.rows[n] for n in names + ["outlets"]}
    summary.seconds = time.perf_counter() - t0
    return summary


def _progress(total: int, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, unit="article", disable=not enabled, file=sys.stderr)


class _executor:
    """Context manager giving ``(submit(fn, arg) -> future, window)`` for the chosen way of running."""

    def __init__(self, workers: int, dask):
        self.workers = max(1, int(workers))
        self.dask = dask
        self._close: list[Callable] = []

    def __enter__(self):
        if self.dask is not None:
            client = self._dask_client()
            return (lambda fn, arg: client.submit(fn, arg, pure=False)), 2 * self._n_dask_workers(client)
        if self.workers > 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"))
            self._close.append(pool.shutdown)
            return pool.submit, 2 * self.workers
        return (lambda fn, arg: _Now(fn(arg))), 1

    def _dask_client(self):
        from dask.distributed import Client, LocalCluster

        if isinstance(self.dask, Client):
            return self.dask
        if self.dask == "local":
            cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None)
            self._close.append(cluster.close)
            client = Client(cluster)
        else:
            client = Client(self.dask)
        self._close.insert(0, client.close)
        return client

    @staticmethod
    def _n_dask_workers(client) -> int:
        return max(1, sum(w.get("nthreads", 1) for w in client.scheduler_info()["workers"].values()))

    def __exit__(self, *exc):
        for close in self._close:
            close()
        return False
