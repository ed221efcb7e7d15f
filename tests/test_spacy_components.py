"""The library's attribute ruler and lemmatizer give exactly the documents spaCy's own do, only faster."""

from __future__ import annotations

import pytest
import spacy
from spacy.pipeline import AttributeRuler

from analysis.core import attribute_rules, lemma_memo
from analysis.core.units import piece_rows
from analysis.nlp import load_nlp

#: Made-up sentences reaching every kind of rule of en_core_web_sm's ruler: tag rules, word rules
#: ("her", "once", "everything"), the two-word rules ("gonna", "gotta", "let's", "c'mon", "y'all",
#: "ain't", the existential "there is"), spaces, and a rule by dependency.
TEXTS = [
    "There is a cat on the roof, and there were two dogs in the yard.",
    "Y'all gonna let's go?  I gotta say, c'mon, it ain't over once everything is said.",
    "She told her brother she would come   back; he gets it, he got it, they'd have done it.",
    "“We will not wait,” the mayor said on Monday.\n\nThe council, which met at 9 a.m., agreed.",
    "   ",
    "",
    "A\tb  c\n",
    "Mr. Obama's aides didn't know whether Ms. Clinton's campaign could've won Ohio's 18 votes.",
]


def _same(texts, fast, stock) -> None:
    for a, b in zip(stock.pipe(texts), fast.pipe(texts)):
        assert a.to_bytes() == b.to_bytes(), a.text


def test_library_pipeline_uses_the_fast_rules_and_stock_is_spacys():
    fast, stock = load_nlp(), load_nlp(stock=True)
    assert isinstance(fast.get_pipe("attribute_ruler"), attribute_rules.FastAttributeRules)
    assert isinstance(stock.get_pipe("attribute_ruler"), AttributeRuler)
    assert isinstance(fast.get_pipe("lemmatizer"), lemma_memo.LemmaMemo)
    assert type(stock.get_pipe("lemmatizer")).__name__ == "EnglishLemmatizer"
    assert fast.pipe_names == stock.pipe_names


def test_same_documents_as_spacys_ruler():
    fast, stock = load_nlp(), load_nlp(stock=True)
    _same(TEXTS, fast, stock)
    _same(TEXTS[::-1], fast, stock)  # whatever the rules remembered from earlier documents
    doc = fast("They gonna win.")
    assert [t.lemma_ for t in doc][1:3] == ["go", "to"]  # a two-word rule applied


def test_patterns_it_does_not_read_leave_spacys_ruler_in_place():
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "new"}, {"LOWER": "york", "OP": "?"}]], {"TAG": "NNP"})
    assert not attribute_rules.supported(ruler.patterns)
    assert not attribute_rules.swap_in(nlp)
    assert nlp.get_pipe("attribute_ruler") is ruler
    assert not attribute_rules.swap_in(spacy.blank("en"))  # no ruler at all
    with pytest.raises(ValueError, match="does not read"):
        attribute_rules.FastAttributeRules(nlp).load(ruler.patterns)


def test_a_simple_ruler_swapped_in_sets_what_it_would():
    def build():
        nlp = spacy.blank("en")
        ruler = nlp.add_pipe("attribute_ruler")
        ruler.add([[{"LOWER": {"IN": ["cats", "dogs"]}}]], {"TAG": "NNS", "LEMMA": "animal"})
        ruler.add([[{"LOWER": "dogs"}]], {"LEMMA": "dog", "MORPH": "Number=Plur"})
        ruler.add([[{"LOWER": "big"}, {"LOWER": {"REGEX": "^d"}}]], {"POS": "NOUN"}, index=1)
        return nlp
    stock, fast = build(), build()
    assert attribute_rules.swap_in(fast)
    for text in ("Cats and big dogs.", "big cats, big dogs", "dogs"):
        a, b = stock(text), fast(text)
        assert a.to_bytes() == b.to_bytes()
    doc = fast("big dogs")
    assert (doc[1].lemma_, str(doc[1].morph), doc[1].pos_) == ("dog", "Number=Plur", "NOUN")  # later rule wins
    again = attribute_rules.FastAttributeRules(fast).from_bytes(fast.get_pipe("attribute_ruler").to_bytes())
    assert again(fast.make_doc("big dogs")).to_bytes() == stock("big dogs").to_bytes()


@pytest.mark.shared_data
def test_same_documents_on_polnear_dev(shared_data):
    from analysis.validation import quotes as vq

    texts = [r.text for a in vq.polnear_dev(shared_data) for r in piece_rows(a["text"])]
    _same(texts, load_nlp(), load_nlp(stock=True))


def test_lemmas_remembered_are_the_lemmatizers_whatever_came_before():
    fast, stock = load_nlp(), load_nlp(stock=True)
    # the same word as another part of speech, and the same word again, in one document and across them
    texts = ["He saw the saws. She saws wood; they saw it.", "Leaves fall. He leaves. The leaves left.",
             "Better, best, good; running runs ran."] * 2
    _same(texts, fast, stock)


def test_only_a_rule_lemmatizer_is_wrapped():
    nlp = spacy.blank("en")
    assert not lemma_memo.swap_in(nlp)  # none at all
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    assert not lemma_memo.swap_in(nlp)
    assert type(nlp.get_pipe("lemmatizer")).__name__ == "EnglishLemmatizer"
