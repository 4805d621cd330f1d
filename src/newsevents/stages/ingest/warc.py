"""WARC archives (plain or gzipped), through warcio.

Only HTTP ``response`` records with a 2xx status and an HTML content type
are articles; request, metadata, DNS, image, redirect and error records are
skipped and are not counted as input records (their ``record`` numbers are
still counted, so a record number always matches the archive).

warcio stops quietly at a truncated archive, so truncation is detected
here: a record whose body ends before its Content-Length, or bytes left
over after the last whole record, is reported as a Failure naming the
record number where the archive broke; the records before it come through.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Iterator
from dataclasses import replace
from typing import Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator  # type: ignore[import-untyped]
from warcio.exceptions import ArchiveLoadFailed  # type: ignore[import-untyped]

from newsevents.errors import Errors
from newsevents.stages.ingest.html import HTML_TYPES, html_bytes_to_article
from newsevents.stages.ingest.options import Context
from newsevents.stages.ingest.records import failure_from, origin, parse_published
from newsevents.types import Article, Failure

CHUNK_BYTES = 1 << 16
MAX_PAGE_BYTES = 50_000_000
# warcio reports a damaged record as whatever its parser trips on: a missing
# header is an AttributeError on None, a bad length a ValueError, and so on.
_DAMAGED: tuple[type[Exception], ...] = (
    ArchiveLoadFailed, EOFError, OSError, ValueError, zlib.error, AttributeError, KeyError,
    TypeError, IndexError,
)


def read_warc(stream: BinaryIO, *, context: Context) -> Iterator[Article | Failure]:
    """Yield one Article or Failure per HTML response record of a WARC file."""
    number = 0
    articles = 0
    end_of_last = 0
    archive = ArchiveIterator(stream)
    records = iter(archive)
    while True:
        try:
            record = next(records)
        except StopIteration:
            break
        except _DAMAGED as e:
            yield _broken(context, number + 1, f"{type(e).__name__}: {str(e)[:200]}")
            return
        number += 1
        try:
            page = _html_payload(record)
            _drain(record)
            complete = record.raw_stream.limit == 0
            end_of_last = archive.get_record_offset() + archive.get_record_length()
        except _DAMAGED as e:
            yield _broken(context, number, f"{type(e).__name__}: {str(e)[:200]}")
            return
        if not complete:
            yield _broken(context, number, "the record ends before its Content-Length")
            return
        if page is not None:
            articles += 1
            yield _page_article(record, page, number=number, context=context)
    stream.seek(end_of_last)
    if stream.read(CHUNK_BYTES).strip():
        yield _broken(context, number + 1, "the archive ends inside a record")
        return
    if articles == 0:
        whole = origin(context.source)
        yield failure_from(whole, Errors.E161)


def _html_payload(record: Any) -> bytes | None:
    """The decoded HTTP body of an HTML 2xx response record, else None."""
    if record.rec_type != "response" or record.http_headers is None:
        return None
    status = record.http_headers.get_statuscode() or ""
    content_type = (record.http_headers.get_header("Content-Type") or "").lower()
    if not status.startswith("2") or not content_type.startswith(HTML_TYPES):
        return None
    body: bytes = record.content_stream().read(MAX_PAGE_BYTES)
    return body


def _drain(record: Any) -> None:
    while record.raw_stream.read(CHUNK_BYTES):
        pass


def _page_article(record: Any, page: bytes, *, number: int,
                  context: Context) -> Article | Failure:
    where = origin(context.source, number, unit="record")
    url = record.rec_headers.get_header("WARC-Target-URI") or None
    crawled = parse_published(record.rec_headers.get_header("WARC-Date") or "")
    charset = _charset(record.http_headers.get_header("Content-Type") or "")
    result = html_bytes_to_article(page, where=where, context=context, url=url, charset=charset)
    if isinstance(result, Article) and result.published is None and crawled is not None:
        # No date in the page and none given: the crawl date is the best bound there is.
        return _with_crawl_date(result, crawled)
    return result


def _with_crawl_date(article: Article, crawled: dt.date) -> Article:
    return replace(article, published=crawled,
                   notes=article.notes + ("published_from_warc_date",))


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'").lower()
    return None


def _broken(context: Context, number: int, detail: str) -> Failure:
    where = origin(context.source, number, unit="record")
    return failure_from(where, Errors.E160, detail=detail)
