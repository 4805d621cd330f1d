"""Reading gold files and the small helpers every scorer shares.

Gold files are JSON Lines written by others. They are parsed into frozen
records by each scorer (``plover_gsr``, ``upetrarch``, ``events_gold``); this
module only reads lines, fingerprints files, and answers the questions every
scorer asks of an ``ArticleResult`` ("which event is the most confident?",
"which countries does this side of the event name?").
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from newsevents.errors import Errors, InputError
from newsevents.types import Actor, Article, ArticleResult, Event, flatten_actors

ProcessFn = Callable[[list[Article]], Iterable[ArticleResult]]
"""Turns all articles of one gold file into results, in order (one batched call)."""


def read_jsonl(path: Path, *, limit: int | None = None) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line_number, record)`` for the first ``limit`` records of ``path``."""
    if not path.is_file():
        raise InputError(Errors.E401.format(path=path))
    count = 0
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if limit is not None and count >= limit:
                return
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as e:
                raise InputError(Errors.E402.format(path=path, line=number, detail=e)) from e
            if not isinstance(record, dict):
                raise InputError(Errors.E402.format(
                    path=path, line=number, detail="the line is not a JSON object"))
            count += 1
            yield number, record


def field(record: Mapping[str, Any], name: str, *, path: Path, kind: str) -> Any:
    """``record[name]``, or a coded error saying the file is not of this kind."""
    try:
        return record[name]
    except KeyError as e:
        raise InputError(Errors.E403.format(
            record=record.get("id", "?"), path=path, field=name, kind=kind)) from e


def sha256_file(path: Path) -> str:
    """The sha256 of a gold file, so floors know which corpus they were measured on."""
    digest = hashlib.sha256()
    with path.open("rb") as data:
        for block in iter(lambda: data.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def best_event(events: Iterable[Event]) -> Event | None:
    """The most confident event (the first one on ties), or None."""
    best: Event | None = None
    for event in events:
        if best is None or event.confidence > best.confidence:
            best = event
    return best


def actor_countries(actors: Iterable[Actor]) -> set[str]:
    """Country or group codes of actors, including the members of compound actors."""
    return {a.country.upper() for a in flatten_actors(actors) if a.country}


def actor_sectors(actors: Iterable[Actor]) -> set[str]:
    """PLOVER sectors of actors, including the members of compound actors."""
    return {a.sector.upper() for a in flatten_actors(actors) if a.sector}


def describe_event(event: Event) -> str:
    """One line for error listings: type, actors, confidence and trigger."""
    source = "+".join(sorted(actor_countries(event.source))) or "-"
    target = "+".join(sorted(actor_countries(event.target))) or "-"
    cameo = f" CAMEO {event.cameo}" if event.cameo else ""
    return (f"{event.type}{cameo} {source}->{target} "
            f"conf {event.confidence:.2f} «{event.trigger.text}»")


def describe_events(events: Iterable[Event]) -> str:
    lines = [describe_event(event) for event in events]
    return "; ".join(lines) if lines else "no event"
