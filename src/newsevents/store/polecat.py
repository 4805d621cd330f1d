"""The POLECAT-style TSV export: one event per line in the 40 columns of POLECAT's files.

POLECAT (the PLOVER-coded successor of ICEWS) publishes its events as
tab-separated files with a header row of 40 columns; the names and their
order are those of ``POLECAT_COLUMNS`` (docs/store.md cites the source). Each
side of an event (actor, recipient) lists its actors in order, the members
of a compound actor ("Polish and Czech officials") in its place; a cell that
holds one value per actor joins them with ``"; "`` as POLECAT does, keeping
positions, so an unknown value among known ones is an empty element
(``"USA; ; RUS"``). A cell with nothing known is empty (POLECAT's own files
write ``None``).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from typing import Any

import pycountry

from newsevents import __version__
from newsevents.errors import Errors, InternalError

POLECAT_COLUMNS: tuple[str, ...] = (
    "Event ID", "Event Date", "Event Type", "Event Mode", "Intensity", "Quad Code", "Contexts",
    "Actor Name", "Actor Country", "Actor COW", "Primary Actor Sector", "Actor Sectors",
    "Actor Title", "Actor Name Raw", "Wikipedia Actor ID",
    "Recipient Name", "Recipient Country", "Recipient COW", "Primary Recipient Sector",
    "Recipient Sectors", "Recipient Title", "Recipient Name Raw", "Wikipedia Recipient ID",
    "Placename", "City", "District", "Province", "Country", "Latitude", "Longitude",
    "GeoNames ID", "Raw Placename", "Feature Type",
    "Source", "Publication Date", "Story People", "Story Organizations", "Story Locations",
    "Language", "Version",
)
#: CAMEO QuadClass numbers as POLECAT spells them.
QUAD_CODES: dict[int, str] = {
    1: "VERBAL COOPERATION", 2: "MATERIAL COOPERATION",
    3: "VERBAL CONFLICT", 4: "MATERIAL CONFLICT",
}
LIST_SEPARATOR = "; "
COW_TABLE = "cow_codes.tsv"
VERSION = f"newsevents {__version__}"
_UNSAFE = re.compile(r"[\t\r\n]+")


@functools.cache
def cow_codes() -> dict[str, int]:
    """ISO-3 → Correlates of War state number, from the shipped ``data/cow_codes.tsv``."""
    path = resources.files("newsevents") / "data" / COW_TABLE
    try:
        lines = path.read_text("utf-8").splitlines()
    except OSError as e:
        raise InternalError(Errors.E423.format(path=path, detail=e.strerror or e)) from e
    codes: dict[str, int] = {}
    rows = [line.split("\t") for line in lines if line and not line.startswith("#")]
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != 3 or not re.fullmatch(r"[A-Z]{3}", row[0]) or not row[1].isdigit():
            raise InternalError(Errors.E423.format(
                path=path, detail=f"data row {number} is not 'ISO3<TAB>number<TAB>abbreviation'"))
        codes[row[0]] = int(row[1])
    if not codes:
        raise InternalError(Errors.E423.format(path=path, detail="it has no rows"))
    return codes


def polecat_row(row: Mapping[str, Any]) -> list[str]:
    """One event (an ``export_rows`` row) as the 40 string fields of a POLECAT record."""
    day = row.get("date_value") or row.get("published")
    goldstein, quad = row.get("goldstein"), row.get("quad_class")
    published = row.get("published")
    people, organisations = _story_actors(row.get("article_actors"))
    fields = [
        row["id"],
        day.isoformat() if day else "",
        row.get("type") or "",
        row.get("mode") or "",
        f"{goldstein:.1f}" if goldstein is not None else "",
        QUAD_CODES.get(quad, "") if quad is not None else "",
        LIST_SEPARATOR.join(row.get("contexts") or ()),
        *_side(_actors(row.get("source_actors"))),
        *_side(_actors(row.get("target_actors"))),
        *_place(row),
        row.get("outlet") or "",
        published.isoformat() if published else "",
        LIST_SEPARATOR.join(people),
        LIST_SEPARATOR.join(organisations),
        LIST_SEPARATOR.join(_distinct(row.get("article_places") or ())),
        row.get("language") or "",
        VERSION,
    ]
    return [_UNSAFE.sub(" ", field) for field in fields]


def _actors(text: str | None) -> list[dict[str, Any]]:
    """The side's actors in order, with a compound actor replaced by its members."""
    actors: list[dict[str, Any]] = []
    for actor in json.loads(text) if text else []:
        members = actor.get("members") or []
        actors.extend(members if actor.get("kind") == "compound" and members else [actor])
    return actors


def _side(actors: Sequence[Mapping[str, Any]]) -> list[str]:
    """Name, Country, COW, Primary Sector, Sectors, Title, Name Raw, Wikipedia ID."""
    if not actors:
        return [""] * 8
    codes = cow_codes()

    def cells(values: Iterable[Any]) -> str:
        texts = ["" if value is None else str(value) for value in values]
        return LIST_SEPARATOR.join(texts) if any(texts) else ""

    sectors = [_sector(a) for a in actors]
    return [
        cells(a.get("name") or a.get("text") for a in actors),
        cells(a.get("country") for a in actors),
        cells(codes.get(a.get("country") or "") for a in actors),
        cells(sectors),
        LIST_SEPARATOR.join(_distinct(s for s in sectors if s)),
        cells(a.get("role") for a in actors),
        cells(a.get("text") for a in actors),
        "",
    ]


def _sector(actor: Mapping[str, Any]) -> str | None:
    sector = actor.get("sector")
    return sector if sector and sector != "UNK" else None


def _place(row: Mapping[str, Any]) -> list[str]:
    """Placename, City, District, Province, Country, Latitude, Longitude, GeoNames ID,
    Raw Placename, Feature Type."""
    name, feature = row.get("location_name"), row.get("location_feature")
    lat, lon = row.get("location_lat"), row.get("location_lon")
    geonameid = row.get("location_geonameid")
    raw = json.loads(row["location"]).get("text") if row.get("location") else None
    province = name if feature == "admin1" else row.get("location_admin1")
    return [
        name or "",
        name if feature == "city" and name else "",
        name if feature == "district" and name else "",
        province or "",
        _iso3(row.get("location_country")) or "",
        f"{lat:.5f}" if lat is not None else "",
        f"{lon:.5f}" if lon is not None else "",
        str(geonameid) if geonameid is not None else "",
        raw or "",
        feature or "",
    ]


def _iso3(code: str | None) -> str | None:
    """Places may carry ISO-2 codes; POLECAT's Country is ISO-3."""
    if code and len(code) == 2:
        found = pycountry.countries.get(alpha_2=code.upper())
        return found.alpha_3 if found else code
    return code


def _story_actors(text: str | None) -> tuple[list[str], list[str]]:
    """Distinct names of the article's persons and organisations, in order of mention."""
    people: list[str] = []
    organisations: list[str] = []
    for actor in json.loads(text) if text else []:
        name = actor.get("name") or actor.get("text")
        if actor.get("kind") == "person":
            people.append(name)
        elif actor.get("kind") == "organisation":
            organisations.append(name)
    return _distinct(people), _distinct(organisations)


def _distinct(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))
