"""The ingest stage: paths in, one Article or one Failure per input record out.

``read_inputs`` accepts files, folders (read recursively in sorted order,
hidden files skipped), glob patterns, and ``-`` for standard input. Each
file's format comes from ``--input-format`` or, on ``auto``, from its
extension (``.gz`` stripped) and, failing that, from its first bytes. One
module per format does the reading:

=========  =========================  ==========================
format     module                     one input record is
=========  =========================  ==========================
text       :mod:`.text`               the file
jsonl      :mod:`.jsonl`              a non-blank line
csv, tsv   :mod:`.tabular`            a data row
html       :mod:`.html`               the file
feed       :mod:`.feed`               an entry
warc       :mod:`.warc`               an HTML response record
=========  =========================  ==========================

Nothing is lost: a record that cannot become an Article becomes a Failure
naming it, and so does a path that does not exist, a glob or folder that
holds nothing, and a file with no records at all. The generator does not
raise for bad input; an unexpected error while reading a file becomes an
E199 Failure and the next input is read.
"""

from __future__ import annotations

import glob
import gzip
import io
import os
import sys
import zlib
from collections.abc import Iterator, Sequence
from http.client import HTTPException
from typing import BinaryIO, cast

from newsevents.errors import Errors
from newsevents.stages.ingest.feed import fetch, read_feed
from newsevents.stages.ingest.html import read_html
from newsevents.stages.ingest.jsonl import read_jsonl
from newsevents.stages.ingest.options import Context, IngestOptions, InputFormat
from newsevents.stages.ingest.records import failure_from, origin
from newsevents.stages.ingest.tabular import read_tabular
from newsevents.stages.ingest.text import read_text
from newsevents.stages.ingest.warc import read_warc
from newsevents.types import Article, Failure

__all__ = ["IngestOptions", "InputFormat", "expand_path", "read_bytes", "read_file", "read_inputs"]

STDIN = "-"
_URL_SCHEMES = ("http://", "https://")
HEAD_BYTES = 4096
GZIP_MAGIC = b"\x1f\x8b"
_GLOB_CHARS = ("*", "?", "[")
_EXTENSIONS: dict[str, InputFormat] = {
    ".txt": "text", ".text": "text", ".md": "text",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".jsonlines": "jsonl", ".json": "jsonl",
    ".csv": "csv", ".tsv": "tsv", ".tab": "tsv",
    ".html": "html", ".htm": "html", ".xhtml": "html", ".shtml": "html",
    ".xml": "feed", ".rss": "feed", ".atom": "feed", ".rdf": "feed", ".feed": "feed",
    ".warc": "warc", ".arc": "warc",
}


def read_inputs(paths: Sequence[str], *, options: IngestOptions) -> Iterator[Article | Failure]:
    """Yield exactly one Article or Failure per input record of ``paths``, in order."""
    single = len(paths) == 1 and (paths[0] == STDIN or os.path.isfile(paths[0])
                                  or paths[0].lower().startswith(_URL_SCHEMES))
    for path in paths:
        yield from _read_path(path, options=options, single=single)


def _read_path(path: str, *, options: IngestOptions, single: bool) -> Iterator[Article | Failure]:
    if path == STDIN:
        yield from _guarded(STDIN, _read_stdin(options=options))
        return
    if path.lower().startswith(_URL_SCHEMES):
        yield from _guarded(path, _read_url(path, options=options, single=single))
        return
    for item in expand_path(path):
        if isinstance(item, Failure):
            yield item
        else:
            yield from read_file(item, options=options, single=single and item == path)


def expand_path(path: str) -> Iterator[str | Failure]:
    """The files a local path, folder or glob names, in reading order; a Failure if none."""
    if os.path.isdir(path):
        files = _folder_files(path)
        if not files:
            yield failure_from(origin(path), Errors.E104, path=path)
        yield from files
        return
    if os.path.lexists(path):
        yield path
        return
    if any(char in path for char in _GLOB_CHARS):
        matches = [
            file
            for match in sorted(glob.glob(path, recursive=True))
            for file in (_folder_files(match) if os.path.isdir(match) else [match])
        ]
        if not matches:
            yield failure_from(origin(path), Errors.E102, pattern=path)
        yield from matches
        return
    yield failure_from(origin(path), Errors.E101, path=path)


def read_file(path: str, *, options: IngestOptions,
              single: bool = False) -> Iterator[Article | Failure]:
    """The records of one local file (an unexpected error becomes one E199 Failure)."""
    yield from _guarded(path, _read_file(path, options=options, single=single))


def read_bytes(data: bytes, *, source: str, options: IngestOptions,
               single: bool = False) -> Iterator[Article | Failure]:
    """The records of one file's bytes (read from anywhere), named ``source``."""
    yield from _guarded(source, _read_stream(io.BytesIO(data), source=source, options=options,
                                             single=single, is_stdin=False))


def _folder_files(folder: str) -> list[str]:
    """Every non-hidden file under ``folder``, in sorted path order."""
    found: list[str] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = [name for name in dirs if not name.startswith(".")]
        found.extend(os.path.join(root, name) for name in files if not name.startswith("."))
    return sorted(found)


def _guarded(source: str, records: Iterator[Article | Failure]) -> Iterator[Article | Failure]:
    """Pass ``records`` through; an unexpected error becomes one E199 Failure."""
    last = 0
    try:
        for item in records:
            last = item.record or last
            yield item
    except Exception as e:  # noqa: BLE001 - one unreadable file must not end the run
        where = origin(source, last + 1, unit="record")
        yield failure_from(where, Errors.E199, cause=e,
                           exc_type=type(e).__name__, detail=str(e)[:200] or "no detail")


def _read_stdin(*, options: IngestOptions) -> Iterator[Article | Failure]:
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is not None:
        data = buffer.read()
    elif sys.stdin is not None:
        data = sys.stdin.read().encode("utf-8")
    else:
        yield failure_from(origin(STDIN), Errors.E103, where="standard input",
                           detail="there is no standard input")
        return
    yield from _read_stream(io.BytesIO(data), source=STDIN, options=options, single=True,
                            is_stdin=True)


def _read_url(url: str, *, options: IngestOptions, single: bool) -> Iterator[Article | Failure]:
    """A feed or page given by its address: fetched once, then read like a file."""
    try:
        body, _charset = fetch(url)
    except (OSError, ValueError, HTTPException) as e:
        detail = str(e) or type(e).__name__
        yield failure_from(origin(url), Errors.E107, cause=e, url=url, detail=detail)
        return
    yield from _read_stream(io.BytesIO(body), source=url, options=options, single=single,
                            is_stdin=False)


def _read_file(path: str, *, options: IngestOptions, single: bool) -> Iterator[Article | Failure]:
    try:
        handle = open(path, "rb")
    except OSError as e:
        yield failure_from(origin(path), Errors.E103, cause=e,
                           detail=e.strerror or str(e))
        return
    with handle:
        yield from _read_stream(handle, source=path, options=options, single=single,
                                is_stdin=False)


def _read_stream(handle: BinaryIO, *, source: str, options: IngestOptions, single: bool,
                 is_stdin: bool) -> Iterator[Article | Failure]:
    """Pick the format of a seekable binary stream and hand it to its reader."""
    whole = origin(source)
    try:
        head = handle.read(HEAD_BYTES)
        handle.seek(0)
    except OSError as e:
        yield failure_from(whole, Errors.E103, cause=e,
                           detail=e.strerror or str(e))
        return
    gzipped = head.startswith(GZIP_MAGIC)
    if source.lower().endswith(".gz") and not gzipped:
        yield failure_from(whole, Errors.E105,
                           detail="it is named .gz but does not start with the gzip magic bytes")
        return
    input_format = options.input_format
    if input_format == "auto":
        input_format = "text" if is_stdin else _detect(source, head, handle, gzipped=gzipped)
    context = Context(source=source, options=options, single=single)
    if input_format == "warc":
        # warcio reads both plain and record-by-record gzipped archives itself.
        yield from read_warc(handle, context=context)
        return
    stream = cast(BinaryIO, gzip.GzipFile(fileobj=handle, mode="rb")) if gzipped else handle
    if input_format == "jsonl":
        yield from read_jsonl(stream, context=context)
        return
    try:
        data = stream.read()
    except (EOFError, OSError, zlib.error) as e:
        template = Errors.E105 if gzipped else Errors.E103
        yield failure_from(whole, template, cause=e, where=whole.label,
                           detail=str(e) or type(e).__name__)
        return
    if input_format == "csv":
        yield from read_tabular(data, delimiter=",", context=context)
    elif input_format == "tsv":
        yield from read_tabular(data, delimiter="\t", context=context)
    elif input_format == "html":
        yield from read_html(data, context=context)
    elif input_format == "feed":
        yield from read_feed(data, context=context)
    else:
        yield from read_text(data, context=context)


def _detect(source: str, head: bytes, handle: BinaryIO, *, gzipped: bool) -> InputFormat:
    """The format a file's extension names, else the one its first bytes suggest."""
    name = source.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    extension = os.path.splitext(name)[1]
    if extension in _EXTENSIONS:
        return _EXTENSIONS[extension]
    if gzipped:
        try:
            head = gzip.GzipFile(fileobj=handle, mode="rb").read(HEAD_BYTES)
        except (EOFError, OSError, zlib.error):
            head = b""
        handle.seek(0)
    return sniff_format(head)


def sniff_format(head: bytes) -> InputFormat:
    """The format the first bytes of a file look like; text when nothing matches."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:HEAD_BYTES].lower()
    if start.startswith(b"warc/"):
        return "warc"
    if start.startswith((b"{", b"[")):
        return "jsonl"
    if start.startswith(b"<"):
        if any(tag in start for tag in (b"<rss", b"<feed", b"<rdf:rdf")):
            return "feed"
        if start.startswith(b"<?xml") and b"<html" not in start:
            return "feed"
        return "html"
    return "text"
