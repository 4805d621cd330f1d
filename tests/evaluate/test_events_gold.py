from __future__ import annotations

import datetime as dt

import pytest

from newsevents.evaluate import evaluate_file
from newsevents.evaluate.events_gold import normalise_admin1
from newsevents.kb.gazetteer import haversine_km


def _pair(report, name):
    ratio = report.metrics[name]
    return ratio.hits, ratio.total


@pytest.fixture()
def acled_report(data_dir, fake_processor, make_event, make_place):
    nairobi = make_place(country="KE", admin1="Nairobi Province", lat=-1.30, lon=36.80)
    process = fake_processor({
        "A1": [make_event("A1", "PROTEST", location=nairobi, date=dt.date(2020, 3, 3))],
        "A2": [make_event("A2", "ASSAULT", confidence=0.8, date=dt.date(2020, 3, 5), killed=2,
                          location=make_place(country="KEN", admin1="Mombasa",
                                              lat=-1.30, lon=36.80)),
               make_event("A2", "ASSAULT", confidence=0.3)],
        "A4": [make_event("A4", "ASSAULT")],
    })
    report = evaluate_file(data_dir / "acled_tiny.jsonl", kind="acled", process=process)
    return report, process


def test_events_gold_acled_detection_skips_strategic_developments(acled_report):
    report, _ = acled_report
    assert _pair(report, "detection_recall") == (2, 3)
    table = report.tables["detection_by_event_type"]
    assert "Strategic developments" not in table
    assert table["Battles"]["hits"] == 0


def test_events_gold_acled_fields_of_the_best_event(acled_report):
    report, _ = acled_report
    assert _pair(report, "country_accuracy") == (2, 2)
    assert _pair(report, "within_50km") == (1, 2)
    assert _pair(report, "admin1_accuracy") == (2, 2)
    assert _pair(report, "date_accuracy") == (1, 2)
    assert _pair(report, "killed_accuracy") == (2, 2)
    assert _pair(report, "killed_nonzero_accuracy") == (1, 1)
    assert "killed_accuracy" not in report.floored


def test_events_gold_published_three_days_after(acled_report):
    _, process = acled_report
    assert process.calls[0][0].published == dt.date(2020, 3, 6)


def test_events_gold_acled_misses_undetected_first(acled_report):
    report, _ = acled_report
    assert [m.record_id for m in report.misses] == ["A3", "A2"]
    assert "km off" in report.misses[1].produced


def test_events_gold_gtd_uses_text_without_prefix(data_dir, fake_processor, make_event):
    process = fake_processor({
        "G1": [make_event("G1", "ASSAULT", killed=3, date=dt.date(2021, 3, 1))],
        "G2": [make_event("G2", "PROTEST")],
    })
    report = evaluate_file(data_dir / "gtd_tiny.jsonl", kind="gtd", process=process)
    assert not process.calls[0][0].text.startswith("03/01/2021")
    assert _pair(report, "detection_recall") == (1, 2)
    assert _pair(report, "killed_accuracy") == (1, 1)
    assert _pair(report, "country_accuracy") == (0, 1)
    assert "killed_accuracy" in report.floored


@pytest.mark.parametrize(("gold", "produced"), [
    ("Kyiv Oblast", "Kyiv"),
    ("Al Hasakah", "al-Hasakah Governorate"),
    ("Sao Paulo", "São Paulo"),
    ("Punjab Province", "PUNJAB"),
])
def test_events_gold_admin1_normalisation(gold, produced):
    assert normalise_admin1(gold) == normalise_admin1(produced)


def test_events_gold_haversine():
    assert haversine_km(0.0, 0.0, 0.0, 1.0) == pytest.approx(111.2, abs=0.1)
    assert haversine_km(-1.2864, 36.8172, -1.2864, 36.8172) == 0.0
