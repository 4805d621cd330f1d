"""The ``newsevents`` command: arguments in, one library call, an exit code out.

Exit codes: 0 every record was coded, 1 some records failed, 2 the run
itself failed (or almost every record failed).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterable

import click

from newsevents.errors import NewsEventsError
from newsevents.output import article_record
from newsevents.stages.ingest import IngestOptions, read_inputs
from newsevents.types import Article, ArticleResult, Failure


def exit_code(*, ok: int, failed: int) -> int:
    """0 all good, 1 some failed, 2 (almost) all failed."""
    if failed == 0:
        return 0
    if ok == 0 or failed >= 9 * ok:
        return 2
    return 1


def ingest_options(func):  # type: ignore[no-untyped-def]
    """The input options shared by ``extract`` and ``run``."""
    options = [
        click.option("--input-format", type=click.Choice(
            ["auto", "text", "jsonl", "csv", "tsv", "html", "feed", "warc"]), default="auto",
            show_default=True, help="How to read INPUT; auto chooses by extension."),
        click.option("--published", type=click.DateTime(["%Y-%m-%d"]), default=None,
                     help="Publication date for articles that carry none (YYYY-MM-DD)."),
        click.option("--url", default=None, help="URL of a single-article input."),
        click.option("--outlet", default=None, help="Outlet name for articles that carry none."),
        click.option("--text-col", default=None, help="CSV/TSV column holding the text."),
        click.option("--id-col", default=None, help="CSV/TSV column holding the id."),
        click.option("--date-col", default=None, help="CSV/TSV column holding the date."),
        click.option("--url-col", default=None, help="CSV/TSV column holding the URL."),
        click.option("--title-col", default=None, help="CSV/TSV column holding the title."),
        click.option("--follow-links", is_flag=True,
                     help="For feeds: fetch each entry's linked page instead of its summary."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def build_ingest_options(params: dict) -> IngestOptions:  # type: ignore[type-arg]
    published = params.pop("published")
    return IngestOptions(
        input_format=params.pop("input_format"),
        published=published.date() if published else None,
        url=params.pop("url"),
        outlet=params.pop("outlet"),
        text_col=params.pop("text_col"),
        id_col=params.pop("id_col"),
        date_col=params.pop("date_col"),
        url_col=params.pop("url_col"),
        title_col=params.pop("title_col"),
        follow_links=params.pop("follow_links"),
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="newsevents")
def cli() -> None:
    """Turn news articles into coded political events (PLOVER/CAMEO), offline.

    \b
    Example:
      newsevents extract article.txt --published 2024-11-20
      newsevents run articles/ --db events.duckdb
    """


@cli.command()
@click.argument("input_path", metavar="INPUT")
@ingest_options
@click.option("--format", "output_format", type=click.Choice(["jsonl", "table"]),
              default="jsonl", show_default=True, help="Output format.")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Parallel worker processes.")
def extract(input_path: str, output_format: str, workers: int, **params: object) -> None:
    """Code the events of INPUT (.txt, .html, .jsonl, …; - for stdin) and print them.

    \b
    Example:
      newsevents extract seed-article.txt --published 2024-11-20 --format table
    """
    from newsevents.pipeline import process

    options = build_ingest_options(params)
    records = list(read_inputs([input_path], options=options))
    articles = [r for r in records if isinstance(r, Article)]
    input_failures = [r for r in records if isinstance(r, Failure)]
    failed = len(input_failures)
    for failure in input_failures:
        click.echo(f"{failure.code}: {failure.message}", err=True)
    try:
        results: Iterable[ArticleResult] = process(articles, workers=workers)
        ok = 0
        for result in results:
            if result.failures:
                failed += 1
            else:
                ok += 1
            _echo_result(result, output_format)
    except NewsEventsError as e:
        raise click.ClickException(str(e)) from e
    sys.exit(exit_code(ok=ok, failed=failed))


def _echo_result(result: ArticleResult, output_format: str) -> None:
    if output_format == "jsonl":
        click.echo(json.dumps(article_record(result), ensure_ascii=False))
        return
    click.echo(f"# {result.article.id}  {result.article.title or ''}".rstrip())
    for event in result.events:
        source = "+".join(_actor_label(a) for a in event.source) or "-"
        target = "+".join(_actor_label(a) for a in event.target) or "-"
        where = ""
        if event.location:
            where = f" at {event.location.name} ({event.location.lat:.2f}, {event.location.lon:.2f})"
        when = f", {event.date.value.isoformat()}" if event.date.value else ""
        flags = "".join(
            f" [{flag}]" for flag, on in (("negated", event.negated),
                                          ("hypothetical", event.hypothetical)) if on)
        click.echo(f"{source} —{event.type}→ {target}{where}{when}  "
                   f"(CAMEO {event.cameo}, «{event.trigger.text}»){flags}")
    for quote in result.quotes:
        speaker = _actor_label(quote.speaker) if quote.speaker else "?"
        click.echo(f"  “{quote.text}” — {speaker}")
    for failure in result.failures:
        click.echo(f"  ! {failure.code}: {failure.message}")


def _actor_label(actor: object) -> str:
    name = getattr(actor, "name", None) or getattr(actor, "text", "?")
    country = getattr(actor, "country", None)
    sector = getattr(actor, "sector", None)
    code = "/".join(part for part in (country, sector) if part)
    return f"{name} [{code}]" if code else str(name)


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
