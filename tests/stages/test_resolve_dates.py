"""resolve_dates: the fast resolver, event dating rules, and a real-model check."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
import spacy
from spacy.language import Language

from newsevents.stages.resolve_dates import DateResolver, find_dates, resolve_date_text
from newsevents.types import Article, Event, EventDate, Span

from _builders import hand_event as _event

PUBLISHED = dt.date(2024, 11, 20)  # a Wednesday


def _run(nlp: Language, text: str, events: list[Event],
         published: dt.date | None = PUBLISHED) -> list[Event]:
    doc = nlp(text)
    doc._.article = Article(id="a1", text=text, published=published)
    doc._.events = events
    return DateResolver(fallback=False)(doc)._.events


@pytest.mark.parametrize(
    ("text", "value", "precision"),
    [
        ("on Monday", "2024-11-18", "day"),
        ("Monday", "2024-11-18", "day"),
        ("on Wednesday", "2024-11-20", "day"),
        ("last Wednesday", "2024-11-13", "day"),
        ("late on Saturday", "2024-11-16", "day"),
        ("Saturday night", "2024-11-16", "day"),
        ("November 9", "2024-11-09", "day"),
        ("9 November", "2024-11-09", "day"),
        ("Nov. 9", "2024-11-09", "day"),
        ("December 3", "2023-12-03", "day"),
        ("9 May 2020", "2020-05-09", "day"),
        ("May 9, 2020", "2020-05-09", "day"),
        ("2024-11-09", "2024-11-09", "day"),
        ("yesterday", "2024-11-19", "day"),
        ("today", "2024-11-20", "day"),
        ("overnight", "2024-11-20", "day"),
        ("3 days ago", "2024-11-17", "day"),
        ("two days ago", "2024-11-18", "day"),
        ("on the 9th", "2024-11-09", "day"),
        ("on the 25th", "2024-10-25", "day"),
        ("last week", "2024-11-11", "week"),
        ("last month", "2024-10-01", "month"),
        ("in March", "2024-03-01", "month"),
        ("in December", "2023-12-01", "month"),
        ("March 2023", "2023-03-01", "month"),
        ("earlier this year", "2024-01-01", "year"),
        ("in 2019", "2019-01-01", "year"),
    ],
)
def test_resolve_dates_common_expressions(blank: Language, text: str, value: str,
                                          precision: str) -> None:
    mentions = find_dates(blank(f"It happened {text}."), PUBLISHED)
    assert len(mentions) == 1
    assert str(mentions[0].value) == value
    assert mentions[0].precision == precision


def test_resolve_dates_around_as_reported(blank: Language) -> None:
    doc = blank("Around 14 March 2019 (as reported), a body was found in Minas Tirith.")
    (mention,) = find_dates(doc, None)
    assert (mention.text, mention.value) == ("14 March 2019", dt.date(2019, 3, 14))


def test_resolve_dates_resolve_date_text_whole_expression() -> None:
    assert resolve_date_text("last Monday", PUBLISHED) == (dt.date(2024, 11, 18), "day")
    assert resolve_date_text("next Monday", PUBLISHED) == (dt.date(2024, 11, 25), "day")
    assert resolve_date_text("the 1990s", PUBLISHED) is None


def test_resolve_dates_future_sentence_looks_ahead(blank: Language) -> None:
    (mention,) = find_dates(blank("The envoys will meet on Friday in Edoras."), PUBLISHED)
    assert mention.value == dt.date(2024, 11, 22)


def test_resolve_dates_may_as_verb_is_not_a_date(blank: Language) -> None:
    assert find_dates(blank("Arnor may close the border. Talks may resume."), PUBLISHED) == []


def test_resolve_dates_relative_without_publication_date(blank: Language) -> None:
    (mention,) = find_dates(blank("Gondor shelled Osgiliath on Tuesday."), None)
    assert mention.value is None and mention.text == "Tuesday"


def test_resolve_dates_reporting_date_is_flagged(blank: Language) -> None:
    mentions = find_dates(blank("Gondor shelled the town, the ministry said on Monday."),
                          PUBLISHED)
    assert [m.reporting for m in mentions] == [True]


def test_resolve_dates_event_takes_date_of_its_clause(blank: Language) -> None:
    text = "Gondor shelled Osgiliath on Tuesday, the ministry said on Wednesday."
    (event,) = _run(blank, text, [_event(text, "shelled")])
    assert event.date.value == dt.date(2024, 11, 19)
    assert event.date.text == "Tuesday"
    assert text[event.date.start:event.date.end] == "Tuesday"


def test_resolve_dates_reporting_date_does_not_override(blank: Language) -> None:
    text = "At a news conference on Monday, the envoy recalled the November 9 blast in Edoras."
    (event,) = _run(blank, text, [_event(text, "blast")])
    assert event.date.value == dt.date(2024, 11, 9)
    assert event.date.reason == "attached"


def test_resolve_dates_nearest_date_in_sentence(blank: Language) -> None:
    text = "Rohan riders, who arrived on Sunday, attacked the orc camp."
    (event,) = _run(blank, text, [_event(text, "attacked")])
    assert event.date.value == dt.date(2024, 11, 17)
    assert event.date.reason == "same_sentence"


def test_resolve_dates_falls_back_to_publication_date(blank: Language) -> None:
    text = "Rohan riders attacked the orc camp."
    (event,) = _run(blank, text, [_event(text, "attacked")])
    assert event.date == EventDate(PUBLISHED, "day", reason="publication_date")


def test_resolve_dates_undated_event_takes_the_previous_event_date(blank: Language) -> None:
    text = "On 9 May 2020, orcs attacked Bree. Two rangers were killed in the fighting."
    attacked, fighting = _run(blank, text, [_event(text, "attacked"), _event(text, "fighting")])
    assert attacked.date.value == dt.date(2020, 5, 9)
    assert fighting.date.value == dt.date(2020, 5, 9)
    assert fighting.date.reason == "previous_event"


def test_resolve_dates_undated_event_takes_an_earlier_date_expression(blank: Language) -> None:
    text = ("Around 22 August 2018 (as reported), a ranger was found dead near Bree. "
            "The body showed signs of torture.")
    (event,) = _run(blank, text, [_event(text, "torture")])
    assert event.date.value == dt.date(2018, 8, 22)
    assert event.date.reason == "previous_event"


def test_resolve_dates_narrative_date_stops_at_a_paragraph(blank: Language) -> None:
    text = "On 9 May 2020, orcs attacked Bree.\nRiders clashed with orcs at the ford."
    start = text.index("Riders")
    clashed = dataclasses.replace(
        _event(text, "clashed"), sentence=Span(text[start:], start, len(text)))
    attacked = dataclasses.replace(
        _event(text, "attacked"), sentence=Span(text[:start - 1], 0, start - 1))
    _, dated = _run(blank, text, [attacked, clashed])
    assert dated.date == EventDate(PUBLISHED, "day", reason="publication_date")


def test_resolve_dates_reporting_date_is_not_carried(blank: Language) -> None:
    text = "Arnor said on Monday that orcs attacked Bree. Two rangers were killed in the fighting."
    _, fighting = _run(blank, text, [_event(text, "attacked"), _event(text, "fighting")])
    assert fighting.date.reason == "publication_date"


def test_resolve_dates_sentence_opening_date_beats_a_nearer_one(blank: Language) -> None:
    text = "On 9 May 2020, riders, who had waited since last night, attacked the orc camp."
    (event,) = _run(blank, text, [_event(text, "attacked")])
    assert event.date.value == dt.date(2020, 5, 9)
    assert event.date.reason == "sentence_opening"


def test_resolve_dates_day_of_month_needs_an_ordinal(blank: Language) -> None:
    assert resolve_date_text("25 of March", PUBLISHED) is None
    assert resolve_date_text("25th of March", PUBLISHED) == (dt.date(2024, 3, 25), "day")
    assert resolve_date_text("25 March", PUBLISHED) == (dt.date(2024, 3, 25), "day")


@pytest.mark.parametrize("text", ["2 months", "three weeks", "about 10 years", "the past 5 days"])
def test_resolve_dates_durations_are_not_dates(text: str) -> None:
    assert DateResolver()._fallback(text, PUBLISHED, False) is None


def test_resolve_dates_no_publication_date(blank: Language) -> None:
    text = "Rohan riders attacked the orc camp."
    (event,) = _run(blank, text, [_event(text, "attacked")], published=None)
    assert event.date == EventDate(None, None, reason="no_publication_date")


def test_resolve_dates_no_events_is_fine(blank: Language) -> None:
    doc = blank("Nothing happened on Monday.")
    doc._.article = Article(id="a1", text=doc.text, published=PUBLISHED)
    doc._.events = None
    assert DateResolver()(doc)._.events == []


@pytest.mark.slow
def test_resolve_dates_real_model_event_dates(model: Language) -> None:
    text = ("Gondor's army shelled the border town of Osgiliath on Tuesday, killing 12 people "
            "and wounding 30, the ministry said on Wednesday. At a news conference on Monday, "
            "the Arnor envoy condemned the November 9 blast in Bree.")
    doc = model(text)
    doc._.article = Article(id="a1", text=text, published=PUBLISHED)
    shelled = _event(text, "shelled")
    blast = _event(text, "blast")
    condemned = _event(text, "condemned", kind="ACCUSE")
    killing = _event(text, "killing")
    doc._.events = [shelled, killing, blast, condemned]
    dated = {event.trigger.text: event.date for event in DateResolver()(doc)._.events}
    assert dated["shelled"].value == dt.date(2024, 11, 19)
    assert dated["killing"].value == dt.date(2024, 11, 19)
    assert dated["blast"].value == dt.date(2024, 11, 9)
    assert dated["condemned"].value == dt.date(2024, 11, 18)
    assert dated["condemned"].reason == "attached_reporting"


@pytest.mark.slow
def test_resolve_dates_real_model_dateparser_fallback(model: Language) -> None:
    text = "The siege of Minas Tirith began on 11/09/2024, officials said."
    doc = model(text)
    mentions = find_dates(doc, PUBLISHED, fallback=DateResolver()._fallback)
    assert any(m.value == dt.date(2024, 11, 9) for m in mentions)


def test_resolve_dates_factory_builds_from_config() -> None:
    from newsevents.stages.resolve_dates import FACTORY

    nlp = spacy.blank("en")
    component = nlp.add_pipe(FACTORY, config={"fallback": False})
    assert isinstance(component, DateResolver) and component.fallback is False


@pytest.mark.slow
def test_resolve_dates_a_date_inside_another_noun_phrase_is_not_the_event_date(model):
    from newsevents.stages.resolve_dates import DateResolver

    text = "The students demand an end to quotas for relatives of veterans of the 1971 war."
    doc = model(text)
    start = text.index("demand")
    doc._.article = Article(id="q", text=text, published=PUBLISHED)
    doc._.events = [Event(
        id="q-e1", article_id="q", type="REQUEST", mode=None, contexts=(), cameo="020",
        quad_class=1, goldstein=3.0, source=(), target=(),
        trigger=Span("demand", start, start + 6), sentence=Span(text, 0, len(text)),
        confidence=0.8)]
    (event,) = DateResolver()(doc)._.events
    assert event.date.value == PUBLISHED and event.date.reason == "publication_date"


def _statement(event_type: str, reason: str, *, reported_by=None) -> Event:
    return Event(
        id=f"s-{event_type}", article_id="s", type=event_type, mode=None, contexts=(),
        cameo=None, quad_class=None, goldstein=None, source=(), target=(),
        trigger=Span("x", 0, 1), sentence=Span("x", 0, 1), confidence=0.9,
        date=EventDate(PUBLISHED, "day", reason=reason), reported_by=reported_by)


def test_resolve_dates_statements_take_the_single_reporting_date():
    from newsevents.stages.resolve_dates import DateMention, date_statements

    monday = DateMention("Monday", 30, 36, dt.date(2024, 11, 18), "day", reporting=True)
    events = [_statement("ACCUSE", "publication_date"), _statement("ASSAULT", "publication_date"),
              _statement("REQUEST", "attached")]
    accuse, assault, request = date_statements(events, [monday])
    assert accuse.date.value == dt.date(2024, 11, 18)
    assert accuse.date.reason == "article_reporting_date"
    assert assault.date.reason == "publication_date"
    assert request.date.reason == "attached"


def test_resolve_dates_two_reporting_dates_leave_statements_alone():
    from newsevents.stages.resolve_dates import DateMention, date_statements

    mentions = [DateMention("Monday", 30, 36, dt.date(2024, 11, 18), "day", reporting=True),
                DateMention("Tuesday", 60, 67, dt.date(2024, 11, 19), "day", reporting=True)]
    (accuse,) = date_statements([_statement("ACCUSE", "publication_date")], mentions)
    assert accuse.date.reason == "publication_date"


def test_resolve_dates_an_age_after_a_name_is_not_a_year():
    from newsevents.stages.resolve_dates import DateResolver

    resolver = DateResolver()
    assert resolver._fallback("58", PUBLISHED, False) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # issue 9: the date of something still to come stays in the future
        ("Gondor accused Arnor on Monday ahead of the Nov. 5 referendum.", "2025-11-05"),
        ("Gondor called on Arnor to sign the accord at the summit in March.", "2025-03-01"),
        ("Gondor shelled Osgiliath days before the upcoming summit on March 3.", "2025-03-03"),
        ("The envoys will meet again in February.", "2025-02-01"),
        # and a past one in a past clause stays in the past
        ("Gondor shelled Osgiliath on Tuesday afternoon.", "2024-11-19"),
        ("Gondor and Arnor signed the accord in March.", "2024-03-01"),
    ],
)
def test_issue_9_dates_of_upcoming_events_stay_in_the_future(model: Language, text: str,
                                                              value: str) -> None:
    mentions = [m for m in find_dates(model(text), PUBLISHED) if m.text not in ("Monday",)]
    assert [m.value for m in mentions][-1] == dt.date.fromisoformat(value)
