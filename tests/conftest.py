"""Shared fixtures: one loaded model and one full pipeline per test session."""

from __future__ import annotations

import pytest


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
