"""The options of the ingest stage, shared by every format reader."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

InputFormat = Literal["auto", "text", "jsonl", "csv", "tsv", "html", "feed", "warc"]


@dataclass(frozen=True)
class IngestOptions:
    """How to read the inputs. Every field has a default that suits most inputs.

    ``published`` and ``outlet`` fill in records that carry none; ``url``
    applies only when a single text or HTML article is read. The ``*_col``
    fields name CSV/TSV columns (common names are recognised when unset).
    ``follow_links`` makes feeds fetch each entry's page over the network.
    """

    input_format: InputFormat = "auto"
    published: dt.date | None = None
    url: str | None = None
    outlet: str | None = None
    text_col: str | None = None
    id_col: str | None = None
    date_col: str | None = None
    url_col: str | None = None
    title_col: str | None = None
    follow_links: bool = False


@dataclass(frozen=True)
class Context:
    """What a format reader knows about the input it reads.

    ``source`` is the path as reported in records; ``single`` is True when
    this input is the only, single-file input, so ``options.url`` applies.
    """

    source: str
    options: IngestOptions
    single: bool = False

    @property
    def url(self) -> str | None:
        return self.options.url if self.single else None
