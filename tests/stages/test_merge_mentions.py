"""merge_mentions on hand-built events of stylized sentences (no model)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from _builders import hand_event

from newsevents.stages.merge_mentions import merge_mentions
from newsevents.types import Actor, EventDate, Place, Size

TEXT = ("Two car bombs exploded in Osgiliath on Tuesday, killing 19 people. "
        "Arnor rebels said they carried out the attack. "
        "By Wednesday the toll from the blasts had risen to 26. "
        "Gondor condemned the bombing. "
        "Gondor troops later shelled Minas Ithil, killing 3.")


def _actor(country: str, sector: str = "GOV") -> Actor:
    return Actor(text=country, start=0, end=len(country), name=country, country=country,
                 sector=sector, kind="country")


def _place(name: str, lat: float, lon: float) -> Place:
    return Place(text=name, start=0, end=len(name), name=name, geonameid=1, country="GON",
                 admin1=None, lat=lat, lon=lon, feature="city")


OSGILIATH = _place("Osgiliath", 10.0, 20.0)
MINAS_ITHIL = _place("Minas Ithil", 12.0, 22.0)
TUESDAY = EventDate(dt.date(2024, 5, 7), "day", text="on Tuesday", start=0, end=10)


def _events():
    exploded = dataclasses.replace(hand_event(TEXT, "exploded"), location=OSGILIATH,
                                   date=TUESDAY, size=Size(killed=19), mode="explosives",
                                   confidence=0.8)
    attack = dataclasses.replace(hand_event(TEXT, "carried out the attack"),
                                 source=(_actor("ARN", "REB"),), confidence=0.9)
    blasts = dataclasses.replace(hand_event(TEXT, "blasts"), size=Size(killed=26),
                                 confidence=0.5)
    condemned = dataclasses.replace(hand_event(TEXT, "condemned", kind="ACCUSE"),
                                    source=(_actor("GON"),))
    shelled = dataclasses.replace(hand_event(TEXT, "shelled"), source=(_actor("GON", "MIL"),),
                                  location=MINAS_ITHIL, size=Size(killed=3))
    return [exploded, attack, blasts, condemned, shelled]


def test_merge_mentions_one_event_per_occurrence():
    events = merge_mentions(_events(), article_id="a1")
    assert [(e.type, len(e.mentions)) for e in events] == [
        ("ASSAULT", 3), ("ACCUSE", 1), ("ASSAULT", 1)]
    assert [e.id for e in events] == ["a1-e1", "a1-e2", "a1-e3"]
    assert [m.trigger.text for m in events[0].mentions] == [
        "exploded", "carried out the attack", "blasts"]


def test_merge_mentions_best_evidence_never_a_sum():
    bombing = merge_mentions(_events(), article_id="a1")[0]
    assert bombing.size.killed == 26
    assert bombing.trigger.text == "carried out the attack"  # the most confident mention
    assert [a.country for a in bombing.source] == ["ARN"]
    assert bombing.location == OSGILIATH
    assert bombing.date == TUESDAY
    assert bombing.mode == "explosives"


def test_merge_mentions_keeps_apart_what_the_text_sets_apart():
    exploded, attack, *_ = _events()
    elsewhere = dataclasses.replace(attack, location=MINAS_ITHIL)
    other_day = dataclasses.replace(attack, date=EventDate(dt.date(2024, 5, 1), "day",
                                                           text="on May 1"))
    other_side = dataclasses.replace(exploded, source=(_actor("GON"),))
    other_mode = dataclasses.replace(attack, mode="abduct")
    hypothetical = dataclasses.replace(attack, hypothetical=True)
    for second in (elsewhere, other_day, other_mode, hypothetical):
        assert len(merge_mentions([exploded, second], article_id="a1")) == 2
    assert len(merge_mentions([other_side, attack], article_id="a1")) == 2


def test_merge_mentions_is_complete_link():
    """A mention joins a group only if it fits every member, so chains do not grow."""
    exploded, attack, blasts, *_ = _events()
    near_second = dataclasses.replace(blasts, location=MINAS_ITHIL)
    events = merge_mentions([exploded, attack, near_second], article_id="a1")
    assert [len(e.mentions) for e in events] == [2, 1]


def test_merge_mentions_article_place_is_no_evidence_of_another_occurrence():
    # "the attack" has no place of its own: the article's place it was given (far from
    # Osgiliath) neither keeps it apart nor outranks the bombing's own town.
    exploded, attack, *_ = _events()
    inherited = dataclasses.replace(MINAS_ITHIL, name="Dateline", reason="article_place",
                                    lat=40.0, lon=50.0)
    events = merge_mentions([exploded, dataclasses.replace(attack, location=inherited)],
                            article_id="a1")
    assert len(events) == 1
    assert events[0].location == OSGILIATH
