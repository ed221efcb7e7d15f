"""Quotations: the news conventions the issue names, each on a small known text, plus gold scores."""

from __future__ import annotations

import pytest

from analysis import quotes as q
from analysis.validation import quotes as vq


def one(text, **expect):
    rows = q.extract_quotes(text)
    for r in rows.itertuples():
        assert text[r.start:r.end] == r.text
        if r.speaker_start >= 0:
            assert text[r.speaker_start:r.speaker_end] == r.speaker
        if r.cue_start >= 0:
            assert text[r.cue_start:r.cue_end] == r.cue
    return rows


def test_curly_quote_speaker_after():
    t = "“We will win this war,” Assad told President Putin."
    r = one(t)
    assert len(r) == 1
    row = r.iloc[0]
    assert (row.kind, row.text, row.speaker, row.cue, row.actor) == (
        "direct", "We will win this war,", "Assad", "told", "assad")
    assert row.speaker_type == "official"


def test_straight_quotes_inverted_speaker_with_apposition_and_nested_single_quotes():
    t = ("\"Russia isn't playing this game of distinguishing between 'good' terrorists and 'bad' ones,\" "
         "says Ivan Petrov, president of the independent Institute of Middle East Studies in Moscow.")
    r = one(t)
    assert r["speaker"].tolist() == ["Ivan Petrov"]
    assert r["speaker_type"].tolist() == ["expert"]  # from the apposition
    scare = q.scare_quotes(t)
    assert sorted(scare["text"]) == ["bad", "good"] and set(scare["inside_quote"]) == {"direct"}


def test_quote_spanning_sentences_is_one_row():
    t = "“The talks went well. We agreed on much. More will follow,” the minister said."
    r = one(t)
    assert len(r) == 1 and r.iloc[0].text.startswith("The talks") and r.iloc[0].text.endswith("follow,")


def test_quote_continued_over_paragraphs():
    t = ("Putin added that Moscow believes that \"a long-term settlement can only be achieved "
         "as part of a political process.\n\n\"The Syrian people have been fighting on their own,\" Putin said.")
    r = one(t)
    direct = r[r["kind"] == "direct"]
    assert len(direct) == 1
    assert direct.iloc[0].text.startswith("a long-term") and direct.iloc[0].text.endswith("on their own,")
    assert direct.iloc[0].actor == "putin"


def test_unclosed_quote_without_continuation_ends_with_its_paragraph():
    t = "He said \"this never closes\n\nA new paragraph with no quotation mark."
    spans = q.quotation_spans(t)
    assert [t[s.start:s.end] for s in spans] == ["this never closes"]


def test_speaker_before_quote_with_colon():
    t = "The Kremlin spokesman said: “The visit was a success.”"
    r = one(t)
    d = r[r["kind"] == "direct"].iloc[0]
    assert d.speaker == "The Kremlin spokesman" and d.speaker_type == "official"


def test_according_to():
    t = "According to the United Nations, the war has killed 250,000 people."
    r = one(t)
    assert r.iloc[0].kind == "indirect" and r.iloc[0].speaker == "the United Nations"
    assert r.iloc[0].text.startswith("the war has killed")


def test_according_to_rules_is_not_attribution():
    t = "He spoke on condition of anonymity according to the rules of his ministry."
    assert one(t).empty


def test_channel_is_not_the_speaker():
    t = "“Terrorism is an obstacle to a political solution,” the presidency statement quoted Assad as saying."
    r = one(t)
    row = r.iloc[0]
    assert row.speaker == "Assad" and row.actor == "assad"
    assert row.channel == "the presidency statement"


def test_channel_with_indirect_speech():
    t = "Syria's Ikhbariyah news channel quoted Assad as saying that the Russian airstrikes have helped."
    r = one(t)
    row = r[r["kind"] == "indirect"].iloc[0]
    assert row.speaker == "Assad" and "Ikhbariyah" in row.channel
    assert row.text == "the Russian airstrikes have helped"


def test_reports_colon_block_quotes_the_outlet():
    t = ("The conflict has killed many people. Reuters reports:\n\n"
         "Iran has long been a strong ally, and the visit is likely to be read as a sign of change.\n\n"
         "Other news followed.")
    r = one(t)
    block = r[r["kind"] == "direct"]
    assert len(block) == 1 and block.iloc[0].speaker == "Reuters"
    assert block.iloc[0].text.startswith("Iran has long") and block.iloc[0].speaker_type == "other_media"


def test_pronoun_speaker_resolved_to_earlier_person():
    t = ("Vladimir Putin met the Syrian leader on Tuesday.\n\n"
         "“We discussed the military operation,” he said.")
    r = one(t)
    row = r.iloc[0]
    assert row.speaker == "he" and row.actor == "putin" and row.resolved_from


def test_anonymous_source():
    t = ("“He will return home reinforced,” said a Western diplomat in the region, "
         "who spoke on the condition of anonymity.")
    r = one(t)
    assert r.iloc[0].speaker == "a Western diplomat in the region"
    assert r.iloc[0].speaker_type == "anonymous"


def test_scare_quotes_are_not_quotations():
    t = "Russia has struck more “moderate” rebels and the “terrorist” organisations, officials said."
    r = one(t)
    assert not (r["kind"] == "direct").any()
    assert q.scare_quotes(t)["text"].tolist() == ["moderate", "terrorist"]


def test_indirect_inverted_and_collective():
    t = "Critics and the U.S. say the intervention props up Assad and is likely to fan the violence."
    r = one(t)
    row = r.iloc[0]
    assert row.kind == "indirect" and row.speaker == "Critics and the U.S." and row.speaker_type == "collective"
    assert row.text.startswith("the intervention")


def test_quotation_interrupted_by_its_attribution_shares_one_attribution():
    t = "“Every time you repeat it,” Ames said, referring to the rumour, “you hand them a weapon.”"
    r = one(t)
    assert len(r[r["kind"] == "direct"]) == 2
    assert r["attribution"].nunique() == 1 and set(r["speaker"]) == {"Ames"}


def test_fragment_flag():
    t = "Putin said the government “had achieved significantly positive results” in its fight."
    r = one(t)
    d = r[r["kind"] == "direct"].iloc[0]
    assert bool(d.fragment) and d.speaker == "Putin"
    assert (r["kind"] == "indirect").any()


def test_empty_and_quote_marks_only():
    assert q.extract_quotes("").empty and q.scare_quotes("   ").empty
    r = q.extract_quotes("\"\" “” ' \" “")
    assert all(r["end"] >= r["start"])


def test_lexicons_have_sources():
    assert (q.reporting_verbs()["source"].str.len() > 5).all()
    assert (q.attribution_cues()["source"].str.contains("PolNeAR train")).all()


def test_ledger_counts(seed_corpus):
    quotes, _scare, bodies = q.corpus_quotes(seed_corpus)
    ledger = q.speaker_ledger(quotes, bodies)
    assert set(ledger["article_id"]) == set(seed_corpus["article_id"])
    assert (ledger["share_of_body"].between(0, 1)).all()
    assert (ledger["first_position"].between(0, 1)).all()
    assert (ledger["quotes"] == ledger["direct"] + ledger["indirect"]).all()


def test_typewriter_quotation_marks():
    t = "''We will not give up,'' the mayor said. ''The city will be rebuilt.''"
    r = one(t)
    assert r["text"].tolist() == ["We will not give up,", "The city will be rebuilt."]
    assert set(r["speaker"]) == {"the mayor"} and r["attribution"].nunique() == 1


def test_span_stops_at_according_to_and_dateline_attribution():
    t = "The president said the talks had been useful, according to a statement released by his office."
    r = one(t)
    row = r[r["kind"] == "indirect"].iloc[0]
    assert row.text == "the talks had been useful" and "statement" in row.channel


def test_appositive_gloss_is_the_writers():
    t = "Troops took control of Dalwa, one of the last towns held by rebels, the agency reported."
    r = one(t)
    assert r["text"].tolist() == ["Troops took control of Dalwa"] and r.iloc[0].speaker == "the agency"


def test_two_speakers_words_are_two_quotations():
    t = ("The ministry told Interfax the border was calm, while the governor said that patrols would "
         "continue, Interfax reported, citing officials.")
    r = one(t).set_index("speaker")
    assert r.loc["The ministry", "text"] == "the border was calm"
    assert r.loc["the governor", "text"] == "patrols would continue"
    assert r.loc["Interfax", "text"].startswith("The ministry told Interfax")  # the outer report


def test_purpose_clause_reports_nothing():
    assert one("The minister flew to Paris to thank the president for his support.").empty


def test_reprint_credited_in_the_paragraph_before_with_an_editorial_bracket():
    t = ("Some say the talks failed. According to The Daily Gazette, many fear the worst.\n\n"
         "But the new deal has clearly strengthened the coalition and given it room to move.\n\n"
         "[The minister] and his aides have said that they will not resign.\n\n"
         "The minister arrived in the capital on Monday.")
    r = one(t)
    block = r[(r["kind"] == "direct")]
    assert len(block) == 1 and block.iloc[0].speaker == "The Daily Gazette"
    assert block.iloc[0].text.startswith("But the new deal") and block.iloc[0].text.endswith("will not resign.")
    nested = r[r["cue"] == "have said"].iloc[0]
    assert nested.speaker == "[The minister] and his aides" and nested.channel == "The Daily Gazette"


def test_a_credit_without_evidence_is_no_reprint():
    t = ("According to The Daily Gazette, many fear the worst.\n\n"
         "The new deal has strengthened the coalition.\n\nThe minister arrived on Monday.")
    assert not (one(t)["kind"] == "direct").any()


def test_house_style_marks_the_reprint():
    t = ("Officials met on Monday and said “the meeting went well.” The talks will go on, the Daily Gazette "
         "reported.\n\n"
         "Sources insist the plan works.\n\n"
         "\"It is the only way,\" says one analyst.")
    assert q.extract_quotes(t).query("kind == 'direct' and speaker == 'the Daily Gazette'").shape[0] == 1
    assert q.reprint_evidence('"It is the only way," says one analyst.', "said “the meeting went well.” and “more”")
    assert not q.reprint_evidence("Sources insist the plan works.", "said “the meeting went well.”")


def test_scorer_exact_and_voice():
    text = "“Yes,” he said. It rained."
    gold = [{"content": [(0, 6)], "speaker": [(7, 9)]}]
    pred = [{"content": [(1, 5)], "speaker": [(7, 9)]}]
    assert vq.exact_matches(text, gold, pred) == 1
    assert vq.exact_matches(text, gold, [{"content": [(1, 3)], "speaker": []}]) == 0
    assert vq.voice_tally(text, [(1, 5)], []) == (4, 5)


# --- against human labels -------------------------------------------------------------

#: Measured against the adjudicated seed gold (16 direct, 53 quotations in all): direct P = R = 1.0
#: (the two reprinted blocks of 000 found from their evidence), all-quotation F1 0.96 (exact 0.92),
#: speakers 0.98, speaker types 0.82, voice of body words 0.975. Issue 17's targets: direct P and R
#: ≥ 0.95, speakers ≥ 0.90, voice ≥ 0.97.
SEED_FLOORS = {("direct", "precision"): 0.95, ("direct", "recall"): 0.95, ("direct", "speaker_right"): 0.9,
               ("all", "f1"): 0.94, ("all", "exact_f1"): 0.91, ("all", "speaker_right"): 0.95,
               ("all", "speaker_type_right"): 0.78, ("all", "voice_accuracy"): 0.97}


def test_seed_gold(seed_corpus):
    scores = vq.score_seeds(seed_corpus).set_index(["system", "quotes"])
    for (kind, col), floor in SEED_FLOORS.items():
        assert scores.loc[("extract_quotes", kind), col] >= floor, (kind, col)
    for kind in ("direct", "all"):
        assert scores.loc[("extract_quotes", kind), "f1"] > scores.loc[("baseline", kind), "f1"] + 0.1
    assert scores.loc[("extract_quotes", "all"), "voice_accuracy"] > \
        scores.loc[("baseline", "all"), "voice_accuracy"] + 0.1


#: Measured on PolNeAR dev (84 articles, one annotator each; rules written and the whole/fragment decision
#: fitted on PolNeAR train only; outermost attributions, as PolNeAR is univocal): the study's scope
#: (speech) direct F1 0.928 (P 0.939, R 0.917; exact 0.884), all attributions 0.653; PolNeAR's broader
#: scope (extract_attributions) direct 0.936 (exact 0.897) and all 0.710; speakers 0.90-0.91; voice of
#: words 0.82-0.84; the regex baseline 0.567 and 0.419. With the hand-written rule alone (session 7) the
#: direct figures were 0.919 and 0.925, so the floors below fail on it. Train (840 articles, out-of-fold):
#: 0.914 / 0.917 direct, rule alone 0.904 / 0.908 (analysis/data/fragment_model.md).
POLNEAR_FLOORS = {("extract_quotes", "direct", "f1"): 0.925, ("extract_quotes", "direct", "exact_f1"): 0.88,
                  ("extract_quotes", "all", "f1"): 0.65,
                  ("extract_quotes", "direct", "speaker_right"): 0.895,
                  ("extract_quotes", "all", "speaker_right"): 0.90,
                  ("extract_quotes", "all", "voice_accuracy"): 0.82,
                  ("extract_attributions", "direct", "f1"): 0.93,
                  ("extract_attributions", "direct", "exact_f1"): 0.89,
                  ("extract_attributions", "all", "f1"): 0.705,
                  ("extract_attributions", "all", "voice_accuracy"): 0.835}


@pytest.mark.shared_data
def test_polnear_dev(shared_data):
    scores = vq.score_polnear(vq.polnear_dev(shared_data)).set_index(["system", "quotes"])
    for (system, kind, col), floor in POLNEAR_FLOORS.items():
        assert scores.loc[(system, kind), col] >= floor, (system, kind, col)
    for kind in ("direct", "all"):
        assert scores.loc[("extract_quotes", kind), "f1"] > scores.loc[("baseline", kind), "f1"] + 0.1


def test_scorer_groups_rows_into_outermost_attributions():
    t = "“We will win,” Ana said. “Soon.” Bo says he thinks it will rain."
    rows = q.extract_quotes(t)
    direct = vq.attributions(rows, direct_only=True)
    assert len(direct) == 1 and len(direct[0]["content"]) == 2  # one cue, two stretches of words
    items = vq.outermost(vq.attributions(rows))
    assert len(items) == 2  # "thinks it will rain" lies inside what Bo says


def test_unknown_scope_is_an_error():
    from analysis.measures.quotes import attribution
    with pytest.raises(ValueError, match="scope"):
        attribution.extract("He said it rained.", None, None, scope="everything")


def test_attribution_scope_reads_more_than_speech():
    t = "The two leaders discussed the future of the region."
    assert q.extract_quotes(t).empty
    assert len(q.extract_attributions(t)) == 1


# --- issue 17, PolNeAR train error listing: the causes fixed, each on a small text ---

def test_quotation_after_its_speech_verb_is_whole():
    t = "Protesters gathered outside the hall, chanting “Dump Trump now.”"
    r = one(t)
    d = r[r["kind"] == "direct"]
    assert len(d) == 1 and not d.iloc[0].fragment
    t = "Kellner told her volunteers, “I still believe in this town, and I always will.”"
    d = one(t)
    assert d.iloc[0].kind == "direct" and not d.iloc[0].fragment and d.iloc[0].speaker == "Kellner"


def test_quotation_completing_a_clause_begun_before_its_marks_is_a_fragment():
    t = "Farmers are “waiting to see who stands with them on the water bill,” said Tomas Ruiz."
    d = one(t)
    d = d[d["kind"] == "direct"]
    assert len(d) == 1 and d.iloc[0].fragment


def test_quotation_the_writers_sentence_runs_on_from_is_a_fragment():
    # the words after the closing mark continue the quoted clause: a mixed report
    d = one("“This will be a hard winter” for the mayor, said Ruth Kellner.")
    d = d[d["kind"] == "direct"]
    assert len(d) == 1 and d.iloc[0].fragment
    # … but not when the quotation closes its own clause, or only the attribution follows
    d = one("“Ladies and gentlemen, our next guest,” said Ruth Kellner, who then left the stage.")
    d = d[d["kind"] == "direct"]
    assert len(d) == 1 and not d.iloc[0].fragment
    d = one("“We are ready” Ruth Kellner said.")
    d = d[d["kind"] == "direct"]
    assert len(d) == 1 and not d.iloc[0].fragment


def test_quotation_after_the_writers_that_is_a_fragment():
    d = one("Ruth Kellner told reporters that “the budget will pass before the summer.”")
    d = d[d["kind"] == "direct"]
    assert len(d) == 1 and d.iloc[0].fragment


def test_cue_quoting_a_whole_quotation_reports_nothing_else():
    t = "“Get your boots on because we have a long road to walk!” he told the cheering crowd."
    r = one(t)
    assert r["kind"].tolist() == ["direct"]


def test_nearer_of_two_subjects_is_the_speaker():
    t = ("“And now that we are here, I want to thank Mayor Lena Ruiz for the bridge,” Okafor said, "
         "“and I will back her plan.”")
    r = one(t)
    assert set(r["speaker"]) == {"Okafor"} and r["attribution"].nunique() == 1


def test_closing_cue_is_looked_for_in_the_quotations_own_paragraph():
    t = "“We need a new mayor -- FAST!”\n\nSen. Ann Birch said the speech failed to address the threat."
    r = one(t)
    d = r[r["kind"] == "direct"]
    assert d.iloc[0].speaker != "Sen. Ann Birch"


def test_gerund_after_a_preposition_takes_the_governing_subject():
    t = ("He only hinted at the mayor by mentioning the state of the old bridge and adding, "
         "“I have an idea of who should pay for it.”")
    d = one(t)
    d = d[d["kind"] == "direct"]
    assert d.iloc[0].cue == "adding" and d.iloc[0].speaker == "He" and not d.iloc[0].fragment


def test_gold_direct_counts_the_marks_just_outside_its_content():
    t = "He said, ''Yes, we will,'' and left. Then \"A\" and \"B\" followed."
    s = t.index("Yes")
    assert vq.is_direct(t, [(s, t.index("will") + 4)])            # marks left out
    assert vq.is_direct(t, [(s - 1, t.index("will,") + 6)])       # half of each '' pair
    a = t.index(" and \"B") + 1
    assert not vq.is_direct(t, [(a, a + 3)])                      # "and" between two quotations


def test_direct_attribution_is_its_whole_quotations():
    t = "Remarking upon his “quiet courage,” Lowe said, “Forget the bluster, he listens to people.”"
    rows = q.extract_quotes(t)
    direct = vq.attributions(rows, direct_only=True)
    assert len(direct) == 1
    assert [t[s:e] for s, e in direct[0]["content"]] == ["Forget the bluster, he listens to people."]
    terms = q.extract_quotes("Critics called the plan a “disaster for working families in the state.”")
    assert vq.attributions(terms, direct_only=True) == []        # quoted terms only: mixed


def test_direct_errors_names_a_cause_for_each_error():
    text = "“We will win,” Ana said. Critics called it a “disaster of the first order.”"
    w = text.index("We will win")
    d = text.index("disaster")
    assert text[w:w + 11] == "We will win"
    gold = [{"content": [(d - 1, d + 28)], "speaker": [], "cue": [], "direct": True, "actor": ""}]
    errors = vq.direct_errors([{"name": "a", "text": text, "attributions": gold}], [q.extract_quotes(text)])
    # the quoted term is part of the reported 'called it a …' (mixed); Ana's words have no gold
    assert errors[["error", "cause"]].values.tolist() == [["missed", "mixed"], ["spurious", "no gold"]]


# --- whole quotation or fragment: the fitted decision over the rules' evidence ---

def test_every_direct_row_reports_the_evidence_its_flag_was_decided_from():
    from analysis.measures.quotes import attribution, fragments
    t = ("“We will not wait any longer,” Ruth Kellner said on Monday. She called the plan a “slow disaster” "
         "for the valley, and added that the council “has run out of excuses.”")
    evidence: list = []
    table, _ = attribution.extract(t, None, None, evidence=evidence)
    direct = table[table["kind"] == "direct"]
    assert [(s, e) for s, e, _ in evidence] == list(zip(direct["start"], direct["end"]))
    for (_s, _e, features), flag in zip(evidence, direct["fragment"]):
        assert 0.0 < fragments.whole_probability(features) < 1.0
        assert bool(flag) == (not fragments.is_whole(features))
    assert direct["fragment"].tolist() == [False, True, True]


def test_fragment_flag_follows_the_weights(monkeypatch):
    from analysis.measures.quotes import attribution, fragments
    t = "“We are ready,” Ruth Kellner said. Farmers are “tired of waiting,” said Tomas Ruiz."
    # weights that only repeat the hand-written rule give the rule's verdicts …
    monkeypatch.setattr(fragments, "weights", lambda: (4.0, {"rule": -8.0}, {}))
    evidence: list = []
    table, _ = attribution.extract(t, None, None, evidence=evidence)
    assert table.loc[table["kind"] == "direct", "fragment"].tolist() == [bool(f["rule"]) for _, _, f in evidence]
    # … and a pair's weight counts only when both of its features are present
    monkeypatch.setattr(fragments, "weights", lambda: (1.0, {}, {("capital", "rule"): -3.0}))
    assert fragments.is_whole({"capital": 1.0}) and not fragments.is_whole({"capital": 1.0, "rule": 1.0})


def test_shipped_fragment_model_is_readable():
    from analysis.measures.quotes import fragments
    intercept, single, pairs = fragments.weights()
    assert "rule" in single and single["rule"] < 0  # the rule's "fragment" counts against a whole quotation
    assert pairs and all(a < b for a, b in pairs)


def test_whole_labels_read_the_gold_attribution_covering_a_quotation():
    gold = [{"content": [(10, 30)], "direct": True}, {"content": [(40, 80)], "direct": False}]
    assert vq.whole_labels(gold, [(11, 29), (50, 60), (85, 95), (28, 45)]) == [1, 0, None, None]


def test_a_block_without_quotation_marks_is_decided_by_the_rule(monkeypatch):
    # a paragraph introduced by "… reports:" is a block quotation without marks; the fitted decision reads
    # what surrounds quotation marks, so a block keeps the rule's verdict (whole) whatever the weights say
    from analysis.measures.quotes import fragments
    monkeypatch.setattr(fragments, "weights", lambda: (-10.0, {}, {}))  # weights calling everything a fragment
    t = ("The Daily Ledger reports:\n\nThe mayor met the union leaders on Monday, and both sides said the strike "
         "would end before the winter.\n\n“We will vote next week,” the council chair said.")
    d = q.extract_quotes(t)
    d = d[d["kind"] == "direct"].set_index("start")["fragment"]
    assert not d[t.index("The mayor")] and d[t.index("We will")]
