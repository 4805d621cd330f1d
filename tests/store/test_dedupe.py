"""Syndicated-copy linking and cross-article event clustering."""

from __future__ import annotations

import dataclasses
import datetime as dt

from _factories import OSGILIATH, make_result, story_text
from hypothesis import given, settings
from hypothesis import strategies as st

from newsevents.stages.dedupe import (
    EventKey,
    Fingerprint,
    cluster_events,
    fingerprint,
    link_duplicates,
    minhash,
    similarity,
)
from newsevents.kb.gazetteer import haversine_km
from newsevents.store import DuckDBStore, EventQuery
from newsevents.store.linking import cluster, link_copies
from newsevents.types import Article

WIRE = story_text(42, words=300)


def _copy(text: str, *, prefix: str = "", replace: tuple[str, str] | None = None,
          cut: int = 0) -> str:
    words = text.split()
    if cut:
        words = words[:-cut]
    edited = " ".join(words)
    if replace:
        edited = edited.replace(*replace, 1)
    return prefix + edited


def test_dedupe_similarity_of_edited_copy_is_high() -> None:
    copy = _copy(WIRE, prefix="MINAS TIRITH (Wire) - ", replace=("Gondor", "Gondor's"), cut=20)
    assert similarity(minhash(WIRE), minhash(copy)) >= 0.6
    assert similarity(minhash(WIRE), minhash(story_text(43, words=300))) < 0.1
    assert minhash("") == b""
    assert similarity(b"", minhash(WIRE)) == 0.0


def test_dedupe_links_copies_to_earliest_article() -> None:
    original = Article("wire", WIRE, published=dt.date(2024, 3, 1))
    copy = Article("outlet-b", _copy(WIRE, prefix="By staff. ", cut=10),
                   published=dt.date(2024, 3, 2))
    undated = Article("outlet-c", _copy(WIRE, replace=("river", "stream")))
    other = Article("other", story_text(7, words=300), published=dt.date(2024, 1, 1))
    links = link_duplicates(fingerprint(a) for a in (copy, undated, original, other))
    assert links == {"outlet-b": "wire", "outlet-c": "wire"}


@st.composite
def _fingerprint_sets(draw):  # type: ignore[no-untyped-def]
    stories = draw(st.lists(st.integers(0, 5), min_size=1, max_size=8))
    prints = []
    for index, story in enumerate(stories):
        text = _copy(story_text(story, words=80), cut=draw(st.integers(0, 30)),
                     prefix=draw(st.sampled_from(["", "Update: ", "Wire - "])))
        published = draw(st.one_of(st.none(), st.dates(dt.date(2024, 1, 1),
                                                       dt.date(2024, 1, 3))))
        prints.append(Fingerprint(f"id{index}", published, minhash(text)))
    return prints


@settings(max_examples=60, deadline=None)
@given(prints=_fingerprint_sets(), data=st.data())
def test_dedupe_links_are_order_independent(prints: list[Fingerprint],
                                            data: st.DataObject) -> None:
    shuffled = data.draw(st.permutations(prints))
    links = link_duplicates(prints)
    assert link_duplicates(shuffled) == links
    assert all(target not in links for target in links.values())


_event_keys = st.builds(
    EventKey,
    article_id=st.sampled_from(["a", "b", "c", "d"]),
    event_id=st.sampled_from(["e0", "e1", "e2"]),
    type=st.sampled_from(["ASSAULT", "PROTEST"]),
    source_country=st.sampled_from([None, "ARN"]),
    target_country=st.sampled_from([None, "GON"]),
    date=st.one_of(st.none(), st.dates(dt.date(2024, 1, 1), dt.date(2024, 1, 5))),
    lat=st.one_of(st.none(), st.floats(47.0, 47.6)),
    lon=st.just(30.0),
    country=st.sampled_from([None, "GON"]),
)


@settings(max_examples=80, deadline=None)
@given(keys=st.lists(_event_keys, max_size=12, unique_by=lambda k: (k.article_id, k.event_id)),
       data=st.data())
def test_dedupe_event_clusters_are_order_independent(keys: list[EventKey],
                                                     data: st.DataObject) -> None:
    clusters = cluster_events(keys)
    assert cluster_events(data.draw(st.permutations(keys))) == clusters
    assert cluster_events(keys) == clusters
    assert set(clusters) == {(k.article_id, k.event_id) for k in keys}


def _brute_force_clusters(keys: list[EventKey], max_km: float) -> set[frozenset]:  # type: ignore[type-arg]
    def match(a: EventKey, b: EventKey) -> bool:
        if (a.type, a.source_country, a.target_country) != (b.type, b.source_country,
                                                              b.target_country):
            return False
        if a.date is None or b.date is None or abs((a.date - b.date).days) > 1:
            return False
        a_point, b_point = a.lat is not None, b.lat is not None
        if a_point and b_point:
            return haversine_km(a.lat, a.lon, b.lat, b.lon) <= max_km  # type: ignore[arg-type]
        return not a_point and not b_point and a.country is not None and a.country == b.country

    component = {k: {k} for k in keys}
    for a in keys:
        for b in keys:
            if a is not b and match(a, b) and component[a] is not component[b]:
                merged = component[a] | component[b]
                for member in merged:
                    component[member] = merged
    return {frozenset((k.article_id, k.event_id) for k in c) for c in component.values()}


_spread_keys = st.builds(
    EventKey,
    article_id=st.sampled_from(["a", "b", "c", "d", "e", "f"]),
    event_id=st.sampled_from(["e0", "e1", "e2"]),
    type=st.just("ASSAULT"),
    source_country=st.just("ARN"),
    target_country=st.sampled_from([None, "GON"]),
    date=st.dates(dt.date(2024, 1, 1), dt.date(2024, 1, 4)),
    lat=st.one_of(st.none(), st.floats(59.0, 61.0)),
    lon=st.floats(-1.5, 1.5),
    country=st.sampled_from([None, "GON"]),
)


@settings(max_examples=150, deadline=None)
@given(keys=st.lists(_spread_keys, max_size=14, unique_by=lambda k: (k.article_id, k.event_id)))
def test_dedupe_event_clusters_match_brute_force(keys: list[EventKey]) -> None:
    clusters = cluster_events(keys)
    grouped: dict[str, set[tuple[str, str]]] = {}
    for node, cluster_id in clusters.items():
        grouped.setdefault(cluster_id, set()).add(node)
    assert {frozenset(g) for g in grouped.values()} == _brute_force_clusters(keys, 50.0)


def test_dedupe_event_clusters_scale() -> None:
    crowd = [EventKey(f"a{i}", "e0", "ASSAULT", "ARN", "GON", dt.date(2024, 1, 1 + i % 3),
                      47.0 + (i % 50) * 0.001, 30.0, "GON") for i in range(20_000)]
    clusters = cluster_events(crowd)
    assert len(set(clusters.values())) == 1


def _key(article: str, *, day: int = 1, lat: float | None = 47.0,
         country: str | None = "GON", event_type: str = "ASSAULT") -> EventKey:
    return EventKey(article, "e0", event_type, "ARN", "GON", dt.date(2024, 1, day), lat,
                    30.0 if lat is not None else None, country)


def test_dedupe_event_cluster_rules() -> None:
    clusters = cluster_events([
        _key("a"), _key("b", day=2, lat=47.3),       # a day apart, ~33 km: same
        _key("c", day=4),                             # three days later: not the same
        _key("d", lat=49.0),                          # ~220 km away: not the same
        _key("e", lat=None), _key("f", lat=None, day=2),  # no point, same country: same
        _key("g", event_type="PROTEST"),              # another type
        _key("h", lat=None, country=None),            # nowhere: alone
    ])
    cluster = {article: clusters[(article, "e0")] for article in "abcdefgh"}
    assert cluster["a"] == cluster["b"]
    assert cluster["e"] == cluster["f"]
    assert len({cluster[x] for x in "acdegh"}) == 6


def test_dedupe_event_cluster_merges_repeated_mention_in_one_article() -> None:
    first = _key("a")
    second = dataclasses.replace(first, event_id="e1")
    other_day = dataclasses.replace(first, event_id="e2", date=dt.date(2024, 1, 9))
    clusters = cluster_events([first, second, other_day])
    assert clusters[("a", "e0")] == clusters[("a", "e1")] != clusters[("a", "e2")]


def _wire_results():  # type: ignore[no-untyped-def]
    original = make_result(1, text=WIRE, published=dt.date(2024, 3, 1), outlet="Wire")
    copy = make_result(2, text=_copy(WIRE, prefix="BREE - ", cut=15),
                       published=dt.date(2024, 3, 2), outlet="Bree Herald")
    other = make_result(3, outlet="Rohan Times")
    return [original, copy, other]


def _state(store: DuckDBStore) -> list[tuple]:  # type: ignore[type-arg]
    links = store._con.execute(
        "SELECT id, duplicate_of FROM articles ORDER BY id").fetchall()
    clusters = store._con.execute(
        "SELECT article_id, id, cluster_id FROM events ORDER BY article_id, id").fetchall()
    return links + clusters


def test_dedupe_store_links_and_hides_copies() -> None:
    with DuckDBStore(":memory:") as store:
        store.write_batch(_wire_results())
        outcome = store.dedupe()
        assert (outcome.duplicates, outcome.links_changed) == (1, 1)
        stats = store.stats()
        assert (stats["articles"], stats["duplicates"]) == (3, 1)
        assert stats["events"] == 4
        assert stats["events_including_duplicates"] == 6
        assert {r["article_id"] for r in store.query()} == {"a0001", "a0003"}
        assert len(store.query(EventQuery(include_duplicates=True))) == 6
        rows = store.query(EventQuery(include_duplicates=True))
        copy_rows = [r for r in rows if r["article_id"] == "a0002"]
        assert {r["duplicate_of"] for r in copy_rows} == {"a0001"}
        # same type, actors, place and day everywhere: one cluster
        assert len({r["cluster_id"] for r in rows}) == 1
        assert store.dedupe().links_changed == 0


def test_dedupe_store_is_idempotent_and_order_independent() -> None:
    results = _wire_results()
    states = []
    for order in (results, results[::-1], [results[1], results[2], results[0]]):
        with DuckDBStore(":memory:") as store:
            for result in order:
                store.write(result)
                store.dedupe()
            first = _state(store)
            store.dedupe()
            assert _state(store) == first
            states.append(first)
    assert states[0] == states[1] == states[2]


def test_dedupe_store_clusters_events_across_articles() -> None:
    first = make_result(1)
    second = make_result(2, outlet="Rohan Times")
    moved = dataclasses.replace(
        OSGILIATH, lat=OSGILIATH.lat + 5)
    third = make_result(3)
    third = dataclasses.replace(third, events=tuple(
        dataclasses.replace(e, location=moved) for e in third.events))
    with DuckDBStore(":memory:") as store:
        store.write_batch([first, second, third])
        store.dedupe()
        rows = {(r["article_id"], r["id"]): r["cluster_id"] for r in store.query()}
    assert rows[("a0001", "a0001-e0")] == rows[("a0002", "a0002-e0")]
    assert rows[("a0001", "a0001-e0")] != rows[("a0003", "a0003-e0")]


def _sql_engine():  # type: ignore[no-untyped-def]
    import duckdb

    from newsevents.store.duckdb import _DuckDBEngine

    con = duckdb.connect()
    return con, _DuckDBEngine(con)


def _sql_clusters(keys: list[EventKey]) -> dict[tuple[str, str], str]:
    con, engine = _sql_engine()
    con.execute("CREATE TABLE cluster_keys (article_id VARCHAR, id VARCHAR, type VARCHAR, "
                "source_country VARCHAR, target_country VARCHAR, day DATE, lat DOUBLE, "
                "lon DOUBLE, country VARCHAR)")
    if keys:
        con.executemany("INSERT INTO cluster_keys VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [dataclasses.astuple(k) for k in keys])
    cluster(engine)
    return {(a, e): c for a, e, c in con.execute("SELECT * FROM ne_clusters").fetchall()}


def _sql_links(prints: list[Fingerprint]) -> dict[str, str]:
    con, engine = _sql_engine()
    con.execute("CREATE TABLE link_articles (id VARCHAR, published DATE, minhash BLOB)")
    if prints:
        con.executemany("INSERT INTO link_articles VALUES (?, ?, ?)",
                        [(p.article_id, p.published, p.signature) for p in prints])
    link_copies(engine)
    return dict(con.execute("SELECT id, duplicate_of FROM ne_links").fetchall())


@settings(max_examples=60, deadline=None)
@given(keys=st.lists(_spread_keys, max_size=14, unique_by=lambda k: (k.article_id, k.event_id)))
def test_dedupe_sql_clusters_equal_python(keys: list[EventKey]) -> None:
    assert _sql_clusters(keys) == cluster_events(keys)


@settings(max_examples=40, deadline=None)
@given(prints=_fingerprint_sets())
def test_dedupe_sql_links_equal_python(prints: list[Fingerprint]) -> None:
    assert _sql_links(prints) == link_duplicates(prints)


def test_dedupe_sql_rules_equal_python() -> None:
    keys = [_key("a"), _key("b", day=2, lat=47.3), _key("c", day=4), _key("d", lat=49.0),
            _key("e", lat=None), _key("f", lat=None, day=2), _key("g", event_type="PROTEST"),
            _key("h", lat=None, country=None)]
    assert _sql_clusters(keys) == cluster_events(keys)
