"""The public JSON shape of a coded article (the ``extract --format jsonl`` contract).

One line per article::

    {"article": {"id", "url", "title", "outlet", "published"},
     "events": [...], "quotes": [...], "places": [...], "failures": [...]}

Field names are a contract other tools rely on; ``docs/schema.md`` explains
each one. Change them only with a new major version.
"""

from __future__ import annotations

from typing import Any

from newsevents.types import (
    Actor,
    ArticleResult,
    Event,
    EventDate,
    Failure,
    Mention,
    Place,
    Quote,
    to_jsonable,
)


def article_record(result: ArticleResult) -> dict[str, Any]:
    """The JSON-ready record of one coded article."""
    article = result.article
    return {
        "article": {
            "id": article.id,
            "url": article.url,
            "title": article.title,
            "outlet": article.outlet,
            "published": article.published.isoformat() if article.published else None,
        },
        "events": [event_record(event) for event in result.events],
        "quotes": [quote_record(quote) for quote in result.quotes],
        "places": [place_record(place) for place in result.places],
        "failures": [failure_record(failure) for failure in result.failures],
        "tone": result.tone,
    }


def actor_record(actor: Actor) -> dict[str, Any]:
    return {
        "text": actor.text,
        "start": actor.start,
        "end": actor.end,
        "name": actor.name,
        "country": actor.country,
        "sector": actor.sector,
        "kind": actor.kind,
        "role": actor.role,
        "members": [actor_record(member) for member in actor.members],
    }


def place_record(place: Place) -> dict[str, Any]:
    return to_jsonable(place)


def quote_record(quote: Quote) -> dict[str, Any]:
    return {
        "text": quote.text,
        "start": quote.start,
        "end": quote.end,
        "speaker": actor_record(quote.speaker) if quote.speaker else None,
    }


def failure_record(failure: Failure) -> dict[str, Any]:
    return to_jsonable(failure)


def event_record(event: Event) -> dict[str, Any]:
    return {
        "id": event.id,
        "type": event.type,
        "mode": event.mode,
        "contexts": list(event.contexts),
        "cameo": event.cameo,
        "quad_class": event.quad_class,
        "goldstein": event.goldstein,
        "source": [actor_record(actor) for actor in event.source],
        "target": [actor_record(actor) for actor in event.target],
        "location": place_record(event.location) if event.location else None,
        "date": date_record(event.date),
        "size": to_jsonable(event.size),
        "trigger": to_jsonable(event.trigger),
        "sentence": to_jsonable(event.sentence),
        "confidence": event.confidence,
        "negated": event.negated,
        "hypothetical": event.hypothetical,
        "future": event.future,
        "generic": event.generic,
        "historical": event.historical,
        "reported_by": actor_record(event.reported_by) if event.reported_by else None,
        "mentions": [mention_record(mention) for mention in event.mentions],
    }


def date_record(date: EventDate) -> dict[str, Any]:
    return {
        "value": date.value.isoformat() if date.value else None,
        "precision": date.precision,
        "text": date.text,
        "reason": date.reason,
    }


def mention_record(mention: Mention) -> dict[str, Any]:
    return {
        "type": mention.type,
        "trigger": to_jsonable(mention.trigger),
        "sentence": to_jsonable(mention.sentence),
        "confidence": mention.confidence,
        "source": [actor_record(actor) for actor in mention.source],
        "target": [actor_record(actor) for actor in mention.target],
        "date": date_record(mention.date) if mention.date else None,
        "size": to_jsonable(mention.size),
        "negated": mention.negated,
        "hypothetical": mention.hypothetical,
        "future": mention.future,
        "generic": mention.generic,
        "historical": mention.historical,
    }
