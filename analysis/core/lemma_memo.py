"""spaCy's rule lemmatizer with every lemma it computes remembered, the same lemmas faster.

spaCy's English lemmatizer derives a token's lemma from its text, part of speech and
morphology alone (``Lemmatizer.rule_lemmatize``: lookup tables, suffix rules, and the
English base-form test on the morphology), but remembers only some of its answers: a word
in its base form ("the", "said" as a past participle aside, most singular nouns) is worked out
again — the morphology turned into a dict — every time it occurs, about a tenth of the
parse. :class:`LemmaMemo` asks the stock lemmatizer once per distinct ``(text, part of speech,
morphology)`` and sets the remembered lemma on every later token with the same three, leaving
a lemma set before it (by the attribute ruler) alone unless the lemmatizer overwrites. The
result is the same document (``tests/test_spacy_components.py`` compares ``Doc.to_bytes`` with
the stock pipeline's); :func:`analysis.nlp.load_nlp` swaps it in for a rule-mode lemmatizer.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.pipeline import Lemmatizer

FACTORY = "framing_lemma_memo"
#: Distinct (text, part of speech, morphology) keys remembered.
MEMO_SIZE = 200_000


class LemmaMemo:
    """A pipeline component: the stock lemmatizer's lemmas, each distinct key computed once."""

    def __init__(self, nlp: Language, name: str = "lemmatizer"):
        self.name = name
        self.stock: Lemmatizer | None = None
        self._memo: dict = {}

    def wrap(self, stock: Lemmatizer) -> "LemmaMemo":
        """Wrap the stock lemmatizer. Lemmas are computed by a twin of it (same class, tables and
        mode) whose ``lemma_index`` word lists are sets: the rules ask only whether a candidate
        form is in the list, which a list answers by a scan of thousands of words."""
        from spacy.lookups import Lookups

        self.stock = stock
        twin = type(stock)(stock.vocab, stock.model, name=stock.name, mode=stock.mode,
                           overwrite=stock.overwrite)
        twin.lookups = Lookups()
        for table_name in stock.lookups.tables:
            table = stock.lookups.get_table(table_name)
            twin.lookups.add_table(table_name, {key: frozenset(v) if table_name == "lemma_index" else v
                                                for key, v in table.items()})
        self._twin = twin
        self._memo.clear()
        return self

    def __call__(self, doc):
        from spacy.attrs import LEMMA, MORPH, ORTH, POS

        if not len(doc):
            return doc
        rows = doc.to_array([ORTH, POS, MORPH, LEMMA])
        lemmas = rows[:, 3].copy()
        overwrite = self.stock.overwrite
        strings = doc.vocab.strings
        memo = self._memo
        changed = False
        for i, (orth, pos, morph, lemma) in enumerate(rows.tolist()):
            if not overwrite and lemma != 0:
                continue
            key = (orth, pos, morph)
            value = memo.get(key)
            if value is None:
                if len(memo) >= MEMO_SIZE:
                    memo.clear()
                value = memo[key] = strings.add(self._twin.lemmatize(doc[i])[0])
            lemmas[i] = value
            changed = True
        if changed:
            doc.from_array([LEMMA], lemmas.reshape(-1, 1))
        return doc

    def to_bytes(self, **kwargs):
        return self.stock.to_bytes(**kwargs)

    def from_bytes(self, data, **kwargs):
        self.stock.from_bytes(data, **kwargs)
        return self.wrap(self.stock)


@Language.factory(FACTORY)
def make_lemma_memo(nlp: Language, name: str):
    return LemmaMemo(nlp, name)


def swap_in(nlp) -> bool:
    """Replace ``nlp``'s ``lemmatizer`` by :class:`LemmaMemo` around it when it is spaCy's rule
    lemmatizer (whose lemma depends on text, part of speech and morphology only); returns whether
    it did (otherwise ``nlp`` is untouched)."""
    if "lemmatizer" not in nlp.pipe_names:
        return False
    stock = nlp.get_pipe("lemmatizer")
    if not isinstance(stock, Lemmatizer) or stock.mode != "rule":
        return False
    nlp.replace_pipe("lemmatizer", FACTORY).wrap(stock)
    return True
