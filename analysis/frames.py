"""Per-article tables framed once, column by column.

Every measure returns a tidy pandas table per article; across a corpus of
thousands of articles the cost of building those small tables is a visible
share of the run (``benchmarks/throughput.py``). Framing a list of row tuples
and then casting columns, or setting columns on a frame one by one, costs
several times more than handing pandas whole, typed columns once.

:func:`from_columns` gives the same table as ``pd.DataFrame(rows, columns=...)``
followed by the casts, column types included: lists are inferred as pandas
infers a column of row values (strings → ``str``), an empty list is an
``object`` column (what a frame with no rows gets), and columns already typed
(NumPy or pandas arrays) are kept as they are.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def ints(values: Sequence) -> np.ndarray:
    """An ``int64`` column (also when empty)."""
    return np.array(values, dtype=np.int64)


def from_columns(columns: dict[str, object], order: Sequence[str] | None = None) -> pd.DataFrame:
    """A DataFrame of ``columns`` (name → list or array) in ``order`` (default: the dict's)."""
    data = {name: (np.array([], dtype=object) if isinstance(v, (list, tuple)) and not len(v)
                   else (list(v) if isinstance(v, tuple) else v))
            for name, v in columns.items()}
    return pd.DataFrame(data, columns=list(order) if order is not None else list(data))


def columns_of(rows: Sequence[tuple], names: Sequence[str]) -> dict[str, list]:
    """Row tuples turned into ``{name: list of values}`` (empty lists when there are no rows)."""
    if not rows:
        return {n: [] for n in names}
    return dict(zip(names, (list(c) for c in zip(*rows))))
