"""The corpus loader: the seeds load intact, and every kind of bad input is one clear error."""

from __future__ import annotations

import hashlib
import re

import pytest

from analysis import paths
from analysis.corpus import COLUMNS, CorpusError, describe, load_corpus
from conftest import write_corpus

GOOD = "Assad flew to Moscow.\n\nHe met Putin.\n".encode()


def test_seed_corpus_shape(seed_corpus):
    assert list(seed_corpus.columns) == list(COLUMNS)
    assert len(seed_corpus) == 5
    assert seed_corpus["article_id"].is_unique
    assert set(seed_corpus["event"]) == {"2015-10-assad-in-moscow", "2020-01-putin-in-damascus"}
    assert (seed_corpus.loc[seed_corpus["outlet"] == "The Moscow Times", "event"]
            == "2020-01-putin-in-damascus").all()
    # every date has its basis recorded
    assert seed_corpus["published_basis"].str.len().gt(20).all()


def test_seed_texts_are_byte_for_byte_the_raw_files(seed_corpus):
    for row in seed_corpus.itertuples():
        raw = (paths.data_dir() / row.file).read_bytes()
        assert row.text.encode("utf-8") == raw
        assert hashlib.sha256(raw).hexdigest() == row.sha256


def test_seed_files_match_shared_seeds():
    seeds = paths.root().parent / "shared" / "seeds"
    if not seeds.is_dir():
        pytest.skip(f"{seeds} not present")
    for f in seeds.glob("*.txt"):
        assert (paths.data_dir() / "articles" / f.name).read_bytes() == f.read_bytes()


def test_haaretz_typo_kept_as_published(seed_corpus):
    haaretz = seed_corpus.set_index("outlet").loc["Haaretz", "text"]
    assert "began in March 2001" in haaretz


def test_users_own_corpus_loads(tmp_path):
    folder = write_corpus(tmp_path, {"a1": GOOD, "a2": "Другой текст.\r\nLine two.".encode()})
    df = load_corpus(folder)
    assert list(df["article_id"]) == ["a1", "a2"]
    assert df.loc[1, "text"] == "Другой текст.\r\nLine two."  # no newline translation
    assert (df["title"] == "").all()  # optional column absent -> empty


def test_optional_columns_only_required_ones(tmp_path):
    folder = write_corpus(tmp_path, {"a1": GOOD}, header=("article_id", "file", "outlet"))
    assert load_corpus(folder).loc[0, "outlet"] == "Outlet a1"


def test_describe_counts(tmp_path):
    df = describe(load_corpus(write_corpus(tmp_path, {"a1": GOOD})))
    assert df.loc[0, ["raw_chars", "raw_words", "lines", "nonblank_lines"]].tolist() == [len(GOOD.decode()), 7, 3, 2]


def expect_error(folder, *patterns):
    with pytest.raises(CorpusError) as info:
        load_corpus(folder)
    msg = str(info.value)
    for p in patterns:
        assert re.search(p, msg), f"{p!r} not in {msg!r}"
    return info.value


def test_missing_folder(tmp_path):
    expect_error(tmp_path / "nope", "nope", "does not exist")


def test_missing_metadata(tmp_path):
    expect_error(tmp_path, r"articles\.csv", "missing")


def test_missing_column(tmp_path):
    folder = write_corpus(tmp_path, {"a1": GOOD}, header=("article_id", "file"))
    err = expect_error(folder, r"articles\.csv, line 1", "missing column", "outlet")
    assert err.line == 1


def test_duplicate_id(tmp_path):
    folder = write_corpus(tmp_path, {"a1": GOOD})
    with open(folder / "articles.csv", "a", encoding="utf-8") as fh:
        fh.write(f"a1,articles/a1.txt,Other,2015-10-21,e1,{hashlib.sha256(GOOD).hexdigest()}\n")
    expect_error(folder, r"articles\.csv, line 3", "duplicate article_id 'a1'", "first on line 2")


def test_missing_file(tmp_path):
    folder = write_corpus(tmp_path, {"a1": GOOD})
    (folder / "articles" / "a1.txt").unlink()
    expect_error(folder, r"a1\.txt", "article file is missing", "line 2")


def test_unreadable_file(tmp_path, monkeypatch):
    folder = write_corpus(tmp_path, {"a1": GOOD})
    import pathlib

    real = pathlib.Path.read_bytes

    def deny(self):
        if self.name == "a1.txt":
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(pathlib.Path, "read_bytes", deny)
    expect_error(folder, r"a1\.txt", "cannot read article file", "Permission denied")


def test_not_utf8_latin1(tmp_path):
    folder = write_corpus(tmp_path, {"a1": "Caf\u00e9 au lait in Moscow.".encode("latin-1")})
    expect_error(folder, r"a1\.txt", "not UTF-8", "0xe9")


def test_not_utf8_utf16(tmp_path):
    folder = write_corpus(tmp_path, {"a1": "Assad in Moscow.".encode("utf-16")})
    expect_error(folder, r"a1\.txt", "UTF-16")


@pytest.mark.parametrize("content", [b"", b"  \n\t\r\n "])
def test_empty_text(tmp_path, content):
    folder = write_corpus(tmp_path, {"a1": content})
    expect_error(folder, r"a1\.txt", "empty text")


def test_checksum_mismatch(tmp_path):
    folder = write_corpus(tmp_path, {"a1": GOOD})
    (folder / "articles" / "a1.txt").write_bytes(GOOD.replace(b"Moscow", b"Sochi"))
    expect_error(folder, r"a1\.txt", "checksum mismatch", "edited")


def test_truncated_csv(tmp_path):
    folder = write_corpus(tmp_path, {"a1": GOOD, "a2": GOOD})
    raw = (folder / "articles.csv").read_text()
    (folder / "articles.csv").write_text(raw[: raw.rindex(",e1,")])
    expect_error(folder, r"articles\.csv, line 3", "expected 6 fields", "truncated")


def test_path_escaping_the_folder(tmp_path):
    (tmp_path / "secret.txt").write_bytes(GOOD)
    folder = write_corpus(tmp_path / "c", {"a1": GOOD}, extra={"a1": {"file": "../secret.txt"}})
    expect_error(folder, r"articles\.csv, line 2", "outside the corpus folder")


def test_bad_date(tmp_path):
    folder = write_corpus(tmp_path, {"a1": GOOD}, extra={"a1": {"published": "21/10/2015"}})
    expect_error(folder, "line 2", "not an ISO date")


def test_no_partial_result(tmp_path):
    """One bad article fails the whole load: nothing silently disappears from a table."""
    folder = write_corpus(tmp_path, {"a1": GOOD, "a2": b"\xff\xfe\x00bad"})
    expect_error(folder, r"a2\.txt")
