"""Scoring the measures against human labels.

Submodules load the public development sets (``../shared/data`` or
``$FRAMING_SHARED_DATA``; never committed) and the hand-labelled gold in
``data/annotations/``, and score each measure. Functions that need an external
set raise :class:`DevSetMissing` (a ``FileNotFoundError``) with the folder
they looked in, so callers can skip clearly.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis import paths


class DevSetMissing(FileNotFoundError):
    """An external development set is not where it should be."""

    def __init__(self, name: str, folder: Path):
        self.folder = folder
        super().__init__(f"development set {name!r} not found at {folder} "
                         "(set FRAMING_SHARED_DATA to the folder holding it)")


def devset_dir(name: str, root: Path | str | None = None) -> Path:
    folder = (Path(root) if root is not None else paths.shared_data_dir()) / name
    if not folder.is_dir():
        raise DevSetMissing(name, folder)
    return folder


@dataclass(frozen=True)
class PRF:
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def row(self, **extra) -> dict:
        return {**extra, "n_gold": self.tp + self.fn, "n_pred": self.tp + self.fp,
                "precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4)}


def prf(gold, pred) -> PRF:
    """Precision/recall/F1 of the positive class from two boolean sequences."""
    g = pd.Series(list(gold), dtype=bool).to_numpy()
    p = pd.Series(list(pred), dtype=bool).to_numpy()
    if len(g) != len(p):
        raise ValueError(f"gold has {len(g)} items, predictions {len(p)}")
    return PRF(int((g & p).sum()), int((~g & p).sum()), int((g & ~p).sum()))


def read_gold(name: str) -> pd.DataFrame:
    """A gold CSV from ``data/annotations/`` (empty cells kept as empty strings)."""
    return pd.read_csv(paths.annotations_dir() / name, keep_default_na=False)
