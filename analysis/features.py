"""The corpus tables of the notebooks and the outlet profile's figure.

:func:`measure_tables` runs every measure once over a corpus through the
engine (:mod:`analysis.engine`) and keeps its tables, offsets included;
:func:`outlet_profile` condenses them with :func:`analysis.profile.outlet_profile`
(how to read a row is documented there); :func:`plot_profile` draws it as
small multiples. Words are counted with one definition throughout
(:mod:`analysis.core.words`), so the profile, the speaker ledger and the CLI
give the same body words.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis import profile
from analysis.engine import measure_corpus
from analysis.profile import PROFILE_COLUMNS, READABILITY  # noqa: F401


def measure_tables(corpus: pd.DataFrame, sentiment: bool = True, nlp=None) -> dict[str, pd.DataFrame]:
    """Every measure's table for ``corpus`` (:func:`analysis.corpus.load_corpus` output), via the engine.

    The tables of :func:`analysis.engine.measure_corpus` — ``articles``,
    ``lines``, ``quotes``, ``scare_quotes``, ``mentions``, ``sentences``,
    ``hedges``, ``hedge_rates``, ``readability``, ``voice`` and — unless
    ``sentiment=False`` — ``sentiment`` (every mention) — plus ``bodies``
    (article_id, outlet, body text). The CLI writes the same tables.
    """
    from analysis.boilerplate import corpus_bodies

    tables = measure_corpus(corpus, optional=sentiment, nlp=nlp)
    tables["bodies"] = corpus_bodies(corpus, tables["lines"])
    return tables


def outlet_profile(corpus: pd.DataFrame, tables: dict[str, pd.DataFrame] | None = None,
                   actors: Sequence[str] | None = None, validation: dict[str, str] | None = None) -> pd.DataFrame:
    """:func:`analysis.profile.outlet_profile` of ``corpus`` (tables computed when not given)."""
    tables = tables if tables is not None else measure_tables(corpus)
    return profile.outlet_profile(tables, actors=actors, validation=validation)


def _get(profile: pd.DataFrame, feature: str, detail: str = "") -> pd.DataFrame:
    return profile[(profile["feature"] == feature) & (profile["detail"] == detail)].set_index("outlet")


def plot_profile(profile: pd.DataFrame, outlet_note: dict[str, str] | None = None,
                 sentiment_actors: Sequence[str] = (), label_actor: str = "",
                 label_words: Sequence[str] = (), title: str = ""):
    """Small multiples of :func:`outlet_profile`: one panel per feature, outlets as rows.

    ``outlet_note`` adds a note to an outlet's row label (e.g. which event its
    article reports, so cross-event rows are labelled as such). Rates over
    sentences are drawn with their bootstrap intervals; every panel title says
    what n it rests on. ``sentiment_actors`` are drawn in the sentiment panel,
    ``label_words`` of ``label_actor`` in the label panel, and ``title`` heads
    the figure (the study's choices: see its configuration). Returns the figure.
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
    points(axes[5], rows, "Sentiment, own voice (95% CI)", ["#c44e52", "#8172b2", "#937860", "#55a868", "#4c72b0", "#dd8452"][:max(1, len(rows))],
           "score (−1 negative … +1 positive)")
    axes[5].axvline(0, color="grey", lw=0.6)
    axes[5].set_xlim(-1, 1)
    lab = profile[(profile["feature"] == "label_share") & profile["detail"].str.startswith(f"{label_actor} · ")]
    for k, word in enumerate(label_words):
        t = lab[lab["detail"] == f"{label_actor} · {word}"].set_index("outlet").reindex(outlets)
        axes[6].barh(y + (k - 0.5) * 0.38, t["value"].fillna(0), height=0.38, color=["#4c72b0", "#c44e52", "#55a868", "#8172b2"][k % 4],
                     label=f"“{word}”")
    axes[6].set_title(f"{label_actor.replace('_', ' ').title()} called … (share of its mentions)", fontsize=9)
    axes[6].legend(fontsize=7)
    bars(axes[7], "readability", "flesch_reading_ease", "Flesch reading ease (higher = easier)", "{:.1f}")
    axes[0].set_yticks(y, names, fontsize=8)
    axes[4].set_yticks(y, names, fontsize=8)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig
