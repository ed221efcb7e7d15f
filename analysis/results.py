"""Citable numbers: every figure a write-up may quote, written by the code that computed it.

Each notebook collects its numbers in a :class:`Numbers` and saves them to
``results/numbers.json``: ``{key: {"value": …, "notebook": …, "description": …}}``,
keys sorted. Saving replaces exactly the keys of that notebook, so re-running
one notebook never leaves another's numbers stale, and a number the notebook
no longer computes disappears. ``report/findings.md`` is rendered from this file
(:mod:`analysis.report`); nothing in it is typed by hand.

Values are stored as they should be cited: round them when adding
(``numbers.add("quotes.seed.direct_f1", round(f1, 2), "…")``). Whatever a notebook
passes, every float is stored rounded to :data:`DIGITS` (3) decimal places, so digits
that differ from one machine to another (floating-point noise) never reach the file.
Notebooks that run at the same time (``make -j figures``) may save at once: the
read-replace-write of the file is done under an exclusive lock.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
from pathlib import Path

import numpy as np

from analysis import paths

FILE = "numbers.json"
#: Decimal places of every float stored in numbers.json.
DIGITS = 3
_KEY_RE = re.compile(r"^[a-z0-9_]+(?:\.[A-Za-z0-9_\-]+)*$")


def numbers_path(folder: Path | None = None) -> Path:
    return (folder or paths.results_dir()) / FILE


def load(path: Path | None = None) -> dict[str, dict]:
    """The saved numbers (empty when the file does not exist yet)."""
    path = path or numbers_path()
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(data, dict) or not all(isinstance(v, dict) and "value" in v for v in data.values()):
        raise ValueError(f"{path}: expected {{key: {{'value': …, 'notebook': …}}}}")
    return data


def _plain(value):
    """JSON-safe plain value: numpy scalars → Python, NaN refused (a citable number exists),
    floats rounded to :data:`DIGITS` decimal places (−0.0 stored as 0.0)."""
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"not a finite number: {value!r}")
        return round(value, DIGITS) + 0.0
    raise TypeError(f"numbers must be int, float, str or bool, not {type(value).__name__}")


class Numbers:
    """The citable numbers of one notebook.

    >>> n = Numbers("50-comparison")          # doctest: +SKIP
    >>> n.add("profile.haaretz.quoted_share", 0.53, "share of body words in quotations")
    >>> n.save()
    """

    def __init__(self, notebook: str, path: Path | None = None):
        self.notebook = notebook
        self.path = path or numbers_path()
        self.items: dict[str, dict] = {}

    def add(self, key: str, value, description: str = ""):
        """Record ``value`` under ``key`` (dotted, lower-case); returns the value for inline use."""
        if not _KEY_RE.match(key):
            raise ValueError(f"bad key {key!r}: use dotted lower-case words, e.g. 'quotes.seed.f1'")
        if key in self.items:
            raise ValueError(f"key {key!r} recorded twice in notebook {self.notebook}")
        try:
            plain = _plain(value)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{key}: {exc}") from None
        self.items[key] = {"value": plain, "notebook": self.notebook, "description": description}
        return value

    def add_rows(self, prefix: str, table, keys: list[str], values: list[str], description: str = "",
                 digits: int = 3) -> None:
        """Record ``values`` columns of every row of ``table`` under ``prefix.<key cols>.<value col>``.

        Key columns are slugged ('segmenter (shipped model)' → 'segmenter_shipped_model');
        floats are rounded to ``digits`` (and, like every stored float, to at most
        :data:`DIGITS`). For validation tables: one key per score.
        """
        for row in table.to_dict("records"):
            stem = ".".join([prefix] + [slug(str(row[k])) for k in keys])
            for col in values:
                v = row[col]
                if isinstance(v, (float, np.floating)):
                    v = round(float(v), digits)
                self.add(f"{stem}.{col}", v, f"{description} ({', '.join(str(row[k]) for k in keys)}): {col}")

    def status(self, prefix: str, ran: bool, what: str = "development data") -> bool:
        """Record whether a validation ran (``prefix.status``); the report prints n/a for its
        numbers when it did not, instead of failing or citing stale figures."""
        self.add(f"{prefix}.status", "scored" if ran else f"not run: {what} absent")
        return ran

    def save(self) -> Path:
        """Replace this notebook's keys in the numbers file (atomic write); other notebooks' stay."""
        from analysis.plotting import atomic_write

        self.path.parent.mkdir(parents=True, exist_ok=True)
        with _locked(self.path.parent):
            data = {k: v for k, v in load(self.path).items() if v.get("notebook") != self.notebook}
            clash = sorted(set(data) & set(self.items))
            if clash:
                owners = {data[k]["notebook"] for k in clash}
                raise ValueError(f"keys {clash[:3]} already belong to notebook(s) {sorted(owners)}")
            data.update(self.items)
            text = json.dumps(dict(sorted(data.items())), indent=1, ensure_ascii=False) + "\n"
            atomic_write(self.path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
        return self.path


@contextlib.contextmanager
def _locked(folder: Path):
    """Hold an exclusive lock on ``folder`` (flock on the directory itself: no lock file is left
    behind). Where ``fcntl`` is missing (Windows) this does nothing."""
    try:
        import fcntl
    except ImportError:                                       # pragma: no cover
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)                                          # closing releases the lock


def slug(name: str) -> str:
    """A key part from a name: 'The Moscow Times' → 'the_moscow_times'."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
