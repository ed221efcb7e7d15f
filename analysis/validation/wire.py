"""Wire copy checked on BASIL's development part: are there agency credits, and are the passages shared
between outlets passages of one event?

BASIL (Fan et al. 2019) has 70 events, each reported by Fox News, The New York
Times and HuffPost. It has no labels of wire copy, so the checks are of two
kinds: (1) the credits :func:`analysis.measures.wire.credits.find_credits`
finds, by outlet and kind (each can be read in its context); (2) passages
shared between articles of different outlets should lie within one event
(``same_event_share``; a pair of different events sharing a passage is an
error or boilerplate), and the MinHash/LSH candidate step should find every
pair that comparing all pairs finds (``lsh_recall``; nothing it finds is
missing there, as every candidate is checked exactly).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.measures.wire import reuse
from analysis.measures.wire.credits import find_credits


def basil_credits(corpus: pd.DataFrame) -> pd.DataFrame:
    """Every credit in the corpus texts, with ``article_id`` and ``outlet`` first."""
    parts = [find_credits(t).assign(article_id=a, outlet=o)
             for a, o, t in zip(corpus["article_id"], corpus["outlet"], corpus["text"])]
    out = pd.concat(parts, ignore_index=True)
    return out[["article_id", "outlet", *[c for c in out.columns if c not in ("article_id", "outlet")]]]


def credit_counts(credits: pd.DataFrame) -> pd.DataFrame:
    """Credits by ``outlet``, ``agency`` and ``kind``: ``credits`` (how many) and ``articles`` (in how
    many articles). The aggregate a study can commit: the rows of :func:`basil_credits` carry article
    ids and the articles' own words, which stay with the external data."""
    if credits.empty:
        return pd.DataFrame(columns=["outlet", "agency", "kind", "credits", "articles"])
    return (credits.groupby(["outlet", "agency", "kind"], sort=True)
            .agg(credits=("kind", "size"), articles=("article_id", "nunique")).reset_index())


def basil_passages(corpus: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(passages, summary)``: the shared passages (with both articles' ids and events) and one row of
    ``pairs``, ``same_event``, ``same_event_share``, ``exact_pairs``, ``lsh_recall``, ``articles``, ``events``."""
    texts, outlets = corpus["text"].tolist(), corpus["outlet"].tolist()
    p = reuse.shared_passages(texts, outlets)
    ids, ev = corpus["article_id"].to_numpy(), corpus["event"].to_numpy()
    p = p.assign(article_id=ids[p["doc"].to_numpy(int)], other_id=ids[p["other"].to_numpy(int)],
                 same_event=ev[p["doc"].to_numpy(int)] == ev[p["other"].to_numpy(int)])
    pairs = {tuple(sorted((int(a), int(b)))) for a, b in zip(p["doc"], p["other"])}
    exact = reuse.exact_pairs(texts, outlets)
    same = sum(ev[a] == ev[b] for a, b in pairs)
    summary = pd.DataFrame([{"pairs": len(pairs), "same_event": int(same),
                             "same_event_share": same / len(pairs) if pairs else float("nan"),
                             "exact_pairs": len(exact),
                             "lsh_recall": len(pairs & exact) / len(exact) if exact else float("nan"),
                             "articles": len(corpus), "events": corpus["event"].nunique()}])
    return p, summary


def evaluate(root: Path | str | None = None) -> dict[str, pd.DataFrame]:
    """``{"credits", "credit_counts", "passages", "summary"}`` on BASIL dev (raises DevSetMissing when it
    is absent). ``credits`` and ``passages`` hold article ids and text: read them, do not save them."""
    from analysis.validation.events import basil_corpus

    corpus = basil_corpus(root)
    passages, summary = basil_passages(corpus)
    credits = basil_credits(corpus)
    return {"credits": credits, "credit_counts": credit_counts(credits), "passages": passages, "summary": summary}
