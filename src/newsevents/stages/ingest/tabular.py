"""CSV and TSV: a header row, then one article per row.

Columns are named with ``--text-col`` and friends; when a column is not
named, the first header matching a common name (case-insensitive) is used,
so exports from most news datasets read without options. Fields may be of
any size: the csv module's field limit is raised while reading.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from newsevents.errors import Errors, InputError
from newsevents.stages.ingest.hygiene import decode_bytes
from newsevents.stages.ingest.options import Context
from newsevents.stages.ingest.records import Fields, build_article, failure, failure_from, origin
from newsevents.types import Article, Failure

FIELD_SIZE_LIMIT = 2**31 - 1
TEXT_COLUMNS = ("text", "content", "body", "article", "article_text", "full_text", "maintext",
                "story")
ID_COLUMNS = ("id", "article_id", "doc_id", "uid", "guid")
DATE_COLUMNS = ("published", "date", "publish_date", "pub_date", "publication_date",
                "published_at", "datetime")
URL_COLUMNS = ("url", "link", "source_url", "article_url")
TITLE_COLUMNS = ("title", "headline")
OUTLET_COLUMNS = ("outlet", "source", "site", "publisher", "site_name", "sitename", "domain")


@dataclass(frozen=True)
class Columns:
    """Indexes of the columns a row's fields come from (None: no such column)."""

    text: int | None
    id: int | None
    published: int | None
    url: int | None
    title: int | None
    outlet: int | None


def read_tabular(data: bytes, *, delimiter: str, context: Context) -> Iterator[Article | Failure]:
    """Yield one Article or Failure per data row of a CSV (``,``) or TSV (``\\t``) file."""
    kind = "TSV" if delimiter == "\t" else "CSV"
    whole = origin(context.source)
    try:
        decoded = decode_bytes(data, where=whole.label)
    except InputError as e:
        yield failure(whole, e)
        return
    previous_limit = csv.field_size_limit(FIELD_SIZE_LIMIT)
    try:
        yield from _rows(decoded.text, notes=decoded.notes, kind=kind, delimiter=delimiter,
                         context=context)
    finally:
        csv.field_size_limit(previous_limit)


def _rows(text: str, *, notes: tuple[str, ...], kind: str, delimiter: str,
          context: Context) -> Iterator[Article | Failure]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    whole = origin(context.source)
    try:
        header = next(reader, None)
    except csv.Error as e:
        yield failure_from(whole, Errors.E132, cause=e, kind=kind, detail=e)
        return
    if header is None or not any(cell.strip() for cell in header):
        yield failure_from(whole, Errors.E106)
        return
    columns = _columns(header, context=context)
    wanted = repr(context.options.text_col) if context.options.text_col else (
        "one of " + ", ".join(TEXT_COLUMNS))
    number = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            number += 1
            where = origin(context.source, number, unit="row")
            yield failure_from(where, Errors.E132, cause=e, kind=kind,
                               detail=f"line {reader.line_num}: {e}")
            continue
        if not row:
            continue
        number += 1
        where = origin(context.source, number, unit="row")
        if len(row) != len(header):
            yield failure_from(where, Errors.E130, where=f"{where.label} (line {reader.line_num})",
                               found=len(row), expected=len(header))
            continue
        if columns.text is None:
            yield failure_from(where, Errors.E131, wanted=wanted,
                               columns=", ".join(repr(name) for name in header))
            continue
        yield build_article(
            Fields(
                text=row[columns.text],
                id=_cell(row, columns.id),
                url=_cell(row, columns.url),
                title=_cell(row, columns.title),
                outlet=_cell(row, columns.outlet),
                published=_cell(row, columns.published),
                notes=notes,
            ),
            where=where,
            options=context.options,
        )
    if number == 0:
        yield failure_from(whole, Errors.E106)


def _columns(header: Sequence[str], *, context: Context) -> Columns:
    options = context.options
    names = [name.strip().lstrip("\ufeff").lower() for name in header]

    def find(given: str | None, candidates: Sequence[str]) -> int | None:
        wanted = [given.strip().lower()] if given else list(candidates)
        for candidate in wanted:
            if candidate in names:
                return names.index(candidate)
        return None

    return Columns(
        text=find(options.text_col, TEXT_COLUMNS),
        id=find(options.id_col, ID_COLUMNS),
        published=find(options.date_col, DATE_COLUMNS),
        url=find(options.url_col, URL_COLUMNS),
        title=find(options.title_col, TITLE_COLUMNS),
        outlet=find(None, OUTLET_COLUMNS),
    )


def _cell(row: Sequence[str], index: int | None) -> str | None:
    return row[index] if index is not None else None
