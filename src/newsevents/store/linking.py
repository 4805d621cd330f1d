"""Syndicated-copy linking and event clustering written once as SQL, run by any engine.

The algorithms of :mod:`newsevents.stages.dedupe` (``link_duplicates`` and
``cluster_events``) restated as a sequence of SQL steps, one SQL text per
step, in the way splink writes record linkage: every step reads tables made
by earlier steps and is *materialised* by the engine (a DuckDB temp table, a
checkpointed Spark view), so nothing is pulled into Python and memory stays
with the engine. Only the engine-specific bits are abstracted
(:class:`SqlEngine`): how a step is materialised, how one number is read back,
and how a date becomes a day number. Both engines give the same answers as
the pure-Python functions (tests/store/test_dedupe.py checks it).

Inputs, as tables or views the caller provides:

``link_articles(id, published, minhash)``
    one row per article; ``minhash`` the signature blob (empty: no words).
``cluster_keys(article_id, id, type, source_country, target_country, day, lat, lon, country)``
    one row per event; ``day`` the event date or, failing that, the article's.

Outputs: ``ne_links(id, duplicate_of)`` (copies only) and
``ne_clusters(article_id, id, cluster_id)`` (every event).

Connected components are label propagation to a fixpoint: every node starts
with its own key as label and takes the smallest label among its neighbours
until no label changes; the smallest node of a component names it.
"""

from __future__ import annotations

import math
from typing import Any, Protocol

from newsevents.errors import Errors, InternalError
from newsevents.kb.gazetteer import EARTH_RADIUS_KM
from newsevents.stages.dedupe import BANDS, BAND_ROWS, DUPLICATE_THRESHOLD, NUM_PERM

#: How many propagation rounds may pass before the algorithm gives up (a bug, not data).
MAX_ROUNDS = 10_000
_HEX_PER_VALUE = 8  # one uint32 of the signature is 8 hex digits
_SEPARATOR = "chr(31)"  # joins article and event id, as "\x1f".join does in Python


class SqlEngine(Protocol):
    """What a backend provides to run the linking SQL."""

    def materialize(self, name: str, sql: str) -> None:
        """Make (or replace) table ``name`` holding the result of ``sql``."""

    def scalar(self, sql: str) -> Any:
        """The single value ``sql`` returns."""

    def day_number(self, expression: str) -> str:
        """SQL for the days since 1970-01-01 of the date ``expression``."""


def _values(name: str, rows: list[tuple[int, ...]], columns: tuple[str, ...]) -> str:
    body = ", ".join("(" + ", ".join(str(v) for v in row) + ")" for row in rows)
    return f"SELECT * FROM (VALUES {body}) AS {name}({', '.join(columns)})"


def link_copies(engine: SqlEngine, *, threshold: float = DUPLICATE_THRESHOLD) -> None:
    """Materialise ``ne_links``: each near-duplicate article and its group's canonical one."""
    width = 2 * 4 * BAND_ROWS  # hex digits per LSH band
    engine.materialize("ne_bands", _values("b", [(b,) for b in range(BANDS)], ("band",)))
    engine.materialize("ne_positions", _values("p", [(p,) for p in range(NUM_PERM)], ("pos",)))
    engine.materialize("ne_signatures", (
        "SELECT id, published, hex(minhash) AS sig FROM link_articles "
        f"WHERE minhash IS NOT NULL AND length(hex(minhash)) = {NUM_PERM * _HEX_PER_VALUE}"))
    engine.materialize("ne_band_keys", (
        f"SELECT s.id, b.band, substring(s.sig, b.band * {width} + 1, {width}) AS bucket "
        "FROM ne_signatures s CROSS JOIN ne_bands b"))
    engine.materialize("ne_candidates", (
        "SELECT DISTINCT l.id AS left_node, r.id AS right_node FROM ne_band_keys l "
        "JOIN ne_band_keys r ON r.band = l.band AND r.bucket = l.bucket AND l.id < r.id"))
    step = _HEX_PER_VALUE
    engine.materialize("ne_edges", (
        "SELECT c.left_node, c.right_node FROM ne_candidates c "
        "JOIN ne_signatures l ON l.id = c.left_node JOIN ne_signatures r ON r.id = c.right_node "
        "CROSS JOIN ne_positions p GROUP BY c.left_node, c.right_node "
        f"HAVING CAST(sum(CASE WHEN substring(l.sig, p.pos * {step} + 1, {step}) = "
        f"substring(r.sig, p.pos * {step} + 1, {step}) THEN 1 ELSE 0 END) AS DOUBLE) "
        f"/ {NUM_PERM} >= {float(threshold)!r}"))
    engine.materialize("ne_nodes", (
        "SELECT left_node AS node FROM ne_edges UNION SELECT right_node FROM ne_edges"))
    _components(engine)
    engine.materialize("ne_links", (
        "WITH ranked AS (SELECT c.node AS id, c.label, row_number() OVER ("
        "PARTITION BY c.label ORDER BY s.published ASC NULLS LAST, c.node) AS rank "
        "FROM ne_components c JOIN ne_signatures s ON s.id = c.node) "
        "SELECT m.id, k.id AS duplicate_of FROM ranked m "
        "JOIN ranked k ON k.label = m.label AND k.rank = 1 WHERE m.rank > 1"))


def cluster(engine: SqlEngine, *, max_km: float = 50.0) -> None:
    """Materialise ``ne_clusters``: a cluster id for every event of ``cluster_keys``.

    Blocking keys are (type, source country, target country), the day number
    and, for events with a point, a latitude row as tall as ``max_km``: two
    events within ``max_km`` lie in the same or neighbouring rows, so the
    join compares only neighbouring (day, row) blocks and the exact distance
    decides. Events without a point match on their country instead.
    """
    row_degrees = max_km / (EARTH_RADIUS_KM * math.pi / 180.0) * (1 + 1e-9)
    node = f"article_id || {_SEPARATOR} || id"
    engine.materialize("ne_offsets", _values(
        "o", [(d, r) for d in (-1, 0, 1) for r in (-1, 0, 1)], ("days", "rows")))
    engine.materialize("ne_keys", (
        f"SELECT {node} AS node, type || {_SEPARATOR} || coalesce(source_country, '') || "
        f"{_SEPARATOR} || coalesce(target_country, '') AS block, "
        f"{engine.day_number('day')} AS day_number, lat, lon, country, "
        "CASE WHEN lat IS NOT NULL AND lon IS NOT NULL "
        f"THEN CAST(floor(lat / {row_degrees!r}) AS BIGINT) END AS lat_row "
        "FROM cluster_keys WHERE day IS NOT NULL"))
    haversine = (
        f"2 * {EARTH_RADIUS_KM!r} * asin(least(1.0, sqrt("
        "pow(sin((radians(r.lat) - radians(l.lat)) / 2), 2) + "
        "cos(radians(l.lat)) * cos(radians(r.lat)) * pow(sin(radians(r.lon - l.lon) / 2), 2))))")
    engine.materialize("ne_edges", (
        "SELECT l.node AS left_node, r.node AS right_node FROM ne_keys l CROSS JOIN ne_offsets o "
        "JOIN ne_keys r ON r.block = l.block AND r.day_number = l.day_number + o.days "
        "AND r.lat_row = l.lat_row + o.rows AND l.node < r.node "
        f"WHERE {haversine} <= {float(max_km)!r} "
        "UNION "
        "SELECT l.node, r.node FROM ne_keys l CROSS JOIN ne_offsets o "
        "JOIN ne_keys r ON r.block = l.block AND r.country = l.country "
        "AND r.day_number = l.day_number + o.days AND l.node < r.node "
        "WHERE o.rows = 0 AND l.lat_row IS NULL AND r.lat_row IS NULL"))
    engine.materialize("ne_nodes", f"SELECT DISTINCT {node} AS node FROM cluster_keys")
    _components(engine)
    engine.materialize("ne_clusters", (
        f"SELECT k.article_id, k.id, 'c' || substring(sha1(c.label), 1, 16) AS cluster_id "
        f"FROM cluster_keys k JOIN ne_components c ON c.node = {node}"))


def _components(engine: SqlEngine) -> None:
    """Materialise ``ne_components(node, label)`` from ``ne_nodes`` and ``ne_edges``."""
    engine.materialize("ne_neighbours", (
        "SELECT left_node AS node, right_node AS other FROM ne_edges "
        "UNION SELECT right_node, left_node FROM ne_edges"))
    engine.materialize("ne_components", "SELECT node, node AS label FROM ne_nodes")
    for _ in range(MAX_ROUNDS):
        engine.materialize("ne_next", (
            "SELECT c.node, least(c.label, coalesce(min(o.label), c.label)) AS label "
            "FROM ne_components c LEFT JOIN ne_neighbours n ON n.node = c.node "
            "LEFT JOIN ne_components o ON o.node = n.other GROUP BY c.node, c.label"))
        changed = engine.scalar(
            "SELECT count(*) FROM ne_next x JOIN ne_components c ON c.node = x.node "
            "WHERE x.label <> c.label")
        engine.materialize("ne_components", "SELECT node, label FROM ne_next")
        if not changed:
            return
    raise InternalError(Errors.E311.format(rounds=MAX_ROUNDS))
