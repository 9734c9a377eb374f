"""``casebook links``: check that every source URL and archive URL still answers.

A link is only called dead on evidence: a 404/410, or a failure that persisted through retries.
Pages that answer but refuse robots (401/403/429) are ``unverified``, never dead, and the command
fails only when a source has lost both its page and its archive copy, because only then has a
reader nowhere left to check the source.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from casebook.net.client import (
    Fetcher,
    FetchError,
    FetchOptions,
    Response,
    ResultCache,
    SourceLike,
    SourceRef,
    as_refs,
    iso,
    md_table,
    utc_now,
    write_text,
)

LinkStatus = Literal["ok", "redirected", "unverified", "dead"]
STATUSES: tuple[LinkStatus, ...] = ("ok", "redirected", "unverified", "dead")
FIELDS = ("url", "archive_url")
REPORT_MD = "links-report.md"
REPORT_JSON = "links-report.json"
CACHE_SECTION = "links"

_BLOCKED = {401: "login required", 403: "access forbidden (often a block on robots)", 429: "rate-limited"}


@dataclass
class LinkResult:
    """The verdict on one URL."""

    url: str
    status: LinkStatus
    detail: str
    http_status: int | None = None
    final_url: str | None = None
    chain: list[str] = field(default_factory=list)
    method: str | None = None
    attempts: int = 0
    checked_at: str = ""
    transient: bool = False  # a network-level failure: re-checked next run rather than cached
    cached: bool = False

    def to_cache(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("cached")
        return data

    @classmethod
    def from_cache(cls, data: dict[str, Any]) -> LinkResult | None:
        try:
            result = cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})
        except TypeError:
            return None
        if result.status not in STATUSES:
            return None
        result.cached = True
        return result


def classify(response: Response) -> tuple[LinkStatus, str, bool]:
    """(status, detail, transient) for an HTTP answer."""
    code = response.status
    tries = f" after {response.attempts} attempts" if response.attempts > 1 else ""
    via = f" (GET; {response.head_fallback})" if response.head_fallback else ""
    if 200 <= code < 300:
        if len(response.chain) > 1:
            hops = len(response.chain) - 1
            return "redirected", f"{hops} redirect{'s' if hops != 1 else ''} to {response.url}{via}", False
        return "ok", f"HTTP {code}{via}", False
    if code in _BLOCKED:
        return "unverified", f"HTTP {code}: {_BLOCKED[code]}{tries}", False
    if code == 404:
        return "dead", "HTTP 404: not found" + via, False
    if code == 410:
        return "dead", "HTTP 410: gone" + via, False
    if code >= 500:
        return "dead", f"HTTP {code}: server error{tries}", True
    # Other answers (400, 406, 451, a 3xx without a target...) prove the server is there but say
    # nothing certain about the page; calling them dead would cry wolf.
    return "unverified", f"HTTP {code}: unexpected answer, check by hand{via}", False


def _from_error(url: str, error: FetchError) -> LinkResult:
    tries = f" after {error.attempts} attempts" if error.attempts > 1 else ""
    return LinkResult(
        url=url,
        status="dead",
        detail=f"{error.detail}{tries}",
        chain=error.chain,
        attempts=error.attempts,
        transient=error.transient,
    )


async def check_url(fetcher: Fetcher, url: str, now: datetime) -> LinkResult:
    """Check one URL: HEAD first, GET when HEAD is refused; redirects followed; retried when it may help."""
    try:
        response = await fetcher.fetch_with_retries(url, method="HEAD")
    except FetchError as error:
        result = _from_error(url, error)
    else:
        status, detail, transient = classify(response)
        result = LinkResult(
            url=url,
            status=status,
            detail=detail,
            http_status=response.status,
            final_url=response.url,
            chain=response.chain,
            method=response.method,
            attempts=response.attempts,
            transient=transient,
        )
    result.checked_at = iso(now)
    return result


async def check_links(
    urls: Sequence[str],
    *,
    cache: ResultCache,
    options: FetchOptions,
    now: datetime,
) -> tuple[dict[str, LinkResult], int]:
    """Check each distinct URL once (cache first). Returns the results and the number of requests made."""
    results: dict[str, LinkResult] = {}
    to_check: list[str] = []
    for url in dict.fromkeys(urls):
        entry = cache.get(url, now)
        cached = LinkResult.from_cache(entry) if entry is not None else None
        if cached is not None and not cached.transient:
            results[url] = cached
        else:
            to_check.append(url)

    limit = asyncio.Semaphore(options.concurrency)
    async with Fetcher(options) as fetcher:

        async def one(url: str) -> None:
            async with limit:
                results[url] = await check_url(fetcher, url, now)

        await asyncio.gather(*(one(url) for url in to_check))
        requests = fetcher.requests_made

    for url in to_check:
        result = results[url]
        if result.transient:
            cache.entries.pop(url, None)
        else:
            cache.put(url, result.to_cache())
    return results, requests


# ---------------------------------------------------------------- report


@dataclass
class SourceLinks:
    source: str
    url: LinkResult
    archive_url: LinkResult

    @property
    def fails(self) -> bool:
        return self.url.status == "dead" and self.archive_url.status not in ("ok", "redirected")

    @property
    def warning(self) -> str | None:
        if self.fails:
            return None
        if self.archive_url.status == "dead":
            return "archive copy is dead; the page still answers (re-archive it)"
        if self.url.status == "dead":
            return "page is dead; readers are served by the archive copy"
        return None


def build_report(
    refs: list[SourceRef],
    results: dict[str, LinkResult],
    *,
    now: datetime,
    options: FetchOptions,
    max_age: timedelta,
    requests: int,
) -> dict[str, Any]:
    per_source = [SourceLinks(r.id, results[r.url], results[r.archive_url]) for r in refs]
    rows: list[dict[str, Any]] = []
    for item in per_source:
        for name in FIELDS:
            result: LinkResult = getattr(item, name)
            rows.append({"source": item.source, "field": name, **asdict(result)})
    counts = Counter(row["status"] for row in rows)
    return {
        "generated_at": iso(now),
        "summary": {status: counts.get(status, 0) for status in STATUSES}
        | {
            "urls": len(rows),
            "distinct_urls": len(results),
            "requests": requests,
            "from_cache": sum(1 for r in results.values() if r.cached),
        },
        "failures": [
            {
                "source": s.source,
                "url": s.url.url,
                "url_detail": s.url.detail,
                "archive_url": s.archive_url.url,
                "archive_status": s.archive_url.status,
                "archive_detail": s.archive_url.detail,
            }
            for s in per_source
            if s.fails
        ],
        "warnings": [{"source": s.source, "warning": s.warning} for s in per_source if s.warning],
        "options": asdict(options) | {"max_age_hours": max_age.total_seconds() / 3600},
        "results": rows,
    }


def render_markdown(report: dict[str, Any]) -> str:
    summary = report["summary"]
    lines = [
        "# Link check",
        "",
        f"Checked {report['generated_at']}: {summary['urls']} links ({summary['distinct_urls']} distinct URLs, "
        f"{summary['from_cache']} from the cache, {summary['requests']} requests).",
        "",
        *md_table(["Status", "Count"], [[status, summary[status]] for status in STATUSES]),
        "",
    ]
    if report["failures"]:
        lines += [
            "## Sources with no working link",
            "",
            "The page is dead and the archive copy does not answer: readers cannot check these sources.",
            "",
            *md_table(
                ["Source", "URL", "Why", "Archive", "Archive result"],
                [
                    [
                        f["source"],
                        f["url"],
                        f["url_detail"],
                        f["archive_url"],
                        f"{f['archive_status']}: {f['archive_detail']}",
                    ]
                    for f in report["failures"]
                ],
            ),
            "",
        ]
    if report["warnings"]:
        lines += [
            "## Warnings",
            "",
            *md_table(["Source", "Warning"], [[w["source"], w["warning"]] for w in report["warnings"]]),
            "",
        ]
    for status in STATUSES:
        rows = [row for row in report["results"] if row["status"] == status]
        if not rows:
            continue
        lines += [f"## {status.capitalize()} ({len(rows)})", ""]
        table_rows: list[list[object]] = []
        for row in rows:
            result = f"HTTP {row['http_status']}" if row["http_status"] is not None else "no answer"
            detail = row["detail"]
            if status == "redirected" and len(row["chain"]) > 2:
                detail += " (via " + " → ".join(row["chain"][1:-1]) + ")"
            if row["cached"]:
                detail += f" [cached {row['checked_at']}]"
            table_rows.append([row["source"], row["field"], row["url"], result, detail])
        lines += [*md_table(["Source", "Field", "URL", "Result", "Detail"], table_rows), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


# ---------------------------------------------------------------- entry point


def main(
    sources: Sequence[SourceLike],
    *,
    out_dir: Path,
    cache_file: Path,
    now: datetime | None = None,
    max_age_hours: float = 24.0,
    quiet: bool = False,
    **fetch: Any,
) -> int:
    """Check every source's ``url`` and ``archive_url``; write the reports; return the exit code.

    sources: ``casebook.core.model.Source`` records (or ``SourceRef``s, or anything with id/url/archive_url).
    out_dir: where ``links-report.md`` and ``links-report.json`` are written.
    cache_file: JSON cache of recent results (section ``links``; may be shared with verify-sources).
    now: the time of the check (tests pass it to move the clock); defaults to the current UTC time.
    concurrency: URLs checked at once over all hosts (default 8).
    per_host: requests in flight at once to one host:port (default 2).
    delay: seconds between the starts of two requests to the same host (default 1).
    timeout: seconds for connecting and for each read (default 15).
    retries: extra attempts after connection errors, timeouts and 5xx (default 2), waiting ``backoff``
        seconds, doubled each time (default 1), or the server's Retry-After when it is at most
        ``max_retry_after`` seconds (default 30).
    max_age_hours: a cached result younger than this is reused without a request (default 24; 0 disables
        the cache). Network failures (timeouts, resets, 5xx) are never cached: they are re-checked next run.
    user_agent: the User-Agent header (default names casebook and its version).
    quiet: do not print the one-line summary.

    Returns 1 when a source's ``url`` is dead and its ``archive_url`` is not ok/redirected, else 0.
    """
    moment = utc_now(now)
    options = FetchOptions(**fetch)  # concurrency, per_host, delay, timeout, retries, … (see FetchOptions)
    max_age = timedelta(hours=max_age_hours)
    refs = as_refs(sources)
    cache = ResultCache(cache_file, CACHE_SECTION, max_age)
    urls = [getattr(ref, name) for ref in refs for name in FIELDS]
    results, requests = asyncio.run(check_links(urls, cache=cache, options=options, now=moment))
    cache.prune(moment)
    cache.save()

    report = build_report(refs, results, now=moment, options=options, max_age=max_age, requests=requests)
    write_text(out_dir / REPORT_JSON, json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    write_text(out_dir / REPORT_MD, render_markdown(report))
    if not quiet:
        summary = report["summary"]
        counts = ", ".join(f"{summary[s]} {s}" for s in STATUSES)
        print(
            f"links: {summary['urls']} links checked ({counts}); "
            f"{len(report['failures'])} source(s) with no working link; report: {out_dir / REPORT_MD}"
        )
    return 1 if report["failures"] else 0
