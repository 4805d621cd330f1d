"""measure_size: counting casualties and arrests, and attaching them to events."""

from __future__ import annotations

import pytest
import spacy
from spacy.language import Language

from newsevents.errors import InputError
from newsevents.stages.measure_size import SizeMeasurer, find_counts, number_value, parse_counts
from newsevents.types import Event, Size

from _builders import hand_event as _event


def _sizes(nlp: Language, text: str, events: list[Event]) -> dict[str, Size]:
    doc = nlp(text)
    doc._.events = events
    return {event.trigger.text: event.size for event in SizeMeasurer()(doc)._.events}


def _totals(text: str) -> dict[str, int | None]:
    totals: dict[str, int | None] = {}
    for count in find_counts(text):
        current = totals.get(count.kind)
        if count.value is not None:
            totals[count.kind] = count.value if current is None else max(current, count.value)
        else:
            totals.setdefault(count.kind, None)
    return totals


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The shelling ended, killing 26 people.", {"killed": 26}),
        ("26 people were killed in Osgiliath.", {"killed": 26}),
        ("At least 12 dead after the raid.", {"killed": 12}),
        ("The mortar fire left three wounded.", {"injured": 3}),
        ("Orcs raided the camp, injuring dozens.", {"injured": None}),
        ("Two soldiers and a civilian were killed.", {"killed": 3}),
        ("One woman was killed and 17 others were wounded in the explosion.",
         {"killed": 1, "injured": 17}),
        ("The guard and four others were wounded.", {"injured": 5}),
        ("There were no casualties.", {"killed": 0, "injured": 0}),
        ("No one was hurt.", {"killed": 0, "injured": 0}),
        ("Twenty-six people died.", {"killed": 26}),
        ("A dozen protesters were arrested.", {"arrested": 12}),
        ("The raid killed 5, injured 12.", {"killed": 5, "injured": 12}),
        ("The attack killed 26 people, 14 of them children.", {"killed": 26}),
        ("The death toll rose to 31.", {"killed": 31}),
        ("At least 1,200 people were detained.", {"arrested": 1200}),
        ("A woman was found dead near the gate.", {"killed": 1}),
        ("Rohan said the talks would resume in 2025.", {}),
        ("On 3 March 2021, 7 Gondorian soldiers were killed near Osgiliath.", {"killed": 7}),
        ("Eighteen people were killed, including 11 orcs.", {"killed": 18}),
        ("At least 40 people, including 12 riders (most of them archers), were killed.",
         {"killed": 40}),
        ("Twenty people, including 13 orcs were killed near the ford.", {"killed": 20}),
        ("In addition to the attacker, two guards were killed.", {"killed": 3}),
        ("One ranger and an unknown number of orcs were killed.", {"killed": 1}),
        ("Both brothers were wounded in the ambush.", {"injured": 2}),
        ("Riders from both sides were killed.", {}),
        ("Fatalities were recorded as 4.", {"killed": 4}),
        ("A guard was found dead. 1 fatality.", {"killed": 1}),
        ("The raid resulted in the killing of 3 rangers and the injuring of 5 others.",
         {"killed": 3, "injured": 5}),
        ("The mayor of Bree received one death threat.", {}),
    ],
)
def test_measure_size_find_counts(text: str, expected: dict[str, int | None]) -> None:
    assert _totals(text) == expected


@pytest.mark.parametrize(
    ("words", "value"),
    [("three", 3), ("twenty-six", 26), ("twenty six", 26), ("a dozen", 12), ("1,200", 1200),
     ("dozens", None), ("several", None), ("two hundred", 200)],
)
def test_measure_size_number_value(words: str, value: int | None) -> None:
    assert number_value(words) == value


def test_measure_size_attaches_to_event_in_sentence(blank: Language) -> None:
    text = ("Gondor's army shelled the border town of Osgiliath on Tuesday, killing 12 people "
            "and wounding 30, the ministry said.")
    sizes = _sizes(blank, text, [_event(text, "shelled")])
    assert sizes["shelled"] == Size(killed=12, injured=30)


def test_measure_size_following_sentence_goes_to_last_event(blank: Language) -> None:
    text = ("Orcs attacked a convoy near Bree. Arnor protested to Mordor. "
            "Riders clashed with orcs at the ford. One rider was killed in the fighting.")
    events = [_event(text, "attacked"), _event(text, "protested", kind="ACCUSE"),
              _event(text, "clashed")]
    sizes = _sizes(blank, text, events)
    assert sizes["clashed"] == Size(killed=1)
    assert sizes["attacked"] == Size()
    assert sizes["protested"] == Size()


def test_measure_size_toll_in_next_sentence_is_shared_with_the_incident(blank: Language) -> None:
    text = ("An orc threw a grenade in the market of Bree. One stall keeper was killed and 17 "
            "shoppers were wounded by the blast.")
    events = [_event(text, "threw a grenade"), _event(text, "killed"), _event(text, "blast")]
    sizes = _sizes(blank, text, events)
    assert sizes["threw a grenade"] == Size(killed=1, injured=17)
    assert sizes["blast"] == Size(killed=1, injured=17)


def test_measure_size_sentence_toll_goes_to_every_assault_of_the_sentence(
        blank: Language) -> None:
    text = "Orcs attacked the outpost and shot two rangers dead, killing two in all."
    events = [_event(text, "attacked"), _event(text, "killing")]
    sizes = _sizes(blank, text, events)
    assert sizes["attacked"].killed == 2
    assert sizes["killing"].killed == 2


def test_measure_size_sharing_stops_at_a_paragraph(blank: Language) -> None:
    text = "Orcs attacked a farm near Bree.\nOne rider was killed in the blast near the ford."
    sizes = _sizes(blank, text, [_event(text, "attacked"), _event(text, "blast")])
    assert sizes["blast"] == Size(killed=1)
    assert sizes["attacked"] == Size()


def test_measure_size_first_toll_of_an_incident_wins(blank: Language) -> None:
    text = ("Orcs fired a rocket at Bree. Nobody was hurt in the attack. Mordor said "
            "the rocket answered a raid by Arnor that killed 41 orcs.")
    events = [_event(text, "fired a rocket"), _event(text, "attack"), _event(text, "raid")]
    sizes = _sizes(blank, text, events)
    assert sizes["fired a rocket"].killed == 0
    assert sizes["raid"].killed == 41


def test_measure_size_motive_clause_toll_is_not_shared(blank: Language) -> None:
    text = ("Orcs burned a granary in Bree. Mordor said the fire was in reprisal for the "
            "killing of 9 orcs by rangers.")
    events = [_event(text, "burned"), _event(text, "fire"), _event(text, "killing")]
    sizes = _sizes(blank, text, events)
    assert sizes["burned"] == Size()
    assert sizes["fire"] == Size()
    assert sizes["killing"].killed == 9


def test_measure_size_definite_mention_refers_back_to_the_incident(blank: Language) -> None:
    text = "Orcs shelled Bree, killing 4 people. Arnor blamed Mordor for the attack."
    events = [_event(text, "shelled"), _event(text, "attack")]
    sizes = _sizes(blank, text, events)
    assert sizes["attack"] == Size(killed=4)


def test_measure_size_arrests_prefer_coerce(blank: Language) -> None:
    text = "Police arrested 40 demonstrators after a march in Edoras."
    events = [_event(text, "arrested", kind="COERCE"), _event(text, "march", kind="PROTEST")]
    sizes = _sizes(blank, text, events)
    assert sizes["arrested"] == Size(arrested=40)
    assert sizes["march"] == Size()


def test_measure_size_other_event_types_get_nothing(blank: Language) -> None:
    text = "Arnor condemned the raid that killed 9 people."
    sizes = _sizes(blank, text, [_event(text, "condemned", kind="ACCUSE")])
    assert sizes["condemned"] == Size()


def test_measure_size_no_events(blank: Language) -> None:
    doc = blank("Five people were killed.")
    doc._.events = None
    assert SizeMeasurer()(doc)._.events is None


def test_measure_size_rejects_unknown_event_type() -> None:
    with pytest.raises(InputError, match="E221"):
        SizeMeasurer(event_types=["BATTLE"])


@pytest.mark.slow
def test_measure_size_real_model_sentences(model: Language) -> None:
    text = ("Gondor's army shelled the border town of Osgiliath on Tuesday, killing 12 people "
            "and wounding 30, the ministry said. Later, riders clashed with orcs near Bree. "
            "Two soldiers and a civilian were killed.")
    sizes = _sizes(model, text, [_event(text, "shelled"), _event(text, "clashed")])
    assert sizes["shelled"] == Size(killed=12, injured=30)
    assert sizes["clashed"] == Size(killed=3)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("Orcs shot and killed a former Gondorian cavalry commander near Bree.", "killed", 1),
        ("Faramir was killed in the ambush near Osgiliath.", "killed", 1),
        ("A shepherd was stabbed to death by raiders near Bree.", "killed", 1),
        ("One ranger was wounded by the bomb and later died.", "killed", 1),
        ("The three raiders detonated their charges and were killed.", "killed", 3),
        ("Orcs ambushed the convoy and killed him.", "killed", 1),
        ("One of the raiders fled and the other was arrested.", "arrested", 1),
    ],
)
def test_measure_size_parse_reads_victims(model: Language, text: str, kind: str,
                                          value: int) -> None:
    counts = [count for count in parse_counts(model(text)[:]) if count.kind == kind]
    assert counts and max(count.value or 0 for count in counts) == value


def test_measure_size_factory_builds_from_config() -> None:
    from newsevents.stages.measure_size import FACTORY

    nlp = spacy.blank("en")
    component = nlp.add_pipe(FACTORY, config={"event_types": ["ASSAULT"]})
    assert isinstance(component, SizeMeasurer) and component.event_types == ("ASSAULT",)
