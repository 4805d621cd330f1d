"""Golden files: the reviewed events of every sample article in examples/articles.

``pytest --update-golden`` rewrites ``tests/golden/<file>[-<record>].events.json``
from the current output; review the diff before committing it.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from newsevents.pipeline import process
from newsevents.stages.ingest import IngestOptions, read_inputs
from newsevents.types import PLOVER_TYPES, Article

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "articles"
GOLDEN = Path(__file__).resolve().parent / "golden"


def _normalised(result) -> list[dict]:
    """The reviewed part of each event, sorted: stable against offsets-only changes."""
    rows = []
    for event in result.events:
        rows.append({
            "type": event.type,
            "trigger": event.trigger.text,
            "source": sorted(_actor(a) for a in event.source),
            "target": sorted(_actor(a) for a in event.target),
            "location": event.location.name if event.location else None,
            "date": event.date.value.isoformat() if event.date.value else None,
            "negated": event.negated,
            "mentions": [mention.trigger.text for mention in event.mentions],
        })
    return sorted(rows, key=lambda row: json.dumps(row, sort_keys=True))


def _actor(actor) -> str:
    return f"{actor.name or actor.text} [{actor.country or '-'}/{actor.sector or '-'}]"


def _slug(article) -> str:
    """The golden file of an article: its input file, plus the record for multi-record files."""
    stem = Path(article.source).stem
    return f"{stem}-{article.record}" if article.source.endswith(".jsonl") else stem


@pytest.fixture(scope="module")
def results(nlp):
    records = read_inputs([str(EXAMPLES)], options=IngestOptions(published=dt.date(2024, 11, 20)))
    articles = [r for r in records if isinstance(r, Article)]
    return {_slug(result.article): result for result in process(articles, nlp=nlp)}


def test_golden_every_sample_article_is_coded(results):
    assert len(results) >= 15
    assert all(not result.failures for result in results.values())
    types = {event.type for result in results.values() for event in result.events}
    assert len(types) == 16, f"types never coded: {sorted(set(PLOVER_TYPES) - types)}"


def test_golden_events_match_reviewed_files(results, update_golden):
    mismatched = []
    for slug, result in sorted(results.items()):
        path = GOLDEN / f"{slug}.events.json"
        produced = _normalised(result)
        if update_golden:
            path.write_text(json.dumps(produced, indent=1, ensure_ascii=False) + "\n", "utf-8")
            continue
        expected = json.loads(path.read_text("utf-8"))
        if produced != expected:
            mismatched.append(slug)
    assert not mismatched, f"golden mismatch (review, then --update-golden): {mismatched}"

