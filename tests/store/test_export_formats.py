"""The POLECAT TSV export (40 columns, header, readable by Python's csv) and coded speakers."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
from store._factories import make_event, make_result

from newsevents.errors import InternalError
from newsevents.store import DuckDBStore
from newsevents.store import polecat
from newsevents.store.export import export_events
from newsevents.store.polecat import POLECAT_COLUMNS, cow_codes
from newsevents.types import PLOVER_TYPES, Actor, Place, Quote

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "articles"

FRANCE = Actor("French police", 0, 13, "police", "FRA", "COP", "group", role=None)
MINISTER = Actor("Minister Faramir", 20, 36, "Faramir", "GON", "GOV", "person", role="minister")
NGO = Actor("Red Cross", 40, 49, "Red Cross", "NGO", "NGO", "organisation")
ALLIES = Actor("French and Gondorian envoys", 0, 27, None, None, None, "compound",
               members=(Actor("French", 0, 6, "France", "FRA", "GOV", "country"),
                        Actor("Gondorian envoys", 11, 27, "envoys", "GON", None, "group")))
LYON = Place("LYON", 60, 64, "Lyon", 2996944, "FR", "Auvergne-Rhone-Alpes", 45.75, 4.85,
             "city")


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream, delimiter="\t"))
    assert rows[0] == list(POLECAT_COLUMNS)
    assert {len(row) for row in rows} == {40}
    return [dict(zip(rows[0], row)) for row in rows[1:]]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """One article: an event with a place and a speaker, and one of a compound actor."""
    result = make_result(1, outlet="Lyon Courier")
    article = result.article
    first = dataclasses.replace(make_event(article, 1, location=LYON), source=(FRANCE,),
                                target=(MINISTER, NGO), contexts=("border", "migration"),
                                reported_by=MINISTER)
    second = dataclasses.replace(make_event(article, 2, location=None, day=None),
                                 source=(ALLIES,), target=(), quad_class=1, goldstein=3.4,
                                 mode=None)
    result = dataclasses.replace(result, events=(first, second),
                                 actors=(FRANCE, MINISTER, NGO, ALLIES), places=(LYON,),
                                 quotes=(Quote("We will hold", 0, 12, MINISTER),))
    path = tmp_path / "events.duckdb"
    with DuckDBStore(str(path)) as store:
        store.write(result)
    return path


@pytest.fixture
def exported(db: Path, tmp_path: Path) -> list[dict[str, str]]:
    out = tmp_path / "events.tsv"
    with DuckDBStore(str(db)) as store:
        assert export_events(store, out, export_format="polecat") == 2
    return _read(out)


def test_polecat_columns_are_the_forty_of_polecat():
    assert len(POLECAT_COLUMNS) == 40 == len(set(POLECAT_COLUMNS))
    assert POLECAT_COLUMNS[:7] == ("Event ID", "Event Date", "Event Type", "Event Mode",
                                   "Intensity", "Quad Code", "Contexts")
    assert POLECAT_COLUMNS[-2:] == ("Language", "Version")


def test_polecat_event_actor_and_place_fields(exported):
    row = exported[0]
    assert row["Event ID"] == "a0001-e1"
    assert (row["Event Date"], row["Event Type"], row["Event Mode"]) == (
        "2024-03-01", "ASSAULT", "shelling")
    assert (row["Intensity"], row["Quad Code"], row["Contexts"]) == (
        "-10.0", "MATERIAL CONFLICT", "border; migration")
    assert (row["Actor Name"], row["Actor Country"], row["Actor COW"]) == (
        "police", "FRA", "220")
    assert (row["Primary Actor Sector"], row["Actor Sectors"], row["Actor Name Raw"]) == (
        "COP", "COP", "French police")
    assert row["Actor Title"] == "" and row["Wikipedia Actor ID"] == ""
    assert row["Recipient Name"] == "Faramir; Red Cross"
    assert row["Recipient Country"] == "GON; NGO"
    assert row["Recipient COW"] == ""  # neither a fictional state nor an NGO has one
    assert row["Primary Recipient Sector"] == "GOV; NGO"
    assert row["Recipient Title"] == "minister; "
    place = {name: row[name] for name in POLECAT_COLUMNS[23:33]}
    assert place == {
        "Placename": "Lyon", "City": "Lyon", "District": "", "Province": "Auvergne-Rhone-Alpes",
        "Country": "FRA", "Latitude": "45.75000", "Longitude": "4.85000",
        "GeoNames ID": "2996944", "Raw Placename": "LYON", "Feature Type": "city"}


def test_polecat_story_fields(exported):
    row = exported[0]
    assert (row["Source"], row["Publication Date"], row["Language"]) == (
        "Lyon Courier", "2024-03-02", "en")
    assert row["Story People"] == "Faramir"
    assert row["Story Organizations"] == "Red Cross"
    assert row["Story Locations"] == "Lyon"
    assert row["Version"].startswith("newsevents ")


def test_polecat_compound_actor_lists_its_members_and_unknowns_stay_empty(exported):
    row = exported[1]
    assert row["Event Date"] == "2024-03-02"  # no event date: the publication date
    assert (row["Event Mode"], row["Intensity"], row["Quad Code"]) == (
        "", "3.4", "VERBAL COOPERATION")
    assert row["Actor Name"] == "France; envoys"
    assert row["Actor Country"] == "FRA; GON"
    assert row["Actor COW"] == "220; "
    assert row["Primary Actor Sector"] == "GOV; "
    assert row["Actor Sectors"] == "GOV"
    assert all(row[name] == "" for name in POLECAT_COLUMNS[15:33])


def test_polecat_cow_table_is_read_from_the_package():
    codes = cow_codes()
    assert len(codes) > 190
    assert (codes["USA"], codes["DEU"], codes["RUS"], codes["IND"]) == (2, 255, 365, 750)
    assert "IGO" not in codes


def test_polecat_malformed_cow_table_is_e423(tmp_path, monkeypatch):
    package = tmp_path / "newsevents"
    (package / "data").mkdir(parents=True)
    (package / "data" / "cow_codes.tsv").write_text("iso3\tcow\tcow_abbreviation\nUSA\ttwo\tUSA\n")
    monkeypatch.setattr(polecat.resources, "files", lambda _: package)
    cow_codes.cache_clear()
    try:
        with pytest.raises(InternalError) as error:
            cow_codes()
    finally:
        cow_codes.cache_clear()
    assert str(error.value).startswith(
        f"E423: The Correlates of War code table '{package / 'data' / 'cow_codes.tsv'}' is "
        "missing or malformed (data row 2 is not 'ISO3<TAB>number<TAB>abbreviation').")


@pytest.mark.slow
def test_polecat_export_of_the_sample_articles(nlp, tmp_path):
    from newsevents.pipeline import process
    from newsevents.stages.ingest import IngestOptions, read_inputs
    from newsevents.types import Article

    records = read_inputs([str(EXAMPLES)], options=IngestOptions(published=dt.date(2024, 11, 20)))
    articles = [record for record in records if isinstance(record, Article)]
    out = tmp_path / "events.tsv"
    with DuckDBStore(str(tmp_path / "events.duckdb")) as store:
        store.write_batch(list(process(articles, nlp=nlp)))
        count = export_events(store, out, export_format="polecat")
    rows = _read(out)
    assert len(rows) == count > 100
    assert {row["Event Type"] for row in rows} <= set(PLOVER_TYPES)
    coded = [row for row in rows if row["Actor Country"] == "USA"]
    assert coded and all(row["Actor COW"] == "2" for row in coded)
    assert all(row["Quad Code"] in set(polecat.QUAD_CODES.values()) | {""} for row in rows)
    assert all(row["Language"] == "en" for row in rows)
    assert any(row["GeoNames ID"] and row["Latitude"] for row in rows)


def test_plover_jsonl_carries_the_coded_speaker(db: Path, tmp_path: Path):
    out = tmp_path / "events.jsonl"
    with DuckDBStore(str(db)) as store:
        export_events(store, out, export_format="plover-jsonl")
    first, second = (json.loads(line) for line in out.read_text("utf-8").splitlines())
    assert first["reported_by"] == {"name": "Faramir", "text": "Minister Faramir",
                                    "code": "GONGOV", "country": "GON", "sector": "GOV",
                                    "kind": "person", "role": "minister"}
    assert second["reported_by"] is None
