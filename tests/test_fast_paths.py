"""The speed-ups of issue 20 give the answers of the slower code they replace.

Each fast path is checked against the plain computation it stands for, on
hand-made cases and random ones: the lead parts' offset look-up, the wire
credits' alias pre-check, the speaker names resolved in one primed batch, the
line counts' non-space characters. (That every default table is unchanged on
real articles was checked by comparing the tables before and after; speed is
measured in ``benchmarks/throughput.py``, not here.)
"""

from __future__ import annotations

import random

import pandas as pd
import pytest

from analysis.measures.actors import mentions, speakers
from analysis.measures.lead import which_part
from analysis.measures.wire import credits


def naive_part(spans, off):
    """The part an offset lies in, by scanning every span."""
    hits = [p for p, ss in spans.items() for s, e in ss if s <= off < e]
    return hits[0] if hits else ""


def test_which_part_equals_a_scan_of_every_span():
    rng = random.Random(20)
    for _ in range(200):
        cuts = sorted(rng.sample(range(1, 400), 8))
        parts = ["headline", "standfirst", "lead", "rest"]
        spans = {p: [] for p in parts}
        for k in range(0, len(cuts) - 1, 2):      # disjoint spans, some parts with none or several
            spans[rng.choice(parts)].append((cuts[k], cuts[k + 1]))
        offsets = [rng.randrange(0, 420) for _ in range(30)]
        assert which_part(spans, offsets) == [naive_part(spans, o) for o in offsets]
    assert which_part({"lead": []}, [1, 2]) == ["", ""]
    assert which_part({"lead": [(0, 5)]}, []) == []


@pytest.mark.parametrize("text, credited", [
    ("The talks failed on Tuesday.\nNothing more was said.", False),    # no agency named: the pre-check
    ("", False),
    ("WASHINGTON (AP) — The Senate voted on Tuesday.\nMore follows.", True),
    ("Moscow (Reuters) - Putin said. Credit: AP\n", True),
])
def test_credits_pre_check_gives_the_full_scan(text, credited):
    found = credits.find_credits(text)
    assert list(found.columns) == credits.COLUMNS
    assert str(found["start"].dtype) == str(found["end"].dtype) == "int64"
    assert bool(len(found)) == credited
    if not credited:
        pd.testing.assert_frame_equal(found, pd.DataFrame([], columns=credits.COLUMNS).astype(
            {"start": "int64", "end": "int64"}))
        found.loc[0] = ["x", "x", "x", 1, 2, "x"]     # a caller's change does not reach the next answer
        assert credits.find_credits(text).empty


NAMES = ["Syrian President Bashar al-Assad", "the Kremlin", "Russian officials", "a Western diplomat",
         "Sen. John Smith", "Putin", "the Syrian army", "Obama", "State Department spokesman John Kirby",
         "analysts on Syrian state TV", "Critics and the U.S."]


def test_primed_speaker_names_resolve_as_one_by_one():
    """Names parsed in one batch (:meth:`SpeakerResolver.prime`) resolve as :func:`mentions.resolve` alone."""
    primed = mentions.SpeakerResolver()
    primed.prime(NAMES)
    for name in NAMES:
        assert primed.actor(name)[0] == mentions.resolve(name)[0], name
    assert primed.actor("Syrian President Bashar al-Assad")[0] == "assad"
    assert primed.actor("a Western diplomat") == (None, None, None)


def test_article_speakers_look_names_up_in_the_registry():
    art = speakers.ArticleSpeakers("Syrian President Bashar al-Assad met Vladimir Putin in Moscow on Tuesday.")
    found = {e.name: e.registry for e in art.entities.values()}
    assert found.get("Bashar al-Assad", found.get("Syrian President Bashar al-Assad"))[0] == "assad", found
    assert found["Vladimir Putin"][0] == "putin", found


def test_name_span_ends_at_a_lower_case_verb():
    art = speakers.ArticleSpeakers("Manley put Reid on notice, officials said.")
    ents = [e for _, doc in speakers.paragraph_docs(art.text, None) for e in doc.ents]
    for ent in ents:
        cut = speakers.name_span(ent)
        assert cut.start == ent.start and cut.end <= ent.end
        assert all(not (t.text[:1].islower() and t.tag_.startswith("VB")) for t in list(cut)[1:])


@pytest.mark.parametrize("line", ["a b\tc", " \u00a0x\u2003y\u3000 ", "", "\u200bz", "plain"])
def test_non_space_count_by_split_equals_isspace(line):
    assert len("".join(line.split())) == sum(not c.isspace() for c in line)


def test_fewer_collections_raises_the_thresholds_and_restores_the_callers():
    import gc

    from analysis.engine.collector import THRESHOLDS, fewer_collections

    before = gc.get_threshold()
    gc.set_threshold(1234, 5, 6)
    try:
        with fewer_collections():
            assert gc.get_threshold() == THRESHOLDS
            with fewer_collections():  # nested (a corpus pass inside a run): still raised
                assert gc.get_threshold() == THRESHOLDS
            assert gc.get_threshold() == THRESHOLDS
        assert gc.get_threshold() == (1234, 5, 6)
        with pytest.raises(ValueError):
            with fewer_collections():
                raise ValueError("a measure failed")
        assert gc.get_threshold() == (1234, 5, 6)  # restored when the body raises
    finally:
        gc.set_threshold(*before)


def test_measure_records_runs_under_fewer_collections(monkeypatch):
    import gc

    from analysis.engine import collector, measure_records, run

    seen = []
    monkeypatch.setattr(run, "_measure_records", lambda *a: seen.append(gc.get_threshold()) or {})
    before = gc.get_threshold()
    measure_records([], ())
    assert seen == [collector.THRESHOLDS] and gc.get_threshold() == before
