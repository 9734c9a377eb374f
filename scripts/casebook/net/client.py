"""The HTTP client of ``verify-sources``, which must read each source's page (lychee, which checks
``links``, cannot return a page's text).

Polite (per-host limits and delays), honest about retries (connection errors, timeouts, 5xx, and a
429 that says how long to wait), and careful to name why a page could not be read, so that our own
network trouble never looks like a page that changed.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import re
import socket
import ssl
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import httpx

from casebook.net.runner import NetworkOptions

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


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
    """What is kept of the final answer to a GET, after redirects."""

    status: int
    url: str  # the final URL
    chain: list[str]  # every URL visited, the requested one first
    headers: dict[str, str]
    body: bytes
    attempts: int = 1

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
    """An httpx client wrapped with per-host politeness, manual redirects and retries; every request is a GET.

    Redirects are followed by hand so that every hop goes through the host gate (a redirect to
    another host must be polite to that host too) and so that the chain can be reported.
    """

    def __init__(self, options: NetworkOptions, client: httpx.AsyncClient | None = None) -> None:
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

    async def _get(self, url: str) -> tuple[int, dict[str, str], bytes]:
        """One GET of one URL (no redirect followed); at most ``max_bytes`` of the body are read."""
        async with self.gate.slot(url):
            self.requests_made += 1
            try:
                response = await self.client.send(self.client.build_request("GET", url), stream=True)
                try:
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

    async def fetch(self, url: str) -> Response:
        """One attempt: GET ``url`` and follow its redirects. Raises FetchError when nothing answers."""
        chain = [url]
        current = url
        for _ in range(self.options.max_redirects + 1):
            try:
                status, headers, body = await self._get(current)
            except FetchError as error:
                error.chain = list(chain)
                raise
            location = headers.get("location")
            if status not in REDIRECT_STATUSES or not location:
                return Response(status, current, chain, headers, body)
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

    async def fetch_with_retries(self, url: str) -> Response:
        """Fetch with retries on transient errors, 5xx and 429 (when Retry-After is small).

        Returns the last answer (even a 5xx: the caller classifies it) or raises the last FetchError;
        either carries ``attempts``.
        """
        options = self.options
        for attempt in range(options.retries + 1):
            last = attempt == options.retries
            wait = options.backoff * (2**attempt)
            try:
                response = await self.fetch(url)
            except FetchError as error:
                error.attempts = attempt + 1
                if not error.transient or last:
                    raise
            else:
                response.attempts = attempt + 1
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
