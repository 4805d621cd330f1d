"""Properties of resolve_dates: past expressions never lie after publication."""

from __future__ import annotations

import calendar
import datetime as dt

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.language import Language

from newsevents.stages.resolve_dates import find_dates

WEEKDAYS = list(calendar.day_name)

expressions = st.one_of(
    st.integers(min_value=0, max_value=400).map(lambda n: f"{n} days ago"),
    st.sampled_from(WEEKDAYS).map(lambda day: f"last {day}"),
    st.sampled_from(WEEKDAYS).map(lambda day: f"on {day}"),
    st.sampled_from(["yesterday", "last week", "last month"]),
)
published_dates = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2090, 12, 31))
prefixes = st.sampled_from(["", "Arnor troops shelled Gondor ", "The talks ended "])


@pytest.fixture(scope="module")
def blank() -> Language:
    return spacy.blank("en")


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
