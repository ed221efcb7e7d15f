"""Passages shared between articles of a corpus: word shingles, MinHash and LSH (pure numpy).

Two articles that print the same wire story, or the same press release, share
passages word for word, give or take an edit. This module finds them in a
corpus of any size in two steps:

1. **Candidates by MinHash/LSH** (Broder 1997, *On the resemblance and
   containment of documents*; Indyk & Motwani 1998; Leskovec, Rajaraman &
   Ullman, *Mining of Massive Datasets*, ch. 3). Each article's words
   (:mod:`analysis.core.words`, lower-cased) are cut into overlapping
   :data:`SHINGLE`-word shingles, each hashed to 64 bits. The shingles are
   grouped in windows of :data:`WINDOW` shingles (every :data:`STEP`), and each
   window gets a MinHash signature of :data:`PERMUTATIONS` values (a
   splitmix64 mix of the shingle hash with a fixed seed per permutation). The
   signature is cut into :data:`BANDS` bands of :data:`ROWS` values; two
   windows that agree on a whole band are candidates. With 16 bands of 2 rows,
   windows whose shingle sets have a Jaccard similarity of 0.3 become
   candidates with probability 0.78, of 0.5 with 0.99, of 0.1 with 0.15 —
   a short passage inside a window is enough. Passages are looked for only
   between articles of *different* outlets: within an outlet, shared text is
   mostly its own template (see :mod:`analysis.measures.boilerplate`).
2. **Exact check of the candidates**: the shingles the article shares with a
   candidate are marked; runs of marked shingles, joined across gaps of up to
   :data:`GAP` shingles (one word changed or inserted breaks :data:`SHINGLE` shingles), that
   cover at least :data:`MIN_WORDS` words, half of them shared, with :data:`CORE` consecutive shared
   shingles somewhere, are the shared passages. A common
   phrase (*Syrian President Bashar al-Assad*, *since the civil war began in
   2011*) is shorter than that and never a passage.

Memory and time: one pass over the corpus keeps each article's shingle hashes
and word offsets (16 bytes a word) and its band keys (8 bytes each, 16 per
window); ``benchmarks/shared_passages.py`` measures about 40 KB per 600-word
article at peak (167 MB for 4,000 articles) and 10 CPU seconds per 1,000
articles, growing linearly. :class:`SharedPassages` is the engine's scanner (``add``, ``freeze``,
``of``); :func:`shared_passages` runs it over a list of texts.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.core.words import WORD_RE

SHINGLE = 5
WINDOW = 20
STEP = 10
PERMUTATIONS = 32
BANDS = 16
ROWS = PERMUTATIONS // BANDS
#: A shared run of fewer words than this is a common phrase, not a passage.
MIN_WORDS = 15
#: A passage holds at least this many consecutive shared shingles (``CORE + SHINGLE - 1`` words alike).
CORE = 6
#: Runs of shared shingles this many shingles apart (or closer) are one passage: a word changed or
#: inserted breaks :data:`SHINGLE` shingles on the side that has it (a gap of ``SHINGLE + 1``).
GAP = SHINGLE + 1
#: At most this many candidate articles (most band hits first) are checked for each article.
MAX_CANDIDATES = 20
#: Windows hashed at once (bounds the permutation matrix to about 1.3 MB).
_BLOCK = 512
_SEEDS = np.random.default_rng(20151020).integers(1, 2**63 - 1, size=PERMUTATIONS, dtype=np.int64).astype(np.uint64)
_MIX = (np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB))
_POLY = np.uint64(0x100000001B3)
PASSAGE_COLUMNS = ["start", "end", "words", "other", "other_outlet", "other_start", "other_end"]


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: a fixed, well-spread 64-bit hash of ``x`` (uint64, any shape)."""
    with np.errstate(over="ignore"):
        x = (x ^ (x >> np.uint64(30))) * _MIX[0]
        x = (x ^ (x >> np.uint64(27))) * _MIX[1]
        return x ^ (x >> np.uint64(31))


def words(text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(starts, ends, hashes)`` of the words of ``text`` (hash of the lower-cased word, uint64)."""
    ms = list(WORD_RE.finditer(text))
    spans = np.array([m.span() for m in ms], dtype=np.int64).reshape(-1, 2)
    crc = zlib.crc32
    h = np.array([crc(m.group().lower().encode("utf-8")) for m in ms], dtype=np.uint64)
    return spans[:, 0].copy(), spans[:, 1].copy(), _mix(h)


def shingles(word_hashes: np.ndarray, k: int = SHINGLE) -> np.ndarray:
    """Hash of every run of ``k`` consecutive words (``len - k + 1`` values; none for a shorter text)."""
    n = len(word_hashes) - k + 1
    if n <= 0:
        return np.zeros(0, dtype=np.uint64)
    out = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):
            out = out * _POLY + word_hashes[j:j + n]
    return _mix(out)


def windows(n: int, window: int = WINDOW, step: int = STEP) -> list[tuple[int, int]]:
    """``(first, end)`` shingle ranges of the windows over ``n`` shingles (one window if fewer)."""
    if n <= 0:
        return []
    if n <= window:
        return [(0, n)]
    out = [(i, i + window) for i in range(0, n - window + 1, step)]
    if out[-1][1] < n:
        out.append((n - window, n))
    return out


def band_keys(sh: np.ndarray) -> np.ndarray:
    """The LSH keys of the windows over shingles ``sh``: one uint64 per window × band (flattened)."""
    wins = windows(len(sh))
    if not wins:
        return np.zeros(0, dtype=np.uint64)
    sig = np.empty((len(wins), PERMUTATIONS), dtype=np.uint64)          # windows × permutations
    for k0 in range(0, len(wins), _BLOCK):                              # bounded memory on a huge text
        block = wins[k0:k0 + _BLOCK]
        lo, hi = block[0][0], block[-1][1]
        perm = _mix(sh[lo:hi, None] ^ _SEEDS[None, :])                  # shingles × permutations
        for k, (a, b) in enumerate(block):
            sig[k0 + k] = perm[a - lo:b - lo].min(axis=0)
    keys = np.zeros((len(wins), BANDS), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for r in range(ROWS):
            keys = keys * _POLY + sig[:, r::ROWS][:, :BANDS]
        keys = _mix(keys ^ np.arange(BANDS, dtype=np.uint64)[None, :])  # a band's keys never meet another's
    return np.unique(keys.ravel())


def runs(shared: np.ndarray, k: int = SHINGLE, gap: int = GAP, min_words: int = MIN_WORDS,
         core: int = CORE) -> list[tuple[int, int]]:
    """Word ranges ``[first, end)`` covered by runs of ``shared`` shingles (a boolean per shingle).

    Shingles at most ``gap`` apart join one run; a run covers its shingles'
    words; a run is kept when it covers at least ``min_words`` words, holds
    ``core`` consecutive shared shingles somewhere, and at least half of its
    shingles are shared (scattered hits of stock phrases never chain into a
    passage).
    """
    idx = np.flatnonzero(shared)
    if not len(idx):
        return []
    step = np.diff(idx)
    cut = np.flatnonzero(step > gap)
    bounds = np.concatenate(([0], cut + 1, [len(idx)]))
    out = []
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        a, b = int(idx[lo]), int(idx[hi - 1])
        if b + k - a < min_words or (hi - lo) < 0.5 * (b - a + 1):
            continue
        breaks = np.flatnonzero(step[lo:hi - 1] != 1)           # consecutive stretches inside the run
        edges = np.concatenate(([-1], breaks, [hi - lo - 1]))
        if np.diff(edges).max() >= core:
            out.append((a, b + k))
    return out


class SharedPassages:
    """The corpus pass of the wire measure: which passages each article shares with other outlets' articles.

    :meth:`add` every article (in input order; the n-th added is ``other`` = n,
    0-based), :meth:`freeze`, then :meth:`of` gives one article's passages as
    dicts of :data:`PASSAGE_COLUMNS` (offsets into the text given to ``of``; the
    ``other_*`` offsets into that other article's text).
    """

    def __init__(self):
        self._outlets: list[str] = []
        self._shingles: list[np.ndarray] = []
        self._spans: list[tuple[np.ndarray, np.ndarray]] = []
        self._keys: list[np.ndarray] = []
        self._index: tuple[np.ndarray, np.ndarray] | None = None
        self._added: dict[tuple[str, int, int], int] = {}

    def add(self, outlet: str, text: str) -> None:
        starts, ends, h = words(text)
        sh = shingles(h)
        self._added.setdefault((str(outlet), len(text), hash(text)), len(self._outlets))
        self._outlets.append(str(outlet))
        self._shingles.append(sh)
        self._spans.append((starts.astype(np.int32), ends.astype(np.int32)))
        self._keys.append(band_keys(sh))

    def freeze(self) -> None:
        keys = np.concatenate(self._keys) if self._keys else np.zeros(0, dtype=np.uint64)
        docs = np.concatenate([np.full(len(k), i, dtype=np.int32) for i, k in enumerate(self._keys)]) \
            if self._keys else np.zeros(0, dtype=np.int32)
        order = np.argsort(keys, kind="stable")
        self._index = (keys[order], docs[order])
        self._keys = []

    def candidates(self, outlet: str, keys: np.ndarray) -> list[int]:
        """Articles of other outlets sharing a band key with ``keys``, most shared keys first."""
        if self._index is None:
            raise RuntimeError("SharedPassages.of() before freeze()")
        sk, sd = self._index
        lo, hi = np.searchsorted(sk, keys, side="left"), np.searchsorted(sk, keys, side="right")
        hits = np.concatenate([sd[a:b] for a, b in zip(lo, hi) if b > a]) if len(keys) else np.zeros(0, np.int32)
        if not len(hits):
            return []
        docs, counts = np.unique(hits, return_counts=True)
        keep = [(-c, int(d)) for d, c in zip(docs, counts) if self._outlets[int(d)] != outlet]
        return [d for _, d in sorted(keep)[:MAX_CANDIDATES]]

    def _words_of(self, outlet: str, text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(starts, ends, shingles)`` of ``text``: those kept by :meth:`add` when this outlet's text of
        the same length and string hash was added (the corpus pass asks for every added article; its
        words are not hashed twice), else computed."""
        i = self._added.get((str(outlet), len(text), hash(text)))
        if i is not None:
            return (*self._spans[i], self._shingles[i])
        starts, ends, h = words(text)
        return starts, ends, shingles(h)

    def of(self, outlet: str, text: str) -> list[dict]:
        starts, ends, sh = self._words_of(outlet, text)
        out = []
        for d in self.candidates(str(outlet), band_keys(sh)):
            other = self._shingles[d]
            os_, oe = self._spans[d]
            for a, b in runs(np.isin(sh, other)):
                # where the passage stands in the other article: its longest run of the passage's shingles
                o = runs(np.isin(other, sh[a:b - SHINGLE + 1]), min_words=1)
                x, y = max(o, key=lambda r: (r[1] - r[0], -r[0])) if o else (-1, -1)
                out.append({"start": int(starts[a]), "end": int(ends[b - 1]), "words": b - a, "other": d,
                            "other_outlet": self._outlets[d],
                            "other_start": int(os_[x]) if o else -1, "other_end": int(oe[y - 1]) if o else -1})
        return sorted(out, key=lambda r: (r["start"], r["other"]))


def shared_passages(texts: Sequence[str], outlets: Sequence[str]) -> pd.DataFrame:
    """Every passage each text shares with a text of another outlet: ``doc`` (position in ``texts``) and
    :data:`PASSAGE_COLUMNS` (``other`` is the other text's position)."""
    if len(texts) != len(outlets):
        raise ValueError(f"{len(texts)} texts but {len(outlets)} outlets")
    sp = SharedPassages()
    for o, t in zip(outlets, texts):
        sp.add(o, t)
    sp.freeze()
    rows = [{"doc": i, **r} for i, (o, t) in enumerate(zip(outlets, texts)) for r in sp.of(o, t)]
    return pd.DataFrame(rows, columns=["doc", *PASSAGE_COLUMNS])


def exact_pairs(texts: Sequence[str], outlets: Sequence[str]) -> set[tuple[int, int]]:
    """Pairs ``(i, j)``, i < j, of texts of different outlets that share a passage (in either text), found
    without LSH (every pair compared): the reference :func:`shared_passages`' candidate step is checked
    against (quadratic: for validation on a development set, not for a corpus)."""
    sh = [shingles(words(t)[2]) for t in texts]
    out = set()
    for i in range(len(texts)):
        for j in range(i + 1, len(texts)):
            if outlets[i] != outlets[j] and (runs(np.isin(sh[i], sh[j])) or runs(np.isin(sh[j], sh[i]))):
                out.add((i, j))
    return out
