"""The outlet profile: every measure of the study for each outlet, in one tidy table.

:func:`measure_tables` runs each measure once over a corpus (boilerplate,
quotations, actor mentions, target sentiment, hedges, readability) and keeps
its tables, offsets included; :func:`outlet_profile` condenses them to one row
per outlet × feature × detail. Framing here follows Entman (1993, *Framing:
Toward Clarification of a Fractured Paradigm*, J. Communication 43(4)):
selection (length, which facts and sources), salience (whose words get space),
and evaluation (labels, sentiment, hedging).

How to read a row of the profile
--------------------------------
``feature`` / ``detail``
    what is measured, e.g. ``quoted_share`` / ``official`` (share of body words
    inside quotations attributed to officials), ``sentiment`` / ``assad · own``
    (mean sentiment toward Assad in the outlet's own voice),
    ``label_share`` / ``syria · regime``.
``value``, ``unit``
    the figure and what it counts (``share``, ``per 1,000 words``, ``count``,
    ``score −1…1``, ``words``, ``formula``).
``n``, ``n_of``
    how many units it rests on and what they are (``articles``, ``sentences``,
    ``mentions``, ``quotations``, ``words``). Always read the value with its n.
``ci_low``, ``ci_high``
    a 95% percentile bootstrap interval over sentences (:mod:`analysis.stats`)
    for every rate computed over sentences; NaN for counts and formulas.

Words are counted with one tokenizer throughout (letters or digits runs, the
hedging module's), so a quoted share here may differ in the third decimal from
the speaker ledger, which splits on whitespace. With several articles per
outlet the sentences are pooled; the interval then ignores that sentences of
one article resemble each other (a cluster bootstrap over articles would be
the stricter choice when outlets have many articles).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.stats import bootstrap_ratio_ci

PROFILE_COLUMNS = ["outlet", "feature", "detail", "value", "unit", "n", "n_of", "ci_low", "ci_high"]
#: Readability formulas carried into the profile (see :mod:`analysis.readability`).
READABILITY = ("flesch_reading_ease", "flesch_kincaid_grade", "gunning_fog", "dale_chall")


def measure_tables(corpus: pd.DataFrame, sentiment: bool = True, nlp=None) -> dict[str, pd.DataFrame]:
    """Every measure's table for ``corpus`` (:func:`analysis.corpus.load_corpus` output).

    Keys: ``segments`` (boilerplate lines), ``bodies`` (article_id, outlet, body),
    ``quotes``, ``scare``, ``mentions``, ``sentences`` (body sentences with
    offsets), ``hedges``, ``readability`` and — unless ``sentiment=False`` —
    ``sentiment`` (one row per main-actor mention, :mod:`analysis.actor_sentiment`).
    Offsets in every table index the raw article text. The tables are exactly
    those the numbered notebooks compute, so the profile agrees with them.
    """
    from analysis import actors, boilerplate, hedging, readability, sentences
    from analysis import quotes as quotes_mod

    segments = boilerplate.segment_corpus(corpus)
    bodies = boilerplate.corpus_bodies(corpus, segments)
    quotes, scare, _ = quotes_mod.corpus_quotes(corpus, segments)
    mentions = actors.corpus_mentions(corpus, nlp=nlp, segments=segments)
    sents = []
    for aid, outlet, body in bodies.itertuples(index=False, name=None):
        s = sentences.sentences(body, nlp)
        s.insert(0, "outlet", outlet)
        s.insert(0, "article_id", aid)
        sents.append(s)
    tables = {
        "segments": segments, "bodies": bodies, "quotes": quotes, "scare": scare, "mentions": mentions,
        "sentences": pd.concat(sents, ignore_index=True),
        # the quotations found above, so hedges are not re-parsed for their voice
        "hedges": hedging.corpus_cues(corpus, segments, nlp=nlp, quotes={
            aid: quotes[quotes["article_id"] == aid] for aid in bodies["article_id"]}),
        "readability": readability.article_readability(corpus, segments, nlp=nlp),
    }
    if sentiment:
        from analysis import actor_sentiment

        texts = dict(zip(corpus["article_id"], corpus["text"]))
        tables["sentiment"] = actor_sentiment.mention_sentiment(mentions, texts, actors=actors.MAIN_ACTORS)
    return tables


def sentence_units(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Per body sentence: its words, split by who speaks them, and its hedges and boosters.

    One row per sentence (``article_id``, ``outlet``, ``sentence``, ``start``,
    ``end``) with ``words``, ``own_words`` (outside every quotation),
    ``quoted_words``, ``direct_words``, ``indirect_words``, ``quoted_<speaker
    type>`` word counts, and ``hedges_own``, ``hedges_quoted``,
    ``boosters_own``, ``boosters_quoted`` (cues by the voice they sit in). The
    unit every bootstrap interval of the profile resamples.
    """
    from analysis.hedging import HEDGE_CATEGORIES, _words

    bodies = dict(zip(tables["bodies"]["article_id"], tables["bodies"]["body"]))
    quotes, cues = tables["quotes"], tables["hedges"]
    types = sorted(t for t in quotes["speaker_type"].fillna("").unique() if t) if len(quotes) else []
    parts = []
    for aid, sents in tables["sentences"].groupby("article_id", sort=False):
        text = bodies[aid]
        pos = np.array([s for s, _ in _words(text)], dtype=int)
        starts = sents["start"].to_numpy()
        which = np.searchsorted(starts, pos, side="right") - 1
        inside = (which >= 0) & (pos < sents["end"].to_numpy()[np.clip(which, 0, None)])
        which, pos = which[inside], pos[inside]
        out = sents[["article_id", "outlet", "sentence", "start", "end"]].reset_index(drop=True)
        out["words"] = np.bincount(which, minlength=len(out))
        q = quotes[quotes["article_id"] == aid]
        # each word goes to the first quotation covering it (direct before indirect, then position)
        q = q.assign(_rank=(q["kind"] != "direct").astype(int)).sort_values(["_rank", "start"])
        owner = np.full(len(pos), -1)
        for k, (s, e) in enumerate(zip(q["start"], q["end"])):
            owner[(owner < 0) & (pos >= s) & (pos < e)] = k
        kinds = q["kind"].to_numpy()
        stypes = q["speaker_type"].fillna("").to_numpy()
        quoted = owner >= 0
        out["own_words"] = np.bincount(which[~quoted], minlength=len(out))
        out["quoted_words"] = np.bincount(which[quoted], minlength=len(out))
        for kind in ("direct", "indirect"):
            hit = quoted & (kinds[np.clip(owner, 0, None)] == kind) if len(q) else quoted
            out[f"{kind}_words"] = np.bincount(which[hit], minlength=len(out))
        for t in types:
            hit = quoted & (stypes[np.clip(owner, 0, None)] == t) if len(q) else quoted
            out[f"quoted_{t}"] = np.bincount(which[hit], minlength=len(out))
        c = cues[cues["article_id"] == aid]
        cpos = c["start"].to_numpy()
        cwhich = np.searchsorted(starts, cpos, side="right") - 1
        ok = cwhich >= 0
        for group, cats in (("hedges", HEDGE_CATEGORIES), ("boosters", ("booster",))):
            for voice, in_voice in (("own", c["in_quote"] == "no"), ("quoted", c["in_quote"] != "no")):
                sel = ok & c["category"].isin(cats).to_numpy() & in_voice.to_numpy()
                out[f"{group}_{voice}"] = np.bincount(cwhich[sel], minlength=len(out))
        parts.append(out)
    units = pd.concat(parts, ignore_index=True)
    return units.fillna(0)


def _row(outlet, feature, detail, value, unit, n, n_of, ci=(np.nan, np.nan)) -> dict:
    return {"outlet": outlet, "feature": feature, "detail": detail,
            "value": float(value) if value is not None else np.nan, "unit": unit, "n": int(n),
            "n_of": n_of, "ci_low": ci[0], "ci_high": ci[1]}


def _ratio(num: np.ndarray, den: np.ndarray, scale: float = 1.0):
    total = den.sum()
    value = scale * num.sum() / total if total else np.nan
    return value, bootstrap_ratio_ci(num, den, scale=scale)


def outlet_profile(corpus: pd.DataFrame, tables: dict[str, pd.DataFrame] | None = None,
                   actors: Sequence[str] | None = None) -> pd.DataFrame:
    """One tidy table: outlet × feature × detail with value, unit, n and bootstrap interval.

    ``tables`` is :func:`measure_tables` output (computed when absent);
    ``actors`` the actors whose labels and sentiment are profiled (default:
    :data:`analysis.actors.MAIN_ACTORS`). Every outlet of ``corpus`` appears,
    also one whose article has no quotations or mentions (its counts are 0).
    Features: ``articles``, ``body_words``, ``sentences``, ``boilerplate_ratio``
    (mean over articles), ``quotations`` (all/direct/indirect), ``quoted_share``
    (by kind and speaker type), ``distinct_sources``, ``anonymous_share``,
    ``scare_quotes``, ``label_share`` (actor · label), ``sentiment`` (actor ·
    voice), ``hedges_per_1000`` and ``boosters_per_1000`` (by voice), and the
    readability formulas of :data:`READABILITY`.
    """
    from analysis import actors as actors_mod
    from analysis import boilerplate

    tables = tables if tables is not None else measure_tables(corpus)
    actors = tuple(actors or actors_mod.MAIN_ACTORS)
    units = sentence_units(tables)
    quotes, mentions = tables["quotes"], tables["mentions"]
    ratio = {aid: boilerplate.boilerplate_ratio(seg.drop(columns=["article_id", "outlet"]))
             for aid, seg in tables["segments"].groupby("article_id", sort=False)}
    labels = actors_mod.label_table(corpus, mentions=mentions, actors=actors)
    rows = []
    for outlet, arts in corpus.groupby("outlet", sort=True):
        ids = set(arts["article_id"])
        u = units[units["article_id"].isin(ids)]
        q = quotes[quotes["article_id"].isin(ids)]
        words = u["words"].to_numpy(float)
        add = rows.append
        add(_row(outlet, "articles", "", len(ids), "count", len(ids), "articles"))
        add(_row(outlet, "body_words", "", words.sum(), "words", len(ids), "articles"))
        add(_row(outlet, "sentences", "", len(u), "count", len(ids), "articles"))
        add(_row(outlet, "boilerplate_ratio", "", np.mean([ratio[a] for a in ids if a in ratio]),
                 "share of non-space characters", len(ids), "articles"))
        add(_row(outlet, "quotations", "all", len(q), "count", len(ids), "articles"))
        for kind in ("direct", "indirect"):
            add(_row(outlet, "quotations", kind, (q["kind"] == kind).sum(), "count", len(ids), "articles"))
        share_cols = [("all", "quoted_words"), ("direct", "direct_words"), ("indirect", "indirect_words")]
        share_cols += [(c.removeprefix("quoted_"), c) for c in units.columns
                       if c.startswith("quoted_") and c != "quoted_words"]
        for detail, col in share_cols:
            value, ci = _ratio(u[col].to_numpy(float), words)
            add(_row(outlet, "quoted_share", detail, value, "share of body words", len(u), "sentences", ci))
        named = q.loc[q["actor"].fillna("") != "", "actor"]
        add(_row(outlet, "distinct_sources", "", named.nunique(), "count", len(q), "quotations"))
        anon = (q["speaker_type"] == "anonymous").sum()
        add(_row(outlet, "anonymous_share", "", anon / len(q) if len(q) else np.nan,
                 "share of quotations", len(q), "quotations"))
        sc = tables["scare"]
        add(_row(outlet, "scare_quotes", "", sc["article_id"].isin(ids).sum(), "count", len(ids), "articles"))
        for r in labels[labels["outlet"] == outlet].itertuples(index=False):
            add(_row(outlet, "label_share", f"{r.actor} · {r.label}", r.share, "share of mentions",
                     r.n, "mentions"))
        if "sentiment" in tables:
            from analysis.actor_sentiment import sentiment_summary

            s = tables["sentiment"]
            s = s[s["article_id"].isin(ids) & s["actor"].isin(actors)]
            if len(s):
                for r in sentiment_summary(s, by=("actor", "voice")).itertuples(index=False):
                    add(_row(outlet, "sentiment", f"{r.actor} · {r.voice}", r.mean_score, "score −1…1",
                             r.n_sentences, "sentences", (r.ci_low, r.ci_high)))
        for group in ("hedges", "boosters"):
            for voice in ("own", "quoted"):
                value, ci = _ratio(u[f"{group}_{voice}"].to_numpy(float),
                                   u[f"{voice}_words"].to_numpy(float), scale=1000)
                add(_row(outlet, f"{group}_per_1000", voice, value, "per 1,000 words", len(u),
                         "sentences", ci))
        rd = tables["readability"]
        rd = rd[rd["article_id"].isin(ids)]
        for formula in READABILITY:
            # pooled like analysis.readability.outlet_readability when an outlet has one article;
            # with several, the sentence-weighted mean of the article scores
            w = rd["sentences_spacy"].to_numpy(float)
            v = rd[formula].to_numpy(float)
            value = float(np.average(v, weights=w)) if w.sum() else np.nan
            add(_row(outlet, "readability", formula, value, "formula", int(w.sum()), "sentences"))
    out = pd.DataFrame(rows, columns=PROFILE_COLUMNS)
    out["value"] = out["value"].round(4)
    out[["ci_low", "ci_high"]] = out[["ci_low", "ci_high"]].astype(float).round(4)
    return out


def _get(profile: pd.DataFrame, feature: str, detail: str = "") -> pd.DataFrame:
    return profile[(profile["feature"] == feature) & (profile["detail"] == detail)].set_index("outlet")


def plot_profile(profile: pd.DataFrame, outlet_note: dict[str, str] | None = None,
                 sentiment_actors: Sequence[str] = ("assad", "putin", "russia")):
    """Small multiples of :func:`outlet_profile`: one panel per feature, outlets as rows.

    ``outlet_note`` adds a note to an outlet's row label (e.g. which event its
    article reports, so cross-event rows are labelled as such). Rates over
    sentences are drawn with their bootstrap intervals; every panel title says
    what n it rests on. Returns the matplotlib figure.
    """
    import matplotlib.pyplot as plt

    outlets = sorted(profile["outlet"].unique(), reverse=True)
    names = [o + (f"\n({outlet_note[o]})" if outlet_note and o in outlet_note else "") for o in outlets]
    y = np.arange(len(outlets))
    fig, axes = plt.subplots(2, 4, figsize=(15, 6.8), sharey=True)
    axes = axes.ravel()

    def bars(ax, feature, detail, title, fmt="{:.0f}"):
        t = _get(profile, feature, detail).reindex(outlets)
        ax.barh(y, t["value"], color="#4c72b0")
        for yy, v in zip(y, t["value"]):
            ax.text(v, yy, " " + fmt.format(v), va="center", fontsize=7)
        ax.set_title(title, fontsize=9)

    def points(ax, rows, title, colors, xlabel):
        for k, (label, t) in enumerate(rows):
            t = t.reindex(outlets)
            off = (k - (len(rows) - 1) / 2) * 0.22
            ax.errorbar(t["value"], y + off, xerr=[(t["value"] - t["ci_low"]).clip(lower=0),
                                                   (t["ci_high"] - t["value"]).clip(lower=0)],
                        fmt="o", ms=4, color=colors[k], label=label, capsize=2, lw=1)
        ax.set_title(title, fontsize=9)
        ax.set_xlabel(xlabel, fontsize=8)
        ax.legend(fontsize=7, loc="best")

    bars(axes[0], "body_words", "", "Body length (words; 1 article each)")
    bars(axes[1], "boilerplate_ratio", "", "Site chrome (share of page)", "{:.2f}")
    share = profile[(profile["feature"] == "quoted_share")
                    & ~profile["detail"].isin(["all", "direct", "indirect"])]
    types = sorted(share["detail"].unique())
    left = np.zeros(len(outlets))
    cmap = plt.get_cmap("tab10")
    for k, t in enumerate(types):
        v = share[share["detail"] == t].set_index("outlet").reindex(outlets)["value"].fillna(0).to_numpy()
        axes[2].barh(y, v, left=left, color=cmap(k), label=t.replace("_", " "))
        left += v
    axes[2].set_title("Body words inside quotations, by speaker type", fontsize=9)
    axes[2].legend(fontsize=6, loc="lower right")
    src = _get(profile, "distinct_sources").reindex(outlets)
    anon = _get(profile, "anonymous_share").reindex(outlets)
    axes[3].barh(y, src["value"], color="#55a868")
    for yy, v, a, n in zip(y, src["value"], anon["value"], src["n"]):
        axes[3].text(v, yy, f" {v:.0f} of {n} quotations; anon. {a:.0%}" if n else " no quotations",
                     va="center", fontsize=7)
    axes[3].set_title("Distinct named sources", fontsize=9)
    points(axes[4], [("hedges", _get(profile, "hedges_per_1000", "own")),
                     ("boosters", _get(profile, "boosters_per_1000", "own"))],
           "Hedges, boosters: own voice (95% CI)", ["#4c72b0", "#dd8452"], "per 1,000 words")
    rows = [(a, _get(profile, "sentiment", f"{a} · own")) for a in sentiment_actors]
    points(axes[5], rows, "Sentiment, own voice (95% CI)", ["#c44e52", "#8172b2", "#937860"],
           "score (−1 negative … +1 positive)")
    axes[5].axvline(0, color="grey", lw=0.6)
    axes[5].set_xlim(-1, 1)
    lab = profile[(profile["feature"] == "label_share") & profile["detail"].str.startswith("syria · ")]
    for k, word in enumerate(["government", "regime"]):
        t = lab[lab["detail"] == f"syria · {word}"].set_index("outlet").reindex(outlets)
        axes[6].barh(y + (k - 0.5) * 0.38, t["value"].fillna(0), height=0.38, color=["#4c72b0", "#c44e52"][k],
                     label=f"“{word}”")
    axes[6].set_title("The Syrian state called … (share of its mentions)", fontsize=9)
    axes[6].legend(fontsize=7)
    bars(axes[7], "readability", "flesch_reading_ease", "Flesch reading ease (higher = easier)", "{:.1f}")
    axes[0].set_yticks(y, names, fontsize=8)
    axes[4].set_yticks(y, names, fontsize=8)
    fig.suptitle("Outlet profiles — one article per outlet (n = 1 page each): a case study, not outlet-level "
                 "estimates", fontsize=10)
    fig.tight_layout()
    return fig
