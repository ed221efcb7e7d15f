"""Measure ``lines``: every non-blank line of the raw page labelled body, furniture or boilerplate.

The logic is :mod:`analysis.measures.boilerplate`; this module declares it to
the engine. It reads no parse (it runs first, and decides what is parsed: the
body and the story's headline and standfirst). Its corpus pass finds lines
repeated across an outlet's pages (template chrome).
"""

from __future__ import annotations

from analysis.core import words as core_words
from analysis.core.marks import Mark, tooltip
from analysis.engine.contract import Measure, Table, register
from analysis.measures import boilerplate

LINES = Table((("line_no", "int"), ("start", "int"), ("end", "int"), ("text", "str"), ("label", "str"),
               ("reason", "str"), ("p_body", "float")))


def run(article, tables):
    return {"lines": boilerplate.segment(article.text, repeated=article.context.get("lines", ()))}


def counts(article, tables) -> dict:
    """Characters of the page by label (non-whitespace) and body words (:mod:`analysis.core.words`)."""
    chars = {"body": 0, "furniture": 0, "boilerplate": 0}
    lines = tables["lines"]
    for line, label in zip(lines["text"].tolist(), lines["label"].tolist()):
        chars[label] = chars.get(label, 0) + len("".join(line.split()))  # split() drops exactly the isspace() characters
    return {"chars": len(article.text), "nonspace_chars": sum(chars.values()),
            "chrome_chars": chars["furniture"] + chars["boilerplate"],
            "boilerplate_chars": chars["boilerplate"], "body_words": core_words.count_words(article.body)}


def marks(tables) -> list[Mark]:
    return [Mark(int(r.start), int(r.end), "boilerplate", "line", f"l{int(r.line_no)}",
                 (f"vw-{r.label}",), tooltip(line=int(r.line_no), label=r.label, reason=r.reason,
                                             p_body=f"{float(r.p_body):.2f}"),
                 attrs={"data-label": r.label})
            for r in tables["lines"].itertuples(index=False)]


MEASURE = register(Measure(
    name="lines", tables={"lines": LINES}, run=run, parse=False, counts=counts,
    count_columns=("chars", "nonspace_chars", "chrome_chars", "boilerplate_chars", "body_words"),
    marks=marks, layer="boilerplate", scanner=boilerplate.RepeatedLines,
    doc="boilerplate, furniture and body lines"))
