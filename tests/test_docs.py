"""Documentation stays complete: every error code, command and stage is documented."""

from __future__ import annotations

import re
from pathlib import Path

from newsevents.cli import cli
from newsevents.errors import Errors
from newsevents.registrations import STAGES

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_docs_every_error_code_is_documented():
    documented = (DOCS / "errors.md").read_text("utf-8")
    codes = [name for name in vars(Errors) if re.fullmatch(r"[EW]\d{3}", name)]
    missing = [code for code in codes if f"| {code} |" not in documented]
    assert not missing, f"add to docs/errors.md: {missing}"


def test_docs_every_command_is_in_the_readme():
    readme = (DOCS.parent / "README.md").read_text("utf-8")
    missing = [name for name in cli.commands if f"newsevents {name}" not in readme]
    assert not missing, f"add to README.md: {missing}"


def test_docs_every_stage_has_a_section():
    stages = (DOCS / "stages.md").read_text("utf-8")
    names = [factory.removeprefix("newsevents_").rsplit("_v", 1)[0] for factory in STAGES]
    missing = [name for name in names + ["ingest", "parse", "dedupe"] if f"## {name}" not in stages]
    assert not missing, f"add a section to docs/stages.md: {missing}"


def test_docs_public_api_names_resolve():
    import newsevents

    for name in newsevents.__all__:
        assert getattr(newsevents, name) is not None, name
