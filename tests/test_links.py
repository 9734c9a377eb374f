"""``casebook links`` against loopback servers: every verdict, the cache, the exit code and the reports."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from casebook.core.model import Source
from casebook.net import links
from casebook.net.client import FetchOptions, ResultCache, SourceRef, describe_error, parse_retry_after

from .support.servers import LocalServer, ResetServer, refused_url

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
# Small numbers keep the whole file to a few seconds while exercising every retry path.
FAST: dict[str, Any] = {"delay": 0.0, "timeout": 0.3, "retries": 2, "backoff": 0.01, "quiet": True}


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as running:
        yield running


def check(urls: list[str], tmp_path: Path, **overrides: Any) -> dict[str, links.LinkResult]:
    """Check URLs directly (no report), with the fast options."""
    values = {k: v for k, v in (FAST | overrides).items() if k != "quiet"}
    options = FetchOptions(**values)
    cache = ResultCache(tmp_path / "cache.json", links.CACHE_SECTION, timedelta(hours=24))
    results, _ = asyncio.run(links.check_links(urls, cache=cache, options=options, now=NOW))
    return results


def run(sources: list[SourceRef], tmp_path: Path, now: datetime = NOW, **overrides: Any) -> int:
    return links.main(
        sources, out_dir=tmp_path / "out", cache_file=tmp_path / "cache.json", now=now, **(FAST | overrides)
    )


def report(tmp_path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((tmp_path / "out" / links.REPORT_JSON).read_text(encoding="utf-8"))
    return data


def row(data: dict[str, Any], source: str, field: str) -> dict[str, Any]:
    return next(r for r in data["results"] if r["source"] == source and r["field"] == field)


# ---------------------------------------------------------------- verdicts


def test_ok(server: LocalServer, tmp_path: Path) -> None:
    url = server.add("/page", status=200, body="<p>hello</p>")
    result = check([url], tmp_path)[url]
    assert (result.status, result.http_status, result.method) == ("ok", 200, "HEAD")
    assert server.hits[("HEAD", "/page")] == 1 and server.count("/page", "GET") == 0


def test_redirect_chain_is_followed_and_reported(server: LocalServer, tmp_path: Path) -> None:
    server.add("/old", status=301, headers={"Location": "/middle"})
    server.add("/middle", status=301, headers={"Location": server.url("/new")})
    server.add("/new", status=200)
    result = check([server.url("/old")], tmp_path)[server.url("/old")]
    assert result.status == "redirected"
    assert result.final_url == server.url("/new")
    assert result.chain == [server.url("/old"), server.url("/middle"), server.url("/new")]
    assert "2 redirects" in result.detail


def test_redirect_loop_is_dead(server: LocalServer, tmp_path: Path) -> None:
    server.add("/a", status=302, headers={"Location": "/b"})
    server.add("/b", status=302, headers={"Location": "/a"})
    result = check([server.url("/a")], tmp_path)[server.url("/a")]
    assert result.status == "dead" and "redirect loop" in result.detail
    assert server.total == 4  # one revisit is allowed (cookie checks); a loop is not worth retrying


@pytest.mark.parametrize(("status", "words", "gets"), [(404, "not found", 1), (410, "gone", 0)])
def test_not_found_and_gone_are_dead(server: LocalServer, tmp_path: Path, status: int, words: str, gets: int) -> None:
    url = server.add("/missing", status=status)
    result = check([url], tmp_path)[url]
    assert result.status == "dead" and words in result.detail and result.http_status == status
    # a HEAD 404 may come from a server that mishandles HEAD, so GET confirms it; a 410 is deliberate.
    # Neither is retried.
    assert server.count("/missing", "HEAD") == 1 and server.count("/missing", "GET") == gets


def test_rate_limited_is_unverified_not_dead(server: LocalServer, tmp_path: Path) -> None:
    url = server.add("/busy", status=429)
    result = check([url], tmp_path)[url]
    assert result.status == "unverified" and "rate-limited" in result.detail
    assert server.total == 1  # no Retry-After: retrying would only add to the load


def test_small_retry_after_is_honoured(server: LocalServer, tmp_path: Path) -> None:
    url = server.add("/busy", status=429, headers={"Retry-After": "0"})
    result = check([url], tmp_path)[url]
    assert result.status == "unverified" and result.attempts == 3
    assert server.total == 3


def test_large_retry_after_stops_retrying(server: LocalServer, tmp_path: Path) -> None:
    url = server.add("/down", status=503, headers={"Retry-After": "3600"})
    result = check([url], tmp_path)[url]
    assert result.status == "dead" and result.attempts == 1


def test_forbidden_is_unverified(server: LocalServer, tmp_path: Path) -> None:
    url = server.add("/walled", status=403)
    result = check([url], tmp_path)[url]
    assert result.status == "unverified" and result.method == "GET"  # HEAD 403 is confirmed with GET


def test_server_error_is_retried_then_dead(server: LocalServer, tmp_path: Path) -> None:
    url = server.add("/broken", status=500)
    result = check([url], tmp_path)[url]
    assert result.status == "dead" and "HTTP 500" in result.detail and "after 3 attempts" in result.detail
    # first attempt: HEAD, then GET in case only HEAD is broken; the retries use GET
    assert server.count("/broken", "HEAD") == 1 and server.count("/broken", "GET") == 3


def test_slow_response_times_out_after_retries(server: LocalServer, tmp_path: Path) -> None:
    url = server.add("/slow", status=200, delay=2.0)
    started = time.monotonic()
    result = check([url], tmp_path, timeout=0.2)[url]
    assert result.status == "dead" and "0.2 s" in result.detail and "after 3 attempts" in result.detail
    assert result.transient
    assert server.count("/slow") == 3
    assert time.monotonic() - started < 2.0


def test_connection_reset_is_retried_then_dead(tmp_path: Path) -> None:
    with ResetServer() as resetting:
        url = resetting.url("/")
        result = check([url], tmp_path)[url]
        assert result.status == "dead" and "reset" in result.detail and result.attempts == 3
        # each attempt: HEAD reset, then GET tried at once; the retries use GET only
        assert resetting.requests["HEAD"] == 1 and resetting.requests["GET"] == 3


def test_reset_on_head_falls_back_to_get(tmp_path: Path) -> None:
    with ResetServer(only_head=True) as resetting:
        url = resetting.url("/")
        result = check([url], tmp_path)[url]
        assert result.status == "ok" and result.method == "GET" and "HEAD connection reset" in result.detail


def test_connection_refused_is_dead(tmp_path: Path) -> None:
    url = refused_url()
    result = check([url], tmp_path)[url]
    assert result.status == "dead" and "connection refused" in result.detail


def test_head_not_allowed_falls_back_to_get(server: LocalServer, tmp_path: Path) -> None:
    url = server.add("/nohead", status=200, head_status=405)
    result = check([url], tmp_path)[url]
    assert result.status == "ok" and result.method == "GET" and "HEAD answered 405" in result.detail
    assert server.count("/nohead", "HEAD") == 1 and server.count("/nohead", "GET") == 1


def test_per_host_limit_and_polite_delay(server: LocalServer, tmp_path: Path) -> None:
    urls = [server.add(f"/p{i}", status=200, delay=0.1) for i in range(6)]
    results = check(urls, tmp_path, per_host=2, concurrency=8)
    assert all(r.status == "ok" for r in results.values())
    assert server.max_in_flight == 2

    server.starts.clear()
    check([server.add(f"/q{i}", status=200) for i in range(4)], tmp_path, per_host=4, delay=0.1)
    gaps = [b - a for a, b in zip(server.starts, server.starts[1:], strict=False)]
    assert len(gaps) == 3 and min(gaps) >= 0.08


# ---------------------------------------------------------------- cache


def test_cache_hit_makes_no_request_and_expiry_makes_one(server: LocalServer, tmp_path: Path) -> None:
    source = SourceRef("page", server.add("/page", status=200), server.add("/archive", status=200))
    assert run([source], tmp_path) == 0
    assert server.total == 2

    assert run([source], tmp_path, now=NOW + timedelta(hours=23)) == 0
    assert server.total == 2  # within the max age: answered from the cache
    data = report(tmp_path)
    assert data["summary"]["from_cache"] == 2 and data["summary"]["requests"] == 0
    assert row(data, "page", "url")["cached"] is True

    cache = json.loads((tmp_path / "cache.json").read_text(encoding="utf-8"))
    assert cache["links"][source.url]["checked_at"] == "2025-03-01T12:00:00Z"

    assert run([source], tmp_path, now=NOW + timedelta(hours=25)) == 0
    assert server.total == 4  # expired: checked again
    assert run([source], tmp_path, now=NOW + timedelta(hours=26), max_age_hours=0) == 0
    assert server.total == 6  # max age 0: the cache is not used


def test_network_failures_are_not_cached(server: LocalServer, tmp_path: Path) -> None:
    source = SourceRef("flaky", server.add("/flaky", status=500), server.add("/archive", status=200))
    run([source], tmp_path, retries=0)
    first = server.count("/flaky")
    run([source], tmp_path, retries=0)
    assert server.count("/flaky") == 2 * first  # re-checked: the failure may have been temporary
    assert server.count("/archive") == 1  # the good answer was cached


def test_shared_cache_file_keeps_other_sections(server: LocalServer, tmp_path: Path) -> None:
    (tmp_path / "cache.json").write_text(json.dumps({"version": 1, "sources": {"x": {"keep": True}}}))
    run([SourceRef("s", server.add("/a", status=200), server.add("/b", status=200))], tmp_path)
    cache = json.loads((tmp_path / "cache.json").read_text(encoding="utf-8"))
    assert cache["sources"] == {"x": {"keep": True}} and len(cache["links"]) == 2


def test_unreadable_cache_is_ignored(server: LocalServer, tmp_path: Path) -> None:
    (tmp_path / "cache.json").write_text("{not json")
    assert run([SourceRef("s", server.add("/a", status=200), server.add("/b", status=200))], tmp_path) == 0
    assert server.total == 2


# ---------------------------------------------------------------- exit code and reports


def test_dead_url_with_live_archive_passes(server: LocalServer, tmp_path: Path) -> None:
    source = SourceRef("moved", server.add("/gone", status=410), server.add("/archive", status=200))
    assert run([source], tmp_path) == 0
    data = report(tmp_path)
    assert data["failures"] == []
    assert data["warnings"] == [{"source": "moved", "warning": "page is dead; readers are served by the archive copy"}]


def test_dead_url_with_dead_archive_fails(server: LocalServer, tmp_path: Path) -> None:
    source = SourceRef("lost", server.add("/gone", status=404), refused_url("/archive"))
    assert run([source], tmp_path) == 1
    failure = report(tmp_path)["failures"][0]
    assert failure["source"] == "lost" and failure["archive_status"] == "dead"
    assert "connection refused" in failure["archive_detail"]


def test_dead_url_with_blocked_archive_fails(server: LocalServer, tmp_path: Path) -> None:
    source = SourceRef("lost", server.add("/gone", status=404), server.add("/archive", status=429))
    assert run([source], tmp_path) == 1


def test_rate_limited_url_passes(server: LocalServer, tmp_path: Path) -> None:
    both = SourceRef("busy", server.add("/busy", status=429), server.add("/archive", status=429))
    assert run([both], tmp_path) == 0
    assert row(report(tmp_path), "busy", "url")["status"] == "unverified"


def test_dead_archive_for_live_url_is_a_warning(server: LocalServer, tmp_path: Path) -> None:
    source = SourceRef("fine", server.add("/page", status=200), server.add("/archive", status=404))
    assert run([source], tmp_path) == 0
    assert "re-archive" in report(tmp_path)["warnings"][0]["warning"]


def test_reports(server: LocalServer, tmp_path: Path) -> None:
    server.add("/old", status=301, headers={"Location": "/hop"})
    server.add("/hop", status=308, headers={"Location": "/new"})
    server.add("/new", status=200)
    sources = [
        SourceRef("alpha", server.add("/a", status=200), server.url("/old")),
        SourceRef("beta", server.add("/b", status=404), server.add("/b-archive", status=403)),
        SourceRef("gamma", server.add("/g", status=429), server.url("/a")),  # shares a URL: checked once
    ]
    assert run(sources, tmp_path) == 1

    data = report(tmp_path)
    assert data["generated_at"] == "2025-03-01T12:00:00Z"
    summary = data["summary"]
    assert (summary["ok"], summary["redirected"], summary["unverified"], summary["dead"]) == (2, 1, 2, 1)
    assert (summary["urls"], summary["distinct_urls"]) == (6, 5)
    assert server.count("/a") == 1
    redirected = row(data, "alpha", "archive_url")
    assert redirected["final_url"] == server.url("/new") and len(redirected["chain"]) == 3
    assert [f["source"] for f in data["failures"]] == ["beta"]
    assert data["options"]["per_host"] == 2 and data["options"]["max_age_hours"] == 24

    markdown = (tmp_path / "out" / links.REPORT_MD).read_text(encoding="utf-8")
    assert markdown.startswith("# Link check\n")
    assert "| Status | Count |" in markdown and "| ok | 2 |" in markdown and "| dead | 1 |" in markdown
    assert "## Sources with no working link" in markdown
    for heading in ("## Ok (2)", "## Redirected (1)", "## Unverified (2)", "## Dead (1)"):
        assert heading in markdown
    assert f"| beta | url | {server.url('/b')} | HTTP 404 | HTTP 404: not found" in markdown
    assert f"(via {server.url('/hop')})" in markdown
    assert markdown.index("## Ok") < markdown.index("## Redirected") < markdown.index("## Dead")


def test_accepts_model_sources(server: LocalServer, tmp_path: Path) -> None:
    # model_construct skips validation: the model (rightly) accepts only https URLs
    record = Source.model_construct(
        id="rec",
        url=server.add("/r", status=200),
        archive_url=server.add("/ra", status=200),
        excerpts=["x"],
        snapshot=None,
    )
    assert run([record], tmp_path) == 0
    ref = SourceRef.from_record(record)
    assert (ref.id, ref.excerpts, ref.has_snapshot) == ("rec", ("x",), False)


# ---------------------------------------------------------------- helpers


def test_describe_error_names_the_cause() -> None:
    dns = httpx.ConnectError("[Errno -2] Name or service not known")
    dns.__cause__ = socket.gaierror(-2, "Name or service not known")
    assert describe_error(dns).kind == "dns"
    refused = httpx.ConnectError("All connection attempts failed")
    refused.__cause__ = ConnectionRefusedError(111, "Connect call failed")
    assert describe_error(refused).detail == "connection refused"
    assert describe_error(httpx.ReadTimeout("x"), 15).detail == "no answer within 15 s"
    assert describe_error(httpx.RemoteProtocolError("Server disconnected")).kind == "reset"
    assert describe_error(httpx.UnsupportedProtocol("ftp")).transient is False


def test_parse_retry_after() -> None:
    assert parse_retry_after("5") == 5.0
    assert parse_retry_after(None) is None and parse_retry_after("soon") is None
    assert parse_retry_after("Sat, 01 Mar 2025 12:00:10 GMT", now=NOW) == 10.0
