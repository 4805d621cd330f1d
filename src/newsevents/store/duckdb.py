"""The default event store: one DuckDB file, no server.

Tables (``docs/store.md`` documents every column):

``runs``/``run_batches``
    the run journal: one row per ``newsevents run`` and one per committed batch.
``articles``
    one row per distinct article, keyed by ``id`` and, uniquely, ``content_hash``;
    ``duplicate_of`` links a syndicated copy to its canonical article.
``events``
    every Event field flattened into columns (first actor's name/country/sector
    plus the JSON of all actors), ``seq`` a stable integer id, ``cluster_id``
    shared by events of different articles that describe one occurrence.
``quotes``, ``places``
    the other per-article records.
``failures``
    records and articles that could not be coded, each stored once per
    (source, record, article, stage, code).

A batch of articles and everything coded from them is written in one
transaction, so a process killed at any moment leaves whole articles; the
next run skips what is stored (content hash or URL) and codes the rest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
import uuid
from collections import Counter
from collections.abc import Collection, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import duckdb

from newsevents.errors import Errors, InputError, InternalError, ResourceError
from newsevents.stages.dedupe import minhash
from newsevents.store.base import (
    ALL_EVENTS,
    BatchOutcome,
    DedupeOutcome,
    EventQuery,
    EventStore,
    RunStatus,
)
from newsevents.store.linking import cluster, link_copies
from newsevents.types import (
    Actor,
    Article,
    ArticleResult,
    Event,
    EventDate,
    Failure,
    Place,
    Quote,
    Size,
    Span,
    flatten_actors,
    to_jsonable,
)

SCHEMA_VERSION = "1"
#: How long opening the file waits for another process's lock before E302.
LOCK_WAIT_SECONDS = 5.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS runs (
    id VARCHAR PRIMARY KEY, started TIMESTAMP, finished TIMESTAMP, status VARCHAR,
    inputs VARCHAR, options VARCHAR, counts VARCHAR, error VARCHAR, resumes VARCHAR);
CREATE TABLE IF NOT EXISTS run_batches (
    run_id VARCHAR, batch INTEGER, articles INTEGER, skipped INTEGER, events INTEGER,
    failures INTEGER, committed TIMESTAMP, PRIMARY KEY (run_id, batch));
CREATE TABLE IF NOT EXISTS articles (
    id VARCHAR PRIMARY KEY, content_hash VARCHAR NOT NULL UNIQUE, url VARCHAR, outlet VARCHAR,
    title VARCHAR, published DATE, language VARCHAR, source VARCHAR, record BIGINT,
    words INTEGER, tone DOUBLE, duplicate_of VARCHAR, run_id VARCHAR, text VARCHAR,
    notes VARCHAR[], actors VARCHAR, minhash BLOB, stored TIMESTAMP);
CREATE SEQUENCE IF NOT EXISTS event_seq START 1;
CREATE TABLE IF NOT EXISTS events (
    seq BIGINT NOT NULL DEFAULT nextval('event_seq'), id VARCHAR, article_id VARCHAR,
    type VARCHAR, mode VARCHAR, contexts VARCHAR[], cameo VARCHAR, quad_class INTEGER,
    goldstein DOUBLE,
    source_name VARCHAR, source_country VARCHAR, source_sector VARCHAR,
    source_countries VARCHAR[], source_actors VARCHAR,
    target_name VARCHAR, target_country VARCHAR, target_sector VARCHAR,
    target_countries VARCHAR[], target_actors VARCHAR,
    actor_text VARCHAR,
    location_name VARCHAR, location_geonameid BIGINT, location_country VARCHAR,
    location_admin1 VARCHAR, location_lat DOUBLE, location_lon DOUBLE, location_feature VARCHAR,
    location VARCHAR,
    date_value DATE, date_precision VARCHAR, date_text VARCHAR, date_start INTEGER,
    date_end INTEGER, date_reason VARCHAR,
    killed INTEGER, injured INTEGER, arrested INTEGER,
    trigger_text VARCHAR, trigger_start INTEGER, trigger_end INTEGER,
    sentence_text VARCHAR, sentence_start INTEGER, sentence_end INTEGER,
    confidence DOUBLE, negated BOOLEAN, hypothetical BOOLEAN, reported_by VARCHAR,
    cluster_id VARCHAR,
    PRIMARY KEY (article_id, id));
CREATE TABLE IF NOT EXISTS quotes (
    article_id VARCHAR, position INTEGER, text VARCHAR, start_char INTEGER, end_char INTEGER,
    speaker_name VARCHAR, speaker_country VARCHAR, speaker_sector VARCHAR, speaker VARCHAR,
    PRIMARY KEY (article_id, position));
CREATE TABLE IF NOT EXISTS places (
    article_id VARCHAR, position INTEGER, text VARCHAR, start_char INTEGER, end_char INTEGER,
    name VARCHAR, geonameid BIGINT, country VARCHAR, admin1 VARCHAR, lat DOUBLE, lon DOUBLE,
    feature VARCHAR, reason VARCHAR, PRIMARY KEY (article_id, position));
CREATE SEQUENCE IF NOT EXISTS failure_seq START 1;
CREATE TABLE IF NOT EXISTS failures (
    key VARCHAR PRIMARY KEY, seq BIGINT NOT NULL DEFAULT nextval('failure_seq'),
    source VARCHAR, record BIGINT, article_id VARCHAR, stage VARCHAR, code VARCHAR,
    message VARCHAR, exc_type VARCHAR, run_id VARCHAR, stored TIMESTAMP);
"""

_ARTICLE_COLUMNS = (
    "id", "content_hash", "url", "outlet", "title", "published", "language", "source", "record",
    "words", "tone", "duplicate_of", "run_id", "text", "notes", "actors", "minhash", "stored",
)
_EVENT_COLUMNS = (
    "id", "article_id", "type", "mode", "contexts", "cameo", "quad_class", "goldstein",
    "source_name", "source_country", "source_sector", "source_countries", "source_actors",
    "target_name", "target_country", "target_sector", "target_countries", "target_actors",
    "actor_text",
    "location_name", "location_geonameid", "location_country", "location_admin1",
    "location_lat", "location_lon", "location_feature", "location",
    "date_value", "date_precision", "date_text", "date_start", "date_end", "date_reason",
    "killed", "injured", "arrested",
    "trigger_text", "trigger_start", "trigger_end",
    "sentence_text", "sentence_start", "sentence_end",
    "confidence", "negated", "hypothetical", "reported_by",
)
_QUOTE_COLUMNS = ("article_id", "position", "text", "start_char", "end_char", "speaker_name",
                  "speaker_country", "speaker_sector", "speaker")
_PLACE_COLUMNS = ("article_id", "position", "text", "start_char", "end_char", "name", "geonameid",
                  "country", "admin1", "lat", "lon", "feature", "reason")
_FAILURE_COLUMNS = ("key", "source", "record", "article_id", "stage", "code", "message",
                    "exc_type", "run_id", "stored")

#: The columns of a ``query`` row, in order: the event, then its article.
QUERY_COLUMNS = (
    "seq", "id", "article_id", "day", "type", "mode", "contexts", "cameo", "quad_class",
    "goldstein", "source_name", "source_country", "source_sector", "target_name",
    "target_country", "target_sector", "location_name", "location_country", "location_admin1",
    "location_lat", "location_lon", "location_geonameid", "date_value", "date_precision",
    "killed", "injured", "arrested", "trigger_text", "sentence_text", "confidence", "negated",
    "hypothetical", "cluster_id", "url", "outlet", "title", "published", "duplicate_of",
)
_ARTICLE_QUERY_COLUMNS = {"url", "outlet", "title", "published", "duplicate_of"}
_EARTH_KM = 6371.0088


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def _json(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(to_jsonable(value), ensure_ascii=False, sort_keys=True)


def failure_key(failure: Failure) -> str:
    """The identity of a failure row: the same record failing the same way is one row."""
    parts = (failure.source or "", "" if failure.record is None else str(failure.record),
             failure.article_id or "", failure.stage, failure.code)
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()


class DuckDBStore(EventStore):
    """An EventStore in a DuckDB file (``":memory:"`` for a throw-away store).

    ``read_only=True`` requires the file to exist and lets several readers
    share it; a writer holds it alone (DuckDB's file lock), which is what
    makes the run journal trustworthy: a run still marked "running" when the
    store is opened for writing cannot be alive any more.
    """

    def __init__(self, path: str | Path, *, read_only: bool = False,
                 lock_wait: float = LOCK_WAIT_SECONDS) -> None:
        self.path = str(path)
        self.read_only = read_only
        in_memory = self.path == ":memory:"
        if read_only and not in_memory and not Path(self.path).is_file():
            raise InputError(Errors.E301.format(path=self.path))
        if not in_memory and not Path(self.path).absolute().parent.is_dir():
            raise InputError(Errors.E310.format(path=self.path))
        self._con = self._connect(read_only=read_only, lock_wait=lock_wait)
        if read_only:
            self._check_schema()
        else:
            self._create_schema()
        self._batches: Counter[str] = Counter()
        self._types: dict[str, dict[str, str]] = {}

    # setup ---------------------------------------------------------------------------
    def _connect(self, *, read_only: bool, lock_wait: float) -> duckdb.DuckDBPyConnection:
        """Open the file, waiting up to ``lock_wait`` s while another process holds its lock.

        ``newsevents serve`` holds a reader's lock for the moment it takes a
        snapshot; a writer that starts then waits instead of failing.
        """
        deadline = time.monotonic() + lock_wait
        while True:
            try:
                return duckdb.connect(self.path, read_only=read_only)
            except duckdb.Error as e:
                if not _is_busy(e):
                    raise InputError(Errors.E303.format(
                        path=self.path, detail=_first_line(e))) from e
                if time.monotonic() >= deadline:
                    raise ResourceError(Errors.E302.format(
                        path=self.path, detail=_first_line(e))) from e
                time.sleep(0.05)

    def _create_schema(self) -> None:
        try:
            self._con.execute(_SCHEMA)
            self._con.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)",
                              [SCHEMA_VERSION])
        except duckdb.Error as e:
            raise InputError(Errors.E303.format(path=self.path, detail=_first_line(e))) from e
        self._check_schema()

    def _check_schema(self) -> None:
        try:
            row = self._con.execute(
                "SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except duckdb.CatalogException as e:
            detail = "it has no meta table"
            raise InputError(Errors.E303.format(path=self.path, detail=detail)) from e
        if row is None or row[0] != SCHEMA_VERSION:
            found = row[0] if row else "none"
            raise InputError(Errors.E303.format(
                path=self.path, detail=f"schema version {found}, expected {SCHEMA_VERSION}"))

    def close(self) -> None:
        self._con.close()

    # runs ----------------------------------------------------------------------------
    def begin_run(self, *, inputs: Sequence[str], options: Mapping[str, Any]) -> str:
        now = _now()
        run_id = f"{now:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"
        inputs_json = json.dumps(list(inputs), ensure_ascii=False)
        self._con.execute("BEGIN TRANSACTION")
        try:
            self._con.execute("UPDATE runs SET status = 'interrupted' WHERE status = 'running'")
            previous = self._con.execute(
                "SELECT id FROM runs WHERE status = 'interrupted' AND inputs = ? "
                "ORDER BY started DESC LIMIT 1", [inputs_json]).fetchone()
            self._con.execute(
                "INSERT INTO runs (id, started, status, inputs, options, resumes) "
                "VALUES (?, ?, 'running', ?, ?, ?)",
                [run_id, now, inputs_json, json.dumps(to_jsonable(dict(options)), default=str),
                 previous[0] if previous else None])
            self._con.execute("COMMIT")
        except duckdb.Error:
            self._con.execute("ROLLBACK")
            raise
        return run_id

    def finish_run(self, run_id: str, *, status: RunStatus, counts: Mapping[str, Any],
                   error: str | None = None) -> None:
        self._con.execute(
            "UPDATE runs SET status = ?, finished = ?, counts = ?, error = ? WHERE id = ?",
            [status, _now(), json.dumps(dict(counts), sort_keys=True), error, run_id])

    def runs(self) -> list[dict[str, Any]]:
        rows = self._rows("SELECT * FROM runs ORDER BY started, id")
        for row in rows:
            for key in ("inputs", "options", "counts"):
                row[key] = json.loads(row[key]) if row[key] else None
        return rows

    # writing -------------------------------------------------------------------------
    def stored_keys(self, *, hashes: Collection[str],
                    urls: Collection[str] = ()) -> tuple[set[str], set[str]]:
        # A cursor of its own: the corpus run asks from its reader thread.
        with self._con.cursor() as cursor:
            found = cursor.execute(
                "SELECT content_hash, url FROM articles "
                "WHERE content_hash IN (SELECT unnest(?::VARCHAR[])) "
                "OR url IN (SELECT unnest(?::VARCHAR[]))",
                [sorted(set(hashes)), sorted({url for url in urls if url})]).fetchall()
        wanted_hashes, wanted_urls = set(hashes), set(urls)
        return ({content for content, _ in found if content in wanted_hashes},
                {url for _, url in found if url in wanted_urls})

    def _stored_for(self, results: Sequence[ArticleResult],
                    keys: Sequence[str]) -> tuple[set[str], set[str], set[str], set[str]]:
        """(hashes, URLs, ids, failure keys) already stored among those of one batch."""
        articles = [result.article for result in results]
        found = self._con.execute(
            "SELECT id, content_hash, url FROM articles "
            "WHERE content_hash IN (SELECT unnest(?::VARCHAR[])) "
            "OR url IN (SELECT unnest(?::VARCHAR[])) OR id IN (SELECT unnest(?::VARCHAR[]))",
            [[a.content_hash for a in articles], [a.url for a in articles if a.url],
             [a.id for a in articles]]).fetchall()
        failure_keys = {key for (key,) in self._con.execute(
            "SELECT key FROM failures WHERE key IN (SELECT unnest(?::VARCHAR[]))",
            [list(keys)]).fetchall()}
        return ({content for _, content, _ in found}, {url for _, _, url in found if url},
                {article_id for article_id, _, _ in found}, failure_keys)

    def write_batch(self, results: Sequence[ArticleResult], *, failures: Sequence[Failure] = (),
                    run_id: str | None = None) -> BatchOutcome:
        batch_failures = [*(f for r in results for f in r.failures), *failures]
        hashes, urls, ids, failure_keys = self._stored_for(
            results, [failure_key(f) for f in batch_failures])
        new_hashes: set[str] = set()
        new_urls: set[str] = set()
        new_ids: dict[str, str] = {}
        article_rows: list[tuple[Any, ...]] = []
        event_rows: list[tuple[Any, ...]] = []
        quote_rows: list[tuple[Any, ...]] = []
        place_rows: list[tuple[Any, ...]] = []
        failure_rows: dict[str, tuple[Any, ...]] = {}
        events_by_type: Counter[str] = Counter()
        skipped = 0
        now = _now()

        def add_failure(failure: Failure) -> None:
            key = failure_key(failure)
            if key not in failure_keys:
                failure_rows.setdefault(key, _failure_row(key, failure, run_id, now))

        for result in results:
            article = result.article
            content = article.content_hash
            if (content in hashes or content in new_hashes
                    or (article.url and (article.url in urls or article.url in new_urls))):
                skipped += 1
                continue
            if article.id in ids or article.id in new_ids:
                add_failure(Failure(
                    stage="store", code="E305", message=Errors.E305.format(article_id=article.id),
                    article_id=article.id, source=article.source, record=article.record,
                    exc_type="InputError"))
                continue
            new_hashes.add(content)
            new_ids[article.id] = content
            if article.url:
                new_urls.add(article.url)
            article_rows.append(_article_row(result, run_id, now))
            for event in result.events:
                event_rows.append(_event_row(event, article.id))
                events_by_type[event.type] += 1
            quote_rows.extend(_quote_row(article.id, i, q) for i, q in enumerate(result.quotes))
            place_rows.extend(_place_row(article.id, i, p) for i, p in enumerate(result.places))
            for failure in result.failures:
                add_failure(failure)
        for failure in failures:
            add_failure(failure)

        batch = self._batches[run_id or ""] + 1
        try:
            self._con.execute("BEGIN TRANSACTION")
            self._insert("articles", _ARTICLE_COLUMNS, article_rows)
            self._insert("events", _EVENT_COLUMNS, event_rows)
            self._insert("quotes", _QUOTE_COLUMNS, quote_rows)
            self._insert("places", _PLACE_COLUMNS, place_rows)
            self._insert("failures", _FAILURE_COLUMNS, list(failure_rows.values()))
            if run_id is not None:
                self._con.execute(
                    "INSERT INTO run_batches VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [run_id, batch, len(article_rows), skipped, len(event_rows),
                     len(failure_rows), now])
            self._con.execute("COMMIT")
        except duckdb.Error as e:
            self._con.execute("ROLLBACK")
            raise ResourceError(Errors.E307.format(
                count=len(results), path=self.path, detail=_first_line(e))) from e
        except BaseException:
            # Ctrl-C mid-batch: leave no half-open transaction behind the run journal.
            self._con.execute("ROLLBACK")
            raise
        self._batches[run_id or ""] = batch
        return BatchOutcome(stored=len(article_rows), skipped=skipped, events=len(event_rows),
                            failures=len(failure_rows), events_by_type=dict(events_by_type))

    def import_dataset(self, folder: str | Path, *, run_id: str | None = None) -> BatchOutcome:
        """Bring a ``spark-run`` output (one Parquet dataset per table) into the store.

        One transaction, exactly once as ``write_batch``: articles already
        stored (content hash, URL or id) are skipped with everything coded
        from them; failure rows already stored are kept once. Run ``dedupe``
        afterwards (``newsevents import`` does) to link and cluster the whole store.
        """
        sources = {table: _parquet_glob(folder, table) for table in TABLE_COLUMNS}
        if sources["articles"] is None:
            raise InputError(Errors.E312.format(path=str(folder), table="articles"))

        def read(table: str, columns: Sequence[str]) -> str:
            names = ", ".join(f'"{name}"' for name in columns)
            source = sources[table]
            if source is None:
                return f"SELECT {names} FROM {table} WHERE FALSE"
            return f"SELECT {names} FROM read_parquet({_quote(source)}, hive_partitioning = false)"

        now = _now()
        article_columns = [c for c in _ARTICLE_COLUMNS if c not in ("run_id", "stored")]
        names = ", ".join(f'"{name}"' for name in article_columns)
        try:
            self._con.execute("BEGIN TRANSACTION")
            self._con.execute(
                f"CREATE OR REPLACE TEMP TABLE _import AS {read('articles', article_columns)} i "
                "WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.content_hash = i.content_hash"
                " OR a.id = i.id OR (i.url IS NOT NULL AND a.url = i.url))")
            self._con.execute(f"INSERT INTO articles ({names}, run_id, stored) "
                              f"SELECT {names}, ?, ? FROM _import", [run_id, now])
            counts = {}
            for table, columns in (("events", (*_EVENT_COLUMNS, "cluster_id")),
                                   ("quotes", _QUOTE_COLUMNS), ("places", _PLACE_COLUMNS)):
                listed = ", ".join(f'"{name}"' for name in columns)
                order = "article_id, id" if table == "events" else "article_id, position"
                row = self._con.execute(
                    f"INSERT INTO {table} ({listed}) SELECT * FROM ({read(table, columns)}) "
                    f"WHERE article_id IN (SELECT id FROM _import) ORDER BY {order}").fetchone()
                counts[table] = int(row[0]) if row else 0
            failure_names = ", ".join(f'"{name}"' for name in _FAILURE_COLUMNS)
            row = self._con.execute(
                f"INSERT INTO failures ({failure_names}) SELECT * FROM ("
                f"{read('failures', _FAILURE_COLUMNS)}) f "
                "WHERE key NOT IN (SELECT key FROM failures) QUALIFY row_number() OVER ("
                "PARTITION BY key ORDER BY stored) = 1").fetchone()
            failures = int(row[0]) if row else 0
            stored = self._con.execute("SELECT count(*) FROM _import").fetchone()
            total = self._con.execute(
                f"SELECT count(*) FROM ({read('articles', ['id'])})").fetchone()
            by_type = self._con.execute(
                f"SELECT type, count(*) FROM ({read('events', ['article_id', 'type'])}) "
                "WHERE article_id IN (SELECT id FROM _import) GROUP BY type").fetchall()
            self._con.execute("DROP TABLE _import")
            self._con.execute("COMMIT")
        except duckdb.Error as e:
            self._con.execute("ROLLBACK")
            raise ResourceError(Errors.E307.format(
                count="the imported", path=self.path, detail=_first_line(e))) from e
        stored_count = int(stored[0]) if stored else 0
        return BatchOutcome(stored=stored_count,
                            skipped=(int(total[0]) if total else 0) - stored_count,
                            events=counts["events"], failures=failures,
                            events_by_type=dict(by_type))

    def _insert(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Insert rows passed as one LIST(STRUCT) parameter, unnested in SQL.

        Several times faster than ``executemany`` or multi-row VALUES: DuckDB
        converts one parameter instead of binding every value separately.
        """
        if not rows:
            return
        types = self._column_types(table)
        struct = ", ".join(f'"{name}" {types[name]}' for name in columns)
        names = ", ".join(f'"{name}"' for name in columns)
        self._con.execute(
            f"INSERT INTO {table} ({names}) "
            f"SELECT r.* FROM (SELECT unnest(?::STRUCT({struct})[]) AS r)",
            [[dict(zip(columns, row)) for row in rows]])

    def _column_types(self, table: str) -> dict[str, str]:
        if table not in self._types:
            described = self._con.execute(f"DESCRIBE {table}").fetchall()
            self._types[table] = {row[0]: row[1] for row in described}
        return self._types[table]

    def dedupe(self) -> DedupeOutcome:
        """Run the linking SQL (store/linking.py) inside DuckDB and apply what changed."""
        engine = _DuckDBEngine(self._con)
        count = engine.scalar("SELECT count(*) FROM articles")
        try:
            self._con.execute("BEGIN TRANSACTION")
            self._con.execute("CREATE OR REPLACE TEMP VIEW link_articles AS "
                              "SELECT id, published, minhash FROM articles")
            link_copies(engine)
            self._con.execute(
                "CREATE OR REPLACE TEMP VIEW cluster_keys AS SELECT e.article_id, e.id, e.type, "
                "e.source_country, e.target_country, coalesce(e.date_value, a.published) AS day, "
                "e.location_lat AS lat, e.location_lon AS lon, e.location_country AS country "
                "FROM events e JOIN articles a ON a.id = e.article_id")
            cluster(engine)
            changed = engine.scalar(
                "SELECT count(*) FROM ne_links l JOIN articles a ON a.id = l.id "
                "WHERE a.duplicate_of IS DISTINCT FROM l.duplicate_of")
            self._con.execute(
                "UPDATE articles SET duplicate_of = l.duplicate_of FROM ("
                "SELECT a.id, l.duplicate_of FROM articles a LEFT JOIN ne_links l ON l.id = a.id "
                "WHERE a.duplicate_of IS DISTINCT FROM l.duplicate_of) AS l "
                "WHERE articles.id = l.id")
            self._con.execute(
                "UPDATE events SET cluster_id = c.cluster_id FROM ne_clusters c "
                "WHERE events.article_id = c.article_id AND events.id = c.id "
                "AND events.cluster_id IS DISTINCT FROM c.cluster_id")
            duplicates = engine.scalar("SELECT count(*) FROM ne_links")
            clusters = engine.scalar("SELECT count(DISTINCT cluster_id) FROM ne_clusters")
            self._con.execute("COMMIT")
        except duckdb.Error as e:
            self._con.execute("ROLLBACK")
            raise ResourceError(Errors.E307.format(
                count=count, path=self.path, detail=_first_line(e))) from e
        return DedupeOutcome(duplicates=duplicates, links_changed=changed, clusters=clusters)

    # reading -------------------------------------------------------------------------
    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cursor = self._con.execute(sql, list(params))
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]

    def _where(self, query: EventQuery) -> tuple[str, list[Any]]:
        where, params = self.filter_sql(query)
        limit = f" LIMIT {int(query.limit)}" if query.limit else ""
        order = " ORDER BY coalesce(e.date_value, a.published) NULLS LAST, e.seq"
        return f"WHERE {where}{order}{limit}", params

    def filter_sql(self, query: EventQuery) -> tuple[str, list[Any]]:
        """The SQL condition (over ``events e JOIN articles a``) and parameters of a query."""
        clauses: list[str] = []
        params: list[Any] = []
        if not query.include_duplicates:
            clauses.append("a.duplicate_of IS NULL")
        if query.type:
            clauses.append("e.type = ?")
            params.append(query.type.upper())
        if query.country:
            clauses.append("(list_contains(e.source_countries, ?) OR "
                           "list_contains(e.target_countries, ?) OR e.location_country = ?)")
            params.extend([query.country.upper()] * 3)
        if query.actor:
            clauses.append("strpos(lower(e.actor_text), lower(?)) > 0")
            params.append(query.actor)
        day = "coalesce(e.date_value, a.published)"
        if query.since:
            clauses.append(f"{day} >= ?")
            params.append(query.since)
        if query.until:
            clauses.append(f"{day} <= ?")
            params.append(query.until)
        if query.near:
            clauses.append(
                "e.location_lat IS NOT NULL AND e.location_lon IS NOT NULL AND "
                f"2 * {_EARTH_KM} * asin(least(1.0, sqrt("
                "pow(sin(radians(e.location_lat - ?) / 2), 2) + cos(radians(?)) * "
                "cos(radians(e.location_lat)) * pow(sin(radians(e.location_lon - ?) / 2), 2)"
                "))) <= ?")
            params.extend([query.near.lat, query.near.lat, query.near.lon, query.near.km])
        if query.cluster:
            clauses.append("e.cluster_id = ?")
            params.append(query.cluster)
        return (" AND ".join(clauses) if clauses else "TRUE"), params

    def read_cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor of its own for one reader thread (DuckDB connections are not shared)."""
        return self._con.cursor()

    def query(self, query: EventQuery = ALL_EVENTS) -> list[dict[str, Any]]:
        where, params = self._where(query)
        columns = ", ".join(
            "coalesce(e.date_value, a.published) AS day" if name == "day"
            else f"a.{name}" if name in _ARTICLE_QUERY_COLUMNS else f"e.{name}"
            for name in QUERY_COLUMNS)
        return self._rows(
            f"SELECT {columns} FROM events e JOIN articles a ON a.id = e.article_id {where}",
            params)

    def export_rows(self, query: EventQuery = ALL_EVENTS) -> list[dict[str, Any]]:
        """Every event column plus its article's columns and cluster counts (for exports)."""
        where, params = self._where(query)
        return self._rows(
            "WITH c AS (SELECT e2.cluster_id, count(*) AS cluster_events, "
            "count(DISTINCT e2.article_id) AS cluster_articles, "
            "count(DISTINCT coalesce(a2.outlet, a2.url, a2.id)) AS cluster_sources "
            "FROM events e2 JOIN articles a2 ON a2.id = e2.article_id GROUP BY e2.cluster_id) "
            "SELECT e.*, a.url, a.outlet, a.title, a.published, a.duplicate_of, a.tone, "
            "a.stored AS article_stored, a.text AS article_text, a.language, "
            "a.actors AS article_actors, (SELECT list(coalesce(p.name, p.text) "
            "ORDER BY p.position) FROM places p WHERE p.article_id = a.id) AS article_places, "
            "c.cluster_events, c.cluster_articles, c.cluster_sources "
            "FROM events e JOIN articles a ON a.id = e.article_id "
            f"LEFT JOIN c ON c.cluster_id = e.cluster_id {where}", params)

    def quote_rows(self, *, include_duplicates: bool = False) -> list[dict[str, Any]]:
        where = "" if include_duplicates else "WHERE a.duplicate_of IS NULL "
        return self._rows(
            "SELECT q.*, a.url, a.outlet, a.title, a.published FROM quotes q "
            f"JOIN articles a ON a.id = q.article_id {where}"
            "ORDER BY a.published NULLS LAST, q.article_id, q.position", [])

    def copy_events_to_parquet(self, out: str, query: EventQuery = ALL_EVENTS) -> int:
        """Write matching events (all event columns) with DuckDB's own Parquet writer."""
        where, params = self._where(query)
        target = out.replace("'", "''")
        select = (f"SELECT e.* FROM events e JOIN articles a ON a.id = e.article_id {where}")
        # COPY returns the number of rows it wrote
        row = self._con.execute(f"COPY ({select}) TO '{target}' (FORMAT PARQUET)",
                                params).fetchone()
        return int(row[0]) if row else 0

    def events(self, query: EventQuery = ALL_EVENTS) -> Iterator[Event]:
        where, params = self._where(query)
        for row in self._rows(
                f"SELECT e.* FROM events e JOIN articles a ON a.id = e.article_id {where}", params):
            yield _event_from_row(row)

    def article_result(self, article_id: str) -> ArticleResult | None:
        rows = self._rows("SELECT * FROM articles WHERE id = ?", [article_id])
        if not rows:
            return None
        row = rows[0]
        article = Article(
            id=row["id"], text=row["text"], url=row["url"], title=row["title"],
            outlet=row["outlet"], published=row["published"], language=row["language"],
            source=row["source"], record=row["record"], notes=tuple(row["notes"] or ()))
        events = tuple(_event_from_row(r) for r in self._rows(
            "SELECT * FROM events WHERE article_id = ? ORDER BY seq", [article_id]))
        quotes = tuple(
            Quote(r["text"], r["start_char"], r["end_char"],
                  _actor_from(json.loads(r["speaker"])) if r["speaker"] else None)
            for r in self._rows(
                "SELECT * FROM quotes WHERE article_id = ? ORDER BY position", [article_id]))
        places = tuple(
            Place(r["text"], r["start_char"], r["end_char"], r["name"], r["geonameid"],
                  r["country"], r["admin1"], r["lat"], r["lon"], r["feature"], r["reason"])
            for r in self._rows(
                "SELECT * FROM places WHERE article_id = ? ORDER BY position", [article_id]))
        failures = tuple(
            Failure(stage=r["stage"], code=r["code"], message=r["message"],
                    article_id=r["article_id"], source=r["source"], record=r["record"],
                    exc_type=r["exc_type"])
            for r in self._rows(
                "SELECT * FROM failures WHERE article_id = ? ORDER BY seq", [article_id]))
        actors = _actors_from(row["actors"])
        return ArticleResult(article=article, events=events, actors=actors, places=places,
                             quotes=quotes, failures=failures, tone=row["tone"],
                             words=row["words"] or 0)

    def failures(self) -> list[dict[str, Any]]:
        return self._rows(
            "SELECT source, record, article_id, stage, code, message, exc_type, run_id, stored "
            "FROM failures ORDER BY seq")

    def stats(self) -> dict[str, Any]:
        def scalar(sql: str) -> int:
            row = self._con.execute(sql).fetchone()
            return int(row[0]) if row and row[0] is not None else 0

        unique_events = ("FROM events e JOIN articles a ON a.id = e.article_id "
                         "WHERE a.duplicate_of IS NULL")
        by_type = self._con.execute(
            f"SELECT e.type, count(*) {unique_events} GROUP BY e.type ORDER BY 2 DESC, 1"
        ).fetchall()
        by_code = self._con.execute(
            "SELECT code, count(*) FROM failures GROUP BY code ORDER BY 2 DESC, 1").fetchall()
        last = self._con.execute(
            "SELECT id, status, started, finished FROM runs ORDER BY started DESC, id DESC LIMIT 1"
        ).fetchone()
        return {
            "articles": scalar("SELECT count(*) FROM articles"),
            "duplicates": scalar("SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL"),
            "events": scalar(f"SELECT count(*) {unique_events}"),
            "events_including_duplicates": scalar("SELECT count(*) FROM events"),
            "event_clusters": scalar(f"SELECT count(DISTINCT e.cluster_id) {unique_events}"),
            "quotes": scalar("SELECT count(*) FROM quotes"),
            "places": scalar("SELECT count(*) FROM places"),
            "failures": scalar("SELECT count(*) FROM failures"),
            "events_by_type": {event_type: count for event_type, count in by_type},
            "failures_by_code": {code: count for code, count in by_code},
            "runs": scalar("SELECT count(*) FROM runs"),
            "last_run": None if last is None else {
                "id": last[0], "status": last[1],
                "started": last[2].isoformat(timespec="seconds") if last[2] else None,
                "finished": last[3].isoformat(timespec="seconds") if last[3] else None,
            },
        }


def _is_busy(e: duckdb.Error) -> bool:
    """Another process holds the file's lock, or this process has it open another way."""
    message = str(e).lower()
    return (isinstance(e, duckdb.IOException) and "lock" in message) or (
        "same database file with a different configuration" in message) or (
        "unique file handle conflict" in message)


def _parquet_glob(folder: str | Path, table: str) -> str | None:
    """The glob of a table's Parquet files under a spark-run output; None if it has none."""
    root = Path(folder) / table
    if not any(root.glob("**/*.parquet")):
        return None
    return str(root / "**" / "*.parquet")


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class _DuckDBEngine:
    """Runs the linking SQL as DuckDB temp tables (spilled to disk past the memory limit)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con

    def materialize(self, name: str, sql: str) -> None:
        self._con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}")

    def scalar(self, sql: str) -> Any:
        row = self._con.execute(sql).fetchone()
        return row[0] if row else None

    def day_number(self, expression: str) -> str:
        return f"date_diff('day', DATE '1970-01-01', {expression})"


def _first_line(e: BaseException) -> str:
    return str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__


def _article_row(result: ArticleResult, run_id: str | None, now: dt.datetime) -> tuple[Any, ...]:
    article = result.article
    return (
        article.id, article.content_hash, article.url, article.outlet, article.title,
        article.published, article.language, article.source, article.record, result.words,
        result.tone, None, run_id, article.text, list(article.notes),
        _json(list(result.actors)), minhash(article.text), now,
    )


def _first(actors: Sequence[Actor], field: str) -> str | None:
    return getattr(actors[0], field) if actors else None


def _actor_words(actors: Sequence[Actor]) -> list[str]:
    return [word for actor in flatten_actors(actors) for word in (actor.name, actor.text) if word]


def _countries(actors: Sequence[Actor]) -> list[str]:
    return list(dict.fromkeys(a.country for a in flatten_actors(actors) if a.country))


def _event_row(event: Event, article_id: str) -> tuple[Any, ...]:
    if event.article_id != article_id:
        raise InternalError(Errors.E001.format(
            stage="store", article_id=article_id, exc_type="ValueError",
            detail=f"event {event.id} names article {event.article_id}"))
    location = event.location
    return (
        event.id, article_id, event.type, event.mode, list(event.contexts), event.cameo,
        event.quad_class, event.goldstein,
        _first(event.source, "name"), _first(event.source, "country"),
        _first(event.source, "sector"), _countries(event.source), _json(list(event.source)),
        _first(event.target, "name"), _first(event.target, "country"),
        _first(event.target, "sector"), _countries(event.target), _json(list(event.target)),
        "\n".join(_actor_words(event.source + event.target)),
        location.name if location else None, location.geonameid if location else None,
        location.country if location else None, location.admin1 if location else None,
        location.lat if location else None, location.lon if location else None,
        location.feature if location else None, _json(location),
        event.date.value, event.date.precision, event.date.text, event.date.start,
        event.date.end, event.date.reason,
        event.size.killed, event.size.injured, event.size.arrested,
        event.trigger.text, event.trigger.start, event.trigger.end,
        event.sentence.text, event.sentence.start, event.sentence.end,
        event.confidence, event.negated, event.hypothetical, _json(event.reported_by),
    )


def _quote_row(article_id: str, position: int, quote: Quote) -> tuple[Any, ...]:
    speaker = quote.speaker
    return (article_id, position, quote.text, quote.start, quote.end,
            speaker.name if speaker else None, speaker.country if speaker else None,
            speaker.sector if speaker else None, _json(speaker))


def _place_row(article_id: str, position: int, place: Place) -> tuple[Any, ...]:
    return (article_id, position, place.text, place.start, place.end, place.name,
            place.geonameid, place.country, place.admin1, place.lat, place.lon, place.feature,
            place.reason)


def _failure_row(key: str, failure: Failure, run_id: str | None,
                 now: dt.datetime) -> tuple[Any, ...]:
    return (key, failure.source, failure.record, failure.article_id, failure.stage, failure.code,
            failure.message, failure.exc_type, run_id, now)


#: The columns each engine writes per table, in order (Spark adds ``cluster_id`` to events).
TABLE_COLUMNS: Mapping[str, Sequence[str]] = {
    "articles": _ARTICLE_COLUMNS, "events": _EVENT_COLUMNS, "quotes": _QUOTE_COLUMNS,
    "places": _PLACE_COLUMNS, "failures": _FAILURE_COLUMNS,
}


def result_rows(result: ArticleResult, *, run_id: str | None,
                now: dt.datetime) -> Iterator[tuple[str, tuple[Any, ...]]]:
    """(table, row) for everything stored of one article: the rows ``write_batch`` writes."""
    article_id = result.article.id
    yield "articles", _article_row(result, run_id, now)
    for event in result.events:
        yield "events", _event_row(event, article_id)
    for position, quote in enumerate(result.quotes):
        yield "quotes", _quote_row(article_id, position, quote)
    for position, place in enumerate(result.places):
        yield "places", _place_row(article_id, position, place)
    for failure in result.failures:
        yield "failures", failure_row(failure, run_id=run_id, now=now)


def failure_row(failure: Failure, *, run_id: str | None, now: dt.datetime) -> tuple[Any, ...]:
    """The stored row of one failure (its key first)."""
    return _failure_row(failure_key(failure), failure, run_id, now)


def _actor_from(data: Mapping[str, Any]) -> Actor:
    fields = dict(data)
    fields["members"] = tuple(_actor_from(member) for member in fields.get("members", ()))
    return Actor(**fields)


def _actors_from(text: str | None) -> tuple[Actor, ...]:
    return tuple(_actor_from(a) for a in json.loads(text)) if text else ()


def _event_from_row(row: Mapping[str, Any]) -> Event:
    """Rebuild the Event a row was written from (the JSON columns keep nested records whole)."""
    location = Place(**json.loads(row["location"])) if row["location"] else None
    reported_by = _actor_from(json.loads(row["reported_by"])) if row["reported_by"] else None
    return Event(
        id=row["id"], article_id=row["article_id"], type=row["type"], mode=row["mode"],
        contexts=tuple(row["contexts"] or ()), cameo=row["cameo"], quad_class=row["quad_class"],
        goldstein=row["goldstein"], source=_actors_from(row["source_actors"]),
        target=_actors_from(row["target_actors"]),
        trigger=Span(row["trigger_text"], row["trigger_start"], row["trigger_end"]),
        sentence=Span(row["sentence_text"], row["sentence_start"], row["sentence_end"]),
        confidence=row["confidence"], negated=row["negated"], hypothetical=row["hypothetical"],
        location=location,
        date=EventDate(row["date_value"], row["date_precision"], row["date_text"],
                       row["date_start"], row["date_end"], row["date_reason"]),
        size=Size(row["killed"], row["injured"], row["arrested"]),
        reported_by=reported_by,
    )
