from __future__ import annotations

import datetime as dt

import pytest

from newsevents.evaluate import evaluate_file


@pytest.fixture()
def plover_events(make_event):
    return {
        "P1": [make_event("P1", "AGREE", confidence=0.9, source=[("ARN", "GOV")],
                          target=[("GON", "GOV")])],
        "P2": [make_event("P2", "ACCUSE", confidence=0.8),
               make_event("P2", "ASSAULT", confidence=0.6, source=[("ROH", "MIL")],
                          target=[("GON", "GOV")])],
        "P4": [make_event("P4", "PROTEST", confidence=0.7, source=[("ARN", "CVL")]),
               make_event("P4", "PROTEST", confidence=0.5, source=[("GON", None)])],
    }


@pytest.fixture()
def plover_report(data_dir, fake_processor, plover_events):
    process = fake_processor(plover_events)
    report = evaluate_file(data_dir / "plover_gsr_tiny.jsonl", kind="plover-gsr",
                           process=process)
    return report, process


def _pair(report, name):
    ratio = report.metrics[name]
    return ratio.hits, ratio.total


def test_plover_gsr_type_recall_precision_top1(plover_report):
    report, _ = plover_report
    assert _pair(report, "type_recall") == (3, 4)
    assert _pair(report, "type_precision") == (4, 5)
    assert _pair(report, "top1_accuracy") == (2, 4)


def test_plover_gsr_actor_accuracy_counts_only_sentences_with_a_gold_type_event(plover_report):
    report, _ = plover_report
    assert _pair(report, "source_country_accuracy") == (3, 3)
    assert _pair(report, "target_country_accuracy") == (2, 2)
    assert _pair(report, "sector_accuracy") == (4, 5)


def test_plover_gsr_per_type_and_confusion(plover_report):
    report, _ = plover_report
    per_type = report.tables["per_type"]
    assert per_type["PROTEST"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0,
                                   "gold": 1, "produced": 2}
    assert per_type["ACCUSE"]["precision"] == 0.0 and per_type["ACCUSE"]["recall"] is None
    assert per_type["REQUEST"]["recall"] == 0.0 and per_type["REQUEST"]["precision"] is None
    assert report.tables["confusion"]["ASSAULT"] == {"ACCUSE": 1}
    assert report.tables["confusion"]["REQUEST"] == {"NONE": 1}


def test_plover_gsr_one_batched_call_with_placeholder_date(plover_report):
    report, process = plover_report
    assert len(process.calls) == 1
    assert [a.id for a in process.calls[0]] == ["P1", "P2", "P3", "P4"]
    assert {a.published for a in process.calls[0]} == {dt.date(2000, 1, 2)}
    assert report.records == 4 and report.failures == 0


def test_plover_gsr_misses_worst_first(plover_report):
    report, _ = plover_report
    assert [miss.record_id for miss in report.misses] == ["P3", "P2"]
    assert report.misses[0].produced == "no event"


def test_plover_gsr_limit_reads_first_records(data_dir, fake_processor):
    report = evaluate_file(data_dir / "plover_gsr_tiny.jsonl", kind="plover-gsr",
                           process=fake_processor({}), limit=2)
    assert report.records == 2
    assert _pair(report, "type_recall") == (0, 2)
    assert report.metrics["source_country_accuracy"].value is None
