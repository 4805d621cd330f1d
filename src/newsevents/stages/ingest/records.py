"""Turning one input record into an Article or a Failure.

Every format reader ends here, so the metadata rules (ids, outlets, dates)
and the text checks are the same whatever the input looked like.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from newsevents.errors import InputError, NewsEventsError
from newsevents.stages.ingest.hygiene import check_text
from newsevents.stages.ingest.options import IngestOptions
from newsevents.types import Article, Failure, content_hash

STAGE = "ingest"
MIN_YEAR = 1800
MAX_YEAR = 2200
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")


@dataclass(frozen=True)
class Origin:
    """Where a record came from: the path, its 1-based number, and a label.

    ``label`` names the record in messages: "line 3 of 'news.jsonl'".
    """

    source: str
    record: int | None
    label: str


def origin(source: str, record: int | None = None, *, unit: str | None = None) -> Origin:
    """The Origin of record ``record`` (a ``unit``: line, row, entry…) of ``source``."""
    name = f"'{source}'"
    if record is None or unit is None:
        return Origin(source=source, record=record, label=name)
    return Origin(source=source, record=record, label=f"{unit} {record} of {name}")


def failure(where: Origin, error: NewsEventsError, *,
            cause: BaseException | None = None) -> Failure:
    """A Failure row for ``where``; ``message`` is the coded message itself."""
    return Failure(
        stage=STAGE,
        code=error.code,
        message=str(error),
        source=where.source,
        record=where.record,
        exc_type=type(cause).__name__ if cause is not None else None,
    )


def failure_from(at: Origin, template: str, *, cause: BaseException | None = None,
                 **fields: Any) -> Failure:
    """A Failure from a message template of :class:`Errors`; ``{where}`` defaults to ``at``."""
    fields.setdefault("where", at.label)
    return failure(at, InputError(template.format(**fields)), cause=cause)


@dataclass(frozen=True)
class Fields:
    """What a reader found in one record, before checks and defaults."""

    text: str
    id: str | None = None
    url: str | None = None
    title: str | None = None
    outlet: str | None = None
    published: str | dt.date | None = None
    notes: tuple[str, ...] = ()


def build_article(fields: Fields, *, where: Origin, options: IngestOptions) -> Article | Failure:
    """Check the text and fill in the metadata rules (a missing publication date or outlet
    comes from ``options``); a refused text is a Failure."""
    try:
        checked = check_text(fields.text, where=where.label, notes=fields.notes)
    except InputError as e:
        return failure(where, e)
    notes = checked.notes
    published: dt.date | None
    if isinstance(fields.published, dt.date):
        published = fields.published
    elif fields.published:
        published = parse_published(fields.published)
        if published is None:
            notes += (f"published_unparsed:{fields.published.strip()[:40]}",)
    else:
        published = None
    url = _clean(fields.url)
    return Article(
        id=_clean(fields.id) or derive_id(url=url, text=checked.text),
        text=checked.text,
        url=url,
        title=_clean(fields.title),
        outlet=_clean(fields.outlet) or options.outlet or outlet_from_url(url),
        published=published or options.published,
        language=checked.language,
        source=where.source,
        record=where.record,
        notes=notes,
    )


def derive_id(*, url: str | None, text: str) -> str:
    """A stable id: the sha1 of the URL, or of the content hash when there is no URL."""
    return hashlib.sha1((url or content_hash(text)).encode("utf-8")).hexdigest()[:16]


def outlet_from_url(url: str | None) -> str | None:
    """The URL's host name without a leading ``www.``; None if there is no host."""
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


def parse_published(value: str) -> dt.date | None:
    """A publication date from the usual ways of writing one, or None.

    ISO 8601 and RFC 2822 (feeds, HTTP) are parsed directly; anything else
    goes to dateparser, English only and with day, month and year required,
    so that "Tuesday" or "2024" never becomes a made-up date.
    """
    text = value.strip()
    if not text:
        return None
    match = _ISO_DATE.match(text)
    if match:
        try:
            return _plausible(dt.date(*(int(part) for part in match.groups())))
        except ValueError:
            return None
    try:
        return _plausible(email.utils.parsedate_to_datetime(text).date())
    except (TypeError, ValueError, IndexError):
        pass
    import dateparser  # type: ignore[import-untyped]  # slow to load, rarely needed

    parsed = dateparser.parse(text[:100], languages=["en"], settings={
        "REQUIRE_PARTS": ["day", "month", "year"], "PREFER_DAY_OF_MONTH": "first"})
    return _plausible(parsed.date()) if parsed is not None else None


def _plausible(date: dt.date) -> dt.date | None:
    return date if MIN_YEAR <= date.year <= MAX_YEAR else None


def _clean(value: str | None) -> str | None:
    """Strip a metadata string; an empty one is unknown (None), never ""."""
    if value is None:
        return None
    stripped = value.strip()
    return stripped or None

