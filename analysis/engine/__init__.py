"""The engine: one place that composes the measures.

* :mod:`analysis.engine.contract` — :class:`Measure`, the contract every measure
  declares, and the registry (:func:`register`, :func:`registered`, :func:`select`).
* :mod:`analysis.engine.run` — :func:`measure_article`, :func:`measure_records`
  (one chunk: the unit of work of the CLI, its worker processes and Dask) and
  :func:`measure_corpus` (a corpus table in memory).
* :mod:`analysis.engine.texts` — :func:`text_tables`, the per-text conveniences'
  shared parse.

The notebooks' corpus tables, the CLI (:mod:`analysis.pipeline`), the outlet
profile (:mod:`analysis.profile`), the viewer and the benchmark all go through it.
"""

from analysis.engine.contract import Measure, Table, check_table, register, registered, select
from analysis.engine.run import (ERROR_COLUMNS, count_columns, measure_article, measure_corpus,
                                 measure_records, records_of, scan_context)
from analysis.engine.texts import text_tables

__all__ = ["Measure", "Table", "check_table", "register", "registered", "select", "ERROR_COLUMNS",
           "count_columns", "measure_article", "measure_corpus", "measure_records", "records_of",
           "scan_context", "text_tables"]
