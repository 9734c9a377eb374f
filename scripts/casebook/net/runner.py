"""What the two network commands (``links``, ``verify-sources``) share: options, cache, probe, reports.

Each command says what to check, how to check it and how to report it (a ``NetworkCommand``);
``run`` does the rest the same way for both: the clock, the result cache (reuse, store, prune,
save), the no-network stop, progress lines, the JSON and Markdown reports (written atomically)
and the one-line summary. The defaults live once, in ``NetworkOptions``; the CLI builds its
flags from it.

Nothing here imports httpx: the CLI imports this module to build its parser.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import socket
import sys
import tempfile
import threading
import time
import urllib.request
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any, ClassVar, Generic, Protocol, TypeVar
from urllib.parse import urlsplit

from casebook import __version__

CACHE_VERSION = 1
DEFAULT_USER_AGENT = f"casebook/{__version__} (source link checker)"

EXIT_OK = 0
EXIT_FAILED = 1  # a source is dead (links) or changed (verify-sources)
EXIT_ERROR = 2  # the check itself could not run (lychee missing or failing)
EXIT_NO_NETWORK = 3  # no host could be reached at all: nothing was checked
NO_NETWORK_AFTER = 5.0  # seconds the probe may take before concluding there is no network
NO_NETWORK_MESSAGE = "no network: nothing was checked"
_MOST_PROBED_HOSTS = 50


def _cli(help: str) -> dict[str, str]:
    """Field metadata: this option is a command-line flag (``--name-with-dashes``) with this help."""
    return {"help": help}


@dataclass(frozen=True)
class NetworkOptions:
    """How hard and how politely to check, and how long a result stays good. The one place for defaults.

    Fields with ``help`` metadata are also command-line flags of both commands.
    ``links`` hands them to lychee, which counts whole seconds: ``timeout`` is rounded up and
    ``backoff`` to the nearest second there.
    """

    concurrency: int = field(default=8, metadata=_cli("requests at once, all hosts"))
    per_host: int = field(default=2, metadata=_cli("requests at once to one host"))
    delay: float = field(default=1.0, metadata=_cli("seconds between requests to one host"))
    timeout: float = field(default=15.0, metadata=_cli("seconds before a request gives up"))
    retries: int = field(default=2, metadata=_cli("extra attempts after a network failure"))
    max_age_hours: float = field(default=24.0, metadata=_cli("reuse cached results this recent (0: never)"))
    backoff: float = 1.0  # first wait before a retry, in seconds; it doubles with each retry
    max_retry_after: float = 30.0  # a Retry-After up to this is waited for; a longer one ends the retries
    max_redirects: int = 10
    max_bytes: int = 5_000_000  # most bytes read from one page body (verify-sources)
    user_agent: str = DEFAULT_USER_AGENT  # says honestly what is asking

    def __post_init__(self) -> None:
        if self.concurrency < 1 or self.per_host < 1:
            raise ValueError("concurrency and per_host must be at least 1")
        if self.retries < 0 or self.delay < 0 or self.timeout <= 0 or self.backoff < 0 or self.max_age_hours < 0:
            raise ValueError("retries, delay, backoff and max_age_hours must not be negative; timeout must be positive")

    @property
    def max_age(self) -> timedelta:
        return timedelta(hours=self.max_age_hours)

    @classmethod
    def flags(cls) -> list[tuple[str, Any, str]]:
        """(name, default, help) of each option that is a command-line flag."""
        return [(f.name, f.default, f.metadata["help"]) for f in fields(cls) if "help" in f.metadata]


# ---------------------------------------------------------------- input


class SourceLike(Protocol):
    """What a source record must offer (``casebook.core.model.Source`` does); excerpts and snapshot are optional."""

    @property
    def id(self) -> str: ...

    @property
    def url(self) -> str: ...

    @property
    def archive_url(self) -> str: ...


@dataclass(frozen=True)
class SourceRef:
    """The few fields of a source record that the network commands need.

    Kept separate from ``casebook.core.model.Source`` so that these commands (and their tests, which
    use http://127.0.0.1 URLs the model rightly rejects) do not depend on the content model.
    """

    id: str
    url: str
    archive_url: str
    excerpts: tuple[str, ...] = ()
    has_snapshot: bool = False

    @classmethod
    def from_record(cls, record: SourceLike) -> SourceRef:
        """Accept a ``casebook.core.model.Source`` or anything with the same attribute names."""
        if isinstance(record, SourceRef):
            return record
        return cls(
            id=str(record.id),
            url=str(record.url),
            archive_url=str(record.archive_url),
            excerpts=tuple(str(e) for e in (getattr(record, "excerpts", None) or ())),
            has_snapshot=getattr(record, "snapshot", None) is not None,
        )


def as_refs(sources: Iterable[SourceLike]) -> list[SourceRef]:
    return [SourceRef.from_record(source) for source in sources]


# ---------------------------------------------------------------- time


def utc_now(now: datetime | None = None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    return now if now.tzinfo is not None else now.replace(tzinfo=UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def parse_iso(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


# ---------------------------------------------------------------- files


def write_atomically(files: Mapping[Path, str]) -> None:
    """Write each file beside its target, then rename them all into place: no half-written file is ever seen."""
    staged: list[tuple[str, Path]] = []
    try:
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(prefix=f".{path.name}-", suffix=".tmp", dir=path.parent)
            staged.append((temp, path))
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
        for temp, path in staged:
            os.replace(temp, path)
    finally:
        for temp, _ in staged:
            with contextlib.suppress(OSError):
                os.unlink(temp)  # only those not renamed (an error part way) are still there


class ResultCache:
    """A JSON file of recent results, one section per command, each entry stamped ``checked_at``.

    Sections let both commands share one file without clobbering each other: saving re-reads the
    file and replaces only its own section. A missing or unreadable file is an empty cache (a cache
    must never stop a check from running).
    """

    def __init__(self, path: Path, section: str, max_age: timedelta) -> None:
        self.path = path
        self.section = section
        self.max_age = max_age
        self.entries: dict[str, dict[str, Any]] = dict(self._read().get(section, {}))

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
            return {}
        return {k: v for k, v in data.items() if isinstance(v, dict)}

    def get(self, key: str, now: datetime) -> dict[str, Any] | None:
        entry = self.entries.get(key)
        if not isinstance(entry, dict):
            return None
        checked = parse_iso(str(entry.get("checked_at", "")))
        if checked is None or now - checked > self.max_age or checked > now + timedelta(minutes=5):
            return None
        return entry

    def put(self, key: str, entry: dict[str, Any] | None) -> None:
        """Store an entry, or forget the key (``None``: a result not worth keeping)."""
        if entry is None:
            self.entries.pop(key, None)
        else:
            self.entries[key] = entry

    def prune(self, now: datetime) -> None:
        """Drop entries too old to be used, so the file does not grow for ever."""
        self.entries = {k: v for k, v in self.entries.items() if self.get(k, now) is not None}

    def save(self) -> None:
        data: dict[str, Any] = self._read()
        data["version"] = CACHE_VERSION
        data[self.section] = dict(sorted(self.entries.items()))
        write_atomically({self.path: json.dumps(data, indent=1, ensure_ascii=False) + "\n"})


# ---------------------------------------------------------------- progress


class Progress:
    """``checked 10/222``: a plain line every ``every`` items when stdout is no terminal, else one updated line."""

    def __init__(self, total: int, *, quiet: bool = False, stream: IO[str] | None = None, every: int = 10) -> None:
        self.total = total
        self.done = 0
        self.quiet = quiet or total == 0
        self.stream = stream if stream is not None else sys.stdout
        self.every = every
        self.terminal = self.stream.isatty()
        self._shown = 0

    def advance(self, count: int = 1) -> None:
        self.update(self.done + count)

    def update(self, done: int) -> None:
        self.done = min(max(done, self.done), self.total)
        if self.quiet or self.done == self._shown:
            return
        if self.terminal:
            self.stream.write(f"\rchecked {self.done}/{self.total}")
        elif self.done - self._shown >= self.every or self.done == self.total:
            self.stream.write(f"checked {self.done}/{self.total}\n")
        else:
            return
        self._shown = self.done
        self.stream.flush()

    def finish(self) -> None:
        if not self.quiet and self.terminal and self._shown:
            self.stream.write("\n")
            self.stream.flush()


# ---------------------------------------------------------------- no network

Probe = Callable[[Sequence[str], float], bool]


def _probe_target(url: str) -> tuple[str, int] | None:
    """The host:port a request for ``url`` connects to first: the proxy's when one is configured."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port or {"http": 80, "https": 443}.get(parts.scheme)
        proxy = urllib.request.getproxies().get(parts.scheme)
        if proxy and host and not urllib.request.proxy_bypass(host):
            proxied = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
            host, port = proxied.hostname, proxied.port or 80
    except ValueError:  # a malformed URL or port: the check itself will report it
        return None
    return (host, port) if host and port else None


def network_reachable(urls: Sequence[str], within: float = NO_NETWORK_AFTER) -> bool:
    """Whether a TCP connection to any of the URLs' hosts opens within ``within`` seconds.

    One connection (no request) to each of the first 50 distinct hosts, all at once; the first that
    opens settles it. Refused, unresolvable and silent hosts all count as not reached. The attempts
    run in daemon threads so that a hanging DNS lookup cannot hold up the answer. True when there
    is nothing to probe (no URL has a host): the check will say what is wrong with them.
    """
    targets = list(dict.fromkeys(t for t in map(_probe_target, urls) if t is not None))[:_MOST_PROBED_HOSTS]
    if not targets:
        return True
    answers: queue.Queue[bool] = queue.Queue()

    def attempt(host: str, port: int) -> None:
        try:
            with socket.create_connection((host, port), timeout=within):
                answers.put(True)
        except (OSError, UnicodeError):
            answers.put(False)

    for host, port in targets:
        threading.Thread(target=attempt, args=(host, port), daemon=True, name=f"probe {host}:{port}").start()
    deadline = time.monotonic() + within
    for _ in targets:
        try:
            if answers.get(timeout=max(0.0, deadline - time.monotonic())):
                return True
        except queue.Empty:
            return False
    return False


# ---------------------------------------------------------------- the shared skeleton


class Checked(Protocol):
    """A result (a dataclass): when it was checked, and whether it came from the cache."""

    __dataclass_fields__: ClassVar[dict[str, Any]]
    checked_at: str
    cached: bool


def cache_entry(result: Checked) -> dict[str, Any]:
    """A result as the cache keeps it: every field but ``cached``."""
    return {k: v for k, v in asdict(result).items() if k != "cached"}


def tally(statuses: Sequence[str], found: Iterable[str]) -> dict[str, int]:
    """How many of each status, every status named (0 when none), in the given order."""
    counts = Counter(found)
    return {status: counts.get(status, 0) for status in statuses}


Item = TypeVar("Item")
Result = TypeVar("Result", bound=Checked)


class CheckError(Exception):
    """The check could not run at all (not a verdict on any source)."""


class NetworkCommand(ABC, Generic[Item, Result]):
    """One network command: what to check, how, and how to report it. ``run`` drives it."""

    name: ClassVar[str]  # the command, as the summary line names it
    section: ClassVar[str]  # its section of the shared cache file
    reports: ClassVar[tuple[str, str]]  # the names of its JSON and Markdown reports

    def __init_subclass__(cls, *, name: str, section: str, reports: tuple[str, str], **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.name, cls.section, cls.reports = name, section, reports

    @abstractmethod
    def work(self, refs: Sequence[SourceRef]) -> dict[str, Item]:
        """What to check, by cache key, in report order."""

    @abstractmethod
    def reuse(self, item: Item, entry: dict[str, Any]) -> Result | None:
        """The cached result for ``item`` if it may stand (marked ``cached``), else None."""

    @abstractmethod
    def urls(self, items: Iterable[Item]) -> list[str]:
        """The URLs checking these items will request (for the no-network probe)."""

    @abstractmethod
    def check(
        self, items: Mapping[str, Item], options: NetworkOptions, progress: Progress
    ) -> tuple[dict[str, Result], dict[str, int]]:
        """Check every item (keys as given) and count what it cost (merged into the summary)."""

    @abstractmethod
    def keep(self, result: Result) -> bool:
        """Whether a fresh result may be cached; if not, it is checked again next run."""

    @abstractmethod
    def report(self, refs: Sequence[SourceRef], results: Mapping[str, Result]) -> tuple[dict[str, int], dict[str, Any]]:
        """(counts for the summary, the rest of the JSON report)."""

    @abstractmethod
    def markdown(self, report: dict[str, Any]) -> str: ...

    @abstractmethod
    def summary_line(self, report: dict[str, Any]) -> str:
        """The one-line summary printed at the end (``run`` appends where the report is)."""

    @abstractmethod
    def exit_code(self, report: dict[str, Any]) -> int: ...


def run(
    command: NetworkCommand[Item, Result],
    sources: Sequence[SourceLike],
    *,
    out_dir: Path,
    cache_file: Path,
    now: datetime | None = None,
    quiet: bool = False,
    probe: Probe = network_reachable,
    **settings: Any,
) -> int:
    """Run a network command over these sources; write its reports; return the exit code.

    sources: ``casebook.core.model.Source`` records (or ``SourceRef``s, or anything with the same fields).
    out_dir: where the command's JSON and Markdown reports are written.
    cache_file: JSON cache of recent results, one section per command (both commands share the file).
        A result younger than ``max_age_hours`` is reused; network failures are never cached.
    now: the time of the check (tests pass it to move the clock); defaults to the current UTC time.
    quiet: print neither progress nor the summary.
    probe: ``probe(urls, seconds) -> bool``: whether the network answers at all (tests inject one).
    settings: ``NetworkOptions`` fields (concurrency, per_host, delay, timeout, retries, max_age_hours, …).

    Returns 0, 1 when a source fails the command's check, 2 when the check could not run and 3 when
    no host could be reached: then nothing is written and the cache is left as it was.
    """
    moment = utc_now(now)
    options = NetworkOptions(**settings)
    refs = as_refs(sources)
    cache = ResultCache(cache_file, command.section, options.max_age)

    results: dict[str, Result] = {}
    to_check: dict[str, Item] = {}
    for key, item in command.work(refs).items():
        entry = cache.get(key, moment)
        reused = command.reuse(item, entry) if entry is not None else None
        if reused is not None:
            results[key] = reused
        else:
            to_check[key] = item

    stats: dict[str, int] = {}
    if to_check:
        urls = command.urls(to_check.values())
        if urls and not probe(urls, NO_NETWORK_AFTER):
            print(f"{command.name}: {NO_NETWORK_MESSAGE}", file=sys.stderr)
            return EXIT_NO_NETWORK
        progress = Progress(len(to_check), quiet=quiet)
        try:
            fresh, stats = command.check(to_check, options, progress)
        except CheckError as error:
            print(f"{command.name}: {error}", file=sys.stderr)
            return EXIT_ERROR
        finally:
            progress.finish()
        for key in to_check:
            result = fresh[key]
            result.checked_at = iso(moment)
            results[key] = result
            cache.put(key, cache_entry(result) if command.keep(result) else None)
    cache.prune(moment)
    cache.save()

    counts, body = command.report(refs, results)
    report: dict[str, Any] = {
        "generated_at": iso(moment),
        "summary": counts
        | {"from_cache": sum(1 for r in results.values() if r.cached), "checked": len(to_check)}
        | stats,
        **body,
        "options": asdict(options),
    }
    report_json, report_md = (out_dir / name for name in command.reports)
    write_atomically(
        {report_json: json.dumps(report, indent=2, ensure_ascii=False) + "\n", report_md: command.markdown(report)}
    )
    if not quiet:
        print(f"{command.name}: {command.summary_line(report)}; report: {report_md}")
    return command.exit_code(report)
