"""The read-only HTTP API and the dashboard over one event database.

``create_app(db_path)`` builds a FastAPI application: JSON endpoints under
``/api`` (described by OpenAPI at ``/openapi.json``; no CDN-hosted docs page,
to stay offline), the dashboard at ``/`` and its files under ``/static``. Reads go through
``newsevents.store.browse.StoreReader`` on a snapshot of the file (see
``newsevents.serve.snapshot``), so ``run`` and ``watch`` may write meanwhile.

Errors are JSON, ``{"ok": false, "status", "code", "error", "parameter"}``,
never a stack trace: 400 for a bad parameter (named), 404 for an unknown id
or path, 405 for anything but GET, 503 while the database cannot be read or
a query ran too long, 500 (E605) for a bug.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import datetime as dt
import inspect
import io
import typing
from collections.abc import AsyncIterator, Callable, Mapping
from pathlib import Path
from typing import Any, Literal

from fastapi import Depends, FastAPI, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from newsevents.errors import Errors, InputError, NewsEventsError, ResourceError
from newsevents.serve.snapshot import CHECK_INTERVAL_SECONDS, SnapshotSource
from newsevents.store.base import EventQuery, parse_near
from newsevents.store.browse import (
    DEFAULT_PAGE,
    EVENT_LIST_COLUMNS,
    INTERVALS,
    MAX_PAGE,
    QUERY_TIMEOUT_SECONDS,
    SORT_CHOICES,
    Page,
    StoreReader,
)
from newsevents.types import PLOVER_TYPES

DASHBOARD = Path(__file__).resolve().parent / "dashboard"

#: What each EventQuery field means as a query parameter (a new field needs only a line here).
FILTER_HELP: Mapping[str, str] = {
    "type": "PLOVER event type, e.g. ASSAULT (case-insensitive).",
    "country": "ISO-3 code of a source, target or location country, e.g. UKR.",
    "actor": "Text in an actor's name or mention (case-insensitive).",
    "since": "Events on or after this day (YYYY-MM-DD; event date, else publication date).",
    "until": "Events on or before this day (YYYY-MM-DD).",
    "near": "LAT,LON,KM: events located within KM kilometres of LAT,LON.",
    "cluster": "Only the events of this event cluster (cluster_id).",
    "include_duplicates": "Also events of articles linked as syndicated copies.",
    "include_unasserted": "Also stored events the text does not assert (negated, "
                          "hypothetical, future, generic, historical).",
}
#: EventQuery fields that are not filters of the API (paging has its own parameters).
_NOT_FILTERS = ("limit",)


def _filter_parameters() -> list[inspect.Parameter]:
    """One keyword-only parameter per EventQuery field, typed for FastAPI's validation."""
    hints = typing.get_type_hints(EventQuery)
    parameters = []
    for field in dataclasses.fields(EventQuery):
        if field.name in _NOT_FILTERS:
            continue
        hint = hints[field.name]
        annotation: Any
        kinds = typing.get_args(hint) or (hint,)
        if hint is bool:
            annotation = bool
        elif dt.date in kinds:
            annotation = dt.date | None
        elif int in kinds or float in kinds:
            annotation = (int if int in kinds else float) | None
        else:  # strings, and Near written as "LAT,LON,KM"
            annotation = str | None
        parameters.append(inspect.Parameter(
            field.name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation,
            default=Query(field.default, description=FILTER_HELP.get(field.name, field.name))))
    return parameters


def _build_query(values: Mapping[str, Any]) -> EventQuery:
    """Check the filter values and make the EventQuery (E600 naming a bad parameter)."""
    fields: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, str):
            value = value.strip() or None
        fields[name] = value
    event_type = fields.get("type")
    if event_type is not None:
        if event_type.upper() not in PLOVER_TYPES:
            raise _bad("type", f"'{event_type}' is not one of {', '.join(PLOVER_TYPES)}")
        fields["type"] = event_type.upper()
    country = fields.get("country")
    if country is not None:
        if len(country) != 3 or not country.isascii() or not country.isalpha():
            raise _bad("country", f"'{country}' is not an ISO-3 code such as UKR")
        fields["country"] = country.upper()
    if isinstance(fields.get("near"), str):
        try:
            fields["near"] = parse_near(fields["near"])
        except InputError as e:
            raise _bad("near", str(e)) from e
    if fields.get("since") and fields.get("until") and fields["since"] > fields["until"]:
        raise _bad("until", "it is before 'since'")
    return EventQuery(**fields)


def event_filters(**values: Any) -> EventQuery:
    return _build_query(values)


event_filters.__signature__ = inspect.Signature(_filter_parameters())  # type: ignore[attr-defined]


class ApiError(Exception):
    """An error answered as JSON with its status, code and (for 400) the parameter."""

    def __init__(self, status: int, message: str, *, parameter: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.parameter = parameter


def _bad(parameter: str, detail: str) -> ApiError:
    return ApiError(400, Errors.E600.format(parameter=parameter, detail=detail),
                    parameter=parameter)


def _not_found(kind: str, key: object) -> ApiError:
    return ApiError(404, Errors.E601.format(kind=kind, key=key))


def _error_response(status: int, message: str, *, parameter: str | None = None,
                    headers: Mapping[str, str] | None = None) -> JSONResponse:
    code = message.split(":", 1)[0] if message[:1] == "E" else "E605"
    body: dict[str, Any] = {"ok": False, "status": status, "code": code, "error": message}
    if parameter is not None:
        body["parameter"] = parameter
    return JSONResponse(body, status_code=status, headers=dict(headers or {}))


Limit = typing.Annotated[int, Query(
    ge=1, le=MAX_PAGE, description=f"Rows per page (1–{MAX_PAGE}).")]
Cursor = typing.Annotated[str | None, Query(
    max_length=2000, description="The 'next' cursor of the previous page.")]


Filters = typing.Annotated[EventQuery, Depends(event_filters)]
Sort = typing.Annotated[Literal[SORT_CHOICES], Query(  # type: ignore[valid-type]
    description="Order: date, goldstein, killed, confidence or seq; -name for descending.")]


def create_app(db_path: str | Path, *, check_interval: float = CHECK_INTERVAL_SECONDS,
               timeout: float = QUERY_TIMEOUT_SECONDS) -> FastAPI:
    """The API and dashboard over the event database at ``db_path`` (read-only)."""
    source = SnapshotSource(db_path, check_interval=check_interval)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        source.close()

    app = FastAPI(
        title="newsevents", version="1", lifespan=lifespan, docs_url=None, redoc_url=None,
        description="Read-only access to a newsevents database: coded political events "
                    "(PLOVER/CAMEO) with the evidence behind each one.")
    app.state.snapshots = source

    def read(func: Callable[[StoreReader], Any]) -> Any:
        with source.reading() as store:
            return func(StoreReader(store, timeout=timeout))

    _install_handlers(app)

    @app.get("/", include_in_schema=False)
    def dashboard() -> FileResponse:
        return FileResponse(DASHBOARD / "index.html", media_type="text/html")

    app.mount("/static", StaticFiles(directory=DASHBOARD), name="static")

    @app.get("/api/stats", tags=["store"], summary="Counts of the store")
    def stats() -> JSONResponse:
        counts = read(lambda reader: reader.stats())
        return _json({"ok": True, **counts, "plover_types": list(PLOVER_TYPES),
                      "source": source.status})

    @app.get("/api/events", tags=["events"], summary="Events matching the filters, paged",
             responses={200: {"content": {"text/csv": {}, "application/geo+json": {}}}})
    def events(request: Request, query: Filters,
               sort: Sort = "date",
               limit: Limit = DEFAULT_PAGE, cursor: Cursor = None,
               format: Literal["json", "csv", "geojson"] = "json") -> Response:
        page, total = read(lambda reader: (
            reader.events(query, sort=sort, limit=limit, cursor=cursor), reader.count(query)))
        next_url = _next_url(request, page)
        headers = {"X-Total-Count": str(total)}
        if next_url:
            headers["Link"] = f'<{next_url}>; rel="next"'
        if format == "csv":
            return Response(_csv(page.rows), media_type="text/csv; charset=utf-8",
                            headers=headers)
        if format == "geojson":
            return _json(_geojson(page.rows, next_url), media_type="application/geo+json",
                         headers=headers)
        return _json({"ok": True, "total": total, "rows": page.rows, "next": page.next_cursor,
                      "next_url": next_url}, headers=headers)

    @app.get("/api/events/{seq}", tags=["events"],
             summary="One event with its evidence: article, sentence spans, mentions, cluster")
    def event(seq: int) -> JSONResponse:
        found = read(lambda reader: reader.event(seq)) if abs(seq) < 2**63 else None
        if found is None:
            raise _not_found("event", seq)
        return _json({"ok": True, **found})

    @app.get("/api/articles", tags=["articles"], summary="Stored articles, newest first")
    def articles(request: Request, include_duplicates: bool = False,
                 limit: Limit = DEFAULT_PAGE, cursor: Cursor = None) -> JSONResponse:
        page = read(lambda reader: reader.articles(
            include_duplicates=include_duplicates, limit=limit, cursor=cursor))
        return _page(request, page)

    @app.get("/api/articles/{article_id}", tags=["articles"],
             summary="One article with its text, events, quotes, places and copies")
    def article(article_id: str) -> JSONResponse:
        found = read(lambda reader: reader.article(article_id))
        if found is None:
            raise _not_found("article", article_id)
        return _json({"ok": True, **found})

    @app.get("/api/clusters", tags=["events"], summary="Event clusters, largest first")
    def clusters(request: Request, query: Filters,
                 limit: Limit = DEFAULT_PAGE, cursor: Cursor = None) -> JSONResponse:
        return _page(request, read(lambda reader: reader.clusters(
            query, limit=limit, cursor=cursor)))

    @app.get("/api/clusters/{cluster_id}", tags=["events"],
             summary="One event cluster and its events")
    def cluster(cluster_id: str) -> JSONResponse:
        query = EventQuery(cluster=cluster_id, include_duplicates=True)
        summary, members = read(lambda reader: (
            reader.clusters(query, limit=1), reader.events(query, limit=MAX_PAGE)))
        if not summary.rows:
            raise _not_found("cluster", cluster_id)
        return _json({"ok": True, **summary.rows[0], "rows": members.rows})

    @app.get("/api/timeline", tags=["aggregates"],
             summary="Event counts per day, week or month and type")
    def timeline(query: Filters,
                 interval: Literal[INTERVALS] = "day") -> JSONResponse:  # type: ignore[valid-type]
        rows = read(lambda reader: reader.timeline(query, interval=interval))
        return _json({"ok": True, "interval": interval, "rows": rows})

    @app.get("/api/map", tags=["aggregates"],
             summary="Event counts by place (with QuadClass) and by location country")
    def map_counts(query: Filters,
                   limit: typing.Annotated[int, Query(ge=1, le=MAX_PAGE)] = 2000
                   ) -> JSONResponse:
        return _json({"ok": True, **read(lambda reader: reader.map_counts(query, limit=limit))})

    @app.get("/api/dyads", tags=["aggregates"],
             summary="Top source → target country pairs")
    def dyads(query: Filters,
              limit: typing.Annotated[int, Query(ge=1, le=500)] = 20) -> JSONResponse:
        return _json({"ok": True, "rows": read(lambda reader: reader.dyads(query, limit=limit))})

    @app.get("/api/failures", tags=["store"], summary="Records that could not be coded")
    def failures(request: Request, code: typing.Annotated[str | None, Query(
                     max_length=8, description="Only this error code, e.g. E153.")] = None,
                 limit: Limit = DEFAULT_PAGE, cursor: Cursor = None) -> JSONResponse:
        return _page(request, read(lambda reader: reader.failures(
            code=code, limit=limit, cursor=cursor)))

    @app.get("/api/runs", tags=["store"], summary="The run journal, newest first")
    def runs(limit: Limit = DEFAULT_PAGE) -> JSONResponse:
        return _json({"ok": True, "rows": read(lambda reader: reader.runs(limit=limit))})

    return app


def _install_handlers(app: FastAPI) -> None:
    @app.middleware("http")
    async def read_only_headers(request: Request, call_next: Callable[..., Any]) -> Response:
        response: Response = await call_next(request)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; img-src 'self' data:; style-src 'self'; "
            "script-src 'self'; frame-ancestors 'none'")
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return _error_response(exc.status, str(exc), parameter=exc.parameter)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        location = [str(part) for part in first.get("loc", ()) if part not in ("query", "path")]
        parameter = location[0] if location else "request"
        detail = str(first.get("msg", "invalid value"))
        return _error_response(400, Errors.E600.format(parameter=parameter, detail=detail),
                               parameter=parameter)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 405:
            message = Errors.E607.format(method=request.method, path=request.url.path)
            return _error_response(405, message, headers={"Allow": "GET"})
        if exc.status_code == 404:
            return _error_response(404, Errors.E602.format(path=request.url.path))
        return _error_response(exc.status_code, Errors.E605.format(
            path=request.url.path, exc_type=f"HTTP {exc.status_code}"))

    @app.exception_handler(NewsEventsError)
    async def store_error(request: Request, exc: NewsEventsError) -> JSONResponse:
        if isinstance(exc, InputError):
            return _error_response(400, str(exc), parameter="cursor"
                                   if exc.code == "E608" else None)
        if isinstance(exc, ResourceError):
            return _error_response(503, str(exc), headers={"Retry-After": "2"})
        return _error_response(500, Errors.E605.format(
            path=request.url.path, exc_type=type(exc).__name__))

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> JSONResponse:
        return _error_response(500, Errors.E605.format(
            path=request.url.path, exc_type=type(exc).__name__))


def _json(content: Any, *, media_type: str = "application/json",
          headers: Mapping[str, str] | None = None) -> JSONResponse:
    return JSONResponse(jsonable_encoder(content), media_type=media_type,
                        headers=dict(headers or {}))


def _next_url(request: Request, page: Page) -> str | None:
    if page.next_cursor is None:
        return None
    return str(request.url.include_query_params(cursor=page.next_cursor))


def _page(request: Request, page: Page) -> JSONResponse:
    return _json({"ok": True, "rows": page.rows, "next": page.next_cursor,
                  "next_url": _next_url(request, page)})


def _csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EVENT_LIST_COLUMNS)
    for row in rows:
        writer.writerow(["" if row.get(name) is None else
                         "|".join(row[name]) if isinstance(row[name], list) else row[name]
                         for name in EVENT_LIST_COLUMNS])
    return out.getvalue()


def _geojson(rows: list[dict[str, Any]], next_url: str | None) -> dict[str, Any]:
    features = [
        {"type": "Feature", "id": row["seq"],
         "geometry": {"type": "Point", "coordinates": [row["location_lon"], row["location_lat"]]},
         "properties": {k: v for k, v in row.items() if k not in ("location_lat", "location_lon")}}
        for row in rows if row.get("location_lat") is not None
        and row.get("location_lon") is not None]
    return {"type": "FeatureCollection", "features": features, "next_url": next_url}


__all__ = ["create_app", "event_filters"]
