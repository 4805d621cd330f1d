"""Run the API and dashboard with uvicorn on a socket bound here (so port 0 works)."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from pathlib import Path

from newsevents.errors import Errors, InputError, ResourceError

REMOTE_WARNING = ("Warning: listening on {host}, which other machines can reach. The API is "
                  "read-only but has no login: anyone who can connect can read every article "
                  "and event in the database.")


def is_loopback(host: str) -> bool:
    """Whether ``host`` can be reached from this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_host(host: str, *, allow_remote: bool) -> str | None:
    """None for a loopback host; the warning to print for another (E606 without the flag)."""
    if is_loopback(host):
        return None
    if not allow_remote:
        raise InputError(Errors.E606.format(host=host))
    return REMOTE_WARNING.format(host=host)


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on (host, port); port 0 picks a free one."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    return sock


def make_server(db_path: str | Path, **app_options: object):  # type: ignore[no-untyped-def]
    """A uvicorn Server for the app over ``db_path`` (the caller binds and runs it)."""
    import uvicorn

    from newsevents.serve.api import create_app

    _check_database(db_path)
    app = create_app(db_path, **app_options)  # type: ignore[arg-type]
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on",
                            timeout_graceful_shutdown=5)
    return uvicorn.Server(config)


def _check_database(db_path: str | Path) -> None:
    """Fail now with E301/E303 rather than on the first request; a writer's lock is fine."""
    from newsevents.store.duckdb import DuckDBStore

    try:
        DuckDBStore(db_path, read_only=True, lock_wait=0.0).close()
    except ResourceError:
        return  # a run or watch is writing: the server starts and serves once it commits


def run_server(db_path: str | Path, *, host: str, port: int,
               on_ready: Callable[[str], None] | None = None) -> None:
    """Serve until Ctrl-C or SIGTERM."""
    server = make_server(db_path)
    sock = bind(host, port)
    address = sock.getsockname()
    shown = f"[{address[0]}]" if ":" in address[0] else address[0]
    if on_ready is not None:
        on_ready(f"http://{shown}:{address[1]}/")
    server.run(sockets=[sock])
