"""score_tone: a lexicon percentage measure in [-100, 100]."""

from __future__ import annotations

import pytest
import spacy
from spacy.language import Language

from newsevents.stages.score_tone import ToneScorer, load_tone_lexicon, tone_score


def test_score_tone_lexicon_has_a_few_hundred_words_each() -> None:
    lexicon = load_tone_lexicon()
    assert len(lexicon.positive) >= 200 and len(lexicon.negative) >= 200
    assert not lexicon.positive & lexicon.negative


def test_score_tone_negative_news_is_negative(blank: Language) -> None:
    doc = blank("Orcs attacked the town, killing ten people; Gondor condemned the massacre.")
    assert ToneScorer(lexicon=load_tone_lexicon())(doc)._.tone < 0


def test_score_tone_positive_news_is_positive(blank: Language) -> None:
    doc = blank("Gondor and Rohan signed a peace agreement and pledged support and aid.")
    assert ToneScorer(lexicon=load_tone_lexicon())(doc)._.tone > 0


def test_score_tone_value_is_percentage_difference(blank: Language) -> None:
    doc = blank("peace war calm town")  # +1 -1 +1 over four words
    assert tone_score(doc, load_tone_lexicon()) == 25.0


def test_score_tone_bounds(blank: Language) -> None:
    lexicon = load_tone_lexicon()
    assert tone_score(blank("killed killed attack"), lexicon) == -100.0
    assert tone_score(blank("peace peace"), lexicon) == 100.0


def test_score_tone_empty_doc_is_none(blank: Language) -> None:
    assert tone_score(blank("  ... 12 !"), load_tone_lexicon()) is None


def test_score_tone_factory_injects_lexicon() -> None:
    from newsevents.stages.score_tone import FACTORY, ToneLexicon

    nlp = spacy.blank("en")
    component = nlp.add_pipe(FACTORY)
    assert isinstance(component, ToneScorer)
    assert isinstance(component.lexicon, ToneLexicon)


def test_score_tone_missing_lexicon_is_coded_error() -> None:
    from newsevents.errors import InternalError

    with pytest.raises(InternalError, match="E220"):
        load_tone_lexicon("tone_missing.json")
