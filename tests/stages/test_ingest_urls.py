"""Feeds and pages given by URL, served from a loopback HTTP server the test starts."""

from __future__ import annotations

import http.server
import threading
from pathlib import Path

import pytest

from newsevents.stages.ingest import IngestOptions, read_inputs
from newsevents.types import Article, Failure

FEED = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>Harbour Daily</title><link>https://example.org/</link>
<item><title>Port workers strike in Arnor</title><link>https://example.org/strike</link>
<pubDate>Tue, 19 Nov 2024 08:00:00 GMT</pubDate>
<description>Dock workers in the port of Arnor walked off the job on Monday to demand higher
wages, halting cargo traffic for the second time this month, union leaders said.</description>
</item></channel></rss>
"""


@pytest.fixture()
def server(tmp_path: Path):
    (tmp_path / "feed.xml").write_text(FEED, encoding="utf-8")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(tmp_path), **kwargs)

        def log_message(self, *args):
            return

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_ingest_urls_feed_url_is_fetched_and_read(server):
    (article,) = list(read_inputs([f"{server}/feed.xml"], options=IngestOptions()))
    assert isinstance(article, Article)
    assert article.url == "https://example.org/strike"
    assert article.title == "Port workers strike in Arnor"
    assert "walked off the job" in article.text


def test_ingest_urls_missing_page_is_a_failure_naming_the_url(server):
    url = f"{server}/nothing-here.xml"
    (failure,) = list(read_inputs([url], options=IngestOptions()))
    assert isinstance(failure, Failure)
    assert failure.code == "E107" and failure.source == url
    assert url in failure.message


def test_ingest_urls_unreachable_host_is_a_failure_and_the_run_goes_on(server, tmp_path):
    text_file = tmp_path / "note.txt"
    text_file.write_text("Gondor and Rohan signed a border treaty in Edoras on Monday, "
                         "ending years of dispute over the western marches.", encoding="utf-8")
    records = list(read_inputs(["http://127.0.0.1:9/feed.xml", str(text_file)],
                               options=IngestOptions()))
    assert [type(r).__name__ for r in records] == ["Failure", "Article"]
    assert records[0].code == "E107"
