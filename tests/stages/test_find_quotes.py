"""find_quotes: quotation spans, speakers, "he said" chains, resolver mentions."""

from __future__ import annotations

import pytest
import spacy
from spacy.language import Language

from newsevents.stages.find_quotes import QuoteFinder
from newsevents.types import Actor, Quote


def _person(text: str, mention: str, name: str, *, occurrence: int = 0) -> Actor:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(mention, start + 1)
    return Actor(text=mention, start=start, end=start + len(mention), name=name,
                 country="GON", sector="GOV", kind="person")


def _quotes(nlp: Language, text: str, actors: list[Actor] | None = None) -> list[Quote]:
    doc = nlp(text)
    doc._.actors = actors
    quotes = QuoteFinder()(doc)._.quotes
    for quote in quotes:
        assert text[quote.start:quote.end] == quote.text
    return quotes


def _speakers(quotes: list[Quote]) -> list[str | None]:
    return [quote.speaker.name if quote.speaker else None for quote in quotes]


@pytest.mark.parametrize(
    ("text", "quoted", "speaker"),
    [
        ('"We will not give up," said Aragorn, the king.', "We will not give up,", "Aragorn"),
        ('"We will not give up," Aragorn said.', "We will not give up,", "Aragorn"),
        ('Aragorn said: "We will hold Osgiliath."', "We will hold Osgiliath.", "Aragorn"),
        ("“We stand firm. We will hold the line,” the Gondor spokesperson told reporters.",
         "We stand firm. We will hold the line,", "Gondor spokesperson"),
        ('"Why now?" asked Eowyn.', "Why now?", "Eowyn"),
        ('Peace is near, according to Elrond: "We agreed on terms today."',
         "We agreed on terms today.", "Elrond"),
        ("'This is clearly a quoted sentence,' Boromir added.",
         "This is clearly a quoted sentence,", "Boromir"),
    ],
)
def test_find_quotes_attribution_shapes(blank: Language, text: str, quoted: str,
                                        speaker: str) -> None:
    (quote,) = _quotes(blank, text, [])
    assert quote.text == quoted
    assert quote.speaker is not None
    assert quote.speaker.name == speaker
    assert quote.speaker.kind == "person"
    assert quote.speaker.reason == "not_in_actor_list"


def test_find_quotes_scare_quotes_are_skipped(blank: Language) -> None:
    text = "Mordor's 'special operation' went on. The king vows 'action' against raiders."
    assert _quotes(blank, text, []) == []


def test_find_quotes_speaker_from_actor_list(blank: Language) -> None:
    text = ('Gondor steward Faramir Hurin spoke on Monday.\n'
            '"The river is ours and we will keep it," Hurin said.')
    actor = _person(text, "Hurin", "Faramir Hurin", occurrence=1)
    (quote,) = _quotes(blank, text, [actor])
    assert quote.speaker == actor


def test_find_quotes_prefers_person_mention_in_subject(blank: Language) -> None:
    text = '"Talks will resume soon," Gondor envoy Imrahil said.'
    country = Actor(text="Gondor", start=26, end=32, name="Gondor", country="GON",
                    sector=None, kind="country")
    person = _person(text, "Imrahil", "Prince Imrahil")
    (quote,) = _quotes(blank, text, [country, person])
    assert quote.speaker == person


def test_find_quotes_he_said_chain(blank: Language) -> None:
    text = ('"We sent riders to the ford," Theoden said.\n'
            'The council met later.\n'
            '"They will return before dawn," he added.')
    quotes = _quotes(blank, text, [])
    assert _speakers(quotes) == ["Theoden", "Theoden"]


def test_find_quotes_pronoun_resolved_by_actor_mention(blank: Language) -> None:
    text = ('Steward Denethor Ecthelion addressed the council.\n'
            '"The city will not fall to Mordor," he said.')
    pronoun = _person(text, "he", "Denethor Ecthelion")
    (quote,) = _quotes(blank, text, [pronoun])
    assert quote.speaker == pronoun


def test_find_quotes_surname_takes_full_name_from_text(blank: Language) -> None:
    text = ("Gondor spokesperson Beregond Baranor met reporters.\n"
            '"We will keep the gate shut," Baranor said.')
    (quote,) = _quotes(blank, text, [])
    assert quote.speaker is not None and quote.speaker.name == "Beregond Baranor"
    assert quote.speaker.text == "Baranor"


def test_find_quotes_multi_paragraph_quote(blank: Language) -> None:
    text = ('"The first paragraph of a long statement.\n'
            '"The second paragraph closes it," Denethor said.')
    quotes = _quotes(blank, text, [])
    assert [q.text for q in quotes] == ["The first paragraph of a long statement.",
                                        "The second paragraph closes it,"]
    assert _speakers(quotes) == ["Denethor", "Denethor"]


def test_find_quotes_continuation_in_same_paragraph(blank: Language) -> None:
    text = '"We held the wall all night," Gamling said. "The orcs fled at dawn."'
    quotes = _quotes(blank, text, [])
    assert _speakers(quotes) == ["Gamling", "Gamling"]


def test_find_quotes_quote_after_said_sentence(blank: Language) -> None:
    text = 'Faramir said the river mattered. "The river is ours and we will keep it."'
    (quote,) = _quotes(blank, text, [])
    assert quote.speaker is not None and quote.speaker.name == "Faramir"


def test_find_quotes_unattributed_long_quote_has_no_speaker(blank: Language) -> None:
    text = 'The banner read "Gondor will never bow to the Dark Lord" in red letters.'
    (quote,) = _quotes(blank, text, [])
    assert quote.speaker is None


def test_find_quotes_no_actors(blank: Language) -> None:
    assert _quotes(blank, "No quotes here at all.", None) == []


@pytest.mark.slow
def test_find_quotes_real_model_doc(model: Language) -> None:
    text = ("In a briefing on Monday, Gondor spokesperson Hirgon Mardil spoke about the raid.\n"
            '"Our hearts are with the families of the victims," Mardil said.\n'
            '"We will rebuild the bridge at Osgiliath," he remarked.')
    actor = _person(text, "Hirgon Mardil", "Hirgon Mardil")
    quotes = _quotes(model, text, [actor])
    assert _speakers(quotes) == ["Hirgon Mardil", "Hirgon Mardil"]


def test_find_quotes_factory_builds_from_config() -> None:
    from newsevents.stages.find_quotes import FACTORY

    nlp = spacy.blank("en")
    component = nlp.add_pipe(FACTORY, config={"min_unattributed_words": 6})
    assert isinstance(component, QuoteFinder) and component.min_unattributed_words == 6
