"""Actors: the registry, resolve(), mentions in small known texts, labels, and the seed gold."""

from __future__ import annotations


import pandas as pd
import pytest

from analysis import actors
from analysis.validation import actors as va
from analysis.measures.actors import mentions as impl
from analysis.study import load as load_study

MAIN_ACTORS = load_study().main_actors

NO_QUOTES = pd.DataFrame(columns=["start", "end", "kind", "actor"])


def mentions(text: str, **kw) -> pd.DataFrame:
    return actors.find_mentions(text, quotes=kw.pop("quotes", NO_QUOTES), **kw)


def pairs(text: str, **kw) -> list[tuple[str, str, str]]:
    m = mentions(text, **kw)
    return list(zip(m["surface"], m["actor"], m["label"]))


# --------------------------------------------------------------------------- registry

def test_registry_columns_types_and_sources():
    reg = actors.registry()
    assert tuple(reg.columns) == actors.REGISTRY_COLUMNS
    assert set(reg["type"]) <= set(actors.ACTOR_TYPES)
    assert set(reg["speaker_type"]) <= set(actors.SPEAKER_TYPES)
    assert (reg["source"].str.strip() != "").all()
    assert set(MAIN_ACTORS) <= set(reg["actor"])
    metonyms = set(reg.loc[reg["metonymy"], "alias"])
    assert {"Moscow", "Kremlin", "Washington", "Tehran", "Damascus"} <= metonyms
    media = set(reg.loc[reg["type"] == "media", "actor"])
    assert {"sana", "interfax", "tass", "ria_novosti", "ikhbariyah", "syrian_state_tv", "bbc",
            "new_york_times", "reuters", "ap"} <= media
    assert {"lavrov", "peskov", "erdogan", "soleimani", "obama", "kerry"} <= set(reg["actor"])
    opp = set(reg.loc[reg["actor"] == "syrian_opposition", "label"])
    assert {"rebels", "insurgents", "opposition groups", "militants", "terrorists", "jihadists",
            "moderate rebels"} <= opp
    assert {"government", "regime"} <= set(reg.loc[reg["actor"] == "syria", "label"])


@pytest.mark.parametrize("surface, expected", [
    ("Syrian President Bashar al-Assad", ("assad", "president")),
    ("the Kremlin", ("russia", "kremlin")),
    ("Russian officials", ("russia", "russian officials")),
    ("a Western diplomat", (None, None)),
    ("Mr. Assad", ("assad", "mr. assad")),
    ("[Putin] and other Russian officials", ("putin", "putin")),
    ("Syrian state news agency SANA", ("sana", "sana")),
    ("Russia's Interfax news agency", ("interfax", "interfax")),
    ("Foreign Minister Sergei Lavrov", ("lavrov", "foreign minister")),
    ("Moscow", ("russia", "moscow")),
    ("analysts on Syrian state TV", (None, None)),
    ("", (None, None)),
])
def test_resolve(surface, expected):
    assert actors.resolve(surface) == expected


@pytest.mark.parametrize("surface", [
    "a Western diplomat", "Sen. John Smith", "a spokesman", "he", "officials in Moscow", "leaders in MOSCOW",
    "the Russian ambassador", "analysts", "Assad's office", "“Putin”", "U.S. officials", "the regime",
    "x" * 250 + " Putin", "Critics and the U.S.",
])
def test_resolve_decides_without_a_parse_only_when_the_rules_would_find_nothing(surface):
    """resolve() skips the parse for a surface with no registry alias and no "<personnel> in <Capital>",
    answering (None, None). That is what the full reading gives: the mention rules, run on the parsed
    surface, find nothing (the premise), and the fallback reads the same empty registry matches."""
    s = " ".join(surface.split())
    quick = impl._resolve_unparsed(s)
    rows, _ = impl._mention_rows(s, impl._NO_QUOTES, None, ner=False)
    raw = impl._raw_matches(s, impl._compiled())
    if quick == (None, None) and not impl._compiled().by_key.get(impl._alias_key(s)):
        assert rows == [] and raw == []
    actors.resolve.cache_clear()
    if quick is not impl._PARSE:
        assert actors.resolve(surface) == quick


def test_adhoc_id():
    assert actors.adhoc_id("Sergei Lavrov") == "sergei_lavrov"
    assert actors.adhoc_id("the Syrian Observatory") == "syrian_observatory"
    assert actors.adhoc_id("Mr. Churkin") == "churkin"


# --------------------------------------------------------------------------- small texts

def test_metonymy_destination_is_a_place_but_a_saying_capital_is_an_actor():
    got = pairs("Assad flew to Moscow on Tuesday. Moscow says the strikes will continue.")
    assert ("Moscow", "russia", "moscow") in got
    assert [s for s, a, _ in got if a == "russia"] == ["Moscow"]     # only the second one
    m = mentions("Assad flew to Moscow on Tuesday. Moscow says the strikes will continue.")
    assert m.loc[m["actor"] == "russia", "start"].item() == 33


@pytest.mark.parametrize("text", [
    "The talks were held in Moscow.", "The visit to Russia was short.", "He will visit Moscow before Tehran.",
    "Fighting in Syria continued.", "He toured the Kremlin.", "Jets flew over Syria.",
    "He returned safely to Damascus.", "Russian television showed the meeting.",
    "The Syrian conflict began in 2011.", "Syria's war has killed thousands.",
])
def test_place_and_non_agency_uses_are_not_mentions(text):
    assert pairs(text) == []


def test_kremlin_says_and_relative_clause_make_places_act():
    assert pairs("The Kremlin said the talks went well.") == [("The Kremlin", "russia", "kremlin")]
    got = pairs("Talks will be held in Turkey, which has sent forces into Syria.")
    assert got == [("Turkey", "turkey", "turkey")]


@pytest.mark.parametrize("text, expected", [
    ("They attacked Assad's regime.", [("Assad", "assad", "assad")]),  # person possessor only
    ("A U.S. government shutdown began.", [("U.S. government", "united_states", "government")]),
    ("WASHINGTON — The senators met.", []),                        # dateline
    ("He led the Russia investigation.", []),                      # topic, not agency
    ("Shells hit a Damascus suburb.", []),                         # location
])
def test_general_rules_beyond_the_seeds(text, expected):
    assert pairs(text) == expected


def test_a_foreign_regime_is_not_the_focal_state():
    got = pairs("The North Korean regime said so.")
    assert got == [("The North Korean regime", "north_korean", "regime")]      # NER ad-hoc, not syria
    assert pairs("The North Korean regime said so.", ner=False) == []


def test_the_regime_and_the_rebels():
    got = pairs("The regime has lost ground to the rebels and other opposition groups.")
    assert got == [("The regime", "syria", "regime"), ("the rebels", "syrian_opposition", "rebels"),
                   ("opposition groups", "syrian_opposition", "opposition groups")]


def test_possessives_and_agency_adjectives():
    got = pairs("Russia's campaign and Russian airstrikes helped Assad's forces.")
    assert got == [("Russia", "russia", "russia"), ("Russian", "russia", "russian"),
                   ("Assad", "assad", "assad")]


def test_state_organs_are_one_mention_labelled_by_head():
    got = pairs("Other Russian officials praised the Syrian government and the Russian military.")
    assert got == [("Russian officials", "russia", "russian officials"),
                   ("the Syrian government", "syria", "government"),
                   ("the Russian military", "russia", "russian military")]
    # 'military' as an adjective is no organ: only the agency adjective
    assert pairs("They said the Russian military operations were legal.") == [
        ("Russian", "russia", "russian")]


def test_titles_honorifics_and_descriptors():
    got = pairs("Mr. Assad met President Vladimir Putin and Russian leader Vladimir Putin's aides. "
                "The embattled Syrian leader smiled.")
    assert got == [("Mr. Assad", "assad", "mr. assad"),
                   ("President Vladimir Putin", "putin", "president"),
                   ("Russian leader Vladimir Putin", "putin", "russian leader"),
                   ("The embattled Syrian leader", "assad", "embattled syrian leader")]


def test_quote_marks_kept_only_in_pairs_and_quantifiers_left_out():
    text = 'He struck more “moderate” rebels. "Russia is right," he said.'
    got = pairs(text)
    assert got == [("“moderate” rebels", "syrian_opposition", "moderate rebels"),
                   ("Russia", "russia", "russia")]


def test_anti_prefix_and_hyphenated_names():
    got = pairs("Rebels that are anti-Assad fought Iran-backed militias.")
    assert ("Assad", "assad", "assad") not in got
    assert ("Iran", "iran", "iran") in got


def test_offsets_slice_back_with_nbsp_and_crlf():
    text = "Vladimir Putin met Bashar al-Assad.\r\nThe\u00a0Russian leader praised the\u00a0Syrian army."
    m = mentions(text)
    assert len(m) == 4
    for r in m.itertuples():
        assert text[r.start:r.end] == r.surface
        assert r.sentence_start <= r.start < r.end <= r.sentence_end
    assert m["surface"].tolist()[2] == "The\u00a0Russian leader"


def test_sentence_numbers_match_analysis_sentences():
    from analysis.sentences import sentences

    text = "Assad flew to Moscow.\nPutin met him. The Kremlin said so.\n\nRebels fought on."
    m = mentions(text)
    sents = sentences(text).set_index("sentence")
    for r in m.itertuples():
        assert sents.loc[r.sentence, "start"] == r.sentence_start
        assert sents.loc[r.sentence, "start"] <= r.start < sents.loc[r.sentence, "end"]


def test_ner_fallback_merges_surname_and_honorific():
    text = ("Vitaly Churkin met the envoy in Geneva on Monday. Later, Churkin said the talks had "
            "failed, and Mr. Churkin left.")
    m = mentions(text)
    ner = m[m["source"] == "ner"]
    assert ner["actor"].tolist() == ["vitaly_churkin"] * 3
    assert set(ner["actor_type"]) == {"person"}
    assert ner["surface"].tolist() == ["Vitaly Churkin", "Churkin", "Mr. Churkin"]
    assert mentions(text, ner=False).empty


def test_in_quote_from_a_given_quotes_table():
    text = 'Putin said "the Syrian government is fighting terrorists" and that Russia would help.'
    q0 = text.index("the Syrian")
    q1 = text.index('" and')
    q2 = text.index("Russia would")
    quotes = pd.DataFrame({"start": [q0, text.index("that Russia") + 5], "end": [q1, len(text) - 1],
                           "kind": ["direct", "indirect"], "actor": ["putin", "putin"]})
    m = mentions(text, quotes=quotes).set_index("surface")
    assert m.loc["Putin", "in_quote"] == "no" and pd.isna(m.loc["Putin", "quote_speaker"])
    assert m.loc["the Syrian government", "in_quote"] == "direct"
    assert m.loc["terrorists", "quote_speaker"] == "putin"
    assert m.loc["Russia", "in_quote"] == "indirect"
    assert q2 == m.loc["Russia", "start"]


def test_empty_text():
    m = mentions("")
    assert m.empty and list(m.columns) == actors.COLUMNS


def test_label_table_shares_and_every_article(tmp_path):
    from analysis.corpus import load_corpus
    from conftest import write_corpus

    texts = {
        "a1": ("Leaders Meet in Moscow\n\nThe president met his allies on Tuesday to discuss the war "
               "and the talks, officials said in a statement released on Wednesday.\n"
               "The regime bombed the rebels, and the regime blamed the terrorists for the attack on "
               "the city, according to the statement.\n"
               "The talks are expected to continue next week in the capital, where the two sides "
               "will meet again to discuss the details of a ceasefire.\n").encode(),
        "a2": ("The weather was mild and the markets were calm for most of the day, according to the "
               "local reports from the region.\nThe minister said that the shops would open again on "
               "Monday and that the schools would follow within a week or two.\n").encode(),
    }
    folder = write_corpus(tmp_path / "c", texts, extra={"a2": {"outlet": "Outlet a1"}})
    corpus = load_corpus(folder)
    m = actors.corpus_mentions(corpus, quotes={"a1": NO_QUOTES, "a2": NO_QUOTES})
    tab = actors.label_table(corpus, mentions=m)
    assert set(tab["n_articles"]) == {2}
    syria = tab[tab["actor"] == "syria"].set_index("label")
    assert syria.loc["regime", "count"] == 2 and syria.loc["regime", "share"] == 1.0
    opp = tab[tab["actor"] == "syrian_opposition"]
    assert opp["share"].sum() == pytest.approx(1.0) and set(opp["label"]) == {"rebels", "terrorists"}
    counts = actors.mention_counts(m, corpus, actors=MAIN_ACTORS)
    assert len(counts) == len(MAIN_ACTORS)          # one outlet x eight actors, zeros kept


# --------------------------------------------------------------------------- gold

@pytest.fixture(scope="module")
def evaluation():
    return va.evaluate()


def test_gold_recall_per_main_actor(evaluation):
    main = evaluation["main"].set_index("actor")
    for actor in MAIN_ACTORS:
        assert main.loc[actor, "recall"] >= 0.95, (actor, main.loc[actor].to_dict())
    assert main.loc["all main actors", "recall"] >= 0.95


def test_gold_precision_f1_and_labels(evaluation):
    overall = evaluation["main"].set_index("actor").loc["all main actors"]
    # measured 1.00 on the seeds; the rules were developed on them, so leave a margin
    assert overall["precision"] >= 0.95
    assert overall["f1"] >= 0.95
    assert overall["label_accuracy"] >= 0.95
    assert overall["exact"] / overall["n_matched"] >= 0.9
    assert evaluation["all_registry"]["recall"].item() >= 0.9


def test_seed_offsets_slice_back(evaluation, seed_corpus):
    texts = dict(zip(seed_corpus["article_id"], seed_corpus["text"]))
    pred = evaluation["predicted"]
    assert len(pred) > 200
    for r in pred.itertuples():
        assert texts[r.article_id][r.start:r.end] == r.surface
