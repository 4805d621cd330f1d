"""The body of ``newsevents eval``: kept here so ``cli.py`` holds only its options.

This is command-line code: it echoes reports and writes ``floors.json`` on
``--update-floors``. Exit codes: 0 all floors hold (or none checked), 1 a
floor is broken, 2 the evaluation itself could not run (coded error).
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from newsevents.errors import Errors, InputError, NewsEventsError
from newsevents.evaluate import (
    Floors,
    PipelineProcessor,
    Report,
    check_floors,
    evaluate_file,
    find_gold_files,
    format_floor_check,
    format_report,
    guess_kind,
    raise_floors,
    read_floors,
    report_json,
    write_floors,
)
from newsevents.evaluate.floors import FloorCheck
from newsevents.evaluate.gold import ProcessFn


def run_eval_command(
    *,
    gold: tuple[str, ...],
    kind: str | None,
    gold_dir: str | None,
    floors_path: str | None,
    update_floors: bool,
    allow_regression: bool,
    as_json: bool,
    errors: int,
    limit: int | None,
    workers: int = 1,
    process: ProcessFn | None = None,
) -> int:
    """Run the command and return its exit code; coded errors exit 2."""
    try:
        return _run(gold=gold, kind=kind, gold_dir=gold_dir, floors_path=floors_path,
                    update_floors=update_floors, allow_regression=allow_regression,
                    as_json=as_json, errors=errors, limit=limit,
                    process=process or PipelineProcessor(workers=workers))
    except NewsEventsError as e:
        click.echo(str(e), err=True)
        return 2


def _run(*, gold: tuple[str, ...], kind: str | None, gold_dir: str | None,
         floors_path: str | None, update_floors: bool, allow_regression: bool,
         as_json: bool, errors: int, limit: int | None, process: ProcessFn) -> int:
    if bool(gold) == (gold_dir is not None) or (kind is not None and not gold):
        raise InputError(Errors.E409)
    if allow_regression and not update_floors:
        raise InputError(Errors.E408)
    if update_floors and floors_path is None:
        raise InputError(Errors.E411)
    if update_floors and limit is not None:
        raise InputError(Errors.E410)
    floors: Floors | None = None
    if floors_path is not None and not (update_floors and not Path(floors_path).exists()):
        floors = read_floors(Path(floors_path))

    targets: list[tuple[str, Path]]
    if gold:
        targets = [(kind or guess_kind(Path(name)), Path(name)) for name in gold]
    else:
        found, missing = find_gold_files(Path(gold_dir or "."))
        targets = list(found.items())
        for name in missing:
            click.echo(Errors.W402.format(name=name, path=gold_dir), err=True)

    reports: list[Report] = []
    for target_kind, path in targets:
        report = evaluate_file(path, kind=target_kind, process=process, limit=limit)
        reports.append(report)
        if not as_json:
            click.echo(format_report(report, errors=errors))
            click.echo()

    check: FloorCheck | None = None
    if floors_path is not None:
        check = check_floors(floors or Floors(), reports)
        for warning in check.warnings:
            click.echo(warning, err=True)
        if update_floors:
            write_floors(Path(floors_path),
                         raise_floors(floors or Floors(), reports,
                                      allow_regression=allow_regression))
            click.echo(f"floors written to {floors_path}", err=True)

    if as_json:
        data: dict[str, object] = {"reports": [report_json(r, errors=errors) for r in reports]}
        if check is not None:
            data["floors"] = {"passed": check.passed, "rows": [
                {"metric": row.metric, "floor": row.floor,
                 "value": None if row.value is None else round(row.value, 4),
                 "status": row.status} for row in check.rows]}
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    elif check is not None:
        click.echo(format_floor_check(check))

    if check is None or check.passed or allow_regression:
        return 0
    return 1
