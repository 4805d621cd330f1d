"""The data model that flows through every stage.

Article ──parse──▶ Doc ──resolve_actors──▶ Actor mentions
                       ──extract_events──▶ Event (source/target Actors)
                       ──geolocate──────▶ Place, Event.location
                       ──resolve_dates──▶ EventDate, Event.date
                       ──screen_events──▶ assertion flags; non-political events dropped
                       ──merge_mentions─▶ Event made of Mentions (one per occurrence)
                       ──find_quotes────▶ Quote
                       ──▶ ArticleResult ──store──▶ DuckDB

All records are frozen dataclasses. Character offsets (``start``/``end``)
always index ``Article.text`` exactly as ingested, so
``article.text[x.start:x.end] == x.text`` for every span-bearing record.
"Unknown" is ``None``, usually with a ``reason`` saying why.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
from dataclasses import dataclass, field
from collections.abc import Iterable, Iterator
from typing import Any, Literal

PLOVER_TYPES: tuple[str, ...] = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)

SECTORS: tuple[str, ...] = (
    "GOV", "MIL", "COP", "JUD", "LEG", "REB", "OPP", "PTY", "CVL", "IGO", "NGO", "BUS",
    "MED", "EDU", "REL", "HLH", "LAB", "REF", "CRM", "ELI", "SPY", "UNK",
)

ActorKind = Literal["country", "person", "organisation", "group", "compound"]
DatePrecision = Literal["day", "week", "month", "year"]
PlaceFeature = Literal["country", "admin1", "district", "city", "region"]


@dataclass(frozen=True)
class Span:
    """A piece of the article text: ``article.text[start:end] == text``."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Article:
    """One news article as ingested. ``id`` is stable across re-runs."""

    id: str
    text: str
    url: str | None = None
    title: str | None = None
    outlet: str | None = None
    published: dt.date | None = None
    language: str | None = None
    source: str | None = None
    record: int | None = None
    notes: tuple[str, ...] = ()

    @functools.cached_property
    def content_hash(self) -> str:
        """Computed once per article: the store and the corpus runner both key on it."""
        return content_hash(self.text)


def content_hash(text: str) -> str:
    """The sha256 of the whitespace-normalised text: the article's identity."""
    normalised = " ".join(text.split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Actor:
    """A mention of an actor, resolved to a country code and a PLOVER sector.

    ``name`` is the canonical name ("Matthew Miller", "United States");
    ``country`` an ISO-3 code or a group code (IGO, NGO, …); ``role`` the
    in-text role of a person ("spokesperson"); ``members`` the parts of a
    compound actor ("Polish and Czech officials").
    """

    text: str
    start: int
    end: int
    name: str | None
    country: str | None
    sector: str | None
    kind: ActorKind
    role: str | None = None
    members: tuple[Actor, ...] = ()
    reason: str | None = None


def flatten_actors(actors: Iterable[Actor]) -> Iterator[Actor]:
    """Every actor and, after each, the members of a compound actor, depth first."""
    for actor in actors:
        yield actor
        yield from flatten_actors(actor.members)


@dataclass(frozen=True)
class Place:
    """A geocoded place mention (``geonameid`` None plus ``reason`` if unresolved)."""

    text: str
    start: int
    end: int
    name: str | None
    geonameid: int | None
    country: str | None
    admin1: str | None
    lat: float | None
    lon: float | None
    feature: PlaceFeature | None = None
    reason: str | None = None


@dataclass(frozen=True)
class EventDate:
    """When an event happened. ``value`` is the first day of the period."""

    value: dt.date | None
    precision: DatePrecision | None
    text: str | None = None
    start: int | None = None
    end: int | None = None
    reason: str | None = None


@dataclass(frozen=True)
class Size:
    """Casualty and arrest counts attached to one event (None = not stated)."""

    killed: int | None = None
    injured: int | None = None
    arrested: int | None = None


@dataclass(frozen=True)
class Mention:
    """One place where an article reports an event: a trigger in a sentence.

    An article may report one occurrence several times ("the blast", "the
    explosion", "killing 26"); each report is a mention, and the Event lists
    them all. The flags say why a mention does not assert that the event
    happened: ``negated`` ("did not condemn"), ``hypothetical`` (conditional,
    modal, intended or a purpose: "would impose", "to push for talks"),
    ``future`` (planned or upcoming: "will meet next week"), ``generic``
    (habitual or generic: "gangs who raid villages"), ``historical``
    (background or a running total: "more than 40,000 killed since 2009").
    """

    type: str
    trigger: Span
    sentence: Span
    confidence: float
    source: tuple[Actor, ...] = ()
    target: tuple[Actor, ...] = ()
    date: EventDate | None = None
    size: Size = field(default_factory=Size)
    negated: bool = False
    hypothetical: bool = False
    future: bool = False
    generic: bool = False
    historical: bool = False

    @property
    def asserted(self) -> bool:
        """The text says this happened (none of the flags is set)."""
        return not (self.negated or self.hypothetical or self.future or self.generic
                    or self.historical)


@dataclass(frozen=True)
class Event:
    """A coded political event with the evidence it came from.

    ``trigger`` and ``sentence`` are those of the event's main mention;
    ``mentions`` lists every mention of the occurrence in the article, in
    text order. The flags are those of the mentions (all of them share the
    assertion status of the event).
    """

    id: str
    article_id: str
    type: str
    mode: str | None
    contexts: tuple[str, ...]
    cameo: str | None
    quad_class: int | None
    goldstein: float | None
    source: tuple[Actor, ...]
    target: tuple[Actor, ...]
    trigger: Span
    sentence: Span
    confidence: float
    negated: bool = False
    hypothetical: bool = False
    location: Place | None = None
    date: EventDate = field(default_factory=lambda: EventDate(None, None, reason="not_resolved"))
    size: Size = field(default_factory=Size)
    reported_by: Actor | None = None
    future: bool = False
    generic: bool = False
    historical: bool = False
    mentions: tuple[Mention, ...] = ()

    @property
    def asserted(self) -> bool:
        """The text says this happened (none of the flags is set)."""
        return not (self.negated or self.hypothetical or self.future or self.generic
                    or self.historical)


@dataclass(frozen=True)
class Quote:
    """A direct quotation and, where the text says, who said it."""

    text: str
    start: int
    end: int
    speaker: Actor | None


@dataclass(frozen=True)
class Failure:
    """A record or article that could not be processed, and why."""

    stage: str
    code: str
    message: str
    article_id: str | None = None
    source: str | None = None
    record: int | None = None
    exc_type: str | None = None


@dataclass(frozen=True)
class ArticleResult:
    """Everything the per-article stages produced for one article."""

    article: Article
    events: tuple[Event, ...] = ()
    actors: tuple[Actor, ...] = ()
    places: tuple[Place, ...] = ()
    quotes: tuple[Quote, ...] = ()
    failures: tuple[Failure, ...] = ()
    tone: float | None = None
    words: int = 0


def to_jsonable(value: Any) -> Any:
    """Turn a record (or nested records) into JSON-ready dicts and lists."""
    names = _field_names(type(value))
    if names is not None:
        return {name: to_jsonable(getattr(value, name)) for name in names}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@functools.cache
def _field_names(kind: type) -> tuple[str, ...] | None:
    """A dataclass type's field names, None for any other type (asked once per type: the
    store turns every event's actors and places into JSON)."""
    if not dataclasses.is_dataclass(kind):
        return None
    return tuple(item.name for item in dataclasses.fields(kind))
