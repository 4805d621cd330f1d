"""Stores and servers for the serve and watch tests."""

from __future__ import annotations

import datetime as dt
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "articles"


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory, nlp) -> Path:  # type: ignore[no-untyped-def]
    """A store coded from the sample articles, as ``make demo`` builds it (read it only)."""
    from newsevents.corpus import run_corpus
    from newsevents.pipeline import process
    from newsevents.stages.ingest import IngestOptions
    from newsevents.store import DuckDBStore

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    with DuckDBStore(path) as store:
        run_corpus([str(EXAMPLES)], store=store,
                   options=IngestOptions(published=dt.date(2024, 11, 20)),
                   process=lambda articles, **kw: process(articles, nlp=nlp, **kw))
    return path


@pytest.fixture
def demo_copy(demo_db: Path, tmp_path: Path) -> Path:
    """A private copy of the demo store that a test may write."""
    target = tmp_path / "events.duckdb"
    shutil.copyfile(demo_db, target)
    return target


class LiveServer:
    """The real uvicorn server on 127.0.0.1 and a free port, in a thread."""

    def __init__(self, db_path: Path, **app_options: object) -> None:
        from newsevents.serve.server import bind, make_server

        self.server = make_server(db_path, **app_options)
        self.socket = bind("127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}"
        self.thread = threading.Thread(target=self.server.run,
                                       kwargs={"sockets": [self.socket]}, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def live_server() -> Iterator[type[LiveServer]]:
    yield LiveServer
