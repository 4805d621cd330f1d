"""Score CAMEO codes, PLOVER types and actor countries against UniversalPetrarch gold.

Records with ``expected`` events are scored per gold event; ``noevents``
records measure false events. Most records are constructed test
sentences; the ``real_news`` subset holds genuine news sentences, and only
its metrics are guarded by floors (``real_news.*``); the whole file is
reported as ``all.*``.

Gold actor codes are CAMEO codes: the first three letters are an ISO-3
country (``IRQMUS`` → IRQ) or a group code (``IGOUNO`` → IGO), compared as
given with the produced actors' ``country``; for group codes the next three
letters (``UNO``) are accepted too. Codes without a country (``---LEG``)
are not scored for actors.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from newsevents.evaluate.gold import (
    actor_countries,
    best_event,
    describe_events,
    field,
    read_jsonl,
)
from newsevents.evaluate.report import Miss, Ratio, Scored, ratio, worst
from newsevents.types import Article, ArticleResult, Event

KIND = "upetrarch"
SUBSETS = ("all", "real_news")
METRICS = ("cameo_root_accuracy", "plover_type_accuracy", "source_code_accuracy",
           "target_code_accuracy", "noevent_accuracy")
GROUP_CODES = frozenset({"IGO", "NGO", "MNC", "IMG", "UNO"})


@dataclass(frozen=True)
class GoldEvent:
    source: str | None
    target: str | None
    cameo: str | None
    plover: str | None


@dataclass(frozen=True)
class UpetrarchRecord:
    id: str
    text: str
    published: dt.date | None
    expected: tuple[GoldEvent, ...]
    noevents: bool
    real_news: bool


def read(path: Path, *, limit: int | None = None) -> list[UpetrarchRecord]:
    records = []
    for _, row in read_jsonl(path, limit=limit):
        expected = field(row, "expected", path=path, kind=KIND) or []
        records.append(UpetrarchRecord(
            id=str(field(row, "id", path=path, kind=KIND)),
            text=str(field(row, "text", path=path, kind=KIND)),
            published=_date(row.get("date")),
            expected=tuple(
                GoldEvent(source=_code(e.get("source")), target=_code(e.get("target")),
                          cameo=_code(e.get("cameo")), plover=_code(e.get("plover_event")))
                for e in expected if isinstance(e, dict)),
            noevents=bool(row.get("noevents")),
            real_news=bool(row.get("real_news")),
        ))
    return records


def _code(value: object) -> str | None:
    return value.strip().upper() if isinstance(value, str) and value.strip() else None


def _date(value: object) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.datetime.strptime(value.strip(), "%Y%m%d").date()
    except ValueError:
        return None


def to_articles(records: Sequence[UpetrarchRecord], *, source: str) -> list[Article]:
    return [Article(id=r.id, text=r.text, published=r.published, source=source, record=index)
            for index, r in enumerate(records)]


def country_matches(gold_code: str | None, countries: set[str]) -> bool | None:
    """Does a CAMEO actor code's country appear in ``countries``? None = not scorable."""
    if gold_code is None or len(gold_code) < 3 or gold_code.startswith("---"):
        return None
    prefix = gold_code[:3]
    if prefix in countries:
        return True
    return prefix in GROUP_CODES and len(gold_code) >= 6 and gold_code[3:6] in countries


def score(records: Sequence[UpetrarchRecord], results: Sequence[ArticleResult]) -> Scored:
    flags: dict[str, dict[str, list[bool]]] = {
        subset: {name: [] for name in METRICS} for subset in SUBSETS}
    misses: list[Miss] = []
    for record, result in zip(records, results):
        subsets = ("all", "real_news") if record.real_news else ("all",)
        record_flags = _score_record(record, result.events)
        for subset in subsets:
            for name, values in record_flags.items():
                flags[subset][name].extend(values)
        miss = _miss(record, result.events, record_flags)
        if miss is not None:
            misses.append(miss)
    metrics: dict[str, Ratio] = {}
    for subset in ("real_news", "all"):
        for name in METRICS:
            metrics[f"{subset}.{name}"] = ratio(flags[subset][name])
    for subset in ("real_news", "all"):
        kept = metrics[f"{subset}.noevent_accuracy"]
        metrics[f"{subset}.false_event_rate"] = Ratio(hits=kept.total - kept.hits,
                                                      total=kept.total)
    floored = tuple(f"real_news.{name}" for name in METRICS)
    return Scored(metrics=metrics, floored=floored, misses=worst(misses))


def _score_record(record: UpetrarchRecord, events: Sequence[Event]) -> dict[str, list[bool]]:
    out: dict[str, list[bool]] = {name: [] for name in METRICS}
    if record.noevents and not record.expected:
        out["noevent_accuracy"].append(not events)
        return out
    roots = {e.cameo[:2] for e in events if e.cameo}
    types = {e.type for e in events}
    for gold in record.expected:
        if gold.cameo:
            out["cameo_root_accuracy"].append(gold.cameo[:2] in roots)
        if gold.plover:
            out["plover_type_accuracy"].append(gold.plover in types)
        matched = best_event(e for e in events if e.type == gold.plover)
        if matched is None:
            continue
        for code, side, name in ((gold.source, matched.source, "source_code_accuracy"),
                                 (gold.target, matched.target, "target_code_accuracy")):
            hit = country_matches(code, actor_countries(side))
            if hit is not None:
                out[name].append(hit)
    return out


def _miss(record: UpetrarchRecord, events: Sequence[Event],
          flags: dict[str, list[bool]]) -> Miss | None:
    if record.noevents and not record.expected:
        if not events:
            return None
        top = best_event(events)
        severity = 1.0 + (top.confidence if top else 0.0)
        gold = "no event"
    else:
        missed_type = flags["plover_type_accuracy"].count(False)
        missed_root = flags["cameo_root_accuracy"].count(False)
        missed_actor = (flags["source_code_accuracy"].count(False)
                        + flags["target_code_accuracy"].count(False))
        if not (missed_type or missed_root or missed_actor):
            return None
        severity = float(missed_type) + 0.5 * missed_root + 0.25 * missed_actor
        gold = "; ".join(f"{g.plover} CAMEO {g.cameo} {g.source}->{g.target}"
                         for g in record.expected)
    subset = " [real_news]" if record.real_news else ""
    return Miss(record_id=record.id + subset, text=record.text, gold=gold,
                produced=describe_events(events), severity=severity)
