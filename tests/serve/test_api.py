"""The HTTP API on a store coded from the sample articles: every endpoint and every error."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from fastapi.testclient import TestClient

from newsevents.serve.api import create_app
from newsevents.store import DuckDBStore, EventQuery, Near

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def client(demo_db):  # type: ignore[no-untyped-def]
    with TestClient(create_app(demo_db), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def stored(demo_db):  # type: ignore[no-untyped-def]
    with DuckDBStore(demo_db, read_only=True) as store:
        yield store.query(EventQuery())


def error_of(response, status: int, code: str) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    body = response.json()
    assert body["ok"] is False and body["status"] == status and body["code"] == code
    assert body["error"].startswith(code + ": ")
    assert "Traceback" not in response.text
    return body


def test_stats_match_the_store(client, stored):  # type: ignore[no-untyped-def]
    body = client.get("/api/stats").json()
    assert body["ok"] is True
    assert body["events"] == len(stored)
    assert body["articles"] == 26 and "ASSAULT" in body["plover_types"]
    assert body["source"]["snapshot_taken"] and body["source"]["stale_because"] is None


def test_events_filters_agree_with_the_query_command(client, demo_db):  # type: ignore[no-untyped-def]
    with DuckDBStore(demo_db, read_only=True) as store:
        for params, query in [
            ({"type": "assault"}, EventQuery(type="ASSAULT")),
            ({"country": "ukr"}, EventQuery(country="UKR")),
            ({"actor": "russia"}, EventQuery(actor="russia")),
            ({"since": "2024-11-01", "until": "2024-11-30"},
             EventQuery(since=dt.date(2024, 11, 1), until=dt.date(2024, 11, 30))),
            ({"near": "50.45,30.52,50"}, EventQuery(near=Near(50.45, 30.52, 50))),
            ({"include_duplicates": "true"}, EventQuery(include_duplicates=True)),
        ]:
            expected = {row["seq"] for row in store.query(query)}
            body = client.get("/api/events", params={**params, "limit": 1000}).json()
            assert body["total"] == len(expected), params
            assert {row["seq"] for row in body["rows"]} == expected, params
            assert expected, params


def test_events_cluster_filter(client, stored):  # type: ignore[no-untyped-def]
    cluster = next(row["cluster_id"] for row in stored if row["cluster_id"])
    body = client.get("/api/events", params={"cluster": cluster}).json()
    assert body["rows"] and all(row["cluster_id"] == cluster for row in body["rows"])


@pytest.mark.parametrize("sort", ["date", "-date", "goldstein", "-goldstein", "killed", "seq",
                                  "-confidence"])
def test_cursor_pages_cover_every_event_once_in_order(client, stored, sort):  # type: ignore[no-untyped-def]
    seen, url, pages = [], "/api/events?limit=37&sort=" + sort, 0
    while url:
        body = client.get(url).json()
        seen.extend(body["rows"])
        url, pages = body["next_url"], pages + 1
    assert pages == -(-len(stored) // 37)
    assert sorted(row["seq"] for row in seen) == sorted(row["seq"] for row in stored)
    key = sort.lstrip("-")
    values = [row["day" if key == "date" else key] for row in seen]
    present = [v for v in values if v is not None]
    assert present == sorted(present, reverse=sort.startswith("-"))


def test_events_as_csv_and_geojson(client):  # type: ignore[no-untyped-def]
    response = client.get("/api/events?type=ASSAULT&format=csv&limit=10")
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 10 and {row["type"] for row in rows} == {"ASSAULT"}
    assert 'rel="next"' in response.headers["link"]
    geo = client.get("/api/events?format=geojson&limit=50")
    assert geo.headers["content-type"].startswith("application/geo+json")
    features = geo.json()["features"]
    assert features and all(f["geometry"]["type"] == "Point" for f in features)
    lon, lat = features[0]["geometry"]["coordinates"]
    assert -180 <= lon <= 180 and -90 <= lat <= 90


def test_event_evidence_spans_point_into_the_sentence(client, stored):  # type: ignore[no-untyped-def]
    for row in stored[:40]:
        body = client.get(f"/api/events/{row['seq']}").json()
        evidence = body["evidence"]
        sentence = evidence["sentence"]
        assert sentence == row["sentence_text"]
        kinds = {span["kind"] for span in evidence["spans"]}
        assert "trigger" in kinds
        for span in evidence["spans"]:
            assert sentence[span["start"]:span["end"]] == span["text"]
        assert evidence["article"]["id"] == row["article_id"]
        assert evidence["article"]["title"] == row["title"]


def test_event_shows_the_other_reports_of_its_cluster(client, demo_db):  # type: ignore[no-untyped-def]
    with DuckDBStore(demo_db, read_only=True) as store:
        seq, cluster = store.read_cursor().execute(
            "SELECT min(seq), cluster_id FROM events GROUP BY cluster_id "
            "HAVING count(DISTINCT article_id) > 1 LIMIT 1").fetchone()
    body = client.get(f"/api/events/{seq}").json()
    assert body["cluster"] and all(other["seq"] != seq for other in body["cluster"])
    detail = client.get(f"/api/clusters/{cluster}").json()
    assert detail["articles"] > 1 and seq in {row["seq"] for row in detail["rows"]}


def test_articles_listing_and_detail(client):  # type: ignore[no-untyped-def]
    first = client.get("/api/articles?limit=10").json()
    second = client.get(first["next_url"]).json()
    ids = [row["id"] for row in first["rows"] + second["rows"]]
    assert len(ids) == len(set(ids)) == 20
    everything = client.get("/api/articles?limit=100&include_duplicates=true").json()["rows"]
    assert len(everything) == 26
    article = client.get(f"/api/articles/{ids[0]}").json()
    assert article["text"] and article["events"] is not None
    for event in article["events"]:
        assert article["text"][event["trigger_start"]:event["trigger_end"]] == event["trigger_text"]


def test_aggregates(client, stored):  # type: ignore[no-untyped-def]
    timeline = client.get("/api/timeline?interval=week&type=ASSAULT").json()
    assert timeline["interval"] == "week" and timeline["rows"]
    assert {row["type"] for row in timeline["rows"]} == {"ASSAULT"}
    dated = sum(1 for row in stored if row["type"] == "ASSAULT" and row["day"])
    assert sum(row["events"] for row in timeline["rows"]) == dated
    counts = client.get("/api/map").json()
    located = sum(1 for row in stored if row["location_lat"] is not None)
    assert sum(place["events"] for place in counts["places"]) == located
    assert all(place["quad_class"] in (1, 2, 3, 4) for place in counts["places"])
    ukr = next(row for row in counts["countries"] if row["country"] == "UKR")
    assert ukr["events"] == sum(1 for row in stored if row["location_country"] == "UKR")
    dyads = client.get("/api/dyads?limit=5").json()["rows"]
    assert dyads and dyads == sorted(dyads, key=lambda d: -d["events"])
    clusters = client.get("/api/clusters?limit=5").json()
    assert len(clusters["rows"]) == 5 and clusters["next"]
    assert client.get(clusters["next_url"]).json()["rows"][0]["cluster_id"] not in {
        row["cluster_id"] for row in clusters["rows"]}


def test_failures_and_runs(client):  # type: ignore[no-untyped-def]
    assert client.get("/api/failures").json()["rows"] == []
    assert client.get("/api/failures?code=E153").json()["rows"] == []
    runs = client.get("/api/runs").json()["rows"]
    assert runs[0]["status"] == "completed" and runs[0]["counts"]["stored"] == 26


@pytest.mark.parametrize("url, parameter", [
    ("/api/events?type=FOO", "type"),
    ("/api/events?country=UKRAINE", "country"),
    ("/api/events?since=yesterday", "since"),
    ("/api/events?since=2024-12-01&until=2024-11-01", "until"),
    ("/api/events?near=50,30", "near"),
    ("/api/events?near=95,30,10", "near"),
    ("/api/events?limit=0", "limit"),
    ("/api/events?limit=5001", "limit"),
    ("/api/events?sort=title", "sort"),
    ("/api/events?format=xml", "format"),
    ("/api/events?include_duplicates=maybe", "include_duplicates"),
    ("/api/events/abc", "seq"),
    ("/api/timeline?interval=year", "interval"),
    ("/api/dyads?limit=501", "limit"),
])
def test_bad_parameters_are_400_naming_the_parameter(client, url, parameter):  # type: ignore[no-untyped-def]
    body = error_of(client.get(url), 400, "E600")
    assert body["parameter"] == parameter
    assert f"'{parameter}'" in body["error"]


def test_bad_cursors_are_400(client):  # type: ignore[no-untyped-def]
    assert error_of(client.get("/api/events?cursor=!!!"), 400, "E608")["parameter"] == "cursor"
    articles_cursor = client.get("/api/articles?limit=1").json()["next"]
    error_of(client.get(f"/api/events?cursor={articles_cursor}"), 400, "E608")
    other_sort = client.get("/api/events?limit=1&sort=goldstein").json()["next"]
    error_of(client.get(f"/api/events?cursor={other_sort}"), 400, "E608")
    error_of(client.get("/api/failures?cursor=e30"), 400, "E608")


def test_unknown_ids_and_paths_are_404(client):  # type: ignore[no-untyped-def]
    assert "event" in error_of(client.get("/api/events/999999999"), 404, "E601")["error"]
    error_of(client.get("/api/events/99999999999999999999999"), 404, "E601")
    error_of(client.get("/api/articles/nope"), 404, "E601")
    error_of(client.get("/api/clusters/nope"), 404, "E601")
    error_of(client.get("/api/nothing"), 404, "E602")


@pytest.mark.parametrize("path", ["/static/../serve/api.py", "/static/%2e%2e/api.py",
                                  "/static/..%2fapi.py", "/static//etc/passwd",
                                  "/static/%2e%2e/%2e%2e/store/duckdb.py"])
def test_static_files_cannot_escape_their_folder(client, path):  # type: ignore[no-untyped-def]
    response = client.get(path)
    assert response.status_code == 404
    assert "import" not in response.text and "root:" not in response.text


def test_dashboard_and_its_files_are_served(client):  # type: ignore[no-untyped-def]
    page = client.get("/")
    assert page.status_code == 200 and "/static/app.js" in page.text
    assert "http" not in page.text.replace("http-equiv", "")  # nothing from elsewhere
    assert "default-src 'self'" in page.headers["content-security-policy"]
    world = client.get("/static/world.json").json()
    assert len(world["countries"]) > 150
    for name in ("app.js", "app.css", "LICENSE-world.txt"):
        assert client.get(f"/static/{name}").status_code == 200


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_no_write_endpoint(client, method):  # type: ignore[no-untyped-def]
    for path in ("/api/events", "/api/articles", "/api/events/1"):
        body = error_of(getattr(client, method)(path), 405, "E607")
        assert method.upper() in body["error"]


def test_a_bug_is_a_json_500_without_a_stack_trace(demo_db, monkeypatch):  # type: ignore[no-untyped-def]
    from newsevents.store.browse import StoreReader

    def broken(self):  # type: ignore[no-untyped-def]
        raise ZeroDivisionError("secret detail")

    monkeypatch.setattr(StoreReader, "stats", broken)
    with TestClient(create_app(demo_db), raise_server_exceptions=False) as client:
        body = error_of(client.get("/api/stats"), 500, "E605")
    assert "ZeroDivisionError" in body["error"] and "secret" not in body["error"]


def test_a_database_that_cannot_be_read_is_503(tmp_path):  # type: ignore[no-untyped-def]
    missing = tmp_path / "gone.duckdb"
    with TestClient(create_app(missing), raise_server_exceptions=False) as client:
        response = client.get("/api/stats")
        error_of(response, 503, "E603")
        assert response.headers["retry-after"]
    garbage = tmp_path / "garbage.duckdb"
    garbage.write_bytes(b"not a database" * 100)
    with TestClient(create_app(garbage), raise_server_exceptions=False) as client:
        error_of(client.get("/api/events"), 503, "E603")


def test_a_query_that_runs_too_long_is_cancelled(demo_db):  # type: ignore[no-untyped-def]
    from newsevents.errors import ResourceError
    from newsevents.store.browse import StoreReader

    with DuckDBStore(demo_db, read_only=True) as store:
        reader = StoreReader(store, timeout=0.2)
        with pytest.raises(ResourceError, match="E604"):
            reader._rows("SELECT count(*) FROM range(100000000000) a")  # noqa: SLF001


def test_openapi_lists_every_endpoint(client):  # type: ignore[no-untyped-def]
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/events", "/api/events/{seq}", "/api/articles", "/api/articles/{article_id}",
                 "/api/clusters", "/api/clusters/{cluster_id}", "/api/stats", "/api/timeline",
                 "/api/map", "/api/dyads", "/api/failures", "/api/runs"):
        assert set(paths[path]) == {"get"}, path
    names = {p["name"] for p in paths["/api/events"]["get"]["parameters"]}
    assert {"type", "country", "actor", "since", "until", "near", "cluster",
            "include_duplicates", "sort", "limit", "cursor", "format"} <= names


def test_json_is_plain(client):  # type: ignore[no-untyped-def]
    body = client.get("/api/events?limit=3").json()
    json.dumps(body)
    assert body["rows"][0]["day"] and isinstance(body["rows"][0]["contexts"], list)


def test_every_event_query_field_is_an_api_filter():  # type: ignore[no-untyped-def]
    import dataclasses
    import inspect

    from newsevents.serve.api import FILTER_HELP, event_filters

    fields = {field.name for field in dataclasses.fields(EventQuery)} - {"limit"}
    assert set(inspect.signature(event_filters).parameters) == fields
    assert fields <= set(FILTER_HELP)
