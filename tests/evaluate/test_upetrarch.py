from __future__ import annotations

import datetime as dt

import pytest

from newsevents.evaluate import evaluate_file
from newsevents.evaluate.upetrarch import country_matches


@pytest.fixture()
def upetrarch_report(data_dir, fake_processor, make_event):
    process = fake_processor({
        "U1": [make_event("U1", "CONSULT", cameo="043", source=[("ARN", "GOV")],
                          target=[("MOR", None)])],
        "U2": [make_event("U2", "ASSAULT", cameo="193", source=[("UNO", "IGO")])],
        "U4": [make_event("U4", "PROTEST", cameo="141")],
    })
    report = evaluate_file(data_dir / "upetrarch_tiny.jsonl", kind="upetrarch",
                           process=process)
    return report, process


def _pair(report, name):
    ratio = report.metrics[name]
    return ratio.hits, ratio.total


def test_upetrarch_real_news_subset(upetrarch_report):
    report, _ = upetrarch_report
    assert _pair(report, "real_news.cameo_root_accuracy") == (1, 1)
    assert _pair(report, "real_news.plover_type_accuracy") == (1, 1)
    assert _pair(report, "real_news.source_code_accuracy") == (1, 1)
    assert _pair(report, "real_news.target_code_accuracy") == (0, 1)
    assert _pair(report, "real_news.noevent_accuracy") == (1, 1)


def test_upetrarch_all_records_and_false_event_rate(upetrarch_report):
    report, _ = upetrarch_report
    assert _pair(report, "all.cameo_root_accuracy") == (2, 2)
    assert _pair(report, "all.source_code_accuracy") == (2, 2)
    assert _pair(report, "all.target_code_accuracy") == (0, 1)
    assert _pair(report, "all.noevent_accuracy") == (1, 2)
    assert _pair(report, "all.false_event_rate") == (1, 2)
    assert all(name.startswith("real_news.") for name in report.floored)


def test_upetrarch_published_from_record_date(upetrarch_report):
    _, process = upetrarch_report
    assert process.calls[0][0].published == dt.date(2020, 3, 15)


@pytest.mark.parametrize(("code", "countries", "expected"), [
    ("IRQMUS", {"IRQ"}, True),
    ("IRQMUS", {"SYR"}, False),
    ("IGOUNO", {"IGO"}, True),
    ("IGOUNO", {"UNO"}, True),
    ("---REB", {"SYR"}, None),
    (None, {"SYR"}, None),
])
def test_upetrarch_country_matches(code, countries, expected):
    assert country_matches(code, countries) is expected
