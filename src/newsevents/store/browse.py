"""Read-only views of a DuckDB store for the HTTP API and the dashboard.

Every read is one parameterised statement on a cursor of its own (so the
server's threads never share one), cancelled after ``timeout`` seconds;
listings are pages of at most ``MAX_PAGE`` rows walked with keyset cursors
(the sort key and ``seq`` of the last row), aggregates are computed in SQL so
the dashboard stays fast on a large store.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import duckdb

from newsevents.errors import Errors, InputError, ResourceError
from newsevents.store.base import EventQuery
from newsevents.store.duckdb import QUERY_COLUMNS, DuckDBStore

MAX_PAGE = 5000
DEFAULT_PAGE = 100
QUERY_TIMEOUT_SECONDS = 10.0

_DAY = "coalesce(e.date_value, a.published)"
_STATS_LOCK = threading.Lock()
_FROM = "FROM events e JOIN articles a ON a.id = e.article_id"


@dataclass(frozen=True)
class SortKey:
    """One way to order events: the SQL expression (nulls replaced so keysets compare)."""

    expression: str
    kind: Literal["date", "number"]
    nulls_ascending: str
    nulls_descending: str


SORT_KEYS: Mapping[str, SortKey] = {
    "date": SortKey(_DAY, "date", "DATE '9999-12-31'", "DATE '0001-01-01'"),
    "goldstein": SortKey("e.goldstein", "number", "1e9", "-1e9"),
    "killed": SortKey("e.killed", "number", "1e18", "-1"),
    "confidence": SortKey("e.confidence", "number", "1e9", "-1"),
    "seq": SortKey("e.seq", "number", "0", "0"),
}
#: Accepted ``sort`` values: a key, ascending, or ``-key``, descending.
SORT_CHOICES = tuple(name for key in SORT_KEYS for name in (key, f"-{key}"))

EVENT_LIST_COLUMNS = (*QUERY_COLUMNS, "location_feature")
INTERVALS = ("day", "week", "month")


@dataclass(frozen=True)
class Page:
    """A page of rows and the cursor of the next one (None on the last page)."""

    rows: list[dict[str, Any]]
    next_cursor: str | None


def encode_cursor(payload: Mapping[str, Any]) -> str:
    raw = json.dumps(payload, separators=(",", ":"), default=str).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(cursor: str, *, expect: str) -> dict[str, Any]:
    """The payload of a cursor this module issued for listing ``expect``; E608 otherwise."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        payload = json.loads(raw)
    except ValueError as e:
        raise InputError(Errors.E608.format(detail="not base64 JSON")) from e
    if not isinstance(payload, dict) or payload.get("for") != expect:
        raise InputError(Errors.E608.format(detail=f"not a cursor of {expect}"))
    return payload


class StoreReader:
    """The API's reads over one DuckDB store (opened read-only, usually a snapshot)."""

    def __init__(self, store: DuckDBStore, *, timeout: float = QUERY_TIMEOUT_SECONDS) -> None:
        self.store = store
        self.timeout = timeout

    # plumbing ------------------------------------------------------------------
    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cursor = self.store.read_cursor()
        timer = threading.Timer(self.timeout, cursor.interrupt)
        timer.start()
        try:
            result = cursor.execute(sql, list(params))
            names = [d[0] for d in result.description]
            return [dict(zip(names, row)) for row in result.fetchall()]
        except duckdb.InterruptException as e:
            raise ResourceError(Errors.E604.format(seconds=self.timeout)) from e
        finally:
            timer.cancel()
            cursor.close()

    def _filtered(self, query: EventQuery) -> tuple[str, list[Any]]:
        where, params = self.store.filter_sql(query)
        return f"{_FROM} WHERE {where}", params

    # events --------------------------------------------------------------------
    def events(self, query: EventQuery, *, sort: str = "date", limit: int = DEFAULT_PAGE,
               cursor: str | None = None) -> Page:
        """One page of matching events, ordered by ``sort`` then ``seq``."""
        descending = sort.startswith("-")
        key = SORT_KEYS[sort.lstrip("-")]
        nulls = key.nulls_descending if descending else key.nulls_ascending
        expression = f"coalesce({key.expression}, {nulls})"
        source, params = self._filtered(query)
        if cursor is not None:
            after = decode_cursor(cursor, expect=f"events:{sort}")
            value, seq = after.get("key"), after.get("seq")
            if not isinstance(seq, int) or not isinstance(value, (str, int, float)):
                raise InputError(Errors.E608.format(detail="its position is malformed"))
            cast = "CAST(? AS DATE)" if key.kind == "date" else "CAST(? AS DOUBLE)"
            op = "<" if descending else ">"
            source += f" AND ({expression}, e.seq) {op} ({cast}, ?)"
            params += [value, seq]
        direction = "DESC" if descending else "ASC"
        columns = ", ".join(_event_column(name) for name in EVENT_LIST_COLUMNS)
        rows = self._rows(
            f"SELECT {columns}, {expression} AS _key {source} "
            f"ORDER BY _key {direction}, e.seq {direction} LIMIT ?", [*params, limit + 1])
        more = len(rows) > limit
        rows = rows[:limit]
        keys = [row.pop("_key") for row in rows]
        next_cursor = None
        if more and rows:
            next_cursor = encode_cursor({"for": f"events:{sort}", "key": _plain(keys[-1]),
                                         "seq": rows[-1]["seq"]})
        return Page(rows, next_cursor)

    def count(self, query: EventQuery) -> int:
        source, params = self._filtered(query)
        return int(self._rows(f"SELECT count(*) AS n {source}", params)[0]["n"])

    def event(self, seq: int) -> dict[str, Any] | None:
        """One event with the evidence behind it: article, sentence spans, cluster mates."""
        rows = self._rows(
            "SELECT e.*, a.url, a.outlet, a.title, a.published, a.duplicate_of, "
            f"{_DAY} AS day {_FROM} WHERE e.seq = ?", [seq])
        if not rows:
            return None
        row = rows[0]
        event = {name: value for name, value in row.items()
                 if not name.endswith("_actors") and name not in ("location", "reported_by")}
        event["source"] = _json_list(row.get("source_actors"))
        event["target"] = _json_list(row.get("target_actors"))
        event["location"] = json.loads(row["location"]) if row.get("location") else None
        event["reported_by"] = json.loads(row["reported_by"]) if row.get("reported_by") else None
        if "mentions" in row:
            event["mentions"] = _json_list(row["mentions"]) if isinstance(
                row["mentions"], str) else row["mentions"]
        event["evidence"] = _evidence(row)
        event["cluster"] = self._cluster_articles(row)
        return event

    def _cluster_articles(self, row: Mapping[str, Any]) -> list[dict[str, Any]]:
        if not row.get("cluster_id"):
            return []
        return self._rows(
            "SELECT e.seq, e.article_id, a.title, a.outlet, a.url, a.published, "
            f"a.duplicate_of, e.trigger_text, {_DAY} AS day {_FROM} "
            "WHERE e.cluster_id = ? AND e.seq <> ? ORDER BY a.published NULLS LAST, e.seq "
            "LIMIT 200", [row["cluster_id"], row["seq"]])

    # aggregates ----------------------------------------------------------------
    def timeline(self, query: EventQuery, *, interval: str = "day") -> list[dict[str, Any]]:
        """Event counts per period (``day``/``week``/``month``) and type."""
        if interval not in INTERVALS:
            raise InputError(Errors.E600.format(
                parameter="interval", detail=f"use one of {', '.join(INTERVALS)}"))
        source, params = self._filtered(query)
        return self._rows(
            f"SELECT CAST(date_trunc('{interval}', {_DAY}) AS DATE) AS period, e.type, "
            f"count(*) AS events {source} AND {_DAY} IS NOT NULL "
            "GROUP BY ALL ORDER BY period, e.type", params)

    def map_counts(self, query: EventQuery, *, limit: int = 2000) -> dict[str, Any]:
        """Counts by located place (with QuadClass counts) and by location country."""
        source, params = self._filtered(query)
        quads = ", ".join(f"count(*) FILTER (WHERE e.quad_class = {q}) AS q{q}"
                          for q in (1, 2, 3, 4))
        places = self._rows(
            "SELECT any_value(e.location_name) AS name, e.location_country AS country, "
            "round(e.location_lat, 3) AS lat, round(e.location_lon, 3) AS lon, "
            f"count(*) AS events, {quads} {source} AND e.location_lat IS NOT NULL "
            "AND e.location_lon IS NOT NULL GROUP BY e.location_country, "
            "round(e.location_lat, 3), round(e.location_lon, 3) "
            "ORDER BY events DESC, name LIMIT ?", [*params, limit])
        countries = self._rows(
            f"SELECT e.location_country AS country, count(*) AS events, {quads} {source} "
            "AND e.location_country IS NOT NULL GROUP BY e.location_country "
            "ORDER BY events DESC, country", params)
        return {"places": [_with_quad(r) for r in places],
                "countries": [_with_quad(r) for r in countries]}

    def dyads(self, query: EventQuery, *, limit: int = 20) -> list[dict[str, Any]]:
        """The most frequent (source country → target country) pairs."""
        source, params = self._filtered(query)
        return self._rows(
            "SELECT e.source_country AS source, e.target_country AS target, count(*) AS events, "
            "avg(e.goldstein) AS mean_goldstein, mode(e.type) AS top_type "
            f"{source} AND e.source_country IS NOT NULL AND e.target_country IS NOT NULL "
            "GROUP BY ALL ORDER BY events DESC, source, target LIMIT ?", [*params, limit])

    def clusters(self, query: EventQuery, *, limit: int = DEFAULT_PAGE,
                 cursor: str | None = None) -> Page:
        """Event clusters, largest first: size, articles, outlets, type, dates, place."""
        source, params = self._filtered(query)
        offset = 0
        if cursor is not None:
            offset = decode_cursor(cursor, expect="clusters").get("offset", 0)
            if not isinstance(offset, int) or offset < 0:
                raise InputError(Errors.E608.format(detail="its offset is malformed"))
        rows = self._rows(
            "SELECT e.cluster_id, count(*) AS events, count(DISTINCT e.article_id) AS articles, "
            "count(DISTINCT coalesce(a.outlet, a.url, a.id)) AS sources, mode(e.type) AS type, "
            f"min({_DAY}) AS first_day, max({_DAY}) AS last_day, "
            "mode(e.location_name) AS location_name, mode(e.location_country) AS country, "
            f"min(e.seq) AS first_seq {source} AND e.cluster_id IS NOT NULL "
            "GROUP BY e.cluster_id ORDER BY events DESC, first_seq LIMIT ? OFFSET ?",
            [*params, limit + 1, offset])
        next_cursor = (encode_cursor({"for": "clusters", "offset": offset + limit})
                       if len(rows) > limit else None)
        return Page(rows[:limit], next_cursor)

    # articles, failures, runs, stats ---------------------------------------------
    def articles(self, *, include_duplicates: bool = False, limit: int = DEFAULT_PAGE,
                 cursor: str | None = None) -> Page:
        """Stored articles, newest stored first, with their event counts (no text)."""
        clauses, params = ["TRUE"], []
        if not include_duplicates:
            clauses.append("a.duplicate_of IS NULL")
        if cursor is not None:
            after = decode_cursor(cursor, expect="articles")
            if not isinstance(after.get("stored"), str) or not isinstance(after.get("id"), str):
                raise InputError(Errors.E608.format(detail="its position is malformed"))
            clauses.append("(a.stored, a.id) < (CAST(? AS TIMESTAMP), ?)")
            params += [after["stored"], after["id"]]
        rows = self._rows(
            "SELECT a.id, a.title, a.outlet, a.url, a.published, a.language, a.words, a.tone, "
            "a.duplicate_of, a.source, a.record, a.run_id, a.stored, "
            "(SELECT count(*) FROM events e WHERE e.article_id = a.id) AS events "
            f"FROM articles a WHERE {' AND '.join(clauses)} "
            "ORDER BY a.stored DESC, a.id DESC LIMIT ?", [*params, limit + 1])
        next_cursor = None
        if len(rows) > limit:
            last = rows[limit - 1]
            next_cursor = encode_cursor({"for": "articles", "stored": last["stored"].isoformat(),
                                         "id": last["id"]})
        return Page(rows[:limit], next_cursor)

    def article(self, article_id: str) -> dict[str, Any] | None:
        """One article with its text, its events' evidence offsets, quotes and places."""
        rows = self._rows(
            "SELECT id, title, outlet, url, published, language, words, tone, duplicate_of, "
            "source, record, run_id, stored, notes, text FROM articles WHERE id = ?",
            [article_id])
        if not rows:
            return None
        article = rows[0]
        article["events"] = self._rows(
            "SELECT seq, id, type, cameo, quad_class, trigger_text, trigger_start, trigger_end, "
            "sentence_start, sentence_end, cluster_id FROM events WHERE article_id = ? "
            "ORDER BY seq", [article_id])
        article["quotes"] = self._rows(
            "SELECT text, start_char, end_char, speaker_name, speaker_country FROM quotes "
            "WHERE article_id = ? ORDER BY position", [article_id])
        article["places"] = self._rows(
            "SELECT text, start_char, end_char, name, country, lat, lon, feature, reason "
            "FROM places WHERE article_id = ? ORDER BY position", [article_id])
        article["copies"] = self._rows(
            "SELECT id, title, outlet, url FROM articles WHERE duplicate_of = ? ORDER BY id",
            [article_id])
        return article

    def failures(self, *, code: str | None = None, limit: int = DEFAULT_PAGE,
                 cursor: str | None = None) -> Page:
        """Failure rows in the order they were stored."""
        clauses, params = ["TRUE"], []
        if code:
            clauses.append("code = ?")
            params.append(code.upper())
        if cursor is not None:
            after = decode_cursor(cursor, expect="failures").get("seq")
            if not isinstance(after, int):
                raise InputError(Errors.E608.format(detail="its position is malformed"))
            clauses.append("seq > ?")
            params.append(after)
        rows = self._rows(
            "SELECT seq, source, record, article_id, stage, code, message, exc_type, run_id, "
            f"stored FROM failures WHERE {' AND '.join(clauses)} ORDER BY seq LIMIT ?",
            [*params, limit + 1])
        next_cursor = (encode_cursor({"for": "failures", "seq": rows[limit - 1]["seq"]})
                       if len(rows) > limit else None)
        return Page(rows[:limit], next_cursor)

    def runs(self, *, limit: int = DEFAULT_PAGE) -> list[dict[str, Any]]:
        """The newest runs first, with their counts."""
        rows = self._rows("SELECT * FROM runs ORDER BY started DESC, id DESC LIMIT ?", [limit])
        for row in rows:
            for name in ("inputs", "options", "counts"):
                row[name] = json.loads(row[name]) if row[name] else None
        return rows

    def stats(self) -> dict[str, Any]:
        """The store's counts (as ``newsevents stats``) and the span of event days."""
        with _STATS_LOCK:  # DuckDBStore.stats reads on the store's own connection
            counts = self.store.stats()
        span = self._rows(f"SELECT min({_DAY}) AS first_day, max({_DAY}) AS last_day {_FROM} "
                          "WHERE a.duplicate_of IS NULL")[0]
        return {**counts, **span}


def _event_column(name: str) -> str:
    if name == "day":
        return f"{_DAY} AS day"
    if name in ("url", "outlet", "title", "published", "duplicate_of"):
        return f"a.{name}"
    return f"e.{name}"


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _json_list(text: str | None) -> list[Any]:
    return json.loads(text) if text else []


def _with_quad(row: dict[str, Any]) -> dict[str, Any]:
    counts = {q: row.pop(f"q{q}") for q in (1, 2, 3, 4)}
    row["by_quad_class"] = {str(q): n for q, n in counts.items()}
    row["quad_class"] = max(counts, key=lambda q: (counts[q], -q)) if any(
        counts.values()) else None
    return row


def _evidence(row: Mapping[str, Any]) -> dict[str, Any]:
    """The sentence and the spans inside it (offsets relative to the sentence)."""
    sentence = row.get("sentence_text") or ""
    start = row.get("sentence_start") or 0
    spans: list[dict[str, Any]] = []

    def add(kind: str, text: str | None, begin: int | None, end: int | None) -> None:
        if text is None or begin is None or end is None:
            return
        if start <= begin and end <= start + len(sentence):
            spans.append({"kind": kind, "text": text, "start": begin - start, "end": end - start})

    add("trigger", row.get("trigger_text"), row.get("trigger_start"), row.get("trigger_end"))
    for role in ("source", "target"):
        for actor in _json_list(row.get(f"{role}_actors")):
            add(role, actor.get("text"), actor.get("start"), actor.get("end"))
    location = json.loads(row["location"]) if row.get("location") else None
    if location:
        add("place", location.get("text"), location.get("start"), location.get("end"))
    add("date", row.get("date_text"), row.get("date_start"), row.get("date_end"))
    spans.sort(key=lambda span: (span["start"], -span["end"]))
    return {"sentence": sentence, "sentence_start": start, "spans": spans,
            "article": {"id": row.get("article_id"), "title": row.get("title"),
                        "outlet": row.get("outlet"), "url": row.get("url"),
                        "published": row.get("published")}}
