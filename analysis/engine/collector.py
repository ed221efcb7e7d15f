"""Python's cyclic garbage collector, run less often while a chunk is measured.

CPython's collector examines the youngest generation every 700 net container
allocations (``gc.get_threshold()`` = ``(700, 10, 10)``) and, every hundredth
time, every live object — the loaded spaCy pipeline and lexicons included. A
chunk's measures allocate millions of short-lived containers (rows, tuples,
small frames), so on PolNeAR articles the default thresholds cost about 7 % of
the default pipeline's CPU time (``benchmarks/throughput.py``, with and without).
:func:`fewer_collections` raises the youngest generation's threshold to
:data:`THRESHOLDS` for the duration of a chunk and puts the caller's thresholds
back afterwards. Nothing is leaked: garbage in reference cycles is still
collected, in larger batches (at most :data:`THRESHOLDS` ``[0]`` container
allocations after it became garbage, a few MB), and objects freed by reference
counting — almost all of them — are freed at once as before.

The thresholds are process-wide (CPython has one collector); concurrent chunks
in threads of one process share one raised setting, restored when the last
of them ends. See the ``gc`` module's documentation (``gc.set_threshold``).
"""

from __future__ import annotations

import contextlib
import gc
import threading

#: Collector thresholds while a chunk is measured: (youngest-generation allocations, collections of
#: the youngest before the middle one, of the middle before the oldest); CPython's default is (700, 10, 10).
THRESHOLDS = (50_000, 20, 10)

_lock = threading.Lock()
_active = 0
_saved: tuple[int, ...] | None = None


@contextlib.contextmanager
def fewer_collections(thresholds: tuple[int, int, int] = THRESHOLDS):
    """Run the body with the collector's thresholds at ``thresholds``; restore the caller's afterwards."""
    global _active, _saved
    with _lock:
        if _active == 0:
            _saved = gc.get_threshold()
            gc.set_threshold(*thresholds)
        _active += 1
    try:
        yield
    finally:
        with _lock:
            _active -= 1
            if _active == 0 and _saved is not None:
                gc.set_threshold(*_saved)
                _saved = None
