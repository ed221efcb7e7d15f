"""Every measure over every article of a corpus, streamed in chunks, written as Parquet tables.

:func:`run` reads a corpus (see :func:`analysis.corpus.iter_articles` for the
accepted inputs), runs the engine's measures (:mod:`analysis.engine`) on each
article and writes one Parquet file per table into an output folder: the
tables of every registered measure (``lines``, ``quotes``, ``scare_quotes``,
``mentions``, ``sentences``, ``hedges``, ``hedge_rates``, ``readability``,
``voice``, and with ``sentiment=True`` ``sentiment``; see each measure's module
in :mod:`analysis.measures`), and

``articles``
    one row per input article, in input order: metadata, ``status`` (``ok`` or
    ``error``) and every measure's per-article counts (:func:`article_count_columns`).
``errors``
    one row per article that failed: the ``stage`` (the measure) where, the
    exception type and message. Such an article keeps its row in ``articles``
    (``status`` = ``error``) and has no rows in the measure tables; the run goes on.
``outlets``
    the outlet profile, :func:`analysis.profile.outlet_profile` of the tables
    written — the same profile the notebooks report.

Every table but ``outlets`` starts with ``article_id`` and ``outlet``; every
offset (``start``, ``end``, ``sentence_start`` …) indexes the raw article text.
On the data-folder layout the tables equal the per-corpus functions of each
module (``segment_corpus``, ``corpus_quotes``, ``corpus_mentions``,
``corpus_cues``, ``hedge_rates``, ``article_readability``); a test holds that.

**Parsing once.** The engine parses each chunk's articles (the pieces of their
body plus headline and standfirst) in one ``nlp.pipe`` stream and hands every
measure the article's :class:`analysis.core.parse.Parse`. The default measures
use every component of the model (tagger, parser, lemmatizer, NER).

**Streaming.** Articles are read, processed and written one chunk at a time
(``chunk_size`` articles), so memory stays flat as the corpus grows; only the
set of article ids and 8-byte hashes of lines (for chrome repeated across an
outlet's articles) are held for the whole corpus. The profile at the end reads
back the per-sentence ``voice`` table and the per-article tables.

**Workers.** ``workers=N`` runs chunks in N local processes; ``dask=`` runs them
on a ``dask.distributed`` cluster (an address, a ``Client``, or ``"local"`` for
a ``LocalCluster``). Each worker process loads the spaCy model once
(:func:`analysis.nlp.load_nlp` is cached per process). Chunks are written in
input order, so every kind of run writes identical tables.
"""

from __future__ import annotations

import collections
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.corpus import INPUT_OPTIONAL, INPUT_REQUIRED, CorpusError, iter_articles  # noqa: F401
from analysis.engine import ERROR_COLUMNS, count_columns, measure_records, select

#: Articles per chunk: the unit that is parsed in one ``nlp.pipe`` call and written at once.
CHUNK_SIZE = 64
#: spaCy batch size within a chunk (pieces per batch).
BATCH_SIZE = 256
#: Tables of the engine that stay in memory (the lead text's quotations, read by the actor measure).
INTERNAL_TABLES = ("lead_quotes",)


def tables_written(sentiment: bool = False) -> list[str]:
    """Names of the tables :func:`run` writes, in order (``outlets`` last)."""
    names = ["articles"] + [t for m in select(optional=sentiment) for t in m.tables if t not in INTERNAL_TABLES]
    return names + ["errors", "outlets"]


#: Tables written by :func:`run` with every optional measure.
TABLES = tuple(tables_written(sentiment=True))


def article_count_columns(sentiment: bool = False) -> list[str]:
    """The count columns of the ``articles`` table (each measure's ``counts``)."""
    return count_columns(select(optional=sentiment))


def process_chunk(records: list[dict], sentiment: bool = False, model: str | None = None,
                  batch_size: int = BATCH_SIZE) -> dict[str, pd.DataFrame]:
    """Every measure for ``records`` (dicts from :func:`analysis.corpus.iter_articles` plus ``context``).

    The engine's :func:`analysis.engine.measure_records`, on one thread: the
    unit of work a local process or a Dask worker runs; the spaCy model is
    loaded once per process.
    """
    from threadpoolctl import threadpool_limits

    from analysis.nlp import load_nlp

    with threadpool_limits(limits=1):
        out = measure_records(records, select(optional=sentiment), load_nlp(model), batch_size)
    for name in INTERNAL_TABLES:
        out.pop(name, None)
    return out


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


def _scan(path: Path, measures) -> tuple[dict, int]:
    """First pass: check every record and let each measure's scanner see it (e.g. repeated chrome)."""
    scanners = {m.name: m.scanner() for m in measures if m.scanner is not None}
    n = 0
    for rec in iter_articles(path):
        for s in scanners.values():
            s.add(rec["outlet"], rec["text"])
        n += 1
    if n == 0:
        raise CorpusError(path, "no articles")
    for s in scanners.values():
        s.freeze()
    return scanners, n


def _chunks(path: Path, scanners: dict, size: int) -> Iterator[list[dict]]:
    chunk = []
    for rec in iter_articles(path):
        rec["context"] = {name: s.of(rec["outlet"], rec["text"]) for name, s in scanners.items()}
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
    scanners, total = _scan(input_path, select(optional=sentiment))
    out.mkdir(parents=True, exist_ok=True)
    names = [n for n in tables_written(sentiment) if n != "outlets"]
    task = partial(process_chunk, sentiment=sentiment, model=model)
    writer = _TableWriter(out)
    summary = RunSummary(out)
    chunks = _chunks(input_path, scanners, chunk_size)
    with _executor(workers, dask) as (submit, window):
        bar = _progress(total, progress)
        try:
            for result in _in_order(lambda c: submit(task, c), chunks, window):
                arts = result["articles"]
                for name in names:
                    if name in result:
                        writer.write(name, result[name])
                summary.articles += len(arts)
                summary.failed += int((arts["status"] != "ok").sum())
                summary.words += int(arts["body_words"].sum()) if "body_words" in arts else 0
                bar.update(len(arts))
                if on_chunk is not None:
                    on_chunk(summary.articles)
        except BaseException:
            writer.abort()
            raise
        finally:
            bar.close()
    writer.close(names)
    writer.write("outlets", _profile(out, sentiment))
    writer.close(["outlets"])
    summary.rows = {n: writer.rows[n] for n in names + ["outlets"]}
    summary.seconds = time.perf_counter() - t0
    return summary


def _profile(out: Path, sentiment: bool) -> pd.DataFrame:
    """The outlet profile (:func:`analysis.profile.outlet_profile`) from the tables just written."""
    from analysis.profile import outlet_profile

    need = ["articles", "voice", "quotes", "scare_quotes", "mentions", "readability"] + (
        ["sentiment"] if sentiment else [])
    return outlet_profile({n: pd.read_parquet(out / f"{n}.parquet") for n in need})


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
