"""The extract command: output contract, formats and errors."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from newsevents.cli import cli

ARTICLE = (
    "Gondor condemns raid on border post\n"
    "The government of Kenya on Tuesday condemned an attack on a police post in Mandera, "
    "where gunmen killed three officers on Sunday.\n"
    '"We will not be intimidated," Interior Minister Kithure Kindiki told reporters in Nairobi.\n'
)

EVENT_FIELDS = {
    "id", "type", "mode", "contexts", "cameo", "quad_class", "goldstein", "source", "target",
    "location", "date", "size", "trigger", "sentence", "confidence", "negated", "hypothetical",
}
ACTOR_FIELDS = {"text", "start", "end", "name", "country", "sector", "kind"}
PLACE_FIELDS = {"text", "start", "end", "name", "geonameid", "country", "admin1", "lat", "lon"}


@pytest.fixture()
def article_file(tmp_path):
    path = tmp_path / "kenya.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


@pytest.mark.slow
def test_cli_extract_jsonl_contract(article_file):
    result = CliRunner().invoke(
        cli, ["extract", str(article_file), "--published", "2024-11-20", "--url",
              "https://example.org/kenya"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert set(record) >= {"article", "events", "quotes", "places", "failures"}
    assert set(record["article"]) >= {"id", "url", "title", "outlet", "published"}
    assert record["article"]["published"] == "2024-11-20"
    assert record["article"]["url"] == "https://example.org/kenya"
    assert record["events"]
    text = ARTICLE
    for event in record["events"]:
        assert set(event) >= EVENT_FIELDS
        assert set(event["date"]) >= {"value", "precision", "text"}
        assert set(event["size"]) == {"killed", "injured", "arrested"}
        for span in (event["trigger"], event["sentence"]):
            assert text[span["start"]:span["end"]] == span["text"]
        for actor in event["source"] + event["target"]:
            assert set(actor) >= ACTOR_FIELDS
            assert text[actor["start"]:actor["end"]] == actor["text"]
    for place in record["places"]:
        assert set(place) >= PLACE_FIELDS
    accuse = [e for e in record["events"] if e["type"] == "ACCUSE"]
    assert accuse and accuse[0]["source"][0]["country"] == "KEN"
    assault = [e for e in record["events"] if e["type"] == "ASSAULT"]
    assert assault and assault[0]["location"]["name"] == "Mandera"
    assert assault[0]["date"]["value"] == "2024-11-17"
    assert assault[0]["size"]["killed"] == 3
    quote = record["quotes"][0]
    assert quote["text"].startswith("We will not be intimidated")
    assert quote["speaker"]["name"] == "Kithure Kindiki"


@pytest.mark.slow
def test_cli_extract_table_format(article_file):
    result = CliRunner().invoke(
        cli, ["extract", str(article_file), "--published", "2024-11-20", "--format", "table"])
    assert result.exit_code == 0, result.output
    assert "—ACCUSE→" in result.stdout
    assert "Mandera" in result.stdout


@pytest.mark.slow
def test_cli_extract_stdin():
    result = CliRunner().invoke(cli, ["extract", "-", "--published", "2024-11-20"], input=ARTICLE)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.splitlines()[0])["events"]


def test_cli_extract_missing_file_is_a_failure(tmp_path):
    result = CliRunner().invoke(cli, ["extract", str(tmp_path / "nope.txt")])
    assert result.exit_code == 2
    assert "nope.txt" in result.stderr


def test_cli_extract_bad_date_is_a_usage_error(article_file):
    result = CliRunner().invoke(cli, ["extract", str(article_file), "--published", "20-11-2024"])
    assert result.exit_code == 2
    assert "--published" in result.output


def test_cli_every_command_has_help_with_an_example():
    for name in cli.commands:
        result = CliRunner().invoke(cli, [name, "--help"])
        assert result.exit_code == 0, name
        assert "Example" in result.output, f"{name} --help shows no example"


@pytest.mark.slow
def test_cli_extract_include_unasserted(tmp_path):
    path = tmp_path / "plans.txt"
    path.write_text("The Gondor army shelled Bree on Monday. The Gondor government will "
                    "impose sanctions on Arnor next week.\n", encoding="utf-8")
    args = ["extract", str(path), "--published", "2024-11-20"]
    default = json.loads(CliRunner().invoke(cli, args).stdout)
    every = json.loads(CliRunner().invoke(cli, [*args, "--include-unasserted"]).stdout)
    assert not [e for e in default["events"] if e["type"] == "SANCTION"]
    (planned,) = [e for e in every["events"] if e["type"] == "SANCTION"]
    assert planned["future"] and planned["mentions"][0]["future"]
    assert [e["type"] for e in default["events"]] == ["ASSAULT"]
