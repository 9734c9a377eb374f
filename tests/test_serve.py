"""`make serve` never hangs: a broken edit keeps the last good site served, with the errors on every
page, and the fix brings the site back without them; every request answers at once, during rebuilds
too; killing make's process stops the server.

Each test starts `mkdocs serve` (or `make serve`) on a free 127.0.0.1 port in a throwaway project and
stops it, and every process it started, at the end.
"""

from __future__ import annotations

import contextlib
import html
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.request import urlopen

import pytest

from casebook.adapters.mkdocs_plugin import banner, with_banner

from .conftest import ROOT

pytestmark = pytest.mark.build

FACT = "content/facts/complaint-unsealed.yml"
ERROR = re.compile(r"content/facts/complaint-unsealed\.yml:\d+:\d+: status: required field is missing \(add 'status: ")
BANNER = '<div class="casebook-errors" role="alert">'
EPOCH = re.compile(r"livereload\((\d+), \d+\);")
ANSWER_WITHIN = 2.0  # seconds: the longest any request may take, at any moment
STARTUP = 120.0  # seconds: the first build, on a slow shared machine
REBUILD = 60.0  # seconds: a rebuild after an edit

# A hook of the test project: with the marker file present, each build waits 3 s before it writes
# anything, as a big site does. Requests made meanwhile must still answer at once.
SLOW_HOOK = """
import time
from pathlib import Path

def on_pre_build(config):
    if (Path(config.config_file_path).parent / "slow-builds").exists():
        time.sleep(3)
"""


def save(path: Path, text: str) -> None:
    """Write a file whole, as an editor's save, so the server's file watcher never sees it half written
    (an empty fact file is another error); the temporary file is outside the watched folders."""
    part = path.parents[2] / f".{path.name}.part"
    part.write_text(text, encoding="utf-8")
    os.replace(part, path)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Client:
    """GET requests to the server, each one timed (connection refused counts, and is instant)."""

    origin: str
    times: list[tuple[float, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, path: str) -> tuple[int, str]:
        start = time.monotonic()
        try:
            with urlopen(self.origin + path, timeout=30) as response:
                answer = response.status, response.read().decode("utf-8")
        except HTTPError as error:
            answer = error.code, error.read().decode("utf-8")
        except (URLError, ConnectionError):
            answer = 0, ""
        with self.lock:
            self.times.append((time.monotonic() - start, path))
        return answer

    def longest(self) -> tuple[float, str]:
        with self.lock:
            return max(self.times, default=(0.0, ""))


def wait_for(check: Callable[[], bool], timeout: float, what: str) -> float:
    """Poll ``check`` every 0.1 s; return how long it took to come true."""
    start = time.monotonic()
    while not check():
        if time.monotonic() - start > timeout:
            pytest.fail(f"{what}: not within {timeout:.0f} s")
        time.sleep(0.1)
    return time.monotonic() - start


@dataclass
class Served:
    project: Path
    process: subprocess.Popen[bytes]
    client: Client
    log: Path

    def up(self) -> bool:
        if self.process.poll() is not None:
            pytest.fail(f"the server exited ({self.process.returncode}):\n{self.log.read_text()}")
        return self.client.get("/")[0] == 200

    def reloads(self) -> int:
        return self.log.read_text(encoding="utf-8").count("Reloading browsers")


def start(command: list[str], project: Path, port: int, log: Path, **environ: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "CASEBOOK_SITE_URL": f"http://127.0.0.1:{port}/", **environ}
    with log.open("wb") as out:  # a file, not a pipe that nobody reads and that fills up
        return subprocess.Popen(
            command, cwd=project, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop(process: subprocess.Popen[bytes]) -> None:
    """End the process and every process of its session (it was started in a session of its own)."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


@pytest.fixture
def serve(project: Path, tmp_path: Path) -> Iterator[Callable[[], Served]]:
    """`mkdocs serve` of the throwaway project, as `make serve` runs it, but on a free port."""
    (project / "slow_hook.py").write_text(SLOW_HOOK, encoding="utf-8")
    with (project / "mkdocs.yml").open("a", encoding="utf-8") as config:
        config.write("\nhooks:\n  - slow_hook.py\n")
    started: list[subprocess.Popen[bytes]] = []

    def _serve() -> Served:
        port = free_port()
        log = tmp_path / "serve.log"
        command = [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}", "--livereload"]
        started.append(start(command, project, port, log))
        served = Served(project, started[-1], Client(f"http://127.0.0.1:{port}"), log)
        wait_for(served.up, STARTUP, "the first build")
        return served

    yield _serve
    for process in started:
        stop(process)


def article(page: str) -> str:
    match = re.search(r"<article\b.*?</article>", page, re.DOTALL)
    assert match, page[:500]
    return match.group(0)


def banner_text(page: str) -> str:
    start = page.index(BANNER)
    return html.unescape(page[start : page.index("</div>", start)])


def test_a_broken_edit_keeps_the_last_good_site_with_the_errors_on_every_page(serve: Callable[[], Served]) -> None:
    served = serve()
    client, fact = served.client, served.project / FACT
    status, good_page = client.get("/case/facts/")
    assert status == 200 and BANNER not in good_page
    good_epoch = int(EPOCH.findall(good_page)[-1])

    # Requests all the time, from another thread, as a browser's would be.
    done = threading.Event()

    def keep_asking() -> None:
        while not done.is_set():
            client.get("/")
            client.get("/case/facts/")
            time.sleep(0.05)

    asking = threading.Thread(target=keep_asking, daemon=True)
    asking.start()
    try:
        (served.project / "slow-builds").touch()  # from now on each build takes 3 s longer
        reloads = served.reloads()
        original = fact.read_text(encoding="utf-8")
        save(fact, re.sub(r"^status: .*\n", "", original, flags=re.MULTILINE))
        broke = time.monotonic()
        wait_for(lambda: served.reloads() > reloads, REBUILD, "the rebuild after the break")
        rebuilt = time.monotonic()
        # From the moment that rebuild finished, every page answers with the errors.
        for path in ("/", "/case/facts/", "/sources/", "/no-such-page/"):
            begin = time.monotonic()
            status, page = client.get(path)
            assert time.monotonic() - begin < ANSWER_WITHIN, path
            assert status == (404 if path == "/no-such-page/" else 200), path
            assert BANNER in page, path
            assert ERROR.search(banner_text(page)), banner_text(page)
        print(f"\nbanner {rebuilt - broke:.2f} s after the break")
        status, broken_page = client.get("/case/facts/")
        assert article(broken_page) == article(good_page)  # the last good build, unchanged under the banner
        broken_epoch = int(EPOCH.findall(broken_page)[-1])
        assert broken_epoch > good_epoch  # browsers polling with the old epoch reload
        status, answer = client.get(f"/livereload/{good_epoch}/1")
        assert status == 200 and int(answer) >= broken_epoch

        # The fix: the site comes back, without the banner; meanwhile (3 s) the bannered site is served.
        reloads = served.reloads()
        save(fact, original)
        wait_for(lambda: served.reloads() > reloads, REBUILD, "the rebuild after the fix")
        for path in ("/", "/case/facts/", "/sources/"):
            status, page = client.get(path)
            assert status == 200 and BANNER not in page, path
        status, fixed_page = client.get("/case/facts/")
        assert article(fixed_page) == article(good_page)
        assert int(EPOCH.findall(fixed_page)[-1]) > broken_epoch
    finally:
        done.set()
        asking.join(timeout=30)
    longest, path = client.longest()
    print(f"{len(client.times)} requests, the longest {longest:.3f} s ({path})")
    assert longest < ANSWER_WITHIN, f"a request to {path} took {longest:.1f} s"


def test_a_first_build_with_errors_serves_the_errors(serve: Callable[[], Served], project: Path) -> None:
    fact = project / FACT
    original = fact.read_text(encoding="utf-8")
    save(fact, re.sub(r"^status: .*\n", "", original, flags=re.MULTILINE))
    served = serve()
    client = served.client
    for path, expected in (("/", 200), ("/case/facts/", 404)):
        status, page = client.get(path)
        assert status == expected, path
        assert BANNER in page, path
        assert ERROR.search(banner_text(page)), banner_text(page)
    reloads = served.reloads()
    save(fact, original)
    wait_for(lambda: served.reloads() > reloads, REBUILD, "the rebuild after the fix")
    status, page = client.get("/case/facts/")
    assert status == 200 and BANNER not in page
    longest, path = client.longest()
    assert longest < ANSWER_WITHIN, f"a request to {path} took {longest:.1f} s"


def test_mkdocs_build_still_fails_on_the_same_error(project: Path, tmp_path: Path) -> None:
    fact = project / FACT
    save(fact, re.sub(r"^status: .*\n", "", fact.read_text(encoding="utf-8"), flags=re.MULTILINE))
    for strict in ([], ["--strict"]):
        built = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", *strict, "--site-dir", str(tmp_path / "site")],
            cwd=project,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert built.returncode == 1, built.stderr
        assert ERROR.search(built.stderr), built.stderr
        assert not (tmp_path / "site").exists()


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_killing_make_serve_stops_the_server(project: Path, tmp_path: Path) -> None:
    """`kill <make's pid>`: make passes SIGTERM to its child, which `exec` makes mkdocs itself."""
    port = free_port()
    venv = Path(sys.executable).parent.parent  # this test's .venv (the recipe runs $(VENV)/bin/mkdocs)
    # STAMP= : the project has no pyproject.toml; this venv is installed already
    command = ["make", "--no-print-directory", "-f", str(ROOT / "Makefile"), "serve", f"PORT={port}"]
    command += [f"VENV={venv}", "STAMP="]
    make = start(command, project, port, tmp_path / "make.log")
    try:
        client = Client(f"http://127.0.0.1:{port}")

        def answering() -> bool:
            if make.poll() is not None:
                pytest.fail(f"make serve exited:\n{(tmp_path / 'make.log').read_text()}")
            return client.get("/")[0] == 200

        wait_for(answering, STARTUP, "make serve")
        os.kill(make.pid, signal.SIGTERM)
        took = wait_for(lambda: client.get("/")[0] == 0, 10, "the server stopping after make was killed")
        print(f"\nthe port stopped answering {took:.2f} s after `kill {make.pid}`")
        make.wait(timeout=10)
    finally:
        stop(make)


def test_the_banner_escapes_the_errors_and_replaces_the_one_before() -> None:
    page = '<html><body dir="ltr"><p>page</p></body></html>'
    first = with_banner(page, banner("Errors", "content/x.yml:1:1: date: '<script>alert(1)</script>' & more"))
    assert "<script>" not in first and "&lt;script&gt;alert(1)&lt;/script&gt;" in first and "&amp; more" in first
    second = with_banner(first, banner("Errors", "content/y.yml:2:3: status: missing"))
    assert second.count(BANNER) == 1 and "content/y.yml:2:3" in second and "content/x.yml" not in second
    assert second.endswith("<p>page</p></body></html>")
    assert with_banner("<p>no body</p>", banner("Errors", "x")) == "<p>no body</p>"
