"""Shared network plumbing for the commands that reach out to source pages (``links``, ``verify-sources``).

Why one module: both commands must be equally polite (per-host limits, delays, honest retries) and
equally careful not to call a page dead because of our own network trouble, so the fetching,
the error wording and the result cache live here once.

Absolute imports make this module safe to call ``http``: ``import http`` elsewhere still finds the
standard library. httpx is imported only where requests are made, so the pure helpers here and in
``drift`` (``normalise_text``) cost nothing to import.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import json
import os
import re
import socket
import ssl
import tempfile
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urljoin, urlsplit

from casebook import __version__

if TYPE_CHECKING:
    import httpx

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Servers that do not implement HEAD answer in all of these ways (some web frameworks even fail
# with a 500); a GET settles it. 401 and 429 are not here: a GET would get the same refusal.
HEAD_REFUSED = frozenset({403, 404, 405, 501})


def head_refused(status: int) -> bool:
    return status in HEAD_REFUSED or status >= 500


CACHE_VERSION = 1
DEFAULT_USER_AGENT = f"casebook/{__version__} (source link checker)"


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


# ---------------------------------------------------------------- options


@dataclass(frozen=True)
class FetchOptions:
    """How hard and how politely to fetch.

    concurrency: pages fetched at once, over all hosts.
    per_host: requests in flight at once to one host (host:port).
    delay: seconds between the starts of two requests to the same host.
    timeout: seconds allowed for connecting, and for each read, of one request.
    retries: extra attempts after a connection error, a timeout or a 5xx answer.
    backoff: first wait before a retry, in seconds; it doubles with each retry.
    max_retry_after: a Retry-After up to this many seconds is waited for; a longer one ends the retries.
    max_redirects: redirects followed before giving up.
    max_bytes: most bytes read from one page body (the rest is ignored).
    user_agent: sent with every request; says honestly what is asking.
    """

    concurrency: int = 8
    per_host: int = 2
    delay: float = 1.0
    timeout: float = 15.0
    retries: int = 2
    backoff: float = 1.0
    max_retry_after: float = 30.0
    max_redirects: int = 10
    max_bytes: int = 5_000_000
    user_agent: str = DEFAULT_USER_AGENT

    def __post_init__(self) -> None:
        if self.concurrency < 1 or self.per_host < 1:
            raise ValueError("concurrency and per_host must be at least 1")
        if self.retries < 0 or self.delay < 0 or self.timeout <= 0 or self.backoff < 0:
            raise ValueError("retries, delay and backoff must not be negative, and timeout must be positive")


# ---------------------------------------------------------------- errors


class FetchError(Exception):
    """A request that got no HTTP answer, with a reason a reader can act on.

    ``transient`` errors (timeouts, resets, refused connections, DNS) may go away on their own, so
    they are retried and never cached; the others (bad URL, TLS, redirect loops) will not.
    """

    def __init__(self, kind: str, detail: str, *, transient: bool, chain: list[str] | None = None) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail
        self.transient = transient
        self.chain = chain or []
        self.attempts = 1
        self.head_fallback = ""  # set when HEAD had already been refused and GET failed too


_DNS_WORDS = (
    "name or service not known",
    "nodename nor servname",
    "getaddrinfo",
    "name resolution",
    "no address associated",
    "no such host",
)


def describe_error(exc: BaseException, timeout: float | None = None) -> FetchError:
    """Turn an httpx exception into a FetchError with a plain reason.

    httpx wraps the socket error several layers deep (and anyio words a refused connection as "All
    connection attempts failed"), so the cause chain is searched for the real one.
    """
    causes: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and len(causes) < 10:
        causes.append(current)
        current = current.__cause__ or current.__context__
    text = " | ".join(str(c) for c in causes).lower()

    import httpx  # deferred: see Fetcher.__init__

    if isinstance(exc, httpx.TimeoutException):
        if isinstance(exc, httpx.ConnectTimeout):
            return FetchError(
                "timeout",
                f"connection timed out after {timeout:g} s" if timeout else "connection timed out",
                transient=True,
            )
        return FetchError("timeout", f"no answer within {timeout:g} s" if timeout else "timed out", transient=True)
    if isinstance(exc, (httpx.UnsupportedProtocol, httpx.InvalidURL, httpx.LocalProtocolError)):
        return FetchError("invalid-url", f"cannot request this URL ({exc})", transient=False)
    for cause in causes:
        if isinstance(cause, socket.gaierror) or any(word in text for word in _DNS_WORDS):
            return FetchError("dns", "DNS lookup failed (host name not found)", transient=True)
        if isinstance(cause, ssl.SSLCertVerificationError):
            return FetchError("tls", f"TLS certificate not valid ({cause.verify_message or cause})", transient=False)
        if isinstance(cause, ssl.SSLError):
            return FetchError("tls", f"TLS error ({cause})", transient=False)
        if isinstance(cause, ConnectionRefusedError) or getattr(cause, "errno", None) == errno.ECONNREFUSED:
            return FetchError("refused", "connection refused", transient=True)
        if isinstance(cause, ConnectionResetError) or getattr(cause, "errno", None) == errno.ECONNRESET:
            return FetchError("reset", "connection reset by the server", transient=True)
    if isinstance(exc, httpx.RemoteProtocolError):
        return FetchError("reset", "connection closed by the server without an answer", transient=True)
    if isinstance(exc, (httpx.ReadError, httpx.WriteError)):
        return FetchError("reset", "connection broken while talking to the server", transient=True)
    if isinstance(exc, httpx.ConnectError):
        return FetchError("network", f"could not connect ({causes[-1]})", transient=True)
    return FetchError("network", f"network error ({type(exc).__name__}: {exc})", transient=True)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds asked for by a Retry-After header (delta-seconds or HTTP date); None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


# ---------------------------------------------------------------- fetching


@dataclass
class Response:
    """What is kept of the final answer to a request, after redirects."""

    status: int
    url: str  # the final URL
    chain: list[str]  # every URL visited, the requested one first
    method: str  # the method that produced this answer (HEAD, or GET after a fallback)
    headers: dict[str, str]
    body: bytes | None = None
    attempts: int = 1
    head_fallback: str = ""  # why GET replaced HEAD, if it did

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()

    @property
    def charset(self) -> str | None:
        match = re.search(r"charset=[\"']?([\w.:-]+)", self.headers.get("content-type", ""), re.IGNORECASE)
        return match.group(1) if match else None


class HostGate:
    """Limits requests per host and spaces their starts by ``delay`` seconds."""

    def __init__(self, per_host: int, delay: float) -> None:
        self.per_host = per_host
        self.delay = delay
        self._slots: dict[str, asyncio.Semaphore] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._next_start: dict[str, float] = {}

    @staticmethod
    def key(url: str) -> str:
        try:
            netloc = urlsplit(url).netloc
        except ValueError:  # a malformed URL: the request itself will report it
            netloc = ""
        return (netloc or url).lower()

    @contextlib.asynccontextmanager
    async def slot(self, url: str) -> AsyncIterator[None]:
        key = self.key(url)
        semaphore = self._slots.setdefault(key, asyncio.Semaphore(self.per_host))
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with semaphore:
            async with lock:
                loop = asyncio.get_running_loop()
                wait = self._next_start.get(key, 0.0) - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                self._next_start[key] = loop.time() + self.delay
            yield


class Fetcher:
    """An httpx client wrapped with per-host politeness, manual redirects, HEAD fallback and retries.

    Redirects are followed by hand so that every hop goes through the host gate (a redirect to
    another host must be polite to that host too) and so that the chain can be reported.
    """

    def __init__(self, options: FetchOptions, client: httpx.AsyncClient | None = None) -> None:
        # httpx is imported here, not at the top, so that importing drift.normalise_text (which the
        # core may use on every build) does not pay for loading the HTTP stack.
        import httpx

        self.options = options
        self._own_client = client is None
        self.client = client or httpx.AsyncClient(
            follow_redirects=False,
            timeout=httpx.Timeout(options.timeout),
            headers={
                "User-Agent": options.user_agent,
                "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.5",
            },
            limits=httpx.Limits(max_connections=max(options.concurrency * 2, 4)),
        )
        self.gate = HostGate(options.per_host, options.delay)
        self.requests_made = 0

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._own_client:
            await self.client.aclose()

    async def _send(self, method: str, url: str, *, read_body: bool) -> tuple[int, dict[str, str], bytes | None]:
        import httpx  # deferred: see __init__

        async with self.gate.slot(url):
            self.requests_made += 1
            try:
                request = self.client.build_request(method, url)
                response = await self.client.send(request, stream=True)
                try:
                    body: bytes | None = None
                    if read_body and method != "HEAD":
                        chunks: list[bytes] = []
                        size = 0
                        async for chunk in response.aiter_bytes():
                            chunks.append(chunk)
                            size += len(chunk)
                            if size >= self.options.max_bytes:
                                break
                        body = b"".join(chunks)[: self.options.max_bytes]
                finally:
                    await response.aclose()
            except (httpx.HTTPError, httpx.InvalidURL) as exc:  # InvalidURL is not an HTTPError
                raise describe_error(exc, self.options.timeout) from exc
            except Exception as exc:
                # httpx lets a few malformed-URL cases escape as other errors (an out-of-range port
                # arrives as an ExceptionGroup); one bad link must not end the whole run.
                cause: BaseException = exc
                while isinstance(cause, BaseExceptionGroup) and cause.exceptions:
                    cause = cause.exceptions[0]
                detail = f"request failed ({type(cause).__name__}: {cause})"
                raise FetchError("invalid-url", detail, transient=False) from exc
            return response.status_code, {k.lower(): v for k, v in response.headers.items()}, body

    async def _hop(
        self,
        method: str,
        url: str,
        *,
        read_body: bool,
    ) -> tuple[str, int, dict[str, str], bytes | None, str]:
        """One request for one URL; a refused HEAD is retried at once as GET."""
        if method == "HEAD":
            try:
                status, headers, body = await self._send("HEAD", url, read_body=False)
                if not head_refused(status):
                    return "HEAD", status, headers, body, ""
                reason = f"HEAD answered {status}"
            except FetchError as error:
                if error.kind != "reset":
                    raise
                reason = "HEAD connection reset"
            try:
                status, headers, body = await self._send("GET", url, read_body=read_body)
            except FetchError as error:
                error.head_fallback = reason
                raise
            return "GET", status, headers, body, reason
        status, headers, body = await self._send(method, url, read_body=read_body)
        return method, status, headers, body, ""

    async def fetch(self, url: str, *, method: str = "GET", read_body: bool = False) -> Response:
        """One attempt: request ``url`` and follow its redirects. Raises FetchError when nothing answers."""
        chain = [url]
        current = url
        fallback = ""
        for _ in range(self.options.max_redirects + 1):
            try:
                used, status, headers, body, reason = await self._hop(method, current, read_body=read_body)
            except FetchError as error:
                error.chain = list(chain)
                raise
            fallback = fallback or reason
            method = used  # once a server refused HEAD, the rest of the chain is asked with GET
            location = headers.get("location")
            if status not in REDIRECT_STATUSES or not location:
                return Response(status, current, chain, used, headers, body, head_fallback=fallback)
            try:
                target = urljoin(current, location.strip())
            except ValueError as exc:
                raise FetchError(
                    "invalid-url", f"unreadable redirect target {location!r} ({exc})", transient=False, chain=chain
                ) from exc
            if chain.count(target) >= 2:  # one revisit is allowed: some sites bounce through a cookie check
                raise FetchError(
                    "redirects", f"redirect loop back to {target}", transient=False, chain=[*chain, target]
                )
            chain.append(target)
            current = target
        raise FetchError("redirects", f"more than {self.options.max_redirects} redirects", transient=False, chain=chain)

    async def fetch_with_retries(self, url: str, *, method: str = "GET", read_body: bool = False) -> Response:
        """Fetch with retries on transient errors, 5xx and 429 (when Retry-After is small).

        Returns the last answer (even a 5xx: the caller classifies it) or raises the last FetchError;
        either carries ``attempts``.
        """
        options = self.options
        for attempt in range(options.retries + 1):
            last = attempt == options.retries
            wait = options.backoff * (2**attempt)
            try:
                response = await self.fetch(url, method=method, read_body=read_body)
            except FetchError as error:
                error.attempts = attempt + 1
                if not error.transient or last:
                    raise
                if error.head_fallback:
                    method = "GET"
            else:
                response.attempts = attempt + 1
                if response.head_fallback:
                    method = "GET"  # no point asking with HEAD again on a retry
                if last or not (response.status >= 500 or response.status == 429):
                    return response
                retry_after = parse_retry_after(response.headers.get("retry-after"))
                if retry_after is not None and retry_after > options.max_retry_after:
                    return response  # the server asked for a long pause: hammering it would be rude
                if response.status == 429 and retry_after is None:
                    return response  # rate-limited with no hint: a retry would only add to the load
                wait = max(wait, retry_after or 0.0)
            await asyncio.sleep(wait)
        raise AssertionError("unreachable: the loop returns or raises on its last attempt")


# ---------------------------------------------------------------- cache


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

    def put(self, key: str, entry: dict[str, Any]) -> None:
        self.entries[key] = entry

    def prune(self, now: datetime) -> None:
        """Drop entries too old to be used, so the file does not grow for ever."""
        self.entries = {k: v for k, v in self.entries.items() if self.get(k, now) is not None}

    def save(self) -> None:
        data: dict[str, Any] = self._read()
        data["version"] = CACHE_VERSION
        data[self.section] = dict(sorted(self.entries.items()))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # write-then-rename: an interrupted run must not leave a half-written cache behind
        handle, temp = tempfile.mkstemp(prefix=self.path.name, suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(data, out, indent=1, ensure_ascii=False)
                out.write("\n")
            os.replace(temp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise


# ---------------------------------------------------------------- reports


def md_cell(value: object) -> str:
    """Make a value safe inside a Markdown table cell."""
    text = str(value) if value is not None else ""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").strip() or " "


def md_table(header: list[str], rows: Iterable[list[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines.extend("| " + " | ".join(md_cell(v) for v in row) + " |" for row in rows)
    return lines


def write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
