"""Our own labelled sentences (tests/data/event_examples.jsonl, written for this project).

A regression floor for the event coder on sentences that are ours to tune on,
unlike the gold sets under ../shared/eval that only `newsevents eval` reads.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

import pytest

from newsevents.pipeline import process
from newsevents.types import PLOVER_TYPES, Article

pytestmark = pytest.mark.slow

EXAMPLES = Path(__file__).resolve().parent / "data" / "event_examples.jsonl"
TOP1_FLOOR = 0.80
PER_TYPE_FLOOR = 0.6


@pytest.fixture(scope="module")
def coded(nlp):
    rows = [json.loads(line) for line in EXAMPLES.read_text("utf-8").splitlines() if line]
    articles = [Article(id=f"x{i}", text=row["text"], published=dt.date(2024, 11, 20))
                for i, row in enumerate(rows)]
    return list(zip(rows, process(articles, nlp=nlp)))


def _top_type(result):
    if not result.events:
        return "NONE"
    return max(result.events, key=lambda event: event.confidence).type


def test_own_examples_cover_every_type():
    rows = [json.loads(line) for line in EXAMPLES.read_text("utf-8").splitlines() if line]
    counts = Counter(row["type"] for row in rows)
    assert all(counts[event_type] >= 25 for event_type in PLOVER_TYPES)
    assert counts["NONE"] >= 40


def test_own_examples_top1_accuracy_floor(coded):
    events = [(row, result) for row, result in coded if row["type"] != "NONE"]
    hits = sum(_top_type(result) == row["type"] for row, result in events)
    assert hits / len(events) >= TOP1_FLOOR


def test_own_examples_every_type_is_coded(coded):
    hits: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    for row, result in coded:
        if row["type"] != "NONE":
            totals[row["type"]] += 1
            hits[row["type"]] += _top_type(result) == row["type"]
    weak = {t: f"{hits[t]}/{totals[t]}" for t in totals if hits[t] / totals[t] < PER_TYPE_FLOOR}
    assert not weak, f"types under the floor: {weak}"


def test_own_examples_statements_without_events_stay_empty(coded):
    none_rows = [(row, result) for row, result in coded if row["type"] == "NONE"]
    false_events = [row["text"] for row, result in none_rows if result.events]
    assert len(false_events) <= len(none_rows) // 10, false_events
