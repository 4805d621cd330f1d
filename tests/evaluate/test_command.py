from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from newsevents.cli import cli
from newsevents.evaluate import command


@pytest.fixture()
def fake_pipeline(monkeypatch, fake_processor, make_event):
    """The eval command with a fake pipeline: P1 right, P4 right, P2 and P3 missed."""
    process = fake_processor({
        "P1": [make_event("P1", "AGREE", source=[("ARN", "GOV")], target=[("GON", "GOV")])],
        "P4": [make_event("P4", "PROTEST", source=[("ARN", "CVL")])],
    })
    monkeypatch.setattr(command, "PipelineProcessor", lambda **_: process)
    return process


def test_command_eval_prints_metrics_and_errors(data_dir, fake_pipeline):
    result = CliRunner().invoke(
        cli, ["eval", str(data_dir / "plover_gsr_tiny.jsonl"), "--kind", "plover-gsr",
              "--errors", "1"])
    assert result.exit_code == 0, result.output
    assert "== plover-gsr" in result.output
    assert "type_recall" in result.output and " 0.500  2/4" in result.output
    assert "worst 1 of 2 misses:" in result.output


def test_command_eval_json(data_dir, fake_pipeline):
    result = CliRunner().invoke(
        cli, ["eval", str(data_dir / "plover_gsr_tiny.jsonl"), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    metric = data["reports"][0]["metrics"]["type_precision"]
    assert metric == {"value": 1.0, "hits": 2, "total": 2, "floored": True}


def test_command_eval_missing_gold_file(tmp_path):
    missing = tmp_path / "absent.jsonl"
    result = CliRunner().invoke(cli, ["eval", str(missing), "--kind", "plover-gsr"])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"E401: Gold file '{missing}' does not exist. Check the path, or pass --gold-dir "
        "with the directory that holds the gold files.")


def test_command_eval_gold_dir_check_and_update_floors(tmp_path, data_dir, fake_pipeline):
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    shutil.copy(data_dir / "plover_gsr_tiny.jsonl", gold_dir / "plover_gsr_dev.jsonl")
    floors = tmp_path / "floors.json"
    floors.write_text(json.dumps({"plover-gsr.type_recall": 0.9}))
    args = ["eval", "--gold-dir", str(gold_dir), "--check-floors", str(floors)]

    failed = CliRunner().invoke(cli, args)
    assert failed.exit_code == 1
    assert "W402: Skipping 'gtd_dev.jsonl'" in failed.stderr
    assert "plover-gsr.type_recall" in failed.stdout and "FAIL" in failed.stdout

    updated = CliRunner().invoke(cli, [*args, "--update-floors"])
    assert updated.exit_code == 1
    assert json.loads(floors.read_text())["plover-gsr.type_recall"] == 0.9

    lowered = CliRunner().invoke(cli, [*args, "--update-floors", "--allow-regression"])
    assert lowered.exit_code == 0
    written = json.loads(floors.read_text())
    assert written["plover-gsr.type_recall"] == 0.5
    assert set(written["corpus_sha256"]) == {"plover-gsr"}
    assert CliRunner().invoke(cli, args).exit_code == 0


@pytest.mark.parametrize(("args", "code"), [
    (["eval"], "E409"),
    (["eval", "x.jsonl", "--kind", "gtd", "--allow-regression"], "E408"),
    (["eval", "x.jsonl", "--kind", "gtd", "--update-floors"], "E411"),
])
def test_command_eval_usage_errors(args, code):
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert result.stderr.startswith(code)
