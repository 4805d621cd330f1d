"""Corpus runs: exactly once, re-runs add nothing, a killed run resumes."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from _factories import corpus, fake_processor, fake_reader, make_result

from newsevents.corpus import RunProgress, format_summary, run_corpus
from newsevents.errors import Errors, ResourceError
from newsevents.store import DuckDBStore
from newsevents.types import Article, ArticleResult, Failure

HERE = Path(__file__).parent


def _run(store: DuckDBStore, records, results, **options):  # type: ignore[no-untyped-def]
    return run_corpus(["corpus.jsonl"], store=store, read=fake_reader(records),
                      process=fake_processor(results), **options)


def test_corpus_run_stores_every_record(tmp_path: Path) -> None:
    records, results = corpus(12)
    with DuckDBStore(tmp_path / "events.duckdb") as store:
        summary = _run(store, records, results, batch_size=5)
        stats = store.stats()
        batches = store._con.execute("SELECT count(*) FROM run_batches").fetchone()
    assert (summary.records, summary.stored, summary.skipped) == (13, 12, 0)
    assert (summary.failed_records, summary.failed_articles) == (1, 0)
    assert (summary.ok, summary.failed) == (12, 1)
    assert summary.events_by_type == {"ASSAULT": 24}
    assert summary.failures_by_code == {"E101": 1}
    assert (stats["articles"], stats["events"], stats["failures"]) == (12, 24, 1)
    assert batches == (3,)


def test_corpus_rerun_adds_nothing(tmp_path: Path) -> None:
    records, results = corpus(7)
    path = tmp_path / "events.duckdb"
    with DuckDBStore(path) as store:
        _run(store, records, results, batch_size=3)
        first = store.stats()
    coded: list[str] = []

    def counting(articles: Iterable[Article], **options: int) -> Iterator[ArticleResult]:
        for result in fake_processor(results)(articles, **options):
            coded.append(result.article.id)
            yield result

    with DuckDBStore(path) as store:
        summary = run_corpus(["corpus.jsonl"], store=store, read=fake_reader(records),
                             process=counting, batch_size=3)
        second = store.stats()
        runs = store.runs()
    assert (summary.stored, summary.skipped, summary.failed_records) == (0, 7, 1)
    assert coded == []
    for key in ("articles", "events", "failures", "quotes", "places", "duplicates"):
        assert second[key] == first[key]
    assert [run["status"] for run in runs] == ["completed", "completed"]


def test_corpus_duplicate_records_in_one_input(tmp_path: Path) -> None:
    records, results = corpus(3)
    with DuckDBStore(":memory:") as store:
        summary = _run(store, records + records[:2], results)
        assert store.stats()["articles"] == 3
    assert (summary.stored, summary.skipped) == (3, 2)


def test_corpus_stage_failure_keeps_article_and_failure_row() -> None:
    failure = Failure(stage="geolocate", code="E001", message="E001: boom",
                      article_id="a0001", source="corpus.jsonl", record=1, exc_type="KeyError")
    results = {r.article.id: r for r in (make_result(0), make_result(1, failures=(failure,)))}
    records: list[Article | Failure] = [r.article for r in results.values()]
    with DuckDBStore(":memory:") as store:
        summary = _run(store, records, results)
        rows = store.failures()
        assert store.stats()["articles"] == 2
    assert (summary.ok, summary.failed, summary.failed_articles) == (1, 1, 1)
    assert summary.failures_by_code == {"E001": 1}
    assert [(r["code"], r["stage"], r["article_id"]) for r in rows] == [
        ("E001", "geolocate", "a0001")]


def test_corpus_progress_is_reported() -> None:
    records, results = corpus(4)
    seen: list[RunProgress] = []
    with DuckDBStore(":memory:") as store:
        _run(store, records, results, batch_size=2, on_progress=seen.append)
    assert seen[-1].stored == 4
    assert seen[-1].done == 5
    assert [p.coded for p in seen][:2] == [1, 2]


def test_corpus_failed_run_is_journalled() -> None:
    records, _ = corpus(2)

    def broken(articles: Iterable[Article], **options: int) -> Iterator[ArticleResult]:
        raise ResourceError(Errors.E302.format(path="x", detail="disk gone"))
        yield  # pragma: no cover - makes this a generator

    with DuckDBStore(":memory:") as store:
        with pytest.raises(ResourceError, match="^E302"):
            run_corpus(["corpus.jsonl"], store=store, read=fake_reader(records), process=broken)
        (run,) = store.runs()
    assert run["status"] == "failed"
    assert run["error"].startswith("E302: ")


def test_corpus_summary_table() -> None:
    records, results = corpus(2)
    with DuckDBStore(":memory:") as store:
        summary = _run(store, records, results)
    text = format_summary(dataclasses.replace(summary, seconds=1.25, run_id="R1"))
    assert text == textwrap.dedent("""\
        run R1 completed in 1.2 s
          input records                    3
          articles stored                  2
          already present (skipped)        0
          duplicates linked                0
          articles with failures           0
          records failed                   1
          events stored                    4
        events by type
          ASSAULT        4
        failures by code
          E101        1""")


_DRIVER = """
import sys, time
sys.path.insert(0, {factories!r})
from _factories import corpus, fake_processor, fake_reader
from newsevents.corpus import run_corpus
from newsevents.store import DuckDBStore

records, results = corpus({count})
coded = fake_processor(results)

def slow(articles, **options):
    for result in coded(articles, **options):
        time.sleep({delay})
        yield result

last = [0]
def progress(p):
    if p.batches != last[0]:
        last[0] = p.batches
        print("committed", p.batches, flush=True)

with DuckDBStore({db!r}) as store:
    run_corpus(["corpus.jsonl"], store=store, read=fake_reader(records), process=slow,
               batch_size={batch}, on_progress=progress)
print("finished", flush=True)
"""


def test_corpus_kill_and_resume(tmp_path: Path) -> None:
    count, batch = 40, 4
    db = tmp_path / "events.duckdb"
    driver = tmp_path / "driver.py"
    driver.write_text(_DRIVER.format(factories=str(HERE), count=count, delay=0.03, db=str(db),
                                     batch=batch))
    child = subprocess.Popen([sys.executable, str(driver)], stdout=subprocess.PIPE, text=True)
    committed = 0
    assert child.stdout is not None
    for line in child.stdout:
        if line.startswith("committed"):
            committed = int(line.split()[1])
            if committed >= 3:
                break
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert committed >= 3

    records, results = corpus(count)
    with DuckDBStore(db) as store:
        before = store.stats()["articles"]
        summary = _run(store, records, results, batch_size=batch)
        per_article = store._con.execute(
            "SELECT a.id, count(e.id) FROM articles a LEFT JOIN events e ON e.article_id = a.id "
            "GROUP BY a.id ORDER BY a.id").fetchall()
        hashes = store._con.execute(
            "SELECT count(*), count(DISTINCT content_hash) FROM articles").fetchone()
        runs = store.runs()
        failures = store.stats()["failures"]
    assert 3 * batch <= before < count
    assert summary.stored == count - before
    assert per_article == [(f"a{i:04d}", 2) for i in range(count)]
    assert hashes == (count, count)
    assert failures == 1
    assert [run["status"] for run in runs] == ["interrupted", "completed"]
    assert runs[1]["resumes"] == runs[0]["id"]
