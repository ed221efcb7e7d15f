"""Hypothesis strategies for hostile and messy article text (shared by tests/test_robustness_*.py).

Texts mix arbitrary Unicode with the pieces that break text code: every kind of
quotation mark (balanced or not), CR, LF and CRLF line ends, Unicode line and
paragraph separators, a byte-order mark, zero-width and bidi characters, RTL
script, combining marks, emoji, NUL and other control characters, and news words
the measures look for (actors, reporting verbs, hedges, chrome phrases).
"""

from __future__ import annotations

from hypothesis import example, settings, strategies as st

#: For tests that parse every example: a quarter of the profile's examples (imported after
#: tests/conftest.py has loaded the profile).
FEW = settings(max_examples=max(5, settings.default.max_examples // 4))

QUOTE_MARKS = ['"', "'", "“", "”", "‘", "’", "„", "«", "»", "‹", "›", "`"]
BREAKS = ["\n", "\r", "\r\n", "\n\n", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\x1e"]
ODD = ["\ufeff", "\u200b", "\u200c", "\u200d", "\u2060", "\u202e", "\u200f", "\x00", "\x01", "\x07",
       "\x1b", "\x7f", "\u00a0", "\u3000", "\t", " ", "   ", "\u0301", "\u0308\u0308", "\u05d0\u05d1",
       "\u0645\u0631\u062d\u0628\u0627", "\u4e2d\u6587", "\U0001F600", "\U0001F44D\U0001F3FD",
       "\U0001F1F8\U0001F1FE", "\uFFFD", ".", ",", ":", ";", "!", "?", "(", ")", "[", "-", "\u2014", "\u2026"]
WORDS = ["Assad", "Putin", "Bashar al-Assad", "said", "says", "told", "the", "regime", "rebels",
         "Moscow", "Syria", "Russia's", "U.S.", "may", "might", "according to", "officials",
         "terrorists", "analysts", "believe", "reportedly", "about 50", "2015", "he", "She",
         "Subscribe", "Read more", "By Jane Doe", "Sign up for our newsletter", "Photo: AP",
         "Reuters reports:", "The Kremlin", "Islamic State", "clearly", "if"]

piece = st.one_of(st.sampled_from(QUOTE_MARKS), st.sampled_from(BREAKS), st.sampled_from(ODD),
                  st.sampled_from(WORDS), st.text(max_size=4))
#: Short hostile texts: a mix of the pieces above, joined with or without spaces.
hostile = st.builds(lambda parts, sep: sep.join(parts), st.lists(piece, max_size=40),
                    st.sampled_from(["", " ", "  "]))
#: Arbitrary Unicode (no surrogates), or hostile pieces, or only quotation marks and spaces.
texts = st.one_of(
    st.text(max_size=200),
    hostile,
    st.lists(st.sampled_from(QUOTE_MARKS + [" ", "\n"]), max_size=60).map("".join),
    st.lists(st.sampled_from(BREAKS + [" ", "\t", "\u00a0"]), max_size=20).map("".join),
)

#: Fixed examples every property also sees (hypothesis @example decorators).
EDGE_CASES = ["", " ", "\n", "\r\n\r\n", "\r", "\ufeff", "\ufeffAssad said \"no\".\r\n",
              '"', '""', '"""', "“", "”", "“”", "„“", '"a', 'a"', "“unclosed\n”closed”",
              "'", "‘’’‘", "\x00\x00", "a\u0301\u0301", "\u202eRTL said \u05d0\u05d1.",
              '"' * 50, "“" * 30 + "”" * 7, "Putin said\r\"yes\rno\"\r", "\u2028\u2029\x85"]


def non_space_positions(text: str) -> list[int]:
    """Positions of characters that belong to some line's content (not whitespace)."""
    return [i for i, c in enumerate(text) if not c.isspace()]


def assert_spans_slice_back(table, text: str, start="start", end="end", value="text") -> None:
    """Every row's ``[start, end)`` lies inside ``text`` and slices back to ``value``."""
    for s, e, v in zip(table[start], table[end], table[value]):
        assert 0 <= s <= e <= len(text), (s, e, len(text))
        assert text[s:e] == v, (s, e, text[s:e], v)


def assert_no_overlap(pairs) -> None:
    """Half-open spans ``(start, end)`` do not overlap one another."""
    spans = sorted((int(s), int(e)) for s, e in pairs)
    for (s0, e0), (s1, e1) in zip(spans, spans[1:]):
        assert e0 <= s1, ((s0, e0), (s1, e1))


def with_edge_cases(test, extra=()):
    """Run ``test`` on every fixed edge case (and ``extra``) besides the generated examples."""
    for case in [*EDGE_CASES, *extra]:
        test = example(case)(test)
    return test


def assert_offset_table(table, columns, text: str, value: str = "text") -> None:
    """A measure's table: the documented columns, offsets that slice back, no overlaps."""
    assert list(table.columns) == list(columns)
    assert_spans_slice_back(table, text, value=value)
    assert_no_overlap(zip(table["start"], table["end"]))
