"""The measure contract, checked for every registered measure at once.

A new measure registered in :mod:`analysis.measures` is covered here the moment it exists:
its offsets index the raw text, empty and whitespace-only texts give empty tables with the
declared columns and dtypes, its output is deterministic, and it reads the article's one
parse without parsing anything again.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.core.article import Article
from analysis.engine import measure_article, measure_records, registered, select
from analysis.engine.contract import Table

from conftest import PAGE

MEASURES = registered()
TEXTS = {
    "page": PAGE,
    "quotes": 'Putin said on Tuesday: "We will help Syria." Critics called it a "moderate" plan.\n'
              "Officials may have known, according to Reuters, which cited two diplomats.\n",
    "crlf": "Headline Here\r\n\r\nThe minister said the talks had failed.\r\nAnalysts say it could change.\r\n",
}


@pytest.fixture(autouse=True)
def stand_in_sentiment(monkeypatch):
    """Target sentiment without the model file: every target neutral."""
    from analysis import sentiment

    def classify(sentences, spans):
        n = len(sentences)
        return pd.DataFrame({"label": ["neutral"] * n, "score": np.zeros(n), "p_negative": np.full(n, 0.2),
                             "p_neutral": np.full(n, 0.6), "p_positive": np.full(n, 0.2)})

    monkeypatch.setattr(sentiment, "classify_targets", classify)


def _run(text: str, measure) -> tuple[Article, dict[str, pd.DataFrame]]:
    art = Article(text=text)
    return art, measure_article(art, select([measure.name]))


def test_the_library_registers_its_measures_in_order():
    names = [m.name for m in MEASURES]
    assert names[0] == "lines" and {"quotes", "mentions", "hedges", "sentences", "voice"} <= set(names)
    seen: set[str] = set()
    for m in MEASURES:
        assert set(m.needs) <= seen, f"{m.name} needs a table of a later measure"
        seen |= set(m.tables)


@pytest.mark.parametrize("measure", MEASURES, ids=lambda m: m.name)
@pytest.mark.parametrize("name", sorted(TEXTS))
def test_offsets_index_the_raw_text(measure, name):
    text = TEXTS[name]
    _, tables = _run(text, measure)
    for tname, spec in measure.tables.items():
        t = tables[tname]
        for col in t.columns:
            if not (col == "start" or col.endswith("_start")):
                continue
            end = col[:-5] + "end" if col != "start" else "end"
            s, e = t[col].astype("float").to_numpy(), t[end].astype("float").to_numpy()
            ok = (s >= 0) | (col != "start")          # optional spans (cue, speaker …) use -1 for none
            present = s >= 0
            assert ok.all(), f"{tname}.{col} has negative offsets"
            assert (s[present] <= e[present]).all() and (e[present] <= len(text)).all(), f"{tname}.{col}"
        pairs = [("text", "start", "end"), ("surface", "start", "end")]
        pairs += [(c, f"{c}_start", f"{c}_end") for c in ("cue", "speaker", "channel")]
        if "cue_start" not in t.columns:
            pairs.append(("cue", "start", "end"))
        for col, a, b in pairs:
            if not {col, a, b} <= set(t.columns) or tname == "scare_quotes" and col == "text":
                continue
            for s, e, v in zip(t[a], t[b], t[col]):
                if int(s) < 0:
                    continue
                assert " ".join(text[int(s):int(e)].split()) == " ".join(str(v).split()), \
                    f"{tname}.{col}: {text[int(s):int(e)]!r} != {v!r}"


@pytest.mark.parametrize("measure", MEASURES, ids=lambda m: m.name)
@pytest.mark.parametrize("text", ["", "   \n\t  \n"], ids=["empty", "whitespace"])
def test_blank_text_gives_declared_empty_tables(measure, text):
    _, tables = _run(text, measure)
    for tname, spec in measure.tables.items():
        t = tables[tname]
        if spec.grain == "article":
            assert len(t) >= 1 and list(t.columns) == spec.names
            continue
        assert len(t) == 0, tname
        pd.testing.assert_frame_equal(t, spec.empty(), check_index_type=False)


@pytest.mark.parametrize("measure", MEASURES, ids=lambda m: m.name)
def test_output_is_deterministic(measure):
    _, first = _run(TEXTS["page"], measure)
    _, second = _run(TEXTS["page"], measure)
    for tname in measure.tables:
        pd.testing.assert_frame_equal(first[tname], second[tname])


@pytest.mark.parametrize("measure", [m for m in MEASURES if m.parse], ids=lambda m: m.name)
def test_the_article_is_parsed_once(measure):
    art, _ = _run(TEXTS["page"], measure)
    assert art.parse is not None and art.parse.misses == 0


@pytest.mark.parametrize("measure", [m for m in MEASURES if m.run_chunk is not None], ids=lambda m: m.name)
def test_a_chunk_run_gives_each_article_its_own_tables(measure):
    """A measure with ``run_chunk``: one call for a chunk gives every article the tables ``run`` gives it
    alone (floats up to encoder rounding: another batch composition)."""
    texts = {**TEXTS, "empty": "", "blank": "  \n\t\n"}
    recs = [{"article_id": k, "outlet": "X", "text": t} for k, t in sorted(texts.items())]
    chunk = measure_records(recs, select([measure.name]))
    assert (chunk["articles"]["status"] == "ok").all()
    for rec in recs:
        alone = measure_article(Article(text=rec["text"]), select([measure.name]))
        for tname in measure.tables:
            got = chunk[tname][chunk[tname]["article_id"] == rec["article_id"]]
            got = got.drop(columns=["article_id", "outlet"]).reset_index(drop=True)
            want = alone[tname]
            assert len(got) == len(want), f"{tname} of {rec['article_id']}"
            if not len(want):
                continue
            floats = [c for c in want.columns if want[c].dtype.kind == "f"]
            pd.testing.assert_frame_equal(got.drop(columns=floats), want.drop(columns=floats))
            np.testing.assert_allclose(got[floats].to_numpy(float), want[floats].to_numpy(float), atol=1e-5)


def test_declared_counts_are_what_counts_returns():
    art, tables = Article(text=TEXTS["quotes"]), None
    tables = measure_article(art, select(optional=True))
    for m in MEASURES:
        if m.counts is not None:
            assert set(m.counts(art, tables)) == set(m.count_columns), m.name


def test_a_measure_returning_a_wrong_table_is_refused():
    from analysis.engine.contract import check_table

    spec = Table((("start", "int"), ("text", "str")))
    with pytest.raises(TypeError, match="lacks declared column"):
        check_table("t", spec, pd.DataFrame({"start": [1]}))
    with pytest.raises(TypeError, match="declared int"):
        check_table("t", spec, pd.DataFrame({"start": ["1"], "text": ["a"]}))
