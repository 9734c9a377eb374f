"""Loopback HTTP servers for the network commands' tests: scripted answers, counted requests.

Everything binds to 127.0.0.1 on a free port; nothing here reaches beyond the machine.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import io
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit


@dataclass
class Route:
    """A scripted answer."""

    status: int = 200
    body: bytes | str = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # slow handlers must not hold up the end of a test
    owner: LocalServer


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep pytest's output clean

    def do_HEAD(self) -> None:
        self._answer("HEAD")

    def do_GET(self) -> None:
        self._answer("GET")

    def _answer(self, method: str) -> None:
        owner = self.server.owner
        path = self.path.split("?", 1)[0]
        owner.record(method, path)
        counted = True
        try:
            route = owner.routes.get(path, Route(status=404, body="not here"))
            if route.delay and owner.stopping.wait(route.delay):
                return
            body = route.body.encode("utf-8") if isinstance(route.body, str) else route.body
            # no longer in flight once the answer starts: the client may have it whole, and start its next
            # request, before this thread reaches its `finally` (a loaded machine showed 3 "at once" of 2)
            owner.done()
            counted = False
            self.send_response(route.status)
            self.send_header("Content-Type", route.content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in route.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if method != "HEAD":
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test): nothing to answer
        finally:
            if counted:
                owner.done()


class LocalServer:
    """A threaded HTTP server on 127.0.0.1 with scripted routes; unknown paths answer 404.

    ``hits`` counts requests by (method, path); ``max_in_flight`` is the most handled at once;
    ``starts`` holds each request's arrival time (for the polite-delay test).
    """

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: Counter[tuple[str, str]] = Counter()
        self.starts: list[float] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> LocalServer:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()

    def add(self, path: str, route: Route | None = None, **fields: object) -> str:
        self.routes[path] = route or Route(**fields)  # type: ignore[arg-type]
        return self.url(path)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self._server.server_port}{path}"

    def record(self, method: str, path: str) -> None:
        with self._lock:
            self.hits[(method, path)] += 1
            self.starts.append(time.monotonic())
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def done(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def count(self, path: str, method: str | None = None) -> int:
        return sum(n for (m, p), n in self.hits.items() if p == path and (method is None or m == method))

    @property
    def total(self) -> int:
        return sum(self.hits.values())


class ResetServer:
    """A raw socket server that resets every connection (SO_LINGER 0 makes close() send an RST).

    ``requests`` counts the requests read, by method (a connection closed unasked counts under "").
    """

    def __init__(self) -> None:
        self.requests: Counter[str] = Counter()
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(16)
        self._socket.settimeout(0.05)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> ResetServer:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self._socket.close()

    def url(self, path: str = "/") -> str:
        host, port = self._socket.getsockname()[:2]
        return f"http://{host}:{port}{path}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._socket.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with connection:
                connection.settimeout(1)
                try:
                    request = connection.recv(4096)
                except OSError:
                    continue
                method = request.split(b" ", 1)[0].decode("ascii", errors="replace")
                self.requests[method] += 1
                connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def refused_url(path: str = "/") -> str:
    """A loopback URL nothing listens on: connecting is refused at once."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}{path}"


# --- a static site, served as a host would (gzip) -------------------------------------------


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class _GzipHandler(_QuietHandler):
    """Static files, gzipped for clients that accept it, as GitHub Pages and most hosts serve them."""

    def send_head(self):  # type: ignore[override]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not urlsplit(self.path).path.endswith("/"):
                return super().send_head()  # the redirect to the address with a slash
            path = path / "index.html"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts and path.is_file() and path.suffix in {".html", ".css", ".js", ".json", ".xml", ".svg"}):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


@contextlib.contextmanager
def serve(site: Path, gzipped: bool = True) -> Iterator[str]:
    """Serve `site` on 127.0.0.1 (a free port); yields the origin."""
    handler = _GzipHandler if gzipped else _QuietHandler
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
