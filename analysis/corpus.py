"""Load a corpus of articles laid out as ``<dir>/articles.csv`` + ``<dir>/articles/*.txt``.

``articles.csv`` has one row per article. Required columns: ``article_id``
(unique), ``file`` (path of the raw text, relative to the corpus folder, which
it may not leave) and ``outlet``. Optional columns — ``title``, ``author``,
``published`` (ISO date ``YYYY-MM-DD``), ``published_basis``, ``event`` and
``sha256`` (hex digest of the raw file; checked when given) — are carried
through and filled with empty strings when absent.

Raw texts are decoded as UTF-8 with no newline translation, so every offset a
measure reports indexes ``text`` exactly as it is stored on disk.

Every problem raises :class:`CorpusError` naming the file (and the CSV line
where there is one) and the problem. Nothing is skipped silently: a corpus
either loads whole or not at all.
"""

from __future__ import annotations

import csv
import datetime as _dt
import hashlib
import io
import sys
import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import paths

METADATA_FILE = "articles.csv"
REQUIRED_COLUMNS = ("article_id", "file", "outlet")
OPTIONAL_COLUMNS = ("title", "author", "published", "published_basis", "event", "sha256")
#: Column order of the returned table.
COLUMNS = ("article_id", "outlet", "title", "author", "published", "published_basis",
           "event", "file", "sha256", "text")


class CorpusError(ValueError):
    """A corpus file is missing, unreadable or malformed.

    ``path`` is the offending file, ``line`` the 1-based line in that file where
    that applies (of ``articles.csv``, or of an article file that is not UTF-8), and
    ``problem`` a short description; a problem with an article file also names the
    line of ``articles.csv`` that lists it.
    """

    def __init__(self, path: Path | str, problem: str, line: int | None = None):
        self.path = Path(path)
        self.line = line
        self.problem = problem
        where = f"{self.path}" + (f", line {line}" if line is not None else "")
        super().__init__(f"{where}: {problem}")


def load_corpus(path: Path | str | None = None) -> pd.DataFrame:
    """Read the corpus at ``path`` (default: the study's ``data/``): a folder, or a CSV, JSONL or Parquet file.

    Returns one row per article with the columns in :data:`COLUMNS`; ``text``
    is the raw page text, byte-for-byte as stored (decoded as UTF-8). A file
    needs the columns ``article_id``, ``outlet``, ``text`` (optional ``title``,
    ``published``, ``event``) and is read by :func:`iter_articles` — the same
    reader, with the same checks, as the command line's.
    """
    if path is not None and Path(path).is_file():
        recs = list(iter_articles(path))
        for rec in recs:
            rec.pop("line", None)
        return pd.DataFrame(recs, columns=list(COLUMNS)).fillna("").astype({c: "string" for c in COLUMNS})
    folder = Path(path) if path is not None else paths.data_dir()
    meta = folder / METADATA_FILE
    if not folder.is_dir():
        raise CorpusError(folder, "corpus folder does not exist")
    records = _read_metadata(meta)
    seen: dict[str, int] = {}
    for line, rec in records:
        aid = rec["article_id"]
        if aid in seen:
            raise CorpusError(meta, f"duplicate article_id {aid!r} (first on line {seen[aid]})", line)
        seen[aid] = line
        rec["text"] = _read_text(folder, rec, meta, line)
    rows = [rec for _, rec in records]
    return pd.DataFrame(rows, columns=list(COLUMNS)).astype({c: "string" for c in COLUMNS})


def _read_metadata(meta: Path) -> list[tuple[int, dict]]:
    if not meta.is_file():
        raise CorpusError(meta, "metadata file is missing")
    try:
        data = meta.read_bytes()
    except OSError as exc:
        raise CorpusError(meta, f"cannot read metadata file ({exc.strerror or exc})") from exc
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CorpusError(meta, "not UTF-8: the file is UTF-16 (it starts with a UTF-16 "
                                "byte-order mark); re-encode it as UTF-8", 1)
    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CorpusError(meta, f"not UTF-8: invalid byte 0x{data[exc.start]:02x} at byte "
                                f"{exc.start} (Latin-1 or another encoding?)",
                          _line_of(data, exc.start)) from exc
    # lines end only at \n, \r\n or \r (not at U+2028, form feed … inside a field), so CSV
    # line numbers are the ones an editor shows
    reader = csv.reader(io.StringIO(raw, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise CorpusError(meta, "metadata file is empty", 1) from None
    except csv.Error as exc:
        raise CorpusError(meta, f"malformed CSV ({exc})", 1) from exc
    header = [h.strip() for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise CorpusError(meta, f"missing column(s) {', '.join(missing)}; header is {header}", 1)
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        raise CorpusError(meta, f"column(s) named twice: {', '.join(dupes)}", 1)
    records = []
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise CorpusError(meta, f"expected {len(header)} fields, found {len(row)} "
                                        "(truncated or malformed row)", line)
            rec = {c: "" for c in COLUMNS}
            rec.update({h: v.strip() for h, v in zip(header, row) if h in COLUMNS})
            check_fields(meta, rec, REQUIRED_COLUMNS, line)
            records.append((line, rec))
    except csv.Error as exc:
        raise CorpusError(meta, f"malformed CSV ({exc})", reader.line_num) from exc
    if not records:
        raise CorpusError(meta, "no articles listed")
    return records


def check_fields(path: Path, rec: dict, required: tuple[str, ...], line: int) -> None:
    """Raise :class:`CorpusError` for an empty ``required`` field or a ``published`` that is not ISO."""
    for col in required:
        if not rec[col]:
            raise CorpusError(path, f"empty {col}", line)
    if rec.get("published"):
        try:
            _dt.date.fromisoformat(rec["published"])
        except ValueError:
            raise CorpusError(path, f"published {rec['published']!r} is not an ISO date "
                                    "(YYYY-MM-DD)", line) from None


def _read_text(folder: Path, rec: dict, meta: Path, line: int) -> str:
    rel = Path(rec["file"])
    target = (folder / rel).resolve()
    if rel.is_absolute() or not target.is_relative_to(folder.resolve()):
        raise CorpusError(meta, f"file {rec['file']!r} lies outside the corpus folder", line)
    listed = f"listed on line {line} of {meta.name}"
    if not target.is_file():
        raise CorpusError(target, f"article file is missing ({listed})")
    try:
        data = target.read_bytes()
    except OSError as exc:
        raise CorpusError(target, f"cannot read article file ({exc.strerror or exc}; {listed})") from exc
    if rec["sha256"]:
        digest = hashlib.sha256(data).hexdigest()
        if digest != rec["sha256"].lower():
            raise CorpusError(target, f"checksum mismatch: sha256 is {digest}, {meta.name} line "
                                      f"{line} says {rec['sha256']} (was the raw text edited?)")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CorpusError(target, "not UTF-8: the file is UTF-16 (it starts with a UTF-16 "
                                  f"byte-order mark); re-encode it as UTF-8 ({listed})", 1)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(target, f"not UTF-8: invalid byte 0x{data[exc.start]:02x} at byte "
                                  f"{exc.start} (Latin-1 or another encoding?; {listed})",
                          _line_of(data, exc.start)) from exc
    if not text.lstrip("\ufeff").strip():
        raise CorpusError(target, f"empty text ({listed})")
    return text


def _line_of(data: bytes, pos: int) -> int:
    """1-based line of byte ``pos`` (lines end at \\n, \\r\\n or a lone \\r)."""
    head = data[:pos]
    return 1 + head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n")


def describe(corpus: pd.DataFrame) -> pd.DataFrame:
    """One row per article: metadata plus the size of the raw page.

    ``raw_chars`` counts every character of the stored text, ``raw_words``
    whitespace-separated tokens, ``lines`` / ``nonblank_lines`` newline-separated
    lines. These describe the whole page, site chrome included; see
    :mod:`analysis.boilerplate` for the article body alone.
    """
    text = corpus["text"].astype(str)
    out = corpus[["article_id", "outlet", "published", "event", "title"]].copy()
    out["raw_chars"] = text.str.len().astype(int)
    out["raw_words"] = text.str.split().str.len().astype(int)
    out["lines"] = text.map(lambda t: len(t.splitlines())).astype(int)
    out["nonblank_lines"] = text.map(lambda t: sum(1 for ln in t.splitlines() if ln.strip())).astype(int)
    return out.reset_index(drop=True)


# --------------------------------------------------------------------------------------
# every input format, one record at a time (the CLI streams these; load_corpus reads them)
# --------------------------------------------------------------------------------------

#: Columns an input file (CSV, JSONL, Parquet) must have, and those it may have.
INPUT_REQUIRED = ("article_id", "outlet", "text")
INPUT_OPTIONAL = ("title", "published", "event")


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


#: The fields compared to tell an exact duplicate row from a conflicting one.
DUPLICATE_FIELDS = ("outlet", "title", "published", "event", "text")


def iter_articles(path: Path | str, duplicates: str = "error") -> Iterator[dict]:
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

    ``duplicates="mark"`` (the command line's choice): a row that repeats an
    earlier row exactly — the same ``article_id`` and the same
    :data:`DUPLICATE_FIELDS` — is yielded with ``duplicate_of`` set to the
    earlier row's line (the caller skips it and accounts for it); a row that
    reuses an ``article_id`` with other content is still an error, naming the
    fields that differ. ``"error"`` (the default) refuses every repeated id.
    """
    if duplicates not in ("error", "mark"):
        raise ValueError(f"duplicates must be 'error' or 'mark', not {duplicates!r}")
    path = Path(path)
    kind = _input_kind(path)
    reader = {"folder": _iter_folder, "csv": _iter_csv, "jsonl": _iter_jsonl,
              "parquet": _iter_parquet}[kind]
    seen: dict[str, tuple[int, tuple[bytes, ...]]] = {}
    for rec in reader(path):
        aid, line = rec["article_id"], rec["line"]
        digest = _digests(rec) if duplicates == "mark" else ()
        if aid in seen:
            first, was = seen[aid]
            if duplicates == "error":
                raise CorpusError(path, f"duplicate article_id {aid!r} (first on line {first})", line)
            differ = [f for f, a, b in zip(DUPLICATE_FIELDS, was, digest) if a != b]
            if differ:
                raise CorpusError(path, f"duplicate article_id {aid!r} (first on line {first}) with other "
                                        f"content ({', '.join(differ)} differ)", line)
            yield dict(rec, duplicate_of=first)
            continue
        seen[aid] = (line, digest)
        yield rec


def _digests(rec: dict) -> tuple[bytes, ...]:
    """8-byte hashes of a record's :data:`DUPLICATE_FIELDS` (what is kept per id to spot duplicates)."""
    return tuple(hashlib.blake2b(str(rec.get(f, "")).encode("utf-8", "surrogatepass"), digest_size=8).digest()
                 for f in DUPLICATE_FIELDS)


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
    meta = folder / METADATA_FILE
    for line, rec in _read_metadata(meta):
        rec = dict(rec, text=_read_text(folder, rec, meta, line))
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


