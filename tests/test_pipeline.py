"""The corpus pipeline: same tables as the per-module functions, any input format, errors kept,
bad input refused with file and line, and a Dask run identical to the local one."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis import pipeline
from analysis.corpus import CorpusError

from conftest import PAGE


def _read(folder, name):
    return pd.read_parquet(folder / f"{name}.parquet")


def _same(got: pd.DataFrame, want: pd.DataFrame) -> None:
    """Equal values, column for column (dtypes may differ: Parquet strings vs objects)."""
    want = want.reset_index(drop=True)
    got = got[list(want.columns)].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want, check_dtype=False, check_column_type=False)


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("seed_run")
    summary = pipeline.run(pipeline_input(), out, progress=False)
    return out, summary


def pipeline_input():
    from analysis import paths

    return paths.data_dir()


def test_seed_tables_equal_the_module_functions(seed_run, seed_corpus):
    from analysis import actors, boilerplate, hedging, quotes, readability

    out, summary = seed_run
    assert summary.articles == 5 and summary.failed == 0
    seg = boilerplate.segment_corpus(seed_corpus)
    _same(_read(out, "lines"), seg)
    q, scare, _ = quotes.corpus_quotes(seed_corpus, seg)
    _same(_read(out, "quotes"), q)
    _same(_read(out, "scare_quotes"), scare)
    _same(_read(out, "mentions"), actors.corpus_mentions(seed_corpus))
    _same(_read(out, "hedges"), hedging.corpus_cues(seed_corpus, seg))
    _same(_read(out, "hedge_rates"), hedging.hedge_rates(seed_corpus, seg))
    _same(_read(out, "readability"), readability.article_readability(seed_corpus, seg))


def test_seed_articles_and_profile(seed_run, seed_corpus):
    out, _ = seed_run
    arts = _read(out, "articles")
    assert arts["article_id"].tolist() == seed_corpus["article_id"].tolist()
    assert (arts["status"] == "ok").all()
    assert _read(out, "errors").empty
    quotes = _read(out, "quotes")
    assert arts["quotes"].sum() == len(quotes)
    prof = _read(out, "outlets")
    assert sorted(prof["outlet"].unique()) == sorted(seed_corpus["outlet"])
    get = prof.set_index(["outlet", "feature", "detail"])["value"]
    assert get.xs(("boilerplate_ratio", ""), level=("feature", "detail")).between(0, 1).all()
    assert get.xs(("quoted_share", "all"), level=("feature", "detail")).between(0, 1).all()
    # one number per quantity: the profile's body words are the articles table's
    words = get.xs(("body_words", ""), level=("feature", "detail"))
    assert words.to_dict() == arts.groupby("outlet")["body_words"].sum().astype(float).to_dict()
    # offsets index the raw article text
    texts = dict(zip(seed_corpus["article_id"], seed_corpus["text"]))
    for r in quotes.itertuples():
        assert texts[r.article_id][r.start:r.end] == r.text
    sents = _read(out, "sentences")
    for r in sents.head(30).itertuples():
        assert texts[r.article_id][r.start:r.end] == r.text


#: A small corpus: two outlets, one with a line repeated across its articles (template chrome).
TEMPLATE = "Daily Planet Media Group newsroom edition"
SMALL = [
    {"article_id": "a1", "outlet": "Daily", "title": "Leaders meet", "published": "2015-10-21",
     "event": "e1", "text": PAGE + TEMPLATE + "\n"},
    {"article_id": "a2", "outlet": "Daily", "title": "", "published": "", "event": "e1",
     "text": "Moscow Talks End Without a Deal\n\nThe foreign minister told reporters on Friday that "
             "the talks had ended without an agreement, and that a new round was likely next month.\n"
             "Analysts said the outcome showed how far apart the two governments remain on the "
             "future of the war.\n" + TEMPLATE + "\n"},
    {"article_id": "a3", "outlet": "Weekly", "title": "", "published": "2015-10-22", "event": "",
     "text": 'The minister said on Thursday: "We will not retreat from our positions, whatever the '
             'cost." Critics called it a “moderate” plan that would probably fail within weeks.\n'
             "Officials may have known about the attack for several days, according to Reuters, "
             "which cited two diplomats in the region.\n"},
]


def _write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_input_formats_give_the_same_tables(tmp_path):
    df = pd.DataFrame(SMALL)
    inputs = {"jsonl": _write_jsonl(tmp_path / "c.jsonl", SMALL), "csv": tmp_path / "c.csv",
              "parquet": tmp_path / "c.parquet"}
    df.to_csv(inputs["csv"], index=False)
    df.to_parquet(inputs["parquet"], index=False)
    runs = {k: pipeline.run(p, tmp_path / f"out_{k}", chunk_size=2, progress=False).out
            for k, p in inputs.items()}
    ref = runs.pop("jsonl")
    # the template line appears in both Daily articles: chrome
    lines = _read(ref, "lines")
    assert lines.loc[lines["text"] == TEMPLATE, "reason"].tolist() == ["repeated-in-outlet"] * 2
    for out in runs.values():
        for name in pipeline.tables_written(sentiment=False):   # the optional measures did not run
            _same(_read(out, name).drop(columns=["line"], errors="ignore"),
                  _read(ref, name).drop(columns=["line"], errors="ignore"))


def test_a_failing_article_is_kept_in_errors(tmp_path, monkeypatch):
    from analysis.measures import hedging

    real = hedging.find_hedges

    def flaky(text, *args, **kwargs):
        if "retreat" in text:
            raise ValueError("boom")
        return real(text, *args, **kwargs)

    monkeypatch.setattr(hedging, "find_hedges", flaky)
    out = tmp_path / "out"
    summary = pipeline.run(_write_jsonl(tmp_path / "c.jsonl", SMALL), out, progress=False)
    assert summary.articles == 3 and summary.failed == 1
    errors = _read(out, "errors")
    assert errors[["article_id", "stage", "error", "message"]].values.tolist() == [
        ["a3", "hedges", "ValueError", "boom"]]
    arts = _read(out, "articles").set_index("article_id")
    assert arts.loc["a3", "status"] == "error" and (arts.loc[["a1", "a2"], "status"] == "ok").all()
    assert "a3" not in set(_read(out, "quotes")["article_id"])
    assert set(_read(out, "readability")["article_id"]) == {"a1", "a2"}


@pytest.mark.parametrize("rows, problem, line", [
    ([{"article_id": "a", "outlet": "o"}], "missing column(s) text", 1),
    ([{"article_id": "a", "outlet": "o", "text": "x"}, {"article_id": "a", "outlet": "p", "text": "y"}],
     "duplicate article_id 'a' (first on line 1)", 2),
    ([{"article_id": "a", "outlet": "o", "text": "x", "published": "21/10/2015"}],
     "is not an ISO date", 1),
    ([{"article_id": "a", "outlet": "", "text": "x"}], "empty outlet", 1),
    ([{"article_id": "a", "outlet": "o", "text": 3}], "text is int, not a string", 1),
])
def test_bad_jsonl_names_file_line_and_problem(tmp_path, rows, problem, line):
    path = _write_jsonl(tmp_path / "bad.jsonl", rows)
    with pytest.raises(CorpusError) as err:
        pipeline.run(path, tmp_path / "out", progress=False)
    assert err.value.path == path and err.value.line == line and problem in err.value.problem
    assert not (tmp_path / "out").exists()  # nothing written


def test_bad_csv_and_parquet(tmp_path):
    csv_path = tmp_path / "bad.csv"
    csv_path.write_text('article_id,outlet,text\na,o,"fine"\nb,o\n', encoding="utf-8")
    with pytest.raises(CorpusError, match=r"bad\.csv, line 3: expected 3 fields, found 2"):
        list(pipeline.iter_articles(csv_path))
    pq_path = tmp_path / "bad.parquet"
    pd.DataFrame({"article_id": ["a"], "outlet": ["o"]}).to_parquet(pq_path)
    with pytest.raises(CorpusError, match=r"missing column\(s\) text"):
        list(pipeline.iter_articles(pq_path))
    with pytest.raises(CorpusError, match="unknown input type '.txt'"):
        list(pipeline.iter_articles(next(pipeline_input().glob("articles/*.txt"))))


def test_cli_exit_status_and_message(tmp_path, capsys):
    from analysis.__main__ import main

    bad = _write_jsonl(tmp_path / "bad.jsonl", [{"article_id": "a", "text": "x"}])
    assert main(["run", str(bad), "--out", str(tmp_path / "out"), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "bad.jsonl, line 1: missing column(s) outlet" in err
    good = _write_jsonl(tmp_path / "good.jsonl", SMALL[2:])
    assert main(["run", str(good), "--out", str(tmp_path / "out"), "--no-progress"]) == 0
    assert "1 articles (0 failed" in capsys.readouterr().out


def test_parse_looks_pieces_up_by_offset_and_parses_misses():
    from analysis.core.parse import Parse
    from analysis.core.units import piece_rows
    from analysis.nlp import load_nlp

    nlp = load_nlp()
    text = "Same line.\nSame line.\nOther line."
    rows = piece_rows(text)
    docs = [nlp(r.text) for r in rows[:2]]
    parse = Parse(rows[:2], docs, nlp)
    got = parse.docs(text)
    assert got[0][1] is docs[0] and got[1][1] is docs[1] and got[2][1].text == "Other line."
    assert parse.misses == 1
    # a text laid over the same article (a line blanked) reuses the pieces it shares
    blanked = " " * 11 + text[11:]
    assert parse.docs(blanked)[0][1] is docs[1] and parse.misses == 1


@pytest.mark.allow_hosts(["127.0.0.1"])
def test_dask_run_equals_local_run(tmp_path, monkeypatch):
    """A LocalCluster in this process (inproc transport); sockets only to 127.0.0.1."""
    import distributed.comm.inproc as inproc
    from dask.distributed import Client, LocalCluster

    # the inproc address would otherwise probe the network for this machine's IP
    monkeypatch.setattr(inproc, "get_ip", lambda *a, **k: "127.0.0.1")
    src = _write_jsonl(tmp_path / "c.jsonl", SMALL)
    local = pipeline.run(src, tmp_path / "local", chunk_size=2, progress=False)
    with LocalCluster(processes=False, n_workers=1, threads_per_worker=1,
                      dashboard_address="127.0.0.1:0") as cluster, Client(cluster) as client:
        remote = pipeline.run(src, tmp_path / "dask", chunk_size=2, dask=client, progress=False)
    assert local.rows == remote.rows and local.rows["quotes"] > 0
    for name in local.rows:
        assert (local.out / f"{name}.parquet").read_bytes() == (remote.out / f"{name}.parquet").read_bytes(), name


def test_sentiment_is_optional_and_joins_mentions(tmp_path, monkeypatch):
    from analysis import sentiment

    from test_actor_sentiment import fake_classify

    monkeypatch.setattr(sentiment, "classify_targets", fake_classify)
    src = _write_jsonl(tmp_path / "c.jsonl", SMALL)
    plain = pipeline.run(src, tmp_path / "plain", progress=False)
    assert "sentiment" not in plain.rows and not (plain.out / "sentiment.parquet").exists()
    run = pipeline.run(src, tmp_path / "senti", sentiment=True, progress=False)
    mentions, senti = _read(run.out, "mentions"), _read(run.out, "sentiment")
    assert len(senti) == len(mentions) > 0
    assert senti[["article_id", "start", "end"]].values.tolist() == \
        mentions[["article_id", "start", "end"]].values.tolist()
    assert set(senti["sentiment"]) <= {"positive", "negative"} and set(senti["voice"]) <= {"own", "quoted"}


def test_errors_table_has_its_columns_when_empty(seed_run):
    out, _ = seed_run
    assert list(_read(out, "errors").columns) == pipeline.ERROR_COLUMNS


def test_sentence_tables_are_shared_within_a_parse_and_handed_out_as_copies():
    from analysis import sentences
    from analysis.core.parse import Parse
    from analysis.nlp import load_nlp

    nlp = load_nlp()
    text = "First sentence here. Second one.\n\nA new paragraph."
    parse = Parse.of(text, nlp)
    first = sentences.sentences(text, parse)
    pd.testing.assert_frame_equal(first, sentences.sentences(text, nlp))
    first.loc[0, "text"] = "changed"
    second = sentences.sentences(text, parse)
    assert second.loc[0, "text"] == "First sentence here."
    assert parse.misses == 0  # both paragraphs were in the parse; nothing parsed again
