"""Headline, standfirst, lead paragraph and rest of the body, counted apart (analysis.measures.lead)."""

from __future__ import annotations

import re

import pandas as pd

from analysis.core import words as core_words
from analysis.core.article import Article
from analysis.engine import measure_article, select
from analysis.measures import lead

from conftest import PAGE


def test_parts_of_a_page():
    art = Article(text=PAGE)
    t = measure_article(art, select(["parts"]))["parts"].set_index("part")
    assert list(t.index) == list(lead.PARTS)
    head = t.loc["headline"]
    assert head["present"] and PAGE[head["start"]:head["end"]] == "Leaders Meet in Moscow to Discuss the War"
    first = t.loc["lead"]
    assert PAGE[first["start"]:first["end"]].startswith("The president flew to Moscow")
    assert t.loc["lead", "words"] + t.loc["rest", "words"] == core_words.count_words(art.body)
    assert t.loc["rest", "hedges"] >= 0 and t["words"].sum() >= core_words.count_words(art.body)


def test_a_headline_hedge_and_label_count_in_the_headline():
    text = ("Rebels Might Have Lost Aleppo, Officials Say\n\n"
            "The army said on Tuesday that it had retaken the city after weeks of fighting with rebels.\n\n"
            "Residents described heavy shelling in the eastern districts over the weekend.\n")
    rows = [(k + 1, m.start(), m.end(), m.group()) for k, m in enumerate(re.finditer(r"[^\n]+", text))]
    lines = pd.DataFrame(rows, columns=["line_no", "start", "end", "text"]).assign(
        label=["furniture", "body", "body"], reason=["headline", "model", "model"], p_body=[0.1, 0.9, 0.9])
    art = Article(text=text)
    art.with_lines(lines)
    t = measure_article(art, select(["parts"]), tables={"lines": lines})
    parts = t["parts"].set_index("part")
    assert parts.loc["headline", "hedges"] == 1           # "Might" (headline-case "May" is read as the month)
    assert parts.loc["headline", "designations"] == 1     # "Rebels"
    assert parts.loc["lead", "designations"] == 1 and parts.loc["rest", "words"] == 11
    assert not parts.loc["standfirst", "present"] and parts.loc["standfirst", "words"] == 0


def test_which_part():
    spans = {"headline": [(0, 10)], "standfirst": [], "lead": [(12, 30)], "rest": [(32, 50)]}
    assert lead.which_part(spans, [0, 11, 12, 49, 50]) == ["headline", "", "lead", "rest", ""]
