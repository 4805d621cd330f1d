"""The ``newsevents`` command: arguments in, one library call, an exit code out.

Exit codes: 0 every record was coded, 1 some records failed, 2 the run
itself failed (or almost every record failed).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sys
import typing
from collections.abc import Callable, Iterable

import click

from newsevents.errors import NewsEventsError
from newsevents.output import article_record
from newsevents.stages.ingest import IngestOptions, read_inputs
from newsevents.stages.ingest.options import InputFormat
from newsevents.store.export import EXPORT_FORMATS
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
        click.option("--input-format", type=click.Choice(list(typing.get_args(InputFormat))),
                     default="auto",
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
    """The IngestOptions named by the shared options (the parameters are its field names)."""
    fields = {field.name: params.pop(field.name) for field in dataclasses.fields(IngestOptions)}
    if fields["published"] is not None:
        fields["published"] = fields["published"].date()
    return IngestOptions(**fields)


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
    """Code the events of INPUT (a file, a feed or page URL, - for stdin) and print them.

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
        click.echo(failure.message, err=True)
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
        place = event.location
        if place is not None and place.lat is not None and place.lon is not None:
            where = f" at {place.name} ({place.lat:.2f}, {place.lon:.2f})"
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
        click.echo(f"  ! {failure.message}")


def _actor_label(actor: object) -> str:
    name = getattr(actor, "name", None) or getattr(actor, "text", "?")
    country = getattr(actor, "country", None)
    sector = getattr(actor, "sector", None)
    code = "/".join(part for part in (country, sector) if part)
    return f"{name} [{code}]" if code else str(name)


def _near_option(ctx: click.Context, param: click.Parameter, value: str | None) -> object:
    """Parse ``--near LAT,LON,KM``; a bad value is a usage error naming the option."""
    from newsevents.store import parse_near

    if value is None:
        return None
    try:
        return parse_near(value)
    except NewsEventsError as e:
        raise click.BadParameter(str(e), ctx=ctx, param=param) from e


def _plover_type_option(ctx: click.Context, param: click.Parameter,
                        value: str | None) -> str | None:
    from newsevents.types import PLOVER_TYPES

    if value is None:
        return None
    if value.upper() not in PLOVER_TYPES:
        raise click.BadParameter(
            f"'{value}' is not a PLOVER event type; use one of {', '.join(PLOVER_TYPES)}.",
            ctx=ctx, param=param)
    return value.upper()


def _country_option(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    if len(value) != 3 or not value.isalpha():
        raise click.BadParameter(f"'{value}' is not an ISO-3 country code such as UKR.",
                                 ctx=ctx, param=param)
    return value.upper()


T = typing.TypeVar("T")


def _read_store(db_path: str, read: Callable[..., T]) -> T:
    """``read(store)`` on the database opened read-only; store errors exit 2."""
    from newsevents.store import DuckDBStore

    try:
        with DuckDBStore(db_path, read_only=True) as store:
            return read(store)
    except NewsEventsError as e:
        raise _store_failure(e) from e


def _store_failure(e: NewsEventsError) -> click.ClickException:
    """A store or run error: printed as ``Error: E3xx: …``, exit code 2."""
    failure = click.ClickException(str(e))
    failure.exit_code = 2
    return failure


def _progress_label(progress: object) -> str | None:
    if progress is None:
        return None
    return (f"({getattr(progress, 'coded', 0)} coded, {getattr(progress, 'skipped', 0)} "
            f"already present, {getattr(progress, 'failed', 0)} failed)")


_DB_HELP = "The event database (a DuckDB file)."


@cli.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@ingest_options
@click.option("--db", "db_path", required=True, type=click.Path(dir_okay=False),
              help="The event database to fill (created if missing).")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Parallel worker processes.")
@click.option("--batch-size", type=click.IntRange(1, 100_000), default=32, show_default=True,
              help="Articles per committed transaction (and per NLP batch).")
def run(paths: tuple[str, ...], db_path: str, workers: int, batch_size: int,
        **params: object) -> None:
    """Code the articles of files, folders or globs into an event database.

    Articles already in the database are skipped, so running the same command
    again after a crash or Ctrl-C resumes where it stopped.

    \b
    Example:
      newsevents run articles/ 'feeds/*.xml' --db events.duckdb --workers 4
    """
    import itertools

    from newsevents.corpus import RunProgress, format_summary, run_corpus
    from newsevents.store import DuckDBStore

    options = build_ingest_options(params)
    try:
        with DuckDBStore(db_path) as store, click.progressbar(
                itertools.repeat(None), label="records", show_pos=True, file=sys.stderr,
                bar_template="%(label)s %(info)s", item_show_func=_progress_label) as bar:

            def show(progress: RunProgress) -> None:
                bar.update(max(0, progress.done - bar.pos), current_item=progress)

            summary = run_corpus(list(paths), store=store, options=options, workers=workers,
                                 batch_size=batch_size, on_progress=show)
    except NewsEventsError as e:
        raise _store_failure(e) from e
    click.echo(format_summary(summary))
    sys.exit(exit_code(ok=summary.ok, failed=summary.failed))


@cli.command()
@click.option("--db", "db_path", required=True, help=_DB_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
def stats(db_path: str, as_json: bool) -> None:
    """Count the articles, events and failures in an event database.

    Events of syndicated copies are not counted twice: ``events`` counts the
    events of distinct articles only.

    \b
    Example:
      newsevents stats --db events.duckdb --json
    """
    from newsevents.store.export import render_stats

    counts = _read_store(db_path, lambda store: store.stats())
    if as_json:
        click.echo(json.dumps(counts, indent=2, ensure_ascii=False))
    else:
        click.echo(render_stats(counts))


@cli.command()
@click.option("--db", "db_path", required=True, help=_DB_HELP)
@click.option("--type", "event_type", callback=_plover_type_option,
              help="PLOVER event type, e.g. ASSAULT.")
@click.option("--country", callback=_country_option,
              help="ISO-3 code of a source, target or location country, e.g. UKR.")
@click.option("--actor", help="Text in an actor's name or mention (case-insensitive).")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Events on or after this day (YYYY-MM-DD).")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Events on or before this day (YYYY-MM-DD).")
@click.option("--near", callback=_near_option, metavar="LAT,LON,KM",
              help="Events located within KM kilometres of LAT,LON.")
@click.option("--cluster", default=None, help="Only the events of this event cluster (cluster_id).")
@click.option("--include-duplicates", is_flag=True,
              help="Also list events of articles linked as syndicated copies.")
@click.option("--limit", type=click.IntRange(0), default=100, show_default=True,
              help="At most this many events (0 = all).")
@click.option("--format", "output_format", type=click.Choice(["table", "jsonl", "csv"]),
              default="table", show_default=True, help="Output format.")
def query(db_path: str, event_type: str | None, country: str | None, actor: str | None,
          since: dt.datetime | None, until: dt.datetime | None, near: object,
          cluster: str | None, include_duplicates: bool, limit: int, output_format: str) -> None:
    """List the stored events that match every filter given.

    \b
    Example:
      newsevents query --db events.duckdb --type ASSAULT --country UKR --since 2024-11-01
      newsevents query --db events.duckdb --near 50.45,30.52,100 --format jsonl
    """
    from newsevents.store import EventQuery
    from newsevents.store.duckdb import QUERY_COLUMNS
    from newsevents.store.export import render_rows

    event_query = EventQuery(
        type=event_type, country=country, actor=actor,
        since=since.date() if since else None, until=until.date() if until else None,
        near=near,  # type: ignore[arg-type]
        cluster=cluster, include_duplicates=include_duplicates, limit=limit or None)
    rows = _read_store(db_path, lambda store: store.query(event_query))
    for line in render_rows(rows, output_format=output_format, columns=QUERY_COLUMNS):
        click.echo(line)


@cli.command()
@click.option("--db", "db_path", required=True, help=_DB_HELP)
@click.option("--format", "export_format", required=True,
              type=click.Choice(EXPORT_FORMATS),
              help="plover-jsonl: one PLOVER JSON per event; gdelt: GDELT 2.0 events TSV "
                   "(61 columns, no header); polecat: POLECAT events TSV (40 columns, "
                   "header row); parquet: the events table; quotes-jsonl: one JSON per "
                   "quote with its coded speaker.")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False),
              help="The file to write.")
@click.option("--force", is_flag=True, help="Overwrite --out if it exists.")
@click.option("--include-duplicates", is_flag=True,
              help="Also export events of articles linked as syndicated copies.")
def export(db_path: str, export_format: str, out_path: str, force: bool,
           include_duplicates: bool) -> None:
    """Write the stored events (or, with --format quotes-jsonl, the quotes) to a file.

    \b
    Example:
      newsevents export --db events.duckdb --format gdelt --out events.tsv
    """
    from newsevents.store import EventQuery
    from newsevents.store.export import export_events

    query = EventQuery(include_duplicates=include_duplicates)
    count = _read_store(db_path, lambda store: export_events(
        store, out_path, export_format=export_format, force=force, query=query))
    noun = "quotes" if export_format == "quotes-jsonl" else "events"
    click.echo(f"{count} {noun} written to {out_path}")


@cli.command()
@click.option("--db", "db_path", required=True, help=_DB_HELP)
@click.option("--format", "output_format", type=click.Choice(["table", "jsonl"]),
              default="table", show_default=True, help="Output format.")
def failures(db_path: str, output_format: str) -> None:
    """List the records and articles that could not be coded, and why.

    \b
    Example:
      newsevents failures --db events.duckdb --format jsonl
    """
    from newsevents.store.export import render_failures

    rows = _read_store(db_path, lambda store: store.failures())
    for line in render_failures(rows, output_format=output_format):
        click.echo(line)


@cli.command()
@click.option("--db", "db_path", required=True, help=_DB_HELP)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but loopback needs --allow-remote.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="TCP port to listen on (0 picks a free one).")
@click.option("--allow-remote", is_flag=True,
              help="Allow a --host other machines can reach (the API has no login).")
def serve(db_path: str, host: str, port: int, allow_remote: bool) -> None:
    """Serve the dashboard and the read-only JSON API over an event database.

    Open http://127.0.0.1:8000/ for the dashboard; /openapi.json describes the API. ``run``
    and ``watch`` may write the same database meanwhile: the server answers
    from a snapshot it refreshes once they commit (docs/serve.md).

    \b
    Example:
      newsevents serve --db events.duckdb --port 8000
    """
    from newsevents.serve.server import check_host, run_server

    try:
        warning = check_host(host, allow_remote=allow_remote)
        if warning:
            click.echo(warning, err=True)
        run_server(db_path, host=host, port=port,
                   on_ready=lambda url: click.echo(f"serving {db_path} on {url}", err=True))
    except NewsEventsError as e:
        raise _store_failure(e) from e


@cli.command()
@click.argument("sources", nargs=-1, required=True, metavar="FEED_OR_URL...")
@click.option("--db", "db_path", required=True, type=click.Path(dir_okay=False),
              help="The event database to fill (created if missing).")
@click.option("--every", default="15m", show_default=True,
              help="Time between polls of a feed: 90s, 15m, 1h.")
@click.option("--pause", type=click.FloatRange(0, 60), default=1.0, show_default=True,
              help="Seconds between any two requests (politeness).")
@click.option("--once", is_flag=True, help="Poll every feed once, code what is new, stop.")
@click.option("--summaries", is_flag=True,
              help="Code the feed entries' own text instead of fetching their linked pages.")
@click.option("--published", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Publication date for articles that carry none (YYYY-MM-DD).")
def watch(sources: tuple[str, ...], db_path: str, every: str, pause: float, once: bool,
          summaries: bool, published: dt.datetime | None) -> None:
    """Poll RSS/Atom feeds and code each new article into an event database, once.

    Feeds are fetched with conditional GET (ETag, Last-Modified), entry links
    are followed to the article pages, and what is already stored is never
    fetched or coded again. A failing feed backs off and the others go on;
    every failure is a failure row. Ctrl-C or SIGTERM stops between batches.

    \b
    Example:
      newsevents watch https://example.org/world/rss.xml --db events.duckdb --every 15m
    """
    from newsevents.watch import WatchOptions, parse_every, watch_feeds

    try:
        options = WatchOptions(
            every=parse_every(every), pause=pause, once=once, follow_links=not summaries,
            published=published.date() if published else None)
        report = watch_feeds(list(sources), db_path=db_path, options=options,
                             on_report=lambda line: click.echo(line, err=True))
    except NewsEventsError as e:
        raise _store_failure(e) from e
    click.echo(report.summary())
    sys.exit(exit_code(ok=report.stored + report.skipped, failed=report.failed))


@cli.command(name="eval")
@click.argument("gold", nargs=-1, metavar="[GOLD.jsonl...]")
@click.option("--kind", type=click.Choice(["plover-gsr", "upetrarch", "acled", "gtd", "actors"]),
              default=None, help="What GOLD is (guessed from its file name if omitted).")
@click.option("--gold-dir", default=None, help="Directory holding the four gold files.")
@click.option("--check-floors", "floors_path", default=None,
              help="Fail (exit 1) if a metric drops below its floor in this JSON file.")
@click.option("--update-floors", is_flag=True, help="Raise the floors to the current values.")
@click.option("--allow-regression", is_flag=True,
              help="With --update-floors: let floors go down too.")
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as JSON.")
@click.option("--errors", type=click.IntRange(0), default=0, show_default=True,
              help="Print the N worst misses of each gold file.")
@click.option("--limit", type=click.IntRange(1), default=None,
              help="Score only the first N records of each file.")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Parallel worker processes.")
def eval_command(**options: object) -> None:
    """Score coding quality against gold data (see docs/accuracy.md).

    \b
    Example:
      newsevents eval ../shared/eval/plover_gsr_dev.jsonl --kind plover-gsr --errors 10
      newsevents eval --gold-dir ../shared/eval --check-floors eval/floors.json
      newsevents eval eval/actors/tune.jsonl --kind actors --errors 20
    """
    from newsevents.evaluate.command import run_eval_command

    sys.exit(run_eval_command(**options))  # type: ignore[arg-type]


@cli.command("spark-run")
@click.argument("paths", nargs=-1, required=True, metavar="INPUT...")
@ingest_options
@click.option("--out", required=True,
              help="Folder or Hadoop file system URI of the Parquet dataset (created).")
@click.option("--master", default=None,
              help="Spark master: local[2], spark://HOST:7077, yarn, k8s://URL "
                   "[default: spark-submit's, else local[*]].")
@click.option("--partitions", type=click.IntRange(1, 1_000_000), default=None,
              help="Partitions of articles to code [default: Spark's parallelism].")
@click.option("--batch-size", type=click.IntRange(1, 100_000), default=16, show_default=True,
              help="Articles per NLP batch on an executor.")
@click.option("--conf", "settings", multiple=True, metavar="KEY=VALUE",
              help="A Spark setting, e.g. spark.executor.memory=2g (repeatable).")
def spark_run(paths: tuple[str, ...], out: str, master: str | None, partitions: int | None,
              batch_size: int, settings: tuple[str, ...], **params: object) -> None:
    """Code files, folders, globs or Hadoop file system URIs with Spark into Parquet.

    Needs the spark extra (pip install 'newsevents[spark]') and Java 17.
    Writes articles/, events/, quotes/, places/ and failures/ under --out,
    partitioned by publication date; a re-run of the same input replaces its
    partitions. Bring the result to the local tools with newsevents import.

    \b
    Example:
      newsevents spark-run articles/ --out events.parquet --master 'local[2]'
      newsevents import events.parquet --db events.duckdb
    """
    from newsevents.spark import spark_run as run_spark
    from newsevents.spark import start_session

    options = build_ingest_options(params)
    conf = dict(_setting(setting) for setting in settings)
    try:
        spark = start_session(master=master, conf=conf)
        summary = run_spark(list(paths), out=out, spark=spark, options=options,
                            partitions=partitions, batch_size=batch_size)
    except NewsEventsError as e:
        raise _store_failure(e) from e
    click.echo(f"spark run {summary.run_id} wrote {summary.out}")
    for label, count in (("input records", summary.records),
                         ("articles stored", summary.stored),
                         ("already present (skipped)", summary.skipped),
                         ("duplicates linked", summary.duplicates),
                         ("articles with failures", summary.failed_articles),
                         ("records failed", summary.failed_records),
                         ("events stored", summary.events),
                         ("event clusters", summary.clusters)):
        click.echo(f"  {label:<26}  {count:>7}")
    sys.exit(exit_code(ok=summary.ok, failed=summary.failed))


def _setting(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise click.BadParameter(f"expected KEY=VALUE, got {text!r}", param_hint="--conf")
    return key.strip(), value.strip()


@cli.command("import")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.option("--db", "db_path", required=True, type=click.Path(dir_okay=False),
              help="The event database to fill (created if missing).")
def import_dataset(folder: str, db_path: str) -> None:
    """Bring a spark-run output folder into an event database.

    Articles already in the database are skipped; copies are linked and
    events clustered over the whole database afterwards.

    \b
    Example:
      newsevents import events.parquet --db events.duckdb
    """
    from newsevents.store import DuckDBStore

    try:
        with DuckDBStore(db_path) as store:
            run_id = store.begin_run(inputs=[folder], options={"import": True})
            try:
                outcome = store.import_dataset(folder, run_id=run_id)
                dedupe = store.dedupe()
            except NewsEventsError as e:
                store.finish_run(run_id, status="failed", counts={}, error=str(e))
                raise
            store.finish_run(run_id, status="completed", counts={
                "stored": outcome.stored, "skipped": outcome.skipped, "events": outcome.events,
                "failures": outcome.failures, "duplicates_linked": dedupe.links_changed})
    except NewsEventsError as e:
        raise _store_failure(e) from e
    click.echo(f"imported {outcome.stored} articles ({outcome.skipped} already present), "
               f"{outcome.events} events, {outcome.failures} failure rows into {db_path}")


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
