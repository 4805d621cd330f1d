"""A loopback HTTP server whose feeds change, fail, time out and return garbage."""

from __future__ import annotations

import email.utils
import hashlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "articles"
PAGES = sorted(EXAMPLES.glob("*.html"))


class FeedSite:
    """Serves /feed.xml (entries the test sets), /page/N.html (sample articles), and bad feeds."""

    def __init__(self, *, slow_seconds: float = 3.0) -> None:
        self.entries: list[int] = []
        self.log: list[tuple[float, str, str | None, int]] = []
        self.slow_seconds = slow_seconds
        self.lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                return

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                arrived = time.monotonic()
                status = site.answer(self)
                with site.lock:
                    site.log.append((arrived, self.path,
                                     self.headers.get("If-None-Match"), status))

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> FeedSite:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def feed(self) -> bytes:
        items = "".join(
            f"<item><title>Story {n}</title><link>{self.url}/page/{n}.html</link>"
            f"<guid>{self.url}/page/{n}.html</guid><pubDate>Wed, 20 Nov 2024 08:00:00 GMT"
            "</pubDate></item>" for n in self.entries)
        return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Loopback</title>'
                f"<link>{self.url}/</link>{items}</channel></rss>").encode()

    def answer(self, request: BaseHTTPRequestHandler) -> int:
        path = request.path
        if path == "/feed.xml":
            body = self.feed()
            etag = '"' + hashlib.sha1(body).hexdigest() + '"'
            if request.headers.get("If-None-Match") == etag:
                request.send_response(304)
                request.send_header("ETag", etag)
                request.end_headers()
                return 304
            return self.send(request, 200, body, "application/rss+xml",
                             {"ETag": etag, "Last-Modified": email.utils.formatdate(usegmt=True)})
        if path.startswith("/page/"):
            number = int(path.split("/")[-1].split(".")[0])
            return self.send(request, 200, PAGES[number].read_bytes(), "text/html; charset=utf-8")
        if path == "/broken.xml":
            return self.send(request, 500, b"internal error", "text/plain")
        if path == "/slow.xml":
            time.sleep(self.slow_seconds)
            return self.send(request, 200, self.feed(), "application/rss+xml")
        if path == "/garbage.xml":
            return self.send(request, 200, bytes(range(256)) * 20, "application/rss+xml")
        return self.send(request, 404, b"not here", "text/plain")

    @staticmethod
    def send(request: BaseHTTPRequestHandler, status: int, body: bytes, kind: str,
             headers: dict[str, str] | None = None) -> int:
        try:
            request.send_response(status)
            request.send_header("Content-Type", kind)
            request.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                request.send_header(name, value)
            request.end_headers()
            request.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test)
        return status

    def requests_for(self, path: str) -> list[tuple[float, str, str | None, int]]:
        with self.lock:
            return [entry for entry in self.log if entry[1] == path]
