"""Fixtures for the evaluation tests: hand-built events and a fake processor.

The scorers take a ``process`` function, so these tests score
``ArticleResult``s built by hand against tiny gold files written for them
(``data/*.jsonl``, fictional or paraphrased sentences); no model is loaded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

import pytest

from newsevents.types import (
    Actor,
    Article,
    ArticleResult,
    Event,
    EventDate,
    Place,
    Size,
    Span,
)

DATA = Path(__file__).parent / "data"


@pytest.fixture()
def data_dir() -> Path:
    return DATA


def _actor(country: str, sector: str | None) -> Actor:
    return Actor(text=country, start=0, end=len(country), name=country, country=country,
                 sector=sector, kind="country")


def build_event(
    article_id: str,
    type_: str,
    *,
    confidence: float = 0.9,
    source: Sequence[tuple[str, str | None]] = (),
    target: Sequence[tuple[str, str | None]] = (),
    cameo: str | None = None,
    location: Place | None = None,
    date: dt.date | None = None,
    killed: int | None = None,
) -> Event:
    return Event(
        id=f"{article_id}-{type_}-{confidence}",
        article_id=article_id,
        type=type_,
        mode=None,
        contexts=(),
        cameo=cameo,
        quad_class=None,
        goldstein=None,
        source=tuple(_actor(c, s) for c, s in source),
        target=tuple(_actor(c, s) for c, s in target),
        trigger=Span(text="did", start=0, end=3),
        sentence=Span(text="did", start=0, end=3),
        confidence=confidence,
        location=location,
        date=EventDate(date, "day" if date else None, reason=None if date else "not_resolved"),
        size=Size(killed=killed),
    )


def build_place(*, country: str | None, admin1: str | None, lat: float | None,
                lon: float | None) -> Place:
    return Place(text="there", start=0, end=5, name="there", geonameid=None, country=country,
                 admin1=admin1, lat=lat, lon=lon)


class FakeProcessor:
    """Returns the prepared events for each article id and remembers what it was given."""

    def __init__(self, events: Mapping[str, Iterable[Event]]) -> None:
        self.events = {key: tuple(value) for key, value in events.items()}
        self.calls: list[list[Article]] = []

    def __call__(self, articles: list[Article]) -> list[ArticleResult]:
        self.calls.append(list(articles))
        return [ArticleResult(article=a, events=self.events.get(a.id, ())) for a in articles]


@pytest.fixture()
def make_event() -> Callable[..., Event]:
    return build_event


@pytest.fixture()
def make_place() -> Callable[..., Place]:
    return build_place


@pytest.fixture()
def fake_processor() -> Callable[[Mapping[str, Iterable[Event]]], FakeProcessor]:
    return FakeProcessor
