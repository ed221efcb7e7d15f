"""Saving figures reproducibly: PNG + SVG + the CSV behind them, byte-identical on re-runs.

Matplotlib stamps a creation date into SVG/PDF and salts SVG element ids with a
random hash; both are fixed here so that running ``make figures`` twice gives
identical files. Files are written to a temporary name and renamed, so a crash
never leaves a half-written figure, and nothing is ever written into the raw
data folder (``data/``).

Tables are stored with every float rounded to :data:`TABLE_DIGITS` decimal places
(:func:`save_table`, also for the CSV behind a figure). The measures compute at full
precision; what changes from one machine to another in the last digits (the sentiment
model's float32 arithmetic differs by about 2e-6 between CPUs) is not written, so the
stored tables are the same on any machine. Rounding is done on a copy when saving; the
DataFrame a notebook holds is left as it is.
"""

from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import paths

#: Fixed metadata: no dates, no version strings that change between runs.
_SVG_METADATA = {"Date": None, "Creator": None}
_PNG_METADATA = {"Software": None}
#: Decimal places of every float stored in a table (CSV and its Markdown twin).
TABLE_DIGITS = 3
STYLE = {
    "svg.hashsalt": "framing-study",
    "svg.fonttype": "none",
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def use_style() -> None:
    """Apply the study's matplotlib settings (call once at the top of a notebook)."""
    import matplotlib

    matplotlib.rcParams.update(STYLE)


def atomic_write(target: Path, write) -> None:
    raw = paths.data_dir().resolve()
    if Path(target).resolve().is_relative_to(raw):
        raise ValueError(f"refusing to write {target}: it lies in the raw data folder {raw}, "
                         "which no run may change (write to figures/ or results/)")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def markdown_table(table: pd.DataFrame) -> str:
    """``table`` as a GitHub-flavoured Markdown table (pipes and line breaks in cells escaped)."""
    def cell(v) -> str:
        text = "" if v is None or (isinstance(v, float) and v != v) else str(v)
        return text.replace("|", "\\|").replace("\r", " ").replace("\n", " ")

    lines = ["| " + " | ".join(cell(c) for c in table.columns) + " |",
             "|" + "|".join("---" for _ in table.columns) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in table.itertuples(index=False)]
    return "\n".join(lines) + "\n"


def round_floats(table: pd.DataFrame, digits: int = TABLE_DIGITS) -> pd.DataFrame:
    """A copy of ``table`` with every float rounded to ``digits`` decimal places.

    Float columns (any float dtype) and Python/numpy floats inside object columns are rounded
    half to even, as :func:`round` does; a result of −0.0 is stored as 0.0, so noise around zero
    cannot flip a sign. Other cells (ints, strings, booleans, missing values) are kept as they are.
    """
    out = table.copy()
    for i in range(out.shape[1]):                  # by position: column names may repeat
        s = out.iloc[:, i]
        if pd.api.types.is_float_dtype(s.dtype):
            if isinstance(s.dtype, np.dtype) and s.dtype.itemsize < 8:
                s = s.astype("float64")            # float32 cells would print their binary tails
            out.isetitem(i, s.round(digits) + 0.0)
        elif s.dtype == object:
            out.isetitem(i, s.map(lambda v: _round_value(v, digits)))
    return out


def _round_value(v, digits: int):
    if isinstance(v, (float, np.floating)) and not isinstance(v, bool):
        return round(float(v), digits) + 0.0 if math.isfinite(v) else float(v)
    return v


def save_table(table: pd.DataFrame, path: Path, markdown: bool = True) -> Path:
    """Write ``table`` as CSV (LF line ends, no index) atomically, and beside it as Markdown.

    Every float is stored rounded to :data:`TABLE_DIGITS` (3) decimal places
    (:func:`round_floats`). The Markdown twin (same name, ``.md``) is for reading and citing;
    the CSV is the data.
    """
    path = Path(path)
    table = round_floats(table)
    atomic_write(path, lambda tmp: table.to_csv(tmp, index=False, lineterminator="\n"))
    if markdown:
        text = markdown_table(table)
        atomic_write(path.with_suffix(".md"), lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
    return path


def save_figure(fig, name: str, data: pd.DataFrame | None = None, folder: Path | None = None) -> dict:
    """Save ``fig`` as ``<name>.png`` and ``<name>.svg`` (+ ``<name>.csv`` from ``data``).

    ``folder`` defaults to :func:`analysis.paths.figures_dir`. Returns the paths written.
    """
    import matplotlib

    folder = Path(folder) if folder is not None else paths.figures_dir()
    out = {}
    with matplotlib.rc_context(STYLE):
        for ext, meta in (("png", _PNG_METADATA), ("svg", _SVG_METADATA)):
            target = folder / f"{name}.{ext}"
            atomic_write(target, lambda tmp, ext=ext, meta=meta:
                          fig.savefig(tmp, format=ext, metadata=meta, bbox_inches="tight"))
            out[ext] = target
    if data is not None:
        out["csv"] = save_table(data, folder / f"{name}.csv", markdown=False)
    return out
