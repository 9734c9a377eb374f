"""``casebook links`` (lychee) against loopback servers: every verdict, the cache, the exit codes and the reports.

Everything runs against 127.0.0.1; nothing here reaches beyond the machine.
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from casebook.adapters.cli import build_parser
from casebook.core.model import Source
from casebook.net import links, runner
from casebook.net.runner import NetworkOptions, Progress, SourceRef, network_reachable

from .support.servers import LocalServer, ResetServer, refused_url

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
# lychee counts whole seconds: a 1 s timeout and no wait between retries keep the file quick.
FAST: dict[str, Any] = {"delay": 0.0, "timeout": 1, "retries": 2, "backoff": 0, "quiet": True}


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as running:
        yield running


def check(urls: list[str], **overrides: Any) -> dict[str, links.LinkResult]:
    """Check URLs with lychee directly (no cache, no report), with the fast options."""
    values = {k: v for k, v in (FAST | overrides).items() if k != "quiet"}
    return links.check_urls(urls, NetworkOptions(**values))


def run(sources: Sequence[Any], tmp_path: Path, now: datetime = NOW, **overrides: Any) -> int:
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
    result = check([url])[url]
    assert (result.status, result.http_status, result.detail, result.transient) == ("ok", 200, "HTTP 200", False)
    assert server.count("/page") == 1


def test_redirect_chain_is_followed_and_reported(server: LocalServer) -> None:
    server.add("/old", status=301, headers={"Location": "/middle"})
    server.add("/middle", status=301, headers={"Location": server.url("/new")})
    server.add("/new", status=200)
    result = check([server.url("/old")])[server.url("/old")]
    assert result.status == "redirected"
    assert result.final_url == server.url("/new")
    assert result.chain == [server.url("/old"), server.url("/middle"), server.url("/new")]
    assert result.detail == f"2 redirects to {server.url('/new')}"


def test_redirect_loop_is_dead(server: LocalServer) -> None:
    server.add("/a", status=302, headers={"Location": "/b"})
    server.add("/b", status=302, headers={"Location": "/a"})
    result = check([server.url("/a")])[server.url("/a")]
    assert result.status == "dead" and result.detail == f"redirect loop back to {server.url('/a')}"
    assert not result.transient  # a loop is not worth checking again tomorrow


@pytest.mark.parametrize(("status", "words"), [(404, "not found"), (410, "gone")])
def test_not_found_and_gone_are_dead(server: LocalServer, status: int, words: str) -> None:
    url = server.add("/missing", status=status)
    result = check([url])[url]
    assert result.status == "dead" and result.detail == f"HTTP {status}: {words}" and result.http_status == status
    assert not result.transient and server.count("/missing") == 1  # an answer, not retried


def test_rate_limited_is_unverified_not_dead(server: LocalServer) -> None:
    url = server.add("/busy", status=429)
    result = check([url], retries=0)[url]
    assert result.status == "unverified" and result.detail == "HTTP 429: rate-limited"


@pytest.mark.parametrize("status", [401, 403, 400, 406, 451])
def test_refusals_are_unverified(server: LocalServer, status: int) -> None:
    url = server.add("/walled", status=status)
    result = check([url])[url]
    assert result.status == "unverified" and result.http_status == status and not result.transient


def test_other_answers_need_a_human(server: LocalServer) -> None:
    url = server.add("/teapot", status=418)
    result = check([url])[url]
    assert result.status == "unverified" and "check by hand" in result.detail


def test_server_error_is_dead_and_transient(server: LocalServer) -> None:
    url = server.add("/broken", status=500)
    result = check([url])[url]
    assert result.status == "dead" and result.detail == "HTTP 500: server error" and result.transient


def test_slow_response_times_out_after_retries(server: LocalServer) -> None:
    url = server.add("/slow", status=200, delay=5.0)
    started = time.monotonic()
    result = check([url], timeout=1, retries=1)[url]
    assert result.status == "dead" and "no answer within 1 s" in result.detail and result.transient
    assert server.count("/slow") == 2  # one retry
    assert time.monotonic() - started < 5.0


def test_connection_reset_is_retried_then_dead() -> None:
    with ResetServer() as resetting:
        url = resetting.url("/")
        result = check([url])[url]
        assert result.status == "dead" and result.transient and result.http_status is None
        assert "connection" in result.detail.lower()
        assert resetting.requests["GET"] == 3  # the first attempt and two retries


def test_connection_refused_is_dead() -> None:
    url = refused_url()
    result = check([url])[url]
    assert result.status == "dead" and "refused" in result.detail.lower() and result.transient


def test_not_a_web_address_is_dead_without_a_request() -> None:
    result = check(["ftp://127.0.0.1/file"])["ftp://127.0.0.1/file"]
    assert result.status == "dead" and "not a web address" in result.detail


def test_urls_come_back_as_given(server: LocalServer) -> None:
    # lychee reports its own normalisation of an address; results are keyed by the exact text given
    server.add("/q", status=200)
    urls = [server.url("/q?b=1&a=2"), server.url("/q#part"), server.url("/caf%C3%A9"), server.url("/q")]
    results = check(urls)
    assert list(results) == urls
    assert [results[u].status for u in urls] == ["ok", "ok", "dead", "ok"]


def test_per_host_limit_and_polite_delay(server: LocalServer) -> None:
    urls = [server.add(f"/p{i}", status=200, delay=0.2) for i in range(6)]
    # a generous timeout and no retries: on a loaded machine a timed-out request retried while the
    # server still answers the first would count as a third at once
    results = check(urls, per_host=2, concurrency=8, timeout=10, retries=0)
    assert all(r.status == "ok" for r in results.values())
    assert server.max_in_flight == 2

    server.starts.clear()
    check([server.add(f"/q{i}", status=200) for i in range(4)], per_host=4, delay=0.2)
    gaps = [b - a for a, b in zip(server.starts, server.starts[1:], strict=False)]
    assert len(gaps) == 3 and min(gaps) >= 0.15


def test_lychee_flags_check_every_address() -> None:
    args = links.lychee_arguments(NetworkOptions(timeout=2.5, delay=0.25), Path("p.html"), Path("o.json"), Path("c"))
    # loopback and private addresses (all these tests use 127.0.0.1) are never excluded
    assert {"--exclude-loopback=false", "--exclude-private=false", "--exclude-link-local=false"} <= set(args)
    assert not any(a.startswith(("--exclude-all-private", "-E", "--offline", "--exclude=")) for a in args)
    assert {"--format=json", "--timeout=3", "--host-request-interval=250ms", "--max-retries=2"} <= set(args)
    assert "--cache=false" in args and args[-2:] == ["--", "p.html"]


def test_missing_lychee_is_exit_2(
    server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(links.shutil, "which", lambda *args, **kwargs: None)
    assert run([SourceRef("s", server.add("/a"), server.add("/b"))], tmp_path) == runner.EXIT_ERROR
    assert "lychee is not installed" in capsys.readouterr().err
    assert not (tmp_path / "out").exists() and server.total == 0


def test_failing_lychee_is_exit_2(
    server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(links, "find_lychee", lambda: "false")  # exits 1 and writes no report
    assert run([SourceRef("s", server.add("/a"), server.add("/b"))], tmp_path) == runner.EXIT_ERROR
    assert "lychee failed (exit code 1)" in capsys.readouterr().err
    assert not (tmp_path / "out").exists() and not (tmp_path / "cache.json").exists()


# ---------------------------------------------------------------- no network


def test_no_network_stops_with_exit_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sources = [SourceRef("a", refused_url("/a"), refused_url("/b")), SourceRef("b", refused_url(), refused_url())]
    started = time.monotonic()
    assert run(sources, tmp_path) == runner.EXIT_NO_NETWORK == 3
    assert time.monotonic() - started < 5
    assert "no network: nothing was checked" in capsys.readouterr().err
    assert not (tmp_path / "out").exists() and not (tmp_path / "cache.json").exists()  # nothing called dead


def test_no_network_probe_is_injectable(server: LocalServer, tmp_path: Path) -> None:
    asked: list[list[str]] = []

    def offline(urls: Sequence[str], within: float) -> bool:
        asked.append(list(urls))
        return False

    source = SourceRef("s", server.add("/a"), server.add("/b"))
    assert run([source], tmp_path, probe=offline) == 3
    assert asked == [[source.url, source.archive_url]] and server.total == 0


def test_one_reachable_host_is_enough(server: LocalServer, tmp_path: Path) -> None:
    source = SourceRef("s", refused_url(), server.add("/archive"))
    assert run([source], tmp_path) == 0  # the page is dead but the archive answers
    assert row(report(tmp_path), "s", "url")["status"] == "dead"


def test_all_cached_needs_no_network(server: LocalServer, tmp_path: Path) -> None:
    source = SourceRef("s", server.add("/a"), server.add("/b"))
    assert run([source], tmp_path) == 0

    def unreachable(urls: Sequence[str], within: float) -> bool:
        raise AssertionError("nothing to check: the network is not needed")

    assert run([source], tmp_path, now=NOW + timedelta(hours=1), probe=unreachable) == 0


def test_network_reachable(server: LocalServer) -> None:
    assert network_reachable([refused_url(), server.url("/")], 5)
    started = time.monotonic()
    assert not network_reachable([refused_url(), refused_url()], 5)
    assert time.monotonic() - started < 1  # refused at once: no need to wait out the 5 s
    assert network_reachable([], 5) and network_reachable(["not a url"], 5)  # nothing to probe


# ---------------------------------------------------------------- progress


def test_progress_lines_when_not_a_terminal() -> None:
    out = io.StringIO()
    progress = Progress(25, stream=out)
    for _ in range(25):
        progress.advance()
    progress.finish()
    assert out.getvalue() == "checked 10/25\nchecked 20/25\nchecked 25/25\n"


def test_progress_on_a_terminal_rewrites_one_line() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = Terminal()
    progress = Progress(3, stream=out)
    progress.update(2)
    progress.update(3)
    progress.finish()
    assert out.getvalue() == "\rchecked 2/3\rchecked 3/3\n"


def test_run_prints_progress_and_summary(
    server: LocalServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run([SourceRef("s", server.add("/a"), server.add("/b"))], tmp_path, quiet=False) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "checked 2/2"
    assert out[-1].startswith("links: 2 links (2 ok, 0 redirected, 0 unverified, 0 dead); 0 source(s)")
    assert out[-1].endswith(f"report: {tmp_path / 'out' / links.REPORT_MD}")


# ---------------------------------------------------------------- cache


def test_cache_hit_makes_no_request_and_expiry_makes_one(server: LocalServer, tmp_path: Path) -> None:
    source = SourceRef("page", server.add("/page", status=200), server.add("/archive", status=200))
    assert run([source], tmp_path) == 0
    assert server.total == 2

    assert run([source], tmp_path, now=NOW + timedelta(hours=23)) == 0
    assert server.total == 2  # within the max age: answered from the cache
    data = report(tmp_path)
    assert data["summary"]["from_cache"] == 2 and data["summary"]["checked"] == 0
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
    assert "refused" in failure["archive_detail"].lower()


def test_dead_url_with_blocked_archive_fails(server: LocalServer, tmp_path: Path) -> None:
    source = SourceRef("lost", server.add("/gone", status=404), server.add("/archive", status=429))
    assert run([source], tmp_path, retries=0) == 1


def test_rate_limited_url_passes(server: LocalServer, tmp_path: Path) -> None:
    both = SourceRef("busy", server.add("/busy", status=429), server.add("/archive", status=429))
    assert run([both], tmp_path, retries=0) == 0
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
    assert run(sources, tmp_path, retries=0) == 1

    data = report(tmp_path)
    assert data["generated_at"] == "2025-03-01T12:00:00Z"
    summary = data["summary"]
    assert (summary["ok"], summary["redirected"], summary["unverified"], summary["dead"]) == (2, 1, 2, 1)
    assert (summary["urls"], summary["distinct_urls"], summary["checked"]) == (6, 5, 5)
    assert server.count("/a") == 1
    redirected = row(data, "alpha", "archive_url")
    assert redirected["final_url"] == server.url("/new") and len(redirected["chain"]) == 3
    assert [f["source"] for f in data["failures"]] == ["beta"]
    assert data["options"]["per_host"] == NetworkOptions().per_host and data["options"]["max_age_hours"] == 24

    markdown = (tmp_path / "out" / links.REPORT_MD).read_text(encoding="utf-8")
    assert markdown.startswith("# Link check\n")
    assert "| Status | Count |" in markdown and "| ok | 2 |" in markdown and "| dead | 1 |" in markdown
    assert "## Sources with no working link" in markdown
    for heading in ("## Ok (2)", "## Redirected (1)", "## Unverified (2)", "## Dead (1)"):
        assert heading in markdown
    assert f"| beta | url | {server.url('/b')} | HTTP 404 | HTTP 404: not found" in markdown
    assert f"(via {server.url('/hop')})" in markdown
    assert markdown.index("## Ok") < markdown.index("## Redirected") < markdown.index("## Dead")
    assert not [p.name for p in (tmp_path / "out").iterdir() if p.name.endswith(".tmp")]  # written atomically


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


def test_cli_defaults_come_from_network_options() -> None:
    defaults = NetworkOptions()
    for command in ("links", "verify-sources"):
        args = build_parser().parse_args([command])
        for name, default, _ in NetworkOptions.flags():
            assert getattr(args, name) == default == getattr(defaults, name)
    args = build_parser().parse_args(["links", "--per-host", "1", "--delay", "0.5", "--max-age-hours", "0"])
    assert (args.per_host, args.delay, args.max_age_hours) == (1, 0.5, 0.0)
