"""Issue 9: who did what to whom, from the grammar of the clause and the article."""

from __future__ import annotations

import datetime as dt

import pytest

from newsevents.pipeline import process
from newsevents.types import Article

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def code(nlp):
    def run(text: str, published: dt.date = dt.date(2024, 3, 14)):
        return next(process([Article(id="t", text=text, published=published)], nlp=nlp))

    return run


def _countries(actors):
    return {a.country for a in actors} | {m.country for a in actors for m in a.members}


def _of_type(result, event_type):
    return [e for e in result.events if e.type == event_type]


def test_issue_9_dateline_is_never_an_actor(code):
    result = code("KABUL — The Taliban stormed a police post in Herat on Monday.")
    assert all(actor.text != "KABUL" for actor in result.actors)
    assault = _of_type(result, "ASSAULT")
    assert assault and all("KABUL" not in (a.text for a in e.source) for e in assault)


def test_issue_9_dateline_date_is_never_a_place(code):
    result = code("KHARTOUM, Mar 8 — Soldiers shelled a market in Omdurman on Tuesday.")
    assert [p.text for p in result.places if p.name] == ["KHARTOUM", "Omdurman"]


def test_issue_9_passive_agent_from_the_event_it_happened_in(code):
    result = code("Twelve people were killed in the RSF shelling of a market in Omdurman.")
    killed = next(e for e in _of_type(result, "ASSAULT") if e.trigger.text == "killed")
    assert _countries(killed.source) == {"SDN"}


def test_issue_9_accused_act_is_not_an_asserted_event(code):
    result = code("Lithuania accused Belarus of attacking its border guards.")
    accuse = _of_type(result, "ACCUSE")
    assert accuse and _countries(accuse[0].source) == {"LTU"}
    assert _countries(accuse[0].target) == {"BLR"}
    assert all(e.hypothetical for e in _of_type(result, "ASSAULT"))


def test_issue_9_response_targets_the_source_of_the_event_it_names(code):
    result = code("Congo accused Kenya of shielding rebel leaders on Sunday.\n\n"
                  "Kenya's foreign ministry rejected the accusation on Monday.")
    reject = _of_type(result, "REJECT")
    assert reject and _countries(reject[0].target) == {"COD"}


def test_issue_9_speaker_is_the_source_of_a_reported_speech_act(code):
    result = code("China's foreign ministry said the remarks were unacceptable "
                  "and urged South Korea to handle the issue with prudence.")
    request = _of_type(result, "REQUEST")
    assert request and _countries(request[0].source) == {"CHN"}
    assert _countries(request[0].target) == {"KOR"}


def test_issue_9_occurrence_is_where_the_story_happened_not_the_dateline(code):
    result = code("BEIRUT — Tribal fighters withdrew on Tuesday from the Syrian town of Dhiban.\n\n"
                  "Government troops shelled villages on Monday, killing three civilians. "
                  "The Syrian foreign ministry condemned the shelling.")
    shelled = next(e for e in result.events
                   if "shelled" in {m.trigger.text for m in e.mentions})
    assert shelled.location.name == "Dhībān"
    condemned = next(e for e in result.events if e.type == "ACCUSE")
    assert condemned.location.name == "Beirut"  # said where the report was filed
    assert _countries(condemned.target) == {"SYR"}  # the shelling's source


def test_issue_9_dateline_stays_when_the_story_is_from_its_country(code):
    result = code("HONG KONG — A Hong Kong court sentenced 45 activists on Tuesday under the law "
                  "that Beijing imposed in 2020. Police arrested two people outside the court.")
    arrested = next(e for e in result.events if e.trigger.text == "arrested")
    assert arrested.location.name == "Hong Kong"


def test_issue_9_a_document_acts_for_whoever_issued_it(code):
    result = code("The African Union approved a resolution that backed Chad's electoral "
                  "commission.")
    support = _of_type(result, "SUPPORT")
    assert support and _countries(support[0].source) == {"IGO"}


def test_issue_9_parties_of_a_joint_act_are_its_two_sides(code):
    result = code("Ethiopia and Somalia signed an agreement in Addis Ababa on Friday.")
    agree = _of_type(result, "AGREE")
    assert agree and _countries(agree[0].source) == {"ETH", "SOM"}
    assert _countries(agree[0].target) == {"SOM"}


def test_issue_9_statement_is_made_where_it_was_said_not_where_it_points(code):
    result = code("BEIJING — China rejected an offer of talks from Japan on Friday.\n\n"
                  "Kenyan President William Ruto said at a ceremony in Nairobi that Kenya "
                  "would stand with the people of Haiti.")
    reject = _of_type(result, "REJECT")
    assert reject and reject[0].location.name == "Beijing"
    pledge = next(e for e in result.events if "stand" in e.trigger.text)  # AGREE: a pledge
    assert pledge.location.name == "Nairobi"


@pytest.mark.parametrize(
    ("text", "event_type", "source", "target"),
    [
        ("The US State Department said it was deeply troubled by Russia's attack on Kyiv.",
         "ACCUSE", {"USA"}, {"RUS"}),
        ("Britain was alarmed by Russia's attack on Kyiv.", "ACCUSE", {"GBR"}, {"RUS"}),
        ("Washington expects these attacks to end immediately.", "REQUEST", {"USA"}, set()),
    ],
)
def test_issue_9_verbal_events_from_statements(code, text, event_type, source, target):
    events = _of_type(code(text), event_type)
    assert events and _countries(events[0].source) == source
    assert _countries(events[0].target) >= target


def test_issue_9_what_a_denial_is_about_is_not_asserted(code):
    result = code("Russia denied shelling the hospital.")
    assert _of_type(result, "REJECT")
    assert all(e.hypothetical for e in _of_type(result, "ASSAULT"))
