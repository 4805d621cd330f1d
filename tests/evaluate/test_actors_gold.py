from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from newsevents.cli import cli
from newsevents.errors import InputError
from newsevents.evaluate import command, evaluate_file, guess_kind
from newsevents.evaluate.actors import ActorRecord, find_actor, read
from newsevents.types import Actor, ArticleResult


def _actor(text, start, *, country=None, sector=None, kind="group", members=()):
    return Actor(text=text, start=start, end=start + len(text), name=text, country=country,
                 sector=sector, kind=kind, members=members)


class ActorProcessor:
    """Returns the prepared actor mentions for each article id."""

    def __init__(self, actors):
        self.actors = actors
        self.calls = []

    def __call__(self, articles):
        self.calls.append(list(articles))
        return [ArticleResult(article=a, actors=tuple(self.actors.get(a.id, ())))
                for a in articles]


# What a resolver might produce for tests/evaluate/data/actors/tune.jsonl:
# t-1 exact and right; t-2 only the name inside the mention, right country, wrong
# sector; t-3 nothing; t-4 two overlapping actors, the longer overlap is right.
TUNE_ACTORS = {
    "t-1": [_actor("Arnor troops", 0, country="ARN", sector="MIL")],
    "t-2": [_actor("Aragorn", 20, country="GON", sector="ELI", kind="person"),
            _actor("Rohan", 44, country="ROH", sector="GOV", kind="country")],
    "t-4": [_actor("Shire", 0, country="SHI", sector="GOV", kind="country"),
            _actor("lawmakers", 6, country="SHI", sector="LEG")],
}


@pytest.fixture()
def tune_report(data_dir):
    process = ActorProcessor(TUNE_ACTORS)
    return evaluate_file(data_dir / "actors" / "tune.jsonl", kind="actors", process=process), \
        process


def _pair(report, name):
    ratio = report.metrics[name]
    return ratio.hits, ratio.total


def test_actors_read_finds_the_span_and_fills_defaults(data_dir):
    records = read(data_dir / "actors" / "tune.jsonl")
    assert [r.id for r in records] == ["t-1", "t-2", "t-3", "t-4"]
    second = records[1]
    assert second.context[second.start:second.end] == "President Aragorn"
    assert second.date == dt.date(2024, 3, 4)
    last = records[3]
    assert (last.context, last.start, last.end, last.date, last.group) == (
        "Shire lawmakers", 0, 15, None, "-")


def test_actors_articles_are_the_contexts_published_on_the_date(tune_report):
    _, process = tune_report
    articles = process.calls[0]
    assert [a.id for a in articles] == ["t-1", "t-2", "t-3", "t-4"]
    assert articles[1].text == "On Monday President Aragorn met envoys from Rohan."
    assert articles[1].published == dt.date(2024, 3, 4)
    assert articles[3].text == "Shire lawmakers" and articles[3].published is None


def test_actors_metrics_count_every_case(tune_report):
    report, _ = tune_report
    assert report.set_name == "actors.tune"
    assert _pair(report, "country_accuracy") == (3, 4)
    assert _pair(report, "sector_accuracy") == (2, 4)
    assert _pair(report, "both_accuracy") == (2, 4)
    assert _pair(report, "coverage") == (3, 4)
    assert _pair(report, "exact_span") == (1, 4)
    assert _pair(report, "found_span") == (3, 4)
    assert _pair(report, "country_when_coded") == (3, 3)
    assert report.floored == ("country_accuracy", "sector_accuracy", "both_accuracy",
                              "coverage")


def test_actors_tables_by_group(tune_report):
    report, _ = tune_report
    sector = report.tables["sector_by_group"]
    assert list(sector) == ["-", "armed_group", "force", "person_office"]
    assert sector["person_office"] == {"value": 0.0, "hits": 0, "total": 1}
    assert report.tables["country_by_group"]["person_office"]["hits"] == 1
    assert report.tables["both_by_group"]["force"] == {"value": 1.0, "hits": 1, "total": 1}


def test_actors_misses_worst_first(tune_report):
    report, _ = tune_report
    assert [m.record_id for m in report.misses] == ["t-3", "t-2"]
    assert report.misses[0].produced == "not found"
    assert report.misses[1].gold == "GON/GOV (person_office, 2024-03-04)"
    assert report.misses[1].produced == "GON/ELI «Aragorn» (overlap span, person)"


def _record(start, end):
    return ActorRecord(id="x", text="?" * (end - start), context="", start=start, end=end,
                       date=None, country="ARN", sector="GOV", group="-")


def test_actors_find_exact_span_first():
    inner = _actor("Arnor", 0)
    whole = _actor("Arnor army", 0)
    assert find_actor(_record(0, 10), [inner, whole]).actor is whole
    assert find_actor(_record(0, 10), [inner, whole]).how == "exact"


def test_actors_find_most_overlap_then_later_end():
    left = _actor("Arnor's", 0)
    right = _actor("army", 8)
    wide = _actor("Arnor's army chief Boromir", 0)
    assert find_actor(_record(0, 12), [left, right]).actor is left
    assert find_actor(_record(3, 12), [left, right]).actor is right
    assert find_actor(_record(0, 12), [left, right, wide]).actor is wide


def test_actors_find_looks_inside_compound_actors():
    member = _actor("Gondor", 10, country="GON")
    compound = _actor("Arnor and Gondor", 0, kind="compound", members=(member,))
    match = find_actor(_record(10, 16), [compound])
    assert match.actor is member and match.how == "exact"
    assert find_actor(_record(30, 40), [compound]) is None


@pytest.mark.parametrize(("line", "message"), [
    ('{"text": "Arnor", "country": "ARN", "sector": "GOV"}',
     "E420: Actor gold file '{path}' line 1 (id '?') cannot be used: 'id' is missing."),
    ('{"id": "b-1", "text": "Arnor", "country": "arn", "sector": "GOV"}',
     "E420: Actor gold file '{path}' line 1 (id 'b-1') cannot be used: country 'arn' is "
     "not three upper-case letters (ISO-3, IGO, NGO, …)."),
    ('{"id": "b-1", "text": "Arnor", "country": "ARN", "sector": "KING"}',
     "E420: Actor gold file '{path}' line 1 (id 'b-1') cannot be used: sector 'KING' is "
     "not one of"),
    ('{"id": "b-1", "text": "Arnor", "country": "ARN", "sector": "GOV", "date": "May 2024"}',
     "E420: Actor gold file '{path}' line 1 (id 'b-1') cannot be used: date 'May 2024' is "
     "not YYYY-MM-DD."),
    ('{"id": "b-1", "text": "Arnor", "context": "", "country": "ARN", "sector": "GOV"}',
     "E420: Actor gold file '{path}' line 1 (id 'b-1') cannot be used: 'context' must be a "
     "non-empty string when given."),
    ('{"id": "b-1", "text": "Arnor", "context": "ARNOR wept.", "country": "ARN", '
     '"sector": "GOV"}',
     "E421: Actor gold file '{path}' line 1 (id 'b-1'): the mention 'Arnor' does not occur "
     "verbatim in its context."),
    ('{"id": "b-1", "text": "Arnor", "country": "ARN", "sector": "GOV"}\n'
     '{"id": "b-1", "text": "Gondor", "country": "GON", "sector": "GOV"}',
     "E422: Actor gold file '{path}' line 2 repeats id 'b-1' of line 1."),
])
def test_actors_bad_gold_line_is_a_coded_error(tmp_path, line, message):
    path = tmp_path / "bad.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        read(path)
    assert str(error.value).startswith(message.format(path=path))


def test_actors_kind_is_guessed_from_the_folder_or_name(data_dir, tmp_path):
    assert guess_kind(data_dir / "actors" / "tune.jsonl") == "actors"
    assert guess_kind(tmp_path / "actors_dev.jsonl") == "actors"


def test_command_eval_actors_tune_and_check_floors(tmp_path, data_dir, monkeypatch):
    monkeypatch.setattr(command, "PipelineProcessor", lambda **_: ActorProcessor(TUNE_ACTORS))
    tune = data_dir / "actors" / "tune.jsonl"
    check = tmp_path / "check.jsonl"
    check.write_text(tune.read_text(encoding="utf-8").replace('"t-', '"c-'), encoding="utf-8")
    floors = tmp_path / "floors.json"
    floors.write_text(json.dumps({"actors.tune.country_accuracy": 0.7,
                                  "acled.detection_recall": 0.9}))
    args = ["eval", str(tune), str(check), "--kind", "actors", "--check-floors", str(floors)]

    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "== actors.tune" in result.stdout and "== actors.check" in result.stdout
    assert "actors.tune.country_accuracy" in result.stdout and "floors: passed" in result.stdout

    CliRunner().invoke(cli, [*args, "--update-floors"])
    written = json.loads(floors.read_text())
    assert set(written["corpus_sha256"]) == {"actors.tune", "actors.check"}
    assert written["actors.tune.country_accuracy"] == 0.75
    assert written["actors.check.country_accuracy"] == 0.0
    assert written["actors.tune.both_accuracy"] == 0.5
    assert written["acled.detection_recall"] == 0.9


@pytest.mark.slow
def test_actors_eval_runs_the_real_pipeline(data_dir):
    """Known names are coded, an unknown name is found but stays uncoded."""
    report = evaluate_file(data_dir / "actors" / "real.jsonl", kind="actors")
    assert report.records == 3 and report.failures == 0
    assert _pair(report, "found_span") == (3, 3)
    assert _pair(report, "coverage") == (2, 3)
    assert _pair(report, "both_accuracy") == (2, 3)
    assert [miss.record_id for miss in report.misses] == ["r-2"]
    assert report.misses[0].produced.startswith("-/- «Zorblat Quuxley»")
