"""Browser tests: the built site, served on 127.0.0.1, driven in Debian's Chromium by Playwright.

No browser is downloaded: Playwright drives /usr/bin/chromium (or $CASEBOOK_CHROMIUM). Where
Chromium, Playwright or axe-core is missing the tests are skipped with the reason, except under CI
(the CI variable set), where a missing tool fails them: CI must prove the site in a real browser.

Chromium resolves no host name but 127.0.0.1 (--host-resolver-rules), so a page that asks for
a third-party address never reaches the network: the request fails at once, and is still recorded.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import signal
import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from ..conftest import ROOT
from ..support.weights import PAGE_TYPES

__all__ = ["PAGE_TYPES"]

HERE = Path(__file__).resolve().parent
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # every host name but the local server's address fails to resolve: nothing leaves the machine
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]
TIMEOUT_MS = 20_000


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives the built site in Chromium (skipped without it, unless CI)")


def unavailable(reason: str) -> None:
    """Skip locally, but fail under CI, where the browser tests must run."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so the browser tests may not be skipped)", pytrace=False)
    pytest.skip(reason)


def chromium_path() -> str | None:
    """$CASEBOOK_CHROMIUM if set (only it), else Debian's chromium."""
    candidates = [os.environ["CASEBOOK_CHROMIUM"]] if "CASEBOOK_CHROMIUM" in os.environ else []
    candidates = candidates or [shutil.which("chromium"), "/usr/bin/chromium"]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture(scope="session")
def site_dir(real_site: Path) -> Path:
    """The real site, built strict once per test run (tests/conftest.py) and shared with the browser tests."""
    return real_site


class _Handler(http.server.SimpleHTTPRequestHandler):
    probes: dict[str, str] = {}  # noqa: RUF012 - replaced per server

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path in self.probes:
            body = self.probes[path].encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()


@dataclass
class LocalSite:
    """The built site on http://127.0.0.1:PORT/, plus test pages added with `probe`."""

    origin: str
    probes: dict[str, str]

    def url(self, path: str) -> str:
        return self.origin + path

    def probe(self, path: str, html: str) -> str:
        self.probes[path] = html
        return self.url(path)


@pytest.fixture(scope="session")
def server(site_dir: Path) -> Iterator[LocalSite]:
    probes: dict[str, str] = {}
    handler = type("Handler", (_Handler,), {"probes": probes})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site_dir)))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield LocalSite(f"http://127.0.0.1:{httpd.server_address[1]}", probes)
    finally:
        httpd.shutdown()
        httpd.server_close()


# Chromium now and then never answers a request to close a context (Target.disposeBrowserContext):
# Playwright's close() has no timeout, so one such close stalled a whole CI run. A close that takes
# longer than this is ended by killing the browser, which is launched again for the next test.
CLOSE_LIMIT_S = 30.0


def _parents() -> dict[int, int]:
    """Each running process's parent (Linux /proc); Playwright's driver starts Chromium under this process."""
    table = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            table[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue  # the process ended while the table was read
    return table


def descendants(pid: int, parents: dict[int, int] | None = None) -> list[int]:
    """The processes below ``pid``, from ``parents`` (default: read now)."""
    children: dict[int, list[int]] = {}
    for child, parent in (parents if parents is not None else _parents()).items():
        children.setdefault(parent, []).append(child)
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


class Chromium:
    """Debian's Chromium under Playwright, with closes that cannot stall the test run."""

    def __init__(self, playwright: object, executable: str) -> None:
        self.playwright = playwright
        self.executable = executable
        self.kills = 0
        self.browser_pid: int | None = None
        self.browser = self._launch()

    def _launch(self) -> object:
        before = set(descendants(os.getpid()))
        browser = self.playwright.chromium.launch(executable_path=self.executable, headless=True, args=CHROMIUM_ARGS)
        parents = _parents()
        started = set(descendants(os.getpid(), parents)) - before
        # the launch started one process (Debian's launcher script or Chromium itself) and all the
        # others below it: the one whose parent was there before is the browser's root
        self.browser_pid = next((pid for pid in started if parents.get(pid) not in started), None)
        return browser

    def new_context(self, **options: object) -> object:
        if not self.browser.is_connected():  # a stuck close killed it
            self.browser = self._launch()
        return self.browser.new_context(**options)

    def _kill(self) -> None:
        """Kill this browser's processes only (a test may run a second Chromium beside it)."""
        self.kills += 1
        if self.browser_pid is None:
            return
        for pid in [self.browser_pid, *descendants(self.browser_pid)]:
            with contextlib.suppress(ProcessLookupError):  # it ended by itself meanwhile
                os.kill(pid, signal.SIGKILL)

    def close(self, closable: object, limit_s: float = CLOSE_LIMIT_S) -> None:
        """Close a context (or the browser); past ``limit_s`` kill Chromium instead and say so."""
        kills = self.kills
        watchdog = threading.Timer(limit_s, self._kill)
        watchdog.daemon = True
        watchdog.start()
        try:
            closable.close()
        except Exception as error:  # Playwright's Error: the kill cut the close short
            if self.kills == kills:
                raise
            warnings.warn(f"Chromium did not close within {limit_s:.0f} s and was killed: {error}", stacklevel=2)
        finally:
            watchdog.cancel()


@pytest.fixture(scope="package")
def browser() -> Iterator[Chromium]:
    """Chromium, for the tests of this folder only: Playwright's sync API keeps an asyncio loop
    running in the main thread while it is open, which would break asyncio.run() in later tests."""
    executable = chromium_path()
    if executable is None:
        unavailable("Chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        unavailable("Playwright is not installed (pip install playwright; never `playwright install`)")
    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        chromium = Chromium(playwright, executable)
        try:
            yield chromium
        finally:
            chromium.close(chromium.browser)


@dataclass
class Recorder:
    """Everything a browser context asked for, and every console error and uncaught exception."""

    origin: str
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def external(self) -> list[str]:
        local = urlsplit(self.origin).netloc
        return [url for url in self.requests if not url.startswith("data:") and urlsplit(url).netloc != local]


def record(context: object, origin: str) -> Recorder:
    recorder = Recorder(origin)
    context.on("request", lambda request: recorder.requests.append(request.url))

    def watch(page: object) -> None:
        page.on("console", lambda msg: msg.type == "error" and recorder.errors.append(f"console: {msg.text}"))
        page.on("pageerror", lambda exc: recorder.errors.append(f"uncaught: {exc}"))

    context.on("page", watch)
    return recorder


@pytest.fixture
def new_context(browser: Chromium, server: LocalSite) -> Iterator[object]:
    """Open fresh browser contexts (no shared storage); each gets `.recorder`. All are closed afterwards."""
    opened = []

    def _new(**options: object) -> object:
        options = {"viewport": {"width": 1280, "height": 800}, "color_scheme": "light", **options}
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        context.recorder = record(context, server.origin)
        opened.append(context)
        return context

    yield _new
    for context in opened:
        browser.close(context)


@pytest.fixture
def page(new_context: object) -> Iterator[object]:
    """A page in a fresh light-scheme context. Afterwards: no third-party request and no error."""
    context = new_context()
    yield context.new_page()
    recorder = context.recorder
    assert recorder.external() == [], f"third-party requests: {recorder.external()}"
    assert recorder.errors == [], recorder.errors


# a phone: 390 × 844 CSS pixels, touch, twice the pixels per CSS pixel
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


@pytest.fixture
def phone(new_context: object) -> Iterator[object]:
    """A page on a phone. Afterwards: no third-party request and no error."""
    context = new_context(**PHONE)
    yield context.new_page()
    assert context.recorder.external() == [], context.recorder.external()
    assert context.recorder.errors == [], context.recorder.errors


PALETTES = (("light", "default"), ("dark", "slate"))  # emulated prefers-color-scheme -> Material's palette


def in_each_palette(page: object) -> Iterator[str]:
    """Switch ``page`` to the light palette, then the dark one, yielding each scheme once it shows."""
    for scheme, palette in PALETTES:
        page.emulate_media(color_scheme=scheme)
        page.wait_for_function(f"document.body.dataset.mdColorScheme === '{palette}'")
        yield scheme


# what casebook.js does at the first jump within a page: draw every block that waits to be drawn
DRAW_ALL = "() => document.documentElement.classList.add('cb-drawn')"


def settle(page: object) -> None:
    """Wait until no finite CSS transition or animation is running (colours are final, nothing moves)."""
    page.wait_for_function(
        "() => document.getAnimations().every(a => a.playState !== 'running'"
        " || a.effect.getComputedTiming().endTime === Infinity)"
    )


def run_axe(page: object) -> list[dict]:
    """axe-core's violations on the page as shown, impact serious or critical only.

    Every block is drawn first (DRAW_ALL): off-screen footnotes and records are left undrawn until they
    near the screen (casebook.css, content-visibility), and axe cannot measure the contrast of text
    that is not drawn; it would report it as "needs review" instead of checking it."""
    if not AXE.is_file():
        unavailable(f"axe-core is not installed: run `npm ci --prefix {HERE.relative_to(ROOT)}`")
    page.evaluate(DRAW_ALL)
    settle(page)
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "nodes": [" ".join(n["target"]) for n in v["nodes"]][:5],
            "why": v["nodes"][0]["failureSummary"].splitlines()[1:2] if v["nodes"] else [],
        }
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
