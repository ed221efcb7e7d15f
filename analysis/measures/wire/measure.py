"""Measure ``wire``: how much of an article is news-agency copy, and which agency's.

Three kinds of evidence, each with offsets into the raw page:

* **credits** (``wire_credits``; :mod:`analysis.measures.wire.credits`): the
  agency's byline, dateline (``(AP) —``) or sign-off (``— AFP``,
  ``Associated Press contributed``) credit the text to the agency; a photo
  credit only the picture; an attribution (``SANA reported``) the words
  quoted from it. ``part`` says which line of the page holds the credit
  (``body``, ``furniture`` or ``boilerplate``, from the ``lines`` measure).
* **words quoted from an agency**: body words inside quotations whose speaker
  or channel names an agency (the ``quotes`` table).
* **passages shared with other outlets' articles** (``wire_passages``;
  :mod:`analysis.measures.wire.reuse`, MinHash/LSH over the corpus pass): a
  passage found word for word (give or take an edit) in another outlet's
  article. ``own_words`` are its body words outside direct quotations — two
  outlets quoting the same statement share its words but not copy.

``wire_share`` (one row per article) combines them: ``wire_words`` are the body
words credited to an agency (all of them when a copy credit stands on the page),
quoted from an agency, or in a passage shared in the outlet's own voice;
``wire_share`` = ``wire_words`` / ``body_words`` (higher ⇒ more of the page is
someone else's copy). ``agency`` names the agency and ``basis`` the evidence,
in this order: a copy credit; the agency most quoted; an agency credited on
the page of another outlet that shares a passage; the page's own photo credit.
Without a corpus pass (one article alone) there are no shared passages.
"""

from __future__ import annotations

import collections

import numpy as np
import pandas as pd

from analysis.core import words as core_words
from analysis.core.marks import Mark, tooltip
from analysis.engine.contract import Measure, Table, register
from analysis.measures.wire import credits as wc
from analysis.measures.wire import reuse

CREDITS = Table((("agency", "str"), ("alias", "str"), ("kind", "str"), ("start", "int"), ("end", "int"),
                 ("text", "str"), ("part", "str")))
PASSAGES = Table((("start", "int"), ("end", "int"), ("words", "int"), ("body_words", "int"),
                  ("own_words", "int"), ("other", "int"), ("other_outlet", "str"), ("other_agencies", "str"),
                  ("other_start", "int"), ("other_end", "int")))
SHARE = Table((("body_words", "int"), ("credited_words", "int"), ("quoted_agency_words", "int"),
               ("shared_words", "int"), ("wire_words", "int"), ("wire_share", "float"), ("agency", "str"),
               ("basis", "str")), grain="article")
BASES = ("credit", "quoted", "shared", "photo", "")


class WireScanner(reuse.SharedPassages):
    """:class:`~analysis.measures.wire.reuse.SharedPassages`, also keeping the agencies each page credits."""

    def __init__(self):
        super().__init__()
        self._credits: list[list[tuple[int, int, str]]] = []

    def add(self, outlet: str, text: str) -> None:
        super().add(outlet, text)
        found = wc.find_credits(text)
        self._credits.append(list(zip(found["start"].tolist(), found["end"].tolist(), found["agency"].tolist())))

    def of(self, outlet: str, text: str) -> list[dict]:
        """The passages, each with ``other_agencies``: the agencies the other page credits, the one whose
        credit stands nearest the passage there first (a caption's photo credit names its agency)."""
        out = []
        for p in super().of(outlet, text):
            cr = sorted(self._credits[p["other"]], key=lambda c: (max(c[0] - p["other_end"], p["other_start"] - c[1],
                                                                      0), c[0]))
            out.append({**p, "other_agencies": ",".join(dict.fromkeys(a for _, _, a in cr))})
        return out


def _line_part(lines: pd.DataFrame, starts: list[int]) -> list[str]:
    if not len(lines):
        return ["body"] * len(starts)
    ls, le, lab = lines["start"].tolist(), lines["end"].tolist(), lines["label"].tolist()
    out = []
    for s in starts:
        k = next((i for i in range(len(ls)) if ls[i] <= s < le[i]), None)
        out.append(lab[k] if k is not None else "boilerplate")
    return out


def _mask(pos: np.ndarray, spans) -> np.ndarray:
    m = np.zeros(len(pos), dtype=bool)
    for s, e in spans:
        m |= (pos >= s) & (pos < e)
    return m


def wire_tables(text: str, body: str, lines: pd.DataFrame, quotes: pd.DataFrame, passages: list[dict]
                ) -> dict[str, pd.DataFrame]:
    """The three tables of one article from its raw ``text``, ``body``, line table, quotations and the
    corpus pass's ``passages`` (:meth:`WireScanner.of`)."""
    found = wc.find_credits(text)
    found["part"] = _line_part(lines, found["start"].tolist())
    pos = core_words.word_starts(body)
    q_spans = list(zip(quotes["start"].tolist(), quotes["end"].tolist()))
    direct = quotes["kind"] == "direct"
    quoted = _mask(pos, zip(quotes.loc[direct, "start"].tolist(), quotes.loc[direct, "end"].tolist()))
    agency_of_quote = [wc.agency_named(f"{sp or ''} {ch or ''}") for sp, ch in
                       zip(quotes["speaker"].tolist(), quotes["channel"].tolist())]
    by_agency = collections.Counter()
    agency_words = np.zeros(len(pos), dtype=bool)
    for (s, e), ag in zip(q_spans, agency_of_quote):
        if ag:
            m = _mask(pos, [(s, e)])
            by_agency[ag] += int(m.sum())
            agency_words |= m
    p_rows, shared = [], np.zeros(len(pos), dtype=bool)
    for p in passages:
        m = _mask(pos, [(p["start"], p["end"])])
        own = m & ~quoted
        shared |= own
        p_rows.append({**{k: p[k] for k in ("start", "end", "words", "other", "other_outlet", "other_start",
                                            "other_end")},
                       "other_agencies": p.get("other_agencies", ""), "body_words": int(m.sum()),
                       "own_words": int(own.sum())})
    copy = found[found["kind"].isin(wc.COPY_KINDS)]
    credited = np.ones(len(pos), dtype=bool) if len(copy) else np.zeros(len(pos), dtype=bool)
    wire = credited | agency_words | shared
    agency, basis = "", ""
    shared_agencies = [p["other_agencies"].split(",")[0] for p in p_rows if p["own_words"] and p["other_agencies"]]
    photo = found.loc[found["kind"] == "photo", "agency"].tolist()
    if len(copy):
        agency, basis = copy["agency"].iloc[0], "credit"
    elif by_agency:
        agency, basis = sorted(by_agency.items(), key=lambda kv: (-kv[1], kv[0]))[0][0], "quoted"
    elif shared_agencies:
        agency, basis = collections.Counter(shared_agencies).most_common(1)[0][0], "shared"
    elif photo:
        agency, basis = photo[0], "photo"
    n = len(pos)
    share = pd.DataFrame([{"body_words": n, "credited_words": int(credited.sum()),
                           "quoted_agency_words": int(agency_words.sum()), "shared_words": int(shared.sum()),
                           "wire_words": int(wire.sum()), "wire_share": float(wire.sum() / n) if n else 0.0,
                           "agency": agency, "basis": basis}])
    p_table = pd.DataFrame(p_rows, columns=PASSAGES.names) if p_rows else PASSAGES.empty()
    return {"wire_credits": found.astype({"start": "int64", "end": "int64"}), "wire_passages": p_table,
            "wire_share": share}


def run(article, tables):
    return wire_tables(article.text, article.body, tables["lines"], tables["quotes"],
                       article.context.get("wire", []))


def counts(article, tables) -> dict:
    s = tables["wire_share"].iloc[0]
    return {"wire_words": int(s["wire_words"]), "wire_credits": len(tables["wire_credits"]),
            "shared_passages": len(tables["wire_passages"])}


def marks(tables) -> list[Mark]:
    out = []
    if "wire_credits" in tables:
        out += [Mark(int(r.start), int(r.end), "wire", "credit", f"wc{i}", ("vw-credit", f"vw-wc-{r.kind}"),
                     tooltip(agency=r.agency, credit=r.kind, part=r.part), tag=f"{r.agency} · {r.kind}",
                     attrs={"data-agency": r.agency})
                for i, r in enumerate(tables["wire_credits"].itertuples(index=False), 1)]
    if "wire_passages" in tables:
        out += [Mark(int(r.start), int(r.end), "shared_passages", "passage", f"wp{i}", ("vw-passage",),
                     tooltip(shared_with=r.other_outlet, words=r.words, own_words=r.own_words,
                             other_agencies=r.other_agencies))
                for i, r in enumerate(tables["wire_passages"].itertuples(index=False), 1)]
    return out


MEASURE = register(Measure(
    name="wire", tables={"wire_credits": CREDITS, "wire_passages": PASSAGES, "wire_share": SHARE}, run=run,
    needs=("lines", "quotes"), counts=counts, count_columns=("wire_words", "wire_credits", "shared_passages"),
    marks=marks, layer="wire", scanner=WireScanner,
    doc="news-agency credits, passages shared with other outlets, the share of wire copy"))
