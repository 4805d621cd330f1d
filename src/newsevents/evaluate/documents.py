"""Score whole reports against hand-coded event lists, as an analyst counts events.

The gold directory (``eval/events``) holds political reports, each with the
list of real events it reports (one per occurrence), and non-political
reports that report none; each in a tune and a check half
(``eval/events/README.md``). Produced events are read from the pipeline's
output in the ``extract --format jsonl`` shape, live or from a saved file
(``--predictions``), so a baseline can be re-scored later.

Matching is one-to-one per report, greedy by score. A produced event can
match a gold event only if the types are equal and either one of its
sentences (its mentions' sentences, else its own) overlaps the gold
``evidence`` phrase, or its date equals the gold date and one of its actor
countries equals a gold actor country. Overlap scores 2, a trigger inside the
evidence 1 more, agreement alone 1; agreeing source, target and date add 0.25
each. Pairs are taken best first while both sides are free.

Denominators, per half: ``type_recall``, ``type_actors_recall``: gold events;
``location_within_50km``, ``date_accuracy``, ``killed_accuracy``: matched gold
events whose gold field is stated; ``precision``: produced events on political
reports; ``records_per_event``: produced over gold events (lower is better);
``false_event_rate``: non-political reports with any event (lower is better),
and its complement ``nonpolitical_clean_rate``, which floors guard. Misses are
listed for the tune half only, so the check half stays unseen.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsevents.errors import Errors, InputError
from newsevents.evaluate.gold import read_jsonl
from newsevents.evaluate.report import Miss, Ratio, Scored, worst
from newsevents.kb.gazetteer import haversine_km
from newsevents.output import article_record
from newsevents.types import PLOVER_TYPES, Article, ArticleResult

HALVES = ("tune", "check")
SETS = ("political", "nonpolitical")
NEAR_KM = 50.0
OVERLAP_SCORE = 2.0
TRIGGER_SCORE = 1.0
AGREEMENT_SCORE = 1.0
FIELD_BONUS = 0.25
METRICS = ("type_recall", "type_actors_recall", "location_within_50km", "date_accuracy",
           "killed_accuracy", "precision", "records_per_event", "false_event_rate",
           "nonpolitical_clean_rate")
FLOORED_METRICS = ("type_recall", "type_actors_recall", "location_within_50km",
                   "date_accuracy", "killed_accuracy", "precision", "nonpolitical_clean_rate")
FLOORED = tuple(f"{half}.{name}" for half in HALVES for name in FLOORED_METRICS)


@dataclass(frozen=True)
class GoldEvent:
    type: str
    source_country: str | None
    target_country: str | None
    lat: float | None
    lon: float | None
    date: dt.date | None
    killed: int | None
    evidence: str
    evidence_start: int
    evidence_end: int


@dataclass(frozen=True)
class GoldReport:
    id: str
    half: str
    political: bool
    published: dt.date
    title: str | None
    text: str
    events: tuple[GoldEvent, ...]


@dataclass(frozen=True)
class ProducedEvent:
    """What the scorer needs of one produced event (from the JSON contract)."""

    type: str
    source_countries: frozenset[str]
    target_countries: frozenset[str]
    lat: float | None
    lon: float | None
    date: dt.date | None
    killed: int | None
    sentences: tuple[tuple[int, int], ...]
    triggers: tuple[tuple[int, int], ...]
    trigger_text: str


def gold_paths(directory: Path) -> dict[tuple[str, str], Path]:
    """The four gold files by (set, half), or a coded error naming the missing one."""
    paths = {(name, half): directory / f"{name}.{half}.jsonl"
             for name in SETS for half in HALVES}
    for path in paths.values():
        if not path.is_file():
            raise InputError(Errors.E430.format(path=directory, name=path.name))
    return paths


def corpus_sha256(directory: Path) -> str:
    """One fingerprint over the four gold files, in a fixed order."""
    digest = hashlib.sha256()
    for path in gold_paths(directory).values():
        digest.update(path.name.encode("utf-8"))
        digest.update(path.read_bytes())
    return digest.hexdigest()


def read(directory: Path, *, limit: int | None = None) -> list[GoldReport]:
    """Every gold report of the directory; ``limit`` applies to each file."""
    reports: list[GoldReport] = []
    seen: set[str] = set()
    for (name, half), path in gold_paths(directory).items():
        for _, row in read_jsonl(path, limit=limit):
            report = _report(row, path=path, half=half, political=name == "political")
            if report.id in seen:
                raise InputError(Errors.E434.format(record=report.id, path=path))
            seen.add(report.id)
            reports.append(report)
    return reports


def _report(row: Mapping[str, Any], *, path: Path, half: str, political: bool) -> GoldReport:
    record = str(row.get("id", "?"))

    def bad(field_name: str, detail: str) -> InputError:
        return InputError(Errors.E431.format(record=record, path=path, field=field_name,
                                             detail=detail))

    if not isinstance(row.get("id"), str) or not row["id"]:
        raise bad("id", "it must be a non-empty string")
    text = row.get("text")
    if not isinstance(text, str) or not text.strip():
        raise bad("text", "it must be a non-empty string")
    published = _date(row.get("published"))
    if published is None:
        raise bad("published", "it must be a YYYY-MM-DD date")
    events = row.get("events")
    if not isinstance(events, list):
        raise bad("events", "it must be a list")
    if not political and events:
        raise bad("events", "a non-political report lists no events")
    title = row.get("title")
    return GoldReport(
        id=record, half=half, political=political, published=published,
        title=title if isinstance(title, str) else None, text=text,
        events=tuple(_event(event, index=index, record=record, path=path, text=text)
                     for index, event in enumerate(events, start=1)))


def _event(event: Any, *, index: int, record: str, path: Path, text: str) -> GoldEvent:
    def bad(field_name: str, detail: str) -> InputError:
        return InputError(Errors.E432.format(index=index, record=record, path=path,
                                             field=field_name, detail=detail))

    if not isinstance(event, dict):
        raise bad("event", "it must be a JSON object")
    event_type = event.get("type")
    if event_type not in PLOVER_TYPES:
        raise bad("type", f"{event_type!r} is not a PLOVER type")
    evidence = event.get("evidence")
    if not isinstance(evidence, str) or not evidence:
        raise bad("evidence", "it must be a non-empty string")
    start = text.find(evidence)
    if start < 0:
        raise InputError(Errors.E433.format(index=index, record=record, path=path,
                                            evidence=evidence))
    location = event.get("location")
    lat = lon = None
    if location is not None:
        if not isinstance(location, dict):
            raise bad("location", "it must be an object or null")
        lat, lon = _number(location.get("lat")), _number(location.get("lon"))
    date = _date(event.get("date"))
    if event.get("date") is not None and date is None:
        raise bad("date", "it must be a YYYY-MM-DD date or null")
    killed = event.get("killed")
    if killed is not None and (not isinstance(killed, int) or isinstance(killed, bool)
                               or killed < 0):
        raise bad("killed", "it must be a count or null")
    return GoldEvent(
        type=event_type, source_country=_side_country(event.get("source"), bad, "source"),
        target_country=_side_country(event.get("target"), bad, "target"),
        lat=lat, lon=lon, date=date, killed=killed, evidence=evidence,
        evidence_start=start, evidence_end=start + len(evidence))


def _side_country(side: Any, bad: Any, name: str) -> str | None:
    if side is None:
        return None
    if not isinstance(side, dict):
        raise bad(name, "it must be an object or null")
    country = side.get("country")
    if country is not None and not isinstance(country, str):
        raise bad(name, "its country must be a code or null")
    return country.upper() if country else None


def _date(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) \
        else None


def to_articles(reports: Sequence[GoldReport], *, source: str) -> list[Article]:
    return [Article(id=r.id, text=r.text, published=r.published, title=r.title,
                    source=source, record=index)
            for index, r in enumerate(reports, start=1)]


def produced_from_results(results: Iterable[ArticleResult]) -> dict[str, list[ProducedEvent]]:
    """Produced events by article id, through the same JSON shape a saved file has.

    Only asserted events count, as ``extract`` and ``run`` output them by default
    (the shared pipeline processor keeps unasserted events for the sentence-level
    kinds, which count events whatever their flags say).
    """
    return {result.article.id: [
        _produced(record) for event, record in zip(result.events,
                                                   article_record(result)["events"])
        if event.asserted] for result in results}


def read_predictions(path: Path) -> dict[str, list[ProducedEvent]]:
    """Produced events by article id from a saved ``newsevents extract`` JSONL file."""
    produced: dict[str, list[ProducedEvent]] = {}
    for number, row in read_jsonl(path):
        article = row.get("article")
        events = row.get("events")
        if not isinstance(article, dict) or not isinstance(article.get("id"), str) \
                or not isinstance(events, list):
            raise InputError(Errors.E435.format(
                path=path, line=number, detail="it needs 'article.id' and an 'events' list"))
        try:
            produced[article["id"]] = [_produced(event) for event in events]
        except (KeyError, TypeError, ValueError) as e:
            raise InputError(Errors.E435.format(path=path, line=number, detail=e)) from e
    return produced


def _produced(event: Mapping[str, Any]) -> ProducedEvent:
    location = event.get("location") or {}
    date = event.get("date") or {}
    size = event.get("size") or {}
    mentions = event.get("mentions") or [event]
    return ProducedEvent(
        type=str(event["type"]),
        source_countries=_countries(event.get("source") or ()),
        target_countries=_countries(event.get("target") or ()),
        lat=_number(location.get("lat")),
        lon=_number(location.get("lon")),
        date=_date(date.get("value")),
        killed=size.get("killed"),
        sentences=tuple((int(m["sentence"]["start"]), int(m["sentence"]["end"]))
                        for m in mentions),
        triggers=tuple((int(m["trigger"]["start"]), int(m["trigger"]["end"]))
                       for m in mentions),
        trigger_text=str(event["trigger"]["text"]),
    )


def _countries(actors: Iterable[Mapping[str, Any]]) -> frozenset[str]:
    found: set[str] = set()
    for actor in actors:
        if actor.get("country"):
            found.add(str(actor["country"]).upper())
        found |= _countries(actor.get("members") or ())
    return frozenset(found)


def _side_agrees(gold: str | None, produced: frozenset[str]) -> bool:
    return not produced if gold is None else gold in produced


def _pair_score(gold: GoldEvent, event: ProducedEvent) -> float | None:
    """How well ``event`` fits ``gold``, or None when they cannot be the same event."""
    if gold.type != event.type:
        return None
    overlap = any(start < gold.evidence_end and gold.evidence_start < end
                  for start, end in event.sentences)
    source = _side_agrees(gold.source_country, event.source_countries)
    target = _side_agrees(gold.target_country, event.target_countries)
    date = gold.date is not None and gold.date == event.date
    gold_countries = {c for c in (gold.source_country, gold.target_country) if c}
    shared_actor = bool(gold_countries & (event.source_countries | event.target_countries))
    if overlap:
        score = OVERLAP_SCORE
        if any(gold.evidence_start <= start and end <= gold.evidence_end
               for start, end in event.triggers):
            score += TRIGGER_SCORE
    elif date and shared_actor:
        score = AGREEMENT_SCORE
    else:
        return None
    return score + FIELD_BONUS * (source + target + date)


def match(gold_events: Sequence[GoldEvent],
          produced: Sequence[ProducedEvent]) -> dict[int, int]:
    """One-to-one matching, greedy by score: gold index → produced index."""
    pairs = []
    for g, gold in enumerate(gold_events):
        for p, event in enumerate(produced):
            score = _pair_score(gold, event)
            if score is not None:
                pairs.append((-score, g, p))
    matched: dict[int, int] = {}
    used: set[int] = set()
    for _, g, p in sorted(pairs):
        if g not in matched and p not in used:
            matched[g] = p
            used.add(p)
    return matched


@dataclass
class _Tally:
    flags: dict[str, list[bool]]
    produced: int = 0
    gold: int = 0


def score(reports: Sequence[GoldReport],
          produced: Mapping[str, Sequence[ProducedEvent]], *,
          predictions: Path | None = None) -> Scored:
    """Metrics for each half; ``predictions`` names the file the events came from."""
    tallies = {half: _Tally(flags={name: [] for name in METRICS}) for half in HALVES}
    by_type: dict[str, Counter[str]] = {}
    misses: list[Miss] = []
    for report in reports:
        if report.id not in produced:
            raise InputError(Errors.E436.format(path=predictions, record=report.id))
        events = list(produced[report.id])
        tally = tallies[report.half]
        if not report.political:
            tally.flags["false_event_rate"].append(bool(events))
            tally.flags["nonpolitical_clean_rate"].append(not events)
            if events and report.half == "tune":
                misses.append(_miss(report, f"{len(events)} events on a non-political report",
                                    events, severity=8.0))
            continue
        tally.produced += len(events)
        tally.gold += len(report.events)
        matched = match(report.events, events)
        tally.flags["precision"].extend(p in matched.values() for p in range(len(events)))
        for g, gold in enumerate(report.events):
            event = events[matched[g]] if g in matched else None
            problems = _compare(gold, event, tally.flags)
            if report.half == "tune":
                counts = by_type.setdefault(gold.type, Counter())
                counts["total"] += 1
                counts["hits"] += event is not None
                if problems:
                    misses.append(_miss(report, f"{gold.type} «{gold.evidence}»: "
                                        + "; ".join(problems), [event] if event else events,
                                        severity=10.0 if event is None else len(problems)))
        if report.half == "tune":
            extra = [e for p, e in enumerate(events) if p not in matched.values()]
            if extra:
                misses.append(_miss(report, f"{len(extra)} unmatched events", extra,
                                    severity=float(len(extra))))
    metrics: dict[str, Ratio] = {}
    for half, tally in tallies.items():
        for name in METRICS:
            if name == "records_per_event":
                metrics[f"{half}.{name}"] = Ratio(tally.produced, tally.gold)
            else:
                values = tally.flags[name]
                metrics[f"{half}.{name}"] = Ratio(sum(values), len(values))
    tables = {"tune_type_recall_by_type": {
        name: {"value": Ratio(c["hits"], c["total"]).value, "hits": c["hits"],
               "total": c["total"]}
        for name, c in sorted(by_type.items())}}
    return Scored(metrics=metrics, floored=FLOORED, tables=tables, misses=worst(misses))


def _compare(gold: GoldEvent, event: ProducedEvent | None,
             flags: dict[str, list[bool]]) -> list[str]:
    """Append the comparisons of one gold event to ``flags``; return what was wrong."""
    flags["type_recall"].append(event is not None)
    if event is None:
        flags["type_actors_recall"].append(False)
        return ["not found"]
    problems: list[str] = []
    actors = (_side_agrees(gold.source_country, event.source_countries)
              and _side_agrees(gold.target_country, event.target_countries))
    flags["type_actors_recall"].append(actors)
    if not actors:
        problems.append(f"actors {'+'.join(sorted(event.source_countries)) or '-'}->"
                        f"{'+'.join(sorted(event.target_countries)) or '-'}, gold "
                        f"{gold.source_country or '-'}->{gold.target_country or '-'}")
    if gold.lat is not None and gold.lon is not None:
        distance = None if event.lat is None or event.lon is None else haversine_km(
            gold.lat, gold.lon, event.lat, event.lon)
        near = distance is not None and distance <= NEAR_KM
        flags["location_within_50km"].append(near)
        if not near:
            problems.append("no location" if distance is None else f"{distance:.0f} km off")
    if gold.date is not None:
        flags["date_accuracy"].append(event.date == gold.date)
        if event.date != gold.date:
            problems.append(f"date {event.date}, gold {gold.date}")
    if gold.killed is not None:
        flags["killed_accuracy"].append(event.killed == gold.killed)
        if event.killed != gold.killed:
            problems.append(f"killed {event.killed}, gold {gold.killed}")
    return problems


def _miss(report: GoldReport, gold: str, events: Sequence[ProducedEvent], *,
          severity: float) -> Miss:
    produced = "; ".join(
        f"{e.type} {'+'.join(sorted(e.source_countries)) or '-'}->"
        f"{'+'.join(sorted(e.target_countries)) or '-'} {e.date} «{e.trigger_text}»"
        for e in events) or "no event"
    return Miss(record_id=report.id, text=report.title or report.text[:80], gold=gold,
                produced=produced, severity=severity)

