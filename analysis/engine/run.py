"""The engine: runs the registered measures over articles, chunks and corpora.

One article flows like this (README, "Architecture"):

1. the measures that do not read the parse (the boilerplate step) run on the
   raw text and give the line table, from which the article's ``body`` and
   ``lead_text`` are derived (:meth:`analysis.core.article.Article.with_lines`);
2. the lead text's pieces — for a chunk, every article's pieces in one
   ``nlp.pipe`` stream — are parsed once into a :class:`~analysis.core.parse.Parse`;
3. every other measure runs in registry order on the prepared article, handed
   the tables of the measures it needs; a measure with a ``run_chunk`` (target
   sentiment: one encoder stream for all the chunk's mentions) runs once for
   all the chunk's articles at its place in that order;
4. each measure's ``counts`` add the article's row of the ``articles`` table.

A measure that raises marks its article ``status = error`` with a row in the
``errors`` table (the stage is the measure's name); the article keeps its row
in ``articles`` and the other articles go on. Every table of a chunk or corpus
leads with ``article_id`` and ``outlet``.
"""

from __future__ import annotations

import collections
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.core.article import Article
from analysis.core.parse import Parse
from analysis.core.units import piece_rows
from analysis.engine.collector import fewer_collections
from analysis.engine.contract import Measure, check_table, select
from analysis.nlp import load_nlp

#: Columns of the ``errors`` table: where the article is in the input, the stage that failed, the exception.
ERROR_COLUMNS = ["article_id", "outlet", "line", "stage", "error", "message"]
#: Identity and metadata columns that lead the ``articles`` table.
ARTICLE_COLUMNS = ["article_id", "outlet", "title", "published", "event", "line", "status"]
#: spaCy batch size (pieces per batch) within a chunk.
BATCH_SIZE = 256


class _Failed(Exception):
    pass


def _article_of(rec: Mapping) -> Article:
    meta = {k: rec.get(k, "") for k in ("title", "published", "event", "line")}
    return Article(text=str(rec["text"]), article_id=str(rec["article_id"]), outlet=str(rec["outlet"]),
                   meta=meta, context=dict(rec.get("context", {})), given=dict(rec.get("given", {})))


def prepare(articles: Sequence[Article], measures: Sequence[Measure], nlp=None,
            batch_size: int = BATCH_SIZE, errors: dict | None = None) -> dict[str, dict[str, pd.DataFrame]]:
    """Run the parse-free measures, derive body and lead text, and parse every article once.

    Returns ``{article_id: {table: frame}}`` of the parse-free measures. An
    article whose step fails is recorded in ``errors`` (``{article_id: (stage, exc)}``).
    """
    errors = {} if errors is None else errors
    early: dict[str, dict[str, pd.DataFrame]] = {}
    for art in articles:
        tables: dict[str, pd.DataFrame] = {}
        _run_stage(art, [m for m in measures if not m.parse], tables, errors)
        if "lines" in tables and art.article_id not in errors:
            art.with_lines(tables["lines"])
        elif art.lines is None and not art.body:
            art.body = art.lead_text = art.text
        early[art.article_id] = tables
    if any(m.parse for m in measures):
        _parse_all([a for a in articles if a.article_id not in errors], nlp or load_nlp(), batch_size, errors)
    return early


def _parse_all(arts: Sequence[Article], nlp, batch_size: int, errors: dict) -> None:
    """Parse every article's pieces in one ``nlp.pipe`` stream; on failure, article by article."""
    rows = [piece_rows(a.lead_text) for a in arts]
    texts = [r.text for rs in rows for r in rs]
    try:
        docs = list(nlp.pipe(texts, batch_size=batch_size))
    except Exception:  # noqa: BLE001 - find the article that breaks the parser
        for a, rs in zip(arts, rows):
            try:
                a.parse = Parse(rs, list(nlp.pipe([r.text for r in rs], batch_size=batch_size)), nlp)
            except Exception as exc:  # noqa: BLE001
                errors[a.article_id] = ("parse", exc)
        return
    k = 0
    for a, rs in zip(arts, rows):
        a.parse = Parse(rs, docs[k:k + len(rs)], nlp)
        k += len(rs)


def _run_stage(art: Article, measures: Sequence[Measure], tables: dict, errors: dict) -> None:
    """Run ``measures`` in order on ``art`` into ``tables``; the first that raises is recorded in
    ``errors`` (``{article_id: (measure name, exception)}``) and ends the stage. Tables the caller
    gave (``art.given``) are used instead of running the measure that returns them."""
    for m in measures:
        if set(m.tables) <= set(art.given):
            tables.update({t: art.given[t].reset_index(drop=True) for t in m.tables})
            continue
        try:
            tables.update(_run_one(m, art, tables))
        except Exception as exc:  # noqa: BLE001 - kept in the errors table
            errors[art.article_id] = (m.name, exc)
            return


def _run_chunk_stage(m: Measure, arts: Sequence[Article], per_article: dict, errors: dict) -> None:
    """Run the chunk-level measure ``m`` once for ``arts`` (tables into ``per_article``); if it
    raises, run it article by article (:func:`_run_stage`) so that the failing article is found."""
    given = [set(m.tables) <= set(a.given) for a in arts]
    for a, g in zip(arts, given):
        if g:
            _run_stage(a, [m], per_article[a.article_id], errors)
    todo = [a for a, g in zip(arts, given) if not g]
    if not todo:
        return
    try:
        outs = list(m.run_chunk(todo, [{n: per_article[a.article_id][n] for n in m.needs} for a in todo]))
        if len(outs) != len(todo):
            raise TypeError(f"measure {m.name!r}: run_chunk gave {len(outs)} results for {len(todo)} articles")
        checked = [_checked(m, out) for out in outs]
    except Exception:  # noqa: BLE001 - the per-article runs record the article at fault
        for a in todo:
            _run_stage(a, [m], per_article[a.article_id], errors)
        return
    for a, out in zip(todo, checked):
        per_article[a.article_id].update(out)


def _segments(measures: Sequence[Measure]) -> list[list[Measure]]:
    """The measures that read the parse, in order, cut into runs: consecutive per-article measures
    together (run article by article), each chunk-level measure (``run_chunk``) alone."""
    segs: list[list[Measure]] = []
    for m in measures:
        if not m.parse:
            continue
        if m.run_chunk is not None or not segs or segs[-1][0].run_chunk is not None:
            segs.append([m])
        else:
            segs[-1].append(m)
    return segs


def _run_one(m: Measure, art: Article, tables: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return _checked(m, m.run(art, {n: tables[n] for n in m.needs}))


def _checked(m: Measure, out: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    missing = set(m.tables) - set(out)
    if missing:
        raise TypeError(f"measure {m.name!r} did not return table(s) {sorted(missing)}")
    return {name: check_table(name, spec, _default_index(out[name])) for name, spec in m.tables.items()}


def _default_index(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the index 0, 1, … (itself when it has it already: most measures' tables do)."""
    idx = frame.index
    if isinstance(idx, pd.RangeIndex) and idx.start == 0 and idx.step == 1 and idx.name is None:
        return frame
    return frame.reset_index(drop=True)


def measure_article(article: Article, measures: Sequence[Measure] | None = None,
                    tables: Mapping[str, pd.DataFrame] | None = None) -> dict[str, pd.DataFrame]:
    """Every measure's tables for one article (prepared here when it has no parse yet).

    Raises the first measure error (use :func:`measure_records` to keep going).
    """
    measures = select() if measures is None else tuple(measures)
    out = dict(tables or {})
    if article.parse is None and any(m.parse for m in measures):
        errors: dict = {}
        out.update(prepare([article], [m for m in measures if m.name not in out], errors=errors)
                   .get(article.article_id, {}))
        if errors:
            raise errors[article.article_id][1]
    elif article.parse is None:
        out.update(prepare([article], measures).get(article.article_id, {}))
    for m in measures:
        if m.name in out or not m.parse:
            continue
        out.update(_run_one(m, article, out))
    return out


def count_columns(measures: Sequence[Measure]) -> list[str]:
    """The count columns the ``articles`` table gets from ``measures``, in order."""
    return [c for m in measures for c in m.count_columns]


def measure_records(records: Sequence[Mapping], measures: Sequence[Measure] | None = None, nlp=None,
                    batch_size: int = BATCH_SIZE) -> dict[str, pd.DataFrame]:
    """Every measure for a chunk of input records (dicts with ``article_id``, ``outlet``, ``text``, …).

    Returns ``{table: DataFrame}``: each measure's tables with ``article_id`` and
    ``outlet`` first, ``articles`` (one row per record, in input order:
    identity, metadata, ``status`` and every measure's counts; 0 counts for an
    article that failed) and ``errors``. This is the unit of work a local
    process or a Dask worker runs. The garbage collector runs less often meanwhile
    (:func:`analysis.engine.collector.fewer_collections`).
    """
    with fewer_collections():
        return _measure_records(records, select() if measures is None else tuple(measures), nlp, batch_size)


def _measure_records(records: Sequence[Mapping], measures: tuple, nlp, batch_size: int) -> dict[str, pd.DataFrame]:
    arts = [_article_of(r) for r in records]
    errors: dict = {}
    per_article = prepare(arts, measures, nlp, batch_size, errors)
    results: list[dict[str, pd.DataFrame] | None] = []
    counts: list[dict] = []
    rows: dict[int, dict] = {}

    def finish(k: int, art: Article) -> None:
        """The article's counts; then its parse is released (as soon as no later measure reads it)."""
        row = {}
        if art.article_id not in errors:
            try:
                for m in measures:
                    if m.counts is not None:
                        row.update(m.counts(art, per_article.get(art.article_id, {})))
            except Exception as exc:  # noqa: BLE001
                errors[art.article_id] = ("counts", exc)
        rows[k] = row
        art.parse = None

    segs = _segments(measures)
    for i, seg in enumerate(segs):
        live = [(k, a) for k, a in enumerate(arts) if a.article_id not in errors]
        if seg[0].run_chunk is not None:
            _run_chunk_stage(seg[0], [a for _, a in live], per_article, errors)
            continue
        for k, art in live:
            _run_stage(art, seg, per_article[art.article_id], errors)
            if i == len(segs) - 1:
                finish(k, art)
    for k, art in enumerate(arts):
        if k not in rows:
            finish(k, art)
        ok = art.article_id not in errors
        results.append(per_article.get(art.article_id, {}) if ok else None)
        counts.append(rows[k] if ok else {})
    return _assemble(arts, results, counts, errors, measures)


def _assemble(arts, results, counts, errors, measures) -> dict[str, pd.DataFrame]:
    names = [t for m in measures for t in m.tables]
    specs = {t: spec for m in measures for t, spec in m.tables.items()}
    out: dict[str, pd.DataFrame] = {}
    for name in names:
        parts, owners = [], []
        for art, tables in zip(arts, results):
            if tables is not None and name in tables:
                parts.append(tables[name])
                owners.append(art)
        out[name] = _stack(parts, owners, specs[name])
    ccols = count_columns(measures)
    rows = []
    for art, row in zip(arts, counts):
        status = "error" if art.article_id in errors else "ok"
        rows.append({"article_id": art.article_id, "outlet": art.outlet, "title": art.meta.get("title", ""),
                     "published": art.meta.get("published", ""), "event": art.meta.get("event", ""),
                     "line": art.meta.get("line", 0) or 0, "status": status,
                     **{c: row.get(c, 0) for c in ccols}})
    out["articles"] = pd.DataFrame(rows, columns=ARTICLE_COLUMNS + ccols)
    err_rows = [(a.article_id, a.outlet, a.meta.get("line", 0) or 0, *_describe(errors[a.article_id]))
                for a in arts if a.article_id in errors]
    out["errors"] = pd.DataFrame(err_rows, columns=ERROR_COLUMNS)
    return out


def _describe(err) -> tuple[str, str, str]:
    stage, exc = err
    return stage, type(exc).__name__, str(exc) or repr(exc)


def _stack(parts: list[pd.DataFrame], owners: list[Article], spec) -> pd.DataFrame:
    """The articles' frames of one table stacked, led by ``article_id`` and ``outlet``."""
    nonempty = [(f, a) for f, a in zip(parts, owners) if len(f)]
    if not nonempty:
        out = spec.empty()
        out.insert(0, "outlet", pd.Series(dtype="str"))
        out.insert(0, "article_id", pd.Series(dtype="str"))
        return out
    frames, arts = zip(*nonempty)
    out = pd.concat(frames, ignore_index=True)
    sizes = [len(f) for f in frames]
    out.insert(0, "outlet", pd.array(np.repeat([a.outlet for a in arts], sizes).tolist(), dtype="str"))
    out.insert(0, "article_id", pd.array(np.repeat([a.article_id for a in arts], sizes).tolist(), dtype="str"))
    return out


def scan_context(records: Iterable[Mapping], measures: Sequence[Measure]) -> list[dict]:
    """The corpus pass: each measure with a ``scanner`` sees every article first (e.g. lines
    repeated across an outlet's pages); returns each record's ``context``."""
    records = list(records)
    scanners = {m.name: m.scanner() for m in measures if m.scanner is not None}
    with fewer_collections():
        for rec in records:
            for s in scanners.values():
                s.add(str(rec["outlet"]), str(rec["text"]))
        for s in scanners.values():
            s.freeze()
        return [{name: s.of(str(r["outlet"]), str(r["text"])) for name, s in scanners.items()} for r in records]


def records_of(corpus: pd.DataFrame) -> list[dict]:
    """The rows of a corpus table (:func:`analysis.corpus.load_corpus`) as input records."""
    cols = [c for c in ("article_id", "outlet", "title", "published", "event", "text") if c in corpus.columns]
    recs = corpus[cols].to_dict("records")
    for i, r in enumerate(recs, 1):
        r.setdefault("line", i)
        for k in ("title", "published", "event"):
            v = r.get(k, "")
            r[k] = "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)
    return recs


def measure_corpus(corpus: pd.DataFrame, measures: Iterable[str] | None = None, optional: bool = False,
                   nlp=None, chunk_size: int = 64, given: Mapping[str, pd.DataFrame] | None = None
                   ) -> dict[str, pd.DataFrame]:
    """Every measure for every article of ``corpus`` (a :func:`analysis.corpus.load_corpus` table).

    ``measures`` names the measures to run (with what they need); default every
    default measure, and with ``optional=True`` the optional ones too (target
    sentiment). Chunks of ``chunk_size`` articles are parsed in one stream each.
    ``given`` holds corpus tables already computed (with ``article_id``), e.g.
    ``{"lines": segments}``: the measures returning them do not run again.
    Returns the same tables as :func:`measure_records`, for the whole corpus.
    """
    chosen = select(measures, optional=optional)
    recs = records_of(corpus)
    given = dict(given or {})
    if given:
        split = {name: dict(tuple(t.groupby("article_id", sort=False))) for name, t in given.items()}
        for rec in recs:
            rec["given"] = {name: parts[rec["article_id"]].drop(columns=["article_id", "outlet"], errors="ignore")
                            if rec["article_id"] in parts else given[name].iloc[0:0].drop(
                                columns=["article_id", "outlet"], errors="ignore")
                            for name, parts in split.items()}
    skip = {m.name for m in chosen if not m.parse and set(m.tables) <= set(given)}
    for rec, ctx in zip(recs, scan_context(recs, [m for m in chosen if m.name not in skip])):
        rec["context"] = ctx
    parts: dict[str, list[pd.DataFrame]] = collections.defaultdict(list)
    for i in range(0, max(len(recs), 1), chunk_size):
        for name, frame in measure_records(recs[i:i + chunk_size], chosen, nlp).items():
            parts[name].append(frame)
    return {name: _concat(frames) for name, frames in parts.items()}


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    nonempty = [f for f in frames if len(f)]
    if not nonempty:
        return frames[0]
    return nonempty[0] if len(nonempty) == 1 else pd.concat(nonempty, ignore_index=True)
