"""Score actor resolution against gold actor mentions (``--kind actors``).

Each gold line is one mention (``text``) inside a short ``context`` (the
mention alone when there is none), with the country and the primary PLOVER
sector an analyst codes for it on ``date``. The context goes through the
real pipeline as an article published on ``date``; the mention's gold span
is the first occurrence of ``text`` in the context.

The produced actor for a mention is looked up among the resolved actor
mentions (``ArticleResult.actors``, compound members included):

1. an actor whose span is exactly the gold span;
2. else the actor whose span overlaps the gold span by the most
   characters (ties: the one ending later, as English names end in their
   head, "Pakistan's *army*"; then the shorter one);
3. else "not found", which is wrong on every metric.

Metrics, all over every gold line (a missing actor is a miss):
``country_accuracy`` the actor's ``country`` equals the gold country;
``sector_accuracy`` its ``sector`` (the primary sector) equals the gold
sector; ``both_accuracy`` both at once; ``coverage`` an actor was found and
carries a country or a sector. Reported only: ``exact_span`` and
``found_span`` (how the actor was found), and ``country_when_coded`` (the
country is right among the actors that carry one).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from newsevents.errors import Errors, InputError
from newsevents.evaluate.gold import read_jsonl
from newsevents.evaluate.report import Miss, Scored, ratio, worst
from newsevents.types import SECTORS, Actor, Article, ArticleResult, flatten_actors

KIND = "actors"
COUNTRY_CODE = re.compile(r"[A-Z]{3}")
GOLD_SECTORS = frozenset(SECTORS) - {"UNK"}
NO_GROUP = "-"
METRICS = ("country_accuracy", "sector_accuracy", "both_accuracy", "coverage",
           "exact_span", "found_span", "country_when_coded")
FLOORED = ("country_accuracy", "sector_accuracy", "both_accuracy", "coverage")
MatchHow = Literal["exact", "overlap"]


@dataclass(frozen=True)
class ActorRecord:
    """One gold actor mention; ``start``/``end`` index ``context``."""

    id: str
    text: str
    context: str
    start: int
    end: int
    date: dt.date | None
    country: str
    sector: str
    group: str


@dataclass(frozen=True)
class ActorMatch:
    actor: Actor
    how: MatchHow


def read(path: Path, *, limit: int | None = None) -> list[ActorRecord]:
    """Read and validate an actor gold file; a bad line is a coded error naming it."""
    records: list[ActorRecord] = []
    seen: dict[str, int] = {}
    for line, row in read_jsonl(path, limit=limit):
        record = _record(row, line=line, path=path)
        if record.id in seen:
            raise InputError(Errors.E422.format(
                path=path, line=line, id=record.id, first=seen[record.id]))
        seen[record.id] = line
        records.append(record)
    return records


def _record(row: Mapping[str, Any], *, line: int, path: Path) -> ActorRecord:
    def bad(reason: str) -> InputError:
        return InputError(Errors.E420.format(path=path, line=line, id=row.get("id", "?"),
                                             reason=reason))

    def optional(name: str) -> str | None:
        value = row.get(name)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise bad(f"'{name}' must be a non-empty string when given")
        return value

    def required(name: str) -> str:
        value = optional(name)
        if value is None:
            raise bad(f"'{name}' is missing")
        return value

    record_id, text = required("id"), required("text")
    country, sector = required("country"), required("sector")
    context = optional("context") or text
    if not COUNTRY_CODE.fullmatch(country):
        raise bad(f"country '{country}' is not three upper-case letters (ISO-3, IGO, NGO, …)")
    if sector not in GOLD_SECTORS:
        raise bad(f"sector '{sector}' is not one of {' '.join(sorted(GOLD_SECTORS))}")
    raw_date = optional("date")
    date: dt.date | None = None
    if raw_date is not None:
        try:
            date = dt.date.fromisoformat(raw_date)
        except ValueError as e:
            raise bad(f"date '{raw_date}' is not YYYY-MM-DD") from e
    start = context.find(text)
    if start < 0:
        raise InputError(Errors.E421.format(path=path, line=line, id=record_id, text=text))
    return ActorRecord(id=record_id, text=text, context=context, start=start,
                       end=start + len(text), date=date, country=country, sector=sector,
                       group=optional("group") or NO_GROUP)


def set_name(path: Path) -> str:
    """The floors' name for an actor file: ``actors.tune`` for ``eval/actors/tune.jsonl``."""
    return f"{KIND}.{path.name.removesuffix('.jsonl')}"


def to_articles(records: Sequence[ActorRecord], *, source: str) -> list[Article]:
    return [Article(id=r.id, text=r.context, published=r.date, source=source, record=index)
            for index, r in enumerate(records)]


def find_actor(record: ActorRecord, actors: Sequence[Actor]) -> ActorMatch | None:
    """The produced actor for the gold mention: exact span, else most overlap, else None."""
    candidates = list(flatten_actors(actors))
    for actor in candidates:
        if (actor.start, actor.end) == (record.start, record.end):
            return ActorMatch(actor, "exact")
    overlapping = [a for a in candidates if a.start < record.end and record.start < a.end]
    if not overlapping:
        return None
    best = max(overlapping, key=lambda a: (
        min(a.end, record.end) - max(a.start, record.start), a.end, -(a.end - a.start)))
    return ActorMatch(best, "overlap")


def score(records: Sequence[ActorRecord], results: Sequence[ArticleResult]) -> Scored:
    flags: dict[str, list[bool]] = {name: [] for name in METRICS}
    by_group: dict[str, dict[str, list[bool]]] = defaultdict(
        lambda: {"country": [], "sector": [], "both": []})
    misses: list[Miss] = []
    for record, result in zip(records, results):
        match = find_actor(record, result.actors)
        actor = match.actor if match else None
        country = actor.country.upper() if actor and actor.country else None
        sector = actor.sector.upper() if actor and actor.sector else None
        country_hit = country == record.country
        sector_hit = sector == record.sector
        flags["country_accuracy"].append(country_hit)
        flags["sector_accuracy"].append(sector_hit)
        flags["both_accuracy"].append(country_hit and sector_hit)
        flags["coverage"].append(bool(country or sector))
        flags["exact_span"].append(match is not None and match.how == "exact")
        flags["found_span"].append(match is not None)
        if country is not None:
            flags["country_when_coded"].append(country_hit)
        group = by_group[record.group]
        group["country"].append(country_hit)
        group["sector"].append(sector_hit)
        group["both"].append(country_hit and sector_hit)
        if not (country_hit and sector_hit):
            misses.append(_miss(record, match, country_hit=country_hit, sector_hit=sector_hit))
    metrics = {name: ratio(values) for name, values in flags.items()}
    tables = {f"{field}_by_group": _table({g: v[field] for g, v in sorted(by_group.items())})
              for field in ("country", "sector", "both")}
    return Scored(metrics=metrics, floored=FLOORED, tables=tables, misses=worst(misses))


def _table(flags: Mapping[str, list[bool]]) -> dict[str, dict[str, Any]]:
    table = {}
    for name, values in flags.items():
        counted = ratio(values)
        table[name] = {"value": counted.value, "hits": counted.hits, "total": counted.total}
    return table


def _miss(record: ActorRecord, match: ActorMatch | None, *, country_hit: bool,
          sector_hit: bool) -> Miss:
    # Not found is worst (nothing to compare), then both fields wrong, then one.
    if match is None:
        severity, produced = 3.0, "not found"
    else:
        actor = match.actor
        severity = 2.0 - country_hit - sector_hit
        produced = (f"{actor.country or '-'}/{actor.sector or '-'} «{actor.text}» "
                    f"({match.how} span, {actor.kind}"
                    f"{', ' + actor.reason if actor.reason else ''})")
    return Miss(record_id=record.id, text=f"«{record.text}» in: {record.context}",
                gold=f"{record.country}/{record.sector} ({record.group}, {record.date})",
                produced=produced, severity=severity)
