"""Happy paths of every input format, with their metadata."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import io
import json

import pytest

from newsevents.stages.ingest import IngestOptions, read_inputs
from newsevents.stages.ingest import feed as feed_module
from newsevents.types import Article, Failure, content_hash

from _builders import warc_record

BODY = ("Arnor troops shelled Gondor on Tuesday, killing four civilians, officials in "
        "Minas Tirith said in a statement.")
OTHER_BODY = ("Gondor and Rohan signed a trade agreement in Edoras on Monday, ending a "
              "dispute that had lasted for two years.")
NOV_20 = dt.date(2024, 11, 20)

ARTICLE_HTML = f"""<!DOCTYPE html>
<html lang="en"><head>
<title>Border clash | Minas Daily</title>
<meta property="og:title" content="Border clash near the river">
<meta property="og:site_name" content="Minas Daily">
<meta property="article:published_time" content="2024-11-19T08:30:00Z">
<link rel="canonical" href="https://www.minasdaily.example/world/border-clash">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Border clash near the river</h1>
<p>{BODY}</p>
<p>{OTHER_BODY}</p>
<p>The ministry said talks would resume next week in Bree, according to a spokesperson.</p>
</article>
<footer>Copyright Minas Daily</footer>
</body></html>"""


def read(paths, **options):
    return list(read_inputs([str(path) for path in paths], options=IngestOptions(**options)))


def only_article(outputs):
    assert len(outputs) == 1
    (article,) = outputs
    assert isinstance(article, Article), article
    return article


def test_ingest_text_file_metadata(tmp_path):
    path = tmp_path / "story.txt"
    path.write_text(BODY + "\n")
    article = only_article(read([path], published=NOV_20, url="https://www.bree.example/s",
                                outlet=None))
    assert article.text == BODY + "\n"
    assert article.url == "https://www.bree.example/s"
    assert article.outlet == "bree.example"
    assert article.published == NOV_20
    assert article.language == "en"
    assert (article.source, article.record, article.notes) == (str(path), 1, ())
    assert article.id == hashlib.sha1(b"https://www.bree.example/s").hexdigest()[:16]


def test_ingest_text_id_without_url_is_content_hash(tmp_path):
    path = tmp_path / "story.txt"
    path.write_text(BODY)
    first = only_article(read([path]))
    second = only_article(read([path]))
    assert first.id == second.id == hashlib.sha1(content_hash(BODY).encode()).hexdigest()[:16]
    assert first.url is None and first.outlet is None and first.published is None


def test_ingest_url_option_ignored_for_several_inputs(tmp_path):
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(BODY if name == "a.txt" else OTHER_BODY)
    outputs = read([tmp_path / "a.txt", tmp_path / "b.txt"], url="https://bree.example/x",
                   outlet="Bree Post")
    assert [article.url for article in outputs] == [None, None]
    assert [article.outlet for article in outputs] == ["Bree Post", "Bree Post"]


def test_ingest_jsonl_fields_and_aliases(tmp_path):
    lines = [
        {"id": "a1", "text": BODY, "published": "2024-11-18", "url": "https://www.minas.example/a",
         "title": "Shelling", "outlet": "Minas Daily"},
        {"content": OTHER_BODY, "date": "Tue, 19 Nov 2024 10:00:00 GMT",
         "url": "https://news.rohan.example/b"},
        {"id": 7, "body": BODY, "publish_date": "November 17, 2024"},
        {"text": OTHER_BODY, "published": "sometime soon"},
    ]
    path = tmp_path / "news.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    first, second, third, fourth = read([path], published=NOV_20)
    assert (first.id, first.title, first.outlet, first.published, first.record) == (
        "a1", "Shelling", "Minas Daily", dt.date(2024, 11, 18), 1)
    assert second.id == hashlib.sha1(b"https://news.rohan.example/b").hexdigest()[:16]
    assert (second.outlet, second.published, second.text) == (
        "news.rohan.example", dt.date(2024, 11, 19), OTHER_BODY)
    assert (third.id, third.published, third.text) == ("7", dt.date(2024, 11, 17), BODY)
    assert fourth.published == NOV_20
    assert fourth.notes == ("published_unparsed:sometime soon",)


def test_ingest_jsonl_array_file(tmp_path):
    path = tmp_path / "export.json"
    path.write_text(json.dumps([{"id": "x", "text": BODY}, {"id": "y", "text": OTHER_BODY}]))
    outputs = read([path])
    assert [(article.id, article.record) for article in outputs] == [("x", 1), ("y", 2)]


def test_ingest_jsonl_gz_and_sniffed_extension(tmp_path):
    payload = (json.dumps({"id": "g1", "text": BODY}) + "\n").encode()
    (tmp_path / "news.jsonl.gz").write_bytes(gzip.compress(payload))
    (tmp_path / "dump.gz").write_bytes(gzip.compress(payload))
    (tmp_path / "noext").write_bytes(payload)
    outputs = read([tmp_path / "news.jsonl.gz", tmp_path / "dump.gz", tmp_path / "noext"])
    assert [article.id for article in outputs] == ["g1", "g1", "g1"]


def test_ingest_csv_auto_columns(tmp_path):
    path = tmp_path / "news.csv"
    path.write_text(
        "Article_ID,Headline,Published,Link,Content,Source\n"
        f'n1,Shelling,2024-11-18,https://www.minas.example/a,"{BODY}",Minas Daily\n'
        f'n2,Trade,,https://rohan.example/b,"{OTHER_BODY}\nSecond paragraph, with a comma.",\n')
    first, second = read([path], published=NOV_20)
    assert (first.id, first.title, first.published, first.url, first.outlet, first.record) == (
        "n1", "Shelling", dt.date(2024, 11, 18), "https://www.minas.example/a", "Minas Daily", 1)
    assert (second.id, second.published, second.outlet, second.record) == (
        "n2", NOV_20, "rohan.example", 2)
    assert second.text == OTHER_BODY + "\nSecond paragraph, with a comma."


def test_ingest_csv_explicit_columns(tmp_path):
    path = tmp_path / "news.csv"
    path.write_text(f'key,story,when,where,name\nk1,"{BODY}",2024-11-18,https://a.example/1,Hed\n')
    article = only_article(read([path], text_col="story", id_col="key", date_col="when",
                                url_col="where", title_col="name"))
    assert (article.id, article.text, article.published, article.url, article.title) == (
        "k1", BODY, dt.date(2024, 11, 18), "https://a.example/1", "Hed")


def test_ingest_tsv_and_format_override(tmp_path):
    (tmp_path / "news.tsv").write_text(f"id\ttext\nt1\t{BODY}\n")
    (tmp_path / "news.data").write_text(f"id\ttext\nt2\t{OTHER_BODY}\n")
    assert only_article(read([tmp_path / "news.tsv"])).id == "t1"
    assert only_article(read([tmp_path / "news.data"], input_format="tsv")).id == "t2"


def test_ingest_html_metadata(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(ARTICLE_HTML)
    article = only_article(read([path]))
    assert BODY in article.text and OTHER_BODY in article.text
    assert "Copyright" not in article.text and "Home" not in article.text
    assert article.title == "Border clash near the river"
    assert article.url == "https://www.minasdaily.example/world/border-clash"
    assert article.outlet == "Minas Daily"
    assert article.published == dt.date(2024, 11, 19)
    assert article.id == hashlib.sha1(article.url.encode()).hexdigest()[:16]


def test_ingest_html_url_option_wins_for_single_input(tmp_path):
    path = tmp_path / "page.htm"
    path.write_text(ARTICLE_HTML)
    article = only_article(read([path], url="https://mirror.example/copy"))
    assert article.url == "https://mirror.example/copy"


RSS = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Minas Daily</title><link>https://minasdaily.example/</link>
<item><title>Shelling at the border</title><link>https://www.minasdaily.example/a</link>
<pubDate>Mon, 18 Nov 2024 09:00:00 GMT</pubDate>
<description>&lt;p&gt;{BODY}&lt;/p&gt;&lt;p&gt;More &amp;amp; more.&lt;/p&gt;</description></item>
<item><title>Trade deal</title><link>https://minasdaily.example/b</link>
<description>{OTHER_BODY}</description></item>
</channel></rss>"""

ATOM = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Rohan Herald</title>
<link href="https://rohanherald.example/"/><id>urn:rohan</id><updated>2024-11-19T00:00:00Z</updated>
<entry><title>Talks resume</title><link href="https://rohanherald.example/talks"/>
<id>urn:rohan:1</id><published>2024-11-17T12:00:00Z</published><updated>2024-11-19T00:00:00Z</updated>
<summary>Short summary.</summary>
<content type="html">&lt;p&gt;{OTHER_BODY}&lt;/p&gt;</content></entry>
</feed>"""


def test_ingest_rss_entries(tmp_path):
    path = tmp_path / "feed.rss"
    path.write_text(RSS)
    first, second = read([path], published=NOV_20)
    assert first.text.startswith(BODY) and "More & more." in first.text
    assert (first.title, first.url, first.outlet, first.published, first.record) == (
        "Shelling at the border", "https://www.minasdaily.example/a", "minasdaily.example",
        dt.date(2024, 11, 18), 1)
    assert (second.text, second.published, second.record) == (OTHER_BODY, NOV_20, 2)


def test_ingest_atom_prefers_content(tmp_path):
    path = tmp_path / "atom.xml"
    path.write_text(ATOM)
    article = only_article(read([path]))
    assert article.text == OTHER_BODY
    assert (article.title, article.url, article.published) == (
        "Talks resume", "https://rohanherald.example/talks", dt.date(2024, 11, 17))


def test_ingest_feed_follow_links(tmp_path, monkeypatch):
    fetched = []

    def fake_fetch(url):
        fetched.append(url)
        return ARTICLE_HTML.encode(), "utf-8"

    monkeypatch.setattr(feed_module, "fetch", fake_fetch)
    path = tmp_path / "feed.xml"
    path.write_text(RSS)
    first, second = read([path], follow_links=True)
    assert fetched == ["https://www.minasdaily.example/a", "https://minasdaily.example/b"]
    assert OTHER_BODY in first.text and "followed_link" in first.notes
    assert first.title == "Border clash near the river"


def test_ingest_feed_fetch_refuses_file_links():
    with pytest.raises(ValueError):
        feed_module.fetch("file:///etc/passwd")


def _warc(records, *, compress=True):
    return b"".join(warc_record(url, body, content_type=content_type, record_type=kind,
                                compress=compress)
                    for url, kind, body, content_type in records)


@pytest.mark.parametrize("compress", [True, False])
def test_ingest_warc_html_responses(tmp_path, compress):
    plain_page = (f"<html><head><title>Trade deal</title></head><body><article><p>{OTHER_BODY}"
                  f"</p><p>{BODY}</p></article></body></html>").encode("cp1252")
    data = _warc([
        ("https://minasdaily.example/robots.txt", "response", b"User-agent: *",
         "text/plain"),
        ("https://minasdaily.example/world/x?utm=1", "response", ARTICLE_HTML.encode(),
         "text/html; charset=utf-8"),
        ("https://minasdaily.example/logo.png", "resource", b"\x89PNG", "image/png"),
        ("https://rohan.example/trade", "response", plain_page, "text/html; charset=windows-1252"),
    ], compress=compress)
    path = tmp_path / ("crawl.warc.gz" if compress else "crawl.warc")
    path.write_bytes(data)
    first, second = read([path])
    assert first.record == 2 and second.record == 4
    assert first.url == "https://www.minasdaily.example/world/border-clash"
    assert (first.outlet, first.published) == ("Minas Daily", dt.date(2024, 11, 19))
    assert second.url == "https://rohan.example/trade" and second.outlet == "rohan.example"
    assert second.title == "Trade deal"
    assert "published_from_warc_date" in second.notes and second.published is not None


def test_ingest_warc_given_date_beats_crawl_date(tmp_path):
    data = _warc([("https://rohan.example/t", "response",
                   f"<html><body><article><p>{BODY}</p></article></body></html>".encode(),
                   "text/html")])
    (tmp_path / "c.warc.gz").write_bytes(data)
    article = only_article(read([tmp_path / "c.warc.gz"], published=NOV_20))
    assert article.published == NOV_20
    assert article.notes == ()


def test_ingest_folder_recursive_sorted_skips_hidden(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / "b" / "2.txt").write_text(OTHER_BODY)
    (tmp_path / "a.txt").write_text(BODY)
    (tmp_path / ".hidden.txt").write_text(BODY)
    (tmp_path / ".git" / "config.txt").write_text(BODY)
    outputs = read([tmp_path])
    assert [article.source for article in outputs] == [
        str(tmp_path / "a.txt"), str(tmp_path / "b" / "2.txt")]


def test_ingest_glob_and_mixed_inputs(tmp_path):
    (tmp_path / "one.txt").write_text(BODY)
    (tmp_path / "two.txt").write_text(OTHER_BODY)
    (tmp_path / "feed.rss").write_text(RSS)
    outputs = read([tmp_path / "*.txt", tmp_path / "feed.rss", tmp_path / "missing.txt"])
    kinds = [type(output).__name__ for output in outputs]
    assert kinds == ["Article", "Article", "Article", "Article", "Failure"]
    assert isinstance(outputs[-1], Failure) and outputs[-1].code == "E101"


def test_ingest_stdin_with_format(monkeypatch):
    payload = json.dumps({"id": "s1", "text": BODY}) + "\n"
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(payload.encode())))
    article = only_article(list(read_inputs(["-"], options=IngestOptions(input_format="jsonl"))))
    assert (article.id, article.source, article.record) == ("s1", "-", 1)
