"""The store commands: run, stats, query, export, failures — exact output and exit codes."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import types
from collections.abc import Iterable, Iterator
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner
from store._factories import fake_processor, fake_reader, make_event, make_result

from newsevents.cli import cli
from newsevents.corpus import run_corpus
from newsevents.store import DuckDBStore
from newsevents.store.export import GDELT_COLUMNS
from newsevents.types import Article, ArticleResult, Failure


@pytest.fixture
def db(tmp_path: Path) -> str:
    """A small event database: two articles, one syndicated copy, one failed record."""
    first = make_result(1, url="https://example.org/arnor", outlet="Shire Post")
    second = make_result(2, events=1, event_type="AID", cameo="0251", outlet="Bree Herald")
    copy = make_result(3, text="Wire: " + first.article.text, outlet="Rohan Times")
    results = {r.article.id: r for r in (first, second, copy)}
    failure = Failure(stage="ingest", code="E110", message="E110: binary data",
                      source="inbox/photo.jpg", record=1)
    records: list[Article | Failure] = [first.article, second.article, copy.article, failure]
    path = str(tmp_path / "events.duckdb")
    with DuckDBStore(path) as store:
        run_corpus(["inbox"], store=store, read=fake_reader(records),
                   process=fake_processor(results))
    return path


def invoke(*args: str) -> object:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.mark.parametrize("command", [["stats"], ["query"], ["failures"],
                                     ["export", "--format", "gdelt", "--out", "x.tsv"]])
def test_cli_store_missing_db_is_e301(tmp_path: Path, command: list[str]) -> None:
    missing = str(tmp_path / "none.duckdb")
    result = invoke(*command, "--db", missing)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: E301: The event database '{missing}' does not exist. Create it with "
        f"`newsevents run INPUT --db {missing}`, or check the --db path.\n")


def test_cli_store_stats_json(db: str) -> None:
    result = invoke("stats", "--db", db, "--json")
    assert result.exit_code == 0
    counts = json.loads(result.stdout)
    assert {k: counts[k] for k in ("articles", "events", "failures", "duplicates", "runs")} == {
        "articles": 3, "events": 3, "failures": 1, "duplicates": 1, "runs": 1}
    assert counts["events_by_type"] == {"ASSAULT": 2, "AID": 1}
    assert counts["events_including_duplicates"] == 5


def test_cli_store_stats_table(db: str) -> None:
    result = invoke("stats", "--db", db)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[:9] == [
        "articles                    3",
        "  syndicated copies         1",
        "events                      3",
        "  including copies          5",
        "  clusters                  2",
        "quotes                      3",
        "places                      3",
        "failures                    1",
        "runs                        1",
    ]
    assert lines[10:] == ["events by type", "  ASSAULT         2", "  AID             1",
                          "failures by code", "  E110         1"]


def test_cli_store_query_table(db: str) -> None:
    result = invoke("query", "--db", db)
    assert result.exit_code == 0
    header = ("date        type       cameo  source                    target"
              "                    location              article")
    rule = ("----------  ---------  -----  ------------------------  ------------------------"
            "  --------------------  ----------------")
    assault = ("2024-03-01  ASSAULT    190    Gondor [GON/MIL]          Arnor [ARN/GOV]"
               "           Osgiliath (GON)       a0001")
    aid = ("2024-03-01  AID        0251   Gondor [GON/MIL]          Arnor [ARN/GOV]"
           "           Osgiliath (GON)       a0002")
    assert result.stdout.splitlines() == [header, rule, assault, assault, aid]


def test_cli_store_query_filters_and_formats(db: str) -> None:
    rows = [json.loads(line) for line in invoke(
        "query", "--db", db, "--format", "jsonl", "--include-duplicates").stdout.splitlines()]
    assert len(rows) == 5
    assert {r["duplicate_of"] for r in rows if r["article_id"] == "a0003"} == {"a0001"}
    aid = invoke("query", "--db", db, "--type", "aid", "--format", "jsonl").stdout.splitlines()
    assert [json.loads(line)["cameo"] for line in aid] == ["0251"]
    table = list(csv.DictReader(io.StringIO(
        invoke("query", "--db", db, "--format", "csv", "--country", "arn", "--limit", "2").stdout)))
    assert len(table) == 2
    assert table[0]["contexts"] == "border"
    assert table[0]["negated"] == "false"
    assert invoke("query", "--db", db, "--actor", "rohan", "--format", "jsonl").stdout == ""
    near = invoke("query", "--db", db, "--near", "47.1,30.1,30", "--format", "jsonl")
    assert len(near.stdout.splitlines()) == 3
    far = invoke("query", "--db", db, "--near", "10,10,30", "--format", "jsonl")
    assert far.stdout == ""
    assert invoke("query", "--db", db, "--since", "2024-03-02").stdout.count("\n") == 2


def test_cli_store_query_bad_near_is_usage_error(db: str) -> None:
    result = invoke("query", "--db", db, "--near", "47.1,abc")
    assert result.exit_code == 2
    assert "Error: Invalid value for '--near': E306: '47.1,abc' is not a valid location " \
           "filter: expected three numbers." in result.stderr


def test_cli_store_query_bad_type_is_usage_error(db: str) -> None:
    result = invoke("query", "--db", db, "--type", "SHELL")
    assert result.exit_code == 2
    assert "Invalid value for '--type': 'SHELL' is not a PLOVER event type" in result.stderr


def test_cli_store_failures(db: str) -> None:
    table = invoke("failures", "--db", db)
    assert table.exit_code == 0
    assert table.stdout.splitlines() == [
        "code  stage   source           record  article_id  message",
        "----  ------  ---------------  ------  ----------  -------",
        "E110  ingest  inbox/photo.jpg  1       -           E110: binary data",
    ]
    (row,) = [json.loads(line) for line in invoke(
        "failures", "--db", db, "--format", "jsonl").stdout.splitlines()]
    assert {k: row[k] for k in ("code", "stage", "source", "record", "article_id")} == {
        "code": "E110", "stage": "ingest", "source": "inbox/photo.jpg", "record": 1,
        "article_id": None}


def test_cli_store_export_gdelt(db: str, tmp_path: Path) -> None:
    out = tmp_path / "events.tsv"
    result = invoke("export", "--db", db, "--format", "gdelt", "--out", str(out))
    assert result.exit_code == 0
    assert result.stdout == f"3 events written to {out}\n"
    rows = [line.split("\t") for line in out.read_text().splitlines()]
    assert len(GDELT_COLUMNS) == 61
    assert {len(row) for row in rows} == {61}
    record = dict(zip(GDELT_COLUMNS, rows[2]))
    assert (record["EventCode"], record["EventBaseCode"], record["EventRootCode"]) == (
        "0251", "025", "02")
    assert (record["SQLDATE"], record["MonthYear"], record["Year"]) == ("20240301", "202403",
                                                                       "2024")
    assert record["Actor1Code"] == "GONMIL"
    assert record["Actor1Type1Code"] == "MIL"
    assert record["ActionGeo_Lat"] == "47.0000"
    assert record["ActionGeo_FeatureID"] == "900001"
    assert record["Actor1Geo_Type"] == ""
    assert record["QuadClass"] == "4"
    first = dict(zip(GDELT_COLUMNS, rows[0]))
    assert first["SOURCEURL"] == "https://example.org/arnor"
    # the original and its syndicated copy report one shelling twice each
    assert (first["NumMentions"], first["NumArticles"], first["NumSources"]) == ("4", "2", "2")


def test_cli_store_export_refuses_overwrite(db: str, tmp_path: Path) -> None:
    out = tmp_path / "events.jsonl"
    out.write_text("keep me\n")
    result = invoke("export", "--db", db, "--format", "plover-jsonl", "--out", str(out))
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: E304: The output file '{out}' already exists. Pass --force to overwrite it, "
        "or choose another --out path.\n")
    assert out.read_text() == "keep me\n"
    forced = invoke("export", "--db", db, "--format", "plover-jsonl", "--out", str(out),
                    "--force")
    assert forced.exit_code == 0
    events = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(events) == 3
    event = events[0]
    assert event["event_type"] == "ASSAULT"
    assert event["source"][0]["code"] == "GONMIL"
    assert event["location"]["geonameid"] == 900001
    assert event["story"]["url"] == "https://example.org/arnor"
    assert event["trigger"]["text"]
    assert event["cameo"] == "190"
    assert list(event) == [
        "id", "date", "date_precision", "event_type", "mode", "context", "src_actor",
        "src_agent", "tgt_actor", "tgt_agent", "source", "target", "location", "size",
        "story", "sentence", "trigger", "cameo", "goldstein", "quad_class", "confidence",
        "negated", "hypothetical", "reported_by", "cluster_id"]
    assert event["reported_by"] is None


def test_cli_store_export_quotes_with_coded_speakers(db: str, tmp_path: Path) -> None:
    out = tmp_path / "quotes.jsonl"
    result = invoke("export", "--db", db, "--format", "quotes-jsonl", "--out", str(out))
    assert result.exit_code == 0
    assert result.stdout == f"2 quotes written to {out}\n"  # the syndicated copy's is left out
    quotes = [json.loads(line) for line in out.read_text().splitlines()]
    assert [q["article_id"] for q in quotes] == ["a0001", "a0002"]
    assert quotes[0] == {
        "article_id": "a0001", "position": 0, "text": "We will hold the river", "start": 0,
        "end": 22,
        "speaker": {"name": "Arnor", "text": "Arnor", "code": "ARNGOV", "country": "ARN",
                    "sector": "GOV", "kind": "country", "role": None},
        "story": {"url": "https://example.org/arnor", "outlet": "Shire Post",
                  "title": "Story 1", "published": "2024-03-02"}}
    every = tmp_path / "every.jsonl"
    invoke("export", "--db", db, "--format", "quotes-jsonl", "--out", str(every),
           "--include-duplicates")
    assert len(every.read_text().splitlines()) == 3


def test_cli_store_export_parquet(db: str, tmp_path: Path) -> None:
    out = tmp_path / "events.parquet"
    result = invoke("export", "--db", db, "--format", "parquet", "--out", str(out),
                    "--include-duplicates")
    assert result.exit_code == 0
    assert result.stdout == f"5 events written to {out}\n"
    rows = duckdb.sql(f"SELECT cameo, contexts FROM '{out}' ORDER BY seq").fetchall()
    assert rows[0] == ("190", ["border"])
    assert len(rows) == 5


def _fake_pipeline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stand in for the NLP pipeline: one ASSAULT per article."""
    def process(articles: Iterable[Article], *, workers: int = 1,
                batch_size: int = 16) -> Iterator[ArticleResult]:
        for article in articles:
            yield ArticleResult(article=article, events=(make_event(article, 0),), words=3)

    module = types.ModuleType("newsevents.pipeline")
    module.process = process  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "newsevents.pipeline", module)


def test_cli_store_run_and_rerun(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_pipeline(monkeypatch)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "one.txt").write_text("Arnor troops shelled Osgiliath on Tuesday.\n")
    (inbox / "two.txt").write_text("Gondor sent grain to the refugees of Bree.\n")
    db = str(tmp_path / "events.duckdb")
    first = invoke("run", str(inbox), "--db", db, "--published", "2024-03-02")
    assert first.exit_code == 0
    lines = first.stdout.splitlines()
    assert lines[0].startswith("run ") and " completed in " in lines[0]
    assert lines[1:] == [
        "  input records                    2",
        "  articles stored                  2",
        "  already present (skipped)        0",
        "  duplicates linked                0",
        "  articles with failures           0",
        "  records failed                   0",
        "  events stored                    2",
        "events by type",
        "  ASSAULT        2",
    ]
    missing = str(tmp_path / "missing.txt")
    again = invoke("run", str(inbox / "*.txt"), missing, "--db", db)
    assert again.exit_code == 1
    assert "  already present (skipped)        2" in again.stdout
    assert "  E101        1" in again.stdout
    counts = json.loads(invoke("stats", "--db", db, "--json").stdout)
    assert (counts["articles"], counts["events"], counts["failures"]) == (2, 2, 1)
    assert counts["runs"] == 2


def test_cli_store_run_all_failed_exits_2(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_pipeline(monkeypatch)
    result = invoke("run", str(tmp_path / "nothing-here.txt"), "--db",
                    str(tmp_path / "events.duckdb"))
    assert result.exit_code == 2
    assert "  records failed                   1" in result.stdout


def test_cli_store_run_foreign_file_is_e303(tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_pipeline(monkeypatch)
    path = tmp_path / "events.duckdb"
    path.write_bytes(b"\0" * 10)
    result = invoke("run", str(tmp_path), "--db", str(path))
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: E303: ")


def test_cli_store_commands_have_examples() -> None:
    for command in ("run", "stats", "query", "export", "failures"):
        result = invoke(command, "--help")
        assert result.exit_code == 0
        assert "Example:" in result.stdout


_WIRE_STORY = """Arnor troops shelled the border town of Tharbad on Tuesday, killing three \
civilians and wounding a dozen more, officials in Gondor said.

The foreign minister of Gondor condemned the attack and demanded that Arnor withdraw its \
artillery from the river valley. Arnor's defence ministry denied targeting civilians and said \
its forces had returned fire after rebels attacked a patrol near the bridge.

Hundreds of residents fled toward the coast overnight, and aid groups asked both governments \
to open a safe corridor for food convoys. Envoys from Rohan offered to host talks next week.
"""


@pytest.mark.slow
def test_cli_store_run_end_to_end_with_real_pipeline(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "wire.txt").write_text(_WIRE_STORY)
    copy = "THARBAD (Shire Post) - " + _WIRE_STORY.rsplit("Envoys", 1)[0]
    (inbox / "copy.txt").write_text(copy)
    (inbox / "other.txt").write_text(
        "Thousands of farmers marched through Minas Tirith on Saturday to protest a new grain "
        "tax, and police arrested twelve people near the council hall.\n")
    db = str(tmp_path / "events.duckdb")
    first = invoke("run", str(inbox), "--db", db, "--published", "2024-03-06")
    assert first.exit_code == 0, first.stdout + first.stderr
    assert "  duplicates linked                1" in first.stdout
    counts = json.loads(invoke("stats", "--db", db, "--json").stdout)
    assert (counts["articles"], counts["duplicates"], counts["failures"]) == (3, 1, 0)
    assert counts["events"] > 0
    assert counts["events_including_duplicates"] > counts["events"]
    again = invoke("run", str(inbox), "--db", db)
    assert "  already present (skipped)        3" in again.stdout
    assert json.loads(invoke("stats", "--db", db, "--json").stdout)["events"] == counts["events"]


def test_cli_store_db_in_use_is_e302(db: str) -> None:
    script = (f"import duckdb, time\ncon = duckdb.connect({db!r})\n"
              "print('locked', flush=True)\ntime.sleep(60)\n")
    holder = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "locked"
        result = invoke("stats", "--db", db)
    finally:
        holder.kill()
        holder.wait(timeout=30)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: E302: Could not open the event database '{db}': ")
    assert result.stderr.endswith(
        "Another newsevents process may be using it; wait for it to finish or pass another "
        "--db file.\n")
