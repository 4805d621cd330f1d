"""docs/cli.md holds the --help of every command, kept in step with the code.

``pytest tests/test_cli_docs.py --update-golden`` rewrites it after a CLI change.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from newsevents.cli import cli

CLI_DOC = Path(__file__).resolve().parents[1] / "docs" / "cli.md"
HEADER = """# Command line

Every command, with its `--help`. This page is generated from the code and checked by
`tests/test_cli_docs.py`; after changing the CLI run
`pytest tests/test_cli_docs.py --update-golden`.
"""


def _rendered() -> str:
    runner = CliRunner()
    parts = [HEADER]
    commands = [("newsevents", [])] + [(f"newsevents {name}", [name]) for name in cli.commands]
    for title, args in commands:
        result = runner.invoke(cli, [*args, "--help"], prog_name="newsevents", terminal_width=100)
        parts.append(f"\n## {title}\n\n```\n{result.output.rstrip()}\n```\n")
    return "".join(parts)


def test_cli_docs_match_the_help_of_every_command(update_golden):
    rendered = _rendered()
    if update_golden:
        CLI_DOC.write_text(rendered, encoding="utf-8")
    assert CLI_DOC.read_text(encoding="utf-8") == rendered, (
        "docs/cli.md is out of date: run pytest tests/test_cli_docs.py --update-golden")
