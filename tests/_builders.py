"""Hand-built inputs several test modules share (imported as ``from _builders import …``)."""

from __future__ import annotations

import io

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsevents.types import Event, Span


def hand_event(text: str, trigger: str, *, kind: str = "ASSAULT", occurrence: int = 0) -> Event:
    """An event on the ``occurrence``-th ``trigger`` of ``text``, its sentence cut at ". "."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(trigger, start + 1)
    before = text.rfind(". ", 0, start)
    sentence_start = 0 if before < 0 else before + 2
    sentence_end = text.find(". ", start)
    sentence_end = len(text) if sentence_end < 0 else sentence_end + 1
    return Event(
        id=f"e{start}", article_id="a1", type=kind, mode=None, contexts=(), cameo=None,
        quad_class=None, goldstein=None, source=(), target=(),
        trigger=Span(trigger, start, start + len(trigger)),
        sentence=Span(text[sentence_start:sentence_end], sentence_start, sentence_end),
        confidence=0.9,
    )


def warc_record(url: str, body: bytes, *, content_type: str = "text/html; charset=utf-8",
                record_type: str = "response", status: str = "200 OK",
                compress: bool = True) -> bytes:
    """One WARC record (a gzip member when ``compress``) as bytes; records concatenate."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=compress)
    if record_type == "response":
        http = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
        record = writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                           http_headers=http)
    else:
        record = writer.create_warc_record(url, record_type, payload=io.BytesIO(body),
                                           warc_content_type=content_type)
    writer.write_record(record)
    return buffer.getvalue()
