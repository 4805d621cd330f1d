"""serve keeps answering while run or watch write the same file, and after it is replaced."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from _feeds import FeedSite
from fastapi.testclient import TestClient

from newsevents.serve.api import create_app
from newsevents.store import DuckDBStore
from newsevents.watch import WatchOptions, watch_feeds

pytestmark = pytest.mark.slow
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "articles"


def get_json(url: str) -> tuple[int, dict]:
    import json
    import urllib.error

    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def test_serve_answers_while_run_writes_and_after_the_file_is_replaced(tmp_path, live_server):  # type: ignore[no-untyped-def]
    db = tmp_path / "shared.duckdb"
    DuckDBStore(db).close()  # an empty store
    statuses: list[int] = []
    with live_server(db, check_interval=0.1) as server:
        assert get_json(server.url + "/api/stats")[1]["articles"] == 0
        run = subprocess.Popen(
            [sys.executable, "-m", "newsevents.cli", "run", str(EXAMPLES), "--db", str(db),
             "--published", "2024-11-20", "--batch-size", "4"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        while run.poll() is None:
            status, body = get_json(server.url + "/api/events?limit=5")
            statuses.append(status)
            time.sleep(0.1)
        out, err = run.communicate()
        assert run.returncode == 0, err.decode()[-2000:]
        deadline = time.monotonic() + 20
        while get_json(server.url + "/api/stats")[1]["articles"] != 26:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        assert get_json(server.url + "/api/events?limit=1")[1]["total"] > 100
        # the file is replaced by another database: the server follows it
        other = tmp_path / "other.duckdb"
        DuckDBStore(other).close()
        os.replace(other, db)
        deadline = time.monotonic() + 20
        while get_json(server.url + "/api/stats")[1]["articles"] != 0:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        # the file disappears: the last snapshot keeps serving and says why it is stale
        db.unlink()
        time.sleep(0.2)
        status, body = get_json(server.url + "/api/stats")
        assert status == 200 and "does not exist" in body["source"]["stale_because"]
    assert len(statuses) > 5 and set(statuses) == {200}, statuses


def test_serve_answers_while_watch_writes(tmp_path, nlp):  # type: ignore[no-untyped-def]
    from newsevents.pipeline import process

    db = tmp_path / "live.duckdb"
    DuckDBStore(db).close()
    stop = threading.Event()
    statuses: list[int] = []
    with FeedSite() as site, TestClient(create_app(db, check_interval=0.05)) as client:
        site.entries = [4, 5, 6]
        worker = threading.Thread(target=watch_feeds, args=([f"{site.url}/feed.xml"],), kwargs={
            "db_path": db, "options": WatchOptions(every=1.0, pause=0.05, batch_size=1),
            "process": lambda articles, **kw: process(articles, nlp=nlp, batch_size=1),
            "stop": stop})
        worker.start()
        try:
            deadline = time.monotonic() + 60
            while True:
                response = client.get("/api/stats")
                statuses.append(response.status_code)
                if response.json().get("articles") == 3:
                    break
                assert time.monotonic() < deadline, "watch never showed up in serve"
                time.sleep(0.05)
        finally:
            stop.set()
            worker.join(timeout=30)
        assert client.get("/api/events").json()["total"] > 0
    assert set(statuses) == {200}, statuses
