"""Validating :mod:`analysis.quotes` against the seed gold and PolNeAR's development split.

Matching (both sets): a predicted quotation matches a gold one when the
characters they share cover at least half of the gold content; matching is
one-to-one, greedy by overlap. An *exact* match has the same :func:`extent`
(first and last character, quotation marks and closing punctuation aside).
A quotation interrupted by its attribution ("…," she said. "…") is one
attribution in PolNeAR (discontinuous content) and two rows in our output
sharing an ``attribution`` id, so on PolNeAR rows are grouped into
attributions before matching (:func:`attributions`); the seed gold keeps such
quotations as two rows, as our output does. The speaker of a matched quotation
is right when the predicted speaker span overlaps the gold source span — or, on
the seeds, when the canonical actor agrees (a resolved pronoun counts); its
speaker type when it equals the gold type. Voice accuracy is the share of
words (:mod:`analysis.core.words`) whose voice — quoted, inside some
quotation's content, or the outlet's own — agrees with the gold's.

PolNeAR (Newell, Margolin & Ruths 2018) annotates every attribution — source,
cue, content — in political news. It has no direct/indirect flag; a gold
attribution counts as *direct* when its content, stripped of trailing
punctuation, opens and closes with a quotation mark (``''`` counts as one;
a mark just outside the content counts, :func:`is_direct`).
Dev articles with several
annotators' files are scored on one file each (the first annotator id in sort
order), so no article counts twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import boilerplate as bp
from analysis import quotes as q
from analysis.core import words as core_words
from analysis.measures.quotes.attribution import is_title, typewriter_marks
from analysis.validation import PRF, devset_dir, read_gold

NAME = "polnear"
_QUOTE_CHARS = "\"“”«»"
_BRAT_ID = re.compile(r"^(?:[TERAN]\d+|#\d*)\t")


def _spans_len(spans) -> int:
    return sum(e - s for s, e in spans)


def _overlap(a: Iterable[tuple[int, int]], b: Iterable[tuple[int, int]]) -> int:
    return sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in a for s2, e2 in b)


def match(gold: list[dict], pred: list[dict], min_share: float = 0.5) -> list[tuple[int, int]]:
    """One-to-one matches (gold index, pred index) where pred covers ≥ min_share of gold content."""
    pairs = []
    for gi, g in enumerate(gold):
        need = min_share * _spans_len(g["content"])
        for pi, p in enumerate(pred):
            ov = _overlap(g["content"], p["content"])
            if ov > 0 and ov >= need:
                pairs.append((ov, gi, pi))
    used_g, used_p, out = set(), set(), []
    for ov, gi, pi in sorted(pairs, key=lambda t: -t[0]):
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            out.append((gi, pi))
    return out


def group_predictions(quotes: pd.DataFrame, kinds=("direct", "indirect"), merge: bool = True,
                      fragments: bool = False) -> list[dict]:
    """Rows of :func:`analysis.quotes.extract_quotes` as the items scored.

    ``merge`` (PolNeAR): one item per attribution (:func:`attributions`); with
    ``kinds=("direct",)`` only the attributions whose every row is a direct,
    non-fragment quotation. Otherwise (the seed gold, which keeps a quotation split
    by its attribution as two rows) one item per row of ``kinds`` (``fragments``:
    direct fragments too); when both kinds are scored, a direct fragment lying
    inside an indirect quotation is part of it, not a second one.
    """
    if merge:
        return attributions(quotes, direct_only=tuple(kinds) == ("direct",))
    sub = quotes[quotes["kind"].isin(kinds)]
    if not fragments and kinds == ("direct",) and "fragment" in sub:
        sub = sub[~sub["fragment"].astype(bool)]  # pure direct quotations only
    out = [_item(r.kind, [r]) for r in sub.itertuples(index=False)]
    if fragments and kinds == ("direct",):
        return out
    # a direct fragment inside an indirect quotation is part of that (mixed) quotation:
    # it is neither a second attribution nor a pure direct one
    indirect = [g for g in out if g["kind"] == "indirect"]
    if not indirect and "indirect" not in kinds:
        indirect = [{"content": [(r.start, r.end)]} for r in quotes[quotes["kind"] == "indirect"].itertuples()]
    return [g for g in out if not (g["kind"] == "direct" and any(
        _overlap(g["content"], i["content"]) == _spans_len(g["content"]) for i in indirect))]


def _item(kind: str, rows: list) -> dict:
    r = rows[0]
    return {"kind": kind, "content": core_words.merge_spans((x.start, x.end) for x in rows),
            "speaker": core_words.merge_spans((x.speaker_start, x.speaker_end) for x in rows if x.speaker_start >= 0),
            "actor": r.actor, "speaker_type": getattr(r, "speaker_type", None),
            "cue": core_words.merge_spans((x.cue_start, x.cue_end) for x in rows if getattr(x, "cue_start", -1) >= 0)}


def outermost(items: list[dict]) -> list[dict]:
    """The attributions whose cue lies in no other attribution's content. PolNeAR is univocal
    (each word belongs to at most one attribution), so "He says he expects her to win" is one
    attribution there, with the nested "expects her to win" part of its content."""
    return [i for i in items if not any(
        j is not i and i["cue"] and _overlap(i["cue"], j["content"]) == _spans_len(i["cue"]) for j in items)]


def attributions(quotes: pd.DataFrame, direct_only: bool = False) -> list[dict]:
    """Quotation rows grouped into attributions, PolNeAR's unit: the rows sharing an
    ``attribution`` id (one cue: a quotation split by its attribution, a quotation that
    continues an attributed one, a direct fragment inside the reported clause) are one,
    whose content is the union of theirs. An attribution is *direct* when every row of it
    is a direct quotation and one at least is a whole one (not a fragment); as a direct
    quotation its content is its whole quotations: a quoted term elsewhere in the sentence
    ("Remarking upon his “empathy,” Starr said, “…”") is not part of what the marks frame,
    and an attribution of quoted terms only ("called the plan a “disaster”") is the writer's
    sentence around them, a mixed one. ``direct_only`` keeps just the direct ones."""
    groups: dict[object, list] = {}
    for r in quotes.itertuples(index=False):
        groups.setdefault(r.attribution if r.attribution else f"row{r.quote_id}", []).append(r)
    out = []
    for rows in groups.values():
        whole = [x for x in rows if x.kind == "direct" and not bool(getattr(x, "fragment", False))]
        direct = bool(whole) and all(x.kind == "direct" for x in rows)
        if direct_only and direct:
            out.append(_item("direct", whole))
        elif not direct_only:
            out.append(_item("direct" if direct else "indirect", rows))
    return out


_EDGE_OPEN = " \t\n\"“”«»„‘’'"
_EDGE_CLOSE = _EDGE_OPEN + ".,;:!?—–"


def extent(text: str, spans: Iterable[tuple[int, int]]) -> tuple[int, int]:
    """First and last character of a quotation's content, without the whitespace, quotation
    marks and closing punctuation at its edges (so ``“Yes,”`` and ``Yes`` have one extent)."""
    spans = list(spans)
    s, e = min(a for a, _ in spans), max(b for _, b in spans)
    while s < e and text[s] in _EDGE_OPEN:
        s += 1
    while e > s and text[e - 1] in _EDGE_CLOSE:
        e -= 1
    return s, e


def exact_matches(text: str, gold: list[dict], pred: list[dict]) -> int:
    """How many gold quotations a prediction reproduces exactly (same :func:`extent`), one to one."""
    want: dict[tuple[int, int], int] = {}
    for g in gold:
        k = extent(text, g["content"])
        want[k] = want.get(k, 0) + 1
    hits = 0
    for p in pred:
        k = extent(text, p["content"])
        if want.get(k, 0) > 0:
            want[k] -= 1
            hits += 1
    return hits


@dataclass
class Tally:
    """Counts behind one row of the scores (summed over articles, then turned into rates)."""
    n_gold: int = 0
    n_pred: int = 0
    overlap: int = 0        # one-to-one matches by overlap (≥ half the gold content)
    exact: int = 0          # one-to-one matches by extent
    with_speaker: int = 0   # overlap matches whose gold names a speaker
    speaker: int = 0        # … of them with the right speaker
    typed: int = 0          # overlap matches whose gold and prediction both carry a speaker type
    speaker_type: int = 0   # … of them with the right type

    def add(self, text: str, gold: list[dict], pred: list[dict]) -> None:
        pairs = match(gold, pred)
        self.n_gold += len(gold)
        self.n_pred += len(pred)
        self.overlap += len(pairs)
        self.exact += exact_matches(text, gold, pred)
        for gi, pi in pairs:
            g, p = gold[gi], pred[pi]
            if g["speaker"]:
                self.with_speaker += 1
                self.speaker += _speaker_right(g, p)
            if g.get("speaker_type") and p.get("speaker_type") is not None:
                self.typed += 1
                self.speaker_type += g["speaker_type"] == p["speaker_type"]

    def row(self, **extra) -> dict:
        prf = PRF(self.overlap, self.n_pred - self.overlap, self.n_gold - self.overlap)
        ex = PRF(self.exact, self.n_pred - self.exact, self.n_gold - self.exact)
        return {**prf.row(**extra), "exact_precision": round(ex.precision, 4),
                "exact_recall": round(ex.recall, 4), "exact_f1": round(ex.f1, 4),
                "speaker_right": _rate(self.speaker, self.with_speaker), "n_with_speaker": self.with_speaker,
                "speaker_type_right": _rate(self.speaker_type, self.typed), "n_typed": self.typed}


def _rate(k: int, n: int) -> float:
    return round(k / n, 4) if n else float("nan")


def voice_tally(text: str, gold_spans, pred_spans) -> tuple[int, int]:
    """``(words in the right voice, words)`` of ``text``: a word is in a quoted voice when its first
    character lies inside a quotation's content (:mod:`analysis.core.words`), else in the outlet's own."""
    starts = core_words.word_starts(text)
    return int((_covered(starts, gold_spans) == _covered(starts, pred_spans)).sum()), len(starts)


def _covered(starts: np.ndarray, spans) -> np.ndarray:
    out = np.zeros(len(starts), dtype=bool)
    for s, e in spans:
        out |= (starts >= s) & (starts < e)
    return out


def score(gold: list[dict], pred: list[dict], text: str = "") -> dict:
    """Scores of one article's predictions (see :class:`Tally`)."""
    t = Tally()
    t.add(text, gold, pred)
    return t.row()


def _speaker_right(g: dict, p: dict) -> bool:
    if p["speaker"] and _overlap(g["speaker"], p["speaker"]) > 0:
        return True
    return bool(g.get("actor")) and g.get("actor") == p.get("actor")


def _systems(polnear: bool = False) -> dict:
    """The systems scored side by side: the extractor, and a regex over quotation marks; on
    PolNeAR also the extractor in PolNeAR's own, broader scope of attribution."""
    out = {"extract_quotes": q.extract_quotes}
    if polnear:
        out["extract_attributions"] = q.extract_attributions
    return {**out, "baseline": baseline_quotes}


# --------------------------------------------------------------------------------------
# seeds
# --------------------------------------------------------------------------------------

def seed_gold(kind: str | None = None) -> pd.DataFrame:
    gold = read_gold("quotes_gold.csv")
    return gold if kind is None else gold[gold["kind"] == kind]


def seed_predictions(corpus: pd.DataFrame, system=None) -> pd.DataFrame:
    """Quotations of every seed body by ``system`` (a text -> table function; the extractor by default)."""
    system = system or q.extract_quotes
    parts = []
    for row in corpus.itertuples(index=False):
        qt = system(bp.body_text(row.text))
        qt.insert(0, "article_id", row.article_id)
        parts.append(qt)
    return pd.concat(parts, ignore_index=True)


def _gold_items(gold: pd.DataFrame) -> list[dict]:
    return [{"content": [(r.start, r.end)],
             "speaker": [(r.speaker_start, r.speaker_end)] if str(r.speaker_start) not in ("", "-1") else [],
             "actor": r.actor, "kind": r.kind, "id": r.quote_id, "speaker_type": r.speaker_type}
            for r in gold.itertuples(index=False)]


def score_seeds(corpus: pd.DataFrame, predictions: pd.DataFrame | None = None) -> pd.DataFrame:
    """The extractor and the baseline on the seed gold, pooled over the articles.

    One row per system and ``quotes`` (direct; all): overlap precision/recall/F1
    (``precision``, ``recall``, ``f1``: a prediction covering at least half of a gold
    quotation, one to one), the same by exact extent (``exact_*``), ``speaker_right``
    (share of matched quotations with the right speaker), ``speaker_type_right``
    (… with the gold speaker type; NaN for a system that does not type speakers) and,
    on the ``all`` rows, ``voice_accuracy``: the share of body words put in the right
    voice, own or quoted (guideline v2 §6). ``predictions`` replaces the extractor's
    output (rows with ``article_id``).
    """
    gold = seed_gold()
    gold = gold.assign(speaker_start=pd.to_numeric(gold["speaker_start"], errors="coerce").fillna(-1).astype(int),
                       speaker_end=pd.to_numeric(gold["speaker_end"], errors="coerce").fillna(-1).astype(int))
    bodies = {r.article_id: bp.body_text(r.text) for r in corpus.itertuples(index=False)}
    rows = []
    for name, fn in _systems().items():
        pred = predictions if (predictions is not None and name == "extract_quotes") else \
            seed_predictions(corpus, fn)
        for label, kinds in (("direct", ("direct",)), ("all", ("direct", "indirect"))):
            tally, right, words = Tally(), 0, 0
            for aid in corpus["article_id"]:
                g = gold[(gold["article_id"] == aid) & gold["kind"].isin(kinds)]
                g_items = _gold_items(g) if label == "direct" else _gold_all(g)
                # the seed gold keeps a quotation split by its attribution as two rows, so do we
                # and its direct rows include fragments inside reported speech
                p_items = group_predictions(pred[pred["article_id"] == aid], kinds, merge=False, fragments=True)
                tally.add(bodies[aid], g_items, p_items)
                if label == "all":
                    r, n = voice_tally(bodies[aid], [c for i in _gold_items(g) for c in i["content"]],
                                       [c for i in p_items for c in i["content"]])
                    right, words = right + r, words + n
            row = tally.row(system=name, quotes=label)
            row["voice_accuracy"] = _rate(right, words) if label == "all" else float("nan")
            rows.append(row)
    return pd.DataFrame(rows)


def _gold_all(g: pd.DataFrame) -> list[dict]:
    """All gold quotations, a direct fragment inside an indirect one of the same speaker counted once."""
    items = _gold_items(g)
    indirect = [i for i in items if i["kind"] == "indirect"]
    return [i for i in items if not (i["kind"] == "direct" and any(
        _overlap(i["content"], j["content"]) == _spans_len(i["content"]) for j in indirect))]


# --------------------------------------------------------------------------------------
# PolNeAR
# --------------------------------------------------------------------------------------

def _parse_spans(field: str) -> list[tuple[int, int]]:
    out = []
    for part in field.split(";"):
        a, b = part.split()
        out.append((int(a), int(b)))
    return out


def read_ann(path: Path, text: str) -> list[dict]:
    """Attributions of one brat ``.ann`` file: content, source and cue spans, and ``direct``."""
    spans: dict[str, tuple[str, list]] = {}
    rels = []
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split("\t")
        if not _BRAT_ID.match(line):
            continue  # continuation of a span text that contained a line break
        try:
            if parts[0].startswith("T"):
                label, _, locs = parts[1].partition(" ")
                spans[parts[0]] = (label, _parse_spans(locs))
            elif parts[0].startswith("E"):
                rels.append(dict(arg.split(":", 1) for arg in parts[1].split()))
        except (IndexError, ValueError) as exc:
            raise ValueError(f"{path}, line {line_no}: malformed brat line {line!r}") from exc
    out = []
    for rel in rels:
        kind = next(iter(rel))
        if kind not in ("Attribution", "Attribution-no-source") or "Content" not in rel:
            continue
        content = spans[rel["Content"]][1]
        source = spans[rel["Source"]][1] if "Source" in rel and rel["Source"] in spans else []
        cue = spans[rel["Cue"]][1] if "Cue" in rel and rel["Cue"] in spans else []
        out.append({"content": content, "speaker": source, "cue": cue, "direct": is_direct(text, content),
                    "actor": ""})
    return out


def is_direct(text: str, content: list[tuple[int, int]]) -> bool:
    """Whether a gold content is a direct quotation: stripped of trailing punctuation, it opens
    and closes with a quotation mark (``''`` counts as one). A mark the annotator left just
    outside the content counts as its own: PolNeAR's annotators sometimes select the words
    without their marks, or half of a ``''`` pair (``'Yes,'`` inside ``''Yes,''``)."""
    marks = typewriter_marks(text)
    s, e = min(a for a, _ in content), max(b for _, b in content)
    while s > 0 and marks[s - 1] in " '":
        s -= 1
    while e < len(marks) and marks[e] in " '.,;:!?":
        e += 1
    # only an opening mark before and a closing one after: "A" and "B" does not make "and" direct
    lead = marks[s - 1] if s > 0 and (marks[s - 1] in "“«" or (
        marks[s - 1] == '"' and (s < 2 or marks[s - 2].isspace() or marks[s - 2] in "([—–-"))) else ""
    trail = marks[e] if e < len(marks) and (marks[e] in "”»" or (
        marks[e] == '"' and (e + 1 >= len(marks) or not marks[e + 1].isalnum()))) else ""
    ctext = (lead + " ".join(marks[a:b] for a, b in content) + trail).strip(" '")
    ctext = ctext.rstrip(".,;:!?—– '")
    return len(ctext) > 1 and ctext[0] in _QUOTE_CHARS and ctext[-1] in _QUOTE_CHARS


def polnear_dev(root: Path | str | None = None, split: str = "dev") -> list[dict]:
    """One entry per article: ``name``, ``text``, ``annotator``, ``attributions``."""
    folder = devset_dir(NAME, root) / split
    by_article: dict[str, list[Path]] = {}
    for ann in sorted((folder / "attributions").glob("*.ann")):
        name, _, annotator = ann.stem.rpartition("_")
        by_article.setdefault(name, []).append(ann)
    out = []
    for name, files in sorted(by_article.items()):
        tpath = folder / "text" / f"{name}.txt"
        text = tpath.read_bytes().decode("utf-8")
        ann = files[0]
        out.append({"name": name, "text": text, "annotator": ann.stem.rpartition("_")[2],
                    "attributions": read_ann(ann, text)})
    return out


_BASE_QUOTE = re.compile(r"[\"“]([^\"“”\n]{2,}?)[\"”]")
_BASE_CUE = re.compile(r"\b(?:said|says|told|according to|added|stated)\b")
_BASE_NAME = re.compile(r"\b(?:[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*)\b")


def baseline_quotes(text: str) -> pd.DataFrame:
    """A simple baseline: every quoted span is a direct quotation and every sentence with
    said/says/told/according to is an indirect one; the speaker is the capitalised name
    nearest the cue."""
    rows = []
    text = typewriter_marks(text)  # the same marks the extractor reads, offsets unchanged
    for i, m in enumerate(_BASE_QUOTE.finditer(text)):
        rows.append({"quote_id": f"b{i}", "kind": "direct", "start": m.start(1), "end": m.end(1),
                     "attribution": 0, "actor": "", "speaker_start": -1, "speaker_end": -1})
    for j, m in enumerate(re.finditer(r"[^.!?\n]+[.!?]?", text)):
        sent = m.group()
        cue = _BASE_CUE.search(sent)
        if not cue or _BASE_QUOTE.search(sent):
            continue
        names = list(_BASE_NAME.finditer(sent))
        spk = min(names, key=lambda n: abs(n.start() - cue.start())) if names else None
        rows.append({"quote_id": f"s{j}", "kind": "indirect", "start": m.start(), "end": m.end(),
                     "attribution": 0, "actor": "",
                     "speaker_start": m.start() + spk.start() if spk else -1,
                     "speaker_end": m.start() + spk.end() if spk else -1})
    return pd.DataFrame(rows, columns=["quote_id", "kind", "start", "end", "attribution", "actor",
                                       "speaker_start", "speaker_end"])


def score_polnear(articles: list[dict], predictions: dict[str, list[pd.DataFrame]] | None = None
                  ) -> pd.DataFrame:
    """Direct and all attributions, for extract_quotes, extract_attributions (PolNeAR's scope)
    and the baseline, in the same run, on any split (:func:`polnear_dev`).

    Columns as :func:`score_seeds` (PolNeAR has no speaker types, so
    ``speaker_type_right`` is NaN); ``voice_accuracy`` counts every word of the
    article, quoted when it lies in the content of any gold attribution.
    ``predictions`` maps a system name to its tables, one per article in order
    (computed when not given).
    """
    rows = []
    for sys_name, fn in _systems(polnear=True).items():
        preds = predictions[sys_name] if predictions is not None else [fn(a["text"]) for a in articles]
        for label, kinds in (("direct", ("direct",)), ("all", ("direct", "indirect"))):
            tally, right, words = Tally(), 0, 0
            for art, pred in zip(articles, preds):
                gold = [g for g in art["attributions"] if label == "all" or g["direct"]]
                p_items = outermost(group_predictions(pred, kinds))
                tally.add(art["text"], gold, [{**p, "actor": ""} for p in p_items])
                if label == "all":
                    r, n = voice_tally(art["text"], [c for g in gold for c in g["content"]],
                                       [c for p in p_items for c in p["content"]])
                    right, words = right + r, words + n
            row = tally.row(system=sys_name, quotes=label, articles=len(articles))
            row["voice_accuracy"] = _rate(right, words) if label == "all" else float("nan")
            rows.append(row)
    return pd.DataFrame(rows)


def whole_labels(attributions: list[dict], spans: Iterable[tuple[int, int]]) -> list[int | None]:
    """For each predicted direct quotation ``(start, end)``, whether PolNeAR's gold reads it as a
    whole direct quotation (1) or as part of a mixed report (0): the label of the gold attribution
    that covers most of it, when one covers at least half; None when none does (no gold to learn
    from: a headline, a caption, an unannotated quotation). For fitting
    :mod:`analysis.measures.quotes.fragments` on train."""
    out = []
    for s, e in spans:
        best, most = None, 0
        for g in attributions:
            ov = _overlap(g["content"], [(s, e)])
            if ov > most and 2 * ov >= e - s:
                best, most = g, ov
        out.append(None if best is None else int(best["direct"]))
    return out


# --------------------------------------------------------------------------------------
# error listing (PolNeAR train: where the rules are written)
# --------------------------------------------------------------------------------------

ERROR_COLUMNS = ["article", "error", "cause", "start", "end", "typewriter"]


def direct_errors(articles: list[dict], predictions: list[pd.DataFrame]) -> pd.DataFrame:
    """Every missed, spurious and inexact direct quotation of one system, with its cause.

    One row per error (:data:`ERROR_COLUMNS`): ``error`` is ``missed`` (a gold direct
    quotation no prediction covers by half), ``spurious`` (a predicted one matching no gold
    direct quotation) or ``inexact`` (matched, other extent); ``cause`` is read from what lies
    around it — for a missed one, the rows that overlap it (``fragment``: flagged a fragment;
    ``mixed``: its attribution has an indirect report too; ``grouping``: our rows group it with
    other quotations or split it; ``unread``: no row, ``short``/``title`` when it is one;
    ``indirect``: read as reported speech only), for a spurious one the gold around it
    (``gold lead-in`` / ``gold tail`` / ``gold both``: the gold attribution has words outside the
    marks, before or after; ``grouping``: a gold direct quotation overlaps it;
    ``no gold``: no gold attribution at all — headlines, captions, unattributed quotations).
    ``typewriter`` marks quotations in ``''…''``. Offsets index the article's text.
    """
    rows = []
    for art, pred in zip(articles, predictions):
        text = art["text"]
        gold = [g for g in art["attributions"] if g["direct"]]
        items = outermost(group_predictions(pred, ("direct",)))
        pairs = match(gold, items)
        matched_g, matched_p = {g for g, _ in pairs}, {p for _, p in pairs}
        for gi, pi in pairs:
            if extent(text, gold[gi]["content"]) != extent(text, items[pi]["content"]):
                rows.append(_error_row(art, "inexact", "boundary", gold[gi]["content"]))
        for gi, g in enumerate(gold):
            if gi not in matched_g:
                rows.append(_error_row(art, "missed", _missed_cause(text, g, pred, items), g["content"]))
        for pi, p in enumerate(items):
            if pi not in matched_p:
                rows.append(_error_row(art, "spurious", _spurious_cause(text, p, art["attributions"]),
                                       p["content"]))
    return pd.DataFrame(rows, columns=ERROR_COLUMNS)


def _error_row(art: dict, error: str, cause: str, spans) -> dict:
    s, e = min(a for a, _ in spans), max(b for _, b in spans)
    return {"article": art["name"], "error": error, "cause": cause, "start": s, "end": e,
            "typewriter": "''" in art["text"][max(0, s - 3):e + 3]}


def _missed_cause(text: str, g: dict, pred: pd.DataFrame, items: list[dict]) -> str:
    rows = [r for r in pred.itertuples(index=False) if _overlap(g["content"], [(r.start, r.end)])]
    if not rows:
        s, e = extent(text, g["content"])
        words = text[s:e]
        return "unread: short" if len(words.split()) <= SCARE_WORDS else (
            "unread: title" if is_title(typewriter_marks(words)) else "unread")
    if all(r.kind == "indirect" for r in rows):
        return "indirect"
    atts = {r.attribution for r in rows if r.attribution}
    group = pred[pred["attribution"].isin(atts)] if atts else pred.iloc[0:0]
    if (group["kind"] == "indirect").any() or any(r.kind == "indirect" for r in rows):
        return "mixed"
    if any(r.kind == "direct" and bool(r.fragment) for r in rows):
        return "fragment"
    return "grouping"


#: Quoted spans of at most this many words that nobody is reported to say are read as scare
#: quotes (:data:`analysis.quotes.SCARE_MAX_WORDS`).
SCARE_WORDS = q.SCARE_MAX_WORDS


def _spurious_cause(text: str, p: dict, gold: list[dict]) -> str:
    around = [g for g in gold if _overlap(g["content"], p["content"])]
    if not around:
        return "no gold"
    if any(g["direct"] for g in around):
        return "grouping"
    g = max(around, key=lambda g: _overlap(g["content"], p["content"]))
    ps, pe = extent(text, p["content"])
    gs, ge = extent(text, g["content"])
    before, after = re.search(r"\w", text[gs:ps]) is not None, re.search(r"\w", text[pe:ge]) is not None
    return {(True, False): "gold lead-in", (False, True): "gold tail", (True, True): "gold both"}.get(
        (before, after), "gold marks")
