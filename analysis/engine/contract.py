"""The measure contract: what a measure needs, what it returns, what it adds to the profile and viewer.

A measure is declared once, as a :class:`Measure`, in its own module under
:mod:`analysis.measures`, and registered with :func:`register`. The engine
(:mod:`analysis.engine.run`) runs the registered measures in order over a
prepared :class:`~analysis.core.article.Article` — its raw text, line table,
body and :class:`~analysis.core.parse.Parse` — handing each the tables of the
measures it ``needs``. A measure never re-parses a string and never runs
another measure itself.

Modelled on spaCy's ``Language.factory`` (a component is declared once, with
what it assigns, takes the parsed ``Doc`` and the pipeline decides the order)
and on the Markup's parser list (one signature, one contract test over all).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

#: Dtype kinds a declared column may have (checked by :func:`check_table`).
KINDS = {
    "int": ("i", "u"), "float": ("f",), "bool": ("b",), "str": ("O", "U", "T"), "Int64": ("i",),
    "any": None,
}


@dataclass(frozen=True)
class Table:
    """One output table of a measure: its columns in order and each column's kind."""

    columns: tuple[tuple[str, str], ...]
    #: ``article`` tables have a fixed set of rows per article (one, or voice × category); ``item``
    #: tables one row per thing found (none for a blank text).
    grain: str = "item"

    @property
    def names(self) -> list[str]:
        return [c for c, _ in self.columns]

    def empty(self) -> pd.DataFrame:
        """An empty table with the declared columns and dtypes (a new frame each call)."""
        return _empty(self.columns).copy(deep=False)


@functools.lru_cache(maxsize=256)
def _empty(columns: tuple[tuple[str, str], ...]) -> pd.DataFrame:
    dtypes = {"int": "int64", "float": "float64", "bool": "bool", "str": "object",
              "Int64": "Int64", "any": "object"}
    return pd.DataFrame({c: pd.Series(dtype=dtypes[k]) for c, k in columns})


@dataclass(frozen=True)
class Measure:
    """A measure: ``run(article, tables) -> {table name: DataFrame}``.

    ``name``
        the measure's name (and the name of its first table).
    ``tables``
        ``{table name: Table}`` it returns; every offset column (``start``,
        ``end``, ``*_start``, ``*_end``) indexes the raw article text.
    ``needs``
        tables of earlier measures it reads (the engine hands them over).
    ``parse``
        whether it reads ``article.parse`` (the boilerplate step does not).
    ``counts``
        ``counts(article, tables) -> {column: number}``: what one article
        contributes to the ``articles`` table and through it to the profile.
    ``marks``
        ``marks(tables) -> [Mark]``: what it draws in the article viewer, as
        viewer layer ``layer``.
    ``scanner``
        for a measure that needs the whole corpus first: makes an object with
        ``add(outlet, text)`` (called for every article), ``freeze()`` and
        ``of(outlet, text)``, whose answer the article gets as
        ``article.context[name]``.
    ``default``
        run unless asked otherwise (target sentiment needs its model and is off
        by default).
    ``run_chunk``
        optional, for a measure whose work batches across articles (an
        encoder's forward passes): ``run_chunk(articles, tables) -> [{table
        name: DataFrame}]``, where ``tables[i]`` holds what ``needs`` names for
        ``articles[i]``; one result per article, the same tables ``run`` gives
        that article alone. The engine uses it for a chunk's articles
        (:func:`analysis.engine.run.measure_records`); when it raises, the
        engine runs ``run`` article by article to find the article at fault.
    """

    name: str
    tables: Mapping[str, Table]
    run: Callable[..., Mapping[str, pd.DataFrame]]
    needs: tuple[str, ...] = ()
    parse: bool = True
    counts: Callable[..., Mapping[str, float]] | None = None
    count_columns: tuple[str, ...] = ()
    marks: Callable[..., list] | None = None
    layer: str = ""
    default: bool = True
    scanner: Callable[[], object] | None = None
    run_chunk: Callable[..., Sequence[Mapping[str, pd.DataFrame]]] | None = None
    doc: str = field(default="", compare=False)


_REGISTRY: dict[str, Measure] = {}


def register(measure: Measure) -> Measure:
    """Add ``measure`` to the registry (after the measures it needs); returns it."""
    missing = [n for n in measure.needs if n not in tables_available()]
    if missing:
        raise ValueError(f"measure {measure.name!r} needs {missing}, which no registered measure returns "
                         f"(register those first)")
    clash = set(measure.tables) & tables_available()
    if measure.name in _REGISTRY or clash:
        raise ValueError(f"measure {measure.name!r}: name or tables {sorted(clash)} already registered")
    _REGISTRY[measure.name] = measure
    return measure


def tables_available() -> set[str]:
    return {t for m in _REGISTRY.values() for t in m.tables}


def registered() -> tuple[Measure, ...]:
    """Every registered measure, in the order the engine runs them."""
    import analysis.measures  # noqa: F401  (registers the library's measures)

    return tuple(_REGISTRY.values())


def select(names=None, optional: bool = False) -> tuple[Measure, ...]:
    """The measures to run: ``names`` (and what they need), or the default ones (+ optional ones).

    The measures that read no parse (the boilerplate step) always run: they
    prepare the article (its body and lead text) for the others.
    """
    every = registered()
    if names is None:
        return tuple(m for m in every if m.default or optional)
    names = ({names} if isinstance(names, str) else set(names)) | {m.name for m in every if not m.parse}
    unknown = names - {m.name for m in every}
    if unknown:
        raise ValueError(f"unknown measure(s) {sorted(unknown)}; registered: {[m.name for m in every]}")
    by_table = {t: m.name for m in every for t in m.tables}
    todo = list(names)
    while todo:
        m = _REGISTRY[todo.pop()]
        for need in m.needs:
            if by_table[need] not in names:
                names.add(by_table[need])
                todo.append(by_table[need])
    return tuple(m for m in every if m.name in names)


def check_table(name: str, spec: Table, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the declared columns in order; an empty one gets the declared dtypes.

    Raises ``TypeError`` naming the table and column when a column is missing
    or of another kind than declared.
    """
    names, cols = spec.names, frame.columns.tolist()
    if cols != names:  # (most tables have exactly the declared columns: no look-up per column)
        have = set(cols)
        missing = [c for c in names if c not in have]
        if missing:
            raise TypeError(f"measure table {name!r} lacks declared column(s) {missing}")
    if not len(frame):
        return spec.empty()
    out = frame[names] if cols != names else frame
    dtypes = dict(zip(out.columns, out.dtypes))  # one look-up, not a Series per column
    for col, kind in spec.columns:
        allowed = KINDS[kind]
        if allowed is None:
            continue
        dt = dtypes[col]
        if kind == "Int64" and str(dt) != "Int64":
            raise TypeError(f"measure table {name!r}: column {col!r} is {dt}, declared Int64")
        if getattr(dt, "kind", "O") not in allowed:
            raise TypeError(f"measure table {name!r}: column {col!r} is {dt}, declared {kind}")
    return out
