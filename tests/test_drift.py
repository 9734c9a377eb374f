"""``casebook verify-sources``: text normalisation, excerpt matching, and whole runs against loopback pages."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from casebook.net import verify_sources as drift
from casebook.net.client import describe_error, parse_retry_after
from casebook.net.runner import SourceRef
from casebook.net.verify_sources import closest_passage, differences, excerpt_found, normalise_text, visible_text

from .support.servers import LocalServer, ResetServer, refused_url

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
FAST: dict[str, Any] = {"delay": 0.0, "timeout": 0.5, "retries": 1, "backoff": 0.01, "quiet": True}

EXCERPTS = (
    'The defendant\'s role was to "liaise" with the ministry - and nothing more...',
    "Section 951 applies to agents of foreign governments.",
    "It was, in the court's words, a plain violation.",
)
# The same sentences as a publisher's HTML renders them: curly quotes, an em dash, a real ellipsis,
# entities, no-break spaces, line breaks, and markup splitting a sentence.
PAGE = """<!doctype html>
<html><head><title>Judgment</title>
<style>p { color: red }</style><script>var excerpt = "Section 951 applies";</script></head>
<body><nav>Home</nav>
<p>The defendant&rsquo;s role was to &ldquo;liaise&rdquo; with the
   ministry&nbsp;&mdash; and nothing more&hellip;</p>
<p>Section <b>951</b> applies to <a href="/x">agents of
foreign</a> governments.</p>
<p>It was, in the court\u2019s words, a plain   violation.</p>
</body></html>"""
CHANGED = PAGE.replace("a plain   violation", "a clear   violation")


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as running:
        yield running


def run(sources: list[SourceRef], tmp_path: Path, now: datetime = NOW, **overrides: Any) -> int:
    return drift.main(
        sources, out_dir=tmp_path / "out", cache_file=tmp_path / "cache.json", now=now, **(FAST | overrides)
    )


def verdicts(tmp_path: Path) -> dict[str, dict[str, Any]]:
    data = json.loads((tmp_path / "out" / drift.REPORT_JSON).read_text(encoding="utf-8"))
    return {v["source"]: v for v in data["sources"]}


def markdown(tmp_path: Path) -> str:
    return (tmp_path / "out" / drift.REPORT_MD).read_text(encoding="utf-8")


# ---------------------------------------------------------------- normalisation


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\u2018single\u2019 and \u201cdouble\u201d", "'single' and \"double\""),
        ("a\u00a0b\u2009c\u3000d", "a b c d"),
        ("wait\u2026 then . . . done", "wait... then ... done"),
        ("  many \n\t spaces  ", "many spaces"),
        ("2010\u20132015 \u2014 x\u2212y", "2010-2015 - x-y"),
        ("soft\u00adhy\u200bphen\ufeff", "softhyphen"),
        ("\uff21\uff22 \ufb01le", "AB file"),
        ("Case Kept", "Case Kept"),
    ],
)
def test_normalise_text(raw: str, expected: str) -> None:
    assert normalise_text(raw) == expected


def test_normalise_text_is_idempotent() -> None:
    sample = "\u201cA\u201d \u2033 \u2011 \u2026 \u00a0 x"
    once = normalise_text(sample)
    assert normalise_text(once) == once


def test_visible_text_drops_code_and_joins_inline_markup() -> None:
    text = normalise_text(visible_text(PAGE))
    assert "color: red" not in text and "var excerpt" not in text
    assert text.startswith("Judgment Home The defendant's role")
    assert "Section 951 applies to agents of foreign governments." in text
    assert normalise_text(visible_text("<p>one</p><p>two<br>three</p><td>4</td><td>5</td>")) == "one two three 4 5"
    assert normalise_text(visible_text("<p>un<em>broken</em> word &amp; &#8220;x&#8221;</p>")) == 'unbroken word & "x"'


def test_visible_text_survives_an_unclosed_head() -> None:
    assert "body text" in visible_text("<html><head><title>T</title><body><p>body text")


def test_excerpt_found_reads_cuts_as_the_quote_check_does() -> None:
    page = "The court found that the agent acted knowingly and for a foreign government..."
    assert excerpt_found("the agent acted knowingly", page)
    assert excerpt_found("The court found […] for a foreign government.", page)
    assert excerpt_found("The court found [...] agent acted knowingly", page)
    assert excerpt_found("The court found [ … ] agent acted knowingly", page)
    # each part at least 3 words, as offline (rules.MIN_SEGMENT_WORDS)
    assert not excerpt_found("The court found [...] acted knowingly", page)
    assert excerpt_found("a foreign government…", page)  # the source's own ellipsis, found whole
    assert not excerpt_found("for a foreign government [...] The court found", page)  # order matters
    # a bare ellipsis is not a cut (as in casebook.core.text.QUOTE_CUT): the words must be there as written
    assert not excerpt_found("The court found ... for a foreign government.", page)
    assert not excerpt_found("the agent acted recklessly", page)


def test_closest_passage_finds_the_changed_sentence() -> None:
    filler = " ".join(f"word{i}" for i in range(3000))
    page = f"{filler} It was, in the court's words, a clear violation. {filler}"
    passage, ratio = closest_passage("It was, in the court's words, a plain violation.", page)
    assert "a clear violation" in passage and passage.startswith("It was")
    assert 0.85 < ratio < 1
    assert differences("It was, in the court's words, a plain violation.", passage) == ["'plain' → 'clear'"]


def test_closest_passage_without_spaces() -> None:
    page = "本案涉及多项指控。被告被指控非法充当外国政府代理人。法院将于下月宣判。"
    passage, ratio = closest_passage("被告被指控非法充当外国代理人。", page)
    assert "被告被指控非法充当外国" in passage and ratio > 0.8


# ---------------------------------------------------------------- whole runs


def test_page_with_all_excerpts_is_verified(server: LocalServer, tmp_path: Path) -> None:
    source = SourceRef("judgment", server.add("/page", body=PAGE), server.add("/archive", body=""), EXCERPTS)
    assert run([source], tmp_path) == 0
    verdict = verdicts(tmp_path)["judgment"]
    assert verdict["status"] == "verified" and verdict["checked_via"] == "url" and verdict["excerpts"] == 3
    assert server.count("/archive") == 0  # the live page was enough


def test_changed_word_is_reported_with_closest_passage(server: LocalServer, tmp_path: Path) -> None:
    source = SourceRef("judgment", server.add("/page", body=CHANGED), server.add("/archive", body=PAGE), EXCERPTS)
    assert run([source], tmp_path) == 1
    verdict = verdicts(tmp_path)["judgment"]
    assert verdict["status"] == "changed"
    [missing] = verdict["missing"]
    assert missing["excerpt"] == "It was, in the court's words, a plain violation."
    assert missing["closest"] == "It was, in the court's words, a clear violation."
    assert 0.85 < missing["similarity"] < 1
    assert missing["differences"] == ["'plain' → 'clear'"]
    assert verdict["archive_has_all"] is True  # the page was edited since it was archived
    text = markdown(tmp_path)
    assert "## Changed (1)" in text and "### judgment" in text
    assert (
        "| It was, in the court's words, a plain violation. | It was, in the court's words, a clear violation. |"
        in text
    )


def test_missing_page_is_read_from_the_archive(server: LocalServer, tmp_path: Path) -> None:
    source = SourceRef("judgment", server.add("/page", status=404), server.add("/archive", body=PAGE), EXCERPTS)
    assert run([source], tmp_path) == 0
    verdict = verdicts(tmp_path)["judgment"]
    assert verdict["status"] == "verified" and verdict["checked_via"] == "archive_url"
    assert verdict["fetched_url"] == server.url("/archive") and "url: HTTP 404" in verdict["detail"]


def test_archive_redirect_is_followed(server: LocalServer, tmp_path: Path) -> None:
    # web.archive.org/web/<url> answers with a redirect to a dated copy
    server.add("/web/page", status=302, headers={"Location": "/web/2024/page"})
    server.add("/web/2024/page", body=PAGE)
    source = SourceRef("judgment", refused_url(), server.url("/web/page"), EXCERPTS)
    assert run([source], tmp_path) == 0
    assert verdicts(tmp_path)["judgment"]["fetched_url"] == server.url("/web/2024/page")


def test_both_failing_is_unreachable_and_passes(server: LocalServer, tmp_path: Path) -> None:
    source = SourceRef("judgment", server.add("/page", status=500), refused_url(), EXCERPTS)
    assert run([source], tmp_path) == 0
    verdict = verdicts(tmp_path)["judgment"]
    assert verdict["status"] == "unreachable"
    assert "url: HTTP 500" in verdict["detail"] and "archive_url: connection refused" in verdict["detail"]
    assert "## Unreachable (1)" in markdown(tmp_path)


def test_pdf_is_unreachable_not_changed(server: LocalServer, tmp_path: Path) -> None:
    pdf = server.add("/doc.pdf", body=b"%PDF-1.7 ...", content_type="application/pdf")
    assert run([SourceRef("doc", pdf, server.url("/doc.pdf"), EXCERPTS)], tmp_path) == 0
    verdict = verdicts(tmp_path)["doc"]
    assert verdict["status"] == "unreachable" and "application/pdf cannot be read as text" in verdict["detail"]


def test_plain_text_and_declared_charset(server: LocalServer, tmp_path: Path) -> None:
    text = server.add(
        "/t.txt",
        body="Section 951 applies to agents\nof foreign governments.",
        content_type="text/plain; charset=utf-8",
    )
    latin = server.add(
        "/l.html",
        body="<meta charset='iso-8859-1'><p>un caf\xe9 cr\xe8me</p>".encode("latin-1"),
        content_type="text/html",
    )
    sources = [SourceRef("text", text, text, (EXCERPTS[1],)), SourceRef("latin", latin, latin, ("un café crème",))]
    assert run(sources, tmp_path) == 0
    assert {k: v["status"] for k, v in verdicts(tmp_path).items()} == {"text": "verified", "latin": "verified"}


def test_no_excerpts_makes_no_request(server: LocalServer, tmp_path: Path) -> None:
    source = SourceRef("bare", server.add("/page", body=PAGE), server.url("/page"), (), has_snapshot=True)
    assert run([source], tmp_path) == 0
    assert verdicts(tmp_path)["bare"]["status"] == "no-excerpts" and server.total == 0
    assert "has a snapshot" in markdown(tmp_path)


def test_verdicts_are_cached_until_excerpts_change(server: LocalServer, tmp_path: Path) -> None:
    source = SourceRef("judgment", server.add("/page", body=PAGE), server.add("/archive", body=PAGE), EXCERPTS)
    assert run([source], tmp_path) == 0
    assert server.total == 1
    assert run([source], tmp_path, now=NOW + timedelta(hours=1)) == 0
    assert server.total == 1 and verdicts(tmp_path)["judgment"]["cached"] is True

    edited = SourceRef("judgment", source.url, source.archive_url, (*EXCERPTS, "A new excerpt."))
    assert run([edited], tmp_path, now=NOW + timedelta(hours=2)) == 1  # re-checked at once
    assert server.total == 3  # the page, then the archive for a second opinion
    assert run([source], tmp_path, now=NOW + timedelta(hours=30)) == 0
    assert server.total == 4  # expired


def test_unreachable_is_not_cached(server: LocalServer, tmp_path: Path) -> None:
    source = SourceRef("judgment", server.add("/page", status=503), server.add("/archive", status=503), EXCERPTS)
    run([source], tmp_path, retries=0)
    first = server.total
    run([source], tmp_path, retries=0)
    assert server.total == 2 * first


def test_report_summary(server: LocalServer, tmp_path: Path) -> None:
    sources = [
        SourceRef("good", server.add("/good", body=PAGE), server.url("/good"), EXCERPTS),
        SourceRef("bad", server.add("/bad", body=CHANGED), refused_url(), EXCERPTS),
        SourceRef("none", server.url("/good"), server.url("/good")),
    ]
    assert run(sources, tmp_path) == 1
    data = json.loads((tmp_path / "out" / drift.REPORT_JSON).read_text(encoding="utf-8"))
    summary = data["summary"]
    assert (summary["verified"], summary["changed"], summary["unreachable"], summary["no-excerpts"]) == (1, 1, 0, 1)
    assert [v["source"] for v in data["sources"]] == ["good", "bad", "none"]
    assert data["sources"][1]["archive_has_all"] is None  # the archive could not be read
    text = markdown(tmp_path)
    assert text.startswith("# Source excerpts\n") and "| changed | 1 |" in text and "| verified | 1 |" in text
    assert "## Verified (1)" in text and "## No excerpts (1)" in text


def test_connection_reset_is_unreachable(tmp_path: Path) -> None:
    with ResetServer() as resetting:
        source = SourceRef("judgment", resetting.url("/page"), resetting.url("/archive"), EXCERPTS)
        assert run([source], tmp_path) == 0
        verdict = verdicts(tmp_path)["judgment"]
        assert verdict["status"] == "unreachable" and "reset" in verdict["detail"]
        assert resetting.requests["GET"] == 4  # two attempts (retries=1) for each of the two pages


def test_slow_page_times_out(server: LocalServer, tmp_path: Path) -> None:
    source = SourceRef("judgment", server.add("/slow", body=PAGE, delay=2.0), refused_url(), EXCERPTS)
    assert run([source], tmp_path, timeout=0.2, retries=0) == 0
    verdict = verdicts(tmp_path)["judgment"]
    assert verdict["status"] == "unreachable" and "url: no answer within 0.2 s" in verdict["detail"]


def test_no_network_stops_with_exit_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = SourceRef("judgment", refused_url("/page"), refused_url("/archive"), EXCERPTS)
    assert run([source], tmp_path) == 3
    assert "verify-sources: no network: nothing was checked" in capsys.readouterr().err
    assert not (tmp_path / "out").exists() and not (tmp_path / "cache.json").exists()


def test_no_network_probe_sees_only_pages_to_read(server: LocalServer, tmp_path: Path) -> None:
    asked: list[list[str]] = []

    def offline(urls: Sequence[str], within: float) -> bool:
        asked.append(list(urls))
        return False

    with_excerpts = SourceRef("a", server.add("/a", body=PAGE), server.url("/a"), EXCERPTS)
    without = SourceRef("b", server.add("/b", body=PAGE), server.url("/b"))
    assert run([with_excerpts, without], tmp_path, probe=offline) == 3
    assert asked == [[with_excerpts.url, with_excerpts.url]] and server.total == 0
    assert run([without], tmp_path, probe=offline) == 0  # nothing to fetch: no need for the network


# ---------------------------------------------------------------- client helpers


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


def test_retries_honour_a_small_retry_after(server: LocalServer, tmp_path: Path) -> None:
    busy = server.add("/busy", status=429, headers={"Retry-After": "0"})
    down = server.add("/down", status=503, headers={"Retry-After": "3600"})
    assert run([SourceRef("judgment", busy, down, EXCERPTS)], tmp_path, retries=2) == 0
    assert server.count("/busy") == 3  # a Retry-After of 0 s is waited for, then asked again
    assert server.count("/down") == 1  # an hour is too long: no retry
