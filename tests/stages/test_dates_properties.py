"""Properties of resolve_dates: past expressions never lie after publication."""

from __future__ import annotations

import calendar
import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.language import Language

from newsevents.stages.resolve_dates import DateResolver, find_dates
from newsevents.types import Article, Event, Span

WEEKDAYS = list(calendar.day_name)

expressions = st.one_of(
    st.integers(min_value=0, max_value=400).map(lambda n: f"{n} days ago"),
    st.sampled_from(WEEKDAYS).map(lambda day: f"last {day}"),
    st.sampled_from(WEEKDAYS).map(lambda day: f"on {day}"),
    st.sampled_from(["yesterday", "last week", "last month"]),
)
published_dates = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2090, 12, 31))
prefixes = st.sampled_from(["", "Arnor troops shelled Gondor ", "The talks ended "])


@settings(max_examples=300, deadline=None)
@given(published=published_dates, expression=expressions, prefix=prefixes)
def test_dates_properties_past_expressions_not_after_publication(
    blank: Language, published: dt.date, expression: str, prefix: str
) -> None:
    text = f"{prefix}{expression}."
    mentions = find_dates(blank(text), published)
    assert mentions, text
    for mention in mentions:
        assert mention.value is not None
        assert mention.value <= published
        assert text[mention.start:mention.end] == mention.text


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=200), published=published_dates)
def test_dates_properties_spans_slice_back_on_any_text(
    blank: Language, text: str, published: dt.date
) -> None:
    for mention in find_dates(blank(text), published):
        assert text[mention.start:mention.end] == mention.text
        if mention.value is not None:
            assert mention.precision in ("day", "week", "month", "year")


sentences = st.sampled_from([
    "On 9 May 2020, orcs attacked Bree.", "Two rangers were killed in the fighting.",
    "Arnor said on Monday that riders clashed with orcs.", "The siege went on.",
    "Last week, riders burned a granary.",
])


@settings(max_examples=200, deadline=None)
@given(parts=st.lists(sentences, min_size=1, max_size=6), published=published_dates,
       breaks=st.lists(st.booleans(), min_size=6, max_size=6))
def test_dates_properties_narrative_dates_only_fill_undated_events(
    blank: Language, parts: list[str], published: dt.date, breaks: list[bool]
) -> None:
    text = ""
    events = []
    for part, new_paragraph in zip(parts, breaks):
        if text:
            text += "\n" if new_paragraph else " "
        start = len(text)
        text += part
        trigger = part.split()[3]
        at = start + part.index(trigger)
        events.append(Event(
            id=f"e{at}", article_id="a1", type="ASSAULT", mode=None, contexts=(), cameo=None,
            quad_class=None, goldstein=None, source=(), target=(),
            trigger=Span(trigger, at, at + len(trigger)),
            sentence=Span(part, start, start + len(part)), confidence=0.5,
        ))
    doc = blank(text)
    doc._.article = Article(id="a1", text=text, published=published)
    doc._.events = events
    dated = DateResolver(fallback=False)(doc)._.events
    alone = DateResolver(fallback=False)
    for before, after in zip(events, dated):
        single = blank(text)
        single._.article = doc._.article
        single._.events = [before]
        own = alone(single)._.events[0].date
        if own.reason != "publication_date":
            assert after.date == own  # a date from the event's own sentence is never replaced
        elif after.date.reason == "previous_event":
            assert after.date.start is not None and after.date.start < before.sentence.start
            assert "\n" not in text[after.date.start:before.sentence.start]
        else:
            assert after.date == own
