"""The outlet profile: every measure for each outlet, in one tidy table — the one profile.

:func:`outlet_profile` condenses the engine's tables (:func:`analysis.engine.measure_corpus`,
or the Parquet tables the CLI writes) to one row per outlet × feature × detail.
The notebooks, the CLI's ``outlets`` table and the viewer's figures all read it.
Framing here follows Entman (1993, *Framing: Toward Clarification of a
Fractured Paradigm*, J. Communication 43(4)): selection (length, which sources),
salience (whose words get space), and evaluation (labels, sentiment, hedging).

How to read a row
-----------------
``feature`` / ``detail``
    what is measured, e.g. ``quoted_share`` / ``official`` (share of body words
    inside quotations attributed to officials), ``sentiment`` / ``<actor> · own``
    (mean sentiment toward the actor in the outlet's own voice),
    ``label_share`` / ``<actor> · <label>``.
``value``, ``unit``
    the figure and what it counts (``share``, ``per 1,000 words``, ``count``,
    ``score −1…1``, ``words``, ``formula``).
``n``, ``n_of``
    how many units it rests on and what they are (``articles``, ``sentences``,
    ``mentions``, ``quotations``). Always read the value with its n.
``ci_low``, ``ci_high``
    a 95% percentile bootstrap interval (:mod:`analysis.stats`) for every rate:
    over sentences when the outlet has fewer than :data:`CLUSTER_MIN_ARTICLES`
    articles, otherwise over articles (a cluster bootstrap: sentences of one
    article resemble each other, so resampling them alone would understate the
    uncertainty, and it keeps the cost linear in a large corpus). NaN for counts
    and formulas.

Words are counted with one definition throughout (:mod:`analysis.core.words`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.stats import bootstrap_ratio_ci

PROFILE_COLUMNS = ["outlet", "feature", "detail", "value", "unit", "n", "n_of", "ci_low", "ci_high", "validation"]
#: Readability formulas carried into the profile (see :mod:`analysis.measures.readability`).
READABILITY = ("flesch_reading_ease", "flesch_kincaid_grade", "gunning_fog", "dale_chall")
#: From this many articles on, an outlet's intervals resample articles instead of sentences.
CLUSTER_MIN_ARTICLES = 30
#: Values and interval bounds are rounded to this many decimals.
DECIMALS = 4


def _row(outlet, feature, detail, value, unit, n, n_of, ci=(np.nan, np.nan)) -> dict:
    return {"outlet": outlet, "feature": feature, "detail": detail,
            "value": float(value) if value is not None else np.nan, "unit": unit, "n": int(n),
            "n_of": n_of, "ci_low": ci[0], "ci_high": ci[1]}


def _rate(u: pd.DataFrame, num: str, den: str, scale: float, clusters: bool):
    """Pooled ratio Σnum/Σden × scale and its interval (over rows, or over articles)."""
    n, d = u[num].to_numpy(float), u[den].to_numpy(float)
    total = d.sum()
    value = scale * n.sum() / total if total else np.nan
    if clusters:
        g = u.groupby("article_id", sort=False)[[num, den]].sum()
        n, d = g[num].to_numpy(float), g[den].to_numpy(float)
    return value, bootstrap_ratio_ci(n, d, scale=scale)


def generic_frame_rows(outlet: str, ids: set, tables: Mapping[str, pd.DataFrame],
                       actors: Sequence[str] | None) -> list[dict]:
    """An outlet's profile rows ``frame`` / <frame> and ``narrative_role`` / <actor> · <role>.

    Empty when the optional ``generic_frames`` measure did not run. ``frame`` rows read as the
    share of the outlet's articles (``ids``) with the frame; ``narrative_role`` rows as the share
    of the articles naming the actor that cast it in the role (``actors``: which actors; ``None``
    for all). Public so that a study can profile frames for its own article groups.
    """
    if "generic_frames" not in tables:
        return []
    from analysis.narrative_roles import ROLES
    from analysis.news_frames import FRAMES

    g = tables["generic_frames"]
    g = g[g["article_id"].isin(ids)]
    rows = [_row(outlet, "frame", f, g[f].mean() if len(g) else np.nan, "share of articles", len(g), "articles")
            for f in FRAMES]
    r = tables.get("roles")
    if r is not None and len(r):
        r = r[r["article_id"].isin(ids) & (r["actor"].isin(actors) if actors is not None else True)]
        for actor, a in r.groupby("actor", sort=True):
            n = a["article_id"].nunique()
            for role in ROLES:
                share = a.loc[a["role"] == role, "article_id"].nunique() / n
                rows.append(_row(outlet, "narrative_role", f"{actor} · {role}", share,
                                 "share of articles naming the actor", n, "articles"))
    return rows


def outlet_profile(tables: Mapping[str, pd.DataFrame], actors: Sequence[str] | None = None,
                   validation: Mapping[str, str] | None = None) -> pd.DataFrame:
    """One tidy table: outlet × feature × detail with value, unit, n and bootstrap interval.

    ``tables`` are the engine's tables (``articles``, ``voice``, ``quotes``,
    ``scare_quotes``, ``mentions``, ``readability`` and, if computed,
    ``sentiment``). ``actors`` are the actors whose labels and sentiment are
    profiled (default: every actor mentioned). Every outlet of ``articles``
    appears, also one whose articles have no quotations or mentions (counts 0).
    Articles whose measures failed (``status`` = error) are left out and counted
    in the feature ``failed_articles``; rows skipped as duplicate input (``status`` =
    duplicate) are left out and not counted.
    Features: ``articles``, ``failed_articles``, ``body_words``, ``sentences``,
    ``boilerplate_ratio`` (mean over articles), ``quotations`` (all/direct/indirect),
    ``quoted_share`` (by kind and speaker type), ``distinct_sources``,
    ``anonymous_share``, ``scare_quotes``, ``label_share`` (actor · label),
    ``sentiment`` (actor · voice), ``hedges_per_1000`` and ``boosters_per_1000``
    (by voice), and the readability formulas of :data:`READABILITY`; where the
    tables are there, ``label_voice`` (actor · label · voice: share of the label's
    designations in that voice) and ``label_voice_share`` (voice: of all
    designations), ``wire_share`` (all / credited / quoted_agency / shared: share of
    body words) and ``wire_agency`` (agency (basis): articles), and per part of the
    article (headline / standfirst / lead / rest) ``part_words``,
    ``part_designations``, ``part_hedges_per_1000`` and ``part_quoted_share``; when the
    optional ``generic_frames`` measure ran, ``frame`` (share of articles with
    each generic frame; :mod:`analysis.news_frames`) and ``narrative_role``
    (actor · role: share of the articles naming the actor that cast it so;
    :mod:`analysis.narrative_roles`).

    ``validation`` maps a feature to how far its measure can be trusted on this kind
    of text (e.g. ``{"sentiment": "seed macro-F1 0.54, n = 205"}``), measured by the
    caller against human labels of the same domain; it fills the ``validation``
    column of that feature's rows (empty elsewhere), so the score travels with every
    value it qualifies.
    """
    from analysis.measures.actors.mentions import label_table

    arts = tables["articles"]
    failed = arts[arts["status"] == "error"]
    arts = arts[arts["status"] == "ok"]
    units = tables["voice"]
    quotes, mentions = tables["quotes"], tables["mentions"]
    if actors is not None:
        mentions = mentions[mentions["actor"].isin(actors)]
    labels = label_table(arts[["article_id", "outlet"]], mentions=mentions, actors=None) if len(mentions) else \
        pd.DataFrame(columns=["outlet", "actor", "label", "share", "n"])
    types = sorted(t for t in quotes["speaker_type"].fillna("").unique() if t) if len(quotes) else []
    share_cols = [("all", "quoted_words"), ("direct", "direct_words"), ("indirect", "indirect_words")]
    share_cols += [(t, f"quoted_{t}") for t in types]
    rows = []
    add = rows.append
    for outlet in sorted(set(tables["articles"]["outlet"])):
        a = arts[arts["outlet"] == outlet]
        ids = set(a["article_id"])
        clusters = len(ids) >= CLUSTER_MIN_ARTICLES
        u = units[units["article_id"].isin(ids)]
        q = quotes[quotes["article_id"].isin(ids)]
        add(_row(outlet, "articles", "", len(ids), "count", len(ids), "articles"))
        n_failed = int((failed["outlet"] == outlet).sum())
        add(_row(outlet, "failed_articles", "", n_failed, "count", len(ids) + n_failed, "articles"))
        add(_row(outlet, "body_words", "", a["body_words"].sum(), "words", len(ids), "articles"))
        add(_row(outlet, "sentences", "", len(u), "count", len(ids), "articles"))
        ratio = (a["boilerplate_chars"] / a["nonspace_chars"].where(a["nonspace_chars"] > 0)).fillna(0.0)
        add(_row(outlet, "boilerplate_ratio", "", ratio.mean() if len(a) else np.nan,
                 "share of non-space characters", len(ids), "articles"))
        add(_row(outlet, "quotations", "all", len(q), "count", len(ids), "articles"))
        for kind in ("direct", "indirect"):
            add(_row(outlet, "quotations", kind, (q["kind"] == kind).sum(), "count", len(ids), "articles"))
        for detail, col in share_cols:
            value, ci = _rate(u, col, "words", 1.0, clusters)
            add(_row(outlet, "quoted_share", detail, value, "share of body words", len(u), "sentences", ci))
        named = q.loc[q["actor"].fillna("") != "", "actor"]
        add(_row(outlet, "distinct_sources", "", named.nunique(), "count", len(q), "quotations"))
        anon = (q["speaker_type"] == "anonymous").sum()
        add(_row(outlet, "anonymous_share", "", anon / len(q) if len(q) else np.nan,
                 "share of quotations", len(q), "quotations"))
        sc = tables["scare_quotes"]
        add(_row(outlet, "scare_quotes", "", sc["article_id"].isin(ids).sum(), "count", len(ids), "articles"))
        for r in labels[labels["outlet"] == outlet].itertuples(index=False):
            add(_row(outlet, "label_share", f"{r.actor} · {r.label}", r.share, "share of mentions",
                     r.n, "mentions"))
        if "sentiment" in tables:
            from analysis.measures.actor_sentiment import sentiment_summary

            s = tables["sentiment"]
            s = s[s["article_id"].isin(ids) & (s["actor"].isin(actors) if actors is not None else True)]
            if len(s):
                for r in sentiment_summary(s, by=("actor", "voice")).itertuples(index=False):
                    add(_row(outlet, "sentiment", f"{r.actor} · {r.voice}", r.mean_score, "score −1…1",
                             r.n_sentences, "sentences", (r.ci_low, r.ci_high)))
        for group in ("hedges", "boosters"):
            for voice in ("own", "quoted"):
                value, ci = _rate(u, f"{group}_{voice}", f"{voice}_words", 1000, clusters)
                add(_row(outlet, f"{group}_per_1000", voice, value, "per 1,000 words", len(u), "sentences", ci))
        for r in _label_wire_part_rows(tables, outlet, ids, actors):
            add(r)
        rd = tables["readability"]
        rd = rd[rd["article_id"].isin(ids)]
        for formula in READABILITY:
            # one article: its score; several: the sentence-weighted mean of the article scores
            w = rd["sentences_spacy"].to_numpy(float)
            v = rd[formula].to_numpy(float)
            value = float(np.average(v, weights=w)) if w.sum() else np.nan
            add(_row(outlet, "readability", formula, value, "formula", int(w.sum()), "sentences"))
        rows += generic_frame_rows(outlet, ids, tables, actors)
    out = pd.DataFrame(rows, columns=PROFILE_COLUMNS)
    notes = dict(validation or {})
    out["validation"] = [str(notes.get(f, "")) for f in out["feature"]]
    out["value"] = out["value"].astype(float).round(DECIMALS)
    out[["ci_low", "ci_high"]] = out[["ci_low", "ci_high"]].astype(float).round(DECIMALS)
    return out


def _label_wire_part_rows(tables: Mapping[str, pd.DataFrame], outlet: str, ids: set,
                actors: Sequence[str] | None = None) -> list[dict]:
    """The profile rows of label adoption, wire copy and headline/lead (each where its table is given)."""
    rows = []
    if "label_voice" in tables:
        from analysis.measures.label_voice import VOICES, adoption_table

        lv = tables["label_voice"]
        lv = lv[lv["article_id"].isin(ids) & lv["designation"]]
        if actors is not None:
            lv = lv[lv["actor"].isin(actors)]
        for r in adoption_table(lv, by=("actor", "label")).itertuples(index=False):
            for v in VOICES:
                rows.append(_row(outlet, "label_voice", f"{r.actor} · {r.label} · {v}", getattr(r, f"share_{v}"),
                                 "share of the label's designations", r.n, "mentions"))
        for v in VOICES:
            n = len(lv)
            rows.append(_row(outlet, "label_voice_share", v, (lv["voice"] == v).sum() / n if n else np.nan,
                             "share of designations", n, "mentions"))
    if "wire_share" in tables:
        w = tables["wire_share"]
        w = w[w["article_id"].isin(ids)]
        words = w["body_words"].sum()
        for detail, col in (("all", "wire_words"), ("credited", "credited_words"),
                            ("quoted_agency", "quoted_agency_words"), ("shared", "shared_words")):
            rows.append(_row(outlet, "wire_share", detail, w[col].sum() / words if words else np.nan,
                             "share of body words", len(w), "articles"))
        for (agency, basis), n in w[w["agency"] != ""].groupby(["agency", "basis"]).size().items():
            rows.append(_row(outlet, "wire_agency", f"{agency} ({basis})", n, "count", len(w), "articles"))
    if "parts" in tables:
        pt = tables["parts"]
        pt = pt[pt["article_id"].isin(ids)]
        for part, g in pt.groupby("part", sort=False):
            n_art, words = int(g["present"].sum()), g["words"].sum()
            rows.append(_row(outlet, "part_words", part, words, "words", n_art, "articles"))
            rows.append(_row(outlet, "part_designations", part, g["designations"].sum(), "count", n_art,
                             "articles"))
            rows.append(_row(outlet, "part_hedges_per_1000", part,
                             1000 * g["hedges"].sum() / words if words else np.nan, "per 1,000 words", words,
                             "words"))
            rows.append(_row(outlet, "part_quoted_share", part, g["quoted_words"].sum() / words if words else np.nan,
                             "share of the part's words", words, "words"))
    return rows
