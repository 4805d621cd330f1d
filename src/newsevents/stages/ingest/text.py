"""Plain text: one file (or standard input) is one article."""

from __future__ import annotations

from collections.abc import Iterator

from newsevents.errors import InputError
from newsevents.stages.ingest.hygiene import decode_bytes
from newsevents.stages.ingest.options import Context
from newsevents.stages.ingest.records import Fields, build_article, failure, origin
from newsevents.types import Article, Failure


def read_text(data: bytes, *, context: Context) -> Iterator[Article | Failure]:
    """Yield the one Article (or Failure) a text file holds."""
    where = origin(context.source, 1)
    try:
        decoded = decode_bytes(data, where=where.label)
    except InputError as e:
        yield failure(where, e)
        return
    yield build_article(
        Fields(text=decoded.text, url=context.url, notes=decoded.notes),
        where=where,
        options=context.options,
    )
