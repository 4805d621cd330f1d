"""DuckDBStore: round trips, exactly-once writes, queries and stats."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time

import pytest
from _factories import ARNOR, OSGILIATH, make_event, make_result, story_text
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsevents.errors import InputError, ResourceError
from newsevents.store import DuckDBStore, EventQuery, Near, parse_near
from newsevents.types import Actor, ArticleResult, Failure, Place


@pytest.fixture
def store():  # type: ignore[no-untyped-def]
    with DuckDBStore(":memory:") as opened:
        yield opened


def test_duckdb_round_trip_article_result(store: DuckDBStore) -> None:
    result = make_result(1, url="https://example.org/1")
    store.write(result)
    assert store.article_result("a0001") == result
    assert list(store.events()) == list(result.events)
    assert store.article_result("missing") is None


def test_duckdb_round_trip_nested_actors_and_unknowns(store: DuckDBStore) -> None:
    base = make_result(2)
    compound = Actor("Arnor and Gondor envoys", 0, 23, None, None, "GOV", "compound",
                     members=(ARNOR, Actor("Gondor", 10, 16, "Gondor", "GON", None, "country")),
                     reason="compound")
    event = dataclasses.replace(
        make_event(base.article, 0, day=None, location=None, cameo=None),
        source=(compound,), target=(), reported_by=ARNOR, negated=True, hypothetical=True,
        mode=None, quad_class=None, goldstein=None)
    result = dataclasses.replace(base, events=(event,), tone=None, quotes=())
    store.write(result)
    assert store.article_result("a0002") == result


_names = st.one_of(st.none(), st.text(max_size=12))
_actors = st.builds(Actor, text=st.text(max_size=12), start=st.integers(0, 99),
                    end=st.integers(0, 99), name=_names, country=_names, sector=_names,
                    kind=st.sampled_from(["country", "person", "group"]), role=_names)
_places = st.builds(Place, text=st.text(max_size=12), start=st.integers(0, 99),
                    end=st.integers(0, 99), name=_names,
                    geonameid=st.one_of(st.none(), st.integers(1, 10**7)), country=_names,
                    admin1=_names,
                    lat=st.one_of(st.none(), st.floats(-90, 90)),
                    lon=st.one_of(st.none(), st.floats(-180, 180)),
                    feature=st.sampled_from([None, "city", "country"]), reason=_names)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(min_size=1, max_size=200), title=_names, source=st.lists(_actors, max_size=3),
       location=st.one_of(st.none(), _places), goldstein=st.floats(-10, 10),
       contexts=st.lists(st.text(max_size=8), max_size=3),
       day=st.one_of(st.none(), st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1))))
def test_duckdb_round_trip_property(text: str, title: str | None, source: list[Actor],
                                    location: Place | None, goldstein: float,
                                    contexts: list[str], day: dt.date | None) -> None:
    base = make_result(3, text=text)
    article = dataclasses.replace(base.article, title=title)
    event = dataclasses.replace(
        make_event(article, 0, day=day, location=location, source=tuple(source)),
        goldstein=goldstein, contexts=tuple(contexts))
    result = dataclasses.replace(base, article=article, events=(event,),
                                 places=(location,) if location else ())
    with DuckDBStore(":memory:") as fresh:
        fresh.write(result)
        assert fresh.article_result(article.id) == result


def test_duckdb_write_twice_adds_nothing(store: DuckDBStore) -> None:
    failure = Failure(stage="ingest", code="E101", message="bad", source="in.jsonl", record=7)
    first = store.write_batch([make_result(1), make_result(2)], failures=[failure])
    again = store.write_batch([make_result(1), make_result(2)], failures=[failure])
    assert (first.stored, first.skipped, first.events, first.failures) == (2, 0, 4, 1)
    assert (again.stored, again.skipped, again.events, again.failures) == (0, 2, 0, 0)
    stats = store.stats()
    assert (stats["articles"], stats["events"], stats["failures"]) == (2, 4, 1)


def test_duckdb_same_text_or_url_is_one_article(store: DuckDBStore) -> None:
    first = make_result(1, url="https://example.org/story")
    respaced = dataclasses.replace(
        make_result(2), article=dataclasses.replace(
            make_result(2).article, text="  " + first.article.text.replace(" ", "\n ")))
    same_url = make_result(3, url="https://example.org/story")
    outcome = store.write_batch([first, respaced, same_url])
    assert (outcome.stored, outcome.skipped) == (1, 2)


def test_duckdb_same_id_different_text_is_failure_row(store: DuckDBStore) -> None:
    store.write(make_result(1))
    clash = make_result(1, text="A quite different text about Rohan riders.")
    outcome = store.write(clash)
    assert (outcome.stored, outcome.failures) == (0, 1)
    (row,) = store.failures()
    assert row["code"] == "E305"
    assert row["article_id"] == "a0001"


def test_duckdb_query_filters(store: DuckDBStore) -> None:
    far = Place("Bree", 0, 4, "Bree", 900002, "ARN", None, 52.0, 10.0, "city")
    first = make_result(1)
    second = make_result(2, event_type="PROTEST", cameo="141")
    second = dataclasses.replace(second, events=tuple(
        dataclasses.replace(e, location=far, date=dataclasses.replace(
            e.date, value=dt.date(2024, 5, 1))) for e in second.events))
    store.write_batch([first, second])
    assert len(store.query()) == 4
    assert {r["type"] for r in store.query(EventQuery(type="protest"))} == {"PROTEST"}
    assert len(store.query(EventQuery(country="arn"))) == 4
    assert len(store.query(EventQuery(actor="gondor TROOPS"))) == 4
    assert len(store.query(EventQuery(actor="Rohan"))) == 0
    assert len(store.query(EventQuery(since=dt.date(2024, 4, 1)))) == 2
    assert len(store.query(EventQuery(until=dt.date(2024, 4, 1)))) == 2
    near_osgiliath = EventQuery(near=Near(OSGILIATH.lat, OSGILIATH.lon + 0.5, 50))
    assert {r["article_id"] for r in store.query(near_osgiliath)} == {"a0001"}
    assert len(store.query(EventQuery(limit=3))) == 3
    assert [r["id"] for r in store.query()][:2] == ["a0001-e0", "a0001-e1"]


def test_duckdb_stats_counts(store: DuckDBStore) -> None:
    store.write_batch([make_result(1), make_result(2, events=1, event_type="PROTEST")],
                      failures=[Failure(stage="ingest", code="E101", message="bad")])
    stats = store.stats()
    assert stats["articles"] == 2
    assert stats["events"] == 3
    assert stats["events_by_type"] == {"ASSAULT": 2, "PROTEST": 1}
    assert stats["failures_by_code"] == {"E101": 1}
    assert stats["duplicates"] == 0


def test_duckdb_read_only_missing_file_is_e301(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match="^E301: The event database"):
        DuckDBStore(tmp_path / "none.duckdb", read_only=True)


def test_duckdb_foreign_file_is_e303(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "notes.duckdb"
    path.write_text("not a database")
    with pytest.raises(InputError, match="^E303: "):
        DuckDBStore(path, read_only=True)


def test_duckdb_missing_folder_is_e310(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match="^E310: The folder of the event database"):
        DuckDBStore(tmp_path / "no" / "events.duckdb")


def test_duckdb_reopen_keeps_exactly_once(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "events.duckdb"
    with DuckDBStore(path) as first:
        first.write(make_result(1))
    with DuckDBStore(path) as second:
        assert second.write(make_result(1)).skipped == 1
    with DuckDBStore(path, read_only=True) as reader:
        assert reader.stats()["articles"] == 1


@pytest.mark.parametrize("value", ["1,2", "a,b,c", "91,0,5", "0,181,5", "0,0,0", "0,0,-3"])
def test_duckdb_parse_near_rejects(value: str) -> None:
    with pytest.raises(InputError, match="^E306: "):
        parse_near(value)


def test_duckdb_parse_near_accepts() -> None:
    assert parse_near(" 48.85, 2.35 ,50") == Near(48.85, 2.35, 50.0)


def test_duckdb_distinct_texts_are_not_duplicates(store: DuckDBStore) -> None:
    store.write_batch([make_result(i) for i in range(20)])
    assert store.dedupe().duplicates == 0
    assert story_text(1) != story_text(2)


def test_duckdb_write_keeps_results_whole(store: DuckDBStore) -> None:
    result: ArticleResult = make_result(5, events=3)
    store.write(result)
    rows = store.query(EventQuery(include_duplicates=True))
    assert [r["id"] for r in rows] == ["a0005-e0", "a0005-e1", "a0005-e2"]
    assert store.stats()["quotes"] == 1
    assert store.stats()["places"] == 1


def test_duckdb_cluster_filter_and_lock_wait(store: DuckDBStore, tmp_path) -> None:  # type: ignore[no-untyped-def]
    store.write_batch([make_result(i) for i in range(3)])
    store.dedupe()
    clusters = {row["cluster_id"] for row in store.query(EventQuery())}
    assert clusters
    one = sorted(clusters)[0]
    rows = store.query(EventQuery(cluster=one))
    assert rows and {row["cluster_id"] for row in rows} == {one}
    assert store.query(EventQuery(cluster="no-such-cluster")) == []
    path = tmp_path / "held.duckdb"
    with DuckDBStore(path):
        started = time.monotonic()
        with pytest.raises(ResourceError, match="E302"):
            DuckDBStore(path, read_only=True, lock_wait=0.3)
        assert time.monotonic() - started >= 0.25  # it waited for the lock before giving up


def test_duckdb_mentions_table_and_unasserted_events(store: DuckDBStore) -> None:
    base = make_result(7, events=2)
    planned = dataclasses.replace(base.events[1], future=True)
    result = dataclasses.replace(base, events=(base.events[0], planned))
    store.write(result)
    assert [e.id for e in store.events()] == [base.events[0].id]
    everything = list(store.events(EventQuery(include_unasserted=True)))
    assert everything == [base.events[0], planned]
    assert everything[0].mentions[1].date is None
    rows = store._rows("SELECT event_id, position, trigger_text FROM mentions "
                       "ORDER BY event_id, position")
    assert [(r["event_id"], r["position"]) for r in rows] == [
        (base.events[0].id, 0), (base.events[0].id, 1), (planned.id, 0), (planned.id, 1)]
    assert len(store.query(EventQuery())) == 1
    assert len(store.query(EventQuery(include_unasserted=True))) == 2
