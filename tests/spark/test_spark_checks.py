"""A missing pyspark or Java is a coded error naming the fix (no Spark needed)."""

from __future__ import annotations

import importlib.util

import pytest
from click.testing import CliRunner

from newsevents import spark as spark_engine
from newsevents.cli import cli
from newsevents.errors import ResourceError


def test_spark_missing_pyspark_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "pyspark" else real(name, *a))
    with pytest.raises(ResourceError, match=r"^E701: .*pip install 'newsevents\[spark\]'"):
        spark_engine.require_spark()


def test_spark_missing_java_names_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", "")
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: object())
    with pytest.raises(ResourceError, match="^E702: .*openjdk-17-jre-headless"):
        spark_engine.require_spark()
    result = CliRunner().invoke(cli, ["spark-run", "examples/articles", "--out", "unused"])
    assert result.exit_code == 2
    assert "Error: E702: Spark needs Java 17" in result.output


def test_spark_import_refuses_a_folder_that_is_no_output(tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(cli, ["import", str(tmp_path), "--db",
                                      str(tmp_path / "x.duckdb")])
    assert result.exit_code == 2
    assert "E312: " in result.output and "no 'articles' dataset" in result.output
