"""RSS and Atom feeds: one article per entry, through feedparser.

An entry's text is its full content when the feed carries it, else its
summary. With ``follow_links`` the linked page is fetched instead and
extracted like any HTML page; being offline, a dead link or a timeout then
costs that entry a Failure, never the run.
"""

from __future__ import annotations

import datetime as dt
import http.client
import time
import urllib.request
from collections.abc import Callable, Container, Iterator
from typing import Any

import feedparser  # type: ignore[import-untyped]

from newsevents.errors import Errors
from newsevents.stages.ingest.html import HTML_TYPES, html_bytes_to_article, html_fragment_text
from newsevents.stages.ingest.options import Context
from newsevents.stages.ingest.records import (
    Fields,
    Origin,
    build_article,
    failure_from,
    origin,
    outlet_from_url,
)
from newsevents.types import Article, Failure

FETCH_TIMEOUT_SECONDS = 10
FETCH_MAX_BYTES = 20_000_000
USER_AGENT = "newsevents-ingest/0.1 (+https://pypi.org/project/newsevents/)"


def read_feed(data: bytes, *, context: Context, skip_links: Container[str] = (),
              before_fetch: Callable[[str], None] | None = None) -> Iterator[Article | Failure]:
    """Yield one Article or Failure per entry of an RSS/Atom feed.

    Entries whose link is in ``skip_links`` (already stored) are passed over
    unread; ``before_fetch`` is called with each link before its page is
    fetched (``watch`` spaces its requests and remembers the links with it).
    """
    whole = origin(context.source)
    try:
        parsed = feedparser.parse(data)
    except Exception as e:  # noqa: BLE001 - feedparser on hostile XML may raise anything; one Failure
        yield failure_from(whole, Errors.E151, cause=e,
                           detail=f"{type(e).__name__}: {e}")
        return
    entries = list(parsed.get("entries") or ())
    if not entries:
        if parsed.get("bozo"):
            problem = parsed.get("bozo_exception")
            yield failure_from(whole, Errors.E151,
                               detail=str(problem) if problem else "no RSS or Atom elements")
        else:
            yield failure_from(whole, Errors.E150)
        return
    notes: tuple[str, ...] = ("feed_malformed",) if parsed.get("bozo") else ()
    feed_link = (parsed.get("feed") or {}).get("link")
    for number, entry in enumerate(entries, start=1):
        link = entry.get("link") or None
        if skip_links and link in skip_links:
            continue
        if before_fetch is not None and context.options.follow_links and link:
            before_fetch(link)
        where = origin(context.source, number, unit="entry")
        yield _entry_article(entry, where=where, context=context, feed_link=feed_link,
                             notes=notes)


def _entry_article(entry: Any, *, where: Origin, context: Context, feed_link: str | None,
                   notes: tuple[str, ...]) -> Article | Failure:
    link = entry.get("link") or None
    title = entry.get("title") or None
    published = _entry_date(entry)
    if context.options.follow_links:
        if not link:
            return failure_from(where, Errors.E154)
        try:
            page, charset = fetch(link)
        except (OSError, ValueError, http.client.HTTPException) as e:
            return failure_from(where, Errors.E153, cause=e, url=link,
                                detail=str(e) or type(e).__name__)
        return html_bytes_to_article(page, where=where, context=context, url=link,
                                     charset=charset, title=title, published=published,
                                     notes=notes + ("followed_link",))
    text = _entry_text(entry)
    if text is None:
        return failure_from(where, Errors.E152)
    return build_article(
        Fields(text=text, url=link, title=title, published=published, notes=notes,
               outlet=None if link else outlet_from_url(feed_link)),
        where=where,
        options=context.options,
    )


def _entry_text(entry: Any) -> str | None:
    """The entry's content, else its summary, as plain text (None if neither has any)."""
    candidates = [*(entry.get("content") or ()), entry.get("summary_detail")]
    for detail in candidates:
        if not detail or not (detail.get("value") or "").strip():
            continue
        value = detail["value"]
        if (detail.get("type") or "text/html") in HTML_TYPES:
            value = html_fragment_text(value)
        if value.strip():
            return str(value)
    return None


def _entry_date(entry: Any) -> dt.date | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed: time.struct_time | None = entry.get(key)
        if parsed:
            try:
                return dt.date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday)
            except ValueError:
                continue
    return None


def fetch(url: str) -> tuple[bytes, str | None]:
    """GET ``url`` with a short timeout; the body and its declared charset.

    Only http(s) is fetched: a feed must not make newsevents read local
    files through ``file:`` links. Raises OSError/ValueError/HTTPException.
    """
    if not url.lower().startswith(("http://", "https://")):
        raise ValueError("only http and https links are fetched")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT_SECONDS) as response:
        body = response.read(FETCH_MAX_BYTES)
        charset = response.headers.get_content_charset()
    return body, charset
