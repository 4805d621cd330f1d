"""JSON Lines: one JSON object per line, one article per object.

The file is streamed line by line, so a file of any size can be read and a
broken line costs only that line. A ``.json`` file that is one JSON array
of objects (a common export) is read as well, one record per element.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

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

TEXT_FIELDS = ("text", "content", "body")
DATE_FIELDS = ("published", "date", "publish_date")
ID_FIELDS = ("id",)
URL_FIELDS = ("url",)
TITLE_FIELDS = ("title",)
OUTLET_FIELDS = ("outlet",)
ARRAY_PEEK_BYTES = 4096


def read_jsonl(stream: BinaryIO, *, context: Context) -> Iterator[Article | Failure]:
    """Yield one Article or Failure per non-blank line of ``stream``."""
    try:
        head = stream.read(ARRAY_PEEK_BYTES)
        stream.seek(0)
    except (EOFError, OSError, zlib.error) as e:
        where = origin(context.source, 1, unit="line")
        yield failure_from(where, Errors.E105, cause=e,
                           detail=str(e) or type(e).__name__)
        return
    if _is_json_document(context.source) and head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"["):
        array = _json_array(stream)
        stream.seek(0)
        if array is not None:
            yield from _array_records(array, context=context)
            return
    records = 0
    for number, line in _numbered_lines(stream, context=context):
        if isinstance(line, Failure):
            records += 1
            yield line
            return
        if not line.strip():
            continue
        records += 1
        yield _read_line(line, where=origin(context.source, number, unit="line"),
                         context=context)
    if records == 0:
        yield failure_from(origin(context.source), Errors.E106)


def _is_json_document(source: str) -> bool:
    """A ``.json`` file may be one JSON array; a ``.jsonl`` line may be an array too."""
    name = source.lower()
    return name.endswith((".json", ".json.gz"))


def _numbered_lines(stream: BinaryIO, *, context: Context) -> Iterator[tuple[int, bytes | Failure]]:
    """(line number, bytes) pairs; a broken gzip stream ends with a Failure."""
    number = 0
    lines = iter(stream)
    while True:
        try:
            line = next(lines)
        except StopIteration:
            return
        except (EOFError, OSError, zlib.error) as e:
            where = origin(context.source, number + 1, unit="line")
            yield number + 1, failure_from(where, Errors.E105, cause=e,
                                           detail=str(e) or type(e).__name__)
            return
        number += 1
        yield number, line


def _read_line(line: bytes, *, where: Origin, context: Context) -> Article | Failure:
    try:
        decoded = decode_bytes(line, where=where.label)
        value = json.loads(decoded.text)
    except InputError as e:
        return failure(where, e)
    except json.JSONDecodeError as e:
        return failure_from(where, Errors.E120, cause=e, detail=e.msg +
                            f" at column {e.colno}")
    except RecursionError as e:
        return failure_from(where, Errors.E120, cause=e,
                            detail="nested too deeply")
    return record_to_article(value, where=where, context=context, notes=decoded.notes)


def _json_array(stream: BinaryIO) -> tuple[list[Any], tuple[str, ...]] | None:
    """The file as one JSON array holding objects (and its decode notes), else None."""
    try:
        decoded = decode_bytes(stream.read(), where="the file")
        values = json.loads(decoded.text)
    except (InputError, json.JSONDecodeError, RecursionError, EOFError, OSError, zlib.error):
        return None
    if not isinstance(values, list) or not any(isinstance(value, dict) for value in values):
        return None
    return values, decoded.notes


def _array_records(array: tuple[list[Any], tuple[str, ...]], *,
                   context: Context) -> Iterator[Article | Failure]:
    values, notes = array
    for number, value in enumerate(values, start=1):
        yield record_to_article(value, where=origin(context.source, number, unit="record"),
                                context=context, notes=notes)


def record_to_article(value: Any, *, where: Origin, context: Context,
                      notes: tuple[str, ...] = ()) -> Article | Failure:
    """One parsed JSON value → Article, or a Failure naming the bad field."""
    if not isinstance(value, dict):
        return failure_from(where, Errors.E121, kind=_json_kind(value))
    text_field = next((name for name in TEXT_FIELDS if value.get(name) is not None), None)
    if text_field is None:
        return failure_from(where, Errors.E122,
                            fields=", ".join(repr(name) for name in TEXT_FIELDS))
    try:
        text = _typed(value, (text_field,), where=where, expected=(str,))
        record_id = _typed(value, ID_FIELDS, where=where, expected=(str, int))
        url = _typed(value, URL_FIELDS, where=where, expected=(str,))
        title = _typed(value, TITLE_FIELDS, where=where, expected=(str,))
        outlet = _typed(value, OUTLET_FIELDS, where=where, expected=(str,))
        published = _typed(value, DATE_FIELDS, where=where, expected=(str,))
    except InputError as e:
        return failure(where, e)
    return build_article(
        Fields(text=str(text), id=None if record_id is None else str(record_id), url=url,
               title=title, outlet=outlet, published=published, notes=notes),
        where=where,
        options=context.options,
    )


def _typed(value: dict[str, Any], names: Iterable[str], *, where: Origin,
           expected: tuple[type, ...]) -> Any:
    """The first non-null field of ``names``; E123 if it has the wrong type."""
    for name in names:
        field_value = value.get(name)
        if field_value is None:
            continue
        if isinstance(field_value, bool) or not isinstance(field_value, expected):
            raise InputError(Errors.E123.format(
                where=where.label, field=name, kind=_json_kind(field_value),
                expected=" or ".join(_JSON_NAMES[kind] for kind in expected)))
        return field_value
    return None


_JSON_NAMES: dict[type, str] = {
    str: "string", int: "integer", float: "number", bool: "boolean", list: "array",
    dict: "object", type(None): "null",
}


def _json_kind(value: Any) -> str:
    return _JSON_NAMES.get(type(value), type(value).__name__)
