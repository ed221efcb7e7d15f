"""Outlets compared on the same events: event-paired rates and differences with event-bootstrap intervals.

When every outlet compared reports the same events, an outlet difference can be
estimated within events: each event contributes one article (or a few) per
outlet, and the uncertainty comes from which events happened to be covered.
The unit resampled is therefore the **event** (a cluster bootstrap: Field &
Welsh 2007, *Bootstrapping clustered data*, J. R. Stat. Soc. B 69(3); the
percentile interval of Efron & Tibshirani 1993, ch. 13). One resample draws
the events with replacement and recomputes every outlet's rate from the same
events, so a difference between two outlets is a paired difference: the
events' own difficulty (a story full of quotations, a technical topic) cancels.

How to read the values: :func:`paired_rates` gives, per outlet and measure, the
rate pooled over the outlet's articles in the complete events (Σ numerator /
Σ denominator × scale), its 95% interval, and ``n_events``;
:func:`paired_differences` gives, per measure and pair of outlets, ``a − b``,
its interval (an interval excluding 0 is a difference the events support), and
``events_a_higher`` — the share of events in which ``a``'s own rate is higher
(ties and events where either rate is undefined are left out of it).

Only events covered by every outlet compared are used (:func:`complete_events`),
so each outlet is measured on the same events.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.stats import CI, N_BOOT, SEED

#: A measure: (numerator column, denominator column, scale). The rate is scale · Σnum / Σden.
Measure = tuple[str, str, float]


def article_table(tables: Mapping[str, pd.DataFrame], corpus: pd.DataFrame, event: str = "event",
                  sentiment_voice: str = "own") -> pd.DataFrame:
    """One row per measured article: its ``event`` (from ``corpus``) and its per-article sums.

    ``tables`` are the engine's tables (:func:`analysis.engine.measure_corpus`).
    Columns: ``article_id``, ``outlet``, ``event``, ``articles`` (1), every
    word and cue count of the ``voice`` table summed over the article's
    sentences (``words``, ``own_words``, ``quoted_words``, ``quoted_<type>``,
    ``hedges_own`` …), ``sentences``, and the columns of the ``readability``
    table (its readability formulas; a name the voice table has too gets the
    prefix ``readability_``); and, when ``tables`` has ``sentiment``, for every
    actor with a mention in ``sentiment_voice`` (own voice by default):
    ``sentiment_<actor>`` (the sum over the article's sentences of each
    sentence's mean score toward the actor) and ``sentiment_<actor>_n`` (those
    sentences), so that their ratio is the mean sentence score, as in
    :func:`analysis.measures.actor_sentiment.sentiment_summary`. Articles whose
    measures failed are left out (the engine's ``articles`` table says which).
    """
    if event not in corpus.columns:
        raise ValueError(f"the corpus has no {event!r} column (which event each article reports)")
    arts = tables["articles"]
    arts = arts.loc[arts["status"] == "ok", ["article_id", "outlet"]]
    voice = tables["voice"]
    counts = [c for c in voice.columns if c not in ("article_id", "outlet", "sentence", "start", "end")]
    sums = voice.groupby("article_id")[counts].sum()
    sums["sentences"] = voice.groupby("article_id").size()
    out = arts.merge(corpus[["article_id", event]].rename(columns={event: "event"}), on="article_id", how="left")
    if out["event"].isna().any():
        missing = out.loc[out["event"].isna(), "article_id"].head(3).tolist()
        raise ValueError(f"articles with no {event!r} in the corpus: {missing}")
    out = out.merge(sums, left_on="article_id", right_index=True, how="left")
    out[counts + ["sentences"]] = out[counts + ["sentences"]].fillna(0).astype(int)
    rd = tables["readability"].drop(columns=["outlet"], errors="ignore")
    # the readability table's own counts (its ``words``) keep a prefix; the voice table's words are the body's
    rd = rd.rename(columns={c: f"readability_{c}" for c in rd.columns if c in out.columns and c != "article_id"})
    out = out.merge(rd, on="article_id", how="left")
    if "sentiment" in tables and len(tables["sentiment"]):
        out = out.merge(sentiment_columns(tables["sentiment"], sentiment_voice), left_on="article_id",
                        right_index=True, how="left")
        scols = [c for c in out.columns if c.startswith("sentiment_")]
        out[scols] = out[scols].fillna(0)
    return out.assign(articles=1).reset_index(drop=True)


def complete_events(articles: pd.DataFrame, outlets: Sequence[str] | None = None) -> list:
    """The events with at least one article of every outlet in ``outlets`` (default: every outlet)."""
    outlets = sorted(articles["outlet"].unique()) if outlets is None else list(outlets)
    have = articles[articles["outlet"].isin(outlets)].groupby("event")["outlet"].nunique()
    return sorted(have.index[have == len(outlets)])


def _cube(articles: pd.DataFrame, measures: Mapping[str, Measure], outlets: Sequence[str]):
    """Σnum and Σden per event × outlet × measure, over the complete events."""
    events = complete_events(articles, outlets)
    sub = articles[articles["event"].isin(events) & articles["outlet"].isin(outlets)]
    cols = sorted({c for num, den, _ in measures.values() for c in (num, den)})
    missing = [c for c in cols if c not in sub.columns]
    if missing:
        raise ValueError(f"columns not in the article table: {missing}")
    g = sub.groupby(["event", "outlet"])[cols].sum()
    g = g.reindex(pd.MultiIndex.from_product([events, list(outlets)]), fill_value=0)
    arr = g.to_numpy(float).reshape(len(events), len(outlets), len(cols))
    pos = {c: i for i, c in enumerate(cols)}
    num = np.stack([arr[:, :, pos[m[0]]] for m in measures.values()], axis=2)
    den = np.stack([arr[:, :, pos[m[1]]] for m in measures.values()], axis=2)
    scale = np.array([m[2] for m in measures.values()], dtype=float)
    return events, num, den, scale


def _ratio(num: np.ndarray, den: np.ndarray, scale: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, scale * num / np.where(den > 0, den, 1), np.nan)


def _bootstrap(num, den, scale, n_boot: int, seed: int) -> np.ndarray:
    """Pooled rates for ``n_boot`` resamples of the events: (n_boot, outlets, measures)."""
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, num.shape[0], size=(n_boot, num.shape[0]))
    return _ratio(num[idx].sum(axis=1), den[idx].sum(axis=1), scale)


def _interval(stats: np.ndarray, ci: float) -> tuple[np.ndarray, np.ndarray]:
    with warnings.catch_warnings():  # a measure undefined in every resample: NaN, said so by the value
        warnings.simplefilter("ignore", RuntimeWarning)
        lo, hi = np.nanquantile(stats, [(1 - ci) / 2, 1 - (1 - ci) / 2], axis=0)
    return lo, hi


def _prepared(articles, measures, outlets):
    outlets = sorted(articles["outlet"].unique()) if outlets is None else list(outlets)
    events, num, den, scale = _cube(articles, measures, outlets)
    if not events:
        raise ValueError(f"no event is covered by every outlet of {outlets}")
    return outlets, events, num, den, scale, _ratio(num.sum(axis=0), den.sum(axis=0), scale)


def paired_rates(articles: pd.DataFrame, measures: Mapping[str, Measure], outlets: Sequence[str] | None = None,
                 n_boot: int = N_BOOT, seed: int = SEED, ci: float = CI) -> pd.DataFrame:
    """Each outlet's rate on the complete events, with its event-bootstrap interval.

    ``articles`` is :func:`article_table` output (or any table with ``event``,
    ``outlet`` and the measures' columns); ``measures`` maps a name to
    ``(numerator, denominator, scale)``. One row per measure × outlet:
    ``measure``, ``outlet``, ``value``, ``ci_low``, ``ci_high``, ``n_events``,
    ``n_articles``, ``denominator`` (Σ of the denominator column).
    """
    outlets, events, num, den, scale, value = _prepared(articles, measures, outlets)
    lo, hi = _interval(_bootstrap(num, den, scale, n_boot, seed), ci)
    n_art = articles[articles["event"].isin(events)].groupby("outlet").size()
    rows = [{"measure": m, "outlet": o, "value": value[j, k], "ci_low": lo[j, k], "ci_high": hi[j, k],
             "n_events": len(events), "n_articles": int(n_art.get(o, 0)), "denominator": den[:, j, k].sum()}
            for k, m in enumerate(measures) for j, o in enumerate(outlets)]
    return pd.DataFrame(rows)


def paired_differences(articles: pd.DataFrame, measures: Mapping[str, Measure],
                       outlets: Sequence[str] | None = None, n_boot: int = N_BOOT, seed: int = SEED,
                       ci: float = CI) -> pd.DataFrame:
    """Every pair of outlets' difference on the complete events, with its paired event-bootstrap interval.

    One row per measure × pair (``outlet_a`` before ``outlet_b`` in ``outlets``
    order): ``difference`` (a − b of the pooled rates), ``ci_low``,
    ``ci_high``, ``events_a_higher`` (share of events where a's own rate is
    higher), ``n_events`` (complete events) and ``n_compared`` (events where
    both rates are defined and differ).
    """
    outlets, events, num, den, scale, value = _prepared(articles, measures, outlets)
    boot = _bootstrap(num, den, scale, n_boot, seed)
    per_event = _ratio(num, den, scale)
    rows = []
    for k, m in enumerate(measures):
        for a in range(len(outlets)):
            for b in range(a + 1, len(outlets)):
                lo, hi = _interval(boot[:, a, k] - boot[:, b, k], ci)
                ea, eb = per_event[:, a, k], per_event[:, b, k]
                ok = np.isfinite(ea) & np.isfinite(eb) & (ea != eb)
                rows.append({"measure": m, "outlet_a": outlets[a], "outlet_b": outlets[b],
                             "difference": value[a, k] - value[b, k], "ci_low": float(lo), "ci_high": float(hi),
                             "events_a_higher": float((ea[ok] > eb[ok]).mean()) if ok.any() else np.nan,
                             "n_events": len(events), "n_compared": int(ok.sum())})
    return pd.DataFrame(rows)


def sentiment_columns(sentiment: pd.DataFrame, voice: str = "own") -> pd.DataFrame:
    """Per article and actor: Σ of sentence mean scores (``sentiment_<actor>``) and sentences (``…_n``)."""
    s = sentiment[sentiment["voice"] == voice]
    per_sentence = s.groupby(["article_id", "actor", "sentence"])["score"].mean().reset_index()
    g = per_sentence.groupby(["article_id", "actor"])["score"].agg(["sum", "size"]).unstack("actor", fill_value=0)
    out = pd.DataFrame(index=g.index)
    for actor in sorted(per_sentence["actor"].unique()):
        out[f"sentiment_{actor}"] = g[("sum", actor)]
        out[f"sentiment_{actor}_n"] = g[("size", actor)]
    return out


def main_actors(mentions: pd.DataFrame, corpus: pd.DataFrame, min_events: int, event: str = "event",
                own_voice: bool = True) -> list[str]:
    """Actors every outlet mentions (in its own voice, by default) in at least ``min_events`` complete events.

    ``mentions`` is the engine's ``mentions`` table; ``corpus`` gives each
    article's ``event``. These are the actors toward which a paired comparison
    of sentiment rests on at least that many events. Sorted by mentions, most first.
    """
    m = mentions[mentions["in_quote"] == "no"] if own_voice else mentions
    m = m.drop(columns=["outlet"], errors="ignore").merge(
        corpus[["article_id", "outlet", event]].rename(columns={event: "event"}), on="article_id")
    outlets = sorted(corpus["outlet"].unique())
    events = complete_events(corpus.rename(columns={event: "event"})[["event", "outlet"]], outlets)
    m = m[m["event"].isin(events)]
    per = m.groupby(["actor", "event"])["outlet"].nunique()
    enough = (per == len(outlets)).groupby("actor").sum()
    keep = set(enough.index[enough >= min_events])
    counts = m[m["actor"].isin(keep)]["actor"].value_counts()
    return sorted(keep, key=lambda a: (-counts[a], a))


def _forest(table: pd.DataFrame, rows: list, names: list[str], value: str, color: str,
            labels: Mapping[str, str] | None, title: str, zero: bool, key):
    """One panel per measure; in each, a point and its interval for every row key (``key(table)``)."""
    import matplotlib.pyplot as plt

    measures = list(dict.fromkeys(table["measure"]))
    cols = min(4, len(measures))
    nrows = -(-len(measures) // cols)
    fig, axes = plt.subplots(nrows, cols, figsize=(3.6 * cols, (0.5 * len(rows) + 1.4) * nrows),
                             sharey=True, squeeze=False)
    y = np.arange(len(rows))[::-1]
    for ax, m in zip(axes.ravel(), measures):
        t = key(table[table["measure"] == m]).reindex(rows)
        if zero:
            ax.axvline(0, color="#999999", lw=0.8)
        ax.errorbar(t[value], y, xerr=[t[value] - t["ci_low"], t["ci_high"] - t[value]],
                    fmt="o", color=color, capsize=3)
        ax.set_yticks(y, names)
        ax.set_title((labels or {}).get(m, m), fontsize=9)
        ax.margins(x=0.25)
    for ax in axes.ravel()[len(measures):]:
        ax.set_visible(False)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def plot_rates(rates: pd.DataFrame, labels: Mapping[str, str] | None = None, title: str = ""):
    """Small multiples of :func:`paired_rates`: one panel per measure, outlets as rows, with intervals."""
    outlets = sorted(rates["outlet"].unique())
    return _forest(rates, outlets, outlets, "value", "#4c72b0", labels, title, False,
                   lambda t: t.set_index("outlet"))


def plot_differences(differences: pd.DataFrame, labels: Mapping[str, str] | None = None, title: str = ""):
    """:func:`paired_differences` as one panel per measure: each pair's a − b with its interval; 0 marked."""
    pairs = list(dict.fromkeys(zip(differences["outlet_a"], differences["outlet_b"])))
    return _forest(differences, pairs, [f"{a} − {b}" for a, b in pairs], "difference", "#dd8452", labels,
                   title, True, lambda t: t.set_index(["outlet_a", "outlet_b"]))
