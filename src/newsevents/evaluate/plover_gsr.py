"""Score event types and actors against PLOVER gold-standard sentences.

Each gold sentence describes one event: a PLOVER type (``event_polecat``,
the current 16 names) and source/target actors with a country (or group)
code and a sector. The file's dates are placeholders, so every sentence is
"published" on 2000-01-02.

Metrics (denominators in ``docs/accuracy.md``):
``type_recall`` some produced event has the gold type;
``type_precision`` produced events of the gold type / all produced events (micro);
``top1_accuracy`` the most confident event has the gold type (no event = miss);
``source_country_accuracy``/``target_country_accuracy`` among sentences with
gold codes on that side and an event of the gold type, the most confident
such event names one of the gold codes on that side;
``sector_accuracy`` the same for sectors, counted per side.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from newsevents.evaluate.gold import (
    actor_countries,
    actor_sectors,
    best_event,
    describe_events,
    field,
    read_jsonl,
)
from newsevents.evaluate.report import Miss, Ratio, Scored, ratio, worst
from newsevents.types import PLOVER_TYPES, Article, ArticleResult, Event

KIND = "plover-gsr"
PUBLISHED = dt.date(2000, 1, 2)
NO_EVENT = "NONE"
METRICS = ("type_recall", "type_precision", "top1_accuracy",
           "source_country_accuracy", "target_country_accuracy", "sector_accuracy")


@dataclass(frozen=True)
class GoldActor:
    code: str | None
    sector: str | None


@dataclass(frozen=True)
class PloverRecord:
    id: str
    text: str
    type: str
    source: tuple[GoldActor, ...]
    target: tuple[GoldActor, ...]


def read(path: Path, *, limit: int | None = None) -> list[PloverRecord]:
    records = []
    for _, row in read_jsonl(path, limit=limit):
        records.append(PloverRecord(
            id=str(field(row, "id", path=path, kind=KIND)),
            text=str(field(row, "text", path=path, kind=KIND)),
            type=str(field(row, "event_polecat", path=path, kind=KIND)).upper(),
            source=_actors(row.get("source")),
            target=_actors(row.get("target")),
        ))
    return records


def _actors(rows: object) -> tuple[GoldActor, ...]:
    if not isinstance(rows, list):
        return ()
    return tuple(
        GoldActor(code=_upper(row.get("code")), sector=_upper(row.get("sector")))
        for row in rows if isinstance(row, dict)
    )


def _upper(value: object) -> str | None:
    return value.upper() if isinstance(value, str) and value else None


def to_articles(records: Sequence[PloverRecord], *, source: str) -> list[Article]:
    return [Article(id=r.id, text=r.text, published=PUBLISHED, source=source, record=index)
            for index, r in enumerate(records)]


def score(records: Sequence[PloverRecord], results: Sequence[ArticleResult]) -> Scored:
    recall: list[bool] = []
    top1: list[bool] = []
    source_country: list[bool] = []
    target_country: list[bool] = []
    sectors: list[bool] = []
    produced_by_type: Counter[str] = Counter()
    correct_by_type: Counter[str] = Counter()
    gold_by_type: Counter[str] = Counter()
    found_by_type: Counter[str] = Counter()
    confusion: dict[str, Counter[str]] = {}
    misses: list[Miss] = []

    for record, result in zip(records, results):
        events = result.events
        of_type = [e for e in events if e.type == record.type]
        top = best_event(events)
        gold_by_type[record.type] += 1
        found_by_type[record.type] += bool(of_type)
        produced_by_type.update(e.type for e in events)
        correct_by_type[record.type] += len(of_type)
        recall.append(bool(of_type))
        top1.append(top is not None and top.type == record.type)
        confusion.setdefault(record.type, Counter())[top.type if top else NO_EVENT] += 1

        matched = best_event(of_type)
        side_hits: list[bool] = []
        if matched is not None:
            for gold_side, produced_side, flags in (
                (record.source, matched.source, source_country),
                (record.target, matched.target, target_country),
            ):
                codes = {a.code for a in gold_side if a.code}
                if codes:
                    hit = bool(codes & actor_countries(produced_side))
                    flags.append(hit)
                    side_hits.append(hit)
                gold_sectors = {a.sector for a in gold_side if a.sector}
                if gold_sectors:
                    sectors.append(bool(gold_sectors & actor_sectors(produced_side)))
        miss = _miss(record, events, top, matched, side_hits)
        if miss is not None:
            misses.append(miss)

    metrics = {
        "type_recall": ratio(recall),
        "type_precision": Ratio(hits=sum(correct_by_type.values()),
                                total=sum(produced_by_type.values())),
        "top1_accuracy": ratio(top1),
        "source_country_accuracy": ratio(source_country),
        "target_country_accuracy": ratio(target_country),
        "sector_accuracy": ratio(sectors),
    }
    tables = {
        "per_type": _per_type(gold_by_type, found_by_type, produced_by_type, correct_by_type),
        "confusion": {gold: dict(sorted(row.items())) for gold, row in sorted(confusion.items())},
    }
    return Scored(metrics=metrics, floored=METRICS, tables=tables, misses=worst(misses))


def _per_type(
    gold: Counter[str], found: Counter[str], produced: Counter[str], correct: Counter[str]
) -> dict[str, dict[str, float | int | None]]:
    """Recall per gold sentence; precision per produced event (as the micro precision)."""
    table: dict[str, dict[str, float | int | None]] = {}
    for name in PLOVER_TYPES:
        if not gold[name] and not produced[name]:
            continue
        recall = found[name] / gold[name] if gold[name] else None
        precision = correct[name] / produced[name] if produced[name] else None
        f1 = (2 * precision * recall / (precision + recall)
              if precision and recall else (0.0 if precision is not None
                                            and recall is not None else None))
        table[name] = {"precision": precision, "recall": recall, "f1": f1,
                       "gold": gold[name], "produced": produced[name]}
    return table


def _miss(record: PloverRecord, events: Sequence[Event], top: Event | None,
          matched: Event | None, side_hits: list[bool]) -> Miss | None:
    """Confidently wrong first, then no event, then a wrong top-1, then wrong actors."""
    if matched is None:
        severity = 1.0 + top.confidence if top is not None else 1.0
    elif top is not None and top.type != record.type:
        severity = 0.5
    elif not all(side_hits):
        severity = 0.25
    else:
        return None
    gold = "{} {}->{}".format(
        record.type,
        "+".join(f"{a.code}/{a.sector}" for a in record.source) or "-",
        "+".join(f"{a.code}/{a.sector}" for a in record.target) or "-",
    )
    return Miss(record_id=record.id, text=record.text, gold=gold,
                produced=describe_events(events), severity=severity)
