"""spaCy's attribute ruler, the same annotations found by look-ups instead of the Matcher.

``en_core_web_sm`` maps its fine-grained tags to coarse parts of speech and morphology, and
fixes some words' lemmas, with an ``AttributeRuler`` of 179 token patterns ("TAG = VBD → POS
VERB, Tense=Past", "TAG = PRP and LOWER = her → LEMMA she"). spaCy runs them through its
general ``Matcher`` and builds a ``Span`` for every match — one or two per token — which costs
about a sixth of the whole parse. The patterns are almost all one token with equality tests,
so :class:`FastAttributeRules` evaluates each rule's token tests directly (cached per distinct
``(tag, lower, dep, is_space)``), and applies the matched rules' attributes in the ruler's own
order (rule by rule, later rules overriding earlier ones, as ``AttributeRuler.set_annotations``
does). The result is the same document: :func:`analysis.nlp.load_nlp` swaps it in only when
every pattern is of the kinds understood here (token keys ``TAG``, ``LOWER``, ``DEP``,
``IS_SPACE``; values a string, a bool, ``IN``, ``NOT_IN``, ``REGEX``; no operators), and
``tests/test_spacy_components.py`` compares whole documents (``Doc.to_bytes``) with the stock
ruler's.
"""

from __future__ import annotations

import collections
import re

import numpy

from spacy.language import Language
from spacy.pipeline import AttributeRuler

FACTORY = "framing_attribute_rules"
#: Distinct (tag, word, dependency, space) keys remembered with the rules they match.
CACHE_SIZE = 200_000
#: What a token test may read, as the Matcher reads it.
_GETTERS = {"TAG": lambda t: t.tag_, "LOWER": lambda t: t.lower_, "DEP": lambda t: t.dep_,
            "IS_SPACE": lambda t: t.is_space}
_VALUE_OPS = {"IN", "NOT_IN", "REGEX"}


def supported(patterns) -> bool:
    """Whether every pattern of an attribute ruler is of a kind :class:`FastAttributeRules` reads
    (and sets only attributes it sets: POS, TAG, LEMMA, MORPH, DEP)."""
    from spacy.attrs import IDS

    for rule in patterns:
        if any(IDS.get(str(a).upper()) not in _SETTERS for a in rule.get("attrs", {})):
            return False
        for pattern in rule["patterns"]:
            for test in pattern:
                for key, value in test.items():
                    if key not in _GETTERS:
                        return False
                    if isinstance(value, dict) and (len(value) != 1 or not set(value) <= _VALUE_OPS):
                        return False
                    if not isinstance(value, (str, bool, dict)):
                        return False
    return True


def _test(key: str, value):
    """One token test of a pattern as a predicate on the tested attribute's value."""
    if isinstance(value, dict):
        (op, arg), = value.items()
        if op == "IN":
            members = frozenset(arg)
            return lambda v: v in members
        if op == "NOT_IN":
            members = frozenset(arg)
            return lambda v: v not in members
        rx = re.compile(arg)
        return lambda v: bool(rx.search(v))
    return lambda v: v == value


class FastAttributeRules:
    """A pipeline component giving exactly the annotations of an ``AttributeRuler`` with the same
    patterns, by direct tests (see the module docstring). Load it with :meth:`load`."""

    def __init__(self, nlp: Language, name: str = "attribute_ruler"):
        self.name = name
        self.ruler = AttributeRuler(nlp.vocab, name)
        self._single: list = []   # (rule id, tests) of one-token patterns, in rule order
        self._multi: list = []    # (rule id, [tests per token]) of longer patterns
        self._cache: dict = {}
        self._merges: dict = {}

    def load(self, patterns) -> "FastAttributeRules":
        """Take the patterns of a stock ruler (``AttributeRuler.patterns``), in its order."""
        if not supported(patterns):
            raise ValueError("attribute ruler patterns of a kind FastAttributeRules does not read")
        self.ruler = AttributeRuler(self.ruler.vocab, self.name)
        self._single, self._multi = [], []
        self.ruler.add_patterns(patterns)
        # the ruler numbers its rules in the order added, one per pattern list entry; its attrs and
        # indices are kept in that order, and matches are applied sorted by that number
        k = 0
        for rule in patterns:
            for pattern in rule["patterns"]:
                tests = [[(key, _test(key, value)) for key, value in token.items()] for token in pattern]
                (self._single if len(tests) == 1 else self._multi).append((k, tests))
            k += 1
        # which one-token rules a token can match, to test only those: a pattern testing the word
        # (LOWER equal to one or a set of words) is looked up by the word; one not testing the word
        # by its tag (when it tests the tag for equality or a set) — its verdict then depends on the
        # tag, dependency and space flag only, and is cached by them; any other is always tested
        self._by_word: dict[str, set] = collections.defaultdict(set)  # read with .get: no new keys
        self._word_other: set = set()
        by_tag: dict[str, set] = collections.defaultdict(set)
        tag_other: set = set()
        self._tests = collections.defaultdict(list)
        for k, (tests,) in self._single:
            self._tests[k].append(tests)
        for rule_no, rule in enumerate(patterns):
            for pattern in rule["patterns"]:
                if len(pattern) != 1:
                    continue
                word, tag = pattern[0].get("LOWER"), pattern[0].get("TAG")
                if word is not None:
                    words = [word] if isinstance(word, str) else word.get("IN") if isinstance(word, dict) else None
                    if words is None:
                        self._word_other.add(rule_no)
                    for w in words or ():
                        self._by_word[w].add(rule_no)
                elif isinstance(tag, str):
                    by_tag[tag].add(rule_no)
                elif isinstance(tag, dict) and "IN" in tag:
                    for t in tag["IN"]:
                        by_tag[t].add(rule_no)
                else:
                    tag_other.add(rule_no)
        self._by_tag = {t: sorted(ks | tag_other) for t, ks in by_tag.items()}
        self._tag_other = sorted(tag_other)
        self._wordless: dict = {}
        self._cache.clear()
        self._merges.clear()
        self._wordless.clear()
        return self

    def _matching(self, key: tuple) -> tuple:
        """Rule ids of the one-token patterns a token with these attribute hashes matches, and
        the ids of the longer patterns whose first token it matches (cached per key)."""
        hit = self._cache.get(key)
        if hit is None:
            if len(self._cache) >= CACHE_SIZE:
                self._cache.clear()
            strings = self.ruler.vocab.strings
            values = {"TAG": strings[key[0]], "LOWER": strings[key[1]], "DEP": strings[key[2]],
                      "IS_SPACE": bool(key[3])}

            def matches(k: int) -> bool:
                return any(all(f(values[a]) for a, f in tests) for tests in self._tests[k])

            wordless_key = (key[0], key[2], key[3])
            wordless = self._wordless.get(wordless_key)
            if wordless is None:
                wordless = self._wordless[wordless_key] = frozenset(
                    k for k in self._by_tag.get(values["TAG"], self._tag_other) if matches(k))
            worded = {k for k in self._by_word.get(values["LOWER"], self._word_other) | self._word_other if matches(k)}
            single = tuple(sorted(wordless | worded))
            first = tuple(m for m, (_k, tests) in enumerate(self._multi) if all(f(values[a]) for a, f in tests[0]))
            hit = self._cache[key] = (single, first)
        return hit

    def __call__(self, doc):
        from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, POS, TAG

        if not len(doc):
            return doc
        keys = doc.to_array([TAG, LOWER, DEP, IS_SPACE]).tolist()
        found: dict[int, list] = {}
        for i, key in enumerate(keys):
            single, first = self._matching(tuple(key))
            if single:
                found.setdefault(i, []).extend(single)
            for m in first:  # a longer pattern whose first token matches here: test the rest
                k, tests = self._multi[m]
                n = len(tests)
                if i + n <= len(doc) and all(f(_GETTERS[a](doc[i + j])) for j in range(1, n)
                                             for a, f in tests[j]):
                    found.setdefault(i + self.ruler.indices[k] % n, []).append(k)
        if not found:
            return doc
        cols = [POS, TAG, LEMMA, MORPH]
        out = doc.to_array(cols)
        rows = out.tolist()
        deps = {}
        for i, ids in found.items():
            row = rows[i]
            for col, value in self._merged(tuple(sorted(ids)), doc.vocab):
                if col < 0:
                    deps[i] = value
                else:
                    row[col] = value
        doc.from_array(cols, numpy.array(rows, dtype=out.dtype))
        for i, value in deps.items():
            doc[i].dep = value
        return doc

    def _merged(self, ids: tuple, vocab) -> tuple:
        """The attributes rules ``ids`` (sorted) set, later ones overriding earlier ones, as
        ``(column, value)`` of ``[POS, TAG, LEMMA, MORPH]`` (column -1: DEP); cached."""
        hit = self._merges.get(ids)
        if hit is None:
            from spacy.attrs import DEP, LEMMA, MORPH, POS, TAG

            cols = {POS: 0, TAG: 1, LEMMA: 2, MORPH: 3, DEP: -1}
            final: dict = {}
            for k in ids:
                for attr, value in self.ruler.attrs[k].items():
                    if attr == MORPH:  # the analysis's key in the morphology table
                        value = vocab.morphology.add(vocab.strings[value] if value in vocab.strings else value)
                    final[cols[attr]] = value
            hit = self._merges[ids] = tuple(final.items())
        return hit

    def to_bytes(self, **kwargs):
        return self.ruler.to_bytes(**kwargs)

    def from_bytes(self, data, **kwargs):
        stored = AttributeRuler(self.ruler.vocab, self.name).from_bytes(data, **kwargs)
        return self.load(stored.patterns)


def _set_pos(tok, value):
    tok.pos = value


def _set_tag(tok, value):
    tok.tag = value


def _set_lemma(tok, value):
    tok.lemma = value


def _set_morph(tok, value):
    tok.set_morph(value)


def _set_dep(tok, value):
    tok.dep = value


def _setters() -> dict:
    from spacy.attrs import IDS

    return {IDS["POS"]: _set_pos, IDS["TAG"]: _set_tag, IDS["LEMMA"]: _set_lemma, IDS["MORPH"]: _set_morph,
            IDS["DEP"]: _set_dep}


_SETTERS = _setters()


@Language.factory(FACTORY)
def make_fast_attribute_rules(nlp: Language, name: str):
    return FastAttributeRules(nlp, name)


def swap_in(nlp) -> bool:
    """Replace ``nlp``'s ``attribute_ruler`` by :class:`FastAttributeRules` with its patterns, when
    every pattern is of a kind it reads; returns whether it did (otherwise ``nlp`` is untouched)."""
    if "attribute_ruler" not in nlp.pipe_names:
        return False
    stock = nlp.get_pipe("attribute_ruler")
    if not isinstance(stock, AttributeRuler) or not supported(stock.patterns):
        return False
    patterns = stock.patterns
    fast = nlp.replace_pipe("attribute_ruler", FACTORY)
    fast.load(patterns)
    return True
