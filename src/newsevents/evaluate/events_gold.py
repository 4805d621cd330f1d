"""Score detection, place, date and casualties against ACLED and GTD summaries.

Each gold record is one coded event with a short summary written by the
coder. The summary is fed as an article "published" three days after the
event, so relative dates ("on Tuesday") resolve the way they would in news.
The matching events are the produced events of the mapped PLOVER type(s);
the most confident of them is then compared field by field.

Denominators: ``detection_recall`` counts records of a scored event type
(ACLED "Strategic developments" is not scored); every other metric counts
detected records only, further restricted to records where the gold field
can be compared (``within_50km``: ``geo_precision == 1`` with coordinates;
``admin1_accuracy``: a gold admin1; ``killed_accuracy``: a gold fatality
count, where a produced "not stated" (None) counts as 0).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pycountry

from newsevents.errors import Errors, InputError
from newsevents.evaluate.gold import best_event, describe_events, field, read_jsonl
from newsevents.evaluate.report import Miss, Ratio, Scored, ratio, worst
from newsevents.kb.gazetteer import haversine_km
from newsevents.types import Article, ArticleResult, Event, Place

PUBLISHED_AFTER = dt.timedelta(days=3)
NEAR_KM = 50.0
ACLED_TYPES: dict[str, frozenset[str]] = {
    "protests": frozenset({"PROTEST"}),
    "riots": frozenset({"PROTEST", "ASSAULT"}),
    "battles": frozenset({"ASSAULT"}),
    "explosions/remote violence": frozenset({"ASSAULT"}),
    "violence against civilians": frozenset({"ASSAULT"}),
    "strategic developments": frozenset(),
}
GTD_TYPES = frozenset({"ASSAULT"})
ADMIN1_SUFFIXES = frozenset({
    "province", "governorate", "oblast", "region", "state", "department", "prefecture",
    "county", "krai", "wilayah", "division",
})
METRICS = ("detection_recall", "country_accuracy", "within_50km", "admin1_accuracy",
           "date_accuracy", "killed_accuracy", "killed_nonzero_accuracy")
FLOORED = {
    "acled": ("detection_recall", "country_accuracy", "within_50km", "admin1_accuracy",
              "date_accuracy"),
    "gtd": ("detection_recall", "country_accuracy", "within_50km", "admin1_accuracy",
            "date_accuracy", "killed_accuracy"),
}


@dataclass(frozen=True)
class EventRecord:
    id: str
    text: str
    event_type: str
    wanted: frozenset[str]
    country_iso3: str | None
    admin1: str | None
    lat: float | None
    lon: float | None
    geo_precision: int | None
    date: dt.date
    fatalities: int | None


def read(path: Path, *, kind: str, limit: int | None = None) -> list[EventRecord]:
    """Read an ACLED (``kind="acled"``) or GTD (``kind="gtd"``) gold file."""
    text_field = "text_without_date_prefix" if kind == "gtd" else "text"
    records = []
    for _, row in read_jsonl(path, limit=limit):
        event_type = str(field(row, "event_type", path=path, kind=kind))
        wanted = GTD_TYPES if kind == "gtd" else ACLED_TYPES.get(event_type.lower(), frozenset())
        raw_date = str(field(row, "date", path=path, kind=kind))
        try:
            date = dt.date.fromisoformat(raw_date[:10])
        except ValueError as e:
            raise InputError(Errors.E403.format(
                record=row.get("id", "?"), path=path, field="date", kind=kind)) from e
        records.append(EventRecord(
            id=str(field(row, "id", path=path, kind=kind)),
            text=str(field(row, text_field, path=path, kind=kind)),
            event_type=event_type,
            wanted=wanted,
            country_iso3=_text(row.get("country_iso3")),
            admin1=_text(row.get("admin1")),
            lat=_float(row.get("lat")),
            lon=_float(row.get("lon")),
            geo_precision=row.get("geo_precision") if isinstance(
                row.get("geo_precision"), int) else None,
            date=date,
            fatalities=row.get("fatalities") if isinstance(row.get("fatalities"), int) else None,
        ))
    return records


def _text(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _float(value: object) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) \
        else None


def to_articles(records: Sequence[EventRecord], *, source: str) -> list[Article]:
    return [Article(id=r.id, text=r.text, published=r.date + PUBLISHED_AFTER, source=source,
                    record=index)
            for index, r in enumerate(records)]


def normalise_admin1(name: str) -> str:
    """Fold case, accents, punctuation and a trailing "Province"-like word."""
    folded = unicodedata.normalize("NFKD", name)
    folded = "".join(c for c in folded if not unicodedata.combining(c)).casefold()
    words = re.sub(r"[^0-9a-z]+", " ", folded).split()
    while len(words) > 1 and words[-1] in ADMIN1_SUFFIXES:
        words.pop()
    return "".join(words)


def place_country(place: Place) -> str | None:
    """The place's ISO-3 country (places may carry ISO-2 codes)."""
    code = place.country
    if not code:
        return None
    code = code.upper()
    if len(code) == 2:
        found = pycountry.countries.get(alpha_2=code)
        return found.alpha_3 if found else code
    return code


def score(records: Sequence[EventRecord], results: Sequence[ArticleResult], *,
          kind: str) -> Scored:
    flags: dict[str, list[bool]] = {name: [] for name in METRICS}
    by_type: dict[str, Counter[str]] = {}
    misses: list[Miss] = []
    for record, result in zip(records, results):
        if not record.wanted:
            continue
        matching = [e for e in result.events if e.type in record.wanted]
        counts = by_type.setdefault(record.event_type, Counter())
        counts["total"] += 1
        counts["hits"] += bool(matching)
        flags["detection_recall"].append(bool(matching))
        event = best_event(matching)
        problems = _compare(record, event, flags) if event is not None else ["not detected"]
        if problems:
            misses.append(_miss(record, result.events, problems))
    metrics = {name: ratio(values) for name, values in flags.items()}
    tables = {"detection_by_event_type": {
        name: {"value": Ratio(c["hits"], c["total"]).value, "hits": c["hits"],
               "total": c["total"]}
        for name, c in sorted(by_type.items())}}
    return Scored(metrics=metrics, floored=FLOORED[kind], tables=tables, misses=worst(misses))


def _compare(record: EventRecord, event: Event, flags: dict[str, list[bool]]) -> list[str]:
    """Append this record's field comparisons to ``flags``; return what was wrong."""
    problems: list[str] = []
    place = event.location
    country = place_country(place) if place else None
    if record.country_iso3:
        hit = country == record.country_iso3.upper()
        flags["country_accuracy"].append(hit)
        if not hit:
            problems.append(f"country {country}")
    if record.geo_precision == 1 and record.lat is not None and record.lon is not None:
        distance = None
        if place is not None and place.lat is not None and place.lon is not None:
            distance = haversine_km(record.lat, record.lon, place.lat, place.lon)
        hit = distance is not None and distance <= NEAR_KM
        flags["within_50km"].append(hit)
        if not hit:
            problems.append("no coordinates" if distance is None else f"{distance:.0f} km off")
    if record.admin1:
        produced = place.admin1 if place else None
        hit = produced is not None and normalise_admin1(produced) == normalise_admin1(
            record.admin1)
        flags["admin1_accuracy"].append(hit)
        if not hit:
            problems.append(f"admin1 {produced}")
    hit = event.date.value == record.date
    flags["date_accuracy"].append(hit)
    if not hit:
        problems.append(f"date {event.date.value}")
    if record.fatalities is not None:
        killed = event.size.killed or 0
        flags["killed_accuracy"].append(killed == record.fatalities)
        if record.fatalities > 0:
            flags["killed_nonzero_accuracy"].append(killed == record.fatalities)
        if killed != record.fatalities:
            problems.append(f"killed {event.size.killed}")
    return problems


def _miss(record: EventRecord, events: Sequence[Event], problems: list[str]) -> Miss:
    # An undetected event is the worst miss: none of its fields could even be compared.
    severity = 10.0 if problems == ["not detected"] else float(len(problems))
    gold = (f"{record.event_type} -> {'/'.join(sorted(record.wanted))}; {record.country_iso3} "
            f"{record.admin1} ({record.lat}, {record.lon}) {record.date} "
            f"killed {record.fatalities}")
    produced = "; ".join(problems) + " | " + describe_events(events)
    return Miss(record_id=record.id, text=record.text, gold=gold, produced=produced,
                severity=severity)
