"""The document-level kind (``--kind events``) on a tiny hand-written gold directory."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from click.testing import CliRunner

from newsevents.cli import cli
from newsevents.errors import InputError
from newsevents.evaluate import evaluate_file, guess_kind
from newsevents.output import article_record
from newsevents.types import ArticleResult, Span

TEXT = ("ARNOR, May 2 — Gondor troops shelled the town of Osgiliath on Monday, killing 12. "
        "The shelling was condemned by Rohan.")
QUIET = "MINAS, May 2 — A flood swept through the valley on Monday, killing 3."
SHELLED = TEXT.index("shelled")
CONDEMNED = TEXT.index("condemned")


def _gold_event(type_: str, evidence: str, *, source: str, target: str | None,
                killed: int | None = None) -> dict:
    return {"type": type_, "mode": None,
            "source": {"name": source, "country": source, "sector": "GOV"},
            "target": None if target is None else {"name": target, "country": target,
                                                   "sector": "MIL"},
            "location": {"name": "Osgiliath", "country": "GON", "lat": 10.0, "lon": 20.0},
            "date": "2024-05-01", "killed": killed, "injured": None, "arrested": None,
            "evidence": evidence}


@pytest.fixture()
def gold_dir(tmp_path):
    political = {"id": "pol-001", "kind": "political", "published": "2024-05-02",
                 "title": "Shelling", "text": TEXT,
                 "events": [_gold_event("ASSAULT", "troops shelled", source="GON",
                                        target="ARN", killed=12),
                            _gold_event("ACCUSE", "condemned", source="ROH", target="GON")]}
    quiet = {"id": "np-001", "kind": "nonpolitical", "published": "2024-05-02",
             "title": "Flood", "text": QUIET, "events": []}
    for half in ("tune", "check"):
        pol = dict(political, id=f"pol-{half}")
        calm = dict(quiet, id=f"np-{half}")
        (tmp_path / f"political.{half}.jsonl").write_text(json.dumps(pol) + "\n")
        (tmp_path / f"nonpolitical.{half}.jsonl").write_text(json.dumps(calm) + "\n")
    return tmp_path


def _at(event, start: int, end: int, trigger_end: int | None = None):
    return dataclasses.replace(
        event, sentence=Span(TEXT[start:end], start, end),
        trigger=Span(TEXT[start:trigger_end or start + 3], start, trigger_end or start + 3))


@pytest.fixture()
def process(fake_processor, make_event, make_place):
    osgiliath = make_place(country="GON", admin1=None, lat=10.1, lon=20.1)
    may_1 = dt.date(2024, 5, 1)
    first_sentence = TEXT.index(".") + 1
    shelled = _at(make_event("pol-tune", "ASSAULT", source=[("GON", "MIL")],
                             target=[("ARN", "MIL")], location=osgiliath, date=may_1,
                             killed=12),
                  SHELLED, first_sentence, SHELLED + len("shelled"))
    # the same occurrence coded again from the second sentence: one-to-one leaves it unmatched
    shelling_again = _at(make_event("pol-tune", "ASSAULT", date=may_1),
                         CONDEMNED - 20, len(TEXT))
    # right type and sentence but wrong actors and no date
    condemned = _at(make_event("pol-tune", "ACCUSE", source=[("GON", "GOV")]),
                    CONDEMNED - 20, len(TEXT))
    flood = make_event("np-tune", "ASSAULT")
    return fake_processor({"pol-tune": [shelled, shelling_again, condemned],
                           "np-tune": [flood]})


def _pair(report, name):
    ratio = report.metrics[name]
    return ratio.hits, ratio.total


def test_documents_one_to_one_matching_and_fields(gold_dir, process):
    report = evaluate_file(gold_dir, kind="events", process=process)
    assert _pair(report, "tune.type_recall") == (2, 2)
    assert _pair(report, "tune.precision") == (2, 3)
    assert _pair(report, "tune.records_per_event") == (3, 2)
    assert _pair(report, "tune.type_actors_recall") == (1, 2)
    assert _pair(report, "tune.location_within_50km") == (1, 2)
    assert _pair(report, "tune.date_accuracy") == (1, 2)
    assert _pair(report, "tune.killed_accuracy") == (1, 1)
    assert _pair(report, "tune.false_event_rate") == (1, 1)
    assert _pair(report, "tune.nonpolitical_clean_rate") == (0, 1)


def test_documents_halves_are_scored_apart_and_only_tune_misses_listed(gold_dir, process):
    report = evaluate_file(gold_dir, kind="events", process=process)
    assert _pair(report, "check.type_recall") == (0, 2)
    assert _pair(report, "check.nonpolitical_clean_rate") == (1, 1)
    assert {miss.record_id for miss in report.misses} == {"pol-tune", "np-tune"}
    assert "check.precision" in report.floored
    assert "check.records_per_event" not in report.floored


def test_documents_type_must_agree(gold_dir, fake_processor, make_event):
    wrong_type = _at(make_event("pol-tune", "PROTEST", source=[("GON", "MIL")]),
                     SHELLED, SHELLED + 20)
    report = evaluate_file(gold_dir, kind="events",
                           process=fake_processor({"pol-tune": [wrong_type]}))
    assert _pair(report, "tune.type_recall") == (0, 2)
    assert _pair(report, "tune.precision") == (0, 1)


def test_documents_actor_and_date_agreement_match_outside_the_evidence(
        gold_dir, fake_processor, make_event):
    elsewhere = _at(make_event("pol-tune", "ASSAULT", source=[("GON", "MIL")],
                               date=dt.date(2024, 5, 1)), 0, 10)
    report = evaluate_file(gold_dir, kind="events",
                           process=fake_processor({"pol-tune": [elsewhere]}))
    assert _pair(report, "tune.type_recall") == (1, 2)


def test_documents_saved_predictions_score_like_the_live_run(gold_dir, process, tmp_path):
    live = evaluate_file(gold_dir, kind="events", process=process)
    results: list[ArticleResult] = process(process.calls[0])
    saved = tmp_path / "predictions.jsonl"
    saved.write_text("".join(json.dumps(article_record(r)) + "\n" for r in results))
    replayed = evaluate_file(gold_dir, kind="events", predictions=saved)
    assert replayed.metrics == live.metrics
    assert guess_kind(gold_dir) == "events"


def test_documents_bad_gold_evidence_is_a_coded_error(gold_dir):
    path = gold_dir / "political.tune.jsonl"
    record = json.loads(path.read_text())
    record["events"][0]["evidence"] = "troops bombed"
    path.write_text(json.dumps(record) + "\n")
    with pytest.raises(InputError, match="^E433: .*'pol-tune'.*'troops bombed'"):
        evaluate_file(gold_dir, kind="events", predictions=gold_dir / "unused.jsonl")


@pytest.mark.parametrize(("change", "code"), [
    ({"type": "ATTACK"}, "E432"),
    ({"date": "May 1"}, "E432"),
    ({"killed": -1}, "E432"),
])
def test_documents_bad_gold_event_fields(gold_dir, change, code):
    path = gold_dir / "political.check.jsonl"
    record = json.loads(path.read_text())
    record["events"][1].update(change)
    path.write_text(json.dumps(record) + "\n")
    with pytest.raises(InputError, match=f"^{code}: Gold event 2 of report 'pol-check'"):
        evaluate_file(gold_dir, kind="events", predictions=gold_dir / "unused.jsonl")


def test_documents_cli_errors(gold_dir, tmp_path):
    (gold_dir / "nonpolitical.check.jsonl").unlink()
    missing = CliRunner().invoke(cli, ["eval", str(gold_dir), "--kind", "events"])
    assert missing.exit_code == 2
    assert missing.stderr.startswith("E430: ") and "nonpolitical.check.jsonl" in missing.stderr

    wrong_kind = CliRunner().invoke(cli, ["eval", "x.jsonl", "--kind", "gtd",
                                          "--predictions", "p.jsonl"])
    assert wrong_kind.exit_code == 2
    assert wrong_kind.stderr.startswith("E437: ")


def test_documents_predictions_must_cover_every_report(gold_dir, tmp_path):
    saved = tmp_path / "predictions.jsonl"
    saved.write_text(json.dumps({"article": {"id": "pol-tune"}, "events": []}) + "\n")
    result = CliRunner().invoke(cli, ["eval", str(gold_dir), "--kind", "events",
                                      "--predictions", str(saved)])
    assert result.exit_code == 2
    assert result.stderr.startswith("E436: ") and "'pol-check'" in result.stderr


def test_documents_count_only_asserted_events(gold_dir, process, fake_processor):
    live = evaluate_file(gold_dir, kind="events", process=process)
    events = {key: [*value, dataclasses.replace(value[0], hypothetical=True)]
              for key, value in process.events.items()}
    flagged = evaluate_file(gold_dir, kind="events", process=fake_processor(events))
    assert flagged.metrics == live.metrics
