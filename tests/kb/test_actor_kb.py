"""The named-actor KB: dated roles, look-ups, bad files and the build script's checks."""

from __future__ import annotations

import datetime as dt
import gzip
import importlib.util
import json
import sys
from pathlib import Path

import pytest

from newsevents.errors import NewsEventsError
from newsevents.kb.actor_kb import KB_FIELDS, KB_VERSION, load_actor_index
from newsevents.kb.actors import load_actor_kb

ROOT = Path(__file__).resolve().parents[2]


def _write_kb(path: Path, entries: list[list[object]], *, version: int = KB_VERSION) -> Path:
    payload = {"version": version, "fields": list(KB_FIELDS), "entries": entries}
    path.write_bytes(gzip.compress(json.dumps(payload).encode("utf-8")))
    return path


@pytest.fixture(scope="module")
def index():
    return load_actor_kb().index


@pytest.mark.parametrize(("day", "sector"), [
    (dt.date(2024, 6, 1), "GOV"),    # in office
    (dt.date(2025, 3, 1), "ELI"),    # after the term: former president
    (None, "GOV"),                   # no date: the latest role
])
def test_actor_kb_dated_roles_judged_on_the_day(index, day, sector):
    coding = index.person("Joe Biden").coding_on(day)
    assert (coding.country, coding.sector) == ("USA", sector)


def test_actor_kb_open_phoenix_role_ends_with_the_dictionary(index):
    # Phoenix (2014) leaves Obama's presidency open; by 2024 he is a former president
    assert index.person("Barack Obama").coding_on(dt.date(2024, 5, 1)).sector == "ELI"
    assert index.person("Barack Obama").coding_on(dt.date(2012, 5, 1)).sector == "GOV"


def test_actor_kb_factbook_leaders_parties_and_groups(index):
    assert index.person("Asif Ali Zardari").coding_on(dt.date(2025, 1, 1)).country == "PAK"
    assert index.organisation("Pakistan Muslim League-Nawaz").sectors[0] == "PTY"
    assert index.organisation("Tehrik-e-Taliban Pakistan").country == "PAK"


@pytest.mark.parametrize(("name", "country", "sector"), [
    ("DEA", "USA", "COP"), ("PRI", "MEX", "PTY"), ("Los Zetas", "MEX", "CRM"),
    ("Collective Security Treaty Organization", "IGO", "IGO"), ("IAEA", "IGO", "IGO"),
])
def test_actor_kb_organisations_and_acronyms(index, name, country, sector):
    entry = index.organisation(name)
    assert (entry.country, entry.sectors[0]) == (country, sector)


def test_actor_kb_names_with_and_without_diacritics(index):
    assert index.person("Nicolas Maduro") is index.person("Nicolás Maduro")
    assert index.organisation("dea") is None  # acronyms only as written


def test_actor_kb_missing_file_is_e020(tmp_path):
    with pytest.raises(NewsEventsError) as caught:
        load_actor_index(tmp_path / "absent.json.gz")
    assert caught.value.code == "E020"
    assert "absent.json.gz" in str(caught.value)


@pytest.mark.parametrize("content", [
    b"not gzip at all",
    gzip.compress(b"{truncated"),
    gzip.compress(json.dumps({"version": KB_VERSION, "fields": ["name"], "entries": []}).encode()),
    gzip.compress(json.dumps({"version": KB_VERSION, "fields": list(KB_FIELDS),
                              "entries": [["X", [], "robot", None, ["GOV"], [], "t"]]}).encode()),
])
def test_actor_kb_malformed_file_is_e021(tmp_path, content):
    path = tmp_path / "kb.json.gz"
    path.write_bytes(content)
    with pytest.raises(NewsEventsError) as caught:
        load_actor_index(path)
    assert caught.value.code == "E021"


def test_actor_kb_loads_an_injected_file(tmp_path):
    path = _write_kb(tmp_path / "kb.json.gz", [
        ["Aragorn", ["Strider"], "person", "GON", ["GOV"],
         [["GON", "GOV", "2020-01-01", None]], "test"]])
    index = load_actor_index(path)
    assert index.person("Strider").coding_on(dt.date(2019, 1, 1)).sector is None
    assert index.person("Aragorn").coding_on(dt.date(2021, 1, 1)).sector == "GOV"


def _build_script():
    spec = importlib.util.spec_from_file_location("build_actor_kb",
                                                  ROOT / "scripts" / "build_actor_kb.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("build_actor_kb", module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(("changes", "reason"), [
    ({"country": "XXY"}, "country 'XXY'"),
    ({"sectors": ["WIZARD"]}, "sector 'WIZARD'"),
    ({"roles": [["GRC", "GOV", "2020-13-01", None]]}, "not YYYY-MM-DD"),
    ({"roles": [["GRC", "GOV", "2021-01-01", "2020-01-01"]]}, "ends before it starts"),
])
def test_build_actor_kb_names_the_bad_entry(changes, reason):
    build = _build_script()
    fields = {"name": "Gondor Guard", "kind": "organisation", "country": "GRC",
              "sectors": ["MIL"], "source": "newsevents"}
    entry = build.Entry(**{**fields, **changes})
    with pytest.raises(build.BuildError, match=reason) as caught:
        build.validate(entry)
    assert "'Gondor Guard'" in str(caught.value)


def test_build_actor_kb_phoenix_codes_and_dates():
    build = _build_script()
    assert build.phoenix_code("BDIGOVMIL") == ("BDI", ["GOV", "MIL"])
    assert build.phoenix_code("IGOUNOREFHCR") == ("IGO", ["IGO", "REF"])
    assert build.phoenix_date("090120") == "2009-01-20"
    assert build.phoenix_date("19060101") == "1906-01-01"
    roles = list(build.phoenix_roles("[USAGOV >090120] [USAELI 780101-000101]"))
    assert roles == [("USA", ["GOV"], "2009-01-20", "2014-01-30"),
                     ("USA", ["ELI"], "1978-01-01", "2000-01-01")]


@pytest.mark.slow
def test_actor_kb_bad_file_stops_start_up(tmp_path):
    from newsevents.pipeline import build_nlp

    settings = {"@misc": "newsevents.actor_kb.v1", "path": str(tmp_path / "absent.json.gz")}
    with pytest.raises(NewsEventsError) as caught:
        build_nlp(config={"resolve_actors": {"actor_kb": settings}})
    assert caught.value.code == "E020"
