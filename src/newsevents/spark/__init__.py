"""The Spark engine: ``run`` for corpora past one machine, into a Parquet dataset.

``spark_run`` reads the inputs with the ingest readers (local files on the
driver's list, Hadoop file system URIs through ``binaryFiles``), keeps each
article once (same content hash, URL or id as the store: the first in input
order wins, a different text under a taken id is an E305 failure row), codes
the articles with the pipeline built once per executor worker, links copies
and clusters events with the SQL of ``newsevents.store.linking`` run by
Spark SQL, and writes one Parquet dataset per table under ``out``
(``articles``, ``events``, ``quotes``, ``places``, ``failures``), partitioned
by the article's publication ``date``. Partitions are overwritten
dynamically: a re-run of the same input replaces its partitions, so nothing
is stored twice. Rows are built by the store's own row builders, so the
columns are the DuckDB store's (``newsevents import`` loads them).

pyspark is an optional extra (``pip install 'newsevents[spark]'``) and needs
Java 17 or later; both are checked first, with a coded error naming the fix.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib.util
import os
import shutil
import sys
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from newsevents.corpus import RecordOutcome
from newsevents.errors import Errors, InputError, ResourceError
from newsevents.stages.ingest import IngestOptions, expand_path
from newsevents.store.duckdb import TABLE_COLUMNS, DuckDBStore
from newsevents.store.linking import cluster, link_copies
from newsevents.types import Article, Failure

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession
    from spacy.language import Language

# Every table the store writes (a table added to TABLE_COLUMNS and result_rows, such as
# mentions, is written here too).
TABLES = tuple(TABLE_COLUMNS)
PARTITION_COLUMN = "date"
_LOCAL_SCHEMES = ("file://",)
_SPARK_TYPES = {"VARCHAR": "STRING", "BLOB": "BINARY", "INTEGER": "INT",
                "VARCHAR[]": "ARRAY<STRING>"}


@dataclass(frozen=True)
class SparkSummary(RecordOutcome):
    """What a Spark run wrote."""

    run_id: str
    out: str
    records: int
    stored: int
    skipped: int
    events: int
    failed_records: int
    failed_articles: int
    duplicates: int
    clusters: int


def require_spark() -> None:
    """Raise E701 when pyspark is missing, E702 when no Java can run it."""
    if importlib.util.find_spec("pyspark") is None:
        raise ResourceError(Errors.E701)
    java_home = os.environ.get("JAVA_HOME")
    java = os.path.join(java_home, "bin", "java") if java_home else shutil.which("java")
    if not java or not os.access(java, os.X_OK):
        raise ResourceError(Errors.E702.format(
            detail=f"JAVA_HOME is {java_home}" if java_home else "no java on PATH"))


def start_session(*, master: str | None = None, app_name: str = "newsevents",
                  conf: dict[str, str] | None = None) -> SparkSession:
    """A SparkSession for ``spark_run``; ``master`` None leaves it to spark-submit."""
    require_spark()
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName(app_name)
    if master:
        builder = builder.master(master)
    for key, value in {"spark.sql.session.timeZone": "UTC", **(conf or {})}.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def spark_run(inputs: Sequence[str], *, out: str, spark: SparkSession,
              options: IngestOptions | None = None, partitions: int | None = None,
              batch_size: int = 16, nlp: Language | None = None) -> SparkSummary:
    """Code ``inputs`` into the Parquet dataset ``out``; see the module docstring.

    Executors run ``nlp``, rebuilt from its ``PipelineSpec`` (broadcast once), or
    the default pipeline when it is None.
    """
    from pyspark import StorageLevel

    from newsevents.pipeline import PipelineSpec
    from newsevents.spark import worker

    options = options or IngestOptions()
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    run_id = f"spark-{now:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"
    context = spark.sparkContext
    spark.conf.set("spark.sql.sources.partitionOverwriteMode", "dynamic")
    records = _records(inputs, spark=spark, options=options).persist(StorageLevel.MEMORY_AND_DISK)
    input_failures = records.filter(lambda item: isinstance(item[1], Failure)).values()
    articles = records.filter(lambda item: isinstance(item[1], Article))
    first_by_content = articles.map(lambda item: (item[1].content_hash, item)).reduceByKey(min)
    first_by_url = (first_by_content.values()
                    .map(lambda item: (item[1].url or f"\x00{item[1].content_hash}", item))
                    .reduceByKey(min).values())
    by_id = first_by_url.map(lambda item: (item[1].id, item)).groupByKey().mapValues(sorted)
    kept = by_id.map(lambda pair: pair[1][0][1])
    taken_ids = by_id.flatMap(lambda pair: [_taken_id(item[1]) for item in pair[1][1:]])
    spec = context.broadcast(PipelineSpec.of(nlp)) if nlp is not None else None
    code = functools.partial(worker.code_partition, run_id=run_id, now=now,
                             batch_size=batch_size, spec=spec)
    target = partitions or context.defaultParallelism
    coded = kept.repartition(target).mapPartitions(code).persist(StorageLevel.MEMORY_AND_DISK)
    loose_failures = context.union([input_failures, taken_ids]).mapPartitions(
        functools.partial(worker.failure_rows, run_id=run_id, now=now))
    # Cached: the Python rows become JVM rows once; every later step reads that copy.
    coded_frames = {table: spark.createDataFrame(
        coded.filter(lambda row, name=table: row[0] == name).values()
        if table != "failures" else
        coded.filter(lambda row: row[0] == "failures").values().union(loose_failures),
        schema=_schema(table)).cache() for table in TABLES}
    engine = _SparkEngine(spark)
    frames = _link(spark, coded_frames, engine)
    try:
        for table in TABLES:
            (frames[table].write.mode("overwrite").partitionBy(PARTITION_COLUMN)
             .parquet(_join(out, table)))
    except Exception as e:  # py4j and Spark raise their own classes; report, keep the cause
        raise ResourceError(Errors.E704.format(out=out, detail=_first_line(e))) from e
    counts = _summarise(spark, frames, records)
    engine.release()
    for frame in coded_frames.values():
        frame.unpersist()
    records.unpersist()
    coded.unpersist()
    if spec is not None:
        spec.unpersist()
    return SparkSummary(run_id=run_id, out=out, **counts)


def _records(inputs: Sequence[str], *, spark: SparkSession, options: IngestOptions) -> Any:
    """(order, Article | Failure) of every input record, as an RDD."""
    from newsevents.spark import worker

    context = spark.sparkContext
    local: list[worker.InputFile] = []
    failures: list[tuple[worker.Order, Failure]] = []
    parts = []
    single = len(inputs) == 1 and os.path.isfile(inputs[0])
    for index, path in enumerate(inputs):
        if path == "-" or path.lower().startswith(("http://", "https://")):
            raise InputError(Errors.E703.format(path=path))
        if "://" in path and not path.startswith(_LOCAL_SCHEMES):
            parts.append(context.binaryFiles(path).flatMap(
                lambda pair, i=index: worker.read_remote(i, pair[0], pair[1], options=options)))
            continue
        for position, item in enumerate(expand_path(path.removeprefix("file://"))):
            if isinstance(item, Failure):
                failures.append(((index, path, position), item))
            else:
                local.append(worker.InputFile(index, item, single=single))
    if local:
        parts.append(context.parallelize(local, max(1, min(len(local),
                                                           context.defaultParallelism * 4)))
                     .flatMap(functools.partial(worker.read_local, options=options)))
    parts.append(context.parallelize(failures, 1))
    return context.union(parts)


def _taken_id(article: Article) -> Failure:
    return Failure(stage="store", code="E305", message=Errors.E305.format(article_id=article.id),
                   article_id=article.id, source=article.source, record=article.record,
                   exc_type="InputError")


@functools.cache
def _column_types() -> dict[str, dict[str, str]]:
    """Each table's column types, read from a throw-away DuckDB store: one schema, two engines."""
    with DuckDBStore(":memory:") as store:
        return {table: store._column_types(table) for table in TABLES}


def _schema(table: str) -> str:
    """The Spark DDL of a table as this engine writes it (events gain cluster_id)."""
    types = _column_types()[table]
    columns = list(TABLE_COLUMNS[table])
    fields = [f"`{name}` {_SPARK_TYPES.get(types[name], types[name])}" for name in columns]
    return ", ".join([*fields, f"`{PARTITION_COLUMN}` STRING"])


def _link(spark: SparkSession, frames: dict[str, DataFrame],
          engine: _SparkEngine) -> dict[str, DataFrame]:
    """Fill ``duplicate_of`` and ``cluster_id`` with the store's linking SQL on Spark."""
    frames["articles"].createOrReplaceTempView("ne_articles")
    frames["events"].createOrReplaceTempView("ne_events")
    spark.sql("SELECT id, published, minhash FROM ne_articles").createOrReplaceTempView(
        "link_articles")
    spark.sql(
        "SELECT e.article_id, e.id, e.type, e.source_country, e.target_country, "
        "coalesce(e.date_value, a.published) AS day, e.location_lat AS lat, "
        "e.location_lon AS lon, e.location_country AS country "
        "FROM ne_events e JOIN ne_articles a ON a.id = e.article_id"
    ).createOrReplaceTempView("cluster_keys")
    link_copies(engine)
    cluster(engine)
    article_columns = ", ".join(
        "l.duplicate_of" if name == "duplicate_of" else f"a.`{name}`"
        for name in (*TABLE_COLUMNS["articles"], PARTITION_COLUMN))
    event_columns = ", ".join(f"e.`{name}`" for name in TABLE_COLUMNS["events"])
    return {
        **frames,
        "articles": spark.sql(f"SELECT {article_columns} FROM ne_articles a "
                              "LEFT JOIN ne_links l ON l.id = a.id"),
        "events": spark.sql(f"SELECT {event_columns}, c.cluster_id, e.`{PARTITION_COLUMN}` "
                            "FROM ne_events e LEFT JOIN ne_clusters c "
                            "ON c.article_id = e.article_id AND c.id = e.id"),
    }


class _SparkEngine:
    """Runs the linking SQL as cached Spark views.

    A step is cached, not computed at once: Spark runs the steps a result
    needs when it is asked for one (``scalar``, the final writes), and every
    step is computed once. ``release`` frees the cached steps.
    """

    def __init__(self, spark: SparkSession) -> None:
        self._spark = spark
        self._cached: list[DataFrame] = []

    def materialize(self, name: str, sql: str) -> None:
        frame = self._spark.sql(sql).cache()
        self._cached.append(frame)
        frame.createOrReplaceTempView(name)

    def release(self) -> None:
        for frame in self._cached:
            frame.unpersist()

    def scalar(self, sql: str) -> Any:
        return self._spark.sql(sql).collect()[0][0]

    def day_number(self, expression: str) -> str:
        return f"datediff({expression}, DATE '1970-01-01')"


def _summarise(spark: SparkSession, frames: dict[str, DataFrame], records: Any) -> dict[str, int]:
    """The run's counts, in one query per table (each count is a Spark job)."""
    frames["articles"].createOrReplaceTempView("ne_written_articles")
    frames["failures"].createOrReplaceTempView("ne_written_failures")
    stored, duplicates = spark.sql(
        "SELECT count(*), count(duplicate_of) FROM ne_written_articles").collect()[0]
    loose, failed_articles = spark.sql(
        "SELECT count_if(article_id IS NULL OR stage = 'store'), count(DISTINCT CASE WHEN "
        "article_id IS NOT NULL AND stage <> 'store' THEN article_id END) "
        "FROM ne_written_failures").collect()[0]
    events, clusters = spark.sql(
        "SELECT count(*), count(DISTINCT cluster_id) FROM ne_clusters").collect()[0]
    record_count = records.count()
    return {
        "records": record_count, "stored": stored, "skipped": record_count - stored - loose,
        "events": events, "failed_records": loose, "failed_articles": failed_articles,
        "duplicates": duplicates, "clusters": clusters,
    }


def _join(base: str, name: str) -> str:
    return base.rstrip("/") + "/" + name


def _first_line(e: BaseException) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__


__all__ = ["SparkSummary", "require_spark", "spark_run", "start_session"]
