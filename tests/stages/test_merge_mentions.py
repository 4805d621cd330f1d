"""merge_mentions on hand-built events of stylized sentences (no model)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from _builders import hand_event

from newsevents.pipeline import process
from newsevents.stages.merge_mentions import MentionMerger, merge_mentions
from newsevents.types import Actor, Article, EventDate, Place, Size

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
TUESDAY = EventDate(dt.date(2024, 5, 7), "day", text="on Tuesday", start=0, end=10,
                    reason="attached")


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
                                                           text="on May 1", reason="attached"))
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


def test_merge_mentions_only_the_own_sentence_dates_set_apart():
    """A date carried from an earlier sentence, or the day a report came out, says
    nothing about which occurrence a mention is ("By Wednesday the toll from the blasts
    had risen")."""
    exploded, _, blasts, *_ = _events()
    for reason in ("previous_event", "reporting_date", "publication_date"):
        later = dataclasses.replace(blasts, date=EventDate(
            dt.date(2024, 5, 8), "day", text="Wednesday", start=100, end=109, reason=reason))
        assert len(merge_mentions([exploded, later], article_id="a1")) == 1


def test_merge_mentions_one_sentence_one_occurrence_whatever_its_actors():
    """ "bombs exploded …, killing 19": a participle whose actors were read otherwise is
    still the same occurrence; in another sentence they set it apart."""
    exploded, attack, *_ = _events()
    killing = dataclasses.replace(hand_event(TEXT, "killing"), source=(_actor("GON"),))
    assert len(merge_mentions([exploded, killing], article_id="a1")) == 1
    other_side = dataclasses.replace(attack, source=(_actor("GON"),))
    assert len(merge_mentions([dataclasses.replace(exploded, source=(_actor("ARN", "REB"),)),
                               other_side], article_id="a1")) == 2


def test_merge_mentions_one_operation_raids_arrests_and_seizes():
    text = "Gondor police arrested 17 people in raids on Tuesday. Officers seized 11 boats."
    arrested, raids, seized = (dataclasses.replace(hand_event(text, word, kind="COERCE"),
                                                   mode=mode)
                               for word, mode in (("arrested", "arrest"), ("raids", "raid"),
                                                  ("seized", "seize")))
    assert len(merge_mentions([arrested, raids, seized], article_id="a1")) == 1
    curfew = dataclasses.replace(seized, mode="curfew")
    assert len(merge_mentions([arrested, curfew], article_id="a1")) == 2


@pytest.mark.slow
@pytest.mark.parametrize(("text", "occurrences"), [
    ("Orc raiders stormed a police post in Bree on Friday, killing six policemen in a "
     "gunfight. The Gondor government condemned what it called \"a cowardly assault on "
     "the defenders of the nation\".", 1),
    ("Orc raiders attacked a police post in Bree on Friday. Two more attacks hit villages "
     "near Minas Tirith on Saturday.", 2),
])
def test_merge_mentions_indefinite_nouns_that_name_the_told_occurrence(nlp, text,
                                                                        occurrences):
    """A noun in the sentence of its occurrence, or quoted as what it was called, names
    that occurrence; elsewhere "two more attacks" are others."""
    article = Article(id="t", text=text, published=dt.date(2024, 11, 20))
    (result,) = list(process([article], nlp=nlp))
    assert len([e for e in result.events if e.type == "ASSAULT"]) == occurrences, [
        [m.trigger.text for m in e.mentions] for e in result.events]


def test_merge_mentions_an_attacks_targets_differ_by_country_not_sector():
    exploded, attack, *_ = _events()
    hospital = dataclasses.replace(exploded, target=(_actor("GON", "HLH"),))
    people = dataclasses.replace(attack, target=(_actor("GON", "CVL"),))
    assert len(merge_mentions([hospital, people], article_id="a1")) == 1
    abroad = dataclasses.replace(attack, target=(_actor("ARN", "CVL"),))
    assert len(merge_mentions([hospital, abroad], article_id="a1")) == 2


def test_merge_mentions_what_a_response_is_about_alone_is_no_report():
    """ "rejected the protest" with no protest told: the object of a response names an
    occurrence reported before the article, not one of its own."""
    _, _, blasts, condemned, _ = _events()
    events = merge_mentions([blasts, condemned], article_id="a1", answered={id(blasts)})
    assert [e.type for e in events] == ["ACCUSE"]
    exploded = _events()[0]
    events = merge_mentions([exploded, blasts, condemned], article_id="a1",
                            answered={id(blasts)})
    assert [(e.type, len(e.mentions)) for e in events] == [("ASSAULT", 2), ("ACCUSE", 1)]


def test_merge_mentions_a_meeting_retold_without_its_parties_is_that_meeting():
    """ "held a telephone call …; the two sides discussed a visit": a meeting is a
    happening; a statement needs a speaker of its own to be another's."""
    text = "Gondor's minister held talks with Arnor. The two sides discussed a visit."
    talks = dataclasses.replace(hand_event(text, "held talks", kind="CONSULT"),
                                source=(_actor("GON"),), target=(_actor("ARN"),))
    discussed = hand_event(text, "discussed", kind="CONSULT")
    assert len(merge_mentions([talks, discussed], article_id="a1")) == 1
    urged = dataclasses.replace(talks, type="REQUEST")
    asked = dataclasses.replace(discussed, type="REQUEST")
    assert len(merge_mentions([urged, asked], article_id="a1")) == 2


def test_merge_mentions_a_definite_noun_refers_back_however_its_actors_were_read():
    """ "He made the request in talks …": a definite noun joins the latest occurrence of
    its type when nothing fits it in every respect; an indefinite one would not."""
    text = "Gondor appealed to Arnor for missiles. He made the request in talks."
    appealed = dataclasses.replace(hand_event(text, "appealed", kind="REQUEST"),
                                   source=(_actor("GON"),), target=(_actor("ARN"),))
    request = dataclasses.replace(hand_event(text, "made the request", kind="REQUEST"),
                                  source=(_actor("ARN"),))
    assert len(merge_mentions([appealed, request], article_id="a1")) == 2
    assert len(merge_mentions([appealed, request], article_id="a1",
                              definite={id(request)})) == 1


@pytest.mark.slow
def test_merge_mentions_destruction_in_an_assaults_clauses_is_that_assault(nlp):
    text = ("Orc raiders attacked the Gondor town of Bree on Sunday night, setting fire to "
            "homes and killing at least 12 people.")
    article = Article(id="t", text=text, published=dt.date(2024, 11, 20))
    (result,) = list(process([article], nlp=nlp))
    assert [e.type for e in result.events] == ["ASSAULT"], [
        (e.type, e.trigger.text) for e in result.events]


def test_merge_mentions_a_count_as_of_a_date_is_not_the_events_date():
    """ "By Wednesday the toll from the blasts had risen to 26": Wednesday is when the toll
    stood, not another day of the bombing."""
    exploded, _, blasts, *_ = _events()
    toll = dataclasses.replace(blasts, date=EventDate(
        dt.date(2024, 5, 8), "day", text="Wednesday", start=103, end=112,
        reason="sentence_opening"))
    assert len(merge_mentions([exploded, toll], article_id="a1")) == 2
    assert len(merge_mentions([exploded, toll], article_id="a1", as_of={id(toll)})) == 1


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


@pytest.mark.slow
def test_merge_mentions_a_meeting_where_another_act_was_done_is_its_setting(nlp):
    text = ("The Gondor foreign minister urged Arnor to open the border, speaking at a "
            "meeting of Rohan ministers in Edoras.")
    doc = nlp.make_doc(text)
    for name, component in nlp.pipeline:
        if "merge_mentions" in name:
            break
        doc = component(doc)
    urged = hand_event(text, "urged", kind="REQUEST")
    meeting = hand_event(text, "meeting", kind="CONSULT")
    doc._.events = [urged, meeting]
    merged = MentionMerger()(doc)._.events
    assert [e.type for e in merged] == ["REQUEST"]
