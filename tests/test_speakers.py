"""Speaker typing and within-article speaker coreference (analysis.measures.actors.speakers),
the registry bootstrap, and floors on the blind speaker gold (skipped without ../shared/data)."""

import pandas as pd
import pytest

from analysis import quotes
from analysis.measures.actors import bootstrap, speakers as sp
from analysis.measures.quotes.attribution import quotation_spans
from analysis.validation import DevSetMissing


def resolve_all(text, spans):
    art = sp.ArticleSpeakers(text, registry=sp.no_registry)
    out = []
    for s in spans:
        word = s[0].strip().split()[0] if s[0].startswith(" ") else s[0]
        start = text.index(s[0], s[1] if len(s) > 1 else 0) + (1 if s[0].startswith(" ") else 0)
        out.append(art.resolve(start, start + len(word)))
    return out


def test_description_carried_to_later_mentions_and_pronouns():
    text = ("Sen. Jim DeMint, Republican of South Carolina, opposed the bill on Monday.\n\n"
            "\"It is a mistake,\" DeMint said. \"We will fight it.\"\n\n"
            "The senator added that he would vote no, he said.")
    first, later, role, pron = resolve_all(text, [("Sen. Jim DeMint",), ("DeMint", 80), ("The senator",),
                                                  (" he said", text.index("vote"))])
    assert {first.key, later.key, role.key, pron.key} == {"jim_demint"}
    assert {first.speaker_type, later.speaker_type, role.speaker_type, pron.speaker_type} == {"official"}


def test_media_state_media_anonymous_collective_expert():
    text = ("The New York Times reported the deal. RT said it was fake. A senior official said talks "
            "continue. Critics said it was too little. John Roe, a professor of economics at Yale, said "
            "it would pass.")
    nyt, rt, anon, critics, roe = resolve_all(text, [("The New York Times",), ("RT",), ("A senior official",),
                                                     ("Critics",), ("John Roe",)])
    assert nyt.speaker_type == "other_media"
    assert rt.speaker_type == "state_media"
    assert anon.speaker_type == "anonymous"
    assert critics.speaker_type == "collective"
    assert (roe.speaker_type, roe.role) == ("expert", "academic")


def test_former_office_is_not_office_and_weak_titles_yield_to_the_body():
    text = ("Former Gov. Tom Pike said the plan would fail. Ann Lee, president of the Alliance for Rivers, "
            "said it would not.")
    pike, lee = resolve_all(text, [("Former Gov. Tom Pike",), ("Ann Lee",)])
    assert pike.speaker_type == "other"
    assert (lee.speaker_type, lee.role) == ("other", "ngo")


def keys_at(text, spans):
    """Keys of ``(surface, length)`` spans (the first ``length`` characters where ``surface`` starts)."""
    art = sp.ArticleSpeakers(text, registry=sp.no_registry, quotes=[(q.start, q.end) for q in quotation_spans(text)])
    out = []
    for surface, after, length in spans:
        start = text.index(surface, text.index(after) if after else 0)
        out.append(art.resolve(start, start + length).key)
    return out


def test_pronoun_skips_names_in_its_own_clause_and_persons_only_spoken_of():
    # binding principle C: the pronoun subject cannot be a name inside its own clause
    assert keys_at("Senator Paul Hart spoke at length on Monday. Campaigning against Mark Dunn in 2012, he "
                   "rarely mentioned taxes.", [("he rarely", "", 2)]) == ["paul_hart"]
    # a pronoun attributing a quotation continues the speaker, not whom the speaker spoke of
    assert keys_at("Mark Dunn, the party chairman, criticised the plan. He said Paul Hart was \"clearly\" wrong "
                   "on taxes.\n\n\"The real issue is who should foot the bill,\" he told reporters.",
                   [("he told", "", 2)]) == ["mark_dunn"]
    assert keys_at("Mark Dunn also suggested Paul Hart would suffer politically from his stance.\n\n\"It is "
                   "regrettable that he has not shown the same independence,\" he said.",
                   [("he said", "", 2)]) == ["mark_dunn"]


def test_appositions_and_names_the_tagger_cuts_wrong():
    assert keys_at("Ms. Birch is weighing this choice with her son, Owen, a high school junior with a taste "
                   "for robotics. He was looking at a college in Ohio.",
                   [("a high school junior", "", 20), ("He", "", 2)]) == ["owen", "owen"]
    assert keys_at("Another leading Dem, Sen. Ann Birch of Ohio, said the offer was a bad deal. Birch tweeted "
                   "that it failed.", [("Another", "", 43), ("Birch", "deal", 5)]) == ["ann_birch", "ann_birch"]
    assert keys_at("Spokesman Jim Lark said the bill would pass.\n\nBut at the same time, Lark put Hart on the "
                   "record.\n\n\"It is a mistake,\" Lark said.",
                   [("Lark", "same time", 4), ("Lark", "mistake", 4)]) == ["jim_lark", "jim_lark"]


def test_unnamed_sources_keyed_as_the_guideline_says():
    assert keys_at("Sources said the talks stalled. A source said the deal was close. Another source said it "
                   "was not. The source added that the talks would resume.",
                   [("Sources", "", 7), ("A source", "", 8), ("Another source", "", 14), ("The source", "", 10)]) \
        == ["anon_source", "anon_source_1", "anon_source_2", "anon_source_2"]
    assert keys_at("Dunn aides said the plan failed. Hart's aides said it worked. Some Democrats said it was "
                   "late. Democrats said it was fine.",
                   [("Dunn aides", "", 10), ("Hart's aides", "", 12), ("Some Democrats", "", 14),
                    ("Democrats", "late", 9)]) == ["anon_dunn_aide", "anon_hart_aide", "some_democrats", "democrats"]


def test_quotes_measure_uses_one_key_per_person():
    text = ("Sen. Jim DeMint, Republican of South Carolina, spoke on Monday.\n\n"
            "\"It is a mistake,\" DeMint said.\n\n"
            "\"We will fight it,\" he said.")
    q = quotes.extract_quotes(text)
    attributed = q[q["speaker"] != ""]
    assert len(attributed) == 2
    assert attributed["actor"].nunique() == 1
    assert set(attributed["speaker_type"]) == {"official"}


def test_canonical_names_cluster_middle_names_and_surnames():
    canon = bootstrap.canonical_names([("Hillary Rodham Clinton", "person"), ("Hillary Clinton", "person"),
                                       ("Clinton", "person"), ("the Sierra Club", "org")])
    assert canon["Hillary Rodham Clinton"] == canon["Hillary Clinton"] == canon["Clinton"] == "hillary_clinton"
    assert canon["the Sierra Club"] == "sierra_club"
    assert sp.person_key("Osama bin Laden") == "osama_bin_laden"
    assert sp.person_key("Sen. Jim W. DeMint Jr.") == "jim_demint"


def test_propose_registry_has_the_registry_columns_and_merges(tmp_path):
    from analysis.measures.actors.mentions import REGISTRY_COLUMNS

    corpus = pd.DataFrame({"article_id": ["a", "b"], "outlet": ["x", "y"], "text": [
        "Sen. Mary Vale said on Monday that the bill would pass. Vale spoke in Denver.",
        "Mary Vale, a Democrat, said the vote was close. Mrs. Vale thanked Gov. Tom Reed."]})
    reg = bootstrap.propose_registry(corpus)
    assert list(reg.columns) == list(REGISTRY_COLUMNS)
    assert set(reg.loc[reg["actor"] == "mary_vale", "alias"]) >= {"Mary Vale", "Vale"}
    assert not reg["alias"].str.lower().duplicated().any()
    assert "tom_reed" not in set(reg["actor"])            # one article only
    path = tmp_path / "merges.csv"
    path.write_text("alias,actor\nmary_vale,m_vale\n", encoding="utf-8")
    merged = bootstrap.propose_registry(corpus, merges=bootstrap.read_merges(path))
    assert "m_vale" in set(merged["actor"]) and "mary_vale" not in set(merged["actor"])
    bad = tmp_path / "bad.csv"
    bad.write_text("name,actor\nx,y\n", encoding="utf-8")
    with pytest.raises(ValueError, match="alias"):
        bootstrap.read_merges(bad)


@pytest.fixture(scope="module")
def gold_eval():
    from analysis.validation import speakers as vs

    try:
        return vs.evaluate()
    except DevSetMissing as exc:
        pytest.skip(str(exc))


def test_speaker_type_accuracy_floor(gold_eval):
    t = gold_eval["types"].set_index(["system", "label"])
    acc = t.loc[("text + registry override", "accuracy"), "f1"]
    # measured 0.897 (n = 495); registry only 0.301, majority class 0.608 in the same run
    assert acc >= 0.895
    assert acc > t.loc[("registry only (before)", "accuracy"), "f1"] + 0.5
    assert acc > t.loc[("majority class (official)", "accuracy"), "f1"] + 0.25
    assert t.loc[("text only", "accuracy"), "f1"] >= 0.835         # measured 0.838


def test_one_ledger_row_per_person_floor(gold_eval):
    led = gold_eval["ledger"].set_index(["system", "persons"])
    one = led.loc[("coreference", "all persons"), "one_row"]
    # measured 0.926 (n = 215 persons) vs 0.628 for surface strings in the same run; the issue asks 0.90
    assert one >= 0.92
    assert one > led.loc[("surface string (before)", "all persons"), "one_row"] + 0.25
    assert led.loc[("coreference", "persons mentioned twice or more"), "one_row"] >= 0.81   # measured 0.816 (n = 87)
    assert led.loc[("coreference", "all persons"), "merged"] <= 0.02     # measured 0.017 (4 of 240 keys)
    cv = gold_eval["windows"].attrs
    # leave-one-article-out: accuracy 0.897, one row 0.921, merged 0.021
    assert cv["held_out_accuracy"] >= 0.895 and cv["held_out_one_row"] >= 0.92 and cv["held_out_merged"] <= 0.025
    assert (gold_eval["window"], gold_eval["speaker_weight"]) == (sp.PRONOUN_WINDOW, sp.SPEAKER_WEIGHT)
