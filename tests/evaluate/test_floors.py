from __future__ import annotations

import dataclasses
import json

import pytest

from newsevents.errors import InputError
from newsevents.evaluate import (
    Floors,
    Ratio,
    Report,
    check_floors,
    format_floor_check,
    raise_floors,
    read_floors,
    write_floors,
)


def _report(kind="plover-gsr", sha="abc", **values: tuple[int, int]) -> Report:
    metrics = {name: Ratio(hits, total) for name, (hits, total) in values.items()}
    return Report(kind=kind, path=f"{kind}.jsonl", corpus_sha256=sha, records=10, failures=0,
                  seconds=0.1, metrics=metrics, floored=tuple(metrics))


def test_floors_pass_within_tolerance():
    floors = Floors(values={"plover-gsr.type_recall": 0.7503})
    check = check_floors(floors, [_report(type_recall=(3, 4))])
    assert check.passed
    assert check.rows[0].status == "ok"


def test_floors_fail_on_drop():
    floors = Floors(values={"plover-gsr.type_recall": 0.76, "plover-gsr.top1_accuracy": 0.5})
    check = check_floors(floors, [_report(type_recall=(3, 4), top1_accuracy=(2, 4))])
    assert not check.passed
    assert {row.metric: row.status for row in check.rows} == {
        "plover-gsr.type_recall": "FAIL", "plover-gsr.top1_accuracy": "ok"}
    table = format_floor_check(check)
    assert "plover-gsr.type_recall" in table and "FAIL" in table and "0.7600" in table


def test_floors_missing_set_is_skipped_and_unknown_metric_fails():
    floors = Floors(values={"gtd.detection_recall": 0.9, "plover-gsr.nonsense": 0.1})
    check = check_floors(floors, [_report(type_recall=(3, 4))])
    statuses = {row.metric: row.status for row in check.rows}
    assert statuses == {"gtd.detection_recall": "skipped", "plover-gsr.nonsense": "unknown"}
    assert not check.passed


def test_floors_empty_denominator_passes_only_a_zero_floor():
    empty = _report(source_country_accuracy=(0, 0))
    assert check_floors(Floors(values={"plover-gsr.source_country_accuracy": 0.0}),
                        [empty]).passed
    assert not check_floors(Floors(values={"plover-gsr.source_country_accuracy": 0.2}),
                            [empty]).passed


def test_floors_update_raises_only():
    floors = Floors(values={"plover-gsr.type_recall": 0.8, "plover-gsr.top1_accuracy": 0.1,
                            "gtd.detection_recall": 0.3})
    report = _report(type_recall=(3, 4), top1_accuracy=(1, 4), type_precision=(1, 3))
    raised = raise_floors(floors, [report])
    assert raised.values == {"plover-gsr.type_recall": 0.8, "plover-gsr.top1_accuracy": 0.25,
                             "plover-gsr.type_precision": 0.3333, "gtd.detection_recall": 0.3}
    assert raised.corpus_sha256 == {"plover-gsr": "abc"}
    lowered = raise_floors(floors, [report], allow_regression=True)
    assert lowered.values["plover-gsr.type_recall"] == 0.75


def test_floors_warn_when_corpus_changed():
    floors = Floors(values={}, corpus_sha256={"plover-gsr": "0" * 64})
    check = check_floors(floors, [_report(sha="1" * 64, type_recall=(1, 1))])
    assert check.passed
    assert check.warnings and check.warnings[0].startswith("W401")


def test_floors_round_trip_and_bad_file(tmp_path):
    path = tmp_path / "floors.json"
    write_floors(path, Floors(values={"gtd.date_accuracy": 0.5}, corpus_sha256={"gtd": "f"}))
    assert json.loads(path.read_text())["corpus_sha256"] == {"gtd": "f"}
    assert read_floors(path) == Floors(values={"gtd.date_accuracy": 0.5},
                                       corpus_sha256={"gtd": "f"})
    path.write_text('{"gtd.date_accuracy": "high"}')
    with pytest.raises(InputError, match="^E405"):
        read_floors(path)
    with pytest.raises(InputError, match="^E405"):
        read_floors(tmp_path / "absent.json")


def test_floors_set_names_with_a_dot():
    """``actors.tune.coverage`` belongs to the set ``actors.tune``, not to ``actors``."""
    tune = dataclasses.replace(_report(kind="actors", coverage=(9, 10)), name="actors.tune")
    floors = Floors(values={"actors.tune.coverage": 0.8, "actors.check.coverage": 0.8},
                    corpus_sha256={"actors.tune": "old"})
    check = check_floors(floors, [tune])
    assert {row.metric: row.status for row in check.rows} == {
        "actors.tune.coverage": "ok", "actors.check.coverage": "skipped"}
    assert check.warnings[0].startswith("W401: Gold file for 'actors.tune'")
    raised = raise_floors(floors, [tune])
    assert raised.values == {"actors.tune.coverage": 0.9, "actors.check.coverage": 0.8}
    assert raised.corpus_sha256 == {"actors.tune": "abc"}
