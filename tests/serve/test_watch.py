"""watch against a loopback HTTP server: changing, failing, slow and garbage feeds."""

from __future__ import annotations

import threading
import time

import pytest

from newsevents.errors import InputError, ResourceError
from newsevents.store import DuckDBStore
from newsevents.watch import WatchOptions, parse_every, watch_feeds

from _feeds import FeedSite

pytestmark = pytest.mark.slow


def wait_for(condition, *, seconds: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.05)


def stored_counts(db) -> tuple[int, list[tuple[str, str]]]:  # type: ignore[no-untyped-def]
    if not db.exists():
        return 0, []
    try:
        with DuckDBStore(db, read_only=True) as store:
            articles = store.stats()["articles"]
            failures = [(row["source"], row["code"]) for row in store.failures()]
    except ResourceError:  # the watcher is committing: ask again
        return -1, []
    return articles, failures


@pytest.fixture
def coder(nlp):  # type: ignore[no-untyped-def]
    from newsevents.pipeline import process

    return lambda articles, **kw: process(articles, nlp=nlp, **{
        k: v for k, v in kw.items() if k != "workers"})


def test_watch_codes_a_changing_feed_once_and_survives_bad_feeds(tmp_path, coder):  # type: ignore[no-untyped-def]
    db = tmp_path / "live.duckdb"
    stop = threading.Event()
    lines: list[str] = []
    with FeedSite(slow_seconds=2.0) as site:
        site.entries = [0, 1]
        sources = [f"{site.url}/feed.xml", f"{site.url}/broken.xml", f"{site.url}/slow.xml",
                   f"{site.url}/garbage.xml"]
        options = WatchOptions(every=1.0, pause=0.05, timeout=0.5, max_backoff=8.0)
        result = {}
        worker = threading.Thread(target=lambda: result.update(report=watch_feeds(
            sources, db_path=db, options=options, process=coder, stop=stop,
            on_report=lines.append)))
        worker.start()
        try:
            wait_for(lambda: stored_counts(db)[0] == 2)
            # the unchanged feed is asked conditionally and answers 304
            wait_for(lambda: any(status == 304 for *_, status in site.requests_for("/feed.xml")))
            site.entries = [0, 1, 2]
            wait_for(lambda: stored_counts(db)[0] == 3)
            wait_for(lambda: len(site.requests_for("/feed.xml")) >= 5)
        finally:
            stop.set()
            worker.join(timeout=30)
        assert not worker.is_alive()
    report = result["report"]
    articles, failures = stored_counts(db)
    assert articles == 3 and report.stored == 3
    for page in ("/page/0.html", "/page/1.html", "/page/2.html"):
        assert len(site.requests_for(page)) == 1, page  # fetched and coded once
    conditional = [entry for entry in site.requests_for("/feed.xml")[1:]]
    assert all(etag for _, _, etag, _ in conditional)
    codes = {(source.rsplit("/", 1)[-1], code) for source, code in failures}
    assert ("broken.xml", "E650") in codes and ("slow.xml", "E650") in codes
    assert ("garbage.xml", "E151") in codes
    # a failing feed backs off: asked less often than the healthy one
    assert len(site.requests_for("/broken.xml")) < len(site.requests_for("/feed.xml"))
    # requests are spaced
    times = sorted(t for t, *_ in site.log)
    assert all(b - a >= 0.04 for a, b in zip(times, times[1:]))
    with DuckDBStore(db, read_only=True) as store:
        runs = store.runs()
        assert all(run["status"] == "completed" for run in runs)
        assert sum(run["counts"]["stored"] for run in runs) == 3
        sources = {row[0] for row in store.read_cursor().execute(
            "SELECT source FROM articles").fetchall()}
    assert sources == {f"{site.url}/feed.xml"}
    assert any("E650" in line for line in lines)


def test_watch_once_on_a_feed_file_codes_nothing_twice(tmp_path, coder):  # type: ignore[no-untyped-def]
    with FeedSite() as site:
        site.entries = [3]
        feed = tmp_path / "feed.xml"
        feed.write_bytes(site.feed())
        db = tmp_path / "file.duckdb"
        options = WatchOptions(once=True, pause=0.0)
        first = watch_feeds([str(feed)], db_path=db, options=options, process=coder)
        again = watch_feeds([str(feed)], db_path=db, options=options, process=coder)
    assert first.stored == 1 and first.events > 0
    # a new watch knows the stored (canonical) URL, not the feed's link: the page may be
    # fetched once more, but the runner's content-hash check codes nothing twice
    assert again.stored == 0 and again.skipped == 1 and again.events == 0
    with DuckDBStore(db, read_only=True) as store:
        assert store.stats()["articles"] == 1


def test_bad_sources_and_intervals_are_input_errors(tmp_path):  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match="E652"):
        watch_feeds(["ftp://example.org/feed"], db_path=tmp_path / "x.duckdb",
                    options=WatchOptions(once=True))
    assert parse_every("15m") == 900 and parse_every("90s") == 90 and parse_every("2h") == 7200
    assert parse_every("30") == 30
    for bad in ("", "soon", "0s", "-5m", "inf", "0.5"):
        with pytest.raises(InputError, match="E651"):
            parse_every(bad)


def test_watch_command_stops_cleanly_on_sigterm(tmp_path):  # type: ignore[no-untyped-def]
    import signal
    import subprocess
    import sys

    db = tmp_path / "cli.duckdb"
    with FeedSite() as site:
        site.entries = [7, 8]
        watcher = subprocess.Popen(
            [sys.executable, "-m", "newsevents.cli", "watch", f"{site.url}/feed.xml",
             "--db", str(db), "--every", "1s", "--pause", "0.05"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            wait_for(lambda: stored_counts(db)[0] == 2, seconds=120)
            wait_for(lambda: len(site.requests_for("/feed.xml")) >= 2)
        finally:
            watcher.send_signal(signal.SIGTERM)
            out, err = watcher.communicate(timeout=60)
    assert watcher.returncode == 0, err.decode()[-2000:]
    assert "2 articles stored" in out.decode()
    with DuckDBStore(db, read_only=True) as store:
        assert [run["status"] for run in store.runs()] == ["completed"]
