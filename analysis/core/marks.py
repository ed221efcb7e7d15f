"""What a measure contributes to the article viewer: marks over the raw text.

A :class:`Mark` is one highlighted span ``text[start:end]`` with the viewer
layer it belongs to, its kind, an id, CSS classes, a tooltip and an optional
tag. Each measure says how its table becomes marks (its ``marks`` function);
:mod:`analysis.viewer` nests and draws them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd


@dataclass
class Mark:
    """One highlighted span: ``text[start:end]`` with its layer, kind and attributes."""

    start: int
    end: int
    layer: str
    kind: str
    id: str
    classes: tuple[str, ...] = ()
    title: str = ""
    tag: str = ""
    attrs: dict = field(default_factory=dict)


def present(v) -> bool:
    """False for None, NaN, pandas NA and the empty string."""
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return False
    return str(v) != ""


def tooltip(**fields) -> str:
    """``key: value`` lines of the fields that are present, for a mark's title."""
    return "\n".join(f"{k.replace('_', ' ')}: {v}" for k, v in fields.items() if present(v))

#: How many speaker colours the viewer has (speakers beyond that share colours in turn).
N_SPEAKER_COLOURS = 10
