"""spark-run on a local[2] session gives what `run` gives, once, whatever fails."""

from __future__ import annotations

import gzip
import os
import shutil
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from newsevents.cli import cli
from newsevents.corpus import run_corpus
from newsevents.pipeline import build_nlp, process
from newsevents.spark import spark_run
from newsevents.spark.worker import CRASH_MARKER_ENV
from newsevents.stages.ingest import IngestOptions, read_inputs
from newsevents.store import DuckDBStore
from newsevents.types import Article

pytestmark = [pytest.mark.slow, pytest.mark.spark]

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "articles"
OPTIONS = IngestOptions(published=__import__("datetime").date(2024, 11, 20))
EVENT_COLUMNS = (
    "article_id, id, type, mode, cameo, goldstein, source_name, source_country, "
    "source_actors, target_name, target_country, target_actors, location_geonameid, "
    "location, date_value, date_precision, killed, injured, trigger_start, sentence_start, "
    "confidence, cluster_id")


def _parquet(out: Path, table: str, columns: str = "*") -> list[tuple]:  # type: ignore[type-arg]
    files = list((out / table).glob("**/*.parquet"))
    if not files:
        return []
    return duckdb.connect().execute(
        f"SELECT {columns} FROM read_parquet('{out / table}/**/*.parquet') ORDER BY ALL"
    ).fetchall()


def _events(db: Path) -> list[tuple]:  # type: ignore[type-arg]
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(f"SELECT {EVENT_COLUMNS} FROM events ORDER BY ALL").fetchall()


@pytest.fixture(scope="module")
def examples_run(spark, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """spark-run and run on the sample articles: (Spark output folder, run's store file)."""
    root = tmp_path_factory.mktemp("examples")
    out = root / "out"
    summary = spark_run([str(EXAMPLES)], out=str(out), spark=spark, options=OPTIONS)
    db = root / "run.duckdb"
    with DuckDBStore(db) as store:
        run_corpus([str(EXAMPLES)], store=store, options=OPTIONS)
    return out, db, summary


def test_spark_events_equal_run(examples_run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out, db, summary = examples_run
    expected = _events(db)
    assert expected and summary.events == len(expected)
    assert _parquet(out, "events", EVENT_COLUMNS) == expected
    imported = tmp_path / "imported.duckdb"
    result = CliRunner().invoke(cli, ["import", str(out), "--db", str(imported)])
    assert result.exit_code == 0, result.output
    assert _events(imported) == expected
    article_columns = "id, content_hash, url, published, words, tone, duplicate_of, actors"
    with duckdb.connect(str(db), read_only=True) as con:
        articles = con.execute(f"SELECT {article_columns} FROM articles ORDER BY ALL").fetchall()
    assert _parquet(out, "articles", article_columns) == articles
    days = {f"date={row[3]}" for row in articles}
    assert {p.name for p in (out / "articles").iterdir() if p.is_dir()} == days


def test_spark_rerun_replaces_its_partitions(spark, examples_run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out, _db, _summary = examples_run
    columns = {"articles": "* EXCLUDE (stored, run_id)", "quotes": "*", "places": "*"}
    before = {table: _parquet(out, table, columns[table]) for table in columns}
    events = _parquet(out, "events")
    spark_run([str(EXAMPLES)], out=str(out), spark=spark, options=OPTIONS)
    for table, rows in before.items():
        assert _parquet(out, table, columns[table]) == rows, table
    assert len(_parquet(out, "events")) == len(events)
    imported = tmp_path / "twice.duckdb"
    for _ in range(2):
        assert CliRunner().invoke(cli, ["import", str(out), "--db", str(imported)]).exit_code == 0
    with DuckDBStore(imported, read_only=True) as store:
        assert store.stats()["articles"] == len(before["articles"])


def test_spark_corrupt_file_becomes_failure_rows(spark, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "inputs"
    folder.mkdir()
    shutil.copy(EXAMPLES / "g20-rio-summit.txt", folder / "good.txt")
    (folder / "broken.jsonl.gz").write_bytes(gzip.compress(b'{"text": "x"}\n')[:-12] + b"junk")
    (folder / "bad.jsonl").write_text('{"text": "Arnor troops shelled Gondor."}\nnot json\n')
    out = tmp_path / "out"
    summary = spark_run([str(folder), str(tmp_path / "missing.txt")], out=str(out),
                        spark=spark, options=OPTIONS)
    records = list(read_inputs([str(folder), str(tmp_path / "missing.txt")], options=OPTIONS))
    expected = sorted((r.source, r.record, r.code) for r in records if not hasattr(r, "text"))
    assert expected and len({code for *_, code in expected}) >= 2
    assert sorted(_parquet(out, "failures", "source, record, code")) == expected
    assert summary.failed_records == len(expected)
    assert summary.stored == len(records) - len(expected) == 1


def test_spark_dead_worker_is_retried_without_duplicates(spark, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "inputs"
    folder.mkdir()
    for name in ("g20-rio-summit.txt", "kyiv-us-embassy-closure.txt",
                 "hong-kong-democracy-sentences.txt"):
        shutil.copy(EXAMPLES / name, folder / name)
    marker = Path(os.environ[CRASH_MARKER_ENV])
    marker.touch()
    out = tmp_path / "out"
    summary = spark_run([str(folder)], out=str(out), spark=spark, options=OPTIONS,
                        partitions=1)
    assert not marker.exists(), "no worker took the crash marker"
    ids = [row[0] for row in _parquet(out, "articles", "id")]
    assert len(ids) == len(set(ids)) == summary.stored == 3
    keys = _parquet(out, "events", "article_id, id")
    assert keys and len(keys) == len(set(keys)) == summary.events


def test_spark_executors_run_the_given_pipeline(spark, nlp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "inputs"
    folder.mkdir()
    for name in ("g20-rio-summit.txt", "kyiv-us-embassy-closure.txt"):
        shutil.copy(EXAMPLES / name, folder / name)
    strict = build_nlp(config={"extract_events": {"min_confidence": 0.7}})
    out = tmp_path / "out"
    spark_run([str(folder)], out=str(out), spark=spark, options=OPTIONS, nlp=strict,
              partitions=1)
    articles = [r for r in read_inputs([str(folder)], options=OPTIONS) if isinstance(r, Article)]

    def events(pipeline) -> list[tuple]:  # type: ignore[type-arg,no-untyped-def]
        return sorted((e.article_id, e.id, e.type, e.confidence)
                      for result in process(articles, nlp=pipeline) for e in result.events)

    expected = events(strict)
    assert sorted(_parquet(out, "events", "article_id, id, type, confidence")) == expected
    assert expected != events(nlp)
