"""HTML pages: main text and metadata through trafilatura.

trafilatura finds the article body among menus and footers and reads the
title, date, site name and canonical URL. Two cases it cannot handle get a
plain-text fallback (and a note): HTML fragments without ``<html>``/``<body>``
(feed summaries, snippets saved as files), and pages nested deeper than
lxml's tree limit (about 255 levels), which it silently returns nothing for.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import urljoin

import trafilatura

from newsevents.errors import Errors, InputError
from newsevents.stages.ingest.hygiene import decode_bytes
from newsevents.stages.ingest.options import Context
from newsevents.stages.ingest.records import (
    Fields,
    Origin,
    build_article,
    failure,
    failure_from,
    origin,
)
from newsevents.types import Article, Failure

LXML_MAX_DEPTH = 200
# Media types of HTML pages (feed enclosures, WARC responses).
HTML_TYPES = ("text/html", "application/xhtml+xml")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_DOCUMENT_TAG = re.compile(r"<\s*(html|body)[\s>]", re.IGNORECASE)
_BLOCK_TAGS = frozenset({
    "p", "div", "br", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6",
    "article", "section", "header", "footer", "blockquote", "pre", "hr", "dd", "dt", "figure",
})
_SKIPPED_TAGS = frozenset({"script", "style", "head", "title", "noscript", "template", "svg"})
_VOID_TAGS = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr",
})


def read_html(data: bytes, *, context: Context) -> Iterator[Article | Failure]:
    """Yield the one Article (or Failure) an HTML file holds."""
    where = origin(context.source, 1)
    yield html_bytes_to_article(data, where=where, context=context, url=context.url,
                                url_given=context.url is not None)


def html_bytes_to_article(data: bytes, *, where: Origin, context: Context, url: str | None,
                          url_given: bool = False, charset: str | None = None,
                          title: str | None = None, published: dt.date | None = None,
                          notes: tuple[str, ...] = ()) -> Article | Failure:
    """Decode an HTML page (``charset`` from HTTP, else its meta tag) and extract it."""
    declared = charset or _meta_charset(data)
    try:
        decoded = decode_bytes(data, where=where.label, declared=declared)
    except InputError as e:
        return failure(where, e)
    return html_to_article(decoded.text, where=where, context=context, url=url,
                           url_given=url_given, title=title, published=published,
                           notes=notes + decoded.notes)


def html_to_article(html: str, *, where: Origin, context: Context, url: str | None,
                    url_given: bool = False, title: str | None = None,
                    published: dt.date | None = None,
                    notes: tuple[str, ...] = ()) -> Article | Failure:
    """Extract the main text and metadata of ``html``.

    ``url`` is where the page came from; the page's canonical URL wins over
    it unless ``url_given`` (the user passed ``--url``). ``title`` and ``published`` are fallbacks
    from the container (a feed entry) for pages that lack them.
    """
    try:
        document = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, include_tables=True)
    except Exception as e:  # noqa: BLE001 - hostile HTML may break lxml in any way; one page, one Failure
        return failure_from(where, Errors.E141, cause=e,
                            exc_type=type(e).__name__, detail=str(e)[:200] or "no detail")
    text = getattr(document, "text", None) if document is not None else None
    if not text or not text.strip():
        fallback = _fallback_text(html)
        if fallback is None:
            return failure_from(where, Errors.E140)
        text, reason = fallback
        notes += (f"html_fallback:{reason}",)
        document = None
    canonical = _absolute(getattr(document, "url", None), base=url)
    return build_article(
        Fields(
            text=text,
            url=url if url_given else canonical or url,
            title=getattr(document, "title", None) or title,
            outlet=getattr(document, "sitename", None),
            published=getattr(document, "date", None) or published,
            notes=notes,
        ),
        where=where,
        options=context.options,
    )


def _meta_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii").lower() if match else None


def _absolute(candidate: str | None, *, base: str | None) -> str | None:
    """``candidate`` as an absolute http(s) URL, or None."""
    if not candidate:
        return None
    absolute = urljoin(base, candidate) if base else candidate
    return absolute if absolute.startswith(("http://", "https://")) else None


def _fallback_text(html: str) -> tuple[str, str] | None:
    """Plain text for the cases trafilatura cannot handle, with the reason; else None."""
    parser = _TextCollector()
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError):
        # html.parser gives up on some malformed markup (marked sections).
        return None
    text = parser.text()
    if not text.strip():
        return None
    if parser.max_depth > LXML_MAX_DEPTH:
        return text, "deep_nesting"
    if not _DOCUMENT_TAG.search(html[:100_000]):
        return text, "fragment"
    return None


def html_fragment_text(html: str) -> str:
    """The visible text of an HTML fragment, one line per block element.

    Markup html.parser cannot read is returned as it is: a feed summary with
    stray markup is still better text than none.
    """
    parser = _TextCollector()
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError):
        return html
    return parser.text()


class _TextCollector(HTMLParser):
    """Collects visible text and the deepest element nesting, without recursion."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.depth = 0
        self.max_depth = 0
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")
        if tag in _SKIPPED_TAGS:
            self.skipping += 1
        if tag not in _VOID_TAGS:
            self.depth += 1
            self.max_depth = max(self.max_depth, self.depth)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS and self.skipping:
            self.skipping -= 1
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")
        if tag not in _VOID_TAGS and self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)

    def text(self) -> str:
        lines = (" ".join(line.split()) for line in "".join(self.parts).split("\n"))
        return "\n".join(line for line in lines if line)
