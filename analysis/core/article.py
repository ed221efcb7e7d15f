"""An article as the engine hands it to the measures.

:class:`Article` holds the raw page and what the engine derives from it once:
its line table (from the boilerplate measure), its ``body`` (the raw page with
every non-body line blanked, same length, so offsets into it index the raw
page), its ``lead_text`` (the body plus headline and standfirst, which actor
measures also read), and its :class:`~analysis.core.parse.Parse`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from analysis.core.parse import Parse

#: Furniture lines read with the body by measures of the whole story (actors, labels): the
#: story's own headline and standfirst, its most visible words. Captions, credits, bylines stay out.
LEAD_REASONS = ("headline", "standfirst")


def blank_outside(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """``text`` with every character outside ``spans`` (but line breaks) replaced by a space."""
    chars = [c if c in "\r\n" else " " for c in text]
    for start, end in spans:
        chars[start:end] = text[start:end]
    return "".join(chars)


def kept_text(text: str, lines: pd.DataFrame, labels: Iterable[str] = ("body",),
              reasons: Iterable[str] = ()) -> str:
    """``text`` with only the lines labelled ``labels`` (or with a ``reason`` in ``reasons``) kept."""
    labels, reasons = set(labels), set(reasons)
    has_reason = "reason" in lines.columns
    keep = [(s, e) for s, e, lab, why in zip(lines["start"].tolist(), lines["end"].tolist(),
                                            lines["label"].tolist(),
                                            lines["reason"].tolist() if has_reason else [""] * len(lines))
            if lab in labels or why in reasons]
    return blank_outside(text, keep)


@dataclass
class Article:
    """One article: identity, raw text, and (once the engine has prepared it) lines, body and parse.

    ``meta`` carries the corpus fields that are not text (title, published,
    event, the input line); ``context`` what the engine's corpus pass found for
    it, by measure (e.g. the lines repeated across its outlet's pages); ``given``
    tables a caller computed already (e.g. its line table), used instead of
    running the measure that returns them. An article made from a bare text
    (:meth:`plain`) has no line table: all of it is body.
    """

    text: str
    article_id: str = ""
    outlet: str = ""
    meta: dict = field(default_factory=dict)
    context: dict = field(default_factory=dict)
    given: dict = field(default_factory=dict)
    lines: pd.DataFrame | None = None
    body: str = ""
    lead_text: str = ""
    parse: Parse | None = None

    @classmethod
    def plain(cls, text: str, **fields) -> "Article":
        """A text taken as it is: body and lead text are the whole text (no boilerplate step)."""
        return cls(text=text, body=text, lead_text=text, **fields)

    def with_lines(self, lines: pd.DataFrame) -> None:
        """Set the line table and the body and lead text derived from it."""
        self.lines = lines
        self.body = kept_text(self.text, lines)
        self.lead_text = kept_text(self.text, lines, reasons=LEAD_REASONS)

    def texts(self) -> tuple[str, ...]:
        """The texts the measures read: the lead text (it contains the body's pieces)."""
        return (self.lead_text,)
