"""How long `make serve` takes to show a one-word YAML edit: a benchmark, not a timed test.

    PYTHONPATH=scripts .venv/bin/python -m bench.serve [--edits 7]

A copy of the real project (mkdocs.yml, docs/, content/, the theme) is served by `mkdocs serve`, as
`make serve` runs it, on a free 127.0.0.1 port, with this checkout's package (or the one named by
CASEBOOK_BENCH_ROOT). Each edit changes one word of one fact's statement, saved whole as an editor
saves; the time is from the save to the first answer of /case/facts/ that shows the new word. The
clock includes MkDocs' file watcher and its 0.1 s quiet period, so it is what a contributor waits.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.error import URLError
from urllib.request import urlopen

ROOT = Path(os.environ.get("CASEBOOK_BENCH_ROOT") or Path(__file__).resolve().parents[2]).resolve()
FACT = "content/facts/alleged-conspiracy-period.yml"
PAGE = "/case/facts/"
# the edited word takes turns between these two; each is unique on the page once written
WORDS = ("Benchmarkalpha", "Benchmarkbeta")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _copy_project(dest: Path) -> None:
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    for folder in ("docs", "content", "scripts/casebook/theme"):
        shutil.copytree(ROOT / folder, dest / folder)


def _get(url: str) -> str:
    with contextlib.suppress(URLError, ConnectionError, TimeoutError), urlopen(url, timeout=5) as answer:
        return str(answer.read().decode("utf-8"))
    return ""


def _wait(check: object, timeout: float) -> float:
    start = time.perf_counter()
    while not check():  # type: ignore[operator]
        if time.perf_counter() - start > timeout:
            raise SystemExit(f"bench.serve: nothing after {timeout:.0f} s")
        time.sleep(0.02)
    return time.perf_counter() - start


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc): steadier than wall time on a busy machine."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _save(path: Path, text: str) -> None:
    part = path.parents[2] / f".{path.name}.part"  # outside the watched folders
    part.write_text(text, encoding="utf-8")
    os.replace(part, path)


def bench_serve(edits: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        _copy_project(project)
        fact = project / FACT
        original = fact.read_text(encoding="utf-8")
        # the statement's first plain lower-case word of 4+ letters
        statement = re.search(r"^statement:(.*\n(?:  .*\n)*)", original, re.MULTILINE)
        word = re.search(r"\b[a-z]{4,}\b", statement.group(1)) if statement else None
        if statement is None or word is None:
            raise SystemExit(f"bench.serve: no statement word to edit in {FACT}")
        start, end = statement.start(1) + word.start(), statement.start(1) + word.end()
        port = _free_port()
        log = project / "serve.log"
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT / "scripts"),
            "NO_MKDOCS_2_WARNING": "1",
            "CASEBOOK_SITE_URL": f"http://127.0.0.1:{port}/",
        }
        command = [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}", "--livereload"]
        with log.open("wb") as out:
            server = subprocess.Popen(
                command, cwd=project, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        url = f"http://127.0.0.1:{port}{PAGE}"
        try:
            first = _wait(lambda: "</article>" in _get(url), 300)
            times, cpu = [], []
            for n in range(edits):
                new = WORDS[n % 2]
                time.sleep(1.0)  # let the server settle, as between a contributor's saves
                before = _cpu_seconds(server.pid)
                _save(fact, original[:start] + new + original[end:])
                times.append(_wait(lambda new=new: new in _get(url), 120))
                cpu.append(_cpu_seconds(server.pid) - before)
        finally:
            server.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                server.wait(timeout=10)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGKILL)
    row = {
        "first_build_s": round(first, 2),
        "rebuild_median_s": round(statistics.median(times), 2),
        "rebuild_runs_s": [round(t, 2) for t in times],
        "rebuild_cpu_median_s": round(statistics.median(cpu), 2),
        "rebuild_cpu_runs_s": [round(t, 2) for t in cpu],
    }
    print(json.dumps(row), flush=True)
    return row


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.serve", description=__doc__)
    parser.add_argument("--edits", type=int, default=7)
    bench_serve(parser.parse_args().edits)
    return 0


if __name__ == "__main__":
    sys.exit(main())
