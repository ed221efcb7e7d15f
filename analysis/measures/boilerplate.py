"""Boilerplate: separate an article from its site chrome in flattened page text.

The input is a whole web page flattened to plain text (no HTML), so HTML
extractors do not apply; their ideas do. Each non-blank line gets one label:

``body``
    the article's running text.
``furniture``
    the article's own headline, standfirst, byline, captions and photo credits.
``boilerplate``
    site chrome: subscription and donation pleas, share and sign-up widgets,
    related-headline lists, breadcrumbs, paywall counters, "Read more".

Signals (computed per line, then combined):

* **block length and stopword density with neighbour smoothing** — the core of
  jusText (Pomikálek 2011, *Removing Boilerplate and Duplicate Content from Web
  Corpora*, ch. 4): long, stopword-dense lines are prose; short ones take the
  class of their neighbours;
* **position** — chrome clusters before the first and after the last prose line;
* **lexicon** (``data/boilerplate_lexicon.csv``, each pattern with its source):
  calls to action, credits, and end-of-article markers ("Dear Reader",
  "You've read … free articles") after which the rest of the page is chrome;
* **runs of short title-case lines** (related-headline lists, menus);
* **lines repeated** within the page or across articles of the same outlet;
* **page evidence** (:func:`page_is_clean`) — text that arrives clean (a news
  API, an archive, an extractor) has no chrome to find: when the lines after the
  first end like sentences (or signed quotations and tweets) often enough and no
  chrome rule fires on a line that is not a sentence, every line stays body but
  the headline, credits and short call-to-action or template lines. The model,
  fitted on web pages, would otherwise cut short paragraphs and quotations.

A gradient-boosted tree model over these features (``data/boilerplate_model.joblib``)
decides, on a page with chrome, what the explicit rules leave open. It was fitted on the public
article-extraction benchmark's pages — never on the study's seeds — by
``scripts/train_boilerplate.py``, which also records its cross-validated scores.

How to read the values: :func:`boilerplate_ratio` is the share of the page's
non-whitespace characters in boilerplate lines (0 = no chrome, 1 = all chrome).
"""

from __future__ import annotations

import csv
import hashlib
from array import array
import functools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from analysis import frames, paths
from analysis.core.article import kept_text

LABELS = ("body", "furniture", "boilerplate")
LEXICON_FILE = "boilerplate_lexicon.csv"
MODEL_FILE = "boilerplate_model.joblib"

#: A line is "prose" when it has at least this many words, this stopword density
#: and ends like a sentence (jusText's length/stopword thresholds, adapted to lines).
PROSE_MIN_WORDS = 12
PROSE_MIN_STOPWORDS = 0.30
#: Lines of at most this many words count as short (menus, headlines, widgets).
SHORT_WORDS = 12
#: A call-to-action pattern decides a line only if it has at most this many words.
CTA_MAX_WORDS = 25
#: Headline / standfirst search window: lines before the first prose line.
STANDFIRST_MIN_WORDS = 8
STANDFIRST_MAX_WORDS = 40
#: jusText's "good" block: a prose line this long is body unless the model is
#: confident it is not (p_body below LONG_PROSE_MIN_P) or a lexicon rule fires.
LONG_PROSE_WORDS = 40
LONG_PROSE_MIN_P = 0.2
#: Body probability at or above which the model calls a line body.
THRESHOLD = 0.5
#: A credit line of at most this many words with no sentence is "bare" (credit only).
BARE_CREDIT_WORDS = 6
#: Neighbour windows for smoothing (lines either side).
WINDOWS = (1, 3)
#: The page gate (see :func:`page_is_clean`): a page whose lines after the first end like a
#: sentence at least this often, with no chrome-rule hit on a line that is not a sentence, has
#: no site chrome, and only the explicit rules may cut its lines. Chosen on development pages
#: (BASIL dev, PolNeAR dev and train, the extraction benchmark) by
#: :func:`analysis.validation.boilerplate.best_threshold`, checked by page-grouped
#: cross-validation (:func:`analysis.validation.boilerplate.choose_gate`).
CLEAN_MIN_SENTENCE_SHARE = 0.55
#: On a clean page a call-to-action or template line is cut only when it has at most this
#: many words (a short "Follow … on Twitter", not a sentence that mentions Twitter).
CLEAN_CUT_MAX_WORDS = 8

_LINE_RE = re.compile(r"[^\r\n]+")
_WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*|\d[\d,.]*", re.UNICODE)
_SENT_END_RE = re.compile(r"[.!?…][\"'”’)\]]*\s*$")
_SENT_SPLIT_RE = re.compile(r"(?<=[a-z0-9][.!?])[\"”’]?\s+(?=[\"“‘A-Z])")
#: A quotation or tweet signed at its end: '“…” ― Jane Doe', '… — Jane Doe (@jane) May 5, 2016'.
#: Such a line is a sentence of the article though it does not end like one.
_SIGNED_END_RE = re.compile(r"(?:[\"”]\s*[―—–]\s*(?:[^\s―—–]+\s?){1,6}"
                            r"|[―—–]\s*[^―—–\n]{1,60}\(@\w+\)\s+\w+\.? \d{1,2}, \d{4}(?:</tweet>)?)\.?$")
_READER_WORDS = frozenset("we our us you your yours i me my".split())


@functools.lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


@functools.lru_cache(maxsize=1)
def lexicon() -> pd.DataFrame:
    """The call-to-action / credit / end-marker patterns, with their sources."""
    with open(paths.package_data(LEXICON_FILE), encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    table = pd.DataFrame(rows)
    if set(table["kind"]) - {"cta", "credit", "end_marker"}:
        raise ValueError(f"{LEXICON_FILE}: unknown kind in {sorted(set(table['kind']))}")
    return table


@functools.lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern]:
    lex = lexicon()
    out = {}
    for kind, group in lex.groupby("kind"):
        flags = re.IGNORECASE if kind != "credit" else 0
        out[kind] = re.compile("|".join(f"(?:{p})" for p in group["pattern"]), flags)
    return out


@functools.lru_cache(maxsize=1)
def line_model() -> dict:
    """The shipped line model: ``{"features", "estimator", "threshold", "trained_on"}``."""
    import joblib

    return joblib.load(paths.package_data(MODEL_FILE))


def split_lines(text: str) -> pd.DataFrame:
    """Non-blank lines of ``text`` with 1-based ``line_no`` and offsets of the stripped line.

    Lines end at ``\\n``, ``\\r\\n`` or a lone ``\\r``; ``text[start:end]`` is the
    line without its surrounding whitespace.
    """
    rows = []
    line_no = 1
    pos = 0
    for m in _LINE_RE.finditer(text):
        # count the line breaks between the previous line and this one
        gap = text[pos:m.start()]
        line_no += gap.count("\n") + gap.count("\r") - gap.count("\r\n")
        pos = m.start()
        raw = m.group()
        stripped = raw.strip()
        if stripped:
            start = m.start() + (len(raw) - len(raw.lstrip()))
            rows.append((line_no, start, start + len(stripped), stripped))
    cols = frames.columns_of(rows, ["line_no", "start", "end", "text"])
    # framed once with its types (framing tuples, then casting, costs several times more)
    return pd.DataFrame({"line_no": frames.ints(cols["line_no"]), "start": frames.ints(cols["start"]),
                         "end": frames.ints(cols["end"]), "text": pd.Series(cols["text"], dtype=object)})


SEGMENT_COLUMNS = ["line_no", "start", "end", "text", "label", "reason", "p_body"]

FEATURES = (
    "log_words", "stop_density", "ends_sentence", "title_share", "reader_share",
    "digit_share", "cta", "credit", "prose", "rel_pos", "before_first_prose",
    "after_last_prose", "short_run", "dup_in_page",
    "prose_w1", "prose_w3", "words_w1", "words_w3", "cta_w3", "cta_w8", "title_w3",
)


def line_features(lines: pd.DataFrame, repeated: Iterable[str] = ()) -> pd.DataFrame:
    """The per-line signals (one row per line of :func:`split_lines`).

    ``repeated`` holds normalised lines seen in other articles of the same outlet
    (see :func:`segment_corpus`).
    """
    n = len(lines)
    stop = stopwords()
    pats = _patterns()
    repeated = set(repeated)
    texts = lines["text"].tolist()
    norm = [normalise_line(t) for t in texts]
    counts = Counter(norm)
    feats = []
    for t in texts:
        words = _WORD_RE.findall(t)
        nw = len(words)
        alpha = [w for w in words if w[0].isalpha()]
        lower = [w.lower() for w in alpha]
        feats.append({
            "words": nw,
            "log_words": math.log1p(nw),
            "stop_density": sum(w in stop for w in lower) / nw if nw else 0.0,
            "ends_sentence": float(bool(_SENT_END_RE.search(t))),
            "signed": bool(_SIGNED_END_RE.search(t)),
            "title_share": (sum(w[0].isupper() for w in alpha if len(w) > 3)
                            / max(1, sum(len(w) > 3 for w in alpha))),
            "reader_share": sum(w in _READER_WORDS for w in lower) / nw if nw else 0.0,
            "digit_share": sum(map(str.isdigit, t)) / len(t),
            "cta": float(bool(pats["cta"].search(t))) if nw <= CTA_MAX_WORDS else 0.0,
            "credit": float(bool(pats["credit"].search(t))),
            "end_marker": bool(pats["end_marker"].search(t)),
        })
    if n == 0:
        return pd.DataFrame(feats, index=lines.index).reindex(
            columns=list(FEATURES) + ["words", "signed", "end_marker", "after_end_marker", "repeated"])
    # columns built as arrays and framed once (setting them one by one on the frame costs
    # more than computing them)
    cols = {k: np.array([r[k] for r in feats]) for k in feats[0]}
    cols["prose"] = ((cols["words"] >= PROSE_MIN_WORDS) & (cols["stop_density"] >= PROSE_MIN_STOPWORDS)
                     & (cols["ends_sentence"] > 0)).astype(float)
    idx = np.arange(n)
    cols["rel_pos"] = idx / max(1, n - 1)
    prose_idx = np.flatnonzero(cols["prose"])
    first, last = (prose_idx[0], prose_idx[-1]) if len(prose_idx) else (n, -1)
    cols["before_first_prose"] = (idx < first).astype(float)
    cols["after_last_prose"] = (idx > last).astype(float)
    # an end marker in the second half of the page, after some prose, closes the article
    marks = np.flatnonzero(cols["end_marker"] & (idx > first) & (idx >= n // 3))
    cols["after_end_marker"] = (idx >= marks[0]).astype(float) if len(marks) else np.zeros(n)
    short = (cols["words"] <= SHORT_WORDS) & (cols["ends_sentence"] == 0)
    cols["short_run"] = _run_lengths(short) / 10.0
    cols["dup_in_page"] = np.array([float(counts[x] > 1) for x in norm])
    cols["repeated"] = np.array([float(x in repeated) for x in norm])
    for w in WINDOWS:
        cols[f"prose_w{w}"] = _neighbour_mean(cols["prose"], w)
        cols[f"words_w{w}"] = _neighbour_mean(cols["log_words"], w)
    cols["cta_w3"] = _neighbour_mean(cols["cta"], 3)
    cols["cta_w8"] = _neighbour_mean(cols["cta"], 8)
    cols["title_w3"] = _neighbour_mean(cols["title_share"], 3)
    return pd.DataFrame(cols, index=lines.index)


def _run_lengths(flags: np.ndarray) -> np.ndarray:
    """For each position, the length of the run of True it belongs to (0 if False), capped at 10."""
    out = np.zeros(len(flags))
    i = 0
    while i < len(flags):
        if flags[i]:
            j = i
            while j < len(flags) and flags[j]:
                j += 1
            out[i:j] = min(10, j - i)
            i = j
        else:
            i += 1
    return out


def _neighbour_mean(values: np.ndarray, w: int) -> np.ndarray:
    """Mean of ``values`` over the ``w`` lines either side, excluding the line itself."""
    n = len(values)
    csum = np.concatenate([[0.0], np.cumsum(values)])
    lo = np.clip(np.arange(n) - w, 0, n)
    hi = np.clip(np.arange(n) + w + 1, 0, n)
    total = csum[hi] - csum[lo] - values
    cnt = (hi - lo - 1).astype(float)
    return np.divide(total, cnt, out=np.zeros(n), where=cnt > 0)


def normalise_line(t: str) -> str:
    return " ".join(t.lower().split())


@functools.lru_cache(maxsize=1)
def _threadpools():
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def body_probability(features: pd.DataFrame, model: dict | None = None) -> np.ndarray:
    """The fitted model's probability that each line is article body."""
    model = model or line_model()
    if len(features) == 0:
        return np.zeros(0)
    x = features[list(model["features"])].to_numpy(dtype=float)
    # One OpenMP thread: a page has tens of lines, and the tree model opens a parallel region
    # per tree; on a busy machine each one waits for a descheduled thread (measured: 1.4 s a
    # page instead of 2 ms with two threads on two loaded cores).
    with _threadpools().limit(limits=1, user_api="openmp"):
        return model["estimator"].predict_proba(x)[:, 1]


def page_evidence(features: pd.DataFrame) -> tuple[float, bool]:
    """A page's evidence of site chrome: ``(sentence_share, chrome_hit)``.

    Over the lines after the first (the first is usually the headline):
    ``sentence_share`` is the share that end like a sentence or a signed
    quotation or tweet (running prose does; menus, widgets and headline lists
    do not), and ``chrome_hit`` is True
    when one of them is an end marker, or a call-to-action or credit hit that
    is not a sentence. Repeated template lines are not evidence here: their
    own rule cuts them.
    """
    rest = features.iloc[1:]
    marker = bool(features["end_marker"].any())
    if rest.empty:
        return 1.0, marker
    sentence = (rest["ends_sentence"].to_numpy() > 0) | rest["signed"].to_numpy(dtype=bool)
    hit = (~sentence & ((rest["cta"].to_numpy() > 0) | (rest["credit"].to_numpy() > 0))).any()
    return float(sentence.mean()), bool(marker or hit)


def page_is_clean(features: pd.DataFrame, min_sentence_share: float = CLEAN_MIN_SENTENCE_SHARE) -> bool:
    """Whether a page shows no site chrome (:func:`page_evidence`): prose-like lines, no chrome hit.

    Text from a news API, an archive or an extractor passes; flattened web
    pages do not (measured on both kinds: :mod:`analysis.validation.boilerplate`).
    """
    share, hit = page_evidence(features)
    return share >= min_sentence_share and not hit


def segment(text: str, repeated: Iterable[str] = (), model: dict | None = None,
            min_sentence_share: float | None = CLEAN_MIN_SENTENCE_SHARE) -> pd.DataFrame:
    """Label every non-blank line of ``text`` as body, furniture or boilerplate.

    Returns one row per non-blank line: ``line_no`` (1-based, blank lines
    counted), ``start``, ``end`` (offsets into ``text`` of the stripped line),
    ``text``, ``label``, ``reason`` (the signal that decided) and ``p_body``
    (the model's body probability, for every line, whatever decided it).

    A page with no site chrome (:func:`page_is_clean`) keeps every line as
    body (reason ``clean-page``) but its headline, credits and short
    call-to-action or template lines: the model, fitted on chrome-heavy pages,
    does not decide there. ``min_sentence_share`` is the gate's threshold;
    ``None`` skips the gate (every page is treated as a web page: the
    behaviour before the gate, kept for comparison).
    """
    lines = split_lines(text)
    if lines.empty:
        return pd.DataFrame(columns=SEGMENT_COLUMNS).astype({"line_no": int, "start": int, "end": int,
                                                  "p_body": float})
    f = line_features(lines, repeated)
    p = body_probability(f, model)
    clean = min_sentence_share is not None and page_is_clean(f, min_sentence_share)
    labels, reasons = _line_labels(f, p, (model or line_model())["threshold"], clean)
    if not clean:
        _mark_furniture(lines, f, labels, reasons)
    elif "body" in labels:
        _mark_headline(lines, f, labels, reasons, labels.index("body"), open_reason="clean-page")
    return _segment_table(lines, labels, reasons, p)


def _segment_table(lines: pd.DataFrame, labels: list, reasons: list, p: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({"line_no": lines["line_no"], "start": lines["start"], "end": lines["end"],
                         "text": lines["text"], "label": labels, "reason": reasons,
                         "p_body": p.round(4)}, columns=SEGMENT_COLUMNS)


def _line_labels(f: pd.DataFrame, p: np.ndarray, threshold: float, clean: bool) -> tuple[list, list]:
    """Each line's label and reason: the explicit rules first, then (on a web page) the model.

    On a clean page a call-to-action or template line is cut only when short, and
    the rest is body.
    """
    labels, reasons = [], []
    credit, after_end, cta, repeated_, prose, words = (
        f[c].tolist() for c in ("credit", "after_end_marker", "cta", "repeated", "prose", "words"))
    for i in range(len(f)):
        cuttable = not clean or words[i] <= CLEAN_CUT_MAX_WORDS
        if credit[i]:
            lab, why = "furniture", "credit-lexicon"
        elif after_end[i]:
            lab, why = "boilerplate", "after-end-marker"
        elif cta[i] and cuttable:
            lab, why = "boilerplate", "cta-lexicon"
        elif repeated_[i] and cuttable:
            lab, why = "boilerplate", "repeated-in-outlet"
        elif clean:
            lab, why = "body", "clean-page"
        elif p[i] >= threshold:
            lab, why = "body", "model"
        elif prose[i] and words[i] >= LONG_PROSE_WORDS and p[i] >= LONG_PROSE_MIN_P:
            lab, why = "body", "long-prose"
        else:
            lab, why = "boilerplate", "model"
        labels.append(lab)
        reasons.append(why)
    return labels, reasons


def _mark_furniture(lines: pd.DataFrame, f: pd.DataFrame, labels: list, reasons: list) -> None:
    """Headline, byline, standfirst and captions: the article's own non-body lines.

    Only lines in the head of the page (before the first body line) or adjacent
    to a credit line are considered, so a related story's caption at the tail
    stays boilerplate.
    """
    n = len(labels)
    texts = lines["text"].tolist()
    body_idx = [i for i in range(n) if labels[i] == "body"]
    if not body_idx:
        return
    last_body = body_idx[-1]
    # captions: the line a bare credit introduces, or the line a credit line repeats
    for i in range(n):
        if reasons[i] != "credit-lexicon":
            continue
        bare = f["words"].iat[i] <= BARE_CREDIT_WORDS and not f["ends_sentence"].iat[i]
        for j in (i - 1, i + 1):
            if not (0 <= j < n and reasons[j] in ("model", "long-prose") and j <= last_body):
                continue
            if (bare and j == i + 1) or texts[i].startswith(texts[j]):
                labels[j], reasons[j] = "furniture", "caption-next-to-credit"
    body_idx = [i for i in range(n) if labels[i] == "body"]
    if not body_idx:
        return
    headline = _mark_headline(lines, f, labels, reasons, body_idx[0], open_reason="model")
    if headline is None:
        return
    # standfirst: the line right after the headline when it is one sentence of prose
    nxt = headline + 1
    if (nxt < n and reasons[nxt] in ("model", "long-prose") and nxt < last_body
            and STANDFIRST_MIN_WORDS <= f["words"].iat[nxt] <= STANDFIRST_MAX_WORDS
            and f["ends_sentence"].iat[nxt] and len(_SENT_SPLIT_RE.split(texts[nxt])) == 1):
        labels[nxt], reasons[nxt] = "furniture", "standfirst"


def _mark_headline(lines: pd.DataFrame, f: pd.DataFrame, labels: list, reasons: list, first_body: int,
                   open_reason: str) -> int | None:
    """Headline, breadcrumb and byline; returns the headline's index (None when there is none).

    The headline is the last title-like line up to the first body line whose
    ``reason`` is still ``open_reason`` (a headline the model took for body
    counts: it is often the first long line of the page).
    """
    n = len(labels)
    texts = lines["text"].tolist()
    headline = None
    for i in range(first_body, -1, -1):
        if reasons[i] != open_reason or labels[i] == "furniture":
            continue
        if (3 <= f["words"].iat[i] <= 25 and not f["ends_sentence"].iat[i]
                and not _byline_like(texts[i])):
            headline = i
            break
    if headline is None:
        return None
    labels[headline], reasons[headline] = "furniture", "headline"
    # breadcrumb: an earlier line that ends with the headline's text is chrome
    for i in range(headline):
        if texts[i] != texts[headline] and texts[i].endswith(texts[headline]):
            labels[i], reasons[i] = "boilerplate", "breadcrumb"
    # byline: a short name-like line between headline and body
    for i in range(headline + 1, min(first_body, n)):
        if reasons[i] == open_reason and _byline_like(texts[i]):
            labels[i], reasons[i] = "furniture", "byline"
    return headline


def _byline_like(line: str) -> bool:
    """"By Jane Doe", or a bare name of two or three capitalised words."""
    if line.endswith("."):
        return False
    if line.lower().startswith("by "):
        words = line[3:].split()
        return 1 <= len(words) <= 6
    words = line.split()
    return 2 <= len(words) <= 3 and all(w[:1].isupper() and w.isalpha() for w in words)


def boilerplate_ratio(text: str | pd.DataFrame, label: str = "boilerplate") -> float:
    """Share of the page's non-whitespace characters in ``label`` lines (default: boilerplate).

    Accepts the text or an already computed :func:`segment` table. 0.0 for an
    empty page.
    """
    seg = segment(text) if isinstance(text, str) else text
    sizes = seg["text"].map(lambda t: sum(not c.isspace() for c in t))
    total = sizes.sum()
    return float(sizes[seg["label"] == label].sum() / total) if total else 0.0


def body_text(text: str, segments: pd.DataFrame | None = None,
              keep: Sequence[str] = ("body",)) -> str:
    """``text`` with every character outside ``keep`` lines replaced by a space.

    The result has exactly the length of ``text`` and keeps its line breaks, so
    any offset a measure finds in it indexes the raw article too.
    """
    seg = segment(text) if segments is None else segments
    return kept_text(text, seg, labels=keep)


def template_lines(text: str) -> dict[str, int]:
    """Normalised lines of at least 3 words (candidates for template chrome) → 8-byte hash."""
    norms = {normalise_line(t) for t in split_lines(text)["text"] if len(t.split()) >= 3}
    return {n: int.from_bytes(hashlib.blake2b(n.encode("utf-8"), digest_size=8).digest(), "little")
            for n in norms}


class RepeatedLines:
    """Per outlet, hashes of lines that occur in two or more of its articles (template chrome).

    Filled by one pass over the corpus (:meth:`add`), holding 8 bytes per line;
    after :meth:`freeze`, :meth:`of` gives an article's own repeated lines, the
    ``repeated`` argument of :func:`segment`. A line (normalised for case and
    spacing, at least 3 words) that appears in two or more articles of the same
    outlet is chrome. (A 64-bit hash collision would be needed to err.)
    """

    def __init__(self):
        self._hashes: dict[str, array] = defaultdict(lambda: array("Q"))
        self._repeated: dict[str, set[int]] | None = None

    def add(self, outlet: str, text: str) -> None:
        self._hashes[outlet].extend(template_lines(text).values())

    def freeze(self) -> None:
        self._repeated = {}
        for outlet, arr in self._hashes.items():
            values, counts = np.unique(np.frombuffer(arr, dtype=np.uint64), return_counts=True)
            self._repeated[outlet] = set(values[counts > 1].tolist())
        self._hashes.clear()

    def of(self, outlet: str, text: str) -> list[str]:
        rep = (self._repeated or {}).get(outlet, set())
        return sorted(n for n, h in template_lines(text).items() if h in rep) if rep else []


def label_shares(segments: pd.DataFrame, by: str = "article_id") -> pd.DataFrame:
    """Share of non-whitespace characters per label, one row per ``by`` × label.

    Columns: ``by``, ``label``, ``chars``, ``lines``, ``share``. Every label
    appears for every group (zero where absent).
    """
    seg = segments.assign(chars=segments["text"].map(lambda t: sum(not c.isspace() for c in t)))
    grid = pd.MultiIndex.from_product([seg[by].unique(), LABELS], names=[by, "label"])
    agg = seg.groupby([by, "label"]).agg(chars=("chars", "sum"), lines=("text", "size"))
    agg = agg.reindex(grid, fill_value=0).reset_index()
    totals = agg.groupby(by)["chars"].transform("sum")
    agg["share"] = np.where(totals > 0, agg["chars"] / totals.where(totals > 0, 1), 0.0)
    return agg
